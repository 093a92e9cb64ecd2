//! What the window verifies about each service, beside what the catalog
//! claims: offered only when its agency is connected now (the gateway's
//! checks) and its form's operations are registered and described; fully
//! electronic only when, besides, every document it needs from an agency is
//! fetched by one of the form's inquiries through a connected agency; smart
//! only when, besides, it is zero-touch (its agency's published description
//! says its system decides the service by rules, and every inquiry those
//! rules read is one the window makes for the form, through a connected
//! agency) or proactive (a rule of `data/smart.toml` starts it from an
//! event that its registry, connected, says it publishes; and every
//! eligibility inquiry is described and through a connected agency). No
//! figure here is read from a flag.

use std::collections::{BTreeSet, HashMap};

use panjere_api::stats::{verified_level, Gap, ServiceCheck, ServiceFacts};
use panjere_api::{ElectronicLevel, ServiceKind, Text};

use crate::catalog::Catalog;
use crate::gateway::Gateway;

/// The verified facts, per agency in catalog order, and every service's
/// check.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    pub services: Vec<ServiceCheck>,
    /// Verified facts, by agency id.
    pub facts: HashMap<String, Vec<ServiceFacts>>,
    /// Connected now, by agency id.
    pub connected: HashMap<String, bool>,
}

fn gap(code: &str, subject: Option<Text>) -> Gap {
    Gap { code: code.to_owned(), subject }
}

fn op_text(op: &str) -> Text {
    Text { fa: op.to_owned(), en: op.to_owned() }
}

/// Verifies every service of the catalog against the gateway's live state.
/// Every agency, in catalog order, with `connected` and `stage` as the
/// window verifies them now (the agencies list of the API and of the page).
pub fn live_agencies(catalog: &Catalog, gateway: &Gateway, rules: &crate::smart::rules::Rules) -> Vec<panjere_api::Agency> {
    let v = verify(catalog, gateway, rules);
    let shares = catalog.shares();
    catalog.agencies().iter().map(|a| v.live(a.clone(), &shares)).collect()
}

pub fn verify(catalog: &Catalog, gateway: &Gateway, rules: &crate::smart::rules::Rules) -> Verification {
    let registry = gateway.registry();
    let connections: HashMap<String, crate::gateway::conformance::Connection> =
        registry.agencies.keys().map(|id| (id.clone(), gateway.connection(id))).collect();
    let connected = |agency: &str| connections.get(agency).is_some_and(|c| c.connected());
    let described =
        |op: &str| registry.operations.get(op).is_some_and(|o| connections.get(&o.agency).is_some_and(|c| !c.undescribed.contains(op)));
    let agency_of = |op: &str| registry.operations.get(op).map(|o| o.agency.clone());
    let name_of = |agency: &str| catalog.agency_name(agency).cloned().unwrap_or_else(|| op_text(agency));

    let mut out = Verification {
        connected: catalog.agencies().iter().map(|a| (a.id.clone(), connected(&a.id))).collect(),
        ..Verification::default()
    };
    for s in catalog.all_services() {
        let mut gaps = Vec::new();
        let (fetched, carried) = crate::catalog::other_agency_documents(&s.agency, &s.documents);
        let mut smart = (false, false);
        let (verified, electronic) = match (&s.form, s.kind) {
            // Its content is the window's own page (never smart: nothing is
            // decided or started).
            (_, ServiceKind::Information) => (if s.level == ElectronicLevel::Smart { ElectronicLevel::Fully } else { s.level }, 0),
            (None, _) => {
                gaps.push(gap("no_form", None));
                (ElectronicLevel::InPerson, 0)
            }
            (Some(form), _) => {
                if !connected(&s.agency) {
                    gaps.push(gap("agency_not_connected", Some(name_of(&s.agency))));
                }
                let mut offered = connected(&s.agency);
                for op in [&form.operation, &form.submit, &form.status].into_iter().flatten() {
                    if !described(op) {
                        offered = false;
                        gaps.push(gap("operation_not_described", Some(op_text(op))));
                    }
                }
                // The agencies whose documents the window fetches itself: an
                // inquiry of the form, described, through a connected agency.
                let mut fetched_by: BTreeSet<String> = BTreeSet::new();
                let mut asked_of: BTreeSet<String> = BTreeSet::new();
                for i in &form.inquiries {
                    let Some(agency) = agency_of(&i.operation) else { continue };
                    asked_of.insert(agency.clone());
                    if connected(&agency) && described(&i.operation) {
                        fetched_by.insert(agency);
                    }
                }
                let mut all_fetched = true;
                let mut electronic = 0;
                for d in &s.documents {
                    let Some(from) = &d.fetched_from else { continue };
                    if fetched_by.contains(from) {
                        electronic += u32::from(*from != s.agency);
                    } else {
                        all_fetched = false;
                        let code = if asked_of.contains(from) { "document_agency_not_connected" } else { "document_not_fetched" };
                        gaps.push(gap(code, Some(d.name.clone())));
                    }
                }
                let any_carried = s.documents.iter().any(|d| d.carried_from.is_some());
                if offered && s.level == ElectronicLevel::InPerson {
                    gaps.push(gap("online_part", None));
                }
                for d in s.documents.iter().filter(|d| d.carried_from.is_some()) {
                    gaps.push(gap("document_carried", Some(d.name.clone())));
                }
                let form_reads: BTreeSet<&str> = form.inquiries.iter().map(|i| i.operation.as_str()).collect();
                let zero_touch = offered
                    && connections.get(&s.agency).and_then(|c| c.decides.get(&s.id)).is_some_and(|reads| {
                        reads
                            .iter()
                            .all(|op| form_reads.contains(op.as_str()) && agency_of(op).is_some_and(|a| connected(&a)) && described(op))
                    });
                let proactive = offered
                    && rules.proactive_services().any(|(rule, part)| {
                        part.service == s.id
                            && connected(&rule.agency)
                            && connections.get(&rule.agency).is_some_and(|c| c.publishes.contains(&rule.event))
                            && described(&format!("{}.events", rule.agency))
                            && rule
                                .eligible
                                .iter()
                                .all(|e| agency_of(&e.operation).is_some_and(|a| connected(&a)) && described(&e.operation))
                    });
                smart = (zero_touch, proactive);
                (verified_level(s.level, offered, all_fetched, any_carried, zero_touch || proactive), electronic)
            }
        };
        out.facts.entry(s.agency.clone()).or_default().push(ServiceFacts {
            level: verified,
            popularity: s.popularity,
            inquiries: fetched + carried,
            inquiries_electronic: electronic,
            zero_touch: smart.0,
            proactive: smart.1,
        });
        out.services.push(check(s, verified, gaps));
    }
    out
}

fn check(s: &panjere_api::Service, verified: ElectronicLevel, gaps: Vec<Gap>) -> ServiceCheck {
    ServiceCheck { id: s.id.clone(), agency: s.agency.clone(), name: s.name.clone(), claimed: s.level, verified, gaps }
}

impl Verification {
    /// `agency` as it is now: connected by the gateway's checks, at the
    /// stage its verified services reach.
    pub fn live(&self, mut agency: panjere_api::Agency, shares: &panjere_api::stats::Shares) -> panjere_api::Agency {
        agency.connected = self.connected.get(&agency.id).copied().unwrap_or(false);
        let facts = self.facts.get(&agency.id).map(Vec::as_slice).unwrap_or_default();
        agency.stage = panjere_api::stats::stage(agency.connected, shares, facts);
        agency
    }
}
