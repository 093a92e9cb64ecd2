//! `GET /api/health`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use panjere_api::Health;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// Version and status of the server and its database: 503 when the
/// database does not answer, so a load balancer takes this instance out.
#[utoipa::path(get, path = "/api/health", tag = "system",
    responses((status = 200, description = "Serving", body = Health), (status = 503, description = "The database does not answer", body = Health)))]
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database = state.stores().database.ping().await;
    let code = if database { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (
        code,
        Json(Health {
            status: if database { "ok" } else { "degraded" }.to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            database,
            agencies: state.catalog().agencies().len(),
            services: state.catalog().service_count(),
        }),
    )
}
