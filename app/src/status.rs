//! The status page's table: every agency's connection as markup the
//! `<tbody>` takes whole, and the summary above it. Plain functions, tested
//! here; the page only shows their results.
//!
//! The table has a row per agency (72 today) and refreshes every few
//! seconds. Built node by node, with a reactive text per cell, its first
//! render and every refresh were each a long task on a phone.

use std::fmt::Write;

use panjere_api::markup::escape_html;
use panjere_api::{AgencyStatus, Lang};

use crate::fmt::{fill, num};
use crate::i18n::Strings;

/// How a state reads.
pub fn state_label(state: &str, t: &Strings) -> &'static str {
    match state {
        "up" => t.status_up(),
        "degraded" => t.status_degraded(),
        "down" => t.status_down(),
        _ => t.status_unknown(),
    }
}

/// One agency's row as shown: the agency, whether it is connected (the
/// row's `data-connected`), and each cell's markup: its name, its
/// connection (and why not), its state, its response times and its last
/// successful answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub agency: String,
    pub connected: bool,
    pub cells: [String; 5],
}

/// Every agency's row.
pub fn rows(agencies: &[AgencyStatus], lang: Lang, t: &Strings) -> Vec<Row> {
    agencies
        .iter()
        .map(|a| {
            let (connected_class, connected_text) =
                if a.connected { ("state-up", t.status_connected()) } else { ("state-down", t.status_not_connected()) };
            let mut connected = format!("<span class=\"badge {connected_class}\">{}</span>", escape_html(connected_text));
            if !a.problems.is_empty() {
                let _ = write!(
                    connected,
                    "<p class=\"problems\" dir=\"auto\">{}<span dir=\"ltr\">{}</span></p>",
                    escape_html(t.status_problems()),
                    escape_html(&a.problems.join("; "))
                );
            }
            let state = format!("<span class=\"badge state-{}\">{}</span>", escape_html(&a.state), escape_html(state_label(&a.state, t)));
            let latency = match (a.p50_ms, a.p95_ms) {
                (Some(p50), Some(p95)) => {
                    fill(t.status_ms(), &[("p50", &num(p50.round() as u64, lang)), ("p95", &num(p95.round() as u64, lang))])
                }
                _ => t.status_never().to_owned(),
            };
            let last = a.last_success.as_deref().map(|at| crate::fmt::time(at, lang)).unwrap_or_else(|| t.status_never().to_owned());
            Row {
                agency: a.id.clone(),
                connected: a.connected,
                cells: [escape_html(a.name.get(lang)), connected, state, escape_html(&latency), escape_html(&last)],
            }
        })
        .collect()
}

/// The cells' elements, in a row's order.
const CELLS: [(&str, &str); 5] = [
    ("th", " scope=\"row\""),
    ("td", " data-col=\"connected\""),
    ("td", " data-col=\"state\""),
    ("td", " data-col=\"latency\""),
    ("td", " data-col=\"last-success\""),
];

/// The rows as the markup the `<tbody>` takes whole (the first time, and
/// when the rows themselves change: see [`changed_cells`]).
pub fn rows_html(rows: &[Row]) -> String {
    let mut out = String::new();
    for r in rows {
        let _ = write!(out, "<tr data-agency=\"{}\" data-connected=\"{}\">", escape_html(&r.agency), r.connected);
        for ((tag, attrs), cell) in CELLS.iter().zip(&r.cells) {
            let _ = write!(out, "<{tag}{attrs}>{cell}</{tag}>");
        }
        out.push_str("</tr>");
    }
    out
}

/// What a refresh changes in the rows shown: each cell whose markup differs
/// (row, column), so that only those are redrawn; `None` when the rows
/// themselves differ (another agency, another order, one connected or
/// disconnected), and the table is redrawn whole. Every agency answers its
/// probe every few seconds, so every refresh moves some times: redrawing
/// the whole table had the browser lay out its 72 rows again each time
/// (four times the layout of redrawing the cells that changed).
pub fn changed_cells(shown: &[Row], fresh: &[Row]) -> Option<Vec<(usize, usize)>> {
    if shown.len() != fresh.len() || shown.iter().zip(fresh).any(|(a, b)| a.agency != b.agency || a.connected != b.connected) {
        return None;
    }
    let mut changed = Vec::new();
    for (i, (a, b)) in shown.iter().zip(fresh).enumerate() {
        changed.extend((0..a.cells.len()).filter(|&c| a.cells[c] != b.cells[c]).map(|c| (i, c)));
    }
    Some(changed)
}

/// "n of m agencies are up."
pub fn summary(agencies: &[AgencyStatus], lang: Lang, t: &Strings) -> String {
    let up = agencies.iter().filter(|a| a.state == "up").count();
    fill(t.status_summary(), &[("up", &num(up as u64, lang)), ("total", &num(agencies.len() as u64, lang))])
}

#[cfg(test)]
mod tests {
    use super::*;
    use panjere_api::Text;

    fn agency(id: &str, state: &str) -> AgencyStatus {
        AgencyStatus {
            id: id.to_owned(),
            name: Text { fa: format!("سازمان {id}"), en: format!("Agency <{id}>") },
            connected: state == "up",
            problems: Vec::new(),
            state: state.to_owned(),
            breaker: "closed".to_owned(),
            p50_ms: Some(3.44),
            p95_ms: Some(12.6),
            last_success: Some("2026-12-07T05:00:00Z".to_owned()),
            calls: 10,
            failures: 0,
        }
    }

    #[test]
    fn a_row_says_everything_escaped() {
        let t = crate::i18n::strings(Lang::En);
        let mut down = agency("customs", "down");
        down.problems = vec!["`x` is not in the agency's description".to_owned(), "a & b".to_owned()];
        down.p50_ms = None;
        down.last_success = None;
        let html = rows_html(&rows(&[agency("meteorology", "up"), down], Lang::En, t));
        assert_eq!(
            html,
            "<tr data-agency=\"meteorology\" data-connected=\"true\"><th scope=\"row\">Agency &lt;meteorology&gt;</th>\
             <td data-col=\"connected\"><span class=\"badge state-up\">Connected</span></td>\
             <td data-col=\"state\"><span class=\"badge state-up\">Up</span></td>\
             <td data-col=\"latency\">3 / 13 ms</td><td data-col=\"last-success\">2026-12-07T05:00:00Z</td></tr>\
             <tr data-agency=\"customs\" data-connected=\"false\"><th scope=\"row\">Agency &lt;customs&gt;</th>\
             <td data-col=\"connected\"><span class=\"badge state-down\">Not connected</span>\
             <p class=\"problems\" dir=\"auto\">Why: <span dir=\"ltr\">`x` is not in the agency&#39;s description; a &amp; b</span></p></td>\
             <td data-col=\"state\"><span class=\"badge state-down\">Down</span></td>\
             <td data-col=\"latency\">—</td><td data-col=\"last-success\">—</td></tr>"
        );
        let fa = rows_html(&rows(&[agency("meteorology", "degraded")], Lang::Fa, crate::i18n::strings(Lang::Fa)));
        assert!(fa.contains("سازمان meteorology"), "{fa}");
        assert!(fa.contains("state-degraded\">کند"), "{fa}");
        assert!(fa.contains("۳ / ۱۳"), "{fa}");
    }

    #[test]
    fn the_summary_counts_the_agencies_up() {
        let t = crate::i18n::strings(Lang::En);
        let all = [agency("a", "up"), agency("b", "down"), agency("c", "up"), agency("d", "unknown")];
        assert_eq!(summary(&all, Lang::En, t), "2 of 4 agencies are up.");
        assert_eq!(summary(&[], Lang::En, t), "0 of 0 agencies are up.");
    }

    #[test]
    fn a_refresh_redraws_only_the_cells_that_changed() {
        let t = crate::i18n::strings(Lang::En);
        let before = [agency("a", "up"), agency("b", "up"), agency("c", "down")];
        let shown = rows(&before, Lang::En, t);
        let mut after = before.clone();
        assert_eq!(changed_cells(&shown, &rows(&after, Lang::En, t)), Some(vec![]));
        after[0].calls += 3;
        after[0].breaker = "half_open".to_owned();
        after[1].p50_ms = Some(3.2);
        assert_eq!(changed_cells(&shown, &rows(&after, Lang::En, t)), Some(vec![]), "what no cell shows redraws nothing");
        after[0].last_success = Some("2026-12-07T05:00:02Z".to_owned());
        after[1].state = "degraded".to_owned();
        after[1].p95_ms = Some(40.0);
        assert_eq!(changed_cells(&shown, &rows(&after, Lang::En, t)), Some(vec![(0, 4), (1, 2), (1, 3)]));
        let mut unplugged = before.clone();
        unplugged[1].connected = false;
        assert_eq!(changed_cells(&shown, &rows(&unplugged, Lang::En, t)), None);
        let mut swapped = before.clone();
        swapped.swap(0, 1);
        assert_eq!(changed_cells(&shown, &rows(&swapped, Lang::En, t)), None);
        assert_eq!(changed_cells(&shown, &rows(&before[..2], Lang::En, t)), None);
    }
}
