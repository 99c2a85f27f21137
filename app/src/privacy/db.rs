//! SQL of the privacy domain: its own table (`privacy_requests`), the
//! audit rows that say who read a household, and the identity and registry
//! rows "My data" shows and an approved deletion blanks (floors below this
//! one). Other domains' rows come through their `subject` interfaces.

use sqlx::{Any, Transaction};

use super::{
    AccessKind, Consent, Identity, Place, RecordRead, RequestKind, RequestStatus, SessionInfo,
};
use crate::audit::action;
use crate::database::{Db, now, stored};

/// The person's identity and where it came from.
#[tracing::instrument(skip_all)]
pub async fn identity(db: &Db, user_id: i64) -> Result<Option<Identity>, sqlx::Error> {
    type Row = (String, String, Option<String>, Option<i64>, i64);
    let row: Option<Row> = sqlx::query_as(
        "SELECT national_id, name_ar, name_en, verified_at, created_at FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(
        |(national_id, name_ar, name_en, nafath_verified_at, account_created_at)| Identity {
            national_id,
            name_ar,
            name_en,
            nafath_verified_at,
            account_created_at,
        },
    ))
}

/// City, district and address of the household.
#[tracing::instrument(skip_all)]
pub async fn place(db: &Db, household_id: i64) -> Result<Option<Place>, sqlx::Error> {
    type Row = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT c.name_ar, c.name_en, d.name_ar, d.name_en, h.address FROM households h \
           LEFT JOIN districts d ON d.id = h.district_id LEFT JOIN cities c ON c.id = d.city_id \
         WHERE h.id = $1",
    )
    .bind(household_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(
        |(city_name_ar, city_name_en, district_name_ar, district_name_en, address)| Place {
            city_name_ar,
            city_name_en,
            district_name_ar,
            district_name_en,
            address,
        },
    ))
}

/// The person's signed-in browsers seen since `since`.
#[tracing::instrument(skip_all)]
pub async fn sessions(db: &Db, user_id: i64, since: i64) -> Result<Vec<SessionInfo>, sqlx::Error> {
    let rows: Vec<(i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT created_at, last_seen_at, user_agent FROM sessions \
         WHERE user_id = $1 AND last_seen_at >= $2 ORDER BY last_seen_at DESC",
    )
    .bind(user_id)
    .bind(since)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(created_at, last_seen_at, user_agent)| SessionInfo {
            created_at,
            last_seen_at,
            user_agent,
        })
        .collect())
}

/// The person's sign-ins since `since`, newest first (from the audit trail).
#[tracing::instrument(skip_all)]
pub async fn sign_ins(db: &Db, user_id: i64, since: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT occurred_at FROM audit_events WHERE actor_user_id = $1 AND action = $2 \
           AND occurred_at >= $3 ORDER BY occurred_at DESC",
    )
    .bind(user_id)
    .bind(action::SIGN_IN)
    .bind(since)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(at,)| at).collect())
}

/// The consent the household gave at registration (notice version, when).
#[tracing::instrument(skip_all)]
pub async fn consents(db: &Db, household_id: i64) -> Result<Vec<Consent>, sqlx::Error> {
    let row: Option<(Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT consent_version, consent_at FROM households WHERE id = $1")
            .bind(household_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(match row {
        Some((Some(notice_version), Some(at))) => vec![Consent { notice_version, at }],
        _ => Vec::new(),
    })
}

/// Every staff read of the household's record, newest first: the record
/// opened, or a list or export it was in, or a partner's look-up through the
/// API. The association the reader acted for (else the one they work for;
/// for a look-up, the partner's name; none: the council), the kind, the time.
/// The reader is never selected.
#[tracing::instrument(skip_all)]
///
/// With each read of a course's list (its roster, its attendance sheet),
/// the course: the caller asks the training domain which provider runs it,
/// and that provider answers for the read.
pub async fn reads(
    db: &Db,
    household_id: i64,
) -> Result<Vec<(RecordRead, Option<i64>)>, sqlx::Error> {
    type Row = (
        Option<String>,
        Option<String>,
        String,
        Option<String>,
        i64,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT COALESCE(p.partner_name_ar, a.name_ar), COALESCE(p.partner_name_en, a.name_en), \
           e.action, e.detail, e.occurred_at, e.subject_type, e.subject_id \
         FROM audit_events e \
           LEFT JOIN partner_tokens p ON p.id = e.partner_token_id \
           LEFT JOIN associations a ON a.id = COALESCE(e.acting_for_association_id, \
             (SELECT MIN(g.association_id) FROM role_grants g \
               WHERE g.user_id = e.actor_user_id AND g.association_id IS NOT NULL)) \
         WHERE (e.action IN ($1, $2) AND e.subject_type = 'household' AND e.subject_id = $3) \
            OR e.id IN (SELECT audit_event_id FROM audit_event_households WHERE household_id = $4) \
         ORDER BY e.occurred_at DESC, e.id DESC",
    )
    .bind(action::HOUSEHOLD_VIEWED)
    .bind(action::PARTNER_LOOKUP)
    .bind(household_id.to_string())
    .bind(household_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(name_ar, name_en, action, detail, at, subject_type, subject_id)| {
                let read = RecordRead {
                    association_name_ar: name_ar,
                    association_name_en: name_en,
                    kind: AccessKind::of_event(&action, detail.as_deref()),
                    at,
                };
                let course = match subject_type.as_deref() {
                    Some("course") => subject_id.and_then(|id| id.parse().ok()),
                    _ => None,
                };
                (read, course)
            },
        )
        .collect())
}

/// A stored request, before its disputed benefit is attached.
#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: i64,
    pub household_id: i64,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub benefit_id: Option<i64>,
    pub association_id: Option<i64>,
    pub note: String,
    pub created_at: i64,
    pub due_at: i64,
    pub extended_at: Option<i64>,
    pub extension_reason: Option<String>,
    pub decided_at: Option<i64>,
    pub outcome_reason: Option<String>,
    pub head_name_ar: String,
    pub head_national_id: String,
    pub association_name_ar: Option<String>,
    pub association_name_en: Option<String>,
}

type Row = (
    (i64, i64, String, String, Option<i64>, Option<i64>, String),
    (
        i64,
        i64,
        Option<i64>,
        Option<String>,
        Option<i64>,
        Option<String>,
    ),
    (String, String, Option<String>, Option<String>),
);

const SELECT: &str = "SELECT r.id, r.household_id, r.kind, r.status, r.subject_id, \
       r.association_id, r.note, r.created_at, r.due_at, r.extended_at, r.extension_reason, \
       r.decided_at, r.outcome_reason, h.head_name_ar, h.head_national_id, a.name_ar, a.name_en \
     FROM privacy_requests r JOIN households h ON h.id = r.household_id \
       LEFT JOIN associations a ON a.id = r.association_id";
/// What [`SELECT`] reads from, for counting the same rows.
const COUNT: &str =
    "SELECT COUNT(*) FROM privacy_requests r JOIN households h ON h.id = r.household_id";

fn request_of(row: &sqlx::any::AnyRow) -> Result<RequestRow, sqlx::Error> {
    use sqlx::Row as _;
    let row: Row = (
        (
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
            row.try_get(3)?,
            row.try_get(4)?,
            row.try_get(5)?,
            row.try_get(6)?,
        ),
        (
            row.try_get(7)?,
            row.try_get(8)?,
            row.try_get(9)?,
            row.try_get(10)?,
            row.try_get(11)?,
            row.try_get(12)?,
        ),
        (
            row.try_get(13)?,
            row.try_get(14)?,
            row.try_get(15)?,
            row.try_get(16)?,
        ),
    );
    let ((id, household_id, kind, status, benefit_id, association_id, note), b, c) = row;
    let (created_at, due_at, extended_at, extension_reason, decided_at, outcome_reason) = b;
    let (head_name_ar, head_national_id, association_name_ar, association_name_en) = c;
    Ok(RequestRow {
        id,
        household_id,
        kind: stored("privacy_requests.kind", &kind, RequestKind::parse)?,
        status: stored("privacy_requests.status", &status, RequestStatus::parse)?,
        benefit_id,
        association_id,
        note,
        created_at,
        due_at,
        extended_at,
        extension_reason,
        decided_at,
        outcome_reason,
        head_name_ar,
        head_national_id,
        association_name_ar,
        association_name_en,
    })
}

async fn fetch(db: &Db, sql: String, binds: &[i64]) -> Result<Vec<RequestRow>, sqlx::Error> {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in binds {
        query = query.bind(*value);
    }
    query
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(request_of)
        .collect()
}

/// The household's requests, newest first.
#[tracing::instrument(skip_all)]
pub async fn requests_of(db: &Db, household_id: i64) -> Result<Vec<RequestRow>, sqlx::Error> {
    fetch(
        db,
        format!("{SELECT} WHERE r.household_id = $1 ORDER BY r.id DESC"),
        &[household_id],
    )
    .await
}

/// One request.
#[tracing::instrument(skip_all)]
pub async fn request(db: &Db, id: i64) -> Result<Option<RequestRow>, sqlx::Error> {
    Ok(fetch(db, format!("{SELECT} WHERE r.id = $1"), &[id])
        .await?
        .into_iter()
        .next())
}

/// How many requests the officer's queue holds (every request: see [`queue`]).
#[tracing::instrument(skip_all)]
pub async fn queue_count(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(COUNT).fetch_one(&db.pool).await?;
    Ok(n)
}

/// A page of the officer's queue: open requests by due date, then the last
/// decided; `limit` from `offset`.
#[tracing::instrument(skip_all)]
pub async fn queue(db: &Db, limit: i64, offset: i64) -> Result<Vec<RequestRow>, sqlx::Error> {
    fetch(
        db,
        format!(
            "{SELECT} ORDER BY CASE WHEN r.status = 'open' THEN 0 ELSE 1 END, \
               CASE WHEN r.status = 'open' THEN r.due_at ELSE -r.decided_at END, r.id \
             LIMIT $1 OFFSET $2"
        ),
        &[limit, offset],
    )
    .await
}

/// The disputes of records an association wrote (`$1`): shared by
/// [`disputes_count`] and [`disputes_of`].
const DISPUTES_OF: &str = "WHERE r.kind = 'correction' AND r.association_id = $1";

/// How many disputes of its records an association has (see [`disputes_of`]).
#[tracing::instrument(skip_all)]
pub async fn disputes_count(db: &Db, association_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("{COUNT} {DISPUTES_OF}")))
        .bind(association_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}

/// A page of the disputes of records an association wrote, open first;
/// `limit` from `offset`.
#[tracing::instrument(skip_all)]
pub async fn disputes_of(
    db: &Db,
    association_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    fetch(
        db,
        format!(
            "{SELECT} {DISPUTES_OF} \
             ORDER BY CASE WHEN r.status = 'open' THEN 0 ELSE 1 END, r.due_at, r.id \
             LIMIT $2 OFFSET $3"
        ),
        &[association_id, limit, offset],
    )
    .await
}

/// Whether the household has an open request of this kind (and subject).
#[tracing::instrument(skip_all)]
pub async fn has_open(
    db: &Db,
    household_id: i64,
    kind: RequestKind,
    benefit_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM privacy_requests WHERE household_id = $1 AND kind = $2 \
           AND status = 'open' AND COALESCE(subject_id, 0) = $3",
    )
    .bind(household_id)
    .bind(kind.as_str())
    .bind(benefit_id.unwrap_or(0))
    .fetch_one(&db.pool)
    .await?;
    Ok(n > 0)
}

/// A new request to store.
pub struct NewRequest<'a> {
    pub household_id: i64,
    pub requested_by: i64,
    pub kind: RequestKind,
    pub benefit_id: Option<i64>,
    pub association_id: Option<i64>,
    pub note: &'a str,
    pub created_at: i64,
    pub due_at: i64,
}

/// Stores a request; returns its id.
#[tracing::instrument(skip_all)]
pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    new: &NewRequest<'_>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO privacy_requests (household_id, requested_by, kind, subject_type, subject_id, \
           association_id, note, status, created_at, due_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9) RETURNING id",
    )
    .bind(new.household_id)
    .bind(new.requested_by)
    .bind(new.kind.as_str())
    .bind(new.benefit_id.map(|_| "benefit"))
    .bind(new.benefit_id)
    .bind(new.association_id)
    .bind(new.note)
    .bind(new.created_at)
    .bind(new.due_at)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// Extends an open, never-extended request; false when it was not.
#[tracing::instrument(skip_all)]
pub async fn extend(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    new_due: i64,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE privacy_requests SET due_at = $1, extended_at = $2, extension_reason = $3 \
         WHERE id = $4 AND status = 'open' AND extended_at IS NULL",
    )
    .bind(new_due)
    .bind(now())
    .bind(reason)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the outcome of an open request; false when it was decided already.
#[tracing::instrument(skip_all)]
pub async fn decide(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    status: RequestStatus,
    reason: Option<&str>,
    by: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE privacy_requests SET status = $1, outcome_reason = $2, decided_at = $3, \
           decided_by = $4 WHERE id = $5 AND status = 'open'",
    )
    .bind(status.as_str())
    .bind(reason)
    .bind(now())
    .bind(by)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A request's audit trail: (action, time), oldest first.
#[tracing::instrument(skip_all)]
pub async fn trail(db: &Db, id: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT action, occurred_at FROM audit_events \
         WHERE subject_type = 'privacy_request' AND subject_id = $1 ORDER BY id",
    )
    .bind(id.to_string())
    .fetch_all(&db.pool)
    .await
}

/// The head's account of a household, if it has one.
#[tracing::instrument(skip_all)]
pub async fn head_user(db: &Db, household_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT head_user_id FROM households WHERE id = $1")
            .bind(household_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.and_then(|(id,)| id))
}

/// Withdrawn consent: the household's consent is cleared (it must consent
/// again before applying).
#[tracing::instrument(skip_all)]
pub async fn clear_consent(
    tx: &mut Transaction<'static, Any>,
    household_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE households SET consent_version = NULL, consent_at = NULL, updated_at = $1 \
         WHERE id = $2",
    )
    .bind(now())
    .bind(household_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An approved deletion, for the registry and identity rows: the household
/// row stays (district, income bracket and size keep the counts right) with
/// its personal fields blanked; members' names and IDs, the field history,
/// the identity index and matching keys go, so the national IDs can
/// register afresh; the head's account is blanked and its sessions end.
#[tracing::instrument(skip_all)]
pub async fn anonymise(
    tx: &mut Transaction<'static, Any>,
    household_id: i64,
    head_user_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let at = now();
    sqlx::query(
        "UPDATE households SET head_national_id = $1, head_name_ar = '', phone = NULL, \
           address = NULL, crafts = '', consent_version = NULL, consent_at = NULL, \
           head_user_id = NULL, erased_at = $2, updated_at = $2 WHERE id = $3",
    )
    .bind(format!("erased-{household_id}"))
    .bind(at)
    .bind(household_id)
    .execute(&mut **tx)
    .await?;
    for sql in [
        "UPDATE household_members SET full_name = '', national_id = NULL WHERE household_id = $1",
        "DELETE FROM household_identities WHERE household_id = $1",
        "DELETE FROM household_keys WHERE household_id = $1",
        // Its names in the staff search (migration 0030).
        "DELETE FROM household_name_keys WHERE household_id = $1",
        "DELETE FROM household_changes WHERE household_id = $1",
        // The family's own words in its requests; the requests stay, as the
        // proof that the deletion was asked for and answered.
        "UPDATE privacy_requests SET note = '' WHERE household_id = $1",
    ] {
        sqlx::query(sql)
            .bind(household_id)
            .execute(&mut **tx)
            .await?;
    }
    if let Some(user_id) = head_user_id {
        sqlx::query(
            "UPDATE users SET national_id = $1, name_ar = '', name_en = NULL, verified_at = NULL \
             WHERE id = $2",
        )
        .bind(format!("erased-{user_id}"))
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
        for sql in [
            "DELETE FROM sessions WHERE user_id = $1",
            "DELETE FROM form_drafts WHERE user_id = $1",
            "DELETE FROM role_grants WHERE user_id = $1 AND role = 'family_member'",
        ] {
            sqlx::query(sql).bind(user_id).execute(&mut **tx).await?;
        }
    }
    Ok(())
}
