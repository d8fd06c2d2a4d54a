//! Working hours and holidays per team, in the team's time zone: the calendars every time-based
//! policy counts in (review SLA, maximum waits, due dates of decisions). One for every team
//! without its own, and one per team that needs another. Rust checks them when saved (a zone
//! it does not know, an end before the start, a holiday that is not a date) and says which.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { type Calendar, ipc, type PolicySet } from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { summaryQuery } from "../workspace/queries";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const DAY_LABELS: Record<(typeof DAYS)[number], string> = {
  mon: "Mo",
  tue: "Tu",
  wed: "We",
  thu: "Th",
  fri: "Fr",
  sat: "Sa",
  sun: "Su",
};

type Row = { key: string; label: string; calendar: Calendar };

function CalendarRow({
  row,
  onChange,
  onRemove,
}: {
  row: Row;
  onChange: (c: Calendar) => void;
  onRemove: (() => void) | null;
}) {
  const c = row.calendar;
  const [holidays, setHolidays] = useState(c.holidays.join(", "));
  useEffect(() => setHolidays(c.holidays.join(", ")), [c.holidays]);
  return (
    <tr data-testid="calendar-row">
      <th scope="row">{row.label}</th>
      <td>
        <input
          className="input"
          value={c.zone}
          aria-label={`${row.label}: time zone`}
          placeholder="Europe/Berlin"
          onChange={(e) => onChange({ ...c, zone: e.target.value })}
          style={{ width: "11em" }}
        />
      </td>
      <td>
        {DAYS.map((d) => (
          <label key={d} className="checkbox-label small" style={{ marginRight: 4 }}>
            <input
              type="checkbox"
              checked={c.days.includes(d)}
              aria-label={`${row.label}: works on ${d}`}
              onChange={(e) =>
                onChange({
                  ...c,
                  days: e.target.checked
                    ? DAYS.filter((x) => x === d || c.days.includes(x))
                    : c.days.filter((x) => x !== d),
                })
              }
            />
            {DAY_LABELS[d]}
          </label>
        ))}
      </td>
      <td>
        <input
          type="time"
          className="input"
          value={c.start}
          aria-label={`${row.label}: start of the working day`}
          onChange={(e) => onChange({ ...c, start: e.target.value })}
        />
        {" – "}
        <input
          type="time"
          className="input"
          value={c.end}
          aria-label={`${row.label}: end of the working day`}
          onChange={(e) => onChange({ ...c, end: e.target.value })}
        />
      </td>
      <td>
        <input
          className="input mono"
          value={holidays}
          aria-label={`${row.label}: holidays`}
          placeholder="2026-12-25, 2026-12-26"
          onChange={(e) => setHolidays(e.target.value)}
          onBlur={() =>
            onChange({
              ...c,
              holidays: holidays
                .split(/[\s,]+/)
                .map((s) => s.trim())
                .filter((s) => s !== ""),
            })
          }
          style={{ width: "14em" }}
        />
      </td>
      <td>
        {onRemove ? (
          <button type="button" className="btn btn-small btn-ghost" onClick={onRemove}>
            Remove
          </button>
        ) : null}
      </td>
    </tr>
  );
}

export function CalendarEditor({ set }: { set: PolicySet }) {
  const client = useQueryClient();
  const summary = useQuery(summaryQuery());
  const [calendar, setCalendar] = useState<Calendar>(set.calendar);
  const [calendars, setCalendars] = useState<Partial<Record<string, Calendar>>>(set.calendars ?? {});
  const [adding, setAdding] = useState("");
  useEffect(() => {
    setCalendar(set.calendar);
    setCalendars(set.calendars ?? {});
  }, [set]);
  const save = useMutation({
    mutationFn: () => {
      const own: Record<string, Calendar> = {};
      for (const [k, v] of Object.entries(calendars)) if (v) own[k] = v;
      return ipc.governancePoliciesSave({ ...set, calendar, calendars: own });
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ["governance"] }),
  });
  const teams = (summary.data?.byTeam ?? []).filter((t) => t.key !== "");
  const nameOf = (key: string) => teams.find((t) => t.key === key)?.label ?? key;
  const changed =
    JSON.stringify(calendar) !== JSON.stringify(set.calendar) ||
    JSON.stringify(calendars) !== JSON.stringify(set.calendars ?? {});
  const rows: Row[] = [
    { key: "", label: "Every other team", calendar },
    ...Object.entries(calendars).flatMap(([key, c]) => (c ? [{ key, label: nameOf(key), calendar: c }] : [])),
  ];
  return (
    <section className="card" aria-labelledby="gov-calendars-title" data-testid="gov-calendars">
      <header className="card-header">
        <div className="card-heading">
          <h2 className="card-title" id="gov-calendars-title">
            Working hours and holidays
          </h2>
          <p className="card-subtitle">
            Time-based policies count working time in each team's own time zone, daylight-saving changes
            included.
          </p>
        </div>
        <div className="card-tools">
          <MetricInfo id="governance-hours" label="Working hours" text="How is this computed?" />
        </div>
      </header>
      <div className="table-scroll">
        <table className="table" data-testid="gov-calendars-table">
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col">Time zone</th>
              <th scope="col">Working days</th>
              <th scope="col">Hours (local)</th>
              <th scope="col">Holidays (local dates)</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <CalendarRow
                key={row.key}
                row={row}
                onChange={(c) =>
                  row.key === "" ? setCalendar(c) : setCalendars({ ...calendars, [row.key]: c })
                }
                onRemove={
                  row.key === ""
                    ? null
                    : () => {
                        const next = { ...calendars };
                        delete next[row.key];
                        setCalendars(next);
                      }
                }
              />
            ))}
          </tbody>
        </table>
      </div>
      <div className="state-actions">
        <select
          className="input"
          value={adding}
          aria-label="Team that needs its own calendar"
          onChange={(e) => setAdding(e.target.value)}
          data-testid="gov-calendar-team"
        >
          <option value="">A team with its own hours…</option>
          {teams
            .filter((t) => !calendars[t.key])
            .map((t) => (
              <option key={t.key} value={t.key}>
                {t.label}
              </option>
            ))}
        </select>
        <button
          type="button"
          className="btn"
          disabled={adding === ""}
          onClick={() => {
            setCalendars({ ...calendars, [adding]: { ...calendar } });
            setAdding("");
          }}
          data-testid="gov-calendar-add"
        >
          Add
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!changed || save.isPending}
          onClick={() => save.mutate()}
          data-testid="gov-calendars-save"
        >
          {save.isPending ? "Saving…" : "Save working hours"}
        </button>
        {save.isError ? (
          <span className="error-text small" role="alert">
            Not saved: {save.error.message}
          </span>
        ) : null}
      </div>
    </section>
  );
}
