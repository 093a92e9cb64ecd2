//! The operations of each simulated agency. Inputs are validated (400 with a
//! message); answers are deterministic per national code, plate, number.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::checks;
use crate::data::{age, person, persona, today, Gender, Rng, CITIES};
use crate::{now_rfc3339, Agency, Mode};

/// A 400 answer naming what is wrong.
pub fn bad(message: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message.into() }))).into_response()
}

fn code(nc: &str) -> Result<String, String> {
    checks::national_code(nc).map(|()| nc.to_owned()).map_err(|e| format!("invalid national_code: {e}"))
}

/// The routes of agency `id` (besides health and applications).
pub fn routes(id: &str) -> Router<Arc<Agency>> {
    let r = Router::new();
    match id {
        "sabt-ahval" => r.route("/v1/persons/{national_code}", get(person_record)),
        "cra" => r.route("/v1/ownership", get(ownership)),
        "sms" => r.route("/v1/messages", post(send_sms)).route("/outbox", get(outbox)),
        "traffic-police" => r.route("/v1/fines", get(fines)).route("/v1/licences/{national_code}", get(licence)),
        "passport-police" => r.route("/v1/passports/{national_code}", get(passport)),
        "tax" => r.route("/v1/tax-files/{national_code}", get(tax_file)).route("/v1/clearances/{national_code}", get(clearance)),
        "customs" => r.route("/v1/declarations/{number}", get(declaration)),
        "social-security" => r.route("/v1/insurance-records/{national_code}", get(insurance)),
        "post" => r.route("/v1/postal-codes/{postal_code}", get(postal_code)),
        "conscription" => r.route("/v1/military-status/{national_code}", get(military)),
        _ => r,
    }
}

async fn person_record(Path(nc): Path<String>) -> Response {
    match code(&nc) {
        Ok(c) if c == crate::data::UNREGISTERED => {
            (StatusCode::NOT_FOUND, Json(json!({ "error": "no person with this national code in the registry" }))).into_response()
        }
        Ok(c) => Json(person(&c)).into_response(),
        Err(e) => bad(e),
    }
}

#[derive(Deserialize)]
struct OwnershipQuery {
    national_code: Option<String>,
    mobile: Option<String>,
}

/// "Shahkar": does this mobile line belong to this national code?
async fn ownership(Query(q): Query<OwnershipQuery>) -> Response {
    let (Some(nc), Some(m)) = (q.national_code, q.mobile) else { return bad("national_code and mobile are required") };
    let nc = match code(&nc) {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    if checks::mobile(&m).is_err() {
        return bad("invalid mobile");
    }
    Json(json!({ "national_code": nc, "mobile": m, "owner": person(&nc).mobile == m })).into_response()
}

#[derive(Deserialize)]
struct Sms {
    to: String,
    text: String,
}

async fn send_sms(State(a): State<Arc<Agency>>, Json(sms): Json<Sms>) -> Response {
    let Ok(to) = checks::mobile_number(&sms.to) else { return bad("invalid mobile in `to`") };
    if sms.text.is_empty() || sms.text.chars().count() > 480 {
        return bad("text must be 1 to 480 characters");
    }
    let mut outbox = a.outbox.lock().expect("outbox lock");
    let id = format!("sms-{}", outbox.len() + 1);
    outbox.push(json!({ "id": id, "to": to, "text": sms.text, "at": now_rfc3339() }));
    (StatusCode::ACCEPTED, Json(json!({ "id": id }))).into_response()
}

#[derive(Deserialize)]
struct OutboxQuery {
    mobile: Option<String>,
}

/// Messages sent, newest first: development and test mode only.
async fn outbox(State(a): State<Arc<Agency>>, Query(q): Query<OutboxQuery>) -> Response {
    if a.mode == Mode::Production {
        return (StatusCode::NOT_FOUND, Json(json!({ "error": "the outbox exists only in development and test mode" }))).into_response();
    }
    let want = match q.mobile {
        Some(m) if checks::mobile(&m).is_ok() => Some(m),
        Some(_) => return bad("invalid mobile"),
        None => None,
    };
    let outbox = a.outbox.lock().expect("outbox lock");
    let items: Vec<&Value> = outbox.iter().rev().filter(|m| want.as_deref().is_none_or(|w| m["to"] == w)).collect();
    Json(json!({ "items": items })).into_response()
}

#[derive(Deserialize)]
struct FinesQuery {
    national_code: Option<String>,
    plate: Option<String>,
}

const PLACES: &[&str] = &["بزرگراه همت", "میدان آزادی", "خیابان ولیعصر", "اتوبان تهران-کرج", "بزرگراه چمران"];
const OFFENCES: &[(&str, u64)] =
    &[("عبور از چراغ قرمز", 2_000_000), ("سرعت غیرمجاز", 1_500_000), ("توقف ممنوع", 500_000), ("استفاده از تلفن همراه", 1_000_000)];

fn fines_for(seed: &str, count: u64) -> Value {
    let mut r = Rng::new(seed);
    let (y, _, _) = today();
    let items: Vec<Value> = (0..count)
        .map(|i| {
            let (what, amount) = *r.pick(OFFENCES);
            let serial = r.below(1_000_000);
            // Payable as a bill: the police issue its bill and payment IDs.
            let (bill_id, payment_id) =
                panjere_api::payments::make_bill(10_000_000 + serial, 207, panjere_api::payments::BillKind::TrafficFine, amount as i64, 5, 1);
            json!({ "id": format!("F{}{:06}", i + 1, serial), "date": format!("{y}-{:02}-{:02}", 1 + r.below(10), 1 + r.below(28)), "place": r.pick(PLACES), "offence": what, "amount_rials": amount, "bill_id": bill_id, "payment_id": payment_id })
        })
        .collect();
    let total: u64 = items.iter().map(|f| f["amount_rials"].as_u64().unwrap_or(0)).sum();
    json!({ "fines": items, "total_rials": total })
}

async fn fines(Query(q): Query<FinesQuery>) -> Response {
    match (q.national_code, q.plate) {
        (Some(nc), None) => match code(&nc) {
            Ok(c) => {
                let n = if persona(&c).is_some_and(|p| p.national_code == "0034567811") {
                    3
                } else if persona(&c).is_some() {
                    0
                } else {
                    let mut r = Rng::new(&format!("fines-{c}"));
                    if r.below(4) == 0 {
                        1 + r.below(2)
                    } else {
                        0
                    }
                };
                Json(fines_for(&c, n)).into_response()
            }
            Err(e) => bad(e),
        },
        (None, Some(p)) => match checks::plate(&p) {
            Ok(()) => {
                let n = Rng::new(&format!("plate-{p}")).below(3);
                Json(fines_for(&p, n)).into_response()
            }
            Err(_) => bad("invalid plate: expected two digits, a letter, three digits and a two-digit province code, e.g. 12ب34567"),
        },
        _ => bad("give exactly one of national_code or plate"),
    }
}

async fn licence(Path(nc): Path<String>) -> Response {
    let c = match code(&nc) {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    let p = person(&c);
    let (y, m, d) = today();
    let mut r = Rng::new(&format!("licence-{c}"));
    let body = if age(&p.birth_date, today()) < 18 || !p.alive {
        json!({ "status": "none" })
    } else {
        let status = match r.below(10) {
            0 => "expired",
            1 => "suspended",
            _ => "valid",
        };
        let expires =
            if status == "expired" { format!("{}-{m:02}-{d:02}", y - 1) } else { format!("{}-{m:02}-{d:02}", y + 1 + r.below(9) as i32) };
        json!({ "status": status, "class": "پایه سوم", "expires_on": expires, "negative_points": r.below(25) })
    };
    Json(body).into_response()
}

async fn passport(Path(nc): Path<String>) -> Response {
    let c = match code(&nc) {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    let (y, m, d) = today();
    let mut r = Rng::new(&format!("passport-{c}"));
    let body = match r.below(6) {
        0 => json!({ "status": "none" }),
        1 => {
            json!({ "status": "expired", "number": format!("X{:08}", r.below(100_000_000)), "expires_on": format!("{}-{m:02}-{d:02}", y - 1) })
        }
        2 => json!({ "status": "in_production" }),
        _ => {
            json!({ "status": "valid", "number": format!("X{:08}", r.below(100_000_000)), "expires_on": format!("{}-{m:02}-{d:02}", y + 1 + r.below(6) as i32) })
        }
    };
    Json(body).into_response()
}

async fn tax_file(Path(nc): Path<String>) -> Response {
    match code(&nc) {
        Ok(c) => {
            let mut r = Rng::new(&format!("tax-{c}"));
            let has = r.below(3) > 0;
            Json(json!({ "has_file": has, "file_number": has.then(|| format!("{:010}", r.below(10_000_000_000))), "economic_code": has.then(|| format!("4{:011}", r.below(100_000_000_000))) })).into_response()
        }
        Err(e) => bad(e),
    }
}

async fn clearance(Path(nc): Path<String>) -> Response {
    match code(&nc) {
        Ok(c) => {
            let debt = if c == "0056781237" { 185_000_000 } else { 0 };
            Json(json!({ "national_code": c, "cleared": debt == 0, "debt_rials": debt, "checked_at": now_rfc3339() })).into_response()
        }
        Err(e) => bad(e),
    }
}

async fn declaration(Path(number): Path<String>) -> Response {
    if let Err(e) = checks::declaration_number(&number) {
        return bad(format!("invalid declaration number: {e}"));
    }
    let n = number;
    let mut r = Rng::new(&format!("decl-{n}"));
    let status = *r.pick(&["cleared", "inspection", "awaiting_payment", "registered"]);
    let office = *r.pick(&["گمرک شهید رجایی", "گمرک فرودگاه امام خمینی", "گمرک غرب تهران", "گمرک بازرگان"]);
    Json(json!({ "number": n, "status": status, "customs_office": office })).into_response()
}

const EMPLOYERS: &[&str] =
    &["شرکت پارس‌گستر", "فروشگاه زنجیره‌ای رفاه", "شرکت ساختمانی آبادگران", "کارخانه قند نقش جهان", "شرکت نرم‌افزاری داده‌پرداز"];

async fn insurance(Path(nc): Path<String>) -> Response {
    let c = match code(&nc) {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    let p = person(&c);
    let years = (age(&p.birth_date, today()) - 20).max(0) as u64;
    let mut r = Rng::new(&format!("ins-{c}"));
    let mut left = years * 12 * (5 + r.below(6)) / 10;
    let mut employers = Vec::new();
    while left > 0 {
        let months = left.min(12 + r.below(72));
        employers.push(json!({ "employer": r.pick(EMPLOYERS), "months": months }));
        left -= months;
    }
    let total: u64 = employers.iter().map(|e| e["months"].as_u64().unwrap_or(0)).sum();
    Json(json!({ "national_code": c, "total_months": total, "employers": employers })).into_response()
}

const STREETS: &[&str] = &["خیابان آزادی", "خیابان انقلاب", "خیابان شریعتی", "بلوار کشاورز", "خیابان فردوسی", "کوچه بهار"];

async fn postal_code(Path(pc): Path<String>) -> Response {
    if checks::postal_code(&pc).is_err() {
        return bad("invalid postal code: ten digits");
    }
    let mut r = Rng::new(&format!("post-{pc}"));
    let city = *r.pick(CITIES);
    let address = format!("{city}، {}، {}، پلاک {}، واحد {}", r.pick(STREETS), r.pick(STREETS), 1 + r.below(200), 1 + r.below(20));
    Json(json!({ "postal_code": pc, "province": city, "city": city, "address": address })).into_response()
}

async fn military(Path(nc): Path<String>) -> Response {
    let c = match code(&nc) {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    let p = person(&c);
    let a = age(&p.birth_date, today());
    let status = if p.gender == Gender::Female {
        "not_applicable"
    } else if c == "0045678121" {
        "absent"
    } else if a < 18 {
        "not_yet_due"
    } else {
        *Rng::new(&format!("mil-{c}")).pick(&["completed", "completed", "completed", "exempt", "student_deferment"])
    };
    let may_travel = matches!(status, "not_applicable" | "completed" | "exempt" | "not_yet_due");
    Json(json!({ "national_code": c, "status": status, "may_leave_country": may_travel })).into_response()
}
