import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Approval, ApprovalsReport } from "../lib/ipc";
import { clearMocks, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { DecisionsView } from "./DecisionsView";

afterEach(() => clearMocks());

const pending: Approval = {
  id: "dec-1",
  origin: "baton",
  kind: "decision",
  question: "Ship without the <b>ledger</b>?",
  decider: { kind: "person", id: "cat", name: "Cat Lee" },
  askedBy: "Ann",
  askedAt: "2026-04-28T00:00:00Z",
  due: "2026-04-30T00:00:00Z",
  overdue: true,
  waitedDays: 3,
  waiting: [{ id: "jira:PAY-1", key: "PAY-1", title: "Payout ledger", open: true }],
  teamId: "pay",
  teamName: "Payments",
  intentId: null,
  intentTitle: null,
  sourceState: null,
  why: "The ledger slips",
  answer: null,
};

const fromSource: Approval = {
  ...pending,
  id: "src:jira:OPS-2",
  origin: "source",
  kind: "approval",
  question: "Awaiting approval: OPS-2",
  decider: { kind: "team", id: "ops", name: "Operations" },
  askedBy: null,
  due: null,
  overdue: false,
  sourceState: "Awaiting approval",
  waiting: [{ id: "jira:OPS-2", key: "OPS-2", title: "Rotate keys", open: true }],
};

const reviewRequested: Approval = {
  ...pending,
  id: "rr:gh:acme/pay#9|team:payments",
  origin: "review_request",
  kind: "approval",
  question: "Review of acme/pay#9: Retry <i>payouts</i>",
  decider: { kind: "team", id: "pay", name: "Payments" },
  askedBy: null,
  overdue: false,
  sourceState: "review requested",
  why: "",
  waiting: [{ id: "gh:acme/pay#9", key: "acme/pay#9", title: "Retry payouts", open: true }],
};

const deploymentWaiting: Approval = {
  ...pending,
  id: "da:gh1|github.com/116552009|3927176162|aws|activescott",
  origin: "deployment_approval",
  kind: "approval",
  question: "Deployment to aws waits for approval: <script>build</script> #451 (acme/site)",
  decider: { kind: "person", id: "gh1:activescott", name: "activescott" },
  askedBy: null,
  askedAt: "2023-01-16T04:28:33Z",
  due: null,
  overdue: false,
  sourceState: "deployment to aws waiting",
  why: "Workflow run: https://github.com/acme/site/actions/runs/3927176162",
  waiting: [{ id: "gh:github.com/116552009#214", key: "acme/site#214", title: "Bump luxon", open: true }],
};

const report: ApprovalsReport = {
  asOf: "2026-05-01T00:00:00Z",
  approvals: [pending, fromSource],
  pending: 2,
  overdue: 1,
  answered: 0,
  byTeam: [
    {
      teamId: "pay",
      teamName: "Payments",
      pending: 2,
      overdue: 1,
      answered: 0,
      medianAnswerDays: null,
      itemDaysWaiting: 10.5,
    },
  ],
};

const backend = {
  approvals_report: () => report,
  workspace_summary: () => ({ byTeam: [], bySource: [] }),
  intents_list: () => [],
};

describe("Decisions", () => {
  it("lists what is pending with who decides, what waits, the due date, and hostile text as text", async () => {
    mockBackend(backend);
    renderWithClient(<DecisionsView />);
    const rows = await screen.findAllByTestId("decision-row");
    expect(rows).toHaveLength(2);
    const first = rows[0] as HTMLElement;
    expect(first).toHaveTextContent("Ship without the <b>ledger</b>?");
    expect(first.querySelector("b")).toBeNull();
    expect(first).toHaveTextContent("Cat Lee");
    expect(first).toHaveTextContent("PAY-1");
    expect(first).toHaveTextContent(/overdue/);
    const second = rows[1] as HTMLElement;
    expect(second).toHaveTextContent("Operations (team)");
    expect(second).toHaveTextContent("Shown by its source (Awaiting approval)");
    expect(screen.getByText(/2 pending \(1 overdue\), 0 answered/)).toBeInTheDocument();
    const byTeam = screen.getByTestId("decisions-by-team-table");
    expect(within(byTeam).getByText("10.5")).toBeInTheDocument();
  });

  it("shows a review asked at the source as an approval of the person or team asked", async () => {
    mockBackend({ ...backend, approvals_report: () => ({ ...report, approvals: [reviewRequested] }) });
    renderWithClient(<DecisionsView />);
    const rows = await screen.findAllByTestId("decision-row");
    expect(rows).toHaveLength(1);
    const row = rows[0] as HTMLElement;
    expect(row).toHaveTextContent("Approval");
    expect(row).toHaveTextContent("Review of acme/pay#9: Retry <i>payouts</i>");
    expect(row.querySelector("i")).toBeNull();
    expect(row).toHaveTextContent("Review requested at the source");
    expect(row).toHaveTextContent("Payments (team)");
    expect(row).toHaveTextContent("acme/pay#9");
  });

  it("shows a deployment waiting for an environment approval with its reviewer, run and pull request", async () => {
    mockBackend({ ...backend, approvals_report: () => ({ ...report, approvals: [deploymentWaiting] }) });
    renderWithClient(<DecisionsView />);
    const rows = await screen.findAllByTestId("decision-row");
    expect(rows).toHaveLength(1);
    const row = rows[0] as HTMLElement;
    expect(row).toHaveTextContent("Approval");
    expect(row).toHaveTextContent(
      "Deployment to aws waits for approval: <script>build</script> #451 (acme/site)",
    );
    expect(row.querySelector("script")).toBeNull();
    expect(row).toHaveTextContent("Environment approval required at the source");
    expect(row).toHaveTextContent("activescott");
    expect(row).toHaveTextContent("acme/site#214");
    expect(row).toHaveTextContent("Workflow run: https://github.com/acme/site/actions/runs/3927176162");
  });

  it("records an answer with what was decided and why", async () => {
    const calls = mockBackend({
      ...backend,
      approvals_answer: () => ({
        id: "dec-2",
        itemId: "jira:PAY-1",
        kind: "approval_answered",
        known: true,
        summary: "Decided: behind a flag",
        actor: "Cat Lee",
        why: "",
        at: "2026-05-01T00:00:00Z",
        covers: ["jira:PAY-1"],
        reasons: [],
        supersedes: "dec-1",
        revokedBy: null,
        payload: "{}",
      }),
    });
    renderWithClient(<DecisionsView />);
    const rows = await screen.findAllByTestId("decision-row");
    fireEvent.click(within(rows[0] as HTMLElement).getByTestId("decision-answer"));
    const submit = screen.getByTestId("decision-answer-submit");
    expect(submit).toBeDisabled();
    fireEvent.change(screen.getByTestId("decision-answer-text"), { target: { value: "Ship behind a flag" } });
    fireEvent.change(screen.getByTestId("decision-answer-why"), {
      target: { value: "The old ledger copes" },
    });
    fireEvent.click(submit);
    await waitFor(() => expect(calls.some((c) => c.cmd === "approvals_answer")).toBe(true));
    expect(calls.find((c) => c.cmd === "approvals_answer")?.args.answer).toEqual({
      approval: "dec-1",
      outcome: "decided",
      answer: "Ship behind a flag",
      why: "The old ledger copes",
    });
  });

  it("asks a question of a person with the items waiting on it", async () => {
    const calls = mockBackend({ ...backend, approvals_ask: () => ({}) });
    renderWithClient(<DecisionsView />);
    fireEvent.click(await screen.findByTestId("decision-ask"));
    fireEvent.change(screen.getByTestId("decision-ask-question"), { target: { value: "Which broker?" } });
    fireEvent.change(screen.getByTestId("decision-ask-decider"), { target: { value: "cat" } });
    fireEvent.change(screen.getByTestId("decision-ask-waiting"), {
      target: { value: "jira:PAY-1, jira:PAY-2" },
    });
    fireEvent.change(screen.getByTestId("decision-ask-due"), { target: { value: "2026-05-10" } });
    fireEvent.click(screen.getByTestId("decision-ask-submit"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "approvals_ask")).toBe(true));
    expect(calls.find((c) => c.cmd === "approvals_ask")?.args.question).toMatchObject({
      kind: "decision",
      question: "Which broker?",
      decider: "cat",
      deciderIsTeam: false,
      waiting: ["jira:PAY-1", "jira:PAY-2"],
      due: "2026-05-10",
    });
  });

  it("shows the log with the answers and filters by intent", async () => {
    const answered: Approval = {
      ...pending,
      overdue: false,
      answer: {
        id: "dec-2",
        outcome: "rejected",
        answer: "Not this quarter",
        by: "Cat Lee",
        at: "2026-04-30T00:00:00Z",
        why: "Budget",
      },
    };
    const calls = mockBackend({
      ...backend,
      approvals_report: (args) =>
        (args.query as { show: string }).show === "answered"
          ? { ...report, approvals: [answered], pending: 1, answered: 1 }
          : report,
    });
    renderWithClient(<DecisionsView />);
    await screen.findAllByTestId("decision-row");
    fireEvent.click(screen.getByTestId("decisions-show-answered"));
    await waitFor(() => expect(screen.getByText(/Not this quarter/)).toBeInTheDocument());
    expect(screen.getByText(/Rejected/)).toBeInTheDocument();
    expect(screen.getByText(/Decisions log/)).toBeInTheDocument();
    fireEvent.change(screen.getByTestId("decisions-filter-intent"), { target: { value: "" } });
    await waitFor(() =>
      expect(
        calls.some(
          (c) => c.cmd === "approvals_report" && (c.args.query as { intents: string[] }).intents[0] === "",
        ),
      ).toBe(true),
    );
  });
});
