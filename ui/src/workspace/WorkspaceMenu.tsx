//! The header's workspace switcher: the open workspace's name, and Open…, New…, Open demo and
//! the recent workspaces.

import { useQuery } from "@tanstack/react-query";
import type { KeyboardEvent } from "react";
import type { RecentWorkspace, WorkspaceInfo } from "../lib/ipc";
import { settingsQueries } from "../settings/queries";
import { formatRelative } from "../shared/format";
import { Icon } from "../shared/Icon";
import { Popover } from "../shared/Popover";
import { useWorkspaceActions } from "./actions";

export function RecentList({
  recent,
  currentPath,
  onPick,
}: {
  recent: RecentWorkspace[];
  currentPath: string | null;
  onPick?: () => void;
}) {
  const actions = useWorkspaceActions();
  if (recent.length === 0) return <p className="muted small menu-note">No recent workspaces yet.</p>;
  return (
    <ul className="recent-list">
      {recent.map((r) => {
        const current = r.path === currentPath;
        return (
          <li key={r.path}>
            <button
              type="button"
              role="menuitem"
              className="menu-item recent-item"
              disabled={!r.exists || current}
              title={r.exists ? r.path : `${r.path} no longer exists`}
              onClick={() => {
                onPick?.();
                actions.run({ kind: "path", path: r.path });
              }}
            >
              <span className="recent-name">
                <span>{r.name}</span>
                {current ? <span className="tag">open</span> : null}
                {r.exists ? null : <span className="tag tag-warning">missing</span>}
              </span>
              <span className="recent-path">
                <span>{r.path}</span>
              </span>
              <span className="recent-when">opened {formatRelative(r.openedAt)}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** Focuses the first entry when the menu opens. */
function focusFirst(menu: HTMLDivElement | null) {
  menu?.querySelector<HTMLButtonElement>("button:not(:disabled)")?.focus();
}

/** Up and down arrows move between the entries, as in any menu. */
function moveFocus(event: KeyboardEvent<HTMLDivElement>) {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  event.preventDefault();
  const entries = [...event.currentTarget.querySelectorAll<HTMLButtonElement>("button:not(:disabled)")];
  const at = entries.indexOf(document.activeElement as HTMLButtonElement);
  const next =
    event.key === "ArrowDown" ? (at + 1) % entries.length : (at - 1 + entries.length) % entries.length;
  entries[next]?.focus();
}

export function WorkspaceMenu({ workspace }: { workspace: WorkspaceInfo | null }) {
  const actions = useWorkspaceActions();
  const recent = useQuery(settingsQueries.recent());
  const busy = actions.pending !== null;

  return (
    <Popover
      testId="workspace-menu"
      triggerClassName="workspace-trigger"
      triggerLabel={`Workspace: ${workspace?.name ?? "none open"}. Open the workspace menu`}
      align="start"
      panelClassName="workspace-menu"
      trigger={
        <>
          <Icon name="folder" />
          <span className="workspace-name" title={workspace?.path}>
            <span data-testid="workspace-name">{workspace?.name ?? "No workspace"}</span>
          </span>
          {workspace?.isDemo ? (
            <span className="tag tag-demo" title="Generated demonstration data, not from a real source">
              demo
            </span>
          ) : null}
          {busy ? <span className="spinner spinner-small" role="status" aria-label="Opening…" /> : null}
          <Icon name="chevron-down" size={14} />
        </>
      }
    >
      {(close) => (
        <div role="menu" aria-label="Workspace" tabIndex={-1} ref={focusFirst} onKeyDown={moveFocus}>
          <div className="menu-section">
            <button
              type="button"
              role="menuitem"
              className="menu-item"
              onClick={() => {
                close();
                actions.run({ kind: "pick-open" });
              }}
            >
              <Icon name="folder" /> Open workspace…
            </button>
            <button
              type="button"
              role="menuitem"
              className="menu-item"
              onClick={() => {
                close();
                actions.run({ kind: "pick-create" });
              }}
            >
              <Icon name="plus" /> New workspace…
            </button>
            <button
              type="button"
              role="menuitem"
              className="menu-item"
              onClick={() => {
                close();
                actions.run({ kind: "demo" });
              }}
            >
              <Icon name="sparkle" /> Open the demo workspace
            </button>
          </div>
          <div className="menu-section">
            <p className="menu-heading">Recent</p>
            {recent.isPending ? <p className="muted small menu-note">Loading recent workspaces…</p> : null}
            {recent.isError ? (
              <p className="small menu-note error-text">
                Could not list recent workspaces: {recent.error.message}
              </p>
            ) : null}
            {recent.data ? (
              <RecentList recent={recent.data} currentPath={workspace?.path ?? null} onPick={close} />
            ) : null}
          </div>
        </div>
      )}
    </Popover>
  );
}
