//! Settings → Workflow: what each raw state means.

use baton_core::flow::{self, WorkflowChange, WorkflowRow};
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::error::IpcResult;
use crate::events::{ChangeReason, WorkspaceChanged};
use crate::state::AppState;

/// Every raw state of every source with its meaning.
#[tauri::command]
#[specta::specta]
pub async fn workflow_list(state: State<'_, AppState>) -> IpcResult<Vec<WorkflowRow>> {
    let ws = state.current().await?;
    Ok(flow::workflow_list(&ws).await?)
}

/// Changes what a raw state means; every metric follows, with no resync.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(source = %change.source_id, state = %change.raw_state))]
pub async fn workflow_set(
    app: AppHandle,
    state: State<'_, AppState>,
    change: WorkflowChange,
) -> IpcResult<()> {
    let ws = state.current().await?;
    flow::workflow_set(&ws, &change).await?;
    if let Err(err) = (WorkspaceChanged {
        reason: ChangeReason::Data,
    })
    .emit(&app)
    {
        tracing::warn!(%err, "could not emit workspace_changed");
    }
    Ok(())
}
