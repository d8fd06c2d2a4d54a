//! Find an item by key or title (the `itemsList` command's text search) and pick it: a combobox
//! with a list of matches, on `cmdk` (the library of the command palette): ↑ ↓ move through the
//! matches, Enter picks one, Escape closes the list. Matching is done by Rust, so cmdk's own
//! filter is off.

import { useQuery } from "@tanstack/react-query";
import { Command } from "cmdk";
import { useEffect, useState } from "react";
import type { ItemRow } from "../lib/ipc";
import { Icon } from "../shared/Icon";
import { shortKey } from "../workgraph/vocabulary";
import { depsQueries } from "./queries";

const DEBOUNCE_MS = 200;

export function ItemSearch({
  label,
  placeholder = "Find an item by key or title…",
  onPick,
  testId,
}: {
  /** Accessible name of the search box. */
  label: string;
  placeholder?: string;
  onPick: (item: Pick<ItemRow, "id" | "key" | "title">) => void;
  testId: string;
}) {
  const [text, setText] = useState("");
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(text.trim()), DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text]);

  const results = useQuery(depsQueries.search(query));
  const rows = query ? (results.data?.rows ?? []) : [];
  const showList = open && query.length > 0;

  function pick(row: ItemRow | undefined) {
    if (!row) return;
    onPick({ id: row.id, key: row.key, title: row.title });
    setText("");
    setQuery("");
    setOpen(false);
  }

  return (
    <Command
      className="item-search"
      label={label}
      shouldFilter={false}
      loop
      onKeyDown={(e) => {
        if (e.key === "Escape" && showList) {
          e.preventDefault();
          e.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <span className="search-icon" aria-hidden="true">
        <Icon name="search" size={14} />
      </span>
      <Command.Input
        className="input item-search-input"
        aria-label={label}
        placeholder={placeholder}
        value={text}
        data-testid={testId}
        onValueChange={(value) => {
          setText(value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
      />
      {showList ? (
        <Command.List className="item-search-list popover" aria-label={`${label}: matches`}>
          {results.isPending ? <p className="muted small item-search-note">Searching…</p> : null}
          {results.isError ? (
            <p className="error-text small item-search-note" role="alert">
              Could not search: {results.error.message}
            </p>
          ) : null}
          {results.data && rows.length === 0 ? (
            <p className="muted small item-search-note">No item matches “{query}”.</p>
          ) : null}
          {rows.map((row) => (
            <Command.Item
              key={row.id}
              value={row.id}
              className="item-search-option"
              data-testid={`${testId}-option`}
              data-id={row.id}
              // Keeps the focus in the box, so picking with the mouse does not close the list first.
              onMouseDown={(e) => e.preventDefault()}
              onSelect={() => pick(row)}
            >
              <span className="mono">{shortKey(row.key, 20)}</span>
              <span className="item-search-title">{row.title}</span>
              <span className="muted small">{row.teamName ?? "No team"}</span>
            </Command.Item>
          ))}
          {results.data && results.data.total > rows.length ? (
            <p className="muted small item-search-note">
              {results.data.total - rows.length} more match; type more of the key.
            </p>
          ) : null}
        </Command.List>
      ) : null}
    </Command>
  );
}
