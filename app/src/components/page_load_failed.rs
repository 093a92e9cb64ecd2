use leptos::prelude::*;

use crate::i18n::{use_i18n, use_title};

/// A page whose code could not be fetched (its module is loaded on first
/// use and the connection dropped): says so, and tries again on request by
/// loading the address afresh. The rest of the app keeps working.
#[component]
pub fn PageLoadFailed() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || Some(i18n.t().page_load_failed_title().to_owned()));
    let retry = |_| {
        let _ = window().location().reload();
    };
    view! {
        <div class="wrap narrow">
            <div class="notice notice-error" role="alert">
                <h1>{move || i18n.t().page_load_failed_title()}</h1>
                <p>{move || i18n.t().page_load_failed_body()}</p>
                <button type="button" class="button" on:click=retry>{move || i18n.t().retry()}</button>
            </div>
        </div>
    }
}
