//! What leads the Overview: Triage's counts by reason (what needs a decision now), each opening
//! the Triage worklist filtered to that reason. The counts are Rust's, the worklist's own.

import { useQuery } from "@tanstack/react-query";
import { MetricInfo } from "../metrics/MetricInfo";
import { formatCount } from "../shared/format";
import { ErrorState } from "../shared/states";
import { DEFAULT_TRIAGE_FILTERS, openTriage } from "../triage/filters";
import { TRIAGE_PAGE, triageQueries } from "../triage/queries";
import { REASON_LABELS, REASONS, reasonMetricId } from "../triage/vocabulary";

export function TriageLead() {
  // The Triage page's own first request: the two share the answer.
  const list = useQuery(triageQueries.list(DEFAULT_TRIAGE_FILTERS, TRIAGE_PAGE));
  const counts = REASONS.map((reason) => ({
    reason,
    count: list.data?.byReason.find((c) => c.reason === reason)?.count ?? 0,
  })).filter((c) => c.count > 0);
  if (list.isError)
    return (
      <ErrorState
        compact
        title="Could not count what needs a decision"
        error={list.error}
        onRetry={() => list.refetch()}
      />
    );
  if (!list.data || counts.length === 0) return null;
  return (
    <section className="triage-lead card" aria-labelledby="triage-lead-heading" data-testid="overview-triage">
      <div className="attention-head">
        <h2 id="triage-lead-heading" className="section-title">
          Needs a decision
        </h2>
        <span className="muted small">Triage: open items by reason, each opens its worklist</span>
      </div>
      <ul className="triage-lead-list">
        {counts.map(({ reason, count }) => (
          <li key={reason}>
            <button
              type="button"
              className="triage-lead-btn"
              data-testid={`overview-triage-${reason}`}
              data-value={count}
              onClick={() => openTriage({ reasons: [reason] })}
            >
              <span className="kpi-value">{formatCount(count)}</span>
              <span className="triage-lead-label">{REASON_LABELS[reason]}</span>
            </button>
            <MetricInfo id={reasonMetricId(reason)} label={REASON_LABELS[reason]} />
          </li>
        ))}
      </ul>
    </section>
  );
}
