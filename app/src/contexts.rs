//! App-wide state: the catalog search index, loaded on first use and shared
//! by every search box (as-you-type suggestions run in the browser with the
//! same search code as the server).

use std::sync::Arc;

use leptos::prelude::*;
use panjere_api::search::SearchIndex;
use panjere_api::SearchIndexData;

use crate::api::{self, FetchError};

/// The catalog as the browser searches it.
pub struct LoadedIndex {
    pub data: SearchIndexData,
    pub index: SearchIndex,
}

#[derive(Clone, Copy)]
pub struct CatalogIndex {
    wanted: RwSignal<bool>,
    pub resource: LocalResource<Result<Option<Arc<LoadedIndex>>, FetchError>>,
}

impl CatalogIndex {
    /// Starts loading the index (idempotent): called when a search box is
    /// first used, so pages that never search never download it.
    pub fn want(self) {
        if !self.wanted.get_untracked() {
            self.wanted.set(true);
        }
    }

    /// The index once loaded.
    pub fn get(self) -> Option<Arc<LoadedIndex>> {
        self.resource.get().and_then(Result::ok).flatten()
    }
}

pub fn provide_catalog_index() {
    let wanted = RwSignal::new(false);
    let resource = LocalResource::new(move || {
        let want = wanted.get();
        async move {
            if !want {
                return Ok(None);
            }
            let data = api::search_index().await?;
            let index = SearchIndex::new(&data);
            Ok(Some(Arc::new(LoadedIndex { data, index })))
        }
    });
    provide_context(CatalogIndex { wanted, resource });
}

pub fn use_catalog_index() -> CatalogIndex {
    expect_context::<CatalogIndex>()
}
