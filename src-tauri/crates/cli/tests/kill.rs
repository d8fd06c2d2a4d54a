//! Crash safety of the headless command: `baton sync` is killed (SIGKILL) at random moments
//! while it syncs from a fake GitHub, GitLab or Linear, or imports a file, then run again until
//! it completes; the workspace must then hold exactly what one uninterrupted sync writes. And
//! two `baton sync` processes of one source at once: the second is refused while the first
//! runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use baton_core::replay::github::FakeGithub;
use baton_core::replay::gitlab::FakeGitlab;
use baton_core::replay::linear::FakeLinear;
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

/// Runs `baton` with `args` (a sync of `file`) and kills it (SIGKILL) after a random delay
/// of `min` plus up to `span` ms, again and again, until one run completes (after 6 kills the
/// last run is let finish); returns how many runs were killed.
async fn kill_until_done(args: &[String], mut seed: u64, min: u64, span: u64) -> usize {
    let mut kills = 0;
    for _ in 0..60 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let after = Duration::from_millis(min + seed % span);
        let mut child = baton(&args.iter().map(String::as_str).collect::<Vec<_>>())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(after).await;
        match child.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success(), "a run that was not killed succeeds");
                return kills;
            }
            None => {
                child.kill().unwrap();
                child.wait().unwrap();
                kills += 1;
            }
        }
        if kills >= 6 {
            // Enough interruptions: let the last run finish.
            let out = run_to_end(args.to_vec()).await;
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            return kills;
        }
    }
    panic!("the sync never completed");
}

/// The workspace `file`, synced through `kills` killed runs, holds exactly what one
/// uninterrupted sync wrote (`expected`), and no run is left "running".
async fn assert_survived(file: &Path, kills: usize, expected: &[String]) {
    assert!(kills >= 3, "the process was killed several times ({kills})");
    let got = fingerprint(file).await;
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
    let mut conn = connect(file).await;
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
    let kills = kill_until_done(&sync_args(&file), 0x0B47_0C11, 50, 400).await;
    assert_survived(&file, kills, &expected).await;
}

/// Adds a source to the workspace `file` with `baton source add FILE --kind …` and `rest`.
fn add(file: &Path, rest: &[&str]) {
    let mut args = vec!["source", "add", file.to_str().unwrap()];
    args.extend_from_slice(rest);
    let out = baton(&args).output().unwrap();
    assert!(
        out.status.success(),
        "the source is added: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `baton sync FILE --source NAME` with `rest`.
fn sync_of(file: &Path, name: &str, rest: &[&str]) -> Vec<String> {
    ["sync", file.to_str().unwrap(), "--source", name]
        .iter()
        .chain(rest)
        .map(|s| (*s).to_owned())
        .collect()
}

/// A fake API answering with `answer`, each response `delay` late.
async fn slow_server(
    answer: impl Fn(&baton_core::replay::Request) -> baton_core::replay::Reply + Send + Sync + 'static,
    delay: Duration,
) -> ReplayServer {
    let handler: Handler = Arc::new(move |r| answer(r).delayed(delay));
    ReplayServer::start(handler).await.unwrap()
}

/// One uninterrupted sync of `add_to`'s source into a fresh workspace, then the same killed at
/// random moments: the same workspace in the end.
async fn killed_syncs_resume_to_the_same_workspace(
    dir: &Path,
    add_to: impl Fn(&Path, &str),
    fast: &str,
    slow: &str,
    sync: impl Fn(&Path) -> Vec<String>,
    seed: u64,
    (min, span): (u64, u64),
) {
    let reference = dir.join("reference.baton");
    add_to(&reference, fast);
    let out = run_to_end(sync(&reference)).await;
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = fingerprint(&reference).await;
    assert!(expected.len() > 100, "the reference sync wrote the source");
    let file = dir.join("killed.baton");
    add_to(&file, slow);
    let kills = kill_until_done(&sync(&file), seed, min, span).await;
    assert_survived(&file, kills, &expected).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_gitlab_sync_resumes_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let fake = Arc::new(FakeGitlab::from_devlake(&fixtures(), TOKEN).unwrap());
    let (a, b) = (fake.clone(), fake.clone());
    let fast = slow_server(move |r| a.answer(r), Duration::ZERO).await;
    // Each response 80 ms late: a run of pages of 5 (with each record's lists) lasts seconds.
    let slow = slow_server(move |r| b.answer(r), Duration::from_millis(80)).await;
    let add_to = |file: &Path, url: &str| {
        add(
            file,
            &[
                "--kind",
                "gitlab",
                "--name",
                "gl",
                "--url",
                url,
                "--project",
                "gitlab-data/snowflake_spend",
                "--no-test",
                "--no-keychain",
            ],
        )
    };
    let sync = |file: &Path| {
        sync_of(
            file,
            "gl",
            &["--token-env", "BATON_TEST_TOKEN", "--page-size", "5"],
        )
    };
    killed_syncs_resume_to_the_same_workspace(
        dir.path(),
        add_to,
        &fast.url(),
        &slow.url(),
        sync,
        0x61AB_C0DE,
        (50, 500),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_linear_sync_resumes_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let fake = Arc::new(FakeLinear::from_fixture(&fixtures(), TOKEN).unwrap());
    let (a, b) = (fake.clone(), fake.clone());
    let fast = slow_server(move |r| a.answer(r), Duration::ZERO).await;
    let slow = slow_server(move |r| b.answer(r), Duration::from_millis(80)).await;
    let add_to = |file: &Path, url: &str| {
        add(
            file,
            &[
                "--kind",
                "linear",
                "--name",
                "lin",
                "--url",
                url,
                "--no-test",
                "--no-keychain",
            ],
        )
    };
    // Pages of one issue: 16 issue queries after the teams and intents.
    let sync = |file: &Path| {
        sync_of(
            file,
            "lin",
            &["--token-env", "BATON_TEST_TOKEN", "--page-size", "1"],
        )
    };
    killed_syncs_resume_to_the_same_workspace(
        dir.path(),
        add_to,
        &fast.url(),
        &slow.url(),
        sync,
        0x11AE_C0DE,
        (50, 600),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_file_import_resumes_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    // 6,000 rows of a states file: 6 pages of 1,000, each with its position in the file; the
    // import is killed after pages it writes.
    let csv = dir.path().join("flow.csv");
    let mut text = String::from("ID,Title,Team,Backlog,Doing,Done\n");
    for n in 0..6_000u32 {
        let day = 1 + n % 25;
        let done = if n % 3 == 0 {
            format!("2026-02-{:02}", day + 2)
        } else {
            String::new()
        };
        text.push_str(&format!(
            "I-{n},Item {n},T{},2026-02-{day:02},2026-02-{:02},{done}\n",
            n % 4,
            day + 1
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let path = csv.to_str().unwrap().to_owned();
    let add_to = |file: &Path, _: &str| {
        add(
            file,
            &[
                "--kind",
                "file",
                "--name",
                "flow",
                "--path",
                &path,
                "--format",
                "states-csv",
                "--column",
                "id=ID",
                "--column",
                "title=Title",
                "--column",
                "team=Team",
                "--state-column",
                "Backlog",
                "--state-column",
                "Doing",
                "--state-column",
                "Done",
            ],
        )
    };
    let reference = dir.path().join("reference.baton");
    add_to(&reference, "");
    let out = run_to_end(sync_of(&reference, "flow", &[])).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = fingerprint(&reference).await;
    assert!(
        expected.len() > 6_000,
        "the reference import wrote the file"
    );
    let file = dir.path().join("killed.baton");
    add_to(&file, "");
    let kills = kill_after_pages(&sync_of(&file, "flow", &[]), &file, 6_000, 0x0F11_E0DE).await;
    assert_survived(&file, kills, &expected).await;
}

/// Runs `args` (a sync of the workspace `file`) and kills it (SIGKILL) a random 0-100 ms after
/// it has written a page (its items grow) while items are still to come, again and again,
/// until one run completes (after 6 kills the last run is let finish); returns how many runs
/// were killed. Killing on progress rather than on a timer makes every killed run one that
/// wrote, on a fast machine as on a slow one.
async fn kill_after_pages(args: &[String], file: &Path, total: i64, mut seed: u64) -> usize {
    let mut conn = connect(file).await;
    let mut seen: i64 = 0;
    let mut kills = 0;
    while kills < 6 {
        let mut child = baton(&args.iter().map(String::as_str).collect::<Vec<_>>())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "a run that was not killed succeeds");
                return kills;
            }
            let items: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM items")
                .fetch_one(&mut conn)
                .await
                .unwrap();
            if items > seen && items < total {
                seen = items;
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                tokio::time::sleep(Duration::from_millis(seed % 100)).await;
                if child.try_wait().unwrap().is_none() {
                    child.kill().unwrap();
                    child.wait().unwrap();
                    kills += 1;
                    break;
                }
            } else {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    let out = run_to_end(args.to_vec()).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    kills
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
