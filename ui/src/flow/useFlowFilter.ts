//! The filter of the Flow and Bottlenecks pages: loaded from the workspace when a page opens,
//! changed at once on screen, and saved (debounced) so the next visit starts where this one left.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { type FlowFilter, ipc } from "../lib/ipc";
import { useChosenTimeZone, zoneOffsetMinutes } from "../settings/timeZone";
import { mark } from "../shared/perf";
import { workspaceQueries } from "../workspace/queries";
import { DEFAULT_FLOW_FILTER, localUtcOffsetMinutes, withLocalZone } from "./filter";
import { flowQueries } from "./queries";

/** How long the filter must stay unchanged before it is saved. */
export const FILTER_SAVE_DELAY_MS = 400;

export type FlowFilterState = {
  /** The filter to ask with; null until the saved one has loaded. */
  filter: FlowFilter | null;
  /** Changes some fields; applied to the latest filter, so quick successive changes all count. */
  changeFilter: (patch: Partial<FlowFilter>) => void;
  /** The saved filter could not be read (the page then uses the defaults). */
  loadError: Error | null;
  /** The last save failed. */
  saveError: Error | null;
};

export function useFlowFilter(): FlowFilterState {
  const client = useQueryClient();
  const saved = useQuery(flowQueries.filter());
  const zone = useChosenTimeZone();
  const offset = useMemo(
    () => (zone ? (zoneOffsetMinutes(zone) ?? localUtcOffsetMinutes()) : localUtcOffsetMinutes()),
    [zone],
  );
  const save = useMutation({ mutationFn: (f: FlowFilter) => ipc.flowFilterSet(f) });
  const saveRef = useRef(save.mutate);
  saveRef.current = save.mutate;

  // Rust saves for the workspace open when the save arrives: a change made in another workspace
  // (one opened inside the debounce window) is dropped rather than saved to the wrong one.
  const workspace = useQuery(workspaceQueries.current()).data?.path ?? null;
  const workspaceRef = useRef(workspace);
  workspaceRef.current = workspace;
  const pending = useRef<{ filter: FlowFilter; workspace: string | null } | null>(null);
  const timer = useRef<number | null>(null);

  const flush = useCallback(() => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    const next = pending.current;
    pending.current = null;
    if (next && next.workspace === workspaceRef.current) saveRef.current(next.filter);
  }, []);

  // Leaving the page saves what was chosen last, even inside the debounce window.
  useEffect(() => flush, [flush]);

  const filterRef = useRef<FlowFilter | null>(null);

  const changeFilter = useCallback(
    (patch: Partial<FlowFilter>) => {
      mark("baton:filter-change");
      const next = withLocalZone({ ...(filterRef.current ?? DEFAULT_FLOW_FILTER), ...patch }, offset, zone);
      filterRef.current = next;
      client.setQueryData(flowQueries.filter().queryKey, next);
      pending.current = { filter: next, workspace: workspaceRef.current };
      if (timer.current !== null) window.clearTimeout(timer.current);
      timer.current = window.setTimeout(flush, FILTER_SAVE_DELAY_MS);
    },
    [client, flush, offset, zone],
  );

  const filter = useMemo(() => {
    if (saved.data) return withLocalZone(saved.data, offset, zone);
    if (saved.isError) return withLocalZone(DEFAULT_FLOW_FILTER, offset, zone);
    return null;
  }, [saved.data, saved.isError, offset, zone]);

  filterRef.current = filter;

  return { filter, changeFilter, loadError: saved.error, saveError: save.error };
}
