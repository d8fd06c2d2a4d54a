//! What the item graph draws, from Rust's `GraphView`: colours, shapes, labels and hover text.

import type { GraphView, LinkKind } from "../lib/ipc";
import { formatDays } from "../shared/format";
import { FLOW_STATE_LABELS, STAGE_LABELS, shortKey } from "../workgraph/vocabulary";
import type { CanvasColors, CanvasData } from "./graphCanvas";
import type { TeamColors } from "./palette";

const KIND_VERBS: Partial<Record<LinkKind, string>> = {
  blocks: "blocks",
  parent: "is the parent of",
  implements: "implements",
};

export function toCanvasData(view: GraphView, teams: TeamColors, colors: CanvasColors): CanvasData {
  const keys = new Map(view.nodes.map((n) => [n.item.id, n.item.key]));
  return {
    dimOthers: true,
    nodes: view.nodes.map((n) => ({
      id: n.item.id,
      label: shortKey(n.item.key, 14),
      color: teams.of(n.teamId),
      flowState: n.flowState,
      focus: n.focus,
      critical: n.critical,
      tooltip: [
        n.item.key,
        ...(n.item.title ? [n.item.title] : []),
        `${n.teamName ?? "No team"} · ${n.stage ? STAGE_LABELS[n.stage] : FLOW_STATE_LABELS[n.flowState]}`,
        `${formatDays(n.ageDays)} old`,
        ...(n.critical ? ["On the critical path"] : []),
        "Click to open",
      ],
    })),
    edges: view.edges.map((e, i) => ({
      id: `edge-${i}`,
      from: e.from,
      to: e.to,
      kind: e.kind,
      open: e.open,
      critical: e.critical,
      color: colors.edge,
      tooltip: [
        `${keys.get(e.from) ?? e.from} ${KIND_VERBS[e.kind] ?? e.kind} ${keys.get(e.to) ?? e.to}`,
        `${e.open ? "open" : "closed"} · linked ${formatDays(e.ageDays)} ago${e.critical ? " · critical path" : ""}`,
      ],
    })),
  };
}
