//! `item_texts`: what each item's description says, as the duplicates engine compares it (its
//! distinct word count and a compact signature, never the text).

use sqlx::SqliteConnection;

/// One item's description, summed up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemText {
    pub item_id: String,
    pub words: u32,
    pub signature: Vec<u8>,
    pub scheme: i64,
}

/// Writes (replaces) the rows of items that are stored; rows of other items are dropped.
pub async fn set_many(conn: &mut SqliteConnection, rows: &[ItemText]) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows: Vec<&ItemText> = super::in_key_order(rows, |r| r.item_id.as_str());
    super::insert_batched(
        conn,
        "INSERT OR REPLACE INTO item_texts (item_id, words, signature, scheme) \
         SELECT v.column1, v.column2, v.column3, v.column4 FROM (",
        4,
        ") v WHERE EXISTS (SELECT 1 FROM items i WHERE i.id = v.column1)",
        &rows,
        |mut b, r| {
            b.push_bind(r.item_id.as_str())
                .push_bind(i64::from(r.words))
                .push_bind(r.signature.as_slice())
                .push_bind(r.scheme);
        },
    )
    .await?;
    Ok(())
}

/// A stored row: the item's row id and id, its word count and signature.
pub type TextRow = (i64, String, i64, Vec<u8>);

/// The rows of scheme `scheme` of the given items (every item when `None`), with each item's
/// row id (to find it in the index).
pub async fn of_items(
    conn: &mut SqliteConnection,
    items: Option<&[&str]>,
    scheme: i64,
) -> sqlx::Result<Vec<TextRow>> {
    match items {
        Some(items) => {
            let json = serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
            sqlx::query_as(
                "SELECT i.rowid, i.id, t.words, t.signature FROM json_each(?1) j
                 JOIN item_texts t ON t.item_id = j.value JOIN items i ON i.id = t.item_id
                 WHERE t.scheme = ?2",
            )
            .bind(json)
            .bind(scheme)
            .fetch_all(&mut *conn)
            .await
        }
        None => {
            sqlx::query_as(
                "SELECT i.rowid, i.id, t.words, t.signature FROM item_texts t
                 JOIN items i ON i.id = t.item_id WHERE t.scheme = ?1",
            )
            .bind(scheme)
            .fetch_all(&mut *conn)
            .await
        }
    }
}
