import { fireEvent, render, screen, within } from "@testing-library/react";
import { createRef } from "react";
import { describe, expect, it, vi } from "vitest";
import { makeBottlenecks } from "../lib/ipc/testing";
import type { PlotApi } from "../shared/PlotChart";
import { chartPalette } from "../shared/theme";
import { HeatMap, heatGrid, heatTip, scaleColor } from "./HeatMap";

describe("the heat map", () => {
  it("keeps every team and only the stages some team spent time in, with the longest value", () => {
    // makeBottlenecks: queue, active and review have time, the six other stages none.
    const report = makeBottlenecks();
    const median = heatGrid(report, "median");
    expect(median.stages).toEqual(["queue", "active", "review"]);
    expect(median.rows.map((r) => r.map((c) => c.value))).toEqual([
      [1, 2, 3],
      [2, 4, 6],
    ]);
    expect(median.max).toBe(6);
    expect(median.rows[1]?.[0]).toMatchObject({ teamId: "", teamName: "No team", stage: "queue", items: 4 });
    expect(heatGrid(report, "total").rows[0]?.map((c) => c.value)).toEqual([10, 20, 30]);
    // A cell of a drawn column without time is null (drawn as a dash).
    const sparse = makeBottlenecks();
    const first = sparse.matrix[0];
    if (!first) throw new Error("no team");
    first.cells = first.cells.map((c) => (c.stage === "active" ? { ...c, items: 0, medianDays: null } : c));
    expect(heatGrid(sparse, "median").rows[0]?.map((c) => c.value)).toEqual([1, null, 3]);
  });

  it("colours from the scale's first stop to its last", () => {
    expect(scaleColor(0, "light")).toBe("#fdf4e3");
    expect(scaleColor(1, "light")).toBe("#b42318");
    expect(scaleColor(2, "dark")).toBe("#ff7b6b");
    expect(scaleColor(Number.NaN, "dark")).toBe("#2b2e3a");
  });

  it("lists a clicked cell's items, and the keyboard's cell on Enter", () => {
    const report = makeBottlenecks();
    const onCell = vi.fn();
    render(
      <HeatMap
        report={report}
        measure="median"
        theme="light"
        palette={chartPalette("light")}
        height={220}
        label="Time in stage by team"
        tooltip={(cell) => heatTip(cell, report)}
        onCell={onCell}
        apiRef={createRef<PlotApi | null>()}
        testId="hm"
      />,
    );
    const map = screen.getByTestId("hm");
    const cells = within(map).getAllByTestId("hm-cell");
    expect(cells).toHaveLength(6);
    expect(cells.map((c) => c.textContent)).toEqual(["1.0", "2.0", "3.0", "2.0", "4.0", "6.0"]);
    fireEvent.click(cells[4]?.querySelector("rect") as Element);
    expect(onCell).toHaveBeenLastCalledWith(expect.objectContaining({ teamId: "", stage: "active" }));
    fireEvent.keyDown(map, { key: "ArrowRight" });
    fireEvent.keyDown(map, { key: "ArrowDown" });
    fireEvent.keyDown(map, { key: "Enter" });
    expect(onCell).toHaveBeenLastCalledWith(expect.objectContaining({ teamId: "", stage: "queue" }));
    expect(screen.getByRole("tooltip")).toHaveTextContent("No team · Queue");
  });
});
