//! The markup of the catalog's lists, written once: the server paints it
//! into the shell of a page a citizen visits directly (so the page's
//! content is on screen before the app has loaded), and the app renders the
//! same function's output when it takes over (so the two cannot drift, and
//! nothing moves or grows when the app replaces the painted copy).
//!
//! Every text comes from the locale files, through [`Words`]: the server
//! reads `app/locales/fa.json` by [`Word::key`], the app its generated
//! string tables. Every text is escaped ([`escape_html`]).

pub mod draft;
pub mod form;
pub mod offer;
pub mod profile;
pub mod receipt;

use crate::filter::ServiceFilter;
use crate::{Agency, ElectronicLevel, Lang, ServiceKind, ServiceSummary};

/// A locale string the markup uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    Kind(ServiceKind),
    Level(ElectronicLevel),
    /// `{n}` results.
    ResultsCount,
    /// The label of the kind filter, of the level filter, and "all".
    FilterLabel,
    FilterLevelLabel,
    FilterAll,
    /// An agency connected to the window, or not.
    AgencyConnected,
    AgencyNotConnected,
    /// An agency's stage of maturity (0–4).
    Stage(u8),
    /// `{n}` services.
    ServicesCount,
    /// The agencies page's filter: its label, hint, and `{n}` shown.
    AgenciesFilterLabel,
    AgenciesFilterHint,
    AgenciesShown,
    /// The breadcrumbs' label and their first link's.
    BreadcrumbLabel,
    NavHome,
    /// A payment's state ([`pay_state_word`]), and a refunded one.
    PayState(PayState),
    PayRefunded,
    /// An amount: `{rials}` rials, and with its `{toman}` tomans.
    AmountRials,
    AmountRialsToman,
    /// A request's status ([`req_status_word`]): the index in
    /// [`crate::requests::STATUSES`], or `None` for an unknown one.
    ReqStatus(Option<u8>),
    /// The inbox: a request's new status, an offer, a receipt, a refund;
    /// how many are unread; marking one read.
    InboxItem,
    InboxOffer,
    InboxPaid,
    InboxRefunded,
    InboxUnread,
    InboxMarkRead,
    InboxEmpty,
    /// A request's receipt ([`receipt`]): its headings and labels; an
    /// inquiry made for it (`{what}`, `{agency}`, `{time}`).
    ReqSubmitted,
    ReqYourCode,
    ReqTitle,
    ReqService,
    ReqAgency,
    ReqTrackingCode,
    ReqStatusLabel,
    ReqSubmittedAt,
    ReqMessages,
    ReqPayments,
    ReqTimeline,
    ReqWindowAsked,
    ReqAskedAt,
    ReqAnswers,
    /// A payment's page ([`receipt::payment_receipt`]): what its state
    /// means ([`pay_lead_word`]), its headings and labels; a refund
    /// (`{amount}`, `{reference}`).
    PayLead(PayState),
    PayReceiptTitle,
    PayContinue,
    PayFor,
    PayPayee,
    PayAmount,
    PayReference,
    PayDate,
    PayDateJalali,
    PayCard,
    BillId,
    PayRefunds,
    PayRefundDone,
    PayRefundRequested,
    /// The citizen's profile ([`profile::profile`]): its labels, the
    /// birth certificate (`{serial}`, `{place}`), where it came from
    /// (`{agency}`, `{time}`).
    ProfileName,
    ProfileFatherName,
    ProfileNationalCode,
    ProfileBirthDate,
    ProfileGender,
    ProfileCertificate,
    ProfileCertificateValue,
    ProfileMobile,
    ProfileSource,
    GenderFemale,
    GenderMale,
    /// An offer's page ([`offer::offer_top`]): why (`{event}`, `{agency}`,
    /// `{date}`), its status ([`offer::offer_status_word`]), started without
    /// the citizen, the bundle's code, parts not yet sent (`{n}`), what was
    /// read (`{what}`, `{agency}`).
    OfferBecause,
    OfferStatusOpen,
    OfferStatusAccepted,
    OfferStatusDeclined,
    OfferStatusExpired,
    OfferStatusDelivered,
    OfferAutomatic,
    OfferBundleCode,
    OfferPending,
    OfferReads,
    OfferReadItem,
    /// An application's head ([`draft::draft_head`]): its step (`{n}`,
    /// `{total}`, `{title}`), and the review of the answers.
    ApplyStepOf,
    ApplyReviewTitle,
    /// A request's fee to pay ([`receipt::fee_head`]): its heading and
    /// lead.
    PayFeeTitle,
    PayFeeLead,
    /// A form's field ([`form`]): optional, the choice not made yet, the
    /// file attached (`{name}`, `{size}`); an application's buttons and
    /// when it was saved (`{time}`).
    FormOptional,
    FormChoose,
    FormFileCurrent,
    ApplySaveContinue,
    ApplyBack,
    ApplySavedAt,
    /// The answer to an agency's request for more information
    /// ([`form::reply_form`]).
    ReplyTitle,
    ReplyLead,
    ReplyLabel,
    ReplyHint,
    ReplySend,
    /// The button paying a request's fee ([`form::fee_panel`]).
    PayFeeButton,
}

/// The word for a request's status.
pub fn req_status_word(status: &str) -> Word {
    Word::ReqStatus(crate::requests::STATUSES.iter().position(|s| *s == status).and_then(|i| u8::try_from(i).ok()))
}

/// What a payment's state says to the citizen (several states read the
/// same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayState {
    Pending,
    Verifying,
    Success,
    Failed,
    Cancelled,
    Expired,
    Reversed,
    Unknown,
}

/// The word for a payment's state (`crate::payments::STATES`).
pub fn pay_state_word(state: &str) -> Word {
    Word::PayState(match state {
        "created" | "pending" => PayState::Pending,
        "verifying" | "reversing" => PayState::Verifying,
        "success" => PayState::Success,
        "failed" => PayState::Failed,
        "cancelled" => PayState::Cancelled,
        "expired" => PayState::Expired,
        "reversed" => PayState::Reversed,
        _ => PayState::Unknown,
    })
}

/// What the citizen is told about a payment in this state.
pub fn pay_lead_word(state: &str) -> Word {
    match pay_state_word(state) {
        Word::PayState(s) => Word::PayLead(s),
        other => other,
    }
}

impl Word {
    /// Its key in the locale files.
    pub fn key(self) -> &'static str {
        match self {
            Word::Kind(ServiceKind::Information) => "kind_information",
            Word::Kind(ServiceKind::Inquiry) => "kind_inquiry",
            Word::Kind(ServiceKind::Application) => "kind_application",
            Word::Level(ElectronicLevel::InPerson) => "level_in_person",
            Word::Level(ElectronicLevel::Partly) => "level_partly_electronic",
            Word::Level(ElectronicLevel::Fully) => "level_fully_electronic",
            Word::Level(ElectronicLevel::Smart) => "level_smart",
            Word::ResultsCount => "search_results_count",
            Word::FilterLabel => "filter_label",
            Word::FilterLevelLabel => "filter_level_label",
            Word::FilterAll => "filter_all",
            Word::AgencyConnected => "agency_connected",
            Word::AgencyNotConnected => "agency_not_connected",
            Word::Stage(0) => "stage_0",
            Word::Stage(1) => "stage_1",
            Word::Stage(2) => "stage_2",
            Word::Stage(3) => "stage_3",
            Word::Stage(_) => "stage_4",
            Word::ServicesCount => "services_count",
            Word::AgenciesFilterLabel => "agencies_filter_label",
            Word::AgenciesFilterHint => "agencies_filter_hint",
            Word::AgenciesShown => "agencies_shown",
            Word::BreadcrumbLabel => "breadcrumb_label",
            Word::NavHome => "nav_home",
            Word::PayState(PayState::Pending) => "pay_state_pending",
            Word::PayState(PayState::Verifying) => "pay_state_verifying",
            Word::PayState(PayState::Success) => "pay_state_success",
            Word::PayState(PayState::Failed) => "pay_state_failed",
            Word::PayState(PayState::Cancelled) => "pay_state_cancelled",
            Word::PayState(PayState::Expired) => "pay_state_expired",
            Word::PayState(PayState::Reversed) => "pay_state_reversed",
            Word::PayState(PayState::Unknown) => "req_status_unknown",
            Word::PayRefunded => "pay_refunded",
            Word::AmountRials => "amount_rials",
            Word::AmountRialsToman => "amount_rials_toman",
            Word::ReqStatus(Some(0)) => "req_status_awaiting_payment",
            Word::ReqStatus(Some(1)) => "req_status_submitted",
            Word::ReqStatus(Some(2)) => "req_status_queued",
            Word::ReqStatus(Some(3)) => "req_status_forwarded",
            Word::ReqStatus(Some(4)) => "req_status_in_review",
            Word::ReqStatus(Some(5)) => "req_status_more_info",
            Word::ReqStatus(Some(6)) => "req_status_answered",
            Word::ReqStatus(Some(7)) => "req_status_approved",
            Word::ReqStatus(Some(8)) => "req_status_rejected",
            Word::ReqStatus(Some(9)) => "req_status_delivered",
            Word::ReqStatus(_) => "req_status_unknown",
            Word::InboxItem => "inbox_item",
            Word::InboxOffer => "inbox_offer",
            Word::InboxPaid => "inbox_paid",
            Word::InboxRefunded => "inbox_refunded",
            Word::InboxUnread => "inbox_unread",
            Word::InboxMarkRead => "inbox_mark_read",
            Word::InboxEmpty => "inbox_empty",
            Word::ReqSubmitted => "request_submitted",
            Word::ReqYourCode => "request_your_code",
            Word::ReqTitle => "request_title",
            Word::ReqService => "request_service",
            Word::ReqAgency => "request_agency",
            Word::ReqTrackingCode => "request_tracking_code",
            Word::ReqStatusLabel => "request_status",
            Word::ReqSubmittedAt => "request_submitted_at",
            Word::ReqMessages => "request_messages",
            Word::ReqPayments => "request_payments",
            Word::ReqTimeline => "request_timeline",
            Word::ReqWindowAsked => "request_window_asked",
            Word::ReqAskedAt => "request_asked_at",
            Word::ReqAnswers => "request_answers",
            Word::PayReceiptTitle => "pay_receipt_title",
            Word::PayContinue => "pay_continue",
            Word::PayFor => "pay_for",
            Word::PayPayee => "pay_payee",
            Word::PayAmount => "pay_amount",
            Word::PayReference => "pay_reference",
            Word::PayDate => "pay_date",
            Word::PayDateJalali => "pay_date_jalali",
            Word::PayCard => "pay_card",
            Word::BillId => "bill_id",
            Word::PayRefunds => "pay_refunds",
            Word::PayRefundDone => "pay_refund_done",
            Word::PayRefundRequested => "pay_refund_requested",
            Word::PayLead(PayState::Pending) => "pay_lead_pending",
            Word::PayLead(PayState::Verifying) => "pay_lead_verifying",
            Word::PayLead(PayState::Success) => "pay_lead_success",
            Word::PayLead(PayState::Failed) => "pay_lead_failed",
            Word::PayLead(PayState::Cancelled) => "pay_lead_cancelled",
            Word::PayLead(PayState::Expired) => "pay_lead_expired",
            Word::PayLead(PayState::Reversed) => "pay_lead_reversed",
            Word::PayLead(PayState::Unknown) => "req_status_unknown",
            Word::ProfileName => "profile_name",
            Word::ProfileFatherName => "profile_father_name",
            Word::ProfileNationalCode => "profile_national_code",
            Word::ProfileBirthDate => "profile_birth_date",
            Word::ProfileGender => "profile_gender",
            Word::ProfileCertificate => "profile_certificate",
            Word::ProfileCertificateValue => "profile_certificate_value",
            Word::ProfileMobile => "profile_mobile",
            Word::ProfileSource => "profile_source",
            Word::GenderFemale => "gender_female",
            Word::GenderMale => "gender_male",
            Word::OfferBecause => "offer_because",
            Word::OfferStatusOpen => "offer_status_open",
            Word::OfferStatusAccepted => "offer_status_accepted",
            Word::OfferStatusDeclined => "offer_status_declined",
            Word::OfferStatusExpired => "offer_status_expired",
            Word::OfferStatusDelivered => "offer_status_delivered",
            Word::OfferAutomatic => "offer_automatic",
            Word::OfferBundleCode => "offer_bundle_code",
            Word::OfferPending => "offer_pending",
            Word::OfferReads => "offer_reads",
            Word::OfferReadItem => "offer_read_item",
            Word::ApplyStepOf => "apply_step_of",
            Word::ApplyReviewTitle => "apply_review_title",
            Word::PayFeeTitle => "pay_fee_title",
            Word::PayFeeLead => "pay_fee_lead",
            Word::FormOptional => "form_optional",
            Word::FormChoose => "form_choose",
            Word::FormFileCurrent => "form_file_current",
            Word::ApplySaveContinue => "apply_save_continue",
            Word::ApplyBack => "apply_back",
            Word::ApplySavedAt => "apply_saved_at",
            Word::ReplyTitle => "request_reply_title",
            Word::ReplyLead => "request_reply_lead",
            Word::ReplyLabel => "request_reply_label",
            Word::ReplyHint => "request_reply_hint",
            Word::ReplySend => "request_reply_send",
            Word::PayFeeButton => "pay_fee_button",
        }
    }

    /// Every word, for tests that check each one exists in every locale.
    pub fn all() -> Vec<Word> {
        let mut all: Vec<Word> = ServiceKind::ALL.iter().map(|&k| Word::Kind(k)).collect();
        all.extend(ElectronicLevel::ALL.iter().map(|&l| Word::Level(l)));
        all.extend([
            Word::ResultsCount,
            Word::FilterLabel,
            Word::FilterLevelLabel,
            Word::FilterAll,
            Word::AgencyConnected,
            Word::AgencyNotConnected,
            Word::ServicesCount,
            Word::AgenciesFilterLabel,
            Word::AgenciesFilterHint,
            Word::AgenciesShown,
            Word::BreadcrumbLabel,
            Word::NavHome,
            Word::PayRefunded,
            Word::AmountRials,
            Word::AmountRialsToman,
            Word::InboxItem,
            Word::InboxOffer,
            Word::InboxPaid,
            Word::InboxRefunded,
            Word::InboxUnread,
            Word::InboxMarkRead,
            Word::InboxEmpty,
            Word::ReqSubmitted,
            Word::ReqYourCode,
            Word::ReqTitle,
            Word::ReqService,
            Word::ReqAgency,
            Word::ReqTrackingCode,
            Word::ReqStatusLabel,
            Word::ReqSubmittedAt,
            Word::ReqMessages,
            Word::ReqPayments,
            Word::ReqTimeline,
            Word::ReqWindowAsked,
            Word::ReqAskedAt,
            Word::ReqAnswers,
            Word::PayReceiptTitle,
            Word::PayContinue,
            Word::PayFor,
            Word::PayPayee,
            Word::PayAmount,
            Word::PayReference,
            Word::PayDate,
            Word::PayDateJalali,
            Word::PayCard,
            Word::BillId,
            Word::PayRefunds,
            Word::PayRefundDone,
            Word::PayRefundRequested,
            Word::ProfileName,
            Word::ProfileFatherName,
            Word::ProfileNationalCode,
            Word::ProfileBirthDate,
            Word::ProfileGender,
            Word::ProfileCertificate,
            Word::ProfileCertificateValue,
            Word::ProfileMobile,
            Word::ProfileSource,
            Word::GenderFemale,
            Word::GenderMale,
            Word::OfferBecause,
            Word::OfferStatusOpen,
            Word::OfferStatusAccepted,
            Word::OfferStatusDeclined,
            Word::OfferStatusExpired,
            Word::OfferStatusDelivered,
            Word::OfferAutomatic,
            Word::OfferBundleCode,
            Word::OfferPending,
            Word::OfferReads,
            Word::OfferReadItem,
            Word::ApplyStepOf,
            Word::ApplyReviewTitle,
            Word::PayFeeTitle,
            Word::PayFeeLead,
            Word::FormOptional,
            Word::FormChoose,
            Word::FormFileCurrent,
            Word::ApplySaveContinue,
            Word::ApplyBack,
            Word::ApplySavedAt,
            Word::ReplyTitle,
            Word::ReplyLead,
            Word::ReplyLabel,
            Word::ReplyHint,
            Word::ReplySend,
            Word::PayFeeButton,
        ]);
        all.extend((0..crate::requests::STATUSES.len() as u8).map(|i| Word::ReqStatus(Some(i))));
        let states = [
            PayState::Pending,
            PayState::Verifying,
            PayState::Success,
            PayState::Failed,
            PayState::Cancelled,
            PayState::Expired,
            PayState::Reversed,
            PayState::Unknown,
        ];
        all.extend(states.map(Word::PayState));
        all.extend(states.map(Word::PayLead));
        all.extend((0..=4).map(Word::Stage));
        all
    }
}

/// The words and number format of one language.
pub trait Words {
    fn lang(&self) -> Lang;
    fn word(&self, word: Word) -> &str;
    /// A whole number in the language's digits and grouping (the
    /// browser's `Intl`, ICU on the server).
    fn num(&self, n: u64) -> String;
    /// An RFC 3339 instant as date and time in the language's calendar and
    /// digits, at Iran's time wherever the reader is (the browser's `Intl`;
    /// ICU on the server).
    fn time(&self, rfc3339: &str) -> String;
    /// The same in Persian, whatever the language (a receipt in English
    /// gives its date in the Persian calendar too).
    fn time_fa(&self, rfc3339: &str) -> String;
}

/// An amount of rials, with tomans where it is a whole number of them.
pub fn rials(amount: u64, w: &dyn Words) -> String {
    if amount >= 10 && amount.is_multiple_of(10) {
        fill(w.word(Word::AmountRialsToman), &[("rials", &w.num(amount)), ("toman", &w.num(amount / 10))])
    } else {
        fill(w.word(Word::AmountRials), &[("rials", &w.num(amount))])
    }
}

/// The citizen's inbox (the inside of its `<div class="inbox-list">`):
/// how many are unread and every notification, newest first, or that there
/// is none. Each says what happened (a link to it) and when; an unread one
/// has a button marking it read, its `data-read` the notification's id.
pub fn inbox_list(inbox: &crate::requests::Inbox, w: &dyn Words) -> String {
    let mut out = String::new();
    if inbox.items.is_empty() {
        element(&mut out, "p", " class=\"empty\"", w.word(Word::InboxEmpty));
        return out;
    }
    element(&mut out, "p", " role=\"status\"", &fill(w.word(Word::InboxUnread), &[("n", &w.num(u64::from(inbox.unread)))]));
    out.push_str("<ul class=\"session-list\" id=\"inbox\">");
    for n in &inbox.items {
        let title = n.service_name.get(w.lang());
        let text = match (n.status.as_str(), &n.offer_id) {
            ("paid", _) => fill(w.word(Word::InboxPaid), &[("title", title)]),
            ("refunded", _) => fill(w.word(Word::InboxRefunded), &[("title", title)]),
            (_, Some(_)) => fill(w.word(Word::InboxOffer), &[("title", title)]),
            (status, None) => fill(
                w.word(Word::InboxItem),
                &[("service", title), ("status", w.word(req_status_word(status))), ("code", &n.tracking_code)],
            ),
        };
        let href = match (&n.offer_id, &n.payment_id) {
            (Some(o), _) => format!("/offers/{o}"),
            (None, Some(p)) => format!("/payments/{p}"),
            (None, None) => format!("/requests/{}", n.request_id),
        };
        let class = if n.read { "session-card" } else { "session-card unread" };
        out.push_str(&format!("<li class=\"{class}\" data-status=\"{}\"><p>", escape_html(&n.status)));
        element(&mut out, "a", &format!(" href=\"{}\"", escape_html(&href)), &text);
        out.push_str("</p>");
        element(&mut out, "p", " class=\"hint\"", &w.time(&n.created_at));
        if !n.read {
            let attrs = format!(" type=\"button\" class=\"button secondary\" data-read=\"{}\"", escape_html(&n.id));
            element(&mut out, "button", &attrs, w.word(Word::InboxMarkRead));
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

/// The cards of a list of payments (the inside of its `<ul
/// class="session-list">`): what each paid for (a link to it), how much,
/// its state, when. `top`: the list is right under the page's heading (its
/// cards' titles are `h2`, else `h3`).
pub fn payment_cards(items: &[crate::payments::Payment], top: bool, w: &dyn Words) -> String {
    let heading = if top { "h2" } else { "h3" };
    let mut out = String::with_capacity(items.len() * 500);
    for p in items {
        let state = escape_html(&p.state);
        out.push_str(&format!("<li class=\"session-card\" data-state=\"{state}\"><{heading} class=\"session-device\">"));
        element(&mut out, "a", &format!(" href=\"/payments/{}\"", escape_html(&p.id)), p.title.get(w.lang()));
        out.push_str(&format!("</{heading}>"));
        element(&mut out, "p", "", &rials(p.amount_rials.max(0) as u64, w));
        out.push_str("<p>");
        element(&mut out, "span", &format!(" class=\"badge pay-{state}\""), w.word(pay_state_word(&p.state)));
        if p.refunds.iter().any(|r| r.state == "refunded") {
            out.push(' ');
            element(&mut out, "span", " class=\"badge pay-refunded\"", w.word(Word::PayRefunded));
        }
        out.push_str("</p>");
        element(&mut out, "p", " class=\"hint\"", &w.time(p.paid_at.as_deref().unwrap_or(&p.created_at)));
        out.push_str("</li>");
    }
    out
}

/// Replaces `{name}` placeholders.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Text made safe for HTML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Appends `<tag attrs>text</tag>`, `text` escaped (`attrs` are written
/// by this module, their values escaped where they are data).
fn element(out: &mut String, tag: &str, attrs: &str, text: &str) {
    out.push('<');
    out.push_str(tag);
    out.push_str(attrs);
    out.push('>');
    push_escaped(out, text);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

/// The cards of a list of services (the inside of its `<ul class="cards
/// service-list">`): name (a link to its page), agency, kind, electronic
/// level and summary.
pub fn service_cards(items: &[ServiceSummary], w: &dyn Words) -> String {
    let mut out = String::with_capacity(items.len() * 600);
    for s in items {
        service_card(&mut out, s, w);
    }
    out
}

fn service_card(out: &mut String, s: &ServiceSummary, w: &dyn Words) {
    let lang = w.lang();
    out.push_str("<li class=\"card\"><h3>");
    element(out, "a", &format!(" href=\"/services/{}\"", escape_html(&s.id)), s.name.get(lang));
    out.push_str("</h3><p class=\"meta\">");
    element(out, "span", "", s.agency_name.get(lang));
    element(out, "span", " class=\"badge kind\"", w.word(Word::Kind(s.kind)));
    level_badge(out, s.level, w);
    out.push_str("</p>");
    element(out, "p", "", s.summary.get(lang));
    out.push_str("</li>");
}

/// The electronic-level badge (in person … smart), coloured and labelled.
pub fn level_badge(out: &mut String, level: ElectronicLevel, w: &dyn Words) {
    element(out, "span", &format!(" class=\"badge level-{}\"", level.as_str()), w.word(Word::Level(level)));
}

/// The number of results, the heading of the list under it (inside its
/// `<div role="status">`).
pub fn results_count(total: usize, w: &dyn Words) -> String {
    let mut out = String::new();
    element(&mut out, "h2", " class=\"count\"", &fill(w.word(Word::ResultsCount), &[("n", &w.num(total as u64))]));
    out
}

/// Links that filter a service list at `path` by kind and, `with_level`,
/// by electronic level; the current choice is marked for assistive
/// technology.
pub fn filter_bar(filter: &ServiceFilter, path: &str, with_level: bool, w: &dyn Words) -> String {
    let mut out = String::new();
    let mut chips = |label: Word, options: Vec<(Option<Word>, String, bool)>| {
        out.push_str(&format!("<nav class=\"filters\" aria-label=\"{}\">", escape_html(w.word(label))));
        for (word, href, current) in options {
            let attrs = format!(" class=\"chip\" href=\"{}\"{}", escape_html(&href), if current { " aria-current=\"true\"" } else { "" });
            element(&mut out, "a", &attrs, w.word(word.unwrap_or(Word::FilterAll)));
        }
        out.push_str("</nav>");
    };
    let kinds = std::iter::once(None).chain(ServiceKind::ALL.iter().copied().map(Some));
    chips(Word::FilterLabel, kinds.map(|k| (k.map(Word::Kind), filter.with_kind(k).href(path), filter.kind == k)).collect());
    if with_level {
        let levels = std::iter::once(None).chain(ElectronicLevel::ALL.iter().copied().map(Some));
        chips(Word::FilterLevelLabel, levels.map(|l| (l.map(Word::Level), filter.with_level(l).href(path), filter.level == l)).collect());
    }
    out
}

/// One agency's card (the inside of its `<li class="card">`): name (a link
/// to its page), whether it is connected and at which stage, its number of
/// services, and what it does.
pub fn agency_card(a: &Agency, w: &dyn Words) -> String {
    let lang = w.lang();
    let mut out = String::from("<h2 class=\"h3\">");
    element(&mut out, "a", &format!(" href=\"/agencies/{}\"", escape_html(&a.id)), a.name.get(lang));
    out.push_str("</h2><p class=\"meta\">");
    if a.connected {
        element(&mut out, "span", " class=\"badge ok\"", w.word(Word::AgencyConnected));
        element(&mut out, "span", " class=\"badge\"", w.word(Word::Stage(a.stage)));
    } else {
        element(&mut out, "span", " class=\"badge warn\"", w.word(Word::AgencyNotConnected));
    }
    element(&mut out, "span", "", &fill(w.word(Word::ServicesCount), &[("n", &w.num(a.service_count as u64))]));
    out.push_str("</p>");
    element(&mut out, "p", "", a.description.get(lang));
    out
}

/// Agencies as the inside of their list: one `<li class="card">` each.
pub fn agency_cards(agencies: &[Agency], w: &dyn Words) -> String {
    agencies.iter().map(|a| format!("<li class=\"card\">{}</li>", agency_card(a, w))).collect()
}

/// Breadcrumbs: home, then the trail of (label, link); the last is the
/// current page.
pub fn breadcrumbs(trail: &[(String, String)], w: &dyn Words) -> String {
    let mut out = format!("<nav class=\"breadcrumbs\" aria-label=\"{}\"><ol><li>", escape_html(w.word(Word::BreadcrumbLabel)));
    element(&mut out, "a", " href=\"/\"", w.word(Word::NavHome));
    out.push_str("</li>");
    for (i, (label, href)) in trail.iter().enumerate() {
        out.push_str("<li>");
        if i + 1 == trail.len() {
            element(&mut out, "span", " aria-current=\"page\"", label);
        } else {
            element(&mut out, "a", &format!(" href=\"{}\"", escape_html(href)), label);
        }
        out.push_str("</li>");
    }
    out.push_str("</ol></nav>");
    out
}

/// The agencies page's filter box, empty, and the number of agencies it
/// shows, as the server paints them before the app (the app's own
/// `AgencyDirectory` renders the same, bound to what is typed).
pub fn agency_filter(shown: usize, w: &dyn Words) -> String {
    let mut out = String::from("<div class=\"field\">");
    element(&mut out, "label", " for=\"agency-filter\"", w.word(Word::AgenciesFilterLabel));
    element(&mut out, "p", " class=\"hint\" id=\"agency-filter-hint\"", w.word(Word::AgenciesFilterHint));
    out.push_str("<input id=\"agency-filter\" type=\"search\" aria-describedby=\"agency-filter-hint\" autocomplete=\"off\"></div>");
    element(&mut out, "p", " class=\"count\" role=\"status\"", &fill(w.word(Word::AgenciesShown), &[("n", &w.num(shown as u64))]));
    out
}

/// Words for the markup's tests: each word is its key but for the
/// templates (their placeholders, in plain English); numbers marked `#`,
/// times as given.
#[cfg(test)]
pub(crate) mod test_words {
    use super::{Word, Words};
    use crate::Lang;

    /// In English.
    pub(crate) struct Fixed;

    /// In the language given.
    pub(crate) struct FixedIn(pub Lang);

    impl Words for FixedIn {
        fn lang(&self) -> Lang {
            self.0
        }
        fn word(&self, word: Word) -> &str {
            match word {
                Word::ResultsCount => "{n} results",
                Word::ServicesCount => "{n} services",
                Word::AmountRials => "{rials} rials",
                Word::AmountRialsToman => "{rials} rials ({toman} toman)",
                Word::ReqAskedAt => "{what} from {agency} at {time}",
                Word::PayRefundDone => "{amount} back, {reference}",
                Word::ProfileCertificateValue => "{serial} from {place}",
                Word::ProfileSource => "from {agency} at {time}",
                Word::OfferBecause => "{event} at {agency} on {date}",
                Word::OfferPending => "{n} waiting",
                Word::OfferReadItem => "{what} ({agency})",
                Word::ApplyStepOf => "Step {n} of {total}: {title}",
                Word::ApplySavedAt => "Saved {time}",
                Word::FormFileCurrent => "{name}, {size} KB",
                w => w.key(),
            }
        }
        fn num(&self, n: u64) -> String {
            format!("#{n}")
        }
        fn time(&self, rfc3339: &str) -> String {
            format!("at {rfc3339}")
        }
        fn time_fa(&self, rfc3339: &str) -> String {
            format!("fa at {rfc3339}")
        }
    }

    impl Words for Fixed {
        fn lang(&self) -> Lang {
            Lang::En
        }
        fn word(&self, word: Word) -> &str {
            FixedIn(Lang::En).word(word)
        }
        fn num(&self, n: u64) -> String {
            FixedIn(Lang::En).num(n)
        }
        fn time(&self, rfc3339: &str) -> String {
            FixedIn(Lang::En).time(rfc3339)
        }
        fn time_fa(&self, rfc3339: &str) -> String {
            FixedIn(Lang::En).time_fa(rfc3339)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Audience, Text};

    use super::test_words::Fixed;

    fn text(s: &str) -> Text {
        Text { fa: format!("fa {s}"), en: s.to_owned() }
    }

    #[test]
    fn a_service_card_escapes_what_it_shows() {
        let s = ServiceSummary {
            id: "x-1".into(),
            agency: "a".into(),
            agency_name: text("Agency & co"),
            category: "c".into(),
            kind: ServiceKind::Inquiry,
            level: ElectronicLevel::Smart,
            audience: Audience::Anyone,
            name: text("<b>Name</b>"),
            summary: text("\"quoted\" 'summary'"),
            popularity: 1,
        };
        assert_eq!(
            service_cards(&[s], &Fixed),
            "<li class=\"card\"><h3><a href=\"/services/x-1\">&lt;b&gt;Name&lt;/b&gt;</a></h3>\
             <p class=\"meta\"><span>Agency &amp; co</span><span class=\"badge kind\">kind_inquiry</span>\
             <span class=\"badge level-smart\">level_smart</span></p><p>&quot;quoted&quot; &#39;summary&#39;</p></li>"
        );
        assert_eq!(results_count(12, &Fixed), "<h2 class=\"count\">#12 results</h2>");
    }

    #[test]
    fn the_filter_bar_marks_the_current_choice() {
        let f = ServiceFilter { kind: Some(ServiceKind::Inquiry), ..Default::default() };
        let bar = filter_bar(&f, "/services", true, &Fixed);
        assert!(
            bar.starts_with("<nav class=\"filters\" aria-label=\"filter_label\"><a class=\"chip\" href=\"/services\">filter_all</a>"),
            "{bar}"
        );
        assert!(bar.contains("href=\"/services?kind=inquiry\" aria-current=\"true\">kind_inquiry</a>"), "{bar}");
        assert_eq!(bar.matches("aria-current").count(), 2, "one kind and 'every level': {bar}");
        assert_eq!(bar.matches("<nav").count(), 2);
        assert_eq!(filter_bar(&f, "/search", false, &Fixed).matches("<nav").count(), 1);
    }

    #[test]
    fn breadcrumbs_end_at_the_current_page() {
        let trail = [("A & B".to_owned(), "/categories/a".to_owned()), ("Here".to_owned(), String::new())];
        assert_eq!(
            breadcrumbs(&trail, &Fixed),
            "<nav class=\"breadcrumbs\" aria-label=\"breadcrumb_label\"><ol><li><a href=\"/\">nav_home</a></li>\
             <li><a href=\"/categories/a\">A &amp; B</a></li><li><span aria-current=\"page\">Here</span></li></ol></nav>"
        );
    }

    #[test]
    fn payment_cards_say_what_how_much_which_state_and_when() {
        let refund = |state: &str| crate::payments::Refund {
            id: "r".into(),
            amount_rials: 10,
            state: state.into(),
            reason: text("r"),
            reference: None,
            created_at: "2026-01-02T00:00:00Z".into(),
            refunded_at: None,
        };
        let paid: crate::payments::Payment = serde_json::from_value(serde_json::json!({
            "id": "p<1>", "kind": "fee", "state": "success", "amount_rials": 1_250_000,
            "title": { "fa": "fa Fee & more", "en": "Fee & more" }, "payee": { "fa": "", "en": "" },
            "created_at": "2026-01-01T00:00:00Z", "paid_at": "2026-01-01T10:00:00Z",
        }))
        .unwrap();
        let paid = crate::payments::Payment { refunds: vec![refund("refunded")], ..paid };
        let pending = crate::payments::Payment {
            id: "p2".into(),
            state: "created".into(),
            amount_rials: 7,
            paid_at: None,
            refunds: vec![refund("pending")],
            ..paid.clone()
        };
        assert_eq!(
            payment_cards(&[paid, pending], true, &Fixed),
            "<li class=\"session-card\" data-state=\"success\"><h2 class=\"session-device\"><a href=\"/payments/p&lt;1&gt;\">Fee &amp; more</a></h2>\
             <p>#1250000 rials (#125000 toman)</p><p><span class=\"badge pay-success\">pay_state_success</span> \
             <span class=\"badge pay-refunded\">pay_refunded</span></p><p class=\"hint\">at 2026-01-01T10:00:00Z</p></li>\
             <li class=\"session-card\" data-state=\"created\"><h2 class=\"session-device\"><a href=\"/payments/p2\">Fee &amp; more</a></h2>\
             <p>#7 rials</p><p><span class=\"badge pay-created\">pay_state_pending</span></p><p class=\"hint\">at 2026-01-01T00:00:00Z</p></li>"
        );
        assert!(payment_cards(&[], false, &Fixed).is_empty());
        assert_eq!(pay_state_word("reversing"), Word::PayState(PayState::Verifying));
        assert_eq!(pay_state_word("no-such-state"), Word::PayState(PayState::Unknown));
    }

    #[test]
    fn the_inbox_says_what_happened_links_to_it_and_offers_to_mark_it_read() {
        let item = |id: &str, status: &str, offer: Option<&str>, payment: Option<&str>, read: bool| {
            serde_json::from_value::<crate::requests::Notification>(serde_json::json!({
                "id": id, "request_id": "r1", "tracking_code": "ABC", "service_name": { "fa": "fa S", "en": "S & T" },
                "status": status, "offer_id": offer, "payment_id": payment, "created_at": "2026-01-01T00:00:00Z", "read": read,
            }))
            .unwrap()
        };
        let inbox = crate::requests::Inbox {
            unread: 2,
            items: vec![
                item("n<1>", "approved", None, None, false),
                item("n2", "paid", None, Some("p1"), true),
                item("n3", "offer", Some("o1"), None, false),
                item("n4", "mystery", None, None, true),
            ],
        };
        assert_eq!(
            inbox_list(&inbox, &Fixed),
            "<p role=\"status\">inbox_unread</p><ul class=\"session-list\" id=\"inbox\">\
             <li class=\"session-card unread\" data-status=\"approved\"><p><a href=\"/requests/r1\">inbox_item</a></p>\
             <p class=\"hint\">at 2026-01-01T00:00:00Z</p><button type=\"button\" class=\"button secondary\" data-read=\"n&lt;1&gt;\">inbox_mark_read</button></li>\
             <li class=\"session-card\" data-status=\"paid\"><p><a href=\"/payments/p1\">inbox_paid</a></p><p class=\"hint\">at 2026-01-01T00:00:00Z</p></li>\
             <li class=\"session-card unread\" data-status=\"offer\"><p><a href=\"/offers/o1\">inbox_offer</a></p>\
             <p class=\"hint\">at 2026-01-01T00:00:00Z</p><button type=\"button\" class=\"button secondary\" data-read=\"n3\">inbox_mark_read</button></li>\
             <li class=\"session-card\" data-status=\"mystery\"><p><a href=\"/requests/r1\">inbox_item</a></p><p class=\"hint\">at 2026-01-01T00:00:00Z</p></li></ul>"
        );
        assert_eq!(inbox_list(&crate::requests::Inbox { unread: 0, items: vec![] }, &Fixed), "<p class=\"empty\">inbox_empty</p>");
        assert_eq!(req_status_word("approved"), Word::ReqStatus(Some(7)));
        assert_eq!(req_status_word("mystery"), Word::ReqStatus(None));
    }

    #[test]
    fn every_word_has_a_distinct_key() {
        // But "unknown", which an unknown payment state and what it means
        // both say.
        let known: Vec<_> = Word::all().into_iter().map(Word::key).filter(|k| *k != "req_status_unknown").collect();
        let keys: std::collections::BTreeSet<_> = known.iter().collect();
        assert_eq!(keys.len(), known.len());
        assert_eq!(Word::all().len() - known.len(), 2);
    }
}
