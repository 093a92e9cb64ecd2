//! The one harness of the server's integration tests: [`TestApp::spawn`]
//! starts the simulated agencies on free ports, builds the server with the
//! same `build_state` as `main` (a fresh database, the shipped registry
//! pointed at the simulators by environment), serves it on a free port with
//! its background work, and hands out [`Browser`]s: cookie-keeping clients
//! that read one-time codes from the SMS simulator's outbox, as the browser
//! tests do. The router is there too, for `oneshot` tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use panjere_agencies::faults::Faults;
use panjere_agencies::{Options, Running};
use panjere_server::clock::{Clock, ManualClock, SystemClock};
use panjere_server::config::{AuthSettings, Config, HttpSettings, PaymentSettings, RequestSettings};
use panjere_server::startup::Background;
use panjere_server::{app, build_state, spawn_background, AppState};
use serde_json::{json, Value};

pub const ADULT: (&str, &str) = ("0076229645", "09121111111");

/// A copy of `data/` to change on purpose.
pub fn copy_of_data() -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&root().join("data"), dir.path());
    dir
}

/// A PostgreSQL database of its own for one test, created from
/// `PANJERE_TEST_POSTGRES` (a server URL without a database, e.g.
/// `postgres://postgres@127.0.0.1:5432`) and dropped when the test ends.
pub struct TestDatabase {
    server: String,
    name: String,
    pub url: String,
}

impl TestDatabase {
    /// `None` when `PANJERE_TEST_POSTGRES` is unset.
    pub async fn create() -> Option<TestDatabase> {
        let server = std::env::var("PANJERE_TEST_POSTGRES").ok().filter(|s| !s.is_empty())?;
        let server = server.trim_end_matches('/').to_owned();
        let name = format!("panjere_test_{}", panjere_server::rand::random_id().to_lowercase());
        let mut admin = Self::admin(&server).await;
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
        let url = format!("{server}/{name}");
        Some(TestDatabase { server, name, url })
    }

    async fn admin(server: &str) -> sqlx::PgConnection {
        use sqlx::Connection;
        sqlx::PgConnection::connect(&format!("{server}/postgres")).await.unwrap_or_else(|e| panic!("PANJERE_TEST_POSTGRES={server}: {e}"))
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        // From a thread of its own: the test's runtime may be gone or busy.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let mut admin = TestDatabase::admin(&server).await;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await.map(|_| ())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the test database {}: {dropped:?}", self.name);
        }
    }
}

/// A Redis key prefix of its own for one test, when `PANJERE_TEST_REDIS`
/// names a Redis (its keys all expire on their own).
pub fn test_redis() -> Option<(String, String)> {
    let url = std::env::var("PANJERE_TEST_REDIS").ok().filter(|s| !s.is_empty())?;
    Some((url, format!("panjere-test:{}:", panjere_server::rand::random_id())))
}

/// A valid national code from nine digits (the check digit added).
pub fn national_code(nine: u64) -> String {
    panjere_agencies::data::national_code_from(nine)
}

/// What the SMS simulator sent to `mobile`, newest first.
pub async fn outbox(sims: &Running, mobile: &str) -> Vec<Value> {
    let url = format!("{}/outbox?mobile={mobile}", sims.url("sms"));
    let outbox: Value = reqwest::Client::new().get(url).bearer_auth("dev-sms-key").send().await.unwrap().json().await.unwrap();
    outbox["items"].as_array().cloned().unwrap_or_default()
}

/// Signs `b` in as `who` (national code, mobile) at its portal, with the
/// code the SMS simulator of `sims` sent.
pub async fn sign_in_with(sims: &Running, b: &mut Browser, who: (&str, &str)) -> Answer {
    let a = b.post("/api/auth/start", json!({ "national_code": who.0, "mobile": who.1 })).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let code = sms_code(sims, who.1).await.expect("a code in the outbox");
    let a = b.post("/api/auth/verify", json!({ "code": code })).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a
}

/// The newest one-time code the SMS simulator sent to `mobile`.
pub async fn sms_code(sims: &Running, mobile: &str) -> Option<String> {
    let text = outbox(sims, mobile).await.first()?["text"].as_str()?.to_owned();
    let digits: Vec<char> = text.chars().collect();
    digits.windows(6).find(|w| w.iter().all(char::is_ascii_digit)).map(|w| w.iter().collect())
}

/// A free port below the kernel's ephemeral range (32768 and up): a port
/// the OS hands out can be taken by another test's outgoing connection in
/// the seconds before the balancer or an instance binds it; these are not.
pub fn quiet_port() -> u16 {
    loop {
        let port = 20_000 + (panjere_server::rand::next_u64() % 12_000) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A client that does not follow redirects (a browser's steps, one by one).
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Submits the provider's payment page with `action` (`pay` or `cancel`)
/// and a card: where the provider sends the browser back, if anywhere.
pub async fn psp_act(url: &str, action: &str) -> Option<String> {
    let page = no_redirects().get(url).send().await.unwrap();
    assert_eq!(page.status(), 200, "the provider's page");
    let r = no_redirects().post(url).form(&[("action", action), ("card", "6037991234567890")]).send().await.unwrap();
    match r.status().as_u16() {
        303 => Some(r.headers()["location"].to_str().unwrap().to_owned()),
        200 => None,
        s => panic!("the provider's page answered {s}"),
    }
}

/// The browser arrives back at the window: sent on to the payment's page.
pub async fn follow_return(back: &str) -> String {
    let r = no_redirects().get(back).send().await.unwrap();
    assert_eq!(r.status(), 303, "the window's return: {back}");
    r.headers()["location"].to_str().unwrap().to_owned()
}

/// What differs between tests; `Default` is the shipped configuration on
/// the system clock.
pub struct TestOptions {
    pub auth: AuthSettings,
    pub requests: RequestSettings,
    /// Client connection timeouts and limits.
    pub http: HttpSettings,
    /// A manual clock starting at this Unix time (tests move it by hand);
    /// `None`: the system clock.
    pub manual_clock: Option<i64>,
    /// Agencies push status changes to the server (else only polling).
    pub callbacks: bool,
    /// Registries push life events to the server (else only its pull).
    pub event_push: bool,
    /// How long a simulated application stays in each status.
    pub step: Duration,
    /// Another catalog directory (default `data/`).
    pub catalog_dir: Option<PathBuf>,
    /// Another agencies file (default `config/agencies.toml`).
    pub agencies_file: Option<PathBuf>,
    /// A client build to serve (default: none, API only).
    pub dist_dir: Option<PathBuf>,
    /// More environment for the server (agency URLs are set already).
    pub env: Vec<(String, String)>,
    /// Run the background work (health probes, request delivery) as `main`
    /// does; off for tests that count every call an agency receives.
    pub background: bool,
    /// Sessions and limits in this Redis (default: `PANJERE_TEST_REDIS`'s,
    /// if set).
    pub redis_url: Option<String>,
    /// No Redis, whatever `PANJERE_TEST_REDIS` says: sessions in the
    /// database, limits in memory.
    pub without_redis: bool,
    /// SQLite and no Redis, whatever the environment says.
    pub embedded: bool,
    /// Another SQLite data directory (default: a new one).
    pub data_dir: Option<PathBuf>,
    /// The payment sweeper's timing and the re-authentication threshold.
    pub payments: PaymentSettings,
    /// The simulated payment provider's page life and reversal time.
    pub psp: panjere_agencies::psp::Settings,
}

impl Default for TestOptions {
    fn default() -> Self {
        TestOptions {
            auth: AuthSettings::default(),
            requests: RequestSettings { poll_interval_s: 1, max_backoff_s: 2, lease_s: 10, events_pull_interval_s: 1 },
            http: HttpSettings::default(),
            manual_clock: None,
            callbacks: true,
            event_push: true,
            step: Duration::from_millis(300),
            catalog_dir: None,
            agencies_file: None,
            dist_dir: None,
            env: Vec::new(),
            background: true,
            redis_url: None,
            without_redis: false,
            embedded: false,
            data_dir: None,
            payments: PaymentSettings {
                sweep_interval_s: 1,
                pending_check_s: 2,
                retry_s: 1,
                max_backoff_s: 2,
                lease_s: 10,
                ..PaymentSettings::default()
            },
            psp: panjere_agencies::psp::Settings::default(),
        }
    }
}

pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    pub sims: Running,
    pub config: Config,
    pub state: AppState,
    manual: Option<Arc<ManualClock>>,
    env: Vec<(String, String)>,
    with_background: bool,
    server: Option<tokio::task::JoinHandle<()>>,
    background: Option<Background>,
    /// (method, path template, status) of every answer a [`Browser`] saw.
    pub seen: Arc<Mutex<Vec<(String, String, u16)>>>,
    _dir: tempfile::TempDir,
    /// The PostgreSQL database, when the suite runs on PostgreSQL (dropped
    /// last).
    pub database: Option<TestDatabase>,
}

impl TestApp {
    pub async fn spawn(opts: TestOptions) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let sims = panjere_agencies::start(Options {
            step: opts.step,
            callback_url: opts.callbacks.then(|| format!("{base}/api/agency-callbacks")),
            events_url: opts.event_push.then(|| format!("{base}/api/agency-events")),
            psp: opts.psp,
            ..Default::default()
        })
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let catalog_dir = opts.catalog_dir.unwrap_or_else(|| root().join("data"));
        let config = Config {
            agencies_file: opts.agencies_file.unwrap_or_else(|| root().join("config/agencies.toml")),
            operations_file: catalog_dir.join("operations.toml"),
            catalog_dir,
            dist_dir: opts.dist_dir.unwrap_or_else(|| dir.path().join("no-client")),
            data_dir: opts.data_dir.clone().unwrap_or_else(|| dir.path().join("var")),
            auth: opts.auth,
            requests: opts.requests,
            http: opts.http,
            payments: opts.payments,
            ..Default::default()
        };
        let database = if opts.embedded { None } else { TestDatabase::create().await };
        let mut config = config;
        config.secrets.database_url = database.as_ref().map(|d| panjere_server::config::Secret::new(d.url.clone()));
        let redis = match opts.redis_url {
            _ if opts.without_redis || opts.embedded => None,
            Some(url) => Some((url, format!("panjere-test:{}:", panjere_server::rand::random_id()))),
            None => test_redis(),
        };
        if let Some((url, prefix)) = redis {
            config.secrets.redis_url = Some(panjere_server::config::Secret::new(url));
            config.redis_prefix = prefix;
        }
        // The simulators' URLs the way a deployment points the registry at
        // agencies: by environment.
        let mut env = sims.url_env();
        env.extend(opts.env);
        let manual = opts.manual_clock.map(|t| Arc::new(ManualClock::at(t)));
        let clock: Arc<dyn Clock> = match &manual {
            Some(m) => m.clone(),
            None => Arc::new(SystemClock),
        };
        let (state, server, background) = serve(&config, &env, clock, listener, opts.background).await;
        TestApp {
            base,
            sims,
            config,
            state,
            manual,
            env,
            with_background: opts.background,
            server: Some(server),
            background,
            seen: Arc::default(),
            _dir: dir,
            database,
        }
    }

    /// Stops the server and its background work and starts them again on
    /// the same port, database and configuration (the catalog is read
    /// again).
    pub async fn restart(&mut self) {
        if let Some(t) = self.server.take() {
            t.abort();
            let _ = t.await;
        }
        self.background = None;
        let addr = self.base.trim_start_matches("http://").to_owned();
        let listener = loop {
            match tokio::net::TcpListener::bind(&addr).await {
                Ok(l) => break l,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        let clock = self.state.clock().clone();
        let (state, server, background) = serve(&self.config, &self.env, clock, listener, self.with_background).await;
        (self.state, self.server, self.background) = (state, Some(server), background);
    }

    /// The application's router, for `oneshot` tests.
    pub fn router(&self) -> panjere_server::App {
        app(self.state.clone())
    }

    /// Moves the manual clock on.
    pub fn advance(&self, secs: i64) {
        self.manual.as_ref().expect("a test with a manual clock").advance(secs);
    }

    /// A database connection of its own, to look at what was stored (on
    /// SQLite or PostgreSQL: write `$1…$N` placeholders).
    pub async fn pool(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        let url = match &self.database {
            Some(d) => d.url.clone(),
            None => format!("sqlite://{}", self.config.data_dir.join("panjere.db").display()),
        };
        sqlx::AnyPool::connect(&url).await.unwrap()
    }

    /// Whether the suite runs on the embedded defaults (SQLite, sessions in
    /// it, limits in memory).
    pub fn embedded(&self) -> bool {
        self.database.is_none() && self.config.secrets.redis_url.is_none()
    }

    pub fn fault(&self, agency: &str, f: Faults) {
        self.sims.agency(agency).faults.send_replace(f);
    }

    /// Applications the agency holds.
    pub fn applications(&self, agency: &str) -> usize {
        self.sims.agency(agency).apps.lock().unwrap().by_ref.len()
    }

    /// The registry of `agency` records a life event of `kind` about
    /// `person` (the simulators' admin endpoint, over HTTP, as a demo or
    /// the browser tests do it): the event, as recorded.
    pub async fn life_event(&self, agency: &str, kind: &str, person: &str) -> Value {
        let r = reqwest::Client::new()
            .post(format!("http://{}/events/{agency}", self.sims.admin))
            .bearer_auth("dev-admin-key")
            .json(&json!({ "kind": kind, "person": person }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201, "life event");
        r.json().await.unwrap()
    }

    /// A new browser with no cookie.
    pub fn browser(&self) -> Browser {
        Browser { seen: self.seen.clone(), ..Browser::at(&self.base) }
    }

    /// A new browser with no cookie and this User-Agent.
    pub fn browser_as(&self, user_agent: &'static str) -> Browser {
        Browser { user_agent: Some(user_agent), ..self.browser() }
    }

    /// The newest code sent to `mobile`.
    pub async fn code_for(&self, mobile: &str) -> Option<String> {
        sms_code(&self.sims, mobile).await
    }

    pub async fn outbox_len(&self, mobile: &str) -> usize {
        outbox(&self.sims, mobile).await.len()
    }

    pub async fn start(&self, b: &mut Browser, who: (&str, &str)) -> Answer {
        b.post("/api/auth/start", json!({ "national_code": who.0, "mobile": who.1 })).await
    }

    /// Signs `b` in as `who` with the code from the outbox.
    pub async fn sign_in(&self, b: &mut Browser, who: (&str, &str)) -> Answer {
        sign_in_with(&self.sims, b, who).await
    }

    /// A new browser signed in as `who`.
    pub async fn citizen(&self, who: (&str, &str)) -> Browser {
        let mut b = self.browser();
        self.sign_in(&mut b, who).await;
        b
    }
}

/// Builds the server as `main` does and serves it on `listener` with its
/// background work (if `background`).
async fn serve(
    config: &Config,
    env: &[(String, String)],
    clock: Arc<dyn Clock>,
    listener: tokio::net::TcpListener,
    background: bool,
) -> (AppState, tokio::task::JoinHandle<()>, Option<Background>) {
    let lookup = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let state = build_state(config, &lookup, clock).await.unwrap_or_else(|e| panic!("{e}"));
    let background = background.then(|| spawn_background(&state));
    // Served as `main` serves it: the same connection limits and timeouts.
    let connections = panjere_server::serve::Connections::new(panjere_server::serve::Limits::from_config(config));
    let app = app(state.clone());
    let server = tokio::spawn(panjere_server::serve::serve(listener, app, connections, std::future::pending()));
    (state, server, background)
}

/// An answer: status, headers, the session cookie set (if any) and the
/// JSON body (`null` when not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub set_cookie: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// (status, body).
    pub fn pair(self) -> (u16, Value) {
        (self.status, self.body)
    }
}

/// One browser: its session cookie, its User-Agent. Same-origin, JSON
/// writes, as the app sends them. Cloning it copies the cookie (a second
/// tab, or a stolen cookie).
#[derive(Clone)]
pub struct Browser {
    pub base: String,
    pub http: reqwest::Client,
    pub cookie: Option<String>,
    pub user_agent: Option<&'static str>,
    seen: Arc<Mutex<Vec<(String, String, u16)>>>,
}

impl Browser {
    /// A new browser with no cookie for the portal at `base`.
    pub fn at(base: &str) -> Browser {
        Browser { base: base.to_owned(), http: reqwest::Client::new(), cookie: None, user_agent: None, seen: Arc::default() }
    }

    /// A request of this browser (its cookie and User-Agent), to finish
    /// and [`Self::send_built`].
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        if let Some(ua) = self.user_agent {
            req = req.header("user-agent", ua);
        }
        req
    }

    pub async fn send(&mut self, method: reqwest::Method, path: &str, body: Option<Value>) -> Answer {
        let mut req = self.request(method.clone(), path);
        if method != reqwest::Method::GET {
            req = req.header("origin", &self.base).json(&body.unwrap_or(json!({})));
        }
        self.send_built(req).await
    }

    /// Sends a request built by [`Self::request`], keeping the cookie the
    /// server sets or clears.
    pub async fn send_built(&mut self, req: reqwest::RequestBuilder) -> Answer {
        let req = req.build().unwrap();
        let (method, path) = (req.method().to_string(), req.url().path().to_owned());
        let res = self.http.execute(req).await.unwrap();
        let status = res.status().as_u16();
        let set_cookie = res.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_owned());
        if let Some(sc) = &set_cookie {
            let pair = sc.split(';').next().unwrap().to_owned();
            let removed = sc.contains("Max-Age=0") || pair.ends_with('=');
            self.cookie = if removed { None } else { Some(pair) };
        }
        let headers = res.headers().clone();
        let body = res.json().await.unwrap_or(Value::Null);
        let template = if path.starts_with("/api/me/sessions/") { "/api/me/sessions/{id}".to_owned() } else { path };
        self.seen.lock().unwrap().push((method.to_lowercase(), template, status));
        Answer { status, set_cookie, headers, body }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&mut self, path: &str, body: Value) -> Answer {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put(&mut self, path: &str, body: Value) -> Answer {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&mut self, path: &str) -> Answer {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    /// A filled-in passport application, submitted; answers the request.
    pub async fn apply_for_passport(&mut self) -> Value {
        let a = self.post("/api/drafts", json!({ "service": "passport-issuance", "values": { "purpose": "tourism" } })).await;
        assert_eq!(a.status, 201, "{}", a.body);
        let id = a.body["id"].as_str().unwrap().to_owned();
        let values = json!({ "purpose": "tourism", "travel_date": "۱۴۰۵/۰۹/۲۰", "postal_code": "1314567891", "mobile": "09121111111" });
        let a = self.put(&format!("/api/drafts/{id}"), json!({ "values": values, "step": 2, "check_step": 2 })).await;
        assert_eq!((a.status, a.body["errors"].as_object().map(|e| e.len())), (200, Some(0)), "{}", a.body);
        let a = self.post(&format!("/api/drafts/{id}/submit"), json!({})).await;
        assert_eq!(a.status, 201, "{}", a.body);
        // Its fee is a step of the application: paid on the provider's page.
        assert_eq!(a.body["status"], "awaiting_payment", "{}", a.body);
        let id = a.body["id"].as_str().unwrap().to_owned();
        let paid = self.pay_fee(&id, "pay").await;
        assert_eq!(paid["state"], "success", "{paid}");
        self.get(&format!("/api/requests/{id}")).await.body
    }

    /// Starts paying request `id`'s fee: the payment, pending at the
    /// provider's page.
    pub async fn start_fee(&mut self, id: &str) -> Value {
        let key = panjere_server::rand::random_id();
        let a = self.post(&format!("/api/requests/{id}/payment"), json!({ "idempotency_key": key })).await;
        assert_eq!((a.status, a.body["state"].as_str()), (201, Some("pending")), "{}", a.body);
        a.body
    }

    /// Pays (`action` "pay") or cancels request `id`'s fee on the
    /// provider's page as a citizen's browser would, and comes back to
    /// the window when the provider sends it back: the payment then.
    pub async fn pay_fee(&mut self, id: &str, action: &str) -> Value {
        let p = self.start_fee(id).await;
        self.finish_payment(&p, action).await
    }

    /// Acts on a started payment's page and follows the return.
    pub async fn finish_payment(&mut self, p: &Value, action: &str) -> Value {
        if let Some(back) = psp_act(p["payment_url"].as_str().unwrap(), action).await {
            follow_return(&back).await;
        }
        self.get(&format!("/api/payments/{}", p["id"].as_str().unwrap())).await.body
    }

    /// Uploads `bytes` as the file of `field` in draft `draft`: the file's
    /// value for the form.
    pub async fn upload(&mut self, draft: &str, field: &str, content_type: &str, name: &str, bytes: Vec<u8>) -> Value {
        let req = self
            .request(reqwest::Method::POST, &format!("/api/drafts/{draft}/files/{field}"))
            .header("origin", &self.base)
            .header("content-type", content_type)
            .header("x-file-name", panjere_api::url::encode(name))
            .body(bytes);
        let a = self.send_built(req).await;
        assert_eq!(a.status, 200, "upload {field}: {}", a.body);
        a.body
    }

    /// Waits until the request reaches `status` (or later).
    pub async fn wait_for(&mut self, id: &str, status: &str) -> Value {
        self.wait_until(id, status, Instant::now() + Duration::from_secs(20)).await
    }

    /// Waits until request `id` has reached `status`, at the latest by
    /// `deadline`.
    pub async fn wait_until(&mut self, id: &str, status: &str, deadline: Instant) -> Value {
        loop {
            let r = self.get(&format!("/api/requests/{id}")).await.body;
            let now = r["status"].as_str().unwrap_or_default().to_owned();
            if panjere_api::requests::rank(&now) >= panjere_api::requests::rank(status) {
                return r;
            }
            assert!(Instant::now() < deadline, "request {id} stuck at {now}, waiting for {status}: {r}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
