//! The data behind each chart as CSV rows (header first), straight from the report.

import type { BottleneckReport, FlowReport } from "../lib/ipc";
import type { CsvCell } from "../shared/csv";
import { FLOW_STATES, ITEM_KIND_LABELS, PR_SEGMENT_LABELS, STAGE_LABELS } from "../workgraph/vocabulary";
import { EFFICIENCY_BANDS, weekOfDay } from "./options";

type Rows = CsvCell[][];

export function cfdRows(r: FlowReport): Rows {
  const bands = FLOW_STATES.map((s) => r.cfd.find((b) => b.state === s)?.counts ?? []);
  return [["date", ...FLOW_STATES], ...r.range.dates.map((d, i) => [d, ...bands.map((b) => b[i] ?? 0)])];
}

export function scatterRows(r: FlowReport): Rows {
  return [
    ["item_id", "key", "kind", "finished", "cycle_time_days"],
    ...r.scatter.points.map((pt) => [pt.id, pt.key, pt.kind, pt.finished, pt.days]),
  ];
}

export function throughputRows(r: FlowReport): Rows {
  const weekIndex = weekOfDay(r);
  return [
    ["date", "finished", "week", "finished_in_week", "week_days_in_range"],
    ...r.range.dates.map((d, i) => {
      const w = r.throughputWeekly[weekIndex[i] ?? -1];
      return [d, r.throughputDaily[i] ?? 0, w?.week, w?.count, w?.daysInRange];
    }),
  ];
}

export function wipRows(r: FlowReport): Rows {
  return [["date", "in_progress"], ...r.range.dates.map((d, i) => [d, r.wipDaily[i] ?? 0])];
}

export function agingRows(r: FlowReport): Rows {
  return [
    ["item_id", "key", "title", "team", "stage", "age_days", "pace_percent"],
    ...r.aging.map((a) => [a.item.id, a.item.key, a.item.title, a.teamName, a.stage, a.ageDays, a.pace]),
  ];
}

export function efficiencyRows(r: FlowReport): Rows {
  return [
    ["efficiency_band", "finished_items"],
    ...EFFICIENCY_BANDS.map((band, i) => [band, r.efficiency.histogram[i] ?? 0]),
    ["aggregate", r.efficiency.aggregate],
  ];
}

export function distributionRows(r: FlowReport): Rows {
  return [
    ["kind", "finished_in_range", "in_progress_at_end"],
    ...r.distribution.map((k) => [ITEM_KIND_LABELS[k.kind], k.finished, k.inProgress]),
  ];
}

export function percentileRows(r: FlowReport): Rows {
  return [
    ["team", "finished_items", "p50_days", "p85_days", "p95_days", "mean_days"],
    ["All teams", r.cycleTime.count, r.cycleTime.p50, r.cycleTime.p85, r.cycleTime.p95, r.cycleTime.mean],
    ...r.cycleTimeByTeam.map((t) => [
      t.teamName,
      t.cycleTime.count,
      t.cycleTime.p50,
      t.cycleTime.p85,
      t.cycleTime.p95,
      t.cycleTime.mean,
    ]),
  ];
}

export function littlesLawRows(r: FlowReport): Rows {
  const l = r.littlesLaw;
  return [
    ["average_wip", "throughput_per_day", "average_cycle_days", "predicted_wip"],
    [l.averageWip, l.throughputPerDay, l.averageCycleDays, l.predictedWip],
  ];
}

export function matrixRows(r: BottleneckReport): Rows {
  return [
    ["team", "stage", "median_days", "total_days", "items"],
    ...r.matrix.flatMap((t) =>
      t.cells.map((c) => [t.teamName, STAGE_LABELS[c.stage], c.medianDays, c.totalDays, c.items]),
    ),
  ];
}

export function waitReasonRows(r: BottleneckReport): Rows {
  return [
    ["stage", "total_days", "share", "items", "longest_waits"],
    ...r.waitReasons.map((w) => [
      STAGE_LABELS[w.stage],
      w.totalDays,
      w.share,
      w.items,
      w.examples.map((e) => e.item.key).join(" "),
    ]),
  ];
}

export function blockerRows(r: BottleneckReport): Rows {
  return [
    ["blocking_team", "items_blocked_now", "days_waiting", "top_blocking_items"],
    ...r.blockerClusters.map((c) => [
      c.teamName,
      c.blockedItems,
      c.blockedDays,
      c.blockers.map((b) => `${b.item.key} (${b.blocks})`).join(" "),
    ]),
  ];
}

export function queueRows(r: BottleneckReport): Rows {
  return [
    ["date", ...r.queues.map((q) => q.stage)],
    ...r.range.dates.map((d, i) => [d, ...r.queues.map((q) => q.counts[i] ?? 0)]),
  ];
}

export function prSegmentRows(r: BottleneckReport): Rows {
  return [
    ["segment", "pull_requests", "p50_days", "p85_days", "p95_days", "mean_days"],
    ...r.prSegments.map((s) => [
      PR_SEGMENT_LABELS[s.segment] ?? s.segment,
      s.days.count,
      s.days.p50,
      s.days.p85,
      s.days.p95,
      s.days.mean,
    ]),
  ];
}
