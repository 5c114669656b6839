//! Dates on the forms. Every date comes from the record (`captured_at`, `posted_at`) or an
//! explicit input, never from the clock, so the same record always yields the same document.
//! Police paperwork writes dates in the Japanese era (令和8年11月20日) and in JST.

use std::fmt;

/// A moment given as ISO 8601 with an offset (`2026-11-20T22:14:00+09:00`, `…Z`), kept as
/// seconds since the Unix epoch so that it can be shown in JST whatever offset it came with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    epoch: i64,
}

/// A calendar date and time of day in JST.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JstDateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
}

/// A calendar date (the day a form is dated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

const JST: i64 = 9 * 3600;

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DD`, checked against the calendar.
pub fn parse_date(s: &str) -> Option<Date> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (year, month, day) = (i64::from(digits(y)?), digits(m)?, digits(d)?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(Date { year, month, day })
}

impl Instant {
    /// ISO 8601 / RFC 3339 with a mandatory offset (`Z` or `±HH:MM`); seconds and a fraction are
    /// optional. A time without an offset is refused: its JST reading would be a guess.
    pub fn parse(s: &str) -> Option<Instant> {
        let s = s.trim();
        let (date, rest) = s.split_at_checked(10)?;
        let date = parse_date(date)?;
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let (clock, offset) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
            (c, 0)
        } else {
            let at = rest.rfind(['+', '-'])?;
            let (c, o) = rest.split_at(at);
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let o = o.get(1..)?;
            let (oh, om) = o.split_once(':').or_else(|| o.split_at_checked(2))?;
            let (oh, om) = (digits(oh)?, digits(om)?);
            if oh > 23 || om > 59 || oh.to_string().len() > 2 {
                return None;
            }
            (c, sign * (i64::from(oh) * 3600 + i64::from(om) * 60))
        };
        let clock = clock.split('.').next()?;
        let mut hms = clock.split(':');
        let h = digits(hms.next()?)?;
        let mi = digits(hms.next()?)?;
        let sec = match hms.next() {
            Some(x) => digits(x)?,
            None => 0,
        };
        if hms.next().is_some() || h > 23 || mi > 59 || sec > 60 {
            return None;
        }
        let days = days_from_civil(date.year, date.month, date.day);
        let epoch =
            days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(sec) - offset;
        Some(Instant { epoch })
    }

    pub fn jst(self) -> JstDateTime {
        let t = self.epoch + JST;
        let (year, month, day) = civil_from_days(t.div_euclid(86_400));
        let secs = t.rem_euclid(86_400);
        JstDateTime {
            year,
            month,
            day,
            hour: (secs / 3600) as u32,
            minute: ((secs % 3600) / 60) as u32,
        }
    }

    /// Whole minutes from `self` to `later` (negative when `later` is earlier).
    pub fn minutes_until(self, later: Instant) -> i64 {
        (later.epoch - self.epoch).div_euclid(60)
    }
}

impl JstDateTime {
    pub fn date(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: self.day,
        }
    }
}

/// The Japanese era year: 令和 from 2019-05-01, 平成 before.
fn era(d: Date) -> (&'static str, i64) {
    if (d.year, d.month) >= (2019, 5) {
        ("令和", d.year - 2018)
    } else {
        ("平成", d.year - 1988)
    }
}

impl fmt::Display for Date {
    /// 令和8年11月20日 (元年 for the first year).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, y) = era(*self);
        if y == 1 {
            write!(f, "{name}元年{}月{}日", self.month, self.day)
        } else {
            write!(f, "{name}{y}年{}月{}日", self.month, self.day)
        }
    }
}

impl fmt::Display for JstDateTime {
    /// 令和8年11月20日 22時14分
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}時{:02}分", self.date(), self.hour, self.minute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_read_and_shown_in_jst() {
        let a = Instant::parse("2026-11-20T22:14:00+09:00").map(Instant::jst);
        let b = Instant::parse("2026-11-20T13:14:00Z").map(Instant::jst);
        assert_eq!(a, b);
        assert_eq!(
            a.map(|t| t.to_string()).as_deref(),
            Some("令和8年11月20日 22時14分")
        );
        // Crossing midnight in JST.
        let c = Instant::parse("2026-12-31T15:30:05.123Z").map(|t| t.jst().to_string());
        assert_eq!(c.as_deref(), Some("令和9年1月1日 0時30分"));
        let d = Instant::parse("2026-11-20T08:00:00-05:00").map(|t| t.jst().to_string());
        assert_eq!(d.as_deref(), Some("令和8年11月20日 22時00分"));
    }

    #[test]
    fn malformed_times_are_refused() {
        for bad in [
            "",
            "2026-11-20",
            "2026-11-20T22:14:00",
            "2026-02-30T10:00:00Z",
            "2026-11-20T25:00:00Z",
            "20261120T221400Z",
            "2026-11-20T22:14:00+9",
            "今夜",
        ] {
            assert_eq!(Instant::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn era_names_follow_the_calendar() {
        assert_eq!(
            parse_date("2019-04-30").map(|d| d.to_string()).as_deref(),
            Some("平成31年4月30日")
        );
        assert_eq!(
            parse_date("2019-05-01").map(|d| d.to_string()).as_deref(),
            Some("令和元年5月1日")
        );
        assert_eq!(parse_date("2026-13-01"), None);
    }
}
