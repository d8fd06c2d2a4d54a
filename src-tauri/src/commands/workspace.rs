//! Workspace commands: open, create, the demo, the summary.

use baton_core::ErrorCode;
use std::path::PathBuf;

use baton_core::demo::{self, DemoOptions};
use baton_core::graph::Workspace;
use baton_core::query::{self, WorkspaceSummary};
use serde::Deserialize;
use specta::Type;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{IpcError, IpcResult};
use crate::state::{install, AppState, WorkspaceInfo};

/// What a file dialog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PickPurpose {
    /// Choose an existing workspace.
    Open,
    /// Choose where to create a new one.
    Create,
}

fn checked_path(path: &str) -> IpcResult<PathBuf> {
    let trimmed = path.trim();
    if trimmed.is_empty() {
        return Err(IpcError::new(ErrorCode::Invalid, "no file was given"));
    }
    Ok(PathBuf::from(trimmed))
}

/// The open workspace, if any.
#[tauri::command]
#[specta::specta]
pub async fn workspace_current(state: State<'_, AppState>) -> IpcResult<Option<WorkspaceInfo>> {
    Ok(state
        .workspace
        .read()
        .await
        .as_ref()
        .map(|ws| state.info(ws)))
}

/// Opens an existing workspace file. A file that is not a workspace, is damaged or comes from
/// a newer Baton is refused with a clear message and left untouched.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(path = %path))]
pub async fn workspace_open(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
) -> IpcResult<WorkspaceInfo> {
    let path = checked_path(&path)?;
    let ws = if path == state.demo_path() {
        open_demo(&state).await?
    } else {
        Workspace::open(&path).await?
    };
    install(&app, &state, ws).await
}

/// Creates a new, empty workspace and opens it.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(path = %path))]
pub async fn workspace_create(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
) -> IpcResult<WorkspaceInfo> {
    let mut path = checked_path(&path)?;
    if path.extension().is_none() {
        path.set_extension(baton_core::graph::store::EXTENSION);
    }
    let ws = Workspace::create(&path).await?;
    install(&app, &state, ws).await
}

/// Opens the demo organisation, generating it on first use.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn workspace_open_demo(
    app: AppHandle,
    state: State<'_, AppState>,
) -> IpcResult<WorkspaceInfo> {
    let ws = open_demo(&state).await?;
    install(&app, &state, ws).await
}

/// Opens the demo file, (re)building it when it is missing or unreadable: it holds no user data
/// that cannot be generated again.
pub async fn open_demo(state: &AppState) -> IpcResult<Workspace> {
    let path = state.demo_path();
    if let Some(open) = state
        .workspace
        .read()
        .await
        .as_ref()
        .filter(|ws| ws.path() == path)
    {
        return Ok(open.clone());
    }
    if path.exists() {
        match Workspace::open(&path).await {
            Ok(ws) => return Ok(ws),
            Err(err) => {
                tracing::warn!(%err, "demo workspace unreadable; building it again");
                for suffix in ["", "-wal", "-shm"] {
                    let file = PathBuf::from(format!("{}{suffix}", path.display()));
                    if file.exists() {
                        std::fs::remove_file(&file)
                            .map_err(|e| IpcError::new(ErrorCode::Io, e.to_string()))?;
                    }
                }
            }
        }
    }
    let options = DemoOptions {
        items: demo::DEFAULT_ITEMS,
        seed: demo::DEFAULT_SEED,
        end: baton_core::time::now_ms(),
    };
    Ok(demo::build(&path, &options).await?)
}

/// Shows the system file dialog; returns the chosen path, or None when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn workspace_pick_file(
    app: AppHandle,
    purpose: PickPurpose,
) -> IpcResult<Option<String>> {
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let dialog = app
            .dialog()
            .file()
            .add_filter("Baton workspace", &[baton_core::graph::store::EXTENSION]);
        match purpose {
            PickPurpose::Open => dialog
                .set_title("Open a Baton workspace")
                .blocking_pick_file(),
            PickPurpose::Create => dialog
                .set_title("Create a Baton workspace")
                .set_file_name("workspace.baton")
                .blocking_save_file(),
        }
    })
    .await
    .map_err(|err| IpcError::new(ErrorCode::Internal, err.to_string()))?;
    Ok(picked.map(|p| p.to_string()))
}

/// The summary the Overview shows.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn workspace_summary(state: State<'_, AppState>) -> IpcResult<WorkspaceSummary> {
    let ws = state.current().await?;
    Ok(query::workspace_summary(&ws).await?)
}

/// Every goal, initiative and milestone, with how many items each covers.
#[tauri::command]
#[specta::specta]
pub async fn intents_list(state: State<'_, AppState>) -> IpcResult<Vec<query::IntentInfo>> {
    let ws = state.current().await?;
    Ok(query::intents_list(&ws).await?)
}
