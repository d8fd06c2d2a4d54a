//! Deployments waiting for a required reviewer (`deployment_approvals`): what a repository's
//! waiting workflow runs and their pending deployments say now, replaced whole per repository
//! at each sync (a snapshot).

use sqlx::SqliteConnection;

/// A deployment of a waiting workflow run to an environment, waiting for one required reviewer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeploymentApproval {
    pub source_id: String,
    /// The repository: `<namespace>/<repository id>`.
    pub scope: String,
    pub run_id: i64,
    pub environment: String,
    /// The login asked (lower case), or `team:<slug>` for a team.
    pub reviewer: String,
    /// The person asked (None for a team).
    pub person_id: Option<String>,
    /// `owner/name` of the repository as the run names it.
    pub repo: String,
    /// The workflow's name and the run's number.
    pub run_name: String,
    pub run_number: i64,
    /// The run's page.
    pub run_url: String,
    /// The run's `updated_at`, ms (GitHub gives no "waiting since").
    pub since: i64,
    /// Ids of the items waiting: the run's pull requests of the same repository.
    pub items: Vec<String>,
}

impl DeploymentApproval {
    /// The team slug asked, when a team was.
    pub fn team_slug(&self) -> Option<&str> {
        self.reviewer
            .strip_prefix(super::review_requests::TEAM_PREFIX)
    }
}

/// Replaces the rows of repository `scope` of source `source_id` with `rows`.
pub async fn replace(
    conn: &mut SqliteConnection,
    source_id: &str,
    scope: &str,
    rows: &[DeploymentApproval],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM deployment_approvals WHERE source_id = ?1 AND scope = ?2")
        .bind(source_id)
        .bind(scope)
        .execute(&mut *conn)
        .await?;
    if rows.is_empty() {
        return Ok(());
    }
    super::insert_batched(
        conn,
        "INSERT OR REPLACE INTO deployment_approvals \
         (source_id, scope, run_id, environment, reviewer, person_id, repo, run_name, run_number, \
         run_url, since, items) ",
        12,
        "",
        rows,
        |b, r| {
            b.push_bind(r.source_id.as_str())
                .push_bind(r.scope.as_str())
                .push_bind(r.run_id)
                .push_bind(r.environment.as_str())
                .push_bind(r.reviewer.as_str())
                .push_bind(r.person_id.as_deref())
                .push_bind(r.repo.as_str())
                .push_bind(r.run_name.as_str())
                .push_bind(r.run_number)
                .push_bind(r.run_url.as_str())
                .push_bind(r.since)
                .push_bind(serde_json::to_string(&r.items).unwrap_or_else(|_| "[]".into()));
        },
    )
    .await
    .map(|_| ())
}

/// A row as read.
type Row = (
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    i64,
    String,
    i64,
    String,
);

const SELECT: &str = "SELECT source_id, scope, run_id, environment, reviewer, person_id, repo, \
    run_name, run_number, run_url, since, items FROM deployment_approvals";

fn from_row(r: Row) -> DeploymentApproval {
    let (
        source_id,
        scope,
        run_id,
        environment,
        reviewer,
        person_id,
        repo,
        run_name,
        run_number,
        run_url,
        since,
        items,
    ) = r;
    DeploymentApproval {
        source_id,
        scope,
        run_id,
        environment,
        reviewer,
        person_id,
        repo,
        run_name,
        run_number,
        run_url,
        since,
        items: serde_json::from_str(&items).unwrap_or_default(),
    }
}

/// Every deployment waiting, by source, repository, run, environment and reviewer.
pub async fn list<'e, E: sqlx::SqliteExecutor<'e>>(
    exec: E,
) -> sqlx::Result<Vec<DeploymentApproval>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} ORDER BY source_id, scope, run_id, environment, reviewer"
    ))
    .fetch_all(exec)
    .await?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// The rows of one repository, in the same order.
pub async fn of_scope<'e, E: sqlx::SqliteExecutor<'e>>(
    exec: E,
    source_id: &str,
    scope: &str,
) -> sqlx::Result<Vec<DeploymentApproval>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE source_id = ?1 AND scope = ?2 \
         ORDER BY source_id, scope, run_id, environment, reviewer"
    ))
    .bind(source_id)
    .bind(scope)
    .fetch_all(exec)
    .await?;
    Ok(rows.into_iter().map(from_row).collect())
}
