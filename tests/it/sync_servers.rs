//! Talking to servers that misbehave or lie: source URLs must be https (plain http only on this
//! computer), the token goes only to the source's own origin (no foreign next links, no foreign
//! redirects), every wait a server asks for is capped, no number a server sends can overflow,
//! and two syncs of one source never run at once.

use std::sync::Arc;
use std::time::Duration;

use baton_core::connectors::github::GithubScope;
use baton_core::connectors::jira::JiraScope;
use baton_core::connectors::SourceScope;
use baton_core::graph::model::SourceKind;
use baton_core::graph::Workspace;
use baton_core::replay::github::FakeGithub;
use baton_core::replay::jira::FakeJira;
use baton_core::replay::{Handler, ReplayServer, Reply};
use baton_core::sync::error::SyncError;
use baton_core::sync::progress::RunStatus;
use baton_core::sync::{run_source, SyncContext};
use tokio_util::sync::CancellationToken;

use crate::sync_support::*;

/// The longest wait a sync accepts from a server.
const CAP: Duration = Duration::from_secs(15 * 60);
/// A real project of the recording (Jira refuses a JQL naming a project it does not have).
const PROJECTS: &[&str] = &["EE"];

fn github_fake() -> Arc<FakeGithub> {
    Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap())
}

fn jira_fake() -> Arc<FakeJira> {
    Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap())
}

/// `gh` served on a loopback port, and a workspace with a source for it.
async fn syncing(gh: &Arc<FakeGithub>) -> (ReplayServer, Harness, String) {
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    (server, h, source)
}

/// `jira` served on a loopback port, and a workspace with a source for it.
async fn syncing_jira(jira: &Arc<FakeJira>) -> (ReplayServer, Harness, String) {
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    (server, h, source)
}

/// A server standing for another origin: it answers anything with an empty list and records
/// every connection made to it.
async fn elsewhere() -> ReplayServer {
    let handler: Handler = Arc::new(|_| Reply::json(200, "[]"));
    ReplayServer::start(handler).await.unwrap()
}

fn port_of(url: &str) -> u16 {
    url.rsplit(':').next().unwrap().parse().unwrap()
}

/// The run rows as `status|ended?|code`.
async fn runs(h: &Harness) -> Vec<String> {
    h.strings(
        "SELECT status || '|' || (ended_at IS NOT NULL) || '|' || COALESCE(error_code, '') FROM sync_runs ORDER BY started_at, rowid",
    )
    .await
}

/// Checks a source's scope and URL as saving, testing and syncing do.
fn check(kind: SourceKind, base_url: &str) -> Result<(SourceScope, String), SyncError> {
    let scope = match kind {
        SourceKind::Jira => SourceScope::Jira(JiraScope {
            email: JIRA_EMAIL.into(),
            projects: vec!["TA".into()],
            jql: None,
        }),
        _ => SourceScope::Github(GithubScope {
            org: None,
            repos: vec!["acme/pay".into()],
        }),
    };
    scope.check(base_url)
}

#[test]
fn source_urls_must_be_https_except_on_this_computer() {
    for kind in [SourceKind::Github, SourceKind::Jira] {
        for url in [
            "http://api.example.com",
            "http://ghe.example.com/api/v3",
            "http://10.0.0.1:8080",
            "http://localhost.example.com",
            "http://127.0.0.1.example.com",
            "ftp://127.0.0.1/",
            "file:///etc/passwd",
        ] {
            let err = check(kind, url).expect_err("a token must never travel in the clear");
            assert_eq!(err.code(), "invalid_source", "{url}");
            let shown = url.trim_end_matches('/');
            assert!(
                err.to_string().contains(shown) && err.to_string().contains("https"),
                "the message names the URL and says what to use: {err}"
            );
        }
        for url in [
            "https://ghe.example.com/api/v3",
            "https://acme.atlassian.net",
            "http://127.0.0.1:9",
            "http://127.9.9.9",
            "http://localhost:8080",
            "HTTP://LOCALHOST",
            "http://[::1]:8080",
        ] {
            let checked = check(kind, url);
            assert!(
                checked.is_ok(),
                "{url}: https, or plain http on this computer, is accepted: {checked:?}"
            );
        }
    }
}

#[tokio::test]
async fn next_links_to_another_origin_are_refused_and_recorded() {
    let other = elsewhere().await;
    let other_port = port_of(&other.url());
    for (base, origin) in [
        (
            "http://evil.example".to_owned(),
            "http://evil.example".to_owned(),
        ),
        (other.url(), other.url()),
        (
            format!("https://127.0.0.1:{other_port}"),
            format!("https://127.0.0.1:{other_port}"),
        ),
    ] {
        let gh = github_fake();
        let server = gh.serve().await.unwrap();
        gh.set_base(&base);
        let h = Harness::new().await;
        let source = h.add_github(&server.url(), GH_TOKEN).await;
        let report = h.sync(&source).await;
        assert_eq!(report.status, RunStatus::Failed, "{base}");
        let (code, message) = report.error.clone().unwrap();
        assert_eq!(code, "foreign_origin", "{base}: {message}");
        assert!(
            message.contains(&origin),
            "the error names the foreign origin {origin}: {message}"
        );
        assert!(!message.contains(GH_TOKEN));
        assert_eq!(
            runs(&h).await,
            vec!["failed|1|foreign_origin".to_owned()],
            "the run's history records the refusal and the run ended"
        );
        assert_eq!(
            h.count(&format!(
                "SELECT COUNT(*) FROM sync_cursors WHERE instr(COALESCE(page_token, ''), '{base}') > 0"
            ))
            .await,
            0,
            "no cursor keeps the foreign link"
        );
        assert_eq!(
            server.requests().len(),
            2,
            "only the repository's lookup and the first page were asked for"
        );
    }
    assert_eq!(
        other.connections(),
        0,
        "nothing, token or not, reached the other origin"
    );

    // The same host and port in another scheme is another origin too.
    let gh = github_fake();
    let server = gh.serve().await.unwrap();
    let https_same_port = server.url().replace("http://", "https://");
    gh.set_base(&https_same_port);
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    let (code, message) = report.error.unwrap();
    assert_eq!(code, "foreign_origin", "{message}");
    assert!(message.contains(&https_same_port), "{message}");
    assert_eq!(server.connections(), 1, "no second connection was opened");
}

#[tokio::test]
async fn redirects_to_another_origin_are_not_followed() {
    let other = elsewhere().await;
    // GitHub: a 302 on the first page.
    let gh = github_fake();
    gh.fault(
        "ants/issues",
        vec![Reply::empty(302).header(
            "location",
            format!("{}/repos/panjf2000/ants/issues?page=1", other.url()),
        )],
    );
    let (_server, h, source) = syncing(&gh).await;
    let report = h.sync(&source).await;
    let (code, message) = report.error.clone().unwrap();
    assert_eq!(
        (report.status, code.as_str()),
        (RunStatus::Failed, "foreign_origin"),
        "{message}"
    );
    assert!(message.contains(&other.url()), "{message}");
    assert_eq!(runs(&h).await, vec!["failed|1|foreign_origin".to_owned()]);

    // Jira: a 307 on the search, and a 301 to the same host over https.
    for location in [
        format!("{}/rest/api/3/search/jql", other.url()),
        "https://127.0.0.1:1/rest/api/3/search/jql".to_owned(),
    ] {
        let jira = jira_fake();
        jira.fault(
            "search/jql",
            vec![Reply::empty(307).header("location", location.clone())],
        );
        let (_server, h, source) = syncing_jira(&jira).await;
        let report = h.sync(&source).await;
        let (code, message) = report.error.clone().unwrap();
        assert_eq!(code, "foreign_origin", "{location}: {message}");
        assert!(!message.contains(JIRA_TOKEN));
        assert_eq!(runs(&h).await, vec!["failed|1|foreign_origin".to_owned()]);
    }
    assert_eq!(
        other.connections(),
        0,
        "the redirect was not followed, with or without the token"
    );
}

#[tokio::test]
async fn redirects_within_the_origin_are_followed() {
    let gh = github_fake();
    gh.fault(
        "ants/issues",
        vec![Reply::empty(301).header(
            "location",
            "/repositories/134018330/issues?state=all&sort=updated&direction=asc&per_page=10",
        )],
    );
    let (_server, h, source) = syncing(&gh).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE kind <> 'pull_request'")
            .await,
        26,
        "the moved first page was read where it moved to"
    );
}

/// Syncs once with `replies` served first to requests whose path contains `path`; returns the
/// report and the harness.
async fn github_with(path: &str, replies: Vec<Reply>) -> (RunStatus, (String, String), Harness) {
    let gh = github_fake();
    gh.fault(path, replies);
    let (_server, h, source) = syncing(&gh).await;
    let report = h.sync(&source).await;
    (report.status, report.error.unwrap_or_default(), h)
}

#[tokio::test]
async fn waits_longer_than_fifteen_minutes_stop_the_run_resumably() {
    let three_days = (NOW / 1000 + 3 * 86_400).to_string();
    for (what, reply, resets) in [
        (
            "429 Retry-After: 86400",
            Reply::json(429, r#"{"message":"API rate limit exceeded"}"#)
                .header("retry-after", "86400"),
            "2026-03-03T00:00:00Z",
        ),
        (
            "503 Retry-After: 86400",
            Reply::json(503, "<html>down</html>").header("retry-after", "86400"),
            "2026-03-03T00:00:00Z",
        ),
        (
            "403 remaining 0, reset in 3 days",
            Reply::json(
                403,
                r#"{"message":"API rate limit exceeded for user ID 1."}"#,
            )
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", three_days.clone()),
            "2026-03-05T00:00",
        ),
        (
            "429 Retry-After: 1800 (half an hour)",
            Reply::json(429, r#"{"message":"API rate limit exceeded"}"#)
                .header("retry-after", "1800"),
            "2026-03-02T00:30:00Z",
        ),
    ] {
        let (status, (code, message), h) = github_with("ants/issues", vec![reply]).await;
        assert_eq!(
            (status, code.as_str()),
            (RunStatus::Failed, "rate_limited"),
            "{what}: {message}"
        );
        assert!(
            message.contains(resets),
            "{what}: the message says when the limit resets ({resets}): {message}"
        );
        assert!(
            message.contains("resumes from the last saved page"),
            "{what}: {message}"
        );
        assert!(
            h.clock.total_slept() <= CAP,
            "{what}: no wait beyond the cap: {:?}",
            h.clock.sleeps()
        );
        assert_eq!(
            runs(&h).await,
            vec!["failed|1|rate_limited".to_owned()],
            "{what}: the history does not stay running"
        );
    }

    // Jira: Retry-After, and an ISO reset three days ahead.
    for (what, reply) in [
        (
            "Retry-After: 86400",
            Reply::json(429, r#"{"errorMessages":["Rate limit exceeded."]}"#)
                .header("retry-after", "86400"),
        ),
        (
            "X-RateLimit-Reset in 3 days",
            Reply::json(429, r#"{"errorMessages":["Rate limit exceeded."]}"#)
                .header("x-ratelimit-reset", "2026-03-05T00:00Z"),
        ),
    ] {
        let jira = jira_fake();
        jira.fault("search/jql", vec![reply]);
        let (_server, h, source) = syncing_jira(&jira).await;
        let report = h.sync(&source).await;
        let (code, message) = report.error.clone().unwrap_or_default();
        assert_eq!(code, "rate_limited", "{what}: {message}");
        assert!(
            message.contains("resumes from the last saved page"),
            "{message}"
        );
        assert!(h.clock.total_slept() <= CAP, "{:?}", h.clock.sleeps());
        assert_eq!(runs(&h).await, vec!["failed|1|rate_limited".to_owned()]);
    }
}

#[tokio::test]
async fn a_run_stopped_by_a_long_rate_limit_resumes_from_its_last_saved_page() {
    let gh = github_fake();
    // The second page of issues (GitHub's next links use /repositories/{id}/…).
    gh.fault(
        "repositories/134018330/issues",
        vec![Reply::json(429, r#"{"message":"API rate limit exceeded"}"#)
            .header("retry-after", "86400")],
    );
    let (server, h, source) = syncing(&gh).await;
    let report = h.sync(&source).await;
    assert_eq!(report.error.unwrap().0, "rate_limited");
    assert_eq!(
        h.count("SELECT COUNT(*) FROM sync_cursors WHERE page_token IS NOT NULL")
            .await,
        1,
        "the walk's next page is saved"
    );
    server.clear_requests();
    h.clock.advance(Duration::from_secs(86_400));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let requests = server.requests();
    assert_eq!(
        requests[0].path, "/repos/panjf2000/ants",
        "the repository's lookup"
    );
    assert!(
        requests[1]
            .path
            .starts_with("/repositories/134018330/issues"),
        "the next sync starts at the saved page: {:?}",
        requests[1]
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE kind <> 'pull_request'")
            .await,
        26
    );
}

#[tokio::test]
async fn hostile_rate_limit_numbers_never_overflow() {
    let gh = github_fake();
    let (_server, h, source) = syncing(&gh).await;
    let mut replies = Vec::new();
    for reset in [
        "18446744073709551615",
        "-9223372036854775808",
        "9223372036854775807",
        "9999999999999999999999",
        "-5",
        "NaN",
        "1e30",
        "0",
        "",
    ] {
        replies.push(
            Reply::json(403, r#"{"message":"API rate limit exceeded"}"#)
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", reset),
        );
    }
    for retry_after in [
        "18446744073709551615",
        "99999999999999999999999",
        "-5",
        "NaN",
        "1e30",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
    ] {
        replies.push(
            Reply::json(429, r#"{"message":"API rate limit exceeded"}"#)
                .header("retry-after", retry_after),
        );
        replies.push(Reply::json(503, "{}").header("retry-after", retry_after));
    }
    for length in [
        "18446744073709551615",
        "99999999999999999999999",
        "-5",
        "1e30",
    ] {
        replies.push(
            Reply::json(200, "[]")
                .header("content-length", length)
                .cut_after(2),
        );
    }
    let total = replies.len();
    for reply in replies {
        let shown = format!("{:?}", reply.headers);
        gh.fault("ants/issues", vec![reply]);
        let before = h.clock.sleeps().len();
        let report = h.sync(&source).await;
        let (code, message) = report.error.clone().unwrap_or_default();
        assert!(
            report.status == RunStatus::Succeeded || code == "rate_limited",
            "{shown}: a clear outcome, not a panic: {code} {message}"
        );
        let sleeps = h.clock.sleeps();
        assert!(
            sleeps[before..].iter().all(|s| *s <= CAP),
            "{shown}: every wait is capped: {sleeps:?}"
        );
        h.clock.advance(Duration::from_secs(3600));
    }
    assert_eq!(
        h.count("SELECT COUNT(*) FROM sync_runs WHERE status = 'running' OR ended_at IS NULL")
            .await,
        0
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM sync_runs").await,
        total as i64
    );
}

#[tokio::test]
async fn hostile_changelog_counts_from_jira_never_overflow() {
    for total in [
        serde_json::json!(u64::MAX),
        serde_json::json!(-5),
        serde_json::json!(1e30),
        serde_json::json!("NaN"),
        serde_json::json!(9_007_199_254_740_993_u64),
    ] {
        let jira = jira_fake();
        let record = jira.data().issues[0].clone();
        let mut issue = record.issue.clone();
        issue["changelog"] = serde_json::json!({"startAt": 0, "total": total, "histories": []});
        jira.fault(
            "search/jql",
            vec![Reply::json(
                200,
                serde_json::json!({"issues": [issue], "isLast": true}).to_string(),
            )],
        );
        // The changelog endpoint lies too: a total of 2^64 - 1, never a last page.
        let lying: Vec<Reply> = (0..3)
            .map(|_| {
                Reply::json(
                    200,
                    serde_json::json!({"startAt": -1, "maxResults": 18446744073709551615_u64, "total": 18446744073709551615_u64, "isLast": false, "values": []})
                        .to_string(),
                )
            })
            .collect();
        jira.fault("/changelog", lying);
        let (_server, h, source) = syncing_jira(&jira).await;
        let report = h.sync(&source).await;
        assert_eq!(
            report.status,
            RunStatus::Succeeded,
            "total {total}: {:?}",
            report.error
        );
        assert_eq!(
            h.count(&format!(
                "SELECT COUNT(*) FROM items WHERE key = '{}'",
                record.key
            ))
            .await,
            1,
            "total {total}: the issue is kept whatever its changelog count says"
        );
    }
}

/// A context like `h.ctx` on a second connection pool to the same file, as a second process
/// would have.
async fn second_process(h: &Harness) -> (Workspace, SyncContext) {
    let ws = Workspace::open(h.ws.path()).await.unwrap();
    let ctx = SyncContext {
        ws: ws.clone(),
        ..h.ctx.clone()
    };
    (ws, ctx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_syncs_of_one_source_at_once_walk_it_once() {
    // Slow replies, so that the two runs surely overlap.
    let serve_slowly = |fake: Arc<FakeGithub>| async move {
        let answer = fake.clone();
        let handler: Handler =
            Arc::new(move |r| answer.answer(r).delayed(Duration::from_millis(3)));
        let server = ReplayServer::start(handler).await.unwrap();
        fake.set_base(&server.url());
        server
    };
    let reference = serve_slowly(github_fake()).await;
    let once = Harness::new().await;
    let source = once.add_github(&reference.url(), GH_TOKEN).await;
    assert_eq!(once.sync(&source).await.status, RunStatus::Succeeded);
    let one_run = reference.requests().len();

    let server = serve_slowly(github_fake()).await;
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let (_ws2, ctx2) = second_process(&h).await;
    let (a, b) = tokio::join!(
        run_source(&h.ctx, &source, CancellationToken::new()),
        run_source(&ctx2, &source, CancellationToken::new()),
    );
    let outcomes = [a, b];
    let succeeded = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(r) if r.status == RunStatus::Succeeded))
        .count();
    let refused: Vec<String> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().err())
        .map(|e| format!("{} [{}]", e, e.code()))
        .collect();
    assert_eq!(succeeded, 1, "exactly one run walks: {outcomes:?}");
    assert_eq!(refused.len(), 1, "{outcomes:?}");
    assert!(
        refused[0].ends_with("[sync_in_progress]"),
        "the other is refused: {refused:?}"
    );
    assert!(
        refused[0].contains(&std::process::id().to_string()),
        "the refusal names the process that syncs: {refused:?}"
    );
    assert_eq!(
        server.requests().len(),
        one_run,
        "the API was walked once, not twice"
    );
    assert_eq!(
        runs(&h).await,
        vec!["succeeded|1|".to_owned()],
        "one run on record, not marked interrupted"
    );
}

/// Puts a lock on `source` as another run would hold it, with that run's row still "running".
async fn hold_lock(h: &Harness, source: &str, pid: i64, hostname: &str, heartbeat_at: i64) {
    sqlx::query(
        "INSERT INTO sync_runs (id, source_id, started_at, status, pages, items, rate_limit_waits, rate_limit_wait_ms, requests, retries)
         VALUES ('run-holder', ?, ?, 'running', 3, 30, 0, 0, 5, 0)",
    )
    .bind(source)
    .bind(NOW - 3_600_000)
    .execute(h.ws.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO sync_locks (source_id, owner_pid, hostname, run_id, acquired_at, heartbeat_at)
         VALUES (?, ?, ?, 'run-holder', ?, ?)",
    )
    .bind(source)
    .bind(pid)
    .bind(hostname)
    .bind(heartbeat_at - 60_000)
    .bind(heartbeat_at)
    .execute(h.ws.pool())
    .await
    .unwrap();
}

/// A pid no process has any more: a child that has exited and been reaped.
fn dead_pid() -> i64 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = i64::from(child.id());
    child.wait().unwrap();
    pid
}

#[tokio::test]
async fn a_stale_lock_is_taken_over_and_only_then_its_run_closed_as_interrupted() {
    use baton_core::sync::lock::Process;
    let me = Process::current();
    let wall = baton_core::time::now_ms();
    let ten_minutes_ago = wall - 600_000;
    let parent = i64::from(std::os::unix::process::parent_id());
    for (what, pid, hostname, heartbeat_at) in [
        (
            "a dead pid on this host",
            dead_pid(),
            me.hostname.clone(),
            wall,
        ),
        (
            "a live pid silent for 10 minutes",
            parent,
            me.hostname.clone(),
            ten_minutes_ago,
        ),
        (
            "another host silent for 10 minutes",
            parent,
            format!("{}-other", me.hostname),
            ten_minutes_ago,
        ),
        (
            "a run of this process that is no longer going",
            me.pid,
            me.hostname.clone(),
            wall,
        ),
    ] {
        let gh = github_fake();
        let (_server, h, source) = syncing(&gh).await;
        hold_lock(&h, &source, pid, &hostname, heartbeat_at).await;
        let report = h.sync(&source).await;
        assert_eq!(
            report.status,
            RunStatus::Succeeded,
            "{what}: {:?}",
            report.error
        );
        assert_eq!(
            runs(&h).await,
            vec!["failed|1|interrupted".to_owned(), "succeeded|1|".to_owned()],
            "{what}: the stale run is closed as interrupted, the new one ran"
        );
        assert_eq!(
            h.count("SELECT COUNT(*) FROM sync_locks").await,
            0,
            "{what}: the lock is given up at the end"
        );
    }
}

#[tokio::test]
async fn a_live_lock_refuses_the_sync_and_leaves_the_holder_alone() {
    use baton_core::sync::lock::Process;
    let me = Process::current();
    let wall = baton_core::time::now_ms();
    let parent = i64::from(std::os::unix::process::parent_id());
    for (pid, hostname, names) in [
        (
            parent,
            me.hostname.clone(),
            format!("another process (pid {parent})"),
        ),
        (
            4_000_000,
            "build-agent-7".to_owned(),
            "a process on build-agent-7 (pid 4000000)".to_owned(),
        ),
    ] {
        let gh = github_fake();
        let (server, h, source) = syncing(&gh).await;
        hold_lock(&h, &source, pid, &hostname, wall).await;
        let err = run_source(&h.ctx, &source, CancellationToken::new())
            .await
            .expect_err("refused while the holder is alive and heard from");
        assert_eq!(err.code(), "sync_in_progress");
        let message = err.to_string();
        assert!(
            message.starts_with("GitHub ants is already being synced by ")
                && message.contains(&names)
                && message.contains("run-holder"),
            "the refusal names the source and the holder: {message}"
        );
        assert!(server.requests().is_empty(), "not one API call");
        assert_eq!(
            runs(&h).await,
            vec!["running|0|".to_owned()],
            "the holder's run is not marked interrupted, and no run is added"
        );
        assert_eq!(
            h.strings("SELECT run_id FROM sync_locks").await,
            vec!["run-holder".to_owned()]
        );
        let finished: Vec<_> = h
            .events
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                baton_core::sync::progress::SyncProgress::Finished { error_code, .. } => {
                    *error_code
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            finished,
            vec![baton_core::ErrorCode::SyncInProgress],
            "the app hears of the refusal"
        );
    }
}
