//! The stores' own promises, on whichever engine the suite runs on
//! (SQLite; PostgreSQL and Redis when `cargo xtask test` sets
//! `PANJERE_TEST_POSTGRES` and `PANJERE_TEST_REDIS`): delivery claims are
//! leased, statuses only move forward under concurrent writers, the audit
//! log is append-only; and Redis going away is seen and survived.

use std::collections::BTreeSet;
use std::sync::Arc;

use panjere_server::requests::store::{NewRequest, RequestRow, RequestStore, Submitted, Values};

use crate::helpers::{TestApp, TestOptions};

async fn quiet() -> TestApp {
    TestApp::spawn(TestOptions { background: false, ..Default::default() }).await
}

fn request(id: &str, now: i64) -> RequestRow {
    RequestRow::submitted(
        NewRequest {
            id: id.to_owned(),
            tracking_code: format!("T-{id}"),
            draft_id: None,
            citizen: "pseudonym".into(),
            national_code: "0076229645".into(),
            service: "passport-issuance".into(),
            agency: "passport-police".into(),
            data: Values::new(),
        },
        now,
    )
}

async fn add(store: &Arc<dyn RequestStore>, id: &str, now: i64) -> RequestRow {
    let r = request(id, now);
    assert!(matches!(store.submit(&r, &format!("n-{id}")).await.unwrap(), Submitted::New(_)));
    r
}

fn ids(rows: &[RequestRow]) -> BTreeSet<String> {
    rows.iter().map(|r| r.id.clone()).collect()
}

#[tokio::test]
async fn delivery_claims_are_leased_to_one_owner_until_given_back_or_expired() {
    let app = quiet().await;
    let store = app.state.stores().requests.clone();
    let now = 1_000_000;
    for i in 0..5 {
        add(&store, &format!("r{i}"), now).await;
    }
    // Two instances claim at once: no request goes to both.
    let (a, b) = tokio::join!(store.claim_due("a", now, 30, 3), store.claim_due("b", now, 30, 3));
    let (a, b) = (ids(&a.unwrap()), ids(&b.unwrap()));
    assert_eq!(a.len() + b.len(), 5, "{a:?} {b:?}");
    assert!(a.is_disjoint(&b), "{a:?} {b:?}");
    // Held: nothing more to claim until the leases end.
    assert!(store.claim_due("c", now + 29, 30, 10).await.unwrap().is_empty());
    // Given back: claimable again at once.
    let first = a.iter().next().unwrap().clone();
    store.release(&first, "a").await.unwrap();
    store.release(&first, "somebody else").await.unwrap();
    assert_eq!(ids(&store.claim_due("c", now + 1, 30, 10).await.unwrap()), BTreeSet::from([first.clone()]));
    // "a" and "b" died: after their leases (until now + 30) their claims
    // are "c"'s; the one "c" holds (until now + 31) is not claimed again.
    let taken = ids(&store.claim_due("c", now + 30, 30, 10).await.unwrap());
    assert_eq!(taken, a.union(&b).filter(|id| **id != first).cloned().collect(), "every claim but c's own");
    // A releasing owner that lost its lease does not free the new owner's claim.
    for id in &taken {
        store.release(id, "a").await.unwrap();
    }
    assert!(store.claim_due("d", now + 45, 30, 10).await.unwrap().iter().all(|r| !taken.contains(&r.id)));
    // Forwarded (the agency gave a reference): never due again.
    store.set_reference(&first, "PP-1", now).await.unwrap();
    assert!(store.claim_due("e", now + 10_000, 30, 10).await.unwrap().iter().all(|r| r.id != first));
    // Polled by one instance at a time.
    let (p, q) = tokio::join!(store.claim_pollable(now + 100, now + 50, 10), store.claim_pollable(now + 100, now + 50, 10));
    assert_eq!(p.unwrap().len() + q.unwrap().len(), 1);
    assert!(store.claim_pollable(now + 101, now + 50, 10).await.unwrap().is_empty(), "polled at +100");
}

#[tokio::test]
async fn statuses_only_move_forward_whatever_order_concurrent_writers_commit_in() {
    let app = quiet().await;
    let store = app.state.stores().requests.clone();
    let now = 2_000_000;
    for round in 0..6 {
        let r = add(&store, &format!("s{round}"), now).await;
        // A callback and a poll on two instances, and the window itself, at once.
        let mut writers = Vec::new();
        for (i, status) in ["in_review", "forwarded", "approved", "queued", "delivered", "forwarded"].iter().enumerate() {
            let (store, r) = (store.clone(), r.clone());
            let status = (*status).to_owned();
            writers.push(tokio::spawn(async move {
                store.add_status(&r, &status, "poll", &format!("{}-{round}-{i}", r.id), now + i as i64).await.unwrap()
            }));
        }
        let mut added = 0;
        for w in writers {
            added += usize::from(w.await.unwrap());
        }
        assert_eq!(added, 5, "each status recorded once (forwarded twice: once)");
        let stored = store.request(&r.id).await.unwrap().unwrap();
        assert_eq!(stored.status, "delivered");
        assert!(stored.decided_at.is_some());
        assert_eq!(store.events(&r.id).await.unwrap().len(), 6, "submitted + five");
    }
}

/// A status implied by a later one (the review before a decision) is
/// recorded only if the request has not passed it when its writer holds
/// the request: a decision committed meanwhile by another writer (the
/// forward's answer racing a callback) is seen, whatever the writer read
/// before.
#[tokio::test]
async fn an_implied_status_is_not_recorded_once_the_request_has_passed_it_even_by_a_stale_writer() {
    let app = quiet().await;
    let store = app.state.stores().requests.clone();
    let now = 3_000_000;
    for round in 0..6 {
        let r = add(&store, &format!("i{round}"), now).await;
        // The writer's copy says "submitted"; the decision lands first or
        // at the same moment.
        let (a, b) = (store.clone(), store.clone());
        let (r1, r2) = (r.clone(), r.clone());
        let decide = tokio::spawn(async move { a.add_status(&r1, "approved", "window", &format!("d-{round}"), now).await.unwrap() });
        if round % 2 == 0 {
            assert!(decide.await.unwrap());
            assert!(!b.add_implied_status(&r2, "in_review", "callback", &format!("i-{round}"), now).await.unwrap(), "passed: not implied");
        } else {
            let implied = b.add_implied_status(&r2, "in_review", "callback", &format!("i-{round}"), now).await.unwrap();
            assert!(decide.await.unwrap());
            // Either order is a consistent timeline: in_review, if at all,
            // only before the decision.
            let events = store.events(&r.id).await.unwrap();
            let at = |s: &str| events.iter().position(|e| e.status == s);
            assert_eq!(implied, at("in_review").is_some());
            if let Some(i) = at("in_review") {
                assert!(i < at("approved").unwrap(), "{events:?}");
            }
            continue;
        }
        let events: Vec<String> = store.events(&r.id).await.unwrap().into_iter().map(|e| e.status).collect();
        assert_eq!(events, ["submitted", "approved"]);
        // Not passed yet: implied as before.
        let fresh = add(&store, &format!("j{round}"), now).await;
        assert!(store.add_implied_status(&fresh, "forwarded", "poll", &format!("f-{round}"), now).await.unwrap());
        assert_eq!(store.request(&fresh.id).await.unwrap().unwrap().status, "forwarded");
    }
}

#[tokio::test]
async fn a_status_and_what_the_agency_said_with_it_are_recorded_together_or_not_at_all() {
    let app = quiet().await;
    let store = app.state.stores().requests.clone();
    let now = 4_000_000;
    let question = panjere_api::Text { fa: "نشانی دقیق را بنویسید.".into(), en: "Write your exact address.".into() };
    let r = add(&store, "q", now).await;
    // A notice whose id is taken fails its insert: the status goes with it.
    let taken = vec![("n-q".to_owned(), question.clone())];
    assert!(store.add_status_with_notices(&r, "more_info", "callback", "s-q", &taken, now + 1).await.is_err());
    let statuses: Vec<String> = store.events(&r.id).await.unwrap().into_iter().map(|e| e.status).collect();
    assert_eq!(statuses, ["submitted"], "a status without its question was kept");
    assert_eq!(store.request(&r.id).await.unwrap().unwrap().status, "submitted");
    assert!(store.notices(&r.id).await.unwrap().is_empty());

    let said = vec![("q-1".to_owned(), question.clone())];
    assert!(store.add_status_with_notices(&r, "more_info", "callback", "s-q", &said, now + 2).await.unwrap());
    assert_eq!(store.request(&r.id).await.unwrap().unwrap().status, "more_info");
    let notices: Vec<panjere_api::Text> = store.notices(&r.id).await.unwrap().into_iter().map(|(_, t)| t.0).collect();
    assert_eq!(notices, std::slice::from_ref(&question));
    // The same status again (a poll after the callback) is not new, and
    // what came with it is not said twice.
    let again = vec![("q-2".to_owned(), question.clone())];
    assert!(!store.add_status_with_notices(&r, "more_info", "poll", "s-q2", &again, now + 3).await.unwrap());
    assert_eq!(store.notices(&r.id).await.unwrap().len(), 1);
    // A new status with what was said before and something new: only the
    // new is said, once even if the agency repeats it in one answer.
    let document = panjere_api::Text { fa: "سند شماره ۱۲ صادر شد.".into(), en: "Document 12 was issued.".into() };
    let with_new = vec![("q-3".to_owned(), question.clone()), ("d-1".to_owned(), document.clone()), ("d-2".to_owned(), document.clone())];
    assert!(store.add_status_with_notices(&r, "answered", "poll", "s-a", &with_new, now + 4).await.unwrap());
    let notices: Vec<panjere_api::Text> = store.notices(&r.id).await.unwrap().into_iter().map(|(_, t)| t.0).collect();
    assert_eq!(notices, [question, document]);
}

#[tokio::test]
async fn the_audit_log_is_append_only_on_this_engine() {
    let app = quiet().await;
    let pool = app.pool().await;
    sqlx::query(
        "INSERT INTO audit_log (at, request_id, agency, operation, outcome, latency_ms) VALUES ('2026-01-01T00:00:00Z', 'r', 'tax', 'op', 'ok', 3)",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert!(sqlx::query("UPDATE audit_log SET outcome = 'error'").execute(&pool).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_log").execute(&pool).await.is_err());
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 1);
    let health = app.browser().get("/api/health").await;
    assert_eq!(health.body["engine"], if app.database.is_some() { "postgres" } else { "sqlite" });
}

/// Redis configured but not answering: the instance says so on
/// `/api/health` (503: the balancer takes it out), and the sign-in limit
/// falls back to this instance's memory, still limiting.
#[tokio::test]
async fn redis_unreachable_is_reported_and_limits_fall_back_to_memory() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let redis = panjere_server::redis::Redis::connect(&format!("redis://127.0.0.1:{dead}"), "panjere-test-dead:", 1).await.unwrap();
    assert!(!redis.ping().await);
    let limiter = panjere_server::redis::RedisLimiter::new(redis);
    use panjere_server::auth::limit::Limiter;
    assert_eq!(limiter.kind(), "redis");
    assert!(limiter.hit("sign-in:1.2.3.4", 100, 2, 60).await.is_ok());
    assert_eq!(limiter.kind(), "memory_fallback");
    assert!(limiter.hit("sign-in:1.2.3.4", 101, 2, 60).await.is_ok());
    assert_eq!(limiter.hit("sign-in:1.2.3.4", 102, 2, 60).await, Err(58), "still limits");

    let app =
        TestApp::spawn(TestOptions { background: false, redis_url: Some(format!("redis://127.0.0.1:{dead}")), ..Default::default() }).await;
    let health = app.browser().get("/api/health").await;
    assert_eq!(
        (health.status, &health.body["redis"], &health.body["status"]),
        (503, &serde_json::json!(false), &serde_json::json!("degraded"))
    );
}

/// With Redis in use, the limit is counted there: two limiters (two
/// instances) share one count.
#[tokio::test]
#[ignore = "needs Redis: cargo xtask test runs it with PANJERE_TEST_REDIS"]
async fn two_instances_share_one_count_in_redis() {
    let (url, prefix) = crate::helpers::test_redis().expect("PANJERE_TEST_REDIS names a Redis");
    use panjere_server::auth::limit::Limiter;
    let one = panjere_server::redis::RedisLimiter::new(panjere_server::redis::Redis::connect(&url, &prefix, 1).await.unwrap());
    let two = panjere_server::redis::RedisLimiter::new(panjere_server::redis::Redis::connect(&url, &prefix, 1).await.unwrap());
    assert!(one.hit("k", 500, 3, 60).await.is_ok());
    assert!(two.hit("k", 501, 3, 60).await.is_ok());
    assert!(one.hit("k", 502, 3, 60).await.is_ok());
    assert_eq!(two.hit("k", 503, 3, 60).await, Err(57));
    assert_eq!(one.hit("k", 503, 3, 60).await, Err(57));
    assert!(two.hit("k", 561, 3, 60).await.is_ok(), "the first hit left the window");
    assert_eq!(one.kind(), "redis");
}

/// Without Redis, sessions live in the database (SQLite's or PostgreSQL's
/// `tower_sessions` store) and the limit in memory: signing in and out work
/// the same.
#[tokio::test]
async fn without_redis_sessions_live_in_the_database() {
    let app = TestApp::spawn(TestOptions { without_redis: true, ..Default::default() }).await;
    let mut b = app.citizen(crate::helpers::ADULT).await;
    assert_eq!(b.get("/api/me").await.status, 200);
    let health = app.browser().get("/api/health").await;
    assert_eq!((health.status, &health.body["limits"]), (200, &serde_json::json!("memory")));
    assert!(health.body.get("redis").is_none(), "{}", health.body);
    let mut other_tab = b.clone();
    assert_eq!(b.post("/api/auth/sign-out", serde_json::json!({})).await.status, 204);
    assert_eq!(other_tab.get("/api/me").await.status, 401);
}

/// A Redis of the test's own that goes away and comes back: the limiter
/// falls back while it is away and shares its counts again once it is back,
/// and the instance's health says which (503 while away).
#[tokio::test]
#[ignore = "needs redis-server: cargo xtask test runs it with PANJERE_TEST_REDIS"]
async fn redis_going_away_and_coming_back_is_survived() {
    // Restarted on the same port: one no outgoing connection takes meanwhile.
    let port = crate::helpers::quiet_port();
    let start = || {
        let mut child = tokio::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server");
        async move {
            for _ in 0..100 {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return child;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            let _ = child.kill().await;
            panic!("redis-server did not start on {port}");
        }
    };
    let mut redis_server = start().await;
    let url = format!("redis://127.0.0.1:{port}");
    let app = TestApp::spawn(TestOptions { background: false, redis_url: Some(url.clone()), ..Default::default() }).await;
    let health = || async { app.browser().get("/api/health").await };
    assert_eq!((health().await.status, health().await.body["limits"].clone()), (200, serde_json::json!("redis")));
    let mut b = app.citizen(crate::helpers::ADULT).await;
    assert_eq!(b.get("/api/me").await.status, 200);

    redis_server.kill().await.unwrap();
    let _ = redis_server.wait().await;
    let limiter = &app.state.auth().limiter;
    assert!(limiter.hit("sign-in:5.6.7.8", 100, 1, 60).await.is_ok());
    assert_eq!(limiter.kind(), "memory_fallback");
    assert_eq!(limiter.hit("sign-in:5.6.7.8", 101, 1, 60).await, Err(59), "still limits while Redis is away");
    let away = health().await;
    assert_eq!(
        (away.status, &away.body["redis"], &away.body["limits"]),
        (503, &serde_json::json!(false), &serde_json::json!("memory_fallback"))
    );
    let a = b.get("/api/me").await;
    // Sessions live in Redis: none can be read, and the citizen is told to
    // try again shortly, nothing internal.
    assert_eq!((a.status, a.code()), (503, "unavailable"), "{}", a.body);
    assert_eq!(a.headers["retry-after"], "5");
    assert!(!a.body.to_string().to_lowercase().contains("redis"), "{}", a.body);

    let _redis_server = start().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        if limiter.hit("sign-in:9.9.9.9", 200, 100, 60).await.is_ok() && limiter.kind() == "redis" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the limiter did not return to Redis");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let back = health().await;
    assert_eq!((back.status, &back.body["redis"], &back.body["limits"]), (200, &serde_json::json!(true), &serde_json::json!("redis")));
    // The new Redis is empty: the citizen signs in again, and may.
    assert_eq!(b.get("/api/me").await.status, 401);
    app.citizen(crate::helpers::ADULT).await;
}

/// `panjere backup` copies the SQLite database while citizens keep
/// submitting; a server started on the copy in a fresh data directory has
/// every request, draft and audit row acknowledged before the backup began.
#[tokio::test]
async fn a_backup_taken_under_write_load_restores_everything_acknowledged() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let app = TestApp::spawn(TestOptions { embedded: true, ..Default::default() }).await;
    let c = app.citizen(crate::helpers::ADULT).await;
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn({
        let (mut c, stop) = (c.clone(), stop.clone());
        async move {
            let mut submitted = 0;
            while !stop.load(Ordering::SeqCst) {
                c.apply_for_passport().await;
                submitted += 1;
            }
            submitted
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    app.state.stores().audit.flush().await;
    let pool = app.pool().await;
    let requests: Vec<String> = sqlx::query_scalar("SELECT id FROM request").fetch_all(&pool).await.unwrap();
    let drafts: Vec<String> = sqlx::query_scalar("SELECT id FROM draft").fetch_all(&pool).await.unwrap();
    let audit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(&pool).await.unwrap();
    assert!(!requests.is_empty() && audit > 0, "load before the backup: {} requests, {audit} audit rows", requests.len());

    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("panjere-backup.db");
    let backup = tokio::process::Command::new(env!("CARGO_BIN_EXE_panjere"))
        .args(["backup", file.to_str().unwrap()])
        .env("PANJERE_CONFIG", crate::helpers::root().join("config/panjere.toml"))
        .env("PANJERE_DATA_DIR", &app.config.data_dir)
        .output()
        .await
        .unwrap();
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    // A second backup never overwrites the first.
    let again = tokio::process::Command::new(env!("CARGO_BIN_EXE_panjere"))
        .args(["backup", file.to_str().unwrap()])
        .env("PANJERE_DATA_DIR", &app.config.data_dir)
        .output()
        .await
        .unwrap();
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("exists"));
    // On PostgreSQL it points to PostgreSQL's own tools.
    let pg = tokio::process::Command::new(env!("CARGO_BIN_EXE_panjere"))
        .args(["backup", out.path().join("pg.db").to_str().unwrap()])
        .env("PANJERE_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .await
        .unwrap();
    assert!(!pg.status.success() && String::from_utf8_lossy(&pg.stderr).contains("pg_dump"));
    stop.store(true, Ordering::SeqCst);
    let submitted = writer.await.unwrap();
    assert!(submitted > requests.len() / 2, "the load went on during the backup");

    // Restore: the file as the database of a fresh data directory.
    let fresh = tempfile::tempdir().unwrap();
    std::fs::copy(&file, fresh.path().join("panjere.db")).unwrap();
    let restored =
        TestApp::spawn(TestOptions { embedded: true, data_dir: Some(fresh.path().to_owned()), background: false, ..Default::default() })
            .await;
    let pool = restored.pool().await;
    let restored_requests: BTreeSet<String> =
        sqlx::query_scalar("SELECT id FROM request").fetch_all(&pool).await.unwrap().into_iter().collect();
    let restored_drafts: BTreeSet<String> =
        sqlx::query_scalar("SELECT id FROM draft").fetch_all(&pool).await.unwrap().into_iter().collect();
    let restored_audit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(&pool).await.unwrap();
    assert!(requests.iter().all(|r| restored_requests.contains(r)), "every request");
    assert!(drafts.iter().all(|d| restored_drafts.contains(d)), "every draft");
    assert!(restored_audit >= audit, "every audit row: {restored_audit} < {audit}");
    // The citizen finds them through the restored window.
    let mut again = restored.citizen(crate::helpers::ADULT).await;
    let listed: BTreeSet<String> =
        again.get("/api/requests").await.body["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    assert!(requests.iter().all(|r| listed.contains(r)), "{} of {} listed", listed.len(), requests.len());
    drop(c);
}
