//! The search keys of households' names (`household_name_keys`, migration
//! 0030): every part of the head's and each member's name, normalised by
//! [`crate::text::name_keys`], one row per part and person (0: the head,
//! else the member's id), each carrying all of the person's keys (`names`:
//! each after a space, so the search tests its other parts with `LIKE '% part%'`
//! on the entry it reads). Rewritten whole for a household on every write of
//! a name (registration, walk-in, import, members, merges); removed with an
//! erased or merged household. The search reads them (`search::db`).

use sqlx::AnyConnection;

use crate::database::{Db, Sql};

/// The person of the head's keys.
pub const HEAD: i64 = 0;

/// Rewrites the keys of these households from their current names: none for
/// an erased or merged household. Inside the caller's transaction.
#[tracing::instrument(skip_all, fields(households = households.len()))]
pub async fn refresh(conn: &mut AnyConnection, households: &[i64]) -> Result<(), sqlx::Error> {
    for chunk in households.chunks(400) {
        let mut sql = Sql::new("DELETE FROM household_name_keys WHERE household_id IN ");
        sql.bind_list(chunk);
        sql.query().execute(&mut *conn).await?;
        let mut heads = Sql::new(
            "SELECT id, head_name_ar FROM households \
             WHERE erased_at IS NULL AND merged_into_id IS NULL AND id IN ",
        );
        heads.bind_list(chunk);
        let heads: Vec<(i64, String)> = heads.query_as().fetch_all(&mut *conn).await?;
        let live: Vec<i64> = heads.iter().map(|(id, _)| *id).collect();
        let mut members = Sql::new(
            "SELECT household_id, id, full_name FROM household_members WHERE household_id IN ",
        );
        members.bind_list(&live);
        let members: Vec<(i64, i64, String)> = members.query_as().fetch_all(&mut *conn).await?;
        let names = heads
            .iter()
            .map(|(id, name)| (*id, HEAD, name.as_str()))
            .chain(members.iter().map(|(h, m, name)| (*h, *m, name.as_str())));
        insert(conn, names).await?;
    }
    Ok(())
}

/// Inserts the keys of these (household, person, name) triples.
pub async fn insert<'a>(
    conn: &mut AnyConnection,
    names: impl Iterator<Item = (i64, i64, &'a str)>,
) -> Result<(), sqlx::Error> {
    let mut rows: Vec<(String, i64, i64, std::sync::Arc<str>)> = Vec::new();
    for (household, person, name) in names {
        let keys = crate::text::name_keys(name);
        let all: std::sync::Arc<str> = keys
            .iter()
            .map(|k| format!(" {k}"))
            .collect::<String>()
            .into();
        rows.extend(
            keys.into_iter()
                .map(|key| (key, household, person, all.clone())),
        );
    }
    for chunk in rows.chunks(200) {
        let mut sql = Sql::new(
            "INSERT INTO household_name_keys (token, household_id, person, names) VALUES ",
        );
        for (i, (token, household, person, all)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(token.as_str())
                .push(", ")
                .bind(*household)
                .push(", ")
                .bind(*person)
                .push(", ")
                .bind(all.to_string())
                .push(")");
        }
        sql.push(" ON CONFLICT DO NOTHING");
        sql.query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Removes a household's keys (erased or merged into another).
pub async fn remove(conn: &mut AnyConnection, household_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM household_name_keys WHERE household_id = $1")
        .bind(household_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Gives the households stored before migration 0030 their keys, 2 000 at a
/// time, each batch its own short write; where it stopped is kept
/// (`household_name_keys_filled`), so a restart resumes and a finished fill
/// costs one read. Returns the households done in this call.
#[tracing::instrument(skip_all)]
pub async fn fill(db: &Db) -> Result<usize, sqlx::Error> {
    let mut done = 0;
    loop {
        let (up_to,): (i64,) =
            sqlx::query_as("SELECT up_to FROM household_name_keys_filled WHERE id = 1")
                .fetch_one(&db.pool)
                .await?;
        let ids: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM households WHERE id > $1 ORDER BY id LIMIT 2000")
                .bind(up_to)
                .fetch_all(&db.pool)
                .await?;
        let Some((last,)) = ids.last().copied() else {
            return Ok(done);
        };
        let ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
        let mut tx = db.begin_write().await?;
        refresh(&mut tx, &ids).await?;
        sqlx::query("UPDATE household_name_keys_filled SET up_to = $1 WHERE id = 1 AND up_to = $2")
            .bind(last)
            .bind(up_to)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        done += ids.len();
    }
}

/// Records that households `from..=to` got their keys as they were written
/// (a bulk generator), so the fill need not read them again — only when
/// the fill had reached `from` already.
pub async fn mark_filled(conn: &mut AnyConnection, from: i64, to: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE household_name_keys_filled SET up_to = $2 WHERE id = 1 AND up_to >= $1 AND up_to < $2")
        .bind(from)
        .bind(to)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
