//! Plans: scenarios stored in the workspace and evaluated over the live graph without changing
//! it; planning sessions on a frozen copy.

use std::path::Path;

use baton_core::demo;
use baton_core::flow::FlowFilter;
use baton_core::graph::{snapshot, Workspace};
use baton_core::plan::compare::{self, CompareSpec};
use baton_core::plan::scenario::{self, ScenarioChange, ScenarioInput};

const D: i64 = 86_400_000;
/// 2026-06-01.
const END: i64 = 1_780_272_000_000;

async fn demo_workspace(dir: &Path, items: u32) -> Workspace {
    demo::build(
        &dir.join("demo.baton"),
        &demo::DemoOptions {
            items,
            seed: demo::DEFAULT_SEED,
            end: END,
        },
    )
    .await
    .unwrap()
}

/// Every row of every table (a quoted dump, ordered), the tables' names with their counts.
async fn tables(ws: &Workspace) -> Vec<(String, i64, String)> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(ws.pool())
    .await
    .unwrap();
    let mut out = Vec::new();
    for name in names {
        let cols: Vec<String> =
            sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{name}')"))
                .fetch_all(ws.pool())
                .await
                .unwrap();
        let row = cols
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let rows: Vec<String> =
            sqlx::query_scalar(&format!("SELECT {row} FROM \"{name}\" ORDER BY 1"))
                .fetch_all(ws.pool())
                .await
                .unwrap();
        out.push((name, rows.len() as i64, rows.join("\n")));
    }
    out
}

/// The index as its snapshot's bytes (every field it holds).
fn index_bytes(ix: &baton_core::graph::index::WorkIndex, dir: &Path, name: &str) -> Vec<u8> {
    let at = dir.join(name);
    snapshot::save(ix, &at).unwrap();
    std::fs::read(snapshot::path_for(&at)).unwrap()
}

fn filter() -> FlowFilter {
    FlowFilter {
        to: Some("2026-06-01".into()),
        ..FlowFilter::default()
    }
}

#[tokio::test]
async fn scenarios_are_stored_with_who_and_when_and_an_edit_checks_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path(), 600).await;
    let input = ScenarioInput {
        name: "Hire two".into(),
        notes: "if the budget passes".into(),
        changes: vec![ScenarioChange::Capacity {
            team: "Payments".into(),
            from: "2026-06-02".into(),
            to: "2026-08-31".into(),
            percent: 140,
        }],
        ..ScenarioInput::default()
    };
    let s = scenario::save(&ws, input.clone(), "ana", END)
        .await
        .unwrap();
    assert_eq!((s.version, s.created_by.as_str()), (1, "ana"));
    let same_name = scenario::save(&ws, input.clone(), "bo", END).await;
    assert!(
        same_name
            .unwrap_err()
            .to_string()
            .contains("exists already"),
        "names are unique"
    );
    let edit = ScenarioInput {
        id: Some(s.id.clone()),
        base_version: Some(1),
        notes: "budget passed".into(),
        ..input.clone()
    };
    let edited = scenario::save(&ws, edit.clone(), "bo", END + D)
        .await
        .unwrap();
    assert_eq!(
        (
            edited.version,
            edited.created_by.as_str(),
            edited.updated_by.as_str()
        ),
        (2, "ana", "bo"),
        "who created it stays; who edited it is recorded"
    );
    assert_eq!(edited.updated_at, baton_core::time::to_rfc3339(END + D));
    // Someone else's edit, started from version 1, is refused: it would overwrite bo's.
    let stale = scenario::save(&ws, edit, "cy", END + 2 * D).await;
    assert!(stale.unwrap_err().to_string().contains("was saved by bo"));
    let bad = ScenarioInput {
        name: "Bad".into(),
        changes: vec![ScenarioChange::Capacity {
            team: "Payments".into(),
            from: "2026-09-01".into(),
            to: "2026-08-01".into(),
            percent: 50,
        }],
        ..ScenarioInput::default()
    };
    assert!(scenario::save(&ws, bad, "ana", END)
        .await
        .unwrap_err()
        .to_string()
        .contains("before the first"));
    assert_eq!(scenario::list(&ws).await.unwrap(), vec![edited.clone()]);
    scenario::delete(&ws, &edited.id).await.unwrap();
    assert!(scenario::list(&ws).await.unwrap().is_empty());
}

#[tokio::test]
async fn comparing_scenarios_never_changes_the_live_graph() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path(), 1_500).await;
    let ix = ws.index().await.unwrap();
    // Real references: an open item with a blocker, and every team.
    let open_blocked = ix
        .links
        .iter()
        .find(|l| {
            l.kind == baton_core::graph::LinkKind::Blocks
                && l.removed.is_none()
                && !matches!(
                    ix.items[l.to as usize].flow,
                    baton_core::graph::FlowState::Done | baton_core::graph::FlowState::Canceled
                )
        })
        .expect("an open blocked item");
    let key = |i: u32| ix.item_keys.get(i as usize).unwrap().to_owned();
    let (blocker, blocked) = (key(open_blocked.from), key(open_blocked.to));
    let mut changes = vec![
        ScenarioChange::AddScope {
            title: "<b>New</b> ledger".into(),
            team: ix.teams[0].name.clone(),
            intent: Some(ix.intents[0].id.clone()),
            items: 12,
            size: 2.0,
            blocked_by: vec![blocker.clone()],
            blocks: Vec::new(),
        },
        ScenarioChange::RemoveScope {
            item: blocker.clone(),
        },
        ScenarioChange::MoveWork {
            item: blocked.clone(),
            team: ix.teams[1].id.clone(),
        },
        ScenarioChange::AddDependency {
            blocker: blocked.clone(),
            blocked: blocker.clone(),
        },
        ScenarioChange::RemoveDependency {
            blocker: blocker.clone(),
            blocked: blocked.clone(),
        },
        ScenarioChange::Prioritize {
            items: vec![blocked.clone()],
        },
        ScenarioChange::DeRisk {
            item: blocked.clone(),
        },
    ];
    // Every team away for two months: every intent's dates must move.
    for t in &ix.teams {
        changes.push(ScenarioChange::Capacity {
            team: t.name.clone(),
            from: "2026-06-02".into(),
            to: "2026-07-31".into(),
            percent: 0,
        });
    }
    let s = scenario::save(
        &ws,
        ScenarioInput {
            name: "Everything".into(),
            changes,
            ..ScenarioInput::default()
        },
        "lead",
        END,
    )
    .await
    .unwrap();
    drop(ix);

    let before_tables = tables(&ws).await;
    let before_ix = ws.index().await.unwrap();
    let before_bytes = index_bytes(&before_ix, dir.path(), "before.baton");
    let generation = ws.generation();

    let spec = CompareSpec {
        filter: filter(),
        scenarios: vec![s.name.clone()],
        trials: Some(300),
        ..CompareSpec::default()
    };
    let cmp = compare::compare(&ws, &spec, END + D).await.unwrap();
    assert!(
        cmp.columns[1].warnings.is_empty(),
        "{:?}",
        cmp.columns[1].warnings
    );
    assert!(
        cmp.intents
            .iter()
            .all(|r| r.cells[1].delta_p85.is_none_or(|d| d > 0)),
        "two months away moves every dated intent later"
    );
    assert!(cmp.intents.iter().any(|r| r.cells[1].delta_p85.is_some()));
    // Rows name intents as the lists do: a Jira initiative and a Linear project of one title
    // are told apart.
    let labels = baton_core::intents::labels::intent_labels(&ws)
        .await
        .unwrap();
    for r in &cmp.intents {
        assert_eq!(r.name, labels[&r.id]);
    }
    let names: std::collections::HashSet<&str> =
        cmp.intents.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names.len(), cmp.intents.len(), "no two rows named alike");
    assert!(
        cmp.intents
            .iter()
            .any(|r| r.name.ends_with(" \u{b7} Acme Linear")),
        "{:?}",
        names
    );

    let after_ix = ws.index().await.unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&before_ix, &after_ix),
        "the same index, not a rebuilt one"
    );
    assert_eq!(ws.generation(), generation);
    assert_eq!(
        index_bytes(&after_ix, dir.path(), "after.baton"),
        before_bytes,
        "every field of the index is as it was"
    );
    let after_tables = tables(&ws).await;
    assert_eq!(
        before_tables.len(),
        after_tables.len(),
        "no table added or removed"
    );
    for (b, a) in before_tables.iter().zip(&after_tables) {
        assert_eq!((&b.0, b.1), (&a.0, a.1), "row count of {}", b.0);
        assert!(b.2 == a.2, "every row of {} is as it was", b.0);
    }
}

#[tokio::test]
async fn a_session_copy_is_unaffected_by_a_sync_of_the_live_workspace_and_is_never_synced() {
    use crate::sync_support::*;
    use baton_core::plan::session;
    use baton_core::replay::github::FakeGithub;
    use baton_core::sync::progress::RunStatus;
    use std::sync::Arc;

    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    // A first sync, then the session: the copy holds what was synced so far.
    let first = h.sync(&source).await;
    assert_eq!(first.status, RunStatus::Succeeded, "{:?}", first.error);
    let s = session::start(&h.ws, "Q1 planning", "ana", NOW)
        .await
        .unwrap();
    let copy = Workspace::open(Path::new(&s.file)).await.unwrap();
    let frozen = tables(&copy).await;
    let frozen_items = copy.index().await.unwrap().items.len();
    assert!(frozen_items > 0, "the copy holds the synced items");

    // A scenario people made in the live workspace...
    let mine = scenario::save(
        &h.ws,
        ScenarioInput {
            name: "Ours".into(),
            changes: vec![ScenarioChange::Capacity {
                team: "nobody yet".into(),
                from: "2026-03-01".into(),
                to: "2026-03-31".into(),
                percent: 0,
            }],
            ..ScenarioInput::default()
        },
        "ana",
        NOW,
    )
    .await
    .unwrap();
    // The live workspace changes (an item deleted at the source, then a sync)...
    let gone = h.strings("SELECT id FROM items ORDER BY id LIMIT 1").await;
    h.ws.write(crate::common::DeleteItem(&gone[0]))
        .await
        .unwrap();
    let again = h.sync(&source).await;
    assert_eq!(again.status, RunStatus::Succeeded, "{:?}", again.error);
    let live_after = tables(&h.ws).await;
    assert_ne!(
        live_after.iter().find(|t| t.0 == "sync_runs").map(|t| t.1),
        frozen.iter().find(|t| t.0 == "sync_runs").map(|t| t.1),
        "the live workspace moved"
    );
    assert_eq!(
        scenario::list(&h.ws).await.unwrap(),
        vec![mine],
        "a sync never writes people's scenarios"
    );
    // ... and the session's numbers do not move.
    assert_eq!(
        tables(&copy).await,
        frozen,
        "every row of the copy is as it was"
    );
    assert_eq!(copy.index().await.unwrap().items.len(), frozen_items);

    // The copy itself is never synced: its sources are the live workspace's.
    let ctx = baton_core::sync::SyncContext {
        ws: copy.clone(),
        ..h.ctx.clone()
    };
    let refused = baton_core::sync::run_source(&ctx, &source, Default::default()).await;
    let err = refused
        .expect_err("a session copy is not synced")
        .to_string();
    assert!(err.contains("frozen copy"), "{err}");
    assert_eq!(tables(&copy).await, frozen);
    let status = session::status(&copy).await.unwrap();
    assert_eq!(
        status.this_session.map(|c| c.id),
        Some(s.id.clone()),
        "the copy knows it is a session"
    );
    assert_eq!(
        session::status(&h.ws).await.unwrap().sessions,
        vec![s.clone()]
    );
    copy.close().await;
}

#[tokio::test]
async fn a_session_copy_opens_from_its_index_snapshot_without_building_the_index() {
    use baton_core::plan::session;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.baton");
    let live = demo_workspace(dir.path(), 300).await;
    let items = live.index().await.unwrap().items.len();
    live.close().await;
    let live = Workspace::open(&path).await.unwrap();
    assert!(
        live.index().await.unwrap().from_snapshot,
        "the live workspace reopens from the snapshot its close saved"
    );

    // A session copied now opens on the live index's snapshot, judged current for the copy.
    let first = session::start(&live, "From the snapshot", "ana", END + 10)
        .await
        .unwrap();
    assert!(
        snapshot::path_for(Path::new(&first.file)).is_file(),
        "the copy has its snapshot beside it"
    );
    let copy = Workspace::open(Path::new(&first.file)).await.unwrap();
    let ix = copy.index().await.unwrap();
    assert!(
        ix.from_snapshot,
        "the copy's index is read from its snapshot, not built again from the file"
    );
    assert_eq!(ix.items.len(), items, "the copy's index holds every item");
    drop(ix);
    copy.close().await;

    // After a write the snapshot on disk is behind until the workspace is quiet, but the index
    // in memory follows the write: a session copied then opens from that index's snapshot.
    let gone = sqlx::query_scalar::<_, String>("SELECT id FROM items ORDER BY id LIMIT 1")
        .fetch_one(live.pool())
        .await
        .unwrap();
    live.write(crate::common::DeleteItem(&gone)).await.unwrap();
    assert_eq!(live.index().await.unwrap().items.len(), items - 1);
    let second = session::start(&live, "After a write", "ana", END + 20)
        .await
        .unwrap();
    let copy = Workspace::open(Path::new(&second.file)).await.unwrap();
    let ix = copy.index().await.unwrap();
    assert!(
        ix.from_snapshot,
        "the copy made after a write opens from the snapshot of the index in memory"
    );
    assert_eq!(
        ix.items.len(),
        items - 1,
        "the copy holds the state it was copied at"
    );
    assert!(
        ix.item_ids.iter().all(|id| id != gone),
        "the deleted item is not in the copy's index"
    );
    drop(ix);
    copy.close().await;
    live.close().await;
}

#[tokio::test]
async fn decisions_and_scenarios_made_in_a_session_are_merged_back_once_without_overwriting() {
    use baton_core::decisions::DecisionInput;
    use baton_core::plan::session;
    use baton_core::triage::{self, TriageDecision};

    let dir = tempfile::tempdir().unwrap();
    let live = demo_workspace(dir.path(), 600).await;
    let shared = scenario::save(
        &live,
        ScenarioInput {
            name: "Shared".into(),
            ..ScenarioInput::default()
        },
        "ana",
        END,
    )
    .await
    .unwrap();
    let untouched = scenario::save(
        &live,
        ScenarioInput {
            name: "Untouched".into(),
            ..ScenarioInput::default()
        },
        "ana",
        END,
    )
    .await
    .unwrap();
    let s = session::start(&live, "Planning day", "ana", END + 10)
        .await
        .unwrap();
    let copy = Workspace::open(Path::new(&s.file)).await.unwrap();
    let item = copy
        .index()
        .await
        .unwrap()
        .item_ids
        .get(0)
        .unwrap()
        .to_owned();
    // In the session: a decision, a new scenario, and an edit of "Shared".
    triage::triage_decide(
        &copy,
        &TriageDecision {
            item_id: item.clone(),
            decision: DecisionInput::OwnerSet { owner: "bo".into() },
            why: "decided in the room".into(),
        },
        "bo",
        END + 20,
    )
    .await
    .unwrap();
    let new_in_session = ScenarioInput {
        name: "Hire two".into(),
        ..ScenarioInput::default()
    };
    scenario::save(&copy, new_in_session, "bo", END + 20)
        .await
        .unwrap();
    scenario::save(
        &copy,
        ScenarioInput {
            id: Some(shared.id.clone()),
            base_version: Some(1),
            notes: "edited in the session".into(),
            ..ScenarioInput {
                name: "Shared".into(),
                ..ScenarioInput::default()
            }
        },
        "bo",
        END + 30,
    )
    .await
    .unwrap();
    copy.close().await;
    // Meanwhile someone edits "Shared" in the live workspace too.
    scenario::save(
        &live,
        ScenarioInput {
            id: Some(shared.id.clone()),
            base_version: Some(1),
            notes: "edited live".into(),
            name: "Shared".into(),
            ..ScenarioInput::default()
        },
        "cy",
        END + 40,
    )
    .await
    .unwrap();

    let report = session::merge(&live, Path::new(&s.file), "ana", END + 50)
        .await
        .unwrap();
    assert_eq!(
        (
            report.scenarios_added,
            report.scenarios_updated,
            report.scenarios_kept_apart,
            report.decisions_added
        ),
        (1, 0, 1, 1),
        "{report:?}"
    );
    let names: Vec<String> = scenario::list(&live)
        .await
        .unwrap()
        .into_iter()
        .map(|s| format!("{} / {} / {}", s.name, s.notes, s.updated_by))
        .collect();
    assert_eq!(
        names,
        vec![
            "Hire two /  / bo".to_string(),
            "Shared / edited live / cy".to_string(),
            "Shared (session Planning day) / edited in the session / bo".to_string(),
            format!("{} /  / ana", untouched.name),
        ],
        "the live edit is kept; the session's is added beside it"
    );
    let decisions = baton_core::decisions::decisions_list(&live, Some(&item))
        .await
        .unwrap();
    assert!(decisions
        .iter()
        .any(|d| d.actor == "bo" && d.why == "decided in the room"));
    // A second merge brings nothing new.
    let again = session::merge(&live, Path::new(&s.file), "ana", END + 60)
        .await
        .unwrap();
    assert_eq!(again, session::MergeReport::default());
    let merged = &session::status(&live).await.unwrap().sessions[0];
    assert_eq!(merged.merged_by.as_deref(), Some("ana"));
}
