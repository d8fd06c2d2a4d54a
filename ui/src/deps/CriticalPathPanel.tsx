//! The critical path: pick a target (an item, or an intent and everything under it), then read
//! its P50 and P85 finish dates and the chain of latest dependencies leading to it.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { CriticalPath, IntentInfo, Target } from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { fileStem, saveCsv, toCsv } from "../shared/csv";
import { formatCount, formatDate, formatDays, formatRelative, plural } from "../shared/format";
import { ErrorState, LoadingState } from "../shared/states";
import { criticalRows } from "./csvData";
import { ItemSearch } from "./ItemSearch";
import { makeTarget } from "./location";
import { DefaultBadge, ItemChip, stateLabel } from "./parts";
import { depsQueries } from "./queries";

const INTENT_KIND_LABELS: Record<IntentInfo["kind"], string> = {
  goal: "Goal",
  initiative: "Initiative",
  milestone: "Milestone",
};

/** Intents as a tree, depth first, each with its depth (for indenting the picker). */
export function intentTree(intents: IntentInfo[]): { intent: IntentInfo; depth: number }[] {
  const children = new Map<string | null, IntentInfo[]>();
  const known = new Set(intents.map((i) => i.id));
  for (const i of intents) {
    const parent = i.parentId && known.has(i.parentId) ? i.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), i]);
  }
  const out: { intent: IntentInfo; depth: number }[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const i of [...(children.get(parent) ?? [])].sort((a, b) => a.title.localeCompare(b.title))) {
      if (seen.has(i.id)) continue;
      seen.add(i.id);
      out.push({ intent: i, depth });
      walk(i.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

export function TargetPicker({
  target,
  focus,
  onChange,
}: {
  target: Target | null;
  /** The focused item, offered as a one-click target. */
  focus: { id: string; key: string } | null;
  onChange: (target: Target | null) => void;
}) {
  const [kind, setKind] = useState<Target["type"]>(target?.type ?? "item");
  const intents = useQuery(depsQueries.intents());
  const tree = intents.data ? intentTree(intents.data) : [];
  return (
    <div className="target-picker" data-testid="target-picker">
      <fieldset className="segmented segmented-small" aria-label="Critical path to">
        <legend className="visually-hidden">Critical path to</legend>
        {(["item", "intent"] as const).map((k) => (
          <label key={k} className={kind === k ? "segment active" : "segment"}>
            <input
              type="radio"
              name="target-kind"
              value={k}
              checked={kind === k}
              onChange={() => setKind(k)}
              data-testid={`target-kind-${k}`}
            />
            {k === "item" ? "An item" : "An intent"}
          </label>
        ))}
      </fieldset>
      {kind === "item" ? (
        <>
          <ItemSearch
            label="Critical path to the item"
            placeholder="Target item: key or title…"
            testId="target-item-search"
            onPick={(row) => onChange(makeTarget("item", row.id))}
          />
          {focus && !(target?.type === "item" && target.id === focus.id) ? (
            <button
              type="button"
              className="btn btn-small btn-ghost"
              data-testid="target-use-focus"
              onClick={() => onChange(makeTarget("item", focus.id))}
            >
              Use the focused item ({focus.key})
            </button>
          ) : null}
        </>
      ) : (
        <label className="target-intent">
          <span className="visually-hidden">Critical path to the intent</span>
          <select
            className="input"
            data-testid="target-intent"
            value={target?.type === "intent" ? target.id : ""}
            disabled={!intents.data}
            onChange={(e) => onChange(makeTarget("intent", e.target.value))}
          >
            <option value="">
              {intents.isPending
                ? "Loading intents…"
                : tree.length
                  ? "Choose an intent…"
                  : "No intents in this workspace"}
            </option>
            {tree.map(({ intent, depth }) => (
              <option key={intent.id} value={intent.id}>
                {`${"\u00a0\u00a0".repeat(depth)}${INTENT_KIND_LABELS[intent.kind]}: ${intent.label} (${formatCount(intent.itemsWithDescendants)})`}
              </option>
            ))}
          </select>
          {intents.isError ? (
            <span className="error-text small" role="alert">
              Could not list the intents: {intents.error.message}
            </span>
          ) : null}
        </label>
      )}
      {target ? (
        <button
          type="button"
          className="btn btn-small"
          data-testid="target-clear"
          onClick={() => onChange(null)}
        >
          Clear target
        </button>
      ) : null}
    </div>
  );
}

function Finish({ label, iso, hint }: { label: string; iso: string; hint: string }) {
  return (
    <div className="cp-finish" title={hint}>
      <dt>{label}</dt>
      <dd>
        <time dateTime={iso} className="cp-date">
          {formatDate(iso)}
        </time>
        <span className="muted small"> {formatRelative(iso)}</span>
      </dd>
    </div>
  );
}

export function CriticalPathResult({ path, onOpen }: { path: CriticalPath; onOpen: (id: string) => void }) {
  return (
    <div className="cp-result" data-testid="critical-path">
      <p className="cp-target">
        <span className="muted small">Critical path to</span>{" "}
        <span className="strong" data-testid="critical-target">
          {path.targetLabel}
        </span>
      </p>
      {path.done ? (
        <p className="cp-done" data-testid="critical-done">
          Already delivered: nothing left.
        </p>
      ) : (
        <dl className="cp-finishes">
          <Finish
            label="P50 finish"
            iso={path.finishP50}
            hint="Half the time it would be done by then, from the teams' 50th-percentile cycle times"
          />
          <Finish
            label="P85 finish"
            iso={path.finishP85}
            hint="85% of the time it would be done by then, from the teams' 85th-percentile cycle times"
          />
        </dl>
      )}
      <p className="muted small" data-testid="critical-upstream">
        {path.targetItems > 1
          ? `Its ${formatCount(path.targetItems)} items: ${formatCount(path.openTargetItems)} still open. They depend on ${plural(path.upstreamItems, "more item")}, ${formatCount(path.openUpstreamItems)} still open.`
          : `Depends on ${plural(path.upstreamItems, "item")}, ${formatCount(path.openUpstreamItems)} still open.`}
      </p>
      {path.itemsInCycles > 0 ? (
        <p className="tag tag-warning cp-cycles" data-testid="critical-cycles">
          {plural(path.itemsInCycles, "item")} upstream block each other in a cycle: the link closing it is
          ignored.
        </p>
      ) : null}
      {path.steps.length ? (
        <ol className="cp-steps" aria-label="Steps of the critical path, furthest upstream first">
          {path.steps.map((s, n) => (
            <li key={s.item.item.id} className="cp-step" data-testid="critical-step">
              <span className="cp-step-n" aria-hidden="true">
                {n + 1}
              </span>
              <div className="cp-step-body">
                <div className="cp-step-head">
                  <ItemChip item={s.item} onOpen={onOpen} withTitle />
                </div>
                <p className="small">
                  <span>{s.item.teamName ?? "No team"}</span>
                  <span className="muted"> · {stateLabel(s.item)}</span>
                  {s.defaultPercentiles ? (
                    <>
                      {" "}
                      <DefaultBadge
                        text="default percentiles"
                        hint="The team finished nothing in the last 90 days: the documented defaults (5 and 12 days) are used"
                      />
                    </>
                  ) : null}
                </p>
                <p className="small cp-step-numbers">
                  <span title="Expected days of work left at the team's 50th / 85th percentile cycle time">
                    {s.remainingP50Days === 0 && s.remainingP85Days === 0
                      ? "nothing left"
                      : `${formatDays(s.remainingP50Days)} (P50) to ${formatDays(s.remainingP85Days)} (P85) left`}
                  </span>
                  <span className="muted"> · done by </span>
                  <time dateTime={s.finishP85} title={`P50 ${formatDate(s.finishP50)}`}>
                    {formatDate(s.finishP85)}
                  </time>
                  <span className="muted"> (P85)</span>
                </p>
              </div>
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}

/** The side list of the item graph: the target picker and the critical path it gives. */
export function CriticalPathPanel({
  target,
  focus,
  onTarget,
  onOpen,
}: {
  target: Target | null;
  focus: { id: string; key: string } | null;
  onTarget: (target: Target | null) => void;
  onOpen: (id: string) => void;
}) {
  const path = useQuery(depsQueries.critical(target));
  return (
    <section className="cp-panel" aria-labelledby="cp-title" data-testid="critical-panel">
      <header className="cp-header">
        <h3 className="section-title" id="cp-title">
          Critical path
        </h3>
        <MetricInfo
          id="deps-critical-path"
          label="Critical path and finish dates"
          text="How is this computed?"
        />
        {path.data?.steps.length ? (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="critical-export"
            title="Save the path's steps as CSV"
            onClick={() =>
              path.data &&
              void saveCsv(
                toCsv(criticalRows(path.data)),
                `${fileStem(`critical path ${path.data.targetLabel}`)}.csv`,
              )
            }
          >
            CSV
          </button>
        ) : null}
      </header>
      <TargetPicker target={target} focus={focus} onChange={onTarget} />
      {!target ? (
        <p className="muted small cp-hint" data-testid="critical-none">
          Choose an item or an intent to see when it can finish and the chain of work it waits on, highlighted
          in the graph.
        </p>
      ) : null}
      {target && path.isPending ? <LoadingState compact label="Tracing the critical path…" /> : null}
      {target && path.isError ? (
        <ErrorState
          compact
          title="Could not trace the critical path"
          error={path.error}
          onRetry={() => path.refetch()}
        />
      ) : null}
      {target && path.data ? <CriticalPathResult path={path.data} onOpen={onOpen} /> : null}
    </section>
  );
}
