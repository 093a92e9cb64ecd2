use leptos::prelude::*;
use panjere_api::stats::Stats;

use crate::api;
use crate::components::agency_stats_table::AgencyStatsTable;
use crate::components::async_view::AsyncView;
use crate::components::claims::Claims;
use crate::components::headline_figures::HeadlineFigures;
use crate::components::later::Later;
use crate::components::stage_chart::StageChart;
use crate::components::target_progress::TargetProgress;
use crate::fetched::Fetched;
use crate::fmt::{date, fill};
use crate::i18n::{use_i18n, use_title};

/// The public accountability dashboard: the law's targets measured live,
/// nationwide and for every agency, with open-data downloads.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let stats = Fetched::new(api::stats);
    use_title(move || Some(i18n.t().dash_title().to_owned()));
    // The heading, lead and the headline section's own words are the page's
    // at once (the server paints them, `Paint::Dashboard`); the figures
    // follow under them, so nothing above moves when they arrive.
    view! {
        <div class="wrap dashboard">
            <h1>{move || i18n.t().dash_title()}</h1>
            <p class="lead">{move || i18n.t().dash_lead()}</p>
            <section aria-labelledby="dash-headline">
                <h2 id="dash-headline">{move || i18n.t().dash_headline_title()}</h2>
                <p class="hint" id="smart-rule">{move || i18n.t().dash_smart_rule()}</p>
                <AsyncView resource=stats render=move |s: Stats| {
                    let today = s.today.clone();
                    view! {
                        <p class="hint">{move || fill(i18n.t().dash_as_of(), &[("date", &date(&today, i18n.get()))])}</p>
                        <HeadlineFigures national=s.national/>
                    }
                }/>
            </section>
            // Below the fold, and long to build: a task of its own.
            {move || stats.get().and_then(Result::ok).map(|s| view! { <Later><Dashboard stats=s.clone()/></Later> })}
        </div>
    }
}

/// Everything under the headline figures: the law's targets, claims against
/// what works, the stages, every agency, open data and how to read it.
#[component]
fn Dashboard(stats: Stats) -> impl IntoView {
    let i18n = use_i18n();
    let connected = stats.national.agencies_connected;
    let Stats { targets, differences, stages, agencies, .. } = stats;
    // Each section's content is built in a task of its own (all of them in
    // one task was, after the app's mount, the page's longest in
    // Lighthouse's traces): the headings come at once, so nothing moves
    // when the content does.
    view! {
        <section aria-labelledby="dash-targets">
            <h2 id="dash-targets">{move || i18n.t().dash_targets_title()}</h2>
            <Later>
                <ul class="targets">
                    {targets.iter().cloned().map(|target| view! { <TargetProgress target connected/> }).collect_view()}
                </ul>
            </Later>
        </section>
        // Far below the fold: each section is painted with its heading
        // first, then filled in a task of its own, which the browser does
        // not lay out until the reader comes near (`content-visibility`).
        <section aria-labelledby="dash-claims" id="claims">
            <h2 id="dash-claims">{move || i18n.t().dash_claims_title()}</h2>
            <Later after_paint=true><Claims differences=differences.clone()/></Later>
        </section>
        <section aria-labelledby="dash-stages">
            <h2 id="dash-stages">{move || i18n.t().dash_stages_title()}</h2>
            <Later after_paint=true><StageChart stages=stages.clone()/></Later>
        </section>
        <section aria-labelledby="dash-table">
            <h2 id="dash-table">{move || i18n.t().dash_table_title()}</h2>
            <Later><AgencyStatsTable agencies=agencies.clone()/></Later>
        </section>
        <section aria-labelledby="dash-open-data">
            <h2 id="dash-open-data">{move || i18n.t().dash_open_data_title()}</h2>
            <p>{move || i18n.t().dash_open_data_lead()}</p>
            <ul class="downloads">
                <li><a href="/api/stats/agencies.csv" download rel="external" id="download-csv">{move || i18n.t().dash_download_csv()}</a></li>
                <li><a href="/api/stats.json" download rel="external" id="download-json">{move || i18n.t().dash_download_json()}</a></li>
                <li><a href="/api/stats/datapackage.json" rel="external">{move || i18n.t().dash_download_schema()}</a></li>
            </ul>
        </section>
        <section aria-labelledby="dash-help" class="help">
            <h2 id="dash-help">{move || i18n.t().dash_help_title()}</h2>
            <p>{move || i18n.t().dash_help_levels()}</p>
            <p>{move || i18n.t().dash_help_inquiries()}</p>
            <p>{move || i18n.t().dash_help_stage()}</p>
            <p>{move || i18n.t().dash_help_verdict()}</p>
            <p>{move || i18n.t().dash_help_percent()}</p>
        </section>
    }
}
