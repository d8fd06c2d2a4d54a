//! Decisions: decisions and approvals as work. What is pending (the question, who decides, the
//! items waiting on it, the due date and how long it has waited), asking a new one, answering one
//! (who, when, what and why), the log of answered ones per team and intent (exportable), and the
//! time items waited on them per team. Computed in Rust (`baton_core::approvals`); drawn here.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { approvalQueries } from "../decisions/queries";
import { ChartPanel } from "../flow/ChartPanel";
import { intentQueries } from "../flow/intents";
import { ItemDetailPanel } from "../items/ItemDetailPanel";
import {
  type AnswerOutcome,
  type Approval,
  type ApprovalKind,
  type ApprovalOrigin,
  type ApprovalQuery,
  type ApprovalShow,
  ipc,
  type NewApproval,
} from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { formatCount, formatDate, formatDateTime } from "../shared/format";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import { summaryQuery } from "../workspace/queries";
import { ViewHeader } from "./ViewHeader";

const KIND_LABELS: Record<ApprovalKind, string> = { decision: "Decision", approval: "Approval" };
const OUTCOME_LABELS: Record<AnswerOutcome, string> = {
  approved: "Approved",
  rejected: "Rejected",
  decided: "Decided",
};
/** Where a question comes from, in the row's subtitle. */
const ORIGIN_TEXT: Record<ApprovalOrigin, (a: Approval) => string> = {
  baton: (a) => `Asked by ${a.askedBy ?? "?"}`,
  source: (a) => `Shown by its source (${a.sourceState ?? "waiting"})`,
  review_request: () => "Review requested at the source",
  deployment_approval: () => "Environment approval required at the source",
};
const SHOW_LABELS: Record<ApprovalShow, string> = { pending: "Pending", answered: "Log", all: "All" };

function days(n: number | null): string {
  return n === null ? "—" : `${n.toFixed(1)} d`;
}

function Due({ a }: { a: Approval }) {
  if (a.answer) return <span className="muted">—</span>;
  if (!a.due) return <span className="muted">none</span>;
  return (
    <span className={a.overdue ? "tag tag-severity tag-blocking" : undefined} title={formatDateTime(a.due)}>
      {a.overdue ? "overdue · " : ""}
      {formatDate(a.due)}
    </span>
  );
}

function AnswerForm({
  approval,
  onDone,
  onCancel,
}: {
  approval: Approval;
  onDone: () => void;
  onCancel: () => void;
}) {
  const client = useQueryClient();
  const ids = useId();
  const [outcome, setOutcome] = useState<AnswerOutcome>(
    approval.kind === "approval" ? "approved" : "decided",
  );
  const [text, setText] = useState("");
  const [why, setWhy] = useState("");
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  const save = useMutation({
    mutationFn: () =>
      ipc.approvalsAnswer({ approval: approval.id, outcome, answer: text.trim(), why: why.trim() }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["governance"] });
      void client.invalidateQueries({ queryKey: ["triage"] });
      onDone();
    },
  });
  const ready = outcome !== "decided" || text.trim() !== "";
  function submit(e: FormEvent) {
    e.preventDefault();
    if (ready && !save.isPending) save.mutate();
  }
  return (
    <form
      className="triage-form card"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          onCancel();
        }
      }}
      aria-label={`Answer: ${approval.question}`}
      data-testid="decision-answer-form"
    >
      <p className="triage-form-title">Answer “{approval.question}”</p>
      <label className="triage-field" htmlFor={`${ids}-outcome`}>
        <span>Answer</span>
        <select
          id={`${ids}-outcome`}
          ref={first}
          className="input"
          value={outcome}
          onChange={(e) => setOutcome(e.target.value as AnswerOutcome)}
          data-testid="decision-answer-outcome"
        >
          {(Object.keys(OUTCOME_LABELS) as AnswerOutcome[]).map((o) => (
            <option key={o} value={o}>
              {OUTCOME_LABELS[o]}
            </option>
          ))}
        </select>
      </label>
      <label className="triage-field" htmlFor={`${ids}-text`}>
        <span>What was decided {outcome === "decided" ? "" : "(optional)"}</span>
        <input
          id={`${ids}-text`}
          className="input"
          value={text}
          maxLength={4000}
          onChange={(e) => setText(e.target.value)}
          data-testid="decision-answer-text"
        />
      </label>
      <label className="triage-field" htmlFor={`${ids}-why`}>
        <span>Why (optional)</span>
        <input
          id={`${ids}-why`}
          className="input"
          value={why}
          maxLength={4000}
          onChange={(e) => setWhy(e.target.value)}
          data-testid="decision-answer-why"
        />
      </label>
      {save.isError ? (
        <p className="error-text small" role="alert">
          Not recorded: {save.error.message}
        </p>
      ) : null}
      <div className="button-row">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!ready || save.isPending}
          data-testid="decision-answer-submit"
        >
          {save.isPending ? "Recording…" : "Record the answer"}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Splits "a, b c" into item ids. */
function itemIds(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function AskForm({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const client = useQueryClient();
  const ids = useId();
  const summary = useQuery(summaryQuery());
  const intents = useQuery(intentQueries.list());
  const [draft, setDraft] = useState<{
    kind: ApprovalKind;
    question: string;
    decider: string;
    deciderIsTeam: boolean;
    waiting: string;
    due: string;
    intent: string;
    why: string;
  }>({
    kind: "decision",
    question: "",
    decider: "",
    deciderIsTeam: false,
    waiting: "",
    due: "",
    intent: "",
    why: "",
  });
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const save = useMutation({
    mutationFn: () => {
      const question: NewApproval = {
        kind: draft.kind,
        question: draft.question.trim(),
        decider: draft.decider.trim(),
        deciderIsTeam: draft.deciderIsTeam,
        waiting: itemIds(draft.waiting),
        due: draft.due || null,
        intent: draft.intent || null,
        team: null,
        why: draft.why.trim(),
      };
      return ipc.approvalsAsk(question);
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["governance"] });
      void client.invalidateQueries({ queryKey: ["triage"] });
      onDone();
    },
  });
  const ready = draft.question.trim() !== "" && draft.decider.trim() !== "";
  const set = (patch: Partial<typeof draft>) => setDraft({ ...draft, ...patch });
  const teams = (summary.data?.byTeam ?? []).filter((t) => t.key !== "");
  return (
    <form
      className="triage-form card decisions-ask"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready && !save.isPending) save.mutate();
      }}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          onCancel();
        }
      }}
      aria-label="Ask for a decision or an approval"
      data-testid="decision-ask-form"
    >
      <p className="triage-form-title">Ask for a decision or an approval</p>
      <fieldset className="segmented segmented-small" aria-label="What is asked">
        {(["decision", "approval"] as const).map((k) => (
          <label key={k} className={draft.kind === k ? "segment active" : "segment"}>
            <input
              type="radio"
              name={`${ids}-kind`}
              checked={draft.kind === k}
              onChange={() => set({ kind: k })}
            />
            {KIND_LABELS[k]}
          </label>
        ))}
      </fieldset>
      <label className="triage-field" htmlFor={`${ids}-q`}>
        <span>Question</span>
        <input
          id={`${ids}-q`}
          ref={first}
          className="input"
          value={draft.question}
          maxLength={4000}
          onChange={(e) => set({ question: e.target.value })}
          data-testid="decision-ask-question"
        />
      </label>
      <div className="triage-field">
        <span>Who decides</span>
        <span className="decisions-decider">
          <label className="checkbox-label">
            <input
              type="checkbox"
              checked={draft.deciderIsTeam}
              onChange={(e) => set({ deciderIsTeam: e.target.checked, decider: "" })}
              data-testid="decision-ask-team"
            />{" "}
            a team
          </label>
          {draft.deciderIsTeam ? (
            <select
              className="input"
              aria-label="Deciding team"
              value={draft.decider}
              onChange={(e) => set({ decider: e.target.value })}
              data-testid="decision-ask-decider-team"
            >
              <option value="">Choose…</option>
              {teams.map((t) => (
                <option key={t.key} value={t.key}>
                  {t.label}
                </option>
              ))}
            </select>
          ) : (
            <input
              className="input"
              aria-label="Deciding person (id, login or name)"
              placeholder="Person (id, login or name)"
              value={draft.decider}
              maxLength={200}
              onChange={(e) => set({ decider: e.target.value })}
              data-testid="decision-ask-decider"
            />
          )}
        </span>
      </div>
      <label className="triage-field" htmlFor={`${ids}-waiting`}>
        <span>Items waiting on it (ids, separated by commas)</span>
        <input
          id={`${ids}-waiting`}
          className="input mono"
          value={draft.waiting}
          placeholder="jira:PAY-12, gh:acme/pay#7"
          onChange={(e) => set({ waiting: e.target.value })}
          data-testid="decision-ask-waiting"
        />
      </label>
      <label className="triage-field" htmlFor={`${ids}-due`}>
        <span>Due (a day, UTC; empty: the decision-wait policy's deadline)</span>
        <input
          id={`${ids}-due`}
          type="date"
          className="input"
          value={draft.due}
          onChange={(e) => set({ due: e.target.value })}
          data-testid="decision-ask-due"
        />
      </label>
      <label className="triage-field" htmlFor={`${ids}-intent`}>
        <span>Intent (optional)</span>
        <select
          id={`${ids}-intent`}
          className="input"
          value={draft.intent}
          onChange={(e) => set({ intent: e.target.value })}
          data-testid="decision-ask-intent"
        >
          <option value="">None</option>
          {(intents.data ?? []).map((i) => (
            <option key={i.id} value={i.id}>
              {i.title}
            </option>
          ))}
        </select>
      </label>
      <label className="triage-field" htmlFor={`${ids}-why`}>
        <span>Context (optional)</span>
        <input
          id={`${ids}-why`}
          className="input"
          value={draft.why}
          maxLength={4000}
          onChange={(e) => set({ why: e.target.value })}
          data-testid="decision-ask-why"
        />
      </label>
      {save.isError ? (
        <p className="error-text small" role="alert">
          Not asked: {save.error.message}
        </p>
      ) : null}
      <div className="button-row">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!ready || save.isPending}
          data-testid="decision-ask-submit"
        >
          {save.isPending ? "Asking…" : "Ask"}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Filters({ query, onChange }: { query: ApprovalQuery; onChange: (q: ApprovalQuery) => void }) {
  const summary = useQuery(summaryQuery());
  const intents = useQuery(intentQueries.list());
  return (
    <div className="triage-toolbar" data-testid="decisions-toolbar">
      <label className="triage-select">
        <span className="filter-label">Team</span>
        <select
          className="input"
          value={query.teams[0] ?? "*"}
          onChange={(e) => onChange({ ...query, teams: e.target.value === "*" ? [] : [e.target.value] })}
          data-testid="decisions-filter-team"
        >
          <option value="*">All</option>
          {(summary.data?.byTeam ?? []).map((t) => (
            <option key={t.key} value={t.key}>
              {t.key ? t.label : "No team"}
            </option>
          ))}
        </select>
      </label>
      <label className="triage-select">
        <span className="filter-label">Intent</span>
        <select
          className="input"
          value={query.intents[0] ?? "*"}
          onChange={(e) => onChange({ ...query, intents: e.target.value === "*" ? [] : [e.target.value] })}
          data-testid="decisions-filter-intent"
        >
          <option value="*">All</option>
          <option value="">No intent</option>
          {(intents.data ?? []).map((i) => (
            <option key={i.id} value={i.id}>
              {i.title}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="segmented segmented-small" aria-label="Show">
        {(["pending", "answered", "all"] as const).map((s) => (
          <label key={s} className={query.show === s ? "segment active" : "segment"}>
            <input
              type="radio"
              name="decisions-show"
              checked={query.show === s}
              onChange={() => onChange({ ...query, show: s })}
              data-testid={`decisions-show-${s}`}
            />
            {SHOW_LABELS[s]}
          </label>
        ))}
      </fieldset>
    </div>
  );
}

export function DecisionsView() {
  const [query, setQuery] = useState<ApprovalQuery>({ teams: [], intents: [], show: "pending" });
  const report = useQuery(approvalQueries.report(query));
  const [answering, setAnswering] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [itemId, setItemId] = useState<string | null>(null);
  const r = report.data;

  let body: React.ReactNode;
  if (report.isPending) {
    body = <LoadingState label="Reading decisions and approvals…" />;
  } else if (report.isError) {
    body = (
      <ErrorState
        title="Could not read the decisions"
        error={report.error}
        onRetry={() => void report.refetch()}
      />
    );
  } else if (r) {
    const list = r.approvals;
    body = (
      <div className="chart-grid flow-body">
        <ChartPanel
          title={query.show === "answered" ? "Decisions log" : "Decisions and approvals"}
          subtitle={
            query.show === "answered"
              ? "Answered ones, latest first: who answered, when, what and why."
              : "Pending ones, overdue first: the question, who decides, the items waiting on it."
          }
          metricId="decisions-pending"
          testId="decisions-list"
          csv={() => [
            [
              "Id",
              "Kind",
              "Origin",
              "Question",
              "Decider",
              "Team",
              "Intent",
              "Waiting items",
              "Asked by",
              "Asked at",
              "Due",
              "Days waited",
              "Answer",
              "Answered by",
              "Answered at",
              "Why",
            ],
            ...list.map((a) => [
              a.id,
              a.kind,
              a.origin,
              a.question,
              a.decider.name,
              a.teamName ?? "",
              a.intentTitle ?? "",
              a.waiting.map((w) => w.key).join(" "),
              a.askedBy ?? "",
              a.askedAt,
              a.due ?? "",
              a.waitedDays,
              a.answer
                ? `${OUTCOME_LABELS[a.answer.outcome]}${a.answer.answer ? `: ${a.answer.answer}` : ""}`
                : "",
              a.answer?.by ?? "",
              a.answer?.at ?? "",
              a.answer?.why ?? "",
            ]),
          ]}
          empty={
            list.length === 0
              ? query.show === "answered"
                ? {
                    title: "Nothing answered yet",
                    body: "Answers recorded here, or to questions the sources show, are listed here.",
                  }
                : {
                    title: "Nothing waits for a decision",
                    body: "No item waits for a decision or an approval, and no question is open.",
                  }
              : null
          }
          wide
        >
          <div className="table-scroll">
            <table className="table" data-testid="decisions-table">
              <thead>
                <tr>
                  <th scope="col">Question</th>
                  <th scope="col">Who decides</th>
                  <th scope="col">Waiting</th>
                  <th scope="col">Due</th>
                  <th scope="col" className="num">
                    Waited
                  </th>
                  <th scope="col">{query.show === "pending" ? "" : "Answer"}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((a) => (
                  <tr key={a.id} data-testid="decision-row">
                    <td>
                      <span className={`tag tag-${a.kind}`}>{KIND_LABELS[a.kind]}</span> {a.question}
                      <div className="small muted">
                        {ORIGIN_TEXT[a.origin](a)} · {formatDate(a.askedAt)}
                        {a.teamName ? ` · ${a.teamName}` : ""}
                        {a.intentTitle ? ` · ${a.intentTitle}` : ""}
                        {a.why ? ` · ${a.why}` : ""}
                      </div>
                    </td>
                    <td>
                      {a.decider.name}
                      {a.decider.kind === "team" ? <span className="muted small"> (team)</span> : null}
                    </td>
                    <td>
                      {a.waiting.length === 0 ? (
                        <span className="muted">nothing</span>
                      ) : (
                        <div className="stacked-links">
                          {a.waiting.map((w) => (
                            <button
                              key={w.id}
                              type="button"
                              className={w.open ? "link-button mono" : "link-button mono muted"}
                              title={w.title}
                              onClick={() => setItemId(w.id)}
                            >
                              {w.key}
                            </button>
                          ))}
                        </div>
                      )}
                    </td>
                    <td>
                      <Due a={a} />
                    </td>
                    <td className="num">{days(a.waitedDays)}</td>
                    <td>
                      {a.answer ? (
                        <span className="small">
                          <strong>{OUTCOME_LABELS[a.answer.outcome]}</strong>
                          {a.answer.answer ? `: ${a.answer.answer}` : ""}
                          <span className="muted">
                            {" "}
                            — {a.answer.by}, {formatDate(a.answer.at)}
                            {a.answer.why ? ` (${a.answer.why})` : ""}
                          </span>
                        </span>
                      ) : (
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() => setAnswering(answering === a.id ? null : a.id)}
                          data-testid="decision-answer"
                        >
                          Answer
                        </button>
                      )}
                      {answering === a.id ? (
                        <AnswerForm
                          approval={a}
                          onDone={() => setAnswering(null)}
                          onCancel={() => setAnswering(null)}
                        />
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </ChartPanel>
        <ChartPanel
          title="Waiting for a decision, per team"
          subtitle="From these records: pending and answered ones, how long answers took, and the item-days spent waiting."
          metricId="decisions-waiting"
          testId="decisions-by-team"
          csv={() => [
            ["Team", "Pending", "Overdue", "Answered", "Median days to answer", "Item-days waiting"],
            ...r.byTeam.map((t) => [
              t.teamName,
              t.pending,
              t.overdue,
              t.answered,
              t.medianAnswerDays ?? "",
              t.itemDaysWaiting,
            ]),
          ]}
          empty={
            r.byTeam.length === 0
              ? { title: "No records", body: "No decision or approval in these filters." }
              : null
          }
          wide
        >
          <table className="table" data-testid="decisions-by-team-table">
            <thead>
              <tr>
                <th scope="col">Team</th>
                <th scope="col" className="num">
                  Pending
                </th>
                <th scope="col" className="num">
                  Overdue
                </th>
                <th scope="col" className="num">
                  Answered
                </th>
                <th scope="col" className="num">
                  Median to answer
                </th>
                <th scope="col" className="num">
                  Item-days waiting
                </th>
              </tr>
            </thead>
            <tbody>
              {r.byTeam.map((t) => (
                <tr key={t.teamId ?? ""}>
                  <td>{t.teamName}</td>
                  <td className="num">{formatCount(t.pending)}</td>
                  <td className="num">{formatCount(t.overdue)}</td>
                  <td className="num">{formatCount(t.answered)}</td>
                  <td className="num">{t.medianAnswerDays === null ? "—" : days(t.medianAnswerDays)}</td>
                  <td className="num">{(t.itemDaysWaiting ?? 0).toFixed(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ChartPanel>
      </div>
    );
  } else {
    body = <EmptyState title="No report" />;
  }

  return (
    <div className="view view-flow view-decisions" data-testid="view-decisions">
      <ViewHeader
        title="Decisions"
        description={
          r ? (
            <>
              {formatCount(r.pending)} pending ({formatCount(r.overdue)} overdue), {formatCount(r.answered)}{" "}
              answered
              <MetricInfo id="decisions-pending" label="Decisions and approvals" />
              <span className="muted">
                {" "}
                · as of <time dateTime={r.asOf}>{formatDateTime(r.asOf)}</time>
              </span>
            </>
          ) : (
            "What waits for whose decision, since when, and what was decided?"
          )
        }
      />
      <div className="decisions-bar">
        <Filters query={query} onChange={setQuery} />
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => setAsking(!asking)}
          data-testid="decision-ask"
        >
          Ask for a decision
        </button>
      </div>
      {asking ? <AskForm onDone={() => setAsking(false)} onCancel={() => setAsking(false)} /> : null}
      {body}
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
