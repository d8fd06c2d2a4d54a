//! Duplicates: pairs of items two teams may both be doing, side by side, with the score and the
//! plain reasons behind it; confirm (a decision and a `duplicates` link) or dismiss (off the list
//! until either item changes); and each team's duplicated work in items and days. Computed in
//! Rust (`baton_core::duplicates`); drawn here. Source text is rendered as text, never as HTML.

import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { duplicateQueries } from "../duplicates/queries";
import { ItemDetailPanel } from "../items/ItemDetailPanel";
import {
  type DuplicatePair,
  type DuplicatesQuery,
  ipc,
  onDuplicatesProgress,
  type PairItem,
} from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { formatCount, formatDate, formatDateTime, formatPercent } from "../shared/format";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import { summaryQuery } from "../workspace/queries";
import { ViewHeader } from "./ViewHeader";

const SOURCE_LABELS: Record<string, string> = {
  github: "GitHub",
  jira: "Jira",
  linear: "Linear",
  gitlab: "GitLab",
  file: "File",
};

function Side({ item, onOpen }: { item: PairItem; onOpen: (id: string) => void }) {
  return (
    <div className="duplicate-side" data-testid="duplicate-side">
      <button type="button" className="link-btn mono" onClick={() => onOpen(item.id)}>
        {item.key}
      </button>
      <p className="duplicate-title">{item.title}</p>
      <p className="muted">
        {item.team ?? "No team"} · {SOURCE_LABELS[item.sourceKind] ?? item.sourceKind} ({item.source}) ·{" "}
        {item.kind.replace("_", " ")}
        {item.provenance === "ai_agent" ? " · AI-made" : ""} · {item.flow} · created{" "}
        <time dateTime={item.createdAt}>{formatDate(item.createdAt)}</time>
      </p>
    </div>
  );
}

function Pair({
  pair,
  onOpen,
  busy,
  onAnswer,
}: {
  pair: DuplicatePair;
  onOpen: (id: string) => void;
  busy: boolean;
  onAnswer: (confirm: boolean) => void;
}) {
  return (
    <li className="duplicate-pair card" data-testid="duplicate-pair">
      <div className="duplicate-head">
        <span className="duplicate-score" title="Score (see the definition)">
          {formatPercent(pair.score ?? 0)}
        </span>
        <span className="duplicate-why" data-testid="duplicate-why">
          {pair.explanation}
        </span>
      </div>
      <div className="duplicate-sides">
        <Side item={pair.a} onOpen={onOpen} />
        <Side item={pair.b} onOpen={onOpen} />
      </div>
      <div className="duplicate-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy}
          onClick={() => onAnswer(true)}
          data-testid="duplicate-confirm"
          title={`Record that ${pair.b.key} duplicates ${pair.a.key} and link them`}
        >
          Confirm duplicate
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => onAnswer(false)}
          data-testid="duplicate-dismiss"
          title="Not the same work: hide this pair until either item changes"
        >
          Dismiss
        </button>
      </div>
    </li>
  );
}

function Progress() {
  const [step, setStep] = useState<{ done: number; total: number } | null>(null);
  useEffect(() => onDuplicatesProgress((done, total) => setStep({ done, total })), []);
  const ratio = step && step.total > 0 ? step.done / step.total : null;
  return (
    <div data-testid="duplicates-loading">
      <LoadingState label="Comparing every item's title…" />
      {ratio !== null ? (
        <progress className="duplicates-progress" max={1} value={ratio} aria-label="Items compared">
          {formatPercent(ratio)}
        </progress>
      ) : null}
    </div>
  );
}

export function DuplicatesView() {
  const [query, setQuery] = useState<DuplicatesQuery>({ team: null, limit: 50 });
  const [itemId, setItemId] = useState<string | null>(null);
  const report = useQuery(duplicateQueries.report(query));
  const summary = useQuery(summaryQuery());
  const answer = useMutation({
    mutationFn: ({ pair, confirm }: { pair: DuplicatePair; confirm: boolean }) =>
      ipc.duplicatesAnswer({ item: pair.b.id, of: pair.a.id, confirm, why: "" }),
  });
  const r = report.data;
  const teams = (summary.data?.byTeam ?? []).filter((t) => t.key !== "");

  let body: React.ReactNode;
  if (report.isPending) {
    body = <Progress />;
  } else if (report.isError) {
    body = (
      <ErrorState
        title="Could not compare the items"
        error={report.error}
        onRetry={() => void report.refetch()}
      />
    );
  } else if (r && r.pairs.length === 0) {
    body = (
      <EmptyState title="No duplicate candidates">
        {query.team
          ? "No pair of items with this team's work looks like the same work."
          : `No two teams' items look like the same work (${formatCount(r.itemsCompared)} items compared).`}
      </EmptyState>
    );
  } else if (r) {
    body = (
      <ol className="duplicate-list" data-testid="duplicate-list">
        {r.pairs.map((p) => (
          <Pair
            key={`${p.a.id}|${p.b.id}`}
            pair={p}
            onOpen={setItemId}
            busy={answer.isPending}
            onAnswer={(confirm) => answer.mutate({ pair: p, confirm })}
          />
        ))}
      </ol>
    );
  }

  return (
    <div className="view view-flow view-duplicates" data-testid="view-duplicates">
      <ViewHeader
        title="Duplicates"
        description={
          r ? (
            <>
              {formatCount(r.total)} candidate pairs
              <MetricInfo id="duplicates-score" label="Duplicate candidates and their score" />
              <span className="muted">
                {" "}
                · {formatCount(r.linkedAtSource)} linked at the source, {formatCount(r.confirmed)} confirmed,{" "}
                {formatCount(r.dismissed)} dismissed · as of{" "}
                <time dateTime={r.asOf}>{formatDateTime(r.asOf)}</time>
              </span>
            </>
          ) : (
            "Which work are two teams doing without knowing of each other?"
          )
        }
      />
      <div className="duplicates-bar">
        <label className="triage-select">
          <span className="filter-label">Team</span>
          <select
            className="input"
            value={query.team ?? ""}
            onChange={(e) => setQuery({ ...query, team: e.target.value === "" ? null : e.target.value })}
            data-testid="duplicates-team"
          >
            <option value="">All teams</option>
            {teams.map((t) => (
              <option key={t.key} value={t.key}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {answer.isError ? (
        <ErrorState title="Could not record the answer" error={answer.error} compact />
      ) : null}
      <div className="duplicates-layout">
        <section aria-label="Candidate pairs">{body}</section>
        {r && r.teams.length > 0 ? (
          <section className="card" aria-label="Duplicated work per team">
            <h3>
              Duplicated work per team
              <MetricInfo id="duplicates-work" label="Duplicated work per team" />
            </h3>
            <table className="table" data-testid="duplicates-by-team-table">
              <thead>
                <tr>
                  <th scope="col">Team</th>
                  <th scope="col" className="num">
                    Items
                  </th>
                  <th scope="col" className="num">
                    Days
                  </th>
                  <th scope="col" className="num">
                    Open candidates
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.teams.map((t) => (
                  <tr key={t.team}>
                    <td>{t.team}</td>
                    <td className="num">{formatCount(t.items)}</td>
                    <td className="num">{(t.days ?? 0).toFixed(1)}</td>
                    <td className="num">{formatCount(t.candidates)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null}
      </div>
      {itemId ? (
        <ItemDetailPanel
          key={itemId}
          id={itemId}
          onClose={() => setItemId(null)}
          onOpenItem={(id) => setItemId(id)}
        />
      ) : null}
    </div>
  );
}
