//! Where work is stuck and who must act: what the Overview leads with. Every count here has a
//! list behind it ([`attention_items`]) built by the same code, so a headline and its drill-down
//! always agree. Definitions: `docs/metrics.md` ("Where work is stuck").

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::CoreResult;
use crate::flow::Stage;
use crate::graph::index::WorkIndex;
use crate::graph::model::FlowState;
use crate::graph::Workspace;
use crate::provenance::{lacks_independent_review, Signals};
use crate::time::{to_rfc3339, DAY_MS};

use super::analysis::{dep_item, open_blocking, undelivered_handoffs, DepItem};
use super::graph::{slot, Facts};

/// The lists the Overview counts and opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AttentionList {
    /// Items waiting now longer than their team's expectation (P85 cycle time).
    OverExpectation,
    /// Items waiting now, for one reason or (None) any.
    Waiting { stage: Option<Stage> },
    /// Open items an open item of another team blocks.
    BlockedByOtherTeams,
    /// Open pull requests written by an AI agent without an independent review (approved by a
    /// person other than the agent and other than who asked for it: the one definition,
    /// [`crate::provenance::lacks_independent_review`], the Overview's card and the Work items
    /// filter use too); the card also counts merged ones, this tile only those still open.
    AiAwaitingReview,
    /// Open items whose blocker was delivered more than a day ago and that have not picked it up.
    HandoffsNotArrived,
}

/// Waiting items for one reason.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WaitingReasonCount {
    pub stage: Stage,
    pub items: u32,
    /// Of them, how many have been in their cycle longer than their team's expectation.
    pub over_expectation: u32,
}

/// One item on a list, with how long it has been where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AttentionItem {
    pub item: DepItem,
    /// When it entered its current state (RFC 3339).
    pub state_since: String,
    /// Days in its current state.
    pub days_in_state: f64,
    /// Days since its cycle started (or since it was created, if it never started).
    pub age_days: f64,
    /// Its team's expectation: the 85th percentile of the team's cycle times, in days.
    pub expectation_days: f64,
    /// The team has no finished work to learn from: the expectation is the documented default.
    pub default_expectation: bool,
}

/// The Overview's "where is work stuck" answer.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Attention {
    /// The instant everything is measured at.
    pub as_of: String,
    /// Items waiting now (any reason).
    pub waiting: u32,
    /// Items waiting now for longer than their team's expectation.
    pub over_expectation: u32,
    /// Waiting items by reason, most first.
    pub by_reason: Vec<WaitingReasonCount>,
    /// The waiting items longest in their cycle, with their teams' expectations (up to
    /// [`OLDEST_SHOWN`]).
    pub oldest_waiting: Vec<AttentionItem>,
    pub blocked_by_other_teams: u32,
    pub ai_awaiting_review: u32,
    pub handoffs_not_arrived: u32,
    /// Items in progress now (active or waiting): the Overview's Waiting + Active.
    pub in_progress: u32,
    /// Of them, items whose cycle never started (waiting in a queue before any work): not in
    /// the Flow page's work in progress.
    pub not_started: u32,
    /// Items whose cycle started and has not finished that are back in New now (returned to the
    /// backlog): in the Flow page's work in progress, not in Waiting + Active.
    pub started_back_in_new: u32,
    /// The Flow page's work in progress for a range ending now, all teams: items whose cycle
    /// started and has neither finished nor been canceled. Always
    /// `in_progress - not_started + started_back_in_new`.
    pub flow_wip: u32,
}

/// How many of the oldest waiting items the Overview shows.
pub const OLDEST_SHOWN: usize = 8;
/// The most rows a list sends.
pub const LIST_LIMIT: usize = 500;

/// The items of one list, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AttentionItems {
    /// How many items the list holds (the Overview's count).
    pub total: u32,
    /// The first [`LIST_LIMIT`], longest in their cycle first.
    pub items: Vec<AttentionItem>,
}

fn days(ms: i64) -> f64 {
    ms.max(0) as f64 / DAY_MS as f64
}

fn is_waiting(facts: &Facts, i: usize) -> bool {
    facts.flow[i] == FlowState::Waiting
}

fn over(ix: &WorkIndex, facts: &Facts, i: usize) -> bool {
    facts.age_days(ix, i as u32) > facts.team_p85[slot(ix, ix.items[i].team)]
}

/// The members of `list`, unordered.
pub fn members(ix: &WorkIndex, facts: &Facts, list: AttentionList) -> Vec<u32> {
    let n = ix.items.len();
    match list {
        AttentionList::OverExpectation => (0..n)
            .filter(|&i| is_waiting(facts, i) && over(ix, facts, i))
            .map(|i| i as u32)
            .collect(),
        AttentionList::Waiting { stage } => (0..n)
            .filter(|&i| is_waiting(facts, i) && stage.is_none_or(|s| facts.stage[i] == Some(s)))
            .map(|i| i as u32)
            .collect(),
        AttentionList::BlockedByOtherTeams => {
            let mut blocked: Vec<u32> = open_blocking(ix, facts)
                .into_iter()
                .filter(|d| ix.items[d.before as usize].team != ix.items[d.after as usize].team)
                .map(|d| d.after)
                .collect();
            blocked.sort_unstable();
            blocked.dedup();
            blocked
        }
        AttentionList::AiAwaitingReview => {
            let signals = Signals::gather(ix);
            (0..n)
                .filter(|&i| !facts.closed(i as u32) && lacks_independent_review(ix, &signals, i))
                .map(|i| i as u32)
                .collect()
        }
        AttentionList::HandoffsNotArrived => {
            let mut waiting: Vec<u32> = undelivered_handoffs(ix, facts)
                .into_iter()
                .map(|(d, _)| d.after)
                .collect();
            waiting.sort_unstable();
            waiting.dedup();
            waiting
        }
    }
}

fn attention_item(ix: &WorkIndex, facts: &Facts, i: u32) -> AttentionItem {
    let s = slot(ix, ix.items[i as usize].team);
    let since = facts.since[i as usize];
    AttentionItem {
        item: dep_item(ix, facts, i),
        state_since: to_rfc3339(since),
        days_in_state: days(facts.as_of - since),
        age_days: facts.age_days(ix, i),
        expectation_days: facts.team_p85[s],
        default_expectation: facts.team_samples[s] == 0,
    }
}

/// The items sorted longest in their cycle first (ties by position), as rows.
fn rows(ix: &WorkIndex, facts: &Facts, mut items: Vec<u32>, limit: usize) -> Vec<AttentionItem> {
    items.sort_by(|a, b| {
        facts
            .age_days(ix, *b)
            .total_cmp(&facts.age_days(ix, *a))
            .then(a.cmp(b))
    });
    items.truncate(limit);
    items
        .into_iter()
        .map(|i| attention_item(ix, facts, i))
        .collect()
}

/// Counts every list (titles not filled).
pub fn attention_of(ix: &WorkIndex, facts: &Facts) -> Attention {
    let waiting = members(ix, facts, AttentionList::Waiting { stage: None });
    let mut by_reason: Vec<WaitingReasonCount> = Stage::ALL
        .iter()
        .map(|&stage| WaitingReasonCount {
            stage,
            items: 0,
            over_expectation: 0,
        })
        .collect();
    let mut over_expectation = 0u32;
    for &i in &waiting {
        let late = over(ix, facts, i as usize);
        over_expectation += u32::from(late);
        if let Some(r) =
            facts.stage[i as usize].and_then(|s| by_reason.iter_mut().find(|r| r.stage == s))
        {
            r.items += 1;
            r.over_expectation += u32::from(late);
        }
    }
    by_reason.retain(|r| r.items > 0);
    by_reason.sort_by_key(|r| std::cmp::Reverse(r.items));
    let (mut in_progress, mut not_started, mut started_back_in_new, mut flow_wip) =
        (0u32, 0u32, 0u32, 0u32);
    for (i, flow) in facts.flow.iter().enumerate() {
        let started = facts.start[i].is_some();
        let working = matches!(flow, FlowState::Active | FlowState::Waiting);
        in_progress += u32::from(working);
        not_started += u32::from(working && !started);
        started_back_in_new += u32::from(*flow == FlowState::New && started);
        // Flow's WIP at the end of the range: started, not finished, not canceled.
        flow_wip += u32::from(started && facts.finish[i].is_none() && !facts.closed(i as u32));
    }
    Attention {
        as_of: to_rfc3339(facts.as_of),
        waiting: waiting.len() as u32,
        over_expectation,
        by_reason,
        oldest_waiting: rows(ix, facts, waiting, OLDEST_SHOWN),
        blocked_by_other_teams: members(ix, facts, AttentionList::BlockedByOtherTeams).len() as u32,
        ai_awaiting_review: members(ix, facts, AttentionList::AiAwaitingReview).len() as u32,
        handoffs_not_arrived: members(ix, facts, AttentionList::HandoffsNotArrived).len() as u32,
        in_progress,
        not_started,
        started_back_in_new,
        flow_wip,
    }
}

/// Where work is stuck now.
pub async fn attention(ws: &Workspace, now: i64) -> CoreResult<Attention> {
    let cx = super::context(ws, now).await?;
    let mut answer = attention_of(&cx.ix, &cx.facts);
    crate::flow::titles(
        ws,
        answer
            .oldest_waiting
            .iter_mut()
            .map(|r| &mut r.item.item)
            .collect(),
    )
    .await?;
    Ok(answer)
}

/// The items behind one of the Overview's counts.
pub async fn attention_items(
    ws: &Workspace,
    list: AttentionList,
    now: i64,
) -> CoreResult<AttentionItems> {
    let cx = super::context(ws, now).await?;
    let all = members(&cx.ix, &cx.facts, list);
    let total = all.len() as u32;
    let mut items = rows(&cx.ix, &cx.facts, all, LIST_LIMIT);
    crate::flow::titles(ws, items.iter_mut().map(|r| &mut r.item.item).collect()).await?;
    Ok(AttentionItems { total, items })
}
