//! Small visual tokens for work-graph values: flow state chip, source badge, AI badge.

import type { FlowState, Provenance, SourceKind, WaitReason } from "../lib/ipc";
import {
  FLOW_STATE_HINTS,
  FLOW_STATE_LABELS,
  PROVENANCE_HINTS,
  PROVENANCE_LABELS,
  SOURCE_KIND_LABELS,
  SOURCE_KIND_MARKS,
  WAIT_REASON_LABELS,
} from "./vocabulary";

export function FlowStateChip({ state, rawState }: { state: FlowState; rawState?: string }) {
  return (
    <span className={`chip chip-${state}`} title={`${FLOW_STATE_LABELS[state]}: ${FLOW_STATE_HINTS[state]}`}>
      <span className="chip-dot" aria-hidden="true" />
      <span className="chip-text">
        <span>{rawState ?? FLOW_STATE_LABELS[state]}</span>
      </span>
    </span>
  );
}

export function WaitReasonTag({ reason }: { reason: WaitReason }) {
  return (
    <span className="wait-tag" title={`Waits because: ${WAIT_REASON_LABELS[reason].toLowerCase()}`}>
      <span>{WAIT_REASON_LABELS[reason]}</span>
    </span>
  );
}

export function SourceBadge({ kind, name }: { kind: SourceKind; name?: string }) {
  return (
    <span className="source-badge" title={`${SOURCE_KIND_LABELS[kind]}${name ? `: ${name}` : ""}`}>
      <span className={`source-mark source-${kind}`} aria-hidden="true">
        {SOURCE_KIND_MARKS[kind]}
      </span>
      <span className="source-name">
        <span>{name ?? SOURCE_KIND_LABELS[kind]}</span>
      </span>
    </span>
  );
}

export function ProvenanceBadge({ provenance, agent }: { provenance: Provenance; agent: string | null }) {
  if (provenance === "ai_agent") {
    return (
      <span className="prov prov-ai" title={`${PROVENANCE_HINTS.ai_agent}${agent ? ` — ${agent}` : ""}`}>
        <abbr className="ai-badge" title="Authored by an AI coding agent">
          AI
        </abbr>
        <span className="prov-agent">
          <span>{agent ?? "AI agent"}</span>
        </span>
      </span>
    );
  }
  return (
    <span className={`prov prov-${provenance}`} title={PROVENANCE_HINTS[provenance]}>
      {PROVENANCE_LABELS[provenance]}
    </span>
  );
}

export function BotBadge() {
  return (
    <abbr className="bot-badge" title="A bot account, not a person">
      bot
    </abbr>
  );
}
