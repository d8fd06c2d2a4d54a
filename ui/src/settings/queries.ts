//! Query options for settings.

import { queryOptions } from "@tanstack/react-query";
import { ipc } from "../lib/ipc";

export const settingsQueries = {
  all: () => ["settings"] as const,
  view: () => queryOptions({ queryKey: ["settings", "view"], queryFn: ipc.settingsGet, staleTime: 60_000 }),
  version: () =>
    queryOptions({
      queryKey: ["settings", "version"],
      queryFn: ipc.appVersion,
      staleTime: Number.POSITIVE_INFINITY,
    }),
};
