//! The drawer's "Files and conflicts" section of a change: the files it touches (with their
//! CODEOWNERS owners) and its conflicts with other teams' code or changes, each in words.

import { useQuery } from "@tanstack/react-query";
import type { ConflictRule } from "../lib/ipc";
import { plural } from "../shared/format";
import { ErrorState, LoadingState } from "../shared/states";
import { itemsQueries } from "./queries";

/** Short names of the conflict rules (definitions: docs/metrics.md, "Conflicting changes"). */
export const CONFLICT_RULE_LABELS: Record<ConflictRule, string> = {
  cross_owner_unreviewed: "Another team's code, not reviewed by it",
  overlapping: "Overlaps another open change",
  ai_across_teams: "Agent change across teams",
  sensitive_unreviewed: "Sensitive path, required review missing",
};

/** The most files listed before "and N more". */
const SHOWN = 50;

export function ChangedFiles({ itemId, onOpenItem }: { itemId: string; onOpenItem: (id: string) => void }) {
  const changes = useQuery(itemsQueries.changes(itemId));
  if (changes.isPending) return <LoadingState label="Loading the files it touches…" />;
  if (changes.isError) {
    return (
      <ErrorState title="Could not load the files" error={changes.error} onRetry={() => changes.refetch()} />
    );
  }
  const c = changes.data;
  if (!c.read) return null;
  const more = c.files.length - SHOWN;
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
          {c.conflicts.length ? `, ${plural(c.conflicts.length, "conflict")}` : ""})
        </span>
      </h3>
      {c.conflicts.length > 0 ? (
        <ul className="decision-list" data-testid="detail-conflicts">
          {c.conflicts.map((x, i) => (
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
              {x.otherItem && x.otherItem.id !== itemId ? (
                <button
                  type="button"
                  className="link-button small mono"
                  onClick={() => x.otherItem && onOpenItem(x.otherItem.id)}
                >
                  {x.otherItem.key} {x.otherItem.title}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No conflict with another team's code or change.</p>
      )}
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
