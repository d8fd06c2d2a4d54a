//! Find an item by key or title (the `itemsList` command's text search) and pick it: a combobox
//! with a list of matches, usable from the keyboard.

import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
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
  const [active, setActive] = useState(0);
  const listId = useId();

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
    <div className="item-search">
      <span className="search-icon" aria-hidden="true">
        <Icon name="search" size={14} />
      </span>
      <input
        className="input item-search-input"
        type="search"
        role="combobox"
        aria-label={label}
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList && rows[active] ? `${listId}-${active}` : undefined}
        placeholder={placeholder}
        value={text}
        data-testid={testId}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setOpen(true);
            setActive((n) => Math.min(n + 1, Math.max(0, rows.length - 1)));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((n) => Math.max(0, n - 1));
          } else if (e.key === "Enter") {
            e.preventDefault();
            pick(rows[active]);
          } else if (e.key === "Escape" && showList) {
            e.preventDefault();
            e.stopPropagation();
            setOpen(false);
          }
        }}
      />
      {showList ? (
        <div className="item-search-list popover" id={listId} role="listbox" aria-label={`${label}: matches`}>
          {results.isPending ? <p className="muted small item-search-note">Searching…</p> : null}
          {results.isError ? (
            <p className="error-text small item-search-note" role="alert">
              Could not search: {results.error.message}
            </p>
          ) : null}
          {results.data && rows.length === 0 ? (
            <p className="muted small item-search-note">No item matches “{query}”.</p>
          ) : null}
          {rows.map((row, n) => (
            <div
              key={row.id}
              id={`${listId}-${n}`}
              role="option"
              tabIndex={-1}
              aria-selected={n === active}
              className={n === active ? "item-search-option active" : "item-search-option"}
              data-testid={`${testId}-option`}
              data-id={row.id}
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(n)}
              onClick={() => pick(row)}
              onKeyDown={() => undefined}
            >
              <span className="mono">{shortKey(row.key, 20)}</span>
              <span className="item-search-title">{row.title}</span>
              <span className="muted small">{row.teamName ?? "No team"}</span>
            </div>
          ))}
          {results.data && results.data.total > rows.length ? (
            <p className="muted small item-search-note">
              {results.data.total - rows.length} more match; type more of the key.
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
