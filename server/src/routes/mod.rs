//! The JSON API under `/api`, documented by the OpenAPI document it serves
//! at `/api/openapi.json`. Routes and their documentation are registered
//! together (utoipa-axum), so the document cannot list a route that does not
//! exist or miss one that does.

pub mod auth;
pub mod callbacks;
pub mod catalog;
pub mod drafts;
pub mod extract;
pub mod health;
pub mod inquiry;
pub mod lookup;
pub mod me;
pub mod requests;
pub mod stats;
pub mod status;

use axum::http::Uri;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use tower_sessions::SessionManagerLayer;

use crate::auth::DynStore;
use crate::error::AppError;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Panjere API",
        description = "The JSON API of Panjere, the national single window for smart government services. \
                       Every error answers `{\"error\": {\"code\", \"message\", \"parameter\"?, \"request_id\"?}}`; \
                       every response carries an `X-Request-Id` header.",
        license(name = "MIT")
    ),
    tags(
        (name = "catalog", description = "The public catalog of agencies and services"),
        (name = "gateway", description = "The gateway to the agencies"),
        (name = "requests", description = "Using a service: inquiries, drafts, requests with tracking codes, inbox, data use"),
        (name = "auth", description = "Citizen sign-in and sessions. State-changing requests must be same-origin \
                                       (Sec-Fetch-Site or Origin) and JSON, or they are refused with 403 / 415"),
        (name = "stats", description = "The public accountability figures and their open data (CSV, JSON, Data Package)"),
        (name = "system", description = "Health and documentation")
    )
)]
pub struct ApiDoc;

/// The API routes with their OpenAPI document; `sessions` wraps the routes
/// that use the citizen's session (and only those: the catalog never loads
/// one).
pub fn api(sessions: SessionManagerLayer<DynStore>) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::router())
        .merge(catalog::router())
        .merge(status::router())
        .merge(stats::router())
        .merge(lookup::router())
        .merge(callbacks::router())
        .merge(
            auth::router()
                .merge(me::router())
                .merge(inquiry::router())
                .merge(drafts::router())
                .merge(requests::router())
                // Nothing about a citizen is kept by a browser or proxy cache.
                .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
                    axum::http::header::CACHE_CONTROL,
                    axum::http::HeaderValue::from_static("no-store"),
                ))
                .layer(sessions),
        )
        .split_for_parts()
}

/// `/api/…` with the document and a JSON 404 for unknown API paths.
pub fn router(sessions: SessionManagerLayer<DynStore>) -> Router<AppState> {
    let (routes, doc) = api(sessions);
    routes
        .route("/api/openapi.json", get(move || async move { Json(doc.clone()) }))
        .route("/api/{*rest}", get(no_route).post(no_route).put(no_route).delete(no_route))
        // JSON compresses well (the search index ~8×): brotli or gzip as accepted.
        .layer(tower_http::compression::CompressionLayer::new().br(true).gzip(true))
}

async fn no_route(uri: Uri) -> AppError {
    AppError::NoRoute(uri.path().to_owned())
}
