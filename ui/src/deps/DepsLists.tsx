//! The lists of the Dependencies page: blocked chains, single blocking links, cycles, at-risk
//! items and handoffs that never arrived. Every row opens its items (the detail drawer) and can focus the item graph.

import { type ReactNode, useState } from "react";
import { ChartPanel, type EmptySpec } from "../flow/ChartPanel";
import type { DepsReport } from "../lib/ipc";
import type { CsvCell } from "../shared/csv";
import { formatCount, formatDate, formatDays, formatRelative, plural } from "../shared/format";
import { ErrorState, LoadingState } from "../shared/states";
import { atRiskRows, chainRows, cycleRows, handoffRows, singleLinkRows } from "./csvData";
import { DefaultBadge, describeItem, FocusButton, ItemChip, TeamName } from "./parts";

/** Rust lists at most this many rows of a kind (`MAX_ROWS`). */
export const MAX_ROWS = 200;

/**
 * Rows a list draws at first; the rest follow on "Show all". The page has five lists of up to
 * 200 rows (thousands of elements at 200,000 items), which held the whole page back.
 */
export const FIRST_ROWS = 10;

/** The rows to draw now, and the button that draws the rest (null when all are drawn). */
export function useFirstRows<T>(rows: readonly T[], what: string): { shown: readonly T[]; more: ReactNode } {
  const [all, setAll] = useState(false);
  if (all || rows.length <= FIRST_ROWS) return { shown: rows, more: null };
  return {
    shown: rows.slice(0, FIRST_ROWS),
    more: (
      <p className="dep-more">
        <button
          type="button"
          className="btn btn-small"
          data-testid="dep-show-all"
          onClick={() => setAll(true)}
        >
          Show all {formatCount(rows.length)} {what}
        </button>{" "}
        <span className="muted small">
          {formatCount(FIRST_ROWS)} of {formatCount(rows.length)} shown
        </span>
      </p>
    ),
  };
}

export type SectionState = {
  report: DepsReport | undefined;
  loading: boolean;
  error: Error | null;
  retry: () => void;
};

export type RowActions = {
  onOpen: (id: string) => void;
  /** Focus the graph on an item, with enough hops to show the row's items. */
  onFocus: (id: string, hops?: number) => void;
};

/** A section card: the list, or its loading, error or empty state. */
export function Section({
  title,
  subtitle,
  metricId,
  testId,
  state,
  csv,
  empty,
  children,
  footer,
}: {
  title: string;
  subtitle: ReactNode;
  metricId: string;
  testId: string;
  state: SectionState;
  csv: (r: DepsReport) => CsvCell[][];
  empty: (r: DepsReport) => EmptySpec | null;
  children: (r: DepsReport) => ReactNode;
  footer?: (r: DepsReport) => ReactNode;
}) {
  const r = state.report;
  let body: ReactNode;
  if (!r && state.error) {
    body = (
      <ErrorState
        compact
        title={`Could not compute ${title.toLowerCase()}`}
        error={state.error}
        onRetry={state.retry}
      />
    );
  } else if (!r) {
    body = <LoadingState compact label={`Finding ${title.toLowerCase()}…`} />;
  } else {
    body = children(r);
  }
  return (
    <ChartPanel
      wide
      title={title}
      subtitle={subtitle}
      metricId={metricId}
      testId={testId}
      csv={() => (r ? csv(r) : [])}
      empty={r ? empty(r) : null}
      footer={r && footer ? footer(r) : null}
    >
      {body}
    </ChartPanel>
  );
}

function capped(shown: number, total: number, what: string): ReactNode {
  if (shown >= total) return null;
  return (
    <p className="muted small dep-capped" data-testid="dep-capped">
      Showing {formatCount(shown)} of {formatCount(total)} {what}; the CSV holds the same {formatCount(shown)}
      .
    </p>
  );
}

export function ChainList({ report, actions }: { report: DepsReport; actions: RowActions }) {
  const { shown, more } = useFirstRows(report.chains, "chains");
  return (
    <>
      <ol className="dep-list" data-testid="chains-list">
        {shown.map((c) => {
          const last = c.items[c.items.length - 1];
          const key = c.items.map((i) => i.item.id).join(">");
          return (
            <li key={key} className="dep-row" data-testid="chain-row">
              <div className="dep-row-main">
                <ol
                  className="dep-chain"
                  aria-label={`Chain of ${c.items.length} items, first blocking the next`}
                >
                  {c.items.map((i, n) => (
                    <li key={i.item.id} className="dep-chain-step">
                      {n > 0 ? (
                        <span className="dep-arrow" aria-hidden="true">
                          →
                        </span>
                      ) : null}
                      <ItemChip item={i} onOpen={actions.onOpen} />
                    </li>
                  ))}
                </ol>
                <p className="dep-row-meta small">
                  <span title="Σ of how long each link of the chain has been blocking">
                    {formatDays(c.waitingDays)} waiting
                  </span>
                  <span className="muted"> · </span>
                  <span>
                    crosses {c.teams} {c.teams === 1 ? "team" : "teams"}
                  </span>
                  <span className="muted"> · ends at </span>
                  <TeamName item={last ?? { teamName: null }} />
                </p>
              </div>
              {last ? (
                <FocusButton
                  id={last.item.id}
                  label={describeItem(last.item)}
                  onFocus={(id) => actions.onFocus(id, Math.min(4, c.items.length - 1))}
                />
              ) : null}
            </li>
          );
        })}
      </ol>
      {more}
    </>
  );
}

export function SingleLinkList({ report, actions }: { report: DepsReport; actions: RowActions }) {
  const { shown, more } = useFirstRows(report.singleLinks, "single blocking links");
  return (
    <>
      <ul className="dep-list" data-testid="single-links-list">
        {shown.map((l) => (
          <li
            key={`${l.blocker.item.id}>${l.blocked.item.id}`}
            className="dep-row"
            data-testid="single-link-row"
          >
            <div className="dep-row-main">
              <p className="dep-chain">
                <ItemChip item={l.blocker} onOpen={actions.onOpen} />
                <span className="dep-arrow" aria-hidden="true">
                  {" "}
                  →{" "}
                </span>
                <ItemChip item={l.blocked} onOpen={actions.onOpen} withTitle />
              </p>
              <p className="dep-row-meta small">
                <span title="How long the link has been blocking">{formatDays(l.days)} blocking</span>
                <span className="muted"> · </span>
                <TeamName item={l.blocker} />
                <span className="muted"> blocks </span>
                <TeamName item={l.blocked} />
              </p>
            </div>
            <FocusButton
              id={l.blocked.item.id}
              label={describeItem(l.blocked.item)}
              onFocus={(id) => actions.onFocus(id, 1)}
            />
          </li>
        ))}
      </ul>
      {more}
    </>
  );
}

export function CycleList({ report, actions }: { report: DepsReport; actions: RowActions }) {
  const { shown, more } = useFirstRows(report.cycles, "cycles");
  return (
    <>
      <ul className="dep-list" data-testid="cycles-list">
        {shown.map((c) => {
          const first = c.items[0];
          return (
            <li key={c.items.map((i) => i.item.id).join(" ")} className="dep-row" data-testid="cycle-row">
              <div className="dep-row-main">
                <ul className="dep-cycle" aria-label={`${c.items.length} items that block each other`}>
                  {c.items.map((i) => (
                    <li key={i.item.id}>
                      <ItemChip item={i} onOpen={actions.onOpen} withTitle={c.items.length === 1} />
                    </li>
                  ))}
                  {c.selfLink ? (
                    <li>
                      <span className="tag tag-warning" data-testid="cycle-self-link">
                        blocks itself
                      </span>
                    </li>
                  ) : (
                    <li>
                      <span className="dep-arrow" aria-hidden="true">
                        ↺
                      </span>
                    </li>
                  )}
                </ul>
                <p className="dep-row-meta small muted">
                  {c.selfLink
                    ? "A link from the item to itself: remove it at the source."
                    : `${c.items.length} items block each other; none can finish first.`}{" "}
                  {[...new Set(c.items.map((i) => i.teamName ?? "No team"))].join(", ")}
                </p>
              </div>
              {first ? (
                <FocusButton
                  id={first.item.id}
                  label={describeItem(first.item)}
                  onFocus={(id) => actions.onFocus(id, Math.max(1, Math.min(4, c.items.length)))}
                />
              ) : null}
            </li>
          );
        })}
      </ul>
      {more}
    </>
  );
}

export function AtRiskTable({ report, actions }: { report: DepsReport; actions: RowActions }) {
  const { shown, more } = useFirstRows(report.atRisk, "at-risk items");
  return (
    <>
      <div className="dep-table-scroll">
        <table className="data-table dep-table" data-testid="at-risk-table">
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Team</th>
              <th scope="col">Blocker</th>
              <th scope="col" className="num" title="Links between the blocker and the item (1 = direct)">
                Distance
              </th>
              <th
                scope="col"
                className="num"
                title="Days since the blocker's cycle started (or it was created)"
              >
                Blocker age
              </th>
              <th scope="col" className="num" title="The blocker team's 85th-percentile cycle time">
                Threshold
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((a) => (
              <tr key={`${a.item.item.id}>${a.blocker.item.id}`} data-testid="at-risk-row">
                <td>
                  <ItemChip item={a.item} onOpen={actions.onOpen} withTitle />
                </td>
                <td>
                  <TeamName item={a.item} />
                </td>
                <td>
                  <ItemChip item={a.blocker} onOpen={actions.onOpen} />{" "}
                  <span className="muted small">
                    <TeamName item={a.blocker} />
                  </span>
                </td>
                <td className="num">{a.distance === 1 ? "direct" : `${a.distance} links`}</td>
                <td className="num strong">{formatDays(a.blockerAgeDays)}</td>
                <td className="num">
                  {formatDays(a.thresholdDays)}{" "}
                  {a.defaultThreshold ? (
                    <DefaultBadge
                      text="default threshold"
                      hint="The blocker's team finished nothing in the last 90 days: the documented default (12 days) is used"
                    />
                  ) : null}
                </td>
                <td className="dep-actions">
                  <FocusButton
                    id={a.item.item.id}
                    label={describeItem(a.item.item)}
                    onFocus={(id) => actions.onFocus(id, Math.min(4, a.distance))}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more}
    </>
  );
}

export function HandoffTable({ report, actions }: { report: DepsReport; actions: RowActions }) {
  const { shown, more } = useFirstRows(report.handoffs, "handoffs");
  return (
    <>
      <div className="dep-table-scroll">
        <table className="data-table dep-table dep-handoffs" data-testid="handoffs-table">
          <colgroup>
            <col />
            <col className="dep-col-date" />
            <col />
            <col className="dep-col-days" />
            <col className="dep-col-actions" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Delivered</th>
              <th scope="col">Delivered at</th>
              <th scope="col">Still waiting</th>
              <th scope="col" className="num">
                Days waiting
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((h) => (
              <tr key={`${h.upstream.item.id}>${h.downstream.item.id}`} data-testid="handoff-row">
                <td>
                  <ItemChip item={h.upstream} onOpen={actions.onOpen} withTitle />{" "}
                  <span className="muted small">
                    <TeamName item={h.upstream} />
                  </span>
                </td>
                <td>
                  <time dateTime={h.deliveredAt} title={formatRelative(h.deliveredAt)}>
                    {formatDate(h.deliveredAt)}
                  </time>
                </td>
                <td>
                  <ItemChip item={h.downstream} onOpen={actions.onOpen} withTitle />{" "}
                  <span className="muted small">
                    <TeamName item={h.downstream} />
                  </span>
                </td>
                <td className="num strong">{formatDays(h.daysWaiting)}</td>
                <td className="dep-actions">
                  <FocusButton
                    id={h.downstream.item.id}
                    label={describeItem(h.downstream.item)}
                    onFocus={(id) => actions.onFocus(id, 1)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more}
    </>
  );
}

function scope(filtered: boolean): string {
  return filtered ? " involving the chosen teams or intents" : "";
}

/** The four list sections. */
export function DepsLists({
  state,
  actions,
  filtered,
}: {
  state: SectionState;
  actions: RowActions;
  filtered: boolean;
}) {
  return (
    <>
      <Section
        title="Blocked chains"
        metricId="deps-chains"
        testId="deps-chains"
        state={state}
        csv={chainRows}
        subtitle={`Items each blocking the next through open blocking links${scope(filtered)} — two links or more — longest first, then by how long the links have been blocking. Click a key to open the item.`}
        empty={(r) =>
          r.chains.length === 0
            ? {
                title: "No blocked chains",
                body:
                  r.singleLinksTotal > 0
                    ? `No open blocker is itself blocked by another open item. A chain needs two links: the ${plural(r.singleLinksTotal, "single blocking link")} are listed below.`
                    : "No open blocker is itself blocked by another open item.",
              }
            : null
        }
        footer={(r) =>
          r.chains.length < r.chainsTotal ? (
            <p className="muted small dep-capped" data-testid="dep-capped">
              The {formatCount(r.chains.length)} longest of {formatCount(r.chainsTotal)} chains are listed.
            </p>
          ) : null
        }
      >
        {(r) => <ChainList report={r} actions={actions} />}
      </Section>
      <Section
        title="Single blocking links"
        metricId="deps-single-links"
        testId="deps-single-links"
        state={state}
        csv={singleLinkRows}
        subtitle={`One open item blocking another, with nothing else chained to either${scope(filtered)}: not a chain, still a wait. Oldest first.`}
        empty={(r) =>
          r.singleLinks.length === 0
            ? {
                title: "No single blocking links",
                body: "Every open blocking link is part of a chain or a cycle.",
              }
            : null
        }
        footer={(r) => capped(r.singleLinks.length, r.singleLinksTotal, "single blocking links")}
      >
        {(r) => <SingleLinkList report={r} actions={actions} />}
      </Section>
      <Section
        title="Dependency cycles"
        metricId="deps-cycles"
        testId="deps-cycles"
        state={state}
        csv={cycleRows}
        subtitle={`Items that block each other in a circle, and items that block themselves${scope(filtered)}. One of the links is wrong, or the work must be re-planned.`}
        empty={(r) =>
          r.cycles.length === 0
            ? { title: "No cycles — good.", body: "No open items block each other in a circle." }
            : null
        }
      >
        {(r) => <CycleList report={r} actions={actions} />}
      </Section>
      <Section
        title="At-risk items"
        metricId="deps-at-risk"
        testId="deps-at-risk"
        state={state}
        csv={atRiskRows}
        subtitle={`Open items with an open blocker, directly or further up${
          state.report ? ` (at most ${plural(state.report.atRiskMaxDepth, "link")} up)` : ""
        }, older than its team's 85th-percentile cycle time${scope(filtered)}; the nearest such blocker is shown, the most overdue first.`}
        empty={(r) =>
          r.atRisk.length === 0
            ? {
                title: "No items at risk",
                body: "No open blocker is older than its team's usual cycle time.",
              }
            : null
        }
        footer={(r) => capped(r.atRisk.length, r.atRiskTotal, "at-risk items")}
      >
        {(r) => <AtRiskTable report={r} actions={actions} />}
      </Section>
      <Section
        title="Handoffs that never arrived"
        metricId="deps-handoffs"
        testId="deps-handoffs"
        state={state}
        csv={handoffRows}
        subtitle={`Blockers delivered more than a day ago while the item they blocked still waits${scope(filtered)}: the work was finished, nobody picked it up.`}
        empty={(r) =>
          r.handoffs.length === 0
            ? {
                title: "No handoffs waiting",
                body: "Every delivered blocker's downstream item has moved on.",
              }
            : null
        }
        footer={(r) => capped(r.handoffs.length, r.handoffsTotal, "handoffs")}
      >
        {(r) => <HandoffTable report={r} actions={actions} />}
      </Section>
    </>
  );
}
