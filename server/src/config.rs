//! Typed configuration: a TOML file (default `config/panjere.toml`, or the
//! path in `PANJERE_CONFIG`) overridden by `PANJERE_*` environment variables.
//! Every secret the server holds is read here, from the environment only,
//! and kept in a [`Secret`] that never prints: the OTP and pseudonym keys
//! ([`Secrets`]) and each agency's credential and callback secret
//! ([`Config::agencies`]).

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on; `0.0.0.0` makes the portal reachable from a
    /// phone on the LAN. Env: `PANJERE_ADDRESS`.
    pub address: IpAddr,
    /// Port; 0 picks a free one. Env: `PANJERE_PORT`.
    pub port: u16,
    /// Threads serving requests, each with its own runtime and listening
    /// socket (0: one per core). Env: `PANJERE_WORKERS`.
    pub workers: usize,
    /// This instance's name, sent in `X-Panjere-Instance` on every answer
    /// (so a load balancer's spread can be seen). Default: `pid-<process
    /// id>`. Env: `PANJERE_INSTANCE`.
    pub instance: Option<String>,
    /// The Trunk build to serve. Env: `PANJERE_DIST`.
    pub dist_dir: PathBuf,
    /// The catalog source files. Env: `PANJERE_CATALOG`.
    pub catalog_dir: PathBuf,
    /// Where the SQLite database lives (created on first run) when no
    /// PostgreSQL URL is set. Env: `PANJERE_DATA_DIR`.
    pub data_dir: PathBuf,
    /// Connections this instance opens to PostgreSQL at most (the total over
    /// every instance must stay under the server's `max_connections`).
    /// Env: `PANJERE_DATABASE_CONNECTIONS`.
    pub database_connections: u32,
    /// Prefix of every key this deployment writes to Redis.
    /// Env: `PANJERE_REDIS_PREFIX`.
    pub redis_prefix: String,
    /// `json` (one JSON object a line) or `pretty`. Env: `PANJERE_LOG_FORMAT`.
    pub log_format: LogFormat,
    /// `development`, `test` or `production`: production refuses to start
    /// without real secrets. Env: `PANJERE_MODE`.
    pub mode: Mode,
    /// The agencies the gateway may call. Env: `PANJERE_AGENCIES_FILE`.
    pub agencies_file: PathBuf,
    /// The operations the gateway may call. Env: `PANJERE_OPERATIONS_FILE`.
    pub operations_file: PathBuf,
    /// Sign-in and sessions (`[auth]` in the file).
    pub auth: AuthSettings,
    /// Delivery of requests to agencies (`[requests]` in the file).
    pub requests: RequestSettings,
    /// Client connections: timeouts and limits against slow and hostile
    /// clients (`[http]` in the file).
    pub http: HttpSettings,
    /// Paying through the window (`[payments]` in the file).
    pub payments: PaymentSettings,
    /// From the environment only, never the file.
    #[serde(skip)]
    pub secrets: Secrets,
}

/// A secret that never prints (`Debug` shows `Secret(***)`).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The server's own keys. Env: `PANJERE_OTP_KEY`, `PANJERE_PSEUDONYM_KEY`;
/// development keys outside production mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secrets {
    /// One-time codes are stored as HMAC-SHA256 under this key.
    pub otp_key: Secret,
    /// Citizen pseudonyms (logs, audit log, stored rows) are derived with it.
    pub pseudonym_key: Secret,
    /// PostgreSQL, for everything durable (`postgres://user:password@host/db`);
    /// unset: SQLite in the data directory. Env: `PANJERE_DATABASE_URL`.
    pub database_url: Option<Secret>,
    /// Redis, for sessions and the sign-in limit shared by every instance
    /// (`redis://:password@host:6379/0`); unset: sessions in the database
    /// and limits in memory. Env: `PANJERE_REDIS_URL`.
    pub redis_url: Option<Secret>,
}

impl Default for Secrets {
    fn default() -> Self {
        Secrets {
            otp_key: Secret::new("dev-otp-key"),
            pseudonym_key: Secret::new("dev-pseudonym-key"),
            database_url: None,
            redis_url: None,
        }
    }
}

/// Timing of delivery and polling, in seconds.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct RequestSettings {
    /// Poll a forwarded request's status this often (callbacks are the
    /// main path; polling catches what they miss).
    pub poll_interval_s: i64,
    /// The longest wait between delivery attempts.
    pub max_backoff_s: i64,
    /// How long an instance holds the requests it claimed for delivery;
    /// another takes them over after that if it died. Longer than the
    /// slowest delivery attempt. Env: `PANJERE_LEASE_SECONDS`.
    pub lease_s: i64,
    /// Read each registry's life-event feed this often (pushes are the
    /// main path; the feed catches what they miss).
    pub events_pull_interval_s: i64,
}

impl Default for RequestSettings {
    fn default() -> Self {
        RequestSettings { poll_interval_s: 15, max_backoff_s: 60, lease_s: 60, events_pull_interval_s: 30 }
    }
}

/// Payments: the sweeper's timing and the re-authentication threshold;
/// times in seconds, amounts in rials.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct PaymentSettings {
    /// The sweeper looks for payments left in between this often.
    pub sweep_interval_s: i64,
    /// A payment still at the provider's page is asked about this long
    /// after it was created, and as often after (the closed tab).
    pub pending_check_s: i64,
    /// The first wait before asking the provider again after it failed to
    /// answer (doubling, up to `max_backoff_s`).
    pub retry_s: i64,
    pub max_backoff_s: i64,
    /// How long an instance holds the payments it claimed.
    pub lease_s: i64,
    /// Paying more than this asks for a fresh one-time code first.
    pub reauth_above_rials: i64,
    /// How long a fresh code counts as fresh.
    pub reauth_valid_s: i64,
    /// The window's address as the citizen's browser reaches it, where the
    /// provider sends the citizen back (unset: the address the citizen
    /// used). Env: `PANJERE_PUBLIC_URL`.
    pub public_url: Option<String>,
}

impl Default for PaymentSettings {
    fn default() -> Self {
        PaymentSettings {
            sweep_interval_s: 5,
            pending_check_s: 120,
            retry_s: 2,
            max_backoff_s: 60,
            lease_s: 60,
            reauth_above_rials: 50_000_000,
            reauth_valid_s: 300,
            public_url: None,
        }
    }
}

/// Sign-in and session settings; times in seconds.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    /// Sign out after this long without a signed-in request.
    /// Env: `PANJERE_SESSION_IDLE_SECONDS`.
    pub idle_timeout_s: u64,
    /// Sign out this long after signing in, whatever the activity.
    /// Env: `PANJERE_SESSION_ABSOLUTE_SECONDS`.
    pub absolute_timeout_s: u64,
    /// The app warns this long before the idle timeout.
    pub warn_before_s: u64,
    /// How long a one-time code is valid.
    pub code_ttl_s: u64,
    /// How long before another code may be sent.
    pub resend_after_s: u64,
    /// Wrong codes allowed before the code dies.
    pub max_attempts: u32,
    /// How long a citizen waits after a code dies of wrong attempts.
    pub lockout_s: u64,
    /// Codes sent to one national code per hour at most.
    pub codes_per_hour: u32,
    /// Codes sent to one mobile number per hour at most (whichever national
    /// code asks; counted where the sign-in limit is, so shared by every
    /// instance on Redis).
    pub codes_per_mobile_per_hour: u32,
    /// Sign-in requests (start, resend, verify) per client address per
    /// `address_window_s` at most: a flood guard sized for a mobile carrier's
    /// shared address (CGNAT), not a guessing guard (the limits per national
    /// code and per code are; see the README).
    pub address_limit: u32,
    pub address_window_s: u64,
    /// `Secure` cookie with a `__Host-` name: for HTTPS deployments. When
    /// unset, true in production mode. Env: `PANJERE_COOKIE_SECURE`.
    pub cookie_secure: Option<bool>,
    /// Take the client address from the last `X-Forwarded-For` entry (only
    /// behind a reverse proxy that sets it). Env: `PANJERE_TRUST_FORWARDED`.
    pub trust_forwarded: bool,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            idle_timeout_s: 15 * 60,
            absolute_timeout_s: 12 * 3600,
            warn_before_s: 120,
            code_ttl_s: 120,
            resend_after_s: 60,
            max_attempts: 5,
            lockout_s: 15 * 60,
            codes_per_hour: 5,
            codes_per_mobile_per_hour: 5,
            address_limit: 600,
            address_window_s: 600,
            cookie_secure: None,
            trust_forwarded: false,
        }
    }
}

/// How long a client may take and how many connections it may hold: a
/// client sending its request slowly (slowloris), or holding connections
/// open without using them, must not keep others from being served.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct HttpSettings {
    /// The whole request head (request line and headers) must arrive
    /// within this many seconds of the connection opening or of the
    /// previous answer; an idle keep-alive connection is closed after it.
    /// Env: `PANJERE_HEADER_TIMEOUT_SECONDS`.
    pub header_timeout_s: u64,
    /// A request body must arrive within this many seconds (408
    /// `request_timeout` otherwise). Env: `PANJERE_BODY_TIMEOUT_SECONDS`.
    pub body_timeout_s: u64,
    /// Open client connections this instance holds at most; one more is
    /// answered 503 and closed. Keep it under the file-descriptor limit
    /// (`ulimit -n`). Env: `PANJERE_MAX_CONNECTIONS`.
    pub max_connections: usize,
    /// Open connections from one address at most (0: no limit). Not
    /// applied behind a balancer (`trust_forwarded`): every connection then
    /// comes from it, and it limits its clients itself.
    /// Env: `PANJERE_MAX_CONNECTIONS_PER_ADDRESS`.
    pub max_connections_per_address: usize,
    /// Request heads larger than this many bytes are refused with 431.
    pub max_header_bytes: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            header_timeout_s: 10,
            body_timeout_s: 30,
            max_connections: 10_000,
            max_connections_per_address: 1_000,
            max_header_bytes: 64 * 1024,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Development,
    Test,
    Production,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Json,
    Pretty,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            address: IpAddr::from([127, 0, 0, 1]),
            port: 8080,
            workers: 0,
            instance: None,
            dist_dir: "dist".into(),
            catalog_dir: "data".into(),
            data_dir: "var".into(),
            database_connections: 16,
            redis_prefix: "panjere:".into(),
            log_format: LogFormat::Json,
            mode: Mode::Development,
            agencies_file: "config/agencies.toml".into(),
            operations_file: "data/operations.toml".into(),
            auth: AuthSettings::default(),
            requests: RequestSettings::default(),
            http: HttpSettings::default(),
            payments: PaymentSettings::default(),
            secrets: Secrets::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("the configuration file {0} is not valid: {1}")]
    Parse(PathBuf, toml::de::Error),
    #[error("environment variable {0}={1:?} is not valid: {2}")]
    Env(&'static str, String, String),
    #[error("set {0} ({1}); production mode has no default")]
    MissingSecret(String, &'static str),
    #[error("{0}")]
    Agencies(String),
}

impl Config {
    /// The number of serving threads: `workers`, or one per core.
    pub fn worker_threads(&self) -> usize {
        match self.workers {
            0 => std::thread::available_parallelism().map(usize::from).unwrap_or(1),
            n => n,
        }
    }

    /// Reads the file (when present) and applies the environment.
    pub fn load(env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = &env as &dyn Fn(&str) -> Option<String>;
        let explicit = env("PANJERE_CONFIG").map(PathBuf::from);
        let path = explicit.clone().unwrap_or_else(|| "config/panjere.toml".into());
        let mut config = match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| ConfigError::Parse(path.clone(), e))?,
            Err(e) if explicit.is_none() && e.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(e) => return Err(ConfigError::Read(path, e)),
        };
        config.apply_env(env)?;
        config.secrets = Secrets {
            otp_key: config.secret(env, "PANJERE_OTP_KEY", "the key one-time codes are hashed with", "dev-otp-key")?,
            pseudonym_key: config.secret(
                env,
                "PANJERE_PSEUDONYM_KEY",
                "the key citizen pseudonyms are derived with",
                "dev-pseudonym-key",
            )?,
            database_url: env("PANJERE_DATABASE_URL").filter(|v| !v.is_empty()).map(Secret),
            redis_url: env("PANJERE_REDIS_URL").filter(|v| !v.is_empty()).map(Secret),
        };
        Ok(config)
    }

    /// A secret from the environment; outside production mode, `dev` when
    /// it is unset.
    fn secret(&self, env: &dyn Fn(&str) -> Option<String>, name: &str, what: &'static str, dev: &str) -> Result<Secret, ConfigError> {
        match env(name) {
            Some(v) => Ok(Secret(v)),
            None if self.mode != Mode::Production => Ok(Secret::new(dev)),
            None => Err(ConfigError::MissingSecret(name.to_owned(), what)),
        }
    }

    /// The agencies the gateway may call: `agencies_file` with each one's
    /// base URL, credential, callback secret and CA file from the
    /// environment where set (`PANJERE_AGENCY_<ID>_URL`, `_KEY`,
    /// `_CALLBACK_SECRET`, `_CA`; ID upper-cased, `-` as `_`). Outside
    /// production mode a missing credential or callback secret falls back to
    /// the simulators' development default.
    pub fn agencies(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<BTreeMap<String, AgencyConfig>, ConfigError> {
        load_agencies(&self.agencies_file, env, self.mode != Mode::Production).map_err(ConfigError::Agencies)
    }

    fn apply_env(&mut self, env: &dyn Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(name: &'static str, v: String) -> Result<T, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            v.parse().map_err(|e: T::Err| ConfigError::Env(name, v.clone(), e.to_string()))
        }
        if let Some(v) = env("PANJERE_ADDRESS") {
            self.address = parse("PANJERE_ADDRESS", v)?;
        }
        if let Some(v) = env("PANJERE_PORT") {
            self.port = parse("PANJERE_PORT", v)?;
        }
        if let Some(v) = env("PANJERE_INSTANCE") {
            if v.is_empty() || v.len() > 64 || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b)) {
                return Err(ConfigError::Env("PANJERE_INSTANCE", v, "1 to 64 letters, digits, '-', '_', '.' or ':'".into()));
            }
            self.instance = Some(v);
        }
        if let Some(v) = env("PANJERE_WORKERS") {
            self.workers = parse("PANJERE_WORKERS", v)?;
        }
        if let Some(v) = env("PANJERE_DIST") {
            self.dist_dir = v.into();
        }
        if let Some(v) = env("PANJERE_CATALOG") {
            self.catalog_dir = v.into();
        }
        if let Some(v) = env("PANJERE_DATA_DIR") {
            self.data_dir = v.into();
        }
        if let Some(v) = env("PANJERE_DATABASE_CONNECTIONS") {
            self.database_connections = parse("PANJERE_DATABASE_CONNECTIONS", v)?;
        }
        if let Some(v) = env("PANJERE_REDIS_PREFIX") {
            self.redis_prefix = v;
        }
        if let Some(v) = env("PANJERE_PUBLIC_URL") {
            if !(v.starts_with("https://") || v.starts_with("http://")) {
                return Err(ConfigError::Env("PANJERE_PUBLIC_URL", v, "an http(s) address".into()));
            }
            self.payments.public_url = Some(v.trim_end_matches('/').to_owned());
        }
        if let Some(v) = env("PANJERE_LEASE_SECONDS") {
            self.requests.lease_s = parse("PANJERE_LEASE_SECONDS", v)?;
            if self.requests.lease_s < 2 {
                return Err(ConfigError::Env("PANJERE_LEASE_SECONDS", self.requests.lease_s.to_string(), "at least 2 seconds".into()));
            }
        }
        if let Some(v) = env("PANJERE_MODE") {
            self.mode = match v.as_str() {
                "development" => Mode::Development,
                "test" => Mode::Test,
                "production" => Mode::Production,
                _ => return Err(ConfigError::Env("PANJERE_MODE", v, "expected development, test or production".into())),
            };
        }
        if let Some(v) = env("PANJERE_AGENCIES_FILE") {
            self.agencies_file = v.into();
        }
        if let Some(v) = env("PANJERE_OPERATIONS_FILE") {
            self.operations_file = v.into();
        }
        if let Some(v) = env("PANJERE_SESSION_IDLE_SECONDS") {
            self.auth.idle_timeout_s = parse("PANJERE_SESSION_IDLE_SECONDS", v)?;
        }
        if let Some(v) = env("PANJERE_SESSION_ABSOLUTE_SECONDS") {
            self.auth.absolute_timeout_s = parse("PANJERE_SESSION_ABSOLUTE_SECONDS", v)?;
        }
        if let Some(v) = env("PANJERE_COOKIE_SECURE") {
            self.auth.cookie_secure = Some(parse("PANJERE_COOKIE_SECURE", v)?);
        }
        if let Some(v) = env("PANJERE_TRUST_FORWARDED") {
            self.auth.trust_forwarded = parse("PANJERE_TRUST_FORWARDED", v)?;
        }
        if let Some(v) = env("PANJERE_HEADER_TIMEOUT_SECONDS") {
            self.http.header_timeout_s = parse("PANJERE_HEADER_TIMEOUT_SECONDS", v)?;
        }
        if let Some(v) = env("PANJERE_BODY_TIMEOUT_SECONDS") {
            self.http.body_timeout_s = parse("PANJERE_BODY_TIMEOUT_SECONDS", v)?;
        }
        if let Some(v) = env("PANJERE_MAX_CONNECTIONS") {
            self.http.max_connections = parse("PANJERE_MAX_CONNECTIONS", v)?;
        }
        if let Some(v) = env("PANJERE_MAX_CONNECTIONS_PER_ADDRESS") {
            self.http.max_connections_per_address = parse("PANJERE_MAX_CONNECTIONS_PER_ADDRESS", v)?;
        }
        let h = &self.http;
        if h.header_timeout_s == 0 || h.body_timeout_s == 0 || h.max_connections == 0 || h.max_header_bytes < 8192 {
            return Err(ConfigError::Env(
                "PANJERE_HEADER_TIMEOUT_SECONDS",
                h.header_timeout_s.to_string(),
                "need header and body timeouts and max_connections above 0, and max_header_bytes of at least 8192".into(),
            ));
        }
        let a = &self.auth;
        if a.warn_before_s >= a.idle_timeout_s || a.idle_timeout_s > a.absolute_timeout_s || a.max_attempts == 0 || a.code_ttl_s == 0 {
            return Err(ConfigError::Env(
                "PANJERE_SESSION_IDLE_SECONDS",
                a.idle_timeout_s.to_string(),
                format!(
                    "need warn_before_s ({}) < idle_timeout_s ({}) <= absolute_timeout_s ({}), max_attempts and code_ttl_s > 0",
                    a.warn_before_s, a.idle_timeout_s, a.absolute_timeout_s
                ),
            ));
        }
        if let Some(v) = env("PANJERE_LOG_FORMAT") {
            self.log_format = match v.as_str() {
                "json" => LogFormat::Json,
                "pretty" => LogFormat::Pretty,
                _ => return Err(ConfigError::Env("PANJERE_LOG_FORMAT", v, "expected json or pretty".into())),
            };
        }
        Ok(())
    }
}

/// Per-agency settings, every field defaulted from `[defaults]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencySettings {
    pub connect_timeout_ms: u64,
    pub timeout_ms: u64,
    pub concurrency: usize,
    pub retries: u32,
    pub backoff_ms: u64,
    pub retry_budget: f64,
    pub breaker_consecutive: u32,
    pub breaker_window: usize,
    pub breaker_rate: f64,
    pub breaker_open_ms: u64,
    pub max_response_bytes: usize,
    pub probe_interval_ms: u64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartialSettings {
    connect_timeout_ms: Option<u64>,
    timeout_ms: Option<u64>,
    concurrency: Option<usize>,
    retries: Option<u32>,
    backoff_ms: Option<u64>,
    retry_budget: Option<f64>,
    breaker_consecutive: Option<u32>,
    breaker_window: Option<usize>,
    breaker_rate: Option<f64>,
    breaker_open_ms: Option<u64>,
    max_response_bytes: Option<usize>,
    probe_interval_ms: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgencyEntry {
    base_url: String,
    /// Display name, for agencies that are not in the catalog.
    name_fa: Option<String>,
    name_en: Option<String>,
    /// Extra trusted roots (PEM) for an `https://` agency whose certificate
    /// is issued by a private CA, as in a government network.
    ca_file: Option<PathBuf>,
    #[serde(flatten)]
    settings: PartialSettings,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgenciesFile {
    defaults: AgencySettings,
    agency: BTreeMap<String, AgencyEntry>,
}

/// One agency the gateway may call, with its secrets.
#[derive(Debug, Clone)]
pub struct AgencyConfig {
    pub id: String,
    pub name: Option<panjere_api::Text>,
    pub base_url: String,
    pub credential: Secret,
    /// The secret the agency signs its callbacks with.
    pub callback_secret: Secret,
    /// Extra trusted roots for `https://` (PEM). Env: `PANJERE_AGENCY_<ID>_CA`.
    pub ca_file: Option<PathBuf>,
    pub settings: AgencySettings,
}

impl AgencyConfig {
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.settings.timeout_ms)
    }
}

/// `PANJERE_AGENCY_<ID>_<WHAT>`.
pub fn agency_env_name(id: &str, what: &str) -> String {
    format!("PANJERE_AGENCY_{}_{what}", id.to_uppercase().replace('-', "_"))
}

fn load_agencies(path: &Path, env: &dyn Fn(&str) -> Option<String>, development: bool) -> Result<BTreeMap<String, AgencyConfig>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file: AgenciesFile = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut agencies = BTreeMap::new();
    for (id, entry) in file.agency {
        let d = &file.defaults;
        let p = entry.settings;
        let settings = AgencySettings {
            connect_timeout_ms: p.connect_timeout_ms.unwrap_or(d.connect_timeout_ms),
            timeout_ms: p.timeout_ms.unwrap_or(d.timeout_ms),
            concurrency: p.concurrency.unwrap_or(d.concurrency),
            retries: p.retries.unwrap_or(d.retries),
            backoff_ms: p.backoff_ms.unwrap_or(d.backoff_ms),
            retry_budget: p.retry_budget.unwrap_or(d.retry_budget),
            breaker_consecutive: p.breaker_consecutive.unwrap_or(d.breaker_consecutive),
            breaker_window: p.breaker_window.unwrap_or(d.breaker_window),
            breaker_rate: p.breaker_rate.unwrap_or(d.breaker_rate),
            breaker_open_ms: p.breaker_open_ms.unwrap_or(d.breaker_open_ms),
            max_response_bytes: p.max_response_bytes.unwrap_or(d.max_response_bytes),
            probe_interval_ms: p.probe_interval_ms.unwrap_or(d.probe_interval_ms),
        };
        let base_url = env(&agency_env_name(&id, "URL")).unwrap_or(entry.base_url).trim_end_matches('/').to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(format!("agency {id}: base URL must be http(s)://, not {base_url}"));
        }
        let secret = |what: &str, dev: String, meaning: &str| match env(&agency_env_name(&id, what)) {
            Some(k) => Ok(Secret(k)),
            None if development => Ok(Secret(dev)),
            None => Err(format!("agency {id}: set its {meaning} in {}", agency_env_name(&id, what))),
        };
        let credential = secret("KEY", format!("dev-{id}-key"), "credential")?;
        let callback_secret = secret("CALLBACK_SECRET", format!("dev-{id}-callback"), "callback secret")?;
        let name = entry.name_fa.zip(entry.name_en).map(|(fa, en)| panjere_api::Text { fa, en });
        let ca_file = env(&agency_env_name(&id, "CA")).map(Into::into).or(entry.ca_file);
        agencies.insert(id.clone(), AgencyConfig { id, name, base_url, credential, callback_secret, ca_file, settings });
    }
    Ok(agencies)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn file_then_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "port = 9000\naddress = \"0.0.0.0\"\n").unwrap();
        let f = file.to_str().unwrap();
        let c = Config::load(env(&[("PANJERE_CONFIG", f)])).unwrap();
        assert_eq!((c.port, c.address.to_string()), (9000, "0.0.0.0".to_owned()));
        let c = Config::load(env(&[("PANJERE_CONFIG", f), ("PANJERE_PORT", "9100"), ("PANJERE_WORKERS", "3")])).unwrap();
        assert_eq!((c.port, c.worker_threads()), (9100, 3));
        assert!(Config::default().worker_threads() >= 1);
    }

    #[test]
    fn bad_values_are_named() {
        let e = Config::load(env(&[("PANJERE_CONFIG", "/nonexistent/x.toml")])).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/x.toml"), "{e}");
        let e = Config::load(env(&[("PANJERE_PORT", "eighty")])).unwrap_err();
        assert!(e.to_string().contains("PANJERE_PORT"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "prot = 1\n").unwrap();
        let e = Config::load(env(&[("PANJERE_CONFIG", file.to_str().unwrap())])).unwrap_err();
        assert!(e.to_string().contains("prot"), "{e}");
    }

    #[test]
    fn secrets_come_from_the_environment_and_never_print() {
        let c = Config::load(env(&[("PANJERE_CONFIG", "/dev/null"), ("PANJERE_OTP_KEY", "otp-from-env")])).unwrap();
        assert_eq!(c.secrets.otp_key.expose(), "otp-from-env");
        assert_eq!(c.secrets.pseudonym_key.expose(), "dev-pseudonym-key", "development default");
        assert!(!format!("{c:?}").contains("otp-from-env"), "a secret was printed");
        let e = Config::load(env(&[("PANJERE_CONFIG", "/dev/null"), ("PANJERE_MODE", "production")])).unwrap_err();
        assert!(e.to_string().contains("PANJERE_OTP_KEY"), "{e}");
        let e =
            Config::load(env(&[("PANJERE_CONFIG", "/dev/null"), ("PANJERE_MODE", "production"), ("PANJERE_OTP_KEY", "k")])).unwrap_err();
        assert!(e.to_string().contains("PANJERE_PSEUDONYM_KEY"), "{e}");
    }

    #[test]
    fn the_shipped_file_is_valid_and_says_the_defaults() {
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../config/panjere.toml");
        let c = Config::load(env(&[("PANJERE_CONFIG", file)])).unwrap();
        assert_eq!((c.auth.clone(), c.requests), (AuthSettings::default(), RequestSettings::default()));
        assert_eq!((c.database_connections, c.redis_prefix.as_str()), (16, "panjere:"));
    }

    /// PostgreSQL and Redis are chosen by their URLs, kept as secrets (a
    /// password in a URL never prints); the lease is checked.
    #[test]
    fn database_and_redis_urls_are_secrets() {
        let c = Config::load(env(&[("PANJERE_CONFIG", "/dev/null")])).unwrap();
        assert_eq!((c.secrets.database_url.is_none(), c.secrets.redis_url.is_none()), (true, true), "SQLite and memory by default");
        let c = Config::load(env(&[
            ("PANJERE_CONFIG", "/dev/null"),
            ("PANJERE_DATABASE_URL", "postgres://panjere:hunter2@db/panjere"),
            ("PANJERE_REDIS_URL", "redis://:hunter3@cache:6379/0"),
            ("PANJERE_REDIS_PREFIX", "p1:"),
            ("PANJERE_LEASE_SECONDS", "5"),
        ]))
        .unwrap();
        assert_eq!(c.secrets.database_url.as_ref().map(Secret::expose), Some("postgres://panjere:hunter2@db/panjere"));
        assert_eq!((c.redis_prefix.as_str(), c.requests.lease_s), ("p1:", 5));
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("hunter3"), "{shown}");
        let e = Config::load(env(&[("PANJERE_CONFIG", "/dev/null"), ("PANJERE_LEASE_SECONDS", "1")])).unwrap_err();
        assert!(e.to_string().contains("PANJERE_LEASE_SECONDS"), "{e}");
    }
}
