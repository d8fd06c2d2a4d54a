//! Property: whatever syncs bring and however the rules are edited, no decision changes. Syncs
//! write through the page writer (`ingest::write::commit_page`), rules through the rule use cases;
//! neither ever touches `decisions`, and the decisions in force stay the same.

use baton_core::decisions::{self, DecisionInput, Overlay};
use baton_core::graph::model::*;
use baton_core::graph::repo;
use baton_core::graph::Workspace;
use baton_core::ingest::write::{PageWrite, RequesterFact, SeenPerson};
use baton_core::rules::{self, ProvenanceRuleView, ProvenanceSignal, TeamRuleField, TeamRuleView};
use baton_core::triage::{self, TriageDecision};
use proptest::prelude::*;

use crate::triage::{change, graph, sync_page, workspace, D, NOW};

/// One thing that happens to the workspace.
#[derive(Debug, Clone)]
enum Op {
    /// A page of a sync: an item (existing or new) with a new state, provenance, owner and time,
    /// a change, maybe a link and a requester.
    Sync {
        item: usize,
        state: usize,
        provenance: usize,
        owner: Option<usize>,
        late: i64,
        review: bool,
        link_to: Option<usize>,
        requester: Option<usize>,
    },
    /// A provenance rule added or changed.
    ProvenanceRule {
        pattern: String,
        agent: usize,
        confidence: f64,
    },
    /// A built-in provenance rule deleted.
    DeleteBuiltin { which: usize },
    /// A team and a team rule.
    TeamRule { name: String, pattern: String },
}

const STATES: &[&str] = &[
    "open",
    "merged",
    "closed",
    "Backlog",
    "In Progress",
    "Done",
    "Parked",
    "Weird state",
];
const PEOPLE: &[&str] = &["ann", "bob", "cat", "copilot", "devin"];
const BUILTINS: &[&str] = &[
    "builtin-login-copilot",
    "builtin-login-devin",
    "builtin-body-devin",
    "builtin-label-ai",
];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..24, 0..STATES.len(), 0usize..3, proptest::option::of(0..PEOPLE.len()), 0i64..(40 * D),
              any::<bool>(), proptest::option::of(0usize..24), proptest::option::of(0..3usize))
            .prop_map(|(item, state, provenance, owner, late, review, link_to, requester)| Op::Sync {
                item, state, provenance, owner, late, review, link_to, requester,
            }),
        1 => ("[a-z*]{1,8}", 0usize..3, 0.05f64..1.0)
            .prop_map(|(pattern, agent, confidence)| Op::ProvenanceRule { pattern, agent, confidence }),
        1 => (0..BUILTINS.len()).prop_map(|which| Op::DeleteBuiltin { which }),
        1 => ("[A-Z][a-z]{2,8}", "[a-z]{1,6}\\*?")
            .prop_map(|(name, pattern)| Op::TeamRule { name, pattern }),
    ]
}

async fn apply(ws: &Workspace, op: &Op, ids: &[String], n: usize) {
    match op {
        Op::Sync {
            item,
            state,
            provenance,
            owner,
            late,
            review,
            link_to,
            requester,
        } => {
            let template = graph().items.into_iter().next().unwrap();
            let id = ids
                .get(*item)
                .cloned()
                .unwrap_or_else(|| format!("gh-new-{item}"));
            let mut page = PageWrite::new("pulls:acme/pay");
            let at = NOW - 40 * D + late;
            let existing = graph().items.into_iter().find(|i| i.id == id);
            let mut it = existing.unwrap_or(WorkItem {
                id: id.clone(),
                external_id: id.clone(),
                key: id.to_uppercase(),
                ..template
            });
            it.raw_state = STATES[*state].into();
            it.provenance = Provenance::ALL[*provenance];
            it.provenance_agent = (it.provenance != Provenance::Human).then(|| "Agent".into());
            it.owner_id = owner.map(|o| PEOPLE[o].to_owned());
            it.updated_at = it.updated_at.max(at);
            it.source_id = if id.starts_with("jira") {
                "jira".into()
            } else {
                "gh".into()
            };
            page.items.push(it);
            page.transitions.push(change(
                &id,
                1000 + (*late % 1000) as u32,
                if *review {
                    TransitionKind::Review
                } else {
                    TransitionKind::State
                },
                None,
                if *review { "approved" } else { STATES[*state] },
                at,
                PEOPLE[(*late as usize) % PEOPLE.len()],
            ));
            if let Some(to) = link_to.and_then(|t| ids.get(t)) {
                if *to != id {
                    page.links.push(Link {
                        from_item_id: id.clone(),
                        to_item_id: to.clone(),
                        kind: LinkKind::Blocks,
                        origin: LinkOrigin::Source,
                        confidence: 1.0,
                        created_at: at,
                        removed_at: None,
                        found_in: None,
                    });
                }
            }
            if let Some(r) = requester {
                let person = page.person(
                    "gh",
                    SeenPerson {
                        login: format!("asker{r}"),
                        display_name: format!("Asker {r}"),
                        is_bot: false,
                        email: None,
                    },
                );
                page.requesters.push(RequesterFact {
                    item_id: id.clone(),
                    person_id: person,
                    signal: "pr_body",
                });
            }
            sync_page(ws, &page).await;
        }
        Op::ProvenanceRule {
            pattern,
            agent,
            confidence,
        } => {
            rules::provenance_rule_save(
                ws,
                &ProvenanceRuleView {
                    id: format!("rule-{}", n % 3),
                    signal: ProvenanceSignal::BotLogin,
                    pattern: pattern.clone(),
                    provenance: Provenance::AiAgent,
                    agent: Some(["A", "B", "C"][*agent].into()),
                    confidence: *confidence,
                    builtin: false,
                },
            )
            .await
            .unwrap();
        }
        Op::DeleteBuiltin { which } => {
            // Deleting one already deleted is refused (not found): that refusal changes nothing.
            let _ = rules::provenance_rule_delete(ws, BUILTINS[*which]).await;
        }
        Op::TeamRule { name, pattern } => {
            let team = match baton_core::query::teams_create(ws, &format!("{name}{n}")).await {
                Ok(team) => team.id,
                Err(_) => "pay".into(),
            };
            rules::team_rule_save(
                ws,
                &TeamRuleView {
                    id: String::new(),
                    source_id: None,
                    field: TeamRuleField::Repo,
                    pattern: pattern.clone(),
                    team_id: team,
                    priority: 1,
                },
            )
            .await
            .unwrap();
        }
    }
}

/// Decisions of every kind, one of them taken back.
async fn decide_all(ws: &Workspace) {
    let d = |item: &str, decision| TriageDecision {
        item_id: item.into(),
        decision,
        why: "test".into(),
    };
    let all = [
        d(
            "gh-pr-waiting",
            DecisionInput::OwnerSet {
                owner: "cat".into(),
            },
        ),
        d("gh-pr-self", DecisionInput::Accepted),
        d(
            "jira-aging",
            DecisionInput::Deferred {
                until: Some("2027-01-01".into()),
                until_change: true,
            },
        ),
        d(
            "jira-down",
            DecisionInput::HandoffDelivered {
                upstream: "jira-up".into(),
            },
        ),
        d(
            "gh-dep-idle",
            DecisionInput::DuplicateConfirmed {
                of: "gh-human-pr".into(),
            },
        ),
        d(
            "jira-new-untriaged",
            DecisionInput::IntentLinked {
                intent: "int-1".into(),
            },
        ),
        d("gh-pr-bob", DecisionInput::Note { text: "ask".into() }),
        d("jira-unmapped", DecisionInput::Rejected),
    ];
    let mut last = String::new();
    for decision in &all {
        last = triage::triage_decide(ws, decision, "lead", NOW)
            .await
            .unwrap();
    }
    decisions::revoke(ws, &last, "lead", "undo", NOW)
        .await
        .unwrap();
    triage::thresholds_set(ws, &triage::Thresholds::default(), "lead", "", NOW)
        .await
        .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn random_syncs_and_rule_edits_never_change_a_decision(ops in proptest::collection::vec(op(), 1..10)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let ws = workspace(dir.path()).await;
            decide_all(&ws).await;
            let before = repo::decisions::list(ws.pool()).await.unwrap();
            let in_force = Overlay::from_rows(&before);
            let ids: Vec<String> = graph().items.iter().map(|i| i.id.clone()).collect();
            for (n, op) in ops.iter().enumerate() {
                apply(&ws, op, &ids, n).await;
                let after = repo::decisions::list(ws.pool()).await.unwrap();
                assert_eq!(after, before, "after {op:?}, the decisions are exactly as taken");
                let overlay = decisions::overlay(&ws).await.unwrap();
                assert_eq!(overlay.items, in_force.items, "and the same decisions are in force");
                assert_eq!(overlay.thresholds, in_force.thresholds);
                // The worklist still reads them (whatever the data became).
                triage::triage_list(&ws, &triage::TriageQuery::default(), NOW).await.unwrap();
            }
            ws.close().await;
        });
    }
}
