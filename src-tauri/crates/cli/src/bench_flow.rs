//! The flow half of `baton bench`, run in a fresh process on an existing workspace so its
//! memory figures are those of a backend that opened the file, not of the generator.
//!
//! Also runs the same computations as plain SQL over the same file, for the ratio.

use std::path::Path;
use std::time::Instant;

use baton_core::flow::{self, FlowFilter, Mapping, Scope};
use baton_core::graph::model::{ItemKind, Provenance};
use baton_core::graph::{repo, Workspace, WriteOp, Writer};
use baton_core::triage::TriageQuery;
use baton_core::CoreError;
use serde::{Deserialize, Serialize};

/// One measured figure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Figure {
    pub name: String,
    pub value: f64,
    pub unit: String,
    /// (limit, true when the value must be at least the limit).
    pub budget: Option<(f64, bool)>,
    /// The CPU time of the same measurement (every thread of the process), in ms: what the
    /// figure would be on an idle machine, near enough, when others share the cores.
    #[serde(default)]
    pub cpu_ms: Option<f64>,
    /// The budget is one of those set per workspace size ([`crate::bench::Budgets`]: first Flow
    /// answer, pages, dependencies, memory). Every other budget was set for the 200,000-item
    /// workspace, and `baton bench` does not hold a bigger workspace to it.
    #[serde(default)]
    pub sized: bool,
}

/// `f`, its budget marked as one set per workspace size.
fn sized(f: Figure) -> Figure {
    Figure { sized: true, ..f }
}

fn figure(name: &str, value: f64, unit: &str, budget: Option<(f64, bool)>) -> Figure {
    Figure {
        name: name.to_owned(),
        value,
        unit: unit.to_owned(),
        budget,
        cpu_ms: None,
        sized: false,
    }
}

/// A figure with the CPU time measured beside it.
pub(crate) fn timed(
    name: &str,
    wall: f64,
    cpu: Option<f64>,
    budget: Option<(f64, bool)>,
) -> Figure {
    Figure {
        cpu_ms: cpu,
        ..figure(name, wall, "ms", budget)
    }
}

/// CPU time used so far by every thread of this process, ended ones included, in ms (from
/// `/proc`, Linux; None elsewhere). Live threads are counted to the nanosecond (`schedstat`);
/// threads that ended (the simulation's workers) only in the process's clock ticks
/// (`/proc/self/stat`, which keeps what ended threads used, at 100 ticks a second): their part
/// is the process's ticks less those of the live threads.
pub fn cpu_ms() -> Option<f64> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    let mut ns = 0u64;
    let mut live_ticks = 0u64;
    for task in tasks.flatten() {
        let (Ok(text), Ok(stat)) = (
            std::fs::read_to_string(task.path().join("schedstat")),
            std::fs::read_to_string(task.path().join("stat")),
        ) else {
            continue;
        };
        ns += text
            .split_whitespace()
            .next()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        live_ticks += stat_ticks(&stat).unwrap_or(0);
    }
    let all_ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| stat_ticks(&s))
        .unwrap_or(live_ticks);
    Some(ns as f64 / 1e6 + all_ticks.saturating_sub(live_ticks) as f64 * 10.0)
}

/// User and system clock ticks from a `/proc/.../stat` line (fields 14 and 15; the name in
/// parentheses before them may hold spaces).
fn stat_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

/// The CPU time since `start` (both from [`cpu_ms`]).
pub(crate) fn cpu_since(start: Option<f64>) -> Option<f64> {
    Some(cpu_ms()? - start?)
}

pub(crate) fn median_of(samples: &[Option<f64>]) -> Option<f64> {
    let all: Option<Vec<f64>> = samples.iter().copied().collect();
    all.map(median)
}

pub(crate) fn ms_since(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1_000.0
}

pub(crate) fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples.get(samples.len() / 2).copied().unwrap_or(0.0)
}

/// Resident and peak memory of this process, in MiB (Linux).
fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Plans: a team's forecast (the team with the most items) and an intent's forecast through
/// its dependencies (the intent whose open items are nearest 500), 10,000 trials each, with
/// their backtests.
pub(crate) fn forecasts(
    ix: &baton_core::graph::index::WorkIndex,
    mapping: &Mapping,
    now: i64,
    runs: u32,
) -> Result<Vec<Figure>, CoreError> {
    use baton_core::plan::{compute, ForecastSpec, Question};
    let mut out = Vec::new();
    let mut per_team = vec![0usize; ix.teams.len()];
    for item in &ix.items {
        if let Some(n) = per_team.get_mut(item.team as usize) {
            *n += 1;
        }
    }
    let biggest = (0..ix.teams.len()).max_by_key(|t| per_team[*t]);
    if let Some(team) = biggest {
        let spec = ForecastSpec {
            filter: FlowFilter {
                teams: vec![ix.teams[team].id.clone()],
                ..FlowFilter::default()
            },
            ..ForecastSpec::default()
        };
        let mut samples = Vec::new();
        let mut cpu = Vec::new();
        let mut open = 0;
        for _ in 0..runs.max(1) {
            let cpu_start = cpu_ms();
            let started = Instant::now();
            let f = compute(ix, mapping, &spec, now)?;
            samples.push(ms_since(started));
            cpu.push(cpu_since(cpu_start));
            open = f.items;
        }
        out.push(timed(
            &format!(
                "plans: team forecast, 10,000 trials + backtest ({} open items of {}; median)",
                open, ix.teams[team].name
            ),
            median(samples),
            median_of(&cpu),
            Some((30.0, false)),
        ));
    }
    let open_of = |at: usize| {
        let within = ix.intents_under(&[at as u32]);
        ix.items
            .iter()
            .filter(|i| {
                within.get(i.intent as usize).copied().unwrap_or(false)
                    && !matches!(
                        i.flow,
                        baton_core::graph::model::FlowState::Done
                            | baton_core::graph::model::FlowState::Canceled
                    )
            })
            .count()
    };
    let nearest = (0..ix.intents.len()).min_by_key(|at| open_of(*at).abs_diff(500));
    if let Some(at) = nearest {
        let spec = ForecastSpec {
            intent: Some(ix.intents[at].id.clone()),
            question: Question::When { items: None },
            ..ForecastSpec::default()
        };
        let mut samples = Vec::new();
        let mut cpu = Vec::new();
        let mut sizes = (0, 0);
        for _ in 0..runs.max(1) {
            let cpu_start = cpu_ms();
            let started = Instant::now();
            let f = compute(ix, mapping, &spec, now)?;
            samples.push(ms_since(started));
            cpu.push(cpu_since(cpu_start));
            sizes = (f.items, f.upstream_items);
        }
        out.push(timed(
            &format!(
                "plans: intent forecast through dependencies, 10,000 trials ({} open items + {} upstream; median)",
                sizes.0, sizes.1
            ),
            median(samples),
            median_of(&cpu),
            Some((200.0, false)),
        ));
    }
    out.push(compare_three(ix, mapping, now, runs)?);
    Ok(out)
}

/// Plans: the baseline and three scenarios compared (every intent with open items, 2,000 trials
/// a forecast): a hand-over of 20 open items between the two largest teams, a two-week holiday
/// for every team, and new scope with a reprioritisation.
fn compare_three(
    ix: &baton_core::graph::index::WorkIndex,
    mapping: &Mapping,
    now: i64,
    runs: u32,
) -> Result<Figure, CoreError> {
    use baton_core::plan::compare::{compare_on, CompareSpec};
    use baton_core::plan::scenario::{Scenario, ScenarioChange};
    let open: Vec<usize> = (0..ix.items.len())
        .filter(|i| {
            !matches!(
                ix.items[*i].flow,
                baton_core::graph::model::FlowState::Done
                    | baton_core::graph::model::FlowState::Canceled
            )
        })
        .collect();
    let key = |i: usize| ix.item_keys.get(i).unwrap_or("").to_owned();
    let team = |t: usize| ix.teams.get(t).map(|x| x.name.clone()).unwrap_or_default();
    let day = |d: i64| {
        baton_core::time::to_rfc3339(now + d * 86_400_000)
            .chars()
            .take(10)
            .collect::<String>()
    };
    let scenario = |name: &str, changes: Vec<ScenarioChange>| Scenario {
        id: name.into(),
        name: name.into(),
        notes: String::new(),
        changes,
        version: 1,
        created_by: "bench".into(),
        created_at: String::new(),
        updated_by: "bench".into(),
        updated_at: String::new(),
    };
    let hand_over = open
        .iter()
        .filter(|i| ix.items[**i].team == 0)
        .take(20)
        .map(|i| ScenarioChange::MoveWork {
            item: key(*i),
            team: team(1),
        })
        .collect();
    let holidays = (0..ix.teams.len())
        .map(|t| ScenarioChange::Capacity {
            team: team(t),
            from: day(14),
            to: day(27),
            percent: 0,
        })
        .collect();
    let scope = vec![
        ScenarioChange::AddScope {
            title: "New scope".into(),
            team: team(2),
            intent: ix.intents.first().map(|n| n.id.clone()),
            items: 50,
            size: 1.5,
            blocked_by: Vec::new(),
            blocks: Vec::new(),
        },
        ScenarioChange::Prioritize {
            items: open.iter().rev().take(30).map(|i| key(*i)).collect(),
        },
    ];
    let scenarios = vec![
        scenario("hand over", hand_over),
        scenario("holidays", holidays),
        scenario("scope", scope),
    ];
    let spec = CompareSpec::default();
    let mut samples = Vec::new();
    let mut cpu = Vec::new();
    let mut intents = 0;
    for _ in 0..runs.max(1) {
        let cpu_start = cpu_ms();
        let started = Instant::now();
        let c = compare_on(ix, mapping, &spec, &scenarios, now, &[])?;
        samples.push(ms_since(started));
        cpu.push(cpu_since(cpu_start));
        intents = c.intents.len();
    }
    Ok(timed(
        &format!(
            "plans: baseline and three scenarios compared ({intents} intents, 2,000 trials each; median)"
        ),
        median(samples),
        median_of(&cpu),
        Some((1_000.0, false)),
    ))
}

const SQL_TIME_IN_STATE: &str = "
WITH seg AS (
  SELECT t.item_id, t.at, t.to_state,
         LEAD(t.at) OVER (PARTITION BY t.item_id ORDER BY t.at, t.seq) AS next_at
  FROM transitions t WHERE t.kind = 'state')
SELECT i.team_id, m.flow_state, m.wait_reason,
       SUM(MIN(COALESCE(seg.next_at, ?2), ?2) - MAX(seg.at, ?1)) AS ms
FROM seg JOIN items i ON i.id = seg.item_id
JOIN workflow_maps m ON m.source_id = i.source_id AND m.team_id = '' AND m.item_kind = '' AND m.raw_state = seg.to_state
WHERE seg.at < ?2 AND COALESCE(seg.next_at, ?2) > ?1
GROUP BY i.team_id, m.flow_state, m.wait_reason";

const SQL_CYCLE_PERCENTILES: &str = "
WITH st AS (
  SELECT t.item_id, t.at, m.flow_state FROM transitions t
  JOIN items i ON i.id = t.item_id
  JOIN workflow_maps m ON m.source_id = i.source_id AND m.team_id = '' AND m.item_kind = '' AND m.raw_state = t.to_state
  WHERE t.kind = 'state'),
cyc AS (
  SELECT item_id, MIN(CASE WHEN flow_state = 'active' THEN at END) AS start,
         MAX(CASE WHEN flow_state = 'done' THEN at END) AS finish
  FROM st GROUP BY item_id),
ct AS (
  SELECT i.team_id, (c.finish - c.start) / 86400000.0 AS days FROM cyc c JOIN items i ON i.id = c.item_id
  WHERE i.flow_state = 'done' AND c.start IS NOT NULL AND c.finish >= ?1 AND c.finish < ?2),
ranked AS (
  SELECT team_id, days, ROW_NUMBER() OVER (PARTITION BY team_id ORDER BY days) AS rn,
         COUNT(*) OVER (PARTITION BY team_id) AS n FROM ct)
SELECT team_id,
       MIN(CASE WHEN rn >= CAST(0.50 * n + 0.999999 AS INTEGER) THEN days END) AS p50,
       MIN(CASE WHEN rn >= CAST(0.85 * n + 0.999999 AS INTEGER) THEN days END) AS p85,
       MIN(CASE WHEN rn >= CAST(0.95 * n + 0.999999 AS INTEGER) THEN days END) AS p95
FROM ranked GROUP BY team_id";

const SQL_CFD: &str = "
WITH seg AS (
  SELECT t.at AS start, LEAD(t.at) OVER (PARTITION BY t.item_id ORDER BY t.at, t.seq) AS fin, m.flow_state
  FROM transitions t JOIN items i ON i.id = t.item_id
  JOIN workflow_maps m ON m.source_id = i.source_id AND m.team_id = '' AND m.item_kind = '' AND m.raw_state = t.to_state
  WHERE t.kind = 'state'),
deltas AS (
  SELECT flow_state, MAX((start - ?1) / 86400000, 0) AS d, 1 AS n FROM seg
  UNION ALL
  SELECT flow_state, MAX((fin - ?1) / 86400000, 0), -1 FROM seg WHERE fin IS NOT NULL)
SELECT flow_state, d, SUM(SUM(n)) OVER (PARTITION BY flow_state ORDER BY d) AS items
FROM deltas WHERE d < 365 GROUP BY flow_state, d";

/// Rewrites items' `updated_at` unchanged, through the write layer: what a sync page does to
/// the index, without the rest of a sync.
pub(crate) struct TouchItems<'a>(pub(crate) &'a [String]);

impl WriteOp for TouchItems<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), CoreError> {
        let ids =
            serde_json::to_string(self.0).map_err(|err| CoreError::Invalid(err.to_string()))?;
        sqlx::query("UPDATE items SET updated_at = updated_at WHERE id IN (SELECT value FROM json_each(?1))")
            .bind(ids)
            .execute(w.conn())
            .await?;
        w.items_changed(self.0.iter().cloned());
        Ok(())
    }
}

/// Changes the titles of items through the write layer, as a sync page that renamed them.
struct RetitleItems<'a>(&'a [String], usize);

impl WriteOp for RetitleItems<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), CoreError> {
        let ids =
            serde_json::to_string(self.0).map_err(|err| CoreError::Invalid(err.to_string()))?;
        sqlx::query("UPDATE items SET title = title || ?2, updated_at = updated_at + 1 WHERE id IN (SELECT value FROM json_each(?1))")
            .bind(ids)
            .bind(format!(" (renamed {})", self.1))
            .execute(w.conn())
            .await?;
        w.items_changed(self.0.iter().cloned());
        Ok(())
    }
}

/// The Intents page: its whole answer (tree, unaligned work, conflicts) asked again with
/// nothing changed, then after each of two kinds of change, each timed from the question to the
/// answer (the index following the change included): an unaligned item linked to an intent by
/// hand (a decision), and a sync page that rewrote 100 items (their flow facts and policy
/// violations evaluated again). Wall and CPU time, medians.
pub async fn intents_figures(
    ws: &Workspace,
    now: i64,
    runs: u32,
) -> Result<Vec<Figure>, CoreError> {
    use baton_core::intents::report::{intents_report, IntentsQuery};
    let query = IntentsQuery::default();
    let cpu = cpu_ms();
    let started = Instant::now();
    let before = intents_report(ws, &query, now).await?;
    let first = (ms_since(started), cpu_since(cpu));
    let (mut page, mut page_cpu) = (Vec::new(), Vec::new());
    let (mut linked, mut linked_cpu) = (Vec::new(), Vec::new());
    let (mut synced, mut synced_cpu) = (Vec::new(), Vec::new());
    let n = before.unaligned.items.len();
    // The items each round's sync page rewrites, picked before the rounds: an index held here
    // could not be refreshed in place (the workspace would load it again).
    let pages: Vec<Vec<String>> = {
        let ix = ws.index().await?;
        let items = ix.item_ids.len();
        (0..runs.max(1) as usize)
            .map(|round| {
                (0..100)
                    .map(|k| {
                        ix.item_ids[(round * 7_907 + k * (items / 100).max(1)) % items.max(1)]
                            .to_owned()
                    })
                    .collect()
            })
            .collect()
    };
    for (round, rewritten) in pages.iter().enumerate() {
        let cpu = cpu_ms();
        let started = Instant::now();
        std::hint::black_box(intents_report(ws, &query, now).await?);
        page.push(ms_since(started));
        page_cpu.push(cpu_since(cpu));

        let (Some(item), Some(intent)) = (
            before.unaligned.items.get(round % n.max(1)),
            before.intents.first(),
        ) else {
            break;
        };
        baton_core::intents::link(
            ws,
            std::slice::from_ref(&item.item.id),
            &baton_core::intents::LinkTarget::Intent {
                id: intent.id.clone(),
            },
            "bench",
            "",
            now,
        )
        .await?;
        let cpu = cpu_ms();
        let started = Instant::now();
        let after = intents_report(ws, &query, now).await?;
        linked.push(ms_since(started));
        linked_cpu.push(cpu_since(cpu));
        if after
            .unaligned
            .items
            .iter()
            .any(|u| u.item.id == item.item.id)
        {
            return Err(CoreError::Invalid(format!(
                "the linked item {} is still unaligned",
                item.item.key
            )));
        }

        ws.write(RetitleItems(rewritten, 1_000 + round)).await?;
        let cpu = cpu_ms();
        let started = Instant::now();
        std::hint::black_box(intents_report(ws, &query, now).await?);
        synced.push(ms_since(started));
        synced_cpu.push(cpu_since(cpu));
    }
    Ok(vec![
        timed(
            &format!(
                "intents: the Intents page, first answer ({} intents, {} unaligned items in progress)",
                before.intents.len(),
                before.unaligned.wip
            ),
            first.0,
            first.1,
            None,
        ),
        timed(
            "intents: the Intents page asked again, nothing changed (median)",
            median(page),
            median_of(&page_cpu),
            Some((50.0, false)),
        ),
        timed(
            "intents: the Intents page after an item is linked by hand (median)",
            median(linked),
            median_of(&linked_cpu),
            Some((50.0, false)),
        ),
        timed(
            "intents: the Intents page after a sync page of 100 items (median)",
            median(synced),
            median_of(&synced_cpu),
            Some((50.0, false)),
        ),
    ])
}

/// The Dependencies page as the app asks it: for each of six views (no filter, one team,
/// another team, an intent with its critical path, a team and an intent, an item's
/// neighbourhood) the report, the critical path and the item graph (`deps_report`,
/// `deps_critical_path`, `deps_graph`, titles included), each view asked a few seconds after
/// the last and each round a minute later, so no answer can be an answer kept for that instant.
/// The first page after the open (which gathers the per-item facts) is reported apart. Returns,
/// beside the figures, the check that the answers kept between questions equal a fresh
/// computation, for the caller to run once it has read the memory figure.
pub async fn deps_figures(
    ws: &Workspace,
    now: i64,
    runs: u32,
    budget_ms: f64,
) -> Result<(Vec<Figure>, KeptDepsCheck), CoreError> {
    use baton_core::deps::{self, DepsFilter, GraphRequest, Target};
    let ix = ws.index().await?;
    let default = DepsFilter::default();
    let cpu = cpu_ms();
    let started = Instant::now();
    let first = deps::deps_report(ws, &default, now).await?;
    let target = first
        .chains
        .first()
        .and_then(|c| c.items.last())
        .map(|end| Target::Item {
            id: end.item.id.clone(),
        });
    if let Some(target) = &target {
        std::hint::black_box(deps::deps_critical_path(ws, target, now).await?);
    }
    std::hint::black_box(
        deps::deps_graph(
            ws,
            &GraphRequest {
                hops: 2,
                critical: target.clone(),
                max_nodes: 300,
                ..GraphRequest::default()
            },
            now,
        )
        .await?,
    );
    let first_ms = (ms_since(started), cpu_since(cpu));
    let links = first.open_blocking_links;

    let team = |k: usize| ix.teams.get(k).map(|t| t.id.clone()).unwrap_or_default();
    let intent = ix.intents.first().map(|n| n.id.clone()).unwrap_or_default();
    let intent_target = Some(Target::Intent { id: intent.clone() });
    let focus = target.as_ref().and_then(|t| match t {
        Target::Item { id } => Some(id.clone()),
        Target::Intent { .. } => None,
    });
    // (filter, focus, critical path target, most nodes): what the page's location asks.
    let views: Vec<(DepsFilter, Option<String>, Option<Target>, u32)> = vec![
        (default.clone(), None, target.clone(), 300),
        (
            DepsFilter {
                teams: vec![team(0)],
                intents: Vec::new(),
            },
            None,
            target.clone(),
            2_000,
        ),
        (
            DepsFilter {
                teams: vec![team(1)],
                intents: Vec::new(),
            },
            None,
            target.clone(),
            2_000,
        ),
        (
            DepsFilter {
                teams: Vec::new(),
                intents: vec![intent.clone()],
            },
            None,
            intent_target.clone(),
            2_000,
        ),
        (
            DepsFilter {
                teams: vec![team(2)],
                intents: vec![intent.clone()],
            },
            None,
            intent_target,
            2_000,
        ),
        (default.clone(), focus, target.clone(), 2_000),
    ];
    let (mut samples, mut cpus) = (Vec::new(), Vec::new());
    let mut at = now;
    for round in 0..runs.max(1) {
        at = now + i64::from(round + 1) * 60_000;
        for (k, (filter, focus, critical, max_nodes)) in views.iter().enumerate() {
            let when = at + k as i64 * 5_000;
            let cpu = cpu_ms();
            let started = Instant::now();
            std::hint::black_box(deps::deps_report(ws, filter, when).await?);
            if let Some(t) = critical {
                std::hint::black_box(deps::deps_critical_path(ws, t, when).await?);
            }
            let request = GraphRequest {
                focus: focus.clone(),
                hops: 2,
                filter: filter.clone(),
                critical: critical.clone(),
                max_nodes: *max_nodes,
            };
            std::hint::black_box(deps::deps_graph(ws, &request, when).await?);
            samples.push(ms_since(started));
            cpus.push(cpu_since(cpu));
        }
    }
    let check = KeptDepsCheck {
        at,
        views: views
            .into_iter()
            .map(|(filter, _, critical, _)| (filter, critical))
            .collect(),
    };
    let figures = vec![
        timed(
            "deps: first page after the open (facts gathered; report + critical path + graph)",
            first_ms.0,
            first_ms.1,
            None,
        ),
        sized(timed(
            &format!(
                "deps: page after a filter change: report + critical path + graph ({links} open blocking links; median of 6 views x runs)"
            ),
            median(samples),
            median_of(&cpus),
            Some((budget_ms, false)),
        )),
    ];
    Ok((figures, check))
}

/// The views [`deps_figures`] asked, to check that what was kept between their questions
/// answers as a fresh computation does. A check of the bench, not work the app does: run after
/// the memory figure, so its fresh gathering's buffers are not counted as the backend's.
pub struct KeptDepsCheck {
    at: i64,
    views: Vec<(
        baton_core::deps::DepsFilter,
        Option<baton_core::deps::Target>,
    )>,
}

impl KeptDepsCheck {
    /// Fails when a kept answer differs from a fresh one.
    pub async fn run(self, ws: &Workspace) -> Result<(), CoreError> {
        use baton_core::deps;
        let kept = deps::context(ws, self.at).await?;
        let fresh = deps::fresh_context(ws, self.at).await?;
        for (filter, critical) in &self.views {
            let same = deps::analyse(&kept.ix, &kept.facts, filter)
                == deps::analyse(&fresh.ix, &fresh.facts, filter)
                && match critical {
                    Some(t) => {
                        deps::critical_path(&kept.ix, &kept.facts, t)?
                            == deps::critical_path(&fresh.ix, &fresh.facts, t)?
                    }
                    None => true,
                };
            if !same {
                return Err(CoreError::Invalid(format!(
                    "the kept dependency answers differ from a fresh computation ({filter:?})"
                )));
            }
        }
        Ok(())
    }
}

/// The duplicates figures: every candidate from a fresh engine (what the background build does
/// the first time), then the engine brought up to date after sync pages that retitle 100 items.
pub async fn duplicates_figures(
    ws: &Workspace,
    ix: &baton_core::graph::index::WorkIndex,
    runs: u32,
) -> Result<Vec<Figure>, CoreError> {
    let mut out = Vec::new();
    // What the background build does the first time: nothing kept yet.
    baton_core::duplicates::forget(ws);
    let cpu = cpu_ms();
    let started = Instant::now();
    let c = baton_core::duplicates::current(ws, &mut |_, _| {}).await?;
    let (whole, whole_cpu) = (ms_since(started), cpu_since(cpu));
    if c.computed != baton_core::duplicates::Computed::Full {
        return Err(CoreError::Invalid(format!(
            "the first duplicates answer was not a whole build ({:?})",
            c.computed
        )));
    }
    let ranked = &c.ranked;
    out.push(timed(
        &format!(
            "duplicates: every candidate on the whole index, fresh engine, files of its pull requests and descriptions read ({} pairs compared alike, {} candidates, {} sharing files, {} with descriptions compared)",
            c.engine.pairs().count(),
            ranked.len(),
            ranked.iter().filter(|s| !s.same_files.is_empty()).count(),
            ranked.iter().filter(|s| s.description.is_some()).count()
        ),
        whole,
        whole_cpu,
        Some((2_000.0, false)),
    ));
    // For reference: the descriptions read alone (the build reads them beside the engine's
    // build, on another core).
    let mut descs = baton_core::duplicates::Descriptions::default();
    let read = Instant::now();
    baton_core::duplicates::load_descriptions(ws, ix, &c.engine, &mut descs).await?;
    out.push(timed(
        &format!(
            "duplicates: for reference, the descriptions of its pairs' items read alone ({} items)",
            descs.len()
        ),
        ms_since(read),
        None,
        None,
    ));
    drop((c, descs));
    let mut page_samples = Vec::new();
    let mut page_cpu = Vec::new();
    let n = ix.items.len();
    for run in 0..runs.max(1) as usize {
        let ids: Vec<String> = (0..100)
            .map(|k| ix.item_ids[(run * 7_919 + k * (n / 100).max(1)) % n.max(1)].to_owned())
            .collect();
        ws.write(RetitleItems(&ids, run)).await?;
        // The index follows the page first (measured by its own figure); then the candidates.
        std::hint::black_box(ws.index().await?);
        let cpu = cpu_ms();
        let started = Instant::now();
        let c = baton_core::duplicates::current(ws, &mut |_, _| {}).await?;
        page_samples.push(ms_since(started));
        page_cpu.push(cpu_since(cpu));
        if c.computed != baton_core::duplicates::Computed::Incremental {
            return Err(CoreError::Invalid(format!(
                "the duplicates engine was rebuilt after a sync page ({:?})",
                c.computed
            )));
        }
    }
    out.push(timed(
        "duplicates: candidates after a sync page retitling 100 items (incremental, median)",
        median(page_samples),
        median_of(&page_cpu),
        Some((50.0, false)),
    ));

    Ok(out)
}

/// The conflicting-changes answers on the whole workspace: first who changes whose code asked
/// cold (what the rules read, read and grouped: what the first question after a sync pays), then
/// each answer asked `runs` times with nothing changed (medians): the conflicts list (Triage's
/// reason, `baton conflicts`), who changes whose code (`conflicts_touches`, every pull request
/// read) and the pull requests behind its busiest pair (`conflicts_touch_pulls`).
pub async fn conflicts_figures(ws: &Workspace, runs: u32) -> Result<Vec<Figure>, CoreError> {
    use baton_core::conflicts::{live, touches};
    let now = baton_core::time::now_ms();
    let q = touches::TouchesQuery::default();
    let cpu = cpu_ms();
    let started = Instant::now();
    std::hint::black_box(touches::report(ws, &q, now).await?);
    let cold = timed(
        "conflicts: who changes whose code, first question (file lists read and grouped)",
        ms_since(started),
        cpu_since(cpu),
        None,
    );
    let (mut list, mut list_cpu) = (Vec::new(), Vec::new());
    let (mut matrix, mut matrix_cpu) = (Vec::new(), Vec::new());
    let (mut drill, mut drill_cpu) = (Vec::new(), Vec::new());
    let (mut flagged, mut cells, mut behind) = (0, 0, 0);
    for _ in 0..runs.max(1) {
        let cpu = cpu_ms();
        let started = Instant::now();
        let report = live::compute(ws).await?;
        list.push(ms_since(started));
        list_cpu.push(cpu_since(cpu));
        flagged = report.conflicts.len();
        let cpu = cpu_ms();
        let started = Instant::now();
        let t = touches::report(ws, &q, now).await?;
        matrix.push(ms_since(started));
        matrix_cpu.push(cpu_since(cpu));
        cells = t.cells.len();
        let Some(busiest) = t.cells.iter().max_by_key(|c| c.pulls) else {
            continue;
        };
        let cpu = cpu_ms();
        let started = Instant::now();
        let p = touches::pulls(ws, &q, &busiest.from_team_id, &busiest.to_team_id, now).await?;
        drill.push(ms_since(started));
        drill_cpu.push(cpu_since(cpu));
        behind = p.total;
    }
    let mut out = vec![
        cold,
        timed(
            &format!("conflicts: the conflicts list on the whole workspace ({flagged} flagged, median)"),
            median(list),
            median_of(&list_cpu),
            None,
        ),
        timed(
            &format!("conflicts: who changes whose code, every pull request ({cells} team pairs, median)"),
            median(matrix),
            median_of(&matrix_cpu),
            None,
        ),
    ];
    if !drill.is_empty() {
        out.push(timed(
            &format!("conflicts: the pull requests behind the busiest pair ({behind}, median)"),
            median(drill),
            median_of(&drill_cpu),
            None,
        ));
    }
    Ok(out)
}

/// Measures the flow figures on `path`; with `first_only`, only a fresh process's way to its
/// first Flow answer (open, index, answer), which takes a second instead of a minute; with
/// `intents_only`, that and the Intents page's figures; with `pages_only`, the Flow and
/// Bottlenecks pages after a filter change (what to profile the flow engine with).
#[allow(clippy::too_many_arguments)]
pub async fn run(
    path: &Path,
    runs: u32,
    first_only: bool,
    intents_only: bool,
    duplicates_only: bool,
    conflicts_only: bool,
    deps_only: bool,
    pages_only: bool,
) -> Result<Vec<Figure>, CoreError> {
    let mut out = Vec::new();
    let cpu_start = cpu_ms();
    let started = Instant::now();
    let ws = Workspace::open(path).await?;
    let opened = ms_since(started);
    let opened_cpu = cpu_since(cpu_start);
    let ix = ws.index().await?;
    let index_ready = ms_since(started);
    let index_cpu = cpu_since(cpu_start);
    let index_memory = memory_mib();
    let first = flow::flow_report(&ws, &FlowFilter::default(), baton_core::time::now_ms()).await?;
    let first_answer = ms_since(started);
    let first_cpu = cpu_since(cpu_start);
    std::hint::black_box(first);
    let budgets = crate::bench::Budgets::for_items(ix.items.len());
    let source = if ix.from_snapshot {
        "index from its snapshot"
    } else {
        "NO SNAPSHOT: index built from the rows"
    };
    out.push(timed(
        &format!("flow: fresh process, open to index ready ({source})"),
        index_ready,
        index_cpu,
        None,
    ));
    out.push(sized(timed(
        &format!("flow: fresh process, open to first Flow answer ({source})"),
        first_answer,
        first_cpu,
        Some((budgets.first_flow_ms, false)),
    )));
    if conflicts_only {
        out.extend(conflicts_figures(&ws, runs).await?);
        ws.close().await;
        return Ok(out);
    }
    if duplicates_only {
        out.extend(duplicates_figures(&ws, &ix, runs).await?);
        ws.close().await;
        return Ok(out);
    }
    if deps_only {
        let now = baton_core::time::now_ms();
        let budget = crate::bench::Budgets::for_items(ix.items.len()).deps_ms;
        let (figures, check) = deps_figures(&ws, now, runs, budget).await?;
        out.extend(figures);
        check.run(&ws).await?;
        ws.close().await;
        return Ok(out);
    }
    if intents_only {
        let now = baton_core::time::now_ms();
        out.extend(intents_figures(&ws, now, runs).await?);
        ws.close().await;
        return Ok(out);
    }
    if first_only {
        let answer_memory = memory_mib();
        for (name, (resident, peak)) in [
            ("index ready", index_memory),
            ("first Flow answer", answer_memory),
        ] {
            out.push(figure(
                &format!("flow: fresh process, resident memory at {name}"),
                resident,
                "MiB",
                None,
            ));
            out.push(figure(
                &format!("flow: fresh process, peak memory at {name}"),
                peak,
                "MiB",
                None,
            ));
        }
        out.insert(
            0,
            timed(
                "flow: fresh process, workspace open (checks, pool, migrations)",
                opened,
                opened_cpu,
                None,
            ),
        );
        return Ok(out);
    }

    // A sync page of 100 items written: the index follows them without a rebuild.
    let page: Vec<String> = ix
        .item_ids
        .iter()
        .step_by((ix.item_ids.len() / 100).max(1))
        .take(100)
        .map(|id| id.to_string())
        .collect();
    drop(ix);
    let mut refresh = Vec::new();
    for _ in 0..runs.max(1) {
        ws.write(TouchItems(&page)).await?;
        let started = Instant::now();
        std::hint::black_box(ws.index().await?);
        refresh.push(ms_since(started));
    }
    out.push(figure(
        "flow: index refresh after a 100-item sync page (incremental, median)",
        median(refresh),
        "ms",
        None,
    ));
    let ix = ws.index().await?;

    let now = baton_core::time::now_ms();
    let team = ix.teams.first().map(|t| t.id.clone()).unwrap_or_default();
    let intent = ix.intents.first().map(|t| t.id.clone()).unwrap_or_default();
    let filters = [
        FlowFilter::default(),
        FlowFilter {
            teams: vec![team.clone()],
            ..FlowFilter::default()
        },
        FlowFilter {
            kinds: vec![ItemKind::Feature, ItemKind::Defect],
            ..FlowFilter::default()
        },
        FlowFilter {
            provenances: vec![Provenance::AiAgent],
            ..FlowFilter::default()
        },
        FlowFilter {
            intents: vec![intent],
            ..FlowFilter::default()
        },
        FlowFilter {
            utc_offset_minutes: 120,
            rule: flow::CycleRule::FirstEntry,
            ..FlowFilter::default()
        },
    ];
    let mut flow_samples = Vec::new();
    let mut bottleneck_samples = Vec::new();
    let (mut flow_cpu, mut bottleneck_cpu) = (Vec::new(), Vec::new());
    // Each round a minute later, as a person asks again (the clock does not run back).
    for round in 0..runs.max(1) {
        let at = now + i64::from(round) * 60_000;
        for filter in &filters {
            let cpu = cpu_ms();
            let started = Instant::now();
            let report = flow::flow_report(&ws, filter, at).await?;
            flow_samples.push(ms_since(started));
            flow_cpu.push(cpu_since(cpu));
            std::hint::black_box(report);
            let cpu = cpu_ms();
            let started = Instant::now();
            let report = flow::bottleneck_report(&ws, filter, at).await?;
            bottleneck_samples.push(ms_since(started));
            bottleneck_cpu.push(cpu_since(cpu));
            std::hint::black_box(report);
        }
    }
    out.push(sized(timed(
        "flow: whole Flow page after a filter change (median of 6 filters x runs)",
        median(flow_samples),
        median_of(&flow_cpu),
        Some((budgets.page_ms, false)),
    )));
    out.push(sized(timed(
        "flow: whole Bottlenecks page after a filter change (median)",
        median(bottleneck_samples),
        median_of(&bottleneck_cpu),
        Some((budgets.page_ms, false)),
    )));
    if pages_only {
        ws.close().await;
        return Ok(out);
    }

    // What crosses IPC: the answers serialised as the shell sends them (serde_json), default
    // filter. Payload size is what the web view must receive and parse before it draws.
    let json_kib = |bytes: usize| bytes as f64 / 1024.0;
    let flow_default = flow::flow_report(&ws, &FlowFilter::default(), now).await?;
    out.push(figure(
        "ipc: Flow report JSON (default filter)",
        json_kib(serde_json::to_vec(&flow_default).map_or(0, |v| v.len())),
        "KiB",
        None,
    ));
    let bottlenecks_default = flow::bottleneck_report(&ws, &FlowFilter::default(), now).await?;
    out.push(figure(
        "ipc: Bottlenecks report JSON (default filter)",
        json_kib(serde_json::to_vec(&bottlenecks_default).map_or(0, |v| v.len())),
        "KiB",
        None,
    ));
    let deps_default =
        baton_core::deps::deps_report(&ws, &baton_core::deps::DepsFilter::default(), now).await?;
    out.push(figure(
        "ipc: Dependencies report JSON",
        json_kib(serde_json::to_vec(&deps_default).map_or(0, |v| v.len())),
        "KiB",
        None,
    ));
    let graph_default =
        baton_core::deps::deps_graph(&ws, &baton_core::deps::GraphRequest::default(), now).await?;
    out.push(figure(
        &format!(
            "ipc: item graph JSON ({} nodes, {} edges)",
            graph_default.nodes.len(),
            graph_default.edges.len()
        ),
        json_kib(serde_json::to_vec(&graph_default).map_or(0, |v| v.len())),
        "KiB",
        None,
    ));
    let summary = baton_core::query::workspace_summary(&ws).await?;
    out.push(figure(
        "ipc: workspace summary JSON",
        json_kib(serde_json::to_vec(&summary).map_or(0, |v| v.len())),
        "KiB",
        None,
    ));

    let (figures, check) = deps_figures(&ws, now, runs, budgets.deps_ms).await?;
    out.extend(figures);

    // Memory now: the index, Flow, Bottlenecks and Dependencies answered (the budget's pages);
    // the bench's own check of the kept dependency answers (a fresh gathering the app never
    // makes) comes after.
    let (rss, peak) = memory_mib();
    out.push(sized(figure(
        "flow: backend resident memory after open + Flow, Bottlenecks and Dependencies",
        rss,
        "MiB",
        Some((budgets.memory_mib, false)),
    )));
    out.push(figure(
        "flow: backend peak memory (includes the index load)",
        peak,
        "MiB",
        None,
    ));
    check.run(&ws).await?;

    // Triage: the first worklist, a filter change, a decision (`baton bench-governance`).
    out.extend(crate::bench_governance::triage_figures(&ws, now, runs).await?);

    out.extend(duplicates_figures(&ws, &ix, runs).await?);
    // Their sync pages made new index generations: the app holds only the workspace's index now,
    // so the bench lets go of the one it opened with (else counted as kept) and reads that one.
    drop(ix);
    let ix = ws.index().await?;

    // And once Triage (every reason: conflicts, duplicates) and Duplicates were answered too, before
    // the SQL comparison (whose temporary B-trees are not part of the app).
    let (rss, peak) = memory_mib();
    out.push(figure(
        "flow: backend resident memory after Triage and Duplicates too (what they keep)",
        rss,
        "MiB",
        None,
    ));
    out.push(figure(
        "flow: backend peak memory by then",
        peak,
        "MiB",
        None,
    ));

    out.push(figure(
        "flow: work index heap",
        ix.heap_bytes() as f64 / 1_048_576.0,
        "MiB",
        None,
    ));
    drop(ix);
    out.extend(crate::bench_governance::triage_after_sync_pages(&ws, now, runs).await?);
    let ix = ws.index().await?;

    // The same questions over 365 days, in memory and as plain SQL on the same file.
    let latest = ix.items.iter().map(|i| i.updated).max().unwrap_or(now);
    let last_day = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(latest)
        .unwrap_or_default()
        .date_naive();
    let first_day = last_day - chrono::Days::new(364);
    let year = FlowFilter {
        from: Some(first_day.to_string()),
        to: Some(last_day.to_string()),
        ..FlowFilter::default()
    };
    let rows = repo::workflow_maps::list(ws.pool()).await?;
    let mapping = Mapping::build(&ix, &rows);
    let scope = Scope::resolve(&ix, &year, now)?;
    let mut memory_ms = Vec::new();
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        std::hint::black_box(flow::compute_flow(&ix, &mapping, &scope));
        std::hint::black_box(flow::compute_bottlenecks(&ix, &mapping, &scope));
        memory_ms.push(ms_since(started));
    }
    let memory_ms = median(memory_ms);
    out.push(figure(
        "flow: in memory, 365 days: time in stage per team x stage + cycle percentiles per team + CFD (with everything else on both pages)",
        memory_ms,
        "ms",
        None,
    ));
    // The Decisions page: pending decisions and approvals (from the sources' waiting states and
    // the questions asked in Baton), with the waiting figures per team.
    let mut approvals_ms = Vec::new();
    let mut pending = 0;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let report = baton_core::approvals::approvals_report(
            &ws,
            &baton_core::approvals::ApprovalQuery::default(),
            now,
        )
        .await?;
        approvals_ms.push(ms_since(started));
        pending = report.pending;
    }
    out.push(figure(
        &format!("decisions: the Decisions page ({pending} pending decisions and approvals)"),
        median(approvals_ms),
        "ms",
        None,
    ));
    out.extend(forecasts(&ix, &mapping, now, runs)?);
    let (from, to) = (scope.from, scope.as_of);
    let mut sql_total = 0.0;
    for (name, sql) in [
        (
            "flow: SQL, 365 days: time in state per team x state",
            SQL_TIME_IN_STATE,
        ),
        (
            "flow: SQL, 365 days: cycle-time percentiles per team",
            SQL_CYCLE_PERCENTILES,
        ),
        ("flow: SQL, 365 days: cumulative flow", SQL_CFD),
    ] {
        let started = Instant::now();
        let rows = sqlx::query(sql)
            .bind(from)
            .bind(to)
            .fetch_all(ws.pool())
            .await?;
        let took = ms_since(started);
        std::hint::black_box(rows);
        sql_total += took;
        out.push(figure(name, took, "ms", None));
    }
    out.push(figure(
        "flow: SQL total / in-memory total (how many times faster the index is)",
        sql_total / memory_ms.max(f64::MIN_POSITIVE),
        "x",
        None,
    ));
    // Intents, last: the index is let go first, so the changes it measures are followed item by
    // item as in the app (an index held here would be loaded again after each change).
    drop((ix, mapping, scope));
    out.extend(intents_figures(&ws, now, runs).await?);
    // Governance: every policy on the whole index, then followed after sync pages
    // (`baton bench-governance`; also with the index let go).
    out.extend(crate::bench_governance::governance_figures(&ws, now, runs).await?);

    // The worklist of the file's final state, kept beside it (duplicate candidates, conflicts)
    // for the fresh process of [`triage_first`], as the app keeps them.
    std::hint::black_box(
        baton_core::triage::triage_list(&ws, &TriageQuery::default(), baton_core::time::now_ms())
            .await?,
    );
    baton_core::triage::keep_beside(&ws).await?;
    ws.close().await;
    Ok(out)
}

/// A fresh process's first Triage worklist on `path` (what the Overview's Triage card asks
/// for as the app opens): the open and the index first (not counted), then the worklist, with
/// every reason, the duplicate candidates and conflicting changes loaded from beside the file
/// when a previous process kept them for its state.
pub async fn triage_first(path: &Path) -> Result<Vec<Figure>, CoreError> {
    let kept = ["duplicates", "conflicts"]
        .iter()
        .map(|kind| {
            let there = baton_core::graph::kept::path_for(path, kind).exists();
            format!("{kind} {}", if there { "kept" } else { "NOT KEPT" })
        })
        .collect::<Vec<_>>()
        .join(", ");
    let ws = Workspace::open(path).await?;
    let ix = ws.index().await?;
    let budget = if ix.items.len() <= 200_000 {
        300.0
    } else {
        1_500.0
    };
    drop(ix);
    let cpu = cpu_ms();
    let started = Instant::now();
    let list =
        baton_core::triage::triage_list(&ws, &TriageQuery::default(), baton_core::time::now_ms())
            .await?;
    let figure = timed(
        &format!(
            "triage: fresh process, first worklist after the index ({} listed; {kept})",
            list.total
        ),
        ms_since(started),
        cpu_since(cpu),
        Some((budget, false)),
    );
    ws.close().await;
    Ok(vec![figure])
}
