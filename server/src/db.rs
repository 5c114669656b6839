//! The database: one code path for SQLite (embedded default) and PostgreSQL through sqlx's `Any` driver.
//! Queries use `$1` placeholders, which both back-ends accept. SQLite gets a single writer connection so that
//! write transactions queue in-process instead of spinning on SQLITE_BUSY; readers use their own pool (WAL).

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};

/// Which back-end a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub backend: Backend,
    /// Reads (and, on PostgreSQL, writes too).
    pub read: AnyPool,
    /// Writes: one connection on SQLite, the read pool on PostgreSQL.
    pub write: AnyPool,
}

const MIGRATIONS_SQLITE: &[(&str, &str)] = &[
    (
        "0001_init",
        include_str!("../migrations/sqlite/0001_init.sql"),
    ),
    (
        "0002_audit_minimum",
        include_str!("../migrations/sqlite/0002_audit_minimum.sql"),
    ),
];
const MIGRATIONS_POSTGRES: &[(&str, &str)] = &[
    (
        "0001_init",
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        "0002_audit_minimum",
        include_str!("../migrations/postgres/0002_audit_minimum.sql"),
    ),
];

/// `sqlite://PATH` (created if missing) or `postgres://…`; anything else is refused with the reason.
pub fn parse_url(url: &str) -> Result<(Backend, String), String> {
    if let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        if rest.is_empty() {
            return Err("sqlite URL without a path (use sqlite://PATH)".into());
        }
        let sep = if rest.contains('?') { '&' } else { '?' };
        let with_mode = if rest.contains("mode=") {
            format!("sqlite://{rest}")
        } else {
            format!("sqlite://{rest}{sep}mode=rwc")
        };
        Ok((Backend::Sqlite, with_mode))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok((Backend::Postgres, url.to_string()))
    } else {
        Err(format!(
            "unsupported database URL {url:?}: use sqlite://PATH or postgres://…"
        ))
    }
}

impl Db {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Db, String> {
        sqlx::any::install_default_drivers();
        let (backend, url) = parse_url(url)?;
        let db = match backend {
            Backend::Sqlite => {
                let opts = |writer: bool| {
                    AnyPoolOptions::new().after_connect(move |conn, _| {
                        Box::pin(async move {
                            // WAL: readers never block the writer; NORMAL: a commit survives a killed process
                            // (only a power loss can drop the last transactions).
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                            )
                            .await?;
                            if writer {
                                // The writer never pays for a checkpoint; `checkpoints` below runs them beside it.
                                conn.execute("PRAGMA wal_autocheckpoint = 0;").await?;
                            }
                            Ok(())
                        })
                    })
                };
                let write = opts(true)
                    .after_release(|conn, _| Box::pin(writer_is_clean(conn)))
                    .max_connections(1)
                    .connect(&url)
                    .await
                    .map_err(|e| format!("cannot open {url}: {e}"))?;
                let read = opts(false)
                    .max_connections(8)
                    .connect(&url)
                    .await
                    .map_err(|e| format!("cannot open {url}: {e}"))?;
                checkpoints(read.clone());
                Db {
                    backend,
                    read,
                    write,
                }
            }
            Backend::Postgres => {
                // While PostgreSQL restarts, a request waits at most 5 s for a connection and then gets a 503
                // (database_unavailable) instead of hanging for the default 30 s; the pool tests each connection
                // before handing it out, so dead ones are replaced and the server reconnects by itself.
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(std::time::Duration::from_secs(5))
                    .test_before_acquire(true)
                    .connect(&url)
                    .await
                    .map_err(|e| format!("cannot connect to PostgreSQL: {e}"))?;
                Db {
                    backend,
                    read: pool.clone(),
                    write: pool,
                }
            }
        };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), String> {
        let err = |e: sqlx::Error| format!("migration failed: {e}");
        self.write
            .execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            .await
            .map_err(err)?;
        let list = match self.backend {
            Backend::Sqlite => MIGRATIONS_SQLITE,
            Backend::Postgres => MIGRATIONS_POSTGRES,
        };
        for (name, sql) in list {
            let mut tx = self.write.begin().await.map_err(err)?;
            let done: Option<AnyRow> =
                sqlx::query("SELECT name FROM schema_migrations WHERE name = $1")
                    .bind(*name)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(err)?;
            if done.is_some() {
                continue;
            }
            sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(err)?;
            sqlx::query("INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)")
                .bind(*name)
                .bind(crate::time::now())
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            tx.commit().await.map_err(err)?;
        }
        Ok(())
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query("SELECT setting_value FROM settings WHERE setting_key = $1")
            .bind(key)
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| r.try_get::<String, _>(0)).transpose()
    }
}

/// Whether the SQLite writer may be reused: outside any transaction, both by SQLite's account and by sqlx's.
/// When a write fails with SQLITE_FULL (disk full) SQLite may already have rolled the transaction back, so
/// sqlx's ROLLBACK fails and its depth count stays at 1; the next `begin()` then issues a SAVEPOINT, the next
/// failure's `ROLLBACK TO` leaves that transaction open, and from then on every "commit" only releases a
/// savepoint inside a transaction that is never committed: 201s for submissions a restart would lose
/// (found by `server/tests/faults.rs`). A connection in that state is closed (SQLite rolls back what it held)
/// and the pool opens a fresh one.
async fn writer_is_clean(conn: &mut sqlx::AnyConnection) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    // Runs after any rollback queued by a dropped transaction (the connection's commands are ordered).
    if conn.execute("BEGIN").await.is_err() {
        crate::error::log(format_args!(
            "SQLite writer left inside a transaction after an error: reconnecting"
        ));
        return Ok(false);
    }
    conn.execute("ROLLBACK").await?;
    if conn.is_in_transaction() {
        crate::error::log(format_args!(
            "SQLite writer out of step with its transaction count after an error: reconnecting"
        ));
        return Ok(false);
    }
    Ok(true)
}

/// Moves the WAL into the database file from a reader connection every second (PASSIVE: it waits for nobody and
/// blocks nobody), so that commits on the single writer keep a flat latency.
fn checkpoints(read: AnyPool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            tick.tick().await;
            if read.is_closed() {
                break;
            }
            let _ = read.execute("PRAGMA wal_checkpoint(PASSIVE);").await;
        }
    });
}
