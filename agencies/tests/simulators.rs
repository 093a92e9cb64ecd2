//! The simulators as the server sees them: over HTTP on their own ports.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use panjere_agencies::apps::signature;
use panjere_agencies::{callback_secret, credential, start, Mode, Options, Running};
use serde_json::{json, Value};

async fn sims(mode: Mode, callback_url: Option<String>) -> Running {
    start(Options { mode, step: Duration::from_millis(150), callback_url, ..Default::default() }).await.unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn get(r: &Running, id: &str, path: &str) -> (u16, Value) {
    let res = client().get(format!("{}{path}", r.url(id))).bearer_auth(credential(id)).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_agency_answers_its_operations_and_validates_input() {
    let r = sims(Mode::Test, None).await;
    let (s, p) = get(&r, "sabt-ahval", "/v1/persons/0076229645").await;
    assert_eq!(s, 200);
    assert_eq!((p["alive"].as_bool(), p["gender"].as_str()), (Some(true), Some("male")));
    assert_eq!(get(&r, "sabt-ahval", "/v1/persons/1583250689").await.1["alive"], false);
    assert_eq!(get(&r, "sabt-ahval", "/v1/persons/0684159415").await.0, 400, "bad check digit");
    assert_eq!(get(&r, "cra", "/v1/ownership?national_code=0076229645&mobile=09121111111").await.1["owner"], true);
    assert_eq!(get(&r, "cra", "/v1/ownership?national_code=0023456787&mobile=09125555555").await.1["owner"], false);
    assert_eq!(get(&r, "cra", "/v1/ownership?national_code=0076229645").await.0, 400);
    assert_eq!(get(&r, "traffic-police", "/v1/fines?national_code=0034567811").await.1["fines"].as_array().unwrap().len(), 3);
    assert_eq!(get(&r, "traffic-police", "/v1/fines?national_code=0076229645").await.1["fines"].as_array().unwrap().len(), 0);
    assert_eq!(get(&r, "traffic-police", "/v1/fines?plate=12%D8%A834567").await.0, 200);
    assert_eq!(get(&r, "traffic-police", "/v1/fines?plate=nonsense").await.0, 400);
    assert_eq!(get(&r, "traffic-police", "/v1/licences/0499370899").await.1["status"], "none", "a minor has no licence");
    assert!(get(&r, "passport-police", "/v1/passports/0076229645").await.1["status"].is_string());
    assert_eq!(get(&r, "tax", "/v1/clearances/0056781237").await.1["cleared"], false);
    assert_eq!(get(&r, "tax", "/v1/clearances/0076229645").await.1["cleared"], true);
    assert_eq!(get(&r, "customs", "/v1/declarations/123456789").await.0, 200);
    assert_eq!(get(&r, "customs", "/v1/declarations/12").await.0, 400);
    assert!(get(&r, "social-security", "/v1/insurance-records/0076229645").await.1["total_months"].as_u64().unwrap() > 0);
    assert_eq!(get(&r, "post", "/v1/postal-codes/1314567891").await.0, 200);
    assert_eq!(get(&r, "post", "/v1/postal-codes/1234").await.0, 400);
    assert_eq!(get(&r, "conscription", "/v1/military-status/0045678121").await.1["status"], "absent");
    assert_eq!(get(&r, "conscription", "/v1/military-status/0499370899").await.1["status"], "not_applicable");
    // deterministic: the same person twice
    assert_eq!(get(&r, "sabt-ahval", "/v1/persons/0067812341").await.1, get(&r, "sabt-ahval", "/v1/persons/0067812341").await.1);
}

#[tokio::test]
async fn credentials_are_required_everywhere() {
    let r = sims(Mode::Test, None).await;
    for id in panjere_agencies::AGENCIES.iter() {
        let res = client().get(format!("{}/health", r.url(id))).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 401, "{id}");
        let res = client().get(format!("{}/health", r.url(id))).bearer_auth(credential("post") + "x").send().await.unwrap();
        assert_eq!(res.status().as_u16(), 401, "{id}");
        assert_eq!(get(&r, id, "/health").await.0, 200, "{id}");
    }
}

#[tokio::test]
async fn the_sms_outbox_exists_only_in_development_and_test() {
    let r = sims(Mode::Test, None).await;
    let send = |text: &str| {
        client()
            .post(format!("{}/v1/messages", r.url("sms")))
            .bearer_auth(credential("sms"))
            .json(&json!({ "to": "+989121111111", "text": text }))
            .send()
    };
    assert_eq!(send("first").await.unwrap().status().as_u16(), 202);
    assert_eq!(send("second").await.unwrap().status().as_u16(), 202);
    let (s, out) = get(&r, "sms", "/outbox?mobile=09121111111").await;
    assert_eq!(s, 200);
    let texts: Vec<&str> = out["items"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts, vec!["second", "first"], "newest first");
    assert_eq!(get(&r, "sms", "/outbox?mobile=09120000000").await.1["items"].as_array().unwrap().len(), 0);
    let prod = sims(Mode::Production, None).await;
    assert_eq!(get(&prod, "sms", "/outbox").await.0, 404);
}

#[tokio::test]
async fn applications_are_idempotent_move_on_and_push_signed_callbacks() {
    let received: Arc<Mutex<Vec<(HeaderMap, String)>>> = Arc::default();
    let sink = received.clone();
    let app = Router::new().route(
        "/callback",
        post(move |headers: HeaderMap, body: String| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push((headers, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/callback", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let r = sims(Mode::Test, Some(url)).await;
    let submit = || {
        client()
            .post(format!("{}/v1/applications", r.url("passport-police")))
            .bearer_auth(credential("passport-police"))
            .json(&json!({ "service": "passport-issuance", "citizen": "0076229645", "idempotency_key": "k-1", "data": {} }))
            .send()
    };
    let first = submit().await.unwrap();
    assert_eq!(first.status().as_u16(), 201);
    let first: Value = first.json().await.unwrap();
    let again = submit().await.unwrap();
    assert_eq!(again.status().as_u16(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(first["reference"], again["reference"], "one application for one key");
    // The admin endpoint counts every submission of a key (what the soak checks).
    let counted: Value =
        client().get(format!("http://{}/received", r.admin)).bearer_auth("dev-admin-key").send().await.unwrap().json().await.unwrap();
    assert_eq!(counted, json!({ "passport-police": { "k-1": 2 } }));
    let calls: Value =
        client().get(format!("http://{}/calls", r.admin)).bearer_auth("dev-admin-key").send().await.unwrap().json().await.unwrap();
    assert_eq!(calls["passport-police"], 2, "two submissions, health checks not counted: {calls}");
    let reference = first["reference"].as_str().unwrap().to_owned();
    // it moves on, and every change is pushed, signed
    tokio::time::sleep(Duration::from_millis(800)).await;
    let (_, status) = get(&r, "passport-police", &format!("/v1/applications/{reference}")).await;
    assert_ne!(status["status"], "received");
    let got = received.lock().unwrap().clone();
    assert!(!got.is_empty(), "no callback arrived");
    for (headers, body) in &got {
        assert_eq!(headers["x-panjere-agency"], "passport-police");
        let sig = headers["x-panjere-signature"].to_str().unwrap();
        assert_eq!(sig, signature(&callback_secret("passport-police"), body.as_bytes()));
        assert_ne!(sig, signature("another-secret", body.as_bytes()));
        let v: Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["reference"], reference.as_str());
    }
    assert_eq!(get(&r, "passport-police", "/v1/applications/NOPE-1").await.0, 404);
}

#[tokio::test]
async fn faults_through_the_admin_endpoint_including_refusing_connections() {
    let r = sims(Mode::Test, None).await;
    let admin = format!("http://{}", r.admin);
    let put = |f: Value| client().put(format!("{admin}/faults/post")).bearer_auth("dev-admin-key").json(&f).send();
    assert_eq!(client().put(format!("{admin}/faults/post")).json(&json!({})).send().await.unwrap().status().as_u16(), 401);
    let urls: Value = client().get(format!("{admin}/agencies")).bearer_auth("dev-admin-key").send().await.unwrap().json().await.unwrap();
    assert_eq!(urls["sms"], r.url("sms"), "the admin endpoint lists each agency's base URL");
    assert_eq!(put(json!({ "error_rate": 7 })).await.unwrap().status().as_u16(), 400);
    assert_eq!(put(json!({ "refuse": true })).await.unwrap().status().as_u16(), 200);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let err = client().get(format!("{}/health", r.url("post"))).send().await.unwrap_err();
    assert!(err.is_connect(), "{err}");
    assert_eq!(get(&r, "customs", "/health").await.0, 200, "other agencies stay up");
    let cleared = client().delete(format!("{admin}/faults/post")).bearer_auth("dev-admin-key").send().await.unwrap();
    assert_eq!(cleared.status().as_u16(), 204);
    let mut back = false;
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if client().get(format!("{}/health", r.url("post"))).bearer_auth(credential("post")).send().await.is_ok_and(|r| r.status() == 200) {
            back = true;
            break;
        }
    }
    assert!(back, "the post office listens again on the same port");
    assert_eq!(put(json!({ "error_rate": 1.0 })).await.unwrap().status().as_u16(), 200);
    assert_eq!(get(&r, "post", "/health").await.0, 503);
    assert_eq!(put(json!({ "malformed": true })).await.unwrap().status().as_u16(), 200);
    let body =
        client().get(format!("{}/health", r.url("post"))).bearer_auth(credential("post")).send().await.unwrap().text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&body).is_err());
    let all: Value = client().get(format!("{admin}/faults")).bearer_auth("dev-admin-key").send().await.unwrap().json().await.unwrap();
    assert_eq!(all["post"]["malformed"], true);
    assert_eq!(all["customs"]["malformed"], false);
}

/// The agencies check their inputs with their own code; on the canonical
/// values the window sends, it agrees with the window's validators.
#[test]
fn the_agencies_checks_agree_with_the_windows_on_canonical_values() {
    use panjere_agencies::checks;
    use panjere_api::ids;
    let codes = ["0076229645", "0499370899", "1583250689", "0684159415", "1111111111", "0000000000", "0034567811", "1234567891"];
    for c in codes {
        assert_eq!(checks::national_code(c).is_ok(), ids::national_code(c).as_deref() == Ok(c), "{c}");
    }
    // Every ten-digit code with the window's check digit is one the agency takes.
    for n in (0..2_000u64).map(|i| i * 4_999_999 % 1_000_000_000) {
        let nine = format!("{n:09}");
        for last in 0..10 {
            let c = format!("{nine}{last}");
            assert_eq!(checks::national_code(&c).is_ok(), ids::national_code(&c).is_ok(), "{c}");
        }
    }
    for m in ["09121111111", "09001234567", "0912111111", "08121111111", "091211111111"] {
        assert_eq!(checks::mobile(m).is_ok(), ids::mobile(m).as_deref() == Ok(m), "{m}");
    }
    for p in ["1314567891", "1111111111", "0123456789"] {
        assert_eq!(checks::postal_code(p).is_ok(), ids::postal_code(p).as_deref() == Some(p), "{p}");
    }
    for p in ["12ب34567", "99ی00011", "12B34567"] {
        assert_eq!(checks::plate(p).is_ok(), ids::plate(p).as_deref() == Some(p), "{p}");
    }
}

/// A valid value of a parameter type, for calling every operation.
fn sample(ty: &str) -> &'static str {
    match ty {
        "national_code" => "0076229645",
        "mobile" => "09121111111",
        "postal_code" => "1314567891",
        "plate" => "12ب34567",
        "declaration_number" => "12345678",
        "digits" => "1234567890",
        "slug" => "some-service",
        "key" => "k-1",
        "json" => "{}",
        _ => "text",
    }
}

#[tokio::test]
async fn every_described_operation_answers_what_its_description_says() {
    let r = sims(Mode::Test, None).await;
    for system in &panjere_agencies::systems::SPEC.system {
        let (status, doc) = get(&r, &system.id, panjere_agencies::systems::DESCRIPTION_PATH).await;
        assert_eq!(status, 200, "{}", system.id);
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        for op in system.op.iter().filter(|o| !o.builtin) {
            let described = &doc["paths"][&op.path][op.method.to_lowercase()];
            assert!(described.is_object(), "{} {} is described", system.id, op.id);
            let mut path = op.path.clone();
            let mut query = Vec::new();
            for (name, ty) in &op.params {
                let v = sample(ty);
                if path.contains(&format!("{{{name}}}")) {
                    path = path.replace(&format!("{{{name}}}"), &panjere_api::url::encode(v));
                } else {
                    query.push(format!("{name}={}", panjere_api::url::encode(v)));
                }
            }
            let url = if query.is_empty() { path.clone() } else { format!("{path}?{}", query.join("&")) };
            let (status, answer) = get(&r, &system.id, &url).await;
            assert_eq!(status, 200, "{} {url}: {answer}", system.id);
            let props = described["responses"]["200"]["content"]["application/json"]["schema"]["properties"].as_object().unwrap();
            for (field, schema) in props {
                let v = &answer[field];
                let ok = match schema["type"].as_str() {
                    Some("integer") => v.is_i64() || v.is_u64(),
                    Some("boolean") => v.is_boolean(),
                    Some("array") => v.is_array(),
                    _ => v.is_string(),
                };
                assert!(ok, "{} {}: {field} is {v}, described {schema}", system.id, op.id);
            }
            // The same question, the same answer.
            assert_eq!(get(&r, &system.id, &url).await.1, answer);
            // Nothing on record for this persona.
            if op.params.values().any(|t| t == "national_code") && path.contains("0076229645") {
                let (status, _) = get(&r, &system.id, &url.replace("0076229645", "0091234565")).await;
                assert_eq!(status, 404, "{} {}", system.id, op.id);
            }
            // A bad value is refused by name.
            if let Some((name, _)) = op.params.iter().find(|(n, t)| *t == "national_code" && op.path.contains(&format!("{{{n}}}"))) {
                let bad = op.path.replace(&format!("{{{name}}}"), "123");
                let (status, e) = get(&r, &system.id, &bad).await;
                assert_eq!(status, 400, "{} {}: {e}", system.id, op.id);
                assert!(e["error"].as_str().unwrap().contains(name.as_str()), "{e}");
            }
        }
    }
}

#[tokio::test]
async fn an_application_waits_for_the_answer_to_a_request_for_more_information() {
    let r = sims(Mode::Test, None).await;
    let base = r.url("tax");
    let post = |path: String, body: Value| {
        let url = format!("{base}{path}");
        async move {
            let res = client().post(url).bearer_auth(credential("tax")).json(&body).send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (s, app) = post(
        "/v1/applications".into(),
        json!({ "service": "economic-code", "citizen": "0093456786", "idempotency_key": "k-more", "data": {} }),
    )
    .await;
    assert_eq!(s, 201);
    let reference = app["reference"].as_str().unwrap().to_owned();
    let (s, e) = post(format!("/v1/applications/{reference}/replies"), json!({ "text": "too early" })).await;
    assert_eq!(s, 409, "{e}");
    let status = |r: &Running, reference: &str| {
        let (url, key) = (format!("{}/v1/applications/{reference}", r.url("tax")), credential("tax"));
        async move { client().get(url).bearer_auth(key).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let mut now = status(&r, &reference).await;
    for _ in 0..40 {
        if now["status"] == "more_info" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        now = status(&r, &reference).await;
    }
    assert_eq!(now["status"], "more_info", "{now}");
    assert!(now["message"]["fa"].as_str().is_some_and(|m| !m.is_empty()));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(status(&r, &reference).await["status"], "more_info", "it waits for the answer");
    let (s, answered) = post(format!("/v1/applications/{reference}/replies"), json!({ "text": "the address" })).await;
    assert_eq!((s, answered["status"].as_str()), (200, Some("in_review")));
    for _ in 0..40 {
        now = status(&r, &reference).await;
        if now["status"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!((now["status"].as_str(), now["decision"].as_str()), (Some("delivered"), Some("approved")), "{now}");
    assert!(now["document"].as_str().unwrap().starts_with("TAX-DOC-"));
}
