//! The forms, end to end through `patrol prefill` (contract: `patrol prefill FORM`).
//!
//! Golden tests: every folder `tests/forms/<case>/` holds `input.json` (the contract's input,
//! with optional `extras`), `forms.txt` (the forms that apply to the record, one per line) and
//! one `<form>.html` per form, the expected document. The rule-set version is replaced by
//! `{ruleset}` before comparing, so tuning the analyzer's rules does not churn every golden;
//! a change of wording, layout or pre-filled values does. Regenerate with `UPDATE_GOLDEN=1`.
//!
//! Beside the goldens: the CLI contract (exit status 2, a message on stderr and nothing on
//! stdout for an unknown form or malformed input) and hostile text escaped in every form.

#![cfg(feature = "embedded-dictionary")]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PATROL: &str = env!("CARGO_BIN_EXE_patrol");

const FORMS: [&str; 8] = [
    "url_report",
    "takedown_request",
    "provider_inquiry",
    "action_record",
    "warning_reply",
    "discovery_report",
    "ihc_report",
    "emergency_disclosure",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/forms")
}

fn prefill(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(PATROL)
        .arg("prefill")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start patrol");
    // The command may refuse before reading standard input (unknown form): ignore a broken pipe.
    let _ = child.stdin.take().expect("stdin").write_all(stdin);
    child.wait_with_output().expect("wait for patrol")
}

/// The rule-set version (2026.11.22.3) replaced by a marker.
fn normalise(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if let Some(len) = ruleset_at(rest) {
            out.push_str("{ruleset}");
            rest = &rest[len..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Length of a `YYYY.MM.DD.N` version at the start of `s`, if any.
fn ruleset_at(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let digits = |from: usize, n: usize| {
        bytes.len() >= from + n && bytes[from..from + n].iter().all(u8::is_ascii_digit)
    };
    if !(digits(0, 4)
        && bytes.get(4) == Some(&b'.')
        && digits(5, 2)
        && bytes.get(7) == Some(&b'.')
        && digits(8, 2)
        && bytes.get(10) == Some(&b'.')
        && digits(11, 1))
    {
        return None;
    }
    let mut end = 12;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    Some(end)
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root())
        .expect("tests/forms")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("input.json").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn forms_of(case: &Path) -> Vec<String> {
    std::fs::read_to_string(case.join("forms.txt"))
        .unwrap_or_else(|e| panic!("{}/forms.txt: {e}", case.display()))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// A readable diff: the first differing lines with a little context.
fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let mut out = String::new();
    let mut shown = 0;
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i).copied(), a.get(i).copied());
        if x != y {
            out.push_str(&format!(
                "  line {}:\n    expected: {}\n    actual:   {}\n",
                i + 1,
                x.unwrap_or("<none>"),
                y.unwrap_or("<none>")
            ));
            shown += 1;
            if shown == 8 {
                out.push_str("  …\n");
                break;
            }
        }
    }
    out
}

#[test]
fn golden_documents_match() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases() {
        let input = std::fs::read(case.join("input.json")).expect("input.json");
        for form in forms_of(&case) {
            let out = prefill(&[&form], &input);
            let name = format!("{}/{form}", case.file_name().unwrap().to_string_lossy());
            if !out.status.success() {
                failures.push(format!(
                    "{name}: exit {:?}: {}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr)
                ));
                continue;
            }
            let actual = normalise(&String::from_utf8(out.stdout).expect("UTF-8"));
            let path = case.join(format!("{form}.html"));
            if update {
                std::fs::write(&path, &actual).expect("write golden");
                continue;
            }
            checked += 1;
            match std::fs::read_to_string(&path) {
                Ok(expected) if expected == actual => {}
                Ok(expected) => failures.push(format!(
                    "{name} differs from {} (UPDATE_GOLDEN=1 regenerates):\n{}",
                    path.display(),
                    diff(&expected, &actual)
                )),
                Err(e) => failures.push(format!("{name}: {}: {e}", path.display())),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        update || checked >= 20,
        "only {checked} golden documents checked"
    );
}

/// The elements the forms use; anything else in a document is an injection or a mistake.
const ALLOWED_TAGS: [&str; 22] = [
    "body", "html", "section", "aside", "h1", "h2", "p", "div", "span", "b", "br", "table", "tr",
    "th", "td", "colgroup", "col", "ul", "li", "head", "meta", "title",
];

/// The contents of every tag (`<…>`) of an HTML text; escaped text contains no `<`.
fn tags(html: &str) -> Vec<&str> {
    html.split('<')
        .skip(1)
        .filter_map(|t| t.split_once('>').map(|(tag, _)| tag))
        .filter(|t| !t.starts_with('!'))
        .collect()
}

#[test]
fn goldens_are_standalone_documents_without_script_or_remote_resources() {
    for case in cases() {
        for form in forms_of(&case) {
            let path = case.join(format!("{form}.html"));
            let html = std::fs::read_to_string(&path).expect("golden");
            let name = path.display();
            assert!(html.starts_with("<!DOCTYPE html>"), "{name}");
            assert!(html.contains("<meta charset=\"utf-8\">"), "{name}");
            assert!(html.contains("size: A4"), "{name}: no A4 print CSS");
            assert!(html.contains("@media print"), "{name}");
            let lower = html.to_lowercase();
            let (head, body) = lower.split_once("</style>").expect("style sheet");
            assert!(
                !head.contains("url(") && !head.contains("@import"),
                "{name}: remote CSS"
            );
            for tag in tags(body) {
                let tname: String = tag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
                    .collect();
                assert!(
                    ALLOWED_TAGS.contains(&tname.trim_start_matches('/')),
                    "{name}: <{tag}>"
                );
                for attr in [" src=", " href=", " on", " style=\"background", " srcset="] {
                    assert!(!tag.contains(attr), "{name}: <{tag}>");
                }
            }
            assert_eq!(lower.matches("</style>").count(), 1, "{name}");
            assert!(
                html.contains(&format!("data-form=\"{form}\"")),
                "{name}: data-form"
            );
        }
    }
}

/// Hostile text in every field of the record and the extras, through every form: markup stays
/// text, quotes cannot end an attribute, `</style>` cannot end the style sheet, and RTL
/// overrides and zero-width characters become visible markers.
#[test]
fn hostile_text_is_escaped_in_every_form() {
    let input = std::fs::read(root().join("hostile_markup/input.json")).expect("hostile input");
    for form in FORMS {
        let out = prefill(&[form], &input);
        assert!(
            out.status.success(),
            "{form}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let html = String::from_utf8(out.stdout).expect("UTF-8");
        let lower = html.to_lowercase();
        assert!(!lower.contains("<script"), "{form}: raw <script>");
        assert!(!lower.contains("<img"), "{form}: raw <img>");
        assert!(
            !lower.contains("onmouseover=\""),
            "{form}: attribute injected"
        );
        assert_eq!(
            lower.matches("</style>").count(),
            1,
            "{form}: </style> passed through"
        );
        assert_eq!(
            lower.matches("<style>").count(),
            1,
            "{form}: <style> passed through"
        );
        for c in ['\u{202E}', '\u{202C}', '\u{200B}', '\u{200D}', '\u{FEFF}'] {
            assert!(
                !html.contains(c),
                "{form}: U+{:04X} passed through",
                c as u32
            );
        }
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{form}: text lost"
        );
        assert!(
            html.contains("〔U+202E〕"),
            "{form}: RTL override not shown"
        );
        assert!(
            html.contains("&quot;") && html.contains("&#39;"),
            "{form}: quotes"
        );
    }
}

#[test]
fn unknown_form_exits_2_with_a_message_and_no_output() {
    let input = std::fs::read(root().join("suicide_notice_full/input.json")).expect("input");
    let out = prefill(&["police_report"], &input);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown form \"police_report\""), "{err}");
    assert!(
        err.contains("provider_inquiry"),
        "the message lists the forms: {err}"
    );
}

#[test]
fn malformed_input_exits_2_with_a_message_and_no_output() {
    let cases: [(&[u8], &str); 8] = [
        (b"", "not valid JSON"),
        (b"{\"text\": ", "not valid JSON"),
        (b"[1, 2]", "one JSON object"),
        (
            b"{\"url\": \"https://x.com/a\"}",
            "missing required field \"text\"",
        ),
        (b"{\"text\": \"   \"}", "\"text\" is empty"),
        (
            b"{\"text\": \"a\", \"posted_at\": \"yesterday\"}",
            "\"posted_at\" is not an ISO 8601",
        ),
        (
            b"{\"text\": \"a\", \"url\": \"javascript:alert(1)\"}",
            "\"url\" must start with",
        ),
        (
            b"{\"text\": \"a\", \"extras\": {\"oficer\": {}}}",
            "unknown field `oficer`",
        ),
    ];
    for (input, message) in cases {
        let out = prefill(&["url_report"], input);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{message}: {err}");
        assert!(out.stdout.is_empty(), "{message}: wrote output");
        assert!(err.contains(message), "expected {message:?} in {err:?}");
    }
    let out = prefill(&[], b"{}");
    assert_eq!(out.status.code(), Some(2));
    let out = prefill(
        &["url_report", "--jurisdiction", "アトランティス"],
        b"{\"text\": \"a\"}",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn the_date_comes_from_the_record_never_the_clock() {
    let input =
        r#"{"text": "今夜、大甲橋から飛び降ります", "captured_at": "2019-04-30T23:59:00+09:00"}"#;
    let out = prefill(&["provider_inquiry"], input.as_bytes());
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(html.contains("平成31年4月30日"), "date from captured_at");
    // Without any date the date stays a visible blank.
    let out = prefill(
        &["provider_inquiry"],
        r#"{"text": "今夜、大甲橋から飛び降ります"}"#.as_bytes(),
    );
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(
        html.contains("data-field=\"date\" data-required=\"要記入\""),
        "blank date"
    );
    let date = regex::Regex::new(r"(令和|平成)[0-9元]+年[0-9]+月[0-9]+日").expect("regex");
    assert!(!date.is_match(&html), "a date was invented");
}

#[test]
fn what_the_product_cannot_know_stays_visibly_blank() {
    let input = std::fs::read(root().join("suicide_notice_full/input.json")).expect("input");
    let html = String::from_utf8(prefill(&["provider_inquiry"], &input).stdout).expect("UTF-8");
    for field in [
        "doc_number",
        "officer_name",
        "officer_title",
        "unit_phone",
        "unit_fax",
        "sender",
    ] {
        assert!(
            html.contains(&format!("data-field=\"{field}\" data-required=\"要記入\"")),
            "{field} is not a visible blank"
        );
    }
    // The provider's name is known for X from the site table; with extras it is the directory's.
    assert!(html.contains("X Corp."));
}

#[test]
fn the_inquiry_asks_only_for_name_address_contact_and_ip() {
    let input = std::fs::read(root().join("suicide_notice_full/input.json")).expect("input");
    let html = String::from_utf8(prefill(&["provider_inquiry"], &input).stdout).expect("UTF-8");
    // 003 §4(3)イ
    assert!(html.contains("3の情報発信に係る契約者の氏名、住所、連絡先及びIPアドレスの開示"));
    // Fax first when urgent (003 §4(2)): cover, letter, attachment.
    assert!(html.contains("data-pages=\"3\"") && html.contains("ファックス送信票"));
    // (ア)(イ)(ウ) drafted from the analysis' urgency spans.
    assert!(html.contains("(ア) 自殺を図る時期が切迫している：「今夜」"));
    assert!(html.contains("(ウ) 自殺を意味する表現により意思が表示されている：「飛び降ります」"));
}

fn golden(case: &str, form: &str) -> String {
    std::fs::read_to_string(root().join(case).join(format!("{form}.html")))
        .unwrap_or_else(|e| panic!("{case}/{form}: {e}"))
}

#[test]
fn takedown_variant_follows_the_category() {
    // 000 §1(1) CP; 001 §6(3) paid contact with a child on X; 003 §5 inducement.
    for (case, variant, wording) in [
        (
            "csam_offer",
            "child_pornography",
            "児童ポルノに該当すると認められる情報",
        ),
        ("child_solicitation", "x_illegal", "売春防止法第5条"),
        (
            "group_suicide_call",
            "suicide_inducement",
            "他人を自殺に誘引し、又は勧誘する情報",
        ),
    ] {
        let html = golden(case, "takedown_request");
        assert!(
            html.contains(&format!("data-variant=\"{variant}\"")),
            "{case}"
        );
        assert!(html.contains(wording), "{case}: {wording}");
    }
}

#[test]
fn a_doubtful_warning_needs_the_responsible_officers_approval_first() {
    // 001 §5(3) ただし書: the post concerns Tokyo (outside 熊本県), so the warning is doubtful.
    let html = golden("warning_needs_approval", "warning_reply");
    assert!(html.contains("data-approval=\"required\""));
    assert!(html.contains("実施責任者の承認を得てから返信すること"));
    assert!(html.contains("data-field=\"approved_by\" data-required=\"要記入\""));
    let clear = golden("child_solicitation", "warning_reply");
    assert!(clear.contains("data-approval=\"not-required\""));
    assert!(clear.contains("id=\"reply-text\"") && clear.contains("【熊本県警察】"));
}

#[test]
fn an_inquiry_that_is_not_urgent_has_no_fax_cover_and_leaves_the_urgency_to_the_officer() {
    let input = r#"{"text": "もう疲れた。死にたい", "site": "x", "captured_at": "2026-11-20T10:00:00+09:00"}"#;
    let out = prefill(&["provider_inquiry"], input.as_bytes());
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(html.contains("data-urgent=\"false\"") && html.contains("data-pages=\"2\""));
    assert!(!html.contains("ファックス送信票"));
    assert!(html.contains("data-field=\"urgency_reason\" data-required=\"要記入\""));
    assert!(html.contains("書き込みから切迫した時期は読み取れない（要確認）"));
}

#[test]
fn the_action_record_keeps_at_most_three_inquiries() {
    let q = r#"{"to": "A"}"#;
    let input = format!(
        r#"{{"text": "今夜飛び降ります", "extras": {{"inquiries": [{q}, {q}, {q}, {q}]}}}}"#
    );
    let out = prefill(&["action_record"], input.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("three inquiries"));
    let html = golden("suicide_with_extras", "action_record");
    for n in 1..=3 {
        assert!(html.contains(&format!("照会先{n}")), "照会先{n}");
    }
    assert!(html.contains("株式会社〇〇モバイル") && html.contains("令和8年11月21日 2時10分"));
}
