//! `raw_records`: the raw JSON of fetched records, for re-deriving without refetching.

use sqlx::{Executor, Sqlite, SqliteConnection};

/// One fetched record.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRecord {
    pub source_id: String,
    pub stream: String,
    pub external_id: String,
    pub payload: String,
    pub fetched_at: i64,
}

/// Stores records, replacing older fetches of the same (source, stream, id).
pub async fn upsert_many(conn: &mut SqliteConnection, records: &[RawRecord]) -> sqlx::Result<u64> {
    super::insert_batched(
        conn,
        "INSERT INTO raw_records (source_id, stream, external_id, payload, fetched_at) ",
        5,
        " ON CONFLICT (source_id, stream, external_id) DO UPDATE SET payload = excluded.payload, fetched_at = excluded.fetched_at",
        records,
        |mut b, r| {
            b.push_bind(r.source_id.as_str())
                .push_bind(r.stream.as_str())
                .push_bind(r.external_id.as_str())
                .push_bind(r.payload.as_str())
                .push_bind(r.fetched_at);
        },
    )
    .await
}

/// The stored payload of one record.
pub async fn get(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    stream: &str,
    external_id: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "SELECT payload FROM raw_records WHERE source_id = ? AND stream = ? AND external_id = ?",
        source_id,
        stream,
        external_id
    )
    .fetch_optional(exec)
    .await
}
