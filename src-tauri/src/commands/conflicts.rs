//! Conflicting changes commands: every conflict of the workspace with who changes whose code,
//! what one change touches with its conflicts (the item drawer), who changes whose code over a
//! window (the Dependencies page), people's owner rules and sensitive paths (Settings), and an
//! answer to a conflict (acknowledged or dismissed).

use baton_core::conflicts::answers::{self, ConflictAnswerInput};
use baton_core::conflicts::live::{self, ChangeConflictsReport, ItemChanges};
use baton_core::conflicts::rules::{self, ConflictRulesView, SensitivePathRule};
use baton_core::conflicts::touches::{self, TouchPulls, TouchesQuery, TouchesReport};
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

/// Every conflict of open changes, and who changes whose code.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn conflicts_report(state: State<'_, AppState>) -> IpcResult<ChangeConflictsReport> {
    let ws = state.current().await?;
    Ok(live::compute(&ws).await?)
}

/// The files one item touches (with their owners) and its conflicts.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(item = %item_id))]
pub async fn conflicts_item(state: State<'_, AppState>, item_id: String) -> IpcResult<ItemChanges> {
    let ws = state.current().await?;
    Ok(live::item_changes(&ws, &item_id).await?)
}

/// Who changes whose code over a window and the Dependencies page's filters.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn conflicts_touches(
    state: State<'_, AppState>,
    query: TouchesQuery,
) -> IpcResult<TouchesReport> {
    let ws = state.current().await?;
    Ok(touches::report(&ws, &query, baton_core::time::now_ms()).await?)
}

/// The pull requests behind one team → team pair of [`conflicts_touches`].
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(from = %from_team_id, to = %to_team_id))]
pub async fn conflicts_touch_pulls(
    state: State<'_, AppState>,
    query: TouchesQuery,
    from_team_id: String,
    to_team_id: String,
) -> IpcResult<TouchPulls> {
    let ws = state.current().await?;
    Ok(touches::pulls(
        &ws,
        &query,
        &from_team_id,
        &to_team_id,
        baton_core::time::now_ms(),
    )
    .await?)
}

/// The owner → team rules, the sensitive paths and the owners the CODEOWNERS files name.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn conflicts_rules(state: State<'_, AppState>) -> IpcResult<ConflictRulesView> {
    let ws = state.current().await?;
    Ok(rules::view(&ws).await?)
}

/// Maps a CODEOWNERS owner to a team (`teamId` null: removes its rule); answers the rules.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn conflicts_set_owner_rule(
    state: State<'_, AppState>,
    owner: String,
    team_id: Option<String>,
) -> IpcResult<ConflictRulesView> {
    let ws = state.current().await?;
    let actor = crate::commands::triage::actor(&state);
    rules::set_owner_rule(
        &ws,
        &owner,
        team_id.as_deref(),
        &actor,
        baton_core::time::now_ms(),
    )
    .await?;
    Ok(rules::view(&ws).await?)
}

/// Replaces the sensitive paths (an empty list: none is sensitive); answers the rules.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(paths = paths.len()))]
pub async fn conflicts_set_sensitive_paths(
    state: State<'_, AppState>,
    paths: Vec<SensitivePathRule>,
) -> IpcResult<ConflictRulesView> {
    let ws = state.current().await?;
    let actor = crate::commands::triage::actor(&state);
    rules::set_sensitive_paths(&ws, &paths, &actor, baton_core::time::now_ms()).await?;
    Ok(rules::view(&ws).await?)
}

/// Acknowledges or dismisses one flagged conflict (a decision); returns the decision's id.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(item = %answer.item))]
pub async fn conflicts_answer(
    state: State<'_, AppState>,
    answer: ConflictAnswerInput,
) -> IpcResult<String> {
    let ws = state.current().await?;
    let actor = crate::commands::triage::actor(&state);
    Ok(answers::answer(&ws, &answer, &actor, baton_core::time::now_ms()).await?)
}
