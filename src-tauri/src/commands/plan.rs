//! Plans: forecasts from history, scenarios and their comparison with the baseline.

use baton_core::plan::compare::{self, CompareSpec, Comparison};
use baton_core::plan::scenario::{self, Scenario, ScenarioInput};
use baton_core::plan::{self, Forecast, ForecastSpec};
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

/// A Monte Carlo forecast ("when will it be done?" or "how many by this date?") for a filtered
/// set or an intent, with its backtest.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn plan_forecast(state: State<'_, AppState>, spec: ForecastSpec) -> IpcResult<Forecast> {
    let ws = state.current().await?;
    Ok(plan::forecast(&ws, &spec, baton_core::time::now_ms()).await?)
}

/// Every scenario of the workspace, by name.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn plan_scenarios_list(state: State<'_, AppState>) -> IpcResult<Vec<Scenario>> {
    let ws = state.current().await?;
    Ok(scenario::list(&ws).await?)
}

/// Creates a scenario (no id) or saves over one (refused when someone saved in between).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn plan_scenario_save(
    state: State<'_, AppState>,
    input: ScenarioInput,
) -> IpcResult<Scenario> {
    let ws = state.current().await?;
    let actor = crate::commands::triage::actor(&state);
    Ok(scenario::save(&ws, input, &actor, baton_core::time::now_ms()).await?)
}

/// Removes a scenario.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn plan_scenario_delete(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    let ws = state.current().await?;
    Ok(scenario::delete(&ws, &id).await?)
}

/// The baseline and the chosen scenarios side by side.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn plan_compare(state: State<'_, AppState>, spec: CompareSpec) -> IpcResult<Comparison> {
    let ws = state.current().await?;
    Ok(compare::compare(&ws, &spec, baton_core::time::now_ms()).await?)
}
