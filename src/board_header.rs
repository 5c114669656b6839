//! Board post headers pasted with a post (`12 名前：名無しさん 投稿日：2026/11/18(水) 12:12:12.12 ID:Gh7Jk8Lz`).
//!
//! The header is the board's, not the poster's words: its timestamp is when the post was made, not
//! when the poster says they will act (003 §4(1)ア(ア)), and its random ID can spell JK or JC by
//! chance (001 §4 asks for a child judged from what the poster writes). Hits inside it are dropped.

use std::sync::OnceLock;

use regex::Regex;

fn header_line() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // The post number, an optional name, then the posting date; an ID or 投稿日 label makes it
        // a header rather than a sentence that happens to start with a number and a date.
        Regex::new(
            r"(?i)^\s*\d{1,5}\s*(?:名前)?\s*[:：].*\d{4}/\d{1,2}/\d{1,2}.*(?:\bid\s*[:：]\s*[0-9a-z+/.]+|投稿日)",
        )
        .expect("the header pattern is a valid regex")
    })
}

/// Character ranges `[start, end)` of the header lines in `text`.
pub fn header_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        let chars = line.chars().count();
        if header_line().is_match(line) {
            out.push((offset, offset + chars));
        }
        offset += chars + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_channel_and_shitaraba_headers_are_found() {
        let t = "46 名前:名無しさん 投稿日:2026/11/18(水) 12:12:12.12 id:gh7jk8lz\n>>45 本文";
        assert_eq!(header_ranges(t), vec![(0, 53)]);
        let s = "12:名無しさん:2026/11/20(金) 22:00:00 ID:zQ1wE2rt\n本文";
        assert_eq!(header_ranges(s).len(), 1);
    }

    #[test]
    fn a_post_that_starts_with_a_number_and_a_date_is_not_a_header() {
        assert!(header_ranges("3人で2026/11/28に決行します").is_empty());
        assert!(header_ranges("11/28 今夜飛び降ります").is_empty());
    }
}
