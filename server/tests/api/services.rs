//! Every service of the catalog, used through the window's API with a
//! persona: every inquiry answered, every application forwarded to its
//! agency. The round trips an agency can ask for (more information, a
//! rejection with a reason), nothing on record, and an agency whose
//! published description no longer matches its registration.

use std::time::{Duration, Instant};

use panjere_agencies::faults::Faults;
use panjere_api::forms::{Field, FieldType, Form};
use panjere_api::ServiceKind;
use panjere_server::catalog::Catalog;
use serde_json::{json, Value};

use crate::helpers::{copy_of_data, root, Browser, TestApp, TestOptions};

const CITIZEN: (&str, &str) = ("0076229645", "09121111111");

/// A valid value for a field (files are uploaded: see [`fill`]).
fn sample(f: &Field) -> String {
    match &f.kind {
        FieldType::NationalCode => "0034567811".into(),
        FieldType::Mobile => CITIZEN.1.into(),
        FieldType::PostalCode => "1314567891".into(),
        FieldType::Plate => "12ب34567".into(),
        FieldType::JalaliDate => "1405/09/20".into(),
        FieldType::Digits { min, .. } => "1234567890".repeat(4).chars().take(*min as usize).collect(),
        FieldType::Rials { min, max } => (*min).max(1_000).min(*max).to_string(),
        FieldType::Text { min, max, .. } => {
            "نمونه ".repeat(((*min).max(6) as usize).div_ceil(6)).chars().take((*min).max(6).min(*max) as usize).collect()
        }
        FieldType::Choice { options } => options[0].value.clone(),
        FieldType::File { .. } => String::new(),
    }
}

/// Fills and submits `form` as a draft: the submitted request, or the
/// server's refusal.
async fn fill(c: &mut Browser, form: &Form) -> Result<Value, String> {
    let a = c.post("/api/drafts", json!({ "service": form.service })).await;
    if a.status != 201 {
        return Err(format!("draft: {} {}", a.status, a.body));
    }
    let id = a.body["id"].as_str().unwrap_or_default().to_owned();
    let mut values = serde_json::Map::new();
    for f in &form.fields {
        let v = match &f.kind {
            FieldType::File { types, .. } => {
                let bytes = match types[0].as_str() {
                    "image/png" => b"\x89PNG\r\n\x1a\n sample".to_vec(),
                    "image/jpeg" => b"\xFF\xD8\xFF\xE0 sample".to_vec(),
                    _ => b"%PDF-1.4 sample".to_vec(),
                };
                let file = c.upload(&id, &f.name, &types[0], "مدرک", bytes).await;
                file.to_string()
            }
            _ => sample(f),
        };
        values.insert(f.name.clone(), json!(v));
    }
    let a = c.put(&format!("/api/drafts/{id}"), json!({ "values": values, "step": form.step_count() })).await;
    if a.status != 200 {
        return Err(format!("save: {} {}", a.status, a.body));
    }
    let a = c.post(&format!("/api/drafts/{id}/submit"), json!({})).await;
    if a.status != 201 {
        return Err(format!("submit: {} {}", a.status, a.body));
    }
    // A service with a fee waits for it: paid on the provider's page.
    if a.body["status"] == "awaiting_payment" {
        let request = a.body["id"].as_str().unwrap_or_default().to_owned();
        let paid = c.pay_fee(&request, "pay").await;
        if paid["state"] != "success" {
            return Err(format!("fee not paid: {paid}"));
        }
    }
    Ok(a.body)
}

fn values_of(form: &Form) -> Value {
    Value::Object(form.fields.iter().map(|f| (f.name.clone(), json!(sample(f)))).collect())
}

#[tokio::test]
async fn every_service_of_the_catalog_completes_through_the_window() {
    let catalog = Catalog::load(&root().join("data")).unwrap();
    let s = TestApp::spawn(TestOptions { step: Duration::from_millis(200), ..Default::default() }).await;
    let mut c = s.citizen(CITIZEN).await;
    let mut failures = Vec::new();
    let mut submitted = Vec::new();
    let (mut inquiries, mut applications) = (0, 0);
    for service in catalog.all_services() {
        match service.kind {
            ServiceKind::Information => {
                assert!(service.form.is_none(), "{}", service.id);
                continue;
            }
            _ if service.form.is_none() => {
                failures.push(format!("{}: no form", service.id));
                continue;
            }
            _ => {}
        }
        let form = service.form.as_ref().unwrap();
        if service.kind == ServiceKind::Inquiry {
            inquiries += 1;
            let a = c.post(&format!("/api/services/{}/inquiry", service.id), json!({ "values": values_of(form) })).await;
            if a.status != 200 {
                failures.push(format!("{}: inquiry answered {} {}", service.id, a.status, a.body));
                continue;
            }
            let shown = form.result.iter().filter(|r| a.body["result"].pointer(&r.pointer).is_some_and(|v| !v.is_null())).count();
            if shown == 0 {
                failures.push(format!("{}: nothing of the answer to show: {}", service.id, a.body));
            }
        } else {
            applications += 1;
            match fill(&mut c, form).await {
                Ok(r) => submitted.push((service.id.clone(), r["id"].as_str().unwrap_or_default().to_owned())),
                Err(e) => failures.push(format!("{}: {e}", service.id)),
            }
        }
    }
    // Every application reaches its agency (the window's inquiries made
    // first): forwarded, or further on.
    let deadline = Instant::now() + Duration::from_secs(60);
    for (service, id) in &submitted {
        loop {
            let r = c.get(&format!("/api/requests/{id}")).await.body;
            let status = r["status"].as_str().unwrap_or_default().to_owned();
            if panjere_api::requests::rank(&status) >= panjere_api::requests::rank("forwarded") {
                let form = catalog.form(service).unwrap();
                let made = r["inquiries"].as_array().map_or(0, Vec::len);
                if made != form.inquiries.len() {
                    failures.push(format!("{service}: {made} of {} inquiries made: {r}", form.inquiries.len()));
                }
                break;
            }
            if Instant::now() > deadline {
                failures.push(format!("{service}: stuck at {status}: {r}"));
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    assert!(failures.is_empty(), "{} of {} services failed:\n{}", failures.len(), inquiries + applications, failures.join("\n"));
    assert_eq!((inquiries, applications), (73, 222));
}

/// Signs in as `who` and submits a passport application.
async fn passport_for(s: &TestApp, who: (&str, &str)) -> (Browser, String) {
    let mut c = s.citizen(who).await;
    let r = c.apply_for_passport().await;
    (c, r["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn an_agency_asks_for_more_information_and_the_citizen_answers() {
    let s = TestApp::spawn(TestOptions { step: Duration::from_millis(150), ..Default::default() }).await;
    let (mut c, id) = passport_for(&s, ("0093456786", "09120000003")).await;
    let asked = c.wait_for(&id, "more_info").await;
    assert_eq!(asked["status"], "more_info", "{asked}");
    assert!(asked["messages"][0]["text"]["en"].as_str().unwrap().contains("exact address"), "{asked}");

    let (status, e) = c.post(&format!("/api/requests/{id}/reply"), json!({ "text": "" })).await.pair();
    assert_eq!((status, e["error"]["parameter"].as_str()), (400, Some("text")));
    let (status, e) = c.post(&format!("/api/requests/{id}/reply"), json!({ "text": "x", "extra": 1 })).await.pair();
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("bad_body")));
    let (status, r) = c.post(&format!("/api/requests/{id}/reply"), json!({ "text": "تهران، خیابان آزادی، پلاک ۱۲؛ عصرها" })).await.pair();
    assert_eq!((status, r["status"].as_str()), (200, Some("answered")), "{r}");
    let (status, e) = c.post(&format!("/api/requests/{id}/reply"), json!({ "text": "again" })).await.pair();
    assert_eq!((status, e["error"]["code"].as_str()), (409, Some("conflict")), "answered once: {e}");

    let done = c.wait_for(&id, "delivered").await;
    let timeline: Vec<&str> = done["timeline"].as_array().unwrap().iter().filter_map(|e| e["status"].as_str()).collect();
    for st in ["more_info", "answered", "approved", "delivered"] {
        assert!(timeline.contains(&st), "{st} missing: {timeline:?}");
    }
    let messages: Vec<&str> = done["messages"].as_array().unwrap().iter().filter_map(|m| m["text"]["en"].as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("has been issued, number PASSPORT-POLICE-DOC-")), "a document reference: {messages:?}");
}

#[tokio::test]
async fn a_rejection_comes_with_its_reason() {
    let s = TestApp::spawn(TestOptions { step: Duration::from_millis(150), ..Default::default() }).await;
    let (mut c, id) = passport_for(&s, ("0092345670", "09120000002")).await;
    let done = c.wait_for(&id, "rejected").await;
    assert_eq!(done["status"], "rejected", "{done}");
    // The reason is recorded with the status, in one transaction: the
    // first read that shows the refusal shows why.
    let reason = |r: &Value| r["messages"].as_array().unwrap().iter().find_map(|m| m["text"]["fa"].as_str()).unwrap_or_default().to_owned();
    assert!(reason(&done).contains("رد شد"), "{done}");
    let (status, e) = c.post(&format!("/api/requests/{id}/reply"), json!({ "text": "x" })).await.pair();
    assert_eq!(status, 409, "{e}");
}

#[tokio::test]
async fn nothing_on_record_is_a_plain_not_found() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(("0091234565", "09120000001")).await;
    let (status, e) = c.post("/api/services/negative-points/inquiry", json!({ "values": {} })).await.pair();
    assert_eq!((status, e["error"]["code"].as_str(), e["error"]["agency"].as_str()), (404, Some("not_found"), Some("traffic-police")));
}

async fn stats(c: &mut Browser) -> Value {
    c.get("/api/stats").await.body
}

async fn wait_until(c: &mut Browser, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let st = stats(c).await;
        if ok(&st) {
            return st;
        }
        assert!(Instant::now() < deadline, "{what}: {}", st["national"]);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Information services whose content is offered only in person.
fn in_person_pages() -> u64 {
    let catalog = Catalog::load(&root().join("data")).unwrap();
    let pages = catalog.all_services().iter().filter(|s| s.kind == ServiceKind::Information);
    pages.filter(|s| s.level == panjere_api::ElectronicLevel::InPerson).count() as u64
}

fn agency<'a>(st: &'a Value, id: &str) -> &'a Value {
    st["agencies"].as_array().unwrap().iter().find(|a| a["id"] == id).unwrap()
}

#[tokio::test]
async fn a_description_that_no_longer_matches_disconnects_the_agency_and_moves_the_figures() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.browser();
    let all = wait_until(&mut c, "every agency connected", |st| st["national"]["agencies_connected"] == st["national"]["agencies"]).await;
    let n = &all["national"];
    assert_eq!(n["agencies_connected"], 72, "{n}");
    let in_person_pages = in_person_pages();
    assert_eq!(
        n["counts"]["services"].as_u64().unwrap() - n["counts"]["offered"].as_u64().unwrap(),
        in_person_pages,
        "every inquiry and application offered: {n}"
    );
    assert!(agency(&all, "tax")["connected"].as_bool().unwrap());
    assert_eq!(agency(&all, "tax")["counts"]["offered"], 10);

    // The tax administration publishes a description every path of which
    // has moved: it is no longer connected, and its services not offered.
    s.fault("tax", Faults { drift: true, ..Default::default() });
    let drifted = wait_until(&mut c, "tax disconnected", |st| agency(st, "tax")["connected"] == false).await;
    assert_eq!(drifted["national"]["agencies_connected"], 71);
    assert_eq!(agency(&drifted, "tax")["counts"]["offered"], 0);
    assert_eq!(agency(&drifted, "tax")["claimed"]["offered"], 10, "the claim stays");
    let offered = |st: &Value| st["national"]["counts"]["offered"].as_u64().unwrap();
    assert_eq!(offered(&all) - offered(&drifted), 10);
    let clearance = drifted["differences"].as_array().unwrap().iter().find(|d| d["id"] == "tax-clearance").expect("tax-clearance differs");
    assert_eq!((clearance["claimed"].as_str(), clearance["verified"].as_str()), (Some("fully_electronic"), Some("in_person")));
    let codes: Vec<&str> = clearance["gaps"].as_array().unwrap().iter().filter_map(|g| g["code"].as_str()).collect();
    assert_eq!(codes, ["agency_not_connected", "operation_not_described"]);
    // A service elsewhere that fetches its tax clearance is no longer fully electronic.
    let trade = drifted["differences"].as_array().unwrap().iter().find(|d| d["id"] == "trade-card").expect("trade-card differs");
    assert_eq!(trade["verified"], "partly_electronic", "{trade}");

    let status = c.get("/api/status").await.body;
    let tax = status["agencies"].as_array().unwrap().iter().find(|a| a["id"] == "tax").unwrap();
    assert_eq!(tax["connected"], false);
    let problems: Vec<&str> = tax["problems"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(problems.contains(&"tax.clearance: path /v1/clearances/{national_code} is not in the agency's description"), "{problems:?}");
    let mut citizen = s.citizen(CITIZEN).await;
    let (code, e) = citizen.post("/api/services/tax-clearance/inquiry", json!({ "values": {} })).await.pair();
    assert_eq!((code, e["error"]["code"].as_str(), e["error"]["agency"].as_str()), (503, Some("not_offered"), Some("tax")), "{e}");
    // Other agencies' services are untouched.
    let (code, _) = citizen.post("/api/services/driving-licence-status/inquiry", json!({ "values": {} })).await.pair();
    assert_eq!(code, 200);

    s.fault("tax", Faults::default());
    let back = wait_until(&mut c, "tax connected again", |st| agency(st, "tax")["connected"] == true).await;
    assert_eq!(offered(&back), offered(&all));
}

#[tokio::test]
async fn a_refused_credential_disconnects_the_agency() {
    let s =
        TestApp::spawn(TestOptions { env: vec![("PANJERE_AGENCY_CUSTOMS_KEY".into(), "not-the-key".into())], ..Default::default() }).await;
    let mut c = s.browser();
    let st = wait_until(&mut c, "customs checked", |st| st["national"]["agencies_connected"] == 71).await;
    assert_eq!(agency(&st, "customs")["connected"], false);
    let status = c.get("/api/status").await.body;
    let customs = status["agencies"].as_array().unwrap().iter().find(|a| a["id"] == "customs").unwrap();
    assert_eq!(customs["problems"], json!(["the agency refused the window's credential"]));
}

#[tokio::test]
async fn a_removed_form_takes_its_service_out_of_the_verified_figures() {
    let data = copy_of_data();
    std::fs::remove_file(data.path().join("forms/cra.toml")).unwrap();
    let s = TestApp::spawn(TestOptions { catalog_dir: Some(data.path().to_owned()), ..Default::default() }).await;
    let mut c = s.browser();
    let st = wait_until(&mut c, "every agency connected", |st| st["national"]["agencies_connected"] == 72).await;
    let cra = agency(&st, "cra");
    assert_eq!((cra["claimed"]["offered"].as_u64(), cra["counts"]["offered"].as_u64()), (Some(5), Some(0)));
    let n = &st["national"];
    assert_eq!(n["counts"]["services"].as_u64().unwrap() - n["counts"]["offered"].as_u64().unwrap(), 5 + in_person_pages());
    let sims = st["differences"].as_array().unwrap().iter().find(|d| d["id"] == "sim-ownership-inquiry").unwrap();
    assert_eq!(sims["gaps"][0]["code"], "no_form");
}

/// The new agency's own system, written from scratch as its integration
/// team would: its credential, a health check, its published description
/// and its one operation.
async fn chamber_of_commerce(key: &'static str) -> String {
    use axum::extract::Path;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::get;
    let authorised = move |h: &HeaderMap| h.get("authorization").and_then(|v| v.to_str().ok()) == Some(&*format!("Bearer {key}"));
    let app = axum::Router::new()
        .route(
            "/health",
            get(move |h: HeaderMap| async move {
                if authorised(&h) {
                    (StatusCode::OK, axum::Json(json!({ "status": "up" })))
                } else {
                    (StatusCode::UNAUTHORIZED, axum::Json(json!({ "error": "credential" })))
                }
            }),
        )
        .route(
            "/.well-known/openapi.json",
            get(move |h: HeaderMap| async move {
                if !authorised(&h) {
                    return (StatusCode::UNAUTHORIZED, axum::Json(json!({ "error": "credential" })));
                }
                (StatusCode::OK, axum::Json(json!({
                    "openapi": "3.0.3",
                    "info": { "title": "Iran Chamber of Commerce: members", "version": "1" },
                    "paths": { "/v1/members/{card}": { "get": {
                        "parameters": [{ "name": "card", "in": "path", "required": true, "schema": { "type": "string", "format": "digits" } }],
                        "responses": { "200": { "description": "The member", "content": { "application/json": { "schema": {
                            "type": "object", "properties": { "valid": { "type": "boolean" }, "valid_until": { "type": "string", "format": "date" } } } } } } }
                    } } }
                })))
            }),
        )
        .route(
            "/v1/members/{card}",
            get(move |h: HeaderMap, Path(card): Path<String>| async move {
                if !authorised(&h) {
                    return (StatusCode::UNAUTHORIZED, axum::Json(json!({ "error": "credential" })));
                }
                (StatusCode::OK, axum::Json(json!({ "card": card, "valid": card.ends_with('7'), "valid_until": "2027-03-20" })))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// README, "Adding an agency", step by step.
#[tokio::test]
async fn an_agency_is_added_from_scratch_with_data_and_a_check() {
    let data = copy_of_data();
    let d = data.path();
    let append = |file: &str, text: &str| {
        let path = d.join(file);
        let mut all = std::fs::read_to_string(&path).unwrap_or_default();
        all.push_str(text);
        std::fs::write(path, all).unwrap();
    };
    // 1. Its entry in the catalog, and its service.
    append(
        "agencies.toml",
        r#"
[[agency]]
id = "chamber-of-commerce"
fa = "اتاق بازرگانی، صنایع، معادن و کشاورزی ایران"
en = "Iran Chamber of Commerce, Industries, Mines and Agriculture"
short_fa = "اتاق بازرگانی"
short_en = "Chamber of Commerce"
kind = "organisation"
description_fa = "صدور و تمدید کارت عضویت بازرگانان و نمایندگی بخش خصوصی."
description_en = "Issues and renews traders' membership cards and represents the private sector."
connected_on = "1405-09-13"
website = "https://iccima.ir"
"#,
    );
    append(
        "services/chamber-of-commerce.toml",
        r#"agency = "chamber-of-commerce"

[[service]]
id = "chamber-membership-check"
fa = "استعلام کارت عضویت اتاق بازرگانی"
en = "Chamber of commerce membership check"
summary_fa = "ببینید کارت عضویت یک بازرگان در اتاق بازرگانی معتبر است یا نه."
summary_en = "Check whether a trader's chamber of commerce membership card is valid."
category = "business"
kind = "inquiry"
level = "fully_electronic"
fee = 0
days = 0
popularity = 300
keywords = ["کارت عضویت", "اتاق بازرگانی"]
"#,
    );
    // 2. Its operations, as the window registers them.
    append(
        "operations.toml",
        r#"
[[operation]]
id = "chamber.membership"
agency = "chamber-of-commerce"
method = "GET"
path = "/v1/members/{card}"
params = { card = "digits" }
idempotent = true
"#,
    );
    // 3. Its form.
    append(
        "forms/chamber-of-commerce.toml",
        r#"[[form]]
service = "chamber-membership-check"
operation = "chamber.membership"
params = { card = "card" }

[[form.fields]]
name = "card"
type = "digits"
min = 11
max = 11
label = { fa = "شماره کارت عضویت", en = "Membership card number" }

[[form.result]]
pointer = "/valid"
format = "yes_no"
label = { fa = "کارت معتبر است", en = "Card valid" }

[[form.result]]
pointer = "/valid_until"
format = "date"
label = { fa = "اعتبار تا", en = "Valid until" }
"#,
    );
    // 4. Where its system is, and 5. its secret (in the environment).
    let url = chamber_of_commerce("chamber-secret").await;
    let agencies = d.join("agencies-config.toml");
    let mut config = std::fs::read_to_string(root().join("config/agencies.toml")).unwrap();
    config.push_str(&format!("\n[agency.chamber-of-commerce]\nbase_url = \"{url}\"\n"));
    std::fs::write(&agencies, config).unwrap();

    let s = TestApp::spawn(TestOptions {
        catalog_dir: Some(d.to_owned()),
        agencies_file: Some(agencies),
        env: vec![("PANJERE_AGENCY_CHAMBER_OF_COMMERCE_KEY".into(), "chamber-secret".into())],
        ..Default::default()
    })
    .await;
    s.state.gateway().probe_all().await;
    let mut c = s.browser();
    let status = c.get("/api/status").await.body;
    let chamber = status["agencies"].as_array().unwrap().iter().find(|a| a["id"] == "chamber-of-commerce").expect("listed");
    assert_eq!((chamber["connected"].as_bool(), &chamber["problems"]), (Some(true), &Value::Null), "{chamber}");
    let st = stats(&mut c).await;
    assert_eq!((st["national"]["agencies"].as_u64(), st["national"]["agencies_connected"].as_u64()), (Some(73), Some(73)));
    let a = agency(&st, "chamber-of-commerce");
    assert_eq!((a["counts"]["offered"].as_u64(), a["counts"]["fully_electronic"].as_u64()), (Some(1), Some(1)), "{a}");

    let mut citizen = s.citizen(CITIZEN).await;
    let (code, answer) =
        citizen.post("/api/services/chamber-membership-check/inquiry", json!({ "values": { "card": "۱۰۱۲۳۴۵۶۷۸۷" } })).await.pair();
    assert_eq!((code, &answer["result"]["valid"], &answer["result"]["card"]), (200, &json!(true), &json!("10123456787")), "{answer}");
    let (code, e) = citizen.post("/api/services/chamber-membership-check/inquiry", json!({ "values": { "card": "123" } })).await.pair();
    assert_eq!((code, e["error"]["fields"]["card"]["code"].as_str()), (422, Some("digits_length")));
}

#[test]
fn a_form_naming_an_unknown_operation_or_field_type_is_refused_with_its_file() {
    let data = copy_of_data();
    let path = data.path().join("forms/post.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("operation = \"post.parcel\"", "operation = \"post.nowhere\"", 1)).unwrap();
    let catalog = Catalog::load(data.path()).unwrap();
    let registry = panjere_server::gateway::registry::Registry::new(
        panjere_server::config::Config { agencies_file: root().join("config/agencies.toml"), ..Default::default() }
            .agencies(&|_| None)
            .unwrap(),
        &data.path().join("operations.toml"),
    )
    .unwrap();
    let e = panjere_server::catalog::forms::check_operations(&catalog, &registry).unwrap_err();
    assert!(e.contains("forms/post.toml, form parcel-tracking: operation post.nowhere is not in the operations file"), "{e}");

    std::fs::write(&path, text.replacen("type = \"digits\"", "type = \"barcode\"", 1)).unwrap();
    let e = Catalog::load(data.path()).unwrap_err().to_string();
    assert!(e.contains("forms/post.toml") && e.contains("barcode"), "{e}");
}
