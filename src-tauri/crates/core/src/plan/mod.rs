//! Plans: forecasts from history (Monte Carlo over daily throughput), with a backtest that says
//! how far to trust them. Definitions in `docs/metrics.md` ("Forecasts").
//!
//! Two methods answer "when will it be done?":
//! - **Throughput** (any filtered set): the set's own daily throughput over the window, drawn
//!   day by day until the open items (or the number asked) are finished.
//! - **Dependencies** (an intent): every open item of the intent and every open item upstream of
//!   it is finished by its own team at that team's pace, never before its blockers; the intent is
//!   done when its last item is.
//!
//! "How many by this date?" always uses the set's throughput.

pub mod compare;
pub mod montecarlo;
pub mod network;
pub mod report;
pub mod scenario;
pub mod session;

use std::collections::{HashMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::demo::rng::Rng;
use crate::deps::graph::{dependencies, slot, Dependency, Facts};
use crate::error::{CoreError, CoreResult};
use crate::flow::{FlowFilter, Mapping, Scope};
use crate::graph::index::WorkIndex;
use crate::graph::model::LinkKind;
use crate::graph::Workspace;
use crate::time::DAY_MS;

use montecarlo::{at_least, nearest_rank, MAX_DAYS};
use network::{Job, Lane};
use scenario::Overlay;

/// The confidence levels every forecast reports.
pub const LEVELS: [u32; 4] = [50, 70, 85, 95];
/// Defaults and bounds of the editable settings.
pub const DEFAULT_WINDOW_DAYS: u32 = 90;
pub const DEFAULT_TRIALS: u32 = 10_000;
pub const DEFAULT_SEED: u32 = 1;
const WINDOW_DAYS: std::ops::RangeInclusive<u32> = 7..=730;
const TRIALS: std::ops::RangeInclusive<u32> = 100..=100_000;
/// Backtest: up to this many past checks, each over a horizon of 7 to 90 days, with this many
/// trials each.
const BACKTEST_CHECKS: u32 = 8;
const BACKTEST_MAX_HORIZON: u32 = 90;
const BACKTEST_TRIALS: u32 = 2_000;
/// The most bars a histogram has (wider ranges are binned).
const HISTOGRAM_BARS: u32 = 60;

/// The question a forecast answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Question {
    /// When will the set's open items be done (or `items` of them, when given)?
    When { items: Option<u32> },
    /// How many items will be done from the forecast's first day to `date` (`YYYY-MM-DD`,
    /// included)?
    HowMany { date: String },
}

impl Default for Question {
    fn default() -> Question {
        Question::When { items: None }
    }
}

/// What to forecast, from which history, with which simulation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct ForecastSpec {
    /// The set of items (teams, sources, kinds, provenance, intents) and the time zone. The
    /// forecast starts the day after the filter's range ends (today when the range ends today:
    /// today's finishes so far are not history yet).
    pub filter: FlowFilter,
    /// An intent id: forecast its open items through the dependency graph, each team at its own
    /// pace. The filter's slice is then not used (its range end and time zone are).
    pub intent: Option<String>,
    pub question: Question,
    /// Days of history whose daily throughput is drawn from (default 90, 7 to 730).
    pub window_days: Option<u32>,
    /// Simulated futures (default 10,000, 100 to 100,000).
    pub trials: Option<u32>,
    /// The random seed (default 1): the same seed gives the same forecast.
    pub seed: Option<u32>,
}

/// How the forecast was simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ForecastMethod {
    Throughput,
    Dependencies,
}

/// One confidence level of the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ForecastLevel {
    /// 50, 70, 85 or 95: the share of trials that did at least as well.
    pub confidence: u32,
    /// "When": days from the first forecast day (1 = during that day), None beyond ten years.
    pub days: Option<u32>,
    /// "When": the day the last item is done (`YYYY-MM-DD`).
    pub date: Option<String>,
    /// "How many": at least this many items.
    pub items: Option<u32>,
}

/// One bar of the histogram of outcomes: trials whose outcome (days or items) is in
/// `from..=to`.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HistogramBar {
    pub from: u32,
    pub to: u32,
    pub trials: u32,
}

/// One past check of the backtest: what the forecast would have said on `date` about the next
/// `horizon_days`, and what happened.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BacktestCheck {
    pub date: String,
    /// At least this many items, at 50% and 85% confidence.
    pub p50: u32,
    pub p85: u32,
    /// Items actually finished in those days.
    pub actual: u32,
}

/// How the same method did on the set's own past.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Backtest {
    pub horizon_days: u32,
    pub window_days: u32,
    pub checks: Vec<BacktestCheck>,
    /// Checks where at least the 85% (50%) figure was finished.
    pub held_p85: u32,
    pub held_p50: u32,
}

/// A team's part in a dependency-aware forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamPace {
    pub team: String,
    /// Open items it must finish (of the intent, and upstream of it).
    pub items: u32,
    pub upstream_items: u32,
    /// Items of the intent it finished in the window (None when it has no open item of the
    /// intent): its pace on the intent's items.
    pub finished_of_intent: Option<u32>,
    /// Items it finished in the window, all work: its pace on upstream items, and on the
    /// intent's when `whole_team_pace`.
    pub finished_all: u32,
    /// It finished nothing of the intent in the window, so its whole pace is used for the
    /// intent's items too (optimistic when it shares its time with other work).
    pub whole_team_pace: bool,
}

/// A forecast and everything needed to read it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Forecast {
    pub question: Question,
    pub method: ForecastMethod,
    /// What was forecast, in words ("Payments", "the intent Faster refunds", "all work").
    pub label: String,
    /// The first forecast day (`YYYY-MM-DD`).
    pub start: String,
    /// The history window: first and last day, and its length.
    pub window_from: String,
    pub window_to: String,
    pub window_days: u32,
    pub trials: u32,
    pub seed: u32,
    /// Items of the set finished in the window, and on how many of its days.
    pub history_finished: u32,
    pub history_days_with_finish: u32,
    /// "When": the items to finish (open items of the set, or the number asked).
    pub items: u32,
    /// "How many": days from the first forecast day to the date, included.
    pub horizon_days: u32,
    pub levels: Vec<ForecastLevel>,
    pub histogram: Vec<HistogramBar>,
    /// Trials that did not finish within ten years.
    pub beyond_limit: u32,
    pub backtest: Option<Backtest>,
    /// Dependencies method: each team's part, open items upstream of the intent, and items
    /// whose dependencies form a cycle (their order is unknown; links inside the cycle are
    /// ignored).
    pub teams: Vec<TeamPace>,
    pub upstream_items: u32,
    pub items_in_cycles: u32,
    /// Why a figure is missing or how to read it, in plain words.
    pub notes: Vec<String>,
}

fn day_label(t: i64, offset_ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(t + offset_ms)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn checked(
    value: Option<u32>,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
    what: &str,
) -> CoreResult<u32> {
    let v = value.unwrap_or(default);
    if range.contains(&v) {
        Ok(v)
    } else {
        Err(CoreError::Invalid(format!(
            "{what} must be between {} and {}, not {v}",
            range.start(),
            range.end()
        )))
    }
}

/// The histogram of outcomes (`None` = beyond the limit, left out), in at most
/// [`HISTOGRAM_BARS`] bars of equal width from the least outcome to the greatest: a width no
/// trial landed in is a bar of 0 trials, so the bars stand on an even scale (a chart of them
/// never puts 29 days next to 32).
fn histogram(sorted: &[u32]) -> Vec<HistogramBar> {
    let (Some(lo), Some(hi)) = (sorted.first().copied(), sorted.last().copied()) else {
        return Vec::new();
    };
    let width = (hi - lo) / HISTOGRAM_BARS + 1;
    let mut bars: Vec<HistogramBar> = (0..=(hi - lo) / width)
        .map(|at| HistogramBar {
            from: lo + at * width,
            to: lo + at * width + width - 1,
            trials: 0,
        })
        .collect();
    for v in sorted {
        if let Some(bar) = bars.get_mut(((v - lo) / width) as usize) {
            bar.trials += 1;
        }
    }
    bars
}

/// The days of each trial turned into the levels, the histogram and the trials beyond the limit.
fn days_answer(
    trials: Vec<Option<u32>>,
    start: i64,
    offset_ms: i64,
) -> (Vec<ForecastLevel>, Vec<HistogramBar>, u32) {
    let beyond = trials.iter().filter(|d| d.is_none()).count() as u32;
    // Beyond the limit sorts last: a level that lands there has no date.
    let mut all: Vec<u32> = trials.iter().map(|d| d.unwrap_or(u32::MAX)).collect();
    all.sort_unstable();
    let levels = LEVELS
        .iter()
        .map(|c| {
            let days = nearest_rank(&all, f64::from(*c)).filter(|d| *d != u32::MAX);
            ForecastLevel {
                confidence: *c,
                days,
                date: days
                    .filter(|d| *d > 0)
                    .map(|d| day_label(start + i64::from(d - 1) * DAY_MS, offset_ms)),
                items: None,
            }
        })
        .collect();
    let finite: Vec<u32> = all.into_iter().filter(|d| *d != u32::MAX).collect();
    (levels, histogram(&finite), beyond)
}

fn items_answer(mut trials: Vec<u32>) -> (Vec<ForecastLevel>, Vec<HistogramBar>) {
    trials.sort_unstable();
    let levels = LEVELS
        .iter()
        .map(|c| ForecastLevel {
            confidence: *c,
            days: None,
            date: None,
            items: at_least(&trials, f64::from(*c)),
        })
        .collect();
    (levels, histogram(&trials))
}

/// What every forecast made at one moment shares: where it starts, each item's facts over the
/// history it may draw from, and the dependencies standing then. Built once; scenarios and the
/// comparison evaluate many forecasts over it. It only reads the index.
pub(crate) struct Prepared {
    /// The filter's set (range end, time zone).
    pub set: Scope,
    /// The first forecast day.
    pub start: i64,
    /// Days of history drawn from.
    pub window: u32,
    /// Days of history gathered (the window and the backtest's).
    pub span: u32,
    pub history_from: i64,
    pub facts: Facts,
}

impl Prepared {
    /// `every_item`: gather the facts of every item (an intent's forecast follows dependencies
    /// into other teams' work); otherwise only of the filter's set (a throughput forecast reads
    /// nothing else, and a team's items are a fraction of the index).
    pub(crate) fn new(
        ix: &WorkIndex,
        mapping: &Mapping,
        filter: &FlowFilter,
        window: u32,
        now: i64,
        every_item: bool,
    ) -> CoreResult<Prepared> {
        let set = Scope::resolve(ix, filter, now)?;
        let last_day = set.from + (set.days as i64 - 1) * DAY_MS;
        let start = if set.as_of < last_day + DAY_MS {
            last_day
        } else {
            last_day + DAY_MS
        };
        // Every item's timeline at the range end, over enough days for the window and the
        // backtest.
        let span = window + BACKTEST_CHECKS * BACKTEST_MAX_HORIZON;
        let mut wide = if every_item {
            Scope::resolve(
                ix,
                // The same range, rule and time zone over every item (upstream work of other
                // teams).
                &FlowFilter {
                    teams: Vec::new(),
                    sources: Vec::new(),
                    kinds: Vec::new(),
                    provenances: Vec::new(),
                    intents: Vec::new(),
                    ..filter.clone()
                },
                now,
            )?
        } else {
            set.clone()
        };
        wide.from = start - i64::from(span) * DAY_MS;
        wide.days = (span + 1) as usize;
        let facts = Facts::gather(ix, mapping, &wide);
        Ok(Prepared {
            set,
            start,
            window,
            span,
            history_from: wide.from,
            facts,
        })
    }

    /// Whether the item existed at the forecast's moment.
    pub(crate) fn exists(&self, ix: &WorkIndex, i: usize) -> bool {
        ix.items[i].created < self.set.as_of
    }

    /// Whether the item existed and was neither done nor canceled.
    pub(crate) fn open(&self, ix: &WorkIndex, i: usize) -> bool {
        self.exists(ix, i) && !self.facts.closed(i as u32)
    }

    /// Daily finishes of the items `keep` selects over the whole span (oldest day first).
    fn daily(&self, keep: &dyn Fn(usize) -> bool) -> Vec<u32> {
        let mut counts = vec![0u32; self.span as usize];
        for (i, finish) in self.facts.finish.iter().enumerate() {
            let Some(f) = finish else { continue };
            if *f < self.history_from || *f >= self.start || !keep(i) {
                continue;
            }
            counts[((f - self.history_from) / DAY_MS) as usize] += 1;
        }
        counts
    }

    /// The dependencies the intent forecasts follow, standing at the forecast's moment.
    pub(crate) fn dependencies(&self, ix: &WorkIndex) -> Vec<Dependency> {
        dependencies(
            ix,
            self.set.as_of,
            &[LinkKind::Blocks, LinkKind::Parent, LinkKind::Implements],
        )
        .0
    }
}

/// The standing dependencies between items open at the forecast's moment, as each open item's
/// open blockers (in the order of the dependencies, each once). Built in one pass over the
/// dependencies; every intent and scenario then follows only the items its network reaches.
pub(crate) struct OpenBlockers {
    offsets: Vec<u32>,
    list: Vec<u32>,
}

impl OpenBlockers {
    pub(crate) fn new(ix: &WorkIndex, prep: &Prepared, deps: &[Dependency]) -> OpenBlockers {
        let n = ix.items.len();
        let mut pairs: Vec<(u32, u32)> = deps
            .iter()
            .filter(|d| {
                d.before != d.after
                    && (d.before as usize) < n
                    && (d.after as usize) < n
                    && prep.open(ix, d.before as usize)
                    && prep.open(ix, d.after as usize)
            })
            .map(|d| (d.after, d.before))
            .collect();
        // Stable: each item's blockers stay in the order of the dependencies.
        pairs.sort_by_key(|p| p.0);
        let mut offsets = vec![0u32; n + 1];
        let mut list: Vec<u32> = Vec::with_capacity(pairs.len());
        let mut at = 0;
        for (a, end) in offsets.iter_mut().skip(1).enumerate() {
            let row = list.len();
            while at < pairs.len() && pairs[at].0 as usize == a {
                let b = pairs[at].1;
                if !list[row..].contains(&b) {
                    list.push(b);
                }
                at += 1;
            }
            *end = list.len() as u32;
        }
        OpenBlockers { offsets, list }
    }

    /// The open blockers of item `i`.
    fn of(&self, i: usize) -> &[u32] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(a), Some(b)) => &self.list[*a as usize..*b as usize],
            _ => &[],
        }
    }
}

/// What every intent forecast made at one moment shares, built once: the open blockers, each
/// team's daily finishes in the window (slot per team, the last for no team), the items finished
/// in the window and the open items, each by intent. An intent's inputs are then read from these
/// lists instead of from the whole index.
pub(crate) struct IntentShared {
    pub blockers: OpenBlockers,
    pub whole: Vec<Vec<u32>>,
    /// Items finished in the window, by intent position (the last for no intent).
    finished_by_intent: Vec<Vec<u32>>,
    /// Open items, by intent position (the last for no intent), in index order.
    open_by_intent: Vec<Vec<u32>>,
}

/// One intent's part of [`IntentShared`].
pub(crate) struct IntentOwn {
    pub within: Vec<bool>,
    pub of_intent: Vec<Vec<u32>>,
    /// The intent's open items (its tree's), in index order.
    pub open_items: Vec<u32>,
}

impl IntentShared {
    pub(crate) fn new(ix: &WorkIndex, prep: &Prepared) -> IntentShared {
        let deps = prep.dependencies(ix);
        let blockers = OpenBlockers::new(ix, prep, &deps);
        let window_from = prep.start - i64::from(prep.window) * DAY_MS;
        let slots = ix.teams.len() + 1;
        let intents = ix.intents.len() + 1;
        let bucket = |i: usize| (ix.items[i].intent as usize).min(intents - 1);
        let mut whole = vec![vec![0u32; prep.window as usize]; slots];
        let mut finished_by_intent = vec![Vec::new(); intents];
        let mut open_by_intent = vec![Vec::new(); intents];
        for (i, finish) in prep.facts.finish.iter().enumerate() {
            if let Some(f) = *finish {
                if f >= window_from && f < prep.start {
                    let d = ((f - window_from) / DAY_MS) as usize;
                    whole[slot(ix, ix.items[i].team)][d] += 1;
                    finished_by_intent[bucket(i)].push(i as u32);
                }
            }
            if prep.open(ix, i) {
                open_by_intent[bucket(i)].push(i as u32);
            }
        }
        IntentShared {
            blockers,
            whole,
            finished_by_intent,
            open_by_intent,
        }
    }

    /// The intent at position `at`, with its tree.
    pub(crate) fn intent(&self, ix: &WorkIndex, prep: &Prepared, at: usize) -> IntentOwn {
        let within = ix.intents_under(&[at as u32]);
        let window_from = prep.start - i64::from(prep.window) * DAY_MS;
        let mut of_intent = vec![vec![0u32; prep.window as usize]; ix.teams.len() + 1];
        let mut open_items = Vec::new();
        for (t, inside) in within.iter().enumerate() {
            if !inside {
                continue;
            }
            for i in &self.finished_by_intent[t] {
                let i = *i as usize;
                if let Some(f) = prep.facts.finish[i] {
                    let d = ((f - window_from) / DAY_MS) as usize;
                    of_intent[slot(ix, ix.items[i].team)][d] += 1;
                }
            }
            open_items.extend_from_slice(&self.open_by_intent[t]);
        }
        open_items.sort_unstable();
        IntentOwn {
            within,
            of_intent,
            open_items,
        }
    }

    pub(crate) fn inputs<'a>(&'a self, own: &'a IntentOwn) -> IntentInputs<'a> {
        IntentInputs {
            within: &own.within,
            whole: &self.whole,
            of_intent: &own.of_intent,
            open_items: &own.open_items,
            blockers: &self.blockers,
        }
    }
}

/// The forecast of `spec` on an index, measured at `now` at the latest.
pub fn compute(
    ix: &WorkIndex,
    mapping: &Mapping,
    spec: &ForecastSpec,
    now: i64,
) -> CoreResult<Forecast> {
    let window = checked(
        spec.window_days,
        DEFAULT_WINDOW_DAYS,
        WINDOW_DAYS,
        "the history window (days)",
    )?;
    let trials = checked(spec.trials, DEFAULT_TRIALS, TRIALS, "the number of trials")?;
    let seed = spec.seed.unwrap_or(DEFAULT_SEED);

    // The set, and where the forecast starts.
    let prep = Prepared::new(
        ix,
        mapping,
        &spec.filter,
        window,
        now,
        spec.intent.is_some(),
    )?;
    let set = &prep.set;
    let offset = set.offset_ms;
    let start = prep.start;
    let span = prep.span;
    let open = |i: usize| prep.open(ix, i);
    let in_window = |counts: &[u32]| counts[(span - window) as usize..].to_vec();

    let mut notes: Vec<String> = Vec::new();
    let mut report = Forecast {
        question: spec.question.clone(),
        method: ForecastMethod::Throughput,
        label: String::new(),
        start: day_label(start, offset),
        window_from: day_label(start - i64::from(window) * DAY_MS, offset),
        window_to: day_label(start - DAY_MS, offset),
        window_days: window,
        trials,
        seed,
        history_finished: 0,
        history_days_with_finish: 0,
        items: 0,
        horizon_days: 0,
        levels: Vec::new(),
        histogram: Vec::new(),
        beyond_limit: 0,
        backtest: None,
        teams: Vec::new(),
        upstream_items: 0,
        items_in_cycles: 0,
        notes: Vec::new(),
    };
    let mut rng = Rng::new(u64::from(seed));

    // The set's daily throughput (for an intent: the intent's items, whoever finished them).
    let mut intent_at = None;
    let intent_within = match &spec.intent {
        Some(id) => {
            let at = ix
                .intents
                .iter()
                .position(|n| &n.id == id)
                .ok_or_else(|| CoreError::NotFound(format!("intent {id}")))?;
            report.label = ix.intents[at].name.clone();
            intent_at = Some(at);
            Some(ix.intents_under(&[at as u32]))
        }
        None => {
            report.label = label_of(ix, &spec.filter);
            None
        }
    };
    let in_intent = |i: usize| {
        intent_within
            .as_ref()
            .is_some_and(|w| w.get(ix.items[i].intent as usize).copied().unwrap_or(false))
    };
    let in_set = |i: usize| match &intent_within {
        Some(_) => in_intent(i),
        None => set.keeps(ix, i),
    };
    let set_daily = prep.daily(&in_set);
    let set_window = in_window(&set_daily);
    report.history_finished = set_window.iter().sum();
    report.history_days_with_finish = set_window.iter().filter(|d| **d > 0).count() as u32;
    if report.history_finished == 0 {
        notes.push(format!(
            "Nothing in this set was finished between {} and {}: there is no pace to forecast from. Choose a longer window or a wider set.",
            report.window_from, report.window_to
        ));
    }

    match &spec.question {
        Question::HowMany { date } => {
            let day = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc().timestamp_millis() - offset)
                .ok_or_else(|| {
                    CoreError::Invalid(format!(
                        "the date must look like 2027-03-31, not \"{date}\""
                    ))
                })?;
            if day < start {
                return Err(CoreError::Invalid(format!(
                    "the date must be on or after the forecast's first day, {}",
                    report.start
                )));
            }
            let horizon = (day - start) / DAY_MS + 1;
            if horizon > i64::from(MAX_DAYS) {
                return Err(CoreError::Invalid(
                    "the date must be within ten years".into(),
                ));
            }
            report.horizon_days = horizon as u32;
            if report.history_finished > 0 {
                let (levels, bars) = items_answer(montecarlo::items_within(
                    &set_window,
                    report.horizon_days,
                    trials,
                    &mut rng,
                ));
                report.levels = levels;
                report.histogram = bars;
            }
        }
        Question::When { items } => match &intent_within {
            None => {
                let open_items = (0..ix.items.len())
                    .filter(|i| set.keeps(ix, *i) && open(*i))
                    .count() as u32;
                report.items = items.unwrap_or(open_items);
                if report.items == 0 {
                    notes.push(
                        "Nothing is open in this set: there is nothing left to forecast.".into(),
                    );
                } else if report.history_finished > 0 {
                    let days =
                        montecarlo::days_to_finish(&set_window, report.items, trials, &mut rng);
                    let (levels, bars, beyond) = days_answer(days, start, offset);
                    report.levels = levels;
                    report.histogram = bars;
                    report.beyond_limit = beyond;
                }
            }
            Some(_) => {
                report.method = ForecastMethod::Dependencies;
                if items.is_some() {
                    notes.push("An intent's forecast covers all its open items and what they wait on; the number of items asked is not used.".into());
                }
                let shared = IntentShared::new(ix, &prep);
                let own = shared.intent(ix, &prep, intent_at.unwrap_or(0));
                dependency_forecast(
                    ix,
                    &prep,
                    &shared.inputs(&own),
                    &Overlay::default(),
                    trials,
                    &mut rng,
                    &mut report,
                    &mut notes,
                );
            }
        },
    }

    // The backtest: the same throughput method, started at past dates.
    if report.history_finished > 0 {
        let horizon = match (
            &spec.question,
            report.levels.iter().find(|l| l.confidence == 50),
        ) {
            (Question::HowMany { .. }, _) => report.horizon_days,
            (_, Some(ForecastLevel { days: Some(d), .. })) => *d,
            _ => 14,
        }
        .clamp(7, BACKTEST_MAX_HORIZON);
        report.backtest = Some(backtest(&set_daily, window, horizon, start, offset, seed));
        if let Some(b) = &report.backtest {
            if b.checks.is_empty() {
                notes.push(
                    "Not enough history before the window to check this method against the past."
                        .into(),
                );
            }
        }
    }
    if report.beyond_limit > 0 {
        notes.push(format!(
            "{} of {} trials did not finish within ten years: at the pace of the window, part of the work may never be done.",
            report.beyond_limit, report.trials
        ));
    }
    report.notes = notes;
    Ok(report)
}

/// A filter in words, for the forecast's title.
fn label_of(ix: &WorkIndex, filter: &FlowFilter) -> String {
    let teams: Vec<&str> = filter
        .teams
        .iter()
        .filter_map(|t| {
            if t.is_empty() {
                Some("no team")
            } else {
                ix.teams
                    .iter()
                    .find(|n| &n.id == t)
                    .map(|n| n.name.as_str())
            }
        })
        .collect();
    let intents: Vec<&str> = filter
        .intents
        .iter()
        .filter_map(|t| {
            ix.intents
                .iter()
                .find(|n| &n.id == t)
                .map(|n| n.name.as_str())
        })
        .collect();
    let mut parts: Vec<String> = Vec::new();
    if !teams.is_empty() {
        parts.push(teams.join(", "));
    }
    if !intents.is_empty() {
        parts.push(intents.join(", "));
    }
    if !filter.sources.is_empty() || !filter.kinds.is_empty() || !filter.provenances.is_empty() {
        parts.push("filtered".into());
    }
    if parts.is_empty() {
        "all work".into()
    } else {
        parts.join(" · ")
    }
}

/// What an intent forecast through dependencies draws on: which intents are inside the intent
/// forecast (its tree), each team's daily finishes in the window (all work, the intent's), the
/// intent's open items and every open item's open blockers.
pub(crate) struct IntentInputs<'a> {
    pub within: &'a [bool],
    pub whole: &'a [Vec<u32>],
    pub of_intent: &'a [Vec<u32>],
    pub open_items: &'a [u32],
    pub blockers: &'a OpenBlockers,
}

/// What one job of the simulation stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Node {
    /// An item of the index (its position).
    Item(u32),
    /// The `n`th item of scope a scenario adds (its position in the overlay's added scope).
    New { added: u32, n: u32 },
}

/// A dependency-aware run beyond its report: what each job and lane stands for, and what the
/// trials gave (critical path, days per team).
#[derive(Clone)]
pub(crate) struct NetworkRun {
    pub nodes: Vec<Node>,
    /// The simulation's jobs (blockers, lane, target), in the order of `nodes`.
    pub jobs: Vec<Job>,
    /// The team slot of each lane.
    pub lane_team: Vec<usize>,
    pub sim: network::Simulated,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn dependency_forecast(
    ix: &WorkIndex,
    prep: &Prepared,
    inputs: &IntentInputs<'_>,
    overlay: &Overlay,
    trials: u32,
    rng: &mut Rng,
    report: &mut Forecast,
    notes: &mut Vec<String>,
) -> Option<NetworkRun> {
    let n = ix.items.len();
    let added_nodes: Vec<Node> = overlay
        .added
        .iter()
        .enumerate()
        .flat_map(|(a, h)| {
            (0..h.count).map(move |k| Node::New {
                added: a as u32,
                n: k,
            })
        })
        .collect();
    // Nodes: the index's items 0..n, then the scenario's new items n.. .
    let total = n + added_nodes.len();
    let node_at = |x: usize| -> Node {
        if x < n {
            Node::Item(x as u32)
        } else {
            added_nodes[x - n]
        }
    };
    let removed = |i: u32| overlay.removed.contains(&i);
    let is_open = |x: u32| x as usize >= n || (prep.open(ix, x as usize) && !removed(x));
    // Who waits on whom beyond the standing dependencies: the scenario's added dependencies,
    // then its new scope's (in that order, as each list is read).
    let mut extra: HashMap<u32, Vec<u32>> = HashMap::new();
    for (before, after) in &overlay.added_deps {
        extra.entry(*after).or_default().push(*before);
    }
    let mut first_new = n as u32;
    for h in &overlay.added {
        for k in 0..h.count {
            let x = first_new + k;
            for b in &h.blocked_by {
                extra.entry(x).or_default().push(*b);
            }
            for a in &h.blocks {
                extra.entry(*a).or_default().push(x);
            }
        }
        first_new += h.count;
    }
    // The open items `x` waits on, as the scenario changes them (a de-risked item waits on
    // nothing; removed items and dropped dependencies are left out).
    let blockers_for = |x: u32| -> Vec<u32> {
        let mut list: Vec<u32> = Vec::new();
        if !is_open(x) || overlay.derisked.contains(&x) {
            return list;
        }
        let standing = if (x as usize) < n {
            inputs.blockers.of(x as usize)
        } else {
            &[]
        };
        let added = extra.get(&x).map(Vec::as_slice).unwrap_or(&[]);
        for b in standing.iter().chain(added) {
            if *b != x
                && is_open(*b)
                && !overlay.dropped_deps.contains(&(*b, x))
                && !list.contains(b)
            {
                list.push(*b);
            }
        }
        list
    };
    // The targets: the intent's open items the scenario keeps, and its new scope; then every
    // open item they wait on, directly or not.
    // (Sets, not flags over every item of the index: a network is a few hundred items of the
    // index's hundreds of thousands, and it is built for every intent under every scenario.)
    let mut target: HashSet<u32> = HashSet::new();
    let mut queue: VecDeque<u32> = VecDeque::new();
    for i in inputs.open_items {
        if !removed(*i) && target.insert(*i) {
            queue.push_back(*i);
        }
    }
    for x in n..total {
        if let Node::New { added, .. } = node_at(x) {
            let aimed = overlay.added[added as usize]
                .intent
                .is_some_and(|t| inputs.within.get(t as usize).copied().unwrap_or(false));
            if aimed && target.insert(x as u32) {
                queue.push_back(x as u32);
            }
        }
    }
    let mut member: HashSet<u32> = target.clone();
    let mut blockers_of: HashMap<u32, Vec<u32>> = HashMap::new();
    while let Some(i) = queue.pop_front() {
        let list = blockers_for(i);
        for b in &list {
            if member.insert(*b) {
                queue.push_back(*b);
            }
        }
        blockers_of.insert(i, list);
    }
    let mut items: Vec<u32> = blockers_of.keys().copied().collect();
    // The order each team takes its ready items in: the scenario's priorities first, then the
    // oldest (new scope is the newest).
    items.sort_by_key(|x| {
        let created = if (*x as usize) < n {
            ix.items[*x as usize].created
        } else {
            i64::MAX
        };
        (
            overlay.priority.get(x).copied().unwrap_or(u32::MAX),
            created,
            *x,
        )
    });
    let position: HashMap<u32, u32> = items
        .iter()
        .enumerate()
        .map(|(p, i)| (*i, p as u32))
        .collect();
    report.items = items.iter().filter(|i| target.contains(*i)).count() as u32;
    report.upstream_items = items.len() as u32 - report.items;
    if report.items == 0 {
        notes.push("Nothing of this intent is open: there is nothing left to forecast.".into());
        return None;
    }
    let team_of = |x: usize| -> usize {
        match node_at(x) {
            Node::Item(i) => overlay
                .team
                .get(&i)
                .copied()
                .unwrap_or_else(|| slot(ix, ix.items[i as usize].team)),
            Node::New { added, .. } => overlay.added[added as usize].team,
        }
    };
    let size_of = |x: usize| -> u32 {
        match node_at(x) {
            Node::Item(_) => network::ITEM,
            Node::New { added, .. } => overlay.added[added as usize].size.max(1),
        }
    };

    // Lanes: a team's intent work at its pace on the intent, its upstream work at its whole pace.
    let mut lanes: HashMap<(usize, bool), usize> = HashMap::new();
    let mut lane_keys: Vec<(usize, bool)> = Vec::new();
    let mut jobs: Vec<Job> = items
        .iter()
        .map(|i| {
            let key = (team_of(*i as usize), target.contains(i));
            let lane = *lanes.entry(key).or_insert_with(|| {
                lane_keys.push(key);
                lane_keys.len() - 1
            });
            let blockers = blockers_of
                .get(i)
                .map(|bs| bs.iter().filter_map(|b| position.get(b).copied()).collect())
                .unwrap_or_default();
            Job {
                lane,
                blockers,
                target: target.contains(i),
                size: size_of(*i as usize),
            }
        })
        .collect();
    report.items_in_cycles = break_cycles(&mut jobs);
    if report.items_in_cycles > 0 {
        notes.push(format!(
            "{} items wait on each other in a cycle: their order is unknown, so the links inside each cycle are ignored.",
            report.items_in_cycles
        ));
    }

    let team_name = |s: usize| team_label(ix, s);
    let mut lanes_out: Vec<Lane> = Vec::new();
    let mut paces: HashMap<usize, TeamPace> = HashMap::new();
    let mut stuck: Vec<String> = Vec::new();
    for (team, on_intent) in &lane_keys {
        let whole = inputs.whole[*team].clone();
        let whole_finished: u32 = whole.iter().sum();
        let mut history = whole;
        let mut fallback = false;
        let mut of_intent_finished = None;
        if *on_intent {
            let of_intent = inputs.of_intent[*team].clone();
            of_intent_finished = Some(of_intent.iter().sum::<u32>());
            if of_intent.iter().any(|d| *d > 0) {
                history = of_intent;
            } else {
                fallback = true;
            }
        }
        let finished: u32 = history.iter().sum();
        let lane = lanes_out.len();
        let (own, upstream) =
            jobs.iter()
                .filter(|j| j.lane == lane)
                .fold(
                    (0u32, 0u32),
                    |(o, u), j| {
                        if j.target {
                            (o + 1, u)
                        } else {
                            (o, u + 1)
                        }
                    },
                );
        let pace = paces.entry(*team).or_insert_with(|| TeamPace {
            team: team_name(*team),
            items: 0,
            upstream_items: 0,
            finished_of_intent: None,
            finished_all: whole_finished,
            whole_team_pace: false,
        });
        pace.items += own + upstream;
        pace.upstream_items += upstream;
        if of_intent_finished.is_some() {
            pace.finished_of_intent = of_intent_finished;
        }
        pace.whole_team_pace |= fallback;
        if finished == 0 {
            stuck.push(format!("{} ({} items)", team_name(*team), own + upstream));
        }
        lanes_out.push(Lane {
            history,
            scale: overlay.scale(*team, prep.start),
            stream: 1 + 2 * *team as u64 + u64::from(*on_intent),
        });
    }
    let mut teams: Vec<TeamPace> = paces.into_values().collect();
    teams.sort_by(|a, b| b.items.cmp(&a.items).then_with(|| a.team.cmp(&b.team)));
    let fallbacks: Vec<&str> = teams
        .iter()
        .filter(|t| t.whole_team_pace)
        .map(|t| t.team.as_str())
        .collect();
    if !fallbacks.is_empty() {
        notes.push(format!(
            "{} finished nothing of this intent in the window: their whole pace is used for its items, which is optimistic if they share it with other work.",
            fallbacks.join(", ")
        ));
    }
    report.teams = teams;
    if !stuck.is_empty() {
        notes.push(format!(
            "No forecast: {} finished nothing in the window, so their items cannot be forecast.",
            stuck.join(", ")
        ));
        return None;
    }
    let sim = network::simulate(&jobs, &lanes_out, trials, rng);
    let (levels, bars, beyond) = days_answer(sim.days.clone(), prep.start, prep.set.offset_ms);
    report.levels = levels;
    report.histogram = bars;
    report.beyond_limit = beyond;
    Some(NetworkRun {
        nodes: items.iter().map(|x| node_at(*x as usize)).collect(),
        lane_team: lane_keys.iter().map(|(t, _)| *t).collect(),
        jobs,
        sim,
    })
}

/// A team slot's name ("No team" for the slot past the last team).
pub(crate) fn team_label(ix: &WorkIndex, s: usize) -> String {
    ix.teams
        .get(s)
        .map(|t| t.name.clone())
        .unwrap_or_else(|| "No team".to_string())
}

/// Removes the blocker links that close a cycle, so the simulation can order every job. Jobs
/// are placed in Kahn's order; when every job left waits on another, one of them is on a cycle
/// (walking from any of them to a blocker not yet placed must come back to a job already met):
/// it goes first and its blockers not yet placed are dropped. Returns how many jobs were
/// released that way.
fn break_cycles(jobs: &mut [Job]) -> u32 {
    let n = jobs.len();
    let mut waiting: Vec<usize> = jobs.iter().map(|j| j.blockers.len()).collect();
    let mut dependents: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (j, job) in jobs.iter().enumerate() {
        for b in &job.blockers {
            dependents[*b as usize].push(j as u32);
        }
    }
    let mut placed = vec![false; n];
    let mut queue: VecDeque<usize> = (0..n).filter(|j| waiting[*j] == 0).collect();
    let mut broken = 0u32;
    let mut count = 0usize;
    while count < n {
        let j = match queue.pop_front() {
            Some(j) => j,
            None => {
                let Some(mut at) = (0..n).find(|j| !placed[*j]) else {
                    break;
                };
                let mut seen = vec![false; n];
                while !seen[at] {
                    seen[at] = true;
                    match jobs[at].blockers.iter().find(|b| !placed[**b as usize]) {
                        Some(b) => at = *b as usize,
                        None => break,
                    }
                }
                let kept: Vec<u32> = jobs[at]
                    .blockers
                    .iter()
                    .copied()
                    .filter(|b| placed[*b as usize])
                    .collect();
                jobs[at].blockers = kept;
                waiting[at] = 0;
                broken += 1;
                at
            }
        };
        if placed[j] {
            continue;
        }
        placed[j] = true;
        count += 1;
        for d in &dependents[j] {
            let d = *d as usize;
            if !placed[d] && waiting[d] > 0 {
                waiting[d] -= 1;
                if waiting[d] == 0 {
                    queue.push_back(d);
                }
            }
        }
    }
    broken
}

/// Backtests the throughput method: at up to [`BACKTEST_CHECKS`] past dates, `horizon` days
/// apart (the latest `horizon` days before the forecast's start), what it would have said about
/// the next `horizon` days from the `window` days before, against what was finished.
fn backtest(
    daily: &[u32],
    window: u32,
    horizon: u32,
    start: i64,
    offset_ms: i64,
    seed: u32,
) -> Backtest {
    let span = daily.len() as u32;
    let mut checks = Vec::new();
    for k in 1..=BACKTEST_CHECKS {
        let Some(at) = span.checked_sub(k * horizon) else {
            break;
        };
        let Some(from) = at.checked_sub(window) else {
            break;
        };
        let history = &daily[from as usize..at as usize];
        if history.iter().all(|d| *d == 0) {
            break;
        }
        let actual: u32 = daily[at as usize..(at + horizon) as usize].iter().sum();
        let mut rng = Rng::new(u64::from(seed) ^ (u64::from(k) << 32));
        let mut outcomes = montecarlo::items_within(history, horizon, BACKTEST_TRIALS, &mut rng);
        outcomes.sort_unstable();
        let date = start - i64::from(span - at) * DAY_MS;
        checks.push(BacktestCheck {
            date: day_label(date, offset_ms),
            p50: at_least(&outcomes, 50.0).unwrap_or(0),
            p85: at_least(&outcomes, 85.0).unwrap_or(0),
            actual,
        });
    }
    checks.reverse();
    Backtest {
        horizon_days: horizon,
        window_days: window,
        held_p85: checks.iter().filter(|c| c.actual >= c.p85).count() as u32,
        held_p50: checks.iter().filter(|c| c.actual >= c.p50).count() as u32,
        checks,
    }
}

/// The forecast of `spec` on a workspace.
pub async fn forecast(ws: &Workspace, spec: &ForecastSpec, now: i64) -> CoreResult<Forecast> {
    let (ix, mapping, _) = crate::flow::prepare(ws, &spec.filter, now).await?;
    let mut report = compute(&ix, &mapping, spec, now)?;
    // An intent is named as the lists name it (told apart from others of its title).
    if let Some(id) = &spec.intent {
        if let Some(label) = crate::intents::labels::intent_labels(ws).await?.remove(id) {
            report.label = label;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests;
