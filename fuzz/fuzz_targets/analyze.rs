//! `analyze` on arbitrary text, profile and site (issue 6, "Fuzzing"): never panics, and every
//! result is one a consumer can trust (see `patrol_fuzz::check_analysis`).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use patrol::analyze::{AnalyzeError, Post};

#[derive(Arbitrary, Debug)]
enum Site<'a> {
    X,
    FiveCh,
    Shitaraba,
    Bakusai,
    Generic,
    Other(&'a str),
}

/// What separates the text from the profile in the input (a noncharacter: a post never holds it).
const PROFILE_SEPARATOR: char = '\u{FDD0}';

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    site: Option<Site<'a>>,
    /// The text, then optionally U+FDD0 and the author's profile (seeds: a 0 byte, then this).
    body: &'a str,
}

// The dictionary (or the profiles) load before the first input, outside its time limit.
fuzz_target!(init: {
    let _ = patrol_fuzz::analyzer();
}, |input: Input<'_>| {
    let site = input.site.map(|s| match s {
        Site::X => "x",
        Site::FiveCh => "5ch",
        Site::Shitaraba => "shitaraba",
        Site::Bakusai => "bakusai",
        Site::Generic => "generic",
        Site::Other(s) => s,
    });
    let (text, profile) = input
        .body
        .split_once(PROFILE_SEPARATOR)
        .unwrap_or((input.body, ""));
    let post = Post { text, profile, site };
    match patrol_fuzz::analyzer().analyze(&post) {
        Ok(a) => patrol_fuzz::check_analysis(&a, text, profile),
        Err(AnalyzeError::EmptyText) => assert!(text.trim().is_empty()),
        Err(AnalyzeError::TooLong { .. }) => {}
    }
});
