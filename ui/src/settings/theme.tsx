//! Applies the theme setting (system, light, dark) to the document and to the charts.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useSyncExternalStore } from "react";
import { ipc, type SettingsView, type Theme } from "../lib/ipc";
import { type ResolvedTheme, ResolvedThemeContext } from "../shared/theme";
import { settingsQueries } from "./queries";

const DARK_QUERY = "(prefers-color-scheme: dark)";

function subscribeSystem(cb: () => void) {
  if (typeof window.matchMedia !== "function") return () => {};
  const mql = window.matchMedia(DARK_QUERY);
  mql.addEventListener("change", cb);
  return () => mql.removeEventListener("change", cb);
}

function systemPrefersDark(): boolean {
  return typeof window.matchMedia === "function" && window.matchMedia(DARK_QUERY).matches;
}

export function resolveTheme(theme: Theme, systemDark: boolean): ResolvedTheme {
  if (theme === "system") return systemDark ? "dark" : "light";
  return theme;
}

const LAST_THEME = "baton.theme";

/** The theme chosen last time, so the first paint does not flash the other one. */
function lastTheme(): Theme {
  try {
    const value = window.localStorage.getItem(LAST_THEME);
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system";
  }
}

/** Provides the resolved theme and keeps `<html data-theme>` in step with it. */
export function ThemeController({ children }: { children: ReactNode }) {
  const settings = useQuery(settingsQueries.view());
  const systemDark = useSyncExternalStore(subscribeSystem, systemPrefersDark, () => false);
  const theme = settings.data?.theme ?? lastTheme();
  const resolved = resolveTheme(theme, systemDark);

  useEffect(() => {
    if (!settings.data) return;
    try {
      window.localStorage.setItem(LAST_THEME, settings.data.theme);
    } catch {
      // Storage can be unavailable; the setting itself is saved by Rust.
    }
  }, [settings.data]);

  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
    document.documentElement.style.colorScheme = resolved;
  }, [resolved]);

  return <ResolvedThemeContext.Provider value={resolved}>{children}</ResolvedThemeContext.Provider>;
}

/** Changes the theme at once and saves it; rolls back if saving fails. */
export function useSetTheme() {
  const client = useQueryClient();
  const key = settingsQueries.view().queryKey;
  return useMutation({
    mutationFn: (theme: Theme) => ipc.settingsSetTheme(theme),
    onMutate: async (theme) => {
      await client.cancelQueries({ queryKey: key });
      const previous = client.getQueryData<SettingsView>(key);
      if (previous) client.setQueryData<SettingsView>(key, { ...previous, theme });
      return { previous };
    },
    onError: (_error, _theme, context) => {
      if (context?.previous) client.setQueryData(key, context.previous);
    },
    onSettled: () => client.invalidateQueries({ queryKey: key }),
  });
}
