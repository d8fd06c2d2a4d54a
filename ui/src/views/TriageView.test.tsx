import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TriageDecision, TriageQuery, TriageRow } from "../lib/ipc";
import {
  clearMocks,
  makeDecision,
  makeDetail,
  makeRow,
  makeSummary,
  makeTriageList,
  makeTriageRow,
  mockBackend,
} from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { reasonDefinition } from "../triage/vocabulary";
import { TriageView } from "./TriageView";

const HOSTILE = 'Fix <img src=x onerror=alert(1)> & "quotes"';

const ROWS: TriageRow[] = [
  makeTriageRow({ id: "a", key: "PAY-1", title: "First" }),
  makeTriageRow({ id: "b", key: "PAY-2", title: HOSTILE }),
  makeTriageRow({
    id: "c",
    key: "PAY-3",
    title: "Third",
    kind: "task",
    provenance: "human",
    agent: null,
    reasons: [
      {
        reason: "handoff_undelivered",
        since: "2026-01-02T00:00:00.000Z",
        days: 4,
        detail: "PAY-9 was delivered 4.0 days ago; nobody picked the work up",
        other: { id: "up", key: "PAY-9" },
      },
    ],
  }),
];

function press(key: string) {
  fireEvent.keyDown(window, { key });
}

function selectedKey(): string | null {
  const row = screen.getAllByTestId("triage-row").find((r) => r.getAttribute("aria-selected") === "true");
  return row?.getAttribute("data-id") ?? null;
}

beforeEach(() => {
  window.location.hash = "#/triage";
});
afterEach(() => clearMocks());

/** A Rust side that takes decided items off the list and brings them back on undo. */
function backend(rows: TriageRow[] = ROWS) {
  const decided = new Set<string>();
  const byDecision = new Map<string, string>();
  let next = 1;
  const calls = mockBackend({
    workspace_summary: () => makeSummary(),
    triage_list: () => makeTriageList(rows.filter((r) => !decided.has(r.id))),
    triage_decide: (args) => {
      const d = args.decision as TriageDecision;
      const id = `d${next++}`;
      if (d.decision.kind !== "note" && d.decision.kind !== "owner_set") decided.add(d.itemId);
      byDecision.set(id, d.itemId);
      return makeDecision({ id, itemId: d.itemId, kind: d.decision.kind, summary: `Did ${d.decision.kind}` });
    },
    triage_undo: (args) => {
      const item = byDecision.get(args.decisionId as string);
      if (item) decided.delete(item);
      return makeDecision({ id: `d${next++}`, kind: "revoked", summary: "Undone" });
    },
    item_detail: (args) => makeDetail(makeRow({ id: args.id as string, title: "Opened item" })),
    decisions_list: () => [makeDecision({ id: "d1", summary: 'Accepted, "quoted"' })],
  });
  return calls;
}

describe("Triage", () => {
  it("asks for the list again every minute while shown, keeping the selection", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const calls = backend();
      renderWithClient(<TriageView />);
      await screen.findByText("First");
      press("j");
      const asked = () => calls.filter((c) => c.cmd === "triage_list").length;
      const before = asked();
      await vi.advanceTimersByTimeAsync(59_000);
      expect(asked()).toBe(before);
      await vi.advanceTimersByTimeAsync(2_000);
      await waitFor(() => expect(asked()).toBe(before + 1));
      expect(selectedKey()).toBe("b");
    } finally {
      vi.useRealTimers();
    }
  });

  it("moves with j/k, records an action with its key, and undoes it with z", async () => {
    const calls = backend();
    renderWithClient(<TriageView />);
    await screen.findByText("First");
    expect(selectedKey()).toBe("a");

    press("j");
    expect(selectedKey()).toBe("b");
    press("j");
    expect(selectedKey()).toBe("c");
    press("j");
    expect(selectedKey()).toBe("c");
    press("k");
    expect(selectedKey()).toBe("b");

    // One key, one decision: "a" accepts the selected item, which leaves the list.
    press("a");
    await waitFor(() => expect(screen.getAllByTestId("triage-row")).toHaveLength(2));
    const decide = calls.filter((c) => c.cmd === "triage_decide");
    expect(decide).toHaveLength(1);
    expect(decide[0]?.args.decision).toEqual({ itemId: "b", decision: { kind: "accepted" }, why: "" });
    expect(screen.getByTestId("triage-status")).toHaveTextContent("PAY-2: Did accepted. Press z to undo.");
    // The selection stays in place: the next item is now selected.
    expect(selectedKey()).toBe("c");

    // Undo takes that decision back; the item returns.
    press("z");
    await waitFor(() => expect(screen.getAllByTestId("triage-row")).toHaveLength(3));
    const undo = calls.filter((c) => c.cmd === "triage_undo");
    expect(undo).toHaveLength(1);
    expect(undo[0]?.args.decisionId).toBe("d1");
    expect(screen.getByTestId("triage-status")).toHaveTextContent("Undone: PAY-2");

    // Nothing left to undo.
    press("z");
    expect(screen.getByTestId("triage-status")).toHaveTextContent("Nothing to undo.");
    expect(calls.filter((c) => c.cmd === "triage_undo")).toHaveLength(1);
  });

  it("opens the selected item with Enter, its history in the drawer", async () => {
    const calls = backend();
    renderWithClient(<TriageView />);
    await screen.findByText("First");
    press("j");
    press("Enter");
    expect(window.location.hash).toContain("item=b");
    expect(await screen.findByTestId("item-detail")).toBeInTheDocument();
    expect(calls.some((c) => c.cmd === "item_detail" && c.args.id === "b")).toBe(true);
  });

  it("asks for the owner, records it with why, and keeps the page's keys out of the form", async () => {
    const calls = backend();
    renderWithClient(<TriageView />);
    await screen.findByText("First");
    press("o");
    const form = await screen.findByTestId("triage-form");
    const owner = within(form).getByTestId("triage-form-owner");
    expect(owner).toHaveFocus();
    // Typing "j" or "a" in the form types; it neither moves nor accepts.
    fireEvent.keyDown(owner, { key: "a" });
    fireEvent.change(owner, { target: { value: "jane" } });
    fireEvent.change(within(form).getByTestId("triage-form-why"), { target: { value: "She asked for it" } });
    fireEvent.click(within(form).getByTestId("triage-form-submit"));
    await waitFor(() => expect(screen.queryByTestId("triage-form")).toBeNull());
    const decide = calls.filter((c) => c.cmd === "triage_decide");
    expect(decide).toHaveLength(1);
    expect(decide[0]?.args.decision).toEqual({
      itemId: "a",
      decision: { kind: "owner_set", owner: "jane" },
      why: "She asked for it",
    });
  });

  it("defers until the item changes, and Escape closes a form without recording", async () => {
    const calls = backend();
    renderWithClient(<TriageView />);
    await screen.findByText("First");
    press("d");
    let form = await screen.findByTestId("triage-form");
    fireEvent.keyDown(form, { key: "Escape" });
    expect(screen.queryByTestId("triage-form")).toBeNull();
    press("d");
    form = await screen.findByTestId("triage-form");
    fireEvent.click(within(form).getByTestId("triage-form-submit"));
    await waitFor(() => expect(calls.filter((c) => c.cmd === "triage_decide")).toHaveLength(1));
    expect(calls.find((c) => c.cmd === "triage_decide")?.args.decision).toEqual({
      itemId: "a",
      decision: { kind: "deferred", until: null, until_change: true },
      why: "",
    });
  });

  it("marks a handoff delivered for the blocker the row names, and refuses where there is none", async () => {
    const calls = backend();
    renderWithClient(<TriageView />);
    await screen.findByText("First");
    press("h");
    expect(await screen.findByTestId("triage-error")).toHaveTextContent("PAY-1 is not waiting on a handoff.");
    press("j");
    press("j");
    press("h");
    await waitFor(() => expect(calls.filter((c) => c.cmd === "triage_decide")).toHaveLength(1));
    expect(calls.find((c) => c.cmd === "triage_decide")?.args.decision).toEqual({
      itemId: "c",
      decision: { kind: "handoff_delivered", upstream: "up" },
      why: "",
    });
  });

  it("shows each reason with its definition from docs/metrics.md, and hostile titles as text", async () => {
    backend();
    renderWithClient(<TriageView />);
    const cell = await screen.findByText(HOSTILE);
    expect(cell.querySelector("img")).toBeNull();
    expect(document.querySelector("img")).toBeNull();
    const tag = screen.getAllByTestId("triage-reason")[0]?.querySelector(".tag");
    expect(reasonDefinition("ai_unreviewed")).toMatch(/independent/);
    expect(tag).toHaveAttribute("title", reasonDefinition("ai_unreviewed"));
    for (const r of ["ai_no_accountable", "ai_unreviewed", "unmapped_state"]) {
      expect(screen.getByTestId(`metric-info-triage-${r}`)).toBeInTheDocument();
      expect(reasonDefinition(r as "ai_unreviewed").length).toBeGreaterThan(20);
    }
    expect(screen.getByTestId("triage-reason-ai_unreviewed")).toHaveTextContent("2");
  });

  it("sends the filters and the sort, and a reason chip filters by that reason", async () => {
    const calls = backend();
    renderWithClient(<TriageView />);
    await screen.findByText("First");
    fireEvent.change(screen.getByTestId("triage-filter-provenance"), { target: { value: "ai_agent" } });
    fireEvent.change(screen.getByTestId("triage-sort"), { target: { value: "waiting_on_it" } });
    fireEvent.click(screen.getByTestId("triage-reason-handoff_undelivered"));
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "triage_list").at(-1)?.args.query).toMatchObject({
        provenances: ["ai_agent"],
        reasons: ["handoff_undelivered"],
        sort: "waiting_on_it",
        show: "open",
      } satisfies Partial<TriageQuery>),
    );
    expect(window.location.hash).toContain("reason=handoff_undelivered");
  });

  it("exports every decision as CSV", async () => {
    const calls = backend();
    renderWithClient(<TriageView />);
    await screen.findByText("First");
    fireEvent.click(screen.getByTestId("triage-export"));
    await waitFor(() =>
      expect(calls.some((c) => c.cmd === "decisions_list" && c.args.itemId === null)).toBe(true),
    );
  });
});

describe("Triage states", () => {
  it("says it is loading while the worklist is computed", async () => {
    mockBackend({ workspace_summary: () => makeSummary(), triage_list: () => new Promise(() => {}) });
    renderWithClient(<TriageView />);
    expect(await screen.findByText("Finding the items that need a decision…")).toBeInTheDocument();
  });

  it("shows the error with a retry", async () => {
    let fail = true;
    mockBackend({
      workspace_summary: () => makeSummary(),
      triage_list: () => {
        if (fail) throw { code: "io", message: "The workspace file /tmp/x.baton could not be read" };
        return makeTriageList(ROWS);
      },
    });
    renderWithClient(<TriageView />);
    expect(await screen.findByText("Could not build the worklist")).toBeInTheDocument();
    expect(screen.getByText("The workspace file /tmp/x.baton could not be read")).toBeInTheDocument();
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: /Try again|Retry/ }));
    expect(await screen.findByText("First")).toBeInTheDocument();
  });

  it("says when nothing needs a decision", async () => {
    mockBackend({
      workspace_summary: () => makeSummary(),
      triage_list: () => makeTriageList([], { decided: 3 }),
    });
    renderWithClient(<TriageView />);
    expect(await screen.findByText("Nothing needs a decision")).toBeInTheDocument();
    expect(screen.getByText(/3 decided items not shown/)).toBeInTheDocument();
  });

  it("offers to clear filters when they hide everything", async () => {
    window.location.hash = "#/triage?reason=ai_idle";
    mockBackend({ workspace_summary: () => makeSummary(), triage_list: () => makeTriageList([]) });
    renderWithClient(<TriageView />);
    expect(await screen.findByText("Nothing matches these filters")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(window.location.hash).not.toContain("reason="));
  });
});
