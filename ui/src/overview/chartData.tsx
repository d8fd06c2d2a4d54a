//! What the Overview's charts draw and say, built from the summary the Rust side computed.
//! Nothing is recomputed here: the functions only lay the given counts out and word them.

import type { ReactNode } from "react";
import type { Count, TeamStates } from "../lib/ipc";
import { formatCount, formatPercent } from "../shared/format";
import type { BarSeries } from "../shared/SimpleCharts";
import { TipLines } from "../shared/TipLines";
import type { ResolvedTheme } from "../shared/theme";
import { FLOW_STATE_LABELS, FLOW_STATES, flowStateColor } from "../workgraph/vocabulary";

export function share(n: number, total: number): string {
  return total > 0 ? formatPercent(n / total) : "–";
}

/** Height that gives each bar room to read. */
export function barChartHeight(bars: number): number {
  return Math.max(200, 110 + bars * 30);
}

/** Items by team: one series per flow state, one value per team. */
export function teamStatesSeries(rows: TeamStates[], theme: ResolvedTheme): BarSeries[] {
  return FLOW_STATES.map((state, i) => ({
    name: FLOW_STATE_LABELS[state],
    color: flowStateColor(state, theme),
    values: rows.map((r) => r.counts[i] ?? 0),
  }));
}

/** A team's row: each flow state shown with its count and share, then the total. */
export function teamTooltip(
  rows: TeamStates[],
  series: BarSeries[],
  index: number,
  hidden: ReadonlySet<number>,
): ReactNode {
  const total = (rows[index]?.counts ?? []).reduce((a, b) => a + b, 0);
  const lines = series
    .map((s, si) => ({ s, si, value: s.values[index] ?? 0 }))
    .filter(({ si, value }) => !hidden.has(si) && value > 0)
    .map(({ s, value }) => ({
      color: s.color,
      text: `${s.name}: `,
      strong: formatCount(value),
      after: ` (${share(value, total)})`,
    }));
  return (
    <TipLines
      title={rows[index]?.teamName ?? ""}
      lines={[...lines, { text: "Total: ", strong: formatCount(total), after: " items" }]}
      hint="Click a segment to list these items"
    />
  );
}

/** One bar of a count chart (items by kind, by source). */
export function countTooltip(counts: Count[], index: number): ReactNode {
  const c = counts[index];
  if (!c) return null;
  const total = counts.reduce((a, x) => a + x.count, 0);
  return (
    <TipLines
      title={c.label}
      lines={[{ text: `${formatCount(c.count)} items (${share(c.count, total)} of all)` }]}
      hint="Click to list these items"
    />
  );
}

/** One slice of a donut (items by flow state, by provenance). */
export function sliceTooltip(counts: Count[], index: number): ReactNode {
  const c = counts[index];
  if (!c) return null;
  const total = counts.reduce((a, x) => a + x.count, 0);
  return (
    <TipLines
      title={c.label}
      lines={[{ text: `${formatCount(c.count)} items (${share(c.count, total)})` }]}
      hint="Click to list these items"
    />
  );
}

/** "Payments 1,200; Platform 800; …" for screen readers. */
export function describeCounts(title: string, entries: { label: string; count: number }[]): string {
  const shown = entries.slice(0, 12).map((e) => `${e.label} ${formatCount(e.count)}`);
  const more = entries.length > 12 ? `; and ${entries.length - 12} more` : "";
  return `${title}: ${shown.join("; ")}${more}`;
}
