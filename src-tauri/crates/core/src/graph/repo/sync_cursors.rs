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
             page_token = excluded.page_token, updated_at = excluded.updated_at,
             error_code = NULL, error = NULL, failed_at = NULL",
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

/// Writes the cursors of several streams of a source at once (as [`put`] each, in order: a
/// stream named twice keeps its last cursor), in as few statements as the bind limit allows.
pub async fn put_many(
    conn: &mut sqlx::SqliteConnection,
    source_id: &str,
    cursors: &[(String, Cursor)],
    now: i64,
) -> sqlx::Result<()> {
    super::insert_batched(
        conn,
        "INSERT INTO sync_cursors (source_id, stream, watermark, etag, page_token, updated_at) ",
        6,
        " ON CONFLICT (source_id, stream) DO UPDATE SET watermark = excluded.watermark, etag = excluded.etag,
             page_token = excluded.page_token, updated_at = excluded.updated_at,
             error_code = NULL, error = NULL, failed_at = NULL",
        cursors,
        |b, (stream, cursor)| {
            b.push_bind(source_id)
                .push_bind(stream.as_str())
                .push_bind(cursor.watermark.as_deref())
                .push_bind(cursor.etag.as_deref())
                .push_bind(cursor.page_token.as_deref())
                .push_bind(now);
        },
    )
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

/// Records that a stream failed for good: its error is kept and its walk in progress dropped, so
/// the next run starts it again from its watermark instead of the page that failed.
pub async fn fail(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    stream: &str,
    error_code: &str,
    error: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO sync_cursors (source_id, stream, updated_at, error_code, error, failed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?3)
         ON CONFLICT (source_id, stream) DO UPDATE SET page_token = NULL, updated_at = excluded.updated_at,
             error_code = excluded.error_code, error = excluded.error, failed_at = excluded.failed_at",
        source_id,
        stream,
        now,
        error_code,
        error
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// A stream whose last walk failed for good.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamError {
    pub stream: String,
    pub error_code: String,
    pub error: String,
    pub failed_at: i64,
}

/// The streams of a source that failed for good and have not synced since, by stream.
pub async fn errors(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
) -> sqlx::Result<Vec<StreamError>> {
    let rows = sqlx::query!(
        r#"SELECT stream, error_code AS "error_code!", COALESCE(error, '') AS "error!: String",
                  COALESCE(failed_at, updated_at) AS "failed_at!: i64"
           FROM sync_cursors WHERE source_id = ? AND error_code IS NOT NULL ORDER BY stream"#,
        source_id
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StreamError {
            stream: r.stream,
            error_code: r.error_code,
            error: r.error,
            failed_at: r.failed_at,
        })
        .collect())
}

/// Moves the streams of a source named after `old` (`issues:acme/old`) to `new`
/// (`issues:acme/new`): a renamed repository keeps its watermarks. A stream already synced
/// under the new name keeps its own cursor.
pub async fn rename_target(
    conn: &mut sqlx::SqliteConnection,
    source_id: &str,
    old: &str,
    new: &str,
) -> sqlx::Result<u64> {
    let moved = sqlx::query!(
        "UPDATE OR IGNORE sync_cursors SET stream = substr(stream, 1, length(stream) - length(?2)) || ?3
         WHERE source_id = ?1 AND length(stream) > length(?2) + 1
           AND substr(stream, length(stream) - length(?2), length(?2) + 1) = ':' || ?2",
        source_id,
        old,
        new
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query!(
        "DELETE FROM sync_cursors
         WHERE source_id = ?1 AND length(stream) > length(?2) + 1
           AND substr(stream, length(stream) - length(?2), length(?2) + 1) = ':' || ?2",
        source_id,
        old
    )
    .execute(&mut *conn)
    .await?;
    Ok(moved)
}
