//! The append-only audit log (privacy by design: every access on the server is logged — reads, writes and
//! refusals). This layer wraps all of `/api`, so a request that matches no route is logged too. If the entry
//! cannot be written, the client gets an error instead of an unlogged answer.

use crate::error::{ApiError, DbFault, ErrorCode};
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

/// An entry as the group-commit writer holds it.
#[derive(Debug, Clone)]
pub struct Record {
    pub at: String,
    pub user: Option<(i64, String, String, String)>,
    pub method: String,
    pub path: String,
    pub action: String,
    pub object: Option<String>,
    pub remote: Option<String>,
    pub status: i64,
    pub outcome: String,
    pub detail: Option<String>,
}

type Job = (Record, tokio::sync::oneshot::Sender<Result<(), DbFault>>);

/// Group commit: requests hand their entry to one writer task, which inserts whatever has queued up in one
/// transaction and then answers each request. Every response still waits until its own entry is committed.
#[derive(Clone)]
pub struct Sink {
    tx: tokio::sync::mpsc::Sender<Job>,
}

impl Sink {
    pub fn spawn(db: crate::db::Db) -> Sink {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Job>(4096);
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while batch.len() < 512 {
                    match rx.try_recv() {
                        Ok(j) => batch.push(j),
                        Err(_) => break,
                    }
                }
                let result = insert_batch(&db, batch.iter().map(|j| &j.0))
                    .await
                    .map_err(|e| {
                        crate::error::log(format_args!("audit log write failed: {e}"));
                        DbFault::of(&e)
                    });
                for (_, reply) in batch {
                    let _ = reply.send(result);
                }
            }
        });
        Sink { tx }
    }

    pub async fn log(&self, r: Record) -> Result<(), DbFault> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let stopped = || {
            crate::error::log(format_args!("audit writer stopped"));
            DbFault::Other
        };
        self.tx.send((r, tx)).await.map_err(|_| stopped())?;
        rx.await.map_err(|_| stopped())?
    }
}

async fn insert_batch<'a>(
    db: &crate::db::Db,
    records: impl Iterator<Item = &'a Record>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write.begin().await?;
    for r in records {
        insert(&mut *tx, r).await?;
    }
    tx.commit().await
}

async fn insert<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    ex: E,
    r: &Record,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit (at_utc, user_id, user_name, role, unit, method, path, action, object, remote, status, outcome, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&r.at)
    .bind(r.user.as_ref().map(|u| u.0))
    .bind(r.user.as_ref().map(|u| u.1.clone()))
    .bind(r.user.as_ref().map(|u| u.2.clone()))
    .bind(r.user.as_ref().map(|u| u.3.clone()))
    .bind(&r.method)
    .bind(&r.path)
    .bind(&r.action)
    .bind(&r.object)
    .bind(&r.remote)
    .bind(r.status)
    .bind(&r.outcome)
    .bind(&r.detail)
    .execute(ex)
    .await
    .map(|_| ())
}

impl Entry<'_> {
    pub fn record(&self) -> Record {
        Record {
            at: crate::time::now(),
            user: self.user.cloned(),
            method: self.method.to_string(),
            path: self.path.to_string(),
            action: self.action.to_string(),
            object: self.object.map(str::to_string),
            remote: self.remote.map(str::to_string),
            status: self.status,
            outcome: self.outcome.to_string(),
            detail: self.detail.map(str::to_string),
        }
    }
}

/// Writes one entry directly (background tasks).
pub async fn write(db: &crate::db::Db, e: Entry<'_>) -> Result<(), sqlx::Error> {
    insert(&db.write, &e.record()).await
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
    // A state change is logged before it can happen: if the outcome entry afterwards cannot be written, this
    // one still records who tried what from where (the log is append-only, so it is a second row, not an update).
    if !matches!(method.as_str(), "GET" | "HEAD") {
        let started = Record {
            at: crate::time::now(),
            user: None,
            method: method.clone(),
            path: path.clone(),
            action: "request".into(),
            object: None,
            remote: remote.clone(),
            status: 0,
            outcome: "started".into(),
            detail: None,
        };
        if let Err(fault) = state.audit.log(started).await {
            // Nothing has run yet: a clear 503/507 and nothing stored.
            return ApiError::Store {
                fault,
                outcome_unknown: false,
            }
            .into_response();
        }
    }
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
    match state.audit.log(entry.record()).await {
        Ok(()) => resp,
        // The handler may have committed: the client resends with the same idempotency key to learn the outcome.
        Err(fault) => ApiError::Store {
            fault,
            outcome_unknown: !matches!(method.as_str(), "GET" | "HEAD"),
        }
        .into_response(),
    }
}
