//! Colours for categories of any number (teams, policies): distinct from each other, and the
//! first nine safe for the common colour-vision deficiencies (Paul Tol's qualitative schemes:
//! "muted" on the light theme, "light" on the dark one). Past nine, hues step by the golden angle
//! with alternating lightness, so no two colours repeat; the legends name each category too.

import type { ResolvedTheme } from "./theme";

const SAFE: Record<ResolvedTheme, readonly string[]> = {
  light: ["#332288", "#44aa99", "#cc6677", "#117733", "#aa4499", "#88ccee", "#999933", "#882255", "#ddcc77"],
  dark: ["#77aadd", "#ee8866", "#44bb99", "#eedd88", "#ffaabb", "#99ddff", "#bbcc33", "#aaaa00", "#c9a0dc"],
};

const GOLDEN_ANGLE = 137.508;

/** The colour of the `index`-th category (0-based). */
export function categoryColor(index: number, theme: ResolvedTheme): string {
  const safe = SAFE[theme];
  const fixed = safe[index];
  if (fixed) return fixed;
  const n = index - safe.length;
  const hue = (n * GOLDEN_ANGLE + 20) % 360;
  // Three lightness steps so neighbouring hues also differ in lightness.
  const step = n % 3;
  const lightness = theme === "dark" ? [68, 58, 76][step] : [36, 48, 28][step];
  const saturation = [62, 48, 70][step];
  return `hsl(${hue.toFixed(1)} ${saturation}% ${lightness}%)`;
}

/** `count` distinct colours. */
export function categoryColors(count: number, theme: ResolvedTheme): string[] {
  return Array.from({ length: count }, (_, i) => categoryColor(i, theme));
}
