//! Statements: the association's list, one statement's dry run row by row,
//! and applying it. The upload itself is a plain multipart route
//! (`financing::http`), like the household import's.

use leptos::prelude::*;

use crate::error::AppError;
use crate::financing::{StatementSummary, StatementView};

#[cfg(feature = "ssr")]
use {
    super::staff_of,
    crate::audit::action,
    crate::error::ErrorKey,
    crate::financing::statement::{RowOutcome, RowProblem, StatementSource},
    crate::financing::{StatementRowView, db},
    crate::identity::{Ctx, serve},
    crate::paths::FINANCING_STATEMENTS_PAGE,
};

#[cfg(feature = "ssr")]
fn summary(record: &db::StatementRecord) -> StatementSummary {
    StatementSummary {
        id: record.id,
        source: record.source.clone(),
        file_name: record.file_name.clone(),
        status: record.status.clone(),
        uploaded_at: record.uploaded_at,
    }
}

/// A statement of the caller's acting association (another association's
/// is 403 and audited).
#[cfg(feature = "ssr")]
async fn own_statement(ctx: &Ctx, import_id: i64) -> Result<db::StatementRecord, AppError> {
    let (_, association_id) = staff_of(ctx).await?;
    let record = db::statement(ctx.db(), import_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if record.association_id != association_id {
        return Err(ctx.deny(format!("statement {import_id}")).await);
    }
    Ok(record)
}

/// The acting association's latest statements.
#[server(endpoint = "get_statements")]
pub async fn get_statements() -> Result<Vec<StatementSummary>, AppError> {
    serve(|ctx| async move {
        let (_, association_id) = staff_of(&ctx).await?;
        Ok(db::statements_of(ctx.db(), association_id)
            .await?
            .iter()
            .map(summary)
            .collect())
    })
    .await
}

/// One statement with every row's dry-run verdict (and, once applied, its
/// result). National IDs are masked.
#[server(endpoint = "get_statement")]
pub async fn get_statement(import_id: i64) -> Result<StatementView, AppError> {
    serve(|ctx| async move {
        let record = own_statement(&ctx, import_id).await?;
        let rows: Vec<StatementRowView> = db::statement_rows(ctx.db(), import_id)
            .await?
            .into_iter()
            .map(
                |(line_no, reference, national_id, paid_on, amount, outcome, reason, result)| {
                    StatementRowView {
                        line_no,
                        reference,
                        national_id,
                        paid_on,
                        amount,
                        outcome: RowOutcome::parse(&outcome).unwrap_or(RowOutcome::Refuse),
                        problem: RowProblem::parse(&reason),
                        result,
                    }
                },
            )
            .collect();
        let count = |o: RowOutcome| rows.iter().filter(|r| r.outcome == o).count() as i64;
        Ok(StatementView {
            summary: summary(&record),
            to_pay: count(RowOutcome::Pay),
            to_skip: count(RowOutcome::Skip),
            to_refuse: count(RowOutcome::Refuse),
            total_to_pay: rows
                .iter()
                .filter(|r| r.outcome == RowOutcome::Pay)
                .map(|r| r.amount)
                .sum(),
            rows,
        })
    })
    .await
}

/// Applies a statement's dry run, once: each row to pay becomes a
/// repayment (allocated oldest instalment first); a row whose key is
/// already on a repayment pays nothing.
#[server(endpoint = "apply_statement")]
pub async fn apply_statement(import_id: i64) -> Result<(), AppError> {
    serve(|ctx| async move {
        let record = own_statement(&ctx, import_id).await?;
        let (user, _) = staff_of(&ctx).await?;
        let source = StatementSource::parse(&record.source).ok_or(AppError::Internal)?;
        let event = ctx
            .event(action::STATEMENT_APPLIED)
            .acting_for(Some(record.association_id))
            .subject("statement_import", import_id);
        if db::apply_statement(ctx.db(), import_id, source, user.user_id, event)
            .await?
            .is_none()
        {
            return Err(AppError::Conflict(ErrorKey::FinancingStep));
        }
        leptos_axum::redirect(&format!("{FINANCING_STATEMENTS_PAGE}/{import_id}"));
        Ok(())
    })
    .await
}
