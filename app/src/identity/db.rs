//! SQL of the identity domain: people, roles, sessions and sign-in attempts.

use sqlx::{Any, Transaction};

use super::{CurrentUser, NationalId, Role, RoleKind, SignInState};
use crate::database::{Db, now};

/// A stored sign-in attempt, found by the browser's pending token.
#[derive(Debug, Clone)]
pub struct SignInAttempt {
    pub id: i64,
    pub trans_id: String,
    pub national_id: String,
    pub random: String,
    pub state: SignInState,
    pub person_name_ar: Option<String>,
    pub person_name_en: Option<String>,
    pub consumed: bool,
    pub created_at: i64,
}

type AttemptRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
);

fn attempt_from_row(row: AttemptRow) -> SignInAttempt {
    let (id, trans_id, national_id, random, status, name_ar, name_en, consumed_at, created_at) =
        row;
    SignInAttempt {
        id,
        trans_id,
        national_id,
        random,
        state: SignInState::parse(&status).unwrap_or(SignInState::Expired),
        person_name_ar: name_ar,
        person_name_en: name_en,
        consumed: consumed_at.is_some(),
        created_at,
    }
}

/// Counts the sign-in starts for this national ID and for this IP since `since`.
pub async fn recent_attempts(
    db: &Db,
    national_id: &NationalId,
    client_ip: &str,
    since: i64,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT \
           (SELECT COUNT(*) FROM nafath_requests WHERE national_id = $1 AND created_at > $3), \
           (SELECT COUNT(*) FROM nafath_requests WHERE client_ip = $2 AND created_at > $3)",
    )
    .bind(national_id.as_str())
    .bind(client_ip)
    .bind(since)
    .fetch_one(&db.pool)
    .await
}

pub async fn insert_attempt(
    db: &Db,
    pending_token_hash: &str,
    trans_id: &str,
    national_id: &NationalId,
    random: &str,
    client_ip: &str,
) -> Result<(), sqlx::Error> {
    let at = now();
    sqlx::query(
        "INSERT INTO nafath_requests \
           (pending_token_hash, trans_id, national_id, random, client_ip, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(pending_token_hash)
    .bind(trans_id)
    .bind(national_id.as_str())
    .bind(random)
    .bind(client_ip)
    .bind(at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

const ATTEMPT_COLUMNS: &str = "id, trans_id, national_id, random, status, person_name_ar, \
                               person_name_en, consumed_at, created_at";

pub async fn attempt_by_pending_token(
    db: &Db,
    pending_token_hash: &str,
) -> Result<Option<SignInAttempt>, sqlx::Error> {
    let row: Option<AttemptRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ATTEMPT_COLUMNS} FROM nafath_requests WHERE pending_token_hash = $1"
    )))
    .bind(pending_token_hash)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(attempt_from_row))
}

/// Records a decision; only a waiting attempt changes, so a late poll can
/// never overwrite a callback's answer (or the reverse).
pub async fn settle_attempt(
    db: &Db,
    trans_id: &str,
    national_id: &str,
    state: SignInState,
    name_ar: Option<&str>,
    name_en: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE nafath_requests SET status = $2, person_name_ar = $3, person_name_en = $4, \
           updated_at = $5 \
         WHERE trans_id = $1 AND national_id = $6 AND status = 'WAITING'",
    )
    .bind(trans_id)
    .bind(state.as_str())
    .bind(name_ar)
    .bind(name_en)
    .bind(now())
    .bind(national_id)
    .execute(&db.pool)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Marks a completed attempt as used; false when it was already used, so one
/// Nafath approval creates one session.
pub async fn consume_attempt(tx: &mut Transaction<'_, Any>, id: i64) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE nafath_requests SET consumed_at = $2 \
         WHERE id = $1 AND status = 'COMPLETED' AND consumed_at IS NULL",
    )
    .bind(id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Creates or refreshes the person Nafath vouched for and returns their id.
/// Every person who signs in holds the family-member role.
pub async fn upsert_verified_user(
    tx: &mut Transaction<'_, Any>,
    national_id: &str,
    name_ar: Option<&str>,
    name_en: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let at = now();
    let (user_id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (national_id, name_ar, name_en, verified_at, created_at, last_sign_in_at) \
         VALUES ($1, COALESCE($2, ''), $3, $4, $4, $4) \
         ON CONFLICT (national_id) DO UPDATE SET \
           name_ar = COALESCE($2, users.name_ar), \
           name_en = COALESCE($3, users.name_en), \
           verified_at = $4, last_sign_in_at = $4 \
         RETURNING id",
    )
    .bind(national_id)
    .bind(name_ar)
    .bind(name_en)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO role_grants (user_id, role, granted_at) VALUES ($1, 'family_member', $2) \
         ON CONFLICT (user_id, role) WHERE association_id IS NULL DO NOTHING",
    )
    .bind(user_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(user_id)
}

pub async fn insert_session(
    tx: &mut Transaction<'_, Any>,
    token_hash: &str,
    user_id: i64,
    user_agent: Option<&str>,
) -> Result<(), sqlx::Error> {
    let at = now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, user_agent) \
         VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(at)
    .bind(user_agent)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A live session: the user id and when it was last touched.
pub struct LiveSession {
    pub user_id: i64,
    pub last_seen_at: i64,
}

/// Finds a session that is within both timeouts.
pub async fn live_session(
    db: &Db,
    token_hash: &str,
    idle_secs: i64,
    absolute_secs: i64,
) -> Result<Option<LiveSession>, sqlx::Error> {
    let at = now();
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT user_id, last_seen_at FROM sessions \
         WHERE token_hash = $1 AND last_seen_at > $2 AND created_at > $3",
    )
    .bind(token_hash)
    .bind(at - idle_secs)
    .bind(at - absolute_secs)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(user_id, last_seen_at)| LiveSession {
        user_id,
        last_seen_at,
    }))
}

pub async fn touch_session(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
        .bind(token_hash)
        .bind(now())
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Ends every session of this person (sign-out everywhere); returns how many.
pub async fn delete_user_sessions(db: &Db, user_id: i64) -> Result<u64, sqlx::Error> {
    let result = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(result.rows_affected())
}

/// Removes expired sessions; run now and then so the table stays small.
pub async fn purge_expired_sessions(
    db: &Db,
    idle_secs: i64,
    absolute_secs: i64,
) -> Result<u64, sqlx::Error> {
    let at = now();
    let result = sqlx::query("DELETE FROM sessions WHERE last_seen_at <= $1 OR created_at <= $2")
        .bind(at - idle_secs)
        .bind(at - absolute_secs)
        .execute(&db.pool)
        .await?;
    Ok(result.rows_affected())
}

/// id, national_id, name_ar, name_en, verified_at
type PersonRow = (i64, String, String, Option<String>, Option<i64>);
/// role, association_id, association name ar/en
type RoleRow = (String, Option<i64>, Option<String>, Option<String>);

/// Loads a person with their roles.
pub async fn load_user(db: &Db, user_id: i64) -> Result<Option<CurrentUser>, sqlx::Error> {
    let person: Option<PersonRow> = sqlx::query_as(
        "SELECT id, national_id, name_ar, name_en, verified_at FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((user_id, national_id, name_ar, name_en, verified_at)) = person else {
        return Ok(None);
    };
    let rows: Vec<RoleRow> = sqlx::query_as(
        "SELECT g.role, g.association_id, a.name_ar, a.name_en FROM role_grants g \
         LEFT JOIN associations a ON a.id = g.association_id \
         WHERE g.user_id = $1 ORDER BY g.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let roles = rows
        .into_iter()
        .filter_map(
            |(role, association_id, association_name_ar, association_name_en)| {
                RoleKind::parse(&role).map(|kind| Role {
                    kind,
                    association_id,
                    association_name_ar,
                    association_name_en,
                })
            },
        )
        .collect();
    Ok(Some(CurrentUser {
        user_id,
        national_id,
        name_ar,
        name_en,
        verified_at,
        roles,
    }))
}

/// Why a role could not be granted.
#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    #[error("{0} needs an association")]
    AssociationRequired(&'static str),
    #[error("{0} is not held for an association")]
    AssociationNotAllowed(&'static str),
    #[error("no association with id {0}")]
    UnknownAssociation(i64),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Grants a role to the holder of `national_id`, creating the person (to be
/// verified at their first Nafath sign-in) when unknown. Returns the user id
/// and whether the grant is new.
pub async fn grant_role(
    db: &Db,
    national_id: &NationalId,
    role: RoleKind,
    association_id: Option<i64>,
    granted_by: Option<i64>,
) -> Result<(i64, bool), GrantError> {
    match (role.is_per_association(), association_id) {
        (true, None) => return Err(GrantError::AssociationRequired(role.as_str())),
        (false, Some(_)) => return Err(GrantError::AssociationNotAllowed(role.as_str())),
        _ => {}
    }
    if let Some(id) = association_id {
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM associations WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
        if found.is_none() {
            return Err(GrantError::UnknownAssociation(id));
        }
    }
    let at = now();
    let mut tx = db.pool.begin().await?;
    let (user_id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (national_id, name_ar, created_at) VALUES ($1, '', $2) \
         ON CONFLICT (national_id) DO UPDATE SET national_id = users.national_id \
         RETURNING id",
    )
    .bind(national_id.as_str())
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    let conflict_target = if association_id.is_some() {
        "(user_id, role, association_id) WHERE association_id IS NOT NULL"
    } else {
        "(user_id, role) WHERE association_id IS NULL"
    };
    // Only our two constant conflict targets are spliced in.
    let inserted = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO role_grants (user_id, role, association_id, granted_by, granted_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT {conflict_target} DO NOTHING"
    )))
    .bind(user_id)
    .bind(role.as_str())
    .bind(association_id)
    .bind(granted_by)
    .bind(at)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    tx.commit().await?;
    Ok((user_id, inserted))
}
