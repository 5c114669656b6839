//! Submissions from the extension: a report (volunteers) or a case (officers) of one flagged post, with its
//! analysis, its evidence log and artefacts, and the final forms. One transaction per submission; the idempotency
//! key makes a retry return the first answer; the same post reported again joins its case.

use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult};
use crate::policy::{Role, Scope};
use crate::routes::{audited, page, PageQuery};
use crate::{time, urlnorm, Shared};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;

pub const CATEGORIES: &[&str] = &[
    "child_sexual_contact",
    "child_lodging",
    "child_harmful_work",
    "child_csam_offer",
    "child_csam_solicit",
    "child_sexualization",
    "suicide_notice",
    "group_suicide",
    "suicide_inducement",
];
pub const SUICIDE: &[&str] = &["suicide_notice", "group_suicide", "suicide_inducement"];
pub const FORMS: &[&str] = &[
    "url_report",
    "takedown_request",
    "provider_inquiry",
    "action_record",
    "warning_reply",
    "discovery_report",
    "ihc_report",
    "emergency_disclosure",
];

/// Content-Security-Policy for stored HTML and artefacts: no script, no network; inline style for print layout.
/// A stored form posts nowhere and rebases no link, and only our own inbox may frame it (issue 6).
pub const STORED_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; \
     base-uri 'none'; frame-ancestors 'self'";

fn invalid(code: &'static str, msg: impl Into<String>) -> ApiError {
    ApiError::Invalid {
        code,
        message_ja: msg.into(),
        detail: None,
    }
}

/// What the analysis says that the inbox sorts and filters on.
pub struct Derived {
    pub categories: Vec<String>,
    pub suicide: bool,
    pub urgency_rank: i64,
    pub checklist: Value,
    pub minor: bool,
    pub region: String,
}

pub fn urgency_rank(level: &str) -> i64 {
    match level {
        // The analyzer's levels (src/analyze.rs); medium/low are accepted as aliases.
        "high" => 3,
        "elevated" | "medium" => 2,
        "watch" | "low" => 1,
        _ => 0,
    }
}

pub fn urgency_name(rank: i64) -> &'static str {
    ["none", "watch", "elevated", "high"][rank.clamp(0, 3) as usize]
}

pub fn derive(analysis: &Value) -> ApiResult<Derived> {
    let cats = analysis
        .get("categories")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("invalid", "analysis.categories がありません"))?;
    let mut categories = Vec::new();
    for c in cats {
        let c = c.as_str().unwrap_or("");
        if !CATEGORIES.contains(&c) {
            return Err(invalid("invalid", format!("未知の分類です: {c:?}")));
        }
        if !categories.iter().any(|x| x == c) {
            categories.push(c.to_string());
        }
    }
    let u = analysis.get("urgency").cloned().unwrap_or(Value::Null);
    let nonempty = |k: &str| {
        u.get(k)
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
    };
    // 003 §4(1)ア: (ア) imminent timing, (イ) specific place/motive/method, (ウ) explicit expression, (エ) no doubt.
    let checklist = json!({
        "timing": nonempty("timing"),
        "specific": nonempty("specific"),
        "explicit": nonempty("explicit"),
        "no_doubt": !nonempty("doubt"),
        "inquiry": analysis.get("inquiry").and_then(Value::as_bool).unwrap_or(false),
    });
    Ok(Derived {
        suicide: categories.iter().any(|c| SUICIDE.contains(&c.as_str())),
        urgency_rank: urgency_rank(u.get("level").and_then(Value::as_str).unwrap_or("none")),
        checklist,
        minor: analysis
            .get("minor")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        region: analysis
            .get("region")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string(),
        categories,
    })
}

struct Artefact {
    name: String,
    sha256: String,
    media_type: String,
    bytes: Vec<u8>,
}

struct Verified {
    log: Option<Value>,
    summary: Option<Value>,
    artefacts: Vec<Artefact>,
}

/// Checks the evidence before anything is written: every entry's hash and link, every artefact against its
/// SHA-256 (docs/evidence.md §3). A broken chain is refused whole; the extension keeps its copy.
fn verify_evidence(
    evidence: Option<&Value>,
    max_bytes: usize,
    forms_bytes: usize,
) -> ApiResult<Verified> {
    let Some(ev) = evidence.filter(|v| !v.is_null()) else {
        if forms_bytes > max_bytes {
            return Err(ApiError::TooLarge(format!(
                "書式の合計 {forms_bytes} バイトが上限 {max_bytes} バイトを超えています"
            )));
        }
        return Ok(Verified {
            log: None,
            summary: None,
            artefacts: vec![],
        });
    };
    let log = ev
        .get("log")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("invalid", "evidence.log がありません"))?;
    if log.is_empty() {
        return Err(invalid("invalid", "evidence.log が空です"));
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut total = forms_bytes;
    if let Some(map) = ev.get("artefacts").and_then(Value::as_object) {
        for (name, v) in map {
            let bytes = v.as_str().and_then(|s| b64.decode(s).ok()).ok_or_else(|| {
                invalid(
                    "invalid",
                    format!("証拠ファイル {name} が base64 ではありません"),
                )
            })?;
            total += bytes.len();
            files.insert(name.clone(), bytes);
        }
    }
    if total > max_bytes {
        return Err(ApiError::TooLarge(format!(
            "証拠の合計 {total} バイトが上限 {max_bytes} バイトを超えています"
        )));
    }
    let lookup = |name: &str| files.get(name).cloned();
    let opts = patrol_evidence::VerifyOptions {
        require_seal: false,
        anchor: None,
    };
    let summary =
        patrol_evidence::verify(log, &opts, Some(&lookup)).map_err(|p| ApiError::Invalid {
            code: "chain_broken",
            message_ja: format!(
                "証拠の検証に失敗したため受け付けませんでした（端末の証拠は保持されます）。{}",
                p.message()
            ),
            detail: Some(
                json!({"kind": p.kind, "index": p.index, "seq": p.seq, "detail": p.detail}),
            ),
        })?;
    let mut artefacts = Vec::new();
    for e in log {
        if let (Some(r), Some(sha)) = (e.get("ref"), e.get("sha256").and_then(Value::as_str)) {
            let name = r
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if let Some(bytes) = files.remove(&name) {
                let media_type = r
                    .get("media_type")
                    .and_then(Value::as_str)
                    .unwrap_or("application/octet-stream")
                    .to_string();
                artefacts.push(Artefact {
                    name,
                    sha256: sha.to_string(),
                    media_type,
                    bytes,
                });
            }
        }
    }
    if let Some(extra) = files.keys().next() {
        return Err(invalid(
            "unreferenced_artefact",
            format!("ログにない証拠ファイルが送られました: {extra}"),
        ));
    }
    let summary = serde_json::to_value(&summary).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Verified {
        log: Some(Value::Array(log.clone())),
        summary: Some(summary),
        artefacts,
    })
}

fn str_field<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty())
}

pub async fn create(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Response> {
    let key = str_field(&body, "idempotency_key")
        .map(str::to_string)
        .or_else(|| {
            headers
                .get("idempotency-key")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .ok_or_else(|| ApiError::BadRequest("idempotency_key is required".into()))?;
    if key.len() < 8 || key.len() > 128 {
        return Err(ApiError::BadRequest(
            "idempotency_key must be 8 to 128 characters".into(),
        ));
    }
    let kind = str_field(&body, "kind").unwrap_or("");
    if kind != "report" && kind != "case" {
        return Err(ApiError::BadRequest("kind must be report or case".into()));
    }
    let forms = body
        .get("forms")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // Volunteers flag and report; they prepare nothing official (001 §6(1)).
    if c.role == Role::Volunteer && (kind == "case" || !forms.is_empty()) {
        return Err(ApiError::Forbidden(
            "協力者は通報のみ送信できます（書式・事案の送信は警察官のみ）".into(),
        ));
    }
    let post = body
        .get("post")
        .filter(|p| p.is_object())
        .ok_or_else(|| ApiError::BadRequest("post is required".into()))?;
    let analysis = body
        .get("analysis")
        .filter(|p| p.is_object())
        .ok_or_else(|| ApiError::BadRequest("analysis is required".into()))?;
    let url = str_field(post, "permalink")
        .or_else(|| str_field(post, "url"))
        .ok_or_else(|| invalid("invalid", "post.url がありません"))?;
    let text = post
        .get("text")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("invalid", "post.text がありません"))?;
    let site = str_field(post, "site").unwrap_or("unknown");
    let norm = case_key(post, url)?;
    let derived = derive(analysis)?;
    let mut form_rows = Vec::new();
    let mut forms_bytes = 0;
    for f in &forms {
        let name = str_field(f, "form").unwrap_or("");
        if !FORMS.contains(&name) {
            return Err(invalid("invalid", format!("未知の書式です: {name:?}")));
        }
        let html = f
            .get("html")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("invalid", "forms[].html がありません"))?;
        forms_bytes += html.len();
        form_rows.push((name.to_string(), html.to_string()));
    }
    let note = str_field(&body, "note").map(str::to_string);
    if note.as_ref().is_some_and(|n| n.chars().count() > 4000) {
        return Err(invalid("invalid", "コメントは4000字までです"));
    }
    let verified = verify_evidence(
        body.get("evidence"),
        state.config.max_evidence_bytes,
        forms_bytes,
    )?;
    let body_hash = hex::encode(Sha256::digest(
        serde_json::to_vec(&body).map_err(|e| ApiError::Internal(e.to_string()))?,
    ));

    let input = NewSubmission {
        key: &key,
        kind,
        body_hash: &body_hash,
        post,
        analysis,
        norm: &norm,
        url,
        site,
        text,
        derived: &derived,
        note: note.as_deref(),
        verified: &verified,
        forms: &form_rows,
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        match store(&state, &c, &input).await {
            Ok((code, ack)) => {
                let obj = format!(
                    "submission:{} case:{}",
                    ack["submission_id"], ack["case_id"]
                );
                return Ok(audited(obj, (code, Json(ack))));
            }
            // Two first reports of one post racing on PostgreSQL: the loser retries and joins the case.
            Err(ApiError::Db(e))
                if attempt < 4
                    && e.as_database_error()
                        .is_some_and(|d| d.is_unique_violation()) =>
            {
                continue
            }
            Err(e) => return Err(e),
        }
    }
}

/// One case per post: the normalised permalink; without one (boards), the page URL plus the post number or the
/// extracted post's content key, so that different posts on one page never merge.
fn case_key(post: &Value, url: &str) -> ApiResult<String> {
    let norm =
        urlnorm::normalize(url).map_err(|e| invalid("invalid", format!("URL が不正です: {e}")))?;
    if str_field(post, "permalink").is_some() {
        return Ok(norm);
    }
    if let Some(no) = str_field(post, "post_no") {
        return Ok(format!("{norm}#no={no}"));
    }
    match str_field(post, "key") {
        Some(k) if k != url => Ok(format!("{norm}#key={k}")),
        _ => Ok(norm),
    }
}

struct NewSubmission<'a> {
    key: &'a str,
    kind: &'a str,
    body_hash: &'a str,
    post: &'a Value,
    analysis: &'a Value,
    norm: &'a str,
    url: &'a str,
    site: &'a str,
    text: &'a str,
    derived: &'a Derived,
    note: Option<&'a str>,
    verified: &'a Verified,
    forms: &'a [(String, String)],
}

async fn store(
    state: &Shared,
    c: &Caller,
    s: &NewSubmission<'_>,
) -> ApiResult<(StatusCode, Value)> {
    let mut tx = state.db.write.begin().await?;
    if let Some(prev) = sqlx::query(
        "SELECT id, body_hash, response FROM submissions WHERE user_id = $1 AND idem_key = $2",
    )
    .bind(c.id)
    .bind(s.key)
    .fetch_optional(&mut *tx)
    .await?
    {
        let h: String = prev.try_get("body_hash")?;
        let prev_id: i64 = prev.try_get("id")?;
        if h != s.body_hash {
            return Err(ApiError::conflict(
                "idempotency_conflict",
                "同じ冪等キーで内容の異なる送信がありました。新しい送信には新しいキーを使ってください。",
            ));
        }
        let stored: Value =
            serde_json::from_str(&prev.try_get::<String, _>("response")?).unwrap_or(Value::Null);
        let mut ack = finish_ack(stored, prev_id);
        ack["replayed"] = Value::Bool(true);
        return Ok((StatusCode::OK, ack));
    }
    let now = time::now();
    let d = s.derived;
    let existing = sqlx::query("SELECT id, unit, status, categories, urgency_rank, report_count FROM cases WHERE normalized_url = $1")
        .bind(s.norm)
        .fetch_optional(&mut *tx)
        .await?;
    let (case_id, case_created, status, report_count, case_unit) = match existing {
        None => {
            let excerpt: String = s.text.chars().take(140).collect();
            let id: i64 = sqlx::query(
                "INSERT INTO cases (normalized_url, url, site, unit, status, categories, suicide, urgency_rank, checklist, minor, region, \
                 excerpt, post_text, author_handle, posted_at, analysis, report_count, first_reported_at, last_reported_at, updated_at) \
                 VALUES ($1, $2, $3, $4, 'new', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $16, $16) RETURNING id",
            )
            .bind(s.norm)
            .bind(s.url)
            .bind(s.site)
            .bind(&c.unit)
            .bind(d.categories.join(" "))
            .bind(d.suicide as i64)
            .bind(d.urgency_rank)
            .bind(d.checklist.to_string())
            .bind(d.minor as i64)
            .bind(&d.region)
            .bind(excerpt)
            .bind(s.text)
            .bind(str_field(s.post, "author_handle"))
            .bind(str_field(s.post, "posted_at"))
            .bind(s.analysis.to_string())
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
            (id, true, "new".to_string(), 1i64, c.unit.clone())
        }
        Some(row) => {
            let id: i64 = row.try_get("id")?;
            let case_unit: String = row.try_get("unit")?;
            let mut status: String = row.try_get("status")?;
            let mut cats: Vec<String> = row
                .try_get::<String, _>("categories")?
                .split_whitespace()
                .map(str::to_string)
                .collect();
            for cat in &d.categories {
                if !cats.contains(cat) {
                    cats.push(cat.clone());
                }
            }
            let suicide = cats.iter().any(|x| SUICIDE.contains(&x.as_str()));
            let old_rank: i64 = row.try_get("urgency_rank")?;
            let more_urgent = d.urgency_rank > old_rank;
            let count: i64 = row.try_get::<i64, _>("report_count")? + 1;
            if status == "returned" && case_unit == c.unit {
                // A returned case that is reported again goes back to the queue.
                event(
                    &mut tx,
                    id,
                    c,
                    "reopen",
                    &status,
                    "new",
                    Some("再度の報告により再開"),
                )
                .await?;
                status = "new".into();
            }
            sqlx::query(
                "UPDATE cases SET categories = $1, suicide = $2, urgency_rank = $3, report_count = $4, last_reported_at = $5, updated_at = $5, \
                 status = $6, checklist = CASE WHEN $7 = 1 THEN $8 ELSE checklist END, analysis = CASE WHEN $7 = 1 THEN $9 ELSE analysis END, post_text = CASE WHEN $7 = 1 THEN $11 ELSE post_text END WHERE id = $10",
            )
            .bind(cats.join(" "))
            .bind(suicide as i64)
            .bind(old_rank.max(d.urgency_rank))
            .bind(count)
            .bind(&now)
            .bind(&status)
            .bind(more_urgent as i64)
            .bind(d.checklist.to_string())
            .bind(s.analysis.to_string())
            .bind(id)
            .bind(s.text)
            .execute(&mut *tx)
            .await?;
            (id, false, status, count, case_unit)
        }
    };
    let v = s.verified;
    // The receipt is the anchor the extension writes into its log as an `ack` entry (docs/evidence.md §3); its id
    // and the submission id are added from the row id (see `finish_ack`), so one INSERT stores the answer.
    let receipt = v.summary.as_ref().map(|sm| {
        json!({"received_at": now, "endpoint": "patrol-server", "head_seq": sm["head_seq"], "head_hash": sm["head_hash"]})
    });
    let status = (case_unit == c.unit && c.role != Role::Volunteer).then_some(status);
    let ack_base = json!({"case_id": case_id, "case_created": case_created, "report_count": report_count,
                          "status": status, "received_at": now, "replayed": false, "receipt": receipt});
    let sub_id: i64 = sqlx::query(
        "INSERT INTO submissions (case_id, user_id, unit, kind, idem_key, body_hash, received_at, categories, post, analysis, note, \
         evidence_log, verification, evidence_entries, response, receipt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
    )
    .bind(case_id)
    .bind(c.id)
    .bind(&c.unit)
    .bind(s.kind)
    .bind(s.key)
    .bind(s.body_hash)
    .bind(&now)
    .bind(d.categories.join(" "))
    .bind(s.post.to_string())
    .bind(s.analysis.to_string())
    .bind(s.note)
    .bind(v.log.as_ref().map(Value::to_string))
    .bind(v.summary.as_ref().map(Value::to_string))
    .bind(v.log.as_ref().and_then(Value::as_array).map_or(0, |a| a.len() as i64))
    .bind(ack_base.to_string())
    .bind(receipt.as_ref().map(Value::to_string))
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    for a in &v.artefacts {
        sqlx::query("INSERT INTO artefacts (submission_id, name, sha256, media_type, bytes, content) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(sub_id)
            .bind(&a.name)
            .bind(&a.sha256)
            .bind(&a.media_type)
            .bind(a.bytes.len() as i64)
            .bind(a.bytes.clone())
            .execute(&mut *tx)
            .await?;
    }
    for (form, html) in s.forms {
        sqlx::query(
            "INSERT INTO forms (submission_id, case_id, form, html) VALUES ($1, $2, $3, $4)",
        )
        .bind(sub_id)
        .bind(case_id)
        .bind(form)
        .bind(html)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok((StatusCode::CREATED, finish_ack(ack_base, sub_id)))
}

fn receipt_id(submission_id: i64) -> String {
    format!("patrol-server/submission/{submission_id}")
}

/// The stored answer completed with the ids only known once the row exists.
fn finish_ack(mut ack: Value, submission_id: i64) -> Value {
    ack["submission_id"] = json!(submission_id);
    if ack["receipt"].is_object() {
        ack["receipt"]["receipt_id"] = json!(receipt_id(submission_id));
    }
    ack
}

pub async fn event(
    tx: &mut Transaction<'_, Any>,
    case_id: i64,
    c: &Caller,
    action: &str,
    from: &str,
    to: &str,
    comment: Option<&str>,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO case_events (case_id, at_utc, user_id, actor, role, action, from_status, to_status, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(case_id)
    .bind(time::now())
    .bind(c.id)
    .bind(&c.name)
    .bind(c.role.as_str())
    .bind(action)
    .bind(from)
    .bind(to)
    .bind(comment)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const SUMMARY_COLS: &str = "s.id, s.case_id, s.kind, s.user_id, s.unit, s.received_at, s.categories, s.note, s.evidence_entries, s.verification, \
     u.name AS reporter_name, u.role AS reporter_role, c.unit AS case_unit";

pub async fn summary_json(db: &sqlx::AnyPool, r: &AnyRow) -> ApiResult<Value> {
    let id: i64 = r.try_get("id")?;
    let forms = sqlx::query("SELECT id, form FROM forms WHERE submission_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(db)
        .await?;
    let forms: Vec<Value> = forms
        .iter()
        .map(|f| {
            let fid: i64 = f.try_get("id").unwrap_or(0);
            json!({"id": fid, "form": f.try_get::<String, _>("form").unwrap_or_default(), "url": format!("/api/forms/{fid}")})
        })
        .collect();
    let verification: Option<String> = r.try_get("verification")?;
    Ok(json!({
        "id": id,
        "case_id": r.try_get::<i64, _>("case_id")?,
        "kind": r.try_get::<String, _>("kind")?,
        "reporter": {"id": r.try_get::<i64, _>("user_id")?, "name": r.try_get::<String, _>("reporter_name")?,
                     "role": r.try_get::<String, _>("reporter_role")?, "unit": r.try_get::<String, _>("unit")?},
        "unit": r.try_get::<String, _>("unit")?,
        "received_at": r.try_get::<String, _>("received_at")?,
        "categories": r.try_get::<String, _>("categories")?.split_whitespace().collect::<Vec<_>>(),
        "note": r.try_get::<Option<String>, _>("note")?,
        "evidence_entries": r.try_get::<i64, _>("evidence_entries")?,
        "forms": forms,
        "verification": verification.and_then(|v| serde_json::from_str::<Value>(&v).ok()),
    }))
}

/// Submissions of one case visible to the caller.
pub async fn of_case(state: &Shared, c: &Caller, case_id: i64) -> ApiResult<Vec<Value>> {
    let rows = sqlx::query(&format!(
        "SELECT {SUMMARY_COLS} FROM submissions s JOIN users u ON u.id = s.user_id JOIN cases c ON c.id = s.case_id WHERE s.case_id = $1 ORDER BY s.id"
    ))
    .bind(case_id)
    .fetch_all(&state.db.read)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        if c.sees_report(
            r.try_get("user_id")?,
            &r.try_get::<String, _>("unit")?,
            &r.try_get::<String, _>("case_unit")?,
        ) {
            out.push(summary_json(&state.db.read, r).await?);
        }
    }
    Ok(out)
}

pub async fn list(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Value>> {
    let (cond, unit) = match c.scope {
        Scope::Own => ("s.user_id = $1", None),
        Scope::Unit => ("(s.unit = $2 OR c.unit = $2)", Some(c.unit.clone())),
        Scope::All => ("$1 = $1", None),
    };
    let base = format!("FROM submissions s JOIN users u ON u.id = s.user_id JOIN cases c ON c.id = s.case_id WHERE {cond} AND $1 = $1 AND ($2 IS NULL OR $2 = $2)");
    let count_sql = format!("SELECT COUNT(*) {base}");
    let total: i64 = sqlx::query(&count_sql)
        .bind(c.id)
        .bind(unit.clone())
        .fetch_one(&state.db.read)
        .await?
        .try_get(0)?;
    let sql = format!(
        "SELECT {SUMMARY_COLS} {base} ORDER BY s.id DESC LIMIT {} OFFSET {}",
        q.limit(),
        q.offset()
    );
    let rows = sqlx::query(&sql)
        .bind(c.id)
        .bind(unit)
        .fetch_all(&state.db.read)
        .await?;
    let mut items = Vec::new();
    for r in &rows {
        items.push(summary_json(&state.db.read, r).await?);
    }
    Ok(page(items, total, &q))
}

async fn visible_submission(state: &Shared, c: &Caller, id: i64, cols: &str) -> ApiResult<AnyRow> {
    let row = sqlx::query(&format!(
        "SELECT {SUMMARY_COLS}, {cols} FROM submissions s JOIN users u ON u.id = s.user_id JOIN cases c ON c.id = s.case_id WHERE s.id = $1"
    ))
    .bind(id)
    .fetch_optional(&state.db.read)
    .await?
    .ok_or(ApiError::NotFound)?;
    if !c.sees_report(
        row.try_get("user_id")?,
        &row.try_get::<String, _>("unit")?,
        &row.try_get::<String, _>("case_unit")?,
    ) {
        // Refused, and indistinguishable from absent: another unit's reports do not reveal they exist.
        return Err(ApiError::Forbidden(
            "他の利用者・所属の報告は閲覧できません".into(),
        ));
    }
    Ok(row)
}

pub async fn read(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let r = visible_submission(
        &state,
        &c,
        id,
        "s.post, s.analysis, s.receipt, s.evidence_log",
    )
    .await?;
    let mut v = summary_json(&state.db.read, &r).await?;
    let parse = |k: &str| -> Value {
        r.try_get::<Option<String>, _>(k)
            .ok()
            .flatten()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or(Value::Null)
    };
    let arts = sqlx::query("SELECT name, sha256, bytes, media_type FROM artefacts WHERE submission_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&state.db.read)
        .await?;
    let arts: Vec<Value> = arts
        .iter()
        .map(|a| {
            let name: String = a.try_get("name").unwrap_or_default();
            json!({"name": name, "sha256": a.try_get::<String, _>("sha256").unwrap_or_default(), "bytes": a.try_get::<i64, _>("bytes").unwrap_or(0),
                   "media_type": a.try_get::<String, _>("media_type").unwrap_or_default(),
                   "url": format!("/api/submissions/{id}/artefacts/{}", pct(&name))})
        })
        .collect();
    if let Value::Object(m) = &mut v {
        let extra: Map<String, Value> = [
            ("post".to_string(), parse("post")),
            ("analysis".to_string(), parse("analysis")),
            ("receipt".to_string(), {
                let mut r = parse("receipt");
                if r.is_object() {
                    r["receipt_id"] = json!(receipt_id(id));
                }
                r
            }),
            ("evidence".to_string(), parse("evidence_log")),
            ("artefacts".to_string(), Value::Array(arts)),
        ]
        .into_iter()
        .collect();
        m.extend(extra);
    }
    Ok(audited(format!("submission:{id}"), Json(v)))
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn stored_headers(resp: &mut Response, media_type: &str) {
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(media_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(STORED_CSP),
    );
}

pub async fn artefact(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Path((id, name)): Path<(i64, String)>,
) -> ApiResult<Response> {
    visible_submission(&state, &c, id, "s.id AS sid").await?;
    let row = sqlx::query(
        "SELECT media_type, content FROM artefacts WHERE submission_id = $1 AND name = $2",
    )
    .bind(id)
    .bind(&name)
    .fetch_optional(&state.db.read)
    .await?
    .ok_or(ApiError::NotFound)?;
    let content: Option<Vec<u8>> = row.try_get("content")?;
    let content = content.ok_or(ApiError::NotFoundCode("purged"))?;
    let mt: String = row.try_get("media_type")?;
    // Only images are shown inline; anything else is downloaded, never rendered as a page of ours.
    let mt = if mt.starts_with("image/") || mt == "text/html" {
        mt
    } else {
        "application/octet-stream".into()
    };
    let mut resp = content.into_response();
    stored_headers(&mut resp, &mt);
    Ok(audited(format!("submission:{id} artefact:{name}"), resp))
}

pub async fn form(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let row = sqlx::query("SELECT submission_id, html FROM forms WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.db.read)
        .await?
        .ok_or(ApiError::NotFound)?;
    let sid: i64 = row.try_get("submission_id")?;
    visible_submission(&state, &c, sid, "s.id AS sid").await?;
    let html: Option<String> = row.try_get("html")?;
    let html = html.ok_or(ApiError::NotFoundCode("purged"))?;
    let mut resp = html.into_response();
    stored_headers(&mut resp, "text/html; charset=utf-8");
    Ok(audited(format!("form:{id} submission:{sid}"), resp))
}
