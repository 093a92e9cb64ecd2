//! Router tests: every endpoint through `app(state)` with `oneshot`, the
//! OpenAPI document checked against the live answers, security headers,
//! request ids and static serving.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use panjere_server::db;
use serde_json::Value;
use tower::ServiceExt;

use std::sync::Arc;

use crate::helpers::{root, TestApp, TestOptions};

const INLINE: &str = "import init from '/panjere-app-0123456789abcdef.js';\nawait init();";

/// A fake Trunk build: index.html with an inline loader, a hashed asset
/// with its brotli twin, a font.
fn fake_dist() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("index.html"),
        format!(
            "<!doctype html><html lang=\"fa\" dir=\"rtl\"><head><title>پنجره</title><script type=\"module\">{INLINE}</script></head>\
             <body><header>shell</header><main id=\"main\"></main></body></html>"
        ),
    )
    .unwrap();
    std::fs::write(d.path().join("panjere-app-0123456789abcdef.js"), "console.log('plain')").unwrap();
    std::fs::write(d.path().join("panjere-app-0123456789abcdef.js.br"), b"BROTLI").unwrap();
    std::fs::create_dir_all(d.path().join("fonts")).unwrap();
    std::fs::write(d.path().join("fonts/Vazirmatn-Regular.woff2"), b"font").unwrap();
    d
}

/// The portal (with or without a client build) and its router.
struct Portal {
    router: panjere_server::App,
    app: TestApp,
    _dist: Option<tempfile::TempDir>,
}

async fn test_app(with_client: bool) -> Portal {
    let dist = with_client.then(fake_dist);
    let app =
        TestApp::spawn(TestOptions { dist_dir: dist.as_ref().map(|d| d.path().to_owned()), background: false, ..Default::default() }).await;
    Portal { router: app.router(), app, _dist: dist }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).unwrap_or_else(|| panic!("no {name} header")).to_str().unwrap()
    }
}

async fn send(app: &Portal, req: Request<Body>) -> Answer {
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Answer { status, headers, body }
}

async fn get(app: &Portal, uri: &str) -> Answer {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

fn enc(s: &str) -> String {
    panjere_api::url::encode(s)
}

/// Asserts a 400 whose body names the parameter.
async fn bad(app: &Portal, uri: &str, parameter: &str) -> Value {
    let a = get(app, uri).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{uri}: {}", String::from_utf8_lossy(&a.body));
    let j = a.json();
    assert_eq!(j["error"]["code"], "bad_parameter", "{uri}");
    assert_eq!(j["error"]["parameter"], parameter, "{uri}: {j}");
    assert!(j["error"]["message"].as_str().unwrap().len() > 10, "{j}");
    j
}

#[tokio::test]
async fn health_reports_version_and_database() {
    let app = test_app(false).await;
    let a = get(&app, "/api/health").await;
    assert_eq!(a.status, StatusCode::OK);
    let j = a.json();
    assert_eq!(j["status"], "ok");
    assert_eq!(j["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(j["database"], true);
    assert!(j["services"].as_u64().unwrap() >= 300);
    assert!(j["agencies"].as_u64().unwrap() >= 60);
}

#[tokio::test]
async fn every_answer_names_its_instance_and_health_fails_without_the_database() {
    use panjere_server::clock::SystemClock;
    use panjere_server::config::Config;
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        agencies_file: root().join("config/agencies.toml"),
        operations_file: root().join("data/operations.toml"),
        catalog_dir: root().join("data"),
        dist_dir: dir.path().join("no-client"),
        data_dir: dir.path().join("var"),
        instance: Some("panjere-2".into()),
        ..Default::default()
    };
    let catalog = panjere_server::catalog::Catalog::load(&config.catalog_dir).unwrap();
    let pool = panjere_server::db::open(&config.data_dir).await.unwrap();
    let stores = panjere_server::db::sqlite_stores(pool.clone()).await.unwrap();
    let state = panjere_server::startup::build_state_with(&config, &|_| None, Arc::new(SystemClock), catalog, stores).unwrap();
    let router = panjere_server::app(state);
    let res = router.clone().oneshot(Request::get("/api/health").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!((res.status(), res.headers()["x-panjere-instance"].to_str().unwrap()), (StatusCode::OK, "panjere-2"));
    let res = router.clone().oneshot(Request::get("/api/catalog/services/nope").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.headers()["x-panjere-instance"], "panjere-2", "errors too");
    // The database goes away: the load balancer is told to take this instance out.
    pool.close().await;
    let res = router.oneshot(Request::get("/api/health").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn categories_and_life_events() {
    let app = test_app(false).await;
    let j = get(&app, "/api/catalog/categories").await.json();
    let items = j["items"].as_array().unwrap();
    assert_eq!(j["total"].as_u64().unwrap() as usize, items.len());
    let tax = items.iter().find(|c| c["id"] == "tax").unwrap();
    assert_eq!(tax["name"]["fa"], "مالیات");
    assert!(tax["service_count"].as_u64().unwrap() >= 10);
    assert!(j["life_events"].as_array().unwrap().iter().any(|e| e["id"] == "birth"));
}

#[tokio::test]
async fn agencies_list_is_paged() {
    let app = test_app(false).await;
    let all = get(&app, "/api/catalog/agencies?per_page=100").await.json();
    let total = all["total"].as_u64().unwrap() as usize;
    assert!(total >= 60);
    assert_eq!(all["items"].as_array().unwrap().len(), total.min(100));
    let p2 = get(&app, "/api/catalog/agencies?page=2&per_page=5").await.json();
    assert_eq!(p2["items"].as_array().unwrap().len(), 5);
    assert_eq!(p2["items"][0]["id"], all["items"][5]["id"]);
    assert_eq!((p2["page"].as_u64(), p2["per_page"].as_u64()), (Some(2), Some(5)));
    // a page past the end is empty, not an error
    let far = get(&app, "/api/catalog/agencies?page=99").await.json();
    assert_eq!(far["items"].as_array().unwrap().len(), 0);
    assert_eq!(far["total"].as_u64().unwrap() as usize, total);
    // Persian digits in numbers are accepted
    let fa = get(&app, &format!("/api/catalog/agencies?per_page={}", enc("۵"))).await.json();
    assert_eq!(fa["items"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn agency_detail_and_404() {
    let app = test_app(false).await;
    // Connected is the gateway's live state: unknown until first probed.
    let j = get(&app, "/api/catalog/agencies/tax").await.json();
    assert_eq!(j["agency"]["connected"], false);
    app.app.state.gateway().probe_all().await;
    let j = get(&app, "/api/catalog/agencies/tax").await.json();
    assert_eq!(j["agency"]["name"]["fa"], "سازمان امور مالیاتی کشور");
    assert_eq!(j["agency"]["connected"], true);
    assert_eq!(j["agency"]["connected_on_jalali"], "1400-09-20");
    assert_eq!(j["agency"]["connected_on"], "2021-12-11");
    assert_eq!(j["services"].as_array().unwrap().len() as u64, j["agency"]["service_count"].as_u64().unwrap());
    let a = get(&app, "/api/catalog/agencies/no-such-agency").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.header("content-type"), "application/json");
    let e = a.json();
    assert_eq!(e["error"]["code"], "not_found");
    assert!(e["error"]["message"].as_str().unwrap().contains("no-such-agency"));
}

#[tokio::test]
async fn services_search_filter_and_page() {
    let app = test_app(false).await;
    let all = get(&app, "/api/catalog/services").await.json();
    assert!(all["total"].as_u64().unwrap() >= 300);
    assert_eq!(all["items"].as_array().unwrap().len(), 20);
    // popularity order without a query
    let pops: Vec<u64> = all["items"].as_array().unwrap().iter().map(|s| s["popularity"].as_u64().unwrap()).collect();
    assert!(pops.windows(2).all(|w| w[0] <= w[1]), "{pops:?}");

    // Arabic yeh finds the tax services first
    let tax = get(&app, &format!("/api/catalog/services?q={}", enc("ماليات"))).await.json();
    assert!(tax["total"].as_u64().unwrap() >= 10);
    assert_eq!(tax["items"][0]["agency"], "tax");

    // synonyms
    for q in ["گذرنامه", "پاسپورت", "passport"] {
        let j = get(&app, &format!("/api/catalog/services?q={}", enc(q))).await.json();
        assert!(j["items"].as_array().unwrap().iter().any(|s| s["id"] == "passport-issuance"), "{q}");
    }

    // filters combine
    let j = get(&app, "/api/catalog/services?category=vehicles&kind=inquiry&level=fully_electronic&per_page=100").await.json();
    let items = j["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|s| s["category"] == "vehicles" && s["kind"] == "inquiry" && s["level"] == "fully_electronic"));
    let j = get(&app, "/api/catalog/services?agency=post&per_page=100").await.json();
    assert!(j["items"].as_array().unwrap().iter().all(|s| s["agency"] == "post"));
    let j = get(&app, "/api/catalog/services?event=birth&per_page=100").await.json();
    assert!(j["items"].as_array().unwrap().iter().any(|s| s["id"] == "birth-registration"));
    // search within a filter
    let j = get(&app, &format!("/api/catalog/services?agency=traffic-police&q={}", enc("خلافی"))).await.json();
    assert_eq!(j["items"][0]["id"], "traffic-fines");
    // nothing found is an empty list
    let j = get(&app, "/api/catalog/services?q=zzzzqqqq").await.json();
    assert_eq!((j["total"].as_u64(), j["items"].as_array().unwrap().len()), (Some(0), 0));
}

#[tokio::test]
async fn bad_parameters_are_named() {
    let app = test_app(false).await;
    bad(&app, "/api/catalog/services?page=0", "page").await;
    bad(&app, "/api/catalog/services?page=abc", "page").await;
    bad(&app, "/api/catalog/services?per_page=101", "per_page").await;
    bad(&app, "/api/catalog/services?per_page=-1", "per_page").await;
    let j = bad(&app, "/api/catalog/services?kind=form", "kind").await;
    assert!(j["error"]["message"].as_str().unwrap().contains("information, inquiry, application"));
    bad(&app, "/api/catalog/services?level=online", "level").await;
    bad(&app, "/api/catalog/services?category=taxes", "category").await;
    bad(&app, "/api/catalog/services?agency=nope", "agency").await;
    bad(&app, "/api/catalog/services?event=nope", "event").await;
    bad(&app, "/api/catalog/services?categry=tax", "categry").await;
    bad(&app, "/api/catalog/services?kind=inquiry&kind=application", "kind").await;
    bad(&app, &format!("/api/catalog/services?q={}", "a".repeat(201)), "q").await;
    bad(&app, "/api/catalog/agencies?per_page=0", "per_page").await;
    bad(&app, "/api/catalog/agencies?q=tax", "q").await;
}

#[tokio::test]
async fn service_detail_and_404() {
    let app = test_app(false).await;
    let j = get(&app, "/api/catalog/services/passport-issuance").await.json();
    assert_eq!(j["agency"], "passport-police");
    assert_eq!(j["fee"]["type"], "fixed");
    assert!(j["documents"].as_array().unwrap().iter().any(|d| d["fetched_from"] == "conscription"));
    let a = get(&app, "/api/catalog/services/nope").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn search_index_covers_the_catalog() {
    let app = test_app(false).await;
    let j = get(&app, "/api/catalog/search-index").await.json();
    let total = get(&app, "/api/catalog/services").await.json()["total"].as_u64().unwrap() as usize;
    assert_eq!(j["services"].as_array().unwrap().len(), total);
    assert_eq!(j["extra_terms"].as_array().unwrap().len(), total);
    // life events per service, as the life-event lists select them
    let events = j["life_events"].as_array().unwrap();
    assert_eq!(events.len(), total);
    let birth = get(&app, "/api/catalog/services?event=birth&per_page=100").await.json();
    let ids: Vec<&Value> = j["services"]
        .as_array()
        .unwrap()
        .iter()
        .zip(events)
        .filter(|(_, e)| e.as_array().unwrap().iter().any(|x| x == "birth"))
        .map(|(s, _)| &s["id"])
        .collect();
    assert!(!ids.is_empty());
    assert_eq!(ids, birth["items"].as_array().unwrap().iter().map(|s| &s["id"]).collect::<Vec<_>>());
}

#[tokio::test]
async fn the_offline_catalog_holds_every_service_as_its_page_reads_it() {
    let app = test_app(false).await;
    let a = get(&app, "/api/catalog/offline").await;
    assert_eq!(a.status, StatusCode::OK);
    let tag = a.header("etag").to_owned();
    assert!(tag.starts_with('"') && tag.len() > 10, "{tag}");
    assert_eq!(a.header("cache-control"), "no-cache");
    let j = a.json();
    let services = j["services"].as_array().unwrap();
    let list = get(&app, "/api/catalog/services?per_page=100").await.json();
    assert_eq!(services.len() as u64, list["total"].as_u64().unwrap());
    // each exactly the service's own answer, form included
    for s in services.iter().step_by(25) {
        let own = get(&app, &format!("/api/catalog/services/{}", enc(s["id"].as_str().unwrap()))).await.json();
        assert_eq!(*s, own);
    }
    assert!(services.iter().any(|s| s["form"].is_object()), "forms are in");
    // revalidated: 304 with the tag held, the document again with another
    for (held, status) in [(tag.as_str(), StatusCode::NOT_MODIFIED), ("\"0123\"", StatusCode::OK)] {
        let req = Request::get("/api/catalog/offline").header(header::IF_NONE_MATCH, held).body(Body::empty()).unwrap();
        let b = send(&app, req).await;
        assert_eq!(b.status, status, "{held}");
        assert_eq!(b.header("etag"), tag);
        assert_eq!(b.body.is_empty(), status == StatusCode::NOT_MODIFIED);
    }
    // compressed once, at brotli's best: what a phone downloads
    let req = Request::get("/api/catalog/offline").header(header::ACCEPT_ENCODING, "gzip, br;q=1.0").body(Body::empty()).unwrap();
    let br = send(&app, req).await;
    assert_eq!(br.header("content-encoding"), "br");
    assert_eq!(br.header("vary"), "accept-encoding");
    assert!(br.body.len() * 6 < a.body.len(), "{} of {} bytes", br.body.len(), a.body.len());
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut brotli::Decompressor::new(br.body.as_slice(), 4096), &mut plain).unwrap();
    assert_eq!(plain, a.body, "the same document");
}

#[tokio::test]
async fn api_answers_are_compressed_when_accepted() {
    let app = test_app(false).await;
    let plain = get(&app, "/api/catalog/search-index").await;
    assert!(plain.headers.get("content-encoding").is_none());
    let req = Request::get("/api/catalog/search-index").header(header::ACCEPT_ENCODING, "br").body(Body::empty()).unwrap();
    let br = send(&app, req).await;
    assert_eq!(br.header("content-encoding"), "br");
    assert!(br.body.len() * 4 < plain.body.len(), "{} vs {}", br.body.len(), plain.body.len());
    let req = Request::get("/api/catalog/search-index").header(header::ACCEPT_ENCODING, "gzip").body(Body::empty()).unwrap();
    assert_eq!(send(&app, req).await.header("content-encoding"), "gzip");
    // Asked without Accept-Encoding, the answer still says it varies by it.
    assert_eq!(plain.header("vary"), "accept-encoding");
    // The document, and the routes behind the session (their answers never
    // cached) are compressed as accepted too.
    let req = Request::get("/api/openapi.json").header(header::ACCEPT_ENCODING, "br").body(Body::empty()).unwrap();
    assert_eq!(send(&app, req).await.header("content-encoding"), "br");
    let req = Request::get("/api/me").header(header::ACCEPT_ENCODING, "gzip").body(Body::empty()).unwrap();
    let me = send(&app, req).await;
    assert_eq!((me.status, me.header("content-encoding"), me.header("cache-control")), (StatusCode::UNAUTHORIZED, "gzip", "no-store"));
    let me = get(&app, "/api/me").await;
    assert_eq!((me.headers.get("content-encoding"), me.header("cache-control")), (None, "no-store"));
    assert_eq!(me.json()["error"]["code"], "not_signed_in");
}

#[tokio::test]
async fn unknown_api_paths_are_json_404() {
    let app = test_app(true).await;
    for uri in ["/api/nope", "/api/catalog/nope/deeper"] {
        let a = get(&app, uri).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(a.json()["error"]["code"], "not_found");
    }
}

/// Resolves `{"$ref": "#/components/schemas/X"}`.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap();
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

#[tokio::test]
async fn openapi_document_matches_the_live_api() {
    let app = test_app(false).await;
    let doc = get(&app, "/api/openapi.json").await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for expected in [
        "/api/health",
        "/api/catalog/categories",
        "/api/catalog/agencies",
        "/api/catalog/agencies/{id}",
        "/api/catalog/services",
        "/api/catalog/services/{id}",
        "/api/catalog/search-index",
        "/api/catalog/offline",
        "/api/status",
        "/api/lookup/{operation}",
        "/api/auth/start",
        "/api/auth/resend",
        "/api/auth/verify",
        "/api/auth/sign-out",
        "/api/auth/session",
        "/api/me",
        "/api/me/profile",
        "/api/me/sessions",
        "/api/me/sessions/{id}",
        "/api/stats",
        "/api/stats.json",
        "/api/stats/agencies.csv",
        "/api/stats/datapackage.json",
    ] {
        assert!(paths.contains_key(expected), "{expected} is not documented");
    }
    for (path, item) in paths {
        let signed_in = [
            "/api/auth/",
            "/api/me",
            "/api/drafts",
            "/api/requests",
            "/api/inbox",
            "/api/services/",
            "/api/track/",
            "/api/agency-callbacks",
            "/api/agency-events",
            "/api/offers",
            "/api/payments",
            "/api/me/reauth",
        ];
        if signed_in.iter().any(|p| path.starts_with(p)) {
            // These need the simulated agencies (and mostly a signed-in
            // citizen): tests/auth.rs and tests/requests.rs exercise them.
            continue;
        }
        let op = &item["get"];
        assert!(op.is_object(), "{path} has no GET");
        if path == "/api/lookup/{operation}" {
            // The post's system is down: the documented failure answers
            // come back (the round trip is tested with simulators in gateway.rs).
            app.app.fault("post", panjere_agencies::faults::Faults { refuse: true, ..Default::default() });
            let a = get(&app, "/api/lookup/post.address?postal_code=1314567891").await;
            assert!(op["responses"].get(a.status.as_str()).is_some(), "{path}: undocumented status {}", a.status);
            assert_eq!(a.json()["error"]["agency"], "post");
            let a = get(&app, "/api/lookup/no.such-operation").await;
            assert_eq!(a.status, StatusCode::NOT_FOUND);
            let a = get(&app, "/api/lookup/post.address?postal_code=12").await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST);
            assert_eq!(a.json()["error"]["parameter"], "postal_code");
            continue;
        }
        let uri = path.replace("{id}", if path.contains("agencies") { "tax" } else { "tax-clearance" });
        let a = get(&app, &uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        // Open-data files: their content is checked in tests/stats.rs.
        if path == "/api/stats/agencies.csv" {
            assert!(op["responses"]["200"]["content"].get("text/csv").is_some(), "{path}");
            assert_eq!(a.header("content-type"), "text/csv; charset=utf-8");
            continue;
        }
        if path == "/api/stats/datapackage.json" {
            assert!(a.json()["resources"].is_array());
            continue;
        }
        let body = a.json();
        let schema = resolve(&doc, &op["responses"]["200"]["content"]["application/json"]["schema"]);
        let required = schema["required"].as_array().unwrap_or_else(|| panic!("{path}: 200 schema has no required list: {schema}"));
        for field in required {
            let f = field.as_str().unwrap();
            assert!(body.get(f).is_some(), "{path}: documented field `{f}` missing from the answer");
        }
        for key in body.as_object().unwrap().keys() {
            assert!(schema["properties"].get(key).is_some(), "{path}: answer has `{key}`, which the document does not describe");
        }
        // documented error answers exist for the documented statuses
        if let Some(r404) = op["responses"].get("404") {
            let e = resolve(&doc, &r404["content"]["application/json"]["schema"]);
            assert!(e["required"].as_array().unwrap().iter().any(|f| f == "error"), "{path}");
            let bad = get(&app, &path.replace("{id}", "no-such-id")).await;
            assert_eq!(bad.status, StatusCode::NOT_FOUND, "{path}");
        }
        if op["responses"].get("400").is_some() {
            assert_eq!(get(&app, &format!("{path}?per_page=0")).await.status, StatusCode::BAD_REQUEST, "{path}");
        }
        // parameters the document lists are accepted
        for p in op["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == "query") {
            let name = p["name"].as_str().unwrap();
            let value = match name {
                "page" | "per_page" => "1",
                "category" => "tax",
                "agency" => "tax",
                "event" => "birth",
                "kind" => "inquiry",
                "level" => "smart",
                _ => "x",
            };
            let a = get(&app, &format!("{path}?{name}={value}")).await;
            assert_eq!(a.status, StatusCode::OK, "{path}?{name}={value}: {}", String::from_utf8_lossy(&a.body));
        }
    }
}

#[tokio::test]
async fn request_ids_are_returned_and_quoted() {
    let app = test_app(false).await;
    let a = get(&app, "/api/health").await;
    let id = a.header("x-request-id");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let b = get(&app, "/api/health").await;
    assert_ne!(b.header("x-request-id"), id);
    let req = Request::get("/api/catalog/services/nope").header("x-request-id", "trace-abc-123").body(Body::empty()).unwrap();
    let a = send(&app, req).await;
    assert_eq!(a.header("x-request-id"), "trace-abc-123");
    assert_eq!(a.json()["error"]["request_id"], "trace-abc-123");
    // a malformed incoming id is replaced, never echoed
    let req = Request::get("/api/health").header("x-request-id", "bad id <script>").body(Body::empty()).unwrap();
    let a = send(&app, req).await;
    assert_eq!(a.header("x-request-id").len(), 36);
}

#[tokio::test]
async fn security_headers_everywhere() {
    let app = test_app(true).await;
    for uri in ["/", "/api/health", "/api/nope", "/panjere-app-0123456789abcdef.js"] {
        let a = get(&app, uri).await;
        let csp = a.header("content-security-policy");
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{uri}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{uri}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}");
        assert!(csp.contains("object-src 'none'"), "{uri}");
        assert_eq!(a.header("x-content-type-options"), "nosniff");
        assert_eq!(a.header("referrer-policy"), "strict-origin-when-cross-origin");
        assert!(a.header("permissions-policy").contains("camera=()"));
    }
    // the hash is exactly the inline loader's
    use base64::Engine;
    use sha2::Digest;
    let expected = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(INLINE.as_bytes()));
    let a = get(&app, "/").await;
    assert!(a.header("content-security-policy").contains(&format!("'sha256-{expected}'")));
}

#[tokio::test]
async fn static_client_spa_fallback_and_caching() {
    let app = test_app(true).await;
    for uri in ["/", "/services/tax-clearance", "/search?q=x", "/agencies/tax"] {
        let a = get(&app, uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        assert_eq!(a.header("cache-control"), "no-cache", "{uri}");
        assert!(a.header("content-type").starts_with("text/html"));
        assert!(String::from_utf8_lossy(&a.body).contains("shell"));
    }
    // An address that is no page (or no such service or agency) gets the
    // shell too, where the app shows its not-found page, with a 404.
    for uri in ["/no/such/page", "/services/no-such-service", "/agencies/nope"] {
        let a = get(&app, uri).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(a.header("cache-control"), "no-cache", "{uri}");
        assert!(a.header("content-type").starts_with("text/html"));
        assert!(String::from_utf8_lossy(&a.body).contains("shell"));
    }
    let a = get(&app, "/panjere-app-0123456789abcdef.js").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.header("cache-control"), "public, max-age=31536000, immutable");
    assert_eq!(a.body, b"console.log('plain')");
    // precompressed brotli is served when accepted
    let req = Request::get("/panjere-app-0123456789abcdef.js").header(header::ACCEPT_ENCODING, "gzip, br").body(Body::empty()).unwrap();
    let a = send(&app, req).await;
    assert_eq!(a.header("content-encoding"), "br");
    assert_eq!(a.body, b"BROTLI");
    // A page's HTML is compressed when accepted; a font never is.
    let req = Request::get("/agencies").header(header::ACCEPT_ENCODING, "br").body(Body::empty()).unwrap();
    let a = send(&app, req).await;
    assert_eq!((a.status, a.header("content-encoding")), (StatusCode::OK, "br"));
    let mut html = String::new();
    std::io::Read::read_to_string(&mut brotli::Decompressor::new(&a.body[..], 4096), &mut html).unwrap();
    assert!(html.contains("shell"), "{html}");
    let req = Request::get("/fonts/Vazirmatn-Regular.woff2").header(header::ACCEPT_ENCODING, "br, gzip").body(Body::empty()).unwrap();
    assert!(send(&app, req).await.headers.get("content-encoding").is_none());
    let a = get(&app, "/fonts/Vazirmatn-Regular.woff2").await;
    assert_eq!(a.header("cache-control"), "public, max-age=86400");
    let a = get(&app, "/missing-0123456789abcdef.js").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

/// A direct visit to a citizen's page: its heading painted for the
/// signed-in citizen, never kept by a cache; anyone else sent to sign in and
/// back by the server itself, unless the browser would not have sent the
/// (`SameSite=Strict`) cookie, a link from another site: then the app finds
/// out.
#[tokio::test]
async fn a_citizens_page_is_painted_for_them_and_anyone_else_is_sent_to_sign_in() {
    let portal = test_app(true).await;
    let app = &portal.app;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let visit = |cookie: Option<String>, path: &str, site: Option<&'static str>| {
        let mut req = http.get(format!("{}{path}", app.base));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        if let Some(s) = site {
            req = req.header("sec-fetch-site", s);
        }
        async move {
            let res = req.send().await.unwrap();
            let (status, headers) = (res.status().as_u16(), res.headers().clone());
            (status, headers, res.text().await.unwrap())
        }
    };
    let location = |h: &reqwest::header::HeaderMap| h.get("location").map(|l| l.to_str().unwrap().to_owned());
    let heading = |title: &str| format!("<h1 class=\"shell-title\">{title}</h1>");
    let requests_title = "درخواست‌های من";

    // Signed out: to sign in, and back here with the query.
    for site in [None, Some("none"), Some("same-origin")] {
        let (status, headers, _) = visit(None, "/requests?status=done", site).await;
        assert_eq!(status, 303, "{site:?}");
        assert_eq!(location(&headers).as_deref(), Some("/sign-in?next=%2Frequests%3Fstatus%3Ddone"), "{site:?}");
        assert_eq!(headers["cache-control"], "no-store");
    }
    // From another site the cookie is never sent: the shell, unpainted.
    let (status, headers, body) = visit(None, "/requests", Some("cross-site")).await;
    assert_eq!((status, location(&headers)), (200, None));
    assert!(body.contains("<title>پنجره</title>") && !body.contains("<h1"), "{body}");

    // Signed in: the page's heading, painted; not cached.
    let mut b = app.citizen(crate::helpers::ADULT).await;
    let cookie = b.cookie.clone();
    let (status, headers, body) = visit(cookie.clone(), "/requests", Some("same-origin")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["cache-control"], "private, no-store");
    assert!(body.contains(&format!("<div class=\"wrap narrow\" data-painted>{}", heading(requests_title))), "{body}");
    assert!(body.contains(&format!("<title>{requests_title} | پنجره</title>")), "{body}");
    // Their payments (none yet), read and painted.
    let (status, _, body) = visit(cookie.clone(), "/payments", None).await;
    assert!(status == 200 && body.contains("<p class=\"empty\">هنوز از راه پنجره پرداختی نکرده‌اید.</p>"), "{body}");
    // Their inbox (empty), read and painted.
    let (status, _, body) = visit(cookie.clone(), "/inbox", None).await;
    assert!(status == 200 && body.contains("<div class=\"inbox-list\"><p class=\"empty\">هنوز پیامی ندارید.</p></div>"), "{body}");
    // A request and a payment of theirs: their receipts, read and painted.
    let r = b.apply_for_passport().await;
    let (status, _, body) = visit(cookie.clone(), &format!("/requests/{}", r["id"].as_str().unwrap()), None).await;
    assert_eq!(status, 200);
    let code = r["tracking_code"].as_str().unwrap();
    assert!(body.contains("<div class=\"wrap narrow\" data-painted><div class=\"receipt-top\"><h1>درخواست شما</h1>"), "{body}");
    assert!(body.contains(&format!("<dd dir=\"ltr\" class=\"code\">{code}</dd>")) && body.contains("id=\"timeline\""), "{body}");
    assert!(body.contains("<ul class=\"session-list\" id=\"request-payments\">"), "its fee's payment: {body}");
    let (status, _, body) = visit(cookie.clone(), &format!("/payments/{}", r["payments"][0]["id"].as_str().unwrap()), None).await;
    assert_eq!(status, 200);
    assert!(
        body.contains(
            "<div class=\"receipt-top\"><div class=\"panel-confirmation\" role=\"status\" id=\"payment-state\" data-state=\"success\">"
        ),
        "{body}"
    );
    // Their profile, from the registry: one call, audited once, and the
    // data the page was painted from for the app to take.
    let before = b.get("/api/me/data-use").await.body["items"].as_array().map_or(0, Vec::len);
    let (status, _, body) = visit(cookie.clone(), "/me", None).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("<div class=\"profile-details\"><dl class=\"summary-list\" id=\"profile\">") && body.contains("id=\"page-data\""),
        "{body}"
    );
    // (The audit is written a moment after the call.)
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut after = before;
    while after == before && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        after = b.get("/api/me/data-use").await.body["items"].as_array().map_or(0, Vec::len);
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let after = b.get("/api/me/data-use").await.body["items"].as_array().map_or(0, Vec::len);
    assert_eq!(after, before + 1, "one registry call for the painted profile");
    // None such (or another citizen's): the shell, for the app to say so.
    for path in ["/requests/REQ-1", "/payments/PAY-1"] {
        let (status, _, body) = visit(cookie.clone(), path, None).await;
        assert!(status == 200 && !body.contains("<h1") && !body.contains("data-painted"), "{body}");
    }
    // A public page is painted as it always is, whoever asks.
    let (status, headers, body) = visit(cookie.clone(), "/track", None).await;
    assert_eq!((status, headers["cache-control"].to_str().unwrap()), (200, "no-cache"));
    assert!(body.contains("shell-title"), "{body}");

    // Signed out (the session ended): to sign in again.
    assert_eq!(b.post("/api/auth/sign-out", serde_json::json!({})).await.status, 204);
    let (status, headers, _) = visit(cookie, "/me", None).await;
    assert_eq!((status, location(&headers).as_deref()), (303, Some("/sign-in?next=%2Fme")));
}

#[tokio::test]
async fn without_a_client_build_the_api_still_works() {
    let app = test_app(false).await;
    let a = get(&app, "/").await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(String::from_utf8_lossy(&a.body).contains("cargo xtask run"));
    assert_eq!(get(&app, "/api/health").await.status, StatusCode::OK);
}

#[tokio::test]
async fn migrations_create_an_append_only_audit_log() {
    let data = tempfile::tempdir().unwrap();
    let pool = db::open(data.path()).await.unwrap();
    sqlx::query("INSERT INTO audit_log (at, request_id, agency, operation, outcome, latency_ms) VALUES ('2026-01-01T00:00:00Z', 'r', 'tax', 'op', 'ok', 3)").execute(&pool).await.unwrap();
    assert!(sqlx::query("UPDATE audit_log SET outcome = 'error'").execute(&pool).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_log").execute(&pool).await.is_err());
    // reopening applies nothing twice and keeps the data
    drop(pool);
    let pool = db::open(data.path()).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 1);
}

/// A JSON write as the app sends it (same origin).
fn post_json(uri: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::HOST, "panjere.test")
        .header(header::ORIGIN, "http://panjere.test")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// A malformed body, query or path answers the documented error body
/// (never axum's plain text), naming what is wrong; unknown fields in a
/// body are refused rather than silently dropped.
#[tokio::test]
async fn malformed_bodies_queries_and_paths_get_the_apps_error() {
    let app = test_app(false).await;
    let error = |a: &Answer| {
        assert_eq!(a.header("content-type"), "application/json", "{}", String::from_utf8_lossy(&a.body));
        let j = a.json();
        assert!(j["error"]["request_id"].as_str().is_some_and(|id| !id.is_empty()), "{j}");
        j
    };
    // Body: not JSON at all, the wrong shape, a misspelt field.
    let a = send(&app, post_json("/api/auth/start", "{\"national_code\": ")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let j = error(&a);
    assert_eq!((j["error"]["code"].as_str(), j["error"]["parameter"].as_str()), (Some("bad_body"), Some("body")));
    let a = send(&app, post_json("/api/auth/start", "{\"national_code\": 76229645, \"mobile\": \"09121111111\"}")).await;
    assert_eq!((a.status, error(&a)["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_body")));
    let a = send(&app, post_json("/api/auth/start", "{\"national_code\": \"0076229645\", \"mobil\": \"09121111111\"}")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let j = error(&a);
    assert_eq!(j["error"]["code"], "bad_body");
    assert!(j["error"]["message"].as_str().unwrap().contains("mobil"), "names the unknown field: {j}");
    let a = send(&app, post_json("/api/auth/verify", "{\"code\": \"123456\", \"remember\": true}")).await;
    assert_eq!((a.status, error(&a)["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_body")));
    // Query: a required parameter missing, an unknown one.
    let a = get(&app, "/api/track/ABC").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let j = error(&a);
    assert_eq!((j["error"]["code"].as_str(), j["error"]["parameter"].as_str()), (Some("bad_parameter"), Some("national_code")));
    let a = get(&app, "/api/track/ABC?national_code=0076229645&nationl=1").await;
    let j = error(&a);
    assert_eq!((a.status, j["error"]["parameter"].as_str()), (StatusCode::BAD_REQUEST, Some("nationl")));
    // Path: not UTF-8 once decoded.
    let a = get(&app, "/api/catalog/services/%FF%FE").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let j = error(&a);
    assert_eq!((j["error"]["code"].as_str(), j["error"]["parameter"].as_str()), (Some("bad_parameter"), Some("path")));
}
