//! `GET /api/lookup/{operation}`: public inquiries (data about no person,
//! such as a postal code's address), answered by the agency through the
//! gateway. Operations about a person need a signed-in citizen.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use panjere_api::{ErrorBody, LookupAnswer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::rfc3339;
use crate::error::AppError;
use crate::gateway::registry::BuildError;
use crate::gateway::{CallContext, GatewayError};
use crate::request_id::current_request_id;
use crate::routes::answer::{Asked, Passed};
use crate::routes::extract::{AppPath, QueryPairs};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(lookup))
}

/// Calls a public operation (`post.address?postal_code=…`,
/// `customs.declaration?number=…`); parameters are validated by type.
#[utoipa::path(get, path = "/api/lookup/{operation}", tag = "gateway",
    params(("operation" = String, Path, description = "A public operation id, e.g. post.address")),
    responses(
        (status = 200, description = "The agency's answer", body = LookupAnswer),
        (status = 400, description = "A missing, unknown or invalid parameter", body = ErrorBody),
        (status = 404, description = "No such public operation, or no such record", body = ErrorBody),
        (status = 502, description = "The agency failed or answered badly", body = ErrorBody),
        (status = 503, description = "The agency is unavailable or busy", body = ErrorBody),
        (status = 504, description = "The agency did not answer in time", body = ErrorBody)
    ))]
async fn lookup(
    State(state): State<AppState>,
    AppPath(operation): AppPath<String>,
    QueryPairs(params): QueryPairs,
) -> Result<Response, AppError> {
    let g = state.gateway();
    g.registry()
        .operations
        .get(&operation)
        .filter(|o| o.public)
        .ok_or_else(|| GatewayError::Build(BuildError::UnknownOperation(operation.clone())))?;
    let ctx = CallContext { request_id: current_request_id().unwrap_or_default(), citizen: None, requested_by: None };
    let (agency, result) = g.call_raw(&operation, &params, &ctx).await?;
    Ok(Passed {
        asked: Asked::Operation(&operation),
        agency: &agency,
        agency_name: state.catalog().agency_name_json(&agency),
        answered_at: rfc3339(state.clock().now()),
        result: &result,
    }
    .into_response())
}
