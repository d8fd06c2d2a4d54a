//! Rule commands: the team assignment rules (repository, project, component or label → team)
//! and the provenance rules (bot logins, `Co-authored-by` trailers, labels → AI agent or
//! automation, with a confidence). Both apply from the next sync on.

use baton_core::graph::model::Provenance;
use baton_core::graph::repo::{self, provenance_rules::ProvenanceRule, team_rules::TeamRule};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// A team rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamRuleDto {
    /// Empty when saving a new rule.
    pub id: String,
    /// None: every source.
    pub source_id: Option<String>,
    /// `repo`, `project`, `component` or `label`.
    pub field: String,
    /// Case-insensitive; `*` matches anything (`acme/pay*`).
    pub pattern: String,
    pub team_id: String,
    /// Lower runs first.
    pub priority: i32,
}

/// A provenance rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProvenanceRuleDto {
    /// Empty when saving a new rule.
    pub id: String,
    /// `bot_login`, `co_author` or `label`.
    pub signal: String,
    pub pattern: String,
    pub provenance: Provenance,
    pub agent: Option<String>,
    /// 0..1.
    pub confidence: f64,
    /// Shipped with Baton (editable all the same).
    pub builtin: bool,
}

/// Both rule lists.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RulesDto {
    pub team: Vec<TeamRuleDto>,
    pub provenance: Vec<ProvenanceRuleDto>,
}

fn db(err: sqlx::Error) -> IpcError {
    IpcError::from(baton_core::CoreError::from(err))
}

fn new_id(prefix: &str) -> String {
    baton_core::sync::new_id(prefix, baton_core::time::now_ms())
}

/// Every rule.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn rules_list(state: State<'_, AppState>) -> IpcResult<RulesDto> {
    let ws = state.current().await?;
    let team = repo::team_rules::list(ws.pool()).await.map_err(db)?;
    let provenance = repo::provenance_rules::list(ws.pool()).await.map_err(db)?;
    Ok(RulesDto {
        team: team
            .into_iter()
            .map(|r| TeamRuleDto {
                id: r.id,
                source_id: r.source_id,
                field: r.field,
                pattern: r.pattern,
                team_id: r.team_id,
                priority: r.priority as i32,
            })
            .collect(),
        provenance: provenance
            .into_iter()
            .map(|r| ProvenanceRuleDto {
                id: r.id,
                signal: r.signal,
                pattern: r.pattern,
                provenance: r.provenance,
                agent: r.agent,
                confidence: r.confidence,
                builtin: r.builtin,
            })
            .collect(),
    })
}

/// Adds or changes a team rule; returns its id.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn rules_save_team_rule(
    state: State<'_, AppState>,
    rule: TeamRuleDto,
) -> IpcResult<String> {
    if !matches!(
        rule.field.as_str(),
        "repo" | "project" | "component" | "label"
    ) {
        return Err(IpcError::new(
            "invalid",
            "a team rule matches a repo, project, component or label",
        ));
    }
    if rule.pattern.trim().is_empty() {
        return Err(IpcError::new("invalid", "a team rule needs a pattern"));
    }
    let ws = state.current().await?;
    if !baton_core::query::team_exists(&ws, &rule.team_id).await? {
        return Err(IpcError::new(
            "invalid",
            format!("there is no team {}; create it first", rule.team_id),
        ));
    }
    let id = if rule.id.is_empty() {
        new_id("team-rule")
    } else {
        rule.id.clone()
    };
    let row = TeamRule {
        id: id.clone(),
        source_id: rule.source_id,
        field: rule.field,
        pattern: rule.pattern.trim().to_owned(),
        team_id: rule.team_id,
        priority: i64::from(rule.priority),
    };
    repo::team_rules::upsert(ws.pool(), &row)
        .await
        .map_err(db)?;
    ws.mark_changed();
    Ok(id)
}

/// Deletes a team rule.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn rules_delete_team_rule(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    let ws = state.current().await?;
    repo::team_rules::delete(ws.pool(), &id).await.map_err(db)?;
    ws.mark_changed();
    Ok(())
}

/// Adds or changes a provenance rule; returns its id.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn rules_save_provenance_rule(
    state: State<'_, AppState>,
    rule: ProvenanceRuleDto,
) -> IpcResult<String> {
    if !matches!(rule.signal.as_str(), "bot_login" | "co_author" | "label") {
        return Err(IpcError::new(
            "invalid",
            "a provenance rule reads a bot login, a co-author trailer or a label",
        ));
    }
    if !(0.0..=1.0).contains(&rule.confidence) || rule.pattern.trim().is_empty() {
        return Err(IpcError::new(
            "invalid",
            "a provenance rule needs a pattern and a confidence between 0 and 1",
        ));
    }
    let ws = state.current().await?;
    let id = if rule.id.is_empty() {
        new_id("provenance-rule")
    } else {
        rule.id.clone()
    };
    let row = ProvenanceRule {
        id: id.clone(),
        signal: rule.signal,
        pattern: rule.pattern.trim().to_owned(),
        provenance: rule.provenance,
        agent: rule.agent,
        confidence: rule.confidence,
        builtin: rule.builtin,
    };
    repo::provenance_rules::upsert(ws.pool(), &row)
        .await
        .map_err(db)?;
    ws.mark_changed();
    Ok(id)
}

/// Deletes a provenance rule.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn rules_delete_provenance_rule(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    let ws = state.current().await?;
    repo::provenance_rules::delete(ws.pool(), &id)
        .await
        .map_err(db)?;
    ws.mark_changed();
    Ok(())
}

/// Every team (with its item count), including teams without items yet.
#[tauri::command]
#[specta::specta]
pub async fn teams_list(state: State<'_, AppState>) -> IpcResult<Vec<baton_core::query::TeamInfo>> {
    let ws = state.current().await?;
    Ok(baton_core::query::teams_list(&ws).await?)
}

/// Creates a team, for team rules to assign items to.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn teams_create(
    state: State<'_, AppState>,
    name: String,
) -> IpcResult<baton_core::query::TeamInfo> {
    let ws = state.current().await?;
    Ok(baton_core::query::teams_create(&ws, &name).await?)
}
