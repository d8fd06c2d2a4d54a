import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { GovernanceReport, PolicySet } from "../lib/ipc";
import { clearMocks, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { GovernanceView } from "./GovernanceView";

vi.mock("../shared/EChart", async (importOriginal) => {
  const original = await importOriginal<typeof import("../shared/EChart")>();
  return {
    ...original,
    EChart: ({ testId, label }: { testId?: string; label: string }) => (
      <div data-testid={testId} role="img" aria-label={label} />
    ),
  };
});

afterEach(() => clearMocks());

const set: PolicySet = {
  format: 1,
  calendar: {
    zone: "UTC",
    days: ["mon", "tue", "wed", "thu", "fri"],
    start: "09:00",
    end: "17:00",
    holidays: [],
  },
  policies: [
    {
      name: "review-sla",
      title: "First review within 8 working hours",
      enabled: true,
      severity: "warning",
      scope: {},
      rule: { type: "review_sla", hours: 8 },
      version: 0,
    },
    {
      name: "ai-independent-review",
      title: "AI-made pull requests need an independent human review",
      enabled: true,
      severity: "blocking",
      scope: { kinds: ["pull_request"], provenance: ["ai_agent"] },
      rule: { type: "independent_review" },
      version: 0,
    },
  ],
};

const report: GovernanceReport = {
  asOf: "2026-03-02T12:00:00Z",
  total: 1,
  blocking: 1,
  byPolicy: [
    {
      policy: "review-sla",
      title: set.policies[0]?.title ?? "",
      severity: "warning",
      enabled: true,
      violations: 0,
    },
    {
      policy: "ai-independent-review",
      title: "AI review",
      severity: "blocking",
      enabled: true,
      violations: 1,
    },
  ],
  byTeam: [{ team: "Payments", violations: 1 }],
  weekly: [{ week: "2026-02-23", counts: [0, 1] }],
  violations: [
    {
      policy: "ai-independent-review",
      policyTitle: "AI review",
      severity: "blocking",
      itemId: "gh:acme/pay#7",
      itemKey: "acme/pay#7",
      team: "Payments",
      accountable: "Ann",
      since: "2026-02-24T10:00:00Z",
      ageDays: 6.1,
      resolve: "An approval by a person other than the agent and Ann, who asked for it",
    },
  ],
};

describe("Governance", () => {
  it("lists the violations with who answers for them and what would resolve them", async () => {
    mockBackend({
      governance_report: () => report,
      governance_policies_get: () => set,
      governance_compliance: () => [],
    });
    renderWithClient(<GovernanceView />);
    const table = await screen.findByTestId("gov-violations");
    const row = within(table).getByText("acme/pay#7").closest("tr");
    expect(row).toHaveTextContent("Ann");
    expect(row).toHaveTextContent("who asked for it");
    expect(screen.getByText(/1 violation now/)).toBeInTheDocument();
    expect(screen.getByTestId("gov-trend-chart")).toBeInTheDocument();
  });

  it("saves an edited limit and switch as the whole set", async () => {
    const calls = mockBackend({
      governance_report: () => report,
      governance_policies_get: () => set,
      governance_compliance: () => [],
      governance_policies_save: (args) => args.set,
    });
    renderWithClient(<GovernanceView />);
    const hours = await screen.findByLabelText(/First review within 8 working hours: Working hours/);
    fireEvent.change(hours, { target: { value: "4" } });
    fireEvent.click(screen.getByLabelText(/AI-made pull requests need an independent human review: on/));
    fireEvent.click(screen.getByTestId("gov-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "governance_policies_save")).toBe(true));
    const saved = calls.find((c) => c.cmd === "governance_policies_save")?.args.set as PolicySet;
    expect(saved.policies[0]?.rule).toEqual({ type: "review_sla", hours: 4 });
    expect(saved.policies[1]?.enabled).toBe(false);
  });

  it("saves a team's own working hours and holidays beside the default calendar", async () => {
    const calls = mockBackend({
      governance_report: () => report,
      governance_policies_get: () => set,
      governance_compliance: () => [],
      workspace_summary: () => ({ byTeam: [{ key: "team-pay", label: "Payments", count: 3 }], bySource: [] }),
      governance_policies_save: (args) => args.set,
    });
    renderWithClient(<GovernanceView />);
    const team = await screen.findByTestId("gov-calendar-team");
    await waitFor(() => expect(within(team).getByText("Payments")).toBeInTheDocument());
    fireEvent.change(team, { target: { value: "team-pay" } });
    fireEvent.click(screen.getByTestId("gov-calendar-add"));
    fireEvent.change(screen.getByLabelText("Payments: time zone"), { target: { value: "America/New_York" } });
    fireEvent.click(screen.getByLabelText("Payments: works on fri"));
    const holidays = screen.getByLabelText("Payments: holidays");
    fireEvent.change(holidays, { target: { value: "2026-11-26, 2026-12-25" } });
    fireEvent.blur(holidays);
    fireEvent.click(screen.getByTestId("gov-calendars-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "governance_policies_save")).toBe(true));
    const saved = calls.find((c) => c.cmd === "governance_policies_save")?.args.set as PolicySet;
    expect(saved.calendar).toEqual(set.calendar);
    expect(saved.calendars?.["team-pay"]).toEqual({
      zone: "America/New_York",
      days: ["mon", "tue", "wed", "thu"],
      start: "09:00",
      end: "17:00",
      holidays: ["2026-11-26", "2026-12-25"],
    });
    expect(saved.policies).toEqual(set.policies);
  });

  it("says so when the policies cannot be evaluated", async () => {
    mockBackend({
      governance_report: () => {
        throw { code: "internal", message: "the index is gone" };
      },
      governance_policies_get: () => set,
      governance_compliance: () => [],
    });
    renderWithClient(<GovernanceView />);
    expect(await screen.findByText("Could not evaluate the policies")).toBeInTheDocument();
    expect(screen.getByText("the index is gone")).toBeInTheDocument();
  });
});
