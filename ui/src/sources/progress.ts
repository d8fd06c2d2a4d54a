//! Live sync runs, folded from `syncProgressEvent`s (started → pages → waiting → finished,
//! throttled by Rust to about two a second): one entry per source, for its progress bar.

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useReducer } from "react";
import { type ErrorCode, onSyncProgress, type RunStatus, type SyncProgress } from "../lib/ipc";

export type LiveWait = {
  rateLimit: boolean;
  seconds: number | null;
  /** When the wait ends (RFC 3339). */
  until: string;
  reason: string;
  /** When the wait began, on this computer's clock (for the bar's fill). */
  since: number;
};

export type LiveRun = {
  runId: string | null;
  /** "starting": Sync now was pressed and Rust has not reported the run yet. */
  phase: "starting" | "running" | "waiting" | "finished";
  stream: string | null;
  pages: number;
  items: number;
  wait: LiveWait | null;
  /** Rate-limit waits so far in this run. */
  rateLimitWaits: number;
  end: {
    status: RunStatus;
    errorCode: ErrorCode | null;
    missingScope: string | null;
    error: string | null;
  } | null;
};

export type LiveRuns = Readonly<Record<string, LiveRun>>;

const FRESH: LiveRun = {
  runId: null,
  phase: "running",
  stream: null,
  pages: 0,
  items: 0,
  wait: null,
  rateLimitWaits: 0,
  end: null,
};

/** One event applied to the live runs. `now` is this computer's clock, in ms. */
export function applyProgress(runs: LiveRuns, p: SyncProgress, now: number): LiveRuns {
  const current = runs[p.sourceId];
  if (p.type === "started") {
    return { ...runs, [p.sourceId]: { ...FRESH, runId: p.runId } };
  }
  // A late event of a run already finished changes nothing; one of a run we did not see start
  // (the screen opened mid-run) begins a new entry.
  let base: LiveRun;
  if (current && current.runId === p.runId) {
    if (current.phase === "finished") return runs;
    base = current;
  } else if (current && current.runId === null && current.phase === "starting") {
    base = { ...current, runId: p.runId };
  } else {
    base = { ...FRESH, runId: p.runId };
  }
  let next: LiveRun;
  switch (p.type) {
    case "progress":
      next = { ...base, phase: "running", stream: p.stream, pages: p.pages, items: p.items, wait: null };
      break;
    case "waiting":
      next = {
        ...base,
        phase: "waiting",
        wait: {
          rateLimit: p.rateLimit,
          seconds: p.seconds,
          until: p.until,
          reason: p.reason,
          since: now,
        },
        rateLimitWaits: base.rateLimitWaits + (p.rateLimit ? 1 : 0),
      };
      break;
    case "finished":
      next = {
        ...base,
        phase: "finished",
        pages: p.pages,
        items: p.items,
        wait: null,
        end: { status: p.status, errorCode: p.errorCode, missingScope: p.missingScope, error: p.error },
      };
      break;
  }
  return { ...runs, [p.sourceId]: next };
}

type Action =
  | { type: "event"; progress: SyncProgress; now: number }
  | { type: "starting"; sourceId: string }
  | { type: "not-started"; sourceId: string };

function reduce(runs: LiveRuns, action: Action): LiveRuns {
  if (action.type === "event") return applyProgress(runs, action.progress, action.now);
  const current = runs[action.sourceId];
  if (action.type === "not-started") {
    if (current?.phase !== "starting") return runs;
    const { [action.sourceId]: _dropped, ...rest } = runs;
    return rest;
  }
  // A run already going satisfies "Sync now" (Rust says so too): keep following it.
  if (current && (current.phase === "running" || current.phase === "waiting")) return runs;
  return { ...runs, [action.sourceId]: { ...FRESH, phase: "starting" } };
}

/**
 * Follows every source's sync while the screen is open. When a run ends, the source list and
 * its history are refetched (Rust also sends `workspaceChanged` when the run wrote data).
 */
export function useLiveSyncs(): {
  runs: LiveRuns;
  markStarting: (sourceId: string) => void;
  /** "Sync now" failed: forget the run that was about to start. */
  markNotStarted: (sourceId: string) => void;
} {
  const client = useQueryClient();
  const [runs, dispatch] = useReducer(reduce, {});
  useEffect(
    () =>
      onSyncProgress((progress) => {
        dispatch({ type: "event", progress, now: Date.now() });
        if (progress.type === "finished" || progress.type === "started") {
          void client.invalidateQueries({ queryKey: ["sources"] });
        }
      }),
    [client],
  );
  const markStarting = useCallback((sourceId: string) => dispatch({ type: "starting", sourceId }), []);
  const markNotStarted = useCallback((sourceId: string) => dispatch({ type: "not-started", sourceId }), []);
  return { runs, markStarting, markNotStarted };
}
