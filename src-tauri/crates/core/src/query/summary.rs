//! The workspace summary: what the Overview shows and `baton stats` prints.
//!
//! Definitions are in `docs/metrics.md` ("Workspace summary").

use std::collections::BTreeMap;

use serde::Serialize;
use specta::Type;

use crate::error::CoreResult;
use crate::graph::model::{FlowState, ItemKind, Provenance};
use crate::graph::Workspace;
use crate::time::to_rfc3339;

/// A count under a key, with the label to show.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Count {
    /// Stable key (an id or an enum name); empty for "none".
    pub key: String,
    pub label: String,
    pub count: u32,
}

/// Row counts of the work graph.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub items: u32,
    pub transitions: u32,
    pub links: u32,
    pub open_blocking_links: u32,
    pub teams: u32,
    pub people: u32,
    pub sources: u32,
    pub intents: u32,
}

/// The span of time the workspace covers.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DateRange {
    /// The earliest item creation.
    pub from: String,
    /// The latest item update.
    pub to: String,
}

/// One team's items by flow state (for the stacked chart).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamStates {
    pub team_id: String,
    pub team_name: String,
    /// Same order as [`FlowState::ALL`].
    pub counts: Vec<u32>,
}

/// Everything the Overview shows.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceSummary {
    pub name: String,
    pub path: String,
    pub totals: Totals,
    pub by_team: Vec<Count>,
    pub by_flow_state: Vec<Count>,
    pub by_kind: Vec<Count>,
    pub by_source: Vec<Count>,
    pub by_provenance: Vec<Count>,
    /// Rows are teams (same order as `by_team`), columns are flow states.
    pub team_states: Vec<TeamStates>,
    /// Pull requests authored by an AI agent with no review action by a human.
    pub ai_prs_without_human_review: u32,
    /// Pull requests authored by an AI agent.
    pub ai_prs: u32,
    pub date_range: Option<DateRange>,
}

fn to_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Computes the summary in one scan of `items` plus a few counts.
pub async fn workspace_summary(ws: &Workspace) -> CoreResult<WorkspaceSummary> {
    let pool = ws.pool();
    let groups = sqlx::query!(
        r#"SELECT i.team_id, t.name AS "team_name?", i.flow_state, i.kind, i.source_id, s.name AS source_name,
                  i.provenance, COUNT(*) AS "n!: i64"
           FROM items i JOIN sources s ON s.id = i.source_id LEFT JOIN teams t ON t.id = i.team_id
           GROUP BY i.team_id, i.flow_state, i.kind, i.source_id, i.provenance"#
    )
    .fetch_all(pool)
    .await?;

    let mut teams: BTreeMap<(String, String), [u32; 5]> = BTreeMap::new();
    let mut states: BTreeMap<FlowState, u32> = BTreeMap::new();
    let mut kinds: BTreeMap<ItemKind, u32> = BTreeMap::new();
    let mut sources: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut provenances: BTreeMap<Provenance, u32> = BTreeMap::new();
    let mut total_items = 0u32;
    for g in groups {
        let n = to_u32(g.n);
        total_items += n;
        let state = FlowState::parse(&g.flow_state).unwrap_or(FlowState::New);
        let state_index = FlowState::ALL.iter().position(|s| *s == state).unwrap_or(0);
        let team_key = (
            g.team_id.unwrap_or_default(),
            g.team_name.unwrap_or_else(|| "No team".to_owned()),
        );
        teams.entry(team_key).or_insert([0; 5])[state_index] += n;
        *states.entry(state).or_default() += n;
        *kinds
            .entry(ItemKind::parse(&g.kind).unwrap_or(ItemKind::Task))
            .or_default() += n;
        *sources.entry((g.source_id, g.source_name)).or_default() += n;
        *provenances
            .entry(Provenance::parse(&g.provenance).unwrap_or(Provenance::Human))
            .or_default() += n;
    }

    let mut team_rows: Vec<((String, String), [u32; 5])> = teams.into_iter().collect();
    team_rows.sort_by(|a, b| {
        b.1.iter()
            .sum::<u32>()
            .cmp(&a.1.iter().sum::<u32>())
            .then(a.0 .1.cmp(&b.0 .1))
    });
    let by_team = team_rows
        .iter()
        .map(|((id, name), counts)| Count {
            key: id.clone(),
            label: name.clone(),
            count: counts.iter().sum(),
        })
        .collect();
    let team_states = team_rows
        .iter()
        .map(|((id, name), counts)| TeamStates {
            team_id: id.clone(),
            team_name: name.clone(),
            counts: counts.to_vec(),
        })
        .collect();
    let by_flow_state = FlowState::ALL
        .iter()
        .map(|s| Count {
            key: s.as_str().into(),
            label: flow_state_label(*s).into(),
            count: states.get(s).copied().unwrap_or(0),
        })
        .collect();
    let mut by_kind: Vec<Count> = kinds
        .into_iter()
        .map(|(k, count)| Count {
            key: k.as_str().into(),
            label: item_kind_label(k).into(),
            count,
        })
        .collect();
    by_kind.sort_by(|a, b| b.count.cmp(&a.count));
    let mut by_source: Vec<Count> = sources
        .into_iter()
        .map(|((key, label), count)| Count { key, label, count })
        .collect();
    by_source.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    let by_provenance = Provenance::ALL
        .iter()
        .map(|p| Count {
            key: p.as_str().into(),
            label: provenance_label(*p).into(),
            count: provenances.get(p).copied().unwrap_or(0),
        })
        .collect();

    let counts = sqlx::query!(
        r#"SELECT (SELECT COUNT(*) FROM transitions) AS "transitions!: i64",
                  (SELECT COUNT(*) FROM links) AS "links!: i64",
                  (SELECT COUNT(*) FROM links WHERE kind = 'blocks' AND removed_at IS NULL) AS "open_blocking!: i64",
                  (SELECT COUNT(*) FROM teams) AS "teams!: i64",
                  (SELECT COUNT(*) FROM people) AS "people!: i64",
                  (SELECT COUNT(*) FROM sources) AS "sources!: i64",
                  (SELECT COUNT(*) FROM intents) AS "intents!: i64",
                  (SELECT MIN(created_at) FROM items) AS "first: i64",
                  (SELECT MAX(updated_at) FROM items) AS "last: i64""#
    )
    .fetch_one(pool)
    .await?;

    let ai = sqlx::query!(
        r#"SELECT COUNT(*) AS "prs!: i64",
                  COALESCE(SUM(NOT EXISTS (
                      SELECT 1 FROM transitions t JOIN people p ON p.id = t.actor_id
                      WHERE t.item_id = i.id AND t.kind = 'review' AND p.is_bot = 0
                        AND (i.author_id IS NULL OR t.actor_id <> i.author_id))), 0) AS "unreviewed!: i64"
           FROM items i WHERE i.kind = 'pull_request' AND i.provenance = 'ai_agent'"#
    )
    .fetch_one(pool)
    .await?;

    Ok(WorkspaceSummary {
        name: ws.name(),
        path: ws.path().display().to_string(),
        totals: Totals {
            items: total_items,
            transitions: to_u32(counts.transitions),
            links: to_u32(counts.links),
            open_blocking_links: to_u32(counts.open_blocking),
            teams: to_u32(counts.teams),
            people: to_u32(counts.people),
            sources: to_u32(counts.sources),
            intents: to_u32(counts.intents),
        },
        by_team,
        by_flow_state,
        by_kind,
        by_source,
        by_provenance,
        team_states,
        ai_prs_without_human_review: to_u32(ai.unreviewed),
        ai_prs: to_u32(ai.prs),
        date_range: match (counts.first, counts.last) {
            (Some(first), Some(last)) => Some(DateRange {
                from: to_rfc3339(first),
                to: to_rfc3339(last),
            }),
            _ => None,
        },
    })
}

/// How a flow state is shown.
pub fn flow_state_label(state: FlowState) -> &'static str {
    match state {
        FlowState::New => "New",
        FlowState::Waiting => "Waiting",
        FlowState::Active => "Active",
        FlowState::Done => "Done",
        FlowState::Canceled => "Canceled",
    }
}

/// How an item kind is shown.
pub fn item_kind_label(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Feature => "Feature",
        ItemKind::Defect => "Defect",
        ItemKind::Risk => "Risk",
        ItemKind::Debt => "Debt",
        ItemKind::Task => "Task",
        ItemKind::PullRequest => "Pull request",
        ItemKind::Review => "Review",
        ItemKind::Approval => "Approval",
        ItemKind::Deployment => "Deployment",
        ItemKind::Incident => "Incident",
    }
}

/// How a provenance is shown.
pub fn provenance_label(provenance: Provenance) -> &'static str {
    match provenance {
        Provenance::Human => "Human",
        Provenance::AiAgent => "AI agent",
        Provenance::Automation => "Automation",
    }
}
