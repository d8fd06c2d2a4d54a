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
    upsert_packed(conn, records, &pack(records)).await
}

/// Each record's payload compressed as it is stored, in the order of `records` (pure CPU: a
/// sync does it before its page's write, see [`upsert_packed`]).
pub fn pack(records: &[RawRecord]) -> Vec<Vec<u8>> {
    // One hash table and one scratch buffer for the page (each record compressed on its own
    // allocated and zeroed both), and each record keeps only its compressed bytes.
    let mut table = lz4_flex::block::CompressTable::default();
    let mut scratch: Vec<u8> = Vec::new();
    records
        .iter()
        .map(|r| compress(r.payload.as_bytes(), &mut table, &mut scratch))
        .collect()
}

/// [`upsert_many`] with the payloads already compressed by [`pack`] (`packed[i]` is
/// `records[i]`'s).
pub async fn upsert_packed(
    conn: &mut SqliteConnection,
    records: &[RawRecord],
    packed: &[Vec<u8>],
) -> sqlx::Result<u64> {
    let compressed: Vec<(&RawRecord, &[u8])> = records
        .iter()
        .zip(packed)
        .map(|(r, bytes)| (r, bytes.as_slice()))
        .collect();
    super::insert_batched(
        conn,
        "INSERT INTO raw_records (source_id, stream, external_id, payload, fetched_at, encoding) ",
        6,
        " ON CONFLICT (source_id, stream, external_id) DO UPDATE SET payload = excluded.payload,
             fetched_at = excluded.fetched_at, encoding = excluded.encoding",
        &compressed,
        |b, (r, bytes)| {
            b.push_bind(r.source_id.as_str())
                .push_bind(r.stream.as_str())
                .push_bind(r.external_id.as_str())
                .push_bind(*bytes)
                .push_bind(r.fetched_at)
                .push_bind("lz4");
        },
    )
    .await
}

/// `input` LZ4-compressed with its size prepended (what `lz4_flex::compress_prepend_size`
/// writes), through a reused table and scratch buffer.
fn compress(
    input: &[u8],
    table: &mut lz4_flex::block::CompressTable,
    scratch: &mut Vec<u8>,
) -> Vec<u8> {
    let max = lz4_flex::block::get_maximum_output_size(input.len());
    if scratch.len() < max {
        scratch.resize(max, 0);
    }
    match lz4_flex::block::compress_into_with_table(input, &mut scratch[..max], table) {
        Ok(n) => {
            let mut out = Vec::with_capacity(4 + n);
            out.extend_from_slice(&(input.len() as u32).to_le_bytes());
            out.extend_from_slice(&scratch[..n]);
            out
        }
        Err(_) => lz4_flex::compress_prepend_size(input),
    }
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
    decoded(row.payload, &row.encoding).map(Some)
}

/// A stored payload as the JSON text it holds (decompressed when `encoding` is lz4).
fn decoded(payload: Vec<u8>, encoding: &str) -> sqlx::Result<String> {
    let bytes = if encoding == "lz4" {
        lz4_flex::decompress_size_prepended(&payload)
            .map_err(|err| sqlx::Error::Decode(Box::new(err)))?
    } else {
        payload
    };
    String::from_utf8(bytes).map_err(|err| sqlx::Error::Decode(Box::new(err)))
}

/// The stored JSON (decompressed) of the records of `stream` among `external_ids`: (external
/// id, JSON), in no particular order; ids never stored are left out.
pub async fn get_many(
    exec: impl Executor<'_, Database = Sqlite>,
    source_id: &str,
    stream: &str,
    external_ids: &[String],
) -> sqlx::Result<Vec<(String, String)>> {
    if external_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids =
        serde_json::to_string(external_ids).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
    let rows = sqlx::query!(
        r#"SELECT external_id, CAST(payload AS BLOB) AS "payload!: Vec<u8>", encoding FROM raw_records
           WHERE source_id = ?1 AND stream = ?2
             AND external_id IN (SELECT value FROM json_each(?3))"#,
        source_id,
        stream,
        ids
    )
    .fetch_all(exec)
    .await?;
    rows.into_iter()
        .map(|row| Ok((row.external_id, decoded(row.payload, &row.encoding)?)))
        .collect()
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
        .map(|row| Ok((row.external_id, decoded(row.payload, &row.encoding)?)))
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

    #[test]
    fn the_reused_table_compresses_each_record_on_its_own() {
        let mut table = lz4_flex::block::CompressTable::default();
        let mut scratch = Vec::new();
        let long = "a body that repeats, ".repeat(5_000);
        // Longer than 64 KiB, then short ones again, then empty: each reads back alone.
        for json in [
            r#"{"id":1,"title":"a title","body":"a body a body a body a body"}"#,
            long.as_str(),
            r#"{"id":2,"title":"a title","body":"a body"}"#,
            "",
        ] {
            let packed = super::compress(json.as_bytes(), &mut table, &mut scratch);
            let unpacked = lz4_flex::decompress_size_prepended(&packed).unwrap_or_default();
            assert_eq!(unpacked, json.as_bytes());
            assert!(
                packed.capacity() <= packed.len() + 8,
                "no spare capacity kept"
            );
        }
    }
}
