//! Query options for the Dependencies page: the report, the item graph, the critical path, the
//! intents (for the filter and the target picker), the item search of the focus picker, and who
//! changes whose code (with the pull requests behind a pair).

import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { type DepsFilter, type GraphRequest, ipc, type Target, type TouchesQuery } from "../lib/ipc";

/** How many matches the item search lists. */
export const SEARCH_LIMIT = 8;

export const depsQueries = {
  report: (filter: DepsFilter) =>
    queryOptions({
      queryKey: ["deps", "report", filter] as const,
      queryFn: () => ipc.depsReport(filter),
      placeholderData: keepPreviousData,
      staleTime: 60_000,
    }),
  graph: (request: GraphRequest) =>
    queryOptions({
      queryKey: ["deps", "graph", request] as const,
      queryFn: () => ipc.depsGraph(request),
      placeholderData: keepPreviousData,
      staleTime: 60_000,
      gcTime: 2 * 60_000,
    }),
  /** The open blocking links between two teams: the graph of both teams' items. */
  cell: (blockerTeamId: string, blockedTeamId: string) =>
    queryOptions({
      queryKey: ["deps", "cell", blockerTeamId, blockedTeamId] as const,
      queryFn: () =>
        ipc.depsGraph({
          focus: null,
          hops: 1,
          filter: { teams: [...new Set([blockerTeamId, blockedTeamId])], intents: [] },
          critical: null,
          maxNodes: 2_000,
        }),
      staleTime: 60_000,
    }),
  /** Who changes whose code (pull requests touching another team's paths) over a window. */
  touches: (query: TouchesQuery) =>
    queryOptions({
      queryKey: ["deps", "touches", query] as const,
      queryFn: () => ipc.conflictsTouches(query),
      placeholderData: keepPreviousData,
      staleTime: 60_000,
    }),
  /** The pull requests behind one pair of `touches`. */
  touchPulls: (query: TouchesQuery, fromTeamId: string, toTeamId: string) =>
    queryOptions({
      queryKey: ["deps", "touch-pulls", query, fromTeamId, toTeamId] as const,
      queryFn: () => ipc.conflictsTouchPulls(query, fromTeamId, toTeamId),
      staleTime: 60_000,
    }),
  critical: (target: Target | null) =>
    queryOptions({
      queryKey: ["deps", "critical", target] as const,
      queryFn: () => {
        if (!target) throw new Error("no target chosen");
        return ipc.depsCriticalPath(target);
      },
      enabled: target !== null,
      staleTime: 60_000,
    }),
  intents: () =>
    queryOptions({ queryKey: ["deps", "intents"] as const, queryFn: ipc.intentsList, staleTime: 5 * 60_000 }),
  search: (text: string) =>
    queryOptions({
      queryKey: ["items", "search", text] as const,
      queryFn: () =>
        ipc.itemsList({
          teams: [],
          states: [],
          kinds: [],
          sources: [],
          provenances: [],
          intents: [],
          text,
          withoutIndependentReview: false,
          sort: "key",
          direction: "asc",
          offset: 0,
          limit: SEARCH_LIMIT,
        }),
      enabled: text.trim().length > 0,
      staleTime: 30_000,
    }),
};
