import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_FLOW_FILTER } from "../flow/filter";
import type { Forecast, ForecastSpec } from "../lib/ipc";
import { clearMocks, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { DEFAULT_FORM, headline, PlansView, toSpec } from "./PlansView";

const base = (utcOffsetMinutes: number) => ({ ...DEFAULT_FLOW_FILTER, utcOffsetMinutes });

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

const teams = [
  { id: "t-pay", name: "Payments", items: 40 },
  { id: "t-web", name: "Web", items: 12 },
];

function forecast(partial: Partial<Forecast>): Forecast {
  return {
    question: { type: "when", items: null },
    method: "throughput",
    label: "Payments",
    start: "2026-04-01",
    windowFrom: "2026-01-01",
    windowTo: "2026-03-31",
    windowDays: 90,
    trials: 10000,
    seed: 1,
    historyFinished: 180,
    historyDaysWithFinish: 75,
    items: 20,
    horizonDays: 0,
    levels: [
      { confidence: 50, days: 9, date: "2026-04-09", items: null },
      { confidence: 70, days: 10, date: "2026-04-10", items: null },
      { confidence: 85, days: 12, date: "2026-04-12", items: null },
      { confidence: 95, days: 15, date: "2026-04-15", items: null },
    ],
    histogram: [
      { from: 8, to: 8, trials: 2000 },
      { from: 9, to: 9, trials: 3000 },
      { from: 12, to: 12, trials: 5000 },
    ],
    beyondLimit: 0,
    backtest: {
      horizonDays: 9,
      windowDays: 90,
      checks: [
        { date: "2026-03-14", p50: 18, p85: 14, actual: 19 },
        { date: "2026-03-23", p50: 18, p85: 14, actual: 12 },
      ],
      heldP85: 1,
      heldP50: 1,
    },
    teams: [],
    upstreamItems: 0,
    itemsInCycles: 0,
    notes: [],
    ...partial,
  };
}

describe("toSpec", () => {
  it("asks for a team's open work by default, and for what is missing otherwise", () => {
    const r = toSpec(DEFAULT_FORM, base(60));
    expect("spec" in r && r.spec.question).toEqual({ type: "when", items: null });
    expect("spec" in r && r.spec.filter.utcOffsetMinutes).toBe(60);
    expect("spec" in r && r.spec.windowDays).toBe(90);
    expect(toSpec({ ...DEFAULT_FORM, target: "intent" }, base(0))).toEqual({
      missing: "Choose an intent to forecast.",
    });
    expect(toSpec({ ...DEFAULT_FORM, question: "how_many", date: "" }, base(0))).toEqual({
      missing: "Choose the date to count up to.",
    });
  });

  it("sends only whole numbers, and leaves a cleared field to Rust's default", () => {
    const r = toSpec({ ...DEFAULT_FORM, items: "12", trials: "", seed: "7.5" }, base(0));
    const spec = "spec" in r ? r.spec : null;
    expect(spec?.question).toEqual({ type: "when", items: 12 });
    expect(spec?.trials).toBeNull();
    expect(spec?.seed).toBeNull();
  });
});

describe("headline", () => {
  it("reads the 85% level in words", () => {
    expect(headline(forecast({}))).toMatch(/^Done by .* with 85% confidence \(12 days\)$/);
    expect(
      headline(
        forecast({
          question: { type: "how_many", date: "2026-04-30" },
          levels: [{ confidence: 85, days: null, date: null, items: 41 }],
        }),
      ),
    ).toMatch(/^At least 41 items by .* with 85% confidence$/);
    expect(headline(forecast({ levels: [{ confidence: 85, days: null, date: null, items: null }] }))).toBe(
      "Not within ten years at the current pace",
    );
    expect(headline(forecast({ levels: [] }))).toBe("No forecast");
  });
});

const emptyComparison = {
  start: "2026-12-05",
  windowFrom: "2026-09-06",
  windowTo: "2026-12-04",
  windowDays: 90,
  trials: 2000,
  seed: 1,
  columns: [{ id: null, name: "Baseline", changes: [], warnings: [] }],
  intents: [],
  teams: [],
  explanations: [],
  notes: [],
};

describe("PlansView", () => {
  it("forecasts the chosen team and shows the levels, the histogram and the backtest", async () => {
    const calls = mockBackend({
      teams_list: () => teams,
      intents_list: () => [],
      plan_forecast: () => forecast({}),
    });
    renderWithClient(<PlansView />);
    expect(await screen.findByTestId("plan-headline")).toHaveTextContent("with 85% confidence");
    const levels = screen.getByTestId("plan-levels");
    expect(
      within(levels)
        .getAllByRole("term")
        .map((t) => t.textContent),
    ).toEqual(["50% confidence", "70% confidence", "85% confidence", "95% confidence"]);
    expect(screen.getByTestId("plan-histogram-chart")).toBeInTheDocument();
    const backtest = screen.getByTestId("plan-backtest");
    expect(backtest).toHaveTextContent("The 85% figure held 1 of 2 times");
    expect(within(backtest).getAllByRole("row")).toHaveLength(3);

    fireEvent.change(await screen.findByTestId("plan-team"), { target: { value: "t-pay" } });
    await waitFor(() => {
      const last = calls.filter((c) => c.cmd === "plan_forecast").at(-1)?.args.spec as
        | ForecastSpec
        | undefined;
      expect(last?.filter.teams).toEqual(["t-pay"]);
    });
  });

  it("asks how many by a date once one is chosen", async () => {
    const calls = mockBackend({
      teams_list: () => teams,
      intents_list: () => [],
      plan_forecast: (args) => {
        const spec = args.spec as ForecastSpec;
        return spec.question.type === "how_many"
          ? forecast({
              question: spec.question,
              horizonDays: 30,
              levels: [
                { confidence: 50, days: null, date: null, items: 55 },
                { confidence: 85, days: null, date: null, items: 41 },
              ],
            })
          : forecast({});
      },
    });
    renderWithClient(<PlansView />);
    await screen.findByTestId("plan-headline");
    fireEvent.change(screen.getByTestId("plan-question"), { target: { value: "how_many" } });
    expect(await screen.findByText("Nothing to forecast yet")).toBeInTheDocument();
    fireEvent.change(screen.getByTestId("plan-date"), { target: { value: "2026-04-30" } });
    expect(await screen.findByText(/At least 41 items by/)).toBeInTheDocument();
    const spec = calls.filter((c) => c.cmd === "plan_forecast").at(-1)?.args.spec as ForecastSpec;
    expect(spec.question).toEqual({ type: "how_many", date: "2026-04-30" });
  });

  it("says why there is no forecast, and shows an intent's teams", async () => {
    mockBackend({
      teams_list: () => teams,
      intents_list: () => [
        {
          id: "i-1",
          title: "Faster refunds",
          label: "Faster refunds · Acme Jira",
          kind: "initiative",
          parentId: null,
          items: 20,
          itemsWithDescendants: 20,
        },
      ],
      plan_forecast: () =>
        forecast({
          method: "dependencies",
          label: "Faster refunds",
          levels: [],
          histogram: [],
          backtest: null,
          teams: [
            {
              team: "Checkout",
              items: 3,
              upstreamItems: 1,
              finishedOfIntent: 0,
              finishedAll: 0,
              wholeTeamPace: true,
            },
          ],
          notes: [
            "No forecast: Checkout (3 items) finished nothing in the window, so their items cannot be forecast.",
          ],
        }),
    });
    renderWithClient(<PlansView />);
    fireEvent.click(await screen.findByTestId("plan-target-intent"));
    expect(await screen.findByText("Nothing to forecast yet")).toBeInTheDocument();
    // The picker names the intent by its label (its title and, when shared, its source).
    await screen.findByRole("option", { name: "Faster refunds · Acme Jira" });
    fireEvent.change(screen.getByTestId("plan-intent"), { target: { value: "i-1" } });
    expect(await screen.findByTestId("plan-notes")).toHaveTextContent("Checkout (3 items) finished nothing");
    expect(screen.getByTestId("plan-headline")).toHaveTextContent("No forecast");
    expect(within(screen.getByTestId("plan-teams")).getByText("Checkout")).toBeInTheDocument();
  });

  it("shows the error Rust gives", async () => {
    mockBackend({
      teams_list: () => teams,
      intents_list: () => [],
      plan_forecast: () => {
        throw { code: "invalid", message: "the history window (days) must be between 7 and 730, not 3" };
      },
    });
    renderWithClient(<PlansView />);
    expect(await screen.findByRole("alert")).toHaveTextContent("between 7 and 730");
  });

  it("comes back on the tab last chosen when it is drawn again (a session's copy opened)", async () => {
    mockBackend({
      teams_list: () => teams,
      intents_list: () => [],
      plan_forecast: () => forecast({}),
      plan_session_status: () => ({ thisSession: null, sessions: [] }),
      plan_scenarios_list: () => [],
      plan_compare: () => ({ ...emptyComparison }),
    });
    const first = renderWithClient(<PlansView />);
    fireEvent.click(await screen.findByTestId("plan-tab-scenarios"));
    expect(await screen.findByTestId("session-start")).toBeInTheDocument();
    first.unmount();
    const second = renderWithClient(<PlansView />);
    expect(screen.getByTestId("plan-tab-scenarios")).toHaveAttribute("aria-selected", "true");
    expect(await screen.findByTestId("session-start")).toBeInTheDocument();
    // Back to the forecast, for the tests that follow.
    fireEvent.click(screen.getByTestId("plan-tab-forecast"));
    second.unmount();
  });
});
