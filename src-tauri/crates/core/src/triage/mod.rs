//! Triage: one worklist, across sources, of the items that need a human decision, each with the
//! reason it is listed and how long it has needed one; and the decisions that take items off it.
//!
//! Reasons are derived, never stored: [`base`] finds them from the in-memory index (with the
//! dependency facts and team cycle-time percentiles of [`crate::deps`]), once per workspace state,
//! and caches them; each question then layers the decisions over them ([`crate::decisions`]),
//! filters, sorts and pages, which is cheap. Definitions and thresholds: `docs/metrics.md`
//! ("Triage").

pub mod base;
pub mod compare;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::conflicts::live::Flag;
use crate::decisions::{self, DecisionInput, DecisionKind, ItemDecisions, NewDecision, Overlay};
use crate::error::{CoreError, CoreResult};
use crate::flow::Stage;
use crate::graph::index::{WorkIndex, NONE};
use crate::graph::model::{FlowState, ItemKind, Provenance, RequesterSignal};
use crate::graph::Workspace;
use crate::provenance::AccountableVia;
pub use crate::provenance::Named;
use crate::time::{to_rfc3339, DAY_MS};

use self::base::{Base, BaseReason, Candidate};

pub use compare::{ai_comparison, AiComparison, GroupFigures};

/// Why an item is listed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// AI-made work that nobody answers for: no owner set in Baton, nobody who asked for it, no
    /// person assigned at the source.
    AiNoAccountable,
    /// An AI-made pull request without an independent review: waiting for one, approved only by
    /// who asked for it (or the agent, or a bot), or merged without one.
    AiUnreviewed,
    /// AI-made or automated work idle: never started or waiting, with no change for too long.
    AiIdle,
    /// New work with no team, no owner, no intent or no priority.
    NewUntriaged,
    /// Blocked by an item that was delivered, and nobody picked the work up.
    HandoffUndelivered,
    /// In progress for longer than its team's 85th-percentile cycle time.
    AgingPastP85,
    /// In a state no workflow map covers, so no flow number counts it.
    UnmappedState,
    /// Breaks a blocking policy now (other than the independent review, listed above).
    PolicyViolation,
    /// Looks like work another team already filed (a duplicate candidate nobody has confirmed
    /// or dismissed; see the Duplicates page).
    DuplicateCandidate,
    /// An open pull request in conflict with another team's code or change (see the
    /// conflicting changes rules: another team's code without its review, overlapping another
    /// team's or an agent's open change, an agent's change across teams, a sensitive path
    /// without the required review).
    ConflictingChange,
}

impl Reason {
    /// Every reason, in the order the page lists them.
    pub const ALL: [Reason; 10] = [
        Reason::AiNoAccountable,
        Reason::AiUnreviewed,
        Reason::AiIdle,
        Reason::NewUntriaged,
        Reason::HandoffUndelivered,
        Reason::AgingPastP85,
        Reason::UnmappedState,
        Reason::PolicyViolation,
        Reason::DuplicateCandidate,
        Reason::ConflictingChange,
    ];

    /// The stored (and wire) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::AiNoAccountable => "ai_no_accountable",
            Reason::AiUnreviewed => "ai_unreviewed",
            Reason::AiIdle => "ai_idle",
            Reason::NewUntriaged => "new_untriaged",
            Reason::HandoffUndelivered => "handoff_undelivered",
            Reason::AgingPastP85 => "aging_past_p85",
            Reason::UnmappedState => "unmapped_state",
            Reason::PolicyViolation => "policy_violation",
            Reason::DuplicateCandidate => "duplicate_candidate",
            Reason::ConflictingChange => "conflicting_change",
        }
    }

    /// From the wire name.
    pub fn parse(text: &str) -> Option<Reason> {
        Reason::ALL.iter().copied().find(|r| r.as_str() == text)
    }

    /// A short label.
    pub fn label(self) -> &'static str {
        match self {
            Reason::AiNoAccountable => "AI work with no accountable human",
            Reason::AiUnreviewed => "AI pull request without independent review",
            Reason::AiIdle => "AI or automated work idle",
            Reason::NewUntriaged => "New work not triaged",
            Reason::HandoffUndelivered => "Handoff never picked up",
            Reason::AgingPastP85 => "Older than the team's 85th percentile",
            Reason::UnmappedState => "State not in the workflow map",
            Reason::PolicyViolation => "Breaks a blocking policy",
            Reason::DuplicateCandidate => "Looks like another team's work",
            Reason::ConflictingChange => "Conflicts with another team's code or change",
        }
    }
}

/// The editable thresholds of the reasons (defaults in `docs/metrics.md`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct Thresholds {
    /// An open AI pull request is listed once it has waited this many days for an independent
    /// review.
    pub review_wait_days: f64,
    /// AI pull requests merged without an independent review in the last this many days are
    /// listed.
    pub merged_window_days: u32,
    /// AI-made or automated work with no change for this many days is idle.
    pub idle_days: f64,
    /// Work created in the last this many days is new.
    pub new_work_days: u32,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            review_wait_days: 2.0,
            merged_window_days: 30,
            idle_days: 14.0,
            new_work_days: 30,
        }
    }
}

impl Thresholds {
    /// Refuses thresholds outside their ranges, naming the first wrong one.
    pub fn check(&self) -> CoreResult<()> {
        let bad =
            |what: &str, range: &str| Err(CoreError::Invalid(format!("{what} must be {range}")));
        if !(0.0..=365.0).contains(&self.review_wait_days) {
            return bad("the review wait", "from 0 to 365 days");
        }
        if !(1..=365).contains(&self.merged_window_days) {
            return bad("the merged window", "from 1 to 365 days");
        }
        if !(1.0..=3650.0).contains(&self.idle_days) {
            return bad("the idle time", "from 1 to 3,650 days");
        }
        if !(1..=3650).contains(&self.new_work_days) {
            return bad("the new-work window", "from 1 to 3,650 days");
        }
        Ok(())
    }

    /// The thresholds in force: the last ones recorded (as a decision), else the defaults.
    pub fn of(overlay: &Overlay) -> Thresholds {
        overlay
            .thresholds
            .clone()
            .and_then(|v| serde_json::from_value::<Thresholds>(v).ok())
            .filter(|t| t.check().is_ok())
            .unwrap_or_default()
    }
}

/// How the worklist is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TriageSort {
    /// Longest needing a decision first (the oldest of its reasons).
    #[default]
    Age,
    /// Most open items waiting on it (blocked by it, directly or further down) first.
    WaitingOnIt,
}

/// Which rows to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TriageShow {
    /// Items that need a decision.
    #[default]
    Open,
    /// Items listed by their data that a decision in force covers (accepted, rejected, deferred,
    /// duplicates).
    Decided,
}

/// A request for the worklist. Empty lists mean "any".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct TriageQuery {
    /// Team ids ("" for items without a team).
    pub teams: Vec<String>,
    pub sources: Vec<String>,
    pub reasons: Vec<Reason>,
    pub provenances: Vec<Provenance>,
    /// Case-insensitive text in the key or title.
    pub text: Option<String>,
    pub sort: TriageSort,
    pub show: TriageShow,
    pub offset: u32,
    /// At most [`MAX_PAGE`]; 0 means 200.
    pub limit: u32,
}

/// The largest page of the worklist.
pub const MAX_PAGE: u32 = 1_000;

/// One reason an item is listed, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RowReason {
    pub reason: Reason,
    /// Since when it holds (RFC 3339).
    pub since: String,
    /// For how long, in days.
    pub days: f64,
    /// What exactly, in words ("Waiting 5.2 days for an independent review").
    pub detail: String,
    /// The other item concerned (the delivered upstream item of a handoff).
    pub other: Option<OtherItem>,
}

/// Another item a reason names.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OtherItem {
    pub id: String,
    pub key: String,
}

/// The decision in force on a row.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RowDecision {
    pub id: String,
    pub kind: DecisionKind,
    pub at: String,
    /// Why the row is listed again despite it ("Changed since it was accepted on 2026-03-02"),
    /// or what keeps it off the list.
    pub note: String,
}

/// One row of the worklist.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TriageRow {
    pub id: String,
    pub key: String,
    pub title: String,
    pub kind: ItemKind,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub source_id: String,
    pub source_name: String,
    /// The effective state now.
    pub flow_state: FlowState,
    pub stage: Option<Stage>,
    pub raw_state: String,
    pub provenance: Provenance,
    /// Which agent or automation made it.
    pub agent: Option<String>,
    /// Who asked the agent for it.
    pub requester: Option<Named<RequesterSignal>>,
    /// Who answers for it.
    pub accountable: Option<Named<AccountableVia>>,
    pub reasons: Vec<RowReason>,
    /// How long it has needed a decision: the oldest of its reasons, in days.
    pub age_days: f64,
    pub created_at: String,
    /// Open items blocked by it, directly or further down their chains.
    pub waiting_on_it: u32,
    /// The outcome decision in force (for decided rows, or rows that came back).
    pub decision: Option<RowDecision>,
    /// Notes recorded about it.
    pub notes: u32,
}

/// How many rows a reason lists, given the other filters.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReasonCount {
    pub reason: Reason,
    pub label: String,
    pub count: u32,
}

/// The worklist.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TriageList {
    pub as_of: String,
    /// Rows matching the filters (every page).
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<TriageRow>,
    /// Per reason, rows matching the other filters.
    pub by_reason: Vec<ReasonCount>,
    /// Items listed by their data but covered by a decision in force (matching the filters).
    pub decided: u32,
    pub thresholds: Thresholds,
}

/// How many minutes old a kept base may still answer, when nothing but the clock moved, while
/// the base of the current minute is found in the background: a filter change at a minute's turn
/// answers from memory instead of waiting for every reason to be found again.
const STALE_MINUTES: i64 = 2;

/// The worklist's base (see [`base`]), from the cache when the workspace, its workflow map and
/// the thresholds are as they were and it is of this minute. When only the clock moved, by at
/// most [`STALE_MINUTES`], the kept base answers and the current one is found in the background
/// (see [`settle`]); otherwise it is found now.
async fn cached_base(ws: &Workspace, thresholds: Thresholds, now: i64) -> CoreResult<Arc<Base>> {
    let inputs = BaseInputs::read(ws, thresholds, now).await?;
    if let Some(kept) = ws.derived::<Base>(BASE) {
        if kept.key == inputs.key {
            return Ok(kept);
        }
        let behind = inputs.key.minutes_after(&kept.key);
        if behind.is_some_and(|m| (1..=STALE_MINUTES).contains(&m)) {
            refresh_in_background(ws, thresholds, now, inputs.key);
            return Ok(kept);
        }
    }
    let computed = Arc::new(inputs.compute(ws, now).await?);
    keep_base(ws, computed.clone());
    Ok(computed)
}

const BASE: &str = "triage";
const REFRESH: &str = "triage-refresh";

/// The base found in the background, and the key it is found for.
type Refresh = std::sync::Mutex<Option<(base::Key, tokio::task::JoinHandle<()>)>>;

/// What a base is computed from, read once.
struct BaseInputs {
    rows: Vec<crate::graph::model::WorkflowMap>,
    set: crate::governance::PolicySet,
    thresholds: Thresholds,
    key: base::Key,
}

impl BaseInputs {
    async fn read(ws: &Workspace, thresholds: Thresholds, now: i64) -> CoreResult<BaseInputs> {
        let ix = ws.index().await?;
        let rows = crate::graph::repo::workflow_maps::list(ws.pool()).await?;
        let set = crate::governance::load(ws).await?;
        let policies = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            serde_json::to_string(&set)
                .map_err(|e| CoreError::Invalid(e.to_string()))?
                .hash(&mut h);
            h.finish()
        };
        let key = base::Key::new(&ix, &rows, policies, thresholds, now);
        Ok(BaseInputs {
            rows,
            set,
            thresholds,
            key,
        })
    }

    /// Every candidate at `now`.
    async fn compute(self, ws: &Workspace, now: i64) -> CoreResult<Base> {
        let cx = crate::deps::context(ws, now).await?;
        let mapping = crate::flow::Mapping::build(&cx.ix, &self.rows);
        // Only the policies the worklist lists are evaluated (each policy is evaluated on its
        // own, so their violations are those of the whole set's evaluation).
        let listed = listed_policies(&self.set);
        let (found, _) = crate::governance::current::followed_in(
            ws, POLICIES, &cx.ix, &mapping, &self.rows, &listed, now,
        )
        .await?;
        let violations = blocking_violations(&listed, &found);
        Ok(base::compute(
            &cx.ix,
            &cx.facts,
            &mapping,
            &violations,
            self.thresholds,
            now,
            self.key,
        ))
    }
}

/// Keeps `computed` unless the kept base is of a later minute of the same state (a refresh
/// that finished after a newer base was found).
fn keep_base(ws: &Workspace, computed: Arc<Base>) {
    let newer_kept = ws
        .derived::<Base>(BASE)
        .and_then(|kept| kept.key.minutes_after(&computed.key))
        .is_some_and(|m| m > 0);
    if !newer_kept {
        ws.set_derived(BASE, computed);
    }
}

/// Finds the base for `key` in the background, unless that is already under way.
fn refresh_in_background(ws: &Workspace, thresholds: Thresholds, now: i64, key: base::Key) {
    let slot = ws.derived_slot::<Refresh>(REFRESH);
    let Ok(mut running) = slot.lock() else {
        return;
    };
    if running
        .as_ref()
        .is_some_and(|(k, task)| *k == key && !task.is_finished())
    {
        return;
    }
    let ws = ws.clone();
    let task = tokio::spawn(async move {
        let started = std::time::Instant::now();
        let found = match BaseInputs::read(&ws, thresholds, now).await {
            Ok(inputs) if inputs.key == key => inputs.compute(&ws, now).await,
            // Something else changed meanwhile: the next question finds it.
            Ok(_) => return,
            Err(err) => Err(err),
        };
        match found {
            Ok(computed) => {
                keep_base(&ws, Arc::new(computed));
                // Layer the decisions over it now, so the next question only filters.
                if let Err(err) = worklist(&ws, now).await {
                    tracing::warn!(%err, "the worklist of the new minute was not layered");
                }
                tracing::debug!(
                    ms = started.elapsed().as_secs_f64() * 1e3,
                    "triage base of the new minute found in the background"
                );
            }
            Err(err) => tracing::warn!(%err, "the triage base of the new minute was not found"),
        }
    });
    *running = Some((key, task));
}

/// Writes the duplicate candidates and conflicting changes found so far beside the workspace
/// now (and waits for writes under way), so that a fresh process's first worklist loads them
/// instead of finding them again (see [`crate::graph::kept`]). What a program that exits soon
/// after asking calls; the app keeps them on its own in the background.
pub async fn keep_beside(ws: &Workspace) -> CoreResult<()> {
    crate::duplicates::keep_beside(ws).await?;
    crate::conflicts::live::settle_keeping(ws).await;
    Ok(())
}

/// Waits for a base being found in the background (see [`cached_base`]) to be kept.
pub async fn settle(ws: &Workspace) {
    let task = ws
        .derived::<Refresh>(REFRESH)
        .and_then(|slot| slot.lock().ok().and_then(|mut r| r.take()));
    if let Some((_, task)) = task {
        if let Err(err) = task.await {
            tracing::warn!(%err, "the triage base refresh stopped");
        }
    }
}

/// The name of the worklist's own copy of its policies' violations
/// ([`crate::governance::current::followed_in`]).
const POLICIES: &str = "triage-policies";

/// Whether the worklist's policy reason lists the violations of `p`: an enabled blocking
/// policy, but the independent review (the `ai_unreviewed` reason lists the same items by the
/// same definition).
fn listed_policy(p: &crate::governance::Policy) -> bool {
    use crate::governance::{Rule, Severity};
    p.enabled && p.severity == Severity::Blocking && !matches!(p.rule, Rule::IndependentReview)
}

/// `set` with only the policies the worklist lists (and the same calendars).
fn listed_policies(set: &crate::governance::PolicySet) -> crate::governance::PolicySet {
    crate::governance::PolicySet {
        format: set.format,
        calendar: set.calendar.clone(),
        calendars: set.calendars.clone(),
        policies: set
            .policies
            .iter()
            .filter(|p| listed_policy(p))
            .cloned()
            .collect(),
    }
}

/// Violations now of the policies the worklist lists ([`listed_policy`]).
fn blocking_violations(
    set: &crate::governance::PolicySet,
    found: &crate::governance::current::CurrentViolations,
) -> Vec<base::BlockingViolation> {
    let mut out: Vec<base::BlockingViolation> = found
        .breaches()
        .filter(|b| b.current)
        .filter_map(|b| {
            let p = set.policies.get(usize::from(b.policy))?;
            listed_policy(p).then(|| (b.item, b.since, p.title.clone()))
        })
        .collect();
    out.sort_by_key(|v| v.0);
    out
}

/// What the decisions do to a candidate.
#[derive(Debug, Clone, PartialEq)]
struct Layered {
    reasons: Vec<BaseReason>,
    /// Covered by a decision in force (off the list).
    covered: bool,
    decision: Option<RowDecision>,
}

/// Whether the item changed since a decision saw it.
fn changed_since(ix: &WorkIndex, i: usize, outcome: &decisions::Outcome) -> bool {
    let item = &ix.items[i];
    outcome
        .seen_updated_at
        .is_some_and(|seen| item.updated > seen)
        || outcome
            .seen_changes
            .is_some_and(|seen| i64::from(item.transition_rows) != seen)
}

fn day(ms: i64) -> String {
    to_rfc3339(ms).chars().take(10).collect()
}

/// Applies the decisions about a candidate: reasons a decision makes untrue go (an owner or
/// intent set, a handoff marked delivered), and an outcome in force covers the reasons it
/// answered until the item changes (accepted, rejected), or everything until its date or change
/// (deferred); a confirmed duplicate is off the list.
fn layer(ix: &WorkIndex, c: &Candidate, d: Option<&ItemDecisions>, now: i64) -> Layered {
    let mut reasons: Vec<BaseReason> = c.reasons.clone();
    let Some(d) = d else {
        return Layered {
            reasons,
            covered: false,
            decision: None,
        };
    };
    reasons.retain_mut(|r| match r {
        BaseReason::AiNoAccountable { .. } => d.owner.is_none(),
        BaseReason::NewUntriaged { missing, .. } => {
            if d.owner.is_some() {
                missing.owner = false;
            }
            // Linked to an intent, or deliberately to none: either way the question is answered.
            if d.intent.is_some() || d.unaligned.is_some() {
                missing.intent = false;
            }
            missing.any()
        }
        BaseReason::Handoff { upstreams, .. } => {
            upstreams.retain(|(u, _)| {
                !d.handoffs_delivered
                    .iter()
                    .any(|id| *id == ix.item_ids[*u as usize])
            });
            !upstreams.is_empty()
        }
        _ => true,
    });
    if let Some(of) = &d.duplicate_of {
        return Layered {
            reasons,
            covered: true,
            decision: Some(RowDecision {
                id: String::new(),
                kind: DecisionKind::DuplicateConfirmed,
                at: String::new(),
                note: format!("Confirmed duplicate of {of}"),
            }),
        };
    }
    let Some(outcome) = &d.outcome else {
        return Layered {
            reasons,
            covered: false,
            decision: None,
        };
    };
    let changed = changed_since(ix, c.item as usize, outcome);
    let verb = match outcome.kind {
        DecisionKind::Accepted => "accepted",
        DecisionKind::Rejected => "rejected",
        _ => "deferred",
    };
    let row = |note: String| {
        Some(RowDecision {
            id: outcome.id.clone(),
            kind: outcome.kind,
            at: to_rfc3339(outcome.at),
            note,
        })
    };
    if outcome.kind == DecisionKind::Deferred {
        let date_passed = outcome.until.is_some_and(|u| now >= u);
        let by_change = outcome.until_change && changed;
        if date_passed || by_change {
            let why = if by_change {
                format!("Changed since it was deferred on {}", day(outcome.at))
            } else {
                format!(
                    "Deferred until {}, which has come",
                    day(outcome.until.unwrap_or(now))
                )
            };
            return Layered {
                reasons,
                covered: false,
                decision: row(why),
            };
        }
        let until = match outcome.until {
            Some(u) => format!("until {}", day(u)),
            None => "until it changes".into(),
        };
        return Layered {
            reasons,
            covered: true,
            decision: row(format!("Deferred {until}")),
        };
    }
    if changed {
        return Layered {
            reasons,
            covered: false,
            decision: row(format!(
                "Changed since it was {verb} on {}",
                day(outcome.at)
            )),
        };
    }
    let uncovered: Vec<BaseReason> = reasons
        .iter()
        .filter(|r| {
            !outcome
                .reasons
                .iter()
                .any(|code| code == r.reason().as_str())
        })
        .cloned()
        .collect();
    if uncovered.is_empty() {
        return Layered {
            reasons,
            covered: true,
            decision: row(format!("{} on {}", capitalised(verb), day(outcome.at))),
        };
    }
    Layered {
        reasons: uncovered,
        covered: false,
        decision: row(format!(
            "Listed for a reason its {verb} decision of {} did not cover",
            day(outcome.at)
        )),
    }
}

fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The duplicate reason of each item that looks like work another team filed earlier: open
/// candidates of the Duplicates page (not confirmed, not dismissed), listed on the later item
/// of each pair with its best-scoring earlier one.
/// Kept between questions for the index generation and the duplicate decisions in force they
/// were found under (`duplicates::pair_decisions`): a decision of another kind finds them again
/// without ranking the open candidates again.
async fn duplicate_reasons(ws: &Workspace) -> CoreResult<Arc<HashMap<u32, BaseReason>>> {
    type Decided = HashMap<(String, String), crate::duplicates::PairDecision>;
    type Slot = std::sync::Mutex<Option<(u64, Decided, Arc<HashMap<u32, BaseReason>>)>>;
    const NAME: &str = "triage-duplicates";
    let ix = ws.index().await?;
    let decided = crate::duplicates::pair_decisions(ws).await?;
    let slot = ws.derived_slot::<Slot>(NAME);
    if let Ok(kept) = slot.lock() {
        if let Some((_, _, reasons)) = kept
            .as_ref()
            .filter(|(g, d, _)| *g == ix.generation && *d == decided)
        {
            return Ok(reasons.clone());
        }
    }
    let reasons = Arc::new(find_duplicate_reasons(ws, &ix).await?);
    if let Ok(mut kept) = slot.lock() {
        *kept = Some((ix.generation, decided, reasons.clone()));
    }
    Ok(reasons)
}

/// The duplicate reasons found from the open candidates.
async fn find_duplicate_reasons(
    ws: &Workspace,
    ix: &WorkIndex,
) -> CoreResult<HashMap<u32, BaseReason>> {
    let by_item = crate::duplicates::open_by_item(ws).await?;
    let mut out = HashMap::new();
    for (item, others) in by_item {
        let i = item as usize;
        let later = |o: u32| {
            let (x, y) = (&ix.items[i], &ix.items[o as usize]);
            (x.created, &ix.item_ids[i]) > (y.created, &ix.item_ids[o as usize])
        };
        let best = others
            .iter()
            .filter(|(o, _)| later(*o))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((other, score)) = best {
            out.insert(
                item,
                BaseReason::DuplicateCandidate {
                    since: ix.items[i].created,
                    other: *other,
                    score: *score,
                },
            );
        }
    }
    Ok(out)
}

/// The conflicts of the last question, kept while nothing they are read from changed: the index
/// (its generation), and every write but decisions, policies and plans (a sync page of file lists
/// or `CODEOWNERS`, an owner rule) seen on the workspace's change stream since. A decision can
/// be an answer to a conflict (acknowledged, dismissed, taken back): after one, the answers in
/// force are read again and, only when they differ from those kept, layered again over the kept
/// conflicts. Recording a decision then reads none of the stored file lists again.
struct KeptConflicts {
    generation: u64,
    changes: tokio::sync::broadcast::Receiver<crate::graph::write::Changes>,
    /// The conflicts as the rules find them, before anyone's answers (kept compactly, read
    /// back when the answers change).
    unanswered: Arc<crate::conflicts::live::Unanswered>,
    /// The answers in force when last layered, and the reasons they left.
    answers: crate::conflicts::answers::Stored,
    reasons: Arc<HashMap<u32, BaseReason>>,
}

/// What the writes since the conflicts were kept leave of them.
enum Kept {
    /// Nothing changed that they read.
    Hold,
    /// Decisions were recorded: the answers are layered again.
    Answers,
    /// Something they read changed: computed again.
    Stale,
}

impl KeptConflicts {
    fn since(&mut self, generation: u64) -> Kept {
        use crate::graph::write::ChangeKind;
        use tokio::sync::broadcast::error::TryRecvError;
        if generation != self.generation {
            return Kept::Stale;
        }
        let mut answers = false;
        loop {
            match self.changes.try_recv() {
                Ok(c) => {
                    for k in &c.kinds {
                        match k {
                            ChangeKind::Decisions => answers = true,
                            ChangeKind::Policies | ChangeKind::Plans => {}
                            _ => return Kept::Stale,
                        }
                    }
                }
                Err(TryRecvError::Empty) => {
                    return if answers { Kept::Answers } else { Kept::Hold };
                }
                Err(TryRecvError::Lagged(_) | TryRecvError::Closed) => return Kept::Stale,
            }
        }
    }
}

/// The conflict reasons, from those kept when they still hold, else computed (and kept).
async fn conflict_reasons(ws: &Workspace) -> CoreResult<Arc<HashMap<u32, BaseReason>>> {
    const NAME: &str = "triage-conflicts";
    type Slot = std::sync::Mutex<Option<KeptConflicts>>;
    let ix = ws.index().await?;
    let slot = ws.derived_slot::<Slot>(NAME);
    let mut reanswer = None;
    // Nothing kept in this process yet: a previous one's conflicts, kept beside the workspace,
    // are used when they hold exactly this state.
    let mut look_beside = false;
    if let Ok(mut kept) = slot.lock() {
        look_beside = kept.is_none();
        if let Some(k) = kept.as_mut() {
            match k.since(ix.generation) {
                Kept::Hold => return Ok(k.reasons.clone()),
                Kept::Answers => reanswer = Some(k.unanswered.clone()),
                Kept::Stale => {}
            }
        }
    }
    if let Some(unanswered) = reanswer {
        let answers = crate::conflicts::answers::stored(ws).await?;
        if let Ok(mut kept) = slot.lock() {
            if let Some(k) = kept.as_mut().filter(|k| k.generation == ix.generation) {
                // The same answers on the same index: the very same reasons, so the worklist
                // is not layered again (a decision about anything but a conflict).
                if k.answers == answers {
                    return Ok(k.reasons.clone());
                }
            }
        }
        let reasons = Arc::new(conflict_reasons_of(&ix, &unanswered, &answers)?);
        if let Ok(mut kept) = slot.lock() {
            if let Some(k) = kept.as_mut().filter(|k| k.generation == ix.generation) {
                k.answers = answers;
                k.reasons = reasons.clone();
            }
        }
        return Ok(reasons);
    }
    // Subscribed before reading: a write while computing is seen at the next question.
    let changes = ws.subscribe();
    let unanswered = crate::conflicts::live::unanswered_kept(ws, &ix, look_beside).await?;
    let answers = crate::conflicts::answers::stored(ws).await?;
    let reasons = Arc::new(conflict_reasons_of(&ix, &unanswered, &answers)?);
    if let Ok(mut kept) = slot.lock() {
        *kept = Some(KeptConflicts {
            generation: ix.generation,
            changes,
            unanswered,
            answers,
            reasons: reasons.clone(),
        });
    }
    Ok(reasons)
}

/// The conflict reason of each open pull request the conflicting changes rules flag, with
/// `answers` layered over the conflicts (one someone acknowledged or dismissed, while the answer
/// holds, is not listed): its first conflict in words, how many it has, and the other change of
/// an overlap. Read from the conflicts as kept ([`crate::conflicts::live::Flag`]: the changes by
/// position, nothing made but each change's first reason), not from the whole report.
fn conflict_reasons_of(
    ix: &WorkIndex,
    unanswered: &crate::conflicts::live::Unanswered,
    answers: &crate::conflicts::answers::Stored,
) -> CoreResult<HashMap<u32, BaseReason>> {
    let holding = crate::conflicts::answers::Holding::of(answers);
    let mut out: HashMap<u32, BaseReason> = HashMap::new();
    // The conflicts of one change come together: each run of them is counted, then put in the
    // map once (added to what an earlier run of the same change left, if any).
    let mut run: Option<(Flag<'_>, u32)> = None;
    let mut put = |first: Flag<'_>, n: u32| match out.get_mut(&first.item) {
        Some(BaseReason::ConflictingChange { count, .. }) => *count += n,
        _ => {
            out.insert(
                first.item,
                BaseReason::ConflictingChange {
                    since: ix.items[first.item as usize].created,
                    first: first.reason.to_owned(),
                    count: n,
                    other: first.others.first(),
                },
            );
        }
    };
    unanswered.flags(ix, |flag| {
        if !answers.is_empty() && holding.answered(ix, &flag) {
            return;
        }
        match &mut run {
            Some((first, n)) if first.item == flag.item => *n += 1,
            _ => {
                if let Some((first, n)) = run.replace((flag, 1)) {
                    put(first, n);
                }
            }
        }
    })?;
    if let Some((first, n)) = run {
        put(first, n);
    }
    Ok(out)
}

/// The reasons read beside the cached base: duplicate candidates and conflicting changes, each
/// as kept (equal pointers: the same reasons).
#[derive(Clone)]
struct Extra {
    duplicates: Arc<HashMap<u32, BaseReason>>,
    conflicts: Arc<HashMap<u32, BaseReason>>,
}

impl Extra {
    /// Whether both are the very ones `other` holds.
    fn same(&self, other: &Extra) -> bool {
        Arc::ptr_eq(&self.duplicates, &other.duplicates)
            && Arc::ptr_eq(&self.conflicts, &other.conflicts)
    }

    /// Per item, its duplicate reason then its conflict reason.
    fn merged(&self) -> HashMap<u32, Vec<BaseReason>> {
        let mut out: HashMap<u32, Vec<BaseReason>> = HashMap::new();
        for (i, r) in self.duplicates.iter().chain(self.conflicts.iter()) {
            out.entry(*i).or_default().push(r.clone());
        }
        out
    }
}

/// The duplicate and the conflict reasons, read together (each loads what was kept beside the
/// workspace on a thread of its own).
async fn extra_reasons(ws: &Workspace) -> CoreResult<Extra> {
    let started = std::time::Instant::now();
    let timed = |what: &'static str, took: std::time::Duration| {
        tracing::debug!(what, ms = took.as_secs_f64() * 1e3, "triage: extra reasons");
    };
    let (duplicates, conflicts) = tokio::try_join!(
        async {
            let found = duplicate_reasons(ws).await;
            timed("duplicates", started.elapsed());
            found
        },
        async {
            let found = conflict_reasons(ws).await;
            timed("conflicts", started.elapsed());
            found
        }
    )?;
    Ok(Extra {
        duplicates,
        conflicts,
    })
}

/// Every candidate of the worklist, in item order: the base's, with the duplicate and conflict
/// reasons added, and items with those reasons alone.
fn merged_candidates(
    ix: &WorkIndex,
    base: &Base,
    extra: &HashMap<u32, Vec<BaseReason>>,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = base.candidates.clone();
    for c in &mut out {
        if let Some(more) = extra.get(&c.item) {
            c.reasons.extend(more.iter().cloned());
        }
    }
    for (i, reasons) in extra {
        if base.candidates.binary_search_by_key(i, |c| c.item).is_err() {
            out.push(Candidate {
                item: *i,
                reasons: reasons.clone(),
                requester: None,
                flow: ix.items[*i as usize].flow,
                stage: None,
                waiting_on_it: 0,
            });
        }
    }
    out.sort_by_key(|c| c.item);
    out
}

/// The worklist before filters: every candidate layered with the decisions in force. Kept
/// between questions (`Workspace::derived`); after a decision only the candidates whose
/// decisions changed are layered again ([`Worklist::follow`]).
struct Worklist {
    base: Arc<Base>,
    extra: Extra,
    overlay: Overlay,
    thresholds: Thresholds,
    now: i64,
    candidates: Arc<Vec<Candidate>>,
    /// Per candidate: how the decisions leave it (None: no reason left).
    layered: Vec<Option<Arc<Layered>>>,
}

impl Worklist {
    fn layer_one(
        ix: &WorkIndex,
        c: &Candidate,
        overlay: &Overlay,
        now: i64,
    ) -> Option<Arc<Layered>> {
        let l = layer(ix, c, overlay.item(&ix.item_ids[c.item as usize]), now);
        (!l.reasons.is_empty()).then(|| Arc::new(l))
    }

    /// Every candidate layered.
    fn build(
        ix: &WorkIndex,
        base: Arc<Base>,
        extra: Extra,
        overlay: Overlay,
        thresholds: Thresholds,
        now: i64,
    ) -> Worklist {
        let candidates = merged_candidates(ix, &base, &extra.merged());
        let layered = candidates
            .iter()
            .map(|c| Worklist::layer_one(ix, c, &overlay, now))
            .collect();
        Worklist {
            base,
            extra,
            overlay,
            thresholds,
            now,
            candidates: Arc::new(candidates),
            layered,
        }
    }

    /// This worklist under `overlay` at `now`, when it was built from the same base, extra
    /// reasons and thresholds (None otherwise): only the candidates whose decisions differ
    /// between the two overlays are layered again, and, when time moved, those deferred until a
    /// date. (Layering reads the index only through the base's generation, which is the same.)
    fn follow(
        &self,
        ix: &WorkIndex,
        base: &Arc<Base>,
        extra: &Extra,
        overlay: Overlay,
        thresholds: Thresholds,
        now: i64,
    ) -> Option<Worklist> {
        if !Arc::ptr_eq(&self.base, base)
            || thresholds != self.thresholds
            || !self.extra.same(extra)
        {
            return None;
        }
        let mut changed: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for (id, d) in &overlay.items {
            if self.overlay.items.get(id) != Some(d) {
                changed.insert(id.as_str());
            }
        }
        for id in self.overlay.items.keys() {
            if !overlay.items.contains_key(id) {
                changed.insert(id.as_str());
            }
        }
        if now != self.now {
            for (id, d) in &overlay.items {
                if d.outcome.as_ref().is_some_and(|o| o.until.is_some()) {
                    changed.insert(id.as_str());
                }
            }
        }
        let mut layered = self.layered.clone();
        if !changed.is_empty() {
            for (c, l) in self.candidates.iter().zip(layered.iter_mut()) {
                if changed.contains(&ix.item_ids[c.item as usize]) {
                    *l = Worklist::layer_one(ix, c, &overlay, now);
                }
            }
        }
        Some(Worklist {
            base: base.clone(),
            extra: extra.clone(),
            overlay,
            thresholds,
            now,
            candidates: self.candidates.clone(),
            layered,
        })
    }

    /// The candidates with a reason left after decisions.
    fn rows(&self) -> impl Iterator<Item = (&Candidate, &Layered)> {
        self.candidates
            .iter()
            .zip(self.layered.iter())
            .filter_map(|(c, l)| l.as_deref().map(|l| (c, l)))
    }
}

/// The worklist at `now`: the kept one followed through the decisions taken since, when it was
/// built from the same base and extra reasons, else built.
async fn worklist(ws: &Workspace, now: i64) -> CoreResult<Arc<Worklist>> {
    const NAME: &str = "triage-worklist";
    type Slot = std::sync::Mutex<Option<Arc<Worklist>>>;
    let started = std::time::Instant::now();
    let overlay = decisions::overlay(ws).await?;
    let thresholds = Thresholds::of(&overlay);
    let t_overlay = started.elapsed();
    // The duplicate and conflict reasons (most often loaded from beside the workspace) are read
    // on another thread while the base is found here: neither reads the other.
    let extra = {
        let ws = ws.clone();
        tokio::spawn(async move { extra_reasons(&ws).await })
    };
    let base = cached_base(ws, thresholds, now).await;
    let t_base = started.elapsed();
    let extra = match extra.await {
        Ok(extra) => extra,
        Err(err) => {
            tracing::warn!(%err, "the duplicate and conflict reasons stopped; reading them again");
            extra_reasons(ws).await
        }
    };
    let (base, extra) = (base?, extra?);
    let ix = ws.index().await?;
    let t_extra = started.elapsed();
    let slot = ws.derived_slot::<Slot>(NAME);
    let kept = slot.lock().ok().and_then(|k| k.clone());
    let followed =
        kept.and_then(|k| k.follow(&ix, &base, &extra, overlay.clone(), thresholds, now));
    let how = if followed.is_some() {
        "followed"
    } else {
        "built"
    };
    let list = Arc::new(match followed {
        Some(w) => w,
        None => Worklist::build(&ix, base, extra, overlay, thresholds, now),
    });
    if let Ok(mut k) = slot.lock() {
        *k = Some(list.clone());
    }
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    tracing::debug!(
        how,
        overlay_ms = ms(t_overlay),
        base_ms = ms(t_base - t_overlay),
        extra_ms = ms(t_extra - t_base),
        layered_ms = ms(started.elapsed() - t_extra),
        "triage worklist"
    );
    Ok(list)
}

/// Whether a candidate passes the query's filters (all but the reason filter when
/// `ignore_reasons`).
struct Filter {
    teams: Option<Vec<u32>>,
    sources: Option<Vec<u32>>,
    provenances: Vec<Provenance>,
    reasons: Vec<Reason>,
    text: Option<String>,
}

impl Filter {
    fn new(ix: &WorkIndex, q: &TriageQuery) -> Filter {
        let positions = |wanted: &[String], ids: Vec<&str>| -> Option<Vec<u32>> {
            (!wanted.is_empty()).then(|| {
                wanted
                    .iter()
                    .map(|w| {
                        if w.is_empty() {
                            NONE
                        } else {
                            ids.iter()
                                .position(|id| id == w)
                                .map_or(NONE - 1, |p| p as u32)
                        }
                    })
                    .collect()
            })
        };
        Filter {
            teams: positions(&q.teams, ix.teams.iter().map(|t| t.id.as_str()).collect()),
            sources: positions(
                &q.sources,
                ix.sources.iter().map(|s| s.id.as_str()).collect(),
            ),
            provenances: q.provenances.clone(),
            reasons: q.reasons.clone(),
            text: q
                .text
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_lowercase),
        }
    }

    fn keeps_item(&self, ix: &WorkIndex, i: usize) -> bool {
        let item = &ix.items[i];
        self.teams.as_ref().is_none_or(|t| t.contains(&item.team))
            && self
                .sources
                .as_ref()
                .is_none_or(|s| s.contains(&item.source))
            && (self.provenances.is_empty() || self.provenances.contains(&item.provenance))
            && self.text.as_deref().is_none_or(|t| {
                ix.item_titles_folded[i].contains(t) || ix.item_keys[i].to_lowercase().contains(t)
            })
    }

    fn keeps_reasons(&self, reasons: &[BaseReason]) -> bool {
        self.reasons.is_empty() || reasons.iter().any(|r| self.reasons.contains(&r.reason()))
    }
}

/// The worklist (see [`TriageQuery`]), measured at `now`.
pub async fn triage_list(ws: &Workspace, q: &TriageQuery, now: i64) -> CoreResult<TriageList> {
    let limit = match q.limit {
        0 => 200,
        n if n > MAX_PAGE => {
            return Err(CoreError::Invalid(format!(
                "a page holds at most {MAX_PAGE} rows"
            )))
        }
        n => n,
    };
    let started = std::time::Instant::now();
    let w = worklist(ws, now).await?;
    let ix = ws.index().await?;
    let filter = Filter::new(&ix, q);
    let (overlay, thresholds) = (&w.overlay, w.thresholds);

    let mut counts: HashMap<Reason, u32> = HashMap::new();
    let mut decided = 0u32;
    let mut kept: Vec<(&Candidate, &Layered, i64)> = Vec::new();
    for (c, l) in w.rows() {
        if !filter.keeps_item(&ix, c.item as usize) {
            continue;
        }
        let shown = match q.show {
            TriageShow::Open => !l.covered,
            TriageShow::Decided => l.covered,
        };
        if l.covered && filter.keeps_reasons(&l.reasons) {
            decided += 1;
        }
        if !shown {
            continue;
        }
        for r in &l.reasons {
            *counts.entry(r.reason()).or_default() += 1;
        }
        if filter.keeps_reasons(&l.reasons) {
            let oldest = l.reasons.iter().map(BaseReason::since).min().unwrap_or(now);
            kept.push((c, l, oldest));
        }
    }
    let total = kept.len();
    let start = (q.offset as usize).min(total);
    let end = start.saturating_add(limit as usize).min(total);
    // Only the rows up to the page's end are put in order (the rest are only partitioned behind
    // them). The candidates come in item order and the item is the last key, so the order is
    // the one a stable sort of them all by the page's keys gives.
    let key = |c: &Candidate| &ix.item_keys[c.item as usize];
    type Kept<'a> = (&'a Candidate, &'a Layered, i64);
    let ordered: &[Kept] = match q.sort {
        TriageSort::Age => crate::flow::percentile::first_sorted(&mut kept, end, |a, b| {
            a.2.cmp(&b.2)
                .then(key(a.0).cmp(key(b.0)))
                .then(a.0.item.cmp(&b.0.item))
        }),
        TriageSort::WaitingOnIt => crate::flow::percentile::first_sorted(&mut kept, end, |a, b| {
            b.0.waiting_on_it
                .cmp(&a.0.waiting_on_it)
                .then(a.2.cmp(&b.2))
                .then(key(a.0).cmp(key(b.0)))
                .then(a.0.item.cmp(&b.0.item))
        }),
    };
    let mut rows: Vec<TriageRow> = ordered[start..end]
        .iter()
        .map(|(c, l, oldest)| row(&ix, overlay, c, l, *oldest, now))
        .collect();
    let mut refs: Vec<crate::flow::ItemRef> = rows
        .iter()
        .map(|r| crate::flow::ItemRef {
            id: r.id.clone(),
            key: r.key.clone(),
            title: String::new(),
        })
        .collect();
    crate::flow::titles(ws, refs.iter_mut().collect()).await?;
    for (row, r) in rows.iter_mut().zip(refs) {
        row.title = r.title;
    }
    let raw = raw_states(ws, &rows).await?;
    for row in rows.iter_mut() {
        if let Some(state) = raw.get(&row.id) {
            row.raw_state = state.clone();
        }
    }
    tracing::debug!(
        total_ms = started.elapsed().as_secs_f64() * 1e3,
        "triage worklist answered"
    );
    Ok(TriageList {
        as_of: to_rfc3339(now),
        total: u32::try_from(total).unwrap_or(u32::MAX),
        offset: q.offset,
        rows,
        by_reason: Reason::ALL
            .iter()
            .map(|r| ReasonCount {
                reason: *r,
                label: r.label().into(),
                count: counts.get(r).copied().unwrap_or(0),
            })
            .collect(),
        decided,
        thresholds,
    })
}

async fn raw_states(ws: &Workspace, rows: &[TriageRow]) -> CoreResult<HashMap<String, String>> {
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let json = serde_json::to_string(&ids).map_err(|e| CoreError::Invalid(e.to_string()))?;
    let found: Vec<(crate::graph::text::LossyText, crate::graph::text::LossyText)> =
        sqlx::query_as(
            "SELECT i.id, i.raw_state FROM json_each(?1) j JOIN items i ON i.id = j.value",
        )
        .bind(json)
        .fetch_all(ws.pool())
        .await?;
    Ok(found.into_iter().map(|(a, b)| (a.text, b.text)).collect())
}

fn row(
    ix: &WorkIndex,
    overlay: &Overlay,
    c: &Candidate,
    l: &Layered,
    oldest: i64,
    now: i64,
) -> TriageRow {
    let i = c.item as usize;
    let item = &ix.items[i];
    let team = ix.teams.get(item.team as usize);
    let source = ix.sources.get(item.source as usize);
    let decided = overlay.item(&ix.item_ids[i]);
    let accountable = crate::provenance::accountable(ix, i, c.requester, decided);
    TriageRow {
        id: ix.item_ids[i].to_string(),
        key: ix.item_keys[i].to_string(),
        title: String::new(),
        kind: item.kind,
        team_id: team.map(|t| t.id.clone()),
        team_name: team.map(|t| t.name.clone()),
        source_id: source.map(|s| s.id.clone()).unwrap_or_default(),
        source_name: source.map(|s| s.name.clone()).unwrap_or_default(),
        flow_state: c.flow,
        stage: c.stage,
        raw_state: String::new(),
        provenance: item.provenance,
        agent: ix.agents.get(item.agent as usize).map(|a| a.to_string()),
        requester: c.requester.map(|r| Named {
            name: crate::provenance::person_name(ix, r.person),
            via: r.signal,
        }),
        accountable: accountable.map(|(name, via)| Named { name, via }),
        reasons: l
            .reasons
            .iter()
            .map(|r| base::describe(ix, r, now))
            .collect(),
        age_days: (now - oldest).max(0) as f64 / DAY_MS as f64,
        created_at: to_rfc3339(item.created),
        waiting_on_it: c.waiting_on_it,
        decision: l.decision.clone(),
        notes: decided.map_or(0, |d| d.notes),
    }
}

/// A decision taken on the worklist: what and about which item, who and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TriageDecision {
    pub item_id: String,
    pub decision: DecisionInput,
    #[serde(default)]
    pub why: String,
}

/// Records a decision about an item from the worklist: it answers the reasons the item is listed
/// for now, and remembers the item's data so a later change brings it back. Returns the
/// decision's id.
pub async fn triage_decide(
    ws: &Workspace,
    decision: &TriageDecision,
    actor: &str,
    now: i64,
) -> CoreResult<String> {
    let ix = ws.index().await?;
    let at = ix
        .item_ids
        .iter()
        .position(|id| id == decision.item_id)
        .ok_or_else(|| CoreError::NotFound(format!("item {}", decision.item_id)))?;
    let w = worklist(ws, now).await?;
    let reasons: Vec<String> = w
        .candidates
        .binary_search_by_key(&(at as u32), |c| c.item)
        .ok()
        .and_then(|k| w.layered[k].as_deref())
        .map(|l| {
            l.reasons
                .iter()
                .map(|r| r.reason().as_str().to_owned())
                .collect()
        })
        .unwrap_or_default();
    let item = &ix.items[at];
    decisions::record(
        ws,
        NewDecision {
            item_id: decision.item_id.clone(),
            input: decision.decision.clone(),
            actor: actor.to_owned(),
            why: decision.why.clone(),
            reasons,
            seen_updated_at: Some(item.updated),
            seen_changes: Some(i64::from(item.transition_rows)),
            now,
        },
    )
    .await
}

/// The thresholds in force.
pub async fn thresholds_get(ws: &Workspace) -> CoreResult<Thresholds> {
    Ok(Thresholds::of(&decisions::overlay(ws).await?))
}

/// Records new thresholds (a decision about the workspace, with who and why).
pub async fn thresholds_set(
    ws: &Workspace,
    thresholds: &Thresholds,
    actor: &str,
    why: &str,
    now: i64,
) -> CoreResult<()> {
    thresholds.check()?;
    let value = serde_json::to_value(thresholds).map_err(|e| CoreError::Invalid(e.to_string()))?;
    decisions::record_thresholds(ws, value, actor, why, now).await?;
    Ok(())
}

/// The items each reason lists now (after decisions), for notifications.
pub async fn listed_by_reason(
    ws: &Workspace,
    now: i64,
) -> CoreResult<(HashMap<Reason, Vec<String>>, Thresholds)> {
    let w = worklist(ws, now).await?;
    let thresholds = w.thresholds;
    let ix = ws.index().await?;
    let mut out: HashMap<Reason, Vec<String>> = HashMap::new();
    for (c, l) in w.rows() {
        if l.covered {
            continue;
        }
        for r in &l.reasons {
            out.entry(r.reason())
                .or_default()
                .push(ix.item_ids[c.item as usize].to_string());
        }
    }
    Ok((out, thresholds))
}

/// The sentence a desktop notification says for `count` newly listed items of a reason.
pub fn notice_text(reason: Reason, count: usize, t: &Thresholds) -> String {
    let n = count;
    let s = |one: &'static str, many: &'static str| if n == 1 { one } else { many };
    let days = |d: f64| {
        if (d - d.round()).abs() < 1e-9 {
            format!("{}", d.round() as i64)
        } else {
            format!("{d:.1}")
        }
    };
    match reason {
        Reason::AiNoAccountable => format!(
            "{n} AI-made {} no accountable human",
            s("item has", "items have")
        ),
        Reason::AiUnreviewed => format!(
            "{n} AI pull {} waited more than {} days for an independent review",
            s("request has", "requests have"),
            days(t.review_wait_days)
        ),
        Reason::AiIdle => format!(
            "{n} AI-made or automated {} been idle for more than {} days",
            s("item has", "items have"),
            days(t.idle_days)
        ),
        Reason::NewUntriaged => format!(
            "{n} new {} an owner, a team, an intent or a priority",
            s("item needs", "items need")
        ),
        Reason::HandoffUndelivered => format!(
            "{n} {} delivered and never picked up",
            s("handoff was", "handoffs were")
        ),
        Reason::AgingPastP85 => format!(
            "{n} {} older than {} team's 85th-percentile cycle time",
            s("item is", "items are"),
            s("its", "their")
        ),
        Reason::UnmappedState => format!(
            "{n} {} in a state no workflow map covers",
            s("item is", "items are")
        ),
        Reason::PolicyViolation => {
            format!("{n} {} a blocking policy", s("item breaks", "items break"))
        }
        Reason::DuplicateCandidate => format!(
            "{n} {} like work another team already filed",
            s("item looks", "items look")
        ),
        Reason::ConflictingChange => format!(
            "{n} open pull {} with another team's code or change",
            s("request conflicts", "requests conflict")
        ),
    }
}

/// The name of the person deciding on this machine: `BATON_USER`, else the login name.
pub fn local_actor() -> String {
    ["BATON_USER", "USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "local user".into())
}
