//! Panjere's server: serves the client, answers the JSON API, and (in later
//! modules) keeps sessions and is the gateway to the agencies.

pub mod catalog;
pub mod config;
pub mod db;
pub mod error;
pub mod gateway;
pub mod jalali;
pub mod request_id;
pub mod routes;
pub mod state;
pub mod web;

use axum::middleware;
use axum::Router;

pub use state::AppState;

/// The whole application: API and static client, with request ids and
/// security headers on every response.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(routes::router())
        .merge(web::router())
        .layer(middleware::from_fn_with_state(state.clone(), web::security_headers))
        .layer(middleware::from_fn(request_id::middleware))
        .with_state(state)
}

/// Now, as an RFC 3339 UTC timestamp (seconds).
pub fn now_rfc3339() -> String {
    panjere_api::time::rfc3339(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0))
}

/// Builds the gateway from the configuration: registry, SQLite audit log,
/// display names from the catalog.
pub fn build_gateway(
    config: &config::Config,
    catalog: &catalog::Catalog,
    pool: sqlx::SqlitePool,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<std::sync::Arc<gateway::Gateway>, String> {
    let development = config.mode != config::Mode::Production;
    let registry = gateway::registry::Registry::load(&config.agencies_file, &config.operations_file, env, development)?;
    let key = match env("PANJERE_PSEUDONYM_KEY") {
        Some(k) => k,
        None if development => "dev-pseudonym-key".to_owned(),
        None => return Err("set PANJERE_PSEUDONYM_KEY (the key citizen pseudonyms are derived with)".into()),
    };
    let audit = std::sync::Arc::new(gateway::audit::SqliteAudit::start(pool));
    let names = |id: &str| {
        catalog
            .agency_name(id)
            .cloned()
            .or_else(|| registry.agencies.get(id).and_then(|a| a.name.clone()))
            .unwrap_or_else(|| panjere_api::Text { fa: id.to_owned(), en: id.to_owned() })
    };
    gateway::Gateway::new(registry.clone(), audit, &key, &names).map(std::sync::Arc::new)
}

/// Sets up structured logging (JSON lines by default).
pub fn init_tracing(format: config::LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("PANJERE_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        config::LogFormat::Json => builder.json().with_current_span(true).with_span_list(false).init(),
        config::LogFormat::Pretty => builder.init(),
    }
}
