//! Smart services: life events that registries publish, the offers and
//! automatic deliveries the window makes from them (rules as data,
//! `data/smart.toml`), bundles of requests, and the citizen's opt-outs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::forms::Field;
use crate::Text;

/// The life events registries publish (wire spellings).
pub const EVENT_KINDS: &[&str] =
    &["birth", "death", "marriage", "turned_18", "vehicle_bought", "licence_expiring", "passport_expiring", "retirement"];

/// Whether `kind` is one of [`EVENT_KINDS`].
pub fn is_event_kind(kind: &str) -> bool {
    EVENT_KINDS.contains(&kind)
}

/// An event as an agency publishes it (push body and pull feed items).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LifeEvent {
    /// Unique at its agency, and increasing: the pull feed's cursor.
    pub id: u64,
    /// One of `birth`, `death`, `marriage`, `turned_18`, `vehicle_bought`,
    /// `licence_expiring`, `passport_expiring`, `retirement`.
    pub kind: String,
    /// The national code of the person the event concerns (the parent of
    /// a newborn, the relative of someone who died, the driver).
    pub person: String,
    /// When it was recorded (RFC 3339).
    pub at: String,
    /// What the registry recorded (the child's name and code, a plate, an
    /// expiry date, …).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Map<String, serde_json::Value>,
}

/// `GET /v1/events` at an agency: events after a cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventFeed {
    pub items: Vec<LifeEvent>,
}

/// A value the window filled in for the citizen, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Prefilled {
    pub field: String,
    pub label: Text,
    /// As shown (a choice's label, otherwise the value).
    pub value: Text,
    /// The agency whose record it was read from.
    pub source_name: Text,
}

/// One service of an offer (a bundle has several).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferPart {
    pub service: String,
    pub service_name: Text,
    pub agency_name: Text,
    pub prefilled: Vec<Prefilled>,
    /// What the citizen chooses on accepting (e.g. the bank account).
    pub ask: Vec<Field>,
    /// Once accepted: the request made for this part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_code: Option<String>,
    /// The request's status (`queued` while its agency is unreachable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// A read the window made to decide or pre-fill an offer (each also in
/// "who used my data").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataRead {
    pub label: Text,
    pub agency_name: Text,
}

/// A proactive offer or automatic delivery, as the citizen sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offer {
    pub id: String,
    /// What it is, in the citizen's words ("Your child's birth: …").
    pub title: Text,
    /// `consent` (the citizen accepts or declines) or `automatic` (started
    /// without the citizen, who is told).
    pub mode: String,
    /// `open`, `accepted`, `declined`, `expired` or `delivered`
    /// (automatic).
    pub status: String,
    /// The event that triggered it.
    pub event: String,
    pub event_name: Text,
    /// The agency that recorded the event.
    pub event_agency_name: Text,
    pub event_at: String,
    pub created_at: String,
    pub expires_at: String,
    /// The bundle's tracking code, once accepted or delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_code: Option<String>,
    pub parts: Vec<OfferPart>,
    /// What the window read to decide and pre-fill it.
    pub reads: Vec<DataRead>,
    /// Parts whose agency has not yet received their request.
    pub pending: u32,
    /// Once accepted or delivered: every part's statuses in one timeline,
    /// oldest first.
    #[serde(default)]
    pub timeline: Vec<BundleEvent>,
}

/// One status of one part of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleEvent {
    pub service_name: Text,
    pub status: String,
    pub at: String,
}

/// `GET /api/offers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offers {
    pub items: Vec<Offer>,
}

/// `POST /api/offers/{id}/accept`: the values of the fields each part
/// asks, by service then field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptOffer {
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
}

/// The citizen's choices about proactive offers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProactivePrefs {
    /// No proactive offer or delivery at all.
    pub all_off: bool,
    /// The services the citizen opted out of.
    #[serde(default)]
    pub services_off: Vec<String>,
}

/// One service that can be offered proactively, for the profile's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProactiveService {
    pub service: String,
    pub service_name: Text,
    pub event_name: Text,
    pub mode: String,
    pub off: bool,
}

/// `GET /api/me/proactive`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProactiveChoices {
    pub all_off: bool,
    pub services: Vec<ProactiveService>,
}

/// Whether the citizen's choices let a rule offer `service`.
pub fn allowed(prefs: &ProactivePrefs, service: &str) -> bool {
    !prefs.all_off && !prefs.services_off.iter().any(|s| s == service)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opt_outs() {
        let none = ProactivePrefs::default();
        assert!(allowed(&none, "a"));
        let one = ProactivePrefs { all_off: false, services_off: vec!["a".into()] };
        assert!(!allowed(&one, "a"));
        assert!(allowed(&one, "b"));
        assert!(!allowed(&ProactivePrefs { all_off: true, services_off: vec![] }, "b"));
    }

    #[test]
    fn event_kinds() {
        assert!(is_event_kind("birth"));
        assert!(!is_event_kind("Birth"));
        let e: LifeEvent = serde_json::from_str(r#"{"id":3,"kind":"birth","person":"0076229645","at":"2026-12-05T00:00:00Z"}"#).unwrap();
        assert!(e.data.is_empty());
        assert!(serde_json::from_str::<LifeEvent>(r#"{"id":3,"kind":"birth","person":"x","at":"","extra":1}"#).is_err());
    }
}
