use leptos::prelude::*;
use panjere_api::markup::service_cards;
use panjere_api::ServiceSummary;

use crate::i18n::use_i18n;
use crate::logic::Labels;

/// A list of services as cards: name (link), agency, kind, level, summary.
/// The cards are `panjere_api::markup`'s, the markup the server paints a
/// list with before the app arrives.
#[component]
pub fn ServiceList(items: Vec<ServiceSummary>) -> impl IntoView {
    let i18n = use_i18n();
    view! { <ul class="cards service-list" inner_html=move || service_cards(&items, &Labels(i18n.t()))></ul> }
}

/// The number of results above a list (a live region).
#[component]
pub fn ResultsCount(total: usize) -> impl IntoView {
    let i18n = use_i18n();
    view! { <div role="status" inner_html=move || panjere_api::markup::results_count(total, &Labels(i18n.t()))></div> }
}
