import { afterEach, describe, expect, it } from "vitest";
import {
  afterFirstDrawn,
  chartDrawing,
  chartFinished,
  chartsDrawing,
  mark,
  timedIpc,
  whenChartsSettled,
} from "./perf";

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

  it("runs work for later pages only once the first page is drawn and the window is idle", async () => {
    const ran: string[] = [];
    afterFirstDrawn(() => ran.push("preload"));
    const cancel = afterFirstDrawn(() => ran.push("cancelled"));
    cancel();
    mark("baton:nav:overview");
    await new Promise((r) => setTimeout(r, 250));
    expect(ran).toEqual([]);
    mark("baton:drawn:overview");
    expect(ran).toEqual([]);
    await new Promise((r) => setTimeout(r, 250));
    expect(ran).toEqual(["preload"]);
    // Asked after the first page was drawn: it runs at the next idle moment.
    afterFirstDrawn(() => ran.push("late"));
    await new Promise((r) => setTimeout(r, 250));
    expect(ran).toEqual(["preload", "late"]);
  });
});
