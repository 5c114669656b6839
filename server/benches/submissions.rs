//! Submissions per second and p50/p99 latency against a running `patrol-server` on loopback, with SQLite and
//! (when `PATROL_TEST_POSTGRES` names a server) PostgreSQL. A benchmark that prints figures, not a timed test:
//! `cargo bench -p patrol-server --bench submissions` (PATROL_BENCH_N, PATROL_BENCH_CONCURRENCY to change the run).

use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_patrol-server");

fn env_num(k: &str, d: usize) -> usize {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

fn body(run: &str, i: usize) -> serde_json::Value {
    // Every third post is reported twice (a second report joins the case), as on a real patrol day.
    let post = if i % 3 == 2 { i - 1 } else { i };
    json!({
        "idempotency_key": format!("bench-{run}-{i:07}"),
        "kind": "case",
        "post": {"site": "x", "url": format!("https://x.com/bench/status/{run}{post:07}"), "text": "今夜、熊本の大甲橋から飛び降ります。もう決めた。",
                 "author_handle": "@bench", "media": [], "profile": ""},
        "analysis": {"categories": ["suicide_notice"], "minor": false, "region": "in", "inquiry": true,
                     "urgency": {"level": "high", "timing": [{"start": 0, "end": 2}], "specific": [{"start": 3, "end": 9}], "explicit": [{"start": 10, "end": 16}], "doubt": []},
                     "flags": [{"category": "suicide_notice", "label": "自殺予告", "clause": "003 §2(1)", "rule": "announce", "confidence": 0.949999988079071}]},
        "note": "ベンチマーク"
    })
}

struct Figures {
    n: usize,
    errors: usize,
    secs: f64,
    p50: f64,
    p99: f64,
}

async fn run(db: &str, label: &str) -> Figures {
    let user = Command::new(BIN)
        .args([
            "user",
            "add",
            "--database",
            db,
            "--name",
            "bench",
            "--role",
            "officer",
            "--unit",
            "bench",
        ])
        .output()
        .expect("user add");
    assert!(
        user.status.success(),
        "{}",
        String::from_utf8_lossy(&user.stderr)
    );
    let token = String::from_utf8(user.stdout)
        .expect("utf8")
        .trim()
        .to_string();
    let mut child = Command::new(BIN)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--database",
            db,
            "--rate-limit",
            "0",
        ])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stderr.take().expect("stderr"))
        .read_line(&mut line)
        .expect("line");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .expect("address")
        .to_string();
    let url = format!("http://{addr}/api/submissions");
    let n = env_num("PATROL_BENCH_N", 5000);
    let conc = env_num("PATROL_BENCH_CONCURRENCY", 16);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(conc)
        .build()
        .expect("client");
    // Warm-up (connections, caches), not measured.
    for i in 0..50 {
        let _ = http
            .post(&url)
            .bearer_auth(&token)
            .json(&body(&format!("{label}w"), i))
            .send()
            .await;
    }
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conc {
        let (http, url, token, next, errors) = (
            http.clone(),
            url.clone(),
            token.clone(),
            next.clone(),
            errors.clone(),
        );
        let label = label.to_string();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= n {
                    break;
                }
                let b = body(&label, i);
                let t = Instant::now();
                match http.post(&url).bearer_auth(&token).json(&b).send().await {
                    Ok(r) if r.status().is_success() => {}
                    _ => {
                        errors.fetch_add(1, Ordering::SeqCst);
                    }
                }
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut lat: Vec<Duration> = Vec::new();
    for t in tasks {
        lat.extend(t.await.expect("task"));
    }
    let secs = started.elapsed().as_secs_f64();
    let _ = child.kill();
    let _ = child.wait();
    lat.sort();
    let pct =
        |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)].as_secs_f64() * 1000.0;
    Figures {
        n,
        errors: errors.load(Ordering::SeqCst),
        secs,
        p50: pct(0.50),
        p99: pct(0.99),
    }
}

fn print(label: &str, f: &Figures) {
    // The machine is shared: say how busy it was, or the figures mean little.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().next().unwrap_or("?");
    println!(
        "patrol-server bench [{label}]: {} submissions in {:.2} s = {:.0}/s, p50 {:.1} ms, p99 {:.1} ms, errors {} (load average {load}, {} cores)",
        f.n,
        f.secs,
        f.n as f64 / f.secs,
        f.p50,
        f.p99,
        f.errors,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let path = std::env::temp_dir().join(format!("patrol-bench-{}.db", std::process::id()));
        let db = format!("sqlite://{}", path.display());
        let f = run(&db, "sqlite").await;
        print("sqlite", &f);
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
        match std::env::var("PATROL_TEST_POSTGRES")
            .ok()
            .filter(|s| !s.is_empty())
        {
            Some(admin) => {
                sqlx::any::install_default_drivers();
                let name = format!("bench_{}", std::process::id());
                let pool = sqlx::AnyPool::connect(&admin).await.expect("postgres");
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                    .execute(&pool)
                    .await
                    .expect("drop");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&pool)
                    .await
                    .expect("create");
                let base = admin
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(admin.clone());
                let f = run(&format!("{base}/{name}"), "postgres").await;
                print("postgres", &f);
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                    .execute(&pool)
                    .await;
            }
            None => {
                println!("patrol-server bench [postgres]: skipped (PATROL_TEST_POSTGRES not set)")
            }
        }
    });
}
