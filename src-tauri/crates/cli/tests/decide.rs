//! `baton decide` names an item the way people know it: by its id, its key (`PAY-12`,
//! `acme/payments-api#7`) or a key it had before its repository was renamed; a key nothing has
//! is refused with a message and records nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::baton;

use std::path::Path;

async fn rows(path: &Path, sql: &str) -> Vec<String> {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .connect()
        .await
        .unwrap();
    sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
}

#[tokio::test]
async fn decide_takes_an_id_a_key_or_a_former_key() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let file = dir.path().join("acme.baton");
    let path = file.to_str().unwrap();
    let out = baton(&[
        "demo",
        "--out",
        path,
        "--items",
        "1200",
        "--end",
        "2026-03-01",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let jira = rows(
        &file,
        "SELECT id || ' ' || key FROM items WHERE source_id = 'src-jira' ORDER BY id LIMIT 1",
    )
    .await;
    let (jira_id, jira_key) = jira[0].split_once(' ').unwrap();
    // An item of the renamed repository, by the key it had before (GitHub's old name).
    let former = rows(
        &file,
        "SELECT k.item_id || ' ' || substr(k.ref, instr(k.ref, 'acme/')) FROM item_keys k
          WHERE k.ref LIKE '%/acme/deploy-scripts#%' ORDER BY k.ref LIMIT 1",
    )
    .await;
    let (renamed_id, old_key) = former[0].split_once(' ').unwrap();
    assert!(old_key.starts_with("acme/deploy-scripts#"), "{old_key}");
    let github = rows(&file, "SELECT id || ' ' || key FROM items WHERE source_id = 'src-github' AND id <> '' ORDER BY id LIMIT 1").await;
    let (github_id, github_key) = github[0].split_once(' ').unwrap();

    for (named, expected) in [
        (jira_key, jira_id),
        (jira_id, jira_id),
        (github_key, github_id),
        (old_key, renamed_id),
    ] {
        let why = format!("named as {named}");
        let out = baton(&["decide", path, named, "--note", "looked at", "--why", &why]);
        assert!(
            out.status.success(),
            "{named}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let recorded = rows(
            &file,
            &format!("SELECT item_id FROM decisions WHERE why = '{why}'"),
        )
        .await;
        assert_eq!(
            recorded,
            vec![expected.to_owned()],
            "{named} names {expected}"
        );
    }

    let before = rows(&file, "SELECT COUNT(*) || '' FROM decisions").await;
    let out = baton(&[
        "decide",
        path,
        "acme/nowhere#1",
        "--note",
        "x",
        "--why",
        "y",
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no item has the id or key acme/nowhere#1"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        rows(&file, "SELECT COUNT(*) || '' FROM decisions").await,
        before
    );
}
