import { fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { depItem } from "../deps/testing";
import type { Attention, AttentionItem, AttentionList } from "../lib/ipc";
import { clearMocks, makeSummary, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { AttentionSection } from "./Attention";
import { WipNote } from "./OverviewCharts";

function row(id: string, ageDays: number, expectationDays = 12): AttentionItem {
  return {
    item: depItem(id, "t1", "Payments", "waiting"),
    stateSince: "2026-05-01T09:00:00Z",
    daysInState: 27,
    ageDays,
    expectationDays,
    defaultExpectation: false,
  };
}

function makeAttention(partial: Partial<Attention> = {}): Attention {
  return {
    asOf: "2026-05-28T12:00:00Z",
    waiting: 40,
    overExpectation: 9,
    byReason: [
      { stage: "review", items: 25, overExpectation: 6 },
      { stage: "blocked", items: 15, overExpectation: 3 },
    ],
    oldestWaiting: [row("a1", 186), row("a2", 40)],
    blockedByOtherTeams: 7,
    aiAwaitingReview: 3,
    handoffsNotArrived: 0,
    inProgress: 5000,
    notStarted: 420,
    startedBackInNew: 20,
    flowWip: 4600,
    ...partial,
  };
}

afterEach(() => clearMocks());

describe("Where work is stuck", () => {
  it("leads with the stuck work, each count opening the list it counts", async () => {
    const lists: AttentionList[] = [];
    mockBackend({
      overview_attention: () => makeAttention(),
      overview_attention_items: (args) => {
        lists.push(args.list as AttentionList);
        return { total: 9, items: [row("a1", 186), row("a3", 30)] };
      },
    });
    renderWithClient(<AttentionSection />);
    const late = await screen.findByTestId("attention-over-expectation");
    expect(late).toHaveAttribute("data-value", "9");
    expect(late).toHaveTextContent("of 40 waiting");
    expect(screen.getByTestId("attention-blocked-by-other-teams")).toHaveAttribute("data-value", "7");
    expect(screen.getByTestId("attention-ai-awaiting-review")).toHaveAttribute("data-value", "3");
    // Nothing to open behind a zero.
    expect(screen.getByTestId("attention-handoffs")).toBeDisabled();

    // The oldest waiting item shows its whole age against the team's expectation, and since when
    // it has been in its current state.
    const first = screen.getAllByTestId("attention-row")[0] as HTMLElement;
    expect(first).toHaveTextContent("186 d of 12 d");
    expect(first).toHaveTextContent("Blocked");
    expect(first).toHaveTextContent("(27 d)");

    fireEvent.click(late);
    const panel = await screen.findByTestId("attention-items");
    expect(within(panel).getByTestId("attention-items-title")).toHaveTextContent("Waiting past expectation");
    expect(await within(panel).findByTestId("attention-items-count")).toHaveAttribute("data-value", "9");
    expect(lists).toEqual([{ type: "over_expectation" }]);

    fireEvent.click(screen.getByTestId("attention-reason-review"));
    expect(screen.getByTestId("attention-reason-review")).toHaveAttribute("data-value", "25");
    await screen.findByText("Waiting: Review");
    expect(lists.at(-1)).toEqual({ type: "waiting", stage: "review" });
  });

  it("says why the Overview's Waiting + Active differs from Flow's work in progress, with each count", () => {
    // makeSummary: 2,000 waiting + 3,000 active.
    render(<WipNote summary={makeSummary()} attention={makeAttention()} />);
    const note = screen.getByTestId("overview-wip-note");
    expect(screen.getByTestId("overview-waiting-active")).toHaveTextContent((5000).toLocaleString());
    expect(note).toHaveAttribute("data-value", "4600");
    expect(note).toHaveTextContent(`work in progress now: ${(4600).toLocaleString()}`);
    expect(note).toHaveTextContent("420 waiting or active items have not started their cycle yet");
    expect(note).toHaveTextContent("20 started items are back in New");
  });

  it("says the two figures are the same items when they agree", () => {
    render(
      <WipNote
        summary={makeSummary()}
        attention={makeAttention({ notStarted: 0, startedBackInNew: 0, flowWip: 5000 })}
      />,
    );
    expect(screen.getByTestId("overview-wip-note")).toHaveTextContent("(the same items).");
  });
});
