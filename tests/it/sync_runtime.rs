//! Crash safety and the pollers: syncs interrupted at random points resume without losing or
//! duplicating anything; the schedule, "sync now" and cancel work without real sleeping.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use baton_core::replay::github::FakeGithub;
use baton_core::replay::gitlab::FakeGitlab;
use baton_core::replay::jira::FakeJira;
use baton_core::replay::linear::FakeLinear;
use baton_core::replay::{Handler, ReplayServer};
use baton_core::sync::progress::{RunStatus, SyncProgress};
use baton_core::sync::run_source;
use baton_core::sync::runtime::Pollers;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::sync_support::*;

/// A tiny deterministic generator (xorshift64*), so a failure can be replayed from its seed.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// A server that notifies `tripwire` when the `target`-th request has been answered.
async fn tripwire_server(
    answer: Arc<dyn Fn(&baton_core::replay::Request) -> baton_core::replay::Reply + Send + Sync>,
) -> (
    ReplayServer,
    Arc<AtomicUsize>,
    Arc<AtomicUsize>,
    Arc<Notify>,
) {
    let count = Arc::new(AtomicUsize::new(0));
    let target = Arc::new(AtomicUsize::new(usize::MAX));
    let notify = Arc::new(Notify::new());
    let (c, t, n) = (count.clone(), target.clone(), notify.clone());
    let handler: Handler = Arc::new(move |request| {
        let reply = answer(request);
        if c.fetch_add(1, Ordering::SeqCst) + 1 == t.load(Ordering::SeqCst) {
            n.notify_one();
        }
        reply
    });
    (
        ReplayServer::start(handler).await.unwrap(),
        count,
        target,
        notify,
    )
}

/// After [`sync_with_interruptions`]: the sync was interrupted often enough to mean something,
/// and its workspace (`got`) is the uninterrupted sync's (`want`): nothing lost or duplicated.
fn assert_survived(seed: u64, interrupted: usize, got: &[String], want: &[String]) {
    assert!(
        interrupted >= 3,
        "seed {seed:#x}: interrupted {interrupted} times"
    );
    assert_same(
        got,
        want,
        &format!("seed {seed:#x}: nothing lost or duplicated after {interrupted} interruptions"),
    );
}

/// Runs syncs of `source`, aborting each at a random request (and a random number of yields
/// after it) until one completes; returns how many were interrupted.
async fn sync_with_interruptions(
    h: &Harness,
    source: &str,
    count: &AtomicUsize,
    target: &AtomicUsize,
    notify: &Notify,
    seed: u64,
    total_requests: usize,
) -> usize {
    let mut rng = Rng(seed);
    let mut interrupted = 0;
    for attempt in 0..200 {
        count.store(0, Ordering::SeqCst);
        // Early in each attempt, so that a sync is interrupted many times before it completes.
        // The window widens by one request an attempt: a page commits only once its per-record
        // lists are read (a GitLab issue page asks each issue's links and label history first),
        // and a page needing more requests than the window could otherwise never finish.
        target.store(
            1 + rng.below(total_requests.min(20 + attempt) as u64) as usize,
            Ordering::SeqCst,
        );
        let ctx = h.ctx.clone();
        let id = source.to_owned();
        let mut task =
            tokio::spawn(async move { run_source(&ctx, &id, CancellationToken::new()).await });
        tokio::select! {
            finished = &mut task => {
                let report = finished.unwrap().unwrap();
                assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
                return interrupted;
            }
            _ = notify.notified() => {
                for _ in 0..rng.below(50) {
                    tokio::task::yield_now().await;
                }
                task.abort();
                match task.await {
                    Err(err) if err.is_cancelled() => interrupted += 1,
                    Ok(report) => {
                        assert_eq!(report.unwrap().status, RunStatus::Succeeded);
                        return interrupted;
                    }
                    Err(err) => panic!("the sync task failed: {err}"),
                }
            }
        }
    }
    panic!("the sync never completed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_syncs_aborted_at_random_points_lose_and_duplicate_nothing() {
    let reference = {
        let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
        let server = gh.serve().await.unwrap();
        let h = Harness::new().await;
        let source = h.add_github(&server.url(), GH_TOKEN).await;
        h.sync(&source).await;
        (h.fingerprint().await, server.requests().len())
    };
    for seed in [0x5EED_0001u64, 0x5EED_0002, 0x5EED_0003] {
        let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
        let answer = gh.clone();
        let (server, count, target, notify) =
            tripwire_server(Arc::new(move |r| answer.answer(r))).await;
        gh.set_base(&server.url());
        let h = Harness::new().await;
        let source = h.add_github(&server.url(), GH_TOKEN).await;
        let interrupted =
            sync_with_interruptions(&h, &source, &count, &target, &notify, seed, reference.1).await;
        assert!(
            interrupted >= 3,
            "seed {seed:#x}: the sync was interrupted several times ({interrupted})"
        );
        assert_same(&h.fingerprint().await, &reference.0, &format!("seed {seed:#x}: after {interrupted} interruptions the workspace equals an uninterrupted sync"));
        let runs = h.strings("SELECT status || ':' || COALESCE(error_code, '') FROM sync_runs ORDER BY started_at, rowid").await;
        assert_eq!(
            runs.last().map(String::as_str),
            Some("succeeded:"),
            "{runs:?}"
        );
        // An abort can land before a run has written its row (the server may still be
        // answering the previous attempt), so at most one row per interruption.
        let closed = runs.iter().filter(|r| *r == "failed:interrupted").count();
        assert!(
            closed >= 1 && closed <= interrupted && runs.len() == closed + 1,
            "every interrupted run that started is recorded as interrupted, none is left running: {runs:?}"
        );
    }
}

/// The workspace rows a sync writes, with more than [`Harness::fingerprint`] holds: the reviews
/// asked, keys, descriptions and intents; with `exact`, also the numbering of each item's
/// changes (`seq`) and the streams' cursors (without their times and validators' URLs), which
/// an interrupted sync may leave otherwise (a walk finished before an interruption is walked
/// again from its watermark, in other pages).
async fn deep_fingerprint(h: &Harness, exact: bool) -> Vec<String> {
    let mut rows = h.fingerprint().await;
    let mut queries = vec![
        "SELECT json_array(item_id, reviewer, person_id, requested_at, requested_by) FROM review_requests ORDER BY 1",
        "SELECT json_array(ref, item_id) FROM item_keys ORDER BY 1",
        "SELECT json_array(item_id, words, hex(signature)) FROM item_texts ORDER BY 1",
        "SELECT json_array(item_id, how, intent_id, source_ref) FROM intent_links ORDER BY 1",
        "SELECT json_array(item_id, field, value) FROM item_facets ORDER BY 1",
        "SELECT json_array(id, kind, title, external_id, source_key) FROM intents ORDER BY 1",
    ];
    if exact {
        queries.extend([
            "SELECT json_array(item_id, event_id, seq) FROM transitions ORDER BY item_id, event_id",
            "SELECT json_array(stream, watermark, json_extract(etag, '$.etag'), page_token) FROM sync_cursors ORDER BY 1",
        ]);
    }
    for sql in queries {
        rows.extend(h.strings(sql).await);
    }
    let ids = h.strings("SELECT id FROM sources").await;
    rows.into_iter()
        .map(|row| {
            ids.iter()
                .fold(row, |row, id| row.replace(id.as_str(), "<source>"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_writes_of_several_list_pages_aborted_at_random_points_lose_and_duplicate_nothing() {
    // Pages of 5 issues or pull requests (each pull request with its timeline), two list pages
    // a write when neither writes an item the other names: the same workspace as one page a
    // write, however often the sync is interrupted.
    let sized = |pages_per_write: u32| {
        let mut o = options();
        o.page_size = 5;
        o.pages_per_write = pages_per_write;
        o
    };
    let fake = || Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    let (reference, alone) = {
        let gh = fake();
        let server = gh.serve().await.unwrap();
        let h = Harness::with_options(sized(1)).await;
        let source = h.add_github(&server.url(), GH_TOKEN).await;
        let report = h.sync(&source).await;
        assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
        (
            (
                deep_fingerprint(&h, true).await,
                deep_fingerprint(&h, false).await,
            ),
            report.figures.pages,
        )
    };
    let (grouped, total_requests) = {
        let gh = fake();
        let server = gh.serve().await.unwrap();
        let h = Harness::with_options(sized(2)).await;
        let source = h.add_github(&server.url(), GH_TOKEN).await;
        let report = h.sync(&source).await;
        assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
        assert!(
            report.figures.pages < alone,
            "pages are written two at a time: {} writes, {alone} alone",
            report.figures.pages
        );
        (deep_fingerprint(&h, true).await, server.requests().len())
    };
    assert_same(
        &grouped,
        &reference.0,
        "two list pages a write or one: the same workspace",
    );
    {
        // As many as the sync writes together by default (at least 16).
        let many = baton_core::sync::SyncOptions::default()
            .pages_per_write
            .max(16);
        let gh = fake();
        let server = gh.serve().await.unwrap();
        let h = Harness::with_options(sized(many)).await;
        let source = h.add_github(&server.url(), GH_TOKEN).await;
        let report = h.sync(&source).await;
        assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
        assert!(
            report.figures.pages < alone / 2,
            "pages are written {many} at a time: {} writes, {alone} alone",
            report.figures.pages
        );
        assert_same(
            &deep_fingerprint(&h, true).await,
            &reference.0,
            &format!("{many} list pages a write or one: the same workspace"),
        );
    }
    for seed in [0x5EED_0011u64, 0x5EED_0012] {
        let gh = fake();
        let answer = gh.clone();
        let (server, count, target, notify) =
            tripwire_server(Arc::new(move |r| answer.answer(r))).await;
        gh.set_base(&server.url());
        let h = Harness::with_options(sized(2)).await;
        let source = h.add_github(&server.url(), GH_TOKEN).await;
        let interrupted =
            sync_with_interruptions(&h, &source, &count, &target, &notify, seed, total_requests)
                .await;
        assert_survived(
            seed,
            interrupted,
            &deep_fingerprint(&h, false).await,
            &reference.1,
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gitlab_syncs_aborted_at_random_points_lose_and_duplicate_nothing() {
    let reference = {
        let gl = Arc::new(FakeGitlab::from_devlake(&fixtures(), GL_TOKEN).unwrap());
        let server = gl.serve().await.unwrap();
        let h = Harness::new().await;
        let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
        h.sync(&source).await;
        (h.fingerprint().await, server.requests().len())
    };
    for seed in [0x61AB_0001u64, 0x61AB_0002] {
        let gl = Arc::new(FakeGitlab::from_devlake(&fixtures(), GL_TOKEN).unwrap());
        let answer = gl.clone();
        let (server, count, target, notify) =
            tripwire_server(Arc::new(move |r| answer.answer(r))).await;
        let h = Harness::new().await;
        let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
        let interrupted =
            sync_with_interruptions(&h, &source, &count, &target, &notify, seed, reference.1).await;
        assert_survived(seed, interrupted, &h.fingerprint().await, &reference.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linear_syncs_aborted_at_random_points_lose_and_duplicate_nothing() {
    let fake = || Arc::new(FakeLinear::from_fixture(&fixtures(), LIN_TOKEN).unwrap());
    let small = || {
        let mut o = options();
        o.page_size = 1;
        o
    };
    let reference = {
        let lin = fake();
        let server = lin.serve().await.unwrap();
        let h = Harness::with_options(small()).await;
        let source = h.add_linear(&server.url(), LIN_TOKEN).await;
        h.sync(&source).await;
        (h.fingerprint().await, server.requests().len())
    };
    for seed in [0x11AE_0006u64, 0x11AE_0007] {
        let lin = fake();
        let answer = lin.clone();
        let (server, count, target, notify) =
            tripwire_server(Arc::new(move |r| answer.answer(r))).await;
        let h = Harness::with_options(small()).await;
        let source = h.add_linear(&server.url(), LIN_TOKEN).await;
        let interrupted =
            sync_with_interruptions(&h, &source, &count, &target, &notify, seed, reference.1).await;
        assert_survived(seed, interrupted, &h.fingerprint().await, &reference.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linear_writes_of_several_query_pages_aborted_at_random_points_lose_and_duplicate_nothing()
{
    // 120 issues, 25 a query (Linear's complexity limit) and two queries a write (a page size
    // of 50): the same workspace as one query a write, however often the sync is interrupted.
    let fake = || Arc::new(FakeLinear::scaled(&fixtures(), LIN_TOKEN, 120).unwrap());
    let sized = |page_size: u32| {
        let mut o = options();
        o.page_size = page_size;
        o
    };
    let is_issues = |r: &baton_core::replay::Request| {
        String::from_utf8_lossy(&r.body).contains("query BatonIssues(")
    };
    let reference = {
        let lin = fake();
        let server = lin.serve().await.unwrap();
        let h = Harness::with_options(sized(25)).await;
        let source = h.add_linear(&server.url(), LIN_TOKEN).await;
        let report = h.sync(&source).await;
        assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
        assert_eq!(
            report.figures.pages,
            2 + 5,
            "teams, intents, a write per query"
        );
        h.fingerprint().await
    };
    let (batched, total_requests) = {
        let lin = fake();
        let server = lin.serve().await.unwrap();
        let h = Harness::with_options(sized(50)).await;
        let source = h.add_linear(&server.url(), LIN_TOKEN).await;
        let report = h.sync(&source).await;
        assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
        let queries = server.requests().iter().filter(|r| is_issues(r)).count();
        assert_eq!(queries, 5, "120 issues, 25 a query, each asked once");
        assert_eq!(
            report.figures.pages,
            2 + 3,
            "teams, intents, 50 + 50 + 20 issues"
        );
        assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 120);
        (h.fingerprint().await, server.requests().len())
    };
    assert_same(
        &batched,
        &reference,
        "two queries a write or one: the same workspace",
    );
    for seed in [0x11AE_0016u64, 0x11AE_0017] {
        let lin = fake();
        let answer = lin.clone();
        let (server, count, target, notify) =
            tripwire_server(Arc::new(move |r| answer.answer(r))).await;
        let h = Harness::with_options(sized(50)).await;
        let source = h.add_linear(&server.url(), LIN_TOKEN).await;
        let interrupted =
            sync_with_interruptions(&h, &source, &count, &target, &notify, seed, total_requests)
                .await;
        assert_survived(seed, interrupted, &h.fingerprint().await, &reference);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jira_syncs_aborted_at_random_points_lose_and_duplicate_nothing() {
    let reference = {
        let jira = Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap());
        jira.data().embed_limit = 5;
        let server = jira.serve().await.unwrap();
        let h = Harness::new().await;
        let source = h
            .add_jira(&server.url(), JIRA_TOKEN, &["EE", "K5", "DZFNK0168"])
            .await;
        h.sync(&source).await;
        (h.fingerprint().await, server.requests().len())
    };
    for seed in [0xC0FF_EE01u64, 0xC0FF_EE02] {
        let jira = Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap());
        jira.data().embed_limit = 5;
        let answer = jira.clone();
        let (server, count, target, notify) =
            tripwire_server(Arc::new(move |r| answer.answer(r))).await;
        let h = Harness::new().await;
        let source = h
            .add_jira(&server.url(), JIRA_TOKEN, &["EE", "K5", "DZFNK0168"])
            .await;
        let interrupted =
            sync_with_interruptions(&h, &source, &count, &target, &notify, seed, reference.1).await;
        assert_survived(seed, interrupted, &h.fingerprint().await, &reference.0);
    }
}

#[tokio::test]
async fn pollers_run_on_schedule_sync_now_and_cancel() {
    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let pollers = Pollers::new(h.ctx.clone());
    pollers.reload().await.unwrap();
    // The fake clock makes each scheduled wait instant; wait until three runs are recorded.
    for _ in 0..10_000 {
        if h.count("SELECT COUNT(*) FROM sync_runs WHERE status <> 'running'")
            .await
            >= 3
        {
            break;
        }
        tokio::task::yield_now().await;
    }
    pollers.shutdown().await;
    let sleeps = h.clock.sleeps();
    assert_eq!(
        sleeps[0],
        Duration::from_secs(3),
        "the first sync comes shortly after start"
    );
    assert!(
        sleeps
            .iter()
            .filter(|s| **s == Duration::from_secs(600))
            .count()
            >= 2,
        "then every poll_interval_s (600 s): {sleeps:?}"
    );
    let statuses = h.strings("SELECT DISTINCT status FROM sync_runs").await;
    assert!(
        statuses.iter().all(|s| s == "succeeded" || s == "canceled"),
        "{statuses:?}"
    );

    // A disabled source is not scheduled, but "sync now" runs it once.
    baton_core::sync::sources::set_enabled(&h.ws, None, &source, false)
        .await
        .unwrap();
    let pollers = Pollers::new(h.ctx.clone());
    pollers.reload().await.unwrap();
    let before = h.count("SELECT COUNT(*) FROM sync_runs").await;
    pollers.sync_now(&source).await.unwrap();
    for _ in 0..10_000 {
        if h.count("SELECT COUNT(*) FROM sync_runs WHERE status <> 'running'")
            .await
            > before
        {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(
        h.count("SELECT COUNT(*) FROM sync_runs").await,
        before + 1,
        "exactly one run for one click"
    );
    pollers.shutdown().await;
}

#[tokio::test]
async fn cancel_stops_a_run_and_records_it() {
    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    // A long rate-limit wait keeps the run busy until it is canceled.
    gh.fault(
        "ants/pulls",
        vec![
            baton_core::replay::Reply::json(403, r#"{"message":"API rate limit exceeded"}"#)
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", (NOW / 1000 + 3000).to_string()),
        ],
    );
    let server = gh.serve().await.unwrap();
    let mut h = Harness::new().await;
    // A real clock here would sleep 50 minutes: the cancel must interrupt the wait itself.
    h.ctx.clock = Arc::new(baton_core::sync::clock::SystemClock);
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let waiting = Arc::new(Notify::new());
    let signal = waiting.clone();
    h.ctx.progress = Arc::new(move |p| {
        if matches!(p, SyncProgress::Waiting { .. }) {
            signal.notify_one();
        }
    });
    let pollers = Pollers::new(h.ctx.clone());
    pollers.sync_now(&source).await.unwrap();
    waiting.notified().await;
    assert_eq!(pollers.running(), vec![source.clone()]);
    assert!(pollers.cancel(&source), "a running sync can be canceled");
    for _ in 0..10_000 {
        if h.count("SELECT COUNT(*) FROM sync_runs WHERE status = 'canceled'")
            .await
            == 1
        {
            break;
        }
        tokio::task::yield_now().await;
    }
    let runs = h
        .strings("SELECT status || ':' || error_code FROM sync_runs")
        .await;
    assert_eq!(
        runs,
        vec!["canceled:canceled".to_owned()],
        "a canceled run says so"
    );
    assert!(
        h.count("SELECT COUNT(*) FROM items").await > 0,
        "pages committed before the cancel stay"
    );
    pollers.shutdown().await;
}
