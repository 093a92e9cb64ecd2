//! The catalog's search engine in the browser (as-you-type suggestions, and
//! service lists while offline), in a wasm module of its own: fetched the
//! first time a search box is typed in or a list is needed offline, so a
//! first visit does not download it (`cargo xtask build` cuts the client at
//! these functions, like at the lazily loaded pages).

use std::sync::Arc;

use leptos::wasm_split::SplitLoaderError;
use panjere_api::search::SearchIndex;
use panjere_api::{Page, SearchIndexData, ServiceSummary};

use crate::logic::{self, ServiceFilter};

/// The best `limit` services for a query.
pub type Suggest = Arc<dyn Fn(&str, usize) -> Vec<ServiceSummary> + Send + Sync>;

/// Indexes the catalog for as-you-type suggestions.
#[leptos::wasm_split::wasm_split(search_engine, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn suggester(data: SearchIndexData) -> Result<Suggest, SplitLoaderError> {
    let index = SearchIndex::new(&data);
    Ok(Arc::new(move |q: &str, limit: usize| logic::suggestions(&data, &index, q, limit).into_iter().cloned().collect()))
}

/// A service list computed from the cached catalog (`logic::local_services`).
#[leptos::wasm_split::wasm_split(search_engine, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn offline_services(data: SearchIndexData, filter: ServiceFilter) -> Result<Option<Page<ServiceSummary>>, SplitLoaderError> {
    Ok(logic::local_services(&data, &filter))
}
