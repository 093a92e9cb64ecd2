//! Paying through the window: a request's fee, a bill or a fine by its IDs;
//! the citizen's payments and receipts; the return from the provider's
//! page; a fresh one-time code before paying a large amount.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use panjere_api::auth::CodeSent;
use panjere_api::payments::{BillKind, BillPayment, FeePayment, Payment, Payments, Reauth, Refund};
use panjere_api::{ErrorBody, Text};
use serde::Deserialize;
use tower_sessions::Session;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::AuthError;
use crate::clock::rfc3339 as time;
use crate::error::AppError;
use crate::payments::store::PaymentRow;
use crate::payments::{NewPayment, StartError};
use crate::routes::extract::{AppJson, AppPath, AppQuery, Citizen};
use crate::state::AppState;

/// Where the provider sends the citizen back (no session: it is a
/// navigation from the provider's site).
pub const RETURN_PATH: &str = "/api/payments/return";

/// Session keys of the re-authentication.
const REAUTH_CHALLENGE: &str = "reauth_challenge";
const REAUTH_AT: &str = "reauth_at";

/// The routes that use the citizen's session.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(pay_fee))
        .routes(routes!(pay_bill))
        .routes(routes!(list))
        .routes(routes!(one))
        .routes(routes!(reauth_code))
        .routes(routes!(reauth))
}

/// The provider's return (no session).
pub fn public_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(back))
}

fn payee_name(state: &AppState, payee: &str) -> Text {
    if let Some(kind) = payee.strip_prefix("bill:") {
        let kind = serde_json::from_value::<BillKind>(serde_json::json!(kind)).ok();
        if let Some(k) = kind {
            return k.name();
        }
    }
    state
        .catalog()
        .agency_name(payee)
        .cloned()
        .or_else(|| state.gateway().registry().agencies.get(payee).and_then(|a| a.name.clone()))
        .unwrap_or_else(|| Text { fa: payee.to_owned(), en: payee.to_owned() })
}

/// A payment as the citizen sees it, with its refunds.
pub async fn view(state: &AppState, p: &PaymentRow) -> Result<Payment, AppError> {
    let refunds = state
        .payments()
        .store
        .refunds_of(&p.id)
        .await?
        .into_iter()
        .map(|f| Refund {
            id: f.id,
            amount_rials: f.amount,
            state: f.state,
            reason: f.reason.0,
            reference: f.reference,
            created_at: time(f.created_at),
            refunded_at: f.refunded_at.map(time),
        })
        .collect();
    let tracking_code = match &p.request_id {
        Some(r) => state.stores().requests.request(r).await?.map(|r| r.tracking_code),
        None => None,
    };
    Ok(Payment {
        id: p.id.clone(),
        kind: p.kind.clone(),
        state: p.state.clone(),
        amount_rials: p.amount,
        title: p.title.0.clone(),
        payee: payee_name(state, &p.payee),
        request_id: p.request_id.clone(),
        tracking_code,
        bill_id: p.bill_id.clone(),
        payment_id: p.payment_id.clone(),
        payment_url: (p.state == "pending").then(|| p.payment_url.clone()).flatten(),
        reference: p.reference.clone(),
        card: p.card.clone(),
        created_at: time(p.created_at),
        paid_at: p.paid_at.map(time),
        refunds,
    })
}

/// The address the provider sends the citizen back to.
fn return_url(state: &AppState, headers: &HeaderMap) -> String {
    let base = match &state.payments().settings.public_url {
        Some(u) => u.clone(),
        None => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("127.0.0.1");
            format!("http://{host}")
        }
    };
    format!("{base}{RETURN_PATH}")
}

/// Paying more than the configured amount needs a fresh one-time code.
async fn check_fresh(state: &AppState, citizen: &Citizen, amount: i64) -> Result<(), AppError> {
    let s = &state.payments().settings;
    if amount <= s.reauth_above_rials {
        return Ok(());
    }
    let at = citizen.session.get::<i64>(REAUTH_AT).await?.unwrap_or(i64::MIN);
    if state.clock().now().saturating_sub(at) > s.reauth_valid_s {
        return Err(AuthError::ReauthRequired.into());
    }
    Ok(())
}

fn key(k: &str) -> Result<String, AppError> {
    let ok = !k.is_empty() && k.len() <= 64 && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| k.to_owned()).ok_or_else(|| AppError::bad_parameter("idempotency_key", "1 to 64 letters, digits, '-' or '_'"))
}

async fn start(state: &AppState, headers: &HeaderMap, n: NewPayment) -> Result<(StatusCode, Json<Payment>), AppError> {
    match state.payments().start(n, &return_url(state, headers)).await {
        Ok(p) => Ok((StatusCode::CREATED, Json(view(state, &p).await?))),
        Err(StartError::Unavailable) => Err(AppError::PaymentUnavailable),
        Err(StartError::Refused(m)) => Err(AppError::Conflict(format!("the payment provider refused the payment: {m}"))),
        Err(StartError::Database(e)) => Err(e.into()),
    }
}

/// Pays a request's fee: answers the payment with the provider's page
/// (`payment_url`) to send the citizen to. The request is forwarded once
/// the payment is verified. The same idempotency key answers the same
/// payment.
#[utoipa::path(post, path = "/api/requests/{id}/payment", tag = "payments", params(("id" = String, Path)), request_body = FeePayment,
    responses((status = 201, description = "The payment, pending at the provider's page", body = Payment),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 403, description = "reauth_required: paying this much needs a fresh one-time code (POST /api/me/reauth)", body = ErrorBody),
              (status = 404, description = "No such request of this citizen", body = ErrorBody),
              (status = 409, description = "conflict: the request does not wait for a fee (paid already, or none)", body = ErrorBody),
              (status = 503, description = "payment_unavailable: the payment provider did not answer; nothing was charged", body = ErrorBody)))]
async fn pay_fee(
    State(state): State<AppState>,
    citizen: Citizen,
    headers: HeaderMap,
    AppPath(id): AppPath<String>,
    AppJson(req): AppJson<FeePayment>,
) -> Result<(StatusCode, Json<Payment>), AppError> {
    let idempotency_key = key(&req.idempotency_key)?;
    let r = state
        .stores()
        .requests
        .request_of(&id, citizen.pseudonym())
        .await?
        .ok_or_else(|| AppError::NotFound { what: "request", id: id.clone() })?;
    let amount = state.catalog().fee_rials(&r.service).ok_or_else(|| AppError::Conflict("this service has no fee to pay".into()))?;
    if r.status != "awaiting_payment" {
        return Err(AppError::Conflict(format!("this request does not wait for its fee (it is {})", r.status)));
    }
    check_fresh(&state, &citizen, amount).await?;
    let name = state
        .catalog()
        .service(&r.service)
        .map(|s| s.name.clone())
        .unwrap_or_else(|| Text { fa: r.service.clone(), en: r.service.clone() });
    let title = Text {
        fa: format!("هزینه {} (کد رهگیری {})", name.fa, r.tracking_code),
        en: format!("Fee for {} (tracking code {})", name.en, r.tracking_code),
    };
    let n = NewPayment {
        citizen: citizen.pseudonym().to_owned(),
        national_code: citizen.data.national_code.clone(),
        idempotency_key,
        kind: "fee",
        request_id: Some(r.id.clone()),
        payee: r.agency.clone(),
        title,
        bill: None,
        amount,
    };
    start(&state, &headers, n).await
}

/// Pays a bill, or a traffic fine, by its bill ID and payment ID (checked
/// by their mod-11 check digits; the amount is the payment ID's).
#[utoipa::path(post, path = "/api/payments/bills", tag = "payments", request_body = BillPayment,
    responses((status = 201, description = "The payment, pending at the provider's page", body = Payment),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 403, description = "reauth_required: paying this much needs a fresh one-time code (POST /api/me/reauth)", body = ErrorBody),
              (status = 409, description = "conflict: this bill is paid already", body = ErrorBody),
              (status = 422, description = "invalid_form: `fields` names bill_id or payment_id and why (bill_id_check, payment_id_check, …)", body = ErrorBody),
              (status = 503, description = "payment_unavailable: the payment provider did not answer; nothing was charged", body = ErrorBody)))]
async fn pay_bill(
    State(state): State<AppState>,
    citizen: Citizen,
    headers: HeaderMap,
    AppJson(req): AppJson<BillPayment>,
) -> Result<(StatusCode, Json<Payment>), AppError> {
    let idempotency_key = key(&req.idempotency_key)?;
    let bill = panjere_api::payments::parse_bill(&req.bill_id, &req.payment_id).map_err(|e| {
        AppError::InvalidForm([(e.field().to_owned(), panjere_api::forms::FieldError::code(e.code()))].into_iter().collect())
    })?;
    let paid = state.payments().store.of_citizen(citizen.pseudonym()).await?;
    if paid
        .iter()
        .any(|p| p.state == "success" && p.bill_id.as_deref() == Some(&bill.bill_id) && p.payment_id.as_deref() == Some(&bill.payment_id))
    {
        return Err(AppError::Conflict("this bill is paid already (see your payments)".into()));
    }
    check_fresh(&state, &citizen, bill.amount_rials).await?;
    let kind_name = bill.kind.name();
    let title = Text {
        fa: format!("{} — شناسه قبض {}", kind_name.fa, bill.bill_id),
        en: format!("{} — bill ID {}", kind_name.en, bill.bill_id),
    };
    let kind_id = serde_json::to_value(bill.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let (kind, payee) =
        if bill.kind == BillKind::TrafficFine { ("fine", "traffic-police".to_owned()) } else { ("bill", format!("bill:{kind_id}")) };
    let n = NewPayment {
        citizen: citizen.pseudonym().to_owned(),
        national_code: citizen.data.national_code.clone(),
        idempotency_key,
        kind,
        request_id: None,
        payee,
        title,
        bill: Some((bill.bill_id, bill.payment_id)),
        amount: bill.amount_rials,
    };
    start(&state, &headers, n).await
}

/// The citizen's payments, newest first, with their receipts and refunds.
#[utoipa::path(get, path = "/api/payments", tag = "payments",
    responses((status = 200, description = "Payments", body = Payments), (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn list(State(state): State<AppState>, citizen: Citizen) -> Result<Json<Payments>, AppError> {
    Ok(Json(Payments { items: of_citizen(&state, citizen.pseudonym()).await? }))
}

/// The payments of the citizen `pseudonym`, newest first: the list above,
/// and what the server paints on `/payments`.
pub async fn of_citizen(state: &AppState, pseudonym: &str) -> Result<Vec<Payment>, AppError> {
    let mut items = Vec::new();
    // Attempts that never reached the provider (it did not answer; nothing
    // could be charged) are not payments to show.
    for p in state.payments().store.of_citizen(pseudonym).await?.iter().filter(|p| p.token.is_some()) {
        items.push(view(state, p).await?);
    }
    Ok(items)
}

/// One payment: its state, and once successful its receipt (amount,
/// reference number, date, what it paid for) and any refund.
#[utoipa::path(get, path = "/api/payments/{id}", tag = "payments", params(("id" = String, Path)),
    responses((status = 200, description = "The payment", body = Payment), (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such payment of this citizen", body = ErrorBody)))]
async fn one(State(state): State<AppState>, citizen: Citizen, AppPath(id): AppPath<String>) -> Result<Json<Payment>, AppError> {
    Ok(Json(one_of(&state, citizen.pseudonym(), &id).await?))
}

/// The citizen's own payment `id` (another citizen's is not found).
pub async fn one_of(state: &AppState, pseudonym: &str, id: &str) -> Result<Payment, AppError> {
    let p = state
        .payments()
        .store
        .payment(id)
        .await?
        .filter(|p| p.citizen == pseudonym)
        .ok_or_else(|| AppError::NotFound { what: "payment", id: id.to_owned() })?;
    view(state, &p).await
}

/// What the provider adds to the return address; only the token is used
/// (the outcome it reports is never trusted: the window asks and verifies).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct BackQuery {
    /// The provider's token of the payment.
    token: String,
    /// The outcome the provider reports (not trusted).
    #[allow(dead_code)]
    state: Option<String>,
    #[allow(dead_code)]
    amount: Option<String>,
    #[allow(dead_code)]
    rrn: Option<String>,
}

/// The citizen comes back from the provider's page: the window asks the
/// provider, verifies the payment server to server (the amount must be the
/// one asked), then sends the citizen to the payment's page. Safe to
/// arrive twice.
#[utoipa::path(get, path = "/api/payments/return", tag = "payments", params(BackQuery),
    responses((status = 303, description = "To the payment's page in the window (`/payments/{id}`)"),
              (status = 404, description = "No payment with this token", body = ErrorBody)))]
async fn back(State(state): State<AppState>, AppQuery(q): AppQuery<BackQuery>) -> Result<Response, AppError> {
    let p = state.payments().store.by_token(&q.token).await?.ok_or_else(|| AppError::NotFound { what: "payment", id: q.token.clone() })?;
    // Bounded: a provider that does not answer leaves the payment to the
    // sweeper, and the page says "checking with the bank".
    let _ = tokio::time::timeout(std::time::Duration::from_secs(8), state.payments().resolve(&p.id)).await;
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, format!("/payments/{}", p.id))]).into_response())
}

/// Sends a fresh one-time code to the signed-in citizen's mobile, for
/// paying more than the configured amount.
#[utoipa::path(post, path = "/api/me/reauth/code", tag = "payments",
    responses((status = 200, description = "A code was sent", body = CodeSent), (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 429, description = "rate_limited (see retry_after_s)", body = ErrorBody),
              (status = 503, description = "The SMS gateway is unavailable", body = ErrorBody)))]
async fn reauth_code(State(state): State<AppState>, citizen: Citizen) -> Result<Json<CodeSent>, AppError> {
    let now = state.clock().now();
    let id = crate::routes::auth::send_code(&state, &citizen.data.mobile, citizen.pseudonym(), now).await?;
    citizen.session.insert(REAUTH_CHALLENGE, id).await?;
    Ok(Json(crate::routes::auth::code_sent(&state, &citizen.data.mobile)))
}

/// Checks the fresh code: paying above the amount is allowed for a few
/// minutes after.
#[utoipa::path(post, path = "/api/me/reauth", tag = "payments", request_body = Reauth,
    responses((status = 204, description = "Confirmed"), (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 400, description = "code_format, code_wrong (see attempts_left) or code_expired", body = ErrorBody),
              (status = 409, description = "No code was sent for this session", body = ErrorBody),
              (status = 429, description = "code_locked (see retry_after_s)", body = ErrorBody)))]
async fn reauth(State(state): State<AppState>, citizen: Citizen, AppJson(req): AppJson<Reauth>) -> Result<StatusCode, AppError> {
    let now = state.clock().now();
    let session: &Session = &citizen.session;
    let challenge = session.get::<String>(REAUTH_CHALLENGE).await?.ok_or(AuthError::NoPendingSignIn)?;
    let code = panjere_api::auth::one_time_code(&req.code).ok_or(AuthError::CodeFormat)?;
    let c = crate::routes::auth::check_code(&state, &challenge, &code, now).await?;
    if c.citizen != citizen.pseudonym() {
        return Err(AuthError::NoPendingSignIn.into());
    }
    session.remove_value(REAUTH_CHALLENGE).await?;
    session.insert(REAUTH_AT, now).await?;
    tracing::info!(citizen = %citizen.pseudonym(), "re-authenticated");
    Ok(StatusCode::NO_CONTENT)
}
