/**
 * Charts waiting to draw, one per task: a page of charts given new data at once draws them one
 * after the other in separate tasks (in the order they asked), so the window keeps answering
 * input and painting between two charts instead of freezing for the time of all of them. One
 * queue for every chart, ECharts' and Baton's own.
 */
const drawQueue: (() => void)[] = [];
let drawScheduled = false;

function drawNext() {
  drawScheduled = false;
  const job = drawQueue.shift();
  if (drawQueue.length > 0) scheduleDraw();
  job?.();
}

function scheduleDraw() {
  if (drawScheduled) return;
  drawScheduled = true;
  setTimeout(drawNext, 0);
}

/** Runs `job` in a task of its own, after the draws already queued. */
export function queueDraw(job: () => void) {
  drawQueue.push(job);
  scheduleDraw();
}
