//! Jalali (Persian calendar) dates on the server, through ICU4X's
//! `icu_calendar`: never a hand-written calendar.

use icu_calendar::cal::{Iso, Persian};
use icu_calendar::Date;

/// Iran's time zone, UTC+03:30 all year since 2022: a deadline is "the end of
/// its day" there.
pub const TEHRAN_OFFSET_S: i64 = 12_600;

/// Parses a Jalali `YYYY-MM-DD` (or `YYYY/MM/DD`, any digit script) date and
/// returns the same day as an ISO 8601 Gregorian date.
pub fn jalali_to_iso(s: &str) -> Result<String, String> {
    let s = panjere_api::normalize::ascii_digits(s.trim());
    let parts: Vec<&str> = s.split(['-', '/']).collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(format!("'{s}' is not a Jalali date of the form YYYY-MM-DD"));
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else {
        return Err(format!("'{s}' is not a Jalali date of the form YYYY-MM-DD"));
    };
    let date = Date::try_new_persian(y, m, d).map_err(|e| format!("'{s}' is not a valid Jalali date: {e}"))?;
    let iso = date.to_calendar(Iso);
    Ok(format!("{:04}-{:02}-{:02}", iso.year().extended_year(), iso.month().ordinal, iso.day_of_month().0))
}

/// The last day of a Jalali month (`YYYY-MM`, any digit script), as ISO and
/// Jalali `YYYY-MM-DD`: the month's length comes from ICU (Esfand has 30
/// days only in leap years).
pub fn end_of_jalali_month(s: &str) -> Result<(String, String), String> {
    let s = panjere_api::normalize::ascii_digits(s.trim());
    let bad = || format!("'{s}' is not a Jalali month of the form YYYY-MM");
    let (y, m) = s.split_once(['-', '/']).ok_or_else(bad)?;
    let (Ok(y), Ok(m)) = (y.parse::<i32>(), m.parse::<u8>()) else {
        return Err(bad());
    };
    let first = Date::try_new_persian(y, m, 1).map_err(|e| format!("'{s}' is not a valid Jalali month: {e}"))?;
    let last = format!("{y:04}-{m:02}-{:02}", first.days_in_month());
    Ok((jalali_to_iso(&last)?, last))
}

/// An ISO `(year, month, day)` as a Jalali `YYYY-MM-DD`.
pub fn iso_to_jalali((y, m, d): (i32, u32, u32)) -> Option<String> {
    let iso = Date::try_new_iso(y, u8::try_from(m).ok()?, u8::try_from(d).ok()?).ok()?;
    let p = iso.to_calendar(Persian);
    Some(format!("{:04}-{:02}-{:02}", p.year().extended_year(), p.month().ordinal, p.day_of_month().0))
}

/// Today in Tehran, as ISO and Jalali `YYYY-MM-DD`, for a Unix time.
pub fn tehran_day(unix_secs: i64) -> (String, String) {
    let (y, m, d) = panjere_api::time::date_of(unix_secs + TEHRAN_OFFSET_S);
    (format!("{y:04}-{m:02}-{d:02}"), iso_to_jalali((y, m, d)).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        // Nowruz 1401 was 21 March 2022; 31 Shahrivar 1401 was 22 September 2022.
        assert_eq!(jalali_to_iso("1401-01-01").unwrap(), "2022-03-21");
        assert_eq!(jalali_to_iso("1401/06/31").unwrap(), "2022-09-22");
        assert_eq!(jalali_to_iso("۱۴۰۲-۰۸-۳۰").unwrap(), "2023-11-21");
    }

    #[test]
    fn ends_of_months_from_icu() {
        // The law's deadlines.
        assert_eq!(end_of_jalali_month("1401-06").unwrap(), ("2022-09-22".into(), "1401-06-31".into()));
        assert_eq!(end_of_jalali_month("1402-08").unwrap(), ("2023-11-21".into(), "1402-08-30".into()));
        assert_eq!(end_of_jalali_month("1402-09").unwrap(), ("2023-12-21".into(), "1402-09-30".into()));
        // Esfand: 30 days in the leap year 1403, 29 in 1404.
        assert_eq!(end_of_jalali_month("1403-12").unwrap(), ("2025-03-20".into(), "1403-12-30".into()));
        assert_eq!(end_of_jalali_month("1404-12").unwrap().1, "1404-12-29");
        assert!(end_of_jalali_month("1401-13").is_err());
        assert!(end_of_jalali_month("1401").is_err());
    }

    #[test]
    fn today_in_tehran() {
        // 2022-09-22 20:29:59 UTC is 23:59:59 in Tehran, still 31 Shahrivar;
        // a second later it is 1 Mehr 1401.
        let t = 1_663_878_599;
        assert_eq!(tehran_day(t), ("2022-09-22".into(), "1401-06-31".into()));
        assert_eq!(tehran_day(t + 1), ("2022-09-23".into(), "1401-07-01".into()));
        assert_eq!(iso_to_jalali((2026, 11, 28)).unwrap(), "1405-09-07");
    }

    #[test]
    fn invalid_dates_are_refused() {
        assert!(jalali_to_iso("1401-13-01").is_err());
        assert!(jalali_to_iso("1401-07-31").is_err()); // Mehr has 30 days
        assert!(jalali_to_iso("1401-07").is_err());
        assert!(jalali_to_iso("yesterday").is_err());
    }
}
