//! The append-only audit log (privacy by design: every access on the server is logged — reads, writes and
//! refusals). This layer wraps all of `/api`, so a request that matches no route is logged too. If the entry
//! cannot be written, the client gets an error instead of an unlogged answer.

use crate::error::{ApiError, ErrorCode};
use crate::guard::AuditInfo;
use crate::Shared;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

pub struct Entry<'a> {
    pub user: Option<&'a (i64, String, String, String)>,
    pub method: &'a str,
    pub path: &'a str,
    pub action: &'a str,
    pub object: Option<&'a str>,
    pub remote: Option<&'a str>,
    pub status: i64,
    pub outcome: &'a str,
    pub detail: Option<&'a str>,
}

pub async fn write(db: &crate::db::Db, e: Entry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit (at_utc, user_id, user_name, role, unit, method, path, action, object, remote, status, outcome, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(crate::time::now())
    .bind(e.user.map(|u| u.0))
    .bind(e.user.map(|u| u.1.clone()))
    .bind(e.user.map(|u| u.2.clone()))
    .bind(e.user.map(|u| u.3.clone()))
    .bind(e.method)
    .bind(e.path)
    .bind(e.action)
    .bind(e.object)
    .bind(e.remote)
    .bind(e.status)
    .bind(e.outcome)
    .bind(e.detail)
    .execute(&state_write(db))
    .await
    .map(|_| ())
}

fn state_write(db: &crate::db::Db) -> sqlx::AnyPool {
    db.write.clone()
}

pub async fn layer(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let path = match req.uri().query() {
        Some(q) => format!("{}?{}", req.uri().path(), q),
        None => req.uri().path().to_string(),
    };
    let remote = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .or_else(|| {
            req.headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .map(|s| format!("fwd:{s}"))
        });
    let mut resp = next.run(req).await;
    // API answers carry case data: never cached, never sniffed.
    let h = resp.headers_mut();
    h.entry(axum::http::header::CACHE_CONTROL)
        .or_insert(axum::http::HeaderValue::from_static("no-store"));
    h.entry("x-content-type-options")
        .or_insert(axum::http::HeaderValue::from_static("nosniff"));
    let info = resp
        .extensions()
        .get::<AuditInfo>()
        .cloned()
        .unwrap_or_else(|| AuditInfo {
            caller: None,
            action: "unrouted".into(),
            object: None,
        });
    let status = resp.status();
    let outcome = if status.is_success() || status.is_redirection() {
        "ok"
    } else if status.as_u16() == 401 || status.as_u16() == 403 || status.as_u16() == 429 {
        "refused"
    } else {
        "error"
    };
    let detail = resp.extensions().get::<ErrorCode>().map(|c| c.0.clone());
    let entry = Entry {
        user: info.caller.as_ref(),
        method: &method,
        path: &path,
        action: &info.action,
        object: info.object.as_deref(),
        remote: remote.as_deref(),
        status: status.as_u16() as i64,
        outcome,
        detail: detail.as_deref(),
    };
    match write(&state.db, entry).await {
        Ok(()) => resp,
        Err(e) => ApiError::Internal(format!("audit log unavailable: {e}")).into_response(),
    }
}
