//! `baton plan`: the scenarios compared with the baseline, and the plan to take home (HTML,
//! and PDF through a headless Chromium when one is installed), headless.

use std::path::{Path, PathBuf};

use baton_core::flow::FlowFilter;
use baton_core::graph::Workspace;
use baton_core::plan::compare::{self, CompareSpec, Comparison, MAX_COMPARED};
use baton_core::plan::report::{plan_report_html, PlanExtras, ReportOptions};
use baton_core::plan::scenario;
use baton_core::CoreError;
use clap::Args;

use crate::table::{plain_table, Layout};
use crate::term::cell;

/// `baton plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    file: PathBuf,
    /// The scenario the plan follows (id or name; repeatable to compare several, the first is
    /// followed). Without one, the plan is the baseline, compared with every stored scenario
    /// (up to six).
    #[arg(long = "scenario")]
    scenarios: Vec<String>,
    /// Write the plan report (self-contained HTML) to this file.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Also print the report to PDF (needs Chromium: `chromium`, `chromium-browser`,
    /// `google-chrome`, or the program named by BATON_CHROMIUM).
    #[arg(long)]
    pdf: Option<PathBuf>,
    /// Days of history to draw daily throughput from (7 to 730).
    #[arg(long)]
    window_days: Option<u32>,
    /// Trials per forecast in the comparison (100 to 20,000; default 2,000).
    #[arg(long)]
    trials: Option<u32>,
    #[arg(long)]
    seed: Option<u32>,
    /// Plan as if today were the day after this one (YYYY-MM-DD); default today.
    #[arg(long)]
    as_of: Option<String>,
    #[arg(long)]
    json: bool,
}

impl PlanArgs {
    pub fn file(&self) -> &Path {
        &self.file
    }
}

pub async fn plan(args: PlanArgs) -> Result<(), CoreError> {
    let ws = Workspace::open_for_reading(&args.file).await?;
    let now = baton_core::time::now_ms();
    let all = scenario::list(&ws).await?;
    let (names, followed) = if args.scenarios.is_empty() {
        (
            all.iter()
                .take(MAX_COMPARED)
                .map(|s| s.id.clone())
                .collect::<Vec<_>>(),
            0,
        )
    } else {
        (args.scenarios.clone(), 1)
    };
    let spec = CompareSpec {
        filter: FlowFilter {
            to: args.as_of.clone(),
            ..FlowFilter::default()
        },
        scenarios: names,
        intents: Vec::new(),
        window_days: args.window_days,
        trials: args.trials,
        seed: args.seed,
    };
    let comparison = compare::compare(&ws, &spec, now).await?;
    if let Some(out) = &args.report {
        let decisions = baton_core::decisions::decisions_list(&ws, None).await?;
        let (ix, mapping, _) = baton_core::flow::prepare(&ws, &spec.filter, now).await?;
        let html = plan_report_html(
            &ix,
            &mapping,
            &ws.name(),
            &ReportOptions {
                window_days: args.window_days,
                trials: None,
                seed: args.seed,
                as_of: args.as_of.clone(),
                utc_offset_minutes: 0,
            },
            &PlanExtras {
                comparison: Some(comparison.clone()),
                followed,
                scenarios: all.clone(),
                decisions,
            },
            now,
        )?;
        std::fs::write(out, html).map_err(|source| CoreError::File {
            path: out.clone(),
            action: "written",
            source,
        })?;
        if let Some(pdf) = &args.pdf {
            baton_core::pdf::print_pdf(out, pdf)?;
        }
    } else if args.pdf.is_some() {
        return Err(CoreError::Invalid(
            "--pdf prints the report: give --report FILE.html too".into(),
        ));
    }
    ws.close().await;
    if args.json {
        crate::print_json(&comparison)?;
    } else {
        outln!("{}", text(&comparison, Layout::for_stdout()).trim_end());
        if let Some(out) = &args.report {
            outln!("report: {}", cell(&out.display().to_string()));
        }
        if let Some(pdf) = &args.pdf {
            outln!("pdf: {}", cell(&pdf.display().to_string()));
        }
    }
    Ok(())
}

/// The comparison as a terminal reads it.
pub fn text(c: &Comparison, layout: Layout) -> String {
    let mut out = format!(
        "Finish dates at 85% confidence from {} ({} trials, seed {}, history {} to {})\n",
        c.start, c.trials, c.seed, c.window_from, c.window_to
    );
    let mut header: Vec<String> = vec!["intent".into()];
    header.extend(c.columns.iter().map(|col| cell(&col.name)));
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows = c.intents.iter().map(|row| {
        let mut r = vec![cell(&row.name)];
        for cl in &row.cells {
            let date = match &cl.p85 {
                None => "no date".to_string(),
                Some(f) => f.date.clone().unwrap_or_else(|| "nothing left".into()),
            };
            r.push(match cl.delta_p85 {
                Some(d) if d != 0 => format!("{date} ({d:+} d)"),
                _ => date,
            });
        }
        r
    });
    out.push_str(&plain_table(layout, &header_refs, (&[], &[]), rows));
    for e in &c.explanations {
        out.push_str(&format!("{}\n", cell(&e.text)));
    }
    for col in &c.columns {
        for w in &col.warnings {
            out.push_str(&format!("note ({}): {}\n", cell(&col.name), cell(w)));
        }
    }
    for n in &c.notes {
        out.push_str(&format!("note: {}\n", cell(n)));
    }
    out
}

/// `baton scenario`: the stored scenarios, headless.
#[derive(Debug, clap::Subcommand)]
pub enum ScenarioCommand {
    /// Every scenario (name, changes in words, who saved it and when).
    List {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Creates a scenario, or saves over the one of the same name, from a JSON file
    /// (`{"name": "...", "notes": "...", "changes": [{"type": "move_work", "item": "PAY-12",
    /// "team": "Checkout"}, ...]}`; the Plans page's change types).
    Save {
        file: PathBuf,
        scenario: PathBuf,
        /// Who saves it (default: this computer's user name).
        #[arg(long = "as")]
        actor: Option<String>,
    },
    /// Removes a scenario (id or name).
    Remove { file: PathBuf, scenario: String },
}

impl ScenarioCommand {
    pub fn file(&self) -> &Path {
        match self {
            ScenarioCommand::List { file, .. }
            | ScenarioCommand::Save { file, .. }
            | ScenarioCommand::Remove { file, .. } => file,
        }
    }
}

pub async fn scenario_command(command: ScenarioCommand) -> Result<(), CoreError> {
    match command {
        ScenarioCommand::List { file, json } => {
            let ws = Workspace::open_for_reading(&file).await?;
            let all = scenario::list(&ws).await?;
            let ix = ws.index().await?;
            if json {
                crate::print_json(&all)?;
            } else if all.is_empty() {
                outln!("No scenario in {}", cell(&file.display().to_string()));
            } else {
                for s in &all {
                    outln!(
                        "{}  (version {}, saved by {} at {})",
                        cell(&s.name),
                        s.version,
                        cell(&s.updated_by),
                        s.updated_at
                    );
                    for c in &s.changes {
                        outln!("  - {}", cell(&scenario::describe(&ix, c)));
                    }
                }
            }
            ws.close().await;
        }
        ScenarioCommand::Save {
            file,
            scenario: path,
            actor,
        } => {
            let text = std::fs::read_to_string(&path).map_err(|source| CoreError::File {
                path: path.clone(),
                action: "read",
                source,
            })?;
            let mut input: scenario::ScenarioInput = serde_json::from_str(&text)
                .map_err(|e| CoreError::Invalid(format!("{}: {e}", path.display())))?;
            let ws = Workspace::open(&file).await?;
            if input.id.is_none() {
                input.id = scenario::list(&ws)
                    .await?
                    .into_iter()
                    .find(|s| s.name == input.name.trim())
                    .map(|s| s.id);
            }
            let actor = actor.unwrap_or_else(baton_core::triage::local_actor);
            let saved = scenario::save(&ws, input, &actor, baton_core::time::now_ms()).await?;
            outln!(
                "saved {} (version {}, {} changes)",
                cell(&saved.name),
                saved.version,
                saved.changes.len()
            );
            ws.close().await;
        }
        ScenarioCommand::Remove { file, scenario: r } => {
            let ws = Workspace::open(&file).await?;
            let all = scenario::list(&ws).await?;
            let found = compare::pick(&all, std::slice::from_ref(&r))?;
            for s in found {
                scenario::delete(&ws, &s.id).await?;
                outln!("removed {}", cell(&s.name));
            }
            ws.close().await;
        }
    }
    Ok(())
}
