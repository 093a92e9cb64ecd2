//! Plain functions behind the components: query strings, paging, labels,
//! "how to use it today" steps, fees, filtering and suggestions. Unit-tested
//! natively; components stay thin.

use panjere_api::normalize::normalize;
use panjere_api::search::SearchIndex;
use panjere_api::{Agency, AgencyKind, Audience, ElectronicLevel, Fee, Lang, SearchIndexData, Service, ServiceKind, ServiceSummary};

use crate::fmt::{fill, num};
use crate::i18n::Strings;

/// Percent-encodes a URL query or path component (one implementation
/// with the server's).
pub use panjere_api::url::encode;

/// Filters and page of a service list (the search page, the catalog, a
/// topic page), as in the address bar and the API.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceFilter {
    pub q: Option<String>,
    pub category: Option<String>,
    pub event: Option<String>,
    pub agency: Option<String>,
    pub kind: Option<ServiceKind>,
    pub level: Option<ElectronicLevel>,
    pub page: usize,
}

pub const PER_PAGE: usize = 20;

impl ServiceFilter {
    /// Reads the page's own query parameters, ignoring malformed values.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let nonempty = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        ServiceFilter {
            q: nonempty("q"),
            category: None,
            event: None,
            agency: None,
            kind: nonempty("kind").and_then(|k| ServiceKind::parse(&k)),
            level: nonempty("level").and_then(|l| ElectronicLevel::parse(&l)),
            page: nonempty("page").and_then(|p| panjere_api::normalize::ascii_digits(&p).parse().ok()).filter(|p| *p >= 1).unwrap_or(1),
        }
    }

    fn pairs(&self, with_page: bool) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        if let Some(q) = &self.q {
            v.push(("q", q.clone()));
        }
        if let Some(c) = &self.category {
            v.push(("category", c.clone()));
        }
        if let Some(e) = &self.event {
            v.push(("event", e.clone()));
        }
        if let Some(a) = &self.agency {
            v.push(("agency", a.clone()));
        }
        if let Some(k) = self.kind {
            v.push(("kind", k.as_str().to_owned()));
        }
        if let Some(l) = self.level {
            v.push(("level", l.as_str().to_owned()));
        }
        if with_page && self.page > 1 {
            v.push(("page", self.page.to_string()));
        }
        v
    }

    /// The API query string (always with paging).
    pub fn api_query(&self) -> String {
        let mut pairs = self.pairs(false);
        pairs.push(("page", self.page.max(1).to_string()));
        pairs.push(("per_page", PER_PAGE.to_string()));
        join(&pairs)
    }

    /// The page's own address with these filters (topic ids live in the path,
    /// so they are left out).
    pub fn href(&self, path: &str) -> String {
        let own = ServiceFilter { category: None, event: None, agency: None, ..self.clone() };
        let q = join(&own.pairs(true));
        if q.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{q}")
        }
    }

    pub fn with_page(&self, page: usize) -> Self {
        ServiceFilter { page, ..self.clone() }
    }

    pub fn with_kind(&self, kind: Option<ServiceKind>) -> Self {
        ServiceFilter { kind, page: 1, ..self.clone() }
    }

    pub fn with_level(&self, level: Option<ElectronicLevel>) -> Self {
        ServiceFilter { level, page: 1, ..self.clone() }
    }
}

fn join(pairs: &[(&str, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
}

/// Number of pages for `total` items.
pub fn page_count(total: usize, per_page: usize) -> usize {
    total.div_ceil(per_page.max(1)).max(1)
}

pub fn kind_label(kind: ServiceKind, t: &Strings) -> &'static str {
    match kind {
        ServiceKind::Information => t.kind_information,
        ServiceKind::Inquiry => t.kind_inquiry,
        ServiceKind::Application => t.kind_application,
    }
}

pub fn level_label(level: ElectronicLevel, t: &Strings) -> &'static str {
    match level {
        ElectronicLevel::InPerson => t.level_in_person,
        ElectronicLevel::Partly => t.level_partly_electronic,
        ElectronicLevel::Fully => t.level_fully_electronic,
        ElectronicLevel::Smart => t.level_smart,
    }
}

pub fn audience_label(audience: Audience, t: &Strings) -> &'static str {
    match audience {
        Audience::Anyone => t.audience_anyone,
        Audience::Citizen => t.audience_signed_in_citizen,
    }
}

pub fn agency_kind_label(kind: AgencyKind, t: &Strings) -> &'static str {
    match kind {
        AgencyKind::Ministry => t.agency_kind_ministry,
        AgencyKind::Organisation => t.agency_kind_organisation,
        AgencyKind::Police => t.agency_kind_police,
        AgencyKind::Company => t.agency_kind_company,
        AgencyKind::Bank => t.agency_kind_bank,
        AgencyKind::Judiciary => t.agency_kind_judiciary,
        AgencyKind::Foundation => t.agency_kind_foundation,
    }
}

pub fn stage_label(stage: u8, t: &Strings) -> &'static str {
    match stage {
        0 => t.stage_0,
        1 => t.stage_1,
        2 => t.stage_2,
        3 => t.stage_3,
        _ => t.stage_4,
    }
}

/// The fee as shown: free, varies, or rials with toman beside.
pub fn fee_text(fee: Fee, lang: Lang, t: &Strings) -> String {
    match fee {
        Fee::Free => t.fee_free.to_owned(),
        Fee::Varies => t.fee_varies.to_owned(),
        Fee::Fixed { rials } => fill(t.fee_amount, &[("rials", &num(rials, lang)), ("toman", &num(rials / 10, lang))]),
    }
}

pub fn time_text(days: u32, lang: Lang, t: &Strings) -> String {
    if days == 0 {
        t.time_instant.to_owned()
    } else {
        fill(t.time_days, &[("n", &num(u64::from(days), lang))])
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
        HowStep::SignIn => t.how_sign_in.to_owned(),
        HowStep::NoSignIn => t.how_no_sign_in.to_owned(),
        HowStep::Inquiry => fill(t.how_inquiry, &a),
        HowStep::ApplyOnline => t.how_apply_online.to_owned(),
        HowStep::Fetched => t.how_fetched.to_owned(),
        HowStep::Track => t.how_track.to_owned(),
        HowStep::PartlyVisit => fill(t.how_partly_visit, &a),
        HowStep::InPerson => fill(t.how_in_person, &a),
        HowStep::Smart => t.how_smart.to_owned(),
        HowStep::Information => t.how_information.to_owned(),
    }
}

/// The catalog's list answer computed in the browser from the cached
/// search index, the same way the server computes it: offline search and
/// lists. `None` when the filter needs what the index lacks (life events).
pub fn local_services(data: &SearchIndexData, f: &ServiceFilter) -> Option<panjere_api::Page<ServiceSummary>> {
    if f.event.is_some() {
        return None;
    }
    let matches = |s: &ServiceSummary| {
        f.category.as_deref().is_none_or(|c| s.category == c)
            && f.agency.as_deref().is_none_or(|a| s.agency == a)
            && f.kind.is_none_or(|k| s.kind == k)
            && f.level.is_none_or(|l| s.level == l)
    };
    let found: Vec<&ServiceSummary> = match f.q.as_deref().filter(|q| !q.trim().is_empty()) {
        Some(q) => SearchIndex::new(data).search(q).into_iter().filter_map(|h| data.services.get(h.index)).filter(|s| matches(s)).collect(),
        None => data.services.iter().filter(|s| matches(s)).collect(),
    };
    let page = f.page.max(1);
    let items = found.iter().skip((page - 1) * PER_PAGE).take(PER_PAGE).map(|s| (*s).clone()).collect();
    Some(panjere_api::Page { items, total: found.len(), page, per_page: PER_PAGE })
}

/// Agencies whose Persian, English or short name holds `text` (normalised:
/// Arabic letters, digits and ZWNJ do not matter).
pub fn filter_agencies<'a>(agencies: &'a [Agency], text: &str) -> Vec<&'a Agency> {
    let needle = normalize(text);
    if needle.is_empty() {
        return agencies.iter().collect();
    }
    agencies
        .iter()
        .filter(|a| {
            let mut names = vec![&a.name.fa, &a.name.en, &a.id];
            if let Some(s) = &a.short_name {
                names.extend([&s.fa, &s.en]);
            }
            names.into_iter().any(|n| normalize(n).contains(&needle))
        })
        .collect()
}

/// As-you-type suggestions: the best `limit` services for `q`.
pub fn suggestions<'a>(data: &'a SearchIndexData, index: &SearchIndex, q: &str, limit: usize) -> Vec<&'a ServiceSummary> {
    index.search(q).into_iter().take(limit).map(|h| &data.services[h.index]).collect()
}

/// The localised text for a refusal code from the API (sign-in checks,
/// one-time codes, sessions); `None` for codes without one.
pub fn refusal_text(code: &str, t: &Strings) -> Option<&'static str> {
    Some(match code {
        "national_code_empty" => t.err_national_code_empty,
        "national_code_not_digits" => t.err_national_code_not_digits,
        "national_code_length" => t.err_national_code_length,
        "national_code_all_same" => t.err_national_code_all_same,
        "national_code_check_digit" => t.err_national_code_check_digit,
        "mobile_empty" => t.err_mobile_empty,
        "mobile_not_digits" => t.err_mobile_not_digits,
        "mobile_format" => t.err_mobile_format,
        "code_format" => t.err_code_format,
        "mobile_not_owned" => t.err_mobile_not_owned,
        "person_unknown" => t.err_person_unknown,
        "person_deceased" => t.err_person_deceased,
        "person_minor" => t.err_person_minor,
        "no_pending_sign_in" => t.err_no_pending_sign_in,
        "code_expired" => t.err_code_expired,
        "code_wrong" => t.err_code_wrong,
        "code_locked" => t.err_code_locked,
        "resend_too_soon" => t.err_resend_too_soon,
        "rate_limited" => t.err_rate_limited,
        "not_signed_in" => t.auth_not_signed_in,
        "session_idle_timeout" => t.auth_idle_signed_out,
        "session_absolute_timeout" => t.auth_absolute_signed_out,
        "cross_site" | "not_json" => t.err_cross_site,
        _ => return None,
    })
}

/// Fills `{wait}` (a duration in words) and `{left}` (attempts) in a
/// refusal text.
pub fn fill_refusal(template: &str, retry_after_s: Option<u64>, attempts_left: Option<u32>, t: &'static Strings) -> String {
    let lang = t.lang();
    let wait = retry_after_s.map(|s| duration_words(s, t, lang)).unwrap_or_default();
    let left = attempts_left.map(|n| crate::fmt::num(u64::from(n), lang)).unwrap_or_default();
    fill(template, &[("wait", &wait), ("left", &left)])
}

/// "3 minutes" / "45 seconds" (rounded up to whole minutes from 60 s).
pub fn duration_words(secs: u64, t: &Strings, lang: Lang) -> String {
    if secs < 60 {
        fill(t.duration_seconds, &[("n", &crate::fmt::num(secs.max(1), lang))])
    } else {
        fill(t.duration_minutes, &[("n", &crate::fmt::num(secs.div_ceil(60), lang))])
    }
}

/// A countdown as `m:ss` in the language's digits.
pub fn countdown(secs: u64, lang: Lang) -> String {
    localise_digits(&format!("{}:{:02}", secs / 60, secs % 60), lang)
}

/// ASCII digits to Persian ones in Persian (a display transform, not a
/// number format: for clock faces and codes).
pub fn localise_digits(s: &str, lang: Lang) -> String {
    match lang {
        Lang::En => s.to_owned(),
        Lang::Fa => s.chars().map(|c| c.to_digit(10).and_then(|d| char::from_u32(0x06F0 + d)).unwrap_or(c)).collect(),
    }
}

/// The sign-in page, coming back to `path` afterwards.
pub fn sign_in_href(path: &str, reason: Option<&str>) -> String {
    let mut href = format!("/sign-in?next={}", encode(path));
    if let Some(r) = reason {
        href.push_str("&reason=");
        href.push_str(&encode(r));
    }
    href
}

/// The browser-side checks of the sign-in form (the same code the server
/// runs): the error code for each field, if any.
pub fn check_sign_in(national_code: &str, mobile: &str) -> (Option<&'static str>, Option<&'static str>) {
    (
        panjere_api::ids::national_code(national_code).err().map(panjere_api::auth::national_code_error_code),
        panjere_api::ids::mobile(mobile).err().map(panjere_api::auth::mobile_error_code),
    )
}

/// The localised text of a form field's error.
pub fn field_error_text(e: &panjere_api::forms::FieldError, t: &'static Strings) -> String {
    let lang = t.lang();
    let n = |v: Option<u64>| v.map(|v| num(v, lang)).unwrap_or_default();
    let template = match e.code.as_str() {
        "required" => t.form_err_required,
        "postal_code" => t.form_err_postal_code,
        "plate" => t.form_err_plate,
        "jalali_date" => t.form_err_jalali_date,
        "rials_format" => t.form_err_rials_format,
        "rials_range" => t.form_err_rials_range,
        "text_short" => t.form_err_text_short,
        "text_long" => t.form_err_text_long,
        "text_control" => t.form_err_text_control,
        "choice" => t.form_err_choice,
        "file_type" => t.form_err_file_type,
        "file_size" => t.form_err_file_size,
        "file_missing" => t.form_err_file_missing,
        code => return refusal_text(code, t).unwrap_or(t.form_err_invalid).to_owned(),
    };
    fill(template, &[("min", &n(e.min)), ("max", &n(e.max))])
}

/// Rials with the language's grouping, and the toman equivalent citizens
/// think in (1 toman = 10 rials).
pub fn rials_text(rials: u64, t: &'static Strings) -> String {
    let lang = t.lang();
    if rials >= 10 && rials.is_multiple_of(10) {
        fill(t.amount_rials_toman, &[("rials", &num(rials, lang)), ("toman", &num(rials / 10, lang))])
    } else {
        fill(t.amount_rials, &[("rials", &num(rials, lang))])
    }
}

/// One value of an inquiry's answer, as the form says to show it.
pub fn result_text(answer: &serde_json::Value, field: &panjere_api::forms::ResultField, t: &'static Strings) -> Option<String> {
    use panjere_api::forms::ResultFormat;
    let lang = t.lang();
    let v = answer.pointer(&field.pointer)?;
    if v.is_null() {
        return None;
    }
    Some(match field.format {
        ResultFormat::Text => {
            let s = v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string());
            field.labels.get(&s).map(|l| l.get(lang).to_owned()).unwrap_or(s)
        }
        ResultFormat::Rials => rials_text(v.as_u64()?, t),
        ResultFormat::Date => crate::fmt::date(v.as_str()?, lang),
        ResultFormat::YesNo => if v.as_bool()? { t.yes } else { t.no }.to_owned(),
        ResultFormat::Number => num(v.as_u64()?, lang),
        ResultFormat::Count => num(v.as_array()?.len() as u64, lang),
    })
}

/// An answer as the review page shows it: a choice's label, a file's
/// name, an amount with grouping (and toman), others normalised.
pub fn answer_text(field: &panjere_api::forms::Field, raw: &str, t: &'static Strings) -> String {
    use panjere_api::forms::FieldType;
    let lang = t.lang();
    if raw.trim().is_empty() {
        return "—".to_owned();
    }
    match &field.kind {
        FieldType::Choice { options } => {
            options.iter().find(|o| o.value == raw).map(|o| o.label.get(lang).to_owned()).unwrap_or_else(|| raw.to_owned())
        }
        FieldType::File { .. } => {
            serde_json::from_str::<panjere_api::forms::FileValue>(raw).map(|f| f.name).unwrap_or_else(|_| raw.to_owned())
        }
        FieldType::Rials { .. } => panjere_api::forms::rials(raw).map(|n| rials_text(n, t)).unwrap_or_else(|| raw.to_owned()),
        _ => match panjere_api::forms::check_field(field, raw) {
            Ok(n) => localise_digits(&n, lang),
            Err(_) => raw.to_owned(),
        },
    }
}

/// A request status's label.
pub fn status_label(status: &str, t: &Strings) -> &'static str {
    match status {
        "submitted" => t.req_status_submitted,
        "queued" => t.req_status_queued,
        "forwarded" => t.req_status_forwarded,
        "in_review" => t.req_status_in_review,
        "more_info" => t.req_status_more_info,
        "approved" => t.req_status_approved,
        "rejected" => t.req_status_rejected,
        "delivered" => t.req_status_delivered,
        _ => t.req_status_unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{strings, EN, FA};
    use panjere_api::{Document, Text};

    fn service(kind: ServiceKind, level: ElectronicLevel, audience: Audience, fetched: bool) -> Service {
        Service {
            id: "s".into(),
            agency: "a".into(),
            agency_name: Text::default(),
            category: "c".into(),
            category_name: Text::default(),
            life_events: vec![],
            kind,
            level,
            audience,
            name: Text::default(),
            summary: Text::default(),
            how_to: vec![],
            fee: Fee::Free,
            processing_days: 0,
            documents: vec![Document {
                name: Text::default(),
                fetched_from: fetched.then(|| "sabt-ahval".to_owned()),
                fetched_from_name: None,
                carried_from: None,
                carried_from_name: None,
            }],
            popularity: 1,
            keywords: vec![],
            form: None,
        }
    }

    #[test]
    fn query_strings_round_trip() {
        let f = ServiceFilter::from_query(|k| match k {
            "q" => Some(" مالیات ".into()),
            "kind" => Some("inquiry".into()),
            "level" => Some("bogus".into()),
            "page" => Some("۳".into()),
            _ => None,
        });
        assert_eq!(f.q.as_deref(), Some("مالیات"));
        assert_eq!(f.kind, Some(ServiceKind::Inquiry));
        assert_eq!(f.level, None);
        assert_eq!(f.page, 3);
        assert_eq!(f.href("/search"), "/search?q=%D9%85%D8%A7%D9%84%DB%8C%D8%A7%D8%AA&kind=inquiry&page=3");
        assert_eq!(f.api_query(), "q=%D9%85%D8%A7%D9%84%DB%8C%D8%A7%D8%AA&kind=inquiry&page=3&per_page=20");
        // changing a filter goes back to page 1
        assert_eq!(f.with_kind(None).href("/search"), "/search?q=%D9%85%D8%A7%D9%84%DB%8C%D8%A7%D8%AA");
        let topic = ServiceFilter { category: Some("tax".into()), ..Default::default() };
        assert_eq!(topic.api_query(), "category=tax&page=1&per_page=20");
        assert_eq!(topic.with_page(2).href("/categories/tax"), "/categories/tax?page=2");
        assert_eq!(ServiceFilter::from_query(|_| Some("0".into())).page, 1);
    }

    #[test]
    fn pages() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(20, 20), 1);
        assert_eq!(page_count(21, 20), 2);
        assert_eq!(page_count(313, 20), 16);
    }

    #[test]
    fn encoding() {
        assert_eq!(encode("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(encode("tax-clearance"), "tax-clearance");
    }

    #[test]
    fn how_to_follows_kind_level_and_documents() {
        use HowStep::*;
        let s = service(ServiceKind::Application, ElectronicLevel::Fully, Audience::Citizen, true);
        assert_eq!(how_to_steps(&s), vec![SignIn, ApplyOnline, Fetched, Track]);
        let s = service(ServiceKind::Inquiry, ElectronicLevel::Fully, Audience::Citizen, false);
        assert_eq!(how_to_steps(&s), vec![SignIn, Inquiry]);
        let s = service(ServiceKind::Application, ElectronicLevel::Partly, Audience::Citizen, false);
        assert_eq!(how_to_steps(&s), vec![SignIn, ApplyOnline, PartlyVisit, Track]);
        let s = service(ServiceKind::Application, ElectronicLevel::Smart, Audience::Citizen, true);
        assert_eq!(how_to_steps(&s), vec![SignIn, ApplyOnline, Fetched, Track, Smart]);
        let s = service(ServiceKind::Application, ElectronicLevel::InPerson, Audience::Citizen, true);
        assert_eq!(how_to_steps(&s), vec![InPerson]);
        let s = service(ServiceKind::Information, ElectronicLevel::Fully, Audience::Anyone, false);
        assert_eq!(how_to_steps(&s), vec![Information]);
        assert!(how_step_text(PartlyVisit, "گمرک", &FA).contains("گمرک"));
        assert!(how_step_text(InPerson, "Customs", &EN).contains("Customs"));
    }

    #[test]
    fn fees_and_times() {
        assert_eq!(fee_text(Fee::Free, Lang::Fa, &FA), "رایگان");
        assert_eq!(fee_text(Fee::Fixed { rials: 3_000_000 }, Lang::En, &EN), "3000000 rials (300000 toman)");
        assert_eq!(fee_text(Fee::Varies, Lang::En, &EN), "Depends on the case");
        assert_eq!(time_text(0, Lang::En, &EN), "Immediate");
        assert_eq!(time_text(10, Lang::En, &EN), "About 10 working days");
    }

    #[test]
    fn labels_exist_in_both_languages() {
        for lang in [Lang::Fa, Lang::En] {
            let t = strings(lang);
            for k in ServiceKind::ALL {
                assert!(!kind_label(*k, t).is_empty());
            }
            for l in ElectronicLevel::ALL {
                assert!(!level_label(*l, t).is_empty());
            }
            for s in 1..=4 {
                assert!(!stage_label(s, t).is_empty());
            }
        }
        assert_eq!(level_label(ElectronicLevel::Smart, &FA), "هوشمند");
    }

    fn agency(id: &str, fa: &str, en: &str) -> Agency {
        Agency {
            id: id.into(),
            name: Text { fa: fa.into(), en: en.into() },
            short_name: None,
            kind: AgencyKind::Organisation,
            description: Text::default(),
            connected: true,
            connected_on: None,
            connected_on_jalali: None,
            stage: 1,
            website: None,
            service_count: 1,
        }
    }

    #[test]
    fn agency_filter_normalises() {
        let list = vec![agency("tax", "سازمان امور مالیاتی کشور", "Tax Administration"), agency("post", "شرکت ملی پست", "Iran Post")];
        assert_eq!(filter_agencies(&list, "ماليات").len(), 1);
        assert_eq!(filter_agencies(&list, "POST")[0].id, "post");
        assert_eq!(filter_agencies(&list, "  ").len(), 2);
        assert!(filter_agencies(&list, "گمرک").is_empty());
    }

    #[test]
    fn every_refusal_code_has_a_message_in_both_languages() {
        for code in panjere_api::auth::ERROR_CODES {
            for t in [&crate::i18n::FA, &crate::i18n::EN] {
                let text = refusal_text(code, t).unwrap_or_else(|| panic!("no message for {code}"));
                assert!(!text.is_empty());
            }
        }
        assert_eq!(refusal_text("no_such_code", &crate::i18n::EN), None);
    }

    #[test]
    fn refusals_say_how_long_to_wait_and_how_many_tries_are_left() {
        let en = &crate::i18n::EN;
        let wrong = fill_refusal(refusal_text("code_wrong", en).unwrap(), None, Some(3), en);
        assert!(wrong.contains('3'), "{wrong}");
        let locked = fill_refusal(refusal_text("code_locked", en).unwrap(), Some(601), None, en);
        assert!(locked.contains("11 minutes"), "{locked}");
        assert_eq!(duration_words(45, en, Lang::En), "45 seconds");
    }

    #[test]
    fn countdowns_and_digits() {
        assert_eq!(countdown(125, Lang::En), "2:05");
        assert_eq!(countdown(125, Lang::Fa), "۲:۰۵");
        assert_eq!(countdown(0, Lang::En), "0:00");
        assert_eq!(localise_digits("0912***1111", Lang::Fa), "۰۹۱۲***۱۱۱۱");
    }

    #[test]
    fn sign_in_links_carry_the_way_back() {
        assert_eq!(sign_in_href("/me/sessions", None), "/sign-in?next=%2Fme%2Fsessions");
        assert_eq!(sign_in_href("/me", Some("idle")), "/sign-in?next=%2Fme&reason=idle");
    }

    #[test]
    fn sign_in_form_checks() {
        assert_eq!(check_sign_in("۰۰۷۶۲۲۹۶۴۵", "+989121111111"), (None, None));
        assert_eq!(check_sign_in("0076229646", "0912"), (Some("national_code_check_digit"), Some("mobile_format")));
        assert_eq!(check_sign_in("", ""), (Some("national_code_empty"), Some("mobile_empty")));
    }

    #[test]
    fn field_errors_and_results_read_well() {
        use panjere_api::forms::{FieldError, ResultField, ResultFormat};
        let en = &crate::i18n::EN;
        let e = FieldError { code: "rials_range".into(), min: Some(10), max: Some(500) };
        assert_eq!(field_error_text(&e, en), "Enter an amount from 10 to 500 rials.");
        let e = FieldError { code: "national_code_check_digit".into(), min: None, max: None };
        assert_eq!(field_error_text(&e, en), en.err_national_code_check_digit);
        assert_eq!(rials_text(1_250_000, en), "1250000 rials (125000 toman)");
        let answer = serde_json::json!({ "status": "valid", "fines": [1, 2, 3], "cleared": false, "total": 15 });
        let rf =
            |pointer: &str, format| ResultField { pointer: pointer.into(), label: Default::default(), format, labels: Default::default() };
        assert_eq!(result_text(&answer, &rf("/fines", ResultFormat::Count), en).as_deref(), Some("3"));
        assert_eq!(result_text(&answer, &rf("/cleared", ResultFormat::YesNo), en).as_deref(), Some("No"));
        assert_eq!(result_text(&answer, &rf("/missing", ResultFormat::Text), en), None);
        let mut status = rf("/status", ResultFormat::Text);
        status.labels.insert("valid".into(), panjere_api::Text { fa: "معتبر".into(), en: "Valid".into() });
        assert_eq!(result_text(&answer, &status, en).as_deref(), Some("Valid"));
        for s in panjere_api::requests::STATUSES {
            assert_ne!(status_label(s, en), en.req_status_unknown, "{s}");
        }
    }

    #[test]
    fn answers_read_as_the_citizen_expects() {
        use panjere_api::forms::{Field, FieldType};
        let en = &crate::i18n::EN;
        let field = |kind| Field { name: "f".into(), label: Default::default(), hint: None, kind, required: true, step: 1 };
        assert_eq!(answer_text(&field(FieldType::Rials { min: 0, max: 10_000_000 }), "1,250,000", en), "1250000 rials (125000 toman)");
        assert_eq!(
            answer_text(
                &field(FieldType::File { types: vec![], max_kb: 1 }),
                r#"{"id":"x","name":"deed.pdf","type":"application/pdf","size":3}"#,
                en
            ),
            "deed.pdf"
        );
        assert_eq!(answer_text(&field(FieldType::PostalCode), "۱۳۱۴۵-۶۷۸۹۱", en), "1314567891");
        assert_eq!(answer_text(&field(FieldType::PostalCode), "1314567891", &crate::i18n::FA), "۱۳۱۴۵۶۷۸۹۱");
        assert_eq!(answer_text(&field(FieldType::PostalCode), "", en), "—");
    }
}

#[cfg(test)]
mod local_search_tests {
    use super::*;
    use panjere_api::Text;

    fn summary(id: &str, fa: &str, en: &str, agency: &str, kind: ServiceKind) -> ServiceSummary {
        ServiceSummary {
            id: id.into(),
            agency: agency.into(),
            agency_name: Text::default(),
            category: "c".into(),
            kind,
            level: ElectronicLevel::Fully,
            audience: Audience::Citizen,
            name: Text { fa: fa.into(), en: en.into() },
            summary: Text::default(),
            popularity: 1,
        }
    }

    fn data() -> SearchIndexData {
        let mut services = vec![
            summary("passport", "صدور گذرنامه", "Issuing a passport", "passport-police", ServiceKind::Application),
            summary("fines", "استعلام خلافی خودرو", "Traffic fines", "traffic-police", ServiceKind::Inquiry),
        ];
        for i in 0..30 {
            services.push(summary(&format!("s{i}"), "خدمت", "Service", "tax", ServiceKind::Information));
        }
        let extra_terms = services.iter().map(|_| vec![]).collect();
        SearchIndexData { services, extra_terms }
    }

    #[test]
    fn offline_search_filters_and_pages_like_the_server() {
        let d = data();
        let f = |q: Option<&str>, page: usize| ServiceFilter { q: q.map(str::to_owned), page, ..Default::default() };
        let p = local_services(&d, &f(Some("گذرنامه"), 1)).unwrap();
        assert_eq!(p.total, 1);
        assert_eq!(p.items[0].id, "passport");
        // Arabic letters and a typo still find it, as on the server.
        assert_eq!(local_services(&d, &f(Some("خلافي"), 1)).unwrap().items[0].id, "fines");
        // Lists page by 20.
        let all = local_services(&d, &f(None, 2)).unwrap();
        assert_eq!((all.total, all.items.len(), all.page), (32, 12, 2));
        let by_agency = ServiceFilter { agency: Some("tax".into()), kind: Some(ServiceKind::Information), page: 1, ..Default::default() };
        assert_eq!(local_services(&d, &by_agency).unwrap().total, 30);
        // Life events are not in the index: the caller reports being offline.
        assert!(local_services(&d, &ServiceFilter { event: Some("birth".into()), page: 1, ..Default::default() }).is_none());
    }
}
