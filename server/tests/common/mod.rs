//! The harness shared by the API tests: the app in-process on a fresh SQLite file, or on a fresh PostgreSQL
//! database when `PATROL_TEST_POSTGRES` names a server (the same scenarios run on both).
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use patrol_server::{app, db::Db, AppState, Config, Shared};
use serde_json::Value;
use std::sync::atomic::{AtomicU32, Ordering};
use tower::ServiceExt;

static N: AtomicU32 = AtomicU32::new(0);

pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        nanos
    )
}

#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub app: Router,
    pub state: Shared,
    pub url: String,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
    pub fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or("").to_string()
    }
}

/// A fresh database URL of the kind, or None when PostgreSQL is not configured.
pub async fn fresh_url(kind: Kind) -> Option<String> {
    match kind {
        Kind::Sqlite => {
            let p = std::env::temp_dir().join(format!("{}.db", unique("patrol_test")));
            Some(format!("sqlite://{}", p.display()))
        }
        Kind::Postgres => {
            let admin = std::env::var("PATROL_TEST_POSTGRES")
                .ok()
                .filter(|s| !s.is_empty())?;
            let name = unique("t").to_lowercase();
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&admin)
                .await
                .expect("PATROL_TEST_POSTGRES reachable");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await
                .expect("create database");
            pool.close().await;
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin);
            Some(format!("{base}/{name}"))
        }
    }
}

impl TestApp {
    pub async fn new(kind: Kind) -> Option<TestApp> {
        Self::with_config(
            kind,
            Config {
                rate_per_sec: 0,
                ..Config::default()
            },
        )
        .await
    }

    pub async fn with_config(kind: Kind, config: Config) -> Option<TestApp> {
        let url = fresh_url(kind).await?;
        let db = Db::connect(&url).await.expect("connect");
        let state = AppState::new(db, config).await.expect("state");
        Some(TestApp {
            app: app(state.clone()),
            state,
            url,
        })
    }

    pub async fn user(&self, name: &str, role: &str, unit: &str) -> String {
        patrol_server::auth::create_user(&self.state.db, name, role, unit)
            .await
            .expect("user")
            .1
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = match body {
            Some(v) => b
                .header("content-type", "application/json")
                .body(Body::from(serde_json::to_vec(v).expect("json"))),
            None => b.body(Body::empty()),
        }
        .expect("request");
        let resp = self.app.clone().oneshot(req).await.expect("response");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Resp {
            status,
            headers,
            bytes,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.send("GET", path, Some(token), None, &[]).await
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Resp {
        self.send("POST", path, Some(token), Some(body), &[]).await
    }

    /// The newest audit entries (outcome, action, user name, status).
    pub async fn last_audit(&self, n: i64) -> Vec<(String, String, Option<String>, i64)> {
        use sqlx::Row;
        sqlx::query(&format!(
            "SELECT outcome, action, user_name, status FROM audit ORDER BY id DESC LIMIT {n}"
        ))
        .fetch_all(&self.state.db.read)
        .await
        .expect("audit")
        .iter()
        .map(|r| {
            (
                r.get::<String, _>(0),
                r.get::<String, _>(1),
                r.get::<Option<String>, _>(2),
                r.get::<i64, _>(3),
            )
        })
        .collect()
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql)
            .fetch_one(&self.state.db.read)
            .await
            .expect(sql)
            .get::<i64, _>(0)
    }
}

/// The golden intact case (tests/evidence/chain/intact_folder) as a submission's `evidence` member: its log and
/// every artefact, base64.
pub fn golden_evidence() -> Value {
    use base64::Engine;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/evidence/chain/intact_folder/case");
    let log: Vec<Value> = std::fs::read_to_string(dir.join("log.jsonl"))
        .expect("golden log")
        .lines()
        .map(|l| serde_json::from_str(l).expect("entry"))
        .collect();
    let mut artefacts = serde_json::Map::new();
    for e in &log {
        if let Some(name) = e["ref"]["name"].as_str() {
            let bytes = std::fs::read(dir.join(name)).expect("artefact");
            artefacts.insert(
                name.to_string(),
                Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)),
            );
        }
    }
    serde_json::json!({"log": log, "artefacts": artefacts})
}

/// A submission body as the extension sends it.
pub fn submission(
    key: &str,
    kind: &str,
    url: &str,
    text: &str,
    categories: &[&str],
    level: &str,
) -> Value {
    serde_json::json!({
        "idempotency_key": key,
        "kind": kind,
        "post": {"site": "x", "url": url, "text": text, "author_handle": "@someone", "media": [], "profile": ""},
        "analysis": {"categories": categories, "minor": false, "region": "in", "inquiry": level == "high",
                     "urgency": {"level": level, "timing": if level == "none" { vec![] } else { vec![serde_json::json!({"start": 0, "end": 2})] },
                                 "specific": [], "explicit": [{"start": 5, "end": 10}], "doubt": []}},
        "note": "巡回中に発見"
    })
}

/// Without a PostgreSQL server the PostgreSQL run is skipped locally, but in CI (`CI` set) it fails.
pub fn skip_postgres() {
    if std::env::var_os("CI").is_some() {
        panic!("CI is set but PATROL_TEST_POSTGRES is not: the PostgreSQL run must not be skipped");
    }
    eprintln!("PATROL_TEST_POSTGRES not set: PostgreSQL run skipped");
}

/// Runs one scenario on SQLite and (if configured) PostgreSQL.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::common::TestApp::new($crate::common::Kind::Sqlite)
                    .await
                    .expect("sqlite");
                super::$name(&app).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match $crate::common::TestApp::new($crate::common::Kind::Postgres).await {
                    Some(app) => super::$name(&app).await,
                    None => $crate::common::skip_postgres(),
                }
            }
        }
    };
}
