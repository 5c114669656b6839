//! Throughput of the analyzer core, natively: `cargo bench --bench throughput`.
//!
//! Over ≥ 10,000 posts built from the labelled corpus (every text, with varied prefixes and
//! suffixes so that no two posts are identical), prints posts/s and chars/s for
//! - tokenization alone (lindera segmentation of the normalised text and profile, tokens counted),
//! - the full analysis (normalisation, tokenization, rules, child, region, urgency),
//! - the naive keyword baseline (substring search, no normalisation),
//!
//! and, to show where the full analysis spends its time, two of its stages on their own:
//! normalisation, and morphemes with their details (tokenize + part of speech, base form, reading);
//!
//! and the dictionary load time. Passes are interleaved (tokenize, full, baseline; three rounds)
//! and medians reported. A benchmark, not a test: nothing here asserts on speed.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use patrol::analyze::{Analyzer, Config, Post};
use patrol::baseline::Baseline;
use patrol::eval::load_corpus;
use patrol::normalize::normalize;
use patrol::region::Gazetteer;

const MIN_POSTS: usize = 10_000;
const ROUNDS: usize = 3;

const PREFIXES: [&str; 8] = [
    "",
    "【拡散希望】",
    "@user_0412 ",
    "ねえ、",
    "RT ",
    "（追記）",
    "#拡散 ",
    "今日も、",
];
const SUFFIXES: [&str; 5] = ["", " #病み垢", "。", "…", "\n\n(返信不要)"];

struct BenchPost {
    text: String,
    profile: String,
    site: Option<String>,
}

fn posts() -> Vec<BenchPost> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let items = match load_corpus(&corpus) {
        Ok(items) => items,
        Err(e) => {
            eprintln!("cannot load the corpus: {e}");
            std::process::exit(1);
        }
    };
    let n = items.len();
    let wanted = MIN_POSTS.div_ceil(n) * n;
    (0..wanted)
        .map(|i| {
            let item = &items[i % n];
            let variant = i / n;
            let prefix = PREFIXES[variant % PREFIXES.len()];
            let suffix = SUFFIXES[(variant / PREFIXES.len()) % SUFFIXES.len()];
            BenchPost {
                text: format!("{prefix}{}{suffix}", item.text),
                profile: item.profile.clone(),
                site: item.site.clone(),
            }
        })
        .collect()
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn time<F: FnMut() -> usize>(mut f: F) -> Duration {
    let start = Instant::now();
    black_box(f());
    start.elapsed()
}

fn rate(count: usize, d: Duration) -> f64 {
    count as f64 / d.as_secs_f64()
}

fn main() {
    // Dictionary load: decoding the embedded compact IPADIC into a lindera dictionary.
    let mut loads = Vec::new();
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let d = patrol::dictionary::embedded();
        loads.push(start.elapsed());
        black_box(d.is_ok());
    }
    let dictionary = match patrol::dictionary::embedded() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("dictionary: {e}");
            std::process::exit(1);
        }
    };
    let start = Instant::now();
    let analyzer = match Analyzer::new(dictionary, Config::default()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("analyzer: {e}");
            std::process::exit(1);
        }
    };
    let setup = start.elapsed();
    // The same analysis without the second reader, to show what the reader costs.
    let rules_only = patrol::dictionary::embedded()
        .map_err(|e| e.to_string())
        .and_then(|d| Analyzer::new(d, Config::default()).map_err(|e| e.to_string()));
    let mut rules_only = match rules_only {
        Ok(a) => a,
        Err(e) => {
            eprintln!("analyzer: {e}");
            std::process::exit(1);
        }
    };
    rules_only.reader_mut().mode = patrol::reader::Mode::Off;
    let baseline = Gazetteer::embedded()
        .map_err(|e| e.to_string())
        .and_then(|g| Baseline::new(&g, &analyzer.config().jurisdiction));
    let baseline = match baseline {
        Ok(b) => b,
        Err(e) => {
            eprintln!("baseline: {e}");
            std::process::exit(1);
        }
    };

    let posts = posts();
    let chars: usize = posts
        .iter()
        .map(|p| p.text.chars().count() + p.profile.chars().count())
        .sum();
    // Tokenization alone sees the same normalised strings as the analysis does.
    let symbols = &analyzer.rules().symbols;
    let normalised: Vec<(String, String)> = posts
        .iter()
        .map(|p| {
            (
                normalize(&p.text, symbols).text().to_string(),
                normalize(&p.profile, symbols).text().to_string(),
            )
        })
        .collect();
    let morph = analyzer.morphology();

    let tokenize = || {
        normalised
            .iter()
            .map(|(t, p)| morph.count_tokens(t) + morph.count_tokens(p))
            .sum::<usize>()
    };
    let analyse_all = |a: &Analyzer| {
        posts
            .iter()
            .map(|p| {
                let post = Post {
                    text: &p.text,
                    profile: &p.profile,
                    site: p.site.as_deref(),
                };
                match a.analyze(&post) {
                    Ok(a) => a.categories.len(),
                    Err(_) => 0,
                }
            })
            .sum::<usize>()
    };
    let full = || analyse_all(&analyzer);
    let full_rules = || analyse_all(&rules_only);
    let normalise = || {
        posts
            .iter()
            .map(|p| {
                normalize(&p.text, symbols).char_len() + normalize(&p.profile, symbols).char_len()
            })
            .sum::<usize>()
    };
    let morphemes = || {
        posts
            .iter()
            .map(|p| {
                morph.analyze(&normalize(&p.text, symbols)).len()
                    + morph.analyze(&normalize(&p.profile, symbols)).len()
            })
            .sum::<usize>()
    };
    let keyword = || {
        posts
            .iter()
            .map(|p| baseline.classify(&p.text, &p.profile).categories.len())
            .sum::<usize>()
    };

    // Warm-up (page in the dictionary, size the lattice), then interleaved timed rounds.
    black_box(tokenize());
    black_box(full());
    let tokens = tokenize();
    let flagged = posts
        .iter()
        .filter(|p| {
            analyzer
                .analyze(&Post {
                    text: &p.text,
                    profile: &p.profile,
                    site: p.site.as_deref(),
                })
                .is_ok_and(|a| !a.categories.is_empty())
        })
        .count();
    black_box(full_rules());
    let (mut t_tok, mut t_full, mut t_base) = (Vec::new(), Vec::new(), Vec::new());
    let mut t_rules = Vec::new();
    let (mut t_norm, mut t_morph) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        t_tok.push(time(tokenize));
        t_full.push(time(full));
        t_rules.push(time(full_rules));
        t_base.push(time(keyword));
        t_norm.push(time(normalise));
        t_morph.push(time(morphemes));
    }
    let (tok, fu, ba) = (median(t_tok), median(t_full), median(t_base));
    let (no, mo) = (median(t_norm), median(t_morph));
    let ru = median(t_rules);

    println!("patrol throughput (native, one thread, release profile)");
    println!(
        "posts: {} built from the corpus ({} chars incl. profiles, {:.0} chars/post, {} tokens, {} flagged)",
        posts.len(),
        chars,
        chars as f64 / posts.len() as f64,
        tokens,
        flagged
    );
    println!(
        "dictionary load (compact IPADIC, {:.1} MB embedded): {:.1} ms (median of {ROUNDS}); analyzer set-up (rules, gazetteer): {:.1} ms",
        patrol::dictionary::EMBEDDED.len() as f64 / 1e6,
        median(loads).as_secs_f64() * 1e3,
        setup.as_secs_f64() * 1e3
    );
    println!("medians of {ROUNDS} interleaved rounds:");
    println!(
        "{:<26} {:>10} {:>12} {:>14}",
        "", "time (ms)", "posts/s", "chars/s"
    );
    for (name, d) in [
        ("tokenize only (lindera)", tok),
        ("full analysis", fu),
        ("  without the reader", ru),
        ("keyword baseline", ba),
        ("  stage: normalise", no),
        ("  stage: norm.+morphemes", mo),
    ] {
        println!(
            "{:<26} {:>10.1} {:>12.0} {:>14.0}",
            name,
            d.as_secs_f64() * 1e3,
            rate(posts.len(), d),
            rate(chars, d)
        );
    }
    println!(
        "ratio full / tokenize: {:.2}×   (full / baseline: {:.1}×; the reader adds {:.0} % to the rules)",
        fu.as_secs_f64() / tok.as_secs_f64(),
        fu.as_secs_f64() / ba.as_secs_f64(),
        (fu.as_secs_f64() / ru.as_secs_f64() - 1.0) * 100.0
    );
}
