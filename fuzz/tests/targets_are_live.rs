//! The fuzz targets' checks are not vacuous: on the committed seeds, the forms target renders
//! documents (so the marker check runs on real output), the chain target's mutations change the
//! log and are refused, and the analysis invariants run over posts that do raise flags. Plain
//! `cargo test` (no sanitizer): `cargo test --release --manifest-path fuzz/Cargo.toml`.

use std::path::{Path, PathBuf};

use patrol::analyze::Post;
use patrol_fuzz::chain::Verdict;
use patrol_fuzz::forms::Outcome;

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&p).expect("a seed reads"))
        })
        .collect()
}

#[test]
fn forms_seeds_render_with_every_marker_escaped() {
    let all = seeds("forms");
    assert!(all.len() >= 8, "too few form seeds");
    for (name, data) in &all {
        // run() panics if a marker is unescaped; here each seed must also get as far as a document.
        let outcome = patrol_fuzz::forms::run(data);
        assert_eq!(outcome, Outcome::Rendered, "seed {name}");
    }
}

#[test]
fn forms_documents_quote_the_marked_text_escaped() {
    let (_, data) = seeds("forms")
        .into_iter()
        .find(|(n, _)| n.starts_with("hostile_markup"))
        .expect("the hostile_markup seed");
    let value: serde_json::Value = serde_json::from_slice(&data[1..]).expect("JSON");
    let mut value = value;
    value["text"] = serde_json::json!("今夜、熊本の大甲橋から<zq\"zq'zq飛び降ります");
    let doc = patrol::forms::prefill(
        patrol_fuzz::analyzer(),
        "url_report",
        &value.to_string(),
        None,
    )
    .expect("renders");
    assert!(doc.contains("&lt;zq"), "the marked text is quoted, escaped");
    for m in patrol_fuzz::forms::MARKERS {
        assert!(!doc.contains(m), "{m} unescaped");
    }
}

#[test]
fn chain_mutation_seeds_change_the_log_and_are_refused() {
    let mut refused = 0;
    for (name, data) in seeds("canonical_chain") {
        match patrol_fuzz::chain::run(&data) {
            Verdict::Refused => refused += 1,
            Verdict::Unchanged | Verdict::NotMutated => {}
        }
        if name.starts_with("mutate-") {
            assert_ne!(
                patrol_fuzz::chain::run(&data),
                Verdict::NotMutated,
                "seed {name} is not read as mutations"
            );
        }
    }
    assert!(
        refused >= 4,
        "only {refused} mutation seeds changed the log"
    );
}

#[test]
fn analysis_invariants_hold_on_golden_posts_that_raise_flags() {
    let mut flagged = 0;
    let mut spans = 0;
    for (name, data) in seeds("analyze") {
        // Seeds: Option<Site> (0, or 1 + a 4-byte variant), then text [U+FDD0 profile].
        let body = match data.first() {
            Some(0) => &data[1..],
            Some(1) => &data[5..],
            _ => panic!("seed {name} has an unknown prefix"),
        };
        let body = std::str::from_utf8(body).unwrap_or_else(|_| panic!("seed {name}: UTF-8"));
        let (text, profile) = body.split_once('\u{FDD0}').unwrap_or((body, ""));
        let post = Post {
            text,
            profile,
            site: Some("x"),
        };
        let Ok(a) = patrol_fuzz::analyzer().analyze(&post) else {
            continue;
        };
        patrol_fuzz::check_analysis(&a, text, profile);
        if !a.categories.is_empty() {
            flagged += 1;
        }
        spans += a.flags.iter().map(|f| f.evidence.len()).sum::<usize>();
    }
    assert!(flagged >= 10, "only {flagged} seeds raised a flag");
    assert!(spans >= 20, "only {spans} evidence spans were checked");
}
