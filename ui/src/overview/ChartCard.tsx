//! A titled card around one chart, with its definition link and its empty state.

import type { ReactNode } from "react";
import { MetricInfo } from "../metrics/MetricInfo";
import { EmptyState } from "../shared/states";

export function ChartCard({
  title,
  subtitle,
  metricId,
  chart,
  empty,
  emptyText,
  testId,
  wide = false,
}: {
  title: string;
  subtitle: ReactNode;
  metricId: string;
  /** The chart (drawn by `shared/SimpleCharts`); not drawn when `empty`. */
  chart: () => ReactNode;
  empty: boolean;
  emptyText: ReactNode;
  testId: string;
  wide?: boolean;
}) {
  const headingId = `${testId}-title`;
  return (
    <section
      className={wide ? "card chart-card chart-wide" : "card chart-card"}
      aria-labelledby={headingId}
      data-testid={testId}
    >
      <header className="card-header">
        <div>
          <h2 className="card-title" id={headingId}>
            {title}
          </h2>
          <p className="card-subtitle">{subtitle}</p>
        </div>
        <MetricInfo id={metricId} label={title} text="How is this computed?" />
      </header>
      {empty ? (
        <EmptyState compact title="Nothing to chart yet">
          {emptyText}
        </EmptyState>
      ) : (
        chart()
      )}
    </section>
  );
}
