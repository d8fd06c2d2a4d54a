//! A filter picker: a button naming the filter and how many values are chosen, opening a list to
//! choose from. The list is a `cmdk` command list inside the Radix popover: typing narrows it,
//! ↑ ↓ Home End move, Enter or a click chooses or unchooses; each option says whether it is
//! chosen (`aria-checked`).

import { Command } from "cmdk";
import { useMemo } from "react";
import { formatCount } from "./format";
import { Icon } from "./Icon";
import { Popover } from "./Popover";

export type Option = { value: string; label: string; count?: number; hint?: string };

/** cmdk's filter: a case-insensitive substring of the option's label (its keywords). */
export function matchLabel(_value: string, search: string, keywords?: string[]): number {
  const s = search.trim().toLowerCase();
  if (!s) return 1;
  return (keywords ?? []).some((k) => k.toLowerCase().includes(s)) ? 1 : 0;
}

export function MultiSelect({
  label,
  options,
  selected,
  onChange,
  testId,
}: {
  label: string;
  options: Option[];
  selected: string[];
  onChange: (values: string[]) => void;
  testId?: string;
}) {
  const chosen = useMemo(() => new Set(selected), [selected]);
  const summary =
    selected.length === 0
      ? "Any"
      : selected.length === 1
        ? (options.find((o) => o.value === selected[0])?.label ?? "1 selected")
        : `${selected.length} selected`;

  function toggle(value: string) {
    const next = new Set(chosen);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    // Keep the options' order so the URL (and the query key) is stable.
    onChange(options.map((o) => o.value).filter((v) => next.has(v)));
  }

  return (
    <Popover
      testId={testId}
      triggerClassName={selected.length ? "btn filter-btn filter-active" : "btn filter-btn"}
      triggerLabel={`${label} filter: ${summary}`}
      trigger={
        <>
          <span className="filter-label">{label}</span>
          <span className="filter-value">
            <span>{summary}</span>
          </span>
          <Icon name="chevron-down" size={14} />
        </>
      }
    >
      {() => (
        <Command className="multi-select" label={label} filter={matchLabel} loop>
          <Command.Input
            className="input multi-select-search"
            placeholder={`Find ${label.toLowerCase()}…`}
            aria-label={`Find ${label.toLowerCase()}`}
          />
          <Command.List className="multi-select-list" data-testid={testId ? `${testId}-list` : undefined}>
            <Command.Empty className="muted small">No match.</Command.Empty>
            {options.map((o) => (
              <Command.Item
                key={o.value}
                value={o.value}
                keywords={[o.label]}
                className="multi-select-option"
                title={o.hint}
                aria-checked={chosen.has(o.value)}
                data-testid={testId ? `${testId}-option` : undefined}
                data-value={o.value}
                onSelect={() => toggle(o.value)}
              >
                <span className="check-box" aria-hidden="true">
                  {chosen.has(o.value) ? <Icon name="check" size={12} /> : null}
                </span>
                <span className="multi-select-text">
                  <span>{o.label}</span>
                </span>
                {o.count !== undefined ? (
                  <span className="multi-select-count">{formatCount(o.count)}</span>
                ) : null}
              </Command.Item>
            ))}
          </Command.List>
          <div className="multi-select-footer">
            <button
              type="button"
              className="btn btn-small"
              disabled={!selected.length}
              onClick={() => onChange([])}
            >
              Clear
            </button>
          </div>
        </Command>
      )}
    </Popover>
  );
}
