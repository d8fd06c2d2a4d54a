//! The item graph card: the open blocking graph (or one item's neighbourhood) drawn with
//! Cytoscape.js and ELK, the critical path highlighted in it and listed beside it.

import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import type { FlowState, GraphView, Target, TeamNode } from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { fileStem, saveCsv, saveImage, toCsv } from "../shared/csv";
import { formatCount } from "../shared/format";
import { Icon } from "../shared/Icon";
import { whenIdleLater } from "../shared/idleWork";
import { Menu } from "../shared/Menu";
import { mark } from "../shared/perf";
import { EmptyState, ErrorState } from "../shared/states";
import { chartPalette, type ResolvedTheme, useResolvedTheme } from "../shared/theme";
import { FLOW_STATE_LABELS } from "../workgraph/vocabulary";
import { CriticalPathPanel } from "./CriticalPathPanel";
import { graphRows } from "./csvData";
import { importUnderFrozenPrototype } from "./frozenPrototype";
import type * as GraphCanvasModule from "./graphCanvas";
import type { CanvasColors, DrawTiming, GraphCanvas } from "./graphCanvas";
import { toCanvasData } from "./graphData";
import { ItemSearch } from "./ItemSearch";
import { prewarmLayout } from "./layout";
import { type DepsLocation, graphRequest, hasFilter, MAX_HOPS, MIN_HOPS } from "./location";
import { criticalColor, STATE_SHAPES, type TeamColors } from "./palette";

let graphCode: Promise<typeof GraphCanvasModule> | null = null;

/** The graph's drawing code (Cytoscape.js), loaded once. A failed load is tried again next time. */
function loadGraphCode(): Promise<typeof GraphCanvasModule> {
  graphCode ??= importUnderFrozenPrototype(() => import("./graphCanvas")).catch((err: unknown) => {
    graphCode = null;
    throw err;
  });
  return graphCode;
}

/**
 * Loads the graph's code and starts its layout worker ahead of a visit to Dependencies (called
 * when the first page has settled and the window is idle), so the page does not wait for them.
 */
export function preloadItemGraph(): void {
  whenIdleLater("layout-worker", prewarmLayout);
  whenIdleLater("graph-code", () =>
    loadGraphCode().catch(() => {
      // The visit loads it again and shows the error where the graph goes.
    }),
  );
}

import { depsQueries } from "./queries";

const HEIGHT = 560;

export function canvasColors(theme: ResolvedTheme): CanvasColors {
  const p = chartPalette(theme);
  return {
    text: p.text,
    muted: p.muted,
    surface: p.surface,
    edge: theme === "dark" ? "#8a90a0" : "#7a8090",
    edgeClosed: theme === "dark" ? "#4a4e5a" : "#c5c9d3",
    critical: criticalColor(theme),
    focus: p.text,
  };
}

/** What the status line says about the drawn graph. */
export function graphStatus(view: GraphView, focused: boolean): string {
  const items = `${formatCount(view.nodes.length)} ${view.nodes.length === 1 ? "item" : "items"}`;
  const links = `${formatCount(view.edges.length)} ${view.edges.length === 1 ? "link" : "links"}`;
  if (view.truncated) {
    return `Showing ${formatCount(view.nodes.length)} of ${formatCount(view.totalNodes)} items (the most linked first) and the ${links} between them.`;
  }
  return focused ? `${items} and ${links} within reach.` : `${items} with open blocking links, ${links}.`;
}

/** The element the canvas draws in; end-to-end tests ask it where an item is drawn. */
type GraphHost = HTMLDivElement & {
  batonGraph?: { positionOf: (id: string) => { x: number; y: number } | null };
};

function ShapeIcon({ state, color }: { state: FlowState; color: string }) {
  const look = STATE_SHAPES[state];
  const fill = look.hollow ? "none" : color;
  const common = {
    fill,
    stroke: color,
    strokeWidth: look.hollow ? 2 : 1,
    strokeDasharray: look.dashed ? "2 2" : undefined,
  };
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
      {look.shape === "diamond" ? (
        <path d="M7 1 L13 7 L7 13 L1 7 Z" {...common} />
      ) : look.shape === "round-rectangle" ? (
        <rect x="1.5" y="1.5" width="11" height="11" rx="3" {...common} />
      ) : (
        <circle cx="7" cy="7" r="5.5" {...common} />
      )}
    </svg>
  );
}

function LineIcon({ dash, color, width = 1.6 }: { dash?: string; color: string; width?: number }) {
  return (
    <svg width="26" height="10" viewBox="0 0 26 10" aria-hidden="true" focusable="false">
      <line x1="1" y1="5" x2="19" y2="5" stroke={color} strokeWidth={width} strokeDasharray={dash} />
      <path d="M18 1.5 L25 5 L18 8.5 Z" fill={color} />
    </svg>
  );
}

function GraphLegend({ view, teams, colors }: { view: GraphView; teams: TeamColors; colors: CanvasColors }) {
  const shown = new Set(view.nodes.map((n) => n.teamId ?? ""));
  const states = new Set(view.nodes.map((n) => n.flowState));
  const kinds = new Set(view.edges.map((e) => e.kind));
  const muted = colors.muted;
  return (
    <div className="dep-legends" data-testid="deps-graph-legend">
      <ul className="dep-legend" aria-label="Node colour: team">
        <li className="dep-legend-title">Team</li>
        {teams.list
          .filter((t) => shown.has(t.teamId))
          .map((t) => (
            <li key={t.teamId}>
              <span className="dep-swatch" style={{ background: t.color }} aria-hidden="true" />
              {t.teamName}
            </li>
          ))}
      </ul>
      <ul className="dep-legend" aria-label="Node shape: flow state">
        <li className="dep-legend-title">State</li>
        {(Object.keys(STATE_SHAPES) as FlowState[])
          .filter((s) => states.has(s))
          .map((s) => (
            <li key={s}>
              <ShapeIcon state={s} color={muted} />
              {FLOW_STATE_LABELS[s]}
            </li>
          ))}
      </ul>
      <ul className="dep-legend" aria-label="Lines: link kinds">
        <li className="dep-legend-title">Links</li>
        <li>
          <LineIcon color={colors.edge} />
          blocks
        </li>
        {kinds.has("parent") ? (
          <li>
            <LineIcon color={colors.edge} dash="4 3" />
            parent of
          </li>
        ) : null}
        {kinds.has("implements") ? (
          <li>
            <LineIcon color={colors.edge} dash="1.5 2.5" width={2} />
            implements
          </li>
        ) : null}
        {view.edges.some((e) => !e.open) ? (
          <li>
            <LineIcon color={colors.edgeClosed} />
            closed
          </li>
        ) : null}
        <li>
          <LineIcon color={colors.critical} width={3} />
          critical path
        </li>
      </ul>
    </div>
  );
}

function ExportMenu({ onPng, onCsv }: { onPng: (() => void) | null; onCsv: (() => void) | null }) {
  return (
    <Menu
      align="end"
      testId="deps-graph-export"
      triggerClassName="btn btn-small btn-ghost"
      triggerLabel="Export “Item graph”"
      label="Export Item graph"
      trigger={
        <>
          Export <Icon name="chevron-down" size={12} />
        </>
      }
      actions={[
        {
          label: "Image (PNG)",
          disabled: !onPng,
          testId: "deps-graph-export-png",
          onSelect: () => onPng?.(),
        },
        {
          label: "Links (CSV)",
          disabled: !onCsv,
          testId: "deps-graph-export-csv",
          onSelect: () => onCsv?.(),
        },
      ]}
    />
  );
}

/** A structural fingerprint: the layout is reused while the items and links stay the same. */
function shapeOf(view: GraphView): string {
  const nodes = view.nodes.map((n) => n.item.id).sort();
  const edges = view.edges.map((e) => `${e.from}>${e.to}`).sort();
  return `${nodes.join(",")}|${edges.join(",")}`;
}

/**
 * The open blocking graph by team, when it is too big to read as dots: each team with its open
 * blocking links to and from other teams, largest first, and a button that expands it to its items.
 */
function ByTeam({
  view,
  teamLoads,
  onExpand,
}: {
  view: GraphView;
  teamLoads: TeamNode[];
  onExpand: (teamId: string) => void;
}) {
  const rows = teamLoads
    .filter((t) => t.blocking + t.blocked > 0)
    .sort(
      (a, b) => b.blocking + b.blocked - (a.blocking + a.blocked) || a.teamName.localeCompare(b.teamName),
    );
  return (
    <div className="graph-by-team" data-testid="deps-graph-by-team">
      <p className="strong">
        {formatCount(view.totalNodes)} items have open blocking links: too many to read as one picture.
      </p>
      <p className="muted small">
        The team map above shows them by team. Choose a team to see its items and what they wait on, or focus
        on one item with the search above.
      </p>
      <ul className="graph-team-list">
        {rows.map((t) => (
          <li key={t.teamId || "none"}>
            <button
              type="button"
              className="btn btn-small"
              data-testid="deps-graph-expand-team"
              data-team={t.teamId}
              onClick={() => onExpand(t.teamId)}
            >
              {t.teamName}
            </button>{" "}
            <span className="muted small">
              blocks {formatCount(t.blocking)} · blocked by {formatCount(t.blocked)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ItemGraph({
  loc,
  change,
  teams,
  teamLoads = [],
  onOpen,
}: {
  loc: DepsLocation;
  change: (patch: Partial<DepsLocation>) => void;
  teams: TeamColors;
  /** Each team's open blocking links (the report's team map), for the by-team view. */
  teamLoads?: TeamNode[];
  onOpen: (id: string) => void;
}) {
  const theme = useResolvedTheme();
  const colors = useMemo(() => canvasColors(theme), [theme]);
  const graph = useQuery(depsQueries.graph(graphRequest(loc)));
  const view = graph.data;
  const hostRef = useRef<GraphHost>(null);
  const canvasRef = useRef<GraphCanvas | null>(null);
  // The mouse wheel scrolls the page; once the graph has the focus (a click or Tab), it zooms.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const grab = () => host.focus({ preventScroll: true });
    const on = () => canvasRef.current?.setWheelZoom(true);
    const off = () => canvasRef.current?.setWheelZoom(false);
    host.addEventListener("pointerdown", grab);
    host.addEventListener("focus", on);
    host.addEventListener("blur", off);
    return () => {
      host.removeEventListener("pointerdown", grab);
      host.removeEventListener("focus", on);
      host.removeEventListener("blur", off);
    };
  }, []);
  const onOpenRef = useRef(onOpen);
  onOpenRef.current = onOpen;
  const [canvasReady, setCanvasReady] = useState(false);
  const [canvasError, setCanvasError] = useState<Error | null>(null);
  const [drawing, setDrawing] = useState(false);
  const [timing, setTiming] = useState<DrawTiming | null>(null);
  const drawnShape = useRef<string | null>(null);
  const colorsRef = useRef(colors);
  colorsRef.current = colors;
  const placeholderRef = useRef(graph.isPlaceholderData);
  placeholderRef.current = graph.isPlaceholderData;

  // The whole graph is shown by team (not drawn as dots) until a team, intent or item is chosen.
  const byTeam = Boolean(view?.truncated) && loc.focus === null && !hasFilter(loc.filter);
  // The canvas is made the first time there are dots to draw, then kept; colours and data follow
  // in the effects below. Shown by team (the whole graph of a large workspace, the page's first
  // visit), the card draws nothing on a canvas and makes none: Cytoscape's canvases are layers of
  // their own that WebKitGTK composites, at a cost in every frame of the page.
  const [wantCanvas, setWantCanvas] = useState(false);
  if (!wantCanvas && view && !byTeam) setWantCanvas(true);

  useEffect(() => {
    prewarmLayout();
  }, []);

  useEffect(() => {
    if (!wantCanvas) return;
    let dead = false;
    loadGraphCode()
      .then((m) => {
        const host = hostRef.current;
        if (dead || !host) return;
        const canvas = new m.GraphCanvas(host, colorsRef.current, {
          onOpen: (id) => onOpenRef.current(id),
        });
        canvasRef.current = canvas;
        host.batonGraph = { positionOf: (id) => canvas.renderedPositionOf(id) };
        setCanvasReady(true);
      })
      .catch((err: unknown) => setCanvasError(err instanceof Error ? err : new Error(String(err))));
    const host = hostRef.current;
    const observer =
      typeof ResizeObserver === "undefined" || !host
        ? null
        : new ResizeObserver(() => canvasRef.current?.resize());
    if (host) observer?.observe(host);
    return () => {
      dead = true;
      observer?.disconnect();
      canvasRef.current?.destroy();
      canvasRef.current = null;
    };
  }, [wantCanvas]);

  useEffect(() => {
    canvasRef.current?.setColors(colors);
  }, [colors]);

  useEffect(() => {
    if (!view) return;
    if (byTeam) {
      if (!placeholderRef.current) mark("baton:drawn:deps-graph");
      return;
    }
    const canvas = canvasRef.current;
    if (!canvasReady || !canvas) return;
    const shape = shapeOf(view);
    const relayout = shape !== drawnShape.current;
    let live = true;
    setDrawing(true);
    canvas
      .draw(toCanvasData(view, teams, colors), { relayout })
      .then((t) => {
        if (!live || !t) return;
        drawnShape.current = shape;
        if (!placeholderRef.current) mark("baton:drawn:deps-graph");
        if (relayout) setTiming(t);
        setDrawing(false);
      })
      .catch((err: unknown) => {
        if (!live) return;
        setCanvasError(err instanceof Error ? err : new Error(String(err)));
        setDrawing(false);
      });
    return () => {
      live = false;
    };
  }, [canvasReady, view, teams, colors, byTeam]);

  const focusNode = view?.nodes.find((n) => n.focus) ?? null;
  const focused = loc.focus !== null;
  const criticalCount = view?.nodes.filter((n) => n.critical).length ?? 0;

  let overlay: ReactNode = null;
  if (canvasError) {
    overlay = <ErrorState compact title="Could not draw the item graph" error={canvasError} />;
  } else if (graph.isError && !view) {
    overlay = (
      <ErrorState
        compact
        title="Could not build the item graph"
        error={graph.error}
        onRetry={() => graph.refetch()}
      />
    );
  } else if (view && byTeam) {
    overlay = (
      <ByTeam
        view={view}
        teamLoads={teamLoads}
        onExpand={(teamId) => change({ filter: { ...loc.filter, teams: [teamId] } })}
      />
    );
  } else if (view && view.nodes.length === 0) {
    overlay = (
      <EmptyState compact title={focused ? "Nothing linked to this item" : "No open blocking links"}>
        {focused
          ? "The item has no blocks, parent or implements links to show."
          : "No open item blocks another open item in these filters: nothing waits on anything."}
      </EmptyState>
    );
  } else if (!view || drawing) {
    overlay = (
      <div className="graph-busy" role="status">
        <span className="spinner" aria-hidden="true" />
        <span>
          {view ? `Laying out ${formatCount(view.nodes.length)} items…` : "Building the item graph…"}
        </span>
      </div>
    );
  }

  const subtitle = focused
    ? `Every item within ${loc.hops} ${loc.hops === 1 ? "link" : "links"} of ${focusNode?.item.key ?? "the focused item"}, through blocks, parent and implements links, open or closed.`
    : hasFilter(loc.filter)
      ? "Items of the chosen teams or intents with open blocking links, arrows from the blocker to the item it blocks; links to items outside the filter are not drawn (the lists and the matrix have them)."
      : "Items with open blocking links, arrows from the blocker to the item it blocks. Hover for details, click an item to open it.";

  return (
    <section
      className="card chart-card chart-wide dep-graph-card"
      aria-labelledby="deps-graph-title"
      data-testid="deps-graph"
    >
      <header className="card-header">
        <div className="card-heading">
          <h2 className="card-title" id="deps-graph-title">
            Item graph
          </h2>
          <p className="card-subtitle">{subtitle}</p>
        </div>
        <div className="card-tools">
          <MetricInfo id="deps-dependencies" label="Item graph" text="How is this computed?" />
          <ExportMenu
            onPng={
              canvasReady && view?.nodes.length
                ? () => {
                    const url = canvasRef.current?.png(colors.surface);
                    if (url) void saveImage(url, `${fileStem("Item graph")}.png`);
                  }
                : null
            }
            onCsv={
              view ? () => void saveCsv(toCsv(graphRows(view)), `${fileStem("Item graph links")}.csv`) : null
            }
          />
        </div>
      </header>
      <div className="graph-controls">
        {focused ? (
          <>
            <span className="graph-mode" data-testid="deps-graph-mode">
              Around <span className="mono strong">{focusNode?.item.key ?? loc.focus}</span>
            </span>
            <label className="graph-hops">
              <span>Reach</span>
              <input
                type="range"
                min={MIN_HOPS}
                max={MAX_HOPS}
                step={1}
                value={loc.hops}
                onChange={(e) => change({ hops: Number(e.target.value) })}
                data-testid="deps-graph-hops"
                aria-valuetext={`${loc.hops} ${loc.hops === 1 ? "link" : "links"}`}
              />
              <output className="mono">
                {loc.hops} {loc.hops === 1 ? "link" : "links"}
              </output>
            </label>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => change({ focus: null })}
              data-testid="deps-graph-unfocus"
            >
              Show all open blocking links
            </button>
          </>
        ) : (
          <span className="graph-mode" data-testid="deps-graph-mode">
            Open blocking graph
          </span>
        )}
        <ItemSearch
          label="Focus the graph on an item"
          placeholder="Focus on an item: key or title…"
          testId="deps-graph-search"
          onPick={(row) => change({ focus: row.id })}
        />
      </div>
      <div className="graph-body">
        <div className="graph-stage">
          <p className="muted small graph-status" data-testid="deps-graph-status" aria-live="polite">
            {view
              ? byTeam
                ? `${formatCount(view.totalNodes)} items with open blocking links, shown by team.`
                : graphStatus(view, focused)
              : " "}
            {timing?.engine === "fallback" ? (
              <span className="graph-timing">
                {" "}
                Drawn in a simpler layout: the usual one could not run here.
              </span>
            ) : null}
          </p>
          <div className="graph-frame" style={{ height: HEIGHT }}>
            <div
              ref={hostRef}
              className="graph-canvas"
              role="img"
              // biome-ignore lint/a11y/noNoninteractiveTabindex: focusing the graph hands it the mouse wheel
              tabIndex={0}
              title="Click the graph to zoom it with the mouse wheel"
              aria-label={
                view
                  ? `Item graph: ${graphStatus(view, focused)}${criticalCount ? ` ${criticalCount} items on the critical path are highlighted.` : ""} The lists below give the same items.`
                  : "Item graph, loading"
              }
              data-testid="deps-graph-canvas"
              data-state={view && !drawing && (byTeam || canvasReady) ? "ready" : "busy"}
              data-nodes={view?.nodes.length ?? 0}
              data-edges={view?.edges.length ?? 0}
              data-critical={criticalCount}
              data-layout-ms={timing ? Math.round(timing.layoutMs) : undefined}
              data-render-ms={timing ? Math.round(timing.renderMs) : undefined}
              data-engine={timing?.engine}
            />
            {overlay ? <div className="graph-overlay">{overlay}</div> : null}
            {/* Shown by team, no dots are drawn: nothing to zoom. */}
            <div className="graph-zoom" hidden={byTeam}>
              <button
                type="button"
                className="icon-btn"
                aria-label="Zoom in"
                title="Zoom in"
                onClick={() => canvasRef.current?.zoomBy(1.4)}
              >
                <Icon name="plus" size={14} />
              </button>
              <button
                type="button"
                className="icon-btn"
                aria-label="Zoom out"
                title="Zoom out"
                onClick={() => canvasRef.current?.zoomBy(1 / 1.4)}
              >
                <span aria-hidden="true" className="graph-zoom-minus">
                  −
                </span>
              </button>
              <button
                type="button"
                className="icon-btn"
                aria-label="Fit the graph"
                title="Fit the graph"
                onClick={() => canvasRef.current?.fit()}
              >
                <span aria-hidden="true">⤢</span>
              </button>
            </div>
          </div>
          {view?.nodes.length ? <GraphLegend view={view} teams={teams} colors={colors} /> : null}
        </div>
        <CriticalPathPanel
          target={loc.target}
          focus={focusNode ? { id: focusNode.item.id, key: focusNode.item.key } : null}
          onTarget={(target: Target | null) => change({ target })}
          onOpen={onOpen}
        />
      </div>
    </section>
  );
}
