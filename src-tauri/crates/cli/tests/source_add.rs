//! `baton source add FILE …` creates the workspace when it is missing; when the add then fails
//! (settings that do not hold, a keychain that refuses the token, a name already taken), a file
//! it created is removed again, and a file that was there before is left alone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn baton(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_baton"));
    command
        .args(args)
        .env("BATON_LOG", "warn")
        .env("BATON_TEST_TOKEN", "ghp_not_a_real_token");
    command
}

fn add(file: &Path, name: &str, repo: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "source",
        "add",
        file.to_str().unwrap(),
        "--kind",
        "github",
        "--name",
        name,
        "--repo",
        repo,
        "--token-env",
        "BATON_TEST_TOKEN",
        "--no-test",
    ];
    args.extend_from_slice(extra);
    baton(&args).output().unwrap()
}

fn leftovers(file: &Path) -> Vec<String> {
    let dir = file.parent().unwrap();
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn settings_that_do_not_hold_leave_no_workspace_behind() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let file = dir.path().join("team.baton");
    let out = add(&file, "acme", "not a repository", &["--no-keychain"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the add fails");
    assert!(
        stderr.contains("not a repository name like owner/name")
            && stderr.contains("[invalid_source]"),
        "it says why: {stderr}"
    );
    assert!(
        leftovers(&file).is_empty(),
        "no workspace file (nor -wal, -shm) is left: {:?}",
        leftovers(&file)
    );
}

#[test]
fn a_keychain_that_refuses_the_token_leaves_no_workspace_behind() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let file = dir.path().join("team.baton");
    // No Secret Service to talk to: the keychain refuses, as on a headless machine.
    let out = baton(&[
        "source",
        "add",
        file.to_str().unwrap(),
        "--kind",
        "github",
        "--name",
        "acme",
        "--repo",
        "acme/web",
        "--token-env",
        "BATON_TEST_TOKEN",
        "--no-test",
    ])
    .env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/baton-test-bus",
    )
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the add fails: {stderr}");
    assert!(stderr.contains("[keychain_unavailable]"), "{stderr}");
    assert!(
        leftovers(&file).is_empty(),
        "no workspace file (nor -wal, -shm) is left: {:?}",
        leftovers(&file)
    );
}

#[test]
fn a_refused_add_to_an_existing_workspace_keeps_it() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let file = dir.path().join("team.baton");
    let first = add(&file, "acme", "acme/web", &["--no-keychain"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let again = add(&file, "acme", "acme/api", &["--no-keychain"]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(!again.status.success());
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(file.exists(), "the workspace was there before: it stays");
    let list = baton(&["source", "list", file.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&list.stdout);
    assert!(
        stdout.contains("acme") && stdout.contains("repositories acme/web"),
        "with its source: {stdout}"
    );
}

#[test]
fn a_gitlab_source_is_added_with_its_group_and_projects() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let file = dir.path().join("team.baton");
    let path = file.to_str().unwrap();
    let out = baton(&[
        "source",
        "add",
        path,
        "--kind",
        "gitlab",
        "--name",
        "gl",
        "--group",
        " acme/platform ",
        "--project",
        "https://gitlab.com/acme/web",
        "--token-env",
        "BATON_TEST_TOKEN",
        "--no-test",
        "--no-keychain",
    ])
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = baton(&["source", "list", path]).output().unwrap();
    let stdout = String::from_utf8_lossy(&list.stdout);
    assert!(
        stdout.contains("gitlab") && stdout.contains("group acme/platform; projects acme/web"),
        "the scope is checked and cleaned: {stdout}"
    );
    let bad = baton(&[
        "source",
        "add",
        path,
        "--kind",
        "gitlab",
        "--name",
        "bad",
        "--project",
        "web",
        "--token-env",
        "BATON_TEST_TOKEN",
        "--no-test",
        "--no-keychain",
    ])
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        !bad.status.success() && stderr.contains("is not a GitLab project path"),
        "{stderr}"
    );
}
