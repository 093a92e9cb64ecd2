//! Drafts of applications, saved on the server as the citizen goes (so
//! they can return later, also from another device), and submitting one.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use panjere_api::forms::{check_form, FieldError, FieldType, FileValue, Form};
use panjere_api::requests::{Draft, DraftInput, Drafts, RequestDetail};
use panjere_api::{ErrorBody, ServiceKind};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{random_id, Citizen};
use crate::error::AppError;
use crate::requests::store::{DraftRow, RequestRow, Submitted};
use crate::state::AppState;

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
        values: serde_json::from_str(&d.data).unwrap_or_default(),
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
    Json(input): Json<DraftInput>,
) -> Result<(StatusCode, Json<Draft>), AppError> {
    let form = application_form(&state, &input.service)?;
    check_size(&input.values)?;
    let now = state.auth().clock.now();
    let row = DraftRow {
        id: random_id(),
        citizen: state.gateway().pseudonym(&citizen.data.national_code),
        service: input.service.clone(),
        data: serde_json::to_string(&input.values).unwrap_or_default(),
        step: i64::from(input.step.clamp(1, form.step_count())),
        created_at: now,
        updated_at: now,
        request_id: None,
    };
    state.requests().store.add_draft(&row).await?;
    Ok((StatusCode::CREATED, Json(to_draft(&state, &row, step_errors(form, &input)))))
}

/// The citizen's unsubmitted drafts.
#[utoipa::path(get, path = "/api/drafts", tag = "requests",
    responses((status = 200, description = "Drafts, last saved first", body = Drafts), (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn list(State(state): State<AppState>, citizen: Citizen) -> Result<Json<Drafts>, AppError> {
    let rows = state.requests().store.drafts(&state.gateway().pseudonym(&citizen.data.national_code)).await?;
    Ok(Json(Drafts { items: rows.iter().map(|d| to_draft(&state, d, BTreeMap::new())).collect() }))
}

async fn own_draft(state: &AppState, citizen: &Citizen, id: &str) -> Result<DraftRow, AppError> {
    state
        .requests()
        .store
        .draft(id, &state.gateway().pseudonym(&citizen.data.national_code))
        .await?
        .ok_or_else(|| AppError::NotFound { what: "draft", id: id.to_owned() })
}

#[utoipa::path(get, path = "/api/drafts/{id}", tag = "requests", params(("id" = String, Path)),
    responses((status = 200, description = "The draft", body = Draft), (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such draft of this citizen", body = ErrorBody)))]
async fn read(State(state): State<AppState>, citizen: Citizen, Path(id): Path<String>) -> Result<Json<Draft>, AppError> {
    let d = own_draft(&state, &citizen, &id).await?;
    Ok(Json(to_draft(&state, &d, BTreeMap::new())))
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
    Path(id): Path<String>,
    Json(input): Json<DraftInput>,
) -> Result<Json<Draft>, AppError> {
    check_size(&input.values)?;
    let d = own_draft(&state, &citizen, &id).await?;
    let form = application_form(&state, &d.service)?;
    let now = state.auth().clock.now();
    let data = serde_json::to_string(&input.values).unwrap_or_default();
    let step = i64::from(input.step.clamp(1, form.step_count()));
    if !state.requests().store.save_draft(&id, &d.citizen, &data, step, now).await? {
        return Err(AppError::NotFound { what: "draft", id });
    }
    let saved = DraftRow { data, step, updated_at: now, ..d };
    Ok(Json(to_draft(&state, &saved, step_errors(form, &input))))
}

#[utoipa::path(delete, path = "/api/drafts/{id}", tag = "requests", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 404, description = "No such draft of this citizen", body = ErrorBody)))]
async fn delete(State(state): State<AppState>, citizen: Citizen, Path(id): Path<String>) -> Result<StatusCode, AppError> {
    let pseudonym = state.gateway().pseudonym(&citizen.data.national_code);
    if state.requests().store.delete_draft(&id, &pseudonym).await? {
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
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<RequestDetail>), AppError> {
    let d = own_draft(&state, &citizen, &id).await?;
    let store = &state.requests().store;
    if let Some(existing) = &d.request_id {
        let r = store.request(existing).await?.ok_or_else(|| AppError::NotFound { what: "request", id: existing.clone() })?;
        return Ok((StatusCode::OK, Json(crate::routes::requests::detail(&state, &r).await?)));
    }
    let form = application_form(&state, &d.service)?;
    let values: BTreeMap<String, String> = serde_json::from_str(&d.data).unwrap_or_default();
    let (ok, mut errors) = check_form(form, &values, None);
    check_calendar(form, &ok, &mut errors);
    check_files(&state, form, &d.id, &ok, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::InvalidForm(errors));
    }
    let agency = state.catalog().service(&d.service).map(|s| s.agency.clone()).unwrap_or_default();
    let now = state.auth().clock.now();
    let mut last = sqlx::Error::RowNotFound;
    for _ in 0..5 {
        let row = RequestRow {
            id: random_id(),
            tracking_code: crate::requests::new_tracking_code(),
            draft_id: Some(d.id.clone()),
            citizen: d.citizen.clone(),
            national_code: citizen.data.national_code.clone(),
            service: d.service.clone(),
            agency: agency.clone(),
            data: serde_json::to_string(&ok).unwrap_or_default(),
            inquiries: None,
            status: "submitted".into(),
            agency_reference: None,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            created_at: now,
            updated_at: now,
            polled_at: 0,
            decided_at: None,
        };
        match store.submit(&row, &random_id()).await {
            Ok(Submitted::New(r)) => {
                state.requests().wake.notify_one();
                tracing::info!(request = %r.id, service = %r.service, "request submitted");
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
            Some(file) if !file.id.is_empty() => state.requests().store.file_meta(draft, &file.id).await?,
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
              (status = 413, description = "Larger than any form allows"),
              (status = 422, description = "invalid_form: file_type or file_size", body = ErrorBody)))]
async fn upload(
    State(state): State<AppState>,
    citizen: Citizen,
    Path((id, field)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<FileValue>, AppError> {
    let d = own_draft(&state, &citizen, &id).await?;
    let form = application_form(&state, &d.service)?;
    let f = form
        .fields
        .iter()
        .find(|f| f.name == field && matches!(f.kind, FieldType::File { .. }))
        .ok_or_else(|| AppError::NotFound { what: "file field", id: field.clone() })?;
    let text = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let mime = text("content-type").split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let name =
        percent_decode(&text("x-file-name")).chars().filter(|c| !c.is_control() && !matches!(c, '/' | '\\')).take(200).collect::<String>();
    let name = if name.trim().is_empty() { "file".to_owned() } else { name };
    let value = FileValue { id: String::new(), name, mime, size: body.len() as u64 };
    if let Err(e) = panjere_api::forms::check_field(f, &serde_json::to_string(&value).unwrap_or_default()) {
        return Err(AppError::InvalidForm([(field, e)].into()));
    }
    let stored = crate::requests::store::FileRow {
        id: random_id(),
        draft_id: d.id.clone(),
        field,
        name: value.name.clone(),
        mime: value.mime.clone(),
        size: body.len() as i64,
        content: body.to_vec(),
        created_at: state.auth().clock.now(),
    };
    state.requests().store.add_file(&stored).await?;
    Ok(Json(FileValue { id: stored.id, ..value }))
}

/// `%XX` sequences decoded (UTF-8, lossy).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn percent_decoding() {
        assert_eq!(super::percent_decode("%D8%B3%D9%86%D8%AF.pdf"), "سند.pdf");
        assert_eq!(super::percent_decode("a%2"), "a%2");
        assert_eq!(super::percent_decode("%zz%"), "%zz%");
        assert_eq!(super::percent_decode("plain"), "plain");
    }
}
