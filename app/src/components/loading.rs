use leptos::prelude::*;

use crate::i18n::use_i18n;

/// A loading placeholder: announced politely, shaped like the content.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{move || i18n.t().loading()}</span>
            <div class="skeleton" aria-hidden="true"><span></span><span></span><span></span></div>
        </div>
    }
}
