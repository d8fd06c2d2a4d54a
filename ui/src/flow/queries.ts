//! Query options for the Flow and Bottlenecks pages: their reports, drill-downs and the filter
//! remembered for the open workspace.

import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { type BottleneckReport, type FlowFilter, type FlowReport, type FlowSelection, ipc } from "../lib/ipc";

/** A report with the filter it answers (kept together so a drill-down asks about what is shown). */
export type Answer<T> = { filter: FlowFilter; report: T };

export const flowQueries = {
  /** The filter last used on this workspace. Edited in place by `useFlowFilter`. */
  filter: () =>
    queryOptions({
      queryKey: ["flow", "filter"] as const,
      queryFn: ipc.flowFilterGet,
      staleTime: Number.POSITIVE_INFINITY,
    }),
  /** The Flow page; the previous filter's report stays on screen while a new one loads. */
  report: (filter: FlowFilter | null) =>
    queryOptions({
      queryKey: ["flow", "report", filter] as const,
      queryFn: async (): Promise<Answer<FlowReport>> => {
        if (!filter) throw new Error("the filters have not loaded yet");
        return { filter, report: await ipc.flowReport(filter) };
      },
      enabled: filter !== null,
      placeholderData: keepPreviousData,
      staleTime: 60_000,
      gcTime: 2 * 60_000,
    }),
  bottlenecks: (filter: FlowFilter | null) =>
    queryOptions({
      queryKey: ["flow", "bottlenecks", filter] as const,
      queryFn: async (): Promise<Answer<BottleneckReport>> => {
        if (!filter) throw new Error("the filters have not loaded yet");
        return { filter, report: await ipc.flowBottlenecks(filter) };
      },
      enabled: filter !== null,
      placeholderData: keepPreviousData,
      staleTime: 60_000,
      gcTime: 2 * 60_000,
    }),
  items: (filter: FlowFilter, selection: FlowSelection) =>
    queryOptions({
      queryKey: ["flow", "items", filter, selection] as const,
      queryFn: () => ipc.flowItems(filter, selection),
      staleTime: 60_000,
    }),
};
