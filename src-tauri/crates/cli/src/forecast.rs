//! `baton forecast`: the Plans page's forecast, headless.

use std::path::PathBuf;

use baton_core::flow::FlowFilter;
use baton_core::graph::Workspace;
use baton_core::plan::{self, Forecast, ForecastMethod, ForecastSpec, Question};
use baton_core::CoreError;
use clap::{ArgGroup, Args};

use crate::table::{plain_table, thousands, Layout};
use crate::term::cell;

/// `baton forecast`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("set").required(true).args(["intent", "teams"])))]
pub struct ForecastArgs {
    file: PathBuf,
    /// Forecast an intent's open items through the dependency graph (each team at its own pace).
    #[arg(long)]
    intent: Option<String>,
    /// Team id or name (repeatable): forecast the team's open items from its throughput.
    #[arg(long = "team")]
    teams: Vec<String>,
    /// "When will N items be done?" (default: all the open items of the set).
    #[arg(long, conflicts_with = "date")]
    items: Option<u32>,
    /// "How many items by this day?" (YYYY-MM-DD, included).
    #[arg(long)]
    date: Option<String>,
    /// Days of history to draw daily throughput from (7 to 730).
    #[arg(long, default_value_t = plan::DEFAULT_WINDOW_DAYS)]
    window_days: u32,
    /// Simulated futures (100 to 100,000).
    #[arg(long, default_value_t = plan::DEFAULT_TRIALS)]
    trials: u32,
    /// Random seed: the same seed gives the same forecast.
    #[arg(long, default_value_t = plan::DEFAULT_SEED)]
    seed: u32,
    /// Forecast as if today were the day after this one (YYYY-MM-DD); default today.
    #[arg(long)]
    as_of: Option<String>,
    #[arg(long)]
    json: bool,
}

impl ForecastArgs {
    pub fn file(&self) -> &std::path::Path {
        &self.file
    }
}

pub async fn forecast(args: ForecastArgs) -> Result<(), CoreError> {
    let ws = Workspace::open_for_reading(&args.file).await?;
    let ix = ws.index().await?;
    let teams = args
        .teams
        .iter()
        .map(|t| {
            ix.teams
                .iter()
                .find(|x| x.name.eq_ignore_ascii_case(t) || &x.id == t)
                .map(|x| x.id.clone())
                .ok_or_else(|| CoreError::NotFound(format!("team {}", cell(t))))
        })
        .collect::<Result<Vec<String>, CoreError>>()?;
    let spec = ForecastSpec {
        filter: FlowFilter {
            teams,
            to: args.as_of.clone(),
            ..FlowFilter::default()
        },
        intent: args.intent.clone(),
        question: match &args.date {
            Some(date) => Question::HowMany { date: date.clone() },
            None => Question::When { items: args.items },
        },
        window_days: Some(args.window_days),
        trials: Some(args.trials),
        seed: Some(args.seed),
    };
    let report = plan::forecast(&ws, &spec, baton_core::time::now_ms()).await?;
    ws.close().await;
    if args.json {
        crate::print_json(&report)?;
    } else {
        outln!("{}", text(&report, Layout::for_stdout()).trim_end());
    }
    Ok(())
}

/// The forecast as a terminal reads it.
pub fn text(f: &Forecast, layout: Layout) -> String {
    let what = match (&f.question, f.method) {
        (Question::HowMany { date }, _) => {
            format!("How many items of {} by {}", cell(&f.label), cell(date))
        }
        (Question::When { .. }, ForecastMethod::Dependencies) => format!(
            "When the intent {} is done: {} open items, {} upstream of them",
            cell(&f.label),
            thousands(f.items),
            thousands(f.upstream_items)
        ),
        (Question::When { .. }, ForecastMethod::Throughput) => {
            format!(
                "When {} open items of {} are done",
                thousands(f.items),
                cell(&f.label)
            )
        }
    };
    let mut out = format!(
        "{what}\nfrom {} · history {} to {} ({} items finished on {} of {} days) · {} trials, seed {}\n",
        f.start,
        f.window_from,
        f.window_to,
        thousands(f.history_finished),
        f.history_days_with_finish,
        f.window_days,
        thousands(f.trials),
        f.seed
    );
    if !f.levels.is_empty() {
        let rows = f.levels.iter().map(|l| {
            vec![
                format!("{}%", l.confidence),
                match (l.items, l.days, &l.date) {
                    (Some(n), _, _) => format!("at least {}", thousands(n)),
                    (None, Some(0), _) => "nothing left".to_string(),
                    (None, Some(d), Some(date)) => format!("{date} ({d} days)"),
                    _ => "not within ten years".to_string(),
                },
            ]
        });
        out.push_str(&plain_table(
            layout,
            &["confidence", "forecast"],
            (&[], &[0]),
            rows,
        ));
    }
    if !f.teams.is_empty() {
        out.push('\n');
        let rows = f.teams.iter().map(|t| {
            vec![
                cell(&t.team),
                thousands(t.items),
                thousands(t.upstream_items),
                t.finished_of_intent
                    .map_or_else(|| "-".to_string(), thousands),
                thousands(t.finished_all),
                if t.whole_team_pace {
                    "whole team (nothing of the intent finished)".to_string()
                } else if t.finished_of_intent.is_some() {
                    "its pace on the intent".to_string()
                } else {
                    "whole team (upstream only)".to_string()
                },
            ]
        });
        out.push_str(&plain_table(
            layout,
            &[
                "team",
                "open items",
                "upstream",
                "done of intent",
                "done, all work",
                "pace used",
            ],
            (&[1, 2, 3, 4], &[1, 2, 3, 4]),
            rows,
        ));
    }
    if let Some(b) = &f.backtest {
        if !b.checks.is_empty() {
            out.push_str(&format!(
                "\nBacktest: over the next {} days from {} past dates, the 85% figure held {} times, the 50% figure {} times.\n",
                b.horizon_days,
                b.checks.len(),
                b.held_p85,
                b.held_p50
            ));
        }
    }
    for note in &f.notes {
        out.push_str(&format!("note: {}\n", cell(note)));
    }
    out
}
