//! One ECharts instance in a React element, tree-shaken to the charts Baton draws.
//! Resizes with its container and redraws when the option (or the theme inside it) changes.
//! Draws with SVG on screen; a PNG export renders the same option once on an off-screen canvas.

import type {
  BarSeriesOption,
  HeatmapSeriesOption,
  LineSeriesOption,
  PieSeriesOption,
  ScatterSeriesOption,
} from "echarts/charts";
import type {
  AriaComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from "echarts/components";
import type { ComposeOption, ECharts } from "echarts/core";
import { type KeyboardEvent, type RefObject, useEffect, useRef, useState } from "react";
import { movePoint, type Point } from "./chartKeys";
import { CHART_FONT } from "./chartStyle";
import { queueDraw } from "./drawQueue";
import { chartDrawing, chartFinished, measureSince } from "./perf";

export { movePoint } from "./chartKeys";

type EchartsCore = typeof import("./echartsCore");
let loading: Promise<EchartsCore> | null = null;

/**
 * ECharts, loaded on first use: it is not in the startup bundle (the Overview draws its charts
 * itself), so the first page opens without parsing it. `App` asks for it once the first page is
 * drawn and the window is idle, so Flow's first visit rarely waits for it. A failed load is
 * forgotten, so the next chart asks again.
 */
export function loadEcharts(): Promise<EchartsCore> {
  if (!loading) {
    loading = import("./echartsCore");
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

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

type SeriesShape = { name?: unknown; data?: unknown };
type AxisShape = { type?: unknown; data?: unknown };

/** Each series' number of data points, from the option ECharts holds. */
function seriesLengths(option: Record<string, unknown>): number[] {
  const series = (option.series as SeriesShape[] | undefined) ?? [];
  return series.map((s) => (Array.isArray(s.data) ? s.data.length : 0));
}

/** The name ECharts would report for a click on `p`: the datum's name or its category. */
function pointName(option: Record<string, unknown>, p: Point): { name: string; seriesName: string } {
  const series = ((option.series as SeriesShape[] | undefined) ?? [])[p.seriesIndex];
  const datum = Array.isArray(series?.data) ? (series.data[p.dataIndex] as unknown) : undefined;
  let name = "";
  if (datum && typeof datum === "object" && "name" in datum) name = String((datum as { name: unknown }).name);
  else {
    const axes = [
      ...(((option.xAxis as AxisShape[] | undefined) ?? []) as AxisShape[]),
      ...(((option.yAxis as AxisShape[] | undefined) ?? []) as AxisShape[]),
    ];
    const category = axes.find((a) => a.type === "category" && Array.isArray(a.data));
    const value = Array.isArray(category?.data) ? (category.data[p.dataIndex] as unknown) : undefined;
    if (value !== undefined && value !== null)
      name =
        typeof value === "object" && "value" in value
          ? String((value as { value: unknown }).value)
          : String(value);
  }
  return { name, seriesName: typeof series?.name === "string" ? series.name : "" };
}

const TITLE_HEIGHT = 40;
const PNG_SCALE = 2;

/** Renders the live chart's option (legend toggles included) on an off-screen canvas. */
function renderPng(
  echarts: EchartsCore,
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
    offscreen = echarts.init(host, undefined, {
      renderer: "canvas",
      width,
      height,
      devicePixelRatio: PNG_SCALE,
    });
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
    ctx.font = `600 15px ${CHART_FONT}`;
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
  /** The option to draw, and whether the chart waits in the draw queue. */
  const latestOption = useRef(option);
  const queued = useRef(false);
  /** The newest option was handed to ECharts and its `finished` has not come yet. */
  const awaitingFinish = useRef(false);
  const echartsRef = useRef<EchartsCore | null>(null);
  const [failed, setFailed] = useState(false);

  /** The element's ECharts instance while mounted (null before its first draw). */
  const mounted = useRef(false);
  const observerRef = useRef<ResizeObserver | null>(null);

  /** Makes the ECharts instance: in the chart's first draw task, not all charts in one. */
  function create(echarts: EchartsCore, el: HTMLDivElement): ECharts {
    const token = tokenRef.current;
    const chart = echarts.init(el, undefined, { renderer: "svg" });
    chartRef.current = chart;
    chart.on("click", (params) => {
      const p = params as {
        seriesIndex?: number;
        dataIndex?: number;
        name?: string;
        seriesName?: string;
      };
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
    // Drawn: the benchmark's "every chart settled" waits for this after each new option. Only
    // the `finished` of the newest option counts: ECharts also fires it after a resize or for
    // the empty chart it starts as.
    chart.on("finished", () => {
      if (!awaitingFinish.current || queued.current) return;
      awaitingFinish.current = false;
      if (drawStarted.current !== null) {
        measureSince(`baton:chart:${testIdRef.current ?? "chart"}`, drawStarted.current);
        drawStarted.current = null;
      }
      chartFinished(token);
    });
    // A resize draws the whole chart again: only when the size really changed. (The observer
    // also reports the size it starts with, and ECharts would redraw a just-drawn chart for it.)
    if (typeof ResizeObserver !== "undefined") {
      const observer = new ResizeObserver(() => {
        if (el.clientWidth !== chart.getWidth() || el.clientHeight !== chart.getHeight()) chart.resize();
      });
      observer.observe(el);
      observerRef.current = observer;
    }
    return chart;
  }

  /** Queues the newest option to draw in its own task, once ECharts is there. */
  const enqueue = useRef(() => {});
  enqueue.current = () => {
    const echarts = echartsRef.current;
    if (!echarts || queued.current) return;
    queued.current = true;
    queueDraw(() => {
      queued.current = false;
      // Drawn synchronously in this task (the chart's `finished` follows); the newest option
      // given while waiting is the one drawn, and a chart gone meanwhile draws nothing.
      const el = ref.current;
      if (!mounted.current || !el) return;
      const started = performance.now();
      const chart = chartRef.current ?? create(echarts, el);
      awaitingFinish.current = true;
      chart.setOption({ ...latestOption.current, animation: false }, { notMerge: true, lazyUpdate: false });
      measureSince(`baton:chart-draw:${testIdRef.current ?? "chart"}`, started);
    });
  };

  useEffect(() => {
    const token = tokenRef.current;
    mounted.current = true;
    loadEcharts().then(
      (echarts) => {
        if (!mounted.current) return;
        echartsRef.current = echarts;
        // The option given while ECharts loaded.
        enqueue.current();
      },
      () => {
        if (!mounted.current) return;
        setFailed(true);
        chartFinished(token);
      },
    );
    return () => {
      mounted.current = false;
      observerRef.current?.disconnect();
      observerRef.current = null;
      chartRef.current?.dispose();
      chartRef.current = null;
      chartFinished(token);
    };
  }, []);

  useEffect(() => {
    // No entrance animation: in WebKitGTK (the desktop app's web view on Linux) the SVG clip
    // that line and area series grow through is never repainted, so they stayed invisible.
    chartDrawing(tokenRef.current);
    drawStarted.current = performance.now();
    latestOption.current = option;
    enqueue.current();
  }, [option]);

  useEffect(() => {
    if (!apiRef) return;
    apiRef.current = {
      toPng: (title, colors) => {
        const chart = chartRef.current;
        const el = ref.current;
        if (!chart || !el) return null;
        const echarts = echartsRef.current;
        if (!echarts) return null;
        return renderPng(echarts, chart, Math.max(320, el.clientWidth), height, title, colors);
      },
    };
    return () => {
      apiRef.current = null;
    };
  }, [apiRef, height]);

  // The keyboard's point: arrows move it (its tooltip shows), Enter or Space opens its items,
  // as a click would. Only charts that open something take the focus.
  const pointRef = useRef<Point | null>(null);
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const chart = chartRef.current;
    if (!chart || !onClick) return;
    const option = chart.getOption() as Record<string, unknown>;
    if (event.key === "Enter" || event.key === " ") {
      const p = pointRef.current;
      if (!p) return;
      event.preventDefault();
      clickRef.current?.({ ...p, ...pointName(option, p) });
      return;
    }
    if (event.key === "Escape" && pointRef.current) {
      chart.dispatchAction({ type: "hideTip" });
      chart.dispatchAction({ type: "downplay" });
      pointRef.current = null;
      return;
    }
    const next = movePoint(seriesLengths(option), pointRef.current, event.key);
    if (!next) return;
    event.preventDefault();
    chart.dispatchAction({ type: "downplay" });
    chart.dispatchAction({ type: "highlight", ...next });
    chart.dispatchAction({ type: "showTip", ...next });
    pointRef.current = next;
  }

  const clickable = Boolean(onClick || onGridClick);
  if (failed)
    return (
      <p className="muted" style={{ minHeight: height }} data-testid={testId} role="status">
        This chart could not be drawn: the charting code did not load. Reload the window to try again.
      </p>
    );
  return (
    <div
      ref={ref}
      className={clickable ? "echart echart-clickable" : "echart"}
      style={{ height }}
      role="img"
      aria-label={
        onClick ? `${label}. Arrow keys move between its points; Enter lists the items of one.` : label
      }
      tabIndex={onClick ? 0 : undefined}
      onKeyDown={onClick ? onKeyDown : undefined}
      onBlur={() => {
        chartRef.current?.dispatchAction({ type: "hideTip" });
        pointRef.current = null;
      }}
      data-testid={testId}
    />
  );
}
