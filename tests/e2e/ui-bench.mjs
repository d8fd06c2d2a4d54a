// UI latency benchmark: the real Baton app (Xvfb + tauri-driver + WebKitWebDriver) on a large
// demo workspace, timed with the performance marks the UI places (ui/src/shared/perf.ts).
//
//   node tests/e2e/ui-bench.mjs [--app target/release/baton-app] [--cli target/release/baton]
//                               [--items 200000] [--runs 3] [--workspace FILE] [--json OUT]
//                               [--flow-changes N] [--cache DIR] [--frames 1]
//
// `.ci/ui-bench` builds the release app first and runs this. Each run starts the app afresh
// (empty data folders, the workspace given on its command line) and times, end to end:
//   open → Overview drawn   process start to the Overview showing its numbers with every chart
//                           finished (budget 1,500 ms);
//   Flow / Bottlenecks filter change → every chart settled: from the click on a filter to the
//                           page showing the new answer with every chart drawn (budget 300 ms).
//                           "Drawn" is the same for both kinds of chart the UI has (perf.ts):
//                           an ECharts chart (Plans, Governance) has fired `finished`
//                           for the option it was last given; a chart Baton draws itself as
//                           SVG (the Overview's, Flow's, Bottlenecks' and the Dependencies team
//                           map: SimpleCharts, PlotChart, HeatMap, TeamMap) has had
//                           the commit of its new data painted (a task queued from the next
//                           animation frame has run). The page's `baton:drawn:<page>` mark
//                           waits for every chart of either kind;
//   Dependencies ready      from the click in the navigation to the report, the team map and
//                           the item graph drawn (budget 1,000 ms);
//   longest main-thread stall while each page loads (budget 200 ms: scrolling is never blocked
//                           longer), measured by a 10 ms heartbeat timer; the notes give each
//                           step's longest, and each gap over 50 ms with the measures that ended
//                           in it (a chart's drawing task, an IPC answer, an idle piece).
// It prints each median against its budget and exits 1 when one is missed (2 when it cannot
// run). Figures go to --json (default target/ui-bench/latest.json).
//
// Unbudgeted, for comparing builds on a loaded machine (wall times grow with the load, CPU time
// much less): the CPU time (user + system, from /proc) the app's processes and, of those, the web
// process spent per Flow team-filter change, from the click to 300 ms after every chart settled;
// each step's notes give it by kind of thread (the page's main thread, Skia's painting workers,
// Mesa's llvmpipe compositing, Rust's tokio workers, …).
//   --flow-changes N   N team-filter changes per run (a new set of teams each time); the Flow
//                      filter figures are then each run's median of N
//   --cache DIR        one cache folder for every run (warm shader caches, as on a computer the
//                      app has run on before); by default each run starts cold
//   --frames 1         also count painted frames per Flow filter change (a frame loop runs, which
//                      keeps the window drawing: not for the figures of record)
import { execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { WebDriver } from "./webdriver.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const root = resolve(dirname(new URL(import.meta.url).pathname), "../..");
const app = resolve(args.app ?? join(root, "target/release/baton-app"));
const cli = resolve(args.cli ?? join(root, "target/release/baton"));
const items = Number(args.items ?? 200_000);
const runs = Number(args.runs ?? 3);
const flowChanges = Math.max(1, Number(args["flow-changes"] ?? 1));
const out = resolve(args.json ?? join(root, "target/ui-bench/latest.json"));

const BUDGETS = {
  "open → Overview drawn": 1500,
  "Flow: team filter → every chart settled": 300,
  "Flow: date range → every chart settled": 300,
  "Bottlenecks: team filter → every chart settled": 300,
  "Dependencies ready": 1000,
  "longest main-thread stall": 200,
};

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function log(message) {
  console.log(`[ui-bench] ${message}`);
}

for (const [what, file] of [
  ["app", app],
  ["cli", cli],
]) {
  if (!existsSync(file)) {
    console.error(
      `[ui-bench] the ${what} binary ${file} does not exist. Build it first:\n` +
        "  npm run ui:build && SQLX_OFFLINE=true cargo build --release -p baton -p baton-cli --features baton/custom-protocol\n" +
        "(or run .ci/ui-bench, which does both)",
    );
    process.exit(2);
  }
}
const build = app.includes("/release/") ? "release" : app.includes("/debug/") ? "debug" : "unknown";

// The workspace: the deterministic demo organisation, ending now (regenerated when older than
// 12 hours, so the default date ranges hold recent work).
const workspace = resolve(args.workspace ?? join(root, `target/ui-bench/demo-${items}.baton`));
if (!args.workspace) {
  const stale = !existsSync(workspace) || Date.now() - statSync(workspace).mtimeMs > 12 * 3600_000;
  if (stale) {
    mkdirSync(dirname(workspace), { recursive: true });
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${workspace}${suffix}`, { force: true });
    log(`generating the ${items.toLocaleString("en-US")}-item demo workspace at ${workspace}`);
    const started = Date.now();
    execFileSync(cli, ["demo", "--out", workspace, "--items", String(items)], { stdio: "inherit" });
    log(`generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

async function waitHttp(url, timeout) {
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeout} ms`);
}

function stop(child) {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      done();
    }, 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      done();
    });
    child.kill("SIGTERM");
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Removes a run's scratch home. The web process the app leaves behind can still be writing its
 * shader cache for a moment after the driver stops, so a failed removal is retried and, if it
 * still fails, reported and left: the run's figures are not lost to a cleanup.
 */
async function removeHome(home) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      rmSync(home, { recursive: true, force: true });
      return;
    } catch (err) {
      if (attempt === 4) {
        log(`could not remove ${home} (${err.code ?? err}); left for the system's cleaning`);
        return;
      }
      await sleep(1_000);
    }
  }
}

/** The page's marks and measures, with epoch times (timeOrigin + startTime). */
async function timeline(driver) {
  return driver.execute(`
    const origin = performance.timeOrigin;
    return performance.getEntries()
      .filter((e) => e.entryType === "mark" || e.entryType === "measure")
      .map((e) => ({ name: e.name, type: e.entryType, start: e.startTime, duration: e.duration, epoch: origin + e.startTime }));
  `);
}

/** Waits for a mark named `name` placed after `after` (page time, ms); returns it. */
async function waitMark(driver, name, after, timeout = 60_000) {
  const until = Date.now() + timeout;
  for (;;) {
    const found = await driver.execute(
      `const m = performance.getEntriesByName(arguments[0], "mark").filter((e) => e.startTime > arguments[1]);
       return m.length ? m[0].startTime : null;`,
      [name, after],
    );
    if (found !== null) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for the mark ${name}`);
    await sleep(25);
  }
}

async function now(driver) {
  return driver.execute("return performance.now()");
}

/** A 10 ms heartbeat on the main thread: the longest gap between beats is the longest stall. */
async function startStallWatch(driver) {
  await driver.execute(
    `
    clearInterval(window.__benchBeat);
    window.__benchStall = 0;
    // Every gap over 50 ms (page time it began, its length), for the notes: which work made it.
    window.__benchGaps = [];
    let last = performance.now();
    window.__benchBeat = setInterval(() => {
      const t = performance.now();
      window.__benchStall = Math.max(window.__benchStall, t - last);
      if (t - last > 50) window.__benchGaps.push([last, t - last]);
      last = t;
    }, 10);
    // With --frames, painted frames: how many, and the longest wait for the next one (a frame
    // loop keeps the window drawing, so it is off for the figures of record).
    window.__benchFrames = { count: 0, gap: 0 };
    if (arguments[0] && !window.__benchFrameLoop) {
      window.__benchFrameLoop = true;
      let lastFrame = performance.now();
      const frame = (t) => {
        const f = window.__benchFrames;
        f.count += 1;
        f.gap = Math.max(f.gap, t - lastFrame);
        lastFrame = t;
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    }
  `,
    [Boolean(args.frames)],
  );
}

async function readStall(driver) {
  return driver.execute("return window.__benchStall ?? 0");
}

/**
 * The longest stall since the last call (or the watch's start), and starts a new span: the spans
 * cut one watch into the steps that caused them, whose largest is the watch's longest stall.
 */
async function takeStall(driver) {
  return driver.execute("const s = window.__benchStall ?? 0; window.__benchStall = 0; return s;");
}

/**
 * The gaps over 50 ms since the last call, each with what the page's measures say ran in it (a
 * chart's drawing task, an IPC answer arriving) and the marks placed in it: where a stall's time
 * went. `after` is the step's start (page time), for readable offsets.
 */
async function takeGaps(driver, step, after) {
  const gaps = await driver.execute("const g = window.__benchGaps ?? []; window.__benchGaps = []; return g;");
  if (!gaps.length) return null;
  const entries = await timeline(driver);
  const described = gaps.map(([start, length]) => {
    const end = start + length;
    const inside = entries
      .filter((e) => {
        const eEnd = e.start + (e.duration ?? 0);
        return e.type === "measure" ? eEnd > start && eEnd <= end + 1 && !e.name.startsWith("baton:chart:") : e.start >= start && e.start <= end;
      })
      .map((e) =>
        e.type === "measure"
          ? `${e.name.replace(/^baton:/, "")} ${Math.round(e.duration)} ms ending +${Math.round(e.start + e.duration - start)}`
          : `mark ${e.name.replace(/^baton:/, "")} +${Math.round(e.start - start)}`,
      );
    return `${Math.round(length)} ms from ${Math.round(start - after)}${inside.length ? ` (${inside.join(", ")})` : ""}`;
  });
  return `gaps over 50 ms in ${step}: ${described.join("; ")}`;
}

/** Painted frames since the last call: how many, and the longest gap between two (ms). */
async function takeFrames(driver) {
  return driver.execute(
    "const f = window.__benchFrames ?? { count: 0, gap: 0 }; window.__benchFrames = { count: 0, gap: 0 }; return f;",
  );
}

/** The page's IPC round trips and chart draws since `after` (page time), for the notes. */
function ipcSince(entries, after) {
  const of = (prefix) =>
    entries
      .filter((e) => e.type === "measure" && e.name.startsWith(prefix) && e.start >= after)
      .map(
        (e) =>
          `${e.name.slice(prefix.length)} ${Math.round(e.duration)} ms (from ${Math.round(e.start - after)})`,
      );
  return [
    ...of("baton:ipc:"),
    `charts: ${of("baton:chart:").join(", ") || "none redrawn"}`,
    `each chart's drawing task: ${of("baton:chart-draw:").join(", ") || "none"}`,
  ];
}

/**
 * CPU time (ms, user + system) used so far by each kind of thread of the processes under `root`
 * (tauri-driver: the app, its web process): threads are grouped by name without their number
 * (`llvmpipe-0`, `llvmpipe-1` → `llvmpipe`), the web process' main thread is `page main`. CPU
 * time does not grow with the machine's load as wall time does, so steps can be compared on a
 * shared machine.
 */
function cpuByThread(root) {
  const procs = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      procs.push({
        pid: Number(d),
        ppid: Number(f[1]),
        comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
      });
    } catch {
      // gone since the listing
    }
  }
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs)
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
  }
  const groups = {};
  for (const p of procs) {
    if (!inTree.has(p.pid)) continue;
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${p.pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const stat = readFileSync(`/proc/${p.pid}/task/${tid}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        let name = comm.replace(/[\s:#-]*\d+$/, "");
        const web = p.comm.startsWith("WebKitWebProc");
        if (Number(tid) === p.pid) name = web ? "page main" : "main";
        // The web process' threads by name; the others' after their process ("baton-app: tokio-rt-worker").
        if (!web) name = `${p.comm}: ${name}`;
        groups[name] = (groups[name] ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / 100;
      } catch {
        // gone since the listing
      }
    }
  }
  return groups;
}

/** What each kind of thread used between two `cpuByThread` readings, largest first (≥ 10 ms). */
function cpuSpent(before, after) {
  const spent = Object.entries(after)
    .map(([name, ms]) => [name, ms - (before[name] ?? 0)])
    .filter(([, ms]) => ms >= 10)
    .sort((a, b) => b[1] - a[1]);
  const total = spent.reduce((a, [, ms]) => a + ms, 0);
  const web = spent.filter(([name]) => !name.includes(": ")).reduce((a, [, ms]) => a + ms, 0);
  return {
    total,
    web,
    text: `${Math.round(total)} ms (${spent.map(([n, ms]) => `${n} ${Math.round(ms)}`).join(", ")})`,
  };
}

/** Opens a filter picker and ticks its option number `index` (0-based); returns the page time before the click. */
async function pickOption(driver, testId, index) {
  await driver.click(await driver.waitFor(`[data-testid="${testId}"]`));
  const options = await driver.find(`[data-testid="${testId}-option"]`);
  if (options.length <= index) throw new Error(`${testId} lists ${options.length} options, not ${index + 1}`);
  const before = await now(driver);
  await driver.click(options[index]);
  return before;
}

async function closePopover(driver) {
  await driver.execute(
    "document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))",
  );
}

async function oneRun(run) {
  const home = mkdtempSync(join(tmpdir(), "baton-bench-"));
  const env = { ...process.env };
  for (const dir of ["XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"]) {
    env[dir] = join(home, dir.toLowerCase());
    mkdirSync(env[dir], { recursive: true });
  }
  // With --cache DIR every run shares one cache folder (Mesa's and WebKit's shader caches warm
  // after the first run, as on a computer the app has run on before); by default each run starts
  // cold, as the very first start does.
  if (args.cache) {
    env.XDG_CACHE_HOME = resolve(args.cache);
    mkdirSync(env.XDG_CACHE_HOME, { recursive: true });
  }
  env.HOME = home;
  env.BATON_LOG = env.BATON_LOG ?? "warn";
  delete env.WAYLAND_DISPLAY;
  const children = [];
  const driver = new WebDriver("");
  const figures = {};
  const notes = [];
  try {
    const display = `:${100 + Math.floor(Math.random() * 800)}`;
    children.push(
      spawn("Xvfb", [display, "-screen", "0", "1440x900x24", "-nolisten", "tcp"], { env, stdio: "ignore" }),
    );
    env.DISPLAY = display;
    await sleep(800);
    const port = await freePort();
    const nativePort = await freePort();
    children.push(
      spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
        env,
        stdio: "ignore",
      }),
    );
    driver.base = `http://127.0.0.1:${port}`;
    await waitHttp(`${driver.base}/status`, 20_000);

    // 1. Open: from asking for the app to the Overview drawn.
    const launched = Date.now();
    await driver.start({
      browserName: "wry",
      "tauri:options": { application: app, args: [workspace] },
    });
    const overview = await waitMark(driver, "baton:drawn:overview", 0, 120_000);
    const origin = await driver.execute("return performance.timeOrigin");
    figures["open → Overview drawn"] = origin + overview - launched;
    let entries = await timeline(driver);
    const loaded = entries.find((e) => e.name === "baton:modules-loaded");
    notes.push(
      `process start → page ${Math.round(origin - launched)} ms; code loaded ${loaded ? Math.round(loaded.start) : "?"} ms; Overview drawn ${Math.round(overview)} ms (page time); ${ipcSince(entries, 0).join(", ")}`,
    );

    // 2. Flow: first visit, then filter changes.
    await startStallWatch(driver);
    const firstCpu = cpuByThread(children[1].pid);
    let nav = await now(driver);
    await driver.click(await driver.waitFor('[data-testid="nav-flow"]'));
    let drawn = await waitMark(driver, "baton:drawn:flow", nav);
    figures["Flow: first visit → every chart settled"] = drawn - nav;
    const stalls = { "Flow first visit": await takeStall(driver) };
    const gapNotes = [await takeGaps(driver, "Flow first visit", nav)];
    await sleep(300);
    notes.push(
      `flow first visit CPU to 300 ms after: ${cpuSpent(firstCpu, cpuByThread(children[1].pid)).text}`,
    );
    // Each change ticks or unticks one team (0, 1, 0, 2, 1, 3, …: a new set each time, so no
    // answer comes from the cache); the figure is the median of the run's changes.
    const driverPid = children[1].pid;
    const flowTimes = [];
    const flowCpu = [];
    const flowWebCpu = [];
    const flowStalls = [];
    for (let i = 0; i < flowChanges; i++) {
      const option = i === 0 ? run % 4 : (run % 4) + (i % 2 === 1 ? (i + 1) / 2 : i / 2 - 1);
      const cpu = cpuByThread(driverPid);
      await takeFrames(driver);
      const before = await pickOption(driver, "flow-filter-team", option);
      const change = await waitMark(driver, "baton:filter-change", before);
      const drawn = await waitMark(driver, "baton:drawn:flow", change);
      flowTimes.push(drawn - change);
      flowStalls.push(await takeStall(driver));
      gapNotes.push(await takeGaps(driver, `Flow team filter ${i + 1}`, change));
      const frames = await takeFrames(driver);
      if (i === 0) {
        entries = await timeline(driver);
        notes.push(`flow team filter: ${ipcSince(entries, change).join(", ")}`);
      }
      await closePopover(driver);
      await sleep(300);
      const spent = cpuSpent(cpu, cpuByThread(driverPid));
      flowCpu.push(spent.total);
      flowWebCpu.push(spent.web);
      if (i < 3)
        notes.push(
          `flow team filter ${i + 1}: ${Math.round(drawn - change)} ms, ${frames.count} frames (longest gap ${Math.round(frames.gap)} ms); CPU to 300 ms after: ${spent.text}`,
        );
    }
    figures["Flow: team filter → every chart settled"] = median(flowTimes);
    figures["CPU: Flow team filter, the app's processes"] = median(flowCpu);
    figures["CPU: Flow team filter, the web process"] = median(flowWebCpu);
    stalls["Flow team filter"] = Math.max(...flowStalls);
    if (flowChanges > 1)
      notes.push(
        `flow team filter, ${flowChanges} changes: ${flowTimes.map((t) => Math.round(t)).join(", ")} ms; CPU ${flowCpu.map((t) => Math.round(t)).join(", ")} ms (web process ${flowWebCpu.map((t) => Math.round(t)).join(", ")} ms); stalls ${flowStalls.map((t) => Math.round(t)).join(", ")} ms`,
      );
    await driver.click(await driver.waitFor('[data-testid="flow-filter-range"]'));
    const preset = await driver.waitFor('[data-testid="flow-filter-preset-30"]');
    let cpu = cpuByThread(driverPid);
    let before = await now(driver);
    await driver.click(preset);
    let change = await waitMark(driver, "baton:filter-change", before);
    drawn = await waitMark(driver, "baton:drawn:flow", change);
    figures["Flow: date range → every chart settled"] = drawn - change;
    stalls["Flow date range"] = await takeStall(driver);
    gapNotes.push(await takeGaps(driver, "Flow date range", change));
    await closePopover(driver);
    await sleep(300);
    notes.push(`flow date range CPU to 300 ms after: ${cpuSpent(cpu, cpuByThread(driverPid)).text}`);
    let stall = Math.max(...Object.values(stalls));

    // 3. Bottlenecks: first visit (same filter), then a team filter change.
    await startStallWatch(driver);
    cpu = cpuByThread(driverPid);
    nav = await now(driver);
    await driver.click(await driver.waitFor('[data-testid="nav-bottlenecks"]'));
    drawn = await waitMark(driver, "baton:drawn:bottlenecks", nav);
    figures["Bottlenecks: first visit → every chart settled"] = drawn - nav;
    stalls["Bottlenecks first visit"] = await takeStall(driver);
    gapNotes.push(await takeGaps(driver, "Bottlenecks first visit", nav));
    await sleep(300);
    notes.push(`bottlenecks first visit CPU to 300 ms after: ${cpuSpent(cpu, cpuByThread(driverPid)).text}`);
    cpu = cpuByThread(driverPid);
    before = await pickOption(driver, "flow-filter-team", (run + 1) % 4);
    change = await waitMark(driver, "baton:filter-change", before);
    drawn = await waitMark(driver, "baton:drawn:bottlenecks", change);
    figures["Bottlenecks: team filter → every chart settled"] = drawn - change;
    entries = await timeline(driver);
    notes.push(`bottlenecks team filter: ${ipcSince(entries, change).join(", ")}`);
    await closePopover(driver);
    stalls["Bottlenecks team filter"] = await takeStall(driver);
    gapNotes.push(await takeGaps(driver, "Bottlenecks team filter", change));
    await sleep(300);
    notes.push(`bottlenecks team filter CPU to 300 ms after: ${cpuSpent(cpu, cpuByThread(driverPid)).text}`);
    stall = Math.max(stall, stalls["Bottlenecks first visit"], stalls["Bottlenecks team filter"]);

    // 4. Dependencies: the report, the team map and the item graph drawn.
    await startStallWatch(driver);
    cpu = cpuByThread(driverPid);
    nav = await now(driver);
    await driver.click(await driver.waitFor('[data-testid="nav-dependencies"]'));
    const report = await waitMark(driver, "baton:drawn:dependencies", nav);
    const graph = await waitMark(driver, "baton:drawn:deps-graph", nav);
    figures["Dependencies ready"] = Math.max(report, graph) - nav;
    entries = await timeline(driver);
    notes.push(
      `dependencies: report drawn ${Math.round(report - nav)} ms, graph drawn ${Math.round(graph - nav)} ms; ${ipcSince(entries, nav).join(", ")}`,
    );
    stalls.Dependencies = await readStall(driver);
    gapNotes.push(await takeGaps(driver, "Dependencies", nav));
    await sleep(300);
    notes.push(`dependencies CPU to 300 ms after: ${cpuSpent(cpu, cpuByThread(driverPid)).text}`);
    figures["longest main-thread stall"] = Math.max(stall, stalls.Dependencies);
    notes.push(
      `longest stall in each step: ${Object.entries(stalls)
        .map(([step, ms]) => `${step} ${Math.round(ms)} ms`)
        .join(", ")}`,
    );
    for (const note of gapNotes) if (note) notes.push(note);
  } finally {
    await driver.stop();
    for (const child of children.reverse()) await stop(child);
    await removeHome(home);
  }
  return { figures, notes };
}

const loadBefore = loadavg();
log(
  `${build} build ${app}; workspace ${workspace} (${items.toLocaleString("en-US")} items); ${runs} runs; load average ${loadBefore.map((l) => l.toFixed(2)).join(" ")}`,
);
const results = [];
for (let run = 0; run < runs; run++) {
  try {
    const result = await oneRun(run);
    results.push(result);
    log(
      `run ${run + 1}: ${Object.entries(result.figures)
        .map(([k, v]) => `${k} ${Math.round(v)} ms`)
        .join(" · ")}`,
    );
    for (const note of result.notes) log(`  ${note}`);
  } catch (err) {
    console.error(`[ui-bench] run ${run + 1} FAILED: ${err.stack ?? err}`);
    process.exit(2);
  }
}
const loadAfter = loadavg();

const names = Object.keys(results[0]?.figures ?? {});
const rows = names.map((name) => {
  const values = results.map((r) => r.figures[name]).filter((v) => typeof v === "number");
  const budget = BUDGETS[name] ?? null;
  const m = median(values);
  return {
    name,
    median: Math.round(m),
    min: Math.round(Math.min(...values)),
    max: Math.round(Math.max(...values)),
    budget,
    ok: budget === null ? null : m <= budget,
  };
});
console.log("");
console.log(
  `UI latency, ${build} build, ${items.toLocaleString("en-US")} items, median of ${runs} runs (load average ${loadBefore[0].toFixed(2)} → ${loadAfter[0].toFixed(2)} on ${(await import("node:os")).cpus().length} cores)`,
);
const width = Math.max(...rows.map((r) => r.name.length));
for (const r of rows) {
  const verdict =
    r.budget === null ? "" : r.ok ? `  ok (≤ ${r.budget} ms)` : `  MISSED (budget ${r.budget} ms)`;
  console.log(`  ${r.name.padEnd(width)}  ${String(r.median).padStart(6)} ms  (${r.min}–${r.max})${verdict}`);
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      build,
      items,
      runs,
      loadAverage: { before: loadBefore, after: loadAfter },
      at: new Date().toISOString(),
      figures: rows,
      notes: results.map((r) => r.notes),
    },
    null,
    2,
  )}\n`,
);
log(`figures written to ${out}`);
const missed = rows.filter((r) => r.ok === false);
if (missed.length) {
  console.error(`[ui-bench] ${missed.length} budget(s) missed: ${missed.map((r) => r.name).join(", ")}`);
  process.exit(1);
}
process.exit(0);
