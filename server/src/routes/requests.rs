//! The citizen's requests, the public "track by code" page, the inbox and
//! "who used my data".

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use panjere_api::requests::{
    AgencyMessage, DataUse, DataUseItem, GivenAnswer, Inbox, InquiryRecord, Notification, ReplyRequest, RequestDetail, RequestSummary,
    Requests, TimelineEvent, TrackAnswer, Unread,
};
use panjere_api::{ErrorBody, Text};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::AuthError;
use crate::clock::rfc3339 as time;
use crate::error::AppError;
use crate::requests::store::RequestRow;
use crate::routes::extract::{AppJson, AppPath, AppQuery, Citizen, ClientAddress};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(one))
        .routes(routes!(reply))
        .routes(routes!(track))
        .routes(routes!(inbox))
        .routes(routes!(unread))
        .routes(routes!(read))
        .routes(routes!(data_use))
}

fn service_name(state: &AppState, id: &str) -> Text {
    state.catalog().service(id).map(|s| s.name.clone()).unwrap_or_else(|| Text { fa: id.to_owned(), en: id.to_owned() })
}

fn agency_name(state: &AppState, id: &str) -> Text {
    state.catalog().agency_name(id).cloned().unwrap_or_else(|| Text { fa: id.to_owned(), en: id.to_owned() })
}

pub fn summary(state: &AppState, r: &RequestRow) -> RequestSummary {
    RequestSummary {
        id: r.id.clone(),
        tracking_code: r.tracking_code.clone(),
        service: r.service.clone(),
        service_name: service_name(state, &r.service),
        agency_name: agency_name(state, &r.agency),
        status: r.status.clone(),
        created_at: time(r.created_at),
        updated_at: time(r.updated_at),
    }
}

async fn timeline(state: &AppState, id: &str) -> Result<Vec<TimelineEvent>, AppError> {
    Ok(state.stores().requests.events(id).await?.into_iter().map(|e| TimelineEvent { status: e.status, at: time(e.at) }).collect())
}

pub async fn detail(state: &AppState, r: &RequestRow) -> Result<RequestDetail, AppError> {
    let values = &r.data;
    let answers = state
        .catalog()
        .form(&r.service)
        .map(|form| {
            form.fields
                .iter()
                .filter_map(|f| {
                    let v = values.get(&f.name).map(String::as_str).filter(|v| !v.is_empty())?;
                    let value = panjere_api::forms::value_text(f, v);
                    Some(GivenAnswer { field: f.name.clone(), label: f.label.clone(), value })
                })
                .collect()
        })
        .unwrap_or_default();
    let inquiries = r
        .inquiries
        .iter()
        .flat_map(|done| done.iter())
        .filter(|i| i.ok)
        .map(|i| InquiryRecord { label: i.label.clone(), agency_name: agency_name(state, &i.agency), answered_at: i.answered_at.clone() })
        .collect();
    let messages =
        state.stores().requests.notices(&r.id).await?.into_iter().map(|(at, text)| AgencyMessage { at: time(at), text: text.0 }).collect();
    Ok(RequestDetail {
        summary: summary(state, r),
        answers,
        timeline: timeline(state, &r.id).await?,
        inquiries,
        agency_reference: r.agency_reference.clone(),
        messages,
        fee_rials: state.catalog().fee_rials(&r.service),
        payments: {
            let mut out = Vec::new();
            for p in state.payments().store.of_request(&r.id).await?.iter().filter(|p| p.token.is_some()) {
                out.push(crate::routes::payments::view(state, p).await?);
            }
            out
        },
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// Only requests with this status.
    status: Option<String>,
    /// Only requests for this service.
    service: Option<String>,
}

/// The citizen's requests, newest first.
#[utoipa::path(get, path = "/api/requests", tag = "requests", params(ListQuery),
    responses((status = 200, description = "Requests", body = Requests), (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn list(State(state): State<AppState>, citizen: Citizen, AppQuery(q): AppQuery<ListQuery>) -> Result<Json<Requests>, AppError> {
    let rows = state.stores().requests.requests_of(citizen.pseudonym()).await?;
    let items = rows
        .iter()
        .filter(|r| q.status.as_deref().is_none_or(|s| r.status == s))
        .filter(|r| q.service.as_deref().is_none_or(|s| r.service == s))
        .map(|r| summary(&state, r))
        .collect();
    Ok(Json(Requests { items }))
}

/// One of the citizen's requests: answers, the window's inquiries, timeline.
#[utoipa::path(get, path = "/api/requests/{id}", tag = "requests", params(("id" = String, Path)),
    responses((status = 200, description = "The request", body = RequestDetail), (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such request of this citizen", body = ErrorBody)))]
async fn one(State(state): State<AppState>, citizen: Citizen, AppPath(id): AppPath<String>) -> Result<Json<RequestDetail>, AppError> {
    Ok(Json(detail_of(&state, citizen.pseudonym(), &id).await?))
}

/// The citizen's own request `id` as its page shows it (another citizen's
/// is not found).
pub async fn detail_of(state: &AppState, pseudonym: &str, id: &str) -> Result<RequestDetail, AppError> {
    let r = state
        .stores()
        .requests
        .request_of(id, pseudonym)
        .await?
        .ok_or_else(|| AppError::NotFound { what: "request", id: id.to_owned() })?;
    detail(state, &r).await
}

/// The citizen's own request `id` (another citizen's is not found).
async fn own_request(state: &AppState, citizen: &Citizen, id: &str) -> Result<RequestRow, AppError> {
    state
        .stores()
        .requests
        .request_of(id, citizen.pseudonym())
        .await?
        .ok_or_else(|| AppError::NotFound { what: "request", id: id.to_owned() })
}

/// Answers the agency's request for more information: sent to the agency
/// at once (its answer is awaited), then the request is `answered`.
#[utoipa::path(post, path = "/api/requests/{id}/reply", tag = "requests", params(("id" = String, Path)), request_body = ReplyRequest,
    responses((status = 200, description = "Sent; the request as it is now", body = RequestDetail),
              (status = 400, description = "`text` is empty or longer than 480 characters", body = ErrorBody),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such request of this citizen", body = ErrorBody),
              (status = 409, description = "The request is not waiting for more information", body = ErrorBody),
              (status = 502, description = "The agency failed", body = ErrorBody),
              (status = 503, description = "The agency is unavailable: send it again later", body = ErrorBody)))]
async fn reply(
    State(state): State<AppState>,
    citizen: Citizen,
    AppPath(id): AppPath<String>,
    AppJson(body): AppJson<ReplyRequest>,
) -> Result<Json<RequestDetail>, AppError> {
    let r = own_request(&state, &citizen, &id).await?;
    let text = body.text.trim();
    let n = text.chars().count();
    if n == 0 || n > 480 || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AppError::bad_parameter("text", "write 1 to 480 characters, without control characters"));
    }
    if r.status != "more_info" {
        return Err(AppError::Conflict(format!("this request is {}, not waiting for more information", r.status)));
    }
    state.requests().reply(&r, text, state.clock().now()).await?;
    let r = own_request(&state, &citizen, &id).await?;
    Ok(Json(detail(&state, &r).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct TrackQuery {
    /// The applicant's national code (any digit script).
    national_code: String,
}

/// A request's status by tracking code and the applicant's national code:
/// status only, no personal data. Any mismatch is a plain 404.
#[utoipa::path(get, path = "/api/track/{tracking_code}", tag = "requests", params(("tracking_code" = String, Path), TrackQuery),
    responses((status = 200, description = "Status and timeline", body = TrackAnswer),
              (status = 400, description = "Not a tracking code, or not a national code", body = ErrorBody),
              (status = 404, description = "No request with this code and national code", body = ErrorBody),
              (status = 429, description = "Too many lookups from this address", body = ErrorBody)))]
async fn track(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    AppPath(code): AppPath<String>,
    AppQuery(q): AppQuery<TrackQuery>,
) -> Result<Json<TrackAnswer>, AppError> {
    state
        .auth()
        .limiter
        .hit(&format!("track:{address}"), state.clock().now(), 60, 600)
        .await
        .map_err(|retry_after_s| AuthError::RateLimited { retry_after_s })?;
    let code =
        panjere_api::tracking::parse(&code).ok_or_else(|| AppError::bad_parameter("tracking_code", "not a tracking code (check digit)"))?;
    let nc = panjere_api::ids::national_code(&q.national_code)
        .map_err(|_| AppError::bad_parameter("national_code", "not a valid national code"))?;
    let not_found = || AppError::NotFound { what: "request", id: code.clone() };
    let r = state.stores().requests.by_tracking_code(&code).await?.ok_or_else(not_found)?;
    if r.national_code != nc {
        return Err(not_found());
    }
    Ok(Json(TrackAnswer {
        tracking_code: r.tracking_code.clone(),
        service_name: service_name(&state, &r.service),
        status: r.status.clone(),
        updated_at: time(r.updated_at),
        timeline: timeline(&state, &r.id).await?,
    }))
}

/// Notifications: every status change of the citizen's requests.
#[utoipa::path(get, path = "/api/inbox", tag = "requests",
    responses((status = 200, description = "Newest first, with the unread count", body = Inbox), (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn inbox(State(state): State<AppState>, citizen: Citizen) -> Result<Json<Inbox>, AppError> {
    Ok(Json(inbox_of(&state, citizen.pseudonym()).await?))
}

/// The inbox of the citizen `pseudonym`: the answer above, and what the
/// server paints on `/inbox`.
pub async fn inbox_of(state: &AppState, pseudonym: &str) -> Result<Inbox, AppError> {
    let rows = state.stores().requests.notifications(pseudonym).await?;
    let mut items: Vec<(i64, Notification)> = rows
        .into_iter()
        .map(|n| {
            (
                n.created_at,
                Notification {
                    service_name: service_name(state, &n.service),
                    notice: n.notice.map(|t| t.0),
                    id: n.id,
                    request_id: n.request_id,
                    tracking_code: n.tracking_code,
                    status: n.status,
                    offer_id: None,
                    payment_id: None,
                    created_at: time(n.created_at),
                    read: n.read_at.is_some(),
                },
            )
        })
        .collect();
    // Offers and automatic deliveries, in the same list.
    for o in state.smart().store.offers_of(pseudonym).await? {
        let title =
            state.smart().rules.get(&o.rule).map(|r| r.title.clone()).unwrap_or_else(|| Text { fa: o.rule.clone(), en: o.rule.clone() });
        items.push((
            o.created_at,
            Notification {
                id: format!("offer-{}", o.id),
                request_id: String::new(),
                tracking_code: o.tracking_code.clone().unwrap_or_default(),
                service_name: title,
                status: "offer".to_owned(),
                offer_id: Some(o.id.clone()),
                payment_id: None,
                notice: None,
                created_at: time(o.created_at),
                read: o.seen_at.is_some(),
            },
        ));
    }
    // Receipts of successful payments and their refunds (read: the citizen
    // paid them themself).
    for p in state.payments().store.of_citizen(pseudonym).await? {
        let tracking_code = match &p.request_id {
            Some(r) => state.stores().requests.request(r).await?.map(|r| r.tracking_code).unwrap_or_default(),
            None => String::new(),
        };
        let item = |status: &str, at: i64| Notification {
            id: format!("{status}-{}", p.id),
            request_id: p.request_id.clone().unwrap_or_default(),
            tracking_code: tracking_code.clone(),
            service_name: p.title.0.clone(),
            status: status.to_owned(),
            offer_id: None,
            payment_id: Some(p.id.clone()),
            notice: None,
            created_at: time(at),
            read: true,
        };
        if let (Some(at), "success") = (p.paid_at, p.state.as_str()) {
            items.push((at, item("paid", at)));
        }
        for f in state.payments().store.refunds_of(&p.id).await? {
            if let Some(at) = f.refunded_at {
                items.push((at, item("refunded", at)));
            }
        }
    }
    items.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let items: Vec<Notification> = items.into_iter().map(|(_, n)| n).collect();
    Ok(Inbox { unread: items.iter().filter(|n| !n.read).count() as u32, items })
}

/// The unread count alone, for the header on every page.
#[utoipa::path(get, path = "/api/inbox/unread", tag = "requests",
    responses((status = 200, description = "How many notifications are unread", body = Unread), (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn unread(State(state): State<AppState>, citizen: Citizen) -> Result<Json<Unread>, AppError> {
    let rows = state.stores().requests.notifications(citizen.pseudonym()).await?;
    let offers = state.smart().store.unseen(citizen.pseudonym()).await?;
    let unread = rows.iter().filter(|n| n.read_at.is_none()).count() as u64 + offers;
    Ok(Json(Unread { unread: unread as u32 }))
}

#[utoipa::path(post, path = "/api/inbox/{id}/read", tag = "requests", params(("id" = String, Path)),
    responses((status = 204, description = "Marked read"), (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 403, description = "cross_site", body = ErrorBody),
              (status = 404, description = "No such notification of this citizen", body = ErrorBody)))]
async fn read(State(state): State<AppState>, citizen: Citizen, AppPath(id): AppPath<String>) -> Result<StatusCode, AppError> {
    if let Some(offer) = id.strip_prefix("offer-") {
        let known = state.smart().store.offer(offer).await?.is_some_and(|o| o.citizen == citizen.pseudonym());
        if known {
            state.smart().store.mark_seen(offer, citizen.pseudonym(), state.clock().now()).await?;
            return Ok(StatusCode::NO_CONTENT);
        }
        return Err(AppError::NotFound { what: "notification", id });
    }
    if state.stores().requests.mark_read(&id, citizen.pseudonym(), state.clock().now()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound { what: "notification", id })
    }
}

/// Every call the window made about the citizen, from the audit log: which
/// agency's data was read, on whose behalf, for which request, when.
#[utoipa::path(get, path = "/api/me/data-use", tag = "requests",
    responses((status = 200, description = "Newest first", body = DataUse), (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn data_use(State(state): State<AppState>, citizen: Citizen) -> Result<Json<DataUse>, AppError> {
    state.stores().audit.flush().await;
    let pseudonym = citizen.pseudonym();
    let store = &state.stores().requests;
    let rows = store.data_use(pseudonym, 500).await?;
    let mut items = Vec::with_capacity(rows.len());
    // Many calls share a request (sign-in, a request's inquiries): look
    // each one up once.
    let mut codes: std::collections::HashMap<String, (Option<String>, Option<Text>)> = std::collections::HashMap::new();
    for u in rows {
        let (tracking_code, offer_title) = match codes.get(&u.request_id) {
            Some(c) => c.clone(),
            None => {
                let c = store.request(&u.request_id).await?.filter(|r| r.citizen == *pseudonym).map(|r| r.tracking_code);
                // A read made to decide or pre-fill a proactive offer.
                let offer = match c {
                    Some(_) => None,
                    None => state.smart().store.offer(&u.request_id).await?.filter(|o| o.citizen == *pseudonym),
                };
                let title = offer.as_ref().map(|o| state.smart().title(&o.rule));
                let found = (c.or_else(|| offer.and_then(|o| o.tracking_code)), title);
                codes.insert(u.request_id.clone(), found.clone());
                found
            }
        };
        items.push(DataUseItem {
            at: u.at,
            agency_name: agency_name(&state, &u.agency),
            operation: u.operation,
            requested_by_name: u.requested_by.as_deref().map(|a| agency_name(&state, a)),
            tracking_code,
            offer_title,
            outcome: u.outcome,
        });
    }
    Ok(Json(DataUse { items }))
}
