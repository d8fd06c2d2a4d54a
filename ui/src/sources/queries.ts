//! Query options and mutations of the Sources screen: sources, their sync history, and the
//! team and provenance rules.

import { type QueryClient, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { type FileScopeInput, ipc, type ProvenanceRule, type SourceInput, type TeamRule } from "../lib/ipc";

/** How many runs the history shows first, and after "Show more". */
export const HISTORY_PAGE = 20;
export const HISTORY_MORE = 100;

export const sourceQueries = {
  list: () => queryOptions({ queryKey: ["sources", "list"], queryFn: ipc.sourcesList, staleTime: 10_000 }),
  history: (id: string, limit: number) =>
    queryOptions({
      queryKey: ["sources", "history", id, limit],
      queryFn: () => ipc.sourcesHistory(id, limit),
      staleTime: 10_000,
    }),
  /** A file read as it would be imported (nothing saved); asked again when the form changes. */
  filePreview: (scope: FileScopeInput) =>
    queryOptions({
      queryKey: ["sources", "file-preview", scope],
      queryFn: () => ipc.sourcesPreviewFile(scope),
      staleTime: 0,
      retry: false,
    }),
};

export const ruleQueries = {
  list: () => queryOptions({ queryKey: ["rules", "list"], queryFn: ipc.rulesList, staleTime: 30_000 }),
  /** Every team, including teams without items yet (the targets of team rules). */
  teams: () => queryOptions({ queryKey: ["rules", "teams"], queryFn: ipc.teamsList, staleTime: 30_000 }),
};

/**
 * Whether a source is syncing lives in the pollers, not in the workspace: after "sync now" and
 * "cancel" the list is refetched. Everything written (sources, rules, teams, runs) refetches
 * through the `workspaceChanged` event instead (see `workspace/queries.ts`).
 */
function refreshSources(client: QueryClient) {
  return client.invalidateQueries({ queryKey: ["sources"] });
}

export function useAddSource() {
  return useMutation({
    mutationFn: (input: SourceInput) => ipc.sourcesAdd(input),
  });
}

export function useEditSource() {
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: SourceInput }) => ipc.sourcesEdit(id, input),
  });
}

export function useSetEnabled() {
  return useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) => ipc.sourcesSetEnabled(id, enabled),
  });
}

export function useRemoveSource() {
  return useMutation({
    mutationFn: (id: string) => ipc.sourcesRemove(id),
  });
}

export function useSyncNow() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => ipc.sourcesSyncNow(id),
    onSettled: () => refreshSources(client),
  });
}

export function useCancelSync() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => ipc.sourcesCancel(id),
    onSettled: () => refreshSources(client),
  });
}

export function useTestConnection() {
  return useMutation({
    mutationFn: ({ input, id }: { input: SourceInput; id: string | null }) =>
      ipc.sourcesTestConnection(input, id),
  });
}

/** Rules apply from the next sync. */
export function useSaveTeamRule() {
  return useMutation({
    mutationFn: (rule: TeamRule) => ipc.rulesSaveTeamRule(rule),
  });
}

/** Creates a team (for a rule to assign items to). */
export function useCreateTeam() {
  return useMutation({
    mutationFn: (name: string) => ipc.teamsCreate(name),
  });
}

export function useDeleteTeamRule() {
  return useMutation({
    mutationFn: (id: string) => ipc.rulesDeleteTeamRule(id),
  });
}

export function useSaveProvenanceRule() {
  return useMutation({
    mutationFn: (rule: ProvenanceRule) => ipc.rulesSaveProvenanceRule(rule),
  });
}

export function useDeleteProvenanceRule() {
  return useMutation({
    mutationFn: (id: string) => ipc.rulesDeleteProvenanceRule(id),
  });
}
