//! Query options of the Triage page: the worklist, decisions (one item's, or all for the export),
//! the thresholds. Their keys start with "triage", which decisions, items, workflow and rule
//! changes make stale (`workspace/queries.ts`).

import { queryOptions } from "@tanstack/react-query";
import { ipc } from "../lib/ipc";
import { type TriageFilters, toTriageQuery } from "./filters";

/** Rows asked for at first; "Show more" asks for more, up to Rust's page limit. */
export const TRIAGE_PAGE = 200;
export const TRIAGE_MAX = 1000;

export const triageQueries = {
  all: () => ["triage"] as const,
  list: (filters: TriageFilters, limit: number) =>
    queryOptions({
      queryKey: [
        "triage",
        "list",
        filters.teams,
        filters.sources,
        filters.reasons,
        filters.provenances,
        filters.sort,
        filters.show,
        limit,
      ],
      queryFn: () => ipc.triageList(toTriageQuery(filters, limit)),
      staleTime: 30_000,
      // Ages move with the clock, and items cross thresholds: asked again every minute while the
      // page is shown (Rust answers from the kept reasons; see docs/metrics.md, "Triage").
      refetchInterval: 60_000,
    }),
  decisions: (itemId: string | null) =>
    queryOptions({
      queryKey: ["triage", "decisions", itemId],
      queryFn: () => ipc.decisionsList(itemId),
      staleTime: 30_000,
    }),
  thresholds: () =>
    queryOptions({ queryKey: ["triage", "thresholds"], queryFn: ipc.triageThresholdsGet, staleTime: 60_000 }),
};
