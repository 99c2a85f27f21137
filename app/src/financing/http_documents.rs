//! A checklist document's upload and download (plain routes, server only).
//! The upload (a multipart form that works without JavaScript) takes a PDF
//! — kept only if its structure checks out — or a photo of the document,
//! which goes through the product photos' pipeline: both through the core's
//! `photos::documents`, shared with an application's documents.
//! Files are stored under a random key; only the file's association and the
//! council may fetch them, every fetch audited as a read of the household.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::documents::{MAX_DOCUMENT_BYTES, document_file_name};
use super::{DocumentKind, db};
use crate::answer::{error_json, form_error, see_other, wants_html};
use crate::audit::{AuditEvent, action};
use crate::error::{AppError, ErrorKey};
use crate::identity::session::{SessionUser, client_address};
use crate::identity::{CurrentUser, Requirement};
use crate::paths::{FINANCING_DOCUMENT_FILES, FINANCING_DOCUMENT_UPLOAD, FINANCING_FILE_PAGE};
use crate::state::AppState;

/// The routes of the checklist's documents.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            FINANCING_DOCUMENT_UPLOAD,
            post(upload_document).layer(axum::extract::DefaultBodyLimit::max(
                MAX_DOCUMENT_BYTES + 64 * 1024,
            )),
        )
        .route(&format!("{FINANCING_DOCUMENT_FILES}/{{id}}"), get(document))
}

fn refused() -> AppError {
    AppError::validation("file", ErrorKey::FinancingDocumentRefused)
}

/// The form: which file, which document, the bytes (refused past the cap
/// while reading).
async fn read_form(mut multipart: Multipart) -> Result<(i64, DocumentKind, Vec<u8>), AppError> {
    let (mut file_id, mut kind, mut bytes) = (None, None, None);
    while let Some(mut field) = multipart.next_field().await.map_err(|_| refused())? {
        match field.name() {
            Some("file_id") => {
                let text = field.text().await.map_err(|_| AppError::BadRequest)?;
                file_id = text.trim().parse::<i64>().ok();
            }
            Some("kind") => {
                let text = field.text().await.map_err(|_| AppError::BadRequest)?;
                kind = DocumentKind::parse(text.trim());
            }
            Some("document") => {
                let mut read = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| refused())? {
                    if read.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                        return Err(refused());
                    }
                    read.extend_from_slice(&chunk);
                }
                bytes = Some(read);
            }
            _ => {}
        }
    }
    Ok((
        file_id.ok_or(AppError::BadRequest)?,
        kind.ok_or(AppError::BadRequest)?,
        bytes.filter(|b| !b.is_empty()).ok_or_else(refused)?,
    ))
}

/// Whether the user acts for the association (staff of it, chosen in the header).
fn acts_for(user: &CurrentUser, association_id: i64) -> bool {
    user.acting_association_id() == Some(association_id)
        && user.satisfies(Requirement::AssociationMember(association_id))
}

async fn deny(state: &AppState, user: &CurrentUser, ip: &str, what: String) -> AppError {
    let event = AuditEvent::new(action::ACCESS_DENIED)
        .by(Some(user.user_id), Some(ip.to_string()))
        .detail(what);
    if let Err(error) = crate::audit::record(&state.db, event).await {
        return error.into();
    }
    AppError::Forbidden
}

/// `POST /association/financing/document-upload`: stores a checklist
/// document of a file the caller's association keeps, and goes back to the
/// file (with `?error=` when it was refused).
async fn upload_document(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Option<axum::Extension<SessionUser>>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let ip = client_address(peer.ip(), &headers, &state.settings.trusted_proxies).to_string();
    let mut back = None;
    let result = async {
        let axum::Extension(session) = session.ok_or(AppError::Unauthorized)?;
        let user = session.user;
        let (file_id, kind, bytes) =
            read_form(multipart.map_err(|_| AppError::BadRequest)?).await?;
        let file = db::file(&state.db, file_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !acts_for(&user, file.association_id) {
            return Err(deny(&state, &user, &ip, format!("financing_file {file_id}")).await);
        }
        back = Some(format!("{FINANCING_FILE_PAGE}/{file_id}"));
        // A PDF checked by its structure, or a photo of the document through
        // the product photos' pipeline (the core's, shared with applications).
        let (format, stored) = crate::photos::documents::prepare(bytes)
            .await
            .map_err(|_| refused())?;
        let key = crate::photos::pipeline::new_key();
        state
            .photos
            .put_file(&document_file_name(&key, format), &stored)
            .await?;
        let event = AuditEvent::new(action::FINANCING_DOCUMENT_UPLOADED)
            .by(Some(user.user_id), Some(ip.clone()))
            .acting_for(Some(file.association_id))
            .subject("financing_file", file_id)
            .detail(format!("{} {}", kind.as_str(), format.as_str()));
        db::add_document_file(
            &state.db,
            file_id,
            kind,
            &key,
            format,
            stored.len() as i64,
            user.user_id,
            event,
        )
        .await?;
        Ok::<_, AppError>(file_id)
    }
    .await;
    match (result, wants_html(&headers)) {
        (Ok(file_id), true) => see_other(&format!("{FINANCING_FILE_PAGE}/{file_id}")),
        (Ok(_), false) => StatusCode::CREATED.into_response(),
        (Err(error), true) => match back {
            Some(page) => form_error(error, &format!("{page}?")),
            None => form_error(error, &format!("{}?", crate::paths::FINANCING_PAGE)),
        },
        (Err(error), false) => error_json(error),
    }
}

/// `GET /association/financing/documents/{id}`: the stored document, for
/// staff of the file's association or the council; a download, never shown
/// inline, with a sandboxing policy. Audited as a read of the household.
async fn document(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Option<axum::Extension<SessionUser>>,
    headers: HeaderMap,
) -> Response {
    let Some(axum::Extension(session)) = session else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let ip = client_address(peer.ip(), &headers, &state.settings.trusted_proxies).to_string();
    let result = async {
        let user = &session.user;
        let (file_id, key, format) = db::document_file(&state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let file = db::file(&state.db, file_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !acts_for(user, file.association_id) && !user.is_council_admin() {
            return Err(deny(&state, user, &ip, format!("financing_document {id}")).await);
        }
        let bytes = state
            .photos
            .read(&document_file_name(&key, format))
            .await?
            .ok_or(AppError::NotFound)?;
        let event = AuditEvent::new(action::HOUSEHOLD_VIEWED)
            .by(Some(user.user_id), Some(ip.clone()))
            .acting_for(Some(file.association_id))
            .subject("household", file.household_id)
            .detail(format!("financing_document {id}"));
        crate::audit::record(&state.db, event).await?;
        Ok::<_, AppError>((bytes, format))
    }
    .await;
    match result {
        Ok((bytes, format)) => crate::photos::documents::file_response(
            bytes,
            format,
            &format!("document-{id}"),
            crate::photos::documents::Disposition::Attachment,
        ),
        Err(error) => StatusCode::from_u16(error.status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response(),
    }
}
