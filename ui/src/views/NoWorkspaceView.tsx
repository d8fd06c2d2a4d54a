//! What the main area shows when no workspace is open.

import { useQuery } from "@tanstack/react-query";
import { settingsQueries } from "../settings/queries";
import { Icon } from "../shared/Icon";
import { useWorkspaceActions } from "../workspace/actions";
import { RecentList } from "../workspace/WorkspaceMenu";

export function NoWorkspaceView() {
  const actions = useWorkspaceActions();
  const recent = useQuery(settingsQueries.recent());
  return (
    <div className="view">
      <section className="card welcome" aria-labelledby="welcome-title" data-testid="no-workspace">
        <h1 id="welcome-title" className="view-title">
          No workspace is open
        </h1>
        <p className="view-description">
          A Baton workspace is one file (<code>.baton</code>) holding the work graph: the items, transitions
          and links pulled from GitHub, Jira and Linear. Open one, create an empty one, or explore the demo
          workspace.
        </p>
        <div className="button-row">
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => actions.run({ kind: "pick-open" })}
          >
            <Icon name="folder" /> Open workspace…
          </button>
          <button type="button" className="btn" onClick={() => actions.run({ kind: "pick-create" })}>
            <Icon name="plus" /> New workspace…
          </button>
          <button type="button" className="btn" onClick={() => actions.run({ kind: "demo" })}>
            <Icon name="sparkle" /> Open the demo workspace
          </button>
        </div>
        <h2 className="section-title">Recent workspaces</h2>
        {recent.data ? <RecentList recent={recent.data} currentPath={null} /> : null}
        {recent.isError ? (
          <p className="error-text small">Could not list recent workspaces: {recent.error.message}</p>
        ) : null}
      </section>
    </div>
  );
}
