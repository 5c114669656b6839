//! Administration: users, retention periods and purges, the audit log.

use crate::auth::{create_user as make_user, Caller};
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult};
use crate::routes::{audited, page, Arg, Filter, PageQuery};
use crate::{retention, Shared};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::BTreeMap;

async fn retention_json(state: &Shared) -> ApiResult<Value> {
    let p = retention::periods(&state.db).await?;
    let last = retention::last_purge(state.db.setting("last_purge").await?);
    Ok(
        json!({"periods": p, "last_purge_at": last.get("at").cloned().unwrap_or(Value::Null), "last_purge": last.get("purged").cloned().unwrap_or(Value::Null)}),
    )
}

pub async fn retention_get(State(state): State<Shared>) -> ApiResult<Json<Value>> {
    Ok(Json(retention_json(&state).await?))
}

#[derive(Deserialize)]
pub struct PeriodsReq {
    periods: BTreeMap<String, i64>,
}

pub async fn retention_put(
    State(state): State<Shared>,
    JsonBody(r): JsonBody<PeriodsReq>,
) -> ApiResult<Response> {
    for (t, d) in &r.periods {
        if !retention::TYPES.contains(&t.as_str()) {
            return Err(ApiError::invalid(format!(
                "未知の記録種別です: {t}（{}）",
                retention::TYPES.join(", ")
            )));
        }
        let min = retention::minimum_days(t);
        if !(min..=3660).contains(d) {
            return Err(ApiError::invalid(format!(
                "{t} の保存期間は{min}〜3660日です"
            )));
        }
    }
    let mut tx = state.db.write.begin().await?;
    for (t, d) in &r.periods {
        sqlx::query("UPDATE retention SET days = $1 WHERE record_type = $2")
            .bind(*d)
            .bind(t)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let obj = format!(
        "retention:{}",
        serde_json::to_string(&r.periods).unwrap_or_default()
    );
    Ok(audited(obj, Json(retention_json(&state).await?)))
}

pub async fn purge(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
) -> ApiResult<Response> {
    let who = (
        c.id,
        c.name.clone(),
        c.role.as_str().to_string(),
        c.unit.clone(),
    );
    let out = retention::purge_audited(&state.db, Some(&who)).await?;
    Ok(audited(
        "retention".into(),
        Json(json!({"purged": out, "at": crate::time::now()})),
    ))
}

fn user_json(r: &AnyRow) -> Value {
    json!({"id": r.try_get::<i64, _>("id").unwrap_or(0), "name": r.try_get::<String, _>("name").unwrap_or_default(),
           "role": r.try_get::<String, _>("role").unwrap_or_default(), "unit": r.try_get::<String, _>("unit").unwrap_or_default(),
           "disabled": r.try_get::<i64, _>("disabled").unwrap_or(0) != 0, "created_at": r.try_get::<String, _>("created_at").unwrap_or_default()})
}

pub async fn users(
    State(state): State<Shared>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Value>> {
    let total: i64 = sqlx::query("SELECT COUNT(*) FROM users")
        .fetch_one(&state.db.read)
        .await?
        .try_get(0)?;
    let rows = sqlx::query(&format!("SELECT id, name, role, unit, disabled, created_at FROM users ORDER BY id LIMIT {} OFFSET {}", q.limit(), q.offset()))
        .fetch_all(&state.db.read)
        .await?;
    Ok(page(rows.iter().map(user_json).collect(), total, &q))
}

#[derive(Deserialize)]
pub struct NewUser {
    name: String,
    role: String,
    unit: String,
}

pub async fn create_user(
    State(state): State<Shared>,
    JsonBody(u): JsonBody<NewUser>,
) -> ApiResult<Response> {
    let (id, token) = make_user(&state.db, &u.name, &u.role, &u.unit)
        .await
        .map_err(ApiError::invalid)?;
    let row =
        sqlx::query("SELECT id, name, role, unit, disabled, created_at FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(&state.db.write)
            .await?;
    Ok(audited(
        format!("user:{id}"),
        (
            StatusCode::CREATED,
            Json(json!({"user": user_json(&row), "token": token})),
        ),
    ))
}

pub async fn disable_user(State(state): State<Shared>, Path(id): Path<i64>) -> ApiResult<Response> {
    let mut tx = state.db.write.begin().await?;
    let n = sqlx::query("UPDATE users SET disabled = 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(ApiError::NotFound);
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let row =
        sqlx::query("SELECT id, name, role, unit, disabled, created_at FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(&state.db.write)
            .await?;
    Ok(audited(format!("user:{id}"), Json(user_json(&row))))
}

#[derive(Deserialize)]
pub struct AuditQuery {
    user_id: Option<i64>,
    action: Option<String>,
    outcome: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn audit(
    State(state): State<Shared>,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Value>> {
    let mut f = Filter::default();
    if let Some(u) = q.user_id {
        f.push("user_id = ?", Arg::I(u));
    }
    if let Some(a) = q.action.as_deref().filter(|s| !s.is_empty()) {
        f.push("action = ?", Arg::S(a.to_string()));
    }
    if let Some(o) = q.outcome.as_deref().filter(|s| !s.is_empty()) {
        f.push("outcome = ?", Arg::S(o.to_string()));
    }
    let p = PageQuery {
        limit: q.limit,
        offset: q.offset,
    };
    let total: i64 = f
        .query(&format!("SELECT COUNT(*) FROM audit WHERE {}", f.sql()))
        .fetch_one(&state.db.read)
        .await?
        .try_get(0)?;
    let sql = format!(
        "SELECT id, at_utc, user_id, user_name, role, unit, method, path, action, object, remote, status, outcome, detail FROM audit WHERE {} ORDER BY id DESC LIMIT {} OFFSET {}",
        f.sql(),
        p.limit(),
        p.offset()
    );
    let rows = f.query(&sql).fetch_all(&state.db.read).await?;
    let o = |r: &AnyRow, k: &str| r.try_get::<Option<String>, _>(k).ok().flatten();
    let items = rows
        .iter()
        .map(|r| {
            json!({"id": r.try_get::<i64, _>("id").unwrap_or(0), "at": o(r, "at_utc"), "user_id": r.try_get::<Option<i64>, _>("user_id").ok().flatten(),
                   "user_name": o(r, "user_name"), "role": o(r, "role"), "unit": o(r, "unit"), "method": o(r, "method"), "path": o(r, "path"),
                   "action": o(r, "action"), "object": o(r, "object"), "remote": o(r, "remote"), "status": r.try_get::<i64, _>("status").unwrap_or(0),
                   "outcome": o(r, "outcome"), "detail": o(r, "detail")})
        })
        .collect();
    Ok(page(items, total, &p))
}
