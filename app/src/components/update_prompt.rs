use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::pwa::use_pwa;

/// Says a new version was deployed and reloads onto it when the citizen
/// agrees (never by itself: nothing being typed is lost).
#[component]
pub fn UpdatePrompt() -> impl IntoView {
    let i18n = use_i18n();
    let pwa = use_pwa();
    view! {
        <div class="app-notice update" role="status">
            <Show when=move || pwa.update_ready.get()>
                <div class="wrap notice-row">
                    <p>{move || i18n.t().update_ready()}</p>
                    <button type="button" class="button" on:click=move |_| pwa.apply_update()>{move || i18n.t().update_reload()}</button>
                </div>
            </Show>
        </div>
    }
}
