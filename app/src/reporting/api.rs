//! The dashboard's server function, and the load it shares with the
//! exports. The council sees every association's figures whole; an
//! association's staff see the association chosen in the header, its own
//! figures whole and the others' small counts suppressed.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Choice, Filters, Headline, Row, Shown, Viewer};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{HEADLINES, Indicator, Period, db, per_month, suppress},
    crate::database::{Db, now},
    crate::identity::{CurrentUser, Requirement, serve},
};

/// Which dashboard: the council's or the acting association's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Board {
    Council,
    Association,
}

impl Board {
    pub fn parse(text: &str) -> Self {
        if text == "council" {
            Board::Council
        } else {
            Board::Association
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Board::Council => "council",
            Board::Association => "association",
        }
    }
}

/// A dashboard: the filters in force, the headlines, every indicator's
/// rows, the monthly trend, and the filter form's lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub board: Board,
    pub viewer: Viewer,
    /// The filters with the period filled in (`from`, `to`).
    pub filters: Filters,
    pub headlines: Vec<Headline>,
    pub rows: Vec<Row>,
    /// Lines submitted per month (`YYYY-MM`).
    pub trend: Vec<(String, Shown)>,
    /// The associations to filter by (the council's), else empty.
    pub associations: Vec<Choice>,
    pub assistance_types: Vec<Choice>,
    pub cities: Vec<Choice>,
    /// The districts of the chosen city (empty without one).
    pub districts: Vec<Choice>,
    /// The acting association's name (an association's dashboard).
    pub association: Option<Choice>,
}

/// Who may see a board, and for which association the figures are cut:
/// the council any (or all), an association's staff their acting
/// association only (asking for another is refused).
#[cfg(feature = "ssr")]
pub fn resolve(
    user: &CurrentUser,
    board: Board,
    requested: Option<i64>,
) -> Result<(Viewer, Option<i64>), AppError> {
    match board {
        Board::Council if user.satisfies(Requirement::CouncilAdmin) => {
            Ok((Viewer::Council, requested))
        }
        Board::Council => Err(AppError::Forbidden),
        Board::Association => {
            let acting = user.acting_association_id().ok_or(AppError::Forbidden)?;
            if !user.satisfies(Requirement::AssociationMember(acting))
                || requested.is_some_and(|id| id != acting)
            {
                return Err(AppError::Forbidden);
            }
            Ok((Viewer::Association(acting), Some(acting)))
        }
    }
}

/// The cut of a dashboard's filters at `at`: the period parsed (the
/// filters get its first and last day) and a district's city filled in (a
/// district of another city than the one filtered is dropped). Shared by
/// the dashboards, the exports and the partners' API.
#[cfg(feature = "ssr")]
pub async fn cut_of(db: &Db, filters: &mut Filters, at: i64) -> Result<db::Cut, AppError> {
    let period =
        Period::parse(&filters.from, &filters.to, at).map_err(|key| AppError::Validation {
            field: "from".into(),
            key,
        })?;
    filters.from = period.first_day();
    filters.to = period.last_day();
    if let Some(district) = filters.district_id {
        let city = db::city_of(db, district)
            .await?
            .ok_or(AppError::BadRequest)?;
        if filters.city_id.is_some_and(|c| c != city) {
            filters.district_id = None;
        } else {
            filters.city_id = Some(city);
        }
    }
    Ok(db::Cut {
        period,
        association_id: filters.association_id,
        assistance_type_id: filters.assistance_type_id,
        city_id: filters.city_id,
        district_id: filters.district_id,
        now: at,
    })
}

/// Computes a dashboard for a viewer (already resolved) at `at`.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
pub async fn load(
    db: &Db,
    board: Board,
    viewer: Viewer,
    mut filters: Filters,
    at: i64,
) -> Result<Dashboard, AppError> {
    let cut = cut_of(db, &mut filters, at).await?;
    let period = cut.period;
    let figures = db::figures(db, &cut).await?;
    let before = db::figures(
        db,
        &db::Cut {
            period: period.previous(),
            ..cut
        },
    )
    .await?;
    let total = |figures: &[super::Figure], indicator: Indicator| {
        figures
            .iter()
            .find(|f| f.indicator == indicator && f.key.is_empty())
            .map(|f| suppress(f.value, f.cases, f.owner, viewer))
            .unwrap_or(Shown::Nothing)
    };
    let headlines = HEADLINES
        .into_iter()
        .map(|indicator| Headline {
            indicator,
            now: total(&figures, indicator),
            before: indicator.by_period().then(|| total(&before, indicator)),
        })
        .collect();
    let trend = per_month(period, &db::lines_per_day(db, &cut).await?)
        .into_iter()
        .map(|(month, n)| {
            (
                month,
                suppress(Some(n), Some(n), cut.association_id, viewer),
            )
        })
        .collect();
    let associations = db::associations(db).await?;
    let association = match viewer {
        Viewer::Association(id) => associations.iter().find(|a| a.id == id).cloned(),
        Viewer::Council | Viewer::Outsider => None,
    };
    Ok(Dashboard {
        board,
        viewer,
        headlines,
        rows: figures.into_iter().map(|f| Row::of(f, viewer)).collect(),
        trend,
        associations: if viewer == Viewer::Council {
            associations
        } else {
            Vec::new()
        },
        assistance_types: db::assistance_types(db).await?,
        cities: db::cities(db).await?,
        districts: match filters.city_id {
            Some(city) => db::districts(db, city).await?,
            None => Vec::new(),
        },
        association,
        filters,
    })
}

/// A dashboard: `board` is `council` (the council's, every association or
/// one) or `association` (the acting association's own). Dates are
/// `YYYY-MM-DD`; empty: the last six months.
#[server(endpoint = "get_dashboard")]
pub async fn get_dashboard(
    #[server(default)] board: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] association: Option<i64>,
    #[server(default)] assistance_type: Option<i64>,
    #[server(default)] city: Option<i64>,
    #[server(default)] district: Option<i64>,
) -> Result<Dashboard, AppError> {
    serve(|ctx| async move {
        let user = ctx.require(Requirement::SignedIn).await?.clone();
        let board = Board::parse(&board);
        let (viewer, association_id) = match resolve(&user, board, association) {
            Ok(resolved) => resolved,
            Err(_) => return Err(ctx.deny(format!("{} dashboard", board.as_str())).await),
        };
        let filters = Filters {
            from,
            to,
            association_id,
            assistance_type_id: assistance_type,
            city_id: city,
            district_id: district,
        };
        load(ctx.db(), board, viewer, filters, now()).await
    })
    .await
}
