//! Test helpers: a fake Rust side behind the real IPC path (bindings → invoke → mockIPC), and
//! factories for wire values. Only tests import this file.

import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { ItemDetail, ItemRow, ItemsPage, WorkspaceSummary } from "./types";

export type Call = { cmd: string; args: Record<string, unknown> };
export type Handler = (args: Record<string, unknown>) => unknown;

/**
 * Installs handlers per command (snake_case names, as Rust registers them). A handler that
 * throws `{ code, message }` is an `IpcError` from Rust. Returns the list of calls made.
 */
export function mockBackend(handlers: Record<string, Handler>): Call[] {
  const calls: Call[] = [];
  clearMocks();
  mockIPC(
    (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args });
      const handler = handlers[cmd];
      if (!handler) throw { code: "internal", message: `no mock for ${cmd}` };
      return handler(args);
    },
    { shouldMockEvents: true },
  );
  return calls;
}

export { clearMocks };

export function makeRow(partial: Partial<ItemRow> & { id: string }): ItemRow {
  return {
    key: partial.id.toUpperCase(),
    title: `Item ${partial.id}`,
    url: `https://github.com/acme/repo/issues/${partial.id}`,
    kind: "feature",
    teamId: "t1",
    teamName: "Payments",
    flowState: "active",
    rawState: "In Progress",
    waitReason: null,
    provenance: "human",
    provenanceAgent: null,
    sourceId: "s1",
    sourceName: "acme-corp",
    sourceKind: "github",
    createdAt: "2026-01-05T10:00:00.000Z",
    updatedAt: "2026-02-01T10:00:00.000Z",
    doneAt: null,
    ...partial,
  };
}

export function makePage(rows: ItemRow[], total = rows.length, offset = 0): ItemsPage {
  return { total, offset, rows };
}

export function makeDetail(item: ItemRow, partial: Partial<ItemDetail> = {}): ItemDetail {
  return {
    item,
    externalId: "42",
    ownerName: "Ana Lima",
    authorName: "Ben Okafor",
    authorIsBot: false,
    provenanceConfidence: 1,
    priority: "P2",
    startedAt: "2026-01-06T10:00:00.000Z",
    intent: null,
    humanReviewed: null,
    transitions: [],
    links: [],
    ...partial,
  };
}

export function makeSummary(partial: Partial<WorkspaceSummary> = {}): WorkspaceSummary {
  return {
    name: "Acme",
    path: "/tmp/acme.baton",
    totals: {
      items: 12345,
      transitions: 67890,
      links: 321,
      openBlockingLinks: 17,
      teams: 2,
      people: 9,
      sources: 2,
      intents: 0,
    },
    byTeam: [
      { key: "t1", label: "Payments", count: 10000 },
      { key: "t2", label: "Platform", count: 2345 },
    ],
    byFlowState: [
      { key: "new", label: "New", count: 1000 },
      { key: "waiting", label: "Waiting", count: 2000 },
      { key: "active", label: "Active", count: 3000 },
      { key: "done", label: "Done", count: 6000 },
      { key: "canceled", label: "Canceled", count: 345 },
    ],
    byKind: [
      { key: "pull_request", label: "Pull request", count: 8000 },
      { key: "feature", label: "Feature", count: 4345 },
    ],
    bySource: [
      { key: "s1", label: "acme-corp", count: 8000 },
      { key: "s2", label: "acme.atlassian.net", count: 4345 },
    ],
    byProvenance: [
      { key: "human", label: "Human", count: 10000 },
      { key: "ai_agent", label: "AI agent", count: 2000 },
      { key: "automation", label: "Automation", count: 345 },
    ],
    teamStates: [
      { teamId: "t1", teamName: "Payments", counts: [800, 1600, 2400, 4900, 300] },
      { teamId: "t2", teamName: "Platform", counts: [200, 400, 600, 1100, 45] },
    ],
    aiPrsWithoutHumanReview: 37,
    aiPrs: 2000,
    dateRange: { from: "2025-01-01T00:00:00.000Z", to: "2026-02-01T00:00:00.000Z" },
    ...partial,
  };
}
