//! `baton sync` and `baton source …`: the same sync code as the app, headless, with a progress
//! line (indicatif) on a terminal. Tokens go to the system keychain (read from an environment variable or
//! stdin, never from the command line); `--token-env` lets a headless machine without a keychain
//! sync with a token from the environment for this run only.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use baton_core::connectors::file::{FileColumns, FileFormat, FileScope};
use baton_core::connectors::github::GithubScope;
use baton_core::connectors::gitlab::GitlabScope;
use baton_core::connectors::jira::JiraScope;
use baton_core::connectors::linear::LinearScope;
use baton_core::connectors::{syncable, SourceScope};
use baton_core::graph::repo;
use baton_core::graph::Workspace;
use baton_core::secrets::{MemorySecretStore, Secret, SecretStore};
use baton_core::sync::clock::{Clock, SystemClock};
use baton_core::sync::error::SyncError;
use baton_core::sync::progress::{RunStatus, SyncProgress};
use baton_core::sync::sources::{
    self, ConnectionTest, SourceInput, SourceView, DEFAULT_POLL_INTERVAL_MINUTES,
    MAX_POLL_INTERVAL_MINUTES,
};
use baton_core::sync::{run_source, SyncContext, SyncOptions};
use baton_core::{CoreError, ErrorCode};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio_util::sync::CancellationToken;

use crate::table::{self, Layout};
use crate::term::cell;

/// `baton sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The workspace file.
    file: PathBuf,
    /// Only this source (name or id); default every enabled source.
    #[arg(long)]
    source: Option<String>,
    /// Read the source's token from this environment variable instead of the keychain (for
    /// headless machines; needs --source).
    #[arg(long, requires = "source")]
    token_env: Option<String>,
    /// Items per page (GitHub per_page, Jira maxResults; 1 to 100).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100))]
    page_size: u32,
}

/// The kind of source to add.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Github,
    Jira,
    /// gitlab.com or a self-managed GitLab: see --group and --project.
    Gitlab,
    /// Linear (a personal API key, or an OAuth token with --oauth): see --team.
    Linear,
    /// A file on this computer (no token): see --path and --format.
    File,
}

/// The layout of a file source.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Baton's JSON lines (what `baton export` writes).
    Jsonl,
    /// Jira's CSV export.
    JiraCsv,
    /// One row per item, one column per state holding the date it was entered.
    StatesCsv,
}

/// `baton source …`.
// Parsed once per process: the size of a variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Add a GitHub, Jira Cloud, GitLab, Linear or file source; a token goes to the system
    /// keychain.
    Add {
        file: PathBuf,
        #[arg(long, value_enum)]
        kind: KindArg,
        #[arg(long)]
        name: String,
        /// GitHub: the API root (default https://api.github.com; Enterprise:
        /// https://HOST/api/v3). Jira: the site, https://YOUR-SITE.atlassian.net. GitLab: the
        /// instance (default https://gitlab.com). Linear: the API (default
        /// https://api.linear.app).
        #[arg(long, default_value = "")]
        url: String,
        /// GitHub: a repository owner/name (repeatable)...
        #[arg(long = "repo")]
        repos: Vec<String>,
        /// ...or every repository of an organisation.
        #[arg(long)]
        org: Option<String>,
        /// Jira: the account's e-mail.
        #[arg(long)]
        email: Option<String>,
        /// Jira: a project key (repeatable)... GitLab: a project path, group/project
        /// (repeatable)...
        #[arg(long = "project")]
        projects: Vec<String>,
        /// GitLab: ...and/or every project of a group (with its subgroups), by path.
        #[arg(long)]
        group: Option<String>,
        /// ...and/or a JQL filter.
        #[arg(long)]
        jql: Option<String>,
        /// Linear: a team key, like ENG (repeatable); none: every team the token can see.
        #[arg(long = "team")]
        teams: Vec<String>,
        /// Linear: the token is an OAuth access token (sent as Bearer), not a personal API key.
        #[arg(long)]
        oauth: bool,
        /// File: the file's path.
        #[arg(long)]
        path: Option<PathBuf>,
        /// File: its layout.
        #[arg(long, value_enum, default_value = "jsonl")]
        format: FormatArg,
        /// File: which column holds what, as FIELD=COLUMN (repeatable). Fields: id, key,
        /// title, type, team, state, created, updated, resolved, owner, author, priority,
        /// estimate, labels, parent. Jira's export needs none; a states file reads only the
        /// columns named.
        #[arg(long = "column", value_parser = parse_column)]
        columns: Vec<(String, String)>,
        /// File (states CSV): a state column, in workflow order (repeatable).
        #[arg(long = "state-column")]
        state_columns: Vec<String>,
        /// File: how dates are written when Baton cannot tell (chrono's format, e.g.
        /// %d/%m/%Y), read in UTC.
        #[arg(long)]
        date_format: Option<String>,
        /// Minutes between scheduled syncs in the app (1 to 525,600, a year).
        #[arg(long, default_value_t = DEFAULT_POLL_INTERVAL_MINUTES,
              value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_POLL_INTERVAL_MINUTES)))]
        interval_minutes: u32,
        /// Read the token from this environment variable...
        #[arg(long, conflicts_with = "token_stdin")]
        token_env: Option<String>,
        /// ...or from standard input.
        #[arg(long)]
        token_stdin: bool,
        /// Skip the connection test before saving.
        #[arg(long)]
        no_test: bool,
        /// Do not store the token (for machines without a keychain): `baton sync` then needs
        /// `--token-env`.
        #[arg(long)]
        no_keychain: bool,
    },
    /// List the sources with their last sync.
    List { file: PathBuf },
    /// Remove a source, everything synced from it, and its token.
    Remove { file: PathBuf, name: String },
    /// Test a source's connection with its stored token.
    Test { file: PathBuf, name: String },
    /// Show a source's sync history.
    History {
        file: PathBuf,
        name: String,
        /// Runs to show (1 to 1,000).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1_000))]
        limit: u32,
    },
}

fn sync_failed(err: SyncError) -> CoreError {
    match err {
        SyncError::Core(core) => core,
        other => CoreError::Invalid(format!("{} [{}]", other, other.code())),
    }
}

fn read_token(token_env: Option<&str>, token_stdin: bool) -> Result<Secret, CoreError> {
    if let Some(var) = token_env {
        let value = std::env::var(var).map_err(|_| {
            CoreError::Invalid(format!("the environment variable {var} is not set"))
        })?;
        return Ok(Secret::new(value));
    }
    if token_stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        return Ok(Secret::new(text));
    }
    Err(CoreError::Invalid(
        "give the token with --token-env VAR or --token-stdin (never on the command line)".into(),
    ))
}

/// Runs `baton source …`.
pub async fn source(command: SourceCommand) -> Result<(), CoreError> {
    let keychain = baton_keychain::Keychain;
    let clock = || -> Arc<dyn Clock> { Arc::new(SystemClock) };
    match command {
        SourceCommand::Add {
            file,
            kind,
            name,
            url,
            repos,
            org,
            email,
            projects,
            group,
            jql,
            teams,
            oauth,
            path,
            format,
            columns,
            state_columns,
            date_format,
            interval_minutes,
            token_env,
            token_stdin,
            no_test,
            no_keychain,
        } => {
            let is_file = matches!(kind, KindArg::File);
            // A file has no token; without a keychain the token is given at each sync, so the
            // one saved is a placeholder that is never stored.
            let token = if is_file {
                Secret::new("")
            } else if no_keychain && token_env.is_none() && !token_stdin {
                Secret::new("unused")
            } else {
                read_token(token_env.as_deref(), token_stdin)?
            };
            let scope = match kind {
                KindArg::Github => SourceScope::Github(GithubScope { org, repos }),
                KindArg::Jira => SourceScope::Jira(JiraScope {
                    email: email.unwrap_or_default(),
                    projects,
                    jql,
                }),
                KindArg::Gitlab => SourceScope::Gitlab(GitlabScope { group, projects }),
                KindArg::Linear => SourceScope::Linear(LinearScope { teams, oauth }),
                KindArg::File => SourceScope::File(file_scope(
                    path,
                    format,
                    &columns,
                    state_columns,
                    date_format,
                )?),
            };
            let input = SourceInput {
                name,
                base_url: url,
                poll_interval_minutes: interval_minutes,
                token: (!is_file).then(|| token.clone()),
                scope,
            };
            if !no_test {
                let test =
                    sources::test_connection(&input, &token, &SyncOptions::default(), clock())
                        .await;
                outln!("connection OK: {}", cell(&tested(test)?));
            }
            let throwaway = MemorySecretStore::new();
            let store: &dyn SecretStore = if no_keychain { &throwaway } else { &keychain };
            let source = add_to(&file, store, &input).await.map_err(|err| match err {
                SyncError::Secret(inner) if inner.kind() == ErrorCode::KeychainUnavailable => CoreError::Invalid(format!(
                    "{inner} [keychain_unavailable]; on a machine without a keychain add the source with --no-keychain and sync with --token-env VAR"
                )),
                other => sync_failed(other),
            })?;
            if is_file {
                outln!(
                    "added {} ({}); `baton sync FILE --source {:?}` imports the file",
                    cell(&source.name),
                    cell(&source.id),
                    cell(&source.name)
                );
            } else if no_keychain {
                outln!("added {} ({}); no token stored: sync it with `baton sync FILE --source {:?} --token-env VAR`", cell(&source.name), cell(&source.id), cell(&source.name));
            } else {
                outln!(
                    "added {} ({}), token stored in the system keychain",
                    cell(&source.name),
                    cell(&source.id)
                );
            }
        }
        SourceCommand::List { file } => {
            let ws = Workspace::open(&file).await?;
            let listed = sources::list(&ws, None).await;
            ws.close().await;
            let mut rows = Vec::new();
            for source in listed.map_err(sync_failed)? {
                let last = source
                    .last_run
                    .as_ref()
                    .map(|r| {
                        format!(
                            "{} {}: {} pages, {} items{}",
                            r.started_at,
                            r.status.as_str(),
                            r.pages,
                            r.items,
                            r.error
                                .as_deref()
                                .map(|e| format!(" — {e}"))
                                .unwrap_or_default()
                        )
                    })
                    .unwrap_or_else(|| "never synced".into());
                rows.push(vec![
                    source.name,
                    source.kind.to_string(),
                    if source.enabled {
                        "enabled"
                    } else {
                        "disabled"
                    }
                    .to_owned(),
                    source.base_url,
                    source.scope.as_ref().map(scope_line).unwrap_or_default(),
                    last,
                ]);
            }
            let header = ["name", "kind", "state", "url", "scope", "last sync"];
            let text = table::plain_table(Layout::for_stdout(), &header, (&[], &[1, 2]), rows);
            outln!("{}", text.trim_end());
        }
        SourceCommand::Remove { file, name } => {
            let ws = Workspace::open(&file).await?;
            let removed = async {
                let source = sources::find(&ws, &name).await?;
                sources::remove(&ws, &keychain, None, &source.id).await?;
                Ok::<_, SyncError>(source)
            }
            .await;
            ws.close().await;
            let source = removed.map_err(sync_failed)?;
            outln!("removed {}", cell(&source.name));
        }
        SourceCommand::Test { file, name } => {
            let ws = Workspace::open(&file).await?;
            let test = async {
                let source = sources::find(&ws, &name).await?;
                sources::test_saved(&ws, &keychain, &source.id, &SyncOptions::default(), clock())
                    .await
            }
            .await;
            ws.close().await;
            let said = tested(test.map_err(sync_failed)?)?;
            outln!("connection OK: {}", cell(&said));
        }
        SourceCommand::History { file, name, limit } => {
            let ws = Workspace::open(&file).await?;
            let runs = async {
                let source = sources::find(&ws, &name).await?;
                sources::history(&ws, &source.id, limit).await
            }
            .await;
            ws.close().await;
            let header = [
                "started", "status", "pages", "items", "requests", "retries", "waits", "waited",
                "error",
            ];
            let rows = runs.map_err(sync_failed)?.into_iter().map(|r| {
                vec![
                    r.started_at,
                    r.status.as_str().to_owned(),
                    r.pages.to_string(),
                    r.items.to_string(),
                    r.requests.to_string(),
                    r.retries.to_string(),
                    r.rate_limit_waits.to_string(),
                    format!("{} s", r.rate_limit_wait_seconds.floor()),
                    r.error.unwrap_or_default(),
                ]
            });
            let text = table::plain_table(
                Layout::for_stdout(),
                &header,
                (&[2, 3, 4, 5, 6, 7], &[0, 1]),
                rows,
            );
            outln!("{}", text.trim_end());
        }
    }
    Ok(())
}

/// The sentence of a connection test that worked, or its failure as the command's error.
fn tested(test: ConnectionTest) -> Result<String, CoreError> {
    if test.ok {
        return Ok(test.message);
    }
    let code = test.code.map(ErrorCode::as_str).unwrap_or("failed");
    Err(CoreError::Invalid(match test.missing_scope {
        Some(scope) => format!("{} [{code}]; the token needs: {scope}", test.message),
        None => format!("{} [{code}]", test.message),
    }))
}

/// What a source covers, in a line.
fn scope_line(scope: &SourceScope) -> String {
    match scope {
        SourceScope::Github(GithubScope { org, repos }) if repos.is_empty() => {
            format!("organisation {}", org.as_deref().unwrap_or(""))
        }
        SourceScope::Github(GithubScope { repos, .. }) => {
            format!("repositories {}", repos.join(", "))
        }
        SourceScope::Jira(JiraScope { projects, jql, .. }) => {
            let mut parts = Vec::new();
            if !projects.is_empty() {
                parts.push(format!("projects {}", projects.join(", ")));
            }
            if let Some(jql) = jql {
                parts.push(format!("JQL {jql}"));
            }
            parts.join("; ")
        }
        SourceScope::File(FileScope { path, format, .. }) => {
            format!("file {path} ({})", format.label())
        }
        SourceScope::Gitlab(GitlabScope { group, projects }) => {
            let mut parts = Vec::new();
            if let Some(group) = group {
                parts.push(format!("group {group}"));
            }
            if !projects.is_empty() {
                parts.push(format!("projects {}", projects.join(", ")));
            }
            parts.join("; ")
        }
        SourceScope::Linear(LinearScope { teams, .. }) if teams.is_empty() => {
            "every team".to_owned()
        }
        SourceScope::Linear(LinearScope { teams, .. }) => format!("teams {}", teams.join(", ")),
    }
}

/// `FIELD=COLUMN` of `--column`.
fn parse_column(text: &str) -> Result<(String, String), String> {
    let (field, column) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not FIELD=COLUMN"))?;
    Ok((field.trim().to_lowercase(), column.trim().to_owned()))
}

/// A file source's scope from the command line; the path made absolute.
pub fn file_scope(
    path: Option<PathBuf>,
    format: FormatArg,
    columns: &[(String, String)],
    states: Vec<String>,
    date_format: Option<String>,
) -> Result<FileScope, CoreError> {
    let path = path.ok_or_else(|| CoreError::Invalid("a file source needs --path".into()))?;
    let path = std::path::absolute(&path)?;
    let mut c = FileColumns {
        states,
        date_format,
        ..FileColumns::default()
    };
    for (field, column) in columns {
        let slot = match field.as_str() {
            "id" => &mut c.id,
            "key" => &mut c.key,
            "title" => &mut c.title,
            "type" | "kind" => &mut c.item_type,
            "team" => &mut c.team,
            "state" | "status" => &mut c.state,
            "created" => &mut c.created,
            "updated" => &mut c.updated,
            "resolved" => &mut c.resolved,
            "owner" | "assignee" => &mut c.owner,
            "author" | "reporter" => &mut c.author,
            "priority" => &mut c.priority,
            "estimate" | "points" => &mut c.estimate,
            "labels" => &mut c.labels,
            "parent" => &mut c.parent,
            other => {
                return Err(CoreError::Invalid(format!(
                    "--column {other}=…: no such field (id, key, title, type, team, state, created, updated, resolved, owner, author, priority, estimate, labels, parent)"
                )))
            }
        };
        *slot = Some(column.clone());
    }
    Ok(FileScope {
        path: path.to_string_lossy().into_owned(),
        format: match format {
            FormatArg::Jsonl => FileFormat::BatonJsonl,
            FormatArg::JiraCsv => FileFormat::JiraCsv,
            FormatArg::StatesCsv => FileFormat::StatesCsv,
        },
        columns: Box::new(c),
    })
}

/// Adds a source to the workspace `file`, creating the file when it does not exist. When the
/// add fails, a file this call created is removed again (with its `-wal` and `-shm`), so a
/// refused source leaves no empty workspace behind.
async fn add_to(
    file: &Path,
    secrets: &dyn SecretStore,
    input: &SourceInput,
) -> Result<SourceView, SyncError> {
    let created = !file.exists();
    let ws = if created {
        Workspace::create(file).await?
    } else {
        Workspace::open(file).await?
    };
    let added = sources::add(&ws, secrets, None, input, baton_core::time::now_ms()).await;
    ws.close().await;
    if added.is_err() && created {
        for path in [
            file.to_path_buf(),
            sidecar(file, "-wal"),
            sidecar(file, "-shm"),
        ] {
            if let Err(err) = std::fs::remove_file(&path) {
                if err.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(file = %path.display(), %err, "could not remove the workspace file this command created");
                }
            }
        }
    }
    added
}

/// `file` with `suffix` appended to its name (`team.baton-wal`).
fn sidecar(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The progress line on stderr: an indicatif spinner, drawn only when stderr is a terminal
/// (indicatif draws nothing otherwise), without colour. Source names, streams and server
/// reasons are escaped and bounded before they reach it.
struct ProgressLine {
    names: Vec<(String, String)>,
    bar: Mutex<Option<ProgressBar>>,
}

impl ProgressLine {
    fn new(names: Vec<(String, String)>) -> ProgressLine {
        ProgressLine {
            names,
            bar: Mutex::new(None),
        }
    }

    /// The text of the line for one event; None when the line should go.
    fn message(&self, progress: &SyncProgress) -> Option<String> {
        let name = |id: &str| {
            cell(
                self.names
                    .iter()
                    .find(|(i, _)| i == id)
                    .map_or(id, |(_, n)| n.as_str()),
            )
        };
        match progress {
            SyncProgress::Started { source_id, .. } => {
                Some(format!("{}: starting", name(source_id)))
            }
            SyncProgress::Progress {
                source_id,
                stream,
                pages,
                items,
                ..
            } => Some(format!(
                "{} {}: {pages} pages, {items} items",
                name(source_id),
                cell(stream)
            )),
            SyncProgress::Waiting {
                source_id,
                rate_limit,
                seconds,
                reason,
                ..
            } => Some(format!(
                "{}: waiting {:.0} s ({}{})",
                name(source_id),
                seconds,
                if *rate_limit {
                    "rate limit: "
                } else {
                    "retry: "
                },
                crate::term::fit(&crate::term::escape(reason), 60)
            )),
            SyncProgress::Finished { .. } => None,
        }
    }

    fn show(&self, progress: &SyncProgress) {
        let message = self.message(progress);
        let mut bar = self.bar.lock().unwrap_or_else(|p| p.into_inner());
        match message {
            Some(text) => {
                let line = bar.get_or_insert_with(|| {
                    let target = if std::io::stderr().is_terminal() {
                        ProgressDrawTarget::stderr()
                    } else {
                        ProgressDrawTarget::hidden()
                    };
                    let line = ProgressBar::with_draw_target(None, target);
                    if let Ok(style) = ProgressStyle::with_template("{spinner} {wide_msg}") {
                        line.set_style(style.tick_chars("|/-\\ "));
                    }
                    line.enable_steady_tick(Duration::from_millis(120));
                    crate::term::set_progress(Some(line.clone()));
                    line
                });
                line.set_message(text);
            }
            None => {
                if let Some(line) = bar.take() {
                    crate::term::set_progress(None);
                    line.finish_and_clear();
                }
            }
        }
    }
}

/// Runs `baton sync`. Fails (exit 2) when any source's sync failed.
pub async fn sync(args: SyncArgs) -> Result<(), CoreError> {
    let ws = Workspace::open(&args.file).await?;
    let all = repo::sources::list(ws.pool()).await?;
    let chosen: Vec<_> = match &args.source {
        Some(name) => vec![sources::find(&ws, name).await.map_err(sync_failed)?],
        None => all
            .into_iter()
            .filter(|s| s.enabled && !s.synthetic && syncable(s.kind))
            .collect(),
    };
    if chosen.is_empty() {
        outln!("no source to sync: add one with `baton source add`");
        ws.close().await;
        return Ok(());
    }
    let secrets: Arc<dyn SecretStore> = match &args.token_env {
        Some(var) => {
            let memory = MemorySecretStore::new();
            let token = read_token(Some(var), false)?;
            for source in &chosen {
                memory
                    .set(source.secret_ref.as_deref().unwrap_or_default(), &token)
                    .map_err(|e| sync_failed(e.into()))?;
            }
            Arc::new(memory)
        }
        None => Arc::new(baton_keychain::Keychain),
    };
    let line = Arc::new(ProgressLine::new(
        chosen
            .iter()
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect(),
    ));
    let sink_line = line.clone();
    let ctx = SyncContext {
        ws: ws.clone(),
        secrets,
        clock: Arc::new(SystemClock),
        progress: Arc::new(move |p| sink_line.show(&p)),
        options: SyncOptions {
            page_size: args.page_size,
            ..SyncOptions::default()
        },
    };
    let cancel = CancellationToken::new();
    let ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let mut failed = Vec::new();
    for source in &chosen {
        let report = match run_source(&ctx, &source.id, cancel.child_token()).await {
            Ok(report) => report,
            // Another process (the app, another `baton sync`) syncs this source right now:
            // say so, and go on with the other sources.
            Err(err @ SyncError::InProgress(_)) => {
                outln!(
                    "{}: not synced — {} [{}]",
                    cell(&source.name),
                    crate::term::escape(&err.to_string()),
                    err.code()
                );
                failed.push(source.name.clone());
                continue;
            }
            Err(err) => return Err(sync_failed(err)),
        };
        line.show(&SyncProgress::Finished {
            source_id: source.id.clone(),
            run_id: report.run_id.clone(),
            status: report.status,
            pages: 0,
            items: 0,
            error_code: None,
            missing_scope: None,
            error: None,
        });
        let f = report.figures;
        outln!(
            "{}: {} — {} pages, {} items, {} requests, {} retries, {} rate-limit waits",
            cell(&source.name),
            report.status.as_str(),
            f.pages,
            f.items,
            f.requests,
            f.retries,
            f.rate_limit_waits
        );
        if report.status != RunStatus::Succeeded {
            let (code, message) = report.error.unwrap_or_default();
            outln!("  {} [{}]", cell(&message), cell(&code));
            failed.push(source.name.clone());
        }
    }
    ws.close().await;
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CoreError::Invalid(format!(
            "the sync of {} did not succeed",
            failed.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_line_shows_source_text_escaped_and_bounded() {
        let line = ProgressLine::new(vec![("s1".into(), "acme\u{1b}]0;x\u{7}".into())]);
        let progress = line
            .message(&SyncProgress::Progress {
                source_id: "s1".into(),
                run_id: "r".into(),
                stream: "issues:\u{202E}evil\r".into(),
                pages: 3,
                items: 250,
            })
            .expect("a line");
        assert_eq!(
            progress,
            "acme\\e]0;x\\a issues:\\u{202E}evil\\r: 3 pages, 250 items"
        );
        let waiting = line
            .message(&SyncProgress::Waiting {
                source_id: "s1".into(),
                run_id: "r".into(),
                rate_limit: true,
                seconds: 61.0,
                until: String::new(),
                reason: format!("\u{9b}2J{}", "x".repeat(10_000)),
            })
            .expect("a line");
        assert!(
            waiting.starts_with("acme\\e]0;x\\a: waiting 61 s (rate limit: \\u{9B}2Jxxx"),
            "{waiting}"
        );
        assert!(
            waiting.ends_with("…)") && waiting.chars().count() < 120,
            "{waiting}"
        );
        assert!(!waiting.chars().any(crate::term::is_hostile));
        let finished = SyncProgress::Finished {
            source_id: "s1".into(),
            run_id: "r".into(),
            status: RunStatus::Succeeded,
            pages: 0,
            items: 0,
            error_code: None,
            missing_scope: None,
            error: None,
        };
        assert_eq!(line.message(&finished), None, "the line goes at the end");
    }
}
