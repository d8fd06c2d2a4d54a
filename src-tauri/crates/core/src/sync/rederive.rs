//! Rules that re-derive: when a team or provenance rule changes, every item synced before —
//! months ago or a minute ago — is derived again from its stored raw record (`raw_records`),
//! with the same functions the mapping uses (`connectors::{github,jira,gitlab,linear}::map::rule_verdicts`),
//! without asking the source for anything. A preview says how many items would change, and which,
//! before the user confirms; applying writes exactly what the preview counted. So a workspace
//! whose rules changed holds what a sync from scratch under the new rules would hold.
//!
//! Items without a raw record (the demo's, made by hand) keep what they have.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::SqliteConnection;

use crate::connectors::github::model::{Issue as GhIssue, Pull};
use crate::connectors::jira::model::Issue as JiraIssue;
use crate::connectors::{github, jira};
use crate::error::{CoreError, CoreResult};
use crate::graph::model::{Provenance, SourceKind};
use crate::graph::repo;
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};
use crate::rules::eval::Rules;

/// How many changed items a report lists (the count covers them all).
const EXAMPLES: usize = 20;
/// Raw records read at a time.
const BATCH: i64 = 2_000;

/// One item the rules move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RederivedItem {
    pub item_id: String,
    pub key: String,
    pub title: String,
    /// Team names (`None`: no team).
    pub team_before: Option<String>,
    pub team_after: Option<String>,
    pub provenance_before: Provenance,
    pub provenance_after: Provenance,
}

/// What re-deriving changes (a preview) or changed (applied).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RederiveReport {
    /// Items derived again from their raw records.
    pub checked: u32,
    /// Items whose team or provenance differs.
    pub changed: u32,
    pub team_changed: u32,
    pub provenance_changed: u32,
    /// The first changed items, by key.
    pub examples: Vec<RederivedItem>,
    /// True when the changes were written.
    pub applied: bool,
}

/// A new derivation of one item.
struct Update {
    item_id: String,
    team_id: Option<String>,
    provenance: Provenance,
    agent: Option<String>,
    confidence: f64,
}

/// What is stored of an item.
struct Stored {
    id: String,
    key: String,
    title: String,
    team_id: Option<String>,
    provenance: Provenance,
    agent: Option<String>,
    confidence: f64,
}

/// What the rules would change now (nothing is written).
pub async fn preview(ws: &Workspace) -> CoreResult<RederiveReport> {
    let mut conn = ws.pool().acquire().await?;
    let (report, _) = derive(&mut conn).await?;
    Ok(report)
}

/// Re-derives every item with a raw record under the current rules and writes what changed.
pub async fn apply(ws: &Workspace) -> CoreResult<RederiveReport> {
    let (report, _) = ws.write(Apply).await?;
    Ok(report)
}

struct Apply;

impl WriteOp for Apply {
    type Output = RederiveReport;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<RederiveReport> {
        let (mut report, updates) = derive(w.conn()).await?;
        for u in &updates {
            let provenance = u.provenance.as_str();
            sqlx::query!(
                "UPDATE items SET team_id = ?, provenance = ?, provenance_agent = ?, provenance_confidence = ?
                 WHERE id = ?",
                u.team_id,
                provenance,
                u.agent,
                u.confidence,
                u.item_id
            )
            .execute(w.conn())
            .await?;
        }
        if !updates.is_empty() {
            w.changed(ChangeKind::Items);
            w.items_changed(updates.into_iter().map(|u| u.item_id));
        }
        report.applied = true;
        Ok(report)
    }
}

/// Derives every synced item again; the report and the rows to write.
async fn derive(conn: &mut SqliteConnection) -> CoreResult<(RederiveReport, Vec<Update>)> {
    let teams: HashMap<String, String> = repo::teams::list(&mut *conn)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let team_rules = repo::team_rules::list(&mut *conn).await?;
    let provenance_rules = repo::provenance_rules::list(&mut *conn).await?;
    let mut report = RederiveReport {
        checked: 0,
        changed: 0,
        team_changed: 0,
        provenance_changed: 0,
        examples: Vec::new(),
        applied: false,
    };
    let teams_by_name: HashMap<String, String> = teams
        .iter()
        .map(|(id, name)| (name.to_lowercase(), id.clone()))
        .collect();
    let mut updates = Vec::new();
    let mut examples: Vec<RederivedItem> = Vec::new();
    for source in repo::sources::list(&mut *conn).await? {
        let streams: &[&str] = match source.kind {
            SourceKind::Github => &["issues", "pulls"],
            SourceKind::Jira => &[jira::ISSUES_STREAM],
            SourceKind::File => &[crate::connectors::file::ROWS_STREAM],
            SourceKind::Gitlab => &[
                crate::connectors::gitlab::ISSUES_STREAM,
                crate::connectors::gitlab::MERGE_REQUESTS_STREAM,
            ],
            SourceKind::Linear => &[crate::connectors::linear::ISSUES_STREAM],
        };
        let rules = Rules {
            team: team_rules
                .iter()
                .filter(|r| r.source_id.as_deref().is_none_or(|s| s == source.id))
                .cloned()
                .collect(),
            provenance: provenance_rules.clone(),
        };
        let stored = stored_items(conn, &source.id).await?;
        for stream in streams {
            let mut after = String::new();
            loop {
                let page =
                    repo::raw_records::page(&mut *conn, &source.id, stream, &after, BATCH).await?;
                let Some((last, _)) = page.last() else { break };
                after = last.clone();
                for (external_id, json) in &page {
                    let Some((pull, verdict)) =
                        verdicts(source.kind, stream, &rules, &teams_by_name, json)
                    else {
                        continue;
                    };
                    let Some(item) = stored.get(&(external_id.clone(), pull)) else {
                        continue;
                    };
                    report.checked += 1;
                    let (team_id, v) = verdict;
                    let team_moves = team_id != item.team_id;
                    let provenance_moves = v.provenance != item.provenance
                        || v.agent != item.agent
                        || v.confidence != item.confidence;
                    if !(team_moves || provenance_moves) {
                        continue;
                    }
                    report.changed += 1;
                    report.team_changed += u32::from(team_moves);
                    report.provenance_changed += u32::from(provenance_moves);
                    let name = |id: &Option<String>| {
                        id.as_ref()
                            .map(|id| teams.get(id).cloned().unwrap_or_else(|| id.clone()))
                    };
                    examples.push(RederivedItem {
                        item_id: item.id.clone(),
                        key: item.key.clone(),
                        title: item.title.clone(),
                        team_before: name(&item.team_id),
                        team_after: name(&team_id),
                        provenance_before: item.provenance,
                        provenance_after: v.provenance,
                    });
                    updates.push(Update {
                        item_id: item.id.clone(),
                        team_id,
                        provenance: v.provenance,
                        agent: v.agent,
                        confidence: v.confidence,
                    });
                }
                if (page.len() as i64) < BATCH {
                    break;
                }
            }
        }
    }
    examples.sort_by(|a, b| a.key.cmp(&b.key));
    examples.truncate(EXAMPLES);
    report.examples = examples;
    Ok((report, updates))
}

/// A record's team and provenance, as the rules say.
type Verdicts = (Option<String>, crate::rules::eval::ProvenanceVerdict);

/// The rules' verdicts on one raw record, and whether it is a pull request; `None` for a record
/// that is not an item (a pull request's copy in `/issues`) or does not parse.
fn verdicts(
    kind: SourceKind,
    stream: &str,
    rules: &Rules,
    teams_by_name: &HashMap<String, String>,
    json: &str,
) -> Option<(bool, Verdicts)> {
    match (kind, stream) {
        (SourceKind::File, _) => {
            let item: crate::connectors::file::FileItem = serde_json::from_str(json).ok()?;
            let (team, provenance, agent, confidence) =
                crate::connectors::file::map::verdicts(rules, teams_by_name, &item);
            Some((
                false,
                (
                    team,
                    crate::rules::eval::ProvenanceVerdict {
                        provenance,
                        agent,
                        confidence,
                    },
                ),
            ))
        }
        (SourceKind::Github, "issues") => {
            let issue: GhIssue = serde_json::from_str(json).ok()?;
            if issue.pull_request.is_some() {
                return None;
            }
            let key = github::map::key_for(&issue.html_url, "", issue.number);
            Some((
                false,
                github::map::rule_verdicts(
                    rules,
                    &key,
                    &issue.labels,
                    issue.user.as_ref(),
                    issue.body.as_deref(),
                ),
            ))
        }
        (SourceKind::Github, _) => {
            let pull: Pull = serde_json::from_str(json).ok()?;
            let key = github::map::key_for(&pull.html_url, "", pull.number);
            Some((
                true,
                github::map::rule_verdicts(
                    rules,
                    &key,
                    &pull.labels,
                    pull.user.as_ref(),
                    pull.body.as_deref(),
                ),
            ))
        }
        (SourceKind::Gitlab, crate::connectors::gitlab::ISSUES_STREAM) => {
            use crate::connectors::gitlab::{map, model::Issue};
            let issue: Issue = serde_json::from_str(json).ok()?;
            let key = map::issue_key(&issue, "");
            Some((
                false,
                map::rule_verdicts(
                    rules,
                    &key,
                    &issue.labels,
                    issue.author.as_ref(),
                    issue.description.as_deref(),
                ),
            ))
        }
        (SourceKind::Gitlab, _) => {
            use crate::connectors::gitlab::{map, model::MergeRequest};
            let mr: MergeRequest = serde_json::from_str(json).ok()?;
            let key = map::merge_request_key(&mr, "");
            Some((
                true,
                map::rule_verdicts(
                    rules,
                    &key,
                    &mr.labels,
                    mr.author.as_ref(),
                    mr.description.as_deref(),
                ),
            ))
        }
        (SourceKind::Linear, _) => {
            let issue: crate::connectors::linear::model::Issue = serde_json::from_str(json).ok()?;
            Some((
                false,
                crate::connectors::linear::map::rule_verdicts(rules, &issue),
            ))
        }
        (SourceKind::Jira, _) => {
            let issue: JiraIssue = serde_json::from_str(json).ok()?;
            Some((false, jira::map::rule_verdicts(rules, &issue)))
        }
    }
}

/// A source's items by (external id, is a pull request).
async fn stored_items(
    conn: &mut SqliteConnection,
    source_id: &str,
) -> CoreResult<HashMap<(String, bool), Stored>> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", external_id, key, title, kind, team_id,
                  provenance, provenance_agent, provenance_confidence
           FROM items WHERE source_id = ?"#,
        source_id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                (r.external_id, r.kind == "pull_request"),
                Stored {
                    id: r.id,
                    key: r.key,
                    title: r.title,
                    team_id: r.team_id,
                    provenance: Provenance::parse(&r.provenance).unwrap_or(Provenance::Human),
                    agent: r.provenance_agent,
                    confidence: r.provenance_confidence,
                },
            )
        })
        .collect())
}
