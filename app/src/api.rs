//! Calls to Panjere's JSON API.

use gloo_net::http::Request;
use panjere_api::{AgencyDetail, Categories, ErrorBody, Page, SearchIndexData, Service, ServiceSummary, StatusReport};
use serde::de::DeserializeOwned;

use crate::i18n::Strings;
use crate::logic::ServiceFilter;

/// Why a call failed, in terms the citizen can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The network failed (offline, server down).
    Network,
    NotFound {
        request_id: Option<String>,
    },
    BadRequest {
        message: String,
        request_id: Option<String>,
    },
    Server {
        request_id: Option<String>,
    },
    /// An agency failed, timed out, was busy or unavailable: say which, and
    /// that retrying later is worth it.
    Agency {
        code: String,
        agency: String,
        request_id: Option<String>,
    },
}

impl FetchError {
    /// The localised message.
    pub fn message(&self, t: &Strings) -> String {
        match self {
            FetchError::Network => t.error_network.to_owned(),
            FetchError::NotFound { .. } => t.error_not_found.to_owned(),
            FetchError::BadRequest { message, .. } => crate::fmt::fill(t.error_bad_request, &[("message", message)]),
            FetchError::Server { .. } => t.error_server.to_owned(),
            FetchError::Agency { code, agency, .. } => {
                let template = match code.as_str() {
                    "agency_unavailable" => t.error_agency_unavailable,
                    "agency_timeout" => t.error_agency_timeout,
                    "agency_busy" => t.error_agency_busy,
                    _ => t.error_agency_failed,
                };
                crate::fmt::fill(template, &[("agency", agency)])
            }
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            FetchError::Network => None,
            FetchError::NotFound { request_id }
            | FetchError::BadRequest { request_id, .. }
            | FetchError::Server { request_id }
            | FetchError::Agency { request_id, .. } => request_id.as_deref(),
        }
    }
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for FetchError {}

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, FetchError> {
    let res = Request::get(url).header("Accept", "application/json").send().await.map_err(|_| FetchError::Network)?;
    let status = res.status();
    let header_id = res.headers().get("x-request-id");
    if (200..300).contains(&status) {
        return res.json::<T>().await.map_err(|_| FetchError::Server { request_id: header_id });
    }
    let body = res.json::<ErrorBody>().await.ok();
    let request_id = body.as_ref().and_then(|b| b.error.request_id.clone()).or(header_id);
    if let Some(agency) = body.as_ref().and_then(|b| b.error.agency.clone()).filter(|_| status >= 500) {
        let code = body.map(|b| b.error.code).unwrap_or_default();
        return Err(FetchError::Agency { code, agency, request_id });
    }
    Err(match status {
        404 => FetchError::NotFound { request_id },
        400..=499 => FetchError::BadRequest { message: body.map(|b| b.error.message).unwrap_or_default(), request_id },
        _ => FetchError::Server { request_id },
    })
}

pub async fn categories() -> Result<Categories, FetchError> {
    get_json("/api/catalog/categories").await
}

pub async fn agencies() -> Result<Page<panjere_api::Agency>, FetchError> {
    get_json("/api/catalog/agencies?per_page=100").await
}

pub async fn agency(id: &str) -> Result<AgencyDetail, FetchError> {
    get_json(&format!("/api/catalog/agencies/{}", crate::logic::encode(id))).await
}

pub async fn services(filter: &ServiceFilter) -> Result<Page<ServiceSummary>, FetchError> {
    get_json(&format!("/api/catalog/services?{}", filter.api_query())).await
}

pub async fn service(id: &str) -> Result<Service, FetchError> {
    get_json(&format!("/api/catalog/services/{}", crate::logic::encode(id))).await
}

pub async fn search_index() -> Result<SearchIndexData, FetchError> {
    get_json("/api/catalog/search-index").await
}

/// The number of agencies (one item fetched, the total read).
pub async fn agency_count() -> Result<usize, FetchError> {
    get_json::<Page<panjere_api::Agency>>("/api/catalog/agencies?per_page=1").await.map(|p| p.total)
}

pub async fn status() -> Result<StatusReport, FetchError> {
    get_json("/api/status").await
}

#[cfg(test)]
mod tests {
    use super::FetchError;
    use crate::i18n::{EN, FA};

    #[test]
    fn agency_errors_name_the_agency_and_invite_a_retry() {
        let e = FetchError::Agency { code: "agency_timeout".into(), agency: "Iran Post".into(), request_id: Some("r-1".into()) };
        assert_eq!(e.message(&EN), "Iran Post did not answer in time. Please try again in a few minutes.");
        let e = FetchError::Agency { code: "agency_unavailable".into(), agency: "شرکت ملی پست".into(), request_id: None };
        assert!(e.message(&FA).contains("«شرکت ملی پست»"));
        assert_eq!(e.request_id(), None);
    }
}
