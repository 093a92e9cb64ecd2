//! The server's one error type. `IntoResponse` logs internals and answers a
//! JSON [`ErrorBody`] that never leaks them.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use panjere_api::{ApiError, ErrorBody};

use crate::request_id::current_request_id;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{what} '{id}' was not found")]
    NotFound { what: &'static str, id: String },
    #[error("no API endpoint at {0}")]
    NoRoute(String),
    #[error("query parameter `{parameter}`: {message}")]
    BadParameter { parameter: String, message: String },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl AppError {
    pub fn bad_parameter(parameter: &str, message: impl Into<String>) -> Self {
        AppError::BadParameter {
            parameter: parameter.to_owned(),
            message: message.into(),
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::NotFound { .. } | AppError::NoRoute(_) => {
                (StatusCode::NOT_FOUND, "not_found")
            }
            AppError::BadParameter { .. } => (StatusCode::BAD_REQUEST, "bad_parameter"),
            AppError::Database(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            "The server could not complete the request. Please try again later.".to_owned()
        } else {
            tracing::info!(error = %self, "request refused");
            self.to_string()
        };
        let parameter = match &self {
            AppError::BadParameter { parameter, .. } => Some(parameter.clone()),
            _ => None,
        };
        let body = ErrorBody {
            error: ApiError {
                code: code.to_owned(),
                message,
                parameter,
                request_id: current_request_id(),
            },
        };
        (status, Json(body)).into_response()
    }
}
