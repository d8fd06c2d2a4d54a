//! Typed events from the backend to the UI.

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri_specta::Event;

/// Why the UI should refetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ChangeReason {
    /// Another workspace was opened (or created): everything shown is stale.
    Opened,
    /// Rows of the open workspace changed.
    Data,
}

/// Emitted after every change the UI shows; the UI invalidates its queries.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceChanged {
    pub reason: ChangeReason,
}

/// Progress of a source's sync (started, pages written, waiting on a rate limit, finished),
/// throttled by the core to about two events a second per run.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgressEvent {
    pub progress: baton_core::sync::progress::SyncProgress,
}
