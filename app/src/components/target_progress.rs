use leptos::prelude::*;
use panjere_api::stats::TargetStatus;
use panjere_api::Lang;

use crate::dashboard::{percent_text, progress, verdict_label};
use crate::fmt::{date, fill, num, percent};
use crate::i18n::use_i18n;

/// One of the law's targets: its nationwide figure as a progress bar
/// towards the target, its deadline and its verdict.
#[component]
pub fn TargetProgress(target: TargetStatus, connected: u32) -> impl IntoView {
    let i18n = use_i18n();
    let t = target;
    let heading = format!("target-{}", t.id.as_str());
    let name = t.name.clone();
    let (value, goal, verdict, met) = (t.value_percent, t.target_percent, t.verdict, t.agencies_met);
    let done = progress(value, goal);
    let due = t.due.clone();
    let value_text = move || {
        let lang = i18n.get();
        let v = percent_text(value, lang, i18n.t());
        fill(i18n.t().dash_target_value(), &[("value", &v), ("target", &percent(goal, lang))])
    };
    let fill_x = move || if i18n.get() == Lang::Fa { 100.0 - done } else { 0.0 };
    view! {
        <li class="target" data-target=t.id.as_str()>
            <h3 id=heading.clone()>{move || name.get(i18n.get()).to_owned()}</h3>
            <p>
                <span class=format!("badge verdict verdict-{}", verdict.as_str())>{move || verdict_label(verdict, i18n.t())}</span>
            </p>
            <svg
                class="progress"
                viewBox="0 0 100 6"
                preserveAspectRatio="none"
                role="progressbar"
                aria-labelledby=heading
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=format!("{done:.0}")
                aria-valuetext=value_text
            >
                <rect class="progress-track" x="0" y="0" width="100" height="6" rx="3"></rect>
                <rect class="progress-fill" x=fill_x y="0" width=format!("{done}") height="6" rx="3"></rect>
            </svg>
            <p>{value_text}</p>
            <p class="hint">
                {move || match &due {
                    Some(d) => fill(i18n.t().dash_target_due(), &[("date", &date(d, i18n.get()))]),
                    None => i18n.t().dash_target_no_due().to_owned(),
                }}
            </p>
            <p class="hint">
                {move || {
                    let lang = i18n.get();
                    fill(i18n.t().dash_target_agencies(), &[("n", &num(u64::from(met), lang)), ("total", &num(u64::from(connected), lang))])
                }}
            </p>
        </li>
    }
}
