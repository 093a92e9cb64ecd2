//! Numbers and dates for display: through the browser's `Intl` (Persian
//! digits and the Jalali calendar in Persian; Western digits and the
//! Gregorian calendar in English). Never a hand-written calendar.

use panjere_api::Lang;

pub use panjere_api::markup::fill;

#[cfg(target_arch = "wasm32")]
fn locale(lang: Lang) -> &'static str {
    match lang {
        Lang::Fa => "fa-IR",
        Lang::En => "en-GB",
    }
}

/// The `format` function of an `Intl` formatter, made once per language and
/// kind: building a formatter loads locale data and costs far more than
/// formatting (it was the largest single cost of the first render).
#[cfg(target_arch = "wasm32")]
fn cached_format(kind: Kind, lang: Lang, make: impl FnOnce() -> js_sys::Function) -> js_sys::Function {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static FORMATS: RefCell<HashMap<(Kind, Lang), js_sys::Function>> = RefCell::new(HashMap::new());
    }
    if let Some(f) = FORMATS.with(|m| m.borrow().get(&(kind, lang)).cloned()) {
        return f;
    }
    let f = make();
    FORMATS.with(|m| m.borrow_mut().insert((kind, lang), f.clone()));
    f
}

/// The formatters `cached_format` keeps.
#[cfg(target_arch = "wasm32")]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Number,
    Percent,
    Date,
    Time,
}

/// A whole number with the language's digits and grouping.
#[cfg(target_arch = "wasm32")]
pub fn num(n: u64, lang: Lang) -> String {
    let f = cached_format(Kind::Number, lang, || {
        js_sys::Intl::NumberFormat::new(&js_sys::Array::of1(&locale(lang).into()), &js_sys::Object::new()).format()
    });
    f.call1(&wasm_bindgen::JsValue::NULL, &(n as f64).into()).ok().and_then(|v| v.as_string()).unwrap_or_else(|| n.to_string())
}

/// A whole number (native builds, used by unit tests): a stand-in for
/// `Intl` with the language's digits and no grouping.
#[cfg(not(target_arch = "wasm32"))]
pub fn num(n: u64, lang: Lang) -> String {
    match lang {
        Lang::En => n.to_string(),
        Lang::Fa => n.to_string().chars().map(|c| c.to_digit(10).and_then(|d| char::from_u32(0x06F0 + d)).unwrap_or(c)).collect(),
    }
}

/// The ASCII digits of `s` in the language's digits (a display transform,
/// not a number format: for clock faces, codes and identifiers), each
/// written by [`num`], so by `Intl`.
pub fn digits(s: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => out.push_str(&num(u64::from(d), lang)),
            _ => out.push(c),
        }
    }
    out
}

/// Which way a duration is rounded to its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// A time taken ("3 days" for 3 days and 5 seconds).
    Down,
    /// A wait: never less than it is ("2 minutes" for 61 seconds).
    Up,
}

/// A number of seconds in the largest whole unit that fits: days, hours,
/// minutes or seconds ("3 days", "5 hours", "12 minutes", "40 seconds").
pub fn duration(secs: i64, round: Round, lang: Lang, t: &crate::i18n::Strings) -> String {
    let secs = secs.max(0) as u64;
    let units = [(86_400, t.duration_days()), (3_600, t.duration_hours()), (60, t.duration_minutes()), (1, t.duration_seconds())];
    let (size, template) = units.into_iter().find(|(size, _)| secs >= *size).unwrap_or((1, t.duration_seconds()));
    let n = match round {
        Round::Down => secs / size,
        Round::Up => secs.div_ceil(size).max(1),
    };
    fill(template, &[("n", &num(n, lang))])
}

/// Builds the number formatter of `lang` ahead of use, in a task of its
/// own (see `cached_format`): the first one loads the locale's data.
#[cfg(target_arch = "wasm32")]
pub fn prepare(lang: Lang) {
    let _ = num(0, lang);
}

#[cfg(not(target_arch = "wasm32"))]
pub fn prepare(_lang: Lang) {}

/// A percentage (`33.3` → "33.3%", "۳۳٫۳٪" in Persian), at most one decimal.
#[cfg(target_arch = "wasm32")]
pub fn percent(p: f64, lang: Lang) -> String {
    let f = cached_format(Kind::Percent, lang, || {
        let opts = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&opts, &"style".into(), &"percent".into());
        let _ = js_sys::Reflect::set(&opts, &"maximumFractionDigits".into(), &1.into());
        js_sys::Intl::NumberFormat::new(&js_sys::Array::of1(&locale(lang).into()), &opts).format()
    });
    f.call1(&wasm_bindgen::JsValue::NULL, &(p / 100.0).into()).ok().and_then(|v| v.as_string()).unwrap_or_else(|| format!("{p}%"))
}

#[cfg(not(target_arch = "wasm32"))]
pub fn percent(p: f64, _lang: Lang) -> String {
    format!("{p}%")
}

/// Compares names in the language's alphabetical order (Persian: پ after
/// ب, گ after ک), through `Intl.Collator`.
#[cfg(target_arch = "wasm32")]
pub struct Collator(js_sys::Function);

#[cfg(target_arch = "wasm32")]
impl Collator {
    pub fn new(lang: Lang) -> Self {
        Collator(js_sys::Intl::Collator::new(&js_sys::Array::of1(&locale(lang).into()), &js_sys::Object::new()).compare())
    }

    pub fn compare(&self, a: &str, b: &str) -> std::cmp::Ordering {
        let r = self.0.call2(&wasm_bindgen::JsValue::NULL, &a.into(), &b.into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
        r.partial_cmp(&0.0).unwrap_or(std::cmp::Ordering::Equal)
    }
}

/// Native builds (unit tests): code point order.
#[cfg(not(target_arch = "wasm32"))]
pub struct Collator;

#[cfg(not(target_arch = "wasm32"))]
impl Collator {
    pub fn new(_lang: Lang) -> Self {
        Collator
    }

    pub fn compare(&self, a: &str, b: &str) -> std::cmp::Ordering {
        a.cmp(b)
    }
}

/// Formats an instant the browser's `Date` can parse, with `Intl`: the
/// Persian calendar and digits in Persian, Gregorian in English. Falls back
/// to the input unchanged.
#[cfg(target_arch = "wasm32")]
fn intl_date(input: &str, lang: Lang, kind: Kind, options: &[(&str, &str)]) -> String {
    use wasm_bindgen::JsValue;
    let calendar_locale = match lang {
        Lang::Fa => "fa-IR-u-ca-persian",
        Lang::En => "en-GB",
    };
    let d = js_sys::Date::new(&JsValue::from_str(input));
    if d.get_time().is_nan() {
        return input.to_owned();
    }
    let f = cached_format(kind, lang, || {
        let opts = js_sys::Object::new();
        for (k, v) in options {
            let _ = js_sys::Reflect::set(&opts, &(*k).into(), &(*v).into());
        }
        js_sys::Intl::DateTimeFormat::new(&js_sys::Array::of1(&calendar_locale.into()), &opts).format()
    });
    f.call1(&JsValue::NULL, &d).ok().and_then(|v| v.as_string()).unwrap_or_else(|| input.to_owned())
}

/// An ISO date (`YYYY-MM-DD`) as a long date: Jalali in Persian.
#[cfg(target_arch = "wasm32")]
pub fn date(iso: &str, lang: Lang) -> String {
    intl_date(
        &format!("{iso}T12:00:00Z"),
        lang,
        Kind::Date,
        &[("year", "numeric"), ("month", "long"), ("day", "numeric"), ("timeZone", "UTC")],
    )
}

#[cfg(not(target_arch = "wasm32"))]
pub fn date(iso: &str, _lang: Lang) -> String {
    iso.to_owned()
}

/// An RFC 3339 instant as date and time, in the citizen's calendar and
/// digits, at Iran's time wherever the reader is: the state's records are
/// dated in Iran (a receipt, a decision, a deadline), and the server paints
/// them so before the app runs.
#[cfg(target_arch = "wasm32")]
pub fn time(rfc3339: &str, lang: Lang) -> String {
    intl_date(rfc3339, lang, Kind::Time, &[("dateStyle", "medium"), ("timeStyle", "medium"), ("timeZone", "Asia/Tehran")])
}

#[cfg(not(target_arch = "wasm32"))]
pub fn time(rfc3339: &str, _lang: Lang) -> String {
    rfc3339.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_every_placeholder() {
        assert_eq!(fill("{a} of {b}, {a}", &[("a", "1"), ("b", "2")]), "1 of 2, 1");
        assert_eq!(fill("no placeholders", &[("a", "1")]), "no placeholders");
    }

    #[test]
    fn durations_in_the_largest_unit_either_way() {
        let t = crate::i18n::strings(Lang::En);
        assert_eq!(duration(200, Round::Down, Lang::En, t), "3 minutes");
        assert_eq!(duration(200, Round::Up, Lang::En, t), "4 minutes");
        assert_eq!(duration(3 * 86_400 + 5, Round::Down, Lang::En, t), "3 days");
        assert_eq!(duration(0, Round::Up, Lang::En, t), "1 seconds");
        assert_eq!(digits("0912***1111", Lang::En), "0912***1111");
        assert_eq!(digits("12:05", Lang::Fa), "۱۲:۰۵");
    }
}
