//! The public accountability figures and their open-data downloads.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use panjere_api::stats::Stats;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::AppError;
use crate::state::AppState;

/// The figures follow the agencies' live connections: ten seconds in caches.
const CACHE: &str = "public, max-age=10";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stats)).routes(routes!(stats_download)).routes(routes!(agencies_csv)).routes(routes!(datapackage))
}

async fn current(state: &AppState) -> Result<Stats, AppError> {
    let usage = state.stores().usage.usage().await?;
    let smart = state.stores().smart.usage().await?;
    let payments = state.stores().payments.figures().await?;
    let verified = crate::verify::verify(state.catalog(), state.gateway(), &state.smart().rules);
    Ok(crate::stats::compute(state.catalog(), &verified, &usage, &smart, &payments, state.clock().now()))
}

/// Every figure of the accountability dashboard, computed now from the
/// catalog and the database: nationwide figures, the law's targets with
/// their verdicts, agencies by stage, and each agency's figures.
#[utoipa::path(get, path = "/api/stats", tag = "stats", responses((status = 200, description = "The figures", body = Stats)))]
async fn stats(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    Ok(([(header::CACHE_CONTROL, CACHE)], Json(current(&state).await?)))
}

/// The same figures as a JSON download (open data).
#[utoipa::path(get, path = "/api/stats.json", tag = "stats", responses((status = 200, description = "The figures, as a file", body = Stats)))]
async fn stats_download(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let stats = current(&state).await?;
    let name = format!("attachment; filename=\"panjere-stats-{}.json\"", stats.today);
    Ok(([(header::CACHE_CONTROL, CACHE.to_owned()), (header::CONTENT_DISPOSITION, name)], Json(stats)))
}

/// Each agency's figures and verdicts as CSV (RFC 4180, UTF-8); the columns
/// are described in `/api/stats/datapackage.json`.
#[utoipa::path(get, path = "/api/stats/agencies.csv", tag = "stats", responses((status = 200, description = "One row per agency", content_type = "text/csv", body = String)))]
async fn agencies_csv(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let stats = current(&state).await?;
    let name = format!("attachment; filename=\"panjere-agencies-{}.csv\"", stats.today);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CACHE_CONTROL, CACHE.to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        crate::stats::agencies_csv(&stats),
    ))
}

/// The open data's schema: a Frictionless Data Package naming each CSV
/// column with its type and meaning.
#[utoipa::path(get, path = "/api/stats/datapackage.json", tag = "stats", responses((status = 200, description = "Data Package descriptor", body = Object)))]
async fn datapackage() -> impl IntoResponse {
    ([(header::CACHE_CONTROL, CACHE)], Json(crate::stats::datapackage()))
}
