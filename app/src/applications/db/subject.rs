//! SQL of the privacy interface (`applications::subject`): one household's
//! lines and benefits, and what its deletion or withdrawn consent changes.

use sqlx::{Any, Transaction};

use super::super::subject::{SubjectBenefit, SubjectLine};
use super::{events_of_line, lines_of_household};
use crate::database::{Db, now};

/// Every line of the household, each with its transitions.
#[tracing::instrument(skip_all)]
pub async fn lines_of(db: &Db, household_id: i64) -> Result<Vec<SubjectLine>, sqlx::Error> {
    let mut out = Vec::new();
    for line in lines_of_household(db, household_id).await? {
        let events = events_of_line(db, line.id).await?;
        out.push(SubjectLine { line, events });
    }
    Ok(out)
}

/// id, association, names, type names, date, value
type BenefitRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
);

/// Every benefit recorded for the household, newest first.
#[tracing::instrument(skip_all)]
pub async fn benefits_of(db: &Db, household_id: i64) -> Result<Vec<SubjectBenefit>, sqlx::Error> {
    let rows: Vec<BenefitRow> = sqlx::query_as(
        "SELECT b.id, b.association_id, a.name_ar, a.name_en, t.name_ar, t.name_en, b.given_on, \
           b.value_halalas \
         FROM benefits b JOIN associations a ON a.id = b.association_id \
           JOIN assistance_types t ON t.id = b.assistance_type_id \
         WHERE b.household_id = $1 ORDER BY b.given_on DESC, b.id DESC",
    )
    .bind(household_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, association_id, an_ar, an_en, tn_ar, tn_en, given_on, value_halalas)| {
                SubjectBenefit {
                    id,
                    association_id,
                    association_name_ar: an_ar,
                    association_name_en: an_en,
                    type_name_ar: tn_ar,
                    type_name_en: tn_en,
                    given_on,
                    value_halalas,
                }
            },
        )
        .collect())
}

/// Withdraws the household's lines still waiting for a decision (submitted,
/// in review, referred), each transition recorded; approved lines stay, the
/// association has committed to them. Returns how many stopped.
#[tracing::instrument(skip_all)]
pub async fn stop_open_lines(
    tx: &mut Transaction<'static, Any>,
    household_id: i64,
    actor_user_id: i64,
) -> Result<u64, sqlx::Error> {
    let at = now();
    let open: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT id, state, association_id FROM application_lines \
         WHERE household_id = $1 AND state IN ('submitted', 'in_review', 'referred')",
    )
    .bind(household_id)
    .fetch_all(&mut **tx)
    .await?;
    for (line_id, from, association_id) in &open {
        sqlx::query(
            "UPDATE application_lines SET state = 'withdrawn', last_action_at = $1 WHERE id = $2",
        )
        .bind(at)
        .bind(line_id)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO line_events (line_id, from_state, to_state, actor_user_id, association_id, \
               note, occurred_at) VALUES ($1, $2, 'withdrawn', $3, $4, NULL, $5)",
        )
        .bind(line_id)
        .bind(from)
        .bind(actor_user_id)
        .bind(association_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(open.len() as u64)
}

/// A deletion: open lines stop, the family's words, the associations'
/// reasons and notes about it are blanked, and the documents it attached are
/// deleted. Lines, states, types, amounts and benefits stay: they are
/// counted in coverage and reports. Returns the documents' stored file
/// names, for the caller to remove once the deletion is committed.
#[tracing::instrument(skip_all)]
pub async fn erase(
    tx: &mut Transaction<'static, Any>,
    household_id: i64,
    actor_user_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    stop_open_lines(tx, household_id, actor_user_id).await?;
    let files = super::documents::erase(tx, household_id).await?;
    sqlx::query(
        "UPDATE application_lines SET description = '', referral_note = NULL, \
           decision_reason = NULL WHERE household_id = $1",
    )
    .bind(household_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE line_events SET note = NULL WHERE line_id IN \
           (SELECT id FROM application_lines WHERE household_id = $1)",
    )
    .bind(household_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE line_notes SET body = '' WHERE line_id IN \
           (SELECT id FROM application_lines WHERE household_id = $1)",
    )
    .bind(household_id)
    .execute(&mut **tx)
    .await?;
    Ok(files)
}
