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
    super::insert_with(conn, &SET, &rows, |b, r| bind(b, r)).await?;
    Ok(())
}

/// The statement of [`set_many`] ([`bind`] binds a row).
pub(crate) const SET: super::BulkInsert = super::BulkInsert {
    head: "INSERT OR REPLACE INTO item_texts (item_id, words, signature, scheme) \
           SELECT v.column1, v.column2, v.column3, v.column4 FROM (",
    columns: 4,
    tail: ") v WHERE EXISTS (SELECT 1 FROM items i WHERE i.id = v.column1)",
};

/// A description's values for [`SET`].
pub(crate) fn bind<'a, B: super::RowValues<'a>>(b: &mut B, r: &'a ItemText) {
    b.text(&r.item_id)
        .int(i64::from(r.words))
        .bytes(&r.signature)
        .int(r.scheme);
}

/// A stored row: the item's row id and id, its word count and signature.
pub type TextRow = (i64, String, i64, Vec<u8>);

/// How many rows [`all_packed`] asks SQLite to pack into one text at a time.
const PACKED_ROWS: i64 = 8_192;

/// Every row of scheme `scheme`, as (item row id, word count, signature), read in texts SQLite
/// builds (`rowid:words:HEX,...`), one per [`PACKED_ROWS`] rows in key order: one row crosses
/// from SQLite per text instead of one per item, which at 200,000 items is most of the cost of
/// reading them one by one. (One text for every row held ~130 MB at once at 200,000 items:
/// SQLite's text as it grew, its copy, sqlx's copy and the decoded `String`; a memory peak the
/// allocator then kept.) Rows that do not parse, and rows of no item, are left out.
pub async fn all_packed(
    conn: &mut SqliteConnection,
    scheme: i64,
) -> sqlx::Result<Vec<(i64, i64, Vec<u8>)>> {
    all_packed_by(conn, scheme, PACKED_ROWS).await
}

/// [`all_packed`], `per_text` rows to a text.
pub(crate) async fn all_packed_by(
    conn: &mut SqliteConnection,
    scheme: i64,
    per_text: i64,
) -> sqlx::Result<Vec<(i64, i64, Vec<u8>)>> {
    // The rows from the key `?2` on (the first text) or after it (the next ones), their item's
    // row id joined afterwards; the count and the last key say where the next text starts.
    macro_rules! chunk {
        ($from:literal) => {
            concat!(
                "SELECT group_concat(CASE WHEN i.rowid IS NOT NULL ",
                "THEN i.rowid || ':' || t.words || ':' || hex(t.signature) END, ','), ",
                "max(t.item_id), count(*) ",
                "FROM (SELECT item_id, words, signature FROM item_texts ",
                "WHERE scheme = ?1 AND item_id ",
                $from,
                " ?2 ORDER BY item_id LIMIT ?3) t ",
                "LEFT JOIN items i ON i.id = t.item_id"
            )
        };
    }
    const FIRST: &str = chunk!(">=");
    const NEXT: &str = chunk!(">");
    // One read transaction: every text is read from the same state of the file, as the one
    // text was (a write committed between two texts is not half seen).
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let sql = if after.is_some() { NEXT } else { FIRST };
        let (packed, last, count): (Option<String>, Option<String>, i64) = sqlx::query_as(sql)
            .bind(scheme)
            .bind(after.as_deref().unwrap_or(""))
            .bind(per_text)
            .fetch_one(&mut *tx)
            .await?;
        if let Some(packed) = packed {
            unpack(&packed, &mut out);
        }
        match last {
            Some(last) if count >= per_text => after = Some(last),
            _ => break,
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// Appends the rows of a text [`all_packed`] reads to `out` (those that parse).
fn unpack(packed: &str, out: &mut Vec<(i64, i64, Vec<u8>)>) {
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    for row in packed.split(',') {
        let mut parts = row.splitn(3, ':');
        let (Some(rowid), Some(words), Some(hex)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let (Ok(rowid), Ok(words)) = (rowid.parse::<i64>(), words.parse::<i64>()) else {
            continue;
        };
        let bytes: Option<Vec<u8>> = hex
            .as_bytes()
            .chunks(2)
            .map(|pair| match pair {
                [hi, lo] => Some(nibble(*hi)? << 4 | nibble(*lo)?),
                _ => None,
            })
            .collect();
        if let Some(bytes) = bytes {
            out.push((rowid, words, bytes));
        }
    }
}

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
