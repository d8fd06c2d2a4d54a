//! Test helpers: a fake Rust side behind the real IPC path (bindings → invoke → mockIPC), and
//! factories for wire values. Only tests import this file.

import { clearMocks, mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import { events } from "../../bindings";
import type {
  BottleneckReport,
  ChangeKind,
  DecisionView,
  FlowFilter,
  FlowReport,
  ItemDetail,
  ItemRow,
  ItemsPage,
  SourceView,
  SyncProgress,
  SyncRun,
  TriageList,
  TriageRow,
  WorkflowRow,
  WorkspaceSummary,
} from "./types";

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
    stateSince: "2026-05-01T09:00:00Z",
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
    review: null,
    requester: null,
    accountable: null,
    transitions: [],
    links: [],
    decisions: [],
    ...partial,
  };
}

export function makeTriageRow(partial: Partial<TriageRow> & { id: string }): TriageRow {
  return {
    key: partial.id.toUpperCase(),
    title: `Item ${partial.id}`,
    kind: "pull_request",
    teamId: "t1",
    teamName: "Payments",
    sourceId: "s1",
    sourceName: "acme-corp",
    flowState: "waiting",
    stage: "review",
    rawState: "open",
    provenance: "ai_agent",
    agent: "Copilot",
    requester: null,
    accountable: null,
    reasons: [
      {
        reason: "ai_unreviewed",
        since: "2026-01-01T00:00:00.000Z",
        days: 5,
        detail: "Waiting 5.0 days for an independent review",
        other: null,
      },
    ],
    ageDays: 5,
    createdAt: "2026-01-01T00:00:00.000Z",
    waitingOnIt: 0,
    decision: null,
    notes: 0,
    ...partial,
  };
}

export function makeTriageList(rows: TriageRow[], partial: Partial<TriageList> = {}): TriageList {
  const counts = new Map<string, number>();
  for (const r of rows) for (const x of r.reasons) counts.set(x.reason, (counts.get(x.reason) ?? 0) + 1);
  return {
    asOf: "2026-01-06T00:00:00.000Z",
    total: rows.length,
    offset: 0,
    rows,
    byReason: (
      [
        "ai_no_accountable",
        "ai_unreviewed",
        "ai_idle",
        "new_untriaged",
        "handoff_undelivered",
        "aging_past_p85",
        "unmapped_state",
        "policy_violation",
        "duplicate_candidate",
        "conflicting_change",
      ] as const
    ).map((reason) => ({ reason, label: reason, count: counts.get(reason) ?? 0 })),
    decided: 0,
    thresholds: { reviewWaitDays: 2, mergedWindowDays: 30, idleDays: 14, newWorkDays: 30 },
    ...partial,
  };
}

export function makeDecision(partial: Partial<DecisionView> & { id: string }): DecisionView {
  return {
    itemId: "a",
    kind: "accepted",
    known: true,
    summary: "Accepted",
    actor: "lead",
    why: "",
    at: "2026-01-06T00:00:00.000Z",
    covers: ["a"],
    reasons: ["ai_unreviewed"],
    supersedes: null,
    revokedBy: null,
    payload: '{"v":1}',
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
    aiPrsWithoutIndependentReview: 37,
    aiPrs: 2000,
    dateRange: { from: "2025-01-01T00:00:00.000Z", to: "2026-02-01T00:00:00.000Z" },
    ...partial,
  };
}

export const DATES = ["2026-03-01", "2026-03-02", "2026-03-03"];

export function makeFilter(partial: Partial<FlowFilter> = {}): FlowFilter {
  return {
    from: null,
    to: null,
    lastDays: null,
    teams: [],
    sources: [],
    kinds: [],
    provenances: [],
    intents: [],
    rule: "last_entry",
    utcOffsetMinutes: 0,
    ...partial,
  };
}

const RANGE = {
  from: DATES[0] as string,
  to: DATES[2] as string,
  dates: DATES,
  asOf: "2026-03-04T00:00:00.000Z",
  utcOffsetMinutes: 0,
  rule: "last_entry" as const,
};

/** A small Flow report: 3 days, 2 teams, 4 finished items, 3 in progress. */
export function makeFlowReport(partial: Partial<FlowReport> = {}): FlowReport {
  return {
    range: RANGE,
    items: 12,
    skipped: 0,
    cycleTime: { count: 4, p50: 2, p85: 6.5, p95: 9, mean: 4.1 },
    leadTime: { count: 4, p50: 5, p85: 12, p95: 15, mean: 7 },
    cycleTimeByTeam: [
      { teamId: "t1", teamName: "Payments", cycleTime: { count: 3, p50: 2, p85: 6.5, p95: 6.5, mean: 3.5 } },
      { teamId: "", teamName: "No team", cycleTime: { count: 1, p50: 9, p85: 9, p95: 9, mean: 9 } },
    ],
    scatter: {
      total: 4,
      sampled: false,
      points: [
        { id: "i1", key: "PAY-1", finished: "2026-03-01", days: 2, kind: "feature" },
        { id: "i2", key: "PAY-2", finished: "2026-03-02", days: 1, kind: "defect" },
        { id: "i3", key: "PAY-3", finished: "2026-03-02", days: 6.5, kind: "feature" },
        { id: "i4", key: "PAY-4", finished: "2026-03-03", days: 9, kind: "task" },
      ],
    },
    throughputDaily: [1, 2, 1],
    throughputWeekly: [
      { week: "2026-02-23", count: 1, daysInRange: 1 },
      { week: "2026-03-02", count: 3, daysInRange: 2 },
    ],
    throughputTotal: 4,
    wipDaily: [3, 4, 3],
    cfd: [
      { state: "new", counts: [2, 2, 2] },
      { state: "waiting", counts: [1, 2, 1] },
      { state: "active", counts: [2, 2, 2] },
      { state: "done", counts: [1, 3, 4] },
      { state: "canceled", counts: [0, 0, 1] },
    ],
    aging: [
      {
        item: { id: "a1", key: "PAY-9", title: "Old one" },
        teamName: "Payments",
        stage: "review",
        ageDays: 12,
        pace: 100,
      },
      {
        item: { id: "a2", key: "PAY-10", title: "Mid" },
        teamName: "Payments",
        stage: "active",
        ageDays: 4,
        pace: 75,
      },
      {
        item: { id: "a3", key: "PAY-11", title: "Young" },
        teamName: null,
        stage: "active",
        ageDays: 1,
        pace: 25,
      },
    ],
    inProgress: 3,
    efficiency: {
      aggregate: 0.42,
      activeDays: 7,
      waitingDays: 9.6,
      histogram: [0, 1, 0, 1, 1, 0, 0, 1, 0, 0],
      count: 4,
    },
    distribution: [
      { kind: "feature", finished: 2, inProgress: 2 },
      { kind: "defect", finished: 1, inProgress: 1 },
    ],
    // 5.5 − 2.5 started before + 0.4 unfinished − 0.1 sampling = 3.3: a 40% gap on a short range.
    littlesLaw: {
      averageWip: 3.3,
      throughputPerDay: 1.33,
      averageCycleDays: 4.1,
      predictedWip: 5.5,
      gap: -0.4,
      largeGap: true,
      rangeDays: 3,
      shortRange: true,
      startedBefore: 2,
      carriedInWip: 2.5,
      openAtEnd: 3,
      reopened: 1,
      canceled: 1,
      unfinishedWip: 0.4,
      sampling: -0.1,
    },
    notes: [],
    ...partial,
  };
}

/** The same report with nothing finished, nothing in progress and nothing in the range. */
export function makeEmptyFlowReport(): FlowReport {
  return makeFlowReport({
    items: 5,
    cycleTime: { count: 0, p50: null, p85: null, p95: null, mean: null },
    leadTime: { count: 0, p50: null, p85: null, p95: null, mean: null },
    cycleTimeByTeam: [],
    scatter: { total: 0, sampled: false, points: [] },
    throughputDaily: [0, 0, 0],
    throughputWeekly: [
      { week: "2026-02-23", count: 0, daysInRange: 1 },
      { week: "2026-03-02", count: 0, daysInRange: 2 },
    ],
    throughputTotal: 0,
    wipDaily: [0, 0, 0],
    cfd: [
      { state: "new", counts: [0, 0, 0] },
      { state: "waiting", counts: [0, 0, 0] },
      { state: "active", counts: [0, 0, 0] },
      { state: "done", counts: [0, 0, 0] },
      { state: "canceled", counts: [0, 0, 0] },
    ],
    aging: [],
    inProgress: 0,
    efficiency: {
      aggregate: null,
      activeDays: 0,
      waitingDays: 0,
      histogram: new Array(10).fill(0),
      count: 0,
    },
    distribution: [],
    littlesLaw: {
      averageWip: 0,
      throughputPerDay: 0,
      averageCycleDays: null,
      predictedWip: null,
      gap: null,
      largeGap: false,
      rangeDays: 3,
      shortRange: false,
      startedBefore: 0,
      carriedInWip: 0,
      openAtEnd: 0,
      reopened: 0,
      canceled: 0,
      unfinishedWip: 0,
      sampling: 0,
    },
  });
}

const STAGES = [
  "queue",
  "active",
  "review",
  "security",
  "approval",
  "decision",
  "dependency",
  "blocked",
  "waiting",
] as const;

/** A small Bottlenecks report: 2 teams × 9 stages. */
export function makeBottlenecks(partial: Partial<BottleneckReport> = {}): BottleneckReport {
  const cells = (scale: number) =>
    STAGES.map((stage, i) => ({
      stage,
      totalDays: i < 3 ? (i + 1) * 10 * scale : 0,
      medianDays: i < 3 ? (i + 1) * scale : null,
      items: i < 3 ? 4 : 0,
    }));
  return {
    range: RANGE,
    items: 12,
    skipped: 0,
    stages: [...STAGES],
    matrix: [
      { teamId: "t1", teamName: "Payments", cells: cells(1) },
      { teamId: "", teamName: "No team", cells: cells(2) },
    ],
    waitReasons: [
      {
        stage: "review",
        totalDays: 90,
        share: 0.6,
        items: 8,
        examples: [
          {
            item: { id: "w1", key: "PAY-5", title: "Waits in review" },
            teamName: "Payments",
            days: 186,
            inRangeDays: 20,
          },
        ],
      },
      { stage: "queue", totalDays: 60, share: 0.4, items: 8, examples: [] },
    ],
    openBlockingLinks: 6,
    blockerClusters: [
      {
        teamId: "t2",
        teamName: "Platform",
        blockedItems: 2,
        blockedDays: 14,
        blockers: [{ item: { id: "b1", key: "PLT-7", title: "Upgrade the gateway" }, blocks: 2 }],
      },
    ],
    queues: [
      { stage: "queue", counts: [1, 2, 3] },
      { stage: "review", counts: [5, 5, 6] },
    ],
    pullRequests: 3,
    prSegments: [
      { segment: "coding", days: { count: 3, p50: 2, p85: 4, p95: 5, mean: 2.5 } },
      { segment: "pickup", days: { count: 3, p50: 1, p85: 2, p95: 2, mean: 1.2 } },
      { segment: "review", days: { count: 2, p50: 0.5, p85: 1, p95: 1, mean: 0.7 } },
      { segment: "merge", days: { count: 2, p50: 0.1, p85: 0.2, p95: 0.2, mean: 0.1 } },
    ],
    notes: [],
    ...partial,
  };
}

export function makeWorkflowRow(partial: Partial<WorkflowRow> & { rawState: string }): WorkflowRow {
  return {
    sourceId: "s1",
    sourceName: "acme.atlassian.net",
    sourceKind: "jira",
    teamId: "",
    teamName: null,
    itemKind: null,
    scope: "",
    flowState: "active",
    waitReason: null,
    origin: "seeded",
    itemsNow: 3,
    transitions: 10,
    ...partial,
  };
}

/** Makes the page look like the desktop app (Tauri's window metadata); call after `mockBackend`. */
export function mockDesktopApp(): void {
  mockWindows("main");
}

/**
 * Sends one `workspaceChanged` event naming what a write changed, as the Rust side does after
 * every committed write (after `mockBackend`). Handlers of writing commands call it.
 */
export function emitWorkspaceChanged(kinds: ChangeKind[], itemIds: string[] = []): Promise<void> {
  return events.workspaceChanged.emit({
    reason: "data",
    changes: { kinds, itemIds, allItems: itemIds.length === 0 && kinds.includes("items") },
  });
}

/** Sends one `syncProgressEvent`, as the Rust side does during a sync (after `mockBackend`). */
export function emitSyncProgress(progress: SyncProgress): Promise<void> {
  return events.syncProgressEvent.emit({ progress });
}

export function makeRun(partial: Partial<SyncRun> = {}): SyncRun {
  return {
    id: "run-1",
    startedAt: "2026-03-01T10:00:00.000Z",
    endedAt: "2026-03-01T10:02:30.000Z",
    status: "succeeded",
    pages: 12,
    items: 340,
    requests: 15,
    retries: 0,
    rateLimitWaits: 0,
    rateLimitWaitSeconds: 0,
    errorCode: null,
    missingScope: null,
    error: null,
    ...partial,
  };
}

export function makeSource(partial: Partial<SourceView> & { id: string }): SourceView {
  return {
    kind: "github",
    name: `source ${partial.id}`,
    baseUrl: "https://api.github.com",
    scope: { kind: "github", org: "acme", repos: [] },
    pollIntervalMinutes: 10,
    enabled: true,
    synthetic: false,
    syncing: false,
    lastRun: makeRun(),
    streamErrors: [],
    ...partial,
  };
}
