//! `raw_records`: the raw JSON of fetched records, for re-deriving without refetching.
//!
//! Payloads are stored LZ4-compressed (`encoding = 'lz4'`, about 5x smaller: API records are
//! verbose JSON); rows written as plain text (`'json'`) read the same way.

use sqlx::{Executor, Sqlite, SqliteConnection};

/// One fetched record.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRecord {
    pub source_id: String,
    pub stream: String,
    pub external_id: String,
    /// The record's JSON, exactly as the source sent it.
    pub payload: String,
    pub fetched_at: i64,
}

/// Stores records, replacing older fetches of the same (source, stream, id).
pub async fn upsert_many(conn: &mut SqliteConnection, records: &[RawRecord]) -> sqlx::Result<u64> {
    let compressed: Vec<(&RawRecord, Vec<u8>)> = records
        .iter()
        .map(|r| (r, lz4_flex::compress_prepend_size(r.payload.as_bytes())))
        .collect();
    super::insert_batched(
        conn,
        "INSERT INTO raw_records (source_id, stream, external_id, payload, fetched_at, encoding) ",
        6,
        " ON CONFLICT (source_id, stream, external_id) DO UPDATE SET payload = excluded.payload,
             fetched_at = excluded.fetched_at, encoding = excluded.encoding",
        &compressed,
        |mut b, (r, bytes)| {
            b.push_bind(r.source_id.as_str())
                .push_bind(r.stream.as_str())
                .push_bind(r.external_id.as_str())
                .push_bind(bytes.as_slice())
                .push_bind(r.fetched_at)
                .push_bind("lz4");
        },
    )
    .await
}

/// The stored JSON of one record (decompressed).
pub async fn get(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    stream: &str,
    external_id: &str,
) -> sqlx::Result<Option<String>> {
    let row = sqlx::query!(
        r#"SELECT CAST(payload AS BLOB) AS "payload!: Vec<u8>", encoding FROM raw_records
           WHERE source_id = ? AND stream = ? AND external_id = ?"#,
        source_id,
        stream,
        external_id
    )
    .fetch_optional(exec)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let bytes = if row.encoding == "lz4" {
        lz4_flex::decompress_size_prepended(&row.payload)
            .map_err(|err| sqlx::Error::Decode(Box::new(err)))?
    } else {
        row.payload
    };
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|err| sqlx::Error::Decode(Box::new(err)))
}

/// Up to `limit` records of a stream whose external ids sort after `after` (`""` for the
/// first), in that order, decompressed: (external id, JSON).
pub async fn page(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    stream: &str,
    after: &str,
    limit: i64,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        r#"SELECT external_id, CAST(payload AS BLOB) AS "payload!: Vec<u8>", encoding FROM raw_records
           WHERE source_id = ? AND stream = ? AND external_id > ?
           ORDER BY external_id LIMIT ?"#,
        source_id,
        stream,
        after,
        limit
    )
    .fetch_all(exec)
    .await?;
    rows.into_iter()
        .map(|row| {
            let bytes = if row.encoding == "lz4" {
                lz4_flex::decompress_size_prepended(&row.payload)
                    .map_err(|err| sqlx::Error::Decode(Box::new(err)))?
            } else {
                row.payload
            };
            let json =
                String::from_utf8(bytes).map_err(|err| sqlx::Error::Decode(Box::new(err)))?;
            Ok((row.external_id, json))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn payloads_round_trip_through_lz4() {
        let json = r#"{"id":1,"title":"a title","body":"a body a body a body a body"}"#;
        let packed = lz4_flex::compress_prepend_size(json.as_bytes());
        let unpacked = lz4_flex::decompress_size_prepended(&packed).unwrap_or_default();
        assert_eq!(unpacked, json.as_bytes(), "compression is lossless");
    }
}
