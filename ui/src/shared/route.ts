//! The location of the app, kept in the URL hash (`#/items?team=a&state=waiting`), so a view can
//! deep-link into another with its filters and the state survives a reload.

import { useSyncExternalStore } from "react";
import { mark } from "./perf";

export const VIEW_IDS = [
  "overview",
  "items",
  "flow",
  "bottlenecks",
  "dependencies",
  "triage",
  "duplicates",
  "governance",
  "decisions",
  "intents",
  "plans",
  "sources",
  "settings",
] as const;
export type ViewId = (typeof VIEW_IDS)[number];

export type Route = { view: ViewId; params: URLSearchParams };

const listeners = new Set<() => void>();
function notify() {
  markNavigation();
  for (const l of listeners) l();
}

let lastView: string | null = null;
let navListening = false;

/** `baton:nav:<view>` when the view changes (the start of what the benchmark times on a page). */
function markNavigation() {
  const view = parseHash(window.location.hash).view;
  if (view !== lastView) mark(`baton:nav:${view}`);
  lastView = view;
}

function subscribe(listener: () => void) {
  if (!navListening) {
    navListening = true;
    lastView = parseHash(window.location.hash).view;
    window.addEventListener("hashchange", markNavigation);
  }
  listeners.add(listener);
  window.addEventListener("hashchange", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("hashchange", listener);
  };
}

function getHash() {
  return window.location.hash;
}

function isViewId(value: string): value is ViewId {
  return (VIEW_IDS as readonly string[]).includes(value);
}

/** Parses `#/view?params`; unknown views fall back to the overview. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, "");
  const q = raw.indexOf("?");
  const path = q === -1 ? raw : raw.slice(0, q);
  const query = q === -1 ? "" : raw.slice(q + 1);
  return { view: isViewId(path) ? path : "overview", params: new URLSearchParams(query) };
}

export function formatHash(view: ViewId, params?: URLSearchParams): string {
  const query = params?.toString() ?? "";
  return `#/${view}${query ? `?${query}` : ""}`;
}

/** Goes to a view. `replace` keeps the browser history flat (typing in a filter). */
export function navigate(view: ViewId, params?: URLSearchParams, options: { replace?: boolean } = {}) {
  const hash = formatHash(view, params);
  if (hash === window.location.hash) return;
  if (options.replace) {
    window.history.replaceState(window.history.state, "", hash);
    notify();
  } else {
    window.location.hash = hash;
  }
}

/** The current route; re-renders when it changes. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, getHash, getHash);
  return parseHash(hash);
}
