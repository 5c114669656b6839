//! Every `/api` error is the API's JSON shape `{"error", "message_ja", "detail"?}`, including the ones the
//! framework produces before a handler runs (a path id that is not a number, a query string that does not parse,
//! a method the route does not have). Clients — the extension, the inbox, schemathesis — read one error shape.

use crate::error::ErrorCode;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The largest framework error text kept as `detail` (they are one line).
const MAX_DETAIL: usize = 4096;

/// 405 for a known path asked with a method it does not have, with the `Allow` header listing those it has.
pub fn method_not_allowed(allow: &[&str]) -> Response {
    let allow = allow.join(", ");
    let body = json!({
        "error": "method_not_allowed",
        "message_ja": format!("このAPIはこのメソッドを受け付けません（使えるのは {allow}）。"),
    });
    let mut resp = (StatusCode::METHOD_NOT_ALLOWED, axum::Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&allow) {
        resp.headers_mut().insert(header::ALLOW, v);
    }
    resp.extensions_mut()
        .insert(ErrorCode("method_not_allowed".into()));
    resp
}

/// Whether the path or the query string carries an encoded U+0000 (`%00`), which no text column can store.
pub fn uri_has_nul(uri: &axum::http::Uri) -> bool {
    uri.path().contains("%00") || uri.query().is_some_and(|q| q.contains("%00"))
}

fn code_and_message(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "too_large",
            "大きすぎます: リクエスト本文が上限を超えています",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "このAPIはこのメソッドを受け付けません。",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "bad_request",
            "リクエストの形式が正しくありません: Content-Type が違います",
        ),
        s if s.is_server_error() => ("internal", "サーバー内部のエラーです。"),
        _ => (
            "bad_request",
            "リクエストの形式が正しくありません（パスまたはクエリの値を確認してください）",
        ),
    }
}

/// Rewrites an error response that is not JSON (axum's plain-text rejections) into the API's error shape,
/// keeping its status, headers and extensions (the audit layer's notes).
pub async fn json_errors(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let text = match axum::body::to_bytes(body, MAX_DETAIL).await {
        Ok(b) => String::from_utf8_lossy(&b).trim().to_string(),
        Err(_) => String::new(),
    };
    let (code, message) = code_and_message(status);
    let mut v = json!({"error": code, "message_ja": message});
    if !text.is_empty() {
        v["detail"] = json!(text);
    }
    let bytes = serde_json::to_vec(&v).unwrap_or_default();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    if parts.extensions.get::<ErrorCode>().is_none() {
        parts.extensions.insert(ErrorCode(code.into()));
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encoded_nul_anywhere_in_the_uri_is_found() {
        for (u, nul) in [
            ("/api/cases?unit=a%00b", true),
            ("/api/submissions/1/artefacts/a%00.png", true),
            ("/api/cases?unit=%2500", false),
            ("/api/cases?unit=100", false),
        ] {
            let uri: axum::http::Uri = u.parse().expect("uri");
            assert_eq!(uri_has_nul(&uri), nul, "{u}");
        }
    }

    #[test]
    fn framework_rejections_get_a_code_and_japanese_text() {
        assert_eq!(code_and_message(StatusCode::BAD_REQUEST).0, "bad_request");
        assert_eq!(
            code_and_message(StatusCode::PAYLOAD_TOO_LARGE).0,
            "too_large"
        );
        assert_eq!(
            code_and_message(StatusCode::METHOD_NOT_ALLOWED).0,
            "method_not_allowed"
        );
        assert_eq!(
            code_and_message(StatusCode::INTERNAL_SERVER_ERROR).0,
            "internal"
        );
    }
}
