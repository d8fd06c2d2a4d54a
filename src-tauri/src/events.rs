//! Typed events from the backend to the UI, and the forwarding of a workspace's committed
//! changes to the UI as one batched `WorkspaceChanged` event.

use std::time::Duration;

use baton_core::graph::Changes;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri_specta::Event;
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

/// Why the UI should refetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ChangeReason {
    /// Another workspace was opened (or created): everything shown is stale.
    Opened,
    /// Rows of the open workspace changed: `changes` says which kinds.
    Data,
}

/// Emitted after every committed write of the open workspace (batched over a short time) and
/// when another workspace opens; the UI refetches the queries the change kinds name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceChanged {
    pub reason: ChangeReason,
    /// What changed (everything when another workspace opened).
    pub changes: Changes,
}

impl WorkspaceChanged {
    /// Another workspace is open.
    pub fn opened() -> WorkspaceChanged {
        WorkspaceChanged {
            reason: ChangeReason::Opened,
            changes: Changes::everything(),
        }
    }
}

/// Progress of a source's sync (started, pages written, waiting on a rate limit, finished),
/// throttled by the core to about two events a second per run.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgressEvent {
    pub progress: baton_core::sync::progress::SyncProgress,
}

/// Progress of building the duplicate candidates (items read, then compared: `done` of
/// `total` steps).
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct DuplicatesProgressEvent {
    pub done: u32,
    pub total: u32,
}

/// Changes committed within this time of the first one go out as one event: a sync writing
/// pages back to back refreshes the UI a few times a second, not once per page.
pub const BATCH: Duration = Duration::from_millis(200);

/// Forwards every change published by a workspace ([`baton_core::graph::Workspace::subscribe`])
/// to `emit` as `WorkspaceChanged` events, merging those that arrive within [`BATCH`]. Ends when
/// the workspace is gone. A receiver that fell behind says everything changed.
pub async fn forward_changes(
    mut changes: broadcast::Receiver<Changes>,
    emit: impl Fn(WorkspaceChanged) + Send + 'static,
) {
    loop {
        let mut batch = match changes.recv().await {
            Ok(first) => first,
            Err(RecvError::Lagged(_)) => Changes::everything(),
            Err(RecvError::Closed) => return,
        };
        tokio::time::sleep(BATCH).await;
        let mut closed = false;
        loop {
            match changes.try_recv() {
                Ok(more) => batch.merge(&more),
                Err(TryRecvError::Lagged(_)) => batch.merge(&Changes::everything()),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Closed) => {
                    closed = true;
                    break;
                }
            }
        }
        emit(WorkspaceChanged {
            reason: ChangeReason::Data,
            changes: batch,
        });
        if closed {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use baton_core::graph::{ChangeKind, Workspace};

    use super::*;

    /// Every core write reaches the UI as a typed event naming what changed, batched.
    #[tokio::test]
    async fn committed_writes_become_one_batched_event() {
        let dir = tempfile::tempdir().expect("temp dir");
        let ws = Workspace::create(&dir.path().join("w.baton"))
            .await
            .expect("workspace");
        let seen: Arc<Mutex<Vec<WorkspaceChanged>>> = Arc::default();
        let sink = seen.clone();
        let task = tokio::spawn(forward_changes(ws.subscribe(), move |event| {
            if let Ok(mut seen) = sink.lock() {
                seen.push(event);
            }
        }));
        let team = baton_core::query::teams_create(&ws, "Payments")
            .await
            .expect("team");
        baton_core::rules::team_rule_save(
            &ws,
            &baton_core::rules::TeamRuleView {
                id: String::new(),
                source_id: None,
                field: baton_core::rules::TeamRuleField::Repo,
                pattern: "acme/pay*".into(),
                team_id: team.id,
                priority: 1,
            },
        )
        .await
        .expect("rule");
        tokio::time::sleep(BATCH * 3).await;
        let events = seen.lock().expect("events").clone();
        assert_eq!(events.len(), 1, "two writes in a burst make one event");
        assert_eq!(events[0].reason, ChangeReason::Data);
        assert_eq!(
            events[0].changes.kinds,
            vec![ChangeKind::Teams, ChangeKind::Rules],
            "the event names both kinds of rows written"
        );
        // A refused write changes nothing and sends nothing.
        assert!(baton_core::query::teams_create(&ws, "payments")
            .await
            .is_err());
        tokio::time::sleep(BATCH * 2).await;
        assert_eq!(seen.lock().expect("events").len(), 1);
        ws.close().await;
        task.abort();
    }
}
