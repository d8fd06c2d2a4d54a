//! `baton approvals`, `baton ask` and `baton answer`: the Decisions page headless. What waits for
//! whose decision or approval (or the log of answered ones), asking a question, answering one.

use std::path::PathBuf;

use baton_core::approvals::{
    self, AnswerInput, AnswerOutcome, ApprovalKind, ApprovalQuery, ApprovalShow, NewApproval,
};
use baton_core::decisions;
use baton_core::graph::Workspace;
use baton_core::CoreError;
use clap::{ArgGroup, Args};

use crate::table::{self, Layout};
use crate::term::cell;

#[derive(Debug, Args)]
pub struct ApprovalsArgs {
    file: PathBuf,
    /// Only this team's (a team name or id; repeatable).
    #[arg(long = "team")]
    teams: Vec<String>,
    /// Only questions about this intent (an intent id; repeatable).
    #[arg(long = "intent")]
    intents: Vec<String>,
    /// The log: answered ones, latest first (the export).
    #[arg(long, conflicts_with = "all")]
    log: bool,
    /// Pending and answered ones.
    #[arg(long)]
    all: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct AskArgs {
    file: PathBuf,
    /// The question.
    question: String,
    /// Who decides: a person (id, login or name)...
    #[arg(long, required_unless_present = "team_decides")]
    decider: Option<String>,
    /// ... or a team (name or id).
    #[arg(long, conflicts_with = "decider")]
    team_decides: Option<String>,
    /// An approval (a yes or no) rather than a decision.
    #[arg(long)]
    approval: bool,
    /// An item that waits on the answer (its id; repeatable).
    #[arg(long = "waiting")]
    waiting: Vec<String>,
    /// Due on this day (YYYY-MM-DD, UTC) or instant (RFC 3339); default: the decision-wait
    /// policy's deadline.
    #[arg(long)]
    due: Option<String>,
    /// The intent it is about (an intent id).
    #[arg(long)]
    intent: Option<String>,
    /// The team it belongs to (default: the first waiting item's).
    #[arg(long)]
    team: Option<String>,
    /// Context, in your words.
    #[arg(long, default_value = "")]
    why: String,
    /// Who asks (default: your login name).
    #[arg(long = "as")]
    actor: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("outcome").required(true).args(["approve", "reject", "decide"])))]
pub struct AnswerArgs {
    file: PathBuf,
    /// The question's id (from `baton approvals`; `src:ITEM` for one a source shows).
    approval: String,
    #[arg(long)]
    approve: bool,
    #[arg(long)]
    reject: bool,
    /// What was decided.
    #[arg(long)]
    decide: Option<String>,
    /// A word on an approval or rejection.
    #[arg(long, default_value = "")]
    answer: String,
    /// Why, in your words.
    #[arg(long, default_value = "")]
    why: String,
    /// Who answers (default: your login name).
    #[arg(long = "as")]
    actor: Option<String>,
    #[arg(long)]
    json: bool,
}

impl ApprovalsArgs {
    /// The workspace file.
    pub fn file(&self) -> &std::path::Path {
        &self.file
    }
}

impl AskArgs {
    /// The workspace file.
    pub fn file(&self) -> &std::path::Path {
        &self.file
    }
}

impl AnswerArgs {
    /// The workspace file.
    pub fn file(&self) -> &std::path::Path {
        &self.file
    }
}

fn print_json(value: &impl serde::Serialize) -> Result<(), CoreError> {
    crate::term::out_json(value)
        .map_err(|err| CoreError::Invalid(format!("cannot write JSON: {err}")))
}

/// Runs `baton approvals`.
pub async fn list(args: ApprovalsArgs) -> Result<(), CoreError> {
    let ws = Workspace::open_for_reading(&args.file).await?;
    let ix = ws.index().await?;
    let teams = args
        .teams
        .into_iter()
        .map(|t| {
            ix.teams
                .iter()
                .find(|x| x.name.eq_ignore_ascii_case(&t))
                .map_or(t, |x| x.id.clone())
        })
        .collect();
    let show = if args.log {
        ApprovalShow::Answered
    } else if args.all {
        ApprovalShow::All
    } else {
        ApprovalShow::Pending
    };
    let query = ApprovalQuery {
        teams,
        intents: args.intents,
        show,
    };
    let report = approvals::approvals_report(&ws, &query, baton_core::time::now_ms()).await?;
    ws.close().await;
    if args.json {
        return print_json(&report);
    }
    outln!(
        "{} pending ({} overdue), {} answered",
        report.pending,
        report.overdue,
        report.answered
    );
    let rows = report.approvals.iter().map(|a| {
        let answer = a.answer.as_ref().map_or_else(String::new, |x| {
            let outcome = match x.outcome {
                AnswerOutcome::Approved => "approved",
                AnswerOutcome::Rejected => "rejected",
                AnswerOutcome::Decided => "decided",
            };
            let text = if x.answer.is_empty() {
                String::new()
            } else {
                format!(": {}", x.answer)
            };
            format!(
                "{outcome}{text} ({}, {})",
                x.by,
                &x.at[..10.min(x.at.len())]
            )
        });
        vec![
            a.id.clone(),
            a.question.clone(),
            a.decider.name.clone(),
            a.waiting
                .iter()
                .map(|w| w.key.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            match (&a.due, a.overdue) {
                (Some(d), true) => format!("{} overdue", &d[..10.min(d.len())]),
                (Some(d), false) => d[..10.min(d.len())].to_owned(),
                (None, _) => String::new(),
            },
            format!("{:.1}", a.waited_days),
            answer,
        ]
    });
    let text = table::plain_table(
        Layout::for_stdout(),
        &[
            "id", "question", "decider", "waiting", "due", "days", "answer",
        ],
        (&[5], &[0, 4, 5]),
        rows,
    );
    if !text.is_empty() {
        outln!("{}", text.trim_end());
    }
    Ok(())
}

/// Runs `baton ask`.
pub async fn ask(args: AskArgs) -> Result<(), CoreError> {
    let ws = Workspace::open(&args.file).await?;
    let actor = args.actor.unwrap_or_else(baton_core::triage::local_actor);
    let decider_is_team = args.team_decides.is_some();
    let input = NewApproval {
        kind: Some(if args.approval {
            ApprovalKind::Approval
        } else {
            ApprovalKind::Decision
        }),
        question: args.question,
        decider: args.team_decides.or(args.decider).unwrap_or_default(),
        decider_is_team,
        waiting: args.waiting,
        due: args.due,
        intent: args.intent,
        team: args.team,
        why: args.why,
    };
    let result = approvals::ask(&ws, &input, &actor, baton_core::time::now_ms()).await;
    finish(ws, result, args.json).await
}

/// Runs `baton answer`.
pub async fn answer(args: AnswerArgs) -> Result<(), CoreError> {
    let ws = Workspace::open(&args.file).await?;
    let actor = args.actor.unwrap_or_else(baton_core::triage::local_actor);
    let (outcome, text) = if args.approve {
        (AnswerOutcome::Approved, args.answer)
    } else if args.reject {
        (AnswerOutcome::Rejected, args.answer)
    } else {
        (AnswerOutcome::Decided, args.decide.unwrap_or_default())
    };
    let input = AnswerInput {
        approval: args.approval,
        outcome,
        answer: text,
        why: args.why,
    };
    let result = approvals::answer(&ws, &input, &actor, baton_core::time::now_ms()).await;
    finish(ws, result, args.json).await
}

/// Prints what was recorded (or closes the workspace and returns the error).
async fn finish(
    ws: Workspace,
    result: Result<String, CoreError>,
    json: bool,
) -> Result<(), CoreError> {
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
        Some(d) if json => print_json(&d)?,
        Some(d) => outln!(
            "recorded {}: {} (by {})",
            cell(&d.id),
            cell(&d.summary),
            cell(&d.actor)
        ),
        None => outln!("recorded {}", cell(&id)),
    }
    Ok(())
}
