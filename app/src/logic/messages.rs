//! Texts of refusals, field errors and values: what the API answered, as
//! the citizen reads it.

use crate::fmt::{digits, duration, fill, num, Round};
use crate::i18n::Strings;

/// The localised text for a refusal code from the API (sign-in checks,
/// one-time codes, sessions); `None` for codes without one.
pub fn refusal_text(code: &str, t: &Strings) -> Option<&'static str> {
    Some(match code {
        "national_code_empty" => t.err_national_code_empty(),
        "national_code_not_digits" => t.err_national_code_not_digits(),
        "national_code_length" => t.err_national_code_length(),
        "national_code_all_same" => t.err_national_code_all_same(),
        "national_code_check_digit" => t.err_national_code_check_digit(),
        "mobile_empty" => t.err_mobile_empty(),
        "mobile_not_digits" => t.err_mobile_not_digits(),
        "mobile_format" => t.err_mobile_format(),
        "code_format" => t.err_code_format(),
        "mobile_not_owned" => t.err_mobile_not_owned(),
        "person_unknown" => t.err_person_unknown(),
        "person_deceased" => t.err_person_deceased(),
        "person_minor" => t.err_person_minor(),
        "no_pending_sign_in" => t.err_no_pending_sign_in(),
        "code_expired" => t.err_code_expired(),
        "code_wrong" => t.err_code_wrong(),
        "code_locked" => t.err_code_locked(),
        "resend_too_soon" => t.err_resend_too_soon(),
        "rate_limited" => t.err_rate_limited(),
        "not_signed_in" => t.auth_not_signed_in(),
        "session_idle_timeout" => t.auth_idle_signed_out(),
        "session_absolute_timeout" => t.auth_absolute_signed_out(),
        "cross_site" | "not_json" => t.err_cross_site(),
        "not_offered" => t.err_not_offered(),
        "reauth_required" => t.err_reauth_required(),
        "payment_unavailable" => t.err_payment_unavailable(),
        _ => return None,
    })
}

/// Fills `{wait}` (a duration in words) and `{left}` (attempts) in a
/// refusal text.
pub fn fill_refusal(template: &str, retry_after_s: Option<u64>, attempts_left: Option<u32>, t: &'static Strings) -> String {
    let lang = t.lang();
    let wait = retry_after_s.map(|s| duration(s as i64, Round::Up, lang, t)).unwrap_or_default();
    let left = attempts_left.map(|n| crate::fmt::num(u64::from(n), lang)).unwrap_or_default();
    fill(template, &[("wait", &wait), ("left", &left)])
}

/// The localised text of a form field's error.
pub fn field_error_text(e: &panjere_api::forms::FieldError, t: &'static Strings) -> String {
    let lang = t.lang();
    let n = |v: Option<u64>| v.map(|v| num(v, lang)).unwrap_or_default();
    let template = match e.code.as_str() {
        "required" => t.form_err_required(),
        "postal_code" => t.form_err_postal_code(),
        "plate" => t.form_err_plate(),
        "jalali_date" => t.form_err_jalali_date(),
        "digits_format" => t.form_err_digits_format(),
        "digits_length" if e.min.is_some() && e.min == e.max => t.form_err_digits_exact(),
        "digits_length" => t.form_err_digits_length(),
        "rials_format" => t.form_err_rials_format(),
        "rials_range" => t.form_err_rials_range(),
        "text_short" => t.form_err_text_short(),
        "text_long" => t.form_err_text_long(),
        "text_control" => t.form_err_text_control(),
        "choice" => t.form_err_choice(),
        "file_type" => t.form_err_file_type(),
        "file_size" => t.form_err_file_size(),
        "file_content" => t.form_err_file_content(),
        "file_missing" => t.form_err_file_missing(),
        code => return refusal_text(code, t).unwrap_or(t.form_err_invalid()).to_owned(),
    };
    fill(template, &[("min", &n(e.min)), ("max", &n(e.max))])
}

/// Rials with the language's grouping, and the toman equivalent citizens
/// think in (1 toman = 10 rials).
pub fn rials_text(rials: u64, t: &'static Strings) -> String {
    panjere_api::markup::rials(rials, &super::Labels(t))
}

/// One value of an inquiry's answer, as the form says to show it.
pub fn result_text(answer: &serde_json::Value, field: &panjere_api::forms::ResultField, t: &'static Strings) -> Option<String> {
    use panjere_api::forms::ResultFormat;
    let lang = t.lang();
    let v = answer.pointer(&field.pointer)?;
    if v.is_null() {
        return None;
    }
    Some(match field.format {
        ResultFormat::Text => {
            let s = v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string());
            field.labels.get(&s).map(|l| l.get(lang).to_owned()).unwrap_or(s)
        }
        ResultFormat::Rials => rials_text(v.as_u64()?, t),
        ResultFormat::Date => crate::fmt::date(v.as_str()?, lang),
        ResultFormat::YesNo => if v.as_bool()? { t.yes() } else { t.no() }.to_owned(),
        ResultFormat::Number => num(v.as_u64()?, lang),
        ResultFormat::Count => num(v.as_array()?.len() as u64, lang),
    })
}

/// An answer as the review page shows it: a choice's label, a file's
/// name, an amount with grouping (and toman), others normalised.
pub fn answer_text(field: &panjere_api::forms::Field, raw: &str, t: &'static Strings) -> String {
    use panjere_api::forms::FieldType;
    let lang = t.lang();
    if raw.trim().is_empty() {
        return "—".to_owned();
    }
    match &field.kind {
        FieldType::Choice { options } => {
            options.iter().find(|o| o.value == raw).map(|o| o.label.get(lang).to_owned()).unwrap_or_else(|| raw.to_owned())
        }
        FieldType::File { .. } => {
            serde_json::from_str::<panjere_api::forms::FileValue>(raw).map(|f| f.name).unwrap_or_else(|_| raw.to_owned())
        }
        FieldType::Rials { .. } => panjere_api::forms::rials(raw).map(|n| rials_text(n, t)).unwrap_or_else(|| raw.to_owned()),
        _ => match panjere_api::forms::check_field(field, raw) {
            Ok(n) => digits(&n, lang),
            Err(_) => raw.to_owned(),
        },
    }
}
