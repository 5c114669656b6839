//! `patrol analyze` as a black box: the contract in `../shared/contract.md` and hostile input.
//!
//! Every test runs the real binary (`CARGO_BIN_EXE_patrol`) with its embedded dictionary.

#![cfg(feature = "embedded-dictionary")]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const PATROL: &str = env!("CARGO_BIN_EXE_patrol");

/// Runs `patrol <args>` with `stdin` as standard input.
fn patrol(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(PATROL)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start patrol");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    // Write from another thread so that a large input cannot dead-lock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait for patrol");
    writer.join().expect("writer thread");
    out
}

fn assert_no_panic(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "patrol panicked:\n{stderr}");
}

/// The output lines, each parsed as JSON.
fn json_lines(out: &Output) -> Vec<Value> {
    assert_no_panic(out);
    let stdout = std::str::from_utf8(&out.stdout).expect("stdout is UTF-8");
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn line(id: &str, text: &str) -> String {
    serde_json::json!({"id": id, "text": text}).to_string()
}

fn categories(v: &Value) -> Vec<&str> {
    v["categories"]
        .as_array()
        .unwrap_or_else(|| panic!("no categories in {v}"))
        .iter()
        .map(|c| c.as_str().expect("category id is a string"))
        .collect()
}

fn assert_contract_fields(v: &Value) {
    assert!(v["id"].is_string() || v["id"].is_number(), "id: {v}");
    assert!(v["categories"].is_array(), "categories: {v}");
    assert!(v["minor"].is_boolean(), "minor: {v}");
    assert!(
        matches!(v["region"].as_str(), Some("in" | "out" | "unknown")),
        "region: {v}"
    );
    assert!(v["inquiry"].is_boolean(), "inquiry: {v}");
    assert!(v.get("error").is_none(), "unexpected error: {v}");
}

fn assert_error(v: &Value, id: Value, mentions: &str) {
    assert_eq!(v["id"], id, "id of error line {v}");
    let error = v["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error message in {v}"));
    assert!(
        error.contains(mentions),
        "error {error:?} should mention {mentions:?}"
    );
    assert!(
        v.get("categories").is_none(),
        "an error line is not a result: {v}"
    );
}

#[test]
fn one_output_line_per_input_line_in_order() {
    let input = [
        line("a1", "今夜、熊本の大甲橋から飛び降ります"),
        line("a2", "昨日の漫才、死ぬほど笑った"),
        serde_json::json!({"id": 3, "text": "家出してきた。今夜泊めてくれる人いませんか？",
            "profile": "高1 / 16歳", "site": "x", "unknown_field": [1, 2]})
        .to_string(),
        line("a4", "JK2です。ホ別2でお願いします。下通で今日会える人"),
    ]
    .join("\n");
    let out = patrol(&["analyze"], input.as_bytes());
    assert!(out.status.success(), "exit status {:?}", out.status);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 4);
    for v in &lines {
        assert_contract_fields(v);
    }
    assert_eq!(lines[0]["id"], "a1");
    assert_eq!(lines[1]["id"], "a2");
    assert_eq!(lines[2]["id"], 3, "a numeric id comes back as a number");
    assert_eq!(lines[3]["id"], "a4");

    assert_eq!(categories(&lines[0]), ["suicide_notice"]);
    assert_eq!(lines[0]["region"], "in");
    assert_eq!(lines[0]["inquiry"], true);
    assert!(categories(&lines[1]).is_empty(), "{}", lines[1]);
    assert_eq!(lines[1]["inquiry"], false);
    assert_eq!(categories(&lines[2]), ["child_lodging"]);
    assert_eq!(lines[2]["minor"], true, "child judged from the profile");
    assert_eq!(categories(&lines[3]), ["child_sexual_contact"]);
    assert_eq!(lines[3]["minor"], true);
    assert_eq!(lines[3]["region"], "in");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_contract_fields_come_first() {
    let out = patrol(&["analyze"], line("f", "死にたい").as_bytes());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(r#"{"id":"f","categories":["suicide_notice"],"minor":false,"region":"unknown","inquiry":false"#),
        "{stdout}"
    );
}

#[test]
fn jurisdiction_changes_region() {
    let input = line("j", "今夜、博多駅のホームから飛び込みます");
    let kumamoto = json_lines(&patrol(&["analyze"], input.as_bytes()));
    let fukuoka = json_lines(&patrol(
        &["analyze", "--jurisdiction", "福岡県"],
        input.as_bytes(),
    ));
    assert_eq!(kumamoto[0]["region"], "out", "熊本県 is the default");
    assert_eq!(fukuoka[0]["region"], "in");
    assert_eq!(categories(&fukuoka[0]), ["suicide_notice"]);

    let in_kumamoto = line("k", "今夜、熊本の大甲橋から飛び降ります");
    let from_fukuoka = json_lines(&patrol(
        &["analyze", "--jurisdiction", "福岡県"],
        in_kumamoto.as_bytes(),
    ));
    assert_eq!(from_fukuoka[0]["region"], "out");
}

#[test]
fn unknown_jurisdiction_exits_2_with_a_clear_message() {
    let out = patrol(
        &["analyze", "--jurisdiction", "ナルニア国"],
        line("x", "死にたい").as_bytes(),
    );
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown jurisdiction"), "{stderr}");
    assert!(stderr.contains("ナルニア国"), "{stderr}");
}

#[test]
fn bad_lines_give_error_lines_and_the_run_goes_on() {
    let one_megabyte = "死にたい".repeat(1024 * 1024 / "死にたい".len() + 1);
    assert!(one_megabyte.len() >= 1024 * 1024);
    let mut input: Vec<u8> = Vec::new();
    let mut push = |bytes: &[u8]| {
        input.extend_from_slice(bytes);
        input.push(b'\n');
    };
    push(line("ok1", "死にたい").as_bytes()); // 1
    push(br#"{"id": "bad-json", "text": "unterminated"#); // 2
    push(br#"{"text": "id is missing"}"#); // 3
    push(br#"{"id": "no-text"}"#); // 4
    push(br#"{"id": "empty", "text": ""}"#); // 5
    push(line("huge", &one_megabyte).as_bytes()); // 6
    push(b"{\"id\": \"utf8\", \"text\": \"\xff\xfe\xe6\xad\"}"); // 7
    push(b""); // 8: blank line
    push(br#"["not", "an", "object"]"#); // 9
    push(br#"{"id": "blank-text", "text": "   "}"#); // 10
    push(line("ok2", "今夜、熊本の大甲橋から飛び降ります").as_bytes()); // 11

    let out = patrol(&["analyze"], &input);
    assert_eq!(
        out.status.code(),
        Some(0),
        "bad lines do not change the exit status"
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 11, "one output line per input line");

    assert_contract_fields(&lines[0]);
    assert_eq!(lines[0]["id"], "ok1");
    assert_error(&lines[1], Value::Null, "invalid JSON");
    assert_error(&lines[2], Value::Null, "\"id\"");
    assert_error(&lines[3], "no-text".into(), "\"text\"");
    assert_error(&lines[4], "empty".into(), "empty");
    assert_error(&lines[5], "huge".into(), "too long");
    assert_error(&lines[6], "utf8".into(), "UTF-8");
    assert_error(&lines[7], Value::Null, "empty line");
    assert_error(&lines[8], Value::Null, "object");
    assert_error(&lines[9], "blank-text".into(), "empty");
    assert_contract_fields(&lines[10]);
    assert_eq!(lines[10]["id"], "ok2");
    assert_eq!(categories(&lines[10]), ["suicide_notice"]);
    assert_eq!(lines[10]["inquiry"], true);
}

#[test]
fn error_messages_say_which_line() {
    let input = format!("{}\n{{oops\n", line("a", "こんにちは"));
    let lines = json_lines(&patrol(&["analyze"], input.as_bytes()));
    assert_error(&lines[1], Value::Null, "line 2");
}

#[test]
fn a_last_line_without_newline_and_crlf_endings_are_read() {
    let input = format!(
        "{}\r\n{}",
        line("crlf", "死にたい"),
        line("last", "死にたい")
    );
    let lines = json_lines(&patrol(&["analyze"], input.as_bytes()));
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "crlf");
    assert_eq!(lines[1]["id"], "last");
    assert_eq!(categories(&lines[1]), ["suicide_notice"]);
}

#[test]
fn empty_input_gives_empty_output() {
    let out = patrol(&["analyze"], b"");
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
}

#[test]
fn explain_prints_the_japanese_account() {
    let out = patrol(
        &["analyze", "--explain"],
        line("e1", "今夜、熊本の大甲橋から飛び降ります").as_bytes(),
    );
    assert_no_panic(&out);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(text.contains("判定"), "{text}");
    assert!(text.contains("suicide_notice"), "{text}");
    assert!(text.contains("e1"), "{text}");
    assert!(
        text.contains("003 §4(1)ア"),
        "the urgency checklist: {text}"
    );
}

#[test]
fn explain_reports_bad_lines_too() {
    let input = format!(
        "{{\"id\":\"e\",\"text\":\"\"}}\n{}\n",
        line("ok", "死ぬほど笑った")
    );
    let out = patrol(&["analyze", "--explain"], input.as_bytes());
    assert_no_panic(&out);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(text.contains("エラー"), "{text}");
    assert!(text.contains("判定: 対象外"), "{text}");
}

#[test]
fn text_on_the_command_line() {
    let out = patrol(&["analyze", "--text", "死にたい"], b"");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_contract_fields(&lines[0]);
    assert_eq!(categories(&lines[0]), ["suicide_notice"]);
}

#[test]
fn unknown_arguments_exit_2() {
    let out = patrol(&["analyze", "--frobnicate"], b"");
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--frobnicate"));
}
