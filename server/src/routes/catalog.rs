//! The public catalog: `/api/catalog/…`.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use panjere_api::{
    Agency, AgencyDetail, Categories, ElectronicLevel, ErrorBody, OfflineCatalog, Page, SearchIndexData, Service, ServiceFilter,
    ServiceKind, ServiceSummary, DEFAULT_PER_PAGE, MAX_PER_PAGE,
};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::AppError;
use crate::routes::extract::{AppPath, QueryPairs};
use crate::state::AppState;

/// The catalog changes only with a deployment: let browsers and the service
/// worker keep it briefly and revalidate in the background.
const CATALOG_CACHE: &str = "public, max-age=60, stale-while-revalidate=600";

/// Longest accepted search text, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(categories))
        .routes(routes!(agencies))
        .routes(routes!(agency))
        .routes(routes!(services))
        .routes(routes!(service))
        .routes(routes!(search_index))
        .routes(routes!(offline))
}

fn cached<T: serde::Serialize>(body: T) -> Response {
    ([(header::CACHE_CONTROL, CATALOG_CACHE)], Json(body)).into_response()
}

/// Paging parameters of every list.
#[derive(Debug, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1 (default 1); past the last page is an empty page.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<usize>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<usize>,
}

/// Reads the query string strictly: unknown, repeated or malformed
/// parameters are refused with a message naming the parameter.
struct Params(Vec<(String, String)>);

impl Params {
    fn new(raw: Vec<(String, String)>, allowed: &[&str]) -> Result<Self, AppError> {
        for (i, (k, _)) in raw.iter().enumerate() {
            if !allowed.contains(&k.as_str()) {
                return Err(AppError::bad_parameter(k, format!("unknown parameter; this endpoint takes: {}", allowed.join(", "))));
            }
            if raw[..i].iter().any(|(p, _)| p == k) {
                return Err(AppError::bad_parameter(k, "given more than once"));
            }
        }
        Ok(Params(raw))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str, min: usize, max: usize, default: usize) -> Result<usize, AppError> {
        let Some(v) = self.get(name) else {
            return Ok(default);
        };
        let v = panjere_api::normalize::ascii_digits(v.trim());
        match v.parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(AppError::bad_parameter(name, format!("must be a whole number from {min} to {max}, not '{v}'"))),
        }
    }

    fn paging(&self) -> Result<(usize, usize), AppError> {
        Ok((self.number("page", 1, 1_000_000, 1)?, self.number("per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE)?))
    }

    fn known_id(&self, name: &str, exists: impl Fn(&str) -> bool) -> Result<Option<String>, AppError> {
        match self.get(name).map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) if exists(v) => Ok(Some(v.to_owned())),
            Some(v) => Err(AppError::bad_parameter(name, format!("there is no {name} with id '{v}'"))),
        }
    }

    fn choice<T>(&self, name: &str, parse: fn(&str) -> Option<T>, expected: String) -> Result<Option<T>, AppError> {
        match self.get(name).map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => parse(v).map(Some).ok_or_else(|| AppError::bad_parameter(name, format!("must be one of {expected}, not '{v}'"))),
        }
    }
}

fn page_of<T: Clone>(all: Vec<T>, page: usize, per_page: usize) -> Page<T> {
    let total = all.len();
    let items = all.into_iter().skip((page - 1).saturating_mul(per_page)).take(per_page).collect();
    Page { items, total, page, per_page }
}

/// Every category and life event, with their service counts.
#[utoipa::path(get, path = "/api/catalog/categories", tag = "catalog", responses((status = 200, description = "Categories and life events", body = Categories)))]
async fn categories(State(state): State<AppState>) -> Response {
    cached(state.catalog().categories())
}

/// Every agency, in catalog order, paged; `connected` and `stage` are as
/// the window verifies them now.
#[utoipa::path(get, path = "/api/catalog/agencies", tag = "catalog", params(PageParams),
    responses((status = 200, description = "Agencies", body = Page<Agency>), (status = 400, description = "A bad parameter", body = ErrorBody)))]
async fn agencies(State(state): State<AppState>, QueryPairs(raw): QueryPairs) -> Result<Response, AppError> {
    let p = Params::new(raw, &["page", "per_page"])?;
    let (page, per_page) = p.paging()?;
    let live = crate::verify::live_agencies(state.catalog(), state.gateway(), &state.smart().rules);
    Ok(live_cached(page_of(live, page, per_page)))
}

/// Answers that carry the agencies' live connections: ten seconds in caches.
fn live_cached<T: serde::Serialize>(body: T) -> Response {
    ([(header::CACHE_CONTROL, "public, max-age=10")], Json(body)).into_response()
}

/// One agency with its services.
#[utoipa::path(get, path = "/api/catalog/agencies/{id}", tag = "catalog", params(("id" = String, Path, description = "Agency id")),
    responses((status = 200, description = "The agency", body = AgencyDetail), (status = 404, description = "No such agency", body = ErrorBody)))]
async fn agency(State(state): State<AppState>, AppPath(id): AppPath<String>) -> Result<Response, AppError> {
    let mut detail = state.catalog().agency(&id).ok_or(AppError::NotFound { what: "agency", id })?;
    let v = crate::verify::verify(state.catalog(), state.gateway(), &state.smart().rules);
    detail.agency = v.live(detail.agency, &state.catalog().shares());
    Ok(live_cached(detail))
}

/// Services: searched (`q`) and ranked by relevance then popularity, or by
/// popularity alone; filtered; paged.
#[utoipa::path(get, path = "/api/catalog/services", tag = "catalog", params(ServiceFilter, PageParams),
    responses((status = 200, description = "Services", body = Page<ServiceSummary>), (status = 400, description = "A bad parameter", body = ErrorBody)))]
async fn services(State(state): State<AppState>, QueryPairs(raw): QueryPairs) -> Result<Response, AppError> {
    let p = Params::new(raw, &["q", "category", "agency", "event", "kind", "level", "page", "per_page"])?;
    let c = state.catalog();
    let q = p.get("q").map(str::to_owned);
    if let Some(text) = &q {
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(AppError::bad_parameter("q", format!("must be at most {MAX_QUERY_CHARS} characters")));
        }
    }
    let (page, per_page) = p.paging()?;
    let query = ServiceFilter {
        q,
        category: p.known_id("category", |id| c.has_category(id))?,
        agency: p.known_id("agency", |id| c.has_agency(id))?,
        event: p.known_id("event", |id| c.has_event(id))?,
        kind: p.choice("kind", ServiceKind::parse, ServiceKind::expected())?,
        level: p.choice("level", ElectronicLevel::parse, ElectronicLevel::expected())?,
        page,
    };
    Ok(cached(page_of(c.services(&query), page, per_page)))
}

/// One service with everything its page shows.
#[utoipa::path(get, path = "/api/catalog/services/{id}", tag = "catalog", params(("id" = String, Path, description = "Service id")),
    responses((status = 200, description = "The service", body = Service), (status = 404, description = "No such service", body = ErrorBody)))]
async fn service(State(state): State<AppState>, AppPath(id): AppPath<String>) -> Result<Response, AppError> {
    state.catalog().service(&id).map(cached).ok_or(AppError::NotFound { what: "service", id })
}

/// Every service as its page reads it, in one document: what the service
/// worker fetches once the page is idle to keep the whole catalog offline.
/// Revalidated with `If-None-Match`: `304` while the catalog is unchanged.
#[utoipa::path(get, path = "/api/catalog/offline", tag = "catalog",
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of a copy held: 304 if it is still current")),
    responses((status = 200, description = "Every service", body = OfflineCatalog, headers(("ETag" = String, description = "Changes with the catalog"))),
        (status = 304, description = "The copy held is current")))]
async fn offline(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    // Made (and compressed) on first use, which takes a moment: off the
    // serving thread; afterwards, at hand.
    let doc = match state.catalog().offline_made() {
        Some(doc) => doc.clone(),
        None => tokio::task::spawn_blocking(move || state.catalog().offline().clone())
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic())),
    };
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let held = text(header::IF_NONE_MATCH).split(',').any(|t| t.trim() == doc.tag || t.trim() == "*");
    let cache = [(header::CACHE_CONTROL, "no-cache"), (header::ETAG, doc.tag.as_str()), (header::VARY, "accept-encoding")];
    if held {
        return (axum::http::StatusCode::NOT_MODIFIED, cache).into_response();
    }
    // Compressed once (quality 11) rather than per request, when accepted.
    let brotli = text(header::ACCEPT_ENCODING).split(',').any(|e| e.split(';').next().is_some_and(|e| e.trim() == "br"));
    if brotli {
        return (cache, [(header::CONTENT_TYPE, "application/json"), (header::CONTENT_ENCODING, "br")], doc.brotli).into_response();
    }
    (cache, [(header::CONTENT_TYPE, "application/json")], doc.json).into_response()
}

/// The whole catalog in the compact form the browser searches itself (as-you-type
/// suggestions and offline search run the same code as the server).
#[utoipa::path(get, path = "/api/catalog/search-index", tag = "catalog", responses((status = 200, description = "Search index", body = SearchIndexData)))]
async fn search_index(State(state): State<AppState>) -> Response {
    cached(state.catalog().search_data())
}
