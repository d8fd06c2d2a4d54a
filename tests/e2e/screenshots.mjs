// Real-window screenshots for the docs: the app (Xvfb + tauri-driver + WebKitWebDriver) on a
// workspace, the Overview, one of its drill-downs, and the Dependencies page with its item graph.
//
//   node tests/e2e/screenshots.mjs --app target/debug/baton-app --workspace FILE --out docs/screenshots
//                                  [--prefix big-] [--pages overview,drill,flow,dependencies,governance,decisions,plans,scenarios]
//                                  [--first-paint MS] [--settle MS]   (longer on a busy machine)
//                                  [--import-file CSV]   (page "file-import": Sources → Add a
//                                  source → File on that states CSV, with its preview)
//                                  [--intent ID]   (the intent the Plans page forecasts, and the
//                                                   Intents page opens: --pages intents)
//                                  [--path-rule PATTERN]   (with --intent: a path rule previewed
//                                                   in that intent's panel, "intents-path-rule")
//                                  [--item ID]   (page "item": that item's drawer scrolled to its
//                                                 files and conflicts, "item-conflicts")
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
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
const workspace = resolve(args.workspace);
const out = resolve(args.out ?? "docs/screenshots");
const prefix = args.prefix ?? "";
const pages = (args.pages ?? "overview,drill,dependencies").split(",");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (m) => console.log(`[screenshots] ${m}`);

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

async function waitMark(driver, name, timeout = 180_000) {
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    const found = await driver.execute(
      "return performance.getEntriesByName(arguments[0], 'mark').length > 0",
      [name],
    );
    if (found) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${name}`);
}

const home = mkdtempSync(join(tmpdir(), "baton-shots-"));
const env = { ...process.env, HOME: home, BATON_LOG: "warn" };
for (const dir of ["XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"]) {
  env[dir] = join(home, dir.toLowerCase());
  mkdirSync(env[dir], { recursive: true });
}
delete env.WAYLAND_DISPLAY;
const display = `:${100 + Math.floor(Math.random() * 800)}`;
env.DISPLAY = display;
const children = [
  spawn("Xvfb", [display, "-screen", "0", "1440x900x24", "-nolisten", "tcp"], { env, stdio: "ignore" }),
];
const driver = new WebDriver("");
mkdirSync(out, { recursive: true });
const shot = (name) => {
  const file = join(out, `${prefix}${name}.png`);
  // WebDriver's clicks leave the link they clicked hovered, and WebKitGTK draws its title as a
  // tooltip at the X pointer (mid-window): a real move of the pointer to a corner ends it.
  try {
    execFileSync("xdotool", ["mousemove", "1439", "899"], { env });
    execFileSync("sleep", ["0.4"]);
  } catch {
    // without xdotool the picture may show a tooltip
  }
  execFileSync("import", ["-window", "root", file], { env });
  log(`wrote ${file}`);
};
try {
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
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${driver.base}/status`)).ok) break;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  await driver.start({ browserName: "wry", "tauri:options": { application: app, args: [workspace] } });
  await waitMark(driver, "baton:drawn:overview");
  // The first paint of the window under Xvfb comes a little after the page is drawn.
  await sleep(Number(args["first-paint"] ?? 4000));
  if (pages.includes("overview")) shot("overview");
  if (pages.includes("drill")) {
    await driver.click(await driver.waitFor('[data-testid="attention-over-expectation"]'));
    await driver.waitFor('[data-testid="attention-items-count"]', 180_000);
    await sleep(Number(args.settle ?? 800));
    shot("overview-drill");
    await driver.execute(
      "document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))",
    );
    await sleep(500);
  }
  if (pages.includes("plans")) {
    await driver.click(await driver.waitFor('[data-testid="nav-plans"]'));
    await driver.waitFor('[data-testid="plan-headline"]', 180_000);
    await sleep(Number(args.settle ?? 1500));
    shot("plans-team");
    if (args.intent) {
      await driver.click(await driver.waitFor('[data-testid="plan-target-intent"]'));
      await driver.waitFor('[data-testid="plan-intent"] option[value="' + args.intent + '"]', 60_000);
      // React reads a select's value through the native setter and a change event.
      await driver.execute(
        "const s = document.querySelector('[data-testid=\"plan-intent\"]');" +
          "Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set.call(s, arguments[0]);" +
          "s.dispatchEvent(new Event('change', { bubbles: true }));",
        [args.intent],
      );
      await driver.waitFor('[data-testid="plan-teams"]', 180_000);
      await sleep(Number(args.settle ?? 1500));
      shot("plans-intent");
    }
  }
  if (pages.includes("file-import") && args["import-file"]) {
    await driver.click(await driver.waitFor('[data-testid="nav-sources"]'));
    await driver.click(await driver.waitFor('[data-testid="source-add"]'));
    await driver.click(await driver.waitFor('[data-testid="source-kind-file"]'));
    await driver.click(await driver.waitFor('[data-testid="source-file-format-states_csv"]'));
    await driver.type(await driver.waitFor('[data-testid="source-name"]'), "Delivery spreadsheet");
    await driver.type(await driver.waitFor('[data-testid="source-file-path"]'), resolve(args["import-file"]));
    try {
      await driver.waitFor('[data-testid="source-file-preview-row"]', 60_000);
    } catch (err) {
      shot("file-import-failed");
      throw err;
    }
    await sleep(Number(args.settle ?? 1500));
    shot("sources-file-import");
    await driver.execute(
      "document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))",
    );
    await sleep(500);
  }
  if (pages.includes("intents")) {
    await driver.click(await driver.waitFor('[data-testid="nav-intents"]'));
    try {
      await driver.waitFor('[data-testid="intent-tree"]', 180_000);
    } catch (err) {
      shot("intents-failed");
      throw err;
    }
    await sleep(Number(args.settle ?? 1500));
    shot("intents");
    if (args.intent) {
      await driver.click(await driver.waitFor(`[data-testid="intent-row-${args.intent}"] button`));
      await driver.waitFor('[data-testid="intent-panel"]', 60_000);
      // The forecast is simulated after the panel opens.
      await sleep(Number(args.settle ?? 1500) + 3000);
      shot("intents-panel");
      if (args["path-rule"]) {
        // The rule editor: a path rule typed and previewed (nothing is added).
        await driver.execute(
          "const s = document.querySelector('[data-testid=\"intent-rule-form\"] select');" +
            "const set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set;" +
            "set.call(s, 'path'); s.dispatchEvent(new Event('change', { bubbles: true }));",
        );
        await driver.type(await driver.waitFor('[data-testid="intent-rule-pattern"]'), args["path-rule"]);
        await driver.click(await driver.waitFor('[data-testid="intent-rule-preview"]'));
        await driver.waitFor('[data-testid="intent-rule-preview-result"]', 120_000);
        await driver.execute(
          "document.querySelector('[data-testid=\"intent-rule-form\"]')?.scrollIntoView({ block: 'start' })",
        );
        await sleep(Number(args.settle ?? 1500));
        shot("intents-path-rule");
      }
      await driver.execute(
        "document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))",
      );
      await sleep(500);
    }
    await driver.execute(
      "document.querySelector('[data-testid=\"intent-unaligned\"]')?.scrollIntoView({ block: 'start' })",
    );
    await sleep(Number(args.settle ?? 1500));
    shot("intents-unaligned");
  }
  if (pages.includes("scenarios")) {
    // The workspace's scenarios compared with the baseline (save some first: `baton scenario save`).
    await driver.click(await driver.waitFor('[data-testid="nav-plans"]'));
    await driver.click(await driver.waitFor('[data-testid="plan-tab-scenarios"]'));
    await driver.waitFor('[data-testid="scenario-table"]', 300_000);
    await sleep(Number(args.settle ?? 1500));
    shot("plans-scenarios");
    await driver.execute(
      "document.querySelector('[data-testid=\"scenario-table\"] [aria-expanded]')?.click();" +
        "document.querySelector('[data-testid=\"scenario-table\"]')?.scrollIntoView({ block: 'start' })",
    );
    await sleep(Number(args.settle ?? 1500));
    shot("plans-scenarios-table");
  }
  if (pages.includes("flow")) {
    await driver.click(await driver.waitFor('[data-testid="nav-flow"]'));
    await waitMark(driver, "baton:drawn:flow");
    await sleep(Number(args.settle ?? 1500));
    shot("flow");
    await driver.execute(
      "document.querySelector('[data-testid=flow-aging]')?.scrollIntoView({ block: 'start' })",
    );
    await sleep(Number(args.settle ?? 1500));
    shot("flow-charts");
  }
  if (pages.includes("dependencies")) {
    await driver.click(await driver.waitFor('[data-testid="nav-dependencies"]'));
    await waitMark(driver, "baton:drawn:deps-graph");
    // WebKitGTK under Xvfb paints the window a while after the page has drawn (longer on a big
    // workspace on a busy machine).
    await sleep(Number(args.settle ?? 1500));
    shot("dependencies");
    await driver.execute(
      "document.querySelector('[data-testid=\"deps-graph\"]')?.scrollIntoView({ block: 'start' })",
    );
    await sleep(Number(args.settle ?? 2500));
    shot("dependencies-graph");
  }
  if (pages.includes("governance")) {
    await driver.click(await driver.waitFor('[data-testid="nav-governance"]'));
    await driver.waitFor('[data-testid="gov-violations"]', 180_000);
    await sleep(Number(args.settle ?? 2500));
    shot("governance");
  }
  if (pages.includes("decisions")) {
    await driver.click(await driver.waitFor('[data-testid="nav-decisions"]'));
    await driver.waitFor('[data-testid="decisions-table"]', 180_000);
    await sleep(Number(args.settle ?? 2500));
    shot("decisions");
    await driver.click(await driver.waitFor('[data-testid="decisions-show-answered"]'));
    await sleep(Number(args.settle ?? 2500));
    shot("decisions-log");
  }
  if (pages.includes("item") && args.item) {
    await driver.execute("window.location.hash = arguments[0]", [
      `#/items?item=${encodeURIComponent(args.item)}`,
    ]);
    await driver.waitFor('[data-testid="detail-files"]', 180_000);
    await driver.execute(
      "document.querySelector('[data-testid=\"detail-files\"]')?.scrollIntoView({ block: 'start' })",
    );
    await sleep(Number(args.settle ?? 2500));
    shot("item-conflicts");
  }
} finally {
  await driver.stop().catch(() => {});
  for (const child of children.reverse()) child.kill("SIGTERM");
  await sleep(500);
  rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 300 });
}
