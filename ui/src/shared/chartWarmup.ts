/**
 * A chart type's one-off costs, paid while the window is idle instead of in a page's first visit.
 *
 * The first time ECharts draws a kind of chart in a window it does work it never does again for
 * that kind: the engine compiles the code paths of the series, its layout, its components (axes,
 * a visual map, a legend, labels) and the SVG painter's elements, and sets up its text
 * measuring. In WebKitGTK that made the first draw of a chart 3–10 times its later draws: the
 * Bottlenecks page's heat map, queue lines and pull-request bars took 150–580 ms each on their
 * first visit against 30–90 ms on a filter change, and the Dependencies team map 100–470 ms.
 *
 * `warmChart` draws the page's own option builder's answer for a tiny made-up input once, on a
 * small chart that is never on screen (a detached element: no layout, no paint), then throws it
 * away: one idle piece (`idleWork`) per chart kind, so each is a short task of its own. The
 * page's first visit then draws as fast as its later ones. Nothing drawn here is ever shown.
 */
import { type ChartOption, loadEcharts } from "./EChart";
import { whenIdleLater } from "./idleWork";

const WIDTH = 480;
const HEIGHT = 240;

type EchartsCore = Awaited<ReturnType<typeof loadEcharts>>;

const warmed = new Set<string>();
let core: EchartsCore | null = null;
let loadQueued = false;

function draw(echarts: EchartsCore, option: () => ChartOption): void {
  const host = document.createElement("div");
  const chart = echarts.init(host, undefined, { renderer: "svg", width: WIDTH, height: HEIGHT });
  try {
    chart.setOption({ ...option(), animation: false }, { notMerge: true, lazyUpdate: false });
  } finally {
    chart.dispose();
  }
}

/** Draws `option()` once off screen in an idle moment (once per `name`). */
export function warmChart(name: string, option: () => ChartOption): void {
  if (warmed.has(name) || typeof document === "undefined") return;
  warmed.add(name);
  if (!loadQueued) {
    loadQueued = true;
    // ECharts loads (and its modules run) in an idle piece of its own, before the first warming.
    whenIdleLater("echarts", () =>
      loadEcharts().then((m) => {
        core = m;
      }),
    );
  }
  whenIdleLater(`warm-${name}`, () => {
    if (core) draw(core, option);
    else return loadEcharts().then((m) => draw(m, option));
  });
}
