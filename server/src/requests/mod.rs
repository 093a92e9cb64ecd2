//! Using a service: a request is stored durably first; a worker then makes
//! the window's inter-agency inquiries and forwards it to the owning agency
//! with the request id as idempotency key, retrying with backoff while the
//! agency is unavailable (the citizen sees "queued", never a lost request).
//! Statuses come back by the agency's signed callbacks and, as a fallback,
//! by polling.

pub mod store;

use std::sync::Arc;
use std::time::Duration;

use panjere_api::forms::{Form, CITIZEN};
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::auth::random_id;
use crate::gateway::{CallContext, GatewayError};
use crate::state::AppState;

use self::store::{RequestRow, RequestStore};

/// Timing of delivery and polling, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct RequestSettings {
    /// Poll a forwarded request's status this often (callbacks are the
    /// main path; polling catches what they miss).
    pub poll_interval_s: i64,
    /// The longest wait between delivery attempts.
    pub max_backoff_s: i64,
}

impl Default for RequestSettings {
    fn default() -> Self {
        RequestSettings { poll_interval_s: 15, max_backoff_s: 60 }
    }
}

pub struct Requests {
    pub store: Arc<dyn RequestStore>,
    pub settings: RequestSettings,
    /// Wakes the worker (a new request was submitted).
    pub wake: Notify,
}

impl Requests {
    pub fn new(store: Arc<dyn RequestStore>, settings: RequestSettings) -> Self {
        Requests { store, settings, wake: Notify::new() }
    }
}

/// A fresh tracking code.
pub fn new_tracking_code() -> String {
    let mut b = [0u8; 9];
    getrandom::getrandom(&mut b).expect("the operating system's random source");
    panjere_api::tracking::from_random(b)
}

/// Operation parameters from a form's mapping: `$citizen` or a field.
pub fn params_for(mapping: &std::collections::BTreeMap<String, String>, national_code: &str, values: &Value) -> Vec<(String, String)> {
    mapping
        .iter()
        .map(|(param, source)| {
            let v = if source == CITIZEN {
                national_code.to_owned()
            } else {
                values.get(source).and_then(Value::as_str).unwrap_or_default().to_owned()
            };
            (param.clone(), v)
        })
        .collect()
}

/// Whether an agency failure is worth retrying later.
fn transient(e: &GatewayError) -> bool {
    !matches!(e, GatewayError::Rejected { .. } | GatewayError::Build(_))
}

/// Runs the delivery worker and the poller for as long as the server runs
/// (or until the handle is aborted).
pub fn spawn_worker(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_poll = 0;
        loop {
            let requests = state.requests();
            let _ = tokio::time::timeout(Duration::from_millis(500), requests.wake.notified()).await;
            let now = state.auth().clock.now();
            match requests.store.due(now, 20).await {
                Ok(due) => {
                    for r in due {
                        deliver(&state, r).await;
                    }
                }
                Err(e) => tracing::error!(error = %e, "cannot read requests due for delivery"),
            }
            if now - last_poll >= 1 {
                last_poll = now;
                poll(&state, now).await;
            }
        }
    })
}

fn form_of<'a>(state: &'a AppState, r: &RequestRow) -> Option<&'a Form> {
    state.catalog().form(&r.service)
}

/// One delivery attempt: the window's inquiries (once), then forwarding.
pub async fn deliver(state: &AppState, r: RequestRow) {
    let Some(form) = form_of(state, &r) else {
        tracing::error!(request = %r.id, service = %r.service, "no form for a stored request");
        return;
    };
    let values: Value = serde_json::from_str(&r.data).unwrap_or_default();
    let g = state.gateway();
    let now = state.auth().clock.now();
    let mut inquiries: Value = r.inquiries.as_deref().and_then(|s| serde_json::from_str(s).ok()).unwrap_or(Value::Null);
    if inquiries.is_null() {
        let mut done = Vec::new();
        for i in &form.inquiries {
            let ctx =
                CallContext { request_id: r.id.clone(), citizen: Some(r.national_code.clone()), requested_by: Some(r.agency.clone()) };
            let asked = g.registry().operations.get(&i.operation).map(|o| o.agency.clone()).unwrap_or_default();
            match g.call(&i.operation, &params_for(&i.params, &r.national_code, &values), &ctx).await {
                Ok(answer) => done.push(json!({ "operation": i.operation, "agency": asked, "label": i.label, "answered_at": crate::now_rfc3339(), "ok": true, "answer": answer })),
                Err(e) if transient(&e) => return queue(state, &r, &e.to_string(), now).await,
                Err(e) => done.push(json!({ "operation": i.operation, "agency": asked, "label": i.label, "answered_at": crate::now_rfc3339(), "ok": false, "error": e.to_string() })),
            }
        }
        inquiries = Value::Array(done);
        if let Err(e) = state.requests().store.set_inquiries(&r.id, &inquiries.to_string()).await {
            tracing::error!(request = %r.id, error = %e, "cannot store inquiries");
            return;
        }
    }
    let Some(submit) = &form.submit else { return };
    let data = json!({ "values": values, "inquiries": inquiries });
    let params = vec![
        ("service".to_owned(), r.service.clone()),
        ("citizen".to_owned(), r.national_code.clone()),
        ("idempotency_key".to_owned(), r.id.clone()),
        ("data".to_owned(), data.to_string()),
    ];
    let ctx = CallContext { request_id: r.id.clone(), citizen: Some(r.national_code.clone()), requested_by: None };
    match g.call(submit, &params, &ctx).await {
        Ok(answer) => {
            let Some(reference) = answer.get("reference").and_then(Value::as_str) else {
                return queue(state, &r, "the agency answered without a reference", now).await;
            };
            let store = &state.requests().store;
            if let Err(e) = store.set_reference(&r.id, reference, now).await {
                tracing::error!(request = %r.id, error = %e, "cannot store the agency reference");
                return;
            }
            tracing::info!(request = %r.id, agency = %r.agency, "request forwarded");
            let status = answer.get("status").and_then(Value::as_str).unwrap_or("received");
            apply_agency_status(state, &r, status, answer.get("decision").and_then(Value::as_str), "window").await;
        }
        Err(e) if transient(&e) => queue(state, &r, &e.to_string(), now).await,
        Err(e) => {
            tracing::warn!(request = %r.id, error = %e, "the agency refused the request");
            let _ = state.requests().store.requeue(&r.id, i64::MAX, &e.to_string(), now).await;
            add_status(state, &r, "rejected", "window").await;
        }
    }
}

/// The agency could not be reached: "queued", and try again later.
async fn queue(state: &AppState, r: &RequestRow, error: &str, now: i64) {
    let max = state.requests().settings.max_backoff_s;
    let base = (1_i64 << r.attempts.clamp(0, 6)).min(max);
    let jitter = i64::from(random_id().as_bytes()[0] % 4);
    tracing::info!(request = %r.id, attempts = r.attempts + 1, error, "agency unavailable; request queued");
    if let Err(e) = state.requests().store.requeue(&r.id, now + base + jitter, error, now).await {
        tracing::error!(request = %r.id, error = %e, "cannot requeue");
    }
    add_status(state, r, "queued", "window").await;
}

async fn add_status(state: &AppState, r: &RequestRow, status: &str, source: &str) {
    let now = state.auth().clock.now();
    if let Err(e) = state.requests().store.add_status(r, status, source, &random_id(), now).await {
        tracing::error!(request = %r.id, error = %e, "cannot record a status");
    }
}

/// Records an agency's status (and every status it implies before it, so
/// the timeline has no gaps).
pub async fn apply_agency_status(state: &AppState, r: &RequestRow, status: &str, decision: Option<&str>, source: &str) -> bool {
    let Some(window) = panjere_api::requests::from_agency(status, decision) else {
        tracing::warn!(request = %r.id, status, "unknown agency status");
        return false;
    };
    for earlier in ["forwarded", "in_review"] {
        if panjere_api::requests::rank(earlier) < panjere_api::requests::rank(window) && window != "more_info" {
            add_status(state, r, earlier, source).await;
        }
    }
    if matches!(window, "delivered") {
        let decided = decision.map(|d| if d == "rejected" { "rejected" } else { "approved" }).unwrap_or("approved");
        add_status(state, r, decided, source).await;
    }
    add_status(state, r, window, source).await;
    true
}

/// Asks agencies for forwarded requests' status (the fallback when a
/// callback was lost).
async fn poll(state: &AppState, now: i64) {
    let requests = state.requests();
    let due = match requests.store.pollable(now - requests.settings.poll_interval_s, 20).await {
        Ok(d) => d,
        Err(e) => return tracing::error!(error = %e, "cannot read pollable requests"),
    };
    for r in due {
        let _ = requests.store.set_polled(&r.id, now).await;
        let (Some(form), Some(reference)) = (form_of(state, &r), r.agency_reference.clone()) else { continue };
        let Some(op) = &form.status else { continue };
        let ctx = CallContext { request_id: r.id.clone(), citizen: Some(r.national_code.clone()), requested_by: None };
        match state.gateway().call(op, &[("reference".to_owned(), reference)], &ctx).await {
            Ok(answer) => {
                if let Some(status) = answer.get("status").and_then(Value::as_str) {
                    apply_agency_status(state, &r, status, answer.get("decision").and_then(Value::as_str), "poll").await;
                }
            }
            Err(e) => tracing::info!(request = %r.id, error = %e, "status poll failed; will try again"),
        }
    }
}
