//! Dependencies: who blocks whom across teams and sources, the item graph with its critical
//! path, the lists that need a decision (chains, single blocking links, cycles, at-risk
//! items, lost handoffs), and, apart from blocking, who changes whose code.

import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { CellPanel } from "../deps/CellPanel";
import { DepsFilterBar } from "../deps/DepsFilterBar";
import { DepsLists, type RowActions, Section, type SectionState } from "../deps/DepsLists";
import { ItemGraph, preloadItemGraph } from "../deps/ItemGraph";
import { hasFilter, useDepsLocation } from "../deps/location";
import { teamColors } from "../deps/palette";
import { depsQueries } from "../deps/queries";
import { MatrixTable, TeamMap } from "../deps/TeamMap";
import { TouchesMatrix, TouchPanel } from "../deps/Touches";
import "../deps/deps.css";
import { ItemDetailPanel } from "../items/ItemDetailPanel";
import type { DepsFilter, TeamDependency, TouchCell, TouchesQuery } from "../lib/ipc";
import { formatCount, formatDateTime, plural } from "../shared/format";
import { InTurn } from "../shared/InTurn";
import { useDrawnMark } from "../shared/perf";
import { staleClass, useAfterDelay } from "../shared/states";
import { useResolvedTheme } from "../shared/theme";
import { ViewHeader } from "./ViewHeader";

/** Loads what the page's graph needs before the page is opened (see `preloadItemGraph`). */
export function preloadDependencies(): void {
  preloadItemGraph();
}

function scrollToGraph() {
  const el = document.querySelector('[data-testid="deps-graph"]');
  if (el && "scrollIntoView" in el && typeof el.scrollIntoView === "function") {
    el.scrollIntoView({ block: "start", behavior: "smooth" });
  }
}

export function DependenciesView() {
  const [loc, change] = useDepsLocation();
  const theme = useResolvedTheme();
  const report = useQuery(depsQueries.report(loc.filter));
  const r = report.data;
  useDrawnMark("dependencies", report.isPlaceholderData ? null : r);
  const dimmed = useAfterDelay(report.isPlaceholderData);
  const updating = useAfterDelay(report.isFetching && Boolean(r));
  const [cell, setCell] = useState<TeamDependency | null>(null);
  const [itemId, setItemId] = useState<string | null>(null);
  const [touch, setTouch] = useState<{ query: TouchesQuery; cell: TouchCell } | null>(null);

  const teamsKey = JSON.stringify(r?.teams.map((t) => [t.teamId, t.teamName]) ?? []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: teamsKey stands for the teams' ids and names
  const colors = useMemo(() => teamColors(r?.teams ?? [], theme), [teamsKey, theme]);

  const setFilter = useCallback((filter: DepsFilter) => change({ filter }), [change]);
  const onTeam = useCallback(
    (teamId: string) => {
      const only = loc.filter.teams.length === 1 && loc.filter.teams[0] === teamId;
      change({ filter: { ...loc.filter, teams: only ? [] : [teamId] } });
    },
    [change, loc.filter],
  );
  const actions: RowActions = useMemo(
    () => ({
      onOpen: (id: string) => {
        setCell(null);
        setTouch(null);
        setItemId(id);
      },
      onFocus: (id: string, hops?: number) => {
        change(hops ? { focus: id, hops: Math.max(1, hops) } : { focus: id });
        scrollToGraph();
      },
    }),
    [change],
  );

  const state: SectionState = {
    report: r,
    loading: report.isPending,
    error: report.isError ? report.error : null,
    retry: () => void report.refetch(),
  };

  return (
    <div className="view view-flow view-deps" data-testid="view-dependencies">
      <ViewHeader
        title="Dependencies"
        description={
          r ? (
            <>
              Who blocks whom: {formatCount(r.openBlockingLinks)} open blocking{" "}
              {r.openBlockingLinks === 1 ? "link" : "links"} across teams and sources
              <span data-testid="deps-chain-counts">
                {" "}
                · {plural(r.chainsTotal, "chain")} of two links or more ·{" "}
                {plural(r.singleLinksTotal, "single blocking link")}
              </span>
              <span className="muted" data-testid="deps-as-of">
                {" "}
                · measured as of <time dateTime={r.asOf}>{formatDateTime(r.asOf)}</time>
              </span>
            </>
          ) : (
            "Which teams wait on which, and what is blocked right now?"
          )
        }
      />
      <DepsFilterBar filter={loc.filter} teams={r?.teams ?? []} onChange={setFilter} updating={updating} />
      {report.isError && r ? (
        <p className="error-text small" role="alert">
          Could not update for these filters ({report.error.message}); showing the previous answer.
        </p>
      ) : null}
      <div
        className={staleClass("chart-grid flow-body", report.isPlaceholderData, dimmed)}
        aria-busy={report.isFetching}
      >
        {r ? (
          <TeamMap
            report={r}
            chosen={loc.filter.teams}
            colors={colors}
            onTeam={onTeam}
            onLink={(link) => {
              setItemId(null);
              setTouch(null);
              setCell(link);
            }}
          />
        ) : (
          <Section
            title="Team map"
            metricId="deps-matrix"
            testId="deps-team-map"
            subtitle="Which teams' open items block which teams' items."
            state={state}
            csv={() => []}
            empty={() => null}
          >
            {() => null}
          </Section>
        )}
        {/* The cards below the team map mount in turns (`InTurn`), each in a task of its own
            after the one before: mounting and laying out the whole page at once held the
            window for 100–400 ms on the first visit at 200,000 items. */}
        {r ? (
          <InTurn wide height={420}>
            <MatrixTable
              report={r}
              onCell={(link) => {
                setItemId(null);
                setTouch(null);
                setCell(link);
              }}
            />
          </InTurn>
        ) : null}
        <InTurn wide height={420}>
          <TouchesMatrix
            filter={loc.filter}
            onCell={(query, c) => {
              setItemId(null);
              setCell(null);
              setTouch({ query, cell: c });
            }}
          />
        </InTurn>
        <InTurn wide height={560}>
          <ItemGraph loc={loc} change={change} teams={colors} teamLoads={r?.teams} onOpen={actions.onOpen} />
        </InTurn>
        {r ? (
          <InTurn wide height={600}>
            <DepsLists state={state} actions={actions} filtered={hasFilter(loc.filter)} />
          </InTurn>
        ) : (
          <DepsLists state={state} actions={actions} filtered={hasFilter(loc.filter)} />
        )}
      </div>
      {itemId ? (
        <ItemDetailPanel
          key={itemId}
          id={itemId}
          onClose={() => setItemId(null)}
          onOpenItem={(id) => setItemId(id)}
        />
      ) : cell ? (
        <CellPanel cell={cell} onClose={() => setCell(null)} onOpenItem={setItemId} />
      ) : touch ? (
        <TouchPanel
          query={touch.query}
          cell={touch.cell}
          onClose={() => setTouch(null)}
          onOpenItem={setItemId}
        />
      ) : null}
    </div>
  );
}
