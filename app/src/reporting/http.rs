//! `GET /council/dashboard.{csv,xlsx}` and `GET /association/dashboard.{csv,xlsx}`:
//! the indicator table for the dashboard's filters (the same query string),
//! with the same access as the page. Every export is audited
//! (`report_exported`), though it holds aggregates only.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::api::{Board, load, resolve};
use super::{Calendar, Filters, Grain, export};
use crate::audit::{self, AuditEvent, action};
use crate::database::now;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::identity::session::{SessionUser, client_address};
use crate::paths::{ASSOCIATION_DASHBOARD_PAGE, COUNCIL_DASHBOARD_PAGE};
use crate::state::AppState;

/// The four export routes (inside the session layer).
pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for (board, path) in [
        (Board::Council, COUNCIL_DASHBOARD_PAGE),
        (Board::Association, ASSOCIATION_DASHBOARD_PAGE),
    ] {
        for format in [Format::Csv, Format::Xlsx] {
            router = router.route(
                &format!("{path}.{}", format.extension()),
                get(
                    move |state: State<AppState>,
                          peer: ConnectInfo<SocketAddr>,
                          headers: HeaderMap,
                          query: Query<ExportQuery>,
                          session: Option<axum::Extension<SessionUser>>| {
                        export_file(state, peer, headers, query, session, board, format)
                    },
                ),
            );
        }
    }
    router
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

/// The dashboard's filters as its form sends them (empty: not set).
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    pub association: Option<String>,
    pub assistance_type: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub craft: Option<String>,
    #[serde(default)]
    pub grain: String,
    #[serde(default)]
    pub calendar: String,
    /// `en` for English; Arabic otherwise.
    pub lang: Option<String>,
}

fn id(value: &Option<String>) -> Option<i64> {
    value.as_deref().and_then(|v| v.trim().parse().ok())
}

async fn export_file(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<ExportQuery>,
    session: Option<axum::Extension<SessionUser>>,
    board: Board,
    format: Format,
) -> Response {
    let Some(axum::Extension(session)) = session else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let user = session.user;
    let ip = client_address(peer.ip(), &headers, &state.settings.trusted_proxies).to_string();
    let result = async {
        let (viewer, association_id) = match resolve(&user, board, id(&query.association)) {
            Ok(resolved) => resolved,
            Err(error) => {
                let event = AuditEvent::new(action::ACCESS_DENIED)
                    .by(Some(user.user_id), Some(ip.clone()))
                    .detail(format!("{} dashboard export", board.as_str()));
                audit::record(&state.db, event).await?;
                return Err(error);
            }
        };
        let filters = Filters {
            from: query.from.clone(),
            to: query.to.clone(),
            association_id,
            assistance_type_id: id(&query.assistance_type),
            city_id: id(&query.city),
            district_id: id(&query.district),
            craft: query.craft.clone(),
            grain: Grain::parse(&query.grain),
            calendar: Calendar::parse(&query.calendar),
        };
        let dashboard = load(&state.db, board, viewer, filters, now()).await?;
        let locale = match query.lang.as_deref() {
            Some("en") => Locale::en,
            _ => Locale::ar,
        };
        let body = match format {
            Format::Csv => export::csv_bytes(&dashboard, locale).map_err(|error| {
                tracing::error!(%error, "report CSV failed");
                AppError::Internal
            })?,
            Format::Xlsx => export::xlsx_bytes(&dashboard, locale).map_err(|error| {
                tracing::error!(%error, "report XLSX failed");
                AppError::Internal
            })?,
        };
        let event = AuditEvent::new(action::REPORT_EXPORTED)
            .by(Some(user.user_id), Some(ip.clone()))
            .acting_for(association_id)
            .subject("report", board.as_str())
            .detail(format!(
                "{} {}..{}",
                format.extension(),
                dashboard.filters.from,
                dashboard.filters.to
            ));
        audit::record(&state.db, event).await?;
        Ok::<_, AppError>((body, dashboard.filters.from, dashboard.filters.to))
    }
    .await;
    match result {
        Ok((body, from, to)) => (
            [
                (header::CONTENT_TYPE, format.content_type().to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"takamul-{}-{from}-{to}.{}\"",
                        board.as_str(),
                        format.extension()
                    ),
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
