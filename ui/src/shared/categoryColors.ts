//! Colours for categories of any number (teams, policies): distinct from each other, and the
//! first ones safe for the common colour-vision deficiencies (Paul Tol's qualitative schemes:
//! "muted" on the light theme, nine colours; "light" on the dark one, its eight colours without
//! the pale grey kept for "no team"). Past those, each next colour is the one,
//! among a fixed grid of hues, saturations and lightnesses readable on the theme's background,
//! farthest (CIELAB ΔE) from every colour before it, as seen with normal vision and as simulated
//! for protanopia and deuteranopia; so no two colours repeat, and the closest pair is as far apart
//! as this choice can make it. The legends name each category too.

import type { ResolvedTheme } from "./theme";

const SAFE: Record<ResolvedTheme, readonly string[]> = {
  light: ["#332288", "#44aa99", "#cc6677", "#117733", "#aa4499", "#88ccee", "#999933", "#882255", "#ddcc77"],
  dark: ["#77aadd", "#ee8866", "#44bb99", "#eedd88", "#ffaabb", "#99ddff", "#bbcc33", "#aaaa00"],
};

/** CIELAB lightness a colour may have to stay readable on the theme's background. */
const LIGHTNESS: Record<ResolvedTheme, readonly [number, number]> = {
  light: [30, 70],
  dark: [55, 90],
};

type Rgb = readonly [number, number, number];
type Lab = readonly [number, number, number];

function hexRgb(hex: string): Rgb {
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255) as unknown as Rgb;
}

function rgbHex(rgb: Rgb): string {
  return `#${rgb
    .map((v) =>
      Math.round(Math.min(1, Math.max(0, v)) * 255)
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

function hslRgb(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  return [f(0), f(8), f(4)];
}

const linear = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);

/** Machado, Oliveira and Fernandes (2009), severity 1, on linear RGB. */
const SIMULATIONS: readonly (readonly number[])[] = [
  // protanopia
  [0.152286, 1.052583, -0.204868, 0.114503, 0.786281, 0.099216, -0.003882, -0.048116, 1.051998],
  // deuteranopia
  [0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413, -0.01182, 0.04294, 0.968881],
];

function labOfLinear(r: number, g: number, b: number): Lab {
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (841 / 108) * t + 4 / 29);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** How a colour looks: with normal vision, then as protanopes and deuteranopes see it. */
export function views(hex: string): Lab[] {
  const [r, g, b] = hexRgb(hex).map(linear) as unknown as Rgb;
  const seen = [labOfLinear(r, g, b)];
  for (const m of SIMULATIONS) {
    const c = (i: number) =>
      Math.min(1, Math.max(0, (m[i] ?? 0) * r + (m[i + 1] ?? 0) * g + (m[i + 2] ?? 0) * b));
    seen.push(labOfLinear(c(0), c(3), c(6)));
  }
  return seen;
}

/** The smallest CIELAB ΔE between two colours over the three ways of seeing them. */
export function seenDistance(a: readonly Lab[], b: readonly Lab[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (let k = 0; k < a.length; k++) {
    const p = a[k];
    const q = b[k];
    if (!p || !q) continue;
    min = Math.min(min, Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]));
  }
  return min;
}

/** The candidates past the safe set: a fixed grid, kept to the theme's readable lightness. */
function candidates(theme: ResolvedTheme): { hex: string; seen: Lab[] }[] {
  const [lo, hi] = LIGHTNESS[theme];
  const out: { hex: string; seen: Lab[] }[] = [];
  for (let h = 0; h < 360; h += 6)
    for (const s of [0.45, 0.65, 0.85])
      for (let l = 0.2; l <= 0.86; l += 0.06) {
        const hex = rgbHex(hslRgb(h, s, l));
        const seen = views(hex);
        const lightness = seen[0]?.[0] ?? 0;
        if (lightness >= lo && lightness <= hi) out.push({ hex, seen });
      }
  return out;
}

/** The colours chosen so far, per theme (each choice depends only on the ones before it). */
const chosen: Record<ResolvedTheme, string[]> = { light: [], dark: [] };
const pool: Partial<Record<ResolvedTheme, { hex: string; seen: Lab[]; nearest: number }[]>> = {};

function extend(theme: ResolvedTheme, count: number) {
  const list = chosen[theme];
  if (list.length === 0) list.push(...SAFE[theme]);
  if (list.length >= count) return;
  let left = pool[theme];
  if (!left) {
    const placed = list.map(views);
    left = candidates(theme)
      .filter((c) => !list.includes(c.hex))
      .map((c) => ({ ...c, nearest: Math.min(...placed.map((p) => seenDistance(c.seen, p))) }));
    pool[theme] = left;
  }
  while (list.length < count) {
    let best = -1;
    for (let i = 0; i < left.length; i++) {
      const c = left[i];
      const b = left[best];
      if (c && (!b || c.nearest > b.nearest)) best = i;
    }
    const pick = left[best];
    if (!pick) {
      // The grid is used up (hundreds of categories): step lightness on a golden-angle hue.
      const n = list.length;
      const step = n % 3;
      const l = theme === "dark" ? [0.68, 0.58, 0.76][step] : [0.36, 0.48, 0.28][step];
      let hex = rgbHex(hslRgb((n * 137.508 + 20) % 360, [0.62, 0.48, 0.7][step] ?? 0.6, l ?? 0.5));
      // Never a repeat: nudge the blue channel until the colour is new.
      while (list.includes(hex))
        hex = rgbHex(hexRgb(hex).map((v, i) => (i === 2 ? (v + 1 / 255) % 1 : v)) as unknown as Rgb);
      list.push(hex);
      continue;
    }
    left.splice(best, 1);
    list.push(pick.hex);
    for (const c of left) c.nearest = Math.min(c.nearest, seenDistance(c.seen, pick.seen));
  }
}

/** The colour of the `index`-th category (0-based). */
export function categoryColor(index: number, theme: ResolvedTheme): string {
  const fixed = SAFE[theme][index];
  if (fixed) return fixed;
  extend(theme, index + 1);
  return chosen[theme][index] ?? SAFE[theme][0] ?? "#888888";
}

/** `count` distinct colours. */
export function categoryColors(count: number, theme: ResolvedTheme): string[] {
  extend(theme, count);
  return chosen[theme].slice(0, count);
}
