//! The gateway to the agencies: the only way the window calls an agency.
//!
//! Each call is built from the registry (no client-supplied host, path or
//! query), admitted by the agency's circuit breaker and concurrency limit,
//! bounded by its timeouts and response-size limit, retried (idempotent
//! reads only, within a budget, with jittered backoff), carries the request
//! id and a citizen pseudonym, and is written to the audit log.

pub mod audit;
pub mod breaker;
pub mod client;
pub mod conformance;
pub mod registry;
pub mod stats;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use hmac::{Hmac, Mac};
use http_body_util::Full;
use hyper::body::Bytes;
use panjere_api::{AgencyStatus, Text};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use sha2::Sha256;
use tokio::sync::Semaphore;

use crate::clock::{rfc3339, Clock};
use crate::config::Secret;

use self::audit::{AuditRow, AuditSink};
use self::breaker::{Admit, Breaker, Phase};
use self::client::{AgencyClient, ClientError};
use self::conformance::{Connection, DESCRIPTION_PATH};
use self::registry::{AgencyConfig, BuildError, Method, Outgoing, Registry};
use self::stats::Stats;

/// Who a call is for.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    pub request_id: String,
    /// The pseudonym ([`Gateway::pseudonym`]) of the citizen the call is
    /// for: what the audit and the agency's request name them by. Made
    /// once by the caller, who has it already (a signed-in request's
    /// `Citizen`, a stored request, payment or offer).
    pub citizen: Option<String>,
    /// The agency on whose behalf the window makes an inter-agency inquiry.
    pub requested_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    #[error("refused before sending: {0:?}")]
    Build(BuildError),
    #[error("agency {agency} is unavailable")]
    Unavailable { agency: String },
    #[error("agency {agency} did not answer in time")]
    Timeout { agency: String },
    #[error("agency {agency} is too busy")]
    Busy { agency: String },
    #[error("agency {agency} sent an answer that could not be read")]
    BadAnswer { agency: String },
    #[error("agency {agency} refused the request ({status}): {message}")]
    Rejected { agency: String, status: u16, message: String },
    #[error("agency {agency} failed ({status})")]
    Failed { agency: String, status: u16 },
    /// The agency's description does not match this operation, or it
    /// refused the window's credential: the call would be wrong.
    #[error("agency {agency} is not connected to the window for {operation}")]
    NotConnected { agency: String, operation: String },
}

impl GatewayError {
    pub fn outcome(&self) -> &'static str {
        match self {
            GatewayError::Build(_) => "refused",
            GatewayError::Unavailable { .. } => "unavailable",
            GatewayError::Timeout { .. } => "timeout",
            GatewayError::Busy { .. } => "busy",
            GatewayError::BadAnswer { .. } => "bad_answer",
            GatewayError::Rejected { .. } => "rejected",
            GatewayError::Failed { .. } => "error",
            GatewayError::NotConnected { .. } => "not_connected",
        }
    }

    fn retryable(&self) -> bool {
        matches!(self, GatewayError::Unavailable { .. } | GatewayError::Failed { .. } | GatewayError::BadAnswer { .. })
    }

    /// Whether the agency itself is at fault (counts against its breaker).
    fn agency_failed(&self) -> bool {
        !matches!(
            self,
            GatewayError::Rejected { .. } | GatewayError::Build(_) | GatewayError::Busy { .. } | GatewayError::NotConnected { .. }
        )
    }
}

struct Runtime {
    config: AgencyConfig,
    client: AgencyClient,
    /// `Bearer <credential>`, marked sensitive (never logged).
    authorization: http::HeaderValue,
    breaker: Breaker,
    limit: Arc<Semaphore>,
    stats: Stats,
    /// Retry allowance in thousandths of a retry.
    retry_tokens: AtomicU64,
    name: Text,
    /// This agency's registered operations (checked against its description).
    operations: Vec<registry::Operation>,
    /// What the last probe and description check found.
    connection: std::sync::Mutex<Connection>,
}

pub struct Gateway {
    registry: Registry,
    agencies: BTreeMap<String, Runtime>,
    audit: Arc<dyn AuditSink>,
    /// HMAC-SHA256 already keyed with the window's pseudonym key (cloned
    /// per use: the key's two blocks are hashed once, not per citizen).
    pseudonym_mac: Hmac<Sha256>,
    clock: Arc<dyn Clock>,
}

const MAX_RETRY_TOKENS: u64 = 10_000;
/// Idle kept-alive connections to an agency are closed after this long.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

impl Gateway {
    /// `names` gives each agency's display name (from the catalog).
    pub fn new(
        registry: Registry,
        audit: Arc<dyn AuditSink>,
        pseudonym_key: &Secret,
        names: &dyn Fn(&str) -> Text,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, String> {
        let mut agencies = BTreeMap::new();
        for (id, config) in &registry.agencies {
            let s = &config.settings;
            let client = AgencyClient::new(
                &config.base_url,
                config.ca_file.as_deref(),
                Duration::from_millis(s.connect_timeout_ms),
                s.concurrency,
                IDLE_TIMEOUT,
            )
            .map_err(|e| format!("HTTP client for {id}: {e}"))?;
            let mut authorization = http::HeaderValue::from_str(&format!("Bearer {}", config.credential.expose()))
                .map_err(|_| format!("agency {id}: the credential is not a valid header value"))?;
            authorization.set_sensitive(true);
            agencies.insert(
                id.clone(),
                Runtime {
                    breaker: Breaker::new(
                        s.breaker_consecutive,
                        s.breaker_window,
                        s.breaker_rate,
                        Duration::from_millis(s.breaker_open_ms),
                    ),
                    limit: Arc::new(Semaphore::new(s.concurrency)),
                    stats: Stats::default(),
                    retry_tokens: AtomicU64::new(MAX_RETRY_TOKENS),
                    name: names(id),
                    operations: {
                        let mut ops: Vec<registry::Operation> = registry.operations.values().filter(|o| &o.agency == id).cloned().collect();
                        ops.sort_by(|a, b| a.id.cmp(&b.id));
                        ops
                    },
                    connection: std::sync::Mutex::default(),
                    client,
                    authorization,
                    config: config.clone(),
                },
            );
        }
        let pseudonym_mac = Hmac::<Sha256>::new_from_slice(pseudonym_key.expose().as_bytes()).expect("any key length");
        Ok(Gateway { registry, agencies, audit, pseudonym_mac, clock })
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn audit(&self) -> &Arc<dyn AuditSink> {
        &self.audit
    }

    /// The citizen's pseudonym: HMAC-SHA256 of the national code under the
    /// window's key, first 16 bytes in hex. Stable, not reversible without
    /// the key.
    pub fn pseudonym(&self, national_code: &str) -> String {
        let mut mac = self.pseudonym_mac.clone();
        mac.update(national_code.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// Calls a registered operation and audits the call: the agency's
    /// answer, parsed.
    pub async fn call(&self, op: &str, params: &[(String, String)], ctx: &CallContext) -> Result<serde_json::Value, GatewayError> {
        self.call_as::<serde_json::Value>(op, params, ctx).await.map(|(_, answer)| answer)
    }

    /// Calls a registered operation and audits the call: the agency's
    /// answer as it sent it (checked to be one well-formed JSON value, but
    /// not parsed into a tree), and the agency's id.
    pub async fn call_raw(
        &self,
        op: &str,
        params: &[(String, String)],
        ctx: &CallContext,
    ) -> Result<(String, Box<RawValue>), GatewayError> {
        self.call_as::<Box<RawValue>>(op, params, ctx).await
    }

    /// Calls and audits, reading the agency's answer as a `T` in the one
    /// pass that checks it.
    async fn call_as<T: DeserializeOwned>(
        &self,
        op: &str,
        params: &[(String, String)],
        ctx: &CallContext,
    ) -> Result<(String, T), GatewayError> {
        let (operation, _, out) = self.registry.build(op, params).map_err(GatewayError::Build)?;
        let rt = &self.agencies[&operation.agency];
        if !rt.connection.lock().expect("connection lock").may_call(&operation.id) {
            return Err(GatewayError::NotConnected { agency: operation.agency.clone(), operation: operation.id.clone() });
        }
        let citizen = ctx.citizen.as_deref();
        let start = Instant::now();
        let result = self.send(rt, &out, operation.idempotent, &ctx.request_id, citizen).await.map(|body| (operation.agency.clone(), body));
        let latency = start.elapsed();
        let outcome = match &result {
            Ok(_) => "ok",
            Err(e) => e.outcome(),
        };
        tracing::info!(agency = %operation.agency, operation = %operation.id, citizen = citizen.unwrap_or("-"), outcome, latency_ms = latency.as_secs_f64() * 1000.0, "agency call");
        self.audit.record(AuditRow {
            at: rfc3339(self.clock.now()),
            request_id: ctx.request_id.clone(),
            agency: operation.agency.clone(),
            operation: operation.id.clone(),
            citizen: ctx.citizen.clone(),
            requested_by: ctx.requested_by.clone(),
            outcome: outcome.to_owned(),
            latency_ms: latency.as_millis() as i64,
        });
        result
    }

    async fn send<T: DeserializeOwned>(
        &self,
        rt: &Runtime,
        out: &Outgoing,
        idempotent: bool,
        request_id: &str,
        citizen: Option<&str>,
    ) -> Result<T, GatewayError> {
        let agency = rt.config.id.clone();
        let s = &rt.config.settings;
        let deadline = Instant::now() + rt.config.timeout();
        // Each call earns a share of a retry; a retry spends a whole one.
        let earned = (s.retry_budget * 1000.0) as u64;
        let _ = rt.retry_tokens.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| Some((t + earned).min(MAX_RETRY_TOKENS)));
        let mut attempt = 0;
        loop {
            let Ok(permit) = rt.limit.clone().try_acquire_owned() else {
                return Err(GatewayError::Busy { agency });
            };
            let admit = rt.breaker.admit();
            if admit == Admit::No {
                return Err(GatewayError::Unavailable { agency });
            }
            let t = Instant::now();
            let r = match tokio::time::timeout_at(deadline.into(), once(rt, out, request_id, citizen)).await {
                Ok(r) => r,
                Err(_) => Err(GatewayError::Timeout { agency: agency.clone() }),
            };
            drop(permit);
            let agency_ok = match &r {
                Ok(_) => true,
                Err(e) => !e.agency_failed(),
            };
            if rt.breaker.record(admit, agency_ok) {
                rt.stats.reset_recent();
            }
            rt.stats.record(agency_ok, t.elapsed().as_micros() as u64);
            let e = match r {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            let backoff = Duration::from_millis(s.backoff_ms.saturating_mul(1 << attempt.min(6)));
            let jittered = Duration::from_micros(rand_below(backoff.as_micros() as u64 + 1));
            let can_retry = idempotent
                && e.retryable()
                && attempt < s.retries
                && Instant::now() + jittered < deadline
                && rt.retry_tokens.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| t.checked_sub(1000)).is_ok();
            if !can_retry {
                return Err(e);
            }
            attempt += 1;
            tokio::time::sleep(jittered).await;
        }
    }

    /// Probes every agency's `/health` every `probe_interval_ms`, so status
    /// and breakers follow agencies even without citizen traffic. Probes are
    /// not audited (they concern no citizen).
    pub fn spawn_prober(self: &Arc<Self>) -> Vec<tokio::task::JoinHandle<()>> {
        let mut tasks = Vec::new();
        for id in self.agencies.keys() {
            let g = self.clone();
            let id = id.clone();
            tasks.push(tokio::spawn(async move {
                let rt = &g.agencies[&id];
                let mut tick = tokio::time::interval(Duration::from_millis(rt.config.settings.probe_interval_ms.max(100)));
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    g.probe(rt).await;
                }
            }));
        }
        tasks
    }

    /// Probes every agency once now (what the prober does on each tick).
    pub async fn probe_all(&self) {
        futures_util::future::join_all(self.agencies.values().map(|rt| self.probe(rt))).await;
    }

    /// One health probe and description check: the agency is reachable,
    /// accepts the window's credential, and describes every operation the
    /// window has registered for it as registered.
    async fn probe(&self, rt: &Runtime) {
        let health = Outgoing { method: Method::GET, path: "/health".to_owned(), body: None };
        // The answer is only checked (a malformed one counts as a failure).
        let probed = self.send::<serde::de::IgnoredAny>(rt, &health, false, "health-probe", None).await;
        let before = rt.connection.lock().expect("connection lock").clone();
        let mut now = Connection { checked: true, ..Connection::default() };
        match &probed {
            Ok(_) => {
                now.probe_ok = true;
                now.credential_accepted = Some(true);
            }
            Err(GatewayError::Failed { status: 401 | 403, .. }) => {
                now.credential_accepted = Some(false);
                now.problems.push("the agency refused the window's credential".to_owned());
            }
            Err(e) => {
                // Down: what was known about its credential and description stands.
                now.credential_accepted = before.credential_accepted;
                now.described = before.described;
                now.undescribed = before.undescribed.clone();
                now.problems = before.problems.clone();
                now.decides = before.decides.clone();
                now.publishes = before.publishes.clone();
                let _ = e;
            }
        }
        if now.probe_ok {
            let out = Outgoing { method: Method::GET, path: DESCRIPTION_PATH.to_owned(), body: None };
            match self.send::<serde_json::Value>(rt, &out, false, "description-check", None).await {
                Ok(doc) => {
                    let ops: Vec<&registry::Operation> = rt.operations.iter().collect();
                    let mismatches = conformance::check(&ops, &doc);
                    (now.decides, now.publishes) = conformance::smart_parts(&doc);
                    now.described = Some(true);
                    now.undescribed = mismatches.iter().map(|m| m.operation.clone()).collect();
                    now.problems.extend(mismatches.iter().map(ToString::to_string));
                }
                Err(e) => {
                    now.described = Some(false);
                    now.problems.push(format!("its description at {DESCRIPTION_PATH} could not be read: {e}"));
                }
            }
        }
        if now.problems != before.problems || now.connected() != before.connected() {
            if now.problems.is_empty() {
                tracing::info!(agency = %rt.config.id, connected = now.connected(), "agency description matches its registration");
            }
            for p in now.problems.iter().filter(|p| !before.problems.contains(p)) {
                tracing::warn!(agency = %rt.config.id, problem = %p, "agency not connected: its description does not match");
            }
        }
        *rt.connection.lock().expect("connection lock") = now;
    }

    /// What the last check found about `agency` (default: never checked).
    pub fn connection(&self, agency: &str) -> Connection {
        self.agencies.get(agency).map(|rt| rt.connection.lock().expect("connection lock").clone()).unwrap_or_default()
    }

    /// Every agency's current state.
    pub fn status(&self) -> Vec<AgencyStatus> {
        self.agencies
            .values()
            .map(|rt| {
                let snap = rt.stats.snapshot();
                let phase = rt.breaker.phase();
                let slow = snap.p95_ms.is_some_and(|p| p > rt.config.settings.timeout_ms as f64 * 0.5);
                let state = match phase {
                    Phase::Open => "down",
                    Phase::HalfOpen => "degraded",
                    Phase::Closed if snap.calls == 0 => "unknown",
                    Phase::Closed if snap.recent_failure_rate >= 0.5 => "down",
                    Phase::Closed if snap.recent_failure_rate >= 0.1 || slow => "degraded",
                    Phase::Closed => "up",
                };
                let connection = rt.connection.lock().expect("connection lock").clone();
                AgencyStatus {
                    connected: connection.connected(),
                    problems: connection.problems,
                    id: rt.config.id.clone(),
                    name: rt.name.clone(),
                    state: state.to_owned(),
                    breaker: match phase {
                        Phase::Closed => "closed",
                        Phase::Open => "open",
                        Phase::HalfOpen => "half_open",
                    }
                    .to_owned(),
                    p50_ms: snap.p50_ms.map(|v| (v * 10.0).round() / 10.0),
                    p95_ms: snap.p95_ms.map(|v| (v * 10.0).round() / 10.0),
                    last_success: snap
                        .last_success
                        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                        .map(|d| panjere_api::time::rfc3339(d.as_secs())),
                    calls: snap.calls,
                    failures: snap.failures,
                }
            })
            .collect()
    }
}

const REQUEST_ID: http::HeaderName = http::HeaderName::from_static(crate::request_id::HEADER);
const CITIZEN_PSEUDONYM: http::HeaderName = http::HeaderName::from_static("x-citizen-pseudonym");

/// One attempt: send, read at most `max_response_bytes`, classify.
async fn once<T: DeserializeOwned>(rt: &Runtime, out: &Outgoing, request_id: &str, citizen: Option<&str>) -> Result<T, GatewayError> {
    let agency = || rt.config.id.clone();
    // Paths are checked when the registry is loaded and values are
    // percent-encoded, so this cannot fail for a built call.
    let target = rt.client.target(&out.path).map_err(|e| {
        tracing::error!(agency = %rt.config.id, error = %e, "invalid request target");
        GatewayError::Unavailable { agency: agency() }
    })?;
    let (method, body) = match out.method {
        Method::GET => (http::Method::GET, Bytes::new()),
        Method::POST => {
            (http::Method::POST, Bytes::from(serde_json::to_vec(out.body.as_ref().unwrap_or(&serde_json::Value::Null)).unwrap_or_default()))
        }
    };
    // Built in place: every header name is a constant, every fixed value
    // made once (the builder re-checks each name and value it is given).
    let mut req = http::Request::new(Full::new(body));
    *req.method_mut() = method;
    *req.uri_mut() = target;
    let h = req.headers_mut();
    h.insert(http::header::AUTHORIZATION, rt.authorization.clone());
    h.insert(http::header::ACCEPT, http::HeaderValue::from_static("application/json"));
    h.insert(http::header::USER_AGENT, http::HeaderValue::from_static("panjere-gateway"));
    if let Ok(id) = http::HeaderValue::from_str(request_id) {
        h.insert(REQUEST_ID, id);
    }
    if let Some(p) = citizen.and_then(|p| http::HeaderValue::from_str(p).ok()) {
        h.insert(CITIZEN_PSEUDONYM, p);
    }
    if out.method == Method::POST {
        h.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    }
    // Boxed: the client's future (hyper's, and the body being read) is
    // large, and unboxed it would be moved through every future above it
    // (the retry loop, the timeout, the call, the handler).
    let answer = Box::pin(rt.client.send(req, rt.config.settings.max_response_bytes)).await.map_err(|e| match e {
        ClientError::ConnectTimeout => GatewayError::Timeout { agency: agency() },
        ClientError::Connect | ClientError::Send => GatewayError::Unavailable { agency: agency() },
        ClientError::Body => GatewayError::BadAnswer { agency: agency() },
    })?;
    let status = answer.status.as_u16();
    let body = answer.body;
    match status {
        // Read in the one pass that checks it (as a tree, or for the lookup
        // kept as sent): an answer that is not JSON is the agency's
        // failure, and counts against it (and is retried).
        200..=299 => serde_json::from_slice(&body).map_err(|_| GatewayError::BadAnswer { agency: agency() }),
        401 | 403 => {
            tracing::error!(agency = %rt.config.id, status, "the agency refused the window's credential");
            Err(GatewayError::Failed { agency: agency(), status })
        }
        400..=499 => {
            let message = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["error"].as_str().map(str::to_owned))
                .unwrap_or_default();
            Err(GatewayError::Rejected { agency: agency(), status, message })
        }
        _ => Err(GatewayError::Failed { agency: agency(), status }),
    }
}

fn rand_below(n: u64) -> u64 {
    crate::rand::next_u64() % n.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoAudit;
    impl AuditSink for NoAudit {
        fn record(&self, _: AuditRow) {}
        fn flush(&self) -> futures_util::future::BoxFuture<'static, ()> {
            Box::pin(async {})
        }
    }

    fn gateway(key: &str) -> Gateway {
        let registry = Registry { agencies: BTreeMap::new(), operations: crate::FastMap::default() };
        let names = |_: &str| Text::default();
        Gateway::new(registry, Arc::new(NoAudit), &Secret::new(key), &names, Arc::new(crate::clock::SystemClock)).unwrap()
    }

    /// HMAC-SHA256 under the gateway's key, its first 16 bytes in hex: the
    /// same however often it is asked for, on this thread or another, and
    /// each gateway's under its own key (the keyed state cloned per use is
    /// never changed by a use).
    #[test]
    fn pseudonyms_are_the_keyed_hmac_of_the_national_code() {
        let expected = |key: &str, code: &str| {
            let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
            mac.update(code.as_bytes());
            hex::encode(&mac.finalize().into_bytes()[..16])
        };
        let (a, b) = (gateway("key-a"), gateway("key-b"));
        for code in ["0076229645", "0076229645", "0023456787", "0076229645"] {
            assert_eq!(a.pseudonym(code), expected("key-a", code));
            assert_eq!(b.pseudonym(code), expected("key-b", code));
            assert_eq!(a.pseudonym(code), expected("key-a", code));
        }
        assert_ne!(a.pseudonym("0076229645"), b.pseudonym("0076229645"));
        let long_key = "k".repeat(100);
        assert_eq!(gateway(&long_key).pseudonym("0023456787"), expected(&long_key, "0023456787"));
        let other = std::thread::spawn(move || a.pseudonym("0023456787"));
        assert_eq!(other.join().unwrap(), expected("key-a", "0023456787"));
    }
}
