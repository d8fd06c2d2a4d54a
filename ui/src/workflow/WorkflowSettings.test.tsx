import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { WorkflowChange, WorkflowRow } from "../lib/ipc";
import {
  clearMocks,
  emitWorkspaceChanged,
  makeSummary,
  makeWorkflowRow,
  mockBackend,
} from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { WorkflowSettings } from "./WorkflowSettings";

afterEach(() => clearMocks());

const HOSTILE = '<img src=x onerror=alert(1)> "QA" & Co';

function backend(rows: WorkflowRow[], fail?: (c: WorkflowChange) => string | null) {
  let list = rows;
  const calls = mockBackend({
    workflow_list: () => list,
    workspace_summary: () => makeSummary(),
    workflow_set: (args) => {
      const change = args.change as WorkflowChange;
      const why = fail?.(change);
      if (why) throw { code: "invalid", message: why };
      const key = (r: WorkflowRow) =>
        `${r.sourceId}/${r.teamId}/${r.itemKind ?? ""}/${r.scope}/${r.rawState}`;
      const target = `${change.sourceId}/${change.teamId}/${change.itemKind ?? ""}/${change.scope ?? ""}/${change.rawState}`;
      if (change.flowState === null) list = list.filter((r) => key(r) !== target);
      else if (list.some((r) => key(r) === target)) {
        list = list.map((r) =>
          key(r) === target
            ? { ...r, flowState: change.flowState, waitReason: change.waitReason, origin: "user" as const }
            : r,
        );
      } else {
        list = [
          ...list,
          makeWorkflowRow({
            ...change,
            flowState: change.flowState,
            waitReason: change.waitReason,
            teamName: change.teamId === "" ? null : "Payments",
            origin: "user",
          }),
        ];
      }
      void emitWorkspaceChanged(["workflow", "items"]);
      return null;
    },
  });
  return calls;
}

const ROWS = [
  makeWorkflowRow({ rawState: "In Progress", flowState: "active" }),
  makeWorkflowRow({ rawState: "In Review", flowState: "waiting", waitReason: "review" }),
  makeWorkflowRow({ rawState: "Needs QA", flowState: null, origin: "unmapped", itemsNow: 0, transitions: 4 }),
  makeWorkflowRow({
    rawState: HOSTILE,
    flowState: "waiting",
    origin: "inferred",
    sourceId: "s3",
    sourceName: "Acme Linear",
  }),
];

function row(state: string) {
  const el = screen.getAllByTestId("workflow-row").find((r) => r.getAttribute("data-state") === state);
  if (!el) throw new Error(`no row ${state}`);
  return el;
}

describe("Settings → Workflow", () => {
  it("lists states per source, as text, with their origin, and highlights unmapped ones", async () => {
    backend(ROWS);
    renderWithClient(<WorkflowSettings focusSource={null} focusState={null} />);
    await screen.findByTestId("workflow-settings");
    expect(screen.getByRole("region", { name: "States of acme.atlassian.net" })).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "States of Acme Linear" })).toBeInTheDocument();
    const hostile = row(HOSTILE);
    expect(within(hostile).getByTestId("workflow-raw-state").textContent).toBe(HOSTILE);
    expect(document.querySelector("img")).toBeNull();
    expect(within(row("Needs QA")).getByTestId("workflow-origin")).toHaveTextContent("unmapped");
    expect(row("Needs QA")).toHaveClass("workflow-unmapped");
    expect(screen.getByTestId("workflow-unmapped-count")).toHaveTextContent("1 state not mapped");
  });

  it("enables the wait reason only for Waiting, and saves each change", async () => {
    const calls = backend(ROWS);
    renderWithClient(<WorkflowSettings focusSource="s1" focusState="Needs QA" />);
    await screen.findByTestId("workflow-settings");
    // Arriving from a data note filters the screen to that state.
    expect(screen.getAllByTestId("workflow-row")).toHaveLength(1);
    const needsQa = row("Needs QA");
    expect(needsQa).toHaveClass("workflow-focused");
    expect(within(needsQa).getByTestId("workflow-reason")).toBeDisabled();

    fireEvent.change(within(needsQa).getByTestId("workflow-flow"), { target: { value: "waiting" } });
    await waitFor(() => expect(within(row("Needs QA")).getByTestId("workflow-reason")).toBeEnabled());
    expect(calls.find((c) => c.cmd === "workflow_set")?.args.change).toEqual({
      sourceId: "s1",
      teamId: "",
      itemKind: null,
      scope: "",
      rawState: "Needs QA",
      flowState: "waiting",
      waitReason: null,
    });
    await waitFor(() =>
      expect(within(row("Needs QA")).getByTestId("workflow-origin")).toHaveTextContent("set by you"),
    );

    fireEvent.change(within(row("Needs QA")).getByTestId("workflow-reason"), {
      target: { value: "security" },
    });
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "workflow_set").at(-1)?.args.change).toMatchObject({
        flowState: "waiting",
        waitReason: "security",
      }),
    );

    fireEvent.change(within(row("Needs QA")).getByTestId("workflow-flow"), { target: { value: "active" } });
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "workflow_set").at(-1)?.args.change).toMatchObject({
        flowState: "active",
        waitReason: null,
      }),
    );
    await waitFor(() => expect(within(row("Needs QA")).getByTestId("workflow-reason")).toBeDisabled());
  });

  it("shows Rust's refusal inline and keeps the stored meaning", async () => {
    backend(ROWS, (c) => (c.flowState === "done" ? "“In Progress” cannot be Done for this source" : null));
    renderWithClient(<WorkflowSettings focusSource={null} focusState={null} />);
    await screen.findByTestId("workflow-settings");
    fireEvent.change(within(row("In Progress")).getByTestId("workflow-flow"), { target: { value: "done" } });
    expect(await screen.findByTestId("workflow-error")).toHaveTextContent(
      "Could not save “In Progress”: “In Progress” cannot be Done for this source",
    );
    expect(within(row("In Progress")).getByTestId("workflow-flow")).toHaveValue("active");
  });

  it("adds a team's own mapping and removes it", async () => {
    const calls = backend(ROWS);
    renderWithClient(<WorkflowSettings focusSource={null} focusState={null} />);
    await screen.findByTestId("workflow-settings");
    const review = row("In Review");
    fireEvent.keyDown(within(review).getByTestId("workflow-add-override"), { key: "Enter" });
    fireEvent.click(await screen.findByRole("menuitem", { name: "Payments" }));
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "workflow_set")?.args.change).toEqual({
        sourceId: "s1",
        teamId: "t1",
        itemKind: null,
        scope: "",
        rawState: "In Review",
        flowState: "waiting",
        waitReason: "review",
      }),
    );
    const override = await screen.findByTestId("workflow-override");
    expect(override).toHaveTextContent("Payments only");
    fireEvent.click(within(override).getByTestId("workflow-remove-override"));
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "workflow_set").at(-1)?.args.change).toMatchObject({
        teamId: "t1",
        flowState: null,
      }),
    );
    await waitFor(() => expect(screen.queryByTestId("workflow-override")).toBeNull());
  });

  it("shows a Jira project's own mapping of an ambiguous status under the shared one, and edits it there", async () => {
    const rows = [
      makeWorkflowRow({ rawState: "Review", flowState: "waiting", waitReason: "review", origin: "inferred" }),
      makeWorkflowRow({ rawState: "Review", scope: "K5", flowState: "done", itemsNow: 2, transitions: 3 }),
    ];
    const calls = backend(rows);
    renderWithClient(<WorkflowSettings focusSource={null} focusState={null} />);
    await screen.findByTestId("workflow-settings");
    const project = await screen.findByTestId("workflow-override");
    expect(project).toHaveAttribute("data-scope", "K5");
    expect(within(project).getByTestId("workflow-project")).toHaveTextContent("project K5 only");
    expect(project).toHaveTextContent("2");
    fireEvent.change(within(project).getByTestId("workflow-flow"), { target: { value: "active" } });
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "workflow_set").at(-1)?.args.change).toEqual({
        sourceId: "s1",
        teamId: "",
        itemKind: null,
        scope: "K5",
        rawState: "Review",
        flowState: "active",
        waitReason: null,
      }),
    );
  });

  it("shows which kind a mapping is for, and lets the lead give one kind its own meaning", async () => {
    const github = {
      sourceId: "gh",
      sourceName: "acme (GitHub)",
      sourceKind: "github" as const,
    };
    const rows = [
      makeWorkflowRow({ ...github, rawState: "open", flowState: "new", origin: "inferred", itemsNow: 12 }),
      makeWorkflowRow({
        ...github,
        rawState: "open",
        itemKind: "pull_request",
        scope: "",
        flowState: "waiting",
        waitReason: "review",
        origin: "seeded",
        itemsNow: 5,
      }),
      makeWorkflowRow({ ...github, rawState: "assigned", flowState: "active", origin: "seeded" }),
    ];
    const calls = backend(rows);
    renderWithClient(<WorkflowSettings focusSource={null} focusState={null} />);
    await screen.findByTestId("workflow-settings");
    const open = row("open");
    expect(within(open).getByTestId("workflow-kind")).toHaveTextContent("Every kind");
    const prs = screen
      .getAllByTestId("workflow-override")
      .find((r) => r.getAttribute("data-kind") === "pull_request");
    if (!prs) throw new Error("no pull request row");
    expect(prs).toHaveTextContent("Pull requests only");
    expect(within(prs).getByTestId("workflow-kind")).toHaveTextContent("Pull request");
    expect(within(prs).getByTestId("workflow-flow")).toHaveValue("waiting");
    expect(within(prs).getByTestId("workflow-reason")).toHaveValue("review");

    // Editing the pull requests' own meaning saves it for that kind only.
    fireEvent.change(within(prs).getByTestId("workflow-reason"), { target: { value: "queue" } });
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "workflow_set").at(-1)?.args.change).toEqual({
        sourceId: "gh",
        teamId: "",
        itemKind: "pull_request",
        scope: "",
        rawState: "open",
        flowState: "waiting",
        waitReason: "queue",
      }),
    );

    // A kind already overridden is not offered again; another kind can be added.
    fireEvent.keyDown(within(row("open")).getByTestId("workflow-add-kind-override"), { key: "Enter" });
    expect(screen.queryByRole("menuitem", { name: "Pull requests" })).toBeNull();
    fireEvent.click(await screen.findByRole("menuitem", { name: "Defects" }));
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "workflow_set").at(-1)?.args.change).toEqual({
        sourceId: "gh",
        teamId: "",
        itemKind: "defect",
        scope: "",
        rawState: "open",
        flowState: "new",
        waitReason: null,
      }),
    );
    const defects = await waitFor(() => {
      const found = screen
        .getAllByTestId("workflow-override")
        .find((r) => r.getAttribute("data-kind") === "defect");
      if (!found) throw new Error("no defect row yet");
      return found;
    });
    expect(defects).toHaveTextContent("Defects only");
    fireEvent.click(within(defects).getByTestId("workflow-remove-override"));
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "workflow_set").at(-1)?.args.change).toMatchObject({
        itemKind: "defect",
        teamId: "",
        flowState: null,
      }),
    );
    await waitFor(() =>
      expect(
        screen.getAllByTestId("workflow-override").some((r) => r.getAttribute("data-kind") === "defect"),
      ).toBe(false),
    );
  });
});
