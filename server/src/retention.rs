//! Retention (002 §5): every record type has a period; what is past it is purged by a background task (and on an
//! admin's request), and each purge leaves an audit entry with its counts. Evidence goes first (365 days by
//! default); cases only once done; the audit log itself only after its own period (the database refuses earlier).

use crate::db::Db;
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::BTreeMap;

pub const TYPES: &[&str] = &[
    "evidence",
    "submission",
    "case",
    "takedown",
    "hold",
    "audit",
    "session",
];

/// The shortest period an admin may set: the audit log is kept three years (the database refuses earlier
/// deletes too); registers one year (002 §5); evidence at least 30 days.
pub fn minimum_days(record_type: &str) -> i64 {
    match record_type {
        "audit" => 1095,
        "case" | "submission" | "takedown" | "hold" => 365,
        "evidence" => 30,
        _ => 1,
    }
}

pub async fn periods(db: &Db) -> Result<BTreeMap<String, i64>, sqlx::Error> {
    let rows = sqlx::query("SELECT record_type, days FROM retention")
        .fetch_all(&db.read)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)?)))
        .collect()
}

/// Deletes what is past its period, in one transaction, and returns the counts per type.
pub async fn purge(db: &Db) -> Result<BTreeMap<String, i64>, sqlx::Error> {
    let p = periods(db).await?;
    let cutoff = |t: &str| crate::time::days_ago((*p.get(t).unwrap_or(&1095)).max(minimum_days(t)));
    let mut out = BTreeMap::new();
    let mut tx = db.write.begin().await?;
    // Evidence: the log, artefact bytes and form HTML of old submissions of closed cases whose URL is not held
    // (an investigation may still need them); the submission row and its hashes stay.
    let c = cutoff("evidence");
    let a = sqlx::query("UPDATE artefacts SET content = NULL WHERE content IS NOT NULL AND submission_id IN (SELECT id FROM submissions WHERE received_at < $1 AND case_id IN (SELECT c.id FROM cases c WHERE c.status IN ('done', 'returned') AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.released_at IS NULL AND h.normalized_url = c.normalized_url)))")
        .bind(&c)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let f = sqlx::query("UPDATE forms SET html = NULL WHERE html IS NOT NULL AND submission_id IN (SELECT id FROM submissions WHERE received_at < $1 AND case_id IN (SELECT c.id FROM cases c WHERE c.status IN ('done', 'returned') AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.released_at IS NULL AND h.normalized_url = c.normalized_url)))")
        .bind(&c)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let l = sqlx::query("UPDATE submissions SET evidence_log = NULL WHERE evidence_log IS NOT NULL AND received_at < $1 AND case_id IN (SELECT c.id FROM cases c WHERE c.status IN ('done', 'returned') AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.released_at IS NULL AND h.normalized_url = c.normalized_url))")
        .bind(&c)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    out.insert("evidence".to_string(), (a + f + l) as i64);
    // Cases: done (or returned and never resubmitted) and untouched for the period, with everything under them.
    let c = cutoff("case");
    let sub_of = "SELECT s.id FROM submissions s JOIN cases c ON c.id = s.case_id WHERE c.status IN ('done', 'returned') AND c.updated_at < $1";
    let case_ids = "SELECT id FROM cases WHERE status IN ('done', 'returned') AND updated_at < $1";
    for sql in [
        format!("DELETE FROM artefacts WHERE submission_id IN ({sub_of})"),
        format!("DELETE FROM forms WHERE case_id IN ({case_ids})"),
        format!("DELETE FROM case_events WHERE case_id IN ({case_ids})"),
        format!("DELETE FROM warnings WHERE case_id IN ({case_ids})"),
    ] {
        sqlx::query(&sql).bind(&c).execute(&mut *tx).await?;
    }
    let s = sqlx::query(&format!(
        "DELETE FROM submissions WHERE case_id IN ({case_ids})"
    ))
    .bind(&c)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let n =
        sqlx::query("DELETE FROM cases WHERE status IN ('done', 'returned') AND updated_at < $1")
            .bind(&c)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    out.insert("case".to_string(), n as i64);
    out.insert("submission".to_string(), s as i64);
    let c = cutoff("takedown");
    sqlx::query("DELETE FROM takedown_checks WHERE takedown_id IN (SELECT id FROM takedowns WHERE state = 'removed' AND requested_at < $1)")
        .bind(&c)
        .execute(&mut *tx)
        .await?;
    let t = sqlx::query("DELETE FROM takedowns WHERE state = 'removed' AND requested_at < $1")
        .bind(&c)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    out.insert("takedown".to_string(), t as i64);
    let h = sqlx::query("DELETE FROM holds WHERE released_at IS NOT NULL AND released_at < $1")
        .bind(cutoff("hold"))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    out.insert("hold".to_string(), h as i64);
    let s = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(crate::time::now())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    out.insert("session".to_string(), s as i64);
    let au = sqlx::query("DELETE FROM audit WHERE at_utc < $1")
        .bind(cutoff("audit"))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    out.insert("audit".to_string(), au as i64);
    let summary = json!({"at": crate::time::now(), "purged": out});
    sqlx::query("DELETE FROM settings WHERE setting_key = 'last_purge'")
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO settings (setting_key, setting_value) VALUES ('last_purge', $1)")
        .bind(summary.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(out)
}

/// A purge with its audit entry (the system as actor when no user asked).
pub async fn purge_audited(
    db: &Db,
    who: Option<&(i64, String, String, String)>,
) -> Result<BTreeMap<String, i64>, sqlx::Error> {
    let out = purge(db).await?;
    let detail = serde_json::to_string(&out).unwrap_or_default();
    crate::audit::write(
        db,
        crate::audit::Entry {
            user: who,
            method: "TASK",
            path: "retention",
            action: "retention.purge",
            object: Some("retention"),
            remote: None,
            status: 200,
            outcome: "ok",
            detail: Some(&detail),
        },
    )
    .await?;
    Ok(out)
}

pub fn last_purge(raw: Option<String>) -> Value {
    raw.and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null)
}

/// Runs the purge every `every` (hourly by default) for the life of the server.
pub fn spawn(db: Db, every: std::time::Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = purge_audited(&db, None).await {
                eprintln!("patrol-server: retention purge failed: {e}");
            }
        }
    });
}
