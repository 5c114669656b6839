//! What the fuzz targets share: the analyzer (built once; the dictionary takes a second to load)
//! and the invariants that the evidence highlights and the forms depend on. The checks panic with
//! a message naming the broken invariant, so libFuzzer reports them as crashes.

use patrol::analyze::{Analysis, Analyzer, Config};

pub mod chain;
pub mod forms;

/// The year birth years are judged against: fixed, so that a crash found today replays the same.
pub const AS_OF_YEAR: i32 = 2026;

/// The category ids of `shared/contract.md` (spelled out here, not taken from the code under test).
pub const CONTRACT_CATEGORIES: [&str; 9] = [
    "child_sexual_contact",
    "child_lodging",
    "child_harmful_work",
    "child_csam_offer",
    "child_csam_solicit",
    "child_sexualization",
    "suicide_notice",
    "group_suicide",
    "suicide_inducement",
];

/// The analyzer over the embedded dictionary, jurisdiction 熊本県. Built once per thread and
/// kept for the run (its tokenizer keeps a lattice in a `RefCell`, so it is not `Sync`; libFuzzer
/// calls the target from one thread).
pub fn analyzer() -> &'static Analyzer {
    thread_local! {
        static ANALYZER: &'static Analyzer = Box::leak(Box::new(build()));
    }
    ANALYZER.with(|a| *a)
}

fn build() -> Analyzer {
    let dict = patrol::dictionary::embedded().expect("the embedded dictionary loads");
    let config = Config {
        as_of_year: AS_OF_YEAR,
        ..Config::default()
    };
    Analyzer::new(dict, config).expect("the analyzer builds")
}

/// `s[start..end]` in chars, or a panic naming what is out of range.
fn char_slice(s: &str, start: usize, end: usize, what: &str) -> String {
    let len = s.chars().count();
    assert!(
        start <= end && end <= len,
        "{what}: span [{start}, {end}) is not inside the {len} chars it points into"
    );
    s.chars().skip(start).take(end - start).collect()
}

/// Everything a consumer of an analysis relies on: spans inside what they point into and quoting
/// it exactly, contract category ids, confidences in [0, 1], one of the three regions.
pub fn check_analysis(a: &Analysis, text: &str, profile: &str) {
    let json = serde_json::to_value(a).expect("an analysis serialises");
    for c in json["categories"]
        .as_array()
        .expect("categories is an array")
    {
        let id = c.as_str().expect("a category is a string");
        assert!(
            CONTRACT_CATEGORIES.contains(&id),
            "category {id:?} is not a contract id"
        );
    }
    let region = json["region"].as_str().expect("region is a string");
    assert!(
        matches!(region, "in" | "out" | "unknown"),
        "region {region:?} is not in/out/unknown"
    );
    assert!(json["minor"].is_boolean() && json["inquiry"].is_boolean());
    if a.inquiry {
        assert!(
            a.categories
                .iter()
                .any(|c| matches!(c.id(), "suicide_notice" | "group_suicide")),
            "inquiry set without a suicide category"
        );
    }
    let mut spans = Vec::new();
    for f in &a.flags {
        assert!(
            f.confidence.is_finite() && (0.0..=1.0).contains(&f.confidence),
            "confidence {} of {} is outside [0, 1]",
            f.confidence,
            f.rule
        );
        assert!(
            a.categories.contains(&f.category),
            "flag {} of {:?} is not among the categories",
            f.rule,
            f.category
        );
        spans.extend(f.evidence.iter());
    }
    for s in &a.suppressed {
        spans.extend(s.evidence.iter());
    }
    spans.extend(a.child.signals.iter());
    spans.extend(a.child.adult_signals.iter());
    if let Some(u) = &a.urgency {
        for list in [&u.timing, &u.specific, &u.explicit, &u.doubt] {
            spans.extend(list.iter());
        }
    }
    for ev in spans {
        let (src, name) = match ev.source {
            patrol::matcher::Source::Text => (text, "text"),
            patrol::matcher::Source::Profile => (profile, "profile"),
        };
        let quoted = char_slice(
            src,
            ev.start,
            ev.end,
            &format!("evidence {} in {name}", ev.signal),
        );
        assert_eq!(
            quoted, ev.text,
            "evidence {} [{}, {}) does not quote the {name}",
            ev.signal, ev.start, ev.end
        );
    }
    for p in &a.places {
        let src = match p.source {
            patrol::matcher::Source::Text => text,
            patrol::matcher::Source::Profile => profile,
        };
        char_slice(src, p.start, p.end, &format!("place {}", p.name));
    }
}
