//! Typed configuration: a TOML file (default `config/panjere.toml`, or the
//! path in `PANJERE_CONFIG`) overridden by `PANJERE_*` environment variables.

use std::net::IpAddr;
use std::path::PathBuf;

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
    /// The Trunk build to serve. Env: `PANJERE_DIST`.
    pub dist_dir: PathBuf,
    /// The catalog source files. Env: `PANJERE_CATALOG`.
    pub catalog_dir: PathBuf,
    /// Where the SQLite database lives (created on first run).
    /// Env: `PANJERE_DATA_DIR`.
    pub data_dir: PathBuf,
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
    /// Sign-in requests (start, resend, verify) per client address per
    /// `address_window_s` at most.
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
            address_limit: 30,
            address_window_s: 600,
            cookie_secure: None,
            trust_forwarded: false,
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
            dist_dir: "dist".into(),
            catalog_dir: "data".into(),
            data_dir: "var".into(),
            log_format: LogFormat::Json,
            mode: Mode::Development,
            agencies_file: "config/agencies.toml".into(),
            operations_file: "data/operations.toml".into(),
            auth: AuthSettings::default(),
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
        let explicit = env("PANJERE_CONFIG").map(PathBuf::from);
        let path = explicit.clone().unwrap_or_else(|| "config/panjere.toml".into());
        let mut config = match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| ConfigError::Parse(path.clone(), e))?,
            Err(e) if explicit.is_none() && e.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(e) => return Err(ConfigError::Read(path, e)),
        };
        config.apply_env(env)?;
        Ok(config)
    }

    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
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
}
