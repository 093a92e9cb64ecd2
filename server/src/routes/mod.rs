//! The JSON API under `/api`, documented by the OpenAPI document it serves
//! at `/api/openapi.json`. Routes and their documentation are registered
//! together (utoipa-axum), so the document cannot list a route that does not
//! exist or miss one that does.

pub mod answer;
pub mod auth;
pub mod callbacks;
pub mod catalog;
pub mod drafts;
pub mod extract;
pub mod health;
pub mod inquiry;
pub mod lookup;
pub mod me;
pub mod offers;
pub mod pages;
pub mod payments;
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
    // Reached only through a generic parameter (`Service<F = Form>`).
    components(schemas(panjere_api::forms::Form)),
    tags(
        (name = "catalog", description = "The public catalog of agencies and services"),
        (name = "gateway", description = "The gateway to the agencies"),
        (name = "requests", description = "Using a service: inquiries, drafts, requests with tracking codes, inbox, data use"),
        (name = "auth", description = "Citizen sign-in and sessions. State-changing requests must be same-origin \
                                       (Sec-Fetch-Site or Origin) and JSON, or they are refused with 403 / 415"),
        (name = "payments", description = "Paying fees, fines and bills through the window's payment provider; receipts and refunds"),
        (name = "smart", description = "Proactive offers and automatic deliveries started by life events, and the citizen's opt-outs"),
        (name = "stats", description = "The public accountability figures and their open data (CSV, JSON, Data Package)"),
        (name = "system", description = "Health and documentation")
    )
)]
pub struct ApiDoc;

/// The API routes with their OpenAPI document; `sessions` wraps the routes
/// that use the citizen's session (and only those: the catalog never loads
/// one).
pub fn api(sessions: SessionManagerLayer<DynStore>) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::router())
        .merge(catalog::router())
        .merge(status::router())
        .merge(stats::router())
        .merge(lookup::router())
        .merge(callbacks::router())
        .merge(payments::public_router())
        .layer(compression())
        .merge(
            auth::router()
                .merge(me::router())
                .merge(inquiry::router())
                .merge(drafts::router())
                .merge(requests::router())
                .merge(offers::router())
                .merge(payments::router())
                // One layer, not three: a router wraps each route in every
                // layer added to it, each cloned and boxed per request.
                .layer(
                    tower::ServiceBuilder::new()
                        .layer(compression())
                        .layer(sessions)
                        // Nothing about a citizen is kept by a browser or proxy cache.
                        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
                            axum::http::header::CACHE_CONTROL,
                            axum::http::HeaderValue::from_static("no-store"),
                        )),
                ),
        )
        .split_for_parts();
    common_responses(&mut doc);
    (routes, doc)
}

/// The answers every operation can give whatever it does, added where an
/// operation does not document them itself: 503 when the database or the
/// session store is unreachable (or the instance is at its connection
/// limit); 400 for a malformed or unknown query parameter where an
/// operation takes any; for state-changing requests, 403 from another site; for those
/// with a body, 400, 408, 413 and 415 for a body that is malformed, too
/// slow, too large or not JSON. All in the documented error body.
fn common_responses(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let error = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
            .build()
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let signed_callback = callbacks::is_signed(path);
        let operations =
            [(&mut item.get, false), (&mut item.post, true), (&mut item.put, true), (&mut item.delete, true), (&mut item.patch, true)];
        for (operation, changes_state) in operations {
            let Some(op) = operation.as_mut() else { continue };
            let has_body = op.request_body.is_some();
            let mut add = |status: &str, description: &str| {
                op.responses.responses.entry(status.to_owned()).or_insert_with(|| error(description).into());
            };
            add("503", "unavailable: the database or session store cannot be reached, or too_many_connections (see Retry-After)");
            let has_query = op.parameters.iter().flatten().any(|p| p.parameter_in == utoipa::openapi::path::ParameterIn::Query);
            if has_query {
                add("400", "bad_parameter: an unknown, repeated or malformed query parameter (parameter names it)");
            }
            if changes_state && !signed_callback {
                add("403", "cross_site: not from this site's own pages (Sec-Fetch-Site or Origin)");
            }
            if has_body {
                add("400", "bad_body: the body is not the documented JSON");
                add("408", "request_timeout: the body did not arrive in time");
                add("413", "too_large: the body is larger than allowed");
                if !signed_callback {
                    add("415", "not_json: a body not sent as JSON");
                }
            }
        }
    }
}

/// `/api/…` with the document and a JSON 404 for unknown API paths.
pub fn router(sessions: SessionManagerLayer<DynStore>) -> Router<AppState> {
    let (routes, doc) = api(sessions);
    routes
        .route("/api/openapi.json", get(move || async move { Json(doc.clone()) }).layer(compression()))
        .route("/api/{*rest}", get(no_route).post(no_route).put(no_route).delete(no_route))
        .method_not_allowed_fallback(not_allowed)
}

/// JSON compresses well (the search index ~8×): brotli or gzip as accepted,
/// and nothing done for a client that accepts neither. Added to each group
/// of routes with that group's other layers.
fn compression() -> crate::compress::AsAcceptedLayer<tower_http::compression::DefaultPredicate> {
    crate::compress::AsAcceptedLayer::new(tower_http::compression::CompressionLayer::new().br(true).gzip(true))
}

/// 405 in the documented error body (axum adds the `Allow` header).
async fn not_allowed(method: axum::http::Method) -> AppError {
    AppError::MethodNotAllowed(method.to_string())
}

async fn no_route(uri: Uri) -> AppError {
    AppError::NoRoute(uri.path().to_owned())
}
