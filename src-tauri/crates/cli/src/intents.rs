//! `baton intents`, `baton intent show` and `baton intent link`: the Intents page, headless.

use std::path::PathBuf;

use baton_core::flow::FlowFilter;
use baton_core::graph::model::IntentRuleField;
use baton_core::graph::Workspace;
use baton_core::intents::report::{intents_report, IntentNode, IntentsQuery, IntentsReport};
use baton_core::intents::{self, LinkTarget, RuleInput};
use baton_core::CoreError;
use clap::{Args, Subcommand};

use crate::table::{plain_table, thousands, Layout};
use crate::term::cell;

/// What the page is computed over.
#[derive(Debug, Args)]
pub struct RangeArgs {
    /// The last N days up to today (1 to 3,660) for throughput and cycle times; default 90.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3660))]
    last_days: Option<u32>,
    /// Show archived intents too.
    #[arg(long)]
    archived: bool,
}

impl RangeArgs {
    fn query(&self) -> IntentsQuery {
        IntentsQuery {
            filter: FlowFilter {
                last_days: Some(self.last_days.unwrap_or(90)),
                ..FlowFilter::default()
            },
            include_archived: self.archived,
        }
    }
}

/// `baton intents`.
#[derive(Debug, Args)]
pub struct IntentsArgs {
    file: PathBuf,
    #[command(flatten)]
    range: RangeArgs,
    /// Print JSON (the structure the app receives).
    #[arg(long)]
    json: bool,
}

impl IntentsArgs {
    pub fn file(&self) -> &std::path::Path {
        &self.file
    }
}

/// `baton intent …`.
#[derive(Debug, Subcommand)]
pub enum IntentCommand {
    /// One intent: its figures, forecast and what serves it.
    Show {
        file: PathBuf,
        /// The intent's id.
        id: String,
        #[command(flatten)]
        range: RangeArgs,
        /// Write its one-page brief (HTML) to this file instead.
        #[arg(long)]
        brief: Option<PathBuf>,
        /// Also print the brief to PDF (with --brief; needs Chromium: `chromium`,
        /// `chromium-browser`, `google-chrome`, or the program named by BATON_CHROMIUM).
        #[arg(long)]
        pdf: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Link work to an intent: by a rule (previewed with --dry-run), or items by hand.
    Link {
        file: PathBuf,
        /// The intent's id (with --rule or --item), or none with --unaligned.
        #[arg(long)]
        intent: Option<String>,
        /// A rule FIELD=PATTERN: epic, parent, label, component, repository or project, `*`
        /// for any run of characters (`--rule label=checkout-*`); or path, a CODEOWNERS pattern
        /// over the files pull requests touch (`--rule path=services/checkout/`, `path=*.proto`,
        /// `path=/db/migrations/`): it links the pull requests, not the issues they implement.
        #[arg(long, conflicts_with = "items")]
        rule: Option<String>,
        /// Items to link by hand (repeatable).
        #[arg(long = "item")]
        items: Vec<String>,
        /// Mark the items as serving no intent on purpose, saying what they are (maintenance…).
        #[arg(long, conflicts_with_all = ["intent", "rule"])]
        unaligned: Option<String>,
        /// Show what the rule would link, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Who decides (default: BATON_USER, else your login name).
        #[arg(long = "as")]
        actor: Option<String>,
        #[arg(long, default_value = "")]
        why: String,
    },
}

impl IntentCommand {
    pub fn file(&self) -> &std::path::Path {
        match self {
            IntentCommand::Show { file, .. } | IntentCommand::Link { file, .. } => file,
        }
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |s| format!("{:.0}%", s * 100.0))
}

fn days(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |d| format!("{d:.1}"))
}

/// The page as a terminal reads it.
pub fn text(r: &IntentsReport, layout: Layout) -> String {
    let mut out = format!(
        "Intents, {} to {} (progress in items{})\n",
        r.range_from,
        r.range_to,
        if r.points_available {
            ", and in points where items have estimates"
        } else {
            ": no item has an estimate"
        }
    );
    let rows = r.intents.iter().map(|n| {
        vec![
            format!("{}{}", "  ".repeat(n.depth as usize), cell(&n.title)),
            n.kind.as_str().to_owned(),
            cell(&n.id),
            pct(n.progress),
            pct(n.points_progress),
            thousands(n.wip),
            thousands(n.throughput),
            days(n.cycle_p50_days),
            pct(n.ai_share),
            format!("{}/{}", n.blocked, n.at_risk),
        ]
    });
    out.push_str(&plain_table(
        layout,
        &[
            "intent",
            "level",
            "id",
            "progress",
            "points",
            "wip",
            "done",
            "cycle p50 d",
            "ai",
            "blocked/risk",
        ],
        (&[3, 4, 5, 6, 7, 8, 9], &[1, 3, 4, 5, 6, 7, 8, 9]),
        rows,
    ));
    let u = &r.unaligned;
    out.push_str(&format!(
        "\nUnaligned work: {} of {} in progress, {} of {} finished in the range; {} deliberately unaligned\n",
        thousands(u.wip),
        thousands(u.all_wip),
        thousands(u.throughput),
        thousands(u.all_throughput),
        thousands(u.on_purpose)
    ));
    let rows = u.teams.iter().map(|t| {
        vec![
            cell(&t.team),
            format!("{}/{}", t.wip, t.team_wip),
            pct(t.wip_share),
            format!("{}/{}", t.throughput, t.team_throughput),
            pct(t.throughput_share),
        ]
    });
    out.push_str(&plain_table(
        layout,
        &["team", "wip", "share", "finished", "share"],
        (&[1, 2, 3, 4], &[1, 2, 3, 4]),
        rows,
    ));
    let c = &r.conflicts;
    out.push_str("\nConflicts\n");
    for s in &c.spread {
        out.push_str(&format!(
            "  {} spreads {} items in progress over {} intents\n",
            cell(&s.team),
            s.wip,
            s.intents
        ));
    }
    for p in &c.priorities {
        out.push_str(&format!(
            "  {} (priority {}, {}) waits on {} (priority {}, {})\n",
            cell(&p.waiting),
            p.waiting_priority,
            cell(&p.waiting_team),
            cell(&p.blocking),
            p.blocking_priority,
            cell(&p.blocking_team)
        ));
    }
    for w in c.waits.iter().filter(|w| w.mutual) {
        out.push_str(&format!(
            "  {} and {} wait on each other\n",
            cell(&w.waiting),
            cell(&w.blocking)
        ));
    }
    if c.spread.is_empty() && c.priorities.is_empty() && !c.waits.iter().any(|w| w.mutual) {
        out.push_str("  none\n");
    }
    out
}

fn node_text(n: &IntentNode, forecast: &baton_core::plan::Forecast) -> String {
    let level = |c: u32| {
        forecast
            .levels
            .iter()
            .find(|l| l.confidence == c)
            .and_then(|l| l.date.clone())
            .unwrap_or_else(|| "-".into())
    };
    let teams: Vec<String> = n
        .teams
        .iter()
        .map(|t| format!("{} ({})", cell(&t.name), t.items))
        .collect();
    format!(
        "{} ({}) {}\nprogress {} ({} of {} items; in points {}, {} of {} points of {} estimated items) · in progress {} · finished {} · cycle p50/p85 {}/{} days · oldest {} days\n\
AI share {} · blocked {} · at risk {} · pending decisions {} · policy violations {}\n\
forecast p50 {} · p85 {}\nteams: {}\nlinked: {} by source, {} by rule, {} by hand\n",
        cell(&n.title),
        n.kind.as_str(),
        cell(&n.id),
        pct(n.progress),
        n.done,
        n.items.saturating_sub(n.canceled),
        pct(n.points_progress),
        n.points_done,
        n.points,
        n.estimated,
        n.wip,
        n.throughput,
        days(n.cycle_p50_days),
        days(n.cycle_p85_days),
        days(n.oldest_wip_days),
        pct(n.ai_share),
        n.blocked,
        n.at_risk,
        n.pending_decisions,
        n.policy_violations,
        level(50),
        level(85),
        if teams.is_empty() { "-".into() } else { teams.join(", ") },
        n.linked_by_source,
        n.linked_by_rule,
        n.linked_by_hand
    )
}

pub async fn list(args: IntentsArgs) -> Result<(), CoreError> {
    let ws = Workspace::open_for_reading(&args.file).await?;
    let report = intents_report(&ws, &args.range.query(), baton_core::time::now_ms()).await?;
    ws.close().await;
    if args.json {
        crate::print_json(&report)?;
    } else {
        outln!("{}", text(&report, Layout::for_stdout()).trim_end());
    }
    Ok(())
}

fn rule_of(text: &str, intent: &str) -> Result<RuleInput, CoreError> {
    let (field, pattern) = text.split_once('=').ok_or_else(|| {
        CoreError::Invalid("a rule is FIELD=PATTERN, for example label=checkout-*".into())
    })?;
    let field = IntentRuleField::parse(field.trim()).ok_or_else(|| {
        CoreError::Invalid(format!(
            "{} is not a rule field: epic, parent, label, component, repository, project or path",
            cell(field)
        ))
    })?;
    Ok(RuleInput {
        intent_id: intent.to_owned(),
        field,
        pattern: pattern.to_owned(),
    })
}

pub async fn run(command: IntentCommand) -> Result<(), CoreError> {
    let now = baton_core::time::now_ms();
    match command {
        IntentCommand::Show {
            file,
            id,
            range,
            brief,
            pdf,
            json,
        } => {
            if pdf.is_some() && brief.is_none() {
                return Err(CoreError::Invalid(
                    "--pdf prints the brief: give --brief FILE.html too".into(),
                ));
            }
            let ws = Workspace::open_for_reading(&file).await?;
            let query = range.query();
            if let Some(path) = brief {
                let html = intents::brief::intent_brief(&ws, &query, &id, now).await?;
                ws.close().await;
                std::fs::write(&path, html).map_err(|source| CoreError::File {
                    path: path.clone(),
                    action: "written",
                    source,
                })?;
                outln!("wrote {}", cell(&path.display().to_string()));
                if let Some(pdf) = pdf {
                    baton_core::pdf::print_pdf(&path, &pdf)?;
                    outln!("wrote {}", cell(&pdf.display().to_string()));
                }
                return Ok(());
            }
            let report = intents_report(
                &ws,
                &IntentsQuery {
                    include_archived: true,
                    ..query.clone()
                },
                now,
            )
            .await?;
            let node = report
                .intents
                .into_iter()
                .find(|n| n.id == id)
                .ok_or_else(|| CoreError::NotFound(format!("intent {}", cell(&id))))?;
            let forecast = intents::brief::intent_forecast(&ws, &query, &id, now).await?;
            ws.close().await;
            if json {
                crate::print_json(&serde_json::json!({ "intent": node, "forecast": forecast }))?;
            } else {
                outln!("{}", node_text(&node, &forecast).trim_end());
            }
        }
        IntentCommand::Link {
            file,
            intent,
            rule,
            items,
            unaligned,
            dry_run,
            actor,
            why,
        } => {
            let actor = actor.unwrap_or_else(baton_core::triage::local_actor);
            let ws = Workspace::open(&file).await?;
            match (rule, unaligned, intent) {
                (Some(rule), None, Some(intent)) => {
                    let rule = rule_of(&rule, &intent)?;
                    let preview = intents::preview_rule(&ws, &rule).await?;
                    outln!(
                        "matches {} items: links {} ({} serving no intent now, {} moved from another); {} stay (linked by hand or by an earlier rule)",
                        thousands(preview.matched),
                        thousands(preview.linked),
                        thousands(preview.newly_aligned),
                        thousands(preview.moved),
                        thousands(preview.kept)
                    );
                    for m in &preview.examples {
                        outln!(
                            "  {}{}",
                            cell(&m.key),
                            m.intent_now
                                .as_deref()
                                .map(|t| format!(" (now {})", cell(t)))
                                .unwrap_or_default()
                        );
                    }
                    if !dry_run {
                        let id = intents::add_rule(&ws, &rule, &actor, &why, now).await?;
                        outln!("rule {} added", cell(&id));
                    }
                }
                (None, reason, intent) if !items.is_empty() => {
                    let target = match (reason, intent) {
                        (Some(reason), None) => LinkTarget::Unaligned { reason },
                        (None, Some(id)) => LinkTarget::Intent { id },
                        _ => {
                            return Err(CoreError::Invalid(
                                "name the intent (--intent) or say the work is unaligned (--unaligned)".into(),
                            ))
                        }
                    };
                    if dry_run {
                        return Err(CoreError::Invalid("--dry-run previews rules only".into()));
                    }
                    let ids = intents::link(&ws, &items, &target, &actor, &why, now).await?;
                    outln!("{} decisions recorded", thousands(ids.len() as u32));
                }
                _ => {
                    return Err(CoreError::Invalid(
                        "give --intent with --rule FIELD=PATTERN, or --item … with --intent or --unaligned".into(),
                    ))
                }
            }
            ws.close().await;
        }
    }
    Ok(())
}
