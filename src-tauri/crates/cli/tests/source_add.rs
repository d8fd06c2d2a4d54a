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

#[test]
fn a_linear_source_is_added_with_its_team_keys() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let file = dir.path().join("team.baton");
    let path = file.to_str().unwrap();
    let out = baton(&[
        "source",
        "add",
        path,
        "--kind",
        "linear",
        "--name",
        "lin",
        "--team",
        " eng",
        "--team",
        "OPS",
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
        stdout.contains("linear") && stdout.contains("teams ENG, OPS"),
        "the team keys are checked and cleaned: {stdout}"
    );
    let bad = baton(&[
        "source",
        "add",
        path,
        "--kind",
        "linear",
        "--name",
        "bad",
        "--team",
        "ENG-1",
        "--token-env",
        "BATON_TEST_TOKEN",
        "--no-test",
        "--no-keychain",
    ])
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        !bad.status.success() && stderr.contains("is not a Linear team key"),
        "{stderr}"
    );
}

#[test]
fn a_file_source_needs_no_token_and_an_export_imports_back_through_it() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let demo = dir.path().join("demo.baton");
    let out = baton(&[
        "demo",
        "--items",
        "300",
        "--end",
        "2026-03-01",
        "--out",
        demo.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let jsonl = dir.path().join("items.jsonl");
    let out = baton(&[
        "export",
        demo.to_str().unwrap(),
        "--out",
        jsonl.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.starts_with("wrote "), "{said}");
    let first = std::fs::read_to_string(&jsonl).unwrap();
    assert!(
        first.starts_with(r#"{"baton":"items","version":1"#),
        "a header line first"
    );

    // No token asked, none stored: the keychain is never touched for a file.
    let moved = dir.path().join("moved.baton");
    let out = baton(&[
        "source",
        "add",
        moved.to_str().unwrap(),
        "--kind",
        "file",
        "--name",
        "moved",
        "--path",
        jsonl.to_str().unwrap(),
        "--format",
        "jsonl",
    ])
    .env_remove("BATON_TEST_TOKEN")
    .output()
    .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("readable as Baton JSON lines: ") && said.contains("added moved"),
        "tested, then added: {said}"
    );
    let out = baton(&["sync", moved.to_str().unwrap()]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stats = |file: &Path| {
        let out = baton(&["stats", file.to_str().unwrap(), "--json"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (
            v["totals"]["items"].clone(),
            v["totals"]["transitions"].clone(),
        )
    };
    assert_eq!(stats(&moved), stats(&demo), "the same items and changes");
    let listed = baton(&["source", "list", moved.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("(Baton JSON lines)"),
        "the list says which file and layout"
    );
    // A file source without --path is refused with the flag to give.
    let out = baton(&[
        "source",
        "add",
        moved.to_str().unwrap(),
        "--kind",
        "file",
        "--name",
        "x",
    ])
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--path"));
}
