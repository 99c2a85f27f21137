//! "Our families" as a file (`/association/families.csv` and `.xlsx`): every
//! household the acting association serves, with what the page shows (the
//! household number, the head's name, the district, lines, benefits, the
//! last activity) — no national ID, no phone. Large lists stream: the CSV
//! is written batch by batch as it is sent, and the workbook is built on
//! disk row by row (`rust_xlsxwriter`'s constant-memory sheet), so memory
//! stays flat whatever the number of rows. The export is audited first,
//! naming every household it holds ("who read my record" shows it).

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::ServedFamily;
use super::db;
use crate::answer::error_json;
use crate::audit::{ListRead, record_list_read};
use crate::error::AppError;
use crate::identity::Requirement;
use crate::identity::session::{SessionUser, client_address};
use crate::paths::FAMILIES_PAGE;
use crate::state::AppState;
use crate::text::csv_cell;
use crate::time::SaudiDate;

/// Rows fetched per query while a file is written.
const BATCH: usize = 1_000;

/// The two export routes (inside the session layer).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{FAMILIES_PAGE}.csv"), get(csv))
        .route(&format!("{FAMILIES_PAGE}.xlsx"), get(xlsx))
        // The application form's post and its documents.
        .merge(super::http_documents::routes())
}

/// The file's header row, in Arabic and English.
const HEADER: [&str; 7] = [
    "رقم الأسرة / Household",
    "اسم رب الأسرة / Head",
    "الحي / District",
    "District",
    "الطلبات / Lines",
    "المساعدات / Benefits",
    "آخر نشاط / Last activity",
];

fn cells(f: &ServedFamily) -> [String; 7] {
    [
        f.household_id.to_string(),
        f.head_name_ar.clone(),
        f.district_name_ar.clone().unwrap_or_default(),
        f.district_name_en.clone().unwrap_or_default(),
        f.lines.to_string(),
        f.benefits.to_string(),
        if f.last_activity > 0 {
            SaudiDate::of(f.last_activity).to_string()
        } else {
            String::new()
        },
    ]
}

/// `?association=`: which of the person's associations (else the acting one).
#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportQuery {
    pub association: Option<String>,
}

/// Who may export: staff of the association asked for (or the acting one). The read is audited
/// before a byte is sent, with every household of the file.
async fn authorize(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    session: Option<axum::Extension<SessionUser>>,
    query: ExportQuery,
    format: &str,
) -> Result<(i64, Vec<i64>), AppError> {
    let axum::Extension(session) = session.ok_or(AppError::Unauthorized)?;
    let user = session.user;
    let asked = match query.association.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(text.parse::<i64>().map_err(|_| AppError::BadRequest)?),
    };
    let association_id = asked
        .or_else(|| user.acting_association_id())
        .filter(|id| user.satisfies(Requirement::AssociationMember(*id)))
        .ok_or(AppError::Forbidden)?;
    let households = db::households_served_ids(&state.db, association_id).await?;
    let ip = client_address(peer.ip(), headers, &state.settings.trusted_proxies).to_string();
    let read = ListRead::exported(format!("our_families.{format}"), households.len())
        .of(households.iter().copied());
    record_list_read(&state.db, user.user_id, Some(association_id), &read, ip).await?;
    // The file holds exactly the households the audit names, read by id.
    Ok((association_id, households))
}

fn attachment(content_type: &str, extension: &str, body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"takamul-families.{extension}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// The CSV, streamed: a BOM and the header, then a batch of rows per query.
async fn csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<ExportQuery>,
    session: Option<axum::Extension<SessionUser>>,
) -> Response {
    let (association_id, households) =
        match authorize(&state, peer, &headers, session, query, "csv").await {
            Ok(answer) => answer,
            Err(error) => return error_json(error),
        };
    let first = {
        let mut text = String::from("\u{feff}");
        text.push_str(&line(&HEADER.map(str::to_string)));
        text
    };
    // (the last id sent, done): each step reads the next batch after it.
    // (the next batch's first index, done): each step reads one batch of ids.
    let households = std::sync::Arc::new(households);
    let batches = futures_util::stream::unfold((0_usize, false), move |(at, done)| {
        let (db, households) = (state.db.clone(), households.clone());
        async move {
            if done || at >= households.len() {
                return None;
            }
            let ids = &households[at..(at + BATCH).min(households.len())];
            match db::households_served_in(&db, association_id, ids).await {
                Ok(rows) => {
                    let text: String = rows.iter().map(|f| line(&cells(f))).collect();
                    Some((Ok::<_, std::io::Error>(text), (at + BATCH, false)))
                }
                Err(error) => {
                    // The download ends short; the client sees a failed transfer.
                    tracing::error!(%error, "families export failed mid-way");
                    Some((Err(std::io::Error::other(error)), (at, true)))
                }
            }
        }
    });
    let body = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok(first) }),
        batches,
    );
    attachment("text/csv; charset=utf-8", "csv", Body::from_stream(body))
}

/// One CSV line, each cell defused against formulas.
fn line(cells: &[String]) -> String {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = writer.write_record(cells.iter().map(|c| csv_cell(c).into_owned()));
    writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

/// The workbook: a right-to-left sheet written row by row to a file on
/// disk (constant memory), then sent from that file.
async fn xlsx(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<ExportQuery>,
    session: Option<axum::Extension<SessionUser>>,
) -> Response {
    let result = async {
        let (association_id, households) =
            authorize(&state, peer, &headers, session, query, "xlsx").await?;
        let file = workbook(&state, association_id, &households)
            .await
            .map_err(|error| {
                tracing::error!(%error, "families workbook failed");
                AppError::Internal
            })?;
        let file = tokio::fs::File::from_std(file);
        Ok::<_, AppError>(file)
    }
    .await;
    match result {
        Ok(file) => {
            let stream = futures_util::stream::unfold(file, |mut file| async move {
                use tokio::io::AsyncReadExt;
                let mut buffer = vec![0; 64 * 1024];
                match file.read(&mut buffer).await {
                    Ok(0) => None,
                    Ok(n) => {
                        buffer.truncate(n);
                        Some((Ok::<_, std::io::Error>(buffer), file))
                    }
                    Err(error) => Some((Err(error), file)),
                }
            });
            attachment(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
                Body::from_stream(stream),
            )
        }
        Err(error) => error_json(error),
    }
}

/// Writes the workbook into an unnamed temporary file, rewound for reading.
async fn workbook(
    state: &AppState,
    association_id: i64,
    households: &[i64],
) -> Result<std::fs::File, Box<dyn std::error::Error + Send + Sync>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name("الأسر")?;
    sheet.set_right_to_left(true);
    sheet.set_freeze_panes(1, 0)?;
    let bold = Format::new().set_bold();
    for (c, title) in HEADER.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *title, &bold)?;
    }
    let mut row = 1_u32;
    for ids in households.chunks(BATCH) {
        let batch = db::households_served_in(&state.db, association_id, ids).await?;
        for family in &batch {
            let cells = cells(family);
            sheet.write_number(row, 0, family.household_id as f64)?;
            for (c, text) in cells.iter().enumerate().take(4).skip(1) {
                sheet.write_string(row, c as u16, text)?;
            }
            sheet.write_number(row, 4, family.lines as f64)?;
            sheet.write_number(row, 5, family.benefits as f64)?;
            sheet.write_string(row, 6, &cells[6])?;
            row += 1;
        }
    }
    let mut file = tempfile::tempfile()?;
    let file = tokio::task::spawn_blocking(move || {
        use std::io::Seek;
        workbook.save_to_writer(&mut file)?;
        file.rewind()?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(file)
    })
    .await??;
    Ok(file)
}
