//! The "Intents" picker of the Flow and Bottlenecks filter bar: goals with their initiatives (and
//! milestones) indented, each with the items it covers. Choosing an intent keeps the items linked
//! to it or to any intent under it (`FlowFilter.intents`), so an initiative under a chosen goal
//! is shown as already included.

import { useQuery } from "@tanstack/react-query";
import { Command } from "cmdk";
import { useEffect, useMemo, useState } from "react";
import { formatCount, plural } from "../shared/format";
import { Icon } from "../shared/Icon";
import { Popover } from "../shared/Popover";
import { intentQueries, intentTree } from "./intents";

const KIND_LABELS = { goal: "Goal", initiative: "Initiative", milestone: "Milestone" } as const;

export function IntentFilter({
  selected: saved,
  onChange,
  testId = "flow-filter-intent",
}: {
  selected: string[];
  onChange: (intents: string[]) => void;
  /** The trigger's test id; the list and its options are named after it. */
  testId?: string;
}) {
  // The filter reaches the page a moment after a change: show the choice at once meanwhile, so
  // a checkbox never flips back.
  const [selected, setSelected] = useState(saved);
  useEffect(() => setSelected(saved), [saved]);
  const intents = useQuery(intentQueries.list());
  const lines = useMemo(() => intentTree(intents.data ?? []), [intents.data]);
  const [find, setFind] = useState("");
  const chosen = useMemo(() => new Set(selected), [selected]);
  const byId = useMemo(() => new Map(lines.map((l) => [l.intent.id, l.intent])), [lines]);
  const unknown = selected.filter((id) => intents.data && !byId.has(id));

  const visible = useMemo(() => {
    const f = find.trim().toLowerCase();
    if (!f) return lines;
    // Keep a match's ancestors so it still reads in its place in the tree.
    const keep = new Set<string>();
    for (const l of lines) {
      if (l.intent.label.toLowerCase().includes(f)) {
        keep.add(l.intent.id);
        for (const a of l.ancestors) keep.add(a);
      }
    }
    return lines.filter((l) => keep.has(l.intent.id));
  }, [find, lines]);

  const summary =
    selected.length === 0
      ? "Any"
      : selected.length === 1
        ? (byId.get(selected[0] ?? "")?.label ?? "1 selected")
        : `${selected.length} selected`;

  function choose(intents: string[]) {
    setSelected(intents);
    onChange(intents);
  }

  function toggle(id: string) {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    // Tree order keeps the saved filter (and the query key) stable; unknown ids stay until cleared.
    choose([
      ...lines.map((l) => l.intent.id).filter((v) => next.has(v)),
      ...unknown.filter((v) => next.has(v)),
    ]);
  }

  return (
    <Popover
      // The last picker of the row: open towards the left so the list stays inside the window.
      align="end"
      testId={testId}
      triggerClassName={selected.length ? "btn filter-btn filter-active" : "btn filter-btn"}
      triggerLabel={`Intents filter: ${summary}`}
      trigger={
        <>
          <span className="filter-label">Intents</span>
          <span className="filter-value">
            <span>{summary}</span>
          </span>
          <Icon name="chevron-down" size={14} />
        </>
      }
    >
      {() => (
        <Command
          className="multi-select intent-select"
          style={{ minWidth: 320, maxWidth: 440 }}
          label="Intents"
          // The tree is filtered here (a match keeps its ancestors), not by cmdk.
          shouldFilter={false}
          loop
        >
          {intents.isPending ? <p className="muted small">Loading intents…</p> : null}
          {intents.isError ? (
            <p className="error-text small" role="alert">
              Could not load the intents: {intents.error.message}
            </p>
          ) : null}
          {intents.data && lines.length === 0 ? (
            <p className="muted small">
              This workspace has no goals or initiatives yet. They come from the sources (epics, projects).
            </p>
          ) : null}
          <Command.Input
            className="input multi-select-search"
            placeholder="Find intents…"
            aria-label="Find intents"
            value={find}
            onValueChange={setFind}
          />
          <Command.List className="multi-select-list" data-testid={`${testId}-list`}>
            {find && visible.length === 0 ? <p className="muted small">No match.</p> : null}
            {visible.map(({ intent, depth, ancestors }) => {
              const coveredBy = ancestors.find((a) => chosen.has(a));
              const covered = coveredBy !== undefined && !chosen.has(intent.id);
              return (
                <Command.Item
                  key={intent.id}
                  value={intent.id}
                  className="multi-select-option"
                  style={{ paddingLeft: 6 + depth * 18 }}
                  data-testid={`${testId}-option`}
                  data-id={intent.id}
                  data-depth={depth}
                  aria-checked={chosen.has(intent.id) || covered}
                  disabled={covered}
                  onSelect={() => toggle(intent.id)}
                  title={
                    covered
                      ? `Included with “${byId.get(coveredBy)?.label ?? ""}”`
                      : `${KIND_LABELS[intent.kind]}: ${plural(intent.itemsWithDescendants, "item")}, ${formatCount(intent.items)} linked directly`
                  }
                >
                  <span className="check-box" aria-hidden="true">
                    {chosen.has(intent.id) || covered ? <Icon name="check" size={12} /> : null}
                  </span>
                  <span className="multi-select-text">
                    {depth > 0 ? (
                      <span className="muted" aria-hidden="true">
                        ↳{" "}
                      </span>
                    ) : null}
                    <span>{intent.label}</span>
                    <span className="muted small"> · {KIND_LABELS[intent.kind].toLowerCase()}</span>
                  </span>
                  <span className="multi-select-count">{formatCount(intent.itemsWithDescendants)}</span>
                </Command.Item>
              );
            })}
            {unknown.map((id) => (
              <Command.Item
                key={id}
                value={id}
                className="multi-select-option"
                title="This intent is no longer in the workspace"
                aria-checked
                onSelect={() => toggle(id)}
              >
                <span className="check-box" aria-hidden="true">
                  <Icon name="check" size={12} />
                </span>
                <span className="multi-select-text">
                  <span className="muted">Removed intent ({id})</span>
                </span>
              </Command.Item>
            ))}
          </Command.List>
          <div className="multi-select-footer">
            <button
              type="button"
              className="btn btn-small"
              disabled={!selected.length}
              onClick={() => choose([])}
            >
              Clear
            </button>
          </div>
        </Command>
      )}
    </Popover>
  );
}
