//! SQL of the identity domain: people, roles, sessions and sign-in attempts.

use sqlx::{Any, Transaction};

use super::{CurrentUser, NationalId, Role, RoleKind, SignInState};
use crate::database::{Db, now, stored};

mod roles;
pub use roles::*;

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

fn attempt_from_row(row: AttemptRow) -> Result<SignInAttempt, sqlx::Error> {
    let (id, trans_id, national_id, random, status, name_ar, name_en, consumed_at, created_at) =
        row;
    Ok(SignInAttempt {
        id,
        trans_id,
        national_id,
        random,
        state: stored("nafath_requests.status", &status, SignInState::parse)?,
        person_name_ar: name_ar,
        person_name_en: name_en,
        consumed: consumed_at.is_some(),
        created_at,
    })
}

/// What a rate counter answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowance {
    Allowed,
    /// Refused until this time (Unix seconds).
    RefusedUntil(i64),
}

/// Counts one event against `key` (a fixed window of `window_secs`) and says
/// whether it is allowed. The count is one atomic statement, so concurrent
/// requests on any instance cannot all slip under the limit. Past `limit`,
/// the key is refused for a window, then two, four… (at most a day): each
/// refusal while over the limit is a strike.
#[tracing::instrument(skip_all)]
pub async fn count_event(
    db: &Db,
    key: &str,
    limit: i64,
    window_secs: i64,
) -> Result<Allowance, sqlx::Error> {
    let at = now();
    let (starts, strikes, blocked_until): (i64, i64, i64) = sqlx::query_as(
        "INSERT INTO sign_in_counters (counter_key, window_start, starts) VALUES ($1, $2, 1) \
         ON CONFLICT (counter_key) DO UPDATE SET \
           starts = CASE WHEN sign_in_counters.window_start <= $3 THEN 1 \
                         ELSE sign_in_counters.starts + 1 END, \
           window_start = CASE WHEN sign_in_counters.window_start <= $3 THEN $2 \
                               ELSE sign_in_counters.window_start END \
         RETURNING starts, strikes, blocked_until",
    )
    .bind(key)
    .bind(at)
    .bind(at - window_secs)
    .fetch_one(&db.pool)
    .await?;
    if blocked_until > at {
        return Ok(Allowance::RefusedUntil(blocked_until));
    }
    if starts <= limit {
        return Ok(Allowance::Allowed);
    }
    let wait = (window_secs << strikes.clamp(0, 8)).min(24 * 60 * 60);
    let until = at + wait;
    sqlx::query(
        "UPDATE sign_in_counters SET strikes = strikes + 1, blocked_until = $2 \
         WHERE counter_key = $1 AND blocked_until <= $3",
    )
    .bind(key)
    .bind(until)
    .bind(at)
    .execute(&db.pool)
    .await?;
    Ok(Allowance::RefusedUntil(until))
}

/// Forgets a counter (a completed sign-in clears its pair's strikes).
#[tracing::instrument(skip_all)]
pub async fn clear_counter(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_counters WHERE counter_key = $1")
        .bind(key)
        .execute(&db.pool)
        .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
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

#[tracing::instrument(skip_all)]
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
    row.map(attempt_from_row).transpose()
}

/// Records a decision; only a waiting attempt changes, so a late poll can
/// never overwrite a callback's answer (or the reverse).
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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

#[tracing::instrument(skip_all)]
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
    /// The association chosen in the header's switch, if any.
    pub acting_association_id: Option<i64>,
}

/// Finds a session that is within both timeouts.
#[tracing::instrument(skip_all)]
pub async fn live_session(
    db: &Db,
    token_hash: &str,
    idle_secs: i64,
    absolute_secs: i64,
) -> Result<Option<LiveSession>, sqlx::Error> {
    let at = now();
    let row: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT s.user_id, s.last_seen_at, s.acting_association_id \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.last_seen_at > $2 AND s.created_at > $3 \
           AND u.disabled_at IS NULL",
    )
    .bind(token_hash)
    .bind(at - idle_secs)
    .bind(at - absolute_secs)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(
        |(user_id, last_seen_at, acting_association_id)| LiveSession {
            user_id,
            last_seen_at,
            acting_association_id,
        },
    ))
}

/// Records the association a session acts for.
#[tracing::instrument(skip_all)]
pub async fn set_acting_association(
    db: &Db,
    token_hash: &str,
    association_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET acting_association_id = $2 WHERE token_hash = $1")
        .bind(token_hash)
        .bind(association_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn touch_session(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
        .bind(token_hash)
        .bind(now())
        .execute(&db.pool)
        .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Ends every session of this person (sign-out everywhere); returns how many.
#[tracing::instrument(skip_all)]
pub async fn delete_user_sessions(db: &Db, user_id: i64) -> Result<u64, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    delete_user_sessions_in(&mut conn, user_id).await
}

/// Ends every session of a person inside the caller's transaction.
pub(super) async fn delete_user_sessions_in(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
) -> Result<u64, sqlx::Error> {
    let result = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(result.rows_affected())
}

/// Removes expired sessions; run now and then so the table stays small.
#[tracing::instrument(skip_all)]
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
/// role, association_id, association name ar/en, association status
type RoleRow = (
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Loads a person with all their roles, suspended associations' marked
/// (a session narrows them with [`CurrentUser::in_session`]).
#[tracing::instrument(skip_all)]
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
        "SELECT g.role, g.association_id, a.name_ar, a.name_en, a.status FROM role_grants g \
         LEFT JOIN associations a ON a.id = g.association_id \
         WHERE g.user_id = $1 ORDER BY g.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let roles = rows
        .into_iter()
        .map(
            |(role, association_id, association_name_ar, association_name_en, status)| {
                Ok(Role {
                    kind: stored("role_grants.role", &role, RoleKind::parse)?,
                    association_id,
                    association_name_ar,
                    association_name_en,
                    suspended: status.as_deref() == Some("suspended"),
                })
            },
        )
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Some(CurrentUser {
        user_id,
        national_id,
        name_ar,
        name_en,
        verified_at,
        roles,
        memberships: Vec::new(),
    }))
}

/// How many people and live sessions there are (for `/metrics`).
#[tracing::instrument(skip_all)]
pub async fn count_users_and_sessions(db: &Db) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as("SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM sessions)")
        .fetch_one(&db.pool)
        .await
}
