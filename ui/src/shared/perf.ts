//! Performance marks at the moments a person waits for, read by the UI latency benchmark
//! (`tests/e2e/ui-bench.mjs`) through `performance.getEntriesByType("mark")`:
//!
//! - `baton:modules-loaded` — every module of the startup bundle has run (the time before it is
//!   loading and parsing the code);
//! - `baton:nav:<view>` — the route changed to a view;
//! - `baton:filter-change:<page>` — a Flow or Bottlenecks filter was changed;
//! - `baton:ipc:<command>` (a measure) — one IPC round trip: Rust's work, serialisation, transfer
//!   and parse;
//! - `baton:chart-draw:<chart>` (a measure) — building and drawing a chart's new data: for an
//!   ECharts chart the call in which it set its option (queued draws, see `drawQueue`); for a chart Baton draws itself (`PlotChart`, `BarChart`, `DonutChart`) from the
//!   start of its render to its commit;
//! - `baton:chart:<chart>` (a measure) — from a chart's new data to its drawing done: ECharts'
//!   `finished` event, or for Baton's own charts the browser having painted the commit;
//! - `baton:idle:<piece>` (a measure) — a piece of work for later pages run in an idle moment
//!   (`idleWork`);
//! - `baton:drawn:<page>` — the page shows the answer to what was asked and every chart on it has
//!   finished drawing (the page has settled).
//!
//! A chart counts as drawing from the moment it is given new data until it has finished (above);
//! `whenChartsSettled` waits until no chart is drawing. Marks cost microseconds and are
//! cleared as they pile up, so they stay on in every build.

import { type DependencyList, useEffect, useLayoutEffect, useRef } from "react";

/** Charts given an option they have not finished drawing. */
const drawing = new Set<object>();
let waiters: (() => void)[] = [];

/** Keep the timeline short: a long session would otherwise collect marks forever. */
const MAX_ENTRIES = 2_000;

function perf(): Performance | null {
  return typeof performance === "undefined" || typeof performance.mark !== "function" ? null : performance;
}

function trim(p: Performance) {
  if (typeof p.getEntriesByType !== "function") return;
  if (p.getEntriesByType("mark").length > MAX_ENTRIES) p.clearMarks?.();
  if (p.getEntriesByType("measure").length > MAX_ENTRIES) p.clearMeasures?.();
}

/** Work waiting for the first page to settle (`afterFirstDrawn`); null once it has. */
let firstDrawnWaiters: (() => void)[] | null = [];

/** Runs `work` when the window is idle: after the current frame, never in the middle of one. */
function whenIdle(work: () => void): void {
  const w = globalThis as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number };
  if (typeof w.requestIdleCallback === "function") w.requestIdleCallback(work, { timeout: 2_000 });
  else setTimeout(work, 200);
}

/**
 * Runs `work` once the first page has been drawn (its `baton:drawn:*` mark) and the window is
 * idle: for loading what a later page needs without slowing the first one. Returns a function
 * that cancels it.
 */
export function afterFirstDrawn(work: () => void): () => void {
  let live = true;
  const run = () => whenIdle(() => live && work());
  if (firstDrawnWaiters === null) run();
  else firstDrawnWaiters.push(run);
  return () => {
    live = false;
  };
}

/** When a page was opened or its filters changed and it has not been drawn since (performance.now()). */
let pageAskedAt: number | null = null;
/** How long a page opened or changed counts as being drawn at most (a page without charts never marks it). */
const PAGE_SETTLING_MS = 3_000;

/**
 * A page was opened or its filters changed and it has not yet been drawn (for at most 3 s): idle
 * work (`idleWork`) waits meanwhile, so it never lands in what a person is waiting for.
 */
export function pageSettling(): boolean {
  if (pageAskedAt === null) return false;
  const p = perf();
  const now = p ? p.now() : Date.now();
  return now - pageAskedAt < PAGE_SETTLING_MS;
}

/** Puts a named mark on the page's performance timeline. */
export function mark(name: string): void {
  if (name.startsWith("baton:nav:") || name.startsWith("baton:filter-change")) {
    const p = perf();
    pageAskedAt = p ? p.now() : Date.now();
  } else if (name.startsWith("baton:drawn:")) pageAskedAt = null;
  if (firstDrawnWaiters !== null && name.startsWith("baton:drawn:")) {
    const run = firstDrawnWaiters;
    firstDrawnWaiters = null;
    for (const w of run) w();
  }
  const p = perf();
  if (!p) return;
  trim(p);
  p.mark(name);
}

/** Records how long something that started at `startedAt` (performance.now()) took. */
export function measureSince(name: string, startedAt: number): void {
  const p = perf();
  if (!p || typeof p.measure !== "function") return;
  trim(p);
  try {
    p.measure(name, { start: startedAt, end: p.now() });
  } catch {
    // An engine without the options form of measure: nothing to record.
  }
}

/** Times an IPC call: a `baton:ipc:<command>` measure when it answers or fails. */
export function timedIpc<T>(command: string, call: Promise<T>): Promise<T> {
  const p = perf();
  if (!p) return call;
  const started = p.now();
  const done = () => measureSince(`baton:ipc:${command}`, started);
  call.then(done, done);
  return call;
}

/** A chart was given a new option: it is drawing until `chartFinished(token)`. */
export function chartDrawing(token: object): void {
  drawing.add(token);
}

/** A chart fired `finished` (or went away): when none is left drawing, waiters run. */
export function chartFinished(token: object): void {
  if (!drawing.delete(token) || drawing.size > 0) return;
  const run = waiters;
  waiters = [];
  for (const w of run) w();
}

/** How many charts are drawing now. */
export function chartsDrawing(): number {
  return drawing.size;
}

/** Calls `done` once no chart is drawing (at once when none is). The returned function cancels. */
export function whenChartsSettled(done: () => void): () => void {
  if (drawing.size === 0) {
    done();
    return () => {};
  }
  let live = true;
  const waiter = () => {
    if (live) done();
  };
  waiters.push(waiter);
  return () => {
    live = false;
    waiters = waiters.filter((w) => w !== waiter);
  };
}

/**
 * Marks `baton:drawn:<page>` once the page has committed `answer` (non-null: the answer to what
 * is asked now, not a placeholder) and every chart it drew has finished. Call it in the page
 * component: React runs the charts' effects (which hand ECharts their options) before the
 * page's, so the charts are already counted as drawing when this effect asks.
 */
export function useDrawnMark(page: string, answer: unknown): void {
  useEffect(() => {
    if (answer === null || answer === undefined) return;
    return whenChartsSettled(() => mark(`baton:drawn:${page}`));
  }, [page, answer]);
}

/** How long a chart waits for a frame before counting as drawn (a hidden window gets none). */
const HIDDEN_FRAME_MS = 2_000;

/**
 * For a chart Baton draws itself: counts it as drawing from the commit of new data (`deps`)
 * until the browser has painted that commit (a task queued from the next animation frame runs
 * after its paint), with the `baton:chart-draw:<testId>` and `baton:chart:<testId>` measures.
 * A layout effect, so the chart is counted before the page's `useDrawnMark` asks.
 */
export function useChartPainted(testId: string, renderStarted: number, deps: DependencyList): void {
  const token = useRef({});
  const idRef = useRef(testId);
  idRef.current = testId;
  const startedRef = useRef(renderStarted);
  startedRef.current = renderStarted;
  useLayoutEffect(() => {
    const t = token.current;
    chartDrawing(t);
    measureSince(`baton:chart-draw:${idRef.current}`, startedRef.current);
    const committed = typeof performance === "undefined" ? 0 : performance.now();
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = () => {
      if (!live) return;
      live = false;
      measureSince(`baton:chart:${idRef.current}`, committed);
      chartFinished(t);
    };
    const frame =
      typeof requestAnimationFrame === "function"
        ? requestAnimationFrame(() => {
            timer = setTimeout(finish, 0);
          })
        : null;
    if (frame === null) timer = setTimeout(finish, 0);
    // A hidden window gets no frames: the chart is drawn as far as it can be.
    const hidden = setTimeout(finish, HIDDEN_FRAME_MS);
    return () => {
      // Superseded by the next draw, which counts as drawing at once (no "settled" in between),
      // or unmounted (below).
      live = false;
      if (frame !== null && typeof cancelAnimationFrame === "function") cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
      clearTimeout(hidden);
    };
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what a new draw is
  }, deps);
  useEffect(() => {
    const t = token.current;
    return () => chartFinished(t);
  }, []);
}
