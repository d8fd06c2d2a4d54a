//! The intents (goals, initiatives, milestones) the Flow and Bottlenecks filter offers: the
//! query, and the tree order the picker shows them in.

import { queryOptions } from "@tanstack/react-query";
import { type IntentInfo, ipc } from "../lib/ipc";

export const intentQueries = {
  list: () => queryOptions({ queryKey: ["intents", "list"], queryFn: ipc.intentsList, staleTime: 60_000 }),
};

/** One line of the picker: an intent, how deep it sits, and its ancestors' ids. */
export type IntentLine = { intent: IntentInfo; depth: number; ancestors: string[] };

const KIND_ORDER: Record<IntentInfo["kind"], number> = { goal: 0, initiative: 1, milestone: 2 };

/**
 * The intents depth first: each goal followed by its initiatives (and theirs), siblings by kind
 * then title. An intent whose parent is unknown is shown at the top level; a cycle in the parent
 * links (which Rust should never send) cannot loop.
 */
export function intentTree(intents: readonly IntentInfo[]): IntentLine[] {
  const ids = new Set(intents.map((i) => i.id));
  const children = new Map<string, IntentInfo[]>();
  const roots: IntentInfo[] = [];
  for (const intent of intents) {
    const parent =
      intent.parentId && intent.parentId !== intent.id && ids.has(intent.parentId) ? intent.parentId : null;
    if (parent === null) roots.push(intent);
    else children.set(parent, [...(children.get(parent) ?? []), intent]);
  }
  const order = (list: IntentInfo[]) =>
    [...list].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.title.localeCompare(b.title));
  const lines: IntentLine[] = [];
  const seen = new Set<string>();
  const visit = (intent: IntentInfo, depth: number, ancestors: string[]) => {
    if (seen.has(intent.id)) return;
    seen.add(intent.id);
    lines.push({ intent, depth, ancestors });
    for (const child of order(children.get(intent.id) ?? []))
      visit(child, depth + 1, [...ancestors, intent.id]);
  };
  for (const root of order(roots)) visit(root, 0, []);
  // Intents only reachable through a cycle: still listed, at the top level.
  for (const intent of order(intents.filter((i) => !seen.has(i.id)))) visit(intent, 0, []);
  return lines;
}
