//! `baton rules rederive`: a team rule added after a replayed sync (DevLake's recording of
//! panjf2000/ants) moves no item until it is applied; the preview prints how many items would
//! change before anything is written; applying needs a confirmation (`--yes` off a terminal) and
//! writes exactly what was shown, with no request to the source.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use baton_core::replay::github::FakeGithub;
use baton_core::replay::{Handler, ReplayServer};
use serde_json::Value;

const TOKEN: &str = "ghp_RULESTESTtoken";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures")
}

fn baton(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .env("BATON_TEST_TOKEN", TOKEN)
        .env("BATON_LOG", "error")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Items in the team named `team`, read straight from the file.
async fn in_team(file: &Path, team: &str) -> i64 {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}?mode=ro", file.display()))
        .await
        .unwrap();
    let n = sqlx::query_scalar(
        "SELECT COUNT(*) FROM items i JOIN teams t ON t.id = i.team_id WHERE t.name = ?",
    )
    .bind(team)
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_added_after_a_sync_is_previewed_then_applied_once_confirmed() {
    let fake = Arc::new(FakeGithub::from_devlake(&fixtures(), TOKEN).unwrap());
    let answer = fake.clone();
    let handler: Handler = Arc::new(move |r| answer.answer(r));
    let server = ReplayServer::start(handler).await.unwrap();
    fake.set_base(&server.url());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ants.baton");
    let path = file.to_str().unwrap().to_owned();
    let url = server.url();
    let p = path.clone();
    tokio::task::spawn_blocking(move || {
        let added = baton(&[
            "source",
            "add",
            &p,
            "--kind",
            "github",
            "--name",
            "ants",
            "--url",
            &url,
            "--repo",
            "panjf2000/ants",
            "--no-test",
            "--no-keychain",
        ]);
        assert!(added.status.success(), "{}", text(&added.stderr));
        let synced = baton(&[
            "sync",
            &p,
            "--source",
            "ants",
            "--token-env",
            "BATON_TEST_TOKEN",
        ]);
        assert!(synced.status.success(), "{}", text(&synced.stdout));
    })
    .await
    .unwrap();
    let requests = server.requests().len();

    let p = path.clone();
    let (added, preview, json) = tokio::task::spawn_blocking(move || {
        let added = baton(&[
            "rules",
            "add-team",
            &p,
            "--field",
            "label",
            "--pattern",
            "enhancement",
            "--team",
            "Features",
            "--create-team",
        ]);
        (
            added,
            baton(&["rules", "rederive", &p]),
            baton(&["rules", "rederive", &p, "--json"]),
        )
    })
    .await
    .unwrap();
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert_eq!(
        in_team(&file, "Features").await,
        0,
        "a saved rule moves nothing by itself"
    );
    assert!(preview.status.success(), "{}", text(&preview.stderr));
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let changed = report["changed"].as_i64().unwrap();
    assert!(changed > 0, "{report}");
    assert_eq!(report["applied"], false);
    assert!(
        text(&preview.stdout).contains(&format!(
            "{changed} would change ({changed} team, 0 provenance)"
        )),
        "the count is shown: {}",
        text(&preview.stdout)
    );
    assert_eq!(
        in_team(&file, "Features").await,
        0,
        "a preview writes nothing"
    );

    // Off a terminal, applying needs --yes; without it nothing is written.
    let p = path.clone();
    let (refused, applied, again) = tokio::task::spawn_blocking(move || {
        (
            baton(&["rules", "rederive", &p, "--apply"]),
            baton(&["rules", "rederive", &p, "--apply", "--yes"]),
            baton(&["rules", "rederive", &p, "--json"]),
        )
    })
    .await
    .unwrap();
    assert!(!refused.status.success());
    assert!(
        text(&refused.stdout).contains(&format!("{changed} would change")),
        "the count is shown before the question: {}",
        text(&refused.stdout)
    );
    assert!(
        text(&refused.stderr).contains("--yes"),
        "{}",
        text(&refused.stderr)
    );
    assert!(applied.status.success(), "{}", text(&applied.stderr));
    assert!(
        text(&applied.stdout).contains(&format!("applied: {changed} items changed")),
        "{}",
        text(&applied.stdout)
    );
    assert_eq!(
        in_team(&file, "Features").await,
        changed,
        "applying writes exactly what the preview counted"
    );
    let report: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(report["changed"], 0, "nothing left to change");
    assert_eq!(
        server.requests().len(),
        requests,
        "nothing was fetched again"
    );

    // The rule is listed; removed, its items would move back out.
    let p = path.clone();
    let (listed, json) = tokio::task::spawn_blocking(move || {
        (
            baton(&["rules", "list", &p]),
            baton(&["rules", "list", &p, "--json"]),
        )
    })
    .await
    .unwrap();
    let listed = text(&listed.stdout);
    assert!(
        listed.contains("enhancement") && listed.contains("Features"),
        "{listed}"
    );
    let rules: Value = serde_json::from_slice(&json.stdout).unwrap();
    let id = rules["team"][0]["id"].as_str().unwrap().to_owned();
    let p = path.clone();
    let (removed, back) = tokio::task::spawn_blocking(move || {
        (
            baton(&["rules", "remove-team", &p, &id]),
            baton(&["rules", "rederive", &p, "--json"]),
        )
    })
    .await
    .unwrap();
    assert!(removed.status.success(), "{}", text(&removed.stderr));
    let report: Value = serde_json::from_slice(&back.stdout).unwrap();
    assert_eq!(report["teamChanged"].as_i64(), Some(changed));
}
