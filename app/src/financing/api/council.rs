//! The council's view across associations, its settings and limits; the
//! family's own loans.

use leptos::prelude::*;

use crate::error::AppError;
use crate::financing::{CouncilFinancing, MyLoans};

#[cfg(feature = "ssr")]
use {
    super::{exposure_view_of, loan_detail, portfolio, today},
    crate::audit::action,
    crate::error::ErrorKey,
    crate::financing::{EligibilityRules, Settings, db, portfolio::figures},
    crate::identity::{Requirement, serve},
    crate::paths::COUNCIL_FINANCING_PAGE,
    crate::time::SaudiDate,
};

/// Every association's exposure and figures, the totals, the settings in
/// force (council admin).
#[server(endpoint = "get_council_financing")]
pub async fn get_council_financing() -> Result<CouncilFinancing, AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::CouncilAdmin).await?;
        let db = ctx.db();
        let today = today();
        // Every loan read once (grouped queries), then split by association.
        let loans = portfolio(db, None, today).await?;
        let mut by_association: std::collections::HashMap<i64, Vec<_>> = Default::default();
        for (loan, facts) in &loans {
            by_association
                .entry(loan.association_id)
                .or_default()
                .push((loan.clone(), facts.clone()));
        }
        let mut associations = Vec::new();
        for (id, ..) in db::associations(db).await? {
            let theirs = by_association.remove(&id).unwrap_or_default();
            let mut view = exposure_view_of(db, id, &theirs, today).await?;
            // The council sees figures; the families behind them stay with
            // their association.
            view.largest.clear();
            associations.push(view);
        }
        let all: Vec<_> = loans.into_iter().map(|(_, facts)| facts).collect();
        let (_, settings, settings_from) = db::settings(db, &today.to_string()).await?;
        Ok(CouncilFinancing {
            associations,
            totals: figures(&all, today),
            settings,
            settings_from,
            today: today.to_string(),
        })
    })
    .await
}

#[cfg(feature = "ssr")]
fn number(field: &str, raw: &str) -> Result<i64, AppError> {
    crate::text::fold_digits(raw.trim())
        .parse::<i64>()
        .map_err(|_| AppError::validation(field, ErrorKey::FinancingSettingsInvalid))
}

#[cfg(feature = "ssr")]
fn money(field: &str, raw: &str) -> Result<i64, AppError> {
    crate::text::parse_riyals(raw.trim())
        .ok_or_else(|| AppError::validation(field, ErrorKey::FinancingSettingsInvalid))
}

/// Saves the financing settings from a day (council admin): the bank's
/// eligibility figures (riyals), the delinquency bounds ("30,60,90"), the
/// reminder's days before a due date and the share of a previous loan
/// (percent) to be repaid before a further one.
#[server(endpoint = "save_financing_settings")]
#[allow(clippy::too_many_arguments)]
pub async fn save_financing_settings(
    min_age: String,
    max_age: String,
    max_monthly_income: String,
    min_amount: String,
    max_amount: String,
    max_months: String,
    #[server(default)] certificate_required: String,
    #[server(default)] no_commercial_registration: String,
    delinquency_bounds: String,
    reminder_days_before: String,
    valid_from: String,
    #[server(default)] further_loan_percent: String,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let admin = ctx.require(Requirement::CouncilAdmin).await?.clone();
        let bounds = crate::text::fold_digits(&delinquency_bounds)
            .split([',', '،', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| number("delinquency_bounds", s))
            .collect::<Result<Vec<_>, _>>()?;
        let settings = Settings {
            eligibility: EligibilityRules {
                min_age: number("min_age", &min_age)?,
                max_age: number("max_age", &max_age)?,
                max_monthly_income: money("max_monthly_income", &max_monthly_income)?,
                min_amount: money("min_amount", &min_amount)?,
                max_amount: money("max_amount", &max_amount)?,
                max_months: number("max_months", &max_months)?,
                certificate_required: !certificate_required.trim().is_empty(),
                no_commercial_registration: !no_commercial_registration.trim().is_empty(),
                // Percent as typed (50: more than half); left empty, the bank's half.
                further_loan_repaid_bp: match further_loan_percent.trim() {
                    "" => 5_000,
                    raw => number("further_loan_percent", raw)?.saturating_mul(100),
                },
            },
            delinquency_bounds: bounds,
            reminder_days_before: number("reminder_days_before", &reminder_days_before)?,
        };
        if !settings.is_valid() {
            return Err(AppError::validation(
                "settings",
                ErrorKey::FinancingSettingsInvalid,
            ));
        }
        let from = SaudiDate::parse(&valid_from)
            .ok_or_else(|| AppError::validation("valid_from", ErrorKey::DateInvalid))?;
        let event = ctx
            .event(action::FINANCING_SETTINGS_SAVED)
            .detail(from.to_string());
        db::save_settings(ctx.db(), &settings, &from.to_string(), admin.user_id, event).await?;
        leptos_axum::redirect(&format!("{COUNCIL_FINANCING_PAGE}?saved=1"));
        Ok(())
    })
    .await
}

/// Sets an association's exposure limit (riyals) from a day (council admin).
#[server(endpoint = "set_exposure_limit")]
pub async fn set_exposure_limit(
    association_id: i64,
    limit: String,
    valid_from: String,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let admin = ctx.require(Requirement::CouncilAdmin).await?.clone();
        let db = ctx.db();
        if db::association_names(db, association_id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let limit = crate::text::parse_riyals(limit.trim())
            .filter(|l| *l >= 0)
            .ok_or_else(|| AppError::validation("limit", ErrorKey::AmountInvalid))?;
        let from = SaudiDate::parse(&valid_from)
            .ok_or_else(|| AppError::validation("valid_from", ErrorKey::DateInvalid))?;
        let event = ctx
            .event(action::EXPOSURE_LIMIT_SET)
            .subject("association", association_id)
            .detail(format!("{limit} from {from}"));
        db::set_limit(
            db,
            association_id,
            limit,
            &from.to_string(),
            admin.user_id,
            event,
        )
        .await?;
        leptos_axum::redirect(&format!("{COUNCIL_FINANCING_PAGE}?saved=1"));
        Ok(())
    })
    .await
}

/// The signed-in head of household's loans: schedule, paid, due, arrears.
#[server(endpoint = "get_my_loans")]
pub async fn get_my_loans() -> Result<MyLoans, AppError> {
    serve(|ctx| async move {
        let user = ctx.require(Requirement::SignedIn).await?.clone();
        let db = ctx.db();
        let today = today();
        let Some(household_id) = db::household_of(db, &user.national_id).await? else {
            return Ok(MyLoans {
                loans: Vec::new(),
                today: today.to_string(),
            });
        };
        let (_, settings, _) = db::settings(db, &today.to_string()).await?;
        let mut loans = Vec::new();
        for loan in db::loans_of_household(db, household_id).await? {
            loans.push(loan_detail(db, &loan, &settings.delinquency_bounds, today).await?);
        }
        Ok(MyLoans {
            loans,
            today: today.to_string(),
        })
    })
    .await
}
