//! Governance commands: the violations now (the Governance page), past compliance over a date
//! range, and the policy set (read, save).

use baton_core::governance::{self, GovernanceReport, PolicyCompliance, PolicySet};
use baton_core::time::DAY_MS;
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

/// The Governance page: violations now, per policy, per team, and per week.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn governance_report(state: State<'_, AppState>) -> IpcResult<GovernanceReport> {
    let ws = state.current().await?;
    Ok(governance::governance_report(&ws, baton_core::time::now_ms()).await?)
}

/// Past compliance of each policy over the last `days` days (1 to 3,660), up to now.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn governance_compliance(
    state: State<'_, AppState>,
    days: u32,
) -> IpcResult<Vec<PolicyCompliance>> {
    let ws = state.current().await?;
    let now = baton_core::time::now_ms();
    let days = i64::from(days.clamp(1, 3_660));
    Ok(governance::compliance_report(&ws, now - days * DAY_MS, now, now).await?)
}

/// The workspace's policy set (the defaults while none was saved).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn governance_policies_get(state: State<'_, AppState>) -> IpcResult<PolicySet> {
    let ws = state.current().await?;
    Ok(governance::load(&ws).await?)
}

/// Saves the policy set (checked first); returns it as stored, with versions.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn governance_policies_save(
    state: State<'_, AppState>,
    set: PolicySet,
) -> IpcResult<PolicySet> {
    let ws = state.current().await?;
    Ok(governance::save(&ws, set, baton_core::time::now_ms()).await?)
}
