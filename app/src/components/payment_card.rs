use leptos::prelude::*;
use panjere_api::payments::Payment;

use crate::i18n::use_i18n;
use crate::logic::{payment_state_label, rials_text};

/// One payment in a list: what it paid for, how much, its state, when.
/// Its title is a heading one level under the list's own (`h2` in a list
/// right under the page's heading, else `h3`).
#[component]
pub fn PaymentCard(p: Payment, #[prop(optional)] top: bool) -> impl IntoView {
    let i18n = use_i18n();
    let (title, state, at) = (p.title.clone(), p.state.clone(), p.paid_at.clone().unwrap_or_else(|| p.created_at.clone()));
    let refunded = p.refunds.iter().any(|r| r.state == "refunded");
    view! {
        <li class="session-card" data-state=p.state>
            {
                let link = view! { <a href=format!("/payments/{}", p.id)>{move || title.get(i18n.get()).to_owned()}</a> };
                if top {
                    view! { <h2 class="session-device">{link}</h2> }.into_any()
                } else {
                    view! { <h3 class="session-device">{link}</h3> }.into_any()
                }
            }
            <p>{move || rials_text(p.amount_rials.max(0) as u64, i18n.t())}</p>
            <p>
                <span class=format!("badge pay-{}", p.state)>{move || payment_state_label(&state, i18n.t())}</span>
                {refunded.then(|| view! { " " <span class="badge pay-refunded">{move || i18n.t().pay_refunded}</span> })}
            </p>
            <p class="hint">{move || crate::fmt::time(&at, i18n.get())}</p>
        </li>
    }
}
