//! Smart services, proactive side: life events arrive from registries (a
//! signed push, and a pull feed read after a cursor kept in the database),
//! are stored once, then processed once by whichever instance claims them:
//! each rule of `data/smart.toml` for the event checks the citizen's
//! opt-outs and eligibility (the window's own inquiries, audited under the
//! citizen's pseudonym), pre-fills its services and makes an offer (consent)
//! or requests them at once (automatic). Accepting an offer makes one
//! request per service, bundled under one tracking code; each is delivered
//! to its agency by the requests' worker, so one agency down delays only
//! its own part.

pub mod rules;
pub mod store;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use panjere_api::forms::{check_field, FieldError};
use panjere_api::smart::{allowed, DataRead, EventFeed, LifeEvent, Offer, OfferPart, Prefilled};
use panjere_api::Text;
use serde_json::Value;
use sqlx::types::Json;
use tokio::sync::Notify;

use crate::catalog::Catalog;
use crate::clock::{rfc3339, Clock};
use crate::config::RequestSettings;
use crate::gateway::{CallContext, Gateway, GatewayError};
use crate::rand::random_id;
use crate::requests::store::{NewRequest, RequestRow, Values};
use crate::requests::Requests;

use self::rules::{resolve, Rule, Rules};
use self::store::{EventRow, OfferRow, SmartStore};

/// Why an offer could not be accepted.
#[derive(Debug, thiserror::Error)]
pub enum AcceptError {
    #[error("no such offer")]
    NotFound,
    #[error("this offer is {0}, not open")]
    NotOpen(String),
    #[error("invalid values")]
    Invalid(BTreeMap<String, FieldError>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The proactive engine: rules, its store, and what it calls.
pub struct Smart {
    pub rules: Rules,
    pub store: Arc<dyn SmartStore>,
    gateway: Arc<Gateway>,
    catalog: Arc<Catalog>,
    requests: Arc<Requests>,
    clock: Arc<dyn Clock>,
    settings: RequestSettings,
    wake: Notify,
}

/// A rule that could not be decided now (an agency unreachable): the
/// event is processed again later.
struct Later(String);

fn text(fa: &str, en: &str) -> Text {
    Text { fa: fa.to_owned(), en: en.to_owned() }
}

/// The event kinds' names, for the citizen.
pub fn event_name(kind: &str) -> Text {
    match kind {
        "birth" => text("ثبت تولد فرزند", "A child's birth registered"),
        "death" => text("ثبت درگذشت یکی از بستگان", "A relative's death registered"),
        "marriage" => text("ثبت ازدواج", "A marriage registered"),
        "turned_18" => text("رسیدن به ۱۸ سالگی", "Turning 18"),
        "vehicle_bought" => text("خرید خودرو", "A vehicle bought"),
        "licence_expiring" => text("نزدیک شدن انقضای گواهینامه", "A driving licence about to expire"),
        "passport_expiring" => text("نزدیک شدن انقضای گذرنامه", "A passport about to expire"),
        "retirement" => text("بازنشستگی", "Retirement"),
        other => text(other, other),
    }
}

impl Smart {
    pub fn new(
        rules: Rules,
        store: Arc<dyn SmartStore>,
        gateway: Arc<Gateway>,
        catalog: Arc<Catalog>,
        requests: Arc<Requests>,
        clock: Arc<dyn Clock>,
        settings: RequestSettings,
    ) -> Self {
        Smart { rules, store, gateway, catalog, requests, clock, settings, wake: Notify::new() }
    }

    fn name_of_agency(&self, id: &str) -> Text {
        self.catalog.agency_name(id).cloned().unwrap_or_else(|| text(id, id))
    }

    /// A rule's title, for the citizen (its id if the rule is gone).
    pub fn title(&self, rule: &str) -> Text {
        self.rules.get(rule).map(|r| r.title.clone()).unwrap_or_else(|| text(rule, rule))
    }

    /// Stores an event an agency published (pushed or pulled); false when
    /// it had been received before.
    pub async fn receive(&self, agency: &str, e: &LifeEvent, via: &str) -> Result<bool, String> {
        if !panjere_api::smart::is_event_kind(&e.kind) {
            return Err(format!("unknown event kind `{}`", e.kind));
        }
        let person = panjere_api::ids::national_code(&e.person).map_err(|_| "`person` is not a national code".to_owned())?;
        let id = i64::try_from(e.id).map_err(|_| "`id` is too large".to_owned())?;
        let now = self.clock.now();
        let occurred = panjere_api::time::parse_rfc3339(&e.at).map(|t| t as i64).unwrap_or(now);
        let row = EventRow {
            id: format!("{agency}:{id}"),
            agency: agency.to_owned(),
            event_id: id,
            kind: e.kind.clone(),
            national_code: person,
            data: Json(e.data.clone()),
            occurred_at: occurred,
            received_at: now,
            via: via.to_owned(),
        };
        let new = self.store.add_event(&row).await.map_err(|e| e.to_string())?;
        if new {
            tracing::info!(agency, event = id, kind = %e.kind, via, "life event received");
            self.wake.notify_one();
        }
        Ok(new)
    }

    /// Reads every registry's feed after its cursor (the fallback for
    /// pushes the window missed).
    pub async fn pull_all(&self) {
        let agencies: std::collections::BTreeSet<&str> = self.rules.rules.iter().map(|r| r.agency.as_str()).collect();
        for agency in agencies {
            if let Err(e) = self.pull(agency).await {
                tracing::info!(agency, error = %e, "event feed not read; will try again");
            }
        }
    }

    async fn pull(&self, agency: &str) -> Result<(), String> {
        let op = format!("{agency}.events");
        loop {
            let after = self.store.cursor(agency).await.map_err(|e| e.to_string())?;
            let ctx = CallContext { request_id: format!("events-{}", random_id()), citizen: None, requested_by: None };
            let answer = self.gateway.call(&op, &[("after".to_owned(), after.to_string())], &ctx).await.map_err(|e| e.to_string())?;
            let feed: EventFeed = serde_json::from_value(answer).map_err(|e| format!("not an event feed: {e}"))?;
            let mut last = after;
            for e in &feed.items {
                if let Err(err) = self.receive(agency, e, "pull").await {
                    tracing::warn!(agency, event = e.id, error = %err, "event refused");
                }
                last = last.max(i64::try_from(e.id).unwrap_or(0));
            }
            if last > after {
                self.store.set_cursor(agency, last, self.clock.now()).await.map_err(|e| e.to_string())?;
            }
            if feed.items.len() < 100 || last == after {
                return Ok(());
            }
        }
    }

    /// Processes the events due, each claimed by one instance.
    pub async fn process_due(&self, owner: &str) {
        let now = self.clock.now();
        let claimed = match self.store.claim_events(owner, now, self.settings.lease_s, 20).await {
            Ok(c) => c,
            Err(e) => return tracing::error!(error = %e, "cannot claim life events"),
        };
        for e in claimed {
            let outcome = self.process(&e).await;
            let stored = match outcome {
                Ok(outcome) => self.store.finish_event(&e.id, &outcome, self.clock.now()).await,
                Err(Later(why)) => {
                    tracing::info!(event = %e.id, why, "life event not processed yet; will try again");
                    self.store.retry_event(&e.id, self.clock.now() + 5).await
                }
            };
            if let Err(err) = stored {
                tracing::error!(event = %e.id, error = %err, "cannot record an event's processing");
            }
        }
    }

    /// Every rule for the event; what was done, for the record.
    async fn process(&self, e: &EventRow) -> Result<String, Later> {
        let mut outcomes = Vec::new();
        for rule in self.rules.for_event(&e.agency, &e.kind) {
            let o = self.apply(rule, e).await?;
            outcomes.push(format!("{}:{o}", rule.id));
        }
        if outcomes.is_empty() {
            outcomes.push("no_rule".to_owned());
        }
        Ok(outcomes.join(","))
    }

    async fn apply(&self, rule: &Rule, e: &EventRow) -> Result<&'static str, Later> {
        let db = |err: sqlx::Error| Later(err.to_string());
        let citizen = self.gateway.pseudonym(&e.national_code);
        let prefs = self.store.prefs(&citizen).await.map_err(db)?;
        let parts: Vec<&rules::Part> = rule.part.iter().filter(|p| allowed(&prefs, &p.service)).collect();
        if parts.is_empty() {
            return Ok("opted_out");
        }
        let offer_id = random_id();
        let on_behalf = self.catalog.service(&parts[0].service).map(|s| s.agency.clone());
        let mut reads = vec![DataRead { label: event_name(&e.kind), agency_name: self.name_of_agency(&e.agency) }];
        for check in &rule.eligible {
            let params: Vec<(String, String)> = check
                .params
                .iter()
                .map(|(k, source)| (k.clone(), resolve(source, &e.national_code, &e.data).unwrap_or_default()))
                .collect();
            let ctx = CallContext { request_id: offer_id.clone(), citizen: Some(citizen.clone()), requested_by: on_behalf.clone() };
            let agency = self.gateway.registry().operations.get(&check.operation).map(|o| o.agency.clone()).unwrap_or_default();
            let answer = match self.gateway.call(&check.operation, &params, &ctx).await {
                Ok(a) => a,
                Err(GatewayError::Rejected { .. } | GatewayError::Build(_)) => return Ok("ineligible"),
                Err(err) => return Err(Later(err.to_string())),
            };
            reads.push(DataRead { label: check.label.clone(), agency_name: self.name_of_agency(&agency) });
            let value = match &check.pointer {
                Some(p) => answer.pointer(p).cloned().unwrap_or(Value::Null),
                None => answer,
            };
            let holds = match &check.equals {
                Some(expected) => &value == expected,
                None => !value.is_null(),
            };
            if !holds {
                return Ok("ineligible");
            }
        }
        // Pre-filled values, each checked as the form checks it: a value the
        // form would refuse is left for the citizen (consent) or stops an
        // automatic delivery.
        let mut prefill: BTreeMap<String, Values> = BTreeMap::new();
        for p in &parts {
            let Some(form) = self.catalog.form(&p.service) else { continue };
            let mut values = Values::new();
            for (field, source) in &p.prefill {
                let Some(f) = form.fields.iter().find(|f| &f.name == field) else { continue };
                let Some(raw) = resolve(source, &e.national_code, &e.data) else { continue };
                match check_field(f, &raw) {
                    Ok(v) => {
                        values.insert(field.clone(), v);
                    }
                    Err(err) => tracing::warn!(rule = %rule.id, field, code = %err.code, "a pre-filled value was refused by its form"),
                }
            }
            prefill.insert(p.service.clone(), values);
        }
        let now = self.clock.now();
        let automatic = rule.mode == "automatic";
        let mut offer = OfferRow {
            id: offer_id.clone(),
            citizen: citizen.clone(),
            national_code: e.national_code.clone(),
            rule: rule.id.clone(),
            event: e.id.clone(),
            mode: rule.mode.clone(),
            status: if automatic { "delivered" } else { "open" }.to_owned(),
            prefill: Json(prefill.clone()),
            reads: Json(reads),
            tracking_code: None,
            created_at: now,
            expires_at: now + i64::from(rule.expires_days) * 86_400,
            decided_at: None,
            seen_at: None,
        };
        let mut requests = Vec::new();
        if automatic {
            for p in &parts {
                let Some(form) = self.catalog.form(&p.service) else { continue };
                let values = prefill.get(&p.service).cloned().unwrap_or_default();
                let (ok, errors) = panjere_api::forms::check_form(form, &values, None);
                if !errors.is_empty() {
                    tracing::warn!(rule = %rule.id, service = %p.service, "automatic delivery stopped: the registry's data does not fill the form");
                    return Ok("incomplete");
                }
                requests.push(self.new_request(&offer, &p.service, ok, now));
            }
            offer.tracking_code = Some(crate::rand::tracking_code());
            offer.decided_at = Some(now);
        }
        let ids: Vec<String> = requests.iter().map(|_| random_id()).collect();
        let added = self.store.add_offer(&offer, &requests, &ids).await.map_err(db)?;
        if !added {
            return Ok("already");
        }
        if automatic {
            self.requests.submitted();
        }
        self.tell(&offer, rule).await;
        Ok(if automatic { "delivered" } else { "offered" })
    }

    fn new_request(&self, offer: &OfferRow, service: &str, data: Values, now: i64) -> RequestRow {
        let agency = self.catalog.service(service).map(|s| s.agency.clone()).unwrap_or_default();
        let mut r = RequestRow::submitted(
            NewRequest {
                id: random_id(),
                tracking_code: crate::rand::tracking_code(),
                draft_id: None,
                citizen: offer.citizen.clone(),
                national_code: offer.national_code.clone(),
                service: service.to_owned(),
                agency,
                data,
            },
            now,
        );
        // Started by the state, but its fee is still the citizen's step:
        // forwarded once paid (the request page asks for it).
        if self.catalog.fee_rials(service).is_some() {
            r.status = "awaiting_payment".into();
        }
        r
    }

    /// An SMS to the mobile the citizen last signed in with (the inbox has
    /// it whatever happens to the SMS).
    async fn tell(&self, offer: &OfferRow, rule: &Rule) {
        let Ok(Some(mobile)) = self.store.contact(&offer.citizen).await else { return };
        let what = if rule.mode == "automatic" { "انجام شد" } else { "پیشنهاد شد" };
        let body =
            format!("پنجره: {} — {what}. برای دیدن جزئیات وارد پنجره شوید. Panjere: {}. Sign in to see it.", rule.title.fa, rule.title.en);
        let ctx = CallContext { request_id: offer.id.clone(), citizen: Some(offer.citizen.clone()), requested_by: None };
        if let Err(e) = self.gateway.call("sms.send", &[("to".to_owned(), mobile), ("text".to_owned(), body)], &ctx).await {
            tracing::info!(offer = %offer.id, error = %e, "offer SMS not sent (the inbox has it)");
        }
    }

    /// Accepts an offer: every asked field checked by its form, then one
    /// request per part under one tracking code (in one transaction).
    pub async fn accept(
        &self,
        id: &str,
        citizen: &str,
        values: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> Result<OfferRow, AcceptError> {
        let offer = self.store.offer(id).await?.filter(|o| o.citizen == citizen).ok_or(AcceptError::NotFound)?;
        let now = self.clock.now();
        match offer.status_at(now) {
            "open" => {}
            // Accepting again answers the same.
            "accepted" => return Ok(offer),
            other => return Err(AcceptError::NotOpen(other.to_owned())),
        }
        let rule = self.rules.get(&offer.rule).ok_or(AcceptError::NotFound)?;
        let mut errors = BTreeMap::new();
        let mut requests = Vec::new();
        for service in values.keys().filter(|s| !offer.prefill.0.contains_key(*s)) {
            errors.insert(service.clone(), FieldError::code("unknown_field"));
        }
        for p in rule.part.iter().filter(|p| offer.prefill.0.contains_key(&p.service)) {
            let Some(form) = self.catalog.form(&p.service) else { continue };
            let mut all = offer.prefill.0.get(&p.service).cloned().unwrap_or_default();
            let given = values.get(&p.service).cloned().unwrap_or_default();
            for (field, v) in given {
                if p.ask.contains(&field) || !all.contains_key(&field) {
                    all.insert(field, v);
                } else {
                    errors.insert(format!("{}.{field}", p.service), FieldError::code("prefilled"));
                }
            }
            let (ok, errs) = panjere_api::forms::check_form(form, &all, None);
            for (field, e) in errs {
                errors.insert(format!("{}.{field}", p.service), e);
            }
            requests.push(self.new_request(&offer, &p.service, ok, now));
        }
        if !errors.is_empty() {
            return Err(AcceptError::Invalid(errors));
        }
        let ids: Vec<String> = requests.iter().map(|_| random_id()).collect();
        let code = crate::rand::tracking_code();
        if !self.store.accept(id, citizen, &code, &requests, &ids, now).await? {
            let now_offer = self.store.offer(id).await?.ok_or(AcceptError::NotFound)?;
            return if now_offer.status == "accepted" { Ok(now_offer) } else { Err(AcceptError::NotOpen(now_offer.status)) };
        }
        self.requests.submitted();
        tracing::info!(offer = %id, parts = requests.len(), "offer accepted");
        self.store.offer(id).await?.ok_or(AcceptError::NotFound)
    }

    /// The offer as the citizen sees it, with its parts' requests.
    pub async fn view(&self, o: &OfferRow) -> Result<Offer, sqlx::Error> {
        let rule = self.rules.get(&o.rule);
        let event = self.store.event(&o.event).await?;
        let parts_now = self.store.parts(&o.id).await?;
        let mut parts = Vec::new();
        for (service, values) in &o.prefill.0 {
            let s = self.catalog.service(service);
            let form = self.catalog.form(service);
            let part = rule.and_then(|r| r.part.iter().find(|p| &p.service == service));
            let asks: &[String] = part.map_or(&[], |p| p.ask.as_slice());
            let source = self.name_of_agency(event.as_ref().map_or("", |e| e.agency.as_str()));
            let prefilled = form
                .map(|f| {
                    f.fields
                        .iter()
                        .filter_map(|field| {
                            let v = values.get(&field.name)?;
                            let shown = panjere_api::forms::value_text(field, v);
                            let from_event = part.and_then(|p| p.prefill.get(&field.name)).is_some_and(|src| src.starts_with("event:"));
                            let source_name = if from_event { source.clone() } else { text("پنجره", "The window") };
                            Some(Prefilled { field: field.name.clone(), label: field.label.clone(), value: shown, source_name })
                        })
                        .collect()
                })
                .unwrap_or_default();
            let ask = form
                .map(|f| {
                    f.fields
                        .iter()
                        .filter(|field| asks.contains(&field.name) || (field.required && !values.contains_key(&field.name)))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let made = parts_now.iter().find(|r| &r.service == service);
            parts.push(OfferPart {
                service: service.clone(),
                service_name: s.map(|s| s.name.clone()).unwrap_or_else(|| text(service, service)),
                agency_name: self.name_of_agency(s.map_or("", |s| s.agency.as_str())),
                prefilled,
                ask,
                request_id: made.map(|r| r.id.clone()),
                tracking_code: made.map(|r| r.tracking_code.clone()),
                status: made.map(|r| r.status.clone()),
            });
        }
        let pending = parts_now.iter().filter(|r| matches!(r.status.as_str(), "awaiting_payment" | "submitted" | "queued")).count() as u32;
        let mut timeline = Vec::new();
        for r in &parts_now {
            let service_name = self.catalog.service(&r.service).map(|s| s.name.clone()).unwrap_or_else(|| text(&r.service, &r.service));
            for e in self.requests.store.events(&r.id).await? {
                timeline.push((
                    e.at,
                    panjere_api::smart::BundleEvent { service_name: service_name.clone(), status: e.status, at: rfc3339(e.at) },
                ));
            }
        }
        timeline.sort_by_key(|(at, _)| *at);
        let status = o.status_at(self.clock.now()).to_owned();
        Ok(Offer {
            id: o.id.clone(),
            title: self.title(&o.rule),
            mode: o.mode.clone(),
            status,
            event: event.as_ref().map(|e| e.kind.clone()).unwrap_or_default(),
            event_name: event_name(event.as_ref().map_or("", |e| e.kind.as_str())),
            event_agency_name: self.name_of_agency(event.as_ref().map_or("", |e| e.agency.as_str())),
            event_at: rfc3339(event.as_ref().map_or(o.created_at, |e| e.occurred_at)),
            created_at: rfc3339(o.created_at),
            expires_at: rfc3339(o.expires_at),
            tracking_code: o.tracking_code.clone(),
            parts,
            reads: o.reads.0.clone(),
            pending,
            timeline: timeline.into_iter().map(|(_, e)| e).collect(),
        })
    }
}

/// Processes events, reads the feeds and expires offers until `stop`.
pub fn spawn_worker(smart: Arc<Smart>, owner: String, mut stop: tokio::sync::watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_pull: Option<i64> = None;
        let mut last_expiry: Option<i64> = None;
        loop {
            tokio::select! {
                _ = tokio::time::timeout(Duration::from_millis(500), smart.wake.notified()) => {}
                _ = stop.wait_for(|s| *s) => {}
            }
            if *stop.borrow() {
                break;
            }
            let now = smart.clock.now();
            if last_pull.is_none_or(|t| now - t >= smart.settings.events_pull_interval_s) {
                last_pull = Some(now);
                smart.pull_all().await;
            }
            smart.process_due(&owner).await;
            if last_expiry.is_none_or(|t| now - t >= 60) {
                last_expiry = Some(now);
                match smart.store.expire(now).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(offers = n, "offers expired"),
                    Err(e) => tracing::error!(error = %e, "cannot expire offers"),
                }
            }
        }
    })
}
