//! Canonical evidence records and the hash-chained evidence log (issue 4).
//!
//! One crate computes every evidence hash: natively (`patrol verify`), in the extension (through
//! `patrol-wasm`) and in the endpoint, so that the three can never disagree on the bytes.
//! `docs/evidence.md` states the rules so that anyone can recompute them without this code.
//!
//! ```
//! use patrol_evidence::{append, canonical_json, sha256_hex, verify, VerifyOptions};
//! use serde_json::json;
//!
//! assert_eq!(canonical_json(&json!({"b": 1, "a": [0.5, "x"]})).unwrap(), r#"{"a":[0.5,"x"],"b":1}"#);
//! let genesis = append(&[], &json!({"kind": "genesis", "time": "2026-11-20T13:30:05.000Z",
//!     "record": {"schema": "patrol.evidence.case/1", "case_id": "c1"}})).unwrap();
//! let log = vec![genesis];
//! let open = VerifyOptions { require_seal: false, anchor: None };
//! assert_eq!(verify(&log, &open, None).unwrap().entries, 1);
//! assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
//! ```

use std::fmt;

use sha2::{Digest, Sha256};

pub mod archive;
pub mod canonical;
pub mod chain;
pub mod cli;
pub mod problem;
pub mod record;
pub mod time;

pub use canonical::{canonical_json, canonical_json_of, CanonicalError};
pub use chain::{
    append, entry_hash, kind, parse_jsonl, to_jsonl, verify, ArtefactLookup, Summary,
    VerifyOptions, CASE_SCHEMA, GENESIS_PREV,
};
pub use problem::{Problem, ProblemKind};
pub use record::{
    record_sha256, validate_record, EvidenceRecord, User, RECORD_FIELDS, RECORD_SCHEMA,
};

/// SHA-256 of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Everything that can go wrong building or hashing evidence (verification failures are
/// [`Problem`]s, which name the entry).
#[derive(Debug, Clone, PartialEq)]
pub enum EvidenceError {
    Canonical(CanonicalError),
    Record(String),
    Entry(String),
    Chain(Box<Problem>),
}

impl fmt::Display for EvidenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvidenceError::Canonical(e) => write!(f, "canonical JSON: {e}"),
            EvidenceError::Record(e) => write!(f, "evidence record: {e}"),
            EvidenceError::Entry(e) => write!(f, "log entry: {e}"),
            EvidenceError::Chain(p) => write!(f, "the log does not verify: {p}"),
        }
    }
}

impl std::error::Error for EvidenceError {}

impl From<CanonicalError> for EvidenceError {
    fn from(e: CanonicalError) -> Self {
        EvidenceError::Canonical(e)
    }
}
