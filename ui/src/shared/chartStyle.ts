//! The look every chart shares: font, tooltip, legend and axes, in the theme's palette.

import { formatCount, formatDecimal } from "./format";
import type { ChartPalette } from "./theme";

/** The UI's own stack (`--font-ui` in styles.css; why it is short is written there). */
export const CHART_FONT = "system-ui, sans-serif";

/** Grid bounds that keep axis labels *and* axis names inside the chart. */
export const CONTAIN_ALL = { outerBoundsMode: "same" as const, outerBoundsContain: "all" as const };

export function tooltipBase(p: ChartPalette) {
  return {
    backgroundColor: p.tooltipBg,
    borderColor: p.tooltipBorder,
    textStyle: { color: p.text, fontFamily: CHART_FONT, fontSize: 12 },
    // Under the sticky filter bar (z-index 15), the drawers (20) and popovers (40): ECharts'
    // own z-index would float the tooltip over them.
    extraCssText: "box-shadow: 0 4px 14px rgba(0,0,0,0.15); border-radius: 6px; z-index: 10;",
    confine: true,
  };
}

export function legendBase(p: ChartPalette) {
  return {
    textStyle: { color: p.muted, fontFamily: CHART_FONT, fontSize: 12 },
    itemWidth: 12,
    itemHeight: 12,
    icon: "roundRect",
    inactiveColor: p.axis,
  };
}

export function axisNameStyle(p: ChartPalette) {
  return { color: p.muted, fontFamily: CHART_FONT, fontSize: 12 };
}

/** A numeric axis with a name (units included) along it. */
export function valueAxisBase(
  p: ChartPalette,
  name: string,
  options: { gap?: number; integer?: boolean } = {},
) {
  return {
    type: "value" as const,
    name,
    nameLocation: "middle" as const,
    nameGap: options.gap ?? 12,
    nameMoveOverlap: true,
    nameTextStyle: axisNameStyle(p),
    minInterval: options.integer === false ? undefined : 1,
    // A fractional axis keeps its decimals: rounded, ticks at 0.5 steps read "0, 1, 1, 2, 2".
    axisLabel: {
      color: p.muted,
      fontFamily: CHART_FONT,
      formatter: (v: number) => (Number.isInteger(v) ? formatCount(v) : formatDecimal(v)),
    },
    splitLine: { lineStyle: { color: p.grid } },
    axisLine: { show: false },
  };
}

/** A category axis of labels (days, stages, kinds). */
export function categoryAxisBase(p: ChartPalette, name: string, labels: string[]) {
  return {
    type: "category" as const,
    data: labels,
    name,
    nameLocation: "middle" as const,
    nameGap: 10,
    nameMoveOverlap: true,
    nameTextStyle: axisNameStyle(p),
    axisLabel: { color: p.muted, fontFamily: CHART_FONT },
    axisTick: { show: false },
    axisLine: { lineStyle: { color: p.axis } },
  };
}

/** A coloured square for tooltip lines. */
export function swatch(color: string): string {
  return `<span style="display:inline-block;width:8px;height:8px;border-radius:2px;background:${color};margin-right:6px"></span>`;
}

export const CLICK_HINT = '<br/><span style="opacity:.7">Click to list these items</span>';
