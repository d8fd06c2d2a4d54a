//! Opening files that are not (or no longer) Baton workspaces: a clear error, the file untouched.

use std::path::{Path, PathBuf};

use baton_core::graph::Workspace;
use baton_core::CoreError;

use crate::common::small_workspace;

/// The file's bytes, and whether SQLite left sidecar files next to it.
fn snapshot(path: &Path) -> (Vec<u8>, bool) {
    let sidecars = ["-wal", "-shm", "-journal"]
        .iter()
        .any(|s| PathBuf::from(format!("{}{s}", path.display())).exists());
    (std::fs::read(path).unwrap(), sidecars)
}

async fn assert_refused(path: &Path, code: &str, words: &str) -> CoreError {
    let before = snapshot(path);
    let err = Workspace::open(path)
        .await
        .expect_err("the file must be refused");
    assert_eq!(err.code(), code, "{err}");
    assert!(
        err.to_string().contains(words),
        "the message says what is wrong: {err}"
    );
    assert_eq!(
        snapshot(path),
        before,
        "a refused file is left exactly as it was, with no sidecar files"
    );
    err
}

#[tokio::test]
async fn text_and_empty_files_are_not_workspaces() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.baton");
    std::fs::write(&text, "# planning notes\nnot a database\n".repeat(10)).unwrap();
    assert_refused(&text, "workspace_not_baton", "not a SQLite database").await;
    let empty = dir.path().join("empty.baton");
    std::fs::write(&empty, b"").unwrap();
    assert_refused(&empty, "workspace_not_baton", "empty").await;
}

#[tokio::test]
async fn another_applications_database_is_not_a_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        use sqlx::ConnectOptions;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .connect()
            .await
            .unwrap();
        sqlx::query("CREATE TABLE items (id TEXT)")
            .execute(&mut conn)
            .await
            .unwrap();
    }
    assert_refused(&path, "workspace_not_baton", "another application").await;
}

async fn closed_workspace(dir: &Path) -> PathBuf {
    let ws = small_workspace(dir).await;
    let path = ws.path().to_owned();
    ws.close().await;
    path
}

async fn raw_sql(path: &Path, sql: &str) {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .connect()
        .await
        .unwrap();
    sqlx::query(sql).execute(&mut conn).await.unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("PRAGMA journal_mode = DELETE")
        .execute(&mut conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_workspace(dir.path()).await;
    raw_sql(&path, "PRAGMA user_version = 2").await;
    let err = assert_refused(&path, "workspace_newer_schema", "newer version of Baton").await;
    assert!(err.to_string().contains("schema 2"), "{err}");
}

#[tokio::test]
async fn an_unknown_newer_migration_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_workspace(dir.path()).await;
    raw_sql(
        &path,
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
         VALUES (29991231000000, 'from the future', CURRENT_TIMESTAMP, 1, x'00', 1)",
    )
    .await;
    assert_refused(&path, "workspace_newer_schema", "newer version of Baton").await;
}

#[tokio::test]
async fn a_damaged_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_workspace(dir.path()).await;
    raw_sql(&path, "SELECT 1").await;
    // Keep the 100-byte header (so it still claims to be a Baton workspace) and scribble over
    // the rest of the first page, where the schema lives.
    let mut bytes = std::fs::read(&path).unwrap();
    for (i, b) in bytes.iter_mut().enumerate().take(4096).skip(100) {
        *b = (i * 31 % 251) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();
    assert_refused(&path, "workspace_corrupt", "damaged").await;
}

#[tokio::test]
async fn missing_and_existing_paths_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let err = Workspace::open(&dir.path().join("nope.baton"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    let path = closed_workspace(dir.path()).await;
    let before = std::fs::read(&path).unwrap();
    let err = Workspace::create(&path).await.unwrap_err();
    assert_eq!(err.code(), "already_exists");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "create never overwrites"
    );
}

#[tokio::test]
async fn a_workspace_reopens_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_workspace(dir.path()).await;
    let ws = Workspace::open(&path).await.unwrap();
    let summary = baton_core::query::workspace_summary(&ws).await.unwrap();
    assert_eq!(summary.totals.items, 6);
    ws.close().await;
    let again = Workspace::open(&path).await.unwrap();
    assert_eq!(
        baton_core::query::workspace_summary(&again)
            .await
            .unwrap()
            .totals
            .items,
        6,
        "reopening is idempotent"
    );
}

#[tokio::test]
async fn a_workspace_open_in_another_process_can_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let writer = small_workspace(dir.path()).await;
    assert!(
        PathBuf::from(format!("{}-wal", writer.path().display())).exists(),
        "the writer keeps a write-ahead log, whose pages are not in the main file yet"
    );
    let reader = Workspace::open(writer.path())
        .await
        .expect("a second reader opens it");
    let summary = baton_core::query::workspace_summary(&reader).await.unwrap();
    assert_eq!(summary.totals.items, 6, "rows still in the log are visible");
}

#[tokio::test]
async fn another_applications_database_with_a_log_is_not_a_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other-wal.db");
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .connect()
        .await
        .unwrap();
    sqlx::query("CREATE TABLE items (id TEXT)")
        .execute(&mut conn)
        .await
        .unwrap();
    let err = Workspace::open(&path).await.expect_err("still refused");
    assert_eq!(err.code(), "workspace_not_baton", "{err}");
}
