//! `forms.toml`: how services are used through the window (see the file's
//! header). Checked at load against the catalog, and against the gateway's
//! operations by [`check_operations`].

use std::collections::BTreeSet;
use std::path::Path;

use panjere_api::forms::{Form, CITIZEN};
use panjere_api::ServiceKind;
use serde::Deserialize;

use super::Catalog;
use crate::gateway::registry::Registry;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormsFile {
    #[serde(default)]
    form: Vec<Form>,
}

/// Reads `dir/forms.toml` (none: no forms) and checks every form.
pub fn load(dir: &Path, catalog: &Catalog) -> Result<Vec<Form>, Vec<String>> {
    let path = dir.join("forms.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(vec![format!("cannot read {}: {e}", path.display())]),
    };
    let file: FormsFile = toml::from_str(&text).map_err(|e| vec![format!("forms.toml: {e}")])?;
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    for form in &file.form {
        let mut err = |msg: String| errors.push(format!("forms.toml, form {}: {msg}", form.service));
        if !seen.insert(form.service.clone()) {
            err("declared twice".into());
        }
        let Some(service) = catalog.service(&form.service) else {
            err("no such service in the catalog".into());
            continue;
        };
        let mut names = BTreeSet::new();
        for f in &form.fields {
            if !names.insert(f.name.as_str()) {
                err(format!("field {} declared twice", f.name));
            }
            if f.step == 0 || f.step as usize > form.steps.len().max(1) {
                err(format!("field {}: step {} but the form has {} step(s)", f.name, f.step, form.steps.len().max(1)));
            }
        }
        let sources = form.params.values().chain(form.inquiries.iter().flat_map(|i| i.params.values()));
        for source in sources {
            if source != CITIZEN && !names.contains(source.as_str()) {
                err(format!("parameter source {source} is neither $citizen nor a field"));
            }
        }
        match service.kind {
            ServiceKind::Inquiry if form.operation.is_none() => err("an inquiry needs an operation".into()),
            ServiceKind::Application if form.submit.is_none() || form.status.is_none() => {
                err("an application needs submit and status operations".into())
            }
            ServiceKind::Information => err("an information service has no form".into()),
            _ => {}
        }
    }
    if errors.is_empty() {
        Ok(file.form)
    } else {
        Err(errors)
    }
}

/// Every operation a form names exists, belongs where it should, and gets
/// all of its parameters.
pub fn check_operations(catalog: &Catalog, registry: &Registry) -> Result<(), String> {
    let mut errors = Vec::new();
    for form in catalog.forms() {
        let owner = catalog.service(&form.service).map(|s| s.agency.clone()).unwrap_or_default();
        let mut uses: Vec<(&str, Option<&std::collections::BTreeMap<String, String>>)> = Vec::new();
        if let Some(op) = &form.operation {
            uses.push((op, Some(&form.params)));
        }
        for i in &form.inquiries {
            uses.push((&i.operation, Some(&i.params)));
        }
        for op in [&form.submit, &form.status].into_iter().flatten() {
            uses.push((op, None));
        }
        for (op, params) in uses {
            let Some(o) = registry.operations.get(op) else {
                errors.push(format!("form {}: operation {op} is not in the operations file", form.service));
                continue;
            };
            if let Some(params) = params {
                for name in o.params.keys().filter(|k| !params.contains_key(*k)) {
                    errors.push(format!("form {}: operation {op} needs parameter {name}", form.service));
                }
                for name in params.keys().filter(|k| !o.params.contains_key(*k)) {
                    errors.push(format!("form {}: operation {op} has no parameter {name}", form.service));
                }
            }
        }
        for op in [&form.submit, &form.status].into_iter().flatten() {
            if registry.operations.get(op).is_some_and(|o| o.agency != owner) {
                errors.push(format!("form {}: {op} is not an operation of the owning agency {owner}", form.service));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}
