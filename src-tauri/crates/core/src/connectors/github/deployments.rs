//! Environment approvals: deployments of a repository's workflow runs that wait for a required
//! reviewer, read as a snapshot each sync (`GET /repos/{o}/{r}/actions/runs?status=waiting`, every
//! `Link` page, then each waiting run's `GET …/actions/runs/{id}/pending_deployments`), mapped to
//! one pending approval per run, environment and reviewer (`deployment_approvals`).
//!
//! GitHub says no "waiting since": a run's `updated_at` (its last change, at the latest when it
//! started waiting) stands for it. A run's `pull_requests` of the same repository are the items
//! waiting (a run of a fork's pull request names it under the base repository; one of another
//! repository is left out); a run without one still asks, for no item. A token without Actions
//! read (403, 404) reads as no waiting deployment, never a failed sync.

use reqwest::Url;
use serde::Deserialize;

use crate::connectors::http::endpoint;
use crate::connectors::{parse_time, Run};
use crate::graph::repo::deployment_approvals::DeploymentApproval;
use crate::graph::repo::review_requests::TEAM_PREFIX;
use crate::ingest::error::SyncError;
use crate::ingest::write::PageWrite;

use super::lifecycle::person;
use super::map::RepoIds;
use super::model::is_bot_account;

/// An answer of `actions/runs`.
#[derive(Debug, Clone, Deserialize)]
pub struct WaitingRuns {
    #[serde(default)]
    pub workflow_runs: Vec<WorkflowRun>,
}

/// A workflow run (the fields read).
#[derive(Debug, Clone, Deserialize)]
pub struct WorkflowRun {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub run_number: i64,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub html_url: String,
    pub updated_at: String,
    #[serde(default)]
    pub pull_requests: Vec<RunPull>,
}

/// A pull request a run was made for.
#[derive(Debug, Clone, Deserialize)]
pub struct RunPull {
    pub number: i64,
    #[serde(default)]
    pub base: Option<RunPullBase>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RunPullBase {
    #[serde(default)]
    pub repo: Option<RunRepo>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RunRepo {
    pub id: i64,
}

/// A deployment of a run waiting at an environment.
#[derive(Debug, Clone, Deserialize)]
pub struct PendingDeployment {
    pub environment: Environment,
    #[serde(default)]
    pub reviewers: Vec<RequiredReviewer>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Environment {
    #[serde(default)]
    pub name: Option<String>,
}

/// A required reviewer: a user (`login`) or a team (`slug`).
#[derive(Debug, Clone, Deserialize)]
pub struct RequiredReviewer {
    #[serde(rename = "type")]
    pub kind: String,
    pub reviewer: ReviewerRef,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReviewerRef {
    #[serde(default)]
    pub login: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

/// The pending approvals of one waiting run: one per environment and required reviewer (a
/// person is named on `page` so the write stores them). Deployments no one is required to approve
/// (a wait timer alone) ask nobody.
pub fn map_run(
    page: &mut PageWrite,
    source_id: &str,
    ids: &RepoIds,
    run: &WorkflowRun,
    pending: &[PendingDeployment],
) -> Vec<DeploymentApproval> {
    let Some(since) = parse_time(&run.updated_at) else {
        return Vec::new();
    };
    let mut items: Vec<String> = run
        .pull_requests
        .iter()
        .filter(|p| {
            p.base
                .as_ref()
                .and_then(|b| b.repo.as_ref())
                .is_none_or(|r| r.id == ids.repo_id)
        })
        .map(|p| ids.item(p.number))
        .collect();
    items.sort();
    items.dedup();
    let mut out: Vec<DeploymentApproval> = Vec::new();
    for deployment in pending {
        let environment = deployment.environment.name.clone().unwrap_or_default();
        for required in &deployment.reviewers {
            let (reviewer, person_id) = match required.kind.as_str() {
                "Team" => match required.reviewer.slug.as_deref() {
                    Some(slug) => (format!("{TEAM_PREFIX}{slug}"), None),
                    None => continue,
                },
                _ => match required.reviewer.login.as_deref() {
                    Some(login) => {
                        let is_bot = is_bot_account(required.reviewer.kind.as_deref(), login);
                        let id = person(page, source_id, login, is_bot);
                        (login.to_lowercase(), Some(id))
                    }
                    None => continue,
                },
            };
            out.push(DeploymentApproval {
                source_id: source_id.to_owned(),
                scope: scope(ids),
                run_id: run.id,
                environment: environment.clone(),
                reviewer,
                person_id,
                repo: ids.full_name.clone(),
                run_name: run.name.clone().unwrap_or_default(),
                run_number: run.run_number,
                run_url: run.html_url.clone(),
                since,
                items: items.clone(),
            });
        }
    }
    out.sort();
    out.dedup_by(|a, b| {
        (a.run_id, &a.environment, &a.reviewer) == (b.run_id, &b.environment, &b.reviewer)
    });
    out
}

/// How the rows of a repository are scoped: `<namespace>/<repository id>`.
pub fn scope(ids: &RepoIds) -> String {
    format!("{}/{}", ids.ns, ids.repo_id)
}

/// The most runs read of one repository's waiting list (a server whose next links never end
/// cannot keep a sync going).
const MAX_RUN_PAGES: u32 = 100;

/// Reads what waits now and, when it differs from what is stored, commits the repository's new
/// snapshot on `stream`. No Actions read (403/404 on the list) reads as nothing waiting.
pub async fn sync(
    run: &mut Run<'_>,
    root: &Url,
    ids: &RepoIds,
    stream: &str,
) -> Result<(), SyncError> {
    let source_id = run.source.id.clone();
    let mut page = PageWrite::new(stream);
    let mut rows: Vec<DeploymentApproval> = Vec::new();
    let query = [
        ("status", "waiting".to_owned()),
        ("per_page", "100".to_owned()),
    ];
    let mut url = Some(endpoint(
        root,
        &format!("repos/{}/actions/runs", ids.full_name),
        &query,
    )?);
    let mut pages = 0;
    let mut waiting: Vec<WorkflowRun> = Vec::new();
    while let Some(at) = url.take() {
        run.check_cancel()?;
        match run.http.get_json::<WaitingRuns>(&at).await {
            Ok((list, response)) => {
                waiting.extend(list.workflow_runs);
                pages += 1;
                url = run.http.next_page(&response)?;
                if pages >= MAX_RUN_PAGES && url.is_some() {
                    tracing::warn!(repo = %ids.full_name, "the waiting runs kept going; read their first {MAX_RUN_PAGES} pages");
                    url = None;
                }
            }
            Err(err) if no_actions(&err) => {
                tracing::debug!(repo = %ids.full_name, error = %err, "no Actions read: no deployment approvals");
                waiting.clear();
                break;
            }
            Err(err) => return Err(err),
        }
    }
    waiting.sort_by_key(|r| r.id);
    waiting.dedup_by_key(|r| r.id);
    for w in waiting
        .iter()
        .filter(|w| w.status.as_deref().is_none_or(|s| s == "waiting"))
    {
        run.check_cancel()?;
        let at = endpoint(
            root,
            &format!(
                "repos/{}/actions/runs/{}/pending_deployments",
                ids.full_name, w.id
            ),
            &[],
        )?;
        let pending = match run.http.get_json::<Vec<PendingDeployment>>(&at).await {
            Ok((pending, _)) => pending,
            // The run stopped waiting in between, or the token may not see it.
            Err(err) if no_actions(&err) => Vec::new(),
            Err(err) => return Err(err),
        };
        rows.extend(map_run(&mut page, &source_id, ids, w, &pending));
    }
    rows.sort();
    let scope = scope(ids);
    let stored =
        crate::graph::repo::deployment_approvals::of_scope(run.ws.pool(), &source_id, &scope)
            .await?;
    let mut stored_sorted = stored;
    stored_sorted.sort();
    if stored_sorted == rows {
        return Ok(());
    }
    page.deployment_approvals = Some((scope, rows));
    run.commit(page).await?;
    Ok(())
}

/// A refusal that means the token cannot read the repository's Actions (or the run is gone).
fn no_actions(err: &SyncError) -> bool {
    matches!(err, SyncError::NoAccess(_) | SyncError::MissingScope { .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The recorded answers' bodies (each file is octokit's `{ data, headers, ... }`): the
    /// waiting runs, and each run's pending deployments by run id. Read here rather than through
    /// `replay` (the fake server's own reader), which a connector must not reach.
    fn recorded_waiting_runs(
        dir: &std::path::Path,
    ) -> (
        Vec<serde_json::Value>,
        std::collections::HashMap<i64, serde_json::Value>,
    ) {
        let read = |name: String| -> serde_json::Value {
            let text = std::fs::read_to_string(dir.join(&name)).expect("a recorded answer");
            serde_json::from_str(&text).expect("recorded JSON")
        };
        let list = read("GET-repos-owner-repo-actions-runs.json".into());
        let runs = list["data"]["workflow_runs"]
            .as_array()
            .cloned()
            .expect("workflow_runs recorded");
        let pending = runs
            .iter()
            .filter_map(|run| run["id"].as_i64())
            .map(|id| {
                let answer = read(format!(
                    "GET-repos-owner-repo-actions-runs-{id}-pending_deployments.json"
                ));
                (id, answer["data"].clone())
            })
            .collect();
        (runs, pending)
    }

    fn ids() -> RepoIds {
        RepoIds {
            ns: "github.com".into(),
            repo_id: 116_552_009,
            full_name: "activescott/serverless-aws-static-file-handler".into(),
        }
    }

    /// The real recording (api.github.com, 16 January 2023, `tests/fixtures/github/
    /// environment-approval/`): two runs wait for the environment `aws`, whose one required
    /// reviewer is the user activescott; run 451 was made for pull request #214, run 397 names
    /// no pull request.
    #[test]
    fn recorded_waiting_runs_map_to_one_approval_per_run_environment_and_reviewer() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../tests/fixtures/github/environment-approval");
        let (runs, pending) = recorded_waiting_runs(&dir);
        let mut page = PageWrite::new("deployments:x");
        let mut rows = Vec::new();
        for value in &runs {
            let run: WorkflowRun = serde_json::from_value(value.clone()).expect("a run");
            let deployments: Vec<PendingDeployment> =
                serde_json::from_value(pending[&run.id].clone()).expect("its pending deployments");
            rows.extend(map_run(&mut page, "gh1", &ids(), &run, &deployments));
        }
        rows.sort();
        type Seen<'a> = (
            i64,
            &'a str,
            &'a str,
            Option<&'a str>,
            i64,
            &'a str,
            i64,
            Vec<String>,
        );
        let seen: Vec<Seen<'_>> = rows
            .iter()
            .map(|r| {
                (
                    r.run_id,
                    r.environment.as_str(),
                    r.reviewer.as_str(),
                    r.person_id.as_deref(),
                    r.run_number,
                    r.run_name.as_str(),
                    r.since,
                    r.items.clone(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                (
                    3_616_268_941,
                    "aws",
                    "activescott",
                    Some("gh1:activescott"),
                    397,
                    "build",
                    parse_time("2023-01-04T02:14:41Z").unwrap(),
                    vec![],
                ),
                (
                    3_927_176_162,
                    "aws",
                    "activescott",
                    Some("gh1:activescott"),
                    451,
                    "build",
                    parse_time("2023-01-16T04:28:33Z").unwrap(),
                    vec!["gh:github.com/116552009#214".to_owned()],
                ),
            ]
        );
        assert!(rows.iter().all(|r| r.scope == "github.com/116552009"));
        assert_eq!(
            rows[1].run_url,
            "https://github.com/activescott/serverless-aws-static-file-handler/actions/runs/3927176162"
        );
        assert_eq!(page.people.len(), 1, "the reviewer is named once");
        assert!(!page.people[0].is_bot);
    }

    #[test]
    fn teams_other_repositories_and_duplicates() {
        let run: WorkflowRun = serde_json::from_value(serde_json::json!({
            "id": 7, "name": "deploy", "run_number": 3, "status": "waiting",
            "html_url": "https://github.com/o/r/actions/runs/7",
            "updated_at": "2026-01-05T10:00:00Z",
            "pull_requests": [
                {"number": 9, "base": {"repo": {"id": 116552009}}},
                {"number": 4, "base": {"repo": {"id": 1}}},
                {"number": 9, "base": {"repo": {"id": 116552009}}}
            ]
        }))
        .unwrap();
        let pending: Vec<PendingDeployment> = serde_json::from_value(serde_json::json!([
            {"environment": {"name": "prod"}, "wait_timer": 0, "reviewers": [
                {"type": "Team", "reviewer": {"slug": "release-managers", "name": "Release managers"}},
                {"type": "User", "reviewer": {"login": "Ann", "type": "User"}},
                {"type": "User", "reviewer": {"login": "Ann", "type": "User"}}
            ]},
            {"environment": {"name": "staging"}, "wait_timer": 30, "reviewers": []}
        ]))
        .unwrap();
        let mut page = PageWrite::new("deployments:x");
        let rows = map_run(&mut page, "gh1", &ids(), &run, &pending);
        let seen: Vec<(&str, &str, Option<&str>, &[String])> = rows
            .iter()
            .map(|r| {
                (
                    r.environment.as_str(),
                    r.reviewer.as_str(),
                    r.person_id.as_deref(),
                    r.items.as_slice(),
                )
            })
            .collect();
        let item = vec!["gh:github.com/116552009#9".to_owned()];
        assert_eq!(
            seen,
            vec![
                ("prod", "ann", Some("gh1:Ann"), item.as_slice()),
                ("prod", "team:release-managers", None, item.as_slice()),
            ],
            "one per reviewer (a team by its slug), the pull request of another repository left \
             out, a deployment with only a wait timer asks nobody"
        );
    }
}
