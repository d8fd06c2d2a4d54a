//! The Bottlenecks page's heat map, rankings and charts.

import { memo, useMemo, useState } from "react";
import { ChartPanel, type EmptySpec } from "../flow/ChartPanel";
import { blockerRows, matrixRows, prSegmentRows, queueRows, waitReasonRows } from "../flow/csvData";
import type { OpenDrill } from "../flow/FlowCharts";
import { describeSelection } from "../flow/selections";
import type { BottleneckReport, FlowSelection } from "../lib/ipc";
import { formatCount, formatDay, formatDayShort, formatDays, formatPercent } from "../shared/format";
import { PlotChart } from "../shared/PlotChart";
import { BarChart } from "../shared/SimpleCharts";
import { TipLines } from "../shared/TipLines";
import { chartPalette, useResolvedTheme } from "../shared/theme";
import { PR_SEGMENT_LABELS, STAGE_LABELS, shortKey } from "../workgraph/vocabulary";
import { HeatMap, heatTip } from "./HeatMap";
import { type MatrixMeasure, prSegmentSeries, queuesLayers, queuesTooltip, stageColor } from "./options";

function empty(when: boolean, title: string, body: string): EmptySpec | null {
  return when ? { title, body } : null;
}

function MeasureToggle({ value, onChange }: { value: MatrixMeasure; onChange: (m: MatrixMeasure) => void }) {
  const choices: { value: MatrixMeasure; label: string; hint: string }[] = [
    { value: "median", label: "Median", hint: "Median time per item that spent time in the stage" },
    { value: "total", label: "Total", hint: "All the time items spent in the stage, added up" },
  ];
  return (
    <fieldset className="segmented segmented-small" aria-label="Cell value" data-testid="matrix-measure">
      <legend className="visually-hidden">Cell value</legend>
      {choices.map((c) => (
        <label key={c.value} className={value === c.value ? "segment active" : "segment"} title={c.hint}>
          <input
            type="radio"
            name="matrix-measure"
            value={c.value}
            checked={value === c.value}
            onChange={() => onChange(c.value)}
            data-testid={`matrix-measure-${c.value}`}
          />
          {c.label}
        </label>
      ))}
    </fieldset>
  );
}

function ItemLink({
  id,
  itemKey,
  title,
  onOpen,
}: {
  id: string;
  itemKey: string;
  title: string;
  onOpen: (id: string) => void;
}) {
  return (
    <button
      type="button"
      className="link-btn item-link"
      title={`${itemKey} ${title}`}
      onClick={() => onOpen(id)}
      data-testid="item-link"
    >
      <span className="mono">{shortKey(itemKey)}</span> <span className="item-link-title">{title}</span>
    </button>
  );
}

function WaitReasons({
  report,
  onDrill,
  onOpenItem,
}: {
  report: BottleneckReport;
  onDrill: OpenDrill;
  onOpenItem: (id: string) => void;
}) {
  const theme = useResolvedTheme();
  const colors = { p: chartPalette(theme), theme };
  return (
    <ol className="wait-list" data-testid="wait-reasons-list">
      {report.waitReasons.map((w, rank) => {
        const selection: FlowSelection = { type: "waiting_in", stage: w.stage };
        return (
          <li key={w.stage} className="wait-row" data-testid="wait-reason">
            <div className="wait-head">
              <span className="wait-rank">{rank + 1}</span>
              <button
                type="button"
                className="link-btn wait-stage"
                onClick={() => onDrill(selection, describeSelection(selection))}
              >
                {STAGE_LABELS[w.stage]}
              </button>
              <span className="wait-total">{formatDays(w.totalDays)}</span>
              <span className="muted small">
                {formatCount(w.items)} {w.items === 1 ? "item" : "items"}
              </span>
            </div>
            <div className="share-bar" title={`${STAGE_LABELS[w.stage]}: share of all waiting time`}>
              <span
                className="share-fill"
                style={{ width: `${(w.share ?? 0) * 100}%`, background: stageColor(w.stage, colors) }}
              />
              <span className="share-text">
                {w.share === null ? "—" : formatPercent(w.share)}
                <span className="visually-hidden"> of all waiting time</span>
              </span>
            </div>
            {w.examples.length ? (
              <p className="wait-examples small">
                <span className="muted">Longest waiting (whole wait): </span>
                {w.examples.map((e) => (
                  <span key={e.item.id} className="wait-example">
                    <ItemLink id={e.item.id} itemKey={e.item.key} title={e.item.title} onOpen={onOpenItem} />
                    <span
                      className="muted"
                      title="The whole wait, from when it began; the part inside the range in brackets"
                    >
                      {" "}
                      {formatDays(e.days)}
                      {e.days !== null && e.inRangeDays !== null && Math.abs(e.days - e.inRangeDays) >= 0.05
                        ? ` (${formatDays(e.inRangeDays, false)} in range)`
                        : ""}
                    </span>
                  </span>
                ))}
              </p>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

function Blockers({
  report,
  onDrill,
  onOpenItem,
}: {
  report: BottleneckReport;
  onDrill: OpenDrill;
  onOpenItem: (id: string) => void;
}) {
  const links = report.openBlockingLinks;
  return (
    <>
      <p className="muted small" data-testid="blockers-open-links">
        {formatCount(links)} open blocking {links === 1 ? "link" : "links"} at the end of{" "}
        {formatDay(report.range.to)}, all teams (the figure the Overview and Dependencies show); the clusters
        count the waiting items behind them.
      </p>
      <div className="table-scroll">
        <table className="data-table blockers-table" data-testid="blockers-table">
          <thead>
            <tr>
              <th scope="col">Blocking team</th>
              <th scope="col" className="num" title="Items waiting now that this team's open items block">
                Blocked now
              </th>
              <th scope="col" className="num" title="How long those items have waited, added up">
                Days waiting
              </th>
              <th scope="col">Top blocking items</th>
            </tr>
          </thead>
          <tbody>
            {report.blockerClusters.map((c) => {
              const selection: FlowSelection = { type: "blocked_by", team_id: c.teamId };
              return (
                <tr key={c.teamId || "none"} data-testid="blocker-cluster">
                  <th scope="row">
                    <button
                      type="button"
                      className="link-btn"
                      onClick={() => onDrill(selection, describeSelection(selection, c.teamName))}
                      title="List the items this team's open work blocks"
                    >
                      {c.teamName}
                    </button>
                  </th>
                  <td className="num strong">{formatCount(c.blockedItems)}</td>
                  <td className="num">{formatDays(c.blockedDays, false)}</td>
                  <td>
                    <ul className="blocker-items">
                      {c.blockers.map((b) => (
                        <li key={b.item.id}>
                          <ItemLink
                            id={b.item.id}
                            itemKey={b.item.key}
                            title={b.item.title}
                            onOpen={onOpenItem}
                          />{" "}
                          <span className="muted small">blocks {formatCount(b.blocks)}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

export const BottleneckCharts = memo(function BottleneckCharts({
  report,
  onDrill,
  onOpenItem,
}: {
  report: BottleneckReport;
  onDrill: OpenDrill;
  onOpenItem: (id: string) => void;
}) {
  const theme = useResolvedTheme();
  const colors = useMemo(() => ({ p: chartPalette(theme), theme }), [theme]);
  const [measure, setMeasure] = useState<MatrixMeasure>("median");
  const queueLayers = useMemo(() => queuesLayers(report, colors), [report, colors]);
  const queueTip = useMemo(() => queuesTooltip(report, colors), [report, colors]);
  const prSeries = useMemo(() => prSegmentSeries(report, colors), [report, colors]);
  const prTip = (seriesIndex: number) => {
    const s = report.prSegments[seriesIndex];
    const color = prSeries[seriesIndex]?.color;
    if (!s) return null;
    return (
      <TipLines
        title={PR_SEGMENT_LABELS[s.segment] ?? s.segment}
        lines={[
          { color, text: "Median: ", strong: formatDays(s.days.p50) },
          { text: "85th percentile: ", strong: formatDays(s.days.p85) },
          { text: "Pull requests measured: ", strong: formatCount(s.days.count) },
        ]}
        hint="Segments follow one another: coding, pickup, review, merge"
      />
    );
  };
  const span = `between ${formatDay(report.range.from)} and ${formatDay(report.range.to)}`;
  const drill = (selection: FlowSelection | null, teamName?: string) => {
    if (selection) onDrill(selection, describeSelection(selection, teamName));
  };
  const prMeasured = report.prSegments.some((s) => s.days.count > 0);
  // A stage no team spent time in is an empty column: not drawn, and named here.
  const emptyStages = report.stages.filter((stage) =>
    report.matrix.every((team) => !team.cells.some((cell) => cell.stage === stage && cell.items > 0)),
  );
  const emptyNote =
    emptyStages.length === 0
      ? ""
      : ` No item spent time in ${emptyStages.map((s) => STAGE_LABELS[s]).join(", ")} ${span}: ${emptyStages.length === 1 ? "that column is" : "those columns are"} empty and not drawn (the workflow map may send no state there).`;

  return (
    <div className="chart-grid">
      <ChartPanel
        wide
        testId="bn-matrix"
        title="Time in stage by team"
        metricId="bottleneck-matrix"
        subtitle={`Each cell is the ${measure === "median" ? "median time an item spent" : "total time all items spent"} in a stage ${span}; ${theme === "dark" ? "brighter" : "darker"} is longer, a dash is no time there. Click a cell to list its items.${emptyNote}`}
        csv={() => matrixRows(report)}
        headerExtra={<MeasureToggle value={measure} onChange={setMeasure} />}
        empty={empty(
          report.matrix.length === 0,
          "No time in any stage",
          `No items were active or waiting ${span}.`,
        )}
        plot={(apiRef) => (
          <HeatMap
            report={report}
            measure={measure}
            theme={theme}
            palette={colors.p}
            height={Math.max(220, 110 + report.matrix.length * 40)}
            label={`Time in stage by team, ${report.matrix.length} teams by ${report.stages.length - emptyStages.length} stages`}
            tooltip={(cell) => heatTip(cell, report)}
            onCell={(cell) =>
              drill({ type: "time_in_stage", team_id: cell.teamId, stage: cell.stage }, cell.teamName)
            }
            apiRef={apiRef}
            testId="bn-matrix-chart"
          />
        )}
      />
      <ChartPanel
        testId="bn-wait-reasons"
        title="Where work waits"
        metricId="bottleneck-wait-reasons"
        subtitle="Waiting time in the range by reason, largest first, with its share of all waiting time. Waits for review, approval and security start the cycle, so the same time is also work in progress (a pull request nobody merges included); a queue before work starts is here but not in WIP. Click a reason to list the items that waited there."
        csv={() => waitReasonRows(report)}
        empty={empty(report.waitReasons.length === 0, "No waiting time", `No items waited ${span}.`)}
      >
        <WaitReasons report={report} onDrill={onDrill} onOpenItem={onOpenItem} />
      </ChartPanel>
      <ChartPanel
        testId="bn-blockers"
        title="Blocker clusters"
        metricId="bottleneck-blockers"
        subtitle={`Items waiting at the end of ${formatDay(report.range.to)} that items still open then block, grouped by the blocking team: a blocker finished after that day counts, its state today does not. Click a team to list what it blocks.`}
        csv={() => blockerRows(report)}
        empty={empty(
          report.blockerClusters.length === 0,
          "Nothing blocked",
          `No waiting item was blocked by open work at the end of ${formatDay(report.range.to)}.`,
        )}
      >
        <Blockers report={report} onDrill={onDrill} onOpenItem={onOpenItem} />
      </ChartPanel>
      <ChartPanel
        wide
        testId="bn-queues"
        title="Queue growth"
        metricId="bottleneck-queues"
        subtitle="Items waiting at the end of each day, one line per reason. A rising line is a queue filling faster than it empties. Click near a line to list its items on that day."
        csv={() => queueRows(report)}
        empty={empty(report.queues.length === 0, "No queues", `No items were waiting ${span}.`)}
        plot={(apiRef) => (
          <PlotChart
            categories={report.range.dates}
            formatCategory={formatDayShort}
            columns="points"
            xName="Day"
            yName="Items waiting (count)"
            pointer="line"
            layers={queueLayers}
            tooltip={queueTip}
            height={300}
            label={`Queue growth, ${formatDay(report.range.from)} to ${formatDay(report.range.to)}`}
            palette={colors.p}
            onClick={({ layer, index }) => {
              const q = layer === null ? undefined : report.queues[layer];
              const day = report.range.dates[index];
              if (q && day) drill({ type: "waiting_at", day, stage: q.stage });
            }}
            apiRef={apiRef}
            testId="bn-queues-chart"
          />
        )}
      />
      <ChartPanel
        wide
        testId="bn-pr-segments"
        title="Pull-request segments"
        metricId="bottleneck-pr-segments"
        subtitle={`Median days of each step of the ${formatCount(report.pullRequests)} pull requests merged in the range: coding, waiting for pickup, review, and merge. A blocked flag on a draft is blocked time, and coding goes on until it leaves draft. The tooltip gives the 85th percentile.`}
        csv={() => prSegmentRows(report)}
        empty={empty(!prMeasured, "No merged pull requests", `No pull requests were merged ${span}.`)}
        plot={() => (
          <BarChart
            categories={["Pull request"]}
            series={prSeries}
            categoryName=""
            valueName="Median days, one segment after the other"
            legend={prSeries.map((s) => ({ name: s.name, color: s.color }))}
            trigger="segment"
            tooltip={(_, seriesIndex) => prTip(seriesIndex)}
            height={170}
            label={`Pull-request segments of ${report.pullRequests} merged pull requests`}
            palette={colors.p}
            testId="bn-pr-segments-chart"
          />
        )}
      />
    </div>
  );
});
