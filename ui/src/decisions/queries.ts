//! Query options of the Decisions page and of an item's drawer: pending decisions and approvals
//! (or the log), and those one item waits on. Their keys start with "governance", which
//! decisions, items, workflow, team and policy changes make stale (`workspace/queries.ts`).

import { queryOptions } from "@tanstack/react-query";
import { type ApprovalQuery, ipc } from "../lib/ipc";

export const approvalQueries = {
  report: (query: ApprovalQuery) =>
    queryOptions({
      queryKey: ["governance", "approvals", query.show, query.teams, query.intents],
      queryFn: () => ipc.approvalsReport(query),
      staleTime: 30_000,
    }),
  forItem: (itemId: string) =>
    queryOptions({
      queryKey: ["governance", "approvals", "item", itemId],
      queryFn: () => ipc.approvalsForItem(itemId),
      staleTime: 30_000,
    }),
};
