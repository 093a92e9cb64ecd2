//! The gateway against real simulated agencies: both spawned on free ports,
//! driven over HTTP.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use panjere_agencies::faults::Faults;
use panjere_server::gateway::{CallContext, Gateway};
use serde_json::Value;

use crate::helpers::{TestApp, TestOptions};

const TIMEOUT_MS: u64 = 600;
const OPEN_MS: u64 = 400;

struct Harness {
    app: TestApp,
    gateway: Arc<Gateway>,
    pool: sqlx::AnyPool,
    _dir: tempfile::TempDir,
}

/// Simulators, then the server configured to call them, with short timeouts
/// (the URLs come from the environment, as in a deployment).
async fn spawn(env_extra: &[(&str, &str)]) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let agencies_file = dir.path().join("agencies.toml");
    let mut toml = format!(
        "[defaults]\nconnect_timeout_ms = 200\ntimeout_ms = {TIMEOUT_MS}\nconcurrency = 64\nretries = 2\nbackoff_ms = 5\nretry_budget = 0.5\n\
         breaker_consecutive = 3\nbreaker_window = 20\nbreaker_rate = 0.5\nbreaker_open_ms = {OPEN_MS}\nmax_response_bytes = 65536\nprobe_interval_ms = 60000\n"
    );
    for id in panjere_agencies::AGENCIES.iter() {
        toml.push_str(&format!("[agency.{id}]\nbase_url = \"http://127.0.0.1:9\"\n"));
        if *id == "sms" {
            toml.push_str("name_fa = \"سامانه پیامک دولت\"\nname_en = \"Government SMS gateway\"\n");
        }
    }
    std::fs::write(&agencies_file, toml).unwrap();
    let env = env_extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let app = TestApp::spawn(TestOptions {
        agencies_file: Some(agencies_file),
        step: Duration::from_millis(200),
        env,
        background: false,
        ..Default::default()
    })
    .await;
    let gateway = app.state.gateway().clone();
    let pool = app.pool().await;
    Harness { app, gateway, pool, _dir: dir }
}

impl Harness {
    async fn get(&self, path: &str) -> (u16, Value) {
        self.app.browser().get(path).await.pair()
    }

    fn fault(&self, id: &str, f: Faults) {
        self.app.fault(id, f);
    }

    fn hits(&self, id: &str) -> usize {
        self.app.sims.agency(id).requests.lock().unwrap().len()
    }

    async fn audit(&self) -> Vec<(String, String, Option<String>, String)> {
        self.app.state.stores().audit.flush().await;
        sqlx::query_as("SELECT agency, operation, citizen, outcome FROM audit_log ORDER BY id").fetch_all(&self.pool).await.unwrap()
    }

    async fn status_of(&self, id: &str) -> Value {
        let (_, s) = self.get("/api/status").await;
        s["agencies"].as_array().unwrap().iter().find(|a| a["id"] == id).unwrap().clone()
    }
}

fn ctx(citizen: Option<&str>) -> CallContext {
    CallContext { request_id: "test-request".into(), citizen: citizen.map(str::to_owned), requested_by: None }
}

fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

#[tokio::test]
async fn a_public_inquiry_round_trips_and_is_audited() {
    let h = spawn(&[]).await;
    let (status, body) = h.get("/api/lookup/post.address?postal_code=%DB%B1%DB%B3%DB%B1%DB%B4%DB%B5%DB%B6%DB%B7%DB%B8%DB%B9%DB%B1").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["agency"], "post");
    assert_eq!(body["agency_name"]["fa"], "شرکت ملی پست جمهوری اسلامی ایران");
    assert_eq!(body["result"]["postal_code"], "1314567891");
    assert!(body["result"]["address"].as_str().unwrap().contains("پلاک"));
    // the agency's answer is passed on as sent, in the shared wire type
    let answer: panjere_api::LookupAnswer = serde_json::from_value(body.clone()).unwrap();
    assert_eq!((answer.operation.as_str(), answer.agency.as_str()), ("post.address", "post"));
    let (status, body) = h.get("/api/lookup/customs.declaration?number=123456789").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["number"], "123456789");
    let rows = h.audit().await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0], ("post".into(), "post.address".into(), None, "ok".into()));
}

#[tokio::test]
async fn personal_calls_carry_a_pseudonym_never_the_national_code() {
    let h = spawn(&[]).await;
    let person = h
        .gateway
        .call("civil-registry.person", &p(&[("national_code", "0076229645")]), &ctx(Some(&h.gateway.pseudonym("0076229645"))))
        .await
        .unwrap();
    assert_eq!(person["national_code"], "0076229645");
    assert_eq!(person["alive"], true);
    let owner = h
        .gateway
        .call(
            "telecom.ownership",
            &p(&[("national_code", "0023456787"), ("mobile", "09125555555")]),
            &ctx(Some(&h.gateway.pseudonym("0023456787"))),
        )
        .await
        .unwrap();
    assert_eq!(owner["owner"], false, "the mobile-not-owned persona");
    let rows = h.audit().await;
    assert_eq!(rows.len(), 2);
    let pseudonym = rows[0].2.clone().unwrap();
    assert_eq!(pseudonym, h.gateway.pseudonym("0076229645"));
    assert_eq!(pseudonym.len(), 32);
    let all: Vec<String> =
        sqlx::query_scalar("SELECT at || request_id || agency || operation || COALESCE(citizen,'') || outcome FROM audit_log")
            .fetch_all(&h.pool)
            .await
            .unwrap();
    assert!(all.iter().all(|r| !r.contains("0076229645") && !r.contains("0023456787")), "{all:?}");
    // person data through the public lookup is refused: not a public operation
    let (status, body) = h.get("/api/lookup/civil-registry.person?national_code=0076229645").await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(h.hits("sabt-ahval"), 1);
}

#[tokio::test]
async fn credentials_are_enforced() {
    let h = spawn(&[("PANJERE_AGENCY_POST_KEY", "not-the-key")]).await;
    let raw = reqwest::get(format!("{}/v1/postal-codes/1314567891", h.app.sims.url("post"))).await.unwrap();
    assert_eq!(raw.status().as_u16(), 401, "an agency refuses calls without its credential");
    let (status, body) = h.get("/api/lookup/post.address?postal_code=1314567891").await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["error"]["code"], "agency_error");
    assert_eq!(body["error"]["agency"], "post");
    assert!(!body["error"]["message"].as_str().unwrap().contains("not-the-key"));
    // other agencies, with right keys, still answer
    assert_eq!(h.get("/api/lookup/customs.declaration?number=123456789").await.0, 200);
}

#[tokio::test]
async fn agency_down_gives_a_clear_error_opens_the_breaker_and_recovers() {
    let h = spawn(&[]).await;
    h.fault("post", Faults { refuse: true, ..Default::default() });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, body) = h.get("/api/lookup/post.address?postal_code=1314567891").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "agency_unavailable");
    assert_eq!(body["error"]["agency"], "post");
    assert!(body["error"]["request_id"].is_string());
    for _ in 0..3 {
        h.get("/api/lookup/post.address?postal_code=1314567891").await;
    }
    let s = h.status_of("post").await;
    assert_eq!((s["state"].as_str(), s["breaker"].as_str()), (Some("down"), Some("open")), "{s}");
    // open: refused at once, without trying the agency
    let t = Instant::now();
    assert_eq!(h.get("/api/lookup/post.address?postal_code=1314567891").await.0, 503);
    assert!(t.elapsed() < Duration::from_millis(100), "{:?}", t.elapsed());
    // the agency comes back; after the open period a probe closes the breaker
    h.fault("post", Faults::default());
    tokio::time::sleep(Duration::from_millis(OPEN_MS + 300)).await;
    let (status, body) = h.get("/api/lookup/post.address?postal_code=1314567891").await;
    assert_eq!(status, 200, "{body}");
    let s = h.status_of("post").await;
    assert_eq!((s["state"].as_str(), s["breaker"].as_str()), (Some("up"), Some("closed")), "{s}");
    assert!(s["last_success"].is_string());
}

#[tokio::test]
async fn a_hanging_agency_times_out_while_another_answers_fast() {
    let h = Arc::new(spawn(&[]).await);
    h.fault("post", Faults { hang: true, ..Default::default() });
    let slow = {
        let h = h.clone();
        tokio::spawn(async move {
            let t = Instant::now();
            let r = h.get("/api/lookup/post.address?postal_code=1314567891").await;
            (r, t.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    for _ in 0..5 {
        let t = Instant::now();
        let (status, _) = h.get("/api/lookup/customs.declaration?number=123456789").await;
        assert_eq!(status, 200);
        assert!(t.elapsed() < Duration::from_millis(200), "customs took {:?} while post hangs", t.elapsed());
    }
    let ((status, body), took) = slow.await.unwrap();
    assert_eq!(status, 504, "{body}");
    assert_eq!(body["error"]["code"], "agency_timeout");
    assert!(took >= Duration::from_millis(TIMEOUT_MS) && took < Duration::from_millis(TIMEOUT_MS + 400), "{took:?}");
}

#[tokio::test]
async fn malformed_and_slow_answers_are_clear_errors() {
    let h = spawn(&[]).await;
    h.fault("customs", Faults { malformed: true, ..Default::default() });
    let (status, body) = h.get("/api/lookup/customs.declaration?number=123456789").await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["error"]["code"], "agency_bad_answer");
    assert_eq!(body["error"]["agency"], "customs");
    h.fault("post", Faults { slow_body_ms: 3000, ..Default::default() });
    let (status, body) = h.get("/api/lookup/post.address?postal_code=1314567891").await;
    assert_eq!(status, 504, "{body}");
    assert_eq!(h.get("/api/health").await.0, 200, "the server is fine");
}

#[tokio::test]
async fn retries_only_idempotent_reads() {
    let h = spawn(&[]).await;
    h.fault("post", Faults { error_rate: 1.0, ..Default::default() });
    let (status, body) = h.get("/api/lookup/post.address?postal_code=1314567891").await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(h.hits("post"), 3, "one try and two retries");
    h.fault("sms", Faults { error_rate: 1.0, ..Default::default() });
    let r = h.gateway.call("sms.send", &p(&[("to", "09121111111"), ("text", "سلام")]), &ctx(None)).await;
    assert!(r.is_err());
    assert_eq!(h.hits("sms"), 1, "a POST is never retried");
    let rows = h.audit().await;
    assert_eq!(rows.len(), 2, "one audit row per call, however many attempts");
}

#[tokio::test]
async fn every_call_is_audited_without_slowing_requests() {
    let h = spawn(&[]).await;
    let ok = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..40 {
        let g = h.gateway.clone();
        let ok = ok.clone();
        tasks.push(tokio::spawn(async move {
            let code = if i % 4 == 0 { "12" } else { "1314567891" };
            if g.call("post.address", &p(&[("postal_code", code)]), &ctx(None)).await.is_ok() {
                ok.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(ok.load(Ordering::SeqCst), 30);
    let rows = h.audit().await;
    // invalid postal codes are refused before any call: not audited as calls
    assert_eq!(rows.len(), 30, "{rows:?}");
    assert!(rows.iter().all(|r| r.3 == "ok"));
}

#[tokio::test]
async fn clients_cannot_steer_the_gateway_elsewhere() {
    let h = spawn(&[]).await;
    // a canary that must never be called
    let canary = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let canary_addr = canary.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    {
        let hits = hits.clone();
        tokio::spawn(async move {
            loop {
                if canary.accept().await.is_ok() {
                    hits.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
    }
    let c = format!("127.0.0.1:{}", canary_addr.port());
    let attempts = [
        (format!("/api/lookup/http:%2F%2F{c}%2F"), 404),
        ("/api/lookup/..%2F..%2Fadmin".to_owned(), 404),
        ("/api/lookup/post.address%2F..%2F..%2Fhealth".to_owned(), 404),
        (format!("/api/lookup/post.address?postal_code=http://{c}/"), 400),
        (format!("/api/lookup/post.address?postal_code=1314567891%2F..%2F..%2F{c}"), 400),
        (format!("/api/lookup/post.address?postal_code=1314567891&host={c}"), 400),
        (format!("/api/lookup/post.address?postal_code=1314567891&url=http://{c}"), 400),
        ("/api/lookup/post.address".to_owned(), 400),
        ("/api/lookup/sms.send?to=09121111111&text=x".to_owned(), 404),
    ];
    for (path, want) in &attempts {
        let (status, body) = h.get(path).await;
        assert_eq!(status, *want, "{path}: {body}");
        assert!(body["error"]["message"].is_string(), "{path}");
    }
    let (_, body) = h.get("/api/lookup/post.address?postal_code=1314567891&host=x").await;
    assert_eq!(body["error"]["parameter"], "host");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(hits.load(Ordering::SeqCst), 0, "the canary was called");
    // nothing reached the post office either
    assert_eq!(h.hits("post"), 0, "{:?}", h.app.sims.agency("post").requests.lock().unwrap());
}

#[tokio::test]
async fn status_lists_every_agency() {
    let h = spawn(&[]).await;
    h.get("/api/lookup/post.address?postal_code=1314567891").await;
    let (status, s) = h.get("/api/status").await;
    assert_eq!(status, 200);
    let list = s["agencies"].as_array().unwrap();
    assert_eq!(list.len(), panjere_agencies::AGENCIES.len());
    let post = list.iter().find(|a| a["id"] == "post").unwrap();
    assert_eq!(post["state"], "up");
    assert!(post["p50_ms"].as_f64().unwrap() >= 0.0);
    let sms = list.iter().find(|a| a["id"] == "sms").unwrap();
    assert_eq!(sms["name"]["en"], "Government SMS gateway");
    assert_eq!(sms["state"], "unknown");
}
