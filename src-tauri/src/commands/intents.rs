//! Intents: the page (tree, unaligned work, conflicts), an intent's forecast and brief, and
//! what people do to intents (create, edit, archive, reorder, rules, links by hand).

use baton_core::intents::{
    self, brief,
    report::{IntentsQuery, IntentsReport},
    IntentInput, LinkTarget, RuleInput, RulePreview, RuleView,
};
use baton_core::plan::Forecast;
use tauri::State;

use super::triage::actor;
use crate::error::IpcResult;
use crate::state::AppState;

/// The Intents page.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn intents_report(
    state: State<'_, AppState>,
    query: IntentsQuery,
) -> IpcResult<IntentsReport> {
    let ws = state.current().await?;
    Ok(intents::report::intents_report(&ws, &query, baton_core::time::now_ms()).await?)
}

/// An intent's forecast (its open items and what they wait on, each team at its own pace).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(intent = %id))]
pub async fn intents_forecast(
    state: State<'_, AppState>,
    query: IntentsQuery,
    id: String,
) -> IpcResult<Forecast> {
    let ws = state.current().await?;
    Ok(brief::intent_forecast(&ws, &query, &id, baton_core::time::now_ms()).await?)
}

/// The one-page brief of an intent, as a self-contained HTML document.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(intent = %id))]
pub async fn intents_brief(
    state: State<'_, AppState>,
    query: IntentsQuery,
    id: String,
) -> IpcResult<String> {
    let ws = state.current().await?;
    Ok(brief::intent_brief(&ws, &query, &id, baton_core::time::now_ms()).await?)
}

/// The same brief printed to PDF by a headless Chromium (`baton_core::pdf`), as base64 for the
/// save dialog; fails with a message naming what to install when no Chromium is found.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(intent = %id))]
pub async fn intents_brief_pdf(
    state: State<'_, AppState>,
    query: IntentsQuery,
    id: String,
) -> IpcResult<String> {
    use base64::Engine as _;
    let ws = state.current().await?;
    let html = brief::intent_brief(&ws, &query, &id, baton_core::time::now_ms()).await?;
    let pdf = tokio::task::spawn_blocking(move || baton_core::pdf::pdf_of_html(&html))
        .await
        .map_err(|err| baton_core::CoreError::Invalid(format!("the PDF print stopped: {err}")))??;
    Ok(base64::engine::general_purpose::STANDARD.encode(pdf))
}

/// Makes an intent in Baton; returns its id.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn intents_create(
    state: State<'_, AppState>,
    input: IntentInput,
    why: String,
) -> IpcResult<String> {
    let ws = state.current().await?;
    Ok(intents::create(
        &ws,
        &input,
        &actor(&state),
        &why,
        baton_core::time::now_ms(),
    )
    .await?)
}

/// Edits an intent: the fields that change are the person's from then on.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(intent = %id))]
pub async fn intents_edit(
    state: State<'_, AppState>,
    id: String,
    input: IntentInput,
    why: String,
) -> IpcResult<()> {
    let ws = state.current().await?;
    Ok(intents::edit(
        &ws,
        &id,
        &input,
        &actor(&state),
        &why,
        baton_core::time::now_ms(),
    )
    .await?)
}

/// Archives (or restores) an intent.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(intent = %id))]
pub async fn intents_archive(
    state: State<'_, AppState>,
    id: String,
    archived: bool,
    why: String,
) -> IpcResult<()> {
    let ws = state.current().await?;
    Ok(intents::archive(
        &ws,
        &id,
        archived,
        &actor(&state),
        &why,
        baton_core::time::now_ms(),
    )
    .await?)
}

/// Puts sibling intents in this order.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn intents_reorder(state: State<'_, AppState>, ids: Vec<String>) -> IpcResult<()> {
    let ws = state.current().await?;
    Ok(intents::reorder(&ws, &ids, &actor(&state), baton_core::time::now_ms()).await?)
}

/// Every intent rule.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn intents_rules(state: State<'_, AppState>) -> IpcResult<Vec<RuleView>> {
    let ws = state.current().await?;
    Ok(intents::rules_list(&ws).await?)
}

/// What a rule would link, before it is added.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn intents_rule_preview(
    state: State<'_, AppState>,
    rule: RuleInput,
) -> IpcResult<RulePreview> {
    let ws = state.current().await?;
    Ok(intents::preview_rule(&ws, &rule).await?)
}

/// Adds a rule and links what it matches; returns its id.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn intents_rule_add(
    state: State<'_, AppState>,
    rule: RuleInput,
    why: String,
) -> IpcResult<String> {
    let ws = state.current().await?;
    Ok(intents::add_rule(&ws, &rule, &actor(&state), &why, baton_core::time::now_ms()).await?)
}

/// Removes a rule.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(rule = %id))]
pub async fn intents_rule_remove(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    let ws = state.current().await?;
    Ok(intents::remove_rule(&ws, &id, &actor(&state), baton_core::time::now_ms()).await?)
}

/// Links items by hand (to an intent, or deliberately to none): one decision per item.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn intents_link(
    state: State<'_, AppState>,
    item_ids: Vec<String>,
    target: LinkTarget,
    why: String,
) -> IpcResult<Vec<String>> {
    let ws = state.current().await?;
    Ok(intents::link(
        &ws,
        &item_ids,
        &target,
        &actor(&state),
        &why,
        baton_core::time::now_ms(),
    )
    .await?)
}
