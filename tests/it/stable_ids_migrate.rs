//! Stable ids in an existing workspace: a workspace written before items were keyed by the
//! sources' stable ids (its schema stops at `20261204000002`, its GitHub items named
//! `gh:owner/name#N` and its Jira items `jira:KEY`) opens with the migrations that followed, and
//! its next syncs of the recorded panjf2000/ants and merico.atlassian.net data (DevLake's rows)
//! update its items in place: the same items, links and decisions as a workspace synced from
//! scratch, none duplicated, what people decided kept — also a decision taken after the upgrade
//! but before the repository's first sync under the new ids.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use baton_core::intents::{self, IntentInput, LinkTarget};
use baton_core::replay::github::FakeGithub;
use baton_core::replay::jira::FakeJira;
use baton_core::sync::progress::RunStatus;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::sync_support::*;

const PROJECTS: &[&str] = &["EE", "K5", "DZFNK0168"];
/// A `sources` row of the old schema: id, kind, name, base URL, scope, secret, created.
type SourceRow = (String, String, String, String, String, Option<String>, i64);
/// The last migration of the schema before stable ids.
const OLD_SCHEMA: i64 = 20261204000002;

fn migrations() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../src-tauri/crates/core/migrations")
}

/// A workspace file at the old schema: the migrations up to [`OLD_SCHEMA`], byte for byte.
async fn old_workspace(dir: &Path) -> (PathBuf, sqlx::SqlitePool) {
    let old = dir.join("old-migrations");
    std::fs::create_dir_all(&old).unwrap();
    for entry in std::fs::read_dir(migrations()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let version: i64 = name.split('_').next().unwrap().parse().unwrap();
        if version <= OLD_SCHEMA {
            std::fs::copy(&path, old.join(&name)).unwrap();
        }
    }
    let file = dir.join("old.baton");
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(&file)
                .create_if_missing(true)
                .foreign_keys(true),
        )
        .await
        .unwrap();
    sqlx::migrate::Migrator::new(old.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    (file, pool)
}

/// Every item as `id key`, and every link by its ends' keys.
async fn graph(h: &Harness) -> (Vec<String>, Vec<String>) {
    (
        h.strings("SELECT id || ' ' || key FROM items ORDER BY id")
            .await,
        h.key_links().await,
    )
}

#[tokio::test]
async fn a_workspace_from_before_stable_ids_migrates_and_its_next_sync_updates_its_items() {
    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    let jira = Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap());
    let (gh_server, jira_server) = (gh.serve().await.unwrap(), jira.serve().await.unwrap());

    // The graph a sync from scratch gives, and the sources as the app adds them.
    let fresh = Harness::new().await;
    let github = fresh.add_github(&gh_server.url(), GH_TOKEN).await;
    let jira_source = fresh
        .add_jira(&jira_server.url(), JIRA_TOKEN, PROJECTS)
        .await;
    assert_eq!(fresh.sync(&github).await.status, RunStatus::Succeeded);
    assert_eq!(fresh.sync(&jira_source).await.status, RunStatus::Succeeded);
    let (items, links) = graph(&fresh).await;

    // The old workspace: the same sources, and four items as the old schema keyed them, with a
    // stale title, a link a person drew by hand and a person's note.
    let dir = tempfile::tempdir().unwrap();
    let (file, old) = old_workspace(dir.path()).await;
    let sources: Vec<SourceRow> = sqlx::query_as(
        "SELECT id, kind, name, base_url, scope, secret_ref, created_at FROM sources ORDER BY id",
    )
    .fetch_all(fresh.ws.pool())
    .await
    .unwrap();
    for (id, kind, name, base_url, scope, secret_ref, created_at) in &sources {
        sqlx::query(
            "INSERT INTO sources (id, kind, name, base_url, scope, secret_ref, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(kind)
        .bind(name)
        .bind(base_url)
        .bind(scope)
        .bind(secret_ref)
        .bind(created_at)
        .execute(&old)
        .await
        .unwrap();
    }
    let kept = ["panjf2000/ants#44", "panjf2000/ants#211", "EE-17", "K5-3"];
    for key in kept {
        let old_id = if key.contains('#') {
            format!("gh:{key}")
        } else {
            format!("jira:{key}")
        };
        let row: (String, String, String, String, String, String, i64, i64) = sqlx::query_as(
            "SELECT source_id, external_id, url, kind, raw_state, flow_state, created_at, updated_at
             FROM items WHERE key = ?",
        )
        .bind(key)
        .fetch_one(fresh.ws.pool())
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO items (id, source_id, external_id, key, url, kind, title, provenance,
                                raw_state, flow_state, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, 'as it was then', 'human', ?, ?, ?, ?)",
        )
        .bind(&old_id)
        .bind(&row.0)
        .bind(&row.1)
        .bind(key)
        .bind(&row.2)
        .bind(&row.3)
        .bind(&row.4)
        .bind(&row.5)
        .bind(row.6)
        .bind(row.7 - 86_400_000)
        .execute(&old)
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO links (from_item_id, to_item_id, kind, origin, created_at)
         VALUES ('gh:panjf2000/ants#211', 'jira:EE-17', 'implements', 'manual', 1)",
    )
    .execute(&old)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO decisions (id, item_id, kind, value, author, created_at)
         VALUES ('d-old', 'gh:panjf2000/ants#44', 'note', 'checked with the team', 'ann', 2)",
    )
    .execute(&old)
    .await
    .unwrap();
    old.close().await;

    // Opened by this build: the migrations since run. Jira ids are stable at once (the numeric
    // id was stored); GitHub's wait for their repository's id.
    let h = Harness::open(dir, &file, fresh.secrets.clone()).await;
    let id_of = |key: &str| {
        items
            .iter()
            .find(|r| r.ends_with(&format!(" {key}")))
            .map(|r| r.split(' ').next().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(h.id_of("EE-17").await, id_of("EE-17"));
    assert_eq!(
        h.id_of("panjf2000/ants#44").await,
        "gh:127.0.0.1/panjf2000/ants#44"
    );
    // A person links #44 to an intent before the repository is synced again.
    let intent = intents::create(
        &h.ws,
        &IntentInput {
            title: "Pool rewrite".into(),
            ..IntentInput::default()
        },
        "ann",
        "",
        NOW,
    )
    .await
    .unwrap();
    intents::link(
        &h.ws,
        &[h.id_of("panjf2000/ants#44").await],
        &LinkTarget::Intent { id: intent.clone() },
        "ann",
        "",
        NOW,
    )
    .await
    .unwrap();

    for source in [&github, &jira_source] {
        let report = h.sync(source).await;
        assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    }
    let (migrated_items, migrated_links) = graph(&h).await;
    assert_same(
        &migrated_items,
        &items,
        "the same items, keyed alike, none twice",
    );
    let mut expected_links = links.clone();
    expected_links.push("panjf2000/ants#211 implements EE-17".to_owned());
    expected_links.sort();
    let mut migrated_links = migrated_links;
    migrated_links.sort();
    assert_eq!(
        migrated_links, expected_links,
        "the source's links, and the one drawn by hand"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items WHERE title = 'as it was then'")
            .await,
        0,
        "every old item was updated"
    );
    let ants_44 = id_of("panjf2000/ants#44");
    assert_eq!(
        h.strings("SELECT item_id FROM decisions WHERE id = 'd-old'")
            .await,
        vec![ants_44.clone()],
        "the note follows its item"
    );
    assert_eq!(
        h.strings(&format!(
            "SELECT COALESCE(intent_id, '-') FROM items WHERE id = '{ants_44}'"
        ))
        .await,
        vec![intent],
        "the hand link taken after the upgrade holds"
    );
    assert_eq!(
        h.strings("SELECT item_id FROM item_keys WHERE ref LIKE '%/panjf2000/ants#44'")
            .await,
        vec![ants_44],
        "its key names it"
    );
}
