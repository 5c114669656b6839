//! Faults (issue 6, "The endpoint under attack and under faults", bullet Faults) against a running
//! `patrol-server` process: the disk full under the SQLite database, the database file locked by another
//! process, PostgreSQL stopped and started while eight clients submit. In each: a clear, documented error
//! (507 `storage_full` / 503 `database_busy` / 503 `database_unavailable`, a Japanese message, no driver text,
//! SQL or path in the body), never a 2xx for a submission that was not stored, the server stays up and
//! recovers by itself, and afterwards every submission is stored exactly once (counted by idempotency key).
//! `kill -9` during evidence uploads (no half-written artefact or form) and during case transitions (each
//! step once, with its event) on both databases; the plain `kill -9` mid-run is in `process.rs`.

mod common;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_patrol-server");

struct Server {
    child: Child,
    base: String,
    /// Everything the server wrote to standard error after its first line.
    log: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
    fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// Starts the server (SIGXFSZ ignored, so a file size limit makes writes fail with EFBIG instead of killing it)
/// and keeps reading its standard error so that it never blocks on a full pipe.
fn start(db: &str) -> Server {
    let mut child = Command::new("sh")
        .args([
            "-c",
            "trap '' XFSZ; exec \"$0\" --listen 127.0.0.1:0 --database \"$1\" --rate-limit 0",
            BIN,
            db,
        ])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn patrol-server");
    let stderr = child.stderr.take().expect("stderr");
    let log = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let sink = log.clone();
    std::thread::spawn(move || {
        let mut first = true;
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if first {
                first = false;
                let _ = tx.send(line);
            } else {
                let mut l = sink.lock().expect("log");
                l.push_str(&line);
                l.push('\n');
            }
        }
    });
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("patrol-server started");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Server {
        child,
        base: format!("http://{addr}"),
        log,
    }
}

fn user_add(db: &str) -> String {
    let out = Command::new(BIN)
        .args([
            "user",
            "add",
            "--database",
            db,
            "--name",
            "田中",
            "--role",
            "officer",
            "--unit",
            "熊本中央署",
        ])
        .output()
        .expect("user add");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf8")
        .trim()
        .to_string()
}

fn key(prefix: &str, i: usize) -> String {
    format!("{prefix}-{i:05}")
}

/// Submission `i`: two reports per post, so both the new-case and the join-a-case paths are written.
fn body(prefix: &str, i: usize) -> Value {
    common::submission(
        &key(prefix, i),
        "case",
        &format!("https://x.com/f/status/{}", 20_000 + i / 2),
        "今夜、熊本の大甲橋から飛び降ります",
        &["suicide_notice"],
        "high",
    )
}

#[derive(Debug, Clone)]
enum Outcome {
    /// 2xx; `replayed` from the acknowledgement.
    Acked {
        replayed: bool,
    },
    Refused {
        status: u16,
        code: String,
        outcome: String,
    },
    Transport(String),
}

/// Sends one submission and checks any error answer for clarity and leaks.
async fn post(http: &reqwest::Client, base: &str, token: &str, body: &Value) -> Outcome {
    let r = match http
        .post(format!("{base}/api/submissions"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => return Outcome::Transport(e.to_string()),
    };
    let status = r.status().as_u16();
    let retry_after = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let raw = match r.text().await {
        Ok(t) => t,
        Err(e) => return Outcome::Transport(e.to_string()),
    };
    let v: Value = serde_json::from_str(&raw).unwrap_or(Value::Null);
    if (200..300).contains(&status) {
        return Outcome::Acked {
            replayed: v["replayed"].as_bool().unwrap_or(false),
        };
    }
    assert_clean(status, &v, &raw);
    if status == 503 || status == 507 {
        assert!(
            retry_after
                .as_deref()
                .is_some_and(|s| s.parse::<u64>().is_ok()),
            "{status} carries Retry-After (seconds): {retry_after:?}"
        );
    }
    Outcome::Refused {
        status,
        code: v["error"].as_str().unwrap_or("").to_string(),
        outcome: v["detail"]["outcome"].as_str().unwrap_or("").to_string(),
    }
}

/// Words of the drivers, SQL and file paths: none may reach a client.
const LEAKS: &[&str] = &[
    "sqlite",
    "postgres",
    "sqlx",
    "select ",
    "insert ",
    "update ",
    "returned from database",
    "os error",
    "/tmp",
    ".db",
    "pool",
    "connection",
    "sqlstate",
    "code:",
    "io error",
    "disk",
];

/// A fault answer is one of the documented pairs, speaks Japanese, and says nothing internal.
fn assert_clean(status: u16, v: &Value, raw: &str) {
    let code = v["error"].as_str().unwrap_or("");
    let documented = [
        (507, "storage_full"),
        (503, "database_busy"),
        (503, "database_unavailable"),
    ];
    assert!(
        documented.contains(&(status, code)),
        "a fault answers a documented status and code, got {status} {raw}"
    );
    let msg = v["message_ja"].as_str().unwrap_or("");
    assert!(
        msg.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
        "a Japanese message: {raw}"
    );
    let outcome = v["detail"]["outcome"].as_str().unwrap_or("");
    assert!(
        outcome == "not_stored" || outcome == "unknown",
        "detail.outcome says whether anything may have been stored: {raw}"
    );
    assert_eq!(
        v["detail"].as_object().map(|o| o.len()),
        Some(1),
        "detail holds nothing but the outcome: {raw}"
    );
    let lower = raw.to_lowercase();
    for leak in LEAKS {
        assert!(!lower.contains(leak), "the body leaks {leak:?}: {raw}");
    }
}

/// Every idempotency key stored, read with a connection of its own (read-only for SQLite).
async fn stored_keys(db: &str) -> Vec<String> {
    sqlx::any::install_default_drivers();
    let url = if db.starts_with("sqlite") {
        format!("{db}?mode=ro")
    } else {
        db.to_string()
    };
    let pool = sqlx::AnyPool::connect(&url).await.expect("open");
    use sqlx::Row;
    let keys = sqlx::query("SELECT idem_key FROM submissions")
        .fetch_all(&pool)
        .await
        .expect("keys")
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
    pool.close().await;
    keys
}

/// Exactly `expected` keys, each once; returns the number of rows.
async fn assert_each_once(db: &str, expected: &BTreeSet<String>) -> usize {
    let keys = stored_keys(db).await;
    let distinct: BTreeSet<String> = keys.iter().cloned().collect();
    assert_eq!(distinct.len(), keys.len(), "no submission is stored twice");
    let missing: Vec<_> = expected.difference(&distinct).collect();
    assert!(missing.is_empty(), "submissions lost: {missing:?}");
    let extra: Vec<_> = distinct.difference(expected).collect();
    assert!(extra.is_empty(), "unexpected submissions: {extra:?}");
    keys.len()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(90))
        .build()
        .expect("client")
}

fn tally(refusals: &[(String, Outcome)]) -> String {
    let mut m: BTreeMap<String, usize> = BTreeMap::new();
    for (_, o) in refusals {
        let k = match o {
            Outcome::Refused { status, code, .. } => format!("{status} {code}"),
            Outcome::Transport(e) => {
                format!("transport error ({})", e.split(':').next().unwrap_or(""))
            }
            Outcome::Acked { .. } => "ack".into(),
        };
        *m.entry(k).or_default() += 1;
    }
    m.iter()
        .map(|(k, n)| format!("{k} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------- disk full

/// How the disk is made full: a size-limited tmpfs under the database (needs `mount`, i.e. root), else the
/// server's RLIMIT_FSIZE lowered to the database's current size (`prlimit --pid`; SIGXFSZ is ignored).
enum Disk {
    Tmpfs { dir: String },
    Fsize { dir: String },
}

impl Disk {
    fn make() -> Disk {
        let dir = format!("/tmp/patrol-faults-disk-{}", std::process::id());
        std::fs::create_dir_all(&dir).expect("dir");
        if std::env::var_os("PATROL_FAULTS_FSIZE").is_none() {
            let ok = Command::new("mount")
                .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs", &dir])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return Disk::Tmpfs { dir };
            }
            eprintln!(
                "faults: mounting a tmpfs is not permitted here; falling back to prlimit --fsize"
            );
        }
        Disk::Fsize { dir }
    }
    fn dir(&self) -> &str {
        match self {
            Disk::Tmpfs { dir } | Disk::Fsize { dir } => dir,
        }
    }
    fn name(&self) -> &'static str {
        match self {
            Disk::Tmpfs { .. } => "tmpfs of 8 MiB",
            Disk::Fsize { .. } => "RLIMIT_FSIZE (prlimit --fsize)",
        }
    }
    fn fill(&self, server: &Server) {
        match self {
            Disk::Tmpfs { dir } => {
                let mut f = std::fs::File::create(format!("{dir}/filler")).expect("filler");
                for chunk in [65536usize, 4096, 512, 1] {
                    let buf = vec![0u8; chunk];
                    while f.write_all(&buf).is_ok() {}
                }
                let _ = f.sync_all();
            }
            Disk::Fsize { dir } => {
                let size = ["patrol.db", "patrol.db-wal"]
                    .iter()
                    .filter_map(|f| std::fs::metadata(format!("{dir}/{f}")).ok())
                    .map(|m| m.len())
                    .max()
                    .unwrap_or(0);
                prlimit(server.pid(), &size.to_string());
            }
        }
    }
    fn free(&self, server: &Server) {
        match self {
            Disk::Tmpfs { dir } => std::fs::remove_file(format!("{dir}/filler")).expect("free"),
            Disk::Fsize { .. } => prlimit(server.pid(), "unlimited"),
        }
    }
}

fn prlimit(pid: u32, limit: &str) {
    let ok = Command::new("prlimit")
        .args([
            "--pid",
            &pid.to_string(),
            // The soft limit only: it can be raised again without privilege.
            &format!("--fsize={limit}:"),
        ])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "prlimit --fsize={limit} on {pid}");
}

impl Drop for Disk {
    fn drop(&mut self) {
        if let Disk::Tmpfs { dir } = self {
            let _ = Command::new("umount").arg(&*dir).status();
        }
        let _ = std::fs::remove_dir_all(self.dir());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disk_full_answers_507_stays_up_and_after_space_is_freed_every_submission_is_stored_once() {
    const N: usize = 2000;
    let disk = Disk::make();
    let db = format!("sqlite://{}/patrol.db", disk.dir());
    let token = user_add(&db);
    let mut server = start(&db);
    let http = client();
    let acked = Arc::new(Mutex::new(BTreeSet::<usize>::new()));
    let refused = Arc::new(Mutex::new(Vec::<(usize, Outcome)>::new()));
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (http, base, token) = (http.clone(), server.base.clone(), token.clone());
        let (acked, refused, next, stop) =
            (acked.clone(), refused.clone(), next.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= N {
                    break;
                }
                match post(&http, &base, &token, &body("disk", i)).await {
                    Outcome::Acked { .. } => {
                        acked.lock().expect("lock").insert(i);
                    }
                    o => refused.lock().expect("lock").push((i, o)),
                }
            }
        }));
    }
    let wait = |what: &'static str, cond: Box<dyn Fn() -> bool + Send>| async move {
        let t = Instant::now();
        while !cond() {
            assert!(t.elapsed() < Duration::from_secs(90), "timed out: {what}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    let a = acked.clone();
    wait(
        "40 acknowledged",
        Box::new(move || a.lock().expect("l").len() >= 40),
    )
    .await;
    assert!(
        refused.lock().expect("lock").is_empty(),
        "no refusal before the fault"
    );
    disk.fill(&server);
    let filled_at = next.load(Ordering::SeqCst);
    let (r, a, n) = (refused.clone(), acked.clone(), next.clone());
    wait(
        "20 refusals once the disk is full",
        Box::new(move || {
            let (rl, al) = (r.lock().expect("l").len(), a.lock().expect("l").len());
            if rl >= 20 {
                return true;
            }
            assert!(
                n.load(Ordering::SeqCst) < N,
                "the full disk never surfaced ({al} acknowledged, {rl} refused): writes acknowledged on a full disk \
                 went somewhere they were not committed, see the regression test below"
            );
            false
        }),
    )
    .await;
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        w.await.expect("worker");
    }
    assert!(server.alive(), "the server stays up on a full disk");
    let refused: Vec<(usize, Outcome)> = refused.lock().expect("lock").clone();
    let acked_before: BTreeSet<usize> = acked.lock().expect("lock").clone();
    let attempted = next.load(Ordering::SeqCst).min(N);
    let counts = tally(
        &refused
            .iter()
            .map(|(i, o)| (key("disk", *i), o.clone()))
            .collect::<Vec<_>>(),
    );
    assert!(
        refused
            .iter()
            .all(|(_, o)| matches!(o, Outcome::Refused { .. })),
        "every refusal is an HTTP answer, no dropped connection: {counts}"
    );
    if matches!(disk, Disk::Tmpfs { .. }) {
        assert!(
            refused
                .iter()
                .any(|(_, o)| matches!(o, Outcome::Refused { status: 507, .. })),
            "a full disk answers 507 storage_full: {counts}"
        );
    }
    // Before anything is resent: every acknowledged submission is stored, and none that was answered
    // "not stored" is.
    let keys: BTreeSet<String> = stored_keys(&db).await.into_iter().collect();
    for i in &acked_before {
        assert!(
            keys.contains(&key("disk", *i)),
            "acknowledged {i} is stored"
        );
    }
    for (i, o) in &refused {
        if let Outcome::Refused { outcome, .. } = o {
            if outcome == "not_stored" {
                assert!(
                    !keys.contains(&key("disk", *i)),
                    "{i} answered not_stored but is stored"
                );
            }
        }
    }
    let log = server.log.lock().expect("log").clone();
    assert!(
        log.contains("database error") || log.contains("audit log write failed"),
        "the driver's words go to the server's log instead: {log}"
    );

    // Space freed: the first refused submission is resent until it is taken (same key, same body).
    disk.free(&server);
    let freed = Instant::now();
    let first = refused.first().map(|(i, _)| *i).expect("a refusal");
    let mut tries = 0;
    loop {
        tries += 1;
        if let Outcome::Acked { .. } = post(&http, &server.base, &token, &body("disk", first)).await
        {
            break;
        }
        assert!(
            freed.elapsed() < Duration::from_secs(60),
            "no recovery 60 s after freeing space"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recovery = freed.elapsed();
    let mut replays = 0;
    for (i, _) in &refused {
        match post(&http, &server.base, &token, &body("disk", *i)).await {
            Outcome::Acked { replayed } => replays += replayed as usize,
            o => panic!("resend of {i} after recovery: {o:?}"),
        }
    }
    assert!(server.alive());
    drop(server);
    let all: BTreeSet<String> = acked_before
        .iter()
        .chain(refused.iter().map(|(i, _)| i))
        .map(|i| key("disk", *i))
        .collect();
    assert_eq!(
        all.len(),
        attempted,
        "every attempted submission was acknowledged or refused"
    );
    let stored = assert_each_once(&db, &all).await;
    eprintln!(
        "faults disk-full ({}): {attempted} attempted, {} acknowledged (disk filled after #{filled_at}), {} refused [{counts}], \
         0 acknowledged-but-missing; recovery {} ms after space was freed ({tries} tries); {} resent ({replays} replays), {stored} stored, 0 duplicates",
        disk.name(),
        acked_before.len(),
        refused.len(),
        recovery.as_millis(),
        refused.len(),
    );
}

/// Regression: after SQLITE_FULL the single SQLite writer was left inside a transaction that sqlx no longer
/// counted, and every later "commit" only released a savepoint in it: 201 answers for submissions that a
/// `kill -9` then lost. The writer is now checked when it goes back to its pool (`db.rs` `writer_is_clean`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_acknowledged_after_a_disk_full_refusal_survives_kill_9() {
    let disk = Disk::make();
    let db = format!("sqlite://{}/patrol.db", disk.dir());
    let token = user_add(&db);
    let mut server = start(&db);
    let http = client();
    let mut sent = BTreeSet::new();
    let mut i = 0;
    for _ in 0..20 {
        assert!(matches!(
            post(&http, &server.base, &token, &body("reg", i)).await,
            Outcome::Acked { .. }
        ));
        sent.insert(key("reg", i));
        i += 1;
    }
    disk.fill(&server);
    let mut refusals = 0;
    while refusals < 5 {
        assert!(i < 500, "a full disk refuses submissions");
        match post(&http, &server.base, &token, &body("reg", i)).await {
            Outcome::Acked { .. } => {}
            _ => refusals += 1,
        }
        sent.insert(key("reg", i));
        i += 1;
    }
    disk.free(&server);
    let mut acked_after = Vec::new();
    for j in 0..i + 10 {
        // Everything sent so far, resent, plus ten new ones: all acknowledged.
        match post(&http, &server.base, &token, &body("reg", j)).await {
            Outcome::Acked { .. } => acked_after.push(j),
            o => panic!("{j} after space was freed: {o:?}"),
        }
        sent.insert(key("reg", j));
    }
    server.child.kill().expect("kill -9");
    let _ = server.child.wait();
    let stored = assert_each_once(&db, &sent).await;
    eprintln!(
        "faults disk-full regression: {refusals} refusals on the full disk, then {} acknowledged and a kill -9: {stored} stored",
        acked_after.len()
    );
}

// ---------------------------------------------------------------- locked file

/// The sqlite3 command line in a transaction that holds the database's write lock, as an operator's
/// maintenance session would.
struct Lock {
    child: Child,
}

impl Lock {
    fn take(path: &str) -> Lock {
        let mut child = Command::new("sqlite3")
            .arg(path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("sqlite3 command line (apt install sqlite3)");
        let stdin = child.stdin.as_mut().expect("stdin");
        stdin
            .write_all(b"BEGIN EXCLUSIVE;\nSELECT 'locked';\n")
            .expect("write");
        stdin.flush().expect("flush");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read");
        assert_eq!(line.trim(), "locked", "sqlite3 holds the lock");
        Lock { child }
    }
    fn release(mut self) {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        stdin.write_all(b"ROLLBACK;\n.quit\n").expect("release");
        let _ = self.child.stdin.take();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_database_file_answers_503_after_the_busy_timeout_and_nothing_is_lost_after_release(
) {
    let db = common::fresh_url(common::Kind::Sqlite).await.expect("db");
    let path = db.trim_start_matches("sqlite://").to_string();
    let token = user_add(&db);
    let mut server = start(&db);
    let http = client();
    for i in 0..3 {
        assert!(matches!(
            post(&http, &server.base, &token, &body("lock", i)).await,
            Outcome::Acked { replayed: false }
        ));
    }
    let lock = Lock::take(&path);
    let t = Instant::now();
    let (b3, b4) = (body("lock", 3), body("lock", 4));
    let (a, b) = tokio::join!(
        post(&http, &server.base, &token, &b3),
        post(&http, &server.base, &token, &b4),
    );
    let waited = t.elapsed();
    for o in [&a, &b] {
        assert!(
            matches!(o, Outcome::Refused { status: 503, .. }),
            "a locked file answers 503: {o:?}"
        );
    }
    assert!(
        matches!(&a, Outcome::Refused { code, .. } if code == "database_busy")
            || matches!(&b, Outcome::Refused { code, .. } if code == "database_busy"),
        "at least one says database_busy: {a:?} {b:?}"
    );
    assert!(
        waited >= Duration::from_secs(9),
        "the server waits its busy timeout (10 s) before giving up: {waited:?}"
    );
    assert!(server.alive());
    let keys = stored_keys(&db).await;
    assert_eq!(keys.len(), 3, "nothing stored while locked: {keys:?}");
    lock.release();
    let released = Instant::now();
    let mut tries = 0;
    loop {
        tries += 1;
        match post(&http, &server.base, &token, &body("lock", 3)).await {
            Outcome::Acked { .. } => break,
            o => assert!(
                released.elapsed() < Duration::from_secs(30),
                "no recovery after release: {o:?}"
            ),
        }
    }
    let recovery = released.elapsed();
    assert!(matches!(
        post(&http, &server.base, &token, &body("lock", 4)).await,
        Outcome::Acked { .. }
    ));
    drop(server);
    let all: BTreeSet<String> = (0..5).map(|i| key("lock", i)).collect();
    let stored = assert_each_once(&db, &all).await;
    eprintln!(
        "faults locked-file: 5 attempted, 3 acknowledged before the lock, 2 refused while locked (503 after {} ms: {a:?} / {b:?}); \
         recovery {} ms after release ({tries} tries); {stored} stored, 0 duplicates",
        waited.as_millis(),
        recovery.as_millis()
    );
}

// ---------------------------------------------------------------- PostgreSQL restarted

fn pg_ctl(dir: &str, args: &[&str]) {
    let bin = std::fs::read_dir("/usr/lib/postgresql")
        .expect("/usr/lib/postgresql")
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin/pg_ctl"))
        .find(|p| p.exists())
        .expect("pg_ctl");
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let mut cmd = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    let ok = cmd
        .args(["-D", dir])
        .args(args)
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "pg_ctl {args:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_mid_run_answers_503_reconnects_and_stores_every_submission_once() {
    let Some(pg_dir) = std::env::var("PATROL_FAULTS_PG_DIR")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        // scripts/test-faults.sh sets this (and starts a cluster it may restart); the workspace-wide run
        // shares its cluster with other suites, so it must not restart it and leaves this case to the script.
        if std::env::var_os("PATROL_FAULTS_REQUIRE_PG").is_some() {
            panic!("PATROL_FAULTS_REQUIRE_PG is set but PATROL_FAULTS_PG_DIR is not: the PostgreSQL restart must not be skipped");
        }
        eprintln!(
            "PATROL_FAULTS_PG_DIR not set: PostgreSQL run skipped (scripts/test-faults.sh sets it)"
        );
        return;
    };
    let db = common::fresh_url(common::Kind::Postgres)
        .await
        .expect("PATROL_TEST_POSTGRES names the cluster in PATROL_FAULTS_PG_DIR");
    const N: usize = 600;
    let token = user_add(&db);
    let mut server = start(&db);
    let http = client();
    let acked = Arc::new(AtomicUsize::new(0));
    let next = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::<(String, Outcome)>::new()));
    let replays = Arc::new(AtomicUsize::new(0));
    let first_ack_after = Arc::new(Mutex::new(None::<Instant>));
    let up_at = Arc::new(Mutex::new(None::<Instant>));
    let mut workers = Vec::new();
    // Eight clients behave like the extension: each resends its submission with the same key until it is
    // acknowledged.
    for _ in 0..8 {
        let (http, base, token) = (http.clone(), server.base.clone(), token.clone());
        let (acked, next, seen, replays) =
            (acked.clone(), next.clone(), seen.clone(), replays.clone());
        let (first_ack_after, up_at) = (first_ack_after.clone(), up_at.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= N {
                    break;
                }
                let started = Instant::now();
                loop {
                    match post(&http, &base, &token, &body("pg", i)).await {
                        Outcome::Acked { replayed } => {
                            acked.fetch_add(1, Ordering::SeqCst);
                            replays.fetch_add(replayed as usize, Ordering::SeqCst);
                            if up_at.lock().expect("l").is_some() {
                                first_ack_after
                                    .lock()
                                    .expect("l")
                                    .get_or_insert_with(Instant::now);
                            }
                            break;
                        }
                        o => {
                            seen.lock().expect("l").push((key("pg", i), o));
                            assert!(
                                started.elapsed() < Duration::from_secs(120),
                                "submission {i} not taken within 120 s"
                            );
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                    }
                }
            }
        }));
    }
    let t = Instant::now();
    while acked.load(Ordering::SeqCst) < 150 {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "150 acknowledged before the restart"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let acked_at_stop = acked.load(Ordering::SeqCst);
    pg_ctl(&pg_dir, &["-m", "fast", "-w", "stop"]);
    let down = Instant::now();
    // Down longer than the pool's 5 s acquire timeout, so that waiting requests are answered, not held.
    tokio::time::sleep(Duration::from_secs(8)).await;
    let during: usize = seen.lock().expect("l").len();
    // Started again as the set-up script starts it (same port, same options).
    let setup = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/setup-postgres.sh");
    let admin = std::env::var("PATROL_TEST_POSTGRES").unwrap_or_default();
    let port = admin
        .rsplit_once(':')
        .and_then(|(_, p)| p.split('/').next())
        .unwrap_or("55432")
        .to_string();
    let ok = Command::new(setup)
        .env("PATROL_PG_DIR", &pg_dir)
        .env("PATROL_PG_PORT", &port)
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "PostgreSQL started again");
    *up_at.lock().expect("l") = Some(Instant::now());
    let downtime = down.elapsed();
    for w in workers {
        w.await.expect("worker");
    }
    assert!(
        server.alive(),
        "the server stays up while PostgreSQL restarts"
    );
    let seen = seen.lock().expect("l").clone();
    let counts = tally(&seen);
    assert!(during > 0, "the clients saw the outage: {counts}");
    assert!(
        seen.iter().all(|(_, o)| matches!(o, Outcome::Refused { status: 503, .. })),
        "while PostgreSQL is down every answer is a 503, never a 500 or a dropped connection: {counts}"
    );
    let up = up_at.lock().expect("l").expect("up");
    let recovery = first_ack_after
        .lock()
        .expect("l")
        .map(|a| a.saturating_duration_since(up))
        .expect("acknowledged after the restart");
    drop(server);
    let all: BTreeSet<String> = (0..N).map(|i| key("pg", i)).collect();
    let stored = assert_each_once(&db, &all).await;
    eprintln!(
        "faults postgres-restart: {N} attempted by 8 clients, {acked_at_stop} acknowledged when PostgreSQL was stopped (-m fast), \
         down {} ms; {} refusals [{counts}]; first acknowledgement {} ms after it was up again; {} replays of an unknown outcome; \
         {stored} stored, 0 duplicates",
        downtime.as_millis(),
        seen.len(),
        recovery.as_millis(),
        replays.load(Ordering::SeqCst),
    );
}

// ---------------------------------------------------------------- kill -9 during evidence upload / case transitions

/// A 400 KB form: each submission is an upload long enough to be cut by the kill.
fn with_evidence(prefix: &str, i: usize, evidence: &Value, form: &str) -> Value {
    let mut b = body(prefix, i);
    b["evidence"] = evidence.clone();
    b["forms"] = serde_json::json!([{"form": "provider_inquiry", "html": form}]);
    b
}

/// Runs `n` jobs on 8 clients until `kill_after` are acknowledged, then kills the server with SIGKILL;
/// returns the acknowledged job numbers.
async fn run_and_kill<F, Fut>(
    server: &mut Server,
    n: usize,
    kill_after: usize,
    job: F,
) -> BTreeSet<usize>
where
    F: Fn(usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..8 {
        let (acked, next, job) = (acked.clone(), next.clone(), job.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= n {
                    break;
                }
                if job(i).await {
                    acked.lock().expect("l").insert(i);
                }
            }
        }));
    }
    let t = Instant::now();
    while acked.lock().expect("l").len() < kill_after {
        assert!(
            t.elapsed() < Duration::from_secs(120),
            "{kill_after} acknowledged before the kill"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.child.kill().expect("kill -9");
    let _ = server.child.wait();
    for w in workers {
        w.await.expect("worker");
    }
    let a = acked.lock().expect("l").clone();
    assert!(a.len() < n, "killed mid-run");
    a
}

async fn kill_9_during_evidence_upload(db: String) {
    const N: usize = 240;
    let token = user_add(&db);
    let mut server = start(&db);
    let http = client();
    let evidence = Arc::new(common::golden_evidence());
    let form = Arc::new(format!(
        "<!doctype html><meta charset=utf-8><p>照会書</p>{}",
        "<p>発信者に関する情報照会書 別紙</p>".repeat(10_000)
    ));
    let job = {
        let (http, base, token, evidence, form) = (
            http.clone(),
            server.base.clone(),
            token.clone(),
            evidence.clone(),
            form.clone(),
        );
        move |i: usize| {
            let (http, base, token, evidence, form) = (
                http.clone(),
                base.clone(),
                token.clone(),
                evidence.clone(),
                form.clone(),
            );
            async move {
                matches!(
                    post(
                        &http,
                        &base,
                        &token,
                        &with_evidence("ev", i, &evidence, &form)
                    )
                    .await,
                    Outcome::Acked { .. }
                )
            }
        }
    };
    let acked = run_and_kill(&mut server, N, 60, job).await;
    let server = start(&db);
    for i in 0..N {
        if !acked.contains(&i) {
            let o = post(
                &http,
                &server.base,
                &token,
                &with_evidence("ev", i, &evidence, &form),
            )
            .await;
            assert!(matches!(o, Outcome::Acked { .. }), "retry {i}: {o:?}");
        }
    }
    drop(server);
    let all: BTreeSet<String> = (0..N).map(|i| key("ev", i)).collect();
    let stored = assert_each_once(&db, &all).await;
    // No artefact or form half-written: each submission has all its files, each file matches its SHA-256.
    sqlx::any::install_default_drivers();
    let url = if db.starts_with("sqlite") {
        format!("{db}?mode=ro")
    } else {
        db.clone()
    };
    let pool = sqlx::AnyPool::connect(&url).await.expect("open");
    use sqlx::Row;
    let expected_files = evidence["artefacts"]
        .as_object()
        .map(|o| o.len())
        .unwrap_or(0) as i64;
    let rows = sqlx::query("SELECT s.id, (SELECT COUNT(*) FROM artefacts a WHERE a.submission_id = s.id), (SELECT COUNT(*) FROM forms f WHERE f.submission_id = s.id AND LENGTH(f.html) = $1) FROM submissions s")
        .bind(form.chars().count() as i64)
        .fetch_all(&pool)
        .await
        .expect("rows");
    for r in &rows {
        let (id, files, forms): (i64, i64, i64) = (r.get(0), r.get(1), r.get(2));
        assert_eq!(
            (files, forms),
            (expected_files, 1),
            "submission {id}: every artefact and the whole form"
        );
    }
    let arts = sqlx::query("SELECT sha256, content, bytes FROM artefacts")
        .fetch_all(&pool)
        .await
        .expect("artefacts");
    for a in &arts {
        let (sha, content, bytes): (String, Vec<u8>, i64) = (a.get(0), a.get(1), a.get(2));
        assert_eq!(content.len() as i64, bytes, "artefact length");
        assert_eq!(
            patrol_evidence::sha256_hex(&content),
            sha,
            "artefact content matches its SHA-256"
        );
    }
    pool.close().await;
    eprintln!(
        "faults kill -9 during evidence upload ({}): {N} submissions of {} KB with {expected_files} artefacts and a form, {} acknowledged before the kill, \
         {stored} stored after restart and retries, 0 duplicates, {} artefacts all matching their SHA-256, every form whole",
        if db.starts_with("sqlite") { "SQLite" } else { "PostgreSQL" },
        serde_json::to_vec(&with_evidence("ev", 0, &evidence, &form)).map(|v| v.len() / 1024).unwrap_or(0),
        acked.len(),
        arts.len(),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_evidence_uploads_leaves_no_half_written_artefact_sqlite() {
    kill_9_during_evidence_upload(common::fresh_url(common::Kind::Sqlite).await.expect("db")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_evidence_uploads_leaves_no_half_written_artefact_postgres() {
    match common::fresh_url(common::Kind::Postgres).await {
        Some(db) => kill_9_during_evidence_upload(db).await,
        None => common::skip_postgres(),
    }
}

/// POST /api/cases/{id}/{action} as the supervisor: Ok(true) acknowledged, Ok(false) refused as
/// invalid_transition with the case already in `target` (an earlier attempt took effect), Err otherwise.
async fn review(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    case: i64,
    action: &str,
) -> Result<String, String> {
    let r = http
        .post(format!("{base}/api/cases/{case}/{action}"))
        .bearer_auth(token)
        .json(&serde_json::json!({"comment": "確認済み"}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = r.status().as_u16();
    let v: Value = r.json().await.map_err(|e| e.to_string())?;
    match status {
        200 => Ok(v["status"].as_str().unwrap_or("").to_string()),
        409 => Err(format!(
            "409 {}",
            v["detail"]["status"].as_str().unwrap_or("")
        )),
        s => Err(format!("{s} {}", v["error"])),
    }
}

async fn kill_9_during_case_transitions(db: String) {
    const N: usize = 300;
    let token = user_add(&db);
    let sup = {
        let out = Command::new(BIN)
            .args([
                "user",
                "add",
                "--database",
                &db,
                "--name",
                "佐藤",
                "--role",
                "supervisor",
                "--unit",
                "熊本中央署",
            ])
            .output()
            .expect("user add");
        String::from_utf8(out.stdout)
            .expect("utf8")
            .trim()
            .to_string()
    };
    let mut server = start(&db);
    let http = client();
    // One case per post: submissions 2k and 2k+1 report the same post.
    let mut cases = Vec::new();
    for i in 0..N {
        let b = body("tr", 2 * i);
        let r = http
            .post(format!("{}/api/submissions", server.base))
            .bearer_auth(&token)
            .json(&b)
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 201);
        let v: Value = r.json().await.expect("json");
        cases.push(v["case_id"].as_i64().expect("case_id"));
    }
    let cases = Arc::new(cases);
    // Each job: approve, then done — the supervisor's two steps for one case.
    let job = {
        let (http, base, sup, cases) = (
            http.clone(),
            server.base.clone(),
            sup.clone(),
            cases.clone(),
        );
        move |i: usize| {
            let (http, base, sup, cases) = (http.clone(), base.clone(), sup.clone(), cases.clone());
            async move {
                review(&http, &base, &sup, cases[i], "approve")
                    .await
                    .is_ok()
                    && review(&http, &base, &sup, cases[i], "done").await.is_ok()
            }
        }
    };
    let acked = run_and_kill(&mut server, N, 80, job).await;
    let server = start(&db);
    // After the restart, the client finishes what it has no acknowledgement for. A step that took effect
    // before the kill is refused as invalid_transition with the case already past it: not done twice.
    let mut already = 0;
    for (i, case) in cases.iter().enumerate() {
        if acked.contains(&i) {
            continue;
        }
        match review(&http, &server.base, &sup, *case, "approve").await {
            Ok(s) => assert_eq!(s, "approved"),
            Err(e) if e == "409 approved" || e == "409 done" => already += 1,
            Err(e) => panic!("approve {case} after restart: {e}"),
        }
        match review(&http, &server.base, &sup, *case, "done").await {
            Ok(s) => assert_eq!(s, "done"),
            Err(e) if e == "409 done" => already += 1,
            Err(e) => panic!("done {case} after restart: {e}"),
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
    for case in cases.iter() {
        let status: String = sqlx::query("SELECT status FROM cases WHERE id = $1")
            .bind(case)
            .fetch_one(&pool)
            .await
            .expect("case")
            .get(0);
        let events: Vec<(String, String, String)> = sqlx::query(
            "SELECT action, from_status, to_status FROM case_events WHERE case_id = $1 AND action IN ('approve', 'done') ORDER BY id",
        )
        .bind(case)
        .fetch_all(&pool)
        .await
        .expect("events")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
        assert_eq!(status, "done", "case {case}");
        assert_eq!(
            events,
            vec![
                (
                    "approve".to_string(),
                    "new".to_string(),
                    "approved".to_string()
                ),
                (
                    "done".to_string(),
                    "approved".to_string(),
                    "done".to_string()
                )
            ],
            "case {case}: each step once, in order, each with its event"
        );
    }
    pool.close().await;
    eprintln!(
        "faults kill -9 during case transitions ({}): {N} cases × approve + done on 8 clients, {} finished before the kill; \
         after restart {already} steps found already taken (409, not repeated); every case done with exactly one event per step",
        if db.starts_with("sqlite") { "SQLite" } else { "PostgreSQL" },
        acked.len(),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_case_transitions_takes_each_step_once_with_its_event_sqlite() {
    kill_9_during_case_transitions(common::fresh_url(common::Kind::Sqlite).await.expect("db"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_case_transitions_takes_each_step_once_with_its_event_postgres() {
    match common::fresh_url(common::Kind::Postgres).await {
        Some(db) => kill_9_during_case_transitions(db).await,
        None => common::skip_postgres(),
    }
}
