//! Crash safety of the headless command: `baton sync` is killed (SIGKILL) at random moments
//! while it syncs from a fake GitHub, then run again until it completes; the workspace must
//! then hold exactly what one uninterrupted sync writes. And two `baton sync` processes of one
//! source at once: the second is refused while the first runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use baton_core::replay::github::FakeGithub;
use baton_core::replay::{Handler, ReplayServer};

const TOKEN: &str = "ghp_KILLTESTtoken";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures")
}

fn baton(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_baton"));
    command
        .args(args)
        .env("BATON_TEST_TOKEN", TOKEN)
        .env("BATON_LOG", "error");
    command
}

/// Runs `baton` with `args` to its end, off the runtime's threads.
async fn run_to_end(args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        baton(&args.iter().map(String::as_str).collect::<Vec<_>>())
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

async fn connect(path: &Path) -> sqlx::SqliteConnection {
    use sqlx::ConnectOptions;
    sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .connect()
        .await
        .unwrap()
}

async fn fingerprint(path: &Path) -> Vec<String> {
    let mut conn = connect(path).await;
    let mut rows = Vec::new();
    for sql in [
        "SELECT json_array(id, title, raw_state, flow_state, author_id, updated_at) FROM items ORDER BY id",
        "SELECT json_array(item_id, event_id, kind, to_state, at) FROM transitions ORDER BY item_id, event_id",
        "SELECT json_array(from_item_id, to_item_id, kind) FROM links ORDER BY 1",
        "SELECT json_array(stream, external_id, length(payload)) FROM raw_records ORDER BY 1",
        "SELECT json_array(login, person_id) FROM identities ORDER BY 1",
    ] {
        let found: Vec<String> = sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap();
        rows.extend(found);
    }
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM sources")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    rows.into_iter()
        .map(|r| {
            ids.iter()
                .fold(r, |r, id| r.replace(id.as_str(), "<source>"))
        })
        .collect()
}

async fn server(delay: Duration) -> (ReplayServer, Arc<FakeGithub>) {
    let fake = Arc::new(FakeGithub::from_devlake(&fixtures(), TOKEN).unwrap());
    let answer = fake.clone();
    let handler: Handler = Arc::new(move |r| answer.answer(r).delayed(delay));
    let server = ReplayServer::start(handler).await.unwrap();
    fake.set_base(&server.url());
    (server, fake)
}

fn add_source(file: &Path, url: &str) {
    let status = baton(&[
        "source",
        "add",
        file.to_str().unwrap(),
        "--kind",
        "github",
        "--name",
        "ants",
        "--url",
        url,
        "--repo",
        "panjf2000/ants",
        "--no-test",
        "--no-keychain",
    ])
    .status()
    .unwrap();
    assert!(status.success(), "the source is added");
}

fn sync_args(file: &Path) -> Vec<String> {
    [
        "sync",
        file.to_str().unwrap(),
        "--source",
        "ants",
        "--token-env",
        "BATON_TEST_TOKEN",
        "--page-size",
        "10",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_baton_sync_resumes_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();

    // The reference: one uninterrupted run.
    let (reference_server, _keep) = server(Duration::ZERO).await;
    let reference = dir.path().join("reference.baton");
    add_source(&reference, &reference_server.url());
    let out = run_to_end(sync_args(&reference)).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = fingerprint(&reference).await;
    assert!(
        expected.len() > 200,
        "the reference sync wrote the repository"
    );

    // The same, killed at random moments. Each response takes 30 ms, so a run lasts a few
    // seconds and the kills land on every kind of step.
    let (slow, _keep) = server(Duration::from_millis(30)).await;
    let file = dir.path().join("killed.baton");
    add_source(&file, &slow.url());
    let mut seed: u64 = 0x0B47_0C11;
    let mut kills = 0;
    let mut completed = false;
    for _ in 0..60 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let after = Duration::from_millis(50 + seed % 400);
        let args = sync_args(&file);
        let mut child = baton(&args.iter().map(String::as_str).collect::<Vec<_>>())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(after).await;
        match child.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success(), "a run that was not killed succeeds");
                completed = true;
                break;
            }
            None => {
                child.kill().unwrap();
                child.wait().unwrap();
                kills += 1;
            }
        }
        if kills >= 6 {
            // Enough interruptions: let the last run finish.
            let out = run_to_end(sync_args(&file)).await;
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            completed = true;
            break;
        }
    }
    assert!(completed, "the sync completed in the end");
    assert!(kills >= 3, "the process was killed several times ({kills})");
    let got = fingerprint(&file).await;
    let missing: Vec<&String> = expected
        .iter()
        .filter(|r| !got.contains(r))
        .take(5)
        .collect();
    let extra: Vec<&String> = got
        .iter()
        .filter(|r| !expected.contains(r))
        .take(5)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && got.len() == expected.len(),
        "after {kills} kills the workspace equals one uninterrupted sync: missing {missing:#?}, extra {extra:#?}"
    );
    // The killed runs are on record as interrupted, not left "running".
    let mut conn = connect(&file).await;
    let running: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sync_runs WHERE status = 'running'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(running, 0, "no run is left running");
    let interrupted: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sync_runs WHERE error_code = 'interrupted'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(
        interrupted >= 1,
        "killed runs are recorded as interrupted ({interrupted})"
    );
}

/// The pid holding `source`'s sync lock in `path`, once one does (waits up to 30 s).
async fn lock_holder(path: &Path) -> i64 {
    let mut conn = connect(path).await;
    for _ in 0..600 {
        let holder: Option<i64> = sqlx::query_scalar("SELECT owner_pid FROM sync_locks")
            .fetch_optional(&mut conn)
            .await
            .unwrap();
        if let Some(pid) = holder {
            return pid;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no sync took the lock");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_baton_sync_of_a_source_is_refused_while_the_first_runs() {
    let dir = tempfile::tempdir().unwrap();
    let (reference_server, _keep) = server(Duration::ZERO).await;
    let reference = dir.path().join("reference.baton");
    add_source(&reference, &reference_server.url());
    let out = run_to_end(sync_args(&reference)).await;
    assert!(out.status.success());
    let one_run = reference_server.requests().len();

    let (slow, _keep) = server(Duration::from_millis(40)).await;
    let file = dir.path().join("twice.baton");
    add_source(&file, &slow.url());
    let args = sync_args(&file);
    let first = baton(&args.iter().map(String::as_str).collect::<Vec<_>>())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let first_pid = i64::from(first.id());
    assert_eq!(
        lock_holder(&file).await,
        first_pid,
        "the first sync holds the lock"
    );
    let second = run_to_end(sync_args(&file)).await;
    let said = String::from_utf8_lossy(&second.stdout);
    assert!(!second.status.success(), "the second sync fails: {said}");
    assert!(
        said.contains("ants: not synced — ants is already being synced by another process")
            && said.contains(&format!("(pid {first_pid})"))
            && said.trim_end().ends_with("[sync_in_progress]"),
        "the refusal names the process that syncs: {said}"
    );
    let first = tokio::task::spawn_blocking(move || first.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(
        first.status.success(),
        "the first sync ends well: {}{}",
        String::from_utf8_lossy(&first.stdout),
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(
        slow.requests().len(),
        one_run,
        "the API was walked once, not twice"
    );
    let mut conn = connect(&file).await;
    let runs: Vec<String> =
        sqlx::query_scalar("SELECT status || ':' || COALESCE(error_code, '') FROM sync_runs")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert_eq!(
        runs,
        vec!["succeeded:".to_owned()],
        "one run, not marked interrupted by the refused one"
    );
}
