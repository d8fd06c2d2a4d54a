//! The Work items table: virtualised rows over a list of any length, fetched a page at a time as
//! the user scrolls (already fetched pages stay cached), sortable by clicking a header, with
//! arrow-key selection and Enter to open an item.

import { keepPreviousData, useQueries, useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import type { ItemRow, SortField } from "../lib/ipc";
import { formatDate, formatDateTime, formatDays, formatRelative } from "../shared/format";
import { ErrorState } from "../shared/states";
import { FlowStateChip, ProvenanceBadge, SourceBadge, WaitReasonTag } from "../workgraph/badges";
import { ITEM_KIND_LABELS, shortKey } from "../workgraph/vocabulary";
import type { ItemFilters } from "./filters";
import { itemsQueries, PAGE_SIZE } from "./queries";

export const ROW_HEIGHT = 38;
const LOADING_ROWS = ["l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8"];
const HEADER_HEIGHT = 36;

type Column = { id: string; label: string; sort: SortField; hint?: string };

export const COLUMNS: Column[] = [
  { id: "key", label: "Key", sort: "key" },
  { id: "title", label: "Title", sort: "title" },
  { id: "kind", label: "Kind", sort: "kind" },
  { id: "team", label: "Team", sort: "team" },
  {
    id: "state",
    label: "State",
    sort: "state",
    hint: "Flow state colour, the source's own state name and why it waits",
  },
  {
    id: "in_state",
    label: "In state",
    sort: "state_since",
    hint: "How long it has been in its current state (since its last state change, or its creation)",
  },
  {
    id: "waiting_since",
    label: "Waiting since",
    sort: "state_since",
    hint: "For a waiting item, the day its current wait began",
  },
  { id: "source", label: "Source", sort: "source" },
  {
    id: "provenance",
    label: "Provenance",
    sort: "provenance",
    hint: "Who made the item: a person, an AI agent or automation",
  },
  { id: "updated", label: "Updated", sort: "updated" },
];

/** The default direction when a column is first sorted: newest first for dates, A→Z otherwise. */
export function defaultDirection(field: SortField): "asc" | "desc" {
  // In state: the longest there first, which is the oldest change first.
  return field === "updated" || field === "created" ? "desc" : "asc";
}

const DAY_MS = 86_400_000;

/** Days from `iso` to now (formatting an instant, not a metric). */
function daysSince(iso: string, now: number = Date.now()): number | null {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? Math.max(0, (now - t) / DAY_MS) : null;
}

// Cell text sits in an inner <span>: the cell clips it with an ellipsis, and WebKit's WebDriver
// reports text placed directly in a clipping element as invisible (the real-app e2e reads it).
function Cells({ row }: { row: ItemRow }) {
  return (
    <>
      <td className="cell cell-key" title={row.key}>
        <span>{shortKey(row.key)}</span>
      </td>
      <td className="cell cell-title" title={row.title}>
        <span>{row.title}</span>
      </td>
      <td className="cell">
        <span>{ITEM_KIND_LABELS[row.kind]}</span>
      </td>
      <td className="cell" title={row.teamName ?? "No team"}>
        {row.teamName ? <span>{row.teamName}</span> : <span className="muted">No team</span>}
      </td>
      <td className="cell cell-state">
        <FlowStateChip state={row.flowState} rawState={row.rawState} />
        {row.waitReason ? <WaitReasonTag reason={row.waitReason} /> : null}
      </td>
      <td
        className="cell cell-num"
        data-testid="items-state-since"
        title={`In this state since ${formatDateTime(row.stateSince)}`}
      >
        <span>{formatDays(daysSince(row.stateSince))}</span>
      </td>
      <td className="cell" data-testid="items-waiting-since">
        {row.flowState === "waiting" ? (
          <span title={`Waiting since ${formatDateTime(row.stateSince)}`}>{formatDate(row.stateSince)}</span>
        ) : (
          <span className="muted" title="Not waiting now">
            —
          </span>
        )}
      </td>
      <td className="cell">
        <SourceBadge kind={row.sourceKind} name={row.sourceName} />
      </td>
      <td className="cell">
        <ProvenanceBadge provenance={row.provenance} agent={row.provenanceAgent} />
      </td>
      <td className="cell cell-updated" title={formatDateTime(row.updatedAt)}>
        <span>{formatRelative(row.updatedAt)}</span>
      </td>
    </>
  );
}

function PlaceholderCells() {
  return (
    <>
      {COLUMNS.map((c) => (
        <td key={c.id} className="cell">
          <span className="skeleton" />
        </td>
      ))}
    </>
  );
}

export function ItemsTable({
  filters,
  selectedId,
  onSort,
  onOpen,
  onTotal,
  empty,
}: {
  filters: ItemFilters;
  selectedId: string | null;
  onSort: (field: SortField) => void;
  onOpen: (id: string) => void;
  onTotal?: (total: number | null, stale: boolean) => void;
  /** Shown instead of the rows when nothing matches. */
  empty: ReactNode;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const previousSelected = useRef(selectedId);
  // When the detail closes, the keyboard goes back to the list, so ↑ ↓ Enter carry on.
  useEffect(() => {
    if (previousSelected.current !== null && selectedId === null)
      tableRef.current?.focus({ preventScroll: true });
    previousSelected.current = selectedId;
  }, [selectedId]);
  const first = useQuery({ ...itemsQueries.page(filters, 0), placeholderData: keepPreviousData });
  const total = first.data?.total ?? 0;
  const stale = first.isPlaceholderData;
  const [cursor, setCursor] = useState<number | null>(null);

  const filterKey = JSON.stringify(itemsQueries.page(filters, 0).queryKey);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter or sort starts again at the top
  useEffect(() => {
    setCursor(null);
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [filterKey]);

  useEffect(() => {
    onTotal?.(first.data ? first.data.total : null, stale);
  }, [first.data, stale, onTotal]);

  const virtualizer = useVirtualizer({
    // While a new filter loads, the previous rows stay (dimmed) and are replaced in place.
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    initialRect: { width: 1200, height: 800 },
  });
  const virtualRows = virtualizer.getVirtualItems();

  const pages = useMemo(() => {
    if (virtualRows.length === 0) return [0];
    const firstRow = virtualRows[0]?.index ?? 0;
    const lastRow = virtualRows[virtualRows.length - 1]?.index ?? 0;
    const list: number[] = [];
    for (let p = Math.floor(firstRow / PAGE_SIZE); p <= Math.floor(lastRow / PAGE_SIZE); p++) list.push(p);
    return list;
  }, [virtualRows]);

  const pageResults = useQueries({ queries: pages.map((p) => itemsQueries.page(filters, p)) });
  const rowsByPage = new Map<number, ItemRow[]>();
  pages.forEach((p, i) => {
    const data = pageResults[i]?.data;
    if (data) rowsByPage.set(p, data.rows);
  });
  if (first.data) rowsByPage.set(0, first.data.rows);
  const pageError = pageResults.find((r) => r.isError)?.error ?? null;

  function rowAt(index: number): ItemRow | undefined {
    return rowsByPage.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  // Keep the keyboard cursor on the open item when it is opened from elsewhere (a link).
  const selectedIndex = ((): number | null => {
    if (cursor !== null || selectedId === null) return cursor;
    for (const [page, rows] of rowsByPage) {
      const i = rows.findIndex((r) => r.id === selectedId);
      if (i >= 0) return page * PAGE_SIZE + i;
    }
    return null;
  })();

  function move(to: number) {
    if (total === 0) return;
    const next = Math.max(0, Math.min(total - 1, to));
    setCursor(next);
    virtualizer.scrollToIndex(next, { align: "auto" });
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const current = selectedIndex ?? -1;
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 2);
    switch (event.key) {
      case "ArrowDown":
        move(current + 1);
        break;
      case "ArrowUp":
        move(current <= 0 ? 0 : current - 1);
        break;
      case "PageDown":
        move(current + pageRows);
        break;
      case "PageUp":
        move(current - pageRows);
        break;
      case "Home":
        move(0);
        break;
      case "End":
        move(total - 1);
        break;
      case "Enter": {
        const row = current >= 0 ? rowAt(current) : undefined;
        if (row) onOpen(row.id);
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  }

  if (first.isError && !first.data) {
    return (
      <div className="table-state">
        <ErrorState title="Could not load work items" error={first.error} onRetry={() => first.refetch()} />
      </div>
    );
  }

  const activeRowId =
    selectedIndex !== null && selectedIndex < total ? `items-row-${selectedIndex}` : undefined;

  return (
    <div ref={scrollRef} className={stale ? "items-scroll items-stale" : "items-scroll"}>
      {/* A table with the ARIA grid pattern: one tab stop, arrows move the selection, Enter opens. */}
      <table
        ref={tableRef}
        className="items-table"
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the APG data-grid pattern on a table
        role="grid"
        aria-label="Work items"
        aria-rowcount={total + 1}
        aria-colcount={COLUMNS.length}
        aria-busy={first.isFetching}
        aria-activedescendant={activeRowId}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="items-grid"
      >
        <thead className="items-header">
          <tr aria-rowindex={1}>
            {COLUMNS.map((c) => {
              const active = filters.sort === c.sort;
              const sortState = active ? (filters.direction === "asc" ? "ascending" : "descending") : "none";
              return (
                <th key={c.id} scope="col" aria-sort={sortState} className="cell header-cell">
                  <button
                    type="button"
                    className={active ? "sort-btn sort-active" : "sort-btn"}
                    onClick={() => onSort(c.sort)}
                    title={`${c.hint ? `${c.hint}. ` : ""}Sort by ${c.label.toLowerCase()}`}
                    data-testid={`sort-${c.id}`}
                  >
                    {c.label}
                    <span className="sort-indicator" aria-hidden="true">
                      {active ? (filters.direction === "asc" ? "▲" : "▼") : "↕"}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        {first.isPending ? (
          <tbody className="items-body items-body-static">
            {LOADING_ROWS.map((key) => (
              <tr key={key} className="items-row items-row-static">
                <PlaceholderCells />
              </tr>
            ))}
          </tbody>
        ) : !stale && total === 0 ? (
          <tbody className="items-body items-body-static">
            <tr className="items-row-static">
              <td colSpan={COLUMNS.length} className="table-state">
                {empty}
              </td>
            </tr>
          </tbody>
        ) : (
          <tbody className="items-body" style={{ height: virtualizer.getTotalSize() }}>
            {virtualRows.map((v) => {
              const row = rowAt(v.index);
              const selected = v.index === selectedIndex;
              return (
                <tr
                  key={v.key}
                  id={`items-row-${v.index}`}
                  aria-rowindex={v.index + 2}
                  aria-selected={selected}
                  className={`items-row${selected ? " selected" : ""}${row && row.id === selectedId ? " open" : ""}`}
                  style={{ transform: `translateY(${v.start - HEADER_HEIGHT}px)`, height: ROW_HEIGHT }}
                  data-testid={row ? "items-row" : "items-row-loading"}
                  data-id={row?.id}
                  onClick={() => {
                    setCursor(v.index);
                    if (row) onOpen(row.id);
                  }}
                >
                  {row ? <Cells row={row} /> : <PlaceholderCells />}
                </tr>
              );
            })}
          </tbody>
        )}
      </table>
      {first.isPending ? (
        <p className="visually-hidden" role="status">
          Loading work items…
        </p>
      ) : null}
      {pageError ? (
        <div className="items-page-error" role="alert">
          Some rows could not be loaded: {pageError.message}{" "}
          <button
            type="button"
            className="link-btn"
            onClick={() => {
              for (const r of pageResults) if (r.isError) void r.refetch();
            }}
          >
            Retry
          </button>
        </div>
      ) : null}
    </div>
  );
}
