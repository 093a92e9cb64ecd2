//! The accountability dashboard's logic: sorting and filtering the agency
//! table, the stage chart's geometry, and how durations and verdicts read.
//! Plain functions, tested here; the components only show their results.

use panjere_api::stats::{AgencyStats, TargetId, Verdict};
use panjere_api::Lang;

use crate::fmt::{num, percent};
use crate::i18n::Strings;

/// The columns the agency table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Stage,
    Services,
    Offered,
    Fully,
    Inquiries,
    Smart,
    Requests,
}

impl SortKey {
    pub const ALL: [SortKey; 8] = [
        SortKey::Name,
        SortKey::Stage,
        SortKey::Services,
        SortKey::Offered,
        SortKey::Fully,
        SortKey::Inquiries,
        SortKey::Smart,
        SortKey::Requests,
    ];

    /// A stable name (for test hooks and `data-sort`).
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Stage => "stage",
            SortKey::Services => "services",
            SortKey::Offered => "offered",
            SortKey::Fully => "fully",
            SortKey::Inquiries => "inquiries",
            SortKey::Smart => "smart",
            SortKey::Requests => "requests",
        }
    }

    pub fn label(self, t: &Strings) -> &'static str {
        match self {
            SortKey::Name => t.dash_col_agency(),
            SortKey::Stage => t.dash_col_stage(),
            SortKey::Services => t.dash_col_services(),
            SortKey::Offered => t.dash_col_offered(),
            SortKey::Fully => t.dash_col_fully(),
            SortKey::Inquiries => t.dash_col_inquiries(),
            SortKey::Smart => t.dash_col_smart(),
            SortKey::Requests => t.dash_col_requests(),
        }
    }

    /// Numbers start from the largest; names from A (or الف).
    pub fn default_ascending(self) -> bool {
        self == SortKey::Name
    }
}

/// The table's sort: a column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub ascending: bool,
}

impl Sort {
    /// What choosing `key` does: the same column turns the direction over,
    /// another column starts in its natural direction.
    pub fn toggle(self, key: SortKey) -> Sort {
        if self.key == key {
            Sort { key, ascending: !self.ascending }
        } else {
            Sort { key, ascending: key.default_ascending() }
        }
    }

    /// `aria-sort` for a column heading.
    pub fn aria(self, key: SortKey) -> &'static str {
        match (self.key == key, self.ascending) {
            (false, _) => "none",
            (true, true) => "ascending",
            (true, false) => "descending",
        }
    }
}

/// A percentage for sorting: no figure sorts below 0%.
fn pct(p: Option<f64>) -> f64 {
    p.unwrap_or(-1.0)
}

/// Filters by name (in either language or the id; case and Arabic/Persian
/// letter forms do not matter) and by stage, then sorts. Ties keep the
/// agencies' catalog order.
pub fn table_rows<'a>(agencies: &'a [AgencyStats], text: &str, stage: Option<u8>, sort: Sort, lang: Lang) -> Vec<&'a AgencyStats> {
    let needle = panjere_api::normalize::normalize(text);
    let mut rows: Vec<&AgencyStats> = agencies
        .iter()
        .filter(|a| stage.is_none_or(|s| a.stage == s))
        .filter(|a| {
            needle.is_empty() || [&a.name.fa, &a.name.en, &a.id].into_iter().any(|n| panjere_api::normalize::normalize(n).contains(&needle))
        })
        .collect();
    // Made only when names are compared: an `Intl.Collator` takes a while.
    let collator = std::cell::LazyCell::new(|| crate::fmt::Collator::new(lang));
    rows.sort_by(|a, b| {
        let o = match sort.key {
            SortKey::Name => collator.compare(a.name.get(lang), b.name.get(lang)),
            SortKey::Stage => a.stage.cmp(&b.stage),
            SortKey::Services => a.counts.services.cmp(&b.counts.services),
            SortKey::Offered => pct(a.offered_percent).total_cmp(&pct(b.offered_percent)),
            SortKey::Fully => pct(a.fully_electronic_percent).total_cmp(&pct(b.fully_electronic_percent)),
            SortKey::Inquiries => pct(a.inquiries_electronic_percent).total_cmp(&pct(b.inquiries_electronic_percent)),
            SortKey::Smart => pct(a.smart_percent).total_cmp(&pct(b.smart_percent)),
            SortKey::Requests => a.requests_submitted.cmp(&b.requests_submitted),
        };
        if sort.ascending {
            o
        } else {
            o.reverse()
        }
    });
    rows
}

/// One bar of the stage chart, in SVG user units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub stage: u8,
    pub count: u32,
    /// The bar.
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Where the stage's name and the count are written.
    pub label_x: f64,
    pub value_x: f64,
    pub text_y: f64,
}

/// The chart's size.
pub const CHART_WIDTH: f64 = 360.0;
pub const ROW_HEIGHT: f64 = 36.0;
const LABEL_WIDTH: f64 = 130.0;
const VALUE_WIDTH: f64 = 34.0;
const BAR_HEIGHT: f64 = 22.0;

/// Horizontal bars, one per stage, scaled to the largest count. Right to
/// left in Persian: names on the right, bars growing leftwards.
pub fn stage_bars(counts: &[(u8, u32)], rtl: bool) -> Vec<Bar> {
    let max = counts.iter().map(|c| c.1).max().unwrap_or(0).max(1);
    let room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    counts
        .iter()
        .enumerate()
        .map(|(i, &(stage, count))| {
            let y = i as f64 * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2.0;
            let width = (f64::from(count) / f64::from(max) * room).max(if count > 0 { 2.0 } else { 0.0 });
            let (x, label_x, value_x) = if rtl {
                let x = CHART_WIDTH - LABEL_WIDTH - width;
                (x, CHART_WIDTH - 4.0, x - 6.0)
            } else {
                (LABEL_WIDTH, 4.0, LABEL_WIDTH + width + 6.0)
            };
            Bar { stage, count, x, y, width, height: BAR_HEIGHT, label_x, value_x, text_y: y + BAR_HEIGHT / 2.0 + 5.0 }
        })
        .collect()
}

/// A percentage, or a dash when there is nothing to count.
pub fn percent_text(p: Option<f64>, lang: Lang, t: &Strings) -> String {
    p.map(|p| percent(p, lang)).unwrap_or_else(|| t.dash_dash().to_owned())
}

/// A stage as "2 — Services online".
pub fn stage_text(stage: u8, lang: Lang, t: &Strings) -> String {
    format!("{} — {}", num(u64::from(stage), lang), crate::logic::stage_label(stage, t))
}

pub fn verdict_label(v: Verdict, t: &Strings) -> &'static str {
    match v {
        Verdict::Met => t.verdict_met(),
        Verdict::Missed => t.verdict_missed(),
        Verdict::NotYetDue => t.verdict_not_yet_due(),
    }
}

/// A target's short name (table cells).
pub fn target_short(id: TargetId, t: &Strings) -> &'static str {
    match id {
        TargetId::OfferedThird => t.dash_target_short_offered_third(),
        TargetId::FullyElectronic => t.dash_target_short_fully_electronic(),
        TargetId::InquiriesElectronic => t.dash_target_short_inquiries_electronic(),
        TargetId::Smart => t.dash_target_short_smart(),
    }
}

/// How far a figure has come towards its target, 0–100 (for the bar).
pub fn progress(value: Option<f64>, target: f64) -> f64 {
    match value {
        Some(v) if target > 0.0 => (v / target * 100.0).clamp(0.0, 100.0),
        _ => 0.0,
    }
}

/// Payments in words: how many were paid, the success rate, the money
/// paid and refunded.
pub fn payments_text(p: panjere_api::stats::PaymentFigures, t: &'static crate::i18n::Strings) -> String {
    let lang = t.lang();
    crate::fmt::fill(
        t.dash_payments(),
        &[
            ("n", &crate::fmt::num(p.payments_made, lang)),
            ("pct", &percent_text(p.success_percent, lang, t)),
            ("paid", &crate::logic::rials_text(p.paid_rials, t)),
            ("refunded", &crate::logic::rials_text(p.refunded_rials, t)),
        ],
    )
}

/// The agency table's rows, one per agency, as `<tr>` markup (the table's
/// bodies take it whole: 70-odd rows of nine cells built as nodes one by
/// one were the dashboard's longest task on a phone). Each
/// row: the agency (a link), its stage, services, the four targets' shares
/// with what the agency claims where it differs, requests with payments,
/// and its verdicts.
pub fn agency_rows_html(rows: &[AgencyStats], lang: Lang, t: &'static Strings) -> String {
    use panjere_api::markup::escape_html;
    use std::fmt::Write;
    let pct = |p: Option<f64>| escape_html(&percent_text(p, lang, t));
    // What the agency claims, where it is not what the window verifies.
    let claimed = |part: u32, services: u32, now: Option<f64>| {
        let p = panjere_api::stats::percent(part, services);
        if p == now {
            String::new()
        } else {
            format!(
                " <small class=\"claimed\">{}</small>",
                escape_html(&crate::fmt::fill(t.dash_claimed_note(), &[("p", &percent_text(p, lang, t))]))
            )
        }
    };
    let mut out = String::new();
    for a in rows {
        let id = escape_html(&a.id);
        let (cl, paid) = (a.claimed, a.payments);
        let _ = write!(
            out,
            "<tr data-agency=\"{id}\"><th scope=\"row\"><a href=\"/agencies/{id}\">{}</a></th><td data-col=\"stage\">{}</td>\
             <td data-col=\"services\">{}</td><td data-col=\"offered\">{}{}</td><td data-col=\"fully\">{}{}</td>\
             <td data-col=\"inquiries\">{}</td><td data-col=\"smart\">{}</td><td data-col=\"requests\">{}",
            escape_html(a.name.get(lang)),
            escape_html(&stage_text(a.stage, lang, t)),
            num(u64::from(a.counts.services), lang),
            pct(a.offered_percent),
            claimed(cl.offered, cl.services, a.offered_percent),
            pct(a.fully_electronic_percent),
            claimed(cl.fully_electronic, cl.services, a.fully_electronic_percent),
            pct(a.inquiries_electronic_percent),
            pct(a.smart_percent),
            num(a.requests_submitted, lang),
        );
        if paid.payments_made > 0 || paid.success_percent.is_some() {
            let _ = write!(out, "<small class=\"payments\">{}</small>", escape_html(&payments_text(paid, t)));
        }
        out.push_str("</td><td><ul class=\"verdicts\">");
        for v in &a.verdicts {
            let _ = write!(
                out,
                "<li class=\"verdict-{}\">{}: {}</li>",
                v.verdict.as_str(),
                escape_html(target_short(v.target, t)),
                escape_html(verdict_label(v.verdict, t))
            );
        }
        out.push_str("</ul></td></tr>");
    }
    out
}

/// The claims table's body: every service whose claimed and verified
/// levels differ (a hundred-odd rows, so markup the table's bodies take
/// whole, as [`agency_rows_html`]), each with why.
pub fn claim_rows_html(differences: &[panjere_api::stats::ServiceCheck], lang: Lang, t: &Strings) -> String {
    use crate::logic::{gap_text, level_label};
    use panjere_api::markup::escape_html;
    use std::fmt::Write;
    let mut out = String::new();
    for d in differences {
        let id = escape_html(&d.id);
        let _ = write!(
            out,
            "<tr data-service=\"{id}\"><th scope=\"row\"><a href=\"/services/{id}\">{}</a></th><td>{}</td><td>{}</td><td><ul class=\"gaps\">",
            escape_html(d.name.get(lang)),
            escape_html(level_label(d.claimed, t)),
            escape_html(level_label(d.verified, t)),
        );
        for g in &d.gaps {
            let _ = write!(out, "<li>{}</li>", escape_html(&gap_text(g, t, lang)));
        }
        out.push_str("</ul></td></tr>");
    }
    out
}

/// The nationwide figures, inside the headline's `<dl class="figures">`:
/// each a `<div data-figure>` with its label, the figure, and what it is
/// out of (and what the agencies claim, where they do). Markup the `<dl>`
/// takes whole: built node by node, with the rest of the page's first
/// render, it was one long task on a phone.
pub fn headline_html(n: &panjere_api::stats::National, lang: Lang, t: &'static Strings) -> String {
    use crate::fmt::{duration, fill, Round};
    use panjere_api::markup::escape_html;
    let c = n.counts;
    let number = |x: u64| num(x, lang);
    let pct = |p: Option<f64>| percent_text(p, lang, t);
    let of = |part: u32, whole: u32| fill(t.dash_of_total(), &[("n", &number(u64::from(part))), ("total", &number(u64::from(whole)))]);
    let claim = |part: u32| fill(t.dash_fig_claimed(), &[("n", &number(u64::from(part)))]);
    let time = |s: Option<i64>| s.map(|s| duration(s, Round::Down, lang, t)).unwrap_or_else(|| t.dash_none().to_owned());
    // Each figure: its key, name and number, then its lines (with a class,
    // or none).
    type Figure<'a> = (&'a str, &'a str, String, Vec<(&'a str, String)>);
    let figures: [Figure<'_>; 10] = [
        ("connected", t.dash_fig_connected(), pct(n.connected_percent), vec![("", of(n.agencies_connected, n.agencies))]),
        (
            "offered",
            t.dash_fig_offered(),
            number(u64::from(c.offered)),
            vec![("", of(c.offered, c.services)), ("claimed", claim(n.claimed.offered))],
        ),
        (
            "fully",
            t.dash_fig_fully(),
            pct(n.fully_electronic_percent),
            vec![("", of(c.fully_electronic, c.services)), ("claimed", claim(n.claimed.fully_electronic))],
        ),
        (
            "smart",
            t.dash_fig_smart(),
            pct(n.smart_percent),
            vec![
                ("", of(c.smart, c.services)),
                (
                    "",
                    fill(
                        t.dash_fig_smart_split(),
                        &[("zero_touch", &number(u64::from(c.zero_touch))), ("proactive", &number(u64::from(c.proactive)))],
                    ),
                ),
                ("claimed", claim(n.claimed.smart)),
            ],
        ),
        (
            "proactive",
            t.dash_fig_proactive(),
            pct(n.proactive_percent),
            vec![
                ("", fill(t.dash_fig_proactive_requests(), &[("n", &number(n.requests_proactive))])),
                ("", fill(t.dash_fig_acceptance(), &[("pct", &pct(n.acceptance_percent)), ("n", &number(n.offers_made))])),
                ("", fill(t.dash_fig_event_median(), &[("time", &time(n.median_event_to_delivery_seconds))])),
            ],
        ),
        (
            "inquiries",
            t.dash_fig_inquiries(),
            pct(n.inquiries_electronic_percent),
            vec![
                ("", of(c.inquiries_electronic, c.inquiries)),
                ("claimed", claim(n.claimed.inquiries_electronic)),
                ("", fill(t.dash_fig_inquiries_made(), &[("n", &number(n.inquiries_made))])),
            ],
        ),
        ("citizens", t.dash_fig_citizens(), number(n.citizens_signed_in), vec![("", t.dash_fig_citizens_note().to_owned())]),
        ("requests", t.dash_fig_requests(), number(n.requests_submitted), vec![]),
        ("payments", t.dash_fig_payments(), number(n.payments.payments_made), vec![("", payments_text(n.payments, t))]),
        (
            "median",
            t.dash_fig_median(),
            time(n.median_decision_seconds),
            vec![("", fill(t.dash_fig_decided(), &[("n", &number(n.requests_decided))]))],
        ),
    ];
    let mut out = String::new();
    for (key, label, figure, lines) in figures {
        out.push_str(&format!(
            "<div data-figure=\"{key}\"><dt>{}</dt><dd class=\"figure\">{}</dd>",
            escape_html(label),
            escape_html(&figure)
        ));
        for (class, line) in lines {
            let class = if class.is_empty() { String::new() } else { format!(" class=\"{class}\"") };
            out.push_str(&format!("<dd{class}>{}</dd>", escape_html(&line)));
        }
        out.push_str("</div>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fmt::{duration, Round};
    use panjere_api::stats::Counts;
    use panjere_api::{AgencyKind, Text};

    fn agency(id: &str, fa: &str, stage: u8, services: u32, offered: Option<f64>, requests: u64) -> AgencyStats {
        AgencyStats {
            id: id.into(),
            name: Text { fa: fa.into(), en: id.into() },
            kind: AgencyKind::Organisation,
            connected: stage > 0,
            connected_on: None,
            connected_on_jalali: None,
            stage,
            counts: Counts { services, ..Default::default() },
            claimed: Counts { services, offered: services, ..Default::default() },
            offered_percent: offered,
            fully_electronic_percent: None,
            smart_percent: None,
            zero_touch_percent: None,
            proactive_percent: None,
            inquiries_electronic_percent: None,
            requests_submitted: requests,
            payments: Default::default(),
            verdicts: vec![],
        }
    }

    #[test]
    fn payments_in_words() {
        let p = panjere_api::stats::PaymentFigures::of(4, 3, 9_000_000, 3_000_000);
        assert_eq!(
            payments_text(p, &crate::i18n::EN),
            "3 paid (75% of payments that ended); 9000000 rials (900000 toman) paid, 3000000 rials (300000 toman) refunded"
        );
    }

    #[test]
    fn agency_rows_as_markup() {
        let mut a = agency("x<y", "A & B", 2, 4, Some(50.0), 7);
        // Claims all four services offered (100%), the window counts two;
        // claims none fully electronic, as the window counts.
        a.fully_electronic_percent = Some(0.0);
        a.payments = panjere_api::stats::PaymentFigures::of(2, 1, 10, 0);
        a.verdicts = vec![panjere_api::stats::AgencyVerdict { target: TargetId::FullyElectronic, verdict: Verdict::Missed }];
        let plain = agency("b", "B", 0, 0, None, 0);
        let html = agency_rows_html(&[a.clone(), plain], Lang::En, &crate::i18n::EN);
        assert_eq!(
            html,
            format!(
                "<tr data-agency=\"x&lt;y\"><th scope=\"row\"><a href=\"/agencies/x&lt;y\">x&lt;y</a></th>\
                 <td data-col=\"stage\">2 — Services online</td><td data-col=\"services\">4</td>\
                 <td data-col=\"offered\">50% <small class=\"claimed\">claimed 100%</small></td><td data-col=\"fully\">0%</td>\
                 <td data-col=\"inquiries\">—</td><td data-col=\"smart\">—</td><td data-col=\"requests\">7<small class=\"payments\">{}</small></td>\
                 <td><ul class=\"verdicts\"><li class=\"verdict-missed\">Fully electronic: Missed</li></ul></td></tr>\
                 <tr data-agency=\"b\"><th scope=\"row\"><a href=\"/agencies/b\">b</a></th>\
                 <td data-col=\"stage\">0 — {}</td><td data-col=\"services\">0</td>\
                 <td data-col=\"offered\">—</td><td data-col=\"fully\">—</td><td data-col=\"inquiries\">—</td><td data-col=\"smart\">—</td>\
                 <td data-col=\"requests\">0</td><td><ul class=\"verdicts\"></ul></td></tr>",
                payments_text(a.payments, &crate::i18n::EN),
                crate::logic::stage_label(0, &crate::i18n::EN),
            )
        );
        // In Persian, the Persian name.
        assert!(agency_rows_html(&[a], Lang::Fa, &crate::i18n::FA).contains(">A &amp; B</a>"));
    }

    #[test]
    fn claim_rows_as_markup() {
        use panjere_api::stats::{Gap, ServiceCheck};
        use panjere_api::ElectronicLevel;
        let t = &crate::i18n::EN;
        let gap = Gap { code: "no_form".into(), subject: None };
        let d = ServiceCheck {
            id: "a&b".into(),
            agency: "x".into(),
            name: Text { fa: "ف".into(), en: "<Passport>".into() },
            claimed: ElectronicLevel::Fully,
            verified: ElectronicLevel::InPerson,
            gaps: vec![gap.clone()],
        };
        assert_eq!(
            claim_rows_html(&[d], Lang::En, t),
            format!(
                "<tr data-service=\"a&amp;b\"><th scope=\"row\"><a href=\"/services/a&amp;b\">&lt;Passport&gt;</a></th>\
                 <td>{}</td><td>{}</td><td><ul class=\"gaps\"><li>{}</li></ul></td></tr>",
                crate::logic::level_label(ElectronicLevel::Fully, t),
                crate::logic::level_label(ElectronicLevel::InPerson, t),
                crate::logic::gap_text(&gap, t, Lang::En),
            )
        );
        assert_eq!(claim_rows_html(&[], Lang::En, t), "");
    }

    #[test]
    fn headline_figures_as_markup() {
        let t = &crate::i18n::EN;
        let mut n =
            panjere_api::stats::National { agencies: 4, agencies_connected: 3, connected_percent: Some(75.0), ..Default::default() };
        n.counts.services = 10;
        n.counts.offered = 6;
        n.claimed.offered = 9;
        n.median_decision_seconds = Some(7_200);
        let html = headline_html(&n, Lang::En, t);
        let of = |a: &str, b: &str| crate::fmt::fill(t.dash_of_total(), &[("n", a), ("total", b)]);
        // Ten figures, in order, each a labelled number.
        let keys: Vec<&str> = html.match_indices("data-figure=\"").map(|(i, m)| html[i + m.len()..].split('"').next().unwrap()).collect();
        assert_eq!(
            keys,
            ["connected", "offered", "fully", "smart", "proactive", "inquiries", "citizens", "requests", "payments", "median"]
        );
        assert!(html.starts_with(&format!(
            "<div data-figure=\"connected\"><dt>{}</dt><dd class=\"figure\">75%</dd><dd>{}</dd></div>",
            t.dash_fig_connected(),
            of("3", "4")
        )));
        assert!(html.contains(&format!(
            "<div data-figure=\"offered\"><dt>{}</dt><dd class=\"figure\">6</dd><dd>{}</dd><dd class=\"claimed\">{}</dd></div>",
            t.dash_fig_offered(),
            of("6", "10"),
            crate::fmt::fill(t.dash_fig_claimed(), &[("n", "9")])
        )));
        assert!(
            html.contains(&format!("<div data-figure=\"requests\"><dt>{}</dt><dd class=\"figure\">0</dd></div>", t.dash_fig_requests()))
        );
        assert!(html.contains(&format!("<dd class=\"figure\">{}</dd>", crate::fmt::duration(7_200, crate::fmt::Round::Down, Lang::En, t))));
        // No figure yet reads as "none", not as zero.
        assert!(html.contains(&format!("<dd>{}</dd>", crate::fmt::fill(t.dash_fig_event_median(), &[("time", t.dash_none())]))));
    }

    fn sample() -> Vec<AgencyStats> {
        vec![
            agency("tax", "امور مالیاتی", 4, 9, Some(100.0), 2),
            agency("post", "پست", 2, 5, Some(40.0), 7),
            agency("endowment", "اوقاف", 0, 3, None, 0),
            agency("customs", "گمرک", 2, 7, Some(85.7), 0),
        ]
    }

    fn ids(rows: &[&AgencyStats]) -> Vec<String> {
        rows.iter().map(|a| a.id.clone()).collect()
    }

    #[test]
    fn sorts_each_way_with_missing_figures_last_when_descending() {
        let a = sample();
        let by = |key, ascending| ids(&table_rows(&a, "", None, Sort { key, ascending }, Lang::En));
        assert_eq!(by(SortKey::Name, true), ["customs", "endowment", "post", "tax"]);
        assert_eq!(by(SortKey::Name, false), ["tax", "post", "endowment", "customs"]);
        assert_eq!(by(SortKey::Offered, false), ["tax", "customs", "post", "endowment"]);
        assert_eq!(by(SortKey::Offered, true), ["endowment", "post", "customs", "tax"]);
        assert_eq!(by(SortKey::Requests, false), ["post", "tax", "endowment", "customs"]);
        // Ties keep catalog order.
        assert_eq!(by(SortKey::Stage, false), ["tax", "post", "customs", "endowment"]);
        // Persian names sort in Persian order.
        let fa = ids(&table_rows(&a, "", None, Sort { key: SortKey::Name, ascending: true }, Lang::Fa));
        assert_eq!(fa, ["tax", "endowment", "post", "customs"]);
    }

    #[test]
    fn filters_by_name_and_stage() {
        let a = sample();
        let s = Sort { key: SortKey::Name, ascending: true };
        assert_eq!(ids(&table_rows(&a, "گمرك", None, s, Lang::Fa)), ["customs"]);
        assert_eq!(ids(&table_rows(&a, "POST", None, s, Lang::En)), ["post"]);
        assert_eq!(ids(&table_rows(&a, "", Some(2), s, Lang::En)), ["customs", "post"]);
        assert!(table_rows(&a, "tax", Some(2), s, Lang::En).is_empty());
    }

    #[test]
    fn toggling_and_aria_sort() {
        let s = Sort { key: SortKey::Name, ascending: true };
        let s2 = s.toggle(SortKey::Name);
        assert!(!s2.ascending);
        let s3 = s2.toggle(SortKey::Offered);
        assert_eq!(s3, Sort { key: SortKey::Offered, ascending: false });
        assert_eq!(s3.aria(SortKey::Offered), "descending");
        assert_eq!(s3.aria(SortKey::Name), "none");
    }

    #[test]
    fn bars_scale_and_mirror() {
        let counts = [(0, 2), (1, 1), (2, 38), (3, 25), (4, 6)];
        let ltr = stage_bars(&counts, false);
        let room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
        assert_eq!(ltr[2].width, room);
        assert!((ltr[3].width - 25.0 / 38.0 * room).abs() < 1e-9);
        assert_eq!(ltr[2].x, LABEL_WIDTH);
        assert_eq!(ltr[4].y, 4.0 * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2.0);
        let rtl = stage_bars(&counts, true);
        assert_eq!(rtl[2].x + rtl[2].width, CHART_WIDTH - LABEL_WIDTH);
        assert!(rtl[2].value_x < rtl[2].x);
        // A stage with no agency has no bar; one with a few still shows.
        let small = stage_bars(&[(0, 0), (1, 1), (2, 1000)], false);
        assert_eq!(small[0].width, 0.0);
        assert_eq!(small[1].width, 2.0);
        assert!(stage_bars(&[(0, 0)], false)[0].width == 0.0);
    }

    #[test]
    fn durations_and_progress() {
        let t = crate::i18n::strings(Lang::En);
        assert_eq!(duration(200, Round::Down, Lang::En, t), "3 minutes");
        assert_eq!(duration(3 * 86_400 + 5, Round::Down, Lang::En, t), "3 days");
        assert_eq!(duration(7_200, Round::Down, Lang::En, t), "2 hours");
        assert_eq!(duration(-5, Round::Down, Lang::En, t), "0 seconds");
        assert_eq!(progress(Some(10.0), 20.0), 50.0);
        assert_eq!(progress(Some(40.0), 20.0), 100.0);
        assert_eq!(progress(None, 20.0), 0.0);
        assert_eq!(verdict_label(Verdict::Missed, t), "Missed");
        assert_eq!(percent_text(None, Lang::En, t), "—");
        assert_eq!(percent_text(Some(33.3), Lang::En, t), "33.3%");
        assert_eq!(stage_text(2, Lang::En, t), "2 — Services online");
    }
}
