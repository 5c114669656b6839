//! Site-profile extraction on arbitrary HTML (issue 6, "Fuzzing"). The first byte chooses the
//! packaged profile (`profiles/*.json`, in `embedded()` order: x, 5ch, shitaraba, bakusai,
//! generic) forced onto the page at an address it recognises, or (5) the profile `patrol scan`
//! would choose for the address the page declares. The rest goes through the same charset
//! sniffing as a saved page (`decode_page`). One profile per input: parsing is what costs, and
//! over a run every profile gets its share.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use patrol_sites::extract::{extract_posts, match_profile, Page};
use patrol_sites::profile::{embedded, Profile};
use patrol_sites::scan::decode_page;

fn profiles() -> &'static [Profile] {
    static PROFILES: OnceLock<Vec<Profile>> = OnceLock::new();
    PROFILES.get_or_init(|| embedded().expect("the packaged profiles load"))
}

/// An address each profile recognises (the fixtures' own addresses).
fn url_for(site: &str) -> &'static str {
    match site {
        "x" => "https://x.com/genkai_0909/status/1859600000000000021",
        "5ch" => "https://mi.5ch.net/test/read.cgi/mental/1763640000/",
        "shitaraba" => "https://jbbs.shitaraba.net/bbs/read.cgi/study/12034/1763600000/",
        "bakusai" => {
            "https://bakusai.com/thr_res/acode=12/ctrid=0/ctgid=104/bid=330/tid=12345678/tp=1/"
        }
        _ => "https://aso-local.example.jp/bbs/read.cgi?thread=1731888000",
    }
}

// The dictionary (or the profiles) load before the first input, outside its time limit.
// The profiles load before the first input, outside its time limit.
fuzz_target!(init: {
    let _ = profiles();
}, |data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let html = decode_page(bytes);
    let profiles = profiles();
    match profiles.get(usize::from(choice) % (profiles.len() + 1)) {
        Some(profile) => {
            let page = Page::parse(&html, url_for(&profile.site));
            for post in extract_posts(profile, &page) {
                assert_eq!(post.site, profile.site, "a post carries its profile's site");
                assert_eq!(post.profile_version, profile.version);
                assert!(!post.key.is_empty(), "every post has a key to deduplicate it by");
            }
        }
        None => {
            let url = Page::declared_url(&html).unwrap_or_else(|| url_for("").to_string());
            let page = Page::parse(&html, &url);
            if let Some(profile) = match_profile(profiles, &page) {
                for post in extract_posts(profile, &page) {
                    assert_eq!(post.site, profile.site, "a post carries its profile's site");
                }
            }
        }
    }
});
