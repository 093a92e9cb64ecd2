//! Using a service, against real simulated agencies and a real server on
//! free ports (agencies call it back with signed status updates): inquiries,
//! applications with the window's own inter-agency inquiries, queueing while
//! an agency is down, restarts, duplicates, access control, tracking.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use panjere_agencies::faults::Faults;
use panjere_agencies::{Options, Running};
use panjere_server::auth::SystemClock;
use panjere_server::catalog::Catalog;
use panjere_server::config::Config;
use panjere_server::{app, build_auth, build_gateway, db, AppState};
use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Server {
    base: String,
    sims: Running,
    config: Config,
    urls: Vec<(String, String)>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

async fn start() -> Server {
    start_with(true).await
}

/// With `callbacks` false the agencies never call back: statuses arrive by
/// polling only.
async fn start_with(callbacks: bool) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let sims = panjere_agencies::start(Options {
        step: Duration::from_millis(300),
        callback_url: callbacks.then(|| format!("{base}/api/agency-callbacks")),
        ..Default::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let urls = sims.url_env();
    let config = Config {
        agencies_file: root().join("config/agencies.toml"),
        operations_file: root().join("data/operations.toml"),
        data_dir: dir.path().join("var"),
        ..Default::default()
    };
    let mut s = Server { base, sims, config, urls, tasks: Vec::new(), _dir: dir };
    s.serve(listener).await;
    s
}

impl Server {
    async fn serve(&mut self, listener: tokio::net::TcpListener) {
        let pool = db::open(&self.config.data_dir).await.unwrap();
        let catalog = Catalog::load(&root().join("data")).unwrap();
        let urls = self.urls.clone();
        let env = move |k: &str| urls.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let gateway = build_gateway(&self.config, &catalog, pool.clone(), &env).unwrap();
        let auth = build_auth(&self.config, pool.clone(), Arc::new(SystemClock), &env).await.unwrap();
        let settings = panjere_server::requests::RequestSettings { poll_interval_s: 1, max_backoff_s: 2 };
        let state = AppState::new(catalog, pool, None, gateway, auth).with_request_settings(settings);
        self.tasks.push(panjere_server::requests::spawn_worker(state.clone()));
        let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        self.tasks.push(tokio::spawn(async move {
            let _ = axum::serve(listener, service).await;
        }));
    }

    /// Stops the server and its worker and starts them again on the same
    /// port and database.
    async fn restart(&mut self) {
        for t in self.tasks.drain(..) {
            t.abort();
            let _ = t.await;
        }
        let addr = self.base.trim_start_matches("http://").to_owned();
        let listener = loop {
            match tokio::net::TcpListener::bind(&addr).await {
                Ok(l) => break l,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        self.serve(listener).await;
    }

    fn fault(&self, agency: &str, f: Faults) {
        self.sims.agency(agency).faults.send_replace(f);
    }

    /// Applications the agency holds.
    fn applications(&self, agency: &str) -> usize {
        self.sims.agency(agency).apps.lock().unwrap().by_ref.len()
    }

    async fn citizen(&self, national_code: &str, mobile: &str) -> Citizen {
        let mut c = Citizen { base: self.base.clone(), cookie: None, http: reqwest::Client::new() };
        let (s, b) = c.post("/api/auth/start", json!({ "national_code": national_code, "mobile": mobile })).await;
        assert_eq!(s, 200, "{b}");
        let outbox: Value = c
            .http
            .get(format!("{}/outbox?mobile={mobile}", self.sims.url("sms")))
            .bearer_auth("dev-sms-key")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let text = outbox["items"][0]["text"].as_str().unwrap().to_owned();
        let code: String = text.chars().filter(char::is_ascii_digit).take(6).collect();
        let (s, b) = c.post("/api/auth/verify", json!({ "code": code })).await;
        assert_eq!(s, 200, "{b}");
        c
    }
}

struct Citizen {
    base: String,
    cookie: Option<String>,
    http: reqwest::Client,
}

impl Citizen {
    async fn send(&mut self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.request(method.clone(), format!("{}{path}", self.base));
        if method != reqwest::Method::GET {
            req = req.header("origin", &self.base).json(&body.unwrap_or(json!({})));
        }
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let res = req.send().await.unwrap();
        if let Some(sc) = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()) {
            self.cookie = Some(sc.split(';').next().unwrap().to_owned());
        }
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }
    async fn get(&mut self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }
    async fn post(&mut self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
    async fn put(&mut self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    /// A filled-in passport application, submitted; answers the request.
    async fn apply_for_passport(&mut self) -> Value {
        let (s, d) = self.post("/api/drafts", json!({ "service": "passport-issuance", "values": { "purpose": "tourism" } })).await;
        assert_eq!(s, 201, "{d}");
        let id = d["id"].as_str().unwrap().to_owned();
        let values = json!({ "purpose": "tourism", "travel_date": "۱۴۰۵/۰۹/۲۰", "postal_code": "1314567891", "mobile": "09121111111" });
        let (s, d) = self.put(&format!("/api/drafts/{id}"), json!({ "values": values, "step": 2, "check_step": 2 })).await;
        assert_eq!((s, d["errors"].as_object().map(|e| e.len())), (200, Some(0)), "{d}");
        let (s, r) = self.post(&format!("/api/drafts/{id}/submit"), json!({})).await;
        assert_eq!(s, 201, "{r}");
        r
    }

    /// Waits until the request reaches `status` (or later).
    async fn wait_for(&mut self, id: &str, status: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let (_, r) = self.get(&format!("/api/requests/{id}")).await;
            let now = r["status"].as_str().unwrap_or_default().to_owned();
            if panjere_api::requests::rank(&now) >= panjere_api::requests::rank(status) {
                return r;
            }
            assert!(Instant::now() < deadline, "request {id} stuck at {now}, waiting for {status}: {r}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[tokio::test]
async fn every_inquiry_service_answers_through_the_gateway() {
    let s = start().await;
    let mut c = s.citizen("0034567811", "09125555555").await;
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
        let (status, a) = c.post(&format!("/api/services/{service}/inquiry"), json!({ "values": values })).await;
        assert_eq!(status, 200, "{service}: {a}");
        assert!(a["result"].pointer(pointer).is_some(), "{service}: no {pointer} in {a}");
        assert!(a["answered_at"].as_str().unwrap().ends_with('Z'));
        assert!(!a["agency_name"]["fa"].as_str().unwrap().is_empty());
    }
    // Bad values: per-field errors, nothing sent.
    let (status, e) = c.post("/api/services/traffic-fines/inquiry", json!({ "values": { "plate": "12B345" } })).await;
    assert_eq!((status, e["error"]["code"].as_str()), (422, Some("invalid_form")));
    assert_eq!(e["error"]["fields"]["plate"]["code"], "plate");
    let (status, _) = c.post("/api/services/passport-issuance/inquiry", json!({})).await;
    assert_eq!(status, 400, "an application is not an inquiry");
    let mut anonymous = Citizen { base: s.base.clone(), cookie: None, http: reqwest::Client::new() };
    assert_eq!(anonymous.post("/api/services/tax-clearance/inquiry", json!({})).await.0, 401);
}

#[tokio::test]
async fn an_application_with_the_windows_own_inquiry_is_tracked_to_the_end() {
    let s = start().await;
    let mut c = s.citizen("0076229645", "09121111111").await;
    let r = c.apply_for_passport().await;
    let code = r["tracking_code"].as_str().unwrap();
    assert_eq!(panjere_api::tracking::parse(code).as_deref(), Some(code), "a valid tracking code");
    assert_eq!(r["status"], "submitted");
    let id = r["id"].as_str().unwrap().to_owned();

    let done = c.wait_for(&id, "delivered").await;
    let timeline: Vec<&str> = done["timeline"].as_array().unwrap().iter().map(|e| e["status"].as_str().unwrap()).collect();
    assert_eq!(timeline[0], "submitted");
    for status in ["forwarded", "in_review", "delivered"] {
        assert!(timeline.contains(&status), "{status} missing from {timeline:?}");
    }
    assert!(timeline.contains(&"approved") || timeline.contains(&"rejected"));
    assert_eq!(done["inquiries"].as_array().unwrap().len(), 1, "{done}");
    assert_eq!(done["inquiries"][0]["agency_name"]["en"], "Public Conscription Organization (FARAJA)");
    assert!(done["answers"].as_array().unwrap().iter().any(|a| a["field"] == "purpose" && a["value"]["en"] == "Tourism"));
    assert_eq!(s.applications("passport-police"), 1);

    // The inbox has a notification per status change.
    let (_, inbox) = c.get("/api/inbox").await;
    let items = inbox["items"].as_array().unwrap();
    assert!(items.len() >= 4, "{inbox}");
    assert_eq!(inbox["unread"].as_u64().unwrap() as usize, items.len());
    assert_eq!(c.get("/api/inbox/unread").await.1, json!({ "unread": items.len() }));
    let first = items[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(c.post(&format!("/api/inbox/{first}/read"), json!({})).await.0, 204);
    assert_eq!(c.get("/api/inbox").await.1["unread"].as_u64().unwrap() as usize, items.len() - 1);
    assert_eq!(c.get("/api/inbox/unread").await.1, json!({ "unread": items.len() - 1 }));
    // The agency's notice on delivery is in the inbox too.
    let notice = items.iter().find(|n| n["status"] == "notice").expect("a notice from the agency");
    assert!(notice["notice"]["en"].as_str().unwrap().contains("posted to your address"), "{notice}");

    // "Who used my data": the conscription inquiry, on the passport police's behalf, for this request.
    let (_, uses) = c.get("/api/me/data-use").await;
    let inquiry =
        uses["items"].as_array().unwrap().iter().find(|u| u["operation"] == "conscription.status").expect("the inquiry is listed");
    assert_eq!(inquiry["requested_by_name"]["en"], "Immigration and Passport Police (FARAJA)");
    assert_eq!(inquiry["tracking_code"], code);

    // Track by code: status only, and only with the right national code.
    let mut anyone = Citizen { base: s.base.clone(), cookie: None, http: reqwest::Client::new() };
    let (status, t) = anyone.get(&format!("/api/track/{}?national_code=0076229645", code.to_lowercase())).await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["status"], done["status"]);
    assert!(t.get("answers").is_none() && !t.to_string().contains("0076229645"), "no personal data: {t}");
    assert_eq!(anyone.get(&format!("/api/track/{code}?national_code=0034567811")).await.0, 404);
    let mut wrong = code.to_owned();
    wrong.replace_range(0..1, if code.starts_with('1') { "2" } else { "1" });
    assert_eq!(anyone.get(&format!("/api/track/{wrong}?national_code=0076229645")).await.0, 400, "check digit");
}

#[tokio::test]
async fn agency_down_at_submit_queues_then_delivers_once_and_survives_a_restart() {
    let mut s = start().await;
    let mut c = s.citizen("0076229645", "09121111111").await;
    s.fault("passport-police", Faults { refuse: true, ..Default::default() });
    let r = c.apply_for_passport().await;
    let id = r["id"].as_str().unwrap().to_owned();
    let queued = c.wait_for(&id, "queued").await;
    assert_eq!(queued["status"], "queued", "the citizen sees queued, not an error");
    assert_eq!(s.applications("passport-police"), 0);

    // The server restarts while the request waits: it is still delivered.
    s.restart().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(c.get(&format!("/api/requests/{id}")).await.1["status"], "queued");
    s.fault("passport-police", Faults::default());
    c.wait_for(&id, "forwarded").await;
    c.wait_for(&id, "in_review").await;
    assert_eq!(s.applications("passport-police"), 1, "one application at the agency");
}

#[tokio::test]
async fn duplicate_submits_make_one_request() {
    let s = start().await;
    let mut c = s.citizen("0076229645", "09121111111").await;
    let (_, d) = c
        .post(
            "/api/drafts",
            json!({ "service": "passport-issuance", "values": { "purpose": "work", "postal_code": "1314567891", "mobile": "09121111111" } }),
        )
        .await;
    let id = d["id"].as_str().unwrap().to_owned();
    let path = format!("/api/drafts/{id}/submit");
    let mut c2 = Citizen { base: c.base.clone(), cookie: c.cookie.clone(), http: reqwest::Client::new() };
    let (a, b) = tokio::join!(c.post(&path, json!({})), c2.post(&path, json!({})));
    assert!([a.0, b.0].contains(&201) && [a.0, b.0].iter().all(|s| *s == 200 || *s == 201), "{a:?} {b:?}");
    assert_eq!(a.1["id"], b.1["id"]);
    assert_eq!(a.1["tracking_code"], b.1["tracking_code"]);
    let (again, r) = c.post(&path, json!({})).await;
    assert_eq!((again, &r["id"]), (200, &a.1["id"]));
    c.wait_for(a.1["id"].as_str().unwrap(), "forwarded").await;
    assert_eq!(c.get("/api/requests").await.1["items"].as_array().unwrap().len(), 1);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(s.applications("passport-police"), 1);
}

#[tokio::test]
async fn drafts_are_saved_as_typed_checked_by_step_and_refused_incomplete() {
    let s = start().await;
    let mut phone = s.citizen("0076229645", "09121111111").await;
    let (_, d) = phone.post("/api/drafts", json!({ "service": "economic-code" })).await;
    let id = d["id"].as_str().unwrap().to_owned();
    let typed = json!({ "business_name": "ک", "activity": "retail", "start_date": "1402/12/30", "turnover_rials": "۱٬۵۰۰٬۰۰۰" });
    let (status, d) = phone.put(&format!("/api/drafts/{id}"), json!({ "values": typed, "step": 1, "check_step": 1 })).await;
    assert_eq!(status, 200, "saved whatever the errors");
    assert_eq!(d["errors"]["business_name"]["code"], "text_short");
    assert_eq!(d["errors"]["start_date"]["code"], "jalali_date", "1402 is not a leap year: no 30 Esfand");
    assert!(d["errors"].get("activity").is_none());
    // From another device, the same citizen finds the draft as typed.
    let mut laptop = s.citizen("0076229645", "09121111111").await;
    let (_, again) = laptop.get(&format!("/api/drafts/{id}")).await;
    assert_eq!(again["values"], typed);
    assert_eq!(laptop.get("/api/drafts").await.1["items"].as_array().unwrap().len(), 1);
    // Submitting an incomplete draft: every field's error, nothing stored.
    let (status, e) = laptop.post(&format!("/api/drafts/{id}/submit"), json!({})).await;
    assert_eq!((status, e["error"]["code"].as_str()), (422, Some("invalid_form")));
    assert_eq!(e["error"]["fields"]["postal_code"]["code"], "required");
    assert!(laptop.get("/api/requests").await.1["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn another_citizens_ids_are_not_found_and_bad_callbacks_are_refused() {
    let s = start().await;
    let mut owner = s.citizen("0076229645", "09121111111").await;
    let mut other = s.citizen("0034567811", "09125555555").await;
    let r = owner.apply_for_passport().await;
    let id = r["id"].as_str().unwrap();
    let (_, d) = owner.post("/api/drafts", json!({ "service": "economic-code" })).await;
    let draft = d["id"].as_str().unwrap();
    let (_, inbox) = owner.get("/api/inbox").await;
    let note = inbox["items"][0]["id"].as_str().unwrap();
    assert_eq!(other.get(&format!("/api/requests/{id}")).await.0, 404);
    assert_eq!(other.get(&format!("/api/drafts/{draft}")).await.0, 404);
    assert_eq!(other.put(&format!("/api/drafts/{draft}"), json!({ "values": {} })).await.0, 404);
    assert_eq!(other.post(&format!("/api/drafts/{draft}/submit"), json!({})).await.0, 404);
    assert_eq!(other.post(&format!("/api/inbox/{note}/read"), json!({})).await.0, 404);
    assert!(other.get("/api/requests").await.1["items"].as_array().unwrap().is_empty());
    assert!(other.get("/api/inbox").await.1["items"].as_array().unwrap().is_empty());
    assert_eq!(other.get("/api/inbox/unread").await.1, json!({ "unread": 0 }));

    // A status update with a bad signature is refused and changes nothing.
    owner.wait_for(id, "forwarded").await;
    let reference = owner.get(&format!("/api/requests/{id}")).await.1["agency_reference"].as_str().unwrap().to_owned();
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
    assert!(!has_more_info(&owner.get(&format!("/api/requests/{id}")).await.1));
    // The right signature is accepted.
    let good = panjere_agencies::apps::signature("dev-passport-police-callback", body.as_bytes());
    let res =
        http.post(&url).header("x-panjere-agency", "passport-police").header("x-panjere-signature", good).body(body).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 204);
    assert!(has_more_info(&owner.get(&format!("/api/requests/{id}")).await.1));
}

#[tokio::test]
async fn files_are_checked_by_type_and_size_and_must_be_uploaded() {
    let s = start().await;
    let mut c = s.citizen("0076229645", "09121111111").await;
    let (_, d) = c.post("/api/drafts", json!({ "service": "economic-code" })).await;
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
    let res = upload("text/plain", b"x".to_vec()).await.unwrap();
    assert_eq!(res.status().as_u16(), 415, "a type a cross-site form could send is refused");

    let mut values = json!({ "business_name": "نان سنگک", "activity": "retail", "start_date": "1403/12/30", "postal_code": "1314567891", "turnover_rials": "500000000" });
    values["premises_document"] =
        json!(json!({ "id": "not-uploaded", "name": "x.pdf", "type": "application/pdf", "size": 21 }).to_string());
    c.put(&format!("/api/drafts/{id}"), json!({ "values": values, "step": 2 })).await;
    let (status, e) = c.post(&format!("/api/drafts/{id}/submit"), json!({})).await;
    assert_eq!((status, e["error"]["fields"]["premises_document"]["code"].as_str()), (422, Some("file_missing")), "{e}");
    values["premises_document"] = json!(file.to_string());
    c.put(&format!("/api/drafts/{id}"), json!({ "values": values, "step": 2 })).await;
    let (status, r) = c.post(&format!("/api/drafts/{id}/submit"), json!({})).await;
    assert_eq!(status, 201, "{r}");
    let done = c.wait_for(r["id"].as_str().unwrap(), "forwarded").await;
    assert_eq!(done["inquiries"].as_array().unwrap().len(), 2, "identity and address: {done}");
}

#[tokio::test]
async fn without_callbacks_statuses_arrive_by_polling() {
    let s = start_with(false).await;
    let mut c = s.citizen("0076229645", "09121111111").await;
    let r = c.apply_for_passport().await;
    let done = c.wait_for(r["id"].as_str().unwrap(), "delivered").await;
    assert_eq!(done["status"], "delivered", "{done}");
}
