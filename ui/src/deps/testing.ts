//! Test factories for the Dependencies page's wire values. Only tests import this file.

import type {
  CriticalPath,
  DepItem,
  DepsReport,
  FlowState,
  GraphView,
  IntentInfo,
  TeamDependency,
} from "../lib/ipc";

export function depItem(
  id: string,
  teamId: string | null = "t1",
  teamName: string | null = "Payments",
  flowState: FlowState = "waiting",
): DepItem {
  return {
    item: { id, key: id.toUpperCase(), title: `Title of ${id}` },
    teamId,
    teamName,
    flowState,
    stage: flowState === "waiting" ? "blocked" : flowState === "active" ? "active" : null,
  };
}

export function cell(
  partial: Partial<TeamDependency> & Pick<TeamDependency, "blockerTeamId" | "blockedTeamId">,
) {
  const names: Record<string, string> = { t1: "Payments", t2: "Platform", t3: "Mobile", "": "No team" };
  return {
    blockerTeam: names[partial.blockerTeamId] ?? partial.blockerTeamId,
    blockedTeam: names[partial.blockedTeamId] ?? partial.blockedTeamId,
    openLinks: 1,
    totalDays: 10,
    oldestDays: 10,
    medianDays: 10,
    ...partial,
  };
}

/** Three teams: Payments blocks Platform (3 links) and Mobile (1); Platform blocks Payments (2). */
export function makeDepsReport(partial: Partial<DepsReport> = {}): DepsReport {
  return {
    asOf: "2026-03-04T10:00:00.000Z",
    teams: [
      {
        teamId: "t1",
        teamName: "Payments",
        blocking: 4,
        blocked: 2,
        cycleP50Days: 4,
        cycleP85Days: 11,
        defaultPercentiles: false,
      },
      {
        teamId: "t2",
        teamName: "Platform",
        blocking: 2,
        blocked: 3,
        cycleP50Days: 5,
        cycleP85Days: 12,
        defaultPercentiles: true,
      },
      {
        teamId: "t3",
        teamName: "Mobile",
        blocking: 0,
        blocked: 1,
        cycleP50Days: 3,
        cycleP85Days: 9,
        defaultPercentiles: false,
      },
    ],
    matrix: [
      cell({
        blockerTeamId: "t1",
        blockedTeamId: "t2",
        openLinks: 3,
        totalDays: 42,
        oldestDays: 30,
        medianDays: 8,
      }),
      cell({
        blockerTeamId: "t2",
        blockedTeamId: "t1",
        openLinks: 2,
        totalDays: 9,
        oldestDays: 6,
        medianDays: 3,
      }),
      cell({
        blockerTeamId: "t1",
        blockedTeamId: "t1",
        openLinks: 5,
        totalDays: 50,
        oldestDays: 20,
        medianDays: 9,
      }),
      cell({
        blockerTeamId: "t1",
        blockedTeamId: "t3",
        openLinks: 1,
        totalDays: 70,
        oldestDays: 70,
        medianDays: 70,
      }),
    ],
    openBlockingLinks: 11,
    chains: [
      {
        items: [depItem("a1"), depItem("a2", "t2", "Platform"), depItem("a3", "t3", "Mobile", "active")],
        waitingDays: 21.5,
        teams: 3,
      },
    ],
    chainsTotal: 1,
    singleLinks: [
      { blocker: depItem("u1", "t3", "Mobile", "active"), blocked: depItem("u2"), days: 44 },
      { blocker: depItem("w1", "t2", "Platform", "new"), blocked: depItem("w2", "t3", "Mobile"), days: 3.5 },
    ],
    singleLinksTotal: 5,
    cycles: [
      { items: [depItem("c1"), depItem("c2", "t2", "Platform")], selfLink: false },
      { items: [depItem("s1")], selfLink: true },
    ],
    cyclesTotal: 2,
    atRisk: [
      {
        item: depItem("r1", "t2", "Platform"),
        blocker: depItem("r0"),
        distance: 2,
        blockerAgeDays: 40,
        thresholdDays: 12,
        defaultThreshold: true,
      },
    ],
    atRiskTotal: 7,
    handoffs: [
      {
        upstream: depItem("h0", "t1", "Payments", "done"),
        downstream: depItem("h1", "t2", "Platform"),
        deliveredAt: "2026-02-20T10:00:00.000Z",
        daysWaiting: 12,
      },
    ],
    handoffsTotal: 1,
    atRiskMaxDepth: 32,
    ...partial,
  };
}

export function makeEmptyDepsReport(): DepsReport {
  return makeDepsReport({
    teams: [],
    matrix: [],
    openBlockingLinks: 0,
    chains: [],
    chainsTotal: 0,
    singleLinks: [],
    singleLinksTotal: 0,
    cycles: [],
    cyclesTotal: 0,
    atRisk: [],
    atRiskTotal: 0,
    handoffs: [],
    handoffsTotal: 0,
  });
}

export function makeGraph(partial: Partial<GraphView> = {}): GraphView {
  const node = (
    id: string,
    teamId: string,
    teamName: string,
    extra: Partial<GraphView["nodes"][number]> = {},
  ) => ({
    item: { id, key: id.toUpperCase(), title: "" },
    teamId,
    teamName,
    flowState: "waiting" as const,
    stage: "blocked" as const,
    ageDays: 5,
    focus: false,
    critical: false,
    ...extra,
  });
  return {
    nodes: [
      node("p1", "t1", "Payments"),
      node("p2", "t1", "Payments"),
      node("p3", "t1", "Payments"),
      node("q1", "t2", "Platform"),
      node("q2", "t2", "Platform", { critical: true }),
    ],
    edges: [
      { from: "p1", to: "q1", kind: "blocks", open: true, ageDays: 30, critical: false },
      { from: "p2", to: "q1", kind: "blocks", open: true, ageDays: 4, critical: false },
      { from: "p3", to: "q2", kind: "blocks", open: true, ageDays: 8, critical: true },
      { from: "q1", to: "p1", kind: "blocks", open: true, ageDays: 2, critical: false },
      { from: "p1", to: "p2", kind: "blocks", open: true, ageDays: 2, critical: false },
      { from: "p2", to: "q2", kind: "blocks", open: false, ageDays: 9, critical: false },
      { from: "p3", to: "q2", kind: "parent", open: true, ageDays: 9, critical: false },
    ],
    totalNodes: 5,
    truncated: false,
    ...partial,
  };
}

export function makeCriticalPath(partial: Partial<CriticalPath> = {}): CriticalPath {
  return {
    targetLabel: "A3 Ship the thing",
    steps: [
      {
        item: depItem("a1"),
        ageDays: 3,
        remainingP50Days: 1,
        remainingP85Days: 8,
        finishP50: "2026-03-05T10:00:00.000Z",
        finishP85: "2026-03-12T10:00:00.000Z",
        defaultPercentiles: false,
      },
      {
        item: depItem("a3", "t2", "Platform", "active"),
        ageDays: 1,
        remainingP50Days: 4,
        remainingP85Days: 11,
        finishP50: "2026-03-09T10:00:00.000Z",
        finishP85: "2026-03-23T10:00:00.000Z",
        defaultPercentiles: true,
      },
    ],
    upstreamItems: 4,
    targetItems: 1,
    openTargetItems: 1,
    openUpstreamItems: 2,
    finishP50: "2026-03-09T10:00:00.000Z",
    finishP85: "2026-03-23T10:00:00.000Z",
    done: false,
    itemsInCycles: 0,
    ...partial,
  };
}

export function makeIntents(): IntentInfo[] {
  return [
    {
      id: "g1",
      parentId: null,
      kind: "goal",
      title: "Grow",
      label: "Grow",
      items: 3,
      itemsWithDescendants: 8,
    },
    {
      id: "i1",
      parentId: "g1",
      kind: "initiative",
      title: "Refunds",
      label: "Refunds",
      items: 5,
      itemsWithDescendants: 5,
    },
  ];
}
