//! The generator itself (see the module above).
//!
//! It runs in phases, each drawing from its own random stream:
//! 1. the organisation: sources, teams, people and bots with their logins, intents, workflow maps;
//! 2. tracker issues: arrival on a weekday-biased calendar, then a walk through the team's
//!    workflow (triage, queue, work, blocked periods, review and rework, security review and
//!    sign-off, cancellation), cut at the end of the history;
//! 3. pull requests: most opened while the issue they implement is in progress; drafts, review
//!    rounds by teammates, merges and abandoned ones; AI agents' and dependency bots' own flows;
//! 4. keys: every item sorted by creation time, then numbered per repository (issues and pull
//!    requests share a sequence), Jira project or Linear team;
//! 5. links: implements, one blocking cycle, blocking chains and scattered blockers (acyclic
//!    otherwise), epics and their children, cross-team duplicates, related items;
//! 6. rows: items, transitions and links as the model types;
//! 7. the cases Triage lists that the simulation does not make (`cases.rs`).
//!
//! Every time is a whole millisecond; nothing reads the clock and no hash map is iterated.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Months};

use super::names::{self, BOTS};
use super::org::{self, Flow, Tracker, GOALS, INITIATIVES, ORG, TEAMS};
use super::rng::Rng;
use super::titles;
use super::{DemoGraph, DemoOptions};
use crate::connectors::github::map::{self, RepoIds};
use crate::connectors::jira::map as jira_map;
use crate::connectors::jira::model as jira_model;
use crate::graph::model::{
    FlowState, Identity, Intent, IntentKind, IntentOrigin, ItemKind, Link, LinkKind, LinkOrigin,
    Person, Provenance, Source, SourceKind, Team, Transition, TransitionKind, WaitReason, WorkItem,
    WorkflowMap,
};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const DAY_F: f64 = DAY as f64;
const HOUR_F: f64 = HOUR as f64;

/// The one title with markup in it, so the UI's "text, never HTML" rule can be seen on demo data.
pub(crate) const HOSTILE_TITLE: &str = "Sanitize <img src=x onerror=alert(1)> in PR descriptions";

/// Source ids.
pub(crate) const SRC_GITHUB: &str = "src-github";
pub(crate) const SRC_JIRA: &str = "src-jira";
pub(crate) const SRC_LINEAR: &str = "src-linear";

/// The story points the Jira mapping would read from a demo issue's "Story Points" field: Jira
/// features, defects, tasks and debt carry them (about one in eight left unestimated, as teams
/// leave some), sized 1-13 from the issue's id (not the generator's random stream, so the rest of
/// the organisation stays the same); other sources and kinds have none.
fn story_points(src: Src, kind: ItemKind, id: &str) -> Option<f64> {
    if src != Src::Jira
        || !matches!(
            kind,
            ItemKind::Feature | ItemKind::Defect | ItemKind::Task | ItemKind::Debt
        )
    {
        return None;
    }
    // FNV-1a of the id.
    let h = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    const SIZES: [f64; 8] = [1.0, 2.0, 2.0, 3.0, 3.0, 5.0, 8.0, 13.0];
    (h % 8 != 0).then(|| SIZES[((h >> 8) % 8) as usize])
}

/// The first instant of the history: midnight UTC, nine calendar months before the day of `end`.
pub(crate) fn window_start(end: i64) -> i64 {
    DateTime::from_timestamp_millis(end)
        .map(|t| t.date_naive())
        .and_then(|d| d.checked_sub_months(Months::new(9)))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(end - 273 * DAY)
}

// ---------------------------------------------------------------------------------------------
// Sources and their states
// ---------------------------------------------------------------------------------------------

/// The three synthetic sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Src {
    GitHub,
    Jira,
    Linear,
}

impl Src {
    fn id(self) -> &'static str {
        match self {
            Src::GitHub => SRC_GITHUB,
            Src::Jira => SRC_JIRA,
            Src::Linear => SRC_LINEAR,
        }
    }

    fn of(tracker: Tracker) -> Src {
        match tracker {
            Tracker::GitHub => Src::GitHub,
            Tracker::Jira => Src::Jira,
            Tracker::Linear => Src::Linear,
        }
    }
}

/// Every raw state the demo uses, by source. Names are spelled as each tool spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    GhBacklog,
    GhReady,
    GhInProgress,
    GhInReview,
    GhDone,
    GhNotPlanned,
    PrDraft,
    PrOpen,
    PrMerged,
    PrClosed,
    JiraBacklog,
    JiraSelected,
    JiraInProgress,
    JiraInReview,
    JiraSecurityReview,
    JiraAwaitingApproval,
    JiraBlocked,
    JiraDone,
    JiraWontDo,
    LinBacklog,
    LinTodo,
    LinInProgress,
    LinInReview,
    LinDone,
    LinCanceled,
    LinDuplicate,
}

impl St {
    const ALL: [St; 26] = [
        St::GhBacklog,
        St::GhReady,
        St::GhInProgress,
        St::GhInReview,
        St::GhDone,
        St::GhNotPlanned,
        St::PrDraft,
        St::PrOpen,
        St::PrMerged,
        St::PrClosed,
        St::JiraBacklog,
        St::JiraSelected,
        St::JiraInProgress,
        St::JiraInReview,
        St::JiraSecurityReview,
        St::JiraAwaitingApproval,
        St::JiraBlocked,
        St::JiraDone,
        St::JiraWontDo,
        St::LinBacklog,
        St::LinTodo,
        St::LinInProgress,
        St::LinInReview,
        St::LinDone,
        St::LinCanceled,
        St::LinDuplicate,
    ];

    fn name(self) -> &'static str {
        match self {
            St::GhBacklog | St::JiraBacklog | St::LinBacklog => "Backlog",
            St::GhReady => "Ready",
            St::GhInProgress => "In progress",
            St::GhInReview => "In review",
            St::GhDone | St::JiraDone | St::LinDone => "Done",
            St::GhNotPlanned => "Closed as not planned",
            St::PrDraft => "draft",
            St::PrOpen => "open",
            St::PrMerged => "merged",
            St::PrClosed => "closed",
            St::JiraSelected => "Selected for Development",
            St::JiraInProgress | St::LinInProgress => "In Progress",
            St::JiraInReview | St::LinInReview => "In Review",
            St::JiraSecurityReview => "Security Review",
            St::JiraAwaitingApproval => "Awaiting Approval",
            St::JiraBlocked => "Blocked",
            St::JiraWontDo => "Won't Do",
            St::LinTodo => "Todo",
            St::LinCanceled => "Canceled",
            St::LinDuplicate => "Duplicate",
        }
    }

    fn source(self) -> Src {
        match self {
            St::GhBacklog
            | St::GhReady
            | St::GhInProgress
            | St::GhInReview
            | St::GhDone
            | St::GhNotPlanned
            | St::PrDraft
            | St::PrOpen
            | St::PrMerged
            | St::PrClosed => Src::GitHub,
            St::JiraBacklog
            | St::JiraSelected
            | St::JiraInProgress
            | St::JiraInReview
            | St::JiraSecurityReview
            | St::JiraAwaitingApproval
            | St::JiraBlocked
            | St::JiraDone
            | St::JiraWontDo => Src::Jira,
            St::LinBacklog
            | St::LinTodo
            | St::LinInProgress
            | St::LinInReview
            | St::LinDone
            | St::LinCanceled
            | St::LinDuplicate => Src::Linear,
        }
    }

    /// What the state means: the inferred workflow map.
    fn flow(self) -> (FlowState, Option<WaitReason>) {
        use FlowState::{Active, Canceled, Done, New, Waiting};
        match self {
            St::GhBacklog | St::JiraBacklog | St::LinBacklog => (New, None),
            St::GhReady | St::JiraSelected | St::LinTodo => (Waiting, Some(WaitReason::Queue)),
            St::GhInProgress | St::JiraInProgress | St::LinInProgress | St::PrDraft => {
                (Active, None)
            }
            St::GhInReview | St::JiraInReview | St::LinInReview | St::PrOpen => {
                (Waiting, Some(WaitReason::Review))
            }
            St::JiraSecurityReview => (Waiting, Some(WaitReason::Security)),
            St::JiraAwaitingApproval => (Waiting, Some(WaitReason::Approval)),
            St::JiraBlocked => (Waiting, Some(WaitReason::Blocked)),
            St::GhDone | St::JiraDone | St::LinDone | St::PrMerged => (Done, None),
            St::GhNotPlanned
            | St::JiraWontDo
            | St::LinCanceled
            | St::LinDuplicate
            | St::PrClosed => (Canceled, None),
        }
    }
}

/// A step of an issue's workflow, whatever its tracker calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Backlog,
    Ready,
    Active,
    Review,
    Security,
    Approval,
    Blocked,
    Done,
    Canceled,
    Duplicate,
}

/// The raw state an issue tracker uses for a stage; `None` when its workflow has no such step.
fn issue_state(src: Src, stage: Stage) -> Option<St> {
    match (src, stage) {
        (Src::GitHub, Stage::Backlog) => Some(St::GhBacklog),
        (Src::GitHub, Stage::Ready) => Some(St::GhReady),
        (Src::GitHub, Stage::Active) => Some(St::GhInProgress),
        (Src::GitHub, Stage::Review) => Some(St::GhInReview),
        (Src::GitHub, Stage::Done) => Some(St::GhDone),
        (Src::GitHub, Stage::Canceled | Stage::Duplicate) => Some(St::GhNotPlanned),
        (Src::Jira, Stage::Backlog) => Some(St::JiraBacklog),
        (Src::Jira, Stage::Ready) => Some(St::JiraSelected),
        (Src::Jira, Stage::Active) => Some(St::JiraInProgress),
        (Src::Jira, Stage::Review) => Some(St::JiraInReview),
        (Src::Jira, Stage::Security) => Some(St::JiraSecurityReview),
        (Src::Jira, Stage::Approval) => Some(St::JiraAwaitingApproval),
        (Src::Jira, Stage::Blocked) => Some(St::JiraBlocked),
        (Src::Jira, Stage::Done) => Some(St::JiraDone),
        (Src::Jira, Stage::Canceled | Stage::Duplicate) => Some(St::JiraWontDo),
        (Src::Linear, Stage::Backlog) => Some(St::LinBacklog),
        (Src::Linear, Stage::Ready) => Some(St::LinTodo),
        (Src::Linear, Stage::Active) => Some(St::LinInProgress),
        (Src::Linear, Stage::Review) => Some(St::LinInReview),
        (Src::Linear, Stage::Done) => Some(St::LinDone),
        (Src::Linear, Stage::Canceled) => Some(St::LinCanceled),
        (Src::Linear, Stage::Duplicate) => Some(St::LinDuplicate),
        _ => None,
    }
}

/// A pull request review verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Approved,
    ChangesRequested,
    Commented,
}

impl Verdict {
    fn name(self) -> &'static str {
        match self {
            Verdict::Approved => "approved",
            Verdict::ChangesRequested => "changes_requested",
            Verdict::Commented => "commented",
        }
    }
}

/// What an event records.
#[derive(Debug, Clone, Copy)]
enum Act {
    State(St),
    Review(Verdict),
}

/// One recorded event of an item, before it becomes a [`Transition`].
#[derive(Debug, Clone, Copy)]
struct Ev {
    at: i64,
    actor: u32,
    act: Act,
}

// ---------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------

/// The history's calendar: when work arrives.
struct Clock {
    start: i64,
    end: i64,
    first_day: i64,
    /// Cumulative arrival weight of each day.
    cdf: Vec<f64>,
}

impl Clock {
    fn new(end: i64) -> Clock {
        let start = window_start(end);
        let first_day = start.div_euclid(DAY);
        let last_day = end.div_euclid(DAY);
        let days = (last_day - first_day + 1).max(1);
        let mut cdf = Vec::with_capacity(days as usize);
        let mut total = 0.0;
        for i in 0..days {
            let day = first_day + i;
            let mut weight = match weekday(day) {
                5 => 0.1,
                6 => 0.06,
                _ => 1.0,
            };
            // A gentle upward trend: the organisation grows over the nine months.
            weight *= 0.9 + 0.2 * (i as f64 / days as f64);
            if is_holiday(day) {
                weight *= 0.3;
            }
            if day == last_day {
                weight *= (end - day * DAY) as f64 / DAY_F;
            }
            total += weight;
            cdf.push(total);
        }
        Clock {
            start,
            end,
            first_day,
            cdf,
        }
    }

    /// A creation time: a weekday-biased day, mostly during working hours.
    fn arrival(&self, rng: &mut Rng, office_hours: bool) -> i64 {
        let total = self.cdf.last().copied().unwrap_or(0.0);
        let x = rng.f64() * total;
        let index = self
            .cdf
            .partition_point(|c| *c <= x)
            .min(self.cdf.len().saturating_sub(1));
        let day = self.first_day + index as i64;
        let hour = if office_hours {
            (13.0 + 2.4 * rng.normal()).clamp(7.0, 21.5)
        } else {
            rng.f64() * 24.0
        };
        let t = day * DAY + (hour * HOUR_F) as i64 + rng.below(60_000) as i64;
        t.clamp(self.start, self.end)
    }
}

/// 0 is Monday (1970-01-01, day 0, was a Thursday).
fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

/// Between Christmas Eve and New Year's Day.
fn is_holiday(day: i64) -> bool {
    DateTime::from_timestamp(day * 86_400, 0)
        .map(|d| (d.month() == 12 && d.day() >= 24) || (d.month() == 1 && d.day() == 1))
        .unwrap_or(false)
}

/// Moves a human's action into working hours (Monday to Friday, 08:00 to 19:00 UTC).
fn working_time(t: i64, rng: &mut Rng) -> i64 {
    let day = t.div_euclid(DAY);
    let in_day = t.rem_euclid(DAY);
    let morning = 8 * HOUR + rng.below(100) as i64 * MINUTE + rng.below(60_000) as i64;
    let wd = weekday(day);
    if wd >= 5 {
        (day + 7 - wd) * DAY + morning
    } else if in_day < 8 * HOUR {
        day * DAY + morning
    } else if in_day > 19 * HOUR {
        let next = if wd == 4 { day + 3 } else { day + 1 };
        next * DAY + morning
    } else {
        t
    }
}

/// An item's history as it is being simulated. Events after the end of the history are dropped
/// (the item stays in the state it had then).
struct Timeline<'a> {
    evs: &'a mut Vec<Ev>,
    end: i64,
    t: i64,
    open: bool,
}

impl Timeline<'_> {
    /// Records an event at the current time; false when the history has ended.
    fn push(&mut self, act: Act, actor: u32) -> bool {
        if self.open && self.t <= self.end {
            self.evs.push(Ev {
                at: self.t,
                actor,
                act,
            });
            true
        } else {
            self.open = false;
            false
        }
    }

    fn state(&mut self, st: St, actor: u32) -> bool {
        self.push(Act::State(st), actor)
    }

    fn review(&mut self, verdict: Verdict, actor: u32) -> bool {
        self.push(Act::Review(verdict), actor)
    }

    /// Moves an issue to a stage, if its tracker has that step.
    fn stage(&mut self, src: Src, stage: Stage, actor: u32) -> bool {
        match issue_state(src, stage) {
            Some(st) => self.state(st, actor),
            None => false,
        }
    }

    /// Lets a log-normal time with the given median (ms) pass, as [`Timeline::wait`].
    fn lag(&mut self, rng: &mut Rng, median: f64, sigma: f64, person: bool) {
        let ms = rng.lognormal(median, sigma);
        self.wait(rng, ms, person);
    }

    /// Lets `ms` pass (at least a minute); a person's next action mostly lands in working hours.
    fn wait(&mut self, rng: &mut Rng, ms: f64, person: bool) {
        self.t += (ms as i64).max(MINUTE);
        if person && rng.chance(0.9) {
            self.t = working_time(self.t, rng);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The organisation
// ---------------------------------------------------------------------------------------------

/// People and their places.
struct Org {
    people: Vec<Person>,
    identities: Vec<Identity>,
    /// Per team: indices into `people`; the first is the team's lead.
    members: Vec<Vec<u32>>,
    /// Per [`names::BOTS`] entry: its index in `people`.
    bots: Vec<u32>,
    /// Every human, for picking someone from anywhere.
    humans: Vec<u32>,
    /// Per team: indices into [`INITIATIVES`] it contributes to.
    initiatives: Vec<Vec<u8>>,
    /// Global repository list: (team, name), and per team the range of its repositories.
    repos: Vec<(usize, &'static str)>,
    team_repos: Vec<std::ops::Range<usize>>,
}

/// How many people a team has for a given amount of work: 8 at the default size, growing slowly.
fn people_per_team(items: usize) -> usize {
    let x = items.max(1) as f64 / 3000.0;
    // x^(3/8) from square roots only, which are exact on every platform.
    let scale = (x * x * x).sqrt().sqrt().sqrt();
    ((8.0 * scale).round() as usize).clamp(4, 60)
}

/// The first candidate not yet taken (then numbered variants of the first), recorded as taken.
fn unique(taken: &mut BTreeSet<String>, candidates: &[String]) -> String {
    for c in candidates {
        if !taken.contains(c) {
            taken.insert(c.clone());
            return c.clone();
        }
    }
    let base = candidates.first().cloned().unwrap_or_default();
    let mut n = 2;
    loop {
        let c = format!("{base}{n}");
        if !taken.contains(&c) {
            taken.insert(c.clone());
            return c;
        }
        n += 1;
    }
}

fn build_org(items: usize, rng: &mut Rng) -> Org {
    let per_team = people_per_team(items);
    let mut people = Vec::with_capacity(TEAMS.len() * per_team + BOTS.len());
    let mut identities = Vec::with_capacity(TEAMS.len() * per_team * 3 + BOTS.len());
    let mut members = Vec::with_capacity(TEAMS.len());
    let mut humans = Vec::with_capacity(TEAMS.len() * per_team);
    let mut names_taken = BTreeSet::new();
    let (mut gh_taken, mut jira_taken, mut linear_taken) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());

    for team in TEAMS {
        let mut list = Vec::with_capacity(per_team);
        for _ in 0..per_team {
            let mut pair = (
                rng.below(names::FIRST_NAMES.len()),
                rng.below(names::LAST_NAMES.len()),
            );
            for _ in 0..500 {
                if !names_taken.contains(&pair) {
                    break;
                }
                pair = (
                    rng.below(names::FIRST_NAMES.len()),
                    rng.below(names::LAST_NAMES.len()),
                );
            }
            names_taken.insert(pair);
            let (first, last) = (names::FIRST_NAMES[pair.0], names::LAST_NAMES[pair.1]);
            let (f, l) = (names::ascii_lower(first), names::ascii_lower(last));
            let initial: String = f.chars().take(1).collect();
            let last_initial: String = l.chars().take(1).collect();
            let gh = unique(
                &mut gh_taken,
                &[
                    format!("{initial}{l}"),
                    format!("{f}{l}"),
                    format!("{f}-{l}"),
                ],
            );
            let jira = unique(&mut jira_taken, &[format!("{f}.{l}")]);
            let linear = unique(
                &mut linear_taken,
                &[f.clone(), format!("{f}.{last_initial}"), format!("{f}{l}")],
            );
            let id = format!("p-{gh}");
            let index = people.len() as u32;
            people.push(Person {
                id: id.clone(),
                display_name: format!("{first} {last}"),
                team_id: Some(format!("team-{}", team.slug)),
                is_bot: false,
            });
            identities.push(Identity {
                source_id: SRC_GITHUB.into(),
                login: gh,
                person_id: id.clone(),
            });
            identities.push(Identity {
                source_id: SRC_JIRA.into(),
                login: jira,
                person_id: id.clone(),
            });
            identities.push(Identity {
                source_id: SRC_LINEAR.into(),
                login: linear,
                person_id: id,
            });
            list.push(index);
            humans.push(index);
        }
        members.push(list);
    }

    let mut bots = Vec::with_capacity(BOTS.len());
    for bot in BOTS {
        let id = format!("bot-{}", bot.key);
        bots.push(people.len() as u32);
        people.push(Person {
            id: id.clone(),
            display_name: bot.display_name.into(),
            team_id: None,
            is_bot: true,
        });
        identities.push(Identity {
            source_id: SRC_GITHUB.into(),
            login: bot.login.into(),
            person_id: id,
        });
    }

    let initiatives = (0..TEAMS.len())
        .map(|t| {
            (0..INITIATIVES.len())
                .filter(|i| INITIATIVES[*i].teams.contains(&t))
                .map(|i| i as u8)
                .collect()
        })
        .collect();
    let mut repos = Vec::new();
    let mut team_repos = Vec::with_capacity(TEAMS.len());
    for (t, team) in TEAMS.iter().enumerate() {
        let from = repos.len();
        repos.extend(team.repos.iter().map(|r| (t, *r)));
        team_repos.push(from..repos.len());
    }
    Org {
        people,
        identities,
        members,
        bots,
        humans,
        initiatives,
        repos,
        team_repos,
    }
}

impl Org {
    /// Someone on the team, busier people more often; the lead (index 0) rarely.
    fn member(&self, team: usize, rng: &mut Rng) -> u32 {
        let list = &self.members[team];
        if list.len() < 2 {
            return list.first().copied().unwrap_or(0);
        }
        let k = list.len() - 1;
        let i = rng.below(k).min(rng.below(k)).max(rng.below(k) / 3);
        if rng.chance(0.05) {
            list[0]
        } else {
            list[1 + i]
        }
    }

    fn lead(&self, team: usize) -> u32 {
        self.members[team].first().copied().unwrap_or(0)
    }

    /// Someone on `team` (or, failing that, anywhere) who is none of `exclude`.
    fn other_than(&self, team: usize, exclude: &[u32], rng: &mut Rng) -> u32 {
        let list = &self.members[team];
        for _ in 0..12 {
            let p = *rng.pick(list);
            if !exclude.contains(&p) {
                return p;
            }
        }
        for _ in 0..64 {
            let p = *rng.pick(&self.humans);
            if !exclude.contains(&p) {
                return p;
            }
        }
        list.first().copied().unwrap_or(0)
    }

    /// A repository of the team; the first (main) one half the time.
    fn repo(&self, team: usize, rng: &mut Rng) -> u16 {
        let range = self.team_repos[team].clone();
        if rng.chance(0.5) {
            range.start as u16
        } else {
            (range.start + rng.below(range.len())) as u16
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Work items
// ---------------------------------------------------------------------------------------------

/// An item before it has a key.
struct Draft {
    team: u8,
    src: Src,
    /// Index into `Org::repos` (GitHub items).
    repo: u16,
    kind: ItemKind,
    created: i64,
    author: u32,
    owner: Option<u32>,
    provenance: Provenance,
    agent: Option<&'static str>,
    confidence: f64,
    intent: Option<u8>,
    priority: Option<&'static str>,
    /// Empty for a pull request whose title is derived from its issue's, once that has a key.
    title: String,
    /// Its events: `evs[ev_start..ev_end]`.
    ev_start: u32,
    ev_end: u32,
    /// For a pull request: the issue it implements (a draft index, then a position).
    implements: Option<u32>,
    /// Generation order, the tie-break when sorting by creation time.
    seq: u32,
    /// Number in its repository, project or team.
    number: u32,
    external_id: String,
}

/// Who acts on an issue.
struct IssueCast {
    author: u32,
    owner: u32,
    lead: u32,
    reviewer: u32,
    security: u32,
}

/// A started issue, for pull requests to attach to.
#[derive(Clone, Copy)]
struct Started {
    draft: u32,
    at: i64,
    /// When its first stretch of work ended (or would have).
    work_end: i64,
}

/// Walks an issue through its team's workflow. Returns (started at, first work stretch end).
fn simulate_issue(
    tl: &mut Timeline,
    rng: &mut Rng,
    src: Src,
    flow: &Flow,
    cast: &IssueCast,
) -> Option<(i64, i64)> {
    tl.stage(src, Stage::Backlog, cast.author);
    let fate = rng.f64();
    if fate < 0.16 {
        // Never triaged: the long tail of the backlog. Some go in a clean-up months later.
        if rng.chance(0.3) {
            tl.lag(rng, 45.0 * DAY_F, 0.7, true);
            tl.stage(src, Stage::Canceled, cast.lead);
        }
        return None;
    }
    tl.lag(rng, flow.triage_days * DAY_F, 1.1, true);
    if fate < 0.22 {
        let stage = if rng.chance(0.3) {
            Stage::Duplicate
        } else {
            Stage::Canceled
        };
        tl.stage(src, stage, cast.lead);
        return None;
    }
    if rng.chance(0.95) {
        tl.stage(src, Stage::Ready, cast.lead);
        if rng.chance(0.15) {
            // Deprioritised, then picked up again.
            tl.lag(rng, 5.0 * DAY_F, 0.8, true);
            tl.stage(src, Stage::Backlog, cast.lead);
            tl.lag(rng, 12.0 * DAY_F, 0.8, true);
            tl.stage(src, Stage::Ready, cast.lead);
        }
        tl.lag(rng, flow.queue_days * DAY_F, 1.0, true);
        if rng.chance(0.03) {
            tl.stage(src, Stage::Canceled, cast.lead);
            return None;
        }
    }
    let started = tl.t;
    if !tl.stage(src, Stage::Active, cast.owner) {
        return None;
    }
    let mut pauses = 0;
    while pauses < 3 && rng.chance(0.4) {
        // Put down for something more urgent, then picked up again.
        tl.lag(rng, 0.5 * DAY_F, 0.8, true);
        tl.stage(src, Stage::Ready, cast.owner);
        tl.lag(rng, 1.5 * DAY_F, 0.9, true);
        tl.stage(src, Stage::Active, cast.owner);
        pauses += 1;
    }
    let mut work_end = None;
    let mut reworks = 0u32;
    let mut work = rng.lognormal(flow.work_days * DAY_F, 0.9);
    loop {
        let damp = 1.0 + f64::from(reworks);
        if src == Src::Jira && rng.chance(1.3 * flow.blocked / damp) {
            let before = work * (0.2 + 0.5 * rng.f64());
            tl.wait(rng, before, true);
            tl.stage(src, Stage::Blocked, cast.owner);
            tl.lag(rng, 3.0 * DAY_F, 0.9, true);
            tl.stage(src, Stage::Active, cast.owner);
            tl.wait(rng, work - before, true);
        } else {
            tl.wait(rng, work, true);
        }
        work_end.get_or_insert(tl.t);
        tl.stage(src, Stage::Review, cast.owner);
        tl.lag(rng, flow.review_days * DAY_F, 1.0, true);
        if reworks < 3 && rng.chance((flow.rework + 0.3) / damp) {
            tl.stage(src, Stage::Active, cast.reviewer);
            reworks += 1;
            work = rng.lognormal(flow.work_days * 0.3 * DAY_F, 0.8);
            continue;
        }
        break;
    }
    let mut closer = cast.owner;
    if rng.chance(flow.security) && tl.stage(src, Stage::Security, cast.owner) {
        tl.lag(rng, flow.security_days * DAY_F, 0.9, true);
        closer = cast.security;
    }
    if rng.chance(flow.approval) && tl.stage(src, Stage::Approval, cast.owner) {
        tl.lag(rng, flow.approval_days * DAY_F, 0.8, true);
        closer = cast.lead;
    }
    if rng.chance(0.02) {
        tl.stage(src, Stage::Canceled, cast.lead);
        return Some((started, work_end.unwrap_or(started + DAY)));
    }
    tl.stage(src, Stage::Done, closer);
    if rng.chance(0.07) {
        // Reopened: it came back from production.
        tl.lag(rng, 6.0 * DAY_F, 1.0, true);
        tl.stage(src, Stage::Active, cast.owner);
        tl.lag(rng, flow.work_days * 0.5 * DAY_F, 0.8, true);
        tl.stage(src, Stage::Review, cast.owner);
        tl.lag(rng, flow.review_days * DAY_F, 1.0, true);
        tl.stage(src, Stage::Done, cast.reviewer);
    }
    Some((started, work_end.unwrap_or(started + DAY)))
}

/// Who made a pull request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PrFlavor {
    Human,
    /// By an AI agent; a human reviews it.
    Ai,
    /// By an AI agent; no human ever reviews it.
    AiUnreviewed,
    Automation,
}

/// Who acts on a pull request.
struct PrCast {
    author: u32,
    /// The human responsible (the author, or who delegated to the agent).
    owner: u32,
    reviewers: [u32; 3],
    /// An AI bot that may leave a comment-review (not the author).
    ai_reviewer: u32,
}

/// Walks a pull request from opening to merge (or not).
fn simulate_pr(tl: &mut Timeline, rng: &mut Rng, flow: &Flow, flavor: PrFlavor, cast: &PrCast) {
    if flavor == PrFlavor::Automation {
        tl.state(St::PrOpen, cast.author);
        let roll = rng.f64();
        if roll < 0.45 {
            tl.lag(rng, 18.0 * HOUR_F, 1.0, true);
            tl.review(Verdict::Approved, cast.reviewers[0]);
            tl.lag(rng, HOUR_F, 1.0, false);
            tl.state(
                St::PrMerged,
                if rng.chance(0.5) {
                    cast.reviewers[0]
                } else {
                    cast.author
                },
            );
        } else if roll < 0.72 {
            tl.lag(rng, 3.0 * HOUR_F, 0.8, false);
            tl.state(St::PrMerged, cast.author);
        } else if roll < 0.9 {
            tl.lag(rng, 6.0 * DAY_F, 0.8, false);
            tl.state(St::PrClosed, cast.author);
        }
        return;
    }
    let person = flavor == PrFlavor::Human;
    let draft = rng.chance(if person { 0.55 } else { 0.65 });
    tl.state(if draft { St::PrDraft } else { St::PrOpen }, cast.author);
    if draft {
        tl.lag(rng, if person { 10.0 } else { 2.0 } * HOUR_F, 1.0, person);
        tl.state(St::PrOpen, cast.author);
    }
    if flavor == PrFlavor::AiUnreviewed {
        if rng.chance(0.4) {
            tl.lag(rng, 20.0 * MINUTE as f64, 0.8, false);
            tl.review(Verdict::Commented, cast.ai_reviewer);
        }
        let roll = rng.f64();
        if roll < 0.5 {
            // Merged by the person who delegated it, with no review at all.
            tl.lag(rng, 20.0 * HOUR_F, 1.0, true);
            tl.state(St::PrMerged, cast.owner);
        } else if roll < 0.75 {
            tl.lag(rng, 6.0 * DAY_F, 0.9, true);
            tl.state(St::PrClosed, cast.owner);
        }
        return;
    }
    let needed = u32::from(flow.approvals);
    let abandon = rng.chance(0.07);
    let mut approvals = 0;
    let mut round = 0usize;
    while round < 6 {
        tl.lag(rng, flow.pr_review_hours * HOUR_F, 1.1, true);
        let mut comments = 0;
        while comments < 4 && rng.chance([0.9, 0.65, 0.45, 0.3][comments]) {
            // Teammates leave comment reviews before the verdict.
            tl.review(
                Verdict::Commented,
                cast.reviewers[(round + comments + 1) % 3],
            );
            tl.lag(rng, 1.5 * HOUR_F, 1.0, true);
            comments += 1;
        }
        if flavor == PrFlavor::Ai && rng.chance(0.3) {
            tl.review(Verdict::Commented, cast.ai_reviewer);
            tl.lag(rng, 30.0 * MINUTE as f64, 0.8, false);
        }
        let p_approve = 0.3 + 0.2 * round as f64;
        let roll = rng.f64();
        let verdict = if roll < p_approve {
            Verdict::Approved
        } else if roll < p_approve + 0.35 {
            Verdict::ChangesRequested
        } else {
            Verdict::Commented
        };
        let reviewer = cast.reviewers[(round + approvals as usize) % 2];
        tl.review(verdict, reviewer);
        round += 1;
        if abandon && rng.chance(0.5) {
            break;
        }
        match verdict {
            Verdict::Approved => {
                approvals += 1;
                if approvals >= needed {
                    break;
                }
            }
            Verdict::ChangesRequested => {
                if rng.chance(0.3) {
                    tl.state(St::PrDraft, cast.author);
                    tl.lag(rng, 8.0 * HOUR_F, 1.0, person);
                    tl.state(St::PrOpen, cast.author);
                } else {
                    tl.lag(rng, 5.0 * HOUR_F, 1.0, person);
                }
            }
            Verdict::Commented => tl.lag(rng, 3.0 * HOUR_F, 1.0, person),
        }
    }
    if abandon {
        tl.lag(rng, 4.0 * DAY_F, 1.0, true);
        tl.state(
            St::PrClosed,
            if rng.chance(0.6) {
                cast.owner
            } else {
                cast.reviewers[0]
            },
        );
        return;
    }
    tl.lag(rng, 2.0 * HOUR_F, 1.0, true);
    tl.state(
        St::PrMerged,
        if rng.chance(0.75) {
            cast.owner
        } else {
            cast.reviewers[0]
        },
    );
}

const ISSUE_KINDS: [ItemKind; 5] = [
    ItemKind::Feature,
    ItemKind::Defect,
    ItemKind::Task,
    ItemKind::Debt,
    ItemKind::Risk,
];

fn priority(src: Src, rng: &mut Rng) -> Option<&'static str> {
    match src {
        Src::Jira => Some(
            ["Highest", "High", "Medium", "Low", "Lowest"]
                [rng.weighted(&[0.05, 0.2, 0.5, 0.2, 0.05])],
        ),
        Src::Linear => Some(
            ["Urgent", "High", "Medium", "Low", "No priority"]
                [rng.weighted(&[0.05, 0.2, 0.35, 0.2, 0.2])],
        ),
        Src::GitHub => {
            if rng.chance(0.5) {
                None
            } else {
                Some(["P0", "P1", "P2"][rng.weighted(&[0.1, 0.4, 0.5])])
            }
        }
    }
}

/// One of the team's initiatives, with probability `p`.
fn maybe_intent(org: &Org, team: usize, p: f64, rng: &mut Rng) -> Option<u8> {
    let list = &org.initiatives[team];
    if list.is_empty() || !rng.chance(p) {
        return None;
    }
    Some(*rng.pick(list))
}

/// Everything generated so far, before keys.
struct Work {
    drafts: Vec<Draft>,
    evs: Vec<Ev>,
}

fn generate_issues(
    n_issues: usize,
    org: &Org,
    clock: &Clock,
    rng: &mut Rng,
    work: &mut Work,
) -> Vec<Vec<Started>> {
    let weights: Vec<f64> = TEAMS.iter().map(|t| t.weight).collect();
    let mut started: Vec<Vec<Started>> = vec![Vec::with_capacity(n_issues / 8); TEAMS.len()];
    for _ in 0..n_issues {
        let team = rng.weighted(&weights);
        let def = &TEAMS[team];
        let src = match def.tracker {
            Tracker::GitHub => Src::GitHub,
            // Bug reports filed straight on a repository by people outside the team.
            other => {
                if rng.chance(0.1) {
                    Src::GitHub
                } else {
                    Src::of(other)
                }
            }
        };
        let repo = org.repo(team, rng);
        let kind_weights: [f64; 5] = if team == org::SECURITY_TEAM {
            [0.2, 0.25, 0.2, 0.1, 0.25]
        } else {
            [0.3, 0.3, 0.2, 0.13, 0.07]
        };
        let kind = ISSUE_KINDS[rng.weighted(&kind_weights)];
        let created = clock.arrival(rng, true);
        let outsider = rng.chance(if src == Src::GitHub && def.tracker != Tracker::GitHub {
            0.6
        } else {
            0.08
        });
        let author = if outsider {
            *rng.pick(&org.humans)
        } else {
            org.member(team, rng)
        };
        let owner = org.member(team, rng);
        let lead = org.lead(team);
        let reviewer = org.other_than(team, &[owner], rng);
        let security = org.member(org::SECURITY_TEAM, rng);
        let (provenance, agent, confidence) = if rng.chance(0.03) {
            (
                Provenance::AiAgent,
                Some(*rng.pick(&["claude", "devin", "cursor"])),
                0.6 + 0.01 * rng.between(0, 15) as f64,
            )
        } else {
            (Provenance::Human, None, 1.0)
        };
        let intent = maybe_intent(org, team, 0.32, rng);
        let focus = intent
            .filter(|_| rng.chance(0.6))
            .map(|i| INITIATIVES[usize::from(i)].themes);
        let title = titles::issue(kind, def.vocab, focus, rng);
        let priority = priority(src, rng);

        let ev_start = work.evs.len() as u32;
        let mut tl = Timeline {
            evs: &mut work.evs,
            end: clock.end,
            t: created,
            open: true,
        };
        let cast = IssueCast {
            author,
            owner,
            lead,
            reviewer,
            security,
        };
        let outcome = simulate_issue(&mut tl, rng, src, &def.flow, &cast);
        let ev_end = work.evs.len() as u32;
        let draft = work.drafts.len() as u32;
        if let Some((at, work_end)) = outcome {
            started[team].push(Started {
                draft,
                at,
                work_end: work_end.min(clock.end),
            });
        }
        // Work nobody has started is mostly unassigned.
        let owner = if outcome.is_some() || rng.chance(0.35) {
            Some(owner)
        } else {
            None
        };
        work.drafts.push(Draft {
            team: team as u8,
            src,
            repo,
            kind,
            created,
            author,
            owner,
            provenance,
            agent,
            confidence,
            intent,
            priority,
            title,
            ev_start,
            ev_end,
            implements: None,
            seq: draft,
            number: 0,
            external_id: String::new(),
        });
    }
    started
}

fn generate_prs(
    n_prs: usize,
    org: &Org,
    clock: &Clock,
    started: &[Vec<Started>],
    rng: &mut Rng,
    work: &mut Work,
) {
    let weights: Vec<f64> = TEAMS.iter().map(|t| t.weight).collect();
    for _ in 0..n_prs {
        let roll = rng.f64();
        let flavor = if roll < 0.067 {
            PrFlavor::Automation
        } else if roll < 0.067 + 0.13 {
            PrFlavor::Ai
        } else if roll < 0.067 + 0.19 {
            PrFlavor::AiUnreviewed
        } else {
            PrFlavor::Human
        };
        let team = rng.weighted(&weights);
        let def = &TEAMS[team];
        let mut repo = org.repo(team, rng);
        let mut implements = None;
        let mut intent = None;
        let created;
        let (author, owner, provenance, agent, confidence, title);
        if flavor == PrFlavor::Automation {
            let bot = if rng.chance(0.55) {
                names::BOT_DEPENDABOT
            } else {
                names::BOT_RENOVATE
            };
            author = org.bots[bot];
            owner = None;
            provenance = Provenance::Automation;
            agent = Some(BOTS[bot].key);
            confidence = 1.0;
            created = clock.arrival(rng, false);
            title = titles::dependency_update(bot == names::BOT_RENOVATE, rng);
        } else {
            let ai = flavor != PrFlavor::Human;
            let p_implements = if ai { 0.85 } else { 0.65 };
            let pool = if rng.chance(0.92) {
                &started[team]
            } else {
                &started[rng.below(TEAMS.len())]
            };
            let issue = if rng.chance(p_implements) && !pool.is_empty() {
                Some(*rng.pick(pool))
            } else {
                None
            };
            match issue {
                Some(s) => {
                    let span = (s.work_end - s.at).max(HOUR) as f64;
                    let t = s.at + (span * (0.1 + 0.8 * rng.f64())) as i64;
                    created = working_time(t, rng).min(clock.end);
                    implements = Some(s.draft);
                    let target = &work.drafts[s.draft as usize];
                    intent = target.intent;
                    // A pull request fixing a GitHub issue of the same team lives in its repository.
                    if target.src == Src::GitHub && usize::from(target.team) == team {
                        repo = target.repo;
                    }
                }
                None => {
                    created = clock.arrival(rng, true);
                    intent = maybe_intent(org, team, 0.25, rng);
                }
            }
            if ai {
                let bot = [
                    names::BOT_COPILOT,
                    names::BOT_CLAUDE,
                    names::BOT_CURSOR,
                    names::BOT_DEVIN,
                ][rng.weighted(&[0.35, 0.3, 0.2, 0.15])];
                let human = org.member(team, rng);
                owner = Some(human);
                agent = Some(BOTS[bot].key);
                // Copilot and Devin always open pull requests as themselves; Claude and Cursor
                // often run on a developer's machine and are recognised by weaker signals.
                let as_bot =
                    matches!(bot, names::BOT_COPILOT | names::BOT_DEVIN) || rng.chance(0.5);
                if as_bot {
                    author = org.bots[bot];
                    confidence = 1.0;
                } else {
                    author = human;
                    // Co-authored-by trailer, "Generated with" footer, branch name, heuristics.
                    confidence = [0.9, 0.8, 0.7, 0.6][rng.weighted(&[0.4, 0.3, 0.2, 0.1])];
                }
                provenance = Provenance::AiAgent;
            } else {
                let human = if rng.chance(0.05) {
                    *rng.pick(&org.humans)
                } else {
                    org.member(team, rng)
                };
                author = human;
                owner = Some(human);
                provenance = Provenance::Human;
                agent = None;
                confidence = 1.0;
            }
            title = if implements.is_some() {
                String::new()
            } else {
                titles::pull_request(def.vocab, ai, rng)
            };
        }

        let human_owner = owner.unwrap_or_else(|| org.member(team, rng));
        let r0 = org.other_than(team, &[author, human_owner], rng);
        let r1 = org.other_than(team, &[author, human_owner, r0], rng);
        let r2 = org.other_than(team, &[author, human_owner, r0, r1], rng);
        let ai_bots =
            [names::BOT_COPILOT, names::BOT_CLAUDE, names::BOT_CURSOR].map(|b| org.bots[b]);
        let pick = rng.below(ai_bots.len());
        let ai_reviewer = if ai_bots[pick] == author {
            ai_bots[(pick + 1) % ai_bots.len()]
        } else {
            ai_bots[pick]
        };
        let cast = PrCast {
            author,
            owner: human_owner,
            reviewers: [r0, r1, r2],
            ai_reviewer,
        };

        let ev_start = work.evs.len() as u32;
        let mut tl = Timeline {
            evs: &mut work.evs,
            end: clock.end,
            t: created,
            open: true,
        };
        simulate_pr(&mut tl, rng, &def.flow, flavor, &cast);
        let ev_end = work.evs.len() as u32;
        let seq = work.drafts.len() as u32;
        work.drafts.push(Draft {
            team: team as u8,
            src: Src::GitHub,
            repo,
            kind: ItemKind::PullRequest,
            created,
            author,
            owner,
            provenance,
            agent,
            confidence,
            intent,
            priority: None,
            title,
            ev_start,
            ev_end,
            implements,
            seq,
            number: 0,
            external_id: String::new(),
        });
    }
}

/// Sorts by creation time and gives every item its number and source id.
fn assign_keys(org: &Org, rng: &mut Rng, work: &mut Work) {
    let mut position = vec![0u32; work.drafts.len()];
    work.drafts.sort_unstable_by_key(|d| (d.created, d.seq));
    for (i, d) in work.drafts.iter().enumerate() {
        position[d.seq as usize] = i as u32;
    }
    for d in &mut work.drafts {
        d.implements = d.implements.map(|old| position[old as usize]);
    }

    // Repositories and projects have a past: numbering starts well above 1.
    let mut repo_next: Vec<u32> = org
        .repos
        .iter()
        .enumerate()
        .map(|(i, _)| rng.between(if i % 3 == 0 { 800 } else { 40 }, 4_000) as u32)
        .collect();
    let mut project_next: Vec<u32> = TEAMS
        .iter()
        .map(|t| if t.tracker == Tracker::Linear { rng.between(60, 900) } else { rng.between(300, 2_500) } as u32)
        .collect();
    let mut jira_id = 10_000 + rng.between(0, 20_000) as u64;
    let mut github_id = 2_100_000_000 + rng.between(0, 50_000_000) as u64;
    for d in &mut work.drafts {
        let team = usize::from(d.team);
        match d.src {
            Src::GitHub => {
                let next = &mut repo_next[usize::from(d.repo)];
                d.number = *next;
                // Items outside the demo (other bots, deleted spam) take numbers too.
                *next += if rng.chance(0.06) { 2 } else { 1 };
                github_id += 1 + rng.below(3_000) as u64;
                d.external_id = github_id.to_string();
            }
            Src::Jira => {
                d.number = project_next[team];
                project_next[team] += 1;
                jira_id += 1 + u64::from(rng.chance(0.2));
                d.external_id = jira_id.to_string();
            }
            Src::Linear => {
                d.number = project_next[team];
                project_next[team] += 1;
                let (a, b) = (rng.next_u64(), rng.next_u64());
                d.external_id = format!(
                    "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                    a >> 32,
                    (a >> 16) & 0xffff,
                    a & 0xfff,
                    0x8000 | ((b >> 48) & 0x3fff),
                    b & 0xffff_ffff_ffff
                );
            }
        }
    }
}

/// The current raw state of each item: its last state event.
fn last_state(evs: &[Ev]) -> Option<St> {
    evs.iter().rev().find_map(|e| match e.act {
        Act::State(st) => Some(st),
        Act::Review(_) => None,
    })
}

// ---------------------------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------------------------

struct LinkDraft {
    from: u32,
    to: u32,
    kind: LinkKind,
    origin: LinkOrigin,
    confidence: f64,
    created: i64,
    removed: Option<i64>,
}

struct Links {
    list: Vec<LinkDraft>,
    seen: HashSet<(u32, u32, u8)>,
    end: i64,
}

impl Links {
    /// Adds a link unless it is a self-link or already there.
    fn add(&mut self, from: u32, to: u32, kind: LinkKind, created: i64) -> Option<&mut LinkDraft> {
        if from == to || !self.seen.insert((from, to, kind as u8)) {
            return None;
        }
        self.list.push(LinkDraft {
            from,
            to,
            kind,
            origin: LinkOrigin::Source,
            confidence: 1.0,
            created: created.min(self.end),
            removed: None,
        });
        self.list.last_mut()
    }

    fn maybe_remove(&mut self, rng: &mut Rng, p: f64) {
        let end = self.end;
        if let Some(link) = self.list.last_mut() {
            if rng.chance(p) {
                link.removed =
                    Some((link.created + rng.lognormal(6.0 * DAY_F, 1.0) as i64).min(end));
            }
        }
    }
}

/// Jira's built-in "Duplicate" link type, as its issue links carry it.
static DUPLICATE_LINK_TYPE: std::sync::LazyLock<jira_model::LinkType> =
    std::sync::LazyLock::new(|| jira_model::LinkType {
        name: "Duplicate".into(),
        inward: Some("is duplicated by".into()),
        outward: Some("duplicates".into()),
    });

/// When a link between two items was made: some time after the later of the two appeared.
fn link_time(drafts: &[Draft], a: u32, b: u32, rng: &mut Rng) -> i64 {
    let later = drafts[a as usize].created.max(drafts[b as usize].created);
    later + rng.lognormal(20.0 * HOUR_F, 1.0) as i64
}

/// Positions (in creation order) of tracker issues, overall and per team.
struct IssueIndex {
    all: Vec<u32>,
    by_team: Vec<Vec<u32>>,
}

fn build_links(work: &mut Work, end: i64, rng: &mut Rng) -> (Vec<LinkDraft>, Option<u32>) {
    let n = work.drafts.len();
    let mut links = Links {
        list: Vec::with_capacity(n * 4 / 5 + 16),
        seen: HashSet::with_capacity(n * 4 / 5 + 16),
        end,
    };
    let mut index = IssueIndex {
        all: Vec::with_capacity(n * 3 / 5),
        by_team: vec![Vec::new(); TEAMS.len()],
    };
    for (i, d) in work.drafts.iter().enumerate() {
        if d.kind != ItemKind::PullRequest {
            index.all.push(i as u32);
            index.by_team[usize::from(d.team)].push(i as u32);
        }
    }
    let flow_now: Vec<Option<FlowState>> = work
        .drafts
        .iter()
        .map(|d| last_state(&work.evs[d.ev_start as usize..d.ev_end as usize]).map(|s| s.flow().0))
        .collect();
    let drafts = &mut work.drafts;

    // The hostile-looking title: an open Security ticket, late enough to be on today's boards.
    let hostile = {
        let sec = &index.by_team[org::SECURITY_TEAM];
        let open = |p: &u32| {
            matches!(
                flow_now[*p as usize],
                Some(FlowState::New | FlowState::Waiting | FlowState::Active)
            )
        };
        sec.iter()
            .rev()
            .copied()
            .find(|p| drafts[*p as usize].src == Src::Jira && open(p))
            .or_else(|| sec.get(sec.len() / 2).copied())
            .or_else(|| index.all.get(index.all.len() / 2).copied())
    };
    if let Some(h) = hostile {
        drafts[h as usize].title = HOSTILE_TITLE.to_owned();
        drafts[h as usize].kind = ItemKind::Defect;
    }

    // Pull requests implement the issues they close.
    for (i, d) in drafts.iter().enumerate() {
        if let Some(issue) = d.implements {
            let created = d.created + rng.between(0, 5) * MINUTE;
            if links
                .add(i as u32, issue, LinkKind::Implements, created)
                .is_some()
            {
                links.maybe_remove(rng, 0.003);
            }
        }
    }

    // Exactly one blocking cycle: four open issues of four teams on three trackers, each waiting
    // on the next. Its items take part in no other blocking link, so no other cycle forms.
    let mut reserved = vec![false; n];
    for team in [0usize, 4, 2, 5] {
        let candidate = index.by_team[team]
            .iter()
            .rev()
            .copied()
            .find(|p| {
                matches!(
                    flow_now[*p as usize],
                    Some(FlowState::Waiting | FlowState::Active)
                ) && Some(*p) != hostile
            })
            .or_else(|| index.by_team[team].last().copied());
        if let Some(p) = candidate {
            reserved[p as usize] = true;
        }
    }
    let cycle: Vec<u32> = (0..n as u32).filter(|p| reserved[*p as usize]).collect();
    if cycle.len() >= 3 {
        for (k, from) in cycle.iter().enumerate() {
            let to = cycle[(k + 1) % cycle.len()];
            let created = link_time(drafts, *from, to, rng);
            links.add(*from, to, LinkKind::Blocks, created);
        }
    }

    // Every other blocking link points forward in creation order, so the rest is acyclic.
    let all = &index.all;
    let forward = |rng: &mut Rng,
                   from_idx: usize,
                   span: usize,
                   other_team: bool,
                   drafts: &[Draft]|
     -> Option<usize> {
        let from_team = drafts[all[from_idx] as usize].team;
        for attempt in 0..12 {
            let j = from_idx + 1 + rng.below(span.max(1));
            let Some(p) = all.get(j) else { continue };
            if reserved[*p as usize] {
                continue;
            }
            if other_team && attempt < 9 && drafts[*p as usize].team == from_team {
                continue;
            }
            return Some(j);
        }
        None
    };
    // Long chains across teams (5 to 7 links).
    let chains = (n / 800).max(3);
    let span = (all.len() / 30).max(4);
    for _ in 0..chains {
        if all.len() < 16 {
            break;
        }
        let mut at = rng.below(all.len() * 2 / 3);
        if reserved[all[at] as usize] {
            continue;
        }
        let length = rng.between(5, 7);
        for _ in 0..length {
            let Some(next) = forward(rng, at, span, true, drafts) else {
                break;
            };
            let created = link_time(drafts, all[at], all[next], rng);
            links.add(all[at], all[next], LinkKind::Blocks, created);
            at = next;
        }
    }
    // Scattered blockers, mostly across teams.
    let scattered = n * 9 / 100;
    let span = (all.len() / 12).max(4);
    for _ in 0..scattered {
        if all.len() < 4 {
            break;
        }
        let at = rng.below(all.len());
        if reserved[all[at] as usize] {
            continue;
        }
        let other_team = rng.chance(0.65);
        if let Some(next) = forward(rng, at, span, other_team, drafts) {
            let created = link_time(drafts, all[at], all[next], rng);
            if links
                .add(all[at], all[next], LinkKind::Blocks, created)
                .is_some()
            {
                links.maybe_remove(rng, 0.005);
            }
        }
    }

    // Epics: some features get children on the same tracker, and pass their initiative down.
    let mut has_parent = vec![false; n];
    let mut is_parent = vec![false; n];
    for team_list in &index.by_team {
        for (k, p) in team_list.iter().enumerate() {
            let parent = *p as usize;
            if drafts[parent].kind != ItemKind::Feature || has_parent[parent] || !rng.chance(0.24) {
                continue;
            }
            let children = rng.between(3, 8);
            for _ in 0..children {
                let Some(c) = team_list.get(k + 1 + rng.below(60)) else {
                    continue;
                };
                let child = *c as usize;
                if has_parent[child] || is_parent[child] || drafts[child].src != drafts[parent].src
                {
                    continue;
                }
                let created = link_time(drafts, parent as u32, child as u32, rng);
                if links
                    .add(parent as u32, child as u32, LinkKind::Parent, created)
                    .is_some()
                {
                    has_parent[child] = true;
                    is_parent[parent] = true;
                    if drafts[parent].intent.is_some() && rng.chance(0.8) {
                        drafts[child].intent = drafts[parent].intent;
                    }
                }
            }
        }
    }

    // Two teams filing the same work: the later one duplicates the earlier one.
    let mut retitled = vec![false; n];
    let duplicates = (n / 300).max(3);
    let span = (all.len() / 40).max(4);
    for _ in 0..duplicates {
        if all.len() < 8 {
            break;
        }
        let at = rng.below(all.len());
        let a = all[at] as usize;
        if Some(a as u32) == hostile || retitled[a] {
            continue;
        }
        let Some(next) = forward(rng, at, span, true, drafts) else {
            continue;
        };
        let b = all[next] as usize;
        if Some(b as u32) == hostile || retitled[b] || drafts[a].team == drafts[b].team {
            continue;
        }
        let title = titles::duplicate_of(
            &drafts[a].title,
            TEAMS[usize::from(drafts[b].team)].name,
            rng,
        );
        drafts[b].title = title;
        drafts[b].kind = drafts[a].kind;
        retitled[a] = true;
        retitled[b] = true;
        let created = link_time(drafts, a as u32, b as u32, rng);
        let inferred = rng.chance(0.6);
        let confidence = 0.7 + 0.01 * rng.between(0, 20) as f64;
        // Within one Jira site the second team links its issue as Jira does ("duplicates"),
        // read by the Jira mapping; across tools the link was inferred.
        let (from, to, at_source) = if drafts[a].src == Src::Jira && drafts[b].src == Src::Jira {
            let (kind, this_first) = jira_map::relation(&DUPLICATE_LINK_TYPE, true);
            debug_assert_eq!(kind, LinkKind::Duplicates);
            if this_first {
                (b, a, true)
            } else {
                (a, b, true)
            }
        } else {
            (b, a, !inferred)
        };
        if let Some(link) = links.add(from as u32, to as u32, LinkKind::Duplicates, created) {
            if !at_source {
                link.origin = LinkOrigin::Inferred;
                link.confidence = confidence;
            }
        }
    }

    // Related work, mostly within a team and close in time.
    let relates = n * 25 / 100;
    for _ in 0..relates {
        if n < 4 {
            break;
        }
        let a = rng.below(n);
        let team = usize::from(drafts[a].team);
        let b = if rng.chance(0.6) {
            let list = &index.by_team[team];
            let here = list.partition_point(|p| (*p as usize) < a);
            let lo = here.saturating_sub(40);
            let hi = (here + 40).min(list.len());
            if hi <= lo {
                continue;
            }
            list[lo + rng.below(hi - lo)] as usize
        } else {
            let lo = a.saturating_sub(n / 20);
            let hi = (a + n / 20).min(n - 1);
            rng.between(lo as i64, hi as i64) as usize
        };
        let (from, to) = if a < b { (a, b) } else { (b, a) };
        let created = link_time(drafts, from as u32, to as u32, rng);
        if links
            .add(from as u32, to as u32, LinkKind::Relates, created)
            .is_some()
        {
            links.maybe_remove(rng, 0.01);
        }
    }

    (links.list, hostile)
}

/// Titles drawn from templates repeat by chance (the same template and words twice); real
/// trackers rarely hold the same title twice unless it is the same work. A repeated tracker
/// title is drawn again from its team's own words (a few tries), so the only repeated work is
/// the duplicates planted on purpose. Linked duplicates (retitled on purpose) keep theirs.
fn distinct_titles(work: &mut Work, hostile: Option<u32>, rng: &mut Rng) {
    let mut seen: HashSet<String> = HashSet::with_capacity(work.drafts.len());
    for i in 0..work.drafts.len() {
        let d = &work.drafts[i];
        if d.kind == ItemKind::PullRequest || d.title.is_empty() || Some(i as u32) == hostile {
            continue;
        }
        let mut title = d.title.to_lowercase();
        let mut tries = 0;
        while seen.contains(&title) && tries < 8 {
            let d = &mut work.drafts[i];
            d.title = titles::issue(d.kind, TEAMS[usize::from(d.team)].vocab, None, rng);
            title = d.title.to_lowercase();
            tries += 1;
        }
        seen.insert(title);
    }
}

/// Work filed twice that nobody linked: a second team, often on another tracker, files what a
/// first team already filed, in its own words, within days. Returns the pairs (earlier, later)
/// as draft positions: what the duplicates engine should find (its ground truth on the demo,
/// with the duplicate links the sources hold).
fn plant_unlinked_duplicates(
    work: &mut Work,
    links: &[LinkDraft],
    hostile: Option<u32>,
    rng: &mut Rng,
) -> Vec<(u32, u32)> {
    let drafts = &mut work.drafts;
    let n = drafts.len();
    let mut taken = vec![false; n];
    for l in links {
        if l.kind == LinkKind::Duplicates || l.kind == LinkKind::Blocks {
            taken[l.from as usize] = true;
            taken[l.to as usize] = true;
        }
    }
    if let Some(h) = hostile {
        taken[h as usize] = true;
    }
    let all: Vec<u32> = (0..n as u32)
        .filter(|i| drafts[*i as usize].kind != ItemKind::PullRequest)
        .collect();
    let mut out = Vec::new();
    if all.len() < 16 {
        return out;
    }
    let wanted = (n / 150).max(4);
    let span = (all.len() / 60).max(4);
    for _ in 0..wanted * 3 {
        if out.len() >= wanted {
            break;
        }
        let at = rng.below(all.len());
        let a = all[at] as usize;
        if taken[a] || drafts[a].title.is_empty() {
            continue;
        }
        // Another team, on another tracker when one is near.
        let mut pick = None;
        for attempt in 0..16 {
            let j = at + 1 + rng.below(span);
            let Some(&b) = all.get(j) else { continue };
            let b = b as usize;
            if taken[b] || drafts[b].team == drafts[a].team {
                continue;
            }
            if attempt < 12 && drafts[b].src == drafts[a].src {
                continue;
            }
            pick = Some(b);
            break;
        }
        let Some(b) = pick else { continue };
        let title = titles::restated(&drafts[a].title, rng);
        drafts[b].title = title;
        if drafts[a].intent.is_some() && rng.chance(0.5) {
            drafts[b].intent = drafts[a].intent;
        }
        taken[a] = true;
        taken[b] = true;
        out.push((a as u32, b as u32));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

fn sources(start: i64, org: &Org) -> Vec<Source> {
    let repos: Vec<String> = org
        .repos
        .iter()
        .map(|(_, r)| format!("{ORG}/{r}"))
        .collect();
    let projects: Vec<&str> = TEAMS
        .iter()
        .filter(|t| t.tracker == Tracker::Jira)
        .map(|t| t.project)
        .collect();
    let linear_teams: Vec<&str> = TEAMS
        .iter()
        .filter(|t| t.tracker == Tracker::Linear)
        .map(|t| t.project)
        .collect();
    let source = |id: &str, kind, name: &str, base_url: String, scope: serde_json::Value| Source {
        id: id.into(),
        kind,
        name: name.into(),
        base_url,
        scope: scope.to_string(),
        secret_ref: None,
        poll_interval_s: 600,
        enabled: true,
        synthetic: true,
        created_at: start,
    };
    vec![
        source(
            SRC_GITHUB,
            SourceKind::Github,
            "Acme GitHub",
            GITHUB_URL.into(),
            serde_json::json!({ "org": ORG, "repos": repos }),
        ),
        source(
            SRC_JIRA,
            SourceKind::Jira,
            "Acme Jira",
            format!("https://{ORG}.atlassian.net"),
            serde_json::json!({
                "site": format!("{ORG}.atlassian.net"),
                "projects": projects,
                "jql": format!("project in ({}) ORDER BY updated", projects.join(", ")),
            }),
        ),
        source(
            SRC_LINEAR,
            SourceKind::Linear,
            "Acme Linear",
            format!("https://linear.app/{ORG}"),
            serde_json::json!({ "workspace": ORG, "teams": linear_teams }),
        ),
    ]
}

fn intents(org: &Org, start: i64, end: i64) -> Vec<Intent> {
    let day_of_end = end.div_euclid(DAY) * DAY;
    let mut out = Vec::with_capacity(GOALS.len() + INITIATIVES.len());
    for (i, g) in GOALS.iter().enumerate() {
        // Goals are the Jira site's initiatives (the level above epics).
        out.push(Intent {
            id: g.id.into(),
            parent_id: None,
            kind: IntentKind::Goal,
            title: g.title.into(),
            description: g.description.into(),
            owner_id: Some(org.people[org.lead(g.owner_team) as usize].id.clone()),
            target_at: Some(day_of_end + g.target_days * DAY),
            created_at: start - (30 - i as i64) * DAY,
            origin: IntentOrigin::Source,
            source_id: Some(SRC_JIRA.into()),
            external_id: Some(format!("{}", 9000 + i)),
            source_key: Some(format!("GOAL-{}", i + 1)),
            url: format!("https://acme.atlassian.net/browse/GOAL-{}", i + 1),
            success_measure: String::new(),
            priority: Some(i as i64 + 1),
            position: i as i64,
            archived_at: None,
        });
    }
    for (i, init) in INITIATIVES.iter().enumerate() {
        let team = init.teams[0];
        let owner = org.members[team]
            .get(1)
            .or(org.members[team].first())
            .copied()
            .unwrap_or(0);
        out.push(Intent {
            id: init.id.into(),
            parent_id: Some(GOALS[init.goal].id.into()),
            kind: IntentKind::Initiative,
            title: init.title.into(),
            description: init.description.into(),
            owner_id: Some(org.people[owner as usize].id.clone()),
            target_at: Some(day_of_end + init.target_days * DAY),
            created_at: start - (20 - i as i64) * DAY,
            // Initiatives are the Jira site's epics, under their goal's initiative; their Jira
            // priority (Highest..Lowest) is the intent's priority.
            origin: IntentOrigin::Source,
            source_id: Some(SRC_JIRA.into()),
            external_id: Some(format!("{}", 9100 + i)),
            source_key: Some(format!("EPIC-{}", i + 1)),
            url: format!("https://acme.atlassian.net/browse/EPIC-{}", i + 1),
            success_measure: String::new(),
            priority: Some((i as i64 * 3) % 5 + 1),
            position: i as i64,
            archived_at: None,
        });
    }
    // Each initiative's GitHub milestone (in its owning team's repository), placed under the
    // initiative in Baton by its owner.
    for (i, init) in INITIATIVES.iter().enumerate() {
        let number = i as i64 + 1;
        out.push(Intent {
            id: milestone_id(init.id),
            parent_id: Some(init.id.into()),
            kind: IntentKind::Milestone,
            title: format!("GitHub: {}", init.title),
            description: String::new(),
            owner_id: None,
            target_at: Some(day_of_end + init.target_days * DAY),
            created_at: start - (20 - i as i64) * DAY,
            origin: IntentOrigin::Source,
            source_id: Some(SRC_GITHUB.into()),
            external_id: Some(format!("{}", 9200 + i)),
            source_key: Some(format!("milestone {number}")),
            url: format!("https://github.com/acme/milestone/{number}"),
            success_measure: String::new(),
            priority: None,
            position: 0,
            archived_at: None,
        });
    }
    out
}

/// The id of an initiative's GitHub milestone.
pub(crate) fn milestone_id(initiative: &str) -> String {
    format!("{initiative}-milestone")
}

fn workflow_maps() -> Vec<WorkflowMap> {
    // A pull request's raw states are its lifecycle's (the GitHub mapping seeds their meanings,
    // see `github::through_the_github_mapping`), not the simulation's.
    let mut maps: Vec<WorkflowMap> = St::ALL
        .iter()
        .filter(|st| !matches!(st, St::PrDraft | St::PrOpen | St::PrMerged | St::PrClosed))
        .map(|st| {
            let (flow_state, wait_reason) = st.flow();
            WorkflowMap {
                source_id: st.source().id().into(),
                team_id: String::new(),
                scope: String::new(),
                item_kind: None,
                raw_state: st.name().into(),
                flow_state,
                wait_reason,
                origin: "inferred".into(),
            }
        })
        .collect();
    // The states the cases phase parks a few items in while they wait for a decision or for
    // another team (what their names infer).
    for (raw_state, reason) in [
        (super::cases::DECISION_STATE, WaitReason::Decision),
        (super::cases::DEPENDENCY_STATE, WaitReason::Dependency),
    ] {
        debug_assert_eq!(
            crate::flow::mapping::infer(raw_state, None),
            Some((FlowState::Waiting, Some(reason)))
        );
        maps.push(WorkflowMap {
            source_id: SRC_JIRA.into(),
            team_id: String::new(),
            scope: String::new(),
            item_kind: None,
            raw_state: raw_state.into(),
            flow_state: FlowState::Waiting,
            wait_reason: Some(reason),
            origin: "inferred".into(),
        });
    }
    maps
}

/// How the GitHub items of each repository are named as they arrive: by the repository's
/// numeric id (`RepoIds::item`, what a real sync keys them by), under the name it had then.
pub(crate) struct GithubNames {
    /// Per repository (as `Org::repos`): its ids under its name now.
    now: Vec<RepoIds>,
    /// The renamed repository ([`org::RENAMED`]): its index, its ids under its name before, and
    /// when it was renamed.
    renamed: Option<(usize, RepoIds, i64)>,
}

impl GithubNames {
    /// The demo's GitHub source's namespace (its base URL is github.com's).
    fn namespace() -> String {
        crate::connectors::namespace(SourceKind::Github, GITHUB_URL)
    }

    fn new(org: &Org, clock: &Clock) -> GithubNames {
        let ns = GithubNames::namespace();
        let ids = |index: usize, name: &str| RepoIds {
            ns: ns.clone(),
            repo_id: org::repo_id(index),
            full_name: format!("{ORG}/{name}"),
        };
        let now: Vec<RepoIds> = org
            .repos
            .iter()
            .enumerate()
            .map(|(i, (_, name))| ids(i, name))
            .collect();
        let when = clock.start + ((clock.end - clock.start) as f64 * org::RENAMED.at) as i64;
        let renamed = org
            .repos
            .iter()
            .position(|(_, name)| *name == org::RENAMED.after)
            .map(|i| (i, ids(i, org::RENAMED.before), when));
        GithubNames { now, renamed }
    }

    /// The ids of repository `index` as an item created at `created` arrived under.
    fn at(&self, index: usize, created: i64) -> &RepoIds {
        match &self.renamed {
            Some((i, before, when)) if *i == index && created < *when => before,
            _ => &self.now[index],
        }
    }

    /// The renamed repository, for the demo's write to adopt as a sync does.
    fn renames(&self) -> Vec<super::RepoRename> {
        self.renamed
            .iter()
            .map(|(i, before, _)| super::RepoRename {
                source_id: SRC_GITHUB.to_owned(),
                repo: self.now[*i].clone(),
                before: before.full_name.clone(),
            })
            .collect()
    }
}

/// The base URL of the demo's GitHub source.
const GITHUB_URL: &str = "https://github.com";

/// Id, key and URL of an item.
fn address(d: &Draft, gh: &GithubNames, title: &str) -> (String, String, String) {
    let mut key = String::with_capacity(40);
    let mut url = String::with_capacity(96);
    match d.src {
        Src::GitHub => {
            let repo = gh.at(usize::from(d.repo), d.created);
            let path = if d.kind == ItemKind::PullRequest {
                "pull"
            } else {
                "issues"
            };
            let number = i64::from(d.number);
            let _ = write!(url, "{GITHUB_URL}/{}/{path}/{number}", repo.full_name);
            // As the mapping names it: the key from the record's URL, the id from the
            // repository's id.
            let key = map::key_for(&url, &repo.full_name, number);
            (repo.item(number), key, url)
        }
        Src::Jira => {
            let _ = write!(key, "{}-{}", TEAMS[usize::from(d.team)].project, d.number);
            let _ = write!(url, "https://{ORG}.atlassian.net/browse/{key}");
            (format!("jira:{key}"), key, url)
        }
        Src::Linear => {
            let _ = write!(key, "{}-{}", TEAMS[usize::from(d.team)].project, d.number);
            let _ = write!(
                url,
                "https://linear.app/{ORG}/issue/{key}/{}",
                titles::slug(title)
            );
            (format!("lin:{key}"), key, url)
        }
    }
}

/// Strings every row refers to, made once.
struct RowNames<'a> {
    event_ids: Vec<String>,
    team_ids: Vec<String>,
    person_ids: Vec<&'a str>,
}

/// Per item, in creation order: what moves into its row.
struct Addresses {
    ids: Vec<String>,
    keys: Vec<String>,
    urls: Vec<String>,
    titles: Vec<String>,
    external_ids: Vec<String>,
}

/// The transition rows of every item.
fn transition_rows(
    drafts: &[Draft],
    evs: &[Ev],
    ids: &[String],
    names: &RowNames,
) -> Vec<Transition> {
    let mut transitions = Vec::with_capacity(evs.len());
    for (d, id) in drafts.iter().zip(ids) {
        let mut current: Option<St> = None;
        for (ev, event_id) in evs[d.ev_start as usize..d.ev_end as usize]
            .iter()
            .zip(&names.event_ids)
        {
            let (kind, from_state, to_state) = match ev.act {
                Act::State(st) => (
                    TransitionKind::State,
                    current.replace(st).map(|c| c.name().to_owned()),
                    st.name(),
                ),
                Act::Review(v) => (TransitionKind::Review, None, v.name()),
            };
            transitions.push(Transition {
                item_id: id.clone(),
                event_id: event_id.clone(),
                kind,
                from_state,
                to_state: to_state.to_owned(),
                at: ev.at,
                actor_id: Some(names.person_ids[ev.actor as usize].to_owned()),
            });
        }
    }
    transitions
}

/// The item rows: current state and dates come from each item's events.
fn item_rows(
    drafts: &[Draft],
    evs: &[Ev],
    addresses: Addresses,
    names: &RowNames,
) -> Vec<WorkItem> {
    let mut items = Vec::with_capacity(drafts.len());
    let Addresses {
        ids,
        keys,
        urls,
        titles,
        external_ids,
    } = addresses;
    let moved = ids
        .into_iter()
        .zip(keys)
        .zip(urls)
        .zip(titles)
        .zip(external_ids);
    for (d, ((((id, key), url), title), external_id)) in drafts.iter().zip(moved) {
        let evs = &evs[d.ev_start as usize..d.ev_end as usize];
        let mut current: Option<St> = None;
        let mut started_at = None;
        let mut done_at = None;
        for ev in evs {
            if let Act::State(st) = ev.act {
                current = Some(st);
                match st.flow().0 {
                    FlowState::Active => {
                        started_at.get_or_insert(ev.at);
                    }
                    FlowState::Done => done_at = Some(ev.at),
                    _ => {}
                }
            }
        }
        let state = current.unwrap_or(match d.src {
            Src::GitHub if d.kind == ItemKind::PullRequest => St::PrOpen,
            Src::GitHub => St::GhBacklog,
            Src::Jira => St::JiraBacklog,
            Src::Linear => St::LinBacklog,
        });
        let (flow_state, wait_reason) = state.flow();
        if flow_state != FlowState::Done {
            done_at = None;
        }
        let id_for_points = id.clone();
        items.push(WorkItem {
            id,
            source_id: d.src.id().into(),
            external_id,
            key,
            url,
            kind: d.kind,
            title,
            team_id: Some(names.team_ids[usize::from(d.team)].clone()),
            owner_id: d.owner.map(|o| names.person_ids[o as usize].to_owned()),
            author_id: Some(names.person_ids[d.author as usize].to_owned()),
            provenance: d.provenance,
            provenance_agent: d.agent.map(str::to_owned),
            provenance_confidence: d.confidence,
            raw_state: state.name().into(),
            flow_state,
            wait_reason,
            // GitHub work serves the initiative's milestone; Jira and Linear work the initiative.
            intent_id: d.intent.map(|i| match d.src {
                Src::GitHub => milestone_id(INITIATIVES[usize::from(i)].id),
                _ => INITIATIVES[usize::from(i)].id.to_owned(),
            }),
            priority: d.priority.map(str::to_owned),
            estimate: story_points(d.src, d.kind, &id_for_points),
            created_at: d.created,
            started_at,
            done_at,
            updated_at: evs.last().map_or(d.created, |e| e.at),
        });
    }
    items
}

/// Generates the organisation described by `options`.
pub fn generate(options: &DemoOptions) -> DemoGraph {
    let n = options.items as usize;
    let seed = options.seed;
    let clock = Clock::new(options.end);
    let org = build_org(n, &mut Rng::stream(seed, 1));

    let n_issues = (n * 55 + 50) / 100;
    let mut work = Work {
        drafts: Vec::with_capacity(n),
        evs: Vec::with_capacity(n * 9),
    };
    let started = generate_issues(n_issues, &org, &clock, &mut Rng::stream(seed, 2), &mut work);
    generate_prs(
        n - n_issues,
        &org,
        &clock,
        &started,
        &mut Rng::stream(seed, 3),
        &mut work,
    );
    assign_keys(&org, &mut Rng::stream(seed, 4), &mut work);
    let (link_drafts, hostile) = build_links(&mut work, clock.end, &mut Rng::stream(seed, 5));
    distinct_titles(&mut work, hostile, &mut Rng::stream(seed, 10));
    let planted =
        plant_unlinked_duplicates(&mut work, &link_drafts, hostile, &mut Rng::stream(seed, 9));

    // Pull requests that implement an issue take their title from it, in their team's style.
    let mut rng = Rng::stream(seed, 6);
    let mut addresses = Addresses {
        ids: Vec::with_capacity(n),
        keys: Vec::with_capacity(n),
        urls: Vec::with_capacity(n),
        titles: Vec::with_capacity(n),
        external_ids: Vec::with_capacity(n),
    };
    let gh = GithubNames::new(&org, &clock);
    for i in 0..work.drafts.len() {
        if let Some(issue) = work.drafts[i]
            .implements
            .filter(|_| work.drafts[i].title.is_empty())
        {
            let target = &work.drafts[issue as usize];
            let (_, issue_key, _) = address(target, &gh, &target.title);
            let title = if Some(issue) == hostile {
                "Escape HTML in pull request descriptions".to_owned()
            } else {
                titles::implementing(
                    &issue_key,
                    &target.title,
                    target.kind,
                    target.src != Src::GitHub,
                    &mut rng,
                )
            };
            work.drafts[i].title = title;
        }
        let d = &work.drafts[i];
        let (id, key, url) = address(d, &gh, &d.title);
        addresses.ids.push(id);
        addresses.keys.push(key);
        addresses.urls.push(url);
    }
    for d in &mut work.drafts {
        addresses.titles.push(std::mem::take(&mut d.title));
        addresses
            .external_ids
            .push(std::mem::take(&mut d.external_id));
    }

    let max_events = work
        .drafts
        .iter()
        .map(|d| (d.ev_end - d.ev_start) as usize)
        .max()
        .unwrap_or(0);
    let names = RowNames {
        event_ids: (1..=max_events).map(|i| format!("e{i}")).collect(),
        team_ids: TEAMS.iter().map(|t| format!("team-{}", t.slug)).collect(),
        person_ids: org.people.iter().map(|p| p.id.as_str()).collect(),
    };
    let ids = addresses.ids.clone();
    let links: Vec<Link> = link_drafts
        .iter()
        .map(|l| Link {
            from_item_id: ids[l.from as usize].clone(),
            to_item_id: ids[l.to as usize].clone(),
            kind: l.kind,
            origin: l.origin,
            confidence: l.confidence,
            created_at: l.created,
            removed_at: l.removed,
            found_in: None,
        })
        .collect();

    // Building rows is mostly allocating strings: items on one thread, transitions on this one.
    // Each builds its whole vector, so the result does not depend on the threads.
    let (drafts, evs, names_ref) = (&work.drafts, &work.evs, &names);
    let (items, transitions) = std::thread::scope(|scope| {
        let items = scope.spawn(move || item_rows(drafts, evs, addresses, names_ref));
        let transitions = transition_rows(drafts, evs, &ids, names_ref);
        (
            items
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            transitions,
        )
    });

    let mut graph = DemoGraph {
        sources: sources(clock.start, &org),
        teams: TEAMS
            .iter()
            .zip(&names.team_ids)
            .map(|(t, id)| Team {
                id: id.clone(),
                name: t.name.into(),
            })
            .collect(),
        intents: intents(&org, clock.start, clock.end),
        workflow_maps: workflow_maps(),
        people: org.people,
        identities: org.identities,
        items,
        transitions,
        links,
        decisions: Vec::new(),
        planted_duplicates: planted
            .iter()
            .map(|(a, b)| (ids[*b as usize].clone(), ids[*a as usize].clone()))
            .collect(),
        paths: Vec::new(),
        owners: Vec::new(),
        descriptions: Vec::new(),
        review_requests: Vec::new(),
        github_renames: gh.renames(),
    };
    // Pull requests arrive as GitHub records and are mapped as a sync maps them.
    super::github::through_the_github_mapping(&mut graph);
    // So do issues, with their Projects status and status labels.
    super::github::through_the_github_issue_mapping(&mut graph);
    // Linear issues arrive as the Linear connector's GraphQL nodes and are mapped as it maps them.
    super::linear::through_the_linear_mapping(&mut graph);
    super::cases::add(&mut graph, seed, clock.end);
    // What pull requests touch and who owns what, as GitHub records through the sync's mapping.
    super::files::add(&mut graph, seed, clock.end);
    // What each item's description says, through its source's mapping.
    super::descriptions::add(&mut graph, seed);
    graph.decisions = super::cases::approvals(&graph, seed, clock.end);
    graph
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    /// 2026-03-31T17:00:00Z.
    const END: i64 = 1_774_976_400_000;

    /// The demo of `items` items (default seed) built into a temporary folder, kept while the
    /// folder is.
    async fn demo_of(items: u32) -> (tempfile::TempDir, crate::graph::Workspace) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary directory: {e}"));
        let path = dir.path().join("demo.baton");
        let ws = super::super::build(&path, &options(items, super::super::DEFAULT_SEED))
            .await
            .unwrap_or_else(|e| panic!("the demo builds: {e}"));
        (dir, ws)
    }

    fn options(items: u32, seed: u64) -> DemoOptions {
        DemoOptions {
            items,
            seed,
            end: END,
        }
    }

    fn default_graph() -> DemoGraph {
        generate(&options(3_000, super::super::DEFAULT_SEED))
    }

    fn ratio(part: usize, whole: usize) -> f64 {
        part as f64 / whole.max(1) as f64
    }

    /// Checks every structural invariant; used on graphs of every size.
    fn check_invariants(g: &DemoGraph, end: i64) {
        let start = window_start(end);
        let sources: BTreeSet<&str> = g.sources.iter().map(|s| s.id.as_str()).collect();
        let teams: BTreeSet<&str> = g.teams.iter().map(|t| t.id.as_str()).collect();
        let people: BTreeMap<&str, &Person> = g.people.iter().map(|p| (p.id.as_str(), p)).collect();
        let intents: BTreeSet<&str> = g.intents.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(people.len(), g.people.len(), "person ids are unique");
        assert_eq!(teams.len(), g.teams.len(), "team ids are unique");
        assert!(
            g.sources.iter().all(|s| s.synthetic),
            "demo sources are marked synthetic, so nothing polls them"
        );

        for p in &g.people {
            assert!(
                p.team_id.as_deref().is_none_or(|t| teams.contains(t)),
                "{} belongs to a real team",
                p.id
            );
            assert_eq!(
                p.is_bot,
                p.team_id.is_none(),
                "bots, and only bots, have no team: {}",
                p.id
            );
        }
        let mut logins = BTreeSet::new();
        for i in &g.identities {
            assert!(
                sources.contains(i.source_id.as_str()),
                "identity {} is on a real source",
                i.login
            );
            assert!(
                people.contains_key(i.person_id.as_str()),
                "identity {} is someone's",
                i.login
            );
            assert!(
                logins.insert((&i.source_id, &i.login)),
                "(source, login) is the identity key: {}",
                i.login
            );
        }
        for i in &g.intents {
            assert!(
                i.parent_id.as_deref().is_none_or(|p| intents.contains(p)),
                "{} has a real parent",
                i.id
            );
            assert!(
                i.owner_id.as_deref().is_none_or(|p| people.contains_key(p)),
                "{} has a real owner",
                i.id
            );
            assert_eq!(
                i.kind == IntentKind::Goal,
                i.parent_id.is_none(),
                "goals, and only they, are at the top: initiatives under a goal, milestones under an initiative"
            );
            let parent_kind = i
                .parent_id
                .as_deref()
                .and_then(|p| g.intents.iter().find(|x| x.id == p))
                .map(|p| p.kind);
            match i.kind {
                IntentKind::Initiative => assert_eq!(parent_kind, Some(IntentKind::Goal)),
                IntentKind::Milestone => assert_eq!(parent_kind, Some(IntentKind::Initiative)),
                IntentKind::Goal => {}
            }
        }

        // What a raw state means for an item of a kind: the kind's own row, else every kind's
        // (an open pull request waits for review; an open issue is not started).
        let rows: BTreeMap<(&str, Option<ItemKind>, &str), crate::flow::mapping::Meaning> = g
            .workflow_maps
            .iter()
            .map(|m| {
                (
                    (m.source_id.as_str(), m.item_kind, m.raw_state.as_str()),
                    (m.flow_state, m.wait_reason),
                )
            })
            .collect();
        let meaning = |source: &str, kind: ItemKind, raw: &str| {
            rows.get(&(source, Some(kind), raw))
                .or_else(|| rows.get(&(source, None, raw)))
                .copied()
        };
        let keyed: BTreeSet<(&str, Option<&str>, &str)> = g
            .workflow_maps
            .iter()
            .map(|m| {
                (
                    m.source_id.as_str(),
                    m.item_kind.map(|k| k.as_str()),
                    m.raw_state.as_str(),
                )
            })
            .collect();
        assert_eq!(
            keyed.len(),
            g.workflow_maps.len(),
            "one map row per (source, kind, raw state)"
        );
        for m in &g.workflow_maps {
            assert!(
                sources.contains(m.source_id.as_str())
                    && m.team_id.is_empty()
                    && m.origin == "inferred"
            );
            assert_eq!(
                m.flow_state == FlowState::Waiting,
                m.wait_reason.is_some(),
                "only waiting states have a reason: {}",
                m.raw_state
            );
        }

        let mut items: BTreeMap<&str, &WorkItem> = BTreeMap::new();
        let mut external = BTreeSet::new();
        for item in &g.items {
            assert!(
                items.insert(item.id.as_str(), item).is_none(),
                "item ids are unique: {}",
                item.id
            );
            assert!(
                external.insert((&item.source_id, &item.external_id)),
                "(source, external id) is unique: {}",
                item.id
            );
            assert!(
                sources.contains(item.source_id.as_str()),
                "{} comes from a real source",
                item.id
            );
            assert!(
                item.team_id.as_deref().is_some_and(|t| teams.contains(t)),
                "{} has a real team",
                item.id
            );
            assert!(
                item.owner_id
                    .as_deref()
                    .is_none_or(|p| people.contains_key(p)),
                "{} has a real owner",
                item.id
            );
            assert!(
                item.author_id
                    .as_deref()
                    .is_some_and(|p| people.contains_key(p)),
                "{} has a real author",
                item.id
            );
            assert!(
                item.intent_id
                    .as_deref()
                    .is_none_or(|i| intents.contains(i)),
                "{} serves a real intent",
                item.id
            );
            assert!(!item.title.is_empty(), "{} has a title", item.id);
            assert!(
                (0.0..=1.0).contains(&item.provenance_confidence),
                "confidence is a probability"
            );
            assert_eq!(
                item.provenance == Provenance::Human,
                item.provenance_agent.is_none(),
                "non-human items name their agent: {}",
                item.id
            );
        }

        let mut by_item: BTreeMap<&str, Vec<&Transition>> = BTreeMap::new();
        let mut events = BTreeSet::new();
        for t in &g.transitions {
            assert!(
                items.contains_key(t.item_id.as_str()),
                "transition of a real item: {}",
                t.item_id
            );
            // GitHub does not say who set a Projects status, nor who made an issue what it is
            // listed as now: those changes of the mapping have no actor.
            let unattributed =
                t.event_id.starts_with("project:") || t.event_id.starts_with("listed:");
            assert!(
                t.actor_id
                    .as_deref()
                    .is_some_and(|a| people.contains_key(a))
                    || (unattributed && t.actor_id.is_none()),
                "transition by a real person: {} {}",
                t.item_id,
                t.event_id
            );
            assert!(
                events.insert((&t.item_id, &t.event_id)),
                "(item, event id) is unique"
            );
            by_item.entry(t.item_id.as_str()).or_default().push(t);
        }
        for item in &g.items {
            let ts = by_item
                .get(item.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            if ts.is_empty() && item.kind == ItemKind::PullRequest {
                // Opened and not touched since: GitHub records no change, so neither does the
                // mapping; it is in the state it was opened in.
                assert!(
                    ["open", "draft"].contains(&item.raw_state.as_str()),
                    "{}",
                    item.id
                );
                assert_eq!(
                    meaning(&item.source_id, item.kind, &item.raw_state),
                    Some((item.flow_state, item.wait_reason))
                );
                continue;
            }
            assert!(
                !ts.is_empty(),
                "every item has at least its creation event: {}",
                item.id
            );
            assert!(
                start <= item.created_at && item.created_at <= end,
                "{} was created inside the window",
                item.id
            );
            assert!(
                item.created_at <= ts[0].at,
                "{} exists before its first transition",
                item.id
            );
            assert!(
                ts.windows(2).all(|w| w[0].at <= w[1].at),
                "{}'s transitions are in time order",
                item.id
            );
            assert!(
                ts.iter().all(|t| t.at <= end),
                "{} has no transition after the end",
                item.id
            );
            let states: Vec<&&Transition> = ts
                .iter()
                .filter(|t| t.kind == TransitionKind::State)
                .collect();
            // A GitHub item's history is its lifecycle (the GitHub mapping's): its first change
            // leaves the state it was opened in; other items' first transition is their first
            // state.
            let mut previous: Option<&str> = if item.source_id == SRC_GITHUB {
                states.first().and_then(|t| t.from_state.as_deref())
            } else {
                None
            };
            for t in &states {
                assert_eq!(
                    t.from_state.as_deref(),
                    previous,
                    "{}: from_state is the previous state",
                    item.id
                );
                assert!(
                    meaning(&item.source_id, item.kind, &t.to_state).is_some()
                        || t.to_state == super::super::cases::UNMAPPED_STATE,
                    "{} state {:?} is mapped (or the one state left unmapped on purpose)",
                    item.id,
                    t.to_state
                );
                previous = Some(t.to_state.as_str());
            }
            let last = states
                .last()
                .map(|t| t.to_state.as_str())
                .unwrap_or_default();
            assert_eq!(
                item.raw_state, last,
                "{}'s current state is its last state transition",
                item.id
            );
            let mapped =
                meaning(&item.source_id, item.kind, last)
                    .or((last == super::super::cases::UNMAPPED_STATE)
                        .then_some((FlowState::New, None)));
            assert_eq!(
                mapped,
                Some((item.flow_state, item.wait_reason)),
                "{}: flow state is the map of the raw state",
                item.id
            );
            let flow_of =
                |t: &&&Transition| meaning(&item.source_id, item.kind, &t.to_state).map(|m| m.0);
            let first_active = states
                .iter()
                .find(|t| flow_of(t) == Some(FlowState::Active))
                .map(|t| t.at);
            // A pull request starts when it is opened, as the GitHub mapping says.
            // A GitHub issue has no start time of its own (`map::map_issue`): the flow engine
            // reads its start from its history.
            let started = if item.kind == ItemKind::PullRequest {
                Some(item.created_at)
            } else if item.source_id == SRC_GITHUB {
                None
            } else {
                first_active
            };
            assert_eq!(
                item.started_at, started,
                "{}: started_at is the first entry into an active state",
                item.id
            );
            // Linear stamps a canceled issue's `canceledAt`, which its mapping reads as the
            // end (`demo::linear`); the others end only when done.
            let ended = item.flow_state == FlowState::Done
                || (item.flow_state == FlowState::Canceled && item.source_id == SRC_LINEAR);
            let done = ended.then(|| states.last().map(|t| t.at)).flatten();
            assert_eq!(
                item.done_at, done,
                "{}: done_at is when it entered done (or, in Linear, canceled)",
                item.id
            );
            assert_eq!(
                Some(item.updated_at),
                ts.last().map(|t| t.at),
                "{}: updated_at is its last transition",
                item.id
            );
            for t in ts.iter().filter(|t| t.kind == TransitionKind::Review) {
                assert!(
                    ["approved", "changes_requested", "commented"].contains(&t.to_state.as_str())
                );
                assert_eq!(
                    item.kind,
                    ItemKind::PullRequest,
                    "only pull requests are reviewed"
                );
                assert_ne!(
                    t.actor_id, item.author_id,
                    "nobody reviews their own pull request: {}",
                    item.id
                );
            }
        }

        let mut edges = BTreeSet::new();
        for l in &g.links {
            assert!(
                items.contains_key(l.from_item_id.as_str())
                    && items.contains_key(l.to_item_id.as_str()),
                "links join real items"
            );
            assert_ne!(l.from_item_id, l.to_item_id, "no self-links");
            assert!(
                edges.insert((&l.from_item_id, &l.to_item_id, l.kind)),
                "(from, to, kind) is unique"
            );
            assert!(
                l.created_at <= end && l.removed_at.is_none_or(|r| l.created_at <= r && r <= end),
                "link times are ordered"
            );
            assert!((0.0..=1.0).contains(&l.confidence));
        }
    }

    /// Strongly connected components with more than one item, over `blocks` links.
    fn blocking_cycles(g: &DemoGraph) -> Vec<Vec<usize>> {
        let index: BTreeMap<&str, usize> = g
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.id.as_str(), i))
            .collect();
        let n = g.items.len();
        let mut out_edges = vec![Vec::new(); n];
        let mut in_edges = vec![Vec::new(); n];
        for l in g.links.iter().filter(|l| l.kind == LinkKind::Blocks) {
            if let (Some(a), Some(b)) = (
                index.get(l.from_item_id.as_str()),
                index.get(l.to_item_id.as_str()),
            ) {
                out_edges[*a].push(*b);
                in_edges[*b].push(*a);
            }
        }
        // Kosaraju: finish order on the graph, then components on the reverse graph.
        let mut seen = vec![false; n];
        let mut order = Vec::with_capacity(n);
        for root in 0..n {
            if seen[root] {
                continue;
            }
            seen[root] = true;
            let mut stack = vec![(root, 0usize)];
            while let Some((v, next)) = stack.pop() {
                if let Some(&w) = out_edges[v].get(next) {
                    stack.push((v, next + 1));
                    if !seen[w] {
                        seen[w] = true;
                        stack.push((w, 0));
                    }
                } else {
                    order.push(v);
                }
            }
        }
        let mut component = vec![usize::MAX; n];
        let mut components = Vec::new();
        for &root in order.iter().rev() {
            if component[root] != usize::MAX {
                continue;
            }
            let id = components.len();
            let mut members = vec![root];
            component[root] = id;
            let mut stack = vec![root];
            while let Some(v) = stack.pop() {
                for &w in &in_edges[v] {
                    if component[w] == usize::MAX {
                        component[w] = id;
                        members.push(w);
                        stack.push(w);
                    }
                }
            }
            components.push(members);
        }
        components.into_iter().filter(|c| c.len() > 1).collect()
    }

    /// The longest path (in links) through `blocks` links that avoid `skip`; None if not acyclic.
    fn longest_blocking_chain(g: &DemoGraph, skip: &BTreeSet<usize>) -> Option<usize> {
        let index: BTreeMap<&str, usize> = g
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.id.as_str(), i))
            .collect();
        let n = g.items.len();
        let mut out_edges = vec![Vec::new(); n];
        let mut indegree = vec![0usize; n];
        for l in g.links.iter().filter(|l| l.kind == LinkKind::Blocks) {
            if let (Some(&a), Some(&b)) = (
                index.get(l.from_item_id.as_str()),
                index.get(l.to_item_id.as_str()),
            ) {
                if !skip.contains(&a) && !skip.contains(&b) {
                    out_edges[a].push(b);
                    indegree[b] += 1;
                }
            }
        }
        let mut queue: Vec<usize> = (0..n).filter(|v| indegree[*v] == 0).collect();
        let mut depth = vec![0usize; n];
        let mut visited = 0;
        while let Some(v) = queue.pop() {
            visited += 1;
            for &w in &out_edges[v] {
                depth[w] = depth[w].max(depth[v] + 1);
                indegree[w] -= 1;
                if indegree[w] == 0 {
                    queue.push(w);
                }
            }
        }
        (visited == n).then(|| depth.into_iter().max().unwrap_or(0))
    }

    #[test]
    fn same_options_give_the_same_graph_and_another_seed_does_not() {
        let a = generate(&options(3_000, 7));
        let b = generate(&options(3_000, 7));
        assert!(a == b, "generate is a pure function of its options");
        let c = generate(&options(3_000, 8));
        assert!(a.items != c.items, "another seed gives another history");
        let d = generate(&DemoOptions {
            end: END + 30 * DAY,
            ..options(3_000, 7)
        });
        assert!(a.items != d.items, "another end date moves the history");
    }

    #[test]
    fn the_default_size_has_the_expected_shape() {
        let g = default_graph();
        let n = g.items.len();
        assert!(
            (2_800..=3_200).contains(&n),
            "about `items` items are generated, got {n}"
        );
        assert_eq!(g.teams.len(), 8, "eight teams");
        assert_eq!(
            g.sources.len(),
            3,
            "a GitHub org, a Jira site and a Linear workspace"
        );
        assert_eq!(
            g.intents
                .iter()
                .filter(|i| i.kind == IntentKind::Goal)
                .count(),
            3,
            "three goals"
        );
        assert_eq!(
            g.intents
                .iter()
                .filter(|i| i.kind == IntentKind::Initiative)
                .count(),
            8,
            "eight initiatives"
        );
        let humans = g.people.iter().filter(|p| !p.is_bot).count();
        assert!(
            (56..=80).contains(&humans),
            "about eight people a team, got {humans}"
        );
        assert!(
            g.people.iter().any(|p| p.id == "bot-copilot")
                && g.people.iter().any(|p| p.id == "bot-dependabot")
        );

        let per_item = ratio(g.transitions.len(), n);
        assert!(
            (6.0..=10.0).contains(&per_item),
            "about eight transitions an item, got {per_item:.2}"
        );
        let links = ratio(g.links.len(), n);
        assert!(
            (0.6..=0.9).contains(&links),
            "about 0.75 links an item, got {links:.2}"
        );

        let prs = g
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::PullRequest)
            .count();
        assert!(
            (0.4..=0.5).contains(&ratio(prs, n)),
            "about 45% pull requests, got {prs}"
        );
        for kind in [
            ItemKind::Feature,
            ItemKind::Defect,
            ItemKind::Task,
            ItemKind::Debt,
            ItemKind::Risk,
        ] {
            let count = g.items.iter().filter(|i| i.kind == kind).count();
            assert!(
                ratio(count, n) > 0.02,
                "every issue kind is well represented: {kind} has {count}"
            );
        }
        for src in [SRC_GITHUB, SRC_JIRA, SRC_LINEAR] {
            let count = g.items.iter().filter(|i| i.source_id == src).count();
            assert!(
                ratio(count, n) > 0.1,
                "every source holds a good share of the work: {src} has {count}"
            );
        }
        let with_intent = g.items.iter().filter(|i| i.intent_id.is_some()).count();
        assert!(
            (0.25..=0.42).contains(&ratio(with_intent, n)),
            "about a third of items serve an initiative, got {with_intent}"
        );
        for state in FlowState::ALL {
            let count = g.items.iter().filter(|i| i.flow_state == *state).count();
            assert!(
                count > 10,
                "items end in every flow state (open work included): {state} has {count}"
            );
        }
        let removed = g.links.iter().filter(|l| l.removed_at.is_some()).count();
        assert!(
            (1..=40).contains(&removed),
            "a handful of links were removed at the source, got {removed}"
        );
        let duplicates = g
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Duplicates)
            .count();
        assert!(
            duplicates >= 3,
            "a few duplicates across teams, got {duplicates}"
        );
    }

    #[test]
    fn every_invariant_holds_at_the_default_size() {
        check_invariants(&default_graph(), END);
    }

    #[test]
    fn small_and_odd_sizes_still_make_a_valid_graph() {
        for items in [0, 1, 7, 60, 400] {
            let g = generate(&options(items, 3));
            assert_eq!(
                g.items.len(),
                items as usize,
                "asking for {items} items gives {items}"
            );
            check_invariants(&g, END);
        }
        // An end at the very start of a day, and one far in the past.
        check_invariants(
            &generate(&DemoOptions {
                items: 500,
                seed: 1,
                end: END - 17 * HOUR,
            }),
            END - 17 * HOUR,
        );
        check_invariants(
            &generate(&DemoOptions {
                items: 500,
                seed: 1,
                end: 946_684_800_000,
            }),
            946_684_800_000,
        );
    }

    #[test]
    fn blocking_links_form_exactly_one_cycle_and_long_chains() {
        let g = default_graph();
        let cycles = blocking_cycles(&g);
        assert_eq!(cycles.len(), 1, "exactly one group of items blocks itself");
        let cycle = &cycles[0];
        assert!(
            (3..=4).contains(&cycle.len()),
            "the cycle has 3 or 4 items, got {}",
            cycle.len()
        );
        let members: BTreeSet<usize> = cycle.iter().copied().collect();
        let ids: BTreeSet<&str> = cycle.iter().map(|i| g.items[*i].id.as_str()).collect();
        let inside = g
            .links
            .iter()
            .filter(|l| {
                l.kind == LinkKind::Blocks
                    && ids.contains(l.from_item_id.as_str())
                    && ids.contains(l.to_item_id.as_str())
            })
            .count();
        assert_eq!(
            inside,
            cycle.len(),
            "the cycle is a simple loop: as many links as items"
        );
        let teams: BTreeSet<_> = cycle.iter().map(|i| g.items[*i].team_id.clone()).collect();
        assert_eq!(
            teams.len(),
            cycle.len(),
            "each item of the cycle belongs to a different team"
        );
        let longest = longest_blocking_chain(&g, &members);
        assert!(
            longest.is_some(),
            "without the cycle, blocking links form no other loop"
        );
        assert!(
            longest.unwrap_or(0) >= 5,
            "some blocking chains are 5 links or longer, got {longest:?}"
        );
        let cross_source = g
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Blocks)
            .any(|l| l.from_item_id.starts_with("gh:") && l.to_item_id.starts_with("jira:"));
        assert!(
            cross_source,
            "some Jira issues are blocked by GitHub issues"
        );
    }

    #[test]
    fn provenance_mixes_people_agents_and_automation() {
        let g = default_graph();
        let n = g.items.len();
        let ai: Vec<&WorkItem> = g
            .items
            .iter()
            .filter(|i| i.provenance == Provenance::AiAgent)
            .collect();
        assert!(
            (0.08..=0.12).contains(&ratio(ai.len(), n)),
            "about 10% of items are by AI agents, got {}",
            ai.len()
        );
        let ai_prs = ai
            .iter()
            .filter(|i| i.kind == ItemKind::PullRequest)
            .count();
        assert!(
            ratio(ai_prs, ai.len()) > 0.7,
            "AI agents mostly open pull requests"
        );
        assert!(
            ai.iter()
                .all(|i| (0.6..=1.0).contains(&i.provenance_confidence)),
            "AI confidence is 0.6 to 1.0"
        );
        let agents: BTreeSet<&str> = ai
            .iter()
            .filter_map(|i| i.provenance_agent.as_deref())
            .collect();
        assert!(
            agents.is_superset(&BTreeSet::from(["copilot", "claude", "cursor", "devin"])),
            "every agent shows up: {agents:?}"
        );
        let automation = g
            .items
            .iter()
            .filter(|i| i.provenance == Provenance::Automation)
            .count();
        assert!(
            (0.02..=0.04).contains(&ratio(automation, n)),
            "about 3% automation, got {automation}"
        );
        let humans_conf = g
            .items
            .iter()
            .filter(|i| i.provenance == Provenance::Human)
            .all(|i| i.provenance_confidence == 1.0);
        assert!(humans_conf, "human provenance is certain");

        let bots: BTreeSet<&str> = g
            .people
            .iter()
            .filter(|p| p.is_bot)
            .map(|p| p.id.as_str())
            .collect();
        let mut human_reviewed = BTreeSet::new();
        for t in g
            .transitions
            .iter()
            .filter(|t| t.kind == TransitionKind::Review)
        {
            if t.actor_id.as_deref().is_some_and(|a| !bots.contains(a)) {
                human_reviewed.insert(t.item_id.as_str());
            }
        }
        let ai_pr_items: Vec<&&WorkItem> = ai
            .iter()
            .filter(|i| i.kind == ItemKind::PullRequest)
            .collect();
        let unreviewed = ai_pr_items
            .iter()
            .filter(|i| !human_reviewed.contains(i.id.as_str()))
            .count();
        assert!(
            unreviewed > 10,
            "some AI pull requests never get a human review, got {unreviewed}"
        );
        assert!(unreviewed < ai_pr_items.len() / 2, "but most do");
        let merged_unreviewed = ai_pr_items
            .iter()
            .filter(|i| i.raw_state == "merged" && !human_reviewed.contains(i.id.as_str()))
            .count();
        assert!(
            merged_unreviewed > 0,
            "some were merged without any human review"
        );
    }

    #[test]
    fn the_hostile_title_appears_exactly_once() {
        let g = default_graph();
        let hostile: Vec<&WorkItem> = g
            .items
            .iter()
            .filter(|i| i.title.contains('<') || i.title.contains('>'))
            .collect();
        assert_eq!(hostile.len(), 1, "exactly one title carries markup");
        assert_eq!(hostile[0].title, HOSTILE_TITLE);
        assert_eq!(
            hostile[0].team_id.as_deref(),
            Some("team-security"),
            "it is a Security ticket"
        );
    }

    #[test]
    fn keys_and_urls_are_shaped_like_the_tools() {
        let g = default_graph();
        let mut numbers: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for item in &g.items {
            match item.source_id.as_str() {
                SRC_GITHUB => {
                    let (repo, number) = item.key.split_once('#').unwrap_or_default();
                    assert!(
                        repo.starts_with("acme/") && number.parse::<u32>().is_ok(),
                        "GitHub key {}",
                        item.key
                    );
                    let path = if item.kind == ItemKind::PullRequest {
                        "pull"
                    } else {
                        "issues"
                    };
                    assert_eq!(
                        item.url,
                        format!("https://github.com/{repo}/{path}/{number}")
                    );
                    // Keyed as a sync keys them: by the repository's numeric id.
                    let name = repo.trim_start_matches("acme/");
                    let name = if name == org::RENAMED.before {
                        org::RENAMED.after
                    } else {
                        name
                    };
                    let index = org::TEAMS
                        .iter()
                        .flat_map(|t| t.repos.iter())
                        .position(|r| *r == name)
                        .unwrap_or_else(|| panic!("{repo} is one of the organisation's"));
                    assert_eq!(
                        item.id,
                        format!("gh:github.com/{}#{number}", org::repo_id(index)),
                        "an item is named by its repository's id, not its name"
                    );
                    assert!(
                        numbers.entry(name).or_default().insert(number),
                        "issues and PRs share one numbering per repository, across its rename"
                    );
                }
                SRC_JIRA => {
                    assert!(item
                        .key
                        .split_once('-')
                        .is_some_and(|(p, n)| p.len() == 3 && n.parse::<u32>().is_ok()));
                    assert_eq!(
                        item.url,
                        format!("https://acme.atlassian.net/browse/{}", item.key)
                    );
                    assert_eq!(item.id, format!("jira:{}", item.key));
                }
                _ => {
                    let prefix = format!("https://linear.app/acme/issue/{}/", item.key);
                    assert!(
                        item.url.starts_with(&prefix) && item.url.len() > prefix.len(),
                        "Linear URL {}",
                        item.url
                    );
                    assert_eq!(item.id, format!("lin:{}", item.key));
                }
            }
        }
        let payments = g
            .items
            .iter()
            .any(|i| i.key.starts_with("acme/payments-api#"));
        assert!(payments, "the payments team has its repository");
        let jira_states: BTreeSet<&str> = g
            .transitions
            .iter()
            .filter(|t| t.item_id.starts_with("jira:"))
            .map(|t| t.to_state.as_str())
            .collect();
        for state in [
            "Selected for Development",
            "Security Review",
            "Awaiting Approval",
            "Blocked",
            "Won't Do",
        ] {
            assert!(
                jira_states.contains(state),
                "Jira work passes through {state}"
            );
        }
    }

    #[test]
    fn payments_is_the_slow_team() {
        let g = default_graph();
        let mut cycle_days: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for item in g.items.iter().filter(|i| i.kind != ItemKind::PullRequest) {
            if let (Some(s), Some(d), Some(team)) =
                (item.started_at, item.done_at, item.team_id.as_deref())
            {
                cycle_days
                    .entry(team)
                    .or_default()
                    .push((d - s) as f64 / DAY_F);
            }
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v.get(v.len() / 2).copied().unwrap_or(0.0)
        };
        let medians: BTreeMap<&str, f64> = cycle_days
            .iter_mut()
            .map(|(t, v)| (*t, median(v)))
            .collect();
        let payments = medians.get("team-payments").copied().unwrap_or(0.0);
        for (team, m) in &medians {
            if *team != "team-payments" {
                assert!(payments > 1.3 * m, "Payments' median cycle time ({payments:.1} d) is clearly above {team}'s ({m:.1} d)");
            }
        }
    }

    #[tokio::test]
    async fn a_renamed_repository_keeps_one_item_per_number_and_its_team() {
        let opts = options(3_000, super::super::DEFAULT_SEED);
        let (_dir, ws) = demo_of(opts.items).await;
        let rows: Vec<(String, String, String, Option<String>, i64)> = sqlx::query_as(
            "SELECT id, key, url, team_id, created_at FROM items WHERE source_id = ?1",
        )
        .bind(SRC_GITHUB)
        .fetch_all(ws.pool())
        .await
        .unwrap_or_else(|e| panic!("the items read: {e}"));
        let mut numbers: BTreeMap<(i64, i64), usize> = BTreeMap::new();
        for (id, key, _, _, _) in &rows {
            let (repo, number) = id
                .strip_prefix("gh:github.com/")
                .and_then(|rest| rest.split_once('#'))
                .and_then(|(r, n)| Some((r.parse::<i64>().ok()?, n.parse::<i64>().ok()?)))
                .unwrap_or_else(|| panic!("{id} ({key}) is keyed by a numeric repository id"));
            *numbers.entry((repo, number)).or_default() += 1;
        }
        assert_eq!(numbers.len(), rows.len());
        assert!(
            numbers.values().all(|&n| n == 1),
            "exactly one item per (repository id, number)"
        );
        let keys: BTreeSet<&str> = rows.iter().map(|r| r.1.as_str()).collect();
        assert_eq!(keys.len(), rows.len(), "no two items share a key");

        let index = org::TEAMS
            .iter()
            .flat_map(|t| t.repos.iter())
            .position(|r| *r == org::RENAMED.after)
            .unwrap_or_else(|| panic!("the renamed repository is the organisation's"));
        let prefix = format!("gh:github.com/{}#", org::repo_id(index));
        let renamed_at = window_start(opts.end)
            + ((opts.end - window_start(opts.end)) as f64 * org::RENAMED.at) as i64;
        let repo: Vec<_> = rows.iter().filter(|r| r.0.starts_with(&prefix)).collect();
        let before: Vec<_> = repo.iter().filter(|r| r.4 < renamed_at).collect();
        let after: Vec<_> = repo.iter().filter(|r| r.4 >= renamed_at).collect();
        assert!(
            before.len() >= 10 && after.len() >= 10,
            "items arrived under both names ({} before the rename, {} after)",
            before.len(),
            after.len()
        );
        let now = format!("acme/{}#", org::RENAMED.after);
        let then = format!("acme/{}", org::RENAMED.before);
        for (id, key, url, team, _) in &repo {
            assert!(
                key.starts_with(&now) && url.contains(&format!("/acme/{}/", org::RENAMED.after)),
                "{id}: its key and URL follow the repository to its new name ({key}, {url})"
            );
            assert_eq!(
                team.as_deref(),
                Some("team-platform"),
                "{id} ({key}) stays the Platform team's, before and after the rename"
            );
        }
        assert!(
            rows.iter().all(|r| !r.1.starts_with(&then)),
            "no item is left under the old name"
        );
        // The old keys still name the items that arrived under them.
        for (id, key, _, _, _) in &before {
            let number = key.rsplit_once('#').map_or("", |(_, n)| n);
            let old = format!("gh:github.com/{then}#{number}");
            let named: Option<(String,)> =
                sqlx::query_as("SELECT item_id FROM item_keys WHERE ref = ?1")
                    .bind(&old)
                    .fetch_optional(ws.pool())
                    .await
                    .unwrap_or_else(|e| panic!("item_keys reads: {e}"));
            assert_eq!(
                named.map(|n| n.0).as_deref(),
                Some(id.as_str()),
                "{old} still names {id}"
            );
        }
        ws.close().await;
    }

    #[tokio::test]
    async fn build_writes_the_demo_and_the_summary_counts_it() {
        let opts = options(3_000, super::super::DEFAULT_SEED);
        let (_dir, ws) = demo_of(opts.items).await;
        let summary = crate::query::workspace_summary(&ws)
            .await
            .unwrap_or_else(|e| panic!("the summary reads: {e}"));
        let g = generate(&opts);
        let t = &summary.totals;
        assert_eq!(
            t.items as usize,
            g.items.len(),
            "every generated item is stored"
        );
        assert_eq!(
            t.transitions as usize,
            g.transitions.len(),
            "every transition is stored (event ids are unique)"
        );
        assert_eq!(
            t.links as usize,
            g.links.len(),
            "every link is stored (no duplicate edges)"
        );
        assert_eq!(t.teams as usize, g.teams.len());
        assert_eq!(t.people as usize, g.people.len());
        assert_eq!(t.sources as usize, g.sources.len());
        assert_eq!(t.intents as usize, g.intents.len());
        let standing_blocks = g
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Blocks && l.removed_at.is_none())
            .count();
        let ix = ws
            .index()
            .await
            .unwrap_or_else(|e| panic!("the index loads: {e}"));
        assert_eq!(ix.standing_blocks_links as usize, standing_blocks);
        assert!(
            t.open_blocking_links > 0 && (t.open_blocking_links as usize) < standing_blocks,
            "open blocking links ({}) leave out the links of finished items ({standing_blocks} stand)",
            t.open_blocking_links
        );
        let ai_prs = g
            .items
            .iter()
            .filter(|i| {
                i.kind == ItemKind::PullRequest
                    && i.provenance == Provenance::AiAgent
                    && i.flow_state != FlowState::Canceled
            })
            .count();
        assert_eq!(
            summary.ai_prs as usize, ai_prs,
            "the summary sees the same AI pull requests (open or merged)"
        );
        assert!(
            summary.ai_prs_without_independent_review > 0,
            "and some of them without an independent review"
        );
        ws.close().await;
    }

    /// `cargo test -p baton-core --release -- --ignored --nocapture two_hundred` prints the timing.
    #[test]
    #[ignore = "large: run in release"]
    #[allow(clippy::print_stderr)]
    fn two_hundred_thousand_items_generate_quickly() {
        let opts = options(200_000, super::super::DEFAULT_SEED);
        let started = std::time::Instant::now();
        let g = generate(&opts);
        let seconds = started.elapsed().as_secs_f64();
        eprintln!(
            "200,000 items: {seconds:.3} s; {} items, {} transitions, {} links, {} people",
            g.items.len(),
            g.transitions.len(),
            g.links.len(),
            g.people.len()
        );
        if !cfg!(debug_assertions) {
            assert!(
                seconds < 3.0,
                "generation takes well under 3 s in release, took {seconds:.2} s"
            );
        }
        let per_item = ratio(g.transitions.len(), g.items.len());
        assert!(
            (6.0..=10.0).contains(&per_item),
            "about eight transitions an item at scale too, got {per_item:.2}"
        );
        assert_eq!(
            blocking_cycles(&g).len(),
            1,
            "still exactly one blocking cycle at scale"
        );
        check_invariants(&g, END);
    }
}
