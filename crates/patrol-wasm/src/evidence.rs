//! Evidence bindings: the same canonical bytes, hashes and chain checks as `patrol verify` and
//! the endpoint, so the extension never computes an evidence hash its own way.
//!
//! ```js
//! const { canonicalJson, sha256Hex, chainAppend, verifyChain } = require('./patrol_wasm.js');
//! canonicalJson({ b: 1, a: [0.5] });            // '{"a":[0.5],"b":1}'
//! sha256Hex('abc');                              // 'ba7816bf…' (strings are hashed as UTF-8)
//! const g = chainAppend([], { kind: 'genesis', time: '2026-11-20T13:30:05.123Z',
//!   record: { schema: 'patrol.evidence.case/1', case_id: 'c1' } });
//! verifyChain([g]);                              // { ok: true, entries: 1, head_hash: …, … }
//! ```
//!
//! Objects cross as their `JSON.stringify` text, parsed by the crate: exactly the JSON anyone
//! else would hash (undefined members dropped, `-0` as `0`); a lone surrogate, a cycle or a
//! BigInt is an `Error`, never a silent replacement.

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use patrol_evidence::time::Instant;
use patrol_evidence::{Problem, Summary, VerifyOptions};

/// `canonicalJson(value)`: the RFC 8785 canonical JSON text of a JSON-compatible value.
#[wasm_bindgen(js_name = canonicalJson)]
pub fn canonical_json(value: JsValue) -> Result<String, JsError> {
    let v = to_json(&value, "canonicalJson")?;
    patrol_evidence::canonical_json(&v)
        .map_err(|e| JsError::new(&format!("patrol: canonicalJson: {e}")))
}

/// `sha256Hex(data)`: SHA-256 as 64 lowercase hex digits of a string (its UTF-8 bytes), a
/// `Uint8Array` or an `ArrayBuffer`.
#[wasm_bindgen(js_name = sha256Hex)]
pub fn sha256_hex(data: JsValue) -> Result<String, JsError> {
    if let Some(s) = data.as_string() {
        return Ok(patrol_evidence::sha256_hex(s.as_bytes()));
    }
    if data.is_instance_of::<js_sys::Uint8Array>() {
        return Ok(patrol_evidence::sha256_hex(
            &js_sys::Uint8Array::new(&data).to_vec(),
        ));
    }
    if data.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(patrol_evidence::sha256_hex(
            &js_sys::Uint8Array::new(&data).to_vec(),
        ));
    }
    Err(JsError::new(
        "patrol: sha256Hex takes a string, a Uint8Array or an ArrayBuffer",
    ))
}

/// `recordSha256(record)`: SHA-256 of a record's canonical JSON, after checking it is a complete
/// evidence record (every field present, UTC and JST capture times agreeing, rule-set version).
#[wasm_bindgen(js_name = recordSha256)]
pub fn record_sha256(record: JsValue) -> Result<String, JsError> {
    let v = to_json(&record, "recordSha256")?;
    patrol_evidence::validate_record(&v).map_err(|e| JsError::new(&format!("patrol: {e}")))?;
    patrol_evidence::record_sha256(&v).map_err(|e| JsError::new(&format!("patrol: {e}")))
}

/// `captureTimes(unixMillis)`: `{ utc, jst }`, the two capture-time strings of a record.
#[wasm_bindgen(js_name = captureTimes)]
pub fn capture_times(unix_millis: f64) -> Result<JsValue, JsError> {
    // ±10^15 ms is ±31,000 years: anything beyond is not a capture time.
    if !unix_millis.is_finite() || unix_millis.fract() != 0.0 || unix_millis.abs() > 1e15 {
        return Err(JsError::new(&format!(
            "patrol: captureTimes takes whole milliseconds since 1970 (Date.now()), not {unix_millis}"
        )));
    }
    let t = Instant::from_unix_millis(unix_millis as i64);
    to_js(&serde_json::json!({"utc": t.to_utc_string(), "jst": t.to_jst_string()}))
}

/// `chainAppend(log, entry)`: the complete new entry (`seq`, `prev`, `sha256`, `hash` filled in)
/// for `{kind, time, record}` or `{kind, time, ref, sha256}`; the log is verified first.
#[wasm_bindgen(js_name = chainAppend)]
pub fn chain_append(log: JsValue, entry: JsValue) -> Result<JsValue, JsError> {
    let log = to_log(&log, "chainAppend")?;
    let entry = to_json(&entry, "chainAppend")?;
    let new =
        patrol_evidence::append(&log, &entry).map_err(|e| JsError::new(&format!("patrol: {e}")))?;
    to_js(&new)
}

/// `verifyChain(log, options?)`: `{ ok: true, entries, case_id, head_seq, head_hash, sealed,
/// kinds }` or `{ ok: false, problem: { kind, index, seq, detail, message } }`.
///
/// `options.requireSeal` (default false here: the extension verifies live logs) and
/// `options.anchor = { seq, hash }` (the endpoint's receipt) as in `patrol verify`.
#[wasm_bindgen(js_name = verifyChain)]
pub fn verify_chain(log: JsValue, options: JsValue) -> Result<JsValue, JsError> {
    let log = to_log(&log, "verifyChain")?;
    outcome(patrol_evidence::verify(&log, &options_of(&options)?, None))
}

/// `verifyJsonl(text, options?)`: as `verifyChain`, on an exported `log.jsonl`.
#[wasm_bindgen(js_name = verifyJsonl)]
pub fn verify_jsonl(text: &str, options: JsValue) -> Result<JsValue, JsError> {
    let opts = options_of(&options)?;
    outcome(
        patrol_evidence::parse_jsonl(text)
            .and_then(|log| patrol_evidence::verify(&log, &opts, None)),
    )
}

/// `chainToJsonl(log)`: the export form, one canonical entry per line.
#[wasm_bindgen(js_name = chainToJsonl)]
pub fn chain_to_jsonl(log: JsValue) -> Result<String, JsError> {
    let log = to_log(&log, "chainToJsonl")?;
    patrol_evidence::to_jsonl(&log).map_err(|e| JsError::new(&format!("patrol: {e}")))
}

#[derive(Serialize)]
struct Failure<'a> {
    ok: bool,
    problem: ProblemJs<'a>,
}

#[derive(Serialize)]
struct ProblemJs<'a> {
    #[serde(flatten)]
    problem: &'a Problem,
    message: String,
}

#[derive(Serialize)]
struct Success<'a> {
    ok: bool,
    #[serde(flatten)]
    summary: &'a Summary,
}

fn outcome(result: Result<Summary, Problem>) -> Result<JsValue, JsError> {
    match result {
        Ok(summary) => to_js(&Success {
            ok: true,
            summary: &summary,
        }),
        Err(problem) => to_js(&Failure {
            ok: false,
            problem: ProblemJs {
                message: problem.message(),
                problem: &problem,
            },
        }),
    }
}

fn options_of(options: &JsValue) -> Result<VerifyOptions, JsError> {
    let mut opts = VerifyOptions {
        require_seal: false,
        anchor: None,
    };
    if options.is_undefined() || options.is_null() {
        return Ok(opts);
    }
    let v = to_json(options, "verify options")?;
    if let Some(r) = v.get("requireSeal") {
        opts.require_seal = r
            .as_bool()
            .ok_or_else(|| JsError::new("patrol: options.requireSeal must be a boolean"))?;
    }
    if let Some(a) = v.get("anchor").filter(|a| !a.is_null()) {
        let seq = a.get("seq").and_then(Value::as_u64);
        let hash = a.get("hash").and_then(Value::as_str);
        match (seq, hash) {
            (Some(s), Some(h)) => opts.anchor = Some((s, h.to_string())),
            _ => {
                return Err(JsError::new(
                    "patrol: options.anchor must be { seq: number, hash: string }",
                ))
            }
        }
    }
    Ok(opts)
}

/// A JS value as the JSON its `JSON.stringify` gives.
fn to_json(value: &JsValue, what: &str) -> Result<Value, JsError> {
    let text = js_sys::JSON::stringify(value).map_err(|e| {
        JsError::new(&format!(
            "patrol: {what}: not JSON-compatible: {}",
            js_message(&e)
        ))
    })?;
    let text: String = text.as_string().ok_or_else(|| {
        JsError::new(&format!(
            "patrol: {what}: the value has no JSON form (undefined or a function)"
        ))
    })?;
    if has_lone_surrogate(&text) {
        return Err(JsError::new(&format!(
            "patrol: {what}: a string holds a lone UTF-16 surrogate (broken text); it has no canonical form"
        )));
    }
    serde_json::from_str(&text).map_err(|e| JsError::new(&format!("patrol: {what}: {e}")))
}

/// `JSON.stringify` writes well-formed pairs as they are and escapes only lone surrogates
/// (`\udXXX`), so any such escape in its output is a lone surrogate.
fn has_lone_surrogate(json: &str) -> bool {
    let mut chars = json.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            continue;
        }
        if chars.next() == Some('u') {
            let hex: String = chars.by_ref().take(4).collect();
            if u32::from_str_radix(&hex, 16).is_ok_and(|v| (0xD800..=0xDFFF).contains(&v)) {
                return true;
            }
        }
    }
    false
}

fn to_log(value: &JsValue, what: &str) -> Result<Vec<Value>, JsError> {
    match to_json(value, what)? {
        Value::Array(items) => Ok(items),
        _ => Err(JsError::new(&format!(
            "patrol: {what}: the log must be an array of entries"
        ))),
    }
}

fn js_message(e: &JsValue) -> String {
    js_sys::Error::from(e.clone()).message().into()
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("patrol: cannot convert the result: {e}")))
}
