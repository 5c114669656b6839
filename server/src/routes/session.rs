//! Browser log-in: the inbox exchanges an API token for a session cookie (HttpOnly, SameSite=Strict, Secure behind
//! TLS) and a CSRF token it must echo on every state-changing request.

use crate::auth::{hash_token, random_token, Caller, SESSION_COOKIE};
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult};
use crate::guard::AuditInfo;
use crate::Shared;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;
use sqlx::Row;

const SESSION_HOURS: i64 = 12;

#[derive(Deserialize)]
pub struct Login {
    token: String,
}

pub async fn login(
    State(state): State<Shared>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Login>,
) -> ApiResult<Response> {
    // A cross-site form can post text/plain without a preflight; JSON it cannot (login CSRF).
    let json_body = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json_body {
        return Err(ApiError::BadRequest(
            "Content-Type must be application/json".into(),
        ));
    }
    let row = sqlx::query(
        "SELECT id, name, role, unit, created_at FROM users WHERE token_hash = $1 AND disabled = 0",
    )
    .bind(hash_token(body.token.trim()))
    .fetch_optional(&state.db.read)
    .await?
    .ok_or(ApiError::Unauthenticated)?;
    let id: i64 = row.try_get("id")?;
    let name: String = row.try_get("name")?;
    let role: String = row.try_get("role")?;
    let unit: String = row.try_get("unit")?;
    let sid = random_token();
    let csrf = random_token();
    let expires = crate::time::fmt(chrono::Utc::now() + chrono::Duration::hours(SESSION_HOURS));
    sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(hash_token(&sid))
        .bind(id)
        .bind(&csrf)
        .bind(crate::time::now())
        .bind(&expires)
        .execute(&state.db.write)
        .await?;
    let tls = state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            == Some("https");
    let cookie = format!(
        "{SESSION_COOKIE}={sid}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
        SESSION_HOURS * 3600,
        if tls { "; Secure" } else { "" }
    );
    let body = json!({"user": {"id": id, "name": name, "role": role, "unit": unit, "disabled": false, "created_at": row.try_get::<String, _>("created_at")?},
                      "csrf_token": csrf, "expires_at": expires});
    let mut resp = (StatusCode::OK, Json(body)).into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| ApiError::Internal(e.to_string()))?,
    );
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.extensions_mut().insert(AuditInfo {
        caller: Some((id, name, role, unit)),
        action: String::new(),
        object: None,
    });
    Ok(resp)
}

pub async fn read(Extension(c): Extension<Caller>) -> ApiResult<Json<serde_json::Value>> {
    Ok(Json(
        json!({"user": {"id": c.id, "name": c.name, "role": c.role.as_str(), "unit": c.unit, "disabled": false},
                   "csrf_token": c.csrf.unwrap_or_default()}),
    ))
}

pub async fn logout(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
) -> ApiResult<Response> {
    if let Some(s) = &c.session {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(s)
            .execute(&state.db.write)
            .await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("patrol_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    Ok(resp)
}
