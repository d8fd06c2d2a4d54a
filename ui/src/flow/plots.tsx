//! What each Flow chart draws (`PlotChart` layers) and says (its tooltip), laid out from the
//! report Rust computed. Nothing here computes a metric: the functions place given series,
//! percentiles and counts on axes. Tooltips are React text: keys and titles from sources are
//! never HTML.

import type { ReactNode } from "react";
import type { AgingItem, FlowReport, FlowSelection, Stage } from "../lib/ipc";
import {
  formatCount,
  formatDay,
  formatDayShort,
  formatDays,
  formatDecimal,
  formatPercent,
} from "../shared/format";
import type { PlotHit, PlotLayer } from "../shared/PlotChart";
import { TipLines } from "../shared/TipLines";
import {
  FLOW_STATE_LABELS,
  FLOW_STATES,
  flowStateColor,
  ITEM_KIND_LABELS,
  STAGE_LABELS,
  STAGES,
} from "../workgraph/vocabulary";
import {
  type Colors,
  EFFICIENCY_BANDS,
  jitter,
  type PaceBand,
  paceBand,
  paceColors,
  percentileColors,
  weekOfDay,
} from "./options";
import {
  agingStageSelection,
  CFD_STACK,
  efficiencySelection,
  throughputSelection,
  wipSelection,
} from "./selections";

/** A chart's drawing: its columns, layers, tooltip, and what a click on it means. */
export type Plot<Click> = {
  categories: string[];
  layers: PlotLayer[];
  tooltip: (hit: PlotHit, hidden: ReadonlySet<number>) => ReactNode | null;
  /** What a click (or Enter) on `hit` asks for; null asks nothing. */
  clickOf: (hit: PlotHit) => Click | null;
};

const LIST_HINT = "Click to list these items";
const OPEN_HINT = "Click to open the item";

/** Above this many dots the scatter draws them smaller and fainter (Rust sends up to 4,000). */
export const DENSE_DOTS = 1500;

function level(
  name: string,
  value: number | null,
  color: string,
  label: string,
  align: "start" | "end" = "end",
): PlotLayer {
  return { kind: "level", name, value, color, label, align };
}

export const dayLabel = (day: string) => formatDayShort(day);

// ---------- cumulative flow ----------

export function cfdPlot(report: FlowReport, c: Colors): Plot<FlowSelection> {
  const dates = report.range.dates;
  const counts = new Map(report.cfd.map((b) => [b.state, b.counts]));
  return {
    categories: dates,
    layers: CFD_STACK.map((state) => ({
      kind: "area",
      stack: true,
      name: FLOW_STATE_LABELS[state],
      color: flowStateColor(state, c.theme),
      values: counts.get(state) ?? [],
    })),
    tooltip: ({ index }) => {
      let total = 0;
      const lines = FLOW_STATES.map((s) => {
        const n = counts.get(s)?.[index] ?? 0;
        total += n;
        return {
          color: flowStateColor(s, c.theme),
          text: `${FLOW_STATE_LABELS[s]}: `,
          strong: formatCount(n),
        };
      });
      return (
        <TipLines
          title={`${formatDay(dates[index] ?? "")} (end of day)`}
          lines={[...lines, { text: "All: ", strong: formatCount(total) }]}
          hint="Click a band to list its items"
        />
      );
    },
    clickOf: ({ layer, index }) => {
      const state = layer === null ? undefined : CFD_STACK[layer];
      const day = dates[index];
      return state && day ? { type: "in_state_at", day, state } : null;
    },
  };
}

// ---------- cycle-time scatter ----------

/** A click on the scatter opens the item behind a dot. */
export function scatterPlot(report: FlowReport, c: Colors): Plot<string> {
  const dates = report.range.dates;
  const column = new Map(dates.map((d, i) => [d, i]));
  const points = report.scatter.points;
  const ct = report.cycleTime;
  const pc = percentileColors(c);
  const dense = points.length > DENSE_DOTS;
  return {
    categories: dates,
    layers: [
      {
        kind: "dots",
        name: "Finished items",
        color: c.p.series[0] ?? c.p.text,
        size: dense ? 4 : 7,
        opacity: dense ? 0.55 : 0.7,
        points: points.map((pt) => ({
          x: column.get(pt.finished) ?? column.get(pt.finished.slice(0, 10)) ?? 0,
          y: pt.days ?? 0,
        })),
      },
      level("50th percentile", ct.p50, pc.p50, `50%: ${formatDays(ct.p50)}`, "start"),
      level("85th percentile (SLE)", ct.p85, pc.p85, `85%: ${formatDays(ct.p85)}`),
      level("95th percentile", ct.p95, pc.p95, `95%: ${formatDays(ct.p95)}`),
    ],
    tooltip: ({ layer, index }) => {
      const pt = layer === 0 ? points[index] : undefined;
      if (!pt) return null;
      return (
        <TipLines
          title={`${pt.key} · ${ITEM_KIND_LABELS[pt.kind]}`}
          lines={[
            { text: `Finished ${formatDay(pt.finished)}` },
            { text: "Cycle time ", strong: formatDays(pt.days) },
          ]}
          hint={OPEN_HINT}
        />
      );
    },
    clickOf: ({ layer, index }) => (layer === 0 ? (points[index]?.id ?? null) : null),
  };
}

// ---------- throughput ----------

export function throughputPlot(report: FlowReport, c: Colors): Plot<FlowSelection> {
  const { p, theme } = c;
  const dates = report.range.dates;
  const weeks = report.throughputWeekly;
  const weekIndex = weekOfDay(report);
  const lineColor = p.series[2] ?? p.text;
  const barColor = flowStateColor("done", theme);
  // Each week's point sits in the middle of its days inside the range.
  let start = 0;
  const mids = weeks.map((w) => {
    const mid = start + Math.floor((w.daysInRange - 1) / 2);
    start += w.daysInRange;
    return mid;
  });
  return {
    categories: dates,
    layers: [
      { kind: "bars", name: "Finished per day", color: barColor, values: report.throughputDaily },
      {
        kind: "line",
        name: "Finished per week",
        color: lineColor,
        right: true,
        points: weeks.map((w, k) => ({ x: mids[k] ?? 0, y: w.count, hollow: w.daysInRange < 7 })),
      },
    ],
    tooltip: ({ layer, index }) => {
      const day = layer === 1 ? (mids[index] ?? 0) : index;
      const w = weeks[layer === 1 ? index : (weekIndex[day] ?? -1)];
      const lines = [
        { color: barColor, text: "Finished: ", strong: formatCount(report.throughputDaily[day] ?? 0) },
      ];
      if (w)
        lines.push({
          color: lineColor,
          text: `Week of ${formatDay(w.week)}: `,
          strong: formatCount(w.count),
          ...(w.daysInRange < 7 ? { after: ` (partial week: ${w.daysInRange} of 7 days in the range)` } : {}),
        });
      return (
        <TipLines
          title={formatDay(dates[day] ?? "")}
          lines={lines}
          hint={
            layer === 1 ? "Click to list the week's items" : "Click a bar or a week's point to list its items"
          }
        />
      );
    },
    clickOf: ({ layer, index }) => throughputSelection(report, layer === 1 ? 1 : 0, index),
  };
}

// ---------- WIP ----------

export function wipPlot(report: FlowReport, c: Colors): Plot<FlowSelection> {
  const { p, theme } = c;
  const dates = report.range.dates;
  const color = flowStateColor("active", theme);
  const avg = report.littlesLaw.averageWip;
  return {
    categories: dates,
    layers: [
      { kind: "area", name: "Work in progress", color, step: true, opacity: 0.18, values: report.wipDaily },
      level("Average", avg, p.muted, `average ${avg === null ? "—" : formatDecimal(avg)}`),
    ],
    tooltip: ({ index }) => (
      <TipLines
        title={`${formatDay(dates[index] ?? "")} (end of day)`}
        lines={[{ color, text: "In progress: ", strong: formatCount(report.wipDaily[index] ?? 0) }]}
        hint={LIST_HINT}
      />
    ),
    clickOf: ({ index }) => wipSelection(report, index),
  };
}

// ---------- aging WIP ----------

const PACE_NAMES: Record<PaceBand, string> = {
  low: "Younger than half of finished items (pace < 50%)",
  mid: "Pace 50–85%",
  high: "Older than 85% of finished items",
  none: "No finished items to compare",
};

const BANDS: PaceBand[] = ["low", "mid", "high", "none"];

/** A click on the aging chart: a dot opens its item, a column lists its stage's items. */
export type AgingClick = { item: string } | { selection: FlowSelection };

export function agingPlot(report: FlowReport, c: Colors): Plot<AgingClick> & { stages: Stage[] } {
  const present = new Set(report.aging.map((a) => a.stage));
  const stages = STAGES.filter((s) => present.has(s));
  const column = new Map(stages.map((s, i) => [s, i]));
  const groups = new Map<PaceBand, AgingItem[]>(BANDS.map((b) => [b, []]));
  for (const a of report.aging) groups.get(paceBand(a.pace))?.push(a);
  const inStage = new Map<Stage, number>();
  for (const a of report.aging) inStage.set(a.stage, (inStage.get(a.stage) ?? 0) + 1);
  const colors = paceColors(c);
  const pc = percentileColors(c);
  const ct = report.cycleTime;
  const itemAt = (layer: number | null, index: number) =>
    layer === null ? undefined : groups.get(BANDS[layer] ?? "none")?.[index];
  return {
    stages,
    categories: stages.map((s) => STAGE_LABELS[s]),
    layers: [
      ...BANDS.map(
        (band): PlotLayer => ({
          kind: "dots",
          name: PACE_NAMES[band],
          color: colors[band],
          size: 8,
          opacity: 0.8,
          points: (groups.get(band) ?? []).map((a) => ({
            x: (column.get(a.stage) ?? 0) + jitter(a.item.id),
            y: a.ageDays ?? 0,
          })),
        }),
      ),
      level("50th percentile cycle time", ct.p50, pc.p50, `50%: ${formatDays(ct.p50)}`, "start"),
      level("85th percentile cycle time", ct.p85, pc.p85, `85%: ${formatDays(ct.p85)}`),
    ],
    tooltip: ({ layer, index }) => {
      if (layer === null) {
        const stage = stages[index];
        if (!stage) return null;
        return (
          <TipLines
            title={STAGE_LABELS[stage]}
            lines={[{ text: "Drawn here: ", strong: formatCount(inStage.get(stage) ?? 0), after: " items" }]}
            hint="Click the column's background to list its items"
          />
        );
      }
      const a = itemAt(layer, index);
      if (!a) return null;
      const pace =
        a.pace === null
          ? "no finished items in the range to compare with"
          : `older than ${formatPercent(a.pace / 100)} of the items finished in the range`;
      return (
        <TipLines
          title={`${a.item.key} ${a.item.title}`}
          lines={[
            { text: `${a.teamName ?? "No team"} · ${STAGE_LABELS[a.stage]}` },
            { text: "Age ", strong: formatDays(a.ageDays), after: `: ${pace}` },
          ]}
          hint="Click to open the item; click a column's background to list its items"
        />
      );
    },
    clickOf: ({ layer, index }) => {
      if (layer === null) {
        const selection = agingStageSelection(stages, index);
        return selection ? { selection } : null;
      }
      const a = itemAt(layer, index);
      return a ? { item: a.item.id } : null;
    },
  };
}

// ---------- flow efficiency ----------

export function efficiencyPlot(report: FlowReport, c: Colors): Plot<FlowSelection> {
  const eff = report.efficiency;
  const aggregate = eff.aggregate;
  const aggBand = aggregate === null ? null : Math.min(9, Math.floor(aggregate * 10));
  const color = flowStateColor("active", c.theme);
  return {
    categories: EFFICIENCY_BANDS,
    layers: [
      { kind: "bars", name: "Finished items", color, values: eff.histogram },
      {
        kind: "level",
        axis: "x",
        name: "All finished items (aggregate)",
        color: percentileColors(c).p85,
        value: aggBand,
        label: aggregate === null ? "" : `Aggregate ${formatPercent(aggregate)}`,
      },
    ],
    tooltip: ({ index }) => (
      <TipLines
        title={`Flow efficiency ${EFFICIENCY_BANDS[index] ?? ""}`}
        lines={[
          { color, text: "", strong: formatCount(eff.histogram[index] ?? 0), after: " finished items" },
        ]}
        hint={LIST_HINT}
      />
    ),
    clickOf: ({ index }) => efficiencySelection(index),
  };
}
