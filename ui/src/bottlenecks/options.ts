//! What the Bottlenecks page's charts draw, laid out from the report Rust computed: the stage
//! colours, the heat map's cell values, the queue lines and the pull-request segments. Every
//! chart of the page is drawn by Baton itself (`HeatMap`, `PlotChart`, `BarChart`), none by
//! ECharts: the page's first visit no longer pays ECharts' first draws (150–370 ms each in
//! WebKitGTK, the Linux window's engine).

import { createElement, type ReactNode } from "react";
import type { BottleneckReport, Stage } from "../lib/ipc";
import { formatCount, formatDay, formatDays } from "../shared/format";
import type { PlotHit, PlotLayer } from "../shared/PlotChart";
import type { BarSeries } from "../shared/SimpleCharts";
import { TipLines } from "../shared/TipLines";
import type { ChartPalette, ResolvedTheme } from "../shared/theme";
import { PR_SEGMENT_LABELS, STAGE_LABELS } from "../workgraph/vocabulary";

type Colors = { p: ChartPalette; theme: ResolvedTheme };

export type MatrixMeasure = "median" | "total";

/** One colour per stage, the same on every chart of the page. */
export function stageColor(stage: Stage, { p, theme }: Colors): string {
  const dark = theme === "dark";
  const colors: Record<Stage, string> = {
    queue: dark ? "#f0a53c" : "#d97706",
    active: dark ? "#5b8ff5" : "#2563eb",
    review: p.series[6] ?? "#7c5cc4",
    security: p.series[3] ?? "#c2417b",
    approval: p.series[1] ?? "#0f9488",
    decision: p.series[5] ?? "#2f80c1",
    dependency: p.series[7] ?? "#5a8f29",
    blocked: dark ? "#ff7b6b" : "#c2412d",
    waiting: p.muted,
  };
  return colors[stage];
}

/** The heat map's value of a cell, or null for a cell with no time in it. */
export function cellValue(
  cell: { items: number; medianDays: number | null; totalDays: number | null } | undefined,
  measure: MatrixMeasure,
): number | null {
  if (!cell || cell.items === 0) return null;
  return measure === "median" ? cell.medianDays : cell.totalDays;
}

/** The queue chart's lines: one per reason, a point per day (no markers: a long daily series). */
export function queuesLayers(report: BottleneckReport, c: Colors): PlotLayer[] {
  return report.queues.map((q) => ({
    kind: "line" as const,
    name: STAGE_LABELS[q.stage],
    color: stageColor(q.stage, c),
    points: q.counts.map((y, x) => ({ x, y })),
    markers: false,
  }));
}

/** The queue chart's tooltip: every reason's count at the end of the day pointed at. */
export function queuesTooltip(report: BottleneckReport, c: Colors): (hit: PlotHit) => ReactNode {
  const dates = report.range.dates;
  return ({ index }) =>
    createElement(TipLines, {
      title: `${formatDay(dates[index] ?? "")} (end of day)`,
      lines: report.queues.map((q) => ({
        color: stageColor(q.stage, c),
        text: `${STAGE_LABELS[q.stage]}: `,
        strong: formatCount(q.counts[index] ?? 0),
      })),
      hint: "Click near a line to list its items on that day",
    });
}

const SEGMENT_COLORS = (c: Colors) => [
  c.p.series[5] ?? "#2f80c1",
  c.theme === "dark" ? "#f0a53c" : "#d97706",
  c.p.series[6] ?? "#7c5cc4",
  c.p.series[1] ?? "#0f9488",
];

/**
 * The pull-request segments as one stacked bar, a series per segment (its median days), named
 * with its median and how many pull requests were measured.
 */
export function prSegmentSeries(report: BottleneckReport, c: Colors): BarSeries[] {
  const colors = SEGMENT_COLORS(c);
  return report.prSegments.map((s, i) => ({
    name: `${PR_SEGMENT_LABELS[s.segment] ?? s.segment} ${formatDays(s.days.p50, false)} d (n = ${formatCount(s.days.count)})`,
    color: colors[i] ?? c.p.text,
    values: [s.days.p50 ?? 0],
  }));
}
