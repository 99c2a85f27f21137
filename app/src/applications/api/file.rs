//! What is printed (issue 21 §8): a household's file as its association
//! sees it (for the paper archive) and an application's receipt (for the
//! family to show). Each shows no more than its page: identifiers masked,
//! another association's lines as type, state and place only, notes only of
//! the reader's association.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::super::{Benefit, HeadConfirmation, LineElsewhere, LineState, LineSummary};
use super::counter::CounterHousehold;
use crate::error::AppError;
use crate::registry::Member;

#[cfg(feature = "ssr")]
use {
    super::super::db,
    super::counter::{counter_household, counter_staff, live_household},
    crate::audit,
    crate::identity::{Ctx, RoleKind, serve},
};

/// An internal note of the reader's association on one of the household's lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileNote {
    pub line_id: i64,
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
}

/// A household's file, as staff of an association serving it (or where it
/// walked in) may read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdFile {
    pub association_name_ar: String,
    pub association_name_en: String,
    pub household: CounterHousehold,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub dependants: Option<i64>,
    /// Members, national IDs masked.
    pub members: Vec<Member>,
    /// Registered at this association's counter (not yet confirmed by the head
    /// while `household.verified` is false).
    pub walked_in_here: bool,
    /// Lines with this association or referred on by it: in full.
    pub lines: Vec<LineSummary>,
    /// The household's other lines: type, state, where; never the family's words.
    pub elsewhere: Vec<LineElsewhere>,
    pub benefits: Vec<Benefit>,
    pub notes: Vec<FileNote>,
    /// When the file was read (printed on the paper copy).
    pub read_at: i64,
}

/// The household's file; reading it is audited as a full-record read.
#[server(endpoint = "get_household_file")]
pub async fn get_household_file(household_id: i64) -> Result<HouseholdFile, AppError> {
    serve(|ctx| household_file(ctx, household_id)).await
}

/// Members, lines, benefits and the association's own notes.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(household_id = household_id))]
async fn household_file(ctx: Ctx, household_id: i64) -> Result<HouseholdFile, AppError> {
    let (_, association_id) = counter_staff(&ctx, household_id).await?;
    let mut household = live_household(&ctx, household_id).await?;
    for member in &mut household.members {
        member.national_id = member
            .national_id
            .as_deref()
            .map(crate::text::mask_identifier);
    }
    audit::record(
        ctx.db(),
        ctx.event(audit::action::HOUSEHOLD_VIEWED)
            .acting_for(Some(association_id))
            .subject("household", household_id)
            .detail("file"),
    )
    .await?;
    let association = crate::associations::db::list(ctx.db())
        .await?
        .into_iter()
        .find(|a| a.id == association_id)
        .ok_or(AppError::NotFound)?;
    let (lines, elsewhere): (Vec<_>, Vec<_>) = db::lines_of_household(ctx.db(), household_id)
        .await?
        .into_iter()
        .partition(|l| {
            l.association_id == Some(association_id) || l.referred_from_id == Some(association_id)
        });
    let notes = db::notes_of_household(ctx.db(), household_id, association_id)
        .await?
        .into_iter()
        .map(|(line_id, author_name, body, created_at)| FileNote {
            line_id,
            author_name,
            body,
            created_at,
        })
        .collect();
    let walked_in_here = crate::registry::db::walked_in_at(ctx.db(), household_id)
        .await?
        .contains(&association_id);
    Ok(HouseholdFile {
        association_name_ar: association.name_ar,
        association_name_en: association.name_en,
        phone: household
            .phone
            .as_deref()
            .and_then(|p| crate::registry::SaudiPhone::parse(p).ok())
            .map(|p| p.local()),
        address: household.address.clone(),
        dependants: household.dependants,
        members: std::mem::take(&mut household.members),
        household: counter_household(&ctx, &household).await?,
        walked_in_here,
        lines,
        elsewhere: elsewhere.into_iter().map(LineElsewhere::from).collect(),
        benefits: db::benefits_of_household(ctx.db(), household_id).await?,
        notes,
        read_at: crate::database::now(),
    })
}

/// One line on a receipt: what was asked, where it stands, with whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLine {
    pub type_name_ar: String,
    pub type_name_en: String,
    pub state: LineState,
    pub association_name_ar: Option<String>,
    pub association_name_en: Option<String>,
}

/// An application's receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub reference: String,
    pub created_at: i64,
    pub head_name_ar: String,
    /// Made by staff of this association at the counter.
    pub made_by_name_ar: Option<String>,
    pub made_by_name_en: Option<String>,
    pub head_confirmation: Option<HeadConfirmation>,
    pub lines: Vec<ReceiptLine>,
    /// Read by staff (a link back to the household's file), not the family.
    pub for_staff: bool,
    pub household_id: i64,
}

/// An application's receipt: for the head of its household, and for staff
/// of an association serving it or where it walked in (audited).
#[server(endpoint = "get_receipt")]
pub async fn get_receipt(application_id: i64) -> Result<Receipt, AppError> {
    serve(|ctx| receipt(ctx, application_id)).await
}

/// The receipt, for its household's head or (audited) counter staff.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(application_id = application_id))]
async fn receipt(ctx: Ctx, application_id: i64) -> Result<Receipt, AppError> {
    let user = ctx.require(crate::identity::Requirement::SignedIn).await?;
    let row = db::application(ctx.db(), application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let own = user.has(RoleKind::FamilyMember)
        && crate::registry::db::household_id_of_head(ctx.db(), &user.national_id).await?
            == Some(row.household_id);
    if !own {
        let (_, association_id) = counter_staff(&ctx, row.household_id).await?;
        audit::record(
            ctx.db(),
            ctx.event(audit::action::HOUSEHOLD_VIEWED)
                .acting_for(Some(association_id))
                .subject("household", row.household_id)
                .detail(format!("receipt {application_id}")),
        )
        .await?;
    }
    let lines = db::lines_of_application(ctx.db(), application_id)
        .await?
        .into_iter()
        .map(|l| ReceiptLine {
            type_name_ar: l.type_name_ar,
            type_name_en: l.type_name_en,
            state: l.state,
            association_name_ar: l.association_name_ar,
            association_name_en: l.association_name_en,
        })
        .collect();
    Ok(Receipt {
        reference: super::super::reference_number(row.id),
        created_at: row.created_at,
        head_name_ar: row.head_name_ar,
        made_by_name_ar: row.made_by_name_ar,
        made_by_name_en: row.made_by_name_en,
        head_confirmation: row
            .head_confirmation
            .as_deref()
            .and_then(HeadConfirmation::parse),
        lines,
        for_staff: !own,
        household_id: row.household_id,
    })
}
