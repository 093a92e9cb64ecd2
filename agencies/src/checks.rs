//! The agencies' own input checks. An agency is an outside system with its
//! own contract: it takes the canonical forms only (ASCII digits, no
//! separators) and checks them itself, never with the window's code, so a
//! bug in the window's validators cannot pass on both sides unseen. Tests
//! check that the two agree on canonical values.

/// Exactly `n` ASCII digits.
fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// An Iranian national code: ten digits, not all the same, whose last digit
/// is the check digit of the first nine (weights 10 down to 2, mod 11).
pub fn national_code(s: &str) -> Result<(), String> {
    if !digits(s, 10) {
        return Err("national_code must be ten digits".into());
    }
    let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
    if d.iter().all(|&x| x == d[0]) {
        return Err("national_code cannot be one digit repeated".into());
    }
    let sum: u32 = d[..9].iter().zip((2..=10).rev()).map(|(x, w)| x * w).sum();
    let r = sum % 11;
    let check = if r < 2 { r } else { 11 - r };
    if d[9] == check {
        Ok(())
    } else {
        Err("national_code has a wrong check digit".into())
    }
}

/// A mobile number: `09` and nine more digits.
pub fn mobile(s: &str) -> Result<(), String> {
    if digits(s, 11) && s.starts_with("09") {
        Ok(())
    } else {
        Err("mobile must be 09 and nine digits".into())
    }
}

/// A mobile number as an SMS gateway takes it: national (`09…`) or
/// international (`+989…`, `00989…`, `989…`), ASCII digits; answers the
/// national form.
pub fn mobile_number(s: &str) -> Result<String, String> {
    let national = match s.strip_prefix("+98").or_else(|| s.strip_prefix("0098")) {
        Some(rest) => format!("0{rest}"),
        None if s.len() == 12 && s.starts_with("98") => format!("0{}", &s[2..]),
        None => s.to_owned(),
    };
    mobile(&national).map(|()| national)
}

/// A postal code: ten digits, not all the same.
pub fn postal_code(s: &str) -> Result<(), String> {
    if digits(s, 10) && !s.bytes().all(|b| b == s.as_bytes()[0]) {
        Ok(())
    } else {
        Err("postal code must be ten digits".into())
    }
}

/// A private-car plate: two digits, a Persian letter, five digits
/// (`12ب34567`).
pub fn plate(s: &str) -> Result<(), String> {
    let c: Vec<char> = s.chars().collect();
    let letter = |ch: char| ('\u{0622}'..='\u{06CC}').contains(&ch);
    let ok = c.len() == 8 && c[..2].iter().all(char::is_ascii_digit) && letter(c[2]) && c[3..].iter().all(char::is_ascii_digit);
    if ok {
        Ok(())
    } else {
        Err("plate must be two digits, a letter and five digits (12ب34567)".into())
    }
}

/// A customs declaration number: 8 to 14 digits.
pub fn declaration_number(s: &str) -> Result<(), String> {
    if (8..=14).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("declaration number must be 8 to 14 digits".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_codes() {
        for ok in ["0076229645", "0499370899", "1583250689", "0034567811"] {
            assert_eq!(national_code(ok), Ok(()), "{ok}");
        }
        for bad in ["0684159415", "1111111111", "", "76229645", "۰۰۷۶۲۲۹۶۴۵", "00762x9645", "0076229645 "] {
            assert!(national_code(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn others() {
        assert!(mobile("09121111111").is_ok());
        assert!(mobile("9121111111").is_err() && mobile("+989121111111").is_err() && mobile("02112345678").is_err());
        for m in ["09121111111", "+989121111111", "00989121111111", "989121111111"] {
            assert_eq!(mobile_number(m).as_deref(), Ok("09121111111"), "{m}");
        }
        assert!(mobile_number("+982112345678").is_err() && mobile_number("۰۹۱۲۱۱۱۱۱۱۱").is_err());
        assert!(postal_code("1314567891").is_ok());
        assert!(postal_code("1111111111").is_err() && postal_code("1234").is_err());
        assert!(plate("12ب34567").is_ok());
        assert!(plate("12B34567").is_err() && plate("nonsense").is_err() && plate("12 ب 345 67").is_err());
        assert!(declaration_number("123456789").is_ok() && declaration_number("12").is_err());
    }
}
