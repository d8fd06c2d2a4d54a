//! One module per table: the only place that writes SQL against it.
//!
//! Single-row functions take `impl Executor` so they run on the pool or inside a transaction.
//! Bulk writes take a connection (usually a transaction's) and send batched multi-row statements.

pub mod decisions;
pub mod deployment_approvals;
pub mod identities;
pub mod intents;
pub mod item_keys;
pub mod item_paths;
pub mod item_texts;
pub mod items;
pub mod links;
pub mod people;
pub mod policies;
pub mod provenance_rules;
pub mod raw_records;
pub mod review_requests;
pub mod scenarios;
pub mod sources;
pub mod sync_cursors;
pub mod sync_locks;
pub mod sync_runs;
pub mod team_rules;
pub mod teams;
pub mod transitions;
pub mod workflow_maps;

use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, Sqlite, SqliteConnection};

/// SQLite accepts at most 32,766 bound values in one statement.
const MAX_BINDS: usize = 32_000;

/// Secondary indexes set aside for a bulk load ([`set_aside_indexes`]): their `CREATE`
/// statements, as the schema holds them, to run again once the rows are in.
#[derive(Debug, Default)]
pub(crate) struct SetAside(Vec<String>);

/// Drops the secondary indexes of those of `tables` that hold no row yet, to build them again
/// after a bulk load ([`restore_indexes`]): `CREATE INDEX` over the loaded rows sorts them
/// once, where each inserted row would have walked into every index (a B-tree insert, often a
/// page split, per row and index). Unique indexes stay (conflict clauses and uniqueness need
/// them), as do primary keys.
///
/// Run both in the one transaction of the load: a load that fails or is killed half-way rolls
/// the drops back with its rows, so the file keeps its indexes whatever happens. Nothing the
/// load reads needs them (they only speed up look-ups by team, intent, path and link end).
pub(crate) async fn set_aside_indexes(
    conn: &mut SqliteConnection,
    tables: &[&str],
) -> sqlx::Result<SetAside> {
    let mut empty = Vec::new();
    for table in tables {
        let name = table.replace('"', "\"\"");
        let holds: bool = sqlx::query_scalar(&format!("SELECT EXISTS (SELECT 1 FROM \"{name}\")"))
            .fetch_one(&mut *conn)
            .await?;
        if !holds {
            empty.push((*table).to_owned());
        }
    }
    let json = serde_json::to_string(&empty).unwrap_or_else(|_| "[]".into());
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_schema
         WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
           AND tbl_name IN (SELECT value FROM json_each(?1))
         ORDER BY name",
    )
    .bind(json)
    .fetch_all(&mut *conn)
    .await?;
    let mut aside = SetAside::default();
    for (name, sql) in indexes {
        sqlx::query(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))
            .execute(&mut *conn)
            .await?;
        aside.0.push(sql);
    }
    Ok(aside)
}

/// Builds the indexes [`set_aside_indexes`] dropped again, with their statements as they were.
pub(crate) async fn restore_indexes(
    conn: &mut SqliteConnection,
    aside: SetAside,
) -> sqlx::Result<()> {
    for sql in aside.0 {
        sqlx::query(&sql).execute(&mut *conn).await?;
    }
    Ok(())
}

/// `rows` in the order of their key, keeping the input order among rows of one key.
///
/// Writing a table in key order appends to its B-tree instead of splitting pages all over it,
/// which is most of the cost of a large write. Runs of equal keys (an item's transitions) are
/// kept together, so only the runs are sorted.
pub(crate) fn in_key_order<T>(rows: &[T], key: impl Fn(&T) -> &str) -> Vec<&T> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for i in 1..=rows.len() {
        if i == rows.len() || key(&rows[i]) != key(&rows[start]) {
            runs.push((start, i));
            start = i;
        }
    }
    runs.sort_by(|a, b| key(&rows[a.0]).cmp(key(&rows[b.0])));
    runs.into_iter()
        .flat_map(|(from, to)| rows[from..to].iter())
        .collect()
}

/// Inserts `rows` in statements of as many rows as the bind limit allows.
///
/// `head` is `INSERT INTO t (a, b, c) `; `tail` is appended after the values (e.g. an
/// `ON CONFLICT` clause). `bind` binds one row's `columns` values, in order. Every full chunk
/// has the same SQL text, written once, so SQLite prepares it once; each chunk's values are
/// bound into an argument list of their own (no SQL is written per value).
///
/// The statements are pipelined: while SQLite runs one chunk on the connection's thread, the
/// next chunk's arguments are built here, so on a machine with a free core a large write costs
/// about SQLite's own time. (Rows still go in in order, one statement after the other; a
/// failing chunk stops the write before the next one runs.) Binding owned values (`String`
/// rather than `&str`) moves the copy sqlx makes of every borrowed argument into this
/// overlapped step.
pub(crate) async fn insert_batched<'a, T>(
    conn: &mut SqliteConnection,
    head: &str,
    columns: usize,
    tail: &str,
    rows: &'a [T],
    bind: impl Fn(&mut Binds<'a>, &'a T) + Copy,
) -> sqlx::Result<u64> {
    let per_statement = (MAX_BINDS / columns).max(1);
    let full = values_sql(head, columns, per_statement.min(rows.len()), tail);
    let build = |chunk: &'a [T]| -> sqlx::Result<(usize, SqliteArguments<'a>)> {
        let mut binds = Binds {
            args: SqliteArguments::default(),
            failed: None,
        };
        binds.args.reserve(chunk.len() * columns, 0);
        for row in chunk {
            bind(&mut binds, row);
        }
        if let Some(err) = binds.failed {
            return Err(sqlx::Error::Encode(err));
        }
        if binds.args.len() != chunk.len() * columns {
            return Err(sqlx::Error::Protocol(format!(
                "{} values bound for {} rows of {columns} columns",
                binds.args.len(),
                chunk.len()
            )));
        }
        Ok((chunk.len(), binds.args))
    };
    let mut chunks = rows.chunks(per_statement);
    let mut next = chunks.next().map(build);
    let mut written = 0;
    while let Some(built) = next {
        let (len, args) = built?;
        let partial;
        let sql = if len == per_statement.min(rows.len()) {
            full.as_str()
        } else {
            partial = values_sql(head, columns, len, tail);
            partial.as_str()
        };
        // `join` polls the statement first: its first poll hands it to the connection's
        // thread, then the next chunk is built while that thread runs it.
        let (done, following) = futures_util::future::join(
            sqlx::query_with(sql, args)
                .persistent(true)
                .execute(&mut *conn),
            async { chunks.next().map(build) },
        )
        .await;
        written += done?.rows_affected();
        next = following;
    }
    Ok(written)
}

/// One row's values in [`insert_batched`]: `push_bind` each column's value, in order.
pub(crate) struct Binds<'q> {
    args: SqliteArguments<'q>,
    /// The first value that could not be encoded (the chunk then fails).
    failed: Option<sqlx::error::BoxDynError>,
}

impl<'q> Binds<'q> {
    /// Binds the next column's value.
    pub(crate) fn push_bind<V>(&mut self, value: V) -> &mut Self
    where
        V: 'q + sqlx::Encode<'q, Sqlite> + sqlx::Type<Sqlite>,
    {
        if self.failed.is_none() {
            if let Err(err) = self.args.add(value) {
                self.failed = Some(err);
            }
        }
        self
    }
}

/// `head`, then `VALUES (?, ?), (?, ?)` for `rows` rows of `columns` values, then `tail`.
fn values_sql(head: &str, columns: usize, rows: usize, tail: &str) -> String {
    let mut sql = String::with_capacity(head.len() + tail.len() + 8 + rows * (columns * 3 + 2));
    sql.push_str(head);
    sql.push_str("VALUES ");
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push('?');
        }
        sql.push(')');
    }
    sql.push_str(tail);
    sql
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    async fn memory() -> SqliteConnection {
        let mut conn = SqliteConnection::connect("sqlite::memory:")
            .await
            .expect("connect");
        for table in ["batched", "one_by_one"] {
            sqlx::query(&format!(
                "CREATE TABLE {table} (k TEXT PRIMARY KEY NOT NULL, n INTEGER, t TEXT)"
            ))
            .execute(&mut conn)
            .await
            .expect("create");
        }
        conn
    }

    /// Batched statements (full chunks under one SQL text, a shorter last one, an `ON CONFLICT`
    /// tail) write what one statement a row writes, value for value.
    #[tokio::test]
    async fn batched_inserts_write_what_one_row_a_statement_writes() {
        let mut conn = memory().await;
        // More rows than two statements hold (32,000 values / 3 columns), some keys twice.
        let rows: Vec<(String, Option<i64>, Option<String>)> = (0..25_000_i64)
            .map(|i| {
                (
                    format!("k{}", i % 24_000),
                    (i % 5 != 0).then_some(i * 7 - 3),
                    (i % 3 != 0).then(|| format!("it's \"{i}\" — 支付 {}", i % 11)),
                )
            })
            .collect();
        let tail = " ON CONFLICT (k) DO UPDATE SET n = excluded.n, t = excluded.t";
        let written = insert_batched(
            &mut conn,
            "INSERT INTO batched (k, n, t) ",
            3,
            tail,
            &rows,
            |b, (k, n, t)| {
                b.push_bind(k.as_str()).push_bind(*n).push_bind(t.clone());
            },
        )
        .await
        .expect("batched");
        for (k, n, t) in &rows {
            sqlx::query(&format!(
                "INSERT INTO one_by_one (k, n, t) VALUES (?1, ?2, ?3){tail}"
            ))
            .bind(k)
            .bind(n)
            .bind(t)
            .execute(&mut conn)
            .await
            .expect("one by one");
        }
        assert_eq!(written, rows.len() as u64, "every row counted as written");
        let read = |table: &str| format!("SELECT k, n, t FROM {table} ORDER BY k");
        let batched: Vec<(String, Option<i64>, Option<String>)> = sqlx::query_as(&read("batched"))
            .fetch_all(&mut conn)
            .await
            .expect("read");
        let one_by_one: Vec<(String, Option<i64>, Option<String>)> =
            sqlx::query_as(&read("one_by_one"))
                .fetch_all(&mut conn)
                .await
                .expect("read");
        assert_eq!(batched.len(), 24_000);
        assert!(batched == one_by_one, "the same rows, value for value");
    }

    /// A row that binds fewer values than the statement has columns fails the write (no value
    /// lands in another column's place).
    #[tokio::test]
    async fn a_row_bound_short_fails_the_batch() {
        let mut conn = memory().await;
        let rows = vec![("a".to_owned(), 1_i64), ("b".to_owned(), 2)];
        let failed = insert_batched(
            &mut conn,
            "INSERT INTO batched (k, n, t) ",
            3,
            "",
            &rows,
            |b, (k, n)| {
                b.push_bind(k.as_str()).push_bind(*n);
            },
        )
        .await;
        assert!(failed.is_err(), "{failed:?}");
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM batched")
            .fetch_one(&mut conn)
            .await
            .expect("count");
        assert_eq!(count, 0);
    }
}
