use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use panjere_api::requests::RequestDetail;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::components::pay_fee::PayFee;
use crate::components::payment_list::PaymentList;
use crate::components::reply_form::ReplyForm;
use crate::contexts::signed_in_resource;
use crate::fmt::fill;
use crate::i18n::{use_i18n, use_title};
use crate::logic::status_label;

/// A request: the receipt (tracking code, printable) and its timeline,
/// refreshed while the agency works on it.
#[component]
pub fn RequestPage() -> impl IntoView {
    view! {
        <RequestLoader/>
    }
}

#[component]
fn RequestLoader() -> impl IntoView {
    let i18n = use_i18n();
    let id = crate::params::use_id();
    let query = use_query_map();
    let request = signed_in_resource(move || {
        let id = id();
        async move { api::request(&id).await }
    });
    // Refresh every 3 s until the request is finished.
    let handle = set_interval_with_handle(
        move || {
            let done = request.get_untracked().and_then(Result::ok).is_some_and(|r| panjere_api::requests::is_final(&r.summary.status));
            if !done {
                request.refetch();
            }
        },
        std::time::Duration::from_secs(3),
    )
    .ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    use_title(move || Some(i18n.t().request_title.to_owned()));
    let fresh = move || query.read().get("new").is_some();
    let refresh = Callback::new(move |()| request.refetch());
    // The reply being typed, kept across the refreshes.
    let reply = RwSignal::new(String::new());
    view! {
        <div class="wrap narrow">
            <AsyncView resource=request render=move |r| view! { <Receipt r fresh=fresh() refresh reply/> }/>
        </div>
    }
}

#[component]
fn Receipt(r: RequestDetail, fresh: bool, refresh: Callback<()>, reply: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let s = r.summary.clone();
    let code = s.tracking_code.clone();
    let status = s.status.clone();
    let timeline = r.timeline.clone();
    let answers = r.answers.clone();
    let inquiries = r.inquiries;
    let messages = r.messages;
    let asked = (s.status == "more_info").then(|| s.id.clone());
    // Waiting for its fee: paid here, on the provider's page.
    let fee = r.fee_rials.filter(|_| s.status == "awaiting_payment").map(|f| (s.id.clone(), f));
    let payments = r.payments;
    let (service_name, agency_name) = (s.service_name.clone(), s.agency_name.clone());
    view! {
        {fresh.then(|| view! {
            <div class="panel-confirmation" role="status">
                <h1>{move || i18n.t().request_submitted}</h1>
                <p>{move || i18n.t().request_your_code}</p>
                <p class="tracking-code" dir="ltr" id="tracking-code">{code.clone()}</p>
            </div>
        })}
        {(!fresh).then(|| view! { <h1>{move || i18n.t().request_title}</h1> })}
        <dl class="summary-list" id="request-summary">
            <div class="summary-row"><dt>{move || i18n.t().request_service}</dt><dd>{move || service_name.get(i18n.get()).to_owned()}</dd></div>
            <div class="summary-row"><dt>{move || i18n.t().request_agency}</dt><dd>{move || agency_name.get(i18n.get()).to_owned()}</dd></div>
            <div class="summary-row"><dt>{move || i18n.t().request_tracking_code}</dt><dd dir="ltr" class="code">{s.tracking_code.clone()}</dd></div>
            <div class="summary-row">
                <dt>{move || i18n.t().request_status}</dt>
                <dd><span class=format!("badge req-{}", s.status) id="request-status">{move || status_label(&status, i18n.t())}</span></dd>
            </div>
            <div class="summary-row"><dt>{move || i18n.t().request_submitted_at}</dt><dd>{move || crate::fmt::time(&s.created_at, i18n.get())}</dd></div>
        </dl>
        {(!messages.is_empty()).then(|| view! {
            <h2>{move || i18n.t().request_messages}</h2>
            <ul class="messages" id="agency-messages">
                {messages.into_iter().map(|m| {
                    let at = m.at.clone();
                    view! {
                        <li>
                            <p>{move || m.text.get(i18n.get()).to_owned()}</p>
                            <p class="hint">{move || crate::fmt::time(&at, i18n.get())}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        {asked.map(|id| view! { <ReplyForm id sent=refresh text=reply/> })}
        {fee.map(|(request, fee_rials)| view! { <PayFee request fee_rials/> })}
        {(!payments.is_empty()).then(|| view! {
            <h2>{move || i18n.t().request_payments}</h2>
            <PaymentList items=payments id="request-payments"/>
        })}
        <h2>{move || i18n.t().request_timeline}</h2>
        <ol class="timeline" id="timeline">
            {timeline
                .into_iter()
                .map(|e| {
                    let st = e.status.clone();
                    view! {
                        <li data-status=e.status>
                            <strong>{move || status_label(&st, i18n.t())}</strong>
                            " · "
                            <span>{move || crate::fmt::time(&e.at, i18n.get())}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        {(!inquiries.is_empty()).then(|| view! {
            <h2>{move || i18n.t().request_window_asked}</h2>
            <ul class="inquiries">
                {inquiries.into_iter().map(|i| {
                    let text = move || fill(i18n.t().request_asked_at, &[("what", i.label.get(i18n.get())), ("agency", i.agency_name.get(i18n.get())), ("time", &crate::fmt::time(&i.answered_at, i18n.get()))]);
                    view! { <li>{text}</li> }
                }).collect_view()}
            </ul>
        })}
        <h2>{move || i18n.t().request_answers}</h2>
        <dl class="summary-list">
            {answers.into_iter().map(|a| view! {
                <div class="summary-row"><dt>{move || a.label.get(i18n.get()).to_owned()}</dt><dd>{move || a.value.get(i18n.get()).to_owned()}</dd></div>
            }).collect_view()}
        </dl>
        <div class="button-row no-print">
            <button type="button" class="button secondary" on:click=move |_| { let _ = window().print(); }>{move || i18n.t().request_print}</button>
            <a class="button secondary" href="/requests">{move || i18n.t().requests_title}</a>
        </div>
    }
}
