//! Conflicting changes commands: every conflict of the workspace with who changes whose code,
//! and what one change touches with its conflicts (the item drawer).

use baton_core::conflicts::live::{self, ChangeConflictsReport, ItemChanges};
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
