use leptos::prelude::*;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::components::status_table::StatusTable;
use crate::fetched::Fetched;
use crate::i18n::{use_i18n, use_title};

/// The public status of every agency connection, refreshed live.
#[component]
pub fn StatusPage() -> impl IntoView {
    let i18n = use_i18n();
    // Loaded once; the table keeps itself fresh.
    let report = Fetched::new(api::status);
    use_title(move || Some(i18n.t().status_title().to_owned()));
    view! {
        <div class="wrap">
            <h1>{move || i18n.t().status_title()}</h1>
            <p class="lead">{move || i18n.t().status_lead()}</p>
            <AsyncView resource=report render=|r| view! { <StatusTable report=r/> }/>
        </div>
    }
}
