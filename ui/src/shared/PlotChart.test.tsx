import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import {
  CANVAS_DOTS,
  dotsPath,
  labelStep,
  niceTicks,
  type PlotApi,
  PlotChart,
  type PlotLayer,
  standaloneSvg,
} from "./PlotChart";
import { chartsDrawing } from "./perf";
import { chartPalette } from "./theme";

const palette = chartPalette("light");
const HOSTILE = '<img src=x onerror=alert(1)> & "quotes"';

function chart(
  layers: PlotLayer[],
  {
    onClick = vi.fn(),
    tooltip = (hit: { layer: number | null; index: number }) => `layer ${hit.layer} index ${hit.index}`,
    keyColumns = false,
    apiRef,
  }: {
    onClick?: (hit: { layer: number | null; index: number }) => void;
    tooltip?: (hit: { layer: number | null; index: number }) => string | null;
    keyColumns?: boolean;
    apiRef?: { current: PlotApi | null };
  } = {},
) {
  return (
    <PlotChart
      categories={["2026-03-01", "2026-03-02", "2026-03-03"]}
      columns="bands"
      xName="Day"
      yName="Items (count)"
      layers={layers}
      tooltip={tooltip}
      keyColumns={keyColumns}
      height={300}
      label="A chart"
      palette={palette}
      onClick={onClick}
      apiRef={apiRef}
      testId="plot"
    />
  );
}

/** Waits for the chart's turn in the draw queue: its SVG is there. */
async function drawn() {
  await waitFor(() => expect(screen.getAllByTestId("plot").at(-1)?.querySelector("svg")).toBeTruthy());
}

/** The centre of the first dot of a dots layer, from its path (`M{x−r} {y}a…`). */
function firstDot(testId: string, r: number): { x: number; y: number } {
  const d = screen.getByTestId(testId).getAttribute("d") ?? "";
  const m = /^M([\d.]+) ([\d.]+)/.exec(d);
  if (!m) throw new Error(`no dot in ${d}`);
  return { x: Number(m[1]) + r, y: Number(m[2]) };
}

/** The aging chart's columns when every stage holds an item. */
const STAGES = [
  "Queue",
  "Active",
  "Review",
  "Security",
  "Approval",
  "Decision",
  "Dependency",
  "Waiting (no reason)",
];

describe("labelStep", () => {
  it("names every column when each label clears its neighbours, though one is long", () => {
    // At 130 px a column, "Waiting (no reason)" is wider than a column less the gap, yet it
    // and "Dependency" beside it each take less than half the room between them.
    expect(
      labelStep(
        STAGES.map((s) => s.length * 6.6),
        130,
      ),
    ).toBe(1);
  });
  it("keeps an even step when labels would touch: from the longest", () => {
    // Dates 40 px wide, 20 px apart: every third (40 + 10 gap over 20 px, rounded up).
    expect(labelStep(new Array(30).fill(40), 20)).toBe(3);
    // Two long labels side by side do not fit, wherever the others would.
    expect(labelStep([20, 125, 125, 20], 130)).toBe(2);
    expect(labelStep([], 50)).toBe(1);
  });
});

describe("x labels", () => {
  it("names each of the aging chart's eight stages at the width the Flow page gives it", async () => {
    const width = vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(1040);
    try {
      render(
        <PlotChart
          categories={STAGES}
          columns="bands"
          xName="Stage now"
          yName="Age (days since start)"
          layers={[
            { kind: "dots", name: "Items", color: "#000", size: 4, opacity: 1, points: [{ x: 0, y: 3 }] },
          ]}
          tooltip={() => null}
          shadeColumns
          height={300}
          label="Aging"
          palette={palette}
          testId="plot"
        />,
      );
      await drawn();
      const texts = [...(screen.getByTestId("plot").querySelectorAll("svg text") ?? [])].map(
        (t) => t.textContent,
      );
      for (const stage of STAGES) expect(texts).toContain(stage);
    } finally {
      width.mockRestore();
    }
  });
});

describe("niceTicks and dotsPath", () => {
  it("steps counts by whole numbers and days by 1, 2 or 5 × 10ⁿ, from 0 past the largest value", () => {
    expect(niceTicks(3, true)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0.9, false)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(42, false)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(niceTicks(0, false)).toEqual([0, 1]);
  });

  it("draws every dot in one path: two arcs each", () => {
    const d = dotsPath(
      [
        { x: 10, y: 20 },
        { x: 30, y: 40 },
      ],
      2,
    );
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/a/g)).toHaveLength(4);
    expect(d.startsWith("M8.0 20.0")).toBe(true);
  });
});

describe("PlotChart", () => {
  const dots: PlotLayer = {
    kind: "dots",
    name: "Finished items",
    color: "#111111",
    size: 8,
    opacity: 0.7,
    points: [
      { x: 0, y: 2 },
      { x: 2, y: 5 },
    ],
  };
  const level: PlotLayer = {
    kind: "level",
    name: "85th percentile",
    color: "#222222",
    value: 4,
    label: "85%: 4 days",
  };

  it("draws each layer, a legend entry per layer, and hides a layer from its legend entry", async () => {
    render(chart([dots, level]));
    await drawn();
    expect(screen.getByTestId("plot-layer-0")).toBeInTheDocument();
    expect(screen.getByText("85%: 4 days")).toBeInTheDocument();
    const legend = screen.getByRole("button", { name: "85th percentile" });
    expect(legend).toHaveAttribute("aria-pressed", "true");
    fireEvent.click(legend);
    expect(screen.queryByTestId("plot-layer-1")).toBeNull();
    expect(screen.getByRole("button", { name: "85th percentile" })).toHaveAttribute("aria-pressed", "false");
  });

  it("finds the dot under the pointer: its tooltip shows, a click reports its layer and index", async () => {
    const onClick = vi.fn();
    render(chart([dots, level], { onClick }));
    await drawn();
    const at = firstDot("plot-layer-0", 4);
    const plot = screen.getByTestId("plot");
    fireEvent.mouseMove(plot, { clientX: at.x + 1, clientY: at.y - 1 });
    expect(screen.getByRole("tooltip")).toHaveTextContent("layer 0 index 0");
    fireEvent.click(plot, { clientX: at.x, clientY: at.y });
    expect(onClick).toHaveBeenLastCalledWith({ layer: 0, index: 0 });
    // Away from any dot: the column's background.
    fireEvent.click(plot, { clientX: at.x, clientY: at.y - 60 });
    expect(onClick).toHaveBeenLastCalledWith({ layer: null, index: 0 });
    fireEvent.mouseLeave(plot);
    expect(screen.queryByRole("tooltip")).toBeNull();
  });

  it("writes tooltips from sources as text, never as markup", async () => {
    const { container } = render(chart([dots], { tooltip: () => HOSTILE }));
    await drawn();
    const at = firstDot("plot-layer-0", 4);
    fireEvent.mouseMove(screen.getByTestId("plot"), { clientX: at.x, clientY: at.y });
    expect(screen.getByRole("tooltip")).toHaveTextContent(HOSTILE);
    expect(container.querySelector("img")).toBeNull();
  });

  it("reports the band of a stacked area under the pointer, and a bar's column", async () => {
    const onClick = vi.fn();
    const areas: PlotLayer[] = [
      { kind: "area", stack: true, name: "Done", color: "#0a0", values: [4, 4, 4] },
      { kind: "area", stack: true, name: "Active", color: "#00a", values: [4, 4, 4] },
    ];
    render(chart(areas, { onClick }));
    await drawn();
    const plot = screen.getByTestId("plot");
    // The y axis runs 0–8 over the plot: a quarter of the way up is Done, three quarters Active.
    const svg = plot.querySelector("svg");
    const bottom = 300 - 40;
    const top = 40;
    const x = Number(svg?.getAttribute("width")) / 2;
    fireEvent.click(plot, { clientX: x, clientY: bottom - (bottom - top) / 4 });
    expect(onClick).toHaveBeenLastCalledWith({ layer: 0, index: 1 });
    fireEvent.click(plot, { clientX: x, clientY: bottom - ((bottom - top) * 3) / 4 });
    expect(onClick).toHaveBeenLastCalledWith({ layer: 1, index: 1 });

    onClick.mockClear();
    render(chart([{ kind: "bars", name: "Finished", color: "#0a0", values: [1, 3, 2] }], { onClick }));
    await drawn();
    const bar = screen.getAllByTestId("plot-layer-0").at(-1)?.querySelector('rect[data-index="1"]');
    if (!bar) throw new Error("no bar for the second day");
    const bx = Number(bar.getAttribute("x")) + Number(bar.getAttribute("width")) / 2;
    fireEvent.click(screen.getAllByTestId("plot").at(-1) as HTMLElement, { clientX: bx, clientY: 200 });
    expect(onClick).toHaveBeenLastCalledWith({ layer: 0, index: 1 });
  });

  it("moves between points with the arrows, shows the point's tooltip and opens it with Enter", async () => {
    const onClick = vi.fn();
    render(chart([dots, level], { onClick, keyColumns: true }));
    await drawn();
    const plot = screen.getByRole("img", { name: /A chart\. Arrow keys move/ });
    expect(plot).toHaveAttribute("tabindex", "0");
    fireEvent.keyDown(plot, { key: "ArrowRight" });
    fireEvent.keyDown(plot, { key: "ArrowRight" });
    expect(within(plot).getByRole("tooltip")).toHaveTextContent("layer 0 index 1");
    fireEvent.keyDown(plot, { key: "Enter" });
    expect(onClick).toHaveBeenLastCalledWith({ layer: 0, index: 1 });
    // Past the layers, the columns themselves.
    fireEvent.keyDown(plot, { key: "ArrowDown" });
    fireEvent.keyDown(plot, { key: "Enter" });
    expect(onClick).toHaveBeenLastCalledWith({ layer: null, index: 1 });
    fireEvent.keyDown(plot, { key: "Escape" });
    expect(within(plot).queryByRole("tooltip")).toBeNull();
  });

  it("counts as drawing until its new data has been painted", async () => {
    render(chart([dots]));
    expect(chartsDrawing()).toBeGreaterThan(0);
    expect(screen.getByTestId("plot")).toHaveAttribute("aria-busy", "true");
    await waitFor(() => expect(chartsDrawing()).toBe(0));
  });

  it("exports a standalone SVG with its title and legend, text escaped", async () => {
    const apiRef: { current: PlotApi | null } = { current: null };
    render(chart([dots, level], { apiRef }));
    await drawn();
    const exported = apiRef.current?.toSvg(`Cycle <b>time</b>`, { background: "#ffffff", text: "#000000" });
    if (!exported) throw new Error("nothing exported");
    expect(exported.height).toBe(340);
    expect(exported.svg).toContain("Cycle &lt;b&gt;time&lt;/b&gt;");
    expect(exported.svg).toContain("85th percentile");
    expect(exported.svg).toContain('fill="#ffffff"');
    const parsed = new DOMParser().parseFromString(exported.svg, "image/svg+xml");
    expect(parsed.querySelector("parsererror")).toBeNull();
    expect(parsed.querySelectorAll("b")).toHaveLength(0);
  });
});

describe("PlotChart with many dots", () => {
  it("paints them on a canvas beneath the SVG, finds them under the pointer and exports them as SVG", async () => {
    const getContext = vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(null);
    const points = Array.from({ length: CANVAS_DOTS + 1 }, (_, i) => ({ x: i % 3, y: (i % 7) + 1 }));
    const onClick = vi.fn();
    const apiRef: { current: PlotApi | null } = { current: null };
    render(
      chart([{ kind: "dots", name: "Finished items", color: "#111111", size: 4, opacity: 0.5, points }], {
        onClick,
        apiRef,
      }),
    );
    await drawn();
    expect(screen.getByTestId("plot-canvas")).toBeInTheDocument();
    expect(screen.queryByTestId("plot-layer-0")).toBeNull();
    // A canvas painted with the page, not a GPU canvas composited as a layer of its own.
    expect(getContext).toHaveBeenCalledWith("2d", { willReadFrequently: true });
    // The first point (column 0, y 1) is found by arithmetic, as any dot.
    fireEvent.keyDown(screen.getByTestId("plot"), { key: "ArrowRight" });
    fireEvent.keyDown(screen.getByTestId("plot"), { key: "Enter" });
    expect(onClick).toHaveBeenLastCalledWith({ layer: 0, index: 0 });
    const exported = apiRef.current?.toSvg("Scatter", { background: "#ffffff", text: "#000000" });
    expect(exported?.svg.match(/fill-opacity="0.5"/g)).toHaveLength(1);
    expect(exported?.svg.match(/a2\.0 2\.0 0 1 0 4\.0 0/g)).toHaveLength(CANVAS_DOTS + 1);
    getContext.mockRestore();
  });
});

describe("standaloneSvg", () => {
  it("keeps the drawn elements under the title", () => {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.appendChild(document.createElementNS("http://www.w3.org/2000/svg", "circle"));
    const out = standaloneSvg(svg, "T", { background: "#fff", text: "#000" }, [], 100, 50);
    expect(out).toContain("<circle");
    expect(out).toContain('viewBox="0 0 100 90"');
  });
});
