//! Catalog validation: the real `data/` and deliberately broken copies.

use std::path::{Path, PathBuf};

use super::Catalog;
use panjere_api::ServiceFilter as ServiceQuery;
use panjere_api::{ElectronicLevel, ServiceKind};

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data")
}

/// A copy of `data/` in a temporary directory, to break on purpose.
fn copy_of_data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = data_dir();
    std::fs::create_dir_all(dir.path().join("services")).unwrap();
    for name in ["agencies.toml", "categories.toml", "synonyms.toml", "targets.toml"] {
        std::fs::copy(src.join(name), dir.path().join(name)).unwrap();
    }
    for e in std::fs::read_dir(src.join("services")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join("services").join(e.file_name())).unwrap();
    }
    dir
}

fn edit(dir: &Path, rel: &str, from: &str, to: &str) {
    let p = dir.join(rel);
    let s = std::fs::read_to_string(&p).unwrap();
    assert!(s.contains(from), "{rel} does not contain {from:?}");
    std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
}

fn errors_of(dir: &Path) -> Vec<String> {
    match Catalog::load(dir) {
        Ok(_) => panic!("the broken catalog was accepted"),
        Err(e) => e.0,
    }
}

#[test]
fn the_real_catalog_is_valid_and_large_enough() {
    let c = Catalog::load(&data_dir()).unwrap_or_else(|e| panic!("{e}"));
    assert!(c.agencies().len() >= 60, "{} agencies", c.agencies().len());
    assert!(c.service_count() >= 300, "{} services", c.service_count());
    // every agency offers at least one service
    for a in c.agencies() {
        assert!(a.service_count > 0, "agency {} has no service", a.id);
    }
    // each kind and level is represented
    for k in ServiceKind::ALL {
        assert!(!c.services(&ServiceQuery { kind: Some(*k), ..Default::default() }).is_empty(), "{k:?}");
    }
    for l in ElectronicLevel::ALL {
        assert!(!c.services(&ServiceQuery { level: Some(*l), ..Default::default() }).is_empty(), "{l:?}");
    }
}

#[test]
fn the_inquiry_services_later_issues_rely_on_exist() {
    let c = Catalog::load(&data_dir()).unwrap();
    for id in [
        "traffic-fines",
        "driving-licence-status",
        "passport-status",
        "tax-clearance",
        "insurance-record",
        "postal-code-address",
        "military-service-status",
    ] {
        let s = c.service(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(s.kind, ServiceKind::Inquiry, "{id}");
    }
    let passport = c.service("passport-issuance").unwrap();
    assert!(passport.documents.iter().any(|d| d.fetched_from.as_deref() == Some("conscription")));
    let licence = c.service("business-licence").unwrap();
    assert!(licence.documents.iter().any(|d| d.fetched_from.as_deref() == Some("tax")));
}

#[test]
fn arabic_yeh_query_finds_tax_services_and_synonyms_work() {
    let c = Catalog::load(&data_dir()).unwrap();
    let q = |text: &str| c.services(&ServiceQuery { q: Some(text.into()), ..Default::default() });
    let tax = q("ماليات");
    let ids: Vec<&str> = tax.iter().map(|s| s.id.as_str()).collect();
    // every service of the tax administration is found, and they come first
    let tax_agency = c.agency("tax").unwrap().services;
    for s in &tax_agency {
        assert!(ids.contains(&s.id.as_str()), "{} not found in {ids:?}", s.id);
    }
    assert!(tax.iter().take(5).all(|s| s.agency == "tax"), "{ids:?}");
    let by_standard = q("گذرنامه");
    let by_synonym = q("پاسپورت");
    assert!(by_standard.iter().any(|s| s.id == "passport-issuance"));
    assert!(by_synonym.iter().any(|s| s.id == "passport-issuance"));
    assert!(by_synonym.iter().any(|s| s.id == "passport-status"));
    assert!(q("passport").iter().any(|s| s.id == "passport-issuance"));
    // Persian digits and a typo still find things
    assert!(q("خلافي خودرو").iter().any(|s| s.id == "traffic-fines"));
    assert!(q("گواهینامه").iter().any(|s| s.id == "driving-licence-renewal"));
}

#[test]
fn arabic_letters_are_refused_with_file_and_entry() {
    let dir = copy_of_data();
    edit(dir.path(), "services/tax.toml", "fa = \"استعلام مفاصاحساب مالیاتی\"", "fa = \"استعلام مفاصاحساب ماليات\"");
    let errs = errors_of(dir.path());
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].starts_with("services/tax.toml: service 'tax-clearance': `fa` has the Arabic letter 'ي'"), "{}", errs[0]);
}

#[test]
fn duplicate_ids_are_refused() {
    let dir = copy_of_data();
    edit(dir.path(), "services/post.toml", "id = \"parcel-tracking\"", "id = \"tax-clearance\"");
    let errs = errors_of(dir.path());
    assert_eq!(
        errs,
        vec!["services/tax.toml: service 'tax-clearance': duplicate service id 'tax-clearance' (first defined in services/post.toml)"
            .to_owned()]
    );
}

#[test]
fn unknown_agency_category_and_document_source_are_refused() {
    let dir = copy_of_data();
    edit(dir.path(), "services/post.toml", "agency = \"post\"", "agency = \"postal-service\"");
    edit(dir.path(), "services/tax.toml", "category = \"tax\"", "category = \"taxes\"");
    edit(dir.path(), "services/sabt-ahval.toml", "from = \"health-ministry\"", "from = \"hospital\"");
    let errs = errors_of(dir.path());
    assert!(errs.iter().any(|e| e == "services/post.toml: agency 'postal-service' is not defined in agencies.toml"), "{errs:?}");
    assert!(
        errs.iter().any(|e| e == "services/post.toml: the services of agency 'postal-service' belong in services/postal-service.toml"),
        "{errs:?}"
    );
    assert!(
        errs.iter().any(|e| e.starts_with("services/tax.toml: service 'tax-file-registration': category 'taxes' is not defined")),
        "{errs:?}"
    );
    assert!(errs.iter().any(|e| e.contains("service 'birth-registration': document #1: `from` names agency 'hospital'")), "{errs:?}");
}

#[test]
fn missing_required_fields_are_named() {
    let dir = copy_of_data();
    edit(dir.path(), "services/post.toml", "en = \"Address from postal code\"\n", "");
    edit(dir.path(), "services/post.toml", "popularity = 5\n", "");
    edit(dir.path(), "agencies.toml", "website = \"https://post.ir\"", "website = \"http://post.ir\"");
    let errs = errors_of(dir.path());
    assert!(
        errs.iter().any(|e| e == "services/post.toml: service 'postal-code-address': required field `en` is missing or empty"),
        "{errs:?}"
    );
    assert!(errs.iter().any(|e| e.starts_with("services/post.toml: service 'postal-code-address': `popularity` is required")), "{errs:?}");
    assert!(errs.iter().any(|e| e.starts_with("agencies.toml: agency 'post': `website` must be an https://")), "{errs:?}");
}

#[test]
fn bad_values_and_syntax_are_refused() {
    let dir = copy_of_data();
    edit(dir.path(), "services/post.toml", "level = \"fully_electronic\"", "level = \"online\"");
    edit(dir.path(), "agencies.toml", "connected_on = \"1400-12-08\"", "connected_on = \"1400-13-08\"");
    std::fs::write(dir.path().join("services/broken.toml"), "agency = \"broken\"\n[[service]\n").unwrap();
    let errs = errors_of(dir.path());
    assert!(errs.iter().any(|e| e.starts_with("services/post.toml: service 'postal-code-address': unknown `level` 'online' (expected one of: in_person, partly_electronic, fully_electronic, smart)")), "{errs:?}");
    assert!(
        errs.iter().any(|e| e.starts_with("agencies.toml: agency 'post': `connected_on`: '1400-13-08' is not a valid Jalali date")),
        "{errs:?}"
    );
    assert!(errs.iter().any(|e| e.starts_with("services/broken.toml: not valid TOML")), "{errs:?}");
}

#[test]
fn unknown_fields_are_refused() {
    let dir = copy_of_data();
    edit(dir.path(), "services/post.toml", "popularity = 5\n", "popularity = 5\npopularty = 4\n");
    let errs = errors_of(dir.path());
    assert!(errs.iter().any(|e| e.starts_with("services/post.toml: not valid TOML") && e.contains("popularty")), "{errs:?}");
}

#[test]
fn unconnected_agencies_cannot_offer_fully_electronic_services() {
    let dir = copy_of_data();
    edit(dir.path(), "services/endowment.toml", "level = \"in_person\"", "level = \"fully_electronic\"");
    let errs = errors_of(dir.path());
    assert!(
        errs.iter().any(|e| e
            == "services/endowment.toml: service 'endowment-lease': a fully_electronic service needs its agency connected to the window"),
        "{errs:?}"
    );
}

fn stage_of(c: &Catalog, id: &str) -> u8 {
    c.agencies().iter().find(|a| a.id == id).unwrap().stage
}

#[test]
fn stages_are_computed_from_the_services() {
    let c = Catalog::load(&data_dir()).unwrap_or_else(|e| panic!("{e}"));
    // Not connected: stage 0, whatever its services.
    assert_eq!(stage_of(&c, "endowment"), 0);
    // The welfare organisation makes citizens carry a medical report.
    assert!(stage_of(&c, "welfare") <= 2);
    // Every stage but 1 occurs in the real catalog (no connected agency
    // keeps its most used service off the window any more).
    for s in [0, 2, 3, 4] {
        assert!(c.agencies().iter().any(|a| a.stage == s), "no agency at stage {s}");
    }
    // An agency that offers a third online, but not its most used service
    // (the migration organisation's census of foreign nationals back in an
    // office): stage 1.
    let dir = copy_of_data();
    let path = dir.path().join("services/migration-org.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let census = text.find("id = \"foreign-national-census\"").unwrap();
    let level = census + text[census..].find("level = \"fully_electronic\"").unwrap();
    let text = format!("{}level = \"in_person\"{}", &text[..level], &text[level + "level = \"fully_electronic\"".len()..]);
    std::fs::write(&path, text).unwrap();
    let moved = Catalog::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stage_of(&moved, "migration-org"), 1);

    // Making the welfare organisation's services all fully electronic with
    // the window fetching the report moves it to stage 3 or 4.
    let dir = copy_of_data();
    let path = dir.path().join("services/welfare.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("partly_electronic", "fully_electronic").replace("in_person", "fully_electronic").replace("carried_from", "from"),
    )
    .unwrap();
    let changed = Catalog::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(stage_of(&changed, "welfare") >= 3, "stage {}", stage_of(&changed, "welfare"));
}

#[test]
fn carried_documents_and_targets_are_checked() {
    let dir = copy_of_data();
    // A fully electronic service cannot make the citizen carry a paper.
    edit(dir.path(), "services/sabt-ahval.toml", "from = \"health-ministry\"", "carried_from = \"health-ministry\"");
    edit(dir.path(), "targets.toml", "share = \"1/5\"", "share = \"20%\"");
    edit(dir.path(), "targets.toml", "due = \"1402-09\"", "due = \"1402-13\"");
    edit(dir.path(), "targets.toml", "id = \"offered_third\"", "id = \"offered_half\"");
    let errs = errors_of(dir.path());
    assert!(errs.iter().any(|e| e.contains("cannot make the citizen carry a document from 'health-ministry'")), "{errs:?}");
    assert!(errs.iter().any(|e| e == "targets.toml: target 'smart': `share`: '20%' is not a fraction like 1/3"), "{errs:?}");
    assert!(
        errs.iter().any(|e| e.starts_with("targets.toml: target 'inquiries_electronic': `due`: '1402-13' is not a valid Jalali month")),
        "{errs:?}"
    );
    assert!(errs.iter().any(|e| e.starts_with("targets.toml: target 'offered_half': unknown target")), "{errs:?}");
    assert!(errs.iter().any(|e| e == "targets.toml: target 'offered_third' is missing"), "{errs:?}");
}

/// The indexed search answers every probe of the real catalog's words
/// (beginnings, middles, one typo of each kind, whole texts with and
/// without spaces) exactly as the linear reference does: same services,
/// order and scores.
#[test]
fn indexed_search_agrees_with_the_linear_search_on_the_real_catalog() {
    use panjere_api::search::{linear, SearchIndex};
    let c = Catalog::load(&data_dir()).unwrap_or_else(|e| panic!("{e}"));
    let data = c.search_data();
    let (indexed, reference) = (SearchIndex::new(data), linear::LinearIndex::new(data));
    let probes = linear::probe_queries(data);
    assert!(probes.len() > 10_000, "{} probes", probes.len());
    // Every probe takes minutes in a debug build (the linear search is the
    // slow part): an even sample of 1,000 of them, a different one each run.
    let step = probes.len() / 1_000;
    let offset = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as usize) % step;
    let queries: Vec<&String> = probes.iter().skip(offset).step_by(step).collect();
    let mut found = 0;
    for q in queries.iter().copied() {
        let hits = indexed.search(q);
        assert_eq!(hits, reference.search(q), "query {q:?} (sample from {offset} every {step})");
        found += usize::from(!hits.is_empty());
    }
    // the probes are not vacuous: most find something
    assert!(found * 2 > queries.len(), "{found} of {} queries found a service (from {offset})", queries.len());
}
