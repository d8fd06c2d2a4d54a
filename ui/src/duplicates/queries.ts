//! Query options of the Duplicates page. Their keys start with "triage", which item, team,
//! source, intent, workflow and decision changes make stale (`workspace/queries.ts`): a synced
//! page, a confirmation or a dismissal refetches the pairs.

import { queryOptions } from "@tanstack/react-query";
import { type DuplicatesQuery, ipc } from "../lib/ipc";

export const duplicateQueries = {
  report: (query: DuplicatesQuery) =>
    queryOptions({
      queryKey: ["triage", "duplicates", query.team ?? "", query.limit],
      queryFn: () => ipc.duplicatesReport(query),
      staleTime: 30_000,
    }),
};
