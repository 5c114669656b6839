//! Hostile text through `patrol analyze` (issue 6, hostile pages): keywords disguised with zero-width
//! and bidi characters, variation selectors and homoglyphs are flagged like the plain words, and every
//! evidence span still points at the characters the officer sees in the original post (offsets count
//! code points of the original text, docs/architecture.md).

#![cfg(feature = "embedded-dictionary")]

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

const PATROL: &str = env!("CARGO_BIN_EXE_patrol");

fn analyze(posts: &[(&str, &str)]) -> Vec<Value> {
    let input: String = posts
        .iter()
        .map(|(id, text)| format!("{}\n", json!({"id": id, "text": text, "site": "x"})))
        .collect();
    let mut child = Command::new(PATROL)
        .arg("analyze")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start patrol");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn categories(v: &Value) -> Vec<String> {
    let mut c: Vec<String> = v["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| c.as_str().expect("id").to_string())
        .collect();
    c.sort();
    c
}

/// Every evidence span of the text: its offsets cut exactly its `text` out of the original.
fn spans(v: &Value, original: &str) -> Vec<String> {
    let chars: Vec<char> = original.chars().collect();
    let mut out = Vec::new();
    for flag in v["flags"].as_array().expect("flags") {
        for e in flag["evidence"].as_array().expect("evidence") {
            if e["source"] != "text" {
                continue;
            }
            let (s, t) = (
                e["start"].as_u64().expect("start"),
                e["end"].as_u64().expect("end"),
            );
            let (s, t) = (s as usize, t as usize);
            assert!(s < t && t <= chars.len(), "span {s}..{t} of {original:?}");
            let cut: String = chars[s..t].iter().collect();
            assert_eq!(e["text"].as_str(), Some(cut.as_str()), "{original:?}");
            out.push(cut);
        }
    }
    out
}

const HIDDEN: [char; 12] = [
    '\u{200B}',
    '\u{200C}',
    '\u{200D}',
    '\u{2060}',
    '\u{FEFF}',
    '\u{202E}',
    '\u{2066}',
    '\u{2067}',
    '\u{2068}',
    '\u{2069}',
    '\u{FE0F}',
    '\u{E0101}',
];

#[test]
fn invisible_characters_inside_a_keyword_neither_hide_it_nor_shift_its_span() {
    let plain = "死にたい。今夜、熊本の大甲橋から飛び降ります";
    let expected = analyze(&[("plain", plain)]);
    let texts: Vec<String> = HIDDEN
        .iter()
        .map(|h| format!("死{h}にたい。今夜、熊本の大甲橋から飛{h}び降{h}ります"))
        .collect();
    let posts: Vec<(&str, &str)> = texts.iter().map(|t| ("h", t.as_str())).collect();
    for (v, text) in analyze(&posts).iter().zip(&texts) {
        assert_eq!(categories(v), categories(&expected[0]), "{text:?}");
        assert_eq!(v["inquiry"], expected[0]["inquiry"], "{text:?}");
        let cut = spans(v, text);
        let hidden = text.chars().nth(1).expect("hidden char");
        // The highlighted words are the disguised ones, hidden characters included.
        assert!(
            cut.iter().any(|s| s == &format!("死{hidden}にたい")),
            "{text:?}: {cut:?}"
        );
        assert!(
            cut.iter()
                .any(|s| s.starts_with('飛') && s.contains(hidden) && s.ends_with("ります")),
            "{text:?}: {cut:?}"
        );
    }
}

#[test]
fn homoglyphs_are_flagged_like_the_word_they_imitate_and_highlighted_as_written() {
    let cases = [
        // (disguised, plain, the span that must be highlighted)
        (
            "ЈКです。ホ別でお願いします",
            "JKです。ホ別でお願いします",
            "ЈК",
        ),
        (
            "JКです。ホ別でお願いします",
            "JKです。ホ別でお願いします",
            "JК",
        ),
        ("口リの動画ありますか", "ロリの動画ありますか", "口リ"),
        (
            "口リ画像売ります。DMください",
            "ロリ画像売ります。DMください",
            "口リ",
        ),
    ];
    let posts: Vec<(&str, &str)> = cases
        .iter()
        .flat_map(|(d, p, _)| [("d", *d), ("p", *p)])
        .collect();
    let out = analyze(&posts);
    for (k, (disguised, plain, shown)) in cases.iter().enumerate() {
        let (d, p) = (&out[2 * k], &out[2 * k + 1]);
        assert!(
            !categories(p).is_empty(),
            "the plain post {plain} is flagged"
        );
        assert_eq!(categories(d), categories(p), "{disguised}");
        assert_eq!(d["minor"], p["minor"], "{disguised}");
        let cut = spans(d, disguised);
        let highlighted = d["child"]["signals"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["text"].as_str())
            .map(str::to_string)
            .chain(cut)
            .collect::<Vec<_>>();
        assert!(
            highlighted.iter().any(|s| s.contains(shown)),
            "{disguised}: the highlight covers {shown}: {highlighted:?}"
        );
    }
}

#[test]
fn lookalike_kanji_in_ordinary_text_raise_no_flag() {
    let ordinary = [
        "パン工場で一口サイズのメロンパンを二個買った",
        "口コミで評判のカフェ、チーム力がすごい",
        "ゲーム一つで二ヶ月遊べる。一ノ瀬さんのおすすめ",
        "メンバー一人ひとりの力を合わせよう",
        "カード二枚と夕方のライブ一回分のチケット",
    ];
    let posts: Vec<(&str, &str)> = ordinary.iter().map(|t| ("o", *t)).collect();
    for (v, t) in analyze(&posts).iter().zip(ordinary) {
        assert!(categories(v).is_empty(), "{t}: {v}");
    }
}
