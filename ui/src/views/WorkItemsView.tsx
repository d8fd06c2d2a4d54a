//! Work items: every item of the workspace in one virtualised, filterable, sortable table, with
//! the detail drawer.

import { useQuery } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { DEFAULT_FILTERS, hasFilters, useItemsLocation } from "../items/filters";
import { ItemDetailPanel } from "../items/ItemDetailPanel";
import { defaultDirection, ItemsTable } from "../items/ItemsTable";
import { ItemsToolbar } from "../items/ItemsToolbar";
import type { SortField } from "../lib/ipc";
import { EmptyState } from "../shared/states";
import { summaryQuery } from "../workspace/queries";
import { ViewHeader } from "./ViewHeader";

export function WorkItemsView() {
  const { filters, itemId, setFilters, openItem } = useItemsLocation();
  const summary = useQuery(summaryQuery());
  const [count, setCount] = useState<{ total: number | null; stale: boolean }>({ total: null, stale: false });
  const onTotal = useCallback((total: number | null, stale: boolean) => setCount({ total, stale }), []);

  function onSort(field: SortField) {
    const direction =
      filters.sort === field ? (filters.direction === "asc" ? "desc" : "asc") : defaultDirection(field);
    setFilters({ ...filters, sort: field, direction });
  }

  const filtered = hasFilters(filters);
  const empty = filtered ? (
    <EmptyState
      title="No items match these filters"
      action={
        <button
          type="button"
          className="btn"
          onClick={() => setFilters({ ...DEFAULT_FILTERS, sort: filters.sort, direction: filters.direction })}
        >
          Clear filters
        </button>
      }
    >
      Widen the search or remove a filter to see more.
    </EmptyState>
  ) : (
    <EmptyState title="This workspace has no items yet">
      Items appear here once a source is synced. Connect GitHub, Jira or Linear in{" "}
      <a href="#/sources">Sources</a>, or open the demo workspace from the workspace menu.
    </EmptyState>
  );

  return (
    <div className="view view-items">
      <ViewHeader
        title="Work items"
        description="Every issue, ticket and pull request in the workspace. Filter, sort, and select a row (or use ↑ ↓ and Enter) to see its history and links."
      />
      <ItemsToolbar
        filters={filters}
        onChange={(next) => setFilters(next)}
        summary={summary.data}
        total={count.total}
        stale={count.stale}
      />
      <div className="items-layout">
        <ItemsTable
          filters={filters}
          selectedId={itemId}
          onSort={onSort}
          onOpen={openItem}
          onTotal={onTotal}
          empty={empty}
        />
      </div>
      {itemId ? (
        <ItemDetailPanel key={itemId} id={itemId} onClose={() => openItem(null)} onOpenItem={openItem} />
      ) : null}
    </div>
  );
}
