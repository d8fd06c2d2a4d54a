import { describe, expect, it } from "vitest";
import { makeFlowReport } from "../lib/ipc/testing";
import {
  agingStageSelection,
  cfdSelection,
  describeSelection,
  distributionSelection,
  efficiencySelection,
  throughputSelection,
  wipSelection,
} from "./selections";

describe("a click becomes the selection Rust lists", () => {
  const report = makeFlowReport();

  it("throughput: a day's bar is finished_on that day, a week's point finished_in_week", () => {
    expect(throughputSelection(report, 0, 1)).toEqual({ type: "finished_on", day: "2026-03-02" });
    expect(throughputSelection(report, 1, 1)).toEqual({ type: "finished_in_week", week: "2026-03-02" });
    expect(throughputSelection(report, 0, 9)).toBeNull();
  });

  it("cumulative flow: the band under the pointer, stacked canceled, done, active, waiting, new", () => {
    // Day 2 (index 1): canceled 0, done 3 (0–3], active 2 (3–5], waiting 2 (5–7], new 2 (7–9].
    expect(cfdSelection(report, 1, 2)).toEqual({ type: "in_state_at", day: "2026-03-02", state: "done" });
    expect(cfdSelection(report, 1.2, 4)).toEqual({ type: "in_state_at", day: "2026-03-02", state: "active" });
    expect(cfdSelection(report, 0.8, 6.5)).toEqual({
      type: "in_state_at",
      day: "2026-03-02",
      state: "waiting",
    });
    expect(cfdSelection(report, 1, 8)).toEqual({ type: "in_state_at", day: "2026-03-02", state: "new" });
    // Day 3: one canceled item at the bottom.
    expect(cfdSelection(report, 2, 0.5)).toEqual({
      type: "in_state_at",
      day: "2026-03-03",
      state: "canceled",
    });
    expect(cfdSelection(report, 1, 50)).toBeNull();
    expect(cfdSelection(report, 7, 1)).toBeNull();
  });

  it("WIP: the day clicked", () => {
    expect(wipSelection(report, 2.3)).toEqual({ type: "in_progress_at", day: "2026-03-03" });
  });

  it("efficiency: the 10% band", () => {
    expect(efficiencySelection(3)).toEqual({ type: "efficiency_band", band: 3 });
    expect(efficiencySelection(10)).toBeNull();
  });

  it("distribution: series 0 is finished, series 1 in progress, data follows the kinds", () => {
    expect(distributionSelection(report, 0, 1)).toEqual({ type: "finished_kind", kind: "defect" });
    expect(distributionSelection(report, 1, 0)).toEqual({ type: "in_progress_kind", kind: "feature" });
  });

  it("aging: the column clicked", () => {
    expect(agingStageSelection(["active", "review"], 1.2)).toEqual({
      type: "in_progress_in_stage",
      stage: "review",
    });
    expect(agingStageSelection(["active", "review"], 2.6)).toBeNull();
  });

  it("describes each selection in words", () => {
    expect(describeSelection({ type: "blocked_by", team_id: "t2" }, "Platform")).toBe(
      "Waiting now, blocked by Platform's open items",
    );
    expect(describeSelection({ type: "efficiency_band", band: 3 })).toBe("Flow efficiency 30–40%");
    expect(describeSelection({ type: "time_in_stage", team_id: "", stage: "waiting" })).toBe(
      "No team: time in Waiting (no reason)",
    );
  });
});
