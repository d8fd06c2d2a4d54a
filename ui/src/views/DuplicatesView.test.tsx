import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { DuplicatePair, DuplicatesReport } from "../lib/ipc";
import { clearMocks, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { DuplicatesView } from "./DuplicatesView";

afterEach(() => clearMocks());

const pair: DuplicatePair = {
  a: {
    id: "jira:PAY-1",
    key: "PAY-1",
    title: "Retry <img src=x onerror=alert(1)> refunds",
    kind: "feature",
    team: "Payments",
    source: "acme-jira",
    sourceKind: "jira",
    provenance: "human",
    flow: "active",
    createdAt: "2026-04-01T00:00:00Z",
  },
  b: {
    id: "gh:acme/web#7",
    key: "acme/web#7",
    title: "Automatically retry refunds",
    kind: "feature",
    team: "Checkout",
    source: "acme",
    sourceKind: "github",
    provenance: "ai_agent",
    flow: "new",
    createdAt: "2026-04-03T00:00:00Z",
  },
  score: 0.86,
  signals: [
    { kind: "titles_alike", similarity: 0.86 },
    { kind: "close_in_time", days: 2 },
  ],
  explanation: "titles 86% alike; created 2 days apart",
};

const report: DuplicatesReport = {
  asOf: "2026-05-01T00:00:00Z",
  total: 1,
  pairs: [pair],
  linkedAtSource: 3,
  confirmed: 1,
  dismissed: 2,
  teams: [{ team: "Payments", items: 2, days: 12.5, candidates: 1 }],
  computed: "full",
  itemsCompared: 3000,
};

const backend = {
  duplicates_report: () => report,
  workspace_summary: () => ({ byTeam: [], bySource: [] }),
};

describe("Duplicates", () => {
  it("shows both items side by side with the explanation, hostile titles as text, and team totals", async () => {
    mockBackend(backend);
    renderWithClient(<DuplicatesView />);
    const rows = await screen.findAllByTestId("duplicate-pair");
    expect(rows).toHaveLength(1);
    const row = rows[0] as HTMLElement;
    expect(within(row).getAllByTestId("duplicate-side")).toHaveLength(2);
    expect(row).toHaveTextContent("Retry <img src=x onerror=alert(1)> refunds");
    expect(row.querySelector("img")).toBeNull();
    expect(row).toHaveTextContent("Automatically retry refunds");
    expect(row).toHaveTextContent("AI-made");
    expect(within(row).getByTestId("duplicate-why")).toHaveTextContent(
      "titles 86% alike; created 2 days apart",
    );
    expect(screen.getByText(/3 linked at the source, 1 confirmed, 2 dismissed/)).toBeInTheDocument();
    const byTeam = screen.getByTestId("duplicates-by-team-table");
    expect(within(byTeam).getByText("12.5")).toBeInTheDocument();
  });

  it("confirms the later item as a duplicate of the earlier one, and dismisses", async () => {
    const calls = mockBackend({ ...backend, duplicates_answer: () => "dec-1" });
    renderWithClient(<DuplicatesView />);
    const row = (await screen.findAllByTestId("duplicate-pair"))[0] as HTMLElement;
    fireEvent.click(within(row).getByTestId("duplicate-confirm"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "duplicates_answer")).toBe(true));
    expect(calls.find((c) => c.cmd === "duplicates_answer")?.args.answer).toEqual({
      item: "gh:acme/web#7",
      of: "jira:PAY-1",
      confirm: true,
      why: "",
    });
    await waitFor(() => expect(within(row).getByTestId("duplicate-dismiss")).toBeEnabled());
    fireEvent.click(within(row).getByTestId("duplicate-dismiss"));
    await waitFor(() => expect(calls.filter((c) => c.cmd === "duplicates_answer")).toHaveLength(2));
    expect(calls.filter((c) => c.cmd === "duplicates_answer")[1]?.args.answer).toMatchObject({
      confirm: false,
    });
  });

  it("says plainly when there is nothing, and shows errors with a retry", async () => {
    mockBackend({ ...backend, duplicates_report: () => ({ ...report, total: 0, pairs: [] }) });
    const first = renderWithClient(<DuplicatesView />);
    expect(await screen.findByText("No duplicate candidates")).toBeInTheDocument();
    expect(screen.getByText(/3,000 items compared/)).toBeInTheDocument();
    first.unmount();
    mockBackend({
      ...backend,
      duplicates_report: () => {
        throw { code: "workspace_corrupt", message: "the file is damaged" };
      },
    });
    renderWithClient(<DuplicatesView />);
    expect(await screen.findByText("Could not compare the items")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Try again/ })).toBeInTheDocument();
  });
});
