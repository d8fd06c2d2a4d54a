//! The messages between the page and the layout worker.

import type { ElkNode } from "elkjs/lib/elk-api";

export type LayoutRequest = { id: number; graph: ElkNode };

/** Top-left corners, as ELK gives them: `xy[2i]`, `xy[2i + 1]` for `ids[i]`. */
export type LayoutReply = { id: number; ids: string[]; xy: number[] } | { id: number; error: string };
