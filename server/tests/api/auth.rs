//! Sign-in and sessions against real simulated agencies (telecom
//! regulator, civil registry, SMS gateway) on free ports. Codes are read
//! from the SMS simulator's outbox over HTTP, as the browser tests do. The
//! window's clock is a manual one, so timeouts are tested without waiting.

use std::time::Duration;

use axum::http::header;
use panjere_server::clock::{Clock, SystemClock};
use panjere_server::config::AuthSettings;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{national_code, TestApp, TestOptions, ADULT};

const PHONE_UA: &str =
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36";

async fn portal_with(settings: AuthSettings) -> TestApp {
    TestApp::spawn(TestOptions { auth: settings, manual_clock: Some(SystemClock.now()), ..Default::default() }).await
}

async fn portal() -> TestApp {
    portal_with(AuthSettings::default()).await
}

#[tokio::test]
async fn sign_in_profile_and_sign_out() {
    let p = portal().await;
    let mut b = p.browser_as(PHONE_UA);
    assert_eq!(b.get("/api/me").await.code(), "not_signed_in");
    let a = b.get("/api/auth/session").await;
    assert_eq!((a.status, a.body["me"].is_null()), (200, true), "anonymous: 200 with me null");
    assert!(a.set_cookie.is_none(), "asking creates no session");

    // Persian digits and a +98 mobile are normalised.
    let a = p.start(&mut b, ("۰۰۷۶۲۲۹۶۴۵", "+98 912 111 1111")).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["mobile_masked"], "0912***1111");
    assert_eq!(
        (a.body["valid_for_s"].as_u64(), a.body["resend_after_s"].as_u64(), a.body["length"].as_u64()),
        (Some(120), Some(60), Some(6))
    );
    let code = p.code_for(ADULT.1).await.unwrap();
    // The code is stored only as a hash.
    let pool = p.pool().await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM otp_challenge").fetch_all(&pool).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(&code) && stored[0].len() == 64);

    let persian_code: String = code.chars().map(|c| char::from_u32('۰' as u32 + c.to_digit(10).unwrap()).unwrap()).collect();
    let a = b.post("/api/auth/verify", json!({ "code": persian_code })).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["national_code"], ADULT.0);
    assert_eq!(a.body["session"]["idle_timeout_s"], 900);

    let me = b.get("/api/me").await;
    assert_eq!(me.status, 200);
    assert_eq!(b.get("/api/auth/session").await.body["me"], me.body);
    assert_eq!(me.body["mobile"], ADULT.1);
    assert!(!me.body["first_name"].as_str().unwrap().is_empty());

    let profile = b.get("/api/me/profile").await;
    assert_eq!(profile.status, 200, "{}", profile.body);
    assert_eq!(profile.body["national_code"], ADULT.0);
    assert_eq!(profile.body["first_name"], me.body["first_name"]);
    assert_eq!(profile.body["mobile"], ADULT.1);
    assert_eq!(profile.body["source_agency"]["en"], "National Organization for Civil Registration");
    assert!(profile.body["birth_date"].as_str().unwrap().len() == 10);

    // The audit log names the citizen only by pseudonym (rows are written
    // in batches: wait for them).
    let mut rows: Vec<(String, Option<String>)> = Vec::new();
    for _ in 0..100 {
        rows = sqlx::query_as("SELECT operation, citizen FROM audit_log").fetch_all(&pool).await.unwrap();
        if rows.len() >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ops: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    for op in ["telecom.ownership", "civil-registry.person", "sms.send"] {
        assert!(ops.contains(&op), "{op} not audited: {ops:?}");
    }
    assert!(rows.iter().all(|r| r.1.as_deref().is_some_and(|c| c.len() == 32 && !c.contains(ADULT.0))));
    // The one the session keeps since sign-in (the profile's call) is the
    // gateway's pseudonym of the citizen.
    let pseudonym = p.state.gateway().pseudonym(ADULT.0);
    assert!(rows.iter().all(|r| r.1.as_deref() == Some(pseudonym.as_str())), "{rows:?}");

    let stolen = b.clone();
    let a = b.post("/api/auth/sign-out", json!({})).await;
    assert_eq!(a.status, 204);
    assert!(a.set_cookie.unwrap().contains("Max-Age=0"), "the cookie is cleared");
    assert_eq!(b.get("/api/me").await.status, 401);
    // Sign-out ended the session on the server: the old cookie is worthless.
    let mut replay = stolen;
    assert_eq!(replay.get("/api/me").await.code(), "not_signed_in");
    check_documented(&p).await;
}

#[tokio::test]
async fn session_id_changes_on_sign_in_and_cookie_flags() {
    let p = portal().await;
    let mut b = p.browser();
    let a = p.start(&mut b, ADULT).await;
    let cookie = a.set_cookie.expect("a session for the pending sign-in");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} missing: {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP in development: {cookie}");
    assert!(cookie.starts_with("panjere="));
    let before = b.cookie.clone().unwrap();
    let code = p.code_for(ADULT.1).await.unwrap();
    b.post("/api/auth/verify", json!({ "code": code })).await;
    let after = b.cookie.clone().unwrap();
    assert_ne!(before, after, "the session id must change on sign-in");
    // The pre-sign-in id (which an attacker could have planted) is dead.
    let mut planted = p.browser();
    planted.cookie = Some(before);
    assert_eq!(planted.get("/api/me").await.status, 401);
    assert_eq!(b.get("/api/me").await.status, 200);

    // Over HTTPS: Secure and a __Host- name.
    let p = portal_with(AuthSettings { cookie_secure: Some(true), ..Default::default() }).await;
    let a = p.start(&mut p.browser(), ADULT).await;
    let cookie = a.set_cookie.unwrap();
    assert!(cookie.starts_with("__Host-panjere=") && cookie.contains("Secure") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
}

#[tokio::test]
async fn expired_code_refused() {
    let p = portal().await;
    let mut b = p.browser();
    p.start(&mut b, ADULT).await;
    let code = p.code_for(ADULT.1).await.unwrap();
    p.advance(120);
    let a = b.post("/api/auth/verify", json!({ "code": code })).await;
    assert_eq!((a.status, a.code()), (400, "code_expired"));
    assert_eq!(a.body["error"]["parameter"], "code");
}

#[tokio::test]
async fn sixth_attempt_refused_even_with_the_right_code() {
    let p = portal().await;
    let mut b = p.browser();
    p.start(&mut b, ADULT).await;
    let code = p.code_for(ADULT.1).await.unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (1..=4).rev() {
        let a = b.post("/api/auth/verify", json!({ "code": wrong })).await;
        assert_eq!((a.status, a.code()), (400, "code_wrong"));
        assert_eq!(a.body["error"]["attempts_left"], left);
    }
    let a = b.post("/api/auth/verify", json!({ "code": wrong })).await;
    assert_eq!((a.status, a.code()), (429, "code_locked"), "the fifth wrong code kills it");
    let a = b.post("/api/auth/verify", json!({ "code": code })).await;
    assert_eq!((a.status, a.code()), (429, "code_locked"), "dead even with the right code");
    assert_eq!(a.headers[header::RETRY_AFTER], "900");
    // …and the person must wait: no new code until the lockout ends.
    p.advance(120);
    let a = b.post("/api/auth/resend", json!({})).await;
    assert_eq!(a.code(), "code_locked");
    assert_eq!(a.body["error"]["retry_after_s"], 780);
    let a = p.start(&mut p.browser(), ADULT).await;
    assert_eq!(a.code(), "code_locked", "a fresh browser waits too");
    p.advance(780);
    assert_eq!(p.start(&mut b, ADULT).await.status, 200);
    // A malformed code is refused without costing an attempt.
    let a = b.post("/api/auth/verify", json!({ "code": "12" })).await;
    assert_eq!((a.status, a.code()), (400, "code_format"));
}

#[tokio::test]
async fn resend_cooldown_and_the_new_code_replaces_the_old() {
    let p = portal().await;
    let mut b = p.browser();
    p.start(&mut b, ADULT).await;
    let first = p.code_for(ADULT.1).await.unwrap();
    let a = b.post("/api/auth/resend", json!({})).await;
    assert_eq!((a.status, a.code()), (429, "resend_too_soon"));
    assert_eq!(a.body["error"]["retry_after_s"], 60);
    p.advance(45);
    assert_eq!(b.post("/api/auth/resend", json!({})).await.body["error"]["retry_after_s"], 15);
    // Starting over does not get round the cooldown.
    assert_eq!(p.start(&mut p.browser(), ADULT).await.code(), "resend_too_soon");
    assert_eq!(p.outbox_len(ADULT.1).await, 1);
    p.advance(15);
    let a = b.post("/api/auth/resend", json!({})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(p.outbox_len(ADULT.1).await, 2);
    let second = p.code_for(ADULT.1).await.unwrap();
    if first != second {
        let a = b.post("/api/auth/verify", json!({ "code": first })).await;
        assert_eq!(a.code(), "code_wrong", "the first code no longer works");
    }
    let a = b.post("/api/auth/verify", json!({ "code": second })).await;
    assert_eq!(a.status, 200);
    // Resend without a pending sign-in.
    let a = p.browser().post("/api/auth/resend", json!({})).await;
    assert_eq!((a.status, a.code()), (409, "no_pending_sign_in"));
}

#[tokio::test]
async fn who_may_not_sign_in_is_told_why_and_gets_no_code() {
    let p = portal().await;
    let cases = [
        (("0499370899", "09122222222"), 422, "person_minor"),
        (("1583250689", "09123333333"), 422, "person_deceased"),
        (("0023456787", "09125555555"), 422, "mobile_not_owned"),
        (("0067812341", "09128888888"), 422, "person_unknown"),
        // Not owned is checked first: the registry is not consulted.
        (("0499370899", "09121111111"), 422, "mobile_not_owned"),
        (("0076229646", "09121111111"), 400, "national_code_check_digit"),
        (("1111111111", "09121111111"), 400, "national_code_all_same"),
        (("12345", "09121111111"), 400, "national_code_length"),
        (("00762x9645", "09121111111"), 400, "national_code_not_digits"),
        (("", "09121111111"), 400, "national_code_empty"),
        (("0076229645", "02112345678"), 400, "mobile_format"),
        (("0076229645", ""), 400, "mobile_empty"),
    ];
    for (who, status, code) in cases {
        let a = p.start(&mut p.browser(), who).await;
        assert_eq!((a.status, a.code()), (status, code), "{who:?}: {}", a.body);
        assert_eq!(p.outbox_len(who.1).await, 0, "{who:?} got a code");
    }
    // 8-digit codes are left-padded.
    assert_eq!(p.start(&mut p.browser(), ("76229645", "9121111111")).await.status, 200);
    check_documented(&p).await;
}

#[tokio::test]
async fn cross_site_and_non_json_requests_refused() {
    let p = portal().await;
    let body = json!({ "national_code": ADULT.0, "mobile": ADULT.1 }).to_string();
    let origin_here = p.base.clone();
    let here = origin_here.as_str();
    // Without the browser's cookie: each call adds it where it is needed.
    let bare = p.browser();
    let req = |origin: Option<&str>, fetch_site: Option<&str>, content_type: &str, path: &str, method: Method| {
        let mut r = bare.request(method, path).header(header::CONTENT_TYPE, content_type);
        if let Some(o) = origin {
            r = r.header(header::ORIGIN, o);
        }
        if let Some(s) = fetch_site {
            r = r.header("sec-fetch-site", s);
        }
        r.body(body.clone())
    };
    let mut b = p.browser();
    let json_type = "application/json";
    let a = b.send_built(req(Some("https://evil.example"), None, json_type, "/api/auth/start", Method::POST)).await;
    assert_eq!((a.status, a.code()), (403, "cross_site"));
    let a = b.send_built(req(None, None, json_type, "/api/auth/start", Method::POST)).await;
    assert_eq!((a.status, a.code()), (403, "cross_site"));
    let a = b.send_built(req(Some(here), Some("cross-site"), json_type, "/api/auth/start", Method::POST)).await;
    assert_eq!((a.status, a.code()), (403, "cross_site"));
    let a = b.send_built(req(Some(here), None, "text/plain", "/api/auth/start", Method::POST)).await;
    assert_eq!((a.status, a.code()), (415, "not_json"));
    // JSON that is not an object (serde would take an array as the fields
    // in order), found by Schemathesis.
    for body in ["[\"0076229645\", \"09121111111\"]", "[]", "null", "\"x\""] {
        let a = b
            .send_built(b.request(Method::POST, "/api/auth/start").header("origin", here).header("content-type", json_type).body(body))
            .await;
        assert_eq!((a.status, a.code(), a.body["error"]["parameter"].as_str()), (400, "bad_body", Some("body")), "{body}: {}", a.body);
    }
    // A method the path does not have: 405 in the error body, with Allow.
    let a = b.send_built(b.request(Method::PUT, "/api/health").header("origin", here)).await;
    assert_eq!((a.status, a.code()), (405, "method_not_allowed"), "{}", a.body);
    assert_eq!(a.headers["allow"], "GET,HEAD");
    let a = b.send_built(req(None, None, "application/x-www-form-urlencoded", "/api/auth/sign-out", Method::POST)).await;
    assert_eq!(a.status, 403);
    assert_eq!(p.outbox_len(ADULT.1).await, 0, "nothing was sent");

    // A signed-in citizen's session cannot be ended cross-site.
    let mut b = p.browser();
    p.sign_in(&mut b, ADULT).await;
    let r = req(Some("https://evil.example"), Some("cross-site"), json_type, "/api/me/sessions", Method::DELETE);
    let r = r.header(header::COOKIE, b.cookie.clone().unwrap());
    assert_eq!(b.clone().send_built(r).await.status, 403);
    let r = req(None, Some("same-origin"), json_type, "/api/auth/sign-out", Method::POST);
    let r = r.header(header::COOKIE, b.cookie.clone().unwrap());
    assert_eq!(b.send_built(r).await.status, 204, "same-origin by Sec-Fetch-Site alone is accepted");
    check_documented(&p).await;
}

#[tokio::test]
async fn a_session_survives_a_server_restart() {
    let mut p = portal().await;
    let mut b = p.browser();
    p.sign_in(&mut b, ADULT).await;
    p.restart().await;
    let a = b.get("/api/me").await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["national_code"], ADULT.0);
}

#[tokio::test]
async fn idle_and_absolute_timeouts() {
    let p = portal().await;
    let mut b = p.browser();
    p.sign_in(&mut b, ADULT).await;
    p.advance(600);
    let a = b.get("/api/me").await;
    assert_eq!(a.status, 200, "activity within the idle timeout");
    assert_eq!(a.body["session"]["idle_remaining_s"], 900);
    p.advance(899);
    assert_eq!(b.get("/api/me").await.status, 200);
    let saved = b.clone();
    p.advance(900);
    let mut twin = b.clone();
    let a = b.get("/api/me").await;
    assert_eq!((a.status, a.code()), (401, "session_idle_timeout"));
    let a = twin.get("/api/auth/session").await;
    assert_eq!((a.status, a.body["me"].is_null()), (200, true));
    assert_eq!(saved.clone().get("/api/me").await.code(), "not_signed_in", "the expired session is deleted");

    // Active all the time, still signed out after 12 hours.
    p.advance(61);
    let mut b = p.browser();
    p.sign_in(&mut b, ADULT).await;
    for _ in 0..(12 * 3600 / 800 - 1) {
        p.advance(800);
        assert_eq!(b.get("/api/me").await.status, 200);
    }
    p.advance(800);
    assert_eq!(b.get("/api/me").await.code(), "session_absolute_timeout");
}

#[tokio::test]
async fn my_sessions_list_and_sign_out_elsewhere() {
    let p = portal().await;
    let mut phone = p.browser_as(PHONE_UA);
    let mut laptop = p.browser_as("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
    let mut tablet = p.browser();
    p.sign_in(&mut phone, ADULT).await;
    p.advance(61);
    p.sign_in(&mut laptop, ADULT).await;
    p.advance(61);
    p.sign_in(&mut tablet, ADULT).await;
    let mut other = p.browser();
    p.sign_in(&mut other, ("0034567811", "09125555555")).await;

    let list = phone.get("/api/me/sessions").await;
    let items = list.body["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3, "{}", list.body);
    let current: Vec<&Value> = items.iter().filter(|i| i["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["device"], "Chrome · Android");
    assert!(items.iter().any(|i| i["device"] == "Firefox · Linux"));
    let laptop_id = items.iter().find(|i| i["device"] == "Firefox · Linux").unwrap()["id"].as_str().unwrap().to_owned();

    // Another citizen cannot see or end these sessions.
    let a = other.delete(&format!("/api/me/sessions/{laptop_id}")).await;
    assert_eq!(a.status, 404);
    assert_eq!(laptop.get("/api/me").await.status, 200);

    let a = phone.delete(&format!("/api/me/sessions/{laptop_id}")).await;
    assert_eq!((a.status, a.body["count"].as_u64()), (200, Some(1)));
    assert_eq!(laptop.get("/api/me").await.status, 401, "signed out on the laptop");
    assert_eq!(phone.get("/api/me/sessions").await.body["items"].as_array().unwrap().len(), 2);

    let a = phone.delete("/api/me/sessions").await;
    assert_eq!(a.body["count"], 1);
    assert_eq!(tablet.get("/api/me").await.status, 401);
    assert_eq!(phone.get("/api/me").await.status, 200, "this session stays");
    assert_eq!(other.get("/api/me").await.status, 200, "other citizens are untouched");
    let a = phone.delete("/api/me/sessions/no-such-session").await;
    assert_eq!(a.status, 404);
    check_documented(&p).await;
}

#[tokio::test]
async fn rate_limits_per_national_code_and_per_address() {
    let p = portal().await;
    let mut b = p.browser();
    for _ in 0..5 {
        let a = p.start(&mut b, ADULT).await;
        assert_eq!(a.status, 200, "{}", a.body);
        p.advance(61);
    }
    let a = p.start(&mut b, ADULT).await;
    assert_eq!((a.status, a.code()), (429, "rate_limited"), "six codes in an hour");
    assert!(a.body["error"]["retry_after_s"].as_u64().unwrap() <= 3600 - 5 * 61 + 61);

    let p = portal_with(AuthSettings { address_limit: 3, ..Default::default() }).await;
    for _ in 0..3 {
        p.start(&mut p.browser(), ("0076229646", "09121111111")).await;
    }
    let a = p.start(&mut p.browser(), ADULT).await;
    assert_eq!((a.status, a.code()), (429, "rate_limited"), "per client address");
    assert!(a.headers.contains_key(header::RETRY_AFTER));

    // Per mobile number, below the national code's allowance.
    let p = portal_with(AuthSettings { codes_per_hour: 10, codes_per_mobile_per_hour: 3, ..Default::default() }).await;
    let mut b = p.browser();
    for _ in 0..3 {
        let a = p.start(&mut b, ADULT).await;
        assert_eq!(a.status, 200, "{}", a.body);
        p.advance(61);
    }
    let outbox = p.outbox_len(ADULT.1).await;
    let a = p.start(&mut b, ADULT).await;
    assert_eq!((a.status, a.code()), (429, "rate_limited"), "a fourth code to one mobile in an hour");
    assert_eq!(p.outbox_len(ADULT.1).await, outbox, "no SMS sent");
}

#[tokio::test]
async fn a_request_racing_the_sign_out_cannot_bring_the_session_back() {
    let p = portal().await;
    let mut b = p.citizen(ADULT).await;
    assert_eq!(b.get("/api/me").await.status, 200);
    // What a request in flight during the sign-out would write back when it
    // finishes: the session record as it was.
    // (The SQLite session table is written back by hand; on PostgreSQL and
    // Redis the same sign-out must hold without it.)
    let pool = p.pool().await;
    let saved: Vec<(String, Vec<u8>, String)> = if p.embedded() {
        sqlx::query_as("SELECT id, data, expiry_date FROM tower_sessions").fetch_all(&pool).await.unwrap()
    } else {
        Vec::new()
    };
    assert_eq!(saved.len(), usize::from(p.embedded()));
    let mut other_tab = p.browser();
    other_tab.cookie = b.cookie.clone();
    assert_eq!(b.post("/api/auth/sign-out", json!({})).await.status, 204);
    for (id, data, expiry) in &saved {
        sqlx::query("INSERT INTO tower_sessions (id, data, expiry_date) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(data)
            .bind(expiry)
            .execute(&pool)
            .await
            .unwrap();
    }
    let a = other_tab.get("/api/me").await;
    assert_eq!((a.status, a.code()), (401, "not_signed_in"), "signed out stays signed out: {}", a.body);
}

#[tokio::test]
async fn many_citizens_behind_one_address_sign_in_while_guessing_one_code_is_stopped() {
    // Iranian mobile carriers put thousands of subscribers behind one public
    // address: everyone here comes from 127.0.0.1.
    let p = portal().await;
    let mut signed_in = 0;
    for i in 0..40u64 {
        let code = national_code(12_345_000 + i * 7_919);
        let mobile = panjere_agencies::data::person(&code).mobile;
        let mut b = p.browser();
        let a = p.start(&mut b, (&code, &mobile)).await;
        assert_eq!(a.status, 200, "citizen {i} ({code}) from the shared address: {}", a.body);
        let sent = p.code_for(&mobile).await.unwrap();
        let a = b.post("/api/auth/verify", json!({ "code": sent })).await;
        assert_eq!(a.status, 200, "{}", a.body);
        signed_in += 1;
    }
    assert_eq!(signed_in, 40, "80 sign-in requests from one address in a minute, none refused");

    // Someone guessing one citizen's code, from the same address: the code
    // dies after five wrong tries, and five codes an hour is all it gets.
    let mut guesser = p.browser();
    p.start(&mut guesser, ADULT).await;
    let real = p.code_for(ADULT.1).await.unwrap();
    let wrong = |n: u32| format!("{:06}", (real.parse::<u32>().unwrap() + n) % 1_000_000);
    let mut last = String::new();
    for n in 1..=6 {
        last = guesser.post("/api/auth/verify", json!({ "code": wrong(n) })).await.code().to_owned();
    }
    assert_eq!(last, "code_locked", "the code is dead after five wrong tries");
    let a = guesser.post("/api/auth/verify", json!({ "code": real })).await;
    assert_eq!(a.status, 429, "even the right code now: {}", a.body);
    // Meanwhile another citizen from the same address still signs in.
    let code = national_code(98_765_432);
    let mobile = panjere_agencies::data::person(&code).mobile;
    let mut b = p.browser();
    assert_eq!(p.start(&mut b, (&code, &mobile)).await.status, 200);
}

#[tokio::test]
async fn an_agency_down_during_sign_in_is_named() {
    let p = portal().await;
    p.sims.agency("sms").faults.send_replace(panjere_agencies::faults::Faults { error_rate: 1.0, ..Default::default() });
    let mut b = p.browser();
    let a = p.start(&mut b, ADULT).await;
    assert_eq!(a.body["error"]["agency"], "sms", "{}", a.body);
    assert!(a.status >= 500);
    // Nothing was stored: once the SMS gateway is back, no cooldown applies.
    p.sims.agency("sms").faults.send_replace(Default::default());
    tokio::time::sleep(Duration::from_millis(10)).await;
    let a = p.start(&mut b, ADULT).await;
    assert_eq!(a.status, 200, "{}", a.body);
}

/// Every (method, path, status) these tests saw is in the OpenAPI document.
async fn check_documented(p: &TestApp) {
    let doc = p.browser().get("/api/openapi.json").await.body;
    for (method, path, status) in p.seen.lock().unwrap().iter() {
        if !(path.starts_with("/api/auth/") || path.starts_with("/api/me")) {
            continue;
        }
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(op["responses"].get(status.to_string()).is_some(), "{method} {path}: status {status} is not documented");
    }
}
