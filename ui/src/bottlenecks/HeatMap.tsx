//! The Bottlenecks page's heat map (time in stage by team), drawn by Baton as SVG elements React
//! renders. ECharts' heat map with its visual map took 150–370 ms in WebKitGTK (the Linux window's
//! engine) on the page's first visit, the longest stall of that visit; this grid of rectangles
//! costs a few milliseconds. Columns of stages no team spent time in are not drawn (the card's
//! subtitle names them). A click on a cell, or Enter on the cell the arrow keys stand on, lists
//! its items.

import { type ReactNode, type RefObject, useId, useMemo, useRef, useState } from "react";
import type { BottleneckReport, Stage } from "../lib/ipc";
import { CHART_FONT } from "../shared/chartStyle";
import { formatCount, formatDays } from "../shared/format";
import { type PlotApi, useSvgExport } from "../shared/PlotChart";
import { useChartPainted } from "../shared/perf";
import { type Tip, Tooltip, truncate, usePointKeys, useWidth } from "../shared/SimpleCharts";
import type { ChartPalette, ResolvedTheme } from "../shared/theme";
import { STAGE_LABELS } from "../workgraph/vocabulary";
import { cellValue, type MatrixMeasure } from "./options";

/** The colour scale, from no time to the longest (light and dark themes). */
const SCALE: Record<ResolvedTheme, string[]> = {
  light: ["#fdf4e3", "#f6c77a", "#e07a2f", "#b42318"],
  dark: ["#2b2e3a", "#8a5a1c", "#f0a53c", "#ff7b6b"],
};
const EMPTY: Record<ResolvedTheme, string> = { light: "#f3f4f7", dark: "#1f2128" };

function hex(c: string): [number, number, number] {
  const n = Number.parseInt(c.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The scale's colour at `share` (0–1) of the longest value, interpolated between its stops. */
export function scaleColor(share: number, theme: ResolvedTheme): string {
  const stops = SCALE[theme];
  const s = Math.max(0, Math.min(1, Number.isFinite(share) ? share : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(s));
  const a = hex(stops[i] ?? "#000000");
  const b = hex(stops[i + 1] ?? "#000000");
  const f = s - i;
  const mix = a.map((v, k) => Math.round(v + ((b[k] ?? 0) - v) * f));
  return `#${mix.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

export type HeatCell = {
  teamId: string;
  teamName: string;
  stage: Stage;
  value: number | null;
  items: number;
};

/**
 * The heat map's grid: one row per team (the report's order), one column per stage that some
 * team spent time in (the report's order), and the longest value (the top of the scale).
 */
export function heatGrid(
  report: BottleneckReport,
  measure: MatrixMeasure,
): { stages: Stage[]; rows: HeatCell[][]; max: number } {
  const stages = report.stages.filter((stage) =>
    report.matrix.some((team) => team.cells.some((cell) => cell.stage === stage && cell.items > 0)),
  );
  const rows = report.matrix.map((team) =>
    stages.map((stage) => {
      const cell = team.cells.find((c) => c.stage === stage);
      return {
        teamId: team.teamId,
        teamName: team.teamName,
        stage,
        value: cellValue(cell, measure),
        items: cell?.items ?? 0,
      };
    }),
  );
  const max = Math.max(0, ...rows.flat().map((c) => c.value ?? 0));
  return { stages, rows, max };
}

const CHAR_PX = 6.6;
const TOP = 34;
const BOTTOM = 56;

export function HeatMap({
  report,
  measure,
  theme,
  palette,
  height,
  label,
  tooltip,
  onCell,
  apiRef,
  testId,
}: {
  report: BottleneckReport;
  measure: MatrixMeasure;
  theme: ResolvedTheme;
  palette: ChartPalette;
  height: number;
  label: string;
  tooltip: (cell: HeatCell) => ReactNode;
  onCell: (cell: HeatCell) => void;
  apiRef: RefObject<PlotApi | null>;
  testId: string;
}) {
  const renderStarted = performance.now();
  const ref = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const width = useWidth(ref);
  const gradient = `${useId().replace(/[^a-zA-Z0-9_-]/g, "")}-scale`;
  const grid = useMemo(() => heatGrid(report, measure), [report, measure]);
  useChartPainted(testId, renderStarted, [grid, width, palette, theme]);
  const [hover, setHover] = useState<{ row: number; col: number } | null>(null);
  const [tip, setTip] = useState<Tip | null>(null);
  const keys = usePointKeys(
    grid.rows.map((r) => r.length),
    (p) => {
      const cell = grid.rows[p.seriesIndex]?.[p.dataIndex];
      if (cell) onCell(cell);
    },
  );

  useSvgExport(apiRef, svgRef, width, height);

  const longest = Math.min(22, Math.max(4, ...grid.rows.map((r) => r[0]?.teamName.length ?? 0)));
  const left = 16 + Math.ceil(longest * CHAR_PX) + 10;
  const right = width - 16;
  const bottom = height - BOTTOM;
  const cols = Math.max(1, grid.stages.length);
  const rowsN = Math.max(1, grid.rows.length);
  const cw = Math.max(0, (right - left) / cols);
  const ch = Math.max(0, (bottom - TOP) / rowsN);
  const dark = theme === "dark";
  const focused = keys.point ? { row: keys.point.seriesIndex, col: keys.point.dataIndex } : hover;
  const at = (target: EventTarget | null): { row: number; col: number } | null => {
    const el = (target as Element | null)?.closest?.("[data-row]");
    if (!el) return null;
    const row = Number(el.getAttribute("data-row"));
    const col = Number(el.getAttribute("data-col"));
    return Number.isInteger(row) && Number.isInteger(col) ? { row, col } : null;
  };
  const keyTip: Tip | null = keys.point
    ? (() => {
        const cell = grid.rows[keys.point.seriesIndex]?.[keys.point.dataIndex];
        return cell
          ? {
              x: left + cw * (keys.point.dataIndex + 0.5),
              y: TOP + ch * (keys.point.seriesIndex + 0.5),
              content: tooltip(cell),
            }
          : null;
      })()
    : null;
  const legendX = width / 2 - 80;
  const legendY = height - 22;

  return (
    <div
      ref={ref}
      className="simple-chart echart-clickable"
      style={{ height, fontFamily: CHART_FONT }}
      role="img"
      aria-label={`${label}. Arrow keys move between its cells; Enter lists the items of one.`}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the heat map takes the keyboard (arrows move between its cells, Enter lists one's items), as the other charts do
      tabIndex={0}
      onKeyDown={keys.onKeyDown}
      onBlur={keys.clear}
      onMouseMove={(e) => {
        const p = at(e.target);
        const cell = p ? grid.rows[p.row]?.[p.col] : undefined;
        if (!p || !cell) {
          setHover(null);
          setTip(null);
          return;
        }
        const box = ref.current?.getBoundingClientRect();
        setHover(p);
        setTip({ x: e.clientX - (box?.left ?? 0), y: e.clientY - (box?.top ?? 0), content: tooltip(cell) });
      }}
      onMouseLeave={() => {
        setHover(null);
        setTip(null);
      }}
      onClick={(e) => {
        const p = at(e.target);
        const cell = p ? grid.rows[p.row]?.[p.col] : undefined;
        if (cell) onCell(cell);
      }}
      data-testid={testId}
    >
      <svg ref={svgRef} width={width} height={height} aria-hidden="true">
        <defs>
          <linearGradient id={gradient} x1="0" x2="1" y1="0" y2="0">
            {SCALE[theme].map((c, i) => (
              <stop key={c} offset={i / (SCALE[theme].length - 1)} stopColor={c} />
            ))}
          </linearGradient>
        </defs>
        {grid.stages.map((stage, c) => (
          <text
            key={stage}
            x={left + cw * (c + 0.5)}
            y={TOP - 10}
            textAnchor="middle"
            fill={palette.text}
            fontSize={12}
          >
            {truncate(STAGE_LABELS[stage], Math.max(4, Math.floor(cw / CHAR_PX)))}
          </text>
        ))}
        {grid.rows.map((row, r) => (
          <g key={row[0]?.teamId ?? r}>
            <text
              x={left - 10}
              y={TOP + ch * (r + 0.5)}
              textAnchor="end"
              dominantBaseline="middle"
              fill={palette.text}
              fontSize={12}
            >
              {truncate(row[0]?.teamName ?? "", 22)}
            </text>
            {row.map((cell, c) => {
              const on = focused?.row === r && focused.col === c;
              const share = cell.value !== null && grid.max > 0 ? cell.value / grid.max : 0;
              return (
                <g key={cell.stage} data-row={r} data-col={c} data-testid={`${testId}-cell`}>
                  <rect
                    x={left + cw * c + 1}
                    y={TOP + ch * r + 1}
                    width={Math.max(0, cw - 2)}
                    height={Math.max(0, ch - 2)}
                    rx={3}
                    fill={cell.value === null ? EMPTY[theme] : scaleColor(share, theme)}
                    stroke={on ? palette.text : "none"}
                  />
                  <text
                    x={left + cw * (c + 0.5)}
                    y={TOP + ch * (r + 0.5)}
                    textAnchor="middle"
                    dominantBaseline="middle"
                    fill={cell.value !== null && share > 0.6 ? (dark ? "#14151a" : "#ffffff") : palette.text}
                    fontSize={11}
                  >
                    {cell.value === null ? "–" : formatDays(cell.value, false)}
                  </text>
                </g>
              );
            })}
          </g>
        ))}
        <text x={legendX - 8} y={legendY + 10} textAnchor="end" fill={palette.muted} fontSize={12}>
          0 days
        </text>
        <rect x={legendX} y={legendY} width={160} height={12} rx={2} fill={`url(#${gradient})`} />
        <text x={legendX + 168} y={legendY + 10} fill={palette.muted} fontSize={12}>
          {formatDays(grid.max)} {measure === "median" ? "median per item" : "in total"}
        </text>
      </svg>
      <Tooltip tip={keyTip ?? tip} palette={palette} width={width} />
    </div>
  );
}

/** The tooltip of a cell, as React text (names from sources are never HTML). */
export function heatTip(cell: HeatCell, report: BottleneckReport): ReactNode {
  const source = report.matrix
    .find((t) => t.teamId === cell.teamId)
    ?.cells.find((c) => c.stage === cell.stage);
  return (
    <>
      <strong>{cell.teamName}</strong> · {STAGE_LABELS[cell.stage]}
      <br />
      {!source || source.items === 0 ? (
        "No time in this stage in the range"
      ) : (
        <>
          Median per item: <strong>{formatDays(source.medianDays)}</strong>
          <br />
          Total: <strong>{formatDays(source.totalDays)}</strong>
          <br />
          Items: <strong>{formatCount(source.items)}</strong>
          <br />
          <span className="chart-tip-hint">Click to list the items</span>
        </>
      )}
    </>
  );
}
