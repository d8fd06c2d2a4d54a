//! The team map's drawing: teams on a circle, sized by their open blocking links to and from other
//! teams, with one curved arrow per blocking team → blocked team, as wide as its open links and
//! coloured by their age. Baton lays it out and draws it itself as SVG (`TeamMap.tsx`): ECharts'
//! graph series spent 90–200 ms in WebKitGTK (the Linux window's engine) on this map's first draw
//! and the browser as much again painting it, the longest stall of the Dependencies page.

import type { DepsReport, TeamDependency, TeamNode } from "../lib/ipc";
import type { ResolvedTheme } from "../shared/theme";
import { ageColor, type TeamColors } from "./palette";

export type AgeMeasure = "median" | "oldest";

const NODE_PREFIX = "team:";
const EDGE_PREFIX = "link:";

/** Links between different teams (a team's links to itself are in the matrix's diagonal). */
export function crossTeamLinks(report: DepsReport): TeamDependency[] {
  return report.matrix.filter((c) => c.blockerTeamId !== c.blockedTeamId);
}

/** Teams drawn on the map: those with a link to or from another team, and the chosen ones. */
export function mapTeams(report: DepsReport, chosen: readonly string[]): TeamNode[] {
  const linked = new Set(crossTeamLinks(report).flatMap((c) => [c.blockerTeamId, c.blockedTeamId]));
  return report.teams.filter((t) => linked.has(t.teamId) || chosen.includes(t.teamId));
}

export function ageOf(c: TeamDependency, measure: AgeMeasure): number | null {
  return measure === "median" ? c.medianDays : c.oldestDays;
}

/** What a click on the map hit: a team, or the link between two teams. */
export type MapHit = { type: "team"; teamId: string } | { type: "link"; link: TeamDependency };

export function mapHit(report: DepsReport, name: string): MapHit | null {
  if (name.startsWith(NODE_PREFIX)) return { type: "team", teamId: name.slice(NODE_PREFIX.length) };
  if (name.startsWith(EDGE_PREFIX)) {
    const link = crossTeamLinks(report)[Number(name.slice(EDGE_PREFIX.length))];
    return link ? { type: "link", link } : null;
  }
  return null;
}

/** Arrows whose number is always written on them; on a busier map, the widest only. */
export const LABELLED_ARROWS = 12;

export type MapNode = {
  /** `team:<id>`, as `mapHit` reads it. */
  name: string;
  team: TeamNode;
  x: number;
  y: number;
  r: number;
  color: string;
  chosen: boolean;
};

export type MapArrow = {
  /** `link:<index in crossTeamLinks>`, as `mapHit` reads it. */
  name: string;
  link: TeamDependency;
  from: number;
  to: number;
  /** The curve (SVG path data), from the blocker's edge to the arrowhead's base. */
  d: string;
  /** The arrowhead (a closed triangle). */
  head: string;
  width: number;
  color: string;
  /** Where the number sits: the curve's middle. */
  labelX: number;
  labelY: number;
  /** The number is written without hovering (the widest arrows). */
  labelled: boolean;
};

export type MapLayout = { nodes: MapNode[]; arrows: MapArrow[]; width: number; height: number };

type P = { x: number; y: number };

const CURVENESS = 0.18;
const MARGIN = { top: 40, bottom: 70, left: 150, right: 150 };

/** A point of the quadratic curve a → c → b at t. */
function onCurve(a: P, c: P, b: P, t: number): P {
  const u = 1 - t;
  return { x: u * u * a.x + 2 * u * t * c.x + t * t * b.x, y: u * u * a.y + 2 * u * t * c.y + t * t * b.y };
}

/** The control point of the part of the curve between t0 and t1 (its blossom). */
function subControl(a: P, c: P, b: P, t0: number, t1: number): P {
  const wa = (1 - t0) * (1 - t1);
  const wc = (1 - t0) * t1 + t0 * (1 - t1);
  const wb = t0 * t1;
  return { x: wa * a.x + wc * c.x + wb * b.x, y: wa * a.y + wc * c.y + wb * b.y };
}

/** The t at which the curve leaves (or enters) the circle of radius r around `centre`. */
function leaving(a: P, c: P, b: P, centre: P, r: number, fromStart: boolean): number {
  let inside = fromStart ? 0 : 1;
  let outside = 0.5;
  for (let i = 0; i < 24; i++) {
    const mid = (inside + outside) / 2;
    const p = onCurve(a, c, b, mid);
    if (Math.hypot(p.x - centre.x, p.y - centre.y) < r) inside = mid;
    else outside = mid;
  }
  return (inside + outside) / 2;
}

const round = (v: number) => Math.round(v * 10) / 10;

/**
 * Lays the map out in a `width` × `height` box: teams clockwise from the top in the report's
 * order, each sized by its links to and from other teams; each arrow bends to its right, so the
 * two arrows of a pair of teams never lie on each other.
 */
export function teamMapLayout(
  report: DepsReport,
  chosen: readonly string[],
  measure: AgeMeasure,
  colors: TeamColors,
  theme: ResolvedTheme,
  width: number,
  height: number,
): MapLayout {
  const teams = mapTeams(report, chosen);
  const links = crossTeamLinks(report);
  const maxLinks = Math.max(1, ...links.map((l) => l.openLinks));
  const maxDegree = Math.max(1, ...teams.map((t) => t.blocking + t.blocked));
  const left = Math.min(MARGIN.left, width / 4);
  const right = Math.min(MARGIN.right, width / 4);
  const cx = left + (width - left - right) / 2;
  const cy = MARGIN.top + (height - MARGIN.top - MARGIN.bottom) / 2;
  const radius = Math.max(
    20,
    Math.min((width - left - right) / 2, (height - MARGIN.top - MARGIN.bottom) / 2) - 20,
  );
  const index = new Map<string, number>();
  const nodes: MapNode[] = teams.map((team, i) => {
    index.set(team.teamId, i);
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, teams.length);
    const degree = team.blocking + team.blocked;
    const at =
      teams.length === 1
        ? { x: cx, y: cy }
        : { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) };
    return {
      name: `${NODE_PREFIX}${team.teamId}`,
      team,
      x: round(at.x),
      y: round(at.y),
      r: round((18 + 42 * Math.sqrt(degree / maxDegree)) / 2),
      color: colors.of(team.teamId),
      chosen: chosen.includes(team.teamId),
    };
  });
  const widest = [...links.keys()]
    .sort((a, b) => (links[b]?.openLinks ?? 0) - (links[a]?.openLinks ?? 0) || a - b)
    .slice(0, LABELLED_ARROWS);
  const labelled = new Set(widest);
  const arrows: MapArrow[] = [];
  links.forEach((link, i) => {
    const from = index.get(link.blockerTeamId);
    const to = index.get(link.blockedTeamId);
    if (from === undefined || to === undefined) return;
    const na = nodes[from];
    const nb = nodes[to];
    if (!na || !nb) return;
    const a = { x: na.x, y: na.y };
    const b = { x: nb.x, y: nb.y };
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const length = Math.max(1, Math.hypot(dx, dy));
    // The control point: off the chord's middle, to the right of the way the arrow runs.
    const c = {
      x: (a.x + b.x) / 2 - (dy / length) * CURVENESS * length,
      y: (a.y + b.y) / 2 + (dx / length) * CURVENESS * length,
    };
    const lineWidth = 1.5 + 8.5 * Math.sqrt(link.openLinks / maxLinks);
    const headLength = 7 + lineWidth;
    const t0 = leaving(a, c, b, a, na.r + 1, true);
    const tTip = leaving(a, c, b, b, nb.r + 2, false);
    const tip = onCurve(a, c, b, tTip);
    // The arrowhead's base: one head length back along the curve from its tip.
    let tBase = tTip;
    for (let step = 0; step < 40 && tBase > t0; step++) {
      const p = onCurve(a, c, b, tBase);
      if (Math.hypot(p.x - tip.x, p.y - tip.y) >= headLength) break;
      tBase -= 0.005;
    }
    tBase = Math.max(t0, tBase);
    const start = onCurve(a, c, b, t0);
    const base = onCurve(a, c, b, tBase);
    const ctrl = subControl(a, c, b, t0, tBase);
    const ux = tip.x - base.x;
    const uy = tip.y - base.y;
    const ul = Math.max(0.001, Math.hypot(ux, uy));
    const half = Math.max(4, lineWidth * 0.5 + 3.5);
    const nx = (-uy / ul) * half;
    const ny = (ux / ul) * half;
    const mid = onCurve(a, c, b, 0.5);
    arrows.push({
      name: `${EDGE_PREFIX}${i}`,
      link,
      from,
      to,
      d: `M ${round(start.x)} ${round(start.y)} Q ${round(ctrl.x)} ${round(ctrl.y)} ${round(base.x)} ${round(base.y)}`,
      head: `M ${round(tip.x)} ${round(tip.y)} L ${round(base.x + nx)} ${round(base.y + ny)} L ${round(base.x - nx)} ${round(base.y - ny)} Z`,
      width: round(lineWidth),
      color: ageColor(ageOf(link, measure), theme),
      labelX: round(mid.x),
      labelY: round(mid.y),
      labelled: labelled.has(i),
    });
  });
  return { nodes, arrows, width, height };
}

/** The map's height for a number of teams (px). */
export function teamMapHeight(teams: number): number {
  return Math.max(380, Math.min(620, 240 + teams * 40));
}
