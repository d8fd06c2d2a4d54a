//! Side files: tables a bulk write fills on other connections, in parallel with the rest.
//!
//! SQLite writes one file from one connection at a time, so a large load ([`Workspace::write_bulk`])
//! runs on one thread however many cores the machine has. A [`SideFile`] is a scratch file
//! beside the workspace holding empty copies of some of its tables (created from the
//! workspace's own `CREATE TABLE` statements, so they are the same tables, with the same
//! indexes); a connection of its own fills them, on a thread of its own, while the bulk write
//! fills the others, and builds their indexes once the rows are in
//! ([`SideFile::build_indexes`]). The bulk write's connection has every side file attached
//! ([`Workspace::write_bulk_beside`]), each under a name of its own, and copies each of their
//! tables in with one `INSERT INTO main.t SELECT * FROM side.t` into the still empty table:
//! SQLite copies such identical tables, and their indexes, record by record as they are stored
//! (its "transfer optimisation"), without evaluating a value or a constraint again and without
//! sorting an index, a fraction of the cost of writing the rows. The rows are the same as if
//! they were written into the workspace directly, in the same order.
//!
//! Foreign keys: a side file has no parent table to check its rows' keys against. The bulk
//! write checks them in the workspace before its commit, or, for the tables whose writer checks
//! its rows' keys itself against the rows the load writes (see `demo::check_keys`), trusts
//! that check: the foreign keys a table declares are read from the schema
//! ([`Workspace::foreign_keys`]), so that such a writer can refuse to run with a key it does
//! not know.
//!
//! A side file is written without a log and without syncs (it is scratch: nothing reads it
//! after the write), and removed when the [`SideFile`] is dropped, whether the write succeeded,
//! failed, or was stopped half-way.
//!
//! Its connection ([`SideWriter`]) is not sqlx's but `rusqlite`'s, over the same SQLite library
//! (one `libsqlite3-sys`, linked once), run on the thread that fills it: a bulk write's rows
//! are bound there as they are borrowed from the caller (SQLite copies each value once, into
//! the statement) with the statements of the workspace's own writes ([`BulkInsert`]), where
//! sqlx copies every argument into values it owns to hand them to its connection's thread,
//! which SQLite copies again and frees on that other thread. On `baton bench`'s load of
//! 200,000 items, with the side files' rows (items, their descriptions, transitions: two
//! thirds of the load) bound this way, the whole load takes ~17% less CPU. The workspace itself
//! is only ever written through sqlx.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::SqliteConnection;

use crate::error::{CoreError, CoreResult};
use crate::graph::repo::{BulkInsert, RowValues};
use crate::graph::Workspace;

/// A foreign key a table declares: its `column` names a row of `parent` by `parent_column`
/// (`None`: by the parent's primary key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeclaredKey {
    pub table: String,
    pub column: String,
    pub parent: String,
    pub parent_column: Option<String>,
}

/// A scratch file beside a workspace with empty copies of some of its tables (see the module).
#[derive(Debug)]
pub(crate) struct SideFile {
    path: tempfile::TempPath,
    /// The name the bulk write's connection attaches it under.
    schema: String,
    tables: Vec<String>,
    /// The `CREATE INDEX` statements of its tables, as the workspace's schema holds them.
    indexes: Vec<String>,
}

impl SideFile {
    /// The file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The name the bulk write's connection attaches it under.
    pub(crate) fn schema(&self) -> &str {
        &self.schema
    }

    /// Its tables.
    pub(crate) fn tables(&self) -> &[String] {
        &self.tables
    }

    /// Fills its tables with `fill`, on `writer` (the connection [`Workspace::side_file`] made
    /// with it), in one transaction; then builds their indexes (those of the workspace's
    /// tables), sorted once rather than walked into row by row, and closes the connection, so
    /// the file is complete for the bulk write to copy in. Blocking: run it on a thread that
    /// may block (`spawn_blocking`).
    pub(crate) fn fill(
        &self,
        mut writer: SideWriter,
        fill: impl FnOnce(&mut SideWriter) -> CoreResult<()>,
    ) -> CoreResult<()> {
        writer.conn.execute_batch("BEGIN")?;
        fill(&mut writer)?;
        writer.stopped()?;
        writer.conn.execute_batch("COMMIT")?;
        for sql in &self.indexes {
            writer.stopped()?;
            writer.conn.execute_batch(sql)?;
        }
        writer.conn.close().map_err(|(_, err)| err)?;
        tracing::debug!(side = %self.schema, "bulk load: side file filled and indexed");
        Ok(())
    }

    /// Copies `table` of the side file into the workspace's (still empty) table of that name,
    /// with its indexes, on the bulk write's connection (which has the side file attached).
    /// Returns how many rows it copied.
    pub(crate) async fn copy_into(
        &self,
        conn: &mut SqliteConnection,
        table: &str,
    ) -> CoreResult<u64> {
        if !self.tables.iter().any(|t| t == table) {
            return Err(CoreError::Invalid(format!(
                "the side file holds no table {table}"
            )));
        }
        let name = table.replace('"', "\"\"");
        let done = sqlx::query(&format!(
            "INSERT INTO main.\"{name}\" SELECT * FROM \"{}\".\"{name}\"",
            self.schema
        ))
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected())
    }
}

/// Rows a statement of [`SideWriter::insert`] holds at most: enough that the statement runs
/// once for many rows, few enough that it stays small.
const ROWS_PER_STATEMENT: usize = 64;

/// The connection filling a side file (see the module): made by [`Workspace::side_file`],
/// used inside [`SideFile::fill`], on the calling thread (it blocks).
pub(crate) struct SideWriter {
    conn: rusqlite::Connection,
    stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for SideWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SideWriter").finish_non_exhaustive()
    }
}

impl SideWriter {
    /// Opens `path`, with pages of `page_size` bytes, and creates the tables (`statements`).
    fn open(path: &Path, page_size: u32, statements: &[String]) -> CoreResult<SideWriter> {
        use rusqlite::OpenFlags;
        let conn = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // (Before anything is written.)
        conn.execute_batch(&format!("PRAGMA page_size = {page_size}"))?;
        // (`journal_mode` answers with the mode it set.)
        conn.query_row("PRAGMA journal_mode = OFF", [], |_| Ok(()))?;
        conn.execute_batch(&format!(
            "PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -{};",
            super::write::BULK_CACHE_KIB
        ))?;
        for sql in statements {
            conn.execute_batch(sql)?;
        }
        Ok(SideWriter {
            conn,
            stop: Arc::new(AtomicBool::new(false)),
        })
    }

    /// A flag that, once set, stops the filling at its next statement (with an error): the
    /// bulk write sets it when it fails or is stopped, so a filling no one waits for ends.
    pub(crate) fn stop_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }

    /// Fails once the stop flag is set.
    fn stopped(&self) -> CoreResult<()> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(CoreError::Invalid(
                "the bulk write stopped; its side file was not filled".into(),
            ));
        }
        Ok(())
    }

    /// Runs `sql` with one text parameter (`?1`); returns how many rows it changed.
    pub(crate) fn execute(&mut self, sql: &str, param: &str) -> CoreResult<usize> {
        self.stopped()?;
        Ok(self.conn.execute(sql, [param])?)
    }

    /// Inserts `rows` with `insert`'s statement, `bind` binding each row's values (the
    /// function a workspace write binds them with), in statements of up to
    /// [`ROWS_PER_STATEMENT`] rows. Returns how many rows the statements wrote. A row that
    /// binds more or fewer values than the statement's columns fails the insert.
    pub(crate) fn insert<'a, T>(
        &mut self,
        insert: &BulkInsert,
        rows: &'a [T],
        bind: impl Fn(&mut SideRow<'_, '_>, &'a T),
    ) -> CoreResult<u64> {
        if rows.is_empty() {
            return Ok(0);
        }
        let columns = insert.columns.max(1);
        let per_statement = ROWS_PER_STATEMENT
            .min(super::repo::MAX_BINDS / columns)
            .max(1);
        let sql = |n: usize| super::repo::values_sql(insert.head, columns, n, insert.tail);
        let full_rows = per_statement.min(rows.len());
        let mut full = self.conn.prepare(&sql(full_rows))?;
        let mut written = 0;
        for chunk in rows.chunks(per_statement) {
            self.stopped()?;
            let mut partial;
            let statement = if chunk.len() == full_rows {
                &mut full
            } else {
                partial = self.conn.prepare(&sql(chunk.len()))?;
                &mut partial
            };
            let mut row = SideRow {
                statement,
                bound: 0,
                failed: None,
            };
            for value in chunk {
                let before = row.bound;
                bind(&mut row, value);
                if row.failed.is_none() && row.bound != before + columns {
                    return Err(CoreError::Invalid(format!(
                        "a row bound {} values for {columns} columns",
                        row.bound - before
                    )));
                }
            }
            if let Some(err) = row.failed {
                return Err(err.into());
            }
            written += statement.raw_execute()? as u64;
        }
        Ok(written)
    }
}

/// The values of the rows of one statement of [`SideWriter::insert`], bound as they come
/// (the statement's `?` in order), borrowed: SQLite copies each into the statement.
pub(crate) struct SideRow<'s, 'c> {
    statement: &'s mut rusqlite::Statement<'c>,
    bound: usize,
    /// The first value SQLite refused (the insert then fails).
    failed: Option<rusqlite::Error>,
}

impl SideRow<'_, '_> {
    fn value(&mut self, value: impl rusqlite::ToSql) -> &mut Self {
        self.bound += 1;
        if self.failed.is_none() {
            if let Err(err) = self.statement.raw_bind_parameter(self.bound, value) {
                self.failed = Some(err);
            }
        }
        self
    }
}

impl<'a> RowValues<'a> for SideRow<'_, '_> {
    fn text(&mut self, value: &'a str) -> &mut Self {
        self.value(value)
    }
    fn opt_text(&mut self, value: Option<&'a str>) -> &mut Self {
        self.value(value)
    }
    fn int(&mut self, value: i64) -> &mut Self {
        self.value(value)
    }
    fn opt_int(&mut self, value: Option<i64>) -> &mut Self {
        self.value(value)
    }
    fn real(&mut self, value: f64) -> &mut Self {
        self.value(value)
    }
    fn opt_real(&mut self, value: Option<f64>) -> &mut Self {
        self.value(value)
    }
    fn bytes(&mut self, value: &'a [u8]) -> &mut Self {
        self.value(value)
    }
}

impl Workspace {
    /// A side file beside this workspace with empty copies of `tables` (their `CREATE TABLE`
    /// statements as this workspace's schema holds them; no index but their keys until
    /// [`SideFile::fill`] is done), to be attached as `schema`, and a connection to fill them:
    /// without log or syncs, with foreign keys off (the tables they refer to are in the
    /// workspace), and with a page cache as large as a bulk write's.
    pub(crate) async fn side_file(
        &self,
        schema: &str,
        tables: &[&str],
    ) -> CoreResult<(SideFile, SideWriter)> {
        let folder = match self.path().parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let name = self
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".side")
            .tempfile_in(folder)?
            .into_temp_path();
        let mut statements = Vec::with_capacity(tables.len());
        let mut indexes = Vec::new();
        for table in tables {
            let sql: Option<String> = sqlx::query_scalar(
                "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            )
            .bind(table)
            .fetch_optional(self.pool())
            .await?;
            let sql = sql
                .ok_or_else(|| CoreError::Invalid(format!("the workspace has no table {table}")))?;
            statements.push(sql);
            let index_sql: Vec<String> = sqlx::query_scalar(
                "SELECT sql FROM sqlite_schema
                 WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL ORDER BY name",
            )
            .bind(table)
            .fetch_all(self.pool())
            .await?;
            indexes.extend(index_sql);
        }
        // The workspace's own page size (a new workspace's `store::PAGE_SIZE`, or what an
        // older file was made with), so the copy moves records between pages of one size.
        let page_size: u32 = sqlx::query_scalar("PRAGMA page_size")
            .fetch_one(self.pool())
            .await?;
        let file = path.to_path_buf();
        let writer =
            tokio::task::spawn_blocking(move || SideWriter::open(&file, page_size, &statements))
                .await
                .map_err(|err| {
                    CoreError::Invalid(format!("opening a side file stopped: {err}"))
                })??;
        Ok((
            SideFile {
                path,
                schema: schema.to_owned(),
                tables: tables.iter().map(|t| (*t).to_owned()).collect(),
                indexes,
            },
            writer,
        ))
    }

    /// The foreign keys `tables` declare, as this workspace's schema holds them.
    pub(crate) async fn foreign_keys(&self, tables: &[&str]) -> CoreResult<Vec<DeclaredKey>> {
        let mut keys = Vec::new();
        for table in tables {
            let declared: Vec<(String, String, Option<String>)> = sqlx::query_as(
                r#"SELECT "from", "table", "to" FROM pragma_foreign_key_list(?1) ORDER BY id, seq"#,
            )
            .bind(table)
            .fetch_all(self.pool())
            .await?;
            keys.extend(
                declared
                    .into_iter()
                    .map(|(column, parent, to)| DeclaredKey {
                        table: (*table).to_owned(),
                        column,
                        parent,
                        parent_column: to,
                    }),
            );
        }
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    const TABLE: &str =
        "CREATE TABLE t (k TEXT NOT NULL UNIQUE, n INTEGER, r REAL, t TEXT, b BLOB, u TEXT)";
    const INSERT: BulkInsert = BulkInsert {
        head: "INSERT INTO t (k, n, r, t, b, u) ",
        columns: 6,
        tail: " ON CONFLICT (k) DO UPDATE SET n = excluded.n, t = excluded.t, b = excluded.b",
    };

    type Row = (
        String,
        Option<i64>,
        Option<f64>,
        Option<String>,
        Vec<u8>,
        String,
    );

    fn bind<'a, B: RowValues<'a>>(b: &mut B, (k, n, r, t, bytes, u): &'a Row) {
        b.text(k)
            .opt_int(*n)
            .opt_real(*r)
            .opt_text(t.as_deref())
            .bytes(bytes)
            .text(u);
    }

    /// Rows as a workspace write makes them: more than one statement's, keys coming back
    /// (the `ON CONFLICT` tail), NULLs, empty text, a NUL byte, quotes, multi-byte characters,
    /// long text, digits in a text column, blobs, reals.
    fn rows() -> Vec<Row> {
        let long = "y".repeat(70_000);
        (0..5_000_i64)
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
                    format!("k{}", i % 4_800),
                    (i % 5 != 0).then_some(i * 7 - 3),
                    (i % 3 != 0).then_some(i as f64 / 8.0),
                    t,
                    (0..(i % 9) as u8).collect(),
                    format!("{:04}", i % 13),
                )
            })
            .collect()
    }

    fn side(dir: &Path, writer_of: &str) -> (SideFile, SideWriter) {
        let path = tempfile::Builder::new()
            .suffix(writer_of)
            .tempfile_in(dir)
            .expect("temp file")
            .into_temp_path();
        let writer = SideWriter::open(&path, crate::graph::store::PAGE_SIZE, &[TABLE.to_owned()])
            .expect("open");
        let file = SideFile {
            path,
            schema: "side".into(),
            tables: vec!["t".into()],
            indexes: vec!["CREATE INDEX t_by_n ON t (n)".into()],
        };
        (file, writer)
    }

    /// What a side file's writer stores is what the workspace's batched insert (through sqlx,
    /// its text packed) stores with the same statement and binding function: the same rows,
    /// row ids, values and types; and its indexes are built.
    #[tokio::test]
    async fn a_side_file_stores_what_a_workspace_write_stores() {
        let dir = tempfile::tempdir().expect("temp dir");
        let rows = rows();
        let (file, writer) = side(dir.path(), ".side");
        let mut written = 0;
        file.fill(writer, |w| {
            written = w.insert(&INSERT, &rows, |b, r| bind(b, r))?;
            Ok(())
        })
        .expect("fill");

        // (A file: a database attached to an in-memory one is in memory too.)
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("workspace.db"))
            .create_if_missing(true);
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .expect("connect");
        sqlx::query(TABLE).execute(&mut conn).await.expect("table");
        let batched = crate::graph::repo::insert_with(&mut conn, &INSERT, &rows, bind)
            .await
            .expect("batched");
        assert_eq!(written, batched, "the same rows counted as written");
        assert_eq!(written, rows.len() as u64);

        sqlx::query(&format!(
            "ATTACH DATABASE '{}' AS side",
            file.path().display().to_string().replace('\'', "''")
        ))
        .execute(&mut conn)
        .await
        .expect("attach");
        let read = |schema: &str| {
            format!(
                "SELECT rowid, k, n, typeof(n), r, typeof(r), t, typeof(t), b, typeof(b), \
                 u, typeof(u) FROM {schema}.t ORDER BY rowid"
            )
        };
        type Stored = (
            i64,
            String,
            Option<i64>,
            String,
            Option<f64>,
            String,
            Option<String>,
            String,
            Vec<u8>,
            String,
            String,
            String,
        );
        let here: Vec<Stored> = sqlx::query_as(&read("main"))
            .fetch_all(&mut conn)
            .await
            .expect("read");
        let there: Vec<Stored> = sqlx::query_as(&read("side"))
            .fetch_all(&mut conn)
            .await
            .expect("read side");
        assert_eq!(here.len(), 4_800);
        assert!(here == there, "the same rows, row ids, values and types");
        assert!(there
            .iter()
            .any(|r| r.6.as_deref().is_some_and(|t| t.contains('\0'))));
        assert!(there.iter().any(|r| r.10 == "0012" && r.11 == "text"));
        let index: Option<String> = sqlx::query_scalar(
            "SELECT name FROM side.sqlite_schema WHERE type = 'index' AND sql IS NOT NULL",
        )
        .fetch_optional(&mut conn)
        .await
        .expect("index");
        assert_eq!(index.as_deref(), Some("t_by_n"));
    }

    /// A row that binds fewer values than the statement has columns fails the filling (no
    /// value lands in another column's place), and so does a filling whose write stopped.
    #[test]
    fn a_short_row_or_a_stopped_write_fails_the_filling() {
        let dir = tempfile::tempdir().expect("temp dir");
        let rows = rows();
        let (file, writer) = side(dir.path(), ".short");
        let short = file.fill(writer, |w| {
            w.insert(&INSERT, &rows, |b, (k, n, ..)| {
                b.text(k).opt_int(*n);
            })?;
            Ok(())
        });
        assert!(
            matches!(&short, Err(CoreError::Invalid(m)) if m.contains("2 values for 6 columns")),
            "{short:?}"
        );

        let (file, writer) = side(dir.path(), ".stopped");
        let stop = writer.stop_flag();
        let stopped = file.fill(writer, |w| {
            w.insert(&INSERT, &rows[..100], |b, r| bind(b, r))?;
            stop.store(true, Ordering::Relaxed);
            w.insert(&INSERT, &rows[100..], |b, r| bind(b, r))?;
            Ok(())
        });
        assert!(
            matches!(&stopped, Err(CoreError::Invalid(m)) if m.contains("stopped")),
            "{stopped:?}"
        );
    }
}
