//! Calls to Panjere's JSON API.

use gloo_net::http::{Request, RequestBuilder, Response};
use panjere_api::auth::{CodeSent, Me, Profile, Sessions, SignedOut, StartRequest, VerifyRequest};
use panjere_api::payments::Payment;
use panjere_api::requests::{
    DataUse, Draft, DraftInput, Drafts, Inbox, InquiryAnswer, InquiryRequest, RequestDetail, Requests, TrackAnswer,
};
use panjere_api::{AgencyDetail, Categories, ErrorBody, Page, SearchIndexData, Service, ServiceSummary, StatusReport};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;

use crate::i18n::Strings;
use crate::logic::ServiceFilter;

/// Why a call failed, in terms the citizen can act on.
#[derive(Clone, PartialEq, Eq)]
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
    /// Not signed in, or the session ended (`code` says why).
    SignedOut {
        code: String,
    },
    /// A specific refusal the app explains by its code (sign-in checks,
    /// one-time codes, rate limits).
    Refused {
        code: String,
        message: String,
        parameter: Option<String>,
        retry_after_s: Option<u64>,
        attempts_left: Option<u32>,
        /// A form's errors by field.
        fields: Option<UnreadFieldErrors>,
        request_id: Option<String>,
    },
}

/// A form's errors by field as the server sent them (JSON), read only where
/// a form shows them: the code that reads them is then in the modules of
/// the pages with forms, not in every page's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadFieldErrors(String);

impl UnreadFieldErrors {
    /// The errors (none if the server's JSON was not a field-error map).
    pub fn read(&self) -> panjere_api::error::FieldErrors {
        serde_json::from_str(&self.0).unwrap_or_default()
    }
}

impl FetchError {
    /// The localised message.
    pub fn message(&self, t: &'static Strings) -> String {
        match self {
            FetchError::Network => t.error_network().to_owned(),
            FetchError::NotFound { .. } => t.error_not_found().to_owned(),
            FetchError::BadRequest { message, .. } => crate::fmt::fill(t.error_bad_request(), &[("message", message)]),
            FetchError::SignedOut { code } => crate::logic::refusal_text(code, t).unwrap_or(t.auth_not_signed_in()).to_owned(),
            FetchError::Refused { code, message, retry_after_s, attempts_left, .. } => match crate::logic::refusal_text(code, t) {
                Some(template) => crate::logic::fill_refusal(template, *retry_after_s, *attempts_left, t),
                None => crate::fmt::fill(t.error_bad_request(), &[("message", message)]),
            },
            FetchError::Server { .. } => t.error_server().to_owned(),
            FetchError::Agency { code, agency, .. } => {
                let template = match code.as_str() {
                    "agency_unavailable" => t.error_agency_unavailable(),
                    "agency_timeout" => t.error_agency_timeout(),
                    "agency_busy" => t.error_agency_busy(),
                    _ => t.error_agency_failed(),
                };
                crate::fmt::fill(template, &[("agency", agency)])
            }
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            FetchError::Network | FetchError::SignedOut { .. } => None,
            FetchError::NotFound { request_id }
            | FetchError::BadRequest { request_id, .. }
            | FetchError::Server { request_id }
            | FetchError::Refused { request_id, .. }
            | FetchError::Agency { request_id, .. } => request_id.as_deref(),
        }
    }
}

/// For developers (citizens see [`FetchError::message`]): the kind of
/// failure and the code the server gave, not the whole value, whose `Debug`
/// formatting would cost the wasm far more code.
impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (kind, code) = match self {
            FetchError::Network => ("network error", ""),
            FetchError::NotFound { .. } => ("not found", ""),
            FetchError::BadRequest { .. } => ("bad request", ""),
            FetchError::Server { .. } => ("server error", ""),
            FetchError::Agency { code, .. } => ("agency error", code.as_str()),
            FetchError::SignedOut { code } => ("signed out", code.as_str()),
            FetchError::Refused { code, .. } => ("refused", code.as_str()),
        };
        f.write_str(kind)?;
        for part in [code, self.request_id().unwrap_or_default()].into_iter().filter(|p| !p.is_empty()) {
            f.write_str(" ")?;
            f.write_str(part)?;
        }
        Ok(())
    }
}

/// The same as its `Display` (what failed, its code and request id): a
/// derived `Debug` was a kilobyte of the first load's code.
impl std::fmt::Debug for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for FetchError {}

// The generic functions below only parse: fetching and the meaning of an
// unsuccessful answer are in plain functions, built once for every type.

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, FetchError> {
    decode(get(url).await?).await
}

async fn get(url: &str) -> Result<Response, FetchError> {
    Request::get(url).header("Accept", "application/json").send().await.map_err(|_| FetchError::Network)
}

/// A state-changing call: JSON body, same origin (the server refuses
/// anything else).
async fn send_json<T: DeserializeOwned>(request: RequestBuilder, body: &impl Serialize) -> Result<T, FetchError> {
    let body = serde_json::to_string(body).map_err(|_| FetchError::Network)?;
    decode(send(request, body).await?).await
}

async fn send(request: RequestBuilder, json: String) -> Result<Response, FetchError> {
    request
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .body(json)
        .map_err(|_| FetchError::Network)?
        .send()
        .await
        .map_err(|_| FetchError::Network)
}

/// 204 No Content answers as `()`.
#[derive(serde::Deserialize)]
struct Nothing {}

async fn decode<T: DeserializeOwned>(res: Response) -> Result<T, FetchError> {
    let (text, request_id) = body_of(res).await?;
    serde_json::from_str(&text).map_err(|_| FetchError::Server { request_id })
}

/// A successful answer's body (with its request id), or the error an
/// unsuccessful answer means.
async fn body_of(res: Response) -> Result<(String, Option<String>), FetchError> {
    let status = res.status();
    let header_id = res.headers().get("x-request-id");
    if (200..300).contains(&status) {
        return match res.text().await {
            Ok(text) => Ok((text, header_id)),
            Err(_) => Err(FetchError::Server { request_id: header_id }),
        };
    }
    let body = res.json::<ErrorBody<Box<serde_json::value::RawValue>>>().await.ok();
    let request_id = body.as_ref().and_then(|b| b.error.request_id.clone()).or(header_id);
    if let Some(agency) = body.as_ref().and_then(|b| b.error.agency.clone()).filter(|_| status >= 500) {
        let code = body.map(|b| b.error.code).unwrap_or_default();
        return Err(FetchError::Agency { code, agency, request_id });
    }
    Err(match status {
        401 => FetchError::SignedOut { code: body.map(|b| b.error.code).unwrap_or_default() },
        404 => FetchError::NotFound { request_id },
        // The payment provider did not answer: worded for the citizen.
        400..=499 | 503 if body.as_ref().is_some_and(|b| status < 500 || b.error.code == "payment_unavailable") => {
            let e = body.map(|b| b.error).expect("checked");
            FetchError::Refused {
                code: e.code,
                message: e.message,
                parameter: e.parameter,
                retry_after_s: e.retry_after_s,
                attempts_left: e.attempts_left,
                fields: e.fields.map(|f| UnreadFieldErrors(f.get().to_owned())),
                request_id,
            }
        }
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

/// An agency with its services; offline, put together from the cached
/// agency list and search index.
pub async fn agency(id: &str) -> Result<AgencyDetail, FetchError> {
    match get_json(&format!("/api/catalog/agencies/{}", crate::logic::encode(id))).await {
        Err(FetchError::Network) => {
            let list = agencies().await?;
            let index = search_index().await?;
            let agency = list.items.into_iter().find(|a| a.id == id).ok_or(FetchError::Network)?;
            let services = index.services.into_iter().filter(|s| s.agency == id).collect();
            Ok(AgencyDetail { agency, services })
        }
        answer => answer,
    }
}

/// Services matching a filter; offline, computed in the browser over the
/// cached search index (the service worker keeps it).
pub async fn services(filter: &ServiceFilter) -> Result<Page<ServiceSummary>, FetchError> {
    match get_json(&format!("/api/catalog/services?{}", filter.api_query())).await {
        Err(FetchError::Network) => {
            let json = search_index_json().await?;
            let page = crate::search_engine::offline_services(json, filter.clone()).await.map_err(|_| FetchError::Network)?;
            page.ok_or(FetchError::Network)
        }
        answer => answer,
    }
}

fn service_url(id: &str) -> String {
    format!("/api/catalog/services/{}", crate::logic::encode(id))
}

/// A service with its form (to use it).
pub async fn service(id: &str) -> Result<Service, FetchError> {
    get_json(&service_url(id)).await
}

/// A service for its page, the form skipped unread: the page only says
/// whether there is one.
pub async fn service_overview(id: &str) -> Result<ServiceOverview, FetchError> {
    get_json(&service_url(id)).await
}

/// A service as its page shows it.
pub type ServiceOverview = Service<serde::de::IgnoredAny>;

const SEARCH_INDEX: &str = "/api/catalog/search-index";

pub async fn search_index() -> Result<SearchIndexData, FetchError> {
    get_json(SEARCH_INDEX).await
}

/// The search index unread, for the search engine's module to read.
pub async fn search_index_json() -> Result<String, FetchError> {
    Ok(body_of(get(SEARCH_INDEX).await?).await?.0)
}

/// The number of agencies (one item fetched, the total read: the item is
/// skipped unread, so the home page's code does not hold the agency type's).
pub async fn agency_count() -> Result<usize, FetchError> {
    #[derive(serde::Deserialize)]
    struct Total {
        total: usize,
    }
    get_json::<Total>("/api/catalog/agencies?per_page=1").await.map(|p| p.total)
}

pub async fn stats() -> Result<panjere_api::stats::Stats, FetchError> {
    get_json("/api/stats").await
}

pub async fn status() -> Result<StatusReport, FetchError> {
    get_json("/api/status").await
}

pub async fn auth_start(national_code: String, mobile: String) -> Result<CodeSent, FetchError> {
    send_json(Request::post("/api/auth/start"), &StartRequest { national_code, mobile }).await
}

pub async fn auth_resend() -> Result<CodeSent, FetchError> {
    send_json(Request::post("/api/auth/resend"), &serde_json::json!({})).await
}

pub async fn auth_verify(code: String) -> Result<Me, FetchError> {
    send_json(Request::post("/api/auth/verify"), &VerifyRequest { code }).await
}

/// Signs out on the server; `Err` when it did not (the citizen is still
/// signed in and must be told so).
pub async fn sign_out() -> Result<(), FetchError> {
    // Whatever the server answers, nothing of this session stays cached.
    crate::pwa::forget_session();
    let ask = || send(Request::post("/api/auth/sign-out"), "{}".to_owned());
    // Once more when no answer came (a connection closing as the request
    // left): signing out twice is harmless.
    let res = match ask().await {
        Err(FetchError::Network) => ask().await?,
        answer => answer?,
    };
    if res.status() == 204 {
        Ok(())
    } else {
        decode::<Nothing>(res).await.map(|_| ())
    }
}

pub async fn session_state() -> Result<panjere_api::auth::SessionState, FetchError> {
    get_json("/api/auth/session").await
}

pub async fn me() -> Result<Me, FetchError> {
    get_json("/api/me").await
}

pub async fn profile() -> Result<Profile, FetchError> {
    get_json("/api/me/profile").await
}

pub async fn sessions() -> Result<Sessions, FetchError> {
    get_json("/api/me/sessions").await
}

pub async fn end_session(id: String) -> Result<SignedOut, FetchError> {
    send_json(Request::delete(&format!("/api/me/sessions/{}", crate::logic::encode(&id))), &serde_json::json!({})).await
}

pub async fn inquiry(service: &str, values: BTreeMap<String, String>) -> Result<InquiryAnswer, FetchError> {
    send_json(Request::post(&format!("/api/services/{}/inquiry", crate::logic::encode(service))), &InquiryRequest { values }).await
}

pub async fn create_draft(service: String) -> Result<Draft, FetchError> {
    send_json(Request::post("/api/drafts"), &DraftInput { service, ..Default::default() }).await
}

pub async fn drafts() -> Result<Drafts, FetchError> {
    get_json("/api/drafts").await
}

pub async fn draft(id: &str) -> Result<Draft, FetchError> {
    get_json(&format!("/api/drafts/{}", crate::logic::encode(id))).await
}

pub async fn save_draft(id: &str, values: BTreeMap<String, String>, step: u32, check_step: Option<u32>) -> Result<Draft, FetchError> {
    let input = DraftInput { service: String::new(), values, step, check_step };
    send_json(Request::put(&format!("/api/drafts/{}", crate::logic::encode(id))), &input).await
}

/// Uploads a file for a draft's file field (the body is the file itself).
pub async fn upload_file(draft: &str, field: &str, file: web_sys::File) -> Result<panjere_api::forms::FileValue, FetchError> {
    let url = format!("/api/drafts/{}/files/{}", crate::logic::encode(draft), crate::logic::encode(field));
    let mime = file.type_();
    let res = Request::post(&url)
        .header("Accept", "application/json")
        .header("Content-Type", if mime.is_empty() { "application/octet-stream" } else { &mime })
        .header("X-File-Name", &crate::logic::encode(&file.name()))
        .body(file)
        .map_err(|_| FetchError::Network)?
        .send()
        .await
        .map_err(|_| FetchError::Network)?;
    decode(res).await
}

pub async fn submit_draft(id: &str) -> Result<RequestDetail, FetchError> {
    send_json(Request::post(&format!("/api/drafts/{}/submit", crate::logic::encode(id))), &serde_json::json!({})).await
}

pub async fn reply(id: &str, text: String) -> Result<RequestDetail, FetchError> {
    let body = panjere_api::requests::ReplyRequest { text };
    send_json(Request::post(&format!("/api/requests/{}/reply", crate::logic::encode(id))), &body).await
}

pub async fn requests() -> Result<Requests, FetchError> {
    get_json("/api/requests").await
}

pub async fn request(id: &str) -> Result<RequestDetail, FetchError> {
    get_json(&format!("/api/requests/{}", crate::logic::encode(id))).await
}

pub async fn inbox() -> Result<Inbox, FetchError> {
    get_json("/api/inbox").await
}

/// How many of the inbox's notifications are unread (the header's badge:
/// not the notifications themselves, on every page).
pub async fn unread() -> Result<u32, FetchError> {
    get_json::<panjere_api::requests::Unread>("/api/inbox/unread").await.map(|u| u.unread)
}

pub async fn mark_read(id: &str) -> Result<(), FetchError> {
    let res = Request::post(&format!("/api/inbox/{}/read", crate::logic::encode(id)))
        .json(&serde_json::json!({}))
        .map_err(|_| FetchError::Network)?
        .send()
        .await
        .map_err(|_| FetchError::Network)?;
    if res.status() == 204 {
        Ok(())
    } else {
        decode::<Nothing>(res).await.map(|_| ())
    }
}

pub async fn data_use() -> Result<DataUse, FetchError> {
    get_json("/api/me/data-use").await
}

pub async fn track(code: &str, national_code: &str) -> Result<TrackAnswer, FetchError> {
    get_json(&format!("/api/track/{}?national_code={}", crate::logic::encode(code), crate::logic::encode(national_code))).await
}

pub async fn sign_out_others() -> Result<SignedOut, FetchError> {
    send_json(Request::delete("/api/me/sessions"), &serde_json::json!({})).await
}

pub async fn offers() -> Result<panjere_api::smart::Offers, FetchError> {
    get_json("/api/offers").await
}

pub async fn offer(id: &str) -> Result<panjere_api::smart::Offer, FetchError> {
    get_json(&format!("/api/offers/{}", crate::logic::encode(id))).await
}

pub async fn accept_offer(id: &str, values: BTreeMap<String, BTreeMap<String, String>>) -> Result<panjere_api::smart::Offer, FetchError> {
    send_json(Request::post(&format!("/api/offers/{}/accept", crate::logic::encode(id))), &panjere_api::smart::AcceptOffer { values }).await
}

pub async fn decline_offer(id: &str) -> Result<(), FetchError> {
    let res = send(Request::post(&format!("/api/offers/{}/decline", crate::logic::encode(id))), "{}".to_owned()).await?;
    if res.status() == 204 {
        Ok(())
    } else {
        decode::<Nothing>(res).await.map(|_| ())
    }
}

pub async fn proactive() -> Result<panjere_api::smart::ProactiveChoices, FetchError> {
    get_json("/api/me/proactive").await
}

pub async fn set_proactive(prefs: panjere_api::smart::ProactivePrefs) -> Result<panjere_api::smart::ProactiveChoices, FetchError> {
    send_json(Request::put("/api/me/proactive"), &prefs).await
}

pub async fn pay_fee(request: &str, idempotency_key: String) -> Result<Payment, FetchError> {
    let body = panjere_api::payments::FeePayment { idempotency_key };
    send_json(Request::post(&format!("/api/requests/{}/payment", crate::logic::encode(request))), &body).await
}

pub async fn pay_bill(bill_id: String, payment_id: String, idempotency_key: String) -> Result<Payment, FetchError> {
    send_json(Request::post("/api/payments/bills"), &panjere_api::payments::BillPayment { bill_id, payment_id, idempotency_key }).await
}

pub async fn payments() -> Result<panjere_api::payments::Payments, FetchError> {
    get_json("/api/payments").await
}

pub async fn payment(id: &str) -> Result<Payment, FetchError> {
    get_json(&format!("/api/payments/{}", crate::logic::encode(id))).await
}

pub async fn reauth_code() -> Result<CodeSent, FetchError> {
    send_json(Request::post("/api/me/reauth/code"), &serde_json::json!({})).await
}

pub async fn reauth(code: String) -> Result<(), FetchError> {
    let res =
        send(Request::post("/api/me/reauth"), serde_json::to_string(&panjere_api::payments::Reauth { code }).unwrap_or_default()).await?;
    if res.status() == 204 {
        Ok(())
    } else {
        decode::<Nothing>(res).await.map(|_| ())
    }
}

/// A new idempotency key: the same for every retry of one intent.
pub fn new_key() -> String {
    format!("{:013x}{:013x}", (js_sys::Math::random() * 4.5e15) as u64, (js_sys::Math::random() * 4.5e15) as u64)
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
