//! The catalog's search engine in the browser (as-you-type suggestions, and
//! service lists while offline) with the reading of the search index it
//! works on, in a wasm module of its own: fetched the first time a search
//! box is typed in or a list is needed offline, so a first visit does not
//! download it (`cargo xtask build` cuts the client at these functions, as
//! at the lazily loaded pages).

use std::sync::Arc;

use leptos::wasm_split::SplitLoaderError;
use panjere_api::search::SearchIndex;
use panjere_api::{Page, SearchIndexData, ServiceSummary};

use crate::logic::{self, ServiceFilter};

/// The best `limit` services for a query.
pub type Suggest = Arc<dyn Fn(&str, usize) -> Vec<ServiceSummary> + Send + Sync>;

/// Indexes the catalog (the search index's JSON) for as-you-type
/// suggestions; `None` if the JSON is not a search index.
#[leptos::wasm_split::wasm_split(search_engine, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn suggester(index_json: String) -> Result<Option<Suggest>, SplitLoaderError> {
    let Ok(data) = serde_json::from_str::<SearchIndexData>(&index_json) else {
        return Ok(None);
    };
    let index = SearchIndex::new(&data);
    Ok(Some(Arc::new(move |q: &str, limit: usize| logic::suggestions(&data, &index, q, limit).into_iter().cloned().collect())))
}

/// A service list computed from the cached catalog (the search index's
/// JSON, `logic::local_services`); `None` if the JSON is not a search index
/// or the filter needs what it lacks.
#[leptos::wasm_split::wasm_split(search_engine, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn offline_services(index_json: String, filter: ServiceFilter) -> Result<Option<Page<ServiceSummary>>, SplitLoaderError> {
    Ok(serde_json::from_str::<SearchIndexData>(&index_json).ok().and_then(|data| logic::local_services(&data, &filter)))
}
