use leptos::prelude::*;
use panjere_api::{ElectronicLevel, ServiceKind};

use crate::i18n::use_i18n;
use crate::logic::{kind_label, level_label, ServiceFilter};

/// Links that filter a service list by kind and, optionally, by electronic
/// level; the current choice is marked for assistive technology.
#[component]
pub fn FilterBar(filter: ServiceFilter, #[prop(into)] path: String, #[prop(default = false)] with_level: bool) -> impl IntoView {
    let i18n = use_i18n();
    let kinds = std::iter::once(None).chain(ServiceKind::ALL.iter().copied().map(Some));
    let kind_links = kinds
        .map(|k| {
            let href = filter.with_kind(k).href(&path);
            let current = filter.kind == k;
            view! {
                <a class="chip" href=href aria-current=current.then_some("true")>
                    {move || k.map(|k| kind_label(k, i18n.t())).unwrap_or(i18n.t().filter_all)}
                </a>
            }
        })
        .collect_view();
    let level_links = with_level.then(|| {
        std::iter::once(None)
            .chain(ElectronicLevel::ALL.iter().copied().map(Some))
            .map(|l| {
                let href = filter.with_level(l).href(&path);
                let current = filter.level == l;
                view! {
                    <a class="chip" href=href aria-current=current.then_some("true")>
                        {move || l.map(|l| level_label(l, i18n.t())).unwrap_or(i18n.t().filter_all)}
                    </a>
                }
            })
            .collect_view()
    });
    view! {
        <nav class="filters" aria-label=move || i18n.t().filter_label>{kind_links}</nav>
        {level_links.map(|links| view! { <nav class="filters" aria-label=move || i18n.t().filter_level_label>{links}</nav> })}
    }
}
