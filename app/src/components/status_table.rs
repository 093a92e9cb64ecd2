use leptos::prelude::*;
use panjere_api::StatusReport;

use crate::api;
use crate::components::chunked_bodies::{bodies, place, within, ChunkedBodies};
use crate::i18n::use_i18n;
use crate::polled::Polled;
use crate::status::{changed_cells, rows, rows_html, summary, Row};

/// How often the table asks for fresh figures.
const REFRESH: std::time::Duration = std::time::Duration::from_secs(3);

/// Rows drawn per task, the first time.
const CHUNK: usize = 12;

/// Every agency's connection, kept fresh while it is shown.
///
/// The rows are [`rows_html`] in [`ChunkedBodies`] of [`CHUNK`] rows (laid
/// out at once, the 72 rows were one long task on a phone). A refresh
/// redraws only the cells that changed ([`changed_cells`]), or every row
/// when the rows themselves (or the language) did.
#[component]
pub fn StatusTable(report: StatusReport) -> impl IntoView {
    let i18n = use_i18n();
    let report = Polled::new(report, REFRESH, api::status, |_| true);
    let fresh = Memo::new(move |_| (i18n.get(), report.value().with(|r| rows(&r.agencies, i18n.get(), i18n.t()))));
    // What the bodies show: drawn whole from it, patched cell by cell
    // (and it kept up to date untracked, for the bodies not drawn yet).
    let drawn = RwSignal::new(fresh.get_untracked());
    // As many bodies as the first report needs (the last takes any rows
    // a later report adds).
    let first_rows = drawn.with_untracked(|(_, rows)| rows.len());
    let count_bodies = bodies(first_rows, CHUNK);
    let table = NodeRef::<leptos::html::Table>::new();
    Effect::new(move || {
        let (lang, now) = fresh.get();
        let cells = drawn.with_untracked(|(shown_lang, shown)| changed_cells(shown, &now).filter(|_| *shown_lang == lang));
        match (cells, table.get_untracked()) {
            (Some(cells), Some(table)) => {
                redraw_cells(&table, &now, &cells, count_bodies);
                drawn.update_untracked(|d| *d = (lang, now));
            }
            (Some(_), None) => drawn.update_untracked(|d| *d = (lang, now)),
            (None, _) => drawn.set((lang, now)),
        }
    });
    let html = move |range| drawn.with(|(_, rows)| rows_html(&rows[within(range, rows.len())]));
    let count = Memo::new(move |_| report.value().with(|r| summary(&r.agencies, i18n.get(), i18n.t())));
    let checked = move || {
        let lang = i18n.get();
        let at = report.value().with(|r| crate::fmt::time(&r.checked_at, lang));
        let mut text = crate::fmt::fill(i18n.t().status_checked_at(), &[("time", &at)]);
        if report.failed() {
            text.push(' ');
            text.push_str(i18n.t().status_refresh_failed());
        }
        text
    };
    view! {
        <p class="count" role="status">{move || count.get()}</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label=move || i18n.t().status_title()>
            <table class="status-table" node_ref=table>
                <caption class="visually-hidden">{move || i18n.t().status_title()}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t().status_col_agency()}</th>
                        <th scope="col">{move || i18n.t().status_col_connected()}</th>
                        <th scope="col">{move || i18n.t().status_col_state()}</th>
                        <th scope="col">{move || i18n.t().status_col_latency()}</th>
                        <th scope="col">{move || i18n.t().status_col_last_success()}</th>
                    </tr>
                </thead>
                <ChunkedBodies rows=first_rows per_body=CHUNK html/>
            </table>
        </div>
        <p class="hint" data-checked>{checked}</p>
    }
}

/// Puts each changed cell's markup into its cell (the row found in the
/// [`ChunkedBodies`] by [`place`]; a cell in a body not drawn yet is drawn
/// from the rows as they are now).
/// Found by selector: the client already binds `querySelector`, and a
/// binding more is bytes more in the first load's glue, for every page.
fn redraw_cells(table: &web_sys::Element, rows: &[Row], cells: &[(usize, usize)], bodies: usize) {
    for &(r, c) in cells {
        let (body, k) = place(r, CHUNK, bodies);
        let selector = format!(":scope > tbody:nth-of-type({}) > tr:nth-child({}) > :nth-child({})", body + 1, k + 1, c + 1);
        if let Ok(Some(cell)) = table.query_selector(&selector) {
            cell.set_inner_html(&rows[r].cells[c]);
        }
    }
}
