//! What the payment pages say: a payment's state, a bill's refusal, the
//! address that pays a bill, and whether a page should keep asking.

use panjere_api::payments::BillError;

use crate::i18n::Strings;

/// A payment's state in words (the shared markup's word for it).
pub fn payment_state_label(state: &str, t: &'static Strings) -> &'static str {
    super::labels::word_in(panjere_api::markup::pay_state_word(state), t)
}

/// Whether the page should ask again shortly (the state can still change,
/// or a refund is on its way).
pub fn payment_is_open(p: &panjere_api::payments::Payment) -> bool {
    !panjere_api::payments::is_final(&p.state) || p.refunds.iter().any(|r| r.state == "requested")
}

/// A bill's refusal in words.
pub fn bill_error_text(e: BillError, t: &Strings) -> &'static str {
    match e {
        BillError::BillIdFormat => t.bill_error_bill_id_format(),
        BillError::BillIdCheck => t.bill_error_bill_id_check(),
        BillError::BillKindUnknown => t.bill_error_bill_kind_unknown(),
        BillError::PaymentIdFormat => t.bill_error_payment_id_format(),
        BillError::PaymentIdCheck => t.bill_error_payment_id_check(),
        BillError::NothingDue => t.bill_error_nothing_due(),
    }
}

/// The same, from the server's code (`fields.<field>.code`).
pub fn bill_error_code_text(code: &str, t: &Strings) -> Option<&'static str> {
    let e = match code {
        "bill_id_format" => BillError::BillIdFormat,
        "bill_id_check" => BillError::BillIdCheck,
        "bill_kind_unknown" => BillError::BillKindUnknown,
        "payment_id_format" => BillError::PaymentIdFormat,
        "payment_id_check" => BillError::PaymentIdCheck,
        "nothing_due" => BillError::NothingDue,
        _ => return None,
    };
    Some(bill_error_text(e, t))
}

/// The page that pays a bill (or a fine) with its IDs filled in.
pub fn pay_bill_href(bill_id: &str, payment_id: &str) -> String {
    format!("/pay?bill_id={}&payment_id={}", crate::logic::encode(bill_id), crate::logic::encode(payment_id))
}

/// The payable bills in an inquiry's answer at `pointer`: (what, amount,
/// bill ID, payment ID) of each item that carries valid IDs.
pub fn bills_in(answer: &serde_json::Value, pointer: &str) -> Vec<(String, i64, String, String)> {
    let Some(items) = answer.pointer(pointer).and_then(serde_json::Value::as_array) else { return Vec::new() };
    items
        .iter()
        .filter_map(|f| {
            let text = |k: &str| f.get(k).and_then(serde_json::Value::as_str).map(str::to_owned);
            let (b, p) = (text("bill_id")?, text("payment_id")?);
            let bill = panjere_api::payments::parse_bill(&b, &p).ok()?;
            let what = text("offence").or_else(|| text("title")).unwrap_or_default();
            Some((what, bill.amount_rials, bill.bill_id, bill.payment_id))
        })
        .collect()
}
