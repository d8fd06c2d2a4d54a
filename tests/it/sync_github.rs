//! The GitHub poller against a fake GitHub serving real recorded records (DevLake's
//! panjf2000/ants rows): the scenario matrix of API-NOTES §4 for GitHub.

use std::sync::Arc;
use std::time::Duration;

use baton_core::replay::github::FakeGithub;
use baton_core::replay::Reply;
use baton_core::sync::progress::RunStatus;

use crate::sync_support::*;

async fn fake() -> Arc<FakeGithub> {
    Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap())
}

#[tokio::test]
async fn a_first_sync_walks_every_page_and_maps_everything() {
    let gh = fake().await;
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let issues = h
        .count("SELECT COUNT(*) FROM items WHERE kind <> 'pull_request'")
        .await;
    let pulls = h
        .count("SELECT COUNT(*) FROM items WHERE kind = 'pull_request'")
        .await;
    assert_eq!(
        issues, 26,
        "every real issue (pull requests in /issues are left to /pulls)"
    );
    assert_eq!(
        pulls, 49,
        "every real pull request (the recording lists #4 twice: stored once)"
    );
    let requests = server.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.path.starts_with("/repositories/134018330/issues")),
        "the server's next link (/repositories/{{id}}/…) is followed as given"
    );
    let reviews = h
        .count("SELECT COUNT(*) FROM transitions WHERE kind = 'review'")
        .await;
    assert!(reviews > 0, "reviews become review transitions");
    let states = h
        .count("SELECT COUNT(*) FROM transitions WHERE kind = 'state'")
        .await;
    assert!(
        states > 0,
        "closed/merged/ready_for_review events become state transitions"
    );
    let raw = h.count("SELECT COUNT(*) FROM raw_records").await;
    assert!(
        raw >= 26 + 49 + 50,
        "raw JSON of every issue, pull request and event is kept: {raw}"
    );
    let stored =
        baton_core::graph::repo::raw_records::get(h.ws.pool(), &source, "issues", "484311063")
            .await
            .unwrap()
            .unwrap();
    let issue: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(
        issue["number"], 44,
        "a raw record reads back as the JSON the API sent"
    );
    let runs = h
        .strings("SELECT status || ':' || pages || ':' || items FROM sync_runs")
        .await;
    assert_eq!(runs.len(), 1);
    assert!(runs[0].starts_with("succeeded:"), "{runs:?}");
    let maps = h
        .strings("SELECT raw_state || '=' || flow_state FROM workflow_maps ORDER BY 1")
        .await;
    assert!(
        maps.contains(&"merged=done".to_owned()),
        "GitHub states seed the workflow mapping: {maps:?}"
    );
    assert!(
        maps.contains(&"closed (unmerged)=canceled".to_owned()),
        "{maps:?}"
    );
    assert_eq!(h.clock.total_slept(), Duration::ZERO, "nothing waited");
}

/// Changes a recorded issue (or pull request) of the fake: `change` edits its JSON.
fn edit(
    records: &mut [baton_core::replay::github::Record],
    number: i64,
    change: impl Fn(&mut serde_json::Value),
) {
    let record = records
        .iter_mut()
        .find(|r| r.number == number)
        .expect("record exists");
    let mut value: serde_json::Value = serde_json::from_str(&record.json).unwrap();
    change(&mut value);
    *record = baton_core::replay::github::Record::from_json(&value.to_string()).unwrap();
}

#[tokio::test]
async fn an_incremental_poll_asks_since_the_watermark_and_picks_up_changes() {
    let gh = fake().await;
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    h.sync(&source).await;
    let watermark = h
        .strings("SELECT watermark FROM sync_cursors WHERE stream = 'issues:panjf2000/ants'")
        .await;
    let newest = h
        .count("SELECT MAX(updated_at) FROM items WHERE kind <> 'pull_request'")
        .await;
    assert_eq!(
        watermark,
        vec![baton_core::time::to_rfc3339(newest)],
        "the watermark is the newest update seen"
    );
    // Issue #44 is edited and closed as not planned after the first poll.
    edit(&mut gh.data().issues, 44, |v| {
        v["title"] = "renamed after the first poll".into();
        v["state_reason"] = "not_planned".into();
        v["updated_at"] = "2026-03-01T10:00:00Z".into();
    });
    server.clear_requests();
    h.clock.advance(Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let first = server
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/issues"))
        .unwrap();
    assert_eq!(
        first.param("since"),
        Some(baton_core::time::to_rfc3339(newest - 300_000).as_str()),
        "since = watermark minus the 5-minute overlap window"
    );
    let item = h.strings("SELECT title || '|' || raw_state || '|' || flow_state FROM items WHERE key = 'panjf2000/ants#44'").await;
    assert_eq!(
        item,
        vec!["renamed after the first poll|closed (not planned)|canceled".to_owned()]
    );
    let pulls_pages = server
        .requests()
        .iter()
        .filter(|r| r.path.contains("/pulls") && !r.path.contains("reviews"))
        .count();
    assert_eq!(
        pulls_pages, 1,
        "the pulls walk stops at the first pull request older than the watermark"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        75,
        "re-fetched records update rows, never duplicate them"
    );
}

#[tokio::test]
async fn an_unchanged_repository_answers_304_and_nothing_is_written() {
    let gh = fake().await;
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    h.sync(&source).await;
    // The first poll had no watermark; the second asks `since` it and keeps that page's ETag.
    h.clock.advance(Duration::from_secs(600));
    h.sync(&source).await;
    let before = h.fingerprint().await;
    let cursors = h.strings("SELECT json_array(stream, watermark, etag, page_token, updated_at) FROM sync_cursors ORDER BY 1").await;
    let fetched = h
        .count("SELECT COUNT(DISTINCT fetched_at) FROM raw_records")
        .await;
    server.clear_requests();
    h.clock.advance(Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded);
    let requests = server.requests();
    let conditional = requests
        .iter()
        .filter(|r| r.header("if-none-match").is_some())
        .count();
    assert_eq!(
        conditional, 3,
        "the first page of issues, pulls and events is conditional"
    );
    assert_eq!(
        requests.len(),
        5,
        "the repository's lookup, then a 304 ends each stream: no further pages, no reviews; \
         and the snapshot of waiting workflow runs (none)"
    );
    assert_eq!(h.fingerprint().await, before, "a 304 writes nothing");
    assert_eq!(
        h.strings("SELECT json_array(stream, watermark, etag, page_token, updated_at) FROM sync_cursors ORDER BY 1").await,
        cursors,
        "cursors are untouched"
    );
    assert_eq!(
        h.count("SELECT COUNT(DISTINCT fetched_at) FROM raw_records")
            .await,
        fetched,
        "no raw record was re-written"
    );
    assert_eq!(report.figures.pages, 0, "no page was committed");
}

#[tokio::test]
async fn primary_rate_limits_wait_until_the_reset_on_the_injected_clock() {
    let gh = fake().await;
    let reset = NOW / 1000 + 120;
    gh.fault(
        "ants/issues",
        vec![
            Reply::json(
                403,
                r#"{"message":"API rate limit exceeded for user ID 1."}"#,
            )
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", reset.to_string()),
            Reply::json(429, r#"{"message":"API rate limit exceeded"}"#)
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", (reset + 600).to_string()),
        ],
    );
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let sleeps = h.clock.sleeps();
    assert_eq!(sleeps.len(), 2, "one wait per refusal: {sleeps:?}");
    assert_eq!(
        sleeps[0],
        Duration::from_secs(121),
        "403 + remaining 0: wait until x-ratelimit-reset (+1 s)"
    );
    assert_eq!(
        sleeps[1],
        Duration::from_secs(600),
        "429 + remaining 0: the same rule, read on the clock that moved 121 s (a reset more than 15 min away stops the run: sync_servers)"
    );
    let waits = h
        .strings("SELECT rate_limit_waits || ':' || rate_limit_wait_ms FROM sync_runs")
        .await;
    assert_eq!(
        waits,
        vec!["2:721000".to_owned()],
        "the run's history counts its rate-limit waits"
    );
    assert!(
        h.events.lock().unwrap().iter().any(|e| matches!(
            e,
            baton_core::sync::progress::SyncProgress::Waiting {
                rate_limit: true,
                ..
            }
        )),
        "the wait is reported as progress"
    );
}

#[tokio::test]
async fn secondary_rate_limits_honour_retry_after_or_wait_at_least_a_minute() {
    let gh = fake().await;
    gh.fault(
        "ants/issues",
        vec![
            Reply::json(403, r#"{"message":"You have triggered an abuse detection mechanism. Please wait a few minutes before you try again."}"#)
                .header("retry-after", "60")
                .header("x-ratelimit-remaining", "4000"),
            Reply::json(403, r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}"#)
                .header("x-ratelimit-remaining", "3999"),
            Reply::json(403, r#"{"message":"You have exceeded a secondary rate limit."}"#),
        ],
    );
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.clock.sleeps(),
        vec![
            Duration::from_secs(60),
            Duration::from_secs(120),
            Duration::from_secs(240)
        ],
        "retry-after first; without it at least 60 s, doubling, even when remaining is not 0"
    );
}

#[tokio::test]
async fn server_errors_are_retried_with_capped_jittered_backoff() {
    let gh = fake().await;
    gh.fault(
        "ants/issues",
        vec![
            Reply::json(502, "{}"),
            Reply::json(502, "{}"),
            Reply::json(502, "{}"),
        ],
    );
    gh.fault(
        "ants/pulls",
        vec![Reply::json(500, r#"{"message":"Server Error"}"#)],
    );
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let sleeps = h.clock.sleeps();
    assert_eq!(
        sleeps.len(),
        4,
        "three retries of the issues page, one of the pulls page: {sleeps:?}"
    );
    for (n, (sleep, ceiling)) in sleeps.iter().zip([1u64, 2, 4, 1]).enumerate() {
        let ceiling = Duration::from_secs(ceiling);
        assert!(
            *sleep <= ceiling && *sleep >= ceiling / 2,
            "retry {n}: {sleep:?} is within the jittered exponential step {ceiling:?}"
        );
    }
    assert_eq!(
        h.count("SELECT retries FROM sync_runs").await,
        4,
        "retries are counted in the run's history"
    );
}

#[tokio::test]
async fn a_source_that_keeps_failing_gives_up_keeps_its_cursor_and_resumes_next_time() {
    let gh = fake().await;
    // The second page of issues fails more times than the retry budget.
    gh.fault(
        "repositories/134018330/issues",
        (0..6)
            .map(|_| Reply::json(503, "<html>Service Unavailable</html>"))
            .collect(),
    );
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(
        report.status,
        RunStatus::Failed,
        "a failure is a failed run, not silence"
    );
    let error = report.error.clone().unwrap();
    assert_eq!(error.0, "server_error");
    let row = h
        .strings("SELECT status || '|' || error_code || '|' || error FROM sync_runs")
        .await;
    assert!(
        row[0].starts_with("failed|server_error|the source failed (HTTP 503)"),
        "{row:?}"
    );
    let cursor = h
        .strings("SELECT page_token FROM sync_cursors WHERE stream = 'issues:panjf2000/ants'")
        .await;
    assert!(
        cursor[0].contains("repositories/134018330/issues"),
        "the committed first page left the next URL to resume from: {cursor:?}"
    );
    let kept = h
        .count("SELECT COUNT(*) FROM raw_records WHERE stream = 'issues'")
        .await;
    assert!(
        (1..=10).contains(&kept),
        "the committed first page's issues are kept: {kept}"
    );
    assert!(
        h.count("SELECT COUNT(*) FROM items").await > 0,
        "with its mapped items"
    );
    // The next run resumes from page 2 and completes.
    server.clear_requests();
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let requests = server.requests();
    assert_eq!(
        requests[0].path, "/repos/panjf2000/ants",
        "each run first looks the repository up, for its id"
    );
    assert!(
        requests[1]
            .path
            .starts_with("/repositories/134018330/issues")
            && requests[1].param("page") == Some("2"),
        "the next run starts where the failed one stopped"
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 75);
    let statuses = h
        .strings("SELECT status FROM sync_runs ORDER BY started_at, rowid")
        .await;
    assert_eq!(statuses, vec!["failed", "succeeded"]);
}

#[tokio::test]
async fn malformed_truncated_html_and_empty_bodies_are_retried() {
    let gh = fake().await;
    let good_page_len = 2_000;
    gh.fault(
        "ants/issues",
        vec![
            Reply::json(503, "<html><body>Service Unavailable</body></html>"),
            Reply::json(200, "<!DOCTYPE html><html>maintenance</html>"),
            Reply::json(200, format!("[{}", "{\"id\":1,".repeat(good_page_len / 8))).cut_after(100),
            Reply::json(200, ""),
            Reply::json(200, "[{\"id\": 5, \"number\": "),
        ],
    );
    let server = gh.serve().await.unwrap();
    let mut options = options();
    options.http.max_retries = 6;
    let h = Harness::with_options(options).await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(h.clock.sleeps().len(), 5, "each bad body costs one retry");
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        75,
        "then the real pages are read in full"
    );
}

#[tokio::test]
async fn malformed_bodies_beyond_the_retry_budget_fail_clearly() {
    let gh = fake().await;
    gh.fault(
        "ants/issues",
        (0..6)
            .map(|_| Reply::json(200, "<html>login page</html>"))
            .collect(),
    );
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    let (code, message) = report.error.unwrap();
    assert_eq!(code, "malformed_response");
    assert!(
        message.contains("HTML"),
        "the message says what was wrong: {message}"
    );
}

#[tokio::test]
async fn a_hung_response_times_out_and_is_retried() {
    let gh = fake().await;
    gh.fault("ants/pulls", vec![Reply::hang()]);
    let server = gh.serve().await.unwrap();
    // A short timeout: the only real wait of the suite (the hung request), 300 ms.
    let mut options = options();
    options.http.timeout = Duration::from_millis(300);
    let h = Harness::with_options(options).await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT retries FROM sync_runs").await,
        1,
        "the timeout was retried once"
    );
}

#[tokio::test]
async fn unknown_states_and_event_types_do_not_stop_a_sync() {
    let gh = fake().await;
    edit(&mut gh.data().issues, 44, |v| v["state"] = "frozen".into());
    {
        let mut data = gh.data();
        let mut event: serde_json::Value = serde_json::from_str(&data.events[0].json).unwrap();
        event["id"] = 1.into();
        event["event"] = "teleported_to_another_dimension".into();
        data.events
            .push(baton_core::replay::github::Record::from_json(&event.to_string()).unwrap());
    }
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let item = h
        .strings("SELECT raw_state || '|' || flow_state FROM items WHERE key = 'panjf2000/ants#44'")
        .await;
    assert_eq!(
        item,
        vec!["frozen|new".to_owned()],
        "an unknown state is kept raw and left unmapped"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM workflow_maps WHERE raw_state = 'frozen'")
            .await,
        0,
        "no mapping is invented for it"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM raw_records WHERE stream = 'events' AND external_id = '1'")
            .await,
        1,
        "the unknown event is kept raw"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM transitions WHERE event_id = 'ev:1'")
            .await,
        0,
        "but maps to nothing"
    );
}

#[tokio::test]
async fn dependencies_from_both_ends_make_one_edge_and_removal_is_recorded() {
    let gh = fake().await;
    let issue_ref = |n: i64| {
        format!(r#"{{"number":{n},"html_url":"https://github.com/panjf2000/ants/issues/{n}"}}"#)
    };
    edit(&mut gh.data().issues, 44, |v| {
        v["issue_dependencies_summary"] = serde_json::json!({"blocked_by": 1, "total_blocked_by": 1, "blocking": 0, "total_blocking": 0})
    });
    edit(&mut gh.data().issues, 43, |v| {
        v["issue_dependencies_summary"] = serde_json::json!({"blocked_by": 0, "total_blocked_by": 0, "blocking": 1, "total_blocking": 1});
        v["sub_issues_summary"] =
            serde_json::json!({"total": 1, "completed": 0, "percent_completed": 0});
    });
    {
        let mut data = gh.data();
        data.blocked_by.insert(44, vec![issue_ref(43)]);
        data.blocking.insert(43, vec![issue_ref(44)]);
        data.sub_issues
            .insert(43, vec![issue_ref(42), issue_ref(9999)]);
    }
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    h.sync(&source).await;
    let blocks: Vec<String> = h
        .key_links()
        .await
        .into_iter()
        .filter(|l| l.contains(" blocks "))
        .collect();
    assert_eq!(
        blocks,
        vec!["panjf2000/ants#43 blocks panjf2000/ants#44".to_owned()],
        "blocked_by and blocking describe one edge"
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM links WHERE kind = 'parent' AND from_item_id = (SELECT id FROM items WHERE key = 'panjf2000/ants#43')").await, 1, "a sub-issue is a parent link");
    assert_eq!(
        h.count(&format!(
            "SELECT COUNT(*) FROM pending_links WHERE to_item_id = 'gh:127.0.0.1/{}#9999'",
            gh.repo_id
        ))
        .await,
        1,
        "a link to an item not synced waits, named by the repository's id"
    );
    // The dependency is removed on GitHub.
    edit(&mut gh.data().issues, 44, |v| {
        v["issue_dependencies_summary"] = serde_json::json!({"blocked_by": 0, "total_blocked_by": 0, "blocking": 0, "total_blocking": 0});
        v["updated_at"] = "2026-03-01T00:00:00Z".into();
    });
    edit(&mut gh.data().issues, 43, |v| {
        v["issue_dependencies_summary"] = serde_json::json!({"blocked_by": 0, "total_blocked_by": 0, "blocking": 0, "total_blocking": 0});
        v["updated_at"] = "2026-03-01T00:00:00Z".into();
    });
    h.clock.advance(Duration::from_secs(600));
    h.sync(&source).await;
    let removed = h
        .count("SELECT COUNT(*) FROM links WHERE kind = 'blocks' AND removed_at IS NOT NULL")
        .await;
    assert_eq!(removed, 1, "the edge stays for history, marked removed");
}

#[tokio::test]
async fn closing_keywords_link_a_pull_request_to_its_issue() {
    let gh = fake().await;
    let pull = gh
        .data()
        .pulls
        .iter()
        .find(|p| p.number == 41)
        .map(|p| p.number)
        .unwrap();
    {
        let mut data = gh.data();
        let record = data.pulls.iter_mut().find(|r| r.number == pull).unwrap();
        let mut value: serde_json::Value = serde_json::from_str(&record.json).unwrap();
        value["body"] =
            "Pool tuning.\n\nCloses #44\n\nCo-authored-by: Claude <noreply@anthropic.com>".into();
        *record = baton_core::replay::github::Record::from_json(&value.to_string()).unwrap();
    }
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    h.sync(&source).await;
    let links = h.strings("SELECT f.key || ' ' || l.kind || ' ' || t.key || ' ' || l.origin FROM links l JOIN items f ON f.id = l.from_item_id JOIN items t ON t.id = l.to_item_id WHERE l.kind = 'implements'").await;
    assert!(
        links.contains(&"panjf2000/ants#41 implements panjf2000/ants#44 inferred".to_owned()),
        "{links:?}"
    );
    let provenance = h.strings("SELECT provenance || '|' || provenance_agent || '|' || provenance_confidence FROM items WHERE key = 'panjf2000/ants#41'").await;
    assert_eq!(
        provenance,
        vec!["ai_agent|Claude|0.8".to_owned()],
        "a Co-authored-by trailer marks agent work, with the rule's confidence"
    );
}

/// The log is the process's: tracing's call-site interest and level are global, and other tests
/// running at the same time can change them. So the scenario runs alone, in a child process
/// (this test binary again, [`wrong_token_scenario`]), with a global subscriber.
#[test]
fn a_wrong_token_fails_clearly_and_never_shows_the_token() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "sync_github::wrong_token_scenario",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("BATON_WRONG_TOKEN_SCENARIO", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "the scenario passes in its own process:\n{stdout}\n{stderr}"
    );
}

/// Not a test on its own: the process of [`a_wrong_token_fails_clearly_and_never_shows_the_token`].
#[tokio::test]
#[ignore = "run by a_wrong_token_fails_clearly_and_never_shows_the_token as a separate process"]
async fn wrong_token_scenario() {
    use std::io::Write;
    if std::env::var_os("BATON_WRONG_TOKEN_SCENARIO").is_none() {
        return;
    }
    #[derive(Clone, Default)]
    struct Buffer(Arc<std::sync::Mutex<Vec<u8>>>);
    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let logs = Buffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let gh = fake().await;
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let wrong = "ghp_WRONGwrongWRONG0000000000secret";
    let source = h.add_github(&server.url(), wrong).await;
    let report = h.sync(&source).await;
    let (code, message) = report.error.unwrap();
    assert_eq!(
        code, "auth_bad_token",
        "a 401 is a refused token: {message}"
    );
    assert!(
        message.contains("Bad credentials"),
        "the source's own words are kept: {message}"
    );
    let stored = h.strings("SELECT COALESCE(error, '') || (SELECT group_concat(scope || base_url || COALESCE(secret_ref, '')) FROM sources) FROM sync_runs").await.join("");
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("sync did not succeed"),
        "the failure is logged"
    );
    for text in [&message, &stored, &logged] {
        assert!(
            !text.contains(wrong),
            "the token appears in no error, row or log"
        );
        assert!(!text.contains("WRONGwrong"), "not even partly");
    }
    let requests = server.requests();
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {wrong}").as_str()),
        "GitHub gets a Bearer header"
    );
}

#[tokio::test]
async fn a_renamed_repository_updates_its_items_and_never_makes_second_ones() {
    let gh = fake().await;
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    h.sync(&source).await;
    let items = h.count("SELECT COUNT(*) FROM items").await;
    let id = h.id_of("panjf2000/ants#44").await;
    assert_eq!(
        id, "gh:127.0.0.1/134018330#44",
        "items are keyed by the repository's numeric id"
    );
    // The repository is transferred (renamed): the old name answers with a permanent redirect
    // to /repositories/{id}; #44 is edited after the first poll.
    gh.rename("antsorg/ants-pool");
    edit(&mut gh.data().issues, 44, |v| {
        v["title"] = "edited after the transfer".into();
        v["updated_at"] = "2026-03-01T10:00:00Z".into();
    });
    h.clock.advance(Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        items,
        "the renamed repository's items were updated, not duplicated"
    );
    assert_eq!(
        h.strings(&format!(
            "SELECT key || '|' || title FROM items WHERE id = '{id}'"
        ))
        .await,
        vec!["antsorg/ants-pool#44|edited after the transfer".to_owned()],
        "the same item, under the new name"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE key LIKE 'panjf2000/ants#%'")
            .await,
        0,
        "every item follows the new name"
    );
    assert_eq!(
        h.strings("SELECT item_id FROM item_keys WHERE ref LIKE '%/panjf2000/ants#44'")
            .await,
        vec![id.clone()],
        "the old key still names the item"
    );
    let streams = h
        .strings("SELECT stream FROM sync_cursors WHERE stream LIKE 'issues:%'")
        .await;
    assert_eq!(
        streams,
        vec!["issues:antsorg/ants-pool".to_owned()],
        "the cursors moved to the new name (the walk resumes, it does not restart)"
    );
}

#[tokio::test]
async fn a_pagination_limit_restarts_the_issues_walk_with_a_narrower_since_window() {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use baton_core::replay::{Handler, ReplayServer, Request};

    let gh = fake().await;
    // GitHub's answer when a list pages too deep: the third page of issues is refused once.
    let served = gh.clone();
    let issue_pages = Arc::new(AtomicUsize::new(0));
    let counted = issue_pages.clone();
    let handler: Handler = Arc::new(move |r: &Request| {
        if r.path.ends_with("/issues") && counted.fetch_add(1, Ordering::SeqCst) == 2 {
            return Reply::json(
                422,
                r#"{"message":"In order to keep the API fast for everyone, pagination is limited for this resource.","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#pagination"}"#,
            );
        }
        served.answer(r)
    });
    let server = ReplayServer::start(handler).await.unwrap();
    gh.set_base(&server.url());
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        75,
        "every issue and pull request, as a walk that was never refused"
    );
    let walks: Vec<Request> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/issues"))
        .collect();
    assert!(walks.len() > 3, "{}", walks.len());
    let restart = &walks[3];
    assert!(
        restart.param("since").is_some() && restart.param("page").is_none(),
        "after the refusal the walk starts again at the newest update it reached: {:?}",
        restart.query
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM sync_cursors WHERE error_code IS NOT NULL")
            .await,
        0,
        "no stream failed"
    );
}

#[tokio::test]
async fn a_full_walk_asks_for_every_list_page_exactly_once() {
    // The next page of a walk that reads every page is asked for while the one before is
    // mapped: the requests are still the ones the walk needs, each once.
    let gh = fake().await;
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let lists: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| {
            r.path.ends_with("/issues") || r.path.ends_with("/pulls") || r.path.ends_with("/events")
        })
        .map(|r| format!("{} {:?}", r.path, r.query))
        .collect();
    let unique: std::collections::BTreeSet<&String> = lists.iter().collect();
    assert_eq!(
        unique.len(),
        lists.len(),
        "no list page is asked for twice: {lists:#?}"
    );
    let count = |end: &str| {
        lists
            .iter()
            .filter(|l| l.split(' ').next().is_some_and(|p| p.ends_with(end)))
            .count()
    };
    let (issues, pulls) = {
        let data = gh.data();
        (data.issues.len(), data.pulls.len())
    };
    assert_eq!(
        count("/issues"),
        issues.div_ceil(10),
        "{issues} records of /issues, 10 a page"
    );
    assert_eq!(
        count("/pulls"),
        pulls.div_ceil(10),
        "{pulls} records of /pulls, 10 a page"
    );
}

/// GitHub's own answers to a renamed repository, as octokit/fixtures recorded them against
/// api.github.com (`rename-repository/raw-fixture.json`): the repository under its first name
/// (its creation's answer), then, once renamed, the old name's `301 Moved Permanently` to
/// `/repositories/{id}` and that address's answer under the new name.
struct RecordedRename {
    old: String,
    new: String,
    id: u64,
    before: serde_json::Value,
    moved: serde_json::Value,
    after: serde_json::Value,
}

fn recorded_rename() -> RecordedRename {
    let exchanges: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(
            fixtures().join("github/octokit-fixtures/rename-repository/raw-fixture.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let find = |method: &str, status: i64| {
        exchanges
            .iter()
            .find(|e| e["method"] == method && e["status"] == status)
            .unwrap()
            .clone()
    };
    let (created, moved, after) = (find("post", 201), find("get", 301), find("get", 200));
    RecordedRename {
        old: created["response"]["full_name"]
            .as_str()
            .unwrap()
            .to_owned(),
        new: after["response"]["full_name"].as_str().unwrap().to_owned(),
        id: after["response"]["id"].as_u64().unwrap(),
        before: created["response"].clone(),
        moved,
        after: after["response"].clone(),
    }
}

#[tokio::test]
async fn a_recorded_rename_by_github_moves_the_repositorys_items_to_its_new_name() {
    use std::sync::atomic::{AtomicBool, Ordering};

    use baton_core::replay::{Handler, ReplayServer, Request};

    let rec = Arc::new(recorded_rename());
    assert_eq!(rec.id, rec.before["id"].as_u64().unwrap(), "one repository");
    let location = rec
        .moved
        .pointer("/rawHeaders")
        .and_then(|h| h.as_array())
        .and_then(|h| {
            h.chunks(2)
                .find(|kv| kv[0].as_str() == Some("Location"))
                .and_then(|kv| kv[1].as_str())
        })
        .unwrap()
        .to_owned();
    assert_eq!(
        location,
        format!("https://api.github.com/repositories/{}", rec.id)
    );
    // The recorded repository had no issues: DevLake's recorded panjf2000/ants issues and pull
    // requests are served as its own, their URLs under its name (the repository's own answers
    // are the recording's).
    let ants = fake().await;
    let data = ants.data().clone();
    let gh = Arc::new(FakeGithub::with_data(GH_TOKEN, "panjf2000/ants", data).with_repo_id(rec.id));
    // Their URLs name the recorded repository (the fake's rename rewrites them).
    gh.rename(&rec.old);
    let renamed = Arc::new(AtomicBool::new(false));
    let (served, answers, flag) = (gh.clone(), rec.clone(), renamed.clone());
    let base = Arc::new(std::sync::Mutex::new(String::new()));
    let base_of = base.clone();
    let handler: Handler = Arc::new(move |r: &Request| {
        let path = r.path.trim_end_matches('/');
        let by_id = format!("/repositories/{}", answers.id);
        if path == format!("/repos/{}", answers.old) {
            if !flag.load(Ordering::SeqCst) {
                return Reply::json(200, answers.before.to_string());
            }
            // The recorded 301, its Location moved from api.github.com to this server.
            let moved = format!("{}{by_id}", base_of.lock().unwrap());
            return Reply::json(301, answers.moved["response"].to_string())
                .header("location", &moved);
        }
        if path == by_id || path == format!("/repos/{}", answers.new) {
            return Reply::json(200, answers.after.to_string());
        }
        served.answer(r)
    });
    let server = ReplayServer::start(handler).await.unwrap();
    *base.lock().unwrap() = server.url();
    gh.set_base(&server.url());

    let h = Harness::new().await;
    let source = h
        .add(&github_input(
            "renamed",
            &server.url(),
            &[&rec.old],
            GH_TOKEN,
        ))
        .await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let items = h.count("SELECT COUNT(*) FROM items").await;
    assert!(items > 0);
    let id = h.id_of(&format!("{}#44", rec.old)).await;
    assert_eq!(
        id,
        format!("gh:127.0.0.1/{}#44", rec.id),
        "keyed by the recorded repository id"
    );

    renamed.store(true, Ordering::SeqCst);
    gh.rename(&rec.new);
    h.clock.advance(Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.path == format!("/repositories/{}", rec.id)),
        "the recorded redirect was followed"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        items,
        "no second item"
    );
    assert_eq!(
        h.strings(&format!("SELECT key FROM items WHERE id = '{id}'"))
            .await,
        vec![format!("{}#44", rec.new)],
        "the same item under the name GitHub gives now"
    );
    assert_eq!(
        h.count(&format!(
            "SELECT COUNT(*) FROM items WHERE key LIKE '{}#%'",
            rec.old
        ))
        .await,
        0
    );
    assert_eq!(
        h.strings(&format!(
            "SELECT item_id FROM item_keys WHERE ref = 'gh:127.0.0.1/{}#44'",
            rec.old
        ))
        .await,
        vec![id],
        "the old key still names it"
    );
    assert_eq!(
        h.strings("SELECT stream FROM sync_cursors WHERE stream LIKE 'issues:%'")
            .await,
        vec![format!("issues:{}", rec.new)]
    );
}

/// The repository of the recorded environment approvals, and its id.
const APPROVAL_REPO: &str = "activescott/serverless-aws-static-file-handler";
const APPROVAL_REPO_ID: u64 = 116_552_009;

/// A fake serving the real recording of `tests/fixtures/github/environment-approval/` (two runs
/// waiting for the environment `aws`, one of pull request #214) and that pull request (a real
/// recorded pull request of DevLake's rows renumbered #214 of this repository, so its item is
/// synced).
fn approval_fake() -> Arc<FakeGithub> {
    let (runs, pending) = baton_core::replay::github::recorded_waiting_runs(
        &fixtures().join("github/environment-approval"),
    )
    .unwrap();
    let devlake = FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap();
    let mut pull: serde_json::Value = serde_json::from_str(&devlake.data().pulls[0].json).unwrap();
    pull["number"] = 214.into();
    pull["state"] = "open".into();
    pull["merged_at"] = serde_json::Value::Null;
    pull["closed_at"] = serde_json::Value::Null;
    pull["html_url"] = format!("https://github.com/{APPROVAL_REPO}/pull/214").into();
    let gh = FakeGithub::new(GH_TOKEN, APPROVAL_REPO).with_repo_id(APPROVAL_REPO_ID);
    {
        let mut data = gh.data();
        data.pulls =
            vec![baton_core::replay::github::Record::from_json(&pull.to_string()).unwrap()];
        data.waiting_runs = runs;
        data.pending_deployments = pending;
    }
    Arc::new(gh)
}

async fn approval_source(h: &Harness, url: &str) -> String {
    h.add(&github_input(
        "GitHub approvals",
        url,
        &[APPROVAL_REPO],
        GH_TOKEN,
    ))
    .await
}

async fn pending_deployments(h: &Harness) -> Vec<baton_core::approvals::Approval> {
    use baton_core::approvals::{approvals_report, ApprovalOrigin, ApprovalQuery};
    approvals_report(&h.ws, &ApprovalQuery::default(), NOW)
        .await
        .unwrap()
        .approvals
        .into_iter()
        .filter(|a| a.origin == ApprovalOrigin::DeploymentApproval)
        .collect()
}

#[tokio::test]
async fn recorded_environment_approvals_become_pending_approvals_until_the_run_stops_waiting() {
    use baton_core::approvals::{
        self, AnswerInput, AnswerOutcome, ApprovalQuery, ApprovalShow, DeciderKind,
    };
    let gh = approval_fake();
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = approval_source(&h, &server.url()).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let asked: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.path.contains("/actions/runs"))
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(
        asked.len(),
        3,
        "the waiting list once, then each waiting run's pending deployments: {asked:?}"
    );
    let pull = h
        .strings("SELECT id FROM items WHERE key LIKE '%#214'")
        .await;
    assert_eq!(pull.len(), 1, "#214 is synced");
    let pending = pending_deployments(&h).await;
    let seen: Vec<(&str, DeciderKind, &str, &str, Vec<&str>)> = pending
        .iter()
        .map(|a| {
            (
                a.question.as_str(),
                a.decider.kind,
                a.decider.name.as_str(),
                a.asked_at.as_str(),
                a.waiting.iter().map(|w| w.id.as_str()).collect(),
            )
        })
        .collect();
    let q451 = format!("Deployment to aws waits for approval: build #451 ({APPROVAL_REPO})");
    let q397 = format!("Deployment to aws waits for approval: build #397 ({APPROVAL_REPO})");
    let mut expected = vec![
        (
            q397.as_str(),
            DeciderKind::Person,
            "activescott",
            "2023-01-04T02:14:41Z",
            vec![],
        ),
        (
            q451.as_str(),
            DeciderKind::Person,
            "activescott",
            "2023-01-16T04:28:33Z",
            vec![pull[0].as_str()],
        ),
    ];
    let mut seen_sorted = seen.clone();
    seen_sorted.sort_by(|a, b| a.0.cmp(b.0));
    expected.sort_by(|a, b| a.0.cmp(b.0));
    assert_eq!(seen_sorted, expected);
    assert!(pending.iter().all(|a| a
        .decider
        .id
        .as_deref()
        .is_some_and(|p| p.ends_with(":activescott"))));
    assert!(pending
        .iter()
        .all(|a| a.source_state.as_deref() == Some("deployment to aws waiting")));
    // Approval time, not review time: the item-days count #214's wait (run 397 has no item).
    let report = approvals::approvals_report(&h.ws, &ApprovalQuery::default(), NOW)
        .await
        .unwrap();
    let since = baton_core::connectors::parse_time("2023-01-16T04:28:33Z").unwrap();
    let day = 86_400_000.0;
    let item_days: f64 = report.by_team.iter().map(|t| t.item_days_waiting).sum();
    assert!(
        (item_days - ((NOW - since) as f64 / day * 10.0).round() / 10.0).abs() < 0.11,
        "{item_days}"
    );
    let ix = h.ws.index().await.unwrap();
    let waits = approvals::question_waits(&h.ws, &ix).await.unwrap();
    assert_eq!(
        waits.items(),
        1,
        "a pending deployment is a question record of its items (#214)"
    );

    // An answer recorded in Baton holds through a re-sync of the same snapshot.
    let run397 = pending
        .iter()
        .find(|a| a.question == q397)
        .unwrap()
        .id
        .clone();
    approvals::answer(
        &h.ws,
        &AnswerInput {
            approval: run397.clone(),
            outcome: AnswerOutcome::Approved,
            answer: String::new(),
            why: "checked the build".into(),
        },
        "lead",
        NOW,
    )
    .await
    .unwrap();
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let pending = pending_deployments(&h).await;
    assert_eq!(
        pending
            .iter()
            .map(|a| a.question.as_str())
            .collect::<Vec<_>>(),
        vec![q451.as_str()],
        "the answered one stays released"
    );

    // Run 451 stops waiting (approved at the source): the next snapshot removes its approval.
    gh.data().waiting_runs.retain(|r| !r.contains("3927176162"));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert!(pending_deployments(&h).await.is_empty());
    assert_eq!(
        h.count("SELECT COUNT(*) FROM deployment_approvals").await,
        1,
        "run 397 still waits at the source"
    );
    let log = approvals::approvals_report(
        &h.ws,
        &ApprovalQuery {
            show: ApprovalShow::Answered,
            ..ApprovalQuery::default()
        },
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(
        log.approvals
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>(),
        vec![run397.as_str()],
        "the answer is in the log"
    );
}

#[tokio::test]
async fn a_token_without_actions_read_reads_no_environment_approvals_and_never_fails() {
    for status in [403u16, 404] {
        let gh = approval_fake();
        let server = gh.serve().await.unwrap();
        let h = Harness::new().await;
        let source = approval_source(&h, &server.url()).await;
        let report = h.sync(&source).await;
        assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
        assert_eq!(
            h.count("SELECT COUNT(*) FROM deployment_approvals").await,
            2
        );
        let body = if status == 403 {
            r#"{"message":"Resource not accessible by personal access token"}"#
        } else {
            r#"{"message":"Not Found"}"#
        };
        gh.fault("actions/runs", vec![Reply::json(status, body)]);
        let report = h.sync(&source).await;
        assert_eq!(
            report.status,
            RunStatus::Succeeded,
            "{status}: {:?}",
            report.error
        );
        assert_eq!(
            h.count("SELECT COUNT(*) FROM deployment_approvals").await,
            0,
            "{status} reads as nothing waiting"
        );
        assert!(pending_deployments(&h).await.is_empty());
    }
}
