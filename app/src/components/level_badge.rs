use leptos::prelude::*;
use panjere_api::ElectronicLevel;

use crate::i18n::use_i18n;
use crate::logic::level_label;

/// The electronic-level badge (in person … smart), coloured and labelled.
#[component]
pub fn LevelBadge(level: ElectronicLevel) -> impl IntoView {
    let i18n = use_i18n();
    let class = format!("badge level-{}", level.as_str());
    view! { <span class=class>{move || level_label(level, i18n.t())}</span> }
}
