//! The Overview's headline numbers, each with its definition.

import type { ReactNode } from "react";
import type { WorkspaceSummary } from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { formatCount, formatDateTimeUtc, formatDateUtc } from "../shared/format";

function Kpi({
  label,
  value,
  rawValue,
  sub,
  metricId,
  testId,
  action,
  wide = false,
}: {
  label: string;
  value: ReactNode;
  rawValue?: number;
  sub: ReactNode;
  metricId: string;
  testId: string;
  action?: { label: string; onClick: () => void };
  wide?: boolean;
}) {
  return (
    <div className={wide ? "kpi kpi-wide card" : "kpi card"} data-testid={testId} data-value={rawValue}>
      <div className="kpi-head">
        <h2 className="kpi-label">{label}</h2>
        <MetricInfo id={metricId} label={label} />
      </div>
      <p className="kpi-value">{value}</p>
      <p className="kpi-sub">{sub}</p>
      {action ? (
        <button type="button" className="link-btn kpi-action" onClick={action.onClick}>
          {action.label} →
        </button>
      ) : null}
    </div>
  );
}

export function Kpis({
  summary,
  onShowItems,
  onShowAiPrs,
}: {
  summary: WorkspaceSummary;
  onShowItems: () => void;
  onShowAiPrs: () => void;
}) {
  const t = summary.totals;
  const ai = summary.aiPrsWithoutIndependentReview;
  const range = summary.dateRange;
  return (
    <div className="kpi-grid">
      <Kpi
        label="Work items"
        value={formatCount(t.items)}
        rawValue={t.items}
        sub={`from ${formatCount(t.sources)} ${t.sources === 1 ? "source" : "sources"}`}
        metricId="summary-items"
        testId="kpi-items"
        action={t.items > 0 ? { label: "Browse items", onClick: onShowItems } : undefined}
      />
      <Kpi
        label="Transitions"
        value={formatCount(t.transitions)}
        rawValue={t.transitions}
        sub="state changes and review actions"
        metricId="summary-transitions"
        testId="kpi-transitions"
      />
      <Kpi
        label="Links"
        value={formatCount(t.links)}
        rawValue={t.links}
        sub="typed edges between items, incl. removed"
        metricId="summary-links"
        testId="kpi-links"
      />
      <Kpi
        label="Open blocking links"
        value={formatCount(t.openBlockingLinks)}
        rawValue={t.openBlockingLinks}
        sub="“blocks” links the source still reports"
        metricId="summary-open-blocking-links"
        testId="kpi-open-blocking-links"
      />
      <Kpi
        label="AI pull requests without independent review"
        value={
          <>
            {formatCount(ai)} <span className="kpi-of">of {formatCount(summary.aiPrs)}</span>
          </>
        }
        rawValue={ai}
        sub={
          summary.aiPrs === 0
            ? "no pull requests authored by an AI agent"
            : "AI-made pull requests, open or merged, that no person other than the agent and who asked for it approved"
        }
        metricId="summary-ai-prs-without-human-review"
        testId="kpi-ai-unreviewed"
        wide
        action={ai > 0 ? { label: "List them", onClick: onShowAiPrs } : undefined}
      />
      <Kpi
        label="Teams"
        value={formatCount(t.teams)}
        rawValue={t.teams}
        sub={`${formatCount(t.people)} ${t.people === 1 ? "person" : "people"}`}
        metricId="summary-by-team"
        testId="kpi-teams"
      />
      <Kpi
        label="Date range"
        value={
          range ? (
            <span
              className="kpi-range"
              title={`${formatDateTimeUtc(range.from)} – ${formatDateTimeUtc(range.to)}`}
            >
              {formatDateUtc(range.from)} – {formatDateUtc(range.to)}
            </span>
          ) : (
            <span className="muted">No items yet</span>
          )
        }
        sub="first item created → last item updated (UTC)"
        metricId="summary-date-range"
        testId="kpi-date-range"
      />
    </div>
  );
}
