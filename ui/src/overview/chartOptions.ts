//! ECharts options for the Overview's charts, built from the summary the Rust side computed.
//! Nothing is recomputed here: the functions only lay the given counts out.

import type { Count, TeamStates } from "../lib/ipc";
import { CHART_FONT, legendBase, tooltipBase } from "../shared/chartStyle";
import type { ChartOption } from "../shared/EChart";
import { escapeHtml } from "../shared/EChart";
import { formatCount, formatPercent } from "../shared/format";
import type { ChartPalette, ResolvedTheme } from "../shared/theme";
import { FLOW_STATE_LABELS, FLOW_STATES, flowStateColor } from "../workgraph/vocabulary";

const FONT = CHART_FONT;

function share(n: number, total: number): string {
  return total > 0 ? formatPercent(n / total) : "–";
}

function valueAxis(p: ChartPalette, name: string) {
  return {
    type: "value" as const,
    name,
    nameLocation: "middle" as const,
    nameGap: 28,
    nameTextStyle: { color: p.muted, fontFamily: FONT, fontSize: 12 },
    minInterval: 1,
    axisLabel: { color: p.muted, fontFamily: FONT, formatter: (v: number) => formatCount(v) },
    splitLine: { lineStyle: { color: p.grid } },
    axisLine: { show: false },
  };
}

function categoryAxis(p: ChartPalette, name: string, labels: string[]) {
  return {
    type: "category" as const,
    data: labels,
    inverse: true,
    name,
    nameLocation: "start" as const,
    nameTextStyle: {
      color: p.muted,
      fontFamily: FONT,
      fontSize: 12,
      align: "right" as const,
      padding: [0, 8, 4, 0],
    },
    axisLabel: { color: p.text, fontFamily: FONT, width: 150, overflow: "truncate" as const },
    axisTick: { show: false },
    axisLine: { lineStyle: { color: p.axis } },
  };
}

/** Height that gives each bar room to read. */
export function barChartHeight(bars: number): number {
  return Math.max(200, 110 + bars * 30);
}

/** Items by team, one horizontal bar per team stacked by flow state. */
export function teamStatesOption(rows: TeamStates[], p: ChartPalette, theme: ResolvedTheme): ChartOption {
  const totals = rows.map((r) => r.counts.reduce((a, b) => a + b, 0));
  return {
    aria: { enabled: true },
    animationDuration: 300,
    textStyle: { fontFamily: FONT },
    grid: { left: 8, right: 24, top: 64, bottom: 36, containLabel: true },
    legend: { ...legendBase(p), top: 0, left: 0, data: FLOW_STATES.map((s) => FLOW_STATE_LABELS[s]) },
    tooltip: {
      ...tooltipBase(p),
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (params: unknown) => {
        const list = params as { dataIndex: number; seriesName: string; value: number; color: string }[];
        const index = list[0]?.dataIndex ?? 0;
        const total = totals[index] ?? 0;
        const lines = list
          .filter((s) => s.value > 0)
          .map(
            (s) =>
              `<span style="display:inline-block;width:8px;height:8px;border-radius:2px;background:${s.color};margin-right:6px"></span>${escapeHtml(s.seriesName)}: <b>${formatCount(s.value)}</b> (${share(s.value, total)})`,
          );
        return `<b>${escapeHtml(rows[index]?.teamName ?? "")}</b><br/>${lines.join("<br/>")}<br/>Total: <b>${formatCount(total)}</b> items<br/><span style="opacity:.7">Click a segment to list these items</span>`;
      },
    },
    xAxis: valueAxis(p, "Items (count)"),
    yAxis: categoryAxis(
      p,
      "Team",
      rows.map((r) => r.teamName),
    ),
    series: FLOW_STATES.map((state, i) => ({
      type: "bar" as const,
      name: FLOW_STATE_LABELS[state],
      stack: "items",
      barMaxWidth: 22,
      itemStyle: { color: flowStateColor(state, theme) },
      emphasis: { focus: "series" as const },
      data: rows.map((r) => r.counts[i] ?? 0),
    })),
  };
}

/** A simple horizontal bar chart of counts (items by kind, by source). */
export function countBarsOption(
  counts: Count[],
  p: ChartPalette,
  axisName: string,
  seriesName: string,
  color: string,
): ChartOption {
  const total = counts.reduce((a, c) => a + c.count, 0);
  return {
    aria: { enabled: true },
    animationDuration: 300,
    textStyle: { fontFamily: FONT },
    grid: { left: 8, right: 56, top: 60, bottom: 36, containLabel: true },
    legend: { ...legendBase(p), top: 0, left: 0, data: [seriesName] },
    tooltip: {
      ...tooltipBase(p),
      trigger: "item",
      formatter: (params: unknown) => {
        const s = params as { dataIndex: number };
        const c = counts[s.dataIndex];
        if (!c) return "";
        return `<b>${escapeHtml(c.label)}</b><br/>${formatCount(c.count)} items (${share(c.count, total)} of all)<br/><span style="opacity:.7">Click to list these items</span>`;
      },
    },
    xAxis: valueAxis(p, "Items (count)"),
    yAxis: categoryAxis(
      p,
      axisName,
      counts.map((c) => c.label),
    ),
    series: [
      {
        type: "bar",
        name: seriesName,
        barMaxWidth: 22,
        itemStyle: { color, borderRadius: [0, 3, 3, 0] },
        label: {
          show: true,
          position: "right",
          color: p.muted,
          fontFamily: FONT,
          formatter: (v: { value: unknown }) => formatCount(Number(v.value)),
        },
        data: counts.map((c) => c.count),
      },
    ],
  };
}

/** A donut of shares (items by flow state, by provenance). */
export function donutOption(
  counts: Count[],
  p: ChartPalette,
  colors: string[],
  seriesName: string,
): ChartOption {
  const total = counts.reduce((a, c) => a + c.count, 0);
  const byLabel = new Map(counts.map((c) => [c.label, c.count]));
  return {
    aria: { enabled: true },
    animationDuration: 300,
    textStyle: { fontFamily: FONT },
    color: colors,
    legend: {
      ...legendBase(p),
      orient: "vertical",
      right: 8,
      top: "middle",
      formatter: (name: string) => {
        const n = byLabel.get(name) ?? 0;
        return `${name}  ${formatCount(n)} (${share(n, total)})`;
      },
    },
    tooltip: {
      ...tooltipBase(p),
      trigger: "item",
      formatter: (params: unknown) => {
        const s = params as { name: string; value: number };
        return `<b>${escapeHtml(s.name)}</b><br/>${formatCount(s.value)} items (${share(s.value, total)})<br/><span style="opacity:.7">Click to list these items</span>`;
      },
    },
    series: [
      {
        type: "pie",
        name: seriesName,
        radius: ["48%", "76%"],
        center: ["32%", "50%"],
        avoidLabelOverlap: true,
        label: { show: false },
        labelLine: { show: false },
        emphasis: { scale: true, scaleSize: 4 },
        itemStyle: { borderColor: p.surface, borderWidth: 2 },
        data: counts.map((c) => ({ name: c.label, value: c.count })),
      },
    ],
  };
}

/** "Payments 1,200; Platform 800; …" for screen readers. */
export function describeCounts(title: string, entries: { label: string; count: number }[]): string {
  const shown = entries.slice(0, 12).map((e) => `${e.label} ${formatCount(e.count)}`);
  const more = entries.length > 12 ? `; and ${entries.length - 12} more` : "";
  return `${title}: ${shown.join("; ")}${more}`;
}
