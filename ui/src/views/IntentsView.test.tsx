import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { IntentNode, IntentsReport, LinkTarget } from "../lib/ipc";
import { clearMocks, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { formFrom, IntentsView } from "./IntentsView";

afterEach(() => clearMocks());

function node(partial: Partial<IntentNode> & { id: string; title: string }): IntentNode {
  return {
    estimated: 0,
    points: null,
    pointsDone: null,
    pointsProgress: null,
    parentId: null,
    depth: 0,
    kind: "goal",
    description: "",
    successMeasure: "",
    origin: "baton",
    sourceName: null,
    sourceKey: null,
    url: "",
    owner: null,
    targetDate: null,
    priority: null,
    position: 0,
    archived: false,
    directItems: 0,
    items: 10,
    done: 4,
    canceled: 2,
    progress: 0.5,
    throughput: 3,
    cycleP50Days: 4.5,
    cycleP85Days: 9,
    wip: 3,
    oldestWipDays: 12,
    teams: [{ name: "Payments", items: 10 }],
    agents: [],
    aiShare: 0.2,
    blocked: 1,
    atRisk: 0,
    openBlockingLinks: 1,
    pendingDecisions: 2,
    policyViolations: 0,
    linkedBySource: 5,
    linkedByRule: 0,
    linkedByHand: 0,
    ...partial,
    label: partial.label ?? partial.title,
  };
}

function report(partial: Partial<IntentsReport> = {}): IntentsReport {
  return {
    asOf: "2026-04-01T00:00:00Z",
    rangeFrom: "2026-01-01",
    rangeTo: "2026-03-31",
    intents: [
      node({
        id: "g1",
        title: "Cut checkout abandonment",
        origin: "source",
        sourceName: "Jira",
        sourceKey: "GOAL-1",
        label: "Cut checkout abandonment · Jira",
      }),
      node({ id: "i1", title: "<b>One-page checkout</b>", parentId: "g1", depth: 1, kind: "initiative" }),
    ],
    archived: 1,
    unaligned: {
      wip: 4,
      throughput: 2,
      allWip: 10,
      allThroughput: 8,
      rows: [
        {
          teamId: "t-pay",
          team: "Payments",
          sourceId: "gh",
          source: "GitHub",
          wip: 4,
          throughput: 2,
          aiWip: 1,
          aiThroughput: 0,
        },
      ],
      teams: [
        {
          teamId: "t-pay",
          team: "Payments",
          wip: 4,
          teamWip: 10,
          wipShare: 0.4,
          throughput: 2,
          teamThroughput: 8,
          throughputShare: 0.25,
        },
      ],
      onPurpose: 1,
      items: [
        {
          item: { id: "gh:1", key: "acme/pay#1", title: "Retry payouts" },
          team: "Payments",
          source: "GitHub",
          state: "active",
          provenance: "ai_agent",
          ageDays: 30,
        },
      ],
      itemsTotal: 1,
    },
    conflicts: {
      spreadLimit: 3,
      spread: [{ team: "Payments", intents: 5, wip: 9, intentTitles: ["A", "B", "C", "D", "E"] }],
      waits: [
        {
          waitingId: "i1",
          waiting: "One-page checkout",
          blockingId: "g1",
          blocking: "Ledger",
          links: 2,
          mutual: true,
        },
      ],
      priorities: [],
    },
    pointsAvailable: false,
    ...partial,
  };
}

describe("formFrom", () => {
  it("fills the form from an intent, or starts one under the chosen parent", () => {
    expect(formFrom(null, "g1")).toMatchObject({ title: "", parentId: "g1", kind: "initiative" });
    expect(formFrom(node({ id: "x", title: "T", priority: 2 }))).toMatchObject({ title: "T", priority: 2 });
  });
});

describe("IntentsView", () => {
  it("shows the tree, unaligned work and conflicts, with titles as text", async () => {
    mockBackend({ intents_report: () => report() });
    renderWithClient(<IntentsView />);
    const tree = await screen.findByTestId("intent-tree");
    expect(within(tree).getAllByRole("row")).toHaveLength(3);
    expect(screen.getByTestId("intent-row-i1")).toHaveTextContent("<b>One-page checkout</b>");
    expect(tree.querySelector("b")).toBeNull();
    expect(screen.getByTestId("intent-row-g1")).toHaveTextContent("50%");
    // Where an imported intent comes from, under its title; nothing under one made in Baton.
    expect(screen.getByTestId("intent-source-g1")).toHaveTextContent("Jira · GOAL-1");
    expect(screen.queryByTestId("intent-source-i1")).toBeNull();
    // The "Link to" list names intents by their labels.
    const linkTo = screen.getByRole("combobox", { name: "Link to" });
    expect(
      within(linkTo)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Deliberately no intent", "Cut checkout abandonment · Jira", "· <b>One-page checkout</b>"]);
    const unaligned = screen.getByTestId("intent-unaligned");
    expect(unaligned).toHaveTextContent(
      "4 of 10 items in progress and 2 of 8 finished in the range serve no intent",
    );
    expect(unaligned).toHaveTextContent("40%");
    expect(unaligned).toHaveTextContent("25%");
    expect(screen.getByTestId("intent-conflicts")).toHaveTextContent("both ways");
    expect(screen.getByTestId("metric-info-intent-unaligned")).toBeInTheDocument();
  });

  it("keeps the intent column wide: points under progress, decisions and violations in one cell", async () => {
    mockBackend({
      intents_report: () =>
        report({
          pointsAvailable: true,
          intents: [
            node({
              id: "g1",
              title: "Goal",
              pointsProgress: 0.75,
              points: 412,
              pointsDone: 309,
              estimated: 8,
            }),
            node({ id: "i1", title: "Initiative", parentId: "g1", depth: 1, pointsProgress: null }),
          ],
        }),
    });
    renderWithClient(<IntentsView />);
    const tree = await screen.findByTestId("intent-tree");
    const headers = within(tree)
      .getAllByRole("columnheader")
      .map((h) => h.textContent?.trim());
    expect(headers).toHaveLength(9);
    expect(headers[1]).toContain("items, then points");
    expect(headers).toContain("Decisions / violations");
    const cells = within(screen.getByTestId("intent-row-g1")).getAllByRole("cell");
    expect(cells[1]).toHaveTextContent("50% of 8");
    expect(cells[1]?.querySelector('[data-testid="intent-points-g1"]')).toHaveTextContent("75% of 412 pts");
    expect(screen.getByTestId("intent-points-i1")).toHaveTextContent("no estimates");
    expect(cells.at(-1)).toHaveTextContent("2 / 0");
  });

  it("links chosen unaligned items, or marks them as deliberately unaligned", async () => {
    const calls = mockBackend({ intents_report: () => report(), intents_link: () => ["dec-1"] });
    renderWithClient(<IntentsView />);
    fireEvent.click(await screen.findByLabelText("Choose acme/pay#1"));
    fireEvent.click(screen.getByTestId("intent-link"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "intents_link")).toBe(true));
    const call = calls.find((c) => c.cmd === "intents_link");
    expect(call?.args.itemIds).toEqual(["gh:1"]);
    expect(call?.args.target as LinkTarget).toEqual({ type: "unaligned", reason: "maintenance" });
  });

  it("opens an intent with its figures and forecast, and previews a rule before adding it", async () => {
    const calls = mockBackend({
      intents_report: () => report(),
      intents_rules: () => [],
      intents_forecast: () => ({
        levels: [
          { confidence: 50, days: 9, date: "2026-04-09", items: null },
          { confidence: 85, days: 12, date: "2026-04-12", items: null },
        ],
      }),
      intents_rule_preview: () => ({
        matched: 3,
        linked: 2,
        moved: 1,
        newlyAligned: 1,
        kept: 1,
        examples: [{ itemId: "a", key: "PAY-1", intentNow: null, kept: false }],
      }),
      intents_rule_add: () => "rule-1",
    });
    renderWithClient(<IntentsView />);
    fireEvent.click(await screen.findByRole("button", { name: /Cut checkout abandonment/ }));
    const panel = await screen.findByTestId("intent-panel");
    expect(panel).toHaveTextContent("from Jira (GOAL-1)");
    await waitFor(() => expect(panel).toHaveTextContent(/Forecast P50 \/ P85.*2026|Apr/));
    fireEvent.change(within(panel).getByTestId("intent-rule-pattern"), { target: { value: "pay-*" } });
    fireEvent.click(within(panel).getByTestId("intent-rule-preview"));
    expect(await within(panel).findByTestId("intent-rule-preview-result")).toHaveTextContent(
      "Matches 3 items: would link 2",
    );
    expect(calls.some((c) => c.cmd === "intents_rule_add")).toBe(false);
    fireEvent.click(within(panel).getByTestId("intent-rule-add"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "intents_rule_add")).toBe(true));
    expect(calls.find((c) => c.cmd === "intents_rule_add")?.args.rule).toEqual({
      intentId: "g1",
      field: "label",
      pattern: "pay-*",
    });
  });

  it("previews and adds a path rule, saying what it matches and that issues keep their intent", async () => {
    const calls = mockBackend({
      intents_report: () => report(),
      intents_rules: () => [],
      intents_forecast: () => ({ levels: [] }),
      intents_rule_preview: () => ({
        matched: 2,
        linked: 2,
        moved: 0,
        newlyAligned: 2,
        kept: 0,
        examples: [{ itemId: "gh:7", key: "acme/pay#7", intentNow: null, kept: false }],
      }),
      intents_rule_add: () => "rule-2",
    });
    renderWithClient(<IntentsView />);
    fireEvent.click(await screen.findByRole("button", { name: /Cut checkout abandonment/ }));
    const panel = await screen.findByTestId("intent-panel");
    fireEvent.change(within(panel).getByLabelText("What the rule matches"), { target: { value: "path" } });
    const pattern = within(panel).getByTestId("intent-rule-pattern");
    expect(pattern).toHaveAttribute("placeholder", "folder/ or *.proto, as in CODEOWNERS");
    expect(within(panel).getByTestId("intent-rule-path-help")).toHaveTextContent(
      "The issues they implement keep their own intent",
    );
    fireEvent.change(pattern, { target: { value: "src/payments/" } });
    fireEvent.click(within(panel).getByTestId("intent-rule-preview"));
    expect(await within(panel).findByTestId("intent-rule-preview-result")).toHaveTextContent("acme/pay#7");
    fireEvent.click(within(panel).getByTestId("intent-rule-add"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "intents_rule_add")).toBe(true));
    expect(calls.find((c) => c.cmd === "intents_rule_add")?.args.rule).toEqual({
      intentId: "g1",
      field: "path",
      pattern: "src/payments/",
    });
  });

  it("creates an intent from the form", async () => {
    const calls = mockBackend({ intents_report: () => report(), intents_create: () => "new" });
    renderWithClient(<IntentsView />);
    fireEvent.click(await screen.findByTestId("intent-new"));
    fireEvent.change(screen.getByTestId("intent-title"), { target: { value: "Faster refunds" } });
    fireEvent.change(screen.getByTestId("intent-parent"), { target: { value: "g1" } });
    fireEvent.click(screen.getByTestId("intent-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "intents_create")).toBe(true));
    expect(calls.find((c) => c.cmd === "intents_create")?.args.input).toMatchObject({
      title: "Faster refunds",
      parentId: "g1",
    });
  });

  it("says so when the page cannot be read, and when there is no intent", async () => {
    mockBackend({
      intents_report: () => {
        throw { code: "internal", message: "disk gone" };
      },
    });
    const first = renderWithClient(<IntentsView />);
    expect(await screen.findByText("The intents could not be read")).toBeInTheDocument();
    first.unmount();
    mockBackend({ intents_report: () => report({ intents: [] }) });
    renderWithClient(<IntentsView />);
    expect(await screen.findByText("No intent yet")).toBeInTheDocument();
  });
});
