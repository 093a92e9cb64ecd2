use leptos::prelude::*;
use panjere_api::stats::National;

use crate::dashboard::headline_html;
use crate::i18n::use_i18n;

/// The dashboard's nationwide figures, each a labelled number (under the
/// headline section's heading and smart-service rule, which the page shows
/// before the figures have loaded): [`headline_html`].
#[component]
pub fn HeadlineFigures(national: National) -> impl IntoView {
    let i18n = use_i18n();
    view! { <dl class="figures" inner_html=move || headline_html(&national, i18n.get(), i18n.t())></dl> }
}
