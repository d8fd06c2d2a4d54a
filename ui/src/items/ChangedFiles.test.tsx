import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import type { ConflictView, ItemChanges } from "../lib/ipc";
import { clearMocks, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { ChangedFiles } from "./ChangedFiles";

afterEach(() => clearMocks());

const HOSTILE_TITLE = '<img src=x onerror="alert(1)">Refactor the ledger';
const HOSTILE_PATH = "payments/<script>alert(2)</script>.rs";
const HOSTILE_REASON = "Changes <b>payments/refund.rs</b> owned by Payments without a review from Payments";

function conflict(partial: Partial<ConflictView> = {}): ConflictView {
  return {
    item: { id: "gh-1", key: "acme/app#1", title: HOSTILE_TITLE, team: "Platform", ai: false, open: true },
    rule: "cross_owner_unreviewed",
    otherId: "team-pay",
    otherTeam: "Payments",
    otherItems: [],
    paths: [HOSTILE_PATH],
    reason: HOSTILE_REASON,
    answer: null,
    ...partial,
  };
}

function changes(conflicts: ConflictView[]): ItemChanges {
  return {
    read: true,
    files: [
      {
        path: HOSTILE_PATH,
        status: "modified",
        additions: 3,
        deletions: 1,
        previousPath: null,
        owners: ["@acme/<i>payments</i>"],
      },
    ],
    truncated: false,
    codeowners: ".github/CODEOWNERS",
    conflicts,
  };
}

describe("Files and conflicts", () => {
  it("renders hostile paths, titles and reasons as text", async () => {
    const overlap = conflict({
      rule: "overlapping",
      otherId: "team-pay",
      otherTeam: "Payments",
      otherItems: [
        {
          id: "gh-2",
          key: "acme/app#2",
          title: HOSTILE_TITLE,
          team: "Payments",
          ai: true,
          open: true,
        },
      ],
      reason: "Open at the same time as acme/app#2 (an AI agent) touching the same files: <u>x</u>",
    });
    mockBackend({ conflicts_item: () => changes([conflict(), overlap]) });
    const { container } = renderWithClient(<ChangedFiles itemId="gh-1" onOpenItem={() => {}} />);
    const section = await screen.findByTestId("detail-files");
    expect(section).toHaveTextContent("1 file, 2 conflicts");
    expect(within(section).getByText(HOSTILE_PATH)).toBeInTheDocument();
    expect(within(section).getByText(HOSTILE_REASON)).toBeInTheDocument();
    expect(section).toHaveTextContent("@acme/<i>payments</i>");
    const others = within(section).getByTestId("conflict-others");
    expect(within(others).getByText(HOSTILE_TITLE)).toBeInTheDocument();
    expect(within(others).getByRole("button", { name: "acme/app#2" })).toBeInTheDocument();
    expect(others).toHaveTextContent("AI agent");
    expect(within(section).getByText("Another team's code, not reviewed by it")).toBeInTheDocument();
    for (const tag of ["img", "script", "b", "i", "u"]) {
      expect(container.querySelector(tag), `no <${tag}> from source text`).toBeNull();
    }
  });

  it("dismisses a conflict with why, shows the answer, and takes it back", async () => {
    let answered = false;
    const calls = mockBackend({
      conflicts_item: () =>
        changes([
          conflict({
            answer: answered
              ? {
                  decisionId: "dec-1",
                  acknowledged: false,
                  actor: "lead",
                  at: "2026-04-02T10:00:00.000Z",
                  why: "vendored <code>",
                }
              : null,
          }),
        ]),
      conflicts_answer: () => {
        answered = true;
        return "dec-1";
      },
      triage_undo: () => {
        answered = false;
        return { id: "dec-2" };
      },
    });
    renderWithClient(<ChangedFiles itemId="gh-1" onOpenItem={() => {}} />);
    fireEvent.click(await screen.findByTestId("conflict-dismiss"));
    fireEvent.change(screen.getByTestId("conflict-answer-why"), { target: { value: "vendored <code>" } });
    fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "conflicts_answer")?.args).toEqual({
        answer: {
          item: "gh-1",
          rule: "cross_owner_unreviewed",
          other: "team-pay",
          acknowledge: false,
          why: "vendored <code>",
        },
      }),
    );
    const shown = await screen.findByTestId("conflict-answer");
    expect(shown).toHaveTextContent("Dismissed by lead");
    expect(shown).toHaveTextContent("vendored <code>");
    expect(shown).toHaveTextContent("off Triage until the pull request changes");
    expect(screen.getByTestId("detail-files")).toHaveTextContent("1 answered");
    fireEvent.click(screen.getByTestId("conflict-answer-undo"));
    await waitFor(() =>
      expect(calls.some((c) => c.cmd === "triage_undo" && c.args.decisionId === "dec-1")).toBe(true),
    );
    expect(await screen.findByTestId("conflict-acknowledge")).toBeInTheDocument();
  });
});

/** The drawer as it moves from one item to another (one component, a new item id). */
function Drawer() {
  const [id, setId] = useState("gh-1");
  return (
    <>
      <button type="button" onClick={() => setId("gh-2")}>
        next item
      </button>
      <ChangedFiles itemId={id} onOpenItem={() => {}} />
    </>
  );
}

describe("An overlap", () => {
  it("names the other team's changes, five then the rest on demand, each opening in the drawer", async () => {
    const otherItems = Array.from({ length: 8 }, (_, n) => ({
      id: `gh-${n + 10}`,
      key: `acme/app#${n + 10}`,
      title: `Change ${n + 10}`,
      team: "Payments",
      ai: n === 0,
      open: true,
    }));
    const overlap = conflict({
      rule: "overlapping",
      otherItems,
      reason: "Open at the same time as 8 changes of Payments (1 by AI agents) touching the same files: x.rs",
    });
    mockBackend({ conflicts_item: () => changes([overlap]) });
    const opened: string[] = [];
    renderWithClient(<ChangedFiles itemId="gh-1" onOpenItem={(id) => opened.push(id)} />);
    const others = await screen.findByTestId("conflict-others");
    expect(within(others).getAllByRole("button", { name: /^acme\/app#/ })).toHaveLength(5);
    const more = screen.getByTestId("conflict-others-more");
    expect(more).toHaveTextContent("and 3 more");
    fireEvent.click(more);
    expect(within(others).getAllByRole("button", { name: /^acme\/app#/ })).toHaveLength(8);
    fireEvent.click(within(others).getByRole("button", { name: "acme/app#17" }));
    expect(opened).toEqual(["gh-17"]);
    expect(screen.getByTestId("conflict-acknowledge")).toHaveAttribute(
      "title",
      "It is real and known: take it off Triage until the pull request or one it overlaps changes, or another change of that team overlaps it",
    );
  });
});

describe("A change with many conflicts", () => {
  it("lists the first five, says how many of each rule, and shows the rest on demand", async () => {
    const overlaps = Array.from({ length: 10 }, (_, n) =>
      conflict({
        rule: "overlapping",
        otherId: `gh-${n + 10}`,
        otherTeam: null,
        reason: `Open at the same time as acme/app#${n + 10}`,
      }),
    );
    const flags = [conflict(), conflict({ otherId: "team-id", otherTeam: "Identity" }), ...overlaps];
    mockBackend({ conflicts_item: () => changes(flags) });
    renderWithClient(<ChangedFiles itemId="gh-1" onOpenItem={() => {}} />);
    const list = await screen.findByTestId("detail-conflicts");
    expect(within(list).getAllByRole("listitem")).toHaveLength(5);
    expect(screen.getByTestId("conflicts-by-rule")).toHaveTextContent(
      "Another team's code, not reviewed by it: 2 · Overlaps other open changes: 10",
    );
    const more = screen.getByTestId("conflicts-more");
    expect(more).toHaveTextContent("Show all 12 conflicts (7 more)");
    fireEvent.click(more);
    expect(within(screen.getByTestId("detail-conflicts")).getAllByRole("listitem")).toHaveLength(12);
    expect(screen.getByText("Open at the same time as acme/app#19")).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("conflicts-more"));
    expect(within(screen.getByTestId("detail-conflicts")).getAllByRole("listitem")).toHaveLength(5);
  });

  it("starts folded again for another item opened in the drawer", async () => {
    const flags = Array.from({ length: 8 }, (_, n) => conflict({ otherId: `team-${n}` }));
    mockBackend({ conflicts_item: () => changes(flags) });
    renderWithClient(<Drawer />);
    fireEvent.click(await screen.findByTestId("conflicts-more"));
    expect(within(screen.getByTestId("detail-conflicts")).getAllByRole("listitem")).toHaveLength(8);
    fireEvent.click(screen.getByText("next item"));
    await waitFor(() =>
      expect(within(screen.getByTestId("detail-conflicts")).getAllByRole("listitem")).toHaveLength(5),
    );
  });

  it("lists five or fewer whole, with no summary or button", async () => {
    mockBackend({ conflicts_item: () => changes([conflict(), conflict({ rule: "overlapping" })]) });
    renderWithClient(<ChangedFiles itemId="gh-1" onOpenItem={() => {}} />);
    const list = await screen.findByTestId("detail-conflicts");
    expect(within(list).getAllByRole("listitem")).toHaveLength(2);
    expect(screen.queryByTestId("conflicts-more")).toBeNull();
    expect(screen.queryByTestId("conflicts-by-rule")).toBeNull();
  });
});
