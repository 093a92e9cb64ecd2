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

/// Version and status of the server, its database and Redis: 503 when the
/// database or Redis (if used) does not answer, so a load balancer takes
/// this instance out.
#[utoipa::path(get, path = "/api/health", tag = "system",
    responses((status = 200, description = "Serving", body = Health),
              (status = 503, description = "The database or Redis does not answer", body = Health)))]
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let stores = state.stores();
    let (database, redis) = match &stores.redis {
        Some(r) => {
            let (d, r) = tokio::join!(stores.database.ping(), r.ping());
            (d, Some(r))
        }
        None => (stores.database.ping().await, None),
    };
    let ok = database && redis != Some(false);
    let code = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (
        code,
        Json(Health {
            status: if ok { "ok" } else { "degraded" }.to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            database,
            engine: stores.database.engine().to_owned(),
            redis,
            limits: stores.limits.kind().to_owned(),
            agencies: state.catalog().agencies().len(),
            services: state.catalog().service_count(),
        }),
    )
}
