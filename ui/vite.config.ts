/// <reference types="vitest/config" />
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const uiRoot = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

// The app runs inside Tauri's webview under a strict CSP: everything is bundled and loaded from
// the app's own origin (relative base), with no remote assets, fonts or inline scripts.
export default defineConfig({
  root: uiRoot,
  base: "./",
  plugins: [react()],
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
    host: "127.0.0.1",
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
  },
});
