//! File sources: a states CSV, Jira's CSV export and Baton's JSON lines imported through the
//! `file` connector, with bad rows reported by line, re-imports that update, resumption after a
//! kill, and an export that imports back to the same work.

use std::sync::{Arc, Mutex};

use baton_core::connectors::file::export::export_items;
use baton_core::connectors::file::{FileColumns, FileFormat, FileScope};
use baton_core::connectors::SourceScope;
use baton_core::replay::jira::FakeJira;
use baton_core::sync::progress::{RunStatus, SyncProgress};
use baton_core::sync::sources::SourceInput;
use baton_core::sync::{run_source, SyncContext};
use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use crate::sync_support::*;

fn file_input(
    name: &str,
    path: &std::path::Path,
    format: FileFormat,
    columns: FileColumns,
) -> SourceInput {
    SourceInput {
        name: name.into(),
        base_url: String::new(),
        poll_interval_minutes: 60,
        token: None,
        scope: SourceScope::File(FileScope {
            path: path.to_string_lossy().into_owned(),
            format,
            columns: Box::new(columns),
        }),
    }
}

fn states_columns() -> FileColumns {
    FileColumns {
        id: Some("ID".into()),
        title: Some("Title".into()),
        team: Some("Team".into()),
        states: vec![
            "Backlog".into(),
            "In Progress".into(),
            "Review".into(),
            "Done".into(),
        ],
        ..FileColumns::default()
    }
}

const STATES_CSV: &str = "\
ID,Title,Team,Backlog,In Progress,Review,Done
A-1,Refund queue,Payments,2026-01-05,2026-01-06,2026-01-08,2026-01-09
A-2,\"<img src=x onerror=alert(1)>, quoted\",Payments,2026-01-05,2026-01-07,,
A-3,Checkout copy,Checkout,2026-01-10,,,
A-4,Broken date,Checkout,2026-01-10,not a date,,
";

#[tokio::test]
async fn a_states_csv_imports_its_history_reports_bad_rows_by_line_and_reimports_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flow.csv");
    std::fs::write(&path, STATES_CSV).unwrap();
    let h = Harness::new().await;
    let source = h
        .add(&file_input(
            "Spreadsheet",
            &path,
            FileFormat::StatesCsv,
            states_columns(),
        ))
        .await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::FinishedWithErrors);
    let (_, message) = report.error.clone().unwrap();
    assert!(
        message.contains("line 5")
            && message.contains("\"not a date\"")
            && message.contains("In Progress"),
        "the bad row is named by its line, column and value: {message}"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        3,
        "the other rows are imported"
    );
    assert_eq!(
        h.strings("SELECT key || ' ' || raw_state || ' ' || flow_state FROM items ORDER BY key")
            .await,
        ["A-1 Done done", "A-2 In Progress active", "A-3 Backlog new"],
        "the current state is the last state with a date; its meaning comes from the workflow map"
    );
    assert_eq!(
        h.strings("SELECT title FROM items WHERE key = 'A-2'").await,
        ["<img src=x onerror=alert(1)>, quoted"],
        "a hostile title is kept as text"
    );
    let day = |d: &str| {
        DateTime::parse_from_rfc3339(&format!("{d}T00:00:00Z"))
            .unwrap()
            .timestamp_millis()
    };
    let a1: (i64, Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT created_at, started_at, done_at FROM items WHERE key = 'A-1'")
            .fetch_one(h.ws.pool())
            .await
            .unwrap();
    assert_eq!(
        a1,
        (
            day("2026-01-05"),
            Some(day("2026-01-06")),
            Some(day("2026-01-09"))
        )
    );
    assert_eq!(
        h.strings(
            "SELECT coalesce(from_state, '-') || '>' || to_state FROM transitions t
             JOIN items i ON i.id = t.item_id WHERE i.key = 'A-1' ORDER BY at"
        )
        .await,
        [
            "->Backlog",
            "Backlog>In Progress",
            "In Progress>Review",
            "Review>Done"
        ]
    );
    assert_eq!(
        h.strings("SELECT t.name FROM items i JOIN teams t ON t.id = i.team_id ORDER BY i.key")
            .await,
        ["Payments", "Payments", "Checkout"],
        "the teams the file names are created and set"
    );

    // The row is fixed and A-2 moves on: the same items are updated, none is added twice.
    std::fs::write(
        &path,
        STATES_CSV
            .replace("not a date", "2026-01-11")
            .replace("2026-01-07,,", "2026-01-07,2026-01-12,"),
    )
    .unwrap();
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 4);
    assert_eq!(
        h.strings("SELECT raw_state FROM items WHERE key IN ('A-2', 'A-4') ORDER BY key")
            .await,
        ["Review", "In Progress"]
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM transitions t JOIN items i ON i.id = t.item_id WHERE i.key = 'A-2'")
            .await,
        3,
        "a re-import replaces the item's history, it does not add to it"
    );
    let before = h.fingerprint().await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded);
    assert_eq!(
        report.figures.pages, 0,
        "an unchanged file is not read again"
    );
    assert_same(&before, &h.fingerprint().await, "nothing changes");
}

#[tokio::test]
async fn bad_files_fail_with_a_clear_message_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::new().await;
    let cases: Vec<(&str, Vec<u8>, FileFormat, FileColumns, &str)> = vec![
        (
            "latin1.csv",
            b"ID,Title,Backlog\n1,Caf\xe9,2026-01-01\n".to_vec(),
            FileFormat::StatesCsv,
            FileColumns {
                id: Some("ID".into()),
                states: vec!["Backlog".into()],
                ..FileColumns::default()
            },
            "is not UTF-8",
        ),
        (
            "noid.csv",
            b"Key,Title,Backlog\n1,x,2026-01-01\n".to_vec(),
            FileFormat::StatesCsv,
            FileColumns {
                id: Some("ID".into()),
                states: vec!["Backlog".into()],
                ..FileColumns::default()
            },
            "has no \"ID\" column for the id (its columns: Key, Title, Backlog)",
        ),
        (
            "missing.jsonl",
            Vec::new(),
            FileFormat::BatonJsonl,
            FileColumns::default(),
            "cannot read",
        ),
    ];
    for (name, bytes, format, columns, expected) in cases {
        let path = dir.path().join(name);
        if !bytes.is_empty() {
            std::fs::write(&path, bytes).unwrap();
        }
        let source = h.add(&file_input(name, &path, format, columns)).await;
        let report = h.sync(&source).await;
        assert_eq!(report.status, RunStatus::Failed, "{name}");
        let (_, message) = report.error.unwrap();
        assert!(message.contains(expected), "{name}: {message}");
    }
    assert_eq!(h.count("SELECT COUNT(*) FROM items").await, 0);
    // A relative path is refused when the source is added.
    let err = baton_core::sync::sources::add(
        &h.ws,
        h.secrets.as_ref(),
        None,
        &file_input(
            "relative",
            std::path::Path::new("data/x.csv"),
            FileFormat::StatesCsv,
            states_columns(),
        ),
        NOW,
    )
    .await
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(err.contains("not an absolute path"), "{err}");
}

#[tokio::test]
async fn jsonl_lines_that_are_not_items_are_reported_and_the_rest_imported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("items.jsonl");
    std::fs::write(
        &path,
        [
            r#"{"baton":"items","version":1}"#,
            r#"{"id":"x1","title":"Parent","kind":"feature","state":"In Progress","created":"2026-01-01T09:00:00Z","transitions":[{"at":"2026-01-02T09:00:00Z","from":"To Do","to":"In Progress","by":"ana"}],"links":[{"kind":"parent","to":"x2"},{"kind":"blocks","to":"PAY-9"}]}"#,
            r#"{"id":"x2","title":"Child","kind":"Bug","state":"Done","created":"2026-01-01T10:00:00Z","resolved":"2026-01-03T10:00:00Z","provenance":"ai_agent","agent":"copilot"}"#,
            "{not json",
            r#"{"id":"x3","title":"No state","created":"2026-01-01T10:00:00Z"}"#,
            r#"{"id":"x4","title":"Bad time","state":"Done","created":"yesterday"}"#,
            // A header of a later version shaped like an item, a header whose key is written
            // with an escape, and an item naming its title twice (the last one counts): each
            // read as the whole line says, not as the item fields it would read into.
            r#"{"baton":"items","version":2,"id":"h1","title":"Header","state":"Done","created":"2026-01-01T10:00:00Z"}"#,
            r#"{"b\u0061ton":"items","version":3}"#,
            r#"{"id":"x5","title":"First","title":"Last","kind":"defect","state":"Done","created":"2026-01-01T10:00:00Z","provenance":"human"}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let h = Harness::new().await;
    let source = h
        .add(&file_input(
            "Items",
            &path,
            FileFormat::BatonJsonl,
            FileColumns::default(),
        ))
        .await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::FinishedWithErrors);
    let (_, message) = report.error.unwrap();
    assert!(
        message.starts_with("5 records could not be imported"),
        "{message}"
    );
    for line in [
        "line 4: not JSON",
        "line 5: not an item",
        "line 6: x4: the created time \"yesterday\"",
        "line 7: a \"items\" file of version 2",
        "line 8: a \"items\" file of version 3",
    ] {
        assert!(message.contains(line), "{line} in {message}");
    }
    assert_eq!(
        h.strings("SELECT key || ' ' || kind || ' ' || flow_state || ' ' || provenance FROM items ORDER BY key").await,
        [
            "x1 feature active human",
            "x2 defect done ai_agent",
            "x5 defect done human"
        ]
    );
    assert_eq!(
        h.strings("SELECT title FROM items WHERE key = 'x5'").await,
        ["Last"]
    );
    assert_eq!(
        h.key_links().await,
        ["x1 parent x2"],
        "links between the file's items"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM pending_links").await,
        1,
        "a link to a Jira key Baton does not know yet waits for it"
    );
}

/// Jira's CSV export of the real recorded issues (DevLake's merico.atlassian.net rows), written
/// as Jira writes it: its column names, repeated `Labels` columns, `dd/MMM/yy h:mm AM` times.
fn jira_csv(jira: &FakeJira) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "Summary",
        "Issue key",
        "Issue id",
        "Issue Type",
        "Status",
        "Status Category",
        "Priority",
        "Assignee",
        "Reporter",
        "Created",
        "Updated",
        "Resolved",
        "Labels",
        "Labels",
        "Custom field (Story point estimate)",
    ])
    .unwrap();
    let text = |v: &serde_json::Value, p: &str| {
        v.pointer(p)
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_owned()
    };
    let when = |v: &serde_json::Value, p: &str| {
        v.pointer(p)
            .and_then(|x| x.as_str())
            .and_then(baton_core::connectors::parse_time)
            .and_then(DateTime::<Utc>::from_timestamp_millis)
            .map(|t| t.format("%d/%b/%y %-I:%M %p").to_string())
            .unwrap_or_default()
    };
    for r in &jira.data().issues {
        let i = &r.issue;
        let labels: Vec<String> = i
            .pointer("/fields/labels")
            .and_then(|l| l.as_array())
            .map(|l| {
                l.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        out.write_record([
            text(i, "/fields/summary"),
            text(i, "/key"),
            text(i, "/id"),
            text(i, "/fields/issuetype/name"),
            text(i, "/fields/status/name"),
            text(i, "/fields/status/statusCategory/name"),
            text(i, "/fields/priority/name"),
            text(i, "/fields/assignee/displayName"),
            text(i, "/fields/reporter/displayName"),
            when(i, "/fields/created"),
            when(i, "/fields/updated"),
            when(i, "/fields/resolutiondate"),
            labels.first().cloned().unwrap_or_default(),
            labels.get(1).cloned().unwrap_or_default(),
            i.pointer("/fields/customfield_10024")
                .filter(|v| !v.is_null())
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ])
        .unwrap();
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

#[tokio::test]
async fn a_jira_csv_export_of_real_issues_imports_the_same_work_as_the_rest_api() {
    let jira = Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap());
    // The recorded story points (customfield_10024) through the REST API: the site names the
    // field (its field list is not recorded).
    jira.data().fields =
        vec![r#"{"id":"customfield_10024","name":"Story point estimate","custom":true}"#.into()];
    let csv_text = jira_csv(&jira);
    let server = jira.clone().serve().await.unwrap();
    let rest = Harness::new().await;
    let source = rest
        .add_jira(&server.url(), JIRA_TOKEN, &["EE", "K5", "DZFNK0168"])
        .await;
    assert_eq!(rest.sync(&source).await.status, RunStatus::Succeeded);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jira.csv");
    std::fs::write(&path, &csv_text).unwrap();
    let file = Harness::new().await;
    let source = file
        .add(&file_input(
            "Jira export",
            &path,
            FileFormat::JiraCsv,
            FileColumns::default(),
        ))
        .await;
    let report = file.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);

    // The export holds no history and times to the minute: compare what it does hold.
    let facts = "SELECT key || ' ' || kind || ' ' || raw_state || ' ' || flow_state || ' '
                 || (created_at / 60000) || ' ' || coalesce(done_at / 60000, '-') || ' '
                 || coalesce(priority, '-') || ' ' || coalesce(estimate, '-') FROM items ORDER BY key";
    let from_rest = rest.strings(facts).await;
    assert!(from_rest.len() > 20, "real issues: {}", from_rest.len());
    assert_same(
        &file.strings(facts).await,
        &from_rest,
        "the CSV export imports the same work",
    );
    assert_eq!(
        file.count("SELECT COUNT(*) FROM transitions").await,
        0,
        "Jira's CSV export has no status history (docs/connectors.md says so)"
    );
    assert_eq!(
        file.strings("SELECT key || ' ' || estimate FROM items WHERE estimate IS NOT NULL")
            .await,
        vec!["EE-2 2.0".to_owned()],
        "the story point column: EE-2's 2 points, EE-1's -1 is none"
    );
}

#[tokio::test]
async fn an_export_imports_back_to_the_same_work() {
    let dir = tempfile::tempdir().unwrap();
    let ws = crate::common::small_workspace(dir.path()).await;
    let mut bytes = Vec::new();
    let figures = export_items(&ws, "small", NOW, &mut bytes).await.unwrap();
    assert!(
        figures.items > 5 && figures.transitions > 5 && figures.links > 0,
        "{figures:?}"
    );
    let facts = |with_prefix: bool| {
        format!(
            "SELECT {} || ' ' || kind || ' ' || raw_state || ' ' || created_at || ' ' || coalesce(done_at, '-')
             || ' ' || provenance || ' ' || (SELECT COUNT(*) FROM transitions t WHERE t.item_id = items.id)
             FROM items ORDER BY 1",
            if with_prefix { "substr(external_id, 1)" } else { "id" }
        )
    };
    let original: Vec<String> = sqlx::query_scalar(&facts(false))
        .fetch_all(ws.pool())
        .await
        .unwrap();
    let path = dir.path().join("export.jsonl");
    std::fs::write(&path, &bytes).unwrap();
    let h = Harness::new().await;
    let source = h
        .add(&file_input(
            "Moved",
            &path,
            FileFormat::BatonJsonl,
            FileColumns::default(),
        ))
        .await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_same(
        &h.strings(&facts(true)).await,
        &original,
        "every item, its state, times and history",
    );
    let open_links = |sql: &str| sql.to_owned();
    let original_links: i64 = sqlx::query_scalar(&open_links(
        "SELECT COUNT(*) FROM links WHERE removed_at IS NULL",
    ))
    .fetch_one(ws.pool())
    .await
    .unwrap();
    assert_eq!(
        h.count("SELECT COUNT(*) FROM links").await,
        original_links,
        "every open link"
    );
}

#[tokio::test]
async fn an_import_killed_between_pages_resumes_to_the_same_result() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let mut text = String::from("ID,Title,Backlog,Doing,Done\n");
    for n in 0..2_500 {
        let day = 1 + n % 27;
        text.push_str(&format!(
            "I-{n},Item {n},2026-01-{day:02},2026-01-{:02},\n",
            day + 1
        ));
    }
    std::fs::write(&path, &text).unwrap();
    let columns = FileColumns {
        id: Some("ID".into()),
        title: Some("Title".into()),
        states: vec!["Backlog".into(), "Doing".into(), "Done".into()],
        ..FileColumns::default()
    };

    let once = Harness::new().await;
    let source = once
        .add(&file_input(
            "Big",
            &path,
            FileFormat::StatesCsv,
            columns.clone(),
        ))
        .await;
    assert_eq!(once.sync(&source).await.status, RunStatus::Succeeded);

    // The same import, killed once its first page is written.
    let killed = Harness::new().await;
    let source = killed
        .add(&file_input("Big", &path, FileFormat::StatesCsv, columns))
        .await;
    let cancel = CancellationToken::new();
    let pages = Arc::new(Mutex::new(0));
    let ctx = SyncContext {
        progress: {
            let (cancel, pages) = (cancel.clone(), pages.clone());
            Arc::new(move |p| {
                if matches!(p, SyncProgress::Progress { .. }) {
                    *pages.lock().unwrap() += 1;
                    cancel.cancel();
                }
            })
        },
        ..killed.ctx.clone()
    };
    let report = run_source(&ctx, &source, cancel).await.unwrap();
    assert_eq!(report.status, RunStatus::Canceled);
    let written = killed.count("SELECT COUNT(*) FROM items").await;
    assert!(
        written > 0 && written < 2_500,
        "stopped half-way: {written}"
    );
    let report = killed.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert!(
        report.figures.items < 2_500,
        "the second run goes on from where the first stopped ({} items)",
        report.figures.items
    );
    assert_same(
        &killed.fingerprint().await,
        &once.fingerprint().await,
        "same result",
    );
}

/// `schema` with its `$ref` (to `#/$defs/…`) followed.
fn resolve<'a>(
    root: &'a serde_json::Value,
    schema: &'a serde_json::Value,
) -> &'a serde_json::Value {
    match schema.get("$ref").and_then(serde_json::Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/$defs/").unwrap_or_else(|| panic!("{r}"));
            resolve(root, &root["$defs"][name])
        }
        None => schema,
    }
}

/// Checks `value` against `schema`, for the part of JSON Schema the published schema uses
/// (`$ref`, `type`, `const`, `enum`, `format: date-time`, `minimum`, `minLength`, `items`,
/// `required`, `properties`). Strict: a property the schema does not list is reported too
/// (the schema allows them, as Baton ignores them; Baton itself writes none).
fn schema_errors(
    root: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
    at: &str,
    out: &mut Vec<String>,
) {
    use serde_json::Value;
    let schema = resolve(root, schema);
    if let Some(c) = schema.get("const") {
        if value != c {
            out.push(format!("{at}: {value} is not {c}"));
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(value) {
            out.push(format!("{at}: {value} is none of {e:?}"));
        }
    }
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let ok = match t {
            "string" => value.is_string(),
            "number" => value.is_number(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            other => panic!("a type the test does not check: {other}"),
        };
        if !ok {
            out.push(format!("{at}: {value} is not of type {t}"));
            return;
        }
    }
    if schema.get("format").and_then(Value::as_str) == Some("date-time")
        && value
            .as_str()
            .is_none_or(|s| DateTime::parse_from_rfc3339(s).is_err())
    {
        out.push(format!("{at}: {value} is not an RFC 3339 time"));
    }
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        if value.as_f64().is_some_and(|v| v < min) {
            out.push(format!("{at}: {value} is below {min}"));
        }
    }
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
        if value
            .as_str()
            .is_some_and(|s| (s.chars().count() as u64) < min)
        {
            out.push(format!("{at}: {value} is shorter than {min}"));
        }
    }
    if let Some(items) = schema.get("items") {
        for (i, v) in value.as_array().into_iter().flatten().enumerate() {
            schema_errors(root, items, v, &format!("{at}[{i}]"), out);
        }
    }
    if let Some(object) = value.as_object() {
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let r = r.as_str().unwrap_or_default();
            if !object.contains_key(r) {
                out.push(format!("{at}: no {r}"));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (k, v) in object {
            match properties.and_then(|p| p.get(k)) {
                Some(p) => schema_errors(root, p, v, &format!("{at}.{k}"), out),
                None => out.push(format!("{at}: {k} is not in the schema")),
            }
        }
    }
}

/// `docs/baton-items.schema.json`, the published schema of Baton's JSON lines, says what Baton
/// writes and reads: every line of two exports (the demo-shaped small workspace, and a synced
/// Linear workspace, whose changes include estimates, projects and cycles) holds to it and uses
/// only its properties; a line with every property it lists is read whole (none is dropped on
/// the way in); and a line without one of the properties it requires is a bad row, reported by
/// its line, while the others are imported.
#[tokio::test]
async fn the_json_lines_schema_describes_what_baton_writes_and_reads() {
    use baton_core::connectors::file::read::FileItem;
    use serde_json::{json, Value};
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/baton-items.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(
        schema["oneOf"],
        json!([{"$ref": "#/$defs/header"}, {"$ref": "#/$defs/item"}])
    );

    // What Baton writes.
    let dir = tempfile::tempdir().unwrap();
    let small = crate::common::small_workspace(dir.path()).await;
    let mut exports = vec![Vec::new(), Vec::new()];
    export_items(&small, "small", NOW, &mut exports[0])
        .await
        .unwrap();
    let lin = std::sync::Arc::new(
        baton_core::replay::linear::FakeLinear::from_fixture(&fixtures(), LIN_TOKEN).unwrap(),
    );
    let server = lin.serve().await.unwrap();
    let synced = Harness::new().await;
    let source = synced.add_linear(&server.url(), LIN_TOKEN).await;
    assert_eq!(synced.sync(&source).await.status, RunStatus::Succeeded);
    export_items(&synced.ws, "linear", NOW, &mut exports[1])
        .await
        .unwrap();
    let mut seen: std::collections::BTreeSet<String> = Default::default();
    for bytes in &exports {
        let text = String::from_utf8(bytes.clone()).unwrap();
        for (n, line) in text.lines().enumerate() {
            let value: Value = serde_json::from_str(line).unwrap();
            let def = if n == 0 { "header" } else { "item" };
            let mut errors = Vec::new();
            schema_errors(&schema, &schema["$defs"][def], &value, def, &mut errors);
            assert!(errors.is_empty(), "line {}: {errors:?}\n{line}", n + 1);
            for t in value["transitions"].as_array().into_iter().flatten() {
                seen.insert(format!(
                    "transition {}",
                    t["kind"].as_str().unwrap_or("state")
                ));
            }
            for l in value["links"].as_array().into_iter().flatten() {
                seen.insert(format!("link {}", l["kind"].as_str().unwrap_or("")));
            }
        }
    }
    for kind in [
        "transition state",
        "transition assignee",
        "transition label",
        "transition estimate",
        "transition project",
        "transition cycle",
        "link blocks",
        "link parent",
    ] {
        assert!(seen.contains(kind), "the exports hold a {kind}: {seen:?}");
    }

    // What Baton reads: every property the schema lists survives reading.
    let full = json!({
        "id": "A-1", "title": "Refund queue", "state": "Done", "created": "2026-01-05T09:00:00Z",
        "key": "PAY-1", "url": "https://tracker.example/PAY-1", "team": "Payments",
        "owner": "alice", "author": "bob", "priority": "High", "estimate": 3.5,
        "kind": "feature", "state_category": "Done", "updated": "2026-01-09T09:00:00Z",
        "resolved": "2026-01-09T09:00:00Z", "labels": ["payments"], "components": ["api"],
        "provenance": "ai_agent", "agent": "Claude",
        "transitions": [
            {"at": "2026-01-06T09:00:00Z", "kind": "assignee", "from": "alice", "to": "bob", "by": "carol"},
            {"at": "2026-01-07T09:00:00Z", "from": "To Do", "to": "Done"}
        ],
        "links": [{"kind": "blocks", "to": "A-2"}]
    });
    let mut errors = Vec::new();
    schema_errors(
        &schema,
        &schema["$defs"]["item"],
        &full,
        "full",
        &mut errors,
    );
    assert!(errors.is_empty(), "{errors:?}");
    let names = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let item_schema = &schema["$defs"]["item"]["properties"];
    assert_eq!(
        names(&full),
        names(item_schema),
        "the line sets every property"
    );
    let read =
        serde_json::to_value(serde_json::from_value::<FileItem>(full.clone()).unwrap()).unwrap();
    assert_eq!(
        read, full,
        "read whole: no property of the schema is dropped"
    );
    for (def, sample) in [
        ("transition", &full["transitions"][0]),
        ("link", &full["links"][0]),
    ] {
        assert_eq!(
            names(sample),
            names(&schema["$defs"][def]["properties"]),
            "{def}"
        );
    }

    // A line without a required property is a bad row, reported by its line; the rest imports.
    let required: Vec<String> = schema["$defs"]["item"]["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(required, ["id", "title", "state", "created"]);
    let mut lines = vec![
        json!({"baton": "items", "version": 1}).to_string(),
        full.to_string(),
        json!({"id": "A-2", "title": "Card retries", "state": "To Do", "created": "2026-01-05T10:00:00Z"})
            .to_string(),
    ];
    for r in &required {
        let mut without = json!({"id": format!("B-{r}"), "title": "x", "state": "To Do", "created": "2026-01-05T10:00:00Z"});
        without.as_object_mut().unwrap().remove(r);
        lines.push(without.to_string());
    }
    let file = dir.path().join("items.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let h = Harness::new().await;
    let source = h
        .add(&file_input(
            "Schema",
            &file,
            FileFormat::BatonJsonl,
            FileColumns::default(),
        ))
        .await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::FinishedWithErrors, "{report:?}");
    let (_, message) = report.error.unwrap();
    for line in 4..4 + required.len() {
        assert!(
            message.contains(&format!("line {line}:")),
            "line {line} in {message}"
        );
    }
    assert_eq!(
        h.strings("SELECT key || ' ' || raw_state || ' ' || coalesce(estimate, '-') || ' ' || provenance FROM items ORDER BY key")
            .await,
        ["A-2 To Do - human", "PAY-1 Done 3.5 ai_agent"]
    );
}

/// The preview the add dialog shows: the first items as the column mapping reads them, and the
/// rows that cannot be read with their line numbers, before anything is saved. A file that maps
/// no column yet is read through the columns guessed from its header row; once mapped, exactly
/// through the mapping, as the import will read it (here the title from the Team column, and no
/// team).
#[test]
fn a_preview_reads_the_first_rows_through_the_mapping_and_names_the_bad_ones_by_line() {
    use baton_core::connectors::file::read::preview_bytes;
    let scope = |columns: FileColumns| FileScope {
        path: "/data/flow.csv".into(),
        format: FileFormat::StatesCsv,
        columns: Box::new(columns),
    };
    let guessed = preview_bytes(STATES_CSV.as_bytes(), &scope(FileColumns::default())).unwrap();
    assert_eq!(
        guessed.headers,
        [
            "ID",
            "Title",
            "Team",
            "Backlog",
            "In Progress",
            "Review",
            "Done"
        ]
    );
    assert_eq!(
        (
            guessed.columns.id.as_deref(),
            guessed.columns.title.as_deref(),
            guessed.columns.team.as_deref()
        ),
        (Some("ID"), Some("Title"), Some("Team"))
    );
    assert_eq!(
        guessed.columns.states,
        ["Backlog", "Review", "Done"],
        "the columns whose cells are dates, in the file's order (one of In Progress's is not)"
    );
    assert_eq!((guessed.items_total, guessed.errors_total), (4, 0));

    // The person's mapping: every state column, the title from the Team column, no team.
    let mapped = preview_bytes(
        STATES_CSV.as_bytes(),
        &scope(FileColumns {
            id: Some("ID".into()),
            title: Some("Team".into()),
            states: vec![
                "Backlog".into(),
                "In Progress".into(),
                "Review".into(),
                "Done".into(),
            ],
            ..FileColumns::default()
        }),
    )
    .unwrap();
    let rows: Vec<String> = mapped
        .items
        .iter()
        .map(|i| {
            format!(
                "{} {} {} {} {}",
                i.line, i.id, i.title, i.state, i.transitions
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "2 A-1 Payments Done 4",
            "3 A-2 Payments In Progress 2",
            "4 A-3 Checkout Backlog 1"
        ]
    );
    assert_eq!((mapped.items_total, mapped.errors_total), (3, 1));
    assert_eq!(mapped.errors[0].line, 5);
    assert!(
        mapped.errors[0].message.contains("A-4") && mapped.errors[0].message.contains("not a date"),
        "{:?}",
        mapped.errors
    );
    assert!(
        mapped.columns.team.is_none() && mapped.items.iter().all(|i| i.team.is_none()),
        "a column the mapping leaves empty is not read, as the import will not read it: {:?}",
        mapped.columns
    );
}
