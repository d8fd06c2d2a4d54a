//! A small hand-built work graph whose every number is known.

use baton_core::demo::{self, DemoGraph};
use baton_core::graph::model::*;
use baton_core::graph::Workspace;

/// 2026-03-02T00:00:00Z.
pub const T0: i64 = 1_772_409_600_000;
pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 24 * HOUR;

fn item(
    id: &str,
    key: &str,
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
            "src-gh".into()
        } else {
            "src-jira".into()
        },
        external_id: id.into(),
        key: key.into(),
        url: format!("https://example.test/{key}"),
        kind,
        title: format!("Title of {key}"),
        team_id: team.map(Into::into),
        owner_id: None,
        author_id: Some(author.into()),
        provenance,
        provenance_agent: (provenance == Provenance::AiAgent).then(|| "claude[bot]".into()),
        provenance_confidence: 1.0,
        raw_state: state.0.into(),
        flow_state: state.1,
        wait_reason: (state.1 == FlowState::Waiting).then_some(WaitReason::Review),
        intent_id: None,
        priority: None,
        estimate: None,
        created_at: created,
        started_at: None,
        done_at: (state.1 == FlowState::Done).then_some(created + 3 * DAY),
        updated_at: created + 3 * DAY,
    }
}

fn transition(
    item: &str,
    n: u32,
    kind: TransitionKind,
    to: &str,
    at: i64,
    actor: &str,
) -> Transition {
    Transition {
        item_id: item.into(),
        event_id: format!("e{n}"),
        kind,
        from_state: None,
        to_state: to.into(),
        at,
        actor_id: Some(actor.into()),
    }
}

/// Two teams, two sources, six items (one hostile title), known transitions and links.
///
/// | id        | kind | team     | state            | provenance |
/// |-----------|------|----------|------------------|------------|
/// | gh-1      | PR   | payments | done (merged)    | ai_agent, reviewed by a human |
/// | gh-2      | PR   | payments | waiting (open)   | ai_agent, reviewed only by a bot |
/// | gh-3      | PR   | platform | active (draft)   | human |
/// | jira-1    | feat | payments | done             | human |
/// | jira-2    | bug  | platform | waiting (review) | human, hostile title |
/// | jira-3    | task | (none)   | new              | automation |
pub fn small_graph() -> DemoGraph {
    let source = |id: &str, kind: SourceKind, name: &str| Source {
        id: id.into(),
        kind,
        name: name.into(),
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
    let mut items = vec![
        item(
            "gh-1",
            "acme/pay#1",
            ItemKind::PullRequest,
            Some("team-pay"),
            ("merged", FlowState::Done),
            Provenance::AiAgent,
            "p-bot",
            T0,
        ),
        item(
            "gh-2",
            "acme/pay#2",
            ItemKind::PullRequest,
            Some("team-pay"),
            ("open", FlowState::Waiting),
            Provenance::AiAgent,
            "p-bot",
            T0 + DAY,
        ),
        item(
            "gh-3",
            "acme/plat#3",
            ItemKind::PullRequest,
            Some("team-plat"),
            ("draft", FlowState::Active),
            Provenance::Human,
            "p-ann",
            T0 + 2 * DAY,
        ),
        item(
            "jira-1",
            "PAY-1",
            ItemKind::Feature,
            Some("team-pay"),
            ("Done", FlowState::Done),
            Provenance::Human,
            "p-ann",
            T0 + 3 * DAY,
        ),
        item(
            "jira-2",
            "PLAT-2",
            ItemKind::Defect,
            Some("team-plat"),
            ("In Review", FlowState::Waiting),
            Provenance::Human,
            "p-bob",
            T0 + 4 * DAY,
        ),
        item(
            "jira-3",
            "PAY-3",
            ItemKind::Task,
            None,
            ("Backlog", FlowState::New),
            Provenance::Automation,
            "p-dep",
            T0 + 5 * DAY,
        ),
    ];
    items[4].title = "Sanitize <img src=x onerror=alert(1)> in PR descriptions".into();
    DemoGraph {
        descriptions: Vec::new(),
        review_requests: Vec::new(),
        github_renames: Vec::new(),
        decisions: Vec::new(),
        planted_duplicates: Vec::new(),
        paths: Vec::new(),
        owners: Vec::new(),
        sources: vec![
            source("src-gh", SourceKind::Github, "GitHub acme"),
            source("src-jira", SourceKind::Jira, "Jira acme"),
        ],
        teams: vec![
            Team {
                id: "team-pay".into(),
                name: "Payments".into(),
            },
            Team {
                id: "team-plat".into(),
                name: "Platform".into(),
            },
        ],
        people: vec![
            person("p-ann", false),
            person("p-bob", false),
            person("p-bot", true),
            person("p-dep", true),
            person("p-rev", true),
        ],
        identities: vec![Identity {
            source_id: "src-gh".into(),
            login: "ann".into(),
            person_id: "p-ann".into(),
        }],
        intents: vec![],
        workflow_maps: [
            (
                "src-jira",
                "In Review",
                FlowState::Waiting,
                Some(WaitReason::Review),
            ),
            ("src-jira", "Done", FlowState::Done, None),
            ("src-gh", "merged", FlowState::Done, None),
        ]
        .into_iter()
        .map(|(s, raw, flow, reason)| WorkflowMap {
            source_id: s.into(),
            team_id: String::new(),
            item_kind: None,
            scope: String::new(),
            raw_state: raw.into(),
            flow_state: flow,
            wait_reason: reason,
            origin: "inferred".into(),
        })
        .collect(),
        items,
        transitions: vec![
            transition("gh-1", 1, TransitionKind::State, "open", T0 + HOUR, "p-bot"),
            transition(
                "gh-1",
                2,
                TransitionKind::Review,
                "approved",
                T0 + 2 * HOUR,
                "p-ann",
            ),
            transition(
                "gh-1",
                3,
                TransitionKind::State,
                "merged",
                T0 + 3 * DAY,
                "p-ann",
            ),
            transition(
                "gh-2",
                1,
                TransitionKind::Review,
                "commented",
                T0 + 2 * DAY,
                "p-rev",
            ),
            transition(
                "jira-2",
                1,
                TransitionKind::State,
                "In Progress",
                T0 + 4 * DAY + HOUR,
                "p-bob",
            ),
            transition(
                "jira-2",
                2,
                TransitionKind::State,
                "In Review",
                T0 + 5 * DAY,
                "p-bob",
            ),
        ],
        links: vec![
            Link {
                from_item_id: "gh-1".into(),
                to_item_id: "jira-1".into(),
                kind: LinkKind::Implements,
                origin: LinkOrigin::Source,
                confidence: 1.0,
                created_at: T0,
                removed_at: None,
                found_in: None,
            },
            Link {
                from_item_id: "jira-2".into(),
                to_item_id: "jira-1".into(),
                kind: LinkKind::Blocks,
                origin: LinkOrigin::Source,
                confidence: 1.0,
                created_at: T0,
                removed_at: None,
                found_in: None,
            },
            Link {
                from_item_id: "gh-3".into(),
                to_item_id: "jira-2".into(),
                kind: LinkKind::Blocks,
                origin: LinkOrigin::Source,
                confidence: 1.0,
                created_at: T0,
                removed_at: Some(T0 + DAY),
                found_in: None,
            },
        ],
    }
}

/// A new workspace file in `dir` holding [`small_graph`].
pub async fn small_workspace(dir: &std::path::Path) -> Workspace {
    let ws = Workspace::create(&dir.join("small.baton"))
        .await
        .expect("create");
    demo::write(&ws, &small_graph()).await.expect("write");
    ws
}

/// A new demo workspace (`demo.baton` in `dir`) of `items` items ending at `end`, from the
/// demo's own seed.
pub async fn demo_workspace(dir: &std::path::Path, items: u32, end: i64) -> Workspace {
    demo::build(
        &dir.join("demo.baton"),
        &demo::DemoOptions {
            items,
            seed: demo::DEFAULT_SEED,
            end,
        },
    )
    .await
    .expect("the demo")
}

/// Deletes an item (as a source removal would), through the write layer: the index cannot
/// follow a deletion item by item and rebuilds.
pub struct DeleteItem<'a>(pub &'a str);

impl baton_core::graph::WriteOp for DeleteItem<'_> {
    type Output = ();
    type Error = baton_core::CoreError;

    async fn apply(
        self,
        w: &mut baton_core::graph::Writer<'_>,
    ) -> Result<(), baton_core::CoreError> {
        assert!(
            baton_core::graph::repo::items::delete(w.conn(), self.0).await?,
            "the item existed"
        );
        w.items_changed([self.0]);
        Ok(())
    }
}
