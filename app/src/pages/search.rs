use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::components::filter_bar::FilterBar;
use crate::components::pager::Pager;
use crate::components::search_box::SearchBox;
use crate::components::service_list::{ResultsCount, ServiceList};
use crate::fetched::Fetched;
use crate::fmt::fill;
use crate::i18n::{use_i18n, use_title};
use crate::logic::ServiceFilter;

/// Search results at a shareable address: `/search?q=…&kind=…&page=…`.
#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = Memo::new(move |_| ServiceFilter::from_query(|k| query.read().get(k)));
    let results = Fetched::new(move || {
        let f = filter.get();
        async move {
            match f.q {
                None => Ok(None),
                Some(_) => api::services(&f).await.map(Some),
            }
        }
    });
    let heading = move || match filter.read().q.clone() {
        Some(q) => fill(i18n.t().search_results_for(), &[("q", &q)]),
        None => i18n.t().search_title().to_owned(),
    };
    use_title(move || Some(heading()));
    view! {
        <div class="wrap">
            <h1>{heading}</h1>
            <SearchBox id="search-page" initial=filter.get_untracked().q.unwrap_or_default()/>
            {move || filter.get().q.is_some().then(|| view! { <FilterBar filter=filter.get() path="/search"/> })}
            // On a direct visit, the results the server painted stay until the app's arrive.
            <div class="results"><AsyncView
                resource=results
                part=".results"
                render=move |page| match page {
                    None => view! { <p class="empty">{move || i18n.t().search_empty_query()}</p> }.into_any(),
                    Some(page) if page.total == 0 => view! {
                        <div class="empty" role="status">
                            <h2>{move || i18n.t().search_no_results()}</h2>
                            <p>{move || i18n.t().search_no_results_hint()}</p>
                            <p><a href="/">{move || i18n.t().categories_title()}</a></p>
                        </div>
                    }.into_any(),
                    Some(page) => {
                        let total = page.total;
                        view! {
                            <ResultsCount total/>
                            <ServiceList items=page.items/>
                            <Pager filter=filter.get_untracked() total path="/search"/>
                        }.into_any()
                    }
                }
            /></div>
        </div>
    }
}
