//! SQL of the network domain: the council's summaries of associations and
//! the people appointed to them (the rows themselves belong to the
//! `associations` and `identity` modules).

use super::{AppointedPerson, AssociationSummary};
use crate::associations::{AssociationStatus, Logo};
use crate::database::{Db, now, stored};
use crate::text::mask_identifier;

/// id, licence, names, status, admins, staff, pending, cells
type SummaryRow = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    Option<String>,
    Option<i64>,
);

/// Every association with its people and coverage counts, by Arabic name.
#[tracing::instrument(skip_all)]
pub async fn summaries(db: &Db) -> Result<Vec<AssociationSummary>, sqlx::Error> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT a.id, a.licence_number, a.name_ar, a.name_en, a.status, \
           (SELECT COUNT(*) FROM role_grants g WHERE g.association_id = a.id \
              AND g.role = 'association_admin'), \
           (SELECT COUNT(*) FROM role_grants g WHERE g.association_id = a.id \
              AND g.role = 'association_staff'), \
           (SELECT COUNT(DISTINCT g.user_id) FROM role_grants g JOIN users u ON u.id = g.user_id \
              WHERE g.association_id = a.id AND u.verified_at IS NULL), \
           (SELECT COUNT(*) FROM coverage_cells c WHERE c.association_id = a.id \
              AND c.status = 'approved' AND c.valid_from <= $1 \
              AND (c.valid_to IS NULL OR c.valid_to > $1)), \
           a.logo_key, a.logo_width \
         FROM associations a ORDER BY a.name_ar",
    )
    .bind(now())
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(
            |(
                id,
                licence_number,
                name_ar,
                name_en,
                status,
                admins,
                staff,
                pending,
                cells,
                logo_key,
                logo_width,
            )| {
                Ok(AssociationSummary {
                    id,
                    licence_number,
                    name_ar,
                    name_en,
                    status: stored("associations.status", &status, AssociationStatus::parse)?,
                    admins,
                    staff,
                    pending,
                    cells,
                    logo: Logo::from_columns(logo_key, logo_width),
                })
            },
        )
        .collect()
}

/// user id, names, national ID, verified at, granted at
type AdminRow = (i64, String, Option<String>, String, Option<i64>, i64);

/// The admins of an association, pending invitations first.
#[tracing::instrument(skip_all)]
pub async fn admins_of(db: &Db, association_id: i64) -> Result<Vec<AppointedPerson>, sqlx::Error> {
    let rows: Vec<AdminRow> = sqlx::query_as(
        "SELECT u.id, u.name_ar, u.name_en, u.national_id, u.verified_at, g.granted_at \
         FROM role_grants g JOIN users u ON u.id = g.user_id \
         WHERE g.association_id = $1 AND g.role = 'association_admin' \
         ORDER BY (CASE WHEN u.verified_at IS NULL THEN 0 ELSE 1 END), g.granted_at, u.id",
    )
    .bind(association_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(user_id, name_ar, name_en, national_id, verified_at, granted_at)| AppointedPerson {
                user_id,
                name_ar,
                name_en,
                masked_national_id: mask_identifier(&national_id),
                pending: verified_at.is_none(),
                granted_at,
            },
        )
        .collect())
}

/// Open application lines routed to an association.
#[tracing::instrument(skip_all)]
pub async fn open_lines(db: &Db, association_id: i64) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM application_lines WHERE association_id = $1 \
         AND state IN ('submitted', 'in_review', 'approved', 'referred')",
    )
    .bind(association_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(count)
}
