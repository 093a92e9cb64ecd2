use leptos::prelude::*;

use crate::api::{self, FetchError};
use crate::components::reauth_prompt::ReauthPrompt;
use crate::contexts::signed_in_action;
use crate::i18n::use_i18n;
use crate::logic::ReceiptLabels;
use panjere_api::markup::receipt::fee_head;

/// A request waiting for its fee: pay it on the payment provider's page
/// (the citizen comes back to the payment's page in the window).
#[component]
pub fn PayFee(request: String, fee_rials: i64) -> impl IntoView {
    let i18n = use_i18n();
    // One intent, one key: a double click or a retry is the same payment.
    let key = StoredValue::new(api::new_key());
    let request = StoredValue::new(request);
    let error = RwSignal::new(None::<String>);
    let reauth = RwSignal::new(false);
    let paying = signed_in_action(move |(): &()| {
        let (request, key) = (request.get_value(), key.get_value());
        async move { api::pay_fee(&request, key).await }
    });
    Effect::new(move || match paying.value().get() {
        Some(Ok(p)) => match p.payment_url {
            Some(url) => {
                let _ = window().location().assign(&url);
            }
            None => {
                let _ = window().location().assign(&format!("/payments/{}", p.id));
            }
        },
        Some(Err(FetchError::Refused { code, .. })) if code == "reauth_required" => reauth.set(true),
        Some(Err(e)) => {
            // A definite answer (not a lost connection): the next try is a
            // new attempt, with a new key.
            if !matches!(e, FetchError::Network) {
                key.set_value(api::new_key());
            }
            error.set(Some(e.message(i18n.t())));
        }
        None => {}
    });
    let confirmed = Callback::new(move |()| {
        reauth.set(false);
        paying.dispatch(());
    });
    // What it is and how much: the markup the server paints it with.
    let head = move || fee_head(fee_rials, &ReceiptLabels(i18n.t()));
    view! {
        <section class="panel" id="pay-fee" aria-labelledby="pay-fee-title">
            <div class="fee-head" inner_html=head></div>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <Show when=move || reauth.get()>
                <ReauthPrompt confirmed/>
            </Show>
            <button type="button" class="button" id="pay-fee-button" disabled=move || paying.pending().get()
                on:click=move |_| { error.set(None); paying.dispatch(()); }>{move || i18n.t().pay_fee_button()}</button>
        </section>
    }
}
