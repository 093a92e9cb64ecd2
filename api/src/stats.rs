//! The public accountability figures (`GET /api/stats`) and the rules that
//! compute them: the law's targets, each agency's maturity stage, and each
//! deadline's verdict. Pure functions, shared by the server (which computes)
//! and the client (which explains).
//!
//! # The rules
//!
//! A service is **offered through the window** when its level is partly
//! electronic, fully electronic or smart (a citizen can at least start it
//! online); **fully electronic** when its level is fully electronic or smart;
//! **smart** when its level is smart (the window starts it proactively on a
//! life event). An **inter-agency inquiry** is a document a service needs
//! from another agency: electronic when the window fetches it itself, not
//! when the citizen still has to carry it.
//!
//! The law's targets ([`TargetId`]), each a share `num/den` from
//! `data/targets.toml`, are met by an agency when:
//! - `offered_third`: it has services, at least that share of them are
//!   offered through the window, and so are its most-used ones (its
//!   ⌈share × n⌉ services of best popularity rank);
//! - `fully_electronic`: it has services and at least that share are fully
//!   electronic;
//! - `inquiries_electronic`: at least that share of its inter-agency
//!   inquiries are electronic (met when it needs none);
//! - `smart`: it has services and at least that share are smart.
//!
//! An agency's **stage** is 0 when it is not connected; otherwise 1
//! (connected), 2 when it meets `offered_third`, 3 when it also meets
//! `fully_electronic` and `inquiries_electronic`, 4 when it also meets
//! `smart`.
//!
//! A **verdict** is judged on today's figures (the history of each figure is
//! not kept): `met` when the target is met; otherwise `missed` once the
//! deadline's day is over, and `not_yet_due` until then (or when the target
//! has no deadline).

use serde::{Deserialize, Serialize};

use crate::{AgencyKind, ElectronicLevel, Text};

/// One of the law's targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TargetId {
    OfferedThird,
    FullyElectronic,
    InquiriesElectronic,
    Smart,
}

impl TargetId {
    pub const ALL: [TargetId; 4] = [TargetId::OfferedThird, TargetId::FullyElectronic, TargetId::InquiriesElectronic, TargetId::Smart];

    pub fn as_str(self) -> &'static str {
        match self {
            TargetId::OfferedThird => "offered_third",
            TargetId::FullyElectronic => "fully_electronic",
            TargetId::InquiriesElectronic => "inquiries_electronic",
            TargetId::Smart => "smart",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        TargetId::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A target's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Met,
    Missed,
    NotYetDue,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::Missed => "missed",
            Verdict::NotYetDue => "not_yet_due",
        }
    }
}

/// A share as an exact fraction (1/3 is not 33%).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fraction {
    pub num: u32,
    pub den: u32,
}

impl Fraction {
    /// Parses `"1/3"`; the fraction must lie in (0, 1].
    pub fn parse(s: &str) -> Result<Self, String> {
        let (n, d) = s.split_once('/').ok_or_else(|| format!("'{s}' is not a fraction like 1/3"))?;
        let (Ok(num), Ok(den)) = (n.trim().parse::<u32>(), d.trim().parse::<u32>()) else {
            return Err(format!("'{s}' is not a fraction like 1/3"));
        };
        if num == 0 || den == 0 || num > den {
            return Err(format!("'{s}' must be more than 0 and at most 1"));
        }
        Ok(Fraction { num, den })
    }

    /// Whether `part / whole` reaches this share (exact integer arithmetic).
    pub fn reached(self, part: u32, whole: u32) -> bool {
        u64::from(part) * u64::from(self.den) >= u64::from(self.num) * u64::from(whole)
    }

    /// ⌈self × n⌉.
    pub fn of_ceil(self, n: u32) -> u32 {
        (u64::from(n) * u64::from(self.num)).div_ceil(u64::from(self.den)) as u32
    }

    /// The share in percent, one decimal.
    pub fn percent(self) -> f64 {
        round1(f64::from(self.num) * 100.0 / f64::from(self.den))
    }
}

/// What the rules need to know about one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceFacts {
    pub level: ElectronicLevel,
    /// 1 is the most used.
    pub popularity: u32,
    /// Documents needed from other agencies.
    pub inquiries: u32,
    /// Of those, the ones the window fetches itself.
    pub inquiries_electronic: u32,
    /// Decided by its agency's published rules at once, from data the
    /// window gathers (verified: see `server/src/verify.rs`).
    pub zero_touch: bool,
    /// Started by the window from a life event (a rule of
    /// `data/smart.toml` whose event agency is connected).
    pub proactive: bool,
}

/// Whether a level counts as offered through the window.
pub fn is_offered(level: ElectronicLevel) -> bool {
    !matches!(level, ElectronicLevel::InPerson)
}

/// Whether a level counts as fully electronic.
pub fn is_fully_electronic(level: ElectronicLevel) -> bool {
    matches!(level, ElectronicLevel::Fully | ElectronicLevel::Smart)
}

/// Counts over a set of services (one agency's, or the whole catalog's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    pub services: u32,
    pub offered: u32,
    pub fully_electronic: u32,
    /// Smart: fully electronic and zero-touch or proactive (the union;
    /// the law's 20% is judged on it).
    pub smart: u32,
    /// Of the smart ones, zero-touch.
    #[serde(default)]
    pub zero_touch: u32,
    /// Of the smart ones, proactive.
    #[serde(default)]
    pub proactive: u32,
    pub inquiries: u32,
    pub inquiries_electronic: u32,
}

impl Counts {
    pub fn of(services: &[ServiceFacts]) -> Counts {
        let mut c = Counts::default();
        for s in services {
            c.add(s);
        }
        c
    }

    fn add(&mut self, s: &ServiceFacts) {
        self.services += 1;
        self.offered += u32::from(is_offered(s.level));
        self.fully_electronic += u32::from(is_fully_electronic(s.level));
        let smart = s.level == ElectronicLevel::Smart;
        self.smart += u32::from(smart);
        self.zero_touch += u32::from(smart && s.zero_touch);
        self.proactive += u32::from(smart && s.proactive);
        self.inquiries += s.inquiries;
        self.inquiries_electronic += s.inquiries_electronic;
    }

    /// The sum of two counts.
    pub fn plus(self, o: Counts) -> Counts {
        Counts {
            services: self.services + o.services,
            offered: self.offered + o.offered,
            fully_electronic: self.fully_electronic + o.fully_electronic,
            smart: self.smart + o.smart,
            zero_touch: self.zero_touch + o.zero_touch,
            proactive: self.proactive + o.proactive,
            inquiries: self.inquiries + o.inquiries,
            inquiries_electronic: self.inquiries_electronic + o.inquiries_electronic,
        }
    }
}

/// The shares of the law's targets, from `data/targets.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shares {
    pub offered_third: Fraction,
    pub fully_electronic: Fraction,
    pub inquiries_electronic: Fraction,
    pub smart: Fraction,
}

impl Shares {
    pub fn get(&self, t: TargetId) -> Fraction {
        match t {
            TargetId::OfferedThird => self.offered_third,
            TargetId::FullyElectronic => self.fully_electronic,
            TargetId::InquiriesElectronic => self.inquiries_electronic,
            TargetId::Smart => self.smart,
        }
    }
}

/// Whether one agency's services meet a target (see the module's rules).
pub fn agency_meets(t: TargetId, share: Fraction, services: &[ServiceFacts]) -> bool {
    let c = Counts::of(services);
    match t {
        TargetId::OfferedThird => {
            if c.services == 0 || !share.reached(c.offered, c.services) {
                return false;
            }
            let mut by_use: Vec<&ServiceFacts> = services.iter().collect();
            by_use.sort_by_key(|s| s.popularity);
            by_use.iter().take(share.of_ceil(c.services) as usize).all(|s| is_offered(s.level))
        }
        TargetId::FullyElectronic => c.services > 0 && share.reached(c.fully_electronic, c.services),
        TargetId::InquiriesElectronic => share.reached(c.inquiries_electronic, c.inquiries),
        TargetId::Smart => c.services > 0 && share.reached(c.smart, c.services),
    }
}

/// The level the window verifies for a service. Not offered (in person)
/// unless its agency is connected and its form's operations are registered
/// and described. Fully electronic only when, besides, every document it
/// needs from an agency is fetched by the window itself and none is carried
/// by the citizen. Smart only when, besides, `smart`: the window has
/// verified it zero-touch or proactive (the catalog's `smart` is a claim,
/// never the source). The window verifies what it does, not what an agency
/// does away from it: a service its agency says needs the citizen in person
/// somewhere is at most partly electronic, even when its form works
/// through the window.
pub fn verified_level(
    claimed: ElectronicLevel,
    offered: bool,
    every_document_fetched: bool,
    any_carried: bool,
    smart: bool,
) -> ElectronicLevel {
    use ElectronicLevel::*;
    if !offered {
        return InPerson;
    }
    let measured = match (every_document_fetched && !any_carried, smart) {
        (true, true) => Smart,
        (true, false) => Fully,
        _ => Partly,
    };
    let cap = match claimed {
        InPerson | Partly => Partly,
        Fully | Smart => Smart,
    };
    let rank = |l: ElectronicLevel| match l {
        InPerson => 0,
        Partly => 1,
        Fully => 2,
        Smart => 3,
    };
    if rank(measured) < rank(cap) {
        measured
    } else {
        cap
    }
}

/// Why the level the window verifies differs from the level claimed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Gap {
    /// `no_form` (the window has no form for it), `agency_not_connected`,
    /// `operation_not_described` (the agency's description does not match
    /// the registered operation), `document_not_fetched` (no inquiry of the
    /// window fetches it), `document_agency_not_connected`,
    /// `document_carried` (the citizen still brings it), or, for a service
    /// its agency says needs the citizen in person, `online_part` (the
    /// window offers the part that can be done online).
    pub code: String,
    /// The document, agency or operation concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Text>,
}

/// One service's claimed and verified level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceCheck {
    pub id: String,
    pub agency: String,
    pub name: Text,
    /// What the catalog (the agency) says.
    pub claimed: ElectronicLevel,
    /// What the window measures.
    pub verified: ElectronicLevel,
    pub gaps: Vec<Gap>,
}

/// An agency's maturity stage, 0 (not connected) to 4 (smart).
pub fn stage(connected: bool, shares: &Shares, services: &[ServiceFacts]) -> u8 {
    if !connected {
        return 0;
    }
    let meets = |t: TargetId| agency_meets(t, shares.get(t), services);
    if !meets(TargetId::OfferedThird) {
        1
    } else if !(meets(TargetId::FullyElectronic) && meets(TargetId::InquiriesElectronic)) {
        2
    } else if !meets(TargetId::Smart) {
        3
    } else {
        4
    }
}

/// The verdict on a target today. Dates are ISO `YYYY-MM-DD` (Gregorian),
/// so they compare as strings; the deadline's own day is not yet over.
pub fn verdict(met: bool, today: &str, due: Option<&str>) -> Verdict {
    match (met, due) {
        (true, _) => Verdict::Met,
        (false, Some(due)) if today > due => Verdict::Missed,
        _ => Verdict::NotYetDue,
    }
}

/// `part / whole` in percent with one decimal; `None` when `whole` is 0.
pub fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| round1(f64::from(part) * 100.0 / f64::from(whole)))
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The median of some durations; `None` for none. With an even count, the
/// mean of the middle two (rounded down).
pub fn median(mut v: Vec<i64>) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 { v[m] } else { (v[m - 1] + v[m]).div_euclid(2) })
}

/// A law's target with its nationwide figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetStatus {
    pub id: TargetId,
    pub name: Text,
    /// The share the law asks for.
    pub share: Fraction,
    /// The same in percent, one decimal.
    pub target_percent: f64,
    /// The nationwide figure in percent (for `offered_third`: the share of
    /// connected agencies that meet it); `None` when there is nothing to count.
    pub value_percent: Option<f64>,
    /// The deadline (end of its day), ISO and Jalali `YYYY-MM-DD`.
    pub due: Option<String>,
    pub due_jalali: Option<String>,
    /// Nationwide verdict: `fully_electronic`, `inquiries_electronic` and
    /// `smart` on the whole catalog; `offered_third` when every connected
    /// agency meets it.
    pub verdict: Verdict,
    /// Connected agencies meeting this target.
    pub agencies_met: u32,
}

/// The nationwide figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct National {
    pub agencies: u32,
    /// Connected now, by the gateway's checks (see `AgencyStatus`).
    pub agencies_connected: u32,
    pub connected_percent: Option<f64>,
    /// Over every service in the catalog, as the window verifies them: the
    /// law's targets are judged on these.
    pub counts: Counts,
    /// The same, as the catalog claims them.
    pub claimed: Counts,
    pub offered_percent: Option<f64>,
    pub fully_electronic_percent: Option<f64>,
    pub smart_percent: Option<f64>,
    pub inquiries_electronic_percent: Option<f64>,
    /// Inter-agency inquiries the window has made for citizens' requests.
    pub inquiries_made: u64,
    /// Distinct citizens who have signed in at least once (all adults: the
    /// civil registry refuses minors).
    pub citizens_signed_in: u64,
    pub requests_submitted: u64,
    /// Requests with a decision (approved or rejected).
    pub requests_decided: u64,
    /// Median seconds from submission to decision.
    pub median_decision_seconds: Option<i64>,
    /// Requests the window started from a life event (accepted offers and
    /// automatic deliveries).
    #[serde(default)]
    pub requests_proactive: u64,
    /// `requests_proactive / requests_submitted`, percent.
    #[serde(default)]
    pub proactive_percent: Option<f64>,
    /// Offers made to citizens (consent mode), and how many were accepted,
    /// declined or left to expire.
    #[serde(default)]
    pub offers_made: u64,
    #[serde(default)]
    pub offers_accepted: u64,
    #[serde(default)]
    pub offers_declined: u64,
    #[serde(default)]
    pub offers_expired: u64,
    /// Accepted over those answered or expired, percent.
    #[serde(default)]
    pub acceptance_percent: Option<f64>,
    /// Median seconds from the life event (as the registry recorded it) to
    /// the decision of each proactive request.
    #[serde(default)]
    pub median_event_to_delivery_seconds: Option<i64>,
    /// Fees, fines and bills paid through the window.
    #[serde(default)]
    pub payments: PaymentFigures,
}

/// Payments made through the window (measured from the payment records,
/// never typed in).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentFigures {
    /// Payments verified and credited.
    pub payments_made: u64,
    /// Of the payments that ended (paid, cancelled, expired, failed or
    /// given back), the share paid, percent.
    pub success_percent: Option<f64>,
    /// Rials paid (verified).
    pub paid_rials: u64,
    /// Rials refunded (rejected applications).
    pub refunded_rials: u64,
}

impl PaymentFigures {
    /// From counts: attempts that ended, of them paid, rials paid and
    /// refunded.
    pub fn of(finished: u64, succeeded: u64, paid_rials: u64, refunded_rials: u64) -> PaymentFigures {
        PaymentFigures {
            payments_made: succeeded,
            success_percent: (finished > 0).then(|| (succeeded as f64 * 1000.0 / finished as f64).round() / 10.0),
            paid_rials,
            refunded_rials,
        }
    }
}

/// How many agencies are at each stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageCount {
    /// 0 not connected, 1–4 as in the rules.
    pub stage: u8,
    pub agencies: u32,
}

/// One agency's verdict on one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyVerdict {
    pub target: TargetId,
    pub verdict: Verdict,
}

/// One agency's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyStats {
    pub id: String,
    pub name: Text,
    pub kind: AgencyKind,
    /// Connected now, by the gateway's checks: registered, credential
    /// accepted, description matching, health probe answered.
    pub connected: bool,
    pub connected_on: Option<String>,
    pub connected_on_jalali: Option<String>,
    pub stage: u8,
    /// As the window verifies them (the percentages and verdicts too).
    pub counts: Counts,
    /// As the catalog claims them.
    pub claimed: Counts,
    pub offered_percent: Option<f64>,
    pub fully_electronic_percent: Option<f64>,
    pub smart_percent: Option<f64>,
    /// Zero-touch services over all its services, percent.
    #[serde(default)]
    pub zero_touch_percent: Option<f64>,
    /// Proactive services over all its services, percent.
    #[serde(default)]
    pub proactive_percent: Option<f64>,
    pub inquiries_electronic_percent: Option<f64>,
    pub requests_submitted: u64,
    /// Fees and fines paid to it through the window.
    #[serde(default)]
    pub payments: PaymentFigures,
    /// One per target, in [`TargetId::ALL`] order.
    pub verdicts: Vec<AgencyVerdict>,
}

/// `GET /api/stats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    /// RFC 3339 time these figures were computed.
    pub generated_at: String,
    /// The day the verdicts were judged on, ISO and Jalali.
    pub today: String,
    pub today_jalali: String,
    pub national: National,
    pub targets: Vec<TargetStatus>,
    /// Stages 0 to 4, each with its number of agencies.
    pub stages: Vec<StageCount>,
    pub agencies: Vec<AgencyStats>,
    /// Every service whose verified level differs from its claim, or that
    /// has a gap, with why.
    pub differences: Vec<ServiceCheck>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ElectronicLevel::*;

    fn svc(level: ElectronicLevel, popularity: u32) -> ServiceFacts {
        ServiceFacts {
            level,
            popularity,
            inquiries: 0,
            inquiries_electronic: 0,
            zero_touch: level == ElectronicLevel::Smart,
            proactive: false,
        }
    }

    fn law() -> Shares {
        Shares {
            offered_third: Fraction::parse("1/3").unwrap(),
            fully_electronic: Fraction::parse("1/1").unwrap(),
            inquiries_electronic: Fraction::parse("1/1").unwrap(),
            smart: Fraction::parse("1/5").unwrap(),
        }
    }

    #[test]
    fn verified_levels_never_exceed_the_claim() {
        assert_eq!(verified_level(Fully, false, true, false, true), InPerson, "not offered");
        assert_eq!(verified_level(Fully, true, true, false, false), Fully);
        assert_eq!(verified_level(Fully, true, false, false, true), Partly, "a document not fetched");
        assert_eq!(verified_level(Smart, true, true, true, true), Partly, "a document carried");
        assert_eq!(verified_level(Smart, true, true, false, true), Smart);
        assert_eq!(verified_level(Smart, true, true, false, false), Fully, "claimed smart, not verified smart");
        assert_eq!(verified_level(Fully, true, true, false, true), Smart, "verified smart though claimed fully");
        assert_eq!(verified_level(Partly, true, true, false, true), Partly, "the agency needs the citizen somewhere");
        assert_eq!(verified_level(InPerson, true, true, false, false), Partly, "its online part is offered");
        assert_eq!(verified_level(InPerson, false, true, false, false), InPerson);
    }

    #[test]
    fn fractions_are_exact() {
        let third = Fraction::parse("1/3").unwrap();
        assert!(third.reached(1, 3));
        assert!(!third.reached(33, 100));
        assert!(third.reached(34, 100));
        assert!(third.reached(0, 0));
        assert_eq!(third.of_ceil(3), 1);
        assert_eq!(third.of_ceil(4), 2);
        assert_eq!(third.of_ceil(0), 0);
        assert_eq!(third.percent(), 33.3);
        assert!(Fraction::parse("0/3").is_err());
        assert!(Fraction::parse("4/3").is_err());
        assert!(Fraction::parse("1/0").is_err());
        assert!(Fraction::parse("20%").is_err());
    }

    #[test]
    fn percentages_with_nothing_to_count() {
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(3, 3), Some(100.0));
        let empty = Counts::of(&[]);
        assert_eq!(empty, Counts::default());
        assert_eq!(percent(empty.fully_electronic, empty.services), None);
    }

    #[test]
    fn offered_third_needs_the_most_used_first() {
        let s = law();
        // One of three offered, and it is the most used: met.
        let ok = [svc(Partly, 1), svc(InPerson, 2), svc(InPerson, 3)];
        assert!(agency_meets(TargetId::OfferedThird, s.offered_third, &ok));
        // One of three offered, but not the most used: not met.
        let wrong = [svc(InPerson, 1), svc(Fully, 2), svc(InPerson, 3)];
        assert!(!agency_meets(TargetId::OfferedThird, s.offered_third, &wrong));
        // One of four is less than a third.
        let few = [svc(Fully, 1), svc(InPerson, 2), svc(InPerson, 3), svc(InPerson, 4)];
        assert!(!agency_meets(TargetId::OfferedThird, s.offered_third, &few));
        // An agency with no services has offered nothing.
        assert!(!agency_meets(TargetId::OfferedThird, s.offered_third, &[]));
    }

    #[test]
    fn inquiries_met_when_none_are_needed() {
        let s = law();
        assert!(agency_meets(TargetId::InquiriesElectronic, s.inquiries_electronic, &[]));
        let carried =
            [ServiceFacts { level: Partly, popularity: 1, inquiries: 2, inquiries_electronic: 1, zero_touch: false, proactive: false }];
        assert!(!agency_meets(TargetId::InquiriesElectronic, s.inquiries_electronic, &carried));
        let fetched =
            [ServiceFacts { level: Partly, popularity: 1, inquiries: 2, inquiries_electronic: 2, zero_touch: false, proactive: false }];
        assert!(agency_meets(TargetId::InquiriesElectronic, s.inquiries_electronic, &fetched));
    }

    #[test]
    fn stages() {
        let s = law();
        assert_eq!(stage(false, &s, &[svc(Smart, 1)]), 0);
        assert_eq!(stage(true, &s, &[]), 1);
        assert_eq!(stage(true, &s, &[svc(InPerson, 1), svc(Fully, 2)]), 1);
        assert_eq!(stage(true, &s, &[svc(Partly, 1), svc(Fully, 2)]), 2);
        assert_eq!(stage(true, &s, &[svc(Fully, 1), svc(Fully, 2)]), 3);
        // Fully electronic, but one inquiry still carried by the citizen.
        let carried =
            ServiceFacts { level: Fully, popularity: 2, inquiries: 1, inquiries_electronic: 0, zero_touch: false, proactive: false };
        assert_eq!(stage(true, &s, &[svc(Smart, 1), carried]), 2);
        // Smart share: 1 of 5 is 20%, 1 of 6 is not.
        let five = [svc(Smart, 1), svc(Fully, 2), svc(Fully, 3), svc(Fully, 4), svc(Fully, 5)];
        assert_eq!(stage(true, &s, &five), 4);
        let six = [svc(Smart, 1), svc(Fully, 2), svc(Fully, 3), svc(Fully, 4), svc(Fully, 5), svc(Fully, 6)];
        assert_eq!(stage(true, &s, &six), 3);
    }

    #[test]
    fn verdicts_around_the_deadline() {
        let due = Some("2022-09-22"); // 31 Shahrivar 1401
        assert_eq!(verdict(false, "2022-09-21", due), Verdict::NotYetDue);
        assert_eq!(verdict(false, "2022-09-22", due), Verdict::NotYetDue);
        assert_eq!(verdict(false, "2022-09-23", due), Verdict::Missed);
        assert_eq!(verdict(true, "2022-09-23", due), Verdict::Met);
        assert_eq!(verdict(true, "2022-09-21", due), Verdict::Met);
        assert_eq!(verdict(false, "2030-01-01", None), Verdict::NotYetDue);
        // Year boundaries compare correctly as ISO strings.
        assert_eq!(verdict(false, "2023-01-01", due), Verdict::Missed);
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5]), Some(5));
        assert_eq!(median(vec![9, 1, 5]), Some(5));
        assert_eq!(median(vec![1, 2, 3, 10]), Some(2));
        assert_eq!(TargetId::parse("smart"), Some(TargetId::Smart));
        assert_eq!(TargetId::parse("nope"), None);
    }
}
