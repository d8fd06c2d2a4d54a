//! The GitLab poller against a fake GitLab serving real recorded rows (DevLake's gitlab.com
//! `gitlab-data/snowflake_spend` issues, merge requests and merge request notes): pagination,
//! incremental re-polls, rate limits, errors, every mapped field, merge request lifecycles.
//!
//! Keyset pages: no recording of a GitLab keyset answer was found to replay
//! (`tests/fixtures/README.md`), so the keyset tests serve the same **recorded** issue and
//! project bodies in envelopes of ours written from GitLab's documentation and code: no
//! `X-Page`/`X-Next-Page`/`X-Total`, an opaque `cursor` (issues) or `id_after` (projects) in
//! `Link: rel="next"`, GitLab's 405 bodies word for word. Only the headers and links are ours.

use std::sync::Arc;
use std::time::Duration;

use baton_core::connectors::parse_time;
use baton_core::replay::gitlab::{FakeGitlab, KeysetSupport, PROJECT_ID};
use baton_core::replay::{Handler, ReplayServer, Reply, Request};
use baton_core::sync::progress::RunStatus;
use serde_json::Value;

use crate::sync_support::*;

fn fake() -> Arc<FakeGitlab> {
    Arc::new(FakeGitlab::from_devlake(&fixtures(), GL_TOKEN).unwrap())
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_owned()
}

fn time(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_str).and_then(parse_time)
}

/// One item as stored: key, kind, title, url, raw state, author and owner logins, external id,
/// created, updated, started and done times.
async fn stored(h: &Harness, key: &str) -> Vec<String> {
    h.strings(&format!(
        "SELECT json_array(i.kind, i.title, i.url, i.raw_state, \
           (SELECT login FROM identities WHERE person_id = i.author_id), \
           (SELECT login FROM identities WHERE person_id = i.owner_id), \
           i.external_id, i.created_at, i.updated_at, i.started_at, i.done_at, i.provenance) \
         FROM items i WHERE i.key = '{key}'"
    ))
    .await
}

/// A first sync of the whole recording: the fake's server (to read its requests), the harness,
/// and the recorded issues and merge requests.
async fn first_sync() -> (ReplayServer, Harness, Vec<Value>, Vec<Value>) {
    let gl = fake();
    let (issues, mrs) = {
        let data = gl.data();
        (data.issues.clone(), data.merge_requests.clone())
    };
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    (server, h, issues, mrs)
}

#[tokio::test]
async fn a_first_sync_pages_and_maps_every_recorded_field() {
    let (server, h, issues, mrs) = first_sync().await;
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        (issues.len() + mrs.len()) as i64,
        "every recorded issue and merge request"
    );
    let requests = server.requests();
    let lists: Vec<_> = requests
        .iter()
        .filter(|r| r.path == format!("/api/v4/projects/{PROJECT_ID}/issues"))
        .collect();
    assert_eq!(lists.len(), 2, "16 issues by pages of 10, following Link");
    assert_eq!(
        lists[0].param("pagination"),
        Some("keyset"),
        "issues are asked for keyset pages"
    );
    assert!(
        lists[1].param("cursor").is_some() && lists[1].param("page").is_none(),
        "the second page is the one the first page's Link names: {:?}",
        lists[1].query
    );
    assert_eq!(lists[0].param("order_by"), Some("created_at"));
    assert_eq!(lists[0].param("scope"), Some("all"));
    assert_eq!(
        lists[0].param("updated_after"),
        None,
        "a first sync has no lower bound"
    );
    assert_eq!(
        lists[0].header("authorization"),
        Some(format!("Bearer {GL_TOKEN}").as_str())
    );
    assert!(
        requests
            .iter()
            .any(|r| r.path == "/api/v4/projects/gitlab-data%2Fsnowflake_spend"),
        "the project is looked up by its path for its id"
    );
    let notes = requests
        .iter()
        .filter(|r| r.path.ends_with("/notes"))
        .count();
    assert_eq!(notes, mrs.len(), "each merge request's notes once");

    for issue in &issues {
        let key = issue["references"]["full"].as_str().unwrap();
        let closed = text(issue, "state") == "closed";
        let owner = issue["assignees"]
            .as_array()
            .and_then(|a| a.first())
            .map(|a| a["username"].clone())
            .unwrap_or(Value::Null);
        let expected = serde_json::json!([
            null,
            text(issue, "title"),
            text(issue, "web_url"),
            if closed { "closed" } else { "open" },
            issue["author"]["username"],
            owner,
            issue["id"].as_i64().unwrap().to_string(),
            time(issue, "created_at"),
            time(issue, "updated_at"),
            null,
            if closed {
                time(issue, "closed_at")
            } else {
                None
            },
            "human",
        ]);
        let mut got: Value = serde_json::from_str(&stored(&h, key).await[0]).unwrap();
        got[0] = Value::Null;
        assert_eq!(got, expected, "{key}");
    }
    for mr in &mrs {
        let key = mr["references"]["full"].as_str().unwrap();
        let state = match (text(mr, "state").as_str(), mr["draft"].as_bool()) {
            ("merged", _) => "merged",
            ("closed", _) => "closed (unmerged)",
            (_, Some(true)) => "draft",
            _ => "open",
        };
        let owner = mr["assignees"]
            .as_array()
            .and_then(|a| a.first())
            .map(|a| a["username"].clone())
            .unwrap_or(Value::Null);
        let expected = serde_json::json!([
            "pull_request",
            text(mr, "title"),
            text(mr, "web_url"),
            state,
            mr["author"]["username"],
            owner,
            mr["id"].as_i64().unwrap().to_string(),
            time(mr, "created_at"),
            time(mr, "updated_at"),
            time(mr, "created_at"),
            time(mr, "merged_at").or(time(mr, "closed_at")),
            "human",
        ]);
        let got: Value = serde_json::from_str(&stored(&h, key).await[0]).unwrap();
        assert_eq!(got, expected, "{key}");
    }
    let kinds = h
        .strings(
            "SELECT key || '=' || kind FROM items WHERE kind != 'pull_request' ORDER BY created_at",
        )
        .await;
    for expected in [
        "gitlab-data/snowflake_spend#1=task",
        "gitlab-data/snowflake_spend#2=feature",
        "gitlab-data/snowflake_spend#4=debt",
    ] {
        assert!(
            kinds.contains(&expected.to_owned()),
            "kinds from labels: {kinds:?}"
        );
    }
    let flows = h
        .strings("SELECT key || '=' || flow_state FROM items WHERE key IN ('gitlab-data/snowflake_spend!1', 'gitlab-data/snowflake_spend!13', 'gitlab-data/snowflake_spend!21', 'gitlab-data/snowflake_spend!11') ORDER BY key")
        .await;
    assert_eq!(
        flows,
        vec![
            "gitlab-data/snowflake_spend!1=done",
            "gitlab-data/snowflake_spend!11=waiting",
            "gitlab-data/snowflake_spend!13=canceled",
            "gitlab-data/snowflake_spend!21=active",
        ],
        "merged → done, open → waiting for review, closed → canceled, draft → active: as pull requests"
    );
    // !1 was created as a draft ("unmarked as a Work In Progress" at 10:55:26), then merged.
    let changes = h
        .strings("SELECT from_state || '>' || to_state || '@' || event_id FROM transitions WHERE kind = 'state' AND item_id = (SELECT id FROM items WHERE key = 'gitlab-data/snowflake_spend!1') ORDER BY at")
        .await;
    assert_eq!(
        changes,
        vec![
            "draft>open@note:186438743".to_owned(),
            "open>merged@note:186537191".to_owned()
        ],
        "the system notes are the merge request's history"
    );
    let assignees = h
        .strings("SELECT to_state FROM transitions WHERE kind = 'assignee' AND item_id = (SELECT id FROM items WHERE key = 'gitlab-data/snowflake_spend!1') ORDER BY at")
        .await;
    assert_eq!(assignees, vec!["emilie", "tayloramurphy"]);
    let closed = h
        .strings("SELECT to_state || '@' || at FROM transitions WHERE kind = 'state' AND item_id = (SELECT id FROM items WHERE key = 'gitlab-data/snowflake_spend#1')")
        .await;
    assert_eq!(
        closed,
        vec![format!(
            "closed@{}",
            parse_time("2019-06-28T14:32:05.376Z").unwrap()
        )]
    );
    let links = h.key_links().await;
    for expected in [
        "gitlab-data/snowflake_spend!1 implements gitlab-data/snowflake_spend#1",
        "gitlab-data/snowflake_spend!3 implements gitlab-data/snowflake_spend#5",
        "gitlab-data/snowflake_spend!12 implements gitlab-data/snowflake_spend#11",
    ] {
        assert!(
            links.contains(&expected.to_owned()),
            "\"Closes #N\" in the description: {links:?}"
        );
    }
    let id = h.id_of("gitlab-data/snowflake_spend!1").await;
    assert_eq!(
        id,
        format!("gl:127.0.0.1/{PROJECT_ID}!1"),
        "keyed by project id"
    );
    assert_eq!(h.clock.total_slept(), Duration::ZERO);
}

#[tokio::test]
async fn an_incremental_poll_asks_for_what_changed_since_the_watermark() {
    let gl = fake();
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    h.sync(&source).await;
    let newest = h
        .count("SELECT MAX(updated_at) FROM items WHERE kind != 'pull_request'")
        .await;
    server.clear_requests();
    {
        let mut data = gl.data();
        let issue = data.issues.iter_mut().find(|i| i["iid"] == 3).unwrap();
        issue["title"] = "changed after the first poll".into();
        issue["state"] = "closed".into();
        issue["closed_at"] = "2026-03-01T10:00:00.000Z".into();
        issue["updated_at"] = "2026-03-01T10:00:00.000Z".into();
    }
    h.clock.advance(Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let list = server
        .requests()
        .into_iter()
        .find(|r| r.path == format!("/api/v4/projects/{PROJECT_ID}/issues"))
        .unwrap();
    assert_eq!(
        list.param("updated_after").and_then(parse_time),
        Some((newest - 300_000) / 1000 * 1000),
        "the stream's watermark minus the overlap (whole seconds, rounded down)"
    );
    assert_eq!(
        h.strings("SELECT title || '|' || raw_state || '|' || flow_state FROM items WHERE key = 'gitlab-data/snowflake_spend#3'")
            .await,
        vec!["changed after the first poll|closed|done".to_owned()]
    );
    assert!(
        report.figures.items >= 1 && report.figures.items <= 3,
        "only records updated in the overlap window or since: {}",
        report.figures.items
    );
}

#[tokio::test]
async fn pages_follow_x_next_page_without_a_link_header() {
    let gl = fake();
    gl.data().no_link_header = true;
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 34);
    let pages: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/merge_requests"))
        .map(|r| r.param("page").unwrap_or("1").to_owned())
        .collect();
    assert_eq!(pages, vec!["1", "2"]);
}

#[tokio::test]
async fn rate_limits_honour_retry_after_then_the_reset_time() {
    let gl = fake();
    let reset = (NOW / 1000 + 90).to_string();
    gl.fault(
        "/issues",
        vec![
            Reply::json(429, "Retry later")
                .header("retry-after", "7")
                .header("ratelimit-remaining", "0"),
            Reply::json(429, "Retry later").header("ratelimit-reset", reset),
        ],
    );
    gl.fault("/merge_requests", vec![Reply::json(429, "Retry later")]);
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.clock.sleeps(),
        vec![
            Duration::from_secs(7),
            Duration::from_millis(90_000 - 7_000 + 1_000),
            Duration::from_secs(60),
        ],
        "Retry-After first, else RateLimit-Reset (epoch seconds), else a minute (GitLab's limits are per minute)"
    );
    assert_eq!(h.count("SELECT rate_limit_waits FROM sync_runs").await, 3);
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 34);
}

#[tokio::test]
async fn server_errors_and_malformed_bodies_are_retried() {
    let gl = fake();
    gl.fault(
        "/merge_requests",
        vec![
            Reply::json(502, "<html>502 Bad Gateway</html>"),
            Reply::json(200, "[{\"id\": 1, \"iid\"").cut_after(8),
            Reply::json(200, "<html>sign in</html>"),
        ],
    );
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(h.count("SELECT retries FROM sync_runs").await, 3);
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 34);
}

#[tokio::test]
async fn a_body_that_stays_malformed_fails_the_run_and_keeps_the_cursor() {
    let gl = fake();
    gl.fault(
        "/merge_requests",
        (0..5)
            .map(|_| Reply::json(200, r#"{"message":"not a list"}"#))
            .collect(),
    );
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    let (code, _) = report.error.clone().unwrap();
    assert_eq!(code, "malformed_response", "{report:?}");
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE kind != 'pull_request'")
            .await,
        16,
        "the issues stream before it was written"
    );
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 34);
}

#[tokio::test]
async fn a_wrong_token_is_refused_clearly() {
    let gl = fake();
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let wrong = "glpat-wrongWRONGwrong999";
    let source = h.add_gitlab(&server.url(), wrong).await;
    let report = h.sync(&source).await;
    let (code, message) = report.error.unwrap();
    assert_eq!(code, "auth_bad_token");
    assert!(
        !message.contains(wrong),
        "no token in the message: {message}"
    );
}

#[tokio::test]
async fn approvals_in_system_notes_move_a_merge_request_to_waiting_for_merge() {
    let gl = fake();
    // Edited in memory, never in the file: merge request !37's real notes (approved, unapproved,
    // approved again, by basicthinker) belong to a merge request that was not recorded; they are
    // served as the notes of the recorded open merge request !9.
    {
        let mut data = gl.data();
        let notes = data.notes.remove(&37).unwrap();
        data.notes.insert(9, notes);
    }
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.strings("SELECT raw_state || '|' || flow_state || '|' || wait_reason FROM items WHERE key = 'gitlab-data/snowflake_spend!9'")
            .await,
        vec!["approved|waiting|queue".to_owned()],
        "approved and still open: waiting to be merged, as a GitHub pull request"
    );
    let reviews = h
        .strings("SELECT to_state FROM transitions WHERE kind = 'review' AND item_id = (SELECT id FROM items WHERE key = 'gitlab-data/snowflake_spend!9') ORDER BY at")
        .await;
    assert_eq!(reviews, vec!["approved", "unapproved", "approved"]);
    let states = h
        .strings("SELECT from_state || '>' || to_state FROM transitions WHERE kind = 'state' AND item_id = (SELECT id FROM items WHERE key = 'gitlab-data/snowflake_spend!9') ORDER BY at, event_id")
        .await;
    assert_eq!(
        states,
        vec!["open>approved", "approved>open", "open>approved"]
    );
}

#[tokio::test]
async fn issue_links_become_blocking_and_related_edges() {
    let gl = fake();
    // No recording of `/issues/:iid/links` was found: these answers are written in the shape
    // GitLab documents (doc/api/issue_links.md), naming recorded issues.
    {
        let mut data = gl.data();
        let linked = |iid: i64, link_type: &str| {
            serde_json::json!({
                "id": 22097949 + iid, "iid": iid, "project_id": PROJECT_ID,
                "references": {"full": format!("gitlab-data/snowflake_spend#{iid}")},
                "web_url": format!("https://gitlab.com/gitlab-data/snowflake_spend/-/issues/{iid}"),
                "issue_link_id": 100 + iid, "link_type": link_type,
                "link_created_at": "2020-04-01T10:00:00.000Z",
            })
        };
        data.links
            .insert(3, vec![linked(13, "blocks"), linked(14, "relates_to")]);
        data.links.insert(13, vec![linked(3, "is_blocked_by")]);
        data.links.insert(14, vec![linked(3, "relates_to")]);
    }
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    h.sync(&source).await;
    let edges: Vec<String> = h
        .key_links()
        .await
        .into_iter()
        .filter(|l| !l.contains(" implements "))
        .collect();
    assert_eq!(
        edges,
        vec![
            "gitlab-data/snowflake_spend#14 relates gitlab-data/snowflake_spend#3".to_owned(),
            "gitlab-data/snowflake_spend#3 blocks gitlab-data/snowflake_spend#13".to_owned(),
        ],
        "each link once, whichever side lists it"
    );
    // The blocking link is removed: the next poll of the issues retires it, and only it.
    {
        let mut data = gl.data();
        let related = data.links[&3][1].clone();
        data.links.insert(3, vec![related]);
        data.links.insert(13, vec![]);
        for iid in [3, 13] {
            let issue = data.issues.iter_mut().find(|i| i["iid"] == iid).unwrap();
            issue["updated_at"] = "2026-03-01T10:00:00.000Z".into();
        }
    }
    h.clock.advance(Duration::from_secs(600));
    h.sync(&source).await;
    let removed = h
        .strings("SELECT f.key || ' ' || links.kind || ' ' || t.key FROM links JOIN items f ON f.id = from_item_id JOIN items t ON t.id = to_item_id WHERE removed_at IS NOT NULL")
        .await;
    assert_eq!(
        removed,
        vec!["gitlab-data/snowflake_spend#3 blocks gitlab-data/snowflake_spend#13".to_owned()]
    );
}

#[tokio::test]
async fn a_group_scope_syncs_its_projects_and_the_connection_test_names_the_user() {
    let gl = fake();
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let input = gitlab_input(
        "GitLab group",
        &server.url(),
        Some("gitlab-data"),
        &[],
        GL_TOKEN,
    );
    let test = baton_core::sync::sources::test_connection(
        &input,
        &baton_core::secrets::Secret::new(GL_TOKEN),
        &options(),
        h.clock.clone(),
    )
    .await;
    assert!(test.ok, "{test:?}");
    assert!(test.message.contains("Baton Test"), "{}", test.message);
    let source = h.add(&input).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 34);
    assert!(server
        .requests()
        .iter()
        .any(|r| r.path == "/api/v4/groups/gitlab-data/projects"
            && r.param("include_subgroups") == Some("true")));
}

#[tokio::test]
async fn the_benchmark_corpus_scales_the_recorded_rows_into_distinct_items() {
    let gl = Arc::new(FakeGitlab::scaled(&fixtures(), GL_TOKEN, 100).unwrap());
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        102,
        "three copies of 34"
    );
    assert_eq!(h.count("SELECT COUNT(DISTINCT key) FROM items").await, 102);
    assert_eq!(
        h.strings("SELECT raw_state FROM items WHERE key = 'gitlab-data/snowflake_spend!201'")
            .await,
        vec!["merged".to_owned()],
        "copy 2 of !1, with its notes"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM transitions WHERE kind = 'state' AND item_id = (SELECT id FROM items WHERE key = 'gitlab-data/snowflake_spend!201')")
            .await,
        2
    );
}

#[tokio::test]
async fn a_team_rule_added_later_moves_gitlab_items_as_a_fresh_sync_would() {
    use baton_core::rules::{self, TeamRuleField, TeamRuleView};
    let gl = fake();
    let labelled = {
        let data = gl.data();
        data.issues
            .iter()
            .chain(&data.merge_requests)
            .filter(|r| {
                r["labels"]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|l| l == "Refactor"))
            })
            .count() as i64
    };
    assert!(
        labelled >= 4,
        "the recording has Refactor labels: {labelled}"
    );
    let server = gl.serve().await.unwrap();
    let save_rule = |h: &Harness| {
        let ws = h.ws.clone();
        async move {
            let team = baton_core::query::teams_create(&ws, "Platform")
                .await
                .unwrap();
            rules::team_rule_save(
                &ws,
                &TeamRuleView {
                    id: String::new(),
                    source_id: None,
                    field: TeamRuleField::Label,
                    pattern: "Refactor".into(),
                    team_id: team.id,
                    priority: 1,
                },
            )
            .await
            .unwrap();
        }
    };
    let old = Harness::new().await;
    let source = old.add_gitlab(&server.url(), GL_TOKEN).await;
    old.sync(&source).await;
    save_rule(&old).await;
    let preview = baton_core::sync::rederive::preview(&old.ws).await.unwrap();
    assert_eq!(preview.checked, 34, "every stored issue and merge request");
    assert_eq!(preview.team_changed as i64, labelled, "{preview:?}");
    baton_core::sync::rederive::apply(&old.ws).await.unwrap();
    let fresh = Harness::new().await;
    save_rule(&fresh).await;
    let source = fresh.add_gitlab(&server.url(), GL_TOKEN).await;
    fresh.sync(&source).await;
    let teams = "SELECT i.key || '=' || COALESCE(t.name, '') FROM items i LEFT JOIN teams t ON t.id = i.team_id ORDER BY i.key";
    assert_eq!(old.strings(teams).await, fresh.strings(teams).await);
    assert_eq!(
        fresh
            .count("SELECT COUNT(*) FROM items WHERE team_id IS NOT NULL")
            .await,
        labelled
    );
}

#[tokio::test]
async fn recorded_issue_weights_become_estimates() {
    let (_server, h, issues, _) = first_sync().await;
    let mut weighted = 0;
    for issue in &issues {
        let key = issue["references"]["full"].as_str().unwrap();
        let stored: Option<f64> = sqlx::query_scalar("SELECT estimate FROM items WHERE key = ?1")
            .bind(key)
            .fetch_one(h.ws.pool())
            .await
            .unwrap();
        let weight = issue["weight"].as_f64();
        weighted += usize::from(weight.is_some());
        assert_eq!(stored, weight, "{key}: its weight is its estimate");
    }
    assert!(weighted >= 4, "the recording carries weights ({weighted})");
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE kind = 'pull_request' AND estimate IS NOT NULL")
            .await,
        0,
        "merge requests have no weight"
    );
}

/// The recording's milestones (group milestones of `gitlab-data`, shared by issues and merge
/// requests) become intents of kind milestone, keyed by GitLab's id, named by its reference
/// (`gitlab-data%12`), due at the end of their due day; each item serves its milestone, and its
/// project and labels are what intent rules match.
#[tokio::test]
async fn recorded_milestones_become_intents_the_items_serve() {
    let (_server, h, issues, mrs) = first_sync().await;
    let mut expected_intents = std::collections::BTreeSet::new();
    let mut serving = 0;
    for record in issues.iter().chain(&mrs) {
        let key = record["references"]["full"].as_str().unwrap();
        let served = h
            .strings(&format!(
                "SELECT n.source_key || '|' || n.kind || '|' || n.title || '|' || \
                   COALESCE(n.target_at, '') || '|' || n.url \
                 FROM items i JOIN intents n ON n.id = i.intent_id WHERE i.key = '{key}'"
            ))
            .await;
        match record["milestone"].as_object() {
            Some(m) => {
                let due =
                    chrono::NaiveDate::parse_from_str(m["due_date"].as_str().unwrap(), "%Y-%m-%d")
                        .unwrap()
                        .and_hms_opt(23, 59, 59)
                        .unwrap()
                        .and_utc()
                        .timestamp_millis();
                let line = format!(
                    "gitlab-data%{}|milestone|{}|{due}|{}",
                    m["iid"],
                    m["title"].as_str().unwrap(),
                    m["web_url"].as_str().unwrap()
                );
                assert_eq!(served, vec![line.clone()], "{key} serves its milestone");
                expected_intents.insert(line);
                serving += 1;
            }
            None => assert!(served.is_empty(), "{key} has no milestone: {served:?}"),
        }
        let facets = h
            .strings(&format!(
                "SELECT f.field || '=' || f.value FROM item_facets f JOIN items i ON i.id = f.item_id \
                 WHERE i.key = '{key}' ORDER BY 1"
            ))
            .await;
        assert!(
            facets.contains(&"repository=gitlab-data/snowflake_spend".to_owned()),
            "{key}: {facets:?}"
        );
        for label in record["labels"].as_array().unwrap() {
            let name = label.as_str().or_else(|| label["name"].as_str()).unwrap();
            assert!(
                facets.contains(&format!("label={name}")),
                "{key}: {facets:?}"
            );
        }
    }
    assert_eq!(
        serving, 8,
        "six issues and two merge requests carry a milestone"
    );
    let stored = h
        .strings(
            "SELECT source_key || '|' || kind || '|' || title || '|' || COALESCE(target_at, '') || '|' || url \
             FROM intents WHERE origin = 'source' ORDER BY 1",
        )
        .await;
    assert_eq!(
        stored,
        expected_intents.into_iter().collect::<Vec<_>>(),
        "one intent per milestone, shared by an issue and a merge request"
    );
    assert_eq!(stored.len(), 6);
}

#[tokio::test]
async fn an_unchanged_record_keeps_its_stored_details_and_a_changed_one_is_read_again() {
    let gl = fake();
    let (issues, mrs) = {
        let data = gl.data();
        (data.issues.clone(), data.merge_requests.clone())
    };
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let first = h.sync(&source).await;
    assert_eq!(first.status, RunStatus::Succeeded, "{:?}", first.error);
    let others = "SELECT t.item_id || ' ' || t.event_id || ' ' || t.kind || ' ' || t.to_state || ' ' || t.at \
         FROM transitions t JOIN items i ON i.id = t.item_id \
         WHERE i.key != 'gitlab-data/snowflake_spend!9' ORDER BY 1";
    let before = h.strings(others).await;
    // The records an incremental poll lists again without their having changed: those updated
    // within the overlap window before each stream's watermark.
    let relisted = |records: &[Value]| -> Vec<i64> {
        let newest = records
            .iter()
            .filter_map(|r| time(r, "updated_at"))
            .max()
            .unwrap();
        records
            .iter()
            .filter(|r| time(r, "updated_at").unwrap() >= newest - 300_000)
            .map(|r| r["iid"].as_i64().unwrap())
            .filter(|iid| *iid != 9)
            .collect()
    };
    let (same_issues, same_mrs) = (relisted(&issues), relisted(&mrs));
    assert!(!same_issues.is_empty() && !same_mrs.is_empty());
    server.clear_requests();
    // Merge request !9 is approved (merge request !37's real approval notes, as in
    // `approvals_in_system_notes_move_a_merge_request_to_waiting_for_merge`): its notes change
    // and so does its updated_at, as GitLab's system notes touch their record.
    {
        let mut data = gl.data();
        let notes = data.notes.remove(&37).unwrap();
        data.notes.insert(9, notes);
        let mr = data
            .merge_requests
            .iter_mut()
            .find(|m| m["iid"] == 9)
            .unwrap();
        mr["updated_at"] = "2026-03-01T10:00:00.000Z".into();
    }
    h.clock.advance(Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let asked: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    let notes_of = |iid: i64| format!("/api/v4/projects/{PROJECT_ID}/merge_requests/{iid}/notes");
    let links_of = |iid: i64| format!("/api/v4/projects/{PROJECT_ID}/issues/{iid}/links");
    assert!(
        asked.contains(&notes_of(9)),
        "the changed merge request's notes are read again: {asked:?}"
    );
    for iid in &same_mrs {
        assert!(
            !asked.contains(&notes_of(*iid)),
            "!{iid} was listed again unchanged: its stored notes serve ({asked:?})"
        );
    }
    let labels_of = |iid: i64| {
        format!("/api/v4/projects/{PROJECT_ID}/merge_requests/{iid}/resource_label_events")
    };
    for iid in &same_mrs {
        assert!(
            !asked.contains(&labels_of(*iid)),
            "!{iid} was listed again unchanged: its stored label history serves ({asked:?})"
        );
    }
    assert!(
        asked.contains(&labels_of(9)),
        "the changed merge request's label history is read again: {asked:?}"
    );
    for iid in &same_issues {
        assert!(
            !asked.contains(&links_of(*iid)),
            "#{iid} was listed again unchanged: its stored links serve ({asked:?})"
        );
    }
    assert_eq!(
        report.figures.items as usize,
        same_issues.len() + same_mrs.len() + 1,
        "every listed record is still mapped and written"
    );
    assert_eq!(
        h.strings("SELECT raw_state || '|' || flow_state FROM items WHERE key = 'gitlab-data/snowflake_spend!9'")
            .await,
        vec!["approved|waiting".to_owned()],
        "the fresh notes are mapped"
    );
    assert_eq!(
        h.strings(others).await,
        before,
        "the unchanged records' lifecycles, rebuilt from their stored lists, are the same"
    );
    assert_eq!(
        h.strings("SELECT to_state FROM transitions WHERE kind = 'review' AND item_id = (SELECT id FROM items WHERE key = 'gitlab-data/snowflake_spend!9') ORDER BY at")
            .await,
        vec!["approved", "unapproved", "approved"]
    );
}

#[tokio::test]
async fn concurrent_detail_requests_wait_once_for_a_429_and_lose_nothing() {
    let gl = fake();
    gl.fault(
        "/notes",
        vec![Reply::json(429, r#"{"message":"429 Too Many Requests"}"#)
            .header("retry-after", "7")
            .header("ratelimit-remaining", "0")],
    );
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.clock.sleeps(),
        vec![Duration::from_secs(7)],
        "the refusal's Retry-After, waited once: the other requests waited within it"
    );
    let mrs = gl.data().merge_requests.len();
    let notes = server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/notes"))
        .count();
    assert_eq!(
        notes,
        mrs + 1,
        "one request per merge request, and the refused one again"
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 34);
}

/// A GitLab client on a fake clock, and a loopback server answering `reply(path)`.
async fn gitlab_serving(
    reply: impl Fn(&str) -> baton_core::replay::Reply + Send + Sync + 'static,
) -> (
    baton_core::connectors::http::Http,
    Arc<baton_core::sync::clock::FakeClock>,
    baton_core::replay::ReplayServer,
) {
    let server = baton_core::replay::ReplayServer::start(Arc::new(
        move |r: &baton_core::replay::Request| reply(&r.path),
    ))
    .await
    .unwrap();
    let clock = Arc::new(baton_core::sync::clock::FakeClock::new(1_772_409_600_000));
    let http = baton_core::connectors::http::Http::new(
        baton_core::connectors::http::Auth::None,
        baton_core::connectors::http::HttpOptions::default(),
        baton_core::connectors::http::RateLimitStyle::Gitlab,
        clock.clone(),
        tokio_util::sync::CancellationToken::new(),
    )
    .unwrap();
    (http, clock, server)
}

#[tokio::test]
async fn a_low_gitlab_budget_holds_requests_until_it_resets() {
    let reset = (1_772_409_600_000i64 / 1000 + 45).to_string();
    let (http, clock, server) = gitlab_serving(move |path| {
        let remaining = if path == "/low" { "3" } else { "1500" };
        baton_core::replay::Reply::json(200, "[]")
            .header("ratelimit-remaining", remaining)
            .header("ratelimit-reset", reset.clone())
    })
    .await;
    let url = |p: &str| {
        baton_core::connectors::http::endpoint(
            &baton_core::connectors::http::root_of(&server.url()).unwrap(),
            p,
            &[],
        )
        .unwrap()
    };
    let clone = http.clone();
    assert!(http.get_json::<Vec<u8>>(&url("/plenty")).await.is_ok());
    assert!(clock.sleeps().is_empty(), "1,500 left: no hold");
    assert!(http.get_json::<Vec<u8>>(&url("/low")).await.is_ok());
    assert!(
        clock.sleeps().is_empty(),
        "the low answer itself is not held"
    );
    assert!(clone.get_json::<Vec<u8>>(&url("/next")).await.is_ok());
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_secs(46)],
        "3 left (at most GITLAB_RESERVE): the next request, from any clone, waits for the reset and a second more"
    );
    assert_eq!(
        http.stats()
            .rate_limit_waits
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

#[tokio::test]
async fn a_429_holds_the_other_requests_of_the_run() {
    // A real clock: the hold is only seen while the refused request really waits.
    let refused = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen: Arc<std::sync::Mutex<Vec<(String, std::time::Instant)>>> = Arc::default();
    let (flag, log) = (refused.clone(), seen.clone());
    let server = baton_core::replay::ReplayServer::start(Arc::new(
        move |r: &baton_core::replay::Request| {
            if let Ok(mut log) = log.lock() {
                log.push((r.path.clone(), std::time::Instant::now()));
            }
            if r.path == "/a" && !flag.swap(true, std::sync::atomic::Ordering::SeqCst) {
                return baton_core::replay::Reply::json(429, "{}").header("retry-after", "1");
            }
            baton_core::replay::Reply::json(200, "[]")
        },
    ))
    .await
    .unwrap();
    let http = baton_core::connectors::http::Http::new(
        baton_core::connectors::http::Auth::None,
        baton_core::connectors::http::HttpOptions::default(),
        baton_core::connectors::http::RateLimitStyle::Gitlab,
        Arc::new(baton_core::sync::clock::SystemClock),
        tokio_util::sync::CancellationToken::new(),
    )
    .unwrap();
    let url = |p: &str| {
        baton_core::connectors::http::endpoint(
            &baton_core::connectors::http::root_of(&server.url()).unwrap(),
            p,
            &[],
        )
        .unwrap()
    };
    let (a, b) = (url("/a"), url("/b"));
    let other = http.clone();
    let first = tokio::spawn(async move { http.get_json::<Vec<u8>>(&a).await.is_ok() });
    while other
        .stats()
        .rate_limit_waits
        .load(std::sync::atomic::Ordering::Relaxed)
        == 0
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(other.get_json::<Vec<u8>>(&b).await.is_ok());
    assert!(first.await.unwrap_or(false));
    let log = seen.lock().map(|l| l.clone()).unwrap_or_default();
    let at = |p: &str| log.iter().find(|(path, _)| path == p).map(|(_, t)| *t);
    let (Some(refused_at), Some(b_at)) = (at("/a"), at("/b")) else {
        panic!("both requests reached the server: {log:?}");
    };
    assert!(
        b_at.duration_since(refused_at) >= Duration::from_millis(950),
        "a request sent after another was told to wait a second waits with it ({:?})",
        b_at.duration_since(refused_at)
    );
    assert_eq!(log.len(), 3, "/a refused, /b once, /a again: {log:?}");
}

#[tokio::test]
async fn a_walk_read_a_page_ahead_asks_for_every_page_and_list_exactly_once() {
    // The next page of a walk, with its records' notes and links, is read while the one before
    // is mapped and written: the requests are still the ones the walk needs, each once.
    let (server, h, issues, mrs) = first_sync().await;
    let requests: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {:?}", r.path, r.query))
        .collect();
    let unique: std::collections::BTreeSet<&String> = requests.iter().collect();
    assert_eq!(
        unique.len(),
        requests.len(),
        "no request is made twice: {requests:#?}"
    );
    let count = |end: &str| {
        requests
            .iter()
            .filter(|l| l.split(' ').next().is_some_and(|p| p.ends_with(end)))
            .count()
    };
    assert_eq!(count("/links"), issues.len(), "each issue's links, once");
    let noted: std::collections::BTreeSet<&str> = requests
        .iter()
        .filter_map(|l| l.split(' ').next().filter(|p| p.ends_with("/notes")))
        .collect();
    assert_eq!(noted.len(), mrs.len(), "each merge request's notes");
    assert_eq!(
        count("/issues"),
        issues.len().div_ceil(10).max(1),
        "pages of 10"
    );
    assert_eq!(count("/merge_requests"), mrs.len().div_ceil(10).max(1));
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await as usize,
        issues.len() + mrs.len()
    );
}

/// A record of gitlab.com's `gitlab-org/gitlab-foss!27117` as danger-js recorded it with nock
/// (`tests/fixtures/gitlab/danger-js/`, see PROVENANCE.md): the body of its one exchange.
fn danger_js(name: &str) -> Value {
    let path = fixtures()
        .join("gitlab/danger-js")
        .join(format!("{name}.json"));
    let recorded: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(recorded[0]["status"], 200, "{name}: a recorded answer");
    recorded[0]["response"].clone()
}

/// The state changes and review actions of one merge request, with their actors' logins.
async fn history(h: &Harness, key: &str) -> (Vec<String>, Vec<String>) {
    let of = |kind: &str, what: &str| {
        format!(
            "SELECT {what} || '|' || COALESCE((SELECT login FROM identities WHERE person_id = t.actor_id), '') \
             FROM transitions t WHERE t.kind = '{kind}' \
             AND t.item_id = (SELECT id FROM items WHERE key = '{key}') ORDER BY t.at, t.event_id"
        )
    };
    (
        h.strings(&of(
            "state",
            "t.from_state || '>' || t.to_state || '|' || t.event_id",
        ))
        .await,
        h.strings(&of("review", "t.to_state")).await,
    )
}

#[tokio::test]
async fn a_recorded_gitlab_foss_merge_request_maps_its_approvals_and_merge() {
    // gitlab.com's gitlab-org/gitlab-foss!27117 as recorded (the record, its 15 notes, its
    // /approvals answer); the project record around it is ours (id and path from the record).
    let mr = danger_js("getMergeRequestInfo");
    let approvals = danger_js("getMergeRequestApprovals");
    let gl = Arc::new(FakeGitlab::new(GL_TOKEN));
    {
        let mut data = gl.data();
        data.project = serde_json::json!({
            "id": mr["project_id"],
            "path_with_namespace": "gitlab-org/gitlab-foss",
            "web_url": "https://gitlab.com/gitlab-org/gitlab-foss",
            "archived": false,
        });
        let notes = danger_js("getMergeRequestNotes")
            .as_array()
            .unwrap()
            .clone();
        data.notes.insert(27117, notes);
        data.approvals.insert(27117, approvals.clone());
        data.merge_requests.push(mr.clone());
    }
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let input = gitlab_input(
        "GitLab gitlab-foss",
        &server.url(),
        None,
        &["gitlab-org/gitlab-foss"],
        GL_TOKEN,
    );
    let source = h.add(&input).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let key = "gitlab-org/gitlab-foss!27117";
    let item = stored(&h, key).await;
    assert_eq!(item.len(), 1, "the recorded merge request is synced");
    let item: Value = serde_json::from_str(&item[0]).unwrap();
    assert_eq!(item[3], "merged");
    assert_eq!(item[4], "smcgivern", "its author");
    assert_eq!(item[5], "dbalexandre", "its assignee owns it");
    assert_eq!(
        item[10],
        time(&mr, "merged_at").unwrap(),
        "done when merged"
    );
    let (states, reviews) = history(&h, key).await;
    assert_eq!(
        reviews,
        vec!["approved|reprazent", "approved|dbalexandre"],
        "the two recorded approval notes, by their authors"
    );
    assert_eq!(
        states,
        vec![
            "open>approved|note:158704845|reprazent",
            "approved>merged|note:158931185|dbalexandre",
        ],
        "approved by reprazent, then merged by dbalexandre, at their notes' times"
    );
    // The recorded /approvals answer names the same two approvers; a merged merge request's
    // approvals are final, so it is not asked for.
    let answer: baton_core::connectors::gitlab::model::Approvals =
        serde_json::from_value(approvals).unwrap();
    let approvers: Vec<&str> = answer
        .approved_by
        .iter()
        .map(|a| a.user.username.as_str())
        .collect();
    assert_eq!(approvers, vec!["reprazent", "dbalexandre"]);
    assert!(baton_core::connectors::gitlab::map::approved_now(
        &answer,
        Some("smcgivern")
    ));
    let asked: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert!(
        !asked.iter().any(|p| p.ends_with("/approvals")),
        "no approvals asked of a merged merge request: {asked:?}"
    );
    assert_eq!(
        asked.iter().filter(|p| p.ends_with("/notes")).count(),
        1,
        "its notes once"
    );
}

#[tokio::test]
async fn an_open_merge_requests_approvals_say_whether_it_waits_to_be_merged() {
    let gl = fake();
    // Edited in memory, never in the file: gitlab-foss!27117's real /approvals answer (two
    // approvers, none left to give) is served as the approvals of the recorded open merge
    // request !9, whose notes hold no approval. The other open ones have none recorded: the
    // fake answers 404 for them, as an instance without the endpoint does.
    let answer = danger_js("getMergeRequestApprovals");
    let open: Vec<i64> = {
        let mut data = gl.data();
        data.approvals.insert(9, answer.clone());
        let mut open: Vec<i64> = data
            .merge_requests
            .iter()
            .filter(|m| {
                m["state"] == "opened" && m["draft"] != true && m["work_in_progress"] != true
            })
            .map(|m| m["iid"].as_i64().unwrap())
            .collect();
        open.sort_unstable();
        open
    };
    assert_eq!(
        open.len(),
        4,
        "four open merge requests that are not drafts"
    );
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let mut asked: Vec<i64> = server
        .requests()
        .iter()
        .filter_map(|r| r.path.strip_suffix("/approvals"))
        .filter_map(|p| p.rsplit('/').next()?.parse().ok())
        .collect();
    asked.sort_unstable();
    assert_eq!(
        asked, open,
        "approvals are asked of open merge requests only, once each"
    );
    let key = "gitlab-data/snowflake_spend!9";
    let state = format!(
        "SELECT raw_state || '|' || flow_state || '|' || wait_reason FROM items WHERE key = '{key}'"
    );
    assert_eq!(
        h.strings(&state).await,
        vec!["approved|waiting|queue".to_owned()],
        "approved by others and none left to give: waiting to be merged"
    );
    let (states, reviews) = history(&h, key).await;
    assert_eq!(states, vec!["open>approved|listed:approved|"]);
    assert!(
        reviews.is_empty(),
        "the answer says who approved, not when: no review action is made up ({reviews:?})"
    );
    let mr_id = gl
        .data()
        .merge_requests
        .iter()
        .find(|m| m["iid"] == 9)
        .unwrap()["id"]
        .to_string();
    let stored_answer = baton_core::graph::repo::raw_records::get(
        h.ws.pool(),
        &source,
        "merge_request_approvals",
        &mr_id,
    )
    .await
    .unwrap()
    .expect("the answer is kept with the record");
    let kept: Value = serde_json::from_str(&stored_answer).unwrap();
    assert_eq!(kept[0]["approved_by"], answer["approved_by"]);

    // Unchanged: the stored answer serves, nothing is asked again.
    server.clear_requests();
    h.clock.advance(Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert!(
        !server
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/approvals")),
        "unchanged merge requests keep their stored approvals"
    );
    assert_eq!(
        h.strings(&state).await,
        vec!["approved|waiting|queue".to_owned()]
    );

    // Edited in memory: the rules want one more approval (and the record moved, as GitLab
    // touches it): waiting for review again.
    server.clear_requests();
    {
        let mut data = gl.data();
        data.approvals.get_mut(&9).unwrap()["approvals_left"] = 1.into();
        let mr = data
            .merge_requests
            .iter_mut()
            .find(|m| m["iid"] == 9)
            .unwrap();
        mr["updated_at"] = "2026-03-01T10:00:00.000Z".into();
    }
    h.clock.advance(Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/merge_requests/9/approvals"))
            .count(),
        1,
        "the moved merge request's approvals are read again"
    );
    assert_eq!(
        h.strings(&format!("SELECT raw_state FROM items WHERE key = '{key}'"))
            .await,
        vec!["open".to_owned()],
        "approved by two, but its rules want one more: not yet to be merged"
    );
}

#[tokio::test]
async fn a_refused_approvals_answer_leaves_the_notes_to_say_and_the_sync_goes_on() {
    let gl = fake();
    // Edited in memory, as above: the recorded answer is there for !9, but the instance refuses
    // it (403, approvals not licensed): !9 keeps what its notes say, and nothing fails.
    gl.data()
        .approvals
        .insert(9, danger_js("getMergeRequestApprovals"));
    gl.fault(
        "/merge_requests/9/approvals",
        vec![Reply::json(403, r#"{"message":"403 Forbidden"}"#)],
    );
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 34);
    assert_eq!(
        h.strings("SELECT raw_state FROM items WHERE key = 'gitlab-data/snowflake_spend!9'")
            .await,
        vec!["open".to_owned()],
        "no answer: the notes (none about approvals) say it is open"
    );
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/merge_requests/9/approvals")),
        "asked once, refused"
    );
}

/// gitlab.kitware.com's `utils/rust-gitlab` (project 855) as the Rust `gitlab` crate recorded it
/// (`tests/fixtures/gitlab/rust-gitlab/`, see PROVENANCE.md): the project, its issue #6 ("fix
/// documentation warnings", closed, labelled `area:doc`) and the first entry of that issue's
/// label history (brad.king added `area:doc`, 2019-07-17T09:53:48.937-04:00).
fn rust_gitlab() -> Arc<FakeGitlab> {
    Arc::new(FakeGitlab::from_rust_gitlab(&fixtures(), GL_TOKEN).unwrap())
}

const RUST_GITLAB_ISSUE: &str = "utils/rust-gitlab#6";
const RUST_GITLAB_LABEL_EVENTS: &str = "/api/v4/projects/855/issues/6/resource_label_events";

/// A harness with a source of the recorded `utils/rust-gitlab`.
async fn rust_gitlab_source(server: &ReplayServer) -> (Harness, String) {
    let h = Harness::new().await;
    let input = gitlab_input(
        "GitLab rust-gitlab",
        &server.url(),
        None,
        &["utils/rust-gitlab"],
        GL_TOKEN,
    );
    let source = h.add(&input).await;
    (h, source)
}

/// An item's label changes: `from>to|event id|time|actor login`, oldest first.
async fn label_history(h: &Harness, key: &str) -> Vec<String> {
    h.strings(&format!(
        "SELECT COALESCE(t.from_state, '') || '>' || t.to_state || '|' || t.event_id || '|' || t.at || '|' || \
           COALESCE((SELECT login FROM identities WHERE person_id = t.actor_id), '') \
         FROM transitions t WHERE t.kind = 'label' \
         AND t.item_id = (SELECT id FROM items WHERE key = '{key}') ORDER BY t.at, t.event_id"
    ))
    .await
}

/// The recorded label event as its issue's history says it: `area:doc` added by brad.king at
/// 2019-07-17T13:53:48.937Z.
const RECORDED_LABEL_CHANGE: &str = ">area:doc|label:10945|1563371628937|brad.king";

#[tokio::test]
async fn a_recorded_label_event_becomes_a_label_change_of_its_issue() {
    let gl = rust_gitlab();
    let (issue, event) = {
        let data = gl.data();
        (data.issues[0].clone(), data.label_events[&6][0].clone())
    };
    let server = gl.serve().await.unwrap();
    let (h, source) = rust_gitlab_source(&server).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let item = stored(&h, RUST_GITLAB_ISSUE).await;
    assert_eq!(item.len(), 1, "the recorded issue is synced");
    let item: Value = serde_json::from_str(&item[0]).unwrap();
    assert_eq!(item[1], "fix documentation warnings");
    assert_eq!(item[3], "closed");
    assert_eq!(item[4], "ben.boeckel", "its author");
    assert_eq!(item[6], issue["id"].to_string());
    assert_eq!(
        label_history(&h, RUST_GITLAB_ISSUE).await,
        vec![RECORDED_LABEL_CHANGE],
        "the recorded event, at its time, by its user"
    );
    assert_eq!(
        time(&event, "created_at"),
        Some(1_563_371_628_937),
        "the recorded time, read with its UTC offset"
    );
    let name: Vec<String> = h
        .strings("SELECT display_name FROM people WHERE id = (SELECT actor_id FROM transitions WHERE kind = 'label')")
        .await;
    assert_eq!(
        name,
        vec!["Brad King"],
        "the event's user is a person of the source"
    );
    let asked: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == RUST_GITLAB_LABEL_EVENTS)
        .collect();
    assert_eq!(asked.len(), 1, "the issue's label history, once");
    assert_eq!(
        asked[0].query,
        vec![("per_page".to_owned(), "100".to_owned())]
    );
    let kept = baton_core::graph::repo::raw_records::get(
        h.ws.pool(),
        &source,
        "issue_label_events",
        &issue["id"].to_string(),
    )
    .await
    .unwrap()
    .expect("the list is kept with the issue");
    let kept: Value = serde_json::from_str(&kept).unwrap();
    assert_eq!(kept, Value::from(vec![event]), "as GitLab answered it");
}

#[tokio::test]
async fn a_merge_requests_label_history_becomes_its_label_changes_and_is_kept() {
    // No recording of a merge request's `resource_label_events` was found (see
    // tests/fixtures/README.md); GitLab answers them in the shape of an issue's, with
    // `resource_type: "MergeRequest"`. So merge request !9 is served the recorded issue event
    // of gitlab.kitware.com (brad.king adding `area:doc`) with its resource named as !9, and the
    // same event again as a removal a day later (its id the next one).
    let recorded = rust_gitlab().data().label_events[&6][0].clone();
    let gl = fake();
    let mr_id = {
        let mut data = gl.data();
        let mr_id = data.merge_requests.iter().find(|m| m["iid"] == 9).unwrap()["id"].clone();
        let mut added = recorded.clone();
        added["resource_type"] = "MergeRequest".into();
        added["resource_id"] = mr_id.clone();
        let mut removed = added.clone();
        removed["id"] = (added["id"].as_i64().unwrap() + 1).into();
        removed["action"] = "remove".into();
        removed["created_at"] = "2019-07-18T09:53:48.937-04:00".into();
        data.mr_label_events.insert(9, vec![added, removed]);
        mr_id
    };
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let key = "gitlab-data/snowflake_spend!9";
    assert_eq!(
        label_history(&h, key).await,
        vec![
            RECORDED_LABEL_CHANGE.to_owned(),
            "area:doc>|label:10946|1563458028937|brad.king".to_owned()
        ],
        "the label added, then removed, at their times, by their user"
    );
    let path = format!("/api/v4/projects/{PROJECT_ID}/merge_requests/9/resource_label_events");
    let asked: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == path)
        .collect();
    assert_eq!(asked.len(), 1, "the merge request's label history, once");
    assert_eq!(
        asked[0].query,
        vec![("per_page".to_owned(), "100".to_owned())]
    );
    let kept = baton_core::graph::repo::raw_records::get(
        h.ws.pool(),
        &source,
        "merge_request_label_events",
        &mr_id.to_string(),
    )
    .await
    .unwrap()
    .expect("the list is kept with the merge request");
    let kept: Value = serde_json::from_str(&kept).unwrap();
    assert_eq!(kept.as_array().map(Vec::len), Some(2), "as served");
    assert_eq!(
        h.count(
            "SELECT COUNT(*) FROM transitions WHERE kind = 'label' \
             AND item_id != (SELECT id FROM items WHERE key = 'gitlab-data/snowflake_spend!9')"
        )
        .await,
        0,
        "the other merge requests, without label events, get none"
    );
}

#[tokio::test]
async fn a_label_history_over_two_pages_follows_the_link_header() {
    let gl = rust_gitlab();
    let event = gl.data().label_events[&6][0].clone();
    let server = gl.serve().await.unwrap();
    // The first page is the recorded event with a `Link` to a second page (the envelope is
    // ours); the fake answers the second page itself, empty.
    gl.fault(
        "/resource_label_events",
        vec![Reply::json(200, format!("[{event}]")).header(
            "link",
            format!(
                "<{}{RUST_GITLAB_LABEL_EVENTS}?per_page=100&page=2>; rel=\"next\"",
                server.url()
            ),
        )],
    );
    let (h, source) = rust_gitlab_source(&server).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let pages: Vec<Option<String>> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == RUST_GITLAB_LABEL_EVENTS)
        .map(|r| r.param("page").map(str::to_owned))
        .collect();
    assert_eq!(pages, vec![None, Some("2".to_owned())], "both pages");
    assert_eq!(
        label_history(&h, RUST_GITLAB_ISSUE).await,
        vec![RECORDED_LABEL_CHANGE]
    );
}

#[tokio::test]
async fn an_instance_without_label_events_still_syncs_the_issue() {
    for refusal in [404, 403] {
        let gl = rust_gitlab();
        gl.fault(
            "/resource_label_events",
            vec![Reply::json(refusal, r#"{"message":"404 Not found"}"#)],
        );
        let server = gl.serve().await.unwrap();
        let (h, source) = rust_gitlab_source(&server).await;
        let report = h.sync(&source).await;
        assert_eq!(
            report.status,
            RunStatus::Succeeded,
            "{refusal}: {:?}",
            report.error
        );
        assert_eq!(stored(&h, RUST_GITLAB_ISSUE).await.len(), 1, "{refusal}");
        assert!(
            label_history(&h, RUST_GITLAB_ISSUE).await.is_empty(),
            "{refusal}: no label history read, none made up"
        );
        assert_eq!(
            h.strings(
                "SELECT t.from_state || '>' || t.to_state FROM transitions t WHERE t.kind = 'state'"
            )
            .await,
            vec!["open>closed"],
            "{refusal}: the issue's close still stands"
        );
    }
}

#[tokio::test]
async fn a_failing_label_history_is_retried_and_a_stored_one_serves_an_unchanged_issue() {
    let gl = rust_gitlab();
    gl.fault(
        "/resource_label_events",
        vec![Reply::json(502, "<html>502 Bad Gateway</html>")],
    );
    let server = gl.serve().await.unwrap();
    let (h, source) = rust_gitlab_source(&server).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(h.count("SELECT retries FROM sync_runs").await, 1);
    assert_eq!(
        label_history(&h, RUST_GITLAB_ISSUE).await,
        vec![RECORDED_LABEL_CHANGE]
    );
    // The next poll lists the issue again (it was updated within the overlap window before the
    // watermark) unchanged: its stored label history serves, the same.
    server.clear_requests();
    h.clock.advance(Duration::from_secs(600));
    let again = h.sync(&source).await;
    assert_eq!(again.status, RunStatus::Succeeded, "{:?}", again.error);
    let asked: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert!(
        asked.iter().any(|p| p.ends_with("/projects/855/issues")),
        "the issues are listed again: {asked:?}"
    );
    assert!(
        !asked.iter().any(|p| p == RUST_GITLAB_LABEL_EVENTS),
        "an unchanged issue's label history is not read again: {asked:?}"
    );
    assert_eq!(
        label_history(&h, RUST_GITLAB_ISSUE).await,
        vec![RECORDED_LABEL_CHANGE]
    );
}

/// gitlab.com's `forgejo/test_repo` as Forgejo recorded it. The project was archived by then
/// (`"archived": true`), and Baton leaves archived projects out, so its record is edited in
/// memory to say it is not (the file stays as recorded).
fn forgejo() -> Arc<FakeGitlab> {
    let gl = FakeGitlab::from_forgejo(&fixtures(), GL_TOKEN).unwrap();
    assert_eq!(gl.data().project["archived"], true, "as recorded");
    gl.data().project["archived"] = false.into();
    Arc::new(gl)
}

const FORGEJO_STATE_EVENTS: &str = "/api/v4/projects/61363672/issues/2/resource_state_events";

/// A harness with a source of the recorded `forgejo/test_repo`.
async fn forgejo_source(server: &ReplayServer) -> (Harness, String) {
    let h = Harness::new().await;
    let input = gitlab_input(
        "GitLab forgejo",
        &server.url(),
        None,
        &["forgejo/test_repo"],
        GL_TOKEN,
    );
    let source = h.add(&input).await;
    (h, source)
}

/// An item's state changes: `from>to|event id|time|actor login`, oldest first.
async fn state_history(h: &Harness, key: &str) -> Vec<String> {
    h.strings(&format!(
        "SELECT COALESCE(t.from_state, '') || '>' || t.to_state || '|' || t.event_id || '|' || t.at || '|' || \
           COALESCE((SELECT login FROM identities WHERE person_id = t.actor_id), '') \
         FROM transitions t WHERE t.kind = 'state' \
         AND t.item_id = (SELECT id FROM items WHERE key = '{key}') ORDER BY t.at, t.event_id"
    ))
    .await
}

/// The recorded state event as forgejo/test_repo#2's history says it: closed by mkobel at
/// 2024-09-03T14:43:10.947Z (its record's `closed_at` is 41 ms earlier).
const RECORDED_CLOSE: &str = "open>closed|state:241837962|1725374590947|mkobel";

#[tokio::test]
async fn a_recorded_state_event_becomes_the_close_of_its_issue() {
    let gl = forgejo();
    let (issue, event) = {
        let data = gl.data();
        let issue = data.issues.iter().find(|i| i["iid"] == 2).cloned().unwrap();
        (issue, data.state_events[&2][0].clone())
    };
    let server = gl.serve().await.unwrap();
    let (h, source) = forgejo_source(&server).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE key LIKE 'forgejo/test_repo#%'")
            .await,
        4,
        "the four recorded issues"
    );
    assert_eq!(
        state_history(&h, "forgejo/test_repo#2").await,
        vec![RECORDED_CLOSE],
        "the recorded event, in place of the close the record alone gives"
    );
    assert_eq!(
        state_history(&h, "forgejo/test_repo#1").await,
        vec!["open>closed|listed:closed|1725374590708|mkobel"],
        "an issue whose history says nothing keeps its record's close"
    );
    assert!(
        state_history(&h, "forgejo/test_repo#3").await.is_empty(),
        "an open issue with a recorded empty history has no change"
    );
    let asked: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/resource_state_events"))
        .collect();
    assert_eq!(asked.len(), 4, "each issue's state history, once");
    assert!(asked
        .iter()
        .all(|r| r.query == vec![("per_page".to_owned(), "100".to_owned())]));
    let kept = baton_core::graph::repo::raw_records::get(
        h.ws.pool(),
        &source,
        "issue_state_events",
        &issue["id"].to_string(),
    )
    .await
    .unwrap()
    .expect("the list is kept with the issue");
    let kept: Value = serde_json::from_str(&kept).unwrap();
    assert_eq!(kept, Value::from(vec![event]), "as GitLab answered it");
    let name: Vec<String> = h
        .strings("SELECT display_name FROM people WHERE id = (SELECT actor_id FROM transitions WHERE event_id = 'state:241837962')")
        .await;
    assert_eq!(name, vec!["Moritz Kobel"], "the event's user");
    // The next poll lists the issues again unchanged: their stored histories serve.
    server.clear_requests();
    h.clock.advance(Duration::from_secs(600));
    let again = h.sync(&source).await;
    assert_eq!(again.status, RunStatus::Succeeded, "{:?}", again.error);
    assert!(
        !server
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/resource_state_events")),
        "unchanged issues' state histories are not read again"
    );
    assert_eq!(
        state_history(&h, "forgejo/test_repo#2").await,
        vec![RECORDED_CLOSE]
    );
}

#[tokio::test]
async fn an_instance_without_state_events_keeps_the_close_its_record_gives() {
    for refusal in [404, 403] {
        let gl = forgejo();
        gl.fault(
            FORGEJO_STATE_EVENTS,
            vec![Reply::json(refusal, r#"{"message":"404 Not found"}"#)],
        );
        let server = gl.serve().await.unwrap();
        let (h, source) = forgejo_source(&server).await;
        let report = h.sync(&source).await;
        assert_eq!(
            report.status,
            RunStatus::Succeeded,
            "{refusal}: {:?}",
            report.error
        );
        assert_eq!(
            state_history(&h, "forgejo/test_repo#2").await,
            vec!["open>closed|listed:closed|1725374590906|mkobel"],
            "{refusal}: the record's close, at its closed_at, by its closed_by"
        );
    }
}

/// A system note of a merge request, as GitLab lists it (`/merge_requests/:iid/notes`).
fn system_note(id: i64, at: &str, by: &str, body: &str) -> Value {
    serde_json::json!({
        "id": id, "body": body, "system": true, "created_at": at,
        "author": {"id": id, "username": by, "name": by},
    })
}

/// The lifecycle of a GitHub pull request (draft → ready → review requested → changes
/// requested → review requested again → approved → merged), told by a merge request's system
/// notes in GitLab's wordings, takes the merge request through the same raw states, which the
/// workflow map gives the same flow states as pull requests' (the GitHub lifecycle test's
/// expectations), so time in review and cycle times compare across the two tools. And an open
/// merge request whose record names reviewers and whose notes say nothing waits for review.
#[tokio::test]
async fn a_merge_request_goes_through_the_pull_request_lifecycle_from_its_notes() {
    let gl = fake();
    // Edited in memory, never in the file: the recorded draft !21 (created
    // 2022-06-03T09:24:53.707Z by paul_armstrong) is given a review in system notes and is
    // merged; the recorded open !11 is given a reviewer on its record.
    {
        let mut data = gl.data();
        let mr = data
            .merge_requests
            .iter_mut()
            .find(|m| m["iid"] == 21)
            .unwrap();
        assert_eq!(mr["draft"], true, "!21 was recorded as a draft");
        mr["state"] = "merged".into();
        mr["draft"] = false.into();
        mr["work_in_progress"] = false.into();
        mr["merged_at"] = "2022-06-03T14:00:00.000Z".into();
        mr["updated_at"] = "2022-06-03T14:00:00.000Z".into();
        data.notes.insert(
            21,
            vec![
                system_note(
                    9_000_001,
                    "2022-06-03T10:00:00.000Z",
                    "paul_armstrong",
                    "marked this merge request as **ready**",
                ),
                system_note(
                    9_000_002,
                    "2022-06-03T10:05:00.000Z",
                    "paul_armstrong",
                    "requested review from @emilie",
                ),
                system_note(
                    9_000_003,
                    "2022-06-03T11:00:00.000Z",
                    "emilie",
                    "requested changes",
                ),
                system_note(
                    9_000_004,
                    "2022-06-03T12:00:00.000Z",
                    "paul_armstrong",
                    "requested review from @emilie",
                ),
                system_note(
                    9_000_005,
                    "2022-06-03T13:00:00.000Z",
                    "emilie",
                    "approved this merge request",
                ),
                system_note(9_000_006, "2022-06-03T14:00:00.000Z", "emilie", "merged"),
            ],
        );
        let open = data
            .merge_requests
            .iter_mut()
            .find(|m| m["iid"] == 11)
            .unwrap();
        open["reviewers"] =
            serde_json::json!([{"id": 77, "username": "tayloramurphy", "name": "Taylor Murphy"}]);
    }
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);

    let key = "gitlab-data/snowflake_spend!21";
    let (states, reviews) = history(&h, key).await;
    assert_eq!(
        states,
        vec![
            "draft>open|note:9000001|paul_armstrong",
            "open>review requested|note:9000002|paul_armstrong",
            "review requested>changes requested|note:9000003|emilie",
            "changes requested>review requested|note:9000004|paul_armstrong",
            "review requested>approved|note:9000005|emilie",
            "approved>merged|note:9000006|emilie",
        ],
        "draft → review → changes → review → approved → merged, each at its note's time"
    );
    assert_eq!(
        reviews,
        vec!["changes_requested|emilie", "approved|emilie"],
        "the reviewer's verdicts are review actions, as a pull request's reviews"
    );
    let at = |text: &str| parse_time(text).unwrap().to_string();
    assert_eq!(
        h.strings(&format!(
            "SELECT raw_state || '|' || flow_state || '|' || started_at || '|' || done_at \
             FROM items WHERE key = '{key}'"
        ))
        .await,
        vec![format!(
            "merged|done|{}|{}",
            at("2022-06-03T09:24:53.707Z"),
            at("2022-06-03T14:00:00.000Z")
        )],
        "started when opened, done when merged"
    );
    // Each raw state it went through means what it means for a pull request.
    let maps = h
        .strings(
            "SELECT item_kind || ':' || raw_state || '=' || flow_state || '/' || COALESCE(wait_reason, '') \
             FROM workflow_maps ORDER BY 1",
        )
        .await;
    for expected in [
        "pull_request:open=waiting/review",
        ":draft=active/",
        ":review requested=waiting/review",
        ":changes requested=active/",
        ":approved=waiting/queue",
        ":merged=done/",
        ":closed (unmerged)=canceled/",
    ] {
        assert!(
            maps.contains(&expected.to_owned()),
            "the map says {expected}, as for GitHub pull requests: {maps:?}"
        );
    }
    // Reviewers named on the record, no note about them: waiting for review.
    assert_eq!(
        h.strings(
            "SELECT raw_state || '|' || flow_state || '|' || wait_reason FROM items \
             WHERE key = 'gitlab-data/snowflake_spend!11'"
        )
        .await,
        vec!["review requested|waiting|review".to_owned()]
    );
}

/// The issues list requests a server saw, in order, each as its pagination parameters
/// (`keyset`, `keyset+cursor`, `offset p<N>`).
fn issue_pages(server: &ReplayServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .filter(|r| r.path == format!("/api/v4/projects/{PROJECT_ID}/issues"))
        .map(
            |r| match (r.param("pagination"), r.param("cursor"), r.param("page")) {
                (Some("keyset"), None, None) => "keyset".to_owned(),
                (Some("keyset"), Some(_), None) => "keyset+cursor".to_owned(),
                (None, None, page) => format!("offset p{}", page.unwrap_or("1")),
                other => format!("unexpected {other:?}"),
            },
        )
        .collect()
}

fn pages_of(size: u32) -> baton_core::sync::SyncOptions {
    let mut o = options();
    o.page_size = size;
    o
}

#[tokio::test]
async fn a_keyset_walk_follows_its_links_until_a_page_without_rel_next() {
    // 16 recorded issues by keyset pages of 5: 5, 5, 5, 1; the last page has no Link and
    // nothing else says there is more, so the walk asks no fifth page.
    let gl = fake();
    let server = gl.serve().await.unwrap();
    let h = Harness::with_options(pages_of(5)).await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        issue_pages(&server),
        vec!["keyset", "keyset+cursor", "keyset+cursor", "keyset+cursor"]
    );
    let cursors: std::collections::BTreeSet<String> = server
        .requests()
        .iter()
        .filter_map(|r| r.param("cursor").map(str::to_owned))
        .collect();
    assert_eq!(cursors.len(), 3, "each page's own cursor, once");
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE kind != 'pull_request'")
            .await,
        16
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 34);
    // Merge requests are asked for offset pages (GitLab documents no keyset pages for them).
    assert!(server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/merge_requests"))
        .all(|r| r.param("pagination").is_none()));
    assert_eq!(
        h.count("SELECT COUNT(*) FROM sync_cursors WHERE page_token IS NOT NULL")
            .await,
        0,
        "a walk that ended leaves no next page"
    );
    // The same workspace as offset pages give (an instance that ignores the request).
    let offset = {
        let gl = fake();
        gl.data().keyset = KeysetSupport::Ignored;
        let server = gl.serve().await.unwrap();
        let h = Harness::with_options(pages_of(5)).await;
        let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
        h.sync(&source).await;
        h.fingerprint().await
    };
    assert_same(
        &h.fingerprint().await,
        &offset,
        "keyset or offset pages: the same items",
    );
}

#[tokio::test]
async fn a_groups_projects_are_asked_by_keyset_pages_ordered_by_id() {
    // GitLab's projects keyset pager links after every page that is not empty: the walk ends
    // at the empty page that follows.
    let gl = fake();
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h
        .add(&gitlab_input(
            "GitLab group",
            &server.url(),
            Some("gitlab-data"),
            &[],
            GL_TOKEN,
        ))
        .await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let listed: Vec<(Option<String>, Option<String>, Option<String>)> = server
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v4/groups/gitlab-data/projects")
        .map(|r| {
            (
                r.param("pagination").map(str::to_owned),
                r.param("order_by").map(str::to_owned),
                r.param("id_after").map(str::to_owned),
            )
        })
        .collect();
    let keyset = Some("keyset".to_owned());
    let by_id = Some("id".to_owned());
    assert_eq!(
        listed,
        vec![
            (keyset.clone(), by_id.clone(), None),
            (keyset, by_id, Some(PROJECT_ID.to_string())),
        ]
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 34);
}

#[tokio::test]
async fn a_405_for_keyset_pages_falls_back_to_offset_pages_for_the_rest_of_the_run() {
    // An instance whose lists have no keyset pages (GitLab before 18.3 for issues, where its
    // API refused them): one 405 per list, then offset pages, Link or X-Next-Page.
    let gl = fake();
    gl.data().keyset = KeysetSupport::Refused;
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h
        .add(&gitlab_input(
            "GitLab group",
            &server.url(),
            Some("gitlab-data"),
            &[],
            GL_TOKEN,
        ))
        .await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 34);
    assert_eq!(
        issue_pages(&server),
        vec!["keyset", "offset p1", "offset p2"],
        "refused once, then offset pages from the first"
    );
    let groups: Vec<Option<String>> = server
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v4/groups/gitlab-data/projects")
        .map(|r| r.param("pagination").map(str::to_owned))
        .collect();
    assert_eq!(groups, vec![Some("keyset".to_owned()), None]);
}

#[tokio::test]
async fn an_instance_that_ignores_keyset_pages_is_walked_by_its_offset_pages() {
    // GitLab versions whose list ignores `pagination=keyset` answer with offset pages
    // (`X-Page`, `X-Next-Page`): those are followed, here by X-Next-Page alone.
    let gl = fake();
    {
        let mut data = gl.data();
        data.keyset = KeysetSupport::Ignored;
        data.no_link_header = true;
    }
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let pages: Vec<(Option<String>, Option<String>)> = server
        .requests()
        .iter()
        .filter(|r| r.path == format!("/api/v4/projects/{PROJECT_ID}/issues"))
        .map(|r| {
            (
                r.param("pagination").map(str::to_owned),
                r.param("page").map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        pages,
        vec![
            (Some("keyset".to_owned()), None),
            (Some("keyset".to_owned()), Some("2".to_owned())),
        ],
        "the second page is X-Next-Page's"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE kind != 'pull_request'")
            .await,
        16
    );
}

#[tokio::test]
async fn a_keyset_walk_stopped_mid_way_resumes_from_its_saved_cursor() {
    let reference = {
        let gl = fake();
        let server = gl.serve().await.unwrap();
        let h = Harness::with_options(pages_of(5)).await;
        let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
        h.sync(&source).await;
        h.fingerprint().await
    };
    // While `broken`, any keyset page of issues after the second (a cursor other than the
    // first one served) answers garbage: the run stops after writing two pages.
    let gl = fake();
    let broken = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let served: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let first_cursor: Arc<std::sync::Mutex<Option<String>>> = Arc::default();
    let (answer, flag, seen) = (gl.clone(), broken.clone(), served.clone());
    let handler: Handler = Arc::new(move |request: &Request| {
        if request.path != format!("/api/v4/projects/{PROJECT_ID}/issues") {
            return answer.answer(request);
        }
        let cursor = request.param("cursor").unwrap_or("").to_owned();
        seen.lock().unwrap().push(cursor.clone());
        if flag.load(std::sync::atomic::Ordering::SeqCst) && !cursor.is_empty() {
            let mut first = first_cursor.lock().unwrap();
            match first.as_deref() {
                None => *first = Some(cursor),
                Some(known) if known != cursor => {
                    return Reply::json(200, r#"{"message":"not a list"}"#)
                }
                Some(_) => {}
            }
        }
        answer.answer(request)
    });
    let server = ReplayServer::start(handler).await.unwrap();
    let h = Harness::with_options(pages_of(5)).await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_ne!(report.status, RunStatus::Succeeded);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE kind != 'pull_request'")
            .await,
        10,
        "two keyset pages of issues were written"
    );
    let saved = h
        .strings("SELECT page_token FROM sync_cursors WHERE stream LIKE 'issues:%'")
        .await;
    let token: Value = serde_json::from_str(&saved[0]).unwrap();
    assert!(
        token["next"].as_str().unwrap().contains("cursor="),
        "the saved next page is a keyset cursor: {token}"
    );
    // The cursor the stopped walk was refused at (the last list request of the run).
    let cursor = served.lock().unwrap().last().cloned().unwrap();
    assert!(!cursor.is_empty());
    // The next run starts where the walk stopped: at the saved cursor, not from the start.
    broken.store(false, std::sync::atomic::Ordering::SeqCst);
    served.lock().unwrap().clear();
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        served.lock().unwrap().first(),
        Some(&cursor),
        "the walk resumes at its saved cursor"
    );
    assert_same(
        &h.fingerprint().await,
        &reference,
        "a walk stopped and resumed ends as one that was not",
    );
}

#[tokio::test]
async fn offset_pages_refused_past_the_limit_restart_the_walk_with_keyset_pages() {
    // GitLab.com refuses offset pages past its limit for lists that have keyset pages (its
    // code answers 405 "Offset pagination has a maximum allowed offset of 50000 … Remaining
    // records can be retrieved using keyset pagination."). Here the limit is 10 records: a
    // walk on offset pages (keyset refused once, by a passing 405) is refused at its second
    // page and starts again on keyset pages.
    let gl = fake();
    gl.data().offset_limit = Some(10);
    gl.fault(
        &format!("/projects/{PROJECT_ID}/issues"),
        vec![Reply::json(
            405,
            r#"{"error":"Keyset pagination is not yet available for this type of request"}"#,
        )],
    );
    let server = gl.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_gitlab(&server.url(), GL_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        issue_pages(&server),
        vec![
            "keyset",
            "offset p1",
            "offset p2",
            "keyset",
            "keyset+cursor"
        ]
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 34);
    let links = server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/links"))
        .count();
    assert_eq!(
        links, 16,
        "issues listed again unchanged keep the lists read with them"
    );
}
