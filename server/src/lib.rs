//! Panjere's server: serves the client, answers the JSON API, and (in later
//! modules) keeps sessions and is the gateway to the agencies.

pub mod catalog;
pub mod config;
pub mod db;
pub mod error;
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
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::security_headers,
        ))
        .layer(middleware::from_fn(request_id::middleware))
        .with_state(state)
}

/// Sets up structured logging (JSON lines by default).
pub fn init_tracing(format: config::LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("PANJERE_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        config::LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        config::LogFormat::Pretty => builder.init(),
    }
}
