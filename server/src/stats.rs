//! The public accountability figures: computed at request time from the
//! catalog (services, documents, targets) and the database (sign-ins,
//! requests, the window's own inquiries). The rules are
//! [`panjere_api::stats`]'s; this module gathers their inputs and writes
//! the open-data files.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use panjere_api::stats::{
    agency_meets, median, percent, verdict, AgencyStats, AgencyVerdict, Counts, National, PaymentFigures, StageCount, Stats, TargetId,
    TargetStatus, Verdict,
};

use crate::catalog::Catalog;
use crate::verify::Verification;

/// What the database knows about the window's use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    pub citizens_signed_in: u64,
    pub requests_by_agency: HashMap<String, u64>,
    /// Seconds from submission to decision, one per decided request.
    pub decision_seconds: Vec<i64>,
    /// Inter-agency inquiries the window made successfully.
    pub inquiries_made: u64,
}

/// Reads [`Usage`] (from SQLite or PostgreSQL).
#[async_trait]
pub trait UsageStore: Send + Sync + 'static {
    async fn usage(&self) -> Result<Usage, sqlx::Error>;
}

pub type DynUsageStore = Arc<dyn UsageStore>;

/// [`UsageStore`] on a SQLite or PostgreSQL pool.
pub struct SqlUsageStore<DB: sqlx::Database> {
    pool: sqlx::Pool<DB>,
}

impl<DB: sqlx::Database> SqlUsageStore<DB> {
    pub fn new(pool: sqlx::Pool<DB>) -> Self {
        SqlUsageStore { pool }
    }
}

macro_rules! usage_store {
    ($db:ty) => {
        #[async_trait]
        impl UsageStore for SqlUsageStore<$db> {
            async fn usage(&self) -> Result<Usage, sqlx::Error> {
                let citizens: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM citizen").fetch_one(&self.pool).await?;
                let by_agency: Vec<(String, i64)> =
                    sqlx::query_as("SELECT agency, COUNT(*) FROM request GROUP BY agency").fetch_all(&self.pool).await?;
                let decisions: Vec<i64> = sqlx::query_scalar("SELECT decided_at - created_at FROM request WHERE decided_at IS NOT NULL")
                    .fetch_all(&self.pool)
                    .await?;
                let inquiries: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM audit_log WHERE requested_by IS NOT NULL AND requested_by <> agency AND outcome = 'ok'",
                )
                .fetch_one(&self.pool)
                .await?;
                Ok(Usage {
                    citizens_signed_in: citizens.max(0) as u64,
                    requests_by_agency: by_agency.into_iter().map(|(a, n)| (a, n.max(0) as u64)).collect(),
                    decision_seconds: decisions,
                    inquiries_made: inquiries.max(0) as u64,
                })
            }
        }
    };
}
usage_store!(sqlx::Sqlite);
usage_store!(sqlx::Postgres);

/// Every figure, for a Unix time `now`: the claimed counts from the
/// catalog, the verified ones (which the targets are judged on) and the
/// live connections from `verified`.
pub fn compute(
    catalog: &Catalog,
    verified: &Verification,
    usage: &Usage,
    smart: &crate::smart::store::SmartUsage,
    payments: &[crate::payments::store::PayeeFigures],
    now: i64,
) -> Stats {
    let paid_to = |payee: &str| {
        let f = payments.iter().filter(|f| f.payee == payee);
        let sum = |g: fn(&crate::payments::store::PayeeFigures) -> i64| f.clone().map(g).sum::<i64>().max(0) as u64;
        PaymentFigures::of(sum(|f| f.finished), sum(|f| f.succeeded), sum(|f| f.paid_rials), sum(|f| f.refunded_rials))
    };
    let all = |g: fn(&crate::payments::store::PayeeFigures) -> i64| payments.iter().map(g).sum::<i64>().max(0) as u64;
    let national_payments = PaymentFigures::of(all(|f| f.finished), all(|f| f.succeeded), all(|f| f.paid_rials), all(|f| f.refunded_rials));
    let (today, today_jalali) = crate::jalali::tehran_day(now);
    let shares = catalog.shares();
    let targets = catalog.targets();
    let due = |t: TargetId| targets.iter().find(|x| x.id == t).and_then(|x| x.due.as_ref());

    let mut national_counts = Counts::default();
    let mut national_claimed = Counts::default();
    let mut met_by = HashMap::<TargetId, u32>::new();
    let mut stages = [0u32; 5];
    let mut agencies = Vec::new();
    let mut connected = 0u32;
    for (a, claimed_facts) in catalog.agencies_with_facts() {
        let facts = verified.facts.get(&a.id).map(Vec::as_slice).unwrap_or_default();
        let is_connected = verified.connected.get(&a.id).copied().unwrap_or(false);
        let counts = Counts::of(facts);
        let claimed = Counts::of(claimed_facts);
        national_counts = national_counts.plus(counts);
        national_claimed = national_claimed.plus(claimed);
        let stage = panjere_api::stats::stage(is_connected, &shares, facts);
        stages[usize::from(stage.min(4))] += 1;
        connected += u32::from(is_connected);
        let verdicts = TargetId::ALL
            .into_iter()
            .map(|t| {
                let met = is_connected && agency_meets(t, shares.get(t), facts);
                if met {
                    *met_by.entry(t).or_default() += 1;
                }
                AgencyVerdict { target: t, verdict: verdict(met, &today, due(t).map(|d| d.0.as_str())) }
            })
            .collect();
        agencies.push(AgencyStats {
            id: a.id.clone(),
            name: a.name.clone(),
            kind: a.kind,
            connected: is_connected,
            connected_on: a.connected_on.clone(),
            connected_on_jalali: a.connected_on_jalali.clone(),
            stage,
            counts,
            claimed,
            offered_percent: percent(counts.offered, counts.services),
            fully_electronic_percent: percent(counts.fully_electronic, counts.services),
            smart_percent: percent(counts.smart, counts.services),
            zero_touch_percent: percent(counts.zero_touch, counts.services),
            proactive_percent: percent(counts.proactive, counts.services),
            inquiries_electronic_percent: percent(counts.inquiries_electronic, counts.inquiries),
            requests_submitted: usage.requests_by_agency.get(&a.id).copied().unwrap_or(0),
            payments: paid_to(&a.id),
            verdicts,
        });
    }

    let c = national_counts;
    let targets = targets
        .iter()
        .map(|t| {
            let met_count = met_by.get(&t.id).copied().unwrap_or(0);
            let (value, met) = match t.id {
                TargetId::OfferedThird => (percent(met_count, connected), connected > 0 && met_count == connected),
                TargetId::FullyElectronic => {
                    (percent(c.fully_electronic, c.services), c.services > 0 && t.share.reached(c.fully_electronic, c.services))
                }
                TargetId::InquiriesElectronic => {
                    (percent(c.inquiries_electronic, c.inquiries), t.share.reached(c.inquiries_electronic, c.inquiries))
                }
                TargetId::Smart => (percent(c.smart, c.services), c.services > 0 && t.share.reached(c.smart, c.services)),
            };
            TargetStatus {
                id: t.id,
                name: t.name.clone(),
                share: t.share,
                target_percent: t.share.percent(),
                value_percent: value,
                due: t.due.as_ref().map(|d| d.0.clone()),
                due_jalali: t.due.as_ref().map(|d| d.1.clone()),
                verdict: verdict(met, &today, t.due.as_ref().map(|d| d.0.as_str())),
                agencies_met: met_count,
            }
        })
        .collect();

    let total_agencies = agencies.len() as u32;
    let offers = |status: &str| smart.offers.get(status).copied().unwrap_or(0);
    Stats {
        generated_at: panjere_api::time::rfc3339(now.max(0) as u64),
        today,
        today_jalali,
        national: National {
            agencies: total_agencies,
            agencies_connected: connected,
            connected_percent: percent(connected, total_agencies),
            counts: c,
            claimed: national_claimed,
            offered_percent: percent(c.offered, c.services),
            fully_electronic_percent: percent(c.fully_electronic, c.services),
            smart_percent: percent(c.smart, c.services),
            inquiries_electronic_percent: percent(c.inquiries_electronic, c.inquiries),
            inquiries_made: usage.inquiries_made,
            citizens_signed_in: usage.citizens_signed_in,
            requests_submitted: usage.requests_by_agency.values().sum(),
            requests_decided: usage.decision_seconds.len() as u64,
            median_decision_seconds: median(usage.decision_seconds.clone()),
            requests_proactive: smart.requests_proactive,
            proactive_percent: percent64(smart.requests_proactive, usage.requests_by_agency.values().sum()),
            offers_made: smart.offers.values().sum(),
            offers_accepted: offers("accepted"),
            offers_declined: offers("declined"),
            offers_expired: offers("expired"),
            acceptance_percent: percent64(offers("accepted"), offers("accepted") + offers("declined") + offers("expired")),
            median_event_to_delivery_seconds: median(smart.event_to_decision.clone()),
            payments: national_payments,
        },
        targets,
        stages: (0..=4u8).map(|s| StageCount { stage: s, agencies: stages[usize::from(s)] }).collect(),
        agencies,
        differences: verified.services.iter().filter(|s| s.claimed != s.verified || !s.gaps.is_empty()).cloned().collect(),
    }
}

/// `part / whole` in percent (one decimal) for counts of rows.
fn percent64(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The columns of `agencies.csv`, with their type and meaning: the CSV's
/// header and its published schema come from this one list.
pub const AGENCY_COLUMNS: &[(&str, &str, &str)] = &[
    ("id", "string", "Agency identifier (stable)"),
    ("name_fa", "string", "Name in Persian"),
    ("name_en", "string", "Name in English"),
    ("kind", "string", "ministry, organisation, police, company, bank, judiciary or foundation"),
    ("connected", "boolean", "Connected to the national window now (the gateway's checks, not a flag)"),
    ("connected_on", "date", "Connection date (Gregorian, ISO 8601); empty when not connected"),
    ("connected_on_jalali", "string", "Connection date in the Jalali calendar, YYYY-MM-DD"),
    (
        "stage",
        "integer",
        "Maturity stage: 0 not connected, 1 connected, 2 services offered, 3 fully electronic with its inquiries, 4 smart",
    ),
    ("services", "integer", "Services in the catalog"),
    ("offered", "integer", "Services offered through the window, as verified by the window"),
    ("fully_electronic", "integer", "Services fully electronic (smart included), as verified"),
    (
        "smart",
        "integer",
        "Smart services, as verified: fully electronic and zero-touch or proactive (the union the 20% target is judged on)",
    ),
    ("zero_touch", "integer", "Of the smart services, decided by the agency's published rules at once, from data the window gathers"),
    ("proactive", "integer", "Of the smart services, started by the window from a life event a connected registry publishes"),
    ("inquiries", "integer", "Inter-agency inquiries its services need"),
    ("inquiries_electronic", "integer", "Of those, made electronically by the window through a connected agency"),
    ("claimed_offered", "integer", "Services offered, as the catalog claims"),
    ("claimed_fully_electronic", "integer", "Services fully electronic, as the catalog claims"),
    ("claimed_smart", "integer", "Smart services, as the catalog claims"),
    ("claimed_inquiries_electronic", "integer", "Inquiries made electronically, as the catalog claims"),
    ("offered_percent", "number", "offered / services, percent; empty when it has no services"),
    ("fully_electronic_percent", "number", "fully_electronic / services, percent"),
    ("smart_percent", "number", "smart / services, percent"),
    ("inquiries_electronic_percent", "number", "inquiries_electronic / inquiries, percent; empty when it needs none"),
    ("requests_submitted", "integer", "Requests citizens have submitted to it through the window"),
    ("payments_made", "integer", "Fees and fines paid to it through the window (verified with the payment provider)"),
    ("payment_success_percent", "number", "Of the payments to it that ended, the share paid, percent; empty when none ended"),
    ("paid_rials", "integer", "Rials paid to it through the window"),
    ("refunded_rials", "integer", "Rials refunded for its rejected applications"),
    ("offered_third", "string", "Verdict on the one-third target: met, missed or not_yet_due"),
    ("fully_electronic_target", "string", "Verdict on the fully-electronic target"),
    ("inquiries_electronic_target", "string", "Verdict on the electronic-inquiries target"),
    ("smart_target", "string", "Verdict on the smart-services target"),
];

/// `agencies.csv` (RFC 4180, UTF-8, header first).
pub fn agencies_csv(stats: &Stats) -> String {
    let mut out = String::new();
    push_row(&mut out, AGENCY_COLUMNS.iter().map(|c| c.0.to_owned()));
    let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for a in &stats.agencies {
        let verdict_of = |t: TargetId| a.verdicts.iter().find(|v| v.target == t).map(|v| v.verdict).unwrap_or(Verdict::NotYetDue);
        let c = a.counts;
        push_row(
            &mut out,
            [
                a.id.clone(),
                a.name.fa.clone(),
                a.name.en.clone(),
                a.kind.as_str().to_owned(),
                a.connected.to_string(),
                a.connected_on.clone().unwrap_or_default(),
                a.connected_on_jalali.clone().unwrap_or_default(),
                a.stage.to_string(),
                c.services.to_string(),
                c.offered.to_string(),
                c.fully_electronic.to_string(),
                c.smart.to_string(),
                c.zero_touch.to_string(),
                c.proactive.to_string(),
                c.inquiries.to_string(),
                c.inquiries_electronic.to_string(),
                a.claimed.offered.to_string(),
                a.claimed.fully_electronic.to_string(),
                a.claimed.smart.to_string(),
                a.claimed.inquiries_electronic.to_string(),
                num(a.offered_percent),
                num(a.fully_electronic_percent),
                num(a.smart_percent),
                num(a.inquiries_electronic_percent),
                a.requests_submitted.to_string(),
                a.payments.payments_made.to_string(),
                num(a.payments.success_percent),
                a.payments.paid_rials.to_string(),
                a.payments.refunded_rials.to_string(),
            ]
            .into_iter()
            .chain(TargetId::ALL.into_iter().map(|t| verdict_of(t).as_str().to_owned())),
        );
    }
    out
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    let mut first = true;
    for cell in cells {
        if !first {
            out.push(',');
        }
        first = false;
        // A leading = + - @ would be read as a formula by spreadsheets.
        let cell = if cell.starts_with(['=', '+', '@']) || (cell.starts_with('-') && cell.parse::<f64>().is_err()) {
            format!("'{cell}")
        } else {
            cell
        };
        if cell.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&cell);
        }
    }
    out.push_str("\r\n");
}

/// A Frictionless Data Package describing the open-data files, built from
/// [`AGENCY_COLUMNS`] so it cannot drift from the CSV.
pub fn datapackage() -> serde_json::Value {
    let fields: Vec<serde_json::Value> = AGENCY_COLUMNS
        .iter()
        .map(|(name, ty, description)| serde_json::json!({"name": name, "type": ty, "description": description}))
        .collect();
    serde_json::json!({
        "profile": "data-package",
        "name": "panjere-accountability",
        "title": "Panjere: the national window's targets, measured live",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [
            {
                "name": "agencies",
                "path": "/api/stats/agencies.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": "id"}
            },
            {
                "name": "stats",
                "path": "/api/stats.json",
                "format": "json",
                "mediatype": "application/json",
                "description": "Every figure, nationwide and per agency; its JSON Schema is `Stats` in /api/openapi.json"
            }
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let mut s = String::new();
        push_row(&mut s, ["a,b".to_owned(), "say \"hi\"".to_owned(), "=1+1".to_owned(), "-3.5".to_owned(), "-x".to_owned()].into_iter());
        assert_eq!(s, "\"a,b\",\"say \"\"hi\"\"\",'=1+1,-3.5,'-x\r\n");
    }

    #[test]
    fn schema_and_csv_header_agree() {
        let pkg = datapackage();
        let fields = pkg["resources"][0]["schema"]["fields"].as_array().unwrap();
        assert_eq!(fields.len(), AGENCY_COLUMNS.len());
        let stats = Stats {
            generated_at: String::new(),
            today: String::new(),
            today_jalali: String::new(),
            national: National {
                agencies: 0,
                agencies_connected: 0,
                connected_percent: None,
                counts: Counts::default(),
                claimed: Counts::default(),
                offered_percent: None,
                fully_electronic_percent: None,
                smart_percent: None,
                inquiries_electronic_percent: None,
                inquiries_made: 0,
                citizens_signed_in: 0,
                requests_submitted: 0,
                requests_decided: 0,
                median_decision_seconds: None,
                requests_proactive: 0,
                proactive_percent: None,
                offers_made: 0,
                offers_accepted: 0,
                offers_declined: 0,
                offers_expired: 0,
                acceptance_percent: None,
                median_event_to_delivery_seconds: None,
                payments: Default::default(),
            },
            targets: vec![],
            stages: vec![],
            agencies: vec![],
            differences: vec![],
        };
        let header = agencies_csv(&stats);
        let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(header.trim_end(), names.join(","));
    }
}
