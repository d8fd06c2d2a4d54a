//! The item graph's drawing surface: one Cytoscape.js canvas, fed in one batch per data change
//! and laid out once by ELK (in a worker; on the main thread through cytoscape-elk if the worker
//! cannot run). No React component per node: hover text is one element, written as text.
//!
//! Loaded on demand (dynamic import), so Cytoscape and ELK stay out of the app's first script.

import cytoscape, {
  type Core,
  type ElementDefinition,
  type EventObject,
  type StylesheetJson,
} from "cytoscape";
import type { FlowState, LinkKind } from "../lib/ipc";
import { CHART_FONT } from "../shared/chartStyle";
import { ELK_OPTIONS, elkGraph, fallbackLayout, layoutInWorker, type Point } from "./layout";
import { STATE_SHAPES } from "./palette";

export type CanvasNode = {
  id: string;
  label: string;
  /** Lines of the hover text (plain text). */
  tooltip: string[];
  color: string;
  flowState: FlowState;
  focus: boolean;
  critical: boolean;
};

export type CanvasEdge = {
  id: string;
  from: string;
  to: string;
  kind: LinkKind;
  open: boolean;
  critical: boolean;
  color: string;
  tooltip: string[];
};

export type CanvasData = { nodes: CanvasNode[]; edges: CanvasEdge[]; dimOthers: boolean };

export type CanvasColors = {
  text: string;
  muted: string;
  surface: string;
  edge: string;
  edgeClosed: string;
  critical: string;
  focus: string;
};

export type DrawTiming = {
  /** Milliseconds ELK took (worker round trip included). */
  layoutMs: number;
  /** Milliseconds from having positions to the first frame drawn with them. */
  renderMs: number;
  /**
   * Who placed the items: ELK in its worker (the normal case), ELK on the main thread, Baton's
   * plain layered layout (when ELK cannot run), or nobody (the positions were kept, or no items).
   */
  engine: "worker" | "main-thread" | "fallback" | "kept" | "none";
};

/** Labels are not drawn once they would be smaller than this on screen (pixels). */
const MIN_LABEL_PX = 7;
/** Above this many edges, edges are straight (cheaper than curves) and hidden while panning. */
const MANY_EDGES = 600;

function style(c: CanvasColors, manyEdges: boolean): StylesheetJson {
  return [
    {
      selector: "node",
      style: {
        width: 20,
        height: 20,
        shape: "data(shape)" as never,
        "background-color": "data(color)",
        "border-width": 1,
        "border-color": c.surface,
        label: "data(label)",
        "font-size": 10,
        "font-family": CHART_FONT,
        color: c.text,
        "text-valign": "bottom",
        "text-halign": "center",
        "text-margin-y": 3,
        "min-zoomed-font-size": MIN_LABEL_PX,
        "text-wrap": "none",
        "overlay-opacity": 0,
      },
    },
    {
      selector: "node.hollow",
      style: { "background-color": c.surface, "border-width": 2.5, "border-color": "data(color)" },
    },
    { selector: "node.dashed", style: { "border-style": "dashed" } },
    {
      selector: "node.critical",
      style: { "border-width": 4, "border-color": c.critical, width: 24, height: 24, "z-index": 10 },
    },
    {
      selector: "node.focus",
      style: {
        "border-width": 4,
        "border-color": c.focus,
        width: 30,
        height: 30,
        "font-weight": "bold",
        "z-index": 11,
      },
    },
    {
      selector: "node.hover",
      style: { "overlay-opacity": 0.12, "overlay-color": c.text, "overlay-padding": 4 },
    },
    {
      selector: "edge",
      style: {
        width: 1.4,
        "line-color": "data(color)",
        "target-arrow-color": "data(color)",
        "target-arrow-shape": "triangle",
        "arrow-scale": 0.8,
        "curve-style": manyEdges ? "straight" : "bezier",
        "overlay-opacity": 0,
      },
    },
    { selector: 'edge[kind = "parent"]', style: { "line-style": "dashed" } },
    { selector: 'edge[kind = "implements"]', style: { "line-style": "dotted", width: 1.8 } },
    {
      selector: "edge.closed",
      style: { "line-color": c.edgeClosed, "target-arrow-color": c.edgeClosed, opacity: 0.55 },
    },
    {
      selector: "edge.critical",
      style: {
        width: 3.5,
        "line-color": c.critical,
        "target-arrow-color": c.critical,
        opacity: 1,
        "z-index": 10,
      },
    },
    { selector: ".dim", style: { opacity: 0.18 } },
    { selector: "edge.hover", style: { width: 3 } },
  ];
}

function elements(data: CanvasData, positions: Map<string, Point> | null): ElementDefinition[] {
  const out: ElementDefinition[] = [];
  const anyCritical = data.dimOthers && data.nodes.some((n) => n.critical);
  for (const n of data.nodes) {
    const look = STATE_SHAPES[n.flowState];
    const classes = [
      look.hollow ? "hollow" : "",
      look.dashed ? "dashed" : "",
      n.critical ? "critical" : "",
      n.focus ? "focus" : "",
      anyCritical && !n.critical && !n.focus ? "dim" : "",
    ]
      .filter(Boolean)
      .join(" ");
    const position = positions?.get(n.id);
    out.push({
      group: "nodes",
      data: { id: n.id, label: n.label, color: n.color, shape: look.shape },
      classes,
      ...(position ? { position: { x: position.x, y: position.y } } : {}),
    });
  }
  for (const e of data.edges) {
    const classes = [
      e.open ? "" : "closed",
      e.critical ? "critical" : "",
      anyCritical && !e.critical ? "dim" : "",
    ]
      .filter(Boolean)
      .join(" ");
    out.push({
      group: "edges",
      data: { id: e.id, source: e.from, target: e.to, kind: e.kind, color: e.color },
      classes,
    });
  }
  return out;
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

let mainThreadElk: Promise<void> | null = null;

/** Registers cytoscape-elk (ELK on the main thread) the first time the worker cannot be used. */
function loadMainThreadElk(): Promise<void> {
  mainThreadElk ??= import("cytoscape-elk").then((m) => {
    cytoscape.use(m.default);
  });
  return mainThreadElk;
}

export type CanvasHandlers = {
  onOpen: (id: string) => void;
};

export class GraphCanvas {
  private readonly cy: Core;
  private readonly tip: HTMLDivElement;
  private readonly handlers: CanvasHandlers;
  private colors: CanvasColors;
  private tooltips = new Map<string, string[]>();
  private generation = 0;
  private manyEdges = false;

  constructor(container: HTMLElement, colors: CanvasColors, handlers: CanvasHandlers) {
    this.colors = colors;
    this.handlers = handlers;
    this.cy = cytoscape({
      container,
      style: style(colors, false),
      layout: { name: "preset" },
      minZoom: 0.03,
      maxZoom: 4,
      // The mouse wheel scrolls the page until the graph has the focus (see `setWheelZoom`).
      userZoomingEnabled: false,
      boxSelectionEnabled: false,
      selectionType: "single",
      autoungrabify: true,
      autounselectify: true,
      textureOnViewport: true,
      motionBlur: false,
    });
    this.tip = document.createElement("div");
    this.tip.className = "graph-tip";
    this.tip.setAttribute("role", "tooltip");
    this.tip.hidden = true;
    container.parentElement?.appendChild(this.tip);

    this.cy.on("tap", "node", (event: EventObject) => this.handlers.onOpen(event.target.id()));
    this.cy.on("mouseover", "node, edge", (event: EventObject) => {
      event.target.addClass("hover");
      this.showTip(event);
    });
    this.cy.on("mouseout", "node, edge", (event: EventObject) => {
      event.target.removeClass("hover");
      this.tip.hidden = true;
    });
    this.cy.on("viewport", () => {
      this.tip.hidden = true;
    });
  }

  private showTip(event: EventObject) {
    const lines = this.tooltips.get(event.target.id());
    const at = event.renderedPosition;
    if (!lines || !at) return;
    this.tip.replaceChildren(
      ...lines.map((line, i) => {
        const p = document.createElement(i === 0 ? "strong" : "span");
        p.textContent = line;
        return p;
      }),
    );
    this.tip.style.left = `${Math.round(at.x + 14)}px`;
    this.tip.style.top = `${Math.round(at.y + 14)}px`;
    this.tip.hidden = false;
  }

  setColors(colors: CanvasColors) {
    this.colors = colors;
    this.cy.style(style(colors, this.manyEdges));
  }

  /** Width ÷ height of the drawing area, for packing the graph's groups into it. */
  private aspect(): number {
    this.cy.resize();
    const aspect = this.cy.width() / Math.max(1, this.cy.height());
    return Number.isFinite(aspect) && aspect > 0 ? Math.min(3, Math.max(0.5, aspect)) : 1.8;
  }

  /**
   * Replaces the graph: lays it out once, adds every element in one batch, fits it. With
   * `relayout: false` (same items and links, new colours or highlights) the positions and the
   * viewport stay as they are.
   */
  async draw(data: CanvasData, options: { relayout?: boolean } = {}): Promise<DrawTiming | null> {
    const generation = ++this.generation;
    const started = performance.now();
    const keep = options.relayout === false && this.cy.nodes().length === data.nodes.length;
    let positions: Map<string, Point> | null;
    if (keep) {
      positions = new Map();
      for (const n of this.cy.nodes()) positions.set(n.id(), { ...n.position() });
    } else if (data.nodes.length === 0) {
      positions = new Map();
    } else {
      positions = await layoutInWorker(
        elkGraph(
          data.nodes.map((n) => n.id),
          data.edges,
          this.aspect(),
        ),
      );
    }
    // A newer draw started while this one waited for its layout: let it win.
    if (generation !== this.generation) return null;
    let engine: DrawTiming["engine"] = keep ? "kept" : data.nodes.length === 0 ? "none" : "worker";
    let layoutMs = keep ? 0 : performance.now() - started;

    const drawStarted = performance.now();
    this.tooltips = new Map();
    for (const n of data.nodes) this.tooltips.set(n.id, n.tooltip);
    for (const e of data.edges) this.tooltips.set(e.id, e.tooltip);
    const many = data.edges.length > MANY_EDGES;
    if (many !== this.manyEdges) {
      this.manyEdges = many;
      this.cy.style(style(this.colors, many));
    }
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(elements(data, positions));
    });
    if (!positions && data.nodes.length > 0) {
      const mainStarted = performance.now();
      engine = await this.layoutOnMainThread(data, this.aspect());
      layoutMs += performance.now() - mainStarted;
    }
    if (!keep) {
      this.cy.resize();
      this.cy.fit(undefined, 24);
      // A handful of items would be blown up to fill the card: keep them at a readable size.
      if (this.cy.zoom() > 1.4) {
        this.cy.zoom(1.4);
        this.cy.center();
      }
    }
    await nextFrame();
    await nextFrame();
    return { layoutMs, renderMs: performance.now() - drawStarted, engine };
  }

  /**
   * Without the worker: ELK on this thread when it can run here, else Baton's plain layered
   * layout. The elements are already in the graph (at the origin).
   */
  private async layoutOnMainThread(data: CanvasData, aspect: number): Promise<DrawTiming["engine"]> {
    // ELK's compiled code assigns over Object.prototype's names (toString): where the app freezes
    // them (Tauri's freezePrototype) it cannot run outside its worker.
    if (!Object.isFrozen(Object.prototype)) {
      try {
        await loadMainThreadElk();
        await new Promise<void>((resolve) => {
          const layout = this.cy.layout({
            name: "elk",
            nodeDimensionsIncludeLabels: true,
            fit: false,
            elk: { ...ELK_OPTIONS, "elk.aspectRatio": aspect.toFixed(2) },
          } as cytoscape.LayoutOptions);
          layout.one("layoutstop", () => resolve());
          layout.run();
        });
        return "main-thread";
      } catch {
        // Fall through to the plain layout.
      }
    }
    const at = fallbackLayout(
      data.nodes.map((n) => n.id),
      data.edges,
      aspect,
    );
    this.cy.batch(() => {
      for (const node of this.cy.nodes()) {
        const p = at.get(node.id());
        if (p) node.position(p);
      }
    });
    return "fallback";
  }

  fit() {
    this.cy.resize();
    this.cy.fit(undefined, 24);
  }

  /** Whether the mouse wheel zooms the graph (when it has the focus) or scrolls the page. */
  setWheelZoom(on: boolean) {
    this.cy.userZoomingEnabled(on);
  }

  zoomBy(factor: number) {
    const w = this.cy.width();
    const h = this.cy.height();
    this.cy.zoom({ level: this.cy.zoom() * factor, renderedPosition: { x: w / 2, y: h / 2 } });
  }

  /** Centres the view on an item (its rendered position, for tests that click it). */
  renderedPositionOf(id: string): Point | null {
    const node = this.cy.getElementById(id);
    if (node.empty()) return null;
    const p = node.renderedPosition();
    return { x: p.x, y: p.y };
  }

  png(background: string): string {
    return this.cy.png({ full: true, bg: background, scale: 2, maxWidth: 6000, maxHeight: 6000 });
  }

  resize() {
    this.cy.resize();
  }

  destroy() {
    this.generation++;
    this.tip.remove();
    this.cy.destroy();
  }
}
