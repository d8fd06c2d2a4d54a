//! `baton rules`: team and provenance rules headless, and applying changed rules to the items
//! synced before. A rule change moves no stored item by itself; `rederive` derives every synced
//! item again from the raw record it stored (no request to any source) and prints how many
//! items would change, and which, **before** anything is written; `--apply` writes exactly that,
//! after the user confirms (or `--yes`).

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use baton_core::graph::Workspace;
use baton_core::query;
use baton_core::rules::{self, TeamRuleField, TeamRuleView};
use baton_core::sync::rederive::{self, RederiveReport};
use baton_core::CoreError;
use clap::{Subcommand, ValueEnum};

use crate::term::cell;

/// What a team rule matches.
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum FieldArg {
    /// A repository (`owner/name`).
    Repo,
    /// A Jira project key.
    Project,
    /// A Jira component.
    Component,
    /// A label on the item.
    Label,
}

impl From<FieldArg> for TeamRuleField {
    fn from(value: FieldArg) -> TeamRuleField {
        match value {
            FieldArg::Repo => TeamRuleField::Repo,
            FieldArg::Project => TeamRuleField::Project,
            FieldArg::Component => TeamRuleField::Component,
            FieldArg::Label => TeamRuleField::Label,
        }
    }
}

/// `baton rules …`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the team and provenance rules, in the order they are tried.
    List {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Add a team rule: items whose FIELD matches PATTERN belong to TEAM. Items synced before
    /// move only with `baton rules rederive --apply`.
    AddTeam {
        file: PathBuf,
        #[arg(long, value_enum)]
        field: FieldArg,
        /// Case-insensitive; `*` matches anything (`acme/pay*`).
        #[arg(long)]
        pattern: String,
        /// The team's name (or id).
        #[arg(long)]
        team: String,
        /// Create the team when there is none of that name.
        #[arg(long)]
        create_team: bool,
        /// Lower runs first.
        #[arg(long, default_value_t = 100)]
        priority: i32,
    },
    /// Remove a team rule by its id (`baton rules list` shows it).
    RemoveTeam { file: PathBuf, id: String },
    /// Apply the rules to every item synced before: prints how many items would change (team,
    /// provenance) and which; writes nothing without --apply.
    Rederive {
        file: PathBuf,
        /// Write the changes shown, once confirmed.
        #[arg(long)]
        apply: bool,
        /// Confirm without asking (needed when standard input is not a terminal).
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
}

impl RulesCommand {
    /// The workspace the command reads or writes.
    pub fn file(&self) -> &Path {
        match self {
            RulesCommand::List { file, .. }
            | RulesCommand::AddTeam { file, .. }
            | RulesCommand::RemoveTeam { file, .. }
            | RulesCommand::Rederive { file, .. } => file,
        }
    }
}

/// Runs a rules command; `Ok(false)` when the user declined to apply.
pub async fn run(command: RulesCommand) -> Result<bool, CoreError> {
    match command {
        RulesCommand::List { file, json } => {
            let ws = Workspace::open_for_reading(&file).await?;
            let listed = list(&ws, json).await;
            ws.close().await;
            listed?;
            Ok(true)
        }
        RulesCommand::AddTeam {
            file,
            field,
            pattern,
            team,
            create_team,
            priority,
        } => {
            let ws = Workspace::open(&file).await?;
            let added = add_team(&ws, field, &pattern, &team, create_team, priority).await;
            ws.close().await;
            let id = added?;
            outln!("added team rule {id}");
            outln!("items synced before keep their team until `baton rules rederive --apply`");
            Ok(true)
        }
        RulesCommand::RemoveTeam { file, id } => {
            let ws = Workspace::open(&file).await?;
            let known = rules::rules_list(&ws)
                .await
                .map(|r| r.team.iter().any(|t| t.id == id));
            let removed = match known {
                Ok(true) => rules::team_rule_delete(&ws, &id).await,
                Ok(false) => Err(CoreError::NotFound(format!("the team rule {id}"))),
                Err(err) => Err(err),
            };
            ws.close().await;
            removed?;
            outln!("removed team rule {id}");
            Ok(true)
        }
        RulesCommand::Rederive {
            file,
            apply,
            yes,
            json,
        } => {
            let ws = Workspace::open(&file).await?;
            let result = rederive_command(&ws, apply, yes, json).await;
            ws.close().await;
            result
        }
    }
}

async fn list(ws: &Workspace, json: bool) -> Result<(), CoreError> {
    let view = rules::rules_list(ws).await?;
    if json {
        return crate::print_json(&view);
    }
    let teams = query::teams_list(ws).await?;
    let team_name = |id: &str| {
        teams
            .iter()
            .find(|t| t.id == id)
            .map_or_else(|| id.to_owned(), |t| t.name.clone())
    };
    outln!("team rules (first match by priority):");
    if view.team.is_empty() {
        outln!("  none");
    }
    for r in &view.team {
        outln!(
            "  {:<4} {:<9} {:<24} → {:<16} {}",
            r.priority,
            r.field.as_str(),
            cell(&r.pattern),
            cell(&team_name(&r.team_id)),
            cell(&r.id)
        );
    }
    outln!("provenance rules:");
    for r in &view.provenance {
        outln!(
            "  {:<12} {:<32} → {:<10} {:<18} {:.2}{}",
            r.signal.as_str(),
            cell(&r.pattern),
            r.provenance.as_str(),
            cell(r.agent.as_deref().unwrap_or("-")),
            r.confidence,
            if r.builtin { " (built in)" } else { "" }
        );
    }
    Ok(())
}

async fn add_team(
    ws: &Workspace,
    field: FieldArg,
    pattern: &str,
    team: &str,
    create: bool,
    priority: i32,
) -> Result<String, CoreError> {
    let teams = query::teams_list(ws).await?;
    let team_id = match teams
        .iter()
        .find(|t| t.id == team || t.name.eq_ignore_ascii_case(team))
    {
        Some(t) => t.id.clone(),
        None if create => query::teams_create(ws, team).await?.id,
        None => {
            return Err(CoreError::Invalid(format!(
                "there is no team {team}; add --create-team to create it"
            )))
        }
    };
    rules::team_rule_save(
        ws,
        &TeamRuleView {
            id: String::new(),
            source_id: None,
            field: field.into(),
            pattern: pattern.to_owned(),
            team_id,
            priority,
        },
    )
    .await
}

async fn rederive_command(
    ws: &Workspace,
    apply: bool,
    yes: bool,
    json: bool,
) -> Result<bool, CoreError> {
    let preview = rederive::preview(ws).await?;
    if !apply || preview.changed == 0 {
        if json {
            crate::print_json(&preview)?;
        } else {
            print_report(&preview);
            if preview.changed > 0 {
                outln!("nothing written: add --apply to write these changes");
            }
        }
        return Ok(true);
    }
    if !json {
        print_report(&preview);
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(CoreError::Invalid(format!(
                "{} items would change: add --yes to apply without being asked",
                preview.changed
            )));
        }
        crate::term::err_line(&format!(
            "Apply these changes to {} items? [y/N]",
            preview.changed
        ));
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| CoreError::Invalid(format!("cannot read the answer: {e}")))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
            outln!("nothing written");
            return Ok(false);
        }
    }
    let applied = rederive::apply(ws).await?;
    if json {
        crate::print_json(&applied)?;
    } else {
        outln!(
            "applied: {} items changed ({} team, {} provenance)",
            applied.changed,
            applied.team_changed,
            applied.provenance_changed
        );
    }
    Ok(true)
}

fn print_report(report: &RederiveReport) {
    outln!(
        "{} items derived again from their stored records; {} would change ({} team, {} provenance)",
        report.checked,
        report.changed,
        report.team_changed,
        report.provenance_changed
    );
    for e in &report.examples {
        let mut what = Vec::new();
        if e.team_before != e.team_after {
            what.push(format!(
                "team {} → {}",
                e.team_before.as_deref().unwrap_or("none"),
                e.team_after.as_deref().unwrap_or("none")
            ));
        }
        if e.provenance_before != e.provenance_after {
            what.push(format!(
                "{} → {}",
                e.provenance_before.as_str(),
                e.provenance_after.as_str()
            ));
        }
        outln!("  {:<24} {}", cell(&e.key), what.join("; "));
    }
    if report.changed as usize > report.examples.len() {
        outln!(
            "  and {} more",
            report.changed as usize - report.examples.len()
        );
    }
}
