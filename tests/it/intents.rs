//! Intents: imported from recorded Jira and GitHub payloads (epics, parents, milestones), linked
//! by rules with a preview, by hand (surviving a sync), and the unaligned-work figures against a
//! hand-computed case.

use std::sync::Arc;

use baton_core::flow::FlowFilter;
use baton_core::graph::model::{
    FlowState, IntentRuleField, TransitionKind, WaitReason, WorkflowMap,
};
use baton_core::intents::{self, report, IntentInput, LinkTarget, RuleInput};
use baton_core::replay::github::FakeGithub;
use baton_core::replay::jira::FakeJira;
use baton_core::sync::progress::RunStatus;

use crate::common::{small_graph, DAY, T0};
use crate::sync_support::*;

fn range() -> report::IntentsQuery {
    report::IntentsQuery {
        filter: FlowFilter {
            from: Some("2026-03-01".into()),
            to: Some("2026-03-31".into()),
            ..FlowFilter::default()
        },
        include_archived: false,
    }
}

#[tokio::test]
async fn unaligned_work_matches_a_hand_computed_case() {
    let dir = tempfile::tempdir().unwrap();
    let ws = baton_core::graph::Workspace::create(&dir.path().join("u.baton"))
        .await
        .unwrap();
    let mut graph = small_graph();
    // The GitHub states, mapped so every state is known: an open pull request waits for review,
    // a draft is active.
    for (raw, flow, reason) in [
        ("open", FlowState::Waiting, Some(WaitReason::Review)),
        ("draft", FlowState::Active, None),
    ] {
        graph.workflow_maps.push(WorkflowMap {
            source_id: "src-gh".into(),
            team_id: String::new(),
            scope: String::new(),
            item_kind: None,
            raw_state: raw.into(),
            flow_state: flow,
            wait_reason: reason,
            origin: "user".into(),
        });
    }
    // jira-1 is finished on day 3 (the small graph leaves it without changes).
    graph
        .transitions
        .push(baton_core::graph::model::Transition {
            item_id: "jira-1".into(),
            event_id: "done".into(),
            kind: TransitionKind::State,
            from_state: Some("Backlog".into()),
            to_state: "Done".into(),
            at: T0 + 3 * DAY,
            actor_id: Some("p-ann".into()),
        });
    baton_core::demo::write(&ws, &graph).await.unwrap();
    let now = T0 + 20 * DAY;
    let intent = intents::create(
        &ws,
        &IntentInput {
            title: "Faster payouts".into(),
            ..IntentInput::default()
        },
        "ann",
        "the quarter's goal",
        now,
    )
    .await
    .unwrap();
    // gh-1 serves it by hand; jira-3 is support work, aligned to nothing on purpose.
    intents::link(
        &ws,
        &["gh-1".into()],
        &LinkTarget::Intent { id: intent.clone() },
        "ann",
        "",
        now,
    )
    .await
    .unwrap();
    intents::link(
        &ws,
        &["jira-3".into()],
        &LinkTarget::Unaligned {
            reason: "support".into(),
        },
        "ann",
        "",
        now,
    )
    .await
    .unwrap();
    let r = report::intents_report(&ws, &range(), now).await.unwrap();
    let u = &r.unaligned;
    // By hand: in progress now gh-2 (Payments, waiting), gh-3 (Platform, active), jira-2
    // (Platform, waiting); finished in March gh-1 (Payments, merged day 3) and jira-1
    // (Payments, done day 3). gh-1 serves the intent; jira-3 is new (not in progress) and
    // unaligned on purpose.
    assert_eq!((u.all_wip, u.all_throughput), (3, 2), "the whole set");
    assert_eq!(
        (u.wip, u.throughput),
        (3, 1),
        "every item in progress is unaligned; of the two finished, jira-1 is"
    );
    assert_eq!(u.on_purpose, 1, "jira-3 was marked as support work");
    let team = |id: &str| {
        u.teams
            .iter()
            .find(|t| t.team_id.as_deref() == Some(id))
            .unwrap()
    };
    let pay = team("team-pay");
    assert_eq!((pay.wip, pay.team_wip), (1, 1));
    assert_eq!(pay.wip_share, Some(1.0));
    assert_eq!((pay.throughput, pay.team_throughput), (1, 2));
    assert_eq!(pay.throughput_share, Some(0.5), "jira-1 of gh-1 and jira-1");
    let plat = team("team-plat");
    assert_eq!((plat.wip, plat.team_wip, plat.wip_share), (2, 2, Some(1.0)));
    assert_eq!(plat.throughput_share, None, "Platform finished nothing");
    let mut by_source: Vec<(String, u32, u32)> = u
        .rows
        .iter()
        .map(|r| (format!("{}|{}", r.team, r.source), r.wip, r.throughput))
        .collect();
    by_source.sort();
    assert_eq!(
        by_source,
        vec![
            ("Payments|GitHub acme".to_owned(), 1, 0),
            ("Payments|Jira acme".to_owned(), 0, 1),
            ("Platform|GitHub acme".to_owned(), 1, 0),
            ("Platform|Jira acme".to_owned(), 1, 0),
        ],
        "gh-2; jira-1; gh-3; jira-2"
    );
    let node = r.intents.iter().find(|n| n.id == intent).unwrap();
    assert_eq!((node.items, node.done, node.linked_by_hand), (1, 1, 1));
    assert_eq!(node.progress, Some(1.0));
}

#[tokio::test]
async fn jira_epics_and_parents_are_imported_and_hand_links_survive_a_resync() {
    let jira = Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap());
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h
        .add_jira(&server.url(), JIRA_TOKEN, &["EE", "K5", "DZFNK0168"])
        .await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    // The recorded site has one epic (K5-4, hierarchyLevel 1): it is an intent keyed by the
    // source. Sub-tasks under stories (EE-1, EE-2, EE-3: level 0) make no intent.
    let epics = h
        .strings("SELECT source_key || '|' || kind || '|' || origin || '|' || title FROM intents ORDER BY 1")
        .await;
    assert_eq!(epics, vec!["K5-4|initiative|source|K5 epic".to_owned()]);
    // K5-3's parent field names the epic (with its issue type, level 1): it serves it, and so
    // does the epic's own issue. K5-2's epic (K5-1) was never synced: it waits, unaligned.
    assert_eq!(
        h.strings("SELECT i.key FROM items i JOIN intents n ON n.id = i.intent_id ORDER BY 1")
            .await,
        vec!["K5-3".to_owned(), "K5-4".to_owned()]
    );
    assert_eq!(
        h.strings("SELECT source_ref FROM intent_links l JOIN items i ON i.id = l.item_id WHERE i.key = 'K5-2'").await,
        vec!["20707".to_owned()],
        "K5-2 keeps its epic's id until that epic is synced"
    );
    assert_eq!(
        h.strings("SELECT value FROM item_facets f JOIN items i ON i.id = f.item_id WHERE i.key = 'K5-3' AND f.field = 'epic'").await,
        vec!["K5-4".to_owned()],
        "the epic is a facet rules can match"
    );
    let intents_before = h.count("SELECT COUNT(*) FROM intents").await;
    // A person moves a child of EE-1 elsewhere by hand and renames the epic.
    let child = h
        .strings("SELECT id FROM items WHERE key = 'K5-3'")
        .await
        .remove(0);
    let mine = intents::create(
        &h.ws,
        &IntentInput {
            title: "Made in Baton".into(),
            ..IntentInput::default()
        },
        "ann",
        "",
        baton_core::time::now_ms(),
    )
    .await
    .unwrap();
    intents::link(
        &h.ws,
        std::slice::from_ref(&child),
        &LinkTarget::Intent { id: mine.clone() },
        "ann",
        "belongs to the new goal",
        baton_core::time::now_ms(),
    )
    .await
    .unwrap();
    let epic = h
        .strings("SELECT id FROM intents WHERE source_key = 'K5-4'")
        .await
        .remove(0);
    intents::edit(
        &h.ws,
        &epic,
        &IntentInput {
            title: "Renamed in Baton".into(),
            priority: Some(1),
            ..IntentInput::default()
        },
        "ann",
        "clearer",
        baton_core::time::now_ms(),
    )
    .await
    .unwrap();
    // A full sync again.
    h.clock.advance(std::time::Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM intents").await,
        intents_before + 1,
        "a re-sync updates the imported intents, it does not duplicate them"
    );
    assert_eq!(
        h.strings(&format!("SELECT intent_id FROM items WHERE id = '{child}'"))
            .await,
        vec![mine.clone()],
        "the hand link survives the sync"
    );
    assert_eq!(
        h.strings(&format!("SELECT title FROM intents WHERE id = '{epic}'"))
            .await,
        vec!["Renamed in Baton".to_owned()],
        "a field edited in Baton keeps the person's value"
    );
}

#[tokio::test]
async fn a_rule_is_previewed_then_links_what_it_matched() {
    let jira = Arc::new(FakeJira::from_devlake(&fixtures(), JIRA_EMAIL, JIRA_TOKEN).unwrap());
    let server = jira.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h
        .add_jira(&server.url(), JIRA_TOKEN, &["EE", "K5", "DZFNK0168"])
        .await;
    h.sync(&source).await;
    let now = baton_core::time::now_ms();
    let goal = intents::create(
        &h.ws,
        &IntentInput {
            title: "Everything of K5".into(),
            ..IntentInput::default()
        },
        "ann",
        "",
        now,
    )
    .await
    .unwrap();
    let rule = RuleInput {
        intent_id: goal.clone(),
        field: IntentRuleField::Project,
        pattern: "k5".into(),
    };
    let k5 = h
        .count("SELECT COUNT(*) FROM items WHERE key LIKE 'K5-%'")
        .await;
    let preview = intents::preview_rule(&h.ws, &rule).await.unwrap();
    assert_eq!(
        i64::from(preview.matched),
        k5,
        "the project facet of every K5 issue matches"
    );
    assert_eq!(
        h.count(&format!(
            "SELECT COUNT(*) FROM items WHERE intent_id = '{goal}'"
        ))
        .await,
        0,
        "a preview writes nothing"
    );
    intents::add_rule(&h.ws, &rule, "ann", "K5 is the goal's project", now)
        .await
        .unwrap();
    assert_eq!(
        h.count(&format!(
            "SELECT COUNT(*) FROM items WHERE intent_id = '{goal}'"
        ))
        .await,
        i64::from(preview.linked),
        "applying links exactly what the preview said"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM intent_links WHERE how = 'rule'")
            .await,
        i64::from(preview.linked) + i64::from(preview.kept) - i64::from(preview.kept),
        "each link records that a rule made it"
    );
}

#[tokio::test]
async fn github_milestones_are_imported_and_their_issues_serve_them() {
    let gh = Arc::new(FakeGithub::from_devlake(&fixtures(), GH_TOKEN).unwrap());
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h.add_github(&server.url(), GH_TOKEN).await;
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    // Every recorded issue carries milestone 7 ("v0.11.0"); the recorded pull requests none.
    assert_eq!(
        h.strings("SELECT kind || '|' || title || '|' || external_id FROM intents")
            .await,
        vec!["milestone|v0.11.0|7856149".to_owned()],
        "one milestone, once, whatever the number of issues carrying it"
    );
    let issues = h
        .count("SELECT COUNT(*) FROM items WHERE kind <> 'pull_request'")
        .await;
    assert_eq!(
        h.count(
            "SELECT COUNT(*) FROM items WHERE intent_id IS NOT NULL AND kind <> 'pull_request'"
        )
        .await,
        issues,
        "each issue serves its milestone"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM item_facets WHERE field = 'repository'")
            .await,
        h.count("SELECT COUNT(*) FROM items").await,
        "every item's repository is a facet"
    );
    h.clock.advance(std::time::Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        h.count("SELECT COUNT(*) FROM intents").await,
        1,
        "no duplicate on a re-sync"
    );
}

/// Closes open items as a sync page would: a change into a done state of their source (the
/// state a finished item of the same source is in) an hour before `at`, and the stored state.
struct CloseItems(Vec<String>, i64);

impl baton_core::graph::WriteOp for CloseItems {
    type Output = ();
    type Error = baton_core::CoreError;

    async fn apply(
        self,
        w: &mut baton_core::graph::Writer<'_>,
    ) -> Result<(), baton_core::CoreError> {
        let mut changes = Vec::new();
        for id in &self.0 {
            let (from, done): (String, String) = sqlx::query_as(
                "SELECT i.raw_state, (SELECT d.raw_state FROM items d WHERE d.source_id = i.source_id
                   AND d.flow_state = 'done' LIMIT 1) FROM items i WHERE i.id = ?1",
            )
            .bind(id)
            .fetch_one(&mut *w.conn())
            .await?;
            sqlx::query("UPDATE items SET raw_state = ?2, flow_state = 'done', updated_at = ?3 WHERE id = ?1")
                .bind(id)
                .bind(&done)
                .bind(self.1 - 3_600_000)
                .execute(&mut *w.conn())
                .await?;
            changes.push(baton_core::graph::model::Transition {
                item_id: id.clone(),
                event_id: format!("closed-{id}"),
                kind: TransitionKind::State,
                from_state: Some(from),
                to_state: done,
                at: self.1 - 3_600_000,
                actor_id: None,
            });
        }
        baton_core::graph::repo::transitions::insert_many(w.conn(), &changes).await?;
        w.items_changed(self.0.iter().cloned());
        Ok(())
    }
}

#[tokio::test]
async fn the_page_followed_through_changes_equals_a_page_computed_afresh() {
    use baton_core::demo;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.baton");
    let end = NOW;
    let ws = demo::build(
        &path,
        &demo::DemoOptions {
            items: 3_000,
            seed: demo::DEFAULT_SEED,
            end,
        },
    )
    .await
    .unwrap();
    let query = report::IntentsQuery::default();
    let now = end + 3_600_000;
    let before = report::intents_report(&ws, &query, now).await.unwrap();
    let generation = ws.index().await.unwrap().generation;
    // Changes: an unaligned item linked by hand, and a sync page that closes 40 open items
    // serving intents (their facts, violations, blockers and WIP limits move).
    let unaligned = before.unaligned.items[0].item.id.clone();
    let target = before.intents[0].id.clone();
    intents::link(
        &ws,
        std::slice::from_ref(&unaligned),
        &LinkTarget::Intent { id: target.clone() },
        "ann",
        "",
        now,
    )
    .await
    .unwrap();
    let open: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM items WHERE intent_id IS NOT NULL AND flow_state IN ('active', 'waiting')
         ORDER BY id LIMIT 40",
    )
    .fetch_all(ws.pool())
    .await
    .unwrap();
    assert_eq!(open.len(), 40);
    ws.write(CloseItems(open, now)).await.unwrap();
    // Two days on: clocks ran out, breaches of finished items aged.
    let later = now + 2 * 86_400_000;
    let followed = report::intents_report(&ws, &query, later).await.unwrap();
    // Asked again an hour on with nothing changed: followed without deriving anything again.
    let again_at = later + 3_600_000;
    let again = report::intents_report(&ws, &query, again_at).await.unwrap();
    assert!(
        ws.index()
            .await
            .unwrap()
            .changed_since(generation)
            .is_some_and(|c| !c.is_empty()),
        "the index followed the changes item by item, so the page did too"
    );
    ws.close().await;

    let fresh_ws = baton_core::graph::Workspace::open(&path).await.unwrap();
    let fresh = report::intents_report(&fresh_ws, &query, later)
        .await
        .unwrap();
    assert_ne!(
        before.intents, fresh.intents,
        "the changes moved the figures"
    );
    assert_eq!(
        followed, fresh,
        "followed item by item, the page is the page computed from nothing"
    );
    let other_ws = baton_core::graph::Workspace::open(&path).await.unwrap();
    let fresh_again = report::intents_report(&other_ws, &query, again_at)
        .await
        .unwrap();
    other_ws.close().await;
    assert_eq!(
        again, fresh_again,
        "asked again with nothing changed, the page is still the page computed from nothing"
    );
    let sum = |r: &report::IntentsReport, f: fn(&report::IntentNode) -> u32| {
        r.intents
            .iter()
            .filter(|n| n.depth == 0)
            .map(f)
            .sum::<u32>()
    };
    assert!(
        sum(&fresh, |n| n.policy_violations) > 0,
        "the demo breaks policies"
    );
    assert!(
        sum(&fresh, |n| n.done) > sum(&before, |n| n.done),
        "40 items were closed"
    );
    fresh_ws.close().await;
}

#[tokio::test]
async fn progress_in_points_matches_a_hand_computed_case() {
    let dir = tempfile::tempdir().unwrap();
    let ws = baton_core::graph::Workspace::create(&dir.path().join("p.baton"))
        .await
        .unwrap();
    let mut graph = small_graph();
    // jira-1 done (3 points), jira-2 waiting (5 points), gh-1 merged (no estimate: GitHub gives
    // none), jira-3 canceled (8 points, left out).
    for item in graph.items.iter_mut() {
        item.estimate = match item.id.as_str() {
            "jira-1" => Some(3.0),
            "jira-2" => Some(5.0),
            "jira-3" => Some(8.0),
            _ => None,
        };
        if item.id == "jira-3" {
            item.raw_state = "Won't do".into();
            item.flow_state = FlowState::Canceled;
        }
    }
    graph.workflow_maps.push(WorkflowMap {
        source_id: "src-jira".into(),
        team_id: String::new(),
        scope: String::new(),
        item_kind: None,
        raw_state: "Won't do".into(),
        flow_state: FlowState::Canceled,
        wait_reason: None,
        origin: "user".into(),
    });
    graph
        .transitions
        .push(baton_core::graph::model::Transition {
            item_id: "jira-1".into(),
            event_id: "done".into(),
            kind: TransitionKind::State,
            from_state: Some("Backlog".into()),
            to_state: "Done".into(),
            at: T0 + 3 * DAY,
            actor_id: Some("p-ann".into()),
        });
    graph
        .transitions
        .push(baton_core::graph::model::Transition {
            item_id: "jira-3".into(),
            event_id: "dropped".into(),
            kind: TransitionKind::State,
            from_state: Some("Backlog".into()),
            to_state: "Won't do".into(),
            at: T0 + 4 * DAY,
            actor_id: Some("p-ann".into()),
        });
    baton_core::demo::write(&ws, &graph).await.unwrap();
    let now = T0 + 20 * DAY;
    let intent = intents::create(
        &ws,
        &IntentInput {
            title: "Sized work".into(),
            ..IntentInput::default()
        },
        "ann",
        "",
        now,
    )
    .await
    .unwrap();
    let ids: Vec<String> = ["jira-1", "jira-2", "gh-1", "jira-3"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    intents::link(
        &ws,
        &ids,
        &LinkTarget::Intent { id: intent.clone() },
        "ann",
        "",
        now,
    )
    .await
    .unwrap();
    let r = report::intents_report(&ws, &range(), now).await.unwrap();
    assert!(r.points_available, "some items carry estimates");
    let n = r.intents.iter().find(|n| n.id == intent).unwrap();
    assert_eq!((n.items, n.done, n.canceled), (4, 2, 1));
    assert_eq!(
        n.progress,
        Some(2.0 / 3.0),
        "jira-1 and gh-1 of three counted"
    );
    assert_eq!(
        (n.estimated, n.points, n.points_done),
        (2, 8.0, 3.0),
        "jira-1 (3, done) and jira-2 (5); gh-1 has no estimate, jira-3 is canceled"
    );
    assert_eq!(n.points_progress, Some(3.0 / 8.0));
    // The brief says it too.
    let html = intents::brief::intent_brief(&ws, &range(), &intent, now)
        .await
        .unwrap();
    assert!(
        html.contains("3 of 8 points done; 2 of 3 items estimated"),
        "{html}"
    );
}

fn path_list(item: &str, paths: &[&str]) -> baton_core::graph::repo::item_paths::PathList {
    baton_core::graph::repo::item_paths::PathList {
        item_id: item.into(),
        files: paths.len() as i64,
        truncated: false,
        read_for: T0,
        paths: paths
            .iter()
            .map(|p| baton_core::graph::repo::item_paths::ItemPath {
                item_id: item.into(),
                path: (*p).into(),
                status: "modified".into(),
                additions: 1,
                deletions: 0,
                previous_path: None,
            })
            .collect(),
    }
}

async fn intent_of(ws: &baton_core::graph::Workspace, item: &str) -> Option<String> {
    sqlx::query_scalar("SELECT intent_id FROM items WHERE id = ?1")
        .bind(item)
        .fetch_one(ws.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_path_rule_links_the_pull_requests_touching_a_folder_and_hand_links_survive() {
    let dir = tempfile::tempdir().unwrap();
    let ws = baton_core::graph::Workspace::create(&dir.path().join("p.baton"))
        .await
        .unwrap();
    let mut graph = small_graph();
    // gh-1 (which implements jira-1) changes the ledger under src/payments/; gh-2 only docs and
    // another folder; gh-3 a payments folder deeper in another repository (a one-name folder
    // pattern takes it wherever it sits); gh-3 is also linked by hand below.
    graph.paths = vec![
        path_list("gh-1", &["README.md", "src/payments/ledger.rs"]),
        path_list("gh-2", &["docs/guide.md", "src/payments-v2/x.rs"]),
        path_list("gh-3", &["services/api/src/payments/refund.rs"]),
    ];
    baton_core::demo::write(&ws, &graph).await.unwrap();
    let now = T0 + 20 * DAY;
    let make = |title: &str| IntentInput {
        title: title.into(),
        ..IntentInput::default()
    };
    let ledger = intents::create(&ws, &make("New ledger"), "ann", "", now)
        .await
        .unwrap();
    let other = intents::create(&ws, &make("Platform upkeep"), "ann", "", now)
        .await
        .unwrap();
    intents::link(
        &ws,
        &["gh-3".into()],
        &LinkTarget::Intent { id: other.clone() },
        "ann",
        "platform work, whatever it touches",
        now,
    )
    .await
    .unwrap();
    let rule = RuleInput {
        intent_id: ledger.clone(),
        field: IntentRuleField::Path,
        pattern: "payments/".into(),
    };
    let preview = intents::preview_rule(&ws, &rule).await.unwrap();
    assert_eq!(
        (
            preview.matched,
            preview.linked,
            preview.kept,
            preview.newly_aligned
        ),
        (2, 1, 1, 1),
        "gh-1 and gh-3 touch a payments folder (gh-2's payments-v2 is another folder); gh-3 is \
         linked by hand, so only gh-1 would be linked, and it serves nothing now"
    );
    let keys: Vec<(&str, bool)> = preview
        .examples
        .iter()
        .map(|m| (m.key.as_str(), m.kept))
        .collect();
    assert_eq!(keys, vec![("acme/pay#1", false), ("acme/plat#3", true)]);
    assert_eq!(
        intent_of(&ws, "gh-1").await,
        None,
        "a preview writes nothing"
    );
    let rule_id = intents::add_rule(&ws, &rule, "ann", "the ledger lives there", now)
        .await
        .unwrap();
    assert_eq!(
        intent_of(&ws, "gh-1").await.as_deref(),
        Some(ledger.as_str())
    );
    assert_eq!(
        intent_of(&ws, "gh-3").await.as_deref(),
        Some(other.as_str()),
        "the hand link wins over the rule"
    );
    assert_eq!(intent_of(&ws, "gh-2").await, None);
    assert_eq!(
        intent_of(&ws, "jira-1").await,
        None,
        "the issue gh-1 implements keeps its own intent (none): path rules link changes only"
    );
    let how: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT how, rule_id, intent_id FROM intent_links WHERE item_id = 'gh-1' ORDER BY how",
    )
    .fetch_all(ws.pool())
    .await
    .unwrap();
    assert_eq!(
        how,
        vec![(
            "rule".to_owned(),
            Some(rule_id.clone()),
            Some(ledger.clone())
        )],
        "the link records the rule that made it"
    );
    let listed = intents::rules_list(&ws).await.unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|r| (r.field, r.linked))
            .collect::<Vec<_>>(),
        vec![(IntentRuleField::Path, 2)],
        "the rule's link of gh-3 is kept beside the hand link, which wins"
    );
    let page = report::intents_report(&ws, &range(), now).await.unwrap();
    let node = page.intents.iter().find(|n| n.id == ledger).unwrap();
    assert_eq!((node.items, node.linked_by_rule), (1, 1));
    assert!(
        intents::preview_rule(
            &ws,
            &RuleInput {
                pattern: "/**".into(),
                ..rule.clone()
            }
        )
        .await
        .is_err(),
        "a path rule taking every file is refused"
    );
    intents::remove_rule(&ws, &rule_id, "ann", now)
        .await
        .unwrap();
    assert_eq!(
        intent_of(&ws, "gh-1").await,
        None,
        "its links go with the rule"
    );
    assert_eq!(
        intent_of(&ws, "gh-3").await.as_deref(),
        Some(other.as_str()),
        "the hand link stays"
    );
}

#[tokio::test]
async fn a_path_rule_links_a_synced_pull_request_by_its_real_files() {
    // The real recording of PyGithub/PyGithub#31 and its 45 files (see `conflicts.rs`).
    let gh = crate::conflicts::fake(false);
    let server = gh.serve().await.unwrap();
    let h = Harness::new().await;
    let source = h
        .add(&github_input(
            "GitHub PyGithub",
            &server.url(),
            &[crate::conflicts::REPO],
            GH_TOKEN,
        ))
        .await;
    let now = baton_core::time::now_ms();
    let goal = intents::create(
        &h.ws,
        &IntentInput {
            title: "Generated API objects".into(),
            ..IntentInput::default()
        },
        "ann",
        "",
        now,
    )
    .await
    .unwrap();
    // Made before anything is synced: the sync's page applies it to the files it writes.
    intents::add_rule(
        &h.ws,
        &RuleInput {
            intent_id: goal.clone(),
            field: IntentRuleField::Path,
            pattern: "codegen/templates/".into(),
        },
        "ann",
        "",
        now,
    )
    .await
    .unwrap();
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let pr = h
        .strings("SELECT id FROM items WHERE key = 'PyGithub/PyGithub#31'")
        .await;
    assert_eq!(pr.len(), 1);
    assert_eq!(
        h.strings(&format!(
            "SELECT how || '|' || intent_id FROM intent_links WHERE item_id = '{}'",
            pr[0]
        ))
        .await,
        vec![format!("rule|{goal}")],
        "the recorded pull request changes codegen/templates/GithubObject.py: the rule links it \
         when the sync stores its files"
    );
    assert_eq!(
        intent_of(&h.ws, &pr[0]).await.as_deref(),
        Some(goal.as_str())
    );
    // A person says it is maintenance; a sync that reads it again keeps the decision.
    intents::link(
        &h.ws,
        &pr,
        &LinkTarget::Unaligned {
            reason: "maintenance".into(),
        },
        "ann",
        "",
        now,
    )
    .await
    .unwrap();
    h.clock.advance(std::time::Duration::from_secs(600));
    let report = h.sync(&source).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    assert_eq!(
        intent_of(&h.ws, &pr[0]).await,
        None,
        "the hand link (no intent, on purpose) survives the sync"
    );
    assert_eq!(
        h.count(&format!(
            "SELECT COUNT(*) FROM intent_links WHERE item_id = '{}' AND how IN ('rule', 'hand')",
            pr[0]
        ))
        .await,
        2,
        "both links are kept, each saying how it was made; the hand one wins"
    );
}

#[tokio::test]
async fn a_path_rule_on_the_demo_links_exactly_the_pull_requests_touching_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let ws = crate::common::demo_workspace(dir.path(), 3_000, NOW).await;
    // A slash inside the pattern anchors it at the repository's root, as in CODEOWNERS.
    let pattern = "src/payments/";
    // By hand: the items with a stored file under the root's src/payments/.
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT item_id, path FROM item_paths")
        .fetch_all(ws.pool())
        .await
        .unwrap();
    let mut touching: Vec<String> = rows
        .into_iter()
        .filter(|(_, p)| p.starts_with(pattern))
        .map(|(i, _)| i)
        .collect();
    touching.sort();
    touching.dedup();
    assert!(
        touching.len() > 10,
        "the demo's pull requests reach into Payments' folder"
    );
    let report_before = report::intents_report(&ws, &report::IntentsQuery::default(), NOW)
        .await
        .unwrap();
    let target = report_before.intents[0].id.clone();
    let rule = RuleInput {
        intent_id: target.clone(),
        field: IntentRuleField::Path,
        pattern: pattern.into(),
    };
    let preview = intents::preview_rule(&ws, &rule).await.unwrap();
    assert_eq!(
        preview.matched as usize,
        touching.len(),
        "the preview matches every pull request with a file under the folder, and only those"
    );
    let hand: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM intent_links WHERE how = 'hand' AND item_id IN ({})",
        touching
            .iter()
            .map(|i| format!("'{i}'"))
            .collect::<Vec<_>>()
            .join(",")
    ))
    .fetch_one(ws.pool())
    .await
    .unwrap();
    assert_eq!(
        i64::from(preview.kept),
        hand,
        "no other rule: only hand links stay"
    );
    let issues_before: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT id, intent_id FROM items WHERE kind <> 'pull_request' ORDER BY id")
            .fetch_all(ws.pool())
            .await
            .unwrap();
    intents::add_rule(&ws, &rule, "ann", "the payments client", NOW)
        .await
        .unwrap();
    let linked: Vec<String> = sqlx::query_scalar(
        "SELECT l.item_id FROM intent_links l JOIN items i ON i.id = l.item_id
         WHERE l.how = 'rule' ORDER BY l.item_id",
    )
    .fetch_all(ws.pool())
    .await
    .unwrap();
    assert_eq!(
        linked, touching,
        "a rule link for each matched pull request"
    );
    let kinds: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT i.kind FROM intent_links l JOIN items i ON i.id = l.item_id WHERE l.how = 'rule'",
    )
    .fetch_all(ws.pool())
    .await
    .unwrap();
    assert_eq!(kinds, vec!["pull_request".to_owned()]);
    assert_eq!(
        h_count(
            &ws,
            &format!("SELECT COUNT(*) FROM items WHERE intent_id = '{target}' AND id IN (SELECT item_id FROM intent_links WHERE how = 'rule')")
        )
        .await,
        i64::from(preview.linked),
        "applying links exactly what the preview said"
    );
    let issues_after: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT id, intent_id FROM items WHERE kind <> 'pull_request' ORDER BY id")
            .fetch_all(ws.pool())
            .await
            .unwrap();
    assert_eq!(
        issues_before, issues_after,
        "no issue moves: the issues those pull requests implement keep their own intents"
    );
}

async fn h_count(ws: &baton_core::graph::Workspace, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(ws.pool()).await.unwrap()
}

/// The pending questions as the Intents page counts them, sorted.
async fn lean_pending(ws: &baton_core::graph::Workspace) -> Vec<(Option<String>, Vec<String>)> {
    let ix = ws.index().await.unwrap();
    let rows = baton_core::graph::repo::workflow_maps::list(ws.pool())
        .await
        .unwrap();
    let mapping = baton_core::flow::Mapping::build(&ix, &rows);
    let mut out: Vec<(Option<String>, Vec<String>)> =
        baton_core::approvals::pending_refs(ws, &ix, &mapping, &rows)
            .await
            .unwrap()
            .into_iter()
            .map(|(intent, waiting)| {
                let ids = waiting
                    .iter()
                    .map(|&at| ix.item_ids.get(at as usize).unwrap().to_owned())
                    .collect();
                (intent, ids)
            })
            .collect();
    out.sort();
    out
}

/// The pending questions of the Decisions page, sorted.
async fn page_pending(
    ws: &baton_core::graph::Workspace,
    now: i64,
) -> Vec<(Option<String>, Vec<String>)> {
    use baton_core::approvals::{approvals_report, ApprovalQuery};
    let mut out: Vec<(Option<String>, Vec<String>)> =
        approvals_report(ws, &ApprovalQuery::default(), now)
            .await
            .unwrap()
            .approvals
            .into_iter()
            .filter(|a| a.answer.is_none())
            .map(|a| (a.intent_id, a.waiting.into_iter().map(|w| w.id).collect()))
            .collect();
    out.sort();
    out
}

#[tokio::test]
async fn the_pending_questions_the_intents_page_reads_are_the_decisions_pages() {
    use baton_core::approvals::{self, AnswerInput, AnswerOutcome};
    let dir = tempfile::tempdir().unwrap();
    let ws = crate::common::demo_workspace(dir.path(), 3_000, NOW).await;
    let now = NOW + 3_600_000;
    let before = page_pending(&ws, now).await;
    assert!(
        before.len() > 10,
        "the demo asks questions in Baton and shows some from the sources"
    );
    assert!(
        before.iter().any(|(i, _)| i.is_some()),
        "some are about an intent"
    );
    assert_eq!(lean_pending(&ws).await, before);
    // One asked in Baton and one a source shows are answered: both leave the pending ones.
    let report = approvals::approvals_report(&ws, &Default::default(), now)
        .await
        .unwrap();
    let baton = report
        .approvals
        .iter()
        .find(|a| !a.id.starts_with(approvals::SOURCE_PREFIX))
        .unwrap()
        .id
        .clone();
    let source = report
        .approvals
        .iter()
        .find(|a| a.id.starts_with(approvals::SOURCE_PREFIX))
        .unwrap()
        .id
        .clone();
    for id in [baton, source] {
        approvals::answer(
            &ws,
            &AnswerInput {
                approval: id,
                outcome: AnswerOutcome::Approved,
                answer: String::new(),
                why: String::new(),
            },
            "ann",
            now,
        )
        .await
        .unwrap();
    }
    let after = page_pending(&ws, now).await;
    assert_eq!(after.len() + 2, before.len());
    assert_eq!(
        lean_pending(&ws).await,
        after,
        "answered questions (asked in Baton, shown by a source) leave both alike"
    );
}

/// Adds review requests as a sync page of a source's lifecycle would, without any item of the
/// index changing (the rows the pending questions read beside the index).
struct AskReviews(Vec<baton_core::graph::repo::review_requests::ReviewRequest>);

impl baton_core::graph::WriteOp for AskReviews {
    type Output = ();
    type Error = baton_core::CoreError;

    async fn apply(
        self,
        w: &mut baton_core::graph::Writer<'_>,
    ) -> Result<(), baton_core::CoreError> {
        baton_core::graph::repo::review_requests::insert(w.conn(), &self.0).await?;
        Ok(())
    }
}

/// What the page keeps between questions (the facts, the violations, the pending questions,
/// the links that give pull requests an intent) never answers for an older state: after each
/// kind of change — a hand link, a sync page, a decision, a rule change, review requests asked —
/// the page asked of the workspace that kept them equals the page a workspace opened afresh
/// computes, and asked again with nothing changed it is the same page.
#[tokio::test]
async fn the_kept_answers_equal_a_fresh_page_after_each_kind_of_change() {
    use baton_core::approvals::{self, NewApproval};
    use baton_core::demo;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.baton");
    let ws = demo::build(
        &path,
        &demo::DemoOptions {
            items: 3_000,
            seed: demo::DEFAULT_SEED,
            end: NOW,
        },
    )
    .await
    .unwrap();
    let query = report::IntentsQuery::default();
    let now = NOW + 3_600_000;
    let mut page = report::intents_report(&ws, &query, now).await.unwrap();
    let fresh_page = |at: i64| {
        let path = path.clone();
        let query = query.clone();
        async move {
            let other = baton_core::graph::Workspace::open(&path).await.unwrap();
            let out = report::intents_report(&other, &query, at).await.unwrap();
            other.close().await;
            out
        }
    };
    assert_eq!(page, fresh_page(now).await, "the first page");
    let open_items = |sql: &'static str| {
        let ws = ws.clone();
        async move {
            sqlx::query_scalar::<_, String>(sql)
                .fetch_all(ws.pool())
                .await
                .unwrap()
        }
    };
    let pending_sum = |r: &report::IntentsReport| {
        r.intents
            .iter()
            .filter(|n| n.depth == 0)
            .map(|n| n.pending_decisions)
            .sum::<u32>()
    };
    for (round, change) in [
        "hand link",
        "sync page",
        "decision",
        "rule",
        "review requests",
    ]
    .into_iter()
    .enumerate()
    {
        let at = now + round as i64 * 600_000;
        let before = page.clone();
        match change {
            "hand link" => {
                let item = before.unaligned.items[0].item.id.clone();
                intents::link(
                    &ws,
                    std::slice::from_ref(&item),
                    &LinkTarget::Intent {
                        id: before.intents[0].id.clone(),
                    },
                    "ann",
                    "",
                    at,
                )
                .await
                .unwrap();
            }
            "sync page" => {
                let open = open_items(
                    "SELECT id FROM items WHERE intent_id IS NOT NULL
                     AND flow_state IN ('active', 'waiting') ORDER BY id LIMIT 25",
                )
                .await;
                assert_eq!(open.len(), 25);
                ws.write(CloseItems(open, at)).await.unwrap();
            }
            "decision" => {
                let waiting = open_items(
                    "SELECT id FROM items WHERE intent_id IS NULL
                     AND flow_state IN ('active', 'waiting') ORDER BY id LIMIT 3",
                )
                .await;
                approvals::ask(
                    &ws,
                    &NewApproval {
                        kind: None,
                        question: "Which goal does this serve?".into(),
                        decider: "ann".into(),
                        decider_is_team: false,
                        waiting,
                        due: None,
                        intent: Some(before.intents[1].id.clone()),
                        team: None,
                        why: String::new(),
                    },
                    "ann",
                    at,
                )
                .await
                .unwrap();
            }
            "rule" => {
                // The project of the most items with one: its items now serve that intent.
                let project: String = sqlx::query_scalar(
                    "SELECT value FROM item_facets WHERE field = 'project'
                     GROUP BY value ORDER BY COUNT(*) DESC, value LIMIT 1",
                )
                .fetch_one(ws.pool())
                .await
                .unwrap();
                intents::add_rule(
                    &ws,
                    &RuleInput {
                        intent_id: before.intents[2].id.clone(),
                        field: IntentRuleField::Project,
                        pattern: project,
                    },
                    "ann",
                    "the busiest project serves it",
                    at,
                )
                .await
                .unwrap();
            }
            _ => {
                let prs = open_items(
                    "SELECT id FROM items WHERE kind = 'pull_request' AND intent_id IS NOT NULL
                     AND flow_state IN ('active', 'waiting') ORDER BY id LIMIT 3",
                )
                .await;
                assert_eq!(prs.len(), 3);
                let requests = prs
                    .into_iter()
                    .map(
                        |item_id| baton_core::graph::repo::review_requests::ReviewRequest {
                            item_id,
                            reviewer: "kept-answer-check".into(),
                            person_id: None,
                            requested_at: at - 60_000,
                            requested_by: None,
                        },
                    )
                    .collect();
                ws.write(AskReviews(requests)).await.unwrap();
            }
        }
        page = report::intents_report(&ws, &query, at).await.unwrap();
        assert_ne!(page, before, "{change}: the change moved the page");
        if matches!(change, "decision" | "review requests") {
            assert!(
                pending_sum(&page) > pending_sum(&before),
                "{change}: more pending questions"
            );
        }
        assert_eq!(
            page,
            fresh_page(at).await,
            "{change}: the page kept between questions is the page computed afresh"
        );
        let again = report::intents_report(&ws, &query, at + 60_000)
            .await
            .unwrap();
        assert_eq!(
            again,
            fresh_page(at + 60_000).await,
            "{change}: asked again with nothing changed, it is still the page computed afresh"
        );
    }
    ws.close().await;
}
