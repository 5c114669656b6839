//! The provider directory (003 §4(4)): site/domain → provider, department, phone, fax, used to address inquiries.
//! Every change is kept with who made it and the values before and after.

use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult};
use crate::routes::{audited, page, Filter, PageQuery};
use crate::{time, Shared};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

const COLS: &str =
    "id, domain, name, department, phone, fax, email, address, note, updated_at, updated_by";

fn provider_json(r: &AnyRow) -> Value {
    let o = |k: &str| r.try_get::<Option<String>, _>(k).ok().flatten();
    json!({"id": r.try_get::<i64, _>("id").unwrap_or(0), "domain": o("domain"), "name": o("name"), "department": o("department"),
           "phone": o("phone"), "fax": o("fax"), "email": o("email"), "address": o("address"), "note": o("note"),
           "updated_at": o("updated_at"), "updated_by": o("updated_by")})
}

/// The entry for a host or its nearest parent domain (bbs.example.jp → example.jp).
pub async fn for_host(db: &sqlx::AnyPool, host: &str) -> ApiResult<Option<Value>> {
    let mut h = host.to_ascii_lowercase();
    loop {
        if let Some(r) = sqlx::query(&format!("SELECT {COLS} FROM providers WHERE domain = $1"))
            .bind(&h)
            .fetch_optional(db)
            .await?
        {
            return Ok(Some(provider_json(&r)));
        }
        match h.split_once('.') {
            Some((_, rest)) if rest.contains('.') => h = rest.to_string(),
            _ => return Ok(None),
        }
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    domain: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn list(
    State(state): State<Shared>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    let p = PageQuery {
        limit: q.limit,
        offset: q.offset,
    };
    if let Some(d) = q.domain.as_deref().filter(|d| !d.is_empty()) {
        let found = for_host(&state.db.read, d).await?;
        let n = found.is_some() as i64;
        return Ok(page(found.into_iter().collect(), n, &p));
    }
    let f = Filter::default();
    let total: i64 = f
        .query("SELECT COUNT(*) FROM providers")
        .fetch_one(&state.db.read)
        .await?
        .try_get(0)?;
    let sql = format!(
        "SELECT {COLS} FROM providers ORDER BY domain LIMIT {} OFFSET {}",
        p.limit(),
        p.offset()
    );
    let rows = f.query(&sql).fetch_all(&state.db.read).await?;
    Ok(page(rows.iter().map(provider_json).collect(), total, &p))
}

#[derive(Deserialize)]
pub struct ProviderReq {
    domain: String,
    name: String,
    department: Option<String>,
    phone: Option<String>,
    fax: Option<String>,
    email: Option<String>,
    address: Option<String>,
    note: Option<String>,
}

fn clean(p: &ProviderReq) -> ApiResult<String> {
    let d = p
        .domain
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_ascii_lowercase();
    if d.is_empty() || d.contains(['/', ' ', '?']) || p.name.trim().is_empty() {
        return Err(ApiError::invalid(
            "ドメインと事業者名は必須です（例: x.com）",
        ));
    }
    Ok(d)
}

async fn log_change(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    c: &Caller,
    action: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> ApiResult<()> {
    sqlx::query("INSERT INTO provider_changes (provider_id, at_utc, by_name, action, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(time::now())
        .bind(c.label())
        .bind(action)
        .bind(before.map(|v| v.to_string()))
        .bind(after.map(|v| v.to_string()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn fetch(tx: &mut Transaction<'_, Any>, id: i64) -> ApiResult<Option<Value>> {
    Ok(
        sqlx::query(&format!("SELECT {COLS} FROM providers WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .as_ref()
            .map(provider_json),
    )
}

pub async fn create(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    JsonBody(p): JsonBody<ProviderReq>,
) -> ApiResult<Response> {
    let domain = clean(&p)?;
    let mut tx = state.db.write.begin().await?;
    if sqlx::query("SELECT id FROM providers WHERE domain = $1")
        .bind(&domain)
        .fetch_optional(&mut *tx)
        .await?
        .is_some()
    {
        return Err(ApiError::conflict(
            "duplicate",
            format!("{domain} は既に登録されています。変更してください。"),
        ));
    }
    let id: i64 = sqlx::query(
        "INSERT INTO providers (domain, name, department, phone, fax, email, address, note, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(&domain)
    .bind(p.name.trim())
    .bind(&p.department)
    .bind(&p.phone)
    .bind(&p.fax)
    .bind(&p.email)
    .bind(&p.address)
    .bind(&p.note)
    .bind(time::now())
    .bind(c.label())
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    let after = fetch(&mut tx, id).await?;
    log_change(&mut tx, id, &c, "create", None, after.clone()).await?;
    tx.commit().await?;
    Ok(audited(
        format!("provider:{id}"),
        (StatusCode::CREATED, Json(after)),
    ))
}

pub async fn update(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(id): Path<i64>,
    JsonBody(p): JsonBody<ProviderReq>,
) -> ApiResult<Response> {
    let domain = clean(&p)?;
    let mut tx = state.db.write.begin().await?;
    let before = fetch(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    sqlx::query(
        "UPDATE providers SET domain = $1, name = $2, department = $3, phone = $4, fax = $5, email = $6, address = $7, note = $8, updated_at = $9, updated_by = $10 WHERE id = $11",
    )
    .bind(&domain)
    .bind(p.name.trim())
    .bind(&p.department)
    .bind(&p.phone)
    .bind(&p.fax)
    .bind(&p.email)
    .bind(&p.address)
    .bind(&p.note)
    .bind(time::now())
    .bind(c.label())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let after = fetch(&mut tx, id).await?;
    log_change(&mut tx, id, &c, "update", Some(before), after.clone()).await?;
    tx.commit().await?;
    Ok(audited(format!("provider:{id}"), Json(after)))
}

pub async fn remove(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let mut tx = state.db.write.begin().await?;
    let before = fetch(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    sqlx::query("DELETE FROM providers WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    log_change(&mut tx, id, &c, "delete", Some(before), None).await?;
    tx.commit().await?;
    Ok(audited(
        format!("provider:{id}"),
        StatusCode::NO_CONTENT.into_response(),
    ))
}

pub async fn history(State(state): State<Shared>, Path(id): Path<i64>) -> ApiResult<Response> {
    let rows = sqlx::query("SELECT id, provider_id, at_utc, by_name, action, before_json, after_json FROM provider_changes WHERE provider_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&state.db.read)
        .await?;
    if rows.is_empty() {
        return Err(ApiError::NotFound);
    }
    let parse = |r: &AnyRow, k: &str| {
        r.try_get::<Option<String>, _>(k)
            .ok()
            .flatten()
            .and_then(|s| serde_json::from_str::<Value>(&s).ok())
    };
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({"id": r.try_get::<i64, _>("id").unwrap_or(0), "provider_id": id, "at": r.try_get::<String, _>("at_utc").unwrap_or_default(),
                   "by": r.try_get::<String, _>("by_name").unwrap_or_default(), "action": r.try_get::<String, _>("action").unwrap_or_default(),
                   "before": parse(r, "before_json"), "after": parse(r, "after_json")})
        })
        .collect();
    Ok(audited(format!("provider:{id}"), Json(Value::Array(items))))
}
