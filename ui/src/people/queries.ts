//! Query options and mutations of Settings → People: one person across sources.

import { queryOptions, useMutation } from "@tanstack/react-query";
import { ipc } from "../lib/ipc";

export const peopleQueries = {
  list: () => queryOptions({ queryKey: ["people", "list"], queryFn: ipc.peopleList, staleTime: 30_000 }),
};

/** Merges and splits refetch through the `workspaceChanged` event (kind `people`). */
export function useMergePeople() {
  return useMutation({
    mutationFn: ({ keep, other }: { keep: string; other: string }) => ipc.peopleMerge(keep, other),
  });
}

export function useSplitPerson() {
  return useMutation({ mutationFn: (person: string) => ipc.peopleSplit(person) });
}
