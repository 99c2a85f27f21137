//! The application form's post and a document's file (plain routes, server
//! only). The form is multipart because it carries the documents; it works
//! without JavaScript, and answers as the server function did: a browser
//! goes on to "my applications" or back to the form with `?error=`; any
//! other caller gets the status (a refused file is 400 with its key).

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::api::ApplyLine;
use super::api::documents::open_document;
use super::documents::kind_of_field;
use crate::answer::{error_json, form_error, see_other, wants_html};
use crate::error::{AppError, ErrorKey};
use crate::identity::Ctx;
use crate::identity::session::{SessionUser, client_address};
use crate::paths::{APPLY_PAGE, APPLY_SEND, LINE_DOCUMENT_FILES, MY_APPLICATIONS_PAGE};
use crate::photos::documents::{Disposition, MAX_DOCUMENT_PHOTO_BYTES, file_response};
use crate::state::AppState;

/// At most this many files in one form (each type asks for a few).
const MAX_FILES: usize = 12;

/// The whole form: a few files at their cap, and the text around them.
const BODY_LIMIT: usize = 3 * MAX_DOCUMENT_PHOTO_BYTES + 256 * 1024;

/// The routes of the application form's post and its documents.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            APPLY_SEND,
            post(send_application).layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .route(&format!("{LINE_DOCUMENT_FILES}/{{id}}"), get(document))
}

fn too_large() -> AppError {
    AppError::validation("document", ErrorKey::DocumentTooLarge)
}

/// What the form carries.
#[derive(Default)]
struct Form {
    submission_key: String,
    lines: Vec<ApplyLine>,
    files: Vec<(i64, Vec<u8>)>,
}

impl Form {
    /// The line at `index` of the form (`lines[<index>][…]`), made as needed.
    fn line(&mut self, index: usize) -> Option<&mut ApplyLine> {
        if index >= 64 {
            return None;
        }
        while self.lines.len() <= index {
            self.lines.push(ApplyLine {
                assistance_type_id: 0,
                chosen: None,
                description: String::new(),
                amount: None,
            });
        }
        self.lines.get_mut(index)
    }

    fn set_text(&mut self, name: &str, value: String) {
        if name == "submission_key" {
            self.submission_key = value;
            return;
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
}

/// Reads the form; each file is refused past its cap while reading (never
/// buffered whole first). An empty file input sends an empty part: skipped.
async fn read_form(mut multipart: Multipart) -> Result<Form, AppError> {
    let mut form = Form::default();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| too_large())? {
        let Some(name) = field.name().map(str::to_string) else {
            continue;
        };
        if let Some(kind_id) = kind_of_field(&name) {
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| too_large())? {
                if bytes.len() + chunk.len() > MAX_DOCUMENT_PHOTO_BYTES {
                    return Err(too_large());
                }
                bytes.extend_from_slice(&chunk);
            }
            if !bytes.is_empty() {
                if form.files.len() >= MAX_FILES {
                    return Err(AppError::BadRequest);
                }
                form.files.push((kind_id, bytes));
            }
        } else {
            let text = field.text().await.map_err(|_| AppError::BadRequest)?;
            form.set_text(&name, text);
        }
    }
    form.lines.retain(|l| l.assistance_type_id > 0);
    Ok(form)
}

/// `POST /applications/send`: the application form with its documents.
async fn send_application(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Option<axum::Extension<SessionUser>>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let client_ip =
        client_address(peer.ip(), &headers, &state.settings.trusted_proxies).to_string();
    let ctx = Ctx {
        state,
        user: session.map(|axum::Extension(s)| s.user),
        client_ip,
    };
    let result = async {
        ctx.user()?;
        let form = read_form(multipart.map_err(|_| AppError::BadRequest)?).await?;
        super::api::submit_with_documents(&ctx, form.submission_key, form.lines, form.files).await
    }
    .await;
    match (result, wants_html(&headers)) {
        (Ok(()), true) => see_other(&format!("{MY_APPLICATIONS_PAGE}?submitted=1")),
        (Ok(()), false) => StatusCode::CREATED.into_response(),
        (Err(error), true) => form_error(error, &format!("{APPLY_PAGE}?")),
        (Err(error), false) => error_json(error),
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
    let client_ip =
        client_address(peer.ip(), &headers, &state.settings.trusted_proxies).to_string();
    let ctx = Ctx {
        state,
        user: session.map(|axum::Extension(s)| s.user),
        client_ip,
    };
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
