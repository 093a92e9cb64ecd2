//! Using a service, against real simulated agencies and a real server on
//! free ports (agencies call it back with signed status updates): inquiries,
//! applications with the window's own inter-agency inquiries, queueing while
//! an agency is down, restarts, duplicates, access control, tracking.

use std::time::Duration;

use panjere_agencies::faults::Faults;
use serde_json::{json, Value};

use crate::helpers::{TestApp, TestOptions};

#[tokio::test]
async fn every_inquiry_service_answers_through_the_gateway() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(("0034567811", "09125555555")).await;
    let cases = [
        ("traffic-fines", json!({ "plate": "۱۲ ب ۳۴۵ ایران ۶۷" }), "/total_rials"),
        ("driving-licence-status", json!({}), "/status"),
        ("passport-status", json!({}), "/status"),
        ("tax-clearance", json!({}), "/cleared"),
        ("insurance-record", json!({}), "/total_months"),
        ("postal-code-address", json!({ "postal_code": "1314567891" }), "/address"),
        ("military-service-status", json!({}), "/status"),
    ];
    for (service, values, pointer) in cases {
        let (status, a) = c.post(&format!("/api/services/{service}/inquiry"), json!({ "values": values })).await.pair();
        assert_eq!(status, 200, "{service}: {a}");
        assert!(a["result"].pointer(pointer).is_some(), "{service}: no {pointer} in {a}");
        assert!(a["answered_at"].as_str().unwrap().ends_with('Z'));
        assert!(!a["agency_name"]["fa"].as_str().unwrap().is_empty());
    }
    // Bad values: per-field errors, nothing sent.
    let (status, e) = c.post("/api/services/traffic-fines/inquiry", json!({ "values": { "plate": "12B345" } })).await.pair();
    assert_eq!((status, e["error"]["code"].as_str()), (422, Some("invalid_form")));
    assert_eq!(e["error"]["fields"]["plate"]["code"], "plate");
    let (status, _) = c.post("/api/services/passport-issuance/inquiry", json!({})).await.pair();
    assert_eq!(status, 400, "an application is not an inquiry");
    let mut anonymous = s.browser();
    assert_eq!(anonymous.post("/api/services/tax-clearance/inquiry", json!({})).await.pair().0, 401);
}

#[tokio::test]
async fn an_application_with_the_windows_own_inquiry_is_tracked_to_the_end() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(("0076229645", "09121111111")).await;
    let r = c.apply_for_passport().await;
    let code = r["tracking_code"].as_str().unwrap();
    assert_eq!(panjere_api::tracking::parse(code).as_deref(), Some(code), "a valid tracking code");
    assert_eq!(r["payments"][0]["state"], "success", "its fee paid: {r}");
    let id = r["id"].as_str().unwrap().to_owned();

    let done = c.wait_for(&id, "delivered").await;
    let timeline: Vec<&str> = done["timeline"].as_array().unwrap().iter().map(|e| e["status"].as_str().unwrap()).collect();
    assert_eq!(timeline[..2], ["awaiting_payment", "submitted"], "submitted once its fee was paid");
    for status in ["forwarded", "in_review", "delivered"] {
        assert!(timeline.contains(&status), "{status} missing from {timeline:?}");
    }
    assert!(timeline.contains(&"approved") || timeline.contains(&"rejected"));
    let fetched: Vec<&str> = done["inquiries"].as_array().unwrap().iter().map(|i| i["agency_name"]["en"].as_str().unwrap()).collect();
    assert_eq!(
        fetched,
        ["National Organization for Civil Registration", "Public Conscription Organization (FARAJA)", "Iran Post Company"],
        "identity, military service and address, fetched by the window: {done}"
    );
    assert!(done["answers"].as_array().unwrap().iter().any(|a| a["field"] == "purpose" && a["value"]["en"] == "Tourism"));
    assert_eq!(s.applications("passport-police"), 1);

    // The inbox has a notification per status change.
    let (_, inbox) = c.get("/api/inbox").await.pair();
    let items = inbox["items"].as_array().unwrap();
    assert!(items.len() >= 4, "{inbox}");
    // The fee's receipt is there too, read (the citizen paid it).
    assert!(items.iter().any(|n| n["status"] == "paid" && n["read"] == true), "{inbox}");
    let unread = items.iter().filter(|n| n["read"] == false).count();
    assert_eq!(unread, items.len() - 1, "{inbox}");
    assert_eq!(inbox["unread"].as_u64().unwrap() as usize, unread);
    assert_eq!(c.get("/api/inbox/unread").await.pair().1, json!({ "unread": unread }));
    let first = items.iter().find(|n| n["read"] == false).unwrap()["id"].as_str().unwrap().to_owned();
    assert_eq!(c.post(&format!("/api/inbox/{first}/read"), json!({})).await.pair().0, 204);
    assert_eq!(c.get("/api/inbox").await.pair().1["unread"].as_u64().unwrap() as usize, unread - 1);
    assert_eq!(c.get("/api/inbox/unread").await.pair().1, json!({ "unread": unread - 1 }));
    // The agency's notice on delivery is in the inbox too.
    let notices: Vec<&str> = items.iter().filter(|n| n["status"] == "notice").filter_map(|n| n["notice"]["en"].as_str()).collect();
    assert!(notices.iter().any(|n| n.contains("posted to your address")), "{notices:?}");

    // "Who used my data": the conscription inquiry, on the passport police's behalf, for this request.
    let (_, uses) = c.get("/api/me/data-use").await.pair();
    let inquiry =
        uses["items"].as_array().unwrap().iter().find(|u| u["operation"] == "conscription.status").expect("the inquiry is listed");
    assert_eq!(inquiry["requested_by_name"]["en"], "Immigration and Passport Police (FARAJA)");
    assert_eq!(inquiry["tracking_code"], code);

    // Track by code: status only, and only with the right national code.
    let mut anyone = s.browser();
    let (status, t) = anyone.get(&format!("/api/track/{}?national_code=0076229645", code.to_lowercase())).await.pair();
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["status"], done["status"]);
    assert!(t.get("answers").is_none() && !t.to_string().contains("0076229645"), "no personal data: {t}");
    assert_eq!(anyone.get(&format!("/api/track/{code}?national_code=0034567811")).await.pair().0, 404);
    let mut wrong = code.to_owned();
    wrong.replace_range(0..1, if code.starts_with('1') { "2" } else { "1" });
    assert_eq!(anyone.get(&format!("/api/track/{wrong}?national_code=0076229645")).await.pair().0, 400, "check digit");
}

#[tokio::test]
async fn agency_down_at_submit_queues_then_delivers_once_and_survives_a_restart() {
    let mut s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(("0076229645", "09121111111")).await;
    s.fault("passport-police", Faults { refuse: true, ..Default::default() });
    let r = c.apply_for_passport().await;
    let id = r["id"].as_str().unwrap().to_owned();
    let queued = c.wait_for(&id, "queued").await;
    assert_eq!(queued["status"], "queued", "the citizen sees queued, not an error");
    assert_eq!(s.applications("passport-police"), 0);

    // The server restarts while the request waits: it is still delivered.
    s.restart().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(c.get(&format!("/api/requests/{id}")).await.pair().1["status"], "queued");
    s.fault("passport-police", Faults::default());
    c.wait_for(&id, "forwarded").await;
    c.wait_for(&id, "in_review").await;
    assert_eq!(s.applications("passport-police"), 1, "one application at the agency");
}

#[tokio::test]
async fn duplicate_submits_make_one_request() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(("0076229645", "09121111111")).await;
    let (_, d) = c
        .post(
            "/api/drafts",
            json!({ "service": "passport-issuance", "values": { "purpose": "work", "postal_code": "1314567891", "mobile": "09121111111" } }),
        )
        .await
        .pair();
    let id = d["id"].as_str().unwrap().to_owned();
    let path = format!("/api/drafts/{id}/submit");
    let mut c2 = c.clone();
    let (a, b) = tokio::join!(c.post(&path, json!({})), c2.post(&path, json!({})));
    let (a, b) = (a.pair(), b.pair());
    assert!([a.0, b.0].contains(&201) && [a.0, b.0].iter().all(|s| *s == 200 || *s == 201), "{a:?} {b:?}");
    assert_eq!(a.1["id"], b.1["id"]);
    assert_eq!(a.1["tracking_code"], b.1["tracking_code"]);
    let (again, r) = c.post(&path, json!({})).await.pair();
    assert_eq!((again, &r["id"]), (200, &a.1["id"]));
    assert_eq!(c.pay_fee(a.1["id"].as_str().unwrap(), "pay").await["state"], "success");
    c.wait_for(a.1["id"].as_str().unwrap(), "forwarded").await;
    assert_eq!(c.get("/api/requests").await.pair().1["items"].as_array().unwrap().len(), 1);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(s.applications("passport-police"), 1);
}

#[tokio::test]
async fn drafts_are_saved_as_typed_checked_by_step_and_refused_incomplete() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut phone = s.citizen(("0076229645", "09121111111")).await;
    let (_, d) = phone.post("/api/drafts", json!({ "service": "economic-code" })).await.pair();
    let id = d["id"].as_str().unwrap().to_owned();
    let typed = json!({ "business_name": "ک", "activity": "retail", "start_date": "1402/12/30", "turnover_rials": "۱٬۵۰۰٬۰۰۰" });
    let (status, d) = phone.put(&format!("/api/drafts/{id}"), json!({ "values": typed, "step": 1, "check_step": 1 })).await.pair();
    assert_eq!(status, 200, "saved whatever the errors");
    assert_eq!(d["errors"]["business_name"]["code"], "text_short");
    assert_eq!(d["errors"]["start_date"]["code"], "jalali_date", "1402 is not a leap year: no 30 Esfand");
    assert!(d["errors"].get("activity").is_none());
    // A step no form could have is refused (the document's maximum; found by
    // Schemathesis), and nothing saved is lost.
    for body in [json!({ "values": {}, "step": 2_147_483_648u64 }), json!({ "values": {}, "check_step": 101 })] {
        let a = phone.put(&format!("/api/drafts/{id}"), body.clone()).await;
        assert_eq!((a.status, a.code()), (400, "bad_body"), "{body}: {}", a.body);
    }
    // From another device, the same citizen finds the draft as typed.
    let mut laptop = s.citizen(("0076229645", "09121111111")).await;
    let (_, again) = laptop.get(&format!("/api/drafts/{id}")).await.pair();
    assert_eq!(again["values"], typed);
    assert_eq!(laptop.get("/api/drafts").await.pair().1["items"].as_array().unwrap().len(), 1);
    // Submitting an incomplete draft: every field's error, nothing stored.
    let (status, e) = laptop.post(&format!("/api/drafts/{id}/submit"), json!({})).await.pair();
    assert_eq!((status, e["error"]["code"].as_str()), (422, Some("invalid_form")));
    assert_eq!(e["error"]["fields"]["postal_code"]["code"], "required");
    assert!(laptop.get("/api/requests").await.pair().1["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn another_citizens_ids_are_not_found_and_bad_callbacks_are_refused() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut owner = s.citizen(("0076229645", "09121111111")).await;
    let mut other = s.citizen(("0034567811", "09125555555")).await;
    let r = owner.apply_for_passport().await;
    let id = r["id"].as_str().unwrap();
    let (_, d) = owner.post("/api/drafts", json!({ "service": "economic-code" })).await.pair();
    let draft = d["id"].as_str().unwrap();
    let (_, inbox) = owner.get("/api/inbox").await.pair();
    let note = inbox["items"][0]["id"].as_str().unwrap();
    assert_eq!(other.get(&format!("/api/requests/{id}")).await.pair().0, 404);
    assert_eq!(other.get(&format!("/api/drafts/{draft}")).await.pair().0, 404);
    assert_eq!(other.put(&format!("/api/drafts/{draft}"), json!({ "values": {} })).await.pair().0, 404);
    assert_eq!(other.post(&format!("/api/drafts/{draft}/submit"), json!({})).await.pair().0, 404);
    assert_eq!(other.post(&format!("/api/inbox/{note}/read"), json!({})).await.pair().0, 404);
    assert!(other.get("/api/requests").await.pair().1["items"].as_array().unwrap().is_empty());
    assert!(other.get("/api/inbox").await.pair().1["items"].as_array().unwrap().is_empty());
    assert_eq!(other.get("/api/inbox/unread").await.pair().1, json!({ "unread": 0 }));

    // A status update with a bad signature is refused and changes nothing.
    owner.wait_for(id, "forwarded").await;
    let reference = owner.get(&format!("/api/requests/{id}")).await.pair().1["agency_reference"].as_str().unwrap().to_owned();
    // (The simulator never asks for more information, so only these
    // callbacks can put `more_info` on the timeline.)
    let body = json!({ "agency": "passport-police", "reference": reference, "status": "more_info" }).to_string();
    let http = reqwest::Client::new();
    let url = format!("{}/api/agency-callbacks", s.base);
    let forged = panjere_agencies::apps::signature("not-the-secret", body.as_bytes());
    let res = http
        .post(&url)
        .header("x-panjere-agency", "passport-police")
        .header("x-panjere-signature", forged)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let res = http.post(&url).header("x-panjere-agency", "passport-police").body(body.clone()).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 401, "unsigned");
    let has_more_info = |r: &Value| r["timeline"].as_array().unwrap().iter().any(|e| e["status"] == "more_info");
    assert!(!has_more_info(&owner.get(&format!("/api/requests/{id}")).await.pair().1));
    // The right signature is accepted.
    let good = panjere_agencies::apps::signature("dev-passport-police-callback", body.as_bytes());
    let res =
        http.post(&url).header("x-panjere-agency", "passport-police").header("x-panjere-signature", good).body(body).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 204);
    assert!(has_more_info(&owner.get(&format!("/api/requests/{id}")).await.pair().1));
}

#[tokio::test]
async fn files_are_checked_by_type_and_size_and_must_be_uploaded() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(("0076229645", "09121111111")).await;
    let (_, d) = c.post("/api/drafts", json!({ "service": "economic-code" })).await.pair();
    let id = d["id"].as_str().unwrap().to_owned();
    let url = format!("{}/api/drafts/{id}/files/premises_document", s.base);
    let upload = |ct: &'static str, body: Vec<u8>| {
        let req = c.http.post(&url).header("origin", &s.base).header("content-type", ct).header("x-file-name", "%D8%B3%D9%86%D8%AF.pdf");
        let req = match &c.cookie {
            Some(k) => req.header("cookie", k),
            None => req,
        };
        req.body(body).send()
    };
    let res = upload("application/pdf", b"%PDF-1.4 a small deed".to_vec()).await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let file: Value = res.json().await.unwrap();
    assert_eq!((file["name"].as_str(), file["type"].as_str(), file["size"].as_u64()), (Some("سند.pdf"), Some("application/pdf"), Some(21)));
    let res = upload("application/x-msdownload", b"MZ".to_vec()).await.unwrap();
    assert_eq!(res.status().as_u16(), 422);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["fields"]["premises_document"]["code"], "file_type");
    let res = upload("image/png", vec![0u8; 1024 * 1024 + 1]).await.unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["fields"]["premises_document"]["code"], "file_size");
    // The bytes must be of the declared type.
    for (ct, bytes) in [("image/png", b"%PDF-1.4 a deed".to_vec()), ("application/pdf", b"MZ\x90\x00 a program".to_vec())] {
        let res = upload(ct, bytes).await.unwrap();
        assert_eq!(res.status().as_u16(), 422);
        assert_eq!(res.json::<Value>().await.unwrap()["error"]["fields"]["premises_document"]["code"], "file_content", "{ct}");
    }
    let res = upload("image/png", b"\x89PNG\r\n\x1a\n a plan".to_vec()).await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "a real PNG");
    let res = upload("text/plain", b"x".to_vec()).await.unwrap();
    assert_eq!(res.status().as_u16(), 415, "a type a cross-site form could send is refused");

    let mut values = json!({ "business_name": "نان سنگک", "activity": "retail", "start_date": "1403/12/30", "postal_code": "1314567891", "turnover_rials": "500000000" });
    values["premises_document"] =
        json!(json!({ "id": "not-uploaded", "name": "x.pdf", "type": "application/pdf", "size": 21 }).to_string());
    c.put(&format!("/api/drafts/{id}"), json!({ "values": values, "step": 2 })).await.pair();
    let (status, e) = c.post(&format!("/api/drafts/{id}/submit"), json!({})).await.pair();
    assert_eq!((status, e["error"]["fields"]["premises_document"]["code"].as_str()), (422, Some("file_missing")), "{e}");
    values["premises_document"] = json!(file.to_string());
    c.put(&format!("/api/drafts/{id}"), json!({ "values": values, "step": 2 })).await.pair();
    let (status, r) = c.post(&format!("/api/drafts/{id}/submit"), json!({})).await.pair();
    assert_eq!(status, 201, "{r}");
    let done = c.wait_for(r["id"].as_str().unwrap(), "forwarded").await;
    assert_eq!(done["inquiries"].as_array().unwrap().len(), 3, "identity, tax file and address: {done}");
}

#[tokio::test]
async fn without_callbacks_statuses_arrive_by_polling() {
    let s = TestApp::spawn(TestOptions { callbacks: false, ..Default::default() }).await;
    let mut c = s.citizen(("0076229645", "09121111111")).await;
    let r = c.apply_for_passport().await;
    let done = c.wait_for(r["id"].as_str().unwrap(), "delivered").await;
    assert_eq!(done["status"], "delivered", "{done}");
}
