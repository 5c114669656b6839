//! The one error type of the API, mapped to a status code and a JSON body `{"error", "message_ja", "detail"?}`.

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
    Internal(String),
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
            ApiError::Db(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
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
            ApiError::Db(e) => (
                "database",
                "データベースのエラーです。何も保存されていません。再送してください。".into(),
                Some(json!(e.to_string())),
            ),
            ApiError::Internal(m) => (
                "internal",
                "サーバー内部のエラーです。".into(),
                Some(json!(m)),
            ),
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
        if let ApiError::RateLimited { retry_after_secs } = self {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp.extensions_mut().insert(ErrorCode(self.code()));
        resp
    }
}

/// Left on error responses so the audit layer can say why a request failed.
#[derive(Clone, Debug)]
pub struct ErrorCode(pub String);
