//! The append-only, hash-chained evidence log of one case.
//!
//! Each entry commits to the previous entry's hash, so removing, reordering, inserting or editing
//! an entry breaks the chain at a place [`verify`] names. A chain is not signed: whoever holds
//! the whole file can rewrite it from the edited entry onwards. What catches that is an anchor
//! kept elsewhere, the endpoint's receipt of the head hash (see `docs/evidence.md`).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::problem::{Problem, ProblemKind};
use crate::record::validate_record;
use crate::time::parse_rfc3339;
use crate::{canonical_json, sha256_hex, EvidenceError};

/// `prev` of the genesis entry.
pub const GENESIS_PREV: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The value of `schema` in a genesis entry's record.
pub const CASE_SCHEMA: &str = "patrol.evidence.case/1";

/// Entry kinds and what they carry. Unknown kinds are accepted (they are hashed like any other)
/// so that a later version can add events; these are the ones this version checks further.
pub mod kind {
    /// First entry: `record` = `{schema, case_id, created_at_utc, user}`.
    pub const GENESIS: &str = "genesis";
    /// `record` = the evidence record ([`crate::EvidenceRecord`]).
    pub const RECORD: &str = "record";
    /// `ref` = PNG of the visible tab (Exif-free, media regions listed in `ref.regions`).
    pub const SCREENSHOT_TAB: &str = "screenshot_tab";
    /// `ref` = PNG cropped to the post.
    pub const SCREENSHOT_POST: &str = "screenshot_post";
    /// `ref` = the final HTML of a form (`ref.form` names it, e.g. `provider_inquiry`).
    pub const FORM_FINAL: &str = "form_final";
    /// `record` = a fact the officer records, e.g. that a form was faxed and when.
    pub const NOTE: &str = "note";
    /// `record` = the endpoint's receipt `{receipt_id, received_at, head_seq, head_hash, …}`.
    pub const ACK: &str = "ack";
    /// `record` = `{entries, exported_at}`: closes an exported file (detects a cut tail).
    pub const EXPORT: &str = "export";
}

/// The hash of an entry: SHA-256 of the canonical JSON of the entry without its `hash` member.
pub fn entry_hash(entry: &Value) -> Result<String, EvidenceError> {
    let mut obj = entry
        .as_object()
        .cloned()
        .ok_or_else(|| EvidenceError::Entry("an entry must be a JSON object".into()))?;
    obj.remove("hash");
    Ok(sha256_hex(canonical_json(&Value::Object(obj))?.as_bytes()))
}

/// Appends to a verified log: given `{kind, time, record}` or `{kind, time, ref, sha256}`, returns
/// the complete entry (`seq`, `prev`, `sha256`, `hash` filled in) for the caller to store.
///
/// The log is verified first (unsealed), so a broken log never grows; the first entry of an
/// empty log must be a `genesis`.
pub fn append(log: &[Value], new: &Value) -> Result<Value, EvidenceError> {
    let opts = VerifyOptions {
        require_seal: false,
        ..VerifyOptions::default()
    };
    if !log.is_empty() {
        verify(log, &opts, None).map_err(|p| EvidenceError::Chain(Box::new(p)))?;
    }
    let src = new
        .as_object()
        .ok_or_else(|| EvidenceError::Entry("the new entry must be a JSON object".into()))?;
    let bad = |m: &str| EvidenceError::Entry(m.to_string());
    for k in src.keys() {
        if !["kind", "time", "record", "ref", "sha256"].contains(&k.as_str()) {
            return Err(EvidenceError::Entry(format!(
                "the new entry may only give kind, time, record, ref and sha256, not {k:?}"
            )));
        }
    }
    let kind = src
        .get("kind")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| bad("kind must be a non-empty string"))?;
    let time = src
        .get("time")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("time must be an RFC 3339 UTC string"))?;
    let (seq, prev) = match log.last() {
        None if kind == kind::GENESIS => (0, GENESIS_PREV.to_string()),
        None => return Err(bad("the first entry of a log must be a genesis entry")),
        Some(_) if kind == kind::GENESIS => return Err(bad("a log has only one genesis entry")),
        Some(last) => (
            last.get("seq").and_then(Value::as_u64).unwrap_or(0) + 1,
            last.get("hash")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        ),
    };
    let mut entry = Map::new();
    entry.insert("seq".into(), seq.into());
    entry.insert("prev".into(), prev.into());
    entry.insert("kind".into(), kind.into());
    entry.insert("time".into(), time.into());
    match (src.get("record"), src.get("ref")) {
        (Some(record), None) => {
            let digest = sha256_hex(canonical_json(record)?.as_bytes());
            if let Some(given) = src.get("sha256") {
                if given.as_str() != Some(digest.as_str()) {
                    return Err(bad(
                        "sha256 given does not match the record's canonical hash",
                    ));
                }
            }
            entry.insert("sha256".into(), digest.into());
            entry.insert("record".into(), record.clone());
        }
        (None, Some(reference)) => {
            let digest = src
                .get("sha256")
                .and_then(Value::as_str)
                .filter(|s| is_hex64(s))
                .ok_or_else(|| bad("an artefact reference needs the artefact's sha256 (64 lowercase hex digits)"))?;
            entry.insert("sha256".into(), digest.into());
            entry.insert("ref".into(), reference.clone());
        }
        _ => return Err(bad("an entry carries exactly one of record and ref")),
    }
    let mut entry = Value::Object(entry);
    let hash = entry_hash(&entry)?;
    if let Value::Object(m) = &mut entry {
        m.insert("hash".into(), hash.into());
    }
    // The new entry must verify as part of the log (e.g. its record validates, its time parses).
    let mut whole = log.to_vec();
    whole.push(entry.clone());
    verify(&whole, &opts, None).map_err(|p| EvidenceError::Chain(Box::new(p)))?;
    Ok(entry)
}

/// What the verifier requires beyond the chain itself.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The log must end with an `export` entry counting every entry (true for exported files;
    /// false for a live log in the extension or a submission the endpoint receives).
    pub require_seal: bool,
    /// An entry known from elsewhere (the endpoint's receipt): `(seq, hash)` must be in the log.
    pub anchor: Option<(u64, String)>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            require_seal: true,
            anchor: None,
        }
    }
}

/// Looks an artefact up by its `ref.name` (e.g. in the exported archive); `None` if absent.
pub type ArtefactLookup<'a> = &'a dyn Fn(&str) -> Option<Vec<u8>>;

/// What an intact log holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub entries: usize,
    pub case_id: String,
    pub head_seq: u64,
    pub head_hash: String,
    /// Whether the log ends with an `export` entry.
    pub sealed: bool,
    /// How many entries of each kind.
    pub kinds: BTreeMap<String, usize>,
    /// Artefact files whose bytes were hashed and matched (0 when only the log was given).
    pub artefacts_checked: usize,
}

/// Verifies a whole log, in file order. `artefacts`, when given, must yield every referenced file.
pub fn verify(
    log: &[Value],
    opts: &VerifyOptions,
    artefacts: Option<ArtefactLookup<'_>>,
) -> Result<Summary, Problem> {
    let mut hashes: Vec<String> = Vec::with_capacity(log.len());
    let mut seqs: Vec<u64> = Vec::with_capacity(log.len());
    let mut case_id = String::new();
    let mut kinds = BTreeMap::new();
    let mut artefacts_checked = 0;
    for (i, entry) in log.iter().enumerate() {
        let fail = |kind: ProblemKind, detail: String| Problem::at(i, entry, kind, detail);
        let e = Shape::of(entry).map_err(|d| fail(ProblemKind::Malformed, d))?;
        let recomputed =
            entry_hash(entry).map_err(|d| fail(ProblemKind::Malformed, d.to_string()))?;
        if recomputed != e.hash {
            return Err(fail(
                ProblemKind::Edited,
                format!(
                    "its content hashes to {recomputed}, not to its recorded hash {}",
                    e.hash
                ),
            ));
        }
        // Chain position.
        if i == 0 {
            if e.kind != kind::GENESIS || e.seq != 0 || e.prev != GENESIS_PREV {
                return Err(fail(
                    ProblemKind::BadGenesis,
                    format!(
                        "the first entry must be kind genesis, seq 0, prev 64 zeros; it is kind {}, seq {}, prev {}",
                        e.kind, e.seq, e.prev
                    ),
                ));
            }
        } else if e.kind == kind::GENESIS {
            return Err(fail(ProblemKind::Inserted, "a second genesis entry".into()));
        } else if e.seq as usize != i {
            let expected = i as u64;
            if e.seq < expected && seqs.contains(&e.seq) {
                return Err(fail(
                    ProblemKind::Inserted,
                    format!(
                        "seq {} occurs twice; an entry was inserted before this one",
                        e.seq
                    ),
                ));
            }
            let later = log[i + 1..].iter().any(|l| {
                l.get("seq")
                    .and_then(Value::as_u64)
                    .is_some_and(|s| s >= expected && s < e.seq)
            });
            if e.seq > expected && !later {
                return Err(fail(
                    ProblemKind::Removed,
                    format!(
                        "expected seq {expected} here, found seq {}: {} entr{} missing before it",
                        e.seq,
                        e.seq - expected,
                        if e.seq - expected == 1 {
                            "y is"
                        } else {
                            "ies are"
                        }
                    ),
                ));
            }
            return Err(fail(
                ProblemKind::Reordered,
                format!("expected seq {expected} here, found seq {}", e.seq),
            ));
        } else if hashes.last().map(String::as_str) != Some(e.prev) {
            return Err(fail(
                ProblemKind::Unlinked,
                format!(
                    "prev is {}, but the entry before hashes to {}: that entry was altered and re-hashed, or this one was put in its place",
                    e.prev,
                    hashes.last().map(String::as_str).unwrap_or("")
                ),
            ));
        }
        // The artefact.
        match (&e.record, &e.reference) {
            (Some(record), _) => {
                let digest = canonical_json(record)
                    .map(|c| sha256_hex(c.as_bytes()))
                    .map_err(|d| fail(ProblemKind::Malformed, d.to_string()))?;
                if digest != e.sha256 {
                    return Err(fail(
                        ProblemKind::ArtefactMismatch,
                        format!("the record hashes to {digest}, the entry says {}", e.sha256),
                    ));
                }
                check_record(&e, record, &mut case_id, &hashes)
                    .map_err(|d| fail(ProblemKind::BadRecord, d))?;
            }
            (None, Some(reference)) => {
                let name = reference.get("name").and_then(Value::as_str).unwrap_or("");
                if let Some(lookup) = artefacts {
                    let bytes = lookup(name).ok_or_else(|| {
                        fail(
                            ProblemKind::MissingArtefact,
                            format!("the file {name:?} is not in the archive"),
                        )
                    })?;
                    let digest = sha256_hex(&bytes);
                    if digest != e.sha256 {
                        return Err(fail(
                            ProblemKind::ArtefactMismatch,
                            format!(
                                "the file {name:?} hashes to {digest}, the entry says {}",
                                e.sha256
                            ),
                        ));
                    }
                    artefacts_checked += 1;
                }
            }
            // Shape::of has already refused entries with neither.
            (None, None) => {}
        }
        *kinds.entry(e.kind.to_string()).or_insert(0) += 1;
        hashes.push(e.hash.to_string());
        seqs.push(e.seq);
    }
    let Some(last) = log.last() else {
        return Err(Problem::empty());
    };
    let last_kind = last.get("kind").and_then(Value::as_str).unwrap_or("");
    let sealed = last_kind == kind::EXPORT;
    if opts.require_seal && !sealed {
        return Err(Problem::at(
            log.len() - 1,
            last,
            ProblemKind::Truncated,
            "the log does not end with an export entry: its tail may have been cut off".into(),
        ));
    }
    if let Some((seq, hash)) = &opts.anchor {
        match hashes.get(*seq as usize) {
            Some(h) if h == hash => {}
            Some(h) => {
                return Err(Problem::at(
                    *seq as usize,
                    &log[*seq as usize],
                    ProblemKind::AnchorMismatch,
                    format!("the receipt names hash {hash} for seq {seq}, the log has {h}"),
                ))
            }
            None => {
                return Err(Problem::at(
                    log.len() - 1,
                    last,
                    ProblemKind::Truncated,
                    format!(
                    "the receipt names seq {seq}, but the log ends at seq {}: its tail was cut off",
                    log.len() - 1
                ),
                ))
            }
        }
    }
    Ok(Summary {
        entries: log.len(),
        case_id,
        head_seq: (log.len() - 1) as u64,
        head_hash: hashes.last().cloned().unwrap_or_default(),
        sealed,
        kinds,
        artefacts_checked,
    })
}

/// Kind-specific checks of an entry's record.
fn check_record(
    e: &Shape<'_>,
    record: &Value,
    case_id: &mut String,
    hashes: &[String],
) -> Result<(), String> {
    let field = |k: &str| record.get(k);
    match e.kind {
        kind::GENESIS => {
            if field("schema").and_then(Value::as_str) != Some(CASE_SCHEMA) {
                return Err(format!("a genesis record has schema {CASE_SCHEMA:?}"));
            }
            match field("case_id").and_then(Value::as_str) {
                Some(c) if !c.trim().is_empty() => *case_id = c.to_string(),
                _ => return Err("a genesis record names its case_id".into()),
            }
        }
        kind::RECORD => {
            let rec = validate_record(record).map_err(|err| err.to_string())?;
            if &rec.case_id != case_id {
                return Err(format!(
                    "the record belongs to case {:?}, this log to case {case_id:?}",
                    rec.case_id
                ));
            }
        }
        kind::ACK => {
            let seq = field("head_seq").and_then(Value::as_u64);
            let hash = field("head_hash").and_then(Value::as_str);
            match (seq, hash) {
                (Some(s), Some(h)) if s < e.seq => {
                    if hashes.get(s as usize).map(String::as_str) != Some(h) {
                        return Err(format!(
                            "the receipt acknowledges hash {h} at seq {s}, which is not in this log"
                        ));
                    }
                }
                _ => {
                    return Err(
                        "an ack record names head_seq (an earlier entry) and head_hash".into(),
                    )
                }
            }
        }
        kind::EXPORT => {
            let n = field("entries").and_then(Value::as_u64);
            if n != Some(e.seq + 1) {
                return Err(format!(
                    "an export entry at seq {} counts {} entries (itself included), its record says {:?}",
                    e.seq,
                    e.seq + 1,
                    n
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

/// The typed view of an entry; anything else is a malformed entry.
struct Shape<'a> {
    seq: u64,
    prev: &'a str,
    kind: &'a str,
    sha256: &'a str,
    hash: &'a str,
    record: Option<&'a Value>,
    reference: Option<&'a Value>,
}

impl<'a> Shape<'a> {
    fn of(v: &'a Value) -> Result<Shape<'a>, String> {
        let obj = v.as_object().ok_or("the entry is not a JSON object")?;
        for k in obj.keys() {
            if ![
                "seq", "prev", "kind", "time", "sha256", "record", "ref", "hash",
            ]
            .contains(&k.as_str())
            {
                return Err(format!("unknown member {k:?}"));
            }
        }
        let s = |k: &str| {
            obj.get(k)
                .and_then(Value::as_str)
                .ok_or(format!("{k} is missing or not a string"))
        };
        let hex = |k: &str| {
            let v = s(k)?;
            if is_hex64(v) {
                Ok(v)
            } else {
                Err(format!("{k} is not 64 lowercase hex digits"))
            }
        };
        let seq = obj
            .get("seq")
            .and_then(Value::as_u64)
            .ok_or("seq is missing or not a whole number")?;
        let time = s("time")?;
        parse_rfc3339(time)?;
        if !time.ends_with('Z') {
            return Err(format!("time must be UTC (ending in Z): {time}"));
        }
        let kind = s("kind")?;
        if kind.is_empty() {
            return Err("kind is empty".into());
        }
        let record = obj.get("record");
        let reference = obj.get("ref");
        match (record, reference) {
            (Some(r), None) if r.is_object() => {}
            (None, Some(r)) => {
                if r.get("name")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
                {
                    return Err("ref.name (the artefact's file name) is missing".into());
                }
            }
            (Some(_), None) => return Err("record must be a JSON object".into()),
            _ => return Err("an entry carries exactly one of record and ref".into()),
        }
        Ok(Shape {
            seq,
            prev: hex("prev")?,
            kind,
            sha256: hex("sha256")?,
            hash: hex("hash")?,
            record,
            reference,
        })
    }
}

pub(crate) fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// Parses a JSON Lines log (one entry per line; blank lines are refused, a final newline is not).
pub fn parse_jsonl(text: &str) -> Result<Vec<Value>, Problem> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    if body.is_empty() {
        return Err(Problem::empty());
    }
    body.split('\n')
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str::<Value>(line.strip_suffix('\r').unwrap_or(line))
                .map_err(|e| Problem::line(i, ProblemKind::Malformed, format!("not JSON: {e}")))
        })
        .collect()
}

/// Serialises a log as JSON Lines: each entry's canonical JSON, one per line, `\n` after each.
pub fn to_jsonl(log: &[Value]) -> Result<String, EvidenceError> {
    let mut out = String::new();
    for entry in log {
        out.push_str(&canonical_json(entry)?);
        out.push('\n');
    }
    Ok(out)
}
