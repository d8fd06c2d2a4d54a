//! The Work items filters and sort, kept in the URL hash so any view can deep-link to a
//! filtered list (`#/items?team=t1&state=waiting`) and a reload keeps them.

import type { FlowState, ItemKind, ItemsQuery, Provenance, SortDirection, SortField } from "../lib/ipc";
import { navigate, useRoute } from "../shared/route";
import { FLOW_STATES, ITEM_KINDS, PROVENANCES } from "../workgraph/vocabulary";

export type ItemFilters = {
  teams: string[];
  states: FlowState[];
  kinds: ItemKind[];
  sources: string[];
  provenances: Provenance[];
  /** Intent ids: items linked to one of them or to an intent under it. */
  intents: string[];
  text: string;
  /** Only AI-made pull requests without an independent review (the Overview's count). */
  unreviewed: boolean;
  sort: SortField;
  direction: SortDirection;
};

export const DEFAULT_FILTERS: ItemFilters = {
  teams: [],
  states: [],
  kinds: [],
  sources: [],
  provenances: [],
  intents: [],
  text: "",
  unreviewed: false,
  sort: "updated",
  direction: "desc",
};

const SORT_FIELDS: readonly SortField[] = [
  "key",
  "title",
  "kind",
  "team",
  "state",
  "source",
  "provenance",
  "created",
  "updated",
  "state_since",
];

const P = {
  teams: "team",
  states: "state",
  kinds: "kind",
  sources: "source",
  provenances: "prov",
  intents: "intent",
  text: "q",
  unreviewed: "unreviewed",
  sort: "sort",
  direction: "dir",
  item: "item",
} as const;

function oneOf<T extends string>(allowed: readonly T[], values: string[]): T[] {
  return values.filter((v): v is T => (allowed as readonly string[]).includes(v));
}

export function filtersFromParams(params: URLSearchParams): ItemFilters {
  const sort = params.get(P.sort);
  const dir = params.get(P.direction);
  return {
    teams: params.getAll(P.teams),
    states: oneOf(FLOW_STATES, params.getAll(P.states)),
    kinds: oneOf(ITEM_KINDS, params.getAll(P.kinds)),
    sources: params.getAll(P.sources),
    provenances: oneOf(PROVENANCES, params.getAll(P.provenances)),
    intents: params.getAll(P.intents),
    text: params.get(P.text) ?? "",
    unreviewed: params.get(P.unreviewed) === "1",
    sort:
      sort && (SORT_FIELDS as readonly string[]).includes(sort) ? (sort as SortField) : DEFAULT_FILTERS.sort,
    direction: dir === "asc" || dir === "desc" ? dir : DEFAULT_FILTERS.direction,
  };
}

export function filtersToParams(filters: ItemFilters, item?: string | null): URLSearchParams {
  const params = new URLSearchParams();
  for (const t of filters.teams) params.append(P.teams, t);
  for (const s of filters.states) params.append(P.states, s);
  for (const k of filters.kinds) params.append(P.kinds, k);
  for (const s of filters.sources) params.append(P.sources, s);
  for (const p of filters.provenances) params.append(P.provenances, p);
  for (const i of filters.intents) params.append(P.intents, i);
  if (filters.text.trim()) params.set(P.text, filters.text);
  if (filters.unreviewed) params.set(P.unreviewed, "1");
  if (filters.sort !== DEFAULT_FILTERS.sort) params.set(P.sort, filters.sort);
  if (filters.direction !== DEFAULT_FILTERS.direction) params.set(P.direction, filters.direction);
  if (item) params.set(P.item, item);
  return params;
}

export function hasFilters(f: ItemFilters): boolean {
  return (
    f.teams.length +
      f.states.length +
      f.kinds.length +
      f.sources.length +
      f.provenances.length +
      f.intents.length >
      0 ||
    f.text.trim() !== "" ||
    f.unreviewed
  );
}

/** The `itemsList` request for one window of the filtered, sorted list. */
export function toItemsQuery(f: ItemFilters, offset: number, limit: number): ItemsQuery {
  const text = f.text.trim();
  return {
    teams: f.teams,
    states: f.states,
    kinds: f.kinds,
    sources: f.sources,
    provenances: f.provenances,
    intents: f.intents,
    text: text === "" ? null : text,
    withoutIndependentReview: f.unreviewed,
    sort: f.sort,
    direction: f.direction,
    offset,
    limit,
  };
}

/** Opens Work items with these filters (everything else at its default). */
export function openItems(filters: Partial<ItemFilters>) {
  navigate("items", filtersToParams({ ...DEFAULT_FILTERS, ...filters }));
}

/** The filters and the open item of the Work items view, read from and written to the URL. */
export function useItemsLocation() {
  const route = useRoute();
  const filters = filtersFromParams(route.params);
  const itemId = route.params.get(P.item);
  return {
    filters,
    itemId,
    setFilters: (next: ItemFilters, options: { replace?: boolean } = {}) =>
      navigate("items", filtersToParams(next, itemId), { replace: options.replace ?? true }),
    openItem: (id: string | null) => navigate("items", filtersToParams(filters, id), { replace: false }),
  };
}
