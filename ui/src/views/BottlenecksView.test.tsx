import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { BottleneckReport } from "../lib/ipc";
import { clearMocks, makeBottlenecks, makeFilter, makeSummary, mockBackend } from "../lib/ipc/testing";
import { ResolvedThemeContext } from "../shared/theme";
import { renderWithClient } from "../test/render";
import { WorkspaceActionsProvider } from "../workspace/actions";
import { BottlenecksView } from "./BottlenecksView";

vi.mock("../shared/EChart", async (importOriginal) => {
  const original = await importOriginal<typeof import("../shared/EChart")>();
  const { EChartStub } = await import("../test/echartStub");
  return { ...original, EChart: EChartStub };
});

afterEach(() => clearMocks());

function backend(report: BottleneckReport = makeBottlenecks()) {
  return mockBackend({
    flow_filter_get: () => makeFilter({ from: "2026-03-01", to: "2026-03-03" }),
    flow_filter_set: () => null,
    flow_bottlenecks: () => report,
    workspace_summary: () => makeSummary(),
    flow_items: () => ({ total: 0, measure: "time in the stage in the range", items: [] }),
  });
}

function renderPage() {
  return renderWithClient(
    <WorkspaceActionsProvider>
      <BottlenecksView />
    </WorkspaceActionsProvider>,
  );
}

describe("Bottlenecks", () => {
  it("says how the matrix's colour scale reads in each theme (darker on light, brighter on dark)", async () => {
    backend();
    renderWithClient(
      <ResolvedThemeContext.Provider value="dark">
        <WorkspaceActionsProvider>
          <BottlenecksView />
        </WorkspaceActionsProvider>
      </ResolvedThemeContext.Provider>,
    );
    const dark = await screen.findByTestId("bn-matrix");
    expect(dark).toHaveTextContent("brighter is longer");
    expect(dark).not.toHaveTextContent("darker is longer");
    cleanup();
    clearMocks();
    backend();
    renderPage();
    expect(await screen.findByTestId("bn-matrix")).toHaveTextContent("darker is longer");
  });

  it("says which columns of the matrix are empty and why, instead of leaving rows of dashes", async () => {
    backend();
    renderPage();
    const matrix = await screen.findByTestId("bn-matrix");
    // makeBottlenecks: only queue, active and review have time.
    expect(matrix).toHaveTextContent(
      "No item spent time in Security, Approval, Decision, Dependency, Blocked, Waiting (no reason)",
    );
    expect(matrix).toHaveTextContent("those columns are empty and not drawn");
    // Only the three stages with time are drawn: 2 teams × 3 cells.
    expect(await within(matrix).findAllByTestId("bn-matrix-chart-cell")).toHaveLength(6);
  });

  it("shows the longest waits whole, with the part inside the range", async () => {
    backend();
    renderPage();
    const reasons = await screen.findByTestId("bn-wait-reasons");
    expect(reasons).toHaveTextContent("Waits in review 186 days (20 in range)");
  });

  it("asks with the remembered filters and maps clicks to selections", async () => {
    const calls = backend();
    renderPage();
    const matrix = await screen.findByTestId("bn-matrix");
    const asked = calls.find((c) => c.cmd === "flow_bottlenecks")?.args.filter as { from: string };
    expect(asked.from).toBe("2026-03-01");
    const last = () => calls.filter((c) => c.cmd === "flow_items").at(-1)?.args.selection;
    const close = () =>
      fireEvent.click(screen.getByRole("button", { name: "Close Items behind the selection" }));

    // Cell 1 is the first team (Payments) × the second stage drawn (active).
    const cells = await within(matrix).findAllByTestId("bn-matrix-chart-cell");
    fireEvent.click(cells[1]?.querySelector("rect") as Element);
    await waitFor(() => expect(last()).toEqual({ type: "time_in_stage", team_id: "t1", stage: "active" }));
    expect(screen.getByTestId("flow-items-title")).toHaveTextContent("Payments: time in Active");
    expect(await screen.findByText("No items here")).toBeInTheDocument();
    close();

    // The queue chart's second day on its second line (review), by the keyboard.
    const queues = await within(screen.getByTestId("bn-queues")).findByTestId("bn-queues-chart");
    await waitFor(() => expect(queues.querySelector("svg")).toBeTruthy());
    for (const key of ["ArrowRight", "ArrowRight", "ArrowDown", "Enter"]) fireEvent.keyDown(queues, { key });
    await waitFor(() => expect(last()).toEqual({ type: "waiting_at", day: "2026-03-02", stage: "review" }));
    close();

    fireEvent.click(within(screen.getByTestId("bn-wait-reasons")).getByRole("button", { name: "Review" }));
    await waitFor(() => expect(last()).toEqual({ type: "waiting_in", stage: "review" }));
    close();

    fireEvent.click(within(screen.getByTestId("bn-blockers")).getByRole("button", { name: "Platform" }));
    await waitFor(() => expect(last()).toEqual({ type: "blocked_by", team_id: "t2" }));
  });

  it("toggles the heat map between median and total", async () => {
    backend();
    renderPage();
    const matrix = await screen.findByTestId("bn-matrix");
    expect(matrix).toHaveTextContent("median time an item spent");
    fireEvent.click(screen.getByTestId("matrix-measure-total"));
    expect(matrix).toHaveTextContent("total time all items spent");
  });

  it("shows examples and blockers as links with their titles as text", async () => {
    const report = makeBottlenecks();
    const hostile = '<script>alert("x")</script> & co';
    backend({
      ...report,
      blockerClusters: [
        {
          ...(report.blockerClusters[0] as BottleneckReport["blockerClusters"][number]),
          blockers: [{ item: { id: "b1", key: "=cmd|' /C calc'!A0", title: hostile }, blocks: 2 }],
        },
      ],
    });
    renderPage();
    const blockers = await screen.findByTestId("bn-blockers");
    expect(within(blockers).getByText(hostile)).toBeInTheDocument();
    expect(blockers.querySelector("script")).toBeNull();
    expect(within(screen.getByTestId("bn-wait-reasons")).getByText("Waits in review")).toBeInTheDocument();
  });

  it("says beside the numbers what a lead would otherwise misread", async () => {
    backend();
    renderPage();
    const waits = await screen.findByTestId("bn-wait-reasons");
    // Review waits are in WIP as well; a queue before work starts is not.
    expect(waits).toHaveTextContent("so the same time is also work in progress");
    expect(waits).toHaveTextContent("a queue before work starts is here but not in WIP");
    // Blockers are judged at the range end, not today.
    expect(screen.getByTestId("bn-blockers")).toHaveTextContent(
      "a blocker finished after that day counts, its state today does not",
    );
    // A blocked flag on a draft.
    expect(screen.getByTestId("bn-pr-segments")).toHaveTextContent(
      "A blocked flag on a draft is blocked time, and coding goes on until it leaves draft",
    );
  });

  it("gives every chart an empty state with its definition link", async () => {
    backend(
      makeBottlenecks({
        matrix: [],
        waitReasons: [],
        blockerClusters: [],
        queues: [],
        pullRequests: 0,
        prSegments: ["coding", "pickup", "review", "merge"].map((segment) => ({
          segment,
          days: { count: 0, p50: null, p85: null, p95: null, mean: null },
        })),
      }),
    );
    renderPage();
    await screen.findByTestId("bn-matrix");
    const charts = {
      "bn-matrix": "bottleneck-matrix",
      "bn-wait-reasons": "bottleneck-wait-reasons",
      "bn-blockers": "bottleneck-blockers",
      "bn-queues": "bottleneck-queues",
      "bn-pr-segments": "bottleneck-pr-segments",
    };
    for (const [id, metric] of Object.entries(charts)) {
      const card = screen.getByTestId(id);
      expect(within(card).getByTestId(`${id}-empty`), id).toBeInTheDocument();
      expect(within(card).getByTestId(`metric-info-${metric}`), id).toBeInTheDocument();
      expect(within(card).getByTestId(`${id}-export`), id).toBeInTheDocument();
    }
    expect(screen.getByTestId("bn-pr-segments")).toHaveTextContent("No pull requests were merged between");
  });

  it("shows the data notes with a way to map the state", async () => {
    backend(
      makeBottlenecks({
        skipped: 3,
        notes: [
          {
            code: "unmapped_state",
            message: "3 items skipped: state “Needs QA” of Jira is not mapped",
            items: 3,
            sourceId: "s2",
            rawState: "Needs QA",
          },
        ],
      }),
    );
    renderPage();
    fireEvent.click(await screen.findByTestId("data-note-map"));
    expect(window.location.hash).toBe("#/settings?tab=workflow&source=s2&state=Needs+QA");
  });
});
