//! Server functions of financing. Staff act for the association chosen in
//! the header and only on files of lines it serves (checked per row: another
//! association's file is 403 and audited); the council reads every file and
//! figure and sets the settings and limits; a family sees its own loans.

mod council;
mod flow;
mod guarantees;
mod statements;

pub use council::*;
pub use flow::*;
pub use guarantees::*;
pub use statements::*;

use leptos::prelude::*;

use super::{ExposureView, FileDetail, FinancingList};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{
        Document, FILES_PER_PAGE, FileRow, GuaranteeRow, Guarantor, InstalmentRow, LoanDetail,
        LoanSummary, RepaymentRow, days_in_arrears, db, delinquency_range,
        portfolio::{LoanFacts, figures},
    },
    crate::audit::action,
    crate::database::now,
    crate::identity::{Ctx, CurrentUser, Requirement, serve},
    crate::time::SaudiDate,
};

/// Today in Saudi time.
#[cfg(feature = "ssr")]
pub(crate) fn today() -> SaudiDate {
    SaudiDate::of(now())
}

/// The acting association of a staff member (staff or admin of it).
#[cfg(feature = "ssr")]
pub(crate) async fn staff_of(ctx: &Ctx) -> Result<(CurrentUser, i64), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?.clone();
    let Some(association_id) = user.acting_association_id() else {
        return Err(ctx.deny("financing").await);
    };
    ctx.require(Requirement::AssociationMember(association_id))
        .await?;
    Ok((user, association_id))
}

/// A file the caller may read: staff of its association (who may act on
/// it) or the council (who reads). Anyone else is refused and audited.
#[cfg(feature = "ssr")]
pub(crate) async fn reach_file(
    ctx: &Ctx,
    file_id: i64,
) -> Result<(CurrentUser, db::FileRecord, bool), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?.clone();
    let file = db::file(ctx.db(), file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let acting = user.acting_association_id() == Some(file.association_id)
        && user.satisfies(Requirement::AssociationMember(file.association_id));
    if acting {
        return Ok((user, file, true));
    }
    if user.is_council_admin() {
        return Ok((user, file, false));
    }
    Err(ctx.deny(format!("financing_file {file_id}")).await)
}

/// A loan's page view on `today`.
#[cfg(feature = "ssr")]
pub(crate) async fn loan_detail(
    db: &crate::database::Db,
    loan: &db::LoanRecord,
    bounds: &[i64],
    today: SaudiDate,
) -> Result<LoanDetail, AppError> {
    let allocation = db::allocation(db, loan).await?;
    let arrears_days = days_in_arrears(&allocation, today);
    let instalments: Vec<InstalmentRow> = allocation
        .instalments
        .iter()
        .map(|s| InstalmentRow {
            number: i64::from(s.instalment.number),
            due_on: s.instalment.due.to_string(),
            amount: s.instalment.amount,
            paid: s.paid,
            settled_on: s.settled_on.map(|d| d.to_string()),
            late: s.owed() > 0 && s.instalment.due < today,
        })
        .collect();
    let due_now = allocation
        .instalments
        .iter()
        .filter(|s| s.instalment.due <= today)
        .map(|s| s.owed())
        .sum();
    let next_due = instalments
        .iter()
        .find(|i| i.paid < i.amount && !i.late)
        .cloned();
    let outstanding = if loan.schedule_no == 0 || loan.status == super::LoanStatus::WrittenOff {
        0
    } else {
        allocation.outstanding()
    };
    let mut guarantees = Vec::new();
    for g in db::guarantees(db, Some(loan.id)).await? {
        let (called, recovered) = db::calls_and_recoveries(db, g.id).await?;
        guarantees.push(GuaranteeRow {
            id: g.id,
            called,
            recovered,
            guarantor: g.guarantee.guarantor,
            name: g.name,
            kind: g.guarantee.kind,
            share_basis_points: g.guarantee.share_basis_points,
            cap: g.guarantee.cap,
            starts_on: g.starts_on,
            ends_on: g.ends_on,
            exposure: super::exposure_after_calls(
                &g.guarantee,
                loan.principal,
                outstanding,
                called,
            ),
        });
    }
    let repayments = db::repayments(db, loan.id)
        .await?
        .into_iter()
        .map(|(paid_on, amount, source)| RepaymentRow {
            paid_on,
            amount,
            source,
        })
        .collect();
    let (name_ar, name_en) = db::association_names(db, loan.association_id)
        .await?
        .unwrap_or_default();
    let arrears_days = if loan.status == super::LoanStatus::WrittenOff {
        0
    } else {
        arrears_days
    };
    Ok(LoanDetail {
        summary: LoanSummary {
            loan_id: loan.id,
            reference: loan.reference.clone(),
            status: loan.status,
            principal: loan.principal,
            outstanding,
            arrears_days,
            range: delinquency_range(arrears_days, bounds),
        },
        months: loan.months,
        first_due_on: loan.first_due_on.clone(),
        disbursed_on: loan.disbursed_on.clone(),
        repaid: allocation.repaid(),
        due_now,
        next_due,
        bounds: bounds.to_vec(),
        instalments,
        schedule_no: loan.schedule_no,
        repayments,
        guarantees,
        association_name_ar: name_ar,
        association_name_en: name_en,
        written_off_on: loan.written_off_on.clone(),
        written_off_reason: loan.written_off_reason.clone(),
        written_off: loan.written_off,
    })
}

/// The facts the figures need of every loan of an association (every
/// association's with `None`), with the guarantees the association itself
/// carries in force today; paired with the loan.
#[cfg(feature = "ssr")]
pub(crate) async fn portfolio(
    db: &crate::database::Db,
    association_id: Option<i64>,
    today: SaudiDate,
) -> Result<Vec<(db::LoanRecord, LoanFacts)>, AppError> {
    let loans = db::loans_of(db, association_id).await?;
    let mut allocations = db::allocations(db, association_id).await?;
    let guarantees = db::guarantees(db, None).await?;
    let calls = db::calls_and_recoveries_all(db).await?;
    let day = today.to_string();
    let mut carried: std::collections::HashMap<i64, Vec<(i64, super::Guarantee, i64)>> =
        Default::default();
    for g in &guarantees {
        // Only what the lending association itself carries, in force today.
        let in_force = g.guarantee.guarantor == Guarantor::Association
            && g.starts_on <= day
            && g.ends_on.as_ref().is_none_or(|end| *end >= day);
        if in_force {
            let called = calls.get(&g.id).map_or(0, |c| c.0);
            carried.entry(g.loan_id).or_default().push((
                g.association_id.unwrap_or(0),
                g.guarantee,
                called,
            ));
        }
    }
    let mut out = Vec::with_capacity(loans.len());
    for loan in loans {
        let allocation = allocations.remove(&loan.id).unwrap_or(super::Allocation {
            instalments: Vec::new(),
            credit: 0,
        });
        let guarantees = carried
            .get(&loan.id)
            .into_iter()
            .flatten()
            .filter(|(association, ..)| *association == loan.association_id)
            .map(|(_, g, called)| (*g, *called))
            .collect();
        let facts = LoanFacts {
            principal: loan.principal,
            disbursed_on: loan.disbursed_on.as_deref().and_then(SaudiDate::parse),
            allocation,
            guarantees,
            written_off: (loan.status == super::LoanStatus::WrittenOff).then_some(loan.written_off),
        };
        out.push((loan, facts));
    }
    Ok(out)
}

/// An association's exposure page.
#[cfg(feature = "ssr")]
pub(crate) async fn exposure_view(
    db: &crate::database::Db,
    association_id: i64,
    today: SaudiDate,
) -> Result<ExposureView, AppError> {
    let loans = portfolio(db, Some(association_id), today).await?;
    exposure_view_of(db, association_id, &loans, today).await
}

/// An association's exposure page from its loans' facts, already read.
#[cfg(feature = "ssr")]
pub(crate) async fn exposure_view_of(
    db: &crate::database::Db,
    association_id: i64,
    loans: &[(db::LoanRecord, LoanFacts)],
    today: SaudiDate,
) -> Result<ExposureView, AppError> {
    let facts: Vec<LoanFacts> = loans.iter().map(|(_, f)| f.clone()).collect();
    let mut largest: Vec<super::ExposureLoan> = loans
        .iter()
        .filter(|(_, f)| f.exposure() > 0)
        .map(|(l, f)| super::ExposureLoan {
            file_id: l.file_id,
            reference: l.reference.clone(),
            head_name_ar: l.head_name_ar.clone(),
            outstanding: f.outstanding(),
            exposure: f.exposure(),
            arrears_days: f.arrears_days(today),
        })
        .collect();
    largest.sort_by_key(|e| std::cmp::Reverse(e.exposure));
    largest.truncate(10);
    let mut by_activity: std::collections::BTreeMap<String, super::Breakdown> = Default::default();
    let mut by_district: std::collections::BTreeMap<String, super::Breakdown> = Default::default();
    for (loan, facts) in loans.iter().filter(|(_, f)| f.disbursed_on.is_some()) {
        let district = loan.district_ar.clone().unwrap_or_default();
        for (map, key, en) in [
            (&mut by_activity, loan.activity.clone(), String::new()),
            (
                &mut by_district,
                district,
                loan.district_en.clone().unwrap_or_default(),
            ),
        ] {
            let row = map.entry(key.clone()).or_insert(super::Breakdown {
                key,
                name_en: en,
                loans: 0,
                outstanding: 0,
            });
            row.loans += 1;
            row.outstanding += facts.outstanding();
        }
    }
    let (name_ar, name_en) = db::association_names(db, association_id)
        .await?
        .unwrap_or_default();
    let limit = db::limit(db, association_id, &today.to_string()).await?;
    Ok(ExposureView {
        association_id,
        name_ar,
        name_en,
        figures: figures(&facts, today),
        limit: limit.as_ref().map(|l| l.0),
        limit_from: limit.map(|l| l.1),
        largest,
        by_activity: by_activity.into_values().collect(),
        by_district: by_district.into_values().collect(),
        today: today.to_string(),
    })
}

/// The association's financing: approved financing lines to open a file
/// for, and its files with their loans today.
#[server(endpoint = "get_financing")]
pub async fn get_financing(
    page: Option<i64>,
    ready_page: Option<i64>,
) -> Result<FinancingList, AppError> {
    serve(|ctx| async move {
        let (_, association_id) = staff_of(&ctx).await?;
        let db = ctx.db();
        let today = today();
        let (_, settings, _) = db::settings(db, &today.to_string()).await?;
        let ready_total = db::ready_count(db, association_id).await?;
        let (ready_page, ready_pages, ready_offset) =
            crate::ui::page_window(ready_total, FILES_PER_PAGE, ready_page);
        let ready = db::ready_lines(db, association_id, FILES_PER_PAGE, ready_offset).await?;
        // One read of every loan's figures (grouped queries), not one per file.
        let mut loans: std::collections::HashMap<i64, LoanSummary> =
            portfolio(db, Some(association_id), today)
                .await?
                .into_iter()
                .map(|(loan, facts)| {
                    let arrears_days = facts.arrears_days(today);
                    let summary = LoanSummary {
                        loan_id: loan.id,
                        reference: loan.reference.clone(),
                        status: loan.status,
                        principal: loan.principal,
                        outstanding: facts.outstanding(),
                        arrears_days,
                        range: delinquency_range(arrears_days, &settings.delinquency_bounds),
                    };
                    (loan.file_id, summary)
                })
                .collect();
        let total = db::files_count(db, association_id).await?;
        let (page, pages, offset) = crate::ui::page_window(total, FILES_PER_PAGE, page);
        let files: Vec<FileRow> = db::files_of(db, association_id, FILES_PER_PAGE, offset)
            .await?
            .into_iter()
            .map(|file| FileRow {
                loan: loans.remove(&file.id),
                file_id: file.id,
                household_id: file.household_id,
                head_name_ar: file.head_name_ar,
                activity: file.activity,
                requested: file.requested,
            })
            .collect();
        let households = ready
            .iter()
            .map(|r| r.household_id)
            .chain(files.iter().map(|f| f.household_id));
        ctx.record_list_read(
            Some(association_id),
            crate::audit::ListRead::shown("financing", ready.len() + files.len()).of(households),
        )
        .await?;
        Ok(FinancingList {
            ready,
            files,
            bounds: settings.delinquency_bounds,
            total,
            page,
            pages,
            ready_total,
            ready_page,
            ready_pages,
        })
    })
    .await
}

/// One file with its documents, eligibility, referral and loan.
#[server(endpoint = "get_financing_file")]
pub async fn get_financing_file(file_id: i64) -> Result<FileDetail, AppError> {
    serve(|ctx| async move {
        let (_, file, may_act) = reach_file(&ctx, file_id).await?;
        let db = ctx.db();
        let today = today();
        let (_, settings, _) = db::settings(db, &today.to_string()).await?;
        crate::audit::record(
            db,
            ctx.event(action::HOUSEHOLD_VIEWED)
                .acting_for(Some(file.association_id))
                .subject("household", file.household_id)
                .detail(format!("financing_file {file_id}")),
        )
        .await?;
        let loan = match db::loan_of_file(db, file.id).await? {
            Some(loan) => Some(loan_detail(db, &loan, &settings.delinquency_bounds, today).await?),
            None => None,
        };
        let exposure = exposure_view(db, file.association_id, today).await?;
        let documents: Vec<Document> = db::documents(db, file.id).await?;
        let uploads = db::document_files(db, file.id).await?;
        Ok(FileDetail {
            file_id: file.id,
            line_id: file.line_id,
            household_id: file.household_id,
            head_name_ar: file.head_name_ar,
            activity: file.activity,
            requested: file.requested,
            months: file.months,
            applicant_birth_date: file.applicant_birth_date,
            monthly_income: file.monthly_income,
            commercial_registration: file.commercial_registration,
            documents,
            uploads,
            eligibility: file.eligibility,
            eligible: file.eligible,
            referral: file.referral,
            loan,
            settings,
            exposure: exposure.figures.exposure,
            limit: exposure.limit,
            today: today.to_string(),
            may_act,
        })
    })
    .await
}

/// The acting association's exposure and financing figures.
#[server(endpoint = "get_financing_exposure")]
pub async fn get_financing_exposure() -> Result<ExposureView, AppError> {
    serve(|ctx| async move {
        let (_, association_id) = staff_of(&ctx).await?;
        exposure_view(ctx.db(), association_id, today()).await
    })
    .await
}
