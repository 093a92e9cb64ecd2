use leptos::prelude::*;

use crate::api::FetchError;
use crate::fmt::fill;
use crate::i18n::use_i18n;

/// A failed load: what went wrong in words the citizen can act on, the
/// error reference for support, and a retry button.
#[component]
pub fn ErrorView(errors: ArcRwSignal<Errors>, #[prop(into)] retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let first = move || {
        errors.read().iter().next().map(|(_, e)| e.downcast_ref::<FetchError>().cloned().unwrap_or(FetchError::Server { request_id: None }))
    };
    let message = {
        let first = first.clone();
        move || first().map(|e| e.message(i18n.t())).unwrap_or_default()
    };
    let reference = move || first().and_then(|e| e.request_id().map(|id| fill(i18n.t().error_reference(), &[("id", id)])));
    view! {
        <div class="notice notice-error" role="alert">
            <h2>{move || i18n.t().error_title()}</h2>
            <p>{message}</p>
            {move || reference().map(|r| view! { <p class="reference"><bdi>{r}</bdi></p> })}
            <button type="button" class="button" on:click=move |_| retry.run(())>{move || i18n.t().retry()}</button>
        </div>
    }
}
