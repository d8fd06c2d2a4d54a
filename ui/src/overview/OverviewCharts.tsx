//! The Overview's charts. Clicking a bar or a segment opens Work items filtered to it.

import { useMemo } from "react";
import { openItems } from "../items/filters";
import type { Attention, Count, FlowState, ItemKind, Provenance, WorkspaceSummary } from "../lib/ipc";
import { formatCount } from "../shared/format";
import { BarChart, DonutChart } from "../shared/SimpleCharts";
import { chartPalette, useResolvedTheme } from "../shared/theme";
import { FLOW_STATES, flowStateColor, ITEM_KINDS, PROVENANCES } from "../workgraph/vocabulary";
import { ChartCard } from "./ChartCard";
import {
  barChartHeight,
  countTooltip,
  describeCounts,
  share,
  sliceTooltip,
  teamStatesSeries,
  teamTooltip,
} from "./chartData";

const EMPTY_TEXT = (
  <>
    This workspace has no items yet. Connect a source in <a href="#/sources">Sources</a>, or open the demo
    workspace from the workspace menu to explore Baton.
  </>
);

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

function teamSubtitle(summary: WorkspaceSummary): string {
  const teams = summary.teamStates.filter((t) => t.teamId !== "").length;
  const noTeam = summary.teamStates.some((t) => t.teamId === "");
  return `${formatCount(teams)} ${teams === 1 ? "team" : "teams"}${noTeam ? " and the items with no team" : ""}, each bar split by current flow state. Click a segment to list those items.`;
}

/**
 * The Overview's Waiting + Active against the Flow page's work in progress: the same figure or,
 * when they differ, why (Rust counts both and each reason; the UI only words them).
 */
export function WipNote({ summary, attention }: { summary: WorkspaceSummary; attention: Attention }) {
  const count = (key: string) => summary.byFlowState.find((c) => c.key === key)?.count ?? 0;
  const waitingActive = count("waiting") + count("active");
  const reasons: string[] = [];
  if (attention.notStarted > 0)
    reasons.push(
      `${formatCount(attention.notStarted)} waiting or active ${attention.notStarted === 1 ? "item has" : "items have"} not started their cycle yet (queued before any work), so Flow leaves ${attention.notStarted === 1 ? "it" : "them"} out`,
    );
  if (attention.startedBackInNew > 0)
    reasons.push(
      `${formatCount(attention.startedBackInNew)} started ${attention.startedBackInNew === 1 ? "item is" : "items are"} back in New, unfinished, so Flow still counts ${attention.startedBackInNew === 1 ? "it" : "them"}`,
    );
  return (
    <span className="wip-note" data-testid="overview-wip-note" data-value={attention.flowWip}>
      Waiting + Active: <strong data-testid="overview-waiting-active">{formatCount(waitingActive)}</strong>.
      The Flow page's work in progress now: <strong>{formatCount(attention.flowWip)}</strong>
      {attention.flowWip === waitingActive
        ? " (the same items)."
        : reasons.length
          ? `: ${reasons.join("; ")}.`
          : "."}
    </span>
  );
}

export function OverviewCharts({ summary, attention }: { summary: WorkspaceSummary; attention?: Attention }) {
  const theme = useResolvedTheme();
  const palette = chartPalette(theme);
  const empty = summary.totals.items === 0;

  const provenanceColor = (key: string): string =>
    (key === "ai_agent" ? palette.series[6] : key === "automation" ? palette.series[4] : palette.series[0]) ??
    palette.muted;
  const teamSeries = useMemo(() => teamStatesSeries(summary.teamStates, theme), [summary, theme]);
  const teamNames = useMemo(() => summary.teamStates.map((t) => t.teamName), [summary]);
  const slices = (counts: Count[], color: (c: Count) => string) =>
    counts.map((c) => ({ label: c.label, value: c.count, color: color(c) }));
  const sliceShare = (counts: Count[]) => {
    const all = counts.reduce((a, c) => a + c.count, 0);
    return (s: { value: number }) => `${formatCount(s.value)} (${share(s.value, all)})`;
  };
  const countBars = (
    counts: Count[],
    axisName: string,
    seriesName: string,
    color: string,
    testId: string,
    label: string,
    open: (c: Count) => void,
  ) => (
    <BarChart
      categories={counts.map((c) => c.label)}
      series={[{ name: seriesName, color, values: counts.map((c) => c.count) }]}
      categoryName={axisName}
      valueName="Items (count)"
      valueLabels
      legend={[{ name: seriesName, color }]}
      trigger="segment"
      tooltip={(i) => countTooltip(counts, i)}
      height={barChartHeight(counts.length)}
      label={label}
      palette={palette}
      onClick={({ dataIndex }) => {
        const c = counts[dataIndex];
        if (c) open(c);
      }}
      testId={testId}
    />
  );

  const total = summary.totals.items;

  return (
    <div className="chart-grid">
      <ChartCard
        wide
        testId="chart-by-team"
        title="Items by team"
        subtitle={teamSubtitle(summary)}
        metricId="summary-by-team"
        empty={empty || summary.teamStates.length === 0}
        emptyText={EMPTY_TEXT}
        chart={() => (
          <BarChart
            categories={teamNames}
            series={teamSeries}
            categoryName="Team"
            valueName="Items (count)"
            legend={teamSeries}
            trigger="row"
            tooltip={(i, _s, hidden) => teamTooltip(summary.teamStates, teamSeries, i, hidden)}
            height={barChartHeight(summary.teamStates.length)}
            label={describeCounts(
              "Items by team",
              summary.byTeam.map((c) => ({ label: c.label, count: c.count })),
            )}
            palette={palette}
            onClick={({ seriesIndex, dataIndex }) => {
              const team = summary.teamStates[dataIndex];
              const state = FLOW_STATES[seriesIndex];
              if (team && state) openItems({ teams: [team.teamId], states: [state] });
            }}
            testId="chart-by-team-chart"
          />
        )}
      />
      <ChartCard
        testId="chart-by-flow-state"
        title="Items by flow state"
        subtitle={
          <>
            Where all {formatCount(total)} items are now. Click a segment to list them.
            {attention ? (
              <>
                {" "}
                <WipNote summary={summary} attention={attention} />
              </>
            ) : null}
          </>
        }
        metricId="summary-by-flow-state"
        empty={empty}
        emptyText={EMPTY_TEXT}
        chart={() => (
          <DonutChart
            slices={slices(summary.byFlowState, (c) =>
              isOneOf(FLOW_STATES, c.key) ? flowStateColor(c.key, theme) : palette.muted,
            )}
            legendSuffix={sliceShare(summary.byFlowState)}
            tooltip={(i) => sliceTooltip(summary.byFlowState, i)}
            height={240}
            label={describeCounts("Items by flow state", summary.byFlowState)}
            palette={palette}
            onClick={({ dataIndex }) => {
              const key = summary.byFlowState[dataIndex]?.key;
              if (key && isOneOf<FlowState>(FLOW_STATES, key)) openItems({ states: [key] });
            }}
            testId="chart-by-flow-state-chart"
          />
        )}
      />
      <ChartCard
        testId="chart-by-provenance"
        title="Items by provenance"
        subtitle="Who made the items: people, AI coding agents or other automation. Click a segment to list them."
        metricId="summary-by-provenance"
        empty={empty}
        emptyText={EMPTY_TEXT}
        chart={() => (
          <DonutChart
            slices={slices(summary.byProvenance, (c) => provenanceColor(c.key))}
            legendSuffix={sliceShare(summary.byProvenance)}
            tooltip={(i) => sliceTooltip(summary.byProvenance, i)}
            height={240}
            label={describeCounts("Items by provenance", summary.byProvenance)}
            palette={palette}
            onClick={({ dataIndex }) => {
              const key = summary.byProvenance[dataIndex]?.key;
              if (key && isOneOf<Provenance>(PROVENANCES, key)) openItems({ provenances: [key] });
            }}
            testId="chart-by-provenance-chart"
          />
        )}
      />
      <ChartCard
        testId="chart-by-kind"
        title="Items by kind"
        subtitle="Features, defects, risks, debt, tasks and pull requests. Click a bar to list them."
        metricId="summary-by-kind"
        empty={empty || summary.byKind.length === 0}
        emptyText={EMPTY_TEXT}
        chart={() =>
          countBars(
            summary.byKind,
            "Kind",
            "Items by kind",
            palette.series[0] ?? "#4f5bd5",
            "chart-by-kind-chart",
            describeCounts("Items by kind", summary.byKind),
            (c) => {
              if (isOneOf<ItemKind>(ITEM_KINDS, c.key)) openItems({ kinds: [c.key] });
            },
          )
        }
      />
      <ChartCard
        testId="chart-by-source"
        title="Items by source"
        subtitle="The GitHub organisations, Jira sites and Linear workspaces items were synced from. Click a bar to list them."
        metricId="summary-by-source"
        empty={empty || summary.bySource.length === 0}
        emptyText={EMPTY_TEXT}
        chart={() =>
          countBars(
            summary.bySource,
            "Source",
            "Items by source",
            palette.series[1] ?? "#0f9488",
            "chart-by-source-chart",
            describeCounts("Items by source", summary.bySource),
            (c) => openItems({ sources: [c.key] }),
          )
        }
      />
    </div>
  );
}
