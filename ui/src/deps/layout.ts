//! ELK's layered layout of the item graph, run in a bundled web worker. When the worker cannot
//! start or fails, `layoutInWorker` answers null and the caller lays out on the main thread
//! (the cytoscape-elk adapter) with the same options.

import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import type { LayoutReply, LayoutRequest } from "./layoutTypes";

/** The box ELK reserves for one item: the node (at the top) and its key written below it. */
export const NODE_BOX = { width: 76, height: 36 } as const;
/** The drawn node's radius: its centre sits this far below the top of its box. */
export const NODE_RADIUS = 10;

/** Left to right, blockers before what they block; small components packed into a wide page. */
export const ELK_OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.spacing.nodeNode": "14",
  "elk.layered.spacing.nodeNodeBetweenLayers": "36",
  "elk.spacing.componentComponent": "28",
  "elk.separateConnectedComponents": "true",
  "elk.aspectRatio": "1.8",
  "elk.layered.thoroughness": "4",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.layered.cycleBreaking.strategy": "GREEDY_MODEL_ORDER",
};

export type Point = { x: number; y: number };

/** The graph ELK lays out: one box per node, the edges between them (duplicates dropped). */
export function elkGraph(
  nodeIds: readonly string[],
  edges: readonly { from: string; to: string }[],
  /** Width ÷ height of the drawing area: components are packed to fill it. */
  aspectRatio = 1.8,
): ElkNode {
  const known = new Set(nodeIds);
  const seen = new Set<string>();
  const elkEdges: ElkExtendedEdge[] = [];
  for (const e of edges) {
    if (!known.has(e.from) || !known.has(e.to)) continue;
    const key = `${e.from}\u0000${e.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    elkEdges.push({ id: `e${elkEdges.length}`, sources: [e.from], targets: [e.to] });
  }
  return {
    id: "root",
    layoutOptions: { ...ELK_OPTIONS, "elk.aspectRatio": aspectRatio.toFixed(2) },
    children: nodeIds.map((id) => ({ id, width: NODE_BOX.width, height: NODE_BOX.height })),
    edges: elkEdges,
  };
}

/** Where to draw each node's centre, from ELK's top-left corners. */
export function centres(ids: readonly string[], xy: readonly number[]): Map<string, Point> {
  const out = new Map<string, Point>();
  ids.forEach((id, i) => {
    out.set(id, { x: (xy[2 * i] ?? 0) + NODE_BOX.width / 2, y: (xy[2 * i + 1] ?? 0) + NODE_RADIUS });
  });
  return out;
}

type Pending = { resolve: (reply: LayoutReply) => void };

let worker: Worker | null = null;
let broken = false;
let nextId = 1;
const pending = new Map<number, Pending>();

function failAll(message: string) {
  for (const [id, p] of pending) p.resolve({ id, error: message });
  pending.clear();
}

function getWorker(): Worker | null {
  if (broken || typeof Worker === "undefined") return null;
  if (worker) return worker;
  try {
    const w = new Worker(new URL("./elkWorker.ts", import.meta.url), { type: "module" });
    w.onmessage = (event: MessageEvent<LayoutReply>) => {
      const p = pending.get(event.data.id);
      pending.delete(event.data.id);
      p?.resolve(event.data);
    };
    w.onerror = (event) => {
      event.preventDefault();
      broken = true;
      w.terminate();
      worker = null;
      failAll(event.message || "the layout worker stopped");
    };
    worker = w;
    return w;
  } catch {
    broken = true;
    return null;
  }
}

/** Starts the worker (and ELK inside it) ahead of the first layout. */
export function prewarmLayout(): void {
  getWorker();
}

/** Lays the graph out off the main thread; null when there is no working worker. */
export async function layoutInWorker(graph: ElkNode): Promise<Map<string, Point> | null> {
  const w = getWorker();
  if (!w) return null;
  const id = nextId++;
  const reply = await new Promise<LayoutReply>((resolve) => {
    pending.set(id, { resolve });
    const request: LayoutRequest = { id, graph };
    w.postMessage(request);
  });
  if ("error" in reply) return null;
  return centres(reply.ids, reply.xy);
}

/**
 * A plain layered layout for when ELK cannot run: each connected group of items left to right
 * by depth (longest chain of links before it; links that close a cycle are ignored), groups
 * packed in rows to fill the drawing area. Deterministic, linear in the graph's size.
 */
export function fallbackLayout(
  nodeIds: readonly string[],
  edges: readonly { from: string; to: string }[],
  aspectRatio = 1.8,
): Map<string, Point> {
  const index = new Map(nodeIds.map((id, i) => [id, i]));
  const n = nodeIds.length;
  const parent = nodeIds.map((_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] ?? r;
    let c = i;
    while (parent[c] !== r) {
      const next = parent[c] ?? r;
      parent[c] = r;
      c = next;
    }
    return r;
  };
  const out: number[][] = nodeIds.map(() => []);
  const indegree = new Array<number>(n).fill(0);
  for (const e of edges) {
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    out[a]?.push(b);
    indegree[b] = (indegree[b] ?? 0) + 1;
    parent[find(a)] = find(b);
  }
  // Depths by Kahn's order; what a cycle leaves unvisited starts where it is reached.
  const depth = new Array<number>(n).fill(0);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue.push(i);
  const seen = new Array<boolean>(n).fill(false);
  for (let k = 0; k < n; k++) {
    if (k >= queue.length) {
      const next = seen.findIndex((s) => !s);
      if (next < 0) break;
      queue.push(next);
    }
    const i = queue[k] ?? 0;
    if (seen[i]) continue;
    seen[i] = true;
    for (const j of out[i] ?? []) {
      if (seen[j]) continue;
      depth[j] = Math.max(depth[j] ?? 0, (depth[i] ?? 0) + 1);
      indegree[j] = (indegree[j] ?? 1) - 1;
      if (indegree[j] === 0) queue.push(j);
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = find(i);
    groups.set(g, [...(groups.get(g) ?? []), i]);
  }
  const colW = NODE_BOX.width + 36;
  const rowH = NODE_BOX.height + 14;
  const boxes = [...groups.values()]
    .map((members) => {
      const rows = new Map<number, number>();
      const place = new Map<number, Point>();
      for (const i of members) {
        const d = depth[i] ?? 0;
        const r = rows.get(d) ?? 0;
        rows.set(d, r + 1);
        place.set(i, { x: d * colW, y: r * rowH });
      }
      const w = (Math.max(...rows.keys()) + 1) * colW;
      const h = Math.max(...rows.values()) * rowH;
      return { place, w, h };
    })
    .sort((a, b) => b.h * b.w - a.h * a.w);
  const area = boxes.reduce((s, b) => s + (b.w + 28) * (b.h + 28), 0);
  const shelf = Math.max(Math.sqrt(area * aspectRatio), ...boxes.map((b) => b.w));
  const result = new Map<string, Point>();
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const b of boxes) {
    if (x > 0 && x + b.w > shelf) {
      x = 0;
      y += rowHeight + 28;
      rowHeight = 0;
    }
    for (const [i, p] of b.place) {
      result.set(nodeIds[i] ?? "", { x: x + p.x + NODE_BOX.width / 2, y: y + p.y + NODE_RADIUS });
    }
    x += b.w + 28;
    rowHeight = Math.max(rowHeight, b.h);
  }
  return result;
}
