//! The Jira Cloud poller against a fake Jira serving real recorded issues (DevLake's
//! merico.atlassian.net and link-test rows): the scenario matrix of API-NOTES §4 for Jira.

use std::sync::Arc;
use std::time::Duration;

use baton_core::replay::jira::FakeJira;
use baton_core::replay::Reply;
use baton_core::sync::progress::RunStatus;

use crate::sync_support::*;

const PROJECTS: &[&str] = &["EE", "K5", "DZFNK0168"];

fn fake() -> Arc<FakeJira> {
    Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap())
}

#[tokio::test]
async fn a_first_sync_pages_by_token_and_maps_issues_changelogs_and_statuses() {
    let jira = fake();
    let total = jira.data().issues.len() as i64;
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        total,
        "every recorded issue"
    );
    let searches: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/search/jql"))
        .collect();
    let pages: i64 = PROJECTS
        .iter()
        .map(|p| {
            let n = jira
                .data()
                .issues
                .iter()
                .filter(|r| r.key.starts_with(&format!("{p}-")))
                .count() as i64;
            (n + 9) / 10
        })
        .sum();
    assert_eq!(
        searches.len() as i64,
        pages,
        "each project is walked by pages of 10 until its token runs out"
    );
    assert!(
        searches[1].param("nextPageToken").is_some(),
        "later pages send the token"
    );
    assert!(
        searches[0]
            .param("jql")
            .unwrap()
            .starts_with("project in (\"EE\") ORDER BY created ASC"),
        "one walk per project; a first sync has no lower bound: {:?}",
        searches[0].param("jql")
    );
    let auth = searches[0].header("authorization").unwrap();
    assert!(
        auth.starts_with("Basic "),
        "Jira gets Basic authentication (e-mail and API token)"
    );
    let states = h
        .count("SELECT COUNT(*) FROM transitions WHERE kind = 'state' AND item_id IN (SELECT id FROM items WHERE key LIKE 'EE-%')")
        .await;
    assert!(states > 30, "status changes from the changelogs: {states}");
    let maps = h
        .strings("SELECT raw_state || '=' || flow_state FROM workflow_maps ORDER BY 1")
        .await;
    assert!(
        maps.contains(&"In Progress=active".to_owned()),
        "statuses seed the mapping: {maps:?}"
    );
    assert!(maps.contains(&"已完成=done".to_owned()), "{maps:?}");
    let item = h.strings("SELECT kind || '|' || raw_state || '|' || flow_state || '|' || url FROM items WHERE key = 'EE-23'").await;
    assert_eq!(
        item[0],
        format!("defect|已完成|done|{}/browse/EE-23", server.url()),
        "缺陷 is a defect"
    );
    assert_eq!(h.clock.total_slept(), Duration::ZERO);
}

#[tokio::test]
async fn an_incremental_poll_bounds_the_jql_in_the_users_time_zone() {
    let jira = fake();
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    h.sync(&source).await;
    let newest = h
        .count("SELECT MAX(updated_at) FROM items WHERE key LIKE 'EE-%'")
        .await;
    server.clear_requests();
    // EE-2 moves on after the first poll.
    {
        let mut data = jira.data();
        let record = data.issues.iter_mut().find(|r| r.key == "EE-2").unwrap();
        record.issue["fields"]["summary"] = "changed after the first poll".into();
        record.issue["fields"]["updated"] = "2026-03-01T18:00:00.000+0800".into();
        record.updated =
            baton_core::connectors::parse_time("2026-03-01T18:00:00.000+0800").unwrap();
    }
    h.clock.advance(Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let search = server
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/search/jql"))
        .unwrap();
    let expected = baton_core::connectors::jira::jql_time(newest - 300_000, Some("Asia/Shanghai"));
    assert!(
        search
            .param("jql")
            .unwrap()
            .contains(&format!("updated >= '{expected}'")),
        "the project's watermark minus the overlap, floored to the minute, in the user's zone: {:?}",
        search.param("jql")
    );
    let titles = h
        .strings("SELECT title FROM items WHERE key = 'EE-2'")
        .await;
    assert_eq!(titles, vec!["changed after the first poll".to_owned()]);
    let total = h.count("SELECT COUNT(*) FROM items").await;
    assert!(
        report.figures.items > 1 && report.figures.items < total / 2,
        "only issues updated in the overlap window or since come back: {} of {total}",
        report.figures.items
    );
}

#[tokio::test]
async fn an_empty_page_with_a_token_ends_the_walk() {
    let jira = fake();
    jira.fault(
        "search/jql",
        vec![Reply::json(
            200,
            r#"{"issues":[],"nextPageToken":"tok-5","isLast":false}"#,
        )],
    );
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, &["EE"]).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/search/jql"))
            .count(),
        1,
        "no endless walk on a token that leads nowhere"
    );
}

#[tokio::test]
async fn rate_limits_honour_retry_after_then_the_reset_time() {
    let jira = fake();
    jira.fault(
        "search/jql",
        vec![
            Reply::json(429, r#"{"errorMessages":["Rate limit exceeded."]}"#)
                .header("retry-after", "7")
                .header("x-ratelimit-reset", "2026-03-02T01:00Z"),
            Reply::json(429, r#"{"errorMessages":["Rate limit exceeded."]}"#)
                .header("x-ratelimit-reset", "2026-03-02T00:02Z"),
            Reply::json(503, "<html>Service Unavailable</html>").header("retry-after", "3"),
        ],
    );
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.clock.sleeps(),
        vec![
            Duration::from_secs(7),
            Duration::from_millis(120_000 - 7_000 + 1_000),
            Duration::from_secs(3)
        ],
        "Retry-After first, else X-RateLimit-Reset (ISO); a 503's Retry-After is obeyed too"
    );
    assert_eq!(
        h.count("SELECT rate_limit_waits FROM sync_runs").await,
        2,
        "the 503 is a retry, not a rate limit"
    );
}

#[tokio::test]
async fn a_429_without_headers_backs_off_exponentially() {
    let jira = fake();
    jira.fault(
        "search/jql",
        vec![Reply::json(429, "{}"), Reply::json(429, "{}")],
    );
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    h.sync(&source).await;
    let sleeps = h.clock.sleeps();
    assert_eq!(sleeps.len(), 2);
    assert!(
        sleeps[0] >= Duration::from_millis(2_500) && sleeps[0] <= Duration::from_secs(5),
        "jittered first step: {sleeps:?}"
    );
    assert!(
        sleeps[1] >= Duration::from_secs(5) && sleeps[1] <= Duration::from_secs(10),
        "then doubled: {sleeps:?}"
    );
}

#[tokio::test]
async fn server_errors_and_broken_bodies_are_retried() {
    let jira = fake();
    jira.fault(
        "search/jql",
        vec![
            Reply::json(500, "{}"),
            Reply::json(200, "{\"issues\": [{\"id\": \"1\"").cut_after(10),
            Reply::json(200, "<html>proxy error</html>"),
        ],
    );
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(h.count("SELECT retries FROM sync_runs").await, 3);
}

#[tokio::test]
async fn an_overflowing_changelog_is_read_in_full() {
    let jira = fake();
    {
        let mut data = jira.data();
        data.embed_limit = 5;
        data.changelog_page = 10;
    }
    let full: usize = jira
        .data()
        .issues
        .iter()
        .find(|r| r.key == "EE-17")
        .map(|r| {
            r.histories
                .iter()
                .map(|h| {
                    h["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|i| i["field"] == "status")
                        .count()
                })
                .sum()
        })
        .unwrap();
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let pages = server
        .requests()
        .iter()
        .filter(|r| r.path == "/rest/api/3/issue/10079/changelog")
        .count();
    assert_eq!(pages, 4, "31 entries read 10 at a time, by the issue's id");
    let stored = h
        .count("SELECT COUNT(*) FROM transitions WHERE item_id = (SELECT id FROM items WHERE key = 'EE-17') AND kind = 'state'")
        .await;
    assert_eq!(
        stored as usize, full,
        "every status change, not only the embedded newest five"
    );
    // Same again: nothing new (transitions are keyed by the history id).
    h.clock.advance(Duration::from_secs(600));
    let before = h.count("SELECT COUNT(*) FROM transitions").await;
    {
        let mut data = jira.data();
        let record = data.issues.iter_mut().find(|r| r.key == "EE-17").unwrap();
        record.issue["fields"]["updated"] = "2026-03-01T18:00:00.000+0800".into();
        record.updated =
            baton_core::connectors::parse_time("2026-03-01T18:00:00.000+0800").unwrap();
    }
    h.sync(&source).await;
    assert_eq!(
        h.count("SELECT COUNT(*) FROM transitions").await,
        before,
        "re-reading a changelog duplicates nothing"
    );
}

#[tokio::test]
async fn a_link_seen_from_both_issues_is_one_edge() {
    let jira = fake();
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    h.sync(&source).await;
    let edges = h.key_links().await;
    for expected in [
        "DZFNK0168-5 blocks DZFNK0168-1",
        "DZFNK0168-2 blocks DZFNK0168-22",
        "DZFNK0168-11 duplicates DZFNK0168-5",
        "DZFNK0168-19 relates DZFNK0168-21",
    ] {
        assert_eq!(
            edges.iter().filter(|e| *e == expected).count(),
            1,
            "{expected} once, though both issues list it: {edges:?}"
        );
    }
    let pending = h
        .strings(
            "SELECT from_item_id || ' ' || kind || ' ' || to_item_id FROM pending_links ORDER BY 1",
        )
        .await;
    // IP8CUD168-35305 (Jira id 116583) is in a project this source does not sync.
    let expected = format!(
        "jira:127.0.0.1/116583 duplicates {}",
        h.id_of("DZFNK0168-11").await
    );
    assert!(
        pending.contains(&expected),
        "links to issues outside the synced projects wait for them, named by Jira's id: {pending:?}"
    );
}

#[tokio::test]
async fn a_removed_link_is_marked_removed() {
    let jira = fake();
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    h.sync(&source).await;
    {
        let mut data = jira.data();
        for key in ["DZFNK0168-1", "DZFNK0168-5"] {
            let record = data.issues.iter_mut().find(|r| r.key == key).unwrap();
            let links: Vec<serde_json::Value> = record.issue["fields"]["issuelinks"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|l| l["type"]["name"] != "Blocks")
                .cloned()
                .collect();
            record.issue["fields"]["issuelinks"] = links.into();
            record.issue["fields"]["updated"] = "2026-03-01T18:00:00.000+0800".into();
            record.updated =
                baton_core::connectors::parse_time("2026-03-01T18:00:00.000+0800").unwrap();
        }
    }
    h.clock.advance(Duration::from_secs(600));
    h.sync(&source).await;
    let removed = h
        .strings("SELECT f.key || '>' || t.key FROM links JOIN items f ON f.id = from_item_id JOIN items t ON t.id = to_item_id WHERE removed_at IS NOT NULL")
        .await;
    assert_eq!(
        removed,
        vec!["DZFNK0168-5>DZFNK0168-1".to_owned()],
        "only the removed link is retired, and kept"
    );
}

#[tokio::test]
async fn a_wrong_token_is_refused_clearly() {
    let jira = fake();
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let wrong = "ATATTwrongWRONGwrong999";
    let source = h.add_jira(&server.url(), wrong, PROJECTS).await;
    let report = h.sync(&source).await;
    let (code, message) = report.error.unwrap();
    assert_eq!(code, "auth_bad_token");
    assert!(
        !message.contains(wrong),
        "no token in the message: {message}"
    );
}

#[tokio::test]
async fn story_points_are_read_from_the_field_the_site_names_so() {
    // The recording carries a story point value in customfield_10024 (EE-2: 2.0, EE-1: -1, the
    // "unset" some sites write); its field list is not recorded, so the site's `/field` answer
    // names that field as Jira Cloud's team-managed projects do.
    let jira = fake();
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE estimate IS NOT NULL")
            .await,
        0,
        "a site whose fields name no story point field gives no estimates"
    );

    let jira = fake();
    jira.data().fields = vec![
        r#"{"id":"customfield_10024","name":"Story point estimate","custom":true,"schema":{"type":"number","custom":"com.pyxis.greenhopper.jira:jsw-story-points"}}"#.into(),
        r#"{"id":"customfield_10020","name":"Sprint","custom":true}"#.into(),
    ];
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_jira(&server.url(), JIRA_TOKEN, PROJECTS).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let searches: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/search/jql"))
        .collect();
    assert!(
        searches[0]
            .param("fields")
            .is_some_and(|f| f.split(',').any(|x| x == "customfield_10024")),
        "the story point field is asked for"
    );
    let estimates: Vec<(String, f64)> =
        sqlx::query_as("SELECT key, estimate FROM items WHERE estimate IS NOT NULL ORDER BY key")
            .fetch_all(h.ws.pool())
            .await
            .unwrap();
    assert_eq!(
        estimates,
        vec![("EE-2".to_owned(), 2.0)],
        "EE-2's 2 points; EE-1's -1 is no estimate"
    );
}
