//! Golden tests: every folder `tests/golden/<case>/` holds `input.jsonl` (posts, as `patrol analyze`
//! reads them) and `expected.jsonl` (one line per post). Only the contract's fields are compared —
//! `id`, `categories` (as a set), `minor`, `region`, `inquiry` — so that evidence, confidence and
//! other details can change freely. The folder's name says what the case guards.
//!
//! All cases run; the test fails at the end with every difference listed.

#![cfg(feature = "embedded-dictionary")]

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

const PATROL: &str = env!("CARGO_BIN_EXE_patrol");

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn analyze(input: &[u8]) -> Vec<Value> {
    let mut child = Command::new(PATROL)
        .arg("analyze")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start patrol");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait for patrol");
    assert!(
        out.status.success(),
        "patrol failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON output line"))
        .collect()
}

/// The contract's fields, with categories as a set.
fn contract(v: &Value) -> Value {
    let categories: BTreeSet<&str> = v["categories"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    serde_json::json!({
        "id": v["id"],
        "categories": categories,
        "minor": v["minor"],
        "region": v["region"],
        "inquiry": v["inquiry"],
        "error": v.get("error"),
    })
}

fn read_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}: {l}", path.display())))
        .collect()
}

#[test]
fn golden_cases() {
    let cases = cases();
    assert!(cases.len() >= 12, "expected at least 12 golden cases");
    let mut failures = Vec::new();
    let mut posts = 0;
    for dir in &cases {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let input = std::fs::read(dir.join("input.jsonl"))
            .unwrap_or_else(|e| panic!("{name}/input.jsonl: {e}"));
        let inputs = read_lines(&dir.join("input.jsonl"));
        let expected = read_lines(&dir.join("expected.jsonl"));
        assert_eq!(
            inputs.len(),
            expected.len(),
            "{name}: input.jsonl and expected.jsonl differ in length"
        );
        let got = analyze(&input);
        assert_eq!(
            got.len(),
            expected.len(),
            "{name}: one output line per input line"
        );
        for ((post, want), got) in inputs.iter().zip(&expected).zip(&got) {
            posts += 1;
            let (want, got) = (contract(want), contract(got));
            if want != got {
                failures.push(format!(
                    "{name}: {}\n    expected {want}\n    got      {got}",
                    post["text"]
                ));
            }
        }
    }
    println!(
        "golden: {} cases, {posts} posts, {} differences",
        cases.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "golden differences:\n{}",
        failures.join("\n")
    );
}
