import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_FLOW_FILTER } from "../flow/filter";
import type { CompareSpec, Comparison, IntentCell, Scenario, ScenarioInput } from "../lib/ipc";
import { clearMocks, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { blankChange, deltaText, keyList, ScenariosPanel } from "./Scenarios";

afterEach(() => clearMocks());

const teams = [
  { id: "t-pay", name: "Payments" },
  { id: "t-chk", name: "Checkout" },
];
const intents = [{ id: "i-1", name: "Faster refunds" }];

function scenario(partial: Partial<Scenario>): Scenario {
  return {
    id: "scn-1",
    name: "Hand over",
    notes: "",
    changes: [{ type: "move_work", item: "PAY-12", team: "t-chk" }],
    version: 1,
    createdBy: "ana",
    createdAt: "2026-12-01T10:00:00Z",
    updatedBy: "ana",
    updatedAt: "2026-12-01T10:00:00Z",
    ...partial,
  };
}

function cell(partial: Partial<IntentCell>): IntentCell {
  return {
    items: 12,
    upstreamItems: 3,
    p50: { days: 20, date: "2027-01-05" },
    p85: { days: 30, date: "2027-01-15" },
    deltaP50: null,
    deltaP85: null,
    criticalPath: [
      {
        item: { id: "jira:PAY-12", key: "PAY-12", title: "Refund ledger" },
        team: "Payments",
        share: 80,
        added: false,
      },
    ],
    criticalLength: 1,
    bottleneck: { team: "Payments", days: 20, share: 66 },
    risks: [],
    notes: [],
    ...partial,
  };
}

function comparison(scenarios: Scenario[]): Comparison {
  return {
    start: "2026-12-05",
    windowFrom: "2026-09-06",
    windowTo: "2026-12-04",
    windowDays: 90,
    trials: 2000,
    seed: 1,
    columns: [
      { id: null, name: "Baseline", changes: [], warnings: [] },
      ...scenarios.map((s) => ({
        id: s.id,
        name: s.name,
        changes: ["Moving PAY-12 to Checkout"],
        warnings: [],
      })),
    ],
    intents: [
      {
        id: "i-1",
        name: "<img src=x onerror=alert(1)> refunds",
        cells: [
          cell({}),
          ...scenarios.map(() =>
            cell({
              p85: { days: 21, date: "2027-01-06" },
              deltaP85: -9,
              deltaP50: -4,
              bottleneck: { team: "Checkout", days: 12, share: 55 },
              risks: ["PAY-12 (Checkout) waits for ID-9 of Identity on the critical path."],
            }),
          ),
        ],
      },
    ],
    teams: [
      {
        team: "Payments",
        cells: [
          { wip: 4, open: 10, bottleneckOf: ["Faster refunds"] },
          ...scenarios.map(() => ({ wip: 3, open: 9, bottleneckOf: [] })),
        ],
      },
    ],
    explanations: scenarios.map((s) => ({
      scenario: s.name,
      intent: "Faster refunds",
      days: -9,
      text: "Moving PAY-12 to Checkout brings “Faster refunds” forward by 9 days at P85 (2027-01-15 → 2027-01-06).",
    })),
    notes: [],
  };
}

describe("scenario helpers", () => {
  it("reads typed key lists and signs differences", () => {
    expect(keyList(" PAY-12, PAY-13  ID-9,,")).toEqual(["PAY-12", "PAY-13", "ID-9"]);
    expect([deltaText(-9), deltaText(2), deltaText(0)]).toEqual(["−9 d", "+2 d", "±0 d"]);
    expect(blankChange("capacity")).toEqual({ type: "capacity", team: "", from: "", to: "", percent: 0 });
  });
});

describe("ScenariosPanel", () => {
  it("says there is no scenario yet and still shows the baseline", async () => {
    const calls = mockBackend({
      plan_session_status: () => ({ thisSession: null, sessions: [] }),
      plan_scenarios_list: () => [],
      plan_compare: () => comparison([]),
    });
    renderWithClient(<ScenariosPanel base={DEFAULT_FLOW_FILTER} teams={teams} intents={intents} />);
    expect(await screen.findByText("No scenario yet")).toBeInTheDocument();
    expect(await screen.findByTestId("scenario-explanations-empty")).toHaveTextContent(
      "Choose scenarios above to compare them with the baseline.",
    );
    const spec = calls.find((c) => c.cmd === "plan_compare")?.args.spec as CompareSpec;
    expect(spec.scenarios).toEqual([]);
  });

  it("compares the scenarios with the baseline, in words and as text", async () => {
    const s = scenario({});
    const calls = mockBackend({
      plan_session_status: () => ({ thisSession: null, sessions: [] }),
      plan_scenarios_list: () => [s],
      plan_compare: () => comparison([s]),
    });
    const { container } = renderWithClient(
      <ScenariosPanel base={DEFAULT_FLOW_FILTER} teams={teams} intents={intents} />,
    );
    expect(await screen.findByTestId("scenario-explanations")).toHaveTextContent(
      "Moving PAY-12 to Checkout brings “Faster refunds” forward by 9 days at P85",
    );
    const spec = calls.find((c) => c.cmd === "plan_compare")?.args.spec as CompareSpec;
    expect(spec.scenarios).toEqual(["scn-1"]);
    const table = screen.getByTestId("scenario-table");
    expect(within(table).getByText("−9 d")).toBeInTheDocument();
    expect(within(table).getByText(/Bottleneck: Checkout \(55% of the path\)/)).toBeInTheDocument();
    // The intent's name is shown as text, never parsed as HTML.
    expect(within(table).getByText("<img src=x onerror=alert(1)> refunds")).toBeInTheDocument();
    expect(container.querySelector("img")).toBeNull();
    fireEvent.click(screen.getByTestId("scenario-intent-i-1"));
    const detail = await screen.findByTestId("scenario-detail");
    expect(detail).toHaveTextContent("Refund ledger");
    expect(detail).toHaveTextContent("waits for ID-9 of Identity");
    expect(screen.getByTestId("scenario-teams")).toHaveTextContent("Bottleneck of Faster refunds");
  });

  it("creates a scenario from the editor and shows Rust's refusal", async () => {
    let refuse = true;
    const calls = mockBackend({
      plan_session_status: () => ({ thisSession: null, sessions: [] }),
      plan_scenarios_list: () => [],
      plan_compare: () => comparison([]),
      plan_scenario_save: (args) => {
        if (refuse) {
          refuse = false;
          throw { code: "invalid", message: "change 1: the item is missing" };
        }
        return scenario({ name: (args.input as ScenarioInput).name });
      },
    });
    renderWithClient(<ScenariosPanel base={DEFAULT_FLOW_FILTER} teams={teams} intents={intents} />);
    fireEvent.click(await screen.findByTestId("scenario-new"));
    fireEvent.change(screen.getByTestId("scenario-name"), { target: { value: "Hand over" } });
    fireEvent.click(screen.getByTestId("scenario-add"));
    fireEvent.click(screen.getByTestId("scenario-save"));
    expect(await screen.findByTestId("scenario-save-error")).toHaveTextContent(
      "change 1: the item is missing",
    );
    fireEvent.change(screen.getByTestId("scenario-change-0-item"), { target: { value: "PAY-12" } });
    fireEvent.change(screen.getByTestId("scenario-change-0-team"), { target: { value: "t-chk" } });
    fireEvent.click(screen.getByTestId("scenario-save"));
    await waitFor(() => expect(screen.queryByTestId("scenario-editor")).toBeNull());
    const saved = calls.filter((c) => c.cmd === "plan_scenario_save").at(-1)?.args.input as ScenarioInput;
    expect(saved).toEqual({
      id: null,
      baseVersion: null,
      name: "Hand over",
      notes: "",
      changes: [{ type: "move_work", item: "PAY-12", team: "t-chk" }],
    });
  });

  it("starts a planning session on a frozen copy and, inside one, merges its decisions back", async () => {
    const calls = mockBackend({
      plan_session_status: () => ({ thisSession: null, sessions: [] }),
      plan_scenarios_list: () => [],
      plan_compare: () => comparison([]),
      plan_session_start: (args) => ({
        id: "session-1",
        name: args.name,
        file: "/w/acme.session-1.baton",
        startedBy: "ana",
        startedAt: "2026-12-04T10:00:00Z",
        mergedAt: null,
        mergedBy: null,
      }),
      workspace_open: (args) => ({ path: args.path, name: "acme.session-1", isDemo: false, readOnly: false }),
    });
    renderWithClient(<ScenariosPanel base={DEFAULT_FLOW_FILTER} teams={teams} intents={intents} />);
    fireEvent.change(await screen.findByTestId("session-name"), { target: { value: "Q1 planning" } });
    fireEvent.click(screen.getByTestId("session-start-button"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "workspace_open")).toBe(true));
    expect(calls.find((c) => c.cmd === "plan_session_start")?.args).toEqual({ name: "Q1 planning" });
    expect(calls.find((c) => c.cmd === "workspace_open")?.args).toEqual({ path: "/w/acme.session-1.baton" });
  });

  it("inside a session says the numbers are frozen and reports the merge", async () => {
    mockBackend({
      plan_session_status: () => ({
        thisSession: { id: "session-1", source: "/w/acme.baton", startedAt: "2026-12-04T10:00:00Z" },
        sessions: [],
      }),
      plan_scenarios_list: () => [],
      plan_compare: () => comparison([]),
      plan_session_merge: () => ({
        scenariosAdded: 1,
        scenariosUpdated: 0,
        scenariosKeptApart: 1,
        decisionsAdded: 2,
      }),
    });
    renderWithClient(<ScenariosPanel base={DEFAULT_FLOW_FILTER} teams={teams} intents={intents} />);
    expect(await screen.findByTestId("session-banner")).toHaveTextContent("this copy is never synced");
    fireEvent.click(screen.getByTestId("session-merge"));
    expect(await screen.findByTestId("session-merged")).toHaveTextContent(
      "Merged back: 1 new scenario, 0 scenarios saved over, 1 scenario kept beside a live edit, 2 decisions.",
    );
  });

  it("says no session was started yet, lists past ones, and offers a retry when the status cannot be read", async () => {
    mockBackend({
      plan_session_status: () => ({ thisSession: null, sessions: [] }),
      plan_scenarios_list: () => [],
      plan_compare: () => comparison([]),
    });
    const first = renderWithClient(
      <ScenariosPanel base={DEFAULT_FLOW_FILTER} teams={teams} intents={intents} />,
    );
    expect(await screen.findByTestId("session-none")).toHaveTextContent(
      "No planning session has been started",
    );
    first.unmount();

    mockBackend({
      plan_session_status: () => ({
        thisSession: null,
        sessions: [
          {
            id: "session-1",
            name: "Q1 planning",
            file: "/w/acme.session-1.baton",
            startedBy: "ana",
            startedAt: "2026-12-04T10:00:00Z",
            mergedAt: "2026-12-04T12:00:00Z",
            mergedBy: "ben",
          },
        ],
      }),
      plan_scenarios_list: () => [],
      plan_compare: () => comparison([]),
    });
    const second = renderWithClient(
      <ScenariosPanel base={DEFAULT_FLOW_FILTER} teams={teams} intents={intents} />,
    );
    const list = await screen.findByTestId("session-list");
    expect(list).toHaveTextContent("Q1 planning");
    expect(list).toHaveTextContent("merged back");
    expect(list).toHaveTextContent("by ben");
    expect(screen.queryByTestId("session-none")).toBeNull();
    second.unmount();

    let failing = true;
    const calls = mockBackend({
      plan_session_status: () => {
        if (failing) throw { code: "io", message: "disk unavailable" };
        return { thisSession: null, sessions: [] };
      },
      plan_scenarios_list: () => [],
      plan_compare: () => comparison([]),
    });
    renderWithClient(<ScenariosPanel base={DEFAULT_FLOW_FILTER} teams={teams} intents={intents} />);
    expect(await screen.findByText("The planning session could not be read")).toBeInTheDocument();
    failing = false;
    fireEvent.click(screen.getByRole("button", { name: /try again|retry/i }));
    expect(await screen.findByTestId("session-none")).toBeInTheDocument();
    expect(calls.filter((c) => c.cmd === "plan_session_status").length).toBeGreaterThanOrEqual(2);
  });

  it("shows why a merge failed and goes back to the live workspace", async () => {
    const calls = mockBackend({
      plan_session_status: () => ({
        thisSession: { id: "session-1", source: "/w/acme.baton", startedAt: "2026-12-04T10:00:00Z" },
        sessions: [],
      }),
      plan_scenarios_list: () => [],
      plan_compare: () => comparison([]),
      plan_session_merge: () => {
        throw { code: "not_found", message: "the live workspace /w/acme.baton is gone" };
      },
      workspace_open: (args) => ({ path: args.path, name: "acme", isDemo: false, readOnly: false }),
    });
    renderWithClient(<ScenariosPanel base={DEFAULT_FLOW_FILTER} teams={teams} intents={intents} />);
    fireEvent.click(await screen.findByTestId("session-merge"));
    expect(await screen.findByRole("alert")).toHaveTextContent("the live workspace /w/acme.baton is gone");
    expect(screen.queryByTestId("session-merged")).toBeNull();
    fireEvent.click(screen.getByTestId("session-leave"));
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "workspace_open")?.args).toEqual({ path: "/w/acme.baton" }),
    );
  });
});
