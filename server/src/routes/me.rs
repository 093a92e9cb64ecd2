//! The signed-in citizen: who they are, their profile from the civil
//! registry, and their sessions.

use std::str::FromStr;

use axum::extract::State;
use axum::Json;
use panjere_api::auth::{Me, Profile, SessionItem, Sessions, SignedOut};
use panjere_api::ErrorBody;
use serde_json::Value;
use tower_sessions::session::Id;
use tower_sessions::SessionStore;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::store::SessionRow;
use crate::auth::SignedIn;
use crate::clock::rfc3339;
use crate::error::AppError;
use crate::gateway::CallContext;
use crate::request_id::current_request_id;
use crate::routes::extract::{AppPath, Citizen};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(profile))
        .routes(routes!(sessions, sign_out_others))
        .routes(routes!(end_session))
}

pub fn me_of(state: &AppState, s: &SignedIn, now: i64) -> Me {
    Me {
        national_code: s.national_code.clone(),
        mobile: s.mobile.clone(),
        first_name: s.names.first_name.clone(),
        last_name: s.names.last_name.clone(),
        first_name_en: s.names.first_name_en.clone(),
        last_name_en: s.names.last_name_en.clone(),
        session: state.auth().clock_for(s, now),
    }
}

/// The signed-in citizen and the session's clock. Counts as activity.
#[utoipa::path(get, path = "/api/me", tag = "auth",
    responses(
        (status = 200, description = "Signed in", body = Me),
        (status = 401, description = "not_signed_in, session_idle_timeout or session_absolute_timeout", body = ErrorBody)
    ))]
async fn me(State(state): State<AppState>, citizen: Citizen) -> Json<Me> {
    Json(me_of(&state, &citizen.data, state.clock().now()))
}

/// The citizen as the civil registry has them, fetched now through the
/// gateway (audited under the citizen's pseudonym).
#[utoipa::path(get, path = "/api/me/profile", tag = "auth",
    responses(
        (status = 200, description = "The civil registry's record and the verified mobile", body = Profile),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 503, description = "The civil registry is unavailable", body = ErrorBody),
        (status = 504, description = "The civil registry did not answer in time", body = ErrorBody)
    ))]
async fn profile(State(state): State<AppState>, citizen: Citizen) -> Result<Json<Profile>, AppError> {
    Ok(Json(profile_of(&state, &citizen).await?))
}

/// The citizen as the civil registry has them, fetched now (one audited
/// call): for `/api/me/profile`, or for `/me` painted.
pub async fn profile_of(state: &AppState, citizen: &Citizen) -> Result<Profile, AppError> {
    let nc = citizen.data.national_code.clone();
    let ctx = CallContext {
        request_id: current_request_id().unwrap_or_default(),
        citizen: Some(citizen.pseudonym().to_owned()),
        requested_by: None,
    };
    let p = state.gateway().call("civil-registry.person", &[("national_code".to_owned(), nc.clone())], &ctx).await?;
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let certificate = p.get("birth_certificate").cloned().unwrap_or_default();
    let agency = "sabt-ahval";
    Ok(Profile {
        national_code: nc,
        first_name: text(&p, "first_name"),
        last_name: text(&p, "last_name"),
        first_name_en: text(&p, "first_name_en"),
        last_name_en: text(&p, "last_name_en"),
        father_name: text(&p, "father_name"),
        gender: text(&p, "gender"),
        birth_date: text(&p, "birth_date"),
        certificate_serial: text(&certificate, "serial"),
        certificate_place: text(&certificate, "issued_in"),
        mobile: citizen.data.mobile.clone(),
        source_agency: state.catalog().agency_name(agency).cloned().unwrap_or_default(),
        fetched_at: rfc3339(state.clock().now()),
    })
}

async fn active(state: &AppState, citizen: &Citizen, now: i64) -> Result<Vec<SessionRow>, AppError> {
    let auth = state.auth();
    let s = &auth.settings;
    // The index's last_seen lags by up to a minute (see Auth::check).
    Ok(auth.store.active_sessions(citizen.pseudonym(), now - s.idle_timeout_s as i64 - 60, now - s.absolute_timeout_s as i64).await?)
}

/// The citizen's active sessions, this one marked `current`.
#[utoipa::path(get, path = "/api/me/sessions", tag = "auth",
    responses((status = 200, description = "Active sessions, most recently used first", body = Sessions),
              (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn sessions(State(state): State<AppState>, citizen: Citizen) -> Result<Json<Sessions>, AppError> {
    let rows = active(&state, &citizen, state.clock().now()).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let current = r.handle == citizen.data.handle;
            let last_seen = if current { citizen.data.last_seen } else { r.last_seen };
            SessionItem { current, device: r.device, started_at: rfc3339(r.started_at), last_seen: rfc3339(last_seen), id: r.handle }
        })
        .collect();
    Ok(Json(Sessions { items }))
}

/// Ends a session in the store and in the index.
async fn end(state: &AppState, row: &SessionRow, reason: &str, now: i64) -> Result<(), AppError> {
    let auth = state.auth();
    if let Ok(id) = Id::from_str(&row.session_id) {
        auth.sessions.delete(&id).await.map_err(|e| AppError::Session(tower_sessions::session::Error::Store(e)))?;
    }
    auth.store.end_session(&row.handle, now, reason).await?;
    Ok(())
}

/// Signs out one of the citizen's sessions (this one too, if named).
#[utoipa::path(delete, path = "/api/me/sessions/{id}", tag = "auth",
    params(("id" = String, Path, description = "A session's id from GET /api/me/sessions")),
    responses((status = 200, description = "Signed out", body = SignedOut),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such active session of this citizen", body = ErrorBody),
              (status = 403, description = "cross_site: not from this site's own pages", body = ErrorBody),
        (status = 415, description = "not_json: not sent as JSON", body = ErrorBody)))]
async fn end_session(State(state): State<AppState>, citizen: Citizen, AppPath(id): AppPath<String>) -> Result<Json<SignedOut>, AppError> {
    let now = state.clock().now();
    let rows = active(&state, &citizen, now).await?;
    let row = rows.iter().find(|r| r.handle == id).ok_or_else(|| AppError::NotFound { what: "session", id: id.clone() })?;
    if row.handle == citizen.data.handle {
        state.auth().store.end_session(&row.handle, now, "sign_out").await?;
        citizen.session.flush().await?;
    } else {
        end(&state, row, "signed_out_elsewhere", now).await?;
    }
    Ok(Json(SignedOut { count: 1 }))
}

/// Signs out every other session of the citizen.
#[utoipa::path(delete, path = "/api/me/sessions", tag = "auth",
    responses((status = 200, description = "How many other sessions were signed out", body = SignedOut),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 403, description = "cross_site: not from this site's own pages", body = ErrorBody),
        (status = 415, description = "not_json: not sent as JSON", body = ErrorBody)))]
async fn sign_out_others(State(state): State<AppState>, citizen: Citizen) -> Result<Json<SignedOut>, AppError> {
    let now = state.clock().now();
    let mut count = 0;
    for row in active(&state, &citizen, now).await?.iter().filter(|r| r.handle != citizen.data.handle) {
        end(&state, row, "signed_out_elsewhere", now).await?;
        count += 1;
    }
    Ok(Json(SignedOut { count }))
}
