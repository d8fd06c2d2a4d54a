//! Small pieces the Dependencies sections share: an item as a key chip that opens it, the
//! "focus in graph" button, badges. Keys, titles and team names are always rendered as text.

import type { DepItem, ItemRef } from "../lib/ipc";
import { FLOW_STATE_LABELS, STAGE_LABELS, shortKey } from "../workgraph/vocabulary";

/** "PAY-12 Fix the checkout" for a tooltip or an accessible name. */
export function describeItem(item: ItemRef): string {
  return item.title ? `${item.key} ${item.title}` : item.key;
}

/** The item's state as people read it: its stage when waiting or active, else its flow state. */
export function stateLabel(i: Pick<DepItem, "flowState" | "stage">): string {
  return i.stage ? STAGE_LABELS[i.stage] : FLOW_STATE_LABELS[i.flowState];
}

/** An item as a small chip with its key; the title shows beside it when `withTitle`. */
export function ItemChip({
  item,
  onOpen,
  withTitle = false,
  testId = "dep-item",
}: {
  item: DepItem;
  onOpen: (id: string) => void;
  withTitle?: boolean;
  testId?: string;
}) {
  const team = item.teamName ?? "No team";
  return (
    <button
      type="button"
      className={`dep-chip dep-chip-${item.flowState}`}
      title={`${describeItem(item.item)} · ${team} · ${stateLabel(item)}`}
      aria-label={`Open ${describeItem(item.item)}`}
      onClick={() => onOpen(item.item.id)}
      data-testid={testId}
      data-id={item.item.id}
    >
      <span className="mono dep-chip-key">{shortKey(item.item.key)}</span>
      {withTitle && item.item.title ? <span className="dep-chip-title">{item.item.title}</span> : null}
    </button>
  );
}

export function TeamName({ item }: { item: Pick<DepItem, "teamName"> }) {
  return item.teamName ? <span>{item.teamName}</span> : <span className="muted">No team</span>;
}

export function FocusButton({
  id,
  onFocus,
  label,
}: {
  id: string;
  onFocus: (id: string) => void;
  /** What is focused, for screen readers. */
  label: string;
}) {
  return (
    <button
      type="button"
      className="btn btn-small btn-ghost dep-focus-btn"
      onClick={() => onFocus(id)}
      aria-label={`Focus the item graph on ${label}`}
      title="Show this item's neighbourhood in the item graph"
      data-testid="dep-focus"
    >
      Focus in graph
    </button>
  );
}

export function DefaultBadge({ text, hint }: { text: string; hint: string }) {
  return (
    <span className="tag tag-warning dep-default" title={hint}>
      {text}
    </span>
  );
}
