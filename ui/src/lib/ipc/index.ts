//! The one boundary between the interface and the Rust side.
//!
//! Only this folder imports `@tauri-apps/*` or the generated bindings. Every function here
//! returns the command's data or throws an `IpcError` (`code` to branch on, `message` to show).

import { getVersion } from "@tauri-apps/api/app";
import { call } from "./error";
import { commands, events } from "./transport";
import type { ItemsQuery, PickPurpose, Theme, WorkspaceChanged } from "./types";

export type { Result } from "./error";
export { call, IpcError, TRANSPORT_ERROR, toIpcError, unwrap } from "./error";
export type * from "./types";

export const ipc = {
  appStartup: () => call(commands.appStartup()),
  workspaceOpen: (path: string) => call(commands.workspaceOpen(path)),
  workspaceCreate: (path: string) => call(commands.workspaceCreate(path)),
  workspaceOpenDemo: () => call(commands.workspaceOpenDemo()),
  workspacePickFile: (purpose: PickPurpose) => call(commands.workspacePickFile(purpose)),
  workspaceRecent: () => call(commands.workspaceRecent()),
  workspaceCurrent: () => call(commands.workspaceCurrent()),
  workspaceSummary: () => call(commands.workspaceSummary()),
  itemsList: (query: ItemsQuery) => call(commands.itemsList(query)),
  itemDetail: (id: string) => call(commands.itemDetail(id)),
  itemOpenInBrowser: (id: string) => call(commands.itemOpenInBrowser(id)),
  settingsGet: () => call(commands.settingsGet()),
  settingsSetTheme: (theme: Theme) => call(commands.settingsSetTheme(theme)),
  /** The app's version (from `tauri.conf.json`), or null outside the app. */
  appVersion: async (): Promise<string | null> => {
    try {
      return await getVersion();
    } catch {
      return null;
    }
  },
};

/** Calls `cb` whenever the workspace changes (opened, or its data was written). */
export function onWorkspaceChanged(cb: (change: WorkspaceChanged) => void): () => void {
  let unlisten: (() => void) | null = null;
  let stopped = false;
  events.workspaceChanged
    .listen((event) => cb(event.payload))
    .then((fn) => {
      if (stopped) fn();
      else unlisten = fn;
    })
    .catch(() => {
      // Outside the app (tests, a plain browser) there is no event bus: nothing to listen to.
    });
  return () => {
    stopped = true;
    unlisten?.();
  };
}
