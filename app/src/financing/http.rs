//! Plain routes of financing: a statement's upload (a multipart form that
//! works without JavaScript; the rows are checked and stored as a dry run),
//! and the exports — the association's loan list (personal data: audited as
//! an exported list) and the council's figures per association (aggregates:
//! audited as a report), each as CSV (UTF-8 with a BOM) or XLSX (a
//! right-to-left sheet, numbers as numbers). `routes()` is merged by the
//! server's router inside its session layer.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sha2::Digest as _;

use super::api::{exposure_view_of, portfolio, today};
use super::statement::{StatementFileError, StatementSource, check_row, row_keys, statement_rows};
use super::{db, delinquency_range};
use crate::answer::{error_json, form_error, see_other, wants_html};
use crate::audit::{AuditEvent, ListRead, action};
use crate::error::{AppError, ErrorKey};
use crate::i18n::Locale;
use crate::identity::session::{SessionUser, client_address};
use crate::identity::{CurrentUser, Requirement};
use crate::imports::file::{FileError, csv_bytes, table};
use crate::paths::{
    COUNCIL_FINANCING_EXPORT, FINANCING_LOANS_EXPORT, FINANCING_STATEMENT_UPLOAD,
    FINANCING_STATEMENTS_PAGE,
};
use crate::state::AppState;

/// The largest statement accepted.
pub const MAX_STATEMENT_BYTES: usize = 4 * 1024 * 1024;

/// The routes of financing.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(super::http_documents::routes())
        .route(
            FINANCING_STATEMENT_UPLOAD,
            post(upload_statement).layer(axum::extract::DefaultBodyLimit::max(
                MAX_STATEMENT_BYTES + 64 * 1024,
            )),
        )
        .route(
            &format!("{FINANCING_LOANS_EXPORT}.csv"),
            get(|s, p, h, u| loans_export(s, p, h, u, Format::Csv)),
        )
        .route(
            &format!("{FINANCING_LOANS_EXPORT}.xlsx"),
            get(|s, p, h, u| loans_export(s, p, h, u, Format::Xlsx)),
        )
        .route(
            &format!("{COUNCIL_FINANCING_EXPORT}.csv"),
            get(|s, p, h, u| council_export(s, p, h, u, Format::Csv)),
        )
        .route(
            &format!("{COUNCIL_FINANCING_EXPORT}.xlsx"),
            get(|s, p, h, u| council_export(s, p, h, u, Format::Xlsx)),
        )
}

/// The acting association of a staff member, or the refusal (audited).
async fn acting_staff(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    what: &str,
) -> Result<i64, AppError> {
    match user.acting_association_id() {
        Some(id) if user.satisfies(Requirement::AssociationMember(id)) => Ok(id),
        _ => {
            let denied = AuditEvent::new(action::ACCESS_DENIED)
                .by(Some(user.user_id), Some(ip.to_string()))
                .detail(what.to_string());
            crate::audit::record(&state.db, denied).await?;
            Err(AppError::Forbidden)
        }
    }
}

/// The form: whose statement, the file.
async fn read_form(
    mut multipart: Multipart,
) -> Result<(StatementSource, String, Vec<u8>), AppError> {
    let (mut source, mut file) = (None, None);
    let too_large = || AppError::validation("file", ErrorKey::ImportFileTooLarge);
    while let Some(mut field) = multipart.next_field().await.map_err(|_| too_large())? {
        match field.name() {
            Some("source") => {
                let text = field.text().await.map_err(|_| AppError::BadRequest)?;
                source = StatementSource::parse(text.trim());
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("statement").to_string();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| too_large())? {
                    if bytes.len() + chunk.len() > MAX_STATEMENT_BYTES {
                        return Err(too_large());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let (name, bytes) = file
        .filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| AppError::validation("file", ErrorKey::ImportFileEmpty))?;
    let name: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect();
    Ok((
        source.ok_or_else(|| AppError::validation("source", ErrorKey::ValueInvalid))?,
        name,
        bytes,
    ))
}

fn file_error(error: FileError) -> AppError {
    let key = match error {
        FileError::TooLarge | FileError::TooManyRows => ErrorKey::ImportFileTooLarge,
        FileError::Unreadable => ErrorKey::ImportFileUnreadable,
        FileError::MissingColumns(_) => ErrorKey::ImportColumnsMissing,
        FileError::Empty => ErrorKey::ImportFileEmpty,
    };
    AppError::validation("file", key)
}

fn statement_error(error: StatementFileError) -> AppError {
    let key = match error {
        StatementFileError::MissingColumns => ErrorKey::ImportColumnsMissing,
        StatementFileError::Empty => ErrorKey::ImportFileEmpty,
        StatementFileError::TooManyRows => ErrorKey::ImportFileTooLarge,
    };
    AppError::validation("file", key)
}

/// `POST /association/financing/statement-upload`: reads the statement,
/// checks every row against the acting association's loans (reference and
/// national ID) and stores the dry run; nothing is paid until it is
/// applied. A form post is answered with a redirect to the statement (or
/// back with `?error=`); other callers get 201 and its address in
/// `Location`.
async fn upload_statement(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Option<axum::Extension<SessionUser>>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let ip = client_address(peer.ip(), &headers, &state.settings.trusted_proxies).to_string();
    let result = async {
        let axum::Extension(session) = session.ok_or(AppError::Unauthorized)?;
        let user = session.user;
        let association_id = acting_staff(&state, &user, &ip, "statement upload").await?;
        let (source, file_name, bytes) =
            read_form(multipart.map_err(|_| AppError::BadRequest)?).await?;
        let sha256 = hex::encode(sha2::Sha256::digest(&bytes));
        let cells = tokio::task::spawn_blocking(move || table(&bytes))
            .await
            .map_err(|_| AppError::Internal)?
            .map_err(file_error)?;
        let rows = statement_rows(cells).map_err(statement_error)?;
        let keys = row_keys(&rows);
        let loans = db::loans_to_match(&state.db, association_id).await?;
        let today = today();
        let checked: Vec<db::CheckedRow> = rows
            .iter()
            .zip(keys)
            .map(|(row, key)| {
                let loan = loans.get(&row.reference.trim().to_uppercase());
                let (outcome, problem) = check_row(row, &key, loan, today);
                db::CheckedRow {
                    line_no: row.line_no,
                    reference: row.reference.chars().take(60).collect(),
                    national_id_masked: crate::text::mask_identifier(&row.national_id()),
                    paid_on: row
                        .day()
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| row.paid_on.chars().take(20).collect()),
                    amount: row.halalas().unwrap_or(0),
                    row_key: key,
                    loan_id: loan.map(|l| l.loan_id),
                    outcome,
                    problem,
                }
            })
            .collect();
        let event = AuditEvent::new(action::STATEMENT_UPLOADED)
            .by(Some(user.user_id), Some(ip.clone()))
            .acting_for(Some(association_id))
            .detail(format!("{} {} rows", source.as_str(), checked.len()));
        Ok::<_, AppError>(
            db::create_statement(
                &state.db,
                association_id,
                source,
                &file_name,
                &sha256,
                user.user_id,
                &checked,
                event,
            )
            .await?,
        )
    }
    .await;
    match (result, wants_html(&headers)) {
        (Ok(id), true) => see_other(&format!("{FINANCING_STATEMENTS_PAGE}/{id}")),
        (Ok(id), false) => (
            StatusCode::CREATED,
            [(
                header::LOCATION,
                format!("{FINANCING_STATEMENTS_PAGE}/{id}"),
            )],
        )
            .into_response(),
        (Err(error), true) => form_error(error, &format!("{FINANCING_STATEMENTS_PAGE}?")),
        (Err(error), false) => error_json(error),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// A cell of an export: text, or a number (riyals with two decimals, or a
/// count) that a spreadsheet can add up.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Riyals(i64),
    Count(i64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Riyals(h) => crate::text::format_riyals(*h),
            Cell::Count(n) => n.to_string(),
        }
    }
}

/// Rows under a header as a file of the format.
pub fn export_bytes(header: &[&str], rows: &[Vec<Cell>], xlsx: bool) -> Result<Vec<u8>, AppError> {
    if !xlsx {
        let mut all = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
        all.extend(rows.iter().map(|r| r.iter().map(Cell::text).collect()));
        return Ok(csv_bytes(&all));
    }
    let failed = |error: rust_xlsxwriter::XlsxError| {
        tracing::error!(%error, "financing XLSX failed");
        AppError::Internal
    };
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let riyals = rust_xlsxwriter::Format::new().set_num_format("#,##0.00");
    let sheet = workbook.add_worksheet();
    sheet.set_right_to_left(true);
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(failed)?;
        sheet.set_column_width(c as u16, 20).map_err(failed)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) => sheet.write_string(r, c, crate::text::csv_cell(t)),
                Cell::Riyals(h) => sheet.write_number_with_format(r, c, *h as f64 / 100.0, &riyals),
                Cell::Count(n) => sheet.write_number(r, c, *n as f64),
            }
            .map_err(failed)?;
        }
    }
    workbook.save_to_buffer().map_err(failed)
}

fn attachment(format: Format, name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{}\"", format.extension()),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

fn failure(error: AppError) -> Response {
    StatusCode::from_u16(error.status())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        .into_response()
}

/// `GET /association/financing/loans.{csv,xlsx}`: the acting association's
/// loans today (reference, family, activity, district, status, principal,
/// disbursed, outstanding, days in arrears, range, exposure). It names
/// families: audited as an exported list of the households in it.
async fn loans_export(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Option<axum::Extension<SessionUser>>,
    format: Format,
) -> Response {
    let Some(axum::Extension(session)) = session else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let ip = client_address(peer.ip(), &headers, &state.settings.trusted_proxies).to_string();
    let english = crate::identity::language::request_locale(&headers) == Locale::en;
    let result = async {
        let user = &session.user;
        let association_id = acting_staff(&state, user, &ip, "financing loans export").await?;
        let today = today();
        let (_, settings, _) = db::settings(&state.db, &today.to_string()).await?;
        let loans = portfolio(&state.db, Some(association_id), today).await?;
        let header: &[&str] = if english {
            &[
                "Reference",
                "Family",
                "Activity",
                "District",
                "Status",
                "Principal",
                "Disbursed on",
                "Outstanding",
                "Days in arrears",
                "Range",
                "Exposure",
                "Written off",
            ]
        } else {
            &[
                "المرجع",
                "الأسرة",
                "النشاط",
                "الحي",
                "الحالة",
                "أصل القرض",
                "تاريخ الصرف",
                "المتبقي",
                "أيام التأخر",
                "فئة التأخر",
                "التعرض",
                "المشطوب",
            ]
        };
        let rows: Vec<Vec<Cell>> = loans
            .iter()
            .map(|(loan, facts)| {
                let days = facts.arrears_days(today);
                vec![
                    Cell::Text(loan.reference.clone()),
                    Cell::Text(loan.head_name_ar.clone()),
                    Cell::Text(loan.activity.clone()),
                    Cell::Text(if english {
                        loan.district_en.clone().unwrap_or_default()
                    } else {
                        loan.district_ar.clone().unwrap_or_default()
                    }),
                    Cell::Text(loan.status.as_str().to_string()),
                    Cell::Riyals(loan.principal),
                    Cell::Text(loan.disbursed_on.clone().unwrap_or_default()),
                    Cell::Riyals(facts.outstanding()),
                    Cell::Count(days),
                    Cell::Count(delinquency_range(days, &settings.delinquency_bounds) as i64),
                    Cell::Riyals(facts.exposure()),
                    Cell::Riyals(facts.written_off.unwrap_or(0)),
                ]
            })
            .collect();
        let body = export_bytes(header, &rows, format == Format::Xlsx)?;
        crate::audit::record_list_read(
            &state.db,
            user.user_id,
            Some(association_id),
            &ListRead::exported("financing_loans", rows.len())
                .of(loans.iter().map(|(l, _)| l.household_id)),
            ip.clone(),
        )
        .await?;
        Ok::<_, AppError>(body)
    }
    .await;
    match result {
        Ok(body) => attachment(format, &format!("takamul-loans-{}", today()), body),
        Err(error) => failure(error),
    }
}

/// `GET /council/financing/figures.{csv,xlsx}`: every association's
/// financing figures today (no family in it), for the council; audited as
/// a report export.
async fn council_export(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Option<axum::Extension<SessionUser>>,
    format: Format,
) -> Response {
    let Some(axum::Extension(session)) = session else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let ip = client_address(peer.ip(), &headers, &state.settings.trusted_proxies).to_string();
    let english = crate::identity::language::request_locale(&headers) == Locale::en;
    let result = async {
        let user = &session.user;
        if !user.is_council_admin() {
            let denied = AuditEvent::new(action::ACCESS_DENIED)
                .by(Some(user.user_id), Some(ip.clone()))
                .detail("council financing export");
            crate::audit::record(&state.db, denied).await?;
            return Err(AppError::Forbidden);
        }
        let today = today();
        let loans = portfolio(&state.db, None, today).await?;
        let mut rows = Vec::new();
        for (id, name_ar, name_en) in db::associations(&state.db).await? {
            let theirs: Vec<_> = loans
                .iter()
                .filter(|(l, _)| l.association_id == id)
                .cloned()
                .collect();
            let view = exposure_view_of(&state.db, id, &theirs, today).await?;
            let f = view.figures;
            rows.push(vec![
                Cell::Text(if english { name_en } else { name_ar }),
                Cell::Count(f.loans),
                Cell::Riyals(f.outstanding),
                Cell::Riyals(f.disbursed_this_month),
                Cell::Text(super::labels::percent(f.par30_bp)),
                Cell::Text(super::labels::percent(f.par90_bp)),
                Cell::Text(super::labels::percent(f.collection_bp)),
                Cell::Riyals(f.exposure),
                Cell::Riyals(f.exposure_in_arrears),
                view.limit.map_or(Cell::Text(String::new()), Cell::Riyals),
                Cell::Riyals(f.written_off),
            ]);
        }
        let header: &[&str] = if english {
            &[
                "Association",
                "Loans",
                "Outstanding",
                "Disbursed this month",
                "PAR30",
                "PAR90",
                "Collection rate",
                "Exposure",
                "Exposure in arrears",
                "Limit",
                "Written off",
            ]
        } else {
            &[
                "الجمعية",
                "القروض",
                "المتبقي",
                "المصروف هذا الشهر",
                "PAR30",
                "PAR90",
                "نسبة التحصيل",
                "التعرض",
                "التعرض على المتأخرة",
                "الحد",
                "المشطوب",
            ]
        };
        let body = export_bytes(header, &rows, format == Format::Xlsx)?;
        let event = AuditEvent::new(action::REPORT_EXPORTED)
            .by(Some(user.user_id), Some(ip.clone()))
            .subject("report", "financing")
            .detail(format!("{} {today}", format.extension()));
        crate::audit::record(&state.db, event).await?;
        Ok(body)
    }
    .await;
    match result {
        Ok(body) => attachment(format, &format!("takamul-financing-{}", today()), body),
        Err(error) => failure(error),
    }
}
