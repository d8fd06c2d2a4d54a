//! Query options and the save of the workflow map (Settings → Workflow).

import { queryOptions, useMutation } from "@tanstack/react-query";
import { ipc, type WorkflowChange } from "../lib/ipc";

export const workflowQueries = {
  list: () => queryOptions({ queryKey: ["workflow", "list"], queryFn: ipc.workflowList, staleTime: 30_000 }),
};

/**
 * Saves one change. Every flow number follows the map: the `workspaceChanged` event that the
 * write sends refetches the map, the flow and bottleneck reports, the summary and the lists.
 */
export function useWorkflowSet() {
  return useMutation({
    mutationFn: (change: WorkflowChange) => ipc.workflowSet(change),
  });
}
