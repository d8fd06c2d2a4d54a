//! What the Flow and Bottlenecks pages receive (and `baton flow --json` prints).

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::graph::model::{FlowState, ItemKind, WaitReason};

use super::timeline::CycleRule;

/// Where work is, as one column of the bottleneck matrix: active, or waiting for a reason.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Queue,
    Active,
    Review,
    Security,
    Approval,
    Decision,
    Dependency,
    Blocked,
    /// Waiting with no reason recorded.
    Waiting,
}

impl Stage {
    /// Every stage, in flow order (the matrix's columns).
    pub const ALL: [Stage; 9] = [
        Stage::Queue,
        Stage::Active,
        Stage::Review,
        Stage::Security,
        Stage::Approval,
        Stage::Decision,
        Stage::Dependency,
        Stage::Blocked,
        Stage::Waiting,
    ];

    /// The stage of an effective state; None outside the flow (new, done, canceled).
    pub fn of(flow: FlowState, reason: Option<WaitReason>) -> Option<Stage> {
        match (flow, reason) {
            (FlowState::Active, _) => Some(Stage::Active),
            (FlowState::Waiting, Some(WaitReason::Queue)) => Some(Stage::Queue),
            (FlowState::Waiting, Some(WaitReason::Review)) => Some(Stage::Review),
            (FlowState::Waiting, Some(WaitReason::Approval)) => Some(Stage::Approval),
            (FlowState::Waiting, Some(WaitReason::Security)) => Some(Stage::Security),
            (FlowState::Waiting, Some(WaitReason::Decision)) => Some(Stage::Decision),
            (FlowState::Waiting, Some(WaitReason::Dependency)) => Some(Stage::Dependency),
            (FlowState::Waiting, Some(WaitReason::Blocked)) => Some(Stage::Blocked),
            (FlowState::Waiting, None) => Some(Stage::Waiting),
            _ => None,
        }
    }

    /// Position in [`Stage::ALL`] (which lists the stages in their declaration order).
    pub fn index(self) -> usize {
        self as usize
    }

    /// True for the waiting stages.
    pub fn is_waiting(self) -> bool {
        self != Stage::Active
    }
}

/// The range a report covers.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RangeInfo {
    /// First day (`YYYY-MM-DD`).
    pub from: String,
    /// Last day, included.
    pub to: String,
    /// One date per day of the daily series.
    pub dates: Vec<String>,
    /// The instant ages and current states are measured at (RFC 3339).
    pub as_of: String,
    pub utc_offset_minutes: i32,
    pub rule: CycleRule,
}

/// A reference to an item, enough to show and open it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ItemRef {
    pub id: String,
    pub key: String,
    pub title: String,
}

/// Percentiles of a duration, in days (nearest-rank).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Percentiles {
    pub count: u32,
    pub p50: Option<f64>,
    pub p85: Option<f64>,
    pub p95: Option<f64>,
    pub mean: Option<f64>,
}

/// Cycle-time percentiles of one team.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamPercentiles {
    pub team_id: String,
    pub team_name: String,
    pub cycle_time: Percentiles,
}

/// One finished item in the cycle-time scatter.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ScatterPoint {
    pub id: String,
    pub key: String,
    /// Day of the finish (`YYYY-MM-DD`).
    pub finished: String,
    pub days: f64,
    pub kind: ItemKind,
}

/// The cycle-time scatter (all points, or an even sample of them when there are many).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Scatter {
    /// Finished items in the range.
    pub total: u32,
    pub points: Vec<ScatterPoint>,
    /// True when `points` is a sample (every k-th by finish time, plus every point above the 95th percentile).
    pub sampled: bool,
}

/// Items finished per week (weeks start on Monday).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WeekCount {
    /// The Monday (`YYYY-MM-DD`).
    pub week: String,
    pub count: u32,
    /// Days of this week inside the range (a partial week has fewer than 7).
    pub days_in_range: u32,
}

/// One band of the cumulative flow diagram.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CfdBand {
    pub state: FlowState,
    /// Items in this state at the end of each day.
    pub counts: Vec<u32>,
}

/// A work item in progress, for the aging chart.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AgingItem {
    pub item: ItemRef,
    pub team_name: Option<String>,
    pub stage: Stage,
    pub age_days: f64,
    /// Share (0–100) of the range's finished items whose cycle time was ≤ this age.
    pub pace: Option<f64>,
}

/// Flow efficiency of the items finished in the range.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Efficiency {
    /// Σ active / Σ (active + waiting), 0–1; None without finished items.
    pub aggregate: Option<f64>,
    pub active_days: f64,
    pub waiting_days: f64,
    /// Items per efficiency bucket: [0,10%), [10,20%), ..., [90,100%].
    pub histogram: Vec<u32>,
    pub count: u32,
}

/// One kind's share of the flow.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KindShare {
    pub kind: ItemKind,
    /// Finished in the range.
    pub finished: u32,
    /// In progress at the end of the range.
    pub in_progress: u32,
}

/// Little's law on the range, as a consistency check shown beside the numbers, with the terms
/// that explain a gap between its two sides. Over the range,
/// `average_wip = predicted_wip − carried_in_wip + unfinished_wip + sampling` exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LittlesLaw {
    /// Mean of the end-of-day WIP over the range's days.
    pub average_wip: f64,
    pub throughput_per_day: f64,
    pub average_cycle_days: Option<f64>,
    /// throughput × average cycle time.
    pub predicted_wip: Option<f64>,
    /// (average WIP − predicted) ÷ predicted; None without finished items.
    pub gap: Option<f64>,
    /// True when |gap| is above 20% (`LITTLES_LAW_LARGE_GAP`): the page explains the gap.
    pub large_gap: bool,
    /// Days the range measures (to `as_of`).
    pub range_days: f64,
    /// True when the range is shorter than twice the 85th-percentile cycle time of the items
    /// finished in it: most of them then started before it.
    pub short_range: bool,
    /// Items finished in the range whose cycle started before it.
    pub started_before: u32,
    /// Their cycle time before the range, per day of the range: it is on the predicted side
    /// only.
    pub carried_in_wip: f64,
    /// Items in progress at the end of the range (of which `reopened` had been done before).
    pub open_at_end: u32,
    pub reopened: u32,
    /// Started items canceled inside the range: they leave WIP without being throughput.
    pub canceled: u32,
    /// WIP time in the range of items not finished in it, per day of the range: it is on the
    /// average-WIP side only.
    pub unfinished_wip: f64,
    /// What reading WIP once a day (at each day's end) adds to the continuous average.
    pub sampling: f64,
}

/// Something about the data that changed what the numbers include.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DataNote {
    /// `unmapped_state`, `out_of_order`, `before_creation`, `repeated_state`.
    pub code: String,
    pub message: String,
    pub items: u32,
    /// For unmapped states: which source and state to map.
    pub source_id: Option<String>,
    pub raw_state: Option<String>,
}

/// The Flow page.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FlowReport {
    pub range: RangeInfo,
    /// Items in the slice (whatever their dates).
    pub items: u32,
    /// Items left out because a state they passed through is unmapped.
    pub skipped: u32,
    pub cycle_time: Percentiles,
    pub lead_time: Percentiles,
    pub cycle_time_by_team: Vec<TeamPercentiles>,
    pub scatter: Scatter,
    pub throughput_daily: Vec<u32>,
    pub throughput_weekly: Vec<WeekCount>,
    pub throughput_total: u32,
    pub wip_daily: Vec<u32>,
    pub cfd: Vec<CfdBand>,
    pub aging: Vec<AgingItem>,
    /// In progress at the end of the range (all of them; `aging` lists at most 500, oldest first).
    pub in_progress: u32,
    pub efficiency: Efficiency,
    pub distribution: Vec<KindShare>,
    pub littles_law: LittlesLaw,
    pub notes: Vec<DataNote>,
}

/// One cell of the bottleneck matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StageCell {
    pub stage: Stage,
    /// Σ time all items spent in the stage inside the range, in days.
    pub total_days: f64,
    /// Median, over the items that spent time in the stage, of each item's time in it.
    pub median_days: Option<f64>,
    pub items: u32,
}

/// One team's row of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamStages {
    pub team_id: String,
    pub team_name: String,
    pub cells: Vec<StageCell>,
}

/// Where work waits, for one reason.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WaitShare {
    pub stage: Stage,
    pub total_days: f64,
    /// Share (0–1) of all waiting time in the range.
    pub share: f64,
    pub items: u32,
    /// The items that waited longest here.
    pub examples: Vec<WaitExample>,
}

/// An item that waited.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WaitExample {
    pub item: ItemRef,
    pub team_name: Option<String>,
    /// The whole wait, from when it began (also before the range).
    pub days: f64,
    /// The part of it inside the range.
    pub in_range_days: f64,
}

/// Items blocked now, grouped by the team whose open items block them.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BlockerCluster {
    pub team_id: String,
    pub team_name: String,
    /// Items waiting now (any waiting stage) that an open item of this team blocks.
    pub blocked_items: u32,
    /// Σ how long each of them has been waiting in its current waiting stretch, in days.
    pub blocked_days: f64,
    /// The team's items that block the most.
    pub blockers: Vec<BlockerItem>,
}

/// One blocking item.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BlockerItem {
    pub item: ItemRef,
    pub blocks: u32,
}

/// Items waiting for one reason at the end of each day.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct QueueSeries {
    pub stage: Stage,
    pub counts: Vec<u32>,
}

/// One pull-request segment.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PrSegment {
    /// coding, pickup, review or merge.
    pub segment: String,
    pub days: Percentiles,
}

/// The Bottlenecks page.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BottleneckReport {
    pub range: RangeInfo,
    pub items: u32,
    pub skipped: u32,
    pub stages: Vec<Stage>,
    pub matrix: Vec<TeamStages>,
    pub wait_reasons: Vec<WaitShare>,
    pub blocker_clusters: Vec<BlockerCluster>,
    /// Open blocking links at the end of the range, all teams (`deps::graph::open_blocking_links`,
    /// the figure the Overview and Dependencies show): the blocker clusters count the waiting
    /// items behind them.
    pub open_blocking_links: u32,
    pub queues: Vec<QueueSeries>,
    /// Pull requests merged in the range.
    pub pull_requests: u32,
    pub pr_segments: Vec<PrSegment>,
    pub notes: Vec<DataNote>,
}
