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
            dist_dir: "dist".into(),
            catalog_dir: "data".into(),
            data_dir: "var".into(),
            log_format: LogFormat::Json,
            mode: Mode::Development,
            agencies_file: "config/agencies.toml".into(),
            operations_file: "data/operations.toml".into(),
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
        let c = Config::load(env(&[("PANJERE_CONFIG", f), ("PANJERE_PORT", "9100")])).unwrap();
        assert_eq!(c.port, 9100);
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
