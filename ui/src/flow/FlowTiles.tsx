//! The Flow page's headline numbers, each with its definition.

import { memo, type ReactNode } from "react";
import type { FlowReport } from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { formatCount, formatDays, formatDecimal, formatPercent } from "../shared/format";

function Tile({
  label,
  metricId,
  testId,
  value,
  children,
  action,
}: {
  label: string;
  metricId: string;
  testId: string;
  value: number | null;
  children: ReactNode;
  action?: { label: string; onClick: () => void };
}) {
  return (
    <div className="kpi card flow-tile" data-testid={testId} data-value={value ?? undefined}>
      <div className="kpi-head">
        <h2 className="kpi-label">{label}</h2>
        <MetricInfo id={metricId} label={label} />
      </div>
      {children}
      {action ? (
        <button type="button" className="link-btn kpi-action" onClick={action.onClick}>
          {action.label} →
        </button>
      ) : null}
    </div>
  );
}

function Percentile({
  label,
  days,
  strong = false,
}: {
  label: string;
  days: number | null;
  strong?: boolean;
}) {
  return (
    <span className={strong ? "pct pct-strong" : "pct"}>
      <span className="pct-label">{label}</span>
      <span className="pct-value">{formatDays(days, false)}</span>
    </span>
  );
}

export const FlowTiles = memo(function FlowTiles({
  report,
  onListFinished,
}: {
  report: FlowReport;
  onListFinished: () => void;
}) {
  const ct = report.cycleTime;
  const lt = report.leadTime;
  const law = report.littlesLaw;
  const eff = report.efficiency;
  const perDay = law.throughputPerDay;
  return (
    <div className="kpi-grid flow-tiles">
      <Tile
        label="Cycle time (days)"
        metricId="flow-cycle-time"
        testId="flow-tile-cycle"
        value={ct.p85}
        action={ct.count > 0 ? { label: "List the finished items", onClick: onListFinished } : undefined}
      >
        <p className="kpi-value pct-row">
          <Percentile label="50%" days={ct.p50} />
          <Percentile label="85%" days={ct.p85} strong />
          <Percentile label="95%" days={ct.p95} />
        </p>
        <p className="kpi-sub sle" data-testid="flow-sle">
          {ct.p85 === null ? (
            "No items finished in the range yet."
          ) : (
            <>
              Service-level expectation: <strong>85% of items finish within {formatDays(ct.p85)}</strong>{" "}
              <MetricInfo id="flow-percentiles" label="Percentiles and the service-level expectation" />
            </>
          )}
        </p>
        <p className="kpi-sub">of {formatCount(ct.count)} items finished in the range</p>
        <p className="kpi-sub" data-testid="flow-cycle-start">
          Starts at the first Active state, even an instantaneous pass, or the first wait for review, approval
          or security; ends at Done.
        </p>
      </Tile>
      <Tile label="Lead time (days)" metricId="flow-lead-time" testId="flow-tile-lead" value={lt.p85}>
        <p className="kpi-value pct-row">
          <Percentile label="50%" days={lt.p50} />
          <Percentile label="85%" days={lt.p85} strong />
        </p>
        <p className="kpi-sub">from creation to finish, {formatCount(lt.count)} items</p>
      </Tile>
      <Tile
        label="Throughput"
        metricId="flow-throughput"
        testId="flow-tile-throughput"
        value={report.throughputTotal}
      >
        <p className="kpi-value">
          {formatCount(report.throughputTotal)} <span className="kpi-of">items finished</span>
        </p>
        <p className="kpi-sub" data-testid="flow-throughput-week">
          {perDay === null
            ? "—"
            : `≈ ${formatDecimal(perDay * 7)} a week on average (${formatDecimal(perDay)} a day)`}
        </p>
      </Tile>
      <Tile label="Work in progress" metricId="flow-wip" testId="flow-tile-wip" value={report.inProgress}>
        <p className="kpi-value">
          {formatCount(report.inProgress)} <span className="kpi-of">at the end of the range</span>
        </p>
        <p className="kpi-sub">
          {law.averageWip === null ? "—" : `${formatDecimal(law.averageWip)} on average over the range`}
        </p>
      </Tile>
      <Tile
        label="Flow efficiency"
        metricId="flow-efficiency"
        testId="flow-tile-efficiency"
        value={eff.aggregate}
      >
        <p className="kpi-value">{eff.aggregate === null ? "—" : formatPercent(eff.aggregate)}</p>
        <p className="kpi-sub">
          {eff.aggregate === null
            ? "No finished items to measure."
            : `of cycle time was active work, over ${formatCount(eff.count)} finished items (${formatDays(eff.activeDays)} active, ${formatDays(eff.waitingDays)} waiting)`}
        </p>
      </Tile>
    </div>
  );
});
