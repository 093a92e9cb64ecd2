//! `data/forms/*.toml`: how services are used through the window (see
//! `data/forms/README.md`), one file per agency. Checked at load against the
//! catalog, and against the gateway's operations by [`check_operations`].

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

/// Reads every `dir/forms/*.toml` (no directory: no forms) and checks
/// every form; each problem names its file and form.
pub fn load(dir: &Path, catalog: &Catalog) -> Result<Vec<(String, Form)>, Vec<String>> {
    let forms_dir = dir.join("forms");
    let mut paths: Vec<std::path::PathBuf> = match std::fs::read_dir(&forms_dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(vec![format!("cannot read {}: {e}", forms_dir.display())]),
    };
    paths.sort();
    let mut errors = Vec::new();
    let mut all = Vec::new();
    for path in &paths {
        let name = format!("forms/{}", path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        let parsed = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {name}: {e}"))
            .and_then(|t| toml::from_str::<FormsFile>(&t).map_err(|e| format!("{name}: {e}")));
        match parsed {
            Ok(file) => all.extend(file.form.into_iter().map(|f| (name.clone(), f))),
            Err(e) => errors.push(e),
        }
    }
    let mut seen = BTreeSet::new();
    for (file, form) in &all {
        let mut err = |msg: String| errors.push(format!("{file}, form {}: {msg}", form.service));
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
            ServiceKind::Application if form.operation.is_some() || !form.result.is_empty() => {
                err("an application has no `operation` or `result` (those are an inquiry's)".into())
            }
            ServiceKind::Inquiry if form.submit.is_some() || form.status.is_some() || form.reply.is_some() => {
                err("an inquiry has no `submit`, `status` or `reply` (those are an application's)".into())
            }
            ServiceKind::Information => err("an information service has no form".into()),
            _ => {}
        }
    }
    if errors.is_empty() {
        Ok(all)
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
        for op in [&form.submit, &form.status, &form.reply].into_iter().flatten() {
            uses.push((op, None));
        }
        for (op, params) in uses {
            let Some(o) = registry.operations.get(op) else {
                errors.push(format!(
                    "{}, form {}: operation {op} is not in the operations file",
                    catalog.form_file(&form.service),
                    form.service
                ));
                continue;
            };
            if let Some(params) = params {
                for name in o.params.keys().filter(|k| !params.contains_key(*k)) {
                    errors.push(format!(
                        "{}, form {}: operation {op} needs parameter {name}",
                        catalog.form_file(&form.service),
                        form.service
                    ));
                }
                for name in params.keys().filter(|k| !o.params.contains_key(*k)) {
                    errors.push(format!(
                        "{}, form {}: operation {op} has no parameter {name}",
                        catalog.form_file(&form.service),
                        form.service
                    ));
                }
            }
        }
        for op in [&form.submit, &form.status, &form.reply].into_iter().flatten() {
            if registry.operations.get(op).is_some_and(|o| o.agency != owner) {
                errors.push(format!(
                    "{}, form {}: {op} is not an operation of the owning agency {owner}",
                    catalog.form_file(&form.service),
                    form.service
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}
