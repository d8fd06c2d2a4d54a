//! The Flow page's charts and tables, drawn by Baton itself (`PlotChart`, `BarChart`): their
//! layers are built once per report and theme; a click becomes the selection whose items Rust
//! lists, or opens an item.

import { memo, type ReactNode, type RefObject, useMemo } from "react";
import type { FlowFilter, FlowReport, FlowSelection } from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { formatCount, formatDay, formatDays, formatDecimal, formatPercent } from "../shared/format";
import { InTurn } from "../shared/InTurn";
import { type PlotApi, PlotChart, type PlotHit } from "../shared/PlotChart";
import { BarChart } from "../shared/SimpleCharts";
import { TipLines } from "../shared/TipLines";
import { type ChartPalette, chartPalette, useResolvedTheme } from "../shared/theme";
import { flowStateColor, ITEM_KIND_LABELS } from "../workgraph/vocabulary";
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
import { describeRange } from "./options";
import {
  agingPlot,
  cfdPlot,
  dayLabel,
  efficiencyPlot,
  type Plot,
  scatterPlot,
  throughputPlot,
  wipPlot,
} from "./plots";
import { describeSelection, distributionSelection } from "./selections";

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

/** Finished and in-progress items by kind, side by side in each row. */
function DistributionChart({
  report,
  palette,
  theme,
  onClick,
}: {
  report: FlowReport;
  palette: ChartPalette;
  theme: "light" | "dark";
  onClick: (seriesIndex: number, dataIndex: number) => void;
}) {
  const rows = report.distribution;
  const series = [
    {
      name: "Finished in the range",
      color: flowStateColor("done", theme),
      values: rows.map((r) => r.finished),
    },
    {
      name: "In progress at the end",
      color: flowStateColor("active", theme),
      values: rows.map((r) => r.inProgress),
    },
  ];
  return (
    <BarChart
      categories={rows.map((r) => ITEM_KIND_LABELS[r.kind])}
      series={series}
      grouped
      valueLabels
      categoryName="Kind"
      valueName="Items (count)"
      legend={series}
      trigger="row"
      tooltip={(i) => {
        const r = rows[i];
        if (!r) return null;
        return (
          <TipLines
            title={ITEM_KIND_LABELS[r.kind]}
            lines={[
              { color: series[0]?.color, text: "Finished in the range: ", strong: formatCount(r.finished) },
              {
                color: series[1]?.color,
                text: "In progress at its end: ",
                strong: formatCount(r.inProgress),
              },
            ]}
            hint="Click a bar to list its items"
          />
        );
      }}
      height={Math.max(220, 110 + rows.length * 44)}
      label={describeRange("Flow distribution by kind", report)}
      palette={palette}
      onClick={({ seriesIndex, dataIndex }) => onClick(seriesIndex, dataIndex)}
      testId="flow-distribution-chart"
    />
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
  const plots = useMemo(
    () => ({
      cfd: cfdPlot(report, colors),
      scatter: scatterPlot(report, colors),
      throughput: throughputPlot(report, colors),
      wip: wipPlot(report, colors),
      aging: agingPlot(report, colors),
      efficiency: efficiencyPlot(report, colors),
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
  const draw =
    <C,>(
      plot: Plot<C>,
      props: {
        testId: string;
        height: number;
        label: string;
        xName: string;
        yName: string;
        columns: "bands" | "points";
        onClick: (click: C) => void;
      } & Partial<
        Pick<
          Parameters<typeof PlotChart>[0],
          "y2Name" | "integer" | "pointer" | "shadeColumns" | "keyColumns" | "top" | "formatCategory"
        >
      >,
    ) =>
    (apiRef: RefObject<PlotApi | null>): ReactNode => {
      const { onClick, ...rest } = props;
      return (
        <PlotChart
          {...rest}
          categories={plot.categories}
          layers={plot.layers}
          tooltip={plot.tooltip}
          palette={colors.p}
          apiRef={apiRef}
          onClick={(hit: PlotHit) => {
            const click = plot.clickOf(hit);
            if (click !== null) onClick(click);
          }}
        />
      );
    };

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
        plot={draw(plots.cfd, {
          testId: "flow-cfd-chart",
          height: 340,
          columns: "points",
          xName: "Day",
          yName: "Items (count)",
          formatCategory: dayLabel,
          pointer: "line",
          label: describeRange("Cumulative flow diagram", report),
          onClick: drill,
        })}
      />
      <InTurn wide height={430}>
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
          plot={draw(plots.scatter, {
            testId: "flow-scatter-chart",
            height: 340,
            columns: "bands",
            xName: "Day finished",
            yName: "Cycle time (days)",
            integer: false,
            pointer: "none",
            formatCategory: dayLabel,
            label: describeRange(`Cycle-time scatter of ${scatter.total} items`, report),
            onClick: onOpenItem,
          })}
          headerExtra={
            scatter.sampled ? (
              <span className="tag tag-warning" data-testid="flow-scatter-sampled">
                sample of {formatCount(scatter.points.length)} of {formatCount(scatter.total)}
              </span>
            ) : null
          }
        />
      </InTurn>
      <InTurn height={360}>
        <ChartPanel
          testId="flow-throughput"
          title="Throughput"
          metricId="flow-throughput"
          subtitle="Items finished per day (bars) and per week (line; hollow points are partial weeks). A finish at midnight counts on the day it starts. A past day can change when the range end moves: work reopened later is unfinished again. Click a bar or a week to list its items."
          csv={() => throughputRows(report)}
          empty={empty(finished === 0, "No finished items", noFinished)}
          plot={draw(plots.throughput, {
            testId: "flow-throughput-chart",
            height: 300,
            columns: "bands",
            xName: "Day",
            yName: "Items per day",
            y2Name: "Items per week",
            formatCategory: dayLabel,
            label: describeRange(`Throughput, ${finished} items finished`, report),
            onClick: drill,
          })}
        />
      </InTurn>
      <InTurn height={360}>
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
          plot={draw(plots.wip, {
            testId: "flow-wip-chart",
            height: 300,
            columns: "points",
            xName: "Day",
            yName: "Items in progress (count)",
            pointer: "line",
            formatCategory: dayLabel,
            label: describeRange("Work in progress per day", report),
            onClick: drill,
          })}
        />
      </InTurn>
      <InTurn wide height={430}>
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
          plot={draw(plots.aging, {
            testId: "flow-aging-chart",
            height: 360,
            top: 64,
            columns: "bands",
            xName: "Stage now",
            yName: "Age (days since start)",
            integer: false,
            pointer: "none",
            shadeColumns: true,
            keyColumns: true,
            label: describeRange(`Aging work in progress, ${report.inProgress} items`, report),
            onClick: (click) => ("item" in click ? onOpenItem(click.item) : drill(click.selection)),
          })}
        />
      </InTurn>
      <InTurn height={360}>
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
          plot={draw(plots.efficiency, {
            testId: "flow-efficiency-chart",
            height: 280,
            columns: "bands",
            xName: "Flow efficiency (active ÷ cycle time)",
            yName: "Finished items (count)",
            label: describeRange("Flow efficiency histogram", report),
            onClick: drill,
          })}
        />
      </InTurn>
      <InTurn height={360}>
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
          plot={() => (
            <DistributionChart
              report={report}
              palette={colors.p}
              theme={theme}
              onClick={(seriesIndex, dataIndex) =>
                drill(distributionSelection(report, seriesIndex, dataIndex))
              }
            />
          )}
        />
      </InTurn>
      <InTurn height={360}>
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
      </InTurn>
      <InTurn height={360}>
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
      </InTurn>
    </div>
  );
});
