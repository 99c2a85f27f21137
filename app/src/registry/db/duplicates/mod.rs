//! SQL of duplicate detection: each household's blocking keys, candidate
//! pairs found through shared keys only (no all-pairs scan), the council's
//! decisions, and the merge that keeps all history and lines.

use sqlx::{Any, Transaction};

mod many;
pub use many::{check_many_in, would_be_candidates};

use super::{next_version, record};
use crate::database::{Db, now};
use crate::registry::{
    DuplicateCandidate, DuplicateReason, DuplicateSide, HouseholdFingerprint, SaudiPhone,
    blocking_keys, duplicate_score,
};

/// Why a review decision was refused.
#[derive(Debug, thiserror::Error)]
pub enum DuplicateError {
    #[error("no such open candidate")]
    NotOpen,
    /// A merge joins two people's records: each head must have proved who
    /// they are with Nafath first (a walk-in head has not).
    #[error("both heads must be verified before a merge")]
    HeadsNotVerified,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

crate::db_failure!(DuplicateError);

/// district, phone, head's ID, head's name, merged into.
type FingerprintRow = (Option<i64>, Option<String>, String, String, Option<i64>);

/// What is compared, read from the registry (`None` for a merged household).
async fn fingerprint(
    db: &Db,
    household_id: i64,
) -> Result<Option<HouseholdFingerprint>, sqlx::Error> {
    let row: Option<FingerprintRow> = sqlx::query_as(
        "SELECT district_id, phone, head_national_id, head_name_ar, merged_into_id FROM households WHERE id = $1",
    )
    .bind(household_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((district, phone, head_id, head_name, None)) = row else {
        return Ok(None);
    };
    let members: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT full_name, national_id FROM household_members WHERE household_id = $1",
    )
    .bind(household_id)
    .fetch_all(&db.pool)
    .await?;
    let mut national_ids = vec![head_id];
    national_ids.extend(members.iter().filter_map(|(_, id)| id.clone()));
    let mut names = vec![head_name];
    names.extend(members.into_iter().map(|(name, _)| name));
    Ok(Some(HouseholdFingerprint {
        household_id,
        district_id: district.unwrap_or(0),
        phone: phone.and_then(|p| SaudiPhone::parse(&p).ok()),
        national_ids,
        names,
    }))
}

/// Refreshes the household's blocking keys and records every new candidate
/// pair it forms; returns how many were found. Pairs already decided
/// ("different") are never proposed again: the pair's row stays.
#[tracing::instrument(skip_all)]
pub async fn check(db: &Db, household_id: i64) -> Result<usize, sqlx::Error> {
    let Some(me) = fingerprint(db, household_id).await? else {
        return Ok(0);
    };
    let keys = blocking_keys(&me);
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM household_keys WHERE household_id = $1")
        .bind(household_id)
        .execute(&mut *tx)
        .await?;
    for key in &keys {
        // Concurrent checks of one household may insert the same key.
        sqlx::query(
            "INSERT INTO household_keys (key, household_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(key)
        .bind(household_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;

    let mut others: Vec<i64> = Vec::new();
    for key in &keys {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT household_id FROM household_keys WHERE key = $1 AND household_id <> $2 LIMIT 50",
        )
        .bind(key)
        .bind(household_id)
        .fetch_all(&db.pool)
        .await?;
        others.extend(rows.into_iter().map(|(id,)| id));
    }
    others.sort_unstable();
    others.dedup();
    let mut found = 0;
    for other in others {
        let Some(them) = fingerprint(db, other).await? else {
            continue;
        };
        let (score, reasons) = duplicate_score(&me, &them);
        if reasons.is_empty() {
            continue;
        }
        let reasons = reasons
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let done = sqlx::query(
            "INSERT INTO duplicate_candidates (household_a, household_b, score, reasons, found_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (household_a, household_b) DO NOTHING",
        )
        .bind(household_id.min(other))
        .bind(household_id.max(other))
        .bind(i64::from(score))
        .bind(reasons)
        .bind(now())
        .execute(&db.pool)
        .await?;
        found += done.rows_affected() as usize;
    }
    Ok(found)
}

async fn side(db: &Db, household_id: i64) -> Result<Option<DuplicateSide>, sqlx::Error> {
    let Some(mut household) = super::load(db, household_id).await? else {
        return Ok(None);
    };
    for member in &mut household.members {
        member.national_id = member
            .national_id
            .as_deref()
            .map(crate::text::mask_identifier);
    }
    let (head_id, district_ar, district_en, lines, benefits): (
        String,
        Option<String>,
        Option<String>,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT h.head_national_id, d.name_ar, d.name_en, \
               (SELECT COUNT(*) FROM application_lines l WHERE l.household_id = h.id), \
               (SELECT COUNT(*) FROM benefits b WHERE b.household_id = h.id) \
             FROM households h LEFT JOIN districts d ON d.id = h.district_id WHERE h.id = $1",
    )
    .bind(household_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(Some(DuplicateSide {
        household,
        head_national_id_masked: crate::text::mask_identifier(&head_id),
        district_name_ar: district_ar,
        district_name_en: district_en,
        lines,
        benefits,
    }))
}

/// How many candidate pairs are open (the total above the paged list).
#[tracing::instrument(skip_all)]
pub async fn count_open_candidates(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM duplicate_candidates WHERE status = 'open'")
        .fetch_one(&db.pool)
        .await
}

/// Open candidate pairs, highest score first, `limit` from `offset`.
#[tracing::instrument(skip_all)]
pub async fn open_candidates(
    db: &Db,
    limit: i64,
    offset: i64,
) -> Result<Vec<DuplicateCandidate>, sqlx::Error> {
    let rows: Vec<(i64, i64, i64, i64, String)> = sqlx::query_as(
        "SELECT id, household_a, household_b, score, reasons FROM duplicate_candidates \
         WHERE status = 'open' ORDER BY score DESC, id LIMIT $1 OFFSET $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, a, b, score, reasons) in rows {
        if let (Some(a), Some(b)) = (side(db, a).await?, side(db, b).await?) {
            out.push(DuplicateCandidate {
                id,
                score,
                reasons: reasons
                    .split(',')
                    .filter(|r| !r.is_empty())
                    .map(|r| {
                        crate::database::stored(
                            "duplicate_candidates.reasons",
                            r,
                            DuplicateReason::parse,
                        )
                    })
                    .collect::<Result<_, _>>()?,
                a,
                b,
            });
        }
    }
    Ok(out)
}

/// Marks a pair as two different households (never proposed again);
/// `event` is audited in the same transaction.
#[tracing::instrument(skip_all)]
pub async fn mark_different(
    db: &Db,
    candidate_id: i64,
    decided_by: i64,
    event: crate::audit::AuditEvent<'_>,
) -> Result<(), DuplicateError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE duplicate_candidates SET status = 'different', decided_by = $1, decided_at = $2 \
         WHERE id = $3 AND status = 'open'",
    )
    .bind(decided_by)
    .bind(now())
    .bind(candidate_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(DuplicateError::NotOpen);
    }
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Merges the pair into its older household (the lower id), when both heads
/// are verified: members, identities, applications, lines, benefits,
/// enrollments, follow-up flags and history move over; a line the survivor
/// already has active for the same type is withdrawn (it is the same request
/// twice), and so is an open follow-up flag it already has for the same
/// course; the merged household's shop moves too unless the survivor has
/// one (then it stays its owner's, unlinked, and the history says so); the
/// other household points at the survivor. `event` is audited in the same
/// transaction. Returns the survivor's id.
#[tracing::instrument(skip_all)]
pub async fn merge(
    db: &Db,
    candidate_id: i64,
    decided_by: i64,
    event: crate::audit::AuditEvent<'_>,
) -> Result<i64, DuplicateError> {
    let mut tx = db.begin_write().await?;
    let pair: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT c.household_a, c.household_b, \
           (SELECT COUNT(*) FROM households h WHERE h.id IN (c.household_a, c.household_b) \
              AND h.verified = 1) \
         FROM duplicate_candidates c WHERE c.id = $1 AND c.status = 'open'",
    )
    .bind(candidate_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((keep, gone, verified)) = pair else {
        return Err(DuplicateError::NotOpen);
    };
    if verified < 2 {
        return Err(DuplicateError::HeadsNotVerified);
    }
    let at = now();
    // The same request twice: the merged household's copy is withdrawn.
    sqlx::query(
        "UPDATE application_lines SET state = 'withdrawn', decision_reason = 'merged duplicate household', \
           last_action_at = $3 \
         WHERE household_id = $2 AND state IN ('submitted', 'in_review', 'approved', 'referred') \
           AND assistance_type_id IN (SELECT assistance_type_id FROM application_lines \
             WHERE household_id = $1 AND state IN ('submitted', 'in_review', 'approved', 'referred'))",
    )
    .bind(keep)
    .bind(gone)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    // The same course followed up twice: the merged household's open flag
    // is resolved (one open flag per household and course).
    sqlx::query(
        "UPDATE follow_up_flags SET resolved_at = $3, resolved_by = $4 \
         WHERE household_id = $2 AND resolved_at IS NULL \
           AND course_id IN (SELECT course_id FROM follow_up_flags \
             WHERE household_id = $1 AND resolved_at IS NULL)",
    )
    .bind(keep)
    .bind(gone)
    .bind(at)
    .bind(decided_by)
    .execute(&mut *tx)
    .await?;
    let shop_note = move_shop(&mut tx, keep, gone).await?;
    for table in [
        "applications",
        "application_lines",
        "benefits",
        "household_members",
        "household_identities",
        "household_changes",
        "enrollments",
        "imported_households",
        "follow_up_flags",
    ] {
        let sql = format!("UPDATE {table} SET household_id = $1 WHERE household_id = $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(keep)
            .bind(gone)
            .execute(&mut *tx)
            .await?;
    }
    // The merged head becomes a member of the survivor.
    merge_head_as_member(&mut tx, keep, gone, at).await?;
    sqlx::query("UPDATE households SET merged_into_id = $1, updated_at = $2 WHERE id = $3")
        .bind(keep)
        .bind(at)
        .bind(gone)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM household_keys WHERE household_id = $1")
        .bind(gone)
        .execute(&mut *tx)
        .await?;
    // The search finds the survivor by every name it now holds, the merged one by none.
    super::name_keys::refresh(&mut tx, &[keep, gone]).await?;
    sqlx::query(
        "UPDATE duplicate_candidates SET status = 'same', decided_by = $1, decided_at = $2 WHERE id = $3",
    )
    .bind(decided_by)
    .bind(at)
    .bind(candidate_id)
    .execute(&mut *tx)
    .await?;
    let version = next_version(&mut tx, keep).await.map_err(|e| match e {
        super::RegistryError::Database(e) => DuplicateError::Database(e),
        _ => DuplicateError::NotOpen,
    })?;
    record(
        &mut tx,
        keep,
        version,
        decided_by,
        "merged_from",
        None,
        Some(match shop_note {
            Some(note) => format!("{gone}; {note}"),
            None => gone.to_string(),
        }),
    )
    .await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(keep)
}

/// Moves the merged household's shop to the survivor, which may hold one
/// shop: when it already has one, the other stays with its owner, unlinked
/// (the council's moderation queue then reviews it). Returns a note for the
/// history when a shop could not move.
async fn move_shop(
    tx: &mut Transaction<'static, Any>,
    keep: i64,
    gone: i64,
) -> Result<Option<String>, sqlx::Error> {
    let (survivor_shops,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM shops WHERE household_id = $1")
            .bind(keep)
            .fetch_one(&mut **tx)
            .await?;
    let moved_to = (survivor_shops == 0).then_some(keep);
    let done = sqlx::query("UPDATE shops SET household_id = $1 WHERE household_id = $2")
        .bind(moved_to)
        .bind(gone)
        .execute(&mut **tx)
        .await?;
    Ok((done.rows_affected() > 0 && moved_to.is_none())
        .then(|| "its shop stays with its owner, unlinked".to_string()))
}

async fn merge_head_as_member(
    tx: &mut Transaction<'static, Any>,
    keep: i64,
    gone: i64,
    at: i64,
) -> Result<(), sqlx::Error> {
    let (name, national_id): (String, String) =
        sqlx::query_as("SELECT head_name_ar, head_national_id FROM households WHERE id = $1")
            .bind(gone)
            .fetch_one(&mut **tx)
            .await?;
    sqlx::query("UPDATE household_identities SET role = 'member' WHERE national_id = $1")
        .bind(&national_id)
        .execute(&mut **tx)
        .await?;
    let (already,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM household_members WHERE household_id = $1 AND national_id = $2",
    )
    .bind(keep)
    .bind(&national_id)
    .fetch_one(&mut **tx)
    .await?;
    let (is_head,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM households WHERE id = $1 AND head_national_id = $2")
            .bind(keep)
            .bind(&national_id)
            .fetch_one(&mut **tx)
            .await?;
    if already == 0 && is_head == 0 {
        sqlx::query(
            "INSERT INTO household_members (household_id, full_name, relation, birth_date, national_id, created_at) \
             VALUES ($1, $2, 'other', '1900-01-01', $3, $4)",
        )
        .bind(keep)
        .bind(name)
        .bind(national_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
