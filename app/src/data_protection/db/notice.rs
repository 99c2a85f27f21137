//! SQL of the privacy notice: its versions (the current one is the one
//! published last) and each household's acceptances. Accepting writes
//! `households.consent_version` and `consent_at`; a trigger (migration
//! 0020) records every change of them in `privacy_notice_acceptances`, so
//! the registration's consent and later acceptances are kept alike.

use super::super::{NoticeInput, PrivacyNotice};
use crate::audit::AuditEvent;
use crate::database::{Db, is_unique_violation};

const NOTICE_COLUMNS: &str =
    "version, body_ar, body_en, controller_ar, controller_en, contact, published_at";

type NoticeRow = (String, String, String, String, String, String, i64);

fn notice(
    (version, body_ar, body_en, controller_ar, controller_en, contact, published_at): NoticeRow,
) -> PrivacyNotice {
    PrivacyNotice {
        version,
        body_ar,
        body_en,
        controller_ar,
        controller_en,
        contact,
        published_at,
    }
}

/// The SQL of the current version (the one published last).
const CURRENT_VERSION: &str =
    "SELECT version FROM privacy_notices ORDER BY published_at DESC, version DESC LIMIT 1";

/// The notice in force.
#[tracing::instrument(skip_all)]
pub async fn current(db: &Db) -> Result<Option<PrivacyNotice>, sqlx::Error> {
    let row: Option<NoticeRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {NOTICE_COLUMNS} FROM privacy_notices \
         ORDER BY published_at DESC, version DESC LIMIT 1"
    )))
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(notice))
}

/// Every version, newest first.
#[tracing::instrument(skip_all)]
pub async fn versions(db: &Db) -> Result<Vec<PrivacyNotice>, sqlx::Error> {
    let rows: Vec<NoticeRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {NOTICE_COLUMNS} FROM privacy_notices ORDER BY published_at DESC, version DESC"
    )))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(notice).collect())
}

/// Publishes a new version at `now`; false when the version name is taken.
#[tracing::instrument(skip_all)]
pub async fn publish(
    db: &Db,
    input: &NoticeInput,
    published_by: i64,
    now: i64,
    event: AuditEvent<'static>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    // Published in the same second as the last one, it must still come after.
    let (last,): (Option<i64>,) = sqlx::query_as("SELECT MAX(published_at) FROM privacy_notices")
        .fetch_one(&mut *tx)
        .await?;
    let at = now.max(last.unwrap_or(0) + 1);
    let inserted = sqlx::query(
        "INSERT INTO privacy_notices (version, body_ar, body_en, controller_ar, controller_en, \
           contact, published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&input.version)
    .bind(&input.body_ar)
    .bind(&input.body_en)
    .bind(&input.controller_ar)
    .bind(&input.controller_en)
    .bind(&input.contact)
    .bind(published_by)
    .bind(at)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(e) if is_unique_violation(&e) => return Ok(false),
        other => other?,
    };
    crate::audit::record_in(&mut tx, event.subject("privacy_notice", &input.version)).await?;
    tx.commit().await?;
    Ok(true)
}

/// A household's id, and the version and time of its last acceptance.
pub type HouseholdConsent = (i64, Option<String>, Option<i64>);

/// The registered household this person heads, with the version and time
/// of its last acceptance.
#[tracing::instrument(skip_all)]
pub async fn household_of(db: &Db, user_id: i64) -> Result<Option<HouseholdConsent>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, consent_version, consent_at FROM households \
         WHERE head_user_id = $1 AND status = 'registered' ORDER BY id LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await
}

/// Whether this person heads a household that accepted an earlier version
/// of the notice and not the current one: a returning family asked to read
/// and accept it before going on. (One indexed query per page load of a
/// signed-in person.) A household registered by staff or an import, which
/// never accepted any version, is not asked here: it is told by its
/// association, and asked when it registers itself.
#[tracing::instrument(skip_all)]
pub async fn must_accept(db: &Db, user_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT h.id FROM households h WHERE h.head_user_id = $1 AND h.status = 'registered' \
         AND h.consent_version IS NOT NULL AND h.consent_version <> ({CURRENT_VERSION}) LIMIT 1"
    )))
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// Records a household's acceptance of `version` at `now`, if it is still
/// the current one (checked in the same statement, so a version published
/// meanwhile is not skipped); false otherwise.
#[tracing::instrument(skip_all)]
pub async fn accept(
    db: &Db,
    household_id: i64,
    version: &str,
    now: i64,
    event: AuditEvent<'static>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE households SET consent_version = $2, consent_at = $3 \
         WHERE id = $1 AND $2 = ({CURRENT_VERSION})"
    )))
    .bind(household_id)
    .bind(version)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if changed {
        crate::audit::record_in(
            &mut tx,
            event.subject("household", household_id).detail(version),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(changed)
}

/// A household's acceptances, newest first (version, when).
#[tracing::instrument(skip_all)]
pub async fn acceptances(db: &Db, household_id: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT version, accepted_at FROM privacy_notice_acceptances WHERE household_id = $1 \
         ORDER BY accepted_at DESC, id DESC",
    )
    .bind(household_id)
    .fetch_all(&db.pool)
    .await
}
