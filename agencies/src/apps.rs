//! Applications sent to an agency: accepted with an idempotency key, given
//! an agency reference, moved on over time, readable by polling and pushed to
//! the window by a signed callback.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;

use crate::data::Rng;
use crate::ops::bad;
use crate::{now_rfc3339, Agency};

/// The statuses an application moves through, in order (final ones last).
pub const FLOW: &[&str] = &["received", "in_review", "decided", "delivered"];

#[derive(Debug, Clone, Serialize)]
pub struct Application {
    pub reference: String,
    pub service: String,
    pub status: String,
    /// `approved` or `rejected` once decided.
    pub decision: Option<String>,
    /// What the agency asks for (`more_info`) or why it refused
    /// (`rejected`), in Persian and English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<serde_json::Value>,
    /// The reference of the document issued on approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// `rules` when the system decided it by its rules, with no staff
    /// (zero-touch); absent when an officer did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    pub history: Vec<serde_json::Value>,
    #[serde(skip)]
    pub idempotency_key: String,
    #[serde(skip)]
    pub citizen: String,
    /// The citizen's answers to requests for more information.
    #[serde(skip)]
    pub replies: Vec<String>,
    /// The payment reference of the fee, as the window sent it.
    #[serde(skip)]
    pub payment: Option<String>,
}

#[derive(Default)]
pub struct Store {
    pub by_ref: HashMap<String, Application>,
    pub by_key: HashMap<String, String>,
    /// How many times each idempotency key was sent (a retried forward
    /// counts again; it still makes one application).
    pub received: HashMap<String, u32>,
}

#[derive(Deserialize)]
pub struct NewApplication {
    service: String,
    citizen: String,
    idempotency_key: String,
    #[serde(default)]
    data: serde_json::Value,
}

/// A zero-touch decision by the agency's rules (`systems.toml`,
/// `decides`) over the data the window sent: `None` when the service is
/// decided by staff; otherwise approved, or rejected with the failing
/// rule's reason.
pub fn decide_by_rules(
    system: &crate::systems::System,
    service: &str,
    citizen: &str,
    data: &serde_json::Value,
) -> Option<Result<(), serde_json::Value>> {
    let d = system.decides.iter().find(|d| d.service == service)?;
    let inquiries = data.get("inquiries").and_then(serde_json::Value::as_array).cloned().unwrap_or_default();
    if citizen == crate::data::REFUSED {
        return Some(Err(json!({
            "fa": "درخواست رد شد (تصمیم خودکار بر پایه قواعد): پرونده شما در این سازمان مانع دارد. می‌توانید ظرف ۲۰ روز اعتراض کنید.",
            "en": "Rejected automatically: your record at this agency has a bar. You may object within 20 days.",
        })));
    }
    for rule in &d.rules {
        let record = inquiries.iter().find(|i| i.get("operation").and_then(serde_json::Value::as_str) == Some(rule.inquiry.as_str()));
        let label = |lang: &str| {
            record
                .and_then(|r| r.pointer(&format!("/label/{lang}")))
                .and_then(serde_json::Value::as_str)
                .unwrap_or(&rule.inquiry)
                .to_owned()
        };
        let answer = record.filter(|r| r.get("ok") == Some(&json!(true))).and_then(|r| r.get("answer"));
        let failed = match rule.check.as_str() {
            "found" => answer.is_none().then(|| {
                json!({
                    "fa": format!("درخواست رد شد (تصمیم خودکار بر پایه قواعد): {} یافت نشد. پس از ثبت آن، دوباره درخواست دهید.", label("fa")),
                    "en": format!("Rejected automatically: {} was not found. Apply again once it is on record.", label("en")),
                })
            }),
            "adult_alive" => {
                let alive = answer.and_then(|a| a.get("alive")).and_then(serde_json::Value::as_bool).unwrap_or(false);
                let birth = answer.and_then(|a| a.get("birth_date")).and_then(serde_json::Value::as_str).unwrap_or("");
                let adult = crate::data::age(birth, crate::data::today()) >= 18;
                (!(alive && adult)).then(|| json!({
                    "fa": "درخواست رد شد (تصمیم خودکار بر پایه قواعد): متقاضی این خدمت باید بالای ۱۸ سال و در قید حیات باشد (استعلام از ثبت احوال).",
                    "en": "Rejected automatically: the applicant for this service must be alive and 18 or over (from the civil registry).",
                }))
            }
            _ => None,
        };
        if let Some(reason) = failed {
            return Some(Err(reason));
        }
    }
    Some(Ok(()))
}

/// `POST /v1/applications`: the same idempotency key always yields the same
/// application (200), a new one is created (201).
pub async fn submit(State(a): State<Arc<Agency>>, Json(n): Json<NewApplication>) -> Response {
    if crate::checks::national_code(&n.citizen).is_err() {
        return bad("invalid national code in `citizen`");
    }
    if n.service.is_empty() || n.idempotency_key.is_empty() || n.idempotency_key.len() > 128 {
        return bad("`service` and `idempotency_key` (at most 128 characters) are required");
    }
    let mut store = a.apps.lock().expect("applications lock");
    *store.received.entry(n.idempotency_key.clone()).or_default() += 1;
    if let Some(reference) = store.by_key.get(&n.idempotency_key).cloned() {
        return (StatusCode::OK, Json(store.by_ref[&reference].clone())).into_response();
    }
    let reference = format!("{}-{:08}", a.id.to_uppercase(), store.by_ref.len() + 1);
    let mut app = Application {
        reference: reference.clone(),
        service: n.service,
        status: FLOW[0].to_owned(),
        decision: None,
        message: None,
        document: None,
        decided_by: None,
        history: vec![json!({ "status": FLOW[0], "at": now_rfc3339() })],
        idempotency_key: n.idempotency_key.clone(),
        citizen: n.citizen,
        replies: Vec::new(),
        payment: n.data.pointer("/payment/reference").and_then(serde_json::Value::as_str).map(str::to_owned),
    };
    // Zero-touch: decided by the rules now, in the answer to the submission.
    if let Some(outcome) = decide_by_rules(a.system, &app.service, &app.citizen, &n.data) {
        app.status = "decided".to_owned();
        app.decided_by = Some("rules".to_owned());
        match outcome {
            Ok(()) => {
                app.decision = Some("approved".to_owned());
                app.document =
                    Some(format!("{}-DOC-{:08}", a.id.to_uppercase(), Rng::new(&format!("doc-{}", app.reference)).below(100_000_000)));
            }
            Err(reason) => {
                app.decision = Some("rejected".to_owned());
                app.message = Some(reason);
            }
        }
        app.history.push(json!({ "status": "decided", "decision": app.decision, "by": "rules", "at": now_rfc3339() }));
    }
    store.by_key.insert(n.idempotency_key, reference.clone());
    store.by_ref.insert(reference, app.clone());
    (StatusCode::CREATED, Json(app)).into_response()
}

pub async fn status(State(a): State<Arc<Agency>>, Path(reference): Path<String>) -> Response {
    match a.apps.lock().expect("applications lock").by_ref.get(&reference) {
        Some(app) => Json(app.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, Json(json!({ "error": format!("no application {reference}") }))).into_response(),
    }
}

#[derive(Deserialize)]
pub struct Reply {
    text: String,
}

/// `POST /v1/applications/{reference}/replies`: the citizen's answer to a
/// request for more information; the application goes back to review.
pub async fn reply(State(a): State<Arc<Agency>>, Path(reference): Path<String>, Json(r): Json<Reply>) -> Response {
    let n = r.text.trim().chars().count();
    if n == 0 || n > 480 {
        return bad("`text` must be 1 to 480 characters");
    }
    let mut store = a.apps.lock().expect("applications lock");
    let Some(app) = store.by_ref.get_mut(&reference) else {
        return (StatusCode::NOT_FOUND, Json(json!({ "error": format!("no application {reference}") }))).into_response();
    };
    if app.status != "more_info" {
        return (StatusCode::CONFLICT, Json(json!({ "error": "this application is not waiting for more information" }))).into_response();
    }
    app.replies.push(r.text);
    app.status = "in_review".to_owned();
    app.message = None;
    app.history.push(json!({ "status": app.status, "at": now_rfc3339() }));
    Json(app.clone()).into_response()
}

fn asks_more(app: &Application) -> bool {
    app.citizen == crate::data::MORE_INFO && app.replies.is_empty()
}

/// Moves every unfinished application one step on; returns those changed.
/// The persona [`MORE_INFO`](crate::data::MORE_INFO) is asked for more
/// information once; [`REFUSED`](crate::data::REFUSED) is rejected with a
/// reason; about one in eight people who are not personas is rejected
/// (deterministic per reference); an approval issues a document reference.
pub fn advance(a: &Agency) -> Vec<Application> {
    let mut store = a.apps.lock().expect("applications lock");
    let mut changed = Vec::new();
    for app in store.by_ref.values_mut() {
        if app.status == "more_info" || app.decision.as_deref() == Some("rejected") {
            continue;
        }
        let i = FLOW.iter().position(|s| *s == app.status).unwrap_or(FLOW.len() - 1);
        if i + 1 >= FLOW.len() {
            continue;
        }
        if app.status == "in_review" && asks_more(app) {
            app.status = "more_info".to_owned();
            app.message = Some(json!({
                "fa": "برای بررسی درخواست، نشانی دقیق و زمانی را که برای تماس کارشناس مناسب است بنویسید.",
                "en": "To review the application we need your exact address and a good time for our officer to call you.",
            }));
        } else {
            app.status = FLOW[i + 1].to_owned();
        }
        if app.status == "decided" {
            // Personas do what they say; about one in eight other people is
            // rejected (deterministic per reference).
            let random = crate::data::persona(&app.citizen).is_none() && Rng::new(&app.reference).below(8) == 0;
            let rejected = app.citizen == crate::data::REFUSED || random;
            app.decision = Some(if rejected { "rejected" } else { "approved" }.to_owned());
            if rejected {
                app.message = Some(json!({
                    "fa": "درخواست رد شد: شرایط این خدمت در پرونده شما فراهم نیست. می‌توانید با رفع مورد، درخواست تازه بدهید یا ظرف ۲۰ روز اعتراض کنید.",
                    "en": "The application was rejected: your record does not meet this service's conditions. You may apply again once that is resolved, or object within 20 days.",
                }));
            } else {
                app.document =
                    Some(format!("{}-DOC-{:08}", a.id.to_uppercase(), Rng::new(&format!("doc-{}", app.reference)).below(100_000_000)));
            }
        }
        app.history.push(json!({ "status": app.status, "decision": app.decision, "at": now_rfc3339() }));
        changed.push(app.clone());
    }
    changed
}

/// `sha256=<hex HMAC-SHA256(secret, body)>`, as sent in `X-Panjere-Signature`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    format!("sha256={}", hex::encode(bytes))
}

/// POSTs a JSON body to the window, signed with the agency's callback
/// secret (`X-Panjere-Signature`) and naming it (`X-Panjere-Agency`).
pub async fn send_signed(client: &reqwest::Client, a: &Agency, url: &str, body: String) -> reqwest::Result<reqwest::Response> {
    let sig = signature(&a.callback_secret, body.as_bytes());
    client
        .post(url)
        .header("content-type", "application/json")
        .header("x-panjere-agency", a.id)
        .header("x-panjere-signature", sig)
        .body(body)
        .send()
        .await
}

/// Pushes a status change to the window, signed with the agency's secret.
pub async fn callback(client: &reqwest::Client, a: &Agency, url: &str, app: &Application) {
    // On delivery the agency also sends the citizen a notice.
    let notice = match app.status.as_str() {
        "delivered" => Some(json!({
            "fa": format!("نتیجه درخواست {} با پست به نشانی شما فرستاده شد.", app.reference),
            "en": format!("The outcome of application {} has been posted to your address.", app.reference),
        })),
        "more_info" | "decided" => app.message.clone(),
        _ => None,
    };
    let body = json!({ "agency": a.id, "reference": app.reference, "service": app.service, "status": app.status, "decision": app.decision, "decided_by": app.decided_by, "document": app.document, "notice": notice, "at": now_rfc3339() }).to_string();
    let sent = send_signed(client, a, url, body).await;
    match sent {
        Ok(r) if r.status().is_success() => {}
        Ok(r) => tracing::warn!(agency = a.id, reference = %app.reference, status = r.status().as_u16(), "callback refused"),
        Err(e) => tracing::warn!(agency = a.id, reference = %app.reference, error = %e, "callback failed; the window can poll"),
    }
}

#[cfg(test)]
mod tests {
    use super::signature;

    #[test]
    fn hmac_signature_matches_rfc_4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
