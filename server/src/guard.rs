//! The one gate every `/api` route passes: find the route's action in the route table, authenticate, consult the
//! policy table, apply the rate limit, and hand the handler a `Caller` carrying the granted scope. Refusals are
//! returned from here (and audited by the outer layer), so no handler can forget a check.

use crate::auth::{identify, Caller};
use crate::error::ApiError;
use crate::policy::{allowed, Action};
use crate::routes::action_for;
use crate::Shared;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// What the audit layer records about the request, left on the response.
#[derive(Clone, Debug, Default)]
pub struct AuditInfo {
    pub caller: Option<(i64, String, String, String)>,
    pub action: String,
    pub object: Option<String>,
}

/// Set by a handler on its response to name the object it touched (e.g. `case:12`).
#[derive(Clone, Debug)]
pub struct AuditObject(pub String);

pub async fn guard(
    State(state): State<Shared>,
    matched: Option<MatchedPath>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = matched
        .as_ref()
        .map(|m| m.as_str().to_string())
        .unwrap_or_default();
    let method = req.method().clone();
    let Some(action) = action_for(&method, &path) else {
        // A known path asked with another method (TRACE, PATCH, …): 405, not an internal error.
        let allow = crate::routes::methods_for(&path);
        if !allow.is_empty() {
            let mut resp = crate::reject::method_not_allowed(&allow);
            resp.extensions_mut().insert(AuditInfo {
                caller: None,
                action: "unrouted".into(),
                object: None,
            });
            return resp;
        }
        // A route that was added without an entry in the route table is refused, not served unguarded.
        let mut resp = ApiError::Internal(format!("route {method} {path} has no policy entry"))
            .into_response();
        resp.extensions_mut().insert(AuditInfo {
            caller: None,
            action: "unrouted".into(),
            object: None,
        });
        return resp;
    };
    let mut info = AuditInfo {
        caller: None,
        action: action.name().to_string(),
        object: None,
    };
    if crate::reject::uri_has_nul(req.uri()) {
        // U+0000 in a path id or a query filter reached PostgreSQL as text and failed there as a 500.
        let e = ApiError::BadRequest("URL に文字コード0（%00）は使えません".into());
        return with_info(e.into_response(), info);
    }
    if action == Action::Public && method == axum::http::Method::POST {
        // Log-in is the one write anyone may send: limited per remote address, so a flood of token guesses
        // costs the database no more than one user's requests.
        let remote = req
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        if let Err(secs) = state.limiter.check(crate::ratelimit::address_key(remote)) {
            return with_info(
                ApiError::RateLimited {
                    retry_after_secs: secs,
                }
                .into_response(),
                info,
            );
        }
    }
    if action != Action::Public {
        let id = match identify(&state.db, req.headers(), &method).await {
            Ok(id) => id,
            Err(e) => return with_info(e.into_response(), info),
        };
        info.caller = Some((
            id.id,
            id.name.clone(),
            id.role.as_str().to_string(),
            id.unit.clone(),
        ));
        let Some(scope) = allowed(id.role, action) else {
            let e = ApiError::Forbidden(format!(
                "{} は {} を行えません",
                id.role.as_str(),
                action.name()
            ));
            return with_info(e.into_response(), info);
        };
        if let Err(secs) = state.limiter.check(id.id) {
            return with_info(
                ApiError::RateLimited {
                    retry_after_secs: secs,
                }
                .into_response(),
                info,
            );
        }
        req.extensions_mut().insert(Caller {
            id: id.id,
            name: id.name,
            role: id.role,
            unit: id.unit,
            scope,
            session: id.session,
            csrf: id.csrf,
        });
    }
    let mut resp = next.run(req).await;
    if let Some(AuditObject(o)) = resp.extensions_mut().remove::<AuditObject>() {
        info.object = Some(o);
    }
    if let Some(AuditInfo {
        caller: Some(c), ..
    }) = resp.extensions().get::<AuditInfo>()
    {
        // login sets the caller it authenticated
        info.caller = Some(c.clone());
    }
    with_info(resp, info)
}

fn with_info(mut resp: Response, info: AuditInfo) -> Response {
    resp.extensions_mut().insert(info);
    resp
}
