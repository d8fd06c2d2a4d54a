//! The summary, the item list and the item detail on a graph whose numbers are known by hand.

use baton_core::demo;
use baton_core::graph::model::*;
use baton_core::query::{self, ItemsQuery, LinkDirection, SortDirection, SortField};

use crate::common::{small_graph, small_workspace, DAY, T0};

fn counts(list: &[baton_core::query::Count]) -> Vec<(&str, u32)> {
    list.iter().map(|c| (c.label.as_str(), c.count)).collect()
}

#[tokio::test]
async fn summary_matches_hand_counts() {
    let dir = tempfile::tempdir().unwrap();
    let ws = small_workspace(dir.path()).await;
    let s = query::workspace_summary(&ws).await.unwrap();
    assert_eq!(s.totals.items, 6);
    assert_eq!(s.totals.transitions, 6);
    assert_eq!(s.totals.links, 3);
    assert_eq!(
        s.totals.open_blocking_links, 0,
        "the blocks link removed at the source does not count, nor the one whose blocked item (jira-1) is done"
    );
    assert_eq!(s.totals.teams, 2);
    assert_eq!(s.totals.sources, 2);
    assert_eq!(
        counts(&s.by_team),
        vec![("Payments", 3), ("Platform", 2), ("No team", 1)],
        "largest team first; no-team items kept"
    );
    assert_eq!(
        counts(&s.by_flow_state),
        vec![
            ("New", 1),
            ("Waiting", 2),
            ("Active", 1),
            ("Done", 2),
            ("Canceled", 0)
        ],
        "every flow state listed, in flow order, zeros kept"
    );
    assert_eq!(counts(&s.by_kind)[0], ("Pull request", 3));
    assert_eq!(
        s.by_kind.iter().map(|c| c.count).sum::<u32>(),
        6,
        "each item counted once by kind"
    );
    assert_eq!(
        counts(&s.by_source),
        vec![("GitHub acme", 3), ("Jira acme", 3)]
    );
    assert_eq!(
        counts(&s.by_provenance),
        vec![("Human", 3), ("AI agent", 2), ("Automation", 1)]
    );
    let payments = s
        .team_states
        .iter()
        .find(|t| t.team_name == "Payments")
        .unwrap();
    assert_eq!(
        payments.counts,
        vec![0, 1, 0, 2, 0],
        "Payments: one waiting PR, one merged PR, one done feature"
    );
    assert_eq!(s.ai_prs, 2);
    assert_eq!(
        s.ai_prs_without_independent_review, 1,
        "gh-2 was only commented on by a bot; gh-1 was approved by a person who did not ask for it"
    );
    let range = s.date_range.unwrap();
    assert_eq!(range.from, baton_core::time::to_rfc3339(T0));
    assert_eq!(
        range.to,
        baton_core::time::to_rfc3339(T0 + 8 * DAY),
        "latest update: jira-3 created T0+5d, updated 3 days later"
    );
}

async fn keys(ws: &baton_core::graph::Workspace, q: ItemsQuery) -> (u32, Vec<String>) {
    let page = query::items_list(ws, &q).await.unwrap();
    (page.total, page.rows.into_iter().map(|r| r.key).collect())
}

#[tokio::test]
async fn items_list_filters_sorts_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    let ws = small_workspace(dir.path()).await;
    let by_key = ItemsQuery {
        sort: SortField::Key,
        direction: SortDirection::Asc,
        ..Default::default()
    };
    let (total, all) = keys(&ws, by_key.clone()).await;
    assert_eq!(total, 6);
    assert_eq!(
        all,
        [
            "PAY-1",
            "PAY-3",
            "PLAT-2",
            "acme/pay#1",
            "acme/pay#2",
            "acme/plat#3"
        ],
        "binary key order"
    );
    let (total, page) = keys(
        &ws,
        ItemsQuery {
            offset: 2,
            limit: 2,
            ..by_key.clone()
        },
    )
    .await;
    assert_eq!(
        (total, page),
        (6, vec!["PLAT-2".to_owned(), "acme/pay#1".to_owned()]),
        "pages are windows of one order"
    );
    let (_, past_end) = keys(
        &ws,
        ItemsQuery {
            offset: 50,
            ..by_key.clone()
        },
    )
    .await;
    assert!(
        past_end.is_empty(),
        "a window past the end is empty, not an error"
    );

    let (total, hits) = keys(
        &ws,
        ItemsQuery {
            text: Some("  IMG src ".into()),
            ..by_key.clone()
        },
    )
    .await;
    assert_eq!(
        (total, hits),
        (1, vec!["PLAT-2".to_owned()]),
        "text search is trimmed and case-insensitive"
    );
    let (_, hits) = keys(
        &ws,
        ItemsQuery {
            text: Some("%".into()),
            ..by_key.clone()
        },
    )
    .await;
    assert!(
        hits.is_empty(),
        "wildcards typed by the user are plain characters"
    );
    let (_, no_team) = keys(
        &ws,
        ItemsQuery {
            teams: vec![String::new()],
            ..by_key.clone()
        },
    )
    .await;
    assert_eq!(
        no_team,
        ["PAY-3"],
        "the empty team id selects items without a team"
    );
    let (_, waiting) = keys(
        &ws,
        ItemsQuery {
            states: vec![FlowState::Waiting],
            ..by_key.clone()
        },
    )
    .await;
    assert_eq!(waiting, ["PLAT-2", "acme/pay#2"]);
    let (_, combined) = keys(
        &ws,
        ItemsQuery {
            teams: vec!["team-pay".into()],
            kinds: vec![ItemKind::PullRequest],
            provenances: vec![Provenance::AiAgent],
            ..by_key.clone()
        },
    )
    .await;
    assert_eq!(
        combined,
        ["acme/pay#1", "acme/pay#2"],
        "filters combine with AND"
    );
    let (_, newest) = keys(
        &ws,
        ItemsQuery {
            sort: SortField::Created,
            direction: SortDirection::Desc,
            limit: 1,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(newest, ["PAY-3"]);
    let too_big = query::items_list(
        &ws,
        &ItemsQuery {
            limit: 5_000,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(too_big.unwrap_err().code(), "invalid");
}

#[tokio::test]
async fn item_list_sees_new_rows_after_a_write() {
    let dir = tempfile::tempdir().unwrap();
    let ws = small_workspace(dir.path()).await;
    let q = ItemsQuery::default();
    assert_eq!(query::items_list(&ws, &q).await.unwrap().total, 6);
    let mut graph = small_graph();
    graph.items.truncate(1);
    graph.items[0].id = "gh-9".into();
    graph.items[0].external_id = "gh-9".into();
    graph.transitions.clear();
    graph.links.clear();
    demo::write(&ws, &graph).await.unwrap();
    assert_eq!(
        query::items_list(&ws, &q).await.unwrap().total,
        7,
        "the cached order is dropped after a write"
    );
}

#[tokio::test]
async fn writing_the_same_events_twice_stores_them_once() {
    let dir = tempfile::tempdir().unwrap();
    let ws = small_workspace(dir.path()).await;
    demo::write(&ws, &small_graph()).await.unwrap();
    let s = query::workspace_summary(&ws).await.unwrap();
    assert_eq!(
        (s.totals.items, s.totals.transitions, s.totals.links),
        (6, 6, 3),
        "upserts are idempotent on source ids"
    );
}

#[tokio::test]
async fn item_detail_has_timeline_links_and_review_status() {
    let dir = tempfile::tempdir().unwrap();
    let ws = small_workspace(dir.path()).await;
    let d = query::item_detail(&ws, "jira-2").await.unwrap();
    assert_eq!(
        d.item.title, "Sanitize <img src=x onerror=alert(1)> in PR descriptions",
        "titles are stored verbatim"
    );
    assert_eq!(d.transitions.len(), 2);
    assert_eq!(d.transitions[0].to_state, "In Progress");
    assert_eq!(
        d.transitions[0].to_flow_state, None,
        "an unmapped raw state has no flow state"
    );
    assert_eq!(d.transitions[1].to_flow_state, Some(FlowState::Waiting));
    assert_eq!(d.transitions[1].to_wait_reason, Some(WaitReason::Review));
    assert_eq!(d.links.len(), 2);
    let blocks = d
        .links
        .iter()
        .find(|l| l.direction == LinkDirection::Outgoing)
        .unwrap();
    assert_eq!(
        (blocks.kind, blocks.other_key.as_str(), blocks.open),
        (LinkKind::Blocks, "PAY-1", true)
    );
    let blocked_by = d
        .links
        .iter()
        .find(|l| l.direction == LinkDirection::Incoming)
        .unwrap();
    assert_eq!(
        (blocked_by.other_key.as_str(), blocked_by.open),
        ("acme/plat#3", false),
        "removed links are shown as closed"
    );
    assert_eq!(d.review, None, "only pull requests have a review status");

    assert_eq!(
        query::item_detail(&ws, "gh-1")
            .await
            .unwrap()
            .review
            .map(|r| r.verdict),
        Some(query::ReviewVerdict::Independent)
    );
    assert_eq!(
        query::item_detail(&ws, "gh-2")
            .await
            .unwrap()
            .review
            .map(|r| r.verdict),
        Some(query::ReviewVerdict::Unapproved),
        "a bot's comment is not an approval"
    );
    let err = query::item_detail(&ws, "nope").await.unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[tokio::test]
async fn intents_list_counts_items_with_descendants() {
    let dir = tempfile::tempdir().unwrap();
    let ws = baton_core::demo::build(
        &dir.path().join("demo.baton"),
        &baton_core::demo::DemoOptions {
            items: 600,
            seed: 5,
            end: T0 + 200 * DAY,
        },
    )
    .await
    .unwrap();
    let intents = query::intents_list(&ws).await.unwrap();
    assert_eq!(
        intents
            .iter()
            .filter(|i| i.kind == IntentKind::Goal)
            .count(),
        3
    );
    for goal in intents.iter().filter(|i| i.parent_id.is_none()) {
        let children: u32 = intents
            .iter()
            .filter(|c| c.parent_id.as_ref() == Some(&goal.id))
            .map(|c| c.items_with_descendants)
            .sum();
        assert_eq!(
            goal.items_with_descendants,
            goal.items + children,
            "a goal covers its own items and its initiatives'"
        );
    }
    // Jira initiatives and Linear projects share titles on the demo: each list names every
    // intent differently, and a title no other intent has is named as it is.
    let labels: std::collections::HashSet<&str> =
        intents.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels.len(), intents.len(), "every intent is told apart");
    let shared = intents
        .iter()
        .filter(|i| intents.iter().filter(|j| j.title == i.title).count() > 1)
        .collect::<Vec<_>>();
    assert!(!shared.is_empty(), "the demo has intents of one title");
    for i in &intents {
        if shared.iter().any(|s| s.id == i.id) {
            let source = if i.id.starts_with("lin:") {
                "Acme Linear"
            } else {
                "Acme Jira"
            };
            assert_eq!(i.label, format!("{} \u{b7} {source}", i.title), "{}", i.id);
        } else {
            assert_eq!(i.label, i.title);
        }
    }
}

#[tokio::test]
async fn teams_can_be_listed_and_created_for_team_rules() {
    let dir = tempfile::tempdir().unwrap();
    let ws = small_workspace(dir.path()).await;
    let teams = query::teams_list(&ws).await.unwrap();
    assert_eq!(
        teams
            .iter()
            .map(|t| (t.name.as_str(), t.items))
            .collect::<Vec<_>>(),
        [("Payments", 3), ("Platform", 2)]
    );
    let made = query::teams_create(&ws, "  Data Platform ").await.unwrap();
    assert_eq!(
        (made.id.as_str(), made.name.as_str(), made.items),
        ("team-data-platform", "Data Platform", 0)
    );
    assert!(query::team_exists(&ws, "team-data-platform").await.unwrap());
    assert_eq!(
        query::teams_list(&ws).await.unwrap().len(),
        3,
        "a team without items is listed"
    );
    assert_eq!(
        query::teams_create(&ws, "payments")
            .await
            .unwrap_err()
            .code(),
        "invalid",
        "names are unique, ignoring case"
    );
    assert_eq!(
        query::teams_create(&ws, "   ").await.unwrap_err().code(),
        "invalid"
    );
}

/// The Overview's "AI pull requests without independent review" and the Work items list behind
/// it count the same pull requests on the demo.
#[tokio::test]
async fn ai_pull_requests_without_independent_review_card_matches_its_list() {
    let dir = tempfile::tempdir().unwrap();
    let ws = crate::common::demo_workspace(dir.path(), 3_000, T0 + 200 * DAY).await;
    let s = query::workspace_summary(&ws).await.unwrap();
    let ai_prs = ItemsQuery {
        kinds: vec![ItemKind::PullRequest],
        provenances: vec![Provenance::AiAgent],
        states: vec![
            FlowState::New,
            FlowState::Waiting,
            FlowState::Active,
            FlowState::Done,
        ],
        ..ItemsQuery::default()
    };
    let all = query::items_list(&ws, &ai_prs).await.unwrap();
    let unreviewed = query::items_list(
        &ws,
        &ItemsQuery {
            without_independent_review: true,
            ..ItemsQuery::default()
        },
    )
    .await
    .unwrap();
    assert!(
        s.ai_prs_without_independent_review > 0 && s.ai_prs_without_independent_review < s.ai_prs
    );
    assert_eq!(
        all.total, s.ai_prs,
        "the card's “of N” is the list of AI pull requests open or merged"
    );
    assert_eq!(
        unreviewed.total, s.ai_prs_without_independent_review,
        "the card's headline is its list"
    );
}

/// Work items say since when each item has been in its current state: its last state change,
/// or its creation when it never changed.
#[tokio::test]
async fn rows_say_since_when_the_item_is_in_its_state() {
    let dir = tempfile::tempdir().unwrap();
    let ws = small_workspace(dir.path()).await;
    let page = query::items_list(&ws, &ItemsQuery::default())
        .await
        .unwrap();
    let row = |id: &str| page.rows.iter().find(|r| r.id == id).unwrap().clone();
    assert_eq!(
        row("jira-2").state_since,
        baton_core::time::to_rfc3339(T0 + 5 * DAY),
        "In Review since its last state change"
    );
    let gh2 = row("gh-2");
    assert_eq!(
        gh2.state_since, gh2.created_at,
        "a review is not a state change"
    );
}

#[tokio::test]
async fn every_overview_count_is_the_list_it_opens() {
    let dir = tempfile::tempdir().unwrap();
    let ws = crate::common::demo_workspace(dir.path(), 1_500, T0 + 200 * DAY).await;
    let s = query::workspace_summary(&ws).await.unwrap();
    let total = |q: ItemsQuery| {
        let ws = &ws;
        async move {
            query::items_list(ws, &ItemsQuery { limit: 1, ..q })
                .await
                .unwrap()
                .total
        }
    };
    // Items by team, one segment per flow state: the Work items filter it opens.
    for team in &s.team_states {
        for (state, count) in FlowState::ALL.iter().zip(&team.counts) {
            let listed = total(ItemsQuery {
                teams: vec![team.team_id.clone()],
                states: vec![*state],
                ..Default::default()
            })
            .await;
            assert_eq!(listed, *count, "{} / {state:?}", team.team_name);
        }
    }
    for c in &s.by_flow_state {
        let state = FlowState::parse(&c.key).unwrap();
        let listed = total(ItemsQuery {
            states: vec![state],
            ..Default::default()
        })
        .await;
        assert_eq!(listed, c.count, "flow state {}", c.key);
    }
    for c in &s.by_kind {
        let listed = total(ItemsQuery {
            kinds: vec![ItemKind::parse(&c.key).unwrap()],
            ..Default::default()
        })
        .await;
        assert_eq!(listed, c.count, "kind {}", c.key);
    }
    for c in &s.by_source {
        let listed = total(ItemsQuery {
            sources: vec![c.key.clone()],
            ..Default::default()
        })
        .await;
        assert_eq!(listed, c.count, "source {}", c.key);
    }
    for c in &s.by_provenance {
        let listed = total(ItemsQuery {
            provenances: vec![Provenance::parse(&c.key).unwrap()],
            ..Default::default()
        })
        .await;
        assert_eq!(listed, c.count, "provenance {}", c.key);
    }
    assert_eq!(total(ItemsQuery::default()).await, s.totals.items);
}

#[tokio::test]
async fn items_filter_by_intent_as_the_flow_filter_does() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo::build(
        &dir.path().join("demo.baton"),
        &demo::DemoOptions {
            items: 600,
            seed: 5,
            end: T0 + 200 * DAY,
        },
    )
    .await
    .unwrap();
    let intents = query::intents_list(&ws).await.unwrap();
    for intent in &intents {
        let page = query::items_list(
            &ws,
            &ItemsQuery {
                intents: vec![intent.id.clone()],
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            page.total, intent.items_with_descendants,
            "{}: the items linked to it or to an intent under it",
            intent.title
        );
    }
    let unknown = query::items_list(
        &ws,
        &ItemsQuery {
            intents: vec!["no-such-intent".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(unknown.total, 0, "an unknown intent matches nothing");
    // Sorted by how long items have been in their state: the oldest change first when ascending.
    let by_since = query::items_list(
        &ws,
        &ItemsQuery {
            sort: SortField::StateSince,
            direction: SortDirection::Asc,
            limit: 200,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(by_since
        .rows
        .windows(2)
        .all(|w| w[0].state_since <= w[1].state_since));
}
