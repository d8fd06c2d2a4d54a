import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { BarChart, countTicks, DonutChart } from "./SimpleCharts";
import { chartPalette } from "./theme";

const palette = chartPalette("light");

describe("countTicks", () => {
  it("steps by 1, 2 or 5 × 10ⁿ from 0 past the largest value, never by less than one", () => {
    expect(countTicks(3)).toEqual([0, 1, 2, 3]);
    expect(countTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(countTicks(42_000)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    expect(countTicks(0)).toEqual([0, 1]);
  });
});

describe("BarChart", () => {
  const bars = (onClick = vi.fn()) => (
    <BarChart
      categories={['<b>Payments</b> "team"', "Platform"]}
      series={[
        { name: "Active", color: "#111111", values: [3, 0] },
        { name: "Waiting", color: "#222222", values: [2, 5] },
      ]}
      categoryName="Team"
      valueName="Items (count)"
      legend={[
        { name: "Active", color: "#111111" },
        { name: "Waiting", color: "#222222" },
      ]}
      trigger="row"
      tooltip={(i, s) => `row ${i} series ${s}`}
      height={200}
      label="Items by team"
      palette={palette}
      onClick={onClick}
      testId="bars"
    />
  );

  it("draws one segment per non-zero value, stacked, and reports a click as series and index", () => {
    const onClick = vi.fn();
    render(bars(onClick));
    expect(screen.getByTestId("bars-bar-0-0")).toBeInTheDocument();
    expect(screen.queryByTestId("bars-bar-0-1")).toBeNull();
    const active = Number(screen.getByTestId("bars-bar-0-0").getAttribute("width"));
    const waitingX = Number(screen.getByTestId("bars-bar-1-0").getAttribute("x"));
    expect(waitingX).toBeCloseTo(Number(screen.getByTestId("bars-bar-0-0").getAttribute("x")) + active);
    fireEvent.click(screen.getByTestId("bars-bar-1-1"));
    expect(onClick).toHaveBeenCalledWith({ seriesIndex: 1, dataIndex: 1 });
  });

  it("writes names from sources as text, never as markup", () => {
    const { container } = render(bars());
    expect(container.querySelector("svg b")).toBeNull();
    expect(within(container).getByText('<b>Payments</b> "team"')).toBeInTheDocument();
  });

  it("moves between points with the arrows, shows the point's tooltip and opens it with Enter", () => {
    const onClick = vi.fn();
    render(bars(onClick));
    const chart = screen.getByTestId("bars");
    expect(chart).toHaveAttribute("tabindex", "0");
    fireEvent.keyDown(chart, { key: "ArrowDown" });
    expect(screen.getByRole("tooltip")).toHaveTextContent("row 0 series 0");
    fireEvent.keyDown(chart, { key: "ArrowDown" });
    fireEvent.keyDown(chart, { key: "ArrowRight" });
    expect(screen.getByRole("tooltip")).toHaveTextContent("row 1 series 1");
    fireEvent.keyDown(chart, { key: "Enter" });
    expect(onClick).toHaveBeenCalledWith({ seriesIndex: 1, dataIndex: 1 });
    fireEvent.keyDown(chart, { key: "Escape" });
    expect(screen.queryByRole("tooltip")).toBeNull();
  });

  it("hides a series from its legend entry and restacks the rest", () => {
    render(bars());
    fireEvent.click(screen.getByRole("button", { name: "Active" }));
    expect(screen.getByRole("button", { name: "Active" })).toHaveAttribute("aria-pressed", "false");
    expect(screen.queryByTestId("bars-bar-0-0")).toBeNull();
    expect(screen.getByTestId("bars-bar-1-0").getAttribute("x")).toBe(
      screen.getByTestId("bars-bar-1-1").getAttribute("x"),
    );
  });
});

describe("BarChart, grouped", () => {
  it("draws the series side by side from zero, each bar's own value written at its end", () => {
    const onClick = vi.fn();
    render(
      <BarChart
        categories={["Feature", "Defect"]}
        series={[
          { name: "Finished", color: "#111111", values: [8, 3] },
          { name: "In progress", color: "#222222", values: [2, 5] },
        ]}
        grouped
        valueLabels
        categoryName="Kind"
        valueName="Items (count)"
        legend={[
          { name: "Finished", color: "#111111" },
          { name: "In progress", color: "#222222" },
        ]}
        trigger="row"
        tooltip={(i) => `row ${i}`}
        height={200}
        label="Items by kind"
        palette={palette}
        onClick={onClick}
        testId="grouped"
      />,
    );
    const finished = screen.getByTestId("grouped-bar-0-0");
    const inProgress = screen.getByTestId("grouped-bar-1-0");
    // Both start at zero, one under the other.
    expect(inProgress.getAttribute("x")).toBe(finished.getAttribute("x"));
    expect(Number(inProgress.getAttribute("y"))).toBeGreaterThan(Number(finished.getAttribute("y")));
    expect(Number(finished.getAttribute("width")) / Number(inProgress.getAttribute("width"))).toBeCloseTo(4);
    // 3 and 5 are no axis tick (0, 2, 4, 6, 8): only their bars' labels; 8 and 2 are a tick and a label.
    for (const v of ["3", "5"]) expect(screen.getAllByText(v, { selector: "text" })).toHaveLength(1);
    for (const v of ["8", "2"]) expect(screen.getAllByText(v, { selector: "text" })).toHaveLength(2);
    fireEvent.click(inProgress);
    expect(onClick).toHaveBeenCalledWith({ seriesIndex: 1, dataIndex: 0 });
  });
});

describe("DonutChart", () => {
  it("draws a slice per count with its share in the legend, and opens a slice on click", () => {
    const onClick = vi.fn();
    render(
      <DonutChart
        slices={[
          { label: "Human", value: 3, color: "#111111" },
          { label: "AI agent", value: 1, color: "#222222" },
          { label: "Automation", value: 0, color: "#333333" },
        ]}
        legendSuffix={(s) => `${s.value} of 4`}
        tooltip={(i) => `slice ${i}`}
        height={240}
        label="Items by provenance"
        palette={palette}
        onClick={onClick}
        testId="donut"
      />,
    );
    expect(screen.getByTestId("donut-slice-0")).toBeInTheDocument();
    expect(screen.queryByTestId("donut-slice-2")).toBeNull();
    expect(screen.getByRole("button", { name: "AI agent 1 of 4" })).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("donut-slice-1"));
    expect(onClick).toHaveBeenCalledWith({ seriesIndex: 0, dataIndex: 1 });
  });
});
