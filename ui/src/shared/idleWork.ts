/**
 * Work for later pages done while the window is idle, one piece per idle moment: loading the
 * charting code, a page's code, starting its layout worker. Each
 * piece is a task of its own, so no two of them add up to one long stall, and a piece waits while
 * a page's charts are drawing (a filter change, a page being opened): it never lands between the
 * draws a person is waiting for. Each piece's synchronous part is a `baton:idle:<name>` measure
 * (the benchmark names what ran in a stall); a piece that returns a promise (a module loading)
 * holds the queue until it settles, so its evaluation is not followed at once by the next piece.
 *
 * Nothing here runs before the first page has been drawn (`afterFirstDrawn`).
 */
import { drawsWaiting } from "./drawQueue";
import { afterFirstDrawn, chartsDrawing, measureSince, pageSettling } from "./perf";

type Piece = { name: string; run: () => unknown };

const pieces: Piece[] = [];
let pumping = false;
let started = false;

/** Below this many milliseconds left in an idle period, a piece waits for the next one. */
const MIN_IDLE_MS = 25;
/** Without `requestIdleCallback`, the pause between two pieces and the wait while charts draw. */
const PAUSE_MS = 150;

type IdleDeadline = { timeRemaining: () => number; didTimeout: boolean };
type IdleWindow = {
  requestIdleCallback?: (cb: (deadline: IdleDeadline) => void, o?: { timeout: number }) => number;
};

/** Calls `ready` at an idle moment with no chart drawing and no draw queued. */
function whenQuiet(ready: () => void): void {
  const w = globalThis as IdleWindow;
  const busy = () => chartsDrawing() > 0 || drawsWaiting() > 0 || pageSettling();
  if (typeof w.requestIdleCallback === "function") {
    const ric = w.requestIdleCallback;
    const wait = () =>
      ric(
        (deadline) => {
          if (busy() || (!deadline.didTimeout && deadline.timeRemaining() < MIN_IDLE_MS)) wait();
          else ready();
        },
        { timeout: 5_000 },
      );
    wait();
    return;
  }
  const wait = () =>
    setTimeout(() => {
      if (busy()) wait();
      else ready();
    }, PAUSE_MS);
  wait();
}

function pump(): void {
  if (pumping || !started || pieces.length === 0) return;
  pumping = true;
  whenQuiet(() => {
    const piece = pieces.shift();
    const next = () => {
      pumping = false;
      pump();
    };
    if (!piece) return next();
    const t0 = typeof performance === "undefined" ? 0 : performance.now();
    let result: unknown;
    try {
      result = piece.run();
    } catch {
      // Idle work only saves a later page time: that page does it again and shows any error.
      result = undefined;
    }
    measureSince(`baton:idle:${piece.name}`, t0);
    if (result instanceof Promise) result.then(next, next);
    else next();
  });
}

/** Queues `run` for an idle moment after the first page has been drawn, after the pieces queued before. */
export function whenIdleLater(name: string, run: () => unknown): void {
  pieces.push({ name, run });
  pump();
}

afterFirstDrawn(() => {
  started = true;
  pump();
});

/** For tests: forgets the queued pieces. */
export function resetIdleWork(): void {
  pieces.length = 0;
  pumping = false;
}
