//! Start-up: which workspace the window opens on.

use std::path::PathBuf;

use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, State};

use crate::commands::workspace::open_demo;
use crate::error::{IpcError, IpcResult};
use crate::state::{install_with, AppState, WorkspaceInfo};

/// What the UI needs to draw its first screen.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StartupState {
    /// The open workspace (None when the one chosen at start could not be opened).
    pub workspace: Option<WorkspaceInfo>,
    /// Why the workspace chosen at start could not be opened.
    pub open_error: Option<IpcError>,
    /// Set when the settings file was damaged and the app started on defaults.
    pub settings_notice: Option<String>,
}

/// Opens, once, the workspace named on the command line, else the last one, else the demo;
/// later calls (a reload of the UI) return what is open.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn app_startup(app: AppHandle, state: State<'_, AppState>) -> IpcResult<StartupState> {
    let mut started = state.started.lock().await;
    if !*started {
        *started = true;
        let chosen: Option<PathBuf> = state
            .cli_workspace
            .clone()
            .or_else(|| state.settings_snapshot().last_workspace.map(PathBuf::from));
        let opened = match chosen {
            Some(path) if path == state.demo_path() => open_demo(&state).await,
            Some(path) => baton_core::graph::Workspace::open(&path)
                .await
                .map_err(IpcError::from),
            None => open_demo(&state).await,
        };
        match opened {
            Ok(ws) => {
                // The UI asked and is waiting for the answer: no change event needed.
                install_with(&app, &state, ws, false).await?;
            }
            Err(err) => {
                if let Ok(mut slot) = state.startup_error.lock() {
                    *slot = Some(err);
                }
            }
        }
    }
    drop(started);
    let workspace = state
        .workspace
        .read()
        .await
        .as_ref()
        .map(|ws| state.info(ws));
    Ok(StartupState {
        workspace,
        open_error: state.startup_error.lock().ok().and_then(|e| e.clone()),
        settings_notice: state.settings_notice.clone(),
    })
}
