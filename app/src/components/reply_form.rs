use leptos::prelude::*;

use crate::api;
use crate::contexts::signed_in_action;
use crate::i18n::use_i18n;

/// Answers the agency's request for more information. `sent` is told once
/// the answer is sent (the page then asks for the request as it is now).
/// The page keeps the form while it refreshes (see
/// [`crate::polled::Polled`]), so what is typed stays, and so does the focus.
#[component]
pub fn ReplyForm(id: String, sent: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    let sending = signed_in_action(move |t: &String| {
        let (id, t) = (id.get_value(), t.clone());
        async move { api::reply(&id, t).await }
    });
    Effect::new(move || match sending.value().get() {
        Some(Ok(_)) => {
            text.set(String::new());
            sent.run(());
        }
        Some(Err(e)) => error.set(Some(e.message(i18n.t()))),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = text.get_untracked();
        let n = t.trim().chars().count();
        if n == 0 || n > 480 {
            error.set(Some(i18n.t().request_reply_empty().to_owned()));
            return;
        }
        error.set(None);
        sending.dispatch(t);
    };
    view! {
        <form class="panel reply" id="reply-form" on:submit=submit novalidate>
            <h2>{move || i18n.t().request_reply_title()}</h2>
            <p>{move || i18n.t().request_reply_lead()}</p>
            <div class="field" class:has-error=move || error.with(Option::is_some)>
                <label for="reply-text">{move || i18n.t().request_reply_label()}</label>
                <p class="hint" id="reply-hint">{move || i18n.t().request_reply_hint()}</p>
                <Show when=move || error.with(Option::is_some)>
                    <p class="error" id="reply-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
                <textarea
                    id="reply-text"
                    name="text"
                    rows="4"
                    maxlength="480"
                    aria-describedby="reply-hint"
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
            </div>
            <button type="submit" class="button" disabled=move || sending.pending().get()>{move || i18n.t().request_reply_send()}</button>
        </form>
    }
}
