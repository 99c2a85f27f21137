//! Plain routes of imports: the upload (a multipart form that works without
//! JavaScript), the templates and the result file. `routes()` is merged by
//! the server's router inside its session layer.

use axum::Router;
use axum::extract::{ConnectInfo, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sha2::Digest as _;

use super::file::{self, FileError};
use super::{ImportKind, MAX_FILE_BYTES, db};
use crate::answer::{error_json, form_error, see_other, wants_html};
use crate::audit::{AuditEvent, ListRead, action};
use crate::error::{AppError, ErrorKey};
use crate::identity::Requirement;
use crate::identity::session::{SessionUser, client_address};
use crate::paths::{IMPORT_RESULTS, IMPORT_TEMPLATES, IMPORT_UPLOAD, IMPORTS_PAGE};
use crate::state::AppState;

/// The request body limit of the upload: the file and the form around it.
pub const UPLOAD_BODY_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

/// The routes of imports.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            IMPORT_UPLOAD,
            post(upload).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(&format!("{IMPORT_TEMPLATES}/{{file}}"), get(template))
        .route(&format!("{IMPORT_RESULTS}/{{id}}"), get(result_file))
}

impl From<FileError> for AppError {
    fn from(error: FileError) -> Self {
        let key = match error {
            FileError::TooLarge | FileError::TooManyRows => ErrorKey::ImportFileTooLarge,
            FileError::Unreadable => ErrorKey::ImportFileUnreadable,
            FileError::MissingColumns(_) => ErrorKey::ImportColumnsMissing,
            FileError::Empty => ErrorKey::ImportFileEmpty,
        };
        AppError::validation("file", key)
    }
}

/// The form: which association, which kind, the file.
struct Upload {
    association_id: i64,
    kind: ImportKind,
    file_name: String,
    bytes: Vec<u8>,
}

/// Reads the form, refusing the file past the size limit while reading.
async fn read_form(mut multipart: Multipart) -> Result<Upload, AppError> {
    let (mut association_id, mut kind, mut file) = (None, None, None);
    let too_large = || AppError::validation("file", ErrorKey::ImportFileTooLarge);
    while let Some(mut field) = multipart.next_field().await.map_err(|_| too_large())? {
        match field.name() {
            Some("association_id") => {
                let text = field.text().await.map_err(|_| AppError::BadRequest)?;
                association_id = text.trim().parse::<i64>().ok();
            }
            Some("kind") => {
                let text = field.text().await.map_err(|_| AppError::BadRequest)?;
                kind = ImportKind::parse(text.trim());
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("import").to_string();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| too_large())? {
                    if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                        return Err(too_large());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let (file_name, bytes) = file
        .filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| AppError::validation("file", ErrorKey::ImportFileEmpty))?;
    Ok(Upload {
        association_id: association_id.ok_or(AppError::BadRequest)?,
        kind: kind.ok_or(AppError::BadRequest)?,
        // A name to show: the last path part, printable, at most 120 characters.
        file_name: file_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .take(120)
            .collect(),
        bytes,
    })
}

/// `POST /association/import-upload`: stores the file's rows and their dry
/// run as a new batch and shows it. A form post is answered with a redirect
/// (to the imports page with `?error=` on failure); other callers get the
/// status, and the batch's address in `Location` on success.
pub async fn upload(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    session: Option<axum::Extension<SessionUser>>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let client_ip =
        client_address(peer.ip(), &headers, &state.settings.trusted_proxies).to_string();
    let mut association = None;
    let result = async {
        let axum::Extension(session) = session.ok_or(AppError::Unauthorized)?;
        let user = session.user;
        let form = read_form(multipart.map_err(|_| AppError::BadRequest)?).await?;
        association = Some(form.association_id);
        if !user.satisfies(Requirement::AssociationAdmin(form.association_id)) {
            let denied = AuditEvent::new(action::ACCESS_DENIED)
                .by(Some(user.user_id), Some(client_ip.clone()))
                .detail(format!(
                    "import upload for association {}",
                    form.association_id
                ));
            crate::audit::record(&state.db, denied).await?;
            return Err(AppError::Forbidden);
        }
        let sha256 = hex::encode(sha2::Sha256::digest(&form.bytes));
        let kind = form.kind;
        let bytes = form.bytes;
        let rows = tokio::task::spawn_blocking(move || file::read(kind, &bytes))
            .await
            .map_err(|_| AppError::Internal)??;
        let cells: Vec<&super::rules::Cells> = rows.iter().map(|(_, c)| c).collect();
        let evaluations =
            super::check::evaluate(&state.db, form.association_id, kind, &cells).await?;
        let audit = AuditEvent::new(action::IMPORT_UPLOADED)
            .by(Some(user.user_id), Some(client_ip.clone()))
            .acting_for(Some(form.association_id))
            .detail(format!("{} {} rows", kind.as_str(), rows.len()));
        let batch = db::NewBatch {
            association_id: form.association_id,
            kind,
            file_name: &form.file_name,
            sha256: &sha256,
            uploaded_by: user.user_id,
        };
        Ok(db::create_batch(&state.db, &batch, &rows, &evaluations, audit).await?)
    }
    .await;
    match (result, wants_html(&headers)) {
        (Ok(id), true) => see_other(&super::batch_url(id)),
        (Ok(id), false) => (
            StatusCode::CREATED,
            [(header::LOCATION, super::batch_url(id))],
        )
            .into_response(),
        (Err(error), true) => {
            let back = match association {
                Some(id) => format!("{IMPORTS_PAGE}?association={id}&"),
                None => format!("{IMPORTS_PAGE}?"),
            };
            form_error(error, &back)
        }
        (Err(error), false) => error_json(error),
    }
}

/// `GET /association/import-templates/{kind}.{csv|xlsx}`: an empty file
/// with the header rows (no data in it: served to anyone).
pub async fn template(Path(file): Path<String>) -> Response {
    let Some((kind, format)) = file
        .split_once('.')
        .and_then(|(k, f)| Some((ImportKind::parse(k)?, f)))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (content_type, body) = match format {
        "csv" => ("text/csv; charset=utf-8", file::template_csv(kind)),
        "xlsx" => match file::template_xlsx(kind) {
            Ok(bytes) => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
            ),
            Err(error) => {
                tracing::error!(%error, "writing an import template failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        },
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"takamul-{}.{format}\"",
                    kind.as_str()
                ),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /association/import-results/{id}`: every row of a batch with what
/// became of it (household or benefit id, or the reasons), for the
/// association's admins; IDs masked like every list.
pub async fn result_file(
    State(state): State<AppState>,
    Path(batch_id): Path<i64>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    session: Option<axum::Extension<SessionUser>>,
    headers: HeaderMap,
) -> Response {
    let Some(axum::Extension(session)) = session else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let client_ip =
        client_address(peer.ip(), &headers, &state.settings.trusted_proxies).to_string();
    let locale = crate::identity::language::request_locale(&headers);
    match result_csv(&state, batch_id, &session, client_ip, locale).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"takamul-import-{batch_id}-result.csv\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            body,
        )
            .into_response(),
        Err(error) => StatusCode::from_u16(error.status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response(),
    }
}

async fn result_csv(
    state: &AppState,
    batch_id: i64,
    session: &SessionUser,
    client_ip: String,
    locale: crate::i18n::Locale,
) -> Result<Vec<u8>, AppError> {
    let user = &session.user;
    let batch = db::batch(&state.db, batch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !user.satisfies(Requirement::AssociationAdmin(batch.association_id)) {
        let denied = AuditEvent::new(action::ACCESS_DENIED)
            .by(Some(user.user_id), Some(client_ip))
            .detail(format!("import result {batch_id}"));
        crate::audit::record(&state.db, denied).await?;
        return Err(AppError::Forbidden);
    }
    let rows = db::result_rows(&state.db, batch_id).await?;
    crate::audit::record_list_read(
        &state.db,
        user.user_id,
        Some(batch.association_id),
        &ListRead::exported("import_result", rows.len())
            .of(rows.iter().filter_map(|r| r.household_id)),
        client_ip,
    )
    .await?;
    let mut out = vec![
        [
            "رقم السطر",
            "رقم هوية رب الأسرة",
            "النتيجة",
            "رقم الأسرة",
            "رقم المساعدة",
            "الأسباب",
            "رموز الأسباب",
        ]
        .map(str::to_string)
        .to_vec(),
        [
            "line",
            "head_national_id",
            "result",
            "household_id",
            "benefit_id",
            "why",
            "reasons",
        ]
        .map(str::to_string)
        .to_vec(),
    ];
    for row in rows {
        out.push(vec![
            row.line_no.to_string(),
            crate::text::mask_identifier(&row.head_national_id),
            // Before the commit ends, a row without a result shows the dry run's.
            row.result.unwrap_or_else(|| format!("({})", row.outcome)),
            row.household_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            row.benefit_id.map(|id| id.to_string()).unwrap_or_default(),
            super::split_reasons(&row.reasons)
                .into_iter()
                .map(|reason| super::pages::reason_text(locale, reason))
                .collect::<Vec<_>>()
                .join("؛ "),
            row.reasons,
        ]);
    }
    Ok(file::csv_bytes(&out))
}
