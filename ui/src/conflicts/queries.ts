//! Query options for people's conflict rules (owner → team rules, sensitive paths). They live
//! under the "rules" domain: a `rules` change refetches them (and the conflicts they decide).

import { queryOptions } from "@tanstack/react-query";
import { ipc } from "../lib/ipc";

export const conflictQueries = {
  rules: () =>
    queryOptions({
      queryKey: ["rules", "conflicts"] as const,
      queryFn: ipc.conflictsRules,
      staleTime: 60_000,
    }),
};
