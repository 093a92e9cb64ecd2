//! The catalog's source files under `data/` and their validation.
//!
//! Layout: `agencies.toml` (every agency), `categories.toml`,
//! `life-events.toml`, `synonyms.toml`, and `services/<agency-id>.toml` (the
//! services one agency offers, the file naming its agency). Every problem is
//! collected and reported with its file and entry; a catalog with any problem
//! is refused whole.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use panjere_api::normalize::has_arabic_letters;
use panjere_api::stats::{Fraction, TargetId};
use panjere_api::{AgencyKind, Audience, Document, ElectronicLevel, Fee, ServiceKind, Text};
use serde::Deserialize;

use crate::jalali::{end_of_jalali_month, jalali_to_iso};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgenciesFile {
    #[serde(default)]
    agency: Vec<AgencySrc>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct AgencySrc {
    id: Option<String>,
    fa: Option<String>,
    en: Option<String>,
    short_fa: Option<String>,
    short_en: Option<String>,
    kind: Option<String>,
    description_fa: Option<String>,
    description_en: Option<String>,
    connected: Option<bool>,
    /// Jalali date `YYYY-MM-DD`.
    connected_on: Option<String>,
    website: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    #[serde(default)]
    category: Vec<TopicSrc>,
    #[serde(default)]
    event: Vec<TopicSrc>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct TopicSrc {
    id: Option<String>,
    fa: Option<String>,
    en: Option<String>,
    description_fa: Option<String>,
    description_en: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    #[serde(default)]
    group: Vec<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServicesFile {
    agency: Option<String>,
    #[serde(default)]
    service: Vec<ServiceSrc>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ServiceSrc {
    id: Option<String>,
    fa: Option<String>,
    en: Option<String>,
    summary_fa: Option<String>,
    summary_en: Option<String>,
    category: Option<String>,
    events: Vec<String>,
    kind: Option<String>,
    level: Option<String>,
    /// Optional: `anyone` for information, `signed_in_citizen` otherwise.
    audience: Option<String>,
    /// Rials as an integer (0 = free), or the string "varies".
    fee: Option<toml::Value>,
    days: Option<u32>,
    popularity: Option<u32>,
    documents: Vec<DocumentSrc>,
    keywords: Vec<String>,
    how_to_fa: Vec<String>,
    how_to_en: Vec<String>,
    /// Information services: what the page says, paragraph by paragraph.
    content_fa: Vec<String>,
    content_en: Vec<String>,
    /// Information services: the services it leads to (ids).
    related: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct DocumentSrc {
    fa: Option<String>,
    en: Option<String>,
    /// The agency the window fetches this document from itself.
    from: Option<String>,
    /// The agency the citizen still has to bring this document from.
    carried_from: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsFile {
    #[serde(default)]
    target: Vec<TargetSrc>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct TargetSrc {
    id: Option<String>,
    fa: Option<String>,
    en: Option<String>,
    /// A fraction such as "1/3".
    share: Option<String>,
    /// The Jalali month `YYYY-MM` whose last day is the deadline.
    due: Option<String>,
}

/// A law's target, validated.
#[derive(Debug, Clone)]
pub struct TargetRec {
    pub id: TargetId,
    pub name: Text,
    pub share: Fraction,
    /// The deadline's last day: ISO and Jalali `YYYY-MM-DD`.
    pub due: Option<(String, String)>,
}

/// A validated agency as read from the source, before counts are added.
#[derive(Debug, Clone)]
pub struct AgencyRec {
    pub id: String,
    pub name: Text,
    pub short_name: Option<Text>,
    pub kind: AgencyKind,
    pub description: Text,
    pub connected: bool,
    pub connected_on: Option<String>,
    pub connected_on_jalali: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TopicRec {
    pub id: String,
    pub name: Text,
    pub description: Text,
}

#[derive(Debug, Clone)]
pub struct ServiceRec {
    pub id: String,
    pub agency: String,
    pub category: String,
    pub life_events: Vec<String>,
    pub kind: ServiceKind,
    pub level: ElectronicLevel,
    pub audience: Audience,
    pub name: Text,
    pub summary: Text,
    pub how_to: Vec<Text>,
    pub fee: Fee,
    pub processing_days: u32,
    pub documents: Vec<Document>,
    pub popularity: u32,
    pub keywords: Vec<String>,
    pub content: Vec<Text>,
    pub related: Vec<String>,
}

/// The validated content of `data/`.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub agencies: Vec<AgencyRec>,
    pub categories: Vec<TopicRec>,
    pub events: Vec<TopicRec>,
    pub synonyms: Vec<Vec<String>>,
    pub services: Vec<ServiceRec>,
    /// In [`TargetId::ALL`] order, one each.
    pub targets: Vec<TargetRec>,
}

/// Every problem found in the catalog, each naming its file and entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogErrors(pub Vec<String>);

impl std::fmt::Display for CatalogErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "the catalog has {} problem(s):", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CatalogErrors {}

/// Collects problems with the file and entry they belong to.
struct Checker {
    errors: Vec<String>,
}

impl Checker {
    fn err(&mut self, file: &str, entry: &str, msg: impl std::fmt::Display) {
        if entry.is_empty() {
            self.errors.push(format!("{file}: {msg}"));
        } else {
            self.errors.push(format!("{file}: {entry}: {msg}"));
        }
    }

    /// A required, non-empty field.
    fn required(&mut self, file: &str, entry: &str, field: &str, v: &Option<String>) -> String {
        match v.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => s.to_owned(),
            _ => {
                self.err(file, entry, format!("required field `{field}` is missing or empty"));
                String::new()
            }
        }
    }

    /// Persian text: no Arabic yeh or kaf.
    fn persian(&mut self, file: &str, entry: &str, field: &str, s: &str) {
        if let Some(c) = has_arabic_letters(s) {
            let fix = if c == 'ك' { 'ک' } else { 'ی' };
            self.err(
                file,
                entry,
                format!(
                    "`{field}` has the Arabic letter '{c}' (U+{:04X}); write the Persian '{fix}' (U+{:04X}): \"{s}\"",
                    c as u32, fix as u32
                ),
            );
        }
    }

    fn text(&mut self, file: &str, entry: &str, prefix: &str, fa: &Option<String>, en: &Option<String>) -> Text {
        let fa_field = if prefix.is_empty() { "fa".to_owned() } else { format!("{prefix}_fa") };
        let en_field = if prefix.is_empty() { "en".to_owned() } else { format!("{prefix}_en") };
        let fa = self.required(file, entry, &fa_field, fa);
        self.persian(file, entry, &fa_field, &fa);
        let en = self.required(file, entry, &en_field, en);
        Text { fa, en }
    }

    fn slug(&mut self, file: &str, what: &str, id: &Option<String>, seen: &mut HashMap<String, String>, index: usize) -> String {
        let Some(id) = id.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
            self.err(file, &format!("{what} #{}", index + 1), "required field `id` is missing or empty");
            return String::new();
        };
        if !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            self.err(file, &format!("{what} '{id}'"), "`id` may only hold a-z, 0-9 and '-'");
        }
        if let Some(first) = seen.insert(id.to_owned(), file.to_owned()) {
            self.err(file, &format!("{what} '{id}'"), format!("duplicate {what} id '{id}' (first defined in {first})"));
        }
        id.to_owned()
    }

    fn enum_value<T>(
        &mut self,
        file: &str,
        entry: &str,
        field: &str,
        v: &Option<String>,
        parse: fn(&str) -> Option<T>,
        expected: String,
    ) -> Option<T> {
        let s = self.required(file, entry, field, v);
        if s.is_empty() {
            return None;
        }
        let parsed = parse(&s);
        if parsed.is_none() {
            self.err(file, entry, format!("unknown `{field}` '{s}' (expected one of: {expected})"));
        }
        parsed
    }
}

fn read_toml<T: for<'de> Deserialize<'de> + Default>(dir: &Path, rel: &str, c: &mut Checker) -> T {
    let path = dir.join(rel);
    match std::fs::read_to_string(&path) {
        Ok(text) => match toml::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                c.err(rel, "", format!("not valid TOML for this file: {}", e.to_string().trim()));
                T::default()
            }
        },
        Err(e) => {
            c.err(rel, "", format!("cannot read {}: {e}", path.display()));
            T::default()
        }
    }
}

/// Reads and validates the catalog under `dir`.
pub fn load(dir: &Path) -> Result<Source, CatalogErrors> {
    let mut c = Checker { errors: Vec::new() };
    let agencies_file: AgenciesFile = read_toml(dir, "agencies.toml", &mut c);
    let topics: TopicsFile = read_toml(dir, "categories.toml", &mut c);
    let synonyms: SynonymsFile = read_toml(dir, "synonyms.toml", &mut c);
    let targets: TargetsFile = read_toml(dir, "targets.toml", &mut c);

    let mut service_files: Vec<(String, ServicesFile)> = Vec::new();
    let services_dir = dir.join("services");
    match std::fs::read_dir(&services_dir) {
        Ok(entries) => {
            let mut paths: Vec<PathBuf> =
                entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
            paths.sort();
            for p in paths {
                let rel = format!("services/{}", p.file_name().unwrap_or_default().to_string_lossy());
                let f: ServicesFile = read_toml(dir, &rel, &mut c);
                service_files.push((rel, f));
            }
        }
        Err(e) => c.err("services/", "", format!("cannot read {}: {e}", services_dir.display())),
    }

    let mut source = validate(&mut c, agencies_file, topics, synonyms, service_files);
    source.targets = validate_targets(&mut c, targets);
    if c.errors.is_empty() {
        Ok(source)
    } else {
        Err(CatalogErrors(c.errors))
    }
}

/// `targets.toml`: each of the law's targets exactly once.
fn validate_targets(c: &mut Checker, file: TargetsFile) -> Vec<TargetRec> {
    let tf = "targets.toml";
    let mut found: Vec<TargetRec> = Vec::new();
    if file.target.is_empty() {
        let known: Vec<&str> = TargetId::ALL.iter().map(|t| t.as_str()).collect();
        c.err(tf, "", format!("no [[target]] is defined (expected: {})", known.join(", ")));
        return found;
    }
    for (i, t) in file.target.iter().enumerate() {
        let Some(raw) = t.id.as_deref() else {
            c.err(tf, &format!("target #{}", i + 1), "required field `id` is missing");
            continue;
        };
        let entry = format!("target '{raw}'");
        let Some(id) = TargetId::parse(raw) else {
            let known: Vec<&str> = TargetId::ALL.iter().map(|t| t.as_str()).collect();
            c.err(tf, &entry, format!("unknown target (expected one of: {})", known.join(", ")));
            continue;
        };
        if found.iter().any(|f| f.id == id) {
            c.err(tf, &entry, "defined twice");
            continue;
        }
        let name = c.text(tf, &entry, "", &t.fa, &t.en);
        let share = match t.share.as_deref().map(Fraction::parse) {
            Some(Ok(f)) => f,
            Some(Err(e)) => {
                c.err(tf, &entry, format!("`share`: {e}"));
                continue;
            }
            None => {
                c.err(tf, &entry, "required field `share` is missing (a fraction such as \"1/3\")");
                continue;
            }
        };
        let due = match t.due.as_deref().map(end_of_jalali_month) {
            Some(Ok(d)) => Some(d),
            Some(Err(e)) => {
                c.err(tf, &entry, format!("`due`: {e}"));
                continue;
            }
            None => None,
        };
        found.push(TargetRec { id, name, share, due });
    }
    for id in TargetId::ALL {
        if !found.iter().any(|f| f.id == id) && !file.target.iter().any(|t| t.id.as_deref() == Some(id.as_str())) {
            c.err(tf, "", format!("target '{}' is missing", id.as_str()));
        }
    }
    found.sort_by_key(|t| TargetId::ALL.iter().position(|x| *x == t.id));
    found
}

fn validate(
    c: &mut Checker,
    agencies_file: AgenciesFile,
    topics: TopicsFile,
    synonyms: SynonymsFile,
    service_files: Vec<(String, ServicesFile)>,
) -> Source {
    let mut out = Source::default();

    let af = "agencies.toml";
    let mut seen = HashMap::new();
    for (i, a) in agencies_file.agency.iter().enumerate() {
        let id = c.slug(af, "agency", &a.id, &mut seen, i);
        let entry = format!("agency '{id}'");
        let name = c.text(af, &entry, "", &a.fa, &a.en);
        let short_name = match (&a.short_fa, &a.short_en) {
            (None, None) => None,
            (fa, en) => Some(c.text(af, &entry, "short", fa, en)),
        };
        let kind = c.enum_value(af, &entry, "kind", &a.kind, AgencyKind::parse, AgencyKind::expected());
        let description = c.text(af, &entry, "description", &a.description_fa, &a.description_en);
        let connected = a.connected.unwrap_or(true);
        let (mut connected_on, mut connected_on_jalali) = (None, None);
        if connected {
            match a.connected_on.as_deref() {
                Some(j) => match jalali_to_iso(j) {
                    Ok(iso) => {
                        connected_on = Some(iso);
                        connected_on_jalali = Some(panjere_api::normalize::ascii_digits(j).replace('/', "-"));
                    }
                    Err(e) => c.err(af, &entry, format!("`connected_on`: {e}")),
                },
                None => c.err(af, &entry, "a connected agency needs `connected_on` (Jalali YYYY-MM-DD)"),
            }
        } else if a.connected_on.is_some() {
            c.err(af, &entry, "an agency with `connected = false` has no `connected_on`");
        }
        if let Some(w) = &a.website {
            if !w.starts_with("https://") {
                c.err(af, &entry, format!("`website` must be an https:// address, not '{w}'"));
            }
        }
        out.agencies.push(AgencyRec {
            id,
            name,
            short_name,
            kind: kind.unwrap_or(AgencyKind::Organisation),
            description,
            connected,
            connected_on,
            connected_on_jalali,
            website: a.website.clone(),
        });
    }
    if out.agencies.is_empty() {
        c.err(af, "", "no agency is defined");
    }

    let cf = "categories.toml";
    for (list, what, target) in [(&topics.category, "category", &mut out.categories), (&topics.event, "event", &mut out.events)] {
        let mut seen = HashMap::new();
        for (i, t) in list.iter().enumerate() {
            let id = c.slug(cf, what, &t.id, &mut seen, i);
            let entry = format!("{what} '{id}'");
            let name = c.text(cf, &entry, "", &t.fa, &t.en);
            let description = c.text(cf, &entry, "description", &t.description_fa, &t.description_en);
            target.push(TopicRec { id, name, description });
        }
    }

    let sf = "synonyms.toml";
    for (i, g) in synonyms.group.iter().enumerate() {
        let entry = format!("group #{}", i + 1);
        if g.len() < 2 {
            c.err(sf, &entry, "a synonym group needs at least two words");
        }
        for w in g {
            c.persian(sf, &entry, "word", w);
        }
    }
    out.synonyms = synonyms.group;

    let agency_ids: HashMap<&str, bool> = out.agencies.iter().map(|a| (a.id.as_str(), a.connected)).collect();
    let categories: HashSet<&str> = out.categories.iter().map(|t| t.id.as_str()).collect();
    let events: HashSet<&str> = out.events.iter().map(|t| t.id.as_str()).collect();
    let mut seen = HashMap::new();
    for (file, f) in service_files {
        let agency = c.required(&file, "", "agency", &f.agency);
        if !agency.is_empty() {
            if !agency_ids.contains_key(agency.as_str()) {
                c.err(&file, "", format!("agency '{agency}' is not defined in agencies.toml"));
            }
            let expected = format!("services/{agency}.toml");
            if file != expected {
                c.err(&file, "", format!("the services of agency '{agency}' belong in {expected}"));
            }
        }
        if f.service.is_empty() {
            c.err(&file, "", "the file defines no [[service]]");
        }
        for (i, s) in f.service.iter().enumerate() {
            let id = c.slug(&file, "service", &s.id, &mut seen, i);
            let entry = format!("service '{id}'");
            let name = c.text(&file, &entry, "", &s.fa, &s.en);
            let summary = c.text(&file, &entry, "summary", &s.summary_fa, &s.summary_en);
            let category = c.required(&file, &entry, "category", &s.category);
            if !category.is_empty() && !categories.contains(category.as_str()) {
                c.err(&file, &entry, format!("category '{category}' is not defined in categories.toml"));
            }
            for e in &s.events {
                if !events.contains(e.as_str()) {
                    c.err(&file, &entry, format!("life event '{e}' is not defined in categories.toml"));
                }
            }
            let kind = c.enum_value(&file, &entry, "kind", &s.kind, ServiceKind::parse, ServiceKind::expected());
            let level = c.enum_value(&file, &entry, "level", &s.level, ElectronicLevel::parse, ElectronicLevel::expected());
            // Default audience: information is for anyone; an inquiry or an
            // application is about the citizen, so it needs signing in.
            let audience = match &s.audience {
                None => Some(if kind == Some(ServiceKind::Information) { Audience::Anyone } else { Audience::Citizen }),
                Some(_) => c.enum_value(&file, &entry, "audience", &s.audience, Audience::parse, Audience::expected()),
            };
            let fee = match &s.fee {
                None => {
                    c.err(&file, &entry, "required field `fee` is missing (rials as a whole number, 0 when free, or \"varies\")");
                    Fee::Free
                }
                Some(toml::Value::Integer(0)) => Fee::Free,
                Some(toml::Value::Integer(n)) if *n > 0 => Fee::Fixed { rials: *n as u64 },
                Some(toml::Value::String(s)) if s == "varies" => Fee::Varies,
                Some(v) => {
                    c.err(&file, &entry, format!("`fee` must be rials as a whole number ≥ 0 or \"varies\", not {v}"));
                    Fee::Free
                }
            };
            let processing_days = s.days.unwrap_or_else(|| {
                c.err(&file, &entry, "required field `days` is missing (typical working days; 0 when answered at once)");
                0
            });
            let popularity = match s.popularity {
                Some(p) if p >= 1 => p,
                _ => {
                    c.err(&file, &entry, "`popularity` is required: a rank of 1 or more (1 = most used)");
                    u32::MAX
                }
            };
            let mut documents = Vec::new();
            for (j, d) in s.documents.iter().enumerate() {
                let dentry = format!("{entry}: document #{}", j + 1);
                let name = c.text(&file, &dentry, "", &d.fa, &d.en);
                for (field, from) in [("from", &d.from), ("carried_from", &d.carried_from)] {
                    if let Some(from) = from {
                        if !agency_ids.contains_key(from.as_str()) {
                            c.err(&file, &dentry, format!("`{field}` names agency '{from}', which is not defined in agencies.toml"));
                        }
                    }
                }
                if let Some(carried) = &d.carried_from {
                    if d.from.is_some() {
                        c.err(
                            &file,
                            &dentry,
                            "a document is either fetched by the window (`from`) or carried by the citizen (`carried_from`), not both",
                        );
                    }
                    if *carried == agency {
                        c.err(&file, &dentry, "`carried_from` names the service's own agency: that is not an inquiry to another agency");
                    }
                    if matches!(level, Some(ElectronicLevel::Fully | ElectronicLevel::Smart)) {
                        c.err(
                            &file,
                            &dentry,
                            format!(
                                "a {} service cannot make the citizen carry a document from '{carried}': let the window fetch it (`from`)",
                                level.map(ElectronicLevel::as_str).unwrap_or_default()
                            ),
                        );
                    }
                }
                documents.push(Document {
                    name,
                    fetched_from: d.from.clone(),
                    fetched_from_name: None,
                    carried_from: d.carried_from.clone(),
                    carried_from_name: None,
                });
            }
            for k in &s.keywords {
                c.persian(&file, &entry, "keywords", k);
            }
            if s.how_to_fa.len() != s.how_to_en.len() {
                c.err(&file, &entry, format!("`how_to_fa` has {} steps but `how_to_en` has {}", s.how_to_fa.len(), s.how_to_en.len()));
            }
            for step in &s.how_to_fa {
                c.persian(&file, &entry, "how_to_fa", step);
            }
            let how_to = s.how_to_fa.iter().zip(&s.how_to_en).map(|(fa, en)| Text { fa: fa.clone(), en: en.clone() }).collect();
            if s.content_fa.len() != s.content_en.len() {
                c.err(
                    &file,
                    &entry,
                    format!("`content_fa` has {} paragraphs but `content_en` has {}", s.content_fa.len(), s.content_en.len()),
                );
            }
            for p in &s.content_fa {
                c.persian(&file, &entry, "content_fa", p);
            }
            let content: Vec<Text> =
                s.content_fa.iter().zip(&s.content_en).map(|(fa, en)| Text { fa: fa.clone(), en: en.clone() }).collect();
            match kind {
                Some(ServiceKind::Information) if content.is_empty() || s.related.is_empty() => c.err(
                    &file,
                    &entry,
                    "an information service needs its `content_fa`/`content_en` and the `related` services it leads to",
                ),
                Some(ServiceKind::Inquiry | ServiceKind::Application) if !content.is_empty() || !s.related.is_empty() => {
                    c.err(&file, &entry, "`content` and `related` are for information services (others have a form)")
                }
                _ => {}
            }
            if matches!(level, Some(ElectronicLevel::Fully | ElectronicLevel::Smart)) {
                for d in documents.iter().filter(|d| d.carried_from.is_some()) {
                    c.err(
                        &file,
                        &entry,
                        format!(
                            "document \"{}\" is carried by the citizen (`carried_from`): the service cannot be fully electronic",
                            d.name.en
                        ),
                    );
                }
            }
            if matches!(level, Some(ElectronicLevel::Fully | ElectronicLevel::Smart))
                && !agency_ids.get(agency.as_str()).copied().unwrap_or(true)
            {
                c.err(
                    &file,
                    &entry,
                    format!(
                        "a {} service needs its agency connected to the window",
                        level.map(ElectronicLevel::as_str).unwrap_or_default()
                    ),
                );
            }
            out.services.push(ServiceRec {
                id,
                agency: agency.clone(),
                category,
                life_events: s.events.clone(),
                kind: kind.unwrap_or(ServiceKind::Information),
                level: level.unwrap_or(ElectronicLevel::InPerson),
                audience: audience.unwrap_or(Audience::Anyone),
                name,
                summary,
                how_to,
                fee,
                processing_days,
                documents,
                popularity,
                keywords: s.keywords.clone(),
                content,
                related: s.related.clone(),
            });
        }
    }
    let ids: std::collections::HashSet<String> = out.services.iter().map(|s| s.id.clone()).collect();
    let mut missing = Vec::new();
    for s in &out.services {
        for r in s.related.iter().filter(|r| !ids.contains(*r) || **r == s.id) {
            missing.push(format!("services, service {}: related service {r} is not another service of the catalog", s.id));
        }
    }
    if !missing.is_empty() {
        c.errors.extend(missing);
    }
    out
}
