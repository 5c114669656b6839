//! Times as stored: UTC text with milliseconds and `Z`, so that text order is time order on both back-ends.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};

pub const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3fZ";

pub fn now() -> String {
    Utc::now().format(FORMAT).to_string()
}

pub fn fmt(t: DateTime<Utc>) -> String {
    t.format(FORMAT).to_string()
}

/// Total for any `days` a client can send (`?days=9223372036854775806` panicked in chrono, found by
/// schemathesis): clamped to a thousand years, which keeps the stored four-digit-year text order.
pub fn days_ago(days: i64) -> String {
    fmt(Utc::now() - Duration::days(days.clamp(0, MAX_DAYS)))
}

/// A thousand years.
pub const MAX_DAYS: i64 = 365_000;

/// Accepts any RFC 3339 time from a client and stores it in the one format.
pub fn normalize(s: &str) -> Result<String, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| fmt(t.with_timezone(&Utc)))
        .map_err(|e| format!("not an RFC 3339 time: {s:?} ({e})"))
}

pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Whole days between `from` and `to` (or now).
pub fn days_between(from: &str, to: Option<&str>) -> i64 {
    let Some(a) = parse(from) else { return 0 };
    let b = to.and_then(parse).unwrap_or_else(Utc::now);
    (b - a).num_days().max(0)
}

/// The UTC range of a calendar month in Japan (reports count by the JST month, 001 §5(4)).
pub fn jst_month_range(month: &str) -> Result<(String, String), String> {
    let bad = || format!("month must be YYYY-MM, got {month:?}");
    let (y, m) = month.split_once('-').ok_or_else(bad)?;
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    let start = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
    let end = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    }
    .ok_or_else(bad)?;
    let jst = FixedOffset::east_opt(9 * 3600).ok_or_else(bad)?;
    let at = |d: NaiveDate| -> Result<String, String> {
        let local = d.and_hms_opt(0, 0, 0).ok_or_else(bad)?;
        let t = jst.from_local_datetime(&local).single().ok_or_else(bad)?;
        Ok(fmt(t.with_timezone(&Utc)))
    };
    Ok((at(start)?, at(end)?))
}

pub fn current_jst_month() -> String {
    (Utc::now() + Duration::hours(9))
        .format("%Y-%m")
        .to_string()
}

#[cfg(test)]
mod days_ago_tests {
    use super::*;

    #[test]
    fn days_ago_never_panics_on_extreme_counts() {
        for d in [i64::MIN, -1, 0, 1, i64::MAX - 1, i64::MAX] {
            let t = days_ago(d);
            assert_eq!(t.len(), "2026-01-01T00:00:00.000Z".len(), "{d}: {t}");
        }
    }
}
