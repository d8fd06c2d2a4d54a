//! ECharts options for the Bottlenecks page, laid out from the report Rust computed.

import type { BottleneckReport, Stage } from "../lib/ipc";
import {
  CHART_FONT,
  CLICK_HINT,
  CONTAIN_ALL,
  categoryAxisBase,
  legendBase,
  swatch,
  tooltipBase,
  valueAxisBase,
} from "../shared/chartStyle";
import type { ChartOption } from "../shared/EChart";
import { escapeHtml } from "../shared/EChart";
import { formatCount, formatDay, formatDayShort, formatDays } from "../shared/format";
import type { ChartPalette, ResolvedTheme } from "../shared/theme";
import { PR_SEGMENT_LABELS, STAGE_LABELS } from "../workgraph/vocabulary";

type Colors = { p: ChartPalette; theme: ResolvedTheme };

export type MatrixMeasure = "median" | "total";

function base(p: ChartPalette) {
  return {
    aria: { enabled: true },
    animationDuration: 250,
    animationDurationUpdate: 200,
    textStyle: { fontFamily: CHART_FONT },
    color: p.series,
  };
}

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

export function queuesOption(report: BottleneckReport, c: Colors): ChartOption {
  const { p } = c;
  const dates = report.range.dates;
  return {
    ...base(p),
    grid: { left: 16, right: 20, top: 40, bottom: 12, ...CONTAIN_ALL },
    legend: { ...legendBase(p), top: 0, left: 0 },
    tooltip: {
      ...tooltipBase(p),
      trigger: "axis",
      formatter: (params: unknown) => {
        const list = params as { dataIndex: number }[];
        const i = list[0]?.dataIndex ?? 0;
        const lines = report.queues.map(
          (q) =>
            `${swatch(stageColor(q.stage, c))}${STAGE_LABELS[q.stage]}: <b>${formatCount(q.counts[i] ?? 0)}</b>`,
        );
        return `<b>${formatDay(dates[i] ?? "")}</b> (end of day)<br/>${lines.join("<br/>")}${CLICK_HINT.replace("Click", "Click near a line")}`;
      },
    },
    xAxis: {
      ...categoryAxisBase(p, "Day", dates),
      boundaryGap: false,
      axisLabel: {
        color: p.muted,
        fontFamily: CHART_FONT,
        hideOverlap: true,
        formatter: (v: string) => formatDayShort(v),
      },
    },
    yAxis: valueAxisBase(p, "Items waiting (count)"),
    series: report.queues.map((q) => ({
      type: "line" as const,
      name: STAGE_LABELS[q.stage],
      showSymbol: false,
      symbol: "none",
      color: stageColor(q.stage, c),
      lineStyle: { width: 1.8, color: stageColor(q.stage, c) },
      emphasis: { focus: "series" as const },
      data: q.counts,
    })),
  };
}

const SEGMENT_COLORS = (c: Colors) => [
  c.p.series[5] ?? "#2f80c1",
  c.theme === "dark" ? "#f0a53c" : "#d97706",
  c.p.series[6] ?? "#7c5cc4",
  c.p.series[1] ?? "#0f9488",
];

export function prSegmentsOption(report: BottleneckReport, c: Colors): ChartOption {
  const { p } = c;
  const colors = SEGMENT_COLORS(c);
  return {
    ...base(p),
    grid: { left: 16, right: 24, top: 40, bottom: 12, ...CONTAIN_ALL },
    legend: { ...legendBase(p), top: 0, left: 0 },
    tooltip: {
      ...tooltipBase(p),
      trigger: "item",
      formatter: (params: unknown) => {
        const { seriesIndex } = params as { seriesIndex: number };
        const s = report.prSegments[seriesIndex];
        if (!s) return "";
        return `${swatch(colors[seriesIndex] ?? p.text)}<b>${escapeHtml(PR_SEGMENT_LABELS[s.segment] ?? s.segment)}</b><br/>Median: <b>${formatDays(s.days.p50)}</b><br/>85th percentile: <b>${formatDays(s.days.p85)}</b><br/>Pull requests measured: <b>${formatCount(s.days.count)}</b>`;
      },
    },
    xAxis: valueAxisBase(p, "Median days, one segment after the other", { integer: false }),
    yAxis: { ...categoryAxisBase(p, "", ["Pull request"]), axisLabel: { show: false } },
    series: report.prSegments.map((s, i) => ({
      type: "bar" as const,
      name: `${PR_SEGMENT_LABELS[s.segment] ?? s.segment} (n = ${formatCount(s.days.count)})`,
      stack: "pr",
      barWidth: 44,
      color: colors[i],
      itemStyle: { color: colors[i] },
      label: {
        show: true,
        position: "inside" as const,
        color: "#ffffff",
        fontFamily: CHART_FONT,
        fontSize: 12,
        formatter: () => formatDays(s.days.p50, false),
      },
      data: [s.days.p50 ?? 0],
    })),
  };
}
