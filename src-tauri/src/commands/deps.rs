//! Dependencies page: who blocks whom, chains, cycles, risks, handoffs, the item graph, and the
//! critical path.

use baton_core::deps::{
    self, Attention, AttentionItems, AttentionList, CriticalPath, DepsFilter, DepsReport,
    GraphRequest, GraphView, Target,
};
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

/// Every dependency analysis.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn deps_report(state: State<'_, AppState>, filter: DepsFilter) -> IpcResult<DepsReport> {
    let ws = state.current().await?;
    Ok(deps::deps_report(&ws, &filter, baton_core::time::now_ms()).await?)
}

/// The item graph to draw (a neighbourhood, or the open blocking graph).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn deps_graph(state: State<'_, AppState>, request: GraphRequest) -> IpcResult<GraphView> {
    let ws = state.current().await?;
    Ok(deps::deps_graph(&ws, &request, baton_core::time::now_ms()).await?)
}

/// The critical path to an item or intent, with P50 and P85 finish dates.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn deps_critical_path(
    state: State<'_, AppState>,
    target: Target,
) -> IpcResult<CriticalPath> {
    let ws = state.current().await?;
    Ok(deps::deps_critical_path(&ws, &target, baton_core::time::now_ms()).await?)
}

/// Where work is stuck now: what the Overview leads with.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn overview_attention(state: State<'_, AppState>) -> IpcResult<Attention> {
    let ws = state.current().await?;
    Ok(deps::attention(&ws, baton_core::time::now_ms()).await?)
}

/// The items behind one of the Overview's "where work is stuck" counts.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn overview_attention_items(
    state: State<'_, AppState>,
    list: AttentionList,
) -> IpcResult<AttentionItems> {
    let ws = state.current().await?;
    Ok(deps::attention_items(&ws, list, baton_core::time::now_ms()).await?)
}
