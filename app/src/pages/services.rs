use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::components::filter_bar::FilterBar;
use crate::components::pager::Pager;
use crate::components::service_list::{ResultsCount, ServiceList};
use crate::fetched::Fetched;
use crate::i18n::{use_i18n, use_title};
use crate::logic::ServiceFilter;

/// The whole catalog, most used first, filtered by kind and level. On a
/// direct visit the server has painted its first page (`Paint::Services`),
/// which stays on screen until the app's own has its data.
#[component]
pub fn ServicesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = Memo::new(move |_| ServiceFilter { q: None, ..ServiceFilter::from_query(|k| query.read().get(k)) });
    let results = Fetched::new(move || {
        let f = filter.get();
        async move { api::services(&f).await }
    });
    use_title(move || Some(i18n.t().services_title().to_owned()));
    view! {
        <div class="wrap">
            <AsyncView
                resource=results
                shell=true
                render=move |page| {
                    let total = page.total;
                    view! {
                        <h1>{move || i18n.t().services_title()}</h1>
                        <p class="lead">{move || i18n.t().services_lead()}</p>
                        <FilterBar filter=filter.get_untracked() path="/services" with_level=true/>
                        <ResultsCount total/>
                        <ServiceList items=page.items/>
                        <Pager filter=filter.get_untracked() total path="/services"/>
                    }
                }
            />
        </div>
    }
}
