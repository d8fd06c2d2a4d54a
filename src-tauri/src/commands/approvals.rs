//! Decisions and approvals commands: the Decisions page (pending ones and the log), asking a
//! question in Baton, answering one, and the questions an item waits on.

use baton_core::approvals::{
    self, AnswerInput, Approval, ApprovalQuery, ApprovalsReport, NewApproval,
};
use baton_core::decisions::{self, DecisionView};
use baton_core::ErrorCode;
use tauri::State;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

async fn recorded(ws: &baton_core::graph::Workspace, id: &str) -> IpcResult<DecisionView> {
    decisions::decisions_list(ws, None)
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| {
            IpcError::new(
                ErrorCode::Internal,
                format!("decision {id} was not recorded"),
            )
        })
}

/// The Decisions page: pending decisions and approvals (or the log of answered ones), with the
/// waiting-for-a-decision figures per team.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn approvals_report(
    state: State<'_, AppState>,
    query: ApprovalQuery,
) -> IpcResult<ApprovalsReport> {
    let ws = state.current().await?;
    Ok(approvals::approvals_report(&ws, &query, baton_core::time::now_ms()).await?)
}

/// Asks a question in Baton (a decision or an approval, of a person or a team); returns the
/// decision that records it (take it back to withdraw the question).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn approvals_ask(
    state: State<'_, AppState>,
    question: NewApproval,
) -> IpcResult<DecisionView> {
    let ws = state.current().await?;
    let actor = crate::commands::triage::actor(&state);
    let id = approvals::ask(&ws, &question, &actor, baton_core::time::now_ms()).await?;
    recorded(&ws, &id).await
}

/// Answers a pending decision or approval; returns the decision that records the answer.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all, fields(approval = %answer.approval))]
pub async fn approvals_answer(
    state: State<'_, AppState>,
    answer: AnswerInput,
) -> IpcResult<DecisionView> {
    let ws = state.current().await?;
    let actor = crate::commands::triage::actor(&state);
    let id = approvals::answer(&ws, &answer, &actor, baton_core::time::now_ms()).await?;
    recorded(&ws, &id).await
}

/// The pending decisions and approvals an item waits on (its drawer).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn approvals_for_item(
    state: State<'_, AppState>,
    item_id: String,
) -> IpcResult<Vec<Approval>> {
    let ws = state.current().await?;
    Ok(approvals::pending_for_item(&ws, &item_id, baton_core::time::now_ms()).await?)
}
