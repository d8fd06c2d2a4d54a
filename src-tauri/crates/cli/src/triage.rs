//! `baton triage`, `baton decide` and `baton decisions`: the Triage page headless, so a team can
//! script its worklist and its decisions.

use std::path::PathBuf;

use baton_core::decisions::{self, DecisionInput, DecisionView};
use baton_core::flow::FlowFilter;
use baton_core::graph::model::Provenance;
use baton_core::graph::Workspace;
use baton_core::triage::{
    self, AiComparison, Reason, TriageDecision, TriageList, TriageQuery, TriageShow, TriageSort,
};
use baton_core::CoreError;
use clap::{ArgGroup, Args, ValueEnum};

use crate::table::{self, thousands, Layout};
use crate::term::cell;

macro_rules! value_enum_for {
    ($arg:ident => $core:ident { $($variant:ident),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, ValueEnum)]
        #[value(rename_all = "snake_case")]
        pub enum $arg { $($variant),+ }
        impl From<$arg> for $core {
            fn from(value: $arg) -> $core {
                match value { $($arg::$variant => $core::$variant),+ }
            }
        }
    };
}

value_enum_for!(ReasonArg => Reason {
    AiNoAccountable, AiUnreviewed, AiIdle, NewUntriaged, HandoffUndelivered, AgingPastP85,
    UnmappedState,
    PolicyViolation,
    DuplicateCandidate,
    ConflictingChange,
});
value_enum_for!(SortArg => TriageSort { Age, WaitingOnIt });
value_enum_for!(ProvenanceArg => Provenance { Human, AiAgent, Automation });

/// `baton triage`.
#[derive(Debug, Args)]
pub struct TriageArgs {
    file: PathBuf,
    /// Only items listed for this reason (repeatable).
    #[arg(long = "reason", value_enum)]
    reasons: Vec<ReasonArg>,
    /// Team id or name (repeatable; "" for items without a team).
    #[arg(long = "team")]
    teams: Vec<String>,
    /// Source id (repeatable).
    #[arg(long = "source")]
    sources: Vec<String>,
    /// Provenance (repeatable).
    #[arg(long = "provenance", value_enum)]
    provenances: Vec<ProvenanceArg>,
    /// Case-insensitive text in the key or title.
    #[arg(long)]
    text: Option<String>,
    #[arg(long, value_enum, default_value_t = SortArg::Age)]
    sort: SortArg,
    /// List the items a decision in force covers instead (accepted, rejected, deferred,
    /// duplicates).
    #[arg(long)]
    decided: bool,
    #[arg(long, default_value_t = 0)]
    offset: u32,
    /// Rows to show (1 to 1,000).
    #[arg(long, default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(triage::MAX_PAGE)))]
    limit: u32,
    /// Instead of the worklist, compare AI-made work with people's over the last N days (the
    /// Flow page's measures; 1 to 3,660).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=baton_core::flow::filter::MAX_DAYS))]
    compare_days: Option<u32>,
    #[arg(long)]
    json: bool,
}

/// `baton decide`: one decision about one item.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("decision").required(true).args([
    "owner", "accept", "reject", "defer", "note", "duplicate_of", "not_duplicate_of", "intent",
    "handoff_delivered", "undo",
])))]
pub struct DecideArgs {
    file: PathBuf,
    /// The item's id or key (e.g. PAY-12 or acme/payments-api#7); with --undo, the decision's id.
    item: String,
    /// Set the accountable owner (a person's id, login or name).
    #[arg(long)]
    owner: Option<String>,
    /// Accept it as it is, for the reasons it is listed.
    #[arg(long)]
    accept: bool,
    /// Reject the work (it should not be done).
    #[arg(long)]
    reject: bool,
    /// Defer it: with --until, --until-change, or both.
    #[arg(long)]
    defer: bool,
    /// Deferred until this day (YYYY-MM-DD, UTC) or instant (RFC 3339).
    #[arg(long, requires = "defer")]
    until: Option<String>,
    /// Deferred until the item changes.
    #[arg(long, requires = "defer")]
    until_change: bool,
    /// Add a note.
    #[arg(long)]
    note: Option<String>,
    /// Mark it a duplicate of this item id.
    #[arg(long)]
    duplicate_of: Option<String>,
    /// Say it is not a duplicate of this item id.
    #[arg(long)]
    not_duplicate_of: Option<String>,
    /// Link it to this intent id.
    #[arg(long)]
    intent: Option<String>,
    /// The handoff from this upstream item id arrived.
    #[arg(long)]
    handoff_delivered: Option<String>,
    /// Take back the decision whose id is given as ITEM.
    #[arg(long)]
    undo: bool,
    /// Why, in your words.
    #[arg(long, default_value = "")]
    why: String,
    /// Who decides (default: BATON_USER, else your login name).
    #[arg(long = "as")]
    actor: Option<String>,
    #[arg(long)]
    json: bool,
}

/// `baton decisions`: every decision, oldest first (the export).
#[derive(Debug, Args)]
pub struct DecisionsArgs {
    file: PathBuf,
    /// Only decisions about this item id.
    #[arg(long)]
    item: Option<String>,
    #[arg(long)]
    json: bool,
}

impl TriageArgs {
    /// The workspace file.
    pub fn file(&self) -> &std::path::Path {
        &self.file
    }
}

impl DecideArgs {
    /// The workspace file.
    pub fn file(&self) -> &std::path::Path {
        &self.file
    }
}

impl DecisionsArgs {
    /// The workspace file.
    pub fn file(&self) -> &std::path::Path {
        &self.file
    }
}

fn print_json(value: &impl serde::Serialize) -> Result<(), CoreError> {
    crate::term::out_json(value)
        .map_err(|err| CoreError::Invalid(format!("cannot write JSON: {err}")))
}

/// Runs `baton triage`.
pub async fn triage(args: TriageArgs) -> Result<(), CoreError> {
    let ws = Workspace::open_for_reading(&args.file).await?;
    let ix = ws.index().await?;
    let teams: Vec<String> = args
        .teams
        .into_iter()
        .map(|t| {
            ix.teams
                .iter()
                .find(|x| x.name.eq_ignore_ascii_case(&t))
                .map_or(t, |x| x.id.clone())
        })
        .collect();
    let now = baton_core::time::now_ms();
    if let Some(days) = args.compare_days {
        let filter = FlowFilter {
            last_days: Some(days),
            teams,
            sources: args.sources,
            ..FlowFilter::default()
        };
        let comparison = triage::ai_comparison(&ws, &filter, now).await?;
        ws.close().await;
        if args.json {
            return print_json(&comparison);
        }
        outln!(
            "{}",
            comparison_text(&comparison, Layout::for_stdout()).trim_end()
        );
        return Ok(());
    }
    let query = TriageQuery {
        teams,
        sources: args.sources,
        reasons: args.reasons.into_iter().map(Into::into).collect(),
        provenances: args.provenances.into_iter().map(Into::into).collect(),
        text: args.text,
        sort: args.sort.into(),
        show: if args.decided {
            TriageShow::Decided
        } else {
            TriageShow::Open
        },
        offset: args.offset,
        limit: args.limit,
    };
    let list = triage::triage_list(&ws, &query, now).await?;
    ws.close().await;
    if args.json {
        return print_json(&list);
    }
    outln!("{}", list_text(&list, Layout::for_stdout()).trim_end());
    Ok(())
}

fn days(d: f64) -> String {
    if d < 10.0 {
        format!("{d:.1}")
    } else {
        format!("{}", d.round() as i64)
    }
}

/// The worklist as text.
pub fn list_text(list: &TriageList, layout: Layout) -> String {
    let mut out = format!(
        "Triage (as of {}): {} need a decision; {} covered by decisions\n",
        cell(&list.as_of),
        thousands(list.total),
        thousands(list.decided)
    );
    let counts: Vec<String> = list
        .by_reason
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| format!("{} {}", c.reason.as_str(), thousands(c.count)))
        .collect();
    if !counts.is_empty() {
        out.push_str(&format!("  by reason: {}\n", counts.join(", ")));
    }
    out.push('\n');
    let rows = list.rows.iter().map(|r| {
        vec![
            r.key.clone(),
            days(r.age_days),
            r.reasons
                .iter()
                .map(|x| x.reason.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            r.reasons
                .first()
                .map(|x| x.detail.clone())
                .unwrap_or_default(),
            r.team_name.clone().unwrap_or_else(|| "No team".into()),
            r.accountable
                .as_ref()
                .map(|a| a.name.clone())
                .unwrap_or_else(|| "—".into()),
            thousands(r.waiting_on_it),
            r.title.clone(),
        ]
    });
    out.push_str(&table::plain_table(
        layout,
        &[
            "key",
            "days",
            "reasons",
            "why",
            "team",
            "accountable",
            "waiting",
            "title",
        ],
        (&[1, 6], &[0, 2]),
        rows,
    ));
    if list.total as usize > list.offset as usize + list.rows.len() {
        out.push_str(&format!(
            "  … {} more (use --offset {})\n",
            thousands(list.total - list.offset - list.rows.len() as u32),
            list.offset as usize + list.rows.len()
        ));
    }
    out
}

fn share(v: Option<f64>) -> String {
    v.map_or("—".into(), |s| format!("{:.0}%", s * 100.0))
}

fn p(v: Option<f64>) -> String {
    v.map_or("—".into(), days)
}

/// The AI/human comparison as text.
pub fn comparison_text(c: &AiComparison, layout: Layout) -> String {
    let mut out = format!(
        "AI compared with human work, {} .. {} (as of {})\n\n",
        cell(&c.range.from),
        cell(&c.range.to),
        cell(&c.range.as_of)
    );
    let rows = c.groups.iter().map(|g| {
        vec![
            g.label.clone(),
            thousands(g.items),
            p(g.cycle_time.p50),
            p(g.cycle_time.p85),
            p(g.time_to_first_review.p50),
            g.review_rounds.map_or("—".into(), |r| format!("{r:.1}")),
            share(g.merge_rate),
            share(g.abandon_rate),
            share(g.rework_rate),
            p(g.idle.p50),
        ]
    });
    out.push_str(&table::plain_table(
        layout,
        &[
            "made by",
            "items",
            "cycle P50",
            "cycle P85",
            "first review P50",
            "rounds",
            "merged",
            "abandoned",
            "rework",
            "idle P50",
        ],
        (&[1, 2, 3, 4, 5, 6, 7, 8, 9], &[0]),
        rows,
    ));
    out
}

/// The one item `text` names: its id, its key, or a key it had (see
/// [`baton_core::graph::repo::items::named_by`]).
async fn item_named(ws: &Workspace, text: &str) -> Result<String, CoreError> {
    let mut ids = baton_core::graph::repo::items::named_by(ws.pool(), text).await?;
    match ids.len() {
        1 => Ok(ids.remove(0)),
        0 => Err(CoreError::NotFound(format!(
            "no item has the id or key {text}"
        ))),
        n => Err(CoreError::Invalid(format!(
            "{text} names {n} items ({}); give the id",
            ids.join(", ")
        ))),
    }
}

/// Runs `baton decide`.
pub async fn decide(args: DecideArgs) -> Result<(), CoreError> {
    let ws = Workspace::open(&args.file).await?;
    let actor = args.actor.unwrap_or_else(triage::local_actor);
    let now = baton_core::time::now_ms();
    let result = if args.undo {
        decisions::revoke(&ws, &args.item, &actor, &args.why, now).await
    } else {
        let item = item_named(&ws, &args.item).await?;
        let decision = if let Some(owner) = args.owner {
            DecisionInput::OwnerSet { owner }
        } else if args.accept {
            DecisionInput::Accepted
        } else if args.reject {
            DecisionInput::Rejected
        } else if args.defer {
            DecisionInput::Deferred {
                until: args.until,
                until_change: args.until_change,
            }
        } else if let Some(text) = args.note {
            DecisionInput::Note { text }
        } else if let Some(of) = args.duplicate_of {
            DecisionInput::DuplicateConfirmed {
                of: item_named(&ws, &of).await?,
            }
        } else if let Some(of) = args.not_duplicate_of {
            DecisionInput::DuplicateDismissed {
                of: item_named(&ws, &of).await?,
            }
        } else if let Some(intent) = args.intent {
            DecisionInput::IntentLinked { intent }
        } else if let Some(upstream) = args.handoff_delivered {
            DecisionInput::HandoffDelivered {
                upstream: item_named(&ws, &upstream).await?,
            }
        } else {
            return Err(CoreError::Invalid("say what you decide".into()));
        };
        triage::triage_decide(
            &ws,
            &TriageDecision {
                item_id: item,
                decision,
                why: args.why,
            },
            &actor,
            now,
        )
        .await
    };
    let id = match result {
        Ok(id) => id,
        Err(err) => {
            ws.close().await;
            return Err(err);
        }
    };
    let recorded = decisions::decisions_list(&ws, None)
        .await?
        .into_iter()
        .find(|d| d.id == id);
    ws.close().await;
    match recorded {
        Some(d) if args.json => print_json(&d)?,
        Some(d) => outln!(
            "recorded {}: {} ({}, by {})",
            cell(&d.id),
            cell(&d.summary),
            cell(d.item_id.as_deref().unwrap_or("workspace")),
            cell(&d.actor)
        ),
        None => outln!("recorded {}", cell(&id)),
    }
    Ok(())
}

/// Runs `baton decisions`.
pub async fn decisions(args: DecisionsArgs) -> Result<(), CoreError> {
    let ws = Workspace::open_for_reading(&args.file).await?;
    let list: Vec<DecisionView> = decisions::decisions_list(&ws, args.item.as_deref()).await?;
    ws.close().await;
    if args.json {
        return print_json(&list);
    }
    let rows = list.iter().map(|d| {
        vec![
            d.at.clone(),
            d.item_id.clone().unwrap_or_else(|| "workspace".into()),
            d.summary.clone(),
            d.actor.clone(),
            d.why.clone(),
            d.revoked_by
                .as_ref()
                .map(|r| format!("taken back by {r}"))
                .unwrap_or_default(),
            d.id.clone(),
        ]
    });
    let text = table::plain_table(
        Layout::for_stdout(),
        &["at", "item", "decision", "by", "why", "", "id"],
        (&[], &[0, 1, 6]),
        rows,
    );
    if text.is_empty() {
        outln!("no decisions yet");
    } else {
        outln!("{}", text.trim_end());
    }
    Ok(())
}
