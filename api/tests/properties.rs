//! Properties of every validator and normaliser, over generated inputs:
//! none panics on any string (any Unicode, bidi and joiner marks, U+FFFD where
//! a browser's lone surrogate was, 10 KB long); every normalised value is
//! accepted as it is and normalises to itself; a valid value is accepted in
//! every mix of ASCII, Persian and Arabic-Indic digits, with the spaces and
//! dashes people type. `PROPTEST_CASES` sets the number of cases (default
//! 256 per property).

use panjere_api::forms::{check_field, jalali_date, rials, Field, FieldType};
use panjere_api::ids::{mobile, national_code, plate, postal_code};
use panjere_api::normalize::{ascii_digits, normalize};
use panjere_api::{tracking, Text};
use proptest::prelude::*;

/// Characters citizens' input is made of, and the awkward ones.
fn typed_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('0', '9'),
        2 => proptest::char::range('\u{06F0}', '\u{06F9}'),
        2 => proptest::char::range('\u{0660}', '\u{0669}'),
        3 => proptest::char::range('\u{0621}', '\u{064A}'),
        1 => prop::sample::select(vec![
            'پ', 'چ', 'ژ', 'گ', 'ک', 'ی', 'ي', 'ك', 'ة', 'ۀ', 'ء', 'آ', 'ـ', '\u{064B}', '\u{0670}',
            '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{2066}', '\u{2069}',
            '\u{00A0}', '\u{FEFF}', '\u{FFFD}', ' ', '-', '/', ',', '٬', '+', '\t', '\n', 'I', 'l', 'O', 'İ', 'ß', 'Σ',
        ]),
        1 => any::<char>(),
    ]
}

/// A string of typed characters: short mostly, up to 10 KB sometimes.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::collection::vec(typed_char(), 0..40).prop_map(|v| v.into_iter().collect()),
        1 => prop::collection::vec(typed_char(), 2_000..10_000).prop_map(|v| v.into_iter().collect()),
        1 => any::<String>(),
    ]
}

/// `ascii` (digits, and what else) with each digit in a script chosen by
/// `scripts` (0 ASCII, 1 Persian, 2 Arabic-Indic), and a space or dash after
/// the positions in `gaps`.
fn retyped(ascii: &str, scripts: &[u8], gaps: &[bool]) -> String {
    let mut out = String::new();
    for (i, c) in ascii.chars().enumerate() {
        let script = scripts.get(i % scripts.len().max(1)).copied().unwrap_or(0);
        match (c.to_digit(10), script) {
            (Some(d), 1) => out.push(char::from_u32(0x06F0 + d).unwrap()),
            (Some(d), 2) => out.push(char::from_u32(0x0660 + d).unwrap()),
            _ => out.push(c),
        }
        if gaps.get(i).copied().unwrap_or(false) && i + 1 < ascii.chars().count() {
            out.push(if i % 2 == 0 { ' ' } else { '-' });
        }
    }
    out
}

fn scripts() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0u8..3, 1..12)
}

fn gaps() -> impl Strategy<Value = Vec<bool>> {
    prop::collection::vec(prop::bool::weighted(0.15), 0..12)
}

/// A valid national code: nine digits (not all the same) and the check digit.
fn valid_national_code() -> impl Strategy<Value = String> {
    "[0-9]{9}".prop_filter_map("all the same digit", |nine| {
        let d: Vec<u32> = nine.chars().map(|c| c.to_digit(10).unwrap()).collect();
        let s = (0..9).map(|i| d[i] * (10 - i as u32)).sum::<u32>() % 11;
        let code = format!("{nine}{}", if s < 2 { s } else { 11 - s });
        (!code.bytes().all(|b| b == code.as_bytes()[0])).then_some(code)
    })
}

fn field(kind: FieldType) -> Field {
    Field { name: "f".into(), label: Text { fa: "ف".into(), en: "f".into() }, hint: None, kind, required: true, step: 1 }
}

fn field_types() -> Vec<FieldType> {
    vec![
        FieldType::NationalCode,
        FieldType::Mobile,
        FieldType::PostalCode,
        FieldType::Plate,
        FieldType::JalaliDate,
        FieldType::Digits { min: 4, max: 20 },
        FieldType::Rials { min: 1_000, max: 10_000_000_000 },
        FieldType::Text { min: 2, max: 500, multiline: false },
        FieldType::Text { min: 0, max: 2_000, multiline: true },
    ]
}

proptest! {
    /// No validator or normaliser panics, and what each accepts is a fixed
    /// point: accepted as it is, normalised to itself.
    #[test]
    fn any_input_is_answered_and_accepted_values_are_fixed_points(s in typed()) {
        if let Ok(n) = national_code(&s) {
            prop_assert_eq!(national_code(&n), Ok(n));
        }
        if let Ok(m) = mobile(&s) {
            prop_assert_eq!(mobile(&m), Ok(m));
        }
        if let Some(p) = postal_code(&s) {
            prop_assert_eq!(postal_code(&p), Some(p));
        }
        if let Some(p) = plate(&s) {
            prop_assert_eq!(plate(&p), Some(p));
        }
        if let Some(d) = jalali_date(&s) {
            prop_assert_eq!(jalali_date(&d), Some(d));
        }
        if let Some(r) = rials(&s) {
            prop_assert_eq!(rials(&r.to_string()), Some(r));
        }
        if let Some(t) = tracking::parse(&s) {
            prop_assert_eq!(tracking::parse(&t), Some(t));
        }
        let n = normalize(&s);
        prop_assert_eq!(normalize(&n), n, "normalize is idempotent on {:?}", s);
        prop_assert_eq!(ascii_digits(&ascii_digits(&s)), ascii_digits(&s));
        for kind in field_types() {
            let f = field(kind);
            if let Ok(v) = check_field(&f, &s) {
                prop_assert_eq!(check_field(&f, &v), Ok(v.clone()), "{:?} accepts {:?} as {:?}", f.kind, s, v);
            }
        }
    }

    /// A valid national code is accepted whatever digits it is typed in,
    /// with spaces and dashes, and 8 or 9 digits when its leading zeros are
    /// left out.
    #[test]
    fn national_codes_in_every_script(code in valid_national_code(), sc in scripts(), g in gaps()) {
        prop_assert_eq!(national_code(&retyped(&code, &sc, &g)), Ok(code.clone()));
        let trimmed = code.trim_start_matches('0');
        if trimmed.len() >= 8 {
            prop_assert_eq!(national_code(&retyped(trimmed, &sc, &[])), Ok(code.clone()));
        }
    }

    /// One wrong digit in a national code is caught, but for the
    /// algorithm's one blind spot: remainders 1 and 10 both give check digit
    /// 1, so a wrong digit that moves the remainder between them passes.
    #[test]
    fn one_wrong_digit_in_a_national_code_is_caught(code in valid_national_code(), at in 0usize..10, by in 1u32..10) {
        let remainder = |d: &[u32]| (0..9).map(|i| d[i] * (10 - i as u32)).sum::<u32>() % 11;
        let mut d: Vec<u32> = code.chars().map(|c| c.to_digit(10).unwrap()).collect();
        let before = remainder(&d);
        d[at] = (d[at] + by) % 10;
        let wrong: String = d.iter().map(|x| char::from_digit(*x, 10).unwrap()).collect();
        let same = d.iter().all(|x| *x == d[0]);
        let blind_spot = at < 9 && !same && matches!((before, remainder(&d)), (1, 10) | (10, 1));
        prop_assert_eq!(national_code(&wrong).is_ok(), blind_spot, "{} (remainders {} → {})", wrong, before, remainder(&d));
    }

    /// A mobile number in each way people write it, any digits.
    #[test]
    fn mobiles_in_every_form(rest in "9[0-9]{9}", prefix in prop::sample::select(vec!["0", "", "+98", "0098", "98", "+98 "]), sc in scripts(), g in gaps()) {
        let typed = format!("{prefix}{}", retyped(&rest, &sc, &g));
        prop_assert_eq!(mobile(&typed), Ok(format!("0{rest}")));
    }

    #[test]
    fn postal_codes_in_every_script(code in "[0-9]{10}", sc in scripts(), g in gaps()) {
        prop_assume!(!code.bytes().all(|b| b == code.as_bytes()[0]));
        prop_assert_eq!(postal_code(&retyped(&code, &sc, &g)), Some(code));
    }

    #[test]
    fn plates_in_every_script(two in "[0-9]{2}", letter in prop::sample::select(vec!['ب', 'ج', 'د', 'س', 'ص', 'ط', 'ق', 'ل', 'م', 'ن', 'و', 'ه', 'ی']), five in "[0-9]{5}", sc in scripts(), iran in any::<bool>()) {
        let canonical = format!("{two}{letter}{five}");
        let typed = format!("{} {letter} {}{}", retyped(&two, &sc, &[]), retyped(&five[..3], &sc, &[]), if iran { format!(" ایران {}", &five[3..]) } else { format!("-{}", &five[3..]) });
        prop_assert_eq!(plate(&typed), Some(canonical));
    }

    /// Every Jalali date from 1200 to 1500, padded or not, `/` or `-`, any
    /// digits.
    #[test]
    fn jalali_dates_in_every_form(y in 1200u32..=1500, m in 1u32..=12, d in 1u32..=31, pad in any::<bool>(), dash in any::<bool>(), sc in scripts()) {
        let days = if m <= 6 { 31 } else { 30 };
        let sep = if dash { '-' } else { '/' };
        let typed = if pad { format!("{y}{sep}{m:02}{sep}{d:02}") } else { format!("{y}{sep}{m}{sep}{d}") };
        let got = jalali_date(&retyped(&typed, &sc, &[]));
        if d <= days {
            prop_assert_eq!(got, Some(format!("{y:04}/{m:02}/{d:02}")));
        } else {
            prop_assert_eq!(got, None);
        }
    }

    /// An amount with thousands grouped by `,` or `٬`, any digits.
    #[test]
    fn rials_with_grouping(n in 0u64..10_000_000_000_000_000, persian_comma in any::<bool>(), sc in scripts()) {
        let digits = n.to_string();
        let sep = if persian_comma { '٬' } else { ',' };
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(sep);
            }
            grouped.push(c);
        }
        prop_assert_eq!(rials(&retyped(&grouped, &sc, &[])), Some(n));
    }

    /// A tracking code reads back however it is typed (case, spaces,
    /// dashes, Persian digits, O for 0 and I or L for 1), and any one
    /// mistyped symbol is caught.
    #[test]
    fn tracking_codes_read_back_and_catch_one_mistyped_symbol(random in any::<[u8; 9]>(), lower in any::<bool>(), sc in scripts(), at in 0usize..10, by in 1usize..32) {
        let code = tracking::from_random(random);
        prop_assert_eq!(tracking::parse(&code), Some(code.clone()));
        let raw: String = code.chars().filter(|c| *c != '-').collect();
        let cased: std::borrow::Cow<'_, str> = if lower { raw.to_lowercase().into() } else { raw.as_str().into() };
        let typed = retyped(&cased, &sc, &[]);
        prop_assert_eq!(tracking::parse(&typed), Some(code.clone()));
        let crockford = raw.replace('0', "O").replace('1', "I");
        prop_assert_eq!(tracking::parse(&crockford), Some(code));
        const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let mut wrong = raw.into_bytes();
        let i = ALPHABET.iter().position(|&a| a == wrong[at]).unwrap();
        wrong[at] = ALPHABET[(i + by) % 32];
        prop_assert_eq!(tracking::parse(std::str::from_utf8(&wrong).unwrap()), None);
    }

    /// Search text normalises the same whatever digits, Arabic letter forms,
    /// diacritics and half-spaces it was typed with.
    #[test]
    fn search_normalisation_ignores_how_it_was_typed(words in prop::collection::vec("[آ-ی]{1,8}", 1..5), number in "[0-9]{1,6}", sc in scripts()) {
        let plain = format!("{} {number}", words.join(" "));
        let arabic = plain.replace('ی', "ي").replace('ک', "ك");
        let typed = format!("{}\u{200C}{}", retyped(&arabic, &sc, &[]), "\u{064B}");
        prop_assert_eq!(normalize(&typed), normalize(&plain));
    }
}
