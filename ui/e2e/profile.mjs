// UI drawing profiler (headless Chromium, no Rust): serves the built UI (`npm run ui:build`) with
// the journey's mocked answers at the big shapes of ui/e2e/mock-big.js, then times and profiles
// the steps the real-window benchmark (tests/e2e/ui-bench.mjs) times, with the same performance
// marks (ui/src/shared/perf.ts):
//
//   node ui/e2e/profile.mjs [STEP ...] [--top N] [--runs N]
//   STEP: open | flow | flow-team | flow-range | bottlenecks | bottlenecks-team | dependencies
//   (default: all, in that order, in one page as the benchmark goes)
//
// For each step it prints the time to the page's `baton:drawn:*` mark, the IPC and chart
// measures, the longest main-thread stall (a 10 ms heartbeat, as ui-bench) and the number of SVG
// elements the charts hold; with --top N, the N functions with the most self time (CDP sampling
// profiler). Headless Chromium is not WebKitGTK: use it for relative gains, and the real window
// (`ui-bench`) for the figures.
import { readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = fileURLToPath(new URL(".", import.meta.url));
const dist = resolve(here, "../dist");
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(argv[i + 1]);
  argv.splice(i, 2);
  return value;
};
const answersAt = (() => {
  const i = argv.indexOf("--answers");
  if (i < 0) return null;
  const file = argv[i + 1];
  argv.splice(i, 2);
  return file;
})();
const top = opt("top", 0);
const runs = opt("runs", 1);
const ALL = ["open", "flow", "flow-team", "flow-range", "bottlenecks", "bottlenecks-team", "dependencies"];
const steps = argv.length ? argv : ALL;

const recordedText = readFileSync(join(here, "recorded", "answers.json"), "utf8");
const backendSource = readFileSync(join(here, "mock-backend.js"), "utf8");
const bigSource = readFileSync(join(here, "mock-big.js"), "utf8");
const mocksPath = fileURLToPath(import.meta.resolve("@tauri-apps/api/mocks"));
const mocksSource = readFileSync(mocksPath, "utf8").replace(/^export\s*\{[^}]*\};?\s*$/m, "");
const initScript = `globalThis.__batonBigItems = 200000; globalThis.__batonBigGraph = true;
${bigSource}
globalThis.__batonRecorded = ${recordedText};
${answersAt ? `(${overrideAnswers})(${readFileSync(answersAt, "utf8")});` : ""}
${backendSource}
(() => {
${mocksSource}
  mockIPC((cmd, args) => globalThis.__batonMock.handle(cmd, args), { shouldMockEvents: true });
})();
Object.freeze(Object.prototype);`;

/**
 * Answers captured from a real workspace (--answers FILE: JSON, command name → answer, e.g. the
 * `report` of \`baton deps FILE --json\`), given for any arguments. Each call nudges every
 * number by the call's count so a filter change is a new answer throughout, as it would be,
 * instead of one React Query keeps as equal.
 */
function overrideAnswers(answers) {
  let calls = 0;
  const nudge = (v, k) =>
    Array.isArray(v)
      ? v.map((x) => nudge(x, k))
      : v && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([key, x]) => [key, nudge(x, k)]))
        : typeof v === "number" && !Number.isInteger(v)
          ? v * (1 + k * 1e-3)
          : v;
  globalThis.__batonMockBig = globalThis.__batonMockBig ?? {};
  for (const [cmd, answer] of Object.entries(answers)) {
    globalThis.__batonMockBig[cmd] = () => {
      calls += 1;
      return nudge(answer, calls);
    };
  }
}

const TYPES = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
};
const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  let file = join(dist, normalize(decodeURIComponent(url.pathname)));
  try {
    if (statSync(file).isDirectory()) file = join(file, "index.html");
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});

async function oneRun() {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on("pageerror", (e) => console.log("pageerror", e.message));
  await page.addInitScript({ content: initScript });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  const waitMark = async (name, after) => {
    try {
      const handle = await page.waitForFunction(
        ([n, a]) => performance.getEntriesByName(n).find((e) => e.startTime > a)?.startTime ?? false,
        [name, after],
        { timeout: 30_000, polling: 5 },
      );
      return handle.jsonValue();
    } catch (e) {
      const seen = await page.evaluate(() => performance.getEntriesByType("mark").map((m) => m.name));
      const text = await page.evaluate(() =>
        (document.querySelector("[data-testid^=view-]") ?? document.body).textContent.slice(-800),
      );
      throw new Error(`no ${name} mark (marks: ${seen.join(", ")}); page: ${text}`, { cause: e });
    }
  };
  const startStall = () =>
    page.evaluate(() => {
      const w = window;
      clearInterval(w.__beat);
      w.__stall = 0;
      let last = performance.now();
      w.__beat = setInterval(() => {
        const t = performance.now();
        w.__stall = Math.max(w.__stall, t - last);
        last = t;
      }, 10);
    });
  const pick = async (testId, index) => {
    await page.locator(`[data-testid="${testId}"]`).click();
    await page.locator(`[data-testid="${testId}-option"]`).nth(index).waitFor();
    return page.locator(`[data-testid="${testId}-option"]`).nth(index);
  };
  /** Clicks inside the page and returns the page time just before (no driver round trip counted). */
  const clickNow = (locator) =>
    locator.evaluate((el) => {
      const t = performance.now();
      el.click();
      return t;
    });
  const nav = (view) => clickNow(page.locator(`[data-testid="nav-${view}"]`));

  /** Each step: prepare (not timed), act (timed from its start), the mark that ends it. */
  const STEPS = {
    open: { act: async () => page.goto(`${base}#/`), end: "baton:drawn:overview", fromZero: true },
    flow: { act: () => nav("flow"), end: "baton:drawn:flow" },
    "flow-team": {
      prepare: () => pick("flow-filter-team", 1),
      act: clickNow,
      end: "baton:drawn:flow",
      after: () => page.keyboard.press("Escape"),
    },
    "flow-range": {
      prepare: async () => {
        await page.locator('[data-testid="flow-filter-range"]').click();
        return page.locator('[data-testid="flow-filter-preset-30"]');
      },
      act: clickNow,
      end: "baton:drawn:flow",
      after: () => page.keyboard.press("Escape"),
    },
    bottlenecks: { act: () => nav("bottlenecks"), end: "baton:drawn:bottlenecks" },
    "bottlenecks-team": {
      prepare: () => pick("flow-filter-team", 2),
      act: clickNow,
      end: "baton:drawn:bottlenecks",
      after: () => page.keyboard.press("Escape"),
    },
    dependencies: {
      act: () => nav("dependencies"),
      end: ["baton:drawn:dependencies", "baton:drawn:deps-graph"],
    },
  };
  const out = {};
  for (const name of steps) {
    const step = STEPS[name];
    if (!step) throw new Error(`unknown step ${name}; steps: ${ALL.join(", ")}`);
    const prepared = step.prepare ? await step.prepare() : undefined;
    if (!step.fromZero) await startStall();
    if (top) await cdp.send("Profiler.start");
    const clicked = await step.act(prepared);
    const t0 = step.fromZero ? 0 : clicked;
    const ends = [];
    for (const m of [step.end].flat()) ends.push(await waitMark(m, t0));
    const t1 = Math.max(...ends);
    const info = await page.evaluate((a) => {
      const entries = performance
        .getEntries()
        .filter((e) => e.startTime >= a && (e.entryType === "mark" || e.entryType === "measure"))
        .map(
          (e) =>
            `${e.name.replace("baton:", "")} @${Math.round(e.startTime - a)}${e.duration ? `+${Math.round(e.duration)}` : ""}`,
        );
      const loaded = performance
        .getEntriesByType("resource")
        .filter((e) => e.startTime >= a && /\.(js|css)$/.test(e.name))
        .map((e) => `${e.name.split("/").pop()} @${Math.round(e.startTime - a)}+${Math.round(e.duration)}`);
      return {
        entries: loaded.length ? [...entries, `loaded: ${loaded.join(", ")}`] : entries,
        stall: window.__stall ?? 0,
        svg: document.querySelectorAll(".echart svg *").length,
        dom: document.querySelectorAll("*").length,
      };
    }, t0);
    out[name] = t1 - t0;
    console.log(
      `${name}: ${Math.round(t1 - t0)} ms; stall ${Math.round(info.stall)} ms; ${info.svg} chart SVG elements, ${info.dom} elements in all`,
    );
    console.log(`  ${info.entries.join(", ")}`);
    if (top) {
      const { profile } = await cdp.send("Profiler.stop");
      const self = new Map();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      profile.samples.forEach((id, i) => {
        const f = byId.get(id).callFrame;
        const k = `${f.functionName || "(anon)"} ${f.url.split("/").pop()}:${f.lineNumber}:${f.columnNumber}`;
        self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0));
      });
      for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
        console.log(`  ${(v / 1000).toFixed(1).padStart(8)} ms  ${k}`);
    }
    if (step.after) await step.after();
    await page.waitForTimeout(400);
  }
  await page.close();
  return out;
}

const all = [];
for (let r = 0; r < runs; r++) all.push(await oneRun());
if (runs > 1) {
  console.log("medians:");
  for (const name of steps) {
    const v = all.map((o) => o[name]).sort((a, b) => a - b);
    console.log(`  ${name.padEnd(18)} ${Math.round(v[Math.floor(v.length / 2)])} ms`);
  }
}
await browser.close();
server.close();
