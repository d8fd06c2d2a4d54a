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

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection};

use crate::error::{CoreError, CoreResult};
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

    /// Builds its tables' indexes (those of the workspace's tables), on the connection that
    /// filled them, once the rows are in: sorted once rather than walked into row by row.
    pub(crate) async fn build_indexes(&self, conn: &mut SqliteConnection) -> CoreResult<()> {
        for sql in &self.indexes {
            sqlx::query(sql).execute(&mut *conn).await?;
        }
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

impl Workspace {
    /// A side file beside this workspace with empty copies of `tables` (their `CREATE TABLE`
    /// statements as this workspace's schema holds them; no index but their keys until
    /// [`SideFile::build_indexes`]), to be attached as `schema`, and a connection to fill them:
    /// without log or syncs, with foreign keys off (the tables they refer to are in the
    /// workspace), and with a page cache as large as a bulk write's. Fill them in a transaction,
    /// build their indexes, and close the connection before the bulk write copies them in.
    pub(crate) async fn side_file(
        &self,
        schema: &str,
        tables: &[&str],
    ) -> CoreResult<(SideFile, SqliteConnection)> {
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
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(&path)
            .journal_mode(SqliteJournalMode::Off)
            .synchronous(SqliteSynchronous::Off)
            .foreign_keys(false)
            .busy_timeout(Duration::from_secs(5))
            .pragma("cache_size", format!("-{}", super::write::BULK_CACHE_KIB));
        let mut conn = SqliteConnection::connect_with(&options).await?;
        for sql in &statements {
            sqlx::query(sql).execute(&mut conn).await?;
        }
        Ok((
            SideFile {
                path,
                schema: schema.to_owned(),
                tables: tables.iter().map(|t| (*t).to_owned()).collect(),
                indexes,
            },
            conn,
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
