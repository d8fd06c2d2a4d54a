//! The rules a sync applies while mapping, as data the lead can extend: which team an item
//! belongs to (repository, Jira project, component or label → team), and who made it (bot
//! logins, `Co-authored-by` trailers, labels → AI agent or automation, with a confidence).
//! Changes apply to items as they are synced, and to every item synced before when the lead
//! applies them (see `RederivePanel`).

import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import type {
  Provenance,
  ProvenanceRule,
  ProvenanceSignal,
  SourceView,
  TeamRule,
  TeamRuleField,
} from "../lib/ipc";
import { formatPercent } from "../shared/format";
import { Icon } from "../shared/Icon";
import { ErrorState, LoadingState } from "../shared/states";
import { TeamSelect } from "../shared/TeamSelect";
import { PROVENANCE_LABELS, PROVENANCES } from "../workgraph/vocabulary";
import {
  ruleQueries,
  useCreateTeam,
  useDeleteProvenanceRule,
  useDeleteTeamRule,
  useSaveProvenanceRule,
  useSaveTeamRule,
} from "./queries";
import { RederivePanel } from "./RederivePanel";

type Team = { id: string; name: string };

/** The team select's choice for "create a team". */
const NEW_TEAM = "\u0000new";

export const TEAM_FIELDS: readonly TeamRuleField[] = ["repo", "project", "component", "label"];
export const TEAM_FIELD_LABELS: Record<TeamRuleField, { label: string; example: string }> = {
  repo: { label: "GitHub repository", example: "acme/pay*" },
  project: { label: "Jira project", example: "PAY" },
  component: { label: "Jira component", example: "Payments*" },
  label: { label: "Label", example: "team:payments" },
};

export const SIGNALS: readonly ProvenanceSignal[] = ["bot_login", "co_author", "label", "body_marker"];
export const SIGNAL_LABELS: Record<ProvenanceSignal, { label: string; example: string; hint: string }> = {
  bot_login: {
    label: "Author login",
    example: "copilot*[bot]",
    hint: "The author's login (GitHub) or display name (Jira)",
  },
  co_author: {
    label: "Co-authored-by trailer",
    example: "*claude*",
    hint: "A Co-authored-by: line in a pull request's description",
  },
  label: { label: "Label", example: "ai-generated", hint: "A label on the item" },
  body_marker: {
    label: "Description marker",
    example: "*generated with*claude code*",
    hint: "A pattern in the description: the footer or session link an agent writes",
  },
};

function DeleteButton({ what, onDelete, pending }: { what: string; onDelete: () => void; pending: boolean }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className="btn btn-small btn-ghost btn-danger"
        aria-label={`Delete ${what}`}
        onClick={() => setAsking(true)}
        data-testid="rule-delete"
      >
        Delete
      </button>
    );
  }
  return (
    <span className="rule-confirm">
      <button
        type="button"
        className="btn btn-small btn-danger-solid"
        disabled={pending}
        onClick={onDelete}
        data-testid="rule-delete-confirm"
      >
        Delete
      </button>
      <button type="button" className="btn btn-small" onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  );
}

// ---------- Team rules ----------

function TeamRuleEditor({
  rule,
  teams,
  sources,
  onDone,
}: {
  rule: TeamRule | null;
  teams: Team[];
  sources: SourceView[];
  onDone: () => void;
}) {
  const save = useSaveTeamRule();
  const createTeam = useCreateTeam();
  const base = useId();
  const [newTeam, setNewTeam] = useState("");
  const [field, setField] = useState(rule?.field ?? "repo");
  const [pattern, setPattern] = useState(rule?.pattern ?? "");
  const [teamId, setTeamId] = useState(rule?.teamId ?? "");
  const [sourceId, setSourceId] = useState(rule?.sourceId ?? "");
  const [priority, setPriority] = useState(String(rule?.priority ?? 100));
  const [problem, setProblem] = useState<string | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    const p = Number(priority);
    if (!pattern.trim()) return setProblem("Give a pattern to match, such as acme/pay* or PAY.");
    if (!teamId) return setProblem("Choose the team the matching items belong to.");
    if (teamId === NEW_TEAM && !newTeam.trim()) return setProblem("Name the new team.");
    if (!Number.isInteger(p) || p < 0 || p > 100000)
      return setProblem("The priority is a whole number (lower runs first).");
    setProblem(null);
    const saveFor = (team: string) =>
      save.mutate(
        {
          id: rule?.id ?? "",
          field,
          pattern: pattern.trim(),
          teamId: team,
          sourceId: sourceId || null,
          priority: p,
        },
        { onSuccess: onDone },
      );
    if (teamId === NEW_TEAM) {
      createTeam.mutate(newTeam.trim(), {
        onSuccess: (team) => {
          setTeamId(team.id);
          saveFor(team.id);
        },
        onError: (err) => setProblem(err.message),
      });
    } else {
      saveFor(teamId);
    }
  }

  const example = TEAM_FIELD_LABELS[field]?.example ?? "";
  return (
    <form className="rule-editor" onSubmit={submit} noValidate data-testid="team-rule-editor">
      <label className="rule-field">
        <span>When the</span>
        <select
          className="input"
          value={field}
          onChange={(e) => setField(TEAM_FIELDS.find((f) => f === e.target.value) ?? field)}
          data-testid="team-rule-field"
        >
          {TEAM_FIELDS.map((f) => (
            <option key={f} value={f}>
              {TEAM_FIELD_LABELS[f]?.label}
            </option>
          ))}
        </select>
      </label>
      <label className="rule-field">
        <span>matches</span>
        <input
          className="input mono"
          value={pattern}
          placeholder={example}
          spellCheck={false}
          onChange={(e) => setPattern(e.target.value)}
          aria-describedby={`${base}-pattern-help`}
          data-testid="team-rule-pattern"
        />
      </label>
      <label className="rule-field">
        <span>in</span>
        <select
          className="input"
          value={sourceId}
          onChange={(e) => setSourceId(e.target.value)}
          data-testid="team-rule-source"
        >
          <option value="">any source</option>
          {sources.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label className="rule-field">
        <span>the item belongs to</span>
        <TeamSelect
          className="input"
          value={teamId}
          teams={teams}
          onChange={setTeamId}
          testId="team-rule-team"
        >
          <option value={NEW_TEAM}>New team…</option>
        </TeamSelect>
      </label>
      {teamId === NEW_TEAM ? (
        <label className="rule-field">
          <span>New team's name</span>
          <input
            className="input"
            value={newTeam}
            maxLength={80}
            onChange={(e) => setNewTeam(e.target.value)}
            placeholder="Payments"
            data-testid="team-rule-new-team"
          />
        </label>
      ) : null}
      <label className="rule-field rule-field-narrow">
        <span>Priority</span>
        <input
          className="input"
          type="number"
          min={0}
          step={1}
          value={priority}
          onChange={(e) => setPriority(e.target.value)}
          data-testid="team-rule-priority"
        />
      </label>
      <p className="muted small rule-help" id={`${base}-pattern-help`}>
        Case does not matter; * matches anything. The first matching rule (lowest priority number) wins.
      </p>
      {problem || save.error ? (
        <p className="error-text small rule-help" role="alert" data-testid="rule-problem">
          {problem ?? save.error?.message}
        </p>
      ) : null}
      <div className="rule-editor-actions">
        <button
          type="submit"
          className="btn btn-small btn-primary"
          disabled={save.isPending}
          data-testid="rule-save"
        >
          {rule ? "Save rule" : "Add rule"}
        </button>
        <button type="button" className="btn btn-small" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function TeamRules({ rules, teams, sources }: { rules: TeamRule[]; teams: Team[]; sources: SourceView[] }) {
  const [editing, setEditing] = useState<string | null>(null); // a rule id, or "new"
  const remove = useDeleteTeamRule();
  const teamName = (id: string) => teams.find((t) => t.id === id)?.name ?? id;
  const sourceName = (id: string | null) =>
    id ? (sources.find((s) => s.id === id)?.name ?? id) : "Any source";
  const sorted = [...rules].sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
  return (
    <div className="rules-block" data-testid="team-rules">
      <div className="rules-block-head">
        <h3 className="section-title">Team assignment</h3>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setEditing("new")}
          disabled={editing === "new"}
          data-testid="team-rule-add"
        >
          <Icon name="plus" size={12} /> Add a team rule
        </button>
      </div>
      <p className="muted small">
        Which team an item belongs to, from where it lives at the source. Rules run from the lowest priority
        number; the first match sets the team.
      </p>
      {teams.length === 0 ? (
        <p className="muted small">This workspace has no teams yet: name one while adding a rule.</p>
      ) : null}
      {sorted.length === 0 && editing !== "new" ? (
        <p className="muted small rules-empty">
          No team rules yet: items keep the team their source gives them.
        </p>
      ) : null}
      {sorted.length > 0 ? (
        <table className="data-table rules-table">
          <thead>
            <tr>
              <th scope="col" className="num">
                Priority
              </th>
              <th scope="col">Matches on</th>
              <th scope="col">Pattern</th>
              <th scope="col">Source</th>
              <th scope="col">Team</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) =>
              editing === r.id ? (
                <tr key={r.id}>
                  <td colSpan={6}>
                    <TeamRuleEditor
                      rule={r}
                      teams={teams}
                      sources={sources}
                      onDone={() => setEditing(null)}
                    />
                  </td>
                </tr>
              ) : (
                <tr key={r.id} data-testid="team-rule" data-id={r.id}>
                  <td className="num">{r.priority}</td>
                  <td>{TEAM_FIELD_LABELS[r.field]?.label ?? r.field}</td>
                  <td className="mono">{r.pattern}</td>
                  <td>{sourceName(r.sourceId)}</td>
                  <td>{teamName(r.teamId)}</td>
                  <td className="rule-actions">
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      aria-label={`Edit the rule ${r.pattern}`}
                      onClick={() => setEditing(r.id)}
                      data-testid="rule-edit"
                    >
                      Edit
                    </button>
                    <DeleteButton
                      what={`the rule ${r.pattern}`}
                      pending={remove.isPending}
                      onDelete={() => remove.mutate(r.id)}
                    />
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      ) : null}
      {editing === "new" ? (
        <TeamRuleEditor rule={null} teams={teams} sources={sources} onDone={() => setEditing(null)} />
      ) : null}
      {remove.isError ? (
        <p className="error-text small" role="alert">
          Could not delete the rule: {remove.error.message}
        </p>
      ) : null}
    </div>
  );
}

// ---------- Provenance rules ----------

function ProvenanceRuleEditor({ rule, onDone }: { rule: ProvenanceRule | null; onDone: () => void }) {
  const save = useSaveProvenanceRule();
  const [signal, setSignal] = useState(rule?.signal ?? "bot_login");
  const [pattern, setPattern] = useState(rule?.pattern ?? "");
  const [provenance, setProvenance] = useState<Provenance>(rule?.provenance ?? "ai_agent");
  const [agent, setAgent] = useState(rule?.agent ?? "");
  const [confidence, setConfidence] = useState(
    rule?.confidence === null || rule?.confidence === undefined
      ? "80"
      : String(Math.round(rule.confidence * 100)),
  );
  const [problem, setProblem] = useState<string | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    const c = Number(confidence);
    if (!pattern.trim()) return setProblem("Give a pattern to match, such as *[bot] or ai-generated.");
    if (confidence.trim() === "" || !Number.isFinite(c) || c < 0 || c > 100)
      return setProblem("The confidence is a percentage from 0 to 100.");
    setProblem(null);
    save.mutate(
      {
        id: rule?.id ?? "",
        signal,
        pattern: pattern.trim(),
        provenance,
        agent: agent.trim() || null,
        confidence: c / 100,
        builtin: rule?.builtin ?? false,
      },
      { onSuccess: onDone },
    );
  }

  return (
    <form className="rule-editor" onSubmit={submit} noValidate data-testid="provenance-rule-editor">
      <label className="rule-field">
        <span>When the</span>
        <select
          className="input"
          value={signal}
          onChange={(e) => setSignal(SIGNALS.find((x) => x === e.target.value) ?? signal)}
          data-testid="provenance-rule-signal"
        >
          {SIGNALS.map((s) => (
            <option key={s} value={s}>
              {SIGNAL_LABELS[s]?.label}
            </option>
          ))}
        </select>
      </label>
      <label className="rule-field">
        <span>matches</span>
        <input
          className="input mono"
          value={pattern}
          placeholder={SIGNAL_LABELS[signal]?.example}
          spellCheck={false}
          onChange={(e) => setPattern(e.target.value)}
          data-testid="provenance-rule-pattern"
        />
      </label>
      <label className="rule-field">
        <span>the item is by</span>
        <select
          className="input"
          value={provenance}
          onChange={(e) => setProvenance(e.target.value as Provenance)}
          data-testid="provenance-rule-provenance"
        >
          {PROVENANCES.map((p) => (
            <option key={p} value={p}>
              {PROVENANCE_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
      <label className="rule-field">
        <span>named</span>
        <input
          className="input"
          value={agent}
          placeholder="Claude, Renovate… (optional)"
          onChange={(e) => setAgent(e.target.value)}
          data-testid="provenance-rule-agent"
        />
      </label>
      <label className="rule-field rule-field-narrow">
        <span>Confidence (%)</span>
        <input
          className="input"
          type="number"
          min={0}
          max={100}
          step={5}
          value={confidence}
          onChange={(e) => setConfidence(e.target.value)}
          data-testid="provenance-rule-confidence"
        />
      </label>
      <p className="muted small rule-help">
        {SIGNAL_LABELS[signal]?.hint}. Case does not matter; * matches anything. When several rules match, the
        most confident wins.
      </p>
      {problem || save.error ? (
        <p className="error-text small rule-help" role="alert" data-testid="rule-problem">
          {problem ?? save.error?.message}
        </p>
      ) : null}
      <div className="rule-editor-actions">
        <button
          type="submit"
          className="btn btn-small btn-primary"
          disabled={save.isPending}
          data-testid="rule-save"
        >
          {rule ? "Save rule" : "Add rule"}
        </button>
        <button type="button" className="btn btn-small" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const SIGNAL_ORDER: Record<string, number> = { bot_login: 0, co_author: 1, label: 2 };

function ProvenanceRules({ rules }: { rules: ProvenanceRule[] }) {
  const [editing, setEditing] = useState<string | null>(null);
  const remove = useDeleteProvenanceRule();
  const sorted = [...rules].sort(
    (a, b) =>
      (SIGNAL_ORDER[a.signal] ?? 9) - (SIGNAL_ORDER[b.signal] ?? 9) ||
      (b.confidence ?? 0) - (a.confidence ?? 0) ||
      a.pattern.localeCompare(b.pattern),
  );
  return (
    <div className="rules-block" data-testid="provenance-rules">
      <div className="rules-block-head">
        <h3 className="section-title">Provenance</h3>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setEditing("new")}
          disabled={editing === "new"}
          data-testid="provenance-rule-add"
        >
          <Icon name="plus" size={12} /> Add a provenance rule
        </button>
      </div>
      <p className="muted small">
        Who made an item: an AI agent, automation or a person. The matching rule with the highest confidence
        wins; an unmatched bot account counts as automation, anyone else as human. Rules shipped with Baton
        are marked “built in” and can be edited like yours.
      </p>
      {editing === "new" ? <ProvenanceRuleEditor rule={null} onDone={() => setEditing(null)} /> : null}
      {sorted.length === 0 && editing !== "new" ? (
        <p className="muted small rules-empty">No provenance rules.</p>
      ) : null}
      {sorted.length > 0 ? (
        <table className="data-table rules-table">
          <thead>
            <tr>
              <th scope="col">Signal</th>
              <th scope="col">Pattern</th>
              <th scope="col">Means</th>
              <th scope="col" className="num">
                Confidence
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) =>
              editing === r.id ? (
                <tr key={r.id}>
                  <td colSpan={5}>
                    <ProvenanceRuleEditor rule={r} onDone={() => setEditing(null)} />
                  </td>
                </tr>
              ) : (
                <tr key={r.id} data-testid="provenance-rule" data-id={r.id}>
                  <td>{SIGNAL_LABELS[r.signal]?.label ?? r.signal}</td>
                  <td className="mono">
                    {r.pattern}
                    {r.builtin ? <span className="tag">built in</span> : null}
                  </td>
                  <td>
                    {PROVENANCE_LABELS[r.provenance]}
                    {r.agent ? <span className="muted"> · {r.agent}</span> : null}
                  </td>
                  <td className="num">{r.confidence === null ? "—" : formatPercent(r.confidence)}</td>
                  <td className="rule-actions">
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      aria-label={`Edit the rule ${r.pattern}`}
                      onClick={() => setEditing(r.id)}
                      data-testid="rule-edit"
                    >
                      Edit
                    </button>
                    <DeleteButton
                      what={`the rule ${r.pattern}`}
                      pending={remove.isPending}
                      onDelete={() => remove.mutate(r.id)}
                    />
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      ) : null}
      {remove.isError ? (
        <p className="error-text small" role="alert">
          Could not delete the rule: {remove.error.message}
        </p>
      ) : null}
    </div>
  );
}

export function RulesSection({ sources }: { sources: SourceView[] }) {
  const rules = useQuery(ruleQueries.list());
  const teamList = useQuery(ruleQueries.teams());
  const teams: Team[] = (teamList.data ?? []).map((t) => ({ id: t.id, name: t.name }));
  return (
    <section className="card rules-section" aria-labelledby="rules-title" data-testid="rules-section">
      <h2 className="card-title" id="rules-title">
        Rules
      </h2>
      <p className="muted small">
        How a sync reads what it fetches. Changes apply to items as they are synced; “Check existing items”
        below applies them to what was synced before.
      </p>
      {rules.isPending ? <LoadingState compact label="Loading the rules…" /> : null}
      {rules.isError ? (
        <ErrorState
          compact
          title="Could not load the rules"
          error={rules.error}
          onRetry={() => rules.refetch()}
        />
      ) : null}
      {rules.data ? (
        <>
          <TeamRules rules={rules.data.team} teams={teams} sources={sources} />
          <ProvenanceRules rules={rules.data.provenance} />
          <RederivePanel rulesVersion={rules.dataUpdatedAt} />
        </>
      ) : null}
    </section>
  );
}
