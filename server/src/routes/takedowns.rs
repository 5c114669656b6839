//! Takedown tracking (000 §2): per URL, requested when and how, re-checks, removed or still up, days outstanding;
//! the overdue list and its CSV for the ICSA address-list hand-off (000 §2(1)); the foreign-administrator report
//! (000 §1(2)イ). A takedown on a held URL is refused with who to contact (000 §1(1)).

use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult};
use crate::policy::Scope;
use crate::routes::{audited, page, Arg, Filter, PageQuery};
use crate::{time, urlnorm, Shared};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::Row;

const COLS: &str = "id, url, normalized_url, case_id, unit, method, requested_at, requested_by, administrator, foreign_admin, admin_country, \
    admin_contact, note, state, last_checked_at, removed_at";
const METHODS: &[&str] = &[
    "form", "email", "phone", "letter", "fax", "x_report", "other",
];

async fn takedown_json(state: &Shared, r: &AnyRow) -> ApiResult<Value> {
    let id: i64 = r.try_get("id")?;
    let requested_at: String = r.try_get("requested_at")?;
    let removed_at: Option<String> = r.try_get("removed_at")?;
    let st: String = r.try_get("state")?;
    let days = time::days_between(&requested_at, removed_at.as_deref());
    let checks = sqlx::query("SELECT checked_at, result, by_name, note FROM takedown_checks WHERE takedown_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&state.db.read)
        .await?;
    let checks: Vec<Value> = checks
        .iter()
        .map(|k| {
            json!({"checked_at": k.try_get::<String, _>("checked_at").unwrap_or_default(), "result": k.try_get::<String, _>("result").unwrap_or_default(),
                   "by": k.try_get::<String, _>("by_name").unwrap_or_default(), "note": k.try_get::<Option<String>, _>("note").ok().flatten()})
        })
        .collect();
    Ok(json!({
        "id": id, "url": r.try_get::<String, _>("url")?, "normalized_url": r.try_get::<String, _>("normalized_url")?,
        "case_id": r.try_get::<Option<i64>, _>("case_id")?, "unit": r.try_get::<String, _>("unit")?, "method": r.try_get::<String, _>("method")?,
        "requested_at": requested_at, "requested_by": r.try_get::<String, _>("requested_by")?,
        "administrator": r.try_get::<Option<String>, _>("administrator")?, "foreign": r.try_get::<i64, _>("foreign_admin")? != 0,
        "admin_country": r.try_get::<Option<String>, _>("admin_country")?, "admin_contact": r.try_get::<Option<String>, _>("admin_contact")?,
        "note": r.try_get::<Option<String>, _>("note")?, "state": st, "last_checked_at": r.try_get::<Option<String>, _>("last_checked_at")?,
        "removed_at": removed_at, "days_outstanding": days, "overdue": st != "removed" && days >= state.config.overdue_days, "checks": checks,
    }))
}

pub async fn of_url(state: &Shared, norm: &str) -> ApiResult<Vec<Value>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLS} FROM takedowns WHERE normalized_url = $1 ORDER BY id"
    ))
    .bind(norm)
    .fetch_all(&state.db.read)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        out.push(takedown_json(state, r).await?);
    }
    Ok(out)
}

fn scope(c: &Caller, f: &mut Filter) {
    if c.scope != Scope::All {
        f.push("unit = ?", Arg::S(c.unit.clone()));
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    state: Option<String>,
    overdue: Option<bool>,
    days: Option<i64>,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn listing(
    state: &Shared,
    c: &Caller,
    q: &ListQuery,
    overdue: bool,
) -> ApiResult<(Vec<Value>, i64, PageQuery)> {
    let mut f = Filter::default();
    scope(c, &mut f);
    if let Some(s) = q.state.as_deref().filter(|s| !s.is_empty()) {
        f.push("state = ?", Arg::S(s.to_string()));
    }
    if overdue {
        let days = q.days.unwrap_or(state.config.overdue_days).max(0);
        f.clauses.push("state <> 'removed'".into());
        f.push("requested_at <= ?", Arg::S(time::days_ago(days)));
    }
    let p = PageQuery {
        limit: q.limit,
        offset: q.offset,
    };
    let total: i64 = f
        .query(&format!("SELECT COUNT(*) FROM takedowns WHERE {}", f.sql()))
        .fetch_one(&state.db.read)
        .await?
        .try_get(0)?;
    let order = if overdue {
        "requested_at ASC"
    } else {
        "id DESC"
    };
    let sql = format!(
        "SELECT {COLS} FROM takedowns WHERE {} ORDER BY {order} LIMIT {} OFFSET {}",
        f.sql(),
        p.limit(),
        p.offset()
    );
    let rows = f.query(&sql).fetch_all(&state.db.read).await?;
    let mut items = Vec::new();
    for r in &rows {
        items.push(takedown_json(state, r).await?);
    }
    Ok((items, total, p))
}

pub async fn list(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    let (items, total, p) = listing(&state, &c, &q, q.overdue.unwrap_or(false)).await?;
    Ok(page(items, total, &p))
}

pub async fn overdue(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    let (items, total, p) = listing(&state, &c, &q, true).await?;
    Ok(page(items, total, &p))
}

/// CSV fields are quoted; a leading = + - @ is prefixed so a spreadsheet never runs page text as a formula.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

pub fn csv_response(name: &str, rows: Vec<Vec<String>>) -> Response {
    let mut out = String::from("\u{feff}");
    for r in rows {
        out.push_str(&r.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        out,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct DaysQuery {
    days: Option<i64>,
}

pub async fn export_csv(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Query(q): Query<DaysQuery>,
) -> ApiResult<Response> {
    let lq = ListQuery {
        state: None,
        overdue: Some(true),
        days: q.days,
        limit: Some(500),
        offset: None,
    };
    let mut rows = vec![[
        "url",
        "domain",
        "administrator",
        "foreign",
        "requested_at",
        "method",
        "days_outstanding",
        "last_checked_at",
        "unit",
        "case_id",
    ]
    .map(String::from)
    .to_vec()];
    let mut offset = 0;
    loop {
        let (items, total, _) = listing(
            &state,
            &c,
            &ListQuery {
                offset: Some(offset),
                ..lq_clone(&lq)
            },
            true,
        )
        .await?;
        for t in &items {
            let s = |k: &str| match &t[k] {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                v => v.to_string(),
            };
            rows.push(vec![
                s("url"),
                urlnorm::host(&s("normalized_url")),
                s("administrator"),
                if t["foreign"] == json!(true) {
                    "yes".into()
                } else {
                    "no".into()
                },
                s("requested_at"),
                s("method"),
                s("days_outstanding"),
                s("last_checked_at"),
                s("unit"),
                s("case_id"),
            ]);
        }
        offset += items.len() as i64;
        if items.is_empty() || offset >= total {
            break;
        }
    }
    let n = rows.len() - 1;
    Ok(audited(
        format!("takedowns:overdue:{n}"),
        csv_response("icsa-handoff.csv", rows),
    ))
}

fn lq_clone(q: &ListQuery) -> ListQuery {
    ListQuery {
        state: q.state.clone(),
        overdue: q.overdue,
        days: q.days,
        limit: q.limit,
        offset: q.offset,
    }
}

#[derive(Deserialize)]
pub struct TakedownReq {
    url: String,
    case_id: Option<i64>,
    method: String,
    requested_at: Option<String>,
    administrator: Option<String>,
    #[serde(default)]
    foreign: bool,
    admin_country: Option<String>,
    admin_contact: Option<String>,
    note: Option<String>,
}

pub async fn create(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    JsonBody(t): JsonBody<TakedownReq>,
) -> ApiResult<Response> {
    let norm = urlnorm::normalize(&t.url)
        .map_err(|e| ApiError::invalid(format!("URL が不正です: {e}")))?;
    if !METHODS.contains(&t.method.as_str()) {
        return Err(ApiError::invalid(format!(
            "依頼方法が不正です: {} ({})",
            t.method,
            METHODS.join(", ")
        )));
    }
    let requested_at = match &t.requested_at {
        Some(s) => time::normalize(s).map_err(ApiError::invalid)?,
        None => time::now(),
    };
    if let Some(cid) = t.case_id {
        // The case must exist, be the caller's to see, and be about this very URL.
        let row = crate::routes::cases::visible_case(&state, &c, cid).await?;
        let case_url: String = row.try_get("normalized_url")?;
        let case_base = case_url
            .split("#no=")
            .next()
            .unwrap_or("")
            .split("#key=")
            .next()
            .unwrap_or("");
        if case_base != norm {
            return Err(ApiError::invalid("事案のURLと削除依頼のURLが一致しません"));
        }
    }
    let mut tx = state.db.write.begin().await?;
    if let Some(h) = sqlx::query("SELECT id, unit, contact, created_at FROM holds WHERE normalized_url = $1 AND released_at IS NULL")
        .bind(&norm)
        .fetch_optional(&mut *tx)
        .await?
    {
        let unit: String = h.try_get("unit")?;
        let contact: String = h.try_get("contact")?;
        // 000 §1(1): holding back is allowed only for an investigation, and then nobody may request the takedown.
        return Err(ApiError::Conflict {
            code: "url_held",
            message_ja: format!("このURLは{unit}が削除依頼不可として登録しています。削除依頼の前に連絡してください: {contact}"),
            detail: Some(json!({"hold_id": h.try_get::<i64, _>("id")?, "unit": unit, "contact": contact, "since": h.try_get::<String, _>("created_at")?})),
        });
    }
    let id: i64 = sqlx::query(
        "INSERT INTO takedowns (normalized_url, url, case_id, unit, method, requested_at, requested_by, administrator, foreign_admin, admin_country, \
         admin_contact, note, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'requested') RETURNING id",
    )
    .bind(&norm)
    .bind(t.url.trim())
    .bind(t.case_id)
    .bind(&c.unit)
    .bind(&t.method)
    .bind(&requested_at)
    .bind(&c.name)
    .bind(&t.administrator)
    .bind(t.foreign as i64)
    .bind(&t.admin_country)
    .bind(&t.admin_contact)
    .bind(&t.note)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    tx.commit().await?;
    let row = sqlx::query(&format!("SELECT {COLS} FROM takedowns WHERE id = $1"))
        .bind(id)
        .fetch_one(&state.db.write)
        .await?;
    Ok(audited(
        format!("takedown:{id}"),
        (
            StatusCode::CREATED,
            Json(takedown_json(&state, &row).await?),
        ),
    ))
}

async fn visible(state: &Shared, c: &Caller, id: i64) -> ApiResult<AnyRow> {
    let row = sqlx::query(&format!("SELECT {COLS} FROM takedowns WHERE id = $1"))
        .bind(id)
        .fetch_optional(&state.db.read)
        .await?
        .ok_or(ApiError::NotFound)?;
    if c.scope != Scope::All && row.try_get::<String, _>("unit")? != c.unit {
        return Err(ApiError::Forbidden("他の所属の削除依頼です".into()));
    }
    Ok(row)
}

#[derive(Deserialize)]
pub struct CheckReq {
    result: String,
    checked_at: Option<String>,
    note: Option<String>,
}

pub async fn check(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(id): Path<i64>,
    JsonBody(k): JsonBody<CheckReq>,
) -> ApiResult<Response> {
    visible(&state, &c, id).await?;
    if k.result != "removed" && k.result != "still_up" {
        return Err(ApiError::invalid("result は removed か still_up です"));
    }
    let at = match &k.checked_at {
        Some(s) => time::normalize(s).map_err(ApiError::invalid)?,
        None => time::now(),
    };
    let mut tx = state.db.write.begin().await?;
    sqlx::query("INSERT INTO takedown_checks (takedown_id, checked_at, result, by_name, note) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(&at)
        .bind(&k.result)
        .bind(&c.name)
        .bind(&k.note)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE takedowns SET state = $1, last_checked_at = $2, removed_at = CASE WHEN $1 = 'removed' THEN COALESCE(removed_at, $2) ELSE NULL END WHERE id = $3")
        .bind(&k.result)
        .bind(&at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let row = sqlx::query(&format!("SELECT {COLS} FROM takedowns WHERE id = $1"))
        .bind(id)
        .fetch_one(&state.db.write)
        .await?;
    Ok(audited(
        format!("takedown:{id}"),
        Json(takedown_json(&state, &row).await?),
    ))
}

pub async fn foreign_report(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let row = visible(&state, &c, id).await?;
    let t = takedown_json(&state, &row).await?;
    let case_id: Option<i64> = row.try_get("case_id")?;
    let mut evidence = Vec::new();
    if let Some(cid) = case_id {
        let arts = sqlx::query("SELECT a.submission_id, a.name, a.sha256 FROM artefacts a JOIN submissions s ON s.id = a.submission_id WHERE s.case_id = $1 ORDER BY a.id")
            .bind(cid)
            .fetch_all(&state.db.read)
            .await?;
        for a in &arts {
            evidence.push(json!({"submission_id": a.try_get::<i64, _>(0)?, "name": a.try_get::<String, _>(1)?, "sha256": a.try_get::<String, _>(2)?}));
        }
    }
    let s = |k: &str| t[k].as_str().unwrap_or("（不明）").to_string();
    let text = format!(
        "海外サイト管理者に関する報告（000 §1(2)イ）\nURL: {}\n管理者: {}\n所在国: {}\n連絡先: {}\n削除依頼日時(UTC): {}（方法: {}）\n経過日数: {}日\n現状: {}\n証拠（画面保存）: {}件",
        s("url"), s("administrator"), s("admin_country"), s("admin_contact"), s("requested_at"), s("method"),
        t["days_outstanding"], if t["state"] == "removed" { "削除済み" } else { "未削除" }, evidence.len()
    );
    let v = json!({"takedown_id": id, "url": t["url"], "administrator": t["administrator"], "admin_country": t["admin_country"],
                   "admin_contact": t["admin_contact"], "requested_at": t["requested_at"], "method": t["method"],
                   "days_outstanding": t["days_outstanding"], "state": t["state"], "case_id": case_id, "evidence": evidence, "text_ja": text});
    Ok(audited(format!("takedown:{id}"), Json(v)))
}
