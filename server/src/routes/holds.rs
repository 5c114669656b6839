//! The holds registry (000 §1(1), §1(2)ア, §4(1)): a URL registered as 削除依頼不可 because a takedown would hinder
//! an investigation. Takedowns on a held URL are refused with who to contact; releasing a hold prompts the takedown.

use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult};
use crate::policy::Scope;
use crate::routes::{audited, page, Filter, PageQuery};
use crate::{time, urlnorm, Shared};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::Row;

const COLS: &str = "id, url, normalized_url, unit, reason, contact, created_by, created_at, released_at, released_by, release_comment";

pub fn hold_json(r: &AnyRow) -> Value {
    let released: Option<String> = r.try_get("released_at").ok().flatten();
    json!({
        "id": r.try_get::<i64, _>("id").unwrap_or(0),
        "url": r.try_get::<String, _>("url").unwrap_or_default(),
        "normalized_url": r.try_get::<String, _>("normalized_url").unwrap_or_default(),
        "unit": r.try_get::<String, _>("unit").unwrap_or_default(),
        "reason": r.try_get::<String, _>("reason").unwrap_or_default(),
        "contact": r.try_get::<String, _>("contact").unwrap_or_default(),
        "created_by": r.try_get::<String, _>("created_by").unwrap_or_default(),
        "created_at": r.try_get::<String, _>("created_at").unwrap_or_default(),
        "active": released.is_none(),
        "released_at": released,
        "released_by": r.try_get::<Option<String>, _>("released_by").ok().flatten(),
        "release_comment": r.try_get::<Option<String>, _>("release_comment").ok().flatten(),
    })
}

/// The active hold on a normalised URL, if any.
pub async fn active(db: &sqlx::AnyPool, norm: &str) -> ApiResult<Option<AnyRow>> {
    Ok(sqlx::query(&format!("SELECT {COLS} FROM holds WHERE normalized_url = $1 AND released_at IS NULL ORDER BY id LIMIT 1"))
        .bind(norm)
        .fetch_optional(db)
        .await?)
}

pub async fn active_json(db: &sqlx::AnyPool, norm: &str) -> ApiResult<Option<Value>> {
    Ok(active(db, norm).await?.as_ref().map(hold_json))
}

#[derive(Deserialize)]
pub struct ListQuery {
    all: Option<bool>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Every unit sees every active hold: the registry exists so that other units do not request a takedown.
pub async fn list(
    State(state): State<Shared>,
    Extension(_c): Extension<Caller>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    let mut f = Filter::default();
    if !q.all.unwrap_or(false) {
        f.clauses.push("released_at IS NULL".into());
    }
    let p = PageQuery {
        limit: q.limit,
        offset: q.offset,
    };
    let total: i64 = f
        .query(&format!("SELECT COUNT(*) FROM holds WHERE {}", f.sql()))
        .fetch_one(&state.db.read)
        .await?
        .try_get(0)?;
    let sql = format!(
        "SELECT {COLS} FROM holds WHERE {} ORDER BY id DESC LIMIT {} OFFSET {}",
        f.sql(),
        p.limit(),
        p.offset()
    );
    let rows = f.query(&sql).fetch_all(&state.db.read).await?;
    Ok(page(rows.iter().map(hold_json).collect(), total, &p))
}

#[derive(Deserialize)]
pub struct HoldReq {
    url: String,
    reason: String,
    contact: String,
}

pub async fn create(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    JsonBody(h): JsonBody<HoldReq>,
) -> ApiResult<Response> {
    let norm = urlnorm::normalize(&h.url)
        .map_err(|e| ApiError::invalid(format!("URL が不正です: {e}")))?;
    if h.reason.trim().is_empty() || h.contact.trim().is_empty() {
        return Err(ApiError::invalid("理由と連絡先は必須です"));
    }
    let mut tx = state.db.write.begin().await?;
    let existing = sqlx::query(
        "SELECT id, unit, contact FROM holds WHERE normalized_url = $1 AND released_at IS NULL",
    )
    .bind(&norm)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(e) = existing {
        let unit: String = e.try_get("unit")?;
        return Err(ApiError::Conflict {
            code: "already_held",
            message_ja: format!("このURLは既に{unit}が削除依頼不可として登録しています。"),
            detail: Some(
                json!({"hold_id": e.try_get::<i64, _>("id")?, "unit": unit, "contact": e.try_get::<String, _>("contact")?}),
            ),
        });
    }
    let id: i64 = sqlx::query(
        "INSERT INTO holds (normalized_url, url, unit, reason, contact, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&norm)
    .bind(h.url.trim())
    .bind(&c.unit)
    .bind(h.reason.trim())
    .bind(h.contact.trim())
    .bind(&c.name)
    .bind(time::now())
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    tx.commit().await?;
    let row = sqlx::query(&format!("SELECT {COLS} FROM holds WHERE id = $1"))
        .bind(id)
        .fetch_one(&state.db.write)
        .await?;
    Ok(audited(
        format!("hold:{id}"),
        (StatusCode::CREATED, Json(hold_json(&row))),
    ))
}

#[derive(Deserialize, Default)]
pub struct ReleaseReq {
    comment: Option<String>,
}

pub async fn release(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(id): Path<i64>,
    JsonBody(r): JsonBody<ReleaseReq>,
) -> ApiResult<Response> {
    let row = sqlx::query(&format!("SELECT {COLS} FROM holds WHERE id = $1"))
        .bind(id)
        .fetch_optional(&state.db.read)
        .await?
        .ok_or(ApiError::NotFound)?;
    let unit: String = row.try_get("unit")?;
    if c.scope != Scope::All && unit != c.unit {
        return Err(ApiError::Forbidden(format!(
            "この保留は{unit}の登録です。解除は登録した所属が行います"
        )));
    }
    let done = sqlx::query("UPDATE holds SET released_at = $1, released_by = $2, release_comment = $3 WHERE id = $4 AND released_at IS NULL")
        .bind(time::now())
        .bind(&c.name)
        .bind(r.comment.as_deref().map(str::trim))
        .bind(id)
        .execute(&state.db.write)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::conflict(
            "already_released",
            "この保留は既に解除されています。",
        ));
    }
    let row = sqlx::query(&format!("SELECT {COLS} FROM holds WHERE id = $1"))
        .bind(id)
        .fetch_one(&state.db.write)
        .await?;
    let norm: String = row.try_get("normalized_url")?;
    let case_id: Option<i64> = sqlx::query("SELECT id FROM cases WHERE normalized_url = $1")
        .bind(&norm)
        .fetch_optional(&state.db.write)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    // 000 §4(1): once the investigative reason ends, request the takedown promptly.
    let prompt = json!({"url": row.try_get::<String, _>("url")?, "case_id": case_id,
                        "message_ja": "保留を解除しました。速やかにサイト管理者へ削除依頼を行ってください（000 §4(1)）。"});
    Ok(audited(
        format!("hold:{id}"),
        Json(json!({"hold": hold_json(&row), "takedown_prompt": prompt})),
    ))
}
