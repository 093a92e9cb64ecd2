//! The service catalog: loaded once from `data/`, validated, and queried by
//! the catalog API.

pub mod forms;
mod source;

use std::collections::HashMap;
use std::path::Path;

use panjere_api::normalize::normalize;
use panjere_api::search::SearchIndex;
use panjere_api::stats::{ServiceFacts, Shares, TargetId};
use panjere_api::{Agency, AgencyDetail, Categories, Category, LifeEvent, SearchIndexData, Service, ServiceFilter, ServiceSummary};
use serde_json::value::RawValue;

pub use source::{CatalogErrors, TargetRec};

#[cfg(test)]
pub mod tests;

/// The loaded catalog with its lookups and search index.
#[derive(Debug, Clone)]
pub struct Catalog {
    agencies: Vec<Agency>,
    categories: Vec<Category>,
    events: Vec<LifeEvent>,
    /// Sorted by popularity (most used first), then id.
    services: Vec<Service>,
    agency_index: crate::FastMap<String, usize>,
    /// Each agency's name as JSON (same order as `agencies`), written once:
    /// every answer the gateway passes on carries it.
    agency_names_json: Vec<Box<RawValue>>,
    /// [`Text::default`] as JSON: the name of an agency not in the catalog.
    unnamed_json: Box<RawValue>,
    service_index: crate::FastMap<String, usize>,
    search_data: SearchIndexData,
    search: SearchIndex,
    /// The law's targets, in [`TargetId::ALL`] order.
    targets: Vec<TargetRec>,
    /// What the stage and target rules need, per agency (same order as
    /// `agencies`).
    facts: Vec<Vec<ServiceFacts>>,
    shares: Shares,
    /// Service → the forms file its form is in (for error messages).
    form_files: HashMap<String, String>,
    /// `GET /api/catalog/offline`'s answer and its entity tag, made on first
    /// use (once the forms are in).
    offline: std::sync::OnceLock<OfflineDocument>,
}

fn name_json(name: &panjere_api::Text) -> Box<RawValue> {
    serde_json::value::to_raw_value(name).expect("two strings always serialize")
}

/// `GET /api/catalog/offline`'s answer, made once.
#[derive(Debug, Clone)]
pub struct OfflineDocument {
    pub tag: String,
    pub json: axum::body::Bytes,
    /// `json` compressed with brotli (quality 11).
    pub brotli: axum::body::Bytes,
}

/// What the stage and target rules need to know about one service: its
/// inter-agency inquiries are the documents from another agency.
fn service_facts(s: &source::ServiceRec) -> ServiceFacts {
    let (fetched, carried) = other_agency_documents(&s.agency, &s.documents);
    ServiceFacts {
        level: s.level,
        popularity: s.popularity,
        inquiries: fetched + carried,
        inquiries_electronic: fetched,
        // The catalog claims "smart" without saying how: its claimed counts
        // carry the smart total only.
        zero_touch: false,
        proactive: false,
    }
}

/// How many of a service's documents come from another agency than its
/// own `agency`: (claimed fetched by the window, carried by the citizen).
pub fn other_agency_documents(agency: &str, documents: &[panjere_api::Document]) -> (u32, u32) {
    let other = |a: &Option<String>| a.as_deref().is_some_and(|a| a != agency);
    let fetched = documents.iter().filter(|d| other(&d.fetched_from)).count() as u32;
    let carried = documents.iter().filter(|d| other(&d.carried_from)).count() as u32;
    (fetched, carried)
}

impl Catalog {
    /// Reads and validates `dir`; every problem is reported at once.
    pub fn load(dir: &Path) -> Result<Self, CatalogErrors> {
        let mut catalog = source::load(dir).map(Self::from_source)?;
        let forms = forms::load(dir, &catalog).map_err(CatalogErrors)?;
        for (file, form) in forms {
            let i = catalog.service_index[&form.service];
            catalog.form_files.insert(form.service.clone(), file);
            catalog.services[i].form = Some(form);
        }
        Ok(catalog)
    }

    /// The form of a service usable through the window.
    pub fn form(&self, service: &str) -> Option<&panjere_api::forms::Form> {
        self.service(service).and_then(|s| s.form.as_ref())
    }

    /// The file (under `data/`) a service's form is in.
    pub fn form_file(&self, service: &str) -> &str {
        self.form_files.get(service).map_or("forms", String::as_str)
    }

    /// Services with forms.
    pub fn forms(&self) -> impl Iterator<Item = &panjere_api::forms::Form> {
        self.services.iter().filter_map(|s| s.form.as_ref())
    }

    fn from_source(src: source::Source) -> Self {
        let agency_names: HashMap<&str, &source::AgencyRec> = src.agencies.iter().map(|a| (a.id.as_str(), a)).collect();
        let category_names: HashMap<&str, &source::TopicRec> = src.categories.iter().map(|c| (c.id.as_str(), c)).collect();
        let count_by = |f: &dyn Fn(&source::ServiceRec) -> bool| src.services.iter().filter(|s| f(s)).count();

        let mut services: Vec<Service> = src
            .services
            .iter()
            .map(|s| Service {
                id: s.id.clone(),
                agency: s.agency.clone(),
                agency_name: agency_names[s.agency.as_str()].name.clone(),
                category: s.category.clone(),
                category_name: category_names[s.category.as_str()].name.clone(),
                life_events: s.life_events.clone(),
                kind: s.kind,
                level: s.level,
                audience: s.audience,
                name: s.name.clone(),
                summary: s.summary.clone(),
                how_to: s.how_to.clone(),
                fee: s.fee,
                processing_days: s.processing_days,
                documents: s
                    .documents
                    .iter()
                    .map(|d| panjere_api::Document {
                        fetched_from_name: d.fetched_from.as_deref().and_then(|a| agency_names.get(a)).map(|a| a.name.clone()),
                        carried_from_name: d.carried_from.as_deref().and_then(|a| agency_names.get(a)).map(|a| a.name.clone()),
                        ..d.clone()
                    })
                    .collect(),
                popularity: s.popularity,
                keywords: s.keywords.clone(),
                content: s.content.clone(),
                related: s
                    .related
                    .iter()
                    .filter_map(|r| src.services.iter().find(|x| &x.id == r))
                    .map(|r| panjere_api::RelatedService { id: r.id.clone(), name: r.name.clone() })
                    .collect(),
                form: None,
            })
            .collect();
        services.sort_by(|a, b| a.popularity.cmp(&b.popularity).then_with(|| a.id.cmp(&b.id)));

        // `source::load` refuses a catalog without every target, so the
        // fallback is never used; it keeps this function total.
        let share =
            |id: TargetId| src.targets.iter().find(|t| t.id == id).map_or(panjere_api::stats::Fraction { num: 1, den: 1 }, |t| t.share);
        let shares = Shares {
            offered_third: share(TargetId::OfferedThird),
            fully_electronic: share(TargetId::FullyElectronic),
            inquiries_electronic: share(TargetId::InquiriesElectronic),
            smart: share(TargetId::Smart),
        };
        let facts: Vec<Vec<ServiceFacts>> =
            src.agencies.iter().map(|a| src.services.iter().filter(|s| s.agency == a.id).map(service_facts).collect()).collect();
        let agencies: Vec<Agency> = src
            .agencies
            .iter()
            .zip(&facts)
            .map(|(a, facts)| Agency {
                id: a.id.clone(),
                name: a.name.clone(),
                short_name: a.short_name.clone(),
                kind: a.kind,
                description: a.description.clone(),
                connected: a.connected,
                connected_on: a.connected_on.clone(),
                connected_on_jalali: a.connected_on_jalali.clone(),
                stage: panjere_api::stats::stage(a.connected, &shares, facts),
                website: a.website.clone(),
                service_count: count_by(&|s| s.agency == a.id),
            })
            .collect();
        let categories = src
            .categories
            .iter()
            .map(|c| Category {
                id: c.id.clone(),
                name: c.name.clone(),
                description: c.description.clone(),
                service_count: count_by(&|s| s.category == c.id),
            })
            .collect();
        let events = src
            .events
            .iter()
            .map(|e| LifeEvent {
                id: e.id.clone(),
                name: e.name.clone(),
                description: e.description.clone(),
                service_count: count_by(&|s| s.life_events.contains(&e.id)),
            })
            .collect();

        // Each synonym as " word " (spaced) and " word " (compacted), to be
        // found as whole words only ("سند" must not match "نویسنده").
        let synonyms: Vec<Vec<[String; 2]>> = src
            .synonyms
            .iter()
            .map(|g| g.iter().map(|w| normalize(w)).map(|n| [format!(" {n} "), format!(" {} ", n.replace(' ', ""))]).collect())
            .collect();
        let extra_terms = services
            .iter()
            .map(|s| {
                let a = agency_names[s.agency.as_str()];
                let mut terms = s.keywords.clone();
                terms.extend([a.name.fa.clone(), a.name.en.clone(), s.category_name.fa.clone(), s.category_name.en.clone()]);
                if let Some(short) = &a.short_name {
                    terms.extend([short.fa.clone(), short.en.clone()]);
                }
                // Synonym groups: a service whose name or keywords hold one
                // word of a group is found by every word of it.
                let own: Vec<String> = [s.name.fa.as_str(), s.name.en.as_str()]
                    .into_iter()
                    .chain(s.keywords.iter().map(String::as_str))
                    .map(|t| format!(" {} ", normalize(t)))
                    .collect();
                for (group, raw) in synonyms.iter().zip(&src.synonyms) {
                    if group.iter().any(|forms| own.iter().any(|o| forms.iter().any(|f| o.contains(f.as_str())))) {
                        terms.extend(raw.iter().cloned());
                    }
                }
                terms
            })
            .collect();
        let search_data = SearchIndexData {
            services: services.iter().map(Service::summary).collect(),
            extra_terms,
            life_events: services.iter().map(|s| s.life_events.clone()).collect(),
        };
        let search = SearchIndex::new(&search_data);
        Catalog {
            agency_index: agencies.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect(),
            agency_names_json: agencies.iter().map(|a| name_json(&a.name)).collect(),
            unnamed_json: name_json(&panjere_api::Text::default()),
            service_index: services.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect(),
            agencies,
            categories,
            events,
            services,
            search_data,
            search,
            targets: src.targets,
            facts,
            shares,
            form_files: HashMap::new(),
            offline: std::sync::OnceLock::new(),
        }
    }

    /// The law's targets, in [`TargetId::ALL`] order.
    pub fn targets(&self) -> &[TargetRec] {
        &self.targets
    }

    /// The targets' shares.
    pub fn shares(&self) -> Shares {
        self.shares
    }

    /// Each agency with what the rules need to know about its services.
    pub fn agencies_with_facts(&self) -> impl Iterator<Item = (&Agency, &[ServiceFacts])> {
        self.agencies.iter().zip(self.facts.iter().map(Vec::as_slice))
    }

    /// Every service, most used first.
    pub fn all_services(&self) -> &[Service] {
        &self.services
    }

    pub fn agencies(&self) -> &[Agency] {
        &self.agencies
    }

    pub fn agency(&self, id: &str) -> Option<AgencyDetail> {
        let agency = self.agency_record(id)?.clone();
        let services = self.services.iter().filter(|s| s.agency == id).map(Service::summary).collect();
        Some(AgencyDetail { agency, services })
    }

    /// An agency, without its services and without copying.
    pub fn agency_record(&self, id: &str) -> Option<&Agency> {
        self.agency_index.get(id).map(|&i| &self.agencies[i])
    }

    /// An agency's name, without copying anything else.
    pub fn agency_name(&self, id: &str) -> Option<&panjere_api::Text> {
        self.agency_record(id).map(|a| &a.name)
    }

    /// An agency's name as JSON, written when the catalog was loaded (an
    /// agency not in the catalog has empty names).
    pub fn agency_name_json(&self, id: &str) -> &RawValue {
        self.agency_index.get(id).map_or(&self.unnamed_json, |&i| &self.agency_names_json[i])
    }

    pub fn has_agency(&self, id: &str) -> bool {
        self.agency_index.contains_key(id)
    }

    pub fn has_category(&self, id: &str) -> bool {
        self.categories.iter().any(|c| c.id == id)
    }

    pub fn has_event(&self, id: &str) -> bool {
        self.events.iter().any(|e| e.id == id)
    }

    pub fn categories(&self) -> Categories {
        Categories { items: self.categories.clone(), total: self.categories.len(), life_events: self.events.clone() }
    }

    pub fn service(&self, id: &str) -> Option<&Service> {
        self.service_index.get(id).map(|&i| &self.services[i])
    }

    /// A service's fee in rials, when it has a fixed one to pay (paying it
    /// is then a step of every application for it).
    pub fn fee_rials(&self, service: &str) -> Option<i64> {
        match self.service(service)?.fee {
            panjere_api::Fee::Fixed { rials } if rials > 0 => i64::try_from(rials).ok(),
            _ => None,
        }
    }

    pub fn service_count(&self) -> usize {
        self.services.len()
    }

    /// Every service as its own page reads it, in one JSON document
    /// ([`panjere_api::OfflineCatalog`]) for the service worker: the
    /// document, the same compressed once with brotli at its best quality
    /// (phones download it; the server compresses it once, not per request),
    /// and an entity tag (the SHA-256 of the document) that changes with it.
    pub fn offline(&self) -> &OfflineDocument {
        self.offline.get_or_init(|| {
            use sha2::Digest;
            use std::io::Write;
            #[derive(serde::Serialize)]
            struct Doc<'a> {
                services: &'a [Service],
            }
            let json = serde_json::to_vec(&Doc { services: &self.services }).expect("the catalog serialises");
            let tag = format!("\"{}\"", hex::encode(&sha2::Sha256::digest(&json)[..16]));
            let mut brotli = Vec::new();
            {
                let mut w = brotli::CompressorWriter::new(&mut brotli, 4096, 11, 22);
                w.write_all(&json).expect("compressing into memory");
            }
            OfflineDocument { tag, json: json.into(), brotli: brotli.into() }
        })
    }

    /// The offline document, if it has been made already.
    pub fn offline_made(&self) -> Option<&OfflineDocument> {
        self.offline.get()
    }

    pub fn search_data(&self) -> &SearchIndexData {
        &self.search_data
    }

    /// The services matching `q`: searched and ranked when `q.q` is given,
    /// otherwise by popularity; then filtered.
    pub fn services(&self, q: &ServiceFilter) -> Vec<ServiceSummary> {
        let matches = |s: &Service| q.admits(&s.category, &s.agency, s.kind, s.level, Some(&s.life_events));
        match q.text() {
            Some(text) => {
                self.search.search(text).into_iter().map(|h| &self.services[h.index]).filter(|s| matches(s)).map(Service::summary).collect()
            }
            None => self.services.iter().filter(|s| matches(s)).map(Service::summary).collect(),
        }
    }
}
