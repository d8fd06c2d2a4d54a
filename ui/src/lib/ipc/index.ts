//! The one boundary between the interface and the Rust side.
//!
//! Only this folder imports `@tauri-apps/*` or the generated bindings. Every function here
//! returns the command's data or throws an `IpcError` (`code` to branch on, `message` to show).

import { commands, events } from "../../bindings";
import { call } from "./error";
import type {
  BottleneckReport,
  CriticalPath,
  DepsFilter,
  DepsReport,
  FlowFilter,
  FlowItems,
  FlowReport,
  FlowSelection,
  GraphRequest,
  GraphView,
  IntentInfo,
  ItemDetail,
  ItemsPage,
  ItemsQuery,
  PickPurpose,
  StartupState,
  Target,
  Theme,
  WorkflowChange,
  WorkflowRow,
  WorkspaceChanged,
  WorkspaceSummary,
} from "./types";

export type { Result } from "./error";
export { call, IpcError, TRANSPORT_ERROR, toIpcError, unwrap } from "./error";
export type * from "./types";

export const ipc = {
  appStartup: (): Promise<StartupState> => call(commands.appStartup()),
  workspaceOpen: (path: string) => call(commands.workspaceOpen(path)),
  workspaceCreate: (path: string) => call(commands.workspaceCreate(path)),
  workspaceOpenDemo: () => call(commands.workspaceOpenDemo()),
  workspacePickFile: (purpose: PickPurpose) => call(commands.workspacePickFile(purpose)),
  workspaceCurrent: () => call(commands.workspaceCurrent()),
  workspaceSummary: (): Promise<WorkspaceSummary> => call(commands.workspaceSummary()),
  itemsList: (query: ItemsQuery): Promise<ItemsPage> => call(commands.itemsList(query)),
  itemDetail: (id: string): Promise<ItemDetail> => call(commands.itemDetail(id)),
  itemOpenInBrowser: (id: string) => call(commands.itemOpenInBrowser(id)),
  settingsGet: () => call(commands.settingsGet()),
  settingsSetTheme: (theme: Theme) => call(commands.settingsSetTheme(theme)),
  flowReport: (filter: FlowFilter): Promise<FlowReport> => call(commands.flowReport(filter)),
  flowBottlenecks: (filter: FlowFilter): Promise<BottleneckReport> => call(commands.flowBottlenecks(filter)),
  flowItems: (filter: FlowFilter, selection: FlowSelection): Promise<FlowItems> =>
    call(commands.flowItems(filter, selection)),
  flowFilterGet: (): Promise<FlowFilter> => call(commands.flowFilterGet()),
  flowFilterSet: (filter: FlowFilter) => call(commands.flowFilterSet(filter)),
  workflowList: (): Promise<WorkflowRow[]> => call(commands.workflowList()),
  workflowSet: (change: WorkflowChange) => call(commands.workflowSet(change)),
  intentsList: (): Promise<IntentInfo[]> => call(commands.intentsList()),
  depsReport: (filter: DepsFilter): Promise<DepsReport> => call(commands.depsReport(filter)),
  depsGraph: (request: GraphRequest): Promise<GraphView> => call(commands.depsGraph(request)),
  depsCriticalPath: (target: Target): Promise<CriticalPath> => call(commands.depsCriticalPath(target)),
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
    try {
      unlisten?.();
    } catch {
      // The event bus is already gone (window closing, tests tearing down): nothing to undo.
    }
  };
}
