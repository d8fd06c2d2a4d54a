//! Query options for settings.

import { queryOptions } from "@tanstack/react-query";
import { ipc, type SettingsView } from "../lib/ipc";

export const settingsQueries = {
  all: () => ["settings"] as const,
  view: () => queryOptions({ queryKey: ["settings", "view"], queryFn: ipc.settingsGet, staleTime: 60_000 }),
  /** Recent workspaces come with the settings (most recent first). */
  recent: () =>
    queryOptions({
      queryKey: ["settings", "view"],
      queryFn: ipc.settingsGet,
      staleTime: 60_000,
      select: (settings: SettingsView) => settings.recent,
    }),
};
