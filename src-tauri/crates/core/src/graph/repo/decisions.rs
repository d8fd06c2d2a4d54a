//! `decisions`: the user's own facts layered over synced data. A sync never writes here.

use sqlx::{Executor, Sqlite};

/// A local decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub id: String,
    pub item_id: Option<String>,
    /// owner_assigned, triage, duplicate_confirmed or note.
    pub kind: String,
    /// JSON text.
    pub value: String,
    pub author: String,
    pub created_at: i64,
}

/// Records a decision.
pub async fn insert(
    exec: impl Executor<'_, Database = Sqlite>,
    decision: &Decision,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO decisions (id, item_id, kind, value, author, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        decision.id,
        decision.item_id,
        decision.kind,
        decision.value,
        decision.author,
        decision.created_at
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Decisions about one item, oldest first.
pub async fn for_item(
    exec: impl Executor<'_, Database = Sqlite>,
    item_id: &str,
) -> sqlx::Result<Vec<Decision>> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", item_id, kind, value, author, created_at FROM decisions WHERE item_id = ? ORDER BY created_at"#,
        item_id
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Decision {
            id: r.id,
            item_id: r.item_id,
            kind: r.kind,
            value: r.value,
            author: r.author,
            created_at: r.created_at,
        })
        .collect())
}
