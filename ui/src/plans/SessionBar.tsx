//! Planning sessions on the Plans page: start one (a frozen copy of the workspace, opened at
//! once: numbers do not move while people decide, and the copy is never synced), and from
//! inside one, merge its scenarios and decisions back and return to the live workspace.

import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ipc, type MergeReport } from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { formatDateTime, plural } from "../shared/format";
import { Banner, ErrorState, LoadingState } from "../shared/states";
import { showWorkspace } from "../workspace/actions";

export const sessionQueries = {
  status: () => queryOptions({ queryKey: ["plans", "session"], queryFn: ipc.planSessionStatus }),
};

/** What a merge brought back, in words. */
export function mergeText(r: MergeReport): string {
  const parts = [
    plural(r.scenariosAdded, "new scenario"),
    `${plural(r.scenariosUpdated, "scenario")} saved over`,
    `${plural(r.scenariosKeptApart, "scenario")} kept beside a live edit`,
    plural(r.decisionsAdded, "decision"),
  ];
  return `Merged back: ${parts.join(", ")}.`;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function SessionBar() {
  const client = useQueryClient();
  const status = useQuery(sessionQueries.status());
  const [name, setName] = useState("");
  const open = useMutation({
    mutationFn: (path: string) => ipc.workspaceOpen(path),
    onSuccess: (info) => showWorkspace(client, info),
  });
  const start = useMutation({
    mutationFn: (n: string) => ipc.planSessionStart(n),
    onSuccess: (s) => open.mutate(s.file),
  });
  const merge = useMutation({ mutationFn: () => ipc.planSessionMerge() });
  if (status.isPending) return <LoadingState label="Reading planning sessions…" compact />;
  if (status.isError) {
    return (
      <ErrorState
        title="The planning session could not be read"
        error={status.error}
        onRetry={() => void status.refetch()}
        compact
      />
    );
  }
  const here = status.data.thisSession;
  if (here) {
    return (
      <Banner
        tone="info"
        title={`Planning session, frozen at ${formatDateTime(here.startedAt)}`}
        testId="session-banner"
        actions={
          <>
            <button
              type="button"
              className="btn btn-small btn-primary"
              disabled={merge.isPending}
              onClick={() => merge.mutate()}
              data-testid="session-merge"
            >
              {merge.isPending ? "Merging…" : "Merge decisions back"}
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={open.isPending}
              onClick={() => open.mutate(here.source)}
              data-testid="session-leave"
            >
              {open.isPending ? "Opening the live workspace…" : "Back to the live workspace"}
            </button>
          </>
        }
      >
        Numbers here do not move while you decide: this copy is never synced. Scenarios and decisions made
        here can be merged back into {here.source}. <MetricInfo id="plan-session" label="Planning session" />
        {merge.isSuccess ? <p data-testid="session-merged">{mergeText(merge.data)}</p> : null}
        {merge.isError || open.isError ? (
          <p role="alert" className="scenario-error">
            {errorText(merge.error ?? open.error)}
          </p>
        ) : null}
      </Banner>
    );
  }
  const past = status.data.sessions;
  return (
    <section className="card plan-form" aria-label="Planning session" data-testid="session-start">
      <div className="plan-row">
        <div className="plan-field">
          <label className="plan-field-label" htmlFor="session-name">
            Planning session
          </label>
          <input
            id="session-name"
            value={name}
            placeholder="e.g. Q1 planning"
            onChange={(e) => setName(e.target.value)}
            data-testid="session-name"
          />
        </div>
        <button
          type="button"
          className="btn btn-small"
          disabled={start.isPending || open.isPending}
          onClick={() => start.mutate(name)}
          data-testid="session-start-button"
        >
          {start.isPending
            ? "Copying the workspace…"
            : open.isPending
              ? "Opening the copy…"
              : "Start a session"}
        </button>
        <span className="plan-field-hint">
          Copies the workspace as it is now; numbers stay put while you decide.{" "}
          <MetricInfo id="plan-session" label="Planning session" />
        </span>
      </div>
      {start.isError || open.isError ? (
        <p role="alert" className="scenario-error">
          {errorText(start.error ?? open.error)}
        </p>
      ) : null}
      {past.length === 0 ? (
        <p className="muted small" data-testid="session-none">
          No planning session has been started from this workspace yet.
        </p>
      ) : (
        <ul className="scenario-list" data-testid="session-list">
          {past.map((s) => (
            <li key={s.id} className="scenario-list-item">
              <span className="scenario-list-name">{s.name}</span>
              <span className="muted">
                started by {s.startedBy}, {formatDateTime(s.startedAt)}
                {s.mergedAt ? ` · merged back ${formatDateTime(s.mergedAt)} by ${s.mergedBy ?? ""}` : ""}
              </span>
              <button
                type="button"
                className="btn btn-small btn-ghost"
                onClick={() => open.mutate(s.file)}
                data-testid={`session-open-${s.id}`}
              >
                Open
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
