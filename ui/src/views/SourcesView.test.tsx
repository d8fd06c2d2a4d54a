import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type {
  ErrorCode,
  ProvenanceRule,
  Rules,
  SourceInput,
  SourceView,
  SyncRun,
  TeamRule,
} from "../lib/ipc";
import {
  type Call,
  clearMocks,
  emitSyncProgress,
  type Handler,
  makeRun,
  makeSource,
  makeSummary,
  mockBackend,
} from "../lib/ipc/testing";
import { clearSaveNotices, SaveNotices } from "../shared/SaveNotices";
import { renderWithClient } from "../test/render";
import { SourcesView } from "./SourcesView";

afterEach(() => {
  clearMocks();
  clearSaveNotices();
});

const GH = makeSource({ id: "s1", name: "acme-corp", scope: { kind: "github", org: "acme", repos: [] } });
const JIRA = makeSource({
  id: "s2",
  kind: "jira",
  name: "acme.atlassian.net",
  baseUrl: "https://acme.atlassian.net",
  scope: { kind: "jira", email: "lead@acme.com", projects: ["PAY"], jql: null },
  lastRun: makeRun({
    id: "run-9",
    status: "failed",
    errorCode: "auth_bad_token",
    error: "the token was refused: https://acme.atlassian.net/rest/api/3/myself: Unauthorized",
  }),
});
const DEMO = makeSource({ id: "s3", name: "Demo GitHub", synthetic: true, lastRun: null });
/** The demo's generated Linear source: its scope reads, but demo data is never synced or edited. */
const LINEAR = makeSource({
  id: "s4",
  kind: "linear",
  name: "Acme Linear",
  baseUrl: "https://linear.app/acme",
  scope: { kind: "linear", teams: ["MOB", "GRO"], oauth: false },
  synthetic: true,
  lastRun: null,
});

const TEAM_RULE: TeamRule = {
  id: "tr1",
  sourceId: null,
  field: "repo",
  pattern: "acme/pay*",
  teamId: "t1",
  priority: 10,
};
const PROV_RULE: ProvenanceRule = {
  id: "builtin-login-claude",
  signal: "bot_login",
  pattern: "claude*[bot]",
  provenance: "ai_agent",
  agent: "Claude",
  confidence: 0.95,
  builtin: true,
};

function backend(overrides: Record<string, Handler> = {}, sources: SourceView[] = [GH, JIRA, DEMO, LINEAR]) {
  const rules: Rules = { team: [TEAM_RULE], provenance: [PROV_RULE] };
  return mockBackend({
    sources_list: () => sources,
    workspace_summary: () =>
      makeSummary({
        bySource: [
          { key: "s1", label: "acme-corp", count: 8000 },
          { key: "s2", label: "acme.atlassian.net", count: 4345 },
        ],
      }),
    rules_list: () => rules,
    teams_list: () => [
      { id: "t1", name: "Payments", items: 8000 },
      { id: "t2", name: "Platform", items: 4345 },
    ],
    sources_history: () => [] as SyncRun[],
    ...overrides,
  });
}

function card(id: string): HTMLElement {
  const found = screen.getAllByTestId("source-card").find((el) => el.getAttribute("data-id") === id) as
    | HTMLElement
    | undefined;
  if (!found) throw new Error(`no card ${id}`);
  return found;
}

async function openAddForm() {
  renderWithClient(<SourcesView />);
  await screen.findAllByTestId("source-card");
  fireEvent.click(screen.getByTestId("source-add"));
  return screen.getByTestId("source-form");
}

const last = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).at(-1);

describe("Sources", () => {
  it("lists sources with their scope, last sync and schedule; demo sources have no sync controls", async () => {
    backend();
    renderWithClient(<SourcesView />);
    await screen.findAllByTestId("source-card");
    const gh = card("s1");
    expect(within(gh).getByTestId("source-scope")).toHaveTextContent("Organisation acme");
    expect(within(gh).getByTestId("source-last-sync")).toHaveAttribute("data-status", "succeeded");
    expect(within(gh).getByTestId("source-next-sync")).toHaveTextContent("every 10 minutes");
    expect(within(gh).getByTestId("source-sync-now")).toBeEnabled();
    expect(within(gh).getByTestId("source-enabled")).toBeChecked();

    // A failed last sync is highlighted with its explained error, never hidden.
    const jira = card("s2");
    expect(jira).toHaveClass("source-card-failed");
    const problem = within(jira).getByTestId("source-last-error");
    expect(problem).toHaveAttribute("data-code", "auth_bad_token");
    expect(problem).toHaveTextContent("Jira refused the token");
    expect(problem).toHaveTextContent("Unauthorized");

    const demo = card("s3");
    expect(within(demo).getByTestId("source-demo")).toHaveTextContent("Demo data — not synced");
    expect(within(demo).queryByTestId("source-sync-now")).toBeNull();
    expect(within(demo).queryByTestId("source-enabled")).toBeNull();
    expect(within(demo).queryByTestId("source-edit")).toBeNull();

    const linear = card("s4");
    expect(within(linear).getByTestId("source-scope")).toHaveTextContent("Teams MOB, GRO");
    expect(within(linear).queryByTestId("source-edit")).toBeNull();
  });

  it("validates the add form, then sends the token once and never shows it again", async () => {
    const added = makeSource({
      id: "s9",
      name: "web",
      scope: { kind: "github", org: null, repos: ["acme/web"] },
    });
    const calls = backend({ sources_add: () => added });
    const form = await openAddForm();
    const token = within(form).getByTestId("source-token");
    expect(token).toHaveAttribute("type", "password");
    expect(within(form).getByTestId("source-token-keychain")).toHaveTextContent(
      "stored in your system keychain",
    );
    expect(within(form).getByTestId("source-token-scopes")).toHaveTextContent("Pull requests: read");

    fireEvent.click(within(form).getByTestId("source-save"));
    expect(await within(form).findByText(/Give the source a name/)).toBeInTheDocument();
    expect(within(form).getByText(/Paste a GitHub token/)).toBeInTheDocument();
    expect(within(form).getByText(/Name the organisation/)).toBeInTheDocument();
    expect(calls.some((c) => c.cmd === "sources_add")).toBe(false);

    fireEvent.change(within(form).getByTestId("source-name"), { target: { value: "acme-corp" } });
    fireEvent.click(within(form).getByTestId("source-scope-repos"));
    fireEvent.change(within(form).getByTestId("source-repos"), { target: { value: "acme/web\nweb" } });
    fireEvent.change(token, { target: { value: "ghp_SECRET123" } });
    fireEvent.click(within(form).getByTestId("source-save"));
    expect(await within(form).findByText(/Another source is already called “acme-corp”/)).toBeInTheDocument();
    expect(within(form).getByText(/Not a repository name like owner\/name: web/)).toBeInTheDocument();

    fireEvent.change(within(form).getByTestId("source-name"), { target: { value: "web" } });
    fireEvent.change(within(form).getByTestId("source-repos"), { target: { value: "acme/web" } });
    fireEvent.click(within(form).getByTestId("source-save"));
    await waitFor(() => expect(screen.queryByTestId("source-form")).toBeNull());
    expect(last(calls, "sources_add")?.args.input).toEqual({
      name: "web",
      baseUrl: "",
      pollIntervalMinutes: 10,
      token: "ghp_SECRET123",
      scope: { kind: "github", org: null, repos: ["acme/web"] },
    } satisfies SourceInput);
    expect(document.body.textContent).not.toContain("ghp_SECRET123");
    for (const input of document.querySelectorAll("input"))
      expect(input.value).not.toContain("ghp_SECRET123");
  });

  it("imports a file: picks it, guesses the columns, previews the first items and the bad rows by line, saves without a token", async () => {
    const preview = (scope: {
      path: string;
      format: string;
      columns: { states: string[]; id: string | null };
    }) => ({
      format: scope.format,
      headers: ["ID", "Title", "Team", "Backlog", "Doing", "Done"],
      columns: {
        ...scope.columns,
        id: scope.columns.id ?? "ID",
        title: "Title",
        item_type: null,
        team: "Team",
        states: scope.columns.states.length ? scope.columns.states : ["Backlog", "Doing", "Done"],
      },
      items: [
        {
          line: 2,
          id: "A-1",
          key: "A-1",
          title: "<img src=x onerror=alert(1)>",
          kind: null,
          state: "Doing",
          team: "Payments",
          created: "2026-01-05T00:00:00Z",
          transitions: 2,
        },
      ],
      itemsTotal: 41,
      errors: [{ line: 5, message: 'A-4: "soon" in the "Doing" column is not a date' }],
      errorsTotal: 1,
    });
    const added = makeSource({
      id: "s10",
      kind: "file",
      name: "Spreadsheet",
      baseUrl: "",
      scope: {
        kind: "file",
        path: "/data/flow.csv",
        format: "states_csv",
        columns: preview({ path: "", format: "", columns: { states: [], id: null } }).columns,
      } as never,
    });
    const calls = backend({
      sources_pick_file: () => "/data/flow.csv",
      sources_preview_file: (args) => preview(args.scope as never),
      sources_add: () => added,
    });
    const form = await openAddForm();
    fireEvent.click(within(form).getByTestId("source-kind-file"));
    expect(within(form).queryByTestId("source-token")).toBeNull();
    expect(within(form).getByTestId("source-file-preview-empty")).toHaveTextContent("Choose a file");
    fireEvent.click(within(form).getByTestId("source-file-format-states_csv"));
    fireEvent.click(within(form).getByTestId("source-file-pick"));
    await waitFor(() => expect(within(form).getByTestId("source-file-path")).toHaveValue("/data/flow.csv"));

    const rows = await within(form).findAllByTestId("source-file-preview-row", {}, { timeout: 2000 });
    expect(rows[0]).toHaveTextContent("<img src=x onerror=alert(1)>");
    expect(rows[0]?.querySelector("img")).toBeNull();
    expect(within(form).getByTestId("source-file-preview-items")).toHaveTextContent("41 items");
    expect(within(form).getByTestId("source-file-preview-errors")).toHaveTextContent(
      'line 5 A-4: "soon" in the "Doing" column is not a date',
    );
    await waitFor(() => expect(within(form).getByTestId("source-file-column-id")).toHaveValue("ID"));
    expect(within(form).getByTestId("source-file-column-team")).toHaveValue("Team");
    const states = within(within(form).getByTestId("source-file-states")).getAllByRole("checkbox");
    expect(states.filter((c) => (c as HTMLInputElement).checked)).toHaveLength(3);

    // The person maps the columns: the Team column is not a team, Backlog is not a state. The
    // preview is read again with that mapping, and the guess (which Rust sends with every
    // preview) does not put the Team column back.
    const previews = () => calls.filter((c) => c.cmd === "sources_preview_file").length;
    const before = previews();
    fireEvent.change(within(form).getByTestId("source-file-column-team"), { target: { value: "" } });
    fireEvent.click(
      within(within(form).getByTestId("source-file-states")).getByRole("checkbox", { name: "Backlog" }),
    );
    await waitFor(
      () => {
        const scope = last(calls, "sources_preview_file")?.args.scope as {
          columns: { team: string | null; states: string[] };
        };
        expect(scope.columns.team).toBeNull();
        expect(scope.columns.states).toEqual(["Doing", "Done"]);
      },
      { timeout: 2000 },
    );
    expect(previews()).toBeGreaterThan(before);
    await act(() => new Promise((r) => setTimeout(r, 400)));
    expect(within(form).getByTestId("source-file-column-team")).toHaveValue("");

    fireEvent.change(within(form).getByTestId("source-name"), { target: { value: "Spreadsheet" } });
    fireEvent.click(within(form).getByTestId("source-save"));
    await waitFor(() => expect(screen.queryByTestId("source-form")).toBeNull());
    const input = last(calls, "sources_add")?.args.input as SourceInput;
    expect(input.token).toBeNull();
    expect(input.baseUrl).toBe("");
    expect(input.scope).toMatchObject({
      kind: "file",
      path: "/data/flow.csv",
      format: "states_csv",
      columns: { id: "ID", title: "Title", team: null, states: ["Doing", "Done"] },
    });
  });

  it("exports the workspace's items as JSON lines and says where", async () => {
    const calls = backend({ export_workspace_items: () => "/home/me/acme-items.jsonl" });
    renderWithClient(
      <>
        <SourcesView />
        <SaveNotices />
      </>,
    );
    await screen.findAllByTestId("source-card");
    fireEvent.click(screen.getByTestId("source-export-items"));
    expect(await screen.findByText(/Items saved to \/home\/me\/acme-items\.jsonl/)).toBeInTheDocument();
    expect(calls.filter((c) => c.cmd === "export_workspace_items")).toHaveLength(1);
  });

  it("says why a file cannot be read, and refuses a relative path", async () => {
    backend({
      sources_preview_file: () => {
        throw { code: "invalid_source", message: "cannot read /data/gone.csv: No such file or directory" };
      },
    });
    const form = await openAddForm();
    fireEvent.click(within(form).getByTestId("source-kind-file"));
    fireEvent.change(within(form).getByTestId("source-file-path"), { target: { value: "data/x.csv" } });
    fireEvent.change(within(form).getByTestId("source-name"), { target: { value: "x" } });
    fireEvent.click(within(form).getByTestId("source-save"));
    expect(await within(form).findByText(/Give the whole path of the file/)).toBeInTheDocument();
    fireEvent.change(within(form).getByTestId("source-file-path"), { target: { value: "/data/gone.csv" } });
    expect(
      await within(form).findByTestId("source-file-preview-error", {}, { timeout: 2000 }),
    ).toHaveTextContent("cannot read /data/gone.csv");
  });

  it("edits a source with an empty token field, keeping the stored token", async () => {
    const calls = backend({ sources_edit: (args) => ({ ...JIRA, name: (args.input as SourceInput).name }) });
    renderWithClient(<SourcesView />);
    await screen.findAllByTestId("source-card");
    fireEvent.click(within(card("s2")).getByTestId("source-edit"));
    const form = screen.getByTestId("source-form");
    expect(within(form).getByTestId("source-token")).toHaveValue("");
    expect(within(form).getByTestId("source-site-url")).toHaveValue("https://acme.atlassian.net");
    expect(within(form).getByTestId("source-email")).toHaveValue("lead@acme.com");
    expect(within(form).getByTestId("source-projects")).toHaveValue("PAY");
    expect(within(form).getByTestId("source-token-keychain")).toHaveTextContent("Leave this empty");
    fireEvent.change(within(form).getByTestId("source-projects"), { target: { value: "pay, ops" } });
    fireEvent.click(within(form).getByTestId("source-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "sources_edit")).toBe(true));
    expect(last(calls, "sources_edit")?.args).toMatchObject({
      id: "s2",
      input: {
        token: null,
        scope: { kind: "jira", projects: ["PAY", "OPS"], email: "lead@acme.com", jql: null },
      },
    });
  });

  const CASES: [ErrorCode, string, RegExp, string | null][] = [
    [
      "auth_bad_token",
      "the token was refused: https://api.github.com/user: Bad credentials",
      /GitHub refused the token/,
      null,
    ],
    [
      "auth_missing_scope",
      "the token lacks a permission (needs repo, or public_repo for public repositories only): the token has the scopes [gist]",
      /missing a permission: repo, or public_repo for public repositories only/,
      "repo, or public_repo for public repositories only",
    ],
    [
      "auth_missing_scope",
      "the token lacks a permission: it needs `read:org`",
      /^The token is missing a permission$/,
      null,
    ],
    [
      "no_access",
      "no access: the organisation acme was not found, or the token cannot see it",
      /cannot see this repository or organisation/,
      null,
    ],
    ["wrong_url", "this address is not the expected API: https://example.com/", /not a GitHub API/, null],
    ["offline", "cannot reach the source (offline?): dns error", /Cannot reach GitHub/, null],
    [
      "timeout",
      "the source did not answer in time: https://api.github.com/user",
      /did not answer in time/,
      null,
    ],
    ["rate_limited", "rate limited: secondary limit", /rate-limited the sync/, null],
    ["server_error", "the source failed (HTTP 502): bad gateway", /failed \(server error\)/, null],
    ["malformed_response", "unreadable response: HTML instead of JSON", /cannot read/, null],
    ["invalid_source", '"acme/" is not a repository name like owner/name', /settings are incomplete/, null],
  ];

  // The headline comes from the code and the permission Rust sends as data; Rust's sentence is
  // shown as it is and never read (a permission only inside it is not picked out).
  it.each(CASES)("Test connection explains %s", async (code, message, expected, missingScope) => {
    const calls = backend({ sources_test_connection: () => ({ ok: false, code, missingScope, message }) });
    const form = await openAddForm();
    fireEvent.change(within(form).getByTestId("source-org"), { target: { value: "acme" } });
    fireEvent.change(within(form).getByTestId("source-token"), { target: { value: "ghp_x" } });
    fireEvent.click(within(form).getByTestId("source-test"));
    const problem = await within(form).findByTestId("source-test-problem");
    expect(problem).toHaveAttribute("data-code", code);
    expect(within(problem).getByTestId("source-test-problem-title")).toHaveTextContent(expected);
    expect(problem).toHaveTextContent(message);
    expect(last(calls, "sources_test_connection")?.args).toMatchObject({
      id: null,
      input: { token: "ghp_x", scope: { kind: "github", org: "acme", repos: [] } },
    });
  });

  it("says plainly when there is no keychain, and reports a successful test", async () => {
    let answer: () => unknown = () => {
      throw {
        code: "keychain_unavailable",
        message: "no keychain: org.freedesktop.secrets was not provided",
      };
    };
    backend({ sources_add: () => answer(), sources_test_connection: () => answer() });
    const form = await openAddForm();
    fireEvent.change(within(form).getByTestId("source-name"), { target: { value: "new" } });
    fireEvent.change(within(form).getByTestId("source-org"), { target: { value: "acme" } });
    fireEvent.change(within(form).getByTestId("source-token"), { target: { value: "ghp_x" } });
    fireEvent.click(within(form).getByTestId("source-save"));
    const problem = await within(form).findByTestId("source-save-problem");
    expect(problem).toHaveTextContent("No system keychain is available");
    expect(problem).toHaveTextContent("never in the workspace file");
    expect(problem).toHaveTextContent("--token-env");
    answer = () => ({
      ok: true,
      code: null,
      missingScope: null,
      message: "signed in as lead (3 repositories checked)",
    });
    fireEvent.click(within(form).getByTestId("source-test"));
    expect(await within(form).findByTestId("source-test-ok")).toHaveTextContent(
      "Connected: signed in as lead (3 repositories checked)",
    );
  });

  it("follows a sync's progress events: pages, a rate-limit wait with its resume time, then the end", async () => {
    const calls = backend({ sources_sync_now: () => null });
    renderWithClient(<SourcesView />);
    await screen.findAllByTestId("source-card");
    fireEvent.click(within(card("s1")).getByTestId("source-sync-now"));
    await waitFor(() => expect(last(calls, "sources_sync_now")?.args).toEqual({ id: "s1" }));
    const bar = () => within(card("s1")).getByTestId("sync-progress");
    expect(bar()).toHaveAttribute("data-state", "starting");
    expect(within(card("s1")).getByTestId("source-cancel")).toBeInTheDocument();

    const ids = { sourceId: "s1", runId: "r1" };
    await act(() => emitSyncProgress({ type: "started", ...ids }));
    expect(bar()).toHaveAttribute("data-state", "running");
    await act(() =>
      emitSyncProgress({ type: "progress", ...ids, stream: "issues:acme/pay", pages: 3, items: 250 }),
    );
    expect(bar()).toHaveAttribute("data-pages", "3");
    expect(within(bar()).getByTestId("sync-progress-text")).toHaveTextContent("3 pages, 250 items so far");
    expect(within(bar()).getByTestId("sync-progress-detail")).toHaveTextContent("Reading issues of acme/pay");

    const until = new Date(Date.now() + 90_000).toISOString();
    await act(() =>
      emitSyncProgress({
        type: "waiting",
        ...ids,
        rateLimit: true,
        seconds: 90,
        until,
        reason: "x-ratelimit-remaining is 0",
      }),
    );
    expect(bar()).toHaveAttribute("data-state", "waiting");
    const waitText = within(bar()).getByTestId("sync-progress-text").textContent ?? "";
    expect(waitText).toMatch(/Waiting for GitHub's rate limit — resumes at \d/);
    expect(waitText).toMatch(/in 1 min 30 s|in 1 min 29 s/);
    expect(within(bar()).getByTestId("sync-progress-detail")).toHaveTextContent("x-ratelimit-remaining is 0");
    expect(within(bar()).getByRole("progressbar")).toHaveAttribute("aria-valuenow");

    await act(() =>
      emitSyncProgress({ type: "progress", ...ids, stream: "pulls:acme/pay", pages: 7, items: 610 }),
    );
    expect(bar()).toHaveAttribute("data-state", "running");
    expect(within(bar()).getByTestId("sync-progress-text")).toHaveTextContent("7 pages, 610 items so far");
    expect(within(bar()).getByTestId("sync-progress-text")).toHaveTextContent("1 rate-limit wait");

    await act(() =>
      emitSyncProgress({
        type: "finished",
        ...ids,
        status: "succeeded",
        pages: 9,
        items: 700,
        errorCode: null,
        missingScope: null,
        error: null,
      }),
    );
    expect(bar()).toHaveAttribute("data-state", "succeeded");
    expect(within(bar()).getByTestId("sync-progress-text")).toHaveTextContent("Finished: 9 pages, 700 items");
    // A late event of the finished run changes nothing.
    await act(() =>
      emitSyncProgress({ type: "progress", ...ids, stream: "events:acme/pay", pages: 8, items: 650 }),
    );
    expect(bar()).toHaveAttribute("data-state", "succeeded");
    expect(within(card("s1")).getByTestId("source-sync-now")).toBeInTheDocument();
  });

  it("shows a failed sync's error when it ends, and cancels a running one", async () => {
    const calls = backend({ sources_cancel: () => true }, [{ ...GH, syncing: true }]);
    renderWithClient(<SourcesView />);
    await screen.findAllByTestId("source-card");
    expect(within(card("s1")).getByTestId("sync-progress")).toHaveAttribute("data-state", "syncing");
    fireEvent.click(within(card("s1")).getByTestId("source-cancel"));
    await waitFor(() => expect(last(calls, "sources_cancel")?.args).toEqual({ id: "s1" }));
    await act(() =>
      emitSyncProgress({
        type: "finished",
        sourceId: "s1",
        runId: "r2",
        status: "failed",
        pages: 1,
        items: 40,
        errorCode: "auth_missing_scope",
        missingScope: "Issues: read and Pull requests: read",
        error:
          "the token lacks a permission (needs Issues: read and Pull requests: read): acme/web: forbidden",
      }),
    );
    const c = card("s1");
    expect(within(c).getByTestId("sync-progress")).toHaveAttribute("data-state", "failed");
    expect(within(c).getByTestId("source-last-error")).toHaveTextContent(
      "The token is missing a permission: Issues: read and Pull requests: read",
    );
    expect(within(c).getByTestId("source-last-error")).toHaveTextContent("acme/web: forbidden");
  });

  it("shows the history with a failed run highlighted and its error", async () => {
    const runs: SyncRun[] = [
      makeRun({
        id: "r3",
        status: "failed",
        startedAt: "2026-03-02T10:00:00.000Z",
        endedAt: "2026-03-02T10:00:04.000Z",
        pages: 0,
        items: 0,
        requests: 1,
        errorCode: "auth_bad_token",
        error: "the token was refused: https://api.github.com/user: Bad credentials",
      }),
      makeRun({ id: "r2", rateLimitWaits: 2, rateLimitWaitSeconds: 125, retries: 3 }),
      makeRun({
        id: "r1",
        status: "failed",
        errorCode: "auth_missing_scope",
        missingScope: "repo",
        error:
          "the token lacks a permission (needs repo): https://api.github.com/repos/acme/web/issues: forbidden",
      }),
    ];
    const calls = backend({ sources_history: () => runs });
    renderWithClient(<SourcesView />);
    await screen.findAllByTestId("source-card");
    fireEvent.click(within(card("s1")).getByTestId("source-history-toggle"));
    const rows = await within(card("s1")).findAllByTestId("history-row");
    expect(last(calls, "sources_history")?.args).toEqual({ id: "s1", limit: 20 });
    expect(rows).toHaveLength(3);
    const failed = rows[0] as HTMLElement;
    expect(failed).toHaveAttribute("data-status", "failed");
    expect(failed).toHaveClass("history-failed");
    expect(within(failed).getByTestId("history-error")).toHaveTextContent("GitHub refused the token");
    expect(within(failed).getByTestId("history-error")).toHaveTextContent("Bad credentials");
    expect(within(failed).getByTestId("history-error")).toHaveTextContent("auth_bad_token");
    expect(failed).toHaveTextContent("4 s");
    const ok = rows[1] as HTMLElement;
    expect(ok).toHaveTextContent("2 min 30 s");
    expect(ok).toHaveTextContent("2 (2 min 5 s)");
    expect(within(rows[2] as HTMLElement).getByTestId("history-error")).toHaveTextContent(
      "The token is missing a permission: repo",
    );
  });

  it("says which repositories failed when a sync finished with errors, in the card and the history", async () => {
    const partial = makeSource({
      id: "s1",
      name: "acme-corp",
      lastRun: makeRun({
        status: "finished_with_errors",
        errorCode: "no_access",
        error:
          "1 of 7 streams failed and were skipped (the others synced): repo:acme/gone: no access: https://api.github.com/repos/acme/gone was not found, or the token cannot see it",
      }),
      streamErrors: [
        {
          stream: "repo:acme/gone",
          errorCode: "no_access",
          missingScope: null,
          error:
            "no access: https://api.github.com/repos/acme/gone was not found, or the token cannot see it",
          failedAt: "2026-03-01T10:02:30.000Z",
        },
      ],
    });
    backend({ sources_history: () => [partial.lastRun as SyncRun] }, [partial]);
    renderWithClient(<SourcesView />);
    await screen.findAllByTestId("source-card");
    const c = card("s1");
    expect(c).not.toHaveClass("source-card-failed");
    expect(within(c).getByTestId("source-last-sync")).toHaveAttribute("data-status", "finished_with_errors");
    expect(within(c).getByTestId("source-last-sync")).toHaveTextContent("Finished with errors");
    const problems = within(c).getByTestId("source-stream-errors");
    expect(problems).toHaveTextContent("One part of this source could not be read; the rest synced.");
    const gone = within(problems).getByTestId("source-stream-error");
    expect(gone).toHaveAttribute("data-code", "no_access");
    expect(gone).toHaveTextContent("the repository acme/gone");
    expect(gone).toHaveTextContent("was not found, or the token cannot see it");
    fireEvent.click(within(c).getByTestId("source-history-toggle"));
    const [row] = await within(c).findAllByTestId("history-row");
    expect(row).toHaveAttribute("data-status", "finished_with_errors");
    expect(within(row as HTMLElement).getByTestId("history-error")).toHaveTextContent(
      "Some repositories or projects could not be read",
    );
  });

  it("says a Linear key refused on the workspace's projects is not a team it cannot see", async () => {
    const linear = makeSource({
      id: "s1",
      name: "lin",
      kind: "linear",
      lastRun: makeRun({
        status: "finished_with_errors",
        errorCode: "no_access",
        error: "1 of 3 streams failed and were skipped (the others synced): intents: no access",
      }),
      streamErrors: [
        {
          stream: "intents",
          errorCode: "no_access",
          missingScope: null,
          error: "no access: https://api.linear.app/graphql: Forbidden <b>projects</b>",
          failedAt: "2026-03-01T10:02:30.000Z",
        },
      ],
    });
    backend({ sources_history: () => [linear.lastRun as SyncRun] }, [linear]);
    renderWithClient(<SourcesView />);
    await screen.findAllByTestId("source-card");
    const problem = within(card("s1")).getByTestId("source-stream-error");
    expect(problem).toHaveTextContent("projects and initiatives");
    expect(problem).toHaveTextContent("The key cannot read the workspace's projects or initiatives");
    expect(problem).not.toHaveTextContent("cannot see this team");
    // The source's own words, as text.
    expect(problem).toHaveTextContent("Forbidden <b>projects</b>");
    expect(problem.querySelector("b")).toBeNull();
  });

  it("asks before removing, saying what is deleted", async () => {
    const calls = backend({ sources_remove: () => null });
    renderWithClient(<SourcesView />);
    await screen.findAllByTestId("source-card");
    fireEvent.click(within(card("s1")).getByTestId("source-remove"));
    const confirm = within(card("s1")).getByTestId("source-remove-confirm");
    await waitFor(() => expect(confirm).toHaveTextContent("8,000 items"));
    expect(confirm).toHaveTextContent("its token in the system keychain");
    expect(confirm).toHaveTextContent("cannot be undone");
    expect(calls.some((c) => c.cmd === "sources_remove")).toBe(false);
    fireEvent.click(within(confirm).getByTestId("source-remove-confirm-yes"));
    await waitFor(() => expect(last(calls, "sources_remove")?.args).toEqual({ id: "s1" }));
  });

  it("pauses and resumes a source's schedule", async () => {
    const calls = backend({ sources_set_enabled: (args) => ({ ...GH, enabled: args.enabled as boolean }) });
    renderWithClient(<SourcesView />);
    await screen.findAllByTestId("source-card");
    fireEvent.click(within(card("s1")).getByTestId("source-enabled"));
    await waitFor(() =>
      expect(last(calls, "sources_set_enabled")?.args).toEqual({ id: "s1", enabled: false }),
    );
  });

  it("creates a team while adding a rule, for a workspace that has none", async () => {
    const calls = backend({
      teams_list: () => [],
      teams_create: (args) => ({ id: "team-data", name: String(args.name), items: 0 }),
      rules_save_team_rule: () => "tr-new",
    });
    renderWithClient(<SourcesView />);
    const team = await screen.findByTestId("team-rules");
    expect(team).toHaveTextContent("name one while adding a rule");
    fireEvent.click(within(team).getByTestId("team-rule-add"));
    const adder = within(team).getByTestId("team-rule-editor");
    fireEvent.change(within(adder).getByTestId("team-rule-pattern"), { target: { value: "acme/data-*" } });
    fireEvent.change(within(adder).getByTestId("team-rule-team"), { target: { value: "\u0000new" } });
    fireEvent.click(within(adder).getByTestId("rule-save"));
    expect(within(adder).getByTestId("rule-problem")).toHaveTextContent("Name the new team");
    fireEvent.change(within(adder).getByTestId("team-rule-new-team"), { target: { value: "  Data  " } });
    fireEvent.click(within(adder).getByTestId("rule-save"));
    await waitFor(() =>
      expect(last(calls, "rules_save_team_rule")?.args.rule).toMatchObject({ teamId: "team-data" }),
    );
    expect(last(calls, "teams_create")?.args).toEqual({ name: "Data" });
  });

  it("adds, edits and deletes rules with the rule commands", async () => {
    const calls = backend({
      rules_save_team_rule: () => "tr-new",
      rules_delete_team_rule: () => null,
      rules_save_provenance_rule: () => "pr-new",
      rules_delete_provenance_rule: () => null,
    });
    renderWithClient(<SourcesView />);
    const team = await screen.findByTestId("team-rules");
    const row = await within(team).findByTestId("team-rule");
    expect(row).toHaveTextContent("acme/pay*");
    expect(row).toHaveTextContent("Payments");

    // Edit: the pattern and team change.
    fireEvent.click(within(row).getByTestId("rule-edit"));
    const editor = within(team).getByTestId("team-rule-editor");
    fireEvent.change(within(editor).getByTestId("team-rule-pattern"), {
      target: { value: "acme/payments-*" },
    });
    fireEvent.change(within(editor).getByTestId("team-rule-team"), { target: { value: "t2" } });
    fireEvent.click(within(editor).getByTestId("rule-save"));
    await waitFor(() =>
      expect(last(calls, "rules_save_team_rule")?.args.rule).toEqual({
        id: "tr1",
        field: "repo",
        pattern: "acme/payments-*",
        teamId: "t2",
        sourceId: null,
        priority: 10,
      }),
    );

    // Add: a Jira project rule for one source; a missing team is refused first.
    fireEvent.click(within(team).getByTestId("team-rule-add"));
    const adder = within(team).getByTestId("team-rule-editor");
    fireEvent.change(within(adder).getByTestId("team-rule-field"), { target: { value: "project" } });
    fireEvent.change(within(adder).getByTestId("team-rule-pattern"), { target: { value: "PAY" } });
    fireEvent.change(within(adder).getByTestId("team-rule-source"), { target: { value: "s2" } });
    fireEvent.click(within(adder).getByTestId("rule-save"));
    expect(within(adder).getByTestId("rule-problem")).toHaveTextContent("Choose the team");
    fireEvent.change(within(adder).getByTestId("team-rule-team"), { target: { value: "t1" } });
    fireEvent.click(within(adder).getByTestId("rule-save"));
    await waitFor(() =>
      expect(last(calls, "rules_save_team_rule")?.args.rule).toEqual({
        id: "",
        field: "project",
        pattern: "PAY",
        teamId: "t1",
        sourceId: "s2",
        priority: 100,
      }),
    );

    // Delete asks once more.
    await waitFor(() => expect(within(team).queryByTestId("team-rule-editor")).toBeNull());
    fireEvent.click(within(within(team).getByTestId("team-rule")).getByTestId("rule-delete"));
    fireEvent.click(within(team).getByTestId("rule-delete-confirm"));
    await waitFor(() => expect(last(calls, "rules_delete_team_rule")?.args).toEqual({ id: "tr1" }));

    // Provenance: edit the confidence of a built-in rule, add one, delete one.
    const prov = screen.getByTestId("provenance-rules");
    const builtin = within(prov).getByTestId("provenance-rule");
    expect(builtin).toHaveTextContent("built in");
    expect(builtin).toHaveTextContent("95%");
    fireEvent.click(within(builtin).getByTestId("rule-edit"));
    const pe = within(prov).getByTestId("provenance-rule-editor");
    fireEvent.change(within(pe).getByTestId("provenance-rule-confidence"), { target: { value: "90" } });
    fireEvent.click(within(pe).getByTestId("rule-save"));
    await waitFor(() =>
      expect(last(calls, "rules_save_provenance_rule")?.args.rule).toEqual({ ...PROV_RULE, confidence: 0.9 }),
    );
    await waitFor(() => expect(within(prov).queryByTestId("provenance-rule-editor")).toBeNull());
    fireEvent.click(within(prov).getByTestId("provenance-rule-add"));
    const pa = within(prov).getByTestId("provenance-rule-editor");
    fireEvent.change(within(pa).getByTestId("provenance-rule-signal"), { target: { value: "co_author" } });
    fireEvent.change(within(pa).getByTestId("provenance-rule-pattern"), { target: { value: "*gemini*" } });
    fireEvent.change(within(pa).getByTestId("provenance-rule-agent"), { target: { value: "Gemini" } });
    fireEvent.change(within(pa).getByTestId("provenance-rule-confidence"), { target: { value: "80" } });
    fireEvent.click(within(pa).getByTestId("rule-save"));
    await waitFor(() =>
      expect(last(calls, "rules_save_provenance_rule")?.args.rule).toEqual({
        id: "",
        signal: "co_author",
        pattern: "*gemini*",
        provenance: "ai_agent",
        agent: "Gemini",
        confidence: 0.8,
        builtin: false,
      }),
    );
    await waitFor(() => expect(within(prov).queryByTestId("provenance-rule-editor")).toBeNull());
    fireEvent.click(within(within(prov).getByTestId("provenance-rule")).getByTestId("rule-delete"));
    fireEvent.click(within(prov).getByTestId("rule-delete-confirm"));
    await waitFor(() =>
      expect(last(calls, "rules_delete_provenance_rule")?.args).toEqual({ id: "builtin-login-claude" }),
    );
  });
});
