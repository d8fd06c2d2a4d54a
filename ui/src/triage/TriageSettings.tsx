//! Settings → Triage: the thresholds of the reasons (the workspace's, recorded as a decision),
//! which reasons make a desktop notification and the name decisions are recorded under (this
//! machine's).

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { ipc, type Reason, type Thresholds } from "../lib/ipc";
import { ErrorState, LoadingState } from "../shared/states";
import { triageQueries } from "./queries";
import { REASON_LABELS, REASONS } from "./vocabulary";
import "./triage.css";

const FIELDS: { key: keyof Thresholds; label: string; min: number; max: number; step: number }[] = [
  { key: "reviewWaitDays", label: "Review wait (days)", min: 0, max: 365, step: 0.5 },
  { key: "mergedWindowDays", label: "Merged window (days)", min: 1, max: 365, step: 1 },
  { key: "idleDays", label: "Idle time (days)", min: 1, max: 3650, step: 0.5 },
  { key: "newWorkDays", label: "New-work window (days)", min: 1, max: 3650, step: 1 },
];

function ThresholdsForm({ thresholds }: { thresholds: Thresholds }) {
  const client = useQueryClient();
  const [draft, setDraft] = useState<Thresholds>(thresholds);
  const [why, setWhy] = useState("");
  useEffect(() => setDraft(thresholds), [thresholds]);
  const save = useMutation({
    mutationFn: () => ipc.triageThresholdsSet(draft, why.trim()),
    onSuccess: () => {
      setWhy("");
      void client.invalidateQueries({ queryKey: triageQueries.all() });
    },
  });
  const changed = FIELDS.some((f) => draft[f.key] !== thresholds[f.key]);
  function submit(e: FormEvent) {
    e.preventDefault();
    if (changed) save.mutate();
  }
  return (
    <form onSubmit={submit} className="triage-form" data-testid="triage-thresholds">
      {FIELDS.map((f) => (
        <label key={f.key} className="triage-field">
          <span>{f.label}</span>
          <input
            className="input"
            type="number"
            min={f.min}
            max={f.max}
            step={f.step}
            value={draft[f.key] ?? ""}
            onChange={(e) => setDraft({ ...draft, [f.key]: Number(e.target.value) })}
            data-testid={`threshold-${f.key}`}
          />
        </label>
      ))}
      <label className="triage-field">
        <span>Why (recorded with the change)</span>
        <input className="input" value={why} maxLength={4000} onChange={(e) => setWhy(e.target.value)} />
      </label>
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={!changed || save.isPending}>
          Save thresholds
        </button>
      </div>
      {save.isError ? (
        <p className="error-text small" role="alert">
          The thresholds were not saved: {save.error.message}
        </p>
      ) : null}
    </form>
  );
}

export function TriageSettingsSection() {
  const client = useQueryClient();
  const thresholds = useQuery(triageQueries.thresholds());
  const settings = useQuery({ queryKey: ["settings", "triage"], queryFn: ipc.triageSettingsGet });
  const [name, setName] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: ipc.triageSettingsSet,
    onSuccess: (saved) => client.setQueryData(["settings", "triage"], saved),
  });
  const data = settings.data;
  function toggle(r: Reason, on: boolean) {
    if (!data) return;
    save.mutate({ ...data, notify: on ? [...data.notify, r] : data.notify.filter((x) => x !== r) });
  }
  return (
    <section className="card settings-section" aria-labelledby="settings-triage">
      <h2 id="settings-triage" className="card-title">
        Triage
      </h2>
      <h3 className="section-title">Thresholds</h3>
      <p className="muted small">
        When an item is listed (see the definitions in the Triage page's ⓘ links). A change is recorded as a
        decision, with who and why, and applies to everyone who opens this workspace.
      </p>
      {thresholds.isPending ? <LoadingState compact label="Loading the thresholds…" /> : null}
      {thresholds.isError ? (
        <ErrorState
          compact
          title="Could not load the thresholds"
          error={thresholds.error}
          onRetry={() => thresholds.refetch()}
        />
      ) : null}
      {thresholds.data ? <ThresholdsForm thresholds={thresholds.data} /> : null}
      <h3 className="section-title">Desktop notifications</h3>
      <p className="muted small">
        Off until you choose a reason: Baton then tells you when items are newly listed for it (on this
        computer).
      </p>
      {settings.isError ? (
        <ErrorState
          compact
          title="Could not load these settings"
          error={settings.error}
          onRetry={() => settings.refetch()}
        />
      ) : null}
      {data ? (
        <>
          <fieldset className="filter-row" aria-label="Notify for">
            {REASONS.map((r) => (
              <label key={r} className="checkbox-label">
                <input
                  type="checkbox"
                  checked={data.notify.includes(r)}
                  disabled={save.isPending}
                  onChange={(e) => toggle(r, e.target.checked)}
                  data-testid={`notify-${r}`}
                />{" "}
                {REASON_LABELS[r]}
              </label>
            ))}
          </fieldset>
          <form
            className="triage-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (name !== null) save.mutate({ ...data, name: name.trim() });
            }}
          >
            <label className="triage-field">
              <span>Decisions are recorded as (empty: your login name)</span>
              <input
                className="input"
                value={name ?? data.name}
                maxLength={120}
                onChange={(e) => setName(e.target.value)}
                data-testid="triage-name"
              />
            </label>
            <div className="button-row">
              <button
                type="submit"
                className="btn"
                disabled={name === null || name.trim() === data.name || save.isPending}
              >
                Save name
              </button>
            </div>
          </form>
          {save.isError ? (
            <p className="error-text small" role="alert">
              Not saved: {save.error.message}
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
