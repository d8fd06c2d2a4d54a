// A stand-in for Baton's Rust side, for the headless journey. Every number it returns comes from
// Rust: the read commands (summary, items, item detail, flow, bottlenecks, drill-downs, workflow,
// intents, teams, dependencies) answer from `globalThis.__batonRecorded`, the answers recorded by
// `cargo test -p baton --lib record_ui_answers` on a seeded demo at a fixed instant
// (ui/e2e/recorded/answers.json). What only stores or simulates is simulated here: sources and
// their syncs, rules, settings, the remembered flow filter, file dialogs, exports.
//
// A request with no recorded answer fails loudly with its canonical form, to be added to
// ui/e2e/recorded/requests.json. A workflow change is itself a recorded request; once it
// succeeded, later requests are looked up among the answers recorded after it.
//
// Classic script (no modules): injected into the page after the answers, and also run in Node
// (vm) for the journey to read the expected answers. It sets `globalThis.__batonMock`.
(() => {
  const RECORDED = globalThis.__batonRecorded;
  if (!RECORDED) throw new Error("globalThis.__batonRecorded (ui/e2e/recorded/answers.json) is not loaded");
  const DAY = 24 * 3600 * 1000;
  function iso(ms) {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, ".000Z");
  }

  // ---------- recorded answers ----------

  /** JSON with every object's keys in order: the same request always gives the same text. */
  function canonical(value) {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value && typeof value === "object") {
      const keys = Object.keys(value).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
    }
    return JSON.stringify(value ?? null);
  }
  /** A request as recorded: `items_list` without its window (the whole list is recorded). */
  function request(cmd, args) {
    if (cmd !== "items_list") return { cmd, args: args ?? {} };
    const { offset: _offset, limit: _limit, ...query } = args.query;
    return { cmd, args: { query } };
  }
  function keyOf(req, after) {
    return canonical({ after, cmd: req.cmd, args: req.args });
  }
  /** A recorded answer as the command returned it: list rows are recorded once, by position. */
  function decoded(r) {
    const found = RECORDED.answers[r.answer];
    if (r.cmd !== "items_list" || !found.ok) return found;
    return { ok: { ...found.ok, rows: found.ok.rows.map((i) => RECORDED.itemRows[i]) } };
  }
  const answers = new Map();
  for (const group of RECORDED.states) {
    for (const r of group.requests) answers.set(keyOf(r, group.after), decoded(r));
  }

  /** The recorded answer (a copy), as the journey reads it; throws when there is none or it failed. */
  function answer(cmd, args, after = []) {
    const found = answers.get(keyOf(request(cmd, args), after));
    if (!found) throw new Error(`no recorded answer for ${canonical({ after, ...request(cmd, args) })}`);
    if (found.error) throw new Error(`${cmd} failed in the recording: ${found.error.message}`);
    return JSON.parse(JSON.stringify(found.ok));
  }
  /** What the command returns, from the recording; a missing answer is noted and fails the call. */
  function recorded(cmd, args) {
    const req = request(cmd, args);
    const key = keyOf(req, state.after);
    const found = answers.get(key);
    if (!found) {
      state.missing.push({ after: state.after, request: req });
      throw {
        code: "internal",
        message: `The journey's recording has no answer for ${canonical(req)}: add it to ui/e2e/recorded/requests.json and record again`,
      };
    }
    state.used.add(key);
    if (found.error) throw { ...found.error };
    return JSON.parse(JSON.stringify(found.ok));
  }
  /** Every recorded answer to `cmd` after `after` (the journey picks what to open among them). */
  function answersTo(cmd, after = []) {
    const out = [];
    for (const group of RECORDED.states) {
      if (canonical(group.after) !== canonical(after)) continue;
      for (const r of group.requests) {
        const found = decoded(r);
        if (r.cmd === cmd && found.ok !== undefined) out.push(JSON.parse(JSON.stringify(found.ok)));
      }
    }
    return out;
  }
  /** Every recorded request, by key (to find those the journey no longer makes). */
  function recordedKeys() {
    return [...answers.keys()];
  }

  /** One page of a recorded list, cut as Rust cuts it from the ordered list. */
  function itemsPage(query) {
    const list = recorded("items_list", { query });
    const limit = query.limit === 0 ? 100 : query.limit;
    return {
      total: list.total,
      offset: query.offset,
      rows: list.rows.slice(query.offset, query.offset + limit),
    };
  }

  /** Teams: the recorded list, then those created here. */
  const createdTeams = [];
  function teamsList() {
    return [...recorded("teams_list", {}), ...createdTeams.map((t) => ({ ...t }))];
  }
  function teamsCreate(raw) {
    const name = String(raw).trim();
    if (!name) throw { code: "invalid", message: "a team needs a name" };
    if (teamsList().some((t) => t.name.toLowerCase() === name.toLowerCase())) {
      throw { code: "invalid", message: `there is already a team called ${name}` };
    }
    const slug = name
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-|-$/g, "");
    const team = { id: `team-${slug || "unnamed"}`, name, items: 0 };
    createdTeams.push(team);
    return { ...team };
  }

  /** The open workspace as the header shows it: the recorded summary's name and path. */
  const summaryAtStart = answer("workspace_summary", {});
  const WORKSPACE = { path: summaryAtStart.path, name: summaryAtStart.name, isDemo: true };

  /** What `flow_filter_get` returns before anything was saved (Rust's `FlowFilter::default()`). */
  const DEFAULT_FILTER = RECORDED.flowFilterDefault;

  // ---------- simulated: sources, their syncs and history, and the rules ----------
  // The demo's three sources (same ids and names as the recorded items), here as if GitHub and
  // Jira were real connections. Tokens are kept here as the keychain would keep them, and never
  // returned. A token containing "bad" (or the Jira source's expired one) is refused with
  // auth_bad_token. Syncs step on a timer (state.syncStepMs), or one event per `syncStep(id)` when
  // state.syncManual is set. Nothing here computes a metric.

  const REAL_NOW = Date.now();
  const MINUTE = 60 * 1000;
  function pastRun(id, agoMin, seconds, status, figures = {}, errorCode = null, error = null) {
    const started = REAL_NOW - agoMin * MINUTE;
    return {
      id,
      startedAt: iso(started),
      endedAt: iso(started + seconds * 1000),
      status,
      pages: 0,
      items: 0,
      requests: 0,
      retries: 0,
      rateLimitWaits: 0,
      rateLimitWaitSeconds: 0,
      errorCode,
      missingScope: null,
      error,
      ...figures,
    };
  }
  const JIRA_REFUSED =
    "the token was refused: https://acme.atlassian.net/rest/api/3/myself: Client must be authenticated to access this resource.";
  const sourceRows = [
    {
      id: "src-github",
      kind: "github",
      name: "Acme GitHub",
      baseUrl: "https://api.github.com",
      scope: { kind: "github", org: "acme", repos: [] },
      pollIntervalMinutes: 10,
      enabled: true,
      synthetic: false,
      token: "ghp_good_acme",
    },
    {
      id: "src-jira",
      kind: "jira",
      name: "Acme Jira",
      baseUrl: "https://acme.atlassian.net",
      scope: { kind: "jira", email: "lead@acme.com", projects: ["PAY", "CHK"], jql: null },
      pollIntervalMinutes: 15,
      enabled: true,
      synthetic: false,
      token: "expired-bad",
    },
    {
      id: "src-linear",
      kind: "linear",
      name: "Acme Linear",
      baseUrl: "https://linear.app/acme",
      // A kind this version cannot sync: Rust sends it without a scope.
      scope: null,
      pollIntervalMinutes: 10,
      enabled: false,
      synthetic: true,
      token: null,
    },
  ];
  const runsBySource = new Map([
    [
      "src-github",
      [
        pastRun("run-gh-5", 4, 96, "succeeded", { pages: 6, items: 212, requests: 9 }),
        pastRun("run-gh-4", 14, 131, "succeeded", {
          pages: 11,
          items: 804,
          requests: 17,
          retries: 1,
          rateLimitWaits: 2,
          rateLimitWaitSeconds: 312,
        }),
        pastRun(
          "run-gh-3",
          24,
          38,
          "failed",
          { pages: 2, items: 150, requests: 8, retries: 4 },
          "server_error",
          "the source failed (HTTP 502): https://api.github.com/repos/acme/checkout-web/issues: Bad Gateway",
        ),
        pastRun("run-gh-2", 34, 3, "canceled", { pages: 0, items: 0, requests: 1 }, "canceled", "canceled"),
        pastRun("run-gh-1", 60 * 26, 1980, "succeeded", {
          pages: 96,
          items: 9412,
          requests: 131,
          retries: 2,
        }),
      ],
    ],
    [
      "src-jira",
      [
        pastRun("run-jira-3", 7, 2, "failed", { requests: 1 }, "auth_bad_token", JIRA_REFUSED),
        pastRun("run-jira-2", 22, 2, "failed", { requests: 1 }, "auth_bad_token", JIRA_REFUSED),
        pastRun("run-jira-1", 60 * 27, 544, "succeeded", { pages: 41, items: 4020, requests: 47 }),
      ],
    ],
  ]);
  const syncs = new Map(); // source id → { run, steps, timer }
  let runSeq = 0;
  let sourceSeq = 0;

  function sourceDto(row) {
    const { token: _secret, ...shown } = row;
    const last = (runsBySource.get(row.id) ?? [])[0];
    return { ...shown, syncing: syncs.has(row.id), lastRun: last ? { ...last } : null, streamErrors: [] };
  }
  function sourcesList() {
    return sourceRows.map(sourceDto);
  }
  function findSource(id) {
    const row = sourceRows.find((s) => s.id === id);
    if (!row) throw { code: "invalid_source", message: `there is no source ${id}` };
    return row;
  }
  // As Rust's connectors check a scope (`connectors/kinds.rs`): names trimmed, blanks dropped.
  function checkedScope(scope) {
    switch (scope?.kind) {
      case "github": {
        const org = scope.org?.trim() || null;
        const repos = (scope.repos ?? []).map((r) => r.trim()).filter(Boolean);
        if (!org && !repos.length) {
          return { problem: "a GitHub source needs an organisation or a list of repositories" };
        }
        const bad = repos.find((r) => !/^[^/\s]+\/[^/\s]+$/.test(r));
        if (bad) return { problem: `"${bad}" is not a repository name like owner/name` };
        return { scope: { kind: "github", org, repos } };
      }
      case "jira": {
        const email = (scope.email ?? "").trim();
        const projects = (scope.projects ?? []).map((p) => p.trim()).filter(Boolean);
        const jql = scope.jql?.trim() || null;
        if (!email) return { problem: "a Jira source needs the account's e-mail" };
        if (!projects.length && !jql) return { problem: "a Jira source needs projects or a JQL filter" };
        return { scope: { kind: "jira", email, projects, jql } };
      }
      default:
        return {
          problem: `${scope?.kind} sources cannot be synced by this version of Baton (it syncs github and jira)`,
        };
    }
  }
  function scopeProblem(input) {
    if (!input.name?.trim()) return "a source needs a name";
    const { problem } = checkedScope(input.scope);
    if (problem) return problem;
    if (input.scope.kind === "jira" && !input.baseUrl) {
      return "a Jira source needs its site URL (https://YOUR-SITE.atlassian.net)";
    }
    return null;
  }
  function fields(input) {
    const kind = input.scope.kind;
    return {
      kind,
      name: input.name.trim(),
      baseUrl:
        kind === "github"
          ? (input.baseUrl || "https://api.github.com").replace(/\/+$/, "")
          : input.baseUrl.replace(/\/+$/, ""),
      scope: checkedScope(input.scope).scope,
      pollIntervalMinutes: input.pollIntervalMinutes,
    };
  }
  function sourcesAdd(input) {
    const problem = scopeProblem(input);
    if (problem) throw { code: "invalid_source", message: problem };
    if (!input.token) throw { code: "invalid_source", message: "a source needs a token" };
    if (sourceRows.some((s) => s.name === input.name.trim())) {
      throw { code: "invalid_source", message: `a source named "${input.name.trim()}" already exists` };
    }
    const row = {
      id: `src-new-${++sourceSeq}`,
      ...fields(input),
      enabled: true,
      synthetic: false,
      token: input.token,
    };
    sourceRows.push(row);
    return sourceDto(row);
  }
  function sourcesEdit(id, input) {
    const row = findSource(id);
    const problem = scopeProblem(input);
    if (problem) throw { code: "invalid_source", message: problem };
    if (input.scope.kind !== row.kind) {
      throw {
        code: "invalid_source",
        message: `${row.name} is a ${row.kind} source; a source's kind cannot change (add a new source instead)`,
      };
    }
    Object.assign(row, fields(input));
    if (input.token) row.token = input.token;
    return sourceDto(row);
  }
  function sourcesSetEnabled(id, enabled) {
    const row = findSource(id);
    row.enabled = enabled;
    return sourceDto(row);
  }
  function sourcesRemove(id) {
    const at = sourceRows.findIndex((s) => s.id === id);
    if (at < 0) throw { code: "invalid_source", message: `there is no source ${id}` };
    sourcesCancel(id);
    sourceRows.splice(at, 1);
    runsBySource.delete(id);
    return null;
  }
  function refusal(kind, base) {
    return kind === "jira"
      ? `the token was refused: ${base}/rest/api/3/myself: Client must be authenticated to access this resource.`
      : `the token was refused: ${base}/user: Bad credentials`;
  }
  function sourcesTest(input, id) {
    const token = input.token || (id ? findSource(id).token : null);
    if (!token) throw { code: "invalid_source", message: "enter the token to test" };
    const failed = (code, message, missingScope = null) => ({ ok: false, code, missingScope, message });
    const problem = checkedScope(input.scope).problem ?? scopeProblem({ ...input, name: "connection test" });
    if (problem) return failed("invalid_source", problem);
    const { kind, baseUrl: base, scope } = fields(input);
    if (token.includes("bad")) return failed("auth_bad_token", refusal(kind, base));
    if (kind === "github") {
      const hidden = scope.repos.find((r) => r.includes("secret"));
      if (hidden) {
        return failed(
          "no_access",
          `no access: the repository ${hidden} was not found, or the token cannot see it`,
        );
      }
      if (token.includes("noscope")) {
        return failed(
          "auth_missing_scope",
          "the token lacks a permission (needs repo, or public_repo for public repositories only): the token has the scopes [gist]",
          "repo, or public_repo for public repositories only",
        );
      }
      const checked = Math.min(5, scope.repos.length || 3);
      return {
        ok: true,
        code: null,
        missingScope: null,
        message: `signed in as lead-dev (${checked} repositories checked)`,
      };
    }
    return {
      ok: true,
      code: null,
      missingScope: null,
      message: `signed in as ${scope.email} (time zone Europe/Berlin)`,
    };
  }

  function emitEvent(event, payload) {
    const internals = globalThis.__TAURI_INTERNALS__;
    if (internals && typeof internals.invoke === "function") {
      Promise.resolve(internals.invoke("plugin:event|emit", { event, payload })).catch(() => {});
    }
  }
  function syncScript(row, run) {
    const ids = { sourceId: row.id, runId: run.id };
    const repo = row.scope?.repos?.[0] ?? `${row.scope?.org ?? "acme"}/web`;
    const stream = (what) => (row.kind === "jira" ? what : `${what}:${repo}`);
    if (row.token?.includes("bad")) {
      return [
        { type: "started", ...ids },
        {
          type: "finished",
          ...ids,
          status: "failed",
          pages: 0,
          items: 0,
          errorCode: "auth_bad_token",
          missingScope: null,
          error: refusal(row.kind, row.baseUrl),
          _requests: 1,
        },
      ];
    }
    const waitUntil = () => new Date(Date.now() + 47 * 1000).toISOString();
    return [
      { type: "started", ...ids },
      { type: "progress", ...ids, stream: stream("issues"), pages: 1, items: 100 },
      { type: "progress", ...ids, stream: stream("issues"), pages: 4, items: 382 },
      {
        type: "waiting",
        ...ids,
        rateLimit: true,
        seconds: 47,
        get until() {
          return waitUntil();
        },
        reason: "GitHub's rate limit is used up (x-ratelimit-remaining: 0)",
      },
      { type: "progress", ...ids, stream: stream("pulls"), pages: 6, items: 517 },
      { type: "progress", ...ids, stream: stream("events"), pages: 8, items: 644 },
      {
        type: "finished",
        ...ids,
        status: "succeeded",
        pages: 8,
        items: 644,
        errorCode: null,
        missingScope: null,
        error: null,
      },
    ];
  }
  function finishRun(row, run, ev) {
    run.status = ev.status;
    run.endedAt = iso(Date.now());
    run.pages = ev.pages;
    run.items = ev.items;
    run.errorCode = ev.errorCode;
    run.missingScope = ev.missingScope;
    run.error = ev.error;
    syncs.delete(row.id);
  }
  /** Sends the next event of the source's running sync; returns how many remain. */
  function syncStep(id) {
    const sync = syncs.get(id);
    if (!sync) return 0;
    const raw = sync.steps.shift();
    const ev = { ...raw };
    delete ev._requests;
    if (raw.type === "waiting") ev.until = raw.until;
    const run = sync.run;
    run.requests += raw._requests ?? 2;
    if (ev.type === "progress") {
      run.pages = ev.pages;
      run.items = ev.items;
    } else if (ev.type === "waiting") {
      run.rateLimitWaits += 1;
      run.rateLimitWaitSeconds += ev.seconds;
    } else if (ev.type === "finished") {
      finishRun(sync.row, run, ev);
    }
    emitEvent("sync-progress-event", { progress: ev });
    if (ev.type === "finished" && ev.pages > 0) emitChanges(["items", "people", "sync_runs"]);
    return sync.steps.length;
  }
  function schedule(id) {
    const sync = syncs.get(id);
    if (!sync || state.syncManual) return;
    sync.timer = setTimeout(() => {
      if (syncStep(id) > 0) schedule(id);
    }, state.syncStepMs);
  }
  function sourcesSyncNow(id) {
    const row = findSource(id);
    if (row.synthetic) {
      throw { code: "invalid_source", message: `${row.name} is generated demo data and is never synced` };
    }
    if (row.scope === null) {
      throw {
        code: "invalid_source",
        message: `${row.kind} sources cannot be synced by this version of Baton (it syncs github and jira)`,
      };
    }
    if (syncs.has(id)) return null;
    const run = {
      id: `run-${row.id}-${++runSeq}`,
      startedAt: iso(Date.now()),
      endedAt: null,
      status: "running",
      pages: 0,
      items: 0,
      requests: 0,
      retries: 0,
      rateLimitWaits: 0,
      rateLimitWaitSeconds: 0,
      errorCode: null,
      missingScope: null,
      error: null,
    };
    runsBySource.set(id, [run, ...(runsBySource.get(id) ?? [])]);
    syncs.set(id, { row, run, steps: syncScript(row, run), timer: null });
    schedule(id);
    return null;
  }
  function sourcesCancel(id) {
    const sync = syncs.get(id);
    if (!sync) return false;
    if (sync.timer) clearTimeout(sync.timer);
    const ev = {
      type: "finished",
      sourceId: id,
      runId: sync.run.id,
      status: "canceled",
      pages: sync.run.pages,
      items: sync.run.items,
      errorCode: "canceled",
      missingScope: null,
      error: "the sync was canceled",
    };
    finishRun(sync.row, sync.run, ev);
    emitEvent("sync-progress-event", { progress: ev });
    return true;
  }

  const rules = {
    team: [
      {
        id: "tr-pay",
        sourceId: null,
        field: "repo",
        pattern: "acme/pay*",
        teamId: "team-payments",
        priority: 10,
      },
      {
        id: "tr-mobile",
        sourceId: "src-github",
        field: "label",
        pattern: "team:mobile",
        teamId: "team-mobile",
        priority: 20,
      },
      {
        id: "tr-ops",
        sourceId: "src-jira",
        field: "project",
        pattern: "PLAT",
        teamId: "team-platform",
        priority: 30,
      },
    ],
    provenance: [
      ["builtin-login-copilot", "bot_login", "copilot*[bot]", "ai_agent", "GitHub Copilot", 0.95],
      ["builtin-login-claude", "bot_login", "claude*[bot]", "ai_agent", "Claude", 0.95],
      ["builtin-login-dependabot", "bot_login", "dependabot*", "automation", "Dependabot", 1],
      ["builtin-login-renovate", "bot_login", "renovate*", "automation", "Renovate", 1],
      ["builtin-coauthor-claude", "co_author", "*claude*", "ai_agent", "Claude", 0.8],
      ["builtin-label-ai", "label", "ai-generated", "ai_agent", null, 0.7],
    ].map(([id, signal, pattern, provenance, agent, confidence]) => ({
      id,
      signal,
      pattern,
      provenance,
      agent,
      confidence,
      builtin: true,
    })),
  };
  let ruleSeq = 0;
  function saveTeamRule(rule) {
    if (!["repo", "project", "component", "label"].includes(rule.field)) {
      throw { code: "invalid", message: "a team rule matches a repo, project, component or label" };
    }
    if (!rule.pattern.trim()) throw { code: "invalid", message: "a team rule needs a pattern" };
    if (!teamsList().some((t) => t.id === rule.teamId)) {
      throw { code: "invalid", message: `there is no team ${rule.teamId}; create it first` };
    }
    const id = rule.id || `team-rule-${++ruleSeq}`;
    const row = { ...rule, id, pattern: rule.pattern.trim() };
    const at = rules.team.findIndex((r) => r.id === id);
    if (at >= 0) rules.team[at] = row;
    else rules.team.push(row);
    return id;
  }
  function saveProvenanceRule(rule) {
    if (!["bot_login", "co_author", "label"].includes(rule.signal)) {
      throw {
        code: "invalid",
        message: "a provenance rule reads a bot login, a co-author trailer or a label",
      };
    }
    if (!(rule.confidence >= 0 && rule.confidence <= 1) || !rule.pattern.trim()) {
      throw {
        code: "invalid",
        message: "a provenance rule needs a pattern and a confidence between 0 and 1",
      };
    }
    const id = rule.id || `provenance-rule-${++ruleSeq}`;
    const row = { ...rule, id, pattern: rule.pattern.trim() };
    const at = rules.provenance.findIndex((r) => r.id === id);
    if (at >= 0) rules.provenance[at] = row;
    else rules.provenance.push(row);
    return id;
  }

  const state = {
    theme: "system",
    calls: [],
    /** Writes applied so far (recorded requests); later answers are those recorded after them. */
    after: [],
    /** Requests that had no recorded answer. */
    missing: [],
    /** Keys of the recorded answers given. */
    used: new Set(),
    /** Syncs send one event per `syncStep(id)` instead of on a timer. */
    syncManual: false,
    syncStepMs: 900,
    workspace: WORKSPACE,
    flowFilter: null,
    triageSettings: { notify: [], name: "" },
    notice:
      "The settings file could not be read (expected value at line 1 column 1) and was reset to defaults.",
  };

  function handleCommand(cmd, args) {
    state.calls.push({ cmd, args: args ?? null });
    const big = globalThis.__batonMockBig?.[cmd];
    if (big) return big(args);
    switch (cmd) {
      case "app_startup":
        return { workspace: state.workspace, openError: null, settingsNotice: state.notice };
      case "workspace_current":
        return state.workspace;
      case "workspace_summary":
      case "item_detail":
      case "intents_list":
      case "flow_report":
      case "flow_bottlenecks":
      case "flow_items":
      case "workflow_list":
      case "deps_report":
      case "deps_graph":
      case "deps_critical_path":
      case "overview_attention":
      case "overview_attention_items":
      case "triage_list":
      case "triage_thresholds_get":
      case "decisions_list":
      case "people_list":
      case "triage_compare":
      case "approvals_report":
      case "duplicates_report":
      case "approvals_for_item":
      case "intents_report":
      case "conflicts_touches":
      case "conflicts_touch_pulls":
      case "conflicts_rules":
        return recorded(cmd, args);
      case "triage_settings_get":
        return state.triageSettings;
      case "triage_settings_set":
        state.triageSettings = args.settings;
        return args.settings;
      case "items_list":
        return itemsPage(args.query);
      case "workflow_set": {
        const result = recorded(cmd, args);
        state.after = [...state.after, request(cmd, args)];
        return result;
      }
      case "teams_list":
        return teamsList();
      case "teams_create":
        return teamsCreate(args.name);
      case "item_open_in_browser":
        return null;
      case "settings_get":
        return {
          theme: state.theme,
          timeZone: state.timeZone ?? null,
          recent: [
            {
              path: state.workspace.path,
              name: state.workspace.name,
              openedAt: iso(Date.now() - 3600 * 1000),
              exists: true,
            },
            {
              path: "/home/lead/Baton/q3-planning.baton",
              name: "q3-planning",
              openedAt: iso(Date.now() - 9 * DAY),
              exists: false,
            },
          ],
          dataDir: "/home/lead/.local/share/dev.baton.desktop",
          version: "0.1.0",
        };
      case "settings_set_theme":
        state.theme = args.theme;
        return null;
      case "settings_set_time_zone":
        state.timeZone = args.timeZone ?? null;
        return null;
      case "workspace_pick_file":
        return "/home/lead/Downloads/notes.baton";
      case "workspace_open":
        throw {
          code: "workspace_not_baton",
          message: `${args.path} is not a Baton workspace: file is not a database`,
        };
      case "workspace_open_demo":
        return state.workspace;
      case "flow_filter_get":
        return { ...DEFAULT_FILTER, ...(state.flowFilter ?? {}) };
      case "flow_filter_set":
        state.flowFilter = args.filter;
        return null;
      case "sources_list":
        return sourcesList();
      case "sources_add":
        return sourcesAdd(args.input);
      case "sources_edit":
        return sourcesEdit(args.id, args.input);
      case "sources_set_enabled":
        return sourcesSetEnabled(args.id, args.enabled);
      case "sources_remove":
        return sourcesRemove(args.id);
      case "sources_test_connection":
        return sourcesTest(args.input, args.id);
      case "sources_sync_now":
        return sourcesSyncNow(args.id);
      case "sources_cancel":
        return sourcesCancel(args.id);
      case "sources_history":
        return (runsBySource.get(args.id) ?? []).slice(0, args.limit).map((r) => ({ ...r }));
      case "rules_list":
        return {
          team: rules.team.map((r) => ({ ...r })),
          provenance: rules.provenance.map((r) => ({ ...r })),
        };
      case "rules_save_team_rule":
        return saveTeamRule(args.rule);
      case "rules_delete_team_rule":
        rules.team = rules.team.filter((r) => r.id !== args.id);
        return null;
      case "rules_save_provenance_rule":
        return saveProvenanceRule(args.rule);
      case "rules_delete_provenance_rule":
        rules.provenance = rules.provenance.filter((r) => r.id !== args.id);
        return null;
      case "export_save":
        return `/home/lead/Downloads/${String(args.suggestedName).split(/[\\/]/).pop()}`;
      default:
        throw { code: "internal", message: `The mock backend has no command ${cmd}` };
    }
  }

  // What each writing command changes, as Rust's write layer publishes it: after a write the
  // app refetches from the `workspace-changed` event, not from the command's answer.
  const WRITES = {
    workflow_set: ["items", "workflow"],
    sources_add: ["sources"],
    sources_edit: ["sources"],
    sources_set_enabled: ["sources"],
    sources_remove: ["items", "people", "sources", "sync_runs"],
    rules_save_team_rule: ["rules"],
    rules_delete_team_rule: ["rules"],
    rules_save_provenance_rule: ["rules"],
    rules_delete_provenance_rule: ["rules"],
    teams_create: ["teams"],
  };
  function emitChanges(kinds) {
    const allItems = kinds.includes("items");
    setTimeout(
      () => emitEvent("workspace-changed", { reason: "data", changes: { kinds, itemIds: [], allItems } }),
      0,
    );
  }
  function handle(cmd, args) {
    const answer = handleCommand(cmd, args);
    if (WRITES[cmd]) emitChanges(WRITES[cmd]);
    return answer;
  }

  globalThis.__batonMock = {
    handle,
    state,
    answer,
    answersTo,
    request,
    recordedKeys,
    now: RECORDED.now,
    sourcesList,
    syncStep,
  };
})();
