//! Shared set-up of the sync tests: a fresh workspace, a fake clock, an in-memory secret store,
//! a progress recorder, and the real recorded fixtures (copied into `tests/fixtures`).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use baton_core::connectors::github::GithubScope;
use baton_core::connectors::gitlab::GitlabScope;
use baton_core::connectors::jira::JiraScope;
use baton_core::connectors::linear::LinearScope;
use baton_core::connectors::SourceScope;
use baton_core::graph::Workspace;
use baton_core::secrets::{MemorySecretStore, Secret};
use baton_core::sync::clock::FakeClock;
use baton_core::sync::progress::SyncProgress;
use baton_core::sync::sources::{self, SourceInput};
use baton_core::sync::{run_source, RunReport, SyncContext, SyncOptions};
use tokio_util::sync::CancellationToken;

/// 2026-03-02T00:00:00Z: "now" for every sync test (after every fixture's times).
pub const NOW: i64 = 1_772_409_600_000;
pub const GH_TOKEN: &str = "ghp_TESTTOKEN0123456789abcdefXYZ";
pub const JIRA_EMAIL: &str = "lead@example.com";
pub const JIRA_TOKEN: &str = "ATATT3xTESTTOKENjira0123456789";
pub const GL_TOKEN: &str = "glpat-TESTTOKENgitlab0123456789";
pub const LIN_TOKEN: &str = "lin_api_TESTTOKENlinear0123456789abcdef";

/// The fixtures folder.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Options for tests: small pages; timeouts generous enough for a loaded CI machine.
pub fn options() -> SyncOptions {
    let mut options = SyncOptions {
        page_size: 10,
        ..SyncOptions::default()
    };
    options.http.timeout = Duration::from_secs(10);
    options.http.connect_timeout = Duration::from_secs(10);
    options
}

pub struct Harness {
    pub _dir: tempfile::TempDir,
    pub ws: Workspace,
    pub clock: Arc<FakeClock>,
    pub secrets: Arc<MemorySecretStore>,
    pub events: Arc<Mutex<Vec<SyncProgress>>>,
    pub ctx: SyncContext,
}

impl Harness {
    pub async fn new() -> Harness {
        Harness::with_options(options()).await
    }

    pub async fn with_options(options: SyncOptions) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::create(&dir.path().join("sync.baton"))
            .await
            .unwrap();
        Harness::over(dir, ws, Arc::new(MemorySecretStore::new()), options)
    }

    /// A harness over a workspace file made elsewhere (opened, so its pending migrations run),
    /// with the tokens in `secrets`.
    pub async fn open(
        dir: tempfile::TempDir,
        file: &std::path::Path,
        secrets: Arc<MemorySecretStore>,
    ) -> Harness {
        let ws = Workspace::open(file).await.unwrap();
        Harness::over(dir, ws, secrets, options())
    }

    fn over(
        dir: tempfile::TempDir,
        ws: Workspace,
        secrets: Arc<MemorySecretStore>,
        options: SyncOptions,
    ) -> Harness {
        let clock = Arc::new(FakeClock::new(NOW));
        let events: Arc<Mutex<Vec<SyncProgress>>> = Arc::default();
        let sink_events = events.clone();
        let ctx = SyncContext {
            ws: ws.clone(),
            secrets: secrets.clone(),
            clock: clock.clone(),
            progress: Arc::new(move |p| sink_events.lock().unwrap().push(p)),
            options,
        };
        Harness {
            _dir: dir,
            ws,
            clock,
            secrets,
            events,
            ctx,
        }
    }

    pub async fn add_github(&self, base_url: &str, token: &str) -> String {
        self.add(&github_input(
            "GitHub ants",
            base_url,
            &["panjf2000/ants"],
            token,
        ))
        .await
    }

    /// Adds a source; its id.
    pub async fn add(&self, input: &SourceInput) -> String {
        sources::add(&self.ws, self.secrets.as_ref(), None, input, NOW)
            .await
            .unwrap()
            .id
    }

    pub async fn add_jira(&self, base_url: &str, token: &str, projects: &[&str]) -> String {
        self.add(&jira_input("Jira merico", base_url, projects, token))
            .await
    }

    /// A GitLab source of the recorded project (`gitlab-data/snowflake_spend`).
    pub async fn add_gitlab(&self, base_url: &str, token: &str) -> String {
        self.add(&gitlab_input(
            "GitLab snowflake_spend",
            base_url,
            None,
            &["gitlab-data/snowflake_spend"],
            token,
        ))
        .await
    }

    /// A Linear source of every team of the hand-made workspace.
    pub async fn add_linear(&self, base_url: &str, token: &str) -> String {
        self.add(&linear_input("Linear acme", base_url, &[], false, token))
            .await
    }

    pub async fn sync(&self, source_id: &str) -> RunReport {
        run_source(&self.ctx, source_id, CancellationToken::new())
            .await
            .unwrap()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.ws.pool())
            .await
            .unwrap()
    }

    pub async fn strings(&self, sql: &str) -> Vec<String> {
        sqlx::query_scalar(sql)
            .fetch_all(self.ws.pool())
            .await
            .unwrap()
    }

    /// Every link as `from-key kind to-key` (items are keyed by the source's ids; tests read
    /// them by their keys), sorted.
    pub async fn key_links(&self) -> Vec<String> {
        self.strings(
            "SELECT f.key || ' ' || l.kind || ' ' || t.key FROM links l
             JOIN items f ON f.id = l.from_item_id JOIN items t ON t.id = l.to_item_id ORDER BY 1",
        )
        .await
    }

    /// The id of the item with `key`.
    pub async fn id_of(&self, key: &str) -> String {
        sqlx::query_scalar("SELECT id FROM items WHERE key = ?")
            .bind(key)
            .fetch_one(self.ws.pool())
            .await
            .unwrap_or_else(|err| panic!("no item {key}: {err}"))
    }

    /// A fingerprint of everything a sync writes (but run bookkeeping), for comparing runs.
    pub async fn fingerprint(&self) -> Vec<String> {
        let mut rows = Vec::new();
        for sql in [
            "SELECT json_array(id, key, kind, title, team_id, owner_id, author_id, provenance, provenance_agent, raw_state, flow_state, wait_reason, created_at, started_at, done_at, updated_at) FROM items ORDER BY id",
            "SELECT json_array(item_id, event_id, kind, from_state, to_state, at, actor_id) FROM transitions ORDER BY item_id, event_id",
            "SELECT json_array(from_item_id, to_item_id, kind, origin, removed_at, found_in) FROM links ORDER BY 1",
            "SELECT json_array(from_item_id, to_item_id, kind) FROM pending_links ORDER BY 1",
            "SELECT json_array(id, display_name, is_bot) FROM people ORDER BY id",
            "SELECT json_array(source_id, login, person_id) FROM identities ORDER BY 1",
            "SELECT json_array(source_id, stream, external_id, length(payload)) FROM raw_records ORDER BY 1",
            "SELECT json_array(source_id, item_kind, raw_state, flow_state, wait_reason) FROM workflow_maps ORDER BY 1",
        ] {
            rows.extend(self.strings(sql).await);
        }
        // Source ids are generated per workspace: compare without them.
        let ids = self.strings("SELECT id FROM sources").await;
        rows.into_iter()
            .map(|row| {
                ids.iter()
                    .fold(row, |row, id| row.replace(id.as_str(), "<source>"))
            })
            .collect()
    }
}

/// A GitHub source's settings.
pub fn github_input(name: &str, base_url: &str, repos: &[&str], token: &str) -> SourceInput {
    SourceInput {
        name: name.into(),
        base_url: base_url.into(),
        poll_interval_minutes: 10,
        token: Some(Secret::new(token)),
        scope: SourceScope::Github(GithubScope {
            org: None,
            repos: repos.iter().map(|r| r.to_string()).collect(),
        }),
    }
}

/// A Jira source's settings (the account is `JIRA_EMAIL`).
pub fn jira_input(name: &str, base_url: &str, projects: &[&str], token: &str) -> SourceInput {
    SourceInput {
        name: name.into(),
        base_url: base_url.into(),
        poll_interval_minutes: 10,
        token: Some(Secret::new(token)),
        scope: SourceScope::Jira(JiraScope {
            email: JIRA_EMAIL.into(),
            projects: projects.iter().map(|p| p.to_string()).collect(),
            jql: None,
        }),
    }
}

/// A GitLab source's settings.
pub fn gitlab_input(
    name: &str,
    base_url: &str,
    group: Option<&str>,
    projects: &[&str],
    token: &str,
) -> SourceInput {
    SourceInput {
        name: name.into(),
        base_url: base_url.into(),
        poll_interval_minutes: 10,
        token: Some(Secret::new(token)),
        scope: SourceScope::Gitlab(GitlabScope {
            group: group.map(str::to_owned),
            projects: projects.iter().map(|p| p.to_string()).collect(),
        }),
    }
}

/// A Linear source's settings.
pub fn linear_input(
    name: &str,
    base_url: &str,
    teams: &[&str],
    oauth: bool,
    token: &str,
) -> SourceInput {
    SourceInput {
        name: name.into(),
        base_url: base_url.into(),
        poll_interval_minutes: 10,
        token: Some(Secret::new(token)),
        scope: SourceScope::Linear(LinearScope {
            teams: teams.iter().map(|t| t.to_string()).collect(),
            oauth,
        }),
    }
}

/// Asserts two fingerprints are equal, showing only the rows that differ.
pub fn assert_same(left: &[String], right: &[String], why: &str) {
    let only_left: Vec<&String> = left.iter().filter(|r| !right.contains(r)).take(5).collect();
    let only_right: Vec<&String> = right.iter().filter(|r| !left.contains(r)).take(5).collect();
    assert!(
        left.len() == right.len() && only_left.is_empty() && only_right.is_empty(),
        "{why}\n{} vs {} rows\nonly in the first: {only_left:#?}\nonly in the second: {only_right:#?}",
        left.len(),
        right.len()
    );
}
