use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::logic::Labels;

/// Breadcrumbs: home, then the given (label, href) trail; the last is the
/// current page. `panjere_api::markup`'s, as the server paints them.
#[component]
pub fn Breadcrumbs(#[prop(into)] trail: Signal<Vec<(String, String)>>) -> impl IntoView {
    let i18n = use_i18n();
    view! { <div class="crumbs" inner_html=move || panjere_api::markup::breadcrumbs(&trail.get(), &Labels(i18n.t()))></div> }
}
