//! `GET /api/health`.

use axum::extract::State;
use axum::Json;
use panjere_api::Health;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// Version and status of the server and its database.
#[utoipa::path(get, path = "/api/health", tag = "system", responses((status = 200, description = "Status", body = Health)))]
async fn health(State(state): State<AppState>) -> Json<Health> {
    let database = state.stores().database.ping().await;
    Json(Health {
        status: if database { "ok" } else { "degraded" }.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database,
        agencies: state.catalog().agencies().len(),
        services: state.catalog().service_count(),
    })
}
