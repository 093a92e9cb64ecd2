//! The simulated payment service provider: a Shaparak-style internet
//! payment gateway. The merchant (the window) creates a payment (amount in
//! rials, its order id, its callback URL) and gets a token and the address
//! of the provider's own payment page; the citizen pays or cancels there
//! (or lets it expire, or closes the tab); the provider sends the browser
//! back to the callback URL with the outcome; the merchant must then
//! **verify** server to server (verify answers the amount charged and a
//! reference number; verifying again says "already verified"), then
//! **settle**, or **reverse** when something is wrong. A payment paid and
//! never verified is reversed by the provider after `reverse_after`, as
//! real gateways do. Refunds of settled payments are records of their own,
//! idempotent by the merchant's refund id.
//!
//! Faults (besides the common ones): `no_return`, `double_callback`,
//! `wrong_amount`, `verify_timeout` (see [`crate::faults::Faults`]).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::random;
use crate::ops::bad;
use crate::Agency;

/// How long a payment page stays open, and when an unverified payment is
/// reversed.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub page_ttl: Duration,
    pub reverse_after: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { page_ttl: Duration::from_secs(600), reverse_after: Duration::from_secs(1800) }
    }
}

/// One payment at the provider.
#[derive(Debug, Clone)]
pub struct Charge {
    pub token: String,
    pub order_id: String,
    /// Asked by the merchant.
    pub amount: i64,
    /// Taken from the card (differs under `wrong_amount`).
    pub charged: i64,
    pub callback_url: String,
    /// `pending`, `paid`, `cancelled`, `expired`, `verified`, `settled`,
    /// `reversed`.
    pub state: String,
    pub rrn: Option<String>,
    pub card: Option<String>,
    pub created: Instant,
    pub paid: Option<Instant>,
    /// How many times verify succeeded (the first time, or "already").
    pub verifications: u32,
    /// Refund id → (amount, reference).
    pub refunds: HashMap<String, (i64, String)>,
}

/// Every payment, by token.
#[derive(Debug, Default)]
pub struct Ledger {
    pub by_token: HashMap<String, Charge>,
}

impl Ledger {
    /// Lazy time: a page left too long expires; a payment paid and not
    /// verified in time is reversed (the money goes back to the card).
    fn age(&mut self, token: &str, s: Settings) -> Option<&mut Charge> {
        let c = self.by_token.get_mut(token)?;
        if c.state == "pending" && c.created.elapsed() > s.page_ttl {
            c.state = "expired".into();
        }
        if c.state == "paid" && c.paid.is_some_and(|p| p.elapsed() > s.reverse_after) {
            c.state = "reversed".into();
        }
        Some(c)
    }

    /// How many times the citizen's card was charged for `order_id` and
    /// not given back (what a test counts to prove "never twice").
    pub fn kept(&self, order_id: &str) -> i64 {
        self.by_token
            .values()
            .filter(|c| c.order_id == order_id && matches!(c.state.as_str(), "paid" | "verified" | "settled"))
            .map(|c| c.charged - c.refunds.values().map(|(a, _)| a).sum::<i64>())
            .sum()
    }
}

pub fn routes() -> Router<Arc<Agency>> {
    Router::new()
        .route("/v1/payments", post(create))
        .route("/v1/payments/{token}", get(inquire))
        .route("/v1/payments/{token}/verify", post(verify))
        .route("/v1/payments/{token}/settle", post(settle))
        .route("/v1/payments/{token}/reverse", post(reverse))
        .route("/v1/payments/{token}/refunds", post(refund))
        .route("/pay/{token}", get(page).post(act))
}

/// Whether `path` is the citizen's payment page (no merchant credential).
pub fn is_page(path: &str) -> bool {
    path.starts_with("/pay/")
}

fn ledger(a: &Agency) -> std::sync::MutexGuard<'_, Ledger> {
    a.ledger.lock().expect("ledger lock")
}

fn token() -> String {
    format!("{:016x}{:08x}", random(), random() as u32)
}

fn digits(n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + (random() % 10) as u8)).collect()
}

fn view(c: &Charge) -> Value {
    json!({ "token": c.token, "order_id": c.order_id, "amount": c.charged, "asked": c.amount, "state": c.state, "rrn": c.rrn, "card": c.card })
}

fn conflict(c: &Charge, what: &str) -> Response {
    (StatusCode::CONFLICT, Json(json!({ "error": what, "state": c.state }))).into_response()
}

fn not_found(token: &str) -> Response {
    (StatusCode::NOT_FOUND, Json(json!({ "error": format!("no payment {token}") }))).into_response()
}

#[derive(Deserialize)]
struct NewPayment {
    amount: String,
    order_id: String,
    callback_url: String,
}

/// `POST /v1/payments`: a token and the payment page's address. The same
/// order id answers the same payment (a retried creation).
async fn create(State(a): State<Arc<Agency>>, headers: HeaderMap, Json(n): Json<NewPayment>) -> Response {
    let Some(amount) = n.amount.parse::<i64>().ok().filter(|v| *v >= 1_000) else {
        return bad("amount must be whole rials, at least 1000");
    };
    if n.order_id.is_empty() || n.order_id.len() > 64 {
        return bad("order_id must be 1 to 64 characters");
    }
    if !(n.callback_url.starts_with("http://") || n.callback_url.starts_with("https://")) {
        return bad("callback_url must be an http(s) address");
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("127.0.0.1").to_owned();
    let mut l = ledger(&a);
    if let Some(c) = l.by_token.values().find(|c| c.order_id == n.order_id) {
        if c.amount != amount {
            return conflict(c, "this order id was created with another amount");
        }
        let url = format!("http://{host}/pay/{}", c.token);
        return Json(json!({ "token": c.token, "payment_url": url, "amount": c.amount })).into_response();
    }
    let t = token();
    let c = Charge {
        token: t.clone(),
        order_id: n.order_id,
        amount,
        charged: amount,
        callback_url: n.callback_url,
        state: "pending".into(),
        rrn: None,
        card: None,
        created: Instant::now(),
        paid: None,
        verifications: 0,
        refunds: HashMap::new(),
    };
    l.by_token.insert(t.clone(), c);
    tracing::info!(agency = a.id, token = %t, amount, "payment created");
    (StatusCode::CREATED, Json(json!({ "token": t, "payment_url": format!("http://{host}/pay/{t}"), "amount": amount }))).into_response()
}

/// `GET /v1/payments/{token}`: the payment's state at the provider.
async fn inquire(State(a): State<Arc<Agency>>, Path(t): Path<String>) -> Response {
    let s = a.psp;
    match ledger(&a).age(&t, s) {
        Some(c) => Json(view(c)).into_response(),
        None => not_found(&t),
    }
}

/// `POST /v1/payments/{token}/verify`: the amount charged and the
/// reference; "already verified" the second time. Under `verify_timeout`
/// the work is done and the answer never sent.
async fn verify(State(a): State<Arc<Agency>>, Path(t): Path<String>) -> Response {
    let s = a.psp;
    let answer = {
        let mut l = ledger(&a);
        let Some(c) = l.age(&t, s) else { return not_found(&t) };
        match c.state.as_str() {
            "paid" => {
                c.state = "verified".into();
                c.verifications += 1;
                Json(json!({ "amount": c.charged, "rrn": c.rrn, "card": c.card, "already_verified": false })).into_response()
            }
            "verified" | "settled" => {
                c.verifications += 1;
                Json(json!({ "amount": c.charged, "rrn": c.rrn, "card": c.card, "already_verified": true })).into_response()
            }
            _ => conflict(c, "not paid"),
        }
    };
    if a.faults.borrow().verify_timeout {
        std::future::pending::<()>().await;
    }
    answer
}

async fn settle(State(a): State<Arc<Agency>>, Path(t): Path<String>) -> Response {
    let s = a.psp;
    let mut l = ledger(&a);
    let Some(c) = l.age(&t, s) else { return not_found(&t) };
    match c.state.as_str() {
        "verified" | "settled" => {
            c.state = "settled".into();
            Json(view(c)).into_response()
        }
        _ => conflict(c, "only a verified payment can be settled"),
    }
}

/// Gives a paid or verified (not settled) payment back to the card.
async fn reverse(State(a): State<Arc<Agency>>, Path(t): Path<String>) -> Response {
    let s = a.psp;
    let mut l = ledger(&a);
    let Some(c) = l.age(&t, s) else { return not_found(&t) };
    match c.state.as_str() {
        "paid" | "verified" | "reversed" => {
            c.state = "reversed".into();
            tracing::info!(agency = a.id, token = %t, "payment reversed");
            Json(view(c)).into_response()
        }
        _ => conflict(c, "only a paid, unsettled payment can be reversed"),
    }
}

#[derive(Deserialize)]
struct NewRefund {
    refund_id: String,
    amount: String,
}

/// Refunds (part of) a settled payment; the same refund id answers the
/// same refund.
async fn refund(State(a): State<Arc<Agency>>, Path(t): Path<String>, Json(r): Json<NewRefund>) -> Response {
    let s = a.psp;
    let Some(amount) = r.amount.parse::<i64>().ok().filter(|v| *v > 0) else { return bad("amount must be whole rials") };
    let mut l = ledger(&a);
    let Some(c) = l.age(&t, s) else { return not_found(&t) };
    if let Some((amount, reference)) = c.refunds.get(&r.refund_id) {
        return Json(json!({ "refund_id": r.refund_id, "amount": amount, "reference": reference })).into_response();
    }
    if !matches!(c.state.as_str(), "verified" | "settled") {
        return conflict(c, "only a verified or settled payment can be refunded");
    }
    let refunded: i64 = c.refunds.values().map(|(a, _)| a).sum();
    if refunded + amount > c.charged {
        return conflict(c, "more than was paid");
    }
    let reference = format!("RF{}", digits(10));
    c.refunds.insert(r.refund_id.clone(), (amount, reference.clone()));
    Json(json!({ "refund_id": r.refund_id, "amount": amount, "reference": reference })).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn grouped(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn shell(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"fa\" dir=\"rtl\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;line-height:1.6}}\
         button{{font-size:1.1rem;padding:.7rem 1.2rem;margin:.3rem;min-width:8rem}}.amount{{font-size:1.4rem;font-weight:bold}}</style>\
         </head><body><main>{body}</main></body></html>"
    ))
}

/// `GET /pay/{token}`: the payment page.
async fn page(State(a): State<Arc<Agency>>, Path(t): Path<String>) -> Response {
    let s = a.psp;
    let mut l = ledger(&a);
    let Some(c) = l.age(&t, s) else {
        return (StatusCode::NOT_FOUND, shell("پرداخت یافت نشد", "<h1>پرداخت یافت نشد / Payment not found</h1>")).into_response();
    };
    if c.state != "pending" {
        let body = format!("<h1>این پرداخت دیگر باز نیست / This payment is no longer open</h1><p>{}</p>", escape(&c.state));
        return shell("درگاه پرداخت", &body).into_response();
    }
    let body = format!(
        "<h1>درگاه پرداخت شبیه‌سازی‌شده / Simulated payment gateway</h1>\
         <p>پذیرنده / Merchant: پنجره ملی خدمات دولت هوشمند</p>\
         <p>مبلغ / Amount: <span class=\"amount\" data-amount=\"{amount}\">{grouped} ریال / rials</span></p>\
         <p>شماره سفارش / Order: {order}</p>\
         <form method=\"post\" action=\"/pay/{token}\">\
         <label>شماره کارت / Card number <input name=\"card\" inputmode=\"numeric\" autocomplete=\"cc-number\" value=\"6037991234567890\"></label><br>\
         <button type=\"submit\" name=\"action\" value=\"pay\">پرداخت / Pay</button>\
         <button type=\"submit\" name=\"action\" value=\"cancel\">انصراف / Cancel</button></form>",
        amount = c.amount,
        grouped = grouped(c.amount),
        order = escape(&c.order_id),
        token = escape(&c.token),
    );
    shell("درگاه پرداخت", &body).into_response()
}

#[derive(Deserialize)]
struct Act {
    action: String,
    #[serde(default)]
    card: String,
}

/// `POST /pay/{token}`: the citizen pays or cancels; the browser is sent
/// back to the merchant with the outcome (unless the tab "closed").
async fn act(State(a): State<Arc<Agency>>, Path(t): Path<String>, Form(f): Form<Act>) -> Response {
    let s = a.psp;
    let faults = a.faults.borrow().clone();
    let back = {
        let mut l = ledger(&a);
        let Some(c) = l.age(&t, s) else {
            return (StatusCode::NOT_FOUND, shell("پرداخت یافت نشد", "<h1>Payment not found</h1>")).into_response();
        };
        if c.state == "pending" {
            match f.action.as_str() {
                "pay" => {
                    let card: String = f.card.chars().filter(char::is_ascii_digit).collect();
                    if card.len() != 16 {
                        return (
                            StatusCode::BAD_REQUEST,
                            shell("شماره کارت", "<h1>شماره کارت ۱۶ رقم است / A card number is 16 digits</h1>"),
                        )
                            .into_response();
                    }
                    c.state = "paid".into();
                    c.paid = Some(Instant::now());
                    c.charged = if faults.wrong_amount { c.amount + 10_000 } else { c.amount };
                    c.rrn = Some(digits(12));
                    c.card = Some(format!("{}******{}", &card[..6], &card[12..]));
                    tracing::info!(agency = a.id, token = %t, charged = c.charged, "paid");
                }
                "cancel" => c.state = "cancelled".into(),
                _ => return (StatusCode::BAD_REQUEST, shell("؟", "<h1>pay or cancel</h1>")).into_response(),
            }
        }
        let state = match c.state.as_str() {
            "paid" | "verified" | "settled" => "OK",
            "cancelled" => "CANCELED",
            "expired" => "EXPIRED",
            _ => "FAILED",
        };
        let sep = if c.callback_url.contains('?') { '&' } else { '?' };
        format!("{}{sep}token={}&state={state}&amount={}&rrn={}", c.callback_url, c.token, c.charged, c.rrn.clone().unwrap_or_default())
    };
    if faults.no_return {
        return shell("پرداخت انجام شد", "<h1>پرداخت انجام شد / Payment done</h1><p>You may close this page.</p>").into_response();
    }
    if faults.double_callback {
        let url = back.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(Duration::from_secs(5)).build();
            if let Ok(client) = client {
                let _ = client.get(url).send().await;
            }
        });
    }
    (StatusCode::SEE_OTHER, [(header::LOCATION, back)]).into_response()
}
