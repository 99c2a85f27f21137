//! The staff flow, step by step: open a file from an approved financing
//! line, record documents, check eligibility, refer, record the lender's
//! approval (warned at the exposure limit), the disbursement with the
//! association's guarantee, and repayments.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{exposure_view, reach_file, staff_of, today},
    crate::audit::{AuditEvent, action},
    crate::error::ErrorKey,
    crate::financing::{
        Applicant, Document, DocumentKind, Guarantee, Guarantor, KafalaKind, LoanStatus, Referral,
        check_eligibility, db, parse_kafala, schedule,
    },
    crate::identity::{Ctx, CurrentUser, serve},
    crate::paths::FINANCING_FILE_PAGE,
    crate::time::SaudiDate,
};

#[cfg(feature = "ssr")]
pub(super) fn file_page(file_id: i64) -> String {
    format!("{FINANCING_FILE_PAGE}/{file_id}")
}

#[cfg(feature = "ssr")]
pub(super) fn riyals(field: &str, raw: &str) -> Result<i64, AppError> {
    crate::text::parse_riyals(raw.trim())
        .filter(|h| *h > 0)
        .ok_or_else(|| AppError::validation(field, ErrorKey::AmountInvalid))
}

#[cfg(feature = "ssr")]
pub(super) fn date(field: &str, raw: &str) -> Result<SaudiDate, AppError> {
    SaudiDate::parse(raw).ok_or_else(|| AppError::validation(field, ErrorKey::DateInvalid))
}

#[cfg(feature = "ssr")]
pub(super) fn months(raw: &str) -> Result<i64, AppError> {
    crate::text::fold_digits(raw.trim())
        .parse::<i64>()
        .ok()
        .filter(|m| (1..=120).contains(m))
        .ok_or_else(|| AppError::validation("months", ErrorKey::ValueInvalid))
}

/// A file the caller may act on (staff of its association).
#[cfg(feature = "ssr")]
pub(super) async fn acting_on(
    ctx: &Ctx,
    file_id: i64,
) -> Result<(CurrentUser, db::FileRecord), AppError> {
    let (user, file, may_act) = reach_file(ctx, file_id).await?;
    if !may_act {
        return Err(ctx.deny(format!("financing_file {file_id}")).await);
    }
    Ok((user, file))
}

/// How every action on a file's loan begins: the caller acts for the file's
/// association, and the loan is at the step the action needs (`at`); a
/// loan at any other step (or none yet) is refused as a conflict.
#[cfg(feature = "ssr")]
pub(super) struct LoanStep {
    pub user: CurrentUser,
    pub file: db::FileRecord,
    pub loan: db::LoanRecord,
}

#[cfg(feature = "ssr")]
impl LoanStep {
    pub(super) async fn reach(
        ctx: &Ctx,
        file_id: i64,
        at: impl Fn(&db::LoanRecord) -> bool,
    ) -> Result<Self, AppError> {
        let (user, file) = acting_on(ctx, file_id).await?;
        let loan = db::loan_of_file(ctx.db(), file_id)
            .await?
            .filter(|l| at(l))
            .ok_or(AppError::Conflict(ErrorKey::FinancingStep))?;
        Ok(Self { user, file, loan })
    }

    /// The audit event of `action` on this loan, for the file's association.
    pub(super) fn event(&self, ctx: &Ctx, action: &'static str) -> AuditEvent<'static> {
        ctx.event(action)
            .acting_for(Some(self.file.association_id))
            .subject("loan", self.loan.id)
    }
}

/// Whole years from `birth` to `today`.
#[cfg(feature = "ssr")]
fn age(birth: SaudiDate, today: SaudiDate) -> i64 {
    let years = today.year() - birth.year();
    match birth.add_months(12 * years) {
        Some(birthday) if birthday > today => years - 1,
        _ => years,
    }
}

/// Opens the financing file of an approved financing line the acting
/// association serves.
#[server(endpoint = "open_financing_file")]
pub async fn open_financing_file(
    line_id: i64,
    activity: String,
    requested: String,
    months: String,
    birth_date: String,
    monthly_income: String,
    #[server(default)] commercial_registration: String,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let (user, association_id) = staff_of(&ctx).await?;
        let db = ctx.db();
        let (household_id, owner, state, _) = db::financing_line(db, line_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if owner != Some(association_id) {
            return Err(ctx.deny(format!("line {line_id}")).await);
        }
        if !matches!(state.as_str(), "approved" | "fulfilled") {
            return Err(AppError::Conflict(ErrorKey::FinancingStep));
        }
        if !crate::registry::CRAFTS.contains(&activity.as_str()) {
            return Err(AppError::validation("activity", ErrorKey::ValueInvalid));
        }
        let birth = date("birth_date", &birth_date)?;
        let income = match monthly_income.trim() {
            "" | "0" | "٠" => 0,
            raw => crate::text::parse_riyals(raw)
                .ok_or_else(|| AppError::validation("monthly_income", ErrorKey::AmountInvalid))?,
        };
        let file = db::NewFile {
            line_id,
            household_id,
            association_id,
            activity,
            requested: riyals("requested", &requested)?,
            months: super::flow::months(&months)?,
            applicant_birth_date: birth.to_string(),
            monthly_income: income,
            commercial_registration: !commercial_registration.trim().is_empty(),
            opened_by: user.user_id,
        };
        let event = ctx
            .event(action::FINANCING_FILE_OPENED)
            .acting_for(Some(association_id))
            .detail(format!("line {line_id}"));
        let id = match db::open_file(db, &file, event).await {
            Ok(id) => id,
            Err(error) if crate::database::is_unique_violation(&error) => {
                return Err(AppError::Conflict(ErrorKey::AlreadyDecided));
            }
            Err(error) => return Err(error.into()),
        };
        leptos_axum::redirect(&file_page(id));
        Ok(())
    })
    .await
}

/// Records a document of the checklist (received on a day; the
/// certificate's expiry).
#[server(endpoint = "record_financing_document")]
pub async fn record_financing_document(
    file_id: i64,
    kind: String,
    received_on: String,
    #[server(default)] expires_on: String,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let (user, file) = acting_on(&ctx, file_id).await?;
        let kind = DocumentKind::parse(&kind).ok_or(AppError::BadRequest)?;
        let received = date("received_on", &received_on)?;
        let expires = match expires_on.trim() {
            "" => None,
            raw => Some(date("expires_on", raw)?.to_string()),
        };
        if kind == DocumentKind::Certificate && expires.is_none() {
            return Err(AppError::validation("expires_on", ErrorKey::DateInvalid));
        }
        let document = Document {
            kind,
            received_on: received.to_string(),
            expires_on: expires,
        };
        let event = ctx
            .event(action::FINANCING_DOCUMENT_RECORDED)
            .acting_for(Some(file.association_id))
            .subject("financing_file", file_id)
            .detail(kind.as_str());
        db::save_document(ctx.db(), file_id, &document, user.user_id, event).await?;
        leptos_axum::redirect(&file_page(file_id));
        Ok(())
    })
    .await
}

/// Checks the file against the settings in force today; each rule's result
/// is stored with the file.
#[server(endpoint = "check_financing_eligibility")]
pub async fn check_financing_eligibility(file_id: i64) -> Result<(), AppError> {
    serve(|ctx| async move {
        let (_, file) = acting_on(&ctx, file_id).await?;
        let db = ctx.db();
        let today = today();
        let (settings_id, settings, _) = db::settings(db, &today.to_string()).await?;
        let certificate = db::documents(db, file_id)
            .await?
            .into_iter()
            .find(|d| d.kind == DocumentKind::Certificate)
            .and_then(|d| d.expires_on.as_deref().and_then(SaudiDate::parse));
        // The household's previous loan least repaid (by share) decides
        // the further-loan rule.
        let previous_loan = db::previous_loans(db, file.household_id, file_id)
            .await?
            .into_iter()
            .min_by_key(|(principal, repaid)| {
                i128::from(*repaid) * 10_000 / i128::from((*principal).max(1))
            });
        let applicant = Applicant {
            previous_loan,
            age: SaudiDate::parse(&file.applicant_birth_date).map_or(0, |b| age(b, today)),
            monthly_income: file.monthly_income,
            has_commercial_registration: file.commercial_registration,
            certificate_expires: certificate,
            amount: file.requested,
            months: file.months,
        };
        let results = check_eligibility(&settings.eligibility, &applicant, today);
        let passed = results.iter().all(|(_, ok)| *ok);
        let event = ctx
            .event(action::FINANCING_ELIGIBILITY_CHECKED)
            .acting_for(Some(file.association_id))
            .subject("financing_file", file_id)
            .detail(if passed { "eligible" } else { "not_eligible" });
        db::save_eligibility(db, file_id, &results, settings_id, event).await?;
        leptos_axum::redirect(&file_page(file_id));
        Ok(())
    })
    .await
}

/// Refers an eligible file to the bank or to the association's own
/// portfolio; the loan is created, referred.
#[server(endpoint = "refer_financing_file")]
pub async fn refer_financing_file(file_id: i64, to: String) -> Result<(), AppError> {
    serve(|ctx| async move {
        let (_, file) = acting_on(&ctx, file_id).await?;
        let referral = Referral::parse(&to)
            .ok_or_else(|| AppError::validation("to", ErrorKey::ReferralIncomplete))?;
        if file.eligible != Some(true) {
            return Err(AppError::Conflict(ErrorKey::FinancingNotEligible));
        }
        if file.referral.is_some() {
            return Err(AppError::Conflict(ErrorKey::FinancingStep));
        }
        let event = ctx
            .event(action::FINANCING_REFERRED)
            .acting_for(Some(file.association_id))
            .subject("financing_file", file_id)
            .detail(referral.as_str());
        db::refer(ctx.db(), &file, referral, event).await?;
        leptos_axum::redirect(&file_page(file_id));
        Ok(())
    })
    .await
}

/// Records the lender's approval (amount and term). When the association's
/// exposure with this loan (guaranteed in full) would pass its limit, the
/// approval needs `confirm_over_limit`.
#[server(endpoint = "approve_loan")]
pub async fn approve_loan(
    file_id: i64,
    amount: String,
    months: String,
    #[server(default)] confirm_over_limit: String,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let step = LoanStep::reach(&ctx, file_id, |l| l.status == LoanStatus::Referred).await?;
        let db = ctx.db();
        let LoanStep { file, loan, .. } = &step;
        let principal = riyals("amount", &amount)?;
        let months = super::flow::months(&months)?;
        let view = exposure_view(db, file.association_id, today()).await?;
        let over = view
            .limit
            .is_some_and(|limit| view.figures.exposure + principal > limit);
        if over && confirm_over_limit.trim().is_empty() {
            return Err(AppError::Conflict(ErrorKey::FinancingOverLimit));
        }
        let event = step.event(&ctx, action::LOAN_APPROVED).detail(if over {
            "over_limit_confirmed"
        } else {
            "within_limit"
        });
        if !db::approve(db, loan.id, principal, months, event).await? {
            return Err(AppError::Conflict(ErrorKey::FinancingStep));
        }
        leptos_axum::redirect(&file_page(file_id));
        Ok(())
    })
    .await
}

/// Records the disbursement: the day, the first due date (the schedule is
/// drawn from it) and the association as guarantor (a payment kafala by
/// default, for a share of the outstanding balance in percent).
#[server(endpoint = "disburse_loan")]
pub async fn disburse_loan(
    file_id: i64,
    disbursed_on: String,
    first_due_on: String,
    #[server(default)] share_percent: String,
    #[server(default)] kafala: String,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let step = LoanStep::reach(&ctx, file_id, |l| l.status == LoanStatus::Approved).await?;
        let db = ctx.db();
        let LoanStep { user, file, loan } = &step;
        let disbursed = date("disbursed_on", &disbursed_on)?;
        let first_due = date("first_due_on", &first_due_on)?;
        if first_due <= disbursed {
            return Err(AppError::validation("first_due_on", ErrorKey::DateInvalid));
        }
        let share = match crate::text::fold_digits(share_percent.trim()).as_str() {
            "" => 100,
            raw => raw
                .parse::<i64>()
                .ok()
                .filter(|p| (0..=100).contains(p))
                .ok_or_else(|| AppError::validation("share_percent", ErrorKey::ValueInvalid))?,
        };
        let kind = match kafala.trim() {
            "" => KafalaKind::Payment,
            raw => parse_kafala(raw).ok_or(AppError::BadRequest)?,
        };
        let term = u32::try_from(loan.months).map_err(|_| AppError::BadRequest)?;
        let plan = schedule(loan.principal, term, first_due)
            .map_err(|_| AppError::validation("first_due_on", ErrorKey::DateInvalid))?;
        let guarantee = db::NewGuarantee {
            guarantee: Guarantee {
                guarantor: Guarantor::Association,
                kind,
                share_basis_points: share * 100,
                cap: None,
            },
            association_id: Some(file.association_id),
            name: None,
            starts_on: disbursed.to_string(),
            ends_on: None,
        };
        let event = step.event(&ctx, action::LOAN_DISBURSED);
        let done = db::disburse(
            db,
            loan,
            &disbursed.to_string(),
            &plan,
            &guarantee,
            user.user_id,
            event,
        )
        .await?;
        if !done {
            return Err(AppError::Conflict(ErrorKey::FinancingStep));
        }
        leptos_axum::redirect(&file_page(file_id));
        Ok(())
    })
    .await
}

/// Enters a repayment (allocated to the oldest instalment first); the
/// household's continuity is recomputed shortly.
#[server(endpoint = "enter_repayment")]
pub async fn enter_repayment(
    file_id: i64,
    amount: String,
    paid_on: String,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let step = LoanStep::reach(&ctx, file_id, |l| l.status.is_running()).await?;
        let db = ctx.db();
        let LoanStep { user, loan, .. } = &step;
        let amount = riyals("amount", &amount)?;
        let paid_on = date("paid_on", &paid_on)?;
        if paid_on > today() {
            return Err(AppError::validation("paid_on", ErrorKey::DateInvalid));
        }
        let event = step.event(&ctx, action::REPAYMENT_ENTERED);
        db::add_repayment(
            db,
            loan,
            amount,
            &paid_on.to_string(),
            "staff",
            user.user_id,
            event,
        )
        .await?;
        leptos_axum::redirect(&file_page(file_id));
        Ok(())
    })
    .await
}

/// Reschedules the file's running loan: what is outstanding over `months`
/// from `first_due_on`; the old schedule is kept in history.
#[server(endpoint = "reschedule_loan")]
pub async fn reschedule_loan(
    file_id: i64,
    months: String,
    first_due_on: String,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let step = LoanStep::reach(&ctx, file_id, |l| {
            l.status.is_running() && l.outstanding > 0
        })
        .await?;
        let db = ctx.db();
        let LoanStep { loan, .. } = &step;
        let term = super::flow::months(&months)?;
        let first_due = date("first_due_on", &first_due_on)?;
        let plan = schedule(loan.outstanding, term as u32, first_due)
            .map_err(|_| AppError::validation("first_due_on", ErrorKey::DateInvalid))?;
        let event = step
            .event(&ctx, action::LOAN_RESCHEDULED)
            .detail(format!("schedule {}", loan.schedule_no + 1));
        if !db::reschedule(db, loan, term, &plan, event).await? {
            return Err(AppError::Conflict(ErrorKey::FinancingStep));
        }
        leptos_axum::redirect(&file_page(file_id));
        Ok(())
    })
    .await
}
