//! `GET /api/status`: how every agency's connection is doing.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use panjere_api::StatusReport;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(status))
}

/// Per agency: up / degraded / down, breaker state, recent p50 and p95
/// latency, last success.
#[utoipa::path(get, path = "/api/status", tag = "gateway", responses((status = 200, description = "Agencies' connection status", body = StatusReport)))]
async fn status(State(state): State<AppState>) -> impl IntoResponse {
    let report = StatusReport { agencies: state.gateway().status(), checked_at: crate::clock::rfc3339(state.clock().now()) };
    ([(header::CACHE_CONTROL, "no-store")], Json(report))
}
