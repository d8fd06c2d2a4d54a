//! The command palette (Ctrl+K, ⌘K on a Mac): go to any page, item, team or intent, or run an
//! action, without the mouse. Built on `cmdk` (its dialog is Radix UI's): typing narrows the
//! list, ↑ ↓ move, Enter runs, Escape closes and focus returns where it was.

import { useQuery } from "@tanstack/react-query";
import { Command } from "cmdk";
import { useCallback, useEffect, useState } from "react";
import { intentQueries, intentTree } from "../flow/intents";
import { openItems } from "../items/filters";
import { ipc } from "../lib/ipc";
import { useSetTheme } from "../settings/theme";
import { Icon } from "../shared/Icon";
import { navigate } from "../shared/route";
import { sourceQueries, useSyncNow } from "../sources/queries";
import { shortKey } from "../workgraph/vocabulary";
import { useWorkspaceActions } from "../workspace/actions";
import { summaryQuery, workspaceQueries } from "../workspace/queries";
import { NAV_GROUPS } from "./Nav";

/** How long typing must pause before the items are searched. */
const SEARCH_PAUSE_MS = 150;
const ITEM_RESULTS = 8;

/** Ctrl+K or ⌘K (and not with Shift or Alt, which other tools use). */
export function isPaletteShortcut(event: KeyboardEvent): boolean {
  return (
    (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "k"
  );
}

/** What had the focus when the palette opened: it gets it back when the palette closes. */
let opener: HTMLElement | null = null;

function rememberOpener() {
  opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
}

/** Opens and closes the palette on Ctrl+K from anywhere in the window. */
export function usePaletteShortcut(): [boolean, (open: boolean) => void] {
  const [open, setOpenState] = useState(false);
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (isPaletteShortcut(event)) {
        event.preventDefault();
        setOpenState((o) => {
          if (!o) rememberOpener();
          return !o;
        });
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const setOpen = useCallback((next: boolean) => {
    if (next) rememberOpener();
    setOpenState(next);
  }, []);
  return [open, setOpen];
}

/**
 * cmdk's filter: every word typed is in the option's text (its value and keywords), ignoring
 * case. Options keep their order (pages, items, teams, intents, actions), so the first match is
 * predictable, unlike a fuzzy score.
 */
export function matchWords(value: string, search: string, keywords?: string[]): number {
  const text = [value, ...(keywords ?? [])].join(" ").toLowerCase();
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return words.every((w) => text.includes(w)) ? 1 : 0;
}

function useDebounced(text: string, ms: number): string {
  const [value, setValue] = useState(text);
  useEffect(() => {
    const timer = window.setTimeout(() => setValue(text), ms);
    return () => window.clearTimeout(timer);
  }, [text, ms]);
  return value;
}

export function CommandPalette({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const [search, setSearch] = useState("");
  const text = useDebounced(search.trim(), SEARCH_PAUSE_MS);
  const workspace = useQuery({ ...workspaceQueries.current(), enabled: open });
  const hasWorkspace = Boolean(workspace.data);
  const summary = useQuery({ ...summaryQuery(), enabled: open && hasWorkspace });
  const intents = useQuery({ ...intentQueries.list(), enabled: open && hasWorkspace });
  const sources = useQuery({ ...sourceQueries.list(), enabled: open && hasWorkspace });
  const items = useQuery({
    queryKey: ["palette", "items", text],
    queryFn: () =>
      ipc.itemsList({
        teams: [],
        states: [],
        kinds: [],
        sources: [],
        provenances: [],
        intents: [],
        text,
        withoutIndependentReview: false,
        sort: "updated",
        direction: "desc",
        offset: 0,
        limit: ITEM_RESULTS,
      }),
    enabled: open && hasWorkspace && text.length >= 2,
    staleTime: 15_000,
  });
  const setTheme = useSetTheme();
  const syncNow = useSyncNow();
  const actions = useWorkspaceActions();
  const readOnly = workspace.data?.readOnly ?? false;

  // Focus goes back to where it was when the palette closes (cmdk's dialog has no trigger of
  // its own to return to), unless the action moved it on purpose.
  useEffect(() => {
    if (open) return;
    setSearch("");
    const back = opener;
    opener = null;
    if (!back) return;
    const timer = window.setTimeout(() => {
      if (back.isConnected && (document.activeElement === document.body || document.activeElement === null))
        back.focus();
    }, 0);
    return () => window.clearTimeout(timer);
  }, [open]);

  function run(action: () => void) {
    onOpenChange(false);
    action();
  }

  return (
    <Command.Dialog
      open={open}
      onOpenChange={onOpenChange}
      label="Go to a page, item, team or intent, or run an action"
      overlayClassName="palette-overlay"
      contentClassName="palette"
      data-testid="palette"
      filter={matchWords}
      loop
    >
      <div className="palette-input">
        <Icon name="search" />
        <Command.Input
          value={search}
          onValueChange={setSearch}
          placeholder="Go to a page, item, team or intent, or run an action…"
          data-testid="palette-input"
        />
        <kbd className="palette-key">Esc</kbd>
      </div>
      <Command.List className="palette-list">
        <Command.Empty className="palette-empty">
          {items.isFetching
            ? "Searching the items…"
            : "Nothing matches. Try a page, a team, or an item's key."}
        </Command.Empty>
        <Command.Group heading="Pages">
          {NAV_GROUPS.flatMap((g) => g.entries)
            .filter((e) => !e.planned)
            .map((e) => (
              <Command.Item
                key={e.id}
                value={`page ${e.label}`}
                keywords={[e.hint]}
                data-testid={`palette-page-${e.id}`}
                onSelect={() => run(() => navigate(e.id))}
              >
                <Icon name={e.icon} />
                <span>{e.label}</span>
                <span className="palette-hint">{e.hint}</span>
              </Command.Item>
            ))}
        </Command.Group>
        {items.data && items.data.rows.length > 0 ? (
          <Command.Group heading={`Items matching “${text}”`}>
            {items.data.rows.map((row) => (
              <Command.Item
                key={row.id}
                // The search already matched them: keep them whatever cmdk's own scoring says.
                value={`item ${row.key} ${row.title}`}
                keywords={[text]}
                data-testid="palette-item"
                data-id={row.id}
                onSelect={() => run(() => navigate("items", new URLSearchParams({ q: text, item: row.id })))}
              >
                <span className="mono palette-key-text">{shortKey(row.key)}</span>
                <span className="palette-title">{row.title}</span>
                <span className="palette-hint">{row.teamName ?? "No team"}</span>
              </Command.Item>
            ))}
            {items.data.total > items.data.rows.length ? (
              <Command.Item
                value={`item all ${text}`}
                keywords={[text]}
                onSelect={() => run(() => openItems({ text }))}
              >
                <Icon name="items" />
                <span>
                  All {items.data.total.toLocaleString()} items matching “{text}”
                </span>
              </Command.Item>
            ) : null}
          </Command.Group>
        ) : null}
        {summary.data && summary.data.byTeam.length > 0 ? (
          <Command.Group heading="Teams">
            {summary.data.byTeam.map((t) => (
              <Command.Item
                key={t.key || "none"}
                value={`team ${t.label}`}
                data-testid="palette-team"
                data-id={t.key}
                onSelect={() => run(() => openItems({ teams: [t.key] }))}
              >
                <Icon name="items" />
                <span>{t.label}</span>
                <span className="palette-hint">{t.count.toLocaleString()} items</span>
              </Command.Item>
            ))}
          </Command.Group>
        ) : null}
        {intents.data && intents.data.length > 0 ? (
          <Command.Group heading="Intents">
            {intentTree(intents.data).map(({ intent }) => (
              <Command.Item
                key={intent.id}
                value={`intent ${intent.label} ${intent.id}`}
                data-testid="palette-intent"
                data-id={intent.id}
                onSelect={() => run(() => openItems({ intents: [intent.id] }))}
              >
                <Icon name="intents" />
                <span>{intent.label}</span>
                <span className="palette-hint">
                  {intent.kind} · {intent.itemsWithDescendants.toLocaleString()} items
                </span>
              </Command.Item>
            ))}
          </Command.Group>
        ) : null}
        <Command.Group heading="Actions">
          {!readOnly
            ? (sources.data ?? [])
                .filter((s) => s.enabled)
                .map((s) => (
                  <Command.Item
                    key={s.id}
                    value={`action sync ${s.name}`}
                    data-testid="palette-sync"
                    onSelect={() => run(() => syncNow.mutate(s.id))}
                  >
                    <Icon name="refresh" />
                    <span>Sync “{s.name}” now</span>
                  </Command.Item>
                ))
            : null}
          <Command.Item
            value="action open demo workspace"
            onSelect={() => run(() => actions.run({ kind: "demo" }))}
          >
            <Icon name="folder" />
            <span>Open the demo workspace</span>
          </Command.Item>
          <Command.Item
            value="action open workspace file"
            onSelect={() => run(() => actions.run({ kind: "pick-open" }))}
          >
            <Icon name="folder" />
            <span>Open a workspace…</span>
          </Command.Item>
          <Command.Item
            value="action create new workspace file"
            onSelect={() => run(() => actions.run({ kind: "pick-create" }))}
          >
            <Icon name="plus" />
            <span>Create a workspace…</span>
          </Command.Item>
          <Command.Item
            value="action theme dark"
            data-testid="palette-theme-dark"
            onSelect={() => run(() => setTheme.mutate("dark"))}
          >
            <Icon name="settings" />
            <span>Dark theme</span>
          </Command.Item>
          <Command.Item value="action theme light" onSelect={() => run(() => setTheme.mutate("light"))}>
            <Icon name="settings" />
            <span>Light theme</span>
          </Command.Item>
          <Command.Item
            value="action theme system follow"
            onSelect={() => run(() => setTheme.mutate("system"))}
          >
            <Icon name="settings" />
            <span>Theme as the system's</span>
          </Command.Item>
        </Command.Group>
      </Command.List>
    </Command.Dialog>
  );
}
