//! One source's sync as it runs: pages and items so far and the stream being read; a wait (a
//! rate limit, or a pause before a retry) with why and when it resumes, the bar counting down;
//! then how the run ended. Driven by `syncProgressEvent`s (see `progress.ts`).

import { useEffect, useState } from "react";
import type { SourceKind } from "../lib/ipc";
import { plural } from "../shared/format";
import { clockTime, formatDuration, streamLabel } from "./messages";
import type { LiveRun } from "./progress";

/** This computer's clock, ticking every `ms` while `active`. */
function useNow(active: boolean, ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [active, ms]);
  return now;
}

/** "1:34:31 PM", or the date too when it is not today. */
function resumeTime(iso: string, now: number): string {
  return clockTime(iso, new Date(now), true);
}

export function SyncProgressBar({
  run,
  kind,
  sourceName,
}: {
  /** Null when the source is syncing but no event has arrived since the screen opened. */
  run: LiveRun | null;
  kind: SourceKind;
  sourceName: string;
}) {
  const waiting = run?.phase === "waiting" && run.wait !== null;
  const now = useNow(waiting);

  let tone = "running";
  let text: string;
  let detail: string | null = null;
  let fill: number | null = null; // 0..1 when the bar is determinate
  let testState: string = run?.phase ?? "syncing";

  if (!run || run.phase === "starting") {
    text = run ? "Starting the sync…" : "Syncing… (waiting for its next progress report)";
  } else if (run.phase === "running") {
    const stream = streamLabel(run.stream);
    text = `${plural(run.pages, "page")}, ${plural(run.items, "item")} so far`;
    detail = stream ? `Reading ${stream}` : "Started";
  } else if (run.phase === "waiting" && run.wait) {
    const w = run.wait;
    const until = Date.parse(w.until);
    const left = Number.isNaN(until) ? null : Math.max(0, (until - now) / 1000);
    const total = Number.isNaN(until) ? null : Math.max(1, until - w.since);
    fill = total === null ? null : Math.min(1, Math.max(0, (now - w.since) / total));
    tone = "waiting";
    text = w.rateLimit
      ? `Waiting for ${kind === "jira" ? "Jira" : kind === "gitlab" ? "GitLab" : kind === "linear" ? "Linear" : "GitHub"}'s rate limit — resumes at ${resumeTime(w.until, now)}${left !== null ? ` (in ${formatDuration(left)})` : ""}`
      : `Waiting before a retry — resumes at ${resumeTime(w.until, now)}${left !== null ? ` (in ${formatDuration(left)})` : ""}`;
    detail = `${w.reason ? `${w.reason}. ` : ""}${plural(run.pages, "page")}, ${plural(run.items, "item")} so far.`;
  } else {
    const end = run.end;
    fill = 1;
    testState = end?.status ?? "finished";
    if (end?.status === "succeeded") {
      tone = "done";
      text = `Finished: ${plural(run.pages, "page")}, ${plural(run.items, "item")}`;
    } else if (end?.status === "finished_with_errors") {
      tone = "partial";
      // Which repositories or projects failed follows under the bar (the card's stream list).
      text = `Finished with errors: ${plural(run.pages, "page")}, ${plural(run.items, "item")}; some repositories or projects could not be read`;
    } else if (end?.status === "canceled") {
      tone = "canceled";
      text = `Canceled after ${plural(run.pages, "page")}, ${plural(run.items, "item")} (kept; the next sync resumes)`;
    } else {
      tone = "failed";
      // The explanation follows under the bar (ProblemNote); the bar says what was kept.
      text = `Sync failed after ${plural(run.pages, "page")}, ${plural(run.items, "item")} (kept; the next sync resumes from there)`;
    }
  }

  const waits = run && run.rateLimitWaits > 0 ? ` · ${plural(run.rateLimitWaits, "rate-limit wait")}` : "";
  return (
    <div
      className={`sync-progress sync-progress-${tone}`}
      data-testid="sync-progress"
      data-state={testState}
      data-pages={run?.pages ?? 0}
      data-items={run?.items ?? 0}
    >
      <div
        className={fill === null ? "sync-bar sync-bar-indeterminate" : "sync-bar"}
        role="progressbar"
        aria-label={`Sync of ${sourceName}`}
        aria-valuemin={fill === null ? undefined : 0}
        aria-valuemax={fill === null ? undefined : 100}
        aria-valuenow={fill === null ? undefined : Math.round(fill * 100)}
        aria-valuetext={text}
      >
        <span className="sync-bar-fill" style={fill === null ? undefined : { width: `${fill * 100}%` }} />
      </div>
      <p className="sync-progress-text" data-testid="sync-progress-text">
        <span>{text}</span>
        {waits ? <span className="muted">{waits}</span> : null}
      </p>
      {detail ? (
        <p className="sync-progress-detail muted small" data-testid="sync-progress-detail">
          {detail}
        </p>
      ) : null}
    </div>
  );
}
