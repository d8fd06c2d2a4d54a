import { describe, expect, it } from "vitest";
import { categoryColors } from "./categoryColors";

describe("category colours", () => {
  it("never repeats, however many categories there are, in either theme", () => {
    for (const theme of ["light", "dark"] as const) {
      const colors = categoryColors(240, theme);
      expect(new Set(colors).size).toBe(240);
    }
  });

  it("starts with the colour-blind-safe set", () => {
    expect(categoryColors(3, "light")).toEqual(["#332288", "#44aa99", "#cc6677"]);
  });
});
