use leptos::prelude::*;
use panjere_api::requests::DataUseItem;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::contexts::signed_in_resource;
use crate::fmt::fill;
use crate::i18n::{use_i18n, use_title};

/// "Who used my data": every call the window made about the citizen, read
/// from the audit log.
#[component]
pub fn DataUsePage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || Some(i18n.t().data_use_title().to_owned()));
    view! {
        <DataUseList/>
    }
}

#[component]
fn DataUseList() -> impl IntoView {
    let i18n = use_i18n();
    let uses = signed_in_resource(api::data_use);
    view! {
        <div class="wrap narrow">
            <h1>{move || i18n.t().data_use_title()}</h1>
            <p class="lead">{move || i18n.t().data_use_lead()}</p>
            <AsyncView
                resource=uses
                render=move |u| {
                    view! { <ul class="session-list" id="data-use">{u.items.into_iter().map(|item| view! { <Use item/> }).collect_view()}</ul> }
                }
            />
        </div>
    }
}

#[component]
fn Use(item: DataUseItem) -> impl IntoView {
    let i18n = use_i18n();
    let DataUseItem { at, agency_name, operation, requested_by_name, tracking_code, offer_title, outcome } = item;
    let requested_by = requested_by_name.as_ref().map(|t| t.en.clone()).unwrap_or_default();
    let op = operation.clone();
    let who = move || match &requested_by_name {
        Some(a) => fill(i18n.t().data_use_on_behalf(), &[("by", a.get(i18n.get())), ("agency", agency_name.get(i18n.get()))]),
        None => fill(i18n.t().data_use_by_window(), &[("agency", agency_name.get(i18n.get()))]),
    };
    view! {
        <li class="session-card" data-operation=operation data-by=requested_by>
            <p><strong>{who}</strong></p>
            <p class="hint" dir="ltr">{op}</p>
            {offer_title.map(|t| view! { <p>{move || fill(i18n.t().data_use_for_offer(), &[("title", t.get(i18n.get()))])}</p> })}
            {tracking_code.map(|c| view! { <p>{move || fill(i18n.t().data_use_for_request(), &[("code", &c)])}</p> })}
            <p class="hint">{move || crate::fmt::time(&at, i18n.get())}{(outcome != "ok").then(|| format!(" · {outcome}"))}</p>
        </li>
    }
}
