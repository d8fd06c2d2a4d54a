//! The one boundary between the interface and the Rust side.
//!
//! Only this folder imports `@tauri-apps/*` or the generated bindings. Every function here
//! returns the command's data or throws an `IpcError` (`code` to branch on, `message` to show).

import { commands, events } from "../../bindings";
import { timedIpc } from "../../shared/perf";
import { call } from "./error";
import type {
  AiComparison,
  AnswerInput,
  Approval,
  ApprovalQuery,
  ApprovalsReport,
  Attention,
  AttentionItems,
  AttentionList,
  BottleneckReport,
  ChangeConflictsReport,
  CompareSpec,
  Comparison,
  ConflictAnswerInput,
  ConflictRulesView,
  ConnectionTest,
  CriticalPath,
  DecisionView,
  DepsFilter,
  DepsReport,
  DuplicatesQuery,
  DuplicatesReport,
  ExportEncoding,
  FilePreview,
  FileScopeInput,
  FlowFilter,
  FlowItems,
  FlowReport,
  FlowSelection,
  Forecast,
  ForecastSpec,
  GovernanceReport,
  GraphRequest,
  GraphView,
  IntentInfo,
  IntentInput,
  IntentsQuery,
  IntentsReport,
  ItemChanges,
  ItemDetail,
  ItemsPage,
  ItemsQuery,
  LinkTarget,
  MergeReport,
  NewApproval,
  PairAnswer,
  PeopleView,
  PickPurpose,
  PlanSession,
  PolicyCompliance,
  PolicySet,
  ProvenanceRule,
  RederiveReport,
  RuleInput,
  RulePreview,
  Rules,
  RuleView,
  Scenario,
  ScenarioInput,
  SensitivePathRule,
  SessionStatus,
  SourceInput,
  SourceView,
  StartupState,
  SyncProgress,
  SyncRun,
  Target,
  TeamInfo,
  TeamRule,
  Theme,
  Thresholds,
  TouchesQuery,
  TouchesReport,
  TouchPulls,
  TriageDecision,
  TriageList,
  TriageQuery,
  TriageSettings,
  WorkflowChange,
  WorkflowRow,
  WorkspaceChanged,
  WorkspaceSummary,
} from "./types";

export type { Result } from "./error";
export { call, IpcError, rustCode, TRANSPORT_ERROR, toIpcError, unwrap } from "./error";
export type * from "./types";

export const ipc = {
  appStartup: (): Promise<StartupState> => timedIpc("app_startup", call(commands.appStartup())),
  workspaceOpen: (path: string) => call(commands.workspaceOpen(path)),
  workspaceCreate: (path: string) => call(commands.workspaceCreate(path)),
  workspaceOpenDemo: () => call(commands.workspaceOpenDemo()),
  workspacePickFile: (purpose: PickPurpose) => call(commands.workspacePickFile(purpose)),
  workspaceCurrent: () => call(commands.workspaceCurrent()),
  workspaceSummary: (): Promise<WorkspaceSummary> =>
    timedIpc("workspace_summary", call(commands.workspaceSummary())),
  itemsList: (query: ItemsQuery): Promise<ItemsPage> =>
    timedIpc("items_list", call(commands.itemsList(query))),
  itemDetail: (id: string): Promise<ItemDetail> => call(commands.itemDetail(id)),
  itemOpenInBrowser: (id: string) => call(commands.itemOpenInBrowser(id)),
  settingsGet: () => call(commands.settingsGet()),
  settingsSetTheme: (theme: Theme) => call(commands.settingsSetTheme(theme)),
  settingsSetTimeZone: (timeZone: string | null) => call(commands.settingsSetTimeZone(timeZone)),
  flowReport: (filter: FlowFilter): Promise<FlowReport> =>
    timedIpc("flow_report", call(commands.flowReport(filter))),
  flowBottlenecks: (filter: FlowFilter): Promise<BottleneckReport> =>
    timedIpc("flow_bottlenecks", call(commands.flowBottlenecks(filter))),
  flowItems: (filter: FlowFilter, selection: FlowSelection): Promise<FlowItems> =>
    timedIpc("flow_items", call(commands.flowItems(filter, selection))),
  flowFilterGet: (): Promise<FlowFilter> => call(commands.flowFilterGet()),
  flowFilterSet: (filter: FlowFilter) => call(commands.flowFilterSet(filter)),
  workflowList: (): Promise<WorkflowRow[]> => call(commands.workflowList()),
  workflowSet: (change: WorkflowChange) => call(commands.workflowSet(change)),
  intentsList: (): Promise<IntentInfo[]> => call(commands.intentsList()),
  depsReport: (filter: DepsFilter): Promise<DepsReport> =>
    timedIpc("deps_report", call(commands.depsReport(filter))),
  depsGraph: (request: GraphRequest): Promise<GraphView> =>
    timedIpc("deps_graph", call(commands.depsGraph(request))),
  overviewAttention: (): Promise<Attention> =>
    timedIpc("overview_attention", call(commands.overviewAttention())),
  overviewAttentionItems: (list: AttentionList): Promise<AttentionItems> =>
    timedIpc("overview_attention_items", call(commands.overviewAttentionItems(list))),
  depsCriticalPath: (target: Target): Promise<CriticalPath> =>
    timedIpc("deps_critical_path", call(commands.depsCriticalPath(target))),
  sourcesList: (): Promise<SourceView[]> => call(commands.sourcesList()),
  sourcesAdd: (input: SourceInput): Promise<SourceView> => call(commands.sourcesAdd(input)),
  sourcesEdit: (id: string, input: SourceInput): Promise<SourceView> => call(commands.sourcesEdit(id, input)),
  sourcesSetEnabled: (id: string, enabled: boolean): Promise<SourceView> =>
    call(commands.sourcesSetEnabled(id, enabled)),
  sourcesRemove: (id: string) => call(commands.sourcesRemove(id)),
  sourcesTestConnection: (input: SourceInput, id: string | null): Promise<ConnectionTest> =>
    call(commands.sourcesTestConnection(input, id)),
  sourcesSyncNow: (id: string) => call(commands.sourcesSyncNow(id)),
  /** The system file dialog for a file source; the path, or null when cancelled. */
  sourcesPickFile: (): Promise<string | null> => call(commands.sourcesPickFile()),
  /** A file read as a file source would, without saving anything. */
  sourcesPreviewFile: (scope: FileScopeInput): Promise<FilePreview> =>
    call(commands.sourcesPreviewFile(scope)),
  sourcesCancel: (id: string): Promise<boolean> => call(commands.sourcesCancel(id)),
  sourcesHistory: (id: string, limit: number): Promise<SyncRun[]> => call(commands.sourcesHistory(id, limit)),
  rulesList: (): Promise<Rules> => call(commands.rulesList()),
  peopleList: (): Promise<PeopleView> => call(commands.peopleList()),
  rulesRederivePreview: (): Promise<RederiveReport> => call(commands.rulesRederivePreview()),
  rulesRederiveApply: (): Promise<RederiveReport> => call(commands.rulesRederiveApply()),
  peopleMerge: (keep: string, other: string) => call(commands.peopleMerge(keep, other)),
  peopleSplit: (person: string): Promise<string[]> => call(commands.peopleSplit(person)),
  rulesSaveTeamRule: (rule: TeamRule): Promise<string> => call(commands.rulesSaveTeamRule(rule)),
  rulesDeleteTeamRule: (id: string) => call(commands.rulesDeleteTeamRule(id)),
  rulesSaveProvenanceRule: (rule: ProvenanceRule): Promise<string> =>
    call(commands.rulesSaveProvenanceRule(rule)),
  rulesDeleteProvenanceRule: (id: string) => call(commands.rulesDeleteProvenanceRule(id)),
  teamsList: (): Promise<TeamInfo[]> => call(commands.teamsList()),
  governanceReport: (): Promise<GovernanceReport> => call(commands.governanceReport()),
  duplicatesReport: (query: DuplicatesQuery): Promise<DuplicatesReport> =>
    call(commands.duplicatesReport(query)),
  /** Confirms (a decision and a duplicates link) or dismisses a pair; returns the decision's id. */
  duplicatesAnswer: (answer: PairAnswer): Promise<string> => call(commands.duplicatesAnswer(answer)),
  /** Every conflict of open changes, and who changes whose code. */
  conflictsReport: (): Promise<ChangeConflictsReport> => call(commands.conflictsReport()),
  /** The files an item touches (with their owners) and its conflicts. */
  conflictsItem: (itemId: string): Promise<ItemChanges> => call(commands.conflictsItem(itemId)),
  /** Who changes whose code over a window and the Dependencies page's filters. */
  conflictsTouches: (query: TouchesQuery): Promise<TouchesReport> =>
    timedIpc("conflicts_touches", call(commands.conflictsTouches(query))),
  /** The pull requests behind one team → team pair of `conflictsTouches`. */
  conflictsTouchPulls: (query: TouchesQuery, fromTeamId: string, toTeamId: string): Promise<TouchPulls> =>
    call(commands.conflictsTouchPulls(query, fromTeamId, toTeamId)),
  /** The owner → team rules, the sensitive paths and the owners the CODEOWNERS files name. */
  conflictsRules: (): Promise<ConflictRulesView> => call(commands.conflictsRules()),
  /** Maps a CODEOWNERS owner to a team (null: removes its rule); answers the rules. */
  conflictsSetOwnerRule: (owner: string, teamId: string | null): Promise<ConflictRulesView> =>
    call(commands.conflictsSetOwnerRule(owner, teamId)),
  /** Replaces the sensitive paths (an empty list: none is sensitive); answers the rules. */
  conflictsSetSensitivePaths: (paths: SensitivePathRule[]): Promise<ConflictRulesView> =>
    call(commands.conflictsSetSensitivePaths(paths)),
  /** Acknowledges or dismisses one flagged conflict (a decision); returns its id. */
  conflictsAnswer: (answer: ConflictAnswerInput): Promise<string> => call(commands.conflictsAnswer(answer)),
  approvalsReport: (query: ApprovalQuery): Promise<ApprovalsReport> => call(commands.approvalsReport(query)),
  /** Asks a question in Baton; returns the decision recording it (take it back to withdraw). */
  approvalsAsk: (question: NewApproval): Promise<DecisionView> => call(commands.approvalsAsk(question)),
  /** Answers a pending decision or approval; returns the decision recording the answer. */
  approvalsAnswer: (answer: AnswerInput): Promise<DecisionView> => call(commands.approvalsAnswer(answer)),
  approvalsForItem: (itemId: string): Promise<Approval[]> => call(commands.approvalsForItem(itemId)),
  governanceCompliance: (days: number): Promise<PolicyCompliance[]> =>
    call(commands.governanceCompliance(days)),
  governancePoliciesGet: (): Promise<PolicySet> => call(commands.governancePoliciesGet()),
  governancePoliciesSave: (set: PolicySet): Promise<PolicySet> => call(commands.governancePoliciesSave(set)),
  planForecast: (spec: ForecastSpec): Promise<Forecast> => call(commands.planForecast(spec)),
  intentsReport: (query: IntentsQuery): Promise<IntentsReport> => call(commands.intentsReport(query)),
  intentsForecast: (query: IntentsQuery, id: string): Promise<Forecast> =>
    call(commands.intentsForecast(query, id)),
  /** The intent's one-page brief, a whole HTML document (every text escaped by Rust). */
  intentsBrief: (query: IntentsQuery, id: string): Promise<string> => call(commands.intentsBrief(query, id)),
  /** The same brief printed to PDF by a headless Chromium, as base64. */
  intentsBriefPdf: (query: IntentsQuery, id: string): Promise<string> =>
    call(commands.intentsBriefPdf(query, id)),
  intentsCreate: (input: IntentInput, why: string): Promise<string> =>
    call(commands.intentsCreate(input, why)),
  intentsEdit: (id: string, input: IntentInput, why: string) => call(commands.intentsEdit(id, input, why)),
  intentsArchive: (id: string, archived: boolean, why: string) =>
    call(commands.intentsArchive(id, archived, why)),
  intentsReorder: (ids: string[]) => call(commands.intentsReorder(ids)),
  intentsRules: (): Promise<RuleView[]> => call(commands.intentsRules()),
  intentsRulePreview: (rule: RuleInput): Promise<RulePreview> => call(commands.intentsRulePreview(rule)),
  intentsRuleAdd: (rule: RuleInput, why: string): Promise<string> => call(commands.intentsRuleAdd(rule, why)),
  intentsRuleRemove: (id: string) => call(commands.intentsRuleRemove(id)),
  /** Links items by hand (one decision each); returns the decisions' ids. */
  intentsLink: (itemIds: string[], target: LinkTarget, why: string): Promise<string[]> =>
    call(commands.intentsLink(itemIds, target, why)),
  planScenariosList: (): Promise<Scenario[]> => call(commands.planScenariosList()),
  /** Creates a scenario (no id) or saves over one; refused when someone saved it in between. */
  planScenarioSave: (input: ScenarioInput): Promise<Scenario> => call(commands.planScenarioSave(input)),
  planScenarioDelete: (id: string): Promise<null> => call(commands.planScenarioDelete(id)),
  planSessionStatus: (): Promise<SessionStatus> => call(commands.planSessionStatus()),
  /** Copies the open workspace into a frozen session file; open `file` next to plan on it. */
  planSessionStart: (name: string): Promise<PlanSession> => call(commands.planSessionStart(name)),
  /** Merges the open session copy's scenarios and decisions back into the live workspace. */
  planSessionMerge: (): Promise<MergeReport> => call(commands.planSessionMerge()),
  planCompare: (spec: CompareSpec): Promise<Comparison> =>
    timedIpc("plan_compare", call(commands.planCompare(spec))),
  teamsCreate: (name: string): Promise<TeamInfo> => call(commands.teamsCreate(name)),
  triageList: (query: TriageQuery): Promise<TriageList> =>
    timedIpc("triage_list", call(commands.triageList(query))),
  /** Records a decision; returns it (its id is what undo takes back). */
  triageDecide: (decision: TriageDecision): Promise<DecisionView> => call(commands.triageDecide(decision)),
  /** Takes back a decision; returns the decision that does so. */
  triageUndo: (decisionId: string, why: string): Promise<DecisionView> =>
    call(commands.triageUndo(decisionId, why)),
  /** Every decision (or one item's), oldest first. */
  decisionsList: (itemId: string | null): Promise<DecisionView[]> => call(commands.decisionsList(itemId)),
  triageThresholdsGet: (): Promise<Thresholds> => call(commands.triageThresholdsGet()),
  triageThresholdsSet: (thresholds: Thresholds, why: string): Promise<Thresholds> =>
    call(commands.triageThresholdsSet(thresholds, why)),
  /** AI-made work compared with people's, on the Flow page's filters. */
  triageCompare: (filter: FlowFilter): Promise<AiComparison> => call(commands.triageCompare(filter)),
  triageSettingsGet: (): Promise<TriageSettings> => call(commands.triageSettingsGet()),
  triageSettingsSet: (settings: TriageSettings): Promise<TriageSettings> =>
    call(commands.triageSettingsSet(settings)),
  /** Asks where to save (system dialog), then writes; the saved path, or null when cancelled. */
  exportSave: (suggestedName: string, contents: string, encoding: ExportEncoding): Promise<string | null> =>
    call(commands.exportSave(suggestedName, contents, encoding)),
  /** Every item of the workspace as Baton's JSON lines, where the user chooses; the path or null. */
  exportWorkspaceItems: (): Promise<string | null> => call(commands.exportWorkspaceItems()),
};

/**
 * True inside the desktop app. Tauri injects `__TAURI_INTERNALS__` with the window's metadata;
 * the IPC mocks of the tests and the headless journey inject `__TAURI_INTERNALS__` without it,
 * so they count as a plain browser (where a download link saves files).
 */
export function insideDesktopApp(): boolean {
  const internals = (window as { __TAURI_INTERNALS__?: { metadata?: unknown } }).__TAURI_INTERNALS__;
  return typeof internals === "object" && internals !== null && internals.metadata !== undefined;
}

/** Undoes a listener, whether the event bus answers, throws, or rejects (it is gone). */
function unlistenQuietly(fn: (() => unknown) | null): void {
  try {
    const result = fn?.();
    if (result instanceof Promise) result.catch(() => {});
  } catch {
    // The event bus is already gone (window closing, tests tearing down): nothing to undo.
  }
}

/** Listens to a typed event until the returned function is called. */
function subscribe<T>(
  listen: (handler: (event: { payload: T }) => void) => Promise<() => unknown>,
  cb: (payload: T) => void,
): () => void {
  let unlisten: (() => unknown) | null = null;
  let stopped = false;
  listen((event) => cb(event.payload))
    .then((fn) => {
      if (stopped) unlistenQuietly(fn);
      else unlisten = fn;
    })
    .catch(() => {
      // Outside the app (tests, a plain browser) there is no event bus: nothing to listen to.
    });
  return () => {
    stopped = true;
    unlistenQuietly(unlisten);
  };
}

/** Calls `cb` with each step of every source's sync (started, pages, waiting, finished). */
export function onSyncProgress(cb: (progress: SyncProgress) => void): () => void {
  return subscribe<{ progress: SyncProgress }>(
    (handler) => events.syncProgressEvent.listen(handler),
    (payload) => cb(payload.progress),
  );
}

/** Calls `cb` with the progress of a first comparison of every item (`done` of `total` steps). */
export function onDuplicatesProgress(cb: (done: number, total: number) => void): () => void {
  return subscribe<{ done: number; total: number }>(
    (handler) => events.duplicatesProgressEvent.listen(handler),
    (payload) => cb(payload.done, payload.total),
  );
}

/** Calls `cb` whenever the workspace changes (opened, or its data was written). */
export function onWorkspaceChanged(cb: (change: WorkspaceChanged) => void): () => void {
  return subscribe((handler) => events.workspaceChanged.listen(handler), cb);
}
