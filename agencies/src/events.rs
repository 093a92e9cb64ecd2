//! Life events an agency's registry records about a person (a birth, a
//! death, a marriage, a vehicle bought, a licence about to expire, …):
//! kept in order, readable as a feed after a cursor (`GET /v1/events`,
//! the window's pull fallback) and pushed to the window signed with the
//! agency's callback secret. What an event carries is deterministic per
//! person, kind and how many such events the person has had.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use panjere_api::smart::{is_event_kind, EventFeed, LifeEvent};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::data::{national_code_from, person, Rng};
use crate::ops::bad;
use crate::{now_rfc3339, Agency};

/// What the admin endpoint asks for: an event of `kind` about `person`
/// (`days`: for an expiry, how far ahead; default 30).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    pub kind: String,
    pub person: String,
    #[serde(default)]
    pub days: Option<u32>,
}

const BOYS: &[(&str, &str)] = &[("آرین", "Arian"), ("امیرعلی", "Amirali"), ("محمد", "Mohammad"), ("حسین", "Hossein"), ("ایلیا", "Ilya")];
const GIRLS: &[(&str, &str)] = &[("فاطمه", "Fatemeh"), ("زهرا", "Zahra"), ("نازنین", "Nazanin"), ("ستایش", "Setayesh"), ("هلیا", "Helia")];

fn iso_in(days: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (y, m, d) = panjere_api::time::civil_from_days((now / 86_400) as i64 + days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A valid ten-digit postal code, deterministic per seed.
fn postal_code(r: &mut Rng) -> String {
    format!("{}{:09}", 1 + r.below(9), r.below(1_000_000_000))
}

/// The event's data: what the registry recorded, deterministic per
/// (person, kind, sequence).
pub fn data_for(kind: &str, person_code: &str, nth: usize, days: u32) -> Map<String, Value> {
    let mut r = Rng::new(&format!("{person_code}/{kind}/{nth}"));
    let p = person(person_code);
    let v = match kind {
        "birth" => {
            let girl = r.below(2) == 0;
            let (fa, en) = *r.pick(if girl { GIRLS } else { BOYS });
            json!({
                "child_code": national_code_from(r.below(1_000_000_000)),
                "child_name": fa,
                "child_name_en": en,
                "sex": if girl { "female" } else { "male" },
                "born_on": iso_in(0),
                "postal_code": postal_code(&mut Rng::new(&format!("{person_code}/home"))),
            })
        }
        "death" => json!({
            "deceased_code": national_code_from(r.below(1_000_000_000)),
            "relation": if r.below(2) == 0 { "spouse" } else { "parent" },
            "died_on": iso_in(-1),
        }),
        "marriage" => json!({ "spouse_code": national_code_from(r.below(1_000_000_000)), "married_on": iso_in(0) }),
        "turned_18" => json!({ "birth_date": p.birth_date }),
        "vehicle_bought" => {
            let letters = ['ب', 'ج', 'د', 'س', 'ص', 'ط', 'ق', 'ل', 'م', 'ن', 'و', 'ه', 'ی'];
            let plate = format!("{:02}{}{:03}{:02}", 10 + r.below(90), r.pick(&letters), 100 + r.below(900), 10 + r.below(90));
            json!({ "plate": plate, "postal_code": postal_code(&mut Rng::new(&format!("{person_code}/home"))), "bought_on": iso_in(0) })
        }
        "licence_expiring" => json!({
            "licence": format!("{:010}", r.below(10_000_000_000)),
            "expires_on": iso_in(i64::from(days)),
            "postal_code": postal_code(&mut Rng::new(&format!("{person_code}/home"))),
        }),
        "passport_expiring" => json!({
            "passport": format!("P{:08}", r.below(100_000_000)),
            "expires_on": iso_in(i64::from(days)),
            "postal_code": postal_code(&mut Rng::new(&format!("{person_code}/home"))),
        }),
        "retirement" => json!({ "retired_on": iso_in(0), "kind": "age" }),
        _ => json!({}),
    };
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Records an event at `a` (refused when the agency does not publish that
/// kind, or the person is not a valid national code).
pub fn record(a: &Agency, n: &NewEvent) -> Result<LifeEvent, String> {
    if !is_event_kind(&n.kind) || !a.system.publishes.iter().any(|k| k == &n.kind) {
        return Err(format!("{} does not record `{}` events (it records: {})", a.id, n.kind, a.system.publishes.join(", ")));
    }
    crate::checks::national_code(&n.person).map_err(|_| "invalid national code in `person`".to_owned())?;
    let person = n.person.clone();
    let mut log = a.events.lock().expect("events lock");
    let nth = log.iter().filter(|e| e.person == person && e.kind == n.kind).count();
    let e = LifeEvent {
        id: log.len() as u64 + 1,
        kind: n.kind.clone(),
        data: data_for(&n.kind, &person, nth, n.days.unwrap_or(30).min(3650)),
        person,
        at: now_rfc3339(),
    };
    log.push(e.clone());
    Ok(e)
}

#[derive(Deserialize)]
pub struct FeedQuery {
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

/// `GET /v1/events?after=N&limit=M`: events with an id above `after`,
/// oldest first, at most `limit` (default and most 100).
pub async fn feed(State(a): State<Arc<Agency>>, Query(q): Query<FeedQuery>) -> Response {
    let number = |v: &Option<String>, default: u64| match v.as_deref() {
        None | Some("") => Ok(default),
        Some(s) => s.parse::<u64>().map_err(|_| ()),
    };
    let (Ok(after), Ok(limit)) = (number(&q.after, 0), number(&q.limit, 100)) else {
        return bad("`after` and `limit` are whole numbers");
    };
    let log = a.events.lock().expect("events lock");
    let items: Vec<LifeEvent> = log.iter().filter(|e| e.id > after).take(limit.clamp(1, 100) as usize).cloned().collect();
    Json(EventFeed { items }).into_response()
}

/// Pushes an event to the window, signed as callbacks are.
pub async fn push(client: &reqwest::Client, a: &Agency, url: &str, e: &LifeEvent) {
    let body = serde_json::to_string(e).expect("an event serialises");
    let sent = crate::apps::send_signed(client, a, url, body).await;
    match sent {
        Ok(r) if r.status().is_success() => {}
        Ok(r) => tracing::warn!(agency = a.id, event = e.id, status = r.status().as_u16(), "event push refused; the window can pull"),
        Err(err) => tracing::warn!(agency = a.id, event = e.id, error = %err, "event push failed; the window can pull"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_data_is_deterministic_and_valid() {
        let a = data_for("birth", "0076229645", 0, 30);
        assert_eq!(a, data_for("birth", "0076229645", 0, 30));
        assert_ne!(a, data_for("birth", "0076229645", 1, 30));
        assert!(panjere_api::ids::national_code(a["child_code"].as_str().unwrap()).is_ok());
        assert!(panjere_api::ids::postal_code(a["postal_code"].as_str().unwrap()).is_some());
        let v = data_for("vehicle_bought", "0076229645", 0, 30);
        assert!(panjere_api::ids::plate(v["plate"].as_str().unwrap()).is_some(), "{v:?}");
        let d = data_for("death", "0076229645", 0, 30);
        assert!(panjere_api::ids::national_code(d["deceased_code"].as_str().unwrap()).is_ok());
    }
}
