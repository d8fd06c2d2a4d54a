/// <reference types="vite/client" />

/** The interface's version, from the root package.json (set by Vite). */
declare const __UI_VERSION__: string;

interface Window {
  /** Set once React has mounted; the boot guard (public/boot-guard.js) checks it. */
  __batonMounted?: boolean;
}
