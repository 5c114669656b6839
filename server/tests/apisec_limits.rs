//! The endpoint under attack (issue 6): limits and the inbox's HTTP surface, in-process on SQLite and PostgreSQL.
//! - request body, evidence size and rate per token each give a clear JSON error (code + Japanese text; 429 with
//!   Retry-After) and nothing is half-written (row counts of every table a submission touches, before and after);
//! - the session cookie's flags, logout ending the session on the server, CSRF on a cookie request, and the
//!   security headers of the static pages (`/inbox/`, `/demo/`, `/`): no inline script, never framed.

mod common;

use axum::http::StatusCode;
use common::{submission, Kind, TestApp};
use patrol_server::Config;
use serde_json::json;

const A: &str = "熊本中央署";

/// Row counts of everything a submission writes.
async fn stored(app: &TestApp) -> [i64; 5] {
    [
        app.scalar("SELECT COUNT(*) FROM submissions").await,
        app.scalar("SELECT COUNT(*) FROM cases").await,
        app.scalar("SELECT COUNT(*) FROM artefacts").await,
        app.scalar("SELECT COUNT(*) FROM forms").await,
        app.scalar("SELECT COUNT(*) FROM case_events").await,
    ]
}

fn is_japanese(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A refusal in the API's one error shape: the status, the code, Japanese text for the officer.
fn assert_error(r: &common::Resp, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    assert_eq!(
        r.headers["content-type"].to_str().unwrap_or(""),
        "application/json"
    );
    assert_eq!(r.error(), code, "{}", r.text());
    let msg = r.json()["message_ja"].as_str().unwrap_or("").to_string();
    assert!(is_japanese(&msg), "message_ja in Japanese: {msg:?}");
}

async fn app_with(kind: Kind, cfg: Config) -> Option<TestApp> {
    let app = TestApp::with_config(kind, cfg).await;
    if app.is_none() {
        common::skip_postgres();
    }
    app
}

async fn an_oversized_body_is_413_and_writes_nothing(kind: Kind) {
    let Some(app) = app_with(
        kind,
        Config {
            max_body_bytes: 32 * 1024,
            rate_per_sec: 0,
            ..Config::default()
        },
    )
    .await
    else {
        return;
    };
    let off = app.user("警察官", "officer", A).await;
    let sup = app.user("責任者", "supervisor", A).await;
    let before = stored(&app).await;
    let mut body = submission(
        "big-body-0001",
        "case",
        "https://x.com/big/status/1",
        "今夜飛び降ります",
        &["suicide_notice"],
        "high",
    );
    body["post"]["text"] = json!("死".repeat(12_000)); // 36 KB of UTF-8
    let r = app.post("/api/submissions", &off, &body).await;
    assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert_eq!(stored(&app).await, before, "nothing half-written");
    // Any route with a body has the same limit and the same answer.
    let r = app
        .post(
            "/api/holds",
            &sup,
            &json!({"url": "https://x.com/h/status/1", "reason": "x".repeat(40_000), "contact": "内線"}),
        )
        .await;
    assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM holds").await, 0);
    // The refusal is logged like any other.
    let last = app.last_audit(1).await;
    assert_eq!((last[0].0.as_str(), last[0].3), ("error", 413), "{last:?}");
    // The same key with a body inside the limit is then accepted: a refused attempt blocks no retry.
    body["post"]["text"] = json!("今夜飛び降ります");
    let r = app.post("/api/submissions", &off, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(stored(&app).await[..2], [before[0] + 1, before[1] + 1]);
}

async fn evidence_over_the_limit_leaves_no_submission_case_or_evidence(kind: Kind) {
    let Some(app) = app_with(
        kind,
        Config {
            max_evidence_bytes: 100,
            rate_per_sec: 0,
            ..Config::default()
        },
    )
    .await
    else {
        return;
    };
    let off = app.user("警察官", "officer", A).await;
    let before = stored(&app).await;
    assert_eq!(before, [0; 5]);
    let mut body = submission(
        "big-evidence-0001",
        "case",
        "https://x.com/ev/status/7",
        "今夜決行",
        &["suicide_notice"],
        "high",
    );
    body["evidence"] = common::golden_evidence();
    body["forms"] = json!([{"form": "provider_inquiry", "html": "<p>照会書</p>"}]);
    let r = app.post("/api/submissions", &off, &body).await;
    assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert_eq!(
        stored(&app).await,
        before,
        "no submission, no case, no evidence, no form, no event"
    );
    // Within the limit the same submission is stored whole (the refusal was the limit, not the data).
    let Some(big) = app_with(
        kind,
        Config {
            max_evidence_bytes: 64 * 1024,
            rate_per_sec: 0,
            ..Config::default()
        },
    )
    .await
    else {
        return;
    };
    let off = big.user("警察官", "officer", A).await;
    let r = big.post("/api/submissions", &off, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let after = stored(&big).await;
    assert_eq!(after[..2], [1, 1]);
    assert!(after[2] >= 2 && after[3] == 1, "{after:?}");
}

async fn the_rate_limit_is_per_token_with_retry_after(kind: Kind) {
    let Some(app) = app_with(
        kind,
        Config {
            rate_per_sec: 2,
            ..Config::default()
        },
    )
    .await
    else {
        return;
    };
    let off = app.user("警察官", "officer", A).await;
    let other = app.user("別の警察官", "officer", A).await;
    // Burst of 4 at 2/s: a quick run of 8 is refused from the fifth on.
    let mut refused = None;
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let r = app.get("/api/session", &off).await;
        statuses.push(r.status.as_u16());
        if r.status == StatusCode::TOO_MANY_REQUESTS && refused.is_none() {
            refused = Some(r);
        }
    }
    let r = refused.unwrap_or_else(|| panic!("no 429 in {statuses:?}"));
    assert!(statuses[..4].iter().all(|s| *s == 200), "{statuses:?}");
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let wait: u64 = r.headers["retry-after"]
        .to_str()
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=2).contains(&wait), "Retry-After {wait}");
    let last = app.last_audit(1).await;
    assert_eq!((last[0].0.as_str(), last[0].3), ("refused", 429));
    // A limited submission writes nothing.
    let before = stored(&app).await;
    let r = app
        .post(
            "/api/submissions",
            &off,
            &submission(
                "rate-0001",
                "case",
                "https://x.com/r/status/1",
                "t",
                &["suicide_notice"],
                "watch",
            ),
        )
        .await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert_eq!(stored(&app).await, before);
    // Per token: another user is not slowed by the first one's flood.
    assert_eq!(app.get("/api/session", &other).await.status, StatusCode::OK);
    // After Retry-After the first one may go on.
    tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    assert_eq!(app.get("/api/session", &off).await.status, StatusCode::OK);
}

async fn login(app: &TestApp, token: &str, headers: &[(&str, &str)]) -> (String, String, String) {
    let r = app
        .send(
            "POST",
            "/api/session",
            None,
            Some(&json!({"token": token})),
            headers,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let set = r.headers["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_string();
    let cookie = set.split(';').next().expect("pair").to_string();
    let csrf = r.json()["csrf_token"].as_str().expect("csrf").to_string();
    (set, cookie, csrf)
}

fn attrs(set_cookie: &str) -> Vec<String> {
    set_cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect()
}

async fn session_cookies_are_httponly_strict_and_logout_ends_them(kind: Kind) {
    let Some(app) = app_with(
        kind,
        Config {
            rate_per_sec: 0,
            ..Config::default()
        },
    )
    .await
    else {
        return;
    };
    let sup = app.user("責任者", "supervisor", A).await;
    let (set, cookie, csrf) = login(&app, &sup, &[]).await;
    let a = attrs(&set);
    assert!(a.contains(&"httponly".into()), "{set}");
    assert!(a.contains(&"samesite=strict".into()), "{set}");
    assert!(a.contains(&"path=/".into()), "{set}");
    assert!(!a.contains(&"secure".into()), "plain http: {set}");
    let (set, _, _) = login(&app, &sup, &[("x-forwarded-proto", "https")]).await;
    assert!(
        attrs(&set).contains(&"secure".into()),
        "behind https: {set}"
    );
    // The session id is stored only hashed.
    let sid = cookie.split_once('=').expect("value").1.to_string();
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM sessions WHERE id_hash = '{sid}'"
        ))
        .await,
        0
    );
    // A state change with the cookie and no CSRF header (what a cross-site form sends) is refused and writes
    // nothing; with the header it goes through.
    let form_post = app
        .send(
            "POST",
            "/api/holds",
            None,
            None,
            &[
                ("cookie", &cookie),
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", "https://evil.example"),
            ],
        )
        .await;
    assert_error(&form_post, StatusCode::FORBIDDEN, "csrf");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM holds").await, 0);
    let hold = json!({"url": "https://x.com/s/status/1", "reason": "捜査中", "contact": "内線"});
    let r = app
        .send(
            "POST",
            "/api/holds",
            None,
            Some(&hold),
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // Logout deletes the session on the server: the same cookie, replayed with its CSRF token, is dead.
    let sessions = app.scalar("SELECT COUNT(*) FROM sessions").await;
    let r = app
        .send(
            "DELETE",
            "/api/session",
            None,
            None,
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(attrs(r.headers["set-cookie"].to_str().unwrap_or("")).contains(&"max-age=0".into()));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sessions").await,
        sessions - 1
    );
    for (m, p) in [("GET", "/api/session"), ("POST", "/api/holds")] {
        let r = app
            .send(
                m,
                p,
                None,
                Some(&hold),
                &[("cookie", &cookie), ("x-csrf-token", &csrf)],
            )
            .await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    // --secure-cookies marks the cookie Secure without a proxy header.
    let Some(secure) = app_with(
        kind,
        Config {
            secure_cookies: true,
            rate_per_sec: 0,
            ..Config::default()
        },
    )
    .await
    else {
        return;
    };
    let sup = secure.user("責任者", "supervisor", A).await;
    let (set, _, _) = login(&secure, &sup, &[]).await;
    assert!(attrs(&set).contains(&"secure".into()), "{set}");
}

/// The directives of a CSP header.
fn directives(csp: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    csp.split(';')
        .filter_map(|d| {
            let mut it = d.split_whitespace();
            let name = it.next()?.to_ascii_lowercase();
            Some((name, it.map(str::to_string).collect()))
        })
        .collect()
}

async fn static_pages_forbid_inline_script_and_framing(kind: Kind) {
    let www = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../www");
    let Some(app) = app_with(
        kind,
        Config {
            www: Some(www),
            rate_per_sec: 0,
            ..Config::default()
        },
    )
    .await
    else {
        return;
    };
    for page in [
        "/inbox/",
        "/demo/",
        "/",
        "/inbox/js/app.js",
        "/demo/demo.js",
    ] {
        let r = app.send("GET", page, None, None, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{page}");
        let csp = r.headers["content-security-policy"]
            .to_str()
            .expect("csp")
            .to_string();
        let d = directives(&csp);
        let scripts = d
            .get("script-src")
            .or_else(|| d.get("default-src"))
            .unwrap_or_else(|| panic!("{page}: no script-src or default-src in {csp}"));
        assert!(
            scripts.iter().all(|s| s != "'unsafe-inline'"
                && s != "'unsafe-eval'"
                && s != "*"
                && !s.starts_with("data:")
                && !s.starts_with("http")),
            "{page}: {csp}"
        );
        assert_eq!(d["frame-ancestors"], ["'none'"], "{page}: {csp}");
        assert_eq!(d["object-src"], ["'none'"], "{page}: {csp}");
        assert_eq!(d["base-uri"], ["'none'"], "{page}: {csp}");
        assert_eq!(r.headers["x-content-type-options"], "nosniff", "{page}");
        assert_eq!(r.headers["referrer-policy"], "no-referrer", "{page}");
    }
    // The pages themselves carry no inline script for the policy to have to allow.
    for page in ["/inbox/", "/demo/", "/"] {
        let html = app.send("GET", page, None, None, &[]).await.text();
        let lower = html.to_ascii_lowercase();
        for (i, _) in lower.match_indices("<script") {
            let tag = &lower[i..i + lower[i..].find('>').unwrap_or(0)];
            assert!(tag.contains(" src="), "{page}: inline script {tag}");
        }
        assert!(
            !lower.contains("javascript:")
                && !lower.contains(" onclick=")
                && !lower.contains(" onload="),
            "{page}"
        );
    }
}

macro_rules! on_both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::Kind::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(super::Kind::Postgres).await;
            }
        }
    };
}

on_both!(an_oversized_body_is_413_and_writes_nothing);
on_both!(evidence_over_the_limit_leaves_no_submission_case_or_evidence);
on_both!(the_rate_limit_is_per_token_with_retry_after);
on_both!(session_cookies_are_httponly_strict_and_logout_ends_them);
on_both!(static_pages_forbid_inline_script_and_framing);

/// Found by schemathesis on PostgreSQL: U+0000 in a query filter, a path segment or a JSON string reached the
/// database as text and failed as a 500 there. Now a clear 400 on both back-ends, audited, nothing written.
async fn a_nul_character_is_a_clear_400_not_a_database_error(kind: Kind) {
    let Some(app) = app_with(
        kind,
        Config {
            rate_per_sec: 0,
            ..Config::default()
        },
    )
    .await
    else {
        return;
    };
    let sup = app.user("責任者", "supervisor", A).await;
    for path in [
        "/api/cases?unit=a%00b",
        "/api/takedowns?state=x%00",
        "/api/submissions/1/artefacts/a%00.png",
        "/api/lookup?url=https%3A%2F%2Fx.com%2Fa%00",
    ] {
        let r = app.get(path, &sup).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
        let last = app.last_audit(1).await;
        assert_eq!(
            (last[0].0.as_str(), last[0].3),
            ("error", 400),
            "{path}: {last:?}"
        );
    }
    let mut body = submission(
        "nul-0001",
        "case",
        "https://x.com/n/status/1",
        "今夜\u{0}飛び降ります",
        &["suicide_notice"],
        "high",
    );
    let r = app.post("/api/submissions", &sup, &body).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(stored(&app).await, [0; 5]);
    // A backslash followed by the text "u0000" is ordinary text and is stored.
    body["post"]["text"] = json!("今夜\\u0000飛び降ります");
    let r = app.post("/api/submissions", &sup, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}
on_both!(a_nul_character_is_a_clear_400_not_a_database_error);

/// A stored form (officer-made HTML, possibly from a tampered client) is served so that it can run nothing,
/// fetch nothing, post nowhere, and be framed only by our own inbox.
async fn stored_forms_can_run_nothing_and_post_nowhere(kind: Kind) {
    let Some(app) = app_with(
        kind,
        Config {
            rate_per_sec: 0,
            ..Config::default()
        },
    )
    .await
    else {
        return;
    };
    let off = app.user("警察官", "officer", A).await;
    let mut body = submission(
        "stored-form-0001",
        "case",
        "https://x.com/f/status/1",
        "今夜決行",
        &["suicide_notice"],
        "high",
    );
    body["forms"] = json!([{"form": "provider_inquiry",
        "html": "<form action='https://evil.example/'><input name=q></form><script>alert(1)</script>"}]);
    let r = app.post("/api/submissions", &off, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let sid = r.json()["submission_id"].as_i64().expect("sid");
    let s = app
        .get(&format!("/api/submissions/{sid}"), &off)
        .await
        .json();
    let form = s["forms"][0]["id"].as_i64().expect("form id");
    let r = app.get(&format!("/api/forms/{form}"), &off).await;
    assert_eq!(r.status, StatusCode::OK);
    let csp = r.headers["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_string();
    let d = directives(&csp);
    assert_eq!(d["default-src"], ["'none'"], "{csp}");
    assert!(!d.contains_key("script-src"), "{csp}");
    assert_eq!(d["form-action"], ["'none'"], "{csp}");
    assert_eq!(d["base-uri"], ["'none'"], "{csp}");
    assert_eq!(d["frame-ancestors"], ["'self'"], "{csp}");
    assert_eq!(r.headers["x-content-type-options"], "nosniff");
}
on_both!(stored_forms_can_run_nothing_and_post_nowhere);

/// Log-in is the one write anyone may send: token guesses from one address are rate-limited like a user's
/// requests (429 with Retry-After), and a user's own requests are not slowed by them.
async fn log_in_attempts_are_rate_limited_per_address(kind: Kind) {
    let Some(app) = app_with(
        kind,
        Config {
            rate_per_sec: 2,
            ..Config::default()
        },
    )
    .await
    else {
        return;
    };
    let sup = app.user("責任者", "supervisor", A).await;
    let mut statuses = Vec::new();
    let mut limited = None;
    for i in 0..8 {
        let r = app
            .send(
                "POST",
                "/api/session",
                None,
                Some(&json!({"token": format!("{i:064}")})),
                &[],
            )
            .await;
        statuses.push(r.status.as_u16());
        if r.status == StatusCode::TOO_MANY_REQUESTS && limited.is_none() {
            limited = Some(r);
        }
    }
    assert_eq!(&statuses[..4], &[401; 4], "{statuses:?}");
    let r = limited.unwrap_or_else(|| panic!("no 429 in {statuses:?}"));
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let wait: u64 = r.headers["retry-after"]
        .to_str()
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    let last = app.last_audit(1).await;
    assert_eq!((last[0].0.as_str(), last[0].3), ("refused", 429));
    // The bearer token's own bucket is untouched by the guesses.
    assert_eq!(app.get("/api/session", &sup).await.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    login(&app, &sup, &[]).await;
}
on_both!(log_in_attempts_are_rate_limited_per_address);

/// Found by schemathesis: the framework's own refusals were plain text (a path id that is not a number, a query
/// value of the wrong type) and a method a path does not have was a 500. Every /api answer is the JSON shape.
async fn framework_refusals_are_json_errors_and_unknown_methods_405(kind: Kind) {
    let Some(app) = app_with(
        kind,
        Config {
            rate_per_sec: 0,
            ..Config::default()
        },
    )
    .await
    else {
        return;
    };
    let sup = app.user("責任者", "supervisor", A).await;
    for path in [
        "/api/cases/not-a-number",
        "/api/cases?limit=true",
        "/api/takedowns/overdue?days=9223372036854775808",
        "/api/lookup",
    ] {
        let r = app.get(path, &sup).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
    }
    for m in ["TRACE", "PATCH", "PUT"] {
        let r = app.send(m, "/api/cases", Some(&sup), None, &[]).await;
        assert_error(&r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
        assert_eq!(r.headers["allow"], "GET");
        let last = app.last_audit(1).await;
        assert_eq!((last[0].1.as_str(), last[0].3), ("unrouted", 405));
    }
    // Huge day counts are clamped, not a panic that drops the connection.
    let r = app
        .get("/api/takedowns/overdue?days=9223372036854775806", &sup)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}
on_both!(framework_refusals_are_json_errors_and_unknown_methods_405);
