//! SQL of the partners' API: the tokens (created and revoked by the council,
//! each with its audit row in the same transaction), and the household
//! look-up, read from the registry's tables and `household_associations` by
//! name (no sibling domain is imported).

use super::dci::{BenefitEntry, HouseholdRecord, Organisation};
use super::{PartnerToken, Scope};
use crate::audit::{self, AuditEvent, action};
use crate::database::Db;

/// A new token, as the council's form gives it.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub partner_name_ar: String,
    pub partner_name_en: String,
    pub scope: Scope,
    pub association_id: Option<i64>,
    /// The SHA-256 of the secret (hex); the secret itself is never stored.
    pub secret_sha256: String,
}

/// Stores a token and its `partner_token_created` audit row together;
/// returns its id.
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &Db,
    token: &NewToken,
    event: AuditEvent<'_>,
    at: i64,
) -> Result<i64, sqlx::Error> {
    let created_by = event.actor_user_id;
    let mut tx = db.pool.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO partner_tokens (partner_name_ar, partner_name_en, scope, association_id, \
           secret_sha256, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&token.partner_name_ar)
    .bind(&token.partner_name_en)
    .bind(token.scope.as_str())
    .bind(token.association_id)
    .bind(&token.secret_sha256)
    .bind(at)
    .bind(created_by)
    .fetch_one(&mut *tx)
    .await?;
    audit::record_in(
        &mut tx,
        event
            .subject("partner_token", id)
            .detail(match token.association_id {
                Some(association) => format!("households, association {association}"),
                None => "indicators".to_string(),
            }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Revokes a token not yet revoked, with its `partner_token_revoked` audit
/// row; `false` when there is no such live token.
#[tracing::instrument(skip_all)]
pub async fn revoke(
    db: &Db,
    token_id: i64,
    event: AuditEvent<'_>,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let revoked_by = event.actor_user_id;
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE partner_tokens SET revoked_at = $1, revoked_by = $2 \
         WHERE id = $3 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(revoked_by)
    .bind(token_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if done {
        audit::record_in(&mut tx, event.subject("partner_token", token_id)).await?;
    }
    tx.commit().await?;
    Ok(done)
}

/// A row of [`tokens`].
type TokenRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
);

/// Every token, newest first, with who created and revoked it and its
/// calls over the 30 days before `now`.
#[tracing::instrument(skip_all)]
pub async fn tokens(db: &Db, now: i64) -> Result<Vec<PartnerToken>, sqlx::Error> {
    let rows: Vec<TokenRow> = sqlx::query_as(
        "SELECT t.id, t.partner_name_ar, t.partner_name_en, t.scope, a.name_ar, a.name_en, \
           t.created_at, c.name_ar, c.name_en, t.revoked_at, r.name_ar, r.name_en, t.last_used_at, \
           (SELECT COUNT(*) FROM audit_events e WHERE e.partner_token_id = t.id \
              AND e.action IN ($1, $2) AND e.occurred_at >= $3) \
         FROM partner_tokens t \
           JOIN users c ON c.id = t.created_by \
           LEFT JOIN users r ON r.id = t.revoked_by \
           LEFT JOIN associations a ON a.id = t.association_id \
         ORDER BY t.id DESC",
    )
    .bind(action::PARTNER_API_CALLED)
    .bind(action::ACCESS_DENIED)
    .bind(now - 30 * 86_400)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(token_of).collect())
}

fn token_of(row: TokenRow) -> PartnerToken {
    let (id, name_ar, name_en, scope, a_ar, a_en) = (row.0, row.1, row.2, row.3, row.4, row.5);
    let (created_at, created_by, revoked_at, last_used_at, calls) =
        (row.6, (row.7, row.8), row.9, row.12, row.13);
    let revoked_by = row.10.map(|ar| (ar, row.11));
    PartnerToken {
        id,
        partner_name_ar: name_ar,
        partner_name_en: name_en,
        scope: Scope::parse(&scope).unwrap_or(Scope::Indicators),
        association: a_ar.map(|ar| (ar, a_en.unwrap_or_default())),
        created_at,
        created_by,
        revoked_at,
        revoked_by,
        last_used_at,
        calls_30_days: calls,
    }
}

/// A token as a call presents it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presented {
    pub id: i64,
    pub scope: Scope,
    pub association_id: Option<i64>,
    pub revoked: bool,
}

/// The token whose secret hashes to `secret_sha256`, revoked or not.
#[tracing::instrument(skip_all)]
pub async fn token_by_hash(db: &Db, secret_sha256: &str) -> Result<Option<Presented>, sqlx::Error> {
    let row: Option<(i64, String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT id, scope, association_id, revoked_at FROM partner_tokens WHERE secret_sha256 = $1",
    )
    .bind(secret_sha256)
    .fetch_optional(&db.pool)
    .await?;
    Ok(
        row.map(|(id, scope, association_id, revoked_at)| Presented {
            id,
            scope: Scope::parse(&scope).unwrap_or(Scope::Indicators),
            association_id,
            revoked: revoked_at.is_some(),
        }),
    )
}

/// Notes a token's use, at most once a minute (a write per call would be
/// a write per call for nothing).
#[tracing::instrument(skip_all)]
pub async fn touch(db: &Db, token_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE partner_tokens SET last_used_at = $1 \
         WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)",
    )
    .bind(now)
    .bind(token_id)
    .bind(now - 60)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The registered household holding this national ID (its head's, or a
/// member's confirmed identity; a merged household answers with the one it
/// was merged into), if any.
#[tracing::instrument(skip_all)]
pub async fn household_of(db: &Db, national_id: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT h.id FROM households h WHERE h.status = 'registered' AND h.erased_at IS NULL \
           AND h.merged_into_id IS NULL AND h.id IN ( \
             SELECT COALESCE(x.merged_into_id, x.id) FROM households x WHERE x.head_national_id = $1 \
             UNION \
             SELECT COALESCE(x.merged_into_id, x.id) FROM household_identities i \
               JOIN households x ON x.id = i.household_id WHERE i.national_id = $2) \
         ORDER BY h.id LIMIT 1",
    )
    .bind(national_id)
    .bind(national_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// What the look-up answers about a registered household: the associations
/// serving it, and its benefits (never their amounts) unless withheld.
#[tracing::instrument(skip_all)]
pub async fn record(
    db: &Db,
    household_id: i64,
    with_benefits: bool,
) -> Result<HouseholdRecord, sqlx::Error> {
    let serving: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.name_ar, a.name_en FROM associations a WHERE a.id IN \
           (SELECT association_id FROM household_associations WHERE household_id = $1) \
         ORDER BY a.id",
    )
    .bind(household_id)
    .fetch_all(&db.pool)
    .await?;
    let benefits = if with_benefits {
        let rows: Vec<(String, String, String, String, String, String)> = sqlx::query_as(
            "SELECT t.code, t.name_ar, t.name_en, b.given_on, a.name_ar, a.name_en \
             FROM benefits b JOIN assistance_types t ON t.id = b.assistance_type_id \
               JOIN associations a ON a.id = b.association_id \
             WHERE b.household_id = $1 ORDER BY b.given_on DESC, b.id DESC",
        )
        .bind(household_id)
        .fetch_all(&db.pool)
        .await?;
        Some(
            rows.into_iter()
                .map(|(code, t_ar, t_en, given_on, a_ar, a_en)| BenefitEntry {
                    assistance_type: code,
                    assistance_type_name_ar: t_ar,
                    assistance_type_name_en: t_en,
                    given_on,
                    association: Organisation {
                        name_ar: a_ar,
                        name_en: a_en,
                    },
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(HouseholdRecord {
        registered: true,
        serving_associations: serving
            .into_iter()
            .map(|(name_ar, name_en)| Organisation { name_ar, name_en })
            .collect(),
        benefits,
    })
}

/// Whether the association serves the household (`household_associations`).
#[tracing::instrument(skip_all)]
pub async fn serves(db: &Db, association_id: i64, household_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT association_id FROM household_associations \
         WHERE association_id = $1 AND household_id = $2 LIMIT 1",
    )
    .bind(association_id)
    .bind(household_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// Whether an association with this id exists (a `households` token is tied to one).
#[tracing::instrument(skip_all)]
pub async fn association_exists(db: &Db, association_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM associations WHERE id = $1")
        .bind(association_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}
