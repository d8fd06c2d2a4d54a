//! Bar and donut charts Baton draws itself, as SVG elements React renders, for the Overview (and
//! the Flow page's distribution; its other charts are `PlotChart`):
//! no charting library to load or run (ECharts costs 25–140 ms per chart in WebKitGTK, the Linux
//! window's engine, and its code is not in the startup bundle), the same look as the ECharts
//! charts (palette, font, legend, tooltip), a tooltip written as React text (names from sources
//! are never HTML), a click on a bar or slice, and the keyboard (arrows move between points,
//! Enter opens one) as `EChart` has.

import {
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import { movePoint, type Point } from "./chartKeys";
import { CHART_FONT } from "./chartStyle";
import { formatCount } from "./format";
import { useChartPainted } from "./perf";
import type { ChartPalette } from "./theme";

/** A click on a bar segment or a slice: the series and the index in it, as ECharts reports. */
export type PointClick = { seriesIndex: number; dataIndex: number };

const FALLBACK_WIDTH = 600;
/** Characters of a category label at 12 px within ECharts' 150 px label width. */
const LABEL_CHARS = 22;
const CHAR_PX = 6.6;

/** The width of the element, followed as it resizes (a fallback before layout, as in tests). */
export function useWidth(ref: React.RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width > 0 ? width : FALLBACK_WIDTH;
}

/** Axis ticks from 0 with a step of 1, 2 or 5 × 10ⁿ (never below 1: counts are whole). */
export function countTicks(max: number, target = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power);
  const ticks: number[] = [];
  for (let t = 0; t < max + step; t += step) ticks.push(t);
  return ticks;
}

export function truncate(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, Math.max(1, chars - 1))}…` : text;
}

export type Tip = { x: number; y: number; content: ReactNode };

/**
 * The point under the pointer: the drawn element's `data-series` and `data-index` (a row's
 * background has only `data-index`). One handler on the chart, not one per mark.
 */
function pointAt(event: MouseEvent): { seriesIndex: number | null; dataIndex: number } | null {
  const el = (event.target as Element | null)?.closest?.("[data-index]");
  if (!el) return null;
  const index = Number(el.getAttribute("data-index"));
  const series = el.getAttribute("data-series");
  return Number.isInteger(index)
    ? { seriesIndex: series === null ? null : Number(series), dataIndex: index }
    : null;
}

export function Tooltip({ tip, palette, width }: { tip: Tip | null; palette: ChartPalette; width: number }) {
  if (!tip) return null;
  // Confined to the chart: to the left of the pointer on the right half.
  const right = tip.x > width / 2;
  return (
    <div
      className="chart-tip"
      role="tooltip"
      style={{
        left: right ? undefined : tip.x + 14,
        right: right ? width - tip.x + 14 : undefined,
        top: Math.max(0, tip.y - 10),
        background: palette.tooltipBg,
        borderColor: palette.tooltipBorder,
        color: palette.text,
      }}
    >
      {tip.content}
    </div>
  );
}

export function Legend({
  entries,
  hidden,
  onToggle,
  palette,
}: {
  entries: { name: string; color: string; suffix?: string }[];
  hidden: ReadonlySet<number>;
  onToggle: (i: number) => void;
  palette: ChartPalette;
}) {
  return (
    <ul className="chart-legend" style={{ color: palette.muted }}>
      {entries.map((e, i) => (
        <li key={e.name}>
          <button
            type="button"
            aria-pressed={!hidden.has(i)}
            title={hidden.has(i) ? `Show ${e.name}` : `Hide ${e.name}`}
            onClick={() => onToggle(i)}
            style={{ color: hidden.has(i) ? palette.axis : palette.muted }}
          >
            <span
              className="chart-legend-icon"
              style={{ background: hidden.has(i) ? palette.axis : e.color }}
            />
            {e.name}
            {e.suffix ? (
              <>
                {" "}
                <span className="chart-legend-suffix">{e.suffix}</span>
              </>
            ) : null}
          </button>
        </li>
      ))}
    </ul>
  );
}

export function useToggles(): [ReadonlySet<number>, (i: number) => void] {
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const toggle = (i: number) =>
    setHidden((h) => {
      const next = new Set(h);
      if (next.has(i)) next.delete(i);
      else next.add(i);
      return next;
    });
  return [hidden, toggle];
}

/** Keyboard focus on one point: arrows move it, Enter or Space opens it, Escape leaves it. */
export function usePointKeys(lengths: number[], onOpen: ((p: Point) => void) | undefined) {
  const [point, setPoint] = useState<Point | null>(null);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!onOpen) return;
    if (event.key === "Enter" || event.key === " ") {
      if (!point) return;
      event.preventDefault();
      onOpen(point);
      return;
    }
    if (event.key === "Escape" && point) {
      setPoint(null);
      return;
    }
    const next = movePoint(lengths, point, event.key);
    if (!next) return;
    event.preventDefault();
    setPoint(next);
  };
  return { point, onKeyDown, clear: () => setPoint(null) };
}

export type BarSeries = { name: string; color: string; values: number[] };

/**
 * Horizontal bars, one row per category (top to bottom), the series stacked in each row. With
 * `valueLabels`, each row's total is written at its end. `grouped` draws the series side by side
 * in each row instead (each bar from zero, its own value written at its end). `tooltip` words one row (`trigger`
 * "row": the whole row, as a team's split) or one segment.
 */
export function BarChart({
  categories,
  series,
  categoryName,
  valueName,
  valueLabels = false,
  grouped = false,
  legend,
  trigger,
  tooltip,
  height,
  label,
  palette,
  onClick,
  testId,
}: {
  categories: string[];
  series: BarSeries[];
  categoryName: string;
  valueName: string;
  valueLabels?: boolean;
  grouped?: boolean;
  /** The legend's entries: the series, or one entry naming the single series. */
  legend: { name: string; color: string }[];
  trigger: "row" | "segment";
  tooltip: (dataIndex: number, seriesIndex: number, hidden: ReadonlySet<number>) => ReactNode;
  height: number;
  label: string;
  palette: ChartPalette;
  onClick?: (click: PointClick) => void;
  testId: string;
}) {
  const renderStarted = performance.now();
  const ref = useRef<HTMLDivElement>(null);
  const width = useWidth(ref);
  const [hidden, toggle] = useToggles();
  useChartPainted(testId, renderStarted, [categories, series, width, hidden, palette]);
  // A single series' legend entry hides that series.
  const hiddenSeries = (s: number) => hidden.has(legend.length === series.length ? s : 0);
  const [tip, setTip] = useState<Tip | null>(null);
  const [hover, setHover] = useState<Point | null>(null);
  const lengths = series.map((s, i) => (hiddenSeries(i) ? 0 : s.values.length));
  const keys = usePointKeys(lengths, onClick);

  const layout = (() => {
    const totals = categories.map((_, i) =>
      series.reduce(
        (sum, s, si) =>
          hiddenSeries(si) ? sum : grouped ? Math.max(sum, s.values[i] ?? 0) : sum + (s.values[i] ?? 0),
        0,
      ),
    );
    const ticks = countTicks(Math.max(0, ...totals));
    const longest = Math.max(categoryName.length, ...categories.map((c) => Math.min(c.length, LABEL_CHARS)));
    const labelWidth = Math.ceil(longest * CHAR_PX) + 16;
    const left = 8 + labelWidth;
    const right = width - (valueLabels ? 56 : 24);
    const top = 60;
    const bottom = height - 44;
    const band = categories.length > 0 ? (bottom - top) / categories.length : 0;
    const shown = series.filter((_, si) => !hiddenSeries(si)).length;
    const thickness = grouped ? Math.min(16, (band * 0.8) / Math.max(1, shown)) : Math.min(22, band * 0.6);
    const max = ticks[ticks.length - 1] ?? 1;
    const x = (v: number) => left + ((right - left) * v) / max;
    return { totals, ticks, left, right, top, bottom, band, thickness, x };
  })();

  const { totals, ticks, left, right, top, bottom, band, thickness, x } = layout;
  const rowY = (i: number) => top + band * i + band / 2;
  const segment = (s: number, i: number) => {
    let start = 0;
    let before = 0;
    let shown = 0;
    series.forEach((_, k) => {
      if (hiddenSeries(k)) return;
      shown += 1;
      if (k < s) {
        before += 1;
        start += series[k]?.values[i] ?? 0;
      }
    });
    const value = series[s]?.values[i] ?? 0;
    if (grouped) {
      const y = rowY(i) - (shown * thickness) / 2 + before * thickness + thickness / 2;
      return { x0: x(0), x1: x(value), value, y };
    }
    return { x0: x(start), x1: x(start + value), value, y: rowY(i) };
  };
  const focused = keys.point ?? hover;
  const showTip = (event: MouseEvent, s: number, i: number) => {
    const box = ref.current?.getBoundingClientRect();
    setHover({ seriesIndex: s, dataIndex: i });
    setTip({
      x: event.clientX - (box?.left ?? 0),
      y: event.clientY - (box?.top ?? 0),
      content: tooltip(i, s, hidden),
    });
  };
  const keyTip: Tip | null = keys.point
    ? (() => {
        const seg = segment(keys.point.seriesIndex, keys.point.dataIndex);
        return {
          x: seg.x1,
          y: seg.y,
          content: tooltip(keys.point.dataIndex, keys.point.seriesIndex, hidden),
        };
      })()
    : null;

  return (
    <div
      ref={ref}
      className={onClick ? "simple-chart echart-clickable" : "simple-chart"}
      style={{ height, fontFamily: CHART_FONT }}
      role="img"
      aria-label={
        onClick ? `${label}. Arrow keys move between its points; Enter lists the items of one.` : label
      }
      tabIndex={onClick ? 0 : undefined}
      onKeyDown={onClick ? keys.onKeyDown : undefined}
      onBlur={keys.clear}
      onMouseMove={(e) => {
        const at = pointAt(e);
        if (!at) {
          setTip(null);
          setHover(null);
        } else showTip(e, at.seriesIndex ?? hover?.seriesIndex ?? 0, at.dataIndex);
      }}
      onClick={(e) => {
        const at = pointAt(e);
        if (at && at.seriesIndex !== null)
          onClick?.({ seriesIndex: at.seriesIndex, dataIndex: at.dataIndex });
      }}
      onMouseLeave={() => {
        setTip(null);
        setHover(null);
      }}
      data-testid={testId}
    >
      <Legend
        entries={legend}
        hidden={hidden}
        onToggle={(i) => {
          toggle(i);
          keys.clear();
        }}
        palette={palette}
      />
      <svg width={width} height={height} aria-hidden="true">
        <text
          x={left - 8}
          y={top - 10}
          textAnchor="end"
          fill={palette.muted}
          fontSize={12}
          fontFamily={CHART_FONT}
        >
          {categoryName}
        </text>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={top} y2={bottom} stroke={palette.grid} />
            <text
              x={x(t)}
              y={bottom + 16}
              textAnchor="middle"
              fill={palette.muted}
              fontSize={12}
              fontFamily={CHART_FONT}
            >
              {formatCount(t)}
            </text>
          </g>
        ))}
        <text
          x={(left + right) / 2}
          y={bottom + 36}
          textAnchor="middle"
          fill={palette.muted}
          fontSize={12}
          fontFamily={CHART_FONT}
        >
          {valueName}
        </text>
        <line x1={left} x2={left} y1={top} y2={bottom} stroke={palette.axis} />
        {categories.map((name, i) => (
          <g key={`${name}-${i.toString()}`}>
            {trigger === "row" ? (
              <rect
                x={left}
                y={top + band * i}
                width={Math.max(0, right - left)}
                height={band}
                fill={focused?.dataIndex === i ? palette.grid : "transparent"}
                opacity={0.6}
                data-index={i}
              />
            ) : null}
            <text
              x={left - 8}
              y={rowY(i)}
              dominantBaseline="middle"
              textAnchor="end"
              fill={palette.text}
              fontSize={12}
              fontFamily={CHART_FONT}
            >
              {truncate(name, LABEL_CHARS)}
            </text>
            {series.map((s, si) => {
              if (hiddenSeries(si)) return null;
              const seg = segment(si, i);
              if (seg.value <= 0) return null;
              const on = focused?.dataIndex === i && focused.seriesIndex === si;
              return (
                <rect
                  key={s.name}
                  data-testid={`${testId}-bar-${si}-${i}`}
                  x={seg.x0}
                  y={seg.y - thickness / 2 + (grouped ? 1 : 0)}
                  width={Math.max(1, seg.x1 - seg.x0)}
                  height={grouped ? thickness - 2 : thickness}
                  rx={series.length === 1 || grouped ? 3 : 0}
                  fill={s.color}
                  stroke={on ? palette.text : "none"}
                  strokeWidth={on ? 1.5 : 0}
                  data-series={si}
                  data-index={i}
                />
              );
            })}
            {valueLabels && grouped
              ? series.map((s, si) => {
                  if (hiddenSeries(si)) return null;
                  const seg = segment(si, i);
                  return (
                    <text
                      key={`label-${s.name}`}
                      x={seg.x1 + 6}
                      y={seg.y}
                      dominantBaseline="middle"
                      fill={palette.muted}
                      fontSize={12}
                      fontFamily={CHART_FONT}
                    >
                      {formatCount(seg.value)}
                    </text>
                  );
                })
              : null}
            {valueLabels && !grouped ? (
              <text
                x={x(totals[i] ?? 0) + 6}
                y={rowY(i)}
                dominantBaseline="middle"
                fill={palette.muted}
                fontSize={12}
                fontFamily={CHART_FONT}
              >
                {formatCount(totals[i] ?? 0)}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
      <Tooltip tip={keyTip ?? tip} palette={palette} width={width} />
    </div>
  );
}

export type Slice = { label: string; value: number; color: string };

function arcPath(cx: number, cy: number, r0: number, r1: number, a0: number, a1: number): string {
  // A full circle cannot be one arc: two halves.
  if (a1 - a0 >= Math.PI * 2 - 1e-9) {
    const mid = a0 + Math.PI;
    return `${arcPath(cx, cy, r0, r1, a0, mid)} ${arcPath(cx, cy, r0, r1, mid, a1)}`;
  }
  const p = (r: number, a: number) => `${cx + r * Math.sin(a)} ${cy - r * Math.cos(a)}`;
  const large = a1 - a0 > Math.PI ? 1 : 0;
  return `M ${p(r1, a0)} A ${r1} ${r1} 0 ${large} 1 ${p(r1, a1)} L ${p(r0, a1)} A ${r0} ${r0} 0 ${large} 0 ${p(r0, a0)} Z`;
}

/**
 * A donut of shares, clockwise from the top, its legend on the right with each slice's count
 * and share (`legendSuffix`). A legend entry hides its slice.
 */
export function DonutChart({
  slices,
  legendSuffix,
  tooltip,
  height,
  label,
  palette,
  onClick,
  testId,
}: {
  slices: Slice[];
  legendSuffix: (slice: Slice) => string;
  tooltip: (dataIndex: number) => ReactNode;
  height: number;
  label: string;
  palette: ChartPalette;
  onClick?: (click: PointClick) => void;
  testId: string;
}) {
  const renderStarted = performance.now();
  const ref = useRef<HTMLDivElement>(null);
  const width = useWidth(ref);
  const [hidden, toggle] = useToggles();
  useChartPainted(testId, renderStarted, [slices, width, hidden, palette]);
  const [tip, setTip] = useState<Tip | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const keys = usePointKeys(
    [slices.length],
    onClick
      ? (p) => {
          if (!hidden.has(p.dataIndex)) onClick(p);
        }
      : undefined,
  );
  const cx = width * 0.32;
  const cy = height / 2;
  const radius = Math.min(width, height) / 2;
  const r0 = radius * 0.48;
  const r1 = radius * 0.76;
  const total = slices.reduce((sum, s, i) => sum + (hidden.has(i) ? 0 : s.value), 0);
  const arcs: { i: number; a0: number; a1: number }[] = [];
  let angle = 0;
  slices.forEach((s, i) => {
    if (hidden.has(i) || s.value <= 0 || total <= 0) return;
    const a1 = angle + (s.value / total) * Math.PI * 2;
    arcs.push({ i, a0: angle, a1 });
    angle = a1;
  });
  const focused = keys.point?.dataIndex ?? hover;
  const keyArc = keys.point ? arcs.find((a) => a.i === keys.point?.dataIndex) : undefined;
  const keyTip: Tip | null =
    keys.point && keyArc
      ? {
          x: cx + r1 * Math.sin((keyArc.a0 + keyArc.a1) / 2),
          y: cy - r1 * Math.cos((keyArc.a0 + keyArc.a1) / 2),
          content: tooltip(keys.point.dataIndex),
        }
      : null;
  return (
    <div
      ref={ref}
      className={onClick ? "simple-chart simple-donut echart-clickable" : "simple-chart simple-donut"}
      style={{ height, fontFamily: CHART_FONT }}
      role="img"
      aria-label={
        onClick ? `${label}. Arrow keys move between its points; Enter lists the items of one.` : label
      }
      tabIndex={onClick ? 0 : undefined}
      onKeyDown={onClick ? keys.onKeyDown : undefined}
      onBlur={keys.clear}
      onMouseMove={(e) => {
        const at = pointAt(e);
        if (!at) {
          setTip(null);
          setHover(null);
          return;
        }
        const box = ref.current?.getBoundingClientRect();
        setHover(at.dataIndex);
        setTip({
          x: e.clientX - (box?.left ?? 0),
          y: e.clientY - (box?.top ?? 0),
          content: tooltip(at.dataIndex),
        });
      }}
      onClick={(e) => {
        const at = pointAt(e);
        if (at) onClick?.({ seriesIndex: 0, dataIndex: at.dataIndex });
      }}
      onMouseLeave={() => {
        setTip(null);
        setHover(null);
      }}
      data-testid={testId}
    >
      <svg width={width} height={height} aria-hidden="true">
        {arcs.map(({ i, a0, a1 }) => {
          const grow = focused === i ? 4 : 0;
          const slice = slices[i];
          if (!slice) return null;
          return (
            <path
              key={slice.label}
              data-testid={`${testId}-slice-${i}`}
              d={arcPath(cx, cy, r0, r1 + grow, a0, a1)}
              fill={slice.color}
              stroke={palette.surface}
              strokeWidth={2}
              data-series={0}
              data-index={i}
            />
          );
        })}
      </svg>
      <div className="chart-legend-side" style={{ left: Math.min(width * 0.58, cx + r1 + 24) }}>
        <Legend
          entries={slices.map((s) => ({ name: s.label, color: s.color, suffix: legendSuffix(s) }))}
          hidden={hidden}
          onToggle={(i) => {
            toggle(i);
            keys.clear();
          }}
          palette={palette}
        />
      </div>
      <Tooltip tip={keyTip ?? tip} palette={palette} width={width} />
    </div>
  );
}
