//! Unit tests of the browser's own search and lists.

use super::*;
use panjere_api::Text;
use panjere_api::{Audience, ElectronicLevel, SearchIndexData, ServiceKind, ServiceSummary};

fn summary(id: &str, fa: &str, en: &str, agency: &str, kind: ServiceKind) -> ServiceSummary {
    ServiceSummary {
        id: id.into(),
        agency: agency.into(),
        agency_name: Text::default(),
        category: "c".into(),
        kind,
        level: ElectronicLevel::Fully,
        audience: Audience::Citizen,
        name: Text { fa: fa.into(), en: en.into() },
        summary: Text::default(),
        popularity: 1,
    }
}

fn data() -> SearchIndexData {
    let mut services = vec![
        summary("passport", "صدور گذرنامه", "Issuing a passport", "passport-police", ServiceKind::Application),
        summary("fines", "استعلام خلافی خودرو", "Traffic fines", "traffic-police", ServiceKind::Inquiry),
    ];
    for i in 0..30 {
        services.push(summary(&format!("s{i}"), "خدمت", "Service", "tax", ServiceKind::Information));
    }
    let extra_terms = services.iter().map(|_| vec![]).collect();
    SearchIndexData { services, extra_terms, life_events: Vec::new() }
}

#[test]
fn offline_search_filters_and_pages_like_the_server() {
    let d = data();
    let f = |q: Option<&str>, page: usize| ServiceFilter { q: q.map(str::to_owned), page, ..Default::default() };
    let p = local_services(&d, &f(Some("گذرنامه"), 1)).unwrap();
    assert_eq!(p.total, 1);
    assert_eq!(p.items[0].id, "passport");
    // Arabic letters and a typo still find it, as on the server.
    assert_eq!(local_services(&d, &f(Some("خلافي"), 1)).unwrap().items[0].id, "fines");
    // Lists page by 20.
    let all = local_services(&d, &f(None, 2)).unwrap();
    assert_eq!((all.total, all.items.len(), all.page), (32, 12, 2));
    let by_agency = ServiceFilter { agency: Some("tax".into()), kind: Some(ServiceKind::Information), page: 1, ..Default::default() };
    assert_eq!(local_services(&d, &by_agency).unwrap().total, 30);
    // An index cached before it carried life events: the caller reports
    // being offline.
    assert!(local_services(&d, &ServiceFilter { event: Some("birth".into()), page: 1, ..Default::default() }).is_none());
}

#[test]
fn life_event_lists_offline_from_the_index() {
    let mut d = data();
    d.life_events = d.services.iter().map(|s| if s.id == "passport" || s.id == "s3" { vec!["travel".into()] } else { vec![] }).collect();
    let travel = |q: Option<&str>| ServiceFilter { q: q.map(str::to_owned), event: Some("travel".into()), page: 1, ..Default::default() };
    let p = local_services(&d, &travel(None)).unwrap();
    assert_eq!(p.items.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["passport", "s3"]);
    assert_eq!(local_services(&d, &travel(Some("گذرنامه"))).unwrap().total, 1);
    assert_eq!(local_services(&d, &ServiceFilter { event: Some("birth".into()), page: 1, ..Default::default() }).unwrap().total, 0);
}
