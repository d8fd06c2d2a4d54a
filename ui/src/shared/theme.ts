//! The resolved colour theme and the palette charts draw with (CSS holds the same tokens).

import { createContext, useContext } from "react";

export type ResolvedTheme = "light" | "dark";

export const ResolvedThemeContext = createContext<ResolvedTheme>("light");

export function useResolvedTheme(): ResolvedTheme {
  return useContext(ResolvedThemeContext);
}

export type ChartPalette = {
  text: string;
  muted: string;
  grid: string;
  axis: string;
  surface: string;
  tooltipBg: string;
  tooltipBorder: string;
  series: string[];
};

const LIGHT: ChartPalette = {
  text: "#1c1d21",
  muted: "#5d6170",
  grid: "#e6e7ec",
  axis: "#b9bcc6",
  surface: "#ffffff",
  tooltipBg: "#ffffff",
  tooltipBorder: "#d5d8df",
  series: ["#4f5bd5", "#0f9488", "#d97706", "#c2417b", "#6b7280", "#2f80c1", "#7c5cc4", "#5a8f29"],
};

const DARK: ChartPalette = {
  text: "#e7e8ec",
  muted: "#a3a7b4",
  grid: "#2f323b",
  axis: "#4a4e5a",
  surface: "#1b1d23",
  tooltipBg: "#23262e",
  tooltipBorder: "#3a3e49",
  series: ["#8b93f2", "#2dc3b3", "#f0a53c", "#e472a6", "#a3a7b4", "#5eaee8", "#a88ae8", "#8cc152"],
};

export function chartPalette(theme: ResolvedTheme): ChartPalette {
  return theme === "dark" ? DARK : LIGHT;
}
