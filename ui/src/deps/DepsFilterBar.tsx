//! The Dependencies page's filters: teams and intents (with their descendants), shared by the
//! team map, the lists and the item graph.

import { useQuery } from "@tanstack/react-query";
import type { DepsFilter, TeamNode } from "../lib/ipc";
import { MultiSelect, type Option } from "../shared/MultiSelect";
import { intentTree } from "./CriticalPathPanel";
import { hasFilter } from "./location";
import { depsQueries } from "./queries";

const KIND_LABELS = { goal: "Goal", initiative: "Initiative", milestone: "Milestone" } as const;

export function DepsFilterBar({
  filter,
  teams,
  onChange,
  updating,
}: {
  filter: DepsFilter;
  /** The report's teams (every team of the workspace). */
  teams: TeamNode[];
  onChange: (filter: DepsFilter) => void;
  updating: boolean;
}) {
  const intents = useQuery(depsQueries.intents());
  const teamOptions: Option[] = [...teams]
    .sort((a, b) => a.teamName.localeCompare(b.teamName))
    .map((t) => ({
      value: t.teamId,
      label: t.teamName,
      count: t.blocking + t.blocked,
      hint: `${t.blocking} open blocking links to other teams, ${t.blocked} from them`,
    }));
  // A team chosen from a link but not (yet) in the report still shows as chosen.
  for (const id of filter.teams) {
    if (!teamOptions.some((o) => o.value === id)) teamOptions.push({ value: id, label: id || "No team" });
  }
  const intentOptions: Option[] = (intents.data ? intentTree(intents.data) : []).map(({ intent, depth }) => ({
    value: intent.id,
    label: `${"\u00a0\u00a0".repeat(depth)}${intent.label}`,
    count: intent.itemsWithDescendants,
    hint: `${KIND_LABELS[intent.kind]}; items linked to it or to what is under it`,
  }));
  return (
    <div className="flow-filter-bar" role="toolbar" aria-label="Filters" data-testid="deps-filters">
      <div className="filter-row">
        <MultiSelect
          label="Teams"
          options={teamOptions}
          selected={filter.teams}
          onChange={(values) => onChange({ ...filter, teams: values })}
          testId="deps-filter-team"
        />
        <MultiSelect
          label="Intents"
          options={intentOptions}
          selected={filter.intents}
          onChange={(values) => onChange({ ...filter, intents: values })}
          testId="deps-filter-intent"
        />
        {hasFilter(filter) ? (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="deps-filters-clear"
            onClick={() => onChange({ teams: [], intents: [] })}
          >
            Clear filters
          </button>
        ) : null}
        <span className="muted small dep-filter-note">
          {hasFilter(filter)
            ? "Rows and links that involve an item of the chosen teams or intents; analyses still run on the whole graph."
            : "All teams and intents."}
        </span>
        {updating ? (
          <span className="updating small" role="status">
            <span className="spinner spinner-small" aria-hidden="true" /> Updating…
          </span>
        ) : null}
      </div>
    </div>
  );
}
