//! Source commands for the Sources screen: list, add, edit, enable/disable, remove, test a
//! connection, sync now, cancel, history. Each is the core's use case (`baton_core::sync::sources`,
//! the same functions `baton source …` calls) with the open workspace and its pollers. Tokens pass
//! through once (add, edit, test) on their way to the keychain and are never returned, logged or
//! stored elsewhere.

use std::sync::Arc;

use baton_core::sync::clock::SystemClock;
use baton_core::sync::sources::{self, ConnectionTest, SourceInput, SourceView, SyncRunView};
use baton_core::sync::SyncOptions;
use baton_core::ErrorCode;
use tauri::State;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// Every source with its last run.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn sources_list(state: State<'_, AppState>) -> IpcResult<Vec<SourceView>> {
    Ok(sources::list(&state.current().await?, state.pollers().await.as_ref()).await?)
}

/// Adds a source; its token goes to the keychain. Nothing is saved when the keychain refuses.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(kind = %input.scope.kind()))]
pub async fn sources_add(state: State<'_, AppState>, input: SourceInput) -> IpcResult<SourceView> {
    let (ws, pollers) = (state.current().await?, state.pollers().await);
    let now = baton_core::time::now_ms();
    Ok(sources::add(&ws, state.secrets.as_ref(), pollers.as_ref(), &input, now).await?)
}

/// Changes a source's settings (and its token when one is given).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn sources_edit(
    state: State<'_, AppState>,
    id: String,
    input: SourceInput,
) -> IpcResult<SourceView> {
    let (ws, pollers) = (state.current().await?, state.pollers().await);
    Ok(sources::edit(&ws, state.secrets.as_ref(), pollers.as_ref(), &id, &input).await?)
}

/// Enables or disables a source's schedule ("sync now" still works when disabled).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(id = %id, enabled))]
pub async fn sources_set_enabled(
    state: State<'_, AppState>,
    id: String,
    enabled: bool,
) -> IpcResult<SourceView> {
    let (ws, pollers) = (state.current().await?, state.pollers().await);
    Ok(sources::set_enabled(&ws, pollers.as_ref(), &id, enabled).await?)
}

/// Removes a source, everything synced from it, and its token.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn sources_remove(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    let (ws, pollers) = (state.current().await?, state.pollers().await);
    Ok(sources::remove(&ws, state.secrets.as_ref(), pollers.as_ref(), &id).await?)
}

/// Tries the form's settings against the source without saving anything. With no token in the
/// form, the stored token of source `id` is used.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(kind = %input.scope.kind()))]
pub async fn sources_test_connection(
    state: State<'_, AppState>,
    input: SourceInput,
    id: Option<String>,
) -> IpcResult<ConnectionTest> {
    let (ws, options, clock) = (
        state.current().await?,
        SyncOptions::default(),
        Arc::new(SystemClock),
    );
    Ok(sources::test_form(
        &ws,
        state.secrets.as_ref(),
        &input,
        id.as_deref(),
        &options,
        clock,
    )
    .await?)
}

/// Starts a sync of the source now (a sync already running counts).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn sources_sync_now(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    state.current().await?;
    let pollers = state
        .pollers()
        .await
        .ok_or_else(|| IpcError::new(ErrorCode::NoWorkspace, "no workspace is open"))?;
    Ok(pollers.sync_now(&id).await?)
}

/// Cancels the source's running sync; false when none was running.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn sources_cancel(state: State<'_, AppState>, id: String) -> IpcResult<bool> {
    Ok(state.pollers().await.is_some_and(|p| p.cancel(&id)))
}

/// The source's latest runs, newest first.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn sources_history(
    state: State<'_, AppState>,
    id: String,
    limit: u32,
) -> IpcResult<Vec<SyncRunView>> {
    Ok(sources::history(&state.current().await?, &id, limit).await?)
}

/// Shows the system file dialog for a file source (CSV or JSON lines); the chosen path, or
/// None when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn sources_pick_file(app: tauri::AppHandle) -> IpcResult<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    let picked = tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .file()
            .set_title("Import work from a file")
            .add_filter("CSV or JSON lines", &["csv", "jsonl", "json", "txt"])
            .blocking_pick_file()
    })
    .await
    .map_err(|err| IpcError::new(ErrorCode::Internal, err.to_string()))?;
    Ok(picked.map(|p| p.to_string()))
}

/// Reads a file as a file source would, without saving anything: its columns, a guess of
/// which is which, the first items and the rows it cannot read (with their lines).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(format = ?scope.format))]
pub async fn sources_preview_file(
    scope: baton_core::connectors::file::FileScope,
) -> IpcResult<baton_core::connectors::file::read::FilePreview> {
    // Not `checked`: a states file's columns are what the preview guesses.
    let scope = scope.normalised()?;
    Ok(baton_core::connectors::file::read::preview(&scope).await?)
}
