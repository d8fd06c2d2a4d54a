//! Intents: the goals, initiatives and milestones the work serves (imported from the sources or
//! made here), each with its progress, flow, contributors, risks and forecast; the work that
//! serves none; and the conflicts between intents. Every figure is computed in Rust
//! (`baton_core::intents::report`); this page draws it and sends what people decide.

import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useState } from "react";
import { DEFAULT_FLOW_FILTER, localUtcOffsetMinutes, withLocalZone } from "../flow/filter";
import { intentsPageQueries } from "../intents/queries";
import { ItemDetailPanel } from "../items/ItemDetailPanel";
import {
  type IntentInput,
  type IntentKind,
  type IntentNode,
  type IntentRuleField,
  type IntentsQuery,
  type IntentsReport,
  ipc,
  type RuleInput,
  type UnalignedReport,
} from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { useChosenTimeZone, zoneOffsetMinutes } from "../settings/timeZone";
import { fileStem, saveHtml, savePdf } from "../shared/csv";
import { formatCount, formatDay, formatDays, formatPercent, plural } from "../shared/format";
import { announceSave } from "../shared/SaveNotices";
import { SidePanel } from "../shared/SidePanel";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import { ViewHeader } from "./ViewHeader";
import "../intents/intents.css";

const KIND_LABEL: Record<IntentKind, string> = {
  goal: "Goal",
  initiative: "Initiative",
  milestone: "Milestone",
};

export const RULE_FIELDS: { field: IntentRuleField; label: string }[] = [
  { field: "epic", label: "Epic (key)" },
  { field: "parent", label: "Parent (key)" },
  { field: "label", label: "Label" },
  { field: "component", label: "Component" },
  { field: "repository", label: "Repository (owner/name)" },
  { field: "project", label: "Project (key)" },
  { field: "path", label: "Path (files a pull request changes)" },
];

/** What a pattern looks like for each field (the input's placeholder). */
export function patternHint(field: IntentRuleField): string {
  return field === "path" ? "folder/ or *.proto, as in CODEOWNERS" : "pattern, * for anything";
}

/** Points as the sources give them: whole numbers without decimals, others to one place. */
export function formatPoints(v: number | null): string {
  if (v === null) return "—";
  return Number.isInteger(v) ? formatCount(v) : v.toFixed(1);
}

function share(v: number | null): string {
  return v === null ? "—" : formatPercent(v);
}

/** An empty form, or one filled from an intent. */
export function formFrom(node: IntentNode | null, parentId: string | null = null): IntentInput {
  return {
    title: node?.title ?? "",
    kind: node?.kind ?? "initiative",
    parentId: node ? node.parentId : parentId,
    description: node?.description ?? "",
    successMeasure: node?.successMeasure ?? "",
    owner: node?.owner ?? null,
    targetDate: node?.targetDate ?? null,
    priority: node?.priority ?? null,
  };
}

function Figure({ label, value, metric }: { label: string; value: ReactNode; metric: string }) {
  return (
    <div className="intent-figure">
      <dt>
        {label} <MetricInfo id={metric} label={label} />
      </dt>
      <dd>{value}</dd>
    </div>
  );
}

function IntentForm({
  initial,
  intents,
  editing,
  onDone,
}: {
  initial: IntentInput;
  intents: IntentNode[];
  editing: string | null;
  onDone: () => void;
}) {
  const [form, setForm] = useState<IntentInput>(initial);
  const [why, setWhy] = useState("");
  const save = useMutation({
    mutationFn: () => (editing ? ipc.intentsEdit(editing, form, why) : ipc.intentsCreate(form, why)),
    onSuccess: () => onDone(),
  });
  const set = (patch: Partial<IntentInput>) => setForm((f) => ({ ...f, ...patch }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="intent-form" onSubmit={submit} data-testid="intent-form">
      <label className="intent-field">
        <span>Title</span>
        <input
          value={form.title}
          onChange={(e) => set({ title: e.target.value })}
          required
          data-testid="intent-title"
        />
      </label>
      <div className="intent-form-row">
        <label className="intent-field">
          <span>Level</span>
          <select
            value={form.kind ?? "initiative"}
            onChange={(e) => set({ kind: e.target.value as IntentKind })}
          >
            <option value="goal">Goal</option>
            <option value="initiative">Initiative</option>
            <option value="milestone">Milestone</option>
          </select>
        </label>
        <label className="intent-field">
          <span>Under</span>
          <select
            value={form.parentId ?? ""}
            onChange={(e) => set({ parentId: e.target.value || null })}
            data-testid="intent-parent"
          >
            <option value="">Nothing (top level)</option>
            {intents
              .filter((i) => i.id !== editing)
              .map((i) => (
                <option key={i.id} value={i.id}>
                  {`${"· ".repeat(i.depth)}${i.label}`}
                </option>
              ))}
          </select>
        </label>
        <label className="intent-field">
          <span>Priority (1 highest)</span>
          <input
            type="number"
            min={1}
            value={form.priority ?? ""}
            onChange={(e) => set({ priority: e.target.value ? Number(e.target.value) : null })}
          />
        </label>
      </div>
      <div className="intent-form-row">
        <label className="intent-field">
          <span>Owner (name or login)</span>
          <input value={form.owner ?? ""} onChange={(e) => set({ owner: e.target.value || null })} />
        </label>
        <label className="intent-field">
          <span>Target date</span>
          <input
            type="date"
            value={form.targetDate ?? ""}
            onChange={(e) => set({ targetDate: e.target.value || null })}
          />
        </label>
      </div>
      <label className="intent-field">
        <span>Success measure</span>
        <input value={form.successMeasure} onChange={(e) => set({ successMeasure: e.target.value })} />
      </label>
      <label className="intent-field">
        <span>Description</span>
        <textarea rows={3} value={form.description} onChange={(e) => set({ description: e.target.value })} />
      </label>
      <label className="intent-field">
        <span>Why (kept with the change)</span>
        <input value={why} onChange={(e) => setWhy(e.target.value)} />
      </label>
      {save.isError ? (
        <p className="form-error" role="alert">
          {save.error.message}
        </p>
      ) : null}
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={save.isPending} data-testid="intent-save">
          {editing ? "Save changes" : "Create"}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
      </div>
      {editing ? (
        <p className="muted small">
          Fields you change here are yours: a sync never overwrites them, even on an imported intent.
        </p>
      ) : null}
    </form>
  );
}

function RuleForm({ intentId }: { intentId: string }) {
  const [field, setField] = useState<IntentRuleField>("label");
  const [pattern, setPattern] = useState("");
  const [asked, setAsked] = useState<RuleInput | null>(null);
  const preview = useQuery(intentsPageQueries.preview(asked));
  const add = useMutation({
    mutationFn: (rule: RuleInput) => ipc.intentsRuleAdd(rule, ""),
    onSuccess: () => {
      setAsked(null);
      setPattern("");
    },
  });
  return (
    <div className="intent-rule-form" data-testid="intent-rule-form">
      <div className="intent-form-row">
        <select
          value={field}
          onChange={(e) => setField(e.target.value as IntentRuleField)}
          aria-label="What the rule matches"
        >
          {RULE_FIELDS.map((f) => (
            <option key={f.field} value={f.field}>
              {f.label}
            </option>
          ))}
        </select>
        <input
          value={pattern}
          onChange={(e) => setPattern(e.target.value)}
          placeholder={patternHint(field)}
          aria-label="Pattern"
          data-testid="intent-rule-pattern"
        />
        <button
          type="button"
          className="btn btn-small"
          disabled={!pattern.trim()}
          onClick={() => setAsked({ intentId, field, pattern })}
          data-testid="intent-rule-preview"
        >
          Preview
        </button>
      </div>
      {field === "path" ? (
        <p className="muted" data-testid="intent-rule-path-help">
          A path rule links the pull requests that change a matching file, as in CODEOWNERS:{" "}
          <code>checkout/</code> every file under a folder of that name; <code>src/payments/</code> or{" "}
          <code>/db/migrations/</code> from the repository's root; <code>*.proto</code> any such file;
          case-sensitive. The issues they implement keep their own intent.{" "}
          <MetricInfo id="intent-serves" label="Which items serve an intent" />
        </p>
      ) : null}
      {asked && preview.isPending ? <LoadingState compact label="Finding what the rule matches…" /> : null}
      {asked && preview.isError ? <p className="form-error">{preview.error.message}</p> : null}
      {asked && preview.data ? (
        <div className="intent-rule-preview" data-testid="intent-rule-preview-result">
          <p>
            Matches {plural(preview.data.matched, "item")}: would link {formatCount(preview.data.linked)} (
            {formatCount(preview.data.newlyAligned)} serving no intent now, {formatCount(preview.data.moved)}{" "}
            moved from another intent); {formatCount(preview.data.kept)} stay where they are (linked by hand,
            or taken by an earlier rule).
          </p>
          {preview.data.examples.length > 0 ? (
            <ul className="intent-examples">
              {preview.data.examples.map((m) => (
                <li key={m.itemId}>
                  {m.key}
                  {m.intentNow ? <span className="muted"> — now serves {m.intentNow}</span> : null}
                  {m.kept ? <span className="tag">stays</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
          <button
            type="button"
            className="btn btn-small btn-primary"
            onClick={() => add.mutate(asked)}
            disabled={add.isPending}
            data-testid="intent-rule-add"
          >
            Add the rule
          </button>
          {add.isError ? <p className="form-error">{add.error.message}</p> : null}
        </div>
      ) : null}
    </div>
  );
}

function IntentPanel({
  node,
  report,
  query,
  onClose,
  onEdit,
}: {
  node: IntentNode;
  report: IntentsReport;
  query: IntentsQuery;
  onClose: () => void;
  onEdit: () => void;
}) {
  const forecast = useQuery(intentsPageQueries.forecast(query, node.id));
  const rules = useQuery(intentsPageQueries.rules());
  const archive = useMutation({ mutationFn: () => ipc.intentsArchive(node.id, !node.archived, "") });
  const removeRule = useMutation({ mutationFn: (id: string) => ipc.intentsRuleRemove(id) });
  const brief = useMutation({
    mutationFn: async () =>
      saveHtml(await ipc.intentsBrief(query, node.id), `${fileStem(node.title)}-brief.html`),
  });
  const briefPdf = useMutation({
    mutationFn: async () =>
      savePdf(await ipc.intentsBriefPdf(query, node.id), `${fileStem(node.title)}-brief.pdf`),
    onError: (err) =>
      announceSave({ tone: "error", title: "Could not print the brief to PDF", detail: err.message }),
  });
  const siblings = report.intents.filter((i) => i.parentId === node.parentId);
  const at = siblings.findIndex((s) => s.id === node.id);
  const reorder = useMutation({
    mutationFn: (to: number) => {
      const ids = siblings.map((s) => s.id);
      ids.splice(at, 1);
      ids.splice(to, 0, node.id);
      return ipc.intentsReorder(ids);
    },
  });
  const level = (c: number) => forecast.data?.levels.find((l) => l.confidence === c)?.date ?? null;
  const mine = (rules.data ?? []).filter((r) => r.intentId === node.id);
  return (
    <SidePanel
      label="Intent"
      title={<h2 className="panel-heading">{node.title}</h2>}
      onClose={onClose}
      testId="intent-panel"
      width={520}
    >
      <p className="eyebrow">
        {KIND_LABEL[node.kind]} ·{" "}
        {node.sourceName ? `from ${node.sourceName} (${node.sourceKey ?? ""})` : "made in Baton"}
        {node.archived ? " · archived" : ""}
      </p>
      {node.description ? <p className="intent-description">{node.description}</p> : null}
      <p className="small">
        <strong>Success measure:</strong> {node.successMeasure || "none given"} · <strong>Owner:</strong>{" "}
        {node.owner ?? "none"} · <strong>Target:</strong>{" "}
        {node.targetDate ? formatDay(node.targetDate) : "none"} · <strong>Priority:</strong>{" "}
        {node.priority ?? "none"}
      </p>
      <div className="button-row">
        <button type="button" className="btn btn-small" onClick={onEdit} data-testid="intent-edit">
          Edit
        </button>
        <button type="button" className="btn btn-small" onClick={() => archive.mutate()}>
          {node.archived ? "Restore" : "Archive"}
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={at <= 0 || reorder.isPending}
          onClick={() => reorder.mutate(at - 1)}
        >
          Move up
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={at < 0 || at >= siblings.length - 1 || reorder.isPending}
          onClick={() => reorder.mutate(at + 1)}
        >
          Move down
        </button>
        <button
          type="button"
          className="btn btn-small btn-primary"
          onClick={() => brief.mutate()}
          disabled={brief.isPending}
          data-testid="intent-brief"
        >
          Export brief (HTML)
        </button>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => briefPdf.mutate()}
          disabled={briefPdf.isPending}
          data-testid="intent-brief-pdf"
        >
          {briefPdf.isPending ? "Printing PDF…" : "Export brief (PDF)"}
        </button>
      </div>
      <h3 className="section-title">Figures</h3>
      <dl className="intent-figures">
        <Figure
          label="Progress"
          metric="intent-progress"
          value={`${share(node.progress)} (${formatCount(node.done)} of ${formatCount(node.items - node.canceled)} items)`}
        />
        {node.pointsProgress === null ? null : (
          <Figure
            label="Progress in points"
            metric="intent-points"
            value={`${share(node.pointsProgress)} (${formatPoints(node.pointsDone ?? 0)} of ${formatPoints(node.points ?? 0)} points; ${formatCount(node.estimated)} of ${formatCount(node.items - node.canceled)} items estimated)`}
          />
        )}
        <Figure label="Throughput" metric="intent-flow" value={plural(node.throughput, "item")} />
        <Figure
          label="Cycle time P50 / P85"
          metric="intent-flow"
          value={`${formatDays(node.cycleP50Days)} / ${formatDays(node.cycleP85Days)}`}
        />
        <Figure label="In progress" metric="intent-flow" value={formatCount(node.wip)} />
        <Figure label="Oldest in progress" metric="intent-flow" value={formatDays(node.oldestWipDays)} />
        <Figure label="AI share" metric="intent-contributors" value={share(node.aiShare)} />
        <Figure
          label="Blocked / at risk"
          metric="intent-risks"
          value={`${formatCount(node.blocked)} / ${formatCount(node.atRisk)}`}
        />
        <Figure label="Pending decisions" metric="intent-risks" value={formatCount(node.pendingDecisions)} />
        <Figure label="Policy violations" metric="intent-risks" value={formatCount(node.policyViolations)} />
        <Figure
          label="Forecast P50 / P85"
          metric="intent-forecast"
          value={
            forecast.isPending
              ? "simulating…"
              : forecast.isError
                ? "could not be made"
                : `${level(50) ? formatDay(level(50) ?? "") : "—"} / ${level(85) ? formatDay(level(85) ?? "") : "—"}`
          }
        />
      </dl>
      <p className="small muted">
        Linked to it directly: {formatCount(node.linkedBySource)} by the source,{" "}
        {formatCount(node.linkedByRule)} by rules, {formatCount(node.linkedByHand)} by hand{" "}
        <MetricInfo id="intent-serves" label="Which items serve it" />
      </p>
      <h3 className="section-title">
        Who contributes <MetricInfo id="intent-contributors" label="Teams and agents" />
      </h3>
      <p className="small">
        Teams: {node.teams.length ? node.teams.map((t) => `${t.name} (${t.items})`).join(", ") : "none"}
      </p>
      <p className="small">
        Agents: {node.agents.length ? node.agents.map((t) => `${t.name} (${t.items})`).join(", ") : "none"}
      </p>
      <h3 className="section-title">Rules that link work here</h3>
      {mine.length > 0 ? (
        <ul className="intent-rules">
          {mine.map((r) => (
            <li key={r.id}>
              {RULE_FIELDS.find((f) => f.field === r.field)?.label ?? r.field} matches{" "}
              <code>{r.pattern}</code> · {plural(r.linked, "item")} · by {r.actor}{" "}
              <button
                type="button"
                className="btn btn-small btn-ghost"
                onClick={() => removeRule.mutate(r.id)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No rule yet.</p>
      )}
      <RuleForm intentId={node.id} />
    </SidePanel>
  );
}

function IntentTree({ report, onOpen }: { report: IntentsReport; onOpen: (id: string) => void }) {
  if (report.intents.length === 0) {
    return (
      <EmptyState title="No intent yet">
        Intents come from the sources (Jira epics and initiatives, GitHub milestones) or are made here with
        “New intent”.
      </EmptyState>
    );
  }
  return (
    <div className="table-scroll">
      <table className="data-table intent-tree" data-testid="intent-tree">
        <thead>
          <tr>
            <th scope="col">Intent</th>
            <th scope="col" className="num">
              Progress <MetricInfo id="intent-progress" label="Progress" />
              {report.pointsAvailable ? (
                <div className="th-sub">
                  items, then points <MetricInfo id="intent-points" label="Progress in points" />
                </div>
              ) : null}
            </th>
            <th scope="col" className="num">
              In progress <MetricInfo id="intent-flow" label="Flow of an intent" />
            </th>
            <th scope="col" className="num">
              Throughput
            </th>
            <th scope="col" className="num">
              Cycle P50
            </th>
            <th scope="col" className="num">
              Oldest
            </th>
            <th scope="col" className="num">
              AI share <MetricInfo id="intent-contributors" label="AI share" />
            </th>
            <th scope="col" className="num">
              Blocked / at risk <MetricInfo id="intent-risks" label="Risks" />
            </th>
            <th scope="col" className="num" title="Decisions pending / policy violations">
              Decisions / violations
            </th>
          </tr>
        </thead>
        <tbody>
          {report.intents.map((n) => (
            <tr
              key={n.id}
              className={n.archived ? "intent-archived" : undefined}
              data-testid={`intent-row-${n.id}`}
            >
              <td>
                <button
                  type="button"
                  className="intent-name"
                  style={{ paddingLeft: `${n.depth * 18}px` }}
                  onClick={() => onOpen(n.id)}
                >
                  <span className="tag">{KIND_LABEL[n.kind]}</span> {n.title}
                </button>
                {n.origin === "source" ? (
                  <div
                    className="muted small"
                    style={{ paddingLeft: `${n.depth * 18}px` }}
                    data-testid={`intent-source-${n.id}`}
                  >
                    {[n.sourceName, n.sourceKey].filter(Boolean).join(" · ")}
                  </div>
                ) : null}
              </td>
              <td className="num">
                <span className="intent-bar" aria-hidden="true">
                  <span style={{ width: `${Math.round((n.progress ?? 0) * 100)}%` }} />
                </span>
                <span className="intent-progress-figure">
                  {share(n.progress)}{" "}
                  <span className="muted small">of {formatCount(n.items - n.canceled)}</span>
                </span>
                {report.pointsAvailable ? (
                  <div className="small" data-testid={`intent-points-${n.id}`}>
                    {n.pointsProgress === null ? (
                      <span className="muted">no estimates</span>
                    ) : (
                      <>
                        {share(n.pointsProgress)}{" "}
                        <span className="muted">of {formatPoints(n.points ?? 0)} pts</span>
                      </>
                    )}
                  </div>
                ) : null}
              </td>
              <td className="num">{formatCount(n.wip)}</td>
              <td className="num">{formatCount(n.throughput)}</td>
              <td className="num">{formatDays(n.cycleP50Days)}</td>
              <td className="num">{formatDays(n.oldestWipDays)}</td>
              <td className="num">{share(n.aiShare)}</td>
              <td className="num">
                {formatCount(n.blocked)} / {formatCount(n.atRisk)}
              </td>
              <td className="num">
                {formatCount(n.pendingDecisions)} / {formatCount(n.policyViolations)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Unaligned({
  u,
  intents,
  onOpenItem,
}: {
  u: UnalignedReport;
  intents: IntentNode[];
  onOpenItem: (id: string) => void;
}) {
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [target, setTarget] = useState("");
  const [reason, setReason] = useState("maintenance");
  const link = useMutation({
    mutationFn: () =>
      ipc.intentsLink(
        [...chosen],
        target === "" ? { type: "unaligned", reason } : { type: "intent", id: target },
        "",
      ),
    onSuccess: () => setChosen(new Set()),
  });
  const toggle = (id: string) =>
    setChosen((c) => {
      const next = new Set(c);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <section className="card intent-section" data-testid="intent-unaligned">
      <h2 className="card-title">
        Unaligned work <MetricInfo id="intent-unaligned" label="Unaligned work" />
      </h2>
      <p className="card-subtitle">
        {formatCount(u.wip)} of {formatCount(u.allWip)} items in progress and {formatCount(u.throughput)} of{" "}
        {formatCount(u.allThroughput)} finished in the range serve no intent; {plural(u.onPurpose, "item")}{" "}
        deliberately serve none.
      </p>
      {u.teams.length > 0 ? (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col" className="num">
                Unaligned in progress
              </th>
              <th scope="col" className="num">
                Share of its work in progress
              </th>
              <th scope="col" className="num">
                Unaligned finished
              </th>
              <th scope="col" className="num">
                Share of its throughput
              </th>
            </tr>
          </thead>
          <tbody>
            {u.teams.map((t) => (
              <tr key={t.teamId ?? "none"}>
                <td>{t.team}</td>
                <td className="num">
                  {formatCount(t.wip)} of {formatCount(t.teamWip)}
                </td>
                <td className="num">{share(t.wipShare)}</td>
                <td className="num">
                  {formatCount(t.throughput)} of {formatCount(t.teamThroughput)}
                </td>
                <td className="num">{share(t.throughputShare)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {u.rows.length > 0 ? (
        <details className="intent-by-source">
          <summary>By team and source</summary>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Team</th>
                <th scope="col">Source</th>
                <th scope="col" className="num">
                  In progress (AI)
                </th>
                <th scope="col" className="num">
                  Finished (AI)
                </th>
              </tr>
            </thead>
            <tbody>
              {u.rows.map((r) => (
                <tr key={`${r.teamId ?? ""}|${r.sourceId}`}>
                  <td>{r.team}</td>
                  <td>{r.source}</td>
                  <td className="num">
                    {formatCount(r.wip)} ({formatCount(r.aiWip)})
                  </td>
                  <td className="num">
                    {formatCount(r.throughput)} ({formatCount(r.aiThroughput)})
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
      {u.items.length === 0 ? (
        <EmptyState compact title="Every open item serves an intent" />
      ) : (
        <>
          <div className="intent-link-bar">
            <span className="small">{plural(chosen.size, "item")} chosen</span>
            <select value={target} onChange={(e) => setTarget(e.target.value)} aria-label="Link to">
              <option value="">Deliberately no intent</option>
              {intents.map((i) => (
                <option key={i.id} value={i.id}>
                  {`${"· ".repeat(i.depth)}${i.label}`}
                </option>
              ))}
            </select>
            {target === "" ? (
              <select
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                aria-label="What the work is"
              >
                <option value="maintenance">maintenance</option>
                <option value="support">support</option>
                <option value="operations">operations</option>
              </select>
            ) : null}
            <button
              type="button"
              className="btn btn-small btn-primary"
              disabled={chosen.size === 0 || link.isPending}
              onClick={() => link.mutate()}
              data-testid="intent-link"
            >
              {target === "" ? "Mark as deliberately unaligned" : "Link"}
            </button>
            {link.isError ? <span className="form-error">{link.error.message}</span> : null}
          </div>
          <p className="muted small">
            The oldest open items first ({formatCount(u.items.length)} of {formatCount(u.itemsTotal)}). Each
            link is a decision, with who and when, that a sync never undoes.
          </p>
          <ul className="intent-unaligned-list">
            {u.items.map((it) => (
              <li key={it.item.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={chosen.has(it.item.id)}
                    onChange={() => toggle(it.item.id)}
                    aria-label={`Choose ${it.item.key}`}
                  />{" "}
                </label>
                <button type="button" className="link-button" onClick={() => onOpenItem(it.item.id)}>
                  {it.item.key}
                </button>{" "}
                {it.item.title}{" "}
                <span className="muted small">
                  {it.team ?? "no team"} · {it.source} · {it.state} · {formatDays(it.ageDays)}
                  {it.provenance === "ai_agent" ? " · AI-made" : ""}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Conflicts({ report }: { report: IntentsReport }) {
  const c = report.conflicts;
  const none = c.spread.length === 0 && c.waits.length === 0 && c.priorities.length === 0;
  return (
    <section className="card intent-section" data-testid="intent-conflicts">
      <h2 className="card-title">
        Intent conflicts <MetricInfo id="intent-conflicts" label="Intent conflicts" />
      </h2>
      {none ? <EmptyState compact title="No conflict between intents" /> : null}
      {c.spread.length > 0 ? (
        <>
          <h3 className="section-title">Teams spread over more than {c.spreadLimit} intents</h3>
          <ul>
            {c.spread.map((s) => (
              <li key={s.team}>
                <strong>{s.team}</strong>: {formatCount(s.wip)} items in progress serve{" "}
                {formatCount(s.intents)} intents ({s.intentTitles.join(", ")})
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {c.priorities.length > 0 ? (
        <>
          <h3 className="section-title">Contradicting priorities</h3>
          <ul>
            {c.priorities.map((p) => (
              <li key={`${p.waitingId}|${p.blockingId}`}>
                <strong>{p.waiting}</strong> (priority {p.waitingPriority}, {p.waitingTeam}) waits on{" "}
                <strong>{p.blocking}</strong> (priority {p.blockingPriority}, {p.blockingTeam}):{" "}
                {plural(p.links, "open blocking link")}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {c.waits.length > 0 ? (
        <>
          <h3 className="section-title">Intents waiting on each other</h3>
          <ul>
            {c.waits.slice(0, 20).map((w) => (
              <li key={`${w.waitingId}|${w.blockingId}`}>
                <strong>{w.waiting}</strong> waits on <strong>{w.blocking}</strong>: {plural(w.links, "link")}
                {w.mutual ? <span className="tag tag-warning">both ways</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

export function IntentsView() {
  const zone = useChosenTimeZone();
  const offset = (zone ? zoneOffsetMinutes(zone) : null) ?? localUtcOffsetMinutes();
  const [includeArchived, setIncludeArchived] = useState(false);
  const query: IntentsQuery = { filter: withLocalZone(DEFAULT_FLOW_FILTER, offset, zone), includeArchived };
  const report = useQuery(intentsPageQueries.report(query));
  const [open, setOpen] = useState<string | null>(null);
  const [form, setForm] = useState<{ editing: string | null; initial: IntentInput } | null>(null);
  const [itemId, setItemId] = useState<string | null>(null);
  const node = report.data?.intents.find((n) => n.id === open) ?? null;
  return (
    <div className="view intents-view" data-testid="view-intents">
      <ViewHeader
        title="Intents"
        description="Which goals does the work serve, how far along is each, and what serves none?"
        actions={
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => setForm({ editing: null, initial: formFrom(null, node?.id ?? null) })}
            data-testid="intent-new"
          >
            New intent
          </button>
        }
      />
      {form ? (
        <section className="card intent-section">
          <h2 className="card-title">{form.editing ? "Edit the intent" : "New intent"}</h2>
          <IntentForm
            key={form.editing ?? "new"}
            initial={form.initial}
            intents={report.data?.intents ?? []}
            editing={form.editing}
            onDone={() => setForm(null)}
          />
        </section>
      ) : null}
      {report.isPending ? (
        <LoadingState label="Adding up the work of every intent…" />
      ) : report.isError ? (
        <ErrorState
          title="The intents could not be read"
          error={report.error}
          onRetry={() => void report.refetch()}
        />
      ) : (
        <>
          <section className="card intent-section">
            <div className="card-header">
              <h2 className="card-title">
                Goals, initiatives and milestones{" "}
                <MetricInfo id="intent-serves" label="Which items serve an intent" />
              </h2>
              <label className="small">
                <input
                  type="checkbox"
                  checked={includeArchived}
                  onChange={(e) => setIncludeArchived(e.target.checked)}
                />{" "}
                Show archived ({formatCount(report.data.archived)})
              </label>
            </div>
            <p className="card-subtitle">
              Figures over {formatDay(report.data.rangeFrom)} to {formatDay(report.data.rangeTo)}, each intent
              with everything below it.{" "}
              {report.data.pointsAvailable
                ? "Progress is counted in items, and in points where items have estimates (story points, weight)."
                : "No item has an estimate (story points, weight): progress is counted in items."}
            </p>
            <IntentTree report={report.data} onOpen={setOpen} />
          </section>
          <Unaligned u={report.data.unaligned} intents={report.data.intents} onOpenItem={setItemId} />
          <Conflicts report={report.data} />
          {node ? (
            <IntentPanel
              node={node}
              report={report.data}
              query={query}
              onClose={() => setOpen(null)}
              onEdit={() => setForm({ editing: node.id, initial: formFrom(node) })}
            />
          ) : null}
        </>
      )}
      {itemId ? <ItemDetailPanel id={itemId} onClose={() => setItemId(null)} onOpenItem={setItemId} /> : null}
    </div>
  );
}
