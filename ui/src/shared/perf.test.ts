import { afterEach, describe, expect, it } from "vitest";
import { chartDrawing, chartFinished, chartsDrawing, mark, timedIpc, whenChartsSettled } from "./perf";

describe("performance marks for the UI latency benchmark", () => {
  afterEach(() => {
    performance.clearMarks();
    performance.clearMeasures();
  });

  it("waits until every chart given an option has finished drawing", () => {
    const a = {};
    const b = {};
    chartDrawing(a);
    chartDrawing(b);
    let settled = 0;
    whenChartsSettled(() => settled++);
    chartFinished(a);
    expect(settled).toBe(0);
    expect(chartsDrawing()).toBe(1);
    chartFinished(b);
    expect(settled).toBe(1);
    // A chart finishing twice (a redraw nobody asked for) settles nothing again.
    chartFinished(b);
    expect(settled).toBe(1);
  });

  it("settles at once when no chart is drawing, and a cancelled waiter never runs", () => {
    let now = 0;
    whenChartsSettled(() => now++);
    expect(now).toBe(1);
    const c = {};
    chartDrawing(c);
    let later = 0;
    const cancel = whenChartsSettled(() => later++);
    cancel();
    chartFinished(c);
    expect(later).toBe(0);
  });

  it("puts marks on the timeline and measures IPC round trips", async () => {
    mark("baton:nav:flow");
    expect(performance.getEntriesByName("baton:nav:flow", "mark")).toHaveLength(1);
    await expect(timedIpc("flow_report", Promise.resolve(7))).resolves.toBe(7);
    await Promise.resolve();
    expect(performance.getEntriesByName("baton:ipc:flow_report", "measure")).toHaveLength(1);
  });
});
