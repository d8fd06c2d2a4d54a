//! Query options for the workspace: startup state, the open workspace, recent workspaces.

import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { ipc, type WorkspaceChanged } from "../lib/ipc";

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

/**
 * What a `workspaceChanged` event means for cached data: another workspace was opened (drop
 * everything, so no number of the old one shows under the new name) or its data changed
 * (refetch what is on screen).
 */
export function applyWorkspaceChange(client: QueryClient, change: WorkspaceChanged): Promise<void> {
  if (change.reason === "opened") return client.resetQueries(notStartup);
  return client.invalidateQueries(notStartup);
}

/** The workspace summary (Overview, and the filter option lists of Work items). */
export const summaryQuery = () =>
  queryOptions({ queryKey: ["summary"], queryFn: ipc.workspaceSummary, staleTime: 30_000 });
