//! The Linear poller against a fake Linear GraphQL API serving a hand-made workspace
//! (`tests/fixtures/linear/workspace.json`, shaped from Linear's published schema: no public
//! recording of Linear's API exists): cursor pagination, nested lists read to their end,
//! incremental polls, rate limits (400 RATELIMITED, 429), partial answers, malformed pages,
//! authentication, history transitions, relations, intents and delegation provenance.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use baton_core::replay::linear::FakeLinear;
use baton_core::replay::{Handler, ReplayServer, Reply, Request};
use baton_core::sync::progress::RunStatus;
use serde_json::Value;

use crate::sync_support::*;

fn fake() -> Arc<FakeLinear> {
    Arc::new(FakeLinear::from_fixture(&fixtures(), LIN_TOKEN).unwrap())
}

/// Options with pages of 5 issues, so the 16 issues take 4 pages.
fn small_pages() -> baton_core::sync::SyncOptions {
    let mut o = options();
    o.page_size = 5;
    o
}

fn body(r: &Request) -> Value {
    serde_json::from_slice(&r.body).unwrap_or(Value::Null)
}

fn operation(r: &Request) -> String {
    body(r)["query"]
        .as_str()
        .and_then(|q| q.split_whitespace().nth(1))
        .map(|n| n.split('(').next().unwrap_or(n).to_owned())
        .unwrap_or_default()
}

fn of_op(server: &ReplayServer, op: &str) -> Vec<Request> {
    server
        .requests()
        .into_iter()
        .filter(|r| operation(r) == op)
        .collect()
}

/// One item as stored: kind, title, url, raw state, flow state, author and owner (Linear user
/// ids), created, started, done, priority, provenance, agent.
async fn stored(h: &Harness, key: &str) -> Value {
    let row = h
        .strings(&format!(
            "SELECT json_array(i.kind, i.title, i.url, i.raw_state, i.flow_state, \
               (SELECT login FROM identities WHERE person_id = i.author_id), \
               (SELECT login FROM identities WHERE person_id = i.owner_id), \
               i.created_at, i.started_at, i.done_at, i.priority, i.provenance, i.provenance_agent) \
             FROM items i WHERE i.key = '{key}'"
        ))
        .await;
    serde_json::from_str(row.first().unwrap_or_else(|| panic!("no item {key}"))).unwrap()
}

fn ms(text: &str) -> i64 {
    baton_core::connectors::parse_time(text).unwrap()
}

#[tokio::test]
async fn a_first_sync_walks_every_page_and_maps_every_field() {
    let lin = fake();
    let server = lin.serve().await.unwrap();
    let h = Harness::with_options(small_pages()).await;
    let source = h.add_linear(&server.url(), LIN_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        16,
        "every issue, the archived one too"
    );
    let pages = of_op(&server, "BatonIssues");
    assert_eq!(pages.len(), 4, "16 issues by pages of 5");
    assert_eq!(body(&pages[0])["variables"]["after"], Value::Null);
    assert_eq!(
        body(&pages[0])["variables"]["filter"],
        Value::Null,
        "a first sync has no lower bound and no team filter"
    );
    assert_eq!(body(&pages[0])["variables"]["first"], 5);
    for pair in pages.windows(2) {
        assert!(
            body(&pair[1])["variables"]["after"]
                .as_str()
                .is_some_and(|c| c.starts_with("c:")),
            "each page asks after the previous page's endCursor"
        );
    }
    assert_eq!(
        pages[0].header("authorization"),
        Some(LIN_TOKEN),
        "a personal API key goes bare, without Bearer"
    );

    let e1 = stored(&h, "ENG-1").await;
    assert_eq!(
        e1,
        serde_json::json!([
            "defect",
            "Card payments fail on retry",
            "https://linear.app/acme/issue/eng-1",
            "Done",
            "done",
            "u-alice",
            "u-bob",
            ms("2026-01-05T08:00:00.000Z"),
            ms("2026-01-12T09:00:00.000Z"),
            ms("2026-02-10T16:00:00.000Z"),
            "Urgent",
            "human",
            null
        ]),
        "ENG-1 as Linear gives it"
    );
    assert_eq!(
        stored(&h, "ENG-9").await[4],
        "canceled",
        "a state of type canceled"
    );
    assert_eq!(
        stored(&h, "ENG-5").await[4],
        "canceled",
        "Duplicate is of type canceled"
    );
    assert_eq!(stored(&h, "ENG-4").await[4], "new", "Todo is unstarted");
    let backlog = stored(&h, "ENG-6").await;
    assert_eq!(
        (backlog[4].as_str(), backlog[3].as_str()),
        (Some("new"), Some("Backlog")),
        "a state of type backlog is not started"
    );
    assert_eq!(
        stored(&h, "ENG-12").await[4],
        "new",
        "Triage is not started"
    );
    let review = stored(&h, "ENG-3").await;
    assert_eq!(
        (review[4].as_str(), review[3].as_str()),
        (Some("waiting"), Some("In Review")),
        "In Review of type started waits (for review): the name refines inside the type"
    );
    assert_eq!(
        stored(&h, "ENG-11").await[4],
        "active",
        "ENG's QA is of type started"
    );
    assert_eq!(
        stored(&h, "OPS-1").await[4],
        "done",
        "OPS's QA is of type completed: one name, mapped per team"
    );
    assert_eq!(
        h.strings("SELECT scope FROM workflow_maps WHERE raw_state = 'QA' ORDER BY scope")
            .await,
        vec!["ENG".to_owned(), "OPS".to_owned()]
    );
    assert_eq!(
        stored(&h, "ENG-12").await[11],
        "automation",
        "made by an app (the GitHub integration)"
    );
    // The archived issue that moved from OPS is known by its old identifier too.
    let e10 = h.id_of("ENG-10").await;
    assert!(
        h.strings(
            "SELECT ref FROM item_keys WHERE item_id = (SELECT id FROM items WHERE key = 'ENG-10')"
        )
        .await
        .iter()
        .any(|k| k.ends_with("/OPS-9")),
        "{e10} keeps OPS-9"
    );
    // The estimate: the item's, and in the raw record.
    let records =
        baton_core::graph::repo::raw_records::page(h.ws.pool(), &source, "issues", "", 100)
            .await
            .unwrap();
    let (_, payload) = records.iter().find(|(id, _)| id == "iss-eng-1").unwrap();
    let raw: Value = serde_json::from_str(payload).unwrap();
    assert_eq!(raw["estimate"], 5);
    assert_eq!(
        h.strings(
            "SELECT key || ' ' || estimate FROM items WHERE estimate IS NOT NULL ORDER BY key"
        )
        .await,
        vec!["ENG-1 5.0".to_owned(), "ENG-2 8.0".to_owned()],
        "the estimate in points, where the issue has one"
    );

    // Projects and initiatives are intents; an issue serves its project.
    assert_eq!(
        h.strings("SELECT kind || ' ' || title FROM intents ORDER BY kind, title")
            .await,
        vec![
            "goal Payments reliability 2026".to_owned(),
            "initiative On-call tooling".to_owned(),
            "initiative One-page checkout".to_owned(),
        ]
    );
    assert_eq!(
        h.strings(
            "SELECT p.title FROM intents c JOIN intents p ON p.id = c.parent_id WHERE c.title = 'One-page checkout'"
        )
        .await,
        vec!["Payments reliability 2026".to_owned()],
        "a project's initiative is its parent"
    );
    assert_eq!(
        h.strings(
            "SELECT n.title FROM items i JOIN intents n ON n.id = i.intent_id WHERE i.key = 'ENG-1'"
        )
        .await,
        vec!["One-page checkout".to_owned()]
    );
    assert_eq!(h.clock.total_slept(), Duration::ZERO);
}

#[tokio::test]
async fn history_becomes_transitions_deduplicated_by_history_id() {
    let lin = fake();
    let server = lin.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_linear(&server.url(), LIN_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let e1 = h.id_of("ENG-1").await;
    let rows = |id: String| {
        let h = &h;
        async move {
            h.strings(&format!(
                "SELECT event_id || ' ' || kind || ' ' || coalesce(from_state, '-') || ' > ' || to_state \
                 FROM transitions WHERE item_id = '{id}' ORDER BY at, event_id"
            ))
            .await
        }
    };
    let got = rows(e1.clone()).await;
    assert_eq!(
        got,
        vec![
            "h-e1-01:state state Triage > Backlog",
            "h-e1-02:estimate estimate - > 3",
            "h-e1-02:label:+l-bug label - > Bug",
            "h-e1-02:project project - > One-page checkout",
            "h-e1-03:assignee assignee - > u-alice",
            "h-e1-03:cycle cycle - > Cycle 12",
            "h-e1-03:state state Backlog > Todo",
            "h-e1-04:state state Todo > In Progress",
            "h-e1-05:estimate estimate 3 > 5",
            "h-e1-05:label:+l-payments label - > payments",
            "h-e1-06:assignee assignee u-alice > u-bob",
            "h-e1-06:cycle cycle Cycle 12 > Cycle 13 (hardening)",
            "h-e1-06:state state In Progress > In Review",
            "h-e1-07:state state In Review > In Progress",
            "h-e1-08:state state In Progress > In Review",
            "h-e1-09:state state In Review > Done",
        ],
        "every change of every history entry, keyed by the entry's id"
    );
    // ENG-2's 32 entries are more than the 25 read with the issue: the rest is asked for.
    let more = of_op(&server, "BatonIssueMore");
    assert_eq!(more.len(), 1, "one follow-up for ENG-2's history");
    assert_eq!(body(&more[0])["variables"]["id"], "iss-eng-2");
    assert!(body(&more[0])["query"]
        .as_str()
        .is_some_and(|q| q.contains("history(first: 100, after: $after)")));
    let e2 = h.id_of("ENG-2").await;
    assert_eq!(
        h.count(&format!(
            "SELECT COUNT(*) FROM transitions WHERE item_id = '{e2}'"
        ))
        .await,
        32,
        "its whole history: 2 state changes and 30 label changes"
    );
    // Syncing everything again (a full re-walk) stores nothing twice.
    let before = h.count("SELECT COUNT(*) FROM transitions").await;
    sqlx::query("UPDATE sync_cursors SET watermark = NULL, page_token = NULL")
        .execute(h.ws.pool())
        .await
        .unwrap();
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM transitions").await,
        before,
        "deduplicated by history id"
    );
}

#[tokio::test]
async fn relations_listed_from_both_sides_are_one_edge_and_retire_when_gone() {
    let lin = fake();
    let server = lin.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_linear(&server.url(), LIN_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.key_links().await,
        vec![
            "ENG-1 parent ENG-7".to_owned(),
            "ENG-3 blocks ENG-4".to_owned(),
            "ENG-5 duplicates ENG-1".to_owned(),
            "ENG-6 relates OPS-1".to_owned(),
        ],
        "each relation once, though both issues list it"
    );
    // The blocking relation is removed in Linear: both issues change.
    {
        let mut data = lin.data();
        for issue in data.issues.iter_mut() {
            let id = issue["identifier"].as_str().unwrap_or("").to_owned();
            if id == "ENG-3" || id == "ENG-4" {
                issue["relations"]["nodes"] = serde_json::json!([]);
                issue["inverseRelations"]["nodes"] = serde_json::json!([]);
                issue["updatedAt"] = "2026-02-25T10:00:00.000Z".into();
            }
        }
    }
    h.clock.advance(Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM links WHERE kind = 'blocks' AND removed_at IS NOT NULL")
            .await,
        1,
        "the edge is marked removed, not deleted"
    );
}

#[tokio::test]
async fn an_issue_delegated_to_an_agent_is_ai_work_with_its_person_kept() {
    let lin = fake();
    let server = lin.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_linear(&server.url(), LIN_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let e8 = stored(&h, "ENG-8").await;
    assert_eq!(e8[11], "ai_agent", "delegated to Cursor");
    assert_eq!(e8[12], "Cursor", "the agent is named");
    assert_eq!(
        e8[6], "u-alice",
        "the assignee stays the person responsible"
    );
    assert_eq!(
        h.strings(
            "SELECT (SELECT login FROM identities WHERE person_id = i.requester_id) || ' ' || i.requester_signal \
             FROM items i WHERE key = 'ENG-8'"
        )
        .await,
        vec!["u-bob assignment".to_owned()],
        "who asked: Bob, who delegated it (its history)"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE provenance = 'ai_agent'")
            .await,
        1,
        "no other issue is delegated"
    );
    assert_eq!(
        h.count("SELECT is_bot FROM people WHERE display_name = 'Cursor'")
            .await,
        1,
        "the agent is an app user"
    );
}

#[tokio::test]
async fn an_incremental_sync_asks_only_for_what_changed() {
    let lin = fake();
    let server = lin.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_linear(&server.url(), LIN_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let watermark = h
        .strings("SELECT watermark FROM sync_cursors WHERE stream = 'issues'")
        .await;
    assert_eq!(
        watermark,
        vec!["2026-02-20T10:00:00Z".to_owned()],
        "the newest update seen"
    );
    {
        let mut data = lin.data();
        let issue = data
            .issues
            .iter_mut()
            .find(|i| i["identifier"] == "ENG-4")
            .unwrap();
        issue["updatedAt"] = "2026-03-01T12:00:00.000Z".into();
        issue["state"] =
            serde_json::json!({"id": "s-eng-prog", "name": "In Progress", "type": "started"});
        issue["history"]["nodes"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "id": "h-e4-02", "createdAt": "2026-03-01T12:00:00.000Z",
                "actor": {"id": "u-alice", "name": "Alice Martin", "displayName": "alice", "app": false},
                "fromState": {"id": "s-eng-todo", "name": "Todo", "type": "unstarted"},
                "toState": {"id": "s-eng-prog", "name": "In Progress", "type": "started"}
            }));
    }
    server.clear_requests();
    h.clock.advance(Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let pages = of_op(&server, "BatonIssues");
    assert_eq!(pages.len(), 1);
    assert_eq!(
        body(&pages[0])["variables"]["filter"]["updatedAt"]["gt"],
        "2026-02-20T09:55:00Z",
        "the watermark minus the five-minute overlap"
    );
    assert_eq!(stored(&h, "ENG-4").await[4], "active");
    assert_eq!(
        h.strings("SELECT watermark FROM sync_cursors WHERE stream = 'issues'")
            .await,
        vec!["2026-03-01T12:00:00Z".to_owned()]
    );
}

#[tokio::test]
async fn a_rate_limited_400_waits_for_the_reset_then_a_429_for_retry_after() {
    let lin = fake();
    let reset = (NOW + 90_000).to_string();
    lin.fault(
        "BatonIssues",
        vec![
            Reply::json(
                400,
                r#"{"errors":[{"message":"Rate limit exceeded","extensions":{"code":"RATELIMITED"}}]}"#,
            )
            .header("x-ratelimit-requests-remaining", "0")
            .header("x-ratelimit-requests-reset", reset)
            .header("x-ratelimit-complexity-remaining", "250000")
            .header("x-ratelimit-complexity-reset", (NOW + 3_000_000).to_string()),
            Reply::json(429, r#"{"errors":[{"message":"Too many requests"}]}"#)
                .header("retry-after", "7"),
        ],
    );
    let server = lin.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_linear(&server.url(), LIN_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.clock.sleeps(),
        vec![Duration::from_millis(91_000), Duration::from_secs(7)],
        "the exhausted budget's reset (epoch ms, plus a second), then Retry-After"
    );
    assert_eq!(h.count("SELECT rate_limit_waits FROM sync_runs").await, 2);
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 16);
}

/// A server answering as `lin`, but `reply` for the `n`-th issues page request (1-based) when
/// it returns one.
async fn serving_with(
    lin: Arc<FakeLinear>,
    reply: impl Fn(usize) -> Option<Reply> + Send + Sync + 'static,
) -> ReplayServer {
    let count = Arc::new(AtomicUsize::new(0));
    let handler: Handler = Arc::new(move |r: &Request| {
        if operation(r) == "BatonIssues" {
            let n = count.fetch_add(1, Ordering::SeqCst) + 1;
            if let Some(reply) = reply(n) {
                return reply;
            }
        }
        lin.answer(r)
    });
    ReplayServer::start(handler).await.unwrap()
}

#[tokio::test]
async fn a_long_rate_limit_mid_walk_stops_the_run_and_the_next_resumes_where_it_was() {
    let server = serving_with(fake(), |n| {
        (n == 2).then(|| {
            Reply::json(
                400,
                r#"{"errors":[{"message":"Rate limit exceeded","extensions":{"code":"RATELIMITED"}}]}"#,
            )
            .header("x-ratelimit-complexity-remaining", "0")
            .header("x-ratelimit-complexity-reset", (NOW + 2 * 3_600_000).to_string())
        })
    })
    .await;
    let h = Harness::with_options(small_pages()).await;
    let source = h.add_linear(&server.url(), LIN_TOKEN).await;
    let report = h.sync(&source).await;
    let (code, message) = report.error.clone().unwrap();
    assert_eq!(code, "rate_limited", "{message}");
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        5,
        "the first page is kept"
    );
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 16);
    let pages: Vec<Value> = server
        .requests()
        .iter()
        .filter(|r| operation(r) == "BatonIssues")
        .map(body)
        .collect();
    assert_eq!(
        pages[2]["variables"]["after"], pages[1]["variables"]["after"],
        "the second run asks for the page that was refused, from the saved cursor"
    );
}

#[tokio::test]
async fn a_partial_answer_is_written_reported_and_read_again_next_time() {
    let lin = fake();
    lin.data().partial_history.insert("ENG-4".into());
    let server = lin.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_linear(&server.url(), LIN_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::FinishedWithErrors, "{report:?}");
    let (_, message) = report.error.clone().unwrap();
    assert!(
        message.contains("in part") && message.contains("Could not load the history of ENG-4"),
        "the error Linear sent is shown: {message}"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        16,
        "what came is written"
    );
    let e4 = h.id_of("ENG-4").await;
    assert_eq!(
        h.count(&format!(
            "SELECT COUNT(*) FROM transitions WHERE item_id = '{e4}'"
        ))
        .await,
        0
    );
    let watermark = h
        .strings("SELECT watermark FROM sync_cursors WHERE stream = 'issues'")
        .await;
    assert!(
        watermark[0].as_str() < "2026-01-30T12:00:00Z",
        "the watermark stays before ENG-4 ({watermark:?})"
    );
    lin.data().partial_history.clear();
    h.clock.advance(Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count(&format!(
            "SELECT COUNT(*) FROM transitions WHERE item_id = '{e4}'"
        ))
        .await,
        1,
        "its history, read again"
    );
}

#[tokio::test]
async fn a_malformed_page_fails_clearly_and_loses_nothing() {
    let reference = {
        let server = fake().serve().await.unwrap();
        let h = Harness::with_options(small_pages()).await;
        let source = h.add_linear(&server.url(), LIN_TOKEN).await;
        h.sync(&source).await;
        h.fingerprint().await
    };
    // The second page is cut off, every time it is asked for during the first run.
    let server = serving_with(fake(), |n| {
        (2..=6).contains(&n).then(|| {
            Reply::json(200, r#"{"data":{"issues":{"nodes":[{"id":"iss-eng-"#).cut_after(20)
        })
    })
    .await;
    let h = Harness::with_options(small_pages()).await;
    let source = h.add_linear(&server.url(), LIN_TOKEN).await;
    let report = h.sync(&source).await;
    let (code, message) = report.error.clone().unwrap();
    assert_eq!(code, "malformed_response", "{message}");
    assert!(
        message.contains("/graphql"),
        "the message names the endpoint: {message}"
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 5);
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_same(
        &h.fingerprint().await,
        &reference,
        "after the failure, the same workspace as a clean sync",
    );
}

#[tokio::test]
async fn a_wrong_key_is_refused_with_401_and_oauth_tokens_go_as_bearer() {
    let server = fake().serve().await.unwrap();
    let h = Harness::new().await;
    let wrong = "lin_api_wrongWRONGwrong999";
    let source = h.add_linear(&server.url(), wrong).await;
    let report = h.sync(&source).await;
    let (code, message) = report.error.unwrap();
    assert_eq!(code, "auth_bad_token", "{message}");
    assert!(
        message.contains("Authentication required") && !message.contains(wrong),
        "Linear's message, no token: {message}"
    );

    let oauth = Arc::new({
        let mut f = FakeLinear::from_fixture(&fixtures(), "oauth-access-token-123").unwrap();
        f.oauth = true;
        f
    });
    let server = oauth.serve().await.unwrap();
    let input = linear_input(
        "Linear oauth",
        &server.url(),
        &["ENG"],
        true,
        "oauth-access-token-123",
    );
    let test = baton_core::sync::sources::test_connection(
        &input,
        &baton_core::secrets::Secret::new("oauth-access-token-123"),
        &options(),
        h.clock.clone(),
    )
    .await;
    assert!(test.ok, "{test:?}");
    assert_eq!(
        test.message, "signed in as Alice Martin in Acme (teams ENG)",
        "the connection test names the user, the workspace and the teams"
    );
    let source = h.add(&input).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE key LIKE 'ENG-%'")
            .await,
        12,
        "a team scope syncs that team"
    );
    let pages = of_op(&server, "BatonIssues");
    assert_eq!(
        pages[0].header("authorization"),
        Some("Bearer oauth-access-token-123")
    );
    assert_eq!(
        body(&pages[0])["variables"]["filter"]["team"]["key"]["in"],
        serde_json::json!(["ENG"])
    );
}

#[tokio::test]
async fn a_workspace_without_initiatives_syncs_its_projects() {
    let lin = fake();
    lin.data().no_initiatives = true;
    let server = lin.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_linear(&server.url(), LIN_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(h.count("SELECT COUNT(*) FROM intents").await, 2);
}

/// The names a GraphQL document selects, with the type each is selected on, checked against
/// Linear's schema (`tests/fixtures/linear/schema.graphql`, MIT).
#[test]
fn every_field_baton_asks_linear_for_is_in_its_schema() {
    use baton_core::connectors::linear as lin;
    let schema = std::fs::read_to_string(fixtures().join("linear/schema.graphql")).unwrap();
    // type name -> (field -> its type name)
    let mut types: std::collections::HashMap<String, std::collections::HashMap<String, String>> =
        Default::default();
    let mut current: Option<String> = None;
    let mut depth_in_args = 0i32;
    let mut in_doc = false;
    for line in schema.lines() {
        let t = line.trim();
        if in_doc {
            if t.ends_with("\"\"\"") {
                in_doc = false;
            }
            continue;
        }
        if t.starts_with("\"\"\"") {
            in_doc = !(t.len() >= 6 && t.ends_with("\"\"\""));
            continue;
        }
        // Descriptions, comments and directives on lines of their own.
        if t.starts_with('"') || t.is_empty() || t.starts_with('#') || t.starts_with('@') {
            continue;
        }
        if let Some(rest) = t.strip_prefix("type ") {
            current = Some(rest.split_whitespace().next().unwrap_or("").to_owned());
            continue;
        }
        let Some(ty) = current.clone() else { continue };
        if depth_in_args > 0 {
            if let Some(field_type) = t.strip_prefix("):") {
                depth_in_args = 0;
                let m = types.entry(ty).or_default();
                if let Some(name) = m.remove("__pending_name") {
                    m.insert(name, field_type.trim().to_owned());
                }
            }
            continue;
        }
        if t == "}" {
            current = None;
            continue;
        }
        let Some(at) = t.find(['(', ':']) else {
            continue;
        };
        let name = t[..at].trim().to_owned();
        let field_type = if t[at..].starts_with('(') {
            match t.split_once("):") {
                Some((_, ft)) => ft.to_owned(),
                None => {
                    depth_in_args = 1;
                    types
                        .entry(ty)
                        .or_default()
                        .insert("__pending_name".into(), name);
                    continue;
                }
            }
        } else {
            t[at + 1..].to_owned()
        };
        types
            .entry(ty)
            .or_default()
            .insert(name, field_type.trim().to_owned());
    }
    let base = |t: &str| {
        t.split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(|c: char| c == '[' || c == ']' || c == '!')
            .to_owned()
    };
    let check = |document: &str| {
        // Tokens: names and braces; arguments in parentheses are skipped.
        let body = &document[document.find('{').unwrap_or(0)..];
        let mut tokens: Vec<String> = Vec::new();
        let mut word = String::new();
        let mut parens = 0;
        for c in body.chars() {
            if c == '(' {
                parens += 1;
            }
            if parens > 0 {
                if c == ')' {
                    parens -= 1;
                }
                continue;
            }
            if c.is_alphanumeric() || c == '_' {
                word.push(c);
                continue;
            }
            if !word.is_empty() {
                tokens.push(std::mem::take(&mut word));
            }
            if c == '{' || c == '}' {
                tokens.push(c.to_string());
            }
        }
        let mut stack: Vec<String> = vec![];
        let mut last_type: Option<String> = None;
        let mut checked = 0;
        for tok in tokens {
            match tok.as_str() {
                "{" => stack.push(last_type.take().unwrap_or_else(|| "Query".into())),
                "}" => {
                    stack.pop();
                }
                name => {
                    let on = stack.last().cloned().unwrap_or_else(|| "Query".into());
                    let fields = types
                        .get(&on)
                        .unwrap_or_else(|| panic!("no type {on} in the schema"));
                    let ft = fields
                        .get(name)
                        .unwrap_or_else(|| panic!("{on} has no field {name} in Linear's schema"));
                    last_type = Some(base(ft));
                    checked += 1;
                }
            }
        }
        checked
    };
    let mut total = 0;
    for document in [
        lin::issues_query(),
        lin::nested_query("history"),
        lin::nested_query("relations"),
        lin::nested_query("inverseRelations"),
        lin::TEAMS_QUERY.to_owned(),
        lin::INITIATIVES_QUERY.to_owned(),
        lin::PROJECTS_QUERY.to_owned(),
        lin::VIEWER_QUERY.to_owned(),
    ] {
        total += check(&document);
    }
    assert!(total > 100, "{total} fields checked");
}
