//! What the Flow charts share: their colours, the week of each day, the aging chart's jitter
//! and pace bands, and the words for screen readers. The charts' layers are in `plots.tsx`;
//! nothing here computes a metric.

import type { FlowReport } from "../lib/ipc";
import { formatDay } from "../shared/format";
import type { ChartPalette, ResolvedTheme } from "../shared/theme";
import { flowStateColor } from "../workgraph/vocabulary";

export type Colors = { p: ChartPalette; theme: ResolvedTheme };

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

/** For each day of the range, the index of its week in `throughputWeekly`. */
export function weekOfDay(report: FlowReport): number[] {
  const out: number[] = [];
  report.throughputWeekly.forEach((w, k) => {
    for (let d = 0; d < w.daysInRange; d++) out.push(k);
  });
  return out;
}

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

export const EFFICIENCY_BANDS = Array.from({ length: 10 }, (_, i) => `${i * 10}–${i * 10 + 10}%`);

/** "Cumulative flow: 90 days from …" for screen readers. */
export function describeRange(title: string, report: FlowReport): string {
  return `${title}, ${formatDay(report.range.from)} to ${formatDay(report.range.to)}`;
}
