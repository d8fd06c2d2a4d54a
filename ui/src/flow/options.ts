//! ECharts options for the Flow page, laid out from the report Rust computed. Nothing here
//! computes a metric: the functions place given series, percentiles and counts on axes.

import type { AgingItem, FlowReport, Stage } from "../lib/ipc";
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
import {
  formatCount,
  formatDay,
  formatDayShort,
  formatDays,
  formatDecimal,
  formatPercent,
} from "../shared/format";
import type { ChartPalette, ResolvedTheme } from "../shared/theme";
import {
  FLOW_STATE_LABELS,
  FLOW_STATES,
  flowStateColor,
  ITEM_KIND_LABELS,
  STAGE_LABELS,
  STAGES,
} from "../workgraph/vocabulary";
import { CFD_STACK } from "./selections";

/** Above this many points a series is drawn in ECharts' large mode (one path, no per-point hover cost). */
export const LARGE_THRESHOLD = 1500;
/**
 * The aging chart draws each pace band as one SVG path from this many dots (Rust sends up to
 * 500): 500 separate dots cost 150–480 ms to draw in WebKitGTK, one path per band about half.
 * The dots keep their size; a click or a tooltip still finds the dot under the pointer.
 */
export const AGING_LARGE_THRESHOLD = 200;

type Colors = { p: ChartPalette; theme: ResolvedTheme };

const PERCENTILE_DASH = [4, 4];

export function percentileColors({ p, theme }: Colors) {
  return {
    p50: p.series[1] ?? p.text,
    p85: theme === "dark" ? "#f0a53c" : "#b45309",
    p95: theme === "dark" ? "#ff7b6b" : "#c2412d",
  };
}

/** Pace bands of the aging chart: under 50%, 50–85%, over 85%, and no finished items to compare. */
export function paceColors({ p, theme }: Colors) {
  return {
    low: flowStateColor("done", theme),
    mid: theme === "dark" ? "#f0a53c" : "#d97706",
    high: theme === "dark" ? "#ff7b6b" : "#c2412d",
    none: p.muted,
  };
}

function base(p: ChartPalette) {
  return {
    aria: { enabled: true },
    animationDuration: 250,
    animationDurationUpdate: 200,
    textStyle: { fontFamily: CHART_FONT },
    color: p.series,
  };
}

function dayAxis(p: ChartPalette, dates: string[], name: string, boundaryGap = true) {
  return {
    ...categoryAxisBase(p, name, dates),
    boundaryGap,
    axisLabel: {
      color: p.muted,
      fontFamily: CHART_FONT,
      hideOverlap: true,
      formatter: (v: string) => formatDayShort(v),
    },
  };
}

/**
 * A series that draws only a horizontal line at `value` (a percentile), so the legend can show
 * and toggle it like any series.
 */
function levelLine(
  name: string,
  value: number | null,
  color: string,
  label: string,
  position: "insideStartTop" | "insideEndTop" = "insideEndTop",
) {
  return {
    type: "line" as const,
    name,
    data: [] as number[],
    color,
    lineStyle: { color, type: PERCENTILE_DASH },
    symbol: "none",
    markLine:
      value === null
        ? undefined
        : {
            silent: true,
            symbol: "none",
            animation: false,
            lineStyle: { color, type: PERCENTILE_DASH, width: 1.5 },
            label: {
              color,
              fontFamily: CHART_FONT,
              fontSize: 11,
              position,
              formatter: label,
            },
            data: [{ yAxis: value }],
          },
  };
}

// ---------- cumulative flow ----------

export function cfdOption(report: FlowReport, c: Colors): ChartOption {
  const { p, theme } = c;
  const dates = report.range.dates;
  const counts = new Map(report.cfd.map((b) => [b.state, b.counts]));
  return {
    ...base(p),
    grid: { left: 16, right: 20, top: 40, bottom: 12, ...CONTAIN_ALL },
    legend: { ...legendBase(p), top: 0, left: 0, data: FLOW_STATES.map((s) => FLOW_STATE_LABELS[s]) },
    tooltip: {
      ...tooltipBase(p),
      trigger: "axis",
      axisPointer: { type: "line", lineStyle: { color: p.axis } },
      formatter: (params: unknown) => {
        const list = params as { dataIndex: number }[];
        const i = list[0]?.dataIndex ?? 0;
        let total = 0;
        const lines = FLOW_STATES.map((s) => {
          const n = counts.get(s)?.[i] ?? 0;
          total += n;
          return `${swatch(flowStateColor(s, theme))}${FLOW_STATE_LABELS[s]}: <b>${formatCount(n)}</b>`;
        });
        return `<b>${formatDay(dates[i] ?? "")}</b> (end of day)<br/>${lines.join("<br/>")}<br/>All: <b>${formatCount(total)}</b>${CLICK_HINT.replace("these items", "the items of a band")}`;
      },
    },
    xAxis: dayAxis(p, dates, "Day", false),
    yAxis: valueAxisBase(p, "Items (count)"),
    series: CFD_STACK.map((state) => ({
      type: "line" as const,
      name: FLOW_STATE_LABELS[state],
      stack: "cfd",
      showSymbol: false,
      symbol: "none",
      lineStyle: { width: 0.6, color: flowStateColor(state, theme) },
      areaStyle: { opacity: 0.88, color: flowStateColor(state, theme) },
      color: flowStateColor(state, theme),
      emphasis: { focus: "series" as const },
      data: counts.get(state) ?? [],
    })),
  };
}

// ---------- cycle-time scatter ----------

export function scatterOption(report: FlowReport, c: Colors): ChartOption {
  const { p } = c;
  const dates = report.range.dates;
  const points = report.scatter.points;
  const ct = report.cycleTime;
  const pc = percentileColors(c);
  const large = points.length > LARGE_THRESHOLD;
  return {
    ...base(p),
    grid: { left: 16, right: 28, top: 40, bottom: 12, ...CONTAIN_ALL },
    legend: { ...legendBase(p), top: 0, left: 0 },
    tooltip: {
      ...tooltipBase(p),
      trigger: "item",
      formatter: (params: unknown) => {
        const { dataIndex, seriesIndex } = params as { dataIndex: number; seriesIndex: number };
        const pt = seriesIndex === 0 ? points[dataIndex] : undefined;
        if (!pt) return "";
        return `<b>${escapeHtml(pt.key)}</b> · ${escapeHtml(ITEM_KIND_LABELS[pt.kind])}<br/>Finished ${formatDay(pt.finished)}<br/>Cycle time <b>${formatDays(pt.days)}</b><br/><span style="opacity:.7">Click to open the item</span>`;
      },
    },
    xAxis: dayAxis(p, dates, "Day finished"),
    yAxis: valueAxisBase(p, "Cycle time (days)", { integer: false }),
    series: [
      {
        type: "scatter",
        name: "Finished items",
        symbolSize: large ? 4 : 7,
        large,
        largeThreshold: LARGE_THRESHOLD,
        itemStyle: { color: p.series[0], opacity: large ? 0.55 : 0.7 },
        emphasis: { scale: 1.6 },
        data: points.map((pt) => [pt.finished, pt.days ?? 0]),
      },
      levelLine("50th percentile", ct.p50, pc.p50, `50%: ${formatDays(ct.p50)}`, "insideStartTop"),
      levelLine("85th percentile (SLE)", ct.p85, pc.p85, `85%: ${formatDays(ct.p85)}`),
      levelLine("95th percentile", ct.p95, pc.p95, `95%: ${formatDays(ct.p95)}`),
    ],
  };
}

// ---------- throughput ----------

/** For each day of the range, the index of its week in `throughputWeekly`. */
export function weekOfDay(report: FlowReport): number[] {
  const out: number[] = [];
  report.throughputWeekly.forEach((w, k) => {
    for (let d = 0; d < w.daysInRange; d++) out.push(k);
  });
  return out;
}

export function throughputOption(report: FlowReport, c: Colors): ChartOption {
  const { p, theme } = c;
  const dates = report.range.dates;
  const weeks = report.throughputWeekly;
  const weekIndex = weekOfDay(report);
  const lineColor = p.series[2] ?? p.text;
  // Each week's point sits in the middle of its days inside the range.
  let start = 0;
  const weekPoints = weeks.map((w) => {
    const mid = dates[start + Math.floor((w.daysInRange - 1) / 2)] ?? dates[start] ?? "";
    start += w.daysInRange;
    const partial = w.daysInRange < 7;
    return {
      value: [mid, w.count],
      // Hollow: a circle filled with the card's own colour. ECharts fills its "emptyCircle"
      // with white whatever the theme, which the dark theme showed as a white dot.
      symbol: "circle",
      symbolSize: partial ? 9 : 7,
      itemStyle: partial
        ? { color: p.surface, borderColor: lineColor, borderWidth: 2, borderType: "dashed" as const }
        : {},
    };
  });
  return {
    ...base(p),
    grid: { left: 16, right: 16, top: 40, bottom: 12, ...CONTAIN_ALL },
    legend: { ...legendBase(p), top: 0, left: 0, data: ["Finished per day", "Finished per week"] },
    tooltip: {
      ...tooltipBase(p),
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (params: unknown) => {
        const list = params as { dataIndex: number; seriesIndex: number }[];
        const day = list.find((s) => s.seriesIndex === 0)?.dataIndex ?? 0;
        const w = weeks[weekIndex[day] ?? -1];
        const weekLine = w
          ? `Week of ${formatDay(w.week)}: <b>${formatCount(w.count)}</b>${w.daysInRange < 7 ? ` <i>(partial week: ${w.daysInRange} of 7 days in the range)</i>` : ""}`
          : "";
        return `<b>${formatDay(dates[day] ?? "")}</b><br/>${swatch(flowStateColor("done", theme))}Finished: <b>${formatCount(report.throughputDaily[day] ?? 0)}</b><br/>${swatch(lineColor)}${weekLine}${CLICK_HINT.replace("Click", "Click a bar or a week's point")}`;
      },
    },
    xAxis: dayAxis(p, dates, "Day"),
    yAxis: [
      valueAxisBase(p, "Items per day"),
      { ...valueAxisBase(p, "Items per week"), splitLine: { show: false } },
    ],
    series: [
      {
        type: "bar",
        name: "Finished per day",
        yAxisIndex: 0,
        barMaxWidth: 14,
        itemStyle: { color: flowStateColor("done", theme), borderRadius: [2, 2, 0, 0] },
        large: dates.length > LARGE_THRESHOLD,
        data: report.throughputDaily,
      },
      {
        type: "line",
        name: "Finished per week",
        yAxisIndex: 1,
        color: lineColor,
        lineStyle: { color: lineColor, width: 2 },
        itemStyle: { color: lineColor },
        data: weekPoints,
        z: 3,
      },
    ],
  };
}

// ---------- WIP ----------

export function wipOption(report: FlowReport, c: Colors): ChartOption {
  const { p, theme } = c;
  const dates = report.range.dates;
  const color = flowStateColor("active", theme);
  const avg = report.littlesLaw.averageWip;
  return {
    ...base(p),
    grid: { left: 16, right: 24, top: 40, bottom: 12, ...CONTAIN_ALL },
    legend: { ...legendBase(p), top: 0, left: 0 },
    tooltip: {
      ...tooltipBase(p),
      trigger: "axis",
      formatter: (params: unknown) => {
        const list = params as { dataIndex: number }[];
        const i = list[0]?.dataIndex ?? 0;
        return `<b>${formatDay(dates[i] ?? "")}</b> (end of day)<br/>${swatch(color)}In progress: <b>${formatCount(report.wipDaily[i] ?? 0)}</b>${CLICK_HINT}`;
      },
    },
    xAxis: dayAxis(p, dates, "Day", false),
    yAxis: valueAxisBase(p, "Items in progress (count)"),
    series: [
      {
        type: "line",
        name: "Work in progress",
        showSymbol: false,
        symbol: "none",
        step: "end",
        color,
        lineStyle: { color, width: 1.5 },
        areaStyle: { color, opacity: 0.18 },
        data: report.wipDaily,
      },
      levelLine("Average", avg, p.muted, `average ${avg === null ? "—" : formatDecimal(avg)}`),
    ],
  };
}

// ---------- aging WIP ----------

/** A stable pseudo-random offset in [-0.3, 0.3] from an item's id, so dots do not jump on redraw. */
export function jitter(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (((h >>> 0) % 1000) / 999 - 0.5) * 0.6;
}

export type PaceBand = "low" | "mid" | "high" | "none";

export function paceBand(pace: number | null): PaceBand {
  if (pace === null) return "none";
  if (pace < 50) return "low";
  if (pace <= 85) return "mid";
  return "high";
}

const PACE_NAMES: Record<PaceBand, string> = {
  low: "Younger than half of finished items (pace < 50%)",
  mid: "Pace 50–85%",
  high: "Older than 85% of finished items",
  none: "No finished items to compare",
};

export type AgingLayout = {
  /** The stages that have items, in flow order: the chart's columns. */
  stages: Stage[];
  option: ChartOption;
  /** The item behind a dot. */
  itemAt: (seriesIndex: number, dataIndex: number) => AgingItem | undefined;
};

export function agingLayout(report: FlowReport, c: Colors): AgingLayout {
  const { p } = c;
  const present = new Set(report.aging.map((a) => a.stage));
  const stages = STAGES.filter((s) => present.has(s));
  const column = new Map(stages.map((s, i) => [s, i]));
  const bands: PaceBand[] = ["low", "mid", "high", "none"];
  const groups = new Map<PaceBand, AgingItem[]>(bands.map((b) => [b, []]));
  for (const a of report.aging) groups.get(paceBand(a.pace))?.push(a);
  const colors = paceColors(c);
  const pc = percentileColors(c);
  const ct = report.cycleTime;
  const large = report.aging.length > AGING_LARGE_THRESHOLD;
  const option: ChartOption = {
    ...base(p),
    grid: { left: 16, right: 28, top: 64, bottom: 12, ...CONTAIN_ALL },
    legend: { ...legendBase(p), top: 0, left: 0, type: "plain" },
    tooltip: {
      ...tooltipBase(p),
      trigger: "item",
      formatter: (params: unknown) => {
        const { seriesIndex, dataIndex } = params as { seriesIndex: number; dataIndex: number };
        const a = groups.get(bands[seriesIndex] ?? "none")?.[dataIndex];
        if (!a) return "";
        const pace =
          a.pace === null
            ? "no finished items in the range to compare with"
            : `older than ${formatPercent(a.pace / 100)} of the items finished in the range`;
        return `<b>${escapeHtml(a.item.key)}</b> ${escapeHtml(a.item.title)}<br/>${escapeHtml(a.teamName ?? "No team")} · ${escapeHtml(STAGE_LABELS[a.stage])}<br/>Age <b>${formatDays(a.ageDays)}</b>: ${pace}<br/><span style="opacity:.7">Click to open the item; click a column's background to list its items</span>`;
      },
    },
    xAxis: {
      ...categoryAxisBase(
        p,
        "Stage now",
        stages.map((s) => STAGE_LABELS[s]),
      ),
      splitArea: { show: true, areaStyle: { color: [p.surface, p.grid], opacity: 0.35 } },
    },
    yAxis: valueAxisBase(p, "Age (days since start)", { integer: false }),
    series: [
      ...bands.map((band) => ({
        type: "scatter" as const,
        name: PACE_NAMES[band],
        symbolSize: 8,
        large,
        largeThreshold: AGING_LARGE_THRESHOLD,
        color: colors[band],
        itemStyle: { color: colors[band], opacity: 0.8 },
        data: (groups.get(band) ?? []).map((a) => [
          (column.get(a.stage) ?? 0) + jitter(a.item.id),
          a.ageDays ?? 0,
        ]),
      })),
      levelLine("50th percentile cycle time", ct.p50, pc.p50, `50%: ${formatDays(ct.p50)}`, "insideStartTop"),
      levelLine("85th percentile cycle time", ct.p85, pc.p85, `85%: ${formatDays(ct.p85)}`),
    ],
  };
  return {
    stages,
    option,
    itemAt: (seriesIndex, dataIndex) => groups.get(bands[seriesIndex] ?? "none")?.[dataIndex],
  };
}

// ---------- flow efficiency ----------

export const EFFICIENCY_BANDS = Array.from({ length: 10 }, (_, i) => `${i * 10}–${i * 10 + 10}%`);

export function efficiencyOption(report: FlowReport, c: Colors): ChartOption {
  const { p, theme } = c;
  const eff = report.efficiency;
  const aggregate = eff.aggregate;
  const aggBand = aggregate === null ? null : Math.min(9, Math.floor(aggregate * 10));
  const color = flowStateColor("active", theme);
  const markColor = percentileColors(c).p85;
  return {
    ...base(p),
    grid: { left: 16, right: 20, top: 40, bottom: 12, ...CONTAIN_ALL },
    legend: { ...legendBase(p), top: 0, left: 0 },
    tooltip: {
      ...tooltipBase(p),
      trigger: "item",
      formatter: (params: unknown) => {
        const { dataIndex, seriesIndex } = params as { dataIndex: number; seriesIndex: number };
        if (seriesIndex !== 0) return "";
        const n = eff.histogram[dataIndex] ?? 0;
        return `<b>Flow efficiency ${EFFICIENCY_BANDS[dataIndex]}</b><br/>${formatCount(n)} finished items${CLICK_HINT}`;
      },
    },
    xAxis: categoryAxisBase(p, "Flow efficiency (active ÷ cycle time)", EFFICIENCY_BANDS),
    yAxis: valueAxisBase(p, "Finished items (count)"),
    series: [
      {
        type: "bar",
        name: "Finished items",
        barMaxWidth: 36,
        itemStyle: { color, borderRadius: [3, 3, 0, 0] },
        data: eff.histogram,
        markLine:
          aggBand === null || aggregate === null
            ? undefined
            : {
                silent: true,
                symbol: "none",
                animation: false,
                lineStyle: { color: markColor, type: PERCENTILE_DASH, width: 1.5 },
                label: {
                  color: markColor,
                  fontFamily: CHART_FONT,
                  formatter: `Aggregate ${formatPercent(aggregate)}`,
                  position: "end" as const,
                },
                data: [{ xAxis: EFFICIENCY_BANDS[aggBand] }],
              },
      },
    ],
  };
}

// ---------- flow distribution ----------

export function distributionOption(report: FlowReport, c: Colors): ChartOption {
  const { p, theme } = c;
  const rows = report.distribution;
  const labels = rows.map((r) => ITEM_KIND_LABELS[r.kind]);
  return {
    ...base(p),
    grid: { left: 16, right: 48, top: 40, bottom: 12, ...CONTAIN_ALL },
    legend: { ...legendBase(p), top: 0, left: 0 },
    tooltip: {
      ...tooltipBase(p),
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (params: unknown) => {
        const list = params as { dataIndex: number }[];
        const r = rows[list[0]?.dataIndex ?? 0];
        if (!r) return "";
        return `<b>${escapeHtml(ITEM_KIND_LABELS[r.kind])}</b><br/>${swatch(flowStateColor("done", theme))}Finished in the range: <b>${formatCount(r.finished)}</b><br/>${swatch(flowStateColor("active", theme))}In progress at its end: <b>${formatCount(r.inProgress)}</b>${CLICK_HINT.replace("Click", "Click a bar")}`;
      },
    },
    xAxis: valueAxisBase(p, "Items (count)"),
    yAxis: {
      ...categoryAxisBase(p, "", labels),
      inverse: true,
      axisLabel: { color: p.text, fontFamily: CHART_FONT },
    },
    series: [
      {
        type: "bar",
        name: "Finished in the range",
        barMaxWidth: 16,
        itemStyle: { color: flowStateColor("done", theme), borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: "right", color: p.muted, fontFamily: CHART_FONT },
        data: rows.map((r) => r.finished),
      },
      {
        type: "bar",
        name: "In progress at the end",
        barMaxWidth: 16,
        itemStyle: { color: flowStateColor("active", theme), borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: "right", color: p.muted, fontFamily: CHART_FONT },
        data: rows.map((r) => r.inProgress),
      },
    ],
  };
}

/** "Cumulative flow: 90 days from …" for screen readers. */
export function describeRange(title: string, report: FlowReport): string {
  return `${title}, ${formatDay(report.range.from)} to ${formatDay(report.range.to)}`;
}
