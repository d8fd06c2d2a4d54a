//! Rule commands: the team assignment rules and the provenance rules (see
//! `baton_core::rules`). Saving a rule changes no stored item: `rules_rederive_preview` says how
//! many items the rules now move, and `rules_rederive_apply` moves them (derived again from their
//! raw records, see `baton_core::sync::rederive`); later syncs map with the rules as they are.

use baton_core::query::TeamInfo;
use baton_core::rules::{self, ProvenanceRuleView, RulesView, TeamRuleView};
use baton_core::sync::rederive::{self, RederiveReport};
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

/// Every rule.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn rules_list(state: State<'_, AppState>) -> IpcResult<RulesView> {
    Ok(rules::rules_list(&state.current().await?).await?)
}

/// Adds or changes a team rule; returns its id.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn rules_save_team_rule(
    state: State<'_, AppState>,
    rule: TeamRuleView,
) -> IpcResult<String> {
    Ok(rules::team_rule_save(&state.current().await?, &rule).await?)
}

/// Deletes a team rule.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn rules_delete_team_rule(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    Ok(rules::team_rule_delete(&state.current().await?, &id).await?)
}

/// Adds or changes a provenance rule; returns its id.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn rules_save_provenance_rule(
    state: State<'_, AppState>,
    rule: ProvenanceRuleView,
) -> IpcResult<String> {
    Ok(rules::provenance_rule_save(&state.current().await?, &rule).await?)
}

/// Deletes a provenance rule.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn rules_delete_provenance_rule(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    Ok(rules::provenance_rule_delete(&state.current().await?, &id).await?)
}

/// Every team (with its item count), including teams without items yet.
#[tauri::command]
#[specta::specta]
pub async fn teams_list(state: State<'_, AppState>) -> IpcResult<Vec<TeamInfo>> {
    Ok(baton_core::query::teams_list(&state.current().await?).await?)
}

/// Creates a team, for team rules to assign items to.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn teams_create(state: State<'_, AppState>, name: String) -> IpcResult<TeamInfo> {
    Ok(baton_core::query::teams_create(&state.current().await?, &name).await?)
}

/// How many items, and which, the current rules would move if every synced item were derived
/// again from its raw record (nothing is written).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn rules_rederive_preview(state: State<'_, AppState>) -> IpcResult<RederiveReport> {
    Ok(rederive::preview(&state.current().await?).await?)
}

/// Derives every synced item again under the current rules and writes what changed.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn rules_rederive_apply(state: State<'_, AppState>) -> IpcResult<RederiveReport> {
    Ok(rederive::apply(&state.current().await?).await?)
}
