//! The second reader (src/reader) as a user meets it: the committed weights are what
//! `patrol reader train` makes of the corpus and the current rules (so they cannot go stale
//! silently after a rule change), and a category it adds carries the reader's rule id, its
//! clause, a confidence and evidence spans that point at the words in the post.

#![cfg(feature = "embedded-dictionary")]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

const PATROL: &str = env!("CARGO_BIN_EXE_patrol");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn retraining_from_the_corpus_reproduces_the_committed_weights() {
    let out = std::env::temp_dir().join(format!("patrol-reader-{}.tsv", std::process::id()));
    let run = Command::new(PATROL)
        .current_dir(root())
        .args(["reader", "train", "--out"])
        .arg(&out)
        .output()
        .expect("run patrol reader train");
    assert!(
        run.status.success(),
        "patrol reader train failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let fresh = std::fs::read_to_string(&out).expect("read the retrained weights");
    let _ = std::fs::remove_file(&out);
    let committed =
        std::fs::read_to_string(root().join("rules/reader.tsv")).expect("read rules/reader.tsv");
    if fresh != committed {
        let first = fresh
            .lines()
            .zip(committed.lines())
            .position(|(a, b)| a != b)
            .map_or("(lengths differ)".to_string(), |i| {
                format!("line {}", i + 1)
            });
        panic!(
            "rules/reader.tsv is stale: retraining gives other weights (first difference at {first}). \
             Rules or corpus changed: run `patrol reader train` and commit rules/reader.tsv"
        );
    }
}

fn analyze_with(args: &[&str], line: &str) -> Value {
    let mut child = Command::new(PATROL)
        .arg("analyze")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start patrol");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(line.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    serde_json::from_slice(&out.stdout).expect("one JSON line")
}

/// `--reader` applies the reader whatever rules/reader.toml says.
fn analyze(line: &str) -> Value {
    analyze_with(&["--reader"], line)
}

/// A hint of suicide without a suicide word: the poster has decided and seeks a witness.
const WITNESS_SOUGHT: &str = "最後に誰か見届けてくれる人いませんか。もう決めたので";

#[test]
fn a_child_category_is_not_added_for_an_adult() {
    let a = analyze(&format!(
        "{}\n",
        serde_json::json!({"id": 2, "text": "家出した。今日寝るとこない。誰か助けて",
                           "profile": "25歳 会社員", "site": "x"})
    ));
    assert_eq!(a["categories"], serde_json::json!([]), "{a}");
}

#[test]
fn the_switch_in_rules_reader_toml_decides_the_default() {
    let switch = std::fs::read_to_string(root().join("rules/reader.toml")).expect("switch");
    let enabled = switch.lines().any(|l| l.trim() == "enabled = true");
    let a = analyze_with(
        &[],
        &format!(
            "{}\n",
            serde_json::json!({"id": 3, "text": WITNESS_SOUGHT, "site": "x"})
        ),
    );
    let by_reader = a["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .any(|f| f["rule"] == "reader.suicide_notice");
    assert_eq!(by_reader, enabled, "{a}");
}

#[test]
fn an_added_category_cites_its_clause_and_shows_its_words() {
    let text = WITNESS_SOUGHT;
    let a = analyze(&format!(
        "{}\n",
        serde_json::json!({"id": 1, "text": text, "site": "x"})
    ));
    let flags = a["flags"].as_array().expect("flags");
    let f = flags
        .iter()
        .find(|f| f["category"] == "suicide_notice")
        .expect("suicide_notice flagged");
    assert_eq!(
        f["rule"], "reader.suicide_notice",
        "this golden post is one the rules miss; if a rule now catches it, pick another for the reader's golden"
    );
    assert_eq!(f["clause"], "003 §2(1)");
    let conf = f["confidence"].as_f64().expect("confidence");
    assert!((0.7..=1.0).contains(&conf), "confidence {conf}");
    let ev = f["evidence"].as_array().expect("evidence");
    assert!(!ev.is_empty(), "an added flag shows the words it read");
    let chars: Vec<char> = text.chars().collect();
    for e in ev {
        let (s, t) = (
            e["start"].as_u64().expect("start") as usize,
            e["end"].as_u64().expect("end") as usize,
        );
        let quoted: String = chars[s..t].iter().collect();
        assert_eq!(e["text"], quoted.as_str(), "span {s}–{t} quotes the post");
    }
    assert!(
        ev.iter()
            .any(|e| e["text"].as_str().is_some_and(|t| t.contains("最後"))),
        "{ev:?}"
    );
}
