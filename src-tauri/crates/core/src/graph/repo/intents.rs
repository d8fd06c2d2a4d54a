//! `intents`: goals, initiatives and milestones, as a tree.

use sqlx::{Executor, Sqlite, SqliteConnection};

use crate::graph::model::{Intent, IntentKind};

/// Inserts intents, updating existing ones. Parents must come before their children.
pub async fn upsert_many(conn: &mut SqliteConnection, intents: &[Intent]) -> sqlx::Result<u64> {
    super::insert_batched(
        conn,
        "INSERT INTO intents (id, parent_id, kind, title, description, owner_id, target_at, created_at) ",
        8,
        " ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, kind = excluded.kind, title = excluded.title,
             description = excluded.description, owner_id = excluded.owner_id, target_at = excluded.target_at",
        intents,
        |mut b, i| {
            b.push_bind(i.id.as_str())
                .push_bind(i.parent_id.as_deref())
                .push_bind(i.kind.as_str())
                .push_bind(i.title.as_str())
                .push_bind(i.description.as_str())
                .push_bind(i.owner_id.as_deref())
                .push_bind(i.target_at)
                .push_bind(i.created_at);
        },
    )
    .await
}

/// Every intent, parents before children.
pub async fn list(exec: impl Executor<'_, Database = Sqlite>) -> sqlx::Result<Vec<Intent>> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", parent_id, kind, title, description, owner_id, target_at, created_at
           FROM intents ORDER BY parent_id IS NOT NULL, created_at, id"#
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Intent {
            id: r.id,
            parent_id: r.parent_id,
            kind: IntentKind::parse(&r.kind).unwrap_or(IntentKind::Initiative),
            title: r.title,
            description: r.description,
            owner_id: r.owner_id,
            target_at: r.target_at,
            created_at: r.created_at,
        })
        .collect())
}
