//! The app's settings: one typed struct kept in a tauri-plugin-store file (`settings.json` in
//! the app data folder). Every field has a default so files from older versions still load; a
//! file that cannot be read at all is kept aside as a backup and the app starts on defaults.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use specta::Type;

/// The store file, relative to the app data folder.
pub const STORE_FILE: &str = "settings.json";
/// The key the settings live under inside the store.
pub const STORE_KEY: &str = "settings";
/// How many recent workspaces are remembered.
pub const MAX_RECENT: usize = 10;

/// Colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follow the operating system.
    #[default]
    System,
    Light,
    Dark,
}

/// A workspace opened before.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentEntry {
    #[serde(default)]
    pub path: String,
    /// RFC 3339.
    #[serde(default)]
    pub opened_at: String,
}

/// Everything Baton remembers between runs (never secrets: tokens live in the OS keychain).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    #[serde(default)]
    pub theme: Theme,
    /// The IANA time zone calendar days are counted in (Flow, Bottlenecks); None: this
    /// computer's.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Most recent first.
    #[serde(default)]
    pub recent: Vec<RecentEntry>,
    /// Reopened on start.
    #[serde(default)]
    pub last_workspace: Option<String>,
    /// The Flow and Bottlenecks filters last used, per workspace path.
    #[serde(default)]
    pub flow_filters: std::collections::BTreeMap<String, baton_core::flow::FlowFilter>,
    /// Triage: desktop notifications and the name decisions are recorded under.
    #[serde(default)]
    pub triage: TriageSettings,
}

/// Triage settings of this machine's user.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TriageSettings {
    /// The reasons that make a desktop notification when items are newly listed for them (none
    /// by default: notifications are off until chosen).
    #[serde(default)]
    pub notify: Vec<baton_core::triage::Reason>,
    /// The name decisions are recorded under; empty: the computer's login name.
    #[serde(default)]
    pub name: String,
}

impl Settings {
    /// Puts `path` first in the recent list and makes it the one reopened on start.
    pub fn remember(&mut self, path: &Path, opened_at: String) {
        let path = path.display().to_string();
        self.recent.retain(|entry| entry.path != path);
        self.recent.insert(
            0,
            RecentEntry {
                path: path.clone(),
                opened_at,
            },
        );
        self.recent.truncate(MAX_RECENT);
        self.last_workspace = Some(path);
    }
}

/// Reads the settings from a store file.
///
/// Returns the settings and, when the file was unreadable, a notice for the user; in that case
/// the file has been renamed to a `.corrupt-<time>` backup beside it so nothing is lost and the
/// store starts empty.
pub fn load(path: &Path, now_tag: &str) -> (Settings, Option<String>) {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return (Settings::default(), None)
        }
        Err(err) => {
            tracing::warn!(%err, path = %path.display(), "settings unreadable");
            return (
                Settings::default(),
                Some(format!(
                    "Baton could not read its settings ({err}) and started with default settings."
                )),
            );
        }
    };
    match parse(&bytes) {
        Ok(settings) => (settings, None),
        Err(reason) => {
            let backup = backup_path(path, now_tag);
            let kept = match std::fs::rename(path, &backup) {
                Ok(()) => format!("The damaged file was kept as {}.", backup.display()),
                Err(err) => format!("The damaged file could not be moved aside ({err})."),
            };
            tracing::warn!(%reason, backup = %backup.display(), "settings file damaged; starting on defaults");
            (
                Settings::default(),
                Some(format!("Your settings file could not be read ({reason}), so Baton started with default settings. {kept}")),
            )
        }
    }
}

fn parse(bytes: &[u8]) -> Result<Settings, String> {
    let store: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(bytes).map_err(|err| format!("not valid JSON: {err}"))?;
    match store.get(STORE_KEY) {
        None => Ok(Settings::default()),
        Some(value) => {
            Settings::deserialize(value).map_err(|err| format!("unexpected content: {err}"))
        }
    }
}

fn backup_path(path: &Path, now_tag: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| STORE_FILE.to_owned());
    path.with_file_name(format!("{name}.corrupt-{now_tag}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_gives_defaults_without_notice() {
        let dir = tempfile::tempdir().unwrap();
        let (settings, notice) = load(&dir.path().join(STORE_FILE), "t");
        assert_eq!(settings, Settings::default());
        assert!(notice.is_none(), "a first start is not an error");
    }

    #[test]
    fn old_files_with_missing_fields_still_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(STORE_FILE);
        std::fs::write(&path, r#"{"settings":{"theme":"dark"}}"#).unwrap();
        let (settings, notice) = load(&path, "t");
        assert_eq!(settings.theme, Theme::Dark);
        assert!(
            settings.recent.is_empty(),
            "absent fields take their defaults"
        );
        assert!(notice.is_none());
    }

    #[test]
    fn corrupt_file_is_kept_aside_and_defaults_are_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(STORE_FILE);
        std::fs::write(&path, b"{\"settings\": {\"theme\": ").unwrap();
        let (settings, notice) = load(&path, "20260101T000000");
        assert_eq!(settings, Settings::default());
        let notice = notice.expect("the user is told");
        assert!(notice.contains("default settings"), "{notice}");
        assert!(!path.exists(), "the damaged file is moved out of the way");
        let backup = dir.path().join("settings.json.corrupt-20260101T000000");
        assert_eq!(
            std::fs::read(&backup).unwrap(),
            b"{\"settings\": {\"theme\": ",
            "the damaged bytes are kept as they were"
        );
    }

    #[test]
    fn wrong_types_count_as_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(STORE_FILE);
        std::fs::write(&path, r#"{"settings":{"theme":42}}"#).unwrap();
        let (_, notice) = load(&path, "x");
        assert!(notice.is_some_and(|n| n.contains("unexpected content")));
    }

    #[test]
    fn recent_list_is_deduplicated_and_bounded() {
        let mut settings = Settings::default();
        for i in 0..15 {
            settings.remember(Path::new(&format!("/w/{i}.baton")), format!("t{i}"));
        }
        settings.remember(Path::new("/w/3.baton"), "again".into());
        assert_eq!(settings.recent.len(), MAX_RECENT);
        assert_eq!(
            settings.recent[0].path, "/w/3.baton",
            "reopening moves it first"
        );
        assert_eq!(
            settings
                .recent
                .iter()
                .filter(|e| e.path == "/w/3.baton")
                .count(),
            1
        );
        assert_eq!(settings.last_workspace.as_deref(), Some("/w/3.baton"));
    }
}
