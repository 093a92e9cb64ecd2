//! Persian/Arabic text normalisation for search and comparison.
//!
//! Folds the spellings a citizen may type into one form: Arabic yeh and kaf
//! to Persian, Persian and Arabic-Indic digits to ASCII, diacritics and
//! tatweel removed, ZWNJ equivalent to a space, hamza and teh-marbuta forms
//! folded, Latin lower-cased, punctuation treated as a word break.

/// Maps a digit in any of the three scripts to its ASCII digit.
pub fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '\u{06F0}'..='\u{06F9}' => char::from_u32(c as u32 - 0x06F0 + '0' as u32),
        '\u{0660}'..='\u{0669}' => char::from_u32(c as u32 - 0x0660 + '0' as u32),
        _ => None,
    }
}

/// Replaces Persian and Arabic-Indic digits by ASCII digits, nothing else.
pub fn ascii_digits(s: &str) -> String {
    s.chars().map(|c| ascii_digit(c).unwrap_or(c)).collect()
}

/// Whether `c` is an Arabic diacritic (harakat, tanwin, shadda, sukun,
/// superscript alef, Quranic marks) or tatweel, all dropped by search.
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{0640}')
}

/// Folds one character; `None` drops it, `Some(' ')` breaks a word.
fn fold_char(c: char) -> Option<char> {
    if let Some(d) = ascii_digit(c) {
        return Some(d);
    }
    if is_mark(c) {
        return None;
    }
    Some(match c {
        // Arabic yeh, alef maksura, yeh with hamza → Persian yeh
        'ي' | 'ى' | 'ئ' => 'ی',
        // Arabic kaf → Persian keheh
        'ك' => 'ک',
        // teh marbuta, heh with yeh above, heh goal → heh
        'ة' | 'ۀ' | 'ہ' => 'ه',
        // alef with hamza above/below, alef with madda, alef wasla → alef
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ؤ' => 'و',
        'ء' => return None,
        // ZWNJ, ZWJ, and every kind of space or punctuation break words
        '\u{200C}' | '\u{200D}' => ' ',
        c if c.is_alphanumeric() => c,
        _ => ' ',
    })
}

/// Normalises text for search: folded, lower-cased, single-spaced, trimmed.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        let Some(f) = fold_char(c) else { continue };
        if f == ' ' {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        // Lower case can add a combining mark (İ → i + U+0307) that a second
        // pass would read as a separator: keep letters and digits only, so
        // normalising twice changes nothing.
        out.extend(f.to_lowercase().filter(|l| l.is_alphanumeric()));
    }
    out
}

/// The normalised words of `s`.
pub fn tokens(s: &str) -> Vec<String> {
    normalize(s).split(' ').filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// Whether `s` contains Arabic yeh (ي, ى) or kaf (ك), which Persian text
/// must not: the catalog validator rejects them.
pub fn has_arabic_letters(s: &str) -> Option<char> {
    s.chars().find(|c| matches!(c, 'ي' | 'ى' | 'ك'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_yeh_and_kaf_become_persian() {
        assert_eq!(normalize("ماليات"), "مالیات");
        assert_eq!(normalize("كارت ملي"), "کارت ملی");
        assert_eq!(normalize("مصطفى"), "مصطفی");
    }

    #[test]
    fn digits_of_every_script_become_ascii() {
        assert_eq!(normalize("۱۴۰۲"), "1402");
        assert_eq!(normalize("٠١٢٣٤٥٦٧٨٩"), "0123456789");
        assert_eq!(ascii_digits("کد ۰۰۷۶-۲۲۹۶۴۵"), "کد 0076-229645");
    }

    #[test]
    fn diacritics_and_tatweel_are_removed() {
        assert_eq!(normalize("مَالِيّات"), "مالیات");
        assert_eq!(normalize("مـــالیات"), "مالیات");
    }

    #[test]
    fn zwnj_and_spaces_are_equivalent() {
        assert_eq!(normalize("دستگاه\u{200C}ها"), normalize("دستگاه ها"));
        assert_eq!(normalize("  می\u{200C}شود   است "), "می شود است");
    }

    #[test]
    fn hamza_and_teh_marbuta_forms_fold() {
        assert_eq!(normalize("أمور"), "امور");
        assert_eq!(normalize("إمضا"), "امضا");
        assert_eq!(normalize("آب"), "اب");
        assert_eq!(normalize("مؤسسه"), "موسسه");
        assert_eq!(normalize("خانۀ"), "خانه");
        assert_eq!(normalize("هيئة"), normalize("هیئه"));
    }

    #[test]
    fn latin_is_lowercased_and_punctuation_breaks_words() {
        assert_eq!(normalize("Tax-Clearance, (Online)"), "tax clearance online");
        assert_eq!(tokens("گواهی، پایان کار!"), vec!["گواهی", "پایان", "کار"]);
    }

    #[test]
    fn arabic_letter_detection() {
        assert_eq!(has_arabic_letters("مالیات"), None);
        assert_eq!(has_arabic_letters("ماليات"), Some('ي'));
        assert_eq!(has_arabic_letters("كار"), Some('ك'));
    }
}
