//! The filter bar of the Flow and Bottlenecks pages: date range, teams, sources, kinds,
//! provenance, intents, cycle rule, and the time zone days are counted in.

import { type FormEvent, type KeyboardEvent, useState } from "react";
import type { CycleRule, FlowFilter, RangeInfo, WorkspaceSummary } from "../lib/ipc";
import { formatDay, formatUtcOffset } from "../shared/format";
import { Hint } from "../shared/Hint";
import { Icon } from "../shared/Icon";
import { MultiSelect, type Option } from "../shared/MultiSelect";
import { Popover } from "../shared/Popover";
import {
  CYCLE_RULE_HINTS,
  CYCLE_RULE_LABELS,
  CYCLE_RULE_SUMMARIES,
  ITEM_KIND_LABELS,
  ITEM_KINDS,
  PROVENANCE_HINTS,
  PROVENANCE_LABELS,
  PROVENANCES,
} from "../workgraph/vocabulary";
import {
  activePreset,
  DEFAULT_FLOW_FILTER,
  DEFAULT_RANGE,
  fixedRange,
  isDefaultRange,
  localToday,
  narrowsWork,
  presetRange,
  RANGE_PRESETS,
  rangeProblem,
} from "./filter";
import { IntentFilter } from "./IntentFilter";

const RULES: CycleRule[] = ["last_entry", "first_entry"];

function rangeLabel(filter: FlowFilter): string {
  const preset = activePreset(filter);
  if (preset) return `Last ${preset} days`;
  if (filter.from === null && filter.to === null) return "Last 90 days of activity";
  return `${filter.from ? formatDay(filter.from) : "…"} – ${filter.to ? formatDay(filter.to) : "latest activity"}`;
}

/** The custom range fields, seeded from the shown range each time the picker opens. */
function CustomRange({
  initialFrom,
  initialTo,
  onApply,
}: {
  initialFrom: string;
  initialTo: string;
  onApply: (range: { from: string; to: string }) => void;
}) {
  const [from, setFrom] = useState(initialFrom);
  const [to, setTo] = useState(initialTo);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      className="range-custom"
      noValidate
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        const why = rangeProblem(from, to);
        setProblem(why);
        if (!why) {
          onApply({ from, to });
        }
      }}
    >
      <p className="menu-heading">Custom range</p>
      <label className="range-field">
        <span>From</span>
        <input
          className="input"
          type="date"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          data-testid="flow-filter-from"
        />
      </label>
      <label className="range-field">
        <span>To</span>
        <input
          className="input"
          type="date"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          data-testid="flow-filter-to"
        />
      </label>
      {problem ? (
        <p className="error-text small" role="alert">
          {problem}
        </p>
      ) : null}
      <button type="submit" className="btn btn-small btn-primary" data-testid="flow-filter-apply">
        Apply
      </button>
    </form>
  );
}

/**
 * ← → ↑ ↓ move between the range's ready-made choices (the presets and the default), wrapping at
 * the ends, as in the other filter pickers; the date fields keep their own arrow keys.
 */
function moveBetweenChoices(event: KeyboardEvent<HTMLDivElement>) {
  const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
  const choices = [...event.currentTarget.querySelectorAll<HTMLButtonElement>("[data-range-choice]")];
  const at = choices.indexOf(event.target as HTMLButtonElement);
  if (step === undefined || at < 0) return;
  event.preventDefault();
  choices[(at + step + choices.length) % choices.length]?.focus();
}

function DateRangePicker({
  filter,
  range,
  onChange,
}: {
  filter: FlowFilter;
  range: RangeInfo | undefined;
  onChange: (next: Pick<FlowFilter, "from" | "to" | "lastDays">) => void;
}) {
  const today = localToday();
  const preset = activePreset(filter);
  const isDefault = isDefaultRange(filter);
  return (
    <Popover
      testId="flow-filter-range"
      triggerClassName={isDefault ? "btn filter-btn" : "btn filter-btn filter-active"}
      triggerLabel={`Date range: ${rangeLabel(filter)}`}
      trigger={
        <>
          <Icon name="clock" size={14} />
          <span className="filter-label">Dates</span>
          <span className="filter-value">
            <span>{rangeLabel(filter)}</span>
          </span>
          <Icon name="chevron-down" size={14} />
        </>
      }
    >
      {(close) => (
        // biome-ignore lint/a11y/noStaticElementInteractions: the arrow keys move between its buttons
        <div className="range-picker" onKeyDown={moveBetweenChoices}>
          <fieldset className="range-presets">
            <legend className="visually-hidden">The last days up to today (moves with the calendar)</legend>
            {RANGE_PRESETS.map((days) => (
              <button
                key={days}
                type="button"
                className={
                  preset === days ? "btn btn-small range-preset active" : "btn btn-small range-preset"
                }
                aria-pressed={preset === days}
                data-testid={`flow-filter-preset-${days}`}
                data-range-choice
                title={`The last ${days} days up to today; the range moves forward each day`}
                onClick={() => {
                  onChange(presetRange(days));
                  close();
                }}
              >
                {days} days
              </button>
            ))}
          </fieldset>
          <button
            type="button"
            className={isDefault ? "btn btn-small range-default active" : "btn btn-small range-default"}
            aria-pressed={isDefault}
            data-range-choice
            data-testid="flow-filter-preset-default"
            onClick={() => {
              onChange(DEFAULT_RANGE);
              close();
            }}
          >
            90 days to the latest activity
          </button>
          <CustomRange
            initialFrom={filter.from ?? range?.from ?? ""}
            initialTo={filter.to ?? range?.to ?? today}
            onApply={(r) => {
              onChange(fixedRange(r.from, r.to));
              close();
            }}
          />
        </div>
      )}
    </Popover>
  );
}

function options(counts: { key: string; label: string; count: number }[] | undefined): Option[] {
  return (counts ?? []).map((c) => ({ value: c.key, label: c.label, count: c.count }));
}

export function FlowFilterBar({
  filter,
  onChange,
  summary,
  range,
  updating,
}: {
  filter: FlowFilter;
  /** Changes some fields of the filter. */
  onChange: (patch: Partial<FlowFilter>) => void;
  summary: WorkspaceSummary | undefined;
  /** The range the shown report covers (what "90 days to the latest activity" resolved to). */
  range: RangeInfo | undefined;
  updating: boolean;
}) {
  const kindCounts = new Map(summary?.byKind.map((c) => [c.key, c.count]));
  const provCounts = new Map(summary?.byProvenance.map((c) => [c.key, c.count]));
  const kinds: Option[] = ITEM_KINDS.filter(
    (k) => !summary || kindCounts.has(k) || filter.kinds.includes(k),
  ).map((k) => ({ value: k, label: ITEM_KIND_LABELS[k], count: kindCounts.get(k) }));
  const provenances: Option[] = PROVENANCES.map((p) => ({
    value: p,
    label: PROVENANCE_LABELS[p],
    hint: PROVENANCE_HINTS[p],
    count: provCounts.get(p),
  }));
  const offset = filter.utcOffsetMinutes;
  const clearable = narrowsWork(filter) || !isDefaultRange(filter) || filter.rule !== "last_entry";

  return (
    <div className="flow-filter-bar" role="toolbar" aria-label="Filters" data-testid="flow-filter-bar">
      <div className="filter-row">
        <DateRangePicker filter={filter} range={range} onChange={onChange} />
        <MultiSelect
          label="Teams"
          testId="flow-filter-team"
          options={options(summary?.byTeam)}
          selected={filter.teams}
          onChange={(teams) => onChange({ teams })}
        />
        <MultiSelect
          label="Sources"
          testId="flow-filter-source"
          options={options(summary?.bySource)}
          selected={filter.sources}
          onChange={(sources) => onChange({ sources })}
        />
        <MultiSelect
          label="Kinds"
          testId="flow-filter-kind"
          options={kinds}
          selected={filter.kinds}
          onChange={(values) => onChange({ kinds: ITEM_KINDS.filter((k) => values.includes(k)) })}
        />
        <MultiSelect
          label="Provenance"
          testId="flow-filter-provenance"
          options={provenances}
          selected={filter.provenances}
          onChange={(values) => onChange({ provenances: PROVENANCES.filter((p) => values.includes(p)) })}
        />
        <IntentFilter selected={filter.intents} onChange={(intents) => onChange({ intents })} />
      </div>
      <div className="filter-row">
        <fieldset
          className="segmented segmented-small"
          aria-label="Cycle rule"
          data-testid="flow-filter-rule"
        >
          <legend className="visually-hidden">Cycle rule</legend>
          {RULES.map((rule) => (
            <label
              key={rule}
              className={filter.rule === rule ? "segment active" : "segment"}
              title={CYCLE_RULE_HINTS[rule]}
            >
              <input
                type="radio"
                name="flow-cycle-rule"
                value={rule}
                checked={filter.rule === rule}
                onChange={() => onChange({ rule })}
                data-testid={`flow-filter-rule-${rule}`}
              />
              {CYCLE_RULE_LABELS[rule]}
            </label>
          ))}
        </fieldset>
        <Hint
          label="What the cycle rule does"
          testId="flow-filter-rule-hint"
          text={`How items that moved backwards are counted. ${CYCLE_RULE_LABELS.last_entry} ("last entry"): ${CYCLE_RULE_HINTS.last_entry} ${CYCLE_RULE_LABELS.first_entry} ("first entry"): ${CYCLE_RULE_HINTS.first_entry}`}
        />
        <span className="muted small rule-summary" data-testid="flow-filter-rule-summary">
          {CYCLE_RULE_SUMMARIES[filter.rule]}
        </span>
        <a
          className="zone-note"
          href="#/settings"
          data-testid="flow-filter-zone"
          title={
            filter.timeZone
              ? `Calendar days (the range, daily counts, weeks) are counted in ${filter.timeZone}, at its offset on the range's last day. Change it in Settings.`
              : "Calendar days (the range, daily counts, weeks) are counted in this computer's time zone. Choose another in Settings."
          }
        >
          Days in{" "}
          {filter.timeZone ? `${filter.timeZone} (${formatUtcOffset(offset)})` : formatUtcOffset(offset)}
        </a>
        {clearable ? (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="flow-filter-clear"
            onClick={() => onChange(DEFAULT_FLOW_FILTER)}
          >
            Reset filters
          </button>
        ) : null}
        {updating ? (
          <span className="updating" role="status">
            <span className="spinner spinner-small" aria-hidden="true" /> Updating…
          </span>
        ) : null}
      </div>
    </div>
  );
}
