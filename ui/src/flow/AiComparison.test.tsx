import { screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { AiComparison, FlowFilter } from "../lib/ipc";
import { clearMocks, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { AiComparisonPanel } from "./AiComparison";

afterEach(() => clearMocks());

const filter: FlowFilter = {
  from: null,
  to: null,
  lastDays: 90,
  teams: ["team-pay"],
  sources: [],
  kinds: [],
  provenances: [],
  intents: [],
  rule: "last_entry",
  utcOffsetMinutes: 0,
};

const pct = (p50: number | null, p85: number | null) => ({
  count: 4,
  p50,
  p85,
  p95: null,
  mean: null,
});

function group(provenance: "human" | "ai_agent", label: string, mergeRate: number, reworkRate: number) {
  return {
    provenance,
    label,
    items: 10,
    cycleTime: pct(3.5, 9),
    pullRequests: 6,
    timeToFirstReview: pct(0.5, 2),
    withoutReview: 1,
    reviewRounds: 1.5,
    merged: 4,
    abandoned: 1,
    mergeRate,
    abandonRate: 1 - mergeRate,
    delivered: 5,
    reworked: 1,
    reworkRate,
    open: 3,
    idle: pct(4, 12),
  };
}

describe("AI-made work compared with people's", () => {
  it("asks with the Flow page's filter and shows each provenance side by side", async () => {
    const answer = {
      range: { from: "2026-02-01", to: "2026-05-01", asOf: "2026-05-01T00:00:00Z", days: 90 },
      groups: [group("human", "People", 0.8, 0.1), group("ai_agent", "AI agents", 0.5, 0.4)],
      reworkDays: 30,
    } as unknown as AiComparison;
    const calls = mockBackend({ triage_compare: () => answer });
    renderWithClient(<AiComparisonPanel filter={filter} />);
    const table = await screen.findByTestId("ai-compare-table");
    expect(calls.find((c) => c.cmd === "triage_compare")?.args.filter).toEqual(filter);
    const head = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(head).toEqual(["Figure", "People", "AI agents"]);
    const merge = within(table).getByText("Merge rate").closest("tr");
    expect(merge).toHaveTextContent("80%");
    expect(merge).toHaveTextContent("50%");
    const rework = within(table)
      .getByText(/Rework rate/)
      .closest("tr");
    expect(rework).toHaveTextContent("40%");
    expect(screen.getByText(/Rework within 30 days/)).toBeInTheDocument();
  });
});
