//! Query options and the save of the workflow map (Settings → Workflow).

import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { invalidateFlowData } from "../flow/queries";
import { ipc, type WorkflowChange } from "../lib/ipc";

export const workflowQueries = {
  list: () => queryOptions({ queryKey: ["workflow", "list"], queryFn: ipc.workflowList, staleTime: 30_000 }),
};

/**
 * Saves one change. Every flow number follows the map, so the flow and bottleneck reports, the
 * summary and the item lists are refetched (the Rust side also emits `workspace-changed`).
 */
export function useWorkflowSet() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: WorkflowChange) => ipc.workflowSet(change),
    onSuccess: () =>
      Promise.all([client.invalidateQueries({ queryKey: ["workflow"] }), invalidateFlowData(client)]),
  });
}
