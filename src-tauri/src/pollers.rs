//! The open workspace's pollers (one task per source, in `baton_core::sync::runtime`), wired to
//! the UI: their progress goes out as `SyncProgressEvent`s. What they write reaches the UI as
//! `WorkspaceChanged`, like every other write (see `events::forward_changes`).

use std::sync::Arc;

use baton_core::graph::Workspace;
use baton_core::sync::clock::SystemClock;
use baton_core::sync::progress::SyncProgress;
use baton_core::sync::runtime::Pollers;
use baton_core::sync::{SyncContext, SyncOptions};
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

use crate::events::SyncProgressEvent;

/// Pollers for `ws` that report their progress to the app's windows (none run until
/// `Pollers::reload`).
pub fn pollers_for<R: Runtime>(
    app: &AppHandle<R>,
    ws: &Workspace,
    secrets: Arc<dyn baton_core::secrets::SecretStore>,
) -> Pollers {
    let handle = app.clone();
    Pollers::new(SyncContext {
        ws: ws.clone(),
        secrets,
        clock: Arc::new(SystemClock),
        progress: Arc::new(move |progress: SyncProgress| {
            if let Err(err) = (SyncProgressEvent { progress }).emit(&handle) {
                tracing::warn!(%err, "could not emit sync progress");
            }
        }),
        options: SyncOptions::default(),
    })
}
