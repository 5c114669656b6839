//! The chain's guarantees, exercised through the public API the endpoint and the wasm layer use.

use patrol_evidence::{
    append, entry_hash, parse_jsonl, to_jsonl, verify, ProblemKind, VerifyOptions, GENESIS_PREV,
};
use serde_json::{json, Value};

const OPEN: VerifyOptions = VerifyOptions {
    require_seal: false,
    anchor: None,
};

fn genesis() -> Value {
    json!({"kind": "genesis", "time": "2026-11-20T13:30:05.123Z",
           "record": {"schema": "patrol.evidence.case/1", "case_id": "c-1"}})
}

fn notes(n: usize) -> Vec<Value> {
    let mut log = vec![append(&[], &genesis()).unwrap()];
    for i in 0..n {
        let e = append(
            &log,
            &json!({"kind": "note", "time": "2026-11-20T13:31:00Z", "record": {"n": i}}),
        )
        .unwrap();
        log.push(e);
    }
    log
}

fn kind_of(log: &[Value], opts: &VerifyOptions) -> ProblemKind {
    verify(log, opts, None).unwrap_err().kind
}

#[test]
fn append_links_each_entry_to_the_previous_hash() {
    let log = notes(3);
    assert_eq!(log[0]["prev"], GENESIS_PREV);
    for w in log.windows(2) {
        assert_eq!(w[1]["prev"], w[0]["hash"]);
        assert_eq!(
            w[1]["seq"].as_u64().unwrap(),
            w[0]["seq"].as_u64().unwrap() + 1
        );
    }
    for e in &log {
        assert_eq!(e["hash"].as_str().unwrap(), entry_hash(e).unwrap());
    }
    let s = verify(&log, &OPEN, None).unwrap();
    assert_eq!((s.entries, s.head_seq, s.case_id.as_str()), (4, 3, "c-1"));
}

#[test]
fn every_removal_reorder_edit_and_insertion_is_caught() {
    let log = notes(5);
    for i in 1..log.len() - 1 {
        let mut removed = log.clone();
        removed.remove(i);
        assert_eq!(kind_of(&removed, &OPEN), ProblemKind::Removed, "remove {i}");
        let mut swapped = log.clone();
        swapped.swap(i, i + 1);
        assert_eq!(kind_of(&swapped, &OPEN), ProblemKind::Reordered, "swap {i}");
        let mut edited = log.clone();
        edited[i]["record"]["n"] = json!(99);
        assert_eq!(kind_of(&edited, &OPEN), ProblemKind::Edited, "edit {i}");
        let mut forged = log[..i].to_vec();
        forged.push(append(&forged, &json!({"kind": "note", "time": "2026-11-20T13:31:00Z", "record": {"forged": true}})).unwrap());
        forged.extend_from_slice(&log[i..]);
        assert_eq!(
            kind_of(&forged, &OPEN),
            ProblemKind::Inserted,
            "insert before {i}"
        );
    }
    let mut no_genesis = log.clone();
    no_genesis.remove(0);
    assert_eq!(kind_of(&no_genesis, &OPEN), ProblemKind::BadGenesis);
}

#[test]
fn a_cut_tail_is_caught_by_the_export_seal_or_the_receipt_only() {
    let mut log = notes(3);
    let n = log.len() + 1;
    let seal = append(
        &log,
        &json!({"kind": "export", "time": "2026-11-20T13:50:00Z",
        "record": {"entries": n, "exported_at": "2026-11-20T13:50:00Z"}}),
    )
    .unwrap();
    log.push(seal);
    assert!(
        verify(&log, &VerifyOptions::default(), None)
            .unwrap()
            .sealed
    );
    let cut = &log[..3];
    assert_eq!(
        kind_of(cut, &VerifyOptions::default()),
        ProblemKind::Truncated
    );
    // Read as a live log, a prefix of a chain is a valid chain: only an anchor tells.
    assert!(verify(cut, &OPEN, None).is_ok());
    let receipt = VerifyOptions {
        require_seal: false,
        anchor: Some((3, log[3]["hash"].as_str().unwrap().into())),
    };
    assert_eq!(kind_of(cut, &receipt), ProblemKind::Truncated);
    assert!(verify(&log, &receipt, None).is_ok());
    let wrong = VerifyOptions {
        require_seal: false,
        anchor: Some((1, log[3]["hash"].as_str().unwrap().into())),
    };
    assert_eq!(kind_of(&log, &wrong), ProblemKind::AnchorMismatch);
}

#[test]
fn append_refuses_to_grow_a_broken_log_or_take_bad_entries() {
    let mut log = notes(2);
    log[1]["record"]["n"] = json!(7);
    let err = append(
        &log,
        &json!({"kind": "note", "time": "2026-11-20T13:31:00Z", "record": {}}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("edited"), "{err}");
    let log = notes(1);
    for bad in [
        json!({"kind": "note", "time": "2026-11-20T13:31:00Z"}),
        json!({"kind": "note", "time": "yesterday", "record": {}}),
        json!({"kind": "note", "time": "2026-11-20T22:31:00+09:00", "record": {}}),
        json!({"kind": "screenshot_tab", "time": "2026-11-20T13:31:00Z", "ref": {"name": "a.png"}}),
        json!({"kind": "genesis", "time": "2026-11-20T13:31:00Z", "record": {}}),
        json!({"kind": "note", "time": "2026-11-20T13:31:00Z", "record": {}, "seq": 9}),
        json!({"kind": "record", "time": "2026-11-20T13:31:00Z", "record": {"schema": "patrol.evidence.record/1"}}),
        json!({"kind": "ack", "time": "2026-11-20T13:31:00Z", "record": {"head_seq": 0, "head_hash": GENESIS_PREV}}),
    ] {
        assert!(append(&log, &bad).is_err(), "{bad}");
    }
    assert!(append(
        &[],
        &json!({"kind": "note", "time": "2026-11-20T13:31:00Z", "record": {}})
    )
    .is_err());
}

#[test]
fn jsonl_round_trip_is_canonical_and_verifies() {
    let log = notes(2);
    let text = to_jsonl(&log).unwrap();
    assert_eq!(text.lines().count(), 3);
    let back = parse_jsonl(&text).unwrap();
    assert_eq!(back, log);
    assert!(verify(&back, &OPEN, None).is_ok());
    // Whitespace or member order changed by a tool does not break the chain (hashes are over
    // the canonical form), but a changed value does.
    let pretty: Vec<Value> = text
        .lines()
        .map(|l| {
            serde_json::from_str(
                &serde_json::to_string_pretty(&serde_json::from_str::<Value>(l).unwrap()).unwrap(),
            )
            .unwrap()
        })
        .collect();
    assert!(verify(&pretty, &OPEN, None).is_ok());
    assert_eq!(parse_jsonl("").unwrap_err().kind, ProblemKind::Empty);
    assert_eq!(
        parse_jsonl("{}\n\n").unwrap_err().kind,
        ProblemKind::Malformed
    );
}
