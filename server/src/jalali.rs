//! Jalali (Persian calendar) dates on the server, through ICU4X's
//! `icu_calendar`: never a hand-written calendar.

use icu_calendar::cal::Iso;
use icu_calendar::Date;

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
    fn invalid_dates_are_refused() {
        assert!(jalali_to_iso("1401-13-01").is_err());
        assert!(jalali_to_iso("1401-07-31").is_err()); // Mehr has 30 days
        assert!(jalali_to_iso("1401-07").is_err());
        assert!(jalali_to_iso("yesterday").is_err());
    }
}
