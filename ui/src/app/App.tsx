//! The application: providers, startup, the frame (navigation, header, banners) and the views.

import {
  keepPreviousData,
  QueryClient,
  QueryClientProvider,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { type ComponentType, lazy, type ReactNode, Suspense, useEffect, useState } from "react";
import { MetricPanelProvider } from "../metrics/MetricInfo";
import { ThemeController } from "../settings/theme";
import { loadEcharts } from "../shared/EChart";
import { ViewErrorBoundary } from "../shared/ErrorBoundary";
import { Icon } from "../shared/Icon";
import { whenIdleLater } from "../shared/idleWork";
import { useRoute, type ViewId } from "../shared/route";
import { SaveNotices } from "../shared/SaveNotices";
import { Banner, ErrorState, LoadingState } from "../shared/states";
import { BottlenecksView } from "../views/BottlenecksView";
import { DecisionsView } from "../views/DecisionsView";
import { DuplicatesView } from "../views/DuplicatesView";
import { FlowView } from "../views/FlowView";
import { GovernanceView } from "../views/GovernanceView";
import { IntentsView } from "../views/IntentsView";
import { NoWorkspaceView } from "../views/NoWorkspaceView";
import { OverviewView } from "../views/OverviewView";
import { PlannedViewPanel } from "../views/PlannedViewPanel";
import { PlansView } from "../views/PlansView";
import { SettingsView } from "../views/SettingsView";
import { SourcesView } from "../views/SourcesView";
import { TriageView } from "../views/TriageView";
import { WorkItemsView } from "../views/WorkItemsView";
import { failureTitle, useWorkspaceActions, WorkspaceActionsProvider } from "../workspace/actions";
import { useWorkspaceChanges, workspaceQueries } from "../workspace/queries";
import { WorkspaceMenu } from "../workspace/WorkspaceMenu";
import { CommandPalette, usePaletteShortcut } from "./CommandPalette";
import { NAV_GROUPS, Nav } from "./Nav";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 15_000 },
    },
  });
}

const VIEW_NAMES: Record<ViewId, string> = Object.fromEntries(
  NAV_GROUPS.flatMap((g) => g.entries.map((e) => [e.id, e.label])),
) as Record<ViewId, string>;

/** Views that read the workspace; without one open they show the "no workspace" screen. */
const NEEDS_WORKSPACE: ReadonlySet<ViewId> = new Set([
  "overview",
  "items",
  "flow",
  "bottlenecks",
  "dependencies",
  "governance",
  "decisions",
  "plans",
  "sources",
  "triage",
]);

/**
 * Not in the startup bundle: its graph libraries (Cytoscape.js, the layout worker) load once the
 * first page has settled and the window is idle, or on the first visit if that comes sooner.
 * Once loaded it renders directly: through `lazy` it would suspend, and React holds a suspended
 * page back for up to 300 ms after its code arrives.
 */
let LoadedDependencies: ComponentType | null = null;
const loadDependencies = () =>
  import("../views/DependenciesView").then((m) => {
    LoadedDependencies = m.DependenciesView;
    return m;
  });
const DependenciesView = lazy(() => loadDependencies().then((m) => ({ default: m.DependenciesView })));

/** The page loaded directly when its code is there, else through `lazy`; chosen once per visit. */
function DependenciesRoute() {
  const [Loaded] = useState(() => LoadedDependencies);
  return Loaded ? (
    <Loaded />
  ) : (
    <Suspense fallback={<LoadingState label="Opening Dependencies…" />}>
      <DependenciesView />
    </Suspense>
  );
}

let dependenciesPreloaded = false;
function preloadDependencies() {
  if (dependenciesPreloaded) return;
  dependenciesPreloaded = true;
  whenIdleLater("dependencies-code", () =>
    loadDependencies()
      .then((m) => m.preloadDependencies())
      .catch(() => {
        // A visit loads it again and shows the error.
      }),
  );
}

function ViewFor({ view }: { view: ViewId }) {
  switch (view) {
    case "overview":
      return <OverviewView />;
    case "items":
      return <WorkItemsView />;
    case "flow":
      return <FlowView />;
    case "bottlenecks":
      return <BottlenecksView />;
    case "dependencies":
      return <DependenciesRoute />;
    case "triage":
      return <TriageView />;
    case "duplicates":
      return <DuplicatesView />;
    case "governance":
      return <GovernanceView />;
    case "decisions":
      return <DecisionsView />;
    case "intents":
      return <IntentsView />;
    case "plans":
      return <PlansView />;
    case "sources":
      return <SourcesView />;
    case "settings":
      return <SettingsView />;
    default:
      return <PlannedViewPanel view={view} />;
  }
}

function Frame({
  notice,
  openError,
}: {
  notice: string | null;
  openError: { code: string; message: string } | null;
}) {
  const client = useQueryClient();
  const route = useRoute();
  const actions = useWorkspaceActions();
  const current = useQuery({ ...workspaceQueries.current(), placeholderData: keepPreviousData });
  const [noticeDismissed, setNoticeDismissed] = useState(false);
  const [openErrorDismissed, setOpenErrorDismissed] = useState(false);
  // The path whose read-only notice was dismissed: opening another read-only file shows it again.
  const [readOnlyDismissed, setReadOnlyDismissed] = useState<string | null>(null);
  const workspace = current.data ?? null;
  const [paletteOpen, setPaletteOpen] = usePaletteShortcut();

  useEffect(() => {
    document.title = workspace ? `${workspace.name} — Baton` : "Baton";
  }, [workspace]);

  let main: ReactNode;
  if (NEEDS_WORKSPACE.has(route.view) && current.isPending) {
    main = <LoadingState label="Opening the workspace…" />;
  } else if (NEEDS_WORKSPACE.has(route.view) && current.isError && !current.data) {
    main = (
      <ErrorState
        title="Could not read the open workspace"
        error={current.error}
        onRetry={() => current.refetch()}
      />
    );
  } else if (NEEDS_WORKSPACE.has(route.view) && workspace === null) {
    main = <NoWorkspaceView />;
  } else {
    main = <ViewFor view={route.view} />;
  }

  return (
    <div className="app">
      <button type="button" className="skip-link" onClick={() => document.getElementById("content")?.focus()}>
        Skip to content
      </button>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            B
          </span>
          <span className="brand-name">Baton</span>
        </div>
        <Nav current={route.view} />
      </aside>
      <div className="main">
        <header className="topbar">
          <WorkspaceMenu workspace={workspace} />
          {workspace ? (
            <span className="topbar-path mono" title={workspace.path}>
              <span>{workspace.path}</span>
            </span>
          ) : null}
          {workspace?.readOnly ? (
            <span
              className="tag tag-read-only"
              title="The file or its folder cannot be written: Baton reads it and changes nothing"
              data-testid="read-only-tag"
            >
              Read-only
            </span>
          ) : null}
          <button
            type="button"
            className="btn btn-ghost palette-trigger"
            onClick={() => setPaletteOpen(true)}
            aria-keyshortcuts="Control+K"
            data-testid="palette-open"
          >
            <Icon name="search" size={14} />
            <span>Go to…</span>
            <kbd className="palette-key">Ctrl K</kbd>
          </button>
        </header>
        <div className="banners">
          {workspace?.readOnly && readOnlyDismissed !== workspace.path ? (
            <Banner
              tone="info"
              title="This workspace is read-only"
              onDismiss={() => setReadOnlyDismissed(workspace.path)}
              testId="read-only-notice"
            >
              <p className="banner-message">
                Baton cannot write to <span className="mono">{workspace.path}</span>: the file or its folder
                is read-only. Every page can be read; syncing sources and changing teams, rules or the
                workflow are off. To work on it, copy it to a folder you can write to, or change its
                permissions, and open it again.
              </p>
            </Banner>
          ) : null}
          {notice && !noticeDismissed ? (
            <Banner
              tone="warning"
              title="Your settings were reset"
              onDismiss={() => setNoticeDismissed(true)}
              testId="settings-notice"
            >
              {notice}
            </Banner>
          ) : null}
          {openError && !openErrorDismissed ? (
            <Banner
              tone="error"
              title="Could not reopen your last workspace"
              onDismiss={() => setOpenErrorDismissed(true)}
              testId="startup-open-error"
              actions={
                <>
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => actions.run({ kind: "pick-open" })}
                  >
                    Open another…
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => actions.run({ kind: "demo" })}
                  >
                    Open the demo
                  </button>
                </>
              }
            >
              <p className="banner-message">{openError.message}</p>
            </Banner>
          ) : null}
          {actions.failure ? (
            <Banner
              tone="error"
              title={failureTitle(actions.failure.request)}
              onDismiss={actions.dismissFailure}
              testId="workspace-error"
              actions={
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => actions.failure && actions.run(actions.failure.request)}
                >
                  Try again
                </button>
              }
            >
              <p className="banner-message">{actions.failure.error.message}</p>
            </Banner>
          ) : null}
        </div>
        <main id="content" className="content" tabIndex={-1}>
          <ViewErrorBoundary
            key={route.view}
            name={VIEW_NAMES[route.view]}
            onReload={() => void client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "startup" })}
          >
            {main}
          </ViewErrorBoundary>
        </main>
      </div>
      <SaveNotices />
      <CommandPalette open={paletteOpen} onOpenChange={setPaletteOpen} />
    </div>
  );
}

function Startup() {
  const client = useQueryClient();
  const startup = useQuery(workspaceQueries.startup(client));

  useWorkspaceChanges(client);

  useEffect(() => {
    window.__batonMounted = true;
    // Once the first page is drawn, one piece per idle moment (`idleWork`): the charting code
    // the other pages draw with, then the Dependencies code.
    whenIdleLater("echarts", () =>
      loadEcharts().catch(() => {
        // A chart that needs it loads it again and says when it cannot.
      }),
    );
    preloadDependencies();
  }, []);

  if (startup.isPending) {
    return (
      <div className="fullscreen">
        <LoadingState
          label="Baton is opening your workspace…"
          slowAction={
            <button type="button" className="btn" onClick={() => window.location.reload()}>
              Reload the window
            </button>
          }
        />
      </div>
    );
  }
  if (startup.isError) {
    return (
      <div className="fullscreen">
        <div className="card fullscreen-card">
          <ErrorState title="Baton could not start" error={startup.error} onRetry={() => startup.refetch()} />
          <p className="muted small">
            <Icon name="info" size={12} /> The interface loaded, but the app's backend did not answer the
            startup request.
          </p>
        </div>
      </div>
    );
  }
  return <Frame notice={startup.data.settingsNotice} openError={startup.data.openError} />;
}

export function App({ client }: { client: QueryClient }) {
  return (
    <QueryClientProvider client={client}>
      <ThemeController>
        <WorkspaceActionsProvider>
          <MetricPanelProvider>
            <Startup />
          </MetricPanelProvider>
        </WorkspaceActionsProvider>
      </ThemeController>
    </QueryClientProvider>
  );
}
