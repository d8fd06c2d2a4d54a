//! `identities`: each person's login on each source.

use sqlx::{Executor, Sqlite, SqliteConnection};

use crate::graph::model::Identity;

/// Inserts identities; an existing login is re-pointed at the given person (identity merge).
pub async fn upsert_many(
    conn: &mut SqliteConnection,
    identities: &[Identity],
) -> sqlx::Result<u64> {
    super::insert_batched(
        conn,
        "INSERT INTO identities (source_id, login, person_id) ",
        3,
        " ON CONFLICT (source_id, login) DO UPDATE SET person_id = excluded.person_id",
        identities,
        |b, i| {
            b.push_bind(i.source_id.as_str())
                .push_bind(i.login.as_str())
                .push_bind(i.person_id.as_str());
        },
    )
    .await
}

/// The person behind a login on a source.
pub async fn person_for(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    login: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "SELECT person_id FROM identities WHERE source_id = ? AND login = ?",
        source_id,
        login
    )
    .fetch_optional(exec)
    .await
}

/// Logins of a person, as (source id, login).
pub async fn logins_of(
    exec: impl Executor<'_, Database = Sqlite>,
    person_id: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "SELECT source_id, login FROM identities WHERE person_id = ? ORDER BY source_id",
        person_id
    )
    .fetch_all(exec)
    .await?;
    Ok(rows.into_iter().map(|r| (r.source_id, r.login)).collect())
}

/// Inserts identities that do not exist yet; an existing login keeps its (possibly merged)
/// person.
pub async fn insert_missing(
    conn: &mut SqliteConnection,
    identities: &[Identity],
) -> sqlx::Result<u64> {
    super::insert_batched(
        conn,
        "INSERT INTO identities (source_id, login, person_id) ",
        3,
        " ON CONFLICT (source_id, login) DO NOTHING",
        identities,
        |b, i| {
            b.push_bind(i.source_id.as_str())
                .push_bind(i.login.as_str())
                .push_bind(i.person_id.as_str());
        },
    )
    .await
}

/// Records what a source says of its logins: `described` is a JSON array of
/// `{"login", "name", "email"}` (email `null` when the source does not show it, which keeps an
/// address seen before). Only identities that exist are touched.
pub async fn describe(
    conn: &mut SqliteConnection,
    source_id: &str,
    described: &str,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "UPDATE identities
         SET display_name = json_extract(j.value, '$.name'),
             email = COALESCE(json_extract(j.value, '$.email'), identities.email)
         FROM json_each(?1) AS j
         WHERE identities.source_id = ?2
           AND identities.login = json_extract(j.value, '$.login')
           AND (identities.display_name IS NOT json_extract(j.value, '$.name')
                OR (json_extract(j.value, '$.email') IS NOT NULL
                    AND identities.email IS NOT json_extract(j.value, '$.email')))",
        described,
        source_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// The person of each of `logins` (a JSON array of strings) that has an identity on the source,
/// as (login, person id).
pub async fn resolve(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    logins_json: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        r#"SELECT login AS "login!", person_id AS "person_id!" FROM identities
           WHERE source_id = ?1 AND login IN (SELECT value FROM json_each(?2))"#,
        source_id,
        logins_json
    )
    .fetch_all(exec)
    .await?;
    Ok(rows.into_iter().map(|r| (r.login, r.person_id)).collect())
}
