//! The words of the Triage page: the reasons an item is listed (their definitions live in
//! `docs/metrics.md`, "Triage"), the actions and the keys that take them.

import type { DecisionKind, Reason, TriageShow, TriageSort } from "../lib/ipc";
import { metricDefinition } from "../metrics/definitions";

/** Every reason, in the order the page lists them (as Rust's `Reason::ALL`). */
export const REASONS: readonly Reason[] = [
  "ai_no_accountable",
  "ai_unreviewed",
  "ai_idle",
  "new_untriaged",
  "handoff_undelivered",
  "aging_past_p85",
  "unmapped_state",
  "policy_violation",
  "duplicate_candidate",
  "conflicting_change",
];

export const REASON_LABELS: Record<Reason, string> = {
  ai_no_accountable: "AI work with no accountable human",
  ai_unreviewed: "AI pull request without independent review",
  ai_idle: "AI or automated work idle",
  new_untriaged: "New work not triaged",
  handoff_undelivered: "Handoff never picked up",
  aging_past_p85: "Older than the team's 85th percentile",
  unmapped_state: "State not in the workflow map",
  policy_violation: "Breaks a blocking policy",
  duplicate_candidate: "Looks like another team's work",
  conflicting_change: "Conflicts with another team's code or change",
};

/** Short names for the tags in a row. */
export const REASON_SHORT: Record<Reason, string> = {
  ai_no_accountable: "No accountable human",
  ai_unreviewed: "No independent review",
  ai_idle: "Idle",
  new_untriaged: "Not triaged",
  handoff_undelivered: "Handoff not picked up",
  aging_past_p85: "Past team P85",
  unmapped_state: "Unmapped state",
  policy_violation: "Policy violation",
  duplicate_candidate: "Possible duplicate",
  conflicting_change: "Conflicting change",
};

/** The `docs/metrics.md` section that defines a reason. */
export function reasonMetricId(reason: Reason): string {
  return `triage-${reason}`;
}

/** A reason's definition as plain text (its first paragraph), for tooltips. */
export function reasonDefinition(reason: Reason): string {
  const body = metricDefinition(reasonMetricId(reason))?.body ?? "";
  const first = body.split(/\n\s*\n/)[0] ?? "";
  return first
    .replace(/\*\*|\*|`/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

export function isReason(value: string): value is Reason {
  return (REASONS as readonly string[]).includes(value);
}

export const SORT_LABELS: Record<TriageSort, string> = {
  age: "Longest waiting",
  waiting_on_it: "Most items waiting on it",
};

export const SHOW_LABELS: Record<TriageShow, string> = {
  open: "Needs a decision",
  decided: "Decided",
};

/** What a decision's kind is called. */
export const DECISION_LABELS: Record<DecisionKind, string> = {
  owner_set: "Owner set",
  accepted: "Accepted",
  rejected: "Rejected",
  deferred: "Deferred",
  duplicate_confirmed: "Duplicate",
  duplicate_dismissed: "Not a duplicate",
  handoff_delivered: "Handoff delivered",
  intent_linked: "Intent linked",
  intent_unaligned: "No intent, on purpose",
  note: "Note",
  revoked: "Undone",
  thresholds_set: "Thresholds set",
  approval_requested: "Decision asked",
  approval_answered: "Decision answered",
  conflict_acknowledged: "Conflict acknowledged",
  conflict_dismissed: "Conflict dismissed",
};

/** The actions on a listed item, each with its one key. */
export type ActionId = "owner" | "accept" | "reject" | "defer" | "intent" | "duplicate" | "note" | "handoff";

export const ACTIONS: readonly { id: ActionId; key: string; label: string; hint: string }[] = [
  { id: "owner", key: "o", label: "Owner", hint: "Set the accountable owner" },
  { id: "accept", key: "a", label: "Accept", hint: "Fine as it is, for the reasons it is listed for" },
  { id: "reject", key: "r", label: "Reject", hint: "The work should not be done" },
  { id: "defer", key: "d", label: "Defer", hint: "Look again on a date, or when it changes" },
  { id: "intent", key: "i", label: "Intent", hint: "Link it to the intent it serves" },
  { id: "duplicate", key: "u", label: "Duplicate", hint: "Mark it as a duplicate of another item" },
  { id: "note", key: "n", label: "Note", hint: "Add a note to its history" },
  { id: "handoff", key: "h", label: "Handoff delivered", hint: "The blocker's handoff did arrive" },
];

export const UNDO_KEY = "z";
