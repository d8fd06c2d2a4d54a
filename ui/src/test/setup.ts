import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// A page mounts its cards in turns (queued tasks) and jsdom renders slowly on a loaded machine:
// what a test waits for may take over testing-library's default second to appear there.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
  window.location.hash = "";
});

// jsdom has no scrolling: make scrollTo move scrollTop and announce it, as a browser does.
Element.prototype.scrollTo = function scrollTo(this: Element, arg?: ScrollToOptions | number, y?: number) {
  const top = typeof arg === "object" ? arg.top : y;
  if (typeof top === "number") this.scrollTop = top;
  this.dispatchEvent(new Event("scroll"));
};

const scrollTops = new WeakMap<Element, number>();
Object.defineProperty(Element.prototype, "scrollTop", {
  configurable: true,
  get(this: Element) {
    return scrollTops.get(this) ?? 0;
  },
  set(this: Element, value: number) {
    scrollTops.set(this, value);
  },
});

// Radix measures its popovers and cmdk scrolls the active option into view: jsdom has neither.
class NoResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
if (!("ResizeObserver" in globalThis)) {
  Object.defineProperty(globalThis, "ResizeObserver", { value: NoResizeObserver, configurable: true });
}
if (!Element.prototype.scrollIntoView) {
  Element.prototype.scrollIntoView = function scrollIntoView() {};
}
// Radix checks pointer capture on pointer events.
if (!Element.prototype.hasPointerCapture) {
  Element.prototype.hasPointerCapture = () => false;
  Element.prototype.releasePointerCapture = () => {};
}
