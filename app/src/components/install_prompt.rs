use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::pwa::{needs_ios_instructions, use_pwa};

/// "Install Panjere" where the browser offers installation; short
/// instructions on iPhone and iPad, where it does not.
#[component]
pub fn InstallPrompt() -> impl IntoView {
    let i18n = use_i18n();
    let pwa = use_pwa();
    let ios = needs_ios_instructions();
    view! {
        <Show when=move || pwa.can_install.get()>
            <p><button type="button" class="button secondary" id="install-app" on:click=move |_| pwa.install()>{move || i18n.t().install_button()}</button></p>
        </Show>
        {ios.then(|| view! { <p class="hint" id="install-ios">{move || i18n.t().install_ios()}</p> })}
    }
}
