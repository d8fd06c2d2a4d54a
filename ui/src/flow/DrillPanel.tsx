//! The items behind a clicked point, bar or cell: a side panel listing them (longest first, as
//! Rust sorts them), each opening the item's detail drawer.

import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { ItemDetailPanel } from "../items/ItemDetailPanel";
import type { FlowFilter, FlowSelection } from "../lib/ipc";
import { fileStem, saveCsv, toCsv } from "../shared/csv";
import { formatCount, formatDate, formatDays } from "../shared/format";
import { SidePanel } from "../shared/SidePanel";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import { FLOW_STATE_LABELS, shortKey } from "../workgraph/vocabulary";
import { flowQueries } from "./queries";

export type Drill = { filter: FlowFilter; selection: FlowSelection; title: string };

export type DrillState = {
  drill: Drill | null;
  itemId: string | null;
  openDrill: (drill: Drill) => void;
  openItem: (id: string | null) => void;
  close: () => void;
};

/** What a page has open: a list of items, and perhaps one item's detail over it. */
export function useDrill(): DrillState {
  const [drill, setDrill] = useState<Drill | null>(null);
  const [itemId, setItemId] = useState<string | null>(null);
  const openDrill = useCallback((next: Drill) => {
    setItemId(null);
    setDrill(next);
  }, []);
  const close = useCallback(() => {
    setItemId(null);
    setDrill(null);
  }, []);
  return useMemo(
    () => ({ drill, itemId, openDrill, openItem: setItemId, close }),
    [drill, itemId, openDrill, close],
  );
}

function capitalise(text: string): string {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

export function DrillPanel({
  drill,
  onClose,
  onOpenItem,
}: {
  drill: Drill;
  onClose: () => void;
  onOpenItem: (id: string) => void;
}) {
  const items = useQuery(flowQueries.items(drill.filter, drill.selection));
  const data = items.data;
  return (
    <SidePanel
      label="Items behind the selection"
      testId="flow-items"
      width={760}
      onClose={onClose}
      headerExtra={
        data && data.items.length > 0 ? (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="flow-items-export"
            title="Save the listed items as CSV"
            onClick={() =>
              void saveCsv(
                toCsv([
                  [
                    "item_id",
                    "key",
                    "title",
                    "team",
                    `${data.measure.replace(/\s+/g, "_")}_days`,
                    "days_in_range",
                    "state",
                    "state_since",
                    "days_in_state",
                  ],
                  ...data.items.map((r) => [
                    r.item.id,
                    r.item.key,
                    r.item.title,
                    r.teamName,
                    r.days,
                    r.inRangeDays,
                    r.flowState,
                    r.stateSince,
                    r.daysInState,
                  ]),
                ]),
                `${fileStem(drill.title)}.csv`,
              )
            }
          >
            CSV
          </button>
        ) : null
      }
      title={
        <div>
          <p className="eyebrow">Items</p>
          <h2 className="panel-heading" data-testid="flow-items-title">
            {drill.title}
          </h2>
        </div>
      }
    >
      {items.isPending ? <LoadingState label="Listing the items…" /> : null}
      {items.isError ? (
        <ErrorState title="Could not list the items" error={items.error} onRetry={() => items.refetch()} />
      ) : null}
      {data && data.items.length === 0 ? (
        <EmptyState title="No items here">Nothing in the current filters matches this point.</EmptyState>
      ) : null}
      {data && data.items.length > 0 ? (
        <>
          <p className="muted small drill-count" data-testid="flow-items-count" data-value={data.total}>
            {data.total > data.items.length
              ? `${formatCount(data.total)} items; the ${formatCount(data.items.length)} with the longest ${data.measure} are listed.`
              : `${formatCount(data.total)} ${data.total === 1 ? "item" : "items"}, longest ${data.measure} first.`}
          </p>
          <table className="drill-table">
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Team</th>
                <th scope="col" title="Its state at the end of the range, since when, and for how many days">
                  In state since
                </th>
                <th scope="col" className="num">
                  {capitalise(data.measure)} (days)
                </th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((row) => (
                <tr key={row.item.id} data-testid="flow-items-row" data-id={row.item.id}>
                  <td className="drill-title">
                    <button
                      type="button"
                      className="link-btn drill-title-btn"
                      title={row.item.key}
                      onClick={() => onOpenItem(row.item.id)}
                    >
                      <span className="mono drill-key">{shortKey(row.item.key)}</span>{" "}
                      <span className="drill-title-text">{row.item.title || row.item.key}</span>
                    </button>
                  </td>
                  <td className="drill-team">{row.teamName ?? <span className="muted">No team</span>}</td>
                  <td className="drill-since" data-testid="flow-items-since">
                    <span className="drill-state">
                      {row.flowState === "waiting" ? "waiting since" : FLOW_STATE_LABELS[row.flowState]}
                    </span>{" "}
                    {formatDate(row.stateSince)}{" "}
                    <span className="muted small">({formatDays(row.daysInState, false)} d)</span>
                  </td>
                  <td className="num" data-testid="flow-items-days" data-value={row.days}>
                    {formatDays(row.days, false)}
                    {row.inRangeDays !== null &&
                    row.days !== null &&
                    Math.abs(row.inRangeDays - row.days) >= 0.05 ? (
                      <span
                        className="muted small drill-in-range"
                        title="The part of this wait inside the range"
                      >
                        {formatDays(row.inRangeDays, false)} in range
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </SidePanel>
  );
}

/** The drill-down list or the detail of one item (closing the detail returns to the list). */
export function DrillLayer({ state }: { state: DrillState }) {
  const { drill, itemId, openItem, close } = state;
  if (itemId) {
    return (
      <ItemDetailPanel
        key={itemId}
        id={itemId}
        onClose={() => (drill ? openItem(null) : close())}
        onOpenItem={openItem}
      />
    );
  }
  if (drill) return <DrillPanel drill={drill} onClose={close} onOpenItem={openItem} />;
  return null;
}
