//! Settings → Workflow: what each raw state of each source means (flow state, and why it waits),
//! with overrides for one kind of item (an open pull request waits for review, an open issue is
//! not started), one team, or one Jira project (a status name whose categories differ between
//! projects). Every change is saved at once and every flow number follows it.

import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import type { FlowState, ItemKind, MappingOrigin, WaitReason, WorkflowRow } from "../lib/ipc";
import { formatCount, plural } from "../shared/format";
import { Icon } from "../shared/Icon";
import { Menu } from "../shared/Menu";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import {
  FLOW_STATE_HINTS,
  FLOW_STATE_LABELS,
  FLOW_STATES,
  ITEM_KIND_LABELS,
  ITEM_KINDS,
  WAIT_REASON_LABELS,
  WAIT_REASONS,
} from "../workgraph/vocabulary";
import { summaryQuery } from "../workspace/queries";
import { useWorkflowSet, workflowQueries } from "./queries";

const ORIGIN_LABELS: Record<MappingOrigin, { label: string; hint: string }> = {
  user: { label: "set by you", hint: "Set by a person in Baton" },
  seeded: { label: "seeded", hint: "Seeded by the connector from the source's own status categories" },
  inferred: { label: "inferred", hint: "Inferred by Baton from the state's name: check it" },
  unmapped: {
    label: "unmapped",
    hint: "Not mapped: items that pass through this state are left out of every flow number",
  },
};

const NO_REASON = "";

type Team = { id: string; name: string };

function OriginBadge({ origin }: { origin: MappingOrigin }) {
  const o = ORIGIN_LABELS[origin];
  return (
    <span className={`tag origin origin-${origin}`} title={o.hint} data-testid="workflow-origin">
      {o.label}
    </span>
  );
}

function rowKey(r: Pick<WorkflowRow, "sourceId" | "teamId" | "itemKind" | "scope" | "rawState">): string {
  return `${r.sourceId}\u0000${r.teamId}\u0000${r.itemKind ?? ""}\u0000${r.scope}\u0000${r.rawState}`;
}

/** "Pull requests", "Defects": how a kind's own mapping is named. */
function kindPlural(kind: ItemKind): string {
  const label = ITEM_KIND_LABELS[kind];
  return `${label}s`;
}

/** Whom an override applies to: "Payments", "Pull requests", "Payments · pull requests". */
function overrideWho(row: WorkflowRow): string {
  const team = row.teamId === "" ? null : (row.teamName ?? row.teamId);
  const kind = row.itemKind === null ? null : kindPlural(row.itemKind);
  if (team && kind) return `${team} · ${kind.toLowerCase()}`;
  return team ?? kind ?? "";
}

/** One mapping (shared, or a team's own) with its two selects, saved on change. */
function MappingRow({
  row,
  teams,
  overrides,
  focused,
}: {
  row: WorkflowRow;
  teams: Team[];
  overrides: WorkflowRow[];
  focused: boolean;
}) {
  const save = useWorkflowSet();
  const [draft, setDraft] = useState<{ flow: FlowState | null; reason: WaitReason | null }>({
    flow: row.flowState,
    reason: row.waitReason,
  });
  // The list refetched after a save (or another change): show what is stored.
  useEffect(() => setDraft({ flow: row.flowState, reason: row.waitReason }), [row.flowState, row.waitReason]);
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView?.({ block: "center" });
  }, [focused]);

  const isProject = row.teamId === "" && row.itemKind === null && row.scope !== "";
  const isOverride = row.teamId !== "" || row.itemKind !== null || isProject;
  const unmapped = row.origin === "unmapped" && draft.flow === null;
  const label = isProject
    ? `${row.rawState} in project ${row.scope}`
    : isOverride
      ? `${row.rawState} for ${overrideWho(row)}`
      : row.rawState;

  function commit(flow: FlowState | null, reason: WaitReason | null) {
    const before = draft;
    setDraft({ flow, reason });
    save.mutate(
      {
        sourceId: row.sourceId,
        teamId: row.teamId,
        itemKind: row.itemKind,
        scope: row.scope,
        rawState: row.rawState,
        flowState: flow,
        waitReason: reason,
      },
      { onError: () => setDraft(before) },
    );
  }

  const teamOverridden = new Set(
    overrides.filter((o) => o.itemKind === null && o.teamId !== "").map((o) => o.teamId),
  );
  const addable = teams.filter((t) => t.id !== "" && !teamOverridden.has(t.id));
  const kindOverridden = new Set(
    overrides.filter((o) => o.teamId === "" && o.itemKind !== null).map((o) => o.itemKind),
  );
  const addableKinds = ITEM_KINDS.filter((k) => !kindOverridden.has(k));

  return (
    <>
      <tr
        ref={ref}
        className={[
          "workflow-row",
          isOverride ? "workflow-override" : "",
          unmapped ? "workflow-unmapped" : "",
          focused ? "workflow-focused" : "",
        ].join(" ")}
        data-testid={isOverride ? "workflow-override" : "workflow-row"}
        data-state={row.rawState}
        data-source={row.sourceId}
        data-team={row.teamId}
        data-kind={row.itemKind ?? ""}
        data-scope={row.scope}
      >
        <th scope="row" className="workflow-state">
          {isOverride && !isProject ? (
            <span className="workflow-team">
              <span aria-hidden="true">↳ </span>
              {overrideWho(row)} <span className="muted">only</span>
            </span>
          ) : isProject ? (
            <span
              className="workflow-team"
              title="Jira statuses of this name have different categories in different projects: each project has its own mapping"
              data-testid="workflow-project"
            >
              <span aria-hidden="true">↳ </span>
              project {row.scope} <span className="muted">only</span>
            </span>
          ) : (
            <span className="workflow-raw" data-testid="workflow-raw-state">
              {row.rawState}
            </span>
          )}
        </th>
        <td className="workflow-kind" data-testid="workflow-kind">
          {row.itemKind === null ? <span className="muted">Every kind</span> : ITEM_KIND_LABELS[row.itemKind]}
        </td>
        <td className="num">{isOverride && !isProject ? "" : formatCount(row.itemsNow)}</td>
        <td className="num">{isOverride && !isProject ? "" : formatCount(row.transitions)}</td>
        <td>
          <select
            className="input workflow-select"
            aria-label={`Flow state of ${label}`}
            value={draft.flow ?? ""}
            disabled={save.isPending}
            data-testid="workflow-flow"
            onChange={(e) => {
              const flow = e.target.value as FlowState;
              commit(flow, flow === "waiting" ? draft.reason : null);
            }}
          >
            {draft.flow === null ? (
              <option value="" disabled>
                Not mapped
              </option>
            ) : null}
            {FLOW_STATES.map((s) => (
              <option key={s} value={s} title={FLOW_STATE_HINTS[s]}>
                {FLOW_STATE_LABELS[s]}
              </option>
            ))}
          </select>
        </td>
        <td>
          <select
            className="input workflow-select"
            aria-label={`Wait reason of ${label}`}
            value={draft.reason ?? NO_REASON}
            disabled={draft.flow !== "waiting" || save.isPending}
            title={draft.flow === "waiting" ? undefined : "Only waiting states have a reason"}
            data-testid="workflow-reason"
            onChange={(e) => commit("waiting", (e.target.value || null) as WaitReason | null)}
          >
            <option value={NO_REASON}>{draft.flow === "waiting" ? "No reason" : "—"}</option>
            {WAIT_REASONS.map((r) => (
              <option key={r} value={r}>
                {WAIT_REASON_LABELS[r]}
              </option>
            ))}
          </select>
        </td>
        <td>
          <OriginBadge origin={row.origin} />
          {save.isPending ? (
            <span className="workflow-saving" role="status">
              <span className="spinner spinner-small" aria-hidden="true" />
              <span className="visually-hidden">Saving…</span>
            </span>
          ) : null}
        </td>
        <td className="workflow-actions">
          {isOverride ? (
            <button
              type="button"
              className="btn btn-small btn-ghost"
              data-testid="workflow-remove-override"
              disabled={save.isPending}
              onClick={() => commit(null, null)}
              title={
                isProject
                  ? "Remove this project's own mapping: the project uses the shared one (until the next sync seeds it again from the status's category)"
                  : row.teamId === ""
                    ? "Remove this kind's own mapping: its items use the shared one again"
                    : "Remove this team's own mapping: the team uses the shared one again"
              }
            >
              Remove
            </button>
          ) : (
            <>
              <AddKindOverride row={row} kinds={addableKinds} disabled={row.flowState === null} />
              <AddOverride row={row} teams={addable} disabled={row.flowState === null} />
            </>
          )}
        </td>
      </tr>
      {save.isError ? (
        <tr className="workflow-error-row">
          <td colSpan={8}>
            <p className="error-text small" role="alert" data-testid="workflow-error">
              <Icon name="alert" size={14} /> Could not save “{label}”: {save.error.message}
            </p>
          </td>
        </tr>
      ) : null}
    </>
  );
}

function AddOverride({ row, teams, disabled }: { row: WorkflowRow; teams: Team[]; disabled: boolean }) {
  const save = useWorkflowSet();
  if (teams.length === 0) return null;
  return (
    <>
      <Menu
        align="end"
        triggerClassName="btn btn-small btn-ghost"
        triggerLabel={`Add a team override for ${row.rawState}`}
        triggerTitle={disabled ? "Map the state first" : "Give one team its own meaning for this state"}
        testId="workflow-add-override"
        label="Teams"
        trigger={
          <>
            <Icon name="plus" size={12} /> Team override
          </>
        }
        sections={[
          {
            heading: "Override for team",
            note: disabled ? "Map the state for every team first." : null,
            actions: teams.map((t) => ({
              key: t.id,
              label: t.name,
              disabled: disabled || save.isPending,
              onSelect: () =>
                save.mutate({
                  sourceId: row.sourceId,
                  teamId: t.id,
                  itemKind: null,
                  scope: "",
                  rawState: row.rawState,
                  flowState: row.flowState,
                  waitReason: row.waitReason,
                }),
            })),
          },
        ]}
      />
      {save.isError ? (
        <p className="error-text small" role="alert">
          {save.error.message}
        </p>
      ) : null}
    </>
  );
}

function AddKindOverride({
  row,
  kinds,
  disabled,
}: {
  row: WorkflowRow;
  kinds: readonly ItemKind[];
  disabled: boolean;
}) {
  const save = useWorkflowSet();
  if (kinds.length === 0) return null;
  return (
    <>
      <Menu
        align="end"
        triggerClassName="btn btn-small btn-ghost"
        triggerLabel={`Add a kind override for ${row.rawState}`}
        triggerTitle={
          disabled
            ? "Map the state first"
            : "Give one kind of item its own meaning for this state (an open pull request waits for review, an open issue is not started)"
        }
        testId="workflow-add-kind-override"
        label="Kinds of item"
        trigger={
          <>
            <Icon name="plus" size={12} /> Kind override
          </>
        }
        sections={[
          {
            heading: "Override for",
            note: disabled ? "Map the state for every kind first." : null,
            actions: kinds.map((k) => ({
              key: k,
              label: kindPlural(k),
              disabled: disabled || save.isPending,
              onSelect: () =>
                save.mutate({
                  sourceId: row.sourceId,
                  teamId: "",
                  itemKind: k,
                  scope: "",
                  rawState: row.rawState,
                  flowState: row.flowState,
                  waitReason: row.waitReason,
                }),
            })),
          },
        ]}
      />
      {save.isError ? (
        <p className="error-text small" role="alert">
          {save.error.message}
        </p>
      ) : null}
    </>
  );
}

type SourceGroup = {
  sourceId: string;
  sourceName: string;
  rows: WorkflowRow[];
  /** Kinds' and teams' own mappings, by raw state. */
  overrides: Map<string, WorkflowRow[]>;
};

function overrideLists(groups: Map<string, SourceGroup>): WorkflowRow[][] {
  return [...groups.values()].flatMap((g) => [...g.overrides.values()]);
}

function group(rows: WorkflowRow[]): SourceGroup[] {
  const groups = new Map<string, SourceGroup>();
  for (const r of rows) {
    let g = groups.get(r.sourceId);
    if (!g) {
      g = { sourceId: r.sourceId, sourceName: r.sourceName, rows: [], overrides: new Map() };
      groups.set(r.sourceId, g);
    }
    if (r.teamId === "" && r.itemKind === null && r.scope === "") g.rows.push(r);
    else g.overrides.set(r.rawState, [...(g.overrides.get(r.rawState) ?? []), r]);
  }
  // Kinds' own mappings first, then teams'.
  for (const list of overrideLists(groups)) {
    list.sort((a, b) => Number(a.itemKind === null) - Number(b.itemKind === null));
  }
  // An override of a state no item is in now has no shared row: list it on its own.
  for (const g of groups.values()) {
    for (const [raw, list] of g.overrides) {
      if (!g.rows.some((r) => r.rawState === raw) && list[0]) {
        g.rows.push({
          ...list[0],
          teamId: "",
          teamName: null,
          itemKind: null,
          scope: "",
          origin: "unmapped",
          flowState: null,
          waitReason: null,
        });
      }
    }
  }
  return [...groups.values()];
}

export function WorkflowSettings({
  focusSource,
  focusState,
}: {
  focusSource: string | null;
  focusState: string | null;
}) {
  const list = useQuery(workflowQueries.list());
  const summary = useQuery(summaryQuery());
  const [text, setText] = useState(focusState ?? "");
  const [onlyUnmapped, setOnlyUnmapped] = useState(false);
  const teams: Team[] = useMemo(
    () => (summary.data?.byTeam ?? []).filter((t) => t.key !== "").map((t) => ({ id: t.key, name: t.label })),
    [summary.data],
  );
  const groups = useMemo(() => group(list.data ?? []), [list.data]);
  const unmappedCount = (list.data ?? []).filter(
    (r) => r.origin === "unmapped" && r.teamId === "" && r.itemKind === null && r.scope === "",
  ).length;
  const needle = text.trim().toLowerCase();

  if (list.isPending) return <LoadingState compact label="Loading the workflow map…" />;
  if (list.isError) {
    return (
      <ErrorState
        compact
        title="Could not load the workflow map"
        error={list.error}
        onRetry={() => list.refetch()}
      />
    );
  }
  if (groups.length === 0) {
    return (
      <EmptyState compact title="No states yet">
        The workflow map lists the states your sources use once items are synced. Connect a source in{" "}
        <a href="#/sources">Sources</a>, or open the demo workspace.
      </EmptyState>
    );
  }

  return (
    <div className="workflow" data-testid="workflow-settings">
      <div className="workflow-toolbar">
        <div className="search-box">
          <Icon name="search" className="search-icon" />
          <input
            className="input"
            type="search"
            placeholder="Find a state…"
            aria-label="Find a state"
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="workflow-search"
          />
        </div>
        <label className="checkbox-label">
          <input
            type="checkbox"
            checked={onlyUnmapped}
            onChange={(e) => setOnlyUnmapped(e.target.checked)}
            data-testid="workflow-only-unmapped"
          />
          Only unmapped
        </label>
        <span
          className={unmappedCount ? "workflow-count warn" : "workflow-count"}
          data-testid="workflow-unmapped-count"
        >
          {unmappedCount ? `${plural(unmappedCount, "state")} not mapped` : "Every state is mapped"}
        </span>
      </div>
      {groups.map((g) => {
        const rows = g.rows.filter(
          (r) =>
            (!needle || r.rawState.toLowerCase().includes(needle)) &&
            (!onlyUnmapped || r.origin === "unmapped"),
        );
        if (rows.length === 0) return null;
        return (
          <section key={g.sourceId} className="workflow-source" aria-label={`States of ${g.sourceName}`}>
            <h3 className="section-title">
              {g.sourceName} <span className="muted">({plural(g.rows.length, "state")})</span>
            </h3>
            <table className="data-table workflow-table">
              <thead>
                <tr>
                  <th scope="col">State at the source</th>
                  <th scope="col" title="Which items the mapping applies to">
                    Kind
                  </th>
                  <th scope="col" className="num" title="Items whose current state this is">
                    Items now
                  </th>
                  <th scope="col" className="num" title="Recorded changes into this state">
                    Transitions
                  </th>
                  <th scope="col">Flow state</th>
                  <th scope="col">Wait reason</th>
                  <th scope="col">Origin</th>
                  <th scope="col">
                    <span className="visually-hidden">Kind and team overrides</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const overrides = g.overrides.get(r.rawState) ?? [];
                  return [
                    <MappingRow
                      key={rowKey(r)}
                      row={r}
                      teams={teams}
                      overrides={overrides}
                      focused={r.sourceId === focusSource && r.rawState === focusState}
                    />,
                    ...overrides.map((o) => (
                      <MappingRow key={rowKey(o)} row={o} teams={teams} overrides={[]} focused={false} />
                    )),
                  ];
                })}
              </tbody>
            </table>
          </section>
        );
      })}
    </div>
  );
}
