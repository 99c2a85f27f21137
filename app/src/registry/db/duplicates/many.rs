//! Duplicate detection for many households at once (an import): the
//! question [`super::check`] answers, asked before registering (nothing
//! written) or after, inside the registering transaction.

use crate::database::{Db, Sql, now};
use crate::registry::{
    DuplicateReason, HouseholdFingerprint, SaudiPhone, blocking_keys, duplicate_score,
};

/// id, district, phone, head's ID, head's name
type HouseholdRecord = (i64, Option<i64>, Option<String>, String, String);

/// The fingerprints of these households (merged ones left out), read in a
/// few statements whatever their number.
async fn fingerprints_of(
    conn: &mut sqlx::AnyConnection,
    household_ids: &[i64],
) -> Result<Vec<HouseholdFingerprint>, sqlx::Error> {
    let mut out = Vec::with_capacity(household_ids.len());
    for chunk in household_ids.chunks(500) {
        let mut sql = Sql::new(
            "SELECT id, district_id, phone, head_national_id, head_name_ar FROM households \
             WHERE merged_into_id IS NULL AND id IN ",
        );
        sql.bind_list(chunk);
        let rows: Vec<HouseholdRecord> = sql.query_as().fetch_all(&mut *conn).await?;
        let mut members = Sql::new(
            "SELECT household_id, full_name, national_id FROM household_members \
             WHERE household_id IN ",
        );
        members.bind_list(chunk);
        let members: Vec<(i64, String, Option<String>)> =
            members.query_as().fetch_all(&mut *conn).await?;
        for (id, district, phone, head_id, head_name) in rows {
            let mut national_ids = vec![head_id];
            let mut names = vec![head_name];
            for (_, name, national_id) in members.iter().filter(|m| m.0 == id) {
                names.push(name.clone());
                national_ids.extend(national_id.clone());
            }
            out.push(HouseholdFingerprint {
                household_id: id,
                district_id: district.unwrap_or(0),
                phone: phone.and_then(|p| SaudiPhone::parse(&p).ok()),
                national_ids,
                names,
            });
        }
    }
    Ok(out)
}

/// For each household in `subjects`, the stored households sharing one of
/// its blocking keys (at most 50 per key, as [`super::check`] reads them) that
/// score as a candidate pair with it, and why.
async fn stored_candidates(
    conn: &mut sqlx::AnyConnection,
    subjects: &[HouseholdFingerprint],
) -> Result<Vec<Vec<(i64, u8, Vec<DuplicateReason>)>>, sqlx::Error> {
    let keys: Vec<Vec<String>> = subjects.iter().map(blocking_keys).collect();
    let mut all_keys: Vec<&str> = keys.iter().flatten().map(String::as_str).collect();
    all_keys.sort_unstable();
    all_keys.dedup();
    let mut holders: std::collections::HashMap<String, Vec<i64>> = Default::default();
    for chunk in all_keys.chunks(500) {
        let mut sql = Sql::new("SELECT key, household_id FROM household_keys WHERE key IN (");
        for (n, key) in chunk.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            sql.bind(*key);
        }
        sql.push(") ORDER BY key, household_id");
        let rows: Vec<(String, i64)> = sql.query_as().fetch_all(&mut *conn).await?;
        for (key, household_id) in rows {
            let ids = holders.entry(key).or_default();
            if ids.len() < 51 {
                ids.push(household_id);
            }
        }
    }
    let mut others: Vec<Vec<i64>> = Vec::with_capacity(subjects.len());
    let mut wanted: Vec<i64> = Vec::new();
    for (subject, keys) in subjects.iter().zip(&keys) {
        let mut mine: Vec<i64> = Vec::new();
        for key in keys {
            let ids = holders.get(key).map(Vec::as_slice).unwrap_or_default();
            mine.extend(
                ids.iter()
                    .copied()
                    .filter(|id| *id != subject.household_id)
                    .take(50),
            );
        }
        mine.sort_unstable();
        mine.dedup();
        wanted.extend(&mine);
        others.push(mine);
    }
    wanted.sort_unstable();
    wanted.dedup();
    let known: std::collections::HashMap<i64, HouseholdFingerprint> =
        fingerprints_of(conn, &wanted)
            .await?
            .into_iter()
            .map(|f| (f.household_id, f))
            .collect();
    Ok(subjects
        .iter()
        .zip(others)
        .map(|(subject, ids)| {
            ids.into_iter()
                .filter_map(|id| {
                    let (score, reasons) = duplicate_score(subject, known.get(&id)?);
                    (!reasons.is_empty()).then_some((id, score, reasons))
                })
                .collect()
        })
        .collect())
}

/// Whether each of these households-to-be (ids of the caller's choosing,
/// not stored) would form a candidate pair with a household already in the
/// registry: the question [`super::check`] answers after a registration, asked
/// before one and writing nothing (an import's dry run).
#[tracing::instrument(skip_all, fields(subjects = subjects.len()))]
pub async fn would_be_candidates(
    db: &Db,
    subjects: &[HouseholdFingerprint],
) -> Result<Vec<bool>, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    Ok(stored_candidates(&mut conn, subjects)
        .await?
        .iter()
        .map(|found| !found.is_empty())
        .collect())
}

/// [`super::check`] for many households just registered, inside the caller's
/// transaction: their blocking keys are stored and every new candidate pair
/// (with stored households, and with each other) is recorded once. Returns
/// how many pairs each household formed.
#[tracing::instrument(skip_all, fields(households = households.len()))]
pub async fn check_many_in(
    conn: &mut sqlx::AnyConnection,
    households: &[HouseholdFingerprint],
) -> Result<Vec<usize>, sqlx::Error> {
    let pairs: Vec<(String, i64)> = households
        .iter()
        .flat_map(|h| blocking_keys(h).into_iter().map(|k| (k, h.household_id)))
        .collect();
    for chunk in pairs.chunks(200) {
        let mut sql = Sql::new("INSERT INTO household_keys (key, household_id) VALUES ");
        for (n, (key, id)) in chunk.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind(key.as_str())
                .push(", ")
                .bind(*id)
                .push(")");
        }
        sql.push(" ON CONFLICT DO NOTHING");
        sql.query().execute(&mut *conn).await?;
    }
    let found = stored_candidates(conn, households).await?;
    let at = now();
    // Both sides of a pair count (two new households of one import may pair).
    let mut counts: std::collections::HashMap<i64, usize> = Default::default();
    for (household, pairs) in households.iter().zip(found) {
        for (other, score, reasons) in pairs {
            let reasons = reasons
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(",");
            let done = sqlx::query(
                "INSERT INTO duplicate_candidates (household_a, household_b, score, reasons, found_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (household_a, household_b) DO NOTHING",
            )
            .bind(household.household_id.min(other))
            .bind(household.household_id.max(other))
            .bind(i64::from(score))
            .bind(reasons)
            .bind(at)
            .execute(&mut *conn)
            .await?;
            if done.rows_affected() > 0 {
                *counts.entry(household.household_id).or_default() += 1;
                *counts.entry(other).or_default() += 1;
            }
        }
    }
    Ok(households
        .iter()
        .map(|h| counts.get(&h.household_id).copied().unwrap_or(0))
        .collect())
}
