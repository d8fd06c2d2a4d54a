//! Settings: theme, the open workspace, recent workspaces, version.

import { useQuery } from "@tanstack/react-query";
import type { Theme } from "../lib/ipc";
import { settingsQueries } from "../settings/queries";
import { useSetTheme } from "../settings/theme";
import { ErrorState, LoadingState } from "../shared/states";
import { useWorkspaceActions } from "../workspace/actions";
import { workspaceQueries } from "../workspace/queries";
import { RecentList } from "../workspace/WorkspaceMenu";
import { ViewHeader } from "./ViewHeader";

const THEMES: { value: Theme; label: string; hint: string }[] = [
  { value: "system", label: "System", hint: "Follow the operating system's light or dark setting" },
  { value: "light", label: "Light", hint: "Always light" },
  { value: "dark", label: "Dark", hint: "Always dark" },
];

export function SettingsView() {
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
