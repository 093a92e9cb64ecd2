//! Panjere's server: serves the client, answers the JSON API, and (in later
//! modules) keeps sessions and is the gateway to the agencies.

pub mod auth;
pub mod catalog;
pub mod config;
pub mod csrf;
pub mod db;
pub mod error;
pub mod gateway;
pub mod hex;
pub mod jalali;
pub mod rand;
pub mod request_id;
pub mod requests;
pub mod routes;
pub mod serve;
pub mod state;
pub mod stats;
pub mod web;

use axum::middleware;
use axum::Router;

pub use state::AppState;

/// The whole application: API and static client, with request ids and
/// security headers on every response.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(routes::router(state.auth().layer()))
        .merge(web::router())
        .layer(middleware::from_fn(csrf::middleware))
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
    catalog::forms::check_operations(catalog, &registry)?;
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

/// Sign-in and sessions on the embedded database: the tower-sessions
/// SQLite store (its table created if missing) and the sign-in records.
pub async fn build_auth(
    config: &config::Config,
    pool: sqlx::SqlitePool,
    clock: std::sync::Arc<dyn auth::Clock>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<auth::Auth, String> {
    let production = config.mode == config::Mode::Production;
    let key = match env("PANJERE_OTP_KEY") {
        Some(k) => k,
        None if !production => "dev-otp-key".to_owned(),
        None => return Err("set PANJERE_OTP_KEY (the key one-time codes are hashed with)".into()),
    };
    let sessions = tower_sessions_sqlx_store::SqliteStore::new(pool.clone());
    sessions.migrate().await.map_err(|e| format!("session store: {e}"))?;
    let secure = config.auth.cookie_secure.unwrap_or(production);
    Ok(auth::Auth::new(
        config.auth.clone(),
        secure,
        std::sync::Arc::new(auth::store::SqliteAuthStore::new(pool)),
        auth::DynStore(std::sync::Arc::new(sessions)),
        clock,
        &key,
    ))
}

/// Deletes expired sessions from the SQLite store every few minutes.
pub fn spawn_session_cleanup(pool: sqlx::SqlitePool) {
    use tower_sessions::ExpiredDeletion;
    let store = tower_sessions_sqlx_store::SqliteStore::new(pool);
    tokio::spawn(async move {
        if let Err(e) = store.continuously_delete_expired(std::time::Duration::from_secs(300)).await {
            tracing::error!(error = %e, "expired-session cleanup stopped");
        }
    });
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
