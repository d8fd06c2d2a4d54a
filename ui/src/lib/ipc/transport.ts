//! The raw command table, in the shape tauri-specta generates (`Promise<Result<T, IpcError>>`).
//!
//! Stand-in for `ui/src/bindings.ts` until the generated file is committed: same command names
//! (snake_case on the wire, camelCase here) and argument names. Nothing outside `lib/ipc/`
//! imports this file.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { Result } from "./error";
import type {
  IpcErrorPayload,
  ItemDetail,
  ItemsPage,
  ItemsQuery,
  PickPurpose,
  RecentWorkspace,
  SettingsView,
  StartupState,
  Theme,
  WorkspaceChanged,
  WorkspaceInfo,
  WorkspaceSummary,
} from "./types";

async function run<T>(cmd: string, args?: Record<string, unknown>): Promise<Result<T, IpcErrorPayload>> {
  try {
    return { status: "ok", data: await invoke<T>(cmd, args) };
  } catch (e) {
    if (e instanceof Error) throw e;
    return { status: "error", error: e as IpcErrorPayload };
  }
}

export const commands = {
  appStartup: () => run<StartupState>("app_startup"),
  workspaceOpen: (path: string) => run<WorkspaceInfo>("workspace_open", { path }),
  workspaceCreate: (path: string) => run<WorkspaceInfo>("workspace_create", { path }),
  workspaceOpenDemo: () => run<WorkspaceInfo>("workspace_open_demo"),
  workspacePickFile: (purpose: PickPurpose) => run<string | null>("workspace_pick_file", { purpose }),
  workspaceRecent: () => run<RecentWorkspace[]>("workspace_recent"),
  workspaceCurrent: () => run<WorkspaceInfo | null>("workspace_current"),
  workspaceSummary: () => run<WorkspaceSummary>("workspace_summary"),
  itemsList: (query: ItemsQuery) => run<ItemsPage>("items_list", { query }),
  itemDetail: (id: string) => run<ItemDetail>("item_detail", { id }),
  itemOpenInBrowser: (id: string) => run<null>("item_open_in_browser", { id }),
  settingsGet: () => run<SettingsView>("settings_get"),
  settingsSetTheme: (theme: Theme) => run<null>("settings_set_theme", { theme }),
};

export const events = {
  workspaceChanged: {
    listen: (cb: (event: { payload: WorkspaceChanged }) => void): Promise<UnlistenFn> =>
      listen<WorkspaceChanged>("workspace-changed", cb),
  },
};
