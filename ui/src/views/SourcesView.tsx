//! Sources: the GitHub, Jira, GitLab and Linear sources and the files this workspace syncs,
//! their health (last sync, next sync, a live progress bar, the history of runs with every
//! failure), adding and editing them, and the rules a sync applies.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ipc, toIpcError } from "../lib/ipc";
import { Icon } from "../shared/Icon";
import { announceSave } from "../shared/SaveNotices";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import type { EditableSource } from "../sources/draft";
import { useLiveSyncs } from "../sources/progress";
import { sourceQueries } from "../sources/queries";
import { RulesSection } from "../sources/RulesSection";
import { SourceCard } from "../sources/SourceCard";
import { SourceForm } from "../sources/SourceForm";
import { summaryQuery } from "../workspace/queries";
import { ViewHeader } from "./ViewHeader";
import "../sources/sources.css";

type FormState = { mode: "add" } | { mode: "edit"; source: EditableSource } | null;

/** Saves every item of the workspace as Baton's JSON lines (what a file source imports). */
function ExportItemsButton() {
  const [busy, setBusy] = useState(false);
  async function run() {
    setBusy(true);
    try {
      const path = await ipc.exportWorkspaceItems();
      if (path) announceSave({ tone: "success", title: "Exported", detail: `Items saved to ${path}` });
    } catch (err) {
      announceSave({ tone: "error", title: "Could not export the items", detail: toIpcError(err).message });
    } finally {
      setBusy(false);
    }
  }
  return (
    <button
      type="button"
      className="btn"
      onClick={run}
      disabled={busy}
      title="Every item with its history and links, as JSON lines another workspace (or tool) can import as a file source"
      data-testid="source-export-items"
    >
      <Icon name="download" size={14} /> {busy ? "Exporting…" : "Export items"}
    </button>
  );
}

export function SourcesView() {
  const sources = useQuery(sourceQueries.list());
  const summary = useQuery(summaryQuery());
  const { runs, markStarting, markNotStarted } = useLiveSyncs();
  const [form, setForm] = useState<FormState>(null);
  const list = sources.data ?? [];
  const counts = new Map((summary.data?.bySource ?? []).map((c) => [c.key, c.count]));
  const editingId = form?.mode === "edit" ? form.source.id : null;
  const otherNames = list.filter((s) => s.id !== editingId).map((s) => s.name);

  return (
    <div className="view view-sources">
      <ViewHeader
        title="Sources"
        description="Where the work graph comes from, and whether it is up to date. Tokens are kept in your system keychain, never in the workspace file."
        actions={
          <>
            <ExportItemsButton />
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => setForm({ mode: "add" })}
              data-testid="source-add"
            >
              <Icon name="plus" size={14} /> Add a source
            </button>
          </>
        }
      />
      <section aria-label="Sources" className="source-list" data-testid="source-list">
        {sources.isPending ? <LoadingState label="Loading the sources…" /> : null}
        {sources.isError ? (
          <ErrorState
            title="Could not load the sources"
            error={sources.error}
            onRetry={() => sources.refetch()}
          />
        ) : null}
        {sources.data && list.length === 0 ? (
          <EmptyState
            title="No sources yet"
            action={
              <button type="button" className="btn btn-primary" onClick={() => setForm({ mode: "add" })}>
                <Icon name="plus" size={14} /> Add a source
              </button>
            }
          >
            Connect a GitHub organisation (or a list of repositories), a Jira Cloud site, a GitLab group or
            projects (gitlab.com or self-managed) or Linear teams, or import a file (a Jira CSV export, a
            spreadsheet with a column per state, or Baton's JSON lines). Baton fetches the work, then keeps it
            up to date on a schedule.
          </EmptyState>
        ) : null}
        {list.map((s) => (
          <SourceCard
            key={s.id}
            source={s}
            live={runs[s.id]}
            itemCount={summary.data ? (counts.get(s.id) ?? 0) : null}
            onEdit={(source) => setForm({ mode: "edit", source })}
            onSyncStarting={markStarting}
            onSyncNotStarted={markNotStarted}
          />
        ))}
      </section>
      {sources.data ? <RulesSection sources={list} /> : null}
      {form ? (
        <SourceForm
          key={form.mode === "edit" ? form.source.id : "add"}
          source={form.mode === "edit" ? form.source : null}
          otherNames={otherNames}
          onClose={() => setForm(null)}
          onSaved={() => setForm(null)}
        />
      ) : null}
    </div>
  );
}
