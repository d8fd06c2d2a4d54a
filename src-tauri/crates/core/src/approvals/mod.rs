//! Decisions and approvals as work: each pending one has a question, a decider (a person or a
//! team), the items waiting on it, a due date and an age; answering it records who, when, what
//! and why, and releases the items.
//!
//! Two origins, one list:
//! - **asked in Baton**: an `approval_requested` row of the `decisions` table (append-only, never
//!   touched by a sync); its answer is an `approval_answered` row superseding it, and taking
//!   either back is a `revoked` decision like any other;
//! - **shown by a source**: an item whose state means waiting for an approval or a decision (a
//!   Jira "Awaiting approval", a "needs decision" label) is a pending approval of its own, asked
//!   of its assignee (else, or when a bot is assigned, its team) since it entered that state, due when the first enabled
//!   maximum-wait policy for that wait would be broken. Answering it in Baton releases it in
//!   Baton's view until the item changes at the source (the answer keeps what it answered).
//!
//! - **a review asked for at the source**: a person or a team asked to review an open pull
//!   request (GitHub's requested reviewers) who has not answered yet is a pending approval asked
//!   of them since the request, due when the first review SLA or maximum wait for review
//!   covering the item would be broken. Its waiting time is review time in the flow metrics (the
//!   pull request's state says so), never approval time: it adds no question record
//!   ([`waits_of`]) and no item-days to the "waiting for a decision" figure. An answer recorded
//!   in Baton releases it until the reviewer is asked again.
//!
//! - **a deployment waiting for approval at the source**: a GitHub workflow run whose deployment
//!   to an environment waits for a required reviewer (`deployment_approvals`, read as a snapshot
//!   each sync) is a pending approval per run, environment and reviewer, asked of that person or
//!   team since the run's `updated_at` (GitHub gives no "waiting since"), waiting items the
//!   run's pull requests, due when the first maximum wait for an approval covering them would be
//!   broken. Its waiting time is **approval** time: while pending (and, answered in Baton, until
//!   the answer) it is a question record for its items ([`question_waits`]) and counts in the
//!   "waiting for a decision" item-days. An answer recorded in Baton releases it until the run
//!   changes at the source (a later `updated_at`).
//!
//! The log (answered ones, per intent and team) is exportable; the time items waited on these
//! records is the "waiting for a decision" figure (`docs/metrics.md`, "Decisions and approvals").

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::decisions::{
    self, bounded, new_decision_id, revoked_ids, DecisionKind, PAYLOAD_VERSION,
};
use crate::error::{CoreError, CoreResult};
use crate::flow::mapping::Mapping;
use crate::governance::eval::WaitLimits;
use crate::graph::index::{EventKind, WorkIndex, NONE};
use crate::graph::model::{FlowState, WaitReason, WorkflowMap};
use crate::graph::repo::deployment_approvals::DeploymentApproval;
use crate::graph::repo::{self, decisions::DecisionRow};
use crate::graph::text::LossyText;
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};
use crate::time::{to_rfc3339, DAY_MS};

/// Prefix of the id of a pending approval a source shows: `src:<item id>`.
pub const SOURCE_PREFIX: &str = "src:";
/// Prefix of the id of a review asked at the source and not given:
/// `rr:<item id>|<reviewer>` (a login, or `team:<slug>`).
pub const REVIEW_PREFIX: &str = "rr:";
/// Prefix of the id of a deployment waiting for a required reviewer at the source:
/// `da:<source id>|<repository scope>|<run id>|<environment>|<reviewer>`.
pub const DEPLOYMENT_PREFIX: &str = "da:";
/// At most this many items wait on one question.
pub const MAX_WAITING: usize = 200;

/// What is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalKind {
    /// A choice to make ("which vendor?", "ship without the migration?").
    Decision,
    /// A yes or no on something done (a release, a change, an exception).
    Approval,
}

impl ApprovalKind {
    fn wait(self) -> WaitReason {
        match self {
            ApprovalKind::Decision => WaitReason::Decision,
            ApprovalKind::Approval => WaitReason::Approval,
        }
    }
}

/// Where a pending decision or approval comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalOrigin {
    /// Asked in Baton.
    Baton,
    /// An item's state at its source says it waits for one.
    Source,
    /// A review asked of a person or a team at the source (a GitHub pull request's requested
    /// reviewer) and not given yet.
    ReviewRequest,
    /// A deployment of a workflow run to an environment waiting for a required reviewer at the
    /// source (a GitHub environment approval).
    DeploymentApproval,
}

/// Whether the decider is a person or a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DeciderKind {
    Person,
    Team,
}

/// Who decides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Decider {
    pub kind: DeciderKind,
    /// The person's or team's id when Baton knows them (someone not synced is kept by name).
    pub id: Option<String>,
    pub name: String,
}

/// How a question was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AnswerOutcome {
    Approved,
    Rejected,
    /// A decision taken (what it is says the answer's text).
    Decided,
}

impl AnswerOutcome {
    fn as_str(self) -> &'static str {
        match self {
            AnswerOutcome::Approved => "approved",
            AnswerOutcome::Rejected => "rejected",
            AnswerOutcome::Decided => "decided",
        }
    }

    fn parse(text: &str) -> AnswerOutcome {
        match text {
            "approved" => AnswerOutcome::Approved,
            "rejected" => AnswerOutcome::Rejected,
            _ => AnswerOutcome::Decided,
        }
    }
}

/// A question to ask in Baton (what the app and `baton ask` send).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct NewApproval {
    pub kind: Option<ApprovalKind>,
    pub question: String,
    /// A person (id, login or name) or, with `deciderIsTeam`, a team (id or name).
    pub decider: String,
    pub decider_is_team: bool,
    /// Ids of the items that wait on the answer.
    pub waiting: Vec<String>,
    /// A day (`YYYY-MM-DD`) or an RFC 3339 instant; none: the maximum-wait policy's deadline.
    pub due: Option<String>,
    /// The intent it is about (an intent id).
    pub intent: Option<String>,
    /// The team it belongs to (an id or name); none: the team of the first waiting item.
    pub team: Option<String>,
    /// Context, in the asker's words.
    pub why: String,
}

/// An answer (what the app and `baton answer` send).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AnswerInput {
    /// The id of the pending decision or approval (`src:<item id>` for one a source shows).
    pub approval: String,
    pub outcome: AnswerOutcome,
    /// What was decided, in words (needed for a decision).
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub why: String,
}

/// An item waiting on a question.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WaitingItem {
    pub id: String,
    pub key: String,
    pub title: String,
    /// Not done or canceled.
    pub open: bool,
}

/// The answer given.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalAnswer {
    /// The decision that records it (take it back to reopen the question).
    pub id: String,
    pub outcome: AnswerOutcome,
    pub answer: String,
    pub by: String,
    pub at: String,
    pub why: String,
}

/// A decision or approval, pending or answered.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Approval {
    pub id: String,
    pub origin: ApprovalOrigin,
    pub kind: ApprovalKind,
    pub question: String,
    pub decider: Decider,
    /// Who asked (None for one a source shows).
    pub asked_by: Option<String>,
    /// Since when it waits (asked, or entered the waiting state).
    pub asked_at: String,
    pub due: Option<String>,
    /// Pending past its due date.
    pub overdue: bool,
    /// Days it has waited (until answered, or now).
    pub waited_days: f64,
    pub waiting: Vec<WaitingItem>,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub intent_id: Option<String>,
    pub intent_title: Option<String>,
    /// The source and raw state that show it (for one a source shows).
    pub source_state: Option<String>,
    /// Context given when asked.
    pub why: String,
    pub answer: Option<ApprovalAnswer>,
}

/// Which questions to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalShow {
    #[default]
    Pending,
    /// The log: answered ones, latest answer first.
    Answered,
    All,
}

/// A request for the Decisions page. Empty lists mean "any".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct ApprovalQuery {
    /// Team ids ("" for questions without a team).
    pub teams: Vec<String>,
    /// Intent ids ("" for questions without an intent).
    pub intents: Vec<String>,
    pub show: ApprovalShow,
}

/// Waiting for a decision, per team, from these records.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamWaiting {
    pub team_id: Option<String>,
    pub team_name: String,
    pub pending: u32,
    pub overdue: u32,
    pub answered: u32,
    /// Median days from asked to answered (answered ones), None without any.
    pub median_answer_days: Option<f64>,
    /// Item-days spent waiting on a decision or approval: for each question, the days it waited
    /// (until answered, or now) times the open items waiting on it.
    pub item_days_waiting: f64,
}

/// The Decisions page.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalsReport {
    pub as_of: String,
    /// The questions matching the query.
    pub approvals: Vec<Approval>,
    /// Counts over the teams and intents filters (whatever `show`).
    pub pending: u32,
    pub overdue: u32,
    pub answered: u32,
    pub by_team: Vec<TeamWaiting>,
}

/// Stored details of a question (the payload of `approval_requested`, and for one a source
/// shows, kept in its answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Asked {
    v: u32,
    kind: ApprovalKind,
    question: String,
    decider: Decider,
    #[serde(default)]
    due: Option<i64>,
    #[serde(default)]
    intent: Option<String>,
    #[serde(default)]
    team: Option<String>,
    /// For one a source shows: when it entered the waiting state, and the raw state.
    #[serde(default)]
    since: Option<i64>,
    #[serde(default)]
    state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answered {
    v: u32,
    approval: String,
    outcome: String,
    #[serde(default)]
    answer: String,
    /// What the question was (for one a source shows, which no row of Baton's holds).
    #[serde(default)]
    asked: Option<Asked>,
}

/// Asks a question in Baton; returns its id.
pub async fn ask(ws: &Workspace, input: &NewApproval, actor: &str, now: i64) -> CoreResult<String> {
    let (id, _) = ws.write(Ask { input, actor, now }).await?;
    Ok(id)
}

struct Ask<'a> {
    input: &'a NewApproval,
    actor: &'a str,
    now: i64,
}

impl WriteOp for Ask<'_> {
    type Output = String;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<String> {
        let input = self.input;
        let actor = bounded(self.actor, "the name of who asks")?;
        if actor.is_empty() {
            return Err(CoreError::Invalid("a question needs who asks it".into()));
        }
        let question = bounded(&input.question, "the question")?;
        if question.is_empty() {
            return Err(CoreError::Invalid("write the question to decide".into()));
        }
        let why = bounded(&input.why, "the context")?;
        let mut waiting: Vec<String> = Vec::new();
        for id in &input.waiting {
            let id = id.trim();
            if id.is_empty() || waiting.iter().any(|w| w == id) {
                continue;
            }
            if repo::items::get(w.conn(), id).await?.is_none() {
                return Err(CoreError::NotFound(format!("item {id}")));
            }
            waiting.push(id.to_owned());
        }
        if waiting.len() > MAX_WAITING {
            return Err(CoreError::Invalid(format!(
                "at most {MAX_WAITING} items can wait on one question"
            )));
        }
        let decider_text = bounded(&input.decider, "the decider")?;
        if decider_text.is_empty() {
            return Err(CoreError::Invalid(
                "name who decides (a person or a team)".into(),
            ));
        }
        let teams = repo::teams::list(&mut *w.conn()).await?;
        let find_team = |text: &str| {
            teams
                .iter()
                .find(|t| t.id == text || t.name.eq_ignore_ascii_case(text))
        };
        let decider = if input.decider_is_team {
            let team = find_team(&decider_text)
                .ok_or_else(|| CoreError::NotFound(format!("team {decider_text}")))?;
            Decider {
                kind: DeciderKind::Team,
                id: Some(team.id.clone()),
                name: team.name.clone(),
            }
        } else {
            let first = waiting.first().map_or("", String::as_str);
            let person = decisions::find_person(w, first, &decider_text).await?;
            Decider {
                kind: DeciderKind::Person,
                name: person
                    .as_ref()
                    .map_or(decider_text.clone(), |(_, n)| n.clone()),
                id: person.map(|(id, _)| id),
            }
        };
        let team = match input
            .team
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            Some(text) => Some(
                find_team(text)
                    .ok_or_else(|| CoreError::NotFound(format!("team {text}")))?
                    .id
                    .clone(),
            ),
            None => match waiting.first() {
                Some(first) => repo::items::get(w.conn(), first)
                    .await?
                    .and_then(|item| item.team_id),
                None => (decider.kind == DeciderKind::Team)
                    .then(|| decider.id.clone())
                    .flatten(),
            },
        };
        let intent = match input
            .intent
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            Some(intent) => {
                let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM intents WHERE id = ?1")
                    .bind(intent)
                    .fetch_one(&mut *w.conn())
                    .await?;
                if found == 0 {
                    return Err(CoreError::NotFound(format!("intent {intent}")));
                }
                Some(intent.to_owned())
            }
            None => None,
        };
        let due = input
            .due
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(decisions::parse_until)
            .transpose()?;
        if let Some(t) = due.filter(|t| *t <= self.now) {
            return Err(CoreError::Invalid(format!(
                "the due date {} is not in the future",
                to_rfc3339(t)
            )));
        }
        let asked = Asked {
            v: PAYLOAD_VERSION,
            kind: input.kind.unwrap_or(ApprovalKind::Decision),
            question,
            decider,
            due,
            intent,
            team,
            since: None,
            state: None,
        };
        let id = new_decision_id(self.now);
        repo::decisions::insert(
            &mut *w.conn(),
            &DecisionRow {
                seq: 0,
                id: id.clone(),
                item_id: waiting.first().cloned(),
                kind: DecisionKind::ApprovalRequested.as_str().to_owned(),
                covers: json_text(&waiting)?,
                reasons: "[]".into(),
                supersedes: None,
                payload: json_text(&asked)?,
                actor,
                why,
                until_at: due,
                seen_updated_at: None,
                seen_changes: None,
                created_at: self.now,
            },
        )
        .await?;
        w.changed(ChangeKind::Decisions);
        Ok(id)
    }
}

fn json_text<T: Serialize + ?Sized>(value: &T) -> CoreResult<String> {
    serde_json::to_string(value).map_err(|e| CoreError::Invalid(e.to_string()))
}

/// Answers a pending decision or approval; returns the answer's decision id.
pub async fn answer(
    ws: &Workspace,
    input: &AnswerInput,
    actor: &str,
    now: i64,
) -> CoreResult<String> {
    // One a source shows is described from the index (as it is now) into the answer.
    let described = if input.approval.starts_with(DEPLOYMENT_PREFIX) {
        let ix = ws.index().await?;
        let set = crate::governance::load(ws).await?;
        let limits = WaitLimits::new(&ix, &set)?;
        let found = deployment_approvals(ws, &ix, &limits)
            .await?
            .into_iter()
            .find(|d| d.id == input.approval);
        let Some(d) = found else {
            return Err(CoreError::Invalid(format!(
                "{} is not a deployment still waiting for approval at its source",
                input.approval
            )));
        };
        // The answer holds until the run changes at the source (a later `updated_at`).
        Some(Described {
            item: d.items.first().cloned(),
            covers: d.items,
            asked: d.asked,
            updated: Some(d.since),
            changes: None,
        })
    } else if input.approval.starts_with(REVIEW_PREFIX) {
        let ix = ws.index().await?;
        let set = crate::governance::load(ws).await?;
        let limits = WaitLimits::new(&ix, &set)?;
        let found = review_requests(ws, &ix, &limits)
            .await?
            .into_iter()
            .find(|r| r.id == input.approval);
        let Some(r) = found else {
            return Err(CoreError::Invalid(format!(
                "{} is not a review still asked for at its source",
                input.approval
            )));
        };
        // The answer holds for this request: asked again later, it is pending again.
        Some(Described {
            item: Some(r.item_id.clone()),
            covers: vec![r.item_id],
            asked: r.asked,
            updated: Some(r.requested_at),
            changes: None,
        })
    } else {
        match input.approval.strip_prefix(SOURCE_PREFIX) {
            Some(item) => {
                let ix = ws.index().await?;
                let rows = repo::workflow_maps::list(ws.pool()).await?;
                let mapping = Mapping::build(&ix, &rows);
                let set = crate::governance::load(ws).await?;
                let limits = WaitLimits::new(&ix, &set)?;
                let position = ix.item_ids.iter().position(|id| id == item);
                let found = position.and_then(|i| source_pending(&ix, &mapping, &limits, i));
                let Some((i, asked)) = position.zip(found) else {
                    return Err(CoreError::Invalid(format!(
                        "{item} does not wait for a decision or an approval at its source"
                    )));
                };
                let it = &ix.items[i];
                Some(Described {
                    item: Some(item.to_owned()),
                    covers: vec![item.to_owned()],
                    asked,
                    updated: Some(it.updated),
                    changes: Some(i64::from(it.transition_rows)),
                })
            }
            None => None,
        }
    };
    let (id, _) = ws
        .write(Answer {
            input,
            actor,
            now,
            described,
        })
        .await?;
    Ok(id)
}

struct Answer<'a> {
    input: &'a AnswerInput,
    actor: &'a str,
    now: i64,
    /// For one a source shows: what it is now.
    described: Option<Described>,
}

/// A question a source shows, as it is when answered.
struct Described {
    /// The item the answer is recorded on (the first waiting).
    item: Option<String>,
    /// The items waiting.
    covers: Vec<String>,
    asked: Asked,
    /// What the answer holds until it changes: the item's update time (a source's state), the
    /// request's time (a review asked), the run's `updated_at` (a deployment).
    updated: Option<i64>,
    /// The item's recorded changes (a source's state only).
    changes: Option<i64>,
}

impl WriteOp for Answer<'_> {
    type Output = String;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<String> {
        let input = self.input;
        let actor = bounded(self.actor, "the name of who answers")?;
        if actor.is_empty() {
            return Err(CoreError::Invalid("an answer needs who gives it".into()));
        }
        let text = bounded(&input.answer, "the answer")?;
        if input.outcome == AnswerOutcome::Decided && text.is_empty() {
            return Err(CoreError::Invalid("say what was decided".into()));
        }
        let why = bounded(&input.why, "the reason")?;
        let rows = repo::decisions::list(&mut *w.conn()).await?;
        let dead = revoked_ids(&rows);
        let live_answer = |id: &str| {
            rows.iter().rev().find(|r| {
                r.kind == DecisionKind::ApprovalAnswered.as_str()
                    && !dead.contains(r.id.as_str())
                    && serde_json::from_str::<Answered>(&r.payload).is_ok_and(|a| a.approval == id)
            })
        };
        let (item_id, covers, supersedes, asked, seen) = match &self.described {
            Some(d) => {
                if let Some(prior) = live_answer(&input.approval) {
                    if prior.seen_updated_at == d.updated && prior.seen_changes == d.changes {
                        return Err(CoreError::Invalid(format!(
                            "{} is already answered (take the answer back to change it)",
                            input.approval
                        )));
                    }
                }
                (
                    d.item.clone(),
                    d.covers.clone(),
                    None,
                    Some(d.asked.clone()),
                    (d.updated, d.changes),
                )
            }
            None => {
                let Some(request) = rows.iter().find(|r| {
                    r.id == input.approval && r.kind == DecisionKind::ApprovalRequested.as_str()
                }) else {
                    return Err(CoreError::NotFound(format!(
                        "decision or approval {}",
                        input.approval
                    )));
                };
                if dead.contains(request.id.as_str()) {
                    return Err(CoreError::Invalid(format!(
                        "{} was withdrawn",
                        input.approval
                    )));
                }
                if live_answer(&request.id).is_some() {
                    return Err(CoreError::Invalid(format!(
                        "{} is already answered (take the answer back to change it)",
                        input.approval
                    )));
                }
                let covers: Vec<String> = serde_json::from_str(&request.covers).unwrap_or_default();
                (
                    request.item_id.clone(),
                    covers,
                    Some(request.id.clone()),
                    None,
                    (None, None),
                )
            }
        };
        let payload = Answered {
            v: PAYLOAD_VERSION,
            approval: input.approval.clone(),
            outcome: input.outcome.as_str().to_owned(),
            answer: text,
            asked,
        };
        let id = new_decision_id(self.now);
        repo::decisions::insert(
            &mut *w.conn(),
            &DecisionRow {
                seq: 0,
                id: id.clone(),
                item_id,
                kind: DecisionKind::ApprovalAnswered.as_str().to_owned(),
                covers: json_text(&covers)?,
                reasons: "[]".into(),
                supersedes,
                payload: json_text(&payload)?,
                actor,
                why,
                until_at: None,
                seen_updated_at: seen.0,
                seen_changes: seen.1,
                created_at: self.now,
            },
        )
        .await?;
        w.changed(ChangeKind::Decisions);
        Ok(id)
    }
}

/// Item `i`'s current wait for an approval or a decision, as its source shows it: the question
/// it stands for. None when it does not wait for one.
/// The kind of question item `i` waits on at its source now (its state maps to waiting for an
/// approval or a decision), if any.
fn source_waits(ix: &WorkIndex, mapping: &Mapping, i: usize) -> Option<ApprovalKind> {
    let item = &ix.items[i];
    if matches!(item.flow, FlowState::Done | FlowState::Canceled) {
        return None;
    }
    match mapping.resolve_item(item.current_state, i, item.team, item.kind) {
        Some((FlowState::Waiting, Some(WaitReason::Approval))) => Some(ApprovalKind::Approval),
        Some((FlowState::Waiting, Some(WaitReason::Decision))) => Some(ApprovalKind::Decision),
        _ => None,
    }
}

fn source_pending(
    ix: &WorkIndex,
    mapping: &Mapping,
    limits: &WaitLimits<'_>,
    i: usize,
) -> Option<Asked> {
    let item = &ix.items[i];
    let kind = source_waits(ix, mapping, i)?;
    let since = ix
        .events_of(i)
        .iter()
        .rev()
        .find(|e| e.kind() == EventKind::State && e.code() == item.current_state)
        .map_or(item.created, |e| e.at);
    let state = ix
        .states
        .get(item.current_state as usize)
        .map(|s| s.raw.clone())
        .unwrap_or_default();
    let team = ix.teams.get(item.team as usize);
    let person_owner = item.owner != NONE
        && !ix
            .people_is_bot
            .get(item.owner as usize)
            .copied()
            .unwrap_or(true);
    let decider = if person_owner {
        Decider {
            kind: DeciderKind::Person,
            id: ix.people.get(item.owner as usize).map(|p| p.id.clone()),
            name: crate::provenance::person_name(ix, item.owner),
        }
    } else {
        Decider {
            kind: DeciderKind::Team,
            id: team.map(|t| t.id.clone()),
            name: team.map_or_else(|| "No team".to_owned(), |t| t.name.clone()),
        }
    };
    Some(Asked {
        v: PAYLOAD_VERSION,
        kind,
        question: format!("{state}: {}", ix.item_keys.get(i).unwrap_or("")),
        decider,
        due: limits.due(ix, i, kind.wait(), since),
        intent: ix.intents.get(item.intent as usize).map(|n| n.id.clone()),
        team: team.map(|t| t.id.clone()),
        since: Some(since),
        state: Some(state),
    })
}

/// A review asked at the source and not given, as a question.
struct AskedReview {
    /// `rr:<item id>|<reviewer>`.
    id: String,
    item_id: String,
    requested_at: i64,
    asked: Asked,
}

/// The reviews still asked for on open items (`review_requests`), each as the question it
/// stands for: "Review of <key>: <title>", asked of the person (or the team: the Baton team a
/// `@org/<slug>` owner maps to in Settings → Conflicts, else the GitHub team by name), due by
/// the review policies ([`WaitLimits::review_due`]).
async fn review_requests(
    ws: &Workspace,
    ix: &WorkIndex,
    limits: &WaitLimits<'_>,
) -> CoreResult<Vec<AskedReview>> {
    let rows = repo::review_requests::list(ws.pool()).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: HashSet<&str> = rows.iter().map(|r| r.item_id.as_str()).collect();
    let position = ix.positions_of(|id| wanted.contains(id));
    let ids: Vec<&str> = position.keys().copied().collect();
    let titles = item_titles(ws, &ids).await?;
    let rules = crate::conflicts::live::rules(ws).await?;
    let teams: Vec<(String, String)> = ix
        .teams
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    let people: HashMap<&str, u32> = ix
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i as u32))
        .collect();
    let mut out = Vec::new();
    for r in &rows {
        let Some(&i) = position.get(r.item_id.as_str()) else {
            continue;
        };
        let item = &ix.items[i];
        if matches!(item.flow, FlowState::Done | FlowState::Canceled) {
            continue;
        }
        let (key, title) = titles
            .get(&r.item_id)
            .cloned()
            .unwrap_or_else(|| (ix.item_keys.get(i).unwrap_or("").to_owned(), String::new()));
        // A GitHub team is `@<org>/<slug>` as CODEOWNERS names it; the pull request's key
        // (`org/repo#n`) says the organisation.
        let org = key.split_once('/').map_or("", |(org, _)| org);
        let decider = source_decider(
            ix,
            Asker {
                team_slug: r.team_slug(),
                person_id: r.person_id.as_deref(),
                reviewer: &r.reviewer,
                org,
            },
            &rules,
            &teams,
            &people,
        );
        let team = ix.teams.get(item.team as usize);
        out.push(AskedReview {
            id: format!("{REVIEW_PREFIX}{}|{}", r.item_id, r.reviewer),
            item_id: r.item_id.clone(),
            requested_at: r.requested_at,
            asked: Asked {
                v: PAYLOAD_VERSION,
                kind: ApprovalKind::Approval,
                question: format!("Review of {key}: {title}"),
                decider,
                due: limits.review_due(ix, i, r.requested_at),
                intent: ix.intents.get(item.intent as usize).map(|n| n.id.clone()),
                team: team.map(|t| t.id.clone()),
                since: Some(r.requested_at),
                state: Some("review requested".to_owned()),
            },
        });
    }
    Ok(out)
}

/// Who a source asked (a requested reviewer, a deployment's required reviewer).
struct Asker<'a> {
    /// The team's slug, when a team was asked.
    team_slug: Option<&'a str>,
    /// The person asked, when one was (a person id).
    person_id: Option<&'a str>,
    /// The login (or `team:<slug>`) as the source wrote it.
    reviewer: &'a str,
    /// The organisation of the repository (for a team's `@<org>/<slug>`).
    org: &'a str,
}

/// Who a source asked: the person (by their Baton name), or the team (the Baton team a
/// `@org/<slug>` owner maps to in Settings → Conflicts, else the GitHub team by name).
fn source_decider(
    ix: &WorkIndex,
    r: Asker<'_>,
    rules: &crate::conflicts::OwnerRules,
    teams: &[(String, String)],
    people: &HashMap<&str, u32>,
) -> Decider {
    match r.team_slug {
        Some(slug) => {
            let owner = format!("@{}/{slug}", r.org);
            match rules.team_of(&owner, teams) {
                Some(id) => Decider {
                    kind: DeciderKind::Team,
                    name: teams
                        .iter()
                        .find(|(t, _)| *t == id)
                        .map_or_else(|| owner.clone(), |(_, name)| name.clone()),
                    id: Some(id),
                },
                None => Decider {
                    kind: DeciderKind::Team,
                    id: None,
                    name: owner,
                },
            }
        }
        None => {
            let known = r.person_id.and_then(|p| people.get(p).map(|&at| (p, at)));
            Decider {
                kind: DeciderKind::Person,
                id: known.map(|(p, _)| p.to_owned()),
                name: known.map_or_else(
                    || r.reviewer.to_owned(),
                    |(_, at)| crate::provenance::person_name(ix, at),
                ),
            }
        }
    }
}

/// A deployment waiting for a required reviewer at the source, as a question.
struct AskedDeployment {
    /// `da:<source id>|<scope>|<run id>|<environment>|<reviewer>`.
    id: String,
    /// The items waiting (the run's pull requests; may be none).
    items: Vec<String>,
    /// The run's `updated_at`.
    since: i64,
    /// A link to the run.
    why: String,
    asked: Asked,
}

/// The id of the question a deployment approval row stands for.
pub fn deployment_id(r: &DeploymentApproval) -> String {
    format!(
        "{DEPLOYMENT_PREFIX}{}|{}|{}|{}|{}",
        r.source_id, r.scope, r.run_id, r.environment, r.reviewer
    )
}

/// The question a deployment waiting for `r`'s reviewer stands for: "Deployment to <environment>
/// waits for approval: <workflow> #<run> (<repository>)", asked of the person or team since the
/// run's `updated_at`, due when the first maximum wait for an approval covering one of its items
/// would be broken (with no item: any such policy, in the decider's team's calendar).
fn deployment_question(
    ix: &WorkIndex,
    limits: &WaitLimits<'_>,
    r: &DeploymentApproval,
    at: &[usize],
    decider: Decider,
) -> AskedDeployment {
    let first = at.first().map(|&i| &ix.items[i]);
    let team_position = match first {
        Some(item) => item.team,
        None => decider
            .id
            .as_ref()
            .filter(|_| decider.kind == DeciderKind::Team)
            .and_then(|id| ix.teams.iter().position(|t| &t.id == id))
            .map_or(NONE, |p| p as u32),
    };
    let due = if at.is_empty() {
        limits.due_for_team(team_position, WaitReason::Approval, r.since)
    } else {
        at.iter()
            .filter_map(|&i| limits.due(ix, i, WaitReason::Approval, r.since))
            .min()
    };
    let run = if r.run_name.is_empty() {
        format!("run #{}", r.run_number)
    } else {
        format!("{} #{}", r.run_name, r.run_number)
    };
    AskedDeployment {
        id: deployment_id(r),
        items: r.items.clone(),
        since: r.since,
        why: if r.run_url.is_empty() {
            String::new()
        } else {
            format!("Workflow run: {}", r.run_url)
        },
        asked: Asked {
            v: PAYLOAD_VERSION,
            kind: ApprovalKind::Approval,
            question: format!(
                "Deployment to {} waits for approval: {run} ({})",
                r.environment, r.repo
            ),
            decider,
            due,
            intent: first
                .and_then(|item| ix.intents.get(item.intent as usize).map(|n| n.id.clone())),
            team: ix.teams.get(team_position as usize).map(|t| t.id.clone()),
            since: Some(r.since),
            state: Some(format!("deployment to {} waiting", r.environment)),
        },
    }
}

/// The deployments waiting for a required reviewer at the sources (`deployment_approvals`),
/// each as the question it stands for ([`deployment_question`]).
async fn deployment_approvals(
    ws: &Workspace,
    ix: &WorkIndex,
    limits: &WaitLimits<'_>,
) -> CoreResult<Vec<AskedDeployment>> {
    let rows = repo::deployment_approvals::list(ws.pool()).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: HashSet<&str> = rows
        .iter()
        .flat_map(|r| r.items.iter().map(String::as_str))
        .collect();
    let position = ix.positions_of(|id| wanted.contains(id));
    let rules = crate::conflicts::live::rules(ws).await?;
    let teams: Vec<(String, String)> = ix
        .teams
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    let people: HashMap<&str, u32> = ix
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i as u32))
        .collect();
    Ok(rows
        .iter()
        .map(|r| {
            let at: Vec<usize> = r
                .items
                .iter()
                .filter_map(|id| position.get(id.as_str()).copied())
                .collect();
            let org = r.repo.split_once('/').map_or("", |(org, _)| org);
            let decider = source_decider(
                ix,
                Asker {
                    team_slug: r.team_slug(),
                    person_id: r.person_id.as_deref(),
                    reviewer: &r.reviewer,
                    org,
                },
                &rules,
                &teams,
                &people,
            );
            deployment_question(ix, limits, r, &at, decider)
        })
        .collect())
}

fn days(ms: i64) -> f64 {
    (ms.max(0) as f64 / DAY_MS as f64 * 10.0).round() / 10.0
}

/// One question before titles are read.
struct Found {
    approval: Approval,
    /// When it started waiting and stopped (answered), ms.
    start: i64,
    end: Option<i64>,
    /// Positions of its waiting items in the index (unknown ones left out).
    items: Vec<String>,
    /// Sort key: answered time for the log.
    answered_at: Option<i64>,
    due: Option<i64>,
}

/// The question records items waited on, for the flow metrics (`docs/metrics.md`, "Waiting for
/// a decision"): each question asked in Baton and not taken back, for every item waiting on it,
/// from when it was asked until its answer in force (or still pending); each answer to a
/// question a source showed, for its item, from when the item entered the waiting state until
/// the answer. Kept per index generation and decisions table state (`Workspace::derived`).
pub async fn question_waits(
    ws: &Workspace,
    ix: &WorkIndex,
) -> CoreResult<std::sync::Arc<crate::flow::timeline::QuestionWaits>> {
    use crate::flow::timeline::QuestionWaits;
    type Kept = std::sync::Mutex<Option<(u64, (i64, i64, u64), std::sync::Arc<QuestionWaits>)>>;
    const NAME: &str = "question-waits";
    let decided = repo::decisions::stamp(ws.pool()).await?;
    // Deployments waiting at the sources are records too: the kept waits hold for these rows.
    let deployments = repo::deployment_approvals::list(ws.pool()).await?;
    let stamp = (decided.0, decided.1, {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        deployments.hash(&mut h);
        h.finish()
    });
    let slot = ws.derived_slot::<Kept>(NAME);
    if let Ok(kept) = slot.lock() {
        if let Some((_, _, waits)) = kept
            .as_ref()
            .filter(|(g, st, _)| *g == ix.generation && *st == stamp)
        {
            return Ok(waits.clone());
        }
    }
    let rows = repo::decisions::list(ws.pool()).await?;
    let waits = std::sync::Arc::new(waits_of(ix, &rows, &deployments));
    if let Ok(mut kept) = slot.lock() {
        *kept = Some((ix.generation, stamp, waits.clone()));
    }
    Ok(waits)
}

/// [`question_waits`] from the decision rows and the deployments waiting at the sources (each,
/// unless an answer recorded in Baton released it, an approval wait of its items from the run's
/// `updated_at` on).
pub fn waits_of(
    ix: &WorkIndex,
    rows: &[DecisionRow],
    deployments: &[DeploymentApproval],
) -> crate::flow::timeline::QuestionWaits {
    let mut out = crate::flow::timeline::QuestionWaits::new(ix.items.len());
    let dead = revoked_ids(rows);
    let live = |r: &&DecisionRow| !dead.contains(r.id.as_str());
    let mut answered: HashMap<String, (i64, Option<Asked>, &DecisionRow)> = HashMap::new();
    for r in rows
        .iter()
        .filter(live)
        .filter(|r| r.kind == DecisionKind::ApprovalAnswered.as_str())
    {
        if let Ok(a) = serde_json::from_str::<Answered>(&r.payload) {
            answered.insert(a.approval, (r.created_at, a.asked, r));
        }
    }
    // (item id, asked, answered, what for), then the items' positions in one scan.
    let mut found: Vec<(String, i64, Option<i64>, WaitReason)> = Vec::new();
    for r in rows
        .iter()
        .filter(live)
        .filter(|r| r.kind == DecisionKind::ApprovalRequested.as_str())
    {
        let Ok(asked) = serde_json::from_str::<Asked>(&r.payload) else {
            continue;
        };
        let end = answered.get(&r.id).map(|(at, _, _)| *at);
        for item in serde_json::from_str::<Vec<String>>(&r.covers).unwrap_or_default() {
            found.push((item, r.created_at, end, asked.kind.wait()));
        }
    }
    for d in deployments {
        let released = answered
            .get(&deployment_id(d))
            .is_some_and(|(_, _, row)| row.seen_updated_at == Some(d.since));
        if released {
            continue;
        }
        for item in &d.items {
            found.push((item.clone(), d.since, None, WaitReason::Approval));
        }
    }
    for (approval, (at, asked, row)) in &answered {
        if approval.starts_with(DEPLOYMENT_PREFIX) {
            let Some(asked) = asked else {
                continue;
            };
            for item in serde_json::from_str::<Vec<String>>(&row.covers).unwrap_or_default() {
                found.push((
                    item,
                    asked.since.unwrap_or(*at).min(*at),
                    Some(*at),
                    asked.kind.wait(),
                ));
            }
            continue;
        }
        let (Some(item), Some(asked)) = (approval.strip_prefix(SOURCE_PREFIX), asked) else {
            continue;
        };
        found.push((
            item.to_owned(),
            asked.since.unwrap_or(*at).min(*at),
            Some(*at),
            asked.kind.wait(),
        ));
    }
    if found.is_empty() {
        return out;
    }
    let wanted: HashSet<&str> = found.iter().map(|f| f.0.as_str()).collect();
    let position = ix.positions_of(|id| wanted.contains(id));
    found.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    for (item, asked, end, reason) in &found {
        if let Some(&i) = position.get(item.as_str()) {
            out.add(i as u32, *asked, *end, *reason);
        }
    }
    out
}

/// The Decisions page (see [`ApprovalQuery`]), measured at `now`.
pub async fn approvals_report(
    ws: &Workspace,
    q: &ApprovalQuery,
    now: i64,
) -> CoreResult<ApprovalsReport> {
    let ix = ws.index().await?;
    let maps = repo::workflow_maps::list(ws.pool()).await?;
    let mapping = Mapping::build(&ix, &maps);
    let set = crate::governance::load(ws).await?;
    let limits = WaitLimits::new(&ix, &set)?;
    let rows = repo::decisions::list(ws.pool()).await?;
    let dead = revoked_ids(&rows);
    let deployments = deployment_approvals(ws, &ix, &limits).await?;

    let position: HashMap<&str, usize> = {
        let wanted: HashSet<String> = rows
            .iter()
            .filter(|r| {
                r.kind == DecisionKind::ApprovalRequested.as_str()
                    || r.kind == DecisionKind::ApprovalAnswered.as_str()
            })
            .flat_map(|r| serde_json::from_str::<Vec<String>>(&r.covers).unwrap_or_default())
            .chain(deployments.iter().flat_map(|d| d.items.iter().cloned()))
            .collect();
        ix.positions_of(|id| wanted.contains(id))
    };
    // Answers in force, by what they answer (the latest one).
    let mut answers: HashMap<String, &DecisionRow> = HashMap::new();
    for r in &rows {
        if r.kind != DecisionKind::ApprovalAnswered.as_str() || dead.contains(r.id.as_str()) {
            continue;
        }
        if let Ok(a) = serde_json::from_str::<Answered>(&r.payload) {
            answers.insert(a.approval, r);
        }
    }
    let answer_of = |row: &DecisionRow| -> Option<(ApprovalAnswer, Option<Asked>)> {
        let a: Answered = serde_json::from_str(&row.payload).ok()?;
        Some((
            ApprovalAnswer {
                id: row.id.clone(),
                outcome: AnswerOutcome::parse(&a.outcome),
                answer: a.answer,
                by: row.actor.clone(),
                at: to_rfc3339(row.created_at),
                why: row.why.clone(),
            },
            a.asked,
        ))
    };
    let team_of = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| ix.teams.iter().find(|t| &t.id == id))
            .map(|t| (t.id.clone(), t.name.clone()))
    };
    let intent_of = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| ix.intents.iter().find(|t| &t.id == id))
            .map(|t| (t.id.clone(), t.name.clone()))
    };
    let build = |id: String,
                 origin: ApprovalOrigin,
                 asked: &Asked,
                 asked_by: Option<String>,
                 start: i64,
                 why: String,
                 items: Vec<String>,
                 answer: Option<(ApprovalAnswer, i64)>| {
        let end = answer.as_ref().map(|(_, at)| *at);
        let team = team_of(&asked.team);
        let intent = intent_of(&asked.intent);
        let due = asked.due;
        Found {
            approval: Approval {
                id,
                origin,
                kind: asked.kind,
                question: asked.question.clone(),
                decider: asked.decider.clone(),
                asked_by,
                asked_at: to_rfc3339(start),
                due: due.map(to_rfc3339),
                overdue: end.is_none() && due.is_some_and(|d| d < now),
                waited_days: days(end.unwrap_or(now) - start),
                waiting: Vec::new(),
                team_id: team.as_ref().map(|t| t.0.clone()),
                team_name: team.map(|t| t.1),
                intent_id: intent.as_ref().map(|t| t.0.clone()),
                intent_title: intent.map(|t| t.1),
                source_state: asked.state.clone(),
                why,
                answer: answer.map(|(a, _)| a),
            },
            start,
            end,
            items,
            answered_at: end,
            due,
        }
    };

    let mut found: Vec<Found> = Vec::new();
    // Asked in Baton.
    for r in &rows {
        if r.kind != DecisionKind::ApprovalRequested.as_str() || dead.contains(r.id.as_str()) {
            continue;
        }
        let Ok(mut asked) = serde_json::from_str::<Asked>(&r.payload) else {
            continue;
        };
        let items: Vec<String> = serde_json::from_str(&r.covers).unwrap_or_default();
        if asked.due.is_none() {
            let team = asked
                .team
                .as_ref()
                .and_then(|t| ix.teams.iter().position(|x| &x.id == t))
                .map_or(NONE, |p| p as u32);
            asked.due = limits.due_for_team(team, asked.kind.wait(), r.created_at);
        }
        let answer = answers
            .get(&r.id)
            .and_then(|row| answer_of(row).map(|(a, _)| (a, row.created_at)));
        found.push(build(
            r.id.clone(),
            ApprovalOrigin::Baton,
            &asked,
            Some(r.actor.clone()),
            r.created_at,
            r.why.clone(),
            items,
            answer,
        ));
    }
    // Shown by the sources: pending now, unless an answer covers it and it has not changed.
    let mut pending_sources: HashSet<&str> = HashSet::new();
    for i in 0..ix.items.len() {
        let Some(asked) = source_pending(&ix, &mapping, &limits, i) else {
            continue;
        };
        let item_id = ix.item_ids.get(i).unwrap_or("").to_owned();
        let id = format!("{SOURCE_PREFIX}{item_id}");
        let item = &ix.items[i];
        let current = answers.get(&id).filter(|row| {
            row.seen_updated_at == Some(item.updated)
                && row.seen_changes == Some(i64::from(item.transition_rows))
        });
        if current.is_some() {
            // Released: listed in the log from its answer below.
            continue;
        }
        pending_sources.insert(ix.item_ids.get(i).unwrap_or(""));
        let since = asked.since.unwrap_or(item.created);
        found.push(build(
            id,
            ApprovalOrigin::Source,
            &asked,
            None,
            since,
            String::new(),
            vec![item_id],
            None,
        ));
    }
    // Reviews asked at the source and not given: pending unless an answer recorded in Baton
    // answers this very request.
    let mut pending_reviews: HashSet<String> = HashSet::new();
    for r in review_requests(ws, &ix, &limits).await? {
        let released = answers
            .get(&r.id)
            .is_some_and(|row| row.seen_updated_at == Some(r.requested_at));
        if released {
            continue;
        }
        pending_reviews.insert(r.id.clone());
        found.push(build(
            r.id,
            ApprovalOrigin::ReviewRequest,
            &r.asked,
            None,
            r.requested_at,
            String::new(),
            vec![r.item_id],
            None,
        ));
    }
    // Deployments waiting for a required reviewer: pending unless an answer recorded in Baton
    // answers this very wait (the run has not changed since).
    let mut pending_deployments: HashSet<String> = HashSet::new();
    for d in deployments {
        let released = answers
            .get(&d.id)
            .is_some_and(|row| row.seen_updated_at == Some(d.since));
        if released {
            continue;
        }
        pending_deployments.insert(d.id.clone());
        found.push(build(
            d.id,
            ApprovalOrigin::DeploymentApproval,
            &d.asked,
            None,
            d.since,
            d.why,
            d.items,
            None,
        ));
    }
    // Answers to questions a source showed (the log), whatever the item does now, unless the
    // same question is pending again (it changed since).
    for (approval, row) in &answers {
        if approval.starts_with(DEPLOYMENT_PREFIX) {
            if pending_deployments.contains(approval.as_str()) {
                continue;
            }
            let Some((answer, Some(asked))) = answer_of(row) else {
                continue;
            };
            let items: Vec<String> = serde_json::from_str(&row.covers).unwrap_or_default();
            let start = asked.since.unwrap_or(row.created_at);
            found.push(build(
                approval.clone(),
                ApprovalOrigin::DeploymentApproval,
                &asked,
                None,
                start,
                String::new(),
                items,
                Some((answer, row.created_at)),
            ));
            continue;
        }
        if let Some(rest) = approval.strip_prefix(REVIEW_PREFIX) {
            if pending_reviews.contains(approval.as_str()) {
                continue;
            }
            let Some((answer, Some(asked))) = answer_of(row) else {
                continue;
            };
            let item = rest.rsplit_once('|').map_or("", |(item, _)| item);
            let start = asked.since.unwrap_or(row.created_at);
            found.push(build(
                approval.clone(),
                ApprovalOrigin::ReviewRequest,
                &asked,
                None,
                start,
                String::new(),
                vec![item.to_owned()],
                Some((answer, row.created_at)),
            ));
            continue;
        }
        let Some(item) = approval.strip_prefix(SOURCE_PREFIX) else {
            continue;
        };
        if pending_sources.contains(item) {
            continue;
        }
        let Some((answer, Some(asked))) = answer_of(row) else {
            continue;
        };
        let start = asked.since.unwrap_or(row.created_at);
        found.push(build(
            approval.clone(),
            ApprovalOrigin::Source,
            &asked,
            None,
            start,
            String::new(),
            vec![item.to_owned()],
            Some((answer, row.created_at)),
        ));
    }

    // Filters, counts and the waiting figures (over the teams and intents filters).
    let wanted = |list: &[String], value: &Option<String>| {
        list.is_empty() || list.iter().any(|w| value.as_deref().unwrap_or("") == w)
    };
    found.retain(|f| {
        wanted(&q.teams, &f.approval.team_id) && wanted(&q.intents, &f.approval.intent_id)
    });
    let open_items = |f: &Found| {
        f.items
            .iter()
            .filter(|id| {
                position.get(id.as_str()).is_some_and(|&i| {
                    !matches!(ix.items[i].flow, FlowState::Done | FlowState::Canceled)
                })
            })
            .count()
            .max(usize::from(matches!(
                f.approval.origin,
                ApprovalOrigin::Source | ApprovalOrigin::ReviewRequest
            )))
    };
    let mut by_team: BTreeMap<(String, Option<String>), (TeamWaiting, Vec<f64>)> = BTreeMap::new();
    let (mut pending, mut overdue, mut answered) = (0u32, 0u32, 0u32);
    for f in &found {
        let name = f
            .approval
            .team_name
            .clone()
            .unwrap_or_else(|| "No team".into());
        let entry = by_team
            .entry((name.clone(), f.approval.team_id.clone()))
            .or_insert_with(|| {
                (
                    TeamWaiting {
                        team_id: f.approval.team_id.clone(),
                        team_name: name,
                        pending: 0,
                        overdue: 0,
                        answered: 0,
                        median_answer_days: None,
                        item_days_waiting: 0.0,
                    },
                    Vec::new(),
                )
            });
        let waited = (f.end.unwrap_or(now) - f.start).max(0) as f64 / DAY_MS as f64;
        // A review asked is review time (the pull request's state counts it), not time waiting
        // for a decision or an approval.
        if f.approval.origin != ApprovalOrigin::ReviewRequest {
            entry.0.item_days_waiting += waited * open_items(f) as f64;
        }
        if f.end.is_some() {
            answered += 1;
            entry.0.answered += 1;
            entry.1.push(waited);
        } else {
            pending += 1;
            entry.0.pending += 1;
            if f.approval.overdue {
                overdue += 1;
                entry.0.overdue += 1;
            }
        }
    }
    let by_team = by_team
        .into_values()
        .map(|(mut t, mut waits)| {
            waits.sort_by(f64::total_cmp);
            t.median_answer_days = (!waits.is_empty()).then(|| {
                // Nearest rank, like every percentile in docs/metrics.md.
                let rank = (waits.len() as f64 * 0.5).ceil() as usize;
                (waits[rank.max(1) - 1] * 10.0).round() / 10.0
            });
            t.item_days_waiting = (t.item_days_waiting * 10.0).round() / 10.0;
            t
        })
        .collect();

    found.retain(|f| match q.show {
        ApprovalShow::Pending => f.end.is_none(),
        ApprovalShow::Answered => f.end.is_some(),
        ApprovalShow::All => true,
    });
    // Pending: overdue first, then by due date, then the oldest; answered: latest answer first.
    found.sort_by(|a, b| match (a.answered_at, b.answered_at) {
        (None, None) => b
            .approval
            .overdue
            .cmp(&a.approval.overdue)
            .then(a.due.unwrap_or(i64::MAX).cmp(&b.due.unwrap_or(i64::MAX)))
            .then(a.start.cmp(&b.start))
            .then(a.approval.id.cmp(&b.approval.id)),
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => y.cmp(&x).then(a.approval.id.cmp(&b.approval.id)),
    });
    let ids: Vec<&str> = found
        .iter()
        .flat_map(|f| f.items.iter().map(String::as_str))
        .collect();
    let titles = item_titles(ws, &ids).await?;
    let approvals = found
        .into_iter()
        .map(|mut f| {
            f.approval.waiting = f
                .items
                .iter()
                .map(|id| {
                    let (key, title) = titles
                        .get(id)
                        .cloned()
                        .unwrap_or_else(|| (id.clone(), "(no longer synced)".to_owned()));
                    WaitingItem {
                        id: id.clone(),
                        key,
                        title,
                        open: position.get(id.as_str()).is_some_and(|&i| {
                            !matches!(ix.items[i].flow, FlowState::Done | FlowState::Canceled)
                        }) || (f.approval.origin != ApprovalOrigin::Baton && f.end.is_none()),
                    }
                })
                .collect();
            f.approval
        })
        .collect();
    Ok(ApprovalsReport {
        as_of: to_rfc3339(now),
        approvals,
        pending,
        overdue,
        answered,
        by_team,
    })
}

/// A pending question as the Intents page counts it: the intent it was asked about (its
/// id) and the items waiting on it (their positions in the index; an item the index does not
/// hold is left out).
pub type PendingRef = (Option<String>, Vec<u32>);

/// The pending questions of [`approvals_report`] (the same ones: a test checks it), with only
/// the intent each was asked about and the items waiting on it: no titles, deciders, due dates
/// or figures, and only the decisions that ask, answer or take back. What the Intents page reads
/// at every question, so the items are found by position: an item waiting in a source's state
/// is where the index holds it, and the few ids that decisions and review requests name are
/// looked up by their row ids ([`crate::graph::index::positions_by_id`]), never by hashing
/// every id of the index.
///
/// Kept between questions (`Workspace::derived`, "approvals-pending-refs") while nothing they
/// are read from moved: the index (its generation and item count), every write through the
/// workspace ([`Workspace::committed`]: review requests and deployments come with a sync page,
/// questions and answers are decisions), the decisions table's stamp (rows are only added: also
/// another program's), the deployments waiting at the sources and the workflow map. Anything
/// else computes them again.
pub async fn pending_refs(
    ws: &Workspace,
    ix: &WorkIndex,
    mapping: &Mapping,
    maps: &[WorkflowMap],
) -> CoreResult<Vec<PendingRef>> {
    type Kept = std::sync::Mutex<Option<(PendingKey, Arc<Vec<PendingRef>>, Arc<Positions>)>>;
    const NAME: &str = "approvals-pending-refs";
    // The write counter is read first: a write committing while these are computed moves it
    // past the key they are kept under, so they are not taken for that write's.
    let committed = ws.committed();
    let decided = repo::decisions::stamp(ws.pool()).await?;
    let deployments = repo::deployment_approvals::list(ws.pool()).await?;
    let key = PendingKey {
        generation: ix.generation,
        items: ix.items.len(),
        committed,
        decided,
        deployments: hashed(&deployments),
        maps: hashed(&format!("{maps:?}")),
    };
    let slot = ws.derived_slot::<Kept>(NAME);
    let (kept, known) = match slot.lock() {
        Ok(k) => match k.as_ref() {
            Some((at, refs, positions)) => {
                (Some(refs.clone()).filter(|_| *at == key), positions.clone())
            }
            None => (None, Arc::default()),
        },
        Err(_) => (None, Arc::default()),
    };
    if let Some(kept) = kept {
        return Ok(kept.as_ref().clone());
    }
    let (out, positions) = pending_refs_of(ws, ix, mapping, maps, deployments, &known).await?;
    if let Ok(mut k) = slot.lock() {
        *k = Some((key, Arc::new(out.clone()), Arc::new(positions)));
    }
    Ok(out)
}

/// The positions of the items the pending questions name, by id, as last found.
type Positions = HashMap<String, u32>;

/// What [`pending_refs`] are kept for.
#[derive(Debug, Clone, PartialEq)]
struct PendingKey {
    generation: u64,
    items: usize,
    committed: u64,
    decided: (i64, i64),
    deployments: u64,
    maps: u64,
}

fn hashed<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// [`pending_refs`] computed from the rows (`deployments`: the deployments waiting at the
/// sources, read).
async fn pending_refs_of(
    ws: &Workspace,
    ix: &WorkIndex,
    mapping: &Mapping,
    maps: &[WorkflowMap],
    deployments: Vec<DeploymentApproval>,
    known: &Positions,
) -> CoreResult<(Vec<PendingRef>, Positions)> {
    let rows = repo::decisions::list_of_kinds(
        ws.pool(),
        &[
            DecisionKind::ApprovalRequested.as_str(),
            DecisionKind::ApprovalAnswered.as_str(),
            DecisionKind::Revoked.as_str(),
        ],
    )
    .await?;
    let dead = revoked_ids(&rows);
    // Answers in force, by what they answer (the latest one).
    let mut answers: HashMap<String, &DecisionRow> = HashMap::new();
    for r in &rows {
        if r.kind != DecisionKind::ApprovalAnswered.as_str() || dead.contains(r.id.as_str()) {
            continue;
        }
        if let Ok(a) = serde_json::from_str::<Answered>(&r.payload) {
            answers.insert(a.approval, r);
        }
    }
    // Questions asked in Baton, with the ids of the items waiting on them.
    let mut asked_in_baton: Vec<(Option<String>, Vec<String>)> = Vec::new();
    for r in &rows {
        if r.kind != DecisionKind::ApprovalRequested.as_str()
            || dead.contains(r.id.as_str())
            || answers.contains_key(&r.id)
        {
            continue;
        }
        let Ok(asked) = serde_json::from_str::<Asked>(&r.payload) else {
            continue;
        };
        asked_in_baton.push((
            asked.intent,
            serde_json::from_str::<Vec<String>>(&r.covers).unwrap_or_default(),
        ));
    }
    // Reviews asked at the source and not given (see `review_requests`).
    let reviews = repo::review_requests::list(ws.pool()).await?;
    // Deployments waiting for a required reviewer, unless answered in Baton since the run last
    // changed.
    let deployments: Vec<DeploymentApproval> = deployments
        .into_iter()
        .filter(|d| {
            answers
                .get(&deployment_id(d))
                .is_none_or(|row| row.seen_updated_at != Some(d.since))
        })
        .collect();
    let wanted: HashSet<String> = asked_in_baton
        .iter()
        .flat_map(|(_, waiting)| waiting.iter().cloned())
        .chain(reviews.iter().map(|r| r.item_id.clone()))
        .chain(deployments.iter().flat_map(|d| d.items.iter().cloned()))
        .collect();
    // The positions found last time still hold where the index holds the same id there (an
    // id names one item): only the others are looked up.
    let mut position: Positions = HashMap::with_capacity(wanted.len());
    let mut unknown: HashSet<String> = HashSet::new();
    for id in wanted {
        match known.get(&id) {
            Some(&at) if ix.item_ids.get(at as usize) == Some(id.as_str()) => {
                position.insert(id, at);
            }
            _ => {
                unknown.insert(id);
            }
        }
    }
    if !unknown.is_empty() {
        position.extend(crate::graph::index::positions_by_id(ws, ix, &unknown).await?);
    }
    let mut out: Vec<PendingRef> = asked_in_baton
        .into_iter()
        .map(|(intent, waiting)| {
            let at = waiting
                .iter()
                .filter_map(|id| position.get(id).copied())
                .collect();
            (intent, at)
        })
        .collect();
    for d in &deployments {
        let at: Vec<u32> = d
            .items
            .iter()
            .filter_map(|id| position.get(id).copied())
            .collect();
        let intent = at
            .first()
            .and_then(|&i| ix.intents.get(ix.items[i as usize].intent as usize))
            .map(|n| n.id.clone());
        out.push((intent, at));
    }
    for r in &reviews {
        let Some(&i) = position.get(r.item_id.as_str()) else {
            continue;
        };
        let item = &ix.items[i as usize];
        if matches!(item.flow, FlowState::Done | FlowState::Canceled) {
            continue;
        }
        let id = format!("{REVIEW_PREFIX}{}|{}", r.item_id, r.reviewer);
        let released = answers
            .get(&id)
            .is_some_and(|row| row.seen_updated_at == Some(r.requested_at));
        if !released {
            out.push((
                ix.intents.get(item.intent as usize).map(|n| n.id.clone()),
                vec![i],
            ));
        }
    }
    // Items waiting in a source's state, unless answered in Baton since they last changed: the
    // answers to them by item id, read once (not an id made for every waiting item).
    let source_answers: HashMap<&str, &DecisionRow> = answers
        .iter()
        .filter_map(|(approval, row)| Some((approval.strip_prefix(SOURCE_PREFIX)?, *row)))
        .collect();
    for i in waiting_at_source(ws, ix, mapping, maps).iter() {
        let (i, item) = (*i as usize, &ix.items[*i as usize]);
        let released = !source_answers.is_empty()
            && source_answers
                .get(ix.item_ids.get(i).unwrap_or(""))
                .is_some_and(|row| {
                    row.seen_updated_at == Some(item.updated)
                        && row.seen_changes == Some(i64::from(item.transition_rows))
                });
        if !released {
            out.push((
                ix.intents.get(item.intent as usize).map(|n| n.id.clone()),
                vec![i as u32],
            ));
        }
    }
    Ok((out, position))
}

/// The items waiting in a source's state (their positions, ascending), kept between the Intents
/// page's questions for one workflow map and followed item by item: only the items the index
/// read again since (and new ones) are looked at again, not every item at every question.
#[derive(Default)]
struct SourceWaiting {
    /// The workflow map's key, the index generation and item count they were found at, and
    /// the positions.
    kept: Option<(u64, u64, usize, Arc<Vec<u32>>)>,
}

const SOURCE_WAITING: &str = "approvals-source-waiting";

/// The positions of the items waiting in a source's state now ([`source_waits`]), ascending:
/// the kept ones followed through the index's changes, else every item looked at.
fn waiting_at_source(
    ws: &Workspace,
    ix: &WorkIndex,
    mapping: &Mapping,
    rows: &[WorkflowMap],
) -> Arc<Vec<u32>> {
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        format!("{rows:?}").hash(&mut h);
        h.finish()
    };
    let slot = ws.derived_slot::<std::sync::Mutex<SourceWaiting>>(SOURCE_WAITING);
    let held = slot.lock().ok().and_then(|mut k| k.kept.take());
    let followed =
        held.filter(|(k, _, _, _)| *k == key)
            .and_then(|(_, generation, count, kept)| {
                if generation == ix.generation && count == ix.items.len() {
                    return Some(kept);
                }
                let changed = ix.changed_since(generation)?;
                Some(Arc::new(follow_waiting(
                    ix, mapping, &kept, &changed, count,
                )))
            });
    let waiting = followed.unwrap_or_else(|| Arc::new(all_waiting(ix, mapping)));
    if let Ok(mut k) = slot.lock() {
        k.kept = Some((key, ix.generation, ix.items.len(), waiting.clone()));
    }
    waiting
}

/// Every item waiting in a source's state, by position.
fn all_waiting(ix: &WorkIndex, mapping: &Mapping) -> Vec<u32> {
    (0..ix.items.len())
        .filter(|&i| source_waits(ix, mapping, i).is_some())
        .map(|i| i as u32)
        .collect()
}

/// `kept` (the items waiting when the index held `count` items) after the items at `changed`
/// (sorted) changed and the items from `count` on were added: those looked at again, the others
/// kept as they were. Equal to [`all_waiting`] (`tests`).
fn follow_waiting(
    ix: &WorkIndex,
    mapping: &Mapping,
    kept: &[u32],
    changed: &[u32],
    count: usize,
) -> Vec<u32> {
    let n = ix.items.len();
    let mut out: Vec<u32> = kept
        .iter()
        .copied()
        .filter(|&i| (i as usize) < n && changed.binary_search(&i).is_err())
        .collect();
    out.extend(
        changed
            .iter()
            .map(|&i| i as usize)
            .chain(count.min(n)..n)
            .filter(|&i| i < n && source_waits(ix, mapping, i).is_some())
            .map(|i| i as u32),
    );
    out.sort_unstable();
    out.dedup();
    out
}

/// Keys and titles of items, by id.
async fn item_titles(
    ws: &Workspace,
    ids: &[&str],
) -> CoreResult<HashMap<String, (String, String)>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let json = json_text(ids)?;
    let rows: Vec<(LossyText, LossyText, LossyText)> = sqlx::query_as(
        "SELECT i.id, i.key, i.title FROM json_each(?1) j JOIN items i ON i.id = j.value",
    )
    .bind(json)
    .fetch_all(ws.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, key, title)| (id.text, (key.text, title.text)))
        .collect())
}

/// The pending questions an item waits on (for its drawer): those asked in Baton that cover it
/// and are not answered, and its own wait a source shows.
pub async fn pending_for_item(ws: &Workspace, item: &str, now: i64) -> CoreResult<Vec<Approval>> {
    let report = approvals_report(ws, &ApprovalQuery::default(), now).await?;
    Ok(report
        .approvals
        .into_iter()
        .filter(|a| a.waiting.iter().any(|w| w.id == item))
        .collect())
}

/// A question the demo asks (its id fixed, so the demo stays deterministic).
pub(crate) struct DemoAsk<'a> {
    pub id: &'a str,
    pub kind: ApprovalKind,
    pub question: &'a str,
    pub decider: Decider,
    pub waiting: Vec<String>,
    pub team: Option<String>,
    pub intent: Option<String>,
    pub due: Option<i64>,
    pub actor: &'a str,
    pub why: &'a str,
    pub at: i64,
}

/// The row of a question the demo asks.
pub(crate) fn demo_request(a: DemoAsk<'_>) -> DecisionRow {
    let asked = Asked {
        v: PAYLOAD_VERSION,
        kind: a.kind,
        question: a.question.to_owned(),
        decider: a.decider,
        due: a.due,
        intent: a.intent,
        team: a.team,
        since: None,
        state: None,
    };
    DecisionRow {
        seq: 0,
        id: a.id.to_owned(),
        item_id: a.waiting.first().cloned(),
        kind: DecisionKind::ApprovalRequested.as_str().to_owned(),
        covers: serde_json::to_string(&a.waiting).unwrap_or_else(|_| "[]".into()),
        reasons: "[]".into(),
        supersedes: None,
        payload: serde_json::to_string(&asked).unwrap_or_else(|_| "{}".into()),
        actor: a.actor.to_owned(),
        why: a.why.to_owned(),
        until_at: a.due,
        seen_updated_at: None,
        seen_changes: None,
        created_at: a.at,
    }
}

/// The row of the demo's answer to `request`.
pub(crate) fn demo_answer(
    id: &str,
    request: &DecisionRow,
    outcome: AnswerOutcome,
    answer: &str,
    by: &str,
    at: i64,
) -> DecisionRow {
    let payload = Answered {
        v: PAYLOAD_VERSION,
        approval: request.id.clone(),
        outcome: outcome.as_str().to_owned(),
        answer: answer.to_owned(),
        asked: None,
    };
    DecisionRow {
        seq: 0,
        id: id.to_owned(),
        item_id: request.item_id.clone(),
        kind: DecisionKind::ApprovalAnswered.as_str().to_owned(),
        covers: request.covers.clone(),
        reasons: "[]".into(),
        supersedes: Some(request.id.clone()),
        payload: serde_json::to_string(&payload).unwrap_or_else(|_| "{}".into()),
        actor: by.to_owned(),
        why: String::new(),
        until_at: None,
        seen_updated_at: None,
        seen_changes: None,
        created_at: at,
    }
}

#[cfg(test)]
mod waiting_tests {
    use super::*;
    use crate::demo::{self, DemoOptions};

    /// Sets items' source states as a sync page would (no transitions: only the stored state the
    /// waiting is read from), naming them changed.
    struct SetStates(Vec<(String, String, &'static str)>);

    impl WriteOp for SetStates {
        type Output = ();
        type Error = CoreError;

        async fn apply(self, w: &mut Writer<'_>) -> Result<(), CoreError> {
            for (id, raw, flow) in &self.0 {
                sqlx::query("UPDATE items SET raw_state = ?2, flow_state = ?3 WHERE id = ?1")
                    .bind(id)
                    .bind(raw)
                    .bind(flow)
                    .execute(&mut *w.conn())
                    .await?;
            }
            w.items_changed(self.0.into_iter().map(|(id, _, _)| id));
            Ok(())
        }
    }

    /// The items waiting in a source's state, followed through a page that moves some into such
    /// a state and some out of it, are those found by looking at every item.
    #[tokio::test]
    async fn waiting_items_followed_through_changes_are_those_found_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let ws = demo::build(
            &dir.path().join("d.baton"),
            &DemoOptions {
                items: 3_000,
                seed: demo::DEFAULT_SEED,
                end: 1_774_976_400_000,
            },
        )
        .await
        .unwrap();
        let rows = repo::workflow_maps::list(ws.pool()).await.unwrap();
        let (kept, count, generation, page) = {
            let ix = ws.index().await.unwrap();
            let mapping = Mapping::build(&ix, &rows);
            let kept = waiting_at_source(&ws, &ix, &mapping, &rows);
            assert_eq!(*kept, all_waiting(&ix, &mapping));
            assert!(
                kept.len() >= 4,
                "the demo has items waiting at their source"
            );
            // Waiting ones closed; as many open ones of the same sources put in their state.
            let mut page = Vec::new();
            let mut put: Vec<usize> = Vec::new();
            for &w in kept.iter().take(10) {
                let w = w as usize;
                let done = (0..ix.items.len()).find(|&d| {
                    ix.items[d].source == ix.items[w].source && ix.items[d].flow == FlowState::Done
                });
                let open = (0..ix.items.len()).find(|&o| {
                    ix.items[o].source == ix.items[w].source
                        && ix.items[o].flow == FlowState::Active
                        && ix.items[o].team == ix.items[w].team
                        && ix.items[o].kind == ix.items[w].kind
                        && !put.contains(&o)
                });
                let raw = |i: usize| ix.states[ix.items[i].current_state as usize].raw.clone();
                if let Some(d) = done {
                    page.push((ix.item_ids[w].to_string(), raw(d), "done"));
                }
                if let Some(o) = open {
                    put.push(o);
                    page.push((ix.item_ids[o].to_string(), raw(w), "waiting"));
                }
            }
            (kept, ix.items.len(), ix.generation, page)
        };
        assert!(page.iter().any(|(_, _, f)| *f == "waiting"));
        assert!(page.iter().any(|(_, _, f)| *f == "done"));
        ws.write(SetStates(page)).await.unwrap();
        let ix = ws.index().await.unwrap();
        let mapping = Mapping::build(&ix, &rows);
        let changed = ix.changed_since(generation).unwrap();
        assert!(!changed.is_empty());
        let followed = follow_waiting(&ix, &mapping, &kept, &changed, count);
        let fresh = all_waiting(&ix, &mapping);
        assert_ne!(*kept, fresh, "the page moved items in and out of waiting");
        assert_eq!(followed, fresh);
        // And through the workspace's copy, as the Intents page asks.
        assert_eq!(*waiting_at_source(&ws, &ix, &mapping, &rows), fresh);
        drop(ix);
        ws.close().await;
    }
}
