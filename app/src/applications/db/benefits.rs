//! Past benefits recorded in bulk (an association's import): benefits given
//! before the platform, outside any application line.

use sqlx::AnyConnection;

use crate::database::now;

/// A benefit an association gave before it used the platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PastBenefit {
    pub household_id: i64,
    pub assistance_type_id: i64,
    /// `YYYY-MM-DD`.
    pub given_on: String,
    pub value_halalas: Option<i64>,
}

/// What became of one [`PastBenefit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// A new benefit row with this id.
    Created(i64),
    /// This association already recorded this type for this household on
    /// this day (this benefit row): nothing new was written.
    AlreadyRecorded(i64),
}

/// The benefit row, if any, of this association for this household, type and day.
pub async fn recorded_benefit(
    conn: &mut AnyConnection,
    association_id: i64,
    benefit: &PastBenefit,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM benefits WHERE household_id = $1 AND association_id = $2 \
           AND assistance_type_id = $3 AND given_on = $4 ORDER BY id LIMIT 1",
    )
    .bind(benefit.household_id)
    .bind(association_id)
    .bind(benefit.assistance_type_id)
    .bind(&benefit.given_on)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// Records these benefits of `association_id` in the caller's transaction,
/// skipping each one already recorded (same household, type and day).
pub async fn record_past_benefits(
    conn: &mut AnyConnection,
    association_id: i64,
    recorded_by: i64,
    benefits: &[PastBenefit],
) -> Result<Vec<Recorded>, sqlx::Error> {
    let at = now();
    let mut out = Vec::with_capacity(benefits.len());
    for benefit in benefits {
        if let Some(id) = recorded_benefit(conn, association_id, benefit).await? {
            out.push(Recorded::AlreadyRecorded(id));
            continue;
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO benefits (household_id, association_id, assistance_type_id, \
               value_halalas, given_on, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(benefit.household_id)
        .bind(association_id)
        .bind(benefit.assistance_type_id)
        .bind(benefit.value_halalas)
        .bind(&benefit.given_on)
        .bind(recorded_by)
        .bind(at)
        .fetch_one(&mut *conn)
        .await?;
        out.push(Recorded::Created(id));
    }
    Ok(out)
}
