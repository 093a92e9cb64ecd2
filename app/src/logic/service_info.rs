//! What a service page says: its fee, its time, and how to use it today.

use panjere_api::{Audience, ElectronicLevel, Fee, Lang, Service, ServiceKind};

use crate::fmt::{fill, num};
use crate::i18n::Strings;

/// The fee as shown: free, varies, or rials with toman beside.
pub fn fee_text(fee: Fee, lang: Lang, t: &Strings) -> String {
    match fee {
        Fee::Free => t.fee_free().to_owned(),
        Fee::Varies => t.fee_varies().to_owned(),
        Fee::Fixed { rials } => fill(t.fee_amount(), &[("rials", &num(rials, lang)), ("toman", &num(rials / 10, lang))]),
    }
}

pub fn time_text(days: u32, lang: Lang, t: &Strings) -> String {
    if days == 0 {
        t.time_instant().to_owned()
    } else {
        fill(t.time_days(), &[("n", &num(u64::from(days), lang))])
    }
}

/// One step of "how to use this service today".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HowStep {
    SignIn,
    NoSignIn,
    Inquiry,
    ApplyOnline,
    Fetched,
    Track,
    PartlyVisit,
    InPerson,
    Smart,
    Information,
}

/// The steps for a service, from its kind, level, audience and documents
/// (when the catalog entry has no steps of its own).
pub fn how_to_steps<F>(s: &Service<F>) -> Vec<HowStep> {
    use HowStep::*;
    let mut steps = Vec::new();
    if s.level == ElectronicLevel::InPerson {
        steps.push(InPerson);
        return steps;
    }
    if s.kind == ServiceKind::Information {
        steps.push(Information);
        return steps;
    }
    steps.push(if s.audience == Audience::Citizen { SignIn } else { NoSignIn });
    match s.kind {
        ServiceKind::Inquiry => steps.push(Inquiry),
        _ => {
            steps.push(ApplyOnline);
            if s.documents.iter().any(|d| d.fetched_from.is_some()) {
                steps.push(Fetched);
            }
        }
    }
    if s.level == ElectronicLevel::Partly {
        steps.push(PartlyVisit);
    }
    if s.kind == ServiceKind::Application {
        steps.push(Track);
    }
    if s.level == ElectronicLevel::Smart {
        steps.push(Smart);
    }
    steps
}

pub fn how_step_text(step: HowStep, agency: &str, t: &Strings) -> String {
    let a = [("agency", agency)];
    match step {
        HowStep::SignIn => t.how_sign_in().to_owned(),
        HowStep::NoSignIn => t.how_no_sign_in().to_owned(),
        HowStep::Inquiry => fill(t.how_inquiry(), &a),
        HowStep::ApplyOnline => t.how_apply_online().to_owned(),
        HowStep::Fetched => t.how_fetched().to_owned(),
        HowStep::Track => t.how_track().to_owned(),
        HowStep::PartlyVisit => fill(t.how_partly_visit(), &a),
        HowStep::InPerson => fill(t.how_in_person(), &a),
        HowStep::Smart => t.how_smart().to_owned(),
        HowStep::Information => t.how_information().to_owned(),
    }
}
