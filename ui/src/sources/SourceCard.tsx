//! One source on the Sources screen: what it syncs, whether its schedule is on, how its last
//! sync went and when the next is due, its controls (sync now, cancel, history, edit, remove),
//! its live progress bar, and its history.

import { useEffect, useRef, useState } from "react";
import { rustCode, type SourceView, toIpcError } from "../lib/ipc";
import { formatDateTime, formatRelative, plural } from "../shared/format";
import { Icon } from "../shared/Icon";
import { SourceBadge } from "../workgraph/badges";
import { SOURCE_KIND_LABELS } from "../workgraph/vocabulary";
import type { EditableSource } from "./draft";
import { clockTime, explain, RUN_STATUS_LABELS, scopeSummary, streamLabel } from "./messages";
import { ProblemNote } from "./ProblemNote";
import type { LiveRun } from "./progress";
import { useCancelSync, useRemoveSource, useSetEnabled, useSyncNow } from "./queries";
import { SyncHistory } from "./SyncHistory";
import { SyncProgressBar } from "./SyncProgressBar";

/** A source the form can edit: one of a kind this version syncs (it has a scope), not generated. */
export function isEditable(source: SourceView): source is EditableSource {
  return source.scope !== null && !source.synthetic;
}

/** When the next scheduled sync is due: the last run's end plus the interval (Rust's schedule). */
export function nextSyncText(source: SourceView, running: boolean, now: Date = new Date()): string {
  if (!source.enabled) return "Paused: syncs only when you press “Sync now”";
  const every = `every ${plural(source.pollIntervalMinutes, "minute")}`;
  if (running) return `After this run · ${every}`;
  const last = source.lastRun;
  const base = last ? Date.parse(last.endedAt ?? last.startedAt) : Number.NaN;
  if (Number.isNaN(base)) return `A few seconds after Baton opens, then ${every}`;
  const next = base + source.pollIntervalMinutes * 60_000;
  if (next <= now.getTime()) return `Due now · ${every}`;
  const at = new Date(next).toISOString();
  return `${formatRelative(at, now)} (about ${clockTime(at, now)}) · ${every}`;
}

function LastSync({ source }: { source: SourceView }) {
  const run = source.lastRun;
  if (!run) return <span className="muted">Never synced</span>;
  const when = run.endedAt ?? run.startedAt;
  if (run.status === "running") {
    // The run's figures move with every page: the progress bar shows them.
    return (
      <span className="last-sync last-sync-running" data-testid="source-last-sync" data-status="running">
        <span className="run-status run-status-running">Running</span>{" "}
        <span title={formatDateTime(run.startedAt)}>started {formatRelative(run.startedAt)}</span>
      </span>
    );
  }
  return (
    <span
      className={`last-sync last-sync-${run.status}`}
      data-testid="source-last-sync"
      data-status={run.status}
    >
      <span className={`run-status run-status-${run.status}`}>{RUN_STATUS_LABELS[run.status]}</span>{" "}
      <span title={formatDateTime(when)}>{formatRelative(when)}</span>
      {run.status !== "failed" ? (
        <span className="muted">
          {" "}
          · {plural(run.pages, "page")}, {plural(run.items, "item")}
        </span>
      ) : null}
    </span>
  );
}

/**
 * Repositories or projects that failed for good (not found, gone, access removed, a pagination
 * limit): the rest of the source syncs, and each run tries them again.
 */
function StreamProblems({ source }: { source: SourceView }) {
  if (source.streamErrors.length === 0) return null;
  return (
    <div className="stream-problems small" role="status" data-testid="source-stream-errors">
      <p className="stream-problems-title">
        {source.streamErrors.length === 1
          ? "One part of this source could not be read; the rest synced."
          : `${source.streamErrors.length} parts of this source could not be read; the rest synced.`}{" "}
        <span className="muted">Each sync tries them again.</span>
      </p>
      <ul>
        {source.streamErrors.map((e) => (
          <li
            key={e.stream}
            data-testid="source-stream-error"
            data-stream={e.stream}
            data-code={e.errorCode ?? ""}
          >
            <strong>{streamLabel(e.stream) ?? e.stream}</strong>:{" "}
            {explain(e.errorCode, source.kind, e.missingScope, e.stream).title}{" "}
            <span className="muted" title={formatDateTime(e.failedAt)}>
              ({formatRelative(e.failedAt)})
            </span>
            <br />
            <span className="problem-note-message">{e.error}</span>
            {e.errorCode ? <code className="problem-note-code">{e.errorCode}</code> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function SourceCard({
  source,
  live,
  itemCount,
  onEdit,
  onSyncStarting,
  onSyncNotStarted,
}: {
  source: SourceView;
  live: LiveRun | undefined;
  /** Items synced from the source (from the workspace summary), for the remove confirmation. */
  itemCount: number | null;
  onEdit: (source: EditableSource) => void;
  onSyncStarting: (id: string) => void;
  onSyncNotStarted: (id: string) => void;
}) {
  const [historyOpen, setHistoryOpen] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const setEnabled = useSetEnabled();
  const syncNow = useSyncNow();
  const cancel = useCancelSync();
  const remove = useRemoveSource();
  const keepRef = useRef<HTMLButtonElement>(null);
  // The confirmation takes the focus (on the safe answer), so the keyboard lands where it asks.
  useEffect(() => {
    if (confirmRemove) keepRef.current?.focus();
  }, [confirmRemove]);

  const liveRunning = live !== undefined && live.phase !== "finished";
  const running = liveRunning || (source.syncing && live?.phase !== "finished");
  const headingId = `source-${source.id}-name`;
  const lastFailed = source.lastRun?.status === "failed";
  // The failure to explain: the run that just ended here, else the last recorded one.
  const failure =
    live?.phase === "finished"
      ? live.end?.status === "failed"
        ? { code: live.end.errorCode, missingScope: live.end.missingScope, message: live.end.error }
        : null
      : !running && lastFailed && source.lastRun
        ? {
            code: source.lastRun.errorCode,
            missingScope: source.lastRun.missingScope,
            message: source.lastRun.error,
          }
        : null;
  const editable = isEditable(source);
  const actionError = [setEnabled.error, syncNow.error, cancel.error, remove.error].find(Boolean);
  const actionProblem = actionError ? toIpcError(actionError) : null;

  return (
    <article
      className={failure ? "card source-card source-card-failed" : "card source-card"}
      aria-labelledby={headingId}
      data-testid="source-card"
      data-id={source.id}
      data-kind={source.kind}
    >
      <header className="source-head">
        <div className="source-title">
          <h3 className="source-name-line" id={headingId}>
            <SourceBadge kind={source.kind} name={source.name} />
            <span className="visually-hidden"> ({SOURCE_KIND_LABELS[source.kind]})</span>
          </h3>
          <p className="source-scope muted small" data-testid="source-scope">
            {scopeSummary(source)}
          </p>
        </div>
        {source.synthetic ? (
          <span className="tag tag-demo source-demo" data-testid="source-demo">
            Demo data — not synced
          </span>
        ) : (
          <div className="source-actions">
            <label className="switch" title="Sync on a schedule while Baton is open">
              <input
                type="checkbox"
                role="switch"
                aria-checked={source.enabled}
                checked={source.enabled}
                disabled={setEnabled.isPending}
                onChange={(e) => setEnabled.mutate({ id: source.id, enabled: e.target.checked })}
                data-testid="source-enabled"
              />
              <span className="switch-track" aria-hidden="true" />
              <span>Scheduled</span>
            </label>
            {running ? (
              <button
                type="button"
                className="btn btn-small"
                disabled={cancel.isPending}
                onClick={() => cancel.mutate(source.id)}
                data-testid="source-cancel"
              >
                {cancel.isPending ? "Canceling…" : "Cancel"}
              </button>
            ) : (
              <button
                type="button"
                className="btn btn-small btn-primary"
                disabled={syncNow.isPending || !editable}
                title={
                  editable
                    ? "Sync this source now (also when its schedule is paused)"
                    : "This kind of source cannot be synced in this version"
                }
                onClick={() => {
                  onSyncStarting(source.id);
                  syncNow.mutate(source.id, { onError: () => onSyncNotStarted(source.id) });
                }}
                data-testid="source-sync-now"
              >
                <Icon name="refresh" size={13} /> Sync now
              </button>
            )}
            <button
              type="button"
              className="btn btn-small"
              aria-expanded={historyOpen}
              onClick={() => setHistoryOpen((o) => !o)}
              data-testid="source-history-toggle"
            >
              <Icon name="clock" size={13} /> History
            </button>
            {isEditable(source) ? (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => onEdit(source)}
                data-testid="source-edit"
              >
                Edit
              </button>
            ) : null}
            <button
              type="button"
              className="btn btn-small btn-ghost btn-danger"
              onClick={() => setConfirmRemove(true)}
              disabled={confirmRemove}
              data-testid="source-remove"
            >
              Remove
            </button>
          </div>
        )}
      </header>

      {source.synthetic ? (
        <p className="muted small source-demo-note">
          Generated for the demo workspace: nothing is fetched, so it has no schedule, sync or history.
        </p>
      ) : (
        <dl className="source-facts">
          <div>
            <dt>Last sync</dt>
            <dd>
              <LastSync source={source} />
            </dd>
          </div>
          <div>
            <dt>Next sync</dt>
            <dd data-testid="source-next-sync">{nextSyncText(source, running)}</dd>
          </div>
        </dl>
      )}

      {!source.synthetic && (running || live) ? (
        <SyncProgressBar run={live ?? null} kind={source.kind} sourceName={source.name} />
      ) : null}

      {!source.synthetic && failure ? (
        <ProblemNote
          code={failure.code}
          missingScope={failure.missingScope}
          message={failure.message}
          kind={source.kind}
          testId="source-last-error"
        />
      ) : null}

      {!source.synthetic && !running ? <StreamProblems source={source} /> : null}

      {actionProblem ? (
        <p className="error-text small" role="alert" data-testid="source-action-error">
          <Icon name="alert" size={13} /> {explain(rustCode(actionProblem.code), source.kind).title}:{" "}
          {actionProblem.message}
        </p>
      ) : null}

      {confirmRemove ? (
        <div
          className="remove-confirm"
          role="alertdialog"
          aria-labelledby={`${headingId}-remove`}
          data-testid="source-remove-confirm"
        >
          <p id={`${headingId}-remove`} className="remove-confirm-title">
            Remove “{source.name}”?
          </p>
          <p>
            This deletes, from this workspace: the source and its settings;{" "}
            {itemCount === null ? "every item synced from it" : plural(itemCount, "item")} synced from it with
            their history, links and raw records; its sync history; and its token in the system keychain.
            Nothing changes in {SOURCE_KIND_LABELS[source.kind]} itself. This cannot be undone.
          </p>
          <div className="button-row">
            <button
              type="button"
              className="btn btn-danger-solid"
              disabled={remove.isPending}
              onClick={() => remove.mutate(source.id, { onSuccess: () => setConfirmRemove(false) })}
              data-testid="source-remove-confirm-yes"
            >
              {remove.isPending ? "Removing…" : "Remove the source and its data"}
            </button>
            <button type="button" className="btn" ref={keepRef} onClick={() => setConfirmRemove(false)}>
              Keep it
            </button>
          </div>
        </div>
      ) : null}

      {historyOpen && !source.synthetic ? (
        <SyncHistory sourceId={source.id} sourceName={source.name} kind={source.kind} />
      ) : null}
    </article>
  );
}
