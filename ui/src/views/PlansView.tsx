//! Plans: "when will it be done?" and "how many by this date?" for a team or an intent, from the
//! team's own delivery history (Monte Carlo over daily throughput, computed in Rust by
//! `baton_core::plan`), with the backtest that says how far to trust it.

import { keepPreviousData, queryOptions, skipToken, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { ChartPanel } from "../flow/ChartPanel";
import { DEFAULT_FLOW_FILTER, localUtcOffsetMinutes, withLocalZone } from "../flow/filter";
import { intentQueries, intentTree } from "../flow/intents";
import { type FlowFilter, type Forecast, type ForecastSpec, ipc } from "../lib/ipc";
import { MetricInfo } from "../metrics/MetricInfo";
import { ScenariosPanel } from "../plans/Scenarios";
import { useChosenTimeZone, zoneOffsetMinutes } from "../settings/timeZone";
import { CONTAIN_ALL, categoryAxisBase, tooltipBase, valueAxisBase } from "../shared/chartStyle";
import type { ChartOption } from "../shared/EChart";
import { formatCount, formatDay, plural } from "../shared/format";
import { EmptyState, ErrorState, LoadingState } from "../shared/states";
import { chartPalette, useResolvedTheme } from "../shared/theme";
import { ruleQueries } from "../sources/queries";
import { ViewHeader } from "./ViewHeader";
import "../plans/plans.css";

export const planQueries = {
  /** `null` while the form is incomplete: nothing is asked. */
  forecast: (spec: ForecastSpec | null) =>
    queryOptions({
      queryKey: ["plans", "forecast", spec],
      queryFn: spec ? () => ipc.planForecast(spec) : skipToken,
      staleTime: 60_000,
      placeholderData: keepPreviousData,
    }),
};

/** What the form holds; turned into a `ForecastSpec` by `toSpec`. */
export type PlanForm = {
  target: "team" | "intent";
  team: string;
  intent: string;
  question: "when" | "how_many";
  items: string;
  date: string;
  windowDays: string;
  trials: string;
  seed: string;
};

export const DEFAULT_FORM: PlanForm = {
  target: "team",
  team: "",
  intent: "",
  question: "when",
  items: "",
  date: "",
  windowDays: "90",
  trials: "10000",
  seed: "1",
};

/** A whole number typed in a field, or null when the field is empty or not a whole number. */
function whole(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

/** The request the form describes, or why it cannot be sent yet. */
export function toSpec(form: PlanForm, base: FlowFilter): { spec: ForecastSpec } | { missing: string } {
  if (form.target === "intent" && !form.intent) return { missing: "Choose an intent to forecast." };
  if (form.question === "how_many" && !/^\d{4}-\d{2}-\d{2}$/.test(form.date))
    return { missing: "Choose the date to count up to." };
  const items = whole(form.items);
  return {
    spec: {
      filter: { ...base, teams: form.target === "team" && form.team ? [form.team] : [] },
      intent: form.target === "intent" ? form.intent : null,
      question: form.question === "when" ? { type: "when", items } : { type: "how_many", date: form.date },
      windowDays: whole(form.windowDays),
      trials: whole(form.trials),
      seed: whole(form.seed),
    },
  };
}

/** The headline of a forecast, in words. */
export function headline(f: Forecast): string {
  const p85 = f.levels.find((l) => l.confidence === 85);
  if (!p85) return "No forecast";
  if (f.question.type === "how_many") {
    return `At least ${plural(p85.items ?? 0, "item")} by ${formatDay(f.question.date)}, with 85% confidence`;
  }
  if (p85.days === 0) return "Nothing left to do";
  if (p85.date === null || p85.days === null) return "Not within ten years at the current pace";
  return `Done by ${formatDay(p85.date)} with 85% confidence (${plural(p85.days, "day")})`;
}

function levelText(f: Forecast, l: Forecast["levels"][number]): string {
  if (f.question.type === "how_many") return `${formatCount(l.items ?? 0)}+ items`;
  if (l.days === 0) return "nothing left";
  if (l.date === null || l.days === null) return "beyond ten years";
  return formatDay(l.date);
}

/** Which pace a team's items are drawn from, in words. */
function paceText(t: Forecast["teams"][number]): string {
  if (t.wholeTeamPace) return "its whole pace: nothing of the intent finished (optimistic)";
  if (t.finishedOfIntent !== null) return "its pace on the intent";
  return "its whole pace (upstream items only)";
}

function histogramOption(f: Forecast, theme: "light" | "dark"): ChartOption {
  const p = chartPalette(theme);
  const days = f.question.type === "when";
  const label = (b: Forecast["histogram"][number]) =>
    b.from === b.to ? formatCount(b.from) : `${formatCount(b.from)}–${formatCount(b.to)}`;
  const p85 = f.levels.find((l) => l.confidence === 85);
  const mark = days ? p85?.days : p85?.items;
  return {
    backgroundColor: "transparent",
    grid: { left: 16, right: 16, top: 24, bottom: 12, ...CONTAIN_ALL },
    tooltip: {
      ...tooltipBase(p),
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (params: unknown) => {
        const first = Array.isArray(params) ? params[0] : params;
        const at = (first as { dataIndex?: number }).dataIndex ?? 0;
        const bar = f.histogram[at];
        if (!bar) return "";
        const share = (bar.trials / f.trials) * 100;
        return `${label(bar)} ${days ? "days" : "items"}<br/>${formatCount(bar.trials)} trials (${share.toFixed(1)}%)`;
      },
    },
    xAxis: categoryAxisBase(
      p,
      days ? "Days from the first forecast day" : "Items finished",
      f.histogram.map(label),
    ),
    yAxis: valueAxisBase(p, "Trials", { gap: 44 }),
    series: [
      {
        type: "bar" as const,
        name: "Trials",
        color: p.series[0],
        data: f.histogram.map((b) => ({
          value: b.trials,
          itemStyle:
            mark !== null && mark !== undefined && (days ? b.from > mark : b.to < mark)
              ? { color: p.muted, opacity: 0.45 }
              : undefined,
        })),
      },
    ],
  };
}

function FormField({
  id,
  label,
  children,
  hint,
}: {
  id: string;
  label: string;
  children: React.ReactNode;
  hint?: string;
}) {
  return (
    <div className="plan-field">
      <label className="plan-field-label" htmlFor={id}>
        {label}
      </label>
      {children}
      {hint ? (
        <span className="plan-field-hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}

function PlanFormCard({ form, onChange }: { form: PlanForm; onChange: (f: PlanForm) => void }) {
  const teams = useQuery(ruleQueries.teams());
  const intents = useQuery(intentQueries.list());
  const lines = useMemo(() => intentTree(intents.data ?? []), [intents.data]);
  const set = (patch: Partial<PlanForm>) => onChange({ ...form, ...patch });
  return (
    <section className="card plan-form" aria-label="What to forecast" data-testid="plan-form">
      <fieldset className="plan-row">
        <legend className="plan-field-label">Forecast</legend>
        <label className="plan-choice">
          <input
            type="radio"
            name="plan-target"
            checked={form.target === "team"}
            onChange={() => set({ target: "team" })}
            data-testid="plan-target-team"
          />
          a team's open work
        </label>
        <label className="plan-choice">
          <input
            type="radio"
            name="plan-target"
            checked={form.target === "intent"}
            onChange={() => set({ target: "intent" })}
            data-testid="plan-target-intent"
          />
          an intent, through its dependencies
        </label>
      </fieldset>
      <div className="plan-row">
        {form.target === "team" ? (
          <FormField id="plan-team" label="Team">
            <select
              value={form.team}
              onChange={(e) => set({ team: e.target.value })}
              id="plan-team"
              data-testid="plan-team"
            >
              <option value="">All teams</option>
              {(teams.data ?? []).map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </FormField>
        ) : (
          <FormField id="plan-intent" label="Intent">
            <select
              value={form.intent}
              onChange={(e) => set({ intent: e.target.value })}
              id="plan-intent"
              data-testid="plan-intent"
            >
              <option value="">Choose an intent…</option>
              {lines.map((l) => (
                <option key={l.intent.id} value={l.intent.id}>
                  {`${"\u00a0\u00a0".repeat(l.depth)}${l.intent.label}`}
                </option>
              ))}
            </select>
          </FormField>
        )}
        <FormField id="plan-question" label="Question">
          <select
            value={form.question}
            onChange={(e) => set({ question: e.target.value === "how_many" ? "how_many" : "when" })}
            id="plan-question"
            data-testid="plan-question"
          >
            <option value="when">When will it be done?</option>
            <option value="how_many">How many items by a date?</option>
          </select>
        </FormField>
        {form.question === "when" ? (
          <FormField
            id="plan-items"
            label="Items"
            hint={form.target === "intent" ? "all its open items" : "empty: all open items"}
          >
            <input
              type="number"
              min={1}
              inputMode="numeric"
              value={form.items}
              disabled={form.target === "intent"}
              placeholder="all open"
              onChange={(e) => set({ items: e.target.value })}
              id="plan-items"
              data-testid="plan-items"
            />
          </FormField>
        ) : (
          <FormField id="plan-date" label="By (included)">
            <input
              type="date"
              value={form.date}
              onChange={(e) => set({ date: e.target.value })}
              id="plan-date"
              data-testid="plan-date"
            />
          </FormField>
        )}
      </div>
      <details className="plan-advanced">
        <summary>Simulation settings</summary>
        <div className="plan-row">
          <FormField id="plan-window" label="History window (days)" hint="7 to 730">
            <input
              type="number"
              min={7}
              max={730}
              value={form.windowDays}
              onChange={(e) => set({ windowDays: e.target.value })}
              id="plan-window"
              data-testid="plan-window"
            />
          </FormField>
          <FormField id="plan-trials" label="Trials" hint="100 to 100,000">
            <input
              type="number"
              min={100}
              max={100000}
              value={form.trials}
              onChange={(e) => set({ trials: e.target.value })}
              id="plan-trials"
              data-testid="plan-trials"
            />
          </FormField>
          <FormField id="plan-seed" label="Seed" hint="the same seed, the same forecast">
            <input
              type="number"
              min={0}
              value={form.seed}
              onChange={(e) => set({ seed: e.target.value })}
              id="plan-seed"
              data-testid="plan-seed"
            />
          </FormField>
        </div>
      </details>
    </section>
  );
}

function ForecastResult({ f }: { f: Forecast }) {
  const theme = useResolvedTheme();
  const option = useMemo(() => histogramOption(f, theme), [f, theme]);
  const days = f.question.type === "when";
  const what =
    f.method === "dependencies"
      ? `${plural(f.items, "open item")} of ${f.label}, and ${formatCount(f.upstreamItems)} upstream of them`
      : days
        ? `${plural(f.items, "item")} of ${f.label}`
        : `items of ${f.label} from ${formatDay(f.start)} (${plural(f.horizonDays, "day")})`;
  const backtest = f.backtest;
  return (
    <div className="plan-result" data-testid="plan-result">
      <section className="card plan-headline" aria-live="polite">
        <p className="plan-headline-text" data-testid="plan-headline">
          {headline(f)}
        </p>
        <p className="card-subtitle">
          {what}. From {formatDay(f.start)}, drawing from {formatCount(f.historyFinished)} items finished on{" "}
          {formatCount(f.historyDaysWithFinish)} of the {formatCount(f.windowDays)} days from{" "}
          {formatDay(f.windowFrom)} to {formatDay(f.windowTo)}; {formatCount(f.trials)} trials, seed {f.seed}.{" "}
          <MetricInfo
            id={f.method === "dependencies" ? "forecast-dependencies" : "forecast-method"}
            label="Forecast"
            text="How is this computed?"
          />
        </p>
        {f.levels.length > 0 ? (
          <dl className="plan-levels" data-testid="plan-levels">
            {f.levels.map((l) => (
              <div
                key={l.confidence}
                className={l.confidence === 85 ? "plan-level plan-level-main" : "plan-level"}
              >
                <dt>{l.confidence}% confidence</dt>
                <dd>{levelText(f, l)}</dd>
              </div>
            ))}
          </dl>
        ) : null}
        {f.notes.length > 0 ? (
          <ul className="plan-notes" data-testid="plan-notes">
            {f.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        ) : null}
      </section>
      {f.histogram.length > 0 ? (
        <ChartPanel
          title={days ? "Days to finish, over all trials" : "Items finished, over all trials"}
          subtitle={
            days
              ? "How many simulated futures finished after each number of days; bars past the 85% date are greyed."
              : "How many simulated futures finished each number of items; bars below the 85% figure are greyed."
          }
          metricId="forecast-method"
          testId="plan-histogram"
          csv={() => [
            [days ? "Days from" : "Items from", days ? "Days to" : "Items to", "Trials"],
            ...f.histogram.map((b) => [b.from, b.to, b.trials]),
          ]}
          chart={{ option, height: 260, label: "Histogram of the trials' outcomes" }}
        />
      ) : null}
      {f.teams.length > 0 ? (
        <ChartPanel
          title="Teams on the way"
          subtitle="Each team finishes its items at its own pace, never before what they wait on."
          metricId="forecast-dependencies"
          testId="plan-teams"
          csv={() => [
            ["Team", "Open items", "Upstream", "Finished of the intent", "Finished, all work", "Pace used"],
            ...f.teams.map((t) => [
              t.team,
              t.items,
              t.upstreamItems,
              t.finishedOfIntent ?? "",
              t.finishedAll,
              paceText(t),
            ]),
          ]}
        >
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Team</th>
                <th scope="col" className="num">
                  Open items
                </th>
                <th scope="col" className="num">
                  Of which upstream
                </th>
                <th scope="col" className="num">
                  Finished of the intent
                </th>
                <th scope="col" className="num">
                  Finished, all work
                </th>
                <th scope="col">Pace used</th>
              </tr>
            </thead>
            <tbody>
              {f.teams.map((t) => (
                <tr key={t.team}>
                  <td>{t.team}</td>
                  <td className="num">{formatCount(t.items)}</td>
                  <td className="num">{formatCount(t.upstreamItems)}</td>
                  <td className="num">
                    {t.finishedOfIntent === null ? "–" : formatCount(t.finishedOfIntent)}
                  </td>
                  <td className="num">{formatCount(t.finishedAll)}</td>
                  <td>{paceText(t)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ChartPanel>
      ) : null}
      {backtest ? (
        <ChartPanel
          title="How far to trust it"
          subtitle={
            backtest.checks.length > 0
              ? `At ${formatCount(backtest.checks.length)} past dates, the same method forecast the next ${formatCount(backtest.horizonDays)} days. The 85% figure held ${formatCount(backtest.heldP85)} of ${formatCount(backtest.checks.length)} times, the 50% figure ${formatCount(backtest.heldP50)} times.`
              : "There is not enough history before the window to check the method against the past."
          }
          metricId="forecast-backtest"
          testId="plan-backtest"
          csv={() => [
            ["Date", "At least (50%)", "At least (85%)", "Finished"],
            ...backtest.checks.map((c) => [c.date, c.p50, c.p85, c.actual]),
          ]}
          empty={
            backtest.checks.length === 0
              ? { title: "No past check", body: "A longer history gives this forecast a track record." }
              : null
          }
        >
          <table className="table">
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col" className="num">
                  At least, 50%
                </th>
                <th scope="col" className="num">
                  At least, 85%
                </th>
                <th scope="col" className="num">
                  Finished
                </th>
                <th scope="col">85% held?</th>
              </tr>
            </thead>
            <tbody>
              {backtest.checks.map((c) => (
                <tr key={c.date}>
                  <td>{formatDay(c.date)}</td>
                  <td className="num">{formatCount(c.p50)}</td>
                  <td className="num">{formatCount(c.p85)}</td>
                  <td className="num">{formatCount(c.actual)}</td>
                  <td>{c.actual >= c.p85 ? "yes" : "no"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ChartPanel>
      ) : null}
    </div>
  );
}

type PlansTab = "forecast" | "scenarios";

function ScenariosTab({ base }: { base: FlowFilter }) {
  const teams = useQuery(ruleQueries.teams());
  const intents = useQuery(intentQueries.list());
  const teamOptions = useMemo(
    () => (teams.data ?? []).map((t) => ({ id: t.id, name: t.name })),
    [teams.data],
  );
  const intentOptions = useMemo(
    () => (intents.data ?? []).map((i) => ({ id: i.id, name: i.label })),
    [intents.data],
  );
  return <ScenariosPanel base={base} teams={teamOptions} intents={intentOptions} />;
}

/** The tab last chosen: the page comes back on it when it is drawn again, e.g. when starting a
 * planning session opens the frozen copy (every view is drawn anew for another workspace). */
let lastTab: PlansTab | null = null;

export function PlansView({ initialTab }: { initialTab?: PlansTab }) {
  const [tab, setShownTab] = useState<PlansTab>(initialTab ?? lastTab ?? "forecast");
  const setTab = (next: PlansTab) => {
    lastTab = next;
    setShownTab(next);
  };
  const [form, setForm] = useState<PlanForm>(DEFAULT_FORM);
  // Days are counted as on the Flow page: in the zone chosen in Settings, else this computer's.
  const zone = useChosenTimeZone();
  const offset = (zone ? zoneOffsetMinutes(zone) : null) ?? localUtcOffsetMinutes();
  const base = withLocalZone(DEFAULT_FLOW_FILTER, offset, zone);
  const request = toSpec(form, base);
  const spec = tab === "forecast" && "spec" in request ? request.spec : null;
  const forecast = useQuery(planQueries.forecast(spec));
  return (
    <div className="view plans-view" data-testid="view-plans">
      <ViewHeader
        title="Plans"
        description="When is this likely to be done, and how sure are we? Forecasts from the team's own delivery history, not from estimates; scenarios compared with the plan as it stands."
      />
      <div className="plan-tabs" role="tablist" aria-label="Plans">
        {(
          [
            ["forecast", "Forecast"],
            ["scenarios", "Scenarios"],
          ] as const
        ).map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            className={tab === id ? "btn btn-small btn-primary" : "btn btn-small"}
            onClick={() => setTab(id)}
            data-testid={`plan-tab-${id}`}
          >
            {label}
          </button>
        ))}
      </div>
      {tab === "scenarios" ? (
        <ScenariosTab base={base} />
      ) : (
        <ForecastTab form={form} setForm={setForm} request={request} spec={spec} forecast={forecast} />
      )}
    </div>
  );
}

function ForecastTab({
  form,
  setForm,
  request,
  spec,
  forecast,
}: {
  form: PlanForm;
  setForm: (f: PlanForm) => void;
  request: ReturnType<typeof toSpec>;
  spec: ForecastSpec | null;
  forecast: ReturnType<typeof useQuery<Forecast>>;
}) {
  return (
    <>
      <PlanFormCard form={form} onChange={setForm} />
      {"missing" in request ? (
        <EmptyState title="Nothing to forecast yet">{request.missing}</EmptyState>
      ) : forecast.isPending ? (
        <LoadingState label={`Simulating ${formatCount(spec?.trials ?? 10_000)} futures…`} />
      ) : forecast.isError ? (
        <ErrorState
          title="The forecast could not be made"
          error={forecast.error}
          onRetry={() => void forecast.refetch()}
        />
      ) : (
        <ForecastResult f={forecast.data} />
      )}
    </>
  );
}
