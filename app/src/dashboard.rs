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
            SortKey::Name => t.dash_col_agency,
            SortKey::Stage => t.dash_col_stage,
            SortKey::Services => t.dash_col_services,
            SortKey::Offered => t.dash_col_offered,
            SortKey::Fully => t.dash_col_fully,
            SortKey::Inquiries => t.dash_col_inquiries,
            SortKey::Smart => t.dash_col_smart,
            SortKey::Requests => t.dash_col_requests,
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
    let collator = crate::fmt::Collator::new(lang);
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
    p.map(|p| percent(p, lang)).unwrap_or_else(|| t.dash_dash.to_owned())
}

/// A stage as "2 — Services online".
pub fn stage_text(stage: u8, lang: Lang, t: &Strings) -> String {
    format!("{} — {}", num(u64::from(stage), lang), crate::logic::stage_label(stage, t))
}

pub fn verdict_label(v: Verdict, t: &Strings) -> &'static str {
    match v {
        Verdict::Met => t.verdict_met,
        Verdict::Missed => t.verdict_missed,
        Verdict::NotYetDue => t.verdict_not_yet_due,
    }
}

/// A target's short name (table cells).
pub fn target_short(id: TargetId, t: &Strings) -> &'static str {
    match id {
        TargetId::OfferedThird => t.dash_target_short_offered_third,
        TargetId::FullyElectronic => t.dash_target_short_fully_electronic,
        TargetId::InquiriesElectronic => t.dash_target_short_inquiries_electronic,
        TargetId::Smart => t.dash_target_short_smart,
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
        t.dash_payments,
        &[
            ("n", &crate::fmt::num(p.payments_made, lang)),
            ("pct", &percent_text(p.success_percent, lang, t)),
            ("paid", &crate::logic::rials_text(p.paid_rials, t)),
            ("refunded", &crate::logic::rials_text(p.refunded_rials, t)),
        ],
    )
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
