//! Who blocks whom: the team map (a chart) and the same numbers as a team × team table.

import { useMemo, useState } from "react";
import { ChartPanel } from "../flow/ChartPanel";
import type { DepsReport, TeamDependency } from "../lib/ipc";
import { formatCount, formatDays } from "../shared/format";
import { chartPalette, useResolvedTheme } from "../shared/theme";
import { matrixRows, teamRows } from "./csvData";
import { ageLegend, type TeamColors } from "./palette";
import { type AgeMeasure, ageOf, crossTeamLinks, mapHit, mapTeams, teamMapOption } from "./teamMap";

function AgeToggle({ value, onChange }: { value: AgeMeasure; onChange: (m: AgeMeasure) => void }) {
  const choices: { value: AgeMeasure; label: string; hint: string }[] = [
    { value: "median", label: "Median age", hint: "Colour each arrow by the median age of its links" },
    { value: "oldest", label: "Oldest", hint: "Colour each arrow by its oldest link" },
  ];
  return (
    <fieldset className="segmented segmented-small" aria-label="Arrow colour" data-testid="team-map-age">
      <legend className="visually-hidden">Arrow colour</legend>
      {choices.map((c) => (
        <label key={c.value} className={value === c.value ? "segment active" : "segment"} title={c.hint}>
          <input
            type="radio"
            name="team-map-age"
            value={c.value}
            checked={value === c.value}
            onChange={() => onChange(c.value)}
            data-testid={`team-map-age-${c.value}`}
          />
          {c.label}
        </label>
      ))}
    </fieldset>
  );
}

export function AgeLegend({ measure }: { measure: AgeMeasure }) {
  const theme = useResolvedTheme();
  return (
    <ul
      className="dep-legend"
      aria-label={`Arrow colour: ${measure === "median" ? "median age" : "oldest link"}`}
    >
      <li className="dep-legend-title">{measure === "median" ? "Median age of the links" : "Oldest link"}</li>
      {ageLegend(theme).map((b) => (
        <li key={b.label}>
          <span className="dep-swatch dep-swatch-line" style={{ background: b.color }} aria-hidden="true" />
          {b.label}
        </li>
      ))}
      <li className="dep-legend-title">Width: open blocking links</li>
    </ul>
  );
}

export function TeamMap({
  report,
  chosen,
  colors,
  onTeam,
  onLink,
}: {
  report: DepsReport;
  chosen: string[];
  colors: TeamColors;
  onTeam: (teamId: string) => void;
  onLink: (link: TeamDependency) => void;
}) {
  const theme = useResolvedTheme();
  const [measure, setMeasure] = useState<AgeMeasure>("median");
  const chosenKey = chosen.join("\u0000");
  // biome-ignore lint/correctness/useExhaustiveDependencies: chosenKey stands for chosen's contents
  const option = useMemo(
    () => teamMapOption(report, chosen, measure, colors, chartPalette(theme), theme),
    [report, chosenKey, measure, colors, theme],
  );
  const teams = mapTeams(report, chosen);
  const links = crossTeamLinks(report);
  return (
    <ChartPanel
      wide
      testId="deps-team-map"
      title="Team map"
      metricId="deps-matrix"
      subtitle="Arrows run from the team whose open items block to the team whose items wait; wider is more open blocking links, darker is older. Click a team to show only its dependencies, an arrow to list its blocking items."
      csv={() => teamRows(report)}
      headerExtra={<AgeToggle value={measure} onChange={setMeasure} />}
      empty={
        links.length === 0
          ? {
              title: "No team blocks another",
              body: `There are ${formatCount(report.openBlockingLinks)} open blocking links, none between two teams${chosen.length ? " involving the chosen teams" : ""}.`,
            }
          : null
      }
      chart={{
        option,
        height: Math.max(380, Math.min(620, 240 + teams.length * 40)),
        label: `Team map: ${teams.length} teams and ${links.length} blocking team pairs`,
        onClick: ({ name }) => {
          const hit = mapHit(report, name);
          if (hit?.type === "team") onTeam(hit.teamId);
          else if (hit?.type === "link") onLink(hit.link);
        },
      }}
      footer={<AgeLegend measure={measure} />}
    />
  );
}

type Cell = TeamDependency | undefined;

/** The teams of the matrix, by name: blockers as rows, blocked teams as columns. */
export function matrixAxes(report: DepsReport): { rows: AxisTeam[]; cols: AxisTeam[] } {
  const rows = new Map<string, string>();
  const cols = new Map<string, string>();
  for (const c of report.matrix) {
    rows.set(c.blockerTeamId, c.blockerTeam);
    cols.set(c.blockedTeamId, c.blockedTeam);
  }
  const sorted = (m: Map<string, string>) =>
    [...m.entries()].map(([teamId, teamName]) => ({ teamId, teamName })).sort(byName);
  return { rows: sorted(rows), cols: sorted(cols) };
}

type AxisTeam = { teamId: string; teamName: string };

function byName(a: AxisTeam, b: AxisTeam): number {
  // Items without a team last.
  if ((a.teamId === "") !== (b.teamId === "")) return a.teamId === "" ? 1 : -1;
  return a.teamName.localeCompare(b.teamName);
}

export function MatrixTable({
  report,
  onCell,
}: {
  report: DepsReport;
  onCell: (link: TeamDependency) => void;
}) {
  const [measure, setMeasure] = useState<AgeMeasure>("median");
  const { rows, cols } = matrixAxes(report);
  const cell = new Map<string, TeamDependency>();
  for (const c of report.matrix) cell.set(`${c.blockerTeamId}\u0000${c.blockedTeamId}`, c);
  const at = (r: string, c: string): Cell => cell.get(`${r}\u0000${c}`);
  const rowTotal = (r: string) =>
    report.matrix
      .filter((c) => c.blockerTeamId === r && c.blockedTeamId !== r)
      .reduce((a, c) => a + c.openLinks, 0);
  const colTotal = (c: string) =>
    report.matrix
      .filter((m) => m.blockedTeamId === c && m.blockerTeamId !== c)
      .reduce((a, m) => a + m.openLinks, 0);
  return (
    <ChartPanel
      wide
      testId="deps-matrix"
      title="Who blocks whom"
      metricId="deps-matrix"
      subtitle={`Open blocking links from each row's team to each column's team, with their ${measure === "median" ? "median" : "oldest"} age. The diagonal is a team blocking its own items (not in the totals). Click a number to list the links.`}
      csv={() => matrixRows(report)}
      headerExtra={<AgeToggleSmall value={measure} onChange={setMeasure} />}
      empty={
        report.matrix.length === 0
          ? { title: "No open blocking links", body: "No open item blocks another open item here." }
          : null
      }
    >
      <div className="dep-matrix-scroll">
        <table className="data-table dep-matrix" data-testid="deps-matrix-table">
          <caption className="visually-hidden">
            Open blocking links: rows are the blocking teams, columns the blocked teams
          </caption>
          <thead>
            <tr>
              <th scope="col" className="dep-matrix-corner">
                <span className="muted small">Blocking ↓ · Blocked →</span>
              </th>
              {cols.map((c) => (
                <th key={c.teamId} scope="col" className="num" data-team={c.teamId}>
                  {c.teamName}
                </th>
              ))}
              <th scope="col" className="num" title="Open links to other teams' items">
                Blocks others
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.teamId} data-testid="deps-matrix-row" data-team={r.teamId}>
                <th scope="row">{r.teamName}</th>
                {cols.map((c) => {
                  const v = at(r.teamId, c.teamId);
                  const diagonal = r.teamId === c.teamId;
                  return (
                    <td
                      key={c.teamId}
                      className={diagonal ? "num dep-matrix-diagonal" : "num"}
                      data-testid="deps-matrix-cell"
                      data-from={r.teamId}
                      data-to={c.teamId}
                      data-value={v?.openLinks ?? 0}
                    >
                      {v ? (
                        <button
                          type="button"
                          className="link-btn dep-matrix-btn"
                          onClick={() => onCell(v)}
                          title={`${v.blockerTeam} blocks ${v.blockedTeam}: ${formatCount(v.openLinks)} open links, median ${formatDays(v.medianDays)}, oldest ${formatDays(v.oldestDays)}, Σ ${formatDays(v.totalDays)}`}
                        >
                          <span className="strong">{formatCount(v.openLinks)}</span>
                          <span className="visually-hidden">
                            {" "}
                            open {v.openLinks === 1 ? "link" : "links"} from {v.blockerTeam} to{" "}
                            {v.blockedTeam},
                          </span>
                          <span className="muted small dep-matrix-age"> {formatDays(ageOf(v, measure))}</span>
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
                <td className="num strong" data-testid="deps-matrix-row-total">
                  {formatCount(rowTotal(r.teamId))}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="row-total">
              <th scope="row">Blocked by others</th>
              {cols.map((c) => (
                <td key={c.teamId} className="num" data-testid="deps-matrix-col-total">
                  {formatCount(colTotal(c.teamId))}
                </td>
              ))}
              <td />
            </tr>
          </tfoot>
        </table>
      </div>
    </ChartPanel>
  );
}

function AgeToggleSmall({ value, onChange }: { value: AgeMeasure; onChange: (m: AgeMeasure) => void }) {
  return (
    <fieldset className="segmented segmented-small" aria-label="Age shown" data-testid="matrix-age">
      <legend className="visually-hidden">Age shown</legend>
      {(["median", "oldest"] as const).map((m) => (
        <label key={m} className={value === m ? "segment active" : "segment"}>
          <input
            type="radio"
            name="matrix-age"
            value={m}
            checked={value === m}
            onChange={() => onChange(m)}
            data-testid={`matrix-age-${m}`}
          />
          {m === "median" ? "Median" : "Oldest"}
        </label>
      ))}
    </fieldset>
  );
}
