use leptos::prelude::*;
use panjere_api::{ElectronicLevel, ServiceKind};

use crate::i18n::{use_i18n, Strings};
use crate::logic::{kind_label, level_label, ServiceFilter};

/// Links that filter a service list by kind and, optionally, by electronic
/// level; the current choice is marked for assistive technology.
#[component]
pub fn FilterBar(filter: ServiceFilter, #[prop(into)] path: String, #[prop(default = false)] with_level: bool) -> impl IntoView {
    let i18n = use_i18n();
    let kind_links = chips(links(ServiceKind::ALL, |k| filter.with_kind(k).href(&path)), filter.kind, kind_label);
    let level_links =
        with_level.then(|| chips(links(ElectronicLevel::ALL, |l| filter.with_level(l).href(&path)), filter.level, level_label));
    view! {
        <nav class="filters" aria-label=move || i18n.t().filter_label>{kind_links}</nav>
        {level_links.map(|links| view! { <nav class="filters" aria-label=move || i18n.t().filter_level_label>{links}</nav> })}
    }
}

/// "All" (`None`) then every option, each with the address that selects it.
fn links<T: Copy>(options: &[T], href: impl Fn(Option<T>) -> String) -> Vec<(Option<T>, String)> {
    std::iter::once(None).chain(options.iter().copied().map(Some)).map(|o| (o, href(o))).collect()
}

/// One chip link per (option, address); `current` is marked.
fn chips<T: Copy + PartialEq + Send + Sync + 'static>(
    links: Vec<(Option<T>, String)>,
    current: Option<T>,
    label: fn(T, &Strings) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    links
        .into_iter()
        .map(|(o, href)| {
            let is_current = current == o;
            view! {
                <a class="chip" href=href aria-current=is_current.then_some("true")>
                    {move || o.map(|o| label(o, i18n.t())).unwrap_or(i18n.t().filter_all)}
                </a>
            }
        })
        .collect_view()
}
