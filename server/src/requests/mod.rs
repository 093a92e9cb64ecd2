//! Using a service: a request is stored durably first; a worker then makes
//! the window's inter-agency inquiries and forwards it to the owning agency
//! with the request id as idempotency key, retrying with backoff while the
//! agency is unavailable (the citizen sees "queued", never a lost request).
//! Statuses come back by the agency's signed callbacks and, as a fallback,
//! by polling.

pub mod store;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use panjere_api::forms::{Form, CITIZEN};
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::catalog::Catalog;
use crate::clock::{rfc3339, Clock};
use crate::config::RequestSettings;
use crate::gateway::{CallContext, Gateway, GatewayError};
use crate::rand::random_id;

use self::store::{InquiryRecord, RequestRow, RequestStore};

/// What an agency says of an application: its status, its decision once
/// decided, and whether its system decided it by rules with no staff
/// (`"decided_by": "rules"`: then nobody reviewed it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgencyStatus<'a> {
    pub status: &'a str,
    pub decision: Option<&'a str>,
    pub by_rules: bool,
}

impl<'a> AgencyStatus<'a> {
    /// From an agency's answer (or callback); none without a status.
    pub fn of(answer: &'a Value) -> Option<Self> {
        Some(AgencyStatus {
            status: answer.get("status")?.as_str()?,
            decision: answer.get("decision").and_then(Value::as_str),
            by_rules: answer.get("decided_by").and_then(Value::as_str) == Some("rules"),
        })
    }
}

/// What delivery needs, and nothing else: the requests' store, the gateway,
/// the forms, the clock and the timings.
pub struct Requests {
    pub store: Arc<dyn RequestStore>,
    gateway: Arc<Gateway>,
    catalog: Arc<Catalog>,
    clock: Arc<dyn Clock>,
    settings: RequestSettings,
    /// Wakes the worker (a new request was submitted).
    wake: Notify,
}

/// Operation parameters from a form's mapping: `$citizen` or a field.
pub fn params_for(mapping: &BTreeMap<String, String>, national_code: &str, values: &BTreeMap<String, String>) -> Vec<(String, String)> {
    mapping
        .iter()
        .map(|(param, source)| {
            let v = if source == CITIZEN { national_code.to_owned() } else { values.get(source).cloned().unwrap_or_default() };
            (param.clone(), v)
        })
        .collect()
}

/// Whether an agency failure is worth retrying later.
fn transient(e: &GatewayError) -> bool {
    !matches!(e, GatewayError::Rejected { .. } | GatewayError::Build(_))
}

impl Requests {
    pub fn new(
        store: Arc<dyn RequestStore>,
        gateway: Arc<Gateway>,
        catalog: Arc<Catalog>,
        clock: Arc<dyn Clock>,
        settings: RequestSettings,
    ) -> Self {
        Requests { store, gateway, catalog, clock, settings, wake: Notify::new() }
    }

    /// A request was submitted: deliver it now rather than at the next tick.
    pub fn submitted(&self) {
        self.wake.notify_one();
    }

    fn form_of(&self, r: &RequestRow) -> Option<&Form> {
        self.catalog.form(&r.service)
    }

    /// One delivery attempt at `now`: the window's inquiries (once), then
    /// forwarding.
    pub async fn deliver(&self, r: RequestRow, now: i64) {
        let Some(form) = self.form_of(&r) else {
            tracing::error!(request = %r.id, service = %r.service, "no form for a stored request");
            return;
        };
        let g = &self.gateway;
        let inquiries = match &r.inquiries {
            Some(done) => done.0.clone(),
            None => {
                let mut done = Vec::new();
                for i in &form.inquiries {
                    let ctx =
                        CallContext { request_id: r.id.clone(), citizen: Some(r.citizen.clone()), requested_by: Some(r.agency.clone()) };
                    let agency = g.registry().operations.get(&i.operation).map(|o| o.agency.clone()).unwrap_or_default();
                    let outcome = g.call(&i.operation, &params_for(&i.params, &r.national_code, &r.data), &ctx).await;
                    let (answer, error) = match outcome {
                        Ok(answer) => (Some(answer), None),
                        Err(e) if transient(&e) => return self.queue(&r, &e.to_string(), now).await,
                        Err(e) => (None, Some(e.to_string())),
                    };
                    done.push(InquiryRecord {
                        operation: i.operation.clone(),
                        agency,
                        label: i.label.clone(),
                        answered_at: rfc3339(now),
                        ok: error.is_none(),
                        answer,
                        error,
                    });
                }
                if let Err(e) = self.store.set_inquiries(&r.id, &done).await {
                    tracing::error!(request = %r.id, error = %e, "cannot store inquiries");
                    return;
                }
                done
            }
        };
        let Some(submit) = &form.submit else { return };
        // The fee's payment reference, when the service has a fee.
        let paid = match self.store.paid(&r.id).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(request = %r.id, error = %e, "cannot read the request's payment");
                return;
            }
        };
        let mut data = json!({ "values": r.data, "inquiries": inquiries });
        if let Some((reference, rials)) = paid {
            data["payment"] = json!({ "reference": reference, "amount_rials": rials });
        }
        let params = vec![
            ("service".to_owned(), r.service.clone()),
            ("citizen".to_owned(), r.national_code.clone()),
            ("idempotency_key".to_owned(), r.id.clone()),
            ("data".to_owned(), data.to_string()),
        ];
        let ctx = CallContext { request_id: r.id.clone(), citizen: Some(r.citizen.clone()), requested_by: None };
        match g.call(submit, &params, &ctx).await {
            Ok(answer) => {
                let Some(reference) = answer.get("reference").and_then(Value::as_str) else {
                    return self.queue(&r, "the agency answered without a reference", now).await;
                };
                if let Err(e) = self.store.set_reference(&r.id, reference, now).await {
                    tracing::error!(request = %r.id, error = %e, "cannot store the agency reference");
                    return;
                }
                tracing::info!(request = %r.id, agency = %r.agency, "request forwarded");
                let said = AgencyStatus::of(&answer).unwrap_or(AgencyStatus { status: "received", decision: None, by_rules: false });
                self.apply_agency_status(&r, said, &answer, "window", now).await;
            }
            Err(e) if transient(&e) => self.queue(&r, &e.to_string(), now).await,
            Err(e) => {
                tracing::warn!(request = %r.id, error = %e, "the agency refused the request");
                let _ = self.store.requeue(&r.id, i64::MAX, &e.to_string(), now).await;
                self.add_status(&r, "rejected", "window", now).await;
            }
        }
    }

    /// The agency could not be reached: "queued", and try again later.
    async fn queue(&self, r: &RequestRow, error: &str, now: i64) {
        let base = (1_i64 << r.attempts.clamp(0, 6)).min(self.settings.max_backoff_s);
        let jitter = (crate::rand::next_u64() % 4) as i64;
        tracing::info!(request = %r.id, attempts = r.attempts + 1, error, "agency unavailable; request queued");
        if let Err(e) = self.store.requeue(&r.id, now + base + jitter, error, now).await {
            tracing::error!(request = %r.id, error = %e, "cannot requeue");
        }
        self.add_status(r, "queued", "window", now).await;
    }

    async fn add_status(&self, r: &RequestRow, status: &str, source: &str, now: i64) {
        if let Err(e) = self.store.add_status(r, status, source, &random_id(), now).await {
            tracing::error!(request = %r.id, error = %e, "cannot record a status");
        }
    }

    /// Records an agency's status at `now` (and every status it implies
    /// before it, so the timeline has no gaps) with what the agency said
    /// with it in `answer` (its message, the reference of a document it
    /// issued), in the same transaction as the status; whether the
    /// window's status is new (an unknown agency status is not).
    pub async fn apply_agency_status(&self, r: &RequestRow, said: AgencyStatus<'_>, answer: &Value, source: &str, now: i64) -> bool {
        let Some(window) = panjere_api::requests::from_agency(said.status, said.decision) else {
            tracing::warn!(request = %r.id, status = said.status, "unknown agency status");
            return false;
        };
        for earlier in ["forwarded", "in_review"] {
            // A decision by rules had no review. Otherwise each earlier
            // status is implied, unless the request has passed it: the
            // store decides that under the request's lock, so a decision
            // recorded meanwhile (the forward's answer racing a callback or
            // a poll) is seen.
            let implied = panjere_api::requests::rank(earlier) < panjere_api::requests::rank(window) && window != "more_info";
            if implied && !(said.by_rules && earlier == "in_review") {
                if let Err(e) = self.store.add_implied_status(r, earlier, source, &random_id(), now).await {
                    tracing::error!(request = %r.id, error = %e, "cannot record a status");
                }
            }
        }
        let mut new = false;
        if matches!(window, "delivered") {
            let decided = said.decision.map(|d| if d == "rejected" { "rejected" } else { "approved" }).unwrap_or("approved");
            new |= self.store.add_status(r, decided, source, &random_id(), now).await.unwrap_or(false);
        }
        let notices: Vec<(String, panjere_api::Text)> = agency_news(answer).into_iter().map(|n| (random_id(), n)).collect();
        match self.store.add_status_with_notices(r, window, source, &random_id(), &notices, now).await {
            Ok(added) => new || added,
            Err(e) => {
                tracing::error!(request = %r.id, error = %e, "cannot record a status");
                false
            }
        }
    }

    /// Sends the citizen's answer to the agency's request for more
    /// information, then records it.
    pub async fn reply(&self, r: &RequestRow, text: &str, now: i64) -> Result<(), GatewayError> {
        let (Some(op), Some(reference)) = (self.form_of(r).and_then(|f| f.reply.clone()), r.agency_reference.clone()) else {
            return Err(GatewayError::Rejected {
                agency: r.agency.clone(),
                status: 409,
                message: "the agency cannot take an answer for this request".into(),
            });
        };
        let ctx = CallContext { request_id: r.id.clone(), citizen: Some(r.citizen.clone()), requested_by: None };
        self.gateway.call(&op, &[("reference".to_owned(), reference), ("text".to_owned(), text.to_owned())], &ctx).await?;
        self.add_status(r, "answered", "window", now).await;
        Ok(())
    }

    /// Asks agencies for forwarded requests' status (the fallback when a
    /// callback was lost); each request claimed by one instance.
    async fn poll(&self, now: i64) {
        let due = match self.store.claim_pollable(now, now - self.settings.poll_interval_s, 20).await {
            Ok(d) => d,
            Err(e) => return tracing::error!(error = %e, "cannot read pollable requests"),
        };
        for r in due {
            let (Some(form), Some(reference)) = (self.form_of(&r), r.agency_reference.clone()) else { continue };
            let Some(op) = &form.status else { continue };
            let ctx = CallContext { request_id: r.id.clone(), citizen: Some(r.citizen.clone()), requested_by: None };
            match self.gateway.call(op, &[("reference".to_owned(), reference)], &ctx).await {
                Ok(answer) => {
                    if let Some(said) = AgencyStatus::of(&answer) {
                        self.apply_agency_status(&r, said, &answer, "poll", now).await;
                    }
                }
                Err(e) => tracing::info!(request = %r.id, error = %e, "status poll failed; will try again"),
            }
        }
    }

    /// One round of delivery as `owner`: claims the requests due (leased
    /// for `lease_s`), delivers each, and gives the claim back. When `stop`
    /// turns true between two deliveries, the rest are given back
    /// undelivered (another instance takes them at once).
    pub async fn deliver_due(&self, owner: &str, stop: &tokio::sync::watch::Receiver<bool>) {
        let now = self.clock.now();
        let claimed = match self.store.claim_due(owner, now, self.settings.lease_s, 20).await {
            Ok(c) => c,
            Err(e) => return tracing::error!(error = %e, "cannot claim requests due for delivery"),
        };
        for r in claimed {
            let id = r.id.clone();
            if !*stop.borrow() {
                self.deliver(r, self.clock.now()).await;
            }
            if let Err(e) = self.store.release(&id, owner).await {
                tracing::warn!(request = %id, error = %e, "cannot give back a delivery claim; it ends with its lease");
            }
        }
    }
}

/// Runs the delivery worker and the poller until `stop` turns true; the
/// delivery in progress is finished first. `owner` names this instance's
/// claims (unique per process).
pub fn spawn_worker(requests: Arc<Requests>, owner: String, mut stop: tokio::sync::watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_poll = 0;
        loop {
            tokio::select! {
                _ = tokio::time::timeout(Duration::from_millis(500), requests.wake.notified()) => {}
                _ = stop.wait_for(|s| *s) => {}
            }
            if *stop.borrow() {
                break;
            }
            requests.deliver_due(&owner, &stop).await;
            let now = requests.clock.now();
            if now - last_poll >= 1 && !*stop.borrow() {
                last_poll = now;
                requests.poll(now).await;
            }
        }
    })
}

/// What an agency says with a status (in its callback or its status
/// answer) for the citizen's inbox: its message (what it needs, why it
/// refused) and the reference of a document it issued. The store records
/// it only with a new status, and only what the citizen has not been told
/// ([`RequestStore::add_status_with_notices`]).
fn agency_news(answer: &Value) -> Vec<panjere_api::Text> {
    let text = |v: &Value| -> Option<panjere_api::Text> {
        let t: panjere_api::Text = serde_json::from_value(v.clone()).ok()?;
        (!t.fa.trim().is_empty() && !t.en.trim().is_empty() && t.fa.len() <= 2000 && t.en.len() <= 2000).then_some(t)
    };
    let message = ["message", "notice"].iter().find_map(|k| answer.get(*k).and_then(text));
    let document = answer
        .get("document")
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty() && d.len() <= 64 && d.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/'));
    let document = document.map(|d| panjere_api::Text {
        fa: format!("سند این درخواست به شماره {d} صادر شد."),
        en: format!("The document for this request has been issued, number {d}."),
    });
    message.into_iter().chain(document).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::AgencyStatus;

    #[test]
    fn an_agency_says_whether_its_rules_decided() {
        let answer = json!({ "status": "decided", "decision": "approved", "decided_by": "rules" });
        assert_eq!(AgencyStatus::of(&answer), Some(AgencyStatus { status: "decided", decision: Some("approved"), by_rules: true }));
        let by_staff = json!({ "status": "delivered", "decision": "rejected" });
        assert_eq!(AgencyStatus::of(&by_staff), Some(AgencyStatus { status: "delivered", decision: Some("rejected"), by_rules: false }));
        let other = json!({ "status": "decided", "decision": "approved", "decided_by": "officer" });
        assert!(!AgencyStatus::of(&other).unwrap().by_rules);
        assert_eq!(AgencyStatus::of(&json!({ "reference": "X-1" })), None, "no status");
        assert_eq!(AgencyStatus::of(&json!({ "status": 3 })), None);
    }
}
