//! Query options for the Overview's "where work is stuck" answer and the lists behind it. Keyed
//! under "deps": they read the same facts as the Dependencies page and go stale with it.

import { queryOptions } from "@tanstack/react-query";
import { type AttentionList, ipc } from "../lib/ipc";

export const attentionQuery = () =>
  queryOptions({ queryKey: ["deps", "attention"], queryFn: ipc.overviewAttention, staleTime: 30_000 });

export const attentionItemsQuery = (list: AttentionList) =>
  queryOptions({
    queryKey: ["deps", "attention", "items", list],
    queryFn: () => ipc.overviewAttentionItems(list),
    staleTime: 30_000,
  });
