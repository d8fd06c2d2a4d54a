//! A filter picker: a button naming the filter and how many values are chosen, opening a list of
//! checkboxes (with a search box when the list is long).

import { useMemo, useState } from "react";
import { formatCount } from "./format";
import { Icon } from "./Icon";
import { Popover } from "./Popover";

export type Option = { value: string; label: string; count?: number; hint?: string };

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
  const [filter, setFilter] = useState("");
  const chosen = useMemo(() => new Set(selected), [selected]);
  const visible = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f ? options.filter((o) => o.label.toLowerCase().includes(f)) : options;
  }, [filter, options]);
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
        <fieldset className="multi-select">
          <legend className="visually-hidden">{label}</legend>
          {options.length > 8 ? (
            <input
              className="input multi-select-search"
              type="search"
              placeholder={`Find ${label.toLowerCase()}…`}
              aria-label={`Find ${label.toLowerCase()}`}
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
          ) : null}
          <div className="multi-select-list">
            {visible.length === 0 ? <p className="muted small">No match.</p> : null}
            {visible.map((o) => (
              <label key={o.value} className="multi-select-option" title={o.hint}>
                <input type="checkbox" checked={chosen.has(o.value)} onChange={() => toggle(o.value)} />
                <span className="multi-select-text">
                  <span>{o.label}</span>
                </span>
                {o.count !== undefined ? (
                  <span className="multi-select-count">{formatCount(o.count)}</span>
                ) : null}
              </label>
            ))}
          </div>
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
        </fieldset>
      )}
    </Popover>
  );
}
