import { fireEvent, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { filtersFromParams, toItemsQuery } from "../items/filters";
import { clearMocks, makeSummary, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { OverviewView } from "./OverviewView";

afterEach(() => clearMocks());

describe("Overview", () => {
  it("leads with Triage's counts by reason, each opening its worklist", async () => {
    mockBackend({
      workspace_summary: () => makeSummary(),
      triage_list: () => ({
        total: 14,
        rows: [],
        byReason: [
          { reason: "ai_unreviewed", count: 9 },
          { reason: "new_untriaged", count: 5 },
          { reason: "ai_idle", count: 0 },
        ],
      }),
    });
    renderWithClient(<OverviewView />);
    const lead = await screen.findByTestId("overview-triage");
    expect(within(lead).getByTestId("overview-triage-ai_unreviewed")).toHaveAttribute("data-value", "9");
    expect(within(lead).queryByTestId("overview-triage-ai_idle")).toBeNull();
    fireEvent.click(within(lead).getByTestId("overview-triage-new_untriaged"));
    expect(window.location.hash).toBe("#/triage?reason=new_untriaged");
  });

  it("puts Triage first, then where work is stuck, and the inventory after them", async () => {
    mockBackend({
      workspace_summary: () => makeSummary(),
      triage_list: () => ({ total: 5, rows: [], byReason: [{ reason: "new_untriaged", count: 5 }] }),
      overview_attention: () => ({
        asOf: "2026-05-28T12:00:00Z",
        waiting: 4,
        overExpectation: 1,
        byReason: [{ stage: "review", items: 4, overExpectation: 1 }],
        oldestWaiting: [],
        blockedByOtherTeams: 2,
        aiAwaitingReview: 1,
        handoffsNotArrived: 0,
        inProgress: 5000,
        notStarted: 0,
        startedBackInNew: 0,
        flowWip: 5000,
      }),
    });
    renderWithClient(<OverviewView />);
    const order = [
      await screen.findByTestId("overview-triage"),
      await screen.findByTestId("attention-over-expectation"),
      screen.getByTestId("kpi-items"),
      screen.getByTestId("chart-by-team"),
    ];
    for (let i = 1; i < order.length; i++) {
      const [before, after] = [order[i - 1] as HTMLElement, order[i] as HTMLElement];
      expect(before.compareDocumentPosition(after) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    }
  });

  it("shows the KPI tiles with raw values and formatted numbers", async () => {
    mockBackend({ workspace_summary: () => makeSummary() });
    renderWithClient(<OverviewView />);
    const items = await screen.findByTestId("kpi-items");
    expect(items).toHaveAttribute("data-value", "12345");
    expect(items).toHaveTextContent((12345).toLocaleString());
    expect(screen.getByTestId("kpi-transitions")).toHaveAttribute("data-value", "67890");
    expect(screen.getByTestId("kpi-links")).toHaveAttribute("data-value", "321");
    expect(screen.getByTestId("kpi-open-blocking-links")).toHaveAttribute("data-value", "17");
    expect(screen.getByTestId("kpi-teams")).toHaveAttribute("data-value", "2");
    const ai = screen.getByTestId("kpi-ai-unreviewed");
    expect(ai).toHaveAttribute("data-value", "37");
    expect(ai.querySelector(".kpi-value")).toHaveTextContent(`37 of ${(2000).toLocaleString()}`);
    for (const id of [
      "summary-items",
      "summary-transitions",
      "summary-links",
      "summary-ai-prs-without-human-review",
    ]) {
      expect(screen.getAllByTestId(`metric-info-${id}`).length).toBeGreaterThan(0);
    }
  });

  it("drills down from the AI-review count to the unreviewed AI pull requests only", async () => {
    mockBackend({ workspace_summary: () => makeSummary() });
    renderWithClient(<OverviewView />);
    const ai = await screen.findByTestId("kpi-ai-unreviewed");
    fireEvent.click(within(ai).getByRole("button", { name: /List them/ }));
    const params = new URLSearchParams(window.location.hash.split("?")[1]);
    expect(window.location.hash.startsWith("#/items?")).toBe(true);
    expect(params.getAll("kind")).toEqual(["pull_request"]);
    expect(params.getAll("prov")).toEqual(["ai_agent"]);
    expect(params.get("unreviewed")).toBe("1");
    expect(toItemsQuery(filtersFromParams(params), 0, 200).withoutIndependentReview).toBe(true);
  });

  it("has a titled chart with a definition link for each split, and clicking one opens Work items filtered", async () => {
    mockBackend({ workspace_summary: () => makeSummary() });
    renderWithClient(<OverviewView />);
    const team = await screen.findByTestId("chart-by-team");
    expect(within(team).getByRole("heading", { name: "Items by team" })).toBeInTheDocument();
    expect(within(team).getByTestId("metric-info-summary-by-team")).toBeInTheDocument();
    for (const id of ["by-flow-state", "by-kind", "by-source", "by-provenance"]) {
      expect(screen.getByTestId(`chart-${id}`)).toBeInTheDocument();
      expect(screen.getByTestId(`metric-info-summary-${id}`)).toBeInTheDocument();
    }

    // Series 1 is "Waiting", data index 1 is the second team (Platform).
    fireEvent.click(screen.getByTestId("chart-by-team-chart-bar-1-1"));
    expect(window.location.hash).toBe("#/items?team=t2&state=waiting");

    fireEvent.click(screen.getByTestId("chart-by-kind-chart-bar-0-1"));
    expect(window.location.hash).toBe("#/items?kind=feature");
    fireEvent.click(screen.getByTestId("chart-by-provenance-chart-slice-1"));
    expect(window.location.hash).toBe("#/items?prov=ai_agent");

    // The keyboard reaches the same: the first point, then Enter.
    const kinds = screen.getByTestId("chart-by-kind-chart");
    fireEvent.keyDown(kinds, { key: "ArrowDown" });
    expect(within(kinds).getByRole("tooltip")).toHaveTextContent(/items \(/);
    fireEvent.keyDown(kinds, { key: "Enter" });
    expect(window.location.hash).toBe(`#/items?kind=${makeSummary().byKind[0]?.key}`);
  });

  it("drills from a headline to the list it counts", async () => {
    mockBackend({ workspace_summary: () => makeSummary() });
    renderWithClient(<OverviewView />);
    const ai = await screen.findByTestId("kpi-ai-unreviewed");
    fireEvent.click(within(ai).getByRole("button", { name: /List them/ }));
    // The unreviewed ones (the headline), not every AI pull request (the "of N").
    expect(window.location.hash).toBe("#/items?kind=pull_request&prov=ai_agent&unreviewed=1");
    const links = screen.getByTestId("kpi-open-blocking-links");
    expect(links).toHaveTextContent("blocker not done or canceled, blocked item still open");
    fireEvent.click(within(links).getByRole("button", { name: /Who blocks whom/ }));
    expect(window.location.hash).toBe("#/dependencies");
  });

  it("shows empty states when the workspace has no items", async () => {
    mockBackend({
      workspace_summary: () =>
        makeSummary({
          totals: {
            items: 0,
            transitions: 0,
            links: 0,
            openBlockingLinks: 0,
            teams: 0,
            people: 0,
            sources: 0,
            intents: 0,
          },
          byTeam: [],
          byKind: [],
          bySource: [],
          teamStates: [],
          aiPrs: 0,
          aiPrsWithoutIndependentReview: 0,
          dateRange: null,
        }),
    });
    renderWithClient(<OverviewView />);
    expect(await screen.findByTestId("kpi-items")).toHaveAttribute("data-value", "0");
    expect(screen.getAllByText("Nothing to chart yet")).toHaveLength(5);
    expect(screen.getByTestId("kpi-date-range")).toHaveTextContent("No items yet");
  });

  it("shows the error and a retry when the summary cannot be loaded", async () => {
    mockBackend({
      workspace_summary: () => {
        throw { code: "database", message: "database error: disk I/O error" };
      },
    });
    renderWithClient(<OverviewView />);
    expect(await screen.findByText("Could not load the workspace summary")).toBeInTheDocument();
    expect(screen.getByText("database error: disk I/O error")).toBeInTheDocument();
  });
});
