//! SQL of the audit trail.

use crate::database::{Db, now};

/// One audit row to write.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent<'a> {
    pub actor_user_id: Option<i64>,
    pub acting_for_association_id: Option<i64>,
    pub action: &'a str,
    pub subject_type: Option<&'a str>,
    pub subject_id: Option<String>,
    pub detail: Option<String>,
    pub client_ip: Option<String>,
    /// The partner token a call of the partners' API was made with (no
    /// person acts then: `actor_user_id` stays empty).
    pub partner_token_id: Option<i64>,
}

impl<'a> AuditEvent<'a> {
    /// A row for `action`; the builder methods below fill in the rest.
    pub fn new(action: &'a str) -> Self {
        Self {
            action,
            ..Default::default()
        }
    }

    /// Who acted (no one for the system itself) and from which address.
    pub fn by(mut self, actor_user_id: Option<i64>, client_ip: Option<String>) -> Self {
        self.actor_user_id = actor_user_id;
        self.client_ip = client_ip;
        self
    }

    /// A call of the partners' API with this token, from this address.
    pub fn by_partner(mut self, partner_token_id: i64, client_ip: String) -> Self {
        self.partner_token_id = Some(partner_token_id);
        self.client_ip = Some(client_ip);
        self
    }

    /// What was acted on: a kind of row and its id.
    pub fn subject(mut self, subject_type: &'a str, subject_id: impl ToString) -> Self {
        self.subject_type = Some(subject_type);
        self.subject_id = Some(subject_id.to_string());
        self
    }

    /// The association the actor acted for.
    pub fn acting_for(mut self, association_id: Option<i64>) -> Self {
        self.acting_for_association_id = association_id;
        self
    }

    /// A short, non-personal detail (a new state, a reason code, a count).
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// Appends an event. Callers treat a failure as a failure of the audited
/// action: nothing happens unaudited.
pub async fn record(db: &Db, event: AuditEvent<'_>) -> Result<(), sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    record_in(&mut conn, event).await
}

/// Appends an event inside the caller's transaction, so the change and its
/// audit row are stored together or not at all.
pub async fn record_in(
    conn: &mut sqlx::AnyConnection,
    event: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    insert(conn, event).await.map(|_| ())
}

/// Appends an event and the households it concerns, together.
pub async fn record_with_households(
    db: &Db,
    event: AuditEvent<'_>,
    households: &[i64],
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let event_id = insert(&mut tx, event).await?;
    // An export can hold thousands of households: multi-row statements.
    for chunk in households.chunks(500) {
        let mut sql = crate::database::Sql::new(
            "INSERT INTO audit_event_households (audit_event_id, household_id) VALUES ",
        );
        for (i, household_id) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind(event_id)
                .push(", ")
                .bind(*household_id)
                .push(")");
        }
        sql.query().execute(&mut *tx).await?;
    }
    tx.commit().await
}

async fn insert(conn: &mut sqlx::AnyConnection, event: AuditEvent<'_>) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO audit_events (occurred_at, actor_user_id, acting_for_association_id, action, \
           subject_type, subject_id, detail, client_ip, partner_token_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(now())
    .bind(event.actor_user_id)
    .bind(event.acting_for_association_id)
    .bind(event.action)
    .bind(event.subject_type)
    .bind(event.subject_id)
    .bind(event.detail)
    .bind(event.client_ip)
    .bind(event.partner_token_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// How many events of this action exist (for tests and metrics).
pub async fn count_actions(db: &Db, action: &str) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = $1")
        .bind(action)
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}
