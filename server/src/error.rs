//! The one error type of the API, mapped to a status code and a JSON body `{"error", "message_ja", "detail"?}`.
//! Database and internal failures never put driver text, SQL or file paths into the body (the client cannot act
//! on them and they map the server for an attacker); the text goes to the server's standard error instead.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

#[derive(Debug)]
pub enum ApiError {
    BadRequest(String),
    Unauthenticated,
    Forbidden(String),
    Csrf,
    NotFound,
    /// 404 with its own code (e.g. `no_route`).
    NotFoundCode(&'static str),
    Conflict {
        code: &'static str,
        message_ja: String,
        detail: Option<Value>,
    },
    TooLarge(String),
    Invalid {
        code: &'static str,
        message_ja: String,
        detail: Option<Value>,
    },
    RateLimited {
        retry_after_secs: u64,
    },
    Db(sqlx::Error),
    /// A database failure already classified (and logged) elsewhere, e.g. by the audit writer, which answers many
    /// requests from one error. `outcome_unknown`: the handler may have committed before the failure, so the
    /// client must resend with the same idempotency key to learn the outcome.
    Store {
        fault: DbFault,
        outcome_unknown: bool,
    },
    Internal(String),
}

/// What a database failure means for the client: whether waiting and resending can help, and how soon.
/// The extension keeps its queue on any of these and retries with backoff (Retry-After is a hint).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbFault {
    /// The disk (or the file size limit) is full: 507 until an operator frees space.
    Full,
    /// Another process holds the database lock past the busy timeout, or a transaction lost a race: 503.
    Busy,
    /// The database cannot be reached or is restarting; the pool reconnects by itself: 503.
    Unavailable,
    /// Anything else: 500, nothing stored.
    Other,
}

impl DbFault {
    pub fn of(e: &sqlx::Error) -> DbFault {
        match e {
            sqlx::Error::Database(d) => {
                let code = d.code().map(|c| c.into_owned()).unwrap_or_default();
                if code.len() == 5 {
                    // PostgreSQL: a SQLSTATE is always five characters.
                    return match code.as_str() {
                        "53100" => DbFault::Full, // disk_full
                        // serialization_failure, deadlock_detected, lock_not_available, query_canceled
                        "40001" | "40P01" | "55P03" | "57014" => DbFault::Busy,
                        // connection_exception, admin/crash shutdown, cannot_connect_now, insufficient resources
                        c if c.starts_with("08") || c.starts_with("57P") || c.starts_with("53") => {
                            DbFault::Unavailable
                        }
                        _ => DbFault::Other,
                    };
                }
                // SQLite: an (extended) result code, at most four digits; the primary code is the low byte.
                match code.parse::<i64>().map(|n| n & 0xff) {
                    Ok(13) => DbFault::Full,                 // SQLITE_FULL (ENOSPC)
                    Ok(5 | 6) => DbFault::Busy,              // SQLITE_BUSY, SQLITE_LOCKED
                    Ok(8 | 10 | 14) => DbFault::Unavailable, // READONLY, IOERR (e.g. EFBIG), CANTOPEN
                    _ => DbFault::Other,
                }
            }
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => DbFault::Unavailable,
            _ => DbFault::Other,
        }
    }
    pub fn status(self) -> StatusCode {
        match self {
            DbFault::Full => StatusCode::INSUFFICIENT_STORAGE,
            DbFault::Busy | DbFault::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            DbFault::Other => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            DbFault::Full => "storage_full",
            DbFault::Busy => "database_busy",
            DbFault::Unavailable => "database_unavailable",
            DbFault::Other => "database",
        }
    }
    /// Seconds a client should wait before resending.
    pub fn retry_after(self) -> Option<u64> {
        match self {
            DbFault::Full => Some(30),
            DbFault::Busy => Some(2),
            DbFault::Unavailable => Some(5),
            DbFault::Other => None,
        }
    }
    fn message_ja(self, outcome_unknown: bool) -> String {
        let what = match self {
            DbFault::Full => "サーバーの記録領域が満杯です。",
            DbFault::Busy => "データベースが他の処理で使用中です。",
            DbFault::Unavailable => "データベースに接続できません（再起動中の可能性があります）。",
            DbFault::Other => "データベースのエラーです。",
        };
        let then = if outcome_unknown {
            "処理の結果を記録できませんでした。同じ送信をそのまま再送すると結果を確認できます（二重には登録されません）。"
        } else {
            "何も保存されていません。しばらく待ってから再送してください。"
        };
        format!("{what}{then}")
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn invalid(message_ja: impl Into<String>) -> ApiError {
        ApiError::Invalid {
            code: "invalid",
            message_ja: message_ja.into(),
            detail: None,
        }
    }
    pub fn conflict(code: &'static str, message_ja: impl Into<String>) -> ApiError {
        ApiError::Conflict {
            code,
            message_ja: message_ja.into(),
            detail: None,
        }
    }
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Csrf => StatusCode::FORBIDDEN,
            ApiError::NotFound | ApiError::NotFoundCode(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Db(e) => DbFault::of(e).status(),
            ApiError::Store { fault, .. } => fault.status(),
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    fn body(&self) -> Value {
        let (code, msg, detail): (&str, String, Option<Value>) = match self {
            ApiError::BadRequest(m) => (
                "bad_request",
                format!("リクエストの形式が正しくありません: {m}"),
                None,
            ),
            ApiError::Unauthenticated => (
                "unauthenticated",
                "ログインしていないか、トークンが無効です。".into(),
                None,
            ),
            ApiError::Forbidden(m) => (
                "forbidden",
                format!("この操作は許可されていません: {m}"),
                None,
            ),
            ApiError::Csrf => (
                "csrf",
                "CSRFトークンがないか一致しません。ページを再読み込みしてください。".into(),
                None,
            ),
            ApiError::NotFound => (
                "not_found",
                "対象が見つからないか、閲覧の権限がありません。".into(),
                None,
            ),
            ApiError::NotFoundCode(c) => (c, "そのAPIはありません。".into(), None),
            ApiError::Conflict {
                code,
                message_ja,
                detail,
            } => (code, message_ja.clone(), detail.clone()),
            ApiError::TooLarge(m) => ("too_large", format!("大きすぎます: {m}"), None),
            ApiError::Invalid {
                code,
                message_ja,
                detail,
            } => (code, message_ja.clone(), detail.clone()),
            ApiError::RateLimited { .. } => (
                "rate_limited",
                "送信が多すぎます。しばらく待ってから再送してください。".into(),
                None,
            ),
            // `detail.outcome` tells a client whether the request may have taken effect: "not_stored" (the
            // transaction was rolled back or never began) or "unknown" (resend with the same key to find out).
            ApiError::Db(e) => {
                let f = DbFault::of(e);
                (
                    f.code(),
                    f.message_ja(false),
                    Some(json!({"outcome": "not_stored"})),
                )
            }
            ApiError::Store {
                fault,
                outcome_unknown,
            } => (
                fault.code(),
                fault.message_ja(*outcome_unknown),
                Some(json!({"outcome": if *outcome_unknown { "unknown" } else { "not_stored" }})),
            ),
            ApiError::Internal(_) => ("internal", "サーバー内部のエラーです。".into(), None),
        };
        let mut v = json!({"error": code, "message_ja": msg});
        if let Some(d) = detail {
            v["detail"] = d;
        }
        v
    }
    /// The machine code (for the audit log's detail).
    pub fn code(&self) -> String {
        self.body()["error"].as_str().unwrap_or("error").to_string()
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Db(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status(), axum::Json(self.body())).into_response();
        let retry_after = match &self {
            ApiError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            ApiError::Db(e) => DbFault::of(e).retry_after(),
            ApiError::Store { fault, .. } => fault.retry_after(),
            _ => None,
        };
        // What the body leaves out is kept for the operator.
        match &self {
            ApiError::Db(e) => log(format_args!("database error ({}): {e}", self.code())),
            ApiError::Internal(m) => log(format_args!("internal error: {m}")),
            _ => {}
        }
        if let Some(secs) = retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp.extensions_mut().insert(ErrorCode(self.code()));
        resp
    }
}

/// One line on the server's standard error; a closed stderr must not turn an error answer into a panic
/// (`eprintln!` panics when the write fails).
pub fn log(args: std::fmt::Arguments) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "patrol-server: {args}");
}

/// Left on error responses so the audit layer can say why a request failed.
#[derive(Clone, Debug)]
pub struct ErrorCode(pub String);
