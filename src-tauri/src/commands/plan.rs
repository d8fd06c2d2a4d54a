//! Plans: forecasts from history.

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
