/**
 * Charts waiting to draw, in slices of tasks: a page of charts given new data at once draws them
 * one after the other (in the order they asked), as many in one task as fit in `SLICE_MS`, then
 * the rest in the next task. The window keeps answering input and painting between two slices
 * instead of freezing for the time of all of them, and cheap draws (a few milliseconds each)
 * share one task and so one painted frame: in WebKitGTK (the Linux window's engine, painting and
 * compositing in software) every frame costs tens of milliseconds, so a filter change drawn over
 * seven tasks took seven frames where one does. One queue for every chart, ECharts' and Baton's
 * own.
 */
const drawQueue: (() => void)[] = [];
let drawScheduled = false;

/** The longest a task of draws goes on before the rest waits for the next task. */
export const SLICE_MS = 50;

function now(): number {
  return typeof performance === "undefined" ? Date.now() : performance.now();
}

function drawNext() {
  drawScheduled = false;
  const started = now();
  try {
    while (drawQueue.length > 0) {
      drawQueue.shift()?.();
      if (now() - started >= SLICE_MS) break;
    }
  } finally {
    // A draw that throws does not stop the queue: the rest run in the next task.
    if (drawQueue.length > 0) scheduleDraw();
  }
}

function scheduleDraw() {
  if (drawScheduled) return;
  drawScheduled = true;
  setTimeout(drawNext, 0);
}

/** Runs `job` in a task after the current one, after the draws already queued. */
export function queueDraw(job: () => void) {
  drawQueue.push(job);
  scheduleDraw();
}

/** How many draws wait in the queue. */
export function drawsWaiting(): number {
  return drawQueue.length;
}
