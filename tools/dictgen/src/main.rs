//! `patrol-dictgen`: builds patrol's dictionaries offline from the IPADIC
//! source (UTF-8 CSV + .def files, as prepared by `scripts/setup-dict.sh`).
//!
//! 1. `--full DIR`: the full IPADIC compiled by lindera's own
//!    `DictionaryBuilder` (lindera's normal directory format; the tests'
//!    reference).
//! 2. `--out FILE`: the compact container (`patrol_dict::encode`).
//!
//! Before writing the container it proves it: every row's details are checked
//! against lindera's `dict.words`, and the container is decoded again and its
//! trie, values, matrix, character and unknown-word definitions compared byte
//! for byte with lindera's files. It then prints sizes and the load time.

mod metadata;
mod rows;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use lindera_dictionary::builder::DictionaryBuilder;
use patrol_dict::{EncodeInput, DETAIL_FIELDS};

const USAGE: &str = "usage: patrol-dictgen --src IPADIC_UTF8_DIR --full OUT_DIR --out OUT.pdic [--no-brotli | --brotli-full]

Sizes are reported raw and gzip -9 for every file; brotli (quality 11) for the
compact container only by default (--brotli-full: for the full dictionary too,
about a minute more; --no-brotli: none).";

/// Which files get a brotli size.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Brotli {
    None,
    Compact,
    All,
}

struct Args {
    src: PathBuf,
    full: PathBuf,
    out: PathBuf,
    brotli: Brotli,
}

fn parse_args() -> Result<Args, String> {
    let mut src = None;
    let mut full = None;
    let mut out = None;
    let mut brotli = Brotli::Compact;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--src" => src = it.next().map(PathBuf::from),
            "--full" => full = it.next().map(PathBuf::from),
            "--out" => out = it.next().map(PathBuf::from),
            "--no-brotli" => brotli = Brotli::None,
            "--brotli-full" => brotli = Brotli::All,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    match (src, full, out) {
        (Some(src), Some(full), Some(out)) => Ok(Args {
            src,
            full,
            out,
            brotli,
        }),
        _ => Err(USAGE.to_string()),
    }
}

fn main() -> ExitCode {
    match parse_args().and_then(|args| run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("patrol-dictgen: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Files of a lindera dictionary directory, in a fixed order.
const FULL_FILES: [&str; 9] = [
    "metadata.json",
    "char_def.bin",
    "unk.bin",
    "matrix.mtx",
    "dict.trie",
    "dict.valsidx",
    "dict.vals",
    "dict.wordsidx",
    "dict.words",
];

fn run(args: &Args) -> Result<(), String> {
    let metadata = metadata::ipadic_metadata();

    // 1. Full dictionary, built into a scratch directory and renamed into place.
    let started = Instant::now();
    let tmp_full = args.full.with_extension("tmp");
    if tmp_full.exists() {
        fs::remove_dir_all(&tmp_full).map_err(|e| format!("{}: {e}", tmp_full.display()))?;
    }
    DictionaryBuilder::new(metadata.clone())
        .build_dictionary(&args.src, &tmp_full)
        .map_err(|e| format!("lindera build of {} failed: {e}", args.src.display()))?;
    if args.full.exists() {
        fs::remove_dir_all(&args.full).map_err(|e| format!("{}: {e}", args.full.display()))?;
    }
    fs::rename(&tmp_full, &args.full).map_err(|e| format!("{}: {e}", args.full.display()))?;
    println!(
        "full dictionary: {} (lindera DictionaryBuilder, {:.1} s)",
        args.full.display(),
        started.elapsed().as_secs_f64()
    );
    let full: Vec<(&str, Vec<u8>)> = FULL_FILES
        .iter()
        .map(|name| read(&args.full.join(name)).map(|b| (*name, b)))
        .collect::<Result<_, _>>()?;
    let file = |name: &str| -> &[u8] {
        full.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.as_slice())
            .unwrap_or(&[])
    };

    // 2. Rows in word-id order, checked against lindera's dict.words.
    let entries = rows::read_rows(&args.src, &metadata)?;
    check_details(&entries, file("dict.wordsidx"), file("dict.words"))?;
    println!(
        "rows: {} ({} in the trie), details match lindera's dict.words",
        entries.len(),
        entries.iter().filter(|e| !e.surface.is_empty()).count()
    );

    // 3. Encode (twice: the output must be deterministic).
    let input = EncodeInput {
        entries: &entries,
        metadata: &metadata,
        matrix_mtx: file("matrix.mtx"),
        char_def: file("char_def.bin"),
        unknown_dictionary: file("unk.bin"),
    };
    let compact = patrol_dict::encode(&input).map_err(|e| format!("encode: {e}"))?;
    let again = patrol_dict::encode(&input).map_err(|e| format!("encode: {e}"))?;
    if compact != again {
        return Err("encoder is not deterministic: two runs gave different bytes".to_string());
    }

    // 4. Decode and compare with lindera's files.
    let parts = patrol_dict::load_parts(&compact).map_err(|e| format!("decode: {e}"))?;
    for (name, ours) in parts.lindera_files() {
        if ours != file(name) {
            return Err(format!(
                "decoded {name} differs from lindera's ({} vs {} bytes)",
                ours.len(),
                file(name).len()
            ));
        }
    }
    check_words_prefix(
        file("dict.wordsidx"),
        file("dict.words"),
        &parts.words_idx,
        &parts.words,
    )?;
    println!("round trip: trie, valsidx, vals, matrix, char_def, unk identical; details = first {DETAIL_FIELDS} fields");

    // 5. Load time (best of 3).
    let mut best = f64::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        let dict = patrol_dict::load(&compact).map_err(|e| format!("load: {e}"))?;
        best = best.min(t.elapsed().as_secs_f64());
        drop(dict);
    }

    // 6. Write atomically.
    if let Some(dir) = args.out.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let tmp_out = args.out.with_extension("tmp");
    fs::write(&tmp_out, &compact).map_err(|e| format!("{}: {e}", tmp_out.display()))?;
    fs::rename(&tmp_out, &args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    println!("compact dictionary: {}", args.out.display());
    println!(
        "load (patrol_dict::load, this build, best of 3): {:.0} ms",
        best * 1e3
    );

    // 7. Sizes.
    report_sizes(&full, &compact, args.brotli);
    Ok(())
}

/// Iterates the NUL-joined detail records of a `dict.words`/`dict.wordsidx` pair.
fn records<'a>(idx: &'a [u8], words: &'a [u8]) -> impl Iterator<Item = Option<&'a [u8]>> + 'a {
    idx.chunks_exact(4).map(move |c| {
        let off = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize;
        let len_bytes = words.get(off..off + 4)?;
        let len =
            u32::from_le_bytes([len_bytes[0], len_bytes[1], len_bytes[2], len_bytes[3]]) as usize;
        words.get(off + 4..off + 4 + len)
    })
}

fn check_details(
    entries: &[patrol_dict::SourceEntry],
    idx: &[u8],
    words: &[u8],
) -> Result<(), String> {
    let recs: Vec<Option<&[u8]>> = records(idx, words).collect();
    if recs.len() != entries.len() {
        return Err(format!(
            "lindera wrote {} detail records, the CSV gives {} rows",
            recs.len(),
            entries.len()
        ));
    }
    for (i, (e, rec)) in entries.iter().zip(recs).enumerate() {
        let joined = e.details.join("\0");
        if rec != Some(joined.as_bytes()) {
            return Err(format!(
                "row {i} ({:?}): details differ from lindera's dict.words record",
                e.surface
            ));
        }
    }
    Ok(())
}

/// The compact records must be the first `DETAIL_FIELDS` fields of lindera's.
fn check_words_prefix(
    full_idx: &[u8],
    full_words: &[u8],
    idx: &[u8],
    words: &[u8],
) -> Result<(), String> {
    let full: Vec<_> = records(full_idx, full_words).collect();
    let ours: Vec<_> = records(idx, words).collect();
    if full.len() != ours.len() {
        return Err(format!(
            "decoded {} records, lindera has {}",
            ours.len(),
            full.len()
        ));
    }
    for (i, (a, b)) in full.iter().zip(&ours).enumerate() {
        let (Some(a), Some(b)) = (a, b) else {
            return Err(format!("record {i} is malformed"));
        };
        let want: Vec<&[u8]> = a.split(|&c| c == 0).take(DETAIL_FIELDS).collect();
        let got: Vec<&[u8]> = b.split(|&c| c == 0).collect();
        if want != got {
            return Err(format!(
                "record {i}: decoded details {:?} != lindera's {:?}",
                String::from_utf8_lossy(b),
                String::from_utf8_lossy(a)
            ));
        }
    }
    Ok(())
}

fn gzip9(data: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().map(|v| v.len()).unwrap_or(0)
}

fn brotli11(data: &[u8]) -> usize {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: data.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    let mut input = data;
    match brotli::BrotliCompress(&mut input, &mut out, &params) {
        Ok(_) => out.len(),
        Err(_) => 0,
    }
}

fn mb(n: usize) -> String {
    format!("{:.2} MB", n as f64 / 1e6)
}

/// Prints raw / gzip -9 / brotli 11 sizes of every full-dictionary file and
/// of the container, compressing on all cores.
fn report_sizes(full: &[(&str, Vec<u8>)], compact: &[u8], brotli: Brotli) {
    let mut items: Vec<(String, &[u8])> = full
        .iter()
        .map(|(n, b)| (format!("full/{n}"), b.as_slice()))
        .collect();
    items.push(("ipadic.pdic".to_string(), compact));
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    // Largest first, dealt round-robin to the threads.
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(items[i].1.len()));
    let mut results: Vec<(usize, usize)> = vec![(0, 0); items.len()];
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let mine: Vec<usize> = order.iter().copied().skip(t).step_by(threads).collect();
                let items = &items;
                s.spawn(move || {
                    mine.into_iter()
                        .map(|i| {
                            let (name, data) = (&items[i].0, items[i].1);
                            let wanted = match brotli {
                                Brotli::None => false,
                                Brotli::Compact => !name.starts_with("full/"),
                                Brotli::All => true,
                            };
                            let b = if wanted { brotli11(data) } else { 0 };
                            (i, gzip9(data), b)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            if let Ok(v) = h.join() {
                for (i, g, b) in v {
                    results[i] = (g, b);
                }
            }
        }
    });

    println!();
    println!(
        "{:<22} {:>12} {:>12} {:>12}",
        "file", "raw", "gzip -9", "brotli 11"
    );
    let mut total = (0, 0, 0);
    for (i, (name, data)) in items.iter().enumerate() {
        let (g, b) = results[i];
        if name.starts_with("full/") {
            total = (total.0 + data.len(), total.1 + g, total.2 + b);
        } else {
            println!(
                "{:<22} {:>12} {:>12} {:>12}",
                "full (sum of files)",
                mb(total.0),
                mb(total.1),
                if brotli == Brotli::All {
                    mb(total.2)
                } else {
                    "-".into()
                }
            );
        }
        println!(
            "{:<22} {:>12} {:>12} {:>12}",
            name,
            mb(data.len()),
            mb(g),
            if b > 0 { mb(b) } else { "-".into() }
        );
    }
}
