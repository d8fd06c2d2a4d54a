//! How the work graph's enumerations are named and coloured in the interface.

import type {
  CycleRule,
  FlowState,
  ItemKind,
  LinkDirection,
  LinkKind,
  Provenance,
  SourceKind,
  Stage,
  WaitReason,
} from "../lib/ipc";
import type { ResolvedTheme } from "../shared/theme";

/** In the order the summary's `teamStates.counts` uses. */
export const FLOW_STATES: readonly FlowState[] = ["new", "waiting", "active", "done", "canceled"];

export const FLOW_STATE_LABELS: Record<FlowState, string> = {
  new: "New",
  waiting: "Waiting",
  active: "Active",
  done: "Done",
  canceled: "Canceled",
};

export const FLOW_STATE_HINTS: Record<FlowState, string> = {
  new: "Not yet committed to (backlog, triage)",
  waiting: "Committed to, but nobody is working on it (queue, review, approval, blocked…)",
  active: "Someone is working on it",
  done: "Delivered",
  canceled: "Dropped without delivery",
};

const FLOW_COLORS: Record<ResolvedTheme, Record<FlowState, string>> = {
  light: { new: "#8a94a6", waiting: "#d97706", active: "#2563eb", done: "#15803d", canceled: "#b4b8c2" },
  dark: { new: "#8d97aa", waiting: "#f0a53c", active: "#5b8ff5", done: "#3fb96b", canceled: "#5d6170" },
};

export function flowStateColor(state: FlowState, theme: ResolvedTheme): string {
  return FLOW_COLORS[theme][state];
}

export const WAIT_REASON_LABELS: Record<WaitReason, string> = {
  queue: "In a queue",
  review: "In review",
  approval: "Awaiting approval",
  security: "Security review",
  decision: "Awaiting decision",
  dependency: "Waiting on a dependency",
  blocked: "Blocked",
};

export const WAIT_REASONS: readonly WaitReason[] = [
  "queue",
  "review",
  "approval",
  "security",
  "decision",
  "dependency",
  "blocked",
];

/** The columns of the bottleneck matrix, in flow order (as Rust's `Stage::ALL`). */
export const STAGES: readonly Stage[] = [
  "queue",
  "active",
  "review",
  "security",
  "approval",
  "decision",
  "dependency",
  "blocked",
  "waiting",
];

export const STAGE_LABELS: Record<Stage, string> = {
  queue: "Queue",
  active: "Active",
  review: "Review",
  security: "Security",
  approval: "Approval",
  decision: "Decision",
  dependency: "Dependency",
  blocked: "Blocked",
  waiting: "Waiting (no reason)",
};

export const CYCLE_RULE_LABELS: Record<CycleRule, string> = {
  last_entry: "Reopened work counts again",
  first_entry: "Done once, done for good",
};

/** The chosen rule in one plain sentence, shown beside the choice. */
export const CYCLE_RULE_SUMMARIES: Record<CycleRule, string> = {
  last_entry:
    "An item reopened after Done is unfinished work again; its cycle time runs to the last time it was done.",
  first_entry: "An item counts as finished the first time it reached Done, even if it was reopened later.",
};

export const CYCLE_RULE_HINTS: Record<CycleRule, string> = {
  last_entry:
    "An item finishes at its last entry into Done, and only if it is still Done: a reopened item is unfinished work again, and a return to the backlog restarts its clock.",
  first_entry:
    "An item finishes at its first entry into Done, whatever happened later; its cycle starts at its first start.",
};

/** Pull-request segments as Rust names them, in order. */
export const PR_SEGMENT_LABELS: Record<string, string> = {
  coding: "Coding",
  pickup: "Pickup",
  review: "Review",
  merge: "Merge",
};

export const ITEM_KINDS: readonly ItemKind[] = [
  "feature",
  "defect",
  "risk",
  "debt",
  "task",
  "pull_request",
  "review",
  "approval",
  "deployment",
  "incident",
];

export const ITEM_KIND_LABELS: Record<ItemKind, string> = {
  feature: "Feature",
  defect: "Defect",
  risk: "Risk",
  debt: "Debt",
  task: "Task",
  pull_request: "Pull request",
  review: "Review",
  approval: "Approval",
  deployment: "Deployment",
  incident: "Incident",
};

export const PROVENANCES: readonly Provenance[] = ["human", "ai_agent", "automation"];

export const PROVENANCE_LABELS: Record<Provenance, string> = {
  human: "Human",
  ai_agent: "AI agent",
  automation: "Automation",
};

export const PROVENANCE_HINTS: Record<Provenance, string> = {
  human: "Made by a person",
  ai_agent: "Authored by an AI coding agent (bot login, Co-authored-by trailer or label)",
  automation: "Made by a bot that is not an AI agent, such as a dependency updater",
};

export const SOURCE_KIND_LABELS: Record<SourceKind, string> = {
  github: "GitHub",
  jira: "Jira",
  gitlab: "GitLab",
  linear: "Linear",
  file: "File import",
};

/** Two-letter marks drawn in the source badge (no remote logos). */
export const SOURCE_KIND_MARKS: Record<SourceKind, string> = {
  github: "GH",
  jira: "JI",
  gitlab: "GL",
  linear: "LI",
  file: "FI",
};

/** How a link reads from the item's side: "Blocks" / "Blocked by". */
export function linkLabel(kind: LinkKind, direction: LinkDirection): string {
  const out = direction === "outgoing";
  switch (kind) {
    case "blocks":
      return out ? "Blocks" : "Blocked by";
    case "duplicates":
      return out ? "Duplicates" : "Duplicated by";
    case "relates":
      return "Relates to";
    case "parent":
      return out ? "Parent of" : "Child of";
    case "implements":
      return out ? "Implements" : "Implemented by";
    case "deploys":
      return out ? "Deploys" : "Deployed by";
  }
}

/** The order link groups are listed in (what matters for delivery first). */
export const LINK_GROUP_ORDER: readonly string[] = [
  "Blocked by",
  "Blocks",
  "Child of",
  "Parent of",
  "Implements",
  "Implemented by",
  "Deploys",
  "Deployed by",
  "Duplicates",
  "Duplicated by",
  "Relates to",
];

/** "approved" → "Approved", "changes_requested" → "Changes requested". */
export function humanizeState(raw: string): string {
  const text = raw.replace(/_/g, " ").trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : raw;
}

/**
 * A key that fits a narrow column without losing its distinctive end:
 * "acme/payments-service#1671" → "acme/pay…#1671". Short keys are returned as they are.
 */
export function shortKey(key: string, max = 16): string {
  if (key.length <= max) return key;
  const cut = Math.max(key.lastIndexOf("#"), key.lastIndexOf("-"));
  const tail = cut > 0 && key.length - cut < max - 3 ? key.slice(cut) : key.slice(-(max - 4));
  return `${key.slice(0, max - tail.length - 1)}…${tail}`;
}
