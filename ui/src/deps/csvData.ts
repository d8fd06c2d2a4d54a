//! The data behind each section of the Dependencies page as CSV rows (header first), straight
//! from what Rust sent.

import type { CriticalPath, DepItem, DepsReport, GraphView } from "../lib/ipc";
import type { CsvCell } from "../shared/csv";

type Rows = CsvCell[][];

function team(i: DepItem): string {
  return i.teamName ?? "No team";
}

export function matrixRows(r: DepsReport): Rows {
  return [
    ["blocking_team", "blocked_team", "open_links", "total_days", "median_days", "oldest_days"],
    ...r.matrix.map((c) => [
      c.blockerTeam,
      c.blockedTeam,
      c.openLinks,
      c.totalDays,
      c.medianDays,
      c.oldestDays,
    ]),
  ];
}

export function teamRows(r: DepsReport): Rows {
  return [
    ["team", "blocking", "blocked_by", "cycle_p50_days", "cycle_p85_days", "default_percentiles"],
    ...r.teams.map((t) => [
      t.teamName,
      t.blocking,
      t.blocked,
      t.cycleP50Days,
      t.cycleP85Days,
      t.defaultPercentiles,
    ]),
  ];
}

export function chainRows(r: DepsReport): Rows {
  return [
    ["rank", "items", "keys", "waiting_days", "teams_crossed", "first_item_id", "last_item_id"],
    ...r.chains.map((c, n) => [
      n + 1,
      c.items.length,
      c.items.map((i) => i.item.key).join(" → "),
      c.waitingDays,
      c.teams,
      c.items[0]?.item.id,
      c.items[c.items.length - 1]?.item.id,
    ]),
  ];
}

export function singleLinkRows(r: DepsReport): Rows {
  return [
    ["blocker_id", "blocker_key", "blocker_team", "blocked_id", "blocked_key", "blocked_team", "days"],
    ...r.singleLinks.map((l) => [
      l.blocker.item.id,
      l.blocker.item.key,
      team(l.blocker),
      l.blocked.item.id,
      l.blocked.item.key,
      team(l.blocked),
      l.days,
    ]),
  ];
}

export function cycleRows(r: DepsReport): Rows {
  return [
    ["cycle", "items", "keys", "self_link", "teams"],
    ...r.cycles.map((c, n) => [
      n + 1,
      c.items.length,
      c.items.map((i) => i.item.key).join(" "),
      c.selfLink,
      [...new Set(c.items.map(team))].join("; "),
    ]),
  ];
}

export function atRiskRows(r: DepsReport): Rows {
  return [
    [
      "item_id",
      "key",
      "title",
      "team",
      "blocker_id",
      "blocker_key",
      "blocker_team",
      "distance",
      "blocker_age_days",
      "threshold_days",
      "default_threshold",
    ],
    ...r.atRisk.map((a) => [
      a.item.item.id,
      a.item.item.key,
      a.item.item.title,
      team(a.item),
      a.blocker.item.id,
      a.blocker.item.key,
      team(a.blocker),
      a.distance,
      a.blockerAgeDays,
      a.thresholdDays,
      a.defaultThreshold,
    ]),
  ];
}

export function handoffRows(r: DepsReport): Rows {
  return [
    [
      "upstream_id",
      "upstream_key",
      "upstream_team",
      "delivered_at",
      "downstream_id",
      "downstream_key",
      "downstream_team",
      "days_waiting",
    ],
    ...r.handoffs.map((h) => [
      h.upstream.item.id,
      h.upstream.item.key,
      team(h.upstream),
      h.deliveredAt,
      h.downstream.item.id,
      h.downstream.item.key,
      team(h.downstream),
      h.daysWaiting,
    ]),
  ];
}

export function criticalRows(p: CriticalPath): Rows {
  return [
    [
      "step",
      "item_id",
      "key",
      "team",
      "flow_state",
      "age_days",
      "remaining_p50_days",
      "remaining_p85_days",
      "finish_p50",
      "finish_p85",
      "default_percentiles",
    ],
    ...p.steps.map((s, n) => [
      n + 1,
      s.item.item.id,
      s.item.item.key,
      team(s.item),
      s.item.flowState,
      s.ageDays,
      s.remainingP50Days,
      s.remainingP85Days,
      s.finishP50,
      s.finishP85,
      s.defaultPercentiles,
    ]),
  ];
}

export function graphRows(g: GraphView): Rows {
  const nodes = new Map(g.nodes.map((n) => [n.item.id, n]));
  const key = (id: string) => nodes.get(id)?.item.key;
  const teamOf = (id: string) => nodes.get(id)?.teamName ?? "No team";
  return [
    [
      "from_id",
      "from_key",
      "from_team",
      "kind",
      "to_id",
      "to_key",
      "to_team",
      "open",
      "age_days",
      "critical",
    ],
    ...g.edges.map((e) => [
      e.from,
      key(e.from),
      teamOf(e.from),
      e.kind,
      e.to,
      key(e.to),
      teamOf(e.to),
      e.open,
      e.ageDays,
      e.critical,
    ]),
  ];
}
