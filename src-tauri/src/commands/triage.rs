//! Triage commands: the worklist, decisions (record, take back, list), the thresholds, the AI /
//! human comparison, and this machine's Triage settings (notifications, the decider's name).

use baton_core::decisions::{self, DecisionView};
use baton_core::flow::FlowFilter;
use baton_core::triage::{self, AiComparison, Thresholds, TriageDecision, TriageList, TriageQuery};
use baton_core::ErrorCode;
use tauri::{AppHandle, State};

use crate::error::{IpcError, IpcResult};
use crate::settings::TriageSettings;
use crate::state::{update_settings, AppState};

/// Who decides on this machine: the name in the settings, else the login name.
pub(crate) fn actor(state: &AppState) -> String {
    let name = state.settings_snapshot().triage.name;
    if name.trim().is_empty() {
        triage::local_actor()
    } else {
        name.trim().to_owned()
    }
}

async fn recorded(ws: &baton_core::graph::Workspace, id: &str) -> IpcResult<DecisionView> {
    decisions::decisions_list(ws, None)
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| {
            IpcError::new(
                ErrorCode::Internal,
                format!("decision {id} was not recorded"),
            )
        })
}

/// The worklist.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn triage_list(state: State<'_, AppState>, query: TriageQuery) -> IpcResult<TriageList> {
    let ws = state.current().await?;
    Ok(triage::triage_list(&ws, &query, baton_core::time::now_ms()).await?)
}

/// Records a decision about an item; returns it (with its id, for undo).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(item = %decision.item_id))]
pub async fn triage_decide(
    state: State<'_, AppState>,
    decision: TriageDecision,
) -> IpcResult<DecisionView> {
    let ws = state.current().await?;
    let id =
        triage::triage_decide(&ws, &decision, &actor(&state), baton_core::time::now_ms()).await?;
    recorded(&ws, &id).await
}

/// Takes back a decision (undo); returns the decision that does so.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(decision = %decision_id))]
pub async fn triage_undo(
    state: State<'_, AppState>,
    decision_id: String,
    why: String,
) -> IpcResult<DecisionView> {
    let ws = state.current().await?;
    let id = decisions::revoke(
        &ws,
        &decision_id,
        &actor(&state),
        &why,
        baton_core::time::now_ms(),
    )
    .await?;
    recorded(&ws, &id).await
}

/// Every decision (or an item's), oldest first: the export.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn decisions_list(
    state: State<'_, AppState>,
    item_id: Option<String>,
) -> IpcResult<Vec<DecisionView>> {
    let ws = state.current().await?;
    Ok(decisions::decisions_list(&ws, item_id.as_deref()).await?)
}

/// The thresholds in force.
#[tauri::command]
#[specta::specta]
pub async fn triage_thresholds_get(state: State<'_, AppState>) -> IpcResult<Thresholds> {
    let ws = state.current().await?;
    Ok(triage::thresholds_get(&ws).await?)
}

/// Records new thresholds (a decision, with who and why).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn triage_thresholds_set(
    state: State<'_, AppState>,
    thresholds: Thresholds,
    why: String,
) -> IpcResult<Thresholds> {
    let ws = state.current().await?;
    triage::thresholds_set(
        &ws,
        &thresholds,
        &actor(&state),
        &why,
        baton_core::time::now_ms(),
    )
    .await?;
    Ok(thresholds)
}

/// AI-made work compared with people's, on the Flow page's filters.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn triage_compare(
    state: State<'_, AppState>,
    filter: FlowFilter,
) -> IpcResult<AiComparison> {
    let ws = state.current().await?;
    Ok(triage::ai_comparison(&ws, &filter, baton_core::time::now_ms()).await?)
}

/// This machine's Triage settings.
#[tauri::command]
#[specta::specta]
pub async fn triage_settings_get(state: State<'_, AppState>) -> IpcResult<TriageSettings> {
    Ok(state.settings_snapshot().triage)
}

/// Changes this machine's Triage settings (which reasons notify, the decider's name).
#[tauri::command]
#[specta::specta]
pub async fn triage_settings_set(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: TriageSettings,
) -> IpcResult<TriageSettings> {
    if settings.name.chars().count() > 120 {
        return Err(IpcError::new(
            ErrorCode::Invalid,
            "a name is at most 120 characters",
        ));
    }
    let mut settings = settings;
    settings.notify.sort();
    settings.notify.dedup();
    let saved = settings.clone();
    update_settings(&app, &state, |s| s.triage = settings)?;
    Ok(saved)
}
