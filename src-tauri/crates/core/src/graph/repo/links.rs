//! `links`: typed edges between items.

use sqlx::{Executor, Sqlite, SqliteConnection};

use crate::graph::model::{Link, LinkKind, LinkOrigin};

/// Inserts links; an existing (from, to, kind) edge takes the new origin, confidence and removal.
pub async fn upsert_many(conn: &mut SqliteConnection, links: &[Link]) -> sqlx::Result<u64> {
    let ordered = super::in_key_order(links, |l| &l.from_item_id);
    super::insert_batched(
        conn,
        "INSERT INTO links (from_item_id, to_item_id, kind, origin, confidence, created_at, removed_at) ",
        7,
        " ON CONFLICT (from_item_id, to_item_id, kind) DO UPDATE SET origin = excluded.origin,
             confidence = excluded.confidence, removed_at = excluded.removed_at",
        &ordered,
        |mut b, l| {
            b.push_bind(l.from_item_id.as_str())
                .push_bind(l.to_item_id.as_str())
                .push_bind(l.kind.as_str())
                .push_bind(l.origin.as_str())
                .push_bind(l.confidence)
                .push_bind(l.created_at)
                .push_bind(l.removed_at);
        },
    )
    .await
}

/// Every link that starts or ends at an item.
pub async fn touching(
    exec: impl Executor<'_, Database = Sqlite>,
    item_id: &str,
) -> sqlx::Result<Vec<Link>> {
    let rows = sqlx::query!(
        "SELECT from_item_id, to_item_id, kind, origin, confidence, created_at, removed_at FROM links
         WHERE from_item_id = ?1 OR to_item_id = ?1 ORDER BY created_at",
        item_id
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Link {
            from_item_id: r.from_item_id,
            to_item_id: r.to_item_id,
            kind: LinkKind::parse(&r.kind).unwrap_or(LinkKind::Relates),
            origin: LinkOrigin::parse(&r.origin).unwrap_or(LinkOrigin::Source),
            confidence: r.confidence,
            created_at: r.created_at,
            removed_at: r.removed_at,
        })
        .collect())
}
