//! Wire types for using a service: inquiries, drafts, requests with their
//! tracking codes and timelines, the inbox and "who used my data".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::forms::FieldError;
use crate::Text;

/// The statuses of a request, in the order they happen.
/// `answered`: the citizen sent the information the agency asked for.
/// `awaiting_payment`: the service has a fee, not paid yet (nothing is
/// forwarded until it is).
pub const STATUSES: &[&str] =
    &["awaiting_payment", "submitted", "queued", "forwarded", "in_review", "more_info", "answered", "approved", "rejected", "delivered"];

/// Whether `status` ends the agency's work (no more polling).
pub fn is_final(status: &str) -> bool {
    matches!(status, "rejected" | "delivered")
}

/// The window's status for an agency's (`received`, `in_review`, `decided` +
/// decision, `delivered`, `more_info`).
pub fn from_agency(status: &str, decision: Option<&str>) -> Option<&'static str> {
    Some(match (status, decision) {
        ("received", _) => "forwarded",
        ("in_review", _) => "in_review",
        ("more_info", _) => "more_info",
        ("decided", Some("approved")) => "approved",
        ("decided", Some("rejected")) => "rejected",
        ("delivered", _) => "delivered",
        _ => return None,
    })
}

/// The rank of a status (later ones never give way to earlier ones).
pub fn rank(status: &str) -> usize {
    STATUSES.iter().position(|s| *s == status).unwrap_or(0)
}

/// `POST /api/services/{id}/inquiry`: the form's values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InquiryRequest {
    #[serde(default)]
    pub values: BTreeMap<String, String>,
}

/// An inquiry's answer, straight from the agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InquiryAnswer {
    pub service: String,
    pub agency: String,
    pub agency_name: Text,
    pub answered_at: String,
    /// The agency's answer; the form's `result` says what to show.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub result: serde_json::Value,
}

/// `POST /api/drafts` and `PUT /api/drafts/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    /// The service (on creation; ignored after).
    #[serde(default)]
    pub service: String,
    /// Field → value as typed.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    /// The step the citizen is on (past the form's last step: the last).
    #[serde(default = "first")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub step: u32,
    /// Check the fields of this step and answer their errors (the draft is
    /// saved whatever they are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub check_step: Option<u32>,
}

/// The largest step number a draft's input may name (forms have a few).
pub const MAX_STEP: u32 = 100;

impl DraftInput {
    /// Refuses step numbers no form could have (the document's maximum).
    pub fn check_steps(&self) -> Result<(), String> {
        match (self.step, self.check_step) {
            (s, _) if s > MAX_STEP => Err(format!("`step` must be from 0 to {MAX_STEP}, not {s}")),
            (_, Some(c)) if c > MAX_STEP => Err(format!("`check_step` must be from 0 to {MAX_STEP}, not {c}")),
            _ => Ok(()),
        }
    }
}

fn first() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draft {
    pub id: String,
    pub service: String,
    pub service_name: Text,
    pub values: BTreeMap<String, String>,
    pub step: u32,
    pub updated_at: String,
    /// Errors of `check_step`'s fields, when asked.
    #[serde(default)]
    pub errors: BTreeMap<String, FieldError>,
    /// Set once submitted: the request it became.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Drafts {
    pub items: Vec<Draft>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestSummary {
    pub id: String,
    pub tracking_code: String,
    pub service: String,
    pub service_name: Text,
    pub agency_name: Text,
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Requests {
    pub items: Vec<RequestSummary>,
}

/// One step of a request's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEvent {
    pub status: String,
    pub at: String,
}

/// An answer the citizen gave, as a label and the value shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GivenAnswer {
    pub field: String,
    pub label: Text,
    /// The value as shown (a choice's label; other values as given).
    pub value: Text,
}

/// An inquiry the window made for the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InquiryRecord {
    pub label: Text,
    pub agency_name: Text,
    pub answered_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestDetail {
    #[serde(flatten)]
    pub summary: RequestSummary,
    pub answers: Vec<GivenAnswer>,
    pub timeline: Vec<TimelineEvent>,
    pub inquiries: Vec<InquiryRecord>,
    /// The agency's own reference, once it has the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_reference: Option<String>,
    /// What the agency said: what more it needs, why it refused, the
    /// reference of the document it issued. Oldest first.
    #[serde(default)]
    pub messages: Vec<AgencyMessage>,
    /// The service's fee in rials, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_rials: Option<i64>,
    /// The payments of its fee (attempts, receipts, refunds), oldest first.
    #[serde(default)]
    pub payments: Vec<crate::payments::Payment>,
}

impl RequestDetail {
    /// Its fee in rials while it waits for it to be paid.
    pub fn fee_due(&self) -> Option<i64> {
        self.fee_rials.filter(|_| self.summary.status == "awaiting_payment")
    }
}

/// A message from the agency about a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyMessage {
    pub at: String,
    pub text: Text,
}

/// `POST /api/requests/{id}/reply`: the citizen's answer when the agency
/// asks for more information.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    /// 1 to 480 characters.
    pub text: String,
}

/// `GET /api/track/{code}`: status only, no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackAnswer {
    pub tracking_code: String,
    pub service_name: Text,
    pub status: String,
    pub updated_at: String,
    pub timeline: Vec<TimelineEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: String,
    /// Empty for an offer.
    pub request_id: String,
    /// The request's (an offer's bundle's once accepted; empty before).
    pub tracking_code: String,
    /// For an offer: its title.
    pub service_name: Text,
    /// The new status, `notice` for a message from the agency, `offer`
    /// for a proactive offer or automatic delivery (see `offer_id`), `paid`
    /// for a payment's receipt or `refunded` (see `payment_id`).
    pub status: String,
    /// The offer this is about (`GET /api/offers/{id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<String>,
    /// For `paid` (a receipt) and `refunded`: the payment
    /// (`GET /api/payments/{id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// The agency's message, for notices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Text>,
    pub created_at: String,
    pub read: bool,
}

/// `GET /api/inbox/unread`: how many notifications are unread (what the
/// header shows on every page, without the notifications themselves).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unread {
    pub unread: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inbox {
    pub unread: u32,
    pub items: Vec<Notification>,
}

/// One call the window made about the citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataUseItem {
    pub at: String,
    /// The agency whose data was read.
    pub agency_name: Text,
    pub operation: String,
    /// The agency the window asked on behalf of; null: the window itself
    /// (sign-in checks, the citizen's own inquiries).
    pub requested_by_name: Option<Text>,
    /// The request it was for.
    pub tracking_code: Option<String>,
    /// Or the proactive offer it was read for (its title).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_title: Option<Text>,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataUse {
    pub items: Vec<DataUseItem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_statuses_map_and_rank() {
        assert_eq!(from_agency("received", None), Some("forwarded"));
        assert_eq!(from_agency("decided", Some("approved")), Some("approved"));
        assert_eq!(from_agency("decided", Some("rejected")), Some("rejected"));
        assert_eq!(from_agency("decided", None), None);
        assert_eq!(from_agency("nonsense", None), None);
        assert!(rank("approved") > rank("in_review") && rank("delivered") > rank("approved"));
        assert!(is_final("delivered") && is_final("rejected") && !is_final("approved"));
    }
}
