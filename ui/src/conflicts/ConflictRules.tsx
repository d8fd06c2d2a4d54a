//! Settings → Conflicts: which CODEOWNERS owner is which Baton team, and which paths are
//! sensitive with the team whose review they need. Both are people's decisions (who and when are
//! kept; a sync never writes them); conflicts are computed from them at each question, so an edit
//! shows at once in Triage, the item drawer and the Dependencies page. Owners, patterns and
//! labels are rendered as text.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { type ConflictRulesView, ipc, type SensitivePathRule } from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { formatDate } from "../shared/format";
import { ErrorState, LoadingState } from "../shared/states";
import { TeamSelect } from "../shared/TeamSelect";
import { conflictQueries } from "./queries";

type Row = {
  owner: string;
  repositories: number;
  mapped: string | null;
  ruleTeam: string | null;
  note: string;
};

/** Every owner the CODEOWNERS files name, and every owner with a rule, by owner. */
export function ownerRows(v: ConflictRulesView): Row[] {
  const rows = new Map<string, Row>();
  for (const s of v.seenOwners) {
    rows.set(s.owner.toLowerCase(), {
      owner: s.owner,
      repositories: s.repositories,
      mapped: s.teamName,
      ruleTeam: null,
      note: "",
    });
  }
  for (const r of v.ownerRules) {
    const key = r.owner.toLowerCase();
    const row = rows.get(key) ?? {
      owner: r.owner,
      repositories: 0,
      mapped: r.teamName,
      ruleTeam: null,
      note: "",
    };
    row.ruleTeam = r.teamId;
    row.mapped = r.teamName;
    row.note = `by ${r.updatedBy}, ${formatDate(r.updatedAt)}`;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => a.owner.localeCompare(b.owner));
}

function OwnerRules({ view }: { view: ConflictRulesView }) {
  const client = useQueryClient();
  const [owner, setOwner] = useState("");
  const [team, setTeam] = useState("");
  const save = useMutation({
    mutationFn: ({ owner, teamId }: { owner: string; teamId: string | null }) =>
      ipc.conflictsSetOwnerRule(owner, teamId),
    onSuccess: (next) => {
      client.setQueryData(conflictQueries.rules().queryKey, next);
      setOwner("");
      setTeam("");
    },
  });
  const rows = ownerRows(view);
  function add(e: FormEvent) {
    e.preventDefault();
    if (owner.trim() && team) save.mutate({ owner: owner.trim(), teamId: team });
  }
  return (
    <div data-testid="conflict-owner-rules">
      <h3 className="section-title">CODEOWNERS owners → teams</h3>
      <p className="muted small">
        An owner without a rule is the team whose name, lower-cased with spaces as dashes, is its{" "}
        <span className="mono">@org/&lt;team&gt;</span> name. A rule wins over the name.
      </p>
      {rows.length === 0 ? (
        <p className="muted small">No CODEOWNERS file was read yet and no rule was made.</p>
      ) : (
        <table className="data-table rules-table">
          <thead>
            <tr>
              <th scope="col">Owner</th>
              <th scope="col" className="num">
                Repositories
              </th>
              <th scope="col">Team</th>
              <th scope="col">Rule</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.owner} data-testid="conflict-owner-row" data-owner={r.owner}>
                <td className="mono">{r.owner}</td>
                <td className="num">{r.repositories}</td>
                <td>
                  <select
                    className="input"
                    aria-label={`Team of ${r.owner}`}
                    value={r.ruleTeam ?? ""}
                    disabled={save.isPending}
                    onChange={(e) => save.mutate({ owner: r.owner, teamId: e.target.value || null })}
                    data-testid="conflict-owner-team"
                  >
                    <option value="">
                      {r.ruleTeam === null
                        ? `By its name: ${r.mapped ?? "no team"}`
                        : "By its name (remove the rule)"}
                    </option>
                    {view.teams.map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.name}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="muted small">{r.ruleTeam ? r.note : "none"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="rule-editor" onSubmit={add} data-testid="conflict-owner-add">
        <label className="rule-field">
          <span>Owner</span>
          <input
            className="input mono"
            value={owner}
            placeholder="@acme/payments-core"
            spellCheck={false}
            maxLength={300}
            onChange={(e) => setOwner(e.target.value)}
            data-testid="conflict-owner-input"
          />
        </label>
        <label className="rule-field">
          <span>is the team</span>
          <TeamSelect
            className="input"
            value={team}
            teams={view.teams}
            onChange={setTeam}
            testId="conflict-owner-new-team"
          />
        </label>
        <button type="submit" className="btn" disabled={!owner.trim() || !team || save.isPending}>
          Add rule
        </button>
      </form>
      {save.isError ? (
        <p className="error-text small" role="alert">
          The rule was not saved: {save.error.message}
        </p>
      ) : null}
    </div>
  );
}

function SensitivePaths({ view }: { view: ConflictRulesView }) {
  const client = useQueryClient();
  const [draft, setDraft] = useState<SensitivePathRule[]>(view.sensitive);
  useEffect(() => setDraft(view.sensitive), [view.sensitive]);
  const save = useMutation({
    mutationFn: (paths: SensitivePathRule[]) => ipc.conflictsSetSensitivePaths(paths),
    onSuccess: (next) => client.setQueryData(conflictQueries.rules().queryKey, next),
  });
  const changed = JSON.stringify(draft) !== JSON.stringify(view.sensitive);
  const edit = (i: number, patch: Partial<SensitivePathRule>) =>
    setDraft((d) => d.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  function submit(e: FormEvent) {
    e.preventDefault();
    if (changed) save.mutate(draft.map((p) => ({ ...p, pattern: p.pattern.trim(), label: p.label.trim() })));
  }
  return (
    <form onSubmit={submit} data-testid="conflict-sensitive">
      <h3 className="section-title">Sensitive paths</h3>
      <p className="muted small" data-testid="conflict-sensitive-origin">
        {view.sensitiveDefaults
          ? "The defaults: nobody saved a set yet."
          : `Saved by ${view.sensitiveUpdatedBy ?? "someone"}${view.sensitiveUpdatedAt ? `, ${formatDate(view.sensitiveUpdatedAt)}` : ""}: these are the whole set.`}{" "}
        A change to a matching path needs a review from the chosen team (or from the path's owners).
      </p>
      {draft.length === 0 ? <p className="muted small">No path is sensitive.</p> : null}
      {draft.length > 0 ? (
        <table className="data-table rules-table">
          <thead>
            <tr>
              <th scope="col">Pattern (as in CODEOWNERS)</th>
              <th scope="col">What it is</th>
              <th scope="col">Review needed from</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {draft.map((p, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; a pattern being typed is no key
              <tr key={i} data-testid="conflict-sensitive-row">
                <td>
                  <input
                    className="input mono"
                    aria-label="Pattern"
                    value={p.pattern}
                    spellCheck={false}
                    maxLength={300}
                    onChange={(e) => edit(i, { pattern: e.target.value })}
                    data-testid="conflict-sensitive-pattern"
                  />
                </td>
                <td>
                  <input
                    className="input"
                    aria-label="What it is"
                    value={p.label}
                    maxLength={300}
                    onChange={(e) => edit(i, { label: e.target.value })}
                    data-testid="conflict-sensitive-label"
                  />
                </td>
                <td>
                  <select
                    className="input"
                    aria-label="Review needed from"
                    value={p.reviewerTeamId ?? ""}
                    onChange={(e) => edit(i, { reviewerTeamId: e.target.value || null })}
                    data-testid="conflict-sensitive-reviewer"
                  >
                    <option value="">The path's owners</option>
                    {view.teams.map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.name}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="rule-actions">
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    aria-label={`Remove ${p.pattern || "this path"}`}
                    onClick={() => setDraft((d) => d.filter((_, j) => j !== i))}
                    data-testid="conflict-sensitive-remove"
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="button-row">
        <button
          type="button"
          className="btn"
          onClick={() => setDraft((d) => [...d, { pattern: "", label: "", reviewerTeamId: null }])}
          data-testid="conflict-sensitive-add"
        >
          Add a path
        </button>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!changed || save.isPending}
          data-testid="conflict-sensitive-save"
        >
          Save sensitive paths
        </button>
        {changed ? (
          <button type="button" className="btn btn-ghost" onClick={() => setDraft(view.sensitive)}>
            Discard changes
          </button>
        ) : null}
      </div>
      {save.isError ? (
        <p className="error-text small" role="alert">
          The sensitive paths were not saved: {save.error.message}
        </p>
      ) : null}
    </form>
  );
}

export function ConflictRulesSettings() {
  const rules = useQuery(conflictQueries.rules());
  if (rules.isPending) return <LoadingState compact label="Loading the rules…" />;
  if (rules.isError) {
    return (
      <ErrorState
        compact
        title="Could not read the rules"
        error={rules.error}
        onRetry={() => rules.refetch()}
      />
    );
  }
  return (
    <div className="conflict-rules" data-testid="conflict-rules">
      <p className="muted small">
        What the conflicting changes rules read besides the sources: who owns what and what needs a given
        review. Edits are yours: a sync never changes them, and every conflict follows them at once.{" "}
        <MetricInfo id="conflicts-rules" label="Conflicting changes" text="How are conflicts found?" />
      </p>
      <OwnerRules view={rules.data} />
      <SensitivePaths view={rules.data} />
    </div>
  );
}
