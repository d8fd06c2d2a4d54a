//! Overview: where work is stuck and who must act first (the oldest waiting items against their
//! team's expectation, waiting by reason, blocked by other teams, AI work awaiting an independent review,
//! handoffs that never arrived), then the inventory: headline numbers and how the items split by
//! team, state, kind, source and provenance.
//!
//! Triage's counts by reason (what needs a decision) lead the page, above "Where work is stuck".

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { openItems } from "../items/filters";
import { AttentionSection } from "../overview/Attention";
import { Kpis } from "../overview/Kpis";
import { OverviewCharts } from "../overview/OverviewCharts";
import { attentionQuery } from "../overview/queries";
import { TriageLead } from "../overview/TriageLead";
import { useDrawnMark } from "../shared/perf";
import { navigate } from "../shared/route";
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
  const attention = useQuery(attentionQuery());
  // Drawn: the inventory and the "where is work stuck" answer are both on screen.
  const drawn = useMemo(
    () => (summary.data && attention.data ? { summary: summary.data, attention: attention.data } : null),
    [summary.data, attention.data],
  );
  useDrawnMark("overview", drawn);
  return (
    <div className="view">
      <ViewHeader
        title="Overview"
        description="Where work is stuck and who must act, then what the workspace holds. Click any number, bar or segment to list its items."
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
          <TriageLead />
          <AttentionSection />
          <h2 className="section-title overview-inventory-title">What the workspace holds</h2>
          <Kpis
            summary={summary.data}
            onShowItems={() => openItems({})}
            onShowAiPrs={() =>
              openItems({ kinds: ["pull_request"], provenances: ["ai_agent"], unreviewed: true })
            }
            onShowDependencies={() => navigate("dependencies")}
          />
          <OverviewCharts summary={summary.data} attention={attention.data} />
        </>
      )}
    </div>
  );
}
