//! What a click on a chart means: the `FlowSelection` Rust lists the items of. Pure functions of
//! the report and the clicked position, so each mapping is tested on its own.

import type { FlowReport, FlowSelection, FlowState, ItemKind, Stage } from "../lib/ipc";
import { formatDay } from "../shared/format";
import { FLOW_STATE_LABELS, ITEM_KIND_LABELS, STAGE_LABELS } from "../workgraph/vocabulary";

/** Bottom to top: the order the cumulative flow diagram stacks its bands in. */
export const CFD_STACK: readonly FlowState[] = ["canceled", "done", "active", "waiting", "new"];

function dayAt(dates: readonly string[], x: number): string | null {
  const i = Math.round(x);
  return i >= 0 && i < dates.length ? (dates[i] ?? null) : null;
}

/** A click on the throughput chart: a day's bar, or a week's point. */
export function throughputSelection(
  report: FlowReport,
  seriesIndex: number,
  dataIndex: number,
): FlowSelection | null {
  if (seriesIndex === 0) {
    const day = report.range.dates[dataIndex];
    return day ? { type: "finished_on", day } : null;
  }
  const week = report.throughputWeekly[dataIndex];
  return week ? { type: "finished_in_week", week: week.week } : null;
}

/** A click in the cumulative flow diagram at day `x`, height `y`: the band under the pointer. */
export function cfdSelection(report: FlowReport, x: number, y: number): FlowSelection | null {
  const day = dayAt(report.range.dates, x);
  if (!day || y < 0) return null;
  const index = Math.round(x);
  let top = 0;
  for (const state of CFD_STACK) {
    top += report.cfd.find((b) => b.state === state)?.counts[index] ?? 0;
    if (y <= top) return { type: "in_state_at", day, state };
  }
  return null;
}

/** A click on the WIP chart at day `x`. */
export function wipSelection(report: FlowReport, x: number): FlowSelection | null {
  const day = dayAt(report.range.dates, x);
  return day ? { type: "in_progress_at", day } : null;
}

export function efficiencySelection(band: number): FlowSelection | null {
  return band >= 0 && band <= 9 ? { type: "efficiency_band", band } : null;
}

/** Series 0 is "finished", series 1 "in progress"; data follows `report.distribution`. */
export function distributionSelection(
  report: FlowReport,
  seriesIndex: number,
  dataIndex: number,
): FlowSelection | null {
  const kind = report.distribution[dataIndex]?.kind;
  if (!kind) return null;
  return seriesIndex === 0 ? { type: "finished_kind", kind } : { type: "in_progress_kind", kind };
}

/** A click in a column of the aging chart (not on a dot). */
export function agingStageSelection(stages: readonly Stage[], x: number): FlowSelection | null {
  const i = Math.round(x);
  const stage = stages[i];
  return stage && Math.abs(x - i) <= 0.5 ? { type: "in_progress_in_stage", stage } : null;
}

const KIND_PLURAL = (kind: ItemKind) => `${ITEM_KIND_LABELS[kind]} items`;

/** A heading for the list of items behind a selection. */
export function describeSelection(selection: FlowSelection, teamName?: string): string {
  const team = teamName ?? "No team";
  switch (selection.type) {
    case "finished":
      return teamName ? `${teamName}: items finished in the range` : "Items finished in the range";
    case "finished_on":
      return `Finished on ${formatDay(selection.day)}`;
    case "finished_in_week":
      return `Finished in the week of ${formatDay(selection.week)}`;
    case "in_state_at":
      return `${FLOW_STATE_LABELS[selection.state]} at the end of ${formatDay(selection.day)}`;
    case "in_progress_at":
      return `In progress at the end of ${formatDay(selection.day)}`;
    case "in_progress_in_stage":
      return `In progress now, in ${STAGE_LABELS[selection.stage]}`;
    case "efficiency_band":
      return `Flow efficiency ${selection.band * 10}–${selection.band * 10 + 10}%`;
    case "finished_kind":
      return `${KIND_PLURAL(selection.kind)} finished in the range`;
    case "in_progress_kind":
      return `${KIND_PLURAL(selection.kind)} in progress at the end of the range`;
    case "time_in_stage":
      return `${team}: time in ${STAGE_LABELS[selection.stage]}`;
    case "waiting_in":
      return `Waited in ${STAGE_LABELS[selection.stage]}`;
    case "waiting_at":
      return `Waiting in ${STAGE_LABELS[selection.stage]} at the end of ${formatDay(selection.day)}`;
    case "blocked_by":
      return `Waiting now, blocked by ${team}'s open items`;
  }
}
