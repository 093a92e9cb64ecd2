use leptos::prelude::*;

use crate::components::install_prompt::InstallPrompt;
use crate::i18n::use_i18n;

/// The site footer.
#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <div class="wrap">
                <p>{move || i18n.t().footer_about()}</p>
                <InstallPrompt/>
                <p>
                    <a href="/agencies">{move || i18n.t().all_agencies_link()}</a>
                    " · "
                    <a href="/dashboard">{move || i18n.t().nav_dashboard()}</a>
                    " · "
                    <a href="/status">{move || i18n.t().nav_status()}</a>
                    " · "
                    <a href="/track">{move || i18n.t().nav_track()}</a>
                    " · "
                    <a href="/api/openapi.json" rel="external">{move || i18n.t().footer_open_api()}</a>
                </p>
            </div>
        </footer>
    }
}
