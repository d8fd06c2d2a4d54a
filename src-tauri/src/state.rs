//! What the shell keeps while the app runs: the open workspace and the settings.

use baton_core::ErrorCode;
use std::path::{Path, PathBuf};

use baton_core::graph::Workspace;
use baton_core::sync::runtime::Pollers;
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_store::StoreExt;
use tauri_specta::Event;

use crate::error::{IpcError, IpcResult};
use crate::events::WorkspaceChanged;
use crate::settings::{Settings, STORE_FILE, STORE_KEY};

/// The shell's state, managed by Tauri.
pub struct AppState {
    pub workspace: tokio::sync::RwLock<Option<Workspace>>,
    pub settings: std::sync::Mutex<Settings>,
    /// Set when the settings file was damaged at start.
    pub settings_notice: Option<String>,
    /// Why the workspace chosen at start could not be opened (cleared once one opens).
    pub startup_error: std::sync::Mutex<Option<IpcError>>,
    /// Whether the start-up open was attempted.
    pub started: tokio::sync::Mutex<bool>,
    /// A workspace named on the command line, opened at start instead of the last one.
    pub cli_workspace: Option<PathBuf>,
    pub data_dir: PathBuf,
    /// Where source tokens live (the OS keychain).
    pub secrets: std::sync::Arc<dyn baton_core::secrets::SecretStore>,
    /// The pollers of the open workspace (one task per source).
    pub pollers: tokio::sync::Mutex<Option<Pollers>>,
    /// The task that turns the open workspace's writes into `WorkspaceChanged` events.
    pub change_forwarder: std::sync::Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
    /// The task that turns news of the Triage worklist into desktop notifications.
    pub notifier: std::sync::Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
    /// Held while a workspace is installed: two switches never interleave (one would close
    /// the workspace the other is setting up).
    pub switching: tokio::sync::Mutex<()>,
}

/// How long a workspace switched away from waits for the commands still reading it before it
/// is closed anyway.
const RETIRE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);

/// Closes the workspace the app switched away from once nothing holds it any more: the pollers
/// are stopped and the change tasks aborted before, but a command that took its clone before
/// the switch (a comparison, an export, the index being built) finishes on it rather than
/// failing on a closed pool; its answer is dropped by the UI, which forgets the old
/// workspace's data when the new one opens.
pub async fn retire(previous: Workspace) {
    // (Closing it anyway after the patience is logged by the core.)
    previous.close_when_unused(RETIRE_PATIENCE).await;
}

/// The open workspace, as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceInfo {
    pub path: String,
    pub name: String,
    /// True for the generated demo organisation.
    pub is_demo: bool,
    /// The file (or its folder) cannot be written, so it was opened read-only: everything can
    /// be read, nothing synced or changed (writes fail with `workspace_read_only`).
    pub read_only: bool,
}

impl AppState {
    /// The demo workspace's file.
    pub fn demo_path(&self) -> PathBuf {
        self.data_dir.join("demo.baton")
    }

    /// Describes a workspace.
    pub fn info(&self, ws: &Workspace) -> WorkspaceInfo {
        WorkspaceInfo {
            path: ws.path().display().to_string(),
            name: if self.is_demo(ws.path()) {
                "Demo organisation".to_owned()
            } else {
                ws.name()
            },
            is_demo: self.is_demo(ws.path()),
            read_only: ws.is_read_only(),
        }
    }

    fn is_demo(&self, path: &Path) -> bool {
        path == self.demo_path()
    }

    /// A clone of the open workspace (cheap: a pool handle).
    pub async fn current(&self) -> IpcResult<Workspace> {
        self.workspace
            .read()
            .await
            .clone()
            .ok_or_else(|| IpcError::from(baton_core::CoreError::NoWorkspace))
    }

    /// The open workspace's pollers (a cheap handle), if any.
    pub async fn pollers(&self) -> Option<Pollers> {
        self.pollers.lock().await.clone()
    }

    /// A copy of the settings.
    pub fn settings_snapshot(&self) -> Settings {
        self.settings.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// Makes `ws` the open workspace: closes the previous one, remembers it, tells the UI.
pub async fn install<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    ws: Workspace,
) -> IpcResult<WorkspaceInfo> {
    install_with(app, state, ws, true).await
}

/// [`install`], choosing whether to emit the change event (not when the UI asked for the
/// workspace itself and waits for the answer, as at start-up).
pub async fn install_with<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    ws: Workspace,
    notify: bool,
) -> IpcResult<WorkspaceInfo> {
    let _switching = state.switching.lock().await;
    let info = state.info(&ws);
    // Build the in-memory index now, while the UI draws its frame; the first query awaits it.
    let warm = ws.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(err) = warm.index().await {
            tracing::warn!(%err, "work index build failed");
        }
    });
    let previous = state.workspace.write().await.replace(ws.clone());
    // Every committed write of this workspace reaches the UI as one batched event.
    let handle = app.clone();
    let forwarder = tauri::async_runtime::spawn(crate::events::forward_changes(
        ws.subscribe(),
        move |event| {
            if let Err(err) = event.emit(&handle) {
                tracing::warn!(%err, "could not emit workspace_changed");
            }
        },
    ));
    if let Ok(mut slot) = state.change_forwarder.lock() {
        if let Some(previous) = slot.replace(forwarder) {
            previous.abort();
        }
    }
    let notifier = tauri::async_runtime::spawn(crate::notifications::watch(
        app.clone(),
        ws.clone(),
        ws.subscribe(),
    ));
    if let Ok(mut slot) = state.notifier.lock() {
        if let Some(previous) = slot.replace(notifier) {
            previous.abort();
        }
    }
    {
        let mut slot = state.pollers.lock().await;
        if let Some(previous) = slot.take() {
            previous.shutdown().await;
        }
        // Nothing can be synced into a file that cannot be written, nor into a planning
        // session's frozen copy: no pollers for them.
        let session_copy = baton_core::plan::session::is_session_copy(&ws)
            .await
            .unwrap_or(false);
        if !ws.is_read_only() && !session_copy {
            let pollers = crate::pollers::pollers_for(app, &ws, state.secrets.clone());
            if let Err(err) = pollers.reload().await {
                tracing::warn!(code = err.code(), %err, "could not start the pollers");
            }
            *slot = Some(pollers);
        }
    }
    // (The same file is the same workspace: the demo opened again hands back the open one.)
    if let Some(previous) = previous.filter(|p| p.path() != ws.path()) {
        tauri::async_runtime::spawn(retire(previous));
    }
    if let Ok(mut error) = state.startup_error.lock() {
        *error = None;
    }
    update_settings(app, state, |s| {
        s.remember(
            ws.path(),
            baton_core::time::to_rfc3339(baton_core::time::now_ms()),
        )
    })?;
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.set_title(&format!("{} — Baton", info.name));
    }
    if !notify {
        return Ok(info);
    }
    if let Err(err) = WorkspaceChanged::opened().emit(app) {
        tracing::warn!(%err, "could not emit workspace_changed");
    }
    Ok(info)
}

/// Changes the settings and saves them to the store.
pub fn update_settings<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    change: impl FnOnce(&mut Settings),
) -> IpcResult<()> {
    let snapshot = {
        let mut settings = state
            .settings
            .lock()
            .map_err(|_| IpcError::new(ErrorCode::Internal, "settings lock poisoned"))?;
        change(&mut settings);
        settings.clone()
    };
    let store = app.store(STORE_FILE).map_err(|err| {
        IpcError::new(
            ErrorCode::Io,
            format!("cannot open the settings store: {err}"),
        )
    })?;
    let value = serde_json::to_value(&snapshot)
        .map_err(|err| IpcError::new(ErrorCode::Internal, err.to_string()))?;
    store.set(STORE_KEY, value);
    store
        .save()
        .map_err(|err| IpcError::new(ErrorCode::Io, format!("cannot save settings: {err}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_command_still_reading_the_workspace_switched_away_from_finishes_without_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let previous = Workspace::create(&dir.path().join("before.baton"))
            .await
            .expect("workspace");
        baton_core::query::teams_create(&previous, "Payments")
            .await
            .expect("team");
        // A command took its clone before the switch and reads again after it.
        let command = previous.clone();
        let (started, running) = tokio::sync::oneshot::channel();
        let in_flight = tokio::spawn(async move {
            let _ = started.send(());
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM teams")
                .fetch_one(command.pool())
                .await
        });
        running.await.expect("the command started");
        // The switch retires the previous workspace while the command still runs.
        let retired = tokio::spawn(retire(previous));
        let teams = in_flight.await.expect("the command ran");
        assert_eq!(
            teams.map_err(|e| e.to_string()),
            Ok(1),
            "the command in flight reads the workspace it started on, not a closed pool"
        );
        tokio::time::timeout(std::time::Duration::from_secs(10), retired)
            .await
            .expect("the previous workspace is closed once the command is done")
            .expect("retire ran");
        // Closed: its log was checkpointed into the file and removed.
        let wal = dir.path().join("before.baton-wal");
        assert!(
            std::fs::metadata(&wal)
                .map(|m| m.len() == 0)
                .unwrap_or(true),
            "the previous workspace's log is checkpointed on close"
        );
    }
}
