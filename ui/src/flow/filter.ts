//! The Flow and Bottlenecks filters: defaults, date-range presets, and the user's time zone.
//! The filter itself is remembered per workspace by the Rust side (`flowFilterGet/Set`).

import type { FlowFilter } from "../lib/ipc";

/** The presets of the date-range picker, in days (each rolls forward with the calendar). */
export const RANGE_PRESETS = [30, 90, 180, 365] as const;

/** The longest range Rust accepts (`MAX_DAYS`). */
export const MAX_RANGE_DAYS = 3660;

export const DEFAULT_FLOW_FILTER: FlowFilter = {
  from: null,
  to: null,
  lastDays: null,
  teams: [],
  sources: [],
  kinds: [],
  provenances: [],
  intents: [],
  rule: "last_entry",
  utcOffsetMinutes: 0,
};

/** Minutes east of UTC on this computer now (UTC+2 is 120). */
export function localUtcOffsetMinutes(now: Date = new Date()): number {
  // `getTimezoneOffset` is minutes *west* of UTC; `|| 0` turns -0 into 0.
  return -now.getTimezoneOffset() || 0;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** Today on this computer's calendar, `YYYY-MM-DD`. */
export function localToday(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function isDay(text: string | null | undefined): text is string {
  return typeof text === "string" && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text));
}

/** `day` moved by `n` calendar days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included. */
export function spanDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

type RangeFields = Pick<FlowFilter, "from" | "to" | "lastDays">;

/**
 * "The last `days` days up to today": Rust resolves it on every request, so a saved preset
 * still means the last 30 days next week (fixed dates would not move).
 */
export function presetRange(days: number): RangeFields {
  return { from: null, to: null, lastDays: days };
}

/** A custom range: fixed dates, shown and kept as they are. */
export function fixedRange(from: string, to: string): RangeFields {
  return { from, to, lastDays: null };
}

/** The default: 90 days up to the latest activity in the workspace. */
export const DEFAULT_RANGE: RangeFields = { from: null, to: null, lastDays: null };

/** Which rolling range the filter asks for, if any. */
export function activePreset(filter: Pick<FlowFilter, "lastDays">): number | null {
  return typeof filter.lastDays === "number" && filter.lastDays > 0 ? filter.lastDays : null;
}

/** True when the range is the default one. */
export function isDefaultRange(filter: RangeFields): boolean {
  return activePreset(filter) === null && filter.from === null && filter.to === null;
}

/** Why a custom range cannot be used, or null when it can. */
export function rangeProblem(from: string, to: string): string | null {
  if (!isDay(from) || !isDay(to)) return "Choose a first and a last day.";
  if (from > to) return "The range starts after it ends.";
  if (spanDays(from, to) > MAX_RANGE_DAYS) return "A range spans at most ten years.";
  return null;
}

/**
 * A saved filter made whole (an older app may have saved fewer fields), with days counted in the
 * zone chosen in Settings (`zone`, sent by name: Rust takes its offset at the range end) or, when
 * none is chosen, in this computer's offset now (`offset`).
 */
export function withLocalZone(
  saved: Partial<FlowFilter> | null | undefined,
  offset: number,
  zone: string | null = null,
): FlowFilter {
  const { timeZone: _saved, ...rest } = { ...DEFAULT_FLOW_FILTER, ...(saved ?? {}) };
  return zone ? { ...rest, utcOffsetMinutes: offset, timeZone: zone } : { ...rest, utcOffsetMinutes: offset };
}

/** True when the filter narrows the work (teams, sources, kinds, provenance, intents). */
export function narrowsWork(f: FlowFilter): boolean {
  return f.teams.length + f.sources.length + f.kinds.length + f.provenances.length + f.intents.length > 0;
}
