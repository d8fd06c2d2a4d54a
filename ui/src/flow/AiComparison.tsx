//! AI-made work compared with people's (and automations'), side by side on the Flow page's own
//! filters: cycle time, time to first review, review rounds, merge and abandon rates, rework and
//! idle time. Computed in Rust (`baton_core::triage::compare`); this draws the table.

import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { type AiComparison as Comparison, type FlowFilter, ipc } from "../lib/ipc";
import { formatCount, formatPercent } from "../shared/format";
import { ErrorState, LoadingState } from "../shared/states";
import { ChartPanel } from "./ChartPanel";

export const compareQuery = (filter: FlowFilter) =>
  queryOptions({
    // Under "triage": item, decision and workflow changes make it stale.
    queryKey: ["triage", "compare", filter] as const,
    queryFn: () => ipc.triageCompare(filter),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });

type Group = Comparison["groups"][number];
type Row = { label: string; value: (g: Group) => string; csv: (g: Group) => string | number };

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? "—" : formatPercent(x);
}
function dayFigure(x: number | null | undefined): string {
  return x === null || x === undefined ? "—" : `${x.toFixed(1)} d`;
}

const ROWS: Row[] = [
  { label: "Items", value: (g) => formatCount(g.items), csv: (g) => g.items },
  {
    label: "Cycle time, median (P85)",
    value: (g) => `${dayFigure(g.cycleTime.p50)} (${dayFigure(g.cycleTime.p85)})`,
    csv: (g) => g.cycleTime.p50 ?? "",
  },
  { label: "Pull requests opened", value: (g) => formatCount(g.pullRequests), csv: (g) => g.pullRequests },
  {
    label: "Time to first review, median (P85)",
    value: (g) => `${dayFigure(g.timeToFirstReview.p50)} (${dayFigure(g.timeToFirstReview.p85)})`,
    csv: (g) => g.timeToFirstReview.p50 ?? "",
  },
  {
    label: "Still without a review",
    value: (g) => formatCount(g.withoutReview),
    csv: (g) => g.withoutReview,
  },
  {
    label: "Review rounds (mean, merged)",
    value: (g) => (g.reviewRounds === null || g.reviewRounds === undefined ? "—" : g.reviewRounds.toFixed(1)),
    csv: (g) => g.reviewRounds ?? "",
  },
  { label: "Merge rate", value: (g) => pct(g.mergeRate), csv: (g) => g.mergeRate ?? "" },
  { label: "Abandon rate", value: (g) => pct(g.abandonRate), csv: (g) => g.abandonRate ?? "" },
  { label: "Delivered", value: (g) => formatCount(g.delivered), csv: (g) => g.delivered },
  {
    label: "Rework rate (reopened or reverted)",
    value: (g) => pct(g.reworkRate),
    csv: (g) => g.reworkRate ?? "",
  },
  { label: "Open now", value: (g) => formatCount(g.open), csv: (g) => g.open },
  {
    label: "Idle time of open items, median (P85)",
    value: (g) => `${dayFigure(g.idle.p50)} (${dayFigure(g.idle.p85)})`,
    csv: (g) => g.idle.p50 ?? "",
  },
];

export function AiComparisonPanel({ filter }: { filter: FlowFilter }) {
  const q = useQuery(compareQuery(filter));
  if (q.isPending) return <LoadingState compact label="Comparing AI-made work with people's…" />;
  if (q.isError)
    return (
      <ErrorState
        compact
        title="Could not compare AI-made work with people's"
        error={q.error}
        onRetry={() => void q.refetch()}
      />
    );
  const c = q.data;
  return (
    <ChartPanel
      title="AI-made work compared with people's"
      subtitle={`Same filters, side by side: does AI output turn into delivered value? Rework within ${c.reworkDays} days.`}
      metricId="ai-compare"
      testId="flow-ai-compare"
      csv={() => [
        ["Figure", ...c.groups.map((g) => g.label)],
        ...ROWS.map((r) => [r.label, ...c.groups.map(r.csv)]),
      ]}
      empty={
        c.groups.every((g) => g.items === 0)
          ? { title: "Nothing to compare", body: "No item matches these filters." }
          : null
      }
      wide
    >
      <div className="table-scroll">
        <table className="table" data-testid="ai-compare-table">
          <thead>
            <tr>
              <th scope="col">Figure</th>
              {c.groups.map((g) => (
                <th key={g.provenance} scope="col" className="num">
                  {g.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ROWS.map((r) => (
              <tr key={r.label}>
                <th scope="row">{r.label}</th>
                {c.groups.map((g) => (
                  <td key={g.provenance} className="num">
                    {r.value(g)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </ChartPanel>
  );
}
