//! The production shape on one machine: three `panjere` processes (the real
//! binary) on one PostgreSQL database and one Redis, behind HAProxy with the
//! shipped `deploy/haproxy.cfg`, the simulated agencies calling back through
//! the balancer. Loopback only; bounded in time (about a minute).
//!
//! Run by `cargo xtask test` with `PANJERE_TEST_POSTGRES` and
//! `PANJERE_TEST_REDIS` set (ignored by a plain `cargo test`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use panjere_agencies::faults::Faults;
use panjere_agencies::{Options, Running};
use serde_json::json;
use tokio::process::{Child, Command};

use crate::helpers::{national_code, quiet_port, root, sign_in_with, test_redis, Browser, TestDatabase};

const LEASE_S: u64 = 3;
/// The sign-in allowance per address in this test (the shipped one is 600
/// per 10 minutes: see the README).
const ADDRESS_LIMIT: usize = 20;

struct Instance {
    name: String,
    port: u16,
    child: Child,
    log: PathBuf,
}

struct Cluster {
    url: String,
    sims: Running,
    instances: Vec<Instance>,
    balancer: Child,
    _dir: tempfile::TempDir,
    database: TestDatabase,
}

/// The shipped balancer configuration, bound to `bind`, with these
/// instances.
fn balancer_config(bind: &str, servers: &[(String, u16)]) -> String {
    let shipped = std::fs::read_to_string(root().join("deploy/haproxy.cfg")).unwrap();
    let (head, _) = shipped.split_once("    # servers\n").expect("deploy/haproxy.cfg has a '# servers' line");
    let mut config = head.replace("bind 127.0.0.1:8080", &format!("bind {bind}"));
    for (name, port) in servers {
        config.push_str(&format!("    server {name} 127.0.0.1:{port}\n"));
    }
    config
}

async fn wait_for_line(log: &Path, needle: &str, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if std::fs::read_to_string(log).unwrap_or_default().contains(needle) {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("exited ({status}) before '{needle}': {}", std::fs::read_to_string(log).unwrap_or_default());
        }
        assert!(Instant::now() < deadline, "no '{needle}' in {}", log.display());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Cluster {
    async fn start(pg: TestDatabase, (redis, prefix): (String, String)) -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let lb_port = quiet_port();
        let url = format!("http://127.0.0.1:{lb_port}");
        let sims = panjere_agencies::start(Options {
            step: Duration::from_millis(300),
            callback_url: Some(format!("{url}/api/agency-callbacks")),
            ..Default::default()
        })
        .await
        .unwrap();
        let config = dir.path().join("panjere.toml");
        std::fs::write(&config, format!("[auth]\naddress_limit = {ADDRESS_LIMIT}\naddress_window_s = 600\n")).unwrap();
        let mut instances = Vec::new();
        for i in 1..=3 {
            let name = format!("panjere-{i}");
            // Not one chosen already (nothing listens on those yet).
            let port = loop {
                let p = quiet_port();
                if p != lb_port && instances.iter().all(|i: &Instance| i.port != p) {
                    break p;
                }
            };
            let log = dir.path().join(format!("{name}.log"));
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_panjere"));
            cmd.envs(sims.url_env())
                .env("PANJERE_CONFIG", &config)
                .env("PANJERE_PORT", port.to_string())
                .env("PANJERE_INSTANCE", &name)
                .env("PANJERE_WORKERS", "1")
                .env("PANJERE_DATABASE_URL", &pg.url)
                .env("PANJERE_DATABASE_CONNECTIONS", "8")
                .env("PANJERE_REDIS_URL", &redis)
                .env("PANJERE_REDIS_PREFIX", &prefix)
                .env("PANJERE_TRUST_FORWARDED", "true")
                .env("PANJERE_LEASE_SECONDS", LEASE_S.to_string())
                .env("PANJERE_CATALOG", root().join("data"))
                .env("PANJERE_OPERATIONS_FILE", root().join("data/operations.toml"))
                .env("PANJERE_AGENCIES_FILE", root().join("config/agencies.toml"))
                .env("PANJERE_DIST", dir.path().join("no-client"))
                .env("PANJERE_DATA_DIR", dir.path().join(&name))
                .env("PANJERE_LOG_FORMAT", "pretty")
                .env("PANJERE_LOG", "warn")
                .stdout(std::fs::File::create(&log).unwrap())
                .stderr(std::fs::File::options().append(true).open(&log).unwrap())
                .kill_on_drop(true);
            let mut child = cmd.spawn().unwrap();
            wait_for_line(&log, "PANJERE_LISTENING", &mut child).await;
            instances.push(Instance { name, port, child, log });
        }
        let servers: Vec<(String, u16)> = instances.iter().map(|i| (i.name.clone(), i.port)).collect();
        let cfg = dir.path().join("haproxy.cfg");
        std::fs::write(&cfg, balancer_config(&format!("127.0.0.1:{lb_port}"), &servers)).unwrap();
        let haproxy = ["/usr/sbin/haproxy", "/usr/bin/haproxy"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect("HAProxy (apt-get install haproxy)");
        let balancer = Command::new(haproxy).args(["-db", "-f"]).arg(&cfg).stdin(Stdio::null()).kill_on_drop(true).spawn().unwrap();
        let mut cluster = Cluster { url, sims, instances, balancer, _dir: dir, database: pg };
        cluster.wait_all_up().await;
        cluster
    }

    /// Until every instance has answered through the balancer.
    async fn wait_all_up(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = BTreeSet::new();
        while seen.len() < self.instances.len() {
            if let Ok(Some(status)) = self.balancer.try_wait() {
                panic!("HAProxy exited: {status}");
            }
            assert!(Instant::now() < deadline, "instances answering through the balancer: {seen:?}");
            if let Ok(r) = reqwest::get(format!("{}/api/health", self.url)).await {
                if r.status() == 200 {
                    seen.insert(instance(r.headers()));
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn browser(&self) -> Browser {
        Browser::at(&self.url)
    }

    async fn citizen(&self, national_code: &str, mobile: &str) -> Browser {
        let mut b = self.browser();
        sign_in_with(&self.sims, &mut b, (national_code, mobile)).await;
        b
    }

    fn fault(&self, agency: &str, f: Faults) {
        self.sims.agency(agency).faults.send_replace(f);
    }

    fn received(&self, agency: &str, key: &str) -> u32 {
        self.sims.agency(agency).apps.lock().unwrap().received.get(key).copied().unwrap_or(0)
    }

    fn applications(&self, agency: &str) -> usize {
        self.sims.agency(agency).apps.lock().unwrap().by_ref.len()
    }

    async fn pool(&self) -> sqlx::PgPool {
        sqlx::PgPool::connect(&self.database.url).await.unwrap()
    }
}

fn instance(h: &reqwest::header::HeaderMap) -> String {
    h.get("x-panjere-instance").and_then(|v| v.to_str().ok()).unwrap_or("?").to_owned()
}

/// Submits a passport application; its request id (the agency's
/// idempotency key).
async fn submit(b: &mut Browser) -> String {
    b.apply_for_passport().await["id"].as_str().unwrap().to_owned()
}

/// Waits until every request in `ids` has reached `status`.
async fn wait_all(b: &mut Browser, ids: &[String], status: &str, within: Duration) {
    let deadline = Instant::now() + within;
    for id in ids {
        b.wait_until(id, status, deadline).await;
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL, Redis and HAProxy: cargo xtask test runs it with PANJERE_TEST_POSTGRES and PANJERE_TEST_REDIS"]
async fn three_instances_on_postgres_and_redis_behind_haproxy_are_one_window() {
    let pg = TestDatabase::create().await.expect("PANJERE_TEST_POSTGRES names a PostgreSQL server");
    let redis = test_redis().expect("PANJERE_TEST_REDIS names a Redis");
    let mut c = Cluster::start(pg, redis).await;

    // Signed in once, a citizen stays signed in whichever instance answers.
    let mut citizen = c.citizen("0076229645", "09121111111").await;
    let other = national_code(34_567_001);
    let mut leaving = c.citizen(&other, &panjere_agencies::data::person(&other).mobile).await;
    let mut seen = BTreeSet::new();
    for _ in 0..30 {
        let a = citizen.get("/api/me").await;
        assert_eq!(a.status, 200, "{}", a.body);
        seen.insert(instance(&a.headers));
    }
    assert_eq!(seen.len(), 3, "requests spread over every instance: {seen:?}");

    // The sign-in limit per address is one count for every instance: 4
    // sign-in requests were made above; 16 more are allowed, whichever
    // instance takes them, then every instance refuses.
    let (mut allowed, mut refused, mut by) = (0, 0, BTreeSet::new());
    for i in 0..(ADDRESS_LIMIT as u64) {
        let code = national_code(23_456_000 + i * 7_919);
        let mobile = panjere_agencies::data::person(&code).mobile;
        let a = c.browser().post("/api/auth/start", json!({ "national_code": code, "mobile": mobile })).await;
        by.insert(instance(&a.headers));
        match (a.status, a.code()) {
            (200, _) => allowed += 1,
            (429, "rate_limited") => refused += 1,
            other => panic!("{other:?}: {}", a.body),
        }
    }
    assert_eq!((allowed, refused), (ADDRESS_LIMIT - 4, 4), "one shared count (answered by {by:?})");
    assert!(by.len() >= 2, "the limit was counted across instances: {by:?}");

    // Signing out on one instance ends the session on all.
    let a = leaving.post("/api/auth/sign-out", json!({})).await;
    assert_eq!(a.status, 204, "{}", a.body);
    let mut seen = BTreeSet::new();
    for _ in 0..12 {
        let a = leaving.get("/api/me").await;
        assert_eq!((a.status, a.code()), (401, "not_signed_in"), "{}", a.body);
        seen.insert(instance(&a.headers));
    }
    assert!(seen.len() >= 2, "signed out everywhere: {seen:?}");

    // Requests submitted while their agency is down are each delivered
    // exactly once when it returns, whichever instances took them.
    c.fault("passport-police", Faults { refuse: true, ..Default::default() });
    let mut queued = Vec::new();
    for _ in 0..6 {
        queued.push(submit(&mut citizen).await);
    }
    wait_all(&mut citizen, &queued, "queued", Duration::from_secs(20)).await;
    c.fault("passport-police", Faults::default());
    wait_all(&mut citizen, &queued, "forwarded", Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    for id in &queued {
        assert_eq!(c.received("passport-police", id), 1, "request {id} sent to the agency exactly once");
    }
    assert_eq!(c.applications("passport-police"), 6);

    // An instance killed (-9) while it holds delivery claims loses nothing:
    // after the lease the others deliver its claimed requests.
    c.fault("passport-police", Faults { latency_ms: 1500, ..Default::default() });
    let mut slow = Vec::new();
    for _ in 0..4 {
        slow.push(submit(&mut citizen).await);
    }
    let pool = c.pool().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let holder = loop {
        let owners: Vec<String> =
            sqlx::query_scalar("SELECT lease_owner FROM request WHERE lease_owner IS NOT NULL").fetch_all(&pool).await.unwrap();
        if let Some(owner) = owners.first() {
            break owner.split('/').next().unwrap().to_owned();
        }
        assert!(Instant::now() < deadline, "no instance claimed the requests");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let victim = c.instances.iter().position(|i| i.name == holder).unwrap();
    let killed_at = Instant::now();
    // Load through the balancer while it dies.
    let url = c.url.clone();
    let load = tokio::spawn(async move {
        let client = reqwest::Client::new();
        let mut answers = Vec::new();
        while killed_at.elapsed() < Duration::from_secs(2) {
            answers.push(client.get(format!("{url}/api/catalog/services/passport-issuance")).send().await.map(|r| r.status().as_u16()));
        }
        answers
    });
    c.instances[victim].child.start_kill().unwrap();
    let _ = c.instances[victim].child.wait().await;
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM request WHERE lease_owner LIKE $1")
        .bind(format!("{holder}/%"))
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(held >= 1, "the killed instance held claims");
    let answers = load.await.unwrap();
    assert!(answers.iter().filter(|a| matches!(a, Ok(200))).count() > 10, "the window kept answering: {answers:?}");
    c.fault("passport-police", Faults::default());
    wait_all(&mut citizen, &slow, "forwarded", Duration::from_secs(LEASE_S + 30)).await;
    assert!(killed_at.elapsed() >= Duration::from_secs(LEASE_S - 1), "taken over only after the lease");
    tokio::time::sleep(Duration::from_secs(1)).await;
    for id in &slow {
        let n = c.received("passport-police", id);
        assert!((1..=2).contains(&n), "request {id} sent {n} times");
    }
    assert_eq!(c.applications("passport-police"), 10, "one application per request: a retried forward is harmless");
    c.instances.remove(victim);
    c.wait_all_up().await;

    // An instance stopped with SIGTERM fails no request: it finishes what
    // it has, the balancer sends the rest elsewhere.
    let url = c.url.clone();
    let cookie = citizen.cookie.clone();
    let started = Instant::now();
    let mut load = Vec::new();
    for _ in 0..4 {
        let (url, cookie) = (url.clone(), cookie.clone());
        load.push(tokio::spawn(async move {
            let mut b = Browser::at(&url);
            b.cookie = cookie;
            let mut statuses = Vec::new();
            while started.elapsed() < Duration::from_secs(4) {
                statuses.push(b.get("/api/me").await.status);
                statuses.push(b.get("/api/catalog/services").await.status);
            }
            statuses
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let stopping = &mut c.instances[0];
    let pid = stopping.child.id().unwrap();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap().success());
    let exit = tokio::time::timeout(Duration::from_secs(25), stopping.child.wait()).await.expect("stopped on SIGTERM").unwrap();
    assert!(exit.success(), "clean exit: {exit}: {}", std::fs::read_to_string(&stopping.log).unwrap_or_default());
    let mut statuses = Vec::new();
    for l in load {
        statuses.extend(l.await.unwrap());
    }
    let failed: Vec<&u16> = statuses.iter().filter(|s| **s != 200).collect();
    assert!(failed.is_empty(), "{} of {} requests failed during the SIGTERM: {failed:?}", failed.len(), statuses.len());
    assert!(statuses.len() > 50, "load kept going: {}", statuses.len());

    let _ = c.balancer.start_kill();
}
