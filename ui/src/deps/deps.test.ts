import { describe, expect, it } from "vitest";
import { cellLinks } from "./CellPanel";
import { intentTree } from "./CriticalPathPanel";
import {
  atRiskRows,
  chainRows,
  criticalRows,
  cycleRows,
  graphRows,
  handoffRows,
  matrixRows,
} from "./csvData";
import { tolerantAssign } from "./frozenPrototype";
import { toCanvasData } from "./graphData";
import { canvasColors, graphStatus } from "./ItemGraph";
import { centres, elkGraph, fallbackLayout, NODE_BOX, NODE_RADIUS } from "./layout";
import { ageBin, ageLegend, teamColors } from "./palette";
import { letterWidths } from "./TeamMap";
import { crossTeamLinks, LABELLED_ARROWS, mapHit, mapTeams, teamMapLayout } from "./teamMap";
import { cell, makeCriticalPath, makeDepsReport, makeGraph, makeIntents } from "./testing";

describe("the team map", () => {
  const report = makeDepsReport();
  const colors = teamColors(report.teams, "light");

  it("draws links between teams only; a team's own links stay in the matrix", () => {
    expect(crossTeamLinks(report).map((c) => `${c.blockerTeamId}>${c.blockedTeamId}`)).toEqual([
      "t1>t2",
      "t2>t1",
      "t1>t3",
    ]);
    expect(mapTeams(report, []).map((t) => t.teamId)).toEqual(["t1", "t2", "t3"]);
  });

  it("names nodes and links so a click says what was hit", () => {
    expect(mapHit(report, "team:t2")).toEqual({ type: "team", teamId: "t2" });
    expect(mapHit(report, "team:")).toEqual({ type: "team", teamId: "" });
    const hit = mapHit(report, "link:2");
    expect(hit?.type === "link" && hit.link.blockedTeamId).toBe("t3");
    expect(mapHit(report, "link:9")).toBeNull();
    expect(mapHit(report, "t1 > t2")).toBeNull();
  });

  it("makes arrows wider with more links and darker with age, each from its blocker to its blocked team", () => {
    const layout = teamMapLayout(report, ["t2"], "median", colors, "light", 900, 420);
    expect(layout.arrows.map((a) => a.name)).toEqual(["link:0", "link:1", "link:2"]);
    const [three, two, one] = layout.arrows;
    const node = (i: number | undefined) => layout.nodes[i ?? -1]?.team.teamId;
    expect([node(three?.from), node(three?.to)]).toEqual(["t1", "t2"]);
    expect(three?.width).toBeGreaterThan(two?.width ?? 0);
    expect(two?.width).toBeGreaterThan(one?.width ?? 0);
    // 70 days is in the oldest bin, 3 days in the youngest.
    expect(one?.color).toBe(ageLegend("light")[4]?.color);
    expect(two?.color).toBe(ageLegend("light")[0]?.color);
    expect(layout.nodes.find((n) => n.team.teamId === "t2")?.chosen).toBe(true);
    expect(layout.nodes.find((n) => n.team.teamId === "t1")?.chosen).toBe(false);
  });

  it("starts each arrow at its blocker's edge, ends its head at the blocked team's edge, and bends the two of a pair apart", () => {
    const layout = teamMapLayout(report, [], "median", colors, "light", 900, 420);
    for (const a of layout.arrows) {
      const from = layout.nodes[a.from];
      const to = layout.nodes[a.to];
      if (!from || !to) throw new Error("an arrow without its teams");
      const [sx, sy] = (a.d.match(/^M (\S+) (\S+)/) ?? []).slice(1).map(Number);
      const [tx, ty] = (a.head.match(/^M (\S+) (\S+)/) ?? []).slice(1).map(Number);
      expect(Math.hypot((sx ?? 0) - from.x, (sy ?? 0) - from.y)).toBeCloseTo(from.r + 1, 0);
      expect(Math.hypot((tx ?? 0) - to.x, (ty ?? 0) - to.y)).toBeCloseTo(to.r + 2, 0);
    }
    // t1 → t2 and t2 → t1 bend to opposite sides: their middles are apart.
    const [there, back] = layout.arrows;
    expect(
      Math.hypot((there?.labelX ?? 0) - (back?.labelX ?? 0), (there?.labelY ?? 0) - (back?.labelY ?? 0)),
    ).toBeGreaterThan(20);
  });

  it("numbers every arrow on a small map and only the widest on a busy one", () => {
    expect(
      teamMapLayout(report, [], "median", colors, "light", 900, 420).arrows.every((a) => a.labelled),
    ).toBe(true);
    const teams = Array.from({ length: 6 }, (_, i) => ({
      ...report.teams[0],
      teamId: `x${i}`,
      teamName: `Team ${i}`,
    }));
    const matrix = teams.flatMap((from, i) =>
      teams
        .filter((to) => to !== from)
        .map((to, j) =>
          cell({ blockerTeamId: from.teamId, blockedTeamId: to.teamId, openLinks: 1 + i * 5 + j }),
        ),
    );
    const busy = { ...report, teams: teams as typeof report.teams, matrix };
    const layout = teamMapLayout(busy, [], "median", teamColors(busy.teams, "light"), "light", 900, 480);
    expect(layout.arrows).toHaveLength(30);
    const numbered = layout.arrows.filter((a) => a.labelled).map((a) => a.link.openLinks);
    expect(numbered).toHaveLength(LABELLED_ARROWS);
    const widestHidden = Math.max(...layout.arrows.filter((a) => !a.labelled).map((a) => a.link.openLinks));
    expect(Math.min(...numbered)).toBeGreaterThanOrEqual(widestHidden);
  });
});

describe("colours", () => {
  it("gives teams stable colours by name, and grey to items without a team", () => {
    const a = teamColors(
      [
        { teamId: "t2", teamName: "Platform" },
        { teamId: "t1", teamName: "Payments" },
        { teamId: "", teamName: "No team" },
      ],
      "light",
    );
    const b = teamColors(
      [
        { teamId: "t1", teamName: "Payments" },
        { teamId: "t2", teamName: "Platform" },
      ],
      "light",
    );
    expect(a.of("t1")).toBe(b.of("t1"));
    expect(a.of("t1")).not.toBe(a.of("t2"));
    expect(a.of(null)).toBe(a.of(""));
    expect(a.list.map((t) => t.teamName)).toEqual(["No team", "Payments", "Platform"]);
  });

  it("bins ages: under a week, 1–2 weeks, 2–4 weeks, 1–2 months, older", () => {
    expect([0, 6.9, 7, 13, 14, 29, 30, 59, 60, 400, null].map(ageBin)).toEqual([
      0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 0,
    ]);
    expect(ageLegend("dark").map((b) => b.label)).toEqual([
      "< 7 days",
      "7–14 days",
      "14–30 days",
      "30–60 days",
      "60+ days",
    ]);
  });
});

describe("a matrix cell's links", () => {
  it("keeps the open blocking links from the blocker team to the blocked team", () => {
    const links = cellLinks(makeGraph(), cell({ blockerTeamId: "t1", blockedTeamId: "t2", openLinks: 3 }));
    expect(links.map((l) => `${l.from.item.id}>${l.to.item.id}`)).toEqual(["p1>q1", "p3>q2", "p2>q1"]);
    expect(cellLinks(makeGraph(), cell({ blockerTeamId: "t2", blockedTeamId: "t1" })).length).toBe(1);
  });
});

describe("the item graph's drawing", () => {
  it("colours items by team, keeps flags, and writes hover text as plain lines", () => {
    const report = makeDepsReport();
    const data = toCanvasData(makeGraph(), teamColors(report.teams, "light"), canvasColors("light"));
    expect(data.nodes).toHaveLength(5);
    expect(data.nodes[4]).toMatchObject({ id: "q2", label: "Q2", critical: true });
    expect(data.nodes[0]?.tooltip).toEqual(["P1", "Payments · Blocked", "5.0 days old", "Click to open"]);
    expect(data.edges[0]?.tooltip[0]).toBe("P1 blocks Q1");
    expect(data.edges[6]?.tooltip[0]).toBe("P3 is the parent of Q2");
    expect(data.edges[5]?.open).toBe(false);
  });

  it("gives ELK one box per item and each link once, and centres nodes in their boxes", () => {
    const graph = elkGraph(
      ["a", "b"],
      [
        { from: "a", to: "b" },
        { from: "a", to: "b" },
        { from: "a", to: "zz" },
      ],
      1.5,
    );
    expect(graph.children).toHaveLength(2);
    expect(graph.edges).toEqual([{ id: "e0", sources: ["a"], targets: ["b"] }]);
    expect(graph.layoutOptions?.["elk.algorithm"]).toBe("layered");
    expect(graph.layoutOptions?.["elk.aspectRatio"]).toBe("1.50");
    const at = centres(["a", "b"], [0, 0, 100, 50]);
    expect(at.get("b")).toEqual({ x: 100 + NODE_BOX.width / 2, y: 50 + NODE_RADIUS });
  });

  it("falls back to a layout by depth that ends on cycles and keeps groups apart", () => {
    const at = fallbackLayout(
      ["a", "b", "c", "x", "y", "z"],
      [
        { from: "a", to: "b" },
        { from: "b", to: "c" },
        { from: "a", to: "c" },
        { from: "x", to: "y" },
        { from: "y", to: "x" },
        { from: "z", to: "z" },
      ],
    );
    expect(at.size).toBe(6);
    const x = (id: string) => at.get(id)?.x ?? Number.NaN;
    expect(x("a")).toBeLessThan(x("b"));
    expect(x("b"), "c comes after the longest chain to it").toBeLessThan(x("c"));
    const spots = new Set([...at.values()].map((p) => `${p.x},${p.y}`));
    expect(spots.size, "no two items on the same spot").toBe(6);
  });

  it("says how much of the graph is drawn", () => {
    expect(graphStatus(makeGraph(), false)).toBe("5 items with open blocking links, 7 links.");
    expect(graphStatus(makeGraph(), true)).toBe("5 items and 7 links within reach.");
    expect(graphStatus(makeGraph({ truncated: true, totalNodes: 2600 }), false)).toMatch(
      /^Showing 5 of 2,600 items/,
    );
  });
});

describe("loading code under a frozen Object.prototype", () => {
  it("defines a method that plain assignment refuses because of an inherited read-only one", () => {
    const proto = Object.create(null) as object;
    Object.defineProperty(proto, "toString", { value: () => "frozen", writable: false });
    const target = Object.create(proto) as { toString: () => string; size?: number };
    const methods = { toString: () => "mine", size: 3 };
    expect(() => Object.assign(target, methods)).toThrow(TypeError);
    tolerantAssign(target, methods);
    expect(target.toString()).toBe("mine");
    expect(target.size).toBe(3);
    expect(Object.keys(target)).toEqual(["toString", "size"]);
  });

  it("still throws what plain assignment throws on the object itself", () => {
    const frozen = Object.freeze({ a: 1 });
    expect(() => tolerantAssign(frozen, { a: 2 })).toThrow(TypeError);
  });
});

describe("CSV of each section", () => {
  const r = makeDepsReport();
  it("has a header and one row per entry, straight from the report", () => {
    expect(matrixRows(r)[1]).toEqual(["Payments", "Platform", 3, 42, 8, 30]);
    expect(chainRows(r)[1]).toEqual([1, 3, "A1 → A2 → A3", 21.5, 3, "a1", "a3"]);
    expect(cycleRows(r)[2]).toEqual([2, 1, "S1", true, "Payments"]);
    expect(atRiskRows(r)[1]).toEqual([
      "r1",
      "R1",
      "Title of r1",
      "Platform",
      "r0",
      "R0",
      "Payments",
      2,
      40,
      12,
      true,
    ]);
    expect(handoffRows(r)[1]?.slice(0, 4)).toEqual(["h0", "H0", "Payments", "2026-02-20T10:00:00.000Z"]);
    expect(criticalRows(makeCriticalPath())).toHaveLength(3);
    expect(graphRows(makeGraph())[1]).toEqual([
      "p1",
      "P1",
      "Payments",
      "blocks",
      "q1",
      "Q1",
      "Platform",
      true,
      30,
      false,
    ]);
  });
});

describe("the intent picker", () => {
  it("lists intents depth first under their parents", () => {
    const tree = intentTree([
      ...makeIntents(),
      {
        id: "o",
        parentId: "missing",
        kind: "milestone",
        title: "Orphan",
        label: "Orphan",
        items: 1,
        itemsWithDescendants: 1,
      },
    ]);
    expect(tree.map((t) => `${t.depth}:${t.intent.id}`)).toEqual(["0:g1", "1:i1", "0:o"]);
  });
});

describe("team map labels", () => {
  it("counts a wide character as two letters, so a team's card is as wide as its name", () => {
    expect(letterWidths("Payments")).toBe(8);
    expect(letterWidths("決済チーム")).toBe(10);
    expect(letterWidths("Équipe 決済")).toBe(11);
    expect(letterWidths("")).toBe(0);
  });
});
