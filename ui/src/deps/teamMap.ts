//! The team map's chart: teams on a circle, sized by their open blocking links to and from other
//! teams, with one arrow per blocking team → blocked team, as wide as its open links and coloured
//! by their age. Drawn with ECharts' graph series (registered here, for this page only).

import { GraphChart, type GraphSeriesOption } from "echarts/charts";
import { use } from "echarts/core";
import type { DepsReport, TeamDependency, TeamNode } from "../lib/ipc";
import { type ChartOption, escapeHtml } from "../shared/EChart";
import { formatCount, formatDays } from "../shared/format";
import type { ChartPalette, ResolvedTheme } from "../shared/theme";
import { ageColor, type TeamColors } from "./palette";

use([GraphChart]);

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

export function teamMapOption(
  report: DepsReport,
  chosen: readonly string[],
  measure: AgeMeasure,
  colors: TeamColors,
  p: ChartPalette,
  theme: ResolvedTheme,
): ChartOption {
  const teams = mapTeams(report, chosen);
  const links = crossTeamLinks(report);
  const byId = new Map(teams.map((t) => [t.teamId, t]));
  const maxLinks = Math.max(1, ...links.map((l) => l.openLinks));
  const maxDegree = Math.max(1, ...teams.map((t) => t.blocking + t.blocked));
  const measureName = measure === "median" ? "median age" : "oldest";

  const series: GraphSeriesOption = {
    type: "graph",
    layout: "circular",
    circular: { rotateLabel: false },
    roam: false,
    draggable: false,
    animation: false,
    top: 50,
    bottom: 60,
    left: 150,
    right: 150,
    edgeSymbol: ["none", "arrow"],
    edgeSymbolSize: [0, 11],
    autoCurveness: true,
    emphasis: { focus: "adjacency", lineStyle: { opacity: 1 } },
    label: {
      show: true,
      position: "bottom",
      distance: 6,
      color: p.text,
      fontSize: 12,
      lineHeight: 16,
      formatter: (params) => {
        const t = byId.get(String(params.name).slice(NODE_PREFIX.length));
        return t
          ? `${t.teamName}\nblocks ${formatCount(t.blocking)} / blocked by ${formatCount(t.blocked)}`
          : "";
      },
    },
    edgeLabel: {
      show: true,
      color: p.text,
      fontSize: 11,
      fontWeight: "bold",
      backgroundColor: p.surface,
      padding: [1, 3],
      borderRadius: 3,
      formatter: (params) => {
        const link = links[Number(String(params.name).slice(EDGE_PREFIX.length))];
        return link ? formatCount(link.openLinks) : "";
      },
    },
    tooltip: {
      formatter: (params) => {
        const name = String((params as { name?: string }).name ?? "");
        if (name.startsWith(EDGE_PREFIX)) {
          const l = links[Number(name.slice(EDGE_PREFIX.length))];
          if (!l) return "";
          return [
            `<strong>${escapeHtml(l.blockerTeam)} → ${escapeHtml(l.blockedTeam)}</strong>`,
            `${formatCount(l.openLinks)} open blocking ${l.openLinks === 1 ? "link" : "links"}`,
            `median age ${formatDays(l.medianDays)} · oldest ${formatDays(l.oldestDays)}`,
            `Σ ${formatDays(l.totalDays)} blocking`,
            "Click to list the blocking items",
          ].join("<br/>");
        }
        const t = byId.get(name.slice(NODE_PREFIX.length));
        if (!t) return "";
        return [
          `<strong>${escapeHtml(t.teamName)}</strong>`,
          `blocks ${formatCount(t.blocking)} open ${t.blocking === 1 ? "item link" : "item links"} of other teams`,
          `blocked by ${formatCount(t.blocked)}`,
          `cycle time P50 ${formatDays(t.cycleP50Days)} · P85 ${formatDays(t.cycleP85Days)}${t.defaultPercentiles ? " (defaults)" : ""}`,
          "Click to show only this team's dependencies",
        ].join("<br/>");
      },
    },
    data: teams.map((t) => {
      const degree = t.blocking + t.blocked;
      const selected = chosen.includes(t.teamId);
      return {
        name: `${NODE_PREFIX}${t.teamId}`,
        symbolSize: 18 + 42 * Math.sqrt(degree / maxDegree),
        itemStyle: {
          color: colors.of(t.teamId),
          borderColor: selected ? p.text : p.surface,
          borderWidth: selected ? 3 : 1.5,
        },
      };
    }),
    links: links.map((l, i) => ({
      id: `${EDGE_PREFIX}${i}`,
      source: `${NODE_PREFIX}${l.blockerTeamId}`,
      target: `${NODE_PREFIX}${l.blockedTeamId}`,
      lineStyle: {
        width: 1.5 + 8.5 * Math.sqrt(l.openLinks / maxLinks),
        color: ageColor(ageOf(l, measure), theme),
        opacity: 0.9,
        curveness: 0.18,
      },
    })),
  };
  return {
    aria: {
      enabled: true,
      label: {
        description: `${teams.length} teams; ${links.length} blocking team pairs, arrows from the blocking team, coloured by ${measureName}.`,
      },
    },
    tooltip: {
      trigger: "item",
      backgroundColor: p.tooltipBg,
      borderColor: p.tooltipBorder,
      textStyle: { color: p.text, fontSize: 12 },
      confine: true,
    },
    series: [series],
  } as unknown as ChartOption;
}
