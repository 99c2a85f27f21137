//! SQL of form drafts.

use crate::database::Db;

/// How long a draft can be read back.
pub const DRAFT_SECS: i64 = 60 * 60;

/// Keeps the fields (serialized by the caller) of `form` for `user_id`;
/// returns the token to put in the address.
pub async fn keep(db: &Db, user_id: i64, form: &str, fields: &str) -> Result<String, sqlx::Error> {
    let token = crate::ids::new_token();
    let at = crate::database::now();
    // Old drafts go as new ones come: no job to schedule.
    sqlx::query("DELETE FROM form_drafts WHERE created_at < $1")
        .bind(at - DRAFT_SECS)
        .execute(&db.pool)
        .await?;
    sqlx::query(
        "INSERT INTO form_drafts (token, user_id, form, fields, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&token)
    .bind(user_id)
    .bind(form)
    .bind(fields)
    .bind(at)
    .execute(&db.pool)
    .await?;
    Ok(token)
}

/// The fields kept under `token` for this person and form, if still fresh.
pub async fn read(
    db: &Db,
    user_id: i64,
    form: &str,
    token: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT fields FROM form_drafts \
         WHERE token = $1 AND user_id = $2 AND form = $3 AND created_at >= $4",
    )
    .bind(token)
    .bind(user_id)
    .bind(form)
    .bind(crate::database::now() - DRAFT_SECS)
    .fetch_optional(&db.pool)
    .await
}
