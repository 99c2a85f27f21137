//! SQL of roles and access: grants, revocations, disabled accounts, who holds what.

use sqlx::{Any, Transaction};

use super::{delete_user_sessions_in, load_user};
use crate::database::{Db, Sql, now};
use crate::identity::{CurrentUser, NationalId, RoleKind};

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

crate::db_failure!(GrantError);

/// Grants a role to the holder of `national_id`, creating the person (to be
/// verified at their first Nafath sign-in) when unknown. Returns the user id
/// and whether the grant is new.
///
/// A new grant writes its `role_granted` audit row in the same transaction.
#[tracing::instrument(skip_all)]
pub async fn grant_role(
    db: &Db,
    national_id: &NationalId,
    role: RoleKind,
    association_id: Option<i64>,
    granted_by: Option<i64>,
    client_ip: Option<&str>,
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
    let mut tx = db.begin_write().await?;
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
    if inserted {
        // Also called without a request (seed, command line): no Ctx here,
        // so the grantor and address come as arguments.
        let event = crate::audit::AuditEvent::new(crate::audit::action::ROLE_GRANTED)
            .by(granted_by, client_ip.map(str::to_string))
            .subject("user", user_id)
            .acting_for(association_id)
            .detail(role.as_str());
        crate::audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok((user_id, inserted))
}

/// Whether this person's account is disabled.
#[tracing::instrument(skip_all)]
pub async fn is_disabled(tx: &mut Transaction<'_, Any>, user_id: i64) -> Result<bool, sqlx::Error> {
    let (disabled,): (Option<i64>,) = sqlx::query_as("SELECT disabled_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(disabled.is_some())
}

/// A person as the access page lists them (the national ID masked by the caller).
pub struct PersonAccessRow {
    pub user: CurrentUser,
    pub disabled_at: Option<i64>,
    pub last_sign_in_at: Option<i64>,
    pub live_sessions: i64,
}

/// Who the access page lists, after `WHERE`: people holding a staff,
/// admin, trainer or council role — all of them (`associations` None, for
/// the council) or those of these associations — and, when given, the
/// holder of one national ID. Shared by [`people_with_access_count`] and
/// [`people_with_access`], so the count is of the rows the pages show.
fn push_access_filter(
    sql: &mut Sql,
    associations: Option<&[i64]>,
    national_id: Option<&NationalId>,
) {
    sql.push(
        "u.id IN (SELECT u2.id FROM users u2 LEFT JOIN role_grants g ON g.user_id = u2.id WHERE ",
    );
    match associations {
        // These associations' people.
        Some(ids) => sql.push("g.association_id IN ").bind_list(ids),
        // Everyone holding a role beyond being a family member.
        None => sql.push("(g.role IS NOT NULL AND g.role <> 'family_member')"),
    };
    if let Some(id) = national_id {
        sql.push(" OR u2.national_id = ").bind(id.as_str());
    }
    sql.push(")");
}

/// How many people the access page lists (see [`push_access_filter`]).
#[tracing::instrument(skip_all)]
pub async fn people_with_access_count(
    db: &Db,
    associations: Option<&[i64]>,
    national_id: Option<&NationalId>,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM users u WHERE ");
    push_access_filter(&mut sql, associations, national_id);
    let (n,): (i64,) = sql.query_as().fetch_one(&db.pool).await?;
    Ok(n)
}

/// One page of the people the access page lists (see
/// [`push_access_filter`]), in the order they were first seen; `limit`
/// from `offset`.
#[tracing::instrument(skip_all)]
pub async fn people_with_access(
    db: &Db,
    associations: Option<&[i64]>,
    national_id: Option<&NationalId>,
    limit: i64,
    offset: i64,
) -> Result<Vec<PersonAccessRow>, sqlx::Error> {
    // Who, with their account's state, in one query; their roles next.
    let mut sql = Sql::new(
        "SELECT u.id, u.disabled_at, u.last_sign_in_at, \
           (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id) \
         FROM users u WHERE ",
    );
    push_access_filter(&mut sql, associations, national_id);
    sql.push(" ORDER BY u.id LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    let rows: Vec<(i64, Option<i64>, Option<i64>, i64)> =
        sql.query_as().fetch_all(&db.pool).await?;
    let mut people = Vec::with_capacity(rows.len());
    for (id, disabled_at, last_sign_in_at, live_sessions) in rows {
        let Some(user) = load_user(db, id).await? else {
            continue;
        };
        people.push(PersonAccessRow {
            user,
            disabled_at,
            last_sign_in_at,
            live_sessions,
        });
    }
    Ok(people)
}

/// Takes one role away; the `role_revoked` audit row is written in the same
/// transaction. `false` when there was no such grant.
#[tracing::instrument(skip_all)]
pub async fn revoke_role(
    db: &Db,
    user_id: i64,
    role: RoleKind,
    association_id: Option<i64>,
    audit: crate::audit::AuditEvent<'_>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let removed = sqlx::query(
        "DELETE FROM role_grants WHERE user_id = $1 AND role = $2 \
         AND COALESCE(association_id, 0) = COALESCE($3, 0)",
    )
    .bind(user_id)
    .bind(role.as_str())
    .bind(association_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if removed {
        crate::audit::record_in(&mut tx, audit).await?;
    }
    tx.commit().await?;
    Ok(removed)
}

/// Disables (or enables again) an account; disabling ends every session.
/// The audit row is written in the same transaction.
#[tracing::instrument(skip_all)]
pub async fn set_disabled(
    db: &Db,
    user_id: i64,
    disabled: bool,
    audit: crate::audit::AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE users SET disabled_at = $2 WHERE id = $1")
        .bind(user_id)
        .bind(disabled.then(now))
        .execute(&mut *tx)
        .await?;
    if disabled {
        delete_user_sessions_in(&mut tx, user_id).await?;
    }
    crate::audit::record_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends every session of a person, audited in the same transaction.
#[tracing::instrument(skip_all)]
pub async fn end_sessions(
    db: &Db,
    user_id: i64,
    audit: crate::audit::AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    delete_user_sessions_in(&mut tx, user_id).await?;
    crate::audit::record_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(())
}

/// One change to access, as the access history shows it.
#[derive(Debug, Clone)]
pub struct AccessChangeRow {
    pub occurred_at: i64,
    pub action: String,
    /// Who made the change (empty name: a command-line grant).
    pub actor_name_ar: Option<String>,
    pub actor_name_en: Option<String>,
    /// The person whose access changed, when the change was about a person.
    pub subject_name_ar: Option<String>,
    pub subject_name_en: Option<String>,
    pub subject_national_id: Option<String>,
    pub association_name_ar: Option<String>,
    pub association_name_en: Option<String>,
    pub detail: Option<String>,
}

/// The audited actions the access history lists.
pub const ACCESS_ACTIONS: [&str; 8] = [
    crate::audit::action::ROLE_GRANTED,
    crate::audit::action::ROLE_REVOKED,
    crate::audit::action::SESSIONS_ENDED,
    crate::audit::action::ACCOUNT_DISABLED,
    crate::audit::action::ACCOUNT_ENABLED,
    crate::audit::action::ASSOCIATION_SUSPENDED,
    crate::audit::action::ASSOCIATION_REACTIVATED,
    crate::audit::action::ASSOCIATION_SAVED,
];

type ChangeRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The latest changes to access, newest first: of one association's people
/// (`Some`), or everyone's (`None`, the council).
#[tracing::instrument(skip_all)]
pub async fn access_history(
    db: &Db,
    association_id: Option<i64>,
    limit: i64,
) -> Result<Vec<AccessChangeRow>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT e.occurred_at, e.action, actor.name_ar, actor.name_en, subject.name_ar, \
         subject.name_en, subject.national_id, a.name_ar, a.name_en, e.detail \
         FROM audit_events e \
         LEFT JOIN users actor ON actor.id = e.actor_user_id \
         LEFT JOIN users subject ON e.subject_type = 'user' \
              AND CAST(subject.id AS TEXT) = e.subject_id \
         LEFT JOIN associations a ON a.id = e.acting_for_association_id \
         WHERE e.action IN (",
    );
    for (i, action) in ACCESS_ACTIONS.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(action.to_string());
    }
    sql.push(")");
    if let Some(id) = association_id {
        sql.push(" AND e.acting_for_association_id = ").bind(id);
    }
    sql.push(" ORDER BY e.occurred_at DESC, e.id DESC LIMIT ")
        .bind(limit);
    let rows: Vec<ChangeRow> = sql.query_as().fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|r| AccessChangeRow {
            occurred_at: r.0,
            action: r.1,
            actor_name_ar: r.2,
            actor_name_en: r.3,
            subject_name_ar: r.4,
            subject_name_en: r.5,
            subject_national_id: r.6,
            association_name_ar: r.7,
            association_name_en: r.8,
            detail: r.9,
        })
        .collect())
}
