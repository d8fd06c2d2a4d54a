//! A part of a page mounted in its turn in the draw queue (`drawQueue`), not with the page.
//!
//! A page's first visit used to mount every card at once: React's render, then the browser's
//! first style and layout of the whole page (forced by the first chart measuring its width),
//! in one task: on Flow 160–280 ms in WebKitGTK, a stall of the window. With the cards after the
//! first in turns, the first task lays out the page's head and first card, and each later card
//! is rendered and laid out in a queued task of its own (cheap ones share a task, `SLICE_MS`),
//! so the window keeps painting and answering between them. Until its turn a card is an empty
//! card of the same width in the grid. It counts as drawing (`perf.ts`) until it has mounted, so
//! the page's drawn mark still waits for every chart. Only the first mount waits: later renders
//! (a filter change) render at once, as before. Each card is laid out in its own turn (a forced
//! layout after its commit), so a turn's cost is what the queue's 50 ms slice measures.

import { type ReactNode, useLayoutEffect, useState } from "react";
import { flushSync } from "react-dom";
import { queueDraw } from "./drawQueue";
import { chartDrawing, chartFinished } from "./perf";

export function InTurn({
  children,
  wide = false,
  height,
}: {
  children: ReactNode;
  /** Whether the card spans the grid's width (as the card it stands for). */
  wide?: boolean;
  /** The waiting card's height (px). */
  height: number;
}) {
  const [shown, setShown] = useState(false);
  useLayoutEffect(() => {
    const token = {};
    let live = true;
    chartDrawing(token);
    queueDraw(() => {
      // The card's charts count as drawing from this commit, before the card stops counting.
      if (live) {
        flushSync(() => setShown(true));
        // The card's style and layout in this task, where the queue's slice counts them (a
        // card without a chart reading its width would otherwise be laid out after the
        // slice, with every card mounted in it, in one long task).
        if (typeof document !== "undefined") document.body?.getBoundingClientRect();
      }
      chartFinished(token);
    });
    return () => {
      live = false;
      chartFinished(token);
    };
  }, []);
  if (shown) return children;
  return (
    <div
      className={
        wide ? "card chart-card chart-wide chart-card-waiting" : "card chart-card chart-card-waiting"
      }
      style={{ minHeight: height }}
      aria-hidden="true"
      data-testid="chart-card-waiting"
    />
  );
}
