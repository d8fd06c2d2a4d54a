//! Overview: the workspace's headline numbers and how its items split by team, state, kind,
//! source and provenance.

import { useQuery } from "@tanstack/react-query";
import { openItems } from "../items/filters";
import { Kpis } from "../overview/Kpis";
import { OverviewCharts } from "../overview/OverviewCharts";
import { ErrorState } from "../shared/states";
import { summaryQuery } from "../workspace/queries";
import { ViewHeader } from "./ViewHeader";

const SKELETON_TILES = ["k1", "k2", "k3", "k4", "k5", "k6", "k7"];

function OverviewSkeleton() {
  return (
    <div aria-hidden="true">
      <div className="kpi-grid">
        {SKELETON_TILES.map((key) => (
          <div key={key} className="kpi card">
            <span className="skeleton skeleton-label" />
            <span className="skeleton skeleton-value" />
            <span className="skeleton" />
          </div>
        ))}
      </div>
      <div className="chart-grid">
        <div className="card chart-card chart-wide skeleton-card" />
        <div className="card chart-card skeleton-card" />
        <div className="card chart-card skeleton-card" />
      </div>
    </div>
  );
}

export function OverviewView() {
  const summary = useQuery(summaryQuery());
  return (
    <div className="view">
      <ViewHeader
        title="Overview"
        description="What the workspace's work graph holds, by team, state, kind, source and provenance. Click any bar or segment to list its items."
      />
      {summary.isPending ? (
        <>
          <p className="visually-hidden" role="status">
            Loading the workspace summary…
          </p>
          <OverviewSkeleton />
        </>
      ) : summary.isError ? (
        <ErrorState
          title="Could not load the workspace summary"
          error={summary.error}
          onRetry={() => summary.refetch()}
        />
      ) : (
        <>
          <Kpis
            summary={summary.data}
            onShowItems={() => openItems({})}
            onShowAiPrs={() =>
              openItems({ kinds: ["pull_request"], provenances: ["ai_agent"], unreviewed: true })
            }
          />
          <OverviewCharts summary={summary.data} />
        </>
      )}
    </div>
  );
}
