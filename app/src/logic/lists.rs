//! Lists of services and agencies: paging, the browser's own search of the
//! cached index (offline), filtering agencies, as-you-type suggestions.

use panjere_api::normalize::normalize;
use panjere_api::search::SearchIndex;
use panjere_api::{Agency, SearchIndexData, ServiceSummary};

/// Percent-encodes a URL query or path component (one implementation
/// with the server's).
pub use panjere_api::url::encode;

/// Filters and page of a service list (the search page, the catalog, a
/// topic page), as in the address bar and the API: the server's own type.
pub use panjere_api::filter::{ServiceFilter, PER_PAGE};

/// Number of pages for `total` items.
pub fn page_count(total: usize, per_page: usize) -> usize {
    total.div_ceil(per_page.max(1)).max(1)
}

/// The catalog's list answer computed in the browser from the cached
/// search index, the same way the server computes it: offline search and
/// lists. `None` when the filter needs what the index lacks (life events,
/// in an index cached before it carried them).
pub fn local_services(data: &SearchIndexData, f: &ServiceFilter) -> Option<panjere_api::Page<ServiceSummary>> {
    if f.event.is_some() && data.life_events.len() != data.services.len() {
        return None;
    }
    let matches = |i: usize| {
        let s = &data.services[i];
        f.admits(&s.category, &s.agency, s.kind, s.level, data.life_events.get(i).map(Vec::as_slice))
    };
    let found: Vec<&ServiceSummary> = match f.text() {
        Some(q) => SearchIndex::new(data)
            .search(q)
            .into_iter()
            .map(|h| h.index)
            .filter(|&i| i < data.services.len() && matches(i))
            .map(|i| &data.services[i])
            .collect(),
        None => (0..data.services.len()).filter(|&i| matches(i)).map(|i| &data.services[i]).collect(),
    };
    let page = f.page.max(1);
    let items = found.iter().skip((page - 1) * PER_PAGE).take(PER_PAGE).map(|s| (*s).clone()).collect();
    Some(panjere_api::Page { items, total: found.len(), page, per_page: PER_PAGE })
}

/// Agencies whose Persian, English or short name holds `text` (normalised:
/// Arabic letters, digits and ZWNJ do not matter).
pub fn filter_agencies<'a>(agencies: &'a [Agency], text: &str) -> Vec<&'a Agency> {
    let needle = normalize(text);
    if needle.is_empty() {
        return agencies.iter().collect();
    }
    agencies
        .iter()
        .filter(|a| {
            let mut names = vec![&a.name.fa, &a.name.en, &a.id];
            if let Some(s) = &a.short_name {
                names.extend([&s.fa, &s.en]);
            }
            names.into_iter().any(|n| normalize(n).contains(&needle))
        })
        .collect()
}

/// As-you-type suggestions: the best `limit` services for `q`.
pub fn suggestions<'a>(data: &'a SearchIndexData, index: &SearchIndex, q: &str, limit: usize) -> Vec<&'a ServiceSummary> {
    index.search(q).into_iter().take(limit).map(|h| &data.services[h.index]).collect()
}
