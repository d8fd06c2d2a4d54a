import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FILTER_SAVE_DELAY_MS } from "../flow/useFlowFilter";
import type { FlowReport } from "../lib/ipc";
import {
  clearMocks,
  makeEmptyFlowReport,
  makeFilter,
  makeFlowReport,
  makeSummary,
  mockBackend,
} from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { WorkspaceActionsProvider } from "../workspace/actions";
import { FlowView } from "./FlowView";

afterEach(() => clearMocks());

/** Moves the keyboard's point on a chart and presses Enter: the keyboard's click. */
async function pressOn(card: string, keys: string[]) {
  // Charts draw in queued tasks: wait for this one's turn.
  await waitFor(() =>
    expect(within(screen.getByTestId(card)).getByTestId(`${card}-chart`).querySelector("svg")).toBeTruthy(),
  );
  const chart = within(screen.getByTestId(card)).getByTestId(`${card}-chart`);
  for (const key of [...keys, "Enter"]) fireEvent.keyDown(chart, { key });
}

const HOSTILE = 'Sanitize <img src=x onerror=alert(1)> & "quotes"';
const OFFSET = -new Date().getTimezoneOffset() || 0;

function backend(report: FlowReport = makeFlowReport(), saved = makeFilter({ utcOffsetMinutes: 0 })) {
  return mockBackend({
    flow_filter_get: () => saved,
    flow_filter_set: () => null,
    flow_report: () => report,
    workspace_summary: () => makeSummary(),
    flow_items: () => ({
      total: 2,
      measure: "cycle time",
      items: [
        {
          item: { id: "i3", key: "PAY-3", title: HOSTILE },
          teamName: "Payments",
          days: 6.5,
          inRangeDays: null,
          flowState: "done",
          stateSince: "2026-03-02T10:00:00Z",
          daysInState: 0.5,
        },
        {
          item: { id: "i2", key: "PAY-2", title: "Fix refunds" },
          teamName: null,
          days: 1,
          inRangeDays: null,
          flowState: "done",
          stateSince: "2026-03-02T08:00:00Z",
          daysInState: 0.6,
        },
      ],
    }),
    item_detail: () => {
      throw { code: "not_found", message: "item i3 was not found" };
    },
  });
}

function renderFlow() {
  return renderWithClient(
    <WorkspaceActionsProvider>
      <FlowView />
    </WorkspaceActionsProvider>,
  );
}

describe("Flow", () => {
  it("reads the saved filters on open and asks for the report in the local time zone", async () => {
    const calls = backend(makeFlowReport(), makeFilter({ teams: ["t1"], utcOffsetMinutes: 600 }));
    renderFlow();
    expect(await screen.findByTestId("flow-tile-cycle")).toHaveAttribute("data-value", "6.5");
    expect(calls[0]?.cmd).toBe("flow_filter_get");
    const asked = calls.find((c) => c.cmd === "flow_report")?.args.filter as Record<string, unknown>;
    expect(asked.teams).toEqual(["t1"]);
    expect(asked.utcOffsetMinutes).toBe(OFFSET);
    expect(screen.getByTestId("flow-filter-zone")).toHaveTextContent(/^Days in UTC/);
    expect(screen.getByTestId("flow-sle")).toHaveTextContent("85% of items finish within 6.5 days");
    expect(calls.some((c) => c.cmd === "flow_filter_set")).toBe(false);
  });

  it("saves a changed filter once, after a pause, and asks for the new report at once", async () => {
    const calls = backend();
    renderFlow();
    await screen.findByTestId("flow-tile-cycle");
    fireEvent.click(screen.getByTestId("flow-filter-rule-first_entry"));
    fireEvent.click(screen.getByTestId("flow-filter-range"));
    fireEvent.click(screen.getByTestId("flow-filter-preset-30"));
    await waitFor(() =>
      expect(
        calls
          .filter((c) => c.cmd === "flow_report")
          .some((c) => (c.args.filter as { lastDays: unknown }).lastDays),
      ).toBe(true),
    );
    expect(calls.filter((c) => c.cmd === "flow_filter_set")).toHaveLength(0);
    await waitFor(() => expect(calls.filter((c) => c.cmd === "flow_filter_set")).toHaveLength(1), {
      timeout: FILTER_SAVE_DELAY_MS + 1000,
    });
    const saved = calls.find((c) => c.cmd === "flow_filter_set")?.args.filter as Record<string, unknown>;
    expect(saved.rule).toBe("first_entry");
    expect(saved.lastDays).toBe(30);
    expect(saved.utcOffsetMinutes).toBe(OFFSET);
  });

  it("takes a custom range, refusing one that ends before it starts", async () => {
    const calls = backend();
    renderFlow();
    await screen.findByTestId("flow-tile-cycle");
    fireEvent.click(screen.getByTestId("flow-filter-range"));
    // The fields start at the range the report covers.
    expect(screen.getByTestId("flow-filter-from")).toHaveValue("2026-03-01");
    fireEvent.change(screen.getByTestId("flow-filter-from"), { target: { value: "2026-03-09" } });
    fireEvent.change(screen.getByTestId("flow-filter-to"), { target: { value: "2026-03-02" } });
    fireEvent.click(screen.getByTestId("flow-filter-apply"));
    expect(screen.getByRole("alert")).toHaveTextContent("The range starts after it ends.");
    fireEvent.change(screen.getByTestId("flow-filter-from"), { target: { value: "2026-02-01" } });
    fireEvent.click(screen.getByTestId("flow-filter-apply"));
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "flow_report").at(-1)?.args.filter).toMatchObject({
        from: "2026-02-01",
        to: "2026-03-02",
      }),
    );
    expect(screen.getByTestId("flow-filter-range")).toHaveTextContent("Feb 1, 2026 – Mar 2, 2026");
  });

  it("lists the items behind a throughput bar, titles as text, each opening the item", async () => {
    const calls = backend();
    renderFlow();
    await screen.findByTestId("flow-throughput");
    await pressOn("flow-throughput", ["ArrowRight", "ArrowRight"]);
    const panel = await screen.findByTestId("flow-items");
    expect(within(panel).getByTestId("flow-items-title")).toHaveTextContent("Finished on");
    const call = calls.find((c) => c.cmd === "flow_items");
    expect(call?.args.selection).toEqual({ type: "finished_on", day: "2026-03-02" });
    expect(await within(panel).findByText(HOSTILE)).toBeInTheDocument();
    expect(panel.querySelector("img")).toBeNull();
    expect(within(panel).getByText("Cycle time (days)")).toBeInTheDocument();

    const blobs: Blob[] = [];
    const create = vi.spyOn(URL, "createObjectURL").mockImplementation((b) => {
      blobs.push(b as Blob);
      return "blob:csv";
    });
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    fireEvent.click(within(panel).getByTestId("flow-items-export"));
    const csv = (await (blobs[0] as Blob).text()).replace(/^\uFEFF/, "");
    expect(csv.split("\r\n")[0]).toBe(
      "item_id,key,title,team,cycle_time_days,days_in_range,state,state_since,days_in_state",
    );
    expect(csv).toContain(
      'i3,PAY-3,"Sanitize <img src=x onerror=alert(1)> & ""quotes""",Payments,6.5,,done,2026-03-02T10:00:00Z,0.5',
    );
    create.mockRestore();
    click.mockRestore();

    fireEvent.click(within(panel).getByText(HOSTILE));
    await screen.findByTestId("item-detail");
    expect(await screen.findByText("This item no longer exists")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Close Item details" }));
    expect(await screen.findByTestId("flow-items")).toBeInTheDocument();
  });

  it("maps clicks on the other charts to their selections", async () => {
    const calls = backend();
    renderFlow();
    await screen.findByTestId("flow-cfd");
    const lastSelection = () => calls.filter((c) => c.cmd === "flow_items").at(-1)?.args.selection;
    const click = async (chart: string, keys: string[], expected: unknown) => {
      await pressOn(chart, keys);
      await waitFor(() => expect(lastSelection()).toEqual(expected));
      fireEvent.click(screen.getByRole("button", { name: "Close Items behind the selection" }));
    };
    const second = ["ArrowRight", "ArrowRight"];
    // The week line is the throughput's second layer.
    await click("flow-throughput", ["ArrowRight", "ArrowDown", "ArrowRight"], {
      type: "finished_in_week",
      week: "2026-03-02",
    });
    // Bands stack canceled, done, active, …: the third layer is Active.
    await click("flow-cfd", [...second, "ArrowDown", "ArrowDown"], {
      type: "in_state_at",
      day: "2026-03-02",
      state: "active",
    });
    await click("flow-wip", second, { type: "in_progress_at", day: "2026-03-02" });
    await click("flow-efficiency", second, { type: "efficiency_band", band: 1 });
    await click("flow-distribution", [...second, "ArrowDown"], { type: "in_progress_kind", kind: "defect" });
    // Past the dots' layers, the keyboard stands on the columns (the stages) themselves.
    await click("flow-aging", ["ArrowRight", ...Array(8).fill("ArrowDown"), "Home", "ArrowRight"], {
      type: "in_progress_in_stage",
      stage: "review",
    });
    fireEvent.click(within(screen.getByTestId("flow-percentiles")).getByRole("button", { name: "Payments" }));
    await waitFor(() => expect(lastSelection()).toEqual({ type: "finished" }));
    const teamCall = calls.filter((c) => c.cmd === "flow_items").at(-1);
    expect(teamCall?.args.filter).toMatchObject({ teams: ["t1"] });
  }, 20_000);

  it("exports a chart's data as CSV built from the report", async () => {
    backend();
    const blobs: Blob[] = [];
    const create = vi.spyOn(URL, "createObjectURL").mockImplementation((b) => {
      blobs.push(b as Blob);
      return "blob:csv";
    });
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      expect(this.download).toBe("baton-cycle-time-by-team.csv");
    });
    renderFlow();
    const card = await screen.findByTestId("flow-percentiles");
    // The menu opens from the keyboard (Enter), as Radix menus do; a disabled action says so.
    fireEvent.keyDown(within(card).getByTestId("flow-percentiles-export"), { key: "Enter" });
    expect(screen.getByTestId("flow-percentiles-export-png")).toHaveAttribute("aria-disabled", "true");
    fireEvent.click(screen.getByTestId("flow-percentiles-export-csv"));
    expect(click).toHaveBeenCalledTimes(1);
    const text = await (blobs[0] as Blob).text();
    expect(text.replace(/^\uFEFF/, "")).toBe(
      "team,finished_items,p50_days,p85_days,p95_days,mean_days\r\nAll teams,4,2,6.5,9,4.1\r\nPayments,3,2,6.5,6.5,3.5\r\nNo team,1,9,9,9,9\r\n",
    );
    create.mockRestore();
    click.mockRestore();
  });

  it("opens a scatter point's item directly", async () => {
    const calls = backend();
    renderFlow();
    await screen.findByTestId("flow-scatter");
    await pressOn("flow-scatter", ["ArrowRight", "ArrowRight"]);
    await screen.findByTestId("item-detail");
    expect(calls.find((c) => c.cmd === "item_detail")?.args).toEqual({ id: "i2" });
    expect(calls.some((c) => c.cmd === "flow_items")).toBe(false);
  });

  it("gives every chart an empty state, a definition link and an export menu", async () => {
    backend(makeEmptyFlowReport());
    renderFlow();
    await screen.findByTestId("flow-tile-cycle");
    const charts = {
      "flow-cfd": "flow-cfd",
      "flow-scatter": "flow-scatter",
      "flow-throughput": "flow-throughput",
      "flow-wip": "flow-wip",
      "flow-aging": "flow-age",
      "flow-efficiency": "flow-efficiency",
      "flow-distribution": "flow-distribution",
      "flow-percentiles": "flow-percentiles",
      "flow-littles-law": "flow-littles-law",
    };
    for (const [id, metric] of Object.entries(charts)) {
      // Cards after the first mount in their turns (InTurn), so each is awaited.
      const card = await screen.findByTestId(id, {}, { timeout: 5000 });
      expect(within(card).getByTestId(`${id}-empty`), id).toBeInTheDocument();
      expect(within(card).getByTestId(`metric-info-${metric}`), id).toBeInTheDocument();
      expect(within(card).getByTestId(`${id}-export`), id).toBeInTheDocument();
      expect(within(card).queryByRole("img"), id).toBeNull();
    }
    expect(screen.getByTestId("flow-scatter")).toHaveTextContent("No items finished between Mar 1, 2026 and");
    expect(screen.getByTestId("flow-aging")).toHaveTextContent("No items were in progress at the end of");
  });

  it("explains a large gap in the Little's law check with the terms Rust measured", async () => {
    backend();
    renderFlow();
    const card = await screen.findByTestId("flow-littles-law");
    const gap = within(card).getByTestId("flow-littles-law-gap");
    expect(gap).toHaveAttribute("data-large", "true");
    expect(gap).toHaveTextContent(
      "Average work in progress is 40% below throughput × average cycle time, more than the 20% the check tolerates.",
    );
    const reasons = within(gap)
      .getAllByRole("listitem")
      .map((li) => li.textContent);
    expect(reasons).toEqual([
      "Work not finished in the range: 3 items still in progress at its end (1 was done before and reopened) and 1 started item canceled in it count in WIP but not in throughput (+0.4 items of average WIP).",
      "Work started before the range: 2 items finished in it started earlier; their cycle time before the range adds 2.5 to throughput × cycle time but to no day's WIP.",
      "The range (3.0 days) is short next to the cycle times (85% finish within 6.5 days): most finished work started before it. A longer range gives a steadier check.",
      "Reading WIP once a day, at the day's end, moves its average by −0.1.",
    ]);
    expect(within(card).getByTestId("flow-littles-law-sides")).toHaveTextContent("3.3");
  });

  it("says beside the cycle time what starts a cycle, instantaneous passes included", async () => {
    backend();
    renderFlow();
    expect(await screen.findByTestId("flow-cycle-start")).toHaveTextContent(
      "Starts at the first Active state, even an instantaneous pass, or the first wait for review, approval or security; ends at Done.",
    );
  });

  it("says beside throughput and WIP that a past day can change when the range end moves", async () => {
    backend();
    renderFlow();
    expect(await screen.findByTestId("flow-throughput")).toHaveTextContent(
      "A past day can change when the range end moves: work reopened later is unfinished again.",
    );
    expect(screen.getByTestId("flow-wip")).toHaveTextContent(
      "A past day can change when the range end moves: work reopened later is in progress again.",
    );
  });

  it("says the two sides agree, without reasons, when the gap is small", async () => {
    const report = makeFlowReport();
    backend({
      ...report,
      littlesLaw: {
        ...report.littlesLaw,
        averageWip: 5.2,
        predictedWip: 5,
        gap: 0.04,
        largeGap: false,
        shortRange: false,
      },
    });
    renderFlow();
    const gap = await screen.findByTestId("flow-littles-law-gap");
    expect(gap).toHaveTextContent(
      "Average work in progress is 4% above throughput × average cycle time: the numbers agree.",
    );
    expect(within(gap).queryByTestId("flow-littles-law-reasons")).toBeNull();
  });

  it("says when the sample of the scatter is not every point", async () => {
    const report = makeFlowReport();
    backend({ ...report, scatter: { ...report.scatter, total: 61234, sampled: true } });
    renderFlow();
    expect(await screen.findByTestId("flow-scatter-sampled")).toHaveTextContent(/sample of 4 of 61.234/);
    expect(screen.getByTestId("flow-scatter")).toHaveTextContent(/Showing a sample of 4 of 61.234 items/);
  });

  it("shows the data notes and opens Settings → Workflow at the unmapped state", async () => {
    backend(
      makeFlowReport({
        skipped: 12,
        notes: [
          {
            code: "unmapped_state",
            message: "12 items skipped: state “Foo <b>” of Jira is not mapped to a flow state",
            items: 12,
            sourceId: "s-jira",
            rawState: "Foo <b>",
          },
          {
            code: "out_of_order",
            message: "2 items had changes recorded out of time order",
            items: 2,
            sourceId: null,
            rawState: null,
          },
        ],
      }),
    );
    renderFlow();
    const notes = await screen.findByTestId("data-notes");
    expect(notes).toHaveTextContent("12 items are left out of these numbers");
    expect(within(notes).getAllByTestId("data-note")).toHaveLength(2);
    expect(notes.querySelector("b")).toBeNull();
    fireEvent.click(within(notes).getByTestId("data-note-map"));
    expect(window.location.hash).toBe("#/settings?tab=workflow&source=s-jira&state=Foo+%3Cb%3E");
  });

  it("says a new workspace has no items yet, and offers the demo", async () => {
    backend(makeFlowReport({ ...makeEmptyFlowReport(), items: 0 }));
    renderFlow();
    expect(await screen.findByTestId("flow-no-items")).toHaveTextContent("no work items yet");
    expect(screen.getByRole("button", { name: "Open the demo workspace" })).toBeInTheDocument();
  });

  it("shows Rust's message and a retry when the report fails", async () => {
    let fail = true;
    mockBackend({
      flow_filter_get: () => makeFilter(),
      workspace_summary: () => makeSummary(),
      flow_report: () => {
        if (fail) throw { code: "invalid", message: "the range starts after it ends" };
        return makeFlowReport();
      },
    });
    renderFlow();
    expect(await screen.findByText("the range starts after it ends")).toBeInTheDocument();
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("flow-tile-cycle")).toBeInTheDocument();
  });
});
