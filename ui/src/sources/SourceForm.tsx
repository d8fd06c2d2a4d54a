//! Add or edit a GitHub, Jira Cloud, GitLab, Linear or file source: its settings, a token typed into a password
//! field (sent to Rust once, kept in the system keychain, never shown again; a file has none),
//! and "Test connection", which tries the settings without saving anything.

import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useRef, useState } from "react";
import {
  type ConnectionTest,
  type ErrorCode,
  type FileColumns,
  rustCode,
  type SourceView,
  toIpcError,
} from "../lib/ipc";
import { Icon } from "../shared/Icon";
import { SidePanel } from "../shared/SidePanel";
import {
  checkDraft,
  type Draft,
  type DraftField,
  draftOf,
  type EditableSource,
  emptyColumns,
  emptyDraft,
  enterpriseUrlHint,
  type FormKind,
  inputOf,
  type Problems,
} from "./draft";
import { FileFields } from "./FileFields";
import { TOKEN_SCOPES } from "./messages";
import { ProblemNote } from "./ProblemNote";
import { useAddSource, useEditSource, useTestConnection } from "./queries";

type TestOutcome =
  | { ok: true; message: string }
  | { ok: false; code: ErrorCode | null; missingScope: string | null; message: string };

function Field({
  id,
  label,
  problem,
  help,
  optional = false,
  children,
}: {
  id: string;
  label: string;
  problem: string | undefined;
  help?: ReactNode;
  optional?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={problem ? "form-field form-field-invalid" : "form-field"}>
      <label htmlFor={id} className="form-label">
        {label}
        {optional ? <span className="muted"> (optional)</span> : null}
      </label>
      {children}
      {problem ? (
        <p className="form-problem" id={`${id}-problem`} data-testid={`${id}-problem`}>
          {problem}
        </p>
      ) : null}
      {help ? (
        <div className="form-help" id={`${id}-help`}>
          {help}
        </div>
      ) : null}
    </div>
  );
}

/** Props that tie an input to its label, error and help. */
function described(id: string, problem: string | undefined, help = false) {
  const ids = [problem ? `${id}-problem` : null, help ? `${id}-help` : null].filter(Boolean).join(" ");
  return {
    id,
    "aria-invalid": problem ? true : undefined,
    "aria-describedby": ids || undefined,
  } as const;
}

export function SourceForm({
  source,
  otherNames,
  onClose,
  onSaved,
}: {
  /** The source to edit; null to add one. */
  source: EditableSource | null;
  otherNames: string[];
  onClose: () => void;
  onSaved: (source: SourceView) => void;
}) {
  const editing = source !== null;
  const [draft, setDraft] = useState<Draft>(() => (source ? draftOf(source) : emptyDraft("github")));
  const [problems, setProblems] = useState<Problems>({});
  const [tested, setTested] = useState<TestOutcome | null>(null);
  const add = useAddSource();
  const edit = useEditSource();
  const test = useTestConnection();
  const save = editing ? edit : add;
  const base = useId();
  const fid = (field: DraftField) => `${base}-${field}`;
  const outcomeRef = useRef<HTMLDivElement>(null);
  const saveFailed = save.isError;

  // The answer of a test (or a failed save) appears below the fold of a long form: bring it in.
  useEffect(() => {
    if (tested || saveFailed) outcomeRef.current?.scrollIntoView?.({ block: "nearest", behavior: "smooth" });
  }, [tested, saveFailed]);

  function set<K extends keyof Draft>(key: K, value: Draft[K]) {
    setDraft((d) => ({ ...d, [key]: value }));
    // A changed setting makes the last test's answer stale.
    setTested(null);
    if (key in problems) setProblems((p) => ({ ...p, [key]: undefined }));
  }

  const setColumns = useCallback((columns: FileColumns) => {
    setDraft((d) => ({ ...d, columns }));
    setTested(null);
  }, []);

  function chooseKind(kind: FormKind) {
    if (editing || kind === draft.kind) return;
    setDraft((d) => ({ ...emptyDraft(kind), name: d.name, pollMinutes: d.pollMinutes }));
    setProblems({});
    setTested(null);
  }

  function runTest() {
    const found = checkDraft(draft, { editing, otherNames, forTest: true });
    setProblems(found);
    if (Object.values(found).some(Boolean)) {
      setTested(null);
      return;
    }
    const input = inputOf(draft);
    // Rust checks the settings as a whole; the name does not matter to the test.
    setTested(null);
    test.mutate(
      { input, id: editing ? source.id : null },
      {
        onSuccess: (result: ConnectionTest) =>
          setTested(
            result.ok
              ? { ok: true, message: result.message }
              : { ok: false, code: result.code, missingScope: result.missingScope, message: result.message },
          ),
        onError: (err) => {
          const e = toIpcError(err);
          setTested({ ok: false, code: rustCode(e.code), missingScope: null, message: e.message });
        },
      },
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkDraft(draft, { editing, otherNames });
    setProblems(found);
    const first = (Object.keys(found) as DraftField[]).find((k) => found[k]);
    if (first) {
      document.getElementById(fid(first))?.focus();
      return;
    }
    const input = inputOf(draft);
    const done = {
      onSuccess: (saved: SourceView) => {
        // The token leaves the page's memory with the form.
        setDraft((d) => ({ ...d, token: "" }));
        onSaved(saved);
      },
    };
    if (editing) edit.mutate({ id: source.id, input }, done);
    else add.mutate(input, done);
  }

  const kind = draft.kind;
  const scopes = kind === "file" ? null : TOKEN_SCOPES[kind];
  const saveError = save.isError ? toIpcError(save.error) : null;
  const urlHint = kind === "github" ? enterpriseUrlHint(draft.enterpriseUrl) : null;

  return (
    <SidePanel
      label={editing ? `Edit source ${source.name}` : "Add a source"}
      title={<h2 className="panel-heading">{editing ? `Edit “${source.name}”` : "Add a source"}</h2>}
      onClose={onClose}
      width={540}
      testId="source-form"
    >
      <form className="source-form" noValidate onSubmit={submit} autoComplete="off">
        {editing ? null : (
          <fieldset className="segmented source-kind-choice" aria-label="Kind of source">
            <legend className="visually-hidden">Kind of source</legend>
            {(["github", "jira", "gitlab", "linear", "file"] as const).map((k) => (
              <label key={k} className={kind === k ? "segment active" : "segment"}>
                <input
                  type="radio"
                  name={`${base}-kind`}
                  value={k}
                  checked={kind === k}
                  onChange={() => chooseKind(k)}
                  data-testid={`source-kind-${k}`}
                />
                {k === "github"
                  ? "GitHub"
                  : k === "jira"
                    ? "Jira Cloud"
                    : k === "gitlab"
                      ? "GitLab"
                      : k === "linear"
                        ? "Linear"
                        : "File"}
              </label>
            ))}
          </fieldset>
        )}

        <Field id={fid("name")} label="Name" problem={problems.name}>
          <input
            className="input"
            type="text"
            value={draft.name}
            placeholder={
              kind === "github"
                ? "acme-corp"
                : kind === "jira"
                  ? "acme.atlassian.net"
                  : kind === "gitlab"
                    ? "acme on GitLab"
                    : kind === "linear"
                      ? "acme on Linear"
                      : "Jira export"
            }
            onChange={(e) => set("name", e.target.value)}
            data-testid="source-name"
            {...described(fid("name"), problems.name)}
          />
        </Field>

        {kind === "file" ? (
          <FileFields
            draft={draft}
            pathId={fid("path")}
            pathProblem={problems.path}
            onPath={(path) => set("path", path)}
            onFormat={(format) => {
              set("format", format);
              setColumns(draft.format === format ? draft.columns : emptyColumns());
            }}
            onColumns={setColumns}
          />
        ) : kind === "linear" ? (
          <>
            <Field
              id={fid("linearTeams")}
              label="Teams"
              optional
              problem={problems.linearTeams}
              help="Team keys (the prefix of each team's issues, like ENG), separated by commas or spaces. Leave empty for every team the key can see."
            >
              <input
                className="input"
                type="text"
                value={draft.linearTeams}
                placeholder="ENG, OPS"
                spellCheck={false}
                onChange={(e) => set("linearTeams", e.target.value)}
                data-testid="source-linear-teams"
                {...described(fid("linearTeams"), problems.linearTeams, true)}
              />
            </Field>
            <label className="form-field form-check">
              <input
                type="checkbox"
                checked={draft.linearOauth}
                onChange={(e) => set("linearOauth", e.target.checked)}
                data-testid="source-linear-oauth"
              />{" "}
              OAuth token (sent as Bearer) instead of a personal API key
            </label>
          </>
        ) : kind === "gitlab" ? (
          <>
            <Field
              id={fid("group")}
              label="Group"
              optional
              problem={problems.group}
              help="Every project of the group and its subgroups that is not archived, listed again at each sync."
            >
              <input
                className="input"
                type="text"
                value={draft.group}
                placeholder="acme/platform"
                spellCheck={false}
                onChange={(e) => set("group", e.target.value)}
                data-testid="source-group"
                {...described(fid("group"), problems.group, true)}
              />
            </Field>
            <Field
              id={fid("gitlabProjects")}
              label="Projects"
              optional
              problem={problems.gitlabProjects}
              help="One per line, as group/project (a pasted GitLab address works too). Give a group, projects, or both."
            >
              <textarea
                className="input source-textarea"
                rows={3}
                value={draft.gitlabProjects}
                placeholder={"acme/web\nacme/platform/api"}
                spellCheck={false}
                onChange={(e) => set("gitlabProjects", e.target.value)}
                data-testid="source-gitlab-projects"
                {...described(fid("gitlabProjects"), problems.gitlabProjects, true)}
              />
            </Field>
            <Field
              id={fid("gitlabUrl")}
              label="Self-managed GitLab URL"
              optional
              problem={problems.gitlabUrl}
              help="Leave empty for gitlab.com. For a self-managed instance: its address, like https://gitlab.example.com."
            >
              <input
                className="input"
                type="url"
                value={draft.gitlabUrl}
                placeholder="https://gitlab.example.com"
                spellCheck={false}
                onChange={(e) => set("gitlabUrl", e.target.value)}
                data-testid="source-gitlab-url"
                {...described(fid("gitlabUrl"), problems.gitlabUrl, true)}
              />
            </Field>
          </>
        ) : kind === "github" ? (
          <>
            <fieldset className="form-field source-scope">
              <legend className="form-label">What to sync</legend>
              <div className="segmented segmented-small">
                {(["org", "repos"] as const).map((m) => (
                  <label key={m} className={draft.scopeMode === m ? "segment active" : "segment"}>
                    <input
                      type="radio"
                      name={`${base}-scope`}
                      value={m}
                      checked={draft.scopeMode === m}
                      onChange={() => set("scopeMode", m)}
                      data-testid={`source-scope-${m}`}
                    />
                    {m === "org" ? "An organisation" : "A list of repositories"}
                  </label>
                ))}
              </div>
            </fieldset>
            {draft.scopeMode === "org" ? (
              <Field
                id={fid("org")}
                label="Organisation"
                problem={problems.org}
                help="Every repository that is not archived, listed again at each sync."
              >
                <input
                  className="input"
                  type="text"
                  value={draft.org}
                  placeholder="acme"
                  spellCheck={false}
                  onChange={(e) => set("org", e.target.value)}
                  data-testid="source-org"
                  {...described(fid("org"), problems.org, true)}
                />
              </Field>
            ) : (
              <Field
                id={fid("repos")}
                label="Repositories"
                problem={problems.repos}
                help="One per line, as owner/name (a pasted github.com address works too)."
              >
                <textarea
                  className="input source-textarea"
                  rows={4}
                  value={draft.repos}
                  placeholder={"acme/web\nacme/api"}
                  spellCheck={false}
                  onChange={(e) => set("repos", e.target.value)}
                  data-testid="source-repos"
                  {...described(fid("repos"), problems.repos, true)}
                />
              </Field>
            )}
            <Field
              id={fid("enterpriseUrl")}
              label="GitHub Enterprise Server API URL"
              optional
              problem={problems.enterpriseUrl}
              help={
                urlHint ?? "Leave empty for github.com. For GitHub Enterprise Server: https://HOST/api/v3."
              }
            >
              <input
                className="input"
                type="url"
                value={draft.enterpriseUrl}
                placeholder="https://github.example.com/api/v3"
                spellCheck={false}
                onChange={(e) => set("enterpriseUrl", e.target.value)}
                data-testid="source-enterprise-url"
                {...described(fid("enterpriseUrl"), problems.enterpriseUrl, true)}
              />
            </Field>
          </>
        ) : (
          <>
            <Field id={fid("siteUrl")} label="Site URL" problem={problems.siteUrl}>
              <input
                className="input"
                type="url"
                value={draft.siteUrl}
                placeholder="https://your-site.atlassian.net"
                spellCheck={false}
                onChange={(e) => set("siteUrl", e.target.value)}
                data-testid="source-site-url"
                {...described(fid("siteUrl"), problems.siteUrl)}
              />
            </Field>
            <Field id={fid("email")} label="Account e-mail" problem={problems.email}>
              <input
                className="input"
                type="email"
                value={draft.email}
                placeholder="lead@acme.com"
                spellCheck={false}
                onChange={(e) => set("email", e.target.value)}
                data-testid="source-email"
                {...described(fid("email"), problems.email)}
              />
            </Field>
            <Field
              id={fid("projects")}
              label="Projects"
              problem={problems.projects}
              help="Project keys, separated by commas (PAY, OPS). Give projects, a JQL filter, or both."
            >
              <input
                className="input"
                type="text"
                value={draft.projects}
                placeholder="PAY, OPS"
                spellCheck={false}
                onChange={(e) => set("projects", e.target.value)}
                data-testid="source-projects"
                {...described(fid("projects"), problems.projects, true)}
              />
            </Field>
            <Field
              id={fid("jql")}
              label="JQL filter"
              optional
              problem={problems.jql}
              help="Narrows the issues, e.g. component = Payments. An ORDER BY is replaced."
            >
              <textarea
                className="input source-textarea mono"
                rows={2}
                value={draft.jql}
                placeholder="labels = platform"
                spellCheck={false}
                onChange={(e) => set("jql", e.target.value)}
                data-testid="source-jql"
                {...described(fid("jql"), problems.jql, true)}
              />
            </Field>
          </>
        )}

        {scopes ? (
          <Field
            id={fid("token")}
            label={
              kind === "github"
                ? "Personal access token"
                : kind === "gitlab"
                  ? "Access token"
                  : kind === "linear"
                    ? draft.linearOauth
                      ? "OAuth access token"
                      : "Personal API key"
                    : "API token"
            }
            problem={problems.token}
            help={
              <>
                <p className="keychain-note" data-testid="source-token-keychain">
                  <Icon name="info" size={13} /> The token is stored in your system keychain, never in the
                  workspace file, and is never shown again.
                  {editing ? " Leave this empty to keep the stored token." : null}
                </p>
                <p>Scopes needed:</p>
                <ul className="form-help-list" data-testid="source-token-scopes">
                  {scopes.details.map((d) => (
                    <li key={d}>{d}</li>
                  ))}
                </ul>
              </>
            }
          >
            <input
              className="input mono"
              type="password"
              value={draft.token}
              autoComplete="new-password"
              spellCheck={false}
              placeholder={editing ? "Stored in the keychain — type to replace" : ""}
              onChange={(e) => set("token", e.target.value)}
              data-testid="source-token"
              {...described(fid("token"), problems.token, true)}
            />
          </Field>
        ) : null}

        <Field id={fid("pollMinutes")} label="Sync every" problem={problems.pollMinutes}>
          <span className="form-inline">
            <input
              className="input source-minutes"
              type="number"
              min={1}
              max={1440}
              step={1}
              value={draft.pollMinutes}
              onChange={(e) => set("pollMinutes", e.target.value)}
              data-testid="source-poll"
              {...described(fid("pollMinutes"), problems.pollMinutes)}
            />
            <span className="muted">minutes, while Baton is open</span>
          </span>
        </Field>

        <div className="source-test" aria-live="polite">
          <button
            type="button"
            className="btn"
            onClick={runTest}
            disabled={test.isPending}
            data-testid="source-test"
          >
            {test.isPending ? <span className="spinner spinner-small" aria-hidden="true" /> : null}
            {test.isPending ? "Testing…" : "Test connection"}
          </button>
          <span className="muted small">Tries these settings without saving anything.</span>
        </div>
        <div ref={outcomeRef} className="source-outcome">
          {tested?.ok ? (
            <p className="test-ok" role="status" data-testid="source-test-ok">
              <Icon name="sparkle" size={14} /> Connected: {tested.message}
            </p>
          ) : null}
          {tested && !tested.ok ? (
            <ProblemNote
              code={tested.code}
              missingScope={tested.missingScope}
              message={tested.message}
              kind={kind}
              testId="source-test-problem"
            />
          ) : null}

          {saveError ? (
            <ProblemNote
              code={rustCode(saveError.code)}
              message={saveError.message}
              kind={kind}
              testId="source-save-problem"
            />
          ) : null}
        </div>

        <div className="button-row form-actions">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={save.isPending}
            data-testid="source-save"
          >
            {save.isPending ? "Saving…" : editing ? "Save changes" : "Add source"}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </SidePanel>
  );
}
