//! Site profiles: the admin publishes a bundle, the server signs it with its Ed25519 key in the format of
//! docs/architecture.md, and extensions fetch the newest one and check it against the configured public key.

use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult};
use crate::routes::audited;
use crate::{time, Shared};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde_json::{json, Value};
use sqlx::Row;
use std::cmp::Ordering;

/// Dotted versions compare part by part, numerically where both parts are numbers (2026.11.22.10 > 2026.11.22.9).
pub fn cmp_versions(a: &str, b: &str) -> Ordering {
    let pa: Vec<&str> = a.split('.').collect();
    let pb: Vec<&str> = b.split('.').collect();
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (
            pa.get(i).copied().unwrap_or(""),
            pb.get(i).copied().unwrap_or(""),
        );
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            _ => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

pub async fn publish(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    JsonBody(bundle): JsonBody<Value>,
) -> ApiResult<Response> {
    let version = bundle
        .get("version")
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::invalid("version がありません"))?;
    let profiles = bundle
        .get("profiles")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::invalid("profiles がありません"))?;
    if profiles.is_empty() {
        return Err(ApiError::invalid("profiles が空です"));
    }
    let version = version.to_string();
    let signed = state
        .signer
        .sign_bundle(&version, profiles)
        .map_err(|e| ApiError::Invalid {
            code: "invalid_profile",
            message_ja: format!("プロファイルを検証できないため署名しませんでした: {e}"),
            detail: None,
        })?;
    let (payload_b64, signature) = (signed.payload, signed.signature);
    let now = time::now();
    let mut tx = state.db.write.begin().await?;
    let versions = sqlx::query("SELECT version FROM site_profiles")
        .fetch_all(&mut *tx)
        .await?;
    for r in &versions {
        let v: String = r.try_get(0)?;
        if cmp_versions(&version, &v) != Ordering::Greater {
            return Err(ApiError::conflict(
                "not_newer",
                format!("版 {version} は公開済みの版 {v} より新しくありません"),
            ));
        }
    }
    sqlx::query("INSERT INTO site_profiles (version, payload, signature, key_id, published_at, published_by) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&version)
        .bind(&payload_b64)
        .bind(&signature)
        .bind(&state.signer.key_id)
        .bind(&now)
        .bind(c.label())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let v = json!({"key_id": state.signer.key_id, "payload": payload_b64, "signature": signature, "version": version, "published_at": now});
    Ok(audited(
        format!("site-profiles:{version}"),
        (StatusCode::CREATED, Json(v)),
    ))
}

pub async fn latest(State(state): State<Shared>) -> ApiResult<Json<Value>> {
    let rows =
        sqlx::query("SELECT version, payload, signature, key_id, published_at FROM site_profiles")
            .fetch_all(&state.db.read)
            .await?;
    let newest = rows
        .iter()
        .max_by(|a, b| {
            cmp_versions(
                &a.try_get::<String, _>(0).unwrap_or_default(),
                &b.try_get::<String, _>(0).unwrap_or_default(),
            )
        })
        .ok_or(ApiError::NotFound)?;
    Ok(Json(
        json!({"key_id": newest.try_get::<String, _>("key_id")?, "payload": newest.try_get::<String, _>("payload")?,
                   "signature": newest.try_get::<String, _>("signature")?, "version": newest.try_get::<String, _>("version")?,
                   "published_at": newest.try_get::<String, _>("published_at")?}),
    ))
}

pub async fn public_key(State(state): State<Shared>) -> Json<Value> {
    Json(
        json!({"key_id": state.signer.key_id, "algorithm": "Ed25519", "public_key": state.signer.public_key_b64()}),
    )
}
