//! `people`: humans and bots who author, own, review and move work.

use sqlx::{Executor, Sqlite, SqliteConnection};

use crate::graph::model::Person;

/// Inserts people, updating existing ones.
pub async fn upsert_many(conn: &mut SqliteConnection, people: &[Person]) -> sqlx::Result<u64> {
    super::insert_batched(
        conn,
        "INSERT INTO people (id, display_name, team_id, is_bot) ",
        4,
        " ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, team_id = excluded.team_id, is_bot = excluded.is_bot",
        people,
        |b, p| {
            b.push_bind(p.id.as_str()).push_bind(p.display_name.as_str()).push_bind(p.team_id.as_deref()).push_bind(p.is_bot);
        },
    )
    .await
}

/// One person.
pub async fn get(
    exec: impl Executor<'_, Database = Sqlite>,
    id: &str,
) -> sqlx::Result<Option<Person>> {
    let row = sqlx::query!(
        r#"SELECT id AS "id!", display_name, team_id, is_bot AS "is_bot: bool" FROM people WHERE id = ?"#,
        id
    )
    .fetch_optional(exec)
    .await?;
    Ok(row.map(|r| Person {
        id: r.id,
        display_name: r.display_name,
        team_id: r.team_id,
        is_bot: r.is_bot,
    }))
}

/// Inserts people met while syncing; an existing person keeps its team and merged identity,
/// only their display name and bot flag follow the source.
pub async fn upsert_synced(conn: &mut SqliteConnection, people: &[Person]) -> sqlx::Result<u64> {
    super::insert_batched(
        conn,
        "INSERT INTO people (id, display_name, team_id, is_bot) ",
        4,
        " ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, is_bot = excluded.is_bot",
        people,
        |b, p| {
            b.push_bind(p.id.as_str()).push_bind(p.display_name.as_str()).push_bind(p.team_id.as_deref()).push_bind(p.is_bot);
        },
    )
    .await
}
