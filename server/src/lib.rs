//! Panjere's server: serves the client, answers the JSON API, keeps
//! citizens' sessions and is the only gateway to the agencies.

pub mod auth;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod csrf;
pub mod db;
pub mod error;
pub mod gateway;
pub mod jalali;
pub mod payments;
pub mod rand;
pub mod redis;
pub mod request_id;
pub mod requests;
pub mod routes;
pub mod serve;
pub mod smart;
pub mod sql;
pub mod startup;
pub mod state;
pub mod stats;
pub mod stores;
pub mod verify;
pub mod web;

use axum::middleware;
use axum::Router;

pub use startup::{build_state, spawn_background, StartupError};
pub use state::AppState;

/// The whole application: API and static client, with request ids and
/// security headers on every response.
pub fn app(state: AppState) -> Router {
    // Names are checked in the configuration; the fallback never applies.
    let instance = axum::http::HeaderValue::from_str(state.instance()).unwrap_or(axum::http::HeaderValue::from_static("panjere"));
    Router::new()
        .merge(routes::router(state.auth().layer()))
        .merge(web::router())
        .layer(middleware::from_fn(csrf::middleware))
        .layer(middleware::from_fn_with_state(state.web(), web::security_headers))
        .layer(middleware::from_fn(request_id::scope))
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            axum::http::HeaderName::from_static("x-panjere-instance"),
            instance,
        ))
        .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
        .layer(request_id::set_layer())
        .layer(middleware::map_request(request_id::drop_unacceptable))
        .with_state(state)
}
