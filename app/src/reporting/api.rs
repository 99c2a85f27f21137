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
    super::{
        Calendar, Grain, HEADLINES, Indicator, Part, Period, complement, db, per_bucket, rows_for,
        suppress,
    },
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
    /// Lines submitted per bucket of the filters' grain and calendar
    /// (`2020-01`, `2020-Q1`, `1441-05`).
    pub trend: Vec<(String, Shown)>,
    /// The coverage of the chosen city's districts (Jeddah's by default).
    pub map: CoverageMap,
    /// The associations to filter by (the council's), else empty.
    pub associations: Vec<Choice>,
    pub assistance_types: Vec<Choice>,
    pub cities: Vec<Choice>,
    /// The districts of the chosen city (empty without one).
    pub districts: Vec<Choice>,
    /// The acting association's name (an association's dashboard).
    pub association: Option<Choice>,
}

/// One district's tile on the coverage map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapTile {
    pub district_id: i64,
    pub name_ar: String,
    pub name_en: String,
    /// Active types with exactly one primary association, with two or more.
    pub covered: i64,
    pub overlaps: i64,
    pub types: i64,
}

/// The districts of one city as tiles (the bundled place list has names,
/// not boundaries: tiles are in name order, not where districts lie).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageMap {
    pub city: Option<Choice>,
    pub tiles: Vec<MapTile>,
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
/// filters get its first and last day), a district's city filled in (a
/// district of another city than the one filtered is dropped) and the craft
/// checked. Shared by the dashboards, the exports and the partners' API.
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
    let craft = match filters.craft.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(
            crate::registry::CRAFTS
                .into_iter()
                .find(|c| *c == code)
                .ok_or(AppError::BadRequest)?,
        ),
    };
    filters.craft = craft.map(str::to_string);
    Ok(db::Cut {
        period,
        association_id: filters.association_id,
        assistance_type_id: filters.assistance_type_id,
        city_id: filters.city_id,
        district_id: filters.district_id,
        craft,
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
    // The previous period is read only for the headlines compared with it,
    // not every indicator again.
    let previous = db::Cut {
        period: period.previous(),
        ..cut
    };
    // (Registered households at its end come with the period's own read.)
    let before = futures_util::future::try_join_all(
        HEADLINES
            .into_iter()
            .filter(|i| i.by_period() && *i != Indicator::RegisteredHouseholds)
            .map(|indicator| db::figures_of(db, &previous, indicator)),
    );
    // Independent reads, at once on the pool's connections.
    let (read, before, associations, cities, assistance_types) = tokio::try_join!(
        db::figures_and_trend(db, &cut, &previous),
        before,
        db::associations(db),
        db::cities(db),
        db::assistance_types(db),
    )?;
    let db::Read {
        figures,
        per_day,
        registered_before,
    } = read;
    let before: Vec<_> = registered_before
        .into_iter()
        .chain(before.into_iter().flatten())
        .collect();
    let mut rows = rows_for(figures, viewer);
    let before = rows_for(before, viewer);
    let total = |rows: &[Row], indicator: Indicator| {
        rows.iter()
            .find(|r| r.indicator == indicator && r.is_total())
            .map(|r| r.shown)
            .unwrap_or(Shown::Nothing)
    };
    let buckets = per_bucket(period, filters.grain, filters.calendar, &per_day);
    // The trend's buckets add up to the lines' total: complemented like a breakdown.
    let mut parts: Vec<Part> = buckets
        .iter()
        .map(|&(_, n)| Part {
            shown: suppress(Some(n), Some(n), cut.association_id, viewer),
            value: n,
            owned: matches!(viewer, Viewer::Association(id) if cut.association_id == Some(id)),
        })
        .collect();
    let mut lines = total(&rows, Indicator::LinesByType);
    complement(&mut parts, &mut lines);
    if let Some(row) = rows
        .iter_mut()
        .find(|r| r.indicator == Indicator::LinesByType && r.is_total())
    {
        row.shown = lines;
    }
    let trend = buckets
        .into_iter()
        .zip(parts)
        .map(|((bucket, _), part)| (bucket, part.shown))
        .collect();
    let headlines = HEADLINES
        .into_iter()
        .map(|indicator| Headline {
            indicator,
            now: total(&rows, indicator),
            before: indicator.by_period().then(|| total(&before, indicator)),
        })
        .collect();
    let map_city = match filters.city_id {
        Some(id) => cities.iter().find(|c| c.id == id).cloned(),
        None => cities
            .iter()
            .find(|c| c.name_en == crate::places::DEFAULT_CITY_NAME_EN)
            .cloned(),
    };
    let map = match &map_city {
        Some(city) => CoverageMap {
            tiles: db::district_coverage(db, &cut, city.id)
                .await?
                .into_iter()
                .map(|d| MapTile {
                    district_id: d.district_id,
                    name_ar: d.name_ar,
                    name_en: d.name_en,
                    covered: d.covered,
                    overlaps: d.overlaps,
                    types: d.types,
                })
                .collect(),
            city: map_city.clone(),
        },
        None => CoverageMap::default(),
    };
    let association = match viewer {
        Viewer::Association(id) => associations.iter().find(|a| a.id == id).cloned(),
        Viewer::Council | Viewer::Outsider => None,
    };
    Ok(Dashboard {
        board,
        viewer,
        headlines,
        rows,
        trend,
        map,
        associations: if viewer == Viewer::Council {
            associations
        } else {
            Vec::new()
        },
        assistance_types,
        cities,
        districts: match filters.city_id {
            Some(city) => db::districts(db, city).await?,
            None => Vec::new(),
        },
        association,
        filters,
    })
}

/// [`load`], answered from the cache when the same viewer asked the same
/// question within `TAKAMUL_DASHBOARD_CACHE_SECS` (the key holds the board,
/// the viewer and every filter, so no one is answered from another's view).
#[cfg(feature = "ssr")]
pub async fn load_cached(
    cache: &crate::cache::AnswerCache,
    db: &Db,
    board: Board,
    viewer: Viewer,
    filters: Filters,
    at: i64,
) -> Result<Dashboard, AppError> {
    let key = format!("dashboard|{}|{viewer:?}|{filters:?}", board.as_str());
    if let Some(dashboard) = cache.get::<Dashboard>(&key) {
        return Ok(dashboard);
    }
    let dashboard = load(db, board, viewer, filters, at).await?;
    cache.insert(key, dashboard.clone());
    Ok(dashboard)
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
    #[server(default)] craft: String,
    #[server(default)] grain: String,
    #[server(default)] calendar: String,
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
            craft: Some(craft),
            grain: Grain::parse(&grain),
            calendar: Calendar::parse(&calendar),
        };
        load_cached(&ctx.state.answers, ctx.db(), board, viewer, filters, now()).await
    })
    .await
}
