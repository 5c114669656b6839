//! The supervisors' inbox: cases (one per post, several reports), ordered suicide first with the 003 §4(1)
//! checklist, then urgency, then time; review (approve / return with a comment / done) and warnings (001 §5(3)).

use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult};
use crate::policy::Scope;
use crate::routes::submissions::{event, of_case, urgency_name, CATEGORIES};
use crate::routes::{audited, holds, providers, takedowns, Arg, Filter, PageQuery};
use crate::{time, urlnorm, Shared};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::Row;

const CASE_COLS: &str = "c.id, c.normalized_url, c.url, c.site, c.unit, c.status, c.categories, c.suicide, c.urgency_rank, c.checklist, c.minor, \
    c.region, c.excerpt, c.report_count, c.first_reported_at, c.last_reported_at, c.updated_at, \
    (SELECT COUNT(*) FROM holds h WHERE h.normalized_url = c.normalized_url AND h.released_at IS NULL) AS held_n, \
    (SELECT t.state FROM takedowns t WHERE t.normalized_url = c.normalized_url ORDER BY t.id DESC LIMIT 1) AS td_state";

/// Cases the caller may see: its unit's. Another unit that reported the same post sees its own report (and the
/// lookup), not the owning unit's case, reviews or other reports.
fn scope_filter(c: &Caller, f: &mut Filter) {
    if c.scope != Scope::All {
        f.push("c.unit = ?", Arg::S(c.unit.clone()));
    }
}

pub async fn summary_json(db: &sqlx::AnyPool, r: &AnyRow) -> ApiResult<Value> {
    let id: i64 = r.try_get("id")?;
    let rows = sqlx::query(
        "SELECT DISTINCT u.id, u.name FROM submissions s JOIN users u ON u.id = s.user_id WHERE s.case_id = $1 ORDER BY u.name, u.id",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    let reporters: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get::<String, _>(1).ok())
        .collect();
    let reporter_users: Vec<Value> = rows
        .iter()
        .map(|r| json!({"id": r.try_get::<i64, _>(0).unwrap_or(0), "name": r.try_get::<String, _>(1).unwrap_or_default()}))
        .collect();
    Ok(json!({
        "id": id,
        "url": r.try_get::<String, _>("url")?,
        "normalized_url": r.try_get::<String, _>("normalized_url")?,
        "site": r.try_get::<String, _>("site")?,
        "unit": r.try_get::<String, _>("unit")?,
        "status": r.try_get::<String, _>("status")?,
        "categories": r.try_get::<String, _>("categories")?.split_whitespace().collect::<Vec<_>>(),
        "suicide": r.try_get::<i64, _>("suicide")? != 0,
        "urgency": urgency_name(r.try_get("urgency_rank")?),
        "checklist": serde_json::from_str::<Value>(&r.try_get::<String, _>("checklist")?).unwrap_or(Value::Null),
        "minor": r.try_get::<i64, _>("minor")? != 0,
        "region": r.try_get::<String, _>("region")?,
        "report_count": r.try_get::<i64, _>("report_count")?,
        "reporters": reporters,
        "reporter_users": reporter_users,
        "excerpt": r.try_get::<String, _>("excerpt")?,
        "first_reported_at": r.try_get::<String, _>("first_reported_at")?,
        "last_reported_at": r.try_get::<String, _>("last_reported_at")?,
        "updated_at": r.try_get::<String, _>("updated_at")?,
        "held": r.try_get::<i64, _>("held_n")? > 0,
        "takedown_state": r.try_get::<Option<String>, _>("td_state")?,
    }))
}

#[derive(Deserialize)]
pub struct ListQuery {
    category: Option<String>,
    status: Option<String>,
    unit: Option<String>,
    reporter: Option<i64>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn list(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    let mut f = Filter::default();
    scope_filter(&c, &mut f);
    if let Some(cat) = q.category.as_deref().filter(|s| !s.is_empty()) {
        if !CATEGORIES.contains(&cat) {
            return Err(ApiError::BadRequest(format!("unknown category {cat:?}")));
        }
        f.push(
            "(' ' || c.categories || ' ') LIKE ?",
            Arg::S(format!("% {cat} %")),
        );
    }
    if let Some(u) = q.unit.as_deref().filter(|s| !s.is_empty()) {
        f.push("c.unit = ?", Arg::S(u.to_string()));
    }
    if let Some(r) = q.reporter {
        f.push(
            "EXISTS (SELECT 1 FROM submissions sr WHERE sr.case_id = c.id AND sr.user_id = ?)",
            Arg::I(r),
        );
    }
    let counts_sql = format!(
        "SELECT c.status, COUNT(*) FROM cases c WHERE {} GROUP BY c.status",
        f.sql()
    );
    let counts = f.query(&counts_sql).fetch_all(&state.db.read).await?;
    let mut by_status = serde_json::Map::new();
    for s in ["new", "approved", "returned", "done"] {
        by_status.insert(s.into(), json!(0));
    }
    for r in &counts {
        by_status.insert(r.try_get::<String, _>(0)?, json!(r.try_get::<i64, _>(1)?));
    }
    if let Some(s) = q.status.as_deref().filter(|s| !s.is_empty()) {
        f.push("c.status = ?", Arg::S(s.to_string()));
    }
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    };
    let total_sql = format!("SELECT COUNT(*) FROM cases c WHERE {}", f.sql());
    let total: i64 = f
        .query(&total_sql)
        .fetch_one(&state.db.read)
        .await?
        .try_get(0)?;
    // Suicide first (a life may depend on minutes), then urgency, then the latest report.
    let sql = format!(
        "SELECT {CASE_COLS} FROM cases c WHERE {} ORDER BY c.suicide DESC, c.urgency_rank DESC, c.last_reported_at DESC, c.id DESC LIMIT {} OFFSET {}",
        f.sql(),
        page.limit(),
        page.offset()
    );
    let rows = f.query(&sql).fetch_all(&state.db.read).await?;
    let mut items = Vec::new();
    for r in &rows {
        items.push(summary_json(&state.db.read, r).await?);
    }
    Ok(Json(
        json!({"total": total, "limit": page.limit(), "offset": page.offset(), "items": items, "counts": {"by_status": by_status}}),
    ))
}

/// The case row if the caller may see it; a case outside the caller's reach is refused (and audited as such).
pub async fn visible_case(state: &Shared, c: &Caller, id: i64) -> ApiResult<AnyRow> {
    let sql = format!("SELECT {CASE_COLS}, c.post_text, c.author_handle, c.posted_at, c.analysis FROM cases c WHERE c.id = $1");
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&state.db.read)
        .await?
        .ok_or(ApiError::NotFound)?;
    if c.scope != Scope::All && row.try_get::<String, _>("unit")? != c.unit {
        return Err(ApiError::Forbidden("他の所属の事案は閲覧できません".into()));
    }
    Ok(row)
}

pub async fn case_json(state: &Shared, c: &Caller, id: i64) -> ApiResult<Value> {
    let r = visible_case(state, c, id).await?;
    let mut v = summary_json(&state.db.read, &r).await?;
    let norm: String = r.try_get("normalized_url")?;
    let events = sqlx::query("SELECT at_utc, actor, role, action, from_status, to_status, comment FROM case_events WHERE case_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&state.db.read)
        .await?;
    let events: Vec<Value> = events
        .iter()
        .map(|e| {
            json!({"at": e.try_get::<String, _>("at_utc").unwrap_or_default(), "actor": e.try_get::<String, _>("actor").unwrap_or_default(),
                   "role": e.try_get::<String, _>("role").unwrap_or_default(), "action": e.try_get::<String, _>("action").unwrap_or_default(),
                   "from": e.try_get::<String, _>("from_status").unwrap_or_default(), "to": e.try_get::<String, _>("to_status").unwrap_or_default(),
                   "comment": e.try_get::<Option<String>, _>("comment").ok().flatten()})
        })
        .collect();
    let warnings = sqlx::query("SELECT id, case_id, category, doubtful, replied_at, reply_url, by_name, unit FROM warnings WHERE case_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&state.db.read)
        .await?;
    let warnings: Vec<Value> = warnings.iter().map(warning_json).collect();
    let status: String = r.try_get("status")?;
    let m = v
        .as_object_mut()
        .ok_or_else(|| ApiError::Internal("case json".into()))?;
    m.insert("text".into(), json!(r.try_get::<String, _>("post_text")?));
    m.insert(
        "author_handle".into(),
        json!(r.try_get::<Option<String>, _>("author_handle")?),
    );
    m.insert(
        "posted_at".into(),
        json!(r.try_get::<Option<String>, _>("posted_at")?),
    );
    m.insert(
        "analysis".into(),
        serde_json::from_str::<Value>(&r.try_get::<String, _>("analysis")?).unwrap_or(Value::Null),
    );
    m.insert(
        "submissions".into(),
        Value::Array(of_case(state, c, id).await?),
    );
    m.insert("events".into(), Value::Array(events));
    m.insert("warnings".into(), Value::Array(warnings));
    m.insert(
        "hold".into(),
        holds::active_json(&state.db.read, &norm)
            .await?
            .unwrap_or(Value::Null),
    );
    m.insert(
        "takedowns".into(),
        Value::Array(takedowns::of_url(state, &norm).await?),
    );
    m.insert(
        "provider".into(),
        providers::for_host(&state.db.read, &urlnorm::host(&norm))
            .await?
            .unwrap_or(Value::Null),
    );
    // 001 §5(3): a doubtful warning waits for the responsible officer's approval.
    m.insert(
        "approval_required_for_doubtful_warning".into(),
        json!(status != "approved" && status != "done"),
    );
    Ok(v)
}

fn warning_json(w: &AnyRow) -> Value {
    json!({"id": w.try_get::<i64, _>("id").unwrap_or(0), "case_id": w.try_get::<i64, _>("case_id").unwrap_or(0),
           "category": w.try_get::<String, _>("category").unwrap_or_default(), "doubtful": w.try_get::<i64, _>("doubtful").unwrap_or(0) != 0,
           "replied_at": w.try_get::<String, _>("replied_at").unwrap_or_default(), "reply_url": w.try_get::<Option<String>, _>("reply_url").ok().flatten(),
           "by": w.try_get::<String, _>("by_name").unwrap_or_default(), "unit": w.try_get::<String, _>("unit").unwrap_or_default()})
}

pub async fn read(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    Ok(audited(
        format!("case:{id}"),
        Json(case_json(&state, &c, id).await?),
    ))
}

#[derive(Deserialize, Default)]
pub struct Review {
    comment: Option<String>,
}

async fn transition(
    state: &Shared,
    c: &Caller,
    id: i64,
    action: &str,
    from: &[&str],
    to: &str,
    comment: Option<String>,
) -> ApiResult<Response> {
    let row = visible_case(state, c, id).await?;
    let unit: String = row.try_get("unit")?;
    if c.scope != Scope::All && unit != c.unit {
        return Err(ApiError::Forbidden("他の所属の事案は審査できません".into()));
    }
    let comment = comment
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if comment.as_ref().is_some_and(|s| s.chars().count() > 4000) {
        return Err(ApiError::invalid("コメントは4000字までです"));
    }
    let mut tx = state.db.write.begin().await?;
    let status: String = sqlx::query("SELECT status FROM cases WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    if !from.contains(&status.as_str()) {
        return Err(ApiError::Conflict {
            code: "invalid_transition",
            message_ja: format!("状態「{status}」の事案には「{action}」を行えません"),
            detail: Some(json!({"status": status})),
        });
    }
    sqlx::query("UPDATE cases SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(to)
        .bind(time::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    event(&mut tx, id, c, action, &status, to, comment.as_deref()).await?;
    tx.commit().await?;
    Ok(audited(
        format!("case:{id}"),
        Json(case_json(state, c, id).await?),
    ))
}

pub async fn approve(
    State(s): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<Review>,
) -> ApiResult<Response> {
    transition(
        &s,
        &c,
        id,
        "approve",
        &["new", "returned"],
        "approved",
        b.comment,
    )
    .await
}

pub async fn return_case(
    State(s): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<Review>,
) -> ApiResult<Response> {
    if b.comment.as_deref().map(str::trim).unwrap_or("").is_empty() {
        return Err(ApiError::invalid("差し戻しにはコメントが必要です"));
    }
    transition(
        &s,
        &c,
        id,
        "return",
        &["new", "approved"],
        "returned",
        b.comment,
    )
    .await
}

pub async fn done(
    State(s): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<Review>,
) -> ApiResult<Response> {
    transition(&s, &c, id, "done", &["approved"], "done", b.comment).await
}

/// Why a warning for `category` on this case is doubtful (empty: clear-cut).
pub fn doubt_reasons(analysis: &Value, category: &str, case_categories: &str) -> Vec<String> {
    let mut r = Vec::new();
    if !case_categories.split_whitespace().any(|c| c == category) {
        r.push(format!("分類 {category} は解析結果にありません"));
    }
    if category.starts_with("child_")
        && analysis.get("minor").and_then(Value::as_bool) != Some(true)
    {
        r.push("児童であるとの判断がありません".into());
    }
    if analysis["urgency"]["doubt"]
        .as_array()
        .is_some_and(|a| !a.is_empty())
    {
        r.push("疑いを生じさせる記載があります".into());
    }
    let conf = analysis["flags"].as_array().and_then(|fs| {
        fs.iter()
            .filter(|f| f["category"] == category)
            .filter_map(|f| f["confidence"].as_f64())
            .reduce(f64::max)
    });
    if conf.is_some_and(|c| c < 0.8) {
        r.push("解析の確信度が低いです".into());
    }
    r
}

#[derive(Deserialize)]
pub struct WarningReq {
    category: String,
    #[serde(default)]
    doubtful: bool,
    replied_at: Option<String>,
    reply_url: Option<String>,
}

pub async fn warning(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(id): Path<i64>,
    JsonBody(w): JsonBody<WarningReq>,
) -> ApiResult<Response> {
    let row = visible_case(&state, &c, id).await?;
    if !CATEGORIES.contains(&w.category.as_str()) {
        return Err(ApiError::invalid(format!("未知の分類です: {}", w.category)));
    }
    let replied_at = match &w.replied_at {
        Some(t) => time::normalize(t).map_err(ApiError::invalid)?,
        None => time::now(),
    };
    let mut tx = state.db.write.begin().await?;
    let status: String = sqlx::query("SELECT status FROM cases WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    // 001 §5(3): the server decides whether the warning is doubtful from what it stored; the client can only add
    // doubt, never remove it.
    let analysis: Value =
        serde_json::from_str(&row.try_get::<String, _>("analysis")?).unwrap_or(Value::Null);
    let case_cats: String = row.try_get("categories")?;
    let mut reasons = doubt_reasons(&analysis, &w.category, &case_cats);
    if w.doubtful {
        reasons.push("担当者が判断に迷うとしました".into());
    }
    let doubtful = !reasons.is_empty();
    if doubtful && status != "approved" && status != "done" {
        return Err(ApiError::Conflict {
            code: "approval_required",
            message_ja: "判断に迷う警告は、責任者の承認を得てから行ってください（001 §5(3)）。"
                .into(),
            detail: Some(json!({"status": status, "reasons": reasons})),
        });
    }
    let wid: i64 = sqlx::query(
        "INSERT INTO warnings (case_id, category, doubtful, replied_at, reply_url, user_id, by_name, unit) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(id)
    .bind(&w.category)
    .bind(doubtful as i64)
    .bind(&replied_at)
    .bind(&w.reply_url)
    .bind(c.id)
    .bind(&c.name)
    .bind(&c.unit)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    event(
        &mut tx,
        id,
        &c,
        "warning",
        &status,
        &status,
        Some(&format!("警告: {}", w.category)),
    )
    .await?;
    tx.commit().await?;
    let _ = row;
    let w = sqlx::query("SELECT id, case_id, category, doubtful, replied_at, reply_url, by_name, unit FROM warnings WHERE id = $1")
        .bind(wid)
        .fetch_one(&state.db.write)
        .await?;
    Ok(audited(
        format!("case:{id} warning:{wid}"),
        (StatusCode::CREATED, Json(warning_json(&w))),
    ))
}
