//! The open blocking links behind one team → team cell of the matrix (or arrow of the map): read
//! from the item graph of both teams' items, and compared with the cell's count so the panel
//! says plainly when it lists fewer.

import { useQuery } from "@tanstack/react-query";
import type { GraphNode, GraphView, TeamDependency } from "../lib/ipc";
import { fileStem, saveCsv, toCsv } from "../shared/csv";
import { formatCount, formatDays } from "../shared/format";
import { SidePanel } from "../shared/SidePanel";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import { ItemChip, stateLabel } from "./parts";
import { depsQueries } from "./queries";

export type CellLink = { from: GraphNode; to: GraphNode; ageDays: number | null };

/** The open `blocks` links from the blocker team's items to the blocked team's, oldest first. */
export function cellLinks(view: GraphView, cell: TeamDependency): CellLink[] {
  const nodes = new Map(view.nodes.map((n) => [n.item.id, n]));
  const out: CellLink[] = [];
  for (const e of view.edges) {
    if (e.kind !== "blocks" || !e.open) continue;
    const from = nodes.get(e.from);
    const to = nodes.get(e.to);
    if (!from || !to) continue;
    if ((from.teamId ?? "") !== cell.blockerTeamId || (to.teamId ?? "") !== cell.blockedTeamId) continue;
    out.push({ from, to, ageDays: e.ageDays });
  }
  return out.sort(
    (a, b) => (b.ageDays ?? 0) - (a.ageDays ?? 0) || a.from.item.key.localeCompare(b.from.item.key),
  );
}

function asDepItem(n: GraphNode) {
  return { item: n.item, teamId: n.teamId, teamName: n.teamName, flowState: n.flowState, stage: n.stage };
}

export function CellPanel({
  cell,
  onClose,
  onOpenItem,
}: {
  cell: TeamDependency;
  onClose: () => void;
  onOpenItem: (id: string) => void;
}) {
  const graph = useQuery(depsQueries.cell(cell.blockerTeamId, cell.blockedTeamId));
  const view = graph.data;
  const list = view ? cellLinks(view, cell) : [];
  const title = `${cell.blockerTeam} blocks ${cell.blockedTeam}`;
  return (
    <SidePanel
      label="Blocking links between two teams"
      testId="deps-cell"
      width={600}
      onClose={onClose}
      headerExtra={
        list.length > 0 ? (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="deps-cell-export"
            title="Save the listed links as CSV"
            onClick={() =>
              void saveCsv(
                toCsv([
                  [
                    "blocker_id",
                    "blocker_key",
                    "blocker_team",
                    "blocked_id",
                    "blocked_key",
                    "blocked_team",
                    "link_age_days",
                  ],
                  ...list.map((l) => [
                    l.from.item.id,
                    l.from.item.key,
                    l.from.teamName,
                    l.to.item.id,
                    l.to.item.key,
                    l.to.teamName,
                    l.ageDays,
                  ]),
                ]),
                `${fileStem(title)}.csv`,
              )
            }
          >
            CSV
          </button>
        ) : null
      }
      title={
        <div>
          <p className="eyebrow">Open blocking links</p>
          <h2 className="panel-heading" data-testid="deps-cell-title">
            {title}
          </h2>
        </div>
      }
    >
      {graph.isPending ? <LoadingState label="Listing the links…" /> : null}
      {graph.isError ? (
        <ErrorState title="Could not list the links" error={graph.error} onRetry={() => graph.refetch()} />
      ) : null}
      {view && list.length === 0 ? (
        <EmptyState title="No links listed">
          The matrix counts {formatCount(cell.openLinks)} open {cell.openLinks === 1 ? "link" : "links"} here,
          but none is in the item graph of the two teams
          {view.truncated ? ", which was cut at its size limit" : ""}.
        </EmptyState>
      ) : null}
      {view && list.length > 0 ? (
        <>
          <p className="muted small drill-count" data-testid="deps-cell-count" data-value={list.length}>
            {list.length === cell.openLinks
              ? `${formatCount(list.length)} open blocking ${list.length === 1 ? "link" : "links"}, the longest blocking first: the blocker (left) must finish before the blocked item (right).`
              : `${formatCount(list.length)} of the ${formatCount(cell.openLinks)} open blocking links the matrix counts are listed${view.truncated ? `: the item graph of the two teams was cut at ${formatCount(view.nodes.length)} of ${formatCount(view.totalNodes)} items` : ""}.`}
          </p>
          <table className="drill-table dep-cell-table">
            <thead>
              <tr>
                <th scope="col">Blocker ({cell.blockerTeam})</th>
                <th scope="col">Blocked ({cell.blockedTeam})</th>
                <th scope="col" className="num">
                  Blocking for
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((l) => (
                <tr key={`${l.from.item.id}>${l.to.item.id}`} data-testid="deps-cell-row">
                  <td>
                    <ItemChip item={asDepItem(l.from)} onOpen={onOpenItem} withTitle />
                    <span className="muted small dep-cell-state">{stateLabel(l.from)}</span>
                  </td>
                  <td>
                    <ItemChip item={asDepItem(l.to)} onOpen={onOpenItem} withTitle />
                    <span className="muted small dep-cell-state">{stateLabel(l.to)}</span>
                  </td>
                  <td className="num">{formatDays(l.ageDays)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </SidePanel>
  );
}
