//! Opening, creating and switching workspaces, shared by the header menu, the startup screen and
//! the settings view, with one place that reports what went wrong.

import { type QueryClient, useMutation, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useMemo } from "react";
import { type IpcError, ipc, toIpcError, type WorkspaceInfo } from "../lib/ipc";
import { navigate } from "../shared/route";
import { forgetWorkspaceData, workspaceQueries } from "./queries";

export type WorkspaceRequest =
  | { kind: "pick-open" }
  | { kind: "pick-create" }
  | { kind: "path"; path: string }
  | { kind: "demo" };

type Failure = { request: WorkspaceRequest; error: IpcError };

type WorkspaceActions = {
  run: (request: WorkspaceRequest) => void;
  pending: WorkspaceRequest | null;
  failure: Failure | null;
  dismissFailure: () => void;
};

const Context = createContext<WorkspaceActions | null>(null);

async function perform(request: WorkspaceRequest): Promise<WorkspaceInfo | null> {
  switch (request.kind) {
    case "demo":
      return ipc.workspaceOpenDemo();
    case "path":
      return ipc.workspaceOpen(request.path);
    case "pick-open": {
      const path = await ipc.workspacePickFile("open");
      return path ? ipc.workspaceOpen(path) : null;
    }
    case "pick-create": {
      const path = await ipc.workspacePickFile("create");
      return path ? ipc.workspaceCreate(path) : null;
    }
  }
}

export function failureTitle(request: WorkspaceRequest): string {
  switch (request.kind) {
    case "demo":
      return "Could not open the demo workspace";
    case "pick-create":
      return "Could not create the workspace";
    case "path":
      return `Could not open ${request.path}`;
    case "pick-open":
      return "Could not open the workspace";
  }
}

/** Shows another workspace: no number of the previous one stays in the cache. */
export async function showWorkspace(client: QueryClient, info: WorkspaceInfo): Promise<void> {
  await forgetWorkspaceData(client);
  client.setQueryData(workspaceQueries.current().queryKey, info);
}

export function WorkspaceActionsProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: perform,
    onSuccess: async (info) => {
      if (!info) return; // The file dialog was cancelled.
      await showWorkspace(client, info);
      navigate("overview");
    },
  });
  const value = useMemo<WorkspaceActions>(
    () => ({
      run: (request) => mutation.mutate(request),
      pending: mutation.isPending ? (mutation.variables ?? null) : null,
      failure:
        mutation.isError && mutation.variables
          ? { request: mutation.variables, error: toIpcError(mutation.error) }
          : null,
      dismissFailure: () => mutation.reset(),
    }),
    [mutation],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useWorkspaceActions(): WorkspaceActions {
  const value = useContext(Context);
  if (!value) throw new Error("useWorkspaceActions needs a WorkspaceActionsProvider");
  return value;
}
