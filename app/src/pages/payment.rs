use leptos::prelude::*;
use panjere_api::payments::Payment;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::contexts::signed_in_resource;
use crate::fmt::fill;
use crate::i18n::{use_i18n, use_title, Lang};
use crate::logic::{payment_is_open, payment_state_label, payment_state_lead, rials_text};

/// A payment: where it stands (asked again every 2 s while it can still
/// change) and, once successful, its receipt.
#[component]
pub fn PaymentPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = crate::params::use_id();
    let payment = signed_in_resource(move || {
        let id = id();
        async move { api::payment(&id).await }
    });
    let handle = set_interval_with_handle(
        move || {
            if payment.get_untracked().and_then(Result::ok).is_none_or(|p| payment_is_open(&p)) {
                payment.refetch();
            }
        },
        std::time::Duration::from_secs(2),
    )
    .ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    use_title(move || Some(i18n.t().pay_title.to_owned()));
    view! {
        <div class="wrap narrow">
            <AsyncView resource=payment render=move |p| view! { <PaymentView p/> }/>
        </div>
    }
}

#[component]
fn PaymentView(p: Payment) -> impl IntoView {
    let i18n = use_i18n();
    let state = p.state.clone();
    let success = state == "success";
    let (title, payee) = (p.title.clone(), p.payee.clone());
    let amount = p.amount_rials.max(0) as u64;
    let lead = {
        let state = state.clone();
        move || payment_state_lead(&state, i18n.t())
    };
    let heading = {
        let state = state.clone();
        move || if success { i18n.t().pay_receipt_title.to_owned() } else { payment_state_label(&state, i18n.t()).to_owned() }
    };
    let paid_at = p.paid_at.clone();
    let request = p.request_id.clone();
    let again = request.clone().filter(|_| matches!(state.as_str(), "cancelled" | "expired" | "failed" | "reversed"));
    let refunds = p.refunds.clone();
    view! {
        <div class=if success { "panel-confirmation" } else { "panel" } role="status" id="payment-state" data-state=state>
            <h1>{heading}</h1>
            <p>{lead}</p>
        </div>
        {p.payment_url.clone().map(|url| view! {
            <p><a class="button" id="continue-payment" href=url>{move || i18n.t().pay_continue}</a></p>
        })}
        <dl class="summary-list" id="receipt">
            <div class="summary-row"><dt>{move || i18n.t().pay_for}</dt><dd>{move || title.get(i18n.get()).to_owned()}</dd></div>
            <div class="summary-row"><dt>{move || i18n.t().pay_payee}</dt><dd>{move || payee.get(i18n.get()).to_owned()}</dd></div>
            <div class="summary-row"><dt>{move || i18n.t().pay_amount}</dt><dd id="receipt-amount">{move || rials_text(amount, i18n.t())}</dd></div>
            {p.reference.clone().map(|r| view! {
                <div class="summary-row"><dt>{move || i18n.t().pay_reference}</dt><dd dir="ltr" class="code" id="receipt-reference">{r}</dd></div>
            })}
            {paid_at.map(|at| {
                let jalali = at.clone();
                view! {
                    <div class="summary-row"><dt>{move || i18n.t().pay_date}</dt><dd>{move || crate::fmt::time(&at, i18n.get())}</dd></div>
                    <Show when=move || i18n.get() == Lang::En>
                        <div class="summary-row"><dt>{move || i18n.t().pay_date_jalali}</dt><dd>{crate::fmt::time(&jalali, Lang::Fa)}</dd></div>
                    </Show>
                }
            })}
            {p.card.clone().map(|c| view! {
                <div class="summary-row"><dt>{move || i18n.t().pay_card}</dt><dd dir="ltr" class="code">{c}</dd></div>
            })}
            {p.tracking_code.clone().map(|c| view! {
                <div class="summary-row"><dt>{move || i18n.t().request_tracking_code}</dt><dd dir="ltr" class="code">{c}</dd></div>
            })}
            {p.bill_id.map(|b| view! {
                <div class="summary-row"><dt>{move || i18n.t().bill_id}</dt><dd dir="ltr" class="code">{b}</dd></div>
            })}
        </dl>
        {(!refunds.is_empty()).then(|| view! {
            <h2>{move || i18n.t().pay_refunds}</h2>
            <ul class="messages" id="refunds">
                {refunds.into_iter().map(|r| {
                    let done = r.state == "refunded";
                    let text = move || {
                        let amount = rials_text(r.amount_rials.max(0) as u64, i18n.t());
                        let template = if done { i18n.t().pay_refund_done } else { i18n.t().pay_refund_requested };
                        fill(template, &[("amount", &amount), ("reference", r.reference.as_deref().unwrap_or(""))])
                    };
                    let reason = r.reason.clone();
                    view! { <li data-state=r.state><p>{text}</p><p class="hint">{move || reason.get(i18n.get()).to_owned()}</p></li> }
                }).collect_view()}
            </ul>
        })}
        <div class="button-row no-print">
            {again.map(|r| view! { <a class="button" id="pay-again" href=format!("/requests/{r}")>{move || i18n.t().pay_again}</a> })}
            {request.map(|r| view! { <a class="button secondary" href=format!("/requests/{r}")>{move || i18n.t().pay_to_request}</a> })}
            {success.then(|| view! {
                <button type="button" class="button secondary" on:click=move |_| { let _ = window().print(); }>{move || i18n.t().request_print}</button>
            })}
            <a class="button secondary" href="/payments">{move || i18n.t().payments_title}</a>
        </div>
    }
}
