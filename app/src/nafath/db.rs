//! SQL of the Nafath simulator: its requests and the names it knows. (The
//! real client keeps nothing here: sign-in attempts are identity's.)

use super::{NafathTransaction, SIMULATED_REQUEST_LIFETIME_SECS, SimulatedRequest};
use crate::database::{Db, now};
use crate::ids::NationalId;

/// The requests waiting for a decision on the simulator's phone page, newest first.
pub async fn pending(db: &Db) -> Result<Vec<SimulatedRequest>, sqlx::Error> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT trans_id, national_id, random, created_at FROM nafath_sim_requests \
         WHERE status = 'WAITING' AND created_at > $1 ORDER BY created_at DESC LIMIT 50",
    )
    .bind(now() - SIMULATED_REQUEST_LIFETIME_SECS)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(trans_id, national_id, random, created_at)| SimulatedRequest {
                trans_id,
                national_id,
                random,
                created_at,
            },
        )
        .collect())
}

/// Picks a number for a request: the right one approves it, any other
/// rejects it (as the real app does). Returns false when the request is
/// no longer waiting.
pub async fn decide(db: &Db, trans_id: &str, picked: Option<&str>) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE nafath_sim_requests SET \
           status = CASE WHEN random = $2 THEN 'COMPLETED' ELSE 'REJECTED' END, \
           decided_at = $3 \
         WHERE trans_id = $1 AND status = 'WAITING' AND created_at > $4",
    )
    .bind(trans_id)
    .bind(picked.unwrap_or(""))
    .bind(now())
    .bind(now() - SIMULATED_REQUEST_LIFETIME_SECS)
    .execute(&db.pool)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Stores a new login request, waiting for the person's pick.
pub async fn insert_request(
    db: &Db,
    trans_id: &str,
    national_id: &NationalId,
    random: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO nafath_sim_requests (trans_id, national_id, random, service, created_at) \
         VALUES ($1, $2, $3, 'Login', $4)",
    )
    .bind(trans_id)
    .bind(national_id.as_str())
    .bind(random)
    .bind(now())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A request's status and when it was made, when the three values match.
pub async fn request_status(
    db: &Db,
    national_id: &NationalId,
    transaction: &NafathTransaction,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT status, created_at FROM nafath_sim_requests \
         WHERE trans_id = $1 AND national_id = $2 AND random = $3",
    )
    .bind(&transaction.trans_id)
    .bind(national_id.as_str())
    .bind(&transaction.random)
    .fetch_optional(&db.pool)
    .await
}

/// The Arabic and English names the simulator knows for a person (demo personas).
pub async fn known_person(
    db: &Db,
    national_id: &NationalId,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT name_ar, name_en FROM nafath_sim_people WHERE national_id = $1")
        .bind(national_id.as_str())
        .fetch_optional(&db.pool)
        .await
}
