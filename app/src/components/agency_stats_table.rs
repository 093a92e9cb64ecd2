use leptos::prelude::*;
use panjere_api::stats::AgencyStats;

use crate::components::chunked_bodies::{within, ChunkedBodies};
use crate::components::later::Later;
use crate::dashboard::{agency_rows_html, stage_text, table_rows, Sort, SortKey};
use crate::fmt::{fill, num};
use crate::i18n::use_i18n;

/// Agency rows drawn per task (each row's nine cells hold the most markup
/// of any table's).
const ROWS_PER_BODY: usize = 15;

/// Every agency's figures and verdicts (under the section's heading, the
/// page's): filterable by name and stage, sortable by any column (headings
/// are buttons with `aria-sort`); the rows are [`agency_rows_html`] in [`ChunkedBodies`].
#[component]
pub fn AgencyStatsTable(agencies: Vec<AgencyStats>) -> impl IntoView {
    let i18n = use_i18n();
    let total = agencies.len();
    let all = StoredValue::new(agencies);
    let text = RwSignal::new(String::new());
    let stage = RwSignal::new(None::<u8>);
    let sort = RwSignal::new(Sort { key: SortKey::Stage, ascending: false });
    let shown = Memo::new(move |_| {
        all.with_value(|a| table_rows(a, &text.get(), stage.get(), sort.get(), i18n.get()).into_iter().cloned().collect::<Vec<_>>())
    });
    let headings = move || {
        SortKey::ALL
            .into_iter()
            .map(|key| {
                view! {
                    <th scope="col" aria-sort=move || sort.get().aria(key) data-sort=key.as_str()>
                        <button type="button" class="sort" on:click=move |_| sort.update(|s| *s = s.toggle(key))>
                            {move || key.label(i18n.t())}
                            <span class="sort-mark" aria-hidden="true">
                                {move || match sort.get().aria(key) {
                                    "ascending" => "▲",
                                    "descending" => "▼",
                                    _ => "",
                                }}
                            </span>
                        </button>
                    </th>
                }
            })
            .collect_view()
    };
    view! {
        <div class="filters">
            <div class="field">
                <label for="dash-filter">{move || i18n.t().dash_filter_label()}</label>
                <input
                    id="dash-filter"
                    type="search"
                    autocomplete="off"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                />
            </div>
            <div class="field">
                <label for="dash-stage">{move || i18n.t().dash_filter_stage()}</label>
                <select id="dash-stage" on:change=move |ev| stage.set(event_target_value(&ev).parse().ok())>
                    <option value="" selected=move || stage.get().is_none()>{move || i18n.t().dash_filter_all_stages()}</option>
                    {(0..=4u8)
                        .map(|s| {
                            view! {
                                <option value=s.to_string() selected=move || stage.get() == Some(s)>
                                    {move || stage_text(s, i18n.get(), i18n.t())}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        </div>
        // Laid out only when the reader comes near: not beside the
        // fields above, whose presence has the browser lay out whatever
        // it skips around them.
        <div class="deferred">
            <Later after_paint=true>
                <p class="count" role="status">
                    {move || {
                        let lang = i18n.get();
                        fill(i18n.t().dash_shown(), &[("n", &num(shown.with(Vec::len) as u64, lang)), ("total", &num(total as u64, lang))])
                    }}
                </p>
                <p class="hint">{move || i18n.t().dash_sort_hint()}</p>
                <div class="table-wrap" tabindex="0" role="region" aria-labelledby="dash-table">
                    <table class="agency-stats">
                        <caption class="visually-hidden">{move || i18n.t().dash_table_title()}</caption>
                        <thead>
                            <tr>
                                {headings()}
                                <th scope="col">{move || i18n.t().dash_col_verdicts()}</th>
                            </tr>
                        </thead>
                        <ChunkedBodies rows=total per_body=ROWS_PER_BODY html=move |range| shown.with(|rows| agency_rows_html(&rows[within(range, rows.len())], i18n.get(), i18n.t()))/>
                    </table>
                </div>
                <Show when=move || shown.with(Vec::is_empty)>
                    <p class="empty">{move || i18n.t().dash_no_match()}</p>
                </Show>
            </Later>
        </div>
    }
}
