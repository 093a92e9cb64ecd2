//! Sign-in: national code + mobile → the telecom regulator confirms the line
//! is the person's, the civil registry that they exist, are alive and 18 or
//! over → a one-time code by SMS → verify → signed in (new session id).
//!
//! The ownership check runs first: only someone who knows a person's mobile
//! number as well as their national code learns anything from the civil
//! registry's answer (deceased, minor, unknown), which is what the national
//! window itself tells its users.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use panjere_api::auth::{CodeSent, Me, SessionState, StartRequest, VerifyRequest, CODE_LENGTH};
use panjere_api::ErrorBody;
use serde_json::Value;
use tower_sessions::Session;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::store::{Challenge, SessionRow};
use crate::auth::{device, AuthError, Names, Pending, SignedIn, PENDING};
use crate::error::AppError;
use crate::gateway::{CallContext, GatewayError};
use crate::rand::{random_code, random_id};
use crate::request_id::current_request_id;
use crate::routes::extract::{AppJson, Citizen, ClientAddress};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(resend))
        .routes(routes!(verify))
        .routes(routes!(sign_out))
        .routes(routes!(session_state))
}

/// Whether this browser is signed in (200 either way; a signed-in call
/// counts as activity). The app asks on every page load.
#[utoipa::path(get, path = "/api/auth/session", tag = "auth",
    responses((status = 200, description = "The signed-in citizen, or `me: null`", body = SessionState)))]
async fn session_state(State(state): State<AppState>, citizen: Result<Citizen, AppError>) -> Result<Json<SessionState>, AppError> {
    match citizen {
        Ok(c) => Ok(Json(SessionState { me: Some(crate::routes::me::me_of(&state, &c.data, state.clock().now())), ended: None })),
        Err(AppError::Auth(AuthError::NotSignedIn)) => Ok(Json(SessionState { me: None, ended: None })),
        Err(AppError::Auth(e @ (AuthError::IdleTimeout | AuthError::AbsoluteTimeout))) => {
            Ok(Json(SessionState { me: None, ended: Some(e.parts().1.to_owned()) }))
        }
        Err(e) => Err(e),
    }
}

/// A call for the person signing in, by their pseudonym.
fn context(citizen: String) -> CallContext {
    CallContext { request_id: current_request_id().unwrap_or_default(), citizen: Some(citizen), requested_by: None }
}

/// Counts a sign-in request at `now` against the client address's allowance.
async fn limit_address(state: &AppState, address: &str, now: i64) -> Result<(), AuthError> {
    let auth = state.auth();
    let s = &auth.settings;
    auth.limiter
        .hit(&format!("sign-in:{address}"), now, s.address_limit, s.address_window_s as i64)
        .await
        .map_err(|retry_after_s| AuthError::RateLimited { retry_after_s })
}

/// Starts a sign-in: checks the person and the line, sends a code.
#[utoipa::path(post, path = "/api/auth/start", tag = "auth", request_body = StartRequest,
    responses(
        (status = 200, description = "A code was sent by SMS", body = CodeSent),
        (status = 400, description = "Invalid national code or mobile (code says which check failed)", body = ErrorBody),
        (status = 403, description = "Not from this site's own pages", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "mobile_not_owned, person_unknown, person_deceased or person_minor", body = ErrorBody),
        (status = 429, description = "rate_limited, resend_too_soon or code_locked (see retry_after_s)", body = ErrorBody),
        (status = 503, description = "An agency needed for sign-in is unavailable", body = ErrorBody)
    ))]
async fn start(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    session: Session,
    AppJson(req): AppJson<StartRequest>,
) -> Result<Json<CodeSent>, AppError> {
    let now = state.clock().now();
    limit_address(&state, &address, now).await?;
    let national_code = panjere_api::ids::national_code(&req.national_code).map_err(AuthError::NationalCode)?;
    let mobile = panjere_api::ids::mobile(&req.mobile).map_err(AuthError::Mobile)?;
    let citizen = state.gateway().pseudonym(&national_code);
    check_allowance(&state, &citizen, now).await?;
    let names = check_person(&state, &national_code, &mobile, &citizen, now).await?;
    let challenge = send_code(&state, &mobile, &citizen, now).await?;
    session.insert(PENDING, Pending { national_code, mobile: mobile.clone(), challenge, names }).await?;
    Ok(Json(code_sent(&state, &mobile)))
}

/// Sends a new code for the sign-in waiting in this browser.
#[utoipa::path(post, path = "/api/auth/resend", tag = "auth",
    responses(
        (status = 200, description = "A new code was sent; the previous one no longer works", body = CodeSent),
        (status = 403, description = "cross_site: not from this site's own pages", body = ErrorBody),
        (status = 415, description = "not_json: not sent as JSON", body = ErrorBody),
        (status = 409, description = "No sign-in is waiting in this browser", body = ErrorBody),
        (status = 429, description = "resend_too_soon, rate_limited or code_locked (see retry_after_s)", body = ErrorBody),
        (status = 503, description = "The SMS gateway is unavailable", body = ErrorBody)
    ))]
async fn resend(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    session: Session,
) -> Result<Json<CodeSent>, AppError> {
    let now = state.clock().now();
    limit_address(&state, &address, now).await?;
    let mut pending = session.get::<Pending>(PENDING).await?.ok_or(AuthError::NoPendingSignIn)?;
    let citizen = state.gateway().pseudonym(&pending.national_code);
    check_allowance(&state, &citizen, now).await?;
    pending.challenge = send_code(&state, &pending.mobile, &citizen, now).await?;
    let mobile = pending.mobile.clone();
    session.insert(PENDING, pending).await?;
    Ok(Json(code_sent(&state, &mobile)))
}

pub(crate) fn code_sent(state: &AppState, mobile: &str) -> CodeSent {
    let s = &state.auth().settings;
    CodeSent {
        mobile_masked: panjere_api::auth::mask_mobile(mobile),
        valid_for_s: s.code_ttl_s,
        resend_after_s: s.resend_after_s,
        length: CODE_LENGTH as u32,
    }
}

/// Lockout after a dead code, codes per hour, and the resend cooldown.
async fn check_allowance(state: &AppState, citizen: &str, now: i64) -> Result<(), AppError> {
    let auth = state.auth();
    let s = &auth.settings;
    if let Some(last) = auth.store.latest_challenge(citizen).await? {
        if let Some(locked) = last.locked_at {
            let until = locked + s.lockout_s as i64;
            if until > now {
                return Err(AuthError::CodeLocked { retry_after_s: (until - now) as u64 }.into());
            }
        }
        let next = last.created_at + s.resend_after_s as i64;
        if last.used_at.is_none() && next > now {
            return Err(AuthError::ResendTooSoon { retry_after_s: (next - now) as u64 }.into());
        }
    }
    let (count, oldest) = auth.store.challenges_since(citizen, now - 3600).await?;
    if count >= i64::from(s.codes_per_hour) {
        let retry_after_s = (oldest.unwrap_or(now) + 3600 - now).max(1) as u64;
        return Err(AuthError::RateLimited { retry_after_s }.into());
    }
    Ok(())
}

/// The telecom regulator, then the civil registry.
async fn check_person(state: &AppState, national_code: &str, mobile: &str, citizen: &str, now: i64) -> Result<Names, AppError> {
    let g = state.gateway();
    let ctx = context(citizen.to_owned());
    let params = [("national_code".to_owned(), national_code.to_owned()), ("mobile".to_owned(), mobile.to_owned())];
    let owned = g.call("telecom.ownership", &params, &ctx).await?;
    if owned.get("owner").and_then(Value::as_bool) != Some(true) {
        return Err(AuthError::MobileNotOwned.into());
    }
    let person = match g.call("civil-registry.person", &params[..1], &ctx).await {
        Ok(p) => p,
        Err(GatewayError::Rejected { status: 404, .. }) => return Err(AuthError::PersonUnknown.into()),
        Err(e) => return Err(e.into()),
    };
    if person.get("alive").and_then(Value::as_bool) != Some(true) {
        return Err(AuthError::PersonDeceased.into());
    }
    let today = panjere_api::time::date_of(now);
    let age = person.get("birth_date").and_then(Value::as_str).and_then(|b| panjere_api::time::age(b, today));
    match age {
        Some(a) if a >= 18 => {}
        Some(_) => return Err(AuthError::PersonMinor.into()),
        None => return Err(GatewayError::BadAnswer { agency: "sabt-ahval".to_owned() }.into()),
    }
    let text = |k: &str| person.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok(Names {
        first_name: text("first_name"),
        last_name: text("last_name"),
        first_name_en: text("first_name_en"),
        last_name_en: text("last_name_en"),
    })
}

/// Sends a fresh code by SMS, then stores its hash (a code that could not
/// be sent is never stored, so the citizen may try again at once).
pub(crate) async fn send_code(state: &AppState, mobile: &str, citizen: &str, now: i64) -> Result<String, AppError> {
    let auth = state.auth();
    auth.limiter
        .hit(&format!("sms:{mobile}"), now, auth.settings.codes_per_mobile_per_hour, 3600)
        .await
        .map_err(|retry_after_s| AuthError::RateLimited { retry_after_s })?;
    let code = random_code();
    let id = random_id();
    let text = format!("پنجره: کد ورود شما {code} است. این کد را به هیچ‌کس ندهید. Panjere sign-in code: {code}. Never share it.");
    let params = [("to".to_owned(), mobile.to_owned()), ("text".to_owned(), text)];
    state.gateway().call("sms.send", &params, &context(citizen.to_owned())).await?;
    let challenge = Challenge {
        code_hash: auth.code_hash(&id, &code),
        id: id.clone(),
        citizen: citizen.to_owned(),
        created_at: now,
        expires_at: now + auth.settings.code_ttl_s as i64,
        attempts: 0,
        locked_at: None,
        used_at: None,
    };
    auth.store.add_challenge(&challenge).await?;
    Ok(id)
}

/// Checks a one-time code against its challenge (expiry, attempts,
/// lockout) and uses it up: the sign-in's and the re-authentication's.
pub(crate) async fn check_code(state: &AppState, challenge_id: &str, code: &str, now: i64) -> Result<Challenge, AppError> {
    let auth = state.auth();
    let s = &auth.settings;
    let challenge = auth.store.challenge(challenge_id).await?.ok_or(AuthError::CodeExpired)?;
    if challenge.locked_at.is_some() || challenge.attempts >= i64::from(s.max_attempts) {
        let until = challenge.locked_at.unwrap_or(now) + s.lockout_s as i64;
        return Err(AuthError::CodeLocked { retry_after_s: (until - now).max(1) as u64 }.into());
    }
    if challenge.used_at.is_some() {
        return Err(AuthError::NoPendingSignIn.into());
    }
    if now >= challenge.expires_at {
        return Err(AuthError::CodeExpired.into());
    }
    if !auth.code_matches(&challenge.id, code, &challenge.code_hash) {
        let attempts = auth.store.wrong_attempt(&challenge.id, s.max_attempts, now).await?;
        let left = i64::from(s.max_attempts) - attempts;
        tracing::info!(citizen = %challenge.citizen, attempts, "wrong sign-in code");
        return Err(if left <= 0 {
            AuthError::CodeLocked { retry_after_s: s.lockout_s }
        } else {
            AuthError::CodeWrong { attempts_left: left as u32 }
        }
        .into());
    }
    if !auth.store.use_challenge(&challenge.id, s.max_attempts, now).await? {
        return Err(AuthError::NoPendingSignIn.into());
    }

    Ok(challenge)
}

/// Checks the code; on success signs in under a new session id.
#[utoipa::path(post, path = "/api/auth/verify", tag = "auth", request_body = VerifyRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set with a new id", body = Me),
        (status = 400, description = "code_format, code_wrong (see attempts_left) or code_expired", body = ErrorBody),
        (status = 403, description = "cross_site: not from this site's own pages", body = ErrorBody),
        (status = 415, description = "not_json: not sent as JSON", body = ErrorBody),
        (status = 409, description = "No sign-in is waiting in this browser", body = ErrorBody),
        (status = 429, description = "code_locked or rate_limited (see retry_after_s)", body = ErrorBody)
    ))]
async fn verify(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    session: Session,
    headers: HeaderMap,
    AppJson(req): AppJson<VerifyRequest>,
) -> Result<Json<Me>, AppError> {
    let now = state.clock().now();
    limit_address(&state, &address, now).await?;
    let auth = state.auth();
    let pending = session.get::<Pending>(PENDING).await?.ok_or(AuthError::NoPendingSignIn)?;
    let code = panjere_api::auth::one_time_code(&req.code).ok_or(AuthError::CodeFormat)?;
    let challenge = check_code(&state, &pending.challenge, &code, now).await?;

    // A new session id: whatever id the browser had before (possibly one an
    // attacker planted) is deleted and never signed in.
    session.remove_value(PENDING).await?;
    session.cycle_id().await?;
    let handle = random_id();
    let data = SignedIn {
        national_code: pending.national_code,
        pseudonym: challenge.citizen.clone(),
        mobile: pending.mobile,
        handle: handle.clone(),
        started_at: now,
        last_seen: now,
        indexed_at: now,
        names: pending.names,
    };
    data.keep(&session).await?;
    session.save().await?;
    let session_id = session.id().ok_or(AuthError::NotSignedIn)?;
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    auth.store
        .add_session(&SessionRow {
            handle,
            session_id: session_id.to_string(),
            citizen: challenge.citizen.clone(),
            device: device::label(user_agent),
            started_at: now,
            last_seen: now,
        })
        .await?;
    auth.store.record_sign_in(&challenge.citizen, now).await?;
    state.stores().smart.set_contact(&challenge.citizen, &data.mobile, now).await?;
    tracing::info!(citizen = %challenge.citizen, "signed in");
    Ok(Json(crate::routes::me::me_of(&state, &data, now)))
}

/// Signs out: the session is deleted on the server and the cookie cleared.
#[utoipa::path(post, path = "/api/auth/sign-out", tag = "auth",
    responses(
        (status = 204, description = "Signed out (also when nobody was signed in)"),
        (status = 403, description = "cross_site: not from this site's own pages", body = ErrorBody),
        (status = 415, description = "not_json: not sent as JSON", body = ErrorBody)
    ))]
async fn sign_out(State(state): State<AppState>, session: Session) -> Result<StatusCode, AppError> {
    if let Some(data) = SignedIn::of(&session).await? {
        state.auth().store.end_session(&data.handle, state.clock().now(), "sign_out").await?;
    }
    session.flush().await?;
    Ok(StatusCode::NO_CONTENT)
}
