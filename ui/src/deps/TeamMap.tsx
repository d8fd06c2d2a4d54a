//! Who blocks whom: the team map (a chart) and the same numbers as a team × team table.

import { type ReactNode, type RefObject, useMemo, useRef, useState } from "react";
import { ChartPanel } from "../flow/ChartPanel";
import type { DepsReport, TeamDependency, TeamNode } from "../lib/ipc";
import { CHART_FONT } from "../shared/chartStyle";
import { formatCount, formatDays } from "../shared/format";
import { type PlotApi, useSvgExport } from "../shared/PlotChart";
import { useChartPainted } from "../shared/perf";
import { type Tip, Tooltip, usePointKeys, useWidth } from "../shared/SimpleCharts";
import { chartPalette, useResolvedTheme } from "../shared/theme";
import { matrixRows, teamRows } from "./csvData";
import { ageLegend, type TeamColors } from "./palette";
import {
  type AgeMeasure,
  ageOf,
  crossTeamLinks,
  LABELLED_ARROWS,
  mapTeams,
  teamMapHeight,
  teamMapLayout,
} from "./teamMap";

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

/** A map's point the pointer or the keyboard is on: a team (series 0) or an arrow (series 1). */
type MapPoint = { kind: "team" | "arrow"; index: number };

function pointOf(target: EventTarget | null): MapPoint | null {
  const el = (target as Element | null)?.closest?.("[data-map-point]");
  if (!el) return null;
  const [kind, index] = (el.getAttribute("data-map-point") ?? "").split(":");
  const i = Number(index);
  if (!Number.isInteger(i)) return null;
  return kind === "team" ? { kind, index: i } : kind === "arrow" ? { kind, index: i } : null;
}

function teamTip(t: TeamNode): ReactNode {
  return (
    <>
      <strong>{t.teamName}</strong>
      <br />
      blocks {formatCount(t.blocking)} open {t.blocking === 1 ? "item link" : "item links"} of other teams
      <br />
      blocked by {formatCount(t.blocked)}
      <br />
      cycle time P50 {formatDays(t.cycleP50Days)} · P85 {formatDays(t.cycleP85Days)}
      {t.defaultPercentiles ? " (defaults)" : ""}
      <br />
      <span className="chart-tip-hint">Click to show only this team's dependencies</span>
    </>
  );
}

function arrowTip(l: TeamDependency): ReactNode {
  return (
    <>
      <strong>
        {l.blockerTeam} → {l.blockedTeam}
      </strong>
      <br />
      {formatCount(l.openLinks)} open blocking {l.openLinks === 1 ? "link" : "links"}
      <br />
      median age {formatDays(l.medianDays)} · oldest {formatDays(l.oldestDays)}
      <br />Σ {formatDays(l.totalDays)} blocking
      <br />
      <span className="chart-tip-hint">Click to list the blocking items</span>
    </>
  );
}

/** Pixels a character of an arrow's number takes (11 px bold). */
const LABEL_CHAR_PX = 7;
/** The same for a team's name (12 px, semibold) and its counts (12 px) under it. */
const NAME_CHAR_PX = 7.4;
const COUNTS_CHAR_PX = 6.4;

/** How many Latin letters' widths `text` takes: Chinese, Japanese and Korean characters (and
 * the wide forms after U+2E80) take about two. */
export function letterWidths(text: string): number {
  let n = 0;
  for (const ch of text) n += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1;
  return n;
}

/**
 * The team map, drawn as SVG elements React renders (`teamMapLayout` places them): a click on a
 * team or an arrow (or its number) calls `onTeam` or `onLink`; hovering one brings its arrows
 * forward with their numbers and shows a tooltip; the keyboard moves between teams (← →) and
 * arrows (↓ to the arrows, ↑ back) and Enter opens one, as a click.
 */
function TeamMapChart({
  report,
  chosen,
  measure,
  colors,
  height,
  label,
  onTeam,
  onLink,
  apiRef,
  testId,
}: {
  report: DepsReport;
  chosen: string[];
  measure: AgeMeasure;
  colors: TeamColors;
  height: number;
  label: string;
  onTeam: (teamId: string) => void;
  onLink: (link: TeamDependency) => void;
  apiRef: RefObject<PlotApi | null>;
  testId: string;
}) {
  const renderStarted = performance.now();
  const theme = useResolvedTheme();
  const palette = chartPalette(theme);
  const ref = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const width = useWidth(ref);
  const chosenKey = chosen.join("\u0000");
  // biome-ignore lint/correctness/useExhaustiveDependencies: chosenKey stands for chosen's contents
  const layout = useMemo(
    () => teamMapLayout(report, chosen, measure, colors, theme, width, height),
    [report, chosenKey, measure, colors, theme, width, height],
  );
  useChartPainted(testId, renderStarted, [layout, palette]);
  const [hover, setHover] = useState<MapPoint | null>(null);
  const [tip, setTip] = useState<Tip | null>(null);
  const open = (p: MapPoint) => {
    if (p.kind === "team") {
      const n = layout.nodes[p.index];
      if (n) onTeam(n.team.teamId);
    } else {
      const a = layout.arrows[p.index];
      if (a) onLink(a.link);
    }
  };
  const keys = usePointKeys([layout.nodes.length, layout.arrows.length], (p) =>
    open({ kind: p.seriesIndex === 0 ? "team" : "arrow", index: p.dataIndex }),
  );
  const keyPoint: MapPoint | null = keys.point
    ? { kind: keys.point.seriesIndex === 0 ? "team" : "arrow", index: keys.point.dataIndex }
    : null;
  const active = keyPoint ?? hover;

  useSvgExport(apiRef, svgRef, width, height);

  // What the active point brings forward: its arrows and the teams at their ends.
  const near = (() => {
    if (!active) return null;
    const arrows = new Set<number>();
    const teams = new Set<number>();
    if (active.kind === "team") {
      teams.add(active.index);
      layout.arrows.forEach((a, i) => {
        if (a.from === active.index || a.to === active.index) {
          arrows.add(i);
          teams.add(a.from);
          teams.add(a.to);
        }
      });
    } else {
      const a = layout.arrows[active.index];
      if (a) {
        arrows.add(active.index);
        teams.add(a.from);
        teams.add(a.to);
      }
    }
    return { arrows, teams };
  })();
  const tipOf = (p: MapPoint): ReactNode => {
    if (p.kind === "team") {
      const n = layout.nodes[p.index];
      return n ? teamTip(n.team) : null;
    }
    const a = layout.arrows[p.index];
    return a ? arrowTip(a.link) : null;
  };
  const keyTip: Tip | null = keyPoint
    ? (() => {
        const at =
          keyPoint.kind === "team"
            ? layout.nodes[keyPoint.index]
            : (() => {
                const a = layout.arrows[keyPoint.index];
                return a ? { x: a.labelX, y: a.labelY } : undefined;
              })();
        return at ? { x: at.x, y: at.y, content: tipOf(keyPoint) } : null;
      })()
    : null;
  const faded = 0.12;

  return (
    <div
      ref={ref}
      className="simple-chart echart-clickable"
      style={{ height, fontFamily: CHART_FONT }}
      role="img"
      aria-label={`${label}. Arrow keys move between the teams (left and right) and the arrows (down); Enter opens one.`}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the map takes the keyboard (arrows move between its teams and arrows, Enter opens one), as the other charts do
      tabIndex={0}
      onKeyDown={keys.onKeyDown}
      onBlur={keys.clear}
      onMouseMove={(e) => {
        const p = pointOf(e.target);
        if (!p) {
          setHover(null);
          setTip(null);
          return;
        }
        const box = ref.current?.getBoundingClientRect();
        setHover(p);
        setTip({ x: e.clientX - (box?.left ?? 0), y: e.clientY - (box?.top ?? 0), content: tipOf(p) });
      }}
      onMouseLeave={() => {
        setHover(null);
        setTip(null);
      }}
      onClick={(e) => {
        const p = pointOf(e.target);
        if (p) open(p);
      }}
      data-testid={testId}
    >
      <svg ref={svgRef} width={width} height={height} aria-hidden="true">
        {layout.arrows.map((a, i) => {
          const on = !near || near.arrows.has(i);
          return (
            <g key={a.name} data-map-point={`arrow:${i}`} opacity={on ? 0.9 : faded}>
              <path d={a.d} fill="none" stroke="transparent" strokeWidth={Math.max(12, a.width + 6)} />
              <path d={a.d} fill="none" stroke={a.color} strokeWidth={a.width} />
              <path d={a.head} fill={a.color} />
            </g>
          );
        })}
        {/* The teams over the arrows (their names read on their cards), under the arrows' numbers
            (small, and what a click on an arrow aims at). */}
        {layout.nodes.map((n, i) => {
          const on = !near || near.teams.has(i);
          const focused = active?.kind === "team" && active.index === i;
          const counts = `blocks ${formatCount(n.team.blocking)} / blocked by ${formatCount(n.team.blocked)}`;
          // A card of the surface colour under the two lines, as wide as the longer one (bold
          // name letters are wider): the arrows passing behind do not cross out what they say.
          const cardWidth =
            Math.max(letterWidths(n.team.teamName) * NAME_CHAR_PX, counts.length * COUNTS_CHAR_PX) + 10;
          return (
            <g key={n.name} data-map-point={`team:${i}`} opacity={on ? 1 : 0.35}>
              <circle
                cx={n.x}
                cy={n.y}
                r={n.r}
                fill={n.color}
                stroke={n.chosen || focused ? palette.text : palette.surface}
                strokeWidth={n.chosen ? 3 : focused ? 2 : 1.5}
              />
              <rect
                x={n.x - cardWidth / 2}
                y={n.y + n.r + 5}
                width={cardWidth}
                height={34}
                rx={4}
                fill={palette.surface}
                fillOpacity={0.9}
              />
              <text
                x={n.x}
                y={n.y + n.r + 18}
                textAnchor="middle"
                fill={palette.text}
                fontSize={12}
                fontWeight={600}
              >
                {n.team.teamName}
              </text>
              <text x={n.x} y={n.y + n.r + 34} textAnchor="middle" fill={palette.text} fontSize={12}>
                {counts}
              </text>
            </g>
          );
        })}
        {layout.arrows.map((a, i) => {
          const shown = near ? near.arrows.has(i) : a.labelled;
          if (!shown) return null;
          const text = formatCount(a.link.openLinks);
          const w = text.length * LABEL_CHAR_PX + 6;
          const focused = active?.kind === "arrow" && active.index === i;
          return (
            <g key={`${a.name}-label`} data-map-point={`arrow:${i}`}>
              <rect
                x={a.labelX - w / 2}
                y={a.labelY - 8}
                width={w}
                height={16}
                rx={3}
                fill={palette.surface}
                stroke={focused ? palette.text : "none"}
              />
              <text
                x={a.labelX}
                y={a.labelY + 4}
                textAnchor="middle"
                fill={palette.text}
                fontSize={11}
                fontWeight="bold"
              >
                {text}
              </text>
            </g>
          );
        })}
      </svg>
      <Tooltip tip={keyTip ?? tip} palette={palette} width={width} />
    </div>
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
  const [measure, setMeasure] = useState<AgeMeasure>("median");
  const teams = mapTeams(report, chosen);
  const links = crossTeamLinks(report);
  return (
    <ChartPanel
      wide
      testId="deps-team-map"
      title="Team map"
      metricId="deps-matrix"
      subtitle={`Arrows run from the team whose open items block to the team whose items wait; wider is more open blocking links, darker is older${links.length > LABELLED_ARROWS ? `; the ${LABELLED_ARROWS} widest are numbered, hover a team or an arrow for the others` : ""}. Click a team to show only its dependencies, an arrow to list its blocking items.`}
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
      plot={(apiRef) => (
        <TeamMapChart
          report={report}
          chosen={chosen}
          measure={measure}
          colors={colors}
          height={teamMapHeight(teams.length)}
          label={`Team map: ${teams.length} teams and ${links.length} blocking team pairs, arrows from the blocking team, coloured by ${measure === "median" ? "median age" : "oldest link"}`}
          onTeam={onTeam}
          onLink={onLink}
          apiRef={apiRef}
          testId="deps-team-map-chart"
        />
      )}
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
