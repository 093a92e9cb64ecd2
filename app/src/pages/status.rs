use leptos::prelude::*;
use panjere_api::{AgencyStatus, StatusReport};

use crate::api;
use crate::components::async_view::AsyncView;
use crate::fetched::Fetched;
use crate::fmt::{fill, num};
use crate::i18n::{use_i18n, use_title, Strings};

/// How often the page asks for fresh figures.
const REFRESH_MS: u32 = 3000;

fn state_label(state: &str, t: &Strings) -> &'static str {
    match state {
        "up" => t.status_up,
        "degraded" => t.status_degraded,
        "down" => t.status_down,
        _ => t.status_unknown,
    }
}

/// The public status of every agency connection, refreshed live.
#[component]
pub fn StatusPage() -> impl IntoView {
    let i18n = use_i18n();
    let report = Fetched::new(api::status);
    // Refresh while the page is open; the interval stops with the page.
    let handle = set_interval_with_handle(move || report.refetch(), std::time::Duration::from_millis(u64::from(REFRESH_MS))).ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    use_title(move || Some(i18n.t().status_title.to_owned()));
    view! {
        <div class="wrap">
            <h1>{move || i18n.t().status_title}</h1>
            <p class="lead">{move || i18n.t().status_lead}</p>
            <AsyncView resource=report render=|r| view! { <StatusTable report=r/> }/>
        </div>
    }
}

#[component]
fn StatusTable(report: StatusReport) -> impl IntoView {
    let i18n = use_i18n();
    let total = report.agencies.len();
    let up = report.agencies.iter().filter(|a| a.state == "up").count();
    let checked = report.checked_at.clone();
    let rows = report.agencies.into_iter().map(|a| view! { <StatusRow a/> }).collect_view();
    view! {
        <p class="count" role="status">
            {move || {
                let lang = i18n.get();
                fill(i18n.t().status_summary, &[("up", &num(up as u64, lang)), ("total", &num(total as u64, lang))])
            }}
        </p>
        <div class="table-wrap" tabindex="0" role="region" aria-label=move || i18n.t().status_title>
            <table class="status-table">
                <caption class="visually-hidden">{move || i18n.t().status_title}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t().status_col_agency}</th>
                        <th scope="col">{move || i18n.t().status_col_connected}</th>
                        <th scope="col">{move || i18n.t().status_col_state}</th>
                        <th scope="col">{move || i18n.t().status_col_latency}</th>
                        <th scope="col">{move || i18n.t().status_col_last_success}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="hint">{move || fill(i18n.t().status_checked_at, &[("time", &crate::fmt::time(&checked, i18n.get()))])}</p>
    }
}

#[component]
fn StatusRow(a: AgencyStatus) -> impl IntoView {
    let i18n = use_i18n();
    let name = a.name.clone();
    let state = a.state.clone();
    let class = format!("badge state-{}", a.state);
    let (p50, p95) = (a.p50_ms, a.p95_ms);
    let last = a.last_success.clone();
    let connected = a.connected;
    let problems = a.problems.join("; ");
    let has_problems = !problems.is_empty();
    view! {
        <tr data-agency=a.id data-connected=connected.to_string()>
            <th scope="row">{move || name.get(i18n.get()).to_owned()}</th>
            <td data-col="connected">
                <span class=if connected { "badge state-up" } else { "badge state-down" }>
                    {move || if connected { i18n.t().status_connected } else { i18n.t().status_not_connected }}
                </span>
                {has_problems.then(|| view! {
                    <p class="problems" dir="auto">{move || i18n.t().status_problems}<span dir="ltr">{problems.clone()}</span></p>
                })}
            </td>
            <td data-col="state"><span class=class>{move || state_label(&state, i18n.t())}</span></td>
            <td>
                {move || match (p50, p95) {
                    (Some(a), Some(b)) => {
                        let lang = i18n.get();
                        fill(i18n.t().status_ms, &[("p50", &num(a.round() as u64, lang)), ("p95", &num(b.round() as u64, lang))])
                    }
                    _ => i18n.t().status_never.to_owned(),
                }}
            </td>
            <td>{move || last.as_deref().map(|t| crate::fmt::time(t, i18n.get())).unwrap_or_else(|| i18n.t().status_never.to_owned())}</td>
        </tr>
    }
}
