//! Drafts of applications, saved on the server as the citizen goes (so
//! they can return later, also from another device), and submitting one.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use panjere_api::forms::{check_form, FieldError, FieldType, FileValue, Form};
use panjere_api::requests::{Draft, DraftInput, Drafts, RequestDetail};
use panjere_api::{ErrorBody, ServiceKind};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::AppError;
use crate::rand::random_id;
use crate::requests::store::{DraftRow, NewRequest, RequestRow, Submitted};
use crate::routes::extract::{AppBytes, AppJson, AppPath, Citizen};
use crate::state::AppState;
use sqlx::types::Json as Stored;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(read, update, delete))
        .routes(routes!(submit))
        .routes(routes!(upload))
        // Files up to the largest a form allows (checked per field too).
        .layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD))
}

/// The largest upload any form may allow.
const MAX_UPLOAD: usize = 5 * 1024 * 1024;

/// Values as typed: at most 64 fields of at most 4 KiB each.
fn check_size(values: &BTreeMap<String, String>) -> Result<(), AppError> {
    if values.len() > 64 || values.iter().any(|(k, v)| k.len() > 64 || v.len() > 4096) {
        return Err(AppError::bad_parameter("values", "at most 64 fields of at most 4096 bytes"));
    }
    Ok(())
}

fn application_form<'a>(state: &'a AppState, service: &str) -> Result<&'a Form, AppError> {
    let s = state.catalog().service(service).ok_or_else(|| AppError::NotFound { what: "service", id: service.to_owned() })?;
    match (&s.form, s.kind) {
        (Some(f), ServiceKind::Application) => Ok(f),
        _ => Err(AppError::bad_parameter("service", "this service cannot be applied for through the window")),
    }
}

fn to_draft(state: &AppState, d: &DraftRow, errors: BTreeMap<String, FieldError>) -> Draft {
    Draft {
        id: d.id.clone(),
        service: d.service.clone(),
        service_name: state.catalog().service(&d.service).map(|s| s.name.clone()).unwrap_or_default(),
        values: d.data.0.clone(),
        step: d.step.max(1) as u32,
        updated_at: panjere_api::time::rfc3339(d.updated_at.max(0) as u64),
        errors,
        request_id: d.request_id.clone(),
    }
}

/// Server-side checks beyond the shared ones: Jalali dates against the
/// calendar (30 Esfand exists only in leap years).
fn check_calendar(form: &Form, values: &BTreeMap<String, String>, errors: &mut BTreeMap<String, FieldError>) {
    for f in form.fields.iter().filter(|f| f.kind == panjere_api::forms::FieldType::JalaliDate) {
        if let Some(v) = values.get(&f.name).filter(|v| !v.is_empty() && !errors.contains_key(&f.name)) {
            if crate::jalali::jalali_to_iso(v).is_err() {
                errors.insert(f.name.clone(), FieldError { code: "jalali_date".into(), min: None, max: None });
            }
        }
    }
}

fn step_errors(form: &Form, input: &DraftInput) -> BTreeMap<String, FieldError> {
    match input.check_step {
        Some(step) => {
            let (ok, mut errors) = check_form(form, &input.values, Some(&[step]));
            check_calendar(form, &ok, &mut errors);
            errors
        }
        None => BTreeMap::new(),
    }
}

/// Starts a draft of an application.
#[utoipa::path(post, path = "/api/drafts", tag = "requests", request_body = DraftInput,
    responses((status = 201, description = "The draft", body = Draft),
              (status = 400, description = "Not an application usable through the window, or values too large", body = ErrorBody),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such service", body = ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    citizen: Citizen,
    AppJson(input): AppJson<DraftInput>,
) -> Result<(StatusCode, Json<Draft>), AppError> {
    input.check_steps().map_err(AppError::BadBody)?;
    let form = application_form(&state, &input.service)?;
    check_size(&input.values)?;
    let now = state.clock().now();
    let row = DraftRow {
        id: random_id(),
        citizen: citizen.pseudonym().to_owned(),
        service: input.service.clone(),
        data: Stored(input.values.clone()),
        step: i64::from(input.step.clamp(1, form.step_count())),
        created_at: now,
        updated_at: now,
        request_id: None,
    };
    state.stores().requests.add_draft(&row).await?;
    Ok((StatusCode::CREATED, Json(to_draft(&state, &row, step_errors(form, &input)))))
}

/// The citizen's unsubmitted drafts.
#[utoipa::path(get, path = "/api/drafts", tag = "requests",
    responses((status = 200, description = "Drafts, last saved first", body = Drafts), (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn list(State(state): State<AppState>, citizen: Citizen) -> Result<Json<Drafts>, AppError> {
    let rows = state.stores().requests.drafts(citizen.pseudonym()).await?;
    Ok(Json(Drafts { items: rows.iter().map(|d| to_draft(&state, d, BTreeMap::new())).collect() }))
}

async fn own_draft(state: &AppState, citizen: &Citizen, id: &str) -> Result<DraftRow, AppError> {
    state.stores().requests.draft(id, citizen.pseudonym()).await?.ok_or_else(|| AppError::NotFound { what: "draft", id: id.to_owned() })
}

#[utoipa::path(get, path = "/api/drafts/{id}", tag = "requests", params(("id" = String, Path)),
    responses((status = 200, description = "The draft", body = Draft), (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such draft of this citizen", body = ErrorBody)))]
async fn read(State(state): State<AppState>, citizen: Citizen, AppPath(id): AppPath<String>) -> Result<Json<Draft>, AppError> {
    Ok(Json(draft_of(&state, &citizen, &id).await?))
}

/// The citizen's own draft `id` (another citizen's is not found).
pub async fn draft_of(state: &AppState, citizen: &Citizen, id: &str) -> Result<Draft, AppError> {
    let d = own_draft(state, citizen, id).await?;
    Ok(to_draft(state, &d, BTreeMap::new()))
}

/// Saves what the citizen typed (always, whatever its errors) and answers
/// the errors of `check_step`.
#[utoipa::path(put, path = "/api/drafts/{id}", tag = "requests", params(("id" = String, Path)), request_body = DraftInput,
    responses((status = 200, description = "Saved; `errors` for `check_step`", body = Draft),
              (status = 400, description = "Values too large", body = ErrorBody),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such draft of this citizen (or already submitted)", body = ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    citizen: Citizen,
    AppPath(id): AppPath<String>,
    AppJson(input): AppJson<DraftInput>,
) -> Result<Json<Draft>, AppError> {
    input.check_steps().map_err(AppError::BadBody)?;
    check_size(&input.values)?;
    let d = own_draft(&state, &citizen, &id).await?;
    let form = application_form(&state, &d.service)?;
    let now = state.clock().now();
    let step = i64::from(input.step.clamp(1, form.step_count()));
    if !state.stores().requests.save_draft(&id, &d.citizen, &input.values, step, now).await? {
        return Err(AppError::NotFound { what: "draft", id });
    }
    let saved = DraftRow { data: Stored(input.values.clone()), step, updated_at: now, ..d };
    Ok(Json(to_draft(&state, &saved, step_errors(form, &input))))
}

#[utoipa::path(delete, path = "/api/drafts/{id}", tag = "requests", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such draft of this citizen", body = ErrorBody)))]
async fn delete(State(state): State<AppState>, citizen: Citizen, AppPath(id): AppPath<String>) -> Result<StatusCode, AppError> {
    if state.stores().requests.delete_draft(&id, citizen.pseudonym()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound { what: "draft", id })
    }
}

/// Submits the draft: every field is checked, the request is stored with a
/// tracking code before anything is sent, and the window forwards it. A
/// draft submitted twice gives its one request.
#[utoipa::path(post, path = "/api/drafts/{id}/submit", tag = "requests", params(("id" = String, Path)),
    responses((status = 201, description = "The request, with its tracking code", body = RequestDetail),
              (status = 200, description = "Submitted before: the same request", body = RequestDetail),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such draft of this citizen", body = ErrorBody),
              (status = 422, description = "invalid_form: `fields` gives each field's error", body = ErrorBody)))]
async fn submit(
    State(state): State<AppState>,
    citizen: Citizen,
    AppPath(id): AppPath<String>,
) -> Result<(StatusCode, Json<RequestDetail>), AppError> {
    let d = own_draft(&state, &citizen, &id).await?;
    let store = &state.stores().requests;
    if let Some(existing) = &d.request_id {
        let r = store.request(existing).await?.ok_or_else(|| AppError::NotFound { what: "request", id: existing.clone() })?;
        return Ok((StatusCode::OK, Json(crate::routes::requests::detail(&state, &r).await?)));
    }
    let form = application_form(&state, &d.service)?;
    let (ok, mut errors) = check_form(form, &d.data, None);
    check_calendar(form, &ok, &mut errors);
    check_files(&state, form, &d.id, &ok, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::InvalidForm(errors));
    }
    let agency = state.catalog().service(&d.service).map(|s| s.agency.clone()).unwrap_or_default();
    // A fee is a step of the application: nothing is forwarded until paid.
    let fee = state.catalog().fee_rials(&d.service);
    let now = state.clock().now();
    let mut last = sqlx::Error::RowNotFound;
    for _ in 0..5 {
        let mut row = RequestRow::submitted(
            NewRequest {
                id: random_id(),
                tracking_code: crate::rand::tracking_code(),
                draft_id: Some(d.id.clone()),
                citizen: d.citizen.clone(),
                national_code: citizen.data.national_code.clone(),
                service: d.service.clone(),
                agency: agency.clone(),
                data: ok.clone(),
            },
            now,
        );
        if fee.is_some() {
            row.status = "awaiting_payment".into();
        }
        match store.submit(&row, &random_id()).await {
            Ok(Submitted::New(r)) if r.status == "awaiting_payment" => {
                tracing::info!(request = %r.id, service = %r.service, "request submitted; waiting for its fee");
                return Ok((StatusCode::CREATED, Json(crate::routes::requests::detail(&state, &r).await?)));
            }
            Ok(Submitted::New(r)) => {
                state.requests().submitted();
                tracing::info!(request = %r.id, service = %r.service, "request submitted");
                let r = if state.gateway().connection(&r.agency).decides.contains_key(&r.service) { decided(&state, r).await? } else { r };
                return Ok((StatusCode::CREATED, Json(crate::routes::requests::detail(&state, &r).await?)));
            }
            Ok(Submitted::Existing(r)) => return Ok((StatusCode::OK, Json(crate::routes::requests::detail(&state, &r).await?))),
            // A tracking code (or a concurrent submit) collided: look again.
            Err(e) => last = e,
        }
        if let Some(r) = store.draft(&d.id, &d.citizen).await?.and_then(|d| d.request_id) {
            let r = store.request(&r).await?.ok_or_else(|| AppError::NotFound { what: "request", id: r.clone() })?;
            return Ok((StatusCode::OK, Json(crate::routes::requests::detail(&state, &r).await?)));
        }
    }
    Err(AppError::Database(last))
}

/// A zero-touch service: its agency decides by rules as it receives the
/// request, so the answer waits (a few seconds at most) for the delivery
/// and carries the decision. Anything slower (the agency unreachable: the
/// request is queued) answers as any submission.
async fn decided(state: &AppState, r: RequestRow) -> Result<RequestRow, AppError> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut now = r;
    while now.status == "submitted" && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        now = state.stores().requests.request(&now.id).await?.unwrap_or(now);
    }
    // The agency's answer came in: it may have been recorded step by step.
    for _ in 0..10 {
        if !matches!(now.status.as_str(), "forwarded" | "in_review") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        now = state.stores().requests.request(&now.id).await?.unwrap_or(now);
    }
    Ok(now)
}

/// Every file field names a file uploaded to this draft, for that field.
async fn check_files(
    state: &AppState,
    form: &Form,
    draft: &str,
    values: &BTreeMap<String, String>,
    errors: &mut BTreeMap<String, FieldError>,
) -> Result<(), AppError> {
    for f in form.fields.iter().filter(|f| matches!(f.kind, FieldType::File { .. })) {
        let Some(v) = values.get(&f.name).filter(|v| !v.is_empty()) else { continue };
        let file: Option<FileValue> = serde_json::from_str(v).ok();
        let stored = match &file {
            Some(file) if !file.id.is_empty() => state.stores().requests.file_meta(draft, &file.id).await?,
            _ => None,
        };
        let matches = matches!((&file, &stored), (Some(file), Some((field, mime, size))) if *field == f.name && *mime == file.mime && *size as u64 == file.size);
        if !matches {
            errors.insert(f.name.clone(), FieldError { code: "file_missing".into(), min: None, max: None });
        }
    }
    Ok(())
}

/// Uploads a file for one of the draft's file fields: the body is the
/// file, `Content-Type` its type, `X-File-Name` its name (percent-encoded).
/// Type and size are checked against the field. Answers the value to put
/// in the field.
#[utoipa::path(post, path = "/api/drafts/{id}/files/{field}", tag = "requests",
    params(("id" = String, Path), ("field" = String, Path), ("X-File-Name" = String, Header, description = "The file's name, percent-encoded")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file, with its own Content-Type"),
    responses((status = 200, description = "Stored", body = FileValue),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such draft of this citizen, or no such file field", body = ErrorBody),
              (status = 408, description = "request_timeout: the file did not arrive in time", body = ErrorBody),
              (status = 413, description = "too_large: larger than any form allows", body = ErrorBody),
              (status = 422, description = "invalid_form: file_type, file_size, or file_content (the bytes are not of the declared type)", body = ErrorBody)))]
async fn upload(
    State(state): State<AppState>,
    citizen: Citizen,
    AppPath((id, field)): AppPath<(String, String)>,
    headers: axum::http::HeaderMap,
    AppBytes(body): AppBytes,
) -> Result<Json<FileValue>, AppError> {
    let d = own_draft(&state, &citizen, &id).await?;
    let form = application_form(&state, &d.service)?;
    let f = form
        .fields
        .iter()
        .find(|f| f.name == field && matches!(f.kind, FieldType::File { .. }))
        .ok_or_else(|| AppError::NotFound { what: "file field", id: field.clone() })?;
    let text = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let mime = crate::routes::extract::media_type(&headers).unwrap_or_default().into_owned();
    let name = panjere_api::url::decode(&text("x-file-name"))
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
        .take(200)
        .collect::<String>();
    let name = if name.trim().is_empty() { "file".to_owned() } else { name };
    let value = FileValue { id: String::new(), name, mime, size: body.len() as u64 };
    if let Err(e) = panjere_api::forms::check_field(f, &serde_json::to_string(&value).unwrap_or_default()) {
        return Err(AppError::InvalidForm([(field, e)].into()));
    }
    // The bytes must be what the type says (a program renamed .pdf is not a deed).
    if panjere_api::forms::sniff(&body) != Some(value.mime.as_str()) {
        return Err(AppError::InvalidForm([(field, panjere_api::forms::FieldError::code("file_content"))].into()));
    }
    let stored = crate::requests::store::FileRow {
        id: random_id(),
        draft_id: d.id.clone(),
        field,
        name: value.name.clone(),
        mime: value.mime.clone(),
        size: body.len() as i64,
        content: body.to_vec(),
        created_at: state.clock().now(),
    };
    state.stores().requests.add_file(&stored).await?;
    Ok(Json(FileValue { id: stored.id, ..value }))
}
