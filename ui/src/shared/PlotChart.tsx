//! Charts over columns (days, stages, bands) that Baton draws itself as SVG, for the Flow page:
//! stacked or stepped areas, bars, a line on a second axis, dots (a scatter, sampled by Rust)
//! and dashed percentile lines. They replace ECharts there: in WebKitGTK (the Linux window's
//! engine) ECharts spent 20–65 ms per chart building and laying out each option, and the
//! browser as much again painting its thousands of SVG nodes, so a filter change took ~450 ms
//! before the page settled. Here every layer is one `<path>` (4,000 dots are one path, not
//! 4,000 elements), the pointer is hit-tested by arithmetic rather than by the DOM, and a chart
//! costs a few milliseconds.
//!
//! What the ECharts charts offered is kept: a legend whose entries hide their layer, a tooltip
//! written as React text (names from sources are never HTML), a click on a dot, a bar, a band
//! or a column, the keyboard (arrows move between points, Enter opens one, as a click), and an
//! export to SVG or PNG (`PlotApi`). A chart counts as drawing (`perf.ts`) from the commit that
//! gives it new data until the browser has painted it.
//!
//! Charts given new data at once (a page's filter change) draw in queued tasks, in page order
//! (`useStaged`, `drawQueue`), as many in a task as fit in 50 ms, so no task holds the main
//! thread for long while cheap draws still share one painted frame.

import {
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  type RefObject,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { flushSync } from "react-dom";
import { CHART_FONT } from "./chartStyle";
import { queueDraw } from "./drawQueue";
import { formatCount, formatDecimal } from "./format";
import { chartDrawing, chartFinished, useChartPainted } from "./perf";
import { countTicks, Legend, type Tip, Tooltip, usePointKeys, useToggles, useWidth } from "./SimpleCharts";
import type { ChartPalette } from "./theme";

/** A point of a line or a dot: `x` is a column position (fractions place a dot inside it). */
export type XY = { x: number; y: number };

export type PlotLayer =
  /** Filled area under values per column; `stack` layers pile up in layer order (first at the bottom). */
  | {
      kind: "area";
      name: string;
      color: string;
      values: readonly number[];
      stack?: boolean;
      /** Hold each value until the next column (a step line), as a count at each day's end. */
      step?: boolean;
      opacity?: number;
    }
  | { kind: "bars"; name: string; color: string; values: readonly number[] }
  /**
   * A line with a marker per point (none with `markers` false: a long daily series), on the
   * right-hand axis when `right`; `hollow` marks a partial point.
   */
  | {
      kind: "line";
      name: string;
      color: string;
      points: readonly (XY & { hollow?: boolean })[];
      right?: boolean;
      markers?: boolean;
    }
  | { kind: "dots"; name: string; color: string; points: readonly XY[]; size: number; opacity: number }
  /** A dashed line at a value (`axis` "y", the default) or at a column position (`axis` "x"). */
  | {
      kind: "level";
      name: string;
      color: string;
      value: number | null;
      label: string;
      axis?: "x" | "y";
      align?: "start" | "end";
    };

/**
 * What the pointer or the keyboard is on: a layer's point (`index` is the column for areas and
 * bars, the point for lines and dots), or a column's background (`layer` null).
 */
export type PlotHit = { layer: number | null; index: number };

/** What a chart's owner can ask of the drawn chart. */
export type PlotApi = {
  /** The chart as a standalone SVG document, with `title` and the legend written above it. */
  toSvg: (
    title: string,
    colors: { background: string; text: string },
  ) => { svg: string; width: number; height: number } | null;
};

const FALLBACK_HEIGHT = 300;
const CHAR_PX = 6.6;

/**
 * Every how many columns an x label is drawn, from the labels' widths (px) and the columns' step:
 * 1 when each label clears both neighbours by a 10 px gap, each taking half the room between
 * them (a long stage name beside short ones still fits: no column goes unnamed for it); else
 * every k-th, k from the longest label, so a long run of dates keeps an even step.
 */
export function labelStep(widths: readonly number[], colWidth: number): number {
  const gap = 10;
  if (widths.every((w, i) => i === 0 || ((widths[i - 1] ?? 0) + w) / 2 + gap <= colWidth)) return 1;
  const longest = Math.max(1, ...widths);
  return Math.max(1, Math.ceil((longest + gap) / Math.max(1, colWidth)));
}

/** How near (px) the pointer must be to a dot or a line's point to be on it. */
const HIT_RADIUS = 8;
const DASH = "4 4";
/**
 * Above this many dots a layer is painted on a canvas, not as an SVG path: WebKitGTK (the Linux
 * window's engine) took about a second to lay out and paint the scatter's 6,500 dots as one SVG
 * path of 13,000 arcs; a canvas paints them in a few milliseconds.
 */
export const CANVAS_DOTS = 1000;
/** Room above an exported chart for its title. */
export const EXPORT_HEAD = 40;

/** Ticks from 0 past `max`: whole steps for counts, 1, 2 or 5 × 10ⁿ steps for days. */
export function niceTicks(max: number, integer: boolean): number[] {
  if (integer) return countTicks(max);
  if (!(max > 0)) return [0, 1];
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let i = 0; i * step < max + step - 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

function tickLabel(v: number): string {
  return Number.isInteger(v) ? formatCount(v) : formatDecimal(v);
}

/** One SVG path of many circles (a dot each), so thousands of dots are one element. */
export function dotsPath(points: readonly { x: number; y: number }[], r: number): string {
  const parts: string[] = [];
  const d = (2 * r).toFixed(1);
  const rr = r.toFixed(1);
  for (const p of points)
    parts.push(
      `M${(p.x - r).toFixed(1)} ${p.y.toFixed(1)}a${rr} ${rr} 0 1 0 ${d} 0a${rr} ${rr} 0 1 0 -${d} 0`,
    );
  return parts.join("");
}

type Layout = {
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** Pixel x of a column position. */
  colX: (x: number) => number;
  /** The column under a pixel x (null outside the columns). */
  colAt: (px: number) => number | null;
  /** Width of one column (bands) or the step between two (points). */
  colWidth: number;
  y: (v: number) => number;
  yAt: (py: number) => number;
  y2: (v: number) => number;
  ticks: number[];
  ticks2: number[] | null;
};

function DrawnPlot({
  categories,
  formatCategory = (c) => c,
  columns,
  xName,
  yName,
  y2Name,
  integer = true,
  layers,
  tooltip,
  pointer = "shadow",
  shadeColumns = false,
  keyColumns = false,
  top = 40,
  height,
  label,
  palette,
  onClick,
  apiRef,
  testId,
}: {
  categories: readonly string[];
  formatCategory?: (category: string) => string;
  /** "bands": each column is a band, labels under its middle; "points": columns are points from edge to edge. */
  columns: "bands" | "points";
  xName: string;
  yName: string;
  /** The right-hand axis' name, for a `line` layer with `right`. */
  y2Name?: string;
  /** Whole-number ticks on the value axes (counts); false for days. */
  integer?: boolean;
  layers: readonly PlotLayer[];
  /** The tooltip for what the pointer or the keyboard is on; null shows none. */
  tooltip: (hit: PlotHit, hidden: ReadonlySet<number>) => ReactNode | null;
  /** How the column under the pointer is marked (`none` for dot charts). */
  pointer?: "shadow" | "line" | "none";
  /** Alternate shading of the columns (the aging chart's stages). */
  shadeColumns?: boolean;
  /** The keyboard can also stand on each column's background (`layer` null). */
  keyColumns?: boolean;
  /** Room above the plot for the legend. */
  top?: number;
  height: number;
  label: string;
  palette: ChartPalette;
  onClick?: (hit: PlotHit) => void;
  apiRef?: RefObject<PlotApi | null>;
  testId: string;
}) {
  const renderStarted = performance.now();
  const ref = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const width = useWidth(ref);
  const [hidden, toggle] = useToggles();
  const [hover, setHover] = useState<{ hit: PlotHit; x: number; y: number } | null>(null);
  const plotHeight = height > 0 ? height : FALLBACK_HEIGHT;

  const visible = (i: number) => !hidden.has(i);
  // Navigable layers: everything but level lines; with `keyColumns`, one more for the columns.
  const lengths = layers.map((l, i) => {
    if (!visible(i)) return 0;
    if (l.kind === "area" || l.kind === "bars") return l.values.length;
    if (l.kind === "line" || l.kind === "dots") return l.points.length;
    return 0;
  });
  if (keyColumns) lengths.push(categories.length);
  const toHit = (p: { seriesIndex: number; dataIndex: number }): PlotHit => ({
    layer: p.seriesIndex >= layers.length ? null : p.seriesIndex,
    index: p.dataIndex,
  });
  const keys = usePointKeys(lengths, onClick ? (p) => onClick(toHit(p)) : undefined);

  const layout = computeLayout();
  function computeLayout(): Layout {
    const n = categories.length;
    let max = 0;
    let max2 = 0;
    const stacked = new Array<number>(n).fill(0);
    layers.forEach((l, i) => {
      if (!visible(i)) return;
      if (l.kind === "area" && l.stack)
        l.values.forEach((v, c) => {
          stacked[c] = (stacked[c] ?? 0) + v;
        });
      else if (l.kind === "area" || l.kind === "bars") for (const v of l.values) max = Math.max(max, v);
      else if (l.kind === "dots") for (const p of l.points) max = Math.max(max, p.y);
      else if (l.kind === "line")
        for (const p of l.points) {
          if (l.right) max2 = Math.max(max2, p.y);
          else max = Math.max(max, p.y);
        }
      else if (l.kind === "level" && (l.axis ?? "y") === "y" && l.value !== null)
        max = Math.max(max, l.value);
    });
    for (const v of stacked) max = Math.max(max, v);
    const ticks = niceTicks(max, integer);
    const hasRight =
      layers.some((l, i) => l.kind === "line" && l.right && visible(i)) && y2Name !== undefined;
    const ticks2 = hasRight ? niceTicks(max2, integer) : null;
    const labelChars = (t: number[]) => Math.max(1, ...t.map((v) => tickLabel(v).length));
    const left = 22 + Math.ceil(labelChars(ticks) * CHAR_PX) + 8;
    const right = width - (ticks2 ? 22 + Math.ceil(labelChars(ticks2) * CHAR_PX) + 8 : 20);
    const bottom = plotHeight - 40;
    const plotW = Math.max(1, right - left);
    const colWidth = columns === "bands" ? plotW / Math.max(1, n) : plotW / Math.max(1, n - 1);
    const colX = (x: number) => (columns === "bands" ? left + (x + 0.5) * colWidth : left + x * colWidth);
    const colAt = (px: number) => {
      if (px < left - (columns === "points" ? colWidth / 2 : 0) || n === 0) return null;
      const c = columns === "bands" ? Math.floor((px - left) / colWidth) : Math.round((px - left) / colWidth);
      return c >= 0 && c < n ? c : null;
    };
    const top_ = top;
    const yMax = ticks[ticks.length - 1] ?? 1;
    const y2Max = ticks2 ? (ticks2[ticks2.length - 1] ?? 1) : 1;
    const y = (v: number) => bottom - ((bottom - top_) * v) / yMax;
    const yAt = (py: number) => ((bottom - py) * yMax) / Math.max(1, bottom - top_);
    const y2 = (v: number) => bottom - ((bottom - top_) * v) / y2Max;
    return { left, right, top: top_, bottom, colX, colAt, colWidth, y, yAt, y2, ticks, ticks2 };
  }

  /** What is under the pixel (px, py): a dot, a line's point, a band, a column's layer, or the column. */
  function hitAt(px: number, py: number): PlotHit | null {
    const { colAt, colX, y, y2, yAt, top: t, bottom } = layout;
    if (py < t - HIT_RADIUS || py > bottom + 2) return null;
    let best: { hit: PlotHit; d: number } | null = null;
    layers.forEach((l, li) => {
      if (!visible(li) || (l.kind !== "dots" && l.kind !== "line")) return;
      const reach = l.kind === "dots" ? Math.max(HIT_RADIUS, l.size) : HIT_RADIUS;
      const ys = l.kind === "line" && l.right ? y2 : y;
      l.points.forEach((p, i) => {
        const d = Math.hypot(colX(p.x) - px, ys(p.y) - py);
        if (d <= reach && (!best || d < best.d)) best = { hit: { layer: li, index: i }, d };
      });
    });
    if (best) return (best as { hit: PlotHit }).hit;
    const c = colAt(px);
    if (c === null) return null;
    const v = yAt(py);
    let stackTop = 0;
    let stackSeen = false;
    for (let li = 0; li < layers.length; li++) {
      const l = layers[li];
      if (!l || !visible(li) || l.kind !== "area" || !l.stack) continue;
      stackSeen = true;
      stackTop += l.values[c] ?? 0;
      if (v <= stackTop) return { layer: li, index: c };
    }
    if (stackSeen) return { layer: null, index: c };
    const column = layers.findIndex((l, li) => visible(li) && (l.kind === "bars" || l.kind === "area"));
    return { layer: column >= 0 ? column : null, index: c };
  }

  /** Where the keyboard's point is drawn: its dot, its bar's top, its band's middle. */
  function pointXY(hit: PlotHit): { x: number; y: number } {
    const { colX, y, y2, top: t } = layout;
    const l = hit.layer === null ? undefined : layers[hit.layer];
    if (!l || l.kind === "level") return { x: colX(hit.index), y: t + 10 };
    if (l.kind === "dots" || l.kind === "line") {
      const p = l.points[hit.index];
      return p ? { x: colX(p.x), y: (l.kind === "line" && l.right ? y2 : y)(p.y) } : { x: 0, y: t };
    }
    let below = 0;
    if (l.kind === "area" && l.stack)
      for (let li = 0; li < (hit.layer ?? 0); li++) {
        const o = layers[li];
        if (o && visible(li) && o.kind === "area" && o.stack) below += o.values[hit.index] ?? 0;
      }
    const v = l.values[hit.index] ?? 0;
    return { x: colX(hit.index), y: y(below + v / 2) };
  }

  // The chart counts as drawing until the browser has painted the new data.
  useChartPainted(testId, renderStarted, [layers, categories, width, hidden, palette]);

  useEffect(() => {
    if (!apiRef) return;
    apiRef.current = {
      toSvg: (title, colors) =>
        svgRef.current
          ? {
              svg: standaloneSvg(
                svgRef.current,
                title,
                colors,
                legendEntries(),
                width,
                plotHeight,
                denseDots.map((d) => ({ d: dotsPath(d.points, d.r), fill: d.color, opacity: d.opacity })),
              ),
              width,
              height: plotHeight + EXPORT_HEAD,
            }
          : null,
    };
    return () => {
      apiRef.current = null;
    };
  });

  function legendEntries() {
    return layers.map((l, i) => ({ name: l.name, color: l.color, hidden: hidden.has(i) }));
  }

  const { left, right, top: t, bottom, colX, y, y2, ticks, ticks2, colWidth } = layout;
  // Dense dot layers, painted on the canvas beneath the SVG, in pixels.
  const denseDots = layers.flatMap((l, li) =>
    l.kind === "dots" && visible(li) && l.points.length > CANVAS_DOTS
      ? [
          {
            color: l.color,
            opacity: l.opacity,
            r: l.size / 2,
            points: l.points.map((p) => ({ x: colX(p.x), y: y(p.y) })),
          },
        ]
      : [],
  );
  const canvasRef = useRef<HTMLCanvasElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the dots follow from these
  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || denseDots.length === 0) return;
    const scale = typeof window === "undefined" ? 1 : window.devicePixelRatio || 1;
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(plotHeight * scale);
    // A canvas WebKitGTK keeps in memory and paints with the page (`willReadFrequently`), not a
    // GPU canvas: a GPU canvas is a composited layer of its own, and every positioned element
    // painted after it that may overlap it (the SVGs and legends of the charts below) was
    // promoted to a layer too, each painted and composited apart on every frame.
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    if (!ctx) return;
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.clearRect(0, 0, width, plotHeight);
    for (const layer of denseDots) {
      ctx.fillStyle = layer.color;
      ctx.globalAlpha = layer.opacity;
      ctx.beginPath();
      for (const p of layer.points) {
        ctx.moveTo(p.x + layer.r, p.y);
        ctx.arc(p.x, p.y, layer.r, 0, Math.PI * 2);
      }
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  }, [layers, categories, width, hidden, palette, plotHeight, integer, columns, top, y2Name]);
  // The layers' elements (the scatter's path of thousands of dots) are built once per draw, not
  // on each pointer move.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the layout follows from these
  const drawnLayers = useMemo(drawLayers, [
    layers,
    categories,
    width,
    hidden,
    palette,
    plotHeight,
    integer,
    columns,
    top,
    y2Name,
  ]);
  const focused = keys.point ? toHit(keys.point) : (hover?.hit ?? null);
  const tipContent = focused ? tooltip(focused, hidden) : null;
  const tip: Tip | null =
    focused && tipContent !== null
      ? keys.point
        ? { ...pointXY(focused), content: tipContent }
        : hover
          ? { x: hover.x, y: hover.y, content: tipContent }
          : null
      : null;

  // x labels: each where they all clear their neighbours, else every k-th; never overlapping.
  const every = labelStep(
    categories.map((c) => formatCategory(c).length * CHAR_PX),
    colWidth,
  );

  const onMove = (e: MouseEvent) => {
    const box = ref.current?.getBoundingClientRect();
    const px = e.clientX - (box?.left ?? 0);
    const py = e.clientY - (box?.top ?? 0);
    const hit = hitAt(px, py);
    setHover(hit ? { hit, x: px, y: py } : null);
  };

  return (
    <div
      ref={ref}
      className={onClick ? "simple-chart echart-clickable" : "simple-chart"}
      style={{ height: plotHeight, fontFamily: CHART_FONT }}
      role="img"
      aria-label={
        onClick ? `${label}. Arrow keys move between its points; Enter lists the items of one.` : label
      }
      tabIndex={onClick ? 0 : undefined}
      onKeyDown={onClick ? (e: KeyboardEvent<HTMLDivElement>) => keys.onKeyDown(e) : undefined}
      onBlur={keys.clear}
      onMouseMove={onMove}
      onMouseLeave={() => setHover(null)}
      onClick={(e) => {
        if (!onClick) return;
        const box = ref.current?.getBoundingClientRect();
        const hit = hitAt(e.clientX - (box?.left ?? 0), e.clientY - (box?.top ?? 0));
        if (hit) onClick(hit);
      }}
      data-testid={testId}
      data-hover-layer={focused?.layer ?? undefined}
      data-hover-index={focused?.index ?? undefined}
    >
      <Legend
        entries={layers.map((l) => ({ name: l.name, color: l.color }))}
        hidden={hidden}
        onToggle={(i) => {
          toggle(i);
          keys.clear();
        }}
        palette={palette}
      />
      {denseDots.length > 0 ? (
        <canvas
          ref={canvasRef}
          className="plot-canvas"
          style={{ width, height: plotHeight }}
          data-testid={`${testId}-canvas`}
        />
      ) : null}
      <svg ref={svgRef} width={width} height={plotHeight} aria-hidden="true" fontFamily={CHART_FONT}>
        {shadeColumns
          ? categories.map((c, i) =>
              i % 2 === 1 ? (
                <rect
                  key={c}
                  x={left + i * colWidth}
                  y={t}
                  width={colWidth}
                  height={bottom - t}
                  fill={palette.grid}
                  opacity={0.35}
                />
              ) : null,
            )
          : null}
        {ticks.map((v) => (
          <g key={`y${v}`}>
            <line x1={left} x2={right} y1={y(v)} y2={y(v)} stroke={palette.grid} />
            <text
              x={left - 6}
              y={y(v)}
              textAnchor="end"
              dominantBaseline="middle"
              fill={palette.muted}
              fontSize={12}
            >
              {tickLabel(v)}
            </text>
          </g>
        ))}
        {ticks2?.map((v) => (
          <text
            key={`y2${v}`}
            x={right + 6}
            y={y2(v)}
            dominantBaseline="middle"
            fill={palette.muted}
            fontSize={12}
          >
            {tickLabel(v)}
          </text>
        ))}
        <text
          transform={`translate(12 ${(t + bottom) / 2}) rotate(-90)`}
          textAnchor="middle"
          fill={palette.muted}
          fontSize={12}
        >
          {yName}
        </text>
        {ticks2 && y2Name ? (
          <text
            transform={`translate(${width - 8} ${(t + bottom) / 2}) rotate(90)`}
            textAnchor="middle"
            fill={palette.muted}
            fontSize={12}
          >
            {y2Name}
          </text>
        ) : null}
        <line x1={left} x2={right} y1={bottom} y2={bottom} stroke={palette.axis} />
        {categories.map((c, i) =>
          i % every === 0 ? (
            <text
              key={`x${c}`}
              x={colX(i)}
              y={bottom + 15}
              textAnchor="middle"
              fill={palette.muted}
              fontSize={12}
            >
              {formatCategory(c)}
            </text>
          ) : null,
        )}
        <text x={(left + right) / 2} y={bottom + 33} textAnchor="middle" fill={palette.muted} fontSize={12}>
          {xName}
        </text>
        {focused &&
        pointer !== "none" &&
        layout.colAt(colX(focused.index)) !== null &&
        isColumnHit(focused) ? (
          pointer === "shadow" ? (
            <rect
              x={colX(focused.index) - (columns === "bands" ? colWidth / 2 : 3)}
              y={t}
              width={columns === "bands" ? colWidth : 6}
              height={bottom - t}
              fill={palette.axis}
              opacity={0.25}
            />
          ) : (
            <line
              x1={colX(focused.index)}
              x2={colX(focused.index)}
              y1={t}
              y2={bottom}
              stroke={palette.axis}
            />
          )
        ) : null}
        {drawnLayers}
        {focused && focused.layer !== null && isPointHit(focused) ? (
          <circle
            cx={pointXY(focused).x}
            cy={pointXY(focused).y}
            r={6}
            fill="none"
            stroke={palette.text}
            strokeWidth={1.5}
          />
        ) : null}
      </svg>
      <Tooltip tip={tip} palette={palette} width={width} />
    </div>
  );

  function isPointHit(hit: PlotHit): boolean {
    const l = hit.layer === null ? undefined : layers[hit.layer];
    return l?.kind === "dots" || l?.kind === "line";
  }
  function isColumnHit(hit: PlotHit): boolean {
    return !isPointHit(hit);
  }

  function drawLayers(): ReactNode[] {
    const out: ReactNode[] = [];
    const base = new Array<number>(categories.length).fill(0);
    layers.forEach((l, li) => {
      if (!visible(li)) return;
      const key = `${l.kind}-${li}`;
      const tid = `${testId}-layer-${li}`;
      switch (l.kind) {
        case "area": {
          const lows = l.stack ? base.slice() : base.map(() => 0);
          const highs = l.values.map((v, c) => (lows[c] ?? 0) + v);
          if (l.stack)
            highs.forEach((h, c) => {
              base[c] = h;
            });
          const line = stepped(
            highs.map((h, c) => [colX(c), y(h)] as const),
            l.step === true,
          );
          const under = stepped(
            lows.map((h, c) => [colX(c), y(h)] as const),
            l.step === true,
          ).reverse();
          if (line.length === 0) break;
          const d = `M${[...line, ...under].map(([a, b]) => `${a.toFixed(1)} ${b.toFixed(1)}`).join("L")}Z`;
          out.push(
            <g key={key} data-testid={tid}>
              <path d={d} fill={l.color} fillOpacity={l.opacity ?? 0.88} stroke="none" />
              <path
                d={`M${line.map(([a, b]) => `${a.toFixed(1)} ${b.toFixed(1)}`).join("L")}`}
                fill="none"
                stroke={l.color}
                strokeWidth={l.stack ? 0.6 : 1.5}
              />
            </g>,
          );
          break;
        }
        case "bars": {
          // One rectangle per bar (a range has at most a few hundred days).
          const barW = Math.max(1, Math.min(colWidth * 0.7, 36));
          out.push(
            <g key={key} data-testid={tid} fill={l.color}>
              {l.values.map((v, c) =>
                v > 0 ? (
                  <rect
                    key={categories[c] ?? c}
                    data-index={c}
                    x={colX(c) - barW / 2}
                    y={y(v)}
                    width={barW}
                    height={Math.max(0, bottom - y(v))}
                    fill={l.color}
                  />
                ) : null,
              )}
            </g>,
          );
          break;
        }
        case "line": {
          const ys = l.right ? y2 : y;
          const pts = l.points.map((p) => [colX(p.x), ys(p.y)] as const);
          out.push(
            <g key={key} data-testid={tid}>
              <path
                d={pts.length ? `M${pts.map(([a, b]) => `${a.toFixed(1)} ${b.toFixed(1)}`).join("L")}` : ""}
                fill="none"
                stroke={l.color}
                strokeWidth={l.markers === false ? 1.8 : 2}
              />
              {(l.markers === false ? [] : l.points).map((p, i) => (
                <circle
                  key={`${p.x}-${i.toString()}`}
                  cx={colX(p.x)}
                  cy={ys(p.y)}
                  r={p.hollow ? 4.5 : 3.5}
                  fill={p.hollow ? palette.surface : l.color}
                  stroke={l.color}
                  strokeWidth={2}
                  strokeDasharray={p.hollow ? "2 2" : undefined}
                />
              ))}
            </g>,
          );
          break;
        }
        case "dots": {
          // Many dots are painted on the canvas beneath the SVG (`canvasDots`).
          if (l.points.length > CANVAS_DOTS) break;
          const r = l.size / 2;
          out.push(
            <path
              key={key}
              data-testid={tid}
              d={dotsPath(
                l.points.map((p) => ({ x: colX(p.x), y: y(p.y) })),
                r,
              )}
              fill={l.color}
              fillOpacity={l.opacity}
            />,
          );
          break;
        }
        case "level": {
          if (l.value === null) break;
          if ((l.axis ?? "y") === "x") {
            const x = colX(l.value);
            out.push(
              <g key={key} data-testid={tid}>
                <line
                  x1={x}
                  x2={x}
                  y1={t}
                  y2={bottom}
                  stroke={l.color}
                  strokeDasharray={DASH}
                  strokeWidth={1.5}
                />
                <text x={x} y={t - 4} textAnchor="middle" fill={l.color} fontSize={11}>
                  {l.label}
                </text>
              </g>,
            );
            break;
          }
          const ly = y(l.value);
          const start = (l.align ?? "end") === "start";
          out.push(
            <g key={key} data-testid={tid}>
              <line
                x1={left}
                x2={right}
                y1={ly}
                y2={ly}
                stroke={l.color}
                strokeDasharray={DASH}
                strokeWidth={1.5}
              />
              <text
                x={start ? left + 4 : right - 4}
                y={ly - 4}
                textAnchor={start ? "start" : "end"}
                fill={l.color}
                fontSize={11}
              >
                {l.label}
              </text>
            </g>,
          );
          break;
        }
      }
    });
    return out;
  }
}

type PlotProps = Parameters<typeof DrawnPlot>[0];

/**
 * The data to draw: `value` once its turn in the draw queue has come (null before the first),
 * rendered then in that task alone (`flushSync`). The chart counts as drawing from the commit
 * that gives it new data, so the page's drawn mark waits for the queued draw too.
 */
function useStaged<T>(value: T): T | null {
  const [shown, setShown] = useState<{ value: T } | null>(null);
  const latest = useRef(value);
  latest.current = value;
  const queued = useRef(false);
  const mounted = useRef(false);
  const token = useRef({});
  // biome-ignore lint/correctness/useExhaustiveDependencies: each new value is queued (the job reads the newest)
  useLayoutEffect(() => {
    mounted.current = true;
    if (queued.current) return;
    queued.current = true;
    const t = token.current;
    chartDrawing(t);
    queueDraw(() => {
      queued.current = false;
      // The newest data given while waiting is the one drawn; a chart gone draws nothing. Its
      // own drawing count (`useChartPainted`) has begun in this commit, before this one ends.
      if (mounted.current) flushSync(() => setShown({ value: latest.current }));
      chartFinished(t);
    });
  }, [value]);
  useEffect(() => {
    mounted.current = true;
    const t = token.current;
    return () => {
      mounted.current = false;
      chartFinished(t);
    };
  }, []);
  return shown ? shown.value : null;
}

/** A chart over columns: see the top of this file. */
export function PlotChart(props: PlotProps) {
  const { layers, categories, tooltip, label, onClick, formatCategory } = props;
  const data = useMemo(() => ({ layers, categories, tooltip, label }), [layers, categories, tooltip, label]);
  const shown = useStaged(data);
  // The owner's callbacks change on each of its renders; the drawn chart reads the newest.
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  const formatRef = useRef(formatCategory);
  formatRef.current = formatCategory;
  const click = useCallback((hit: PlotHit) => clickRef.current?.(hit), []);
  const format = useCallback((c: string) => (formatRef.current ? formatRef.current(c) : c), []);
  const clickable = onClick !== undefined;
  const {
    height,
    testId,
    palette,
    columns,
    xName,
    yName,
    y2Name,
    integer,
    pointer,
    shadeColumns,
    keyColumns,
    top,
    apiRef,
  } = props;
  // The same element while nothing drawn changes: the owner's new render (a filter change, its
  // new callbacks) does not redraw this chart with its old data in the owner's task; the new
  // data draws in the chart's own task (`useStaged`).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `label` only names the placeholder; the drawn chart's is staged
  return useMemo(
    () =>
      shown ? (
        <DrawnPlot
          layers={shown.layers}
          categories={shown.categories}
          tooltip={shown.tooltip}
          label={shown.label}
          formatCategory={format}
          onClick={clickable ? click : undefined}
          height={height}
          testId={testId}
          palette={palette}
          columns={columns}
          xName={xName}
          yName={yName}
          y2Name={y2Name}
          integer={integer}
          pointer={pointer}
          shadeColumns={shadeColumns}
          keyColumns={keyColumns}
          top={top}
          apiRef={apiRef}
        />
      ) : (
        <div
          className="simple-chart"
          style={{ height }}
          role="img"
          aria-label={label}
          aria-busy="true"
          data-testid={testId}
        />
      ),
    [
      shown,
      format,
      clickable,
      click,
      height,
      testId,
      palette,
      columns,
      xName,
      yName,
      y2Name,
      integer,
      pointer,
      shadeColumns,
      keyColumns,
      top,
      apiRef,
    ],
  );
}

/** The corners of a line through `pts`; a step line holds each value until the next point. */
function stepped(pts: readonly (readonly [number, number])[], step: boolean): [number, number][] {
  if (!step) return pts.map(([a, b]) => [a, b]);
  const out: [number, number][] = [];
  pts.forEach(([a, b], i) => {
    const prev = pts[i - 1];
    if (prev) out.push([a, prev[1]]);
    out.push([a, b]);
  });
  return out;
}

/**
 * Export for a chart drawn as one `<svg>` with no legend of its own (the heat map, the team
 * map): the chart's handle gives the drawn SVG as a standalone document of its size.
 */
export function useSvgExport(
  apiRef: RefObject<PlotApi | null>,
  svgRef: RefObject<SVGSVGElement | null>,
  width: number,
  height: number,
) {
  useEffect(() => {
    apiRef.current = {
      toSvg: (title, colors) =>
        svgRef.current
          ? {
              svg: standaloneSvg(svgRef.current, title, colors, [], width, height),
              width,
              height: height + EXPORT_HEAD,
            }
          : null,
    };
    return () => {
      apiRef.current = null;
    };
  }, [apiRef, svgRef, width, height]);
}

/**
 * The drawn SVG as a standalone document: a background, the title and the legend written
 * above it (the on-screen legend is HTML), fonts and colours inline. Text is escaped by the
 * serializer.
 */
export function standaloneSvg(
  svg: SVGSVGElement,
  title: string,
  colors: { background: string; text: string },
  legend: { name: string; color: string; hidden: boolean }[],
  width: number,
  height: number,
  /** Paths drawn beneath the SVG's own elements (the dots painted on the canvas on screen). */
  beneath: { d: string; fill: string; opacity: number }[] = [],
): string {
  const NS = "http://www.w3.org/2000/svg";
  const head = EXPORT_HEAD;
  const doc = document.implementation.createDocument(NS, "svg", null);
  const root = doc.documentElement;
  root.setAttribute("width", String(width));
  root.setAttribute("height", String(height + head));
  root.setAttribute("viewBox", `0 0 ${width} ${height + head}`);
  root.setAttribute("font-family", CHART_FONT);
  const bg = doc.createElementNS(NS, "rect");
  bg.setAttribute("width", "100%");
  bg.setAttribute("height", "100%");
  bg.setAttribute("fill", colors.background);
  root.appendChild(bg);
  const heading = doc.createElementNS(NS, "text");
  heading.setAttribute("x", "12");
  heading.setAttribute("y", "24");
  heading.setAttribute("fill", colors.text);
  heading.setAttribute("font-size", "15");
  heading.setAttribute("font-weight", "600");
  heading.textContent = title;
  root.appendChild(heading);
  const body = doc.createElementNS(NS, "g");
  body.setAttribute("transform", `translate(0 ${head})`);
  for (const b of beneath) {
    const path = doc.createElementNS(NS, "path");
    path.setAttribute("d", b.d);
    path.setAttribute("fill", b.fill);
    path.setAttribute("fill-opacity", String(b.opacity));
    body.appendChild(path);
  }
  for (const child of Array.from(svg.childNodes)) body.appendChild(doc.importNode(child, true));
  root.appendChild(body);
  // The legend in the plot's top margin, where the HTML legend sits on screen.
  let x = 8;
  const legendG = doc.createElementNS(NS, "g");
  legendG.setAttribute("transform", `translate(0 ${head + 12})`);
  for (const entry of legend) {
    const sw = doc.createElementNS(NS, "rect");
    sw.setAttribute("x", String(x));
    sw.setAttribute("y", "-9");
    sw.setAttribute("width", "12");
    sw.setAttribute("height", "12");
    sw.setAttribute("rx", "3");
    sw.setAttribute("fill", entry.hidden ? "#999999" : entry.color);
    legendG.appendChild(sw);
    const text = doc.createElementNS(NS, "text");
    text.setAttribute("x", String(x + 17));
    text.setAttribute("y", "1");
    text.setAttribute("font-size", "12");
    text.setAttribute("fill", colors.text);
    text.textContent = entry.name;
    legendG.appendChild(text);
    x += 17 + entry.name.length * CHAR_PX + 14;
  }
  root.appendChild(legendG);
  return new XMLSerializer().serializeToString(doc);
}

/** A standalone SVG document as a `data:image/svg+xml;base64,` URL (for saving). */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

/** Paints a standalone SVG document on a canvas at twice its size: a PNG data URL, or null. */
export function svgToPng(svg: string, width: number, height: number, scale = 2): Promise<string | null> {
  return new Promise((resolve) => {
    const image = new Image();
    image.onload = () => {
      try {
        const canvas = document.createElement("canvas");
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        const ctx = canvas.getContext("2d");
        if (!ctx) return resolve(null);
        ctx.scale(scale, scale);
        ctx.drawImage(image, 0, 0, width, height);
        resolve(canvas.toDataURL("image/png"));
      } catch {
        resolve(null);
      }
    };
    image.onerror = () => resolve(null);
    image.src = svgDataUrl(svg);
  });
}
