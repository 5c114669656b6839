//! SECURITY.md §3–§4: what the endpoint keeps about credentials and about every access. A stolen copy of the
//! database must not hand out working credentials (tokens and session ids are stored as SHA-256 only), and every
//! read of a report, a case or a lookup leaves an audit entry naming who read what.

mod common;

use axum::http::StatusCode;
use common::{submission, Kind, TestApp};
use serde_json::json;
use sqlx::Row;

const UNIT: &str = "熊本中央署";

/// Everything SQLite has on disk for the database: the main file and its write-ahead log.
fn database_bytes(url: &str) -> Vec<u8> {
    let path = url.trim_start_matches("sqlite://");
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-journal"] {
        if let Ok(b) = std::fs::read(format!("{path}{suffix}")) {
            all.extend_from_slice(&b);
        }
    }
    assert!(!all.is_empty(), "database file {path} readable");
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    hay.windows(n.len()).any(|w| w == n)
}

/// The session id from a `Set-Cookie: patrol_session=…` header.
fn session_id(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|kv| kv.trim().strip_prefix("patrol_session="))
        .expect("patrol_session cookie")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_and_session_ids_are_stored_only_as_sha256() {
    let app = TestApp::new(Kind::Sqlite).await.expect("sqlite");
    // A token made on the command line's path, one made by an admin through the API, and a browser session.
    let admin = app.user("管理者", "admin", "本部").await;
    let made = app
        .post(
            "/api/users",
            &admin,
            &json!({"name": "新人", "role": "supervisor", "unit": UNIT}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let token = made.json()["token"].as_str().expect("token").to_string();
    let login = app
        .send(
            "POST",
            "/api/session",
            None,
            Some(&json!({"token": token})),
            &[],
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text());
    let cookie = login
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("set-cookie")
        .to_string();
    let sid = session_id(&cookie);
    assert_eq!(sid.len(), 64, "a 256-bit session id");
    // The session works (so the secret checked below is a live one)…
    let me = app
        .send(
            "GET",
            "/api/session",
            None,
            None,
            &[("cookie", &format!("patrol_session={sid}"))],
        )
        .await;
    assert_eq!(me.status, StatusCode::OK);
    // …and neither it nor any token is anywhere in the database's bytes; their SHA-256 is.
    let bytes = database_bytes(&app.url);
    for (what, secret) in [
        ("admin token", admin.as_str()),
        ("API-made token", token.as_str()),
        ("session id", sid.as_str()),
    ] {
        assert!(!contains(&bytes, secret), "{what} stored in clear");
        assert!(
            contains(&bytes, &patrol_server::auth::hash_token(secret)),
            "{what}'s SHA-256 is what is stored"
        );
    }
}

/// The newest audit entry: (outcome, action, user_name, object, status).
async fn newest_audit(app: &TestApp) -> (String, String, Option<String>, Option<String>, i64) {
    let r = sqlx::query(
        "SELECT outcome, action, user_name, object, status FROM audit ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.state.db.read)
    .await
    .expect("audit");
    (r.get(0), r.get(1), r.get(2), r.get(3), r.get::<i64, _>(4))
}

async fn every_read_is_audited_with_the_reader_and_the_object(app: &TestApp) {
    let off = app.user("巡査 読取", "officer", UNIT).await;
    let sup = app.user("責任者 読取", "supervisor", UNIT).await;
    let r = app
        .post(
            "/api/submissions",
            &off,
            &submission(
                "audit-read-0001",
                "case",
                "https://x.com/audit_read/status/900",
                "今夜、熊本の大甲橋から飛び降ります",
                &["suicide_notice"],
                "high",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let sub = r.json()["submission_id"].as_i64().expect("submission id");
    let case = r.json()["case_id"].as_i64().expect("case id");
    let reads = [
        (format!("/api/submissions/{sub}"), "submission.read"),
        (format!("/api/cases/{case}"), "case.read"),
        ("/api/cases".to_string(), "case.list"),
        ("/api/submissions".to_string(), "submission.list"),
        (
            "/api/lookup?url=https%3A%2F%2Fx.com%2Faudit_read%2Fstatus%2F900".to_string(),
            "lookup",
        ),
    ];
    for (path, action) in reads {
        let before = app.scalar("SELECT COUNT(*) FROM audit").await;
        let got = app.get(&path, &sup).await;
        assert_eq!(got.status, StatusCode::OK, "{path}: {}", got.text());
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit").await,
            before + 1,
            "{path}: exactly one entry per read"
        );
        let (outcome, act, who, object, status) = newest_audit(app).await;
        assert_eq!(
            (outcome.as_str(), act.as_str(), who.as_deref(), status),
            ("ok", action, Some("責任者 読取"), 200),
            "{path}"
        );
        // A read of one record names it, so "who saw this case" can be answered from the log.
        if path.contains(&format!("/{sub}")) {
            assert!(
                object.as_deref().unwrap_or("").contains(&sub.to_string()),
                "{path}: object {object:?}"
            );
        }
        if path.contains(&format!("/{case}")) {
            assert!(
                object.as_deref().unwrap_or("").contains(&case.to_string()),
                "{path}: object {object:?}"
            );
        }
        if action == "lookup" {
            assert!(
                object.as_deref().unwrap_or("").contains("status/900"),
                "lookup names the URL asked about (normalised): {object:?}"
            );
        }
    }
}

mod reads_audited {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = TestApp::new(Kind::Sqlite).await.expect("sqlite");
        every_read_is_audited_with_the_reader_and_the_object(&app).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Some(app) = TestApp::new(Kind::Postgres).await else {
            return common::skip_postgres();
        };
        every_read_is_audited_with_the_reader_and_the_object(&app).await;
    }
}

/// 002 §5 with 000 §1(1): a closed case past the evidence period loses its evidence, unless a unit holds its URL
/// (削除依頼不可: an investigation may still need it); the report rows and their hashes stay either way.
async fn retention_keeps_the_evidence_of_a_held_url(app: &TestApp) {
    let off = app.user("巡査 保存", "officer", UNIT).await;
    let sup = app.user("責任者 保存", "supervisor", UNIT).await;
    let admin = app.user("管理者 保存", "admin", "本部").await;
    let mut ids = Vec::new();
    for (key, url) in [
        ("ret-held-1", "https://x.com/held_case/status/910"),
        ("ret-free-1", "https://x.com/free_case/status/911"),
    ] {
        let mut body = submission(key, "case", url, "今夜決行", &["suicide_notice"], "high");
        body["evidence"] = common::golden_evidence();
        let r = app.post("/api/submissions", &off, &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        ids.push(r.json()["submission_id"].as_i64().expect("submission id"));
    }
    let hold = app
        .post(
            "/api/holds",
            &sup,
            &json!({"url": "https://x.com/held_case/status/910", "reason": "捜査中", "contact": "生活安全課"}),
        )
        .await;
    assert_eq!(hold.status, StatusCode::CREATED, "{}", hold.text());
    // Both cases closed and older than the evidence period.
    sqlx::query("UPDATE submissions SET received_at = '2024-01-01T00:00:00.000Z'")
        .execute(&app.state.db.write)
        .await
        .expect("age");
    sqlx::query("UPDATE cases SET status = 'done'")
        .execute(&app.state.db.write)
        .await
        .expect("close");
    let r = app.post("/api/retention/purge", &admin, &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let kept = |id: i64| {
        format!("SELECT COUNT(*) FROM submissions WHERE id = {id} AND evidence_log IS NOT NULL")
    };
    assert_eq!(
        app.scalar(&kept(ids[0])).await,
        1,
        "the held URL's evidence is kept"
    );
    assert_eq!(
        app.scalar(&kept(ids[1])).await,
        0,
        "the other closed case's evidence is purged"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM submissions").await,
        2,
        "the reports stay"
    );
    assert!(
        app.scalar("SELECT COUNT(*) FROM audit WHERE action = 'retention.purge'")
            .await
            >= 1,
        "the purge leaves an audit entry"
    );
}

mod held_evidence_kept {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = TestApp::new(Kind::Sqlite).await.expect("sqlite");
        retention_keeps_the_evidence_of_a_held_url(&app).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Some(app) = TestApp::new(Kind::Postgres).await else {
            return common::skip_postgres();
        };
        retention_keeps_the_evidence_of_a_held_url(&app).await;
    }
}
