//! Against a running `patrol-server` process: the command line of the contract (`--listen`, `--database`,
//! `user add`), the static pages, and a `kill -9` in the middle of a 1,000-submission run — afterwards every
//! acknowledged submission is there and none is there twice.

mod common;

use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

const BIN: &str = env!("CARGO_BIN_EXE_patrol-server");

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the server on a free port and waits for its "listening on" line.
fn start(db: &str, extra: &[&str]) -> Server {
    let mut child = Command::new(BIN)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--database",
            db,
            "--rate-limit",
            "0",
        ])
        .args(extra)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn patrol-server");
    let stderr = child.stderr.take().expect("stderr");
    let mut line = String::new();
    BufReader::new(stderr)
        .read_line(&mut line)
        .expect("first line");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Server {
        child,
        base: format!("http://{addr}"),
    }
}

fn user_add(db: &str, name: &str, role: &str, unit: &str) -> String {
    let out = Command::new(BIN)
        .args([
            "user",
            "add",
            "--database",
            db,
            "--name",
            name,
            "--role",
            role,
            "--unit",
            unit,
        ])
        .output()
        .expect("user add");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8(out.stdout).expect("utf8");
    assert_eq!(s.lines().count(), 1, "one line: {s:?}");
    let token = s.trim().to_string();
    assert_eq!(token.len(), 64);
    token
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_serves_the_api_the_pages_and_adds_users() {
    let db = common::fresh_url(common::Kind::Sqlite).await.expect("db");
    let bad = Command::new(BIN)
        .args([
            "user",
            "add",
            "--database",
            &db,
            "--name",
            "x",
            "--role",
            "chief",
            "--unit",
            "u",
        ])
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown role"));
    let officer = user_add(&db, "田中", "officer", "熊本中央署");
    let server = start(&db, &[]);
    // A user added while the server runs works at once.
    let sup = user_add(&db, "佐藤", "supervisor", "熊本中央署");
    let http = reqwest::Client::new();
    let doc: Value = http
        .get(format!("{}/api/openapi.json", server.base))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(doc["info"]["title"], "patrol agency endpoint");
    let inbox = http
        .get(format!("{}/inbox/", server.base))
        .send()
        .await
        .expect("inbox");
    assert_eq!(inbox.status(), 200);
    assert!(inbox.headers()["content-security-policy"]
        .to_str()
        .unwrap_or("")
        .contains("frame-ancestors 'none'"));
    assert!(
        inbox.text().await.unwrap_or_default().contains("<html"),
        "serves www/inbox/index.html"
    );
    let body = common::submission(
        "proc-key-0001",
        "case",
        "https://x.com/p/status/1",
        "今夜、熊本の大甲橋から飛び降ります",
        &["suicide_notice"],
        "high",
    );
    let r = http
        .post(format!("{}/api/submissions", server.base))
        .bearer_auth(&officer)
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 201);
    let cases: Value = http
        .get(format!("{}/api/cases", server.base))
        .bearer_auth(&sup)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(cases["items"][0]["checklist"]["explicit"], true);
    // The remote address reaches the audit log.
    let admin = user_add(&db, "管理者", "admin", "本部");
    let audit: Value = http
        .get(format!(
            "{}/api/audit?action=submission.create",
            server.base
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(audit["items"][0]["remote"], "127.0.0.1");
    let r = http
        .get(format!("{}/api/cases", server.base))
        .bearer_auth(&officer)
        .header("cookie", "x=1")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
}

/// Sends submission `i` until it gets an answer; returns whether it was acknowledged (2xx) by this server.
async fn send(http: &reqwest::Client, base: &str, token: &str, i: usize) -> Result<bool, String> {
    let body = common::submission(
        &format!("kill-key-{i:05}"),
        "case",
        &format!("https://x.com/k/status/{}", 10_000 + i / 2),
        "今夜決行します",
        &["suicide_notice"],
        "high",
    );
    match http
        .post(format!("{base}/api/submissions"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
    {
        Ok(r) if r.status().is_success() => Ok(true),
        Ok(r) => Err(format!("status {}", r.status())),
        Err(e) => Err(e.to_string()),
    }
}

async fn kill_9_scenario(db: String) {
    let token = user_add(&db, "田中", "officer", "熊本中央署");
    let mut server = start(&db, &[]);
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("client");
    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let next = Arc::new(Mutex::new(0usize));
    let base = server.base.clone();
    let mut workers = Vec::new();
    for _ in 0..8 {
        let (http, base, token, acked, next) = (
            http.clone(),
            base.clone(),
            token.clone(),
            acked.clone(),
            next.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let i = {
                    let mut n = next.lock().expect("lock");
                    if *n >= 1000 {
                        break;
                    }
                    *n += 1;
                    *n - 1
                };
                if let Ok(true) = send(&http, &base, &token, i).await {
                    acked.lock().expect("lock").insert(i);
                }
            }
        }));
    }
    // Kill the server hard once a few hundred submissions are acknowledged.
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        if acked.lock().expect("lock").len() >= 300 {
            break;
        }
    }
    server.child.kill().expect("kill -9");
    server.child.wait().expect("wait");
    for w in workers {
        w.await.expect("worker");
    }
    let acked_before: BTreeSet<usize> = acked.lock().expect("lock").clone();
    assert!(
        acked_before.len() >= 300 && acked_before.len() < 1000,
        "killed mid-run: {} acknowledged",
        acked_before.len()
    );
    // Restart; the client retries everything it has no acknowledgement for (same key, same body).
    let server = start(&db, &[]);
    for i in 0..1000 {
        if !acked_before.contains(&i) {
            assert_eq!(
                send(&http, &server.base, &token, i).await,
                Ok(true),
                "retry {i}"
            );
        }
    }
    drop(server);
    sqlx::any::install_default_drivers();
    let url = if db.starts_with("sqlite") {
        format!("{db}?mode=ro")
    } else {
        db.clone()
    };
    let pool = sqlx::AnyPool::connect(&url).await.expect("open");
    use sqlx::Row;
    let keys: Vec<String> = sqlx::query("SELECT idem_key FROM submissions")
        .fetch_all(&pool)
        .await
        .expect("keys")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let distinct: BTreeSet<&String> = keys.iter().collect();
    assert_eq!(distinct.len(), keys.len(), "no submission is stored twice");
    for i in &acked_before {
        assert!(
            distinct.contains(&format!("kill-key-{i:05}")),
            "acknowledged submission {i} lost"
        );
    }
    assert_eq!(
        keys.len(),
        1000,
        "after the retries every submission is there once"
    );
    let cases: i64 = sqlx::query("SELECT COUNT(*) FROM cases")
        .fetch_one(&pool)
        .await
        .expect("count")
        .get(0);
    assert_eq!(cases, 500, "two reports per post, one case each");
    eprintln!("kill -9 run: {} acknowledged before the kill, {} stored after restart and retries, 0 duplicates", acked_before.len(), keys.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_run_loses_no_acknowledged_submission_and_stores_none_twice_sqlite() {
    kill_9_scenario(common::fresh_url(common::Kind::Sqlite).await.expect("db")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_run_loses_no_acknowledged_submission_and_stores_none_twice_postgres() {
    match common::fresh_url(common::Kind::Postgres).await {
        Some(db) => kill_9_scenario(db).await,
        None => common::skip_postgres(),
    }
}
