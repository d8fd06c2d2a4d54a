//! Side files: tables a bulk write fills on a second connection, in parallel with the rest.
//!
//! SQLite writes one file from one connection at a time, so a large load ([`Workspace::write_bulk`])
//! runs on one thread however many cores the machine has. A [`SideFile`] is a scratch file
//! beside the workspace holding empty copies of some of its tables (created from the
//! workspace's own `CREATE TABLE` statements, so they are the same tables); a second connection
//! fills them while the bulk write fills the others, on a thread of its own. The bulk write's
//! connection has the side file attached ([`Workspace::write_bulk_beside`]) and copies each of its
//! tables in with one `INSERT INTO main.t SELECT * FROM side.t` into the still empty table:
//! SQLite copies such identical tables record by record as they are stored (its "transfer
//! optimisation"), without evaluating a value or a constraint again, a fraction of the cost of
//! writing the rows. The rows are the same as if they were written into the workspace directly,
//! in the same order; the foreign keys are checked in the workspace, with the others', before
//! its commit.
//!
//! The side file is written without a log and without syncs (it is scratch: nothing reads it
//! after the write), and removed when the [`SideFile`] is dropped, whether the write succeeded,
//! failed, or was stopped half-way.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection};

use crate::error::{CoreError, CoreResult};
use crate::graph::Workspace;

/// The name a bulk write's connection attaches the side file under.
pub(crate) const SIDE_SCHEMA: &str = "side";

/// A scratch file beside a workspace with empty copies of some of its tables (see the module).
#[derive(Debug)]
pub(crate) struct SideFile {
    path: tempfile::TempPath,
    tables: Vec<String>,
}

impl SideFile {
    /// The file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Copies `table` of the side file into the workspace's (still empty) table of that name,
    /// on the bulk write's connection (which has the side file attached). Returns how many rows
    /// it copied.
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
            "INSERT INTO main.\"{name}\" SELECT * FROM {SIDE_SCHEMA}.\"{name}\""
        ))
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected())
    }
}

impl Workspace {
    /// A side file beside this workspace with empty copies of `tables` (their `CREATE TABLE`
    /// statements as this workspace's schema holds them; no index but their keys), and a
    /// connection to fill them: without log or syncs, with foreign keys off (the tables they
    /// refer to are in the workspace, where the keys are checked), and with a page cache as
    /// large as a bulk write's. Fill them in a transaction and close the connection before the
    /// bulk write copies them in.
    pub(crate) async fn side_file(
        &self,
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
                tables: tables.iter().map(|t| (*t).to_owned()).collect(),
            },
            conn,
        ))
    }
}
