//! The accountability figures through the router: they follow the catalog
//! files, the database and the date, and the open-data files say the same
//! as the JSON.

use std::path::Path;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::helpers::{copy_of_data, root, TestApp, TestOptions};

/// 2026-11-28 12:00 UTC.
const NOW: i64 = 1_795_867_200;

/// The portal on the catalog in `data`, its clock stopped at `now`, every
/// agency probed once (so connections are known).
async fn portal(data: &Path, now: i64) -> TestApp {
    let app = TestApp::spawn(TestOptions { catalog_dir: Some(data.to_owned()), manual_clock: Some(now), ..Default::default() }).await;
    app.state.gateway().probe_all().await;
    app
}

async fn fetch(router: &panjere_server::App, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = router.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let (parts, body) = res.into_parts();
    (parts.status, parts.headers, body.collect().await.unwrap().to_bytes().to_vec())
}

async fn stats(router: &panjere_server::App) -> Value {
    let (status, headers, body) = fetch(router, "/api/stats").await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=10");
    serde_json::from_slice(&body).unwrap()
}

fn agency<'a>(s: &'a Value, id: &str) -> &'a Value {
    s["agencies"].as_array().unwrap().iter().find(|a| a["id"] == id).unwrap_or_else(|| panic!("no agency {id}"))
}

fn target<'a>(s: &'a Value, id: &str) -> &'a Value {
    s["targets"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap_or_else(|| panic!("no target {id}"))
}

fn verdict<'a>(a: &'a Value, target: &str) -> &'a str {
    a["verdicts"].as_array().unwrap().iter().find(|v| v["target"] == target).unwrap()["verdict"].as_str().unwrap()
}

#[tokio::test]
async fn figures_follow_the_catalog_and_the_forms() {
    let data = copy_of_data();
    let mut app = portal(data.path(), NOW).await;
    let before = stats(&app.router()).await;

    let n = &before["national"];
    assert_eq!(n["agencies"], 72);
    // Connected is the gateway's live state: every simulated agency answers
    // and describes what the window registered (two say in the catalog that
    // they are not connected; the window measures that they are).
    assert_eq!(n["agencies_connected"], 72);
    assert_eq!(n["connected_percent"], 100.0);
    let services = n["counts"]["services"].as_u64().unwrap();
    assert!(services >= 300);
    // Five documents are still carried by citizens (data/services/*.toml).
    let c = &n["counts"];
    assert_eq!(c["inquiries"].as_u64().unwrap() - c["inquiries_electronic"].as_u64().unwrap(), 5);
    // Every agency is counted at exactly one stage.
    let staged: u64 = before["stages"].as_array().unwrap().iter().map(|s| s["agencies"].as_u64().unwrap()).sum();
    assert_eq!(staged, 72);
    let welfare = agency(&before, "welfare");
    assert_eq!(verdict(welfare, "inquiries_electronic"), "missed");
    let card = before["differences"].as_array().unwrap().iter().find(|d| d["id"] == "disability-card").unwrap();
    assert_eq!(card["verified"], "partly_electronic");
    assert_eq!(card["gaps"][0]["code"], "document_carried");

    // The welfare organisation lets the window fetch the medical report
    // (catalog) and its form makes that inquiry of the health ministry
    // (forms); a smart service is added to the tax organisation's catalog,
    // without a form.
    let path = data.path().join("services/welfare.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("carried_from", "from")).unwrap();
    let forms = data.path().join("forms/welfare.toml");
    let text = std::fs::read_to_string(&forms).unwrap();
    let inquiry = "[[form.inquiries]]\noperation = \"health-ministry.record\"\nlabel = { fa = \"پرونده سلامت، از وزارت بهداشت\", en = \"Health record, from the health ministry\" }\nparams = { national_code = \"$citizen\" }\n\n";
    let card = "service = \"disability-card\"\nsubmit = \"welfare.apply\"\nstatus = \"welfare.application\"\nreply = \"welfare.reply\"\n\n";
    let text = text.replacen(card, &format!("{card}{inquiry}"), 1);
    assert!(text.contains("health-ministry.record"));
    std::fs::write(&forms, text).unwrap();
    let tax = data.path().join("services/tax.toml");
    let mut text = std::fs::read_to_string(&tax).unwrap();
    text.push_str(
        "\n[[service]]\nid = \"proactive-refund\"\nfa = \"استرداد خودکار مالیات\"\nen = \"Automatic tax refund\"\n\
         summary_fa = \"مالیات اضافه پرداختی خودکار بازگردانده می‌شود.\"\nsummary_en = \"Overpaid tax is refunded automatically.\"\n\
         category = \"tax\"\nkind = \"application\"\nlevel = \"smart\"\nfee = 0\ndays = 0\npopularity = 400\n",
    );
    std::fs::write(&tax, text).unwrap();

    app.restart().await;
    app.state.gateway().probe_all().await;
    let after = stats(&app.router()).await;
    let m = &after["national"];
    assert_eq!(m["counts"]["services"].as_u64().unwrap(), services + 1);
    // Claimed smart: one more. Verified: the same (the new service has no form).
    assert_eq!(m["claimed"]["smart"].as_u64().unwrap(), n["claimed"]["smart"].as_u64().unwrap() + 1);
    assert_eq!(m["counts"]["smart"], n["counts"]["smart"]);
    let refund = after["differences"].as_array().unwrap().iter().find(|d| d["id"] == "proactive-refund").unwrap();
    assert_eq!((refund["claimed"].as_str(), refund["verified"].as_str()), (Some("smart"), Some("in_person")));
    assert_eq!(refund["gaps"][0]["code"], "no_form");
    let c = &m["counts"];
    assert_eq!(c["inquiries"].as_u64().unwrap() - c["inquiries_electronic"].as_u64().unwrap(), 4);
    let welfare = agency(&after, "welfare");
    assert_eq!(verdict(welfare, "inquiries_electronic"), "met");
    assert_eq!(welfare["inquiries_electronic_percent"], 100.0);
    // The medical report is no longer carried: the card's claim and verification agree.
    assert!(!after["differences"].as_array().unwrap().iter().any(|d| d["id"] == "disability-card"), "{}", after["differences"]);
    assert_ne!(target(&after, "smart")["value_percent"], Value::Null);
}

#[tokio::test]
async fn figures_follow_the_database() {
    let data = root().join("data");
    let app = portal(&data, NOW).await;
    let pool = app.pool().await;
    let r = app.router();
    let before = stats(&r).await;
    assert_eq!(before["national"]["citizens_signed_in"], 0);
    assert_eq!(before["national"]["requests_submitted"], 0);
    assert_eq!(before["national"]["median_decision_seconds"], Value::Null);

    for (i, who) in ["c1", "c2", "c3"].iter().enumerate() {
        sqlx::query("INSERT INTO citizen (pseudonym, first_sign_in, last_sign_in) VALUES ($1, $2, $3)")
            .bind(who)
            .bind(NOW - 1000 + i as i64)
            .bind(NOW)
            .execute(&pool)
            .await
            .unwrap();
    }
    // Three requests: two decided (after 100 s and 300 s), one pending.
    for (id, agency, decided) in [("r1", "tax", Some(100)), ("r2", "tax", Some(300)), ("r3", "passport-police", None)] {
        sqlx::query(
            "INSERT INTO request (id, tracking_code, citizen, national_code, service, agency, data, status, next_attempt_at, \
             created_at, updated_at, decided_at) VALUES ($1, $2, 'c1', '0076229645', 'x', $3, '{}', 'submitted', 0, $4, $5, $6)",
        )
        .bind(id)
        .bind(format!("T-{id}"))
        .bind(agency)
        .bind(NOW - 1000)
        .bind(NOW)
        .bind(decided.map(|d| NOW - 1000 + d))
        .execute(&pool)
        .await
        .unwrap();
    }
    // The window asked the conscription organisation on behalf of the
    // passport police (counted), and the passport police for itself (not an
    // inter-agency inquiry).
    for (agency, by) in [("conscription", "passport-police"), ("passport-police", "passport-police")] {
        sqlx::query(
            "INSERT INTO audit_log (at, request_id, agency, operation, citizen, requested_by, outcome, latency_ms) \
             VALUES ('2026-11-28T12:00:00Z', 'r3', $1, 'op', 'c1', $2, 'ok', 5)",
        )
        .bind(agency)
        .bind(by)
        .execute(&pool)
        .await
        .unwrap();
    }

    let after = stats(&r).await;
    let n = &after["national"];
    assert_eq!(n["citizens_signed_in"], 3);
    assert_eq!(n["requests_submitted"], 3);
    assert_eq!(n["requests_decided"], 2);
    assert_eq!(n["median_decision_seconds"], 200);
    assert_eq!(n["inquiries_made"], 1);
    assert_eq!(agency(&after, "tax")["requests_submitted"], 2);
    assert_eq!(agency(&after, "passport-police")["requests_submitted"], 1);
}

#[tokio::test]
async fn verdicts_follow_the_jalali_date() {
    // The migration organisation's system is down: not connected, it offers
    // nothing through the window.
    let data = root().join("data");
    // 31 Shahrivar 1401, 23:59:59 in Tehran: the deadline's last second.
    let last = 1_663_878_599;
    let app = TestApp::spawn(TestOptions { catalog_dir: Some(data.clone()), manual_clock: Some(last), ..Default::default() }).await;
    app.fault("migration-org", panjere_agencies::faults::Faults { refuse: true, ..Default::default() });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.state.gateway().probe_all().await;
    let on_the_day = stats(&app.router()).await;
    assert_eq!(on_the_day["today_jalali"], "1401-06-31");
    assert_eq!(verdict(agency(&on_the_day, "migration-org"), "offered_third"), "not_yet_due");
    assert_eq!(target(&on_the_day, "offered_third")["verdict"], "not_yet_due");
    assert_eq!(target(&on_the_day, "offered_third")["due_jalali"], "1401-06-31");
    assert_eq!(target(&on_the_day, "fully_electronic")["due"], "2023-11-21");
    app.advance(1);
    let next_day = stats(&app.router()).await;
    assert_eq!(next_day["today_jalali"], "1401-07-01");
    assert_eq!(verdict(agency(&next_day, "migration-org"), "offered_third"), "missed");
    assert_eq!(target(&next_day, "offered_third")["verdict"], "missed");
    // An agency meeting a target is met whatever the date; the smart target
    // has no deadline.
    assert_eq!(verdict(agency(&next_day, "sabt-ahval"), "offered_third"), "met");
    assert_eq!(target(&next_day, "smart")["due"], Value::Null);
}

/// Splits one RFC 4180 line (no embedded newlines in these files).
fn csv_cells(line: &str) -> Vec<String> {
    let (mut cells, mut cell, mut quoted, mut chars) = (Vec::new(), String::new(), false, line.chars().peekable());
    while let Some(ch) = chars.next() {
        match (ch, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(ch),
        }
    }
    cells.push(cell);
    cells
}

#[tokio::test]
async fn open_data_says_what_the_api_says() {
    let data = root().join("data");
    let app = portal(&data, NOW).await;
    let r = app.router();
    let json = stats(&r).await;

    let (status, headers, body) = fetch(&r, "/api/stats/agencies.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(headers[header::CONTENT_DISPOSITION], "attachment; filename=\"panjere-agencies-2026-11-28.csv\"");
    let text = String::from_utf8(body).unwrap();
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    let header_cells = csv_cells(lines.next().unwrap());
    let rows: Vec<Vec<String>> = lines.map(csv_cells).collect();
    let agencies = json["agencies"].as_array().unwrap();
    assert_eq!(rows.len(), agencies.len());
    let col = |name: &str| header_cells.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    for (row, a) in rows.iter().zip(agencies) {
        assert_eq!(row.len(), header_cells.len());
        assert_eq!(row[col("id")], a["id"].as_str().unwrap());
        assert_eq!(row[col("name_fa")], a["name"]["fa"].as_str().unwrap());
        assert_eq!(row[col("stage")], a["stage"].to_string());
        assert_eq!(row[col("services")], a["counts"]["services"].to_string());
        assert_eq!(row[col("inquiries_electronic")], a["counts"]["inquiries_electronic"].to_string());
        let pct = &a["offered_percent"];
        assert_eq!(row[col("offered_percent")], if pct.is_null() { String::new() } else { pct.as_f64().unwrap().to_string() });
        assert_eq!(row[col("offered_third")], verdict(a, "offered_third"));
        assert_eq!(row[col("smart_target")], verdict(a, "smart"));
    }

    // The schema names exactly the CSV's columns.
    let (_, _, body) = fetch(&r, "/api/stats/datapackage.json").await;
    let pkg: Value = serde_json::from_slice(&body).unwrap();
    let fields: Vec<&str> =
        pkg["resources"][0]["schema"]["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(fields, header_cells.iter().map(String::as_str).collect::<Vec<_>>());

    // The JSON download is the same document, as a file.
    let (status, headers, body) = fetch(&r, "/api/stats.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_DISPOSITION], "attachment; filename=\"panjere-stats-2026-11-28.json\"");
    let download: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(download, json);
}
