//! The header's workspace switcher: the open workspace's name, and Open…, New…, Open demo and
//! the recent workspaces, as a menu (shared/Menu, on Radix UI: arrows, typing, Escape).

import { useQuery } from "@tanstack/react-query";
import type { RecentWorkspace, WorkspaceInfo } from "../lib/ipc";
import { settingsQueries } from "../settings/queries";
import { formatRelative } from "../shared/format";
import { Icon } from "../shared/Icon";
import { Menu, type MenuAction } from "../shared/Menu";
import { useWorkspaceActions } from "./actions";

/** What a recent workspace's entry says: its name, whether it is open or gone, where, when. */
function RecentEntry({ recent, current }: { recent: RecentWorkspace; current: boolean }) {
  return (
    <>
      <span className="recent-name">
        <span>{recent.name}</span>
        {current ? <span className="tag">open</span> : null}
        {recent.exists ? null : <span className="tag tag-warning">missing</span>}
      </span>
      <span className="recent-path">
        <span>{recent.path}</span>
      </span>
      <span className="recent-when">opened {formatRelative(recent.openedAt)}</span>
    </>
  );
}

function recentTitle(r: RecentWorkspace): string {
  return r.exists ? r.path : `${r.path} no longer exists`;
}

/** The recent workspaces as a list of buttons, for pages (the menu has its own entries). */
export function RecentList({
  recent,
  currentPath,
}: {
  recent: RecentWorkspace[];
  currentPath: string | null;
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
              className="menu-item recent-item"
              disabled={!r.exists || current}
              title={recentTitle(r)}
              onClick={() => actions.run({ kind: "path", path: r.path })}
            >
              <RecentEntry recent={r} current={current} />
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function WorkspaceMenu({ workspace }: { workspace: WorkspaceInfo | null }) {
  const actions = useWorkspaceActions();
  const recent = useQuery(settingsQueries.recent());
  const busy = actions.pending !== null;
  const currentPath = workspace?.path ?? null;

  const recentActions: MenuAction[] = (recent.data ?? []).map((r) => ({
    key: r.path,
    className: "recent-item",
    disabled: !r.exists || r.path === currentPath,
    title: recentTitle(r),
    label: <RecentEntry recent={r} current={r.path === currentPath} />,
    onSelect: () => actions.run({ kind: "path", path: r.path }),
  }));
  const recentNote = recent.isPending ? (
    "Loading recent workspaces…"
  ) : recent.isError ? (
    <span className="error-text">Could not list recent workspaces: {recent.error.message}</span>
  ) : recentActions.length === 0 ? (
    "No recent workspaces yet."
  ) : null;

  return (
    <Menu
      testId="workspace-menu"
      triggerClassName="workspace-trigger"
      triggerLabel={`Workspace: ${workspace?.name ?? "none open"}. Open the workspace menu`}
      label="Workspace"
      align="start"
      contentClassName="workspace-menu"
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
      sections={[
        {
          actions: [
            {
              label: (
                <>
                  <Icon name="folder" /> Open workspace…
                </>
              ),
              onSelect: () => actions.run({ kind: "pick-open" }),
            },
            {
              label: (
                <>
                  <Icon name="plus" /> New workspace…
                </>
              ),
              onSelect: () => actions.run({ kind: "pick-create" }),
            },
            {
              label: (
                <>
                  <Icon name="sparkle" /> Open the demo workspace
                </>
              ),
              onSelect: () => actions.run({ kind: "demo" }),
            },
          ],
        },
        { heading: "Recent", note: recentNote, actions: recentActions },
      ]}
    />
  );
}
