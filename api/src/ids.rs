//! Iranian identifiers: national code (کد ملی), mobile number, postal code.
//! One implementation for the browser and the server.

use crate::normalize::ascii_digit;

/// Why a national code is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NationalCodeError {
    Empty,
    /// Something other than digits, spaces and dashes.
    NotDigits,
    /// Fewer than 8 or more than 10 digits.
    Length(usize),
    /// All ten digits the same (e.g. 1111111111).
    AllSame,
    CheckDigit,
}

/// Digits of `input` in ASCII (any script), with spaces and dashes dropped;
/// `None` if anything else is there.
fn digits(input: &str) -> Option<String> {
    let mut out = String::new();
    for c in input.chars() {
        match c {
            ' ' | '-' | '\u{200C}' | '\u{00A0}' => {}
            c => out.push(ascii_digit(c)?),
        }
    }
    Some(out)
}

/// Normalises and validates a national code: Persian, Arabic-Indic or ASCII
/// digits; spaces and dashes dropped; 8–10 digits left-padded to 10; not all
/// the same digit; the mod-11 check digit.
pub fn national_code(input: &str) -> Result<String, NationalCodeError> {
    if input.trim().is_empty() {
        return Err(NationalCodeError::Empty);
    }
    let d = digits(input).ok_or(NationalCodeError::NotDigits)?;
    if !(8..=10).contains(&d.len()) {
        return Err(NationalCodeError::Length(d.len()));
    }
    let code = format!("{d:0>10}");
    let b: Vec<u32> = code.bytes().map(|b| u32::from(b - b'0')).collect();
    if b.iter().all(|&x| x == b[0]) {
        return Err(NationalCodeError::AllSame);
    }
    let s = (0..9).map(|i| b[i] * (10 - i as u32)).sum::<u32>() % 11;
    let ok = if s < 2 { b[9] == s } else { b[9] == 11 - s };
    if ok {
        Ok(code)
    } else {
        Err(NationalCodeError::CheckDigit)
    }
}

/// Why a mobile number is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MobileError {
    Empty,
    NotDigits,
    /// Not an Iranian mobile number (09xxxxxxxxx).
    Format,
}

/// Normalises a mobile number to `09xxxxxxxxx`: accepts `09…`, `9…`,
/// `+989…`, `00989…`, `989…` in any digit script, with spaces and dashes.
pub fn mobile(input: &str) -> Result<String, MobileError> {
    let t = input.trim();
    if t.is_empty() {
        return Err(MobileError::Empty);
    }
    let (plus, rest) = match t.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let d = digits(rest).ok_or(MobileError::NotDigits)?;
    let national = if plus {
        d.strip_prefix("98").ok_or(MobileError::Format)?
    } else if let Some(r) = d.strip_prefix("0098") {
        r
    } else if let Some(r) = d.strip_prefix("98").filter(|r| r.len() == 10) {
        r
    } else if let Some(r) = d.strip_prefix('0') {
        r
    } else {
        d.as_str()
    };
    if national.len() == 10 && national.starts_with('9') {
        Ok(format!("0{national}"))
    } else {
        Err(MobileError::Format)
    }
}

/// A ten-digit postal code (any digit script, dashes and spaces dropped).
pub fn postal_code(input: &str) -> Option<String> {
    let d = digits(input)?;
    (d.len() == 10 && !d.bytes().all(|b| b == d.as_bytes()[0])).then_some(d)
}

/// A private-car plate normalised to `12ب34567`: two digits, a Persian
/// letter, three digits, the two-digit province code (any digit script,
/// spaces, dashes and the word ایران dropped).
pub fn plate(input: &str) -> Option<String> {
    let s: String =
        input.replace("ایران", "").chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| ascii_digit(c).unwrap_or(c)).collect();
    let c: Vec<char> = s.chars().collect();
    let letter = |ch: char| ('\u{0622}'..='\u{06CC}').contains(&ch) && !ch.is_ascii_digit();
    let ok = c.len() == 8 && c[..2].iter().all(char::is_ascii_digit) && letter(c[2]) && c[3..].iter().all(char::is_ascii_digit);
    ok.then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_code_vectors() {
        for ok in ["0076229645", "0499370899", "1583250689"] {
            assert_eq!(national_code(ok), Ok(ok.to_owned()), "{ok}");
        }
        assert_eq!(national_code("0684159415"), Err(NationalCodeError::CheckDigit));
        assert_eq!(national_code("1111111111"), Err(NationalCodeError::AllSame));
        assert_eq!(national_code("0000000000"), Err(NationalCodeError::AllSame));
        assert_eq!(national_code(""), Err(NationalCodeError::Empty));
        assert_eq!(national_code("12345"), Err(NationalCodeError::Length(5)));
        assert_eq!(national_code("12345678901"), Err(NationalCodeError::Length(11)));
        assert_eq!(national_code("00762x9645"), Err(NationalCodeError::NotDigits));
    }

    #[test]
    fn national_code_digit_scripts_separators_and_padding() {
        assert_eq!(national_code("۰۰۷۶۲۲۹۶۴۵").as_deref(), Ok("0076229645"));
        assert_eq!(national_code("٠٠٧٦٢٢٩٦٤٥").as_deref(), Ok("0076229645"));
        assert_eq!(national_code("007-622964 5").as_deref(), Ok("0076229645"));
        // 8 and 9 digits are left-padded
        assert_eq!(national_code("76229645").as_deref(), Ok("0076229645"));
        assert_eq!(national_code("499370899").as_deref(), Ok("0499370899"));
    }

    #[test]
    fn mobile_forms() {
        for m in [
            "09121234567",
            "9121234567",
            "+989121234567",
            "00989121234567",
            "989121234567",
            "۰۹۱۲۱۲۳۴۵۶۷",
            "0912 123 4567",
            "+98 912-123-4567",
        ] {
            assert_eq!(mobile(m).as_deref(), Ok("09121234567"), "{m}");
        }
        assert_eq!(mobile(""), Err(MobileError::Empty));
        assert_eq!(mobile("02112345678"), Err(MobileError::Format));
        assert_eq!(mobile("0912123456"), Err(MobileError::Format));
        assert_eq!(mobile("+19121234567"), Err(MobileError::Format));
        assert_eq!(mobile("0912abc4567"), Err(MobileError::NotDigits));
    }

    #[test]
    fn plates() {
        assert_eq!(plate("۱۲ ب ۳۴۵ ایران ۶۷").as_deref(), Some("12ب34567"));
        assert_eq!(plate("12ب345-67").as_deref(), Some("12ب34567"));
        assert_eq!(plate("12B34567"), None);
        assert_eq!(plate("123"), None);
    }

    #[test]
    fn postal_codes() {
        assert_eq!(postal_code("۱۳۱۴۵-۶۷۸۹۱").as_deref(), Some("1314567891"));
        assert_eq!(postal_code("123"), None);
        assert_eq!(postal_code("1111111111"), None);
    }
}
