import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tooltipBase, valueAxisBase } from "./chartStyle";
import { chartPalette } from "./theme";

describe("value axes", () => {
  it("never repeat a tick label: half days keep their decimal", () => {
    const axis = valueAxisBase(chartPalette("light"), "Median days", { integer: false });
    const labels = [0, 0.5, 1, 1.5, 2, 2.5, 3].map((v) => axis.axisLabel.formatter(v));
    expect(labels).toEqual(["0", "0.5", "1", "1.5", "2", "2.5", "3"]);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it("count axes tick on whole numbers", () => {
    const axis = valueAxisBase(chartPalette("light"), "Items");
    expect(axis.minInterval).toBe(1);
    expect(axis.axisLabel.formatter(12000)).toBe((12000).toLocaleString("en-US"));
  });
});

describe("tooltips", () => {
  it("stay inside their chart and under the filter bar and the drawers", () => {
    const tip = tooltipBase(chartPalette("dark"));
    expect(tip.confine).toBe(true);
    const z = Number(/z-index:\s*(\d+)/.exec(tip.extraCssText)?.[1]);
    // The sticky filter bar is at 15, the side panels at 20 (styles.css).
    expect(z).toBeLessThan(15);
  });
});

/** The z-index of the rule that starts with `selector {` in styles.css (or another sheet). */
function zIndexOf(selector: string, sheet = "../styles.css"): number {
  const css = readFileSync(join(import.meta.dirname, sheet), "utf8");
  const start = css.indexOf(`\n${selector} {`);
  const rule = css.slice(start, css.indexOf("}", start));
  const z = /z-index:\s*(\d+)/.exec(rule)?.[1];
  if (start < 0 || z === undefined) throw new Error(`no z-index for ${selector} in ${sheet}`);
  return Number(z);
}

describe("tooltips of the charts drawn as SVG", () => {
  it("stay under the filter bar, the drawers and the popovers (styles.css)", () => {
    const tip = zIndexOf(".chart-tip");
    expect(tip).toBeLessThan(zIndexOf(".flow-filter-bar"));
    expect(tip).toBeLessThan(zIndexOf(".side-panel"));
    expect(tip).toBeLessThan(zIndexOf(".popover"));
    // The item graph's tooltip (deps.css) too.
    const graphTip = zIndexOf(".graph-tip", "../deps/deps.css");
    expect(graphTip).toBeLessThan(zIndexOf(".flow-filter-bar"));
    expect(graphTip).toBeLessThan(zIndexOf(".side-panel"));
    expect(graphTip).toBeLessThan(zIndexOf(".popover"));
    // ECharts' tooltips sit at the same level.
    const echarts = Number(/z-index:\s*(\d+)/.exec(tooltipBase(chartPalette("light")).extraCssText)?.[1]);
    expect(echarts).toBeLessThan(zIndexOf(".flow-filter-bar"));
  });
});
