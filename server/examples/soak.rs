//! The soak: many simulated citizens use the portal (catalog reads,
//! searches, sign-ins, inquiries, drafts and submissions, their requests,
//! tracking; the agencies push callbacks) for `--minutes`, while a fault
//! driver takes the agencies the journeys use through down, hang, slow
//! body, garbage and error bursts, and the server is killed with SIGKILL
//! and started again `--kills` times. Then it lets delivery finish and
//! prints what it proves: submissions acknowledged against those delivered
//! to their agency (counted at the simulators by idempotency key), lost
//! and duplicated; answers by status; audit rows against agency calls;
//! p50/p99 per journey; the server's peak memory; panics in its log.
//!
//! A benchmark, not a test: `bench/soak/run.sh [minutes] [kills] [citizens]`
//! (release binaries, SQLite in a temporary data directory).
//!
//!   cargo run --release -p panjere-server --example soak -- --minutes 20 --kills 3 --citizens 40

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ADMIN_KEY: &str = "dev-admin-key";
const SMS_KEY: &str = "dev-sms-key";

/// The inquiries citizens make: (service, field, value).
const INQUIRIES: &[(&str, &str, &str)] = &[
    ("imei-status", "imei", "356938035643809"),
    ("gas-bill", "bill_id", "1234567890"),
    ("parcel-tracking", "tracking", "123456789012345678901234"),
    ("negative-points", "", ""),
];
/// The agencies those journeys reach: the fault driver's targets.
const FAULTED: &[&str] = &["cra", "gas-company", "post", "traffic-police", "judiciary-services"];
const SEARCHES: &[&str] = &["گذرنامه", "passport", "قبض", "خودرو", "tax", "بیمه", "کارت ملی", "cheque"];

struct Options {
    minutes: f64,
    kills: u32,
    citizens: usize,
    bin: PathBuf,
    root: PathBuf,
}

fn options() -> Options {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let mut o = Options { minutes: 20.0, kills: 3, citizens: 40, bin: root.join("target/release"), root };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--minutes" => o.minutes = value.parse().expect("--minutes N"),
            "--kills" => o.kills = value.parse().expect("--kills N"),
            "--citizens" => o.citizens = value.parse().expect("--citizens N"),
            "--bin" => o.bin = value.into(),
            other => panic!("unknown option {other} (--minutes, --kills, --citizens, --bin)"),
        }
    }
    o
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The server process, started again on the same port and data directory.
struct Server {
    child: Option<Child>,
    bin: PathBuf,
    env: Vec<(String, String)>,
    log: PathBuf,
    base: String,
    peak_kib: u64,
    starts: u32,
}

impl Server {
    async fn start(&mut self) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let child = Command::new(&self.bin)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start the server");
        self.child = Some(child);
        self.starts += 1;
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if client.get(format!("{}/api/health", self.base)).send().await.is_ok_and(|r| r.status() == 200) {
                return;
            }
            assert!(Instant::now() < deadline, "the server did not come up (see {})", self.log.display());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL: no graceful shutdown, no last audit batch.
    fn kill(&mut self) {
        self.sample_memory();
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM, and wait.
    fn stop(&mut self) {
        self.sample_memory();
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").args(["-TERM", &c.id().to_string()]).status();
            let _ = c.wait();
        }
    }

    /// The peak resident memory (VmHWM) of the running process so far.
    fn sample_memory(&mut self) {
        let Some(c) = &self.child else { return };
        let status = std::fs::read_to_string(format!("/proc/{}/status", c.id())).unwrap_or_default();
        let hwm = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
        self.peak_kib = self.peak_kib.max(hwm.unwrap_or(0));
    }
}

/// What the citizens saw.
#[derive(Default)]
struct Tally {
    /// (journey, status or "connection") → count.
    answers: BTreeMap<(&'static str, String), u64>,
    /// 5xx answers by error code.
    server_errors: BTreeMap<String, u64>,
    /// Latencies of answered journeys, µs.
    took: HashMap<&'static str, Vec<u64>>,
    /// Request ids acknowledged with a tracking code, by draft.
    acknowledged: BTreeMap<String, BTreeSet<String>>,
    /// (tracking code, national code) of acknowledged requests.
    tracking: Vec<(String, String)>,
}

type Shared = Arc<Mutex<Tally>>;

struct Citizen {
    base: String,
    http: reqwest::Client,
    cookie: Option<String>,
    national_code: String,
    mobile: String,
    tally: Shared,
    /// A signed-in call was answered 401: the session is gone.
    signed_out: bool,
}

struct Answer {
    status: u16,
    body: Value,
}

impl Citizen {
    /// One call, recorded under `journey`; `None` when the connection failed
    /// (the server was down).
    async fn call(&mut self, journey: &'static str, method: reqwest::Method, path: &str, body: Option<Value>) -> Option<Answer> {
        let mut req = self.http.request(method, format!("{}{path}", self.base)).header("sec-fetch-site", "same-origin");
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let started = Instant::now();
        let result = req.send().await;
        let tally = |key: String| *self.tally.lock().unwrap().answers.entry((journey, key)).or_default() += 1;
        let Ok(res) = result else {
            tally("connection".into());
            return None;
        };
        let status = res.status().as_u16();
        if let Some(c) = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()) {
            self.cookie = c.split(';').next().map(str::to_owned);
        }
        let body = match res.bytes().await {
            Ok(b) => serde_json::from_slice(&b).unwrap_or(Value::Null),
            Err(_) => {
                tally("connection".into());
                return None;
            }
        };
        let took = started.elapsed().as_micros() as u64;
        self.signed_out |= status == 401 && journey != "sign-in";
        let mut t = self.tally.lock().unwrap();
        *t.answers.entry((journey, status.to_string())).or_default() += 1;
        t.took.entry(journey).or_default().push(took);
        if status >= 500 {
            *t.server_errors.entry(format!("{status} {}", body["error"]["code"].as_str().unwrap_or("(no error body)"))).or_default() += 1;
        }
        Some(Answer { status, body })
    }

    /// Signs in through the SMS outbox, trying again while the agencies it
    /// needs are down, until `until`; false if this persona cannot.
    async fn sign_in(&mut self, sms: &str, until: Instant) -> bool {
        while Instant::now() < until {
            let before = newest_sms(&self.http, sms, &self.mobile).await;
            let details = json!({ "national_code": self.national_code, "mobile": self.mobile });
            match self.call("sign-in", reqwest::Method::POST, "/api/auth/start", Some(details)).await {
                Some(a) if a.status == 200 => {}
                Some(a) if a.status == 422 => return false,
                Some(a) => {
                    let wait = a.body["error"]["retry_after_s"].as_u64().unwrap_or(1).min(30);
                    tokio::time::sleep(Duration::from_secs(wait)).await;
                    continue;
                }
                None => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
            }
            let mut code = None;
            for _ in 0..50 {
                if let Some((id, text)) = newest_sms(&self.http, sms, &self.mobile).await {
                    if before.as_ref().map(|b| &b.0) != Some(&id) {
                        code = text
                            .as_bytes()
                            .windows(6)
                            .find(|w| w.iter().all(u8::is_ascii_digit))
                            .map(|w| String::from_utf8_lossy(w).into_owned());
                        break;
                    }
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let Some(code) = code else { continue };
            if let Some(a) = self.call("sign-in", reqwest::Method::POST, "/api/auth/verify", Some(json!({ "code": code }))).await {
                if a.status == 200 {
                    return true;
                }
            }
        }
        false
    }

    /// Applies for the electronic judicial registration (SANA: no fee, so
    /// the submission goes straight on to its agency): a draft, its values,
    /// the submission (sent again until answered, as a citizen presses the
    /// button again when the page says the connection failed).
    async fn apply(&mut self) {
        let Some(a) = self.call("application", reqwest::Method::POST, "/api/drafts", Some(json!({ "service": SERVICE }))).await else {
            return;
        };
        let Some(draft) = a.body["id"].as_str().map(str::to_owned) else { return };
        let values = json!({ "postal_code": "1314567891", "mobile": self.mobile });
        let put = json!({ "values": values, "step": 1, "check_step": 1 });
        if self.call("application", reqwest::Method::PUT, &format!("/api/drafts/{draft}"), Some(put)).await.is_none_or(|a| a.status != 200)
        {
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            match self.call("submission", reqwest::Method::POST, &format!("/api/drafts/{draft}/submit"), Some(json!({}))).await {
                Some(a) if a.status == 200 || a.status == 201 => {
                    let id = a.body["id"].as_str().unwrap_or_default().to_owned();
                    let code = a.body["tracking_code"].as_str().unwrap_or_default().to_owned();
                    let mut t = self.tally.lock().unwrap();
                    t.acknowledged.entry(draft).or_default().insert(id);
                    t.tracking.push((code, self.national_code.clone()));
                    return;
                }
                Some(a) if a.status < 500 && a.status != 429 => return,
                _ => tokio::time::sleep(Duration::from_millis(500)).await,
            }
        }
    }
}

/// What the soak's citizens apply for, and its agency (where deliveries
/// are counted).
const SERVICE: &str = "sana-registration";
const AGENCY: &str = "judiciary-services";

async fn newest_sms(http: &reqwest::Client, sms: &str, mobile: &str) -> Option<(String, String)> {
    let v: Value = http.get(format!("{sms}/outbox?mobile={mobile}")).bearer_auth(SMS_KEY).send().await.ok()?.json().await.ok()?;
    let m = v["items"].as_array()?.first()?;
    Some((m["id"].as_str()?.to_owned(), m["text"].as_str()?.to_owned()))
}

/// One citizen's life until `until`: sign in, then journeys with a little
/// thinking between them.
async fn live(mut c: Citizen, sms: String, until: Instant) {
    if !c.sign_in(&sms, until).await {
        return;
    }
    let next = panjere_server::rand::next_u64;
    while Instant::now() < until {
        let roll = next() % 100;
        match roll {
            0..30 => {
                let page = next() % 10 + 1;
                c.call("catalog", reqwest::Method::GET, &format!("/api/catalog/services?page={page}"), None).await;
            }
            30..50 => {
                let q = SEARCHES[(next() as usize) % SEARCHES.len()];
                c.call("search", reqwest::Method::GET, &format!("/api/catalog/services?q={}", panjere_api::url::encode(q)), None).await;
            }
            50..75 => {
                let (service, field, value) = INQUIRIES[(next() as usize) % INQUIRIES.len()];
                let values = if field.is_empty() { json!({}) } else { json!({ field: value }) };
                c.call("inquiry", reqwest::Method::POST, &format!("/api/services/{service}/inquiry"), Some(json!({ "values": values })))
                    .await;
            }
            75..85 => c.apply().await,
            85..95 => {
                c.call("my requests", reqwest::Method::GET, "/api/requests", None).await;
            }
            _ => {
                let known = c.tally.lock().unwrap().tracking.last().cloned();
                if let Some((code, nc)) = known {
                    c.call("tracking", reqwest::Method::GET, &format!("/api/track/{code}?national_code={nc}"), None).await;
                }
            }
        }
        // The session is gone (it should survive a restart): sign in again.
        if std::mem::take(&mut c.signed_out) {
            c.sign_in(&sms, until).await;
        }
        tokio::time::sleep(Duration::from_millis(50 + next() % 150)).await;
    }
}

/// Takes one agency at a time through a fault for `every`, in turn.
async fn fault_driver(admin: String, until: Instant, every: Duration, log: Arc<Mutex<Vec<String>>>) {
    let faults = [
        ("down", json!({ "refuse": true })),
        ("hang", json!({ "hang": true })),
        ("slow body", json!({ "slow_body_ms": 4000 })),
        ("garbage", json!({ "malformed": true })),
        ("error burst", json!({ "error_rate": 1.0 })),
    ];
    let http = reqwest::Client::new();
    let mut i = 0usize;
    while Instant::now() < until {
        let agency = FAULTED[i % FAULTED.len()];
        let (name, fault) = &faults[i % faults.len()];
        let _ = http.put(format!("{admin}/faults/{agency}")).bearer_auth(ADMIN_KEY).json(fault).send().await;
        log.lock().unwrap().push(format!("{agency}: {name}"));
        tokio::time::sleep(every).await;
        let _ = http.delete(format!("{admin}/faults/{agency}")).bearer_auth(ADMIN_KEY).send().await;
        i += 1;
    }
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize] as f64 / 1000.0
}

async fn get_json(http: &reqwest::Client, url: &str) -> Value {
    http.get(url).bearer_auth(ADMIN_KEY).send().await.unwrap().json().await.unwrap()
}

#[tokio::main]
async fn main() {
    let o = options();
    let dir = std::env::temp_dir().join(format!("panjere-soak-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");

    // The simulated agencies (applications move on every second).
    let mut agencies = Command::new(o.bin.join("panjere-agencies"))
        .args(["--address", "127.0.0.1", "--base-port", "0", "--admin-port", "0", "--step-seconds", "1"])
        .args(["--callback-url", &format!("{base}/api/agency-callbacks")])
        .args(["--events-url", &format!("{base}/api/agency-events")])
        .current_dir(&o.root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the simulated agencies");
    let mut urls = Vec::new();
    let mut admin = String::new();
    for line in BufReader::new(agencies.stdout.take().unwrap()).lines().map_while(Result::ok) {
        if let Some(a) = line.strip_prefix("ADMIN ") {
            admin = a.trim().to_owned();
        } else if let Some(rest) = line.strip_prefix("AGENCY ") {
            let mut p = rest.split_whitespace();
            urls.push((p.next().unwrap().to_owned(), p.next().unwrap().to_owned()));
        } else if line.starts_with("AGENCIES READY") {
            break;
        }
    }
    let sms = urls.iter().find(|(id, _)| id == "sms").map(|(_, u)| u.clone()).expect("the SMS gateway");
    let mut env: Vec<(String, String)> =
        urls.iter().map(|(id, url)| (format!("PANJERE_AGENCY_{}_URL", id.to_uppercase().replace('-', "_")), url.clone())).collect();
    let root = |p: &str| o.root.join(p).display().to_string();
    env.extend([
        ("PANJERE_PORT".into(), port.to_string()),
        ("PANJERE_DATA_DIR".into(), dir.join("var").display().to_string()),
        ("PANJERE_MODE".into(), "test".into()),
        ("PANJERE_LOG_FORMAT".into(), "json".into()),
        ("PANJERE_DIST".into(), root("dist")),
        ("PANJERE_CATALOG".into(), root("data")),
        ("PANJERE_AGENCIES_FILE".into(), root("config/agencies.toml")),
        ("PANJERE_OPERATIONS_FILE".into(), root("data/operations.toml")),
    ]);
    let log = dir.join("server.log");
    let mut server = Server { child: None, bin: o.bin.join("panjere"), env, log: log.clone(), base: base.clone(), peak_kib: 0, starts: 0 };
    server.start().await;

    let total = Duration::from_secs_f64(o.minutes * 60.0);
    let started = Instant::now();
    let until = started + total;
    println!(
        "soak: {} citizens for {:.1} min, {} SIGKILLs, faults on {}; server {base}, log {}",
        o.citizens,
        o.minutes,
        o.kills,
        FAULTED.join(", "),
        log.display()
    );
    let tally: Shared = Arc::default();
    let mut tasks = Vec::new();
    for i in 0..o.citizens {
        let national_code = panjere_agencies::data::national_code_from(41_000_000 + i as u64 * 7_919);
        let mobile = panjere_agencies::data::person(&national_code).mobile;
        let c = Citizen {
            base: base.clone(),
            http: reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap(),
            cookie: None,
            national_code,
            mobile,
            tally: tally.clone(),
            signed_out: false,
        };
        tasks.push(tokio::spawn(live(c, sms.clone(), until)));
    }
    let faults_seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let driver = tokio::spawn(fault_driver(admin.clone(), until, Duration::from_secs(20), faults_seen.clone()));

    // The kills, evenly spread; memory sampled every second.
    let kill_at: Vec<Duration> = (1..=o.kills).map(|k| total.mul_f64(k as f64 / (o.kills as f64 + 1.0))).collect();
    let mut kills = 0;
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_secs(1)).await;
        server.sample_memory();
        if kill_at.get(kills).is_some_and(|t| started.elapsed() >= *t) {
            server.kill();
            kills += 1;
            println!("  {:>6.1} min: SIGKILL {kills}", started.elapsed().as_secs_f64() / 60.0);
            tokio::time::sleep(Duration::from_secs(2)).await;
            server.start().await;
        }
    }
    for t in tasks {
        let _ = t.await;
    }
    let _ = driver.await;
    let http = reqwest::Client::new();
    for a in FAULTED {
        let _ = http.delete(format!("{admin}/faults/{a}")).bearer_auth(ADMIN_KEY).send().await;
    }

    // Delivery finishes: every acknowledged request reaches its agency.
    let acknowledged: BTreeSet<String> = tally.lock().unwrap().acknowledged.values().flatten().cloned().collect();
    let drain = Instant::now();
    let mut received: HashMap<String, u64> = HashMap::new();
    while drain.elapsed() < Duration::from_secs(180) {
        let v = get_json(&http, &format!("{admin}/received")).await;
        received = v[AGENCY].as_object().map(|m| m.iter().map(|(k, n)| (k.clone(), n.as_u64().unwrap_or(0))).collect()).unwrap_or_default();
        if acknowledged.iter().all(|id| received.contains_key(id)) {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let drained = drain.elapsed();
    let calls = get_json(&http, &format!("{admin}/calls")).await;
    server.stop();
    let _ = agencies.kill();

    // What the server's database holds.
    let db = dir.join("var/panjere.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", db.display())).await.unwrap();
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap() }
    };
    let stored = count("SELECT COUNT(*) FROM request").await;
    let twice =
        count("SELECT COUNT(*) FROM (SELECT draft_id FROM request WHERE draft_id IS NOT NULL GROUP BY draft_id HAVING COUNT(*) > 1)").await;
    let audit_rows = count("SELECT COUNT(*) FROM audit_log").await;
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM request").fetch_all(&pool).await.unwrap();
    let outcomes: Vec<(String, i64)> =
        sqlx::query_as("SELECT outcome, COUNT(*) FROM audit_log GROUP BY outcome ORDER BY outcome").fetch_all(&pool).await.unwrap();

    let t = tally.lock().unwrap();
    let lost: Vec<&String> = acknowledged.iter().filter(|id| !received.contains_key(*id)).collect();
    let stored_lost = ids.iter().filter(|id| !received.contains_key(*id)).count();
    let strays = received.keys().filter(|k| !ids.contains(k)).count();
    let resent: u64 = received.values().map(|n| n.saturating_sub(1)).sum();
    let drafts_twice = t.acknowledged.values().filter(|s| s.len() > 1).count();
    let agency_calls: u64 = calls.as_object().map(|m| m.values().filter_map(Value::as_u64).sum()).unwrap_or(0);
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let panics = text.lines().filter(|l| l.contains("panicked")).count();

    println!(
        "\n== Soak: {:.1} min, {} citizens, {kills} SIGKILLs ({} starts), {} faults applied",
        o.minutes,
        o.citizens,
        server.starts,
        faults_seen.lock().unwrap().len()
    );
    println!("Submissions acknowledged (tracking code given): {}", acknowledged.len());
    println!("Requests stored by the server:                  {stored}");
    println!(
        "Delivered to the agency (by idempotency key):   {} of the acknowledged, {} of the stored",
        acknowledged.len() - lost.len(),
        ids.len() - stored_lost
    );
    println!("LOST (acknowledged, never delivered):           {}", lost.len());
    println!("DUPLICATED (a draft with two requests):         {twice} on the server, {drafts_twice} seen by citizens");
    println!("Deliveries the agency never heard of (strays):  {strays}");
    println!("Forwards sent again (harmless, same key):       {resent}");
    println!("Delivery drained {:.1} s after the load stopped", drained.as_secs_f64());
    println!("Audit rows: {audit_rows} by outcome {outcomes:?}; calls the agencies received: {agency_calls}");
    println!("  (a call refused at connection or by an open breaker is audited but never received; a SIGKILL loses the audit rows not yet written)");
    println!("Server peak memory (VmHWM, any start): {:.1} MiB", server.peak_kib as f64 / 1024.0);
    println!("Panics in the server log: {panics}");
    println!("\nAnswers by journey and status:");
    let mut by_journey: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for ((j, s), n) in &t.answers {
        by_journey.entry(j).or_default().push(format!("{s}: {n}"));
    }
    for (j, list) in &by_journey {
        println!("  {j:<12} {}", list.join(", "));
    }
    println!("5xx answers by error code: {:?}", t.server_errors);
    let undocumented: u64 =
        t.server_errors.iter().filter(|(k, _)| k.contains("internal") || k.contains("no error body")).map(|(_, n)| n).sum();
    println!("5xx that are not documented agency or availability errors: {undocumented}");
    println!("\n{:<12} {:>9} {:>9} {:>9}", "journey", "answers", "p50 ms", "p99 ms");
    let mut journeys: Vec<_> = t.took.iter().collect();
    journeys.sort_by_key(|(j, _)| **j);
    for (j, took) in journeys {
        let mut s = took.clone();
        s.sort_unstable();
        println!("{j:<12} {:>9} {:>9.2} {:>9.2}", s.len(), percentile(&s, 0.5), percentile(&s, 0.99));
    }
    let ok = !acknowledged.is_empty()
        && lost.is_empty()
        && twice == 0
        && drafts_twice == 0
        && panics == 0
        && undocumented == 0
        && stored_lost == 0;
    println!(
        "\n{}",
        if ok {
            "RESULT: 0 lost, 0 duplicated, 0 panics, no undocumented 5xx"
        } else {
            "RESULT: FAILED (see above; no submission at all fails too)"
        }
    );
    if ok {
        let _ = std::fs::remove_dir_all(&dir);
    }
    std::process::exit(if ok { 0 } else { 1 });
}
