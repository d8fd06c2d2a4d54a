//! The one write path: every use case that changes a workspace goes through
//! `Workspace::write`, which publishes what it changed; the index follows from that value.

use std::sync::Arc;

use baton_core::flow::{self, WorkflowChange};
use baton_core::graph::model::FlowState;
use baton_core::graph::{ChangeKind, Changes};
use baton_core::query;
use baton_core::replay::github::FakeGithub;
use baton_core::rules::{self, ProvenanceRuleView, ProvenanceSignal, TeamRuleField, TeamRuleView};
use tokio::sync::broadcast::error::TryRecvError;

use crate::sync_support::*;

/// Everything published since the last call, merged.
fn drain(rx: &mut tokio::sync::broadcast::Receiver<Changes>) -> Vec<Changes> {
    let mut out = Vec::new();
    loop {
        match rx.try_recv() {
            Ok(c) => out.push(c),
            Err(TryRecvError::Empty) => return out,
            Err(err) => panic!("the channel failed: {err}"),
        }
    }
}

fn kinds(published: &[Changes]) -> Vec<ChangeKind> {
    let mut all = Changes::none();
    for c in published {
        all.merge(c);
    }
    all.kinds
}

#[tokio::test]
async fn every_use_case_publishes_what_it_changed() {
    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let mut rx = h.ws.subscribe();

    let source = h.add_github(&server.url(), GH_TOKEN).await;
    assert_eq!(
        kinds(&drain(&mut rx)),
        vec![ChangeKind::Sources],
        "source added"
    );

    let team = query::teams_create(&h.ws, "Payments").await.unwrap();
    assert_eq!(kinds(&drain(&mut rx)), vec![ChangeKind::Teams]);

    let rule = rules::team_rule_save(
        &h.ws,
        &TeamRuleView {
            id: String::new(),
            source_id: Some(source.clone()),
            field: TeamRuleField::Repo,
            pattern: "panjf2000/*".into(),
            team_id: team.id.clone(),
            priority: 1,
        },
    )
    .await
    .unwrap();
    assert_eq!(kinds(&drain(&mut rx)), vec![ChangeKind::Rules]);
    let generation = h.ws.generation();

    let report = h.sync(&source).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    let published = drain(&mut rx);
    assert!(
        published.len() >= 3,
        "the run's start, each page and the run's end are writes of their own"
    );
    assert_eq!(
        published.first().map(|c| c.kinds.clone()),
        Some(vec![ChangeKind::SyncRuns]),
        "the run is recorded before any page"
    );
    let all = kinds(&published);
    for kind in [ChangeKind::Items, ChangeKind::People, ChangeKind::SyncRuns] {
        assert!(all.contains(&kind), "a sync publishes {kind:?}: {all:?}");
    }
    let page = published.iter().find(|c| c.has(ChangeKind::Items)).unwrap();
    assert!(
        !page.item_ids.is_empty() && !page.all_items,
        "a page names the items it wrote, so the index follows them one by one"
    );
    assert!(
        h.ws.generation() > generation,
        "the index knows items changed"
    );

    // A rule edit changes nothing the index holds: no rebuild, no refresh.
    let generation = h.ws.generation();
    rules::provenance_rule_save(
        &h.ws,
        &ProvenanceRuleView {
            id: String::new(),
            signal: ProvenanceSignal::Label,
            pattern: "ai-made".into(),
            provenance: baton_core::graph::model::Provenance::AiAgent,
            agent: Some("Some agent".into()),
            confidence: 0.9,
            builtin: false,
        },
    )
    .await
    .unwrap();
    rules::team_rule_delete(&h.ws, &rule).await.unwrap();
    assert_eq!(kinds(&drain(&mut rx)), vec![ChangeKind::Rules]);
    assert_eq!(h.ws.generation(), generation, "rules are not in the index");

    // A workflow change re-derives stored states: every item may have moved.
    let row = flow::workflow_list(&h.ws)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.team_id.is_empty())
        .expect("the sync mapped states");
    flow::workflow_set(
        &h.ws,
        &WorkflowChange {
            source_id: row.source_id,
            team_id: String::new(),
            item_kind: None,
            scope: String::new(),
            raw_state: row.raw_state,
            flow_state: Some(FlowState::Active),
            wait_reason: None,
        },
    )
    .await
    .unwrap();
    let published = drain(&mut rx);
    assert_eq!(
        kinds(&published),
        vec![ChangeKind::Items, ChangeKind::Workflow]
    );
    assert!(published[0].all_items);

    // Refused writes publish nothing and leave no row behind.
    assert!(query::teams_create(&h.ws, "payments").await.is_err());
    assert!(rules::team_rule_delete(&h.ws, "no-such-rule")
        .await
        .is_err());
    assert!(drain(&mut rx).is_empty(), "nothing changed, nothing said");

    baton_core::sync::sources::remove(&h.ws, h.secrets.as_ref(), None, &source)
        .await
        .unwrap();
    let published = drain(&mut rx);
    assert!(published[0].has(ChangeKind::Sources) && published[0].all_items);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM items").await,
        0,
        "what was synced from it is gone"
    );
}

#[tokio::test]
async fn a_write_that_fails_keeps_nothing_and_publishes_nothing() {
    let h = Harness::new().await;
    let mut rx = h.ws.subscribe();
    // The rule names a team that does not exist: the write is refused inside its transaction.
    let err = rules::team_rule_save(
        &h.ws,
        &TeamRuleView {
            id: String::new(),
            source_id: None,
            field: TeamRuleField::Label,
            pattern: "team:x".into(),
            team_id: "team-nobody".into(),
            priority: 1,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().contains("team-nobody"), "{err}");
    assert_eq!(h.count("SELECT COUNT(*) FROM team_rules").await, 0);
    assert!(drain(&mut rx).is_empty());
}
