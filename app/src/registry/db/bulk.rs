//! Many households at once (an association's import): who already holds a
//! national ID, and the batched sibling of [`super::register_walk_in`] that
//! creates households inside the caller's transaction — not verified, like a
//! walk-in, until the head signs in with Nafath and submits the record.

use std::collections::HashMap;

use sqlx::AnyConnection;

use crate::database::{Sql, now};

/// Placeholders per statement stay far below both engines' limits.
const IN_CHUNK: usize = 500;

/// Where a national ID stands in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityHolder {
    /// Heads this household (a merged one answers with its survivor).
    Head(i64),
    /// Is a confirmed member of this household.
    Member(i64),
}

/// The registry's holders of these national IDs (heads and confirmed
/// members), by ID; IDs nobody holds are absent.
#[tracing::instrument(skip_all, fields(ids = national_ids.len()))]
pub async fn identity_holders(
    conn: &mut AnyConnection,
    national_ids: &[String],
) -> Result<HashMap<String, IdentityHolder>, sqlx::Error> {
    let mut out = HashMap::new();
    for chunk in national_ids.chunks(IN_CHUNK) {
        let mut sql = Sql::new(
            "SELECT i.national_id, COALESCE(h.merged_into_id, h.id), i.role \
             FROM household_identities i JOIN households h ON h.id = i.household_id \
             WHERE i.national_id IN (",
        );
        for (n, id) in chunk.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            sql.bind(id.as_str());
        }
        sql.push(")");
        let rows: Vec<(String, i64, String)> = sql.query_as().fetch_all(&mut *conn).await?;
        for (national_id, household_id, role) in rows {
            let holder = if role == "head" {
                IdentityHolder::Head(household_id)
            } else {
                IdentityHolder::Member(household_id)
            };
            out.insert(national_id, holder);
        }
    }
    Ok(out)
}

/// A household to create from an import row (every value already checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHousehold {
    pub head_national_id: String,
    pub head_name_ar: String,
    /// `9665XXXXXXXX`.
    pub phone: Option<String>,
    pub district_id: i64,
    pub address: Option<String>,
    pub income_bracket: Option<String>,
    pub dependants: Option<i64>,
    /// Craft codes.
    pub crafts: Vec<String>,
}

/// What became of one [`NewHousehold`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    /// A new household with this id.
    Created(i64),
    /// The head already heads this household: nothing was written.
    Existing(i64),
    /// The head's ID is a member's of another household: nothing was written.
    MemberElsewhere,
}

/// Creates these households in the caller's transaction, each not verified
/// and opened by `registered_by`, with the same history a walk-in gets
/// (opened, then its first fields as version 2). A head who already heads a
/// household, or is a member of one, gets nothing new: the database's unique
/// keys decide (`ON CONFLICT DO NOTHING`), so a concurrent registration of
/// the same person cannot make a second household, nor abort the batch.
#[tracing::instrument(skip_all, fields(rows = rows.len()))]
pub async fn register_imported(
    conn: &mut AnyConnection,
    registered_by: i64,
    rows: &[NewHousehold],
) -> Result<Vec<Registered>, sqlx::Error> {
    let ids: Vec<String> = rows.iter().map(|r| r.head_national_id.clone()).collect();
    let holders = identity_holders(conn, &ids).await?;
    let at = now();
    let mut out = Vec::with_capacity(rows.len());
    let mut names: Vec<(i64, i64, &str)> = Vec::new();
    for row in rows {
        match holders.get(&row.head_national_id) {
            Some(IdentityHolder::Head(id)) => {
                out.push(Registered::Existing(*id));
                continue;
            }
            Some(IdentityHolder::Member(_)) => {
                out.push(Registered::MemberElsewhere);
                continue;
            }
            None => {}
        }
        let crafts = row.crafts.join(",");
        let inserted: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO households (head_national_id, head_name_ar, phone, district_id, address, \
               income_bracket, dependants, crafts, verified, registered_by_user_id, version, \
               created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, 2, $10, $10) \
             ON CONFLICT (head_national_id) DO NOTHING RETURNING id",
        )
        .bind(&row.head_national_id)
        .bind(&row.head_name_ar)
        .bind(&row.phone)
        .bind(row.district_id)
        .bind(&row.address)
        .bind(&row.income_bracket)
        .bind(row.dependants)
        .bind(&crafts)
        .bind(registered_by)
        .bind(at)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((id,)) = inserted else {
            // Registered a moment ago by someone else.
            let existing: Option<(i64,)> = sqlx::query_as(
                "SELECT COALESCE(merged_into_id, id) FROM households WHERE head_national_id = $1",
            )
            .bind(&row.head_national_id)
            .fetch_optional(&mut *conn)
            .await?;
            out.push(existing.map_or(Registered::MemberElsewhere, |(id,)| {
                Registered::Existing(id)
            }));
            continue;
        };
        let claimed = sqlx::query(
            "INSERT INTO household_identities (national_id, household_id, role) \
             VALUES ($1, $2, 'head') ON CONFLICT (national_id) DO NOTHING",
        )
        .bind(&row.head_national_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        if claimed.rows_affected() == 0 {
            // Confirmed as someone's member since the check above.
            sqlx::query("DELETE FROM households WHERE id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
            out.push(Registered::MemberElsewhere);
            continue;
        }
        let dependants = row.dependants.map(|d| d.to_string());
        let district = row.district_id.to_string();
        let fields: [(i64, &str, Option<&str>); 7] = [
            (1, "household_opened", Some(row.head_name_ar.as_str())),
            (2, "phone", row.phone.as_deref()),
            (2, "district_id", Some(district.as_str())),
            (2, "address", row.address.as_deref()),
            (2, "income_bracket", row.income_bracket.as_deref()),
            (2, "dependants", dependants.as_deref()),
            (2, "crafts", Some(crafts.as_str()).filter(|c| !c.is_empty())),
        ];
        let mut history = Sql::new(
            "INSERT INTO household_changes (household_id, version, changed_by, changed_at, field, \
               new_value) VALUES ",
        );
        let mut first = true;
        for (version, field, value) in fields {
            let Some(value) = value else { continue };
            if !first {
                history.push(", ");
            }
            first = false;
            history
                .push("(")
                .bind(id)
                .push(", ")
                .bind(version)
                .push(", ")
                .bind(registered_by)
                .push(", ")
                .bind(at)
                .push(", ")
                .bind(field)
                .push(", ")
                .bind(value)
                .push(")");
        }
        history.query().execute(&mut *conn).await?;
        names.push((id, super::name_keys::HEAD, row.head_name_ar.as_str()));
        out.push(Registered::Created(id));
    }
    super::name_keys::insert(conn, names.into_iter()).await?;
    Ok(out)
}

/// The households these national IDs head (a merged one answers with its
/// survivor), by ID.
#[tracing::instrument(skip_all, fields(ids = national_ids.len()))]
pub async fn households_of_heads(
    conn: &mut AnyConnection,
    national_ids: &[String],
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let mut out = HashMap::new();
    for chunk in national_ids.chunks(IN_CHUNK) {
        let mut sql = Sql::new(
            "SELECT head_national_id, COALESCE(merged_into_id, id) FROM households \
             WHERE head_national_id IN (",
        );
        for (n, id) in chunk.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            sql.bind(id.as_str());
        }
        sql.push(")");
        let rows: Vec<(String, i64)> = sql.query_as().fetch_all(&mut *conn).await?;
        out.extend(rows);
    }
    Ok(out)
}
