import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clearMocks, makeDetail, makeRow, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { ItemDetailPanel } from "./ItemDetailPanel";

afterEach(() => clearMocks());

const pr = makeRow({
  id: "pr1",
  key: "acme/#12",
  title: "Retry refund webhook",
  kind: "pull_request",
  provenance: "ai_agent",
  provenanceAgent: "Copilot coding agent",
  flowState: "waiting",
  rawState: "In Review",
  waitReason: "review",
});

const detail = makeDetail(pr, {
  authorName: "copilot[bot]",
  authorIsBot: true,
  provenanceConfidence: 0.9,
  review: { verdict: "not_independent", approver: "Erin Diaz", at: "2026-01-06T12:00:00.000Z" },
  requester: { name: "Erin Diaz", via: "assignment" },
  accountable: { name: "Ana Lima", via: "decision" },
  decisions: [
    {
      id: "d1",
      itemId: "pr-12",
      kind: "owner_set",
      known: true,
      summary: "Owner: Ana Lima",
      actor: "lead",
      why: "Erin reviewed her own request",
      at: "2026-01-07T09:00:00.000Z",
      covers: ["pr-12"],
      reasons: ["ai_no_accountable"],
      supersedes: null,
      revokedBy: null,
      payload: "{}",
    },
    {
      id: "d2",
      itemId: "pr-12",
      kind: "accepted",
      known: true,
      summary: "Accepted <b>now</b>",
      actor: "lead",
      why: "",
      at: "2026-01-07T09:05:00.000Z",
      covers: ["pr-12"],
      reasons: [],
      supersedes: null,
      revokedBy: "d3",
      payload: "{}",
    },
  ],
  transitions: [
    {
      kind: "state",
      fromState: null,
      toState: "Open",
      toFlowState: "active",
      toWaitReason: null,
      at: "2026-01-06T10:00:00.000Z",
      actorName: "copilot[bot]",
      actorIsBot: true,
    },
    {
      kind: "state",
      fromState: "Open",
      toState: "In Review",
      toFlowState: "waiting",
      toWaitReason: "review",
      at: "2026-01-07T10:00:00.000Z",
      actorName: "copilot[bot]",
      actorIsBot: true,
    },
    {
      kind: "review",
      fromState: null,
      toState: "changes_requested",
      toFlowState: null,
      toWaitReason: null,
      at: "2026-01-08T10:00:00.000Z",
      actorName: "renovate[bot]",
      actorIsBot: true,
    },
  ],
  links: [
    {
      direction: "outgoing",
      kind: "implements",
      origin: "inferred",
      confidence: 0.8,
      open: true,
      createdAt: "2026-01-06T10:00:00.000Z",
      otherId: "f1",
      otherKey: "PAY-7",
      otherTitle: "Refunds for partners",
      otherFlowState: "active",
      otherTeamName: "Payments",
      foundIn: "branch name",
    },
    {
      direction: "incoming",
      kind: "blocks",
      origin: "source",
      confidence: null,
      open: false,
      createdAt: "2026-01-06T10:00:00.000Z",
      otherId: "b1",
      otherKey: "PLAT-3",
      otherTitle: "Queue migration",
      otherFlowState: "done",
      otherTeamName: "Platform",
      foundIn: null,
    },
  ],
});

describe("ItemDetailPanel", () => {
  it("lists the fields, the timeline with reviews distinguished, and links grouped by direction", async () => {
    mockBackend({ item_detail: () => detail });
    renderWithClient(<ItemDetailPanel id="pr1" onClose={() => {}} onOpenItem={() => {}} />);

    expect(await screen.findByTestId("detail-title")).toHaveTextContent("Retry refund webhook");
    const panel = screen.getByTestId("item-detail");
    expect(within(panel).getByText("acme/#12")).toBeInTheDocument();
    expect(
      within(panel).getByText(/No — approved only by Erin Diaz, who is not independent/),
    ).toBeInTheDocument();
    expect(within(panel).getByText(/assigned the issue to the agent/)).toBeInTheDocument();
    expect(within(panel).getByText(/owner set in Baton/)).toBeInTheDocument();
    const decisions = within(screen.getByTestId("detail-decisions")).getAllByTestId("detail-decision");
    expect(decisions).toHaveLength(2);
    expect(decisions[0]).toHaveTextContent("Owner: Ana Lima");
    expect(decisions[0]).toHaveTextContent("Erin reviewed her own request");
    // Text from the workspace shows as text, and a taken-back decision says so.
    expect(decisions[1]).toHaveTextContent("Accepted <b>now</b>");
    expect(decisions[1]?.querySelector("b")).toBeNull();
    expect(decisions[1]).toHaveTextContent("undone");
    expect(within(panel).getByText(/90% confidence/)).toBeInTheDocument();

    const timeline = screen.getByTestId("detail-timeline");
    const entries = within(timeline).getAllByRole("listitem");
    expect(entries).toHaveLength(3);
    expect(entries[1]).toHaveTextContent("In Review");
    expect(entries[1]).toHaveTextContent("Waiting");
    expect(entries[2]).toHaveClass("timeline-review");
    expect(entries[2]).toHaveTextContent("Changes requested");

    const implementsGroup = screen.getByRole("region", { name: "Implements" });
    expect(implementsGroup).toHaveTextContent("PAY-7");
    expect(implementsGroup).toHaveTextContent("inferred, 80%");
    expect(implementsGroup).toHaveTextContent("found in branch name");
    const blockedBy = screen.getByRole("region", { name: "Blocked by" });
    expect(blockedBy).toHaveTextContent("PLAT-3");
    expect(within(blockedBy).getByText("removed")).toBeInTheDocument();
  });

  it("opens a linked item, and asks Rust to open the item in the browser", async () => {
    const calls = mockBackend({ item_detail: () => detail, item_open_in_browser: () => null });
    const onOpenItem = vi.fn();
    renderWithClient(<ItemDetailPanel id="pr1" onClose={() => {}} onOpenItem={onOpenItem} />);
    await screen.findByTestId("detail-title");

    fireEvent.click(screen.getByRole("button", { name: /PLAT-3/ }));
    expect(onOpenItem).toHaveBeenCalledWith("b1");

    const open = screen.getByTestId("detail-open-browser");
    expect(open).toHaveTextContent("Open in GitHub");
    fireEvent.click(open);
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "item_open_in_browser")?.args).toEqual({ id: "pr1" }),
    );
  });

  it("says when the item no longer exists", async () => {
    mockBackend({
      item_detail: () => {
        throw { code: "not_found", message: "item pr1 was not found" };
      },
    });
    renderWithClient(<ItemDetailPanel id="pr1" onClose={() => {}} onOpenItem={() => {}} />);
    expect(await screen.findByText("This item no longer exists")).toBeInTheDocument();
    expect(screen.getByText("item pr1 was not found")).toBeInTheDocument();
  });
});
