//! The top of a proactive offer's page (`/offers/:id`), as the server
//! paints it on a direct visit and the app renders it: what it is, why,
//! where it stands and what the window read for it. Its parts (what the
//! citizen fills in and accepts) are the app's.

use super::{element, fill, Word, Words};
use crate::smart::Offer;

/// The word for an offer's status.
pub fn offer_status_word(status: &str) -> Word {
    match status {
        "open" => Word::OfferStatusOpen,
        "accepted" => Word::OfferStatusAccepted,
        "declined" => Word::OfferStatusDeclined,
        "expired" => Word::OfferStatusExpired,
        _ => Word::OfferStatusDelivered,
    }
}

/// The inside of `<div class="offer-top">`. `event_date`: the day of the
/// event in the reader's calendar (the browser's `Intl`, ICU on the
/// server).
pub fn offer_top(o: &Offer, event_date: &str, w: &dyn Words) -> String {
    let lang = w.lang();
    let mut out = String::with_capacity(1500);
    element(&mut out, "h1", "", o.title.get(lang));
    let because = fill(
        w.word(Word::OfferBecause),
        &[("event", o.event_name.get(lang)), ("agency", o.event_agency_name.get(lang)), ("date", event_date)],
    );
    element(&mut out, "p", " class=\"lead\" id=\"offer-because\"", &because);
    out.push_str("<p>");
    let badge = format!(" class=\"badge offer-{}\" id=\"offer-status\"", super::escape_html(&o.status));
    element(&mut out, "span", &badge, w.word(offer_status_word(&o.status)));
    out.push_str("</p>");
    if o.mode == "automatic" {
        element(&mut out, "p", "", w.word(Word::OfferAutomatic));
    }
    if let Some(code) = &o.tracking_code {
        out.push_str("<p>");
        super::push_escaped(&mut out, w.word(Word::OfferBundleCode));
        out.push(' ');
        element(&mut out, "span", " class=\"tracking-code\" dir=\"ltr\" id=\"bundle-code\"", code);
        out.push_str("</p>");
    }
    if o.status != "open" && o.pending > 0 {
        let pending = fill(w.word(Word::OfferPending), &[("n", &w.num(u64::from(o.pending)))]);
        element(&mut out, "p", " role=\"status\" id=\"offer-pending\"", &pending);
    }
    element(&mut out, "h2", "", w.word(Word::OfferReads));
    out.push_str("<ul class=\"inquiries\" id=\"offer-reads\">");
    for r in &o.reads {
        element(
            &mut out,
            "li",
            "",
            &fill(w.word(Word::OfferReadItem), &[("what", r.label.get(lang)), ("agency", r.agency_name.get(lang))]),
        );
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::markup::test_words::Fixed as Keys;

    #[test]
    fn an_offer_says_what_why_where_it_stands_and_what_was_read() {
        let o: Offer = serde_json::from_value(serde_json::json!({
            "id": "o1", "title": { "fa": "ت", "en": "Your child & you" }, "mode": "consent", "status": "open",
            "event": "birth", "event_name": { "fa": "ت", "en": "a birth" }, "event_agency_name": { "fa": "ث", "en": "Registry" },
            "event_at": "2026-12-01T10:00:00Z", "created_at": "c", "expires_at": "e", "parts": [], "pending": 0, "timeline": [],
            "reads": [{ "label": { "fa": "ا", "en": "<Birth>" }, "agency_name": { "fa": "ب", "en": "Registry" } }],
        }))
        .unwrap();
        assert_eq!(
            offer_top(&o, "1 Dec", &Keys),
            "<h1>Your child &amp; you</h1><p class=\"lead\" id=\"offer-because\">a birth at Registry on 1 Dec</p>\
             <p><span class=\"badge offer-open\" id=\"offer-status\">offer_status_open</span></p>\
             <h2>offer_reads</h2><ul class=\"inquiries\" id=\"offer-reads\"><li>&lt;Birth&gt; (Registry)</li></ul>"
        );
        let delivered = Offer { mode: "automatic".into(), status: "delivered".into(), tracking_code: Some("B-1".into()), pending: 2, ..o };
        let top = offer_top(&delivered, "1 Dec", &Keys);
        assert!(
            top.contains(
                "<p>offer_automatic</p><p>offer_bundle_code <span class=\"tracking-code\" dir=\"ltr\" id=\"bundle-code\">B-1</span></p>"
            ),
            "{top}"
        );
        assert!(top.contains("<p role=\"status\" id=\"offer-pending\">#2 waiting</p>"), "{top}");
        assert_eq!(offer_status_word("accepted"), Word::OfferStatusAccepted);
    }
}
