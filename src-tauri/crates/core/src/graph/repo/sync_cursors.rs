//! `sync_cursors`: how far each stream of each source has been synced.

use sqlx::{Executor, Sqlite};

/// The position of one stream.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cursor {
    pub watermark: Option<String>,
    pub etag: Option<String>,
    pub page_token: Option<String>,
}

/// Reads a stream's cursor (default when never synced).
pub async fn get(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    stream: &str,
) -> sqlx::Result<Cursor> {
    let row = sqlx::query!(
        "SELECT watermark, etag, page_token FROM sync_cursors WHERE source_id = ? AND stream = ?",
        source_id,
        stream
    )
    .fetch_optional(exec)
    .await?;
    Ok(row
        .map(|r| Cursor {
            watermark: r.watermark,
            etag: r.etag,
            page_token: r.page_token,
        })
        .unwrap_or_default())
}

/// Writes a stream's cursor; call it in the transaction that writes the rows it covers.
pub async fn put(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    stream: &str,
    cursor: &Cursor,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO sync_cursors (source_id, stream, watermark, etag, page_token, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (source_id, stream) DO UPDATE SET watermark = excluded.watermark, etag = excluded.etag,
             page_token = excluded.page_token, updated_at = excluded.updated_at",
        source_id,
        stream,
        cursor.watermark,
        cursor.etag,
        cursor.page_token,
        now
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// The cursors of several streams of a source (`streams_json`: a JSON array of names); streams
/// never synced are absent.
pub async fn get_many(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    streams_json: &str,
) -> sqlx::Result<std::collections::HashMap<String, Cursor>> {
    let rows = sqlx::query!(
        r#"SELECT stream AS "stream!", watermark, etag, page_token FROM sync_cursors
           WHERE source_id = ?1 AND stream IN (SELECT value FROM json_each(?2))"#,
        source_id,
        streams_json
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.stream,
                Cursor {
                    watermark: r.watermark,
                    etag: r.etag,
                    page_token: r.page_token,
                },
            )
        })
        .collect())
}
