//! A signed-in citizen's pages as painted for them: their records, read
//! as the API answers the app ([`PageData`]), in the shared markup
//! (`panjere_api::markup`), in Persian.

use panjere_api::markup;
use panjere_api::pages::Paint;

use super::{escape_html, heading, t, PageData, Persian};
use crate::catalog::Catalog;

/// The title and the inside of the page's wrap for one of a citizen's
/// pages (`fresh`: a request just submitted, `?new`); `None` where there
/// is nothing of theirs to paint.
pub(super) fn painted(paint: Paint, records: &PageData, catalog: &Catalog, fresh: bool) -> Option<(String, String)> {
    match paint {
        Paint::Payments => {
            let title = t("payments_title");
            let list = match records {
                PageData::Payments(p) if p.items.is_empty() => format!("<p class=\"empty\">{}</p>", escape_html(t("payments_none"))),
                PageData::Payments(p) => {
                    format!("<ul class=\"session-list\" id=\"payments\">{}</ul>", markup::payment_cards(&p.items, true, &Persian))
                }
                _ => String::new(),
            };
            Some((
                title.to_owned(),
                format!("{}<p><a class=\"button\" href=\"/pay\">{}</a></p>{list}", heading(title), escape_html(t("bill_title"))),
            ))
        }
        Paint::Inbox => {
            let title = t("inbox_title");
            let list = match records {
                PageData::Inbox(inbox) => format!("<div class=\"inbox-list\">{}</div>", markup::inbox_list(inbox, &Persian)),
                _ => String::new(),
            };
            Some((title.to_owned(), format!("{}{list}", heading(title))))
        }
        // Only read, the receipts' parts; what the citizen acts on between
        // them is the app's.
        Paint::Request => match records {
            PageData::Request(r) => {
                let top = markup::receipt::request_top(r, fresh, &Persian);
                // What the citizen acts on, inert until the app runs: the
                // answer the agency asked for, the fee to pay.
                let reply = if r.summary.status == "more_info" { markup::form::reply_form(&Persian) } else { String::new() };
                let fee = r.fee_due().map(|fee| markup::form::fee_panel(fee, &Persian)).unwrap_or_default();
                let payments = markup::receipt::request_payments(r, &Persian);
                let record = markup::receipt::request_record(r, &Persian);
                Some((
                    t("request_title").to_owned(),
                    format!(
                        "<div class=\"receipt-top\">{top}</div>{reply}{fee}<div class=\"receipt-payments\">{payments}</div><div class=\"receipt-record\">{record}</div>"
                    ),
                ))
            }
            _ => None,
        },
        Paint::Profile => {
            let title = t("profile_title");
            let details = match records {
                PageData::Profile(p) => {
                    format!("<div class=\"profile-details\">{}</div>", markup::profile::profile(p, &Persian.date(&p.birth_date), &Persian))
                }
                _ => String::new(),
            };
            Some((title.to_owned(), format!("{}{details}", heading(title))))
        }
        Paint::Offer => match records {
            PageData::Offer(o) => {
                let date = Persian.date(o.event_at.get(..10).unwrap_or_default());
                Some((
                    t("offer_title").to_owned(),
                    format!("<div class=\"offer-top\">{}</div>", markup::offer::offer_top(o, &date, &Persian)),
                ))
            }
            _ => None,
        },
        // The service, the step the citizen is at and its fields as saved,
        // inert until the app runs (a submitted one is the app's: it goes
        // on to the request; so is the review of the answers).
        Paint::Draft => match records {
            PageData::Draft(d) if d.request_id.is_none() => catalog.form(&d.service).map(|form| {
                let step = d.step.clamp(1, form.step_count() + 1);
                let head = markup::draft::draft_head(&d.service_name, form, step, &Persian);
                let fields = if step <= form.step_count() {
                    markup::form::draft_step(form, step, &d.values, &d.updated_at, &Persian)
                } else {
                    String::new()
                };
                (d.service_name.fa.clone(), format!("<div class=\"draft-head\">{head}</div>{fields}"))
            }),
            _ => None,
        },
        Paint::Payment => match records {
            PageData::Payment(p) => Some((
                t("pay_title").to_owned(),
                format!("<div class=\"receipt-top\">{}</div>", markup::receipt::payment_receipt(p, &Persian)),
            )),
            _ => None,
        },
        _ => None,
    }
}
