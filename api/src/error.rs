//! The JSON error body every API error answers with.

use serde::{Deserialize, Serialize};

/// A form's errors, by field name.
pub type FieldErrors = std::collections::BTreeMap<String, crate::forms::FieldError>;

/// `{"error": {...}}`: the body of every non-2xx JSON answer. `F` is what
/// a form's errors are read as (the browser keeps them unread until a form
/// shows them, see [`ApiError::fields`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(bound(deserialize = "F: Deserialize<'de>"))]
pub struct ErrorBody<F = FieldErrors> {
    pub error: ApiError<F>,
}

/// A specific, stable error. Clients show a localised text chosen by `code`;
/// `message` is English for developers and never contains internals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(bound(deserialize = "F: Deserialize<'de>"))]
pub struct ApiError<F = FieldErrors> {
    /// Stable machine-readable code, e.g. `not_found`, `bad_parameter`.
    pub code: String,
    /// Human-readable English description.
    pub message: String,
    /// The query parameter or field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// The agency concerned, when an agency failed or refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// Seconds to wait before trying again (rate limits, resend cooldown,
    /// a locked code); also in the `Retry-After` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
    /// Wrong one-time codes still allowed before the code dies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// Per-field errors of a form, by field name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<F>,
    /// The request id (also in the `X-Request-Id` header), for support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}
