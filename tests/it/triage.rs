//! Triage on a hand-made graph whose every reason is known: each reason lists exactly the items
//! it should, the independent-review rule, the Overview's count against its drill-down, who asked
//! for AI-made work, and decisions (what they take off the list, what brings items back, undo,
//! and that nothing but a decision writes them).

use std::collections::BTreeSet;

use baton_core::decisions::{self, DecisionInput};
use baton_core::demo::{self, DemoGraph};
use baton_core::graph::model::*;
use baton_core::graph::repo;
use baton_core::graph::Workspace;
use baton_core::ingest::write::{commit_page, PageWrite, RequesterFact, RunFigures};
use baton_core::query::{self, ItemsQuery, ReviewVerdict};
use baton_core::triage::{
    self, Reason, Thresholds, TriageDecision, TriageList, TriageQuery, TriageShow, TriageSort,
};

/// 2026-03-02T00:00:00Z.
const T0: i64 = 1_772_409_600_000;
const H: i64 = 3_600_000;
pub const D: i64 = 24 * H;
/// When every question is asked.
pub const NOW: i64 = T0 + 60 * D;

fn item(
    id: &str,
    kind: ItemKind,
    team: Option<&str>,
    state: (&str, FlowState),
    provenance: Provenance,
    author: &str,
    created: i64,
) -> WorkItem {
    WorkItem {
        id: id.into(),
        source_id: if id.starts_with("gh") {
            "gh".into()
        } else {
            "jira".into()
        },
        external_id: id.into(),
        key: id.to_uppercase(),
        url: format!("https://example.test/{id}"),
        kind,
        title: format!("Title of {id}"),
        team_id: team.map(Into::into),
        owner_id: None,
        author_id: Some(author.into()),
        provenance,
        provenance_agent: match provenance {
            Provenance::Human => None,
            Provenance::AiAgent => Some("Copilot".into()),
            Provenance::Automation => Some("Dependabot".into()),
        },
        provenance_confidence: 1.0,
        raw_state: state.0.into(),
        flow_state: state.1,
        wait_reason: None,
        intent_id: None,
        priority: None,
        estimate: None,
        created_at: created,
        started_at: None,
        done_at: None,
        updated_at: created,
    }
}

pub fn change(
    item: &str,
    n: u32,
    kind: TransitionKind,
    from: Option<&str>,
    to: &str,
    at: i64,
    actor: &str,
) -> Transition {
    Transition {
        item_id: item.into(),
        event_id: format!("e{n}"),
        kind,
        from_state: from.map(Into::into),
        to_state: to.into(),
        at,
        actor_id: Some(actor.into()),
    }
}

fn link(from: &str, to: &str, kind: LinkKind, at: i64) -> Link {
    Link {
        from_item_id: from.into(),
        to_item_id: to.into(),
        kind,
        origin: LinkOrigin::Source,
        confidence: 1.0,
        created_at: at,
        removed_at: None,
        found_in: None,
    }
}

/// The graph (every open item in a known place):
///
/// | item                 | what                                                        | listed for |
/// |----------------------|-------------------------------------------------------------|------------|
/// | gh-pr-waiting        | Copilot PR, no requester, no owner, open 10 days            | no accountable, unreviewed |
/// | gh-pr-self           | Devin PR asked for by Ann (its description), approved by Ann | unreviewed (self-reviewed) |
/// | gh-pr-ok             | Copilot PR for gh-issue-1 (assigned to Copilot by Bob), approved by Cat, merged | nothing |
/// | gh-pr-bob            | Copilot PR for gh-issue-2 (assigned by Bob), approved by Bob | unreviewed (self-reviewed) |
/// | gh-pr-merged         | Ann with an agent, merged 5 days ago, no approval           | unreviewed (merged) |
/// | gh-pr-old-merged     | the same, merged 50 days ago                                | nothing (outside 30 days) |
/// | gh-pr-canceled       | Copilot PR closed unmerged                                  | nothing |
/// | gh-pr-bot-approved   | Copilot PR approved only by a bot, asked for by Bob          | unreviewed |
/// | gh-dep-idle          | Dependabot PR waiting 40 days                               | idle |
/// | gh-human-pr          | Bob's PR waiting 10 days                                    | nothing |
/// | jira-new-untriaged   | new 10 days, no owner, intent, priority                     | new untriaged |
/// | jira-new-complete    | new, with all four                                          | nothing |
/// | jira-new-old         | new 50 days (outside 30 days)                               | nothing |
/// | jira-up → jira-down  | jira-up done 30 days ago, jira-down never moved             | handoff (on jira-down) |
/// | jira-aging           | in progress 55 days, team Platform (default P85 12 days)    | aging |
/// | jira-unmapped        | in "Parked", which no map covers                            | unmapped state |
pub fn graph() -> DemoGraph {
    use FlowState::*;
    use ItemKind::*;
    use Provenance::*;
    let source = |id: &str, kind| Source {
        id: id.into(),
        kind,
        name: id.to_uppercase(),
        base_url: "https://example.test".into(),
        scope: "{}".into(),
        secret_ref: None,
        poll_interval_s: 600,
        enabled: true,
        synthetic: true,
        created_at: T0,
    };
    let person = |id: &str, bot: bool| Person {
        id: id.into(),
        display_name: id.to_uppercase(),
        team_id: None,
        is_bot: bot,
    };
    let pr = |id: &str, prov, author: &str, state: (&str, FlowState), created| {
        item(id, PullRequest, Some("pay"), state, prov, author, created)
    };
    let open = ("open", Waiting);
    let mut items = vec![
        pr("gh-pr-waiting", AiAgent, "copilot", open, T0 + 50 * D),
        pr("gh-pr-self", AiAgent, "devin", open, T0 + 52 * D),
        pr(
            "gh-pr-ok",
            AiAgent,
            "copilot",
            ("merged", Done),
            T0 + 40 * D + H / 2,
        ),
        pr("gh-pr-bob", AiAgent, "copilot", open, T0 + 45 * D + H / 6),
        pr(
            "gh-pr-merged",
            AiAgent,
            "ann",
            ("merged", Done),
            T0 + 25 * D,
        ),
        pr(
            "gh-pr-old-merged",
            AiAgent,
            "ann",
            ("merged", Done),
            T0 + 5 * D,
        ),
        pr(
            "gh-pr-canceled",
            AiAgent,
            "copilot",
            ("closed", Canceled),
            T0 + 20 * D,
        ),
        pr("gh-pr-bot-approved", AiAgent, "copilot", open, T0 + 53 * D),
        pr("gh-dep-idle", Automation, "dependabot", open, T0 + 20 * D),
        pr("gh-human-pr", Human, "bob", open, T0 + 50 * D),
        item(
            "gh-issue-1",
            Task,
            Some("pay"),
            ("closed", Done),
            Human,
            "ann",
            T0 + 39 * D,
        ),
        item(
            "gh-issue-2",
            Task,
            Some("pay"),
            ("closed", Done),
            Human,
            "ann",
            T0 + 44 * D,
        ),
        item(
            "jira-new-untriaged",
            Feature,
            Some("pay"),
            ("Backlog", New),
            Human,
            "ann",
            T0 + 50 * D,
        ),
        item(
            "jira-new-complete",
            Feature,
            Some("pay"),
            ("Backlog", New),
            Human,
            "ann",
            T0 + 55 * D,
        ),
        item(
            "jira-new-old",
            Feature,
            Some("pay"),
            ("Backlog", New),
            Human,
            "ann",
            T0 + 10 * D,
        ),
        item(
            "jira-up",
            Feature,
            Some("pay"),
            ("Done", Done),
            Human,
            "ann",
            T0 + 20 * D,
        ),
        item(
            "jira-down",
            Feature,
            Some("plat"),
            ("Backlog", New),
            Human,
            "bob",
            T0 + 20 * D,
        ),
        item(
            "jira-aging",
            Feature,
            Some("plat"),
            ("In Progress", Active),
            Human,
            "bob",
            T0 + 4 * D,
        ),
        item(
            "jira-unmapped",
            Feature,
            Some("plat"),
            ("Parked", New),
            Human,
            "bob",
            T0 + 44 * D,
        ),
    ];
    for i in items.iter_mut() {
        match i.id.as_str() {
            "gh-pr-ok" | "gh-pr-bob" | "gh-pr-bot-approved" => i.owner_id = Some("bob".into()),
            "gh-pr-self" => i.owner_id = Some("ann".into()),
            "jira-new-complete" | "jira-unmapped" => {
                i.owner_id = Some("ann".into());
                i.intent_id = Some("int-1".into());
                i.priority = Some("High".into());
            }
            _ => {}
        }
    }
    let transitions = vec![
        // Issues handed to Copilot by Bob, then closed by its pull requests.
        change(
            "gh-issue-1",
            1,
            TransitionKind::Assignee,
            None,
            "copilot-swe-agent[bot]",
            T0 + 40 * D,
            "bob",
        ),
        change(
            "gh-issue-1",
            2,
            TransitionKind::State,
            Some("open"),
            "closed",
            T0 + 42 * D,
            "copilot",
        ),
        change(
            "gh-issue-2",
            1,
            TransitionKind::Assignee,
            None,
            "copilot-swe-agent[bot]",
            T0 + 45 * D,
            "bob",
        ),
        change(
            "gh-issue-2",
            2,
            TransitionKind::State,
            Some("open"),
            "closed",
            T0 + 48 * D,
            "copilot",
        ),
        change(
            "gh-pr-self",
            1,
            TransitionKind::Review,
            None,
            "approved",
            T0 + 55 * D,
            "ann",
        ),
        change(
            "gh-pr-ok",
            1,
            TransitionKind::Review,
            None,
            "approved",
            T0 + 41 * D,
            "cat",
        ),
        change(
            "gh-pr-ok",
            2,
            TransitionKind::State,
            Some("open"),
            "merged",
            T0 + 42 * D,
            "cat",
        ),
        change(
            "gh-pr-bob",
            1,
            TransitionKind::Review,
            None,
            "commented",
            T0 + 46 * D,
            "cat",
        ),
        change(
            "gh-pr-bob",
            2,
            TransitionKind::Review,
            None,
            "approved",
            T0 + 47 * D,
            "bob",
        ),
        change(
            "gh-pr-bot-approved",
            1,
            TransitionKind::Review,
            None,
            "approved",
            T0 + 54 * D,
            "reviewbot",
        ),
        change(
            "gh-pr-merged",
            1,
            TransitionKind::State,
            Some("open"),
            "merged",
            T0 + 55 * D,
            "ann",
        ),
        change(
            "gh-pr-old-merged",
            1,
            TransitionKind::State,
            Some("open"),
            "merged",
            T0 + 10 * D,
            "ann",
        ),
        change(
            "gh-pr-canceled",
            1,
            TransitionKind::State,
            Some("open"),
            "closed",
            T0 + 30 * D,
            "bob",
        ),
        change(
            "jira-up",
            1,
            TransitionKind::State,
            Some("Backlog"),
            "In Progress",
            T0 + 22 * D,
            "ann",
        ),
        change(
            "jira-up",
            2,
            TransitionKind::State,
            Some("In Progress"),
            "Done",
            T0 + 30 * D,
            "ann",
        ),
        change(
            "jira-aging",
            1,
            TransitionKind::State,
            Some("Backlog"),
            "In Progress",
            T0 + 5 * D,
            "bob",
        ),
        change(
            "jira-unmapped",
            1,
            TransitionKind::State,
            Some("Backlog"),
            "Parked",
            T0 + 45 * D,
            "bob",
        ),
    ];
    for t in &transitions {
        if let Some(i) = items.iter_mut().find(|i| i.id == t.item_id) {
            i.updated_at = i.updated_at.max(t.at);
        }
    }
    let maps = [
        ("gh", "open", Waiting, Some(WaitReason::Review)),
        ("gh", "merged", Done, None),
        ("gh", "closed", Canceled, None),
        ("jira", "Backlog", New, None),
        ("jira", "In Progress", Active, None),
        ("jira", "Done", Done, None),
    ];
    DemoGraph {
        descriptions: Vec::new(),
        review_requests: Vec::new(),
        github_renames: Vec::new(),
        sources: vec![
            source("gh", SourceKind::Github),
            source("jira", SourceKind::Jira),
        ],
        teams: vec![
            Team {
                id: "pay".into(),
                name: "Payments".into(),
            },
            Team {
                id: "plat".into(),
                name: "Platform".into(),
            },
        ],
        people: vec![
            person("ann", false),
            person("bob", false),
            person("cat", false),
            person("copilot", true),
            person("devin", true),
            person("dependabot", true),
            person("reviewbot", true),
        ],
        identities: vec![Identity {
            source_id: "gh".into(),
            login: "copilot-swe-agent[bot]".into(),
            person_id: "copilot".into(),
        }],
        intents: vec![Intent::baton(
            "int-1",
            IntentKind::Goal,
            "Faster payouts",
            T0,
        )],
        workflow_maps: maps
            .iter()
            .map(|(s, raw, flow, reason)| WorkflowMap {
                source_id: (*s).into(),
                team_id: String::new(),
                item_kind: None,
                scope: String::new(),
                raw_state: (*raw).into(),
                flow_state: *flow,
                wait_reason: *reason,
                origin: "user".into(),
            })
            .collect(),
        items,
        transitions,
        links: vec![
            link("gh-pr-ok", "gh-issue-1", LinkKind::Implements, T0 + 41 * D),
            link("gh-pr-bob", "gh-issue-2", LinkKind::Implements, T0 + 46 * D),
            link("jira-up", "jira-down", LinkKind::Blocks, T0 + 21 * D),
        ],
        decisions: Vec::new(),
        planted_duplicates: Vec::new(),
        paths: Vec::new(),
        owners: Vec::new(),
    }
}

/// Writes a page as a sync would (here: Devin's description names Ann, for gh-pr-self).
pub async fn sync_page(ws: &Workspace, page: &PageWrite) {
    commit_page(ws, "gh", "no-run", RunFigures::default(), page, NOW)
        .await
        .expect("page written");
}

pub async fn workspace(dir: &std::path::Path) -> Workspace {
    let ws = Workspace::create(&dir.join("triage.baton")).await.unwrap();
    let g = graph();
    demo::write(&ws, &g).await.unwrap();
    let mut page = PageWrite::new("pulls:acme/pay");
    page.items = g
        .items
        .iter()
        .filter(|i| i.id == "gh-pr-self")
        .cloned()
        .collect();
    page.requesters.push(RequesterFact {
        item_id: "gh-pr-self".into(),
        person_id: "ann".into(),
        signal: "pr_body",
    });
    sync_page(&ws, &page).await;
    ws
}

async fn list(ws: &Workspace, q: TriageQuery) -> TriageList {
    triage::triage_list(ws, &TriageQuery { limit: 1000, ..q }, NOW)
        .await
        .unwrap()
}

/// Item id → its reasons, for every listed item.
fn reasons_of(l: &TriageList) -> std::collections::BTreeMap<String, BTreeSet<Reason>> {
    l.rows
        .iter()
        .map(|r| (r.id.clone(), r.reasons.iter().map(|x| x.reason).collect()))
        .collect()
}

fn listed_for(l: &TriageList, reason: Reason) -> BTreeSet<String> {
    l.rows
        .iter()
        .filter(|r| r.reasons.iter().any(|x| x.reason == reason))
        .map(|r| r.id.clone())
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn each_reason_lists_exactly_its_items() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let l = list(&ws, TriageQuery::default()).await;
    assert_eq!(
        listed_for(&l, Reason::AiNoAccountable),
        set(&["gh-pr-waiting"]),
        "AI work with a requester or a person assigned has someone accountable; closed work is not listed"
    );
    assert_eq!(
        listed_for(&l, Reason::AiUnreviewed),
        set(&[
            "gh-pr-waiting",
            "gh-pr-self",
            "gh-pr-bob",
            "gh-pr-merged",
            "gh-pr-bot-approved"
        ]),
        "waiting past 2 days, approved only by who asked or a bot, or merged in the last 30 days"
    );
    assert_eq!(
        listed_for(&l, Reason::AiIdle),
        set(&["gh-dep-idle"]),
        "automation waiting 40 days is idle; AI work changed within 14 days is not"
    );
    assert_eq!(
        listed_for(&l, Reason::NewUntriaged),
        set(&["jira-new-untriaged"]),
        "new in the last 30 days and missing something; complete or older new work is not"
    );
    assert_eq!(
        listed_for(&l, Reason::HandoffUndelivered),
        set(&["jira-down"])
    );
    assert!(
        listed_for(&l, Reason::AgingPastP85).contains("jira-aging"),
        "55 days in progress against the default 12-day 85th percentile"
    );
    assert!(
        !listed_for(&l, Reason::AgingPastP85).contains("jira-down"),
        "work not started has no age"
    );
    assert_eq!(
        listed_for(&l, Reason::UnmappedState),
        set(&["jira-unmapped"])
    );
    for quiet in [
        "gh-pr-ok",
        "gh-pr-old-merged",
        "gh-pr-canceled",
        "gh-human-pr",
        "jira-new-complete",
        "jira-new-old",
        "jira-up",
    ] {
        assert!(
            !reasons_of(&l).contains_key(quiet),
            "{quiet} needs no decision: {:?}",
            reasons_of(&l).get(quiet)
        );
    }

    let row = |id: &str| l.rows.iter().find(|r| r.id == id).unwrap();
    let detail = |id: &str, reason: Reason| {
        row(id)
            .reasons
            .iter()
            .find(|r| r.reason == reason)
            .map(|r| r.detail.clone())
            .unwrap()
    };
    assert_eq!(
        detail("gh-pr-waiting", Reason::AiUnreviewed),
        "Waiting 10 days for an independent review"
    );
    assert_eq!(
        detail("gh-pr-self", Reason::AiUnreviewed),
        "Approved only by ANN, who asked for it (self-reviewed)"
    );
    assert!(
        detail("gh-pr-bot-approved", Reason::AiUnreviewed).contains("only by a bot (REVIEWBOT)")
    );
    assert_eq!(
        detail("gh-pr-merged", Reason::AiUnreviewed),
        "Merged 5.0 days ago without an independent review"
    );
    assert_eq!(
        detail("jira-new-untriaged", Reason::NewUntriaged),
        "No owner, no intent, no priority"
    );
    assert_eq!(
        detail("jira-down", Reason::HandoffUndelivered),
        "JIRA-UP was delivered 30 days ago; nobody picked the work up"
    );
    assert_eq!(
        row("jira-down").reasons[0]
            .other
            .as_ref()
            .map(|o| o.id.as_str()),
        Some("jira-up")
    );
    assert_eq!(
        detail("jira-unmapped", Reason::UnmappedState),
        "State \u{201c}Parked\u{201d} of JIRA is not in the workflow map"
    );
    assert!(detail("jira-aging", Reason::AgingPastP85).contains("(the default"));
    assert_eq!(
        detail("gh-dep-idle", Reason::AiIdle),
        "Waiting for review with no change for 40 days"
    );
    assert_eq!(
        row("gh-pr-self")
            .accountable
            .as_ref()
            .map(|a| a.name.as_str()),
        Some("ANN")
    );
    let by_reason: Vec<(Reason, u32)> = l.by_reason.iter().map(|c| (c.reason, c.count)).collect();
    assert_eq!(by_reason.len(), 10, "one count per reason");
    assert_eq!(
        by_reason
            .iter()
            .find(|c| c.0 == Reason::AiUnreviewed)
            .map(|c| c.1),
        Some(5)
    );

    // Filters and sort.
    let only = list(
        &ws,
        TriageQuery {
            reasons: vec![Reason::HandoffUndelivered, Reason::UnmappedState],
            ..TriageQuery::default()
        },
    )
    .await;
    assert_eq!(
        only.rows
            .iter()
            .map(|r| r.id.as_str())
            .collect::<BTreeSet<_>>(),
        ["jira-down", "jira-unmapped"].into_iter().collect()
    );
    assert_eq!(
        only.by_reason
            .iter()
            .find(|c| c.reason == Reason::AiUnreviewed)
            .map(|c| c.count),
        Some(5),
        "the counts per reason ignore the reason filter, so the chips say what each would show"
    );
    let plat = list(
        &ws,
        TriageQuery {
            teams: vec!["plat".into()],
            provenances: vec![Provenance::Human],
            ..TriageQuery::default()
        },
    )
    .await;
    assert!(plat
        .rows
        .iter()
        .all(|r| r.team_id.as_deref() == Some("plat")));
    let ai = list(
        &ws,
        TriageQuery {
            provenances: vec![Provenance::AiAgent],
            text: Some("pr-self".into()),
            ..TriageQuery::default()
        },
    )
    .await;
    assert_eq!(ai.rows.len(), 1);
    let by_age = list(&ws, TriageQuery::default()).await;
    let ages: Vec<f64> = by_age.rows.iter().map(|r| r.age_days).collect();
    assert!(
        ages.windows(2).all(|w| w[0] >= w[1]),
        "oldest first: {ages:?}"
    );
    let by_waiting = list(
        &ws,
        TriageQuery {
            sort: TriageSort::WaitingOnIt,
            ..TriageQuery::default()
        },
    )
    .await;
    let waits: Vec<u32> = by_waiting.rows.iter().map(|r| r.waiting_on_it).collect();
    assert!(waits.windows(2).all(|w| w[0] >= w[1]), "{waits:?}");
    let page = list(
        &ws,
        TriageQuery {
            offset: 2,
            limit: 3,
            ..TriageQuery::default()
        },
    )
    .await;
    assert_eq!(page.total, l.total);
    ws.close().await;
}

#[tokio::test]
async fn thresholds_are_editable_and_move_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    assert_eq!(
        triage::thresholds_get(&ws).await.unwrap(),
        Thresholds::default()
    );
    let strict = Thresholds {
        review_wait_days: 20.0,
        idle_days: 50.0,
        new_work_days: 60,
        merged_window_days: 60,
    };
    triage::thresholds_set(&ws, &strict, "lead", "calmer list", NOW)
        .await
        .unwrap();
    let l = list(&ws, TriageQuery::default()).await;
    assert_eq!(l.thresholds, strict);
    assert!(
        !listed_for(&l, Reason::AiUnreviewed).contains("gh-pr-waiting"),
        "10 days < 20"
    );
    assert!(
        listed_for(&l, Reason::AiUnreviewed).contains("gh-pr-old-merged"),
        "merged 50 days ago < 60"
    );
    assert!(listed_for(&l, Reason::AiIdle).is_empty(), "40 days < 50");
    assert!(
        listed_for(&l, Reason::NewUntriaged).contains("jira-new-old"),
        "50 days < 60"
    );
    let refused = triage::thresholds_set(
        &ws,
        &Thresholds {
            idle_days: 0.0,
            ..strict
        },
        "lead",
        "",
        NOW,
    )
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("idle"), "{refused}");
    ws.close().await;
}

async fn list_at(ws: &Workspace, now: i64) -> TriageList {
    let q = TriageQuery {
        limit: 1000,
        ..TriageQuery::default()
    };
    triage::triage_list(ws, &q, now).await.unwrap()
}

/// The idle threshold (in days) that `gh-dep-idle` crosses at `at`.
fn idle_days_crossed_at(l: &TriageList, at: i64) -> f64 {
    let row = l.rows.iter().find(|r| r.id == "gh-dep-idle").unwrap();
    let idle = row
        .reasons
        .iter()
        .find(|r| r.reason == Reason::AiIdle)
        .unwrap();
    let since = chrono::DateTime::parse_from_rfc3339(&idle.since)
        .unwrap()
        .timestamp_millis();
    (at - since) as f64 / D as f64
}

/// Ages move with the clock: when its minute turns and nothing else changed, the list answers
/// at once from the reasons kept for the previous minute (its ages measured now) while the new
/// minute's are found in the background; once found they list what crossed a threshold. A jump
/// of more than two minutes finds them before answering.
#[tokio::test]
async fn the_list_follows_the_clock_minute_by_minute() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let first = list_at(&ws, NOW).await;
    let idle_at = |at: i64| Thresholds {
        idle_days: idle_days_crossed_at(&first, at),
        ..Thresholds::default()
    };
    // Idle from 90 s after NOW on.
    triage::thresholds_set(&ws, &idle_at(NOW + 90_000), "lead", "", NOW)
        .await
        .unwrap();
    let before = list_at(&ws, NOW).await;
    assert!(!listed_for(&before, Reason::AiIdle).contains("gh-dep-idle"));

    // Two minutes on: the kept reasons answer, with ages of now.
    let turned = list_at(&ws, NOW + 120_000).await;
    assert_eq!(reasons_of(&turned), reasons_of(&before));
    let age = |l: &TriageList| {
        l.rows
            .iter()
            .find(|r| r.id == "gh-pr-waiting")
            .map(|r| r.age_days)
            .unwrap()
    };
    assert!(
        ((age(&turned) - age(&before)) * D as f64 - 120_000.0).abs() < 1.0,
        "ages are measured at the question's time"
    );
    triage::settle(&ws).await;
    let found = list_at(&ws, NOW + 120_000).await;
    assert!(
        listed_for(&found, Reason::AiIdle).contains("gh-dep-idle"),
        "the new minute's reasons list what crossed the threshold"
    );

    // Idle from 5 minutes after NOW on; ten minutes later, listed without waiting.
    triage::thresholds_set(&ws, &idle_at(NOW + 300_000), "lead", "", NOW + 120_000)
        .await
        .unwrap();
    let again = list_at(&ws, NOW + 120_000).await;
    assert!(!listed_for(&again, Reason::AiIdle).contains("gh-dep-idle"));
    let jumped = list_at(&ws, NOW + 600_000).await;
    assert!(listed_for(&jumped, Reason::AiIdle).contains("gh-dep-idle"));
    ws.close().await;
}

#[tokio::test]
async fn the_independent_review_rule_and_the_overview_count_agree_with_its_list() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let summary = query::workspace_summary(&ws).await.unwrap();
    let drill = query::items_list(
        &ws,
        &ItemsQuery {
            without_independent_review: true,
            limit: 1000,
            ..ItemsQuery::default()
        },
    )
    .await
    .unwrap();
    let ids: BTreeSet<String> = drill.rows.iter().map(|r| r.id.clone()).collect();
    assert_eq!(
        ids,
        set(&["gh-pr-waiting", "gh-pr-self", "gh-pr-bob", "gh-pr-merged", "gh-pr-old-merged", "gh-pr-bot-approved"]),
        "approved by Cat (neither the agent nor Bob who asked) is the only independent review; a closed one is not counted"
    );
    assert_eq!(
        summary.ai_prs_without_independent_review, drill.total,
        "the Overview's count is the length of its list"
    );
    assert_eq!(
        summary.ai_prs, 7,
        "AI pull requests open or merged (not the closed one)"
    );

    let review = |id: &'static str| {
        let ws = ws.clone();
        async move {
            query::item_detail(&ws, id)
                .await
                .unwrap()
                .review
                .map(|r| r.verdict)
        }
    };
    assert_eq!(review("gh-pr-ok").await, Some(ReviewVerdict::Independent));
    assert_eq!(
        review("gh-pr-bob").await,
        Some(ReviewVerdict::NotIndependent),
        "Bob asked Copilot (he assigned it the issue), so his approval is not independent"
    );
    assert_eq!(
        review("gh-pr-self").await,
        Some(ReviewVerdict::NotIndependent)
    );
    assert_eq!(
        review("gh-pr-waiting").await,
        Some(ReviewVerdict::Unapproved)
    );
    assert_eq!(review("gh-human-pr").await, Some(ReviewVerdict::Unapproved));
    assert_eq!(
        review("jira-up").await,
        None,
        "only pull requests are reviewed"
    );
    ws.close().await;
}

#[tokio::test]
async fn who_asked_comes_from_the_record_the_assignment_or_the_author() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let asked = |id: &'static str| {
        let ws = ws.clone();
        async move {
            query::item_detail(&ws, id)
                .await
                .unwrap()
                .requester
                .map(|r| (r.name, r.via))
        }
    };
    assert_eq!(
        asked("gh-pr-self").await,
        Some(("ANN".into(), RequesterSignal::PrBody))
    );
    assert_eq!(
        asked("gh-pr-ok").await,
        Some(("BOB".into(), RequesterSignal::Assignment)),
        "Bob assigned the issue it fixes to Copilot"
    );
    assert_eq!(
        asked("gh-pr-merged").await,
        Some(("ANN".into(), RequesterSignal::Author)),
        "a person who made AI work with an agent asked for it"
    );
    assert_eq!(asked("gh-pr-waiting").await, None);
    assert_eq!(
        asked("gh-human-pr").await,
        None,
        "human work has no requester"
    );
    let acc = query::item_detail(&ws, "gh-pr-ok")
        .await
        .unwrap()
        .accountable
        .unwrap();
    assert_eq!(acc.name, "BOB");
    ws.close().await;
}

fn decide(item: &str, decision: DecisionInput) -> TriageDecision {
    TriageDecision {
        item_id: item.into(),
        decision,
        why: "because".into(),
    }
}

#[tokio::test]
async fn decisions_take_items_off_the_list_until_their_data_changes_and_undo_brings_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let open = |ws: &Workspace| {
        let ws = ws.clone();
        async move { reasons_of(&list(&ws, TriageQuery::default()).await) }
    };

    // Owner: no longer unaccountable, still unreviewed.
    triage::triage_decide(
        &ws,
        &decide(
            "gh-pr-waiting",
            DecisionInput::OwnerSet {
                owner: "cat".into(),
            },
        ),
        "lead",
        NOW,
    )
    .await
    .unwrap();
    let now = open(&ws).await;
    assert_eq!(
        now["gh-pr-waiting"],
        [Reason::AiUnreviewed].into_iter().collect()
    );
    let row = list(&ws, TriageQuery::default())
        .await
        .rows
        .into_iter()
        .find(|r| r.id == "gh-pr-waiting")
        .unwrap();
    assert_eq!(
        row.accountable.map(|a| (a.name, a.via)),
        Some((
            "CAT".into(),
            baton_core::provenance::AccountableVia::Decision
        ))
    );

    // Accept: off the list; a new change from a sync brings it back.
    let accepted = triage::triage_decide(
        &ws,
        &decide("gh-pr-self", DecisionInput::Accepted),
        "lead",
        NOW,
    )
    .await
    .unwrap();
    assert!(!open(&ws).await.contains_key("gh-pr-self"));
    let decided = list(
        &ws,
        TriageQuery {
            show: TriageShow::Decided,
            ..TriageQuery::default()
        },
    )
    .await;
    assert!(
        decided.rows.iter().any(|r| r.id == "gh-pr-self"),
        "listed under decided"
    );
    assert!(decided.decided >= 1);
    let mut page = PageWrite::new("pulls:acme/pay");
    let mut pr = graph()
        .items
        .into_iter()
        .find(|i| i.id == "gh-pr-self")
        .unwrap();
    pr.updated_at = NOW - H;
    page.items.push(pr);
    page.transitions.push(change(
        "gh-pr-self",
        9,
        TransitionKind::Review,
        None,
        "commented",
        NOW - H,
        "cat",
    ));
    page.requesters.push(RequesterFact {
        item_id: "gh-pr-self".into(),
        person_id: "ann".into(),
        signal: "pr_body",
    });
    sync_page(&ws, &page).await;
    let back = list(&ws, TriageQuery::default()).await;
    let row = back
        .rows
        .iter()
        .find(|r| r.id == "gh-pr-self")
        .expect("it came back after a change");
    assert!(
        row.decision
            .as_ref()
            .is_some_and(|d| d.note.starts_with("Changed since it was accepted")),
        "{:?}",
        row.decision
    );

    // Defer until a date: off until then.
    triage::triage_decide(
        &ws,
        &decide(
            "jira-aging",
            DecisionInput::Deferred {
                until: Some("2026-05-10".into()),
                until_change: false,
            },
        ),
        "lead",
        NOW,
    )
    .await
    .unwrap();
    assert!(!open(&ws).await.contains_key("jira-aging"));
    let later = triage::triage_list(&ws, &TriageQuery::default(), T0 + 70 * D)
        .await
        .unwrap();
    assert!(
        later.rows.iter().any(|r| r.id == "jira-aging"),
        "the date has come"
    );

    // Defer until it changes.
    triage::triage_decide(
        &ws,
        &decide(
            "jira-unmapped",
            DecisionInput::Deferred {
                until: None,
                until_change: true,
            },
        ),
        "lead",
        NOW,
    )
    .await
    .unwrap();
    assert!(!open(&ws).await.contains_key("jira-unmapped"));

    // Handoff delivered, duplicate, intent: the reason no longer holds.
    triage::triage_decide(
        &ws,
        &decide(
            "jira-down",
            DecisionInput::HandoffDelivered {
                upstream: "jira-up".into(),
            },
        ),
        "lead",
        NOW,
    )
    .await
    .unwrap();
    assert!(!open(&ws).await.contains_key("jira-down"));
    triage::triage_decide(
        &ws,
        &decide(
            "gh-dep-idle",
            DecisionInput::DuplicateConfirmed {
                of: "gh-human-pr".into(),
            },
        ),
        "lead",
        NOW,
    )
    .await
    .unwrap();
    assert!(!open(&ws).await.contains_key("gh-dep-idle"));
    triage::triage_decide(
        &ws,
        &decide(
            "jira-new-untriaged",
            DecisionInput::IntentLinked {
                intent: "int-1".into(),
            },
        ),
        "lead",
        NOW,
    )
    .await
    .unwrap();
    let row = list(&ws, TriageQuery::default())
        .await
        .rows
        .into_iter()
        .find(|r| r.id == "jira-new-untriaged")
        .unwrap();
    assert_eq!(row.reasons[0].detail, "No owner, no priority");
    let intent_of = |ws: &baton_core::graph::Workspace| {
        let ws = ws.clone();
        async move {
            sqlx::query_scalar::<_, Option<String>>(
                "SELECT intent_id FROM items WHERE id = 'jira-new-untriaged'",
            )
            .fetch_one(ws.pool())
            .await
            .unwrap()
        }
    };
    assert_eq!(
        intent_of(&ws).await.as_deref(),
        Some("int-1"),
        "linking from Triage links the item (a hand link, which wins over the source and rules)"
    );
    // Saying it serves no intent on purpose answers the question too, and unlinks it.
    triage::triage_decide(
        &ws,
        &decide(
            "jira-new-untriaged",
            DecisionInput::IntentUnaligned {
                reason: "support".into(),
            },
        ),
        "lead",
        NOW,
    )
    .await
    .unwrap();
    let row = list(&ws, TriageQuery::default())
        .await
        .rows
        .into_iter()
        .find(|r| r.id == "jira-new-untriaged")
        .unwrap();
    assert_eq!(row.reasons[0].detail, "No owner, no priority");
    assert_eq!(intent_of(&ws).await, None, "deliberately unaligned");

    // A note changes nothing on the list and shows in the history.
    triage::triage_decide(
        &ws,
        &decide(
            "gh-pr-bob",
            DecisionInput::Note {
                text: "<b>ask Bob</b>".into(),
            },
        ),
        "lead",
        NOW,
    )
    .await
    .unwrap();
    assert!(open(&ws).await.contains_key("gh-pr-bob"));
    let history = query::item_detail(&ws, "gh-pr-bob")
        .await
        .unwrap()
        .decisions;
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].summary, "Note: <b>ask Bob</b>",
        "text is kept as written"
    );
    assert_eq!(history[0].actor, "lead");

    // Undo: the accept is taken back (a decision too), and the history says so.
    let undo = decisions::revoke(&ws, &accepted, "lead", "too quick", NOW)
        .await
        .unwrap();
    let history = query::item_detail(&ws, "gh-pr-self")
        .await
        .unwrap()
        .decisions;
    let kinds: Vec<&str> = history.iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(kinds, ["accepted", "revoked"]);
    assert_eq!(history[0].revoked_by.as_deref(), Some(undo.as_str()));
    assert!(history[1].summary.starts_with("Took back: Accepted"));
    let again = decisions::revoke(&ws, &accepted, "lead", "", NOW)
        .await
        .unwrap_err();
    assert!(again.to_string().contains("already taken back"), "{again}");
    ws.close().await;
}

#[tokio::test]
async fn bad_decisions_are_refused_and_rows_are_never_changed() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let refused = |d: TriageDecision| {
        let ws = ws.clone();
        async move {
            triage::triage_decide(&ws, &d, "lead", NOW)
                .await
                .unwrap_err()
                .to_string()
        }
    };
    assert!(refused(decide("nope", DecisionInput::Accepted))
        .await
        .contains("nope"));
    assert!(refused(decide(
        "jira-down",
        DecisionInput::Deferred {
            until: Some("2026-01-01".into()),
            until_change: false
        }
    ))
    .await
    .contains("not in the future"));
    assert!(refused(decide(
        "jira-down",
        DecisionInput::Deferred {
            until: None,
            until_change: false
        }
    ))
    .await
    .contains("defer until"));
    assert!(refused(decide(
        "jira-down",
        DecisionInput::HandoffDelivered {
            upstream: "jira-aging".into()
        }
    ))
    .await
    .contains("does not block"));
    assert!(refused(decide(
        "jira-down",
        DecisionInput::DuplicateConfirmed {
            of: "jira-down".into()
        }
    ))
    .await
    .contains("itself"));
    assert!(refused(decide(
        "jira-down",
        DecisionInput::IntentLinked {
            intent: "none".into()
        }
    ))
    .await
    .contains("intent none"));
    assert!(refused(decide(
        "jira-down",
        DecisionInput::Note { text: "  ".into() }
    ))
    .await
    .contains("text"));
    assert!(
        triage::triage_decide(&ws, &decide("jira-down", DecisionInput::Accepted), " ", NOW)
            .await
            .is_err(),
        "who decides is required"
    );

    let id = triage::triage_decide(
        &ws,
        &decide(
            "jira-down",
            DecisionInput::OwnerSet {
                owner: "Someone Outside".into(),
            },
        ),
        "lead",
        NOW,
    )
    .await
    .unwrap();
    let update = sqlx::query("UPDATE decisions SET actor = 'x' WHERE id = ?1")
        .bind(&id)
        .execute(ws.pool())
        .await;
    assert!(update.is_err(), "a decision is never changed in place");
    // Only a re-keyed item (its old id gone, its new one there) takes its decisions along.
    for change in [
        "UPDATE decisions SET item_id = (SELECT id FROM items WHERE id <> 'jira-down' LIMIT 1) WHERE id = ?1",
        "UPDATE decisions SET covers = '[]' WHERE id = ?1",
        "UPDATE decisions SET covers = json_array((SELECT id FROM items WHERE id <> 'jira-down' LIMIT 1)) WHERE id = ?1",
    ] {
        let update = sqlx::query(change).bind(&id).execute(ws.pool()).await;
        assert!(update.is_err(), "{change}");
    }
    let delete = sqlx::query("DELETE FROM decisions")
        .execute(ws.pool())
        .await;
    assert!(delete.is_err(), "nor deleted");
    let history = decisions::decisions_list(&ws, Some("jira-down"))
        .await
        .unwrap();
    assert_eq!(
        history[0].summary, "Owner: Someone Outside",
        "an owner who is not synced is kept by name"
    );
    ws.close().await;
}

#[tokio::test]
async fn a_decision_survives_removing_its_item_and_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    triage::triage_decide(
        &ws,
        &decide("jira-aging", DecisionInput::Rejected),
        "lead",
        NOW,
    )
    .await
    .unwrap();
    ws.write(crate::common::DeleteItem("jira-aging"))
        .await
        .unwrap();
    let path = ws.path().to_owned();
    ws.close().await;
    let ws = Workspace::open(&path).await.unwrap();
    let rows = repo::decisions::list(ws.pool()).await.unwrap();
    assert_eq!(
        rows.len(),
        1,
        "decisions.item_id is not a foreign key: the decision outlives its item"
    );
    assert_eq!(rows[0].kind, "rejected");
    assert!(triage::triage_list(&ws, &TriageQuery::default(), NOW)
        .await
        .is_ok());
    ws.close().await;
}

/// The real GitHub mapping: an agent's description naming who asked, an agent's commits
/// co-authored with a person, an issue assigned to Copilot, and a description marker.
#[tokio::test]
async fn the_github_mapping_reads_who_asked_from_real_signals() {
    use baton_core::connectors::github::map::{map_events, map_pull, MapCtx};
    use baton_core::connectors::github::model::{Event, Pull};
    use baton_core::connectors::StateMeanings;
    use baton_core::rules::eval::Rules;

    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::create(&dir.path().join("gh.baton"))
        .await
        .unwrap();
    let mut g = graph();
    g.items.clear();
    g.transitions.clear();
    g.links.clear();
    demo::write(&ws, &g).await.unwrap();
    let rules = Rules::load(&ws, "gh").await.unwrap();
    let mut states = StateMeanings::load(&ws, "gh").await.unwrap();
    let mut page = PageWrite::new("pulls:acme/pay");
    let pull = |n: u32, login: &str, kind: &str, body: &str| -> Pull {
        serde_json::from_value(serde_json::json!({
            "id": 900 + n, "number": n, "title": format!("PR {n}"), "state": "open",
            "html_url": format!("https://github.com/acme/pay/pull/{n}"),
            "user": { "login": login, "type": kind },
            "created_at": "2026-04-01T10:00:00Z", "updated_at": "2026-04-01T10:00:00Z",
            "body": body
        }))
        .unwrap()
    };
    let pulls = [
        pull(1, "devin-ai-integration[bot]", "Bot",
             "Adds retries.\n\nLink to Devin run: https://app.devin.ai/sessions/abc\nRequested by: Ann Lee (@annlee)"),
        pull(2, "Copilot", "Bot",
             "Fixes #7\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>\nCo-authored-by: Bob <42+bobk@users.noreply.github.com>"),
        pull(3, "carol", "User", "Refactor\n\n🤖 Generated with [Claude Code](https://claude.ai/code)"),
        pull(4, "dave", "User", "Plain change"),
    ];
    let repo = baton_core::connectors::github::map::RepoIds {
        ns: "github.com".into(),
        repo_id: 1,
        full_name: "acme/pay".into(),
    };
    {
        let mut ctx = MapCtx {
            source_id: "gh",
            rules: &rules,
            states: &mut states,
            repo: &repo,
        };
        for p in &pulls {
            let item = map_pull(&mut page, &mut ctx, p, "acme/pay").unwrap();
            page.items.push(item);
        }
    }
    let events: Vec<Event> = serde_json::from_value(serde_json::json!([{
        "id": 5, "event": "assigned", "created_at": "2026-04-01T09:00:00Z",
        "actor": { "login": "erin", "type": "User" },
        "assignee": { "login": "Copilot", "type": "Bot" },
        "issue": { "number": 4, "html_url": "https://github.com/acme/pay/pull/4" }
    }]))
    .unwrap();
    let assigned = map_events(
        &mut page,
        "gh",
        &events,
        &repo,
        baton_core::connectors::github::map::LifecycleOwners::default(),
    );
    page.transitions.extend(assigned);
    sync_page(&ws, &page).await;

    let by_pr = |n: u32| repo.item(i64::from(n));
    let ix = ws.index().await.unwrap();
    let at = |id: &str| ix.item_ids.iter().position(|x| x == id).unwrap();
    let signals = baton_core::provenance::Signals::gather(&ix);
    let asked = |n: u32| {
        baton_core::provenance::requester(&ix, &signals, at(&by_pr(n)))
            .map(|r| (baton_core::provenance::person_name(&ix, r.person), r.signal))
    };
    assert_eq!(
        asked(1),
        Some(("annlee".into(), RequesterSignal::PrBody)),
        "Devin's \"Requested by\""
    );
    assert_eq!(
        asked(2),
        Some(("bobk".into(), RequesterSignal::CoAuthor)),
        "the person co-authoring Copilot's work"
    );
    assert_eq!(
        ix.items[at(&by_pr(3))].provenance,
        Provenance::AiAgent,
        "\"Generated with Claude Code\" marks the work as an agent's (a body marker rule)"
    );
    assert_eq!(
        ix.agents[ix.items[at(&by_pr(3))].agent as usize].as_ref(),
        "Claude"
    );
    assert_eq!(
        asked(3),
        Some(("carol".into(), RequesterSignal::Author)),
        "Carol worked with Claude"
    );
    assert_eq!(ix.items[at(&by_pr(4))].provenance, Provenance::Human);
    assert_eq!(asked(4), None, "human work has no requester");
    let handed = ix
        .assignments
        .iter()
        .find(|a| a.item as usize == at(&by_pr(4)))
        .expect("the assignment is indexed");
    assert!(
        ix.people_is_bot[handed.assignee as usize],
        "to Copilot, a bot"
    );
    assert_eq!(ix.people[handed.actor as usize].name, "erin");
    ws.close().await;
}

/// The demo organisation holds every reason, AI work idle for weeks, self-reviewed AI pull
/// requests and agent pull requests with a requester found each way.
#[tokio::test]
async fn the_demo_holds_every_reason() {
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 30 * D;
    let ws = crate::common::demo_workspace(dir.path(), 3000, end).await;
    let l = triage::triage_list(
        &ws,
        &TriageQuery {
            limit: 1000,
            ..TriageQuery::default()
        },
        end,
    )
    .await
    .unwrap();
    for c in &l.by_reason {
        assert!(c.count > 0, "the demo lists {:?}", c.reason);
    }
    let ai_idle_weeks = l.rows.iter().filter(|r| {
        r.provenance == Provenance::AiAgent
            && r.reasons
                .iter()
                .any(|x| x.reason == Reason::AiIdle && x.days >= 21.0)
    });
    assert!(ai_idle_weeks.count() > 0, "AI work idle for weeks");
    let self_reviewed = l.rows.iter().filter(|r| {
        r.reasons
            .iter()
            .any(|x| x.detail.ends_with("(self-reviewed)"))
    });
    assert!(self_reviewed.count() > 0, "self-reviewed AI pull requests");
    let ix = ws.index().await.unwrap();
    let signals = baton_core::provenance::Signals::gather(&ix);
    let mut ways = BTreeSet::new();
    for i in 0..ix.items.len() {
        if let Some(r) = baton_core::provenance::requester(&ix, &signals, i) {
            ways.insert(r.signal.as_str());
        }
    }
    assert_eq!(
        ways,
        ["assignment", "author", "co_author", "pr_body"]
            .into_iter()
            .collect(),
        "AI work says who asked for it each way: agents' descriptions and commits, issues \
         assigned to agents, people working with agents"
    );
    ws.close().await;
}

/// Review rounds count the change requests that stand: one by a reviewer adds a round, one
/// later dismissed (GitHub then shows the review as dismissed) and the author's own add none.
#[tokio::test]
async fn review_rounds_count_standing_change_requests_not_dismissed_ones() {
    use baton_core::flow::FlowFilter;
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let filter = FlowFilter {
        from: Some("2026-03-02".into()),
        to: Some("2026-04-30".into()),
        ..FlowFilter::default()
    };
    let rounds = |c: &triage::AiComparison| {
        c.groups
            .iter()
            .find(|g| g.provenance == Provenance::AiAgent)
            .and_then(|g| g.review_rounds)
    };
    let before = triage::ai_comparison(&ws, &filter, NOW).await.unwrap();
    assert_eq!(
        rounds(&before),
        Some(1.0),
        "three merged, no change requested"
    );

    // gh-pr-ok (approved by Cat on day 41, then merged): Cat asked for changes on day 40, Bob's
    // request was dismissed, and the author's own "changes requested" is no reviewer's.
    let mut page = PageWrite::new("pulls:acme/pay");
    page.items
        .extend(graph().items.into_iter().filter(|i| i.id == "gh-pr-ok"));
    for (n, to, at, who) in [
        (21, "changes_requested", T0 + 40 * D + H, "cat"),
        (22, "dismissed", T0 + 40 * D + 2 * H, "bob"),
        (23, "changes_requested", T0 + 40 * D + 3 * H, "copilot"),
    ] {
        page.transitions.push(change(
            "gh-pr-ok",
            n,
            TransitionKind::Review,
            None,
            to,
            at,
            who,
        ));
    }
    sync_page(&ws, &page).await;
    let after = triage::ai_comparison(&ws, &filter, NOW).await.unwrap();
    let got = rounds(&after).unwrap();
    assert!(
        (got - 4.0 / 3.0).abs() < 1e-9,
        "(2 + 1 + 1) / 3 merged pull requests, got {got}"
    );
    ws.close().await;
}

#[tokio::test]
async fn ai_work_is_compared_with_human_work_on_the_flow_filters() {
    use baton_core::flow::FlowFilter;
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let filter = FlowFilter {
        from: Some("2026-03-02".into()),
        to: Some("2026-04-30".into()),
        // Ignored: every provenance is compared.
        provenances: vec![Provenance::Human],
        ..FlowFilter::default()
    };
    let c = triage::ai_comparison(&ws, &filter, NOW).await.unwrap();
    let group = |p: Provenance| c.groups.iter().find(|g| g.provenance == p).unwrap().clone();
    let (human, ai, bots) = (
        group(Provenance::Human),
        group(Provenance::AiAgent),
        group(Provenance::Automation),
    );
    assert_eq!(c.groups.len(), 3);

    assert_eq!(
        human.items, 9,
        "the unmapped item is left out, as on the Flow page"
    );
    assert_eq!(
        (human.cycle_time.count, human.cycle_time.p50),
        (1, Some(8.0)),
        "jira-up: 8 days"
    );
    assert_eq!((human.pull_requests, human.without_review), (1, 1));
    assert_eq!(human.open, 6);

    assert_eq!(ai.items, 8);
    assert_eq!(ai.cycle_time.count, 3);
    assert_eq!(ai.cycle_time.p50, Some(5.0), "1.98, 5 and 30 days");
    assert_eq!(ai.pull_requests, 8);
    assert_eq!(ai.without_review, 4);
    assert_eq!(ai.time_to_first_review.count, 4);
    let first_review_p50 = ai.time_to_first_review.p50.unwrap();
    assert!(
        (first_review_p50 - (1.0 - 10.0 / 1440.0)).abs() < 1e-9,
        "{first_review_p50}"
    );
    assert_eq!((ai.merged, ai.abandoned), (3, 1));
    assert_eq!((ai.merge_rate, ai.abandon_rate), (Some(0.75), Some(0.25)));
    assert_eq!(ai.review_rounds, Some(1.0));
    assert_eq!((ai.delivered, ai.reworked), (3, 0));
    assert_eq!(
        (ai.open, ai.idle.p50),
        (4, Some(6.0)),
        "idle 5, 6, 10 and 13 days"
    );
    assert_eq!(
        (bots.pull_requests, bots.open, bots.idle.p50),
        (1, 1, Some(40.0))
    );

    // Rework: jira-up reopened 5 days after delivery; gh-pr-old-merged reverted 2 days after.
    let mut page = PageWrite::new("rework");
    let mut up = graph()
        .items
        .into_iter()
        .find(|i| i.id == "jira-up")
        .unwrap();
    up.raw_state = "In Progress".into();
    up.flow_state = FlowState::Active;
    up.updated_at = T0 + 35 * D;
    page.items.push(up);
    page.transitions.push(change(
        "jira-up",
        7,
        TransitionKind::State,
        Some("Done"),
        "In Progress",
        T0 + 35 * D,
        "ann",
    ));
    sync_page(&ws, &page).await;
    let mut page = PageWrite::new("pulls:acme/pay");
    let mut revert = graph()
        .items
        .into_iter()
        .find(|i| i.id == "gh-human-pr")
        .unwrap();
    revert.id = "gh-revert".into();
    revert.external_id = "gh-revert".into();
    revert.title = "Revert \"Title of gh-pr-old-merged\"".into();
    revert.created_at = T0 + 12 * D;
    revert.updated_at = T0 + 12 * D;
    page.items.push(revert);
    sync_page(&ws, &page).await;
    let c = triage::ai_comparison(&ws, &filter, NOW).await.unwrap();
    let group = |p: Provenance| c.groups.iter().find(|g| g.provenance == p).unwrap().clone();
    assert_eq!(
        (
            group(Provenance::Human).delivered,
            group(Provenance::Human).reworked
        ),
        (1, 1),
        "reopened 5 days after its first delivery"
    );
    assert_eq!(
        group(Provenance::AiAgent).reworked,
        1,
        "reverted 2 days after its merge"
    );
    assert_eq!(group(Provenance::AiAgent).rework_rate, Some(1.0 / 3.0));
    ws.close().await;
}

/// Violations now of blocking policies are a reason, the same ones the Governance page lists
/// (the independent review excepted: `ai_unreviewed` lists it); making a policy blocking lists
/// its violations, and a decision covers them like any other reason.
#[tokio::test]
async fn violations_of_blocking_policies_are_a_reason() {
    use baton_core::governance::{self, Rule, Severity};
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path()).await;
    let before = list(&ws, TriageQuery::default()).await;
    assert!(
        listed_for(&before, Reason::PolicyViolation).is_empty(),
        "the graph breaks no blocking policy but the independent review, listed as ai_unreviewed"
    );
    // The review SLA made blocking: every item it flags now is listed for it.
    let mut set = governance::load(&ws).await.unwrap();
    let sla = set
        .policies
        .iter_mut()
        .find(|p| matches!(p.rule, Rule::ReviewSla { .. }))
        .unwrap();
    sla.severity = Severity::Blocking;
    let title = sla.title.clone();
    governance::save(&ws, set, NOW).await.unwrap();
    let after = list(&ws, TriageQuery::default()).await;
    let report = governance::governance_report(&ws, NOW).await.unwrap();
    let expected: BTreeSet<String> = report
        .violations
        .iter()
        .filter(|v| v.policy_title == title)
        .map(|v| v.item_id.clone())
        .collect();
    assert!(
        expected.contains("gh-human-pr"),
        "Bob's pull request waited 10 days for its first review"
    );
    assert_eq!(
        listed_for(&after, Reason::PolicyViolation),
        expected,
        "the Triage page lists what the Governance page flags"
    );
    let row = after.rows.iter().find(|r| r.id == "gh-human-pr").unwrap();
    let reason = row
        .reasons
        .iter()
        .find(|r| r.reason == Reason::PolicyViolation)
        .unwrap();
    assert!(reason.detail.contains(&title), "{}", reason.detail);

    // Accepting it for that reason takes it off the list.
    triage::triage_decide(
        &ws,
        &TriageDecision {
            item_id: "gh-human-pr".into(),
            decision: DecisionInput::Accepted,
            why: "reviewed in the call".into(),
        },
        "lead",
        NOW,
    )
    .await
    .unwrap();
    let decided = list(&ws, TriageQuery::default()).await;
    assert!(!listed_for(&decided, Reason::PolicyViolation).contains("gh-human-pr"));
}

/// The worklist a workspace keeps is followed through each decision (only the decided items'
/// rows are layered again): after every kind of decision, and an undo, it is the list a freshly
/// opened workspace computes from nothing.
#[tokio::test]
async fn the_worklist_followed_through_decisions_equals_a_fresh_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.baton");
    let end = T0 + 30 * D;
    let ws = demo::build(
        &path,
        &demo::DemoOptions {
            items: 3000,
            seed: demo::DEFAULT_SEED,
            end,
        },
    )
    .await
    .unwrap();
    let all = TriageQuery {
        limit: 1000,
        ..TriageQuery::default()
    };
    let decided = TriageQuery {
        show: TriageShow::Decided,
        limit: 1000,
        ..TriageQuery::default()
    };
    let first = triage::triage_list(&ws, &all, end).await.unwrap();
    let with = |reason: Reason| {
        first
            .rows
            .iter()
            .find(|r| r.reasons.iter().any(|x| x.reason == reason))
            .unwrap_or_else(|| panic!("the demo lists {reason:?}"))
    };
    let dup = with(Reason::DuplicateCandidate);
    let dup_of = dup
        .reasons
        .iter()
        .find_map(|x| {
            x.other
                .clone()
                .filter(|_| x.reason == Reason::DuplicateCandidate)
        })
        .unwrap();
    let handoff = with(Reason::HandoffUndelivered);
    let upstream = handoff
        .reasons
        .iter()
        .find_map(|x| {
            x.other
                .clone()
                .filter(|_| x.reason == Reason::HandoffUndelivered)
        })
        .unwrap();
    let plain: Vec<&str> = first
        .rows
        .iter()
        .filter(|r| r.id != dup.id && r.id != handoff.id)
        .map(|r| r.id.as_str())
        .take(5)
        .collect();
    let decisions = [
        decide(plain[0], DecisionInput::Accepted),
        decide(plain[1], DecisionInput::Rejected),
        decide(
            plain[2],
            DecisionInput::Deferred {
                until: Some("2027-01-01".into()),
                until_change: false,
            },
        ),
        decide(
            plain[3],
            DecisionInput::OwnerSet {
                owner: "Ann Example".into(),
            },
        ),
        decide(
            plain[4],
            DecisionInput::Note {
                text: "looked at it".into(),
            },
        ),
        decide(&dup.id, DecisionInput::DuplicateConfirmed { of: dup_of.id }),
        decide(
            &handoff.id,
            DecisionInput::HandoffDelivered {
                upstream: upstream.id,
            },
        ),
    ];
    let mut ids = Vec::new();
    for (round, d) in decisions.iter().enumerate() {
        ids.push(triage::triage_decide(&ws, d, "ann", end).await.unwrap());
        if round == 3 {
            // Taking the first decision back brings its item back.
            decisions::revoke(&ws, &ids[0], "ann", "not yet", end)
                .await
                .unwrap();
        }
        let fresh = Workspace::open_for_reading(&path).await.unwrap();
        for q in [&all, &decided] {
            let followed = triage::triage_list(&ws, q, end).await.unwrap();
            let computed = triage::triage_list(&fresh, q, end).await.unwrap();
            assert_eq!(
                followed, computed,
                "after decision {round} ({:?}) the list followed is the list computed afresh",
                d.decision
            );
        }
        fresh.close().await;
    }
    let last = triage::triage_list(&ws, &all, end).await.unwrap();
    assert!(
        last.rows.iter().any(|r| r.id == plain[0]),
        "the accept taken back lists its item again"
    );
    for gone in [plain[1], plain[2], dup.id.as_str()] {
        assert!(
            !last.rows.iter().any(|r| r.id == gone),
            "{gone} is decided and off the list"
        );
    }
    ws.close().await;
}

/// A page of the worklist puts only the rows up to its end in order: the pages at every offset,
/// laid end to end, are the one page that holds every row (itself in the order a sort of every
/// row gives: by the oldest reason's age, then the key), for both sorts, with and without a
/// filter. The demo's worklist has many rows listed since the same instant, so the key and the
/// item decide many places.
#[tokio::test]
async fn pages_at_every_offset_make_the_whole_list() {
    let dir = tempfile::tempdir().unwrap();
    let end = T0 + 30 * D;
    let ws = demo::build(
        &dir.path().join("pages.baton"),
        &demo::DemoOptions {
            items: 3000,
            seed: 7,
            end,
        },
    )
    .await
    .unwrap();
    let ids = |l: &TriageList| l.rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    for (sort, provenances) in [
        (TriageSort::Age, Vec::new()),
        (TriageSort::WaitingOnIt, Vec::new()),
        (TriageSort::Age, vec![Provenance::AiAgent]),
    ] {
        let q = TriageQuery {
            sort,
            provenances,
            limit: 1000,
            ..TriageQuery::default()
        };
        let whole = triage::triage_list(&ws, &q, end).await.unwrap();
        let shown = whole.rows.len();
        assert!(shown > 0 && shown == (whole.total as usize).min(1000));
        if q.provenances.is_empty() {
            assert!(shown > 60, "the whole worklist spans several pages");
        }
        let ages: Vec<f64> = whole.rows.iter().map(|r| r.age_days).collect();
        if sort == TriageSort::Age {
            assert!(ages.windows(2).all(|w| w[0] >= w[1]), "oldest first");
        }
        let mut laid: Vec<String> = Vec::new();
        for offset in (0..shown as u32 + 20).step_by(23) {
            let page = triage::triage_list(
                &ws,
                &TriageQuery {
                    offset,
                    limit: 23,
                    ..q.clone()
                },
                end,
            )
            .await
            .unwrap();
            assert_eq!(page.total, whole.total);
            laid.extend(ids(&page));
        }
        laid.truncate(shown);
        assert_eq!(laid, ids(&whole), "{sort:?}");
    }
}
