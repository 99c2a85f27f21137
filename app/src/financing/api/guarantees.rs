//! Guarantees after the disbursement: another guarantor (a person or an
//! entity, a payment or an appearance kafala), a call on the association's
//! guarantee (paid to the lender: the loan's outstanding balance falls by
//! it) or a recovery from the family, and a write-off.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::flow::{LoanStep, date, file_page, riyals},
    super::today,
    crate::audit::action,
    crate::error::ErrorKey,
    crate::financing::{Guarantee, Guarantor, call_room, db, parse_guarantor, parse_kafala},
    crate::identity::serve,
};

/// Adds a guarantor to the file's disbursed loan: a person or another
/// entity (by name), a payment kafala for a share of the outstanding
/// balance (capped by an amount if one was agreed) or an appearance kafala
/// (no money exposure), from a day, to a day if it ends.
#[server(endpoint = "add_loan_guarantee")]
#[allow(clippy::too_many_arguments)]
pub async fn add_loan_guarantee(
    file_id: i64,
    guarantor: String,
    name: String,
    kafala: String,
    #[server(default)] share_percent: String,
    #[server(default)] cap: String,
    starts_on: String,
    #[server(default)] ends_on: String,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let step = LoanStep::reach(&ctx, file_id, |l| l.schedule_no > 0).await?;
        let db = ctx.db();
        let LoanStep { user, loan, .. } = &step;
        // The association's own guarantee is recorded with the disbursement.
        let guarantor = parse_guarantor(guarantor.trim())
            .filter(|g| *g != Guarantor::Association)
            .ok_or_else(|| AppError::validation("guarantor", ErrorKey::ValueInvalid))?;
        let name: String = name.trim().chars().take(200).collect();
        if name.chars().count() < 2 {
            return Err(AppError::validation("name", ErrorKey::ValueInvalid));
        }
        let kind = parse_kafala(kafala.trim())
            .ok_or_else(|| AppError::validation("kafala", ErrorKey::ValueInvalid))?;
        let share = match crate::text::fold_digits(share_percent.trim()).as_str() {
            "" => 100,
            raw => raw
                .parse::<i64>()
                .ok()
                .filter(|p| (0..=100).contains(p))
                .ok_or_else(|| AppError::validation("share_percent", ErrorKey::ValueInvalid))?,
        };
        let cap = match cap.trim() {
            "" => None,
            raw => Some(riyals("cap", raw)?),
        };
        let starts = date("starts_on", &starts_on)?;
        let ends = match ends_on.trim() {
            "" => None,
            raw => Some(date("ends_on", raw)?),
        };
        if ends.is_some_and(|e| e < starts) {
            return Err(AppError::validation("ends_on", ErrorKey::DateInvalid));
        }
        let guarantee = db::NewGuarantee {
            guarantee: Guarantee {
                guarantor,
                kind,
                share_basis_points: share * 100,
                cap,
            },
            association_id: None,
            name: Some(name),
            starts_on: starts.to_string(),
            ends_on: ends.map(|e| e.to_string()),
        };
        let event = step
            .event(&ctx, action::LOAN_GUARANTEE_ADDED)
            .detail(format!(
                "{} {}",
                crate::financing::guarantor_str(guarantor),
                crate::financing::kafala_str(kind)
            ));
        db::add_guarantee(db, loan.id, &guarantee, user.user_id, event).await?;
        leptos_axum::redirect(&file_page(file_id));
        Ok(())
    })
    .await
}

/// Records a call on the association's guarantee of the file's loan (the
/// lender claims from it: at most the guaranteed amount not yet called, and
/// at most what the loan still owes; the call is paid to the lender, so the
/// loan's outstanding balance falls by it) or, with `recovery`, what the
/// association recovered from the family (at most what was called and not
/// yet recovered; the loan is not touched).
#[server(endpoint = "record_guarantee_call")]
pub async fn record_guarantee_call(
    file_id: i64,
    amount: String,
    on: String,
    #[server(default)] recovery: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let step = LoanStep::reach(&ctx, file_id, |l| l.schedule_no > 0).await?;
        let db = ctx.db();
        let LoanStep { user, file, loan } = &step;
        let guarantee = db::guarantees(db, Some(loan.id))
            .await?
            .into_iter()
            .find(|g| {
                g.guarantee.guarantor == Guarantor::Association
                    && g.association_id == Some(file.association_id)
            })
            .ok_or(AppError::Conflict(ErrorKey::FinancingStep))?;
        let amount = riyals("amount", &amount)?;
        let on = date("on", &on)?;
        if on > today() {
            return Err(AppError::validation("on", ErrorKey::DateInvalid));
        }
        let recovery = !recovery.trim().is_empty();
        if !recovery && !loan.status.is_running() {
            return Err(AppError::Conflict(ErrorKey::FinancingStep));
        }
        let (called, recovered) = db::calls_and_recoveries(db, guarantee.id).await?;
        let room = if recovery {
            called - recovered
        } else {
            call_room(
                &guarantee.guarantee,
                loan.principal,
                loan.outstanding,
                called,
            )
        };
        if amount > room {
            return Err(AppError::validation("amount", ErrorKey::AmountInvalid));
        }
        let note: String = note.trim().chars().take(500).collect();
        let event = ctx
            .event(if recovery {
                action::GUARANTEE_RECOVERY_RECORDED
            } else {
                action::GUARANTEE_CALLED
            })
            .acting_for(Some(file.association_id))
            .subject("loan", loan.id);
        db::add_call_or_recovery(
            db,
            loan.id,
            guarantee.id,
            recovery,
            amount,
            &on.to_string(),
            &note,
            user.user_id,
            event,
        )
        .await?;
        leptos_axum::redirect(&file_page(file_id));
        Ok(())
    })
    .await
}

/// Writes the file's running loan off (the lender gave up what is
/// outstanding), with the reason, audited. The loan leaves the portfolio's
/// outstanding, PAR and exposure; what the association was called and has
/// not recovered stays its position, and recoveries may still be recorded.
#[server(endpoint = "write_off_loan")]
pub async fn write_off_loan(file_id: i64, on: String, reason: String) -> Result<(), AppError> {
    serve(|ctx| async move {
        let step = LoanStep::reach(&ctx, file_id, |l| l.status.is_running()).await?;
        let db = ctx.db();
        let LoanStep { user, loan, .. } = &step;
        let reason: String = reason.trim().chars().take(500).collect();
        if reason.chars().count() < 3 {
            return Err(AppError::validation(
                "reason",
                ErrorKey::FinancingReasonRequired,
            ));
        }
        let on = date("on", &on)?;
        if on > today() {
            return Err(AppError::validation("on", ErrorKey::DateInvalid));
        }
        let event = step
            .event(&ctx, action::LOAN_WRITTEN_OFF)
            .detail(format!("{} {reason}", loan.outstanding));
        if !db::write_off(db, loan, &on.to_string(), &reason, user.user_id, event).await? {
            return Err(AppError::Conflict(ErrorKey::FinancingStep));
        }
        leptos_axum::redirect(&file_page(file_id));
        Ok(())
    })
    .await
}
