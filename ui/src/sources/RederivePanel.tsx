//! "Apply to existing items": a rule change moves no stored item by itself. The preview (Rust
//! derives every synced item again from its raw record) says how many items would change and
//! lists some; applying writes exactly those. Titles are text, never HTML.

import { useMutation } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ipc, type RederiveReport } from "../lib/ipc";
import { PROVENANCE_LABELS } from "../workgraph/vocabulary";

function Changes({ report }: { report: RederiveReport }) {
  return (
    <ul className="rederive-examples small" data-testid="rederive-examples">
      {report.examples.map((e) => (
        <li key={e.itemId}>
          <span className="mono">{e.key}</span> {e.title}:{" "}
          {e.teamBefore !== e.teamAfter ? (
            <span>
              team {e.teamBefore ?? "none"} → {e.teamAfter ?? "none"}
            </span>
          ) : null}
          {e.teamBefore !== e.teamAfter && e.provenanceBefore !== e.provenanceAfter ? "; " : null}
          {e.provenanceBefore !== e.provenanceAfter ? (
            <span>
              {PROVENANCE_LABELS[e.provenanceBefore]} → {PROVENANCE_LABELS[e.provenanceAfter]}
            </span>
          ) : null}
        </li>
      ))}
      {report.changed > report.examples.length ? (
        <li className="muted">and {report.changed - report.examples.length} more</li>
      ) : null}
    </ul>
  );
}

/** `rulesVersion` changes whenever the rules do: an older preview no longer holds. */
export function RederivePanel({ rulesVersion }: { rulesVersion: number }) {
  const [report, setReport] = useState<RederiveReport | null>(null);
  const preview = useMutation({ mutationFn: ipc.rulesRederivePreview, onSuccess: setReport });
  const apply = useMutation({ mutationFn: ipc.rulesRederiveApply, onSuccess: setReport });
  // biome-ignore lint/correctness/useExhaustiveDependencies: the version is the trigger
  useEffect(() => {
    setReport((r) => (r?.applied ? r : null));
  }, [rulesVersion]);
  const failed = preview.error ?? apply.error;
  return (
    <div className="rederive" data-testid="rederive">
      <h3 className="section-title">Existing items</h3>
      <p className="muted small">
        Rules apply to items as they are synced. To apply changed rules to every item synced before, Baton
        derives each one again from the record it stored, without asking the source.
      </p>
      <div className="button-row">
        <button
          type="button"
          className="btn"
          onClick={() => preview.mutate()}
          disabled={preview.isPending || apply.isPending}
          data-testid="rederive-preview"
        >
          {preview.isPending ? "Checking…" : "Check existing items"}
        </button>
        {report && !report.applied && report.changed > 0 ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => apply.mutate()}
            disabled={apply.isPending}
            data-testid="rederive-apply"
          >
            Apply to {report.changed} {report.changed === 1 ? "item" : "items"}
          </button>
        ) : null}
      </div>
      {report ? (
        <div role="status" data-testid="rederive-report">
          <p className="small">
            {report.applied
              ? `Moved ${report.changed} of ${report.checked} items`
              : report.changed === 0
                ? `The rules move none of the ${report.checked} synced items.`
                : `${report.changed} of ${report.checked} synced items would change`}
            {report.changed > 0
              ? ` (team: ${report.teamChanged}, provenance: ${report.provenanceChanged}).`
              : null}
          </p>
          {report.changed > 0 ? <Changes report={report} /> : null}
        </div>
      ) : null}
      {failed ? (
        <p className="error-text small" role="alert">
          {failed.message}
        </p>
      ) : null}
    </div>
  );
}
