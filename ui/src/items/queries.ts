//! Query options for work items: pages of the filtered list, and one item's detail.

import { queryOptions } from "@tanstack/react-query";
import { ipc } from "../lib/ipc";
import { type ItemFilters, toItemsQuery } from "./filters";

/** Rows fetched per request while scrolling (the Rust side allows up to 1,000). */
export const PAGE_SIZE = 200;

function filtersKey(f: ItemFilters) {
  return [
    f.teams,
    f.states,
    f.kinds,
    f.sources,
    f.provenances,
    f.text.trim(),
    f.unreviewed,
    f.sort,
    f.direction,
  ] as const;
}

export const itemsQueries = {
  all: () => ["items"] as const,
  page: (filters: ItemFilters, page: number) =>
    queryOptions({
      queryKey: ["items", "page", ...filtersKey(filters), page],
      queryFn: () => ipc.itemsList(toItemsQuery(filters, page * PAGE_SIZE, PAGE_SIZE)),
      staleTime: 60_000,
      gcTime: 5 * 60_000,
    }),
  detail: (id: string) =>
    queryOptions({ queryKey: ["items", "detail", id], queryFn: () => ipc.itemDetail(id), staleTime: 30_000 }),
  /** The files a change touches and its conflicts. */
  changes: (id: string) =>
    queryOptions({
      queryKey: ["items", "changes", id],
      queryFn: () => ipc.conflictsItem(id),
      staleTime: 30_000,
    }),
};
