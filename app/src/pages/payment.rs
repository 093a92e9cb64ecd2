use leptos::prelude::*;
use panjere_api::markup::receipt;
use panjere_api::payments::Payment;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::contexts::painted_resource;
use crate::i18n::{use_i18n, use_title};
use crate::logic::{payment_is_open, ReceiptLabels};
use crate::polled::Polled;

/// A payment: where it stands (asked again every 2 s while it can still
/// change) and, once successful, its receipt.
#[component]
pub fn PaymentPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = crate::params::use_id();
    let payment = painted_resource(move || {
        let id = id();
        async move { api::payment(&id).await }
    });
    use_title(move || Some(i18n.t().pay_title().to_owned()));
    view! {
        <div class="wrap narrow">
            <AsyncView resource=payment shell=true render=move |p| view! { <PaymentView p/> }/>
        </div>
    }
}

/// The payment's state and receipt are `panjere_api::markup::receipt`'s,
/// the markup the server paints them with before the app arrives. Asked
/// again every 2 s while it can still change, and redrawn only when it does.
#[component]
fn PaymentView(p: Payment) -> impl IntoView {
    let i18n = use_i18n();
    let id = p.id.clone();
    let payment = Polled::signed_in(
        p,
        std::time::Duration::from_secs(2),
        move || {
            let id = id.clone();
            async move { api::payment(&id).await }
        },
        payment_is_open,
    );
    let p = payment.value();
    let success = Memo::new(move |_| p.with(|p| p.state == "success"));
    let request = Memo::new(move |_| p.with(|p| p.request_id.clone()));
    let again = Memo::new(move |_| {
        p.with(|p| p.request_id.clone().filter(|_| matches!(p.state.as_str(), "cancelled" | "expired" | "failed" | "reversed")))
    });
    let top = Memo::new(move |_| p.with(|p| receipt::payment_receipt(p, &ReceiptLabels(i18n.t()))));
    view! {
        <div class="receipt-top" inner_html=move || top.get()></div>
        <div class="button-row no-print">
            {move || again.get().map(|r| view! { <a class="button" id="pay-again" href=format!("/requests/{r}")>{move || i18n.t().pay_again()}</a> })}
            {move || request.get().map(|r| view! { <a class="button secondary" href=format!("/requests/{r}")>{move || i18n.t().pay_to_request()}</a> })}
            {move || success.get().then(|| view! {
                <button type="button" class="button secondary" on:click=move |_| { let _ = window().print(); }>{move || i18n.t().request_print()}</button>
            })}
            <a class="button secondary" href="/payments">{move || i18n.t().payments_title()}</a>
        </div>
    }
}
