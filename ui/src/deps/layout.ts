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
