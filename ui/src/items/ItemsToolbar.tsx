//! Search and filters above the Work items table.

import { useEffect, useRef, useState } from "react";
import { IntentFilter } from "../flow/IntentFilter";
import type { FlowState, ItemKind, Provenance, WorkspaceSummary } from "../lib/ipc";
import { formatCount } from "../shared/format";
import { Icon } from "../shared/Icon";
import { MultiSelect, type Option } from "../shared/MultiSelect";
import {
  FLOW_STATE_HINTS,
  FLOW_STATE_LABELS,
  FLOW_STATES,
  ITEM_KIND_LABELS,
  ITEM_KINDS,
  PROVENANCE_HINTS,
  PROVENANCE_LABELS,
  PROVENANCES,
} from "../workgraph/vocabulary";
import { DEFAULT_FILTERS, hasFilters, type ItemFilters } from "./filters";

export const SEARCH_DEBOUNCE_MS = 250;

function countOf(
  summary: WorkspaceSummary | undefined,
  list: "byFlowState" | "byKind" | "byProvenance",
  key: string,
) {
  return summary?.[list].find((c) => c.key === key)?.count;
}

/** The search box keeps its own text while typing and commits it after a pause. */
function SearchBox({ value, onCommit }: { value: string; onCommit: (text: string) => void }) {
  const [text, setText] = useState(value);
  const commitRef = useRef(onCommit);
  commitRef.current = onCommit;
  const lastCommitted = useRef(value);

  // A change from outside (Clear filters, a deep link) replaces what is typed.
  useEffect(() => {
    if (value !== lastCommitted.current) {
      lastCommitted.current = value;
      setText(value);
    }
  }, [value]);

  useEffect(() => {
    if (text === lastCommitted.current) return;
    const timer = window.setTimeout(() => {
      lastCommitted.current = text;
      commitRef.current(text);
    }, SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text]);

  return (
    <div className="search-box">
      <Icon name="search" className="search-icon" />
      <input
        className="input"
        type="search"
        placeholder="Search key or title…"
        aria-label="Search items by key or title"
        value={text}
        onChange={(e) => setText(e.target.value)}
        data-testid="items-search"
      />
    </div>
  );
}

export function ItemsToolbar({
  filters,
  onChange,
  summary,
  total,
  stale,
}: {
  filters: ItemFilters;
  onChange: (next: ItemFilters) => void;
  summary: WorkspaceSummary | undefined;
  total: number | null;
  stale: boolean;
}) {
  const teamOptions: Option[] = (summary?.byTeam ?? []).map((c) => ({
    value: c.key,
    label: c.label,
    count: c.count,
  }));
  const sourceOptions: Option[] = (summary?.bySource ?? []).map((c) => ({
    value: c.key,
    label: c.label,
    count: c.count,
  }));
  const stateOptions: Option[] = FLOW_STATES.map((s) => ({
    value: s,
    label: FLOW_STATE_LABELS[s],
    count: countOf(summary, "byFlowState", s),
    hint: FLOW_STATE_HINTS[s],
  }));
  const kindOptions: Option[] = ITEM_KINDS.filter(
    (k) => !summary || countOf(summary, "byKind", k) !== undefined,
  ).map((k) => ({ value: k, label: ITEM_KIND_LABELS[k], count: countOf(summary, "byKind", k) }));
  const provenanceOptions: Option[] = PROVENANCES.map((p) => ({
    value: p,
    label: PROVENANCE_LABELS[p],
    count: countOf(summary, "byProvenance", p),
    hint: PROVENANCE_HINTS[p],
  }));
  const all = summary?.totals.items;
  const filtered = hasFilters(filters);

  return (
    <div className="items-toolbar">
      <SearchBox value={filters.text} onCommit={(text) => onChange({ ...filters, text })} />
      <fieldset className="filter-row">
        <legend className="visually-hidden">Filters</legend>
        <MultiSelect
          label="Team"
          testId="filter-team"
          options={teamOptions}
          selected={filters.teams}
          onChange={(teams) => onChange({ ...filters, teams })}
        />
        <MultiSelect
          label="State"
          testId="filter-state"
          options={stateOptions}
          selected={filters.states}
          onChange={(states) => onChange({ ...filters, states: states as FlowState[] })}
        />
        <MultiSelect
          label="Kind"
          testId="filter-kind"
          options={kindOptions}
          selected={filters.kinds}
          onChange={(kinds) => onChange({ ...filters, kinds: kinds as ItemKind[] })}
        />
        <MultiSelect
          label="Source"
          testId="filter-source"
          options={sourceOptions}
          selected={filters.sources}
          onChange={(sources) => onChange({ ...filters, sources })}
        />
        <MultiSelect
          label="Provenance"
          testId="filter-provenance"
          options={provenanceOptions}
          selected={filters.provenances}
          onChange={(provenances) => onChange({ ...filters, provenances: provenances as Provenance[] })}
        />
        <IntentFilter
          testId="filter-intent"
          selected={filters.intents}
          onChange={(intents) => onChange({ ...filters, intents })}
        />
        {filters.unreviewed ? (
          <button
            type="button"
            className="btn btn-small filter-active"
            title="Only AI-made pull requests, open or merged, that no independent person approved. Click to remove."
            onClick={() => onChange({ ...filters, unreviewed: false })}
            data-testid="filter-unreviewed"
          >
            Without independent review <Icon name="close" size={12} />
          </button>
        ) : null}
        {filtered ? (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => onChange({ ...DEFAULT_FILTERS, sort: filters.sort, direction: filters.direction })}
            data-testid="filters-clear"
          >
            Clear filters
          </button>
        ) : null}
      </fieldset>
      <p
        className={stale ? "items-count items-stale" : "items-count"}
        data-testid="items-total"
        data-value={total ?? undefined}
        aria-live="polite"
      >
        {total === null ? (
          "Counting…"
        ) : (
          <>
            <strong>{formatCount(total)}</strong> {total === 1 ? "item" : "items"}
            {filtered && all !== undefined ? <span className="muted"> of {formatCount(all)}</span> : null}
          </>
        )}
      </p>
    </div>
  );
}
