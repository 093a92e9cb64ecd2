//! The citizen's proactive offers and automatic deliveries (accept with
//! one action, decline), and their choices about being offered at all.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use panjere_api::smart::{AcceptOffer, Offer, Offers, ProactiveChoices, ProactivePrefs, ProactiveService};
use panjere_api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::AppError;
use crate::routes::extract::{AppJson, AppPath, Citizen};
use crate::smart::AcceptError;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(one))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(choices, set_choices))
}

/// The citizen's offers and automatic deliveries, newest first.
#[utoipa::path(get, path = "/api/offers", tag = "smart",
    responses((status = 200, description = "Offers", body = Offers), (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn list(State(state): State<AppState>, citizen: Citizen) -> Result<Json<Offers>, AppError> {
    let smart = state.smart();
    let mut items = Vec::new();
    for o in smart.store.offers_of(citizen.pseudonym()).await? {
        items.push(smart.view(&o).await?);
    }
    Ok(Json(Offers { items }))
}

async fn own(state: &AppState, citizen: &Citizen, id: &str) -> Result<crate::smart::store::OfferRow, AppError> {
    state
        .smart()
        .store
        .offer(id)
        .await?
        .filter(|o| o.citizen == citizen.pseudonym())
        .ok_or_else(|| AppError::NotFound { what: "offer", id: id.to_owned() })
}

/// One offer: the event that triggered it, what was read, what is
/// pre-filled, what the citizen chooses; once accepted, each part's request.
#[utoipa::path(get, path = "/api/offers/{id}", tag = "smart", params(("id" = String, Path)),
    responses((status = 200, description = "The offer", body = Offer), (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such offer of this citizen", body = ErrorBody)))]
async fn one(State(state): State<AppState>, citizen: Citizen, AppPath(id): AppPath<String>) -> Result<Json<Offer>, AppError> {
    Ok(Json(seen_by(&state, &citizen, &id).await?))
}

/// The citizen's own offer `id` as its page shows it, marked seen (another
/// citizen's is not found).
pub async fn seen_by(state: &AppState, citizen: &Citizen, id: &str) -> Result<Offer, AppError> {
    let o = own(state, citizen, id).await?;
    state.smart().store.mark_seen(&o.id, citizen.pseudonym(), state.clock().now()).await?;
    Ok(state.smart().view(&o).await?)
}

/// Accepts an offer: one request per service, bundled under one tracking
/// code, each forwarded to its agency. Accepting again answers the same.
#[utoipa::path(post, path = "/api/offers/{id}/accept", tag = "smart", params(("id" = String, Path)), request_body = AcceptOffer,
    responses((status = 200, description = "Accepted: the offer with its requests", body = Offer),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such offer of this citizen", body = ErrorBody),
              (status = 409, description = "The offer was declined or has expired", body = ErrorBody),
              (status = 422, description = "invalid_form: `fields` names each `service.field` refused", body = ErrorBody)))]
async fn accept(
    State(state): State<AppState>,
    citizen: Citizen,
    AppPath(id): AppPath<String>,
    AppJson(body): AppJson<AcceptOffer>,
) -> Result<Json<Offer>, AppError> {
    let smart = state.smart();
    let o = match smart.accept(&id, citizen.pseudonym(), &body.values).await {
        Ok(o) => o,
        Err(AcceptError::NotFound) => return Err(AppError::NotFound { what: "offer", id }),
        Err(AcceptError::NotOpen(status)) => return Err(AppError::Conflict(format!("this offer is {status}"))),
        Err(AcceptError::Invalid(fields)) => return Err(AppError::InvalidForm(fields)),
        Err(AcceptError::Database(e)) => return Err(e.into()),
    };
    Ok(Json(smart.view(&o).await?))
}

/// Declines an open offer (nothing is sent to any agency).
#[utoipa::path(post, path = "/api/offers/{id}/decline", tag = "smart", params(("id" = String, Path)),
    responses((status = 204, description = "Declined"), (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such offer of this citizen", body = ErrorBody),
              (status = 409, description = "The offer is not open", body = ErrorBody)))]
async fn decline(State(state): State<AppState>, citizen: Citizen, AppPath(id): AppPath<String>) -> Result<StatusCode, AppError> {
    let o = own(&state, &citizen, &id).await?;
    if state.smart().store.decline(&o.id, citizen.pseudonym(), state.clock().now()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::Conflict(format!("this offer is {}", o.status)))
    }
}

async fn choices_of(state: &AppState, citizen: &Citizen) -> Result<ProactiveChoices, AppError> {
    let prefs = state.smart().store.prefs(citizen.pseudonym()).await?;
    let mut services: Vec<ProactiveService> = Vec::new();
    for (rule, part) in state.smart().rules.proactive_services() {
        if services.iter().any(|s| s.service == part.service) {
            continue;
        }
        services.push(ProactiveService {
            service: part.service.clone(),
            service_name: state.catalog().service(&part.service).map(|s| s.name.clone()).unwrap_or_default(),
            event_name: crate::smart::event_name(&rule.event),
            mode: rule.mode.clone(),
            off: prefs.services_off.contains(&part.service),
        });
    }
    Ok(ProactiveChoices { all_off: prefs.all_off, services })
}

/// The services the window may start for the citizen from a life event,
/// and which the citizen turned off.
#[utoipa::path(get, path = "/api/me/proactive", tag = "smart",
    responses((status = 200, description = "The citizen's choices", body = ProactiveChoices), (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn choices(State(state): State<AppState>, citizen: Citizen) -> Result<Json<ProactiveChoices>, AppError> {
    Ok(Json(choices_of(&state, &citizen).await?))
}

/// Opts out of proactive offers, per service or altogether (honoured for
/// every event from now on).
#[utoipa::path(put, path = "/api/me/proactive", tag = "smart", request_body = ProactivePrefs,
    responses((status = 200, description = "Saved", body = ProactiveChoices), (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 400, description = "bad_parameter: a service that is not offered proactively", body = ErrorBody)))]
async fn set_choices(
    State(state): State<AppState>,
    citizen: Citizen,
    AppJson(prefs): AppJson<ProactivePrefs>,
) -> Result<Json<ProactiveChoices>, AppError> {
    for s in &prefs.services_off {
        if !state.smart().rules.proactive_services().any(|(_, p)| &p.service == s) {
            return Err(AppError::bad_parameter("services_off", format!("`{s}` is not offered proactively")));
        }
    }
    if prefs.services_off.len() > 100 {
        return Err(AppError::bad_parameter("services_off", "at most 100 services"));
    }
    state.smart().store.set_prefs(citizen.pseudonym(), &prefs, state.clock().now()).await?;
    Ok(Json(choices_of(&state, &citizen).await?))
}
