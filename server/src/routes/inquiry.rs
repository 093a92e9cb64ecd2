//! `POST /api/services/{id}/inquiry`: an inquiry answered at once by the
//! agency, through the gateway, with the form's values checked first.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use panjere_api::forms::check_form;
use panjere_api::requests::{InquiryAnswer, InquiryRequest};
use panjere_api::{ErrorBody, ServiceKind};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::rfc3339;
use crate::error::AppError;
use crate::gateway::CallContext;
use crate::request_id::current_request_id;
use crate::routes::answer::{Asked, Passed};
use crate::routes::extract::{AppJson, AppPath, Citizen};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(inquiry))
}

#[utoipa::path(post, path = "/api/services/{id}/inquiry", tag = "requests", params(("id" = String, Path)), request_body = InquiryRequest,
    responses((status = 200, description = "The agency's answer", body = InquiryAnswer),
              (status = 400, description = "Not an inquiry usable through the window", body = ErrorBody),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such service, or the agency has no such record", body = ErrorBody),
              (status = 422, description = "invalid_form: `fields` gives each field's error", body = ErrorBody),
              (status = 502, description = "The agency failed", body = ErrorBody),
              (status = 503, description = "The agency is unavailable", body = ErrorBody),
              (status = 504, description = "The agency did not answer in time", body = ErrorBody)))]
async fn inquiry(
    State(state): State<AppState>,
    citizen: Citizen,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<InquiryRequest>,
) -> Result<Response, AppError> {
    let service = state.catalog().service(&id).ok_or_else(|| AppError::NotFound { what: "service", id: id.clone() })?;
    let (Some(form), ServiceKind::Inquiry) = (&service.form, service.kind) else {
        return Err(AppError::bad_parameter("service", "this service is not an inquiry usable through the window"));
    };
    let (ok, errors) = check_form(form, &req.values, None);
    if !errors.is_empty() {
        return Err(AppError::InvalidForm(errors));
    }
    let op = form.operation.as_deref().unwrap_or_default();
    let params = crate::requests::params_for(&form.params, &citizen.data.national_code, &ok);
    let ctx = CallContext {
        request_id: current_request_id().unwrap_or_default(),
        citizen: Some(citizen.pseudonym().to_owned()),
        requested_by: None,
    };
    let (_, result) = state.gateway().call_raw(op, &params, &ctx).await?;
    Ok(Passed {
        asked: Asked::Service(&id),
        agency: &service.agency,
        agency_name: state.catalog().agency_name_json(&service.agency),
        answered_at: rfc3339(state.clock().now()),
        result: &result,
    }
    .into_response())
}
