//! A file source's part of the add/edit form: the file (picked with the system dialog or typed),
//! its layout, which column holds what, and a preview of the first items as Baton would import
//! them, with the rows it cannot read and their line numbers. Rust reads the file (the web view
//! never does); nothing is saved until the form is.

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { type FileColumns, type FileFormat, type FilePreview, ipc, toIpcError } from "../lib/ipc";
import { formatCount, plural } from "../shared/format";
import { type Draft, fileScopeOf } from "./draft";
import { FILE_FORMAT_LABELS } from "./messages";
import { sourceQueries } from "./queries";

const DEBOUNCE_MS = 300;

/** The columns a states file maps, with what people call them. */
const STATE_FILE_FIELDS: { field: keyof FileColumns; label: string; required?: boolean }[] = [
  { field: "id", label: "Id", required: true },
  { field: "title", label: "Title" },
  { field: "item_type", label: "Type of work" },
  { field: "team", label: "Team" },
  { field: "owner", label: "Owner" },
  { field: "author", label: "Author" },
  { field: "priority", label: "Priority" },
  { field: "estimate", label: "Estimate (story points)" },
  { field: "labels", label: "Labels" },
  { field: "parent", label: "Parent" },
];

const FORMAT_HELP: Record<FileFormat, string> = {
  jira_csv:
    "Jira → Filters → Export → CSV (all fields). The export has no status history: Baton knows when each issue was created and resolved, not when work started.",
  states_csv:
    "One row per item and one column per workflow state holding the date the item entered it (the layout flow analytics tools accept).",
  baton_jsonl: "What Baton's “Export items” (or `baton export`) writes: items with their history and links.",
};

type ColumnValue = string | null;

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function FileFields({
  draft,
  pathProblem,
  pathId,
  onPath,
  onFormat,
  onColumns,
}: {
  draft: Draft;
  pathProblem: string | undefined;
  pathId: string;
  onPath: (path: string) => void;
  onFormat: (format: FileFormat) => void;
  onColumns: (columns: FileColumns) => void;
}) {
  const [picking, setPicking] = useState(false);
  const [pickError, setPickError] = useState<string | null>(null);
  const scope = useDebounced(fileScopeOf(draft), DEBOUNCE_MS);
  const absolute = /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(scope.path);
  const preview = useQuery({ ...sourceQueries.filePreview(scope), enabled: absolute });

  // A states file's columns are guessed once from its header row (once per file and layout),
  // then the person's to change: a guessed column the person sets to "None" stays so, though
  // every later preview guesses it again.
  const guessed = preview.data?.columns;
  const guessedFor = useRef<string | null>(null);
  useEffect(() => {
    // (The preview must be of a states file too, not one of the layout chosen before.)
    if (!guessed || draft.format !== "states_csv" || scope.format !== "states_csv") return;
    const file = `${scope.format}:${scope.path}`;
    if (guessedFor.current === file) return;
    guessedFor.current = file;
    const c = draft.columns;
    const unset = STATE_FILE_FIELDS.some((f) => c[f.field] === null && guessed[f.field] !== null);
    if (unset || (c.states.length === 0 && guessed.states.length > 0)) {
      onColumns({
        ...c,
        ...Object.fromEntries(STATE_FILE_FIELDS.map((f) => [f.field, c[f.field] ?? guessed[f.field]])),
        states: c.states.length > 0 ? c.states : guessed.states,
      } as FileColumns);
    }
  }, [guessed, scope.format, scope.path, draft.format, draft.columns, onColumns]);

  async function pick() {
    setPicking(true);
    setPickError(null);
    try {
      const path = await ipc.sourcesPickFile();
      if (path) {
        onPath(path);
        const lower = path.toLowerCase();
        if (lower.endsWith(".jsonl") || lower.endsWith(".json")) onFormat("baton_jsonl");
      }
    } catch (err) {
      setPickError(toIpcError(err).message);
    } finally {
      setPicking(false);
    }
  }

  const headers = preview.data?.headers ?? [];
  const setColumn = (field: keyof FileColumns, value: ColumnValue) =>
    onColumns({ ...draft.columns, [field]: value });

  return (
    <>
      <div className={pathProblem ? "form-field form-field-invalid" : "form-field"}>
        <label htmlFor={pathId} className="form-label">
          File
        </label>
        <span className="form-inline file-path-row">
          <input
            id={pathId}
            className="input mono"
            type="text"
            value={draft.path}
            placeholder="/home/me/exports/jira.csv"
            spellCheck={false}
            onChange={(e) => onPath(e.target.value)}
            aria-invalid={pathProblem ? true : undefined}
            aria-describedby={pathProblem ? `${pathId}-problem` : undefined}
            data-testid="source-file-path"
          />
          <button
            type="button"
            className="btn"
            onClick={pick}
            disabled={picking}
            data-testid="source-file-pick"
          >
            {picking ? "Choosing…" : "Choose…"}
          </button>
        </span>
        {pathProblem ? (
          <p className="form-problem" id={`${pathId}-problem`} data-testid={`${pathId}-problem`}>
            {pathProblem}
          </p>
        ) : null}
        {pickError ? (
          <p className="form-problem" role="alert">
            Could not open the file dialog: {pickError}
          </p>
        ) : null}
        <p className="form-help">Baton reads the file again at each sync; an unchanged file is skipped.</p>
      </div>

      <fieldset className="form-field">
        <legend className="form-label">Layout</legend>
        <div className="segmented segmented-small">
          {(Object.keys(FILE_FORMAT_LABELS) as FileFormat[]).map((f) => (
            <label key={f} className={draft.format === f ? "segment active" : "segment"}>
              <input
                type="radio"
                name={`${pathId}-format`}
                value={f}
                checked={draft.format === f}
                onChange={() => onFormat(f)}
                data-testid={`source-file-format-${f}`}
              />
              {FILE_FORMAT_LABELS[f]}
            </label>
          ))}
        </div>
        <p className="form-help">{FORMAT_HELP[draft.format]}</p>
      </fieldset>

      {draft.format !== "baton_jsonl" && headers.length > 0 ? (
        <fieldset className="form-field file-columns" data-testid="source-file-columns">
          <legend className="form-label">Columns</legend>
          <div className="file-column-grid">
            {(draft.format === "states_csv"
              ? STATE_FILE_FIELDS
              : [{ field: "team" as const, label: "Team" }]
            ).map(
              ({
                field,
                label,
                required,
              }: {
                field: keyof FileColumns;
                label: string;
                required?: boolean;
              }) => (
                <label key={field} className="file-column">
                  <span>
                    {label}
                    {required ? null : <span className="muted"> (optional)</span>}
                  </span>
                  <select
                    className="input"
                    value={(draft.columns[field] as ColumnValue) ?? ""}
                    onChange={(e) => setColumn(field, e.target.value || null)}
                    data-testid={`source-file-column-${field}`}
                  >
                    <option value="">{required ? "Choose a column" : "None"}</option>
                    {headers.map((h, n) => (
                      // Headers may repeat (Jira's Labels): the first of a name is the one read.
                      // biome-ignore lint/suspicious/noArrayIndexKey: see above
                      <option key={`${h}-${n}`} value={h}>
                        {h}
                      </option>
                    ))}
                  </select>
                </label>
              ),
            )}
          </div>
          {draft.format === "states_csv" ? (
            <div className="file-states">
              <p className="form-label-small">
                State columns (the date each state was entered), in workflow order
              </p>
              <ul className="file-state-list" data-testid="source-file-states">
                {headers.map((h, n) => {
                  const on = draft.columns.states.includes(h);
                  return (
                    // biome-ignore lint/suspicious/noArrayIndexKey: headers may repeat
                    <li key={`${h}-${n}`}>
                      <label>
                        <input
                          type="checkbox"
                          checked={on}
                          onChange={() =>
                            onColumns({
                              ...draft.columns,
                              // Kept in the file's order: the workflow's.
                              states: headers.filter((x) =>
                                x === h ? !on : draft.columns.states.includes(x),
                              ),
                            })
                          }
                        />{" "}
                        {h}
                      </label>
                    </li>
                  );
                })}
              </ul>
            </div>
          ) : null}
          <label className="file-column">
            <span>
              Date format <span className="muted">(optional)</span>
            </span>
            <input
              className="input mono"
              type="text"
              value={draft.columns.date_format ?? ""}
              placeholder="%d/%m/%Y"
              spellCheck={false}
              onChange={(e) => setColumn("date_format", e.target.value || null)}
              data-testid="source-file-date-format"
            />
          </label>
          <p className="form-help">
            Baton reads 2026-03-02, 2026-03-02 10:15, RFC 3339 and Jira's 02/Mar/26 10:15 AM by itself; give
            the format for others (chrono's, e.g. %d/%m/%Y). Times without an offset are read in UTC.
          </p>
        </fieldset>
      ) : null}

      <FilePreviewPanel
        enabled={absolute}
        pending={preview.isFetching}
        error={preview.error}
        data={preview.data}
      />
    </>
  );
}

function FilePreviewPanel({
  enabled,
  pending,
  error,
  data,
}: {
  enabled: boolean;
  pending: boolean;
  error: unknown;
  data: FilePreview | undefined;
}) {
  if (!enabled) {
    return (
      <p className="muted small file-preview-note" data-testid="source-file-preview-empty">
        Choose a file to see how Baton reads it.
      </p>
    );
  }
  if (error) {
    return (
      <p className="form-problem" role="alert" data-testid="source-file-preview-error">
        {toIpcError(error).message}
      </p>
    );
  }
  if (!data) {
    return (
      <p className="muted small file-preview-note" role="status">
        Reading the file…
      </p>
    );
  }
  return (
    <section className="file-preview" aria-label="Preview of the import" data-testid="source-file-preview">
      <p className="file-preview-totals" aria-live="polite">
        <strong data-testid="source-file-preview-items">{plural(data.itemsTotal, "item")}</strong> readable
        {data.errorsTotal > 0 ? (
          <>
            {" · "}
            <span className="error-text" data-testid="source-file-preview-errors-total">
              {plural(data.errorsTotal, "row")} with errors (not imported)
            </span>
          </>
        ) : null}
        {pending ? <span className="muted"> · reading again…</span> : null}
      </p>
      {data.errors.length > 0 ? (
        <ul className="file-preview-errors" data-testid="source-file-preview-errors">
          {data.errors.map((e) => (
            <li key={`${e.line}-${e.message}`}>
              <span className="mono">line {formatCount(e.line)}</span> {e.message}
            </li>
          ))}
          {data.errorsTotal > data.errors.length ? (
            <li className="muted">and {formatCount(data.errorsTotal - data.errors.length)} more</li>
          ) : null}
        </ul>
      ) : null}
      {data.items.length > 0 ? (
        <div className="file-preview-scroll">
          <table className="data-table file-preview-table">
            <caption className="visually-hidden">The first items, as they would be imported</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Key</th>
                <th scope="col">Title</th>
                <th scope="col">Type</th>
                <th scope="col">State</th>
                <th scope="col">Team</th>
                <th scope="col">Created</th>
                <th scope="col" title="Changes of state the row gives">
                  Changes
                </th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((i) => (
                <tr key={`${i.line}-${i.id}`} data-testid="source-file-preview-row">
                  <td className="num">{i.line}</td>
                  <td className="mono">{i.key}</td>
                  <td className="file-preview-title">{i.title}</td>
                  <td>{i.kind ?? "—"}</td>
                  <td>{i.state}</td>
                  <td>{i.team ?? "—"}</td>
                  <td className="mono">{i.created.slice(0, 10)}</td>
                  <td className="num">{i.transitions}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
