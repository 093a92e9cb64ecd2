//! Panjere's server: serves the client, answers the JSON API, keeps
//! citizens' sessions and is the only gateway to the agencies.

pub mod auth;
pub mod catalog;
pub mod clock;
pub mod compress;
pub mod config;
pub mod csrf;
pub mod db;
pub mod edge;
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

use axum::Router;

pub use startup::{build_state, spawn_background, StartupError};

/// A map on the request path keyed by what the window itself loaded
/// (operation, agency and service ids; connection pools' ids): hashed with
/// foldhash, several times cheaper per lookup than the standard SipHash,
/// and still seeded per map.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub use state::AppState;

/// The whole application: API and static client, with request ids,
/// cross-site checks and security headers on every request and answer
/// ([`edge::Edge`], around the router as one service, not layered on each
/// route).
pub fn app(state: AppState) -> App {
    // Names are checked in the configuration; the fallback never applies.
    let instance = axum::http::HeaderValue::from_str(state.instance()).unwrap_or(axum::http::HeaderValue::from_static("panjere"));
    let csp = state.web().csp();
    let routes = Router::new()
        .merge(routes::router(state.auth().layer()))
        .merge(web::router(state.auth().layer(), routes::pages::citizen_pages(state.clone())))
        .with_state(state);
    edge::Edge::new(routes, instance, csp)
}

/// The whole application as one service: [`app`].
pub type App = edge::Edge<Router>;
