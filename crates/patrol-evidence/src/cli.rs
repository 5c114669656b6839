//! `patrol verify FILE [--open] [--anchor SEQ:HASH]`: the native check an investigator runs.
//!
//! Exit status: 0 intact (one summary line on standard output), 1 tampering or damage found (a
//! Japanese and an English line on standard error naming the first bad entry), 2 the file cannot
//! be read or the command is misused.

use std::io::Write;
use std::path::Path;

use crate::archive::{check_files, load};
use crate::chain::{is_hex64, parse_jsonl, verify, ArtefactLookup, VerifyOptions};

pub const USAGE: &str = "\
  patrol verify FILE [--open] [--anchor SEQ:HASH]
      Checks an exported evidence log: FILE is the case archive (.zip), its unzipped folder, or
      log.jsonl alone. --open accepts a live log without a closing export entry; --anchor checks
      the entry SEQ against the hash on the endpoint's receipt. Exit 0 intact, 1 tampered, 2 unreadable.
";

/// Runs the command on its arguments (after `verify`); returns the exit status.
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut opts = VerifyOptions::default();
    let mut file = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--open" => opts.require_seal = false,
            "--anchor" => match it.next().and_then(|v| parse_anchor(v)) {
                Some(anchor) => opts.anchor = Some(anchor),
                None => {
                    return usage(
                        err,
                        "--anchor needs SEQ:HASH (a whole number, a colon, 64 hex digits)",
                    )
                }
            },
            s if s.starts_with('-') && s.len() > 1 => {
                return usage(err, &format!("unknown option {s}"))
            }
            s if file.is_none() => file = Some(s.to_string()),
            s => return usage(err, &format!("unexpected argument {s:?}")),
        }
    }
    let Some(file) = file else {
        return usage(err, "FILE is missing");
    };
    let case = match load(Path::new(&file)) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "読み込めません / cannot read: {e}");
            return 2;
        }
    };
    let log = match parse_jsonl(&case.log) {
        Ok(log) => log,
        Err(p) => {
            let _ = writeln!(err, "{p}");
            return 1;
        }
    };
    let lookup = |name: &str| case.files.as_ref().and_then(|f| f.get(name).cloned());
    let artefacts: Option<ArtefactLookup<'_>> = match case.files {
        Some(_) => Some(&lookup),
        None => None,
    };
    let result = verify(&log, &opts, artefacts).and_then(|s| match &case.files {
        Some(files) => check_files(&log, files).map(|()| s),
        None => Ok(s),
    });
    match result {
        Ok(s) => {
            let files = if case.files.is_some() {
                format!(
                    "証拠ファイル{}件のハッシュ一致 / {} artefact files match",
                    s.artefacts_checked, s.artefacts_checked
                )
            } else {
                "証拠ファイルは未照合（ログのみ）/ artefact files not checked (log only)"
                    .to_string()
            };
            let _ = writeln!(
                out,
                "検証成功 / verified: case {} · {} entries · head seq {} sha256 {} · {} · {}{}",
                s.case_id,
                s.entries,
                s.head_seq,
                s.head_hash,
                if s.sealed {
                    "sealed by export"
                } else {
                    "open (no export entry)"
                },
                files,
                if opts.anchor.is_some() {
                    " · anchor matches"
                } else {
                    ""
                }
            );
            0
        }
        Err(p) => {
            let _ = writeln!(err, "{p}");
            1
        }
    }
}

fn parse_anchor(v: &str) -> Option<(u64, String)> {
    let (seq, hash) = v.split_once(':')?;
    let hash = hash.to_ascii_lowercase();
    is_hex64(&hash).then_some(())?;
    Some((seq.parse().ok()?, hash))
}

fn usage(err: &mut dyn Write, why: &str) -> u8 {
    let _ = writeln!(err, "patrol verify: {why}\n\nUSAGE:\n{USAGE}");
    2
}

#[cfg(test)]
mod tests {
    use super::run;

    fn run_args(args: &[&str]) -> (u8, String) {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(&args, &mut out, &mut err);
        (
            code,
            String::from_utf8_lossy(&[out, err].concat()).into_owned(),
        )
    }

    #[test]
    fn unreadable_file_exits_2_with_a_bilingual_message() {
        let (code, msg) = run_args(&["/nonexistent/case.zip"]);
        assert_eq!(code, 2);
        assert!(msg.contains("読み込めません / cannot read"), "{msg}");
        let dir =
            std::env::temp_dir().join(format!("patrol-evidence-binary-{}", std::process::id()));
        std::fs::write(&dir, [0xff, 0xfe, 0x00]).unwrap();
        let (code, msg) = run_args(&[dir.to_str().unwrap()]);
        std::fs::remove_file(&dir).unwrap();
        assert_eq!(code, 2, "{msg}");
        assert!(msg.contains("not UTF-8"), "{msg}");
    }

    #[test]
    fn misuse_exits_2() {
        assert_eq!(run_args(&[]).0, 2);
        assert_eq!(run_args(&["a", "b"]).0, 2);
        assert_eq!(run_args(&["--anchor", "x", "a"]).0, 2);
        assert_eq!(run_args(&["--frobnicate", "a"]).0, 2);
    }
}
