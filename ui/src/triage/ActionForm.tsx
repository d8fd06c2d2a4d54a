//! The small form an action that needs more than a key opens: the owner's name, a date to defer
//! to, the intent, the item it duplicates, a note. Every form also asks why (optional). Enter
//! records, Escape cancels.

import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { ItemSearch } from "../deps/ItemSearch";
import { intentQueries } from "../flow/intents";
import type { DecisionInput, TriageRow } from "../lib/ipc";
import type { ActionId } from "./vocabulary";

/** Actions that open a form (the others are recorded at once). */
export const FORM_ACTIONS: ReadonlySet<ActionId> = new Set(["owner", "defer", "intent", "duplicate", "note"]);

const TITLES: Partial<Record<ActionId, string>> = {
  owner: "Set the accountable owner",
  defer: "Defer",
  intent: "Link to an intent",
  duplicate: "Mark as a duplicate",
  note: "Add a note",
};

export function ActionForm({
  action,
  row,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  action: ActionId;
  row: TriageRow;
  busy: boolean;
  error: string | null;
  onSubmit: (decision: DecisionInput, why: string) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState("");
  const [why, setWhy] = useState("");
  const [until, setUntil] = useState("");
  const [untilChange, setUntilChange] = useState(true);
  const [intent, setIntent] = useState("");
  const [duplicate, setDuplicate] = useState<{ id: string; key: string } | null>(null);
  const first = useRef<HTMLInputElement & HTMLSelectElement>(null);
  const intents = useQuery({ ...intentQueries.list(), enabled: action === "intent" });
  const ids = useId();

  useEffect(() => {
    first.current?.focus();
  }, []);

  function decision(): DecisionInput | null {
    switch (action) {
      case "owner":
        return text.trim() ? { kind: "owner_set", owner: text.trim() } : null;
      case "defer":
        return until || untilChange
          ? { kind: "deferred", until: until || null, until_change: untilChange }
          : null;
      case "intent":
        return intent ? { kind: "intent_linked", intent } : null;
      case "duplicate":
        return duplicate ? { kind: "duplicate_confirmed", of: duplicate.id } : null;
      case "note":
        return text.trim() ? { kind: "note", text: text.trim() } : null;
      default:
        return null;
    }
  }
  const ready = decision();

  function submit(e: FormEvent) {
    e.preventDefault();
    if (ready && !busy) onSubmit(ready, why.trim());
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
      aria-label={TITLES[action]}
      data-testid="triage-form"
    >
      <p className="triage-form-title">
        {TITLES[action]} <span className="mono muted">{row.key}</span>
      </p>
      {action === "owner" ? (
        <label className="triage-field" htmlFor={`${ids}-owner`}>
          <span>Person (id, login or name)</span>
          <input
            id={`${ids}-owner`}
            ref={first}
            className="input"
            value={text}
            maxLength={200}
            onChange={(e) => setText(e.target.value)}
            data-testid="triage-form-owner"
          />
        </label>
      ) : null}
      {action === "note" ? (
        <label className="triage-field" htmlFor={`${ids}-note`}>
          <span>Note</span>
          <input
            id={`${ids}-note`}
            ref={first}
            className="input"
            value={text}
            maxLength={4000}
            onChange={(e) => setText(e.target.value)}
            data-testid="triage-form-note"
          />
        </label>
      ) : null}
      {action === "defer" ? (
        <>
          <label className="triage-field" htmlFor={`${ids}-until`}>
            <span>Until (a day, UTC; optional)</span>
            <input
              id={`${ids}-until`}
              ref={first}
              type="date"
              className="input"
              value={until}
              onChange={(e) => setUntil(e.target.value)}
              data-testid="triage-form-until"
            />
          </label>
          <label className="checkbox-label">
            <input
              type="checkbox"
              checked={untilChange}
              onChange={(e) => setUntilChange(e.target.checked)}
              data-testid="triage-form-until-change"
            />{" "}
            or until the item changes
          </label>
        </>
      ) : null}
      {action === "intent" ? (
        <label className="triage-field" htmlFor={`${ids}-intent`}>
          <span>Intent</span>
          <select
            id={`${ids}-intent`}
            ref={first}
            className="input"
            value={intent}
            onChange={(e) => setIntent(e.target.value)}
            data-testid="triage-form-intent"
          >
            <option value="">
              {intents.isPending
                ? "Loading intents…"
                : intents.isError
                  ? "Could not load intents"
                  : "Choose…"}
            </option>
            {(intents.data ?? []).map((i) => (
              <option key={i.id} value={i.id}>
                {i.title}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {action === "duplicate" ? (
        <div className="triage-field">
          <span>Duplicate of</span>
          {duplicate ? (
            <span>
              <span className="mono">{duplicate.key}</span>{" "}
              <button type="button" className="btn btn-small btn-ghost" onClick={() => setDuplicate(null)}>
                Change
              </button>
            </span>
          ) : (
            <ItemSearch
              label="Item it duplicates"
              testId="triage-form-duplicate"
              onPick={(item) => item.id !== row.id && setDuplicate({ id: item.id, key: item.key })}
            />
          )}
        </div>
      ) : null}
      <label className="triage-field" htmlFor={`${ids}-why`}>
        <span>Why (optional)</span>
        <input
          id={`${ids}-why`}
          className="input"
          value={why}
          maxLength={4000}
          onChange={(e) => setWhy(e.target.value)}
          data-testid="triage-form-why"
        />
      </label>
      {error ? (
        <p className="error-text small" role="alert">
          {error}
        </p>
      ) : null}
      <div className="button-row">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!ready || busy}
          data-testid="triage-form-submit"
        >
          {busy ? "Recording…" : "Record"}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
