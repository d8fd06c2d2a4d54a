//! The workspace summary: what the Overview shows and `baton stats` prints.
//!
//! Definitions are in `docs/metrics.md` ("Workspace summary").

use serde::Serialize;
use specta::Type;

use crate::error::CoreResult;
use crate::graph::index::{WorkIndex, NONE};
use crate::graph::model::{FlowState, ItemKind, Provenance};
use crate::graph::text::RepairedText;
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
    /// AI-made pull requests, open or merged, that no person other than the agent and other than
    /// who asked for it approved (`docs/metrics.md`, "AI pull requests without independent
    /// review"; the Work items filter `withoutIndependentReview` lists the same ones).
    pub ai_prs_without_independent_review: u32,
    /// AI-made pull requests, open or merged.
    pub ai_prs: u32,
    pub date_range: Option<DateRange>,
    /// Values whose text was not valid UTF-8 and shows with replacement characters (the first
    /// [`REPAIRED_LISTED`]); absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[specta(optional)]
    pub repaired_text: Vec<RepairedText>,
}

/// How many repaired values the summary lists.
pub const REPAIRED_LISTED: usize = 100;

fn to_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Computes the summary from the in-memory index in one pass over the items.
pub async fn workspace_summary(ws: &Workspace) -> CoreResult<WorkspaceSummary> {
    let ix = ws.index().await?;
    Ok(summarise(&ix, ws))
}

fn summarise(ix: &WorkIndex, ws: &Workspace) -> WorkspaceSummary {
    let (ai_unreviewed, ai_prs) = crate::provenance::unreviewed_ai_pull_requests(ix);
    let team_slot = |t: u32| {
        if t == NONE {
            ix.teams.len()
        } else {
            t as usize
        }
    };
    let mut team_counts = vec![[0u32; 5]; ix.teams.len() + 1];
    let mut kinds = [0u32; ItemKind::ALL.len()];
    let mut sources = vec![0u32; ix.sources.len()];
    let mut provenances = [0u32; Provenance::ALL.len()];
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    for item in ix.items.iter() {
        let state = FlowState::ALL
            .iter()
            .position(|s| *s == item.flow)
            .unwrap_or(0);
        team_counts[team_slot(item.team)][state] += 1;
        kinds[ItemKind::ALL
            .iter()
            .position(|k| *k == item.kind)
            .unwrap_or(0)] += 1;
        if let Some(n) = sources.get_mut(item.source as usize) {
            *n += 1;
        }
        provenances[Provenance::ALL
            .iter()
            .position(|p| *p == item.provenance)
            .unwrap_or(0)] += 1;
        first = first.min(item.created);
        last = last.max(item.updated);
    }

    let mut team_rows: Vec<(String, String, [u32; 5])> = team_counts
        .into_iter()
        .enumerate()
        .filter(|(_, counts)| counts.iter().sum::<u32>() > 0)
        .map(|(t, counts)| match ix.teams.get(t) {
            Some(team) => (team.id.clone(), team.name.clone(), counts),
            None => (String::new(), "No team".to_owned(), counts),
        })
        .collect();
    team_rows.sort_by(|a, b| {
        b.2.iter()
            .sum::<u32>()
            .cmp(&a.2.iter().sum::<u32>())
            .then(a.1.cmp(&b.1))
    });
    let by_team = team_rows
        .iter()
        .map(|(id, name, counts)| Count {
            key: id.clone(),
            label: name.clone(),
            count: counts.iter().sum(),
        })
        .collect();
    let team_states = team_rows
        .iter()
        .map(|(id, name, counts)| TeamStates {
            team_id: id.clone(),
            team_name: name.clone(),
            counts: counts.to_vec(),
        })
        .collect();
    let mut state_totals = [0u32; 5];
    for (_, _, counts) in &team_rows {
        for (total, n) in state_totals.iter_mut().zip(counts) {
            *total += n;
        }
    }
    let by_flow_state = FlowState::ALL
        .iter()
        .zip(state_totals)
        .map(|(s, count)| Count {
            key: s.as_str().into(),
            label: flow_state_label(*s).into(),
            count,
        })
        .collect();
    let mut by_kind: Vec<Count> = ItemKind::ALL
        .iter()
        .zip(kinds)
        .filter(|(_, count)| *count > 0)
        .map(|(k, count)| Count {
            key: k.as_str().into(),
            label: item_kind_label(*k).into(),
            count,
        })
        .collect();
    by_kind.sort_by_key(|c| std::cmp::Reverse(c.count));
    let mut by_source: Vec<Count> = ix
        .sources
        .iter()
        .zip(sources)
        .map(|(s, count)| Count {
            key: s.id.clone(),
            label: s.name.clone(),
            count,
        })
        .collect();
    by_source.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    let by_provenance = Provenance::ALL
        .iter()
        .zip(provenances)
        .map(|(p, count)| Count {
            key: p.as_str().into(),
            label: provenance_label(*p).into(),
            count,
        })
        .collect();

    WorkspaceSummary {
        name: ws.name(),
        path: ws.path().display().to_string(),
        totals: Totals {
            items: to_u32(ix.items.len() as i64),
            transitions: to_u32(ix.transition_rows as i64),
            links: to_u32(ix.link_rows as i64),
            open_blocking_links: to_u32(ix.open_blocking_links as i64),
            teams: to_u32(ix.teams.len() as i64),
            people: to_u32(ix.people.len() as i64),
            sources: to_u32(ix.sources.len() as i64),
            intents: to_u32(ix.intents.len() as i64),
        },
        by_team,
        by_flow_state,
        by_kind,
        by_source,
        by_provenance,
        team_states,
        ai_prs_without_independent_review: ai_unreviewed,
        ai_prs,
        date_range: (first <= last).then(|| DateRange {
            from: to_rfc3339(first),
            to: to_rfc3339(last),
        }),
        repaired_text: ix.repaired.iter().take(REPAIRED_LISTED).cloned().collect(),
    }
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
