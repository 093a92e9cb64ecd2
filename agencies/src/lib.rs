//! Simulated government agencies. Each is a real HTTP server on its own
//! port that requires its own credential on every request, validates its
//! inputs, answers deterministically per national code, accepts
//! applications, and can be made to fail (see [`faults`]). The server talks
//! to them exactly as it would to real agencies.

pub mod apps;
pub mod checks;
pub mod data;
pub mod events;
pub mod faults;
pub mod ops;
pub mod psp;
pub mod systems;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tokio::sync::watch;

use crate::faults::Faults;

/// The simulated agencies (catalog ids; `sms` is the SMS gateway), in the
/// order of `agencies/systems.toml`: agency i listens on `base_port + i`.
pub static AGENCIES: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| systems::SPEC.system.iter().map(|s| s.id.as_str()).collect());

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Development,
    Test,
    Production,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "development" => Some(Mode::Development),
            "test" => Some(Mode::Test),
            "production" => Some(Mode::Production),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub address: IpAddr,
    /// First port; agency i listens on `base_port + i`. 0: any free port.
    pub base_port: u16,
    /// The admin endpoint's port (0: any free port).
    pub admin_port: u16,
    pub mode: Mode,
    /// How long an application stays in each status.
    pub step: Duration,
    /// Where status changes of applications are pushed.
    pub callback_url: Option<String>,
    /// Where life events are pushed (else the window pulls them).
    pub events_url: Option<String>,
    /// Faults to start with, per agency.
    pub faults: Vec<(String, Faults)>,
    /// The payment provider's page life and unverified-payment reversal.
    pub psp: psp::Settings,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            address: IpAddr::from([127, 0, 0, 1]),
            base_port: 0,
            admin_port: 0,
            mode: Mode::Development,
            step: Duration::from_secs(20),
            callback_url: None,
            events_url: None,
            faults: Vec::new(),
            psp: psp::Settings::default(),
        }
    }
}

fn env_name(id: &str, what: &str) -> String {
    format!("PANJERE_AGENCY_{}_{what}", id.to_uppercase().replace('-', "_"))
}

/// The credential an agency expects: `PANJERE_AGENCY_<ID>_KEY`, else a
/// development default that names the agency.
pub fn credential(id: &str) -> String {
    std::env::var(env_name(id, "KEY")).unwrap_or_else(|_| format!("dev-{id}-key"))
}

/// The secret an agency signs callbacks with: `PANJERE_AGENCY_<ID>_CALLBACK_SECRET`.
pub fn callback_secret(id: &str) -> String {
    std::env::var(env_name(id, "CALLBACK_SECRET")).unwrap_or_else(|_| format!("dev-{id}-callback"))
}

/// One simulated agency's state.
pub struct Agency {
    pub id: &'static str,
    pub system: &'static systems::System,
    pub key: String,
    pub callback_secret: String,
    pub mode: Mode,
    pub faults: watch::Sender<Faults>,
    pub apps: Mutex<apps::Store>,
    pub outbox: Mutex<Vec<serde_json::Value>>,
    /// The life events its registry recorded, in order.
    pub events: Mutex<Vec<panjere_api::smart::LifeEvent>>,
    /// Requests received (before faults and credentials), with their paths.
    pub requests: Mutex<Vec<String>>,
    /// The payment provider's payments (its own only).
    pub ledger: Mutex<psp::Ledger>,
    pub psp: psp::Settings,
}

impl Agency {
    pub fn new(system: &'static systems::System, mode: Mode) -> Arc<Agency> {
        let id = system.id.as_str();
        Arc::new(Agency {
            id,
            system,
            key: credential(id),
            callback_secret: callback_secret(id),
            mode,
            faults: watch::Sender::new(Faults::default()),
            apps: Mutex::default(),
            outbox: Mutex::default(),
            events: Mutex::default(),
            requests: Mutex::default(),
            ledger: Mutex::default(),
            psp: psp::Settings::default(),
        })
    }
}

/// RFC 3339 UTC timestamp of now (seconds).
pub fn now_rfc3339() -> String {
    panjere_api::time::rfc3339(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0))
}

/// The router of one agency: faults first, then the credential check.
pub fn agency_router(agency: Arc<Agency>) -> Router {
    let mut r = Router::new().route("/health", get(health)).route(systems::DESCRIPTION_PATH, get(description));
    if agency.system.applications {
        r = r
            .route("/v1/applications", axum::routing::post(apps::submit))
            .route("/v1/applications/{reference}", get(apps::status))
            .route("/v1/applications/{reference}/replies", axum::routing::post(apps::reply));
    }
    if !agency.system.publishes.is_empty() {
        r = r.route("/v1/events", get(events::feed));
    }
    if agency.system.payments {
        r = r.merge(psp::routes());
    }
    r.merge(ops::routes(agency.id))
        .merge(systems::routes(agency.system))
        .layer(middleware::from_fn_with_state(agency.clone(), require_credential))
        .layer(middleware::from_fn_with_state(agency.clone(), faults::inject))
        .with_state(agency)
}

async fn health(State(a): State<Arc<Agency>>) -> Json<serde_json::Value> {
    Json(json!({ "agency": a.id, "status": "up" }))
}

/// The published description of the agency's operations.
async fn description(State(a): State<Arc<Agency>>) -> Json<serde_json::Value> {
    Json(systems::description(a.system, a.faults.borrow().drift))
}

/// Every request must carry `Authorization: Bearer <credential>` (but the
/// payment provider's page, which the citizen's browser opens).
async fn require_credential(State(a): State<Arc<Agency>>, req: Request, next: Next) -> Response {
    let ok = (a.system.payments && psp::is_page(req.uri().path()))
        || req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|k| k == a.key);
    if ok {
        next.run(req).await
    } else {
        (StatusCode::UNAUTHORIZED, Json(json!({ "error": "missing or wrong credential", "agency": a.id }))).into_response()
    }
}

/// Serves one agency on `addr`, closing the listener while `refuse` is set
/// (connections are then refused; the port stays held) and reopening it on
/// the same port after.
async fn run_agency(agency: Arc<Agency>, first: tokio::net::TcpListener) {
    let addr = first.local_addr().expect("bound");
    let mut listener = Some(first);
    let mut faults = agency.faults.subscribe();
    loop {
        let l = match listener.take() {
            Some(l) => l,
            None => match tokio::net::TcpListener::bind(addr).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(agency = agency.id, error = %e, "cannot listen again yet");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            },
        };
        let mut watch_refuse = faults.clone();
        tokio::select! {
            r = axum::serve(l, agency_router(agency.clone())) => {
                if let Err(e) = r { tracing::error!(agency = agency.id, error = %e, "server stopped"); }
                return;
            }
            _ = watch_refuse.wait_for(|f| f.refuse) => tracing::info!(agency = agency.id, "refusing connections"),
        }
        // Hold the port without listening (connections are still refused),
        // so that no other program is given it meanwhile: a gateway pointed
        // here must meet a refusal, not somebody else's server.
        let hold = hold_port(addr);
        let _ = faults.wait_for(|f| !f.refuse).await;
        drop(hold);
        tracing::info!(agency = agency.id, "listening again");
    }
}

/// A socket bound to `addr` that does not listen.
fn hold_port(addr: std::net::SocketAddr) -> Option<tokio::net::TcpSocket> {
    let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4() } else { tokio::net::TcpSocket::new_v6() }.ok()?;
    socket.set_reuseaddr(true).ok()?;
    socket.bind(addr).ok()?;
    Some(socket)
}

/// Moves applications on and pushes callbacks, every `step`.
async fn run_applications(agencies: Vec<Arc<Agency>>, step: Duration, callback_url: Option<String>) {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("HTTP client");
    let mut tick = tokio::time::interval(step);
    tick.tick().await;
    loop {
        tick.tick().await;
        for a in &agencies {
            for app in apps::advance(a) {
                if let Some(url) = &callback_url {
                    apps::callback(&client, a, url, &app).await;
                }
            }
        }
    }
}

/// The admin endpoint: `GET /agencies` (each agency's base URL, so tools
/// find the SMS outbox), `GET /faults`, `PUT /faults/{agency}` (a JSON
/// [`Faults`]), `DELETE /faults/{agency}`, `GET /received` (per agency,
/// how many times each idempotency key was submitted: what a soak counts
/// to prove nothing lost and nothing duplicated), `GET /calls` (per agency,
/// the calls it received other than health checks and its description),
/// `POST /events/{agency}` (`{"kind", "person", "days"?}`: the registry
/// records a life event, pushed to the window when it has an events URL;
/// answers the event). Requires
/// `Authorization: Bearer <PANJERE_AGENCIES_ADMIN_KEY or dev-admin-key>`.
pub fn admin_router(agencies: Vec<Arc<Agency>>, urls: std::collections::BTreeMap<String, String>, events_url: Option<String>) -> Router {
    let urls = Arc::new(urls);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("HTTP client");
    let new_event = move |State(all): State<Agencies>, Path(id): Path<String>, Json(n): Json<events::NewEvent>| {
        let (client, url) = (client.clone(), events_url.clone());
        async move {
            let Some(a) = find(&all, &id) else { return no_agency(&id) };
            match events::record(&a, &n) {
                Ok(e) => {
                    tracing::info!(agency = a.id, event = e.id, kind = %e.kind, "life event recorded");
                    if let Some(url) = url {
                        events::push(&client, &a, &url, &e).await;
                    }
                    (StatusCode::CREATED, Json(e)).into_response()
                }
                Err(msg) => ops::bad(msg),
            }
        }
    };
    let key = std::env::var("PANJERE_AGENCIES_ADMIN_KEY").unwrap_or_else(|_| "dev-admin-key".into());
    let authorised =
        move |req: &Request| req.headers().get("authorization").and_then(|v| v.to_str().ok()) == Some(format!("Bearer {key}").as_str());
    let state = Arc::new(agencies);
    Router::new()
        .route("/agencies", get(move || async move { Json(json!(*urls)) }))
        .route("/faults", get(list_faults))
        .route("/received", get(list_received))
        .route("/calls", get(list_calls))
        .route("/faults/{agency}", axum::routing::put(set_faults).delete(clear_faults))
        .route("/events/{agency}", axum::routing::post(new_event))
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            let ok = authorised(&req);
            async move {
                if ok {
                    next.run(req).await
                } else {
                    (StatusCode::UNAUTHORIZED, Json(json!({ "error": "admin credential required" }))).into_response()
                }
            }
        }))
        .with_state(state)
}

type Agencies = Arc<Vec<Arc<Agency>>>;

fn find(all: &Agencies, id: &str) -> Option<Arc<Agency>> {
    all.iter().find(|a| a.id == id).cloned()
}

fn no_agency(id: &str) -> Response {
    (StatusCode::NOT_FOUND, Json(json!({ "error": format!("no agency {id}") }))).into_response()
}

async fn list_faults(State(all): State<Agencies>) -> Json<serde_json::Value> {
    Json(json!(all.iter().map(|a| (a.id.to_owned(), a.faults.borrow().clone())).collect::<std::collections::BTreeMap<_, _>>()))
}

async fn list_received(State(all): State<Agencies>) -> Json<serde_json::Value> {
    Json(json!(all
        .iter()
        .map(|a| (a.id.to_owned(), a.apps.lock().expect("applications lock").received.clone()))
        .filter(|(_, r)| !r.is_empty())
        .collect::<std::collections::BTreeMap<_, _>>()))
}

async fn list_calls(State(all): State<Agencies>) -> Json<serde_json::Value> {
    let counted = |a: &Agency| {
        let paths = a.requests.lock().expect("requests lock");
        paths.iter().filter(|p| !p.starts_with("/health") && !p.starts_with(systems::DESCRIPTION_PATH)).count()
    };
    Json(json!(all.iter().map(|a| (a.id.to_owned(), counted(a))).collect::<std::collections::BTreeMap<_, _>>()))
}

async fn set_faults(State(all): State<Agencies>, Path(id): Path<String>, Json(f): Json<Faults>) -> Response {
    let Some(a) = find(&all, &id) else { return no_agency(&id) };
    if let Err(e) = f.validate() {
        return ops::bad(e);
    }
    tracing::info!(agency = a.id, faults = ?f, "faults set");
    a.faults.send_replace(f.clone());
    Json(f).into_response()
}

async fn clear_faults(State(all): State<Agencies>, Path(id): Path<String>) -> Response {
    match find(&all, &id) {
        Some(a) => {
            a.faults.send_replace(Faults::default());
            tracing::info!(agency = a.id, "faults cleared");
            StatusCode::NO_CONTENT.into_response()
        }
        None => no_agency(&id),
    }
}

/// The running simulators: their addresses and handles (tests change
/// their faults directly).
pub struct Running {
    pub agencies: Vec<(Arc<Agency>, SocketAddr)>,
    pub admin: SocketAddr,
    tasks: tokio::task::JoinSet<()>,
}

impl Running {
    pub fn url(&self, id: &str) -> String {
        self.agencies.iter().find(|(a, _)| a.id == id).map(|(_, addr)| format!("http://{addr}")).unwrap_or_default()
    }

    /// `PANJERE_AGENCY_<ID>_URL` for every agency: how the server is
    /// pointed at these simulators.
    pub fn url_env(&self) -> Vec<(String, String)> {
        self.agencies
            .iter()
            .map(|(a, addr)| (format!("PANJERE_AGENCY_{}_URL", a.id.to_uppercase().replace('-', "_")), format!("http://{addr}")))
            .collect()
    }

    pub fn agency(&self, id: &str) -> Arc<Agency> {
        self.agencies.iter().find(|(a, _)| a.id == id).map(|(a, _)| a.clone()).expect("a simulated agency")
    }

    /// Serves until every task ends (that is, until the process ends).
    pub async fn wait(mut self) {
        while self.tasks.join_next().await.is_some() {}
    }
}

/// Binds every agency and the admin endpoint and starts serving.
pub async fn start(opts: Options) -> std::io::Result<Running> {
    let mut agencies = Vec::new();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, system) in systems::SPEC.system.iter().enumerate() {
        let port = if opts.base_port == 0 { 0 } else { opts.base_port + i as u16 };
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(opts.address, port)).await?;
        let addr = listener.local_addr()?;
        let mut agency = Agency::new(system, opts.mode);
        if let Some(a) = Arc::get_mut(&mut agency) {
            a.psp = opts.psp;
        }
        if let Some((_, f)) = opts.faults.iter().find(|(a, _)| a == agency.id) {
            agency.faults.send_replace(f.clone());
        }
        agencies.push((agency.clone(), addr));
        tasks.spawn(run_agency(agency, listener));
    }
    let admin = tokio::net::TcpListener::bind(SocketAddr::new(opts.address, opts.admin_port)).await?;
    let admin_addr = admin.local_addr()?;
    let handles: Vec<Arc<Agency>> = agencies.iter().map(|(a, _)| a.clone()).collect();
    let urls = agencies.iter().map(|(a, addr)| (a.id.to_owned(), format!("http://{addr}"))).collect();
    let admin_app = admin_router(handles.clone(), urls, opts.events_url.clone());
    tasks.spawn(async move {
        let _ = axum::serve(admin, admin_app).await;
    });
    tasks.spawn(run_applications(handles, opts.step, opts.callback_url.clone()));
    Ok(Running { agencies, admin: admin_addr, tasks })
}

/// Starts every agency and the admin endpoint, prints `AGENCY <id> <url>`
/// lines, `ADMIN <url>`, then `AGENCIES READY <n>`, and serves until the
/// process ends.
pub async fn serve_all(opts: Options) -> std::io::Result<()> {
    use std::io::Write;
    let running = start(opts).await?;
    for (a, addr) in &running.agencies {
        println!("AGENCY {} http://{addr}", a.id);
    }
    println!("ADMIN http://{}", running.admin);
    println!("AGENCIES READY {}", running.agencies.len());
    std::io::stdout().flush()?;
    tracing::info!(count = running.agencies.len(), "simulated agencies are listening");
    running.wait().await;
    Ok(())
}
