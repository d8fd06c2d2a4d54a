//! The Triage filters, kept in the URL hash (`#/triage?reason=ai_unreviewed&team=t1`) so other
//! views can deep-link to a filtered worklist and a reload keeps it.

import type { Provenance, Reason, TriageQuery, TriageShow, TriageSort } from "../lib/ipc";
import { navigate, useRoute } from "../shared/route";
import { PROVENANCES } from "../workgraph/vocabulary";
import { isReason } from "./vocabulary";

export type TriageFilters = {
  teams: string[];
  sources: string[];
  reasons: Reason[];
  provenances: Provenance[];
  sort: TriageSort;
  show: TriageShow;
};

export const DEFAULT_TRIAGE_FILTERS: TriageFilters = {
  teams: [],
  sources: [],
  reasons: [],
  provenances: [],
  sort: "age",
  show: "open",
};

const P = {
  teams: "team",
  sources: "source",
  reasons: "reason",
  provenances: "prov",
  sort: "sort",
  show: "show",
  item: "item",
} as const;

export function triageFiltersFromParams(params: URLSearchParams): TriageFilters {
  const sort = params.get(P.sort);
  const show = params.get(P.show);
  return {
    teams: params.getAll(P.teams),
    sources: params.getAll(P.sources),
    reasons: params.getAll(P.reasons).filter(isReason),
    provenances: params
      .getAll(P.provenances)
      .filter((p): p is Provenance => (PROVENANCES as readonly string[]).includes(p)),
    sort: sort === "waiting_on_it" ? "waiting_on_it" : "age",
    show: show === "decided" ? "decided" : "open",
  };
}

export function triageFiltersToParams(f: TriageFilters, item?: string | null): URLSearchParams {
  const params = new URLSearchParams();
  for (const t of f.teams) params.append(P.teams, t);
  for (const s of f.sources) params.append(P.sources, s);
  for (const r of f.reasons) params.append(P.reasons, r);
  for (const p of f.provenances) params.append(P.provenances, p);
  if (f.sort !== "age") params.set(P.sort, f.sort);
  if (f.show !== "open") params.set(P.show, f.show);
  if (item) params.set(P.item, item);
  return params;
}

export function hasTriageFilters(f: TriageFilters): boolean {
  return f.teams.length + f.sources.length + f.reasons.length + f.provenances.length > 0;
}

/** The `triageList` request for the first `limit` rows. */
export function toTriageQuery(f: TriageFilters, limit: number): TriageQuery {
  return {
    teams: f.teams,
    sources: f.sources,
    reasons: f.reasons,
    provenances: f.provenances,
    text: null,
    sort: f.sort,
    show: f.show,
    offset: 0,
    limit,
  };
}

/** Opens the Triage page with these filters. */
export function openTriage(filters: Partial<TriageFilters>) {
  navigate("triage", triageFiltersToParams({ ...DEFAULT_TRIAGE_FILTERS, ...filters }));
}

/** The filters and the open item of the Triage page, read from and written to the URL. */
export function useTriageLocation() {
  const route = useRoute();
  const filters = triageFiltersFromParams(route.params);
  const itemId = route.params.get(P.item);
  return {
    filters,
    itemId,
    setFilters: (next: TriageFilters) =>
      navigate("triage", triageFiltersToParams(next, itemId), { replace: true }),
    openItem: (id: string | null) =>
      navigate("triage", triageFiltersToParams(filters, id), { replace: true }),
  };
}
