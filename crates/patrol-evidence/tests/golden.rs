//! Golden cases under `tests/evidence/` (repository root): one folder per case.
//!
//! - `canonical/<case>/input.json` → `canonical.json` (exact bytes) and `sha256.txt`.
//! - `chain/<case>/` holds `log.jsonl` (or `case/`, an exported folder) and `args.txt` (the
//!   options of `patrol verify`, may be empty) → `expected.txt`: the exit status on the first line,
//!   then what `patrol verify` prints.
//!
//! `PATROL_BLESS=1 cargo test -p patrol-evidence --test golden` rewrites the expected files (and
//! regenerates the chain fixtures from `sample_case`); review the diff before committing.

use std::fs;
use std::path::{Path, PathBuf};

use patrol_evidence::{append, canonical_json, sha256_hex, to_jsonl};
use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/evidence")
}

fn bless() -> bool {
    std::env::var_os("PATROL_BLESS").is_some()
}

fn check_or_write(path: &Path, got: &str) {
    if bless() {
        fs::write(path, got).unwrap();
        return;
    }
    let want = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(got, want, "{}", path.display());
}

fn folders(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

#[test]
fn canonical_forms_and_hashes_are_stable() {
    let cases = folders(&root().join("canonical"));
    assert!(cases.len() >= 4, "expected several canonical cases");
    for case in cases {
        let input: Value =
            serde_json::from_str(&fs::read_to_string(case.join("input.json")).unwrap()).unwrap();
        let canon = canonical_json(&input).unwrap();
        check_or_write(&case.join("canonical.json"), &canon);
        check_or_write(
            &case.join("sha256.txt"),
            &format!("{}\n", sha256_hex(canon.as_bytes())),
        );
    }
}

#[test]
fn verify_reports_on_every_chain_case() {
    if bless() {
        write_chain_fixtures(&root().join("chain"));
    }
    let cases = folders(&root().join("chain"));
    assert!(
        cases.len() >= 8,
        "expected the intact and tampered chain cases"
    );
    for case in cases {
        let target = if case.join("case").is_dir() {
            case.join("case")
        } else {
            case.join("log.jsonl")
        };
        let args_text = fs::read_to_string(case.join("args.txt")).unwrap_or_default();
        let mut args: Vec<String> = args_text.split_whitespace().map(String::from).collect();
        args.push(target.to_string_lossy().into_owned());
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = patrol_evidence::cli::run(&args, &mut out, &mut err);
        let shown = format!(
            "{code}\n{}{}",
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap()
        )
        .replace(&root().to_string_lossy().into_owned(), "tests/evidence");
        check_or_write(&case.join("expected.txt"), &shown);
    }
}

/// A suicide-notice case as the extension records it: genesis, record, two screenshots, the
/// final provider inquiry, the endpoint's receipt, the export seal.
pub fn sample_case() -> (Vec<Value>, Vec<(String, Vec<u8>)>) {
    let analysis: Value =
        serde_json::from_str(include_str!("../../../tests/evidence/sample-analysis.json")).unwrap();
    let user = json!({"id": "u-0042", "role": "officer", "unit": "熊本県警察本部 少年課"});
    let record = json!({
        "schema": "patrol.evidence.record/1",
        "case_id": "case-2026-11-20-0001",
        "site": "x",
        "profile_version": "2026.11.22.1",
        "key": "https://x.com/sora_0817/status/1859000000000000001",
        "url": "https://x.com/sora_0817/status/1859000000000000001",
        "permalink": "https://x.com/sora_0817/status/1859000000000000001",
        "post_id": "1859000000000000001",
        "post_no": null,
        "board": null,
        "author_handle": "@sora_0817",
        "author_name": "そら\u{202e}<script>alert(1)</script>",
        "profile": "高2 / 熊本",
        "posted_at": "2026-11-20T22:14:00+09:00",
        "captured_at_utc": "2026-11-20T13:30:05.123Z",
        "captured_at_jst": "2026-11-20T22:30:05.123+09:00",
        "text": "今夜、熊本の大甲橋から飛び降ります",
        "media": ["https://pbs.twimg.com/media/Gx0001.jpg"],
        "page_title": "そら on X: \"今夜、熊本の大甲橋から飛び降ります\" / X",
        "analysis": analysis,
        "ruleset": "2026.11.22.3",
        "extension_version": "0.1.0",
        "user": user
    });
    let tab = fs::read(root().join("tab.png")).unwrap();
    let crop = fs::read(root().join("post.png")).unwrap();
    let form = "<!DOCTYPE html><html lang=\"ja\"><meta charset=\"utf-8\"><title>発信者に関する情報照会書</title><p>照会内容: 氏名、住所、連絡先及びIPアドレス</p></html>\n".as_bytes().to_vec();
    let mut log: Vec<Value> = Vec::new();
    let push = |log: &mut Vec<Value>, new: Value| {
        let e = append(log, &new).unwrap();
        log.push(e);
    };
    push(
        &mut log,
        json!({"kind": "genesis", "time": "2026-11-20T13:30:05.123Z",
        "record": {"schema": "patrol.evidence.case/1", "case_id": "case-2026-11-20-0001",
                   "created_at_utc": "2026-11-20T13:30:05.123Z", "user": user}}),
    );
    push(
        &mut log,
        json!({"kind": "record", "time": "2026-11-20T13:30:05.123Z", "record": record}),
    );
    push(
        &mut log,
        json!({"kind": "screenshot_tab", "time": "2026-11-20T13:30:05.200Z", "sha256": sha256_hex(&tab),
        "ref": {"name": "screenshots/tab.png", "media_type": "image/png", "bytes": tab.len(), "width": 8, "height": 6,
                "device_pixel_ratio": 2, "regions": [{"x": 2, "y": 2, "width": 2, "height": 2}]}}),
    );
    push(
        &mut log,
        json!({"kind": "screenshot_post", "time": "2026-11-20T13:30:05.210Z", "sha256": sha256_hex(&crop),
        "ref": {"name": "screenshots/post.png", "media_type": "image/png", "bytes": crop.len(), "width": 4, "height": 4,
                "device_pixel_ratio": 2, "regions": [{"x": 1, "y": 1, "width": 2, "height": 2}]}}),
    );
    push(
        &mut log,
        json!({"kind": "form_final", "time": "2026-11-20T13:41:00.000Z", "sha256": sha256_hex(&form),
        "ref": {"name": "forms/provider_inquiry.html", "media_type": "text/html; charset=utf-8", "bytes": form.len(), "form": "provider_inquiry"}}),
    );
    push(
        &mut log,
        json!({"kind": "note", "time": "2026-11-20T13:45:00.000Z",
        "record": {"text": "照会書をFAX送信", "faxed_at_jst": "2026-11-20T22:45:00+09:00", "form": "provider_inquiry"}}),
    );
    let head = log.last().unwrap().clone();
    push(
        &mut log,
        json!({"kind": "ack", "time": "2026-11-20T13:46:10.000Z",
        "record": {"receipt_id": "r-000123", "received_at": "2026-11-20T13:46:09.870Z", "endpoint": "https://patrol.example.lg.jp",
                   "head_seq": head["seq"], "head_hash": head["hash"]}}),
    );
    let n = log.len() + 1;
    push(
        &mut log,
        json!({"kind": "export", "time": "2026-11-20T13:50:00.000Z",
        "record": {"entries": n, "exported_at": "2026-11-20T13:50:00.000Z"}}),
    );
    let files = vec![
        ("screenshots/tab.png".to_string(), tab),
        ("screenshots/post.png".to_string(), crop),
        ("forms/provider_inquiry.html".to_string(), form),
    ];
    (log, files)
}

fn write_case(dir: &Path, log: &[Value], args: &str) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("log.jsonl"), to_jsonl(log).unwrap()).unwrap();
    fs::write(dir.join("args.txt"), args).unwrap();
}

/// Re-derives every chain fixture from the sample case (only under PATROL_BLESS).
fn write_chain_fixtures(dir: &Path) {
    let (log, files) = sample_case();
    write_case(&dir.join("intact"), &log, "");
    // The unzipped archive: the log and its files.
    let folder = dir.join("intact_folder/case");
    write_case(&folder, &log, "");
    fs::remove_file(folder.join("args.txt")).unwrap();
    fs::write(dir.join("intact_folder/args.txt"), "").unwrap();
    for (name, bytes) in &files {
        let p = folder.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
    // As the extension exports it: the record's canonical copy and a README beside the log.
    let record_copy = canonical_json(&log[1]["record"]).unwrap();
    fs::write(folder.join("record.json"), &record_copy).unwrap();
    fs::write(
        folder.join("README.txt"),
        "パトロール証拠アーカイブ（案件単位）\r\n",
    )
    .unwrap();
    // The record's copy edited (the log untouched): an investigator reading it would be misled.
    let copy_dir = dir.join("record_copy_altered");
    copy_folder(&folder, &copy_dir.join("case"));
    fs::write(copy_dir.join("args.txt"), "").unwrap();
    fs::write(
        copy_dir.join("case/record.json"),
        record_copy.replace("飛び降ります", "行きます"),
    )
    .unwrap();
    // A file planted in the archive that no entry references.
    let planted = dir.join("planted_file");
    copy_folder(&folder, &planted.join("case"));
    fs::write(planted.join("args.txt"), "").unwrap();
    fs::write(planted.join("case/screenshots/extra.png"), &files[0].1).unwrap();
    // The same folder with the cropped screenshot swapped for another image.
    let swapped = dir.join("artefact_swapped/case");
    write_case(&swapped, &log, "");
    fs::remove_file(swapped.join("args.txt")).unwrap();
    fs::write(dir.join("artefact_swapped/args.txt"), "").unwrap();
    for (name, bytes) in &files {
        let p = swapped.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        let bytes = if name == "screenshots/post.png" {
            files[0].1.clone()
        } else {
            bytes.clone()
        };
        fs::write(p, bytes).unwrap();
    }
    let mut removed = log.clone();
    removed.remove(3);
    write_case(&dir.join("removed"), &removed, "");
    let mut reordered = log.clone();
    reordered.swap(2, 3);
    write_case(&dir.join("reordered"), &reordered, "");
    // The record's text edited in place (the hashes left as they were).
    let mut edited = log.clone();
    edited[1]["record"]["text"] = json!("今夜、熊本の大甲橋に行きます");
    write_case(&dir.join("edited"), &edited, "");
    // Edited and the entry re-hashed by someone who knows the scheme: the next entry's prev breaks.
    let mut rehashed = log.clone();
    rehashed[5]["record"]["faxed_at_jst"] = json!("2026-11-20T21:45:00+09:00");
    let sha = sha256_hex(canonical_json(&rehashed[5]["record"]).unwrap().as_bytes());
    rehashed[5]["sha256"] = json!(sha);
    let h = patrol_evidence::entry_hash(&rehashed[5]).unwrap();
    rehashed[5]["hash"] = json!(h);
    write_case(&dir.join("edited_rehashed"), &rehashed, "");
    // A forged note put in after the record, linked correctly to the entry before it.
    let mut inserted = log[..2].to_vec();
    let forged = append(
        &inserted,
        &json!({"kind": "note", "time": "2026-11-20T13:31:00.000Z",
        "record": {"text": "本人と連絡が取れたため対応不要"}}),
    )
    .unwrap();
    inserted.push(forged);
    inserted.extend_from_slice(&log[2..]);
    write_case(&dir.join("inserted"), &inserted, "");
    // The record's hash field changed to match nothing.
    let mut wrong_sha = log.clone();
    wrong_sha[1]["sha256"] = json!("0".repeat(64));
    let h = patrol_evidence::entry_hash(&wrong_sha[1]).unwrap();
    wrong_sha[1]["hash"] = json!(h);
    write_case(&dir.join("artefact_hash_wrong"), &wrong_sha, "");
    write_case(&dir.join("bad_genesis"), &log[1..], "");
    // The tail cut off (export seal and receipt gone).
    write_case(&dir.join("truncated"), &log[..5], "");
    // The same cut-off log read as a live log: intact as far as it goes …
    write_case(&dir.join("truncated_open"), &log[..5], "--open");
    // … but not against the endpoint's receipt for seq 5.
    let anchor = format!("--open --anchor 5:{}", log[5]["hash"].as_str().unwrap());
    write_case(&dir.join("truncated_anchor"), &log[..5], &anchor);
    // A write cut off in the middle of the last line.
    let mut not_json = to_jsonl(&log).unwrap();
    not_json.truncate(not_json.len() - 40);
    fs::create_dir_all(dir.join("not_json")).unwrap();
    fs::write(dir.join("not_json/log.jsonl"), not_json).unwrap();
    fs::write(dir.join("not_json/args.txt"), "").unwrap();
}

fn copy_folder(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_folder(&p, &target);
        } else {
            fs::copy(&p, &target).unwrap();
        }
    }
}
