//! Opening files that are not (or no longer) Baton workspaces: a clear error, the file untouched.

use std::path::{Path, PathBuf};
use std::time::Duration;

use baton_core::error::CoreResult;
use baton_core::graph::Workspace;
use baton_core::CoreError;

use crate::common::{self, small_workspace};

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
    let ws = small_workspace(&dir.join("built")).await;
    closed_copy(ws, &dir.join("small.baton")).await
}

/// Closes `ws` (which checkpoints its log into the file) and copies the file to `to`: a
/// workspace file no connection of this process has open. (The pool's last connection can
/// finish closing — and remove the log — a moment after `close` returns, or, on a loaded
/// machine running many tests, much later; a copy does not wait for that.)
pub(crate) async fn closed_copy(ws: Workspace, to: &Path) -> PathBuf {
    let path = ws.path().to_owned();
    ws.close().await;
    std::fs::copy(&path, to).unwrap();
    to.to_owned()
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

// ---------------------------------------------------------------------------------------------
// Refused means untouched, even with a log beside the file; files another program holds open.

/// The length and a hash of the bytes of a file and of each file SQLite may keep beside it
/// (None: absent).
fn with_sidecars(path: &Path) -> Vec<(String, Option<(usize, u64)>)> {
    use std::hash::{Hash, Hasher};
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let file = PathBuf::from(format!("{}{suffix}", path.display()));
            let seen = std::fs::read(file).ok().map(|bytes| {
                let mut hasher = std::hash::DefaultHasher::new();
                bytes.hash(&mut hasher);
                (bytes.len(), hasher.finish())
            });
            (suffix.to_string(), seen)
        })
        .collect()
}

/// Opens `path` both ways (read-write and read-only) and checks each is refused with `code`
/// and leaves the file, its log and its index byte for byte as they were.
async fn assert_refused_untouched(path: &Path, code: &str) -> CoreError {
    let before = with_sidecars(path);
    let err = Workspace::open_read_only(path)
        .await
        .expect_err("refused read-only");
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(
        with_sidecars(path),
        before,
        "the read-only check wrote nothing"
    );
    let err = Workspace::open(path).await.expect_err("refused");
    assert_eq!(err.code(), code, "{err}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "the message names the file: {err}"
    );
    assert_eq!(
        with_sidecars(path),
        before,
        "a refused file, its log and its index are left byte for byte as they were"
    );
    err
}

/// Another program that has a database open: this test binary run again as a child process,
/// in [`hold_open_helper`]. It runs `sql` on the file in WAL mode, then keeps it open (with
/// any transaction `sql` left open) until dropped.
struct HoldOpen {
    child: std::process::Child,
    _stdout: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
}

impl HoldOpen {
    fn start(path: &Path, sql: &str) -> HoldOpen {
        use std::io::BufRead;
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "workspace_files::hold_open_helper",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("BATON_HOLD_PATH", path)
            .env("BATON_HOLD_SQL", sql)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        loop {
            match lines.next() {
                Some(Ok(line)) if line.contains("HOLDING THE FILE") => break,
                Some(_) => continue,
                None => panic!("the helper process ended before it held the file"),
            }
        }
        HoldOpen {
            child,
            _stdout: lines,
        }
    }
}

impl Drop for HoldOpen {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// Not a test: the other program of [`HoldOpen`], run in a child process.
#[tokio::test]
#[ignore = "run by other tests as a separate process"]
async fn hold_open_helper() {
    use sqlx::ConnectOptions;
    let Ok(path) = std::env::var("BATON_HOLD_PATH") else {
        return;
    };
    let sql = std::env::var("BATON_HOLD_SQL").unwrap_or_default();
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .connect()
        .await
        .unwrap();
    for statement in sql.split(";\n").filter(|s| !s.trim().is_empty()) {
        sqlx::raw_sql(statement).execute(&mut conn).await.unwrap();
    }
    println!("HOLDING THE FILE");
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    std::mem::forget(conn);
}

#[tokio::test]
async fn another_applications_database_held_open_elsewhere_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    let _other = HoldOpen::start(
        &path,
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n\
         INSERT INTO notes (body) VALUES ('one'), ('two');\n",
    );
    assert!(
        with_sidecars(&path)[1].1.is_some() && with_sidecars(&path)[2].1.is_some(),
        "the other program keeps a log and its index"
    );
    let err = assert_refused_untouched(&path, "workspace_not_baton").await;
    assert!(err.to_string().contains("another application"), "{err}");
}

#[tokio::test]
async fn a_newer_schema_found_only_in_the_log_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_workspace(dir.path()).await;
    // A newer Baton has the file open: its version change is still in the log, the header in
    // the file still says 1.
    let _newer = HoldOpen::start(&path, "PRAGMA user_version = 2;\n");
    let header = std::fs::read(&path).unwrap();
    assert_eq!(
        &header[60..64],
        &1u32.to_be_bytes(),
        "the file itself still says 1"
    );
    let err = assert_refused_untouched(&path, "workspace_newer_schema").await;
    assert!(err.to_string().contains("schema 2"), "{err}");
}

/// A crashed program's leftovers: the file, its log and (unless `keep_index` is false) the
/// log's index, copied while a writer had them open, so no process has the copy open.
async fn leftovers(dir: &Path, name: &str, keep_index: bool) -> PathBuf {
    let ws = small_workspace(dir).await;
    sqlx::query("UPDATE items SET title = 'written after the last checkpoint'")
        .execute(ws.pool())
        .await
        .unwrap();
    let copy = dir.join(name);
    for suffix in ["", "-wal", "-shm"] {
        if suffix == "-shm" && !keep_index {
            continue;
        }
        std::fs::copy(
            format!("{}{suffix}", ws.path().display()),
            format!("{}{suffix}", copy.display()),
        )
        .unwrap();
    }
    ws.close().await;
    assert!(with_sidecars(&copy)[1].1.is_some(), "the log is left");
    copy
}

/// Scribbles over the schema on the first page, keeping the 100-byte header.
fn damage_schema(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    for (i, b) in bytes.iter_mut().enumerate().take(4096).skip(100) {
        *b = (i * 31 % 251) as u8;
    }
    std::fs::write(path, &bytes).unwrap();
}

#[tokio::test]
async fn a_damaged_file_with_a_log_beside_it_is_left_untouched() {
    for keep_index in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let path = leftovers(dir.path(), "damaged.baton", keep_index).await;
        damage_schema(&path);
        let err = assert_refused_untouched(&path, "workspace_corrupt").await;
        assert!(err.to_string().contains("damaged"), "{err}");
    }
}

#[tokio::test]
async fn a_workspace_left_with_its_log_opens_with_the_rows_in_the_log() {
    for keep_index in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let path = leftovers(dir.path(), "left.baton", keep_index).await;
        let before = with_sidecars(&path);
        let ro = Workspace::open_read_only(&path).await.unwrap();
        let page = baton_core::query::items_list(&ro, &Default::default())
            .await
            .unwrap();
        assert!(
            page.rows
                .iter()
                .all(|r| r.title == "written after the last checkpoint"),
            "rows that are only in the log are read (index kept: {keep_index})"
        );
        ro.close().await;
        assert_eq!(
            with_sidecars(&path),
            before,
            "a read-only open writes nothing, beside the file or in it (index kept: {keep_index})"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A file caught while another program creates it.

#[tokio::test]
async fn an_empty_file_with_a_log_or_journal_beside_it_is_being_created() {
    for suffix in ["-wal", "-journal"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.baton");
        std::fs::write(&path, b"").unwrap();
        std::fs::write(format!("{}{suffix}", path.display()), b"").unwrap();
        let err = assert_refused_untouched(&path, "workspace_being_created").await;
        assert!(
            err.to_string().contains("still being created"),
            "{suffix}: {err}"
        );
    }
}

#[tokio::test]
async fn a_workspace_whose_first_migration_has_not_committed_is_being_created() {
    // What `Workspace::create` does, stopped inside its first migration: the empty database and
    // sqlx's bookkeeping table are committed (and, in the second case, checkpointed into the
    // file, whose header then says application id 0), the migration is not.
    for checkpoint in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("creating.baton");
        let mut sql = String::from(
            "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT);\n",
        );
        if checkpoint {
            sql.push_str("PRAGMA wal_checkpoint(TRUNCATE);\n");
        }
        sql.push_str(
            "BEGIN;\n\
             PRAGMA application_id = 1111577678;\n\
             CREATE TABLE items (id TEXT PRIMARY KEY);\n\
             INSERT INTO items VALUES ('not committed');\n",
        );
        let _creator = HoldOpen::start(&path, &sql);
        let before = with_sidecars(&path);
        let header = std::fs::read(&path).unwrap();
        assert_eq!(
            &header[68..72],
            &[0; 4],
            "the file's header says application id 0 (checkpointed: {checkpoint})"
        );
        let err = Workspace::open(&path)
            .await
            .expect_err("not yet a workspace");
        assert_eq!(err.code(), "workspace_being_created", "{err}");
        assert!(err.to_string().contains("try again in a moment"), "{err}");
        assert_eq!(
            with_sidecars(&path),
            before,
            "the file being created is left alone (checkpointed: {checkpoint})"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Paths that are not regular files.

/// Opens `path` with a deadline: refusing must be immediate, never a wait for a writer.
async fn open_quickly(path: &Path) -> CoreResult<Workspace> {
    match tokio::time::timeout(Duration::from_secs(10), Workspace::open(path)).await {
        Ok(result) => result,
        Err(_) => {
            // Unblock a reader waiting on a named pipe, so the test process can end.
            let _ = std::fs::OpenOptions::new().write(true).open(path);
            panic!("opening {} did not return", path.display());
        }
    }
}

#[tokio::test]
async fn named_pipes_devices_and_folders_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.baton");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    let folder = dir.path().join("folder.baton");
    std::fs::create_dir(&folder).unwrap();
    for (path, what) in [
        (fifo.as_path(), "a named pipe"),
        (folder.as_path(), "a folder"),
        (Path::new("/dev/zero"), "a device"),
        (Path::new("/dev/null"), "a device"),
    ] {
        let err = open_quickly(path).await.expect_err("refused");
        assert_eq!(err.code(), "workspace_not_a_file", "{err}");
        let message = err.to_string();
        assert!(
            message.contains(what) && message.contains(&path.display().to_string()),
            "says what the path is and names it: {message}"
        );
        let err = Workspace::open_read_only(path).await.expect_err("refused");
        assert_eq!(err.code(), "workspace_not_a_file", "{err}");
    }
}

// ---------------------------------------------------------------------------------------------
// Damaged files: every error names the file.

/// Every reading question the app and the CLI ask, in turn; the first error.
async fn read_everything(path: &Path) -> CoreResult<()> {
    let ws = Workspace::open(path).await?;
    baton_core::query::workspace_summary(&ws).await?;
    let page = baton_core::query::items_list(&ws, &Default::default()).await?;
    for row in page.rows.iter().take(5) {
        baton_core::query::item_detail(&ws, &row.id).await?;
    }
    let now = baton_core::time::now_ms();
    baton_core::flow::flow_report(&ws, &Default::default(), now).await?;
    baton_core::deps::deps_report(&ws, &Default::default(), now).await?;
    ws.close().await;
    Ok(())
}

async fn demo_file(dir: &Path) -> PathBuf {
    let ws = baton_core::demo::build(
        &dir.join("built.baton"),
        &baton_core::demo::DemoOptions {
            items: 400,
            seed: 7,
            end: common::T0,
        },
    )
    .await
    .unwrap();
    closed_copy(ws, &dir.join("demo.baton")).await
}

#[tokio::test]
async fn a_truncated_workspace_names_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_file(dir.path()).await;
    let len = std::fs::metadata(&path).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len((len * 3 / 4) / 65_536 * 65_536)
        .unwrap();
    let err = read_everything(&path).await.expect_err("damaged");
    assert_eq!(err.code(), "workspace_corrupt", "{err}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "the message names the file: {err}"
    );
}

/// The page size a SQLite file's header names (bytes 16-17, big-endian; 1 means 65,536).
fn page_size(bytes: &[u8]) -> usize {
    match u16::from_be_bytes([bytes[16], bytes[17]]) {
        1 => 65_536,
        size => usize::from(size),
    }
}

#[tokio::test]
async fn a_workspace_with_garbage_pages_names_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_file(dir.path()).await;
    // Garbage over the second half of the file's pages, where the rows are (the first half is
    // mostly the tables' and indexes' first pages, one each); the schema on the first page is
    // intact, so the file opens and the damage is met by a query.
    let mut bytes = std::fs::read(&path).unwrap();
    let size = page_size(&bytes);
    let pages = bytes.len() / size;
    for page in pages / 2..pages {
        for (i, b) in bytes[page * size..(page + 1) * size].iter_mut().enumerate() {
            *b = (i * 7 % 253) as u8 ^ 0x5a;
        }
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = read_everything(&path).await.expect_err("damaged");
    assert_eq!(err.code(), "workspace_corrupt", "{err}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "the message names the file: {err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Read-only files.

#[tokio::test]
async fn a_read_only_open_reads_everything_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_workspace(dir.path()).await;
    let before = with_sidecars(&path);
    let ws = Workspace::open_read_only(&path).await.unwrap();
    assert!(ws.is_read_only());
    let summary = baton_core::query::workspace_summary(&ws).await.unwrap();
    assert_eq!(summary.totals.items, 6);
    let page = baton_core::query::items_list(&ws, &Default::default())
        .await
        .unwrap();
    baton_core::query::item_detail(&ws, &page.rows[0].id)
        .await
        .unwrap();
    let now = baton_core::time::now_ms();
    baton_core::flow::flow_report(&ws, &Default::default(), now)
        .await
        .unwrap();
    baton_core::deps::deps_report(&ws, &Default::default(), now)
        .await
        .unwrap();
    let err = ws.ensure_writable().unwrap_err();
    assert_eq!(err.code(), "workspace_read_only");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    let err = baton_core::query::teams_create(&ws, "Billing")
        .await
        .expect_err("a write is refused");
    assert_eq!(
        err.code(),
        "workspace_read_only",
        "a coded error, not SQLite's message: {err}"
    );
    ws.close().await;
    assert_eq!(
        with_sidecars(&path),
        before,
        "no log, no index, not a byte changed"
    );
}

#[tokio::test]
async fn a_read_only_open_sees_what_another_program_is_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_workspace(dir.path()).await;
    let _writer = HoldOpen::start(&path, "UPDATE items SET title = 'still in the log';\n");
    let before = with_sidecars(&path);
    let ws = Workspace::open_read_only(&path).await.unwrap();
    let page = baton_core::query::items_list(&ws, &Default::default())
        .await
        .unwrap();
    assert!(page.rows.iter().all(|r| r.title == "still in the log"));
    ws.close().await;
    assert_eq!(
        with_sidecars(&path),
        before,
        "nothing written beside or in it"
    );
}

/// Whether this process ignores file permissions (root does).
fn permissions_ignored(dir: &Path) -> bool {
    let probe = dir.join("probe");
    std::fs::write(&probe, b"x").unwrap();
    let mut perms = std::fs::metadata(&probe).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&probe, perms).unwrap();
    let ignored = std::fs::OpenOptions::new().write(true).open(&probe).is_ok();
    std::fs::remove_file(&probe).unwrap();
    ignored
}

#[tokio::test]
async fn a_file_that_cannot_be_written_opens_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = closed_workspace(dir.path()).await;
    assert!(
        baton_core::graph::store::can_write(&path),
        "a file in a temporary folder can be written"
    );
    if permissions_ignored(dir.path()) {
        println!(
            "skipped: this process (root) ignores file permissions, so a read-only file cannot \
             be made here; the CLI test `reading_commands_work_on_a_file_nobody_can_write` runs \
             the check as another user"
        );
        return;
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    assert!(!baton_core::graph::store::can_write(&path));
    let ws = Workspace::open(&path).await.unwrap();
    assert!(ws.is_read_only(), "opened read-only, not refused");
    assert_eq!(
        baton_core::query::workspace_summary(&ws)
            .await
            .unwrap()
            .totals
            .items,
        6
    );
    ws.close().await;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    assert!(
        !baton_core::graph::store::can_write(&path),
        "SQLite could not put its log beside the file"
    );
    let ws = Workspace::open(&path).await.unwrap();
    assert!(ws.is_read_only());
    ws.close().await;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(with_sidecars(&path)[1].1, None, "no log left behind");
}

#[tokio::test]
async fn a_workspace_left_by_a_crash_opens_for_writing() {
    // What `kill -9` leaves: the file, its log and (or not) the log's index, nobody holding
    // them. The checks read them read-only; the writing pool that follows must still write.
    for keep_index in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let path = leftovers(dir.path(), "crashed.baton", keep_index).await;
        let ws = Workspace::open(&path).await.unwrap();
        assert!(!ws.is_read_only());
        baton_core::query::teams_create(&ws, "Billing")
            .await
            .unwrap_or_else(|err| panic!("writes (index kept: {keep_index}): {err}"));
        let page = baton_core::query::items_list(&ws, &Default::default())
            .await
            .unwrap();
        assert!(page
            .rows
            .iter()
            .all(|r| r.title == "written after the last checkpoint"));
        ws.close().await;
    }
}

#[tokio::test]
async fn closing_when_unused_waits_for_the_other_clones_and_no_longer_than_its_patience() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.baton");
    // Alone: closes at once.
    let ws = Workspace::create(&path).await.unwrap();
    assert!(
        ws.close_when_unused(Duration::from_secs(30)).await,
        "no other clone: nothing to wait for"
    );
    // A clone dropped while it waits: it closes then, having waited for it.
    let ws = Workspace::open(&path).await.unwrap();
    let held = ws.clone();
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM teams")
            .fetch_one(held.pool())
            .await
            .map_err(|e| e.to_string())
    });
    assert!(ws.close_when_unused(Duration::from_secs(30)).await);
    assert_eq!(
        release.await.unwrap(),
        Ok(0),
        "the clone read the open workspace before it closed"
    );
    // A clone kept past the patience: closed anyway, and said so.
    let ws = Workspace::open(&path).await.unwrap();
    let kept = ws.clone();
    let started = std::time::Instant::now();
    assert!(!ws.close_when_unused(Duration::from_millis(200)).await);
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert!(
        sqlx::query("SELECT 1").execute(kept.pool()).await.is_err(),
        "the pool is closed once the patience ran out"
    );
}

async fn secondary_indexes(ws: &baton_core::graph::Workspace) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    )
    .fetch_all(ws.pool())
    .await
    .unwrap()
}

/// A large demo load into an empty workspace drops the bulk tables' secondary indexes and builds them
/// once the rows are in, in its one transaction: a load that stops half-way (here a change of
/// an item that is not there, after the items went in) leaves every index and no row, the file
/// opens again and the load runs to the end, and the indexes it built are the schema's own and
/// hold every row (SQLite's integrity check compares each index with its table).
#[tokio::test]
async fn a_bulk_load_builds_its_indexes_after_the_rows_and_keeps_them_when_it_stops() {
    use baton_core::demo::{self, DemoOptions};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bulk.baton");
    let ws = Workspace::create(&path).await.unwrap();
    let schema = secondary_indexes(&ws).await;
    for name in ["items_team", "items_intent", "links_to", "item_paths_path"] {
        assert!(
            schema.iter().any(|(n, _)| n == name),
            "the schema has {name}"
        );
    }
    let graph = demo::generate(&DemoOptions {
        items: 10_000,
        seed: 3,
        end: 1_772_409_600_000,
    });
    assert!(
        graph.row_count() >= demo::INDEXES_AFTER_ROWS,
        "a load large enough to build its indexes after the rows"
    );
    let mut broken = graph.clone();
    let mut stray = broken.transitions[0].clone();
    stray.item_id = "no-such-item".into();
    broken.transitions.push(stray);
    assert!(
        demo::write(&ws, &broken).await.is_err(),
        "a change of an unknown item stops the load"
    );
    assert_eq!(
        secondary_indexes(&ws).await,
        schema,
        "the load that stopped kept every index"
    );
    let items: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM items")
        .fetch_one(ws.pool())
        .await
        .unwrap();
    assert_eq!(items, 0, "and none of its rows");
    ws.close().await;

    let ws = Workspace::open(&path).await.unwrap();
    demo::write(&ws, &graph).await.unwrap();
    assert_eq!(
        secondary_indexes(&ws).await,
        schema,
        "the indexes are built again as the schema has them"
    );
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(ws.pool())
        .await
        .unwrap();
    assert_eq!(check, "ok", "every index holds every row of its table");
    let by_team: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM items INDEXED BY items_team WHERE team_id IS NOT NULL",
    )
    .fetch_one(ws.pool())
    .await
    .unwrap();
    assert!(by_team > 0, "the team index answers");
    ws.close().await;
}
