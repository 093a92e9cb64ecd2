use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use panjere_api::markup::receipt;
use panjere_api::requests::RequestDetail;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::components::pay_fee::PayFee;
use crate::components::reply_form::ReplyForm;
use crate::contexts::painted_resource;
use crate::i18n::{use_i18n, use_title};
use crate::logic::ReceiptLabels;

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
    let request = painted_resource(move || {
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
            <AsyncView resource=request shell=true render=move |r| view! { <Receipt r fresh=fresh() refresh reply/> }/>
        </div>
    }
}

/// The receipt: what is only read is `panjere_api::markup::receipt`'s, the
/// markup the server paints it with before the app arrives; between its
/// parts, what the citizen acts on.
#[component]
fn Receipt(r: RequestDetail, fresh: bool, refresh: Callback<()>, reply: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let asked = (r.summary.status == "more_info").then(|| r.summary.id.clone());
    // Waiting for its fee: paid here, on the provider's page.
    let fee = r.fee_due().map(|f| (r.summary.id.clone(), f));
    let r = std::sync::Arc::new(r);
    let (top, payments, record) = (r.clone(), r.clone(), r);
    view! {
        <div class="receipt-top" inner_html=move || receipt::request_top(&top, fresh, &ReceiptLabels(i18n.t()))></div>
        {asked.map(|id| view! { <ReplyForm id sent=refresh text=reply/> })}
        {fee.map(|(request, fee_rials)| view! { <PayFee request fee_rials/> })}
        <div class="receipt-payments" inner_html=move || receipt::request_payments(&payments, &ReceiptLabels(i18n.t()))></div>
        <div class="receipt-record" inner_html=move || receipt::request_record(&record, &ReceiptLabels(i18n.t()))></div>
        <div class="button-row no-print">
            <button type="button" class="button secondary" on:click=move |_| { let _ = window().print(); }>{move || i18n.t().request_print}</button>
            <a class="button secondary" href="/requests">{move || i18n.t().requests_title}</a>
        </div>
    }
}
