use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::logic::{Labels, ServiceFilter};

/// Links that filter a service list by kind and, optionally, by electronic
/// level; the current choice is marked for assistive technology. The links
/// are `panjere_api::markup`'s, as the server paints them.
#[component]
pub fn FilterBar(filter: ServiceFilter, #[prop(into)] path: String, #[prop(default = false)] with_level: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! { <div class="filter-bar" inner_html=move || panjere_api::markup::filter_bar(&filter, &path, with_level, &Labels(i18n.t()))></div> }
}
