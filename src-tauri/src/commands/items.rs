//! Work item commands: the list, one item's detail, opening it at its source.

use baton_core::graph::repo;
use baton_core::query::{self, ItemDetail, ItemsPage, ItemsQuery};
use baton_core::ErrorCode;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// One page of items.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn items_list(state: State<'_, AppState>, query: ItemsQuery) -> IpcResult<ItemsPage> {
    let ws = state.current().await?;
    Ok(query::items_list(&ws, &query).await?)
}

/// One item's fields, transitions and links.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn item_detail(state: State<'_, AppState>, id: String) -> IpcResult<ItemDetail> {
    let ws = state.current().await?;
    Ok(query::item_detail(&ws, &id).await?)
}

/// Opens the item's page at its source in the system browser. Only http(s) URLs stored for the
/// item are opened; the web view never names a URL itself.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn item_open_in_browser(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> IpcResult<()> {
    let ws = state.current().await?;
    let item = repo::items::get(ws.pool(), &id)
        .await
        .map_err(baton_core::CoreError::from)?
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, format!("item {id} was not found")))?;
    if !(item.url.starts_with("https://") || item.url.starts_with("http://")) {
        return Err(IpcError::new(
            ErrorCode::Invalid,
            format!("{} has no web address to open", item.key),
        ));
    }
    app.opener()
        .open_url(&item.url, None::<&str>)
        .map_err(|err| IpcError::new(ErrorCode::Io, format!("could not open the browser: {err}")))
}
