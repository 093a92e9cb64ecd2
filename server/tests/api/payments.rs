//! Paying through the window against the simulated payment provider: the
//! fee as a step of the application, every way a payment goes wrong
//! between bank and agency, refunds, bills by their IDs, and the fresh
//! code before a large payment.

use std::time::{Duration, Instant};

use panjere_agencies::faults::Faults;
use panjere_api::payments::{make_bill, BillKind};
use serde_json::{json, Value};

use crate::helpers::{follow_return, psp_act, Browser, TestApp, TestOptions};

const CITIZEN: (&str, &str) = ("0076229645", "09121111111");
/// Every application of this persona is rejected.
const REFUSED: (&str, &str) = ("0092345670", "09120000002");
const FEE: i64 = 3_000_000;

/// A passport application submitted and waiting for its fee.
async fn waiting(c: &mut Browser) -> String {
    let a = c.post("/api/drafts", json!({ "service": "passport-issuance", "values": { "purpose": "tourism" } })).await;
    let draft = a.body["id"].as_str().unwrap().to_owned();
    let values = json!({ "purpose": "tourism", "travel_date": "۱۴۰۵/۰۹/۲۰", "postal_code": "1314567891", "mobile": "09121111111" });
    let a = c.put(&format!("/api/drafts/{draft}"), json!({ "values": values, "step": 2 })).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = c.post(&format!("/api/drafts/{draft}/submit"), json!({})).await;
    assert_eq!(
        (a.status, a.body["status"].as_str(), a.body["fee_rials"].as_i64()),
        (201, Some("awaiting_payment"), Some(FEE)),
        "{}",
        a.body
    );
    a.body["id"].as_str().unwrap().to_owned()
}

/// The payment provider's own record of an order: (state, rials kept from
/// the card after reversals and refunds, successful verifications).
fn at_provider(s: &TestApp, order: &str) -> (String, i64, u32) {
    let psp = s.sims.agency("psp");
    let l = psp.ledger.lock().unwrap();
    let c = l.by_token.values().find(|c| c.order_id == order).expect("a payment at the provider");
    (c.state.clone(), l.kept(order), c.verifications)
}

async fn payment(c: &mut Browser, id: &str) -> Value {
    c.get(&format!("/api/payments/{id}")).await.body
}

/// Waits (up to 20 s) until the payment is in `state`.
async fn wait_state(c: &mut Browser, id: &str, state: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let p = payment(c, id).await;
        if p["state"] == state {
            return p;
        }
        assert!(Instant::now() < deadline, "payment {id} stuck at {}, waiting for {state}: {p}", p["state"]);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn forwarded_to_agency(s: &TestApp) -> usize {
    s.applications("passport-police")
}

#[tokio::test]
async fn a_paid_fee_forwards_the_request_with_its_payment_reference_and_a_receipt() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(CITIZEN).await;
    let id = waiting(&mut c).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(forwarded_to_agency(&s), 0, "nothing is forwarded before the fee is paid");

    let p = c.pay_fee(&id, "pay").await;
    assert_eq!((p["state"].as_str(), p["amount_rials"].as_i64(), p["kind"].as_str()), (Some("success"), Some(FEE), Some("fee")), "{p}");
    let reference = p["reference"].as_str().expect("the provider's reference").to_owned();
    assert!(p["paid_at"].is_string() && p["card"].as_str().unwrap().contains("******"), "{p}");
    assert_eq!(p["tracking_code"], c.get(&format!("/api/requests/{id}")).await.body["tracking_code"]);

    let r = c.wait_for(&id, "forwarded").await;
    assert_eq!(r["payments"][0]["reference"], reference.as_str(), "{r}");
    let app = s.sims.agency("passport-police");
    let sent = app.apps.lock().unwrap().by_ref.values().map(|a| a.payment.clone()).collect::<Vec<_>>();
    assert_eq!(sent, vec![Some(reference.clone())], "the agency received the payment reference");

    // Settled at the provider; the receipt is in the inbox and the list.
    let pid = p["id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(10);
    while at_provider(&s, &pid).0 != "settled" {
        assert!(Instant::now() < deadline, "never settled: {:?}", at_provider(&s, &pid));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(at_provider(&s, &pid).1, FEE);
    let inbox = c.get("/api/inbox").await.body;
    assert!(inbox["items"].as_array().unwrap().iter().any(|n| n["status"] == "paid" && n["payment_id"] == pid.as_str()), "{inbox}");
    let list = c.get("/api/payments").await.body;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    // Another citizen cannot read it.
    let mut other = s.citizen(("0078912342", "09129999999")).await;
    assert_eq!(other.get(&format!("/api/payments/{pid}")).await.status, 404);
    // The public figures count it, from the payment records.
    let stats = c.get("/api/stats").await.body;
    assert_eq!(stats["national"]["payments"]["payments_made"], 1, "{}", stats["national"]);
    assert_eq!(stats["national"]["payments"]["success_percent"], 100.0);
    let agency = stats["agencies"].as_array().unwrap().iter().find(|a| a["id"] == "passport-police").unwrap().clone();
    assert_eq!((agency["payments"]["payments_made"].as_u64(), agency["payments"]["paid_rials"].as_i64()), (Some(1), Some(FEE)));
    // And the open data.
    let csv = reqwest::get(format!("{}/api/stats/agencies.csv", s.base)).await.unwrap().text().await.unwrap();
    assert!(csv.lines().next().unwrap().contains(",payments_made,payment_success_percent,paid_rials,refunded_rials,"), "{csv}");
    let row = csv.lines().find(|l| l.starts_with("passport-police,")).unwrap();
    assert!(row.contains(",1,100,3000000,0,"), "{row}");
}

#[tokio::test]
async fn paying_twice_in_two_tabs_charges_once() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(CITIZEN).await;
    let id = waiting(&mut c).await;
    let (first, second) = (c.start_fee(&id).await, c.start_fee(&id).await);
    assert_ne!(first["id"], second["id"], "two attempts, two payments");
    let back_first = psp_act(first["payment_url"].as_str().unwrap(), "pay").await.unwrap();
    let back_second = psp_act(second["payment_url"].as_str().unwrap(), "pay").await.unwrap();
    // Both tabs come back at once (on PostgreSQL, two transactions racing:
    // the `payment_paid_once` index lets one through).
    tokio::join!(follow_return(&back_first), follow_return(&back_second));
    let states: Vec<Value> =
        vec![payment(&mut c, first["id"].as_str().unwrap()).await, payment(&mut c, second["id"].as_str().unwrap()).await];
    let mut states: Vec<&str> = states.iter().map(|p| p["state"].as_str().unwrap()).collect();
    states.sort_unstable();
    assert_eq!(states, ["reversed", "success"], "one charge goes back to the card");
    let kept: i64 = [&first, &second].iter().map(|p| at_provider(&s, p["id"].as_str().unwrap()).1).sum();
    assert_eq!(kept, FEE, "charged once");
    c.wait_for(&id, "forwarded").await;
    assert_eq!(forwarded_to_agency(&s), 1);
    let stats = c.get("/api/stats").await.body;
    assert_eq!(stats["national"]["payments"]["success_percent"], 50.0, "{}", stats["national"]["payments"]);
}

#[tokio::test]
async fn a_cancelled_payment_leaves_the_application_waiting_and_a_new_attempt_pays() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(CITIZEN).await;
    let id = waiting(&mut c).await;
    let p = c.pay_fee(&id, "cancel").await;
    assert_eq!(p["state"], "cancelled", "{p}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let r = c.get(&format!("/api/requests/{id}")).await.body;
    assert_eq!(r["status"], "awaiting_payment", "{r}");
    assert_eq!(forwarded_to_agency(&s), 0);
    assert_eq!(at_provider(&s, p["id"].as_str().unwrap()).1, 0, "nothing taken");

    let again = c.pay_fee(&id, "pay").await;
    assert_eq!(again["state"], "success", "{again}");
    c.wait_for(&id, "forwarded").await;
    let r = c.get(&format!("/api/requests/{id}")).await.body;
    let states: Vec<&str> = r["payments"].as_array().unwrap().iter().map(|p| p["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["cancelled", "success"], "{r}");
}

#[tokio::test]
async fn a_page_left_open_expires_and_the_application_waits() {
    let psp = panjere_agencies::psp::Settings { page_ttl: Duration::from_secs(1), ..Default::default() };
    let s = TestApp::spawn(TestOptions { psp, ..TestOptions::default() }).await;
    let mut c = s.citizen(CITIZEN).await;
    let id = waiting(&mut c).await;
    let p = c.start_fee(&id).await;
    let pid = p["id"].as_str().unwrap().to_owned();
    // The sweeper asks the provider (pending_check_s = 2 here).
    wait_state(&mut c, &pid, "expired").await;
    // Too late to pay on the page: the provider sends the citizen back
    // with the payment unchanged.
    if let Some(back) = psp_act(p["payment_url"].as_str().unwrap(), "pay").await {
        follow_return(&back).await;
    }
    assert_eq!(payment(&mut c, &pid).await["state"], "expired");
    assert_eq!(c.get(&format!("/api/requests/{id}")).await.body["status"], "awaiting_payment");
    assert_eq!(forwarded_to_agency(&s), 0);
}

#[tokio::test]
async fn a_citizen_who_closed_the_tab_after_paying_is_resolved_by_the_sweeper() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(CITIZEN).await;
    let id = waiting(&mut c).await;
    s.fault("psp", Faults { no_return: true, ..Faults::default() });
    let p = c.start_fee(&id).await;
    assert_eq!(psp_act(p["payment_url"].as_str().unwrap(), "pay").await, None, "the citizen never comes back");
    let pid = p["id"].as_str().unwrap().to_owned();
    assert_ne!(payment(&mut c, &pid).await["state"], "failed", "a citizen charged is never shown failed");
    let done = wait_state(&mut c, &pid, "success").await;
    assert!(done["reference"].is_string(), "{done}");
    c.wait_for(&id, "forwarded").await;
    assert_eq!(at_provider(&s, &pid).1, FEE);
}

#[tokio::test]
async fn a_callback_arriving_twice_is_counted_once() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(CITIZEN).await;
    let id = waiting(&mut c).await;
    s.fault("psp", Faults { double_callback: true, ..Faults::default() });
    let p = c.start_fee(&id).await;
    let back = psp_act(p["payment_url"].as_str().unwrap(), "pay").await.unwrap();
    // The provider's own call, the browser's, and a reload at once.
    let (a, b) = tokio::join!(follow_return(&back), follow_return(&back));
    assert_eq!(a, b);
    let pid = p["id"].as_str().unwrap().to_owned();
    wait_state(&mut c, &pid, "success").await;
    c.wait_for(&id, "forwarded").await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let r = c.get(&format!("/api/requests/{id}")).await.body;
    let submitted = r["timeline"].as_array().unwrap().iter().filter(|e| e["status"] == "submitted").count();
    assert_eq!(submitted, 1, "{r}");
    assert_eq!(forwarded_to_agency(&s), 1);
    assert_eq!(at_provider(&s, &pid).1, FEE, "charged once");
    let inbox = c.get("/api/inbox").await.body;
    assert_eq!(inbox["items"].as_array().unwrap().iter().filter(|n| n["status"] == "paid").count(), 1, "{inbox}");
}

#[tokio::test]
async fn another_amount_charged_is_reversed_and_not_credited() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(CITIZEN).await;
    let id = waiting(&mut c).await;
    s.fault("psp", Faults { wrong_amount: true, ..Faults::default() });
    let p = c.pay_fee(&id, "pay").await;
    assert_eq!(p["state"], "reversed", "{p}");
    assert!(p["reference"].is_null(), "no receipt for a reversed payment: {p}");
    let pid = p["id"].as_str().unwrap();
    let (state, kept, _) = at_provider(&s, pid);
    assert_eq!((state.as_str(), kept), ("reversed", 0), "the money went back to the card");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(c.get(&format!("/api/requests/{id}")).await.body["status"], "awaiting_payment");
    assert_eq!(forwarded_to_agency(&s), 0);
}

#[tokio::test]
async fn a_verify_that_times_out_is_retried_and_never_charges_twice() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(CITIZEN).await;
    let id = waiting(&mut c).await;
    s.fault("psp", Faults { verify_timeout: true, ..Faults::default() });
    let p = c.pay_fee(&id, "pay").await;
    // Charged, not yet confirmed: "checking with the bank", never failed.
    assert_eq!(p["state"], "verifying", "{p}");
    let pid = p["id"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(payment(&mut c, &pid).await["state"], "verifying");
    s.fault("psp", Faults::default());
    wait_state(&mut c, &pid, "success").await;
    c.wait_for(&id, "forwarded").await;
    let (_, kept, verifications) = at_provider(&s, &pid);
    assert_eq!(kept, FEE, "one charge");
    assert!(verifications >= 2, "verified again after the timeout ({verifications})");
    assert_eq!(forwarded_to_agency(&s), 1);
}

#[tokio::test]
async fn a_restart_between_the_callback_and_the_verification_loses_nothing() {
    let mut s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(CITIZEN).await;
    let id = waiting(&mut c).await;
    s.fault("psp", Faults { verify_timeout: true, ..Faults::default() });
    let p = c.pay_fee(&id, "pay").await;
    assert_eq!(p["state"], "verifying", "{p}");
    let pid = p["id"].as_str().unwrap().to_owned();
    s.restart().await;
    s.fault("psp", Faults::default());
    let done = wait_state(&mut c, &pid, "success").await;
    assert!(done["reference"].is_string());
    c.wait_for(&id, "forwarded").await;
    assert_eq!(at_provider(&s, &pid).1, FEE);
}

#[tokio::test]
async fn a_rejected_application_is_refunded_with_a_record_of_its_own() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(REFUSED).await;
    let id = waiting(&mut c).await;
    let p = c.pay_fee(&id, "pay").await;
    assert_eq!(p["state"], "success", "{p}");
    c.wait_for(&id, "rejected").await;
    let pid = p["id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(20);
    let refund = loop {
        let p = payment(&mut c, &pid).await;
        if p["refunds"][0]["state"] == "refunded" {
            break p["refunds"][0].clone();
        }
        assert!(Instant::now() < deadline, "no refund: {p}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(refund["amount_rials"].as_i64(), Some(FEE), "{refund}");
    assert!(refund["reference"].is_string() && refund["reason"]["en"].as_str().unwrap().contains("rejected"), "{refund}");
    assert_eq!(at_provider(&s, &pid).1, 0, "all given back");
    // On the request, and in the inbox.
    let r = c.get(&format!("/api/requests/{id}")).await.body;
    assert_eq!(r["payments"][0]["refunds"][0]["state"], "refunded", "{r}");
    let inbox = c.get("/api/inbox").await.body;
    assert!(inbox["items"].as_array().unwrap().iter().any(|n| n["status"] == "refunded"), "{inbox}");
    let stats = c.get("/api/stats").await.body;
    let agency = stats["agencies"].as_array().unwrap().iter().find(|a| a["id"] == "passport-police").unwrap().clone();
    assert_eq!(agency["payments"]["refunded_rials"].as_i64(), Some(FEE), "{}", agency["payments"]);
    // Refunded once, however many sweeps pass.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(payment(&mut c, &pid).await["refunds"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bills_are_checked_by_their_digits_and_paid_for_the_amount_of_their_payment_id() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(CITIZEN).await;
    let bill = |b: &str, p: &str| json!({ "bill_id": b, "payment_id": p, "idempotency_key": panjere_server::rand::random_id() });
    // A published bill; then one digit wrong in each ID.
    let a = c.post("/api/payments/bills", bill("1117753200150", "12070160")).await;
    assert_eq!((a.status, a.code()), (422, "invalid_form"), "{}", a.body);
    assert_eq!(a.body["error"]["fields"]["bill_id"]["code"], "bill_id_check");
    let a = c.post("/api/payments/bills", bill("1117753200140", "13070160")).await;
    assert_eq!(a.body["error"]["fields"]["payment_id"]["code"], "payment_id_check", "{}", a.body);
    let a = c.post("/api/payments/bills", bill("1117753200140", "12070160")).await;
    assert_eq!((a.status, a.body["amount_rials"].as_i64(), a.body["kind"].as_str()), (201, Some(120_000), Some("bill")), "{}", a.body);
    let paid = c.finish_payment(&a.body, "pay").await;
    assert_eq!(paid["state"], "success", "{paid}");
    assert_eq!(paid["payee"]["en"], "Landline bill");
    // The same bill again: paid already.
    let a = c.post("/api/payments/bills", bill("1117753200140", "12070160")).await;
    assert_eq!(a.status, 409, "{}", a.body);
    // A traffic fine found by the fines inquiry is paid the same way.
    let fine = make_bill(10_123_456, 207, BillKind::TrafficFine, 2_000_000, 5, 1);
    let a = c.post("/api/payments/bills", bill(&fine.0, &fine.1)).await;
    assert_eq!((a.status, a.body["kind"].as_str(), a.body["amount_rials"].as_i64()), (201, Some("fine"), Some(2_000_000)), "{}", a.body);
    // A retried creation with the same key answers the same payment.
    let key = panjere_server::rand::random_id();
    let body = json!({ "bill_id": "2050327604613", "payment_id": "1070189", "idempotency_key": key });
    let first = c.post("/api/payments/bills", body.clone()).await;
    let again = c.post("/api/payments/bills", body).await;
    assert_eq!(first.body["id"], again.body["id"]);
}

#[tokio::test]
async fn the_fines_inquiry_gives_payable_bill_ids() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(CITIZEN).await;
    let mut found = 0;
    for n in 10..40 {
        let a = c.post("/api/services/traffic-fines/inquiry", json!({ "values": { "plate": format!("{n}ب34567") } })).await;
        assert_eq!(a.status, 200, "{}", a.body);
        for f in a.body["result"]["fines"].as_array().cloned().unwrap_or_default() {
            let b = panjere_api::payments::parse_bill(f["bill_id"].as_str().unwrap(), f["payment_id"].as_str().unwrap()).unwrap();
            assert_eq!((b.kind, b.amount_rials), (BillKind::TrafficFine, f["amount_rials"].as_i64().unwrap()));
            found += 1;
        }
    }
    assert!(found > 0, "no plate had a fine");
}

#[tokio::test]
async fn paying_a_large_amount_needs_a_fresh_code() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(CITIZEN).await;
    let (b, p) = make_bill(55_555_555, 41, BillKind::Tax, 60_000_000, 5, 2);
    let body = || json!({ "bill_id": b, "payment_id": p, "idempotency_key": panjere_server::rand::random_id() });
    let a = c.post("/api/payments/bills", body()).await;
    assert_eq!((a.status, a.code()), (403, "reauth_required"), "{}", a.body);
    let before = s.outbox_len(CITIZEN.1).await;
    let a = c.post("/api/me/reauth/code", json!({})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(s.outbox_len(CITIZEN.1).await, before + 1);
    let a = c.post("/api/me/reauth", json!({ "code": "000000" })).await;
    assert_eq!((a.status, a.code()), (400, "code_wrong"), "{}", a.body);
    let code = s.code_for(CITIZEN.1).await.unwrap();
    let a = c.post("/api/me/reauth", json!({ "code": code })).await;
    assert_eq!(a.status, 204, "{}", a.body);
    let a = c.post("/api/payments/bills", body()).await;
    assert_eq!((a.status, a.body["amount_rials"].as_i64()), (201, Some(60_000_000)), "{}", a.body);
    // A small amount never asks.
    let mut other = s.citizen(("0078912342", "09129999999")).await;
    let a =
        other.post("/api/payments/bills", json!({ "bill_id": "1117753200140", "payment_id": "12070160", "idempotency_key": "k1" })).await;
    assert_eq!(a.status, 201, "{}", a.body);
}

#[tokio::test]
async fn a_provider_that_does_not_answer_charges_nothing_and_a_retry_pays() {
    let s = TestApp::spawn(TestOptions::default()).await;
    let mut c = s.citizen(CITIZEN).await;
    let id = waiting(&mut c).await;
    s.fault("psp", Faults { refuse: true, ..Faults::default() });
    let a = c.post(&format!("/api/requests/{id}/payment"), json!({ "idempotency_key": "tab-1" })).await;
    assert_eq!((a.status, a.code()), (503, "payment_unavailable"), "{}", a.body);
    assert!(a.body["error"]["retry_after_s"].as_u64().is_some(), "{}", a.body);
    // A bad key is refused, naming it.
    let a = c.post(&format!("/api/requests/{id}/payment"), json!({ "idempotency_key": "not a key!" })).await;
    assert_eq!((a.status, a.body["error"]["parameter"].as_str()), (400, Some("idempotency_key")), "{}", a.body);
    s.fault("psp", Faults::default());
    // The provider is back (its breaker lets a probe through): a new
    // attempt (a definite refusal is an answer: the next try is a new one).
    let deadline = Instant::now() + Duration::from_secs(15);
    let p = loop {
        let a = c.post(&format!("/api/requests/{id}/payment"), json!({ "idempotency_key": panjere_server::rand::random_id() })).await;
        if a.status == 201 {
            break a.body;
        }
        assert_eq!(a.code(), "payment_unavailable", "{}", a.body);
        assert!(Instant::now() < deadline, "the provider never came back: {}", a.body);
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert_eq!(p["state"], "pending", "{p}");
    assert_eq!(c.finish_payment(&p, "pay").await["state"], "success");
    // Attempts that never reached the provider are not listed as payments.
    let list = c.get("/api/payments").await.body;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    // A request not waiting for its fee any more cannot be paid again.
    let a = c.post(&format!("/api/requests/{id}/payment"), json!({ "idempotency_key": "tab-2" })).await;
    assert_eq!((a.status, a.code()), (409, "conflict"), "{}", a.body);
}
