//! `baton policy`: the workspace's policies headless. `check` is a pipeline's gate (exit 1 when
//! a blocking policy is violated); `list`, `export` and `import` move policy sets between
//! workspaces as readable TOML or JSON files.

use std::path::{Path, PathBuf};

use baton_core::governance::{self, CheckResult, FileFormat, PolicySet};
use baton_core::graph::Workspace;
use baton_core::CoreError;
use clap::{Subcommand, ValueEnum};

use crate::term::cell;

/// How a policy file is written.
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum FormatArg {
    Toml,
    Json,
}

impl From<FormatArg> for FileFormat {
    fn from(value: FormatArg) -> FileFormat {
        match value {
            FormatArg::Toml => FileFormat::Toml,
            FormatArg::Json => FileFormat::Json,
        }
    }
}

/// `baton policy …`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Evaluate the policies; exit 1 when a blocking policy is violated (a pipeline's gate).
    Check {
        file: PathBuf,
        /// Only this policy (its name, e.g. ai-independent-review).
        #[arg(long)]
        policy: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List the policies (the defaults while none were saved).
    List {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Write the policy set (with the calendars) to a file, or to standard output.
    Export {
        file: PathBuf,
        /// The file to write (its extension .json or .toml sets the format).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The format (default: from --out, else TOML).
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
    },
    /// Replace the workspace's policy set with the one in a TOML or JSON file.
    Import {
        file: PathBuf,
        /// The policy file (.toml or .json).
        policies: PathBuf,
    },
}

impl PolicyCommand {
    /// The workspace the command reads or writes.
    pub fn file(&self) -> &Path {
        match self {
            PolicyCommand::Check { file, .. }
            | PolicyCommand::List { file, .. }
            | PolicyCommand::Export { file, .. }
            | PolicyCommand::Import { file, .. } => file,
        }
    }
}

/// Runs a policy command; `Ok(false)` when the gate fails.
pub async fn run(command: PolicyCommand) -> Result<bool, CoreError> {
    match command {
        PolicyCommand::Check { file, policy, json } => {
            let ws = Workspace::open_for_reading(&file).await?;
            let now = baton_core::time::now_ms();
            let result = governance::check(&ws, policy.as_deref(), now).await;
            ws.close().await;
            let result = result?;
            if json {
                crate::print_json(&result)?;
            } else {
                print_check(&result);
            }
            Ok(!result.failed)
        }
        PolicyCommand::List { file, json } => {
            let ws = Workspace::open_for_reading(&file).await?;
            let set = governance::load(&ws).await;
            ws.close().await;
            let set = set?;
            if json {
                crate::print_json(&set)?;
            } else {
                for p in &set.policies {
                    outln!(
                        "{:<24} {:<8} {:<3} {:<20} {}",
                        cell(&p.name),
                        p.severity.as_str(),
                        if p.enabled { "on" } else { "off" },
                        p.rule.type_name(),
                        cell(&p.title)
                    );
                }
            }
            Ok(true)
        }
        PolicyCommand::Export { file, out, format } => {
            let ws = Workspace::open_for_reading(&file).await?;
            let set = governance::load(&ws).await;
            ws.close().await;
            let format = match (format, &out) {
                (Some(f), _) => f.into(),
                (None, Some(path)) => FileFormat::of_path(path),
                (None, None) => FileFormat::Toml,
            };
            let text = set?.to_text(format)?;
            match out {
                Some(path) => std::fs::write(&path, text).map_err(|e| CoreError::File {
                    path: path.clone(),
                    action: "written",
                    source: e,
                })?,
                None => outln!("{}", text.trim_end()),
            }
            Ok(true)
        }
        PolicyCommand::Import { file, policies } => {
            let text = std::fs::read_to_string(&policies).map_err(|e| CoreError::File {
                path: policies.clone(),
                action: "read",
                source: e,
            })?;
            let set = PolicySet::parse(
                &text,
                FileFormat::of_path(&policies),
                &policies.display().to_string(),
            )?;
            let ws = Workspace::open(&file).await?;
            let saved = governance::save(&ws, set, baton_core::time::now_ms()).await;
            ws.close().await;
            let saved = saved?;
            outln!(
                "imported {} policies into {}",
                saved.policies.len(),
                cell(&file.display().to_string())
            );
            Ok(true)
        }
    }
}

fn print_check(result: &CheckResult) {
    let r = &result.report;
    for v in &r.violations {
        outln!(
            "{:<8} {:<24} {:<16} since {}  {}  → {}",
            v.severity.as_str(),
            cell(&v.policy),
            cell(&v.item_key),
            v.since.get(..10).unwrap_or(&v.since),
            cell(v.accountable.as_deref().unwrap_or("nobody answers for it")),
            cell(&v.resolve)
        );
    }
    if r.violations.len() < r.total as usize {
        outln!("… {} more", r.total as usize - r.violations.len());
    }
    outln!(
        "{} violations, {} of blocking policies: {}",
        r.total,
        r.blocking,
        if result.failed { "FAILED" } else { "passed" }
    );
}
