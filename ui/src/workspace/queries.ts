//! Query options for the workspace: startup state, the open workspace, recent workspaces.

import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { useEffect } from "react";
import { type ChangeKind, type Changes, ipc, onWorkspaceChanged, type WorkspaceChanged } from "../lib/ipc";

/** The first element of every key that lives across workspaces. */
const STARTUP = "startup";

export const workspaceQueries = {
  /** Runs once per launch: reopening the last workspace is not something to repeat on refresh. */
  startup: (client: QueryClient) =>
    queryOptions({
      queryKey: [STARTUP],
      queryFn: async () => {
        const state = await ipc.appStartup();
        client.setQueryData(["workspace", "current"], state.workspace);
        return state;
      },
      staleTime: Number.POSITIVE_INFINITY,
      gcTime: Number.POSITIVE_INFINITY,
      retry: false,
    }),
  current: () => queryOptions({ queryKey: ["workspace", "current"], queryFn: ipc.workspaceCurrent }),
};

const notStartup = { predicate: (q: { queryKey: readonly unknown[] }) => q.queryKey[0] !== STARTUP };

/** The first element of the key of every query that shows workspace data. */
export type QueryDomain =
  | "summary"
  | "items"
  | "flow"
  | "deps"
  | "intents"
  | "rules"
  | "people"
  | "sources"
  | "workflow"
  | "triage"
  | "governance"
  | "plans";

/**
 * The one place that says which cached queries each kind of change makes stale. The Rust side
 * sends the kinds with every `workspaceChanged` event (every committed write, batched); a new
 * kind fails to compile here until it is mapped.
 */
export const QUERIES_FOR_CHANGE: Record<ChangeKind, readonly QueryDomain[]> = {
  // Items, their changes and links: every number and list.
  items: ["summary", "items", "flow", "deps", "intents", "rules", "people", "triage", "governance", "plans"],
  // Names and counts of people, and who is one person across sources.
  people: ["summary", "items", "flow", "deps", "people", "triage", "governance"],
  // Team names and lists, and everything grouped by team.
  teams: ["summary", "items", "flow", "deps", "rules", "triage", "governance", "plans"],
  // Sources and what was synced from them.
  sources: [
    "sources",
    "summary",
    "items",
    "flow",
    "deps",
    "intents",
    "workflow",
    "rules",
    "people",
    "triage",
    "governance",
    "plans",
  ],
  // Runs and their figures: the Sources screen.
  sync_runs: ["sources"],
  // Team and provenance rules.
  rules: ["rules"],
  // What raw states mean: the map, and every flow number.
  workflow: ["workflow", "summary", "items", "flow", "deps", "triage", "governance", "plans"],
  // Goals and initiatives, and what links to them.
  intents: ["intents", "flow", "deps", "summary", "items", "triage", "governance", "plans"],
  // Decisions people took (owners, triage outcomes, thresholds): the worklist, the item detail
  // that lists them, and who answers for a violation.
  decisions: ["triage", "items", "summary", "governance", "intents"],
  // Policies and working calendars: the Governance page.
  policies: ["governance"],
  // Scenarios and planning sessions: the Plans page.
  plans: ["plans"],
  // Owners → teams and sensitive paths: the conflicts they decide (Triage, the item drawer, who
  // changes whose code on Dependencies) and the rules editor.
  conflict_rules: ["rules", "triage", "items", "deps"],
};

/** Drops every cached answer about the previous workspace (another one is open). */
export function forgetWorkspaceData(client: QueryClient): Promise<void> {
  return client.resetQueries(notStartup);
}

/** The query domains a set of changes makes stale. */
export function staleDomains(changes: Changes): Set<QueryDomain> {
  return new Set(changes.kinds.flatMap((kind) => QUERIES_FOR_CHANGE[kind]));
}

/**
 * What a `workspaceChanged` event means for cached data: another workspace was opened (drop
 * everything, so no number of the old one shows under the new name) or some of its rows changed
 * (refetch the queries those kinds of rows feed).
 */
export function applyWorkspaceChange(client: QueryClient, change: WorkspaceChanged): Promise<void> {
  if (change.reason === "opened") return forgetWorkspaceData(client);
  const stale = staleDomains(change.changes);
  if (stale.size === 0) return Promise.resolve();
  return client.invalidateQueries({
    predicate: (q) => stale.has(q.queryKey[0] as QueryDomain),
  });
}

/** Keeps the cache in step with the Rust side: every `workspaceChanged` event is applied. */
export function useWorkspaceChanges(client: QueryClient): void {
  useEffect(() => onWorkspaceChanged((change) => void applyWorkspaceChange(client, change)), [client]);
}

/** The workspace summary (Overview, and the filter option lists of Work items). */
export const summaryQuery = () =>
  queryOptions({ queryKey: ["summary"], queryFn: ipc.workspaceSummary, staleTime: 30_000 });
