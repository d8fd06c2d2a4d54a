import { describe, expect, it } from "vitest";
import { categoryColors, seenDistance, views } from "./categoryColors";

/** The closest pair of `colors` (CIELAB ΔE), over normal vision, protanopia and deuteranopia. */
function closest(colors: string[]): number {
  const seen = colors.map(views);
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < seen.length; i++)
    for (let j = i + 1; j < seen.length; j++) min = Math.min(min, seenDistance(seen[i] ?? [], seen[j] ?? []));
  return min;
}

describe("category colours", () => {
  it("never repeats, however many categories there are, in either theme", () => {
    for (const theme of ["light", "dark"] as const) {
      // Past the grid's own colours too (it holds under 2,200).
      const colors = categoryColors(2_500, theme);
      expect(new Set(colors).size).toBe(2_500);
      expect(colors.every((c) => /^#[0-9a-f]{6}$/.test(c))).toBe(true);
    }
  });

  it("starts with the colour-blind-safe set", () => {
    expect(categoryColors(3, "light")).toEqual(["#332288", "#44aa99", "#cc6677"]);
  });

  it("keeps two dozen teams apart for normal and red-green colour-blind eyes", () => {
    for (const theme of ["light", "dark"] as const) {
      // ΔE 10 is a difference seen at a glance (2.3 is the least one can see at all).
      for (const n of [9, 12, 16, 24]) expect(closest(categoryColors(n, theme))).toBeGreaterThanOrEqual(10);
      // Past that the closest pair only slowly gets closer.
      expect(closest(categoryColors(32, theme))).toBeGreaterThanOrEqual(8);
    }
  });

  it("measures a colour against itself as the same, and a protanope's confusion pair as close", () => {
    expect(seenDistance(views("#77aadd"), views("#77aadd"))).toBe(0);
    // Blue and violet of equal lightness: apart for normal eyes, nearly one colour for protanopes.
    const [normal, protan] = [0, 1].map((k) => {
      const [a, b] = [views("#77aadd")[k], views("#c9a0dc")[k]];
      return Math.hypot(...((a ?? []).map((x, i) => x - (b?.[i] ?? 0)) as [number, number, number]));
    });
    expect(normal).toBeGreaterThan(20);
    expect(protan).toBeLessThan(3);
  });

  it("gives the same colour to a category whatever is asked first", () => {
    const many = categoryColors(30, "dark");
    expect(categoryColors(12, "dark")).toEqual(many.slice(0, 12));
  });
});
