import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FIRST_ROWS } from "../deps/DepsLists";
import {
  depItem,
  makeCriticalPath,
  makeDepsReport,
  makeEmptyDepsReport,
  makeGraph,
  makeIntents,
} from "../deps/testing";
import type {
  CriticalPath,
  DepsReport,
  GraphRequest,
  GraphView,
  TouchCell,
  TouchesQuery,
  TouchesReport,
  TouchPulls,
} from "../lib/ipc";
import { clearMocks, makeDetail, makePage, makeRow, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { DependenciesView } from "./DependenciesView";

vi.mock("../shared/EChart", async (importOriginal) => {
  const original = await importOriginal<typeof import("../shared/EChart")>();
  const { EChartStub } = await import("../test/echartStub");
  return { ...original, EChart: EChartStub };
});

// Cytoscape needs a real canvas: a stand-in records what would be drawn and lets a test "click".
const drawn = vi.hoisted(() => ({
  canvases: [] as {
    draws: { nodes: { id: string; critical: boolean }[] }[];
    open: (id: string) => void;
    wheel: boolean[];
  }[],
}));
vi.mock("../deps/graphCanvas", () => {
  class GraphCanvas {
    draws: unknown[] = [];
    open: (id: string) => void;
    constructor(_host: HTMLElement, _colors: unknown, handlers: { onOpen: (id: string) => void }) {
      this.open = handlers.onOpen;
      drawn.canvases.push(this as never);
    }
    async draw(data: unknown) {
      this.draws.push(data);
      return { layoutMs: 12, renderMs: 3, engine: "worker" };
    }
    setColors() {}
    fit() {}
    zoomBy() {}
    wheel: boolean[] = [];
    setWheelZoom(on: boolean) {
      this.wheel.push(on);
    }
    resize() {}
    destroy() {}
    png() {
      return "data:image/png;base64,";
    }
    renderedPositionOf() {
      return null;
    }
  }
  return { GraphCanvas };
});

beforeEach(() => {
  drawn.canvases.length = 0;
});
afterEach(() => clearMocks());

const HOSTILE = '<img src=x onerror="alert(1)"> Fix refunds';

function makeTouches(query: TouchesQuery): TouchesReport {
  const cells: TouchCell[] = [
    {
      fromTeamId: "t1",
      fromTeam: "Payments",
      toTeamId: "t2",
      toTeam: "Platform",
      pulls: 4,
      open: 1,
      ai: 2,
      unreviewed: 3,
      paths: 6,
    },
    {
      fromTeamId: "",
      fromTeam: "No team",
      toTeamId: "t1",
      toTeam: "Payments",
      pulls: 1,
      open: 0,
      ai: 1,
      unreviewed: 0,
      paths: 1,
    },
  ];
  return {
    from: query.days === null ? null : "2026-02-01T00:00:00.000Z",
    to: "2026-05-01T00:00:00.000Z",
    days: query.days,
    cells: query.days === 30 ? [] : cells,
    pullsRead: 12,
    pullsTouching: 5,
    repositoriesWithOwners: 2,
    repositoriesWithoutOwners: 1,
  };
}

function makeTouchPulls(): TouchPulls {
  return {
    fromTeam: "Payments",
    toTeam: "Platform",
    total: 4,
    pulls: [
      {
        item: { id: "gh-9", key: "acme/pay#9", title: HOSTILE, team: "Payments", ai: true, open: true },
        created: "2026-04-20T10:00:00.000Z",
        paths: ["platform-lib/<b>x</b>.rs"],
        pathsTotal: 3,
        reviewed: false,
      },
      {
        item: { id: "gh-8", key: "acme/pay#8", title: "Tidy", team: "Payments", ai: false, open: false },
        created: "2026-04-01T10:00:00.000Z",
        paths: ["platform-lib/a.rs"],
        pathsTotal: 1,
        reviewed: true,
      },
    ],
  };
}

function backend({
  report = makeDepsReport(),
  graph = makeGraph(),
  critical = makeCriticalPath(),
}: {
  report?: DepsReport;
  graph?: GraphView;
  critical?: CriticalPath;
} = {}) {
  return mockBackend({
    conflicts_touches: (args) => makeTouches(args.query as TouchesQuery),
    conflicts_touch_pulls: () => makeTouchPulls(),
    deps_report: () => report,
    deps_graph: () => graph,
    deps_critical_path: () => critical,
    intents_list: () => makeIntents(),
    items_list: () => makePage([makeRow({ id: "a3", key: "A3", title: "Ship the thing" })]),
    item_detail: (args) =>
      makeDetail(makeRow({ id: String(args.id), title: `Detail of ${String(args.id)}` })),
  });
}

function renderPage(hash = "#/dependencies") {
  window.location.hash = hash;
  return renderWithClient(<DependenciesView />);
}

const last = (calls: { cmd: string; args: Record<string, unknown> }[], cmd: string) =>
  calls.filter((c) => c.cmd === cmd).at(-1)?.args;

describe("Dependencies", () => {
  it("shows who changes whose code apart from blocking, and lists a pair's pull requests as text", async () => {
    const calls = backend();
    renderPage("#/dependencies?team=t2");
    const card = await screen.findByTestId("deps-touches");
    expect(within(card).getByRole("heading", { name: "Who changes whose code" })).toBeInTheDocument();
    expect(card).toHaveTextContent("Not a blocking link");
    expect(within(card).getByTestId("metric-info-conflicts-touches")).toBeInTheDocument();
    const table = await within(card).findByTestId("deps-touches-table");
    expect(last(calls, "conflicts_touches")?.query).toEqual({
      filter: { teams: ["t2"], intents: [] },
      days: 90,
    });
    const cellOf = (from: string, to: string) =>
      table.querySelector(`[data-testid="deps-touches-cell"][data-from="${from}"][data-to="${to}"]`);
    expect(cellOf("t1", "t2")).toHaveAttribute("data-value", "4");
    expect(cellOf("t1", "t2")).toHaveTextContent("3 unreviewed");
    expect(cellOf("t2", "t1")).toBeNull();
    expect(cellOf("", "t1")).toHaveTextContent("all reviewed");
    expect(
      within(table)
        .getAllByTestId("deps-touches-row")
        .map((r) => r.querySelector("th")?.textContent),
    ).toEqual(["Payments", "No team"]);
    expect(within(card).getByTestId("touches-footnote")).toHaveTextContent(
      "5 of 12 pull requests opened in the last 90 days touch another team's code",
    );
    expect(within(card).getByTestId("touches-footnote")).toHaveTextContent(
      "owners from 2 repositories with a CODEOWNERS file, 1 without",
    );

    fireEvent.click(cellOf("t1", "t2")?.querySelector("button") as HTMLElement);
    const panel = await screen.findByTestId("deps-touch-panel");
    expect(within(panel).getByTestId("deps-touch-title")).toHaveTextContent(
      "Payments changes Platform's code",
    );
    await waitFor(() => expect(within(panel).getAllByTestId("deps-touch-row")).toHaveLength(2));
    expect(last(calls, "conflicts_touch_pulls")).toEqual({
      query: { filter: { teams: ["t2"], intents: [] }, days: 90 },
      fromTeamId: "t1",
      toTeamId: "t2",
    });
    // Source text is text: the hostile title and path are shown as typed, never parsed.
    expect(within(panel).getByText(HOSTILE)).toBeInTheDocument();
    expect(within(panel).getByText("platform-lib/<b>x</b>.rs")).toBeInTheDocument();
    expect(panel.querySelector("img")).toBeNull();
    expect(panel.querySelector("b")).toBeNull();
    expect(within(panel).getByText("not approved by Platform")).toBeInTheDocument();
    expect(within(panel).getByText("and 2 more paths")).toBeInTheDocument();
    fireEvent.click(within(panel).getByRole("button", { name: `Open acme/pay#9 ${HOSTILE}` }));
    await waitFor(() => expect(last(calls, "item_detail")).toEqual({ id: "gh-9" }));

    // Another window asks again; an empty answer says why.
    fireEvent.click(within(card).getByTestId("touches-window-30"));
    await waitFor(() => expect(last(calls, "conflicts_touches")?.query).toMatchObject({ days: 30 }));
    expect(await within(card).findByTestId("deps-touches-empty")).toHaveTextContent(
      "12 pull requests opened in the last 30 days with their files read; none touches a path another team owns",
    );
    fireEvent.click(within(card).getByTestId("touches-window-all"));
    await waitFor(() => expect(last(calls, "conflicts_touches")?.query).toMatchObject({ days: null }));
  });

  it("asks with the filters in the URL and shows when it was measured", async () => {
    const calls = backend();
    renderPage("#/dependencies?team=t2&intent=g1");
    expect(await screen.findByTestId("deps-as-of")).toHaveTextContent("measured as of");
    expect(last(calls, "deps_report")?.filter).toEqual({ teams: ["t2"], intents: ["g1"] });
    await waitFor(() =>
      expect(last(calls, "deps_graph")?.request).toEqual({
        focus: null,
        hops: 2,
        filter: { teams: ["t2"], intents: ["g1"] },
        critical: null,
        maxNodes: 2000,
      }),
    );
    expect(screen.getByTestId("deps-filter-team")).toHaveTextContent("Platform");
  });

  it("shows the matrix with the report's numbers, blockers as rows", async () => {
    backend();
    renderPage();
    const table = await screen.findByTestId("deps-matrix-table");
    const cellOf = (from: string, to: string) =>
      table.querySelector(`[data-testid="deps-matrix-cell"][data-from="${from}"][data-to="${to}"]`);
    expect(cellOf("t1", "t2")).toHaveAttribute("data-value", "3");
    expect(cellOf("t1", "t2")).toHaveTextContent("3");
    expect(cellOf("t1", "t2")).toHaveTextContent("8.0 days");
    expect(cellOf("t2", "t1")).toHaveAttribute("data-value", "2");
    expect(cellOf("t1", "t1")).toHaveAttribute("data-value", "5");
    expect(cellOf("t2", "t2")).toHaveAttribute("data-value", "0");
    const rows = within(table).getAllByTestId("deps-matrix-row");
    expect(rows.map((r) => r.querySelector("th")?.textContent)).toEqual(["Payments", "Platform"]);
    // Payments blocks 3 + 1 items of other teams; its own 5 are on the diagonal, not in the total.
    expect(within(rows[0] as HTMLElement).getByTestId("deps-matrix-row-total")).toHaveTextContent("4");
    const columns = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(columns).toEqual(["Blocking ↓ · Blocked →", "Mobile", "Payments", "Platform", "Blocks others"]);
    const colTotals = within(table).getAllByTestId("deps-matrix-col-total");
    expect(colTotals.map((c) => c.textContent)).toEqual(["1", "2", "3"]);
    fireEvent.click(screen.getByTestId("matrix-age-oldest"));
    expect(cellOf("t1", "t2")).toHaveTextContent("30 days");
  });

  it("lists a matrix cell's blocking links from the two teams' graph and opens them", async () => {
    const calls = backend();
    renderPage();
    const table = await screen.findByTestId("deps-matrix-table");
    const button = table.querySelector('[data-from="t1"][data-to="t2"] button') as HTMLElement;
    fireEvent.click(button);
    const panel = await screen.findByTestId("deps-cell");
    expect(screen.getByTestId("deps-cell-title")).toHaveTextContent("Payments blocks Platform");
    await waitFor(() => expect(within(panel).getAllByTestId("deps-cell-row")).toHaveLength(3));
    const cellRequest = calls.filter((c) => c.cmd === "deps_graph").at(-1)?.args.request as {
      filter: { teams: string[] };
    };
    expect(cellRequest.filter.teams).toEqual(["t1", "t2"]);
    // The closed link, the link back and the link inside a team are not listed.
    expect(screen.getByTestId("deps-cell-count")).toHaveTextContent("3 open blocking links");
    const rows = within(panel).getAllByTestId("deps-cell-row");
    expect(rows[0]).toHaveTextContent("P1");
    fireEvent.click(within(rows[0] as HTMLElement).getAllByTestId("dep-item")[0] as HTMLElement);
    expect(await screen.findByTestId("detail-title")).toHaveTextContent("Detail of p1");
  });

  it("says when fewer links are listed than the matrix counts", async () => {
    backend({ graph: makeGraph({ truncated: true, totalNodes: 2400 }) });
    renderPage();
    const table = await screen.findByTestId("deps-matrix-table");
    fireEvent.click(table.querySelector('[data-from="t2"][data-to="t1"] button') as HTMLElement);
    expect(await screen.findByTestId("deps-cell-count")).toHaveTextContent(
      "1 of the 2 open blocking links the matrix counts are listed: the item graph of the two teams was cut at 5 of 2,400 items",
    );
  });

  it("lists chains, cycles, risks and handoffs, each opening its items", async () => {
    const calls = backend();
    renderPage();
    const chain = await screen.findByTestId("chain-row");
    expect(
      within(chain)
        .getAllByTestId("dep-item")
        .map((b) => b.textContent),
    ).toEqual(["A1", "A2", "A3"]);
    expect(chain).toHaveTextContent("22 days waiting");
    expect(chain).toHaveTextContent("crosses 3 teams");
    fireEvent.click(within(chain).getAllByTestId("dep-item")[1] as HTMLElement);
    expect(await screen.findByTestId("detail-title")).toHaveTextContent("Detail of a2");
    expect(last(calls, "item_detail")?.id).toBe("a2");
    fireEvent.click(screen.getByRole("button", { name: "Close Item details" }));

    const cycles = screen.getAllByTestId("cycle-row");
    expect(cycles).toHaveLength(2);
    expect(within(cycles[1] as HTMLElement).getByTestId("cycle-self-link")).toHaveTextContent(
      "blocks itself",
    );
    expect(within(cycles[0] as HTMLElement).queryByTestId("cycle-self-link")).toBeNull();

    const risk = screen.getByTestId("at-risk-row");
    expect(risk).toHaveTextContent("2 links");
    expect(risk).toHaveTextContent("40 days");
    expect(risk).toHaveTextContent("default threshold");
    expect(within(screen.getByTestId("deps-at-risk")).getByTestId("dep-capped")).toHaveTextContent(
      "Showing 1 of 7 at-risk items",
    );
    expect(within(screen.getByTestId("deps-handoffs")).queryByTestId("dep-capped")).toBeNull();
    const handoff = screen.getByTestId("handoff-row");
    expect(handoff).toHaveTextContent("H0");
    expect(handoff).toHaveTextContent("12 days");
  });

  it("counts and lists single blocking links beside the chains", async () => {
    const calls = backend({ report: makeDepsReport({ chains: [], chainsTotal: 0 }) });
    renderPage();
    expect(await screen.findByTestId("deps-chain-counts")).toHaveTextContent(
      "0 chains of two links or more · 5 single blocking links",
    );
    expect(await screen.findByTestId("deps-chains")).toHaveTextContent(
      "A chain needs two links: the 5 single blocking links are listed below.",
    );
    const section = screen.getByTestId("deps-single-links");
    const rows = within(section).getAllByTestId("single-link-row");
    expect(rows).toHaveLength(2);
    expect(
      within(rows[0] as HTMLElement)
        .getAllByTestId("dep-item")
        .map((b) => b.textContent),
    ).toEqual(["U1", "U2Title of u2"]);
    expect(rows[0]).toHaveTextContent("44 days blocking");
    expect(rows[0]).toHaveTextContent("Mobile blocks Payments");
    expect(within(section).getByTestId("dep-capped")).toHaveTextContent(
      "Showing 2 of 5 single blocking links",
    );
    expect(within(section).getByTestId("metric-info-deps-single-links")).toBeInTheDocument();
    fireEvent.click(within(rows[1] as HTMLElement).getAllByTestId("dep-item")[0] as HTMLElement);
    expect(await screen.findByTestId("detail-title")).toHaveTextContent("Detail of w1");
    expect(last(calls, "item_detail")?.id).toBe("w1");
  });

  it("draws the first rows of a long list and the rest on Show all", async () => {
    const singleLinks = Array.from({ length: FIRST_ROWS + 4 }, (_, i) => ({
      blocker: depItem(`b${i}`, "t2", "Platform", "active"),
      blocked: depItem(`d${i}`),
      days: 40 - i,
    }));
    backend({ report: makeDepsReport({ singleLinks, singleLinksTotal: singleLinks.length }) });
    renderPage();
    // The lists mount in their turn once the report is there (the loading cards before it).
    await screen.findByTestId("deps-chain-counts");
    const section = await screen.findByTestId("deps-single-links");
    await waitFor(() => expect(within(section).getAllByTestId("single-link-row")).toHaveLength(FIRST_ROWS));
    expect(within(section).getAllByTestId("single-link-row")[0]).toHaveTextContent("B0");
    const more = within(section).getByTestId("dep-show-all");
    expect(more).toHaveTextContent(`Show all ${FIRST_ROWS + 4} single blocking links`);
    // Every row Rust sent is listed: no "Showing n of m" cap note, as none was capped.
    expect(within(section).queryByTestId("dep-capped")).toBeNull();
    fireEvent.click(more);
    const rows = within(section).getAllByTestId("single-link-row");
    expect(rows).toHaveLength(FIRST_ROWS + 4);
    expect(rows[FIRST_ROWS + 3]).toHaveTextContent("D13");
    expect(within(section).queryByTestId("dep-show-all")).toBeNull();
    // A short list has no button.
    expect(within(screen.getByTestId("deps-cycles")).queryByTestId("dep-show-all")).toBeNull();
  });

  it("states how far up the at-risk search looks", async () => {
    backend();
    renderPage();
    await screen.findByTestId("at-risk-row");
    expect(screen.getByTestId("deps-at-risk")).toHaveTextContent(
      "directly or further up (at most 32 links up)",
    );
  });

  it("focuses the graph on a row's item with enough reach for the row", async () => {
    const calls = backend();
    renderPage();
    const chain = await screen.findByTestId("chain-row");
    fireEvent.click(within(chain).getByTestId("dep-focus"));
    await waitFor(() => expect(last(calls, "deps_graph")?.request).toMatchObject({ focus: "a3", hops: 2 }));
    expect(window.location.hash).toContain("focus=a3");
    expect(await screen.findByTestId("deps-graph-hops")).toHaveValue("2");
    fireEvent.change(screen.getByTestId("deps-graph-hops"), { target: { value: "4" } });
    await waitFor(() => expect(last(calls, "deps_graph")?.request).toMatchObject({ focus: "a3", hops: 4 }));
    fireEvent.click(screen.getByTestId("deps-graph-unfocus"));
    await waitFor(() => expect(last(calls, "deps_graph")?.request).toMatchObject({ focus: null }));
  });

  it("draws the graph once per answer and opens a clicked item", async () => {
    backend();
    renderPage();
    await waitFor(() => expect(drawn.canvases[0]?.draws.length).toBe(1));
    const canvas = await screen.findByTestId("deps-graph-canvas");
    await waitFor(() => expect(canvas).toHaveAttribute("data-state", "ready"));
    expect(canvas).toHaveAttribute("data-nodes", "5");
    expect(canvas).toHaveAttribute("data-critical", "1");
    expect(screen.getByTestId("deps-graph-status")).toHaveTextContent(
      "5 items with open blocking links, 7 links.",
    );
    drawn.canvases[0]?.open("q1");
    expect(await screen.findByTestId("detail-title")).toHaveTextContent("Detail of q1");
  });

  it("leaves the mouse wheel to the page until the graph has the focus", async () => {
    backend();
    renderPage();
    const canvas = await screen.findByTestId("deps-graph-canvas");
    await waitFor(() => expect(canvas).toHaveAttribute("data-state", "ready"));
    const graph = drawn.canvases[0];
    // Nothing hands the wheel to the graph before it is chosen.
    expect(graph?.wheel.includes(true)).toBe(false);
    fireEvent.pointerDown(canvas);
    expect(canvas).toHaveFocus();
    expect(graph?.wheel.at(-1)).toBe(true);
    fireEvent.blur(canvas);
    expect(graph?.wheel.at(-1)).toBe(false);
    // Tab reaches it too.
    fireEvent.focus(canvas);
    expect(graph?.wheel.at(-1)).toBe(true);
  });

  it("shows a graph too big to read by team, never as a field of dots, and expands a team on demand", async () => {
    const calls = backend({ graph: makeGraph({ truncated: true, totalNodes: 2600 }) });
    renderPage();
    await waitFor(() =>
      expect(screen.getByTestId("deps-graph-status")).toHaveTextContent(
        "2,600 items with open blocking links, shown by team.",
      ),
    );
    const byTeam = screen.getByTestId("deps-graph-by-team");
    expect(byTeam).toHaveTextContent("too many to read as one picture");
    // The whole graph is asked for at a readable size, and nothing is laid out.
    const graphRequests = () =>
      calls.filter((c) => c.cmd === "deps_graph").map((c) => c.args.request as GraphRequest);
    expect(graphRequests()[0]?.maxNodes).toBe(300);
    // Shown by team, the card makes no canvas (Cytoscape's canvases are composited layers).
    expect(drawn.canvases).toHaveLength(0);
    expect(screen.getByTestId("deps-graph-canvas")).toHaveAttribute("data-state", "ready");
    // Nothing to zoom while no dots are drawn.
    expect(screen.queryByRole("button", { name: "Zoom in" })).toBeNull();
    // No developer words about layout timing.
    expect(screen.getByTestId("deps-graph")).not.toHaveTextContent(/Laid out|\d ms\b/);

    fireEvent.click(within(byTeam).getAllByTestId("deps-graph-expand-team")[0] as HTMLElement);
    await waitFor(() => expect(graphRequests().at(-1)?.filter.teams).toHaveLength(1));
    expect(graphRequests().at(-1)?.maxNodes).toBe(2000);
    // A chosen team's graph, still cut at its limit, is drawn and says how much is shown.
    await waitFor(() =>
      expect(screen.getByTestId("deps-graph-status")).toHaveTextContent(
        "Showing 5 of 2,600 items (the most linked first)",
      ),
    );
    expect(screen.queryByTestId("deps-graph-by-team")).toBeNull();
    // The canvas is made once there are dots to draw, and draws them.
    await waitFor(() => expect(drawn.canvases[0]?.draws.length).toBe(1));
    expect(drawn.canvases).toHaveLength(1);
    expect(screen.getByRole("button", { name: "Zoom in" })).toBeInTheDocument();
  });

  it("builds an intent target, and shows the finish dates and the steps", async () => {
    const calls = backend({ critical: { ...makeCriticalPath(), targetItems: 16, openTargetItems: 16 } });
    renderPage();
    expect(await screen.findByTestId("critical-none")).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("target-kind-intent"));
    const select = await screen.findByTestId("target-intent");
    await waitFor(() => expect(within(select).getAllByRole("option")).toHaveLength(3));
    fireEvent.change(select, { target: { value: "i1" } });
    await waitFor(() =>
      expect(last(calls, "deps_critical_path")?.target).toEqual({ type: "intent", id: "i1" }),
    );
    expect(window.location.hash).toContain("target=intent%3Ai1");
    await waitFor(() =>
      expect(last(calls, "deps_graph")?.request).toMatchObject({ critical: { type: "intent", id: "i1" } }),
    );
    const path = await screen.findByTestId("critical-path");
    expect(path).toHaveTextContent("P50 finish");
    expect(path).toHaveTextContent(/Mar 9, 2026|9 Mar 2026/);
    expect(path).toHaveTextContent(/Mar 23, 2026|23 Mar 2026/);
    // An initiative whose 16 items are all open says so, apart from what they depend on.
    expect(screen.getByTestId("critical-upstream")).toHaveTextContent(
      "Its 16 items: 16 still open. They depend on 4 more items, 2 still open.",
    );
    const steps = within(path).getAllByTestId("critical-step");
    expect(steps).toHaveLength(2);
    expect(steps[0]).toHaveTextContent("1.0 day (P50) to 8.0 days (P85) left");
    expect(steps[1]).toHaveTextContent("default percentiles");
    expect(steps[0]).not.toHaveTextContent("default percentiles");
    fireEvent.click(screen.getByTestId("target-clear"));
    await waitFor(() => expect(window.location.hash).not.toContain("target="));
  });

  it("builds an item target from the search", async () => {
    const calls = backend();
    renderPage();
    const search = await screen.findByTestId("target-item-search");
    fireEvent.change(search, { target: { value: "a3" } });
    const option = await screen.findByTestId("target-item-search-option", {}, { timeout: 2000 });
    expect(last(calls, "items_list")?.query).toMatchObject({ text: "a3", limit: 8 });
    fireEvent.click(option);
    await waitFor(() =>
      expect(last(calls, "deps_critical_path")?.target).toEqual({ type: "item", id: "a3" }),
    );
  });

  it("says when the target is already delivered and when items upstream are in cycles", async () => {
    backend({ critical: makeCriticalPath({ done: true, steps: [], itemsInCycles: 3 }) });
    renderPage("#/dependencies?target=item:a3");
    expect(await screen.findByTestId("critical-done")).toHaveTextContent("Already delivered");
    expect(screen.getByTestId("critical-cycles")).toHaveTextContent("3 items upstream block each other");
  });

  it("gives every section an empty state with its definition and export", async () => {
    backend({ report: makeEmptyDepsReport(), graph: makeGraph({ nodes: [], edges: [], totalNodes: 0 }) });
    renderPage();
    expect(await screen.findByText("No cycles — good.")).toBeInTheDocument();
    const sections = {
      "deps-team-map": "deps-matrix",
      "deps-matrix": "deps-matrix",
      "deps-chains": "deps-chains",
      "deps-single-links": "deps-single-links",
      "deps-cycles": "deps-cycles",
      "deps-at-risk": "deps-at-risk",
      "deps-handoffs": "deps-handoffs",
    };
    for (const [id, metric] of Object.entries(sections)) {
      const card = screen.getByTestId(id);
      expect(within(card).getByTestId(`${id}-empty`), id).toBeInTheDocument();
      expect(within(card).getByTestId(`metric-info-${metric}`), id).toBeInTheDocument();
      expect(within(card).getByTestId(`${id}-export`), id).toBeInTheDocument();
    }
    const graph = screen.getByTestId("deps-graph");
    expect(await within(graph).findByText("No open blocking links")).toBeInTheDocument();
    expect(within(graph).getByTestId("metric-info-deps-dependencies")).toBeInTheDocument();
  });

  it("shows an error with a retry in every section when the report fails", async () => {
    mockBackend({
      deps_report: () => {
        throw { code: "database", message: "disk I/O error" };
      },
      deps_graph: () => makeGraph(),
      intents_list: () => [],
    });
    renderPage();
    const errors = await screen.findAllByText("disk I/O error");
    expect(errors.length).toBeGreaterThanOrEqual(5);
    expect(screen.getByText("Could not compute dependency cycles")).toBeInTheDocument();
  });

  it("draws the team map's names and counts over its arrows' lines, on a card of the surface colour", async () => {
    backend();
    renderPage();
    const map = await screen.findByTestId("deps-team-map-chart");
    const svg = await waitFor(() => {
      const found = map.querySelector("svg");
      expect(found?.querySelectorAll("circle").length).toBeGreaterThan(0);
      return found as SVGSVGElement;
    });
    const shapes = [...svg.querySelectorAll("path, rect, circle, text")];
    const arrowLines = [...svg.querySelectorAll('[data-map-point^="arrow:"] path')];
    expect(arrowLines.length).toBeGreaterThan(0);
    const lastArrowLine = Math.max(...arrowLines.map((e) => shapes.indexOf(e)));
    const teams = [...svg.querySelectorAll('[data-map-point^="team:"]')];
    expect(teams.length).toBe(svg.querySelectorAll("circle").length);
    for (const team of teams) {
      const [card, name, counts] = [team.querySelector("rect"), ...team.querySelectorAll("text")];
      expect(counts?.textContent).toMatch(/^blocks \d+ \/ blocked by \d+$/);
      // After every arrow's line: no arrow is painted over a team's words.
      expect(shapes.indexOf(card as Element)).toBeGreaterThan(lastArrowLine);
      // The card lies under both lines, at least as wide as the longer one's letters.
      expect(shapes.indexOf(card as Element)).toBeLessThan(shapes.indexOf(name as Element));
      const width = Number(card?.getAttribute("width"));
      const longest = Math.max(name?.textContent?.length ?? 0, counts?.textContent?.length ?? 0);
      expect(width).toBeGreaterThanOrEqual(longest * 6);
    }
  });

  it("renders titles, keys and team names from sources as text", async () => {
    const hostile = '<img src=x onerror=alert(1)> "quoted" & co';
    const report = makeDepsReport();
    const evil = {
      item: { id: "x1", key: "<b>KEY-1</b>", title: hostile },
      teamId: "t9",
      teamName: "<script>alert(2)</script>",
      flowState: "waiting" as const,
      stage: "blocked" as const,
    };
    backend({
      report: {
        ...report,
        chains: [{ items: [evil, ...(report.chains[0]?.items ?? [])], waitingDays: 3, teams: 2 }],
        cycles: [{ items: [evil], selfLink: true }],
        matrix: [
          {
            blockerTeamId: "t9",
            blockerTeam: "<script>alert(2)</script>",
            blockedTeamId: "t1",
            blockedTeam: "Payments",
            openLinks: 2,
            totalDays: 3,
            oldestDays: 2,
            medianDays: 1,
          },
        ],
      },
      critical: makeCriticalPath({ targetLabel: hostile }),
    });
    renderPage("#/dependencies?target=item:x1");
    // The lists mount in their turn once the report is there (the loading cards before it).
    await screen.findByTestId("deps-chain-counts");
    const cycles = await screen.findByTestId("deps-cycles");
    expect(await within(cycles).findByText(hostile)).toBeInTheDocument();
    expect(within(screen.getByTestId("deps-chains")).getByText("<b>KEY-1</b>")).toBeInTheDocument();
    expect(
      within(screen.getByTestId("deps-matrix-table")).getAllByText("<script>alert(2)</script>").length,
    ).toBe(1);
    expect(await screen.findByTestId("critical-target")).toHaveTextContent(hostile);
    expect(document.querySelector("img")).toBeNull();
    expect(document.querySelector("script")).toBeNull();
    expect(document.querySelector("b")).toBeNull();
  });
});
