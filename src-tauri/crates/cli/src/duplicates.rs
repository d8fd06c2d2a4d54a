//! `baton duplicates`: the Duplicates page headless — candidate pairs of items two teams may
//! both be doing, with the score and its explanation, and each team's duplicated work.

use std::path::PathBuf;

use baton_core::duplicates::{self, DuplicatesQuery};
use baton_core::graph::Workspace;
use baton_core::CoreError;
use clap::Args;

use crate::table::{self, thousands, Layout};

/// `baton duplicates`.
#[derive(Debug, Args)]
pub struct DuplicatesArgs {
    file: PathBuf,
    /// Only pairs with an item of this team (id or name).
    #[arg(long)]
    team: Option<String>,
    /// How many pairs to list (1 to 500).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=500))]
    limit: u32,
    /// Also measure the ranking against the duplicate links the file holds (precision of the
    /// first 20 and 100 candidates, recall).
    #[arg(long)]
    evaluate: bool,
    #[arg(long)]
    json: bool,
}

impl DuplicatesArgs {
    pub fn file(&self) -> &PathBuf {
        &self.file
    }
}

pub async fn run(args: DuplicatesArgs) -> Result<(), CoreError> {
    let ws = Workspace::open_for_reading(&args.file).await?;
    let now = baton_core::time::now_ms();
    let report = duplicates::report(
        &ws,
        &DuplicatesQuery {
            team: args.team.clone(),
            limit: args.limit,
        },
        now,
        &mut |_, _| {},
    )
    .await?;
    let evaluation = if args.evaluate {
        let ix = ws.index().await?;
        Some(duplicates::evaluate_in(&ws, &duplicates::linked_pairs(&ix)).await?)
    } else {
        None
    };
    ws.close().await;
    if args.json {
        return crate::term::out_json(
            &serde_json::json!({ "report": report, "evaluation": evaluation }),
        )
        .map_err(|err| CoreError::Invalid(format!("cannot write JSON: {err}")));
    }
    let layout = Layout::for_stdout();
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    outln!(
        "{} candidate pairs ({} shown); {} linked at the source, {} confirmed, {} dismissed",
        thousands(report.total),
        thousands(report.pairs.len() as u32),
        thousands(report.linked_at_source),
        thousands(report.confirmed),
        thousands(report.dismissed)
    );
    let rows = report.pairs.iter().map(|p| {
        vec![
            pct(p.score),
            p.a.key.clone(),
            p.a.team.clone().unwrap_or_default(),
            p.a.title.clone(),
            p.b.key.clone(),
            p.b.team.clone().unwrap_or_default(),
            p.b.title.clone(),
            p.explanation.clone(),
        ]
    });
    outln!(
        "{}",
        table::plain_table(
            layout,
            &["score", "item", "team", "title", "other", "team", "title", "why"],
            (&[0], &[0, 1, 4]),
            rows,
        )
        .trim_end()
    );
    outln!("Duplicated work per team (items that duplicate another; days in progress):");
    let rows = report.teams.iter().map(|t| {
        vec![
            t.team.clone(),
            thousands(t.items),
            format!("{:.1}", t.days),
            thousands(t.candidates),
        ]
    });
    outln!(
        "{}",
        table::plain_table(
            layout,
            &["team", "items", "days", "open candidates"],
            (&[1, 2, 3], &[]),
            rows,
        )
        .trim_end()
    );
    if let Some(e) = evaluation {
        let opt = |x: Option<f64>| x.map_or("-".to_owned(), pct);
        outln!(
            "Against the {} duplicate links of the file: precision@20 {}, precision@100 {}, recall {} ({} pairs ranked)",
            e.known,
            opt(e.precision_at_20),
            opt(e.precision_at_100),
            opt(e.recall),
            e.ranked
        );
    }
    Ok(())
}
