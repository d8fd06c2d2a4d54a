//! One ECharts instance in a React element, tree-shaken to the charts Baton draws.
//! Resizes with its container and redraws when the option (or the theme inside it) changes.

import { BarChart, type BarSeriesOption, PieChart, type PieSeriesOption } from "echarts/charts";
import {
  AriaComponent,
  type AriaComponentOption,
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from "echarts/components";
import { type ComposeOption, type ECharts, init, use } from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

use([BarChart, PieChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer]);

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | PieSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | AriaComponentOption
>;

export type ChartClick = { seriesIndex: number; dataIndex: number; name: string; seriesName: string };

/** Escapes text from sources before it goes into an HTML tooltip. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export function EChart({
  option,
  height,
  label,
  onClick,
  testId,
}: {
  option: ChartOption;
  height: number;
  /** What the chart shows, for screen readers. */
  label: string;
  onClick?: (click: ChartClick) => void;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

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
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => chart.resize());
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    chartRef.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={ref}
      className={onClick ? "echart echart-clickable" : "echart"}
      style={{ height }}
      role="img"
      aria-label={label}
      data-testid={testId}
    />
  );
}
