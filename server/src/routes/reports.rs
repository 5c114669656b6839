//! The monthly report (001 §5(4)): warnings given, by category; takedown statistics for the cyber planning
//! division (000 §4(2)); holds. Months are Japanese calendar months. JSON for the printable page, or CSV.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::policy::Scope;
use crate::routes::submissions::CATEGORIES;
use crate::routes::takedowns::csv_response;
use crate::routes::{audited, Arg, Filter};
use crate::{time, Shared};
use axum::extract::{Query, State};
use axum::response::Response;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use sqlx::Row;
use std::collections::BTreeMap;

#[derive(Deserialize)]
pub struct MonthlyQuery {
    month: Option<String>,
    format: Option<String>,
    unit: Option<String>,
}

async fn count(state: &Shared, sql: &str, f: &Filter) -> ApiResult<i64> {
    Ok(f.query(sql).fetch_one(&state.db.read).await?.try_get(0)?)
}

fn unit_filter(unit: &Option<String>, col: &str) -> Filter {
    let mut f = Filter::default();
    if let Some(u) = unit {
        f.push(&format!("{col} = ?"), Arg::S(u.clone()));
    }
    f
}

pub async fn build(state: &Shared, month: &str, unit: Option<String>) -> ApiResult<Value> {
    let (from, to) = time::jst_month_range(month).map_err(ApiError::BadRequest)?;
    let range = |f: &mut Filter, col: &str| {
        f.push(&format!("{col} >= ?"), Arg::S(from.clone()));
        f.push(&format!("{col} < ?"), Arg::S(to.clone()));
    };
    // Warnings by category.
    let mut f = unit_filter(&unit, "unit");
    range(&mut f, "replied_at");
    let rows = f
        .query(&format!(
            "SELECT category, doubtful FROM warnings WHERE {}",
            f.sql()
        ))
        .fetch_all(&state.db.read)
        .await?;
    let mut by_cat: BTreeMap<String, i64> = CATEGORIES.iter().map(|c| (c.to_string(), 0)).collect();
    let mut doubtful = 0;
    for r in &rows {
        *by_cat.entry(r.try_get::<String, _>(0)?).or_default() += 1;
        doubtful += (r.try_get::<i64, _>(1)? != 0) as i64;
    }
    // Cases first reported this month.
    let mut f = unit_filter(&unit, "unit");
    range(&mut f, "first_reported_at");
    let rows = f
        .query(&format!(
            "SELECT categories, status FROM cases WHERE {}",
            f.sql()
        ))
        .fetch_all(&state.db.read)
        .await?;
    let mut case_cat: BTreeMap<String, i64> =
        CATEGORIES.iter().map(|c| (c.to_string(), 0)).collect();
    let mut case_status: BTreeMap<String, i64> = ["new", "approved", "returned", "done"]
        .iter()
        .map(|s| (s.to_string(), 0))
        .collect();
    for r in &rows {
        for c in r.try_get::<String, _>(0)?.split_whitespace() {
            *case_cat.entry(c.to_string()).or_default() += 1;
        }
        *case_status.entry(r.try_get::<String, _>(1)?).or_default() += 1;
    }
    // Takedowns requested this month, their outcome so far, and the whole backlog.
    let mut f = unit_filter(&unit, "unit");
    range(&mut f, "requested_at");
    let rows = f
        .query(&format!(
            "SELECT method, state, foreign_admin, requested_at, removed_at FROM takedowns WHERE {}",
            f.sql()
        ))
        .fetch_all(&state.db.read)
        .await?;
    let mut by_method: BTreeMap<String, i64> = BTreeMap::new();
    let (mut removed, mut still_up, mut foreign) = (0, 0, 0);
    let mut days_to_removal = Vec::new();
    for r in &rows {
        *by_method.entry(r.try_get::<String, _>(0)?).or_default() += 1;
        let st: String = r.try_get(1)?;
        if st == "removed" {
            removed += 1;
            let req: String = r.try_get(3)?;
            let rem: Option<String> = r.try_get(4)?;
            let secs = rem
                .as_deref()
                .and_then(time::parse)
                .zip(time::parse(&req))
                .map(|(b, a)| (b - a).num_seconds().max(0) as f64 / 86400.0);
            days_to_removal.extend(secs);
        } else {
            still_up += 1;
        }
        foreign += (r.try_get::<i64, _>(2)? != 0) as i64;
    }
    days_to_removal.sort_by(|a, b| a.total_cmp(b));
    let median = match days_to_removal.len() {
        0 => None,
        n if n % 2 == 1 => Some(days_to_removal[n / 2]),
        n => Some((days_to_removal[n / 2 - 1] + days_to_removal[n / 2]) / 2.0),
    }
    .map(|d| (d * 10.0).round() / 10.0);
    let mut f = unit_filter(&unit, "unit");
    f.clauses.push("state <> 'removed'".into());
    let outstanding = count(
        state,
        &format!("SELECT COUNT(*) FROM takedowns WHERE {}", f.sql()),
        &f,
    )
    .await?;
    f.push(
        "requested_at <= ?",
        Arg::S(time::days_ago(state.config.overdue_days)),
    );
    let overdue = count(
        state,
        &format!("SELECT COUNT(*) FROM takedowns WHERE {}", f.sql()),
        &f,
    )
    .await?;
    // Holds.
    let mut f = unit_filter(&unit, "unit");
    range(&mut f, "created_at");
    let registered = count(
        state,
        &format!("SELECT COUNT(*) FROM holds WHERE {}", f.sql()),
        &f,
    )
    .await?;
    let mut f = unit_filter(&unit, "unit");
    range(&mut f, "released_at");
    let released = count(
        state,
        &format!("SELECT COUNT(*) FROM holds WHERE {}", f.sql()),
        &f,
    )
    .await?;
    let mut f = unit_filter(&unit, "unit");
    f.clauses.push("released_at IS NULL".into());
    let active = count(
        state,
        &format!("SELECT COUNT(*) FROM holds WHERE {}", f.sql()),
        &f,
    )
    .await?;
    let total_w: i64 = by_cat.values().sum();
    Ok(json!({
        "month": month, "unit": unit,
        "warnings": {"total": total_w, "doubtful": doubtful, "by_category": by_cat},
        "cases": {"total": rows_len(&case_status), "by_category": case_cat, "by_status": case_status},
        "takedowns": {"requested": removed + still_up, "removed": removed, "still_up": still_up, "outstanding": outstanding, "overdue": overdue,
                      "foreign": foreign, "median_days_to_removal": median, "by_method": by_method},
        "holds": {"registered": registered, "released": released, "active": active},
    }))
}

fn rows_len(m: &BTreeMap<String, i64>) -> i64 {
    m.values().sum()
}

pub async fn monthly(
    State(state): State<Shared>,
    Extension(c): Extension<Caller>,
    Query(q): Query<MonthlyQuery>,
) -> ApiResult<Response> {
    let month = q
        .month
        .clone()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(time::current_jst_month);
    let unit = match c.scope {
        Scope::All => q.unit.clone().filter(|u| !u.is_empty()),
        _ => Some(c.unit.clone()),
    };
    let report = build(&state, &month, unit).await?;
    let obj = format!("report:monthly:{month}");
    if q.format.as_deref() == Some("csv") {
        let mut rows = vec![vec!["section".to_string(), "key".into(), "value".into()]];
        flatten("", &report, &mut rows);
        return Ok(audited(
            obj,
            csv_response(&format!("monthly-{month}.csv"), rows),
        ));
    }
    Ok(audited(obj, Json(report)))
}

fn flatten(prefix: &str, v: &Value, rows: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            let m: &Map<String, Value> = m;
            for (k, x) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, x, rows);
            }
        }
        other => {
            let (section, key) = prefix.split_once('.').unwrap_or((prefix, ""));
            let val = match other {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                x => x.to_string(),
            };
            rows.push(vec![section.to_string(), key.to_string(), val]);
        }
    }
}
