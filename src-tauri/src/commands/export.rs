//! Saving an export (a chart's PNG, a table's CSV) where the user chooses, through the system
//! save dialog: a web view's download links do not save reliably in every desktop web view.

use baton_core::ErrorCode;
use std::path::PathBuf;

use base64::Engine;
use serde::Deserialize;
use specta::Type;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

use crate::error::{IpcError, IpcResult};

/// How `contents` is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportEncoding {
    /// Text, written as UTF-8 (CSV).
    Utf8,
    /// Base64, optionally as a `data:` URL (PNG).
    Base64,
}

/// Keeps a suggested file name to one plain name (no folders, no control characters).
fn plain_name(suggested: &str) -> String {
    let name: String = suggested
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let name = name.trim().trim_start_matches('.').to_owned();
    if name.is_empty() {
        "export".to_owned()
    } else {
        name
    }
}

fn decode(contents: String, encoding: ExportEncoding) -> IpcResult<Vec<u8>> {
    match encoding {
        ExportEncoding::Utf8 => Ok(contents.into_bytes()),
        ExportEncoding::Base64 => {
            let data = contents
                .split_once(";base64,")
                .map_or(contents.as_str(), |(_, data)| data);
            base64::engine::general_purpose::STANDARD
                .decode(data.trim())
                .map_err(|err| {
                    IpcError::new(
                        ErrorCode::Invalid,
                        format!("the export is not valid base64: {err}"),
                    )
                })
        }
    }
}

/// Asks where to save, then writes the file. Returns the path, or None when the user cancels.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(name = %suggested_name))]
pub async fn export_save(
    app: AppHandle,
    suggested_name: String,
    contents: String,
    encoding: ExportEncoding,
) -> IpcResult<Option<String>> {
    let bytes = decode(contents, encoding)?;
    let name = plain_name(&suggested_name);
    let extension = PathBuf::from(&name)
        .extension()
        .map(|e| e.to_string_lossy().into_owned());
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let mut dialog = app
            .dialog()
            .file()
            .set_title("Save export")
            .set_file_name(&name);
        if let Some(ext) = extension.as_deref() {
            dialog = dialog.add_filter(ext.to_uppercase(), &[ext]);
        }
        dialog.blocking_save_file()
    })
    .await
    .map_err(|err| IpcError::new(ErrorCode::Internal, err.to_string()))?;
    let Some(picked) = picked else {
        return Ok(None);
    };
    let path = picked
        .into_path()
        .map_err(|err| IpcError::new(ErrorCode::Io, format!("cannot save there: {err}")))?;
    std::fs::write(&path, bytes).map_err(|err| {
        IpcError::new(
            ErrorCode::Io,
            format!("could not write {}: {err}", path.display()),
        )
    })?;
    Ok(Some(path.display().to_string()))
}

/// Saves every item of the open workspace, with its changes and links, as Baton's JSON lines
/// (what a file source imports) where the user chooses. Returns the path, or None when the
/// user cancels.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn export_workspace_items(
    app: AppHandle,
    state: tauri::State<'_, crate::state::AppState>,
) -> IpcResult<Option<String>> {
    let ws = state.current().await?;
    let name = plain_name(&format!("{}.jsonl", ws.name()));
    let dialog_app = app.clone();
    let picked = tauri::async_runtime::spawn_blocking(move || {
        dialog_app
            .dialog()
            .file()
            .set_title("Export the workspace's items")
            .set_file_name(&name)
            .add_filter("JSON lines", &["jsonl"])
            .blocking_save_file()
    })
    .await
    .map_err(|err| IpcError::new(ErrorCode::Internal, err.to_string()))?;
    let Some(picked) = picked else {
        return Ok(None);
    };
    let path = picked
        .into_path()
        .map_err(|err| IpcError::new(ErrorCode::Io, format!("cannot save there: {err}")))?;
    let mut bytes = Vec::new();
    baton_core::connectors::file::export::export_items(
        &ws,
        &ws.name(),
        baton_core::time::now_ms(),
        &mut bytes,
    )
    .await?;
    std::fs::write(&path, bytes).map_err(|err| {
        IpcError::new(
            ErrorCode::Io,
            format!("could not write {}: {err}", path.display()),
        )
    })?;
    tracing::info!("workspace items exported");
    Ok(Some(path.display().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggested_names_cannot_leave_the_chosen_folder() {
        assert_eq!(plain_name("../../etc/passwd"), "passwd");
        assert_eq!(plain_name("C:\\\\x\\\\flow.csv"), "flow.csv");
        assert_eq!(plain_name(".hidden"), "hidden");
        assert_eq!(plain_name("  "), "export");
        assert_eq!(
            plain_name("cfd\u{7}.png"),
            "cfd.png",
            "control characters are dropped"
        );
    }

    #[test]
    fn base64_and_data_urls_decode() {
        assert_eq!(
            decode("aGk=".into(), ExportEncoding::Base64).unwrap(),
            b"hi"
        );
        assert_eq!(
            decode("data:image/png;base64,aGk=".into(), ExportEncoding::Base64).unwrap(),
            b"hi"
        );
        assert_eq!(
            decode("a,b\n".into(), ExportEncoding::Utf8).unwrap(),
            b"a,b\n"
        );
        assert_eq!(
            decode("***".into(), ExportEncoding::Base64)
                .unwrap_err()
                .code,
            ErrorCode::Invalid
        );
    }
}
