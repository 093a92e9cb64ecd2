use leptos::prelude::*;
use panjere_api::ServiceSummary;

use crate::components::level_badge::LevelBadge;
use crate::i18n::use_i18n;
use crate::logic::kind_label;

/// A list of services as cards: name (link), agency, kind, level, summary.
#[component]
pub fn ServiceList(items: Vec<ServiceSummary>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="cards service-list">
            {items
                .into_iter()
                .map(|s| {
                    let href = format!("/services/{}", s.id);
                    let (name, agency, summary) = (s.name.clone(), s.agency_name.clone(), s.summary.clone());
                    let kind = s.kind;
                    view! {
                        <li class="card">
                            <h3><a href=href>{move || name.get(i18n.get()).to_owned()}</a></h3>
                            <p class="meta">
                                <span>{move || agency.get(i18n.get()).to_owned()}</span>
                                <span class="badge kind">{move || kind_label(kind, i18n.t())}</span>
                                <LevelBadge level=s.level/>
                            </p>
                            <p>{move || summary.get(i18n.get()).to_owned()}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
