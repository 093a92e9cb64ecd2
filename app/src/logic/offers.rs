//! What the offer page needs beyond the wire types: its fields named by
//! part (two parts may ask the same field, e.g. the bank account; the
//! server names a refused field the same way), and the values to send.

use std::collections::BTreeMap;

use panjere_api::forms::Field;
use panjere_api::smart::Offer;

/// A field a part asks, named `service.field` on the page (its input's id
/// and its error's key), so that two parts asking the same field stay
/// apart.
pub fn part_field(service: &str, field: &Field) -> Field {
    let mut f = field.clone();
    f.name = format!("{service}.{}", field.name);
    f
}

/// Every field the offer asks, named by part.
pub fn asked_fields(offer: &Offer) -> Vec<Field> {
    offer.parts.iter().flat_map(|p| p.ask.iter().map(|f| part_field(&p.service, f))).collect()
}

/// The values to send, by part: only the fields each part asks.
pub fn accept_values(offer: &Offer, typed: &BTreeMap<String, String>) -> BTreeMap<String, BTreeMap<String, String>> {
    offer
        .parts
        .iter()
        .filter(|p| !p.ask.is_empty())
        .map(|p| {
            let values = p
                .ask
                .iter()
                .map(|f| (f.name.clone(), typed.get(&format!("{}.{}", p.service, f.name)).cloned().unwrap_or_default()))
                .collect();
            (p.service.clone(), values)
        })
        .collect()
}

/// Whether the citizen can still act on the offer.
pub fn is_open(offer: &Offer) -> bool {
    offer.status == "open"
}
