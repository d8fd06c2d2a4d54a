//! The sentences that explain a gap between the two sides of Little's law, from the terms Rust
//! computed (`LittlesLaw`): nothing here is measured, only worded.

import type { FlowReport } from "../lib/ipc";
import { formatDays, formatDecimal, formatPercent, plural } from "../shared/format";

export type LittlesLawGap = {
  /** "Average WIP is 25% above throughput × cycle time." (null without finished items). */
  headline: string | null;
  /** Why, one sentence a reason, when the gap is large (empty otherwise). */
  reasons: string[];
};

function signed(n: number): string {
  return `${n < 0 ? "−" : "+"}${formatDecimal(Math.abs(n))}`;
}

export function explainLittlesLaw(report: FlowReport): LittlesLawGap {
  const l = report.littlesLaw;
  if (l.gap === null || l.gap === undefined || !Number.isFinite(l.gap)) {
    return { headline: null, reasons: [] };
  }
  const direction = l.gap >= 0 ? "above" : "below";
  const headline = `Average work in progress is ${formatPercent(Math.abs(l.gap))} ${direction} throughput × average cycle time${
    l.largeGap ? ", more than the 20% the check tolerates. Why:" : ": the numbers agree."
  }`;
  if (!l.largeGap) return { headline, reasons: [] };

  const reasons: string[] = [];
  const unfinished = l.openAtEnd + l.canceled;
  if (unfinished > 0 && (l.unfinishedWip ?? 0) > 0) {
    const parts: string[] = [];
    if (l.openAtEnd > 0) {
      const reopened =
        l.reopened > 0 ? ` (${plural(l.reopened, "was", "were")} done before and reopened)` : "";
      parts.push(`${plural(l.openAtEnd, "item")} still in progress at its end${reopened}`);
    }
    if (l.canceled > 0) parts.push(`${plural(l.canceled, "started item")} canceled in it`);
    reasons.push(
      `Work not finished in the range: ${parts.join(" and ")} ${unfinished === 1 ? "counts" : "count"} in WIP but not in throughput (${signed(l.unfinishedWip ?? 0)} items of average WIP).`,
    );
  }
  if (l.startedBefore > 0 && (l.carriedInWip ?? 0) > 0) {
    reasons.push(
      `Work started before the range: ${plural(l.startedBefore, "item")} finished in it started earlier; their cycle time before the range adds ${formatDecimal(l.carriedInWip ?? 0)} to throughput × cycle time but to no day's WIP.`,
    );
  }
  if (l.shortRange) {
    reasons.push(
      `The range (${formatDays(l.rangeDays)}) is short next to the cycle times (85% finish within ${formatDays(report.cycleTime.p85)}): most finished work started before it. A longer range gives a steadier check.`,
    );
  }
  if (Math.abs(l.sampling ?? 0) >= 0.05) {
    reasons.push(
      `Reading WIP once a day, at the day's end, moves its average by ${signed(l.sampling ?? 0)}.`,
    );
  }
  return { headline, reasons };
}
