use leptos::prelude::*;

use crate::i18n::use_i18n;

/// Breadcrumbs: home, then the given (label, href) trail; the last is the
/// current page.
#[component]
pub fn Breadcrumbs(#[prop(into)] trail: Signal<Vec<(String, String)>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="breadcrumbs" aria-label=move || i18n.t().breadcrumb_label>
            <ol>
                <li><a href="/">{move || i18n.t().nav_home}</a></li>
                {move || {
                    let items = trail.get();
                    let last = items.len().saturating_sub(1);
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, (label, href))| {
                            if i == last {
                                view! { <li><span aria-current="page">{label}</span></li> }.into_any()
                            } else {
                                view! { <li><a href=href>{label}</a></li> }.into_any()
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </nav>
    }
}
