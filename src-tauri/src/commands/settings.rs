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
    /// The IANA time zone calendar days are counted in; None: this computer's.
    pub time_zone: Option<String>,
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
        time_zone: settings.time_zone.clone(),
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

/// Chooses the time zone calendar days are counted in (an IANA name such as `Europe/Berlin`),
/// or this computer's (None). An unknown name is refused.
#[tauri::command]
#[specta::specta]
pub async fn settings_set_time_zone(
    app: AppHandle,
    state: State<'_, AppState>,
    time_zone: Option<String>,
) -> IpcResult<()> {
    let zone = time_zone
        .map(|z| z.trim().to_owned())
        .filter(|z| !z.is_empty());
    if let Some(zone) = &zone {
        baton_core::flow::filter::zone_offset_minutes(zone, 0)?;
    }
    update_settings(&app, &state, |s| s.time_zone = zone)
}
