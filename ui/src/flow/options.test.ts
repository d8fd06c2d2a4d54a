import { describe, expect, it } from "vitest";
import { makeFlowReport } from "../lib/ipc/testing";
import { chartPalette, type ResolvedTheme } from "../shared/theme";
import { throughputOption } from "./options";

type WeekPoint = { symbol: string; itemStyle: { color?: string; borderColor?: string } };

function weekPoints(theme: ResolvedTheme): WeekPoint[] {
  const report = makeFlowReport();
  const option = throughputOption(report, { p: chartPalette(theme), theme }) as {
    series: { name: string; data: WeekPoint[] }[];
  };
  const weekly = option.series.find((s) => s.name === "Finished per week");
  if (!weekly) throw new Error("no weekly series");
  return weekly.data;
}

describe("the throughput chart draws what its caption says", () => {
  it.each(["light", "dark"] as const)(
    "in the %s theme, partial weeks are hollow points: filled with the card's colour, ringed with the line's",
    (theme) => {
      const p = chartPalette(theme);
      const report = makeFlowReport();
      const points = weekPoints(theme);
      expect(points).toHaveLength(report.throughputWeekly.length);
      report.throughputWeekly.forEach((w, k) => {
        const point = points[k];
        if (point === undefined) throw new Error(`no point for week ${k}`);
        if (w.daysInRange < 7) {
          expect(point.itemStyle.color).toBe(p.surface);
          expect(point.itemStyle.borderColor).toBe(p.series[2]);
          // Not ECharts' "emptyCircle", which is filled white whatever the theme.
          expect(point.symbol).toBe("circle");
        } else {
          expect(point.itemStyle.color).toBeUndefined();
        }
      });
      expect(report.throughputWeekly.some((w) => w.daysInRange < 7)).toBe(true);
    },
  );
});
