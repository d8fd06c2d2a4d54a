//! The workflow map as the Settings → Workflow screen shows and edits it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{CoreError, CoreResult};
use crate::graph::index::EventKind;
use crate::graph::model::{FlowState, ItemKind, SourceKind, WaitReason, WorkflowMap};
use crate::graph::repo;
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};

use super::mapping::{project_of, Mapping, Origin};

/// Where a mapping comes from, as the screen labels it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MappingOrigin {
    /// Set by a person.
    User,
    /// Seeded by the connector (from the source's status categories) or the demo.
    Seeded,
    /// Inferred from the state's name.
    Inferred,
    /// Not mapped: items passing through it are left out of the flow metrics.
    Unmapped,
}

/// One raw state of one source (or its override for one team, one kind of item, or both).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowRow {
    pub source_id: String,
    pub source_name: String,
    pub source_kind: SourceKind,
    /// Empty for the mapping every team uses; a team id for a team's own mapping.
    pub team_id: String,
    pub team_name: Option<String>,
    /// None for the mapping every kind of item uses; a kind for that kind's own mapping (an
    /// open pull request waits for review, an open issue is not started).
    pub item_kind: Option<ItemKind>,
    /// Empty for the mapping every project uses; a Jira project key for that project's own
    /// mapping (a status whose name means different things in different projects).
    pub scope: String,
    pub raw_state: String,
    pub flow_state: Option<FlowState>,
    pub wait_reason: Option<WaitReason>,
    pub origin: MappingOrigin,
    /// Items whose current state this is.
    pub items_now: u32,
    /// Recorded changes into this state.
    pub transitions: u32,
}

/// Every raw state of every source with its meaning, by source then state name.
pub async fn workflow_list(ws: &Workspace) -> CoreResult<Vec<WorkflowRow>> {
    let ix = ws.index().await?;
    let rows = repo::workflow_maps::list(ws.pool()).await?;
    let mapping = Mapping::build(&ix, &rows);
    let mut now = vec![0u32; ix.states.len()];
    for item in &ix.items {
        if let Some(n) = now.get_mut(item.current_state as usize) {
            *n += 1;
        }
    }
    let mut into = vec![0u32; ix.states.len()];
    for e in &ix.events {
        if e.kind() == EventKind::State {
            if let Some(n) = into.get_mut(e.code() as usize) {
                *n += 1;
            }
        }
    }
    let mut out: Vec<WorkflowRow> = ix
        .states
        .iter()
        .enumerate()
        .map(|(k, key)| {
            let source = ix.sources.get(key.source as usize);
            let meaning = mapping.shared(k as u32);
            WorkflowRow {
                source_id: source.map(|s| s.id.clone()).unwrap_or_default(),
                source_name: source.map(|s| s.name.clone()).unwrap_or_default(),
                source_kind: source.map_or(SourceKind::File, |s| s.kind),
                team_id: String::new(),
                team_name: None,
                item_kind: None,
                scope: String::new(),
                raw_state: key.raw.clone(),
                flow_state: meaning.map(|m| m.0),
                wait_reason: meaning.and_then(|m| m.1),
                origin: match mapping.origin(k as u32) {
                    Origin::User => MappingOrigin::User,
                    Origin::Seeded => MappingOrigin::Seeded,
                    Origin::Inferred => MappingOrigin::Inferred,
                    Origin::Unmapped => MappingOrigin::Unmapped,
                },
                items_now: now[k],
                transitions: into[k],
            }
        })
        .collect();
    let team_names: HashMap<&str, &str> = ix
        .teams
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect();
    let state_of: HashMap<(&str, &str), u32> = ix
        .states
        .iter()
        .enumerate()
        .filter_map(|(k, key)| {
            ix.sources
                .get(key.source as usize)
                .map(|s| ((s.id.as_str(), key.raw.as_str()), k as u32))
        })
        .collect();
    for row in rows
        .iter()
        .filter(|r| !r.team_id.is_empty() || r.item_kind.is_some() || !r.scope.is_empty())
    {
        let source = ix.sources.iter().find(|s| s.id == row.source_id);
        let team = if row.team_id.is_empty() {
            None
        } else {
            match ix.teams.iter().position(|t| t.id == row.team_id) {
                Some(t) => Some(t as u32),
                None => continue,
            }
        };
        let state = state_of
            .get(&(row.source_id.as_str(), row.raw_state.as_str()))
            .copied();
        // The override's own counts: the items it applies to now in the state, and their changes
        // into it.
        let (mut items_now, mut transitions) = (0u32, 0u32);
        if let Some(state) = state {
            for (i, item) in ix.items.iter().enumerate().filter(|(i, it)| {
                team.is_none_or(|t| it.team == t)
                    && row.item_kind.is_none_or(|k| it.kind == k)
                    && (row.scope.is_empty() || project_of(&ix.item_keys[*i]) == row.scope)
            }) {
                items_now += u32::from(item.current_state == state);
                transitions += ix
                    .events_of(i)
                    .iter()
                    .filter(|e| e.kind() == EventKind::State && e.code() == state)
                    .count() as u32;
            }
        }
        out.push(WorkflowRow {
            source_id: row.source_id.clone(),
            source_name: source.map(|s| s.name.clone()).unwrap_or_default(),
            source_kind: source.map_or(SourceKind::File, |s| s.kind),
            team_id: row.team_id.clone(),
            team_name: team_names.get(row.team_id.as_str()).map(|s| s.to_string()),
            item_kind: row.item_kind,
            scope: row.scope.clone(),
            raw_state: row.raw_state.clone(),
            flow_state: Some(row.flow_state),
            wait_reason: row.wait_reason,
            origin: if row.origin == "user" {
                MappingOrigin::User
            } else {
                MappingOrigin::Seeded
            },
            items_now,
            transitions,
        });
    }
    out.sort_by(|a, b| {
        let kind = |r: &WorkflowRow| r.item_kind.map_or("", ItemKind::as_str);
        (&a.source_name, &a.raw_state, kind(a), &a.scope, &a.team_id).cmp(&(
            &b.source_name,
            &b.raw_state,
            kind(b),
            &b.scope,
            &b.team_id,
        ))
    });
    Ok(out)
}

/// A change to the workflow map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowChange {
    pub source_id: String,
    /// Empty to change the mapping of every team; a team id for that team's own mapping.
    pub team_id: String,
    /// None to change the mapping of every kind of item; a kind for that kind's own mapping.
    #[serde(default)]
    pub item_kind: Option<ItemKind>,
    /// Empty to change the mapping of every project; a Jira project key for that project's own
    /// mapping.
    #[serde(default)]
    pub scope: String,
    pub raw_state: String,
    /// None removes a team's, a kind's or a project's own mapping (it falls back to the shared
    /// one).
    pub flow_state: Option<FlowState>,
    /// Only for waiting states.
    pub wait_reason: Option<WaitReason>,
}

/// Applies a change made by a person, and brings the items' stored current state in line. The
/// metrics re-derive from the stored transitions on the next question; nothing is refetched.
pub async fn workflow_set(ws: &Workspace, change: &WorkflowChange) -> CoreResult<()> {
    if change.flow_state.is_none()
        && change.team_id.is_empty()
        && change.item_kind.is_none()
        && change.scope.is_empty()
    {
        return Err(CoreError::Invalid(
            "choose a flow state (only a team's, a kind's or a project's own mapping can be removed)"
                .into(),
        ));
    }
    if !change.scope.is_empty() && (!change.team_id.is_empty() || change.item_kind.is_some()) {
        return Err(CoreError::Invalid(
            "a project's own mapping is of every team and every kind of item".into(),
        ));
    }
    if change.wait_reason.is_some() && change.flow_state != Some(FlowState::Waiting) {
        return Err(CoreError::Invalid(
            "a wait reason applies to waiting states only".into(),
        ));
    }
    ws.write(SetWorkflow(change)).await?;
    Ok(())
}

/// The write of [`workflow_set`].
struct SetWorkflow<'a>(&'a WorkflowChange);

impl WriteOp for SetWorkflow<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<()> {
        let change = self.0;
        match change.flow_state {
            Some(flow) => {
                repo::workflow_maps::upsert_many(
                    w.conn(),
                    &[WorkflowMap {
                        source_id: change.source_id.clone(),
                        team_id: change.team_id.clone(),
                        item_kind: change.item_kind,
                        scope: change.scope.clone(),
                        raw_state: change.raw_state.clone(),
                        flow_state: flow,
                        wait_reason: change.wait_reason,
                        origin: "user".into(),
                    }],
                )
                .await?;
            }
            None => {
                repo::workflow_maps::delete(
                    w.conn(),
                    &change.source_id,
                    &change.team_id,
                    change.item_kind,
                    &change.scope,
                    &change.raw_state,
                )
                .await?;
            }
        }
        repo::items::remap_current_state(w.conn(), &change.source_id, &change.raw_state).await?;
        w.changed(ChangeKind::Workflow);
        w.all_items_changed();
        Ok(())
    }
}
