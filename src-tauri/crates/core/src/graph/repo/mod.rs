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
pub(crate) const MAX_BINDS: usize = 32_000;

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
    // Each run as (its key, where it starts, where it ends): the sort compares the keys it
    // holds rather than reaching them through the rows. Runs start at different places, so
    // sorting by (key, start) keeps the input order among runs of one key.
    let mut runs: Vec<(&str, usize, usize)> = Vec::new();
    let mut start = 0;
    for i in 1..=rows.len() {
        if i == rows.len() || key(&rows[i]) != key(&rows[start]) {
            runs.push((key(&rows[start]), start, i));
            start = i;
        }
    }
    if !runs.is_sorted_by(|a, b| a.0 <= b.0) {
        runs.sort_unstable_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
    }
    let mut ordered = Vec::with_capacity(rows.len());
    for (_, from, to) in runs {
        ordered.extend(rows[from..to].iter());
    }
    ordered
}

/// A bulk insert's statement, run by [`insert_batched`] on a workspace connection or by a
/// side file's writer (`graph::side::SideWriter::insert`) with the rows bound by one function
/// over [`RowValues`]: `head` is `INSERT INTO t (a, b, c) `, `columns` the values of a row,
/// `tail` what follows the values (an `ON CONFLICT` clause). A `head` that ends in `FROM (`
/// reads the values as a sub-query (`v.column1`, ...), closed by a `tail` starting with `) v`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BulkInsert {
    pub head: &'static str,
    pub columns: usize,
    pub tail: &'static str,
}

/// One row's values, in column order, for a statement of a [`BulkInsert`]: the same binding
/// function serves the workspace's connections ([`Binds`]) and side files (whose writer binds
/// the borrowed values directly). Integers and reals are bound as SQLite's `INTEGER` and
/// `REAL`, text as `TEXT`, bytes as `BLOB`, `None` as `NULL`.
pub(crate) trait RowValues<'a> {
    fn text(&mut self, value: &'a str) -> &mut Self;
    fn opt_text(&mut self, value: Option<&'a str>) -> &mut Self;
    fn int(&mut self, value: i64) -> &mut Self;
    fn opt_int(&mut self, value: Option<i64>) -> &mut Self;
    fn real(&mut self, value: f64) -> &mut Self;
    fn opt_real(&mut self, value: Option<f64>) -> &mut Self;
    fn bytes(&mut self, value: &'a [u8]) -> &mut Self;
}

/// On a workspace connection, text goes packed into each statement's blob (see
/// [`insert_batched`]).
impl<'a> RowValues<'a> for Binds<'a> {
    fn text(&mut self, value: &'a str) -> &mut Self {
        self.push_str(value)
    }
    fn opt_text(&mut self, value: Option<&'a str>) -> &mut Self {
        self.push_opt_str(value)
    }
    fn int(&mut self, value: i64) -> &mut Self {
        self.push_bind(value)
    }
    fn opt_int(&mut self, value: Option<i64>) -> &mut Self {
        self.push_bind(value)
    }
    fn real(&mut self, value: f64) -> &mut Self {
        self.push_bind(value)
    }
    fn opt_real(&mut self, value: Option<f64>) -> &mut Self {
        self.push_bind(value)
    }
    fn bytes(&mut self, value: &'a [u8]) -> &mut Self {
        self.push_bind(value)
    }
}

/// [`insert_batched`] with a [`BulkInsert`]'s statement and its rows' binding function.
pub(crate) async fn insert_with<'a, T>(
    conn: &mut SqliteConnection,
    insert: &BulkInsert,
    rows: &'a [T],
    bind: impl Fn(&mut Binds<'a>, &'a T) + Copy,
) -> sqlx::Result<u64> {
    insert_batched(conn, insert.head, insert.columns, insert.tail, rows, bind).await
}

/// Inserts `rows` in statements of as many rows as the bind limit allows.
///
/// `head` is `INSERT INTO t (a, b, c) `; `tail` is appended after the values (e.g. an
/// `ON CONFLICT` clause). `bind` binds one row's `columns` values, in order. Every full chunk
/// has the same SQL text, written once, so SQLite prepares it once; each chunk's values are
/// bound into an argument list of their own (no SQL is written per value).
///
/// Text bound with [`Binds::push_str`] / [`Binds::push_opt_str`] is not bound value by value:
/// every such string of a chunk is appended to one blob, bound once, and each value is bound
/// as an integer (its place and length in the blob) that the statement turns back into the
/// same text (`CAST(substr(blob, place, length) AS TEXT)`, byte for byte). A string bound on
/// its own costs a copy on this side (sqlx keeps an owned copy of every argument), a second
/// copy and allocation in SQLite and two frees, one of them on the connection's thread for
/// memory allocated here: most of a bulk load's CPU. A column is text of that kind in every
/// row or in none (a row that binds it otherwise fails the chunk).
///
/// The statements are pipelined: while SQLite runs one chunk on the connection's thread, the
/// next chunk's arguments are built here. (Rows still go in in order, one statement after the
/// other; a failing chunk stops the write before the next one runs.)
pub(crate) async fn insert_batched<'a, T>(
    conn: &mut SqliteConnection,
    head: &str,
    columns: usize,
    tail: &str,
    rows: &'a [T],
    bind: impl Fn(&mut Binds<'a>, &'a T) + Copy,
) -> sqlx::Result<u64> {
    let Some(first) = rows.first() else {
        return Ok(0);
    };
    // Which columns carry packed text, as the first row binds them.
    let texts = {
        let mut probe = Binds::new(Pass::Collect, None, columns);
        bind(&mut probe, first);
        if let Some(err) = probe.failed {
            return Err(sqlx::Error::Encode(err));
        }
        if probe.kinds.len() != columns {
            return Err(sqlx::Error::Protocol(format!(
                "{} values bound for a row of {columns} columns",
                probe.kinds.len()
            )));
        }
        probe.kinds
    };
    let packed = texts.iter().any(|t| *t);
    let per_statement = (MAX_BINDS / columns).max(1);
    let full = statement_sql(head, &texts, per_statement.min(rows.len()), tail);
    // The largest blob so far: the next chunk's is made that large at once rather than grown
    // (and copied) as its text comes.
    let blob_size = std::sync::atomic::AtomicUsize::new(0);
    let build = |chunk: &'a [T]| -> sqlx::Result<(usize, SqliteArguments<'a>)> {
        let expected = chunk.len() * columns + usize::from(packed);
        let mut binds = if packed {
            // First the text of every row into the blob, bound first; then every row's values.
            let mut collect = Binds::new(Pass::Collect, Some(&texts), columns);
            collect
                .blob
                .reserve(blob_size.load(std::sync::atomic::Ordering::Relaxed));
            collect.refs.reserve(chunk.len() * columns);
            for row in chunk {
                bind(&mut collect, row);
                collect.end_row();
            }
            blob_size.fetch_max(collect.blob.len(), std::sync::atomic::Ordering::Relaxed);
            if let Some(err) = collect.failed {
                return Err(sqlx::Error::Encode(err));
            }
            let mut binds = Binds::new(Pass::Bind, Some(&texts), columns);
            binds.refs = collect.refs;
            binds.args.reserve(expected, 0);
            if let Err(err) = binds.args.add(collect.blob) {
                return Err(sqlx::Error::Encode(err));
            }
            binds
        } else {
            let mut binds = Binds::new(Pass::Bind, None, columns);
            binds.args.reserve(expected, 0);
            binds
        };
        for row in chunk {
            bind(&mut binds, row);
        }
        if let Some(err) = binds.failed {
            return Err(sqlx::Error::Encode(err));
        }
        if binds.args.len() != expected || binds.used != binds.refs.len() {
            return Err(sqlx::Error::Protocol(format!(
                "{} values bound for {} rows of {columns} columns",
                binds.args.len() - usize::from(packed),
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
            partial = statement_sql(head, &texts, len, tail);
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

/// Which of [`insert_batched`]'s two passes over a chunk a [`Binds`] is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Packed text is appended to the blob (other values are dropped).
    Collect,
    /// Every value is bound (packed text as its place in the blob).
    Bind,
}

/// One row's values in [`insert_batched`]: `push_bind` (or `push_str` / `push_opt_str` for
/// text) each column's value, in order.
pub(crate) struct Binds<'q> {
    pass: Pass,
    args: SqliteArguments<'q>,
    /// The first value that could not be encoded (the chunk then fails).
    failed: Option<sqlx::error::BoxDynError>,
    /// Which columns are packed text: known after the first row (`None` while probing it).
    texts: Option<Vec<bool>>,
    /// The probe's findings: whether each column pushed so far was packed text.
    kinds: Vec<bool>,
    /// The next column of the row.
    column: usize,
    columns: usize,
    /// The packed text of the chunk, and each value's place in it (`None`: NULL).
    blob: Vec<u8>,
    refs: Vec<Option<i64>>,
    /// How many of `refs` the binding pass has bound.
    used: usize,
}

impl<'q> Binds<'q> {
    fn new(pass: Pass, texts: Option<&[bool]>, columns: usize) -> Self {
        Binds {
            pass,
            args: SqliteArguments::default(),
            failed: None,
            texts: texts.map(<[bool]>::to_vec),
            kinds: Vec::new(),
            column: 0,
            columns,
            blob: Vec::new(),
            refs: Vec::new(),
            used: 0,
        }
    }

    /// Notes the kind of the next column in the collecting pass: it must be the kind the
    /// statement was written for.
    fn next_column(&mut self, text: bool) {
        if self.pass != Pass::Collect {
            return;
        }
        match &self.texts {
            None => self.kinds.push(text),
            Some(texts) => {
                if self.failed.is_none() && texts.get(self.column) != Some(&text) {
                    self.failed = Some(
                        format!(
                            "column {} of a row bound as {} where the statement expects {}",
                            self.column + 1,
                            if text { "packed text" } else { "a value" },
                            if text { "a value" } else { "packed text" }
                        )
                        .into(),
                    );
                }
            }
        }
        self.column += 1;
    }

    /// Ends a row in the collecting pass: it must have bound every column.
    fn end_row(&mut self) {
        if self.failed.is_none() && self.column != self.columns {
            self.failed = Some(
                format!(
                    "a row bound {} values for {} columns",
                    self.column, self.columns
                )
                .into(),
            );
        }
        self.column = 0;
    }

    /// Binds the next column's value.
    pub(crate) fn push_bind<V>(&mut self, value: V) -> &mut Self
    where
        V: 'q + sqlx::Encode<'q, Sqlite> + sqlx::Type<Sqlite>,
    {
        self.next_column(false);
        if self.pass == Pass::Bind && self.failed.is_none() {
            if let Err(err) = self.args.add(value) {
                self.failed = Some(err);
            }
        }
        self
    }

    /// Binds the next column's text, packed into the chunk's blob (see [`insert_batched`]).
    pub(crate) fn push_str(&mut self, value: &str) -> &mut Self {
        self.push_opt_str(Some(value))
    }

    /// [`Binds::push_str`], or NULL.
    pub(crate) fn push_opt_str(&mut self, value: Option<&str>) -> &mut Self {
        self.next_column(true);
        match self.pass {
            Pass::Collect => {
                let place = value.map(|text| {
                    let at = self.blob.len() + 1;
                    self.blob.extend_from_slice(text.as_bytes());
                    (at, text.len())
                });
                match place {
                    Some((at, len)) if at > MAX_PLACE || len > MAX_PLACE => {
                        if self.failed.is_none() {
                            self.failed =
                                Some("more text in one statement than can be packed".into());
                        }
                    }
                    Some((at, len)) => self.refs.push(Some(((at as i64) << 32) | len as i64)),
                    None => self.refs.push(None),
                }
            }
            Pass::Bind => {
                let place = self.refs.get(self.used).copied().flatten();
                self.used += 1;
                if self.failed.is_none() {
                    if let Err(err) = self.args.add(place) {
                        self.failed = Some(err);
                    }
                }
            }
        }
        self
    }
}

/// The largest place (1-based) and length of a packed text: both fit in 31 bits.
const MAX_PLACE: usize = (1 << 31) - 1;

/// The statement of [`insert_batched`] for `rows` rows: `head`, then `VALUES (?, ?), (?, ?)`,
/// then `tail`; or, when some columns are packed text, a `SELECT` over those values turning
/// each packed column back into its text from the blob (bound first).
fn statement_sql(head: &str, texts: &[bool], rows: usize, tail: &str) -> String {
    if !texts.iter().any(|t| *t) {
        return values_sql(head, texts.len(), rows, tail);
    }
    let mut select = String::from("SELECT ");
    for (i, text) in texts.iter().enumerate() {
        let c = i + 1;
        if i > 0 {
            select.push_str(", ");
        }
        if *text {
            select.push_str(&format!(
                "CAST(substr(b.x, v.column{c} >> 32, v.column{c} & 4294967295) AS TEXT) AS column{c}"
            ));
        } else {
            select.push_str(&format!("v.column{c} AS column{c}"));
        }
    }
    select.push_str(" FROM (SELECT ? AS x) b, (");
    // `WHERE true`: an `ON CONFLICT` tail after a `SELECT` needs a `WHERE` before it.
    values_sql(
        &format!("{head}{select}"),
        texts.len(),
        rows,
        &format!(") v WHERE true{tail}"),
    )
}

/// `head`, then `VALUES (?, ?), (?, ?)` for `rows` rows of `columns` values, then `tail`.
pub(crate) fn values_sql(head: &str, columns: usize, rows: usize, tail: &str) -> String {
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

    #[test]
    fn rows_in_key_order_keep_their_input_order_within_a_key() {
        // Runs of one key, a key coming back later, keys sharing long prefixes, an empty key:
        // the answer is a stable sort of the rows by key.
        let mut state = 11u64;
        let mut rows: Vec<(String, usize)> = Vec::new();
        for n in 0..2_000 {
            state = crate::duplicates::text::mix(state);
            let key = match state % 5 {
                0 => String::new(),
                _ => format!("gh:acme/payments#{}", state % 97),
            };
            for _ in 0..(state % 4) {
                rows.push((key.clone(), n));
            }
        }
        let mut want: Vec<&(String, usize)> = rows.iter().collect();
        want.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(in_key_order(&rows, |r| r.0.as_str()), want);
        let sorted: Vec<(String, usize)> = want.into_iter().cloned().collect();
        let again: Vec<&(String, usize)> = sorted.iter().collect();
        assert_eq!(
            in_key_order(&sorted, |r| r.0.as_str()),
            again,
            "sorted rows stay"
        );
        assert!(in_key_order(&[] as &[(String, usize)], |r| r.0.as_str()).is_empty());
    }

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

    /// Text packed into one blob per statement (`push_str`) is written byte for byte as text
    /// bound value by value is: the same values and types (empty text, NULL, text with a NUL
    /// byte, quotes, multi-byte characters, long text, digits in a text column), under full
    /// chunks, a shorter last one, an `ON CONFLICT` tail, and rows of a rowid table numbered in
    /// the same order.
    #[tokio::test]
    async fn packed_text_writes_what_text_bound_value_by_value_writes() {
        let mut conn = memory().await;
        for table in ["packed", "plain"] {
            sqlx::query(&format!(
                "CREATE TABLE {table} (k TEXT NOT NULL UNIQUE, n INTEGER, t TEXT, u TEXT, d INTEGER)"
            ))
            .execute(&mut conn)
            .await
            .expect("create");
        }
        let long = "x".repeat(70_000);
        type Input = (String, Option<i64>, Option<String>, String, String);
        let rows: Vec<Input> = (0..25_000_i64)
            .map(|i| {
                let t = match i % 7 {
                    0 => None,
                    1 => Some(String::new()),
                    2 => Some(format!("nul\0in {i}")),
                    3 => Some(format!("it's \"{i}\" — 支付 ✓ {}", i % 11)),
                    4 if i % 1_000 == 4 => Some(long.clone()),
                    _ => Some(format!("plain {i}")),
                };
                (
                    format!("k{}", i % 24_000),
                    (i % 5 != 0).then_some(i * 7 - 3),
                    t,
                    ["state", "review", "", "0042"][(i % 4) as usize].to_owned(),
                    format!("{}", i % 13),
                )
            })
            .collect();
        let tail = " ON CONFLICT (k) DO UPDATE SET n = excluded.n, t = excluded.t, u = excluded.u";
        let written = insert_batched(
            &mut conn,
            "INSERT INTO packed (k, n, t, u, d) ",
            5,
            tail,
            &rows,
            |b, (k, n, t, u, d)| {
                b.push_str(k)
                    .push_bind(*n)
                    .push_opt_str(t.as_deref())
                    .push_str(u)
                    .push_str(d);
            },
        )
        .await
        .expect("packed");
        let plain = insert_batched(
            &mut conn,
            "INSERT INTO plain (k, n, t, u, d) ",
            5,
            tail,
            &rows,
            |b, (k, n, t, u, d)| {
                b.push_bind(k.as_str())
                    .push_bind(*n)
                    .push_bind(t.as_deref())
                    .push_bind(u.as_str())
                    .push_bind(d.as_str());
            },
        )
        .await
        .expect("plain");
        assert_eq!(written, plain, "the same rows counted as written");
        let read = |table: &str| {
            format!(
                "SELECT rowid, k, n, t, typeof(t), hex(t), u, typeof(u), d, typeof(d) \
                 FROM {table} ORDER BY rowid"
            )
        };
        type Row = (
            i64,
            String,
            Option<i64>,
            Option<String>,
            String,
            String,
            String,
            String,
            i64,
            String,
        );
        let packed: Vec<Row> = sqlx::query_as(&read("packed"))
            .fetch_all(&mut conn)
            .await
            .expect("read");
        let plain: Vec<Row> = sqlx::query_as(&read("plain"))
            .fetch_all(&mut conn)
            .await
            .expect("read");
        assert_eq!(packed.len(), 24_000);
        assert!(packed == plain, "the same rows, row ids, values and types");
        assert!(
            packed
                .iter()
                .any(|r| r.3.as_deref().is_some_and(|t| t.contains('\0'))),
            "a NUL byte kept"
        );
        assert!(packed.iter().any(|r| r.3.as_deref() == Some("")));
        assert!(packed.iter().any(|r| r.3.is_none()));
    }

    /// A column bound as packed text in one row and as a value in another fails the chunk
    /// (its statement turns that column back into text from the blob in every row).
    #[tokio::test]
    async fn a_column_bound_two_ways_fails_the_batch() {
        let mut conn = memory().await;
        let rows: Vec<(String, i64)> = (0..10).map(|i| (format!("k{i}"), i)).collect();
        let failed = insert_batched(
            &mut conn,
            "INSERT INTO batched (k, n, t) ",
            3,
            "",
            &rows,
            |b, (k, n)| {
                b.push_str(k).push_bind(*n);
                if *n == 7 {
                    b.push_bind(k.as_str());
                } else {
                    b.push_str(k);
                }
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
