use leptos::prelude::*;
use panjere_api::{Agency, Page};

use crate::api;
use crate::components::async_view::AsyncView;
use crate::fetched::Fetched;
use crate::fmt::{fill, num};
use crate::i18n::{use_i18n, use_title};
use crate::logic::{filter_agencies, stage_label};

/// Every executive agency with its connection status, filterable by name.
#[component]
pub fn AgenciesPage() -> impl IntoView {
    let i18n = use_i18n();
    let agencies = Fetched::new(api::agencies);
    use_title(move || Some(i18n.t().agencies_title.to_owned()));
    view! {
        <div class="wrap">
            <h1>{move || i18n.t().agencies_title}</h1>
            <AsyncView resource=agencies render=|page| view! { <AgencyDirectory page/> }/>
        </div>
    }
}

/// The filter box and the list of agencies.
#[component]
fn AgencyDirectory(page: Page<Agency>) -> impl IntoView {
    let i18n = use_i18n();
    let total = page.total;
    let connected = page.items.iter().filter(|a| a.connected).count();
    let all = StoredValue::new(page.items);
    let text = RwSignal::new(String::new());
    let shown = Memo::new(move |_| all.with_value(|a| filter_agencies(a, &text.get()).into_iter().cloned().collect::<Vec<_>>()));
    view! {
        <p class="lead">
            {move || {
                let lang = i18n.get();
                fill(i18n.t().agencies_lead, &[("connected", &num(connected as u64, lang)), ("total", &num(total as u64, lang))])
            }}
        </p>
        <div class="field">
            <label for="agency-filter">{move || i18n.t().agencies_filter_label}</label>
            <p class="hint" id="agency-filter-hint">{move || i18n.t().agencies_filter_hint}</p>
            <input id="agency-filter" type="search" aria-describedby="agency-filter-hint" autocomplete="off"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/>
        </div>
        <p class="count" role="status">
            {move || {
                let n = shown.read().len();
                if n == 0 { i18n.t().agencies_none.to_owned() } else { fill(i18n.t().agencies_shown, &[("n", &num(n as u64, i18n.get()))]) }
            }}
        </p>
        <ul class="cards agency-list">
            <For each=move || shown.get() key=|a| a.id.clone() children=move |a| {
                let href = format!("/agencies/{}", a.id);
                let (name, desc) = (a.name.clone(), a.description.clone());
                let (is_connected, stage, count) = (a.connected, a.stage, a.service_count);
                view! {
                    <li class="card">
                        <h2 class="h3"><a href=href>{move || name.get(i18n.get()).to_owned()}</a></h2>
                        <p class="meta">
                            {move || if is_connected {
                                view! { <span class="badge ok">{i18n.t().agency_connected}</span> }.into_any()
                            } else {
                                view! { <span class="badge warn">{i18n.t().agency_not_connected}</span> }.into_any()
                            }}
                            {(is_connected).then(|| view! { <span class="badge">{move || stage_label(stage, i18n.t())}</span> })}
                            <span>{move || fill(i18n.t().services_count, &[("n", &num(count as u64, i18n.get()))])}</span>
                        </p>
                        <p>{move || desc.get(i18n.get()).to_owned()}</p>
                    </li>
                }
            }/>
        </ul>
    }
}
