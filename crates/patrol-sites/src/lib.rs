//! Site profiles (data) and the native extraction engine behind `patrol scan` (issue 3).
//!
//! Profiles in `profiles/*.json` say, in CSS selectors plus a few declarative extras, how to find
//! posts and their fields on X, 5ch, したらば, 爆サイ and unknown boards. This crate interprets them
//! over a saved page; `extension/src/content/extract.js` interprets the same JSON over the live DOM,
//! and the fixtures in `tests/fixtures/sites/` hold both to the same output.

pub mod bundle;
pub mod extract;
pub mod generic;
pub mod profile;
pub mod scan;
pub mod text;

pub use extract::{
    author_profile_text, extract_post, extract_posts, match_profile, post_elements, ExtractedPost,
    Page, PageContext,
};
pub use profile::{embedded, load_dir, load_profile, parse_profile, Profile, ProfileError};
