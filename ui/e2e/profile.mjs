// UI drawing profiler (no Rust): serves the built UI (`npm run ui:build`) with the journey's
// mocked answers at the big shapes of ui/e2e/mock-big.js, then times the steps the real-window
// benchmark (tests/e2e/ui-bench.mjs) times, with the same performance marks (ui/src/shared/perf.ts):
//
//   node ui/e2e/profile.mjs [STEP ...] [--runs N] [--top N] [--webkit] [--answers FILE]
//   STEP: open | flow | flow-team | flow-range | bottlenecks | bottlenecks-team | dependencies
//   (default: all, in that order, in one page as the benchmark goes)
//
// For each step: the time to the page's `baton:drawn:*` mark, the IPC and chart measures and the
// longest main-thread stall (a 10 ms heartbeat, as ui-bench). In headless Chromium (default) also
// the main-thread CPU (script, layout, style), the DOM changes and the charts' SVG elements
// (PER_CHART=1: per chart), and with --top N the N functions with the most self time (CDP
// sampling profiler). With --webkit it runs in WebKitGTK's MiniBrowser (the Linux app's engine)
// under Xvfb through WebKitWebDriver, and reports the CPU time of the browser's processes.
// --answers FILE: answers captured from a real workspace (JSON, command name → answer), given for
// any arguments. Use it for relative gains; the figures of record come from `ui-bench`.
// PROFILE_SHOTS=DIR (headless Chromium): after each step a screenshot of the window and of each
// chart card, to look at.
import { readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = fileURLToPath(new URL(".", import.meta.url));
const dist = resolve(process.env.PROFILE_DIST ?? resolve(here, "../dist"));
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
const webkit = argv.includes("--webkit");
if (webkit) argv.splice(argv.indexOf("--webkit"), 1);
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
    if (webkit && file.endsWith("index.html")) {
      // WebDriver has no init scripts: the mocks go first in the page itself.
      const html = readFileSync(file, "utf8");
      const safe = initScript.replace(/<\/script/gi, "<\\/script");
      res.end(html.replace("<script", `<script>${safe}</script><script`));
      return;
    }
    res.end(readFileSync(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = webkit
  ? null
  : await chromium.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu"],
    });

/**
 * One step run inside the page (for WebKit, driven through WebDriver): opens what the step needs,
 * clicks, and waits for the marks that end it. Resolves with the figures.
 */
const IN_PAGE_STEP = `
const [name, done] = arguments;
const q = (sel) => document.querySelector(sel);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const waitFor = async (sel) => { for (let i = 0; i < 2000; i++) { const el = q(sel); if (el) return el; await sleep(10); } throw new Error("no " + sel); };
const waitMark = async (n, a) => { for (let i = 0; i < 12000; i++) { const m = performance.getEntriesByName(n).find((e) => e.startTime > a); if (m) return m.startTime; await sleep(5); } throw new Error("no mark " + n); };
const escape = () => document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
const T = (id) => '[data-testid="' + id + '"]';
const steps = {
  flow: { target: () => waitFor(T("nav-flow")), end: ["baton:drawn:flow"] },
  "flow-team": { prepare: async () => { (await waitFor(T("flow-filter-team"))).click(); await waitFor(T("flow-filter-team-option")); }, target: async () => document.querySelectorAll(T("flow-filter-team-option"))[1], end: ["baton:drawn:flow"], after: escape },
  "flow-range": { prepare: async () => { (await waitFor(T("flow-filter-range"))).click(); }, target: () => waitFor(T("flow-filter-preset-30")), end: ["baton:drawn:flow"], after: escape },
  bottlenecks: { target: () => waitFor(T("nav-bottlenecks")), end: ["baton:drawn:bottlenecks"] },
  "bottlenecks-team": { prepare: async () => { (await waitFor(T("flow-filter-team"))).click(); await waitFor(T("flow-filter-team-option")); }, target: async () => document.querySelectorAll(T("flow-filter-team-option"))[2], end: ["baton:drawn:bottlenecks"], after: escape },
  dependencies: { target: () => waitFor(T("nav-dependencies")), end: ["baton:drawn:dependencies", "baton:drawn:deps-graph"] },
};
(async () => {
  const step = steps[name];
  if (step.prepare) await step.prepare();
  const el = await step.target();
  await sleep(50);
  let stall = 0; let last = performance.now();
  const beat = setInterval(() => { const t = performance.now(); stall = Math.max(stall, t - last); last = t; }, 10);
  const t0 = performance.now();
  el.click();
  const ends = [];
  for (const m of step.end) ends.push(await waitMark(m, t0));
  const t1 = Math.max(...ends);
  clearInterval(beat);
  const entries = performance.getEntries().filter((e) => e.startTime >= t0 && (e.entryType === "mark" || e.entryType === "measure")).map((e) => e.name.replace("baton:", "") + " @" + Math.round(e.startTime - t0) + (e.duration ? "+" + Math.round(e.duration) : ""));
  const loaded = performance.getEntriesByType("resource").filter((e) => e.startTime >= t0 && /[.](js|css)$/.test(e.name)).map((e) => e.name.split("/").pop() + " @" + Math.round(e.startTime - t0) + "+" + Math.round(e.duration));
  if (loaded.length) entries.push("loaded: " + loaded.join(", "));
  if (step.after) step.after();
  await sleep(400);
  done({ ms: t1 - t0, stall, entries });
})().catch((e) => done({ error: String(e) }));
`;

/** CPU time (ms) used so far by the processes under `root` (the browser and its web processes). */
async function treeCpu(root) {
  const { readdirSync } = await import("node:fs");
  const procs = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      procs.push({ pid: Number(d), ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]) });
    } catch {
      // Gone since the listing.
    }
  }
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs)
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
  }
  const ticks = procs.filter((p) => inTree.has(p.pid)).reduce((a, p) => a + p.cpu, 0);
  return (ticks * 1000) / 100;
}

async function webkitRun() {
  const { spawn } = await import("node:child_process");
  const { WebDriver } = await import("../../tests/e2e/webdriver.mjs");
  const display = `:${100 + Math.floor(Math.random() * 800)}`;
  const xvfb = spawn("Xvfb", [display, "-screen", "0", "1440x900x24", "-nolisten", "tcp"], {
    stdio: "ignore",
  });
  const port = 40000 + Math.floor(Math.random() * 20000);
  const wd = spawn("WebKitWebDriver", [`--port=${port}`], {
    env: { ...process.env, DISPLAY: display },
    stdio: "ignore",
  });
  const driver = new WebDriver(`http://127.0.0.1:${port}`);
  const out = {};
  try {
    await new Promise((r) => setTimeout(r, 1500));
    await driver.start({
      browserName: "MiniBrowser",
      "webkitgtk:browserOptions": {
        binary: process.env.MINIBROWSER ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
        args: ["--automation"],
      },
    });
    await driver.call("POST", driver.s("/window/rect"), { width: 1440, height: 900 }).catch(() => {});
    await driver.call("POST", driver.s("/timeouts"), { script: 180_000 });
    const launched = Date.now();
    await driver.call("POST", driver.s("/url"), { url: base });
    for (;;) {
      const t = await driver.execute(
        "const m = performance.getEntriesByName('baton:drawn:overview')[0]; return m ? m.startTime : null;",
      );
      if (t !== null) {
        out.open = t;
        console.log(`open: ${Math.round(t)} ms (page time; ${Date.now() - launched} ms from asking)`);
        const opened = await driver.execute(
          `const n = performance.getEntriesByType("navigation")[0];
           const scripts = performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".js")).map((e) => e.name.split("/").pop() + " @" + Math.round(e.startTime) + "+" + Math.round(e.duration));
           return [n ? "domInteractive @" + Math.round(n.domInteractive) + ", domContentLoaded @" + Math.round(n.domContentLoadedEventEnd) : "", ...scripts,
             ...performance.getEntries().filter((e) => e.entryType === "mark" || e.entryType === "measure").map((e) => e.name.replace("baton:", "") + " @" + Math.round(e.startTime) + (e.duration ? "+" + Math.round(e.duration) : ""))];`,
        );
        console.log(`  ${opened.join(", ")}`);
        break;
      }
      if (Date.now() - launched > 60_000) throw new Error("the Overview was never drawn");
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, 1000));
    for (const name of steps.filter((n) => n !== "open")) {
      const c0 = await treeCpu(wd.pid);
      const r = await driver.call("POST", driver.s("/execute/async"), { script: IN_PAGE_STEP, args: [name] });
      if (r.error) throw new Error(`${name}: ${r.error}`);
      cpu[name] = (await treeCpu(wd.pid)) - c0;
      out[name] = r.ms;
      console.log(
        `${name}: ${Math.round(r.ms)} ms; stall ${Math.round(r.stall)} ms; browser CPU ${cpu[name]} ms (the step with its popover and 400 ms after)`,
      );
      console.log(`  ${r.entries.join(", ")}`);
    }
  } finally {
    await driver.stop();
    wd.kill();
    xvfb.kill();
  }
  return out;
}

async function oneRun() {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on("pageerror", (e) => console.log("pageerror", e.message));
  await page.addInitScript({ content: initScript });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
  const metrics = async () =>
    Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  const watchMutations = () =>
    page.evaluate(() => {
      const w = window;
      w.__mutations = 0;
      w.__mutationWatch?.disconnect();
      w.__mutationWatch = new MutationObserver((records) => {
        for (const r of records)
          w.__mutations += r.type === "childList" ? r.addedNodes.length + r.removedNodes.length : 1;
      });
      w.__mutationWatch.observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        characterData: true,
      });
    });
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
    if (!step.fromZero) await watchMutations();
    const m0 = await metrics();
    if (top) await cdp.send("Profiler.start");
    const clicked = await step.act(prepared);
    const t0 = step.fromZero ? 0 : clicked;
    const ends = [];
    for (const m of [step.end].flat()) ends.push(await waitMark(m, t0));
    const t1 = Math.max(...ends);
    const m1 = await metrics();
    const d = (k) => Math.round((m1[k] - (m0[k] ?? 0)) * (k.endsWith("Count") ? 1 : 1000));
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
        mutations: window.__mutations ?? 0,
        svg: document.querySelectorAll(":is(.echart, .simple-chart) svg *").length,
        perChart: [...document.querySelectorAll(":is(.echart, .simple-chart)")]
          .map(
            (c) =>
              `${c.dataset.testid ?? "chart"} ${c.querySelectorAll("svg *").length}/${c.querySelectorAll("svg text").length}t/${Math.round(c.querySelector("svg")?.innerHTML.length / 1024)}KB`,
          )
          .join(", "),
        dom: document.querySelectorAll("*").length,
      };
    }, t0);
    out[name] = t1 - t0;
    cpu[name] = d("ThreadTime");
    console.log(
      `${name}: ${Math.round(t1 - t0)} ms; main-thread CPU ${d("ThreadTime")} ms (script ${d("ScriptDuration")}, layout ${d("LayoutDuration")} in ${d("LayoutCount")}, style ${d("RecalcStyleDuration")}); stall ${Math.round(info.stall)} ms; ${info.mutations} DOM changes; ${info.svg} chart SVG elements, ${info.dom} elements in all`,
    );
    console.log(`  ${info.entries.join(", ")}`);
    if (process.env.PER_CHART) console.log(`  charts (elements/texts/markup): ${info.perChart}`);
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
    if (process.env.PROFILE_SHOTS) {
      await page.screenshot({ path: join(process.env.PROFILE_SHOTS, `${name}.png`) });
      const cards = page.locator(".chart-card[data-testid]");
      for (let i = 0; i < (await cards.count()); i++) {
        const card = cards.nth(i);
        const id = await card.getAttribute("data-testid");
        await card.screenshot({ path: join(process.env.PROFILE_SHOTS, `${name}-${id}.png`) });
      }
    }
    if (step.after) await step.after();
    await page.waitForTimeout(400);
  }
  await page.close();
  return out;
}

const all = [];
const cpus = [];
let cpu = {};
for (let r = 0; r < runs; r++) {
  cpu = {};
  all.push(webkit ? await webkitRun() : await oneRun());
  cpus.push(cpu);
}
if (runs > 1) {
  const median = (list, name) => {
    const v = list.map((o) => o[name]).sort((a, b) => a - b);
    return Math.round(v[Math.floor(v.length / 2)]);
  };
  console.log("medians (wall, main-thread CPU):");
  for (const name of steps)
    console.log(`  ${name.padEnd(18)} ${median(all, name)} ms  ${median(cpus, name)} ms`);
}
await browser?.close();
server.close();
