//! Each agency's system as data (`agencies/systems.toml`): its operations
//! (method, path, typed parameters, the shape of its answer), served by one
//! engine and published as an OpenAPI 3.1 description at
//! [`DESCRIPTION_PATH`]. Answers are deterministic per parameter values
//! (seeded by them), so the same person always gets the same answer; the
//! persona [`NOTHING_ON_RECORD`](crate::data::NOTHING_ON_RECORD) gets 404.
//!
//! This file is the agencies' own: the window's `data/operations.toml` is a
//! separate registration, checked against the published description.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use axum::body::Bytes;
use axum::extract::{Query, RawPathParams};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::data::{person, Rng, CITIES, NOTHING_ON_RECORD};
use crate::ops::bad;
use crate::{checks, Agency};

/// Where every agency publishes the description of its operations.
pub const DESCRIPTION_PATH: &str = "/.well-known/openapi.json";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub system: Vec<System>,
}

/// One agency's system.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    pub id: String,
    /// Accepts applications (`POST /v1/applications`, status, replies).
    #[serde(default)]
    pub applications: bool,
    /// A payment service provider (`crate::psp`), not an agency.
    #[serde(default)]
    pub payments: bool,
    /// The life events its registry records and publishes (pushed to the
    /// window, and readable at `GET /v1/events`).
    #[serde(default)]
    pub publishes: Vec<String>,
    /// Applications its system decides by rules at once, without staff
    /// (zero-touch), from the data the window sends with them.
    #[serde(default)]
    pub decides: Vec<Decides>,
    #[serde(default)]
    pub op: Vec<Op>,
}

/// A service decided by rules: every rule must hold for approval; the
/// first that fails is the reason for rejection.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decides {
    pub service: String,
    pub rules: Vec<Rule>,
}

/// One rule, over one of the window's inquiries sent with the application
/// (`data.inquiries[]`, by operation): `found` (the record exists) or
/// `adult_alive` (the civil registry's person is alive and 18 or over).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub inquiry: String,
    pub check: String,
}

pub const RULE_CHECKS: &[&str] = &["found", "adult_alive"];

/// One operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Op {
    /// The OpenAPI `operationId`.
    pub id: String,
    #[serde(default = "get")]
    pub method: String,
    pub path: String,
    /// Parameter → type (`national_code`, `mobile`, `postal_code`, `plate`,
    /// `declaration_number`, `text`, `slug`, `key`, `json`). Those in the
    /// path are path parameters; the others are the query (GET) or the JSON
    /// body (POST).
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// Parameters that may be left out.
    #[serde(default)]
    pub optional: Vec<String>,
    /// Answer field → generator (see [`generate`]).
    #[serde(default)]
    pub answer: BTreeMap<String, String>,
    /// Answered by hand-written code in [`crate::ops`] (described here).
    #[serde(default)]
    pub builtin: bool,
}

fn get() -> String {
    "GET".into()
}

pub const PARAM_TYPES: &[&str] =
    &["national_code", "mobile", "postal_code", "plate", "declaration_number", "digits", "text", "slug", "key", "json"];

/// Every system, as compiled into the simulator.
pub static SPEC: LazyLock<Spec> =
    LazyLock::new(|| toml::from_str(include_str!("../systems.toml")).unwrap_or_else(|e| panic!("agencies/systems.toml: {e}")));

pub fn system(id: &str) -> Option<&'static System> {
    SPEC.system.iter().find(|s| s.id == id)
}

/// Every problem of the spec (a test keeps this empty).
pub fn problems(spec: &Spec) -> Vec<String> {
    let mut out = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for s in &spec.system {
        if !ids.insert(&s.id) {
            out.push(format!("system {} declared twice", s.id));
        }
        for k in &s.publishes {
            if !panjere_api::smart::is_event_kind(k) {
                out.push(format!("system {}: publishes unknown event kind {k}", s.id));
            }
        }
        if !s.decides.is_empty() && !s.applications {
            out.push(format!("system {}: decides applications but takes none", s.id));
        }
        for d in &s.decides {
            for r in &d.rules {
                if !RULE_CHECKS.contains(&r.check.as_str()) {
                    out.push(format!("system {}, service {}: unknown check {} ({})", s.id, d.service, r.check, RULE_CHECKS.join(", ")));
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for op in &s.op {
            let here = format!("system {}, op {}", s.id, op.id);
            if !seen.insert((op.method.as_str(), op.path.as_str())) {
                out.push(format!("{here}: {} {} declared twice", op.method, op.path));
            }
            if !matches!(op.method.as_str(), "GET" | "POST") {
                out.push(format!("{here}: method {} (GET or POST)", op.method));
            }
            for (name, ty) in &op.params {
                if !PARAM_TYPES.contains(&ty.as_str()) {
                    out.push(format!("{here}: parameter {name} has unknown type {ty}"));
                }
            }
            for name in path_params(&op.path) {
                if !op.params.contains_key(name) {
                    out.push(format!("{here}: path parameter {name} has no type"));
                }
            }
            for (field, g) in &op.answer {
                let mut r = Rng::new("check");
                if let Err(e) = generate(g, &mut r, &BTreeMap::new()) {
                    out.push(format!("{here}: answer {field}: {e}"));
                }
            }
        }
    }
    out
}

/// `{name}` segments of a path.
pub fn path_params(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
}

/// Checks a value of a parameter type.
pub fn check_param(ty: &str, v: &str) -> Result<(), String> {
    match ty {
        "national_code" => checks::national_code(v),
        "mobile" => checks::mobile(v),
        "postal_code" => checks::postal_code(v),
        "plate" => checks::plate(v),
        "declaration_number" => checks::declaration_number(v),
        "digits" => ((1..=30).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()))
            .then_some(())
            .ok_or_else(|| "not a number of 1 to 30 digits".into()),
        "slug" => (!v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
            .then_some(())
            .ok_or_else(|| "not an identifier".into()),
        "key" => (!v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
            .then_some(())
            .ok_or_else(|| "not a key".into()),
        "json" => serde_json::from_str::<Value>(v).ok().filter(Value::is_object).map(|_| ()).ok_or_else(|| "not a JSON object".into()),
        _ => (!v.is_empty() && v.chars().count() <= 480).then_some(()).ok_or_else(|| "text of 1 to 480 characters".into()),
    }
}

fn range(s: &str) -> Result<(i64, i64), String> {
    let (a, b) = s.split_once('-').filter(|(a, _)| !a.is_empty()).ok_or_else(|| format!("`{s}` is not A-B"))?;
    let (a, b) = (a.parse::<i64>().map_err(|e| e.to_string())?, b.parse::<i64>().map_err(|e| e.to_string())?);
    (a <= b).then_some((a, b)).ok_or_else(|| format!("`{s}`: {a} > {b}"))
}

fn between(r: &mut Rng, (a, b): (i64, i64)) -> i64 {
    a + r.below((b - a + 1) as u64) as i64
}

/// One answer value from its generator:
/// `bool[:percent true]`, `int:A-B`, `rials:A-B` (whole thousands),
/// `pick:a|b|c`, `date:A..B` (days from today, ISO), `ref:PREFIX`,
/// `param:name` (the value asked about), `list:A-B` (that many entries),
/// `name` (the person's full name), `city`, `text:literal`.
pub fn generate(g: &str, r: &mut Rng, params: &BTreeMap<String, String>) -> Result<Value, String> {
    let (kind, arg) = g.split_once(':').unwrap_or((g, ""));
    Ok(match kind {
        "bool" => {
            let p = if arg.is_empty() { 50 } else { arg.parse::<u64>().map_err(|e| e.to_string())? };
            json!(r.below(100) < p)
        }
        "int" => json!(between(r, range(arg)?)),
        "rials" => json!(between(r, range(arg)?) / 1000 * 1000),
        "pick" if !arg.is_empty() => json!(*r.pick(&arg.split('|').collect::<Vec<_>>())),
        "date" => {
            let (a, b) = arg.split_once("..").ok_or("date is date:A..B")?;
            let (a, b) = (a.parse::<i64>().map_err(|e| e.to_string())?, b.parse::<i64>().map_err(|e| e.to_string())?);
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
            let days = (now / 86_400) as i64 + between(r, (a.min(b), a.max(b)));
            let (y, m, d) = panjere_api::time::civil_from_days(days);
            json!(format!("{y:04}-{m:02}-{d:02}"))
        }
        "ref" if !arg.is_empty() => json!(format!("{arg}-{:08}", r.below(100_000_000))),
        "param" if !arg.is_empty() => json!(params.get(arg).cloned().unwrap_or_default()),
        "list" => {
            let n = between(r, range(arg)?);
            Value::Array((1..=n).map(|i| json!({ "item": i })).collect())
        }
        "name" => {
            let nc = params.get("national_code").cloned().unwrap_or_else(|| "0000000000".into());
            let p = person(&nc);
            json!(format!("{} {}", p.first_name, p.last_name))
        }
        "city" => json!(*r.pick(CITIES)),
        "text" if !arg.is_empty() => json!(arg),
        _ => return Err(format!("unknown generator `{g}`")),
    })
}

/// The JSON schema type of a generator's values.
fn schema_of(g: &str) -> Value {
    let kind = g.split_once(':').map_or(g, |(k, _)| k);
    match kind {
        "bool" => json!({ "type": "boolean" }),
        "int" | "rials" => json!({ "type": "integer" }),
        "list" => json!({ "type": "array", "items": { "type": "object" } }),
        "date" => json!({ "type": "string", "format": "date" }),
        _ => json!({ "type": "string" }),
    }
}

/// The data-driven operations of a system (not the built-in ones).
pub fn routes(system: &'static System) -> Router<Arc<Agency>> {
    let mut by_path: BTreeMap<&str, MethodRouter<Arc<Agency>>> = BTreeMap::new();
    for op in system.op.iter().filter(|o| !o.builtin) {
        let filter = if op.method == "POST" { MethodFilter::POST } else { MethodFilter::GET };
        let handler = move |path: RawPathParams, Query(query): Query<BTreeMap<String, String>>, body: Bytes| async move {
            answer(op, path, query, &body)
        };
        let entry = by_path.remove(op.path.as_str()).unwrap_or_default();
        by_path.insert(&op.path, entry.on(filter, handler));
    }
    by_path.into_iter().fold(Router::new(), |r, (path, m)| r.route(path, m))
}

fn answer(op: &'static Op, path: RawPathParams, query: BTreeMap<String, String>, body: &[u8]) -> Response {
    let mut values: BTreeMap<String, String> = path.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    if op.method == "POST" {
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else { return bad("the body must be a JSON object") };
        for (k, v) in map {
            values.insert(k, v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
        }
    } else {
        values.extend(query);
    }
    for name in values.keys() {
        if !op.params.contains_key(name) {
            return bad(format!("unknown parameter {name}"));
        }
    }
    for (name, ty) in &op.params {
        match values.get(name) {
            Some(v) => {
                if let Err(e) = check_param(ty, v) {
                    return bad(format!("invalid {name}: {e}"));
                }
            }
            None if op.optional.contains(name) => {}
            None => return bad(format!("{name} is required")),
        }
    }
    let about_nobody = op.params.iter().any(|(n, t)| t == "national_code" && values.get(n).map(String::as_str) == Some(NOTHING_ON_RECORD));
    if about_nobody {
        return (StatusCode::NOT_FOUND, Json(json!({ "error": "nothing on record for this person" }))).into_response();
    }
    let seed = std::iter::once(op.id.as_str()).chain(values.values().map(String::as_str)).collect::<Vec<_>>().join("|");
    let mut r = Rng::new(&seed);
    let mut out = Map::new();
    for (field, g) in &op.answer {
        match generate(g, &mut r, &values) {
            Ok(v) => {
                out.insert(field.clone(), v);
            }
            Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "error": e }))).into_response(),
        }
    }
    Json(Value::Object(out)).into_response()
}

/// What the application operations look like, for the description.
fn application_ops() -> Vec<Op> {
    let p = |pairs: &[(&str, &str)]| pairs.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
    let status = |extra: &[(&str, &str)]| {
        let mut a: BTreeMap<String, String> =
            [("reference", "ref:A"), ("service", "text:s"), ("status", "pick:received|in_review|more_info|decided|delivered")]
                .iter()
                .chain(extra)
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect();
        a.insert("decision".into(), "pick:approved|rejected".into());
        a
    };
    vec![
        Op {
            id: "apply".into(),
            method: "POST".into(),
            path: "/v1/applications".into(),
            params: p(&[("service", "slug"), ("citizen", "national_code"), ("idempotency_key", "key"), ("data", "json")]),
            optional: vec![],
            answer: status(&[]),
            builtin: true,
        },
        Op {
            id: "application".into(),
            method: "GET".into(),
            path: "/v1/applications/{reference}".into(),
            params: p(&[("reference", "key")]),
            optional: vec![],
            answer: status(&[]),
            builtin: true,
        },
        Op {
            id: "reply".into(),
            method: "POST".into(),
            path: "/v1/applications/{reference}/replies".into(),
            params: p(&[("reference", "key"), ("text", "text")]),
            optional: vec![],
            answer: status(&[]),
            builtin: true,
        },
    ]
}

static APPLICATION_OPS: LazyLock<Vec<Op>> = LazyLock::new(application_ops);

/// The system's OpenAPI 3.1 description. `drift` publishes what a careless
/// upgrade would: every path moved under `/v2`.
pub fn description(system: &System, drift: bool) -> Value {
    let mut paths = Map::new();
    paths.insert("/health".into(), json!({ "get": { "operationId": "health", "responses": { "200": { "description": "Up" } } } }));
    let apps: &[Op] = if system.applications { &APPLICATION_OPS } else { &[] };
    for op in system.op.iter().chain(apps) {
        let in_path: Vec<&str> = path_params(&op.path).collect();
        let schema = |ty: &str| if ty == "json" { json!({ "type": "object" }) } else { json!({ "type": "string", "format": ty }) };
        let mut parameters: Vec<Value> = in_path
            .iter()
            .map(|n| json!({ "name": n, "in": "path", "required": true, "schema": schema(op.params.get(*n).map_or("text", String::as_str)) }))
            .collect();
        let others: Vec<(&String, &String)> = op.params.iter().filter(|(n, _)| !in_path.contains(&n.as_str())).collect();
        let mut operation = json!({
            "operationId": op.id,
            "responses": {
                "200": { "description": "The answer", "content": { "application/json": { "schema": {
                    "type": "object",
                    "properties": op.answer.iter().map(|(f, g)| (f.clone(), schema_of(g))).collect::<Map<_, _>>(),
                } } } },
                "400": { "description": "A parameter is missing or invalid" },
                "401": { "description": "Missing or wrong credential" },
                "404": { "description": "Nothing on record" },
            },
        });
        if op.method == "POST" {
            let required: Vec<&String> = others.iter().map(|(n, _)| *n).filter(|n| !op.optional.contains(n)).collect();
            operation["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": {
                "type": "object",
                "required": required,
                "properties": others.iter().map(|(n, t)| ((*n).clone(), schema(t))).collect::<Map<_, _>>(),
            } } } });
        } else {
            parameters.extend(
                others.iter().map(|(n, t)| json!({ "name": n, "in": "query", "required": !op.optional.contains(n), "schema": schema(t) })),
            );
        }
        operation["parameters"] = Value::Array(parameters);
        let path = if drift { op.path.replacen("/v1/", "/v2/", 1) } else { op.path.clone() };
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        entry[op.method.to_lowercase()] = operation;
    }
    if !system.publishes.is_empty() {
        paths.insert(
            "/v1/events".into(),
            json!({ "get": {
                "operationId": "events",
                "parameters": [
                    { "name": "after", "in": "query", "required": true, "schema": { "type": "string", "format": "digits" } },
                ],
                "responses": { "200": { "description": "Life events after the cursor, oldest first" } },
            } }),
        );
    }
    json!({
        "x-panjere-events": system.publishes,
        "x-panjere-decides": system.decides.iter().map(|d| json!({
            "service": d.service,
            "reads": d.rules.iter().map(|r| r.inquiry.as_str()).collect::<std::collections::BTreeSet<_>>(),
        })).collect::<Vec<_>>(),
        "openapi": "3.1.0",
        "info": { "title": format!("{} (simulated)", system.id), "version": "1.0.0" },
        "security": [{ "bearer": [] }],
        "components": { "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } } },
        "paths": paths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_is_whole() {
        assert_eq!(problems(&SPEC), Vec::<String>::new());
        assert!(SPEC.system.len() > 10);
    }

    #[test]
    fn generators() {
        let mut r = Rng::new("x");
        let p = BTreeMap::from([("plate".to_owned(), "12ب34567".to_owned())]);
        assert_eq!(generate("param:plate", &mut r, &p), Ok(json!("12ب34567")));
        let v = generate("rials:1000-5000000", &mut r, &p).unwrap().as_i64().unwrap();
        assert!((1000..=5_000_000).contains(&v) && v % 1000 == 0);
        assert!(generate("date:-10..10", &mut r, &p).unwrap().as_str().unwrap().len() == 10);
        assert!(generate("list:2-2", &mut r, &p).unwrap().as_array().unwrap().len() == 2);
        assert!(generate("nonsense", &mut r, &p).is_err());
        assert!(generate("int:5-1", &mut r, &p).is_err());
    }

    #[test]
    fn descriptions_name_every_operation_and_drift_moves_them() {
        let s = system("tax").expect("tax");
        let d = description(s, false);
        for op in &s.op {
            assert!(d["paths"][&op.path][op.method.to_lowercase()].is_object(), "{}", op.id);
        }
        assert!(d["paths"]["/v1/applications"]["post"]["requestBody"].is_object());
        let drifted = description(s, true);
        assert!(drifted["paths"].get(&s.op[0].path).is_none());
    }
}
