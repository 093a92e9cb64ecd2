//! Gregorian dates from Unix time, for timestamps on the wire (RFC 3339,
//! UTC). Display in the Jalali calendar is the browser's `Intl` job.

/// Gregorian (year, month, day) of a day count since 1970-01-01
/// (H. Hinnant's `civil_from_days`).
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the Unix epoch.
pub fn rfc3339(unix_secs: u64) -> String {
    let (y, m, d) = civil_from_days((unix_secs / 86_400) as i64);
    let s = (unix_secs % 86_400) as u32;
    // Written digit by digit (every audited call writes two of these; the
    // formatting machinery cost more than the rest of the conversion).
    let mut out = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, width: usize, mut v: u32| {
        for i in (at..at + width).rev() {
            out[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, y.clamp(0, 9999) as u32);
    put(5, 2, m);
    put(8, 2, d);
    put(11, 2, s / 3600);
    put(14, 2, s / 60 % 60);
    put(17, 2, s % 60);
    std::str::from_utf8(&out).expect("ASCII digits").to_owned()
}

/// Days since 1970-01-01 of a Gregorian date (H. Hinnant's
/// `days_from_civil`, the inverse of [`civil_from_days`]).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Seconds since the Unix epoch of `YYYY-MM-DDTHH:MM:SSZ` (what
/// [`rfc3339`] writes); `None` for anything else.
pub fn parse_rfc3339(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r).filter(|t| t.bytes().all(|c| c.is_ascii_digit()))?.parse::<u32>().ok();
    let (y, mo, d, h, mi, se) = (n(0..4)?, n(5..7)?, n(8..10)?, n(11..13)?, n(14..16)?, n(17..19)?);
    if !(1..=12).contains(&mo) || d == 0 || d > 31 || h > 23 || mi > 59 || se > 59 {
        return None;
    }
    let days = days_from_civil(y as i32, mo, d);
    if civil_from_days(days) != (y as i32, mo, d) {
        return None;
    }
    u64::try_from(days * 86_400 + i64::from(h * 3600 + mi * 60 + se)).ok()
}

/// Whole years from `birth` (ISO `YYYY-MM-DD`) to `on`; `None` when `birth`
/// is not such a date.
pub fn age(birth: &str, on: (i32, u32, u32)) -> Option<i32> {
    let mut parts = birth.split('-').map(|x| x.parse::<i32>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d)), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let mut a = on.0 - y;
    if (on.1 as i32, on.2 as i32) < (m, d) {
        a -= 1;
    }
    Some(a)
}

/// Today's Gregorian date for a Unix time in seconds (UTC).
pub fn date_of(unix_secs: i64) -> (i32, u32, u32) {
    civil_from_days(unix_secs.div_euclid(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_turn_on_the_birthday() {
        assert_eq!(age("2000-06-15", (2026, 6, 14)), Some(25));
        assert_eq!(age("2000-06-15", (2026, 6, 15)), Some(26));
        assert_eq!(age("2008-02-29", (2026, 2, 28)), Some(17));
        assert_eq!(age("2008-02-29", (2026, 3, 1)), Some(18));
        assert_eq!(age("2000-06", (2026, 6, 15)), None);
        assert_eq!(age("2000-06-15-1", (2026, 6, 15)), None);
        assert_eq!(date_of(0), (1970, 1, 1));
        assert_eq!(date_of(-1), (1969, 12, 31));
    }

    #[test]
    fn known_instants() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_825_599), "2000-02-29T11:59:59Z");
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        for t in (0..4_000_000_000u64).step_by(86_399 * 97 + 13) {
            assert_eq!(parse_rfc3339(&rfc3339(t)), Some(t), "{t}");
        }
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2023-02-30T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2023-11-14 22:13:20Z"), None);
        for days in [-1000, 0, 11_016, 19_723, 40_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
