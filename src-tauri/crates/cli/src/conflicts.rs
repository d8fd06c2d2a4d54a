//! `baton conflicts`: conflicting changes headless — open pull requests that change code
//! another team owns without its review, that overlap another team's (or an agent's) open
//! pull request, that an agent made across teams, or that change sensitive paths without the
//! required reviewer; each with its reason and paths, and who changes whose code. Also what
//! Settings → Conflicts and the drawer do: the owner → team rules and sensitive paths
//! (`--rules`, `--map-owner`, `--unmap-owner`, `--sensitive`, `--no-sensitive`) and an answer to
//! one conflict (`--acknowledge` / `--dismiss`).

use std::path::PathBuf;

use baton_core::conflicts::answers::{self, ConflictAnswerInput};
use baton_core::conflicts::rules::{self, SensitivePathRule};
use baton_core::conflicts::touches::{self, TouchesQuery};
use baton_core::conflicts::{live, ConflictRule};
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
    /// Who changes whose code over the pull requests opened in the last N days (1 to 3,660)
    /// instead of every one read (with --json, its pairs list no keys).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3660))]
    days: Option<u32>,
    /// Print the owner → team rules, the sensitive paths and the owners CODEOWNERS names.
    #[arg(long)]
    rules: bool,
    /// Map a CODEOWNERS owner to a team (name or id): `@acme/core=Platform`.
    #[arg(long, value_name = "OWNER=TEAM")]
    map_owner: Option<String>,
    /// Remove an owner's rule (its @org/<team> name decides again).
    #[arg(long, value_name = "OWNER")]
    unmap_owner: Option<String>,
    /// Replace the sensitive paths (repeat for each): `PATTERN=LABEL` (the owners review) or
    /// `PATTERN=LABEL@TEAM` (that team reviews).
    #[arg(long, value_name = "PATTERN=LABEL[@TEAM]")]
    sensitive: Vec<String>,
    /// Mark no path sensitive (the defaults do not come back).
    #[arg(long, conflicts_with = "sensitive")]
    no_sensitive: bool,
    /// Acknowledge the conflict of this change (id) named by --rule and --other.
    #[arg(long, value_name = "ITEM", conflicts_with = "dismiss")]
    acknowledge: Option<String>,
    /// Dismiss the conflict of this change (id) named by --rule and --other.
    #[arg(long, value_name = "ITEM")]
    dismiss: Option<String>,
    /// The conflict's rule: cross_owner_unreviewed, overlapping, ai_across_teams,
    /// sensitive_unreviewed.
    #[arg(long)]
    rule: Option<String>,
    /// The conflict's other team id (`otherId` in --json; none for an overlap with changes of
    /// no team).
    #[arg(long)]
    other: Option<String>,
    /// Why (recorded with the answer).
    #[arg(long, default_value = "")]
    why: String,
    /// Who answers or edits (default: this computer's user).
    #[arg(long = "as")]
    actor: Option<String>,
    #[arg(long)]
    json: bool,
}

impl ConflictsArgs {
    pub fn file(&self) -> &PathBuf {
        &self.file
    }
}

/// A team named by id or name (ignoring case).
async fn team_id(ws: &Workspace, name: &str) -> Result<String, CoreError> {
    let teams: Vec<(String, String)> = sqlx::query_as("SELECT id, name FROM teams")
        .fetch_all(ws.pool())
        .await
        .map_err(CoreError::from)?;
    teams
        .iter()
        .find(|(id, _)| id == name)
        .or_else(|| teams.iter().find(|(_, n)| n.eq_ignore_ascii_case(name)))
        .map(|(id, _)| id.clone())
        .ok_or_else(|| CoreError::NotFound(format!("team {name}")))
}

fn parse_rule(rule: &str) -> Result<ConflictRule, CoreError> {
    serde_json::from_value(serde_json::Value::String(rule.to_owned())).map_err(|_| {
        CoreError::Invalid(format!(
            "\"{rule}\" is not a rule: cross_owner_unreviewed, overlapping, ai_across_teams, \
             sensitive_unreviewed"
        ))
    })
}

/// The edits and answers; `true` when one was asked (then nothing else is printed but the
/// rules).
async fn write(args: &ConflictsArgs) -> Result<bool, CoreError> {
    let edits = args.map_owner.is_some()
        || args.unmap_owner.is_some()
        || !args.sensitive.is_empty()
        || args.no_sensitive
        || args.acknowledge.is_some()
        || args.dismiss.is_some();
    if !edits {
        return Ok(false);
    }
    let ws = Workspace::open(&args.file).await?;
    let actor = args
        .actor
        .clone()
        .unwrap_or_else(baton_core::triage::local_actor);
    let now = baton_core::time::now_ms();
    let result = async {
        if let Some(map) = &args.map_owner {
            let (owner, team) = map.rsplit_once('=').ok_or_else(|| {
                CoreError::Invalid(format!("--map-owner {map}: write OWNER=TEAM"))
            })?;
            let team = team_id(&ws, team.trim()).await?;
            rules::set_owner_rule(&ws, owner.trim(), Some(&team), &actor, now).await?;
        }
        if let Some(owner) = &args.unmap_owner {
            rules::set_owner_rule(&ws, owner, None, &actor, now).await?;
        }
        if args.no_sensitive || !args.sensitive.is_empty() {
            let mut paths = Vec::new();
            for s in &args.sensitive {
                let (pattern, rest) = s.split_once('=').ok_or_else(|| {
                    CoreError::Invalid(format!("--sensitive {s}: write PATTERN=LABEL[@TEAM]"))
                })?;
                let (label, team) = match rest.rsplit_once('@') {
                    Some((label, team)) => (label, Some(team_id(&ws, team.trim()).await?)),
                    None => (rest, None),
                };
                paths.push(SensitivePathRule {
                    pattern: pattern.to_owned(),
                    label: label.to_owned(),
                    reviewer_team_id: team,
                });
            }
            rules::set_sensitive_paths(&ws, &paths, &actor, now).await?;
        }
        if let Some(item) = args.acknowledge.as_ref().or(args.dismiss.as_ref()) {
            let rule = args
                .rule
                .as_deref()
                .ok_or_else(|| CoreError::Invalid("name the conflict's rule with --rule".into()))?;
            let id = answers::answer(
                &ws,
                &ConflictAnswerInput {
                    item: item.clone(),
                    rule: parse_rule(rule)?,
                    other: args.other.clone(),
                    acknowledge: args.acknowledge.is_some(),
                    why: args.why.clone(),
                },
                &actor,
                now,
            )
            .await?;
            outln!("recorded {id}");
        }
        Ok::<(), CoreError>(())
    }
    .await;
    ws.close().await;
    result.map(|()| true)
}

async fn print_rules(args: &ConflictsArgs) -> Result<(), CoreError> {
    let ws = Workspace::open_for_reading(&args.file).await?;
    let view = rules::view(&ws).await;
    ws.close().await;
    let view = view?;
    if args.json {
        return crate::term::out_json(&view)
            .map_err(|err| CoreError::Invalid(format!("cannot write JSON: {err}")));
    }
    let layout = Layout::for_stdout();
    let name = |id: &Option<String>| match id {
        Some(id) => view
            .teams
            .iter()
            .find(|t| &t.id == id)
            .map_or(id.clone(), |t| t.name.clone()),
        None => "its owners".to_owned(),
    };
    outln!("CODEOWNERS owners → teams (a rule wins over the @org/<team> name):");
    let rows = view.seen_owners.iter().map(|o| {
        vec![
            o.owner.clone(),
            thousands(o.repositories),
            o.team_name.clone().unwrap_or_else(|| "no team".into()),
            if o.by_rule { "rule" } else { "name" }.to_owned(),
        ]
    });
    outln!(
        "{}",
        table::plain_table(
            layout,
            &["owner", "repositories", "team", "by"],
            (&[1], &[]),
            rows
        )
        .trim_end()
    );
    for r in view.owner_rules.iter().filter(|r| {
        !view
            .seen_owners
            .iter()
            .any(|o| o.owner.eq_ignore_ascii_case(&r.owner))
    }) {
        outln!(
            "rule for an owner no CODEOWNERS names: {} → {}",
            r.owner,
            r.team_name
        );
    }
    outln!(
        "Sensitive paths ({}):",
        if view.sensitive_defaults {
            "the defaults".to_owned()
        } else {
            format!(
                "saved by {}",
                view.sensitive_updated_by.clone().unwrap_or_default()
            )
        }
    );
    let rows = view.sensitive.iter().map(|s| {
        vec![
            s.pattern.clone(),
            s.label.clone(),
            name(&s.reviewer_team_id),
        ]
    });
    outln!(
        "{}",
        table::plain_table(layout, &["pattern", "what", "review by"], (&[], &[]), rows).trim_end()
    );
    Ok(())
}

pub async fn run(args: ConflictsArgs) -> Result<(), CoreError> {
    if write(&args).await? || args.rules {
        return print_rules(&args).await;
    }
    let ws = Workspace::open_for_reading(&args.file).await?;
    let report = live::compute(&ws).await;
    let window = match args.days {
        Some(days) => Some(
            touches::report(
                &ws,
                &TouchesQuery {
                    filter: Default::default(),
                    days: Some(days),
                },
                baton_core::time::now_ms(),
            )
            .await,
        ),
        None => None,
    };
    ws.close().await;
    let mut report = report?;
    if let Some(window) = window {
        let window = window?;
        report.touches = window
            .cells
            .into_iter()
            .map(|c| live::TeamTouch {
                from_team: c.from_team,
                to_team: c.to_team,
                changes: c.pulls,
                open: c.open,
                ai: c.ai,
                keys: Vec::new(),
            })
            .collect();
    }
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
    match args.days {
        Some(days) => {
            outln!("Who changes whose code (pull requests opened in the last {days} days):")
        }
        None => outln!("Who changes whose code (every change read):"),
    }
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
        Overlapping => "overlaps other open changes",
        AiAcrossTeams => "agent change across teams",
        SensitiveUnreviewed => "sensitive path, required review missing",
    }
}
