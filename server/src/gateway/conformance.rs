//! Connecting an agency is data plus a check (as on X-Road): every agency
//! publishes an OpenAPI 3.x description of its operations at
//! [`DESCRIPTION_PATH`]; the window checks that every operation it has
//! registered for that agency (`data/operations.toml`) is described there
//! with the same method, path and parameters (names, places and types).
//! A mismatch names the operation and why; the agency is then not
//! connected and its services are not offered (see [`Connection`]).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::registry::{Method, Operation, ParamType};

/// Where every agency publishes the description of its operations.
pub const DESCRIPTION_PATH: &str = "/.well-known/openapi.json";

/// One registered operation that does not match the agency's description.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mismatch {
    pub operation: String,
    pub reason: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.operation, self.reason)
    }
}

/// What the last health probe and description check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Connection {
    /// The agency has been probed at least once since the window started.
    pub checked: bool,
    /// The agency accepted the window's credential (None: not known yet).
    pub credential_accepted: Option<bool>,
    /// The last health probe succeeded.
    pub probe_ok: bool,
    /// The description could be read (None: not known yet).
    pub described: Option<bool>,
    /// Registered operations that do not match the description, and any
    /// problem reading it.
    pub problems: Vec<String>,
    /// The registered operations that are not described as registered.
    pub undescribed: BTreeSet<String>,
    /// Services the agency says its system decides by rules at once
    /// (`x-panjere-decides`), with the window's inquiries those rules read.
    pub decides: BTreeMap<String, BTreeSet<String>>,
    /// Life-event kinds its registry publishes (`x-panjere-events`).
    pub publishes: BTreeSet<String>,
}

/// What a description says beyond its operations: the services decided by
/// rules (and what they read) and the events published.
pub fn smart_parts(description: &Value) -> (BTreeMap<String, BTreeSet<String>>, BTreeSet<String>) {
    let decides = description
        .get("x-panjere-decides")
        .and_then(Value::as_array)
        .map(|all| {
            all.iter()
                .filter_map(|d| {
                    let service = d.get("service")?.as_str()?.to_owned();
                    let reads = d.get("reads")?.as_array()?.iter().filter_map(|r| r.as_str().map(str::to_owned)).collect();
                    Some((service, reads))
                })
                .collect()
        })
        .unwrap_or_default();
    let publishes = description
        .get("x-panjere-events")
        .and_then(Value::as_array)
        .map(|k| k.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    (decides, publishes)
}

impl Connection {
    /// Registered, credential accepted, description matching, probe ok.
    pub fn connected(&self) -> bool {
        self.checked && self.credential_accepted == Some(true) && self.described == Some(true) && self.problems.is_empty() && self.probe_ok
    }

    /// Whether the window may call `operation`: refused only when a check
    /// has shown the call would be wrong (credential refused, operation
    /// not described); an agency that is merely down is tried (and fails
    /// or is queued as any call).
    pub fn may_call(&self, operation: &str) -> bool {
        self.credential_accepted != Some(false) && !self.undescribed.contains(operation)
    }
}

fn type_name(t: ParamType) -> &'static str {
    match t {
        ParamType::NationalCode => "national_code",
        ParamType::Mobile => "mobile",
        ParamType::PostalCode => "postal_code",
        ParamType::Plate => "plate",
        ParamType::DeclarationNumber => "declaration_number",
        ParamType::Digits => "digits",
        ParamType::Text => "text",
        ParamType::Slug => "slug",
        ParamType::Key => "key",
        ParamType::Json => "json",
    }
}

/// A described parameter: where it goes, whether it is required, its
/// declared type (`format`, or `json` for an object).
struct Described {
    place: &'static str,
    required: bool,
    format: Option<String>,
}

fn declared_type(schema: &Value) -> Option<String> {
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => Some("json".into()),
        _ => schema.get("format").and_then(Value::as_str).map(str::to_owned),
    }
}

fn described_params(op: &Value) -> BTreeMap<String, Described> {
    let mut out = BTreeMap::new();
    for p in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
        let (Some(name), Some(place)) = (p.get("name").and_then(Value::as_str), p.get("in").and_then(Value::as_str)) else { continue };
        let place = match place {
            "path" => "path",
            "query" => "query",
            _ => continue,
        };
        let required = p.get("required").and_then(Value::as_bool).unwrap_or(place == "path");
        out.insert(name.to_owned(), Described { place, required, format: p.get("schema").and_then(declared_type) });
    }
    let body = op.pointer("/requestBody/content/application~1json/schema");
    if let Some(schema) = body {
        let required: BTreeSet<&str> =
            schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        for (name, s) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            out.insert(name.clone(), Described { place: "body", required: required.contains(name.as_str()), format: declared_type(s) });
        }
    }
    out
}

/// Checks `operations` (one agency's registrations) against its published
/// `description`; every mismatch, in operation order.
pub fn check(operations: &[&Operation], description: &Value) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if !description.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.")) {
        return operations
            .iter()
            .map(|o| Mismatch { operation: o.id.clone(), reason: "the agency's description is not an OpenAPI 3.x document".into() })
            .collect();
    }
    for op in operations {
        let mut bad = |reason: String| out.push(Mismatch { operation: op.id.clone(), reason });
        let method = match op.method {
            Method::GET => "get",
            Method::POST => "post",
        };
        let Some(item) = description.get("paths").and_then(|p| p.get(&op.path)) else {
            bad(format!("path {} is not in the agency's description", op.path));
            continue;
        };
        let Some(described) = item.get(method) else {
            bad(format!("{} {} is not described (the agency describes {})", method.to_uppercase(), op.path, {
                let m: Vec<String> = item.as_object().into_iter().flatten().map(|(k, _)| k.to_uppercase()).collect();
                if m.is_empty() {
                    "no method".to_owned()
                } else {
                    m.join(", ")
                }
            }));
            continue;
        };
        let params = described_params(described);
        let in_path: BTreeSet<&str> = op.path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
        for (name, ty) in &op.params {
            let want_place = if in_path.contains(name.as_str()) {
                "path"
            } else if op.method == Method::GET {
                "query"
            } else {
                "body"
            };
            match params.get(name) {
                None => bad(format!("parameter {name} is not described")),
                Some(d) if d.place != want_place => bad(format!("parameter {name} is in the {} there, not the {want_place}", d.place)),
                Some(d) if d.format.as_deref().is_some_and(|f| f != type_name(*ty)) => {
                    bad(format!("parameter {name} is {} there, not {}", d.format.as_deref().unwrap_or("?"), type_name(*ty)))
                }
                Some(_) => {}
            }
        }
        for (name, d) in &params {
            if d.required && !op.params.contains_key(name) {
                bad(format!("the agency requires parameter {name}, which the window does not send"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(id: &str, method: Method, path: &str, params: &[(&str, ParamType)]) -> Operation {
        Operation {
            id: id.into(),
            agency: "a".into(),
            method,
            path: path.into(),
            params: params.iter().map(|(n, t)| ((*n).to_owned(), *t)).collect(),
            idempotent: method == Method::GET,
            public: false,
        }
    }

    fn description() -> Value {
        json!({ "openapi": "3.1.0", "paths": {
            "/v1/persons/{national_code}": { "get": { "parameters": [
                { "name": "national_code", "in": "path", "required": true, "schema": { "type": "string", "format": "national_code" } } ] } },
            "/v1/fines": { "get": { "parameters": [
                { "name": "plate", "in": "query", "required": false, "schema": { "type": "string", "format": "plate" } },
                { "name": "national_code", "in": "query", "required": false, "schema": { "type": "string", "format": "national_code" } } ] } },
            "/v1/applications": { "post": { "requestBody": { "content": { "application/json": { "schema": {
                "type": "object", "required": ["service", "data"],
                "properties": { "service": { "type": "string", "format": "slug" }, "data": { "type": "object" } } } } } } } },
        } })
    }

    #[test]
    fn matching_operations_pass() {
        let ops = [
            op("p", Method::GET, "/v1/persons/{national_code}", &[("national_code", ParamType::NationalCode)]),
            op("f", Method::GET, "/v1/fines", &[("plate", ParamType::Plate)]),
            op("a", Method::POST, "/v1/applications", &[("service", ParamType::Slug), ("data", ParamType::Json)]),
        ];
        assert_eq!(check(&ops.iter().collect::<Vec<_>>(), &description()), vec![]);
    }

    #[test]
    fn each_mismatch_names_the_operation_and_why() {
        let ops = [
            op("gone", Method::GET, "/v2/persons/{national_code}", &[("national_code", ParamType::NationalCode)]),
            op("method", Method::POST, "/v1/fines", &[("plate", ParamType::Plate)]),
            op("type", Method::GET, "/v1/persons/{national_code}", &[("national_code", ParamType::Text)]),
            op("extra", Method::GET, "/v1/fines", &[("plate", ParamType::Plate), ("vin", ParamType::Digits)]),
            op("missing", Method::POST, "/v1/applications", &[("service", ParamType::Slug)]),
        ];
        let found = check(&ops.iter().collect::<Vec<_>>(), &description());
        let text: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            vec![
                "gone: path /v2/persons/{national_code} is not in the agency's description",
                "method: POST /v1/fines is not described (the agency describes GET)",
                "type: parameter national_code is national_code there, not text",
                "extra: parameter vin is not described",
                "missing: the agency requires parameter data, which the window does not send",
            ]
        );
        let not_openapi = check(&[&ops[0]], &json!({ "swagger": "2.0" }));
        assert_eq!(not_openapi.len(), 1);
    }

    #[test]
    fn connected_needs_every_check() {
        let good =
            Connection { checked: true, credential_accepted: Some(true), probe_ok: true, described: Some(true), ..Default::default() };
        assert!(good.connected() && good.may_call("x"));
        assert!(!Connection { probe_ok: false, ..good.clone() }.connected());
        assert!(!Connection { problems: vec!["x".into()], ..good.clone() }.connected());
        let refused = Connection { credential_accepted: Some(false), ..good.clone() };
        assert!(!refused.connected() && !refused.may_call("x"));
        let drifted = Connection { undescribed: ["x".to_owned()].into(), ..good };
        assert!(!drifted.may_call("x") && drifted.may_call("y"));
        assert!(Connection::default().may_call("x") && !Connection::default().connected());
    }
}
