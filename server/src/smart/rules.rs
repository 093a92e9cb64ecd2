//! The proactive rules (`data/smart.toml`): read once at start and checked
//! against the catalog's forms and the gateway's registry, so that a rule
//! can never name what the window cannot do.

use std::collections::BTreeMap;
use std::path::Path;

use panjere_api::forms::check_field;
use panjere_api::{ServiceKind, Text};
use serde::Deserialize;
use serde_json::Value;

use crate::catalog::Catalog;
use crate::gateway::registry::Registry;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rule: Vec<Rule>,
}

/// One rule: an event starts one or more services.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    /// The event kind (see `panjere_api::smart::EVENT_KINDS`).
    pub event: String,
    /// The agency whose registry records the event.
    pub agency: String,
    /// `consent` or `automatic`.
    pub mode: String,
    pub expires_days: u32,
    pub title: Text,
    #[serde(default)]
    pub eligible: Vec<Eligibility>,
    pub part: Vec<Part>,
}

/// A check the window makes with its own inquiry before offering.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    pub operation: String,
    /// Parameter → `$person` or `event:/pointer`.
    pub params: BTreeMap<String, String>,
    /// What must be in the answer (JSON pointer); the whole answer when
    /// absent (found = eligible).
    #[serde(default)]
    pub pointer: Option<String>,
    /// What it must equal; present and not null when absent.
    #[serde(default)]
    pub equals: Option<Value>,
    pub label: Text,
}

/// One service of the rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub service: String,
    /// Field → `event:/pointer` or `value:text`.
    #[serde(default)]
    pub prefill: BTreeMap<String, String>,
    /// Fields the citizen fills in on accepting.
    #[serde(default)]
    pub ask: Vec<String>,
}

pub const PERSON: &str = "$person";

/// Where a pre-filled value or a parameter comes from.
pub fn resolve(source: &str, person: &str, event: &serde_json::Map<String, Value>) -> Option<String> {
    if source == PERSON {
        return Some(person.to_owned());
    }
    if let Some(v) = source.strip_prefix("value:") {
        return Some(v.to_owned());
    }
    let pointer = source.strip_prefix("event:")?;
    let v = Value::Object(event.clone()).pointer(pointer).cloned()?;
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Every rule, by event.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub rules: Vec<Rule>,
}

impl Rules {
    /// Reads and checks `smart.toml` in the catalog directory (none: no
    /// rules).
    pub fn load(dir: &Path, catalog: &Catalog, registry: &Registry) -> Result<Rules, String> {
        let path = dir.join("smart.toml");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Rules::default()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let file: File = toml::from_str(&text).map_err(|e| format!("smart.toml: {e}"))?;
        let rules = Rules { rules: file.rule };
        let problems = rules.problems(catalog, registry);
        if problems.is_empty() {
            Ok(rules)
        } else {
            Err(format!("smart.toml: {}", problems.join("; ")))
        }
    }

    fn problems(&self, catalog: &Catalog, registry: &Registry) -> Vec<String> {
        let mut out = Vec::new();
        let mut ids = std::collections::BTreeSet::new();
        for r in &self.rules {
            let here = format!("rule '{}'", r.id);
            if !ids.insert(&r.id) {
                out.push(format!("{here}: declared twice"));
            }
            if !panjere_api::smart::is_event_kind(&r.event) {
                out.push(format!("{here}: unknown event '{}' (one of {})", r.event, panjere_api::smart::EVENT_KINDS.join(", ")));
            }
            if !registry.agencies.contains_key(&r.agency) {
                out.push(format!("{here}: unknown agency '{}'", r.agency));
            }
            if !registry.operations.contains_key(&format!("{}.events", r.agency)) {
                out.push(format!("{here}: agency '{}' has no registered events feed ({}.events)", r.agency, r.agency));
            }
            if !matches!(r.mode.as_str(), "consent" | "automatic") {
                out.push(format!("{here}: mode '{}' (consent or automatic)", r.mode));
            }
            if r.expires_days == 0 || r.expires_days > 365 {
                out.push(format!("{here}: expires_days must be 1 to 365"));
            }
            if r.part.is_empty() {
                out.push(format!("{here}: no part"));
            }
            for e in &r.eligible {
                match registry.operations.get(&e.operation) {
                    None => out.push(format!("{here}: unknown operation '{}'", e.operation)),
                    Some(op) => {
                        for p in op.params.keys() {
                            if !e.params.contains_key(p) {
                                out.push(format!("{here}: operation '{}' needs parameter '{p}'", e.operation));
                            }
                        }
                    }
                }
                for s in e.params.values() {
                    if s != PERSON && !s.starts_with("event:/") {
                        out.push(format!("{here}: parameter source '{s}' ($person or event:/pointer)"));
                    }
                }
            }
            for p in &r.part {
                let Some(service) = catalog.service(&p.service) else {
                    out.push(format!("{here}: unknown service '{}'", p.service));
                    continue;
                };
                if service.kind != ServiceKind::Application {
                    out.push(format!("{here}: service '{}' is not an application", p.service));
                }
                let Some(form) = &service.form else {
                    out.push(format!("{here}: service '{}' has no form", p.service));
                    continue;
                };
                for (field, source) in &p.prefill {
                    match form.fields.iter().find(|f| &f.name == field) {
                        None => out.push(format!("{here}: service '{}' has no field '{field}'", p.service)),
                        Some(f) => {
                            if let Some(v) = source.strip_prefix("value:") {
                                if check_field(f, v).is_err() {
                                    out.push(format!("{here}: '{v}' is not a valid '{field}'"));
                                }
                            } else if !source.starts_with("event:/") {
                                out.push(format!("{here}: source '{source}' (event:/pointer or value:text)"));
                            }
                        }
                    }
                }
                for a in &p.ask {
                    if !form.fields.iter().any(|f| &f.name == a) {
                        out.push(format!("{here}: service '{}' has no field '{a}' to ask", p.service));
                    }
                }
                for f in form.fields.iter().filter(|f| f.required) {
                    let covered = p.prefill.contains_key(&f.name) || p.ask.contains(&f.name);
                    if !covered {
                        out.push(format!("{here}: service '{}': required field '{}' is neither pre-filled nor asked", p.service, f.name));
                    }
                    if r.mode == "automatic" && !p.prefill.contains_key(&f.name) {
                        out.push(format!("{here}: automatic, but '{}' of '{}' is not pre-filled", f.name, p.service));
                    }
                }
            }
        }
        out
    }

    /// The rules an event of `kind` recorded by `agency` triggers.
    pub fn for_event<'a>(&'a self, agency: &'a str, kind: &'a str) -> impl Iterator<Item = &'a Rule> + 'a {
        self.rules.iter().filter(move |r| r.agency == agency && r.event == kind)
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Services some rule can start.
    pub fn proactive_services(&self) -> impl Iterator<Item = (&Rule, &Part)> {
        self.rules.iter().flat_map(|r| r.part.iter().map(move |p| (r, p)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources() {
        let event = serde_json::json!({ "child": { "code": "0076229645" }, "n": 3 }).as_object().unwrap().clone();
        assert_eq!(resolve("$person", "1", &event).as_deref(), Some("1"));
        assert_eq!(resolve("value:first", "1", &event).as_deref(), Some("first"));
        assert_eq!(resolve("event:/child/code", "1", &event).as_deref(), Some("0076229645"));
        assert_eq!(resolve("event:/n", "1", &event).as_deref(), Some("3"));
        assert_eq!(resolve("event:/missing", "1", &event), None);
        assert_eq!(resolve("nonsense", "1", &event), None);
    }
}
