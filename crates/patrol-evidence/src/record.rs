//! The canonical evidence record (issue 4): what was on the screen, when, judged how, by whom.
//!
//! It extends the "extracted post" of `docs/architecture.md` with the capture time (UTC and
//! JST), the page title, the analysis with its rule-set version, the extension version and the
//! user. The record is hashed as its RFC 8785 canonical JSON, *as received*: fields this type does
//! not know are kept and hashed too, so a newer extension never produces a record an older
//! verifier silently re-shapes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::time::check_utc_jst;
use crate::{canonical_json, sha256_hex, EvidenceError};

/// The value of `schema` in every record of this version.
pub const RECORD_SCHEMA: &str = "patrol.evidence.record/1";

/// Who captured the evidence (002: the operator in the chain of approval).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    /// `volunteer`, `officer`, `supervisor` or `admin` (the endpoint's roles).
    pub role: String,
    pub unit: String,
}

/// The evidence record. `None`/empty means "not on the page", never "unknown to the product".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRecord {
    pub schema: String,
    /// The case this record belongs to (one flagged post = one case = one chain).
    pub case_id: String,
    /// Site profile id (`x`, `5ch`, …).
    pub site: String,
    /// Version of the site profile that extracted the post.
    pub profile_version: Option<String>,
    /// The extracted post's key (permalink, or sha256 of site+board+post_no+text).
    pub key: Option<String>,
    /// The page the officer was on.
    pub url: String,
    /// The post's own address when the site gives one.
    pub permalink: Option<String>,
    pub post_id: Option<String>,
    pub post_no: Option<String>,
    pub board: Option<String>,
    pub author_handle: Option<String>,
    pub author_name: Option<String>,
    /// The author's profile text when known, else empty.
    pub profile: String,
    /// The post's own time as the site shows it (ISO 8601), or `None`.
    pub posted_at: Option<String>,
    pub captured_at_utc: String,
    pub captured_at_jst: String,
    pub text: String,
    /// Addresses of images and videos in the post; the media themselves are not kept (002 §4-4).
    pub media: Vec<String>,
    pub page_title: String,
    /// The analyzer's result object (as `patrol analyze` prints it, minus `id`).
    pub analysis: Value,
    /// The rule-set version, equal to `analysis.ruleset`; repeated so a reader need not dig.
    pub ruleset: String,
    pub extension_version: String,
    pub user: User,
}

impl EvidenceRecord {
    /// The record as JSON, ready for [`canonical_json`].
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// SHA-256 hex of the record's canonical JSON.
    pub fn sha256(&self) -> Result<String, EvidenceError> {
        record_sha256(&self.to_value())
    }
}

/// SHA-256 hex of a record's canonical JSON (the record as given, unknown fields included).
pub fn record_sha256(record: &Value) -> Result<String, EvidenceError> {
    Ok(sha256_hex(canonical_json(record)?.as_bytes()))
}

/// Checks that `value` is a complete record of this schema: every field present with its type,
/// capture times that agree, and a rule-set version that matches the analysis.
pub fn validate_record(value: &Value) -> Result<EvidenceRecord, EvidenceError> {
    let bad = |m: String| EvidenceError::Record(m);
    let obj = value
        .as_object()
        .ok_or_else(|| bad("a record must be a JSON object".into()))?;
    // serde fills absent Option fields with None; the schema wants them written out as null.
    for field in RECORD_FIELDS {
        if !obj.contains_key(*field) {
            return Err(bad(format!("missing field {field:?}")));
        }
    }
    let rec: EvidenceRecord =
        serde_json::from_value(value.clone()).map_err(|e| bad(e.to_string()))?;
    if rec.schema != RECORD_SCHEMA {
        return Err(bad(format!(
            "schema is {:?}, expected {RECORD_SCHEMA:?}",
            rec.schema
        )));
    }
    for (name, v) in [
        ("case_id", &rec.case_id),
        ("site", &rec.site),
        ("url", &rec.url),
    ] {
        if v.trim().is_empty() {
            return Err(bad(format!("{name} is empty")));
        }
    }
    check_utc_jst(&rec.captured_at_utc, &rec.captured_at_jst).map_err(bad)?;
    if !rec.analysis.is_object() {
        return Err(bad("analysis must be the analyzer's result object".into()));
    }
    match rec.analysis.get("ruleset").and_then(Value::as_str) {
        Some(r) if r == rec.ruleset => {}
        Some(r) => {
            return Err(bad(format!(
                "ruleset {:?} differs from analysis.ruleset {r:?}",
                rec.ruleset
            )))
        }
        None => return Err(bad("analysis.ruleset is missing".into())),
    }
    Ok(rec)
}

/// Every field a record of [`RECORD_SCHEMA`] carries (in the order `docs/evidence.md` lists them).
pub const RECORD_FIELDS: &[&str] = &[
    "schema",
    "case_id",
    "site",
    "profile_version",
    "key",
    "url",
    "permalink",
    "post_id",
    "post_no",
    "board",
    "author_handle",
    "author_name",
    "profile",
    "posted_at",
    "captured_at_utc",
    "captured_at_jst",
    "text",
    "media",
    "page_title",
    "analysis",
    "ruleset",
    "extension_version",
    "user",
];
