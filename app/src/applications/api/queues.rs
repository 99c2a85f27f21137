//! The queues staff work: an association's lines (or the council's
//! unrouted ones) and the households an association serves. Reading a
//! list of households is audited.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::super::{LineState, LineSummary, QueueFilter, ServedFamily};
use crate::assistance::AssistanceType;
use crate::associations::Association;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::super::db,
    crate::audit::ListRead,
    crate::identity::{Ctx, Requirement, serve},
};

/// Whose queue a staff page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueOwner {
    /// `None`: the council's unrouted queue.
    pub association: Option<Association>,
    /// The associations the person may switch between.
    pub choices: Vec<Association>,
}

impl QueueOwner {
    /// The association whose queue it is (`None`: the council's).
    pub fn association_id(&self) -> Option<i64> {
        self.association.as_ref().map(|a| a.id)
    }
}

/// Resolves whose queue: the requested association if the person works
/// there (or is the council admin), else their first; the council admin
/// without an association role gets the unrouted queue.
#[cfg(feature = "ssr")]
async fn queue_owner(ctx: &Ctx, requested: Option<i64>) -> Result<QueueOwner, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let all = crate::associations::db::list(ctx.db()).await?;
    let mine = user.association_ids();
    let id = match requested {
        Some(id) => {
            ctx.require(Requirement::AssociationMember(id)).await?;
            Some(id)
        }
        None => match mine.first() {
            Some(id) => Some(*id),
            None if user.is_council_admin() => None,
            None => {
                ctx.require(Requirement::CouncilAdmin).await?;
                None
            }
        },
    };
    let choices = all
        .iter()
        .filter(|a| user.is_council_admin() || mine.contains(&a.id))
        .cloned()
        .collect();
    Ok(QueueOwner {
        association: id.and_then(|id| all.into_iter().find(|a| a.id == id)),
        choices,
    })
}

/// A page of a queue with its counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueView {
    pub owner: QueueOwner,
    pub filter: QueueFilter,
    pub lines: Vec<LineSummary>,
    pub total: i64,
    pub counts: Vec<(LineState, i64)>,
    pub types: Vec<AssistanceType>,
    /// The districts the queue's lines come from, for its district filter.
    pub districts: Vec<crate::places::District>,
    pub now: i64,
}

/// A page of a queue, filtered and sorted as the query string asks.
#[server(endpoint = "get_queue")]
pub async fn get_queue(
    association: Option<i64>,
    state_filter: Option<String>,
    assistance_type_id: Option<i64>,
    district_id: Option<i64>,
    older_than_days: Option<i64>,
    sort: Option<String>,
    page: Option<i64>,
) -> Result<QueueView, AppError> {
    let filter = QueueFilter {
        state: state_filter.as_deref().and_then(LineState::parse),
        assistance_type_id,
        district_id,
        older_than_days,
        newest_first: sort.as_deref() == Some("newest"),
        page: page.unwrap_or(1).clamp(1, 100_000),
    };
    serve(|ctx| queue(ctx, association, filter)).await
}

/// The queue's page and counts; the read is audited as a list read.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn queue(
    ctx: Ctx,
    association: Option<i64>,
    filter: QueueFilter,
) -> Result<QueueView, AppError> {
    let owner = queue_owner(&ctx, association).await?;
    let (lines, total, counts) = db::queue(ctx.db(), owner.association_id(), &filter).await?;
    let districts = db::queue_districts(ctx.db(), owner.association_id()).await?;
    ctx.record_list_read(
        owner.association_id(),
        ListRead::shown("queue", lines.len()).of(lines.iter().map(|l| l.household_id)),
    )
    .await?;
    Ok(QueueView {
        owner,
        filter,
        lines,
        total,
        counts,
        types: crate::assistance::db::list_active(ctx.db()).await?,
        districts,
        now: crate::database::now(),
    })
}

/// A page of the households an association serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamiliesView {
    pub owner: QueueOwner,
    pub families: Vec<ServedFamily>,
    pub page: i64,
}

/// "Our families": households with a line or benefit with the association.
#[server(endpoint = "get_our_families")]
pub async fn get_our_families(
    association: Option<i64>,
    page: Option<i64>,
) -> Result<FamiliesView, AppError> {
    serve(|ctx| our_families(ctx, association, page)).await
}

/// The page of served households; empty for the council (no association);
/// the read is audited as a list read.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn our_families(
    ctx: Ctx,
    association: Option<i64>,
    page: Option<i64>,
) -> Result<FamiliesView, AppError> {
    let owner = queue_owner(&ctx, association).await?;
    let Some(association_id) = owner.association_id() else {
        return Ok(FamiliesView {
            owner,
            families: Vec::new(),
            page: 1,
        });
    };
    let page = page.unwrap_or(1).clamp(1, 100_000);
    let size = super::super::QUEUE_PAGE_SIZE;
    let families =
        db::households_served_by(ctx.db(), association_id, size, (page - 1) * size).await?;
    ctx.record_list_read(
        Some(association_id),
        ListRead::shown("our_families", families.len()).of(families.iter().map(|f| f.household_id)),
    )
    .await?;
    Ok(FamiliesView {
        owner,
        families,
        page,
    })
}
