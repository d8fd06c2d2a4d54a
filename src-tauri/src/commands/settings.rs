//! Settings commands.

use std::path::Path;

use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, State};

use crate::error::IpcResult;
use crate::settings::Theme;
use crate::state::{update_settings, AppState};

/// A workspace opened before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecentWorkspace {
    pub path: String,
    pub name: String,
    pub opened_at: String,
    /// False when the file is gone.
    pub exists: bool,
}

/// The settings as the UI shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub theme: Theme,
    pub recent: Vec<RecentWorkspace>,
    /// Where settings, logs and the demo live.
    pub data_dir: String,
    pub version: String,
}

/// The current settings.
#[tauri::command]
#[specta::specta]
pub async fn settings_get(state: State<'_, AppState>) -> IpcResult<SettingsView> {
    let settings = state.settings_snapshot();
    let demo = state.demo_path();
    let recent = settings
        .recent
        .iter()
        .map(|entry| {
            let path = Path::new(&entry.path);
            RecentWorkspace {
                path: entry.path.clone(),
                name: if path == demo {
                    "Demo organisation".to_owned()
                } else {
                    path.file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default()
                },
                opened_at: entry.opened_at.clone(),
                exists: path.exists(),
            }
        })
        .collect();
    Ok(SettingsView {
        theme: settings.theme,
        recent,
        data_dir: state.data_dir.display().to_string(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}

/// Changes the theme.
#[tauri::command]
#[specta::specta]
pub async fn settings_set_theme(
    app: AppHandle,
    state: State<'_, AppState>,
    theme: Theme,
) -> IpcResult<()> {
    update_settings(&app, &state, |s| s.theme = theme)
}
