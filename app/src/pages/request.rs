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
use crate::polled::Polled;

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
    use_title(move || Some(i18n.t().request_title().to_owned()));
    let fresh = move || query.read().get("new").is_some();
    view! {
        <div class="wrap narrow">
            <AsyncView resource=request shell=true render=move |r| view! { <Receipt r fresh=fresh()/> }/>
        </div>
    }
}

/// The receipt: what is only read is `panjere_api::markup::receipt`'s, the
/// markup the server paints it with before the app arrives; between its
/// parts, what the citizen acts on. Asked again every 3 s until the request
/// is finished; each part is redrawn only when it changes, so an answer
/// being typed keeps its field (and its focus) while the agency works.
#[component]
fn Receipt(r: RequestDetail, fresh: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = r.summary.id.clone();
    let request = Polled::signed_in(
        r,
        std::time::Duration::from_secs(3),
        move || {
            let id = id.clone();
            async move { api::request(&id).await }
        },
        |r| !panjere_api::requests::is_final(&r.summary.status),
    );
    let refresh = Callback::new(move |()| request.refresh());
    let r = request.value();
    let asked = Memo::new(move |_| r.with(|r| (r.summary.status == "more_info").then(|| r.summary.id.clone())));
    // Waiting for its fee: paid here, on the provider's page.
    let fee = Memo::new(move |_| r.with(|r| r.fee_due().map(|f| (r.summary.id.clone(), f))));
    let labels = move || ReceiptLabels(i18n.t());
    let top = Memo::new(move |_| r.with(|r| receipt::request_top(r, fresh, &labels())));
    let payments = Memo::new(move |_| r.with(|r| receipt::request_payments(r, &labels())));
    let record = Memo::new(move |_| r.with(|r| receipt::request_record(r, &labels())));
    view! {
        <div class="receipt-top" inner_html=move || top.get()></div>
        {move || asked.get().map(|id| view! { <ReplyForm id sent=refresh/> })}
        {move || fee.get().map(|(request, fee_rials)| view! { <PayFee request fee_rials/> })}
        <div class="receipt-payments" inner_html=move || payments.get()></div>
        <div class="receipt-record" inner_html=move || record.get()></div>
        <div class="button-row no-print">
            <button type="button" class="button secondary" on:click=move |_| { let _ = window().print(); }>{move || i18n.t().request_print()}</button>
            <a class="button secondary" href="/requests">{move || i18n.t().requests_title()}</a>
        </div>
    }
}
