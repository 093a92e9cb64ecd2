use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use panjere_api::payments::parse_bill;

use crate::api::{self, FetchError};
use crate::components::reauth_prompt::ReauthPrompt;
use crate::contexts::signed_in_action;
use crate::i18n::{use_i18n, use_title};
use crate::logic::{bill_error_code_text, bill_error_text, rials_text};

/// The bill ID's error and the payment ID's, as shown.
type Errors = (Option<String>, Option<String>);

/// Pays a bill or a traffic fine by its bill ID and payment ID: checked
/// here as typed (the same mod-11 check digits the server applies), the
/// amount and kind shown before paying.
#[component]
pub fn PayBillPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || Some(i18n.t().bill_title().to_owned()));
    let query = use_query_map();
    let bill_id = RwSignal::new(query.with_untracked(|q| q.get("bill_id").unwrap_or_default()));
    let payment_id = RwSignal::new(query.with_untracked(|q| q.get("payment_id").unwrap_or_default()));
    let errors = RwSignal::new(Errors::default());
    let error = RwSignal::new(None::<String>);
    let reauth = RwSignal::new(false);
    let key = StoredValue::new(api::new_key());
    let paying = signed_in_action(move |(b, p): &(String, String)| api::pay_bill(b.clone(), p.clone(), key.get_value()));
    Effect::new(move || match paying.value().get() {
        Some(Ok(p)) => {
            let to = p.payment_url.unwrap_or_else(|| format!("/payments/{}", p.id));
            let _ = window().location().assign(&to);
        }
        Some(Err(FetchError::Refused { code, .. })) if code == "reauth_required" => reauth.set(true),
        Some(Err(FetchError::Refused { ref fields, .. })) if fields.is_some() => {
            let f = fields.as_ref().map(|f| f.read()).unwrap_or_default();
            let text = |name: &str| f.get(name).and_then(|e| bill_error_code_text(&e.code, i18n.t())).map(str::to_owned);
            errors.set((text("bill_id"), text("payment_id")));
        }
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
    // What the IDs say, as typed.
    let parsed = move || {
        let (b, p) = (bill_id.get(), payment_id.get());
        (!b.trim().is_empty() && !p.trim().is_empty()).then(|| parse_bill(&b, &p))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        match parse_bill(&bill_id.get_untracked(), &payment_id.get_untracked()) {
            Ok(b) => {
                errors.set((None, None));
                paying.dispatch((b.bill_id, b.payment_id));
            }
            Err(e) => {
                let text = Some(bill_error_text(e, i18n.t()).to_owned());
                errors.set(if e.field() == "bill_id" { (text, None) } else { (None, text) });
            }
        }
    };
    let confirmed = Callback::new(move |()| {
        reauth.set(false);
        if let Ok(b) = parse_bill(&bill_id.get_untracked(), &payment_id.get_untracked()) {
            paying.dispatch((b.bill_id, b.payment_id));
        }
    });
    let field = move |id: &'static str,
                      label: fn(&crate::i18n::Strings) -> &'static str,
                      value: RwSignal<String>,
                      err: fn(&Errors) -> Option<String>| {
        let has = move || errors.with(|e| err(e).is_some());
        view! {
            <div class="field" class:has-error=has>
                <label for=id>{move || label(i18n.t())}</label>
                <Show when=has>
                    <p class="error" id=format!("{id}-error") role="alert">{move || errors.with(|e| err(e).unwrap_or_default())}</p>
                </Show>
                <input id=id name=id inputmode="numeric" dir="ltr" autocomplete="off" maxlength="26"
                    aria-invalid=move || has().then_some("true")
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            </div>
        }
    };
    view! {
        <div class="wrap narrow">
            <h1>{move || i18n.t().bill_title()}</h1>
            <p class="lead">{move || i18n.t().bill_lead()}</p>
            <form class="form" id="pay-bill" on:submit=submit novalidate>
                {field("bill_id", |t| t.bill_id(), bill_id, |e| e.0.clone())}
                {field("payment_id", |t| t.payment_id(), payment_id, |e| e.1.clone())}
                {move || parsed().and_then(Result::ok).map(|b| {
                    let kind = b.kind.name();
                    view! {
                        <dl class="summary-list" id="bill-summary">
                            <div class="summary-row"><dt>{move || i18n.t().bill_kind()}</dt><dd>{kind.get(i18n.get()).to_owned()}</dd></div>
                            <div class="summary-row"><dt>{move || i18n.t().pay_amount()}</dt><dd id="bill-amount">{rials_text(b.amount_rials.max(0) as u64, i18n.t())}</dd></div>
                        </dl>
                    }
                })}
                <Show when=move || error.with(Option::is_some)>
                    <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
                <button type="submit" class="button" id="pay-bill-button" disabled=move || paying.pending().get()>{move || i18n.t().bill_pay()}</button>
            </form>
            // Its own form, after the bill's (forms do not nest).
            <Show when=move || reauth.get()>
                <ReauthPrompt confirmed/>
            </Show>
        </div>
    }
}
