use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::pwa::use_pwa;

/// Says the device is offline and what still works.
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
    }
}
