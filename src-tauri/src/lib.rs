//! The Baton shell: turns `baton-core` into typed Tauri commands and events.
//!
//! - `commands/<domain>.rs`: thin commands, all collected in [`specta_builder`];
//! - `events.rs`: typed events; `error.rs`: the one IPC error;
//! - `settings.rs`: the typed settings store; `state.rs`: what the app holds while it runs.

pub mod commands;
pub mod error;
pub mod events;
pub mod notifications;
pub mod painting;
pub mod pollers;
pub mod settings;
pub mod state;
#[cfg(test)]
mod ui_recording;

use std::path::PathBuf;

use tauri::Manager;
use tauri_specta::{collect_commands, collect_events, Builder};

use crate::state::AppState;

/// Every command and event the UI can use; `ui/src/bindings.ts` is generated from it.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::app::app_startup,
            commands::workspace::workspace_current,
            commands::workspace::workspace_open,
            commands::workspace::workspace_create,
            commands::workspace::workspace_open_demo,
            commands::workspace::workspace_pick_file,
            commands::workspace::workspace_summary,
            commands::workspace::intents_list,
            commands::items::items_list,
            commands::items::item_detail,
            commands::items::item_open_in_browser,
            commands::sources::sources_list,
            commands::sources::sources_add,
            commands::sources::sources_edit,
            commands::sources::sources_set_enabled,
            commands::sources::sources_remove,
            commands::sources::sources_test_connection,
            commands::sources::sources_sync_now,
            commands::sources::sources_cancel,
            commands::sources::sources_history,
            commands::sources::sources_pick_file,
            commands::sources::sources_preview_file,
            commands::rules::rules_list,
            commands::rules::teams_list,
            commands::rules::teams_create,
            commands::rules::rules_save_team_rule,
            commands::rules::rules_delete_team_rule,
            commands::rules::rules_save_provenance_rule,
            commands::rules::rules_delete_provenance_rule,
            commands::rules::rules_rederive_preview,
            commands::rules::rules_rederive_apply,
            commands::people::people_list,
            commands::people::people_merge,
            commands::people::people_split,
            commands::settings::settings_get,
            commands::settings::settings_set_theme,
            commands::settings::settings_set_time_zone,
            commands::flow::flow_report,
            commands::flow::flow_bottlenecks,
            commands::flow::flow_items,
            commands::flow::flow_filter_get,
            commands::flow::flow_filter_set,
            commands::export::export_save,
            commands::export::export_workspace_items,
            commands::deps::deps_report,
            commands::duplicates::duplicates_report,
            commands::duplicates::duplicates_answer,
            commands::conflicts::conflicts_report,
            commands::conflicts::conflicts_item,
            commands::conflicts::conflicts_touches,
            commands::conflicts::conflicts_touch_pulls,
            commands::conflicts::conflicts_rules,
            commands::conflicts::conflicts_set_owner_rule,
            commands::conflicts::conflicts_set_sensitive_paths,
            commands::conflicts::conflicts_answer,
            commands::deps::overview_attention,
            commands::deps::overview_attention_items,
            commands::deps::deps_graph,
            commands::deps::deps_critical_path,
            commands::workflow::workflow_list,
            commands::workflow::workflow_set,
            commands::triage::triage_list,
            commands::triage::triage_decide,
            commands::triage::triage_undo,
            commands::triage::decisions_list,
            commands::triage::triage_thresholds_get,
            commands::triage::triage_thresholds_set,
            commands::triage::triage_compare,
            commands::triage::triage_settings_get,
            commands::triage::triage_settings_set,
            commands::governance::governance_report,
            commands::approvals::approvals_report,
            commands::approvals::approvals_ask,
            commands::approvals::approvals_answer,
            commands::approvals::approvals_for_item,
            commands::governance::governance_compliance,
            commands::governance::governance_policies_get,
            commands::governance::governance_policies_save,
            commands::plan::plan_forecast,
            commands::intents::intents_report,
            commands::intents::intents_forecast,
            commands::intents::intents_brief,
            commands::intents::intents_brief_pdf,
            commands::intents::intents_create,
            commands::intents::intents_edit,
            commands::intents::intents_archive,
            commands::intents::intents_reorder,
            commands::intents::intents_rules,
            commands::intents::intents_rule_preview,
            commands::intents::intents_rule_add,
            commands::intents::intents_rule_remove,
            commands::intents::intents_link,
            commands::plan::plan_scenarios_list,
            commands::plan::plan_scenario_save,
            commands::plan::plan_scenario_delete,
            commands::plan::plan_compare,
            commands::plan::plan_session_status,
            commands::plan::plan_session_start,
            commands::plan::plan_session_merge,
        ])
        .events(collect_events![
            events::WorkspaceChanged,
            events::SyncProgressEvent,
            events::DuplicatesProgressEvent
        ])
}

/// Writes the TypeScript bindings.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    let typescript = specta_typescript::Typescript::default()
        .header("// Generated by `cargo test -p baton export_bindings` from src-tauri. Do not edit.\n/* eslint-disable */");
    specta_builder()
        .export(typescript, path)
        .map_err(|err| err.to_string())
}

/// Sets up logging: to a daily file in the app log folder, and to stderr.
fn init_logging(log_dir: Option<PathBuf>) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::prelude::*;
    let filter = tracing_subscriber::EnvFilter::try_from_env("BATON_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tao=warn,wry=warn"));
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false);
    let (file, guard) = match log_dir {
        Some(dir) if std::fs::create_dir_all(&dir).is_ok() => {
            let (writer, guard) =
                tracing_appender::non_blocking(tracing_appender::rolling::daily(dir, "baton.log"));
            (
                Some(
                    tracing_subscriber::fmt::layer()
                        .with_writer(writer)
                        .with_ansi(false),
                ),
                Some(guard),
            )
        }
        _ => (None, None),
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(stderr)
        .with(file)
        .try_init();
    guard
}

/// Runs the app.
pub fn run() {
    // Before any thread or web process starts: they inherit the environment.
    let painting = painting::choose_for_this_machine();
    let builder = specta_builder();
    let cli_workspace = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with('-'))
        .map(PathBuf::from);
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            let guard = init_logging(app.path().app_log_dir().ok());
            app.manage(LogGuard(guard));
            builder.mount_events(app);
            let data_dir = app.path().app_data_dir()?;
            std::fs::create_dir_all(&data_dir)?;
            let tag = chrono::Utc::now().format("%Y%m%dT%H%M%S").to_string();
            let (settings, settings_notice) =
                settings::load(&data_dir.join(settings::STORE_FILE), &tag);
            tracing::info!(data_dir = %data_dir.display(), ?painting, "Baton starting");
            app.manage(AppState {
                workspace: tokio::sync::RwLock::new(None),
                settings: std::sync::Mutex::new(settings),
                settings_notice,
                startup_error: std::sync::Mutex::new(None),
                started: tokio::sync::Mutex::new(false),
                cli_workspace,
                data_dir,
                secrets: std::sync::Arc::new(baton_keychain::Keychain),
                pollers: tokio::sync::Mutex::new(None),
                change_forwarder: std::sync::Mutex::new(None),
                notifier: std::sync::Mutex::new(None),
                switching: tokio::sync::Mutex::new(()),
            });
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(err) = result {
        tracing::error!(%err, "Baton could not start");
        std::process::exit(1);
    }
}

/// Keeps the log writer alive for the life of the app.
struct LogGuard(#[allow(dead_code)] Option<tracing_appender::non_blocking::WorkerGuard>);

#[cfg(test)]
mod tests {
    /// Regenerates `ui/src/bindings.ts`; CI runs it and fails when the committed file differs.
    #[test]
    fn export_bindings() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        super::export_bindings(&path).expect("bindings export");
        let text = std::fs::read_to_string(&path).expect("bindings written");
        assert!(
            text.contains("workspaceSummary"),
            "every command is exported"
        );
    }
}
