//! Settings: theme, the time zone days are counted in, the open workspace, recent workspaces,
//! version; the workflow map, people, and the conflicting changes rules (owners → teams,
//! sensitive paths) in their tabs.

import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useMemo } from "react";
import { ConflictRulesSettings } from "../conflicts/ConflictRules";
import type { Theme } from "../lib/ipc";
import { PeopleSettings } from "../people/PeopleSettings";
import { settingsQueries } from "../settings/queries";
import { useSetTheme } from "../settings/theme";
import { computerTimeZone, knownTimeZones, useSetTimeZone, zoneOffsetMinutes } from "../settings/timeZone";
import { formatUtcOffset } from "../shared/format";
import { navigate, useRoute } from "../shared/route";
import { ErrorState, LoadingState } from "../shared/states";
import { TriageSettingsSection } from "../triage/TriageSettings";
import { WORKFLOW_TAB } from "../workflow/route";
import { WorkflowSettings } from "../workflow/WorkflowSettings";
import { useWorkspaceActions } from "../workspace/actions";
import { workspaceQueries } from "../workspace/queries";
import { RecentList } from "../workspace/WorkspaceMenu";
import { ViewHeader } from "./ViewHeader";

const THEMES: { value: Theme; label: string; hint: string }[] = [
  { value: "system", label: "System", hint: "Follow the operating system's light or dark setting" },
  { value: "light", label: "Light", hint: "Always light" },
  { value: "dark", label: "Dark", hint: "Always dark" },
];

const PEOPLE_TAB = "people";
const CONFLICTS_TAB = "conflicts";

type Tab = "general" | typeof WORKFLOW_TAB | typeof PEOPLE_TAB | typeof CONFLICTS_TAB;

function SettingsTabs({ tab }: { tab: Tab }) {
  const tabs: { id: Tab; label: string }[] = [
    { id: "general", label: "General" },
    { id: WORKFLOW_TAB, label: "Workflow" },
    { id: PEOPLE_TAB, label: "People" },
    { id: CONFLICTS_TAB, label: "Conflicts" },
  ];
  return (
    <div className="tabs" role="tablist" aria-label="Settings sections">
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`settings-tab-${t.id}`}
          aria-selected={tab === t.id}
          aria-controls={`settings-panel-${t.id}`}
          className={tab === t.id ? "tab active" : "tab"}
          data-testid={`settings-tab-${t.id}`}
          onClick={() =>
            navigate("settings", t.id === "general" ? undefined : new URLSearchParams({ tab: t.id }))
          }
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** A settings tab other than General: the header, the tabs and the tab's card. */
function SettingsPanel({
  tab,
  className,
  description,
  title,
  children,
}: {
  tab: Tab;
  className: string;
  description: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <div className={`view view-settings ${className}`}>
      <ViewHeader title="Settings" description={description} />
      <SettingsTabs tab={tab} />
      <section
        className="card settings-section"
        id={`settings-panel-${tab}`}
        role="tabpanel"
        aria-labelledby={`settings-tab-${tab}`}
      >
        <h2 className="card-title">{title}</h2>
        {children}
      </section>
    </div>
  );
}

export function SettingsView() {
  const route = useRoute();
  const asked = route.params.get("tab");
  const tab: Tab =
    asked === WORKFLOW_TAB || asked === PEOPLE_TAB || asked === CONFLICTS_TAB ? asked : "general";
  if (tab === CONFLICTS_TAB) {
    return (
      <SettingsPanel
        tab={tab}
        className="view-conflict-rules"
        description="Who owns which code and which paths need a given review: what conflicting changes are measured against."
        title="Conflicting changes"
      >
        <ConflictRulesSettings />
      </SettingsPanel>
    );
  }
  if (tab === PEOPLE_TAB) {
    return (
      <SettingsPanel
        tab={tab}
        className="view-people"
        description="Who is one person across sources: their work counts once, whichever tool it is in."
        title="People"
      >
        <PeopleSettings />
      </SettingsPanel>
    );
  }
  if (tab === WORKFLOW_TAB) {
    return (
      <SettingsPanel
        tab={tab}
        className="view-workflow"
        description="What each state of each source means for flow metrics. Changes are saved at once, and every flow and bottleneck number follows them without a resync."
        title="Workflow"
      >
        <p className="muted small workflow-intro">
          Each raw state maps to a flow state — New, Waiting (with a reason), Active, Done or Canceled. A team
          can have its own meaning for a state. Items that pass through an unmapped state are left out of the
          flow numbers until it is mapped.
        </p>
        <WorkflowSettings
          // Arriving from a data note re-focuses the screen on that state.
          key={`${route.params.get("source")}-${route.params.get("state")}`}
          focusSource={route.params.get("source")}
          focusState={route.params.get("state")}
        />
      </SettingsPanel>
    );
  }
  return <GeneralSettings />;
}

/** The time zone calendar days are counted in (Flow, Bottlenecks: ranges, daily counts, weeks). */
function TimeZoneSection({ zone, loaded }: { zone: string | null; loaded: boolean }) {
  const setZone = useSetTimeZone();
  const zones = useMemo(() => knownTimeZones(), []);
  const computer = computerTimeZone();
  const shown = zone ?? "";
  const offset = zoneOffsetMinutes(zone ?? computer ?? "UTC");
  return (
    <section className="card settings-section" aria-labelledby="settings-zone">
      <h2 id="settings-zone" className="card-title">
        Days and time zone
      </h2>
      <p className="muted small">
        Where a day starts and ends: the date ranges, the daily and weekly counts of Flow and Bottlenecks. A
        team in another zone can count its days as it lives them.
      </p>
      {loaded ? (
        <label className="zone-field">
          <span>Count days in</span>
          <select
            className="input"
            value={shown}
            data-testid="settings-time-zone"
            onChange={(e) => setZone.mutate(e.target.value === "" ? null : e.target.value)}
          >
            <option value="">This computer's time zone{computer ? ` (${computer})` : ""}</option>
            {zone && !zones.includes(zone) ? <option value={zone}>{zone}</option> : null}
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <p className="muted small" data-testid="settings-time-zone-note">
        {offset === null
          ? null
          : `Now ${formatUtcOffset(offset)}. A zone with summer time is read at its offset on the last day of the range.`}
      </p>
      {setZone.isError ? (
        <p className="error-text small" role="alert">
          The time zone could not be saved: {setZone.error.message}
        </p>
      ) : null}
    </section>
  );
}

function GeneralSettings() {
  const settings = useQuery(settingsQueries.view());
  const current = useQuery(workspaceQueries.current());
  const setTheme = useSetTheme();
  const actions = useWorkspaceActions();

  return (
    <div className="view view-settings">
      <ViewHeader
        title="Settings"
        description="Appearance, workspaces and version. Changes are saved at once."
      />
      <SettingsTabs tab="general" />

      <section className="card settings-section" aria-labelledby="settings-theme">
        <h2 id="settings-theme" className="card-title">
          Theme
        </h2>
        {settings.isPending ? <LoadingState compact label="Loading settings…" /> : null}
        {settings.isError ? (
          <ErrorState
            compact
            title="Could not load settings"
            error={settings.error}
            onRetry={() => settings.refetch()}
          />
        ) : null}
        {settings.data ? (
          <fieldset className="segmented" aria-label="Theme">
            {THEMES.map((t) => (
              <label
                key={t.value}
                className={settings.data.theme === t.value ? "segment active" : "segment"}
                title={t.hint}
              >
                <input
                  type="radio"
                  name="theme"
                  value={t.value}
                  checked={settings.data.theme === t.value}
                  onChange={() => setTheme.mutate(t.value)}
                  data-testid={`theme-${t.value}`}
                />
                {t.label}
              </label>
            ))}
          </fieldset>
        ) : null}
        {setTheme.isError ? (
          <p className="error-text small" role="alert">
            The theme could not be saved: {setTheme.error.message}
          </p>
        ) : null}
        <p className="muted small">Charts follow the theme too.</p>
      </section>

      <TimeZoneSection zone={settings.data?.timeZone ?? null} loaded={Boolean(settings.data)} />

      <section className="card settings-section" aria-labelledby="settings-workspace">
        <h2 id="settings-workspace" className="card-title">
          Current workspace
        </h2>
        {current.isPending ? <LoadingState compact label="Loading…" /> : null}
        {current.isError ? (
          <ErrorState
            compact
            title="Could not read the open workspace"
            error={current.error}
            onRetry={() => current.refetch()}
          />
        ) : null}
        {current.data === null ? <p className="muted">No workspace is open.</p> : null}
        {current.data ? (
          <dl className="fields fields-wide">
            <div className="field">
              <dt>Name</dt>
              <dd>
                {current.data.name} {current.data.isDemo ? <span className="tag tag-demo">demo</span> : null}
              </dd>
            </div>
            <div className="field">
              <dt>File</dt>
              <dd className="mono path" data-testid="settings-workspace-path">
                {current.data.path}
              </dd>
            </div>
          </dl>
        ) : null}
        <div className="button-row">
          <button type="button" className="btn" onClick={() => actions.run({ kind: "pick-open" })}>
            Open workspace…
          </button>
          <button type="button" className="btn" onClick={() => actions.run({ kind: "pick-create" })}>
            New workspace…
          </button>
          <button type="button" className="btn" onClick={() => actions.run({ kind: "demo" })}>
            Open the demo workspace
          </button>
        </div>
      </section>

      {current.data ? <TriageSettingsSection /> : null}

      <section className="card settings-section" aria-labelledby="settings-recent">
        <h2 id="settings-recent" className="card-title">
          Recent workspaces
        </h2>
        {settings.data ? (
          <RecentList recent={settings.data.recent} currentPath={current.data?.path ?? null} />
        ) : settings.isPending ? (
          <LoadingState compact label="Loading…" />
        ) : null}
      </section>

      <section className="card settings-section" aria-labelledby="settings-about">
        <h2 id="settings-about" className="card-title">
          About
        </h2>
        <dl className="fields fields-wide">
          <div className="field">
            <dt>Baton</dt>
            <dd data-testid="settings-version">
              {settings.data?.version ?? (settings.isPending ? "…" : "unknown")}
            </dd>
          </div>
          <div className="field">
            <dt>Interface</dt>
            <dd>{__UI_VERSION__}</dd>
          </div>
          <div className="field">
            <dt>Data folder</dt>
            <dd className="mono path">{settings.data?.dataDir ?? "…"}</dd>
          </div>
        </dl>
      </section>
    </div>
  );
}
