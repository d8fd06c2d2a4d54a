//! `baton flow` on a replayed real GitHub organisation, synced as an organisation (its
//! repositories listed by `/orgs/{org}/repos`): DevLake's recording of panjf2000/ants (its pull
//! requests' timelines assembled from their real events and reviews) and five repositories whose
//! pull requests were recorded with their complete timelines (hossain-khan/github-stats'
//! fixtures). The open pull requests wait for review, so the work in progress and the review
//! queue are not empty — as they were when an open pull request and an open issue both meant New.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use baton_core::replay::github::{FakeGithub, FakeOrg};
use serde_json::Value;

const TOKEN: &str = "ghp_FLOWTESTtoken";

/// The repositories whose pull requests were recorded with their complete timelines.
const RECORDED: &[&str] = &[
    "freeCodeCamp/freeCodeCamp",
    "jquery/jquery",
    "square/okhttp",
    "square/retrofit",
    "hossain-khan/github-stats",
];

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures")
}

fn baton(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .env("BATON_TEST_TOKEN", TOKEN)
        .env("BATON_LOG", "error")
        .output()
        .unwrap()
}

/// The last day's figure of a daily series.
fn last(series: &Value) -> u64 {
    series
        .as_array()
        .and_then(|s| s.last())
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baton_flow_on_a_replayed_organisation_shows_work_in_progress_and_a_review_queue() {
    let recorded = fixtures().join("github/github-stats");
    let mut repos = vec![FakeGithub::from_devlake(&fixtures(), TOKEN).unwrap()];
    for repo in RECORDED {
        repos.push(FakeGithub::from_recorded_pulls(&recorded, TOKEN, repo).unwrap());
    }
    let org = Arc::new(FakeOrg::new(TOKEN, "replay", repos));
    let server = org.serve().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ants.baton");
    let path = file.to_str().unwrap().to_owned();
    let url = server.url();
    let out = tokio::task::spawn_blocking(move || {
        let added = baton(&[
            "source",
            "add",
            &path,
            "--kind",
            "github",
            "--name",
            "ants",
            "--url",
            &url,
            "--org",
            "replay",
            "--no-test",
            "--no-keychain",
        ]);
        assert!(
            added.status.success(),
            "{}",
            String::from_utf8_lossy(&added.stderr)
        );
        let synced = baton(&[
            "sync",
            &path,
            "--source",
            "ants",
            "--token-env",
            "BATON_TEST_TOKEN",
        ]);
        assert!(
            synced.status.success(),
            "{}",
            String::from_utf8_lossy(&synced.stdout)
        );
        baton(&["flow", &path, "--bottlenecks", "--json"])
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let requests = server.requests();
    assert!(
        requests.iter().any(|r| r.path == "/orgs/replay/repos"),
        "the organisation's repositories are listed"
    );
    for repo in ["panjf2000/ants"].iter().chain(RECORDED) {
        assert!(
            requests
                .iter()
                .any(|r| r.path == format!("/repos/{repo}/pulls")),
            "{repo} is synced as one of the organisation's repositories"
        );
    }
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let flow = &report["flow"];
    let in_progress = flow["inProgress"].as_u64().unwrap();
    assert!(
        in_progress >= 4,
        "the four open pull requests are work in progress: {in_progress}"
    );
    assert!(last(&flow["wipDaily"]) >= 4, "{}", flow["wipDaily"]);
    let review = report["bottlenecks"]["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["stage"] == "review")
        .map(|q| last(&q["counts"]))
        .unwrap_or(0);
    assert!(
        review >= 4,
        "the open pull requests wait in the review queue: {}",
        report["bottlenecks"]["queues"]
    );
}
