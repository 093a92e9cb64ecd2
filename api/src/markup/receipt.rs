//! A request's receipt and a payment's, as the server paints them on a
//! direct visit and the app renders them: the parts that are only read.
//! What the citizen acts on between them (answering the agency, paying
//! the fee, printing) is the app's.

use super::{element, escape_html, fill, payment_cards, req_status_word, rials, Word, Words};
use crate::payments::Payment;
use crate::requests::RequestDetail;
use crate::Lang;

/// A row of a `<dl class="summary-list">`: `<dt>`, then `<dd>` with `dd`
/// as its attributes and `value` escaped.
fn row(out: &mut String, label: &str, dd: &str, value: &str) {
    out.push_str("<div class=\"summary-row\">");
    element(out, "dt", "", label);
    element(out, "dd", dd, value);
    out.push_str("</div>");
}

/// The top of a request's receipt (the inside of its `<div
/// class="receipt-top">`): its heading (or, just submitted, `fresh`, the
/// confirmation with the tracking code), what it is, where it stands, and
/// what the agency said.
pub fn request_top(r: &RequestDetail, fresh: bool, w: &dyn Words) -> String {
    let s = &r.summary;
    let lang = w.lang();
    let mut out = String::with_capacity(1500);
    if fresh {
        out.push_str("<div class=\"panel-confirmation\" role=\"status\">");
        element(&mut out, "h1", "", w.word(Word::ReqSubmitted));
        element(&mut out, "p", "", w.word(Word::ReqYourCode));
        element(&mut out, "p", " class=\"tracking-code\" dir=\"ltr\" id=\"tracking-code\"", &s.tracking_code);
        out.push_str("</div>");
    } else {
        element(&mut out, "h1", "", w.word(Word::ReqTitle));
    }
    out.push_str("<dl class=\"summary-list\" id=\"request-summary\">");
    row(&mut out, w.word(Word::ReqService), "", s.service_name.get(lang));
    row(&mut out, w.word(Word::ReqAgency), "", s.agency_name.get(lang));
    row(&mut out, w.word(Word::ReqTrackingCode), " dir=\"ltr\" class=\"code\"", &s.tracking_code);
    out.push_str("<div class=\"summary-row\">");
    element(&mut out, "dt", "", w.word(Word::ReqStatusLabel));
    out.push_str("<dd>");
    let badge = format!(" class=\"badge req-{}\" id=\"request-status\"", escape_html(&s.status));
    element(&mut out, "span", &badge, w.word(req_status_word(&s.status)));
    out.push_str("</dd></div>");
    row(&mut out, w.word(Word::ReqSubmittedAt), "", &w.time(&s.created_at));
    out.push_str("</dl>");
    if !r.messages.is_empty() {
        element(&mut out, "h2", "", w.word(Word::ReqMessages));
        out.push_str("<ul class=\"messages\" id=\"agency-messages\">");
        for m in &r.messages {
            out.push_str("<li>");
            element(&mut out, "p", "", m.text.get(lang));
            element(&mut out, "p", " class=\"hint\"", &w.time(&m.at));
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    out
}

/// The fee waiting to be paid (the inside of the `<div class="fee-head">`
/// that begins its `section#pay-fee`): what it is and how much.
pub fn fee_head(fee_rials: i64, w: &dyn Words) -> String {
    let mut out = String::with_capacity(400);
    element(&mut out, "h2", " id=\"pay-fee-title\"", w.word(Word::PayFeeTitle));
    element(&mut out, "p", "", w.word(Word::PayFeeLead));
    element(&mut out, "p", " class=\"amount\" id=\"fee-amount\"", &rials(fee_rials.max(0) as u64, w));
    out
}

/// The payments of a request's fee (the inside of its `<div
/// class="receipt-payments">`), or nothing when there is none.
pub fn request_payments(r: &RequestDetail, w: &dyn Words) -> String {
    if r.payments.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(r.payments.len() * 500 + 100);
    element(&mut out, "h2", "", w.word(Word::ReqPayments));
    out.push_str("<ul class=\"session-list\" id=\"request-payments\">");
    out.push_str(&payment_cards(&r.payments, false, w));
    out.push_str("</ul>");
    out
}

/// The rest of a request's receipt (the inside of its `<div
/// class="receipt-record">`): what has happened so far, what the window
/// asked other agencies for the citizen, and the citizen's answers.
pub fn request_record(r: &RequestDetail, w: &dyn Words) -> String {
    let lang = w.lang();
    let mut out = String::with_capacity(2000);
    element(&mut out, "h2", "", w.word(Word::ReqTimeline));
    out.push_str("<ol class=\"timeline\" id=\"timeline\">");
    for e in &r.timeline {
        out.push_str(&format!("<li data-status=\"{}\">", escape_html(&e.status)));
        element(&mut out, "strong", "", w.word(req_status_word(&e.status)));
        out.push_str(" · ");
        element(&mut out, "span", "", &w.time(&e.at));
        out.push_str("</li>");
    }
    out.push_str("</ol>");
    if !r.inquiries.is_empty() {
        element(&mut out, "h2", "", w.word(Word::ReqWindowAsked));
        out.push_str("<ul class=\"inquiries\">");
        for i in &r.inquiries {
            let time = w.time(&i.answered_at);
            let text = fill(w.word(Word::ReqAskedAt), &[("what", i.label.get(lang)), ("agency", i.agency_name.get(lang)), ("time", &time)]);
            element(&mut out, "li", "", &text);
        }
        out.push_str("</ul>");
    }
    element(&mut out, "h2", "", w.word(Word::ReqAnswers));
    out.push_str("<dl class=\"summary-list\">");
    for a in &r.answers {
        row(&mut out, a.label.get(lang), "", a.value.get(lang));
    }
    out.push_str("</dl>");
    out
}

/// A payment's page up to what the citizen can do with it (the inside of
/// its `<div class="receipt-top">`): where it stands (the receipt's
/// heading once paid), the way on to the provider while it is open, and
/// the receipt: what for, to whom, how much, the provider's reference, when
/// (in English, also in the Persian calendar), the card, the request, the
/// bill; then its refunds.
pub fn payment_receipt(p: &Payment, w: &dyn Words) -> String {
    let lang = w.lang();
    let success = p.state == "success";
    let mut out = String::with_capacity(2000);
    let (class, heading) =
        if success { ("panel-confirmation", w.word(Word::PayReceiptTitle)) } else { ("panel", w.word(super::pay_state_word(&p.state))) };
    out.push_str(&format!("<div class=\"{class}\" role=\"status\" id=\"payment-state\" data-state=\"{}\">", escape_html(&p.state)));
    element(&mut out, "h1", "", heading);
    element(&mut out, "p", "", w.word(super::pay_lead_word(&p.state)));
    out.push_str("</div>");
    if let Some(url) = &p.payment_url {
        out.push_str("<p>");
        element(
            &mut out,
            "a",
            &format!(" class=\"button\" id=\"continue-payment\" href=\"{}\"", escape_html(url)),
            w.word(Word::PayContinue),
        );
        out.push_str("</p>");
    }
    out.push_str("<dl class=\"summary-list\" id=\"receipt\">");
    row(&mut out, w.word(Word::PayFor), "", p.title.get(lang));
    row(&mut out, w.word(Word::PayPayee), "", p.payee.get(lang));
    row(&mut out, w.word(Word::PayAmount), " id=\"receipt-amount\"", &rials(p.amount_rials.max(0) as u64, w));
    let code = " dir=\"ltr\" class=\"code\"";
    if let Some(r) = &p.reference {
        row(&mut out, w.word(Word::PayReference), " dir=\"ltr\" class=\"code\" id=\"receipt-reference\"", r);
    }
    if let Some(at) = &p.paid_at {
        row(&mut out, w.word(Word::PayDate), "", &w.time(at));
        if lang == Lang::En {
            row(&mut out, w.word(Word::PayDateJalali), "", &w.time_fa(at));
        }
    }
    if let Some(c) = &p.card {
        row(&mut out, w.word(Word::PayCard), code, c);
    }
    if let Some(c) = &p.tracking_code {
        row(&mut out, w.word(Word::ReqTrackingCode), code, c);
    }
    if let Some(b) = &p.bill_id {
        row(&mut out, w.word(Word::BillId), code, b);
    }
    out.push_str("</dl>");
    if !p.refunds.is_empty() {
        element(&mut out, "h2", "", w.word(Word::PayRefunds));
        out.push_str("<ul class=\"messages\" id=\"refunds\">");
        for r in &p.refunds {
            let done = r.state == "refunded";
            let amount = rials(r.amount_rials.max(0) as u64, w);
            let template = w.word(if done { Word::PayRefundDone } else { Word::PayRefundRequested });
            let text = fill(template, &[("amount", &amount), ("reference", r.reference.as_deref().unwrap_or(""))]);
            out.push_str(&format!("<li data-state=\"{}\">", escape_html(&r.state)));
            element(&mut out, "p", "", &text);
            element(&mut out, "p", " class=\"hint\"", r.reason.get(lang));
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::markup::test_words::FixedIn as Keys;

    fn detail() -> RequestDetail {
        serde_json::from_value(serde_json::json!({
            "id": "r1", "tracking_code": "T<1>", "service": "s", "service_name": { "fa": "خدمت", "en": "S & co" },
            "agency_name": { "fa": "د", "en": "Agency" }, "status": "more_info", "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-02T00:00:00Z",
            "answers": [{ "field": "f", "label": { "fa": "ب", "en": "City" }, "value": { "fa": "ت", "en": "<Tehran>" } }],
            "timeline": [{ "status": "submitted", "at": "t1" }, { "status": "more_info", "at": "t2" }],
            "inquiries": [{ "label": { "fa": "ا", "en": "Address" }, "agency_name": { "fa": "پ", "en": "Post" }, "answered_at": "t0" }],
            "messages": [{ "at": "t3", "text": { "fa": "پ", "en": "Send <your> address" } }],
        }))
        .unwrap()
    }

    #[test]
    fn a_requests_receipt_says_what_it_is_where_it_stands_and_what_was_said() {
        let r = detail();
        let w = Keys(Lang::En);
        assert_eq!(
            request_top(&r, false, &w),
            "<h1>request_title</h1><dl class=\"summary-list\" id=\"request-summary\">\
             <div class=\"summary-row\"><dt>request_service</dt><dd>S &amp; co</dd></div>\
             <div class=\"summary-row\"><dt>request_agency</dt><dd>Agency</dd></div>\
             <div class=\"summary-row\"><dt>request_tracking_code</dt><dd dir=\"ltr\" class=\"code\">T&lt;1&gt;</dd></div>\
             <div class=\"summary-row\"><dt>request_status</dt><dd><span class=\"badge req-more_info\" id=\"request-status\">req_status_more_info</span></dd></div>\
             <div class=\"summary-row\"><dt>request_submitted_at</dt><dd>at 2026-01-01T00:00:00Z</dd></div></dl>\
             <h2>request_messages</h2><ul class=\"messages\" id=\"agency-messages\"><li><p>Send &lt;your&gt; address</p><p class=\"hint\">at t3</p></li></ul>"
        );
        let fresh = request_top(&r, true, &w);
        assert!(
            fresh.starts_with(
                "<div class=\"panel-confirmation\" role=\"status\"><h1>request_submitted</h1><p>request_your_code</p>\
                 <p class=\"tracking-code\" dir=\"ltr\" id=\"tracking-code\">T&lt;1&gt;</p></div><dl"
            ),
            "{fresh}"
        );
        assert_eq!(request_payments(&r, &w), "", "no payments: nothing");
        assert_eq!(
            fee_head(1_250_000, &w),
            "<h2 id=\"pay-fee-title\">pay_fee_title</h2><p>pay_fee_lead</p><p class=\"amount\" id=\"fee-amount\">#1250000 rials (#125000 toman)</p>"
        );
        assert_eq!(r.fee_due(), None, "not waiting for a fee");
        let waiting = RequestDetail {
            fee_rials: Some(5),
            summary: crate::requests::RequestSummary { status: "awaiting_payment".into(), ..r.summary.clone() },
            ..r.clone()
        };
        assert_eq!(waiting.fee_due(), Some(5));
        assert_eq!(
            request_record(&r, &w),
            "<h2>request_timeline</h2><ol class=\"timeline\" id=\"timeline\">\
             <li data-status=\"submitted\"><strong>req_status_submitted</strong> · <span>at t1</span></li>\
             <li data-status=\"more_info\"><strong>req_status_more_info</strong> · <span>at t2</span></li></ol>\
             <h2>request_window_asked</h2><ul class=\"inquiries\"><li>Address from Post at at t0</li></ul>\
             <h2>request_answers</h2><dl class=\"summary-list\"><div class=\"summary-row\"><dt>City</dt><dd>&lt;Tehran&gt;</dd></div></dl>"
        );
        // In Persian, Persian names.
        assert!(request_top(&r, false, &Keys(Lang::Fa)).contains("<dd>خدمت</dd>"));
    }

    #[test]
    fn a_payments_receipt_gives_its_state_the_way_on_and_its_refunds() {
        let p: Payment = serde_json::from_value(serde_json::json!({
            "id": "p1", "kind": "fee", "state": "success", "amount_rials": 1_250_000,
            "title": { "fa": "عوارض", "en": "Fee & more" }, "payee": { "fa": "پ", "en": "Police" },
            "reference": "RRN-1", "card": "6037-****-1234", "tracking_code": "T1",
            "created_at": "c", "paid_at": "p",
            "refunds": [{ "id": "f", "amount_rials": 10, "state": "refunded", "reason": { "fa": "د", "en": "Twice" }, "reference": "RF", "created_at": "c" }],
        }))
        .unwrap();
        let en = payment_receipt(&p, &Keys(Lang::En));
        assert_eq!(
            en,
            "<div class=\"panel-confirmation\" role=\"status\" id=\"payment-state\" data-state=\"success\"><h1>pay_receipt_title</h1><p>pay_lead_success</p></div>\
             <dl class=\"summary-list\" id=\"receipt\"><div class=\"summary-row\"><dt>pay_for</dt><dd>Fee &amp; more</dd></div>\
             <div class=\"summary-row\"><dt>pay_payee</dt><dd>Police</dd></div>\
             <div class=\"summary-row\"><dt>pay_amount</dt><dd id=\"receipt-amount\">#1250000 rials (#125000 toman)</dd></div>\
             <div class=\"summary-row\"><dt>pay_reference</dt><dd dir=\"ltr\" class=\"code\" id=\"receipt-reference\">RRN-1</dd></div>\
             <div class=\"summary-row\"><dt>pay_date</dt><dd>at p</dd></div>\
             <div class=\"summary-row\"><dt>pay_date_jalali</dt><dd>fa at p</dd></div>\
             <div class=\"summary-row\"><dt>pay_card</dt><dd dir=\"ltr\" class=\"code\">6037-****-1234</dd></div>\
             <div class=\"summary-row\"><dt>request_tracking_code</dt><dd dir=\"ltr\" class=\"code\">T1</dd></div></dl>\
             <h2>pay_refunds</h2><ul class=\"messages\" id=\"refunds\"><li data-state=\"refunded\"><p>#10 rials (#1 toman) back, RF</p><p class=\"hint\">Twice</p></li></ul>"
        );
        assert!(!payment_receipt(&p, &Keys(Lang::Fa)).contains("pay_date_jalali"), "in Persian the date is Persian already");
        let open =
            Payment { state: "pending".into(), payment_url: Some("https://psp/pay?t=1&x=\"".into()), paid_at: None, refunds: vec![], ..p };
        let page = payment_receipt(&open, &Keys(Lang::En));
        assert!(page.starts_with("<div class=\"panel\" role=\"status\" id=\"payment-state\" data-state=\"pending\"><h1>pay_state_pending</h1><p>pay_lead_pending</p></div>"), "{page}");
        assert!(
            page.contains("<p><a class=\"button\" id=\"continue-payment\" href=\"https://psp/pay?t=1&amp;x=&quot;\">pay_continue</a></p>"),
            "{page}"
        );
        assert!(!page.contains("pay_date") && !page.contains("refunds"));
    }
}
