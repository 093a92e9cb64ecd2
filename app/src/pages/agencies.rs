use leptos::prelude::*;
use panjere_api::markup::agency_cards;
use panjere_api::{Agency, Page};

use crate::api;
use crate::components::async_view::AsyncView;
use crate::fetched::Fetched;
use crate::fmt::{fill, num};
use crate::i18n::{use_i18n, use_title};
use crate::logic::{filter_agencies, Labels};

/// Every executive agency with its connection status, filterable by name.
/// On a direct visit the server has painted the whole list
/// (`Paint::Agencies`), which stays on screen until the app's has its data.
#[component]
pub fn AgenciesPage() -> impl IntoView {
    let i18n = use_i18n();
    let agencies = Fetched::new(api::agencies);
    use_title(move || Some(i18n.t().agencies_title().to_owned()));
    view! {
        <div class="wrap">
            <AsyncView resource=agencies shell=true render=move |page| view! {
                <h1>{move || i18n.t().agencies_title()}</h1>
                <AgencyDirectory page/>
            }/>
        </div>
    }
}

/// The filter box and the list of agencies. What was typed in the painted
/// box before the app took over is kept.
#[component]
fn AgencyDirectory(page: Page<Agency>) -> impl IntoView {
    let i18n = use_i18n();
    let total = page.total;
    let connected = page.items.iter().filter(|a| a.connected).count();
    let all = StoredValue::new(page.items);
    let text = RwSignal::new(String::new());
    crate::shell::keep_typed("agency-filter", text);
    let shown = Memo::new(move |_| all.with_value(|a| filter_agencies(a, &text.get()).into_iter().cloned().collect::<Vec<_>>()));
    view! {
        <p class="lead">
            {move || {
                let lang = i18n.get();
                fill(i18n.t().agencies_lead(), &[("connected", &num(connected as u64, lang)), ("total", &num(total as u64, lang))])
            }}
        </p>
        <div class="field">
            <label for="agency-filter">{move || i18n.t().agencies_filter_label()}</label>
            <p class="hint" id="agency-filter-hint">{move || i18n.t().agencies_filter_hint()}</p>
            <input id="agency-filter" type="search" aria-describedby="agency-filter-hint" autocomplete="off"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/>
        </div>
        <p class="count" role="status">
            {move || {
                let n = shown.read().len();
                if n == 0 { i18n.t().agencies_none().to_owned() } else { fill(i18n.t().agencies_shown(), &[("n", &num(n as u64, i18n.get()))]) }
            }}
        </p>
        // The list as one piece of markup, as the server paints it: 72 cards
        // built one by one (each its own reactive node) were most of the
        // page's first render on a phone.
        <ul class="cards agency-list" inner_html=move || shown.with(|a| agency_cards(a, &Labels(i18n.t())))></ul>
    }
}
