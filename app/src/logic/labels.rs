//! The labels of the catalog's and requests' coded values.

use panjere_api::{AgencyKind, Audience, ElectronicLevel, ServiceKind};

use crate::i18n::Strings;

pub fn kind_label(kind: ServiceKind, t: &Strings) -> &'static str {
    match kind {
        ServiceKind::Information => t.kind_information(),
        ServiceKind::Inquiry => t.kind_inquiry(),
        ServiceKind::Application => t.kind_application(),
    }
}

pub fn level_label(level: ElectronicLevel, t: &Strings) -> &'static str {
    match level {
        ElectronicLevel::InPerson => t.level_in_person(),
        ElectronicLevel::Partly => t.level_partly_electronic(),
        ElectronicLevel::Fully => t.level_fully_electronic(),
        ElectronicLevel::Smart => t.level_smart(),
    }
}

pub fn audience_label(audience: Audience, t: &Strings) -> &'static str {
    match audience {
        Audience::Anyone => t.audience_anyone(),
        Audience::Citizen => t.audience_signed_in_citizen(),
    }
}

pub fn agency_kind_label(kind: AgencyKind, t: &Strings) -> &'static str {
    match kind {
        AgencyKind::Ministry => t.agency_kind_ministry(),
        AgencyKind::Organisation => t.agency_kind_organisation(),
        AgencyKind::Police => t.agency_kind_police(),
        AgencyKind::Company => t.agency_kind_company(),
        AgencyKind::Bank => t.agency_kind_bank(),
        AgencyKind::Judiciary => t.agency_kind_judiciary(),
        AgencyKind::Foundation => t.agency_kind_foundation(),
    }
}

pub fn stage_label(stage: u8, t: &Strings) -> &'static str {
    match stage {
        0 => t.stage_0(),
        1 => t.stage_1(),
        2 => t.stage_2(),
        3 => t.stage_3(),
        _ => t.stage_4(),
    }
}

/// A request status's label.
/// Why the window's verified level differs from the claim, as a citizen
/// reads it.
pub fn gap_text(g: &panjere_api::stats::Gap, t: &Strings, lang: panjere_api::Lang) -> String {
    let template = match g.code.as_str() {
        "no_form" => t.gap_no_form(),
        "agency_not_connected" => t.gap_agency_not_connected(),
        "operation_not_described" => t.gap_operation_not_described(),
        "document_not_fetched" => t.gap_document_not_fetched(),
        "document_agency_not_connected" => t.gap_document_agency_not_connected(),
        "document_carried" => t.gap_document_carried(),
        "online_part" => t.gap_online_part(),
        other => other,
    };
    let subject = g.subject.as_ref().map(|s| s.get(lang).to_owned()).unwrap_or_default();
    crate::fmt::fill(template, &[("subject", &subject)])
}

/// A request's status in words (the shared markup's word for it).
pub fn status_label(status: &str, t: &'static Strings) -> &'static str {
    word_in(panjere_api::markup::req_status_word(status), t)
}

/// A language's words and numbers for the markup the app shares with the
/// server's painted pages (`panjere_api::markup`).
pub struct Labels(pub &'static Strings);

impl panjere_api::markup::Words for Labels {
    fn lang(&self) -> panjere_api::Lang {
        self.0.lang()
    }

    fn word(&self, word: panjere_api::markup::Word) -> &str {
        word_in(word, self.0)
    }

    fn num(&self, n: u64) -> String {
        crate::fmt::num(n, self.0.lang())
    }

    fn time(&self, rfc3339: &str) -> String {
        crate::fmt::time(rfc3339, self.0.lang())
    }

    fn time_fa(&self, rfc3339: &str) -> String {
        crate::fmt::time(rfc3339, crate::i18n::Lang::Fa)
    }
}

/// A word of the shared markup in a language's string table (but a
/// receipt's or the profile's: [`ReceiptLabels`]).
pub fn word_in(word: panjere_api::markup::Word, t: &'static Strings) -> &'static str {
    use panjere_api::markup::{PayState, Word};
    match word {
        Word::Kind(k) => kind_label(k, t),
        Word::Level(l) => level_label(l, t),
        Word::ResultsCount => t.search_results_count(),
        Word::FilterLabel => t.filter_label(),
        Word::FilterLevelLabel => t.filter_level_label(),
        Word::FilterAll => t.filter_all(),
        Word::AgencyConnected => t.agency_connected(),
        Word::AgencyNotConnected => t.agency_not_connected(),
        Word::Stage(s) => stage_label(s, t),
        Word::ServicesCount => t.services_count(),
        Word::AgenciesFilterLabel => t.agencies_filter_label(),
        Word::AgenciesFilterHint => t.agencies_filter_hint(),
        Word::AgenciesShown => t.agencies_shown(),
        Word::BreadcrumbLabel => t.breadcrumb_label(),
        Word::NavHome => t.nav_home(),
        Word::PayState(PayState::Pending) => t.pay_state_pending(),
        Word::PayState(PayState::Verifying) => t.pay_state_verifying(),
        Word::PayState(PayState::Success) => t.pay_state_success(),
        Word::PayState(PayState::Failed) => t.pay_state_failed(),
        Word::PayState(PayState::Cancelled) => t.pay_state_cancelled(),
        Word::PayState(PayState::Expired) => t.pay_state_expired(),
        Word::PayState(PayState::Reversed) => t.pay_state_reversed(),
        Word::PayState(PayState::Unknown) => t.req_status_unknown(),
        Word::PayRefunded => t.pay_refunded(),
        Word::AmountRials => t.amount_rials(),
        Word::AmountRialsToman => t.amount_rials_toman(),
        Word::ReqStatus(Some(0)) => t.req_status_awaiting_payment(),
        Word::ReqStatus(Some(1)) => t.req_status_submitted(),
        Word::ReqStatus(Some(2)) => t.req_status_queued(),
        Word::ReqStatus(Some(3)) => t.req_status_forwarded(),
        Word::ReqStatus(Some(4)) => t.req_status_in_review(),
        Word::ReqStatus(Some(5)) => t.req_status_more_info(),
        Word::ReqStatus(Some(6)) => t.req_status_answered(),
        Word::ReqStatus(Some(7)) => t.req_status_approved(),
        Word::ReqStatus(Some(8)) => t.req_status_rejected(),
        Word::ReqStatus(Some(9)) => t.req_status_delivered(),
        Word::ReqStatus(_) => t.req_status_unknown(),
        Word::InboxItem => t.inbox_item(),
        Word::InboxOffer => t.inbox_offer(),
        Word::InboxPaid => t.inbox_paid(),
        Word::InboxRefunded => t.inbox_refunded(),
        Word::InboxUnread => t.inbox_unread(),
        Word::InboxMarkRead => t.inbox_mark_read(),
        Word::InboxEmpty => t.inbox_empty(),
        // Only the pages that show them need these: [`ReceiptLabels`].
        _ => t.req_status_unknown(),
    }
}

/// [`Labels`] with the words of a request's or a payment's receipt, of
/// the profile, of an offer and of an application's head
/// (`panjere_api::markup::receipt`, `::profile`, `::offer`, `::draft`): only the
/// pages that show them know them, so the main module carries none of them.
pub struct ReceiptLabels(pub &'static Strings);

impl panjere_api::markup::Words for ReceiptLabels {
    fn lang(&self) -> panjere_api::Lang {
        self.0.lang()
    }

    fn word(&self, word: panjere_api::markup::Word) -> &str {
        use panjere_api::markup::{PayState, Word};
        let t = self.0;
        match word {
            Word::ReqSubmitted => t.request_submitted(),
            Word::ReqYourCode => t.request_your_code(),
            Word::ReqTitle => t.request_title(),
            Word::ReqService => t.request_service(),
            Word::ReqAgency => t.request_agency(),
            Word::ReqTrackingCode => t.request_tracking_code(),
            Word::ReqStatusLabel => t.request_status(),
            Word::ReqSubmittedAt => t.request_submitted_at(),
            Word::ReqMessages => t.request_messages(),
            Word::ReqPayments => t.request_payments(),
            Word::ReqTimeline => t.request_timeline(),
            Word::ReqWindowAsked => t.request_window_asked(),
            Word::ReqAskedAt => t.request_asked_at(),
            Word::ReqAnswers => t.request_answers(),
            Word::PayReceiptTitle => t.pay_receipt_title(),
            Word::PayContinue => t.pay_continue(),
            Word::PayFor => t.pay_for(),
            Word::PayPayee => t.pay_payee(),
            Word::PayAmount => t.pay_amount(),
            Word::PayReference => t.pay_reference(),
            Word::PayDate => t.pay_date(),
            Word::PayDateJalali => t.pay_date_jalali(),
            Word::PayCard => t.pay_card(),
            Word::BillId => t.bill_id(),
            Word::PayRefunds => t.pay_refunds(),
            Word::PayRefundDone => t.pay_refund_done(),
            Word::PayRefundRequested => t.pay_refund_requested(),
            Word::PayLead(PayState::Pending) => t.pay_lead_pending(),
            Word::PayLead(PayState::Verifying) => t.pay_lead_verifying(),
            Word::PayLead(PayState::Success) => t.pay_lead_success(),
            Word::PayLead(PayState::Failed) => t.pay_lead_failed(),
            Word::PayLead(PayState::Cancelled) => t.pay_lead_cancelled(),
            Word::PayLead(PayState::Expired) => t.pay_lead_expired(),
            Word::PayLead(PayState::Reversed) => t.pay_lead_reversed(),
            Word::PayLead(PayState::Unknown) => t.req_status_unknown(),
            Word::ProfileName => t.profile_name(),
            Word::ProfileFatherName => t.profile_father_name(),
            Word::ProfileNationalCode => t.profile_national_code(),
            Word::ProfileBirthDate => t.profile_birth_date(),
            Word::ProfileGender => t.profile_gender(),
            Word::ProfileCertificate => t.profile_certificate(),
            Word::ProfileCertificateValue => t.profile_certificate_value(),
            Word::ProfileMobile => t.profile_mobile(),
            Word::ProfileSource => t.profile_source(),
            Word::GenderFemale => t.gender_female(),
            Word::GenderMale => t.gender_male(),
            Word::OfferBecause => t.offer_because(),
            Word::OfferStatusOpen => t.offer_status_open(),
            Word::OfferStatusAccepted => t.offer_status_accepted(),
            Word::OfferStatusDeclined => t.offer_status_declined(),
            Word::OfferStatusExpired => t.offer_status_expired(),
            Word::OfferStatusDelivered => t.offer_status_delivered(),
            Word::OfferAutomatic => t.offer_automatic(),
            Word::OfferBundleCode => t.offer_bundle_code(),
            Word::OfferPending => t.offer_pending(),
            Word::OfferReads => t.offer_reads(),
            Word::OfferReadItem => t.offer_read_item(),
            Word::ApplyStepOf => t.apply_step_of(),
            Word::ApplyReviewTitle => t.apply_review_title(),
            Word::PayFeeTitle => t.pay_fee_title(),
            Word::PayFeeLead => t.pay_fee_lead(),
            Word::FormOptional => t.form_optional(),
            Word::FormChoose => t.form_choose(),
            Word::FormFileCurrent => t.form_file_current(),
            Word::ApplySaveContinue => t.apply_save_continue(),
            Word::ApplyBack => t.apply_back(),
            Word::ApplySavedAt => t.apply_saved_at(),
            Word::ReplyTitle => t.request_reply_title(),
            Word::ReplyLead => t.request_reply_lead(),
            Word::ReplyLabel => t.request_reply_label(),
            Word::ReplyHint => t.request_reply_hint(),
            Word::ReplySend => t.request_reply_send(),
            Word::PayFeeButton => t.pay_fee_button(),
            other => word_in(other, t),
        }
    }

    fn num(&self, n: u64) -> String {
        Labels(self.0).num(n)
    }

    fn time(&self, rfc3339: &str) -> String {
        Labels(self.0).time(rfc3339)
    }

    fn time_fa(&self, rfc3339: &str) -> String {
        Labels(self.0).time_fa(rfc3339)
    }
}
