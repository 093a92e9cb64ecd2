//! What the offer page needs beyond the wire types: the refusal of an
//! acceptance split by part, and the values to send.

use std::collections::BTreeMap;

use panjere_api::forms::FieldError;
use panjere_api::smart::Offer;

/// The server names a refused field `service.field`: the errors of each
/// part, by field.
pub fn errors_by_part(fields: &BTreeMap<String, FieldError>) -> BTreeMap<String, BTreeMap<String, FieldError>> {
    let mut out: BTreeMap<String, BTreeMap<String, FieldError>> = BTreeMap::new();
    for (key, e) in fields {
        let (service, field) = key.split_once('.').unwrap_or((key.as_str(), ""));
        out.entry(service.to_owned()).or_default().insert(field.to_owned(), e.clone());
    }
    out
}

/// The values to send: only the fields each part asks.
pub fn accept_values(offer: &Offer, typed: &BTreeMap<String, BTreeMap<String, String>>) -> BTreeMap<String, BTreeMap<String, String>> {
    offer
        .parts
        .iter()
        .filter(|p| !p.ask.is_empty())
        .map(|p| {
            let given = typed.get(&p.service);
            let values = p.ask.iter().map(|f| (f.name.clone(), given.and_then(|g| g.get(&f.name)).cloned().unwrap_or_default())).collect();
            (p.service.clone(), values)
        })
        .collect()
}

/// Whether the citizen can still act on the offer.
pub fn is_open(offer: &Offer) -> bool {
    offer.status == "open"
}
