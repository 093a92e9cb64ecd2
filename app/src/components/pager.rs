use leptos::prelude::*;

use crate::fmt::{fill, num};
use crate::i18n::use_i18n;
use crate::logic::{page_count, ServiceFilter, PER_PAGE};

/// Previous/next links with "page N of M", for a filtered service list.
#[component]
pub fn Pager(filter: ServiceFilter, total: usize, #[prop(into)] path: String) -> impl IntoView {
    let i18n = use_i18n();
    let pages = page_count(total, PER_PAGE);
    let page = filter.page.min(pages);
    (pages > 1).then(|| {
        let prev = (page > 1).then(|| filter.with_page(page - 1).href(&path));
        let next = (page < pages).then(|| filter.with_page(page + 1).href(&path));
        view! {
            <nav class="pager" aria-label=move || i18n.t().pager_label()>
                {prev.map(|href| view! { <a class="button secondary" rel="prev" href=href>{move || i18n.t().pager_prev()}</a> })}
                <span class="pager-status">
                    {move || {
                        let lang = i18n.get();
                        fill(i18n.t().pager_status(), &[("page", &num(page as u64, lang)), ("pages", &num(pages as u64, lang))])
                    }}
                </span>
                {next.map(|href| view! { <a class="button secondary" rel="next" href=href>{move || i18n.t().pager_next()}</a> })}
            </nav>
        }
    })
}
