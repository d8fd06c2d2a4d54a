//! The items behind a number: what a click on a chart point or cell lists.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::graph::index::{WorkIndex, NONE};
use crate::graph::model::{FlowState, ItemKind};

use super::engine::{each_timeline, open_blockers_at_end};
use super::filter::Scope;
use super::mapping::Mapping;
use super::report::{ItemRef, Stage};
use super::timeline::Timeline;
use crate::time::{to_rfc3339, DAY_MS};

/// The most items a drill-down returns (the total says how many there are).
pub const MAX_ITEMS: usize = 500;

/// What was clicked. Days are `YYYY-MM-DD` in the filter's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FlowSelection {
    /// Every item finished in the range (the scatter, the percentiles).
    Finished,
    /// Items finished on a day (throughput, the scatter's column).
    FinishedOn { day: String },
    /// Items finished in the week starting on a Monday.
    FinishedInWeek { week: String },
    /// Items in a flow state at the end of a day (a cumulative-flow band).
    InStateAt { day: String, state: FlowState },
    /// Items in progress at the end of a day (WIP).
    InProgressAt { day: String },
    /// Items in progress at the end of the range, in a stage (aging).
    InProgressInStage { stage: Stage },
    /// Finished items whose flow efficiency is in a 10% band (0 = [0,10%), 9 = [90,100%]).
    EfficiencyBand { band: u32 },
    /// Items of a kind finished in the range.
    FinishedKind { kind: ItemKind },
    /// Items of a kind in progress at the end of the range.
    InProgressKind { kind: ItemKind },
    /// A team's items that spent time in a stage in the range ("" = items without a team).
    TimeInStage { team_id: String, stage: Stage },
    /// Items that waited in a stage in the range (all teams).
    WaitingIn { stage: Stage },
    /// Items waiting in a stage at the end of a day (queue growth).
    WaitingAt { day: String, stage: Stage },
    /// Items waiting at the end of the range that an item of a team, still open then, blocks
    /// ("" = items without a team).
    BlockedBy { team_id: String },
}

/// One item of a drill-down, with the value that put it there.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FlowItem {
    pub item: ItemRef,
    pub team_name: Option<String>,
    /// Days: cycle time, age, time in stage or time waiting, depending on the selection. A wait
    /// counts whole (from when it began), also the part before the range.
    pub days: f64,
    /// For waits: the part of `days` inside the range (what the clicked bar adds up).
    pub in_range_days: Option<f64>,
    /// Its flow state at the end of the range.
    pub flow_state: FlowState,
    /// When it entered that state (RFC 3339): "waiting since" for a waiting item.
    pub state_since: String,
    /// Days in that state at the end of the range.
    pub days_in_state: f64,
}

/// The items behind a number, longest first.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FlowItems {
    pub total: u32,
    /// What `days` is for these items.
    pub measure: String,
    pub items: Vec<FlowItem>,
}

fn days(ms: i64) -> f64 {
    ms as f64 / DAY_MS as f64
}

fn time_in(t: &Timeline, stage: Stage, from: i64, to: i64) -> i64 {
    t.segments
        .iter()
        .filter(|s| Stage::of(s.flow, s.reason) == Some(stage))
        .map(|s| (s.end.min(to) - s.start.max(from)).max(0))
        .sum()
}

/// The whole time an item waited in `stage` in the waits that touch the range: each wait counts
/// from when it began (also before the range) to when it ended or the range ends.
fn whole_waits_in(t: &Timeline, stage: Stage, from: i64, to: i64) -> i64 {
    t.segments
        .iter()
        .filter(|s| Stage::of(s.flow, s.reason) == Some(stage) && s.start < to && s.end > from)
        .map(|s| (s.end.min(to) - s.start).max(0))
        .sum()
}

fn finished_in_range(t: &Timeline, scope: &Scope) -> Option<i64> {
    t.finish.filter(|f| scope.in_range(*f))
}

fn in_progress_at_end(t: &Timeline) -> bool {
    t.start.is_some() && t.finish.is_none() && t.canceled.is_none()
}

/// Lists the items behind `selection`.
pub fn drill(
    ix: &WorkIndex,
    mapping: &Mapping,
    scope: &Scope,
    selection: &FlowSelection,
) -> FlowItems {
    let team_of = |id: &str| {
        if id.is_empty() {
            Some(NONE)
        } else {
            ix.teams.iter().position(|t| t.id == id).map(|p| p as u32)
        }
    };
    let mut blocked_by: Vec<bool> = Vec::new();
    if let FlowSelection::BlockedBy { team_id } = selection {
        let team = team_of(team_id);
        blocked_by = vec![false; ix.items.len()];
        for (item, blockers) in open_blockers_at_end(ix, mapping, scope, |_| true) {
            if blockers
                .iter()
                .any(|b| Some(ix.items[*b as usize].team) == team)
            {
                blocked_by[item as usize] = true;
            }
        }
    }
    struct Hit {
        item: u32,
        days: f64,
        in_range: Option<f64>,
        flow: FlowState,
        since: i64,
    }
    let mut hits: Vec<Hit> = Vec::new();
    each_timeline(ix, mapping, scope, |i, timeline| {
        let Ok(t) = timeline else { return };
        let mut in_range: Option<f64> = None;
        let value: Option<f64> = match selection {
            FlowSelection::Finished => finished_in_range(t, scope)
                .and(t.start)
                .zip(t.finish)
                .map(|(s, f)| days(f - s)),
            FlowSelection::FinishedOn { day } => finished_in_range(t, scope)
                .filter(|f| Some(scope.day_of(*f)) == scope.day_index(day))
                .map(|f| days(f - t.start.unwrap_or(f))),
            FlowSelection::FinishedInWeek { week } => finished_in_range(t, scope)
                .filter(|f| {
                    let d = scope.day_of(*f).clamp(0, scope.days as i64 - 1) as usize;
                    chrono::NaiveDate::parse_from_str(&scope.date(d), "%Y-%m-%d").is_ok_and(
                        |date| {
                            use chrono::Datelike;
                            (date
                                - chrono::Days::new(u64::from(
                                    date.weekday().num_days_from_monday(),
                                )))
                            .to_string()
                                == *week
                        },
                    )
                })
                .map(|f| days(f - t.start.unwrap_or(f))),
            FlowSelection::InStateAt { day, state } => scope.day_index(day).and_then(|d| {
                // The state in force at the last instant of the day.
                let at = scope.end_of_day(d);
                t.state_at(at)
                    .filter(|(flow, _)| flow == state)
                    .map(|_| days(at + 1 - ix.items[i].created))
            }),
            FlowSelection::InProgressAt { day } => scope.day_index(day).and_then(|d| {
                let at = scope.end_of_day(d);
                let started = t.start.filter(|s| *s <= at)?;
                let ended = t.finish.or(t.canceled).is_some_and(|e| e <= at);
                (!ended).then(|| days(at + 1 - started))
            }),
            FlowSelection::InProgressInStage { stage } => in_progress_at_end(t)
                .then(|| t.segments.last())
                .flatten()
                .filter(|s| Stage::of(s.flow, s.reason) == Some(*stage))
                .map(|_| days(scope.as_of - t.start.unwrap_or(scope.as_of))),
            FlowSelection::EfficiencyBand { band } => finished_in_range(t, scope).and_then(|_| {
                let (a, w) = t.cycle_split()?;
                (a + w > 0 && ((a as f64 / (a + w) as f64 * 10.0) as u32).min(9) == *band)
                    .then(|| days(a + w))
            }),
            FlowSelection::FinishedKind { kind } => finished_in_range(t, scope)
                .filter(|_| ix.items[i].kind == *kind)
                .map(|f| days(f - t.start.unwrap_or(f))),
            FlowSelection::InProgressKind { kind } => (in_progress_at_end(t)
                && ix.items[i].kind == *kind)
                .then(|| days(scope.as_of - t.start.unwrap_or(scope.as_of))),
            FlowSelection::TimeInStage { team_id, stage } => (Some(ix.items[i].team)
                == team_of(team_id))
            .then(|| time_in(t, *stage, scope.from, scope.as_of))
            .filter(|ms| *ms > 0)
            .map(|ms| {
                in_range = Some(days(ms));
                days(whole_waits_in(t, *stage, scope.from, scope.as_of))
            }),
            FlowSelection::WaitingIn { stage } => Some(time_in(t, *stage, scope.from, scope.as_of))
                .filter(|ms| *ms > 0)
                .map(|ms| {
                    in_range = Some(days(ms));
                    days(whole_waits_in(t, *stage, scope.from, scope.as_of))
                }),
            FlowSelection::WaitingAt { day, stage } => scope.day_index(day).and_then(|d| {
                let at = scope.end_of_day(d);
                let s = t.segments.iter().find(|s| s.start <= at && at < s.end)?;
                (Stage::of(s.flow, s.reason) == Some(*stage)).then(|| days(at + 1 - s.start))
            }),
            FlowSelection::BlockedBy { .. } => blocked_by
                .get(i)
                .copied()
                .unwrap_or(false)
                .then(|| t.segments.last())
                .flatten()
                .filter(|s| s.flow == FlowState::Waiting)
                .map(|s| days(scope.as_of - s.start)),
        };
        if let Some(v) = value {
            let last = t.segments.last();
            hits.push(Hit {
                item: i as u32,
                days: v,
                in_range,
                flow: last.map_or(ix.items[i].flow, |s| s.flow),
                since: last.map_or(ix.items[i].created, |s| s.start),
            });
        }
    });
    hits.sort_by(|a, b| b.days.total_cmp(&a.days).then(a.item.cmp(&b.item)));
    let measure = match selection {
        FlowSelection::Finished
        | FlowSelection::FinishedOn { .. }
        | FlowSelection::FinishedInWeek { .. }
        | FlowSelection::FinishedKind { .. } => "cycle time",
        FlowSelection::InStateAt { .. } => "age at that day",
        FlowSelection::InProgressAt { .. } => "days in progress at that day",
        FlowSelection::InProgressInStage { .. } | FlowSelection::InProgressKind { .. } => "age",
        FlowSelection::EfficiencyBand { .. } => "cycle time",
        FlowSelection::TimeInStage { .. } | FlowSelection::WaitingIn { .. } => {
            "whole time in the stage"
        }
        FlowSelection::WaitingAt { .. } | FlowSelection::BlockedBy { .. } => "waiting for",
    };
    FlowItems {
        total: hits.len() as u32,
        measure: measure.into(),
        items: hits
            .iter()
            .take(MAX_ITEMS)
            .map(|h| FlowItem {
                item: ItemRef {
                    id: ix.item_ids[h.item as usize].to_string(),
                    key: ix.item_keys[h.item as usize].to_string(),
                    title: String::new(),
                },
                team_name: ix
                    .teams
                    .get(ix.items[h.item as usize].team as usize)
                    .map(|t| t.name.clone()),
                days: h.days,
                in_range_days: h.in_range,
                flow_state: h.flow,
                state_since: to_rfc3339(h.since),
                days_in_state: days((scope.as_of - h.since).max(0)),
            })
            .collect(),
    }
}
