//! The two capture-time strings of a record: UTC (what clocks and the endpoint compare) and JST
//! (what the officer writes on the forms). Both are kept so that neither has to be recomputed by
//! a reader, and [`check_utc_jst`] makes sure they name the same instant.

/// An instant as seconds since 1970-01-01T00:00:00Z plus milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    pub seconds: i64,
    pub millis: u32,
}

impl Instant {
    /// Milliseconds since the Unix epoch (what JavaScript's `Date.now()` gives).
    pub fn from_unix_millis(ms: i64) -> Instant {
        Instant {
            seconds: ms.div_euclid(1000),
            millis: ms.rem_euclid(1000) as u32,
        }
    }

    /// `2026-11-20T13:30:05.123Z` (always milliseconds, always `Z`).
    pub fn to_utc_string(self) -> String {
        self.format(0, "Z")
    }

    /// `2026-11-20T22:30:05.123+09:00`.
    pub fn to_jst_string(self) -> String {
        self.format(9 * 3600, "+09:00")
    }

    fn format(self, offset: i64, suffix: &str) -> String {
        let local = self.seconds + offset;
        let (y, m, d) = civil_from_days(local.div_euclid(86_400));
        let sod = local.rem_euclid(86_400);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}{suffix}",
            sod / 3600,
            sod / 60 % 60,
            sod % 60,
            self.millis
        )
    }
}

/// Parses RFC 3339 `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`; fractions beyond milliseconds are cut.
pub fn parse_rfc3339(s: &str) -> Result<Instant, String> {
    let bad = || format!("not an RFC 3339 time with a zone (e.g. 2026-11-20T13:30:05Z): {s:?}");
    let b = s.as_bytes();
    if b.len() < 20 || !s.is_ascii() {
        return Err(bad());
    }
    let num = |from: usize, to: usize| -> Result<i64, String> {
        s.get(from..to)
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|t| t.parse().ok())
            .ok_or_else(bad)
    };
    let seps = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if seps.iter().any(|&(i, c)| b[i] != c) || !matches!(b[10], b'T' | b't') {
        return Err(bad());
    }
    let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (h, mi, sec) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60
    {
        return Err(bad());
    }
    let mut i = 19;
    let mut millis = 0u32;
    if b[i] == b'.' {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(bad());
        }
        let frac = format!("{:0<3}", &s[start..i.min(start + 3)]);
        millis = frac.parse().map_err(|_| bad())?;
    }
    let offset = match &s[i..] {
        "Z" | "z" => 0,
        z if z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) && &z[3..4] == ":" => {
            let oh = num(i + 1, i + 3)?;
            let om = num(i + 4, i + 6)?;
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            let o = oh * 3600 + om * 60;
            if z.starts_with('-') {
                -o
            } else {
                o
            }
        }
        _ => return Err(bad()),
    };
    let days = days_from_civil(y, mo, d);
    Ok(Instant {
        seconds: days * 86_400 + h * 3600 + mi * 60 + sec.min(59) - offset,
        millis,
    })
}

/// Both strings parse, the UTC one ends in `Z`, the JST one in `+09:00`, and they are one instant.
pub fn check_utc_jst(utc: &str, jst: &str) -> Result<Instant, String> {
    let u = parse_rfc3339(utc).map_err(|e| format!("captured_at_utc: {e}"))?;
    let j = parse_rfc3339(jst).map_err(|e| format!("captured_at_jst: {e}"))?;
    if !utc.ends_with('Z') {
        return Err(format!("captured_at_utc must end in Z: {utc:?}"));
    }
    if !jst.ends_with("+09:00") {
        return Err(format!("captured_at_jst must end in +09:00: {jst:?}"));
    }
    if u != j {
        return Err(format!(
            "captured_at_utc {utc} and captured_at_jst {jst} are not the same instant"
        ));
    }
    Ok(u)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_and_jst_strings_of_one_instant() {
        // 2026-11-20T13:30:05.123Z = 1795181405123 ms (node: Date.parse).
        let t = Instant::from_unix_millis(1_795_181_405_123);
        assert_eq!(t.to_utc_string(), "2026-11-20T13:30:05.123Z");
        assert_eq!(t.to_jst_string(), "2026-11-20T22:30:05.123+09:00");
        // Across midnight and the year boundary in JST.
        let t = parse_rfc3339("2026-12-31T15:00:00Z").unwrap();
        assert_eq!(t.to_jst_string(), "2027-01-01T00:00:00.000+09:00");
        assert_eq!(parse_rfc3339("2027-01-01T00:00:00+09:00").unwrap(), t);
    }

    #[test]
    fn mismatched_or_malformed_capture_times_are_refused() {
        assert!(check_utc_jst("2026-11-20T13:30:05Z", "2026-11-20T22:30:05+09:00").is_ok());
        assert!(check_utc_jst("2026-11-20T13:30:05.5Z", "2026-11-20T22:30:05.500+09:00").is_ok());
        let e = check_utc_jst("2026-11-20T13:30:05Z", "2026-11-20T13:30:05+09:00").unwrap_err();
        assert!(e.contains("not the same instant"), "{e}");
        assert!(check_utc_jst("2026-11-20T22:30:05+09:00", "2026-11-20T22:30:05+09:00").is_err());
        for bad in [
            "",
            "2026-11-20",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-11-20T13:30:05",
            "2026-11-20T13:30:05+0900",
            "２０２６-11-20T13:30:05Z",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
    }
}
