//! Server functions of the council's duplicate review: the open pairs a page
//! at a time (each side's full record an audited read), and the decision.
//! Re-exported by `api`.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    crate::audit,
    crate::error::ErrorKey,
    crate::identity::{Ctx, Requirement, serve},
};

/// Pairs of possible duplicates shown on one page of the council's list.
pub const DUPLICATES_PER_PAGE: i64 = 20;

/// One page of the council's duplicate review queue, with the total.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DuplicatePage {
    pub candidates: Vec<super::DuplicateCandidate>,
    /// Open pairs in all pages.
    pub total: i64,
    /// This page, from 1.
    pub page: i64,
    pub pages: i64,
}

/// The council's review queue of possible duplicate households, a page at a time.
#[server(endpoint = "get_duplicate_candidates")]
pub async fn get_duplicate_candidates(page: Option<i64>) -> Result<DuplicatePage, AppError> {
    serve(|ctx| duplicate_candidates(ctx, page)).await
}

/// The open candidates, each side's full record an audited read.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn duplicate_candidates(ctx: Ctx, page: Option<i64>) -> Result<DuplicatePage, AppError> {
    ctx.require(Requirement::CouncilAdmin).await?;
    let total = super::duplicates::count_open_candidates(ctx.db()).await?;
    let (page, pages, offset) = crate::ui::page_window(total, DUPLICATES_PER_PAGE, page);
    let candidates =
        super::duplicates::open_candidates(ctx.db(), DUPLICATES_PER_PAGE, offset).await?;
    // Both full records are shown side by side: an audited read.
    for candidate in &candidates {
        for side in [&candidate.a, &candidate.b] {
            let event = ctx
                .event(audit::action::HOUSEHOLD_VIEWED)
                .subject("household", side.household.id)
                .detail(format!("duplicate review {}", candidate.id));
            audit::record(ctx.db(), event).await?;
        }
    }
    Ok(DuplicatePage {
        candidates,
        total,
        page,
        pages,
    })
}

/// The council decides a candidate pair: `same` (merge) or `different`.
#[server(endpoint = "decide_duplicate")]
pub async fn decide_duplicate(candidate_id: i64, decision: String) -> Result<(), AppError> {
    serve(|ctx| decide(ctx, candidate_id, decision)).await
}

/// Merges the pair or marks it different, audited.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(candidate_id = candidate_id))]
async fn decide(ctx: Ctx, candidate_id: i64, decision: String) -> Result<(), AppError> {
    use super::duplicates::{self, DuplicateError};
    let user = ctx.require(Requirement::CouncilAdmin).await?;
    let event = ctx
        .event(audit::action::DUPLICATE_DECIDED)
        .subject("duplicate_candidate", candidate_id)
        .detail(decision.clone());
    let result = match decision.as_str() {
        "same" => duplicates::merge(ctx.db(), candidate_id, user.user_id, event)
            .await
            .map(|_| ()),
        "different" => {
            duplicates::mark_different(ctx.db(), candidate_id, user.user_id, event).await
        }
        _ => return Err(AppError::validation("decision", ErrorKey::BadRequest)),
    };
    result.map_err(|e| match e {
        DuplicateError::NotOpen => AppError::Conflict(ErrorKey::AlreadyDecided),
        DuplicateError::HeadsNotVerified => AppError::Conflict(ErrorKey::MergeNeedsVerifiedHeads),
        DuplicateError::Database(e) => AppError::from(e),
    })?;
    leptos_axum::redirect(super::DUPLICATES_PAGE);
    Ok(())
}
