//! Scenarios on the Plans page: the list, the editor (a named set of changes over the live
//! graph), and the comparison with the baseline that Rust computes (`plan_compare`): each
//! intent's P50/P85 dates, the difference in days and in words, the critical path, the
//! bottleneck team, and WIP per team. Every text is rendered as text.

import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import {
  type CompareSpec,
  type Comparison,
  type FlowFilter,
  type IntentCell,
  ipc,
  type Scenario,
  type ScenarioChange,
} from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { formatCount, formatDay, plural } from "../shared/format";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import { TeamSelect } from "../shared/TeamSelect";
import { SessionBar } from "./SessionBar";

export const scenarioQueries = {
  list: () => queryOptions({ queryKey: ["plans", "scenarios"], queryFn: ipc.planScenariosList }),
  compare: (spec: CompareSpec) =>
    queryOptions({
      queryKey: ["plans", "compare", spec],
      queryFn: () => ipc.planCompare(spec),
      staleTime: 60_000,
      placeholderData: keepPreviousData,
    }),
};

/** The most scenarios compared at once (Rust refuses more). */
export const MAX_COMPARED = 6;

type ChangeType = ScenarioChange["type"];

/** The kinds of change, in the order the editor offers them, with their names. */
export const CHANGE_TYPES: { type: ChangeType; label: string }[] = [
  { type: "move_work", label: "Move work to another team" },
  { type: "capacity", label: "Change a team's capacity (holidays)" },
  { type: "add_scope", label: "Add scope" },
  { type: "remove_scope", label: "Remove scope" },
  { type: "add_dependency", label: "Add a dependency" },
  { type: "remove_dependency", label: "Remove a dependency" },
  { type: "prioritize", label: "Put items first" },
  { type: "de_risk", label: "Mark an item de-risked" },
];

/** A new change of a kind, with empty fields. */
export function blankChange(type: ChangeType): ScenarioChange {
  switch (type) {
    case "add_scope":
      return { type, title: "", team: "", intent: null, items: 1, size: 1, blockedBy: [], blocks: [] };
    case "capacity":
      return { type, team: "", from: "", to: "", percent: 0 };
    case "move_work":
      return { type, item: "", team: "" };
    case "add_dependency":
    case "remove_dependency":
      return { type, blocker: "", blocked: "" };
    case "prioritize":
      return { type, items: [] };
    case "remove_scope":
    case "de_risk":
      return { type, item: "" };
  }
}

/** Item keys typed as a list ("PAY-12, PAY-13"). */
export function keyList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}

/** A difference in days, signed ("−9 d", "+2 d", "±0 d"). */
export function deltaText(days: number): string {
  if (days === 0) return "±0 d";
  return days < 0 ? `−${Math.abs(days)} d` : `+${days} d`;
}

type Draft = {
  id: string | null;
  baseVersion: number | null;
  name: string;
  notes: string;
  changes: ScenarioChange[];
};

const NEW_DRAFT: Draft = { id: null, baseVersion: null, name: "", notes: "", changes: [] };

type Option = { id: string; name: string };

function Field({ label, id, children }: { label: string; id: string; children: React.ReactNode }) {
  return (
    <div className="plan-field">
      <label className="plan-field-label" htmlFor={id}>
        {label}
      </label>
      {children}
    </div>
  );
}

function TeamField({
  value,
  teams,
  onChange,
  testId,
}: {
  value: string;
  teams: Option[];
  onChange: (v: string) => void;
  testId: string;
}) {
  return (
    <Field label="Team" id={testId}>
      <TeamSelect value={value} teams={teams} onChange={onChange} id={testId} testId={testId} />
    </Field>
  );
}

function ItemInput({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  testId: string;
}) {
  return (
    <Field label={label} id={testId}>
      <input
        value={value}
        placeholder="key, e.g. PAY-12"
        onChange={(e) => onChange(e.target.value)}
        id={testId}
        data-testid={testId}
      />
    </Field>
  );
}

function ListInput({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: string[];
  onChange: (v: string[]) => void;
  testId: string;
}) {
  const [text, setText] = useState(value.join(", "));
  return (
    <Field label={label} id={testId}>
      <input
        value={text}
        placeholder="keys, separated by commas"
        onChange={(e) => {
          setText(e.target.value);
          onChange(keyList(e.target.value));
        }}
        id={testId}
        data-testid={testId}
      />
    </Field>
  );
}

function ChangeFields({
  change,
  at,
  teams,
  intents,
  onChange,
}: {
  change: ScenarioChange;
  at: number;
  teams: Option[];
  intents: Option[];
  onChange: (c: ScenarioChange) => void;
}) {
  const id = (part: string) => `scenario-change-${at}-${part}`;
  switch (change.type) {
    case "move_work":
      return (
        <>
          <ItemInput
            label="Item"
            value={change.item}
            onChange={(item) => onChange({ ...change, item })}
            testId={id("item")}
          />
          <TeamField
            value={change.team}
            teams={teams}
            onChange={(team) => onChange({ ...change, team })}
            testId={id("team")}
          />
        </>
      );
    case "capacity":
      return (
        <>
          <TeamField
            value={change.team}
            teams={teams}
            onChange={(team) => onChange({ ...change, team })}
            testId={id("team")}
          />
          <Field label="From" id={id("from")}>
            <input
              type="date"
              value={change.from}
              onChange={(e) => onChange({ ...change, from: e.target.value })}
              id={id("from")}
              data-testid={id("from")}
            />
          </Field>
          <Field label="To (included)" id={id("to")}>
            <input
              type="date"
              value={change.to}
              onChange={(e) => onChange({ ...change, to: e.target.value })}
              id={id("to")}
              data-testid={id("to")}
            />
          </Field>
          <Field label="Capacity (%)" id={id("percent")}>
            <input
              type="number"
              min={0}
              max={500}
              value={change.percent}
              onChange={(e) => onChange({ ...change, percent: Number(e.target.value) || 0 })}
              id={id("percent")}
              data-testid={id("percent")}
            />
          </Field>
        </>
      );
    case "add_scope":
      return (
        <>
          <Field label="What" id={id("title")}>
            <input
              value={change.title}
              placeholder="e.g. Refund API"
              onChange={(e) => onChange({ ...change, title: e.target.value })}
              id={id("title")}
              data-testid={id("title")}
            />
          </Field>
          <TeamField
            value={change.team}
            teams={teams}
            onChange={(team) => onChange({ ...change, team })}
            testId={id("team")}
          />
          <Field label="Intent" id={id("intent")}>
            <select
              value={change.intent ?? ""}
              onChange={(e) => onChange({ ...change, intent: e.target.value || null })}
              id={id("intent")}
              data-testid={id("intent")}
            >
              <option value="">None (upstream only)</option>
              {intents.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Items" id={id("items")}>
            <input
              type="number"
              min={1}
              max={1000}
              value={change.items}
              onChange={(e) => onChange({ ...change, items: Number(e.target.value) || 1 })}
              id={id("items")}
              data-testid={id("items")}
            />
          </Field>
          <Field label="Relative size" id={id("size")}>
            <input
              type="number"
              min={0.1}
              max={50}
              step={0.5}
              value={change.size ?? 1}
              onChange={(e) => onChange({ ...change, size: Number(e.target.value) || 1 })}
              id={id("size")}
              data-testid={id("size")}
            />
          </Field>
          <ListInput
            label="Waits for"
            value={change.blockedBy}
            onChange={(blockedBy) => onChange({ ...change, blockedBy })}
            testId={id("blocked-by")}
          />
          <ListInput
            label="Blocks"
            value={change.blocks}
            onChange={(blocks) => onChange({ ...change, blocks })}
            testId={id("blocks")}
          />
        </>
      );
    case "add_dependency":
    case "remove_dependency":
      return (
        <>
          <ItemInput
            label="Blocked item"
            value={change.blocked}
            onChange={(blocked) => onChange({ ...change, blocked })}
            testId={id("blocked")}
          />
          <ItemInput
            label={change.type === "add_dependency" ? "Waits for" : "No longer waits for"}
            value={change.blocker}
            onChange={(blocker) => onChange({ ...change, blocker })}
            testId={id("blocker")}
          />
        </>
      );
    case "prioritize":
      return (
        <ListInput
          label="Items, first first"
          value={change.items}
          onChange={(items) => onChange({ ...change, items })}
          testId={id("items")}
        />
      );
    case "remove_scope":
    case "de_risk":
      return (
        <ItemInput
          label="Item"
          value={change.item}
          onChange={(item) => onChange({ ...change, item })}
          testId={id("item")}
        />
      );
  }
}

function ScenarioEditor({
  draft,
  teams,
  intents,
  onCancel,
  onSaved,
}: {
  draft: Draft;
  teams: Option[];
  intents: Option[];
  onCancel: () => void;
  onSaved: (s: Scenario) => void;
}) {
  const [d, setD] = useState<Draft>(draft);
  const [adding, setAdding] = useState<ChangeType>("move_work");
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: () =>
      ipc.planScenarioSave({
        id: d.id,
        baseVersion: d.baseVersion,
        name: d.name,
        notes: d.notes,
        changes: d.changes,
      }),
    onSuccess: async (s) => {
      await client.invalidateQueries({ queryKey: ["plans"] });
      onSaved(s);
    },
  });
  const setChange = (at: number, c: ScenarioChange) =>
    setD({ ...d, changes: d.changes.map((x, i) => (i === at ? c : x)) });
  return (
    <section className="card plan-form scenario-editor" aria-label="Scenario" data-testid="scenario-editor">
      <div className="plan-row">
        <Field label="Name" id="scenario-name">
          <input
            value={d.name}
            onChange={(e) => setD({ ...d, name: e.target.value })}
            id="scenario-name"
            data-testid="scenario-name"
          />
        </Field>
        <Field label="Notes" id="scenario-notes">
          <input
            value={d.notes}
            onChange={(e) => setD({ ...d, notes: e.target.value })}
            id="scenario-notes"
            data-testid="scenario-notes"
          />
        </Field>
        <MetricInfo id="scenario" label="Scenario" text="What each change means" />
      </div>
      {d.changes.length === 0 ? (
        <p className="card-subtitle">No change yet: add one below. The live graph is never changed.</p>
      ) : (
        <ol className="scenario-changes">
          {d.changes.map((c, at) => (
            // Changes have no id of their own; their position is their identity while editing.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <li key={`${at}-${c.type}`} className="scenario-change" data-testid={`scenario-change-${at}`}>
              <span className="scenario-change-kind">
                {CHANGE_TYPES.find((t) => t.type === c.type)?.label ?? c.type}
              </span>
              <div className="plan-row">
                <ChangeFields
                  change={c}
                  at={at}
                  teams={teams}
                  intents={intents}
                  onChange={(n) => setChange(at, n)}
                />
                <button
                  type="button"
                  className="btn btn-small btn-ghost btn-danger"
                  onClick={() => setD({ ...d, changes: d.changes.filter((_, i) => i !== at) })}
                  data-testid={`scenario-change-${at}-remove`}
                >
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ol>
      )}
      <div className="plan-row">
        <Field label="Add a change" id="scenario-add-type">
          <select
            value={adding}
            onChange={(e) => setAdding(e.target.value as ChangeType)}
            id="scenario-add-type"
            data-testid="scenario-add-type"
          >
            {CHANGE_TYPES.map((t) => (
              <option key={t.type} value={t.type}>
                {t.label}
              </option>
            ))}
          </select>
        </Field>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setD({ ...d, changes: [...d.changes, blankChange(adding)] })}
          data-testid="scenario-add"
        >
          Add
        </button>
      </div>
      {save.isError ? (
        <p className="scenario-error" role="alert" data-testid="scenario-save-error">
          {save.error instanceof Error ? save.error.message : String(save.error)}
        </p>
      ) : null}
      <div className="plan-row">
        <button
          type="button"
          className="btn btn-primary"
          disabled={save.isPending}
          onClick={() => save.mutate()}
          data-testid="scenario-save"
        >
          {save.isPending ? "Saving…" : "Save scenario"}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}

function FinishCell({ cell, baseline }: { cell: IntentCell; baseline: boolean }) {
  if (cell.items === 0) return <span className="muted">nothing open</span>;
  const p85 = cell.p85;
  const p50 = cell.p50;
  return (
    <div className="scenario-cell">
      <div className="scenario-p85">
        {p85 === null ? "no date" : p85.date === null ? "nothing left" : formatDay(p85.date)}
        {!baseline && cell.deltaP85 !== null ? (
          <span
            className={
              cell.deltaP85 < 0
                ? "scenario-delta scenario-delta-earlier"
                : cell.deltaP85 > 0
                  ? "scenario-delta scenario-delta-later"
                  : "scenario-delta"
            }
            data-testid="scenario-delta"
          >
            {deltaText(cell.deltaP85)}
          </span>
        ) : null}
      </div>
      <div className="muted">
        P50 {p50?.date ? formatDay(p50.date) : "–"}
        {!baseline && cell.deltaP50 !== null ? ` (${deltaText(cell.deltaP50)})` : ""}
      </div>
      {cell.bottleneck ? (
        <div className="muted">
          Bottleneck: {cell.bottleneck.team} ({cell.bottleneck.share}% of the path)
        </div>
      ) : null}
    </div>
  );
}

function PathList({ cell }: { cell: IntentCell }) {
  if (cell.criticalPath.length === 0) return <span className="muted">no path</span>;
  return (
    <ol className="scenario-path">
      {cell.criticalPath.map((s, at) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: steps of new scope share their key
        <li key={`${at}-${s.item.key}`}>
          <span className={s.added ? "scenario-new" : undefined}>{s.item.key}</span> {s.item.title} · {s.team}{" "}
          · {s.share}%
        </li>
      ))}
      {cell.criticalLength > cell.criticalPath.length ? (
        <li className="muted">… {plural(cell.criticalLength - cell.criticalPath.length, "more item")}</li>
      ) : null}
    </ol>
  );
}

function ComparisonView({ c }: { c: Comparison }) {
  const [open, setOpen] = useState<string | null>(null);
  const cols = c.columns.length;
  return (
    <div className="scenario-compare" data-testid="scenario-compare">
      <section className="card plan-headline">
        <h2 className="card-title">
          What changes <MetricInfo id="scenario-compare" label="Scenarios compared" />
        </h2>
        <p className="card-subtitle">
          From {formatDay(c.start)}, every team at its pace of {formatDay(c.windowFrom)} to{" "}
          {formatDay(c.windowTo)} ({formatCount(c.windowDays)} days); {formatCount(c.trials)} trials per
          forecast, seed {c.seed}, the same draws in every column.
        </p>
        {c.explanations.length > 0 ? (
          <ul className="scenario-explanations" data-testid="scenario-explanations">
            {c.explanations.map((e) => (
              <li key={`${e.scenario}-${e.intent}`}>{e.text}</li>
            ))}
          </ul>
        ) : (
          <p data-testid="scenario-explanations-empty">
            {cols > 1
              ? "No scenario moves an intent's 85% date."
              : "Choose scenarios above to compare them with the baseline."}
          </p>
        )}
        {c.notes.map((n) => (
          <p key={n} className="muted">
            {n}
          </p>
        ))}
      </section>
      <section className="card" aria-label="Finish dates per intent">
        <h2 className="card-title">
          Finish dates per intent, 85% confidence{" "}
          <MetricInfo id="scenario-compare" label="Finish dates per intent" />
        </h2>
        <div className="scenario-table-wrap">
          <table className="table scenario-table" data-testid="scenario-table">
            <thead>
              <tr>
                <th scope="col">Intent</th>
                {c.columns.map((col) => (
                  <th scope="col" key={col.id ?? "baseline"}>
                    {col.name}
                    {col.changes.length > 0 ? (
                      <ul className="scenario-col-changes">
                        {col.changes.map((t, at) => (
                          // biome-ignore lint/suspicious/noArrayIndexKey: two changes may read alike
                          <li key={at}>{t}</li>
                        ))}
                      </ul>
                    ) : null}
                    {col.warnings.map((w) => (
                      <div key={w} className="scenario-warning">
                        {w}
                      </div>
                    ))}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {c.intents.map((row) => (
                <Fragment key={row.id}>
                  <tr>
                    <th scope="row">
                      <button
                        type="button"
                        className="btn btn-small btn-ghost"
                        aria-expanded={open === row.id}
                        onClick={() => setOpen(open === row.id ? null : row.id)}
                        data-testid={`scenario-intent-${row.id}`}
                      >
                        {row.name}
                      </button>
                      <div className="muted">
                        {plural(row.cells[0]?.items ?? 0, "open item")},{" "}
                        {formatCount(row.cells[0]?.upstreamItems ?? 0)} upstream
                      </div>
                    </th>
                    {row.cells.map((cell, at) => (
                      <td key={c.columns[at]?.id ?? "baseline"}>
                        <FinishCell cell={cell} baseline={at === 0} />
                      </td>
                    ))}
                  </tr>
                  {open === row.id ? (
                    <tr className="scenario-detail" data-testid="scenario-detail">
                      <th scope="row">
                        Critical path <MetricInfo id="scenario-critical-path" label="Critical path" />
                      </th>
                      {row.cells.map((cell, at) => (
                        <td key={c.columns[at]?.id ?? "baseline"}>
                          <PathList cell={cell} />
                          {cell.risks.length > 0 ? (
                            <ul className="scenario-risks">
                              {cell.risks.map((r) => (
                                <li key={r}>{r}</li>
                              ))}
                            </ul>
                          ) : null}
                        </td>
                      ))}
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card" aria-label="Teams">
        <h2 className="card-title">
          WIP per team <MetricInfo id="scenario-wip" label="WIP per team" />
        </h2>
        <div className="scenario-table-wrap">
          <table className="table scenario-table" data-testid="scenario-teams">
            <thead>
              <tr>
                <th scope="col">Team</th>
                {c.columns.map((col) => (
                  <th scope="col" key={col.id ?? "baseline"}>
                    {col.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {c.teams.map((t) => (
                <tr key={t.team}>
                  <th scope="row">{t.team}</th>
                  {t.cells.map((cell, at) => (
                    <td key={c.columns[at]?.id ?? "baseline"}>
                      WIP {formatCount(cell.wip)} · open {formatCount(cell.open)}
                      {cell.bottleneckOf.length > 0 ? (
                        <div className="scenario-warning">Bottleneck of {cell.bottleneckOf.join(", ")}</div>
                      ) : null}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

/** The Scenarios part of the Plans page. */
export function ScenariosPanel({
  base,
  teams,
  intents,
}: {
  base: FlowFilter;
  teams: Option[];
  intents: Option[];
}) {
  const list = useQuery(scenarioQueries.list());
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) => ipc.planScenarioDelete(id),
    onSuccess: () => client.invalidateQueries({ queryKey: ["plans"] }),
  });
  const scenarios = list.data ?? [];
  // Until someone chooses, the first three scenarios are compared.
  const picked = (chosen ?? scenarios.slice(0, 3).map((s) => s.id)).filter((id) =>
    scenarios.some((s) => s.id === id),
  );
  const compare = useQuery({
    ...scenarioQueries.compare({
      filter: base,
      scenarios: picked,
      intents: [],
      windowDays: null,
      trials: null,
      seed: null,
    }),
    enabled: list.isSuccess,
  });
  const toggle = (id: string) => {
    const now = picked.includes(id) ? picked.filter((x) => x !== id) : [...picked, id];
    setChosen(now.slice(0, MAX_COMPARED));
  };
  return (
    <div className="scenarios" data-testid="scenarios">
      <SessionBar />
      <section className="card plan-form" aria-label="Scenarios">
        <div className="plan-row scenario-list-head">
          <h2 className="card-title">Scenarios</h2>
          <button
            type="button"
            className="btn btn-small btn-primary"
            onClick={() => setDraft(NEW_DRAFT)}
            data-testid="scenario-new"
          >
            New scenario
          </button>
        </div>
        {list.isPending ? (
          <LoadingState label="Loading scenarios…" compact />
        ) : list.isError ? (
          <ErrorState
            title="The scenarios could not be read"
            error={list.error}
            onRetry={() => void list.refetch()}
            compact
          />
        ) : scenarios.length === 0 ? (
          <EmptyState title="No scenario yet" compact>
            A scenario is a named set of changes — move work, a holiday, new scope, a dependency — compared
            with the plan as it stands. The live graph is never changed.
          </EmptyState>
        ) : (
          <ul className="scenario-list" data-testid="scenario-list">
            {scenarios.map((s) => (
              <li key={s.id} className="scenario-list-item">
                <label className="plan-choice">
                  <input
                    type="checkbox"
                    checked={picked.includes(s.id)}
                    onChange={() => toggle(s.id)}
                    disabled={!picked.includes(s.id) && picked.length >= MAX_COMPARED}
                    data-testid={`scenario-pick-${s.id}`}
                  />
                  <span className="scenario-list-name">{s.name}</span>
                </label>
                <span className="muted">
                  {plural(s.changes.length, "change")} · saved by {s.updatedBy},{" "}
                  {formatDay(s.updatedAt.slice(0, 10))}
                  {s.notes ? ` · ${s.notes}` : ""}
                </span>
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  onClick={() =>
                    setDraft({
                      id: s.id,
                      baseVersion: s.version,
                      name: s.name,
                      notes: s.notes,
                      changes: s.changes,
                    })
                  }
                  data-testid={`scenario-edit-${s.id}`}
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-ghost btn-danger"
                  onClick={() => remove.mutate(s.id)}
                  data-testid={`scenario-delete-${s.id}`}
                >
                  Delete
                </button>
              </li>
            ))}
          </ul>
        )}
        {remove.isError ? (
          <p className="scenario-error" role="alert">
            {remove.error instanceof Error ? remove.error.message : String(remove.error)}
          </p>
        ) : null}
      </section>
      {draft ? (
        <ScenarioEditor
          key={draft.id ?? "new"}
          draft={draft}
          teams={teams}
          intents={intents}
          onCancel={() => setDraft(null)}
          onSaved={(s) => {
            setDraft(null);
            if (!picked.includes(s.id)) setChosen([...picked, s.id].slice(0, MAX_COMPARED));
          }}
        />
      ) : null}
      {!list.isSuccess ? null : compare.isPending ? (
        <LoadingState label="Simulating the baseline and every scenario…" />
      ) : compare.isError ? (
        <ErrorState
          title="The comparison could not be made"
          error={compare.error}
          onRetry={() => void compare.refetch()}
        />
      ) : (
        <ComparisonView c={compare.data} />
      )}
    </div>
  );
}
