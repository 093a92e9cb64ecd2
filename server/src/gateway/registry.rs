//! What the gateway may call: agencies (from the configuration:
//! `config/agencies.toml` and the environment) and their operations (from
//! `data/operations.toml`), and the only way a request to an agency is built.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

pub use crate::config::{AgencyConfig, AgencySettings as Settings};

/// The type of an operation parameter: how its value is validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    NationalCode,
    Mobile,
    PostalCode,
    Plate,
    DeclarationNumber,
    /// An identifying number: 1 to 30 digits (any script, sent ASCII).
    Digits,
    Text,
    /// A lower-case identifier (`passport-issuance`).
    Slug,
    /// An idempotency key or reference: letters, digits and `-`, 1 to 128.
    Key,
    /// A JSON object, at most 64 KiB, sent as JSON in a POST body.
    Json,
}

impl ParamType {
    /// The normalised value, or why it is refused.
    pub fn check(self, value: &str) -> Result<String, String> {
        use panjere_api::ids;
        match self {
            ParamType::NationalCode => ids::national_code(value).map_err(|e| format!("not a valid national code ({e:?})")),
            ParamType::Mobile => ids::mobile(value).map_err(|e| format!("not a valid mobile number ({e:?})")),
            ParamType::PostalCode => ids::postal_code(value).ok_or_else(|| "not a ten-digit postal code".to_owned()),
            ParamType::Plate => ids::plate(value).ok_or_else(|| "not a private-car plate (e.g. 12ب34567)".to_owned()),
            ParamType::DeclarationNumber => {
                let d = panjere_api::normalize::ascii_digits(value.trim());
                ((8..=14).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
                    .then_some(d)
                    .ok_or_else(|| "not a declaration number (8 to 14 digits)".to_owned())
            }
            ParamType::Digits => {
                let d = panjere_api::normalize::ascii_digits(value.trim());
                ((1..=30).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
                    .then_some(d)
                    .ok_or_else(|| "not a number of 1 to 30 digits".to_owned())
            }
            ParamType::Slug => {
                (!value.is_empty() && value.len() <= 64 && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
                    .then(|| value.to_owned())
                    .ok_or_else(|| "not an identifier (a-z, 0-9, -)".to_owned())
            }
            ParamType::Key => (!value.is_empty() && value.len() <= 128 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
                .then(|| value.to_owned())
                .ok_or_else(|| "not a key (letters, digits, -; at most 128)".to_owned()),
            ParamType::Json => (value.len() <= 65_536 && serde_json::from_str::<serde_json::Value>(value).is_ok_and(|v| v.is_object()))
                .then(|| value.to_owned())
                .ok_or_else(|| "not a JSON object of at most 64 KiB".to_owned()),
            ParamType::Text => {
                let n = value.chars().count();
                ((1..=480).contains(&n) && !value.chars().any(char::is_control))
                    .then(|| value.to_owned())
                    .ok_or_else(|| "text must be 1 to 480 characters without control characters".to_owned())
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Method {
    GET,
    POST,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    pub id: String,
    pub agency: String,
    pub method: Method,
    pub path: String,
    pub params: BTreeMap<String, ParamType>,
    pub idempotent: bool,
    #[serde(default)]
    pub public: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OperationsFile {
    operation: Vec<Operation>,
}

/// A request ready to send: built only from registered pieces.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub method: Method,
    /// Path and query under the agency's base URL.
    pub path: String,
    pub body: Option<serde_json::Value>,
}

/// Why a call was refused before it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    UnknownOperation(String),
    UnknownParameter(String),
    MissingParameter(String),
    BadParameter { name: String, reason: String },
}

#[derive(Debug, Clone)]
pub struct Registry {
    pub agencies: BTreeMap<String, AgencyConfig>,
    pub operations: crate::FastMap<String, Operation>,
}

/// RFC 3986 unreserved characters pass; everything else is %-encoded, so a
/// value can never add a path segment, a query or a host.
pub use panjere_api::url::{encode, encode_into};

impl Registry {
    /// The configured agencies and the operations file; every operation must
    /// name a configured agency and a safe path.
    pub fn new(agencies: BTreeMap<String, AgencyConfig>, operations_file: &Path) -> Result<Registry, String> {
        let text = std::fs::read_to_string(operations_file).map_err(|e| format!("cannot read {}: {e}", operations_file.display()))?;
        let ops: OperationsFile = toml::from_str(&text).map_err(|e| format!("{}: {e}", operations_file.display()))?;
        let mut operations = crate::FastMap::default();
        for op in ops.operation {
            if !agencies.contains_key(&op.agency) {
                return Err(format!("operation {}: agency {} is not configured (config/agencies.toml)", op.id, op.agency));
            }
            let template_ok = op.path.replace(['{', '}'], "").parse::<http::uri::PathAndQuery>().is_ok_and(|p| p.query().is_none());
            if !template_ok || !op.path.starts_with('/') || op.path.contains("..") || op.path.contains("//") {
                return Err(format!("operation {}: path must be an absolute path, not {}", op.id, op.path));
            }
            if op.method == Method::POST && op.idempotent {
                return Err(format!("operation {}: a POST is not idempotent here", op.id));
            }
            if operations.insert(op.id.clone(), op.clone()).is_some() {
                return Err(format!("operation {} is declared twice", op.id));
            }
        }
        Ok(Registry { agencies, operations })
    }

    /// Builds the request for `op` from client-supplied `params`, refusing
    /// unknown operations, unknown or missing parameters and bad values.
    pub fn build(&self, op: &str, params: &[(String, String)]) -> Result<(&Operation, &AgencyConfig, Outgoing), BuildError> {
        let operation = self.operations.get(op).ok_or_else(|| BuildError::UnknownOperation(op.to_owned()))?;
        let agency = &self.agencies[&operation.agency];
        // Each registered parameter's checked value (the last one given wins).
        let mut values: Vec<(&str, String)> = Vec::with_capacity(operation.params.len());
        for (name, value) in params {
            let (key, ty) = operation.params.get_key_value(name).ok_or_else(|| BuildError::UnknownParameter(name.clone()))?;
            let v = ty.check(value).map_err(|reason| BuildError::BadParameter { name: name.clone(), reason })?;
            match values.iter_mut().find(|(k, _)| *k == key.as_str()) {
                Some(slot) => slot.1 = v,
                None => values.push((key.as_str(), v)),
            }
        }
        let value = |name: &str| values.iter().find(|(k, _)| *k == name).map(|(_, v)| v);
        if let Some(missing) = operation.params.keys().find(|name| value(name).is_none()) {
            return Err(BuildError::MissingParameter(missing.clone()));
        }
        // The path with each `{name}` of a parameter replaced by its encoded
        // value; parameters not in the path go in the query or the body.
        let mut path = String::with_capacity(operation.path.len() + 32);
        let mut in_path: Vec<&str> = Vec::with_capacity(operation.params.len());
        let mut template = operation.path.as_str();
        while let Some(open) = template.find('{') {
            path.push_str(&template[..open]);
            let after = &template[open + 1..];
            let Some(close) = after.find('}') else {
                template = &template[open..];
                break;
            };
            let name = &after[..close];
            match value(name) {
                Some(v) => {
                    encode_into(&mut path, v);
                    in_path.push(name);
                }
                None => path.push_str(&template[open..open + close + 2]),
            }
            template = &after[close + 1..];
        }
        path.push_str(template);
        let rest: Vec<(&str, String)> = operation
            .params
            .keys()
            .filter(|name| !in_path.contains(&name.as_str()))
            .map(|name| (name.as_str(), value(name).cloned().unwrap_or_default()))
            .collect();
        let (path, body) = match operation.method {
            Method::GET if !rest.is_empty() => {
                (format!("{path}?{}", rest.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")), None)
            }
            Method::GET => (path, None),
            Method::POST => (
                path,
                Some(serde_json::Value::Object(
                    rest.into_iter()
                        .map(|(k, v)| {
                            let value = match operation.params.get(k) {
                                Some(ParamType::Json) => serde_json::from_str(&v).unwrap_or(serde_json::Value::String(v)),
                                _ => serde_json::Value::String(v),
                            };
                            (k.to_owned(), value)
                        })
                        .collect(),
                )),
            ),
        };
        Ok((operation, agency, Outgoing { method: operation.method, path, body }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped files, as the configuration reads them.
    fn load(env: &dyn Fn(&str) -> Option<String>, mode: crate::config::Mode) -> Result<Registry, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let config = crate::config::Config { agencies_file: root.join("config/agencies.toml"), mode, ..Default::default() };
        Registry::new(config.agencies(env).map_err(|e| e.to_string())?, &root.join("data/operations.toml"))
    }

    fn registry() -> Registry {
        let env = |k: &str| (k == "PANJERE_AGENCY_POST_URL").then(|| "http://10.1.2.3:9999/".to_owned());
        load(&env, crate::config::Mode::Development).unwrap()
    }

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn builds_only_registered_requests() {
        let r = registry();
        let (_, a, out) = r.build("post.address", &p(&[("postal_code", "۱۳۱۴۵-۶۷۸۹۱")])).unwrap();
        assert_eq!(a.id, "post");
        assert_eq!(a.base_url, "http://10.1.2.3:9999");
        assert_eq!(out.path, "/v1/postal-codes/1314567891");
        let (_, _, out) = r.build("telecom.ownership", &p(&[("mobile", "+989121111111"), ("national_code", "0076229645")])).unwrap();
        assert_eq!(out.path, "/v1/ownership?mobile=09121111111&national_code=0076229645");
        let (_, _, out) = r.build("sms.send", &p(&[("to", "09121111111"), ("text", "کد: ۱۲۳")])).unwrap();
        assert_eq!(out.body.unwrap()["text"], "کد: ۱۲۳");
    }

    #[test]
    fn a_ca_file_comes_from_the_environment() {
        let env = |k: &str| (k == "PANJERE_AGENCY_POST_CA").then(|| "/etc/panjere/gov-ca.pem".to_owned());
        let r = load(&env, crate::config::Mode::Development).unwrap();
        assert_eq!(r.agencies["post"].ca_file.as_deref(), Some(Path::new("/etc/panjere/gov-ca.pem")));
        assert_eq!(r.agencies["tax"].ca_file, None);
    }

    #[test]
    fn client_input_never_becomes_host_path_or_query() {
        let r = registry();
        assert_eq!(r.build("../../admin", &[]).unwrap_err(), BuildError::UnknownOperation("../../admin".into()));
        assert_eq!(r.build("http://evil.example/x", &[]).unwrap_err(), BuildError::UnknownOperation("http://evil.example/x".into()));
        assert!(matches!(r.build("post.address", &p(&[("postal_code", "1314567891/../../admin")])), Err(BuildError::BadParameter { .. })));
        assert!(matches!(r.build("post.address", &p(&[("postal_code", "@evil.example")])), Err(BuildError::BadParameter { .. })));
        assert_eq!(
            r.build("post.address", &p(&[("postal_code", "1314567891"), ("host", "evil.example")])).unwrap_err(),
            BuildError::UnknownParameter("host".into())
        );
        assert_eq!(r.build("post.address", &[]).unwrap_err(), BuildError::MissingParameter("postal_code".into()));
        // text is encoded, never interpreted
        assert_eq!(encode("a/b?c=d#e@f"), "a%2Fb%3Fc%3Dd%23e%40f");
    }

    #[test]
    fn production_needs_credentials_and_secrets_never_print() {
        let none = |_: &str| None;
        let e = load(&none, crate::config::Mode::Production).unwrap_err();
        assert!(e.contains("PANJERE_AGENCY_"), "{e}");
        let r = registry();
        assert!(!format!("{:?}", r.agencies["post"]).contains("dev-post-key"));
    }
}
