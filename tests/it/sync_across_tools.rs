//! Links across tools: Jira keys named in pull requests' titles, branch names, descriptions and
//! commit messages become `implements` links to the Jira issues, whichever source syncs first.
//! The recorded panjf2000/ants pull requests and merico.atlassian.net issues (DevLake's rows)
//! have no key in common, so three real pull requests are edited to name three real issues, and
//! a fourth gets a real `committed` timeline entry (square/okhttp#7458's, github-stats) whose
//! message names a fourth (as `tests/fixtures/PROVENANCE.md` allows for cases no recording has).

use std::sync::Arc;

use baton_core::replay::github::{FakeGithub, Record};
use baton_core::replay::jira::FakeJira;
use baton_core::replay::ReplayServer;
use baton_core::sync::progress::RunStatus;
use serde_json::Value;

use crate::sync_support::*;

const PROJECTS: &[&str] = &["EE", "K5", "DZFNK0168"];

/// Edits recorded pull request `number`.
fn edit_pull(gh: &FakeGithub, number: i64, change: impl FnOnce(&mut Value)) {
    let mut data = gh.data();
    let record = data.pulls.iter_mut().find(|r| r.number == number).unwrap();
    let mut value: Value = serde_json::from_str(&record.json).unwrap();
    change(&mut value);
    *record = Record::from_json(&value.to_string()).unwrap();
}

async fn servers() -> (ReplayServer, ReplayServer) {
    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    edit_pull(&gh, 211, |v| {
        v["title"] = format!("EE-17: {}", v["title"].as_str().unwrap()).into();
    });
    edit_pull(&gh, 167, |v| {
        v["head"]["ref"] = "feature/K5-2-pool-size".into()
    });
    edit_pull(&gh, 176, |v| {
        v["body"] = "Implements DZFNK0168-5. Strings stay UTF-8 (not a key).".into();
    });
    let recorded: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("github/github-stats/timeline-okhttp-7458.json"))
            .unwrap(),
    )
    .unwrap();
    let mut commit = recorded
        .into_iter()
        .find(|e| e["event"] == "committed")
        .unwrap();
    commit["message"] = "Grow the pool in steps\n\nEE-19".into();
    gh.push_timeline_entry(189, &commit);
    let jira = Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap());
    (gh.serve().await.unwrap(), jira.serve().await.unwrap())
}

/// The links across tools: "pull request implements issue [where found]".
async fn across(h: &Harness) -> Vec<String> {
    h.strings(
        "SELECT f.key || ' ' || l.kind || ' ' || t.key || ' [' || COALESCE(l.found_in, '') || ']'
         FROM links l JOIN items f ON f.id = l.from_item_id JOIN items t ON t.id = l.to_item_id
         WHERE f.source_id <> t.source_id ORDER BY 1",
    )
    .await
}

#[tokio::test]
async fn jira_keys_in_pull_requests_link_them_to_the_issues_whichever_syncs_first() {
    let expected = vec![
        "panjf2000/ants#167 implements K5-2 [branch name]".to_owned(),
        "panjf2000/ants#176 implements DZFNK0168-5 [pull request description]".to_owned(),
        "panjf2000/ants#189 implements EE-19 [commit message]".to_owned(),
        "panjf2000/ants#211 implements EE-17 [pull request title]".to_owned(),
    ];

    // GitHub first: the links wait for their issues, then resolve when Jira syncs.
    let (gh, jira) = servers().await;
    let h = Harness::new().await;
    let github = h.add_github(&gh.url(), GH_TOKEN).await;
    let jira_source = h.add_jira(&jira.url(), JIRA_TOKEN, PROJECTS).await;
    let report = h.sync(&github).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.strings(
            "SELECT to_item_id FROM pending_links WHERE to_item_id LIKE 'jira-key:%' ORDER BY 1"
        )
        .await,
        vec![
            "jira-key:DZFNK0168-5",
            "jira-key:EE-17",
            "jira-key:EE-19",
            "jira-key:K5-2"
        ],
        "named by key until an issue has it (UTF-8 is not a key)"
    );
    let report = h.sync(&jira_source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(across(&h).await, expected);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM pending_links WHERE to_item_id LIKE 'jira-key:%'")
            .await,
        0
    );

    // Jira first: the links resolve at once.
    let (gh, jira) = servers().await;
    let other = Harness::new().await;
    let github = other.add_github(&gh.url(), GH_TOKEN).await;
    let jira_source = other.add_jira(&jira.url(), JIRA_TOKEN, PROJECTS).await;
    other.sync(&jira_source).await;
    other.sync(&github).await;
    assert_eq!(across(&other).await, expected, "the same graph either way");
    assert_eq!(
        other
            .count("SELECT COUNT(*) FROM links WHERE origin = 'inferred' AND found_in IN ('pull request title', 'branch name')")
            .await,
        2,
        "inferred links, each saying where it was found"
    );
    // The item drawer says it too, on both ends.
    for (key, far) in [
        ("panjf2000/ants#167", "K5-2"),
        ("K5-2", "panjf2000/ants#167"),
    ] {
        let detail = baton_core::query::item_detail(&other.ws, &other.id_of(key).await)
            .await
            .unwrap();
        let link = detail.links.iter().find(|l| l.other_key == far).unwrap();
        assert_eq!(link.found_in.as_deref(), Some("branch name"), "{key}");
    }
}
