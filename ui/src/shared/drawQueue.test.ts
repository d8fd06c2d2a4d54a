import { afterEach, describe, expect, it, vi } from "vitest";
import { queueDraw, SLICE_MS } from "./drawQueue";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("drawQueue", () => {
  it("runs cheap draws together in the next task, in the order they were queued", () => {
    vi.useFakeTimers();
    const ran: string[] = [];
    for (const name of ["cfd", "scatter", "throughput"]) queueDraw(() => ran.push(name));
    expect(ran).toEqual([]);
    vi.advanceTimersToNextTimer();
    expect(ran).toEqual(["cfd", "scatter", "throughput"]);
  });

  it("leaves the draws past the slice for the next task, and goes on after a draw that throws", () => {
    vi.useFakeTimers();
    let clock = 0;
    vi.spyOn(performance, "now").mockImplementation(() => clock);
    const ran: string[] = [];
    const slow = (name: string) => () => {
      ran.push(name);
      clock += SLICE_MS / 2 + 1;
    };
    queueDraw(slow("a"));
    queueDraw(slow("b"));
    queueDraw(() => {
      ran.push("c");
      throw new Error("a chart failed");
    });
    queueDraw(slow("d"));
    vi.advanceTimersToNextTimer();
    expect(ran).toEqual(["a", "b"]);
    expect(() => vi.advanceTimersToNextTimer()).toThrow("a chart failed");
    expect(ran).toEqual(["a", "b", "c"]);
    vi.advanceTimersToNextTimer();
    expect(ran).toEqual(["a", "b", "c", "d"]);
  });
});
