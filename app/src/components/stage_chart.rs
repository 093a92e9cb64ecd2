use leptos::prelude::*;
use panjere_api::stats::StageCount;
use panjere_api::Lang;

use crate::dashboard::{stage_bars, CHART_WIDTH, ROW_HEIGHT};
use crate::fmt::{fill, num};
use crate::i18n::use_i18n;
use crate::logic::stage_label;

/// Agencies by maturity stage (under the section's heading, the page's): an SVG bar chart with a title and a
/// description, and the same figures as a table.
#[component]
pub fn StageChart(stages: Vec<StageCount>) -> impl IntoView {
    let i18n = use_i18n();
    let counts: Vec<(u8, u32)> = stages.iter().map(|s| (s.stage, s.agencies)).collect();
    let height = ROW_HEIGHT * counts.len() as f64;
    let desc = {
        let counts = counts.clone();
        move || {
            let (t, lang) = (i18n.t(), i18n.get());
            let items: Vec<String> = counts
                .iter()
                .map(|&(s, n)| fill(t.dash_chart_item(), &[("stage", stage_label(s, t)), ("n", &num(u64::from(n), lang))]))
                .collect();
            fill(t.dash_chart_desc(), &[("list", &items.join(if lang == Lang::Fa { "، " } else { ", " }))])
        }
    };
    let bars = {
        let counts = counts.clone();
        move || {
            stage_bars(&counts, i18n.get() == Lang::Fa)
                .into_iter()
                .map(|b| {
                    // Text inherits the page's direction: "start" is the
                    // right edge in Persian, the left in English.
                    view! {
                        <g class=format!("stage-bar stage-{}", b.stage)>
                            <text x=b.label_x y=b.text_y text-anchor="start">
                                {stage_label(b.stage, i18n.t())}
                            </text>
                            <rect x=b.x y=b.y width=b.width height=b.height rx="3"></rect>
                            <text class="value" x=b.value_x y=b.text_y text-anchor="start">{num(u64::from(b.count), i18n.get())}</text>
                        </g>
                    }
                })
                .collect_view()
        }
    };
    let rows = counts
        .into_iter()
        .map(|(s, n)| {
            view! {
                <tr>
                    <th scope="row">{move || stage_label(s, i18n.t())}</th>
                    <td>{move || num(u64::from(n), i18n.get())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
            <figure class="chart">
                <svg
                    class="stage-chart"
                    viewBox=format!("0 0 {CHART_WIDTH} {height}")
                    role="img"
                    aria-labelledby="stage-chart-title stage-chart-desc"
                >
                    <title id="stage-chart-title">{move || i18n.t().dash_stages_title()}</title>
                    <desc id="stage-chart-desc">{desc}</desc>
                    {bars}
                </svg>
            </figure>
            <table class="stage-table">
                <caption>{move || i18n.t().dash_stages_title()}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t().dash_col_stage()}</th>
                        <th scope="col">{move || i18n.t().dash_col_agencies()}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
    }
}
