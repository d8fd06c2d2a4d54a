//! People commands: one person across sources (see `baton_core::people`).

use baton_core::people::{self, PeopleView};
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

/// Everyone with their identities, and who looks like whom.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn people_list(state: State<'_, AppState>) -> IpcResult<PeopleView> {
    Ok(people::people_list(&state.current().await?).await?)
}

/// Merges person `other` into `keep`: one person in every count from now on.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn people_merge(
    state: State<'_, AppState>,
    keep: String,
    other: String,
) -> IpcResult<()> {
    Ok(people::people_merge(&state.current().await?, &keep, &other).await?)
}

/// Splits a person back into one person per identity; returns the people it made.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn people_split(state: State<'_, AppState>, person: String) -> IpcResult<Vec<String>> {
    Ok(people::people_split(&state.current().await?, &person).await?)
}
