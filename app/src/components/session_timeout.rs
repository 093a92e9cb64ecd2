use leptos::html::Dialog;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api;
use crate::contexts::use_auth;
use crate::fmt::fill;
use crate::fmt::{duration, Round};
use crate::i18n::use_i18n;
use crate::logic::{countdown, sign_in_href};

/// The GOV.UK timeout warning: a modal dialog shortly before the idle
/// timeout, with a countdown, "stay signed in" and "sign out". The page
/// underneath stays as it is, so nothing the citizen typed is lost. At the
/// deadline the citizen is signed out and sent to sign in again, coming
/// back to the same page.
#[component]
pub fn SessionTimeout() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let location = use_location();
    let now = RwSignal::new(js_sys::Date::now());
    let handle = set_interval_with_handle(move || now.set(js_sys::Date::now()), std::time::Duration::from_secs(1)).ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    let remaining_s = move || auth.deadline.get().map(|d| ((d - now.get()) / 1000.0).ceil().max(0.0) as u64);
    let warning = move || remaining_s().is_some_and(|r| r <= auth.warn_before_s.get());
    let dialog = NodeRef::<Dialog>::new();
    let stay_button = NodeRef::<leptos::html::Button>::new();

    // Open and close the modal with the warning (showModal makes the page
    // behind it inert and traps focus in the dialog).
    Effect::new(move || {
        let Some(d) = dialog.get() else { return };
        if warning() {
            if !d.open() {
                let _ = d.show_modal();
                if let Some(b) = stay_button.get_untracked() {
                    let _ = b.focus();
                }
            }
        } else if d.open() {
            d.close();
        }
    });

    // Signing out on the server: at the deadline (`false`: signed out here
    // already, and the server's own idle clock ends the session whatever
    // this answer), or because the citizen asked (`true`: signed out here
    // once the server has, then on to the sign-in page, saying so; told
    // if it has not).
    let ending = Action::new_local(|asked: &bool| {
        let asked = *asked;
        async move { (asked, api::sign_out().await) }
    });
    let navigate_out = use_navigate();
    Effect::new(move || {
        if let Some((true, Ok(()))) = ending.value().get() {
            auth.signed_out_by_citizen(&navigate_out);
        }
    });
    let failed = move || match ending.value().get() {
        Some((true, Err(e))) => Some(e.message(i18n.t())),
        _ => None,
    };
    // At the deadline: sign out here and on the server.
    let expired = move || remaining_s() == Some(0);
    Effect::new(move || {
        if expired() {
            let here = location.pathname.get_untracked();
            let exit = sign_in_href(&here, Some("idle"));
            navigate(&exit, Default::default());
            auth.signed_out_to(exit);
            ending.dispatch(false);
        }
    });

    // "Stay signed in": a signed-in call restarts the server's idle clock,
    // and its answer the app's.
    let staying = Action::new_local(|_: &()| api::me());
    Effect::new(move || match staying.value().get() {
        Some(Ok(me)) => auth.signed_in(me),
        Some(Err(e)) => auth.note::<()>(&Err(e)),
        None => {}
    });
    // Staying puts away what a failed sign-out said.
    let stay = move |_| {
        ending.value().set(None);
        staying.dispatch(());
    };
    let sign_out = move |_| {
        if !ending.pending().get_untracked() {
            ending.dispatch(true);
        }
    };
    view! {
        <dialog
            node_ref=dialog
            class="timeout-dialog"
            aria-labelledby="timeout-title"
            aria-describedby="timeout-text"
            on:cancel=move |ev: leptos::ev::Event| ev.prevent_default()
        >
            <h2 id="timeout-title">{move || i18n.t().timeout_title()}</h2>
            <p id="timeout-text">
                // Written only while the warning shows: a closed dialog
                // needs no text (and formatting it cost the first render).
                {move || {
                    if !warning() {
                        return String::new();
                    }
                    let lang = i18n.get();
                    let words = duration(remaining_s().unwrap_or(0) as i64, Round::Up, lang, i18n.t());
                    let template = if auth.at_absolute_limit() { i18n.t().timeout_absolute_text() } else { i18n.t().timeout_text() };
                    fill(template, &[("time", &words)])
                }}
            </p>
            <p class="timeout-clock" aria-hidden="true">{move || if warning() { countdown(remaining_s().unwrap_or(0), i18n.get()) } else { String::new() }}</p>
            <p class="hint">{move || i18n.t().timeout_kept()}</p>
            <div role="alert">
                {move || failed().map(|reason| view! {
                    <p class="error">{i18n.t().sign_out_failed()} " " {reason}</p>
                })}
            </div>
            <div class="button-row">
                <button type="button" class="button" node_ref=stay_button on:click=stay hidden=move || auth.at_absolute_limit()>
                    {move || i18n.t().timeout_stay()}
                </button>
                <button type="button" class="button secondary" on:click=sign_out>{move || i18n.t().sign_out()}</button>
            </div>
        </dialog>
    }
}
