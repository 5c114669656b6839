//! Golden tests: every folder of tests/fixtures/sites is one page with its address and the
//! posts an officer would read from it. The browser test (tests/browser/extract.test.mjs)
//! checks the JavaScript engine against the same expected.jsonl files.

use std::path::{Path, PathBuf};

use patrol_sites::{embedded, extract_posts, match_profile, Page};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/sites")
}

/// The extraction fields of an expected line (categories belong to the analyzer, checked by
/// the scan CLI test).
fn extraction_of(line: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(line).expect("expected.jsonl line is JSON");
    if let Some(m) = v.as_object_mut() {
        m.remove("categories");
    }
    v
}

#[test]
fn every_fixture_extracts_exactly_the_expected_posts() {
    let profiles = embedded().expect("shipped profiles load");
    let mut cases = 0;
    for entry in std::fs::read_dir(fixtures()).expect("fixtures folder") {
        let dir = entry.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let html = std::fs::read_to_string(dir.join("page.html")).expect("page.html");
        let url = std::fs::read_to_string(dir.join("url.txt")).expect("url.txt");
        let page = Page::parse(&html, url.trim());
        let profile = match_profile(&profiles, &page);
        if dir.join("not_recognised.txt").exists() {
            assert!(
                profile.is_none(),
                "{name}: must not be recognised, got {:?}",
                profile.map(|p| &p.site)
            );
            cases += 1;
            continue;
        }
        let profile = profile.unwrap_or_else(|| panic!("{name}: no profile matched"));
        let got: Vec<serde_json::Value> = extract_posts(profile, &page)
            .iter()
            .map(|p| serde_json::to_value(p).unwrap())
            .collect();
        let expected: Vec<serde_json::Value> = std::fs::read_to_string(dir.join("expected.jsonl"))
            .expect("expected.jsonl")
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(extraction_of)
            .collect();
        assert_eq!(got.len(), expected.len(), "{name}: number of posts");
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(g, e, "{name}: post {i}");
        }
        cases += 1;
    }
    assert!(cases >= 11, "only {cases} fixture cases found");
}
