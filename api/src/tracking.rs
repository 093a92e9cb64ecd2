//! Tracking codes (کد رهگیری): ten symbols from Crockford's base-32 alphabet
//! (no I, L, O or U, so nothing reads as another symbol), the last a check
//! symbol (Luhn mod 32) that catches any single mistyped symbol and any swap
//! of two neighbours except `0`↔`Z` (Luhn's one blind spot). Shown as
//! `XXX-XXX-XXXX`.

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn index(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|i| i as u32)
}

/// The Luhn mod-32 check symbol of `payload` (symbols of the alphabet).
fn check_symbol(payload: &[u8]) -> Option<u8> {
    let n = 32;
    let mut factor = 2;
    let mut sum = 0;
    for &c in payload.iter().rev() {
        let mut addend = factor * index(c)?;
        factor = if factor == 2 { 1 } else { 2 };
        addend = addend / n + addend % n;
        sum += addend;
    }
    Some(ALPHABET[((n - sum % n) % n) as usize])
}

/// A tracking code from nine random payload symbols (given as 9 bytes of
/// randomness; each uses its low 5 bits).
pub fn from_random(random: [u8; 9]) -> String {
    let payload: Vec<u8> = random.iter().map(|b| ALPHABET[(b & 31) as usize]).collect();
    let check = check_symbol(&payload).expect("alphabet symbols");
    let mut code = String::from_utf8(payload).expect("ASCII");
    code.push(check as char);
    format_code(&code)
}

fn format_code(raw: &str) -> String {
    format!("{}-{}-{}", &raw[..3], &raw[3..6], &raw[6..])
}

/// Normalises a typed code (any case, spaces, dashes; O→0, I/L→1 as
/// Crockford allows) and checks it: `Some("XXX-XXX-XXXX")` when valid.
pub fn parse(input: &str) -> Option<String> {
    let raw: String = crate::normalize::ascii_digits(input)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    let bytes = raw.as_bytes();
    if bytes.len() != 10 || bytes.iter().any(|&b| index(b).is_none()) {
        return None;
    }
    (check_symbol(&bytes[..9])? == bytes[9]).then(|| format_code(&raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_format() {
        let code = from_random([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(code.len(), 12);
        assert_eq!(&code[..11], "123-456-789");
        assert_eq!(parse(&code).as_deref(), Some(code.as_str()));
        assert_eq!(parse(&code.to_lowercase().replace('-', " ")).as_deref(), Some(code.as_str()));
    }

    #[test]
    fn every_single_substitution_and_adjacent_swap_is_caught() {
        for seed in 0..40u8 {
            let code = from_random([seed, seed.wrapping_mul(7), 3, seed ^ 5, 11, 13, seed.wrapping_add(17), 19, 23]);
            let raw: Vec<u8> = code.bytes().filter(|&b| b != b'-').collect();
            for i in 0..raw.len() {
                for &s in ALPHABET {
                    if s == raw[i] {
                        continue;
                    }
                    let mut bad = raw.clone();
                    bad[i] = s;
                    assert_eq!(parse(std::str::from_utf8(&bad).unwrap()), None, "{code}: symbol {i} → {}", s as char);
                }
                let blind = matches!((raw[i], raw.get(i + 1)), (b'0', Some(b'Z')) | (b'Z', Some(b'0')));
                if i + 1 < raw.len() && raw[i] != raw[i + 1] && !blind {
                    let mut swapped = raw.clone();
                    swapped.swap(i, i + 1);
                    assert_eq!(parse(std::str::from_utf8(&swapped).unwrap()), None, "{code}: swap at {i}");
                }
            }
        }
    }

    #[test]
    fn ambiguous_letters_read_as_digits() {
        let code = from_random([0, 1, 0, 1, 0, 1, 0, 1, 0]);
        assert!(code.starts_with("010-101-010"));
        let typed = code.replacen('0', "O", 1).replacen('1', "l", 1);
        assert_eq!(parse(&typed).as_deref(), Some(code.as_str()));
        assert_eq!(parse("۰۱۰-۱۰۱-۰۱۰"), None, "too short");
        assert_eq!(parse("UUU-UUU-UUUU"), None);
    }
}
