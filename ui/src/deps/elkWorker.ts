//! ELK's layered layout in a web worker, so laying out 2,000 items never freezes the window.
//! Bundled by Vite as a file of the app's own origin (the CSP's `script-src 'self'` allows it);
//! ELK is plain JavaScript here (no eval), and the worker's realm has no frozen prototypes.

import ELK, { type ElkNode } from "elkjs/lib/elk.bundled.js";
import type { LayoutReply, LayoutRequest } from "./layoutTypes";

const elk = new ELK();

// Importing ELK's bundle in a worker also installs ELK's own message handler: replace it.
self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const { id, graph } = event.data;
  elk
    .layout(graph)
    .then((out: ElkNode) => {
      const ids: string[] = [];
      const xy: number[] = [];
      for (const child of out.children ?? []) {
        ids.push(child.id);
        xy.push(child.x ?? 0, child.y ?? 0);
      }
      const reply: LayoutReply = { id, ids, xy };
      self.postMessage(reply);
    })
    .catch((err: unknown) => {
      const reply: LayoutReply = { id, error: err instanceof Error ? err.message : String(err) };
      self.postMessage(reply);
    });
};
