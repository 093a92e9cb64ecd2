//! Paying through the window: service fees, fines and bills.
//!
//! Iranian bills are paid by **bill ID** (شناسه قبض) and **payment ID**
//! (شناسه پرداخت), both checked with the banks' standard mod-11 check digits
//! (the "coordinated electronic bill payment" scheme of the banks'
//! informatics commission):
//! - the bill ID is the subscriber's file number, the biller's 3-digit
//!   company code, the 1-digit bill type and one check digit over the rest;
//! - the payment ID is the amount in thousands of rials, one digit of the
//!   year, two of the period, a first check digit over those, and a second
//!   over the bill ID followed by the payment ID up to it.
//!
//! A check digit: the digits from the right weighted 2, 3, 4, 5, 6, 7, 2, …;
//! the sum's remainder modulo 11; 0 when it is 0 or 1, else 11 − remainder.

use serde::{Deserialize, Serialize};

use crate::Text;

/// The states of a payment, in order. `created`: recorded, the provider
/// not yet asked; `pending`: at the provider's payment page; `verifying`:
/// the provider says paid and the window is verifying it; `reversing`:
/// verification showed a problem (another amount) and the money is being
/// given back. The rest are final.
pub const STATES: &[&str] = &["created", "pending", "verifying", "reversing", "success", "failed", "cancelled", "expired", "reversed"];

/// Whether a payment's state can no longer change.
pub fn is_final(state: &str) -> bool {
    matches!(state, "success" | "failed" | "cancelled" | "expired" | "reversed")
}

/// The states of a refund.
pub const REFUND_STATES: &[&str] = &["requested", "refunded"];

/// The check digit of `digits` (ASCII digits only).
pub fn check_digit(digits: &str) -> u8 {
    let sum: u32 = digits.bytes().rev().zip([2u32, 3, 4, 5, 6, 7].iter().cycle()).map(|(d, w)| u32::from(d - b'0') * w).sum();
    match sum % 11 {
        0 | 1 => 0,
        r => (11 - r) as u8,
    }
}

/// What a bill is for: the type digit of its bill ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BillKind {
    Water,
    Electricity,
    Gas,
    FixedPhone,
    Mobile,
    Municipality,
    Tax,
    TrafficFine,
}

impl BillKind {
    pub fn from_digit(d: u8) -> Option<BillKind> {
        Some(match d {
            1 => BillKind::Water,
            2 => BillKind::Electricity,
            3 => BillKind::Gas,
            4 => BillKind::FixedPhone,
            5 => BillKind::Mobile,
            6 => BillKind::Municipality,
            8 => BillKind::Tax,
            9 => BillKind::TrafficFine,
            _ => return None,
        })
    }

    pub fn digit(self) -> u8 {
        match self {
            BillKind::Water => 1,
            BillKind::Electricity => 2,
            BillKind::Gas => 3,
            BillKind::FixedPhone => 4,
            BillKind::Mobile => 5,
            BillKind::Municipality => 6,
            BillKind::Tax => 8,
            BillKind::TrafficFine => 9,
        }
    }

    pub fn name(self) -> Text {
        let (fa, en) = match self {
            BillKind::Water => ("قبض آب", "Water bill"),
            BillKind::Electricity => ("قبض برق", "Electricity bill"),
            BillKind::Gas => ("قبض گاز", "Gas bill"),
            BillKind::FixedPhone => ("قبض تلفن ثابت", "Landline bill"),
            BillKind::Mobile => ("قبض تلفن همراه", "Mobile phone bill"),
            BillKind::Municipality => ("عوارض شهرداری", "Municipal charges"),
            BillKind::Tax => ("مالیات", "Tax"),
            BillKind::TrafficFine => ("جریمه رانندگی", "Traffic fine"),
        };
        Text { fa: fa.into(), en: en.into() }
    }
}

/// A bill read from its two IDs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bill {
    pub bill_id: String,
    pub payment_id: String,
    pub kind: BillKind,
    /// The biller's company code.
    pub company: String,
    /// Derived from the payment ID.
    pub amount_rials: i64,
}

/// Why a bill's IDs are refused: the field and a code the client words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillError {
    /// Not 6 to 13 digits.
    BillIdFormat,
    BillIdCheck,
    /// A type digit no biller uses.
    BillKindUnknown,
    PaymentIdFormat,
    PaymentIdCheck,
    /// The payment ID says nothing is due.
    NothingDue,
}

impl BillError {
    /// The form field at fault.
    pub fn field(self) -> &'static str {
        match self {
            BillError::BillIdFormat | BillError::BillIdCheck | BillError::BillKindUnknown => "bill_id",
            _ => "payment_id",
        }
    }

    /// A stable code (the client's locale key is `bill_error_<code>`).
    pub fn code(self) -> &'static str {
        match self {
            BillError::BillIdFormat => "bill_id_format",
            BillError::BillIdCheck => "bill_id_check",
            BillError::BillKindUnknown => "bill_kind_unknown",
            BillError::PaymentIdFormat => "payment_id_format",
            BillError::PaymentIdCheck => "payment_id_check",
            BillError::NothingDue => "nothing_due",
        }
    }

    /// For API clients (the citizen's wording is in the app's locales).
    pub fn message(self) -> &'static str {
        match self {
            BillError::BillIdFormat => "a bill ID is 6 to 13 digits",
            BillError::BillIdCheck => "this bill ID's check digit is wrong: check it against the bill",
            BillError::BillKindUnknown => "this bill ID names no known kind of bill",
            BillError::PaymentIdFormat => "a payment ID is 6 to 13 digits",
            BillError::PaymentIdCheck => "this payment ID does not belong to this bill ID (its check digits are wrong)",
            BillError::NothingDue => "this payment ID says nothing is due",
        }
    }
}

/// Persian and Arabic digits to ASCII, spaces and dashes dropped (as a
/// citizen may type or paste them).
fn digits(s: &str) -> String {
    crate::normalize::ascii_digits(s).chars().filter(|c| !matches!(c, ' ' | '-' | '\u{200c}')).collect()
}

/// Reads and checks a bill's two IDs; the amount comes from the payment ID.
pub fn parse_bill(bill_id: &str, payment_id: &str) -> Result<Bill, BillError> {
    let b = digits(bill_id);
    // Leading zeros are not part of either ID (banks print payment IDs
    // padded to 13 digits; the check digits are over the number).
    let p = digits(payment_id).trim_start_matches('0').to_owned();
    let b = b.trim_start_matches('0').to_owned();
    if !(6..=13).contains(&b.len()) || !b.bytes().all(|c| c.is_ascii_digit()) {
        return Err(BillError::BillIdFormat);
    }
    let (body, check) = b.split_at(b.len() - 1);
    if check_digit(body) != check.as_bytes()[0] - b'0' {
        return Err(BillError::BillIdCheck);
    }
    let kind = BillKind::from_digit(body.as_bytes()[body.len() - 1] - b'0').ok_or(BillError::BillKindUnknown)?;
    let company = body[body.len() - 4..body.len() - 1].to_owned();
    if !(6..=13).contains(&p.len()) || !p.bytes().all(|c| c.is_ascii_digit()) {
        return Err(BillError::PaymentIdFormat);
    }
    let (pbody, c2) = p.split_at(p.len() - 1);
    let (pfirst, c1) = pbody.split_at(pbody.len() - 1);
    if check_digit(pfirst) != c1.as_bytes()[0] - b'0' || check_digit(&format!("{b}{pbody}")) != c2.as_bytes()[0] - b'0' {
        return Err(BillError::PaymentIdCheck);
    }
    let thousands: i64 = p[..p.len() - 5].parse().unwrap_or(0);
    if thousands == 0 {
        return Err(BillError::NothingDue);
    }
    Ok(Bill { bill_id: b.clone(), payment_id: p, kind, company, amount_rials: thousands * 1000 })
}

/// Issues a bill's IDs (what a biller does): `file` the subscriber's
/// number, `company` three digits, `amount_rials` a whole number of
/// thousands, `year` one digit, `period` two.
pub fn make_bill(file: u64, company: u16, kind: BillKind, amount_rials: i64, year: u8, period: u8) -> (String, String) {
    let body = format!("{file}{company:03}{}", kind.digit());
    let bill = format!("{body}{}", check_digit(&body));
    let first = format!("{}{}{:02}", amount_rials / 1000, year % 10, period % 100);
    let with_c1 = format!("{first}{}", check_digit(&first));
    let payment = format!("{with_c1}{}", check_digit(&format!("{bill}{with_c1}")));
    (bill, payment)
}

/// Rials as toman (the unit most citizens think in).
pub fn toman(rials: i64) -> i64 {
    rials / 10
}

/// `POST /api/payments/bills`: pay a bill (or a fine) by its IDs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BillPayment {
    pub bill_id: String,
    pub payment_id: String,
    /// The same key for the same intent: a retried creation answers the
    /// payment created the first time.
    pub idempotency_key: String,
}

/// `POST /api/requests/{id}/payment`: pay a request's fee.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FeePayment {
    pub idempotency_key: String,
}

/// A refund of a payment: its own record and state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Refund {
    pub id: String,
    pub amount_rials: i64,
    /// `requested`, then `refunded`.
    pub state: String,
    /// Why (the application was rejected, …).
    pub reason: Text,
    /// The provider's reference, once refunded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refunded_at: Option<String>,
}

/// One payment attempt, and its receipt once successful.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    pub id: String,
    /// `fee` (a request's), `bill` or `fine`.
    pub kind: String,
    /// One of [`STATES`].
    pub state: String,
    /// Integer rials.
    pub amount_rials: i64,
    /// What it pays for.
    pub title: Text,
    /// The agency (or biller) paid.
    pub payee: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// While pending: the provider's payment page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_url: Option<String>,
    /// Once paid: the provider's reference number (RRN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Once paid: the card, masked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<String>,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<String>,
    #[serde(default)]
    pub refunds: Vec<Refund>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payments {
    pub items: Vec<Payment>,
}

/// `POST /api/me/reauth`: a fresh one-time code, for paying more than
/// the configured amount.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Reauth {
    pub code: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published examples (the persian-tools test suites and the banks'
    /// scheme as they implement it): amounts in rials.
    #[test]
    fn published_bills_are_read() {
        let b = parse_bill("1117753200140", "12070160").unwrap();
        assert_eq!((b.amount_rials, b.kind, b.company.as_str()), (120_000, BillKind::FixedPhone, "001"));
        assert_eq!(parse_bill("1177809000142", "570108").unwrap().amount_rials, 5_000);
        assert_eq!(parse_bill("7748317800142", "1770160").unwrap().amount_rials, 17_000);
        assert_eq!(parse_bill("2050327604613", "1070189").unwrap().amount_rials, 10_000);
        let e = parse_bill("9985235404124", "0000880000568").unwrap();
        assert_eq!((e.amount_rials, e.kind, e.company.as_str()), (8_800_000, BillKind::Electricity, "041"));
    }

    #[test]
    fn bill_types_come_from_the_bill_id() {
        for (id, kind) in
            [("7748317800142", BillKind::FixedPhone), ("9174639504124", BillKind::Electricity), ("2050327604613", BillKind::Water)]
        {
            let body = &id[..id.len() - 1];
            assert_eq!(check_digit(body), id.as_bytes()[id.len() - 1] - b'0', "{id}");
            assert_eq!(BillKind::from_digit(body.as_bytes()[body.len() - 1] - b'0'), Some(kind), "{id}");
        }
        // Published as a mobile bill's type example; its check digit is not
        // right, so it is refused rather than read.
        assert_eq!(parse_bill("9100074409151", "12908190"), Err(BillError::BillIdCheck));
    }

    #[test]
    fn wrong_ids_are_refused_with_their_field() {
        // One digit changed in the bill ID: its own check digit fails.
        assert_eq!(parse_bill("1117753200150", "12070160"), Err(BillError::BillIdCheck));
        // A published bill ID with another bill's payment ID.
        assert_eq!(parse_bill("9985235404124", "12070160"), Err(BillError::PaymentIdCheck));
        // The amount changed in the payment ID (a wrong amount cannot pass).
        assert_eq!(parse_bill("1117753200140", "13070160"), Err(BillError::PaymentIdCheck));
        assert_eq!(parse_bill("12a45", "12070160"), Err(BillError::BillIdFormat));
        assert_eq!(parse_bill("1117753200140", "123"), Err(BillError::PaymentIdFormat));
        assert_eq!(BillError::PaymentIdCheck.field(), "payment_id");
        assert_eq!(BillError::BillIdCheck.field(), "bill_id");
        // A type digit no biller has (7).
        let body = "11177532007";
        let id = format!("{body}{}", check_digit(body));
        assert_eq!(parse_bill(&id, "12070160"), Err(BillError::BillKindUnknown));
    }

    #[test]
    fn persian_digits_and_spaces_are_read() {
        assert_eq!(parse_bill("۱۱۱۷۷۵۳۲۰۰۱۴۰", "۱۲۰ ۷۰۱۶۰").unwrap().amount_rials, 120_000);
    }

    #[test]
    fn issued_bills_check_and_carry_their_amount() {
        for (file, amount) in [(1_234_567u64, 2_000_000i64), (88, 500_000), (99_999_999, 1_000)] {
            let (b, p) = make_bill(file, 207, BillKind::TrafficFine, amount, 5, 9);
            let bill = parse_bill(&b, &p).unwrap();
            assert_eq!((bill.amount_rials, bill.kind), (amount, BillKind::TrafficFine));
        }
        assert_eq!(make_bill(11177532, 0, BillKind::Water, 0, 0, 0).0.len(), 13);
        assert_eq!(toman(120_000), 12_000);
        assert!(is_final("reversed") && !is_final("verifying"));
    }
}
