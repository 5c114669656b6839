//! The agency endpoint (issue 5): sync from the extension, the supervisors' inbox, holds, providers, takedown
//! tracking, monthly reports, retention and signed site profiles, over SQLite or PostgreSQL.

pub mod audit;
pub mod auth;
pub mod body;
pub mod db;
pub mod error;
pub mod guard;
pub mod policy;
pub mod ratelimit;
pub mod reject;
pub mod retention;
pub mod routes;
pub mod signing;
pub mod time;
pub mod urlnorm;

use std::path::PathBuf;
use std::sync::Arc;

/// Limits and switches; `Config::default()` is what the command line starts with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest request body (413 beyond).
    pub max_body_bytes: usize,
    /// Largest total of evidence artefacts in one submission (413 beyond).
    pub max_evidence_bytes: usize,
    /// Requests per second per user (token or session); burst is twice this. 0 = unlimited.
    pub rate_per_sec: u32,
    /// Mark the session cookie Secure even without `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    /// A takedown still up after this many days is overdue (000 §2(1)).
    pub overdue_days: i64,
    /// Where the static pages live (`/inbox/`, `/demo/`).
    pub www: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_body_bytes: 16 * 1024 * 1024,
            max_evidence_bytes: 8 * 1024 * 1024,
            rate_per_sec: 50,
            secure_cookies: false,
            overdue_days: 2,
            www: None,
        }
    }
}

pub struct AppState {
    pub db: db::Db,
    pub config: Config,
    pub limiter: ratelimit::Limiter,
    pub signer: signing::Signer,
    pub audit: audit::Sink,
}

pub type Shared = Arc<AppState>;

impl AppState {
    pub async fn new(db: db::Db, config: Config) -> Result<Shared, String> {
        let signer = signing::Signer::load_or_create(&db).await?;
        let limiter = ratelimit::Limiter::new(config.rate_per_sec);
        let audit = audit::Sink::spawn(db.clone());
        Ok(Arc::new(AppState {
            db,
            config,
            limiter,
            signer,
            audit,
        }))
    }
}

/// The whole application: `/api` (guarded and audited) and the static pages.
pub fn app(state: Shared) -> axum::Router {
    routes::router(state)
}
