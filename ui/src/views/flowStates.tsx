//! Loading and empty states shared by the Flow and Bottlenecks pages.

import { useWorkspaceActions } from "../workspace/actions";

const TILES = ["t1", "t2", "t3", "t4", "t5"];

export function FlowSkeleton({ label, tiles = true }: { label: string; tiles?: boolean }) {
  return (
    <>
      <p className="visually-hidden" role="status">
        {label}
      </p>
      <div aria-hidden="true" data-testid="flow-skeleton">
        {tiles ? (
          <div className="kpi-grid flow-tiles">
            {TILES.map((key) => (
              <div key={key} className="kpi card">
                <span className="skeleton skeleton-label" />
                <span className="skeleton skeleton-value" />
                <span className="skeleton" />
              </div>
            ))}
          </div>
        ) : null}
        <div className="chart-grid">
          <div className="card chart-card chart-wide skeleton-card" />
          <div className="card chart-card skeleton-card" />
          <div className="card chart-card skeleton-card" />
        </div>
      </div>
    </>
  );
}

/** A workspace without items: nothing to measure yet. */
export function NoItemsYet() {
  const actions = useWorkspaceActions();
  return (
    <div className="card" data-testid="flow-no-items">
      <div className="state state-empty">
        <p className="state-title">This workspace has no work items yet</p>
        <div className="state-body">
          Flow and bottleneck metrics are computed from the state changes of synced items. Connect GitHub,
          Jira or Linear in <a href="#/sources">Sources</a>, or explore with the demo organisation.
        </div>
        <div className="state-actions">
          <button type="button" className="btn btn-primary" onClick={() => actions.run({ kind: "demo" })}>
            Open the demo workspace
          </button>
        </div>
      </div>
    </div>
  );
}
