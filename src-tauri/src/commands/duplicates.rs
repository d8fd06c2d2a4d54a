//! Duplicates commands: the candidate pairs with their explanations and per-team figures, and a
//! person's answer (confirm or dismiss) about a pair.

use baton_core::duplicates::{self, DuplicatesQuery, DuplicatesReport, PairAnswer};
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::error::IpcResult;
use crate::events::DuplicatesProgressEvent;
use crate::state::AppState;

/// The Duplicates page. A first build (every item read and compared) reports its progress as
/// `DuplicatesProgressEvent`s, at most one per 8,192 items.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn duplicates_report(
    app: AppHandle,
    state: State<'_, AppState>,
    query: DuplicatesQuery,
) -> IpcResult<DuplicatesReport> {
    let ws = state.current().await?;
    let mut progress = |done: usize, total: usize| {
        let event = DuplicatesProgressEvent {
            done: u32::try_from(done).unwrap_or(u32::MAX),
            total: u32::try_from(total).unwrap_or(u32::MAX),
        };
        if let Err(err) = event.emit(&app) {
            tracing::warn!(%err, "could not emit duplicates progress");
        }
    };
    Ok(duplicates::report(&ws, &query, baton_core::time::now_ms(), &mut progress).await?)
}

/// Confirms (a decision and a `duplicates` link) or dismisses a pair; returns the decision's id.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(item = %answer.item, of = %answer.of))]
pub async fn duplicates_answer(
    state: State<'_, AppState>,
    answer: PairAnswer,
) -> IpcResult<String> {
    let ws = state.current().await?;
    let actor = crate::commands::triage::actor(&state);
    Ok(duplicates::answer(&ws, &answer, &actor, baton_core::time::now_ms()).await?)
}
