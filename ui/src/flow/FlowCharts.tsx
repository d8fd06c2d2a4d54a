//! The Flow page's charts and tables. Options are built once per report and theme; a click
//! becomes the selection whose items Rust lists.

import { memo, useMemo } from "react";
import type { FlowFilter, FlowReport, FlowSelection } from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { formatCount, formatDay, formatDays, formatDecimal, formatPercent } from "../shared/format";
import { chartPalette, useResolvedTheme } from "../shared/theme";
import { ChartPanel, type EmptySpec } from "./ChartPanel";
import {
  agingRows,
  cfdRows,
  distributionRows,
  efficiencyRows,
  littlesLawRows,
  percentileRows,
  scatterRows,
  throughputRows,
  wipRows,
} from "./csvData";
import { explainLittlesLaw } from "./littlesLaw";
import {
  agingLayout,
  cfdOption,
  describeRange,
  distributionOption,
  efficiencyOption,
  scatterOption,
  throughputOption,
  wipOption,
} from "./options";
import {
  agingStageSelection,
  cfdSelection,
  describeSelection,
  distributionSelection,
  efficiencySelection,
  throughputSelection,
  wipSelection,
} from "./selections";

export type OpenDrill = (selection: FlowSelection, title: string, filter?: FlowFilter) => void;

function between(report: FlowReport): string {
  return `between ${formatDay(report.range.from)} and ${formatDay(report.range.to)}`;
}

function empty(when: boolean, title: string, body: string): EmptySpec | null {
  return when ? { title, body } : null;
}

const PercentileTable = memo(function PercentileTable({
  report,
  filter,
  onDrill,
}: {
  report: FlowReport;
  filter: FlowFilter;
  onDrill: OpenDrill;
}) {
  const rows = [
    { teamId: null as string | null, teamName: "All teams", cycleTime: report.cycleTime },
    ...report.cycleTimeByTeam,
  ];
  return (
    <table className="data-table" data-testid="flow-percentiles-table">
      <thead>
        <tr>
          <th scope="col">Team</th>
          <th scope="col" className="num">
            Finished
          </th>
          <th scope="col" className="num">
            50% (days)
          </th>
          <th scope="col" className="num">
            85% (days)
          </th>
          <th scope="col" className="num">
            95% (days)
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.teamId ?? "all"} className={row.teamId === null ? "row-total" : undefined}>
            <th scope="row">
              <button
                type="button"
                className="link-btn"
                title="List the items this row counts"
                onClick={() =>
                  row.teamId === null
                    ? onDrill({ type: "finished" }, "Items finished in the range")
                    : onDrill({ type: "finished" }, describeSelection({ type: "finished" }, row.teamName), {
                        ...filter,
                        teams: [row.teamId],
                      })
                }
              >
                {row.teamName}
              </button>
            </th>
            <td className="num">{formatCount(row.cycleTime.count)}</td>
            <td className="num">{formatDays(row.cycleTime.p50, false)}</td>
            <td className="num strong">{formatDays(row.cycleTime.p85, false)}</td>
            <td className="num">{formatDays(row.cycleTime.p95, false)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
});

function LittlesLaw({ report }: { report: FlowReport }) {
  const l = report.littlesLaw;
  const gap = explainLittlesLaw(report);
  return (
    <>
      <dl className="littles-law" data-testid="flow-littles-law-sides">
        <div>
          <dt>Average work in progress</dt>
          <dd data-value={l.averageWip ?? undefined}>
            {l.averageWip === null ? "—" : formatDecimal(l.averageWip)} <span className="muted">items</span>
          </dd>
        </div>
        <div>
          <dt>Throughput × average cycle time</dt>
          <dd data-value={l.predictedWip ?? undefined}>
            {l.predictedWip === null ? "—" : formatDecimal(l.predictedWip)}{" "}
            <span className="muted">items</span>
            <span className="littles-law-terms muted">
              {l.throughputPerDay === null ? "—" : formatDecimal(l.throughputPerDay)} a day ×{" "}
              {formatDays(l.averageCycleDays)}
            </span>
          </dd>
        </div>
      </dl>
      {gap.headline ? (
        <div
          className="littles-law-gap"
          data-testid="flow-littles-law-gap"
          data-gap={l.gap ?? undefined}
          data-large={l.largeGap}
        >
          <p className={l.largeGap ? "strong" : "muted"}>{gap.headline}</p>
          {gap.reasons.length > 0 ? (
            <ul data-testid="flow-littles-law-reasons">
              {gap.reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

export const FlowCharts = memo(function FlowCharts({
  report,
  filter,
  onDrill,
  onOpenItem,
}: {
  report: FlowReport;
  /** The filter `report` answers: drill-downs ask with it. */
  filter: FlowFilter;
  onDrill: OpenDrill;
  onOpenItem: (id: string) => void;
}) {
  const theme = useResolvedTheme();
  const colors = useMemo(() => ({ p: chartPalette(theme), theme }), [theme]);
  const options = useMemo(
    () => ({
      cfd: cfdOption(report, colors),
      scatter: scatterOption(report, colors),
      throughput: throughputOption(report, colors),
      wip: wipOption(report, colors),
      aging: agingLayout(report, colors),
      efficiency: efficiencyOption(report, colors),
      distribution: distributionOption(report, colors),
    }),
    [report, colors],
  );
  const span = between(report);
  const finished = report.throughputTotal;
  const noFinished = `No items finished ${span}.`;
  const drill = (selection: FlowSelection | null) => {
    if (selection) onDrill(selection, describeSelection(selection));
  };
  const scatter = report.scatter;
  const cfdEmpty = report.cfd.every((b) => b.counts.every((n) => n === 0));

  return (
    <div className="chart-grid">
      <ChartPanel
        wide
        testId="flow-cfd"
        title="Cumulative flow"
        metricId="flow-cfd"
        subtitle="Items in each flow state at the end of every day. A widening band is work piling up there. Click a band to list its items on that day; click a legend entry to hide a band."
        csv={() => cfdRows(report)}
        empty={empty(cfdEmpty, "No items in this range", `No items of this filter existed ${span}.`)}
        chart={{
          option: options.cfd,
          height: 340,
          label: describeRange("Cumulative flow diagram", report),
          onGridClick: ({ x, y }) => drill(cfdSelection(report, x, y)),
        }}
      />
      <ChartPanel
        wide
        testId="flow-scatter"
        title="Cycle-time scatter"
        metricId="flow-scatter"
        subtitle={
          scatter.sampled
            ? `One dot per finished item, with the 50th, 85th and 95th percentiles. Showing a sample of ${formatCount(scatter.points.length)} of ${formatCount(scatter.total)} items (every item above the 95th percentile is kept; the percentiles use all of them). Click a dot to open its item.`
            : `One dot per finished item (${formatCount(scatter.total)}), with the 50th, 85th and 95th percentiles. Click a dot to open its item.`
        }
        csv={() => scatterRows(report)}
        empty={empty(scatter.total === 0, "No finished items", noFinished)}
        chart={{
          option: options.scatter,
          height: 340,
          label: describeRange(`Cycle-time scatter of ${scatter.total} items`, report),
          onClick: ({ seriesIndex, dataIndex }) => {
            const point = seriesIndex === 0 ? scatter.points[dataIndex] : undefined;
            if (point) onOpenItem(point.id);
          },
        }}
        headerExtra={
          scatter.sampled ? (
            <span className="tag tag-warning" data-testid="flow-scatter-sampled">
              sample of {formatCount(scatter.points.length)} of {formatCount(scatter.total)}
            </span>
          ) : null
        }
      />
      <ChartPanel
        testId="flow-throughput"
        title="Throughput"
        metricId="flow-throughput"
        subtitle="Items finished per day (bars) and per week (line; hollow points are partial weeks). A finish at midnight counts on the day it starts. A past day can change when the range end moves: work reopened later is unfinished again. Click a bar or a week to list its items."
        csv={() => throughputRows(report)}
        empty={empty(finished === 0, "No finished items", noFinished)}
        chart={{
          option: options.throughput,
          height: 300,
          label: describeRange(`Throughput, ${finished} items finished`, report),
          onClick: ({ seriesIndex, dataIndex }) => drill(throughputSelection(report, seriesIndex, dataIndex)),
        }}
      />
      <ChartPanel
        testId="flow-wip"
        title="Work in progress"
        metricId="flow-wip"
        subtitle="Items started and not yet finished at the end of each day, with the average; pull requests waiting for review count. A past day can change when the range end moves: work reopened later is in progress again. Click a day to list its items."
        csv={() => wipRows(report)}
        empty={empty(
          report.wipDaily.every((n) => n === 0),
          "Nothing in progress",
          `No items were in progress ${span}.`,
        )}
        chart={{
          option: options.wip,
          height: 300,
          label: describeRange("Work in progress per day", report),
          onGridClick: ({ x }) => drill(wipSelection(report, x)),
        }}
      />
      <ChartPanel
        wide
        testId="flow-aging"
        title="Aging work in progress"
        metricId="flow-age"
        subtitle={`Items in progress at the end of ${formatDay(report.range.to)} by their stage, higher is older; colour is pace against the range's finished items, lines are the 50th and 85th percentile cycle times. ${
          report.inProgress > report.aging.length
            ? `The ${formatCount(report.aging.length)} oldest of ${formatCount(report.inProgress)} are drawn. `
            : ""
        }Click a dot to open its item, or a column to list its items.`}
        csv={() => agingRows(report)}
        empty={empty(
          report.aging.length === 0,
          "Nothing in progress",
          `No items were in progress at the end of ${formatDay(report.range.to)}.`,
        )}
        chart={{
          option: options.aging.option,
          height: 360,
          label: describeRange(`Aging work in progress, ${report.inProgress} items`, report),
          onClick: ({ seriesIndex, dataIndex }) => {
            const item = options.aging.itemAt(seriesIndex, dataIndex);
            if (item) onOpenItem(item.item.id);
          },
          onGridClick: ({ x, onElement }) => {
            if (!onElement) drill(agingStageSelection(options.aging.stages, x));
          },
        }}
      />
      <ChartPanel
        testId="flow-efficiency"
        title="Flow efficiency"
        metricId="flow-efficiency"
        subtitle={
          report.efficiency.aggregate === null
            ? "Share of each finished item's cycle spent in active work."
            : `Finished items by the share of their cycle spent in active work. Over all of them: ${formatPercent(report.efficiency.aggregate)} (dashed line). Click a bar to list its items.`
        }
        csv={() => efficiencyRows(report)}
        empty={empty(report.efficiency.count === 0, "No finished items", noFinished)}
        chart={{
          option: options.efficiency,
          height: 280,
          label: describeRange("Flow efficiency histogram", report),
          onClick: ({ seriesIndex, dataIndex }) => {
            if (seriesIndex === 0) drill(efficiencySelection(dataIndex));
          },
        }}
      />
      <ChartPanel
        testId="flow-distribution"
        title="Flow distribution"
        metricId="flow-distribution"
        subtitle="Items finished in the range and in progress at its end, by kind. Click a bar to list its items."
        csv={() => distributionRows(report)}
        empty={empty(
          report.distribution.length === 0,
          "No items to split",
          `No items finished or were in progress ${span}.`,
        )}
        chart={{
          option: options.distribution,
          height: Math.max(220, 90 + report.distribution.length * 44),
          label: describeRange("Flow distribution by kind", report),
          onClick: ({ seriesIndex, dataIndex }) =>
            drill(distributionSelection(report, seriesIndex, dataIndex)),
        }}
      />
      <ChartPanel
        testId="flow-percentiles"
        title="Cycle time by team"
        metricId="flow-percentiles"
        subtitle="Percentiles of the cycle times of items finished in the range (nearest rank). Click a team to list its items."
        csv={() => percentileRows(report)}
        empty={empty(report.cycleTime.count === 0, "No finished items", noFinished)}
      >
        <PercentileTable report={report} filter={filter} onDrill={onDrill} />
      </ChartPanel>
      <ChartPanel
        testId="flow-littles-law"
        title="Little's law check"
        metricId="flow-littles-law"
        subtitle="Over the range, average work in progress should be close to throughput × average cycle time. When they differ by more than 20%, the card says why."
        csv={() => littlesLawRows(report)}
        empty={empty(
          report.littlesLaw.averageCycleDays === null,
          "Not enough finished work",
          `The check needs items finished ${span}.`,
        )}
        footer={
          <p className="muted small">
            Days and weeks are counted as defined in{" "}
            <MetricInfo
              id="flow-timelines"
              label="How an item's history becomes flow"
              text="how histories become flow"
            />
            .
          </p>
        }
      >
        <LittlesLaw report={report} />
      </ChartPanel>
    </div>
  );
});
