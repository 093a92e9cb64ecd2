use leptos::prelude::*;
use panjere_api::requests::{RequestSummary, STATUSES};

use crate::api;
use crate::components::async_view::AsyncView;
use crate::contexts::signed_in_resource;
use crate::i18n::{use_i18n, use_title};
use crate::logic::status_label;

/// "My requests", filterable by status.
#[component]
pub fn RequestsPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || Some(i18n.t().requests_title().to_owned()));
    view! {
        <RequestList/>
    }
}

#[component]
fn RequestList() -> impl IntoView {
    let i18n = use_i18n();
    let list = signed_in_resource(api::requests);
    let filter = RwSignal::new(String::new());
    view! {
        <div class="wrap narrow">
            <h1>{move || i18n.t().requests_title()}</h1>
            <p><a href="/payments" id="my-payments">{move || i18n.t().payments_title()}</a></p>
            <div class="field">
                <label for="status-filter">{move || i18n.t().requests_filter()}</label>
                <select id="status-filter" on:change=move |ev| filter.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t().requests_all()}</option>
                    {STATUSES.iter().map(|s| view! { <option value=*s>{move || status_label(s, i18n.t())}</option> }).collect_view()}
                </select>
            </div>
            <AsyncView
                resource=list
                render=move |r| {
                    let items = r.items;
                    move || {
                        let f = filter.get();
                        let shown: Vec<RequestSummary> = items.iter().filter(|r| f.is_empty() || r.status == f).cloned().collect();
                        if shown.is_empty() {
                            view! { <p class="empty">{i18n.t().requests_none()}</p> }.into_any()
                        } else {
                            view! { <ul class="session-list" id="requests">{shown.into_iter().map(|r| view! { <RequestCard r/> }).collect_view()}</ul> }.into_any()
                        }
                    }
                }
            />
        </div>
    }
}

#[component]
fn RequestCard(r: RequestSummary) -> impl IntoView {
    let i18n = use_i18n();
    let status = r.status.clone();
    view! {
        <li class="session-card">
            <h2 class="session-device"><a href=format!("/requests/{}", r.id)>{move || r.service_name.get(i18n.get()).to_owned()}</a></h2>
            <p><span class=format!("badge req-{}", r.status)>{move || status_label(&status, i18n.t())}</span></p>
            <p dir="ltr" class="code">{r.tracking_code.clone()}</p>
            <p>{move || crate::fmt::time(&r.updated_at, i18n.get())}</p>
        </li>
    }
}
