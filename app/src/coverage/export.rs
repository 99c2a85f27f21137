//! `GET /coverage/matrix.csv`: the matrix of one city (or the whole region
//! with `?city=all`), one row per (district, assistance type), for the
//! council's reports to funders and government. Same access as the page.

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::api::load_matrix;
use crate::identity::session::SessionUser;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct MatrixCsvQuery {
    pub city: Option<String>,
}

/// The handler; the session middleware has put the signed-in person (if any)
/// in the request's extensions.
pub async fn matrix_csv(
    State(state): State<AppState>,
    Query(query): Query<MatrixCsvQuery>,
    session: Option<axum::Extension<SessionUser>>,
) -> Response {
    let Some(axum::Extension(session)) = session else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let user = session.user;
    if !user.is_council_admin() && user.association_ids().is_empty() {
        return StatusCode::FORBIDDEN.into_response();
    }
    let cities: Vec<Option<i64>> = match query.city.as_deref() {
        Some("all") | None => match crate::places::db::list_cities(&state.db).await {
            Ok(cities) => cities.into_iter().map(|c| Some(c.id)).collect(),
            Err(error) => return internal(error),
        },
        Some(id) => vec![id.parse().ok()],
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "city_ar",
        "city_en",
        "district_ar",
        "district_en",
        "assistance_type",
        "status",
        "primary_associations",
        "supporting_associations",
    ];
    if let Err(error) = out.write_record(header) {
        return internal(error);
    }
    for city in cities {
        let view = match load_matrix(&state, city, None).await {
            Ok(view) => view,
            Err(error) => {
                return (StatusCode::from_u16(error.status())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
                .into_response();
            }
        };
        let Some(city) = view.cities.iter().find(|c| c.id == view.city_id) else {
            continue;
        };
        for row in &view.rows {
            for (cell, kind) in row.cells.iter().zip(&view.types) {
                let names = |ids: &[i64]| {
                    ids.iter()
                        .map(|id| view.association_name(*id, false))
                        .collect::<Vec<_>>()
                        .join(" | ")
                };
                let (primaries, supporting) = (names(&cell.primaries), names(&cell.supporting));
                let record = [
                    city.name_ar.as_str(),
                    city.name_en.as_str(),
                    row.district.name_ar.as_str(),
                    row.district.name_en.as_str(),
                    kind.code.as_str(),
                    cell.status.as_str(),
                    primaries.as_str(),
                    supporting.as_str(),
                ]
                .map(crate::text::csv_cell);
                if let Err(error) = out.write_record(record.iter().map(|cell| cell.as_bytes())) {
                    return internal(error);
                }
            }
        }
    }
    let body = match out.into_inner() {
        Ok(bytes) => bytes,
        Err(error) => return internal(error),
    };
    // A byte-order mark so spreadsheet programs read the Arabic as UTF-8.
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend(body);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"takamul-coverage.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        with_bom,
    )
        .into_response()
}

fn internal(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "coverage export failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}
