//! `POST /api/agency-callbacks`: an agency pushes a request's status,
//! signed with its callback secret (`X-Panjere-Signature: sha256=<hex
//! HMAC-SHA256(secret, body)>`, `X-Panjere-Agency: <id>`). A bad or missing
//! signature is refused and logged. Not a browser endpoint: exempt from the
//! same-origin check, authenticated by the signature instead.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use panjere_api::ErrorBody;
use serde::Deserialize;
use sha2::Sha256;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::AppError;
use crate::requests::AgencyStatus;
use crate::routes::extract::AppBytes;
use crate::state::AppState;

pub const PATH: &str = "/api/agency-callbacks";
/// Where registries push life events, signed the same way.
pub const EVENTS_PATH: &str = "/api/agency-events";

/// Whether `path` is one of the signed agency endpoints (no same-origin
/// check: authenticated by signature).
pub fn is_signed(path: &str) -> bool {
    path == PATH || path == EVENTS_PATH
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(callback)).routes(routes!(event))
}

/// The agency named in `X-Panjere-Agency` when the body's signature is its.
fn signed_by(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<String, AppError> {
    let text = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let agency = text("x-panjere-agency");
    let signature = text("x-panjere-signature");
    let secret = state.gateway().registry().agencies.get(&agency).map(|a| a.callback_secret.expose().to_owned());
    if !secret.is_some_and(|s| verify(&s, body, &signature)) {
        tracing::warn!(agency = %agency, "agency push refused: unknown agency or bad signature");
        return Err(AppError::BadSignature);
    }
    Ok(agency)
}

/// A life event a registry recorded, pushed as it happens (the window
/// also reads each registry's feed, so a lost push is caught). Stored once
/// whatever the repeats; processed by the rules of `data/smart.toml`.
#[utoipa::path(post, path = "/api/agency-events", tag = "gateway",
    request_body(content = panjere_api::smart::LifeEvent, content_type = "application/json",
        description = "The event, signed in X-Panjere-Signature (sha256=HMAC-SHA256 of the body with the agency's callback secret), the agency in X-Panjere-Agency"),
    responses((status = 202, description = "Received (new, or received before)"),
              (status = 401, description = "Unknown agency or bad signature (logged)", body = ErrorBody),
              (status = 400, description = "Not an event", body = ErrorBody)))]
async fn event(State(state): State<AppState>, headers: HeaderMap, AppBytes(body): AppBytes) -> Result<StatusCode, AppError> {
    let agency = signed_by(&state, &headers, &body)?;
    let e: panjere_api::smart::LifeEvent =
        serde_json::from_slice(&body).map_err(|e| AppError::bad_parameter("body", format!("not a life event: {e}")))?;
    state.smart().receive(&agency, &e, "push").await.map_err(|m| AppError::bad_parameter("body", m))?;
    Ok(StatusCode::ACCEPTED)
}

/// What an agency pushes; anything else in it is refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Callback {
    /// The agency (also in `X-Panjere-Agency`, which is what is trusted).
    #[allow(dead_code)]
    agency: Option<String>,
    /// The service the request is for.
    #[allow(dead_code)]
    service: Option<String>,
    /// When the status changed, at the agency.
    #[allow(dead_code)]
    at: Option<String>,
    reference: String,
    status: String,
    decision: Option<String>,
    /// `rules` when the agency's system decided with no staff.
    decided_by: Option<String>,
    /// A message to the citizen, in both languages.
    notice: Option<serde_json::Value>,
    /// The reference of the document issued, once decided.
    document: Option<String>,
}

fn verify(secret: &str, body: &[u8], signature: &str) -> bool {
    let Some(bytes) = signature.strip_prefix("sha256=").and_then(|h| hex::decode(h).ok()) else { return false };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    mac.verify_slice(&bytes).is_ok()
}

#[utoipa::path(post, path = "/api/agency-callbacks", tag = "gateway",
    request_body(content = String, content_type = "application/json",
        description = "{\"agency\", \"reference\", \"status\", \"decision\"?, \"decided_by\"?: \"rules\", \"notice\"?: {\"fa\", \"en\"}, \"at\"}, signed in X-Panjere-Signature"),
    responses((status = 204, description = "Status recorded"),
              (status = 401, description = "Unknown agency or bad signature (logged)", body = ErrorBody),
              (status = 400, description = "Not a status update", body = ErrorBody),
              (status = 404, description = "No request with this agency reference", body = ErrorBody)))]
async fn callback(State(state): State<AppState>, headers: HeaderMap, AppBytes(body): AppBytes) -> Result<StatusCode, AppError> {
    let agency = signed_by(&state, &headers, &body)?;
    let cb: Callback = serde_json::from_slice(&body).map_err(|e| AppError::bad_parameter("body", format!("not a status update: {e}")))?;
    let store = &state.stores().requests;
    let r = store
        .by_reference(&agency, &cb.reference)
        .await?
        .ok_or_else(|| AppError::NotFound { what: "request", id: cb.reference.clone() })?;
    let now = state.clock().now();
    let said = AgencyStatus { status: &cb.status, decision: cb.decision.as_deref(), by_rules: cb.decided_by.as_deref() == Some("rules") };
    let news = serde_json::json!({ "notice": cb.notice, "document": cb.document });
    state.requests().apply_agency_status(&r, said, &news, "callback", now).await;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::verify;

    #[test]
    fn signatures() {
        // RFC 4231 test case 2.
        let sig = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert!(verify("Jefe", b"what do ya want for nothing?", sig));
        assert!(!verify("Jefe", b"what do ya want for nothing!", sig));
        assert!(!verify("jefe", b"what do ya want for nothing?", sig));
        assert!(!verify("Jefe", b"what do ya want for nothing?", "5bdcc146"));
        assert!(!verify("Jefe", b"what do ya want for nothing?", "sha256=zz"));
    }
}
