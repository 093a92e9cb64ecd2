use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::pwa::use_pwa;

/// Says the device is offline and what still works; and that English was
/// asked for but its strings could not come.
#[component]
pub fn OfflineBanner() -> impl IntoView {
    let i18n = use_i18n();
    let pwa = use_pwa();
    view! {
        <div class="app-notice offline" role="status">
            <Show when=move || !pwa.online.get()>
                <p class="wrap" id="offline-banner">{move || i18n.t().offline_banner()}</p>
            </Show>
        </div>
        <div class="app-notice offline" role="alert">
            // The page stays Persian: for the reader who asked for English,
            // in English too.
            <Show when=move || i18n.english_failed.get()>
                <p class="wrap" id="english-failed">
                    {move || i18n.t().english_failed()}
                    " "
                    <span lang="en" dir="ltr">{move || i18n.t().english_failed_en()}</span>
                </p>
            </Show>
        </div>
    }
}
