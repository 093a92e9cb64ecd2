//! Paying through the window, on a Shaparak-style internet payment gateway
//! (the provider, `psp` in the registry; the window talks to it through the
//! gateway like to any agency).
//!
//! A payment is stored (`created`) before the provider is asked for a
//! token (`pending`: the citizen is at the provider's page). The citizen's
//! return is only a hint: the window asks the provider the payment's state
//! and **verifies** it server to server, storing `verifying` first; the
//! amount verified must be the amount asked, else the payment is
//! `reversing` (stored) then `reversed`. Only then is it `success`, and
//! settled. A sweeper asks about every payment left in between (the tab
//! closed, verify timed out, the server restarted), so a citizen charged is
//! never shown "failed"; a payment the provider reversed on its own is
//! shown `reversed` (given back), never "failed" either.
//!
//! A fee is a step of the application: the request waits
//! (`awaiting_payment`) and is forwarded only once paid; a rejected
//! application's fee is refunded (a refund record of its own).

pub mod store;

use std::sync::Arc;
use std::time::Duration;

use panjere_api::Text;
use serde_json::Value;

use crate::clock::Clock;
use crate::config::PaymentSettings;
use crate::gateway::{CallContext, Gateway, GatewayError};
use crate::rand::random_id;
use crate::requests::Requests;

use self::store::{Paid, PaymentRow, PaymentStore};

pub struct Payments {
    pub store: Arc<dyn PaymentStore>,
    gateway: Arc<Gateway>,
    requests: Arc<Requests>,
    clock: Arc<dyn Clock>,
    pub settings: PaymentSettings,
}

/// Why a payment could not be started.
#[derive(Debug)]
pub enum StartError {
    /// The provider did not answer: nothing was charged; try again.
    Unavailable,
    /// The provider refused it.
    Refused(String),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StartError {
    fn from(e: sqlx::Error) -> Self {
        StartError::Database(e)
    }
}

/// What is being paid.
pub struct NewPayment {
    pub citizen: String,
    pub national_code: String,
    pub idempotency_key: String,
    pub kind: &'static str,
    pub request_id: Option<String>,
    pub payee: String,
    pub title: Text,
    pub bill: Option<(String, String)>,
    pub amount: i64,
}

fn transient(e: &GatewayError) -> bool {
    !matches!(e, GatewayError::Rejected { .. } | GatewayError::Build(_))
}

fn text(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_owned)
}

impl Payments {
    pub fn new(
        store: Arc<dyn PaymentStore>,
        gateway: Arc<Gateway>,
        requests: Arc<Requests>,
        clock: Arc<dyn Clock>,
        settings: PaymentSettings,
    ) -> Self {
        Payments { store, gateway, requests, clock, settings }
    }

    /// A call about payment `p`, for its citizen (`for_citizen`: the audit
    /// names them) or the window's own bookkeeping.
    fn ctx(&self, p: &PaymentRow, for_citizen: bool) -> CallContext {
        CallContext { request_id: p.id.clone(), citizen: for_citizen.then(|| p.citizen.clone()), requested_by: None }
    }

    async fn call(&self, op: &str, p: &PaymentRow, params: &[(&str, String)]) -> Result<Value, GatewayError> {
        let params: Vec<(String, String)> = params.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        self.gateway.call(op, &params, &self.ctx(p, false)).await
    }

    /// Stores the payment, then asks the provider for its page. The same
    /// idempotency key answers the payment made the first time.
    pub async fn start(&self, n: NewPayment, return_url: &str) -> Result<PaymentRow, StartError> {
        let now = self.clock.now();
        let row = PaymentRow {
            id: random_id(),
            citizen: n.citizen,
            idempotency_key: n.idempotency_key,
            kind: n.kind.to_owned(),
            request_id: n.request_id,
            payee: n.payee,
            title: sqlx::types::Json(n.title),
            bill_id: n.bill.as_ref().map(|b| b.0.clone()),
            payment_id: n.bill.as_ref().map(|b| b.1.clone()),
            amount: n.amount,
            state: "created".into(),
            token: None,
            payment_url: None,
            reference: None,
            card: None,
            charged: None,
            reason: None,
            created_at: now,
            updated_at: now,
            paid_at: None,
            settled_at: None,
            // If the provider is never reached, the sweeper ends it.
            next_check_at: now + self.settings.pending_check_s,
            attempts: 0,
        };
        let p = self.store.create(&row).await?;
        if p.state != "created" {
            return Ok(p);
        }
        let ctx = self.ctx(&p, true);
        let params = vec![
            ("amount".to_owned(), p.amount.to_string()),
            ("order_id".to_owned(), p.id.clone()),
            ("callback_url".to_owned(), return_url.to_owned()),
        ];
        match self.gateway.call("psp.create", &params, &ctx).await {
            Ok(answer) => {
                let (Some(token), Some(url)) = (text(&answer, "token"), text(&answer, "payment_url")) else {
                    return Err(StartError::Refused("the provider answered without a token".into()));
                };
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(StartError::Refused("the provider's page is not a web address".into()));
                }
                self.store.set_token(&p.id, &token, &url, now + self.settings.pending_check_s, now).await?;
                tracing::info!(payment = %p.id, amount = p.amount, "payment started");
                Ok(self.store.payment(&p.id).await?.unwrap_or(p))
            }
            Err(e) if transient(&e) => {
                tracing::warn!(payment = %p.id, error = %e, "payment provider unavailable");
                Err(StartError::Unavailable)
            }
            Err(e) => {
                self.store.transition(&p.id, "created", "failed", Some(&e.to_string()), now, now).await?;
                Err(StartError::Refused(e.to_string()))
            }
        }
    }

    fn backoff(&self, p: &PaymentRow) -> i64 {
        (self.settings.retry_s << p.attempts.clamp(0, 10)).min(self.settings.max_backoff_s)
    }

    async fn later(&self, p: &PaymentRow, after: i64) {
        if let Err(e) = self.store.reschedule(&p.id, self.clock.now() + after).await {
            tracing::error!(payment = %p.id, error = %e, "cannot reschedule a payment");
        }
    }

    async fn moved(&self, p: &PaymentRow, to: &str, detail: Option<&str>) -> bool {
        let now = self.clock.now();
        match self.store.transition(&p.id, &p.state, to, detail, now, now).await {
            Ok(changed) => {
                if changed {
                    tracing::info!(payment = %p.id, from = %p.state, to, "payment state");
                }
                changed
            }
            Err(e) => {
                tracing::error!(payment = %p.id, error = %e, "cannot record a payment's state");
                false
            }
        }
    }

    /// Brings a payment as far as the provider's answers allow now: asks its
    /// state, verifies, reverses, settles. Safe to run twice at once (the
    /// citizen's return twice, the sweeper beside it): every change is a
    /// compare-and-set, and verify, reverse and settle are idempotent at
    /// the provider.
    pub async fn resolve(&self, id: &str) -> Option<PaymentRow> {
        for _ in 0..6 {
            let p = match self.store.payment(id).await {
                Ok(Some(p)) => p,
                Ok(None) => return None,
                Err(e) => {
                    tracing::error!(payment = %id, error = %e, "cannot read a payment");
                    return None;
                }
            };
            if !self.step(&p).await {
                return Some(p);
            }
        }
        self.store.payment(id).await.ok().flatten()
    }

    /// One step; whether another may follow at once.
    async fn step(&self, p: &PaymentRow) -> bool {
        let now = self.clock.now();
        match p.state.as_str() {
            "created" => {
                if now - p.created_at >= self.settings.pending_check_s {
                    self.moved(p, "failed", Some("the payment provider could not be reached; nothing was charged")).await;
                }
                false
            }
            "pending" | "verifying" => {
                let Some(token) = p.token.clone() else { return false };
                match self.call("psp.inquire", p, &[("token", token)]).await {
                    Err(e) => {
                        tracing::info!(payment = %p.id, error = %e, "payment provider not asked; will try again");
                        self.later(p, self.backoff(p)).await;
                        false
                    }
                    Ok(answer) => match answer.get("state").and_then(Value::as_str).unwrap_or("") {
                        "pending" => {
                            self.later(p, self.settings.pending_check_s).await;
                            false
                        }
                        "cancelled" => {
                            self.moved(p, "cancelled", None).await;
                            false
                        }
                        "expired" => {
                            self.moved(p, "expired", None).await;
                            false
                        }
                        "reversed" => {
                            self.moved(p, "reversed", Some("not verified in time: the provider gave the money back")).await;
                            false
                        }
                        "paid" | "verified" | "settled" => {
                            if p.state == "pending" {
                                // Stored before verifying: a restart resumes here.
                                return self.moved(p, "verifying", None).await;
                            }
                            self.verify(p).await
                        }
                        other => {
                            tracing::warn!(payment = %p.id, state = other, "unknown state at the payment provider");
                            self.later(p, self.backoff(p)).await;
                            false
                        }
                    },
                }
            }
            "reversing" => {
                let Some(token) = p.token.clone() else { return false };
                match self.call("psp.reverse", p, &[("token", token)]).await {
                    Ok(_) => self.moved(p, "reversed", None).await,
                    Err(e) => {
                        tracing::warn!(payment = %p.id, error = %e, "reversal not done; will try again");
                        self.later(p, self.backoff(p)).await;
                        false
                    }
                }
            }
            "success" if p.settled_at.is_none() => {
                let Some(token) = p.token.clone() else { return false };
                match self.call("psp.settle", p, &[("token", token)]).await {
                    Ok(_) => {
                        if let Err(e) = self.store.set_settled(&p.id, now).await {
                            tracing::error!(payment = %p.id, error = %e, "cannot record settlement");
                        }
                    }
                    Err(e) => {
                        tracing::warn!(payment = %p.id, error = %e, "settlement not done; will try again");
                        self.later(p, self.backoff(p)).await;
                    }
                }
                false
            }
            _ => false,
        }
    }

    /// Verifies a payment the provider says is paid: the amount must be the
    /// one asked, and the request or bill not paid already.
    async fn verify(&self, p: &PaymentRow) -> bool {
        let Some(token) = p.token.clone() else { return false };
        let answer = match self.call("psp.verify", p, &[("token", token)]).await {
            Ok(a) => a,
            Err(e) => {
                // Timed out, or refused: still `verifying`; the citizen sees
                // "checking with the bank", and the sweeper asks again.
                tracing::warn!(payment = %p.id, error = %e, "verification not answered; will try again");
                self.later(p, self.backoff(p)).await;
                return false;
            }
        };
        let charged = answer.get("amount").and_then(Value::as_i64).unwrap_or(-1);
        let Some(reference) = text(&answer, "rrn").filter(|r| !r.is_empty()) else {
            self.later(p, self.backoff(p)).await;
            return false;
        };
        if charged != p.amount {
            let _ = self.store.set_charged(&p.id, charged).await;
            let why = format!("the provider charged {charged} rials, not {} rials: given back", p.amount);
            tracing::warn!(payment = %p.id, charged, asked = p.amount, "amount mismatch; reversing");
            return self.moved(p, "reversing", Some(&why)).await;
        }
        match self.store.other_success(p).await {
            Ok(Some(other)) => {
                let _ = self.store.set_charged(&p.id, charged).await;
                let why = format!("already paid (payment {other}): given back");
                return self.moved(p, "reversing", Some(&why)).await;
            }
            Ok(None) => {}
            Err(e) => {
                tracing::error!(payment = %p.id, error = %e, "cannot check for another payment");
                return false;
            }
        }
        let now = self.clock.now();
        let paid = Paid { reference, card: text(&answer, "card"), charged };
        match self.store.succeed(&p.id, &paid, now).await {
            Ok(true) => {
                tracing::info!(payment = %p.id, amount = p.amount, "payment verified");
                if let Some(r) = &p.request_id {
                    self.release_request(r).await;
                }
                true
            }
            Ok(false) => true,
            Err(e) => {
                tracing::error!(payment = %p.id, error = %e, "cannot record a verified payment");
                false
            }
        }
    }

    /// A request's fee is paid: it goes on to its agency.
    async fn release_request(&self, request_id: &str) {
        let store = &self.requests.store;
        let Ok(Some(r)) = store.request(request_id).await else { return };
        if r.status != "awaiting_payment" {
            return;
        }
        if let Err(e) = store.add_status(&r, "submitted", "window", &random_id(), self.clock.now()).await {
            tracing::error!(request = %r.id, error = %e, "cannot release a paid request");
            return;
        }
        self.requests.submitted();
    }

    /// Refunds of rejected applications' fees: made, then sent.
    async fn refunds(&self) {
        let now = self.clock.now();
        let reason = Text {
            fa: "درخواست شما رد شد؛ هزینه آن به کارت شما بازگردانده می‌شود.".into(),
            en: "Your application was rejected; its fee is refunded to your card.".into(),
        };
        match self.store.refund_rejected(&reason, now).await {
            Ok(n) if n > 0 => tracing::info!(refunds = n, "refunds requested for rejected applications"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "cannot request refunds"),
        }
        let due = match self.store.due_refunds(now, 20).await {
            Ok(d) => d,
            Err(e) => return tracing::error!(error = %e, "cannot read refunds due"),
        };
        for f in due {
            let Ok(Some(p)) = self.store.payment(&f.payment_id).await else { continue };
            let Some(token) = p.token.clone() else { continue };
            let params = [("token", token), ("refund_id", f.id.clone()), ("amount", f.amount.to_string())];
            match self.call("psp.refund", &p, &params).await {
                Ok(answer) => {
                    let reference = text(&answer, "reference").unwrap_or_default();
                    match self.store.refunded(&f.id, &reference, now).await {
                        Ok(true) => {
                            tracing::info!(refund = %f.id, amount = f.amount, "refunded");
                            self.tell_refunded(&p, f.amount, &reference, now).await;
                        }
                        Ok(false) => {}
                        Err(e) => tracing::error!(refund = %f.id, error = %e, "cannot record a refund"),
                    }
                }
                Err(e) => {
                    tracing::warn!(refund = %f.id, error = %e, "refund not done; will try again");
                    let wait = (self.settings.retry_s << f.attempts.clamp(0, 10)).min(self.settings.max_backoff_s);
                    let _ = self.store.retry_refund(&f.id, now + wait).await;
                }
            }
        }
    }

    async fn tell_refunded(&self, p: &PaymentRow, amount: i64, reference: &str, now: i64) {
        let Some(r) = &p.request_id else { return };
        let Ok(Some(r)) = self.requests.store.request(r).await else { return };
        let notice = Text {
            fa: format!("هزینه این درخواست ({amount} ریال) به کارت شما بازگردانده شد. شماره پیگیری بازپرداخت: {reference}"),
            en: format!("The fee for this request ({amount} rials) has been refunded to your card. Refund reference: {reference}"),
        };
        if let Err(e) = self.requests.store.add_notice(&r, &notice, &random_id(), now).await {
            tracing::error!(request = %r.id, error = %e, "cannot tell the citizen of a refund");
        }
    }

    /// One sweep as `owner`: payments left in between, settlements,
    /// refunds, and requests paid but not released (a crash between two
    /// writes).
    pub async fn sweep(&self, owner: &str, stop: &tokio::sync::watch::Receiver<bool>) {
        let now = self.clock.now();
        let claimed = match self.store.claim_due(owner, now, self.settings.lease_s, 20).await {
            Ok(c) => c,
            Err(e) => return tracing::error!(error = %e, "cannot claim payments"),
        };
        for p in claimed {
            if !*stop.borrow() {
                self.resolve(&p.id).await;
            }
            if let Err(e) = self.store.release(&p.id, owner).await {
                tracing::warn!(payment = %p.id, error = %e, "cannot give back a payment claim; it ends with its lease");
            }
        }
        match self.store.paid_but_waiting().await {
            Ok(ids) => {
                for id in ids {
                    self.release_request(&id).await;
                }
            }
            Err(e) => tracing::error!(error = %e, "cannot read paid requests"),
        }
        self.refunds().await;
    }
}

/// Runs the sweeper until `stop` turns true.
pub fn spawn_worker(payments: Arc<Payments>, owner: String, mut stop: tokio::sync::watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = Duration::from_secs(payments.settings.sweep_interval_s.max(1) as u64);
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.wait_for(|s| *s) => {}
            }
            if *stop.borrow() {
                break;
            }
            payments.sweep(&owner, &stop).await;
        }
    })
}
