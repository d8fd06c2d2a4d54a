//! Planning sessions: a frozen copy of the workspace to plan on while the live one keeps
//! syncing. "Start a session" copies the workspace as it is now (`VACUUM INTO`, one consistent
//! read) into a file beside it, marked as a session's copy (`session_self`): it is never synced,
//! so its numbers do not move while people decide. The scenarios and decisions made in it are
//! merged back into the live workspace afterwards. Definitions in `docs/metrics.md`
//! ("Planning sessions").

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;
use specta::Type;

use crate::decisions::bounded;
use crate::error::{CoreError, CoreResult};
use crate::graph::repo::decisions::DecisionRow;
use crate::graph::repo::scenarios::{self as repo, ScenarioRow, SessionRow};
use crate::graph::repo::{self as repos};
use crate::graph::snapshot::Stamp;
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};

/// A planning session started from a workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PlanSession {
    pub id: String,
    pub name: String,
    /// The frozen copy.
    pub file: String,
    pub started_by: String,
    /// RFC 3339: the moment the copy holds.
    pub started_at: String,
    pub merged_at: Option<String>,
    pub merged_by: Option<String>,
}

/// Whether the open workspace is a session's copy, and the sessions started from it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionStatus {
    /// Set when this file is a session's frozen copy.
    pub this_session: Option<SessionCopy>,
    /// Sessions started from this workspace, newest first.
    pub sessions: Vec<PlanSession>,
}

/// What a session's copy knows of itself.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionCopy {
    pub id: String,
    /// The live workspace it was copied from.
    pub source: String,
    pub started_at: String,
}

/// What a merge brought back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MergeReport {
    /// Scenarios made in the session, new to the live workspace.
    pub scenarios_added: u32,
    /// Scenarios edited in the session and not in the live workspace since: saved over.
    pub scenarios_updated: u32,
    /// Scenarios edited on both sides since the session started: the session's version is
    /// added beside the live one ("… (session NAME)"), nothing is overwritten.
    pub scenarios_kept_apart: u32,
    /// Decisions taken in the session (triage, owners, answers), appended.
    pub decisions_added: u32,
}

fn view(r: SessionRow) -> PlanSession {
    PlanSession {
        id: r.id,
        name: r.name,
        file: r.file,
        started_by: r.started_by,
        started_at: crate::time::to_rfc3339(r.started_at),
        merged_at: r.merged_at.map(crate::time::to_rfc3339),
        merged_by: r.merged_by,
    }
}

/// The session status of a workspace.
pub async fn status(ws: &Workspace) -> CoreResult<SessionStatus> {
    let this_session = repo::session_self(ws.pool())
        .await?
        .map(|(id, source, started_at)| SessionCopy {
            id,
            source,
            started_at: crate::time::to_rfc3339(started_at),
        });
    let sessions = repo::sessions(ws.pool())
        .await?
        .into_iter()
        .map(view)
        .collect();
    Ok(SessionStatus {
        this_session,
        sessions,
    })
}

/// Whether the workspace is a session's frozen copy (never synced).
pub async fn is_session_copy(ws: &Workspace) -> CoreResult<bool> {
    Ok(repo::session_self(ws.pool()).await?.is_some())
}

/// The copy's file name: beside the workspace, named after it and the session.
fn copy_path(workspace: &Path, id: &str) -> PathBuf {
    let stem = workspace
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "workspace".into());
    workspace.with_file_name(format!("{stem}.{id}.baton"))
}

struct RecordSession(SessionRow);

impl WriteOp for RecordSession {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<()> {
        repo::insert_session(&mut *w.conn(), &self.0).await?;
        w.changed(ChangeKind::Plans);
        Ok(())
    }
}

/// Starts a session: copies the workspace as it is now into a file beside it, marks the copy,
/// and records the session in the workspace. Returns the session (its `file` is the copy to
/// open).
pub async fn start(ws: &Workspace, name: &str, actor: &str, now: i64) -> CoreResult<PlanSession> {
    ws.ensure_writable()?;
    if is_session_copy(ws).await? {
        return Err(CoreError::Invalid(
            "this is already a planning session's copy: start sessions from the live workspace"
                .into(),
        ));
    }
    let name = bounded(name, "the session's name")?;
    let name = if name.is_empty() {
        format!("Planning session {}", &crate::time::to_rfc3339(now)[..10])
    } else {
        name
    };
    let actor = bounded(actor, "the name of who plans")?;
    let id = format!(
        "session-{}",
        &crate::decisions::new_decision_id(now)[4..].replace('-', "")
    );
    let file = copy_path(ws.path(), &id);
    if file.exists() {
        return Err(CoreError::Invalid(format!(
            "{} exists already",
            file.display()
        )));
    }
    let target = file.to_string_lossy().into_owned();
    // One statement, one read transaction: the copy is the workspace at one instant, whatever a
    // sync writes meanwhile. (Not a checked query: VACUUM has no result to describe.)
    sqlx::query("VACUUM INTO ?")
        .bind(&target)
        .execute(ws.pool())
        .await?;
    let copy = Workspace::open(&file).await?;
    repo::set_session_self(copy.pool(), &id, &ws.path().to_string_lossy(), now).await?;
    let stamp = {
        let mut conn = copy.pool().acquire().await?;
        Stamp::read(&mut conn).await?
    };
    copy.close().await;
    // The copy holds the rows the live index was built from: its index snapshot is the live
    // one under the copy's stamp, so the session opens without building its index. (A copied
    // file would be judged stale: VACUUM moves the schema cookie the stamp holds.) When neither
    // the live index nor its snapshot holds the copied state, the copy builds its own on open.
    match ws.save_index_for_copy(&file, &stamp).await {
        Ok(true) => {}
        Ok(false) => tracing::info!("the session's copy builds its own index on open"),
        Err(err) => {
            tracing::warn!(%err, "the index snapshot was not written; the session builds its own")
        }
    }
    let row = SessionRow {
        id,
        name,
        file: target,
        started_by: actor,
        started_at: now,
        merged_at: None,
        merged_by: None,
    };
    ws.write(RecordSession(row.clone())).await?;
    Ok(view(row))
}

struct MergeSession {
    session: String,
    session_name: String,
    started_at: i64,
    scenarios: Vec<ScenarioRow>,
    decisions: Vec<DecisionRow>,
    actor: String,
    now: i64,
}

impl WriteOp for MergeSession {
    type Output = MergeReport;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<MergeReport> {
        let mut report = MergeReport::default();
        let live = repo::list(&mut *w.conn()).await?;
        let names: HashSet<String> = live.iter().map(|s| s.name.clone()).collect();
        for s in self
            .scenarios
            .into_iter()
            .filter(|s| s.updated_at >= self.started_at)
        {
            match live.iter().find(|l| l.id == s.id) {
                Some(l) if l.updated_at < self.started_at => {
                    if l.body == s.body && l.name == s.name && l.notes == s.notes {
                        continue;
                    }
                    repo::upsert(&mut *w.conn(), &s).await?;
                    report.scenarios_updated += 1;
                }
                Some(l) if l.body == s.body && l.name == s.name && l.notes == s.notes => {}
                other => {
                    // New in the session, or edited on both sides: added, never overwriting.
                    let both = other.is_some();
                    let mut row = s.clone();
                    if both || names.contains(&row.name) {
                        row.id = format!("{}-{}", row.id, self.session);
                        row.name = format!("{} (session {})", row.name, self.session_name);
                    }
                    if repo::get(&mut *w.conn(), &row.id).await?.is_some() {
                        continue;
                    }
                    repo::upsert(&mut *w.conn(), &row).await?;
                    if both {
                        report.scenarios_kept_apart += 1;
                    } else {
                        report.scenarios_added += 1;
                    }
                }
            }
        }
        let known: HashSet<String> = repos::decisions::list(&mut *w.conn())
            .await?
            .into_iter()
            .map(|d| d.id)
            .collect();
        for d in self
            .decisions
            .iter()
            .filter(|d| d.created_at >= self.started_at && !known.contains(&d.id))
        {
            repos::decisions::insert(&mut *w.conn(), d).await?;
            report.decisions_added += 1;
        }
        repo::mark_merged(&mut *w.conn(), &self.session, &self.actor, self.now).await?;
        w.changed(ChangeKind::Plans);
        if report.decisions_added > 0 {
            w.changed(ChangeKind::Decisions);
        }
        Ok(report)
    }
}

/// Merges what was decided in the session copy at `copy` back into `live`: scenarios made or
/// edited in it, and the decisions taken in it (decisions are append-only: nothing in the live
/// workspace is overwritten). Merging twice brings nothing new the second time.
pub async fn merge(
    live: &Workspace,
    copy: &Path,
    actor: &str,
    now: i64,
) -> CoreResult<MergeReport> {
    let session = Workspace::open_for_reading(copy).await?;
    let Some((id, _, started_at)) = repo::session_self(session.pool()).await? else {
        session.close().await;
        return Err(CoreError::Invalid(format!(
            "{} is not a planning session's copy",
            copy.display()
        )));
    };
    let scenarios = repo::list(session.pool()).await?;
    let decisions = repos::decisions::list(session.pool()).await?;
    session.close().await;
    let Some(row) = repo::sessions(live.pool())
        .await?
        .into_iter()
        .find(|s| s.id == id)
    else {
        return Err(CoreError::Invalid(format!(
            "{} is a session of another workspace, not of {}",
            copy.display(),
            live.path().display()
        )));
    };
    let actor = bounded(actor, "the name of who plans")?;
    Ok(live
        .write(MergeSession {
            session: id,
            session_name: row.name,
            started_at,
            scenarios,
            decisions,
            actor,
            now,
        })
        .await?
        .0)
}
