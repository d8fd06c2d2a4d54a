//! One ECharts instance in a React element, tree-shaken to the charts Baton draws.
//! Resizes with its container and redraws when the option (or the theme inside it) changes.
//! Draws with SVG on screen; a PNG export renders the same option once on an off-screen canvas.

import {
  BarChart,
  type BarSeriesOption,
  HeatmapChart,
  type HeatmapSeriesOption,
  LineChart,
  type LineSeriesOption,
  PieChart,
  type PieSeriesOption,
  ScatterChart,
  type ScatterSeriesOption,
} from "echarts/charts";
import {
  AriaComponent,
  type AriaComponentOption,
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  MarkAreaComponent,
  type MarkAreaComponentOption,
  MarkLineComponent,
  type MarkLineComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
  VisualMapComponent,
  type VisualMapComponentOption,
} from "echarts/components";
import { type ComposeOption, type ECharts, init, use } from "echarts/core";
import { CanvasRenderer, SVGRenderer } from "echarts/renderers";
import { type RefObject, useEffect, useRef } from "react";
import { chartDrawing, chartFinished, measureSince } from "./perf";

use([
  BarChart,
  PieChart,
  LineChart,
  ScatterChart,
  HeatmapChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  AriaComponent,
  MarkLineComponent,
  MarkAreaComponent,
  VisualMapComponent,
  SVGRenderer,
  CanvasRenderer,
]);

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | PieSeriesOption
  | LineSeriesOption
  | ScatterSeriesOption
  | HeatmapSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | AriaComponentOption
  | MarkLineComponentOption
  | MarkAreaComponentOption
  | VisualMapComponentOption
>;

export type ChartClick = { seriesIndex: number; dataIndex: number; name: string; seriesName: string };

/**
 * A click inside the plot area, in data coordinates of the first grid: `x` is the category
 * index (or the x value on a value axis), `y` the y value. `onElement` is true when the click
 * hit a drawn element (a bar, a dot) rather than the background.
 */
export type GridClick = { x: number; y: number; onElement: boolean };

/** What a chart's owner can ask of the drawn chart. */
export type ChartApi = {
  /** The chart as a PNG data URL, with `title` written above it. */
  toPng: (title: string, colors: { background: string; text: string }) => string | null;
};

/** Escapes text from sources before it goes into an HTML tooltip. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const TITLE_HEIGHT = 40;
const PNG_SCALE = 2;

/** Renders the live chart's option (legend toggles included) on an off-screen canvas. */
function renderPng(
  live: ECharts,
  width: number,
  height: number,
  title: string,
  colors: { background: string; text: string },
): string | null {
  const host = document.createElement("div");
  host.style.cssText = `position:fixed;left:-10000px;top:0;width:${width}px;height:${height}px;`;
  document.body.appendChild(host);
  let offscreen: ECharts | null = null;
  try {
    offscreen = init(host, undefined, { renderer: "canvas", width, height, devicePixelRatio: PNG_SCALE });
    const option = live.getOption() as Record<string, unknown>;
    offscreen.setOption({ ...option, animation: false });
    const chart = offscreen.renderToCanvas({ backgroundColor: colors.background, pixelRatio: PNG_SCALE });
    const canvas = document.createElement("canvas");
    canvas.width = width * PNG_SCALE;
    canvas.height = (height + TITLE_HEIGHT) * PNG_SCALE;
    const ctx = canvas.getContext("2d");
    if (!ctx) return null;
    ctx.fillStyle = colors.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.scale(PNG_SCALE, PNG_SCALE);
    ctx.fillStyle = colors.text;
    ctx.font = "600 15px system-ui, -apple-system, 'Segoe UI', Roboto, Ubuntu, sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillText(title, 12, TITLE_HEIGHT / 2);
    ctx.drawImage(chart, 0, TITLE_HEIGHT, width, height);
    return canvas.toDataURL("image/png");
  } catch {
    return null;
  } finally {
    offscreen?.dispose();
    host.remove();
  }
}

export function EChart({
  option,
  height,
  label,
  onClick,
  onGridClick,
  apiRef,
  testId,
}: {
  option: ChartOption;
  height: number;
  /** What the chart shows, for screen readers. */
  label: string;
  onClick?: (click: ChartClick) => void;
  onGridClick?: (click: GridClick) => void;
  apiRef?: RefObject<ChartApi | null>;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  const gridClickRef = useRef(onGridClick);
  gridClickRef.current = onGridClick;
  const tokenRef = useRef({});
  const testIdRef = useRef(testId);
  testIdRef.current = testId;
  /** When the option being drawn was given (performance.now()), for the chart's measure. */
  const drawStarted = useRef<number | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = init(el, undefined, { renderer: "svg" });
    chartRef.current = chart;
    chart.on("click", (params) => {
      const p = params as { seriesIndex?: number; dataIndex?: number; name?: string; seriesName?: string };
      clickRef.current?.({
        seriesIndex: p.seriesIndex ?? 0,
        dataIndex: p.dataIndex ?? 0,
        name: p.name ?? "",
        seriesName: p.seriesName ?? "",
      });
    });
    chart.getZr().on("click", (event) => {
      const handler = gridClickRef.current;
      if (!handler) return;
      const point = [event.offsetX, event.offsetY];
      if (!chart.containPixel({ gridIndex: 0 }, point)) return;
      const value = chart.convertFromPixel({ gridIndex: 0 }, point) as unknown;
      if (!Array.isArray(value)) return;
      const [x, y] = value as [number, number];
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      handler({ x, y, onElement: Boolean(event.target) });
    });
    // Drawn: the benchmark's "every chart settled" waits for this after each new option.
    const token = tokenRef.current;
    chart.on("finished", () => {
      if (drawStarted.current !== null) {
        measureSince(`baton:chart:${testIdRef.current ?? "chart"}`, drawStarted.current);
        drawStarted.current = null;
      }
      chartFinished(token);
    });
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => chart.resize());
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      chart.dispose();
      chartRef.current = null;
      chartFinished(token);
    };
  }, []);

  useEffect(() => {
    // No entrance animation: in WebKitGTK (the desktop app's web view on Linux) the SVG clip
    // that line and area series grow through is never repainted, so they stayed invisible.
    const chart = chartRef.current;
    if (!chart) return;
    chartDrawing(tokenRef.current);
    drawStarted.current = performance.now();
    chart.setOption({ ...option, animation: false }, { notMerge: true, lazyUpdate: true });
  }, [option]);

  useEffect(() => {
    if (!apiRef) return;
    apiRef.current = {
      toPng: (title, colors) => {
        const chart = chartRef.current;
        const el = ref.current;
        if (!chart || !el) return null;
        return renderPng(chart, Math.max(320, el.clientWidth), height, title, colors);
      },
    };
    return () => {
      apiRef.current = null;
    };
  }, [apiRef, height]);

  const clickable = Boolean(onClick || onGridClick);
  return (
    <div
      ref={ref}
      className={clickable ? "echart echart-clickable" : "echart"}
      style={{ height }}
      role="img"
      aria-label={label}
      data-testid={testId}
    />
  );
}
