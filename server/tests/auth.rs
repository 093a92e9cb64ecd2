//! Sign-in and sessions through the router, against real simulated
//! agencies (telecom regulator, civil registry, SMS gateway) on free ports.
//! Codes are read from the SMS simulator's outbox over HTTP, as the browser
//! tests do. The window's clock is a manual one, so timeouts are tested
//! without waiting.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request};
use axum::Router;
use http_body_util::BodyExt;
use panjere_agencies::{Options, Running};
use panjere_server::auth::{Clock, ManualClock, SystemClock};
use panjere_server::catalog::Catalog;
use panjere_server::config::{AuthSettings, Config};
use panjere_server::{app, build_auth, build_gateway, db, AppState};
use serde_json::{json, Value};
use tower::ServiceExt;

const ADULT: (&str, &str) = ("0076229645", "09121111111");
const HOST: &str = "panjere.test";
const ORIGIN: &str = "http://panjere.test";
const PHONE_UA: &str =
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36";

struct Portal {
    sims: Running,
    router: Router,
    clock: Arc<ManualClock>,
    config: Config,
    urls: Vec<(String, String)>,
    http: reqwest::Client,
    /// (method, path template, status) of every answer, to check against
    /// the OpenAPI document.
    seen: Mutex<Vec<(String, String, u16)>>,
    _dir: tempfile::TempDir,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

async fn portal_with(settings: AuthSettings) -> Portal {
    let sims = panjere_agencies::start(Options::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The shipped agency registry, pointed at the simulators the way a
    // deployment points it at agencies: by environment.
    let urls = sims.url_env();
    let config = Config {
        agencies_file: root().join("config/agencies.toml"),
        operations_file: root().join("data/operations.toml"),
        data_dir: dir.path().join("var"),
        auth: settings,
        ..Default::default()
    };
    let clock = Arc::new(ManualClock::at(SystemClock.now()));
    let router = build(&config, clock.clone(), &urls).await;
    Portal { sims, router, clock, config, urls, http: reqwest::Client::new(), seen: Mutex::default(), _dir: dir }
}

async fn portal() -> Portal {
    portal_with(AuthSettings::default()).await
}

/// The server: a new database pool and state on the configured data
/// directory (calling it again is a restart).
async fn build(config: &Config, clock: Arc<ManualClock>, urls: &[(String, String)]) -> Router {
    let pool = db::open(&config.data_dir).await.unwrap();
    let catalog = Catalog::load(&root().join("data")).unwrap();
    let env = |k: &str| urls.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let gateway = build_gateway(config, &catalog, pool.clone(), &env).unwrap();
    let auth = build_auth(config, pool.clone(), clock, &|_| None).await.unwrap();
    app(AppState::new(catalog, pool, None, gateway, auth))
}

/// One browser: its session cookie.
#[derive(Default, Clone)]
struct Browser {
    cookie: Option<String>,
    user_agent: Option<&'static str>,
}

struct Answer {
    status: u16,
    set_cookie: Option<String>,
    headers: axum::http::HeaderMap,
    body: Value,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl Portal {
    async fn send(&self, b: &mut Browser, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut req = Request::builder().method(method.clone()).uri(path).header(header::HOST, HOST);
        if method != Method::GET {
            req = req.header(header::ORIGIN, ORIGIN).header(header::CONTENT_TYPE, "application/json");
        }
        if let Some(c) = &b.cookie {
            req = req.header(header::COOKIE, c);
        }
        if let Some(ua) = b.user_agent {
            req = req.header(header::USER_AGENT, ua);
        }
        let body = body.map(|v| Body::from(v.to_string())).unwrap_or_else(|| Body::from("{}"));
        self.raw(b, req.body(body).unwrap()).await
    }

    async fn raw(&self, b: &mut Browser, req: Request<Body>) -> Answer {
        let (method, path) = (req.method().to_string(), req.uri().path().to_owned());
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status().as_u16();
        let set_cookie = res.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_owned());
        if let Some(sc) = &set_cookie {
            let pair = sc.split(';').next().unwrap().to_owned();
            let removed = sc.contains("Max-Age=0") || pair.ends_with('=');
            b.cookie = if removed { None } else { Some(pair) };
        }
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let template = if path.starts_with("/api/me/sessions/") { "/api/me/sessions/{id}".to_owned() } else { path };
        self.seen.lock().unwrap().push((method.to_lowercase(), template, status));
        Answer { status, set_cookie, headers, body }
    }

    async fn get(&self, b: &mut Browser, path: &str) -> Answer {
        self.send(b, Method::GET, path, None).await
    }

    async fn post(&self, b: &mut Browser, path: &str, body: Value) -> Answer {
        self.send(b, Method::POST, path, Some(body)).await
    }

    async fn start(&self, b: &mut Browser, who: (&str, &str)) -> Answer {
        self.post(b, "/api/auth/start", json!({ "national_code": who.0, "mobile": who.1 })).await
    }

    /// The newest code sent to `mobile`, read from the SMS simulator's
    /// outbox over HTTP.
    async fn code_for(&self, mobile: &str) -> Option<String> {
        let url = format!("{}/outbox?mobile={mobile}", self.sims.url("sms"));
        let outbox: Value = self.http.get(url).bearer_auth("dev-sms-key").send().await.unwrap().json().await.unwrap();
        let text = outbox["items"].as_array()?.first()?["text"].as_str()?.to_owned();
        let digits: Vec<char> = text.chars().collect();
        digits.windows(6).find(|w| w.iter().all(char::is_ascii_digit)).map(|w| w.iter().collect())
    }

    async fn outbox_len(&self, mobile: &str) -> usize {
        let url = format!("{}/outbox?mobile={mobile}", self.sims.url("sms"));
        let outbox: Value = self.http.get(url).bearer_auth("dev-sms-key").send().await.unwrap().json().await.unwrap();
        outbox["items"].as_array().map(Vec::len).unwrap_or(0)
    }

    async fn sign_in(&self, b: &mut Browser, who: (&str, &str)) -> Answer {
        let a = self.start(b, who).await;
        assert_eq!(a.status, 200, "{}", a.body);
        let code = self.code_for(who.1).await.expect("a code in the outbox");
        let a = self.post(b, "/api/auth/verify", json!({ "code": code })).await;
        assert_eq!(a.status, 200, "{}", a.body);
        a
    }
}

#[tokio::test]
async fn sign_in_profile_and_sign_out() {
    let p = portal().await;
    let mut b = Browser { user_agent: Some(PHONE_UA), ..Default::default() };
    assert_eq!(p.get(&mut b, "/api/me").await.code(), "not_signed_in");
    let a = p.get(&mut b, "/api/auth/session").await;
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
    let pool = db::open(&p.config.data_dir).await.unwrap();
    let stored: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM otp_challenge").fetch_all(&pool).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(&code) && stored[0].len() == 64);

    let persian_code: String = code.chars().map(|c| char::from_u32('۰' as u32 + c.to_digit(10).unwrap()).unwrap()).collect();
    let a = p.post(&mut b, "/api/auth/verify", json!({ "code": persian_code })).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["national_code"], ADULT.0);
    assert_eq!(a.body["session"]["idle_timeout_s"], 900);

    let me = p.get(&mut b, "/api/me").await;
    assert_eq!(me.status, 200);
    assert_eq!(p.get(&mut b, "/api/auth/session").await.body["me"], me.body);
    assert_eq!(me.body["mobile"], ADULT.1);
    assert!(!me.body["first_name"].as_str().unwrap().is_empty());

    let profile = p.get(&mut b, "/api/me/profile").await;
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

    let stolen = b.clone();
    let a = p.post(&mut b, "/api/auth/sign-out", json!({})).await;
    assert_eq!(a.status, 204);
    assert!(a.set_cookie.unwrap().contains("Max-Age=0"), "the cookie is cleared");
    assert_eq!(p.get(&mut b, "/api/me").await.status, 401);
    // Sign-out ended the session on the server: the old cookie is worthless.
    let mut replay = stolen;
    assert_eq!(p.get(&mut replay, "/api/me").await.code(), "not_signed_in");
    check_documented(&p).await;
}

#[tokio::test]
async fn session_id_changes_on_sign_in_and_cookie_flags() {
    let p = portal().await;
    let mut b = Browser::default();
    let a = p.start(&mut b, ADULT).await;
    let cookie = a.set_cookie.expect("a session for the pending sign-in");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} missing: {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP in development: {cookie}");
    assert!(cookie.starts_with("panjere="));
    let before = b.cookie.clone().unwrap();
    let code = p.code_for(ADULT.1).await.unwrap();
    p.post(&mut b, "/api/auth/verify", json!({ "code": code })).await;
    let after = b.cookie.clone().unwrap();
    assert_ne!(before, after, "the session id must change on sign-in");
    // The pre-sign-in id (which an attacker could have planted) is dead.
    let mut planted = Browser { cookie: Some(before), ..Default::default() };
    assert_eq!(p.get(&mut planted, "/api/me").await.status, 401);
    assert_eq!(p.get(&mut b, "/api/me").await.status, 200);

    // Over HTTPS: Secure and a __Host- name.
    let p = portal_with(AuthSettings { cookie_secure: Some(true), ..Default::default() }).await;
    let a = p.start(&mut Browser::default(), ADULT).await;
    let cookie = a.set_cookie.unwrap();
    assert!(cookie.starts_with("__Host-panjere=") && cookie.contains("Secure") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
}

#[tokio::test]
async fn expired_code_refused() {
    let p = portal().await;
    let mut b = Browser::default();
    p.start(&mut b, ADULT).await;
    let code = p.code_for(ADULT.1).await.unwrap();
    p.clock.advance(120);
    let a = p.post(&mut b, "/api/auth/verify", json!({ "code": code })).await;
    assert_eq!((a.status, a.code()), (400, "code_expired"));
    assert_eq!(a.body["error"]["parameter"], "code");
}

#[tokio::test]
async fn sixth_attempt_refused_even_with_the_right_code() {
    let p = portal().await;
    let mut b = Browser::default();
    p.start(&mut b, ADULT).await;
    let code = p.code_for(ADULT.1).await.unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (1..=4).rev() {
        let a = p.post(&mut b, "/api/auth/verify", json!({ "code": wrong })).await;
        assert_eq!((a.status, a.code()), (400, "code_wrong"));
        assert_eq!(a.body["error"]["attempts_left"], left);
    }
    let a = p.post(&mut b, "/api/auth/verify", json!({ "code": wrong })).await;
    assert_eq!((a.status, a.code()), (429, "code_locked"), "the fifth wrong code kills it");
    let a = p.post(&mut b, "/api/auth/verify", json!({ "code": code })).await;
    assert_eq!((a.status, a.code()), (429, "code_locked"), "dead even with the right code");
    assert_eq!(a.headers[header::RETRY_AFTER], "900");
    // …and the person must wait: no new code until the lockout ends.
    p.clock.advance(120);
    let a = p.post(&mut b, "/api/auth/resend", json!({})).await;
    assert_eq!(a.code(), "code_locked");
    assert_eq!(a.body["error"]["retry_after_s"], 780);
    let a = p.start(&mut Browser::default(), ADULT).await;
    assert_eq!(a.code(), "code_locked", "a fresh browser waits too");
    p.clock.advance(780);
    assert_eq!(p.start(&mut b, ADULT).await.status, 200);
    // A malformed code is refused without costing an attempt.
    let a = p.post(&mut b, "/api/auth/verify", json!({ "code": "12" })).await;
    assert_eq!((a.status, a.code()), (400, "code_format"));
}

#[tokio::test]
async fn resend_cooldown_and_the_new_code_replaces_the_old() {
    let p = portal().await;
    let mut b = Browser::default();
    p.start(&mut b, ADULT).await;
    let first = p.code_for(ADULT.1).await.unwrap();
    let a = p.post(&mut b, "/api/auth/resend", json!({})).await;
    assert_eq!((a.status, a.code()), (429, "resend_too_soon"));
    assert_eq!(a.body["error"]["retry_after_s"], 60);
    p.clock.advance(45);
    assert_eq!(p.post(&mut b, "/api/auth/resend", json!({})).await.body["error"]["retry_after_s"], 15);
    // Starting over does not get round the cooldown.
    assert_eq!(p.start(&mut Browser::default(), ADULT).await.code(), "resend_too_soon");
    assert_eq!(p.outbox_len(ADULT.1).await, 1);
    p.clock.advance(15);
    let a = p.post(&mut b, "/api/auth/resend", json!({})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(p.outbox_len(ADULT.1).await, 2);
    let second = p.code_for(ADULT.1).await.unwrap();
    if first != second {
        let a = p.post(&mut b, "/api/auth/verify", json!({ "code": first })).await;
        assert_eq!(a.code(), "code_wrong", "the first code no longer works");
    }
    let a = p.post(&mut b, "/api/auth/verify", json!({ "code": second })).await;
    assert_eq!(a.status, 200);
    // Resend without a pending sign-in.
    let a = p.post(&mut Browser::default(), "/api/auth/resend", json!({})).await;
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
        let a = p.start(&mut Browser::default(), who).await;
        assert_eq!((a.status, a.code()), (status, code), "{who:?}: {}", a.body);
        assert_eq!(p.outbox_len(who.1).await, 0, "{who:?} got a code");
    }
    // 8-digit codes are left-padded.
    assert_eq!(p.start(&mut Browser::default(), ("76229645", "9121111111")).await.status, 200);
    check_documented(&p).await;
}

#[tokio::test]
async fn cross_site_and_non_json_requests_refused() {
    let p = portal().await;
    let body = json!({ "national_code": ADULT.0, "mobile": ADULT.1 }).to_string();
    let req = |origin: Option<&str>, fetch_site: Option<&str>, content_type: &str, path: &str, method: Method| {
        let mut r = Request::builder().method(method).uri(path).header(header::HOST, HOST).header(header::CONTENT_TYPE, content_type);
        if let Some(o) = origin {
            r = r.header(header::ORIGIN, o);
        }
        if let Some(s) = fetch_site {
            r = r.header("sec-fetch-site", s);
        }
        r.body(Body::from(body.clone())).unwrap()
    };
    let mut b = Browser::default();
    let json_type = "application/json";
    let a = p.raw(&mut b, req(Some("https://evil.example"), None, json_type, "/api/auth/start", Method::POST)).await;
    assert_eq!((a.status, a.code()), (403, "cross_site"));
    let a = p.raw(&mut b, req(None, None, json_type, "/api/auth/start", Method::POST)).await;
    assert_eq!((a.status, a.code()), (403, "cross_site"));
    let a = p.raw(&mut b, req(Some(ORIGIN), Some("cross-site"), json_type, "/api/auth/start", Method::POST)).await;
    assert_eq!((a.status, a.code()), (403, "cross_site"));
    let a = p.raw(&mut b, req(Some(ORIGIN), None, "text/plain", "/api/auth/start", Method::POST)).await;
    assert_eq!((a.status, a.code()), (415, "not_json"));
    let a = p.raw(&mut b, req(None, None, "application/x-www-form-urlencoded", "/api/auth/sign-out", Method::POST)).await;
    assert_eq!(a.status, 403);
    assert_eq!(p.outbox_len(ADULT.1).await, 0, "nothing was sent");

    // A signed-in citizen's session cannot be ended cross-site.
    let mut b = Browser::default();
    p.sign_in(&mut b, ADULT).await;
    let mut r = req(Some("https://evil.example"), Some("cross-site"), json_type, "/api/me/sessions", Method::DELETE);
    r.headers_mut().insert(header::COOKIE, b.cookie.clone().unwrap().parse().unwrap());
    assert_eq!(p.raw(&mut b.clone(), r).await.status, 403);
    let mut r = req(None, Some("same-origin"), json_type, "/api/auth/sign-out", Method::POST);
    r.headers_mut().insert(header::COOKIE, b.cookie.clone().unwrap().parse().unwrap());
    assert_eq!(p.raw(&mut b, r).await.status, 204, "same-origin by Sec-Fetch-Site alone is accepted");
    check_documented(&p).await;
}

#[tokio::test]
async fn a_session_survives_a_server_restart() {
    let mut p = portal().await;
    let mut b = Browser::default();
    p.sign_in(&mut b, ADULT).await;
    p.router = build(&p.config, p.clock.clone(), &p.urls).await;
    let a = p.get(&mut b, "/api/me").await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["national_code"], ADULT.0);
}

#[tokio::test]
async fn idle_and_absolute_timeouts() {
    let p = portal().await;
    let mut b = Browser::default();
    p.sign_in(&mut b, ADULT).await;
    p.clock.advance(600);
    let a = p.get(&mut b, "/api/me").await;
    assert_eq!(a.status, 200, "activity within the idle timeout");
    assert_eq!(a.body["session"]["idle_remaining_s"], 900);
    p.clock.advance(899);
    assert_eq!(p.get(&mut b, "/api/me").await.status, 200);
    let saved = b.clone();
    p.clock.advance(900);
    let mut twin = b.clone();
    let a = p.get(&mut b, "/api/me").await;
    assert_eq!((a.status, a.code()), (401, "session_idle_timeout"));
    let a = p.get(&mut twin, "/api/auth/session").await;
    assert_eq!((a.status, a.body["me"].is_null()), (200, true));
    assert_eq!(p.get(&mut saved.clone(), "/api/me").await.code(), "not_signed_in", "the expired session is deleted");

    // Active all the time, still signed out after 12 hours.
    p.clock.advance(61);
    let mut b = Browser::default();
    p.sign_in(&mut b, ADULT).await;
    for _ in 0..(12 * 3600 / 800 - 1) {
        p.clock.advance(800);
        assert_eq!(p.get(&mut b, "/api/me").await.status, 200);
    }
    p.clock.advance(800);
    assert_eq!(p.get(&mut b, "/api/me").await.code(), "session_absolute_timeout");
}

#[tokio::test]
async fn my_sessions_list_and_sign_out_elsewhere() {
    let p = portal().await;
    let mut phone = Browser { user_agent: Some(PHONE_UA), ..Default::default() };
    let mut laptop =
        Browser { user_agent: Some("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"), ..Default::default() };
    let mut tablet = Browser::default();
    p.sign_in(&mut phone, ADULT).await;
    p.clock.advance(61);
    p.sign_in(&mut laptop, ADULT).await;
    p.clock.advance(61);
    p.sign_in(&mut tablet, ADULT).await;
    let mut other = Browser::default();
    p.sign_in(&mut other, ("0034567811", "09125555555")).await;

    let list = p.get(&mut phone, "/api/me/sessions").await;
    let items = list.body["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3, "{}", list.body);
    let current: Vec<&Value> = items.iter().filter(|i| i["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["device"], "Chrome · Android");
    assert!(items.iter().any(|i| i["device"] == "Firefox · Linux"));
    let laptop_id = items.iter().find(|i| i["device"] == "Firefox · Linux").unwrap()["id"].as_str().unwrap().to_owned();

    // Another citizen cannot see or end these sessions.
    let a = p.send(&mut other, Method::DELETE, &format!("/api/me/sessions/{laptop_id}"), None).await;
    assert_eq!(a.status, 404);
    assert_eq!(p.get(&mut laptop, "/api/me").await.status, 200);

    let a = p.send(&mut phone, Method::DELETE, &format!("/api/me/sessions/{laptop_id}"), None).await;
    assert_eq!((a.status, a.body["count"].as_u64()), (200, Some(1)));
    assert_eq!(p.get(&mut laptop, "/api/me").await.status, 401, "signed out on the laptop");
    assert_eq!(p.get(&mut phone, "/api/me/sessions").await.body["items"].as_array().unwrap().len(), 2);

    let a = p.send(&mut phone, Method::DELETE, "/api/me/sessions", None).await;
    assert_eq!(a.body["count"], 1);
    assert_eq!(p.get(&mut tablet, "/api/me").await.status, 401);
    assert_eq!(p.get(&mut phone, "/api/me").await.status, 200, "this session stays");
    assert_eq!(p.get(&mut other, "/api/me").await.status, 200, "other citizens are untouched");
    let a = p.send(&mut phone, Method::DELETE, "/api/me/sessions/no-such-session", None).await;
    assert_eq!(a.status, 404);
    check_documented(&p).await;
}

#[tokio::test]
async fn rate_limits_per_national_code_and_per_address() {
    let p = portal().await;
    let mut b = Browser::default();
    for _ in 0..5 {
        let a = p.start(&mut b, ADULT).await;
        assert_eq!(a.status, 200, "{}", a.body);
        p.clock.advance(61);
    }
    let a = p.start(&mut b, ADULT).await;
    assert_eq!((a.status, a.code()), (429, "rate_limited"), "six codes in an hour");
    assert!(a.body["error"]["retry_after_s"].as_u64().unwrap() <= 3600 - 5 * 61 + 61);

    let p = portal_with(AuthSettings { address_limit: 3, ..Default::default() }).await;
    for _ in 0..3 {
        p.start(&mut Browser::default(), ("0076229646", "09121111111")).await;
    }
    let a = p.start(&mut Browser::default(), ADULT).await;
    assert_eq!((a.status, a.code()), (429, "rate_limited"), "per client address");
    assert!(a.headers.contains_key(header::RETRY_AFTER));
}

#[tokio::test]
async fn an_agency_down_during_sign_in_is_named() {
    let p = portal().await;
    p.sims.agency("sms").faults.send_replace(panjere_agencies::faults::Faults { error_rate: 1.0, ..Default::default() });
    let mut b = Browser::default();
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
async fn check_documented(p: &Portal) {
    let mut b = Browser::default();
    let doc = p.get(&mut b, "/api/openapi.json").await.body;
    for (method, path, status) in p.seen.lock().unwrap().iter() {
        if !(path.starts_with("/api/auth/") || path.starts_with("/api/me")) {
            continue;
        }
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(op["responses"].get(status.to_string()).is_some(), "{method} {path}: status {status} is not documented");
    }
}
