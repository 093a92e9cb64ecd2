//! Signing in: the way back after it, the form's own checks, the code's
//! countdown.

use panjere_api::Lang;

use crate::fmt::digits;

use super::lists::encode;

/// A countdown as `m:ss` in the language's digits.
pub fn countdown(secs: u64, lang: Lang) -> String {
    digits(&format!("{}:{:02}", secs / 60, secs % 60), lang)
}

/// The sign-in page, coming back to `path` afterwards.
pub fn sign_in_href(path: &str, reason: Option<&str>) -> String {
    let mut href = format!("/sign-in?next={}", encode(path));
    if let Some(r) = reason {
        href.push_str("&reason=");
        href.push_str(&encode(r));
    }
    href
}

/// The browser-side checks of the sign-in form (the same code the server
/// runs): the error code for each field, if any.
pub fn check_sign_in(national_code: &str, mobile: &str) -> (Option<&'static str>, Option<&'static str>) {
    (
        panjere_api::ids::national_code(national_code).err().map(panjere_api::auth::national_code_error_code),
        panjere_api::ids::mobile(mobile).err().map(panjere_api::auth::mobile_error_code),
    )
}
