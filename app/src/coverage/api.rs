//! Server functions of coverage: the matrix (council, and read-only for
//! associations), proposals by association admins, decisions by the council.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{MatrixCell, ProposedCell, Totals};
use crate::assistance::AssistanceType;
use crate::associations::Association;
use crate::error::AppError;
use crate::places::{City, District};

#[cfg(feature = "ssr")]
use {
    super::CoverageRole,
    super::db::{self, CoverageError},
    crate::audit,
    crate::database::now,
    crate::error::ErrorKey,
    crate::identity::{Ctx, CurrentUser, Requirement, serve},
    crate::state::AppState,
};

#[cfg(feature = "ssr")]
impl From<CoverageError> for AppError {
    fn from(error: CoverageError) -> Self {
        match error {
            CoverageError::NotPending => AppError::Conflict(ErrorKey::AlreadyDecided),
            CoverageError::Database(e) => e.into(),
        }
    }
}

/// One district's row of the matrix: a cell per assistance type, in type order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixRow {
    pub district: District,
    pub cells: Vec<MatrixCell>,
}

/// Everything the matrix page shows for one city.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixView {
    pub cities: Vec<City>,
    pub city_id: i64,
    pub types: Vec<AssistanceType>,
    pub associations: Vec<Association>,
    pub rows: Vec<MatrixRow>,
    /// Per city of the region, in `cities` order.
    pub per_city: Vec<Totals>,
    /// Per assistance type within the chosen city, in `types` order.
    pub per_type: Vec<Totals>,
    pub city_total: Totals,
    pub region_total: Totals,
}

impl MatrixView {
    /// The association's name in the page's language.
    pub fn association_name(&self, id: i64, english: bool) -> String {
        self.associations
            .iter()
            .find(|a| a.id == id)
            .map(|a| {
                if english {
                    a.name_en.clone()
                } else {
                    a.name_ar.clone()
                }
            })
            .unwrap_or_default()
    }
}

/// Who may see the matrix: the council, and association staff (read-only).
#[cfg(feature = "ssr")]
async fn require_matrix_reader(ctx: &Ctx) -> Result<&CurrentUser, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    if user.is_council_admin() || !user.association_ids().is_empty() {
        Ok(user)
    } else {
        ctx.require(Requirement::CouncilAdmin).await
    }
}

/// The council, or an admin of an association (the first one administered);
/// anyone else is refused with the council requirement's audited 403.
#[cfg(feature = "ssr")]
async fn council_or_association_admin(ctx: &Ctx) -> Result<(&CurrentUser, Option<i64>), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let administered = user.administered_association_ids().first().copied();
    if user.is_council_admin() || administered.is_some() {
        return Ok((user, administered));
    }
    Err(ctx
        .require(Requirement::CouncilAdmin)
        .await
        .err()
        .unwrap_or(AppError::Forbidden))
}

/// Builds the matrix of one city (the first city when none is given), with
/// region-wide totals per city; `status` keeps only rows with such a cell.
#[cfg(feature = "ssr")]
pub async fn load_matrix(
    state: &AppState,
    city_id: Option<i64>,
    status: Option<super::CellStatus>,
) -> Result<MatrixView, AppError> {
    let db = &state.db;
    let cities = crate::places::db::list_cities(db).await?;
    let all_districts = crate::places::db::district_cities(db).await?;
    // Without a choice, the city with the most districts (the largest to plan).
    let largest = cities
        .iter()
        .max_by_key(|c| {
            all_districts
                .iter()
                .filter(|(_, city)| *city == c.id)
                .count()
        })
        .map(|c| c.id);
    let city_id = city_id
        .filter(|id| cities.iter().any(|c| c.id == *id))
        .or(largest)
        .ok_or(AppError::NotFound)?;
    let types = crate::assistance::db::list_active(db).await?;
    let type_ids: Vec<i64> = types.iter().map(|t| t.id).collect();
    let associations = crate::associations::db::list(db).await?;
    let at = now();
    let cells = db::approved_cells(db, at).await?;
    let matrix = super::compute_matrix(&all_districts, &type_ids, &cells, at);
    let districts = crate::places::db::list_districts(db, city_id).await?;
    let mut per_type = vec![Totals::default(); types.len()];
    let mut city_total = Totals::default();
    let mut rows = Vec::with_capacity(districts.len());
    for district in districts {
        let row: Vec<MatrixCell> = type_ids
            .iter()
            .map(|t| matrix.cells[&(district.id, *t)].clone())
            .collect();
        for (i, cell) in row.iter().enumerate() {
            per_type[i].add(cell.status);
            city_total.add(cell.status);
        }
        if status.is_none_or(|s| row.iter().any(|c| c.status == s)) {
            rows.push(MatrixRow {
                district,
                cells: row,
            });
        }
    }
    let per_city = cities
        .iter()
        .map(|c| matrix.per_city.get(&c.id).copied().unwrap_or_default())
        .collect();
    Ok(MatrixView {
        cities,
        city_id,
        types,
        associations,
        rows,
        per_city,
        per_type,
        city_total,
        region_total: matrix.total,
    })
}

/// The coverage matrix of a city.
#[server(endpoint = "get_coverage_matrix")]
pub async fn get_coverage_matrix(
    city_id: Option<i64>,
    status: Option<String>,
) -> Result<MatrixView, AppError> {
    serve(|ctx| coverage_matrix(ctx, city_id, status)).await
}

/// The matrix of one city for a reader; an unknown status filter shows all.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn coverage_matrix(
    ctx: Ctx,
    city_id: Option<i64>,
    status: Option<String>,
) -> Result<MatrixView, AppError> {
    require_matrix_reader(&ctx).await?;
    // A filter from the address bar, not a stored value: unknown means none.
    let status = status.as_deref().and_then(super::CellStatus::parse);
    load_matrix(&ctx.state, city_id, status).await
}

/// What the proposals page shows to this person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalsView {
    /// Pending proposals of every association (council) or this
    /// association's cells in any state (association admin).
    pub cells: Vec<ProposedCell>,
    pub can_decide: bool,
    /// The association an admin proposes for.
    pub proposing_for: Option<Association>,
    pub cities: Vec<City>,
    pub city_id: Option<i64>,
    pub districts: Vec<District>,
    pub types: Vec<AssistanceType>,
    /// Today (Saudi time), the default start of a proposal.
    pub today: String,
    /// The council is looking at the approved cells in force (to end some),
    /// not at the pending proposals.
    pub showing_in_force: bool,
}

/// The proposals page: pending proposals (council), cells in force (council,
/// to end some), or the association's own cells (association admin).
#[server(endpoint = "get_coverage_proposals")]
pub async fn get_coverage_proposals(
    city_id: Option<i64>,
    show: Option<String>,
) -> Result<ProposalsView, AppError> {
    serve(|ctx| coverage_proposals(ctx, city_id, show)).await
}

/// The cells this caller works on, with the form's choices.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn coverage_proposals(
    ctx: Ctx,
    city_id: Option<i64>,
    show: Option<String>,
) -> Result<ProposalsView, AppError> {
    let (user, administered) = council_or_association_admin(&ctx).await?;
    let db = ctx.db();
    let proposing_for = match administered {
        Some(id) => crate::associations::db::list(db)
            .await?
            .into_iter()
            .find(|a| a.id == id),
        None => None,
    };
    let showing_in_force = user.is_council_admin() && show.as_deref() == Some("in_force");
    let query = if showing_in_force {
        db::CellQuery {
            status: Some(super::ProposalStatus::Approved),
            city_id,
            still_valid_at: Some(now()),
            ..Default::default()
        }
    } else if user.is_council_admin() {
        db::CellQuery {
            status: Some(super::ProposalStatus::Proposed),
            ..Default::default()
        }
    } else {
        db::CellQuery {
            association_id: proposing_for.as_ref().map(|a| a.id),
            ..Default::default()
        }
    };
    let cells = db::list_cells(db, query, 500).await?;
    let cities = crate::places::db::list_cities(db).await?;
    let districts = match city_id {
        Some(city) => crate::places::db::list_districts(db, city).await?,
        None => Vec::new(),
    };
    Ok(ProposalsView {
        cells,
        can_decide: user.is_council_admin(),
        proposing_for,
        cities,
        city_id,
        districts,
        types: crate::assistance::db::list_active(db).await?,
        today: crate::time::format_date(now()),
        showing_in_force,
    })
}

/// An association admin proposes cells: one assistance type and role for one
/// district, or for every district of a city.
#[server(endpoint = "propose_coverage")]
pub async fn propose_coverage(
    city_id: i64,
    district_id: String,
    assistance_type_id: i64,
    role: String,
    valid_from: String,
    valid_to: Option<String>,
) -> Result<(), AppError> {
    let form = ProposalForm {
        city_id,
        district_id,
        assistance_type_id,
        role,
        valid_from,
        valid_to,
    };
    serve(|ctx| propose(ctx, form)).await
}

/// The proposal form as posted.
#[cfg(feature = "ssr")]
struct ProposalForm {
    city_id: i64,
    district_id: String,
    assistance_type_id: i64,
    role: String,
    valid_from: String,
    valid_to: Option<String>,
}

/// Proposes the cells for the caller's association, audited.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(assistance_type_id = form.assistance_type_id))]
async fn propose(ctx: Ctx, form: ProposalForm) -> Result<(), AppError> {
    let ProposalForm {
        city_id,
        district_id,
        assistance_type_id,
        role,
        valid_from,
        valid_to,
    } = form;
    let user = ctx.require(Requirement::SignedIn).await?;
    let Some(&association_id) = user.administered_association_ids().first() else {
        return Err(ctx
            .require(Requirement::CouncilAdmin)
            .await
            .err()
            .unwrap_or(AppError::Forbidden));
    };
    let role = CoverageRole::parse(&role)
        .ok_or_else(|| AppError::validation("role", ErrorKey::BadRequest))?;
    let valid_from = crate::time::day_start(&valid_from)
        .ok_or_else(|| AppError::validation("valid_from", ErrorKey::DateInvalid))?;
    let valid_to = match valid_to.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => Some(
            crate::time::day_start(raw)
                .filter(|to| *to > valid_from)
                .ok_or_else(|| AppError::validation("valid_to", ErrorKey::DateInvalid))?,
        ),
        None => None,
    };
    let districts = crate::places::db::list_districts(ctx.db(), city_id).await?;
    let district_ids: Vec<i64> = if district_id == "all" {
        districts.iter().map(|d| d.id).collect()
    } else {
        let id: i64 = district_id.parse().unwrap_or(-1);
        districts
            .iter()
            .filter(|d| d.id == id)
            .map(|d| d.id)
            .collect()
    };
    if district_ids.is_empty() {
        return Err(AppError::validation(
            "district_id",
            ErrorKey::DistrictUnknown,
        ));
    }
    let types = crate::assistance::db::list_active(ctx.db()).await?;
    if !types.iter().any(|t| t.id == assistance_type_id) {
        return Err(AppError::validation(
            "assistance_type_id",
            ErrorKey::BadRequest,
        ));
    }
    let audit = ctx
        .event(audit::action::COVERAGE_PROPOSED)
        .acting_for(Some(association_id))
        .subject("assistance_type", assistance_type_id)
        .detail(format!("{} cells, {}", district_ids.len(), role.as_str()));
    db::propose(
        ctx.db(),
        &db::Proposal {
            association_id,
            district_ids: &district_ids,
            assistance_type_id,
            role,
            valid_from,
            valid_to,
            proposed_by: user.user_id,
        },
        audit,
    )
    .await?;
    leptos_axum::redirect(super::PROPOSALS_PAGE);
    Ok(())
}

/// The council approves or rejects a proposed cell, or ends an approved one.
#[server(endpoint = "decide_coverage")]
pub async fn decide_coverage(
    cell_id: i64,
    decision: String,
    note: Option<String>,
) -> Result<(), AppError> {
    serve(|ctx| decide(ctx, cell_id, decision, note)).await
}

/// Approves, rejects or ends one cell, audited with the council's note.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(cell_id = cell_id))]
async fn decide(
    ctx: Ctx,
    cell_id: i64,
    decision: String,
    note: Option<String>,
) -> Result<(), AppError> {
    let user = ctx.require(Requirement::CouncilAdmin).await?;
    let note = note
        .map(|n| n.trim().chars().take(500).collect::<String>())
        .filter(|n| !n.is_empty());
    let event = |action| {
        let mut event = ctx.event(action).subject("coverage_cell", cell_id);
        event.detail = note.clone();
        event
    };
    match decision.as_str() {
        "approve" | "reject" => {
            let approve = decision == "approve";
            let action = if approve {
                audit::action::COVERAGE_APPROVED
            } else {
                audit::action::COVERAGE_REJECTED
            };
            db::decide(
                ctx.db(),
                cell_id,
                approve,
                note.as_deref(),
                user.user_id,
                event(action),
            )
            .await?;
        }
        "end" => {
            let audit = event(audit::action::COVERAGE_ENDED);
            db::end_cell(ctx.db(), cell_id, user.user_id, audit).await?;
        }
        _ => return Err(AppError::validation("decision", ErrorKey::BadRequest)),
    }
    leptos_axum::redirect(&if decision == "end" {
        format!("{}?show=in_force", super::PROPOSALS_PAGE)
    } else {
        super::PROPOSALS_PAGE.to_string()
    });
    Ok(())
}
