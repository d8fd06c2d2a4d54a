/// <reference types="vitest/config" />
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const uiRoot = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/**
 * Tauri's `freezePrototype` freezes `Object.prototype` before the page loads. ECharts' scheduler
 * copies every enumerable name of a class prototype onto a plain object, `constructor` included
 * (TypeScript's `__extends` makes it enumerable), and assigning `constructor` on a plain object
 * whose prototype is frozen throws at load time. Skip that one name; fail the build if the code
 * it patches ever changes, so the journey's frozen-prototype run is never silently wrong.
 */
function echartsFrozenPrototypeFix(): Plugin {
  const needle = "target[name_1] = noop;";
  return {
    name: "baton-echarts-frozen-prototype",
    enforce: "pre",
    transform(code, id) {
      if (!/[\\/]echarts[\\/]lib[\\/]core[\\/]Scheduler\.js$/.test(id)) return null;
      if (!code.includes(needle)) {
        throw new Error(
          "echarts/lib/core/Scheduler.js changed: re-check the frozen-prototype fix in ui/vite.config.ts",
        );
      }
      return {
        code: code.replace(needle, 'if (name_1 !== "constructor") target[name_1] = noop;'),
        map: null,
      };
    },
  };
}

// The app runs inside Tauri's webview under a strict CSP: everything is bundled and loaded from
// the app's own origin (relative base), with no remote assets, fonts or inline scripts.
export default defineConfig({
  root: uiRoot,
  base: "./",
  plugins: [react(), echartsFrozenPrototypeFix()],
  clearScreen: false,
  define: {
    __UI_VERSION__: JSON.stringify(pkg.version),
  },
  resolve: {
    alias: {
      "@docs": `${repoRoot}docs`,
    },
  },
  server: {
    port: 1420,
    strictPort: true,
    fs: { allow: [repoRoot] },
    watch: { ignored: ["**/src-tauri/**", "**/target/**"] },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2021",
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  test: {
    root: uiRoot,
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    css: false,
    // Room for the waits above on a loaded machine (a test fails as soon as it finds what it
    // expects not to be there; this only bounds how long it looks).
    testTimeout: 30_000,
  },
});
