use leptos::prelude::*;

use crate::components::search_box::SearchBox;
use crate::i18n::{use_i18n, use_title};

/// The page for an address that does not exist.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || Some(i18n.t().not_found_title().to_owned()));
    view! {
        <div class="wrap narrow">
            <h1>{move || i18n.t().not_found_title()}</h1>
            <p>{move || i18n.t().not_found_body()}</p>
            <SearchBox id="not-found-search"/>
            <p><a href="/">{move || i18n.t().not_found_home()}</a></p>
        </div>
    }
}
