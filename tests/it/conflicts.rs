//! Conflicting changes from a sync: the GitHub poller reads what pull requests touch
//! (`/pulls/{n}/files`, a real recording of PyGithub/PyGithub#31 from PyGithub's ReplayData) and
//! the repository's `CODEOWNERS` (contents API; no real recording of one was found, so the
//! fixture is shaped like the documented answer), stores both, and the conflict rules run on
//! what was stored.

use std::collections::HashMap;
use std::sync::Arc;

use baton_core::conflicts::{live, ConflictRule};
use baton_core::graph::model::Team;
use baton_core::graph::repo::{self, team_rules::TeamRule};
use baton_core::replay::github::{FakeGithub, GithubData, Record};
use baton_core::sync::progress::RunStatus;

use crate::sync_support::*;

pub(crate) const REPO: &str = "PyGithub/PyGithub";

/// The body PyGithub's recording (`tests/ReplayData/*.txt`: ten lines per request, the path on
/// the fifth, the response body on the tenth) gives for `path`.
fn recorded(file: &str, path: &str) -> String {
    let text = std::fs::read_to_string(fixtures().join("github/pygithub").join(file)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == path)
        .unwrap_or_else(|| panic!("{path} is recorded in {file}"));
    lines[at + 5].to_owned()
}

fn codeowners() -> String {
    std::fs::read_to_string(fixtures().join("github/codeowners/contents-github-CODEOWNERS.json"))
        .unwrap()
}

/// The fake serving the real pull request #31 (open again: `reopen`) with its real file list.
pub(crate) fn fake(reopen: bool) -> Arc<FakeGithub> {
    let mut pull: serde_json::Value = serde_json::from_str(&recorded(
        "PullRequest.setUp.txt",
        "/repos/PyGithub/PyGithub/pulls/31",
    ))
    .unwrap();
    if reopen {
        pull["state"] = "open".into();
        pull["closed_at"] = serde_json::Value::Null;
        pull["merged_at"] = serde_json::Value::Null;
    }
    let files: Vec<serde_json::Value> = serde_json::from_str(&recorded(
        "PullRequest.testGetFiles.txt",
        "/repos/PyGithub/PyGithub/pulls/31/files",
    ))
    .unwrap();
    let mut data = GithubData::default();
    data.pulls
        .push(Record::from_json(&pull.to_string()).expect("a pull request"));
    data.files
        .insert(31, files.iter().map(serde_json::Value::to_string).collect());
    data.contents
        .insert(".github/CODEOWNERS".into(), codeowners());
    Arc::new(FakeGithub::with_data(GH_TOKEN, REPO, data).with_repo_id(3544490))
}

async fn teams(h: &Harness) {
    let mut conn = h.ws.pool().acquire().await.unwrap();
    repo::teams::upsert_many(
        &mut conn,
        &[
            Team {
                id: "team-core".into(),
                name: "Core".into(),
            },
            Team {
                id: "team-codegen".into(),
                name: "Codegen".into(),
            },
        ],
    )
    .await
    .unwrap();
    drop(conn);
    repo::team_rules::upsert(
        h.ws.pool(),
        &TeamRule {
            id: "r1".into(),
            source_id: None,
            field: "repo".into(),
            pattern: "PyGithub/*".into(),
            team_id: "team-codegen".into(),
            priority: 100,
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_sync_stores_the_real_files_of_a_pull_request_and_the_codeowners() {
    let gh = fake(false);
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h
        .add(&github_input(
            "GitHub PyGithub",
            &server.url(),
            &[REPO],
            GH_TOKEN,
        ))
        .await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let item = h
        .strings("SELECT id FROM items WHERE key = 'PyGithub/PyGithub#31'")
        .await;
    assert_eq!(item.len(), 1, "the recorded pull request is stored");
    let paths = repo::item_paths::paths_of(h.ws.pool(), &item[0])
        .await
        .unwrap();
    assert_eq!(paths.len(), 45, "every file of the real recording");
    let first = paths
        .iter()
        .find(|p| p.path == "codegen/templates/GithubObject.py")
        .expect("the first recorded file");
    assert_eq!(
        (first.status.as_str(), first.additions, first.deletions),
        ("modified", 1, 1),
        "status and line counts as GitHub recorded them"
    );
    assert_eq!(
        repo::item_paths::list_of(h.ws.pool(), &item[0])
            .await
            .unwrap(),
        Some((45, false)),
        "45 files, the list not cut"
    );
    let under = repo::item_paths::items_touching(h.ws.pool(), "src/github/")
        .await
        .unwrap();
    assert_eq!(under, item, "the path prefix query finds the pull request");
    assert!(
        repo::item_paths::items_touching(h.ws.pool(), "src/gith")
            .await
            .unwrap()
            .len()
            == 1
            && repo::item_paths::items_touching(h.ws.pool(), "docs/")
                .await
                .unwrap()
                .is_empty(),
        "a prefix is a string prefix; nothing lives under docs/"
    );
    let owners = repo::item_paths::owners_of(h.ws.pool(), &source, REPO)
        .await
        .unwrap()
        .expect("CODEOWNERS read");
    assert_eq!(owners.location.as_deref(), Some(".github/CODEOWNERS"));
    assert!(
        owners.body.contains("/src/github/ @PyGithub/core"),
        "the base64 content is decoded: {}",
        owners.body
    );
    let asked: Vec<String> = server
        .requests()
        .into_iter()
        .map(|r| r.path)
        .filter(|p| p.contains("/contents/"))
        .collect();
    assert_eq!(
        asked,
        vec!["/repos/PyGithub/PyGithub/contents/.github/CODEOWNERS".to_owned()],
        "the first location GitHub reads is found: the others are not asked"
    );

    // The next sync: nothing changed, so no file list is read again and the CODEOWNERS file
    // (same blob) is not rewritten.
    server.clear_requests();
    h.clock.advance(std::time::Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| !r.path.ends_with("/files")),
        "an unchanged pull request's files are not read again"
    );
    let read_at = h.count("SELECT read_at FROM repo_owners").await;
    assert_eq!(
        read_at, owners.read_at,
        "an unchanged CODEOWNERS is not rewritten"
    );
}

#[tokio::test]
async fn conflicts_are_computed_on_the_synced_graph() {
    let gh = fake(true);
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    teams(&h).await;
    let source = h
        .add(&github_input(
            "GitHub PyGithub",
            &server.url(),
            &[REPO],
            GH_TOKEN,
        ))
        .await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let conflicts = live::compute(&h.ws).await.unwrap();
    assert_eq!(conflicts.changes_read, 1);
    assert_eq!(conflicts.repositories_with_owners, 1);
    let cross: Vec<_> = conflicts
        .conflicts
        .iter()
        .filter(|c| c.rule == ConflictRule::CrossOwnerUnreviewed)
        .collect();
    assert_eq!(cross.len(), 1, "{:?}", conflicts.conflicts);
    assert_eq!(cross[0].other_team.as_deref(), Some("Core"));
    assert_eq!(cross[0].item.key, "PyGithub/PyGithub#31");
    assert_eq!(
        cross[0].item.title, "Title edited by PyGithub",
        "titles as written"
    );
    assert!(
        cross[0]
            .reason
            .starts_with("Changes src/github/AuthenticatedUser.py, src/github/Authorization.py, src/github/Branch.py and 41 more owned by Core without a review from Core"),
        "{}",
        cross[0].reason
    );
    assert!(
        cross[0].paths.contains(&"test/Issue.py".to_owned()),
        "/test/ is Core's too"
    );
    let touches: HashMap<(String, String), u32> = conflicts
        .touches
        .iter()
        .map(|t| ((t.from_team.clone(), t.to_team.clone()), t.changes))
        .collect();
    assert_eq!(
        touches.get(&("Codegen".to_owned(), "Core".to_owned())),
        Some(&1),
        "Codegen changes Core's code: {touches:?}"
    );
    // Core's review clears the flag.
    sqlx::query("INSERT INTO people (id, display_name, team_id, is_bot) VALUES ('p-rev', 'Reviewer', 'team-core', 0)")
        .execute(h.ws.pool())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO transitions (item_id, event_id, kind, to_state, at, actor_id)
         SELECT id, 'review-1', 'review', 'approved', 0, 'p-rev' FROM items WHERE key = 'PyGithub/PyGithub#31'",
    )
    .execute(h.ws.pool())
    .await
    .unwrap();
    let conflicts = live::compute(&h.ws).await.unwrap();
    assert!(
        conflicts
            .conflicts
            .iter()
            .all(|c| c.rule != ConflictRule::CrossOwnerUnreviewed),
        "approved by Core: {:?}",
        conflicts.conflicts
    );
}

#[tokio::test]
async fn a_list_past_three_thousand_files_is_cut_and_said_so() {
    // Shaped like the documented `/pulls/{n}/files` answer (no real recording of a pull request
    // this large was found): GitHub lists at most 3,000 files, 100 a page.
    let gh = fake(true);
    let many: Vec<String> = (0..3_050)
        .map(|i| {
            serde_json::json!({
                "sha": "bbcd538c8e72b8c175046e27cc8f907076331401",
                "filename": format!("src/generated/file{i:04}.py"),
                "status": "added",
                "additions": 1,
                "deletions": 0,
                "changes": 1,
            })
            .to_string()
        })
        .collect();
    gh.data().files.insert(31, many);
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h
        .add(&github_input(
            "GitHub PyGithub",
            &server.url(),
            &[REPO],
            GH_TOKEN,
        ))
        .await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let pages = server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/files"))
        .count();
    assert_eq!(
        pages, 30,
        "30 pages of 100, and no page past GitHub's limit"
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM item_paths").await, 3_000);
    assert_eq!(
        h.count("SELECT truncated FROM item_path_lists").await,
        1,
        "the list is marked cut short"
    );
}
