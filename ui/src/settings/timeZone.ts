//! The time zone calendar days are counted in: this computer's, or an IANA zone chosen in
//! Settings. The zone's offset is formatted here; the days themselves are counted by Rust.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ipc, type SettingsView } from "../lib/ipc";
import { settingsQueries } from "./queries";

/** This computer's IANA zone (`Europe/Berlin`), or null when the web view does not say. */
export function computerTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

/** Every IANA zone the web view knows, for the picker (a few common ones when it lists none). */
export function knownTimeZones(): string[] {
  const withList = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    const list = withList.supportedValuesOf?.("timeZone");
    if (list && list.length > 0) return list.includes("UTC") ? list : ["UTC", ...list];
  } catch {
    // Fall through to the short list.
  }
  return [
    "UTC",
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
  ];
}

/** Minutes east of UTC of `zone` at `at` (UTC+2 is 120), or null for a zone the web view lacks. */
export function zoneOffsetMinutes(zone: string, at: Date = new Date()): number | null {
  try {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    }).formatToParts(at);
    const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? Number.NaN);
    const local = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
    const whole = Math.floor(at.getTime() / 1000) * 1000;
    const minutes = Math.round((local - whole) / 60_000);
    return Number.isFinite(minutes) ? minutes || 0 : null;
  } catch {
    return null;
  }
}

/** The chosen zone (null: this computer's). */
export function useChosenTimeZone(): string | null {
  return useQuery(settingsQueries.view()).data?.timeZone ?? null;
}

/** Saves the chosen zone at once; rolls back if saving fails. */
export function useSetTimeZone() {
  const client = useQueryClient();
  const key = settingsQueries.view().queryKey;
  return useMutation({
    mutationFn: (zone: string | null) => ipc.settingsSetTimeZone(zone),
    onMutate: async (zone) => {
      await client.cancelQueries({ queryKey: key });
      const previous = client.getQueryData<SettingsView>(key);
      if (previous) client.setQueryData<SettingsView>(key, { ...previous, timeZone: zone });
      return { previous };
    },
    onError: (_error, _zone, context) => {
      if (context?.previous) client.setQueryData(key, context.previous);
    },
  });
}
