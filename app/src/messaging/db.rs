//! The messaging SQL: preferences, the outbox and its claims, and what the
//! simulator received.

use sqlx::{Any, Transaction};

use super::{BODY_RETENTION_SECS, Channel, Language, Message, Preferences, international_phone};
use crate::database::{Db, Engine};

/// A family's message settings (the defaults before it chose).
pub async fn preferences(db: &Db, user_id: i64) -> Result<Preferences, sqlx::Error> {
    let row: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT channel, language, phone FROM message_preferences WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(from_row).unwrap_or_default())
}

fn from_row((channel, language, phone): (String, String, Option<String>)) -> Preferences {
    Preferences {
        channel: Channel::parse(&channel).unwrap_or(Channel::Sms),
        language: Language::parse(&language).unwrap_or(Language::Ar),
        phone,
    }
}

/// Stores a family's choice (the phone already in `9665XXXXXXXX` form).
pub async fn save_preferences(
    db: &Db,
    user_id: i64,
    preferences: &Preferences,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO message_preferences (user_id, channel, language, phone, updated_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (user_id) DO UPDATE SET channel = excluded.channel, \
           language = excluded.language, phone = excluded.phone, updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(preferences.channel.as_str())
    .bind(preferences.language.as_str())
    .bind(preferences.phone.as_deref())
    .bind(crate::database::now())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Puts a message for a person in the outbox, inside the caller's
/// transaction (the event that causes it), in the channel and language the
/// person chose. Returns the outbox id, or `None` when nothing is to be sent:
/// the person chose no messages, or no phone is known (theirs, or their
/// household's).
#[tracing::instrument(skip_all, fields(user_id, kind = message.kind()))]
pub async fn enqueue(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    message: &Message,
    urgent: bool,
) -> Result<Option<i64>, sqlx::Error> {
    let chosen: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT channel, language, phone FROM message_preferences WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?;
    let preferences = chosen.map(from_row).unwrap_or_default();
    if preferences.channel == Channel::None {
        return Ok(None);
    }
    let phone = match preferences.phone {
        Some(phone) => Some(phone),
        None => {
            let household: Option<(Option<String>,)> = sqlx::query_as(
                "SELECT phone FROM households WHERE head_user_id = $1 ORDER BY id LIMIT 1",
            )
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
            household.and_then(|(p,)| p)
        }
    };
    let Some(phone) = phone.as_deref().and_then(international_phone) else {
        return Ok(None);
    };
    let language = preferences.language;
    let params = serde_json::to_string(&message.params(language)).unwrap_or_default();
    let now = crate::database::now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO message_outbox (user_id, kind, channel, language, phone, body, template, \
           params, urgent, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(user_id)
    .bind(message.kind())
    .bind(preferences.channel.as_str())
    .bind(language.as_str())
    .bind(phone)
    .bind(message.body(language))
    .bind(message.template())
    .bind(params)
    .bind(i64::from(urgent))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Some(id))
}

/// A message claimed by one worker, to send now.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub channel: Channel,
    pub language: Language,
    pub phone: String,
    pub body: String,
    pub template: String,
    pub params: Vec<String>,
    pub attempts: i64,
}

/// Claims the next due message for `claim_token`, or `None`. One conditional
/// UPDATE: the row changes from `queued` to `sending` only if it is still
/// queued, so of two workers racing for it exactly one gets it back
/// (PostgreSQL re-checks the condition on the committed row; SQLite has one
/// writer). On PostgreSQL the candidate is picked `FOR UPDATE SKIP LOCKED`,
/// so a second worker takes the next message instead of waiting. In quiet
/// hours only urgent messages are due.
pub async fn claim(
    db: &Db,
    claim_token: &str,
    now: i64,
    quiet: bool,
) -> Result<Option<Claimed>, sqlx::Error> {
    let lock = match db.engine {
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
        Engine::Sqlite => "",
    };
    let sql = format!(
        "UPDATE message_outbox SET status = 'sending', claim_token = $1, claimed_at = $2, \
           attempts = attempts + 1 \
         WHERE id = (SELECT id FROM message_outbox WHERE status = 'queued' \
             AND next_attempt_at <= $2 AND (urgent = 1 OR $3 = 0) \
             ORDER BY next_attempt_at, id LIMIT 1{lock}) \
           AND status = 'queued' \
         RETURNING id, channel, language, phone, body, template, params, attempts"
    );
    type Row = (
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
        i64,
    );
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(claim_token)
        .bind(now)
        .bind(i64::from(quiet))
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(
        |(id, channel, language, phone, body, template, params, attempts)| Claimed {
            id,
            channel: Channel::parse(&channel).unwrap_or(Channel::Sms),
            language: Language::parse(&language).unwrap_or(Language::Ar),
            phone: phone.unwrap_or_default(),
            body: body.unwrap_or_default(),
            template,
            params: params
                .and_then(|p| serde_json::from_str(&p).ok())
                .unwrap_or_default(),
            attempts,
        },
    ))
}

/// Records a send the provider accepted.
pub async fn mark_sent(
    db: &Db,
    id: i64,
    claim_token: &str,
    provider_message_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE message_outbox SET status = 'sent', provider_message_id = $1, sent_at = $2, \
           last_error = NULL \
         WHERE id = $3 AND claim_token = $4 AND status = 'sending'",
    )
    .bind(provider_message_id)
    .bind(now)
    .bind(id)
    .bind(claim_token)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Records a failed call: queued again at `retry_at`, or failed for good
/// when `retry_at` is `None`.
pub async fn mark_failed(
    db: &Db,
    id: i64,
    claim_token: &str,
    error: &str,
    retry_at: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let error: String = error.chars().take(300).collect();
    let sql = match retry_at {
        Some(_) => {
            "UPDATE message_outbox SET status = 'queued', next_attempt_at = $1, last_error = $2, \
               claim_token = NULL \
             WHERE id = $3 AND claim_token = $4 AND status = 'sending'"
        }
        None => {
            "UPDATE message_outbox SET status = 'failed', failed_at = $1, last_error = $2 \
             WHERE id = $3 AND claim_token = $4 AND status = 'sending'"
        }
    };
    sqlx::query(sql)
        .bind(retry_at.unwrap_or(now))
        .bind(error)
        .bind(id)
        .bind(claim_token)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Claims left `sending` for longer than `lease_secs` (the instance stopped
/// while calling the provider) become failed: the provider may have sent
/// them, and a family must never get a message twice.
pub async fn abandon_stale_claims(db: &Db, now: i64, lease_secs: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE message_outbox SET status = 'failed', failed_at = $1, \
           last_error = 'interrupted while sending; not retried' \
         WHERE status = 'sending' AND claimed_at < $2",
    )
    .bind(now)
    .bind(now - lease_secs)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected())
}

/// Blanks the body, template values and phone of every message created more
/// than 30 days before `now` (sent, failed or still waiting); the record of
/// the send (kind, channel, status, provider id, attempts, times) stays.
/// For the retention job; returns how many messages were blanked.
pub async fn forget_bodies(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE message_outbox SET body = NULL, params = NULL, phone = NULL, forgotten_at = $1, \
           status = CASE WHEN status = 'queued' THEN 'failed' ELSE status END, \
           last_error = CASE WHEN status = 'queued' THEN 'expired before sending' ELSE last_error END \
         WHERE forgotten_at IS NULL AND created_at < $2 AND status <> 'sending'",
    )
    .bind(now)
    .bind(now - BODY_RETENTION_SECS)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected())
}

/// One message as the simulator's page shows it.
#[derive(Debug, Clone)]
pub struct SimulatedMessage {
    pub api: String,
    pub recipient: String,
    pub sender: Option<String>,
    pub body: String,
    pub outcome: i64,
    pub received_at: i64,
}

/// Stores what the simulator received and how it answered.
pub async fn record_simulated(
    db: &Db,
    api: &str,
    recipient: &str,
    sender: Option<&str>,
    body: &str,
    outcome: u16,
    message_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO messaging_sim_messages (api, recipient, sender, body, outcome, message_id, \
           received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(api)
    .bind(recipient)
    .bind(sender)
    .bind(body)
    .bind(i64::from(outcome))
    .bind(message_id)
    .bind(crate::database::now())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// How many requests the simulator already received for this recipient and body.
pub async fn simulated_tries(db: &Db, recipient: &str, body: &str) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM messaging_sim_messages WHERE recipient = $1 AND body = $2",
    )
    .bind(recipient)
    .bind(body)
    .fetch_one(&db.pool)
    .await?;
    Ok(n)
}

/// The simulator's latest messages, newest first.
pub async fn simulated_messages(db: &Db) -> Result<Vec<SimulatedMessage>, sqlx::Error> {
    let rows: Vec<(String, String, Option<String>, String, i64, i64)> = sqlx::query_as(
        "SELECT api, recipient, sender, body, outcome, received_at FROM messaging_sim_messages \
         ORDER BY id DESC LIMIT 100",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(api, recipient, sender, body, outcome, received_at)| SimulatedMessage {
                api,
                recipient,
                sender,
                body,
                outcome,
                received_at,
            },
        )
        .collect())
}
