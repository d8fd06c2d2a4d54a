//! Flow and Bottlenecks pages, their drill-downs, and the filters each workspace remembers.

use baton_core::flow::{self, BottleneckReport, FlowFilter, FlowItems, FlowReport, FlowSelection};
use tauri::{AppHandle, State};

use crate::error::IpcResult;
use crate::state::{update_settings, AppState};

/// The Flow page for a filter.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn flow_report(state: State<'_, AppState>, filter: FlowFilter) -> IpcResult<FlowReport> {
    let ws = state.current().await?;
    Ok(flow::flow_report(&ws, &filter, baton_core::time::now_ms()).await?)
}

/// The Bottlenecks page for a filter.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn flow_bottlenecks(
    state: State<'_, AppState>,
    filter: FlowFilter,
) -> IpcResult<BottleneckReport> {
    let ws = state.current().await?;
    Ok(flow::bottleneck_report(&ws, &filter, baton_core::time::now_ms()).await?)
}

/// The items behind a clicked point or cell.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn flow_items(
    state: State<'_, AppState>,
    filter: FlowFilter,
    selection: FlowSelection,
) -> IpcResult<FlowItems> {
    let ws = state.current().await?;
    Ok(flow::flow_items(&ws, &filter, &selection, baton_core::time::now_ms()).await?)
}

/// The filters last used on the open workspace (defaults when none were saved).
#[tauri::command]
#[specta::specta]
pub async fn flow_filter_get(state: State<'_, AppState>) -> IpcResult<FlowFilter> {
    let ws = state.current().await?;
    let path = ws.path().display().to_string();
    Ok(state
        .settings_snapshot()
        .flow_filters
        .get(&path)
        .cloned()
        .unwrap_or_default())
}

/// Remembers the filters of the open workspace.
#[tauri::command]
#[specta::specta]
pub async fn flow_filter_set(
    app: AppHandle,
    state: State<'_, AppState>,
    filter: FlowFilter,
) -> IpcResult<()> {
    let ws = state.current().await?;
    let path = ws.path().display().to_string();
    update_settings(&app, &state, |s| {
        s.flow_filters.insert(path, filter);
    })
}
