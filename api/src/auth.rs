//! Sign-in and session wire types, and the checks the browser and the
//! server share.

use serde::{Deserialize, Serialize};

use crate::ids::{MobileError, NationalCodeError};

/// `POST /api/auth/start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartRequest {
    /// Any digit script; spaces and dashes allowed.
    pub national_code: String,
    /// `09…`, `9…`, `+989…` or `00989…`, any digit script.
    pub mobile: String,
}

/// A one-time code was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeSent {
    /// The number the code went to, masked (`0912***1111`).
    pub mobile_masked: String,
    /// Seconds the code stays valid.
    pub valid_for_s: u64,
    /// Seconds before another code may be asked for.
    pub resend_after_s: u64,
    /// Digits in the code.
    pub length: u32,
}

/// `POST /api/auth/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The six-digit code, any digit script.
    pub code: String,
}

/// `GET /api/me`: the signed-in citizen and the session's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub national_code: String,
    /// The verified mobile number.
    pub mobile: String,
    pub first_name: String,
    pub last_name: String,
    pub first_name_en: String,
    pub last_name_en: String,
    pub session: SessionClock,
}

/// `GET /api/auth/session`: whether this browser is signed in; always 200,
/// so an anonymous page load logs no error. A signed-in citizen's page
/// carries it too, painted for them (`script#session-data`), so the app
/// starts signed in without asking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionState {
    /// The signed-in citizen, or null.
    pub me: Option<Me>,
    /// Why the session just ended, when it did (`session_idle_timeout`,
    /// `session_absolute_timeout`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<String>,
}

/// When the current session ends unless the citizen acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionClock {
    /// The idle timeout, in seconds.
    pub idle_timeout_s: u64,
    /// Seconds left before the idle timeout (each signed-in request restarts it).
    pub idle_remaining_s: u64,
    /// Seconds left before the absolute timeout (sign in again then).
    pub absolute_remaining_s: u64,
    /// Seconds before the idle timeout at which the app warns.
    pub warn_before_s: u64,
}

/// `GET /api/me/profile`: the person as the civil registry has them,
/// fetched by the window (the citizen never types it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub national_code: String,
    pub first_name: String,
    pub last_name: String,
    pub first_name_en: String,
    pub last_name_en: String,
    pub father_name: String,
    /// `male` or `female`.
    pub gender: String,
    /// ISO date (Gregorian); the app shows it in Jalali in Persian.
    pub birth_date: String,
    /// Birth certificate serial.
    pub certificate_serial: String,
    /// Place of issue of the birth certificate.
    pub certificate_place: String,
    /// The verified mobile number.
    pub mobile: String,
    /// The agency that answered and when.
    pub source_agency: crate::Text,
    pub fetched_at: String,
}

/// One of the citizen's active sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionItem {
    /// An opaque handle (never the session's secret id).
    pub id: String,
    /// Browser and system, e.g. `Chrome · Android`.
    pub device: String,
    /// RFC 3339.
    pub started_at: String,
    /// RFC 3339 (to the minute).
    pub last_seen: String,
    /// This is the session making the request.
    pub current: bool,
}

/// `GET /api/me/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sessions {
    pub items: Vec<SessionItem>,
}

/// How many sessions were signed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedOut {
    pub count: u32,
}

/// The stable error code for a national code that fails validation.
pub fn national_code_error_code(e: NationalCodeError) -> &'static str {
    match e {
        NationalCodeError::Empty => "national_code_empty",
        NationalCodeError::NotDigits => "national_code_not_digits",
        NationalCodeError::Length(_) => "national_code_length",
        NationalCodeError::AllSame => "national_code_all_same",
        NationalCodeError::CheckDigit => "national_code_check_digit",
    }
}

/// The stable error code for a mobile number that fails validation.
pub fn mobile_error_code(e: MobileError) -> &'static str {
    match e {
        MobileError::Empty => "mobile_empty",
        MobileError::NotDigits => "mobile_not_digits",
        MobileError::Format => "mobile_format",
    }
}

/// Every error code sign-in and sessions answer with (the app has a
/// message for each; a test holds it to that).
pub const ERROR_CODES: &[&str] = &[
    "national_code_empty",
    "national_code_not_digits",
    "national_code_length",
    "national_code_all_same",
    "national_code_check_digit",
    "mobile_empty",
    "mobile_not_digits",
    "mobile_format",
    "code_format",
    "mobile_not_owned",
    "person_unknown",
    "person_deceased",
    "person_minor",
    "no_pending_sign_in",
    "code_expired",
    "code_wrong",
    "code_locked",
    "resend_too_soon",
    "rate_limited",
    "not_signed_in",
    "session_idle_timeout",
    "session_absolute_timeout",
    "cross_site",
    "not_json",
];

/// Digits in a one-time code.
pub const CODE_LENGTH: usize = 6;

/// A one-time code as typed (any digit script, spaces dropped): `Some` when
/// it is exactly six digits.
pub fn one_time_code(input: &str) -> Option<String> {
    let mut out = String::with_capacity(CODE_LENGTH);
    for c in input.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        out.push(crate::normalize::ascii_digit(c)?);
    }
    (out.len() == CODE_LENGTH).then_some(out)
}

/// `09121234567` → `0912***4567`.
pub fn mask_mobile(mobile: &str) -> String {
    if mobile.len() == 11 && mobile.is_ascii() {
        format!("{}***{}", &mobile[..4], &mobile[7..])
    } else {
        "***".to_owned()
    }
}

/// A safe place to go back to after signing in: a path on this site only
/// (`/me`, `/services/x?y`), never `//host`, a scheme or a backslash trick.
pub fn safe_return_path(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && !next.starts_with("/sign-in");
    ok.then_some(next)
}

/// The sign-in page, coming back to `path` (with its query) afterwards;
/// `reason` says why the citizen is there (`idle`: signed out after a
/// while without activity). The app sends a signed-out citizen there, and
/// so does the server for a direct visit to a citizen's page.
pub fn sign_in_href(path: &str, reason: Option<&str>) -> String {
    let mut href = format!("/sign-in?next={}", crate::url::encode(path));
    if let Some(r) = reason {
        href.push_str("&reason=");
        href.push_str(&crate::url::encode(r));
    }
    href
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_to_sign_in_comes_back_here() {
        assert_eq!(sign_in_href("/me/sessions", None), "/sign-in?next=%2Fme%2Fsessions");
        assert_eq!(sign_in_href("/me", Some("idle")), "/sign-in?next=%2Fme&reason=idle");
        assert_eq!(sign_in_href("/requests?status=done", None), "/sign-in?next=%2Frequests%3Fstatus%3Ddone");
    }

    #[test]
    fn codes_in_any_script() {
        assert_eq!(one_time_code("123456").as_deref(), Some("123456"));
        assert_eq!(one_time_code("۱۲۳ ۴۵۶").as_deref(), Some("123456"));
        assert_eq!(one_time_code("١٢٣٤٥٦").as_deref(), Some("123456"));
        assert_eq!(one_time_code("12345"), None);
        assert_eq!(one_time_code("1234567"), None);
        assert_eq!(one_time_code("12345a"), None);
        assert_eq!(one_time_code(""), None);
    }

    #[test]
    fn masks() {
        assert_eq!(mask_mobile("09121234567"), "0912***4567");
        assert_eq!(mask_mobile("0912"), "***");
    }

    #[test]
    fn return_paths_stay_on_site() {
        assert_eq!(safe_return_path("/me"), Some("/me"));
        assert_eq!(safe_return_path("/services/x?y=1"), Some("/services/x?y=1"));
        for bad in ["//evil.example", "https://evil.example", "/\\evil.example", "me", "", "/sign-in?next=/me", "/a\nb"] {
            assert_eq!(safe_return_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn error_codes_are_distinct() {
        let all = [
            national_code_error_code(NationalCodeError::Empty),
            national_code_error_code(NationalCodeError::NotDigits),
            national_code_error_code(NationalCodeError::Length(3)),
            national_code_error_code(NationalCodeError::AllSame),
            national_code_error_code(NationalCodeError::CheckDigit),
            mobile_error_code(MobileError::Empty),
            mobile_error_code(MobileError::NotDigits),
            mobile_error_code(MobileError::Format),
        ];
        let set: std::collections::BTreeSet<_> = all.iter().collect();
        assert_eq!(set.len(), all.len());
    }
}
