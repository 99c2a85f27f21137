//! The application form's posts and a document's file (plain routes, server
//! only). The forms are multipart because they carry the documents — the
//! family's (`APPLY_SEND`), the counter's (`COUNTER_APPLY_SEND`, staff for a
//! household) and a document added to an open line (`LINE_DOCUMENT_ADD`);
//! they work without JavaScript, and answer as the server functions do: a
//! browser goes on (303) or back to the form with `?error=` — an apply form
//! also with `?draft=`, the token of what was typed (`ui::drafts`), so the
//! form comes back filled in; any other caller gets the status (a refused
//! file is 4xx with its key).

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::api::documents::{add_documents, open_document};
use super::api::{
    APPLY_DRAFT, ApplyDraft, ApplyLine, after_counter_application, counter_draft, keep_draft,
    submit_at_counter_with_documents,
};
use super::documents::kind_of_field;
use crate::answer::{error_json, form_error, see_other, wants_html};
use crate::error::{AppError, ErrorKey};
use crate::identity::Ctx;
use crate::identity::session::{SessionUser, client_address};
use crate::paths::{
    APPLY_PAGE, APPLY_SEND, COUNTER_APPLY_SEND, FAMILIES_PAGE, HOUSEHOLD_FILE_PAGE,
    LINE_DOCUMENT_ADD, LINE_DOCUMENT_FILES, MY_APPLICATIONS_PAGE,
};
use crate::photos::documents::{Disposition, MAX_DOCUMENT_PHOTO_BYTES, file_response};
use crate::state::AppState;

/// At most this many files in one form (each type asks for a few).
const MAX_FILES: usize = 12;

/// The whole form: a few files at their cap, and the text around them.
const BODY_LIMIT: usize = 3 * MAX_DOCUMENT_PHOTO_BYTES + 256 * 1024;

/// The longest text of a field kept in a draft (the form asks for less).
const DRAFT_TEXT: usize = 2000;

/// The routes of the application forms' posts and their documents.
pub fn routes() -> Router<AppState> {
    let limit = || axum::extract::DefaultBodyLimit::max(BODY_LIMIT);
    Router::new()
        .route(APPLY_SEND, post(send_application).layer(limit()))
        .route(
            COUNTER_APPLY_SEND,
            post(send_counter_application).layer(limit()),
        )
        .route(LINE_DOCUMENT_ADD, post(add_document).layer(limit()))
        .route(&format!("{LINE_DOCUMENT_FILES}/{{id}}"), get(document))
}

/// The request's context, as `serve` builds it for a server function.
fn context(
    state: AppState,
    peer: SocketAddr,
    session: Option<axum::Extension<SessionUser>>,
    headers: &HeaderMap,
) -> Ctx {
    let client_ip = client_address(peer.ip(), headers, &state.settings.trusted_proxies).to_string();
    Ctx {
        state,
        user: session.map(|axum::Extension(s)| s.user),
        client_ip,
    }
}

/// A file past its cap: the message goes beside its input.
fn too_large(field: &str) -> AppError {
    AppError::validation(field, ErrorKey::DocumentTooLarge)
}

/// What a form carries. A form refused while it is read (a file past its
/// cap, too many files) is still read to its end, so that what was typed
/// after the file is kept in the draft too.
#[derive(Default)]
struct Form {
    submission_key: String,
    household_id: Option<i64>,
    line_id: Option<i64>,
    lines: Vec<ApplyLine>,
    files: Vec<(i64, Vec<u8>)>,
    /// The kinds a file was sent for (to choose again when refused).
    sent: Vec<i64>,
    /// Why the form is refused already.
    refused: Option<AppError>,
}

/// What an apply form submits (its key, lines and files), unless reading it
/// already refused it; what was typed stays for the draft.
type Submitted = (String, Vec<ApplyLine>, Vec<(i64, Vec<u8>)>);

impl Form {
    fn submission(&mut self) -> Result<Submitted, AppError> {
        match self.refused.take() {
            Some(error) => Err(error),
            None => Ok((
                self.submission_key.clone(),
                self.lines.clone(),
                std::mem::take(&mut self.files),
            )),
        }
    }
}

impl Form {
    /// The line at `index` of the form (`lines[<index>][…]`), made as needed.
    fn line(&mut self, index: usize) -> Option<&mut ApplyLine> {
        if index >= 64 {
            return None;
        }
        while self.lines.len() <= index {
            self.lines.push(ApplyLine::default());
        }
        self.lines.get_mut(index)
    }

    fn set_text(&mut self, name: &str, value: String) {
        match name {
            "submission_key" => {
                self.submission_key = value;
                return;
            }
            "household_id" => self.household_id = value.trim().parse().ok(),
            "line_id" => self.line_id = value.trim().parse().ok(),
            _ => {}
        }
        let Some((index, field)) = name
            .strip_prefix("lines[")
            .and_then(|rest| rest.split_once("]["))
            .and_then(|(i, f)| Some((i.parse::<usize>().ok()?, f.strip_suffix(']')?)))
        else {
            return;
        };
        let Some(line) = self.line(index) else {
            return;
        };
        match field {
            "assistance_type_id" => line.assistance_type_id = value.trim().parse().unwrap_or(0),
            "chosen" => line.chosen = Some(value),
            "description" => line.description = value,
            "amount" => line.amount = Some(value),
            _ => {}
        }
    }

    fn refuse(&mut self, error: AppError) {
        self.refused.get_or_insert(error);
    }

    /// The lines as typed, for a draft (each text cut to a bound).
    fn typed(&self) -> Vec<ApplyLine> {
        let cut = |s: &str| s.chars().take(DRAFT_TEXT).collect::<String>();
        self.lines
            .iter()
            .map(|l| ApplyLine {
                assistance_type_id: l.assistance_type_id,
                chosen: l.chosen.as_deref().map(cut),
                description: cut(&l.description),
                amount: l.amount.as_deref().map(cut),
            })
            .collect()
    }
}

/// Reads the form; each file is refused past its cap while reading (never
/// buffered whole first). An empty file input sends an empty part: skipped.
async fn read_form(mut multipart: Multipart) -> Form {
    let mut form = Form::default();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            // Past the body's limit, or not a form: what came so far is kept.
            Err(_) => {
                form.refuse(too_large("document"));
                break;
            }
        };
        let Some(name) = field.name().map(str::to_string) else {
            continue;
        };
        if let Some(kind_id) = kind_of_field(&name) {
            let mut bytes = Vec::new();
            let mut cut = false;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) if cut => drop(chunk),
                    Ok(Some(chunk)) if bytes.len() + chunk.len() > MAX_DOCUMENT_PHOTO_BYTES => {
                        cut = true;
                        bytes = Vec::new();
                        form.refuse(too_large(&name));
                    }
                    Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                    Ok(None) => break,
                    Err(_) => {
                        form.refuse(too_large(&name));
                        cut = true;
                        break;
                    }
                }
            }
            if cut {
                form.sent.push(kind_id);
            } else if !bytes.is_empty() {
                form.sent.push(kind_id);
                if form.files.len() >= MAX_FILES {
                    form.refuse(AppError::BadRequest);
                } else {
                    form.files.push((kind_id, bytes));
                }
            }
        } else {
            match field.text().await {
                Ok(text) => form.set_text(&name, text),
                Err(_) => form.refuse(AppError::BadRequest),
            }
        }
    }
    form.lines.retain(|l| l.assistance_type_id > 0);
    form
}

/// Reads the request's form, or refuses a request that is not one.
async fn form_of(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Form {
    match multipart {
        Ok(multipart) => read_form(multipart).await,
        Err(_) => Form {
            refused: Some(AppError::BadRequest),
            ..Form::default()
        },
    }
}

/// A refused apply form sent back to `page` (its address without a query)
/// with the error and, when the person can fix it, a draft of what was
/// typed (kept under `draft_name`): the field refused, its message and the
/// files to choose again.
async fn refused_form(
    ctx: &Ctx,
    error: AppError,
    page: &str,
    draft_name: &str,
    form: &Form,
) -> Response {
    let fixable = error.status() < 500
        && !matches!(error, AppError::Unauthorized | AppError::Forbidden)
        && ctx.user.is_some();
    if !fixable {
        return form_error(error, &format!("{page}?"));
    }
    let draft = ApplyDraft {
        lines: form.typed(),
        field: match &error {
            AppError::Validation { field, .. } => Some(ApplyDraft::field_of(&form.lines, field)),
            _ => None,
        },
        error: Some(error.key()),
        files: form.sent.clone(),
    };
    let back = match keep_draft(ctx, draft_name, &draft).await {
        Some(token) => format!("{page}?draft={token}&"),
        None => format!("{page}?"),
    };
    form_error(error, &back)
}

/// `POST /applications/send`: the family's application form with its documents.
async fn send_application(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Option<axum::Extension<SessionUser>>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let ctx = context(state, peer, session, &headers);
    if let Err(error) = ctx.user() {
        return answer(error, &headers, APPLY_PAGE);
    }
    let mut form = form_of(multipart).await;
    let result = match form.submission() {
        Ok((key, lines, files)) => super::api::submit_with_documents(&ctx, key, lines, files).await,
        Err(error) => Err(error),
    };
    match (result, wants_html(&headers)) {
        (Ok(()), true) => see_other(&format!("{MY_APPLICATIONS_PAGE}?submitted=1")),
        (Ok(()), false) => StatusCode::CREATED.into_response(),
        (Err(error), true) => refused_form(&ctx, error, APPLY_PAGE, APPLY_DRAFT, &form).await,
        (Err(error), false) => error_json(error),
    }
}

/// `POST /applications/counter/send`: staff's application for a household
/// at the counter, with the documents the family brought (the same checks,
/// caps and messages as the family's form; stored as uploaded by the staff
/// member, audited `application_made_at_counter`).
async fn send_counter_application(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Option<axum::Extension<SessionUser>>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let ctx = context(state, peer, session, &headers);
    if let Err(error) = ctx.user() {
        return answer(error, &headers, FAMILIES_PAGE);
    }
    let mut form = form_of(multipart).await;
    let Some(household_id) = form.household_id else {
        return answer(AppError::BadRequest, &headers, FAMILIES_PAGE);
    };
    let result = match form.submission() {
        Ok((key, lines, files)) => {
            submit_at_counter_with_documents(&ctx, household_id, key, lines, files).await
        }
        Err(error) => Err(error),
    };
    let page = format!("{HOUSEHOLD_FILE_PAGE}/{household_id}/apply");
    match (result, wants_html(&headers)) {
        (Ok(application), true) => see_other(&after_counter_application(household_id, application)),
        (Ok(_), false) => StatusCode::CREATED.into_response(),
        (Err(error), true) => {
            let draft = counter_draft(household_id);
            refused_form(&ctx, error, &page, &draft, &form).await
        }
        (Err(error), false) => error_json(error),
    }
}

/// `POST /applications/add-document`: the family adds documents to one of
/// its open lines; back to "my applications", which shows it or says why not.
async fn add_document(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Option<axum::Extension<SessionUser>>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let ctx = context(state, peer, session, &headers);
    let result = async {
        ctx.user()?;
        let mut form = form_of(multipart).await;
        if let Some(error) = form.refused.take() {
            return Err(error);
        }
        let line_id = form.line_id.ok_or(AppError::BadRequest)?;
        add_documents(&ctx, line_id, form.files).await?;
        Ok::<i64, AppError>(line_id)
    }
    .await;
    match (result, wants_html(&headers)) {
        (Ok(line_id), true) => {
            see_other(&format!("{MY_APPLICATIONS_PAGE}?document_added={line_id}"))
        }
        (Ok(_), false) => StatusCode::CREATED.into_response(),
        (Err(error), _) => answer(error, &headers, MY_APPLICATIONS_PAGE),
    }
}

/// A refusal before any form was read: a browser goes back to `page`.
fn answer(error: AppError, headers: &HeaderMap, page: &str) -> Response {
    if wants_html(headers) {
        form_error(error, &format!("{page}?"))
    } else {
        error_json(error)
    }
}

/// `GET /applications/documents/{id}`: the document, shown in the browser,
/// for those [`open_document`] allows.
async fn document(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Option<axum::Extension<SessionUser>>,
    headers: HeaderMap,
) -> Response {
    let ctx = context(state, peer, session, &headers);
    match open_document(&ctx, id).await {
        Ok((bytes, format)) => file_response(
            bytes,
            format,
            &format!("document-{id}"),
            Disposition::Inline,
        ),
        Err(AppError::Unauthorized) if wants_html(&headers) => {
            see_other(crate::paths::SIGN_IN_PAGE)
        }
        Err(error) => {
            let status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(error)).into_response()
        }
    }
}
