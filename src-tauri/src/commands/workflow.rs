//! Settings → Workflow: what each raw state means.

use baton_core::flow::{self, WorkflowChange, WorkflowRow};
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

/// Every raw state of every source with its meaning.
#[tauri::command]
#[specta::specta]
pub async fn workflow_list(state: State<'_, AppState>) -> IpcResult<Vec<WorkflowRow>> {
    Ok(flow::workflow_list(&state.current().await?).await?)
}

/// Changes what a raw state means; every metric follows, with no resync.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(source = %change.source_id, state = %change.raw_state))]
pub async fn workflow_set(state: State<'_, AppState>, change: WorkflowChange) -> IpcResult<()> {
    Ok(flow::workflow_set(&state.current().await?, &change).await?)
}
