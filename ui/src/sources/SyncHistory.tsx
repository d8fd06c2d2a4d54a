//! A source's sync runs, newest first: when, how long, how it ended, what it fetched, how often
//! it retried or waited on a rate limit, and the error of a failed run (highlighted, with its
//! code and Rust's message).

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { SourceKind, SyncRun } from "../lib/ipc";
import { formatCount, formatDateTime } from "../shared/format";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import { explain, formatDuration, RUN_STATUS_LABELS, runTime, secondsBetween } from "./messages";
import { HISTORY_MORE, HISTORY_PAGE, sourceQueries } from "./queries";

function RunRow({ run, kind }: { run: SyncRun; kind: SourceKind }) {
  const failed = run.status === "failed";
  const duration = secondsBetween(run.startedAt, run.endedAt);
  return (
    <tr
      className={`history-row history-${run.status}`}
      data-testid="history-row"
      data-status={run.status}
      data-id={run.id}
    >
      <td className="history-when" title={formatDateTime(run.startedAt)}>
        {runTime(run.startedAt)}
      </td>
      <td className="history-when" title={run.endedAt ? formatDateTime(run.endedAt) : undefined}>
        {run.endedAt ? runTime(run.endedAt, run.startedAt) : "—"}
      </td>
      <td className="num">{run.status === "running" ? "running" : formatDuration(duration)}</td>
      <td>
        <span className={`run-status run-status-${run.status}`}>{RUN_STATUS_LABELS[run.status]}</span>
      </td>
      <td className="num">{formatCount(run.pages)}</td>
      <td className="num">{formatCount(run.items)}</td>
      <td className="num">{formatCount(run.requests)}</td>
      <td className="num">{formatCount(run.retries)}</td>
      <td className="num" title="Waits for a rate limit, and their total time">
        {formatCount(run.rateLimitWaits)}
        {run.rateLimitWaits > 0 ? (
          <span className="muted"> ({formatDuration(run.rateLimitWaitSeconds)})</span>
        ) : null}
      </td>
      <td className="history-error">
        {run.errorCode || run.error ? (
          <div data-testid="history-error">
            {failed || run.status === "canceled" ? (
              <p className="history-error-title">{explain(run.errorCode, kind, run.missingScope).title}</p>
            ) : null}
            {run.status === "finished_with_errors" ? (
              <p className="history-error-title">
                Some repositories or projects could not be read (
                {explain(run.errorCode, kind, run.missingScope).title}
                ); the rest synced
              </p>
            ) : null}
            {run.error ? <p className="history-error-message">{run.error}</p> : null}
            {run.errorCode ? <code className="problem-note-code">{run.errorCode}</code> : null}
          </div>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

export function SyncHistory({
  sourceId,
  sourceName,
  kind,
}: {
  sourceId: string;
  sourceName: string;
  kind: SourceKind;
}) {
  const [limit, setLimit] = useState(HISTORY_PAGE);
  const history = useQuery(sourceQueries.history(sourceId, limit));
  const runs = history.data;
  return (
    <section className="sync-history" aria-label={`Sync history of ${sourceName}`} data-testid="sync-history">
      {history.isPending ? <LoadingState compact label="Loading the sync history…" /> : null}
      {history.isError ? (
        <ErrorState
          compact
          title="Could not load the sync history"
          error={history.error}
          onRetry={() => history.refetch()}
        />
      ) : null}
      {runs && runs.length === 0 ? (
        <EmptyState compact title="No sync has run yet">
          Press “Sync now”, or wait for the schedule.
        </EmptyState>
      ) : null}
      {runs && runs.length > 0 ? (
        <>
          <div className="history-scroll">
            <table className="data-table history-table">
              <caption className="visually-hidden">Sync runs of {sourceName}, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Ended</th>
                  <th scope="col" className="num">
                    Duration
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Pages
                  </th>
                  <th scope="col" className="num">
                    Items
                  </th>
                  <th scope="col" className="num">
                    Requests
                  </th>
                  <th scope="col" className="num">
                    Retries
                  </th>
                  <th scope="col" className="num">
                    Rate-limit waits
                  </th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <RunRow key={r.id} run={r} kind={kind} />
                ))}
              </tbody>
            </table>
          </div>
          {runs.length >= limit && limit < HISTORY_MORE ? (
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setLimit(HISTORY_MORE)}>
              Show up to {HISTORY_MORE} runs
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
