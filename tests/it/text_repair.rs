//! Text that is not valid UTF-8 in a workspace, and JSON that names characters a string cannot
//! hold: one bad value never makes the workspace (or a sync page) unreadable; it shows with
//! U+FFFD and the repair is said.

use std::path::Path;
use std::sync::Arc;

use baton_core::graph::Workspace;
use baton_core::replay::github::FakeGithub;
use baton_core::sync::progress::RunStatus;

use crate::common::small_workspace;
use crate::sync_support::*;
use crate::workspace_files::closed_copy;

/// Stores `bytes` as the TEXT of one column of one row, as another tool (or damage) could.
async fn write_bad_text(path: &Path, table: &str, column: &str, id: &str, bytes: &str) {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .connect()
        .await
        .unwrap();
    sqlx::query(&format!(
        "UPDATE {table} SET {column} = CAST(X'{bytes}' AS TEXT) WHERE id = ?1"
    ))
    .bind(id)
    .execute(&mut conn)
    .await
    .unwrap();
    let stored: Vec<u8> = sqlx::query_scalar(&format!(
        "SELECT CAST({column} AS BLOB) FROM {table} WHERE id = ?1"
    ))
    .bind(id)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert!(
        std::str::from_utf8(&stored).is_err(),
        "the stored text really is not UTF-8"
    );
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn text_that_is_not_utf8_is_read_with_replacement_characters_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let ws = small_workspace(&dir.path().join("built")).await;
    let path = closed_copy(ws, &dir.path().join("small.baton")).await;
    // "Broken \xff\xfe title" and "Plat\xc3" (a cut-off two-byte sequence).
    write_bad_text(
        &path,
        "items",
        "title",
        "gh-3",
        "42726F6B656E20FFFE207469746C65",
    )
    .await;
    write_bad_text(&path, "teams", "name", "team-plat", "506C6174C3").await;

    let ws = Workspace::open(&path).await.expect("opens");
    let summary = baton_core::query::workspace_summary(&ws)
        .await
        .expect("the summary reads");
    assert_eq!(summary.totals.items, 6, "no row is lost");
    assert!(
        summary.by_team.iter().any(|c| c.label == "Plat\u{fffd}"),
        "the team shows with a replacement character: {:?}",
        summary.by_team
    );
    let mut repaired: Vec<(String, String, String)> = summary
        .repaired_text
        .iter()
        .map(|r| (r.table.clone(), r.row.clone(), r.column.clone()))
        .collect();
    repaired.sort();
    assert_eq!(
        repaired,
        vec![
            ("items".into(), "gh-3".into(), "title".into()),
            ("teams".into(), "team-plat".into(), "name".into()),
        ],
        "the summary says which rows were repaired"
    );

    let page = baton_core::query::items_list(&ws, &Default::default())
        .await
        .expect("the list reads");
    assert_eq!(page.total, 6);
    let row = page.rows.iter().find(|r| r.id == "gh-3").unwrap();
    assert_eq!(row.title, "Broken \u{fffd}\u{fffd} title");
    assert_eq!(row.team_name.as_deref(), Some("Plat\u{fffd}"));
    let detail = baton_core::query::item_detail(&ws, "gh-3")
        .await
        .expect("the detail reads");
    assert_eq!(detail.item.title, "Broken \u{fffd}\u{fffd} title");

    let now = baton_core::time::now_ms();
    let flow = baton_core::flow::flow_report(&ws, &Default::default(), now)
        .await
        .expect("the flow report reads");
    assert!(
        flow.aging
            .iter()
            .any(|a| a.item.title == "Broken \u{fffd}\u{fffd} title"),
        "the open item is among the aging items, with its repaired title: {:?}",
        flow.aging.iter().map(|a| &a.item).collect::<Vec<_>>()
    );
    baton_core::flow::bottleneck_report(&ws, &Default::default(), now)
        .await
        .expect("the bottlenecks read");
    baton_core::deps::deps_report(&ws, &Default::default(), now)
        .await
        .expect("the dependencies read");
    ws.close().await;

    let ro = Workspace::open_read_only(&path).await.unwrap();
    let ix = ro.index().await.unwrap();
    assert_eq!(
        ix.repaired.len(),
        2,
        "a read-only open repairs the same way"
    );
    ro.close().await;
}

#[tokio::test]
async fn a_record_with_a_lone_surrogate_escape_is_synced_with_a_replacement_character() {
    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    {
        let mut data = gh.data();
        let record = data.issues.iter_mut().find(|r| r.number == 44).unwrap();
        let mut value: serde_json::Value = serde_json::from_str(&record.json).unwrap();
        value["title"] = "Broken LONE title".into();
        // JSON can name half of a UTF-16 surrogate pair; no Rust string can hold one.
        record.json = value.to_string().replace("LONE", "\\ud800");
    }
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let titles = h
        .strings("SELECT title FROM items WHERE key = 'panjf2000/ants#44'")
        .await;
    assert_eq!(
        titles,
        vec!["Broken \u{fffd} title".to_owned()],
        "the record is kept, its lone surrogate replaced"
    );
}
