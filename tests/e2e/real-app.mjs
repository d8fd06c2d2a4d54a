// End-to-end journey on the real Baton app: Xvfb + tauri-driver + WebKitWebDriver.
//
//   node tests/e2e/real-app.mjs --app target/debug/baton-app --cli target/debug/baton [--screenshot out.png]
//
// First launch with empty data folders: the app must open the demo workspace; the overview's
// numbers must equal what `baton stats --json` reads from the same file; an item's detail opens;
// a hostile title from the demo is shown as text; the Triage worklist counts what the CLI counts;
// a planning session starts on a frozen copy and is merged back. Every process is stopped at the
// end.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { WebDriver } from "./webdriver.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const app = resolve(args.app ?? "target/debug/baton-app");
const cli = resolve(args.cli ?? "target/debug/baton");
const screenshot = args.screenshot ? resolve(args.screenshot) : null;
// With --shots DIR: also a picture of each analysis page (for notes and docs).
const shots = args.shots ? resolve(args.shots) : null;
const IDENTIFIER = "dev.baton.desktop";

const children = [];
const home = mkdtempSync(join(tmpdir(), "baton-e2e-"));
let failed = false;

function log(message) {
  console.log(`[e2e] ${message}`);
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
  log(`ok: ${message}`);
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

function start(command, argv, env) {
  const child = spawn(command, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  child.output = () => output;
  children.push(child);
  return child;
}

/** Polls the text of `css` until `ok` holds (or the time is up), and returns it. */
async function waitText(driver, css, ok, timeout) {
  const until = Date.now() + timeout;
  for (;;) {
    const text = (await driver.textContent(css)) ?? "";
    if (ok(text) || Date.now() > until) return text;
    await new Promise((r) => setTimeout(r, 200));
  }
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
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeout} ms`);
}

const env = { ...process.env };
for (const dir of ["XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"]) {
  env[dir] = join(home, dir.toLowerCase());
  mkdirSync(env[dir], { recursive: true });
}
env.HOME = home;
env.BATON_LOG = env.BATON_LOG ?? "info";
delete env.WAYLAND_DISPLAY;

const driver = new WebDriver("");
try {
  const display = `:${100 + Math.floor(Math.random() * 800)}`;
  start("Xvfb", [display, "-screen", "0", "1440x900x24", "-nolisten", "tcp"], env);
  env.DISPLAY = display;
  await new Promise((r) => setTimeout(r, 800));

  const port = await freePort();
  const nativePort = await freePort();
  const tauriDriver = start(
    "tauri-driver",
    ["--port", String(port), "--native-port", String(nativePort)],
    env,
  );
  driver.base = `http://127.0.0.1:${port}`;
  await waitHttp(`${driver.base}/status`, 20_000);
  log(`tauri-driver up on ${port} (display ${display})`);

  await driver.start({ browserName: "wry", "tauri:options": { application: app } });
  log("app started");

  // 1. The first launch opens the demo and the overview shows its numbers.
  const kpiItems = await driver.waitFor('[data-testid="kpi-items"][data-value]', 60_000);
  await driver.waitFor('[data-testid="workspace-name"]');
  const name = (await driver.textContent('[data-testid="workspace-name"]')) ?? "";
  check(/demo/i.test(name), `the first launch opens the demo workspace (header says "${name}")`);
  const shown = {};
  for (const id of ["items", "transitions", "links", "open-blocking-links", "teams"]) {
    const element = id === "items" ? kpiItems : await driver.waitFor(`[data-testid="kpi-${id}"][data-value]`);
    shown[id] = Number(await driver.attribute(element, "data-value"));
  }
  const demoFile = join(env.XDG_DATA_HOME, IDENTIFIER, "demo.baton");
  const stats = JSON.parse(execFileSync(cli, ["stats", demoFile, "--json"], { env, encoding: "utf8" }));
  check(
    shown.items === stats.totals.items && shown.items > 0,
    `overview items ${shown.items} = database ${stats.totals.items}`,
  );
  check(
    shown.transitions === stats.totals.transitions,
    `overview transitions ${shown.transitions} = database ${stats.totals.transitions}`,
  );
  check(shown.links === stats.totals.links, `overview links ${shown.links} = database ${stats.totals.links}`);
  check(
    shown["open-blocking-links"] === stats.totals.openBlockingLinks,
    `overview open blocking links ${shown["open-blocking-links"]} = database ${stats.totals.openBlockingLinks}`,
  );
  check(shown.teams === stats.totals.teams, `overview teams ${shown.teams} = database ${stats.totals.teams}`);

  if (screenshot) {
    // Let the charts finish drawing, then take the true X-level picture of the window.
    await driver.execute(
      "return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 1500))))",
    );
    execFileSync("import", ["-window", "root", screenshot], { env });
    log(`screenshot written to ${screenshot}`);
  }

  // 2. Work items: the table lists rows and a row opens its detail.
  await driver.click(await driver.waitFor('[data-testid="nav-items"]'));
  const total = Number(
    await driver.attribute(await driver.waitFor('[data-testid="items-total"][data-value]'), "data-value"),
  );
  check(total === stats.totals.items, `the work items table counts ${total} items, as the database`);
  const row = await driver.waitFor('[data-testid="items-row"]');
  const rowId = await driver.attribute(row, "data-id");
  await driver.click(row);
  await driver.waitFor('[data-testid="item-detail"] [data-testid="detail-title"]');
  const detailTitle =
    (await driver.textContent('[data-testid="item-detail"] [data-testid="detail-title"]')) ?? "";
  check(detailTitle.length > 0, `the detail of ${rowId} opens with its title "${detailTitle}"`);
  await driver.waitFor('[data-testid="item-detail"] [data-testid="detail-open-browser"]');
  check(true, "the detail offers to open the item at its source");

  // 3. Hostile text from a source is shown as text, never as HTML.
  const search = await driver.waitFor('[data-testid="items-search"]');
  await driver.type(search, "onerror");
  const hostile = await driver.waitFor('[data-testid="items-row"]', 15_000);
  await new Promise((r) => setTimeout(r, 800));
  const hostileText = (await driver.textContent('[data-testid="items-row"]')) ?? "";
  void hostile;
  const injected = await driver.execute(
    'return document.querySelectorAll("main img[src=x], [data-testid=items-row] img").length',
  );
  check(hostileText.includes("<img src=x onerror=alert(1)>"), "the hostile title is shown literally");
  check(injected === 0, "no element was created from the hostile title");
  // 4. Triage: the worklist counts what `baton triage` counts, j/k move the selection.
  await driver.click(await driver.waitFor('[data-testid="nav-triage"]'));
  const triageTotal = Number(
    await driver.attribute(
      await driver.waitFor('[data-testid="triage-total"][data-value]', 60_000),
      "data-value",
    ),
  );
  const triage = JSON.parse(execFileSync(cli, ["triage", demoFile, "--json"], { env, encoding: "utf8" }));
  check(
    triageTotal === triage.total && triageTotal > 0,
    `the Triage page lists ${triageTotal} items, as baton triage (${triage.total})`,
  );
  await driver.waitFor('[data-testid="triage-row"][aria-selected="true"]');
  if (shots) {
    mkdirSync(shots, { recursive: true });
    await driver.execute(
      "return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 1500))))",
    );
    execFileSync("xdotool", ["mousemove", "1", "1"], { env });
    execFileSync("import", ["-window", "root", join(shots, "triage.png")], { env });
    log("screenshot of triage written");
  }

  // 5. Plans: a planning session starts on a frozen copy (the app opens it), a scenario saved in
  // the copy is merged back, and the app returns to the live workspace, which now holds it.
  await driver.click(await driver.waitFor('[data-testid="nav-plans"]'));
  await driver.click(await driver.waitFor('[data-testid="plan-tab-scenarios"]'));
  await driver.waitFor('[data-testid="session-none"]', 60_000);
  await driver.type(await driver.waitFor('[data-testid="session-name"]'), "E2E planning");
  await driver.click(await driver.waitFor('[data-testid="session-start-button"]'));
  await driver.waitFor('[data-testid="session-banner"]', 120_000);
  const copies = readdirSync(join(env.XDG_DATA_HOME, IDENTIFIER)).filter((f) => /^demo\..+\.baton$/.test(f));
  check(copies.length === 1, `the session's frozen copy is a file beside the demo (${copies.join(", ")})`);
  const copyFile = join(env.XDG_DATA_HOME, IDENTIFIER, copies[0]);
  const copyName = await waitText(
    driver,
    '[data-testid="workspace-name"]',
    (t) => t !== "" && t !== name && t !== "No workspace",
    60_000,
  );
  check(copyName !== name, `the app opened the copy (header says "${copyName}")`);
  const scenarioFile = join(home, "e2e-scenario.json");
  writeFileSync(
    scenarioFile,
    JSON.stringify({ name: "E2E hand over", notes: "", changes: [{ type: "prioritize", items: [rowId] }] }),
  );
  execFileSync(cli, ["scenario", "save", copyFile, scenarioFile], { env, encoding: "utf8" });
  await driver.click(await driver.waitFor('[data-testid="session-merge"]'));
  await driver.waitFor('[data-testid="session-merged"]', 60_000);
  const mergedText = (await driver.textContent('[data-testid="session-merged"]')) ?? "";
  check(/1 new scenario/.test(mergedText), `the merge reports what it brought back ("${mergedText}")`);
  await driver.click(await driver.waitFor('[data-testid="session-leave"]'));
  await driver.waitFor('[data-testid="session-list"]', 60_000);
  const back = await waitText(driver, '[data-testid="workspace-name"]', (t) => t === name, 30_000);
  check(back === name, `back in the live workspace (header says "${back}")`);
  const listed = (await driver.textContent('[data-testid="session-list"]')) ?? "";
  check(
    /E2E planning/.test(listed) && /merged back/.test(listed),
    `the live workspace lists the session as merged ("${listed}")`,
  );
  const liveScenarios = execFileSync(cli, ["scenario", "list", demoFile], { env, encoding: "utf8" });
  check(
    liveScenarios.includes("E2E hand over"),
    "the scenario made in the session is in the live workspace (baton scenario list)",
  );
  if (shots) {
    mkdirSync(shots, { recursive: true });
    for (const [view, ready] of [
      ["flow", '[data-testid="flow-cfd"]'],
      ["bottlenecks", '[data-testid="bn-matrix"]'],
      ["dependencies", '[data-testid="deps-team-map"]'],
    ]) {
      await driver.click(await driver.waitFor(`[data-testid="nav-${view}"]`));
      await driver.waitFor(ready, 30_000);
      await driver.execute(
        "return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 2500))))",
      );
      execFileSync("import", ["-window", "root", join(shots, `${view}.png`)], { env });
      log(`screenshot of ${view} written`);
    }
    // The item graph focused on the end of the longest blocked chain, with its critical path.
    await driver.click(await driver.waitFor('[data-testid="chain-row"] [data-testid="dep-focus"]'));
    await driver.click(await driver.waitFor('[data-testid="target-use-focus"]'));
    await driver.waitFor('[data-testid="critical-step"]', 30_000);
    await driver.execute(
      'document.querySelector(\'[data-testid="deps-graph"]\')?.scrollIntoView({ block: "start" })',
    );
    await driver.execute("return new Promise(r => setTimeout(r, 4000))");
    execFileSync("xdotool", ["mousemove", "1", "1"], { env });
    await driver.execute("return new Promise(r => setTimeout(r, 500))");
    execFileSync("import", ["-window", "root", join(shots, "dependencies-critical-path.png")], { env });
    log("screenshot of the critical path written");
  }
} catch (err) {
  failed = true;
  console.error(`[e2e] FAILED: ${err.stack ?? err}`);
  for (const child of children) {
    const out = child.output?.() ?? "";
    if (out.trim()) console.error(`--- output of ${child.spawnfile} ---\n${out.slice(-4000)}`);
  }
} finally {
  await driver.stop();
  // Stop everything and wait for it to exit before removing its folders (the app may still be
  // writing caches while it shuts down).
  await Promise.all(
    children.reverse().map(
      (child) =>
        new Promise((done) => {
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
        }),
    ),
  );
  try {
    rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (err) {
    console.error(`[e2e] could not remove ${home}: ${err.message}`);
  }
}
process.exit(failed ? 1 : 0);
