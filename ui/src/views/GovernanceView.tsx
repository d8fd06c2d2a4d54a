//! Governance: the policies that check themselves, their violations now (per policy, per team,
//! per week), past compliance, and the editor of the defaults' parameters and switches.
//! Everything is computed in Rust (`baton_core::governance`); this page draws it.

import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { ChartPanel } from "../flow/ChartPanel";
import { CalendarEditor } from "../governance/CalendarEditor";
import { ItemDetailPanel } from "../items/ItemDetailPanel";
import { type GovernanceReport, ipc, type Policy, type PolicySet } from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { categoryColor } from "../shared/categoryColors";
import { CONTAIN_ALL, categoryAxisBase, legendBase, tooltipBase, valueAxisBase } from "../shared/chartStyle";
import type { ChartOption } from "../shared/EChart";
import { formatCount, formatDateTime } from "../shared/format";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import { chartPalette, useResolvedTheme } from "../shared/theme";
import { ViewHeader } from "./ViewHeader";

/** The range of the compliance table, in days up to now. */
export const COMPLIANCE_DAYS = 90;

export const governanceQueries = {
  report: () =>
    queryOptions({ queryKey: ["governance", "report"], queryFn: ipc.governanceReport, staleTime: 30_000 }),
  policies: () =>
    queryOptions({
      queryKey: ["governance", "policies"],
      queryFn: ipc.governancePoliciesGet,
      staleTime: 60_000,
    }),
  compliance: (days: number) =>
    queryOptions({
      queryKey: ["governance", "compliance", days],
      queryFn: () => ipc.governanceCompliance(days),
      staleTime: 60_000,
    }),
};

function trendOption(r: GovernanceReport, theme: "light" | "dark"): ChartOption {
  const p = chartPalette(theme);
  const weeks = r.weekly.map((w) => w.week);
  return {
    backgroundColor: "transparent",
    grid: { left: 16, right: 16, top: 56, bottom: 12, ...CONTAIN_ALL },
    legend: { ...legendBase(p), top: 0, left: 0, type: "scroll" },
    tooltip: { ...tooltipBase(p), trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: categoryAxisBase(p, "Week starting (Monday, UTC)", weeks),
    yAxis: valueAxisBase(p, "New violations", { gap: 36 }),
    series: r.byPolicy.map((policy, at) => ({
      type: "bar" as const,
      name: policy.title,
      stack: "all",
      color: categoryColor(at, theme),
      data: r.weekly.map((w) => w.counts[at] ?? 0),
    })),
  };
}

function severityTag(severity: string) {
  return <span className={`tag tag-severity tag-${severity}`}>{severity}</span>;
}

/** The number a policy's rule takes, and what it means. */
function parameter(p: Policy): { label: string; value: number; min: number } | null {
  switch (p.rule.type) {
    case "review_sla":
    case "max_wait":
      return { label: "Working hours", value: p.rule.hours ?? 0, min: 0.5 };
    case "wip_limit":
      return { label: "Items per team", value: p.rule.limit, min: 1 };
    default:
      return null;
  }
}

function withParameter(p: Policy, value: number): Policy {
  switch (p.rule.type) {
    case "review_sla":
    case "max_wait":
      return { ...p, rule: { ...p.rule, hours: value } };
    case "wip_limit":
      return { ...p, rule: { ...p.rule, limit: Math.max(1, Math.round(value)) } };
    default:
      return p;
  }
}

export function PolicyEditor({ set }: { set: PolicySet }) {
  const client = useQueryClient();
  const [draft, setDraft] = useState<PolicySet>(set);
  useEffect(() => setDraft(set), [set]);
  const save = useMutation({
    mutationFn: (next: PolicySet) => ipc.governancePoliciesSave(next),
    onSuccess: (saved) => {
      client.setQueryData(governanceQueries.policies().queryKey, saved);
      void client.invalidateQueries({ queryKey: ["governance"] });
    },
  });
  const changed = JSON.stringify(draft) !== JSON.stringify(set);
  const update = (at: number, next: Policy) =>
    setDraft({ ...draft, policies: draft.policies.map((p, i) => (i === at ? next : p)) });
  return (
    <section className="card" aria-labelledby="gov-editor-title" data-testid="gov-editor">
      <header className="card-header">
        <div className="card-heading">
          <h2 className="card-title" id="gov-editor-title">
            Policies
          </h2>
          <p className="card-subtitle">
            Switch a policy on or off, set its severity and its limit. Blocking policies fail{" "}
            <code>baton policy check</code>.
          </p>
        </div>
        <div className="card-tools">
          <MetricInfo id="governance-rules" label="Policies" text="How is this computed?" />
        </div>
      </header>
      <div className="table-scroll">
        <table className="table" data-testid="gov-editor-table">
          <thead>
            <tr>
              <th scope="col">On</th>
              <th scope="col">Policy</th>
              <th scope="col">Severity</th>
              <th scope="col">Limit</th>
              <th scope="col">Version</th>
            </tr>
          </thead>
          <tbody>
            {draft.policies.map((p, at) => {
              const param = parameter(p);
              return (
                <tr key={p.name}>
                  <td>
                    <input
                      type="checkbox"
                      checked={p.enabled}
                      aria-label={`${p.title}: on`}
                      onChange={(e) => update(at, { ...p, enabled: e.target.checked })}
                    />
                  </td>
                  <td>
                    {p.title} <span className="muted small">({p.name})</span>
                  </td>
                  <td>
                    <select
                      value={p.severity}
                      aria-label={`${p.title}: severity`}
                      onChange={(e) => update(at, { ...p, severity: e.target.value as Policy["severity"] })}
                    >
                      <option value="info">info</option>
                      <option value="warning">warning</option>
                      <option value="blocking">blocking</option>
                    </select>
                  </td>
                  <td>
                    {param ? (
                      <label className="small">
                        <input
                          type="number"
                          min={param.min}
                          step={param.min}
                          value={param.value}
                          aria-label={`${p.title}: ${param.label}`}
                          onChange={(e) => {
                            const value = Number(e.target.value);
                            if (Number.isFinite(value) && value >= param.min)
                              update(at, withParameter(p, value));
                          }}
                          style={{ width: "6em" }}
                        />{" "}
                        {param.label.toLowerCase()}
                      </label>
                    ) : (
                      <span className="muted small">—</span>
                    )}
                  </td>
                  <td className="num">{p.version === 0 ? "default" : p.version}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="state-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!changed || save.isPending}
          onClick={() => save.mutate(draft)}
          data-testid="gov-save"
        >
          {save.isPending ? "Saving…" : "Save policies"}
        </button>
        <button type="button" className="btn" disabled={!changed} onClick={() => setDraft(set)}>
          Discard changes
        </button>
        {save.isError ? (
          <span className="error-text small" role="alert">
            Not saved: {save.error.message}
          </span>
        ) : null}
      </div>
    </section>
  );
}

function Compliance() {
  const q = useQuery(governanceQueries.compliance(COMPLIANCE_DAYS));
  const [open, setOpen] = useState<string | null>(null);
  if (q.isPending) return <LoadingState compact label="Measuring past compliance…" />;
  if (q.isError)
    return (
      <ErrorState
        compact
        title="Could not measure compliance"
        error={q.error}
        onRetry={() => void q.refetch()}
      />
    );
  const rows = q.data;
  return (
    <ChartPanel
      title={`Compliance, last ${COMPLIANCE_DAYS} days`}
      subtitle="Share of the items each policy concerned that met it; open a row for the items that did not."
      metricId="governance-compliance"
      testId="gov-compliance"
      csv={() => [
        ["Policy", "Concerned", "Met", "Share"],
        ...rows.map((r) => [r.title, r.concerned, r.met, r.share ?? ""]),
      ]}
      empty={
        rows.every((r) => r.concerned === 0)
          ? { title: "Nothing to measure", body: "No policy concerned an item in the range." }
          : null
      }
      wide
    >
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Policy</th>
              <th scope="col" className="num">
                Concerned
              </th>
              <th scope="col" className="num">
                Met
              </th>
              <th scope="col" className="num">
                Share
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.policy}>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => setOpen(open === r.policy ? null : r.policy)}
                    aria-expanded={open === r.policy}
                  >
                    {r.title}
                  </button>
                  {open === r.policy ? (
                    <p className="small muted">
                      {r.missed.length === 0
                        ? "Every item met it."
                        : `Did not meet it: ${r.missed.map((m) => m.itemKey).join(", ")}`}
                    </p>
                  ) : null}
                </td>
                <td className="num">{formatCount(r.concerned)}</td>
                <td className="num">{formatCount(r.met)}</td>
                <td className="num">{r.share === null ? "—" : `${Math.round(r.share * 100)}%`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </ChartPanel>
  );
}

export function GovernanceView() {
  const theme = useResolvedTheme();
  const report = useQuery(governanceQueries.report());
  const policies = useQuery(governanceQueries.policies());
  const [itemId, setItemId] = useState<string | null>(null);
  const r = report.data;
  const trend = useMemo(() => (r ? trendOption(r, theme) : null), [r, theme]);

  let body: React.ReactNode;
  if (report.isPending) {
    body = <LoadingState label="Evaluating the policies…" />;
  } else if (report.isError) {
    body = (
      <ErrorState
        title="Could not evaluate the policies"
        error={report.error}
        onRetry={() => void report.refetch()}
      />
    );
  } else if (r) {
    body = (
      <div className="chart-grid flow-body">
        <ChartPanel
          title="Violations per policy"
          subtitle="Violations now of each policy (switched-off policies show 0)."
          metricId="governance-violations"
          testId="gov-by-policy"
          csv={() => [
            ["Policy", "Severity", "Violations"],
            ...r.byPolicy.map((p) => [p.title, p.severity, p.violations]),
          ]}
        >
          <div className="table-scroll">
            <table className="table">
              <tbody>
                {r.byPolicy.map((p) => (
                  <tr key={p.policy} className={p.enabled ? undefined : "muted"}>
                    <td>{p.title}</td>
                    <td>{severityTag(p.severity)}</td>
                    <td className="num">{p.enabled ? formatCount(p.violations) : "off"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </ChartPanel>
        <ChartPanel
          title="Violations per team"
          subtitle="Violations now of the items of each team."
          metricId="governance-violations"
          testId="gov-by-team"
          csv={() => [["Team", "Violations"], ...r.byTeam.map((t) => [t.team, t.violations])]}
          empty={
            r.byTeam.length === 0
              ? { title: "No violations", body: "Every policy holds for every team." }
              : null
          }
        >
          <div className="table-scroll">
            <table className="table">
              <tbody>
                {r.byTeam.map((t) => (
                  <tr key={t.team}>
                    <td>{t.team}</td>
                    <td className="num">{formatCount(t.violations)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </ChartPanel>
        {trend ? (
          <ChartPanel
            title="New violations per week"
            subtitle="Breaches by the week they began, stacked by policy (past ones included)."
            metricId="governance-violations"
            testId="gov-trend"
            csv={() => [
              ["Week", ...r.byPolicy.map((p) => p.title)],
              ...r.weekly.map((w) => [w.week, ...w.counts]),
            ]}
            chart={{ option: trend, height: 300, label: "New violations per week, by policy" }}
            empty={
              r.weekly.every((w) => w.counts.every((c) => c === 0))
                ? { title: "No violations in 12 weeks", body: "No policy was breached in the last 12 weeks." }
                : null
            }
            wide
          />
        ) : null}
        <ChartPanel
          title="Violations now"
          subtitle={`Blocking first, then the oldest. ${r.violations.length < r.total ? `The first ${formatCount(r.violations.length)} of ${formatCount(r.total)}.` : ""}`}
          metricId="governance-violations"
          testId="gov-violations"
          csv={() => [
            ["Severity", "Policy", "Item", "Team", "Accountable", "Since", "Resolve"],
            ...r.violations.map((v) => [
              v.severity,
              v.policyTitle,
              v.itemKey,
              v.team ?? "",
              v.accountable ?? "",
              v.since,
              v.resolve,
            ]),
          ]}
          empty={
            r.total === 0 ? { title: "No violations", body: "Every enabled policy holds right now." } : null
          }
          wide
        >
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Policy</th>
                  <th scope="col">Item</th>
                  <th scope="col">Team</th>
                  <th scope="col">Accountable</th>
                  <th scope="col" className="num">
                    Days
                  </th>
                  <th scope="col">What would resolve it</th>
                </tr>
              </thead>
              <tbody>
                {r.violations.map((v) => (
                  <tr key={`${v.policy}-${v.itemId}`}>
                    <td>{severityTag(v.severity)}</td>
                    <td>{v.policyTitle}</td>
                    <td>
                      <button type="button" className="link-button" onClick={() => setItemId(v.itemId)}>
                        {v.itemKey}
                      </button>
                    </td>
                    <td>{v.team ?? <span className="muted">No team</span>}</td>
                    <td>{v.accountable ?? <span className="muted">nobody</span>}</td>
                    <td className="num" title={`Since ${formatDateTime(v.since)}`}>
                      {(v.ageDays ?? 0).toFixed(1)}
                    </td>
                    <td className="small">{v.resolve}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </ChartPanel>
        <Compliance />
        {policies.data ? (
          <>
            <PolicyEditor set={policies.data} />
            <CalendarEditor set={policies.data} />
          </>
        ) : policies.isError ? (
          <ErrorState
            compact
            title="Could not read the policies"
            error={policies.error}
            onRetry={() => void policies.refetch()}
          />
        ) : (
          <LoadingState compact label="Reading the policies…" />
        )}
      </div>
    );
  } else {
    body = <EmptyState title="No report" />;
  }

  return (
    <div className="view view-flow view-governance" data-testid="view-governance">
      <ViewHeader
        title="Governance"
        description={
          r ? (
            <>
              {formatCount(r.total)} {r.total === 1 ? "violation" : "violations"} now,{" "}
              {formatCount(r.blocking)} of blocking policies
              <span className="muted">
                {" "}
                · as of <time dateTime={r.asOf}>{formatDateTime(r.asOf)}</time>
              </span>
            </>
          ) : (
            "Which policies do not hold, for which items, and who answers for them?"
          )
        }
      />
      {body}
      {itemId ? (
        <ItemDetailPanel
          key={itemId}
          id={itemId}
          onClose={() => setItemId(null)}
          onOpenItem={(id) => setItemId(id)}
        />
      ) : null}
    </div>
  );
}
