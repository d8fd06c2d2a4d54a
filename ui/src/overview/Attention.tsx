//! "Where is work stuck?": what the Overview leads with. The oldest waiting items against their
//! team's expectation, waiting by reason, items blocked by other teams, AI pull requests awaiting
//! an independent review and handoffs that never arrived. Every number opens the list it counts
//! (Rust builds both with the same code, so they always agree).

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ItemDetailPanel } from "../items/ItemDetailPanel";
import type { Attention, AttentionItem, AttentionList } from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { formatCount, formatDate, formatDays } from "../shared/format";
import { SidePanel } from "../shared/SidePanel";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import { STAGE_LABELS, shortKey } from "../workgraph/vocabulary";
import { attentionItemsQuery, attentionQuery } from "./queries";

type Open = { list: AttentionList; title: string };

/** What a waiting item waits for, in words. */
function waitingFor(row: AttentionItem): string {
  return row.item.stage ? STAGE_LABELS[row.item.stage] : "—";
}

function Expectation({ row }: { row: AttentionItem }) {
  const late = row.ageDays !== null && row.expectationDays !== null && row.ageDays > row.expectationDays;
  return (
    <span
      className={late ? "attention-late" : undefined}
      title={`In its cycle for ${formatDays(row.ageDays, false)} days; its team finishes 85% of its work within ${formatDays(row.expectationDays, false)} days${row.defaultExpectation ? " (a default: the team has no finished work to learn from yet)" : ""}.`}
    >
      {formatDays(row.ageDays, false)} d{" "}
      <span className="muted">of {formatDays(row.expectationDays, false)} d</span>
    </span>
  );
}

function ItemRows({ rows, onOpenItem }: { rows: AttentionItem[]; onOpenItem: (id: string) => void }) {
  return (
    <div className="table-scroll">
      <table className="drill-table attention-table">
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Team</th>
            <th scope="col">Now</th>
            <th scope="col" title="When it entered its current state, and how long ago">
              In state since
            </th>
            <th
              scope="col"
              className="num"
              title="Days in its cycle, against its team's 85th percentile cycle time"
            >
              Age vs expected
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.item.item.id} data-testid="attention-row" data-id={row.item.item.id}>
              <td className="drill-title">
                <button
                  type="button"
                  className="link-btn drill-title-btn"
                  onClick={() => onOpenItem(row.item.item.id)}
                >
                  <span className="mono">{shortKey(row.item.item.key)}</span> {row.item.item.title}
                </button>
              </td>
              <td className="drill-team">{row.item.teamName ?? <span className="muted">No team</span>}</td>
              <td className="attention-now">
                {row.item.flowState === "waiting" ? waitingFor(row) : row.item.flowState}
              </td>
              <td className="attention-since">
                {formatDate(row.stateSince)}{" "}
                <span className="muted small">({formatDays(row.daysInState, false)} d)</span>
              </td>
              <td className="num">
                <Expectation row={row} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ListPanel({
  open,
  onClose,
  onOpenItem,
}: {
  open: Open;
  onClose: () => void;
  onOpenItem: (id: string) => void;
}) {
  const items = useQuery(attentionItemsQuery(open.list));
  const data = items.data;
  return (
    <SidePanel
      label="Items behind the number"
      testId="attention-items"
      width={760}
      onClose={onClose}
      title={
        <div>
          <p className="eyebrow">Where work is stuck</p>
          <h2 className="panel-heading" data-testid="attention-items-title">
            {open.title}
          </h2>
        </div>
      }
    >
      {items.isPending ? <LoadingState label="Listing the items…" /> : null}
      {items.isError ? (
        <ErrorState title="Could not list the items" error={items.error} onRetry={() => items.refetch()} />
      ) : null}
      {data && data.items.length === 0 ? (
        <EmptyState title="Nothing here">No item is in this list now.</EmptyState>
      ) : null}
      {data && data.items.length > 0 ? (
        <>
          <p className="muted small drill-count" data-testid="attention-items-count" data-value={data.total}>
            {data.total > data.items.length
              ? `${formatCount(data.total)} items; the ${formatCount(data.items.length)} longest in their cycle are listed.`
              : `${formatCount(data.total)} ${data.total === 1 ? "item" : "items"}, longest in their cycle first.`}
          </p>
          <ItemRows rows={data.items} onOpenItem={onOpenItem} />
        </>
      ) : null}
    </SidePanel>
  );
}

function Tile({
  label,
  value,
  sub,
  testId,
  onOpen,
}: {
  label: string;
  value: number;
  sub: string;
  testId: string;
  onOpen: () => void;
}) {
  return (
    <button
      type="button"
      className={value > 0 ? "attention-tile card attention-hot" : "attention-tile card"}
      data-testid={testId}
      data-value={value}
      onClick={onOpen}
      disabled={value === 0}
    >
      <span className="kpi-label">{label}</span>
      <span className="kpi-value">{formatCount(value)}</span>
      <span className="kpi-sub">{sub}</span>
    </button>
  );
}

function Reasons({ attention, onOpen }: { attention: Attention; onOpen: (open: Open) => void }) {
  const most = Math.max(1, ...attention.byReason.map((r) => r.items));
  return (
    <ul className="attention-reasons" data-testid="attention-reasons">
      {attention.byReason.map((r) => (
        <li key={r.stage}>
          <button
            type="button"
            className="link-btn attention-reason"
            data-testid={`attention-reason-${r.stage}`}
            data-value={r.items}
            onClick={() =>
              onOpen({
                list: { type: "waiting", stage: r.stage },
                title: `Waiting: ${STAGE_LABELS[r.stage]}`,
              })
            }
          >
            <span className="attention-reason-label">{STAGE_LABELS[r.stage]}</span>
            <span
              className="attention-bar"
              style={{ width: `${(100 * r.items) / most}%` }}
              aria-hidden="true"
            />
            <span className="num">
              {formatCount(r.items)}
              {r.overExpectation > 0 ? (
                <span className="muted small"> · {formatCount(r.overExpectation)} past expectation</span>
              ) : null}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

export function AttentionSection() {
  const attention = useQuery(attentionQuery());
  const [open, setOpen] = useState<Open | null>(null);
  const [itemId, setItemId] = useState<string | null>(null);
  const a = attention.data;
  return (
    <section className="attention" aria-labelledby="attention-heading" data-testid="attention">
      <div className="attention-head">
        <h2 id="attention-heading" className="section-title">
          Where work is stuck
        </h2>
        <MetricInfo id="attention" label="Where work is stuck" />
      </div>
      {attention.isPending ? <LoadingState label="Finding where work waits…" /> : null}
      {attention.isError ? (
        <ErrorState
          title="Could not find where work is stuck"
          error={attention.error}
          onRetry={() => attention.refetch()}
        />
      ) : null}
      {a ? (
        <>
          <div className="attention-tiles">
            <Tile
              label="Waiting past expectation"
              value={a.overExpectation}
              sub={`of ${formatCount(a.waiting)} waiting: older than their team's usual (85th percentile) cycle time`}
              testId="attention-over-expectation"
              onOpen={() =>
                setOpen({ list: { type: "over_expectation" }, title: "Waiting past expectation" })
              }
            />
            <Tile
              label="Blocked by other teams"
              value={a.blockedByOtherTeams}
              sub="open items another team's open work blocks"
              testId="attention-blocked-by-other-teams"
              onOpen={() =>
                setOpen({ list: { type: "blocked_by_other_teams" }, title: "Blocked by other teams" })
              }
            />
            <Tile
              label="AI work awaiting an independent review"
              value={a.aiAwaitingReview}
              sub="open AI pull requests no one but the agent and who asked for it approved"
              testId="attention-ai-awaiting-review"
              onOpen={() =>
                setOpen({
                  list: { type: "ai_awaiting_review" },
                  title: "AI pull requests awaiting an independent review",
                })
              }
            />
            <Tile
              label="Handoffs that never arrived"
              value={a.handoffsNotArrived}
              sub="their blocker was delivered over a day ago; they have not moved"
              testId="attention-handoffs"
              onOpen={() =>
                setOpen({ list: { type: "handoffs_not_arrived" }, title: "Handoffs that never arrived" })
              }
            />
          </div>
          <div className="attention-grid">
            <div className="card attention-card">
              <h3 className="card-title">Oldest waiting</h3>
              <p className="muted small">
                Waiting now, longest in their cycle first, against their team's expectation.
              </p>
              {a.oldestWaiting.length === 0 ? (
                <EmptyState compact title="Nothing is waiting">
                  No open item waits now.
                </EmptyState>
              ) : (
                <>
                  <ItemRows rows={a.oldestWaiting} onOpenItem={setItemId} />
                  <button
                    type="button"
                    className="link-btn kpi-action"
                    data-testid="attention-all-waiting"
                    onClick={() => setOpen({ list: { type: "waiting", stage: null }, title: "Waiting now" })}
                  >
                    All {formatCount(a.waiting)} waiting items →
                  </button>
                </>
              )}
            </div>
            <div className="card attention-card">
              <h3 className="card-title">Waiting by reason</h3>
              <p className="muted small">
                Items waiting now, by what they wait for. Click a reason to list them.
              </p>
              <Reasons attention={a} onOpen={setOpen} />
            </div>
          </div>
        </>
      ) : null}
      {open ? <ListPanel open={open} onClose={() => setOpen(null)} onOpenItem={setItemId} /> : null}
      {itemId ? <ItemDetailPanel id={itemId} onClose={() => setItemId(null)} onOpenItem={setItemId} /> : null}
    </section>
  );
}
