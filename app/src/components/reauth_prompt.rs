use leptos::prelude::*;

use crate::api;
use crate::contexts::signed_in_action;
use crate::i18n::use_i18n;

/// Paying a large amount: a fresh one-time code sent to the citizen's
/// mobile, typed here; `confirmed` is told once the server accepted it.
#[component]
pub fn ReauthPrompt(confirmed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sent = RwSignal::new(false);
    let sending = signed_in_action(move |(): &()| api::reauth_code());
    let checking = signed_in_action(move |c: &String| api::reauth(c.clone()));
    Effect::new(move || match sending.value().get() {
        Some(Ok(_)) => {
            sent.set(true);
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e.message(i18n.t()))),
        None => {}
    });
    Effect::new(move || match checking.value().get() {
        Some(Ok(())) => confirmed.run(()),
        Some(Err(e)) => error.set(Some(e.message(i18n.t()))),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        checking.dispatch(code.get_untracked());
    };
    view! {
        <form class="panel form" id="reauth" on:submit=submit novalidate>
            <h2>{move || i18n.t().reauth_title()}</h2>
            <p>{move || i18n.t().reauth_lead()}</p>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" id="reauth-error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <Show
                when=move || sent.get()
                fallback=move || view! {
                    <button type="button" class="button" id="reauth-send" disabled=move || sending.pending().get()
                        on:click=move |_| { sending.dispatch(()); }>{move || i18n.t().reauth_send()}</button>
                }
            >
                <div class="field">
                    <label for="reauth-code">{move || i18n.t().reauth_code()}</label>
                    <input id="reauth-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" dir="ltr"
                        prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                </div>
                <button type="submit" class="button" disabled=move || checking.pending().get()>{move || i18n.t().reauth_confirm()}</button>
            </Show>
        </form>
    }
}
