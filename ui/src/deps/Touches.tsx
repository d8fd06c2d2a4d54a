//! Who changes whose code: a team × team table of pull requests by one team touching paths
//! another team owns (CODEOWNERS), over a window of days and the page's filters — a relation
//! apart from blocking links — and the panel listing the pull requests behind a pair. Team
//! names, keys, titles and paths are always rendered as text.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ChartPanel } from "../flow/ChartPanel";
import type { DepsFilter, TouchCell, TouchesQuery, TouchesReport } from "../lib/ipc";
import type { CsvCell } from "../shared/csv";
import { fileStem, saveCsv, toCsv } from "../shared/csv";
import { formatCount, formatDate, plural } from "../shared/format";
import { SidePanel } from "../shared/SidePanel";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import { depsQueries } from "./queries";

/** The windows offered, in days (`null`: every pull request read). */
export const WINDOWS: { days: number | null; label: string }[] = [
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 180, label: "180 days" },
  { days: 365, label: "365 days" },
  { days: null, label: "All" },
];

type AxisTeam = { teamId: string; teamName: string };

function sortTeams(m: Map<string, string>): AxisTeam[] {
  return [...m.entries()]
    .map(([teamId, teamName]) => ({ teamId, teamName }))
    .sort((a, b) => {
      // Pull requests without a team last.
      if ((a.teamId === "") !== (b.teamId === "")) return a.teamId === "" ? 1 : -1;
      return a.teamName.localeCompare(b.teamName);
    });
}

/** The teams of the table: authors' teams as rows, owning teams as columns, by name. */
export function touchAxes(r: TouchesReport): { rows: AxisTeam[]; cols: AxisTeam[] } {
  const rows = new Map<string, string>();
  const cols = new Map<string, string>();
  for (const c of r.cells) {
    rows.set(c.fromTeamId, c.fromTeam);
    cols.set(c.toTeamId, c.toTeam);
  }
  return { rows: sortTeams(rows), cols: sortTeams(cols) };
}

export function touchRows(r: TouchesReport): CsvCell[][] {
  return [
    [
      "authors_team",
      "owning_team",
      "pull_requests",
      "open",
      "made_by_ai_agents",
      "not_reviewed_by_owners",
      "paths",
    ],
    ...r.cells.map((c) => [c.fromTeam, c.toTeam, c.pulls, c.open, c.ai, c.unreviewed, c.paths]),
  ];
}

function WindowToggle({ value, onChange }: { value: number | null; onChange: (d: number | null) => void }) {
  return (
    <fieldset
      className="segmented segmented-small"
      aria-label="Pull requests opened in"
      data-testid="touches-window"
    >
      <legend className="visually-hidden">Pull requests opened in</legend>
      {WINDOWS.map((w) => (
        <label key={w.label} className={value === w.days ? "segment active" : "segment"}>
          <input
            type="radio"
            name="touches-window"
            value={w.days ?? "all"}
            checked={value === w.days}
            onChange={() => onChange(w.days)}
            data-testid={`touches-window-${w.days ?? "all"}`}
          />
          {w.label}
        </label>
      ))}
    </fieldset>
  );
}

/** How many of a pair's pull requests the owners approved, in words. */
function reviewWords(c: TouchCell): string {
  if (c.unreviewed === 0) return "all reviewed";
  if (c.unreviewed === c.pulls) return c.pulls === 1 ? "not reviewed" : "none reviewed";
  return `${formatCount(c.unreviewed)} unreviewed`;
}

function windowWords(r: TouchesReport): string {
  return r.days === null ? "ever read" : `opened in the last ${plural(r.days, "day")}`;
}

export function TouchesMatrix({
  filter,
  onCell,
}: {
  filter: DepsFilter;
  onCell: (query: TouchesQuery, cell: TouchCell) => void;
}) {
  const [days, setDays] = useState<number | null>(90);
  const query: TouchesQuery = { filter, days };
  const touches = useQuery(depsQueries.touches(query));
  const r = touches.data;
  const title = "Who changes whose code";
  const subtitle = (
    <>
      Not a blocking link: pull requests of each row's team that change paths each column's team owns
      (CODEOWNERS), {r ? windowWords(r) : "in the window"}, and how many the owners approved (hover a number
      for how many are open and made by AI agents). Click a number to list the pull requests.
    </>
  );
  let body = null;
  if (!r && touches.isError) {
    body = (
      <ErrorState
        compact
        title="Could not read who changes whose code"
        error={touches.error}
        onRetry={() => touches.refetch()}
      />
    );
  } else if (!r) {
    body = <LoadingState compact label="Reading who changes whose code…" />;
  } else {
    body = <TouchTable report={r} onCell={(c) => onCell(query, c)} />;
  }
  return (
    <ChartPanel
      wide
      testId="deps-touches"
      title={title}
      metricId="conflicts-touches"
      subtitle={subtitle}
      csv={() => (r ? touchRows(r) : [])}
      headerExtra={<WindowToggle value={days} onChange={setDays} />}
      empty={
        r && r.cells.length === 0
          ? {
              title: "No team changes another team's code here",
              body:
                r.pullsRead === 0
                  ? `No pull request ${windowWords(r)} has its files read${r.repositoriesWithOwners === 0 ? ", and no repository has a CODEOWNERS file Baton read" : ""}.`
                  : `${plural(r.pullsRead, "pull request")} ${windowWords(r)} with their files read; none touches a path another team owns${r.repositoriesWithOwners === 0 ? " (no repository has a CODEOWNERS file Baton read)" : ""}.`,
            }
          : null
      }
      footer={
        r ? (
          <p className="muted small" data-testid="touches-footnote">
            {formatCount(r.pullsTouching)} of {plural(r.pullsRead, "pull request")} {windowWords(r)} touch
            another team's code · owners from {plural(r.repositoriesWithOwners, "repository", "repositories")}{" "}
            with a CODEOWNERS file
            {r.repositoriesWithoutOwners > 0 ? `, ${formatCount(r.repositoriesWithoutOwners)} without` : ""}
          </p>
        ) : null
      }
    >
      <div className={touches.isPlaceholderData ? "is-stale" : undefined} aria-busy={touches.isFetching}>
        {body}
      </div>
    </ChartPanel>
  );
}

function TouchTable({ report, onCell }: { report: TouchesReport; onCell: (c: TouchCell) => void }) {
  const { rows, cols } = touchAxes(report);
  const cell = new Map<string, TouchCell>();
  for (const c of report.cells) cell.set(`${c.fromTeamId}\u0000${c.toTeamId}`, c);
  return (
    <div className="dep-matrix-scroll">
      <table className="data-table dep-matrix dep-touches" data-testid="deps-touches-table">
        <caption className="visually-hidden">
          Pull requests changing another team's code: rows are the authors' teams, columns the owning teams
        </caption>
        <thead>
          <tr>
            <th scope="col" className="dep-matrix-corner">
              <span className="muted small">Changes by ↓ · Code of →</span>
            </th>
            {cols.map((c) => (
              <th key={c.teamId} scope="col" className="num">
                {c.teamName}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.teamId} data-testid="deps-touches-row" data-team={r.teamId}>
              <th scope="row">{r.teamName}</th>
              {cols.map((c) => {
                const v = cell.get(`${r.teamId}\u0000${c.teamId}`);
                return (
                  <td
                    key={c.teamId}
                    className="num"
                    data-testid="deps-touches-cell"
                    data-from={r.teamId}
                    data-to={c.teamId}
                    data-value={v?.pulls ?? 0}
                  >
                    {v ? (
                      <button
                        type="button"
                        className="link-btn dep-matrix-btn"
                        onClick={() => onCell(v)}
                        title={`${v.fromTeam} changed ${v.toTeam}'s code in ${plural(v.pulls, "pull request")}: ${formatCount(v.open)} open, ${formatCount(v.ai)} by AI agents, ${formatCount(v.unreviewed)} not approved by ${v.toTeam}; ${plural(v.paths, "path")}`}
                      >
                        <span className="strong">{formatCount(v.pulls)}</span>
                        <span className="visually-hidden">
                          {" "}
                          pull requests of {v.fromTeam} changing {v.toTeam}'s code,
                        </span>
                        <span className="muted small dep-matrix-age"> {reviewWords(v)}</span>
                      </button>
                    ) : (
                      <span className="muted">
                        <span aria-hidden="true">·</span>
                        <span className="visually-hidden">none</span>
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The pull requests behind one pair, newest first. */
export function TouchPanel({
  query,
  cell,
  onClose,
  onOpenItem,
}: {
  query: TouchesQuery;
  cell: TouchCell;
  onClose: () => void;
  onOpenItem: (id: string) => void;
}) {
  const list = useQuery(depsQueries.touchPulls(query, cell.fromTeamId, cell.toTeamId));
  const data = list.data;
  const title = `${cell.fromTeam} changes ${cell.toTeam}'s code`;
  return (
    <SidePanel
      label="Pull requests changing another team's code"
      testId="deps-touch-panel"
      width={640}
      onClose={onClose}
      headerExtra={
        data && data.pulls.length > 0 ? (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="deps-touch-export"
            title="Save the listed pull requests as CSV"
            onClick={() =>
              void saveCsv(
                toCsv([
                  [
                    "id",
                    "key",
                    "title",
                    "authors_team",
                    "opened",
                    "open",
                    "ai_agent",
                    "reviewed_by_owners",
                    "paths",
                  ],
                  ...data.pulls.map((p) => [
                    p.item.id,
                    p.item.key,
                    p.item.title,
                    p.item.team ?? "",
                    p.created,
                    p.item.open ? "yes" : "no",
                    p.item.ai ? "yes" : "no",
                    p.reviewed ? "yes" : "no",
                    p.paths.join(" "),
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
          <p className="eyebrow">Who changes whose code</p>
          <h2 className="panel-heading" data-testid="deps-touch-title">
            {title}
          </h2>
        </div>
      }
    >
      {list.isPending ? <LoadingState label="Listing the pull requests…" /> : null}
      {list.isError ? (
        <ErrorState
          title="Could not list the pull requests"
          error={list.error}
          onRetry={() => list.refetch()}
        />
      ) : null}
      {data && data.pulls.length === 0 ? (
        <EmptyState title="No pull request listed">
          The table counted {plural(cell.pulls, "pull request")} here; none is left after the last change.
        </EmptyState>
      ) : null}
      {data && data.pulls.length > 0 ? (
        <>
          <p className="muted small drill-count" data-testid="deps-touch-count" data-value={data.total}>
            {data.total > data.pulls.length
              ? `The newest ${formatCount(data.pulls.length)} of ${plural(data.total, "pull request")}`
              : plural(data.total, "pull request")}{" "}
            of {data.fromTeam} changing paths {data.toTeam} owns, newest first.
          </p>
          <ul className="touch-list" data-testid="deps-touch-list">
            {data.pulls.map((p) => (
              <li key={p.item.id} className="touch-row" data-testid="deps-touch-row" data-id={p.item.id}>
                <div className="touch-head">
                  <button
                    type="button"
                    className="link-button mono"
                    onClick={() => onOpenItem(p.item.id)}
                    aria-label={`Open ${p.item.key} ${p.item.title}`}
                  >
                    {p.item.key}
                  </button>{" "}
                  <span className="touch-title">{p.item.title}</span>
                </div>
                <div className="muted small">
                  opened {formatDate(p.created)} · {p.item.open ? "open" : "closed"}
                  {p.item.ai ? " · made by an AI agent" : ""} ·{" "}
                  {p.reviewed ? (
                    <span>approved by {data.toTeam}</span>
                  ) : (
                    <span className="tag tag-warning">not approved by {data.toTeam}</span>
                  )}
                </div>
                <ul className="file-list mono small" aria-label={`Paths of ${data.toTeam} it touches`}>
                  {p.paths.map((path) => (
                    <li key={path}>{path}</li>
                  ))}
                  {p.pathsTotal > p.paths.length ? (
                    <li className="muted">and {plural(p.pathsTotal - p.paths.length, "more path")}</li>
                  ) : null}
                </ul>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </SidePanel>
  );
}
