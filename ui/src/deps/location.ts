//! What the Dependencies page shows, kept in the URL hash (`#/dependencies?team=t1&focus=i9&hops=2
//! &target=intent:g1`) so a reload or a link keeps the filters, the focused item and the
//! critical-path target.

import { useCallback } from "react";
import type { DepsFilter, GraphRequest, Target } from "../lib/ipc";
import { navigate, useRoute } from "../shared/route";

export const MIN_HOPS = 1;
export const MAX_HOPS = 4;
export const DEFAULT_HOPS = 2;
/** The most nodes the item graph asks for (Rust's maximum). */
export const MAX_GRAPH_NODES = 2_000;
/**
 * The most items the whole open blocking graph is drawn with, before any team, intent or item is
 * chosen. A larger graph is shown by team instead (the team map), each team expanding to its
 * items on demand: hundreds of dots are neither readable nor quick to lay out.
 */
export const READABLE_GRAPH_NODES = 300;

export type DepsLocation = {
  filter: DepsFilter;
  /** The item whose neighbourhood the graph shows; null shows the open blocking graph. */
  focus: string | null;
  hops: number;
  /** The critical path to highlight. */
  target: Target | null;
};

const P = { teams: "team", intents: "intent", focus: "focus", hops: "hops", target: "target" } as const;

/** The target the picker built: an item or an intent, by id. */
export function makeTarget(kind: Target["type"], id: string): Target | null {
  const trimmed = id.trim();
  if (!trimmed) return null;
  return kind === "item" ? { type: "item", id: trimmed } : { type: "intent", id: trimmed };
}

/** `item:<id>` / `intent:<id>` → a target; anything else → null. */
export function parseTarget(text: string | null): Target | null {
  if (!text) return null;
  const colon = text.indexOf(":");
  if (colon < 0) return null;
  const kind = text.slice(0, colon);
  if (kind !== "item" && kind !== "intent") return null;
  return makeTarget(kind, text.slice(colon + 1));
}

export function formatTarget(target: Target): string {
  return `${target.type}:${target.id}`;
}

export function sameTarget(a: Target | null, b: Target | null): boolean {
  return a === b || (a !== null && b !== null && a.type === b.type && a.id === b.id);
}

function clampHops(n: number): number {
  return Number.isFinite(n) ? Math.min(MAX_HOPS, Math.max(MIN_HOPS, Math.round(n))) : DEFAULT_HOPS;
}

export function locationFromParams(params: URLSearchParams): DepsLocation {
  const hops = params.get(P.hops);
  return {
    filter: { teams: params.getAll(P.teams), intents: params.getAll(P.intents) },
    focus: params.get(P.focus) || null,
    hops: hops === null ? DEFAULT_HOPS : clampHops(Number(hops)),
    target: parseTarget(params.get(P.target)),
  };
}

export function locationToParams(loc: DepsLocation): URLSearchParams {
  const params = new URLSearchParams();
  for (const t of loc.filter.teams) params.append(P.teams, t);
  for (const i of loc.filter.intents) params.append(P.intents, i);
  if (loc.focus) params.set(P.focus, loc.focus);
  if (loc.hops !== DEFAULT_HOPS) params.set(P.hops, String(loc.hops));
  if (loc.target) params.set(P.target, formatTarget(loc.target));
  return params;
}

export function hasFilter(filter: DepsFilter): boolean {
  return filter.teams.length + filter.intents.length > 0;
}

/** The `depsGraph` request for what the page shows. */
export function graphRequest(loc: DepsLocation): GraphRequest {
  return {
    focus: loc.focus,
    hops: loc.hops,
    filter: loc.filter,
    critical: loc.target,
    maxNodes: loc.focus !== null || hasFilter(loc.filter) ? MAX_GRAPH_NODES : READABLE_GRAPH_NODES,
  };
}

/** The page's location and a way to change part of it (replacing the history entry). */
export function useDepsLocation(): [DepsLocation, (change: Partial<DepsLocation>) => void] {
  const route = useRoute();
  const loc = locationFromParams(route.params);
  const change = useCallback((patch: Partial<DepsLocation>) => {
    // Read the hash again: two changes in one event must not undo each other.
    const hash = window.location.hash;
    const q = hash.indexOf("?");
    const current = locationFromParams(new URLSearchParams(q < 0 ? "" : hash.slice(q + 1)));
    navigate("dependencies", locationToParams({ ...current, ...patch }), { replace: true });
  }, []);
  return [loc, change];
}
