//! The route table: every `/api` route with its method and the one policy action it needs. The router is built
//! from handlers registered here; the guard refuses any route missing from the table, and a test checks the table
//! against `server/openapi.json` in both directions.

pub mod admin;
pub mod cases;
pub mod holds;
pub mod lookup;
pub mod profiles;
pub mod providers;
pub mod reports;
pub mod session;
pub mod submissions;
pub mod takedowns;

use crate::error::ApiError;
use crate::policy::Action;
use crate::{audit, guard, Shared};
use axum::extract::DefaultBodyLimit;
use axum::http::{header, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, put};
use axum::{middleware, Json, Router};
use serde_json::json;

pub const OPENAPI: &str = include_str!("../../openapi.json");

/// (method, path as in the OpenAPI document, action).
pub const ROUTES: &[(&str, &str, Action)] = &[
    ("GET", "/api/openapi.json", Action::Public),
    ("GET", "/api/health", Action::Public),
    ("POST", "/api/session", Action::Public),
    ("GET", "/api/session", Action::SessionRead),
    ("DELETE", "/api/session", Action::SessionLogout),
    ("POST", "/api/submissions", Action::SubmissionCreate),
    ("GET", "/api/submissions", Action::SubmissionList),
    ("GET", "/api/submissions/{id}", Action::SubmissionRead),
    (
        "GET",
        "/api/submissions/{id}/artefacts/{name}",
        Action::SubmissionRead,
    ),
    ("GET", "/api/cases", Action::CaseList),
    ("GET", "/api/cases/{id}", Action::CaseRead),
    ("POST", "/api/cases/{id}/approve", Action::CaseReview),
    ("POST", "/api/cases/{id}/return", Action::CaseReview),
    ("POST", "/api/cases/{id}/done", Action::CaseReview),
    ("POST", "/api/cases/{id}/warnings", Action::WarningCreate),
    ("GET", "/api/forms/{id}", Action::SubmissionRead),
    ("GET", "/api/lookup", Action::Lookup),
    ("GET", "/api/holds", Action::HoldRead),
    ("POST", "/api/holds", Action::HoldManage),
    ("POST", "/api/holds/{id}/release", Action::HoldManage),
    ("GET", "/api/takedowns", Action::TakedownRead),
    ("POST", "/api/takedowns", Action::TakedownCreate),
    ("POST", "/api/takedowns/{id}/checks", Action::TakedownUpdate),
    ("GET", "/api/takedowns/overdue", Action::TakedownRead),
    ("GET", "/api/takedowns/export.csv", Action::TakedownExport),
    (
        "GET",
        "/api/takedowns/{id}/foreign-report",
        Action::TakedownRead,
    ),
    ("GET", "/api/providers", Action::ProviderRead),
    ("POST", "/api/providers", Action::ProviderWrite),
    ("PUT", "/api/providers/{id}", Action::ProviderWrite),
    ("DELETE", "/api/providers/{id}", Action::ProviderWrite),
    ("GET", "/api/providers/{id}/history", Action::ProviderRead),
    ("GET", "/api/reports/monthly", Action::ReportRead),
    ("GET", "/api/retention", Action::RetentionManage),
    ("PUT", "/api/retention", Action::RetentionManage),
    ("POST", "/api/retention/purge", Action::RetentionManage),
    ("POST", "/api/site-profiles", Action::ProfilePublish),
    ("GET", "/api/site-profiles/latest", Action::Public),
    ("GET", "/api/site-profiles/public-key", Action::Public),
    ("GET", "/api/users", Action::UserManage),
    ("POST", "/api/users", Action::UserManage),
    ("POST", "/api/users/{id}/disable", Action::UserManage),
    ("GET", "/api/audit", Action::AuditRead),
];

pub fn action_for(method: &Method, path: &str) -> Option<Action> {
    let m = if *method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    ROUTES
        .iter()
        .find(|(rm, rp, _)| *rm == m && *rp == path)
        .map(|r| r.2)
}

/// The methods the route table has for a path (for 405's `Allow`).
pub fn methods_for(path: &str) -> Vec<&'static str> {
    ROUTES
        .iter()
        .filter(|(_, rp, _)| *rp == path)
        .map(|r| r.0)
        .collect()
}

pub fn router(state: Shared) -> Router {
    let api = Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/health", get(health))
        .route(
            "/api/session",
            post(session::login)
                .get(session::read)
                .delete(session::logout),
        )
        .route(
            "/api/submissions",
            post(submissions::create).get(submissions::list),
        )
        .route("/api/submissions/{id}", get(submissions::read))
        .route(
            "/api/submissions/{id}/artefacts/{name}",
            get(submissions::artefact),
        )
        .route("/api/cases", get(cases::list))
        .route("/api/cases/{id}", get(cases::read))
        .route("/api/cases/{id}/approve", post(cases::approve))
        .route("/api/cases/{id}/return", post(cases::return_case))
        .route("/api/cases/{id}/done", post(cases::done))
        .route("/api/cases/{id}/warnings", post(cases::warning))
        .route("/api/forms/{id}", get(submissions::form))
        .route("/api/lookup", get(lookup::lookup))
        .route("/api/holds", get(holds::list).post(holds::create))
        .route("/api/holds/{id}/release", post(holds::release))
        .route(
            "/api/takedowns",
            get(takedowns::list).post(takedowns::create),
        )
        .route("/api/takedowns/{id}/checks", post(takedowns::check))
        .route("/api/takedowns/overdue", get(takedowns::overdue))
        .route("/api/takedowns/export.csv", get(takedowns::export_csv))
        .route(
            "/api/takedowns/{id}/foreign-report",
            get(takedowns::foreign_report),
        )
        .route(
            "/api/providers",
            get(providers::list).post(providers::create),
        )
        .route(
            "/api/providers/{id}",
            put(providers::update).delete(providers::remove),
        )
        .route("/api/providers/{id}/history", get(providers::history))
        .route("/api/reports/monthly", get(reports::monthly))
        .route(
            "/api/retention",
            get(admin::retention_get).put(admin::retention_put),
        )
        .route("/api/retention/purge", post(admin::purge))
        .route("/api/site-profiles", post(profiles::publish))
        .route("/api/site-profiles/latest", get(profiles::latest))
        .route("/api/site-profiles/public-key", get(profiles::public_key))
        .route("/api/users", get(admin::users).post(admin::create_user))
        .route("/api/users/{id}/disable", post(admin::disable_user))
        .route("/api/audit", get(admin::audit))
        .route_layer(middleware::from_fn_with_state(state.clone(), guard::guard))
        .route("/api", any(no_route))
        .route("/api/", any(no_route))
        .route("/api/{*rest}", any(no_route))
        .layer(middleware::from_fn_with_state(state.clone(), audit::layer))
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(middleware::from_fn(crate::reject::json_errors))
        .with_state(state.clone());
    match &state.config.www {
        Some(dir) => api.fallback_service(
            tower::ServiceBuilder::new()
                .layer(middleware::from_fn(static_headers))
                .service(tower_http::services::ServeDir::new(dir)),
        ),
        None => api,
    }
}

/// The inbox's own policy (it carries the same in a `<meta>`, but `frame-ancestors` only works as a header). No
/// page of ours is ever framed — the inbox frames `/api/forms/{id}`, an API response with its own policy.
const INBOX_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; frame-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The demo runs the analyzer as WebAssembly (`'wasm-unsafe-eval'` compiles wasm, it does not allow inline
/// script or `eval`) on pasted, hostile text; its form submits nowhere.
const DEMO_CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Everything else under `www/` (the landing page).
const PAGE_CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The policy sent with a static page (issue 6: no inline script anywhere, never framed).
pub fn page_csp(path: &str) -> &'static str {
    if path.starts_with("/inbox") {
        INBOX_CSP
    } else if path.starts_with("/demo") {
        DEMO_CSP
    } else {
        PAGE_CSP
    }
}

/// Headers for the static pages: never framed, never sniffed, no referrer leaks of case URLs, and revalidated
/// so an update of the pages is picked up.
async fn static_headers(req: axum::extract::Request, next: middleware::Next) -> Response {
    let csp = page_csp(req.uri().path());
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        "content-security-policy",
        header::HeaderValue::from_static(csp),
    );
    h.insert(
        "x-content-type-options",
        header::HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "referrer-policy",
        header::HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    resp
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn health(
    axum::extract::State(state): axum::extract::State<Shared>,
) -> Result<Json<serde_json::Value>, ApiError> {
    sqlx::query("SELECT 1").execute(&state.db.read).await?;
    let backend = match state.db.backend {
        crate::db::Backend::Sqlite => "sqlite",
        crate::db::Backend::Postgres => "postgres",
    };
    Ok(Json(json!({"ok": true, "database": backend})))
}

async fn no_route() -> ApiError {
    ApiError::NotFoundCode("no_route")
}

/// Pagination shared by list routes.
#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl PageQuery {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, 500)
    }
    pub fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).max(0)
    }
}

pub fn page(items: Vec<serde_json::Value>, total: i64, q: &PageQuery) -> Json<serde_json::Value> {
    Json(json!({"total": total, "limit": q.limit(), "offset": q.offset(), "items": items}))
}

/// Names the touched object in the audit log.
pub fn audited<R: IntoResponse>(object: String, r: R) -> Response {
    let mut resp = r.into_response();
    resp.extensions_mut().insert(guard::AuditObject(object));
    resp
}

/// A bind value for queries assembled from optional filters.
#[derive(Clone, Debug)]
pub enum Arg {
    I(i64),
    S(String),
}

/// WHERE clauses with `$n` placeholders numbered as they are added.
#[derive(Default)]
pub struct Filter {
    pub clauses: Vec<String>,
    pub args: Vec<Arg>,
}

impl Filter {
    /// `clause` uses `?` for the one new argument.
    pub fn push(&mut self, clause: &str, arg: Arg) {
        self.args.push(arg);
        self.clauses
            .push(clause.replace('?', &format!("${}", self.args.len())));
    }
    pub fn sql(&self) -> String {
        if self.clauses.is_empty() {
            "1 = 1".into()
        } else {
            self.clauses.join(" AND ")
        }
    }
    pub fn query<'q>(
        &self,
        sql: &'q str,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        let mut q = sqlx::query(sql);
        for a in &self.args {
            q = match a {
                Arg::I(i) => q.bind(*i),
                Arg::S(s) => q.bind(s.clone()),
            };
        }
        q
    }
}
