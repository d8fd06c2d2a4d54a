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
  humanReviewed: false,
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
    expect(within(panel).getByText(/No — no review by a person/)).toBeInTheDocument();
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
