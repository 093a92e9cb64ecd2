//! Service forms as data (`data/forms.toml`): fields with types, steps, the
//! agency operation an inquiry calls and the inter-agency inquiries the
//! window makes before forwarding an application. The validation here is the
//! one implementation, run in the browser as the citizen types and again on
//! the server.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Text;

/// A field's type and its limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldType {
    NationalCode,
    Mobile,
    PostalCode,
    /// An Iranian private-car plate (`12ب34567`).
    Plate,
    /// A Jalali date `YYYY/MM/DD` (any digit script).
    JalaliDate,
    /// A number that identifies something (a cheque's Sayad id, an IMEI, a
    /// bill id, a case number): `min` to `max` digits in any script.
    Digits {
        min: u32,
        max: u32,
    },
    /// An amount in rials, whole, between `min` and `max`.
    Rials {
        min: u64,
        max: u64,
    },
    /// Free text of `min` to `max` characters.
    Text {
        min: u32,
        max: u32,
        #[serde(default)]
        multiline: bool,
    },
    /// One of `options`.
    Choice {
        options: Vec<Choice>,
    },
    /// A file: `{"name","type","size"}` of one of the MIME `types`, at most
    /// `max_kb` kilobytes.
    File {
        types: Vec<String>,
        max_kb: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Choice {
    pub value: String,
    pub label: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "RawField")]
pub struct Field {
    pub name: String,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    #[serde(flatten)]
    pub kind: FieldType,
    #[serde(default = "yes")]
    pub required: bool,
    /// The step (from 1) the field is asked in.
    #[serde(default = "one")]
    pub step: u32,
}

/// A field as written (`data/forms.toml`) and sent (the service's API):
/// the type's tag and limits beside the other keys. Read through this flat
/// form rather than serde's `flatten` and internally tagged enum, which
/// buffer every field first: the same input and errors, a fraction of the
/// code in the browser's wasm.
#[derive(Deserialize)]
struct RawField {
    name: String,
    label: Text,
    #[serde(default)]
    hint: Option<Text>,
    #[serde(rename = "type")]
    kind: FieldKind,
    #[serde(default = "yes")]
    required: bool,
    #[serde(default = "one")]
    step: u32,
    min: Option<u64>,
    max: Option<u64>,
    multiline: Option<bool>,
    options: Option<Vec<Choice>>,
    types: Option<Vec<String>>,
    max_kb: Option<u32>,
}

/// [`FieldType`]'s tags.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FieldKind {
    NationalCode,
    Mobile,
    PostalCode,
    Plate,
    JalaliDate,
    Digits,
    Rials,
    Text,
    Choice,
    File,
}

impl TryFrom<RawField> for Field {
    type Error = String;

    fn try_from(raw: RawField) -> Result<Self, String> {
        let RawField { name, label, hint, kind, required, step, min, max, multiline, options, types, max_kb } = raw;
        let need = |key: &str| format!("field `{name}`: missing `{key}`");
        let small = |key: &str, v: u64| u32::try_from(v).map_err(|_| format!("field `{name}`: `{key}` is too large"));
        let kind = match kind {
            FieldKind::NationalCode => FieldType::NationalCode,
            FieldKind::Mobile => FieldType::Mobile,
            FieldKind::PostalCode => FieldType::PostalCode,
            FieldKind::Plate => FieldType::Plate,
            FieldKind::JalaliDate => FieldType::JalaliDate,
            FieldKind::Digits => FieldType::Digits {
                min: small("min", min.ok_or_else(|| need("min"))?)?,
                max: small("max", max.ok_or_else(|| need("max"))?)?,
            },
            FieldKind::Rials => FieldType::Rials { min: min.ok_or_else(|| need("min"))?, max: max.ok_or_else(|| need("max"))? },
            FieldKind::Text => FieldType::Text {
                min: small("min", min.ok_or_else(|| need("min"))?)?,
                max: small("max", max.ok_or_else(|| need("max"))?)?,
                multiline: multiline.unwrap_or(false),
            },
            FieldKind::Choice => FieldType::Choice { options: options.ok_or_else(|| need("options"))? },
            FieldKind::File => {
                FieldType::File { types: types.ok_or_else(|| need("types"))?, max_kb: max_kb.ok_or_else(|| need("max_kb"))? }
            }
        };
        Ok(Field { name, label, hint, kind, required, step })
    }
}

fn yes() -> bool {
    true
}
fn one() -> u32 {
    1
}

/// An inquiry the window makes to another agency on the owning agency's
/// behalf, so the citizen never carries a paper between them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WindowInquiry {
    pub operation: String,
    /// What it establishes, for the citizen.
    pub label: Text,
    /// Operation parameter ← `$citizen` (the signed-in national code) or a
    /// field name.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

/// How to show one value of an agency's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultField {
    /// A JSON pointer into the answer (`/total_rials`).
    pub pointer: String,
    pub label: Text,
    #[serde(default)]
    pub format: ResultFormat,
    /// Texts for coded values (`valid` → «معتبر»).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResultFormat {
    #[default]
    Text,
    Rials,
    /// An ISO date, shown Jalali in Persian.
    Date,
    /// true / false as yes / no.
    YesNo,
    Number,
    /// A list: its length.
    Count,
}

/// A service's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Form {
    pub service: String,
    /// Step titles (one step when empty).
    #[serde(default)]
    pub steps: Vec<Text>,
    #[serde(default)]
    pub fields: Vec<Field>,
    /// Inquiries: the operation that answers, with its parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// Applications: the inquiries the window makes before forwarding.
    #[serde(default)]
    pub inquiries: Vec<WindowInquiry>,
    /// Inquiries: what to show of the answer.
    #[serde(default)]
    pub result: Vec<ResultField>,
    /// Applications: the operations that forward the request to the owning
    /// agency and read its status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Applications: the operation that sends the citizen's answer when the
    /// agency asks for more information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
}

/// Where an operation parameter's value comes from.
pub const CITIZEN: &str = "$citizen";

/// Why a value was refused: a stable code the app explains, with the limits
/// that apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
}

impl FieldError {
    pub fn code(code: &str) -> Self {
        FieldError { code: code.to_owned(), min: None, max: None }
    }
    fn range(code: &str, min: u64, max: u64) -> Self {
        FieldError { code: code.to_owned(), min: Some(min), max: Some(max) }
    }
}

/// A file field's value: the uploaded file (`POST
/// /api/drafts/{id}/files/{field}` answers it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileValue {
    /// The stored file's id (absent before upload).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub mime: String,
    pub size: u64,
}

/// Days in a Jalali month, Esfand counted as 30 (whether a year is leap
/// needs the calendar: the server checks that with ICU).
fn jalali_month_days(month: u32) -> u32 {
    match month {
        1..=6 => 31,
        _ => 30,
    }
}

/// `YYYY/MM/DD` (or with `-`), any digit script → `YYYY/MM/DD` in ASCII.
pub fn jalali_date(input: &str) -> Option<String> {
    let s = crate::normalize::ascii_digits(input.trim());
    let mut parts = s.split(['/', '-']);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1200..=1500).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= jalali_month_days(m)).then(|| format!("{y:04}/{m:02}/{d:02}"))
}

/// The type a file's first bytes show, of the types forms accept (PDF, PNG,
/// JPEG); `None` for anything else. An upload whose bytes are not of its
/// declared type is refused (`file_content`).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// Rials as typed: digits in any script with `,` `٬` or spaces as grouping.
pub fn rials(input: &str) -> Option<u64> {
    let s: String = crate::normalize::ascii_digits(input.trim()).chars().filter(|c| !matches!(c, ',' | '٬' | ' ')).collect();
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.len() <= 16).then(|| s.parse().ok()).flatten()
}

/// Validates one value; `Ok` holds the normalised value ("" for an empty
/// optional field).
pub fn check_field(field: &Field, value: &str) -> Result<String, FieldError> {
    if value.trim().is_empty() {
        return if field.required { Err(FieldError::code("required")) } else { Ok(String::new()) };
    }
    match &field.kind {
        FieldType::NationalCode => crate::ids::national_code(value).map_err(|e| FieldError::code(crate::auth::national_code_error_code(e))),
        FieldType::Mobile => crate::ids::mobile(value).map_err(|e| FieldError::code(crate::auth::mobile_error_code(e))),
        FieldType::PostalCode => crate::ids::postal_code(value).ok_or_else(|| FieldError::code("postal_code")),
        FieldType::Plate => crate::ids::plate(value).ok_or_else(|| FieldError::code("plate")),
        FieldType::JalaliDate => jalali_date(value).ok_or_else(|| FieldError::code("jalali_date")),
        FieldType::Digits { min, max } => {
            let d: String = crate::normalize::ascii_digits(value.trim()).chars().filter(|c| !matches!(c, ' ' | '-')).collect();
            let n = d.chars().count() as u64;
            if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
                Err(FieldError::range("digits_format", u64::from(*min), u64::from(*max)))
            } else if n < u64::from(*min) || n > u64::from(*max) {
                Err(FieldError::range("digits_length", u64::from(*min), u64::from(*max)))
            } else {
                Ok(d)
            }
        }
        FieldType::Rials { min, max } => match rials(value) {
            None => Err(FieldError::code("rials_format")),
            Some(n) if n < *min || n > *max => Err(FieldError::range("rials_range", *min, *max)),
            Some(n) => Ok(n.to_string()),
        },
        FieldType::Text { min, max, multiline } => {
            let t = value.trim();
            let n = t.chars().count() as u64;
            let bad_control = t.chars().any(|c| c.is_control() && !(*multiline && (c == '\n' || c == '\r' || c == '\t')));
            if bad_control {
                Err(FieldError::code("text_control"))
            } else if n < u64::from(*min) {
                Err(FieldError::range("text_short", u64::from(*min), u64::from(*max)))
            } else if n > u64::from(*max) {
                Err(FieldError::range("text_long", u64::from(*min), u64::from(*max)))
            } else {
                Ok(t.to_owned())
            }
        }
        FieldType::Choice { options } => {
            options.iter().find(|o| o.value == value).map(|o| o.value.clone()).ok_or_else(|| FieldError::code("choice"))
        }
        FieldType::File { types, max_kb } => {
            let f: FileValue = serde_json::from_str(value).map_err(|_| FieldError::code("file_type"))?;
            if !types.iter().any(|t| t.eq_ignore_ascii_case(&f.mime)) {
                Err(FieldError::code("file_type"))
            } else if f.size == 0 || f.size > u64::from(*max_kb) * 1024 {
                Err(FieldError::range("file_size", 1, u64::from(*max_kb)))
            } else {
                Ok(value.to_owned())
            }
        }
    }
}

/// A stored value as the citizen reads it: a choice's label, a file's
/// name, otherwise the value itself.
pub fn value_text(field: &Field, raw: &str) -> Text {
    let same = |v: &str| Text { fa: v.to_owned(), en: v.to_owned() };
    match &field.kind {
        FieldType::Choice { options } => options.iter().find(|o| o.value == raw).map(|o| o.label.clone()).unwrap_or_else(|| same(raw)),
        FieldType::File { .. } => same(&serde_json::from_str::<FileValue>(raw).map(|f| f.name).unwrap_or_default()),
        _ => same(raw),
    }
}

/// Validates the fields of `steps` (every step when `None`): the normalised
/// values and the errors by field name. Unknown names are errors too.
pub fn check_form(
    form: &Form,
    values: &BTreeMap<String, String>,
    steps: Option<&[u32]>,
) -> (BTreeMap<String, String>, BTreeMap<String, FieldError>) {
    let mut ok = BTreeMap::new();
    let mut errors = BTreeMap::new();
    for name in values.keys().filter(|n| !form.fields.iter().any(|f| &f.name == *n)) {
        errors.insert(name.clone(), FieldError::code("unknown_field"));
    }
    for f in form.fields.iter().filter(|f| steps.is_none_or(|s| s.contains(&f.step))) {
        let v = values.get(&f.name).map(String::as_str).unwrap_or("");
        match check_field(f, v) {
            Ok(n) => {
                ok.insert(f.name.clone(), n);
            }
            Err(e) => {
                errors.insert(f.name.clone(), e);
            }
        }
    }
    (ok, errors)
}

impl Form {
    /// The number of steps (at least one).
    pub fn step_count(&self) -> u32 {
        self.fields.iter().map(|f| f.step).max().unwrap_or(1).max(self.steps.len() as u32).max(1)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sniff_reads_the_first_bytes_not_the_name() {
        use super::sniff;
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE1]), Some("image/jpeg"));
        assert_eq!(sniff(b"MZ\x90\x00"), None, "a Windows program");
        assert_eq!(sniff(b"%PDF"), None, "too short to be a PDF");
        assert_eq!(sniff(b""), None);
    }

    use super::*;

    fn field(kind: FieldType, required: bool) -> Field {
        Field { name: "f".into(), label: Text::default(), hint: None, kind, required, step: 1 }
    }

    fn code(f: &Field, v: &str) -> String {
        check_field(f, v).unwrap_err().code
    }

    #[test]
    fn fields_read_as_written_and_round_trip() {
        let text: Field = serde_json::from_str(
            r#"{"name":"why","label":{"fa":"چرا","en":"Why"},"type":"text","min":2,"max":500,"multiline":true,"step":2}"#,
        )
        .unwrap();
        assert_eq!(text.kind, FieldType::Text { min: 2, max: 500, multiline: true });
        assert!(text.required, "required by default");
        assert_eq!(text.step, 2);
        let choice = field(
            FieldType::Choice { options: vec![Choice { value: "a".into(), label: Text { fa: "الف".into(), en: "A".into() } }] },
            false,
        );
        let file = field(FieldType::File { types: vec!["application/pdf".into()], max_kb: 512 }, true);
        for f in [text, choice, file, field(FieldType::Rials { min: 1, max: 9 }, true), field(FieldType::Plate, true)] {
            assert_eq!(serde_json::from_value::<Field>(serde_json::to_value(&f).unwrap()).unwrap(), f);
        }
        // A key a newer server adds is ignored, as serde's derive did.
        let nc: Field = serde_json::from_str(r#"{"name":"n","label":{"fa":"","en":""},"type":"national_code","new_key":1}"#).unwrap();
        assert_eq!(nc.kind, FieldType::NationalCode);
    }

    #[test]
    fn a_field_without_its_types_limits_is_refused_by_name() {
        let err = |json: &str| serde_json::from_str::<Field>(json).unwrap_err().to_string();
        assert!(err(r#"{"name":"amount","label":{"fa":"","en":""},"type":"rials","min":1}"#).contains("field `amount`: missing `max`"));
        assert!(err(r#"{"name":"t","label":{"fa":"","en":""},"type":"text","min":1,"max":5000000000}"#).contains("`max` is too large"));
        assert!(err(r#"{"name":"f","label":{"fa":"","en":""},"type":"file","types":[]}"#).contains("missing `max_kb`"));
        assert!(err(r#"{"name":"x","label":{"fa":"","en":""},"type":"colour"}"#).contains("unknown variant `colour`"));
        assert!(err(r#"{"label":{"fa":"","en":""},"type":"plate"}"#).contains("missing field `name`"));
    }

    #[test]
    fn identifiers() {
        let nc = field(FieldType::NationalCode, true);
        assert_eq!(check_field(&nc, "۰۰۷۶۲۲۹۶۴۵").unwrap(), "0076229645");
        assert_eq!(code(&nc, "0076229646"), "national_code_check_digit");
        assert_eq!(code(&nc, ""), "required");
        let m = field(FieldType::Mobile, false);
        assert_eq!(check_field(&m, "").unwrap(), "");
        assert_eq!(check_field(&m, "+989121234567").unwrap(), "09121234567");
        assert_eq!(code(&m, "0212"), "mobile_format");
        let pc = field(FieldType::PostalCode, true);
        assert_eq!(check_field(&pc, "۱۳۱۴۵-۶۷۸۹۱").unwrap(), "1314567891");
        assert_eq!(code(&pc, "12345"), "postal_code");
        assert_eq!(code(&pc, "0000000000"), "postal_code");
        let p = field(FieldType::Plate, true);
        assert_eq!(check_field(&p, "۱۲ ب ۳۴۵ ایران ۶۷").unwrap(), "12ب34567");
        assert_eq!(code(&p, "12B34567"), "plate");
    }

    #[test]
    fn jalali_dates() {
        let d = field(FieldType::JalaliDate, true);
        assert_eq!(check_field(&d, "۱۴۰۳/۰۵/۱۲").unwrap(), "1403/05/12");
        assert_eq!(check_field(&d, "1403-5-2").unwrap(), "1403/05/02");
        assert_eq!(check_field(&d, "1403/06/31").unwrap(), "1403/06/31", "the first six months have 31 days");
        assert_eq!(code(&d, "1403/07/31"), "jalali_date", "Mehr has 30");
        assert_eq!(code(&d, "1403/13/01"), "jalali_date");
        assert_eq!(code(&d, "1403/00/10"), "jalali_date");
        assert_eq!(code(&d, "03/05/12"), "jalali_date");
        assert_eq!(code(&d, "1403/05"), "jalali_date");
        assert_eq!(code(&d, "yesterday"), "jalali_date");
    }

    #[test]
    fn amounts() {
        let r = field(FieldType::Rials { min: 10_000, max: 1_000_000_000 }, true);
        assert_eq!(check_field(&r, "۱٬۲۵۰٬۰۰۰").unwrap(), "1250000");
        assert_eq!(check_field(&r, "1,250,000").unwrap(), "1250000");
        let e = check_field(&r, "9999").unwrap_err();
        assert_eq!((e.code.as_str(), e.min, e.max), ("rials_range", Some(10_000), Some(1_000_000_000)));
        assert_eq!(code(&r, "12.5"), "rials_format");
        assert_eq!(code(&r, "-100"), "rials_format");
        assert_eq!(code(&r, "99999999999999999999"), "rials_format");
    }

    #[test]
    fn text_choice_file() {
        let t = field(FieldType::Text { min: 3, max: 10, multiline: false }, true);
        assert_eq!(check_field(&t, "  سلام  ").unwrap(), "سلام");
        assert_eq!(code(&t, "ab"), "text_short");
        assert_eq!(code(&t, "abcdefghijk"), "text_long");
        assert_eq!(code(&t, "ab\ncd"), "text_control");
        let multi = field(FieldType::Text { min: 1, max: 100, multiline: true }, true);
        assert!(check_field(&multi, "line one\nline two").is_ok());
        let c = field(FieldType::Choice { options: vec![Choice { value: "a".into(), label: Text::default() }] }, true);
        assert_eq!(check_field(&c, "a").unwrap(), "a");
        assert_eq!(code(&c, "b"), "choice");
        let f = field(FieldType::File { types: vec!["image/jpeg".into(), "application/pdf".into()], max_kb: 500 }, true);
        assert!(check_field(&f, r#"{"name":"a.pdf","type":"application/pdf","size":1000}"#).is_ok());
        assert_eq!(code(&f, r#"{"name":"a.exe","type":"application/x-msdownload","size":1000}"#), "file_type");
        assert_eq!(code(&f, r#"{"name":"a.pdf","type":"application/pdf","size":600000}"#), "file_size");
        assert_eq!(code(&f, "not json"), "file_type");
    }

    #[test]
    fn identifying_numbers() {
        let f = field(FieldType::Digits { min: 15, max: 15 }, true);
        assert_eq!(check_field(&f, "۳۵۶۹۳۸۰۳۵۶۴۳۸۰۹").as_deref(), Ok("356938035643809"));
        assert_eq!(check_field(&f, "3569-3803-5643-809").as_deref(), Ok("356938035643809"));
        assert_eq!(check_field(&f, "35693803564380").unwrap_err().code, "digits_length");
        assert_eq!(check_field(&f, "35693803564380x").unwrap_err().code, "digits_format");
        let raw = r#"{"name": "imei", "label": {"fa": "شناسه", "en": "IMEI"}, "type": "digits", "min": 15, "max": 15}"#;
        assert_eq!(serde_json::from_str::<Field>(raw).unwrap().kind, FieldType::Digits { min: 15, max: 15 });
        let no_max = r#"{"name": "imei", "label": {"fa": "شناسه", "en": "IMEI"}, "type": "digits", "min": 15}"#;
        assert!(serde_json::from_str::<Field>(no_max).unwrap_err().to_string().contains("missing `max`"));
    }

    #[test]
    fn forms_by_step() {
        let mut a = field(FieldType::PostalCode, true);
        a.name = "a".into();
        let mut b = field(FieldType::Text { min: 1, max: 5, multiline: false }, true);
        b.name = "b".into();
        b.step = 2;
        let form = Form {
            service: "s".into(),
            steps: vec![],
            fields: vec![a, b],
            operation: None,
            params: BTreeMap::new(),
            inquiries: vec![],
            result: vec![],
            submit: None,
            status: None,
            reply: None,
        };
        assert_eq!(form.step_count(), 2);
        let values: BTreeMap<String, String> = [("a".to_owned(), "1314567891".to_owned())].into();
        let (ok, errors) = check_form(&form, &values, Some(&[1]));
        assert!(errors.is_empty() && ok["a"] == "1314567891");
        let (_, errors) = check_form(&form, &values, None);
        assert_eq!(errors["b"].code, "required");
        let values: BTreeMap<String, String> = [("zzz".to_owned(), "x".to_owned())].into();
        assert_eq!(check_form(&form, &values, Some(&[1])).1["zzz"].code, "unknown_field");
    }
}
