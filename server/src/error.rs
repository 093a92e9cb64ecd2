//! The server's one error type. `IntoResponse` logs internals and answers a
//! JSON [`ErrorBody`] that never leaks them.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use panjere_api::{ApiError, ErrorBody};

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};

use crate::auth::{AuthError, CheckError};
use crate::gateway::registry::BuildError;
use crate::gateway::GatewayError;
use crate::request_id::current_request_id;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{what} '{id}' was not found")]
    NotFound { what: &'static str, id: String },
    #[error("no API endpoint at {0}")]
    NoRoute(String),
    #[error("{0} is not allowed here (the Allow header lists what is)")]
    MethodNotAllowed(String),
    #[error("query parameter `{parameter}`: {message}")]
    BadParameter { parameter: String, message: String },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("session store error: {0}")]
    Session(#[from] tower_sessions::session::Error),
    #[error("unknown agency or bad signature")]
    BadSignature,
    #[error("the form has {} error(s)", .0.len())]
    InvalidForm(std::collections::BTreeMap<String, panjere_api::forms::FieldError>),
    #[error("state-changing requests must come from this site's own pages")]
    CrossSite,
    #[error("state-changing requests must send JSON (Content-Type: application/json)")]
    NotJson,
    /// A request body that could not be read as the endpoint's JSON (the
    /// message says where and why).
    #[error("the request body is not valid: {0}")]
    BadBody(String),
    #[error("the request body is too large")]
    TooLarge,
    /// The body did not arrive within the configured time (a slow or
    /// stalled client).
    #[error("the request body did not arrive in time")]
    BodyTimeout,
    /// The action does not fit the resource's current state.
    #[error("{0}")]
    Conflict(String),
    /// The payment provider did not answer; nothing was charged.
    #[error("the payment provider is not answering; nothing was charged. Please try again shortly")]
    PaymentUnavailable,
}

impl From<CheckError> for AppError {
    fn from(e: CheckError) -> Self {
        match e {
            CheckError::Auth(a) => AppError::Auth(a),
            CheckError::Session(s) => AppError::Session(s),
            CheckError::Database(d) => AppError::Database(d),
        }
    }
}

/// Whether reading the body failed because it did not arrive in time
/// (the serving layer's body timeout).
fn body_timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(e) = next {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        next = e.source();
    }
    false
}

impl From<BytesRejection> for AppError {
    fn from(r: BytesRejection) -> Self {
        match r {
            r if r.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge,
            r if body_timed_out(&r) => AppError::BodyTimeout,
            r => AppError::BadBody(r.body_text()),
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => AppError::NotJson,
            r if r.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge,
            r if body_timed_out(&r) => AppError::BodyTimeout,
            r => {
                AppError::BadBody(r.body_text().trim_start_matches("Failed to deserialize the JSON body into the target type: ").to_owned())
            }
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        let text = r.body_text();
        let message = text.trim_start_matches("Failed to deserialize query string: ");
        // serde names the parameter at fault first (`unknown field `x``, or
        // `missing field `y``); otherwise the query as a whole.
        let parameter = message.split('`').nth(1).filter(|p| !p.is_empty() && !p.contains(' ')).unwrap_or("query");
        AppError::bad_parameter(parameter, message)
    }
}

impl From<PathRejection> for AppError {
    fn from(r: PathRejection) -> Self {
        AppError::bad_parameter("path", r.body_text())
    }
}

impl AppError {
    pub fn bad_parameter(parameter: &str, message: impl Into<String>) -> Self {
        AppError::BadParameter { parameter: parameter.to_owned(), message: message.into() }
    }

    /// The database or the session store (Redis) cannot be reached right
    /// now (as opposed to a query that failed): worth retrying shortly.
    fn store_unreachable(&self) -> bool {
        use tower_sessions::session::Error as SessionError;
        use tower_sessions::session_store::Error as StoreError;
        match self {
            AppError::Database(e) => matches!(e, sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)),
            AppError::Session(SessionError::Store(StoreError::Backend(_))) => true,
            _ => false,
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::NotFound { .. } | AppError::NoRoute(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            AppError::BadParameter { .. } => (StatusCode::BAD_REQUEST, "bad_parameter"),
            _ if self.store_unreachable() => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            AppError::Database(_) | AppError::Session(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            AppError::Auth(a) => {
                let (status, code, _) = a.parts();
                (StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST), code)
            }
            AppError::CrossSite => (StatusCode::FORBIDDEN, "cross_site"),
            AppError::InvalidForm(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_form"),
            AppError::BadSignature => (StatusCode::UNAUTHORIZED, "bad_signature"),
            AppError::NotJson => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "not_json"),
            AppError::BadBody(_) => (StatusCode::BAD_REQUEST, "bad_body"),
            AppError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            AppError::BodyTimeout => (StatusCode::REQUEST_TIMEOUT, "request_timeout"),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            AppError::PaymentUnavailable => (StatusCode::SERVICE_UNAVAILABLE, "payment_unavailable"),
            AppError::Gateway(g) => match g {
                GatewayError::Build(BuildError::UnknownOperation(_)) => (StatusCode::NOT_FOUND, "not_found"),
                GatewayError::Build(_) => (StatusCode::BAD_REQUEST, "bad_parameter"),
                GatewayError::Unavailable { .. } => (StatusCode::SERVICE_UNAVAILABLE, "agency_unavailable"),
                GatewayError::Busy { .. } => (StatusCode::SERVICE_UNAVAILABLE, "agency_busy"),
                GatewayError::Timeout { .. } => (StatusCode::GATEWAY_TIMEOUT, "agency_timeout"),
                GatewayError::BadAnswer { .. } => (StatusCode::BAD_GATEWAY, "agency_bad_answer"),
                GatewayError::Rejected { status: 404, .. } => (StatusCode::NOT_FOUND, "not_found"),
                GatewayError::Rejected { .. } => (StatusCode::BAD_GATEWAY, "agency_rejected"),
                GatewayError::Failed { .. } => (StatusCode::BAD_GATEWAY, "agency_error"),
                GatewayError::NotConnected { .. } => (StatusCode::SERVICE_UNAVAILABLE, "not_offered"),
            },
        }
    }

    /// The agency concerned, for gateway errors.
    fn agency(&self) -> Option<String> {
        match self {
            AppError::Gateway(
                GatewayError::Unavailable { agency }
                | GatewayError::Busy { agency }
                | GatewayError::Timeout { agency }
                | GatewayError::BadAnswer { agency }
                | GatewayError::Rejected { agency, .. }
                | GatewayError::Failed { agency, .. }
                | GatewayError::NotConnected { agency, .. },
            ) => Some(agency.clone()),
            _ => None,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = if matches!(self, AppError::Database(_) | AppError::Session(_)) {
            tracing::error!(error = %self, "request failed");
            "The server could not complete the request. Please try again later.".to_owned()
        } else if let AppError::Gateway(g) = &self {
            tracing::warn!(error = %g, "agency call failed");
            match g {
                GatewayError::Build(b) => gateway_build_message(b),
                GatewayError::Rejected { agency, status: 404, .. } => format!("agency {agency} has no such record"),
                GatewayError::NotConnected { agency, .. } => {
                    format!("this service is not offered through the window while agency {agency} is not connected (see /api/status)")
                }
                // Say which agency and that it is worth retrying; nothing internal.
                other => format!("{other}; please try again later"),
            }
        } else {
            tracing::info!(error = %self, "request refused");
            self.to_string()
        };
        let parameter = match &self {
            AppError::BadParameter { parameter, .. } => Some(parameter.clone()),
            AppError::BadBody(_) => Some("body".to_owned()),
            AppError::Gateway(GatewayError::Build(
                BuildError::UnknownParameter(p) | BuildError::MissingParameter(p) | BuildError::BadParameter { name: p, .. },
            )) => Some(p.clone()),
            AppError::Auth(a) => a.parts().2.map(str::to_owned),
            _ => None,
        };
        let agency = self.agency();
        let fields = match &self {
            AppError::InvalidForm(f) => Some(f.clone()),
            _ => None,
        };
        let (retry_after_s, attempts_left) = match &self {
            AppError::Auth(a) => (a.retry_after_s(), a.attempts_left()),
            _ if self.store_unreachable() => (Some(5), None),
            AppError::PaymentUnavailable => (Some(5), None),
            _ => (None, None),
        };
        let body = ErrorBody {
            error: ApiError {
                code: code.to_owned(),
                message,
                parameter,
                fields,
                agency,
                retry_after_s,
                attempts_left,
                request_id: current_request_id(),
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(s) = retry_after_s {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, s.into());
        }
        response
    }
}

fn gateway_build_message(b: &BuildError) -> String {
    match b {
        BuildError::UnknownOperation(op) => format!("there is no operation '{op}'"),
        BuildError::UnknownParameter(p) => format!("query parameter `{p}`: unknown parameter for this operation"),
        BuildError::MissingParameter(p) => format!("query parameter `{p}` is required"),
        BuildError::BadParameter { name, reason } => format!("query parameter `{name}`: {reason}"),
    }
}
