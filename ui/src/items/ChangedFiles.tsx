//! The drawer's "Files and conflicts" section of a change: the files it touches (with their
//! CODEOWNERS owners) and its conflicts with other teams' code or changes, each in words, each
//! answerable (acknowledged or dismissed, with why: a decision that holds until the change
//! changes). Paths, titles and reasons are rendered as text.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { type ConflictItem, type ConflictRule, type ConflictView, ipc } from "../lib/ipc";
import { formatCount, formatDateTime, plural } from "../shared/format";
import { ErrorState, LoadingState } from "../shared/states";
import { itemsQueries } from "./queries";

/** Short names of the conflict rules (definitions: docs/metrics.md, "Conflicting changes"). */
export const CONFLICT_RULE_LABELS: Record<ConflictRule, string> = {
  cross_owner_unreviewed: "Another team's code, not reviewed by it",
  overlapping: "Overlaps other open changes",
  ai_across_teams: "Agent change across teams",
  sensitive_unreviewed: "Sensitive path, required review missing",
};

/** The most files listed before "and N more". */
const SHOWN = 50;

/**
 * The most conflicts listed before "Show all": a change can touch the code of several teams and
 * overlap the open changes of several (one flag per team each), and the list would bury the
 * files.
 */
const CONFLICTS_SHOWN = 5;

/** The most other changes of an overlap listed before "and N more". */
const OTHERS_SHOWN = 5;

/** What an answer holds until, by rule (docs/metrics.md, "Conflicting changes"). */
function answerHolds(rule: ConflictRule): string {
  return rule === "overlapping"
    ? "until the pull request or one it overlaps changes, or another change of that team overlaps it"
    : "until the pull request changes";
}

/** The other open changes an overlap names, each a link to open it in the drawer. */
function OtherChanges({ items, onOpenItem }: { items: ConflictItem[]; onOpenItem: (id: string) => void }) {
  const [all, setAll] = useState(false);
  if (items.length === 0) return null;
  const shown = all ? items : items.slice(0, OTHERS_SHOWN);
  return (
    <ul className="conflict-others small" aria-label="The changes it overlaps" data-testid="conflict-others">
      {shown.map((o) => (
        <li key={o.id}>
          <button type="button" className="link-button mono" onClick={() => onOpenItem(o.id)}>
            {o.key}
          </button>{" "}
          <span>{o.title}</span>
          {o.ai ? <span className="tag">AI agent</span> : null}
        </li>
      ))}
      {items.length > OTHERS_SHOWN ? (
        <li>
          <button
            type="button"
            className="link-button"
            aria-expanded={all}
            data-testid="conflict-others-more"
            onClick={() => setAll(!all)}
          >
            {all
              ? `Show the first ${OTHERS_SHOWN} only`
              : `and ${formatCount(items.length - OTHERS_SHOWN)} more`}
          </button>
        </li>
      ) : null}
    </ul>
  );
}

/** How many flags of each rule, in the rules' order: "Overlaps other open changes: 43 · …". */
export function conflictsByRule(conflicts: ConflictView[]): string {
  const counts = new Map<ConflictRule, number>();
  for (const c of conflicts) counts.set(c.rule, (counts.get(c.rule) ?? 0) + 1);
  return (Object.keys(CONFLICT_RULE_LABELS) as ConflictRule[])
    .filter((r) => counts.has(r))
    .map((r) => `${CONFLICT_RULE_LABELS[r]}: ${formatCount(counts.get(r) ?? 0)}`)
    .join(" · ");
}

/** Acknowledge or dismiss a conflict (with why), or take the answer back. */
function ConflictAnswerControls({ conflict, itemId }: { conflict: ConflictView; itemId: string }) {
  const client = useQueryClient();
  const [mode, setMode] = useState<"acknowledge" | "dismiss" | null>(null);
  const [why, setWhy] = useState("");
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ["items", "changes", itemId] });
    void client.invalidateQueries({ queryKey: ["triage"] });
  };
  const answer = useMutation({
    mutationFn: (acknowledge: boolean) =>
      ipc.conflictsAnswer({
        item: conflict.item.id,
        rule: conflict.rule,
        other: conflict.otherId,
        acknowledge,
        why: why.trim(),
      }),
    onSuccess: () => {
      setMode(null);
      setWhy("");
      refresh();
    },
  });
  const undo = useMutation({
    mutationFn: (decisionId: string) => ipc.triageUndo(decisionId, ""),
    onSuccess: refresh,
  });
  const a = conflict.answer;
  if (a) {
    return (
      <p className="muted small" data-testid="conflict-answer">
        <span className="tag">{a.acknowledged ? "Acknowledged" : "Dismissed"}</span> by {a.actor},{" "}
        <time dateTime={a.at}>{formatDateTime(a.at)}</time>
        {a.why ? <>: {a.why}</> : null} · off Triage {answerHolds(conflict.rule)}{" "}
        <button
          type="button"
          className="btn btn-small btn-ghost"
          disabled={undo.isPending}
          onClick={() => undo.mutate(a.decisionId)}
          data-testid="conflict-answer-undo"
        >
          Take back
        </button>
        {undo.isError ? (
          <span className="error-text" role="alert">
            {" "}
            Not taken back: {undo.error.message}
          </span>
        ) : null}
      </p>
    );
  }
  if (mode === null) {
    return (
      <div className="button-row">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setMode("acknowledge")}
          title={`It is real and known: take it off Triage ${answerHolds(conflict.rule)}`}
          data-testid="conflict-acknowledge"
        >
          Acknowledge
        </button>
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={() => setMode("dismiss")}
          title={`It is not a problem: take it off Triage ${answerHolds(conflict.rule)}`}
          data-testid="conflict-dismiss"
        >
          Dismiss
        </button>
      </div>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    answer.mutate(mode === "acknowledge");
  };
  return (
    <form className="triage-form" onSubmit={submit} data-testid="conflict-answer-form">
      <label className="triage-field">
        <span>Why ({mode === "acknowledge" ? "acknowledged" : "dismissed"}; recorded with who and when)</span>
        <input
          className="input"
          value={why}
          maxLength={4000}
          // biome-ignore lint/a11y/noAutofocus: the form opens on the person's click, to type the reason
          autoFocus
          onChange={(e) => setWhy(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") setMode(null);
          }}
          data-testid="conflict-answer-why"
        />
      </label>
      <div className="button-row">
        <button type="submit" className="btn btn-small btn-primary" disabled={answer.isPending}>
          {mode === "acknowledge" ? "Acknowledge" : "Dismiss"}
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => setMode(null)}>
          Cancel
        </button>
      </div>
      {answer.isError ? (
        <p className="error-text small" role="alert">
          Not recorded: {answer.error.message}
        </p>
      ) : null}
    </form>
  );
}

export function ChangedFiles({ itemId, onOpenItem }: { itemId: string; onOpenItem: (id: string) => void }) {
  const changes = useQuery(itemsQueries.changes(itemId));
  // Which item's whole list is shown (another item opened in the drawer starts folded).
  const [unfolded, setUnfolded] = useState<string | null>(null);
  const allConflicts = unfolded === itemId;
  if (changes.isPending) return <LoadingState label="Loading the files it touches…" />;
  if (changes.isError) {
    return (
      <ErrorState title="Could not load the files" error={changes.error} onRetry={() => changes.refetch()} />
    );
  }
  const c = changes.data;
  if (!c.read) return null;
  const more = c.files.length - SHOWN;
  const answered = c.conflicts.filter((x) => x.answer).length;
  const folded = c.conflicts.length > CONFLICTS_SHOWN;
  const shownConflicts = allConflicts ? c.conflicts : c.conflicts.slice(0, CONFLICTS_SHOWN);
  return (
    <section className="detail-section" aria-labelledby="files-title" data-testid="detail-files">
      <h3
        id="files-title"
        className="section-title"
        title="How it is read: docs/connectors.md, “Conflicting changes”"
      >
        Files and conflicts{" "}
        <span className="muted">
          ({plural(c.files.length, "file")}
          {c.truncated ? ", the source listed only the first 3,000" : ""}
          {c.conflicts.length ? `, ${plural(c.conflicts.length, "conflict")}` : ""}
          {answered ? `, ${formatCount(answered)} answered` : ""})
        </span>
      </h3>
      {folded ? (
        <p className="muted small" data-testid="conflicts-by-rule">
          {conflictsByRule(c.conflicts)}
        </p>
      ) : null}
      {c.conflicts.length > 0 ? (
        <ul className="decision-list" data-testid="detail-conflicts">
          {shownConflicts.map((x, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a conflict list is recomputed whole; entries have no id
            <li key={`${x.item.id}-${x.rule}-${i}`}>
              <strong title="Definition: docs/metrics.md, “Conflicting changes”">
                {CONFLICT_RULE_LABELS[x.rule]}
              </strong>
              {x.item.id !== itemId ? (
                <>
                  {" "}
                  <span className="muted small">on</span>{" "}
                  <button type="button" className="link-button mono" onClick={() => onOpenItem(x.item.id)}>
                    {x.item.key}
                  </button>
                </>
              ) : null}
              <p className="decision-why">{x.reason}</p>
              <OtherChanges items={x.otherItems} onOpenItem={onOpenItem} />
              {x.item.id === itemId ? <ConflictAnswerControls conflict={x} itemId={itemId} /> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No conflict with another team's code or change.</p>
      )}
      {folded ? (
        <button
          type="button"
          className="link-button small"
          aria-expanded={allConflicts}
          data-testid="conflicts-more"
          onClick={() => setUnfolded(allConflicts ? null : itemId)}
        >
          {allConflicts
            ? `Show the first ${CONFLICTS_SHOWN} only`
            : `Show all ${formatCount(c.conflicts.length)} conflicts (${formatCount(c.conflicts.length - CONFLICTS_SHOWN)} more)`}
        </button>
      ) : null}
      <p className="muted small">
        {c.codeowners ? `Owners from ${c.codeowners}.` : "The repository has no CODEOWNERS file Baton read."}
      </p>
      <ul className="file-list mono small" aria-label="Files it touches">
        {c.files.slice(0, SHOWN).map((f) => (
          <li key={f.path}>
            <span>{f.path}</span>{" "}
            <span className="muted">
              {f.status} +{f.additions} −{f.deletions}
              {f.owners.length ? ` · ${f.owners.join(" ")}` : ""}
            </span>
          </li>
        ))}
      </ul>
      {more > 0 ? <p className="muted small">and {plural(more, "more file")}</p> : null}
    </section>
  );
}
