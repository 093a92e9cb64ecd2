//! Signing in: the way back after it, the form's own checks, the code's
//! countdown.

use panjere_api::Lang;

use crate::fmt::digits;

pub use panjere_api::auth::sign_in_href;

/// A countdown as `m:ss` in the language's digits.
pub fn countdown(secs: u64, lang: Lang) -> String {
    digits(&format!("{}:{:02}", secs / 60, secs % 60), lang)
}

/// The browser-side checks of the sign-in form (the same code the server
/// runs): the error code for each field, if any.
pub fn check_sign_in(national_code: &str, mobile: &str) -> (Option<&'static str>, Option<&'static str>) {
    (
        panjere_api::ids::national_code(national_code).err().map(panjere_api::auth::national_code_error_code),
        panjere_api::ids::mobile(mobile).err().map(panjere_api::auth::mobile_error_code),
    )
}
