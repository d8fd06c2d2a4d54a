//! A failure explained: what happened (from the code), what to do, and Rust's own sentence with
//! the code, so nothing is hidden.

import type { ErrorCode, SourceKind } from "../lib/ipc";
import { Icon } from "../shared/Icon";
import { explain } from "./messages";

export function ProblemNote({
  code,
  missingScope = null,
  message,
  kind,
  testId,
  compact = false,
}: {
  code: ErrorCode | null;
  /** The permission the token lacks, as Rust named it. */
  missingScope?: string | null;
  message: string | null;
  kind: SourceKind | null;
  testId?: string;
  compact?: boolean;
}) {
  const what = explain(code, kind, missingScope);
  return (
    <div
      className={compact ? "problem-note problem-note-compact" : "problem-note"}
      role="alert"
      data-testid={testId}
      data-code={code ?? ""}
    >
      <Icon name="alert" className="problem-note-icon" />
      <div className="problem-note-text">
        <p className="problem-note-title" data-testid={testId ? `${testId}-title` : undefined}>
          {what.title}
        </p>
        <p className="problem-note-hint">{what.hint}</p>
        {message || code ? (
          <p className="problem-note-detail">
            {message ? <span className="problem-note-message">{message}</span> : null}
            {code ? <code className="problem-note-code">{code}</code> : null}
          </p>
        ) : null}
      </div>
    </div>
  );
}
