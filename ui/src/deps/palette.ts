//! Colours of the Dependencies page: one per team (the chart series, in a stable order), and the
//! scale that colours a blocking link by how long it has been open.

import type { FlowState } from "../lib/ipc";
import { categoryColor } from "../shared/categoryColors";
import type { ResolvedTheme } from "../shared/theme";

/** The colour of items without a team. */
const NO_TEAM: Record<ResolvedTheme, string> = { light: "#9aa0ac", dark: "#6b7080" };

export type TeamColors = { of: (teamId: string | null | undefined) => string; list: TeamSwatch[] };
export type TeamSwatch = { teamId: string; teamName: string; color: string };

/**
 * A colour per team, in the order given (the report's teams, sorted by name so a team keeps its
 * colour when filters change): distinct for any number of teams, the first nine colour-blind
 * safe (`categoryColor`). Grey is kept for "no team".
 */
export function teamColors(teams: { teamId: string; teamName: string }[], theme: ResolvedTheme): TeamColors {
  const sorted = [...teams].sort(
    (a, b) => a.teamName.localeCompare(b.teamName) || a.teamId.localeCompare(b.teamId),
  );
  const byId = new Map<string, string>();
  const list: TeamSwatch[] = [];
  let n = 0;
  for (const t of sorted) {
    if (byId.has(t.teamId)) continue;
    const color = t.teamId === "" ? NO_TEAM[theme] : categoryColor(n++, theme);
    byId.set(t.teamId, color);
    list.push({ teamId: t.teamId, teamName: t.teamName, color });
  }
  return { of: (id) => byId.get(id ?? "") ?? NO_TEAM[theme], list };
}

/** Upper bounds (days, exclusive) of the age bins; the last bin is open-ended. */
export const AGE_BINS = [7, 14, 30, 60] as const;

const AGE_COLORS: Record<ResolvedTheme, string[]> = {
  light: ["#f2c96b", "#eb9a3f", "#dd6b2c", "#c2412b", "#8f1d2c"],
  dark: ["#f5d27a", "#f3a64d", "#ea7a3c", "#d9503a", "#b32f45"],
};

export function ageBin(days: number | null | undefined): number {
  if (days === null || days === undefined || !Number.isFinite(days)) return 0;
  const i = AGE_BINS.findIndex((limit) => days < limit);
  return i < 0 ? AGE_BINS.length : i;
}

export function ageColor(days: number | null | undefined, theme: ResolvedTheme): string {
  return AGE_COLORS[theme][ageBin(days)] ?? "#888";
}

/** The legend of the age scale: a colour and the range of days it stands for. */
export function ageLegend(theme: ResolvedTheme): { color: string; label: string }[] {
  const bounds = [0, ...AGE_BINS];
  return bounds.map((from, i) => {
    const to = AGE_BINS[i];
    return {
      color: AGE_COLORS[theme][i] ?? "#888",
      label: to === undefined ? `${from}+ days` : from === 0 ? `< ${to} days` : `${from}–${to} days`,
    };
  });
}

/** The colour that marks the critical path (and the focused item). */
export function criticalColor(theme: ResolvedTheme): string {
  return theme === "dark" ? "#ff6b81" : "#d6204e";
}

/** How an item's flow state is drawn in the item graph (the legend uses the same words). */
export const STATE_SHAPES: Record<FlowState, { shape: string; hollow: boolean; dashed: boolean }> = {
  new: { shape: "round-rectangle", hollow: false, dashed: false },
  waiting: { shape: "diamond", hollow: false, dashed: false },
  active: { shape: "ellipse", hollow: false, dashed: false },
  done: { shape: "ellipse", hollow: true, dashed: false },
  canceled: { shape: "ellipse", hollow: true, dashed: true },
};
