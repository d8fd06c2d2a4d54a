//! Source commands for the Sources screen: list, add, edit, enable/disable, remove, test a
//! connection, sync now, cancel, history. Tokens pass through once (add, edit, test) on their way
//! to the keychain and are never returned, logged or stored elsewhere.

use baton_core::ErrorCode;
use std::sync::Arc;

use baton_core::graph::model::{Source, SourceKind};
use baton_core::graph::repo::{self, sync_runs::SyncRun};
use baton_core::graph::Workspace;
use baton_core::secrets::Secret;
use baton_core::sync::clock::SystemClock;
use baton_core::sync::error::SyncError;
use baton_core::sync::progress::RunStatus;
use baton_core::sync::runtime::Pollers;
use baton_core::sync::sources::{self, SourceSpec};
use baton_core::sync::SyncOptions;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// A sync run as the history shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncRunDto {
    pub id: String,
    /// RFC 3339.
    pub started_at: String,
    pub ended_at: Option<String>,
    pub status: RunStatus,
    pub pages: u32,
    pub items: u32,
    pub requests: u32,
    pub retries: u32,
    pub rate_limit_waits: u32,
    pub rate_limit_wait_seconds: f64,
    /// Machine-readable kind of failure (`auth_bad_token`, `rate_limited`, `interrupted`, ...).
    pub error_code: Option<String>,
    pub error: Option<String>,
}

impl From<SyncRun> for SyncRunDto {
    fn from(r: SyncRun) -> Self {
        SyncRunDto {
            id: r.id,
            started_at: baton_core::time::to_rfc3339(r.started_at),
            ended_at: r.ended_at.map(baton_core::time::to_rfc3339),
            status: RunStatus::parse(&r.status).unwrap_or(RunStatus::Failed),
            pages: r.pages as u32,
            items: r.items as u32,
            requests: r.requests as u32,
            retries: r.retries as u32,
            rate_limit_waits: r.rate_limit_waits as u32,
            rate_limit_wait_seconds: r.rate_limit_wait_ms as f64 / 1000.0,
            error_code: r.error_code,
            error: r.error,
        }
    }
}

/// A source as the Sources screen shows it (never its token).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SourceDto {
    pub id: String,
    pub kind: SourceKind,
    pub name: String,
    pub base_url: String,
    /// GitHub: repositories (`owner/name`) or an organisation.
    pub repos: Vec<String>,
    pub org: Option<String>,
    /// Jira: the account's e-mail, project keys and/or a JQL filter.
    pub email: Option<String>,
    pub projects: Vec<String>,
    pub jql: Option<String>,
    pub poll_interval_minutes: u32,
    pub enabled: bool,
    /// Generated demo data: never synced.
    pub synthetic: bool,
    /// A sync is running now.
    pub syncing: bool,
    pub last_run: Option<SyncRunDto>,
}

/// What the add and edit forms send.
#[derive(Debug, Clone, PartialEq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SourceInput {
    pub kind: SourceKind,
    pub name: String,
    /// GitHub: empty for github.com, else `https://HOST/api/v3`. Jira: the site URL.
    pub base_url: String,
    #[serde(default)]
    pub repos: Vec<String>,
    #[serde(default)]
    pub org: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub projects: Vec<String>,
    #[serde(default)]
    pub jql: Option<String>,
    pub poll_interval_minutes: u32,
    /// Required when adding; when editing, empty keeps the stored token.
    #[serde(default)]
    pub token: Option<String>,
}

/// The outcome of "test connection".
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTestDto {
    pub ok: bool,
    /// Why it failed: `auth_bad_token`, `auth_missing_scope`, `no_access`, `wrong_url`,
    /// `offline`, `timeout`, `invalid_source`, ...
    pub code: Option<String>,
    /// A sentence for the person (the account on success).
    pub message: String,
}

fn spec_of(input: &SourceInput) -> SourceSpec {
    let clean = |v: &[String]| -> Vec<String> {
        v.iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let scope = match input.kind {
        SourceKind::Jira => serde_json::json!({
            "email": input.email.clone().unwrap_or_default().trim(),
            "projects": clean(&input.projects),
            "jql": input.jql.clone().filter(|j| !j.trim().is_empty()),
        }),
        _ => serde_json::json!({
            "org": input.org.clone().filter(|o| !o.trim().is_empty()),
            "repos": clean(&input.repos),
        }),
    };
    SourceSpec {
        kind: input.kind,
        name: input.name.clone(),
        base_url: input.base_url.clone(),
        scope: scope.to_string(),
        poll_interval_s: i64::from(input.poll_interval_minutes) * 60,
    }
}

fn token_of(input: &SourceInput) -> Option<Secret> {
    input
        .token
        .as_deref()
        .map(Secret::new)
        .filter(|t| !t.is_empty())
}

async fn dto(ws: &Workspace, source: Source, syncing: &[String]) -> IpcResult<SourceDto> {
    let last_run = repo::sync_runs::recent(ws.pool(), &source.id, 1)
        .await
        .map_err(baton_core::CoreError::from)?
        .into_iter()
        .next()
        .map(SyncRunDto::from);
    let scope: serde_json::Value = serde_json::from_str(&source.scope).unwrap_or_default();
    let strings = |key: &str| -> Vec<String> {
        scope
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let text = |key: &str| scope.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    Ok(SourceDto {
        syncing: syncing.contains(&source.id),
        repos: strings("repos"),
        org: text("org"),
        email: text("email"),
        projects: strings("projects"),
        jql: text("jql"),
        poll_interval_minutes: (source.poll_interval_s / 60) as u32,
        id: source.id,
        kind: source.kind,
        name: source.name,
        base_url: source.base_url,
        enabled: source.enabled,
        synthetic: source.synthetic,
        last_run,
    })
}

async fn running(state: &AppState) -> Vec<String> {
    state
        .pollers
        .lock()
        .await
        .as_ref()
        .map(Pollers::running)
        .unwrap_or_default()
}

async fn reload(state: &AppState) {
    if let Some(pollers) = state.pollers.lock().await.as_ref() {
        if let Err(err) = pollers.reload().await {
            tracing::warn!(code = err.code(), %err, "could not reload the pollers");
        }
    }
}

/// Every source with its last run.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn sources_list(state: State<'_, AppState>) -> IpcResult<Vec<SourceDto>> {
    let ws = state.current().await?;
    let syncing = running(&state).await;
    let mut out = Vec::new();
    for source in repo::sources::list(ws.pool())
        .await
        .map_err(baton_core::CoreError::from)?
    {
        out.push(dto(&ws, source, &syncing).await?);
    }
    Ok(out)
}

/// Adds a source; its token goes to the keychain. Nothing is saved when the keychain refuses.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(kind = %input.kind))]
pub async fn sources_add(state: State<'_, AppState>, input: SourceInput) -> IpcResult<SourceDto> {
    let ws = state.current().await?;
    let token = token_of(&input)
        .ok_or_else(|| IpcError::new(ErrorCode::InvalidSource, "a source needs a token"))?;
    let source = sources::add(
        &ws,
        state.secrets.as_ref(),
        &spec_of(&input),
        &token,
        baton_core::time::now_ms(),
    )
    .await?;
    reload(&state).await;
    dto(&ws, source, &[]).await
}

/// Changes a source's settings (and its token when one is given).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn sources_edit(
    state: State<'_, AppState>,
    id: String,
    input: SourceInput,
) -> IpcResult<SourceDto> {
    let ws = state.current().await?;
    let token = token_of(&input);
    let source = sources::edit(
        &ws,
        state.secrets.as_ref(),
        &id,
        &spec_of(&input),
        token.as_ref(),
    )
    .await?;
    reload(&state).await;
    let syncing = running(&state).await;
    dto(&ws, source, &syncing).await
}

/// Enables or disables a source's schedule ("sync now" still works when disabled).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(id = %id, enabled))]
pub async fn sources_set_enabled(
    state: State<'_, AppState>,
    id: String,
    enabled: bool,
) -> IpcResult<SourceDto> {
    let ws = state.current().await?;
    sources::set_enabled(&ws, &id, enabled).await?;
    reload(&state).await;
    let source = sources::get(&ws, &id).await?;
    let syncing = running(&state).await;
    dto(&ws, source, &syncing).await
}

/// Removes a source, everything synced from it, and its token.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn sources_remove(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    let ws = state.current().await?;
    if let Some(pollers) = state.pollers.lock().await.as_ref() {
        pollers.cancel(&id);
    }
    sources::remove(&ws, state.secrets.as_ref(), &id).await?;
    reload(&state).await;
    Ok(())
}

/// Tries the form's settings against the source without saving anything. With no token in the
/// form, the stored token of source `id` is used.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(kind = %input.kind))]
pub async fn sources_test_connection(
    state: State<'_, AppState>,
    input: SourceInput,
    id: Option<String>,
) -> IpcResult<ConnectionTestDto> {
    let token = match (token_of(&input), id) {
        (Some(token), _) => token,
        (None, Some(id)) => {
            let ws = state.current().await?;
            let source = sources::get(&ws, &id).await?;
            let reference = source
                .secret_ref
                .unwrap_or_else(|| baton_core::secrets::reference_for(&id));
            state
                .secrets
                .get(&reference)
                .map_err(SyncError::from)?
                .ok_or(SyncError::SecretMissing(source.name))?
        }
        (None, None) => {
            return Err(IpcError::new(
                ErrorCode::InvalidSource,
                "enter the token to test",
            ))
        }
    };
    let outcome = sources::test_connection(
        &spec_of(&input),
        &token,
        &SyncOptions::default(),
        Arc::new(SystemClock),
    )
    .await;
    Ok(match outcome {
        Ok(message) => ConnectionTestDto {
            ok: true,
            code: None,
            message,
        },
        Err(err) => ConnectionTestDto {
            ok: false,
            code: Some(err.code().to_owned()),
            message: err.to_string(),
        },
    })
}

/// Starts a sync of the source now (a sync already running counts).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn sources_sync_now(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    state.current().await?;
    let slot = state.pollers.lock().await;
    let pollers = slot
        .as_ref()
        .ok_or_else(|| IpcError::new(ErrorCode::NoWorkspace, "no workspace is open"))?;
    pollers.sync_now(&id).await?;
    Ok(())
}

/// Cancels the source's running sync; false when none was running.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn sources_cancel(state: State<'_, AppState>, id: String) -> IpcResult<bool> {
    Ok(state
        .pollers
        .lock()
        .await
        .as_ref()
        .is_some_and(|p| p.cancel(&id)))
}

/// The source's latest runs, newest first.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn sources_history(
    state: State<'_, AppState>,
    id: String,
    limit: u32,
) -> IpcResult<Vec<SyncRunDto>> {
    let ws = state.current().await?;
    let runs = repo::sync_runs::recent(ws.pool(), &id, i64::from(limit.clamp(1, 500)))
        .await
        .map_err(baton_core::CoreError::from)?;
    Ok(runs.into_iter().map(SyncRunDto::from).collect())
}
