//! `baton conflicts`: conflicting changes headless — open pull requests that change code
//! another team owns without its review, that overlap another team's (or an agent's) open
//! pull request, that an agent made across teams, or that change sensitive paths without the
//! required reviewer; each with its reason and paths, and who changes whose code.

use std::path::PathBuf;

use baton_core::conflicts::live;
use baton_core::graph::Workspace;
use baton_core::CoreError;
use clap::Args;

use crate::table::{self, thousands, Layout};

/// `baton conflicts`.
#[derive(Debug, Args)]
pub struct ConflictsArgs {
    file: PathBuf,
    /// Only conflicts of changes of this team (name).
    #[arg(long)]
    team: Option<String>,
    #[arg(long)]
    json: bool,
}

impl ConflictsArgs {
    pub fn file(&self) -> &PathBuf {
        &self.file
    }
}

pub async fn run(args: ConflictsArgs) -> Result<(), CoreError> {
    let ws = Workspace::open_for_reading(&args.file).await?;
    let mut report = live::compute(&ws).await?;
    ws.close().await;
    if let Some(team) = &args.team {
        report.conflicts.retain(|c| {
            c.item
                .team
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(team))
        });
    }
    if args.json {
        return crate::term::out_json(&report)
            .map_err(|err| CoreError::Invalid(format!("cannot write JSON: {err}")));
    }
    let layout = Layout::for_stdout();
    outln!(
        "{} conflicts on open changes; {} changes with their files read ({} cut short by the source); {} repositories with a CODEOWNERS file, {} without",
        thousands(report.conflicts.len() as u32),
        thousands(report.changes_read),
        thousands(report.truncated),
        thousands(report.repositories_with_owners),
        thousands(report.repositories_without_owners)
    );
    let rows = report.conflicts.iter().map(|c| {
        vec![
            c.item.key.clone(),
            c.item.team.clone().unwrap_or_default(),
            rule_name(c.rule).to_owned(),
            c.reason.clone(),
        ]
    });
    outln!(
        "{}",
        table::plain_table(
            layout,
            &["change", "team", "rule", "why"],
            (&[], &[0]),
            rows,
        )
        .trim_end()
    );
    outln!("Who changes whose code (every change read):");
    let rows = report.touches.iter().map(|t| {
        vec![
            t.from_team.clone(),
            t.to_team.clone(),
            thousands(t.changes),
            thousands(t.open),
            thousands(t.ai),
        ]
    });
    outln!(
        "{}",
        table::plain_table(
            layout,
            &[
                "changes by",
                "touch code of",
                "changes",
                "open",
                "by agents"
            ],
            (&[2, 3, 4], &[]),
            rows,
        )
        .trim_end()
    );
    Ok(())
}

fn rule_name(rule: baton_core::conflicts::ConflictRule) -> &'static str {
    use baton_core::conflicts::ConflictRule::*;
    match rule {
        CrossOwnerUnreviewed => "another team's code, not reviewed by it",
        Overlapping => "overlaps another open change",
        AiAcrossTeams => "agent change across teams",
        SensitiveUnreviewed => "sensitive path, required review missing",
    }
}
