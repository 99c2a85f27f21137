//! Server functions of imports: the list, a batch with its rows, mapping an
//! unknown district, checking again, committing and resuming. The upload
//! and the downloads are plain routes (`http.rs`). Every one is for the
//! admins of the batch's association (and the council admin).

use leptos::prelude::*;

use super::{BatchPage, ImportsOverview};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::db::{self, ImportError},
    super::{BATCHES_PER_PAGE, BatchStatus, RowFilter, batch_url},
    crate::audit::{ListRead, action},
    crate::error::ErrorKey,
    crate::identity::{Ctx, Requirement, serve},
};

#[cfg(feature = "ssr")]
impl From<ImportError> for AppError {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::AlreadyCommitted => AppError::Conflict(ErrorKey::ImportAlreadyCommitted),
            ImportError::NotDryRun => AppError::Conflict(ErrorKey::AlreadyDecided),
            ImportError::Database(e) => e.into(),
        }
    }
}

/// The associations the caller may import for, and the one chosen.
#[server(endpoint = "get_imports")]
pub async fn get_imports(
    association: Option<i64>,
    page: Option<i64>,
) -> Result<ImportsOverview, AppError> {
    serve(|ctx| imports(ctx, association, page)).await
}

/// The caller's associations (all of them for the council) and the chosen
/// one's imports; someone who administers none is refused (audited).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn imports(
    ctx: Ctx,
    association: Option<i64>,
    page: Option<i64>,
) -> Result<ImportsOverview, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let administered = user.administered_association_ids();
    let associations = if user.is_council_admin() {
        db::associations(ctx.db(), None).await?
    } else if administered.is_empty() {
        return Err(ctx.deny("imports").await);
    } else {
        db::associations(ctx.db(), Some(&administered)).await?
    };
    let chosen = association.or_else(|| administered.first().copied());
    let (batches, total, page, pages) = match chosen {
        Some(id) => {
            ctx.require(Requirement::AssociationAdmin(id)).await?;
            let total = db::batches_count(ctx.db(), id).await?;
            let (page, pages, offset) = crate::ui::page_window(total, BATCHES_PER_PAGE, page);
            let batches = db::batches(ctx.db(), id, BATCHES_PER_PAGE, offset).await?;
            (batches, total, page, pages)
        }
        None => (Vec::new(), 0, 1, 1),
    };
    Ok(ImportsOverview {
        association_id: chosen,
        associations,
        batches,
        total,
        page,
        pages,
    })
}

/// A batch of the caller's association, or 404/403 (audited).
#[cfg(feature = "ssr")]
async fn own_batch(ctx: &Ctx, batch_id: i64) -> Result<super::BatchSummary, AppError> {
    let batch = db::batch(ctx.db(), batch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    ctx.require(Requirement::AssociationAdmin(batch.association_id))
        .await?;
    Ok(batch)
}

/// A batch, a page of its rows (those needing attention first), and the
/// unknown district names to map.
#[server(endpoint = "get_import_batch")]
pub async fn get_import_batch(
    batch_id: i64,
    all: Option<bool>,
    page: Option<i64>,
) -> Result<BatchPage, AppError> {
    serve(|ctx| import_batch(ctx, batch_id, all.unwrap_or(false), page.unwrap_or(0))).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn import_batch(
    ctx: Ctx,
    batch_id: i64,
    all: bool,
    page: i64,
) -> Result<BatchPage, AppError> {
    let batch = own_batch(&ctx, batch_id).await?;
    let filter = if all {
        RowFilter::All
    } else {
        RowFilter::Attention
    };
    let (rows, rows_in_filter) =
        db::rows_page(ctx.db(), batch_id, batch.kind, filter, page).await?;
    ctx.record_list_read(
        Some(batch.association_id),
        ListRead::shown("import_rows", rows.len()).of(rows.iter().filter_map(|r| r.household_id)),
    )
    .await?;
    let unknown_places = match batch.status {
        BatchStatus::DryRun => db::unknown_places(ctx.db(), batch_id).await?,
        _ => Vec::new(),
    };
    let districts = if unknown_places.is_empty() {
        Vec::new()
    } else {
        db::district_choices(ctx.db()).await?
    };
    Ok(BatchPage {
        batch,
        filter,
        page,
        rows,
        rows_in_filter,
        unknown_places,
        districts,
    })
}

/// Runs the dry run of a batch again over its stored rows.
#[cfg(feature = "ssr")]
async fn check_again(ctx: &Ctx, batch: &super::BatchSummary) -> Result<(), AppError> {
    let stored = db::stored_rows(ctx.db(), batch.id).await?;
    let cells: Vec<&super::rules::Cells> = stored.iter().map(|(_, _, c)| c).collect();
    let evaluations =
        super::check::evaluate(ctx.db(), batch.association_id, batch.kind, &cells).await?;
    let ids: Vec<i64> = stored.iter().map(|(id, _, _)| *id).collect();
    db::replace_dry_run(ctx.db(), batch.id, &ids, &evaluations).await?;
    Ok(())
}

/// Maps a place name of the association's files to a district, once for
/// all its files, then checks the batch again.
#[server(endpoint = "map_import_district")]
pub async fn map_import_district(
    batch_id: i64,
    place: String,
    district_id: i64,
) -> Result<(), AppError> {
    serve(|ctx| map_district(ctx, batch_id, place, district_id)).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn map_district(
    ctx: Ctx,
    batch_id: i64,
    place: String,
    district_id: i64,
) -> Result<(), AppError> {
    let batch = own_batch(&ctx, batch_id).await?;
    let user = ctx.user()?;
    if batch.status != BatchStatus::DryRun {
        return Err(AppError::Conflict(ErrorKey::AlreadyDecided));
    }
    if !db::district_exists(ctx.db(), district_id).await? {
        return Err(AppError::validation(
            "district_id",
            ErrorKey::DistrictUnknown,
        ));
    }
    let (city, district) = place.split_once('|').unwrap_or(("", &place));
    let key = super::rules::place_pair_key(city, district);
    if key == "|" || key.len() > 400 {
        return Err(AppError::BadRequest);
    }
    let audit = ctx
        .event(action::DISTRICT_ALIAS_SAVED)
        .acting_for(Some(batch.association_id))
        .subject("district", district_id)
        .detail(key.chars().take(200).collect::<String>());
    db::save_alias(
        ctx.db(),
        batch.association_id,
        &key,
        district_id,
        user.user_id,
        audit,
    )
    .await?;
    check_again(&ctx, &batch).await?;
    leptos_axum::redirect(&batch_url(batch_id));
    Ok(())
}

/// Runs the dry run again (after the registry or the mappings changed).
#[server(endpoint = "recheck_import")]
pub async fn recheck_import(batch_id: i64) -> Result<(), AppError> {
    serve(|ctx| recheck(ctx, batch_id)).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn recheck(ctx: Ctx, batch_id: i64) -> Result<(), AppError> {
    let batch = own_batch(&ctx, batch_id).await?;
    if batch.status != BatchStatus::DryRun {
        return Err(AppError::Conflict(ErrorKey::AlreadyDecided));
    }
    check_again(&ctx, &batch).await?;
    leptos_axum::redirect(&batch_url(batch_id));
    Ok(())
}

/// Commits a dry run in the background; the page shows its progress.
#[server(endpoint = "commit_import")]
pub async fn commit_import(batch_id: i64) -> Result<(), AppError> {
    serve(|ctx| commit(ctx, batch_id)).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn commit(ctx: Ctx, batch_id: i64) -> Result<(), AppError> {
    let batch = own_batch(&ctx, batch_id).await?;
    let user = ctx.user()?;
    let audit = ctx
        .event(action::IMPORT_COMMIT_STARTED)
        .acting_for(Some(batch.association_id))
        .subject("import_batch", batch_id)
        .detail(format!("{} rows", batch.rows_total));
    db::start_commit(ctx.db(), batch_id, user.user_id, audit).await?;
    start_job(&ctx, &batch);
    leptos_axum::redirect(&batch_url(batch_id));
    Ok(())
}

#[cfg(feature = "ssr")]
fn start_job(ctx: &Ctx, batch: &super::BatchSummary) {
    let by = super::job::Committer {
        user_id: ctx.user.as_ref().map_or(0, |u| u.user_id),
        client_ip: ctx.client_ip.clone(),
    };
    super::job::spawn(
        ctx.db().clone(),
        batch.id,
        batch.association_id,
        batch.kind,
        by,
    );
}

/// Resumes a commit whose job stopped (its server went down).
#[server(endpoint = "resume_import")]
pub async fn resume_import(batch_id: i64) -> Result<(), AppError> {
    serve(|ctx| resume(ctx, batch_id)).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn resume(ctx: Ctx, batch_id: i64) -> Result<(), AppError> {
    let batch = own_batch(&ctx, batch_id).await?;
    if !db::claim_stalled(ctx.db(), batch_id).await? {
        return Err(AppError::Conflict(ErrorKey::AlreadyDecided));
    }
    start_job(&ctx, &batch);
    leptos_axum::redirect(&batch_url(batch_id));
    Ok(())
}
