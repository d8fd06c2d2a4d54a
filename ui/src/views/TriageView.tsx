//! Triage: one worklist, across sources, of the items that need a human decision, each with the
//! reason it is listed and how long it has needed one. Keyboard first: j/k move, Enter opens the
//! item, one key per action (recorded as a decision), z undoes the last one.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { ItemDetailPanel } from "../items/ItemDetailPanel";
import {
  type DecisionInput,
  type DecisionView,
  ipc,
  type Provenance,
  type Reason,
  type TriageList,
  type TriageRow,
} from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { saveCsv, toCsv } from "../shared/csv";
import { formatCount, formatDays, plural } from "../shared/format";
import { Icon } from "../shared/Icon";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import { ActionForm, FORM_ACTIONS } from "../triage/ActionForm";
import {
  DEFAULT_TRIAGE_FILTERS,
  hasTriageFilters,
  type TriageFilters,
  useTriageLocation,
} from "../triage/filters";
import { TRIAGE_MAX, TRIAGE_PAGE, triageQueries } from "../triage/queries";
import {
  ACTIONS,
  type ActionId,
  REASON_LABELS,
  REASON_SHORT,
  REASONS,
  reasonDefinition,
  reasonMetricId,
  SHOW_LABELS,
  SORT_LABELS,
  UNDO_KEY,
} from "../triage/vocabulary";
import { ProvenanceBadge } from "../workgraph/badges";
import { PROVENANCE_LABELS, PROVENANCES } from "../workgraph/vocabulary";
import { summaryQuery } from "../workspace/queries";
import { ViewHeader } from "./ViewHeader";
import "../triage/triage.css";

/** Whether a key press belongs to a text field (then the page's keys stay out of the way). */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
}

/** Decisions recorded on this page, newest last: what undo takes back. */
type Done = { decision: DecisionView; key: string };

function decisionsCsv(rows: DecisionView[]): string {
  return toCsv([
    [
      "id",
      "item_id",
      "kind",
      "summary",
      "actor",
      "why",
      "at",
      "reasons",
      "covers",
      "supersedes",
      "revoked_by",
    ],
    ...rows.map((d) => [
      d.id,
      d.itemId,
      d.kind,
      d.summary,
      d.actor,
      d.why,
      d.at,
      d.reasons.join(" "),
      d.covers.join(" "),
      d.supersedes,
      d.revokedBy,
    ]),
  ]);
}

function ReasonTags({ row }: { row: TriageRow }) {
  return (
    <ul className="triage-reasons">
      {row.reasons.map((r) => (
        <li key={r.reason} className="triage-reason" data-testid="triage-reason" data-reason={r.reason}>
          <span className={`tag triage-tag triage-tag-${r.reason}`} title={reasonDefinition(r.reason)}>
            {REASON_SHORT[r.reason]}
          </span>{" "}
          <span className="triage-detail">{r.detail}</span>
        </li>
      ))}
    </ul>
  );
}

function Who({ row }: { row: TriageRow }) {
  return (
    <div className="triage-who">
      <ProvenanceBadge provenance={row.provenance} agent={row.agent} />
      {row.requester ? (
        <span className="small muted" title="Who asked the agent for it">
          asked by <span>{row.requester.name}</span>
        </span>
      ) : null}
      <span className="small" title="Who answers for it">
        {row.accountable ? (
          <>
            <span className="muted">owner</span> <span>{row.accountable.name}</span>
          </>
        ) : (
          <span className="no">no accountable human</span>
        )}
      </span>
    </div>
  );
}

function ReasonBar({
  list,
  filters,
  onToggle,
}: {
  list: TriageList | undefined;
  filters: TriageFilters;
  onToggle: (r: Reason) => void;
}) {
  return (
    <ul className="triage-reason-bar" aria-label="Reasons">
      {REASONS.map((r) => {
        const count = list?.byReason.find((c) => c.reason === r)?.count ?? null;
        const on = filters.reasons.includes(r);
        return (
          <li key={r} className={on ? "triage-reason-chip active" : "triage-reason-chip"}>
            <button
              type="button"
              className="triage-reason-toggle"
              aria-pressed={on}
              title={reasonDefinition(r)}
              onClick={() => onToggle(r)}
              data-testid={`triage-reason-${r}`}
            >
              <span className="triage-reason-count num">{count === null ? "—" : formatCount(count)}</span>
              <span>{REASON_LABELS[r]}</span>
            </button>
            <MetricInfo id={reasonMetricId(r)} label={REASON_LABELS[r]} />
          </li>
        );
      })}
    </ul>
  );
}

function Select<T extends string>({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: T | "";
  options: readonly { value: T; label: string }[];
  onChange: (value: T | "") => void;
  testId: string;
}) {
  return (
    <label className="triage-select">
      <span className="filter-label">{label}</span>
      <select
        className="input"
        value={value}
        onChange={(e) => onChange(e.target.value as T | "")}
        data-testid={testId}
      >
        <option value="">All</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function Toolbar({ filters, onChange }: { filters: TriageFilters; onChange: (f: TriageFilters) => void }) {
  const summary = useQuery(summaryQuery());
  const teams = (summary.data?.byTeam ?? []).map((t) => ({
    value: t.key,
    label: t.key ? t.label : "No team",
  }));
  const sources = (summary.data?.bySource ?? []).map((s) => ({ value: s.key, label: s.label }));
  return (
    <div className="triage-toolbar" data-testid="triage-toolbar">
      <Select
        label="Team"
        value={filters.teams[0] ?? ""}
        options={teams}
        onChange={(v) => onChange({ ...filters, teams: v === "" ? [] : [v] })}
        testId="triage-filter-team"
      />
      <Select
        label="Source"
        value={filters.sources[0] ?? ""}
        options={sources}
        onChange={(v) => onChange({ ...filters, sources: v ? [v] : [] })}
        testId="triage-filter-source"
      />
      <Select<Reason>
        label="Reason"
        value={filters.reasons[0] ?? ""}
        options={REASONS.map((r) => ({ value: r, label: REASON_LABELS[r] }))}
        onChange={(v) => onChange({ ...filters, reasons: v ? [v] : [] })}
        testId="triage-filter-reason"
      />
      <Select<Provenance>
        label="Made by"
        value={filters.provenances[0] ?? ""}
        options={PROVENANCES.map((p) => ({ value: p, label: PROVENANCE_LABELS[p] }))}
        onChange={(v) => onChange({ ...filters, provenances: v ? [v] : [] })}
        testId="triage-filter-provenance"
      />
      <label className="triage-select">
        <span className="filter-label">Sort</span>
        <select
          className="input"
          value={filters.sort}
          onChange={(e) =>
            onChange({ ...filters, sort: e.target.value === "waiting_on_it" ? "waiting_on_it" : "age" })
          }
          data-testid="triage-sort"
        >
          <option value="age">{SORT_LABELS.age}</option>
          <option value="waiting_on_it">{SORT_LABELS.waiting_on_it}</option>
        </select>
      </label>
      <fieldset className="segmented segmented-small" aria-label="Show">
        {(["open", "decided"] as const).map((s) => (
          <label key={s} className={filters.show === s ? "segment active" : "segment"}>
            <input
              type="radio"
              name="triage-show"
              checked={filters.show === s}
              onChange={() => onChange({ ...filters, show: s })}
              data-testid={`triage-show-${s}`}
            />
            {SHOW_LABELS[s]}
          </label>
        ))}
      </fieldset>
    </div>
  );
}

function KeyHelp() {
  return (
    <p className="triage-keys small muted" data-testid="triage-keys">
      <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open ·{" "}
      {ACTIONS.map((a) => (
        <span key={a.id}>
          <kbd>{a.key}</kbd> {a.label.toLowerCase()} ·{" "}
        </span>
      ))}
      <kbd>{UNDO_KEY}</kbd> undo
    </p>
  );
}

export function TriageView() {
  const client = useQueryClient();
  const { filters, itemId, setFilters, openItem } = useTriageLocation();
  const [limit, setLimit] = useState(TRIAGE_PAGE);
  const list = useQuery(triageQueries.list(filters, limit));
  const rows = list.data?.rows ?? [];
  const [selected, setSelected] = useState(0);
  const [form, setForm] = useState<ActionId | null>(null);
  const [done, setDone] = useState<Done[]>([]);
  const [status, setStatus] = useState<string>("");
  const [failure, setFailure] = useState<string | null>(null);
  const listRef = useRef<HTMLTableSectionElement>(null);

  // Another filter, another list: start from its top.
  const filterKey = JSON.stringify(filters);
  useEffect(() => {
    void filterKey;
    setSelected(0);
  }, [filterKey]);

  const index = rows.length === 0 ? -1 : Math.min(selected, rows.length - 1);
  const current = index >= 0 ? rows[index] : undefined;

  const refresh = useCallback(() => client.invalidateQueries({ queryKey: triageQueries.all() }), [client]);

  const decide = useMutation({
    mutationFn: (v: { row: TriageRow; decision: DecisionInput; why: string }) =>
      ipc.triageDecide({ itemId: v.row.id, decision: v.decision, why: v.why }),
    onSuccess: (decision, v) => {
      setDone((d) => [...d, { decision, key: v.row.key }]);
      setForm(null);
      setFailure(null);
      setStatus(`${v.row.key}: ${decision.summary}. Press ${UNDO_KEY} to undo.`);
      void refresh();
    },
    onError: (err) => setFailure(err instanceof Error ? err.message : String(err)),
  });

  const undo = useMutation({
    mutationFn: (d: Done) => ipc.triageUndo(d.decision.id, "Undone on the Triage page"),
    onSuccess: (_view, d) => {
      setDone((all) => all.filter((x) => x.decision.id !== d.decision.id));
      setFailure(null);
      setStatus(`Undone: ${d.key}: ${d.decision.summary}.`);
      void refresh();
    },
    onError: (err) => setFailure(err instanceof Error ? err.message : String(err)),
  });

  const exportAll = useMutation({
    mutationFn: async () => {
      const all = await ipc.decisionsList(null);
      return saveCsv(decisionsCsv(all), "baton-decisions.csv");
    },
    onError: (err) => setFailure(err instanceof Error ? err.message : String(err)),
  });

  const act = useCallback(
    (action: ActionId) => {
      if (!current || decide.isPending) return;
      setFailure(null);
      if (FORM_ACTIONS.has(action)) {
        setForm(action);
        return;
      }
      if (action === "accept") decide.mutate({ row: current, decision: { kind: "accepted" }, why: "" });
      if (action === "reject") decide.mutate({ row: current, decision: { kind: "rejected" }, why: "" });
      if (action === "handoff") {
        const upstream = current.reasons.find((r) => r.reason === "handoff_undelivered")?.other;
        if (!upstream) {
          setFailure(`${current.key} is not waiting on a handoff.`);
          return;
        }
        decide.mutate({
          row: current,
          decision: { kind: "handoff_delivered", upstream: upstream.id },
          why: "",
        });
      }
    },
    [current, decide],
  );

  const undoLast = useCallback(() => {
    const last = done.at(-1);
    if (!last || undo.isPending) {
      if (!last) setStatus("Nothing to undo.");
      return;
    }
    undo.mutate(last);
  }, [done, undo]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.defaultPrevented || e.altKey || e.metaKey || e.ctrlKey || typing(e.target) || form) return;
      const key = e.key;
      if (key === "j" || key === "ArrowDown") {
        e.preventDefault();
        setSelected((n) => Math.min(n + 1, Math.max(0, rows.length - 1)));
      } else if (key === "k" || key === "ArrowUp") {
        e.preventDefault();
        setSelected((n) => Math.max(0, n - 1));
      } else if (key === "Enter") {
        // Enter on a button or a link is that control's.
        const onControl = e.target instanceof HTMLElement && e.target.closest("button, a") !== null;
        if (current && !onControl) {
          e.preventDefault();
          openItem(current.id);
        }
      } else if (key === UNDO_KEY) {
        e.preventDefault();
        undoLast();
      } else {
        const action = ACTIONS.find((a) => a.key === key);
        if (action) {
          e.preventDefault();
          act(action.id);
        }
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [rows.length, current, form, act, undoLast, openItem]);

  // Keep the selected row in view.
  useEffect(() => {
    const el = listRef.current?.querySelector<HTMLElement>(`[data-index="${index}"]`);
    el?.scrollIntoView?.({ block: "nearest" });
  }, [index]);

  let body: ReactNode;
  if (list.isPending) {
    body = <LoadingState label="Finding the items that need a decision…" />;
  } else if (list.isError) {
    body = (
      <ErrorState title="Could not build the worklist" error={list.error} onRetry={() => list.refetch()} />
    );
  } else if (rows.length === 0) {
    body = hasTriageFilters(filters) ? (
      <EmptyState
        title="Nothing matches these filters"
        action={
          <button
            type="button"
            className="btn"
            onClick={() => setFilters({ ...DEFAULT_TRIAGE_FILTERS, sort: filters.sort, show: filters.show })}
          >
            Clear filters
          </button>
        }
      >
        {list.data.total === 0 && list.data.byReason.some((r) => r.count > 0)
          ? "Other reasons still list items: clear a filter to see them."
          : "Widen the filters to see more."}
      </EmptyState>
    ) : filters.show === "decided" ? (
      <EmptyState title="No decided items">
        Items you accept, reject, defer or mark as duplicates show here while the decision holds.
      </EmptyState>
    ) : (
      <EmptyState title="Nothing needs a decision">
        No item is listed for any reason: every AI-made item has an accountable human and an independent
        review, nothing is idle, untriaged, stuck behind a delivered blocker, older than its team's 85th
        percentile or in an unmapped state.{" "}
        {list.data.decided > 0 ? `${plural(list.data.decided, "decided item")} not shown.` : null}
      </EmptyState>
    );
  } else {
    body = (
      <div className="triage-scroll">
        <table
          className="data-table triage-table"
          aria-label="Items that need a decision"
          data-testid="triage-table"
        >
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Why it is listed</th>
              <th scope="col">Made by · owner</th>
              <th scope="col">Team · source</th>
              <th scope="col" className="num">
                Age
              </th>
              <th scope="col" className="num">
                Waiting on it <MetricInfo id="triage-waiting-on-it" label="Waiting on it" />
              </th>
            </tr>
          </thead>
          <tbody ref={listRef}>
            {rows.map((row, i) => (
              <tr
                key={row.id}
                data-index={i}
                data-testid="triage-row"
                data-id={row.id}
                aria-selected={i === index}
                className={i === index ? "triage-row selected" : "triage-row"}
                onClick={() => setSelected(i)}
                onDoubleClick={() => openItem(row.id)}
              >
                <td className="triage-item">
                  <button
                    type="button"
                    className="link-btn mono"
                    onClick={() => openItem(row.id)}
                    title="Open the item"
                  >
                    {row.key}
                  </button>
                  <span className="triage-title" data-testid="triage-title">
                    {row.title}
                  </span>
                  {row.decision ? (
                    <span className="small muted triage-decision" data-testid="triage-decision">
                      {row.decision.note}
                    </span>
                  ) : null}
                </td>
                <td>
                  <ReasonTags row={row} />
                </td>
                <td>
                  <Who row={row} />
                </td>
                <td>
                  <div>{row.teamName ?? <span className="muted">No team</span>}</div>
                  <div className="small muted">{row.sourceName}</div>
                </td>
                <td
                  className="num"
                  title={`Needs a decision since ${row.reasons.map((r) => r.since).sort()[0] ?? ""}`}
                >
                  {formatDays(row.ageDays)}
                </td>
                <td className="num">
                  {row.waitingOnIt > 0 ? formatCount(row.waitingOnIt) : <span className="muted">0</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data.total > rows.length ? (
          <p className="triage-more small muted">
            Showing {formatCount(rows.length)} of {formatCount(list.data.total)}.{" "}
            {limit < TRIAGE_MAX ? (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => setLimit((l) => Math.min(TRIAGE_MAX, l * 5))}
              >
                Show more
              </button>
            ) : (
              "Narrow the filters to see the rest."
            )}
          </p>
        ) : null}
      </div>
    );
  }

  const last = done.at(-1);
  return (
    <div className="view view-triage">
      <ViewHeader
        title="Triage"
        description="Every item that needs a human decision, across sources, with the reason it is listed and how long it has waited. Decisions are recorded with who, when and why, and a sync never changes them."
        actions={
          <button
            type="button"
            className="btn"
            onClick={() => exportAll.mutate()}
            disabled={exportAll.isPending}
            data-testid="triage-export"
            title="Save every decision of this workspace as CSV"
          >
            <Icon name="external" /> Export decisions
          </button>
        }
      />
      <ReasonBar
        list={list.data}
        filters={filters}
        onToggle={(r) =>
          setFilters({
            ...filters,
            reasons: filters.reasons.includes(r) ? filters.reasons.filter((x) => x !== r) : [r],
          })
        }
      />
      <Toolbar filters={filters} onChange={(f) => setFilters(f)} />
      <div className="triage-actions" role="toolbar" aria-label="Actions on the selected item">
        {ACTIONS.map((a) => (
          <button
            key={a.id}
            type="button"
            className="btn btn-small"
            disabled={
              !current ||
              decide.isPending ||
              (a.id === "handoff" && !current.reasons.some((r) => r.reason === "handoff_undelivered"))
            }
            title={`${a.hint} (${a.key})`}
            onClick={() => act(a.id)}
            data-testid={`triage-action-${a.id}`}
          >
            <kbd>{a.key}</kbd> {a.label}
          </button>
        ))}
        <button
          type="button"
          className="btn btn-small"
          disabled={!last || undo.isPending}
          title={last ? `Undo: ${last.key}: ${last.decision.summary}` : "Nothing to undo"}
          onClick={undoLast}
          data-testid="triage-undo"
        >
          <kbd>{UNDO_KEY}</kbd> Undo
        </button>
        {list.data ? (
          <span className="triage-count small muted" data-testid="triage-total" data-value={list.data.total}>
            {plural(list.data.total, "item")}
            {filters.show === "open" && list.data.decided > 0
              ? ` · ${formatCount(list.data.decided)} decided`
              : ""}
          </span>
        ) : null}
      </div>
      <KeyHelp />
      <p className="triage-status small" role="status" aria-live="polite" data-testid="triage-status">
        {status}
      </p>
      {failure && !form ? (
        <p className="error-text small" role="alert" data-testid="triage-error">
          {failure}
        </p>
      ) : null}
      {form && current ? (
        <ActionForm
          key={`${form}-${current.id}`}
          action={form}
          row={current}
          busy={decide.isPending}
          error={failure}
          onCancel={() => {
            setForm(null);
            setFailure(null);
          }}
          onSubmit={(decision, why) => decide.mutate({ row: current, decision, why })}
        />
      ) : null}
      {body}
      {itemId ? (
        <ItemDetailPanel key={itemId} id={itemId} onClose={() => openItem(null)} onOpenItem={openItem} />
      ) : null}
    </div>
  );
}
