//! Policies evaluated on the in-memory index: the violations now, and past compliance over a
//! date range. One walk over each item's changes feeds every policy. Definitions:
//! `docs/metrics.md` ("Governance").

use std::collections::HashMap;

use super::hours::WorkingTime;
use super::policy::{Policy, PolicySet, Rule, Scope};
use crate::error::CoreResult;
use crate::flow::mapping::{Mapping, Meaning};
use crate::graph::index::{EventKind, WorkIndex, NONE};
use crate::graph::model::{FlowState, ItemKind, LinkKind, Provenance, WaitReason};
use crate::provenance::{self, ReviewStatus, Signals};
use crate::time::DAY_MS;

const HOUR_MS: f64 = 3_600_000.0;

/// A breach that happened on an item that is finished stays a violation for this long after it
/// (an open item's violation stays while it is open).
pub const RECENT_MS: i64 = 30 * DAY_MS;

/// One policy that did not hold for one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breach {
    /// A position in the set's policies.
    pub policy: u16,
    /// A position in the index's items.
    pub item: u32,
    /// Since when it has not held.
    pub since: i64,
    /// Whether it is a violation now (see [`RECENT_MS`]); otherwise a past one.
    pub current: bool,
    /// Rule-specific figure: the team's count for a WIP limit, the blocked open item for the
    /// handoff policy, otherwise 0.
    pub figure: u32,
}

/// A policy ready to match items: its scope resolved against the index.
pub(crate) struct Compiled<'a> {
    pub policy: &'a Policy,
    teams: Option<Vec<bool>>,
    sources: Option<Vec<bool>>,
    intents: Option<Vec<bool>>,
    kinds: Vec<ItemKind>,
    provenance: Vec<Provenance>,
    /// For a WIP limit on a raw state: the state positions with that name.
    states: Option<Vec<bool>>,
}

fn positions(names: &[String], ids: impl Iterator<Item = (String, String)>) -> Vec<bool> {
    ids.map(|(id, name)| {
        names
            .iter()
            .any(|n| n == &id || n.eq_ignore_ascii_case(&name))
    })
    .collect()
}

impl<'a> Compiled<'a> {
    fn new(ix: &WorkIndex, policy: &'a Policy) -> Compiled<'a> {
        let Scope {
            teams,
            sources,
            kinds,
            provenance,
            intents,
        } = &policy.scope;
        let named = |list: &[crate::graph::index::Named]| {
            list.iter()
                .map(|n| (n.id.clone(), n.name.clone()))
                .collect::<Vec<_>>()
        };
        let teams = (!teams.is_empty()).then(|| positions(teams, named(&ix.teams).into_iter()));
        let sources = (!sources.is_empty()).then(|| {
            positions(
                sources,
                ix.sources.iter().map(|s| (s.id.clone(), s.name.clone())),
            )
        });
        let intents = (!intents.is_empty()).then(|| {
            let chosen: Vec<u32> = positions(intents, named(&ix.intents).into_iter())
                .iter()
                .enumerate()
                .filter(|(_, &on)| on)
                .map(|(at, _)| at as u32)
                .collect();
            ix.intents_under(&chosen)
        });
        let states = match &policy.rule {
            Rule::WipLimit {
                state: Some(state), ..
            } => Some(
                ix.states
                    .iter()
                    .map(|k| k.raw.eq_ignore_ascii_case(state))
                    .collect(),
            ),
            _ => None,
        };
        Compiled {
            policy,
            teams,
            sources,
            intents,
            kinds: kinds.clone(),
            provenance: provenance.clone(),
            states,
        }
    }

    fn covers(&self, ix: &WorkIndex, i: usize) -> bool {
        let item = &ix.items[i];
        let within = |set: &Option<Vec<bool>>, at: u32| match set {
            None => true,
            Some(on) => at != NONE && on.get(at as usize).copied().unwrap_or(false),
        };
        within(&self.teams, item.team)
            && within(&self.sources, item.source)
            && within(&self.intents, item.intent)
            && (self.kinds.is_empty() || self.kinds.contains(&item.kind))
            && (self.provenance.is_empty() || self.provenance.contains(&item.provenance))
    }
}

/// The calendars of a set, by team position.
pub(crate) struct Calendars {
    default: WorkingTime,
    by_team: Vec<Option<WorkingTime>>,
}

impl Calendars {
    pub fn new(ix: &WorkIndex, set: &PolicySet) -> CoreResult<Calendars> {
        let default = set.calendar.compile("every team")?;
        let mut by_team = vec![None; ix.teams.len()];
        for (key, cal) in &set.calendars {
            let compiled = cal.compile(&format!("team \"{key}\""))?;
            for (at, team) in ix.teams.iter().enumerate() {
                if &team.id == key || team.name.eq_ignore_ascii_case(key) {
                    by_team[at] = Some(compiled.clone());
                }
            }
        }
        Ok(Calendars { default, by_team })
    }

    fn of(&self, team: u32) -> &WorkingTime {
        self.by_team
            .get(team as usize)
            .and_then(Option::as_ref)
            .unwrap_or(&self.default)
    }
}

/// What one walk over an item's changes tells every policy.
#[derive(Debug, Clone, Default)]
pub(crate) struct History {
    /// The effective meaning now (None: an unmapped state) and since when.
    pub now: Option<Meaning>,
    pub since: i64,
    /// The last entry into done or canceled, when it is done or canceled now.
    pub ended: Option<i64>,
    /// The first entry into a wait for review.
    pub ready: Option<i64>,
    /// It waited for a security review (before it ended).
    pub security: bool,
    /// The first review by someone other than its author.
    pub first_review: Option<i64>,
    /// Its completed and current waits: (reason, start, end; end = as_of when still waiting).
    pub waits: Vec<(WaitReason, i64, i64)>,
}

fn effective(m: Option<Meaning>, flagged: bool) -> Option<Meaning> {
    match m {
        Some((FlowState::Active | FlowState::Waiting, _)) if flagged => {
            Some((FlowState::Waiting, Some(WaitReason::Blocked)))
        }
        other => other,
    }
}

/// Walks item `i`'s changes up to `as_of` (excluded). `keep_waits` records every wait.
pub(crate) fn walk(
    ix: &WorkIndex,
    mapping: &Mapping,
    i: usize,
    as_of: i64,
    keep_waits: bool,
) -> History {
    let item = &ix.items[i];
    let mut underlying = mapping.resolve(item.initial_state, item.team, item.kind);
    let mut flagged = false;
    let mut h = History {
        now: underlying,
        since: item.created,
        ..History::default()
    };
    let enter = |h: &mut History, m: Option<Meaning>, at: i64| {
        if let Some((FlowState::Waiting, Some(reason))) = h.now {
            if keep_waits {
                h.waits.push((reason, h.since, at));
            }
        }
        h.now = m;
        h.since = at;
        match m {
            Some((FlowState::Done | FlowState::Canceled, _)) => h.ended = Some(at),
            _ => h.ended = None,
        }
        if let Some((FlowState::Waiting, Some(reason))) = m {
            if reason == WaitReason::Review && h.ready.is_none() {
                h.ready = Some(at);
            }
            if reason == WaitReason::Security && h.ended.is_none() {
                h.security = true;
            }
        }
    };
    // The initial state counts as an entry at creation.
    let first = h.now;
    enter(&mut h, first, item.created);
    for e in ix.events_of(i) {
        if e.at >= as_of {
            break;
        }
        let at = e.at.max(item.created);
        match e.kind() {
            EventKind::State => underlying = mapping.resolve(e.code(), item.team, item.kind),
            EventKind::Flag => flagged = e.code() == 1,
            EventKind::Review => {
                if e.actor != NONE && e.actor != item.author && h.first_review.is_none() {
                    h.first_review = Some(at);
                }
                continue;
            }
        }
        let next = effective(underlying, flagged);
        if next != h.now {
            enter(&mut h, next, at);
        }
    }
    if keep_waits {
        if let Some((FlowState::Waiting, Some(reason))) = h.now {
            h.waits.push((reason, h.since, as_of));
        }
    }
    h
}

fn is_open(h: &History) -> bool {
    h.ended.is_none()
}

fn done_at(h: &History) -> Option<i64> {
    match h.now {
        Some((FlowState::Done, _)) => h.ended,
        _ => None,
    }
}

/// What the index holds about links, gathered once.
pub(crate) struct Links {
    /// Items linked to a work item that is not a pull request (either direction, not removed).
    pub traced: Vec<bool>,
    /// Item → (items it blocks, when the link was made).
    pub blocks: HashMap<u32, Vec<(u32, i64)>>,
}

impl Links {
    pub fn gather(ix: &WorkIndex) -> Links {
        Links::gather_for(ix, None)
    }

    /// No link gathered: for a set no enabled policy of which reads them.
    fn none(ix: &WorkIndex) -> Links {
        Links {
            traced: vec![false; ix.items.len()],
            blocks: HashMap::new(),
        }
    }

    /// The same, true only for the items of `wanted` (by position; every item when None): what
    /// evaluating those items again needs.
    pub fn gather_for(ix: &WorkIndex, wanted: Option<&[bool]>) -> Links {
        let wants = |i: u32| wanted.is_none_or(|w| w.get(i as usize).copied().unwrap_or(false));
        let mut traced = vec![false; ix.items.len()];
        let mut blocks: HashMap<u32, Vec<(u32, i64)>> = HashMap::new();
        for l in &ix.links {
            if l.removed.is_some() {
                continue;
            }
            match l.kind {
                LinkKind::Blocks => {
                    if wants(l.from) {
                        blocks.entry(l.from).or_default().push((l.to, l.created));
                    }
                }
                LinkKind::Duplicates => {}
                _ => {
                    let (a, b) = (l.from as usize, l.to as usize);
                    if ix.items[b].kind != ItemKind::PullRequest && wants(l.from) {
                        traced[a] = true;
                    }
                    if ix.items[a].kind != ItemKind::PullRequest && wants(l.to) {
                        traced[b] = true;
                    }
                }
            }
        }
        Links { traced, blocks }
    }
}

/// Everything a pass needs, built once per question.
pub(crate) struct Context<'a> {
    pub ix: &'a WorkIndex,
    pub mapping: &'a Mapping,
    pub policies: Vec<Compiled<'a>>,
    pub calendars: Calendars,
    pub links: Links,
    pub signals: Signals<'a>,
}

/// What the enabled policies of a set read besides each item's changes: the links (traced
/// work, blocking) and the requester signals (assignments, `implements` links).
fn needs(set: &PolicySet) -> (bool, bool) {
    let enabled = || set.policies.iter().filter(|p| p.enabled);
    let links = enabled().any(|p| matches!(p.rule, Rule::LinkedWorkItem | Rule::DoneWhileBlocking));
    let signals = enabled().any(|p| matches!(p.rule, Rule::IndependentReview));
    (links, signals)
}

impl<'a> Context<'a> {
    /// A context that can evaluate every item. The links and the requester signals are
    /// gathered only when an enabled policy reads them (a set of only the blocking policies of
    /// the Triage worklist often reads neither).
    pub fn new(ix: &'a WorkIndex, mapping: &'a Mapping, set: &'a PolicySet) -> CoreResult<Self> {
        let (links, signals) = needs(set);
        Ok(Context {
            ix,
            mapping,
            policies: set.policies.iter().map(|p| Compiled::new(ix, p)).collect(),
            calendars: Calendars::new(ix, set)?,
            links: if links {
                Links::gather(ix)
            } else {
                Links::none(ix)
            },
            signals: if signals {
                Signals::gather(ix)
            } else {
                Signals::none()
            },
        })
    }

    /// A context that can evaluate only the items of `wanted` (by position): the links and
    /// signals of the others are left out, which saves most of the cost of a small question.
    pub fn for_items(
        ix: &'a WorkIndex,
        mapping: &'a Mapping,
        set: &'a PolicySet,
        wanted: &[bool],
    ) -> CoreResult<Self> {
        let (links, signals) = needs(set);
        Ok(Context {
            ix,
            mapping,
            policies: set.policies.iter().map(|p| Compiled::new(ix, p)).collect(),
            calendars: Calendars::new(ix, set)?,
            links: if links {
                Links::gather_for(ix, Some(wanted))
            } else {
                Links::none(ix)
            },
            signals: if signals {
                Signals::gather_for(ix, Some(wanted))
            } else {
                Signals::none()
            },
        })
    }
}

fn hours_ms(hours: f64) -> i64 {
    (hours * HOUR_MS).round() as i64
}

/// How an item stands against one per-item rule as of `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// The rule does not concern it (yet).
    Outside,
    /// It held, decided at this instant.
    Met(i64),
    /// It has not held since then; `figure` as in [`Breach`].
    Broken { since: i64, figure: u32 },
    /// Not decided yet (a clock still running); it may be decided from this instant on.
    Pending(i64),
}

/// The standing of item `i` for a per-item rule (not the WIP limit).
fn standing(cx: &Context<'_>, rule: &Rule, i: usize, h: &History, now: i64) -> Standing {
    let ix = cx.ix;
    let item = &ix.items[i];
    match rule {
        Rule::ReviewSla { hours } => {
            let start = match (h.ready, item.kind) {
                (Some(t), _) => t,
                (None, ItemKind::PullRequest) => item.created,
                (None, _) => return Standing::Outside,
            };
            if matches!(h.now, Some((FlowState::Canceled, _))) && h.first_review.is_none() {
                return Standing::Outside;
            }
            // Working time never exceeds wall-clock time: most items are decided without the
            // calendar.
            let limit = hours_ms(*hours);
            match h.first_review {
                Some(t) if t - start <= limit => return Standing::Met(t),
                None if now - start <= limit => return Standing::Pending(start + limit),
                _ => {}
            }
            let due = cx.calendars.of(item.team).add(start, limit);
            match h.first_review {
                Some(t) if t <= due => Standing::Met(t),
                _ if due >= now => Standing::Pending(due),
                _ => Standing::Broken {
                    since: due,
                    figure: 0,
                },
            }
        }
        Rule::IndependentReview => {
            if item.kind != ItemKind::PullRequest
                || item.provenance != Provenance::AiAgent
                || matches!(h.now, Some((FlowState::Canceled, _)))
            {
                return Standing::Outside;
            }
            let asker = provenance::requester(ix, &cx.signals, i);
            let merged = done_at(h);
            match provenance::review_status(ix, i, asker, merged.unwrap_or(now)) {
                ReviewStatus::Independent { at, .. } => Standing::Met(at),
                _ => Standing::Broken {
                    since: merged.unwrap_or(item.created),
                    figure: 0,
                },
            }
        }
        Rule::MaxWait { reason, hours } => match h.now {
            Some((FlowState::Waiting, Some(r))) if r == *reason => {
                let limit = hours_ms(*hours);
                if now - h.since <= limit {
                    return Standing::Pending(h.since + limit);
                }
                let due = cx.calendars.of(item.team).add(h.since, limit);
                if due < now {
                    Standing::Broken {
                        since: due,
                        figure: 0,
                    }
                } else {
                    Standing::Pending(due)
                }
            }
            _ => Standing::Outside,
        },
        Rule::SecurityReview => match done_at(h) {
            Some(at) if h.security => Standing::Met(at),
            Some(at) => Standing::Broken {
                since: at,
                figure: 0,
            },
            None => Standing::Outside,
        },
        Rule::LinkedWorkItem => match (item.kind, done_at(h)) {
            (ItemKind::PullRequest, Some(at)) if cx.links.traced[i] => Standing::Met(at),
            (ItemKind::PullRequest, Some(at)) => Standing::Broken {
                since: at,
                figure: 0,
            },
            _ => Standing::Outside,
        },
        Rule::DoneWhileBlocking => {
            let (Some(at), Some(blocked)) = (done_at(h), cx.links.blocks.get(&(i as u32))) else {
                return Standing::Outside;
            };
            let open = blocked.iter().find(|(t, _)| {
                !matches!(
                    ix.items[*t as usize].flow,
                    FlowState::Done | FlowState::Canceled
                )
            });
            match open {
                Some(&(t, made)) => Standing::Broken {
                    since: at.max(made),
                    figure: t,
                },
                None => Standing::Met(at),
            }
        }
        Rule::WipLimit { .. } => Standing::Outside,
    }
}

/// The enabled per-item policies (every one but the WIP limit), with their positions.
pub(crate) fn per_item_policies<'c, 'a>(cx: &'c Context<'a>) -> Vec<(u16, &'c Compiled<'a>)> {
    cx.policies
        .iter()
        .enumerate()
        .filter(|(_, c)| c.policy.enabled && !matches!(c.policy.rule, Rule::WipLimit { .. }))
        .map(|(at, c)| (at as u16, c))
        .collect()
}

/// Item `i`'s breaches of the per-item policies as of `now`, added to `out`. Returns the
/// earliest instant from which what it returned may change with no write to the item or to
/// an item linked to it (a review or wait clock running out, a breach of a finished item no
/// longer recent), `i64::MAX` when none.
pub(crate) fn item_breaches(
    cx: &Context<'_>,
    per_item: &[(u16, &Compiled<'_>)],
    i: usize,
    now: i64,
    out: &mut Vec<Breach>,
) -> i64 {
    let ix = cx.ix;
    let mut history: Option<History> = None;
    let mut recheck = i64::MAX;
    for &(at, c) in per_item {
        if !c.covers(ix, i) {
            continue;
        }
        let h = history.get_or_insert_with(|| walk(ix, cx.mapping, i, now, false));
        match standing(cx, &c.policy.rule, i, h, now) {
            Standing::Broken { since, figure } => {
                let lasting = is_open(h) || matches!(c.policy.rule, Rule::DoneWhileBlocking);
                let current = lasting || since >= now - RECENT_MS;
                if current && !lasting {
                    recheck = recheck.min(since.saturating_add(RECENT_MS + 1));
                }
                out.push(Breach {
                    policy: at,
                    item: i as u32,
                    since,
                    current,
                    figure,
                });
            }
            Standing::Pending(from) => recheck = recheck.min(from),
            Standing::Outside | Standing::Met(_) => {}
        }
    }
    recheck
}

/// [`item_breaches`] of item `i` added to `found`, with its recheck instant and how many of
/// them are current.
pub(crate) fn verdict(
    cx: &Context<'_>,
    per_item: &[(u16, &Compiled<'_>)],
    i: usize,
    now: i64,
    found: &mut Vec<Breach>,
) -> (i64, u16) {
    let from = found.len();
    let recheck = item_breaches(cx, per_item, i, now, found);
    (
        recheck,
        found[from..].iter().filter(|b| b.current).count() as u16,
    )
}

/// The per-item policies' verdicts on every item as of `now`: [`item_breaches`] of each item, in
/// item order.
pub(crate) struct EveryItem {
    /// Every breach, in item order.
    pub found: Vec<Breach>,
    /// Each item's instant from which its verdict may change ([`item_breaches`]' answer).
    pub recheck: Vec<i64>,
    /// Each item's current breaches.
    pub current: Vec<u16>,
}

impl EveryItem {
    /// No verdict yet, with room for `items` items'.
    fn with_capacity(items: usize) -> EveryItem {
        EveryItem {
            found: Vec::new(),
            recheck: Vec::with_capacity(items),
            current: Vec::with_capacity(items),
        }
    }
}

/// [`item_breaches`] of every item. The items are cut into consecutive parts, one per core
/// (`flow::engine::threads_for`), each judged on a thread of its own and the parts joined in
/// item order: an item's verdict reads only the context and its own history, so the answer is
/// the one a single pass gives, breach for breach (`tests`).
pub(crate) fn every_item(cx: &Context<'_>, now: i64) -> EveryItem {
    let n = cx.ix.items.len();
    every_item_in_parts(cx, now, crate::flow::engine::threads_for(n))
}

/// [`every_item`] with the items cut into `parts` parts (the first judged on the calling thread).
pub(crate) fn every_item_in_parts(cx: &Context<'_>, now: i64, parts: usize) -> EveryItem {
    let n = cx.ix.items.len();
    let per_item = per_item_policies(cx);
    if per_item.is_empty() {
        return EveryItem {
            found: Vec::new(),
            recheck: vec![i64::MAX; n],
            current: vec![0; n],
        };
    }
    let part = |range: std::ops::Range<usize>| {
        let mut out = EveryItem::with_capacity(range.len());
        for i in range {
            let (recheck, current) = verdict(cx, &per_item, i, now, &mut out.found);
            out.recheck.push(recheck);
            out.current.push(current);
        }
        out
    };
    let mut all = EveryItem::with_capacity(n);
    for next in crate::flow::engine::in_parts(n, parts, "baton-policies", part) {
        all.found.extend(next.found);
        all.recheck.extend(next.recheck);
        all.current.extend(next.current);
    }
    all
}

/// Every breach of the enabled policies as of `now` (current and past ones of open or recently
/// finished items), in item order.
pub(crate) fn breaches(cx: &Context<'_>, now: i64) -> Vec<Breach> {
    let mut out = every_item(cx, now).found;
    for (at, c) in cx.policies.iter().enumerate() {
        if let (true, Rule::WipLimit { limit, .. }) = (c.policy.enabled, &c.policy.rule) {
            wip(cx, c, at as u16, *limit, now, None, &mut out);
        }
    }
    out
}

/// The WIP limit: per team (of `teams`, by position, or every team), the items in progress (or
/// in the raw state) beyond the limit, the latest to enter first; each is a breach since it
/// entered.
pub(crate) fn wip(
    cx: &Context<'_>,
    c: &Compiled<'_>,
    at: u16,
    limit: u32,
    now: i64,
    teams: Option<&[bool]>,
    out: &mut Vec<Breach>,
) {
    let ix = cx.ix;
    let mut by_team: HashMap<u32, Vec<(i64, u32)>> = HashMap::new();
    for (i, item) in ix.items.iter().enumerate() {
        if item.team == NONE
            || teams.is_some_and(|t| !t.get(item.team as usize).copied().unwrap_or(false))
            || !c.covers(ix, i)
        {
            continue;
        }
        let counts = match &c.states {
            Some(states) => states
                .get(item.current_state as usize)
                .copied()
                .unwrap_or(false),
            None => item.flow == FlowState::Active,
        };
        if counts {
            let h = walk(ix, cx.mapping, i, now, false);
            by_team
                .entry(item.team)
                .or_default()
                .push((h.since, i as u32));
        }
    }
    for (_, mut items) in by_team {
        if items.len() <= limit as usize {
            continue;
        }
        items.sort_unstable();
        let count = items.len() as u32;
        for &(since, i) in &items[limit as usize..] {
            out.push(Breach {
                policy: at,
                item: i,
                since,
                current: true,
                figure: count,
            });
        }
    }
}

/// One policy's past compliance over `[from, to)`: the items it concerned and those that met
/// it, with the ones that did not.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Compliance {
    pub policy: u16,
    pub concerned: u32,
    pub met: u32,
    /// (item, when it broke), first ones first.
    pub missed: Vec<(u32, i64)>,
}

/// Past compliance of each enabled per-item policy over `[from, to)`, judged as of `now`. An
/// item counts for a policy when the rule came due in the range: its review clock started
/// (review SLA), it was merged or finished (independent review, linked work item, security
/// review, handoff), a wait started (maximum wait). Items whose clock is still running are
/// left out. The WIP limit is a state of a team, not of items, and is not measured here.
pub(crate) fn compliance(cx: &Context<'_>, from: i64, to: i64, now: i64) -> Vec<Compliance> {
    let ix = cx.ix;
    let mut out: Vec<Compliance> = cx
        .policies
        .iter()
        .enumerate()
        .filter(|(_, c)| c.policy.enabled && !matches!(c.policy.rule, Rule::WipLimit { .. }))
        .map(|(at, _)| Compliance {
            policy: at as u16,
            concerned: 0,
            met: 0,
            missed: Vec::new(),
        })
        .collect();
    // When each item ended (done or canceled), for the handoff policy.
    let mut ended: Vec<Option<i64>> = vec![None; ix.items.len()];
    let mut histories: Vec<Option<History>> = vec![None; ix.items.len()];
    for i in 0..ix.items.len() {
        let covered = out
            .iter()
            .any(|o| cx.policies[o.policy as usize].covers(ix, i));
        let h = walk(ix, cx.mapping, i, now, covered);
        ended[i] = h.ended;
        if covered {
            histories[i] = Some(h);
        }
    }
    let within = |t: i64| t >= from && t < to;
    for o in &mut out {
        let c = &cx.policies[o.policy as usize];
        for (i, h) in histories.iter().enumerate() {
            let Some(h) = h else { continue };
            if !c.covers(ix, i) {
                continue;
            }
            let item = &ix.items[i];
            let verdict: Option<Result<(), i64>> = match &c.policy.rule {
                Rule::MaxWait { reason, hours } => {
                    let cal = cx.calendars.of(item.team);
                    let mut verdict = None;
                    for &(r, start, end) in &h.waits {
                        if r != *reason || !within(start) {
                            continue;
                        }
                        let due = cal.add(start, hours_ms(*hours));
                        if end > due {
                            verdict = Some(Err(due));
                            break;
                        }
                        if end < now || end >= due {
                            verdict.get_or_insert(Ok(()));
                        }
                    }
                    verdict
                }
                Rule::DoneWhileBlocking => match (done_at(h), cx.links.blocks.get(&(i as u32))) {
                    (Some(at), Some(blocked)) if within(at) => {
                        let open = blocked.iter().any(|(t, made)| {
                            *made <= at && ended[*t as usize].is_none_or(|e| e > at)
                        });
                        Some(if open { Err(at) } else { Ok(()) })
                    }
                    _ => None,
                },
                rule => {
                    let due_in_range = match rule {
                        Rule::ReviewSla { .. } => match (h.ready, item.kind) {
                            (Some(t), _) => within(t),
                            (None, ItemKind::PullRequest) => within(item.created),
                            _ => false,
                        },
                        _ => done_at(h).is_some_and(within),
                    };
                    if !due_in_range {
                        None
                    } else {
                        match standing(cx, rule, i, h, now) {
                            Standing::Met(_) => Some(Ok(())),
                            Standing::Broken { since, .. } => Some(Err(since)),
                            Standing::Outside | Standing::Pending(_) => None,
                        }
                    }
                }
            };
            match verdict {
                Some(Ok(())) => {
                    o.concerned += 1;
                    o.met += 1;
                }
                Some(Err(since)) => {
                    o.concerned += 1;
                    o.missed.push((i as u32, since));
                }
                None => {}
            }
        }
        o.missed.sort_by_key(|&(i, t)| (t, i));
    }
    out
}

/// The enabled maximum-wait policies of a set, ready to give deadlines: the Decisions page's due
/// date of a decision or approval a source shows is the first of these it would break.
pub struct WaitLimits<'a> {
    limits: Vec<(Compiled<'a>, WaitReason, i64)>,
    /// The enabled review SLAs (first review within N working hours), for a review asked of
    /// someone ([`WaitLimits::review_due`]).
    review_slas: Vec<(Compiled<'a>, i64)>,
    calendars: Calendars,
}

impl<'a> WaitLimits<'a> {
    pub fn new(ix: &WorkIndex, set: &'a PolicySet) -> CoreResult<WaitLimits<'a>> {
        let limits = set
            .policies
            .iter()
            .filter(|p| p.enabled)
            .filter_map(|p| match &p.rule {
                Rule::MaxWait { reason, hours } => {
                    Some((Compiled::new(ix, p), *reason, hours_ms(*hours)))
                }
                _ => None,
            })
            .collect();
        let review_slas = set
            .policies
            .iter()
            .filter(|p| p.enabled)
            .filter_map(|p| match &p.rule {
                Rule::ReviewSla { hours } => Some((Compiled::new(ix, p), hours_ms(*hours))),
                _ => None,
            })
            .collect();
        Ok(WaitLimits {
            limits,
            review_slas,
            calendars: Calendars::new(ix, set)?,
        })
    }

    /// When a review asked of someone on item `i` at `since` is late: the first of the review
    /// SLAs and the maximum waits for review covering the item, counted from the request in
    /// working time of the item's team's calendar; None when none limits it.
    pub fn review_due(&self, ix: &WorkIndex, i: usize, since: i64) -> Option<i64> {
        let cal = self.calendars.of(ix.items[i].team);
        let sla = self
            .review_slas
            .iter()
            .filter(|(c, _)| c.covers(ix, i))
            .map(|(_, limit)| cal.add(since, *limit))
            .min();
        sla.into_iter()
            .chain(self.due(ix, i, WaitReason::Review, since))
            .min()
    }

    /// When item `i`, waiting for `reason` since `since`, breaks the first maximum-wait policy
    /// that covers it (working time in its team's calendar); None when none limits that wait.
    pub fn due(&self, ix: &WorkIndex, i: usize, reason: WaitReason, since: i64) -> Option<i64> {
        let cal = self.calendars.of(ix.items[i].team);
        self.limits
            .iter()
            .filter(|(c, r, _)| *r == reason && c.covers(ix, i))
            .map(|(_, _, limit)| cal.add(since, *limit))
            .min()
    }

    /// The same for a wait that no item's state shows (a decision asked in Baton): the
    /// calendar of `team` (a position in the index's teams, or [`NONE`]), every policy on
    /// `reason` whatever its scope.
    pub fn due_for_team(&self, team: u32, reason: WaitReason, since: i64) -> Option<i64> {
        let cal = self.calendars.of(team);
        self.limits
            .iter()
            .filter(|(_, r, _)| *r == reason)
            .map(|(_, _, limit)| cal.add(since, *limit))
            .min()
    }
}
