//! Plans: forecasts from history, scenarios and their comparison with the baseline.

use baton_core::plan::compare::{self, CompareSpec, Comparison};
use baton_core::plan::scenario::{self, Scenario, ScenarioInput};
use baton_core::plan::session::{self, MergeReport, PlanSession, SessionStatus};
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

/// Whether the open workspace is a planning session's frozen copy, and the sessions started
/// from it.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn plan_session_status(state: State<'_, AppState>) -> IpcResult<SessionStatus> {
    let ws = state.current().await?;
    Ok(session::status(&ws).await?)
}

/// Starts a planning session: a frozen copy of the open workspace (the UI opens it next).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn plan_session_start(
    state: State<'_, AppState>,
    name: String,
) -> IpcResult<PlanSession> {
    let ws = state.current().await?;
    let actor = crate::commands::triage::actor(&state);
    Ok(session::start(&ws, &name, &actor, baton_core::time::now_ms()).await?)
}

/// Merges the open session copy's scenarios and decisions back into the live workspace it was
/// copied from.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn plan_session_merge(state: State<'_, AppState>) -> IpcResult<MergeReport> {
    let ws = state.current().await?;
    let status = session::status(&ws).await?;
    let Some(this) = status.this_session else {
        return Err(baton_core::CoreError::Invalid(
            "the open workspace is not a planning session's copy".into(),
        )
        .into());
    };
    let actor = crate::commands::triage::actor(&state);
    let live = baton_core::graph::Workspace::open(std::path::Path::new(&this.source)).await?;
    let report = session::merge(&live, ws.path(), &actor, baton_core::time::now_ms()).await;
    live.close().await;
    Ok(report?)
}
