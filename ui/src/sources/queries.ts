//! Query options and mutations of the Sources screen: sources, their sync history, and the
//! team and provenance rules.

import { type QueryClient, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { ipc, type ProvenanceRule, type SourceInput, type TeamRule } from "../lib/ipc";

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
};

export const ruleQueries = {
  list: () => queryOptions({ queryKey: ["rules", "list"], queryFn: ipc.rulesList, staleTime: 30_000 }),
  /** Every team, including teams without items yet (the targets of team rules). */
  teams: () => queryOptions({ queryKey: ["rules", "teams"], queryFn: ipc.teamsList, staleTime: 30_000 }),
};

function refreshSources(client: QueryClient) {
  return client.invalidateQueries({ queryKey: ["sources"] });
}

/** Adding or removing a source changes what every view shows. */
function refreshEverything(client: QueryClient) {
  return client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "startup" });
}

export function useAddSource() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: SourceInput) => ipc.sourcesAdd(input),
    onSuccess: () => refreshEverything(client),
  });
}

export function useEditSource() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: SourceInput }) => ipc.sourcesEdit(id, input),
    onSuccess: () => refreshSources(client),
  });
}

export function useSetEnabled() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) => ipc.sourcesSetEnabled(id, enabled),
    onSuccess: () => refreshSources(client),
  });
}

export function useRemoveSource() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => ipc.sourcesRemove(id),
    onSuccess: () => refreshEverything(client),
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

/** Rules apply from the next sync; the lists are refetched after each change. */
export function useSaveTeamRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (rule: TeamRule) => ipc.rulesSaveTeamRule(rule),
    onSuccess: () => client.invalidateQueries({ queryKey: ["rules"] }),
  });
}

/** Creates a team (for a rule to assign items to); every view that lists teams refetches. */
export function useCreateTeam() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => ipc.teamsCreate(name),
    onSuccess: () => refreshEverything(client),
  });
}

export function useDeleteTeamRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => ipc.rulesDeleteTeamRule(id),
    onSuccess: () => client.invalidateQueries({ queryKey: ["rules"] }),
  });
}

export function useSaveProvenanceRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (rule: ProvenanceRule) => ipc.rulesSaveProvenanceRule(rule),
    onSuccess: () => client.invalidateQueries({ queryKey: ["rules"] }),
  });
}

export function useDeleteProvenanceRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => ipc.rulesDeleteProvenanceRule(id),
    onSuccess: () => client.invalidateQueries({ queryKey: ["rules"] }),
  });
}
